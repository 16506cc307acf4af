//! Matching documents and schemas, aligning spans, statuses and disagreements.

use super::*;
use crate::review::testing::{Doc, compare, one, project};

const TEXT: &str = "aa bb cc dd ee ff gg hh";

fn doc<'a>(id: &'a str, text: &'a str, spans: &'a [(usize, usize, &'a str)]) -> Doc<'a> {
    Doc {
        id,
        text,
        spans,
        links: &[],
    }
}

/// `(start, end, label key, annotators, status)` of every aligned span.
fn aligned(c: &Comparison, d: usize) -> Vec<(usize, usize, &str, u64, SpanStatus)> {
    c.documents[d]
        .spans
        .iter()
        .map(|s| {
            (
                s.start,
                s.end,
                c.labels[s.label].key.as_str(),
                s.annotators.0,
                s.status,
            )
        })
        .collect()
}

#[test]
fn documents_match_by_text_not_by_id_or_title() {
    let alice = project(
        "alice",
        &[
            doc("talks", TEXT, &[]),
            doc("only-alice", "alice's own", &[]),
        ],
    );
    let mut bob = project(
        "bob",
        &[doc("other-id", "bob's own", &[]), doc("renamed", TEXT, &[])],
    );
    bob.documents[1].title = "Another title".into();
    // Same id as alice's first document, other text: not the same document.
    bob.documents.push(crate::review::testing::document(&doc(
        "talks",
        "changed text",
        &[],
    )));
    let c = compare(&[&alice, &bob]);
    let found: Vec<(&str, Vec<Option<usize>>)> = c
        .documents
        .iter()
        .map(|d| (d.id.as_str(), d.present.clone()))
        .collect();
    assert_eq!(
        found,
        [
            ("talks", vec![Some(0), Some(1)]),
            ("only-alice", vec![Some(1), None]),
            ("other-id", vec![None, Some(0)]),
            ("talks", vec![None, Some(2)]),
        ]
    );
    assert_eq!(c.compared_documents(), 1);
    let missing: Vec<(usize, AnnotatorSet)> = c.missing_documents().collect();
    assert_eq!(
        missing,
        [
            (1, AnnotatorSet::one(1)),
            (2, AnnotatorSet::one(0)),
            (3, AnnotatorSet::one(0))
        ]
    );
    assert!(c.pairs_without_common_documents().is_empty());
}

#[test]
fn files_with_nothing_in_common_are_named() {
    let c = compare(&[&one("a", "one text", &[]), &one("b", "another text", &[])]);
    assert_eq!(c.compared_documents(), 0);
    assert_eq!(c.pairs_without_common_documents(), [(0, 1)]);
}

#[test]
fn a_text_twice_in_one_file_matches_copy_by_copy() {
    let alice = project("alice", &[doc("x", TEXT, &[]), doc("y", TEXT, &[])]);
    let bob = project("bob", &[doc("z", TEXT, &[])]);
    let c = compare(&[&alice, &bob]);
    assert_eq!(c.documents.len(), 2);
    assert_eq!(c.documents[0].present, [Some(0), Some(0)]);
    assert_eq!(c.documents[1].present, [Some(1), None]);
}

#[test]
fn annotator_names_are_told_apart_by_their_files() {
    let name = |projects: &[(&str, &Project)]| -> Vec<String> {
        Comparison::new(projects)
            .expect("compare")
            .annotators
            .into_iter()
            .map(|a| a.name)
            .collect()
    };
    let (alice, bob, anonymous) = (
        one("alice", TEXT, &[]),
        one("bob", TEXT, &[]),
        one(" ", TEXT, &[]),
    );
    assert_eq!(name(&[("a", &alice), ("b", &bob)]), ["alice", "bob"]);
    assert_eq!(
        name(&[("draft", &alice), ("final", &alice), ("b", &bob)]),
        ["alice (draft)", "alice (final)", "bob"]
    );
    assert_eq!(
        name(&[("x", &alice), ("x", &alice)]),
        ["alice (x) #1", "alice (x) #2"]
    );
    assert_eq!(
        name(&[("nobody", &anonymous), ("b", &bob)]),
        ["nobody", "bob"]
    );
}

#[test]
fn too_few_or_too_many_files_are_refused() {
    let alice = one("alice", TEXT, &[]);
    assert_eq!(
        Comparison::new(&[("a", &alice)]).err(),
        Some(CompareError::TooFew { given: 1 })
    );
    let many: Vec<(&str, &Project)> = (0..65).map(|_| ("a", &alice)).collect();
    assert_eq!(
        Comparison::new(&many).err(),
        Some(CompareError::TooMany { given: 65 })
    );
}

#[test]
fn schema_differences_are_listed_but_not_hotkeys() {
    let alice = one("alice", TEXT, &[]);
    let mut bob = one("bob", TEXT, &[]);
    let schema = &mut bob.schema;
    schema.labels.retain(|l| l.key != "location");
    schema.labels.push(crate::model::Label {
        key: "speaker".into(),
        name: "Speaker".into(),
        color: Rgb([1, 2, 3]),
        hotkey: None,
        description: String::new(),
    });
    schema.labels[0].color = Rgb([0xFF, 0, 0]); // claim
    schema.labels[1].name = "Quotation".into(); // quote
    schema.labels[1].hotkey = Some(9); // not a difference
    schema.link_types[0].to.push("speaker".into()); // said_by
    schema.link_types.retain(|t| t.key != "continues");
    let c = compare(&[&alice, &bob]);
    let described: Vec<String> = c
        .schema_differences
        .iter()
        .map(|d| d.describe(&c.annotators))
        .collect();
    assert_eq!(
        described,
        [
            "label `claim` has another colour: \"#E69F00\" (alice), \"#FF0000\" (bob)",
            "label `quote` has another name: \"Quote\" (alice), \"Quotation\" (bob)",
            "label `location` is only in the schema of alice (not of bob)",
            "label `speaker` is only in the schema of bob (not of alice)",
            "link type `said_by` has another ends: \"claim, quote → actor\" (alice), \"claim, quote → actor, speaker\" (bob)",
            "link type `continues` is only in the schema of alice (not of bob)",
        ]
    );
    let keys: Vec<&str> = c.labels.iter().map(|l| l.key.as_str()).collect();
    assert_eq!(keys, ["claim", "quote", "location", "actor", "speaker"]);
    assert_eq!(c.labels[2].in_schema, AnnotatorSet::one(0));
    assert!(
        compare(&[&alice, &alice.clone()])
            .schema_differences
            .is_empty()
    );
}

#[test]
fn every_status_on_two_annotators() {
    let alice = one(
        "alice",
        TEXT,
        &[(0, 5, "actor"), (6, 11, "quote"), (12, 14, "actor")],
    );
    let bob = one(
        "bob",
        TEXT,
        &[
            (0, 5, "actor"),
            (6, 11, "location"),
            (12, 17, "actor"),
            (18, 23, "quote"),
        ],
    );
    let c = compare(&[&alice, &bob]);
    use SpanStatus::*;
    assert_eq!(
        aligned(&c, 0),
        [
            (0, 5, "actor", 0b11, AllAgree),
            (6, 11, "quote", 0b01, SameRangeOtherLabel),
            (6, 11, "location", 0b10, SameRangeOtherLabel),
            (12, 14, "actor", 0b01, OverlapOtherBoundaries),
            (12, 17, "actor", 0b10, OverlapOtherBoundaries),
            (18, 23, "quote", 0b10, OnlySome),
        ]
    );
    let doc = &c.documents[0];
    let groups: Vec<(usize, usize, Vec<usize>)> = doc
        .disagreements
        .iter()
        .map(|d| (d.start, d.end, d.spans.clone()))
        .collect();
    assert_eq!(
        groups,
        [(6, 11, vec![1, 2]), (12, 17, vec![3, 4]), (18, 23, vec![5])]
    );
    assert_eq!(doc.disagreement_count(), 3);
    let marks: Vec<Option<usize>> = doc.spans.iter().map(|s| s.disagreement).collect();
    assert_eq!(marks, [None, Some(0), Some(0), Some(1), Some(1), Some(2)]);
}

#[test]
fn an_actor_inside_a_quote_someone_lacks_is_not_a_boundary_conflict() {
    // bob did not mark the quote; his actor inside it has another label, so the quote
    // is "only some", and the agreed actor is no disagreement.
    let alice = one("alice", TEXT, &[(0, 23, "quote"), (0, 5, "actor")]);
    let bob = one("bob", TEXT, &[(0, 5, "actor")]);
    let c = compare(&[&alice, &bob]);
    use SpanStatus::*;
    assert_eq!(
        aligned(&c, 0),
        [
            (0, 5, "actor", 0b11, AllAgree),
            (0, 23, "quote", 0b01, OnlySome)
        ]
    );
    assert_eq!(c.documents[0].disagreements.len(), 1);
}

#[test]
fn three_annotators_take_the_first_status_that_applies() {
    // The quote [6,11): carol has it; alice has location there, bob a longer quote.
    let alice = one("alice", TEXT, &[(6, 11, "location")]);
    let bob = one("bob", TEXT, &[(6, 14, "quote")]);
    let carol = one("carol", TEXT, &[(6, 11, "quote")]);
    let c = compare(&[&alice, &bob, &carol]);
    use SpanStatus::*;
    assert_eq!(
        aligned(&c, 0),
        [
            (6, 11, "quote", 0b100, SameRangeOtherLabel),
            (6, 11, "location", 0b001, SameRangeOtherLabel),
            (6, 14, "quote", 0b010, OverlapOtherBoundaries),
        ]
    );
    // All three conflict with each other: one disagreement.
    assert_eq!(c.documents[0].disagreements.len(), 1);
    assert_eq!(c.documents[0].disagreements[0].spans, [0, 1, 2]);
    // A span two of three have is still a disagreement.
    let c = compare(&[&carol, &carol.clone(), &alice]);
    assert_eq!(c.documents[0].spans[0].annotators, AnnotatorSet(0b011));
    assert_ne!(c.documents[0].spans[0].status, AllAgree);
}

#[test]
fn a_document_only_one_file_has_has_no_disagreement() {
    let alice = project(
        "alice",
        &[
            doc("one", TEXT, &[(0, 2, "actor")]),
            doc("two", "other", &[(0, 2, "actor")]),
        ],
    );
    let bob = one("bob", TEXT, &[(0, 2, "actor")]);
    let c = compare(&[&alice, &bob]);
    assert!(!c.documents[1].is_compared());
    assert_eq!(c.documents[1].disagreement_count(), 0);
    assert_eq!(c.documents[1].missing_from(), AnnotatorSet::one(1));
    // A document bob lacks does not make alice's spans disagreements elsewhere.
    assert_eq!(c.disagreement_count(), 0);
}

#[test]
fn links_not_everyone_has_join_the_disagreement_of_their_end() {
    let spans = [(0, 5, "actor"), (6, 11, "quote"), (18, 23, "quote")];
    let alice = project(
        "alice",
        &[Doc {
            id: "doc",
            text: TEXT,
            spans: &spans,
            links: &[(1, 0, "said_by")],
        }],
    );
    // bob has the same spans and one more actor, and links the other quote too.
    let bob = project(
        "bob",
        &[Doc {
            id: "doc",
            text: TEXT,
            spans: &[
                (0, 5, "actor"),
                (6, 11, "quote"),
                (18, 23, "quote"),
                (12, 14, "actor"),
            ],
            links: &[(2, 0, "said_by"), (1, 0, "said_by")],
        }],
    );
    let c = compare(&[&alice, &bob]);
    let doc = &c.documents[0];
    // Aligned: actor [0,5), quote [6,11), actor [12,14) (bob only), quote [18,23).
    let links: Vec<(usize, usize, u64, Option<usize>)> = doc
        .links
        .iter()
        .map(|l| (l.from, l.to, l.annotators.0, l.disagreement))
        .collect();
    assert_eq!(links, [(1, 0, 0b11, None), (3, 0, 0b10, Some(1))]);
    // The link's ends agree: it is a disagreement of its own, at the span it starts from.
    assert_eq!(doc.disagreements.len(), 2);
    assert_eq!(
        (
            doc.disagreements[0].start,
            doc.disagreements[0].spans.clone()
        ),
        (12, vec![2])
    );
    let second = &doc.disagreements[1];
    assert_eq!(
        (
            second.start,
            second.end,
            second.spans.len(),
            second.links.clone()
        ),
        (18, 23, 0, vec![1])
    );
}

#[test]
fn stepping_through_disagreements_crosses_documents() {
    let alice = project(
        "alice",
        &[
            doc("one", TEXT, &[(0, 2, "actor"), (6, 8, "actor")]),
            doc("two", "quiet", &[]),
            doc("three", "ee ff", &[(0, 2, "actor")]),
        ],
    );
    let bob = project(
        "bob",
        &[
            doc("one", TEXT, &[]),
            doc("two", "quiet", &[]),
            doc("three", "ee ff", &[]),
        ],
    );
    let c = compare(&[&alice, &bob]);
    let at = |document, index| Some(DisagreementRef { document, index });
    let mut forward = Vec::new();
    let mut position = None;
    while let Some(next) = c.step(position, Direction::Next) {
        forward.push(next);
        position = Some(next);
    }
    assert_eq!(forward, [at(0, 0), at(0, 1), at(2, 0)].map(Option::unwrap));
    assert_eq!(c.step(at(2, 0), Direction::Next), None);
    assert_eq!(c.step(None, Direction::Previous), at(2, 0));
    assert_eq!(c.step(at(2, 0), Direction::Previous), at(0, 1));
    assert_eq!(c.step(at(0, 1), Direction::Previous), at(0, 0));
    assert_eq!(c.step(at(0, 0), Direction::Previous), None);
    // A position past the end of its document (a stale one) does not get lost.
    assert_eq!(c.step(at(0, 99), Direction::Next), at(2, 0));
    assert_eq!(c.step(at(0, 99), Direction::Previous), at(0, 1));
    assert_eq!(c.step(at(9, 0), Direction::Previous), at(2, 0));
    assert_eq!(c.step(at(9, 0), Direction::Next), None);
    let first = &c.documents[0];
    assert_eq!(first.disagreement_at_or_after(1), Some(1));
    assert_eq!(first.disagreement_at_or_after(7), None);
    assert_eq!(first.disagreement_before(6), Some(0));
    assert_eq!(first.disagreement_before(0), None);
}

#[test]
fn spans_overlapping_a_range_are_found_with_nesting() {
    let alice = one(
        "alice",
        TEXT,
        &[
            (0, 23, "quote"),
            (0, 2, "actor"),
            (6, 8, "actor"),
            (18, 20, "location"),
        ],
    );
    let c = compare(&[&alice, &one("bob", TEXT, &[])]);
    let doc = &c.documents[0];
    let found = |start, end| doc.spans_overlapping(start, end).collect::<Vec<_>>();
    // Aligned: actor [0,2), quote [0,23), actor [6,8), location [18,20).
    assert_eq!(found(3, 5), [1]);
    assert_eq!(found(7, 19), [1, 2, 3]);
    assert_eq!(found(2, 6), [1]);
    assert_eq!(found(23, 30), Vec::<usize>::new());
    // Brute force over every range agrees.
    for start in 0..25 {
        for end in start..26 {
            let brute: Vec<usize> = (0..doc.spans.len())
                .filter(|&i| doc.spans[i].start < end && doc.spans[i].end > start)
                .collect();
            assert_eq!(found(start, end), brute, "[{start}, {end})");
        }
    }
    let lane: Vec<usize> = doc.spans_of(0).map(|(i, _)| i).collect();
    assert_eq!(lane, [0, 1, 2, 3]);
    assert_eq!(doc.spans_of(1).count(), 0);
}
