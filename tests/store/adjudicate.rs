//! `marginalia adjudicate` (`marginalia::review::adjudicate`), run as the real binary on small files: what all annotators
//! agree on is accepted with its provenance, every disagreement is an open candidate
//! naming who proposed it, documents missing from a file are kept and reported, and the
//! gold file is an ordinary project (it validates, exports accepted spans only). Then a
//! property: whatever the annotators did, the gold project is valid.

use std::fs;
use std::path::Path;

use marginalia::model::{Decision, Document, Edit, Origin, Project, Proposal, SpanKey};
use marginalia::review::adjudicate::{Input, adjudicate};
use marginalia::store::{self, SaveMode};
use proptest::prelude::*;

use crate::cli::{assert_code, run, stderr, stdout};
use crate::common::{add_span as add, link, temp_dir};

const TALKS: &str = "\"We want peace,\" said Volodymyr Zelensky in Kyiv. Moscow replied.\n";
const BRIEF: &str = "Doha hosts the next round, officials said.\n";

/// Code-point range of `needle` in `text`.
fn range(text: &str, needle: &str) -> (usize, usize) {
    let byte = text.find(needle).expect("the needle is in the text");
    let start = text[..byte].chars().count();
    (start, start + needle.chars().count())
}

fn key(text: &str, needle: &str, label: &str) -> SpanKey {
    let (start, end) = range(text, needle);
    SpanKey {
        start,
        end,
        label: label.into(),
    }
}

/// Alice and Bob on the same article (their ids differ), Bob also on a brief that Alice
/// does not have, and Bob's schema names the claim label differently.
fn alice_and_bob() -> (Project, Project) {
    let mut alice = Project::new("Talks", "alice");
    let schema = alice.schema.clone();
    let mut doc = Document::new("talks", "Talks resume", TALKS);
    let quote = add(&mut doc, &schema, "\"We want peace,\"", "quote");
    let actor = add(&mut doc, &schema, "Volodymyr Zelensky", "actor");
    let kyiv = add(&mut doc, &schema, "Kyiv", "location");
    link(&mut doc, &schema, quote, actor, "said_by");
    let note = doc
        .set_note_edit(kyiv, Some("The capital.".into()))
        .expect("a span");
    doc.apply(note, &schema).expect("a note");
    alice.documents.push(doc);

    let mut bob = Project::new("Talks (Bob)", "bob");
    bob.schema.labels[0].name = "Assertion".into();
    let schema = bob.schema.clone();
    let mut doc = Document::new("talks-bob", "Talks", TALKS);
    add(&mut doc, &schema, "Kyiv", "location");
    let actor = add(&mut doc, &schema, "Zelensky", "actor");
    add(&mut doc, &schema, "Moscow", "actor");
    let quote = add(&mut doc, &schema, "\"We want peace,\"", "quote");
    link(&mut doc, &schema, quote, actor, "said_by");
    bob.documents.push(doc);
    let mut brief = Document::new("brief", "Brief", BRIEF);
    add(&mut brief, &schema, "Doha", "location");
    bob.documents.push(brief);
    (alice, bob)
}

fn save(dir: &Path, name: &str, project: &Project) {
    store::save(project, &dir.join(name), None, SaveMode::Safe).expect("save an input");
}

fn with_inputs() -> tempfile::TempDir {
    let dir = temp_dir();
    let (alice, bob) = alice_and_bob();
    save(dir.path(), "alice.ron", &alice);
    save(dir.path(), "bob.ron", &bob);
    dir
}

fn names(origin: &Origin) -> Vec<&str> {
    origin.annotators().iter().map(String::as_str).collect()
}

