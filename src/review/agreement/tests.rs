//! Every metric against values worked out by hand (the arithmetic is in the comments).

use super::*;
use crate::model::Project;
use crate::review::testing::{self, Doc, one, project};

/// Eight tokens: aa [0,2) bb [3,5) cc [6,8) dd [9,11) ee [12,14) ff [15,17) gg [18,20)
/// hh [21,23).
const TEXT: &str = "aa bb cc dd ee ff gg hh";

fn compare(projects: &[&Project]) -> (Comparison, Agreement) {
    let comparison = testing::compare(projects);
    let agreement = Agreement::new(&comparison);
    (comparison, agreement)
}

fn label(comparison: &Comparison, key: &str) -> usize {
    comparison
        .labels
        .iter()
        .position(|l| l.key == key)
        .expect("label")
}

fn close(value: Option<f64>, want: f64) {
    let value = value.expect("defined");
    assert!((value - want).abs() < 1e-9, "{value} is not {want}");
}

/// The README's worked example.
fn worked_example() -> (Comparison, Agreement) {
    let alice = project(
        "alice",
        &[Doc {
            id: "doc",
            text: TEXT,
            spans: &[(0, 5, "actor"), (6, 11, "quote"), (12, 14, "actor")],
            links: &[(1, 0, "said_by")],
        }],
    );
    let bob = project(
        "bob",
        &[Doc {
            id: "doc",
            text: TEXT,
            spans: &[
                (0, 5, "actor"),
                (6, 11, "location"),
                (12, 17, "actor"),
                (18, 23, "quote"),
            ],
            links: &[(3, 0, "said_by")],
        }],
    );
    compare(&[&alice, &bob])
}

#[test]
fn worked_example_span_f1() {
    let (c, agreement) = worked_example();
    let pair = agreement.project.pair(0, 1).expect("pair");
    // Exact: only actor [0,5) matches; 3 + 4 spans: 2·1/7.
    assert_eq!(
        pair.exact_overall(),
        Score {
            matched: 1,
            a: 3,
            b: 4
        }
    );
    close(pair.exact_overall().f1(), 2.0 / 7.0);
    close(pair.exact[label(&c, "actor")].f1(), 0.5);
    close(pair.exact[label(&c, "quote")].f1(), 0.0);
    close(pair.exact[label(&c, "location")].f1(), 0.0);
    assert_eq!(pair.exact[label(&c, "claim")].f1(), None);
    // Relaxed: actor [12,14) overlaps [12,17): both actors match; 2·2/7 overall.
    close(pair.relaxed[label(&c, "actor")].f1(), 1.0);
    close(pair.relaxed[label(&c, "quote")].f1(), 0.0);
    close(pair.relaxed_overall().f1(), 4.0 / 7.0);
}

#[test]
fn worked_example_kappa_and_alpha() {
    let (c, agreement) = worked_example();
    let figures = &agreement.project;
    let pair = figures.pair(1, 0).expect("pair in either order");
    // actor: alice aa bb ee, bob aa bb ee ff: po 7/8, pe 3/8·4/8 + 5/8·4/8 = 1/2.
    let actor = label(&c, "actor");
    assert_eq!(
        pair.tokens[actor],
        KappaCounts {
            both: 3,
            only_a: 0,
            only_b: 1,
            neither: 4
        }
    );
    close(pair.kappa(actor), 0.75);
    // quote: cc dd against gg hh: po 1/2, pe 1/16 + 9/16 = 5/8: (1/2 − 5/8)/(3/8).
    close(pair.kappa(label(&c, "quote")), -1.0 / 3.0);
    // location: only bob, cc dd: po 6/8, pe 0·2/8 + 1·6/8 = 6/8: kappa 0.
    close(pair.kappa(label(&c, "location")), 0.0);
    // claim: nobody, chance agreement 1: undefined, and left out of the macro average.
    assert_eq!(pair.kappa(label(&c, "claim")), None);
    close(pair.kappa_macro(), (0.75 - 1.0 / 3.0 + 0.0) / 3.0);
    // alpha, actor: 16 values, 7 yes, 9 no, one token split: 1 − 15·1/(7·9).
    close(figures.alpha(actor), 1.0 - 15.0 / 63.0);
    // quote: 4 yes, 12 no, four split tokens: 1 − 15·4/48.
    close(figures.alpha(label(&c, "quote")), -0.25);
    // location: 2 yes, 14 no, two split: 1 − 15·2/28.
    close(figures.alpha(label(&c, "location")), 1.0 - 30.0 / 28.0);
    assert_eq!(figures.alpha(label(&c, "claim")), None);
    close(
        figures.alpha_macro(),
        (1.0 - 15.0 / 63.0 - 0.25 + 1.0 - 30.0 / 28.0) / 3.0,
    );
}