#[test]
fn agreement_is_accepted_and_disagreements_become_candidates() {
    let dir = with_inputs();
    let output = run(
        dir.path(),
        &["adjudicate", "alice.ron", "bob.ron", "-o", "gold.ron"],
    );
    assert_code(&output, 0);
    let printed = stdout(&output);
    for fragment in [
        "adjudicated 2 documents from 2 files (alice, bob)",
        "accepted where all agree: 2 spans, 0 links",
        "open candidates: 6 (4 spans, 2 links) in 2 documents",
        "`brief` \"Brief\": missing from alice.ron (alice); nothing to compare",
        "label `claim`: name \"Claim\" in alice.ron, \"Assertion\" in bob.ron; kept \"Claim\"",
        "wrote gold.ron (annotator gold): 6 open candidates",
    ] {
        assert!(
            printed.contains(fragment),
            "stdout lacks {fragment:?}:\n{printed}"
        );
    }

    let gold = store::load(&dir.path().join("gold.ron"))
        .expect("the gold file loads")
        .project;
    assert_eq!(gold.annotator, "gold");
    assert_eq!(gold.schema.labels[0].name, "Claim");
    let ids: Vec<_> = gold.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["talks", "brief"]);

    let talks = &gold.documents[0];
    let accepted: Vec<_> = talks
        .spans()
        .iter()
        .map(|s| (talks.span_text(s), s.annotators.clone()))
        .collect();
    let both = vec!["alice".to_owned(), "bob".to_owned()];
    assert_eq!(
        accepted,
        [("\"We want peace,\"", both.clone()), ("Kyiv", both)]
    );
    // Alice's note is kept, as her comment on the accepted span.
    let kyiv = &talks.spans()[1];
    assert_eq!(
        (
            kyiv.comments[0].author.as_str(),
            kyiv.comments[0].text.as_str()
        ),
        ("alice", "The capital.")
    );
    assert!(kyiv.note.is_none());

    let candidates: Vec<(Proposal, Vec<&str>)> = talks
        .candidates()
        .iter()
        .map(|c| {
            assert_eq!(c.decision, Decision::Pending);
            (c.proposal.clone(), names(&c.origin))
        })
        .collect();
    let quote = key(TALKS, "\"We want peace,\"", "quote");
    let said_by = |to: SpanKey| Proposal::Link {
        from: quote.clone(),
        to,
        link_type: "said_by".into(),
    };
    assert_eq!(
        candidates,
        [
            (
                said_by(key(TALKS, "Volodymyr Zelensky", "actor")),
                vec!["alice"]
            ),
            (said_by(key(TALKS, "Zelensky", "actor")), vec!["bob"]),
            (
                Proposal::Span(key(TALKS, "Volodymyr Zelensky", "actor")),
                vec!["alice"]
            ),
            (Proposal::Span(key(TALKS, "Zelensky", "actor")), vec!["bob"]),
            (Proposal::Span(key(TALKS, "Moscow", "actor")), vec!["bob"]),
        ]
    );
    let brief = &gold.documents[1];
    assert!(brief.spans().is_empty(), "one annotator agrees with nobody");
    assert_eq!(brief.open_candidate_count(), 1);

    // An ordinary project: it validates, saying what is left open, and exports only
    // the accepted spans.
    let output = run(dir.path(), &["validate", "gold.ron"]);
    assert_code(&output, 0);
    assert!(
        stdout(&output)
            .contains("gold.ron: 6 open candidates in 2 documents (0 accepted, 0 rejected)"),
        "{}",
        stdout(&output)
    );
    let output = run(
        dir.path(),
        &[
            "export",
            "gold.ron",
            "--format",
            "jsonl",
            "-o",
            "gold.jsonl",
        ],
    );
    assert_code(&output, 0);
    let printed = stdout(&output);
    assert!(
        printed.contains("exported 2 documents (2 spans, 0 links"),
        "{printed}"
    );
    assert!(
        printed.contains("left open: 6 open candidates, not exported"),
        "{printed}"
    );
    let exported = fs::read_to_string(dir.path().join("gold.jsonl")).expect("the export");
    assert!(!exported.contains("Moscow\""), "{exported}");
    assert_eq!(exported.matches("\"location\"").count(), 1, "{exported}");
}

#[test]
fn a_link_all_agree_on_between_accepted_spans_is_accepted() {
    let dir = temp_dir();
    let (alice, _) = alice_and_bob();
    let mut carol = alice.clone();
    carol.annotator = "carol".into();
    save(dir.path(), "alice.ron", &alice);
    save(dir.path(), "carol.ron", &carol);
    let output = run(
        dir.path(),
        &[
            "adjudicate",
            "alice.ron",
            "carol.ron",
            "-o",
            "gold.ron",
            "--annotator",
            "rev",
        ],
    );
    assert_code(&output, 0);
    let gold = store::load(&dir.path().join("gold.ron"))
        .expect("loads")
        .project;
    assert_eq!(gold.annotator, "rev");
    let doc = &gold.documents[0];
    assert_eq!((doc.spans().len(), doc.links().len()), (3, 1));
    assert!(doc.candidates().is_empty());
    assert!(stdout(&output).contains("wrote gold.ron (annotator rev): 0 open candidates"));
}