#[test]
fn worked_example_confusion_and_links() {
    let (c, agreement) = worked_example();
    let pair = agreement.project.pair(0, 1).expect("pair");
    let m = &pair.confusion;
    let (actor, quote, location, none) = (
        label(&c, "actor"),
        label(&c, "quote"),
        label(&c, "location"),
        m.none(),
    );
    assert_eq!(m.get(actor, actor), 1); // [0,5)
    assert_eq!(m.get(quote, location), 1); // [6,11)
    assert_eq!(m.get(actor, none), 1); // [12,14), only alice's range
    assert_eq!(m.get(none, actor), 1); // [12,17), only bob's range
    assert_eq!(m.get(none, quote), 1); // [18,23)
    assert_eq!(m.counts.iter().sum::<u64>(), 5);
    // Rows add up to alice's spans per label, columns to bob's.
    let row = |r: usize| (0..m.size).map(|col| m.get(r, col)).sum::<u64>();
    let column = |col: usize| (0..m.size).map(|r| m.get(r, col)).sum::<u64>();
    assert_eq!((row(actor), row(quote), row(location)), (2, 1, 0));
    assert_eq!((column(actor), column(quote), column(location)), (2, 1, 1));
    // Links: alice's quote [6,11) and bob's quote [18,23) said_by actor [0,5) differ.
    let said_by = c
        .link_types
        .iter()
        .position(|t| t.key == "said_by")
        .expect("said_by");
    assert_eq!(
        pair.links[said_by],
        Score {
            matched: 0,
            a: 1,
            b: 1
        }
    );
    close(pair.links_overall().f1(), 0.0);
}

#[test]
fn empty_annotations_leave_every_figure_undefined() {
    let (c, agreement) = compare(&[&one("a", TEXT, &[]), &one("b", TEXT, &[])]);
    let figures = &agreement.project;
    let pair = figures.pair(0, 1).expect("pair");
    assert_eq!(pair.documents, 1);
    assert_eq!(pair.exact_overall().f1(), None);
    assert_eq!(pair.relaxed_overall().f1(), None);
    assert_eq!(pair.links_overall().f1(), None);
    for l in 0..c.labels.len() {
        assert_eq!(pair.kappa(l), None);
        assert_eq!(figures.alpha(l), None);
    }
    assert_eq!(pair.kappa_macro(), None);
    assert_eq!(figures.alpha_macro(), None);
    // A text with no tokens at all: still undefined, not a division by zero.
    let (_, agreement) = compare(&[&one("a", " — ", &[]), &one("b", " — ", &[])]);
    assert_eq!(agreement.project.alpha_macro(), None);
}

#[test]
fn identical_annotations_agree_perfectly() {
    let spans = [(0, 5, "actor"), (0, 23, "quote"), (9, 11, "location")];
    let (c, agreement) = compare(&[&one("a", TEXT, &spans), &one("b", TEXT, &spans)]);
    let figures = &agreement.project;
    let pair = figures.pair(0, 1).expect("pair");
    close(pair.exact_overall().f1(), 1.0);
    close(pair.relaxed_overall().f1(), 1.0);
    close(pair.kappa(label(&c, "actor")), 1.0);
    close(pair.kappa(label(&c, "location")), 1.0);
    // Every token is in both quotes: chance agreement 1, so kappa and alpha are undefined.
    assert_eq!(pair.kappa(label(&c, "quote")), None);
    assert_eq!(figures.alpha(label(&c, "quote")), None);
    close(figures.alpha(label(&c, "actor")), 1.0);
    close(pair.kappa_macro(), 1.0);
    close(figures.alpha_macro(), 1.0);
}

#[test]
fn disjoint_annotations_score_zero_or_below() {
    let (c, agreement) = compare(&[
        &one("a", TEXT, &[(0, 5, "claim")]),
        &one("b", TEXT, &[(12, 17, "claim")]),
    ]);
    let pair = agreement.project.pair(0, 1).expect("pair");
    close(pair.exact_overall().f1(), 0.0);
    close(pair.relaxed_overall().f1(), 0.0);
    // aa bb against ee ff: like the quotes of the worked example.
    close(pair.kappa(label(&c, "claim")), -1.0 / 3.0);
    // 16 values, 4 yes, four split tokens: 1 − 15·4/(4·12).
    close(agreement.project.alpha(label(&c, "claim")), -0.25);
}