#[test]
fn with_three_annotators_all_three_must_agree() {
    let dir = with_inputs();
    let (alice, _) = alice_and_bob();
    let mut carol = alice;
    carol.annotator = "alice".into();
    save(dir.path(), "carol.ron", &carol);
    let output = run(
        dir.path(),
        &[
            "adjudicate",
            "alice.ron",
            "bob.ron",
            "carol.ron",
            "-o",
            "gold.ron",
        ],
    );
    assert_code(&output, 0);
    assert!(
        stdout(&output).contains(
            "carol.ron is annotated by `alice`, like another file: called `alice (carol)` here"
        ),
        "{}",
        stdout(&output)
    );
    let gold = store::load(&dir.path().join("gold.ron"))
        .expect("loads")
        .project;
    let talks = &gold.documents[0];
    let actor = talks
        .candidates()
        .iter()
        .find(|c| c.proposal == Proposal::Span(key(TALKS, "Volodymyr Zelensky", "actor")))
        .expect("Alice's actor is a candidate");
    assert_eq!(names(&actor.origin), ["alice", "alice (carol)"]);
    assert_eq!(
        talks.spans()[0].annotators,
        ["alice", "bob", "alice (carol)"]
    );
}

#[test]
fn a_gold_project_to_standard_output_comes_alone_with_the_report_on_stderr() {
    let dir = with_inputs();
    let to_file = run(
        dir.path(),
        &["adjudicate", "alice.ron", "bob.ron", "-o", "gold.ron"],
    );
    assert_code(&to_file, 0);
    let expected = fs::read(dir.path().join("gold.ron")).expect("written");
    // /dev/stdout is a pipe here: written into, without --force, the report aside.
    let output = run(
        dir.path(),
        &["adjudicate", "alice.ron", "bob.ron", "-o", "/dev/stdout"],
    );
    assert_code(&output, 0);
    assert_eq!(output.stdout, expected, "the gold file alone on stdout");
    assert!(stderr(&output).contains("wrote /dev/stdout (annotator gold)"));
}

#[test]
fn the_output_must_not_be_an_input() {
    let dir = with_inputs();
    let before = fs::read(dir.path().join("bob.ron")).expect("read");
    for output in ["bob.ron", "./bob.ron"] {
        let result = run(
            dir.path(),
            &["adjudicate", "alice.ron", "bob.ron", "-o", output],
        );
        assert_code(&result, 2);
        assert!(
            stderr(&result).contains("is one of the inputs"),
            "{}",
            stderr(&result)
        );
    }
    assert_eq!(fs::read(dir.path().join("bob.ron")).expect("read"), before);
}

#[test]
fn usage_errors_exit_2_and_write_nothing() {
    let dir = with_inputs();
    fs::write(dir.path().join("gold.ron"), "keep me").expect("write");
    let cases: [&[&str]; 4] = [
        &["adjudicate", "alice.ron", "bob.ron", "-o", "gold.ron"],
        &["adjudicate", "alice.ron", "-o", "other.ron"],
        &["adjudicate", "alice.ron", "alice.ron", "-o", "other.ron"],
        &["adjudicate", "alice.ron", "missing.ron", "-o", "other.ron"],
    ];
    for args in cases {
        let output = run(dir.path(), args);
        assert_code(&output, 2);
        assert!(stdout(&output).is_empty(), "{}", stdout(&output));
    }
    assert_eq!(
        fs::read_to_string(dir.path().join("gold.ron")).expect("read"),
        "keep me"
    );
    assert!(!dir.path().join("other.ron").exists());
    let output = run(
        dir.path(),
        &[
            "adjudicate",
            "alice.ron",
            "bob.ron",
            "-o",
            "gold.ron",
            "--force",
        ],
    );
    assert_code(&output, 0);
    assert!(store::load(&dir.path().join("gold.ron")).is_ok());
}