#[test]
fn nested_spans_count_each_label_on_its_own() {
    // Both mark the whole quote; alice's actor inside it is aa bb, bob's only aa.
    let (c, agreement) = compare(&[
        &one("a", TEXT, &[(0, 23, "quote"), (0, 5, "actor")]),
        &one("b", TEXT, &[(0, 23, "quote"), (0, 2, "actor")]),
    ]);
    let pair = agreement.project.pair(0, 1).expect("pair");
    close(pair.exact_overall().f1(), 0.5);
    close(pair.relaxed_overall().f1(), 1.0);
    // actor: both 1, only alice 1, neither 6: po 7/8, pe 2/8·1/8 + 6/8·7/8 = 44/64.
    close(
        pair.kappa(label(&c, "actor")),
        (7.0 / 8.0 - 44.0 / 64.0) / (1.0 - 44.0 / 64.0),
    );
    assert_eq!(pair.kappa(label(&c, "quote")), None);
    // The confusion matrix pairs only identical ranges.
    let m = &pair.confusion;
    let (quote, actor) = (label(&c, "quote"), label(&c, "actor"));
    assert_eq!(m.get(quote, quote), 1);
    assert_eq!(m.get(actor, m.none()), 1);
    assert_eq!(m.get(m.none(), actor), 1);
}

#[test]
fn overlapping_spans_match_only_when_relaxed() {
    // "bb cc dd" against "cc dd ee": tokens cc and dd shared.
    let (c, agreement) = compare(&[
        &one("a", TEXT, &[(3, 11, "claim")]),
        &one("b", TEXT, &[(6, 14, "claim")]),
    ]);
    let pair = agreement.project.pair(0, 1).expect("pair");
    close(pair.exact_overall().f1(), 0.0);
    close(pair.relaxed_overall().f1(), 1.0);
    // both 2, only_a 1, only_b 1, neither 4: po 6/8, pe (3/8)² + (5/8)² = 34/64.
    close(
        pair.kappa(label(&c, "claim")),
        (6.0 / 8.0 - 34.0 / 64.0) / (1.0 - 34.0 / 64.0),
    );
}

#[test]
fn a_label_only_one_annotator_uses() {
    let mut bob = one("b", TEXT, &[(0, 2, "actor")]);
    bob.schema.labels.retain(|l| l.key != "location");
    let (c, agreement) = compare(&[
        &one("a", TEXT, &[(0, 2, "actor"), (9, 11, "location")]),
        &bob,
    ]);
    let location = label(&c, "location");
    let pair = agreement.project.pair(0, 1).expect("pair");
    close(pair.exact[location].f1(), 0.0);
    close(pair.relaxed[location].f1(), 0.0);
    // Only alice says yes, to one token of eight: po 7/8 = pe, kappa 0.
    close(pair.kappa(location), 0.0);
    close(pair.exact_overall().f1(), 2.0 / 3.0);
    assert_eq!(pair.confusion.get(location, pair.confusion.none()), 1);
    // 16 values, 1 yes, 15 no, one split token: 1 − 15·1/15 = 0.
    close(agreement.project.alpha(location), 0.0);
}

#[test]
fn relaxed_matching_takes_largest_overlaps_first() {
    // a1 [0,10) overlaps b1 [2,5) by 3 and b2 [4,12) by 6; a2 [9,14) overlaps b2 by 3.
    // Largest first: a1–b2 (6); then a1–b1 and a2–b2 (3 each) find a1 or b2 taken.
    let a = [(0, 10), (9, 14)];
    let b = [(2, 5), (4, 12)];
    assert_eq!(relaxed_pairs(&a, &b), [(0, 1)]);
    assert_eq!(relaxed_matches(&a, &b), 1);
}

#[test]
fn relaxed_matching_breaks_ties_in_reading_order() {
    // Every overlap is 2 code points: a1 [0,4)–b1 [0,2), a1–b2 [2,6), a2 [4,6)–b2.
    // Reading order by the pair's earlier span: a1–b1 (earlier [0,2)) first, then a1–b2
    // (earlier [0,4); a1 is taken), then a2–b2 (earlier [2,6)): two matches. Had a1–b2
    // gone first, there would be only one.
    let a = [(0, 4), (4, 6)];
    let b = [(0, 2), (2, 6)];
    assert_eq!(relaxed_pairs(&a, &b), [(0, 0), (1, 1)]);
    // The same pairs with the roles swapped.
    assert_eq!(relaxed_pairs(&b, &a), [(0, 0), (1, 1)]);
}

#[test]
fn three_annotators_pairwise_mean_kappa_and_alpha() {
    // Tokens aa bb cc dd. alice and carol mark aa, bob aa bb.
    let text = "aa bb cc dd";
    let (c, agreement) = compare(&[
        &one("alice", text, &[(0, 2, "actor")]),
        &one("bob", text, &[(0, 5, "actor")]),
        &one("carol", text, &[(0, 2, "actor")]),
    ]);
    let actor = label(&c, "actor");
    let figures = &agreement.project;
    assert_eq!(figures.pairs.len(), 3);
    let kappa = |a, b| figures.pair(a, b).and_then(|p| p.kappa(actor));
    // alice/bob: po 3/4, pe 1/4·2/4 + 3/4·2/4 = 1/2: kappa 1/2. alice/carol: 1.
    close(kappa(0, 1), 0.5);
    close(kappa(0, 2), 1.0);
    close(kappa(1, 2), 0.5);
    close(figures.mean_kappa(actor), 2.0 / 3.0);
    close(figures.mean_kappa_macro(), 2.0 / 3.0);
    // 12 values, 4 yes, 8 no; bb is split 1 yes of 3: 1·2/2 = 1. 1 − 11·1/(4·8).
    close(figures.alpha(actor), 1.0 - 11.0 / 32.0);
    let exact = |a, b| figures.pair(a, b).and_then(|p| p.exact_overall().f1());
    close(exact(0, 2), 1.0);
    close(exact(0, 1), 0.0);
}

#[test]
fn alpha_takes_missing_documents_as_missing_values() {
    let text = "aa bb cc dd";
    let alice = project(
        "alice",
        &[
            Doc {
                id: "one",
                text,
                spans: &[(0, 2, "actor")],
                links: &[],
            },
            Doc {
                id: "two",
                text: "ee ff",
                spans: &[(0, 2, "actor")],
                links: &[],
            },
        ],
    );
    let bob = project(
        "bob",
        &[
            Doc {
                id: "one",
                text,
                spans: &[(0, 5, "actor")],
                links: &[],
            },
            Doc {
                id: "two",
                text: "ee ff",
                spans: &[],
                links: &[],
            },
        ],
    );
    let carol = one("carol", text, &[(0, 2, "actor")]);
    let (c, agreement) = compare(&[&alice, &bob, &carol]);
    let actor = label(&c, "actor");
    // As above, plus two tokens with two values: ee split (1 yes), ff both no.
    // 16 values, 5 yes, 11 no, disagreement 1 + 1: 1 − 15·2/(5·11).
    close(agreement.project.alpha(actor), 1.0 - 30.0 / 55.0);
    // Pairs count the documents both have.
    let docs = |a, b| agreement.project.pair(a, b).map(|p| p.documents);
    assert_eq!(
        (docs(0, 1), docs(0, 2), docs(1, 2)),
        (Some(2), Some(1), Some(1))
    );
    // Per document: the second has only alice and bob.
    let second = agreement.documents[1].as_ref().expect("compared");
    assert_eq!(second.pair(0, 2).map(|p| p.documents), Some(0));
    close(second.pair(0, 1).and_then(|p| p.kappa(actor)), 0.0);
    // The project's counts are the sums of the documents'.
    let first = agreement.documents[0].as_ref().expect("compared");
    let both = |f: &Figures| f.pair(0, 1).map(|p| p.tokens[actor]).unwrap_or_default();
    assert_eq!(
        both(first).tokens() + both(second).tokens(),
        both(&agreement.project).tokens()
    );
}

#[test]
fn links_match_when_both_ends_match_exactly() {
    let spans = [(0, 5, "actor"), (6, 11, "quote"), (12, 17, "quote")];
    let alice = project(
        "alice",
        &[Doc {
            id: "doc",
            text: TEXT,
            spans: &spans,
            links: &[(1, 0, "said_by"), (2, 1, "continues")],
        }],
    );
    // bob's actor is one word shorter: his said_by link does not match.
    let bob = project(
        "bob",
        &[Doc {
            id: "doc",
            text: TEXT,
            spans: &[(0, 2, "actor"), (6, 11, "quote"), (12, 17, "quote")],
            links: &[(1, 0, "said_by"), (2, 1, "continues")],
        }],
    );
    let (c, agreement) = compare(&[&alice, &bob]);
    let pair = agreement.project.pair(0, 1).expect("pair");
    let kind = |key: &str| {
        c.link_types
            .iter()
            .position(|t| t.key == key)
            .expect("type")
    };
    close(pair.links[kind("continues")].f1(), 1.0);
    close(pair.links[kind("said_by")].f1(), 0.0);
    close(pair.links_overall().f1(), 0.5);
}

#[test]
fn documents_only_one_file_has_are_not_measured() {
    let alice = one("alice", TEXT, &[(0, 2, "actor")]);
    let bob = one("bob", "another text", &[(0, 2, "actor")]);
    let (_, agreement) = compare(&[&alice, &bob]);
    assert_eq!(agreement.documents, [None, None]);
    assert_eq!(agreement.project.documents, 0);
    assert_eq!(agreement.project.pairs[0].exact_overall().f1(), None);
}