#[test]
fn files_with_nothing_in_common_exit_1() {
    let dir = temp_dir();
    let (alice, mut bob) = alice_and_bob();
    bob.documents.remove(0);
    save(dir.path(), "alice.ron", &alice);
    save(dir.path(), "bob.ron", &bob);
    let output = run(
        dir.path(),
        &["adjudicate", "alice.ron", "bob.ron", "-o", "gold.ron"],
    );
    assert_code(&output, 1);
    assert!(
        stderr(&output).contains("nothing in common"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.path().join("gold.ron").exists());
}

// The property: any annotators' projects over shared texts give a gold project that
// validates, and every annotator's span is in it, accepted or as a candidate naming them.

const TEXTS: [&str; 3] = [
    TALKS,
    BRIEF,
    "Київ 🇺🇦 said e\u{301} «non» — 北京 replied.\r\nمرحبا again.",
];

/// Spans `(a, b, label)` per annotator per text, and links `(from, to)` between them.
type Recipe = Vec<Vec<(Vec<(usize, usize, usize)>, Vec<(usize, usize)>)>>;

fn recipe() -> impl Strategy<Value = Recipe> {
    let doc = (
        prop::collection::vec((0..80usize, 0..80usize, 0..4usize), 0..8),
        prop::collection::vec((0..8usize, 0..8usize), 0..4),
    );
    prop::collection::vec(prop::collection::vec(doc, 3), 2..4)
}

fn build(recipe: &Recipe) -> Vec<Project> {
    recipe
        .iter()
        .enumerate()
        .map(|(n, docs)| {
            let mut project = Project::new("p", ["al", "bob", "cy"][n]);
            let schema = project.schema.clone();
            for (t, (spans, links)) in docs.iter().enumerate() {
                // Each annotator skips a different text now and then.
                if (t + n) % 4 == 3 {
                    continue;
                }
                let mut doc = Document::new(format!("d{t}"), "Doc", TEXTS[t]);
                let len = doc.char_len();
                let mut ids = Vec::new();
                for &(a, b, label) in spans {
                    let start = a % len;
                    let end = start + 1 + b % (len - start).min(12);
                    let edit = doc.add_span_edit(start, end, &schema.labels[label].key);
                    if let Edit::AddSpan(span) = &edit {
                        let id = span.id;
                        if doc.apply(edit, &schema).is_ok() {
                            ids.push(id);
                        }
                    }
                }
                for &(a, b) in links {
                    if ids.len() >= 2 {
                        let (from, to) = (ids[a % ids.len()], ids[b % ids.len()]);
                        for kind in ["said_by", "continues"] {
                            let edit = doc.add_link_edit(from, to, kind);
                            if doc.apply(edit, &schema).is_ok() {
                                break;
                            }
                        }
                    }
                }
                project.documents.push(doc);
            }
            project
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn the_gold_project_always_validates_and_keeps_every_span(recipe in recipe()) {
        let projects = build(&recipe);
        let files = ["a.ron", "b.ron", "c.ron"];
        let inputs: Vec<Input<'_>> = projects
            .iter()
            .zip(files)
            .map(|(project, file)| Input { file, project })
            .collect();
        let gold = adjudicate(&inputs, "gold").expect("two or more files").project;
        let ron = store::to_ron(&gold);
        prop_assert_eq!(store::fast_reader_agrees(&ron), Ok(true));
        let loaded = match store::from_str(&ron, Path::new("gold.ron")) {
            Ok(loaded) => loaded,
            Err(error) => return Err(TestCaseError::fail(format!("{error}\n{ron}"))),
        };
        prop_assert_eq!(&loaded, &gold);
        for (project, name) in projects.iter().zip(["al", "bob", "cy"]) {
            for doc in &project.documents {
                let gold_doc = gold
                    .document_with_digest(doc.digest())
                    .expect("every document is in the gold project");
                for span in doc.spans() {
                    let key = SpanKey::of(span);
                    let accepted = gold_doc
                        .span_with_key(&key)
                        .is_some_and(|s| s.annotators.iter().any(|a| a == name));
                    let proposed = gold_doc.candidates().iter().any(|c| {
                        c.proposal == Proposal::Span(key.clone())
                            && c.origin.annotators().iter().any(|a| a == name)
                    });
                    prop_assert!(accepted != proposed, "{name}'s {key} is lost or doubled");
                }
            }
        }
    }
}
