//! The version-2 fixture, `tests/fixtures/v2/project.ron`: a gold project adjudicated
//! from the version-1 fixture and a colleague's copy of it, with decisions taken (a
//! region settled for one annotator, a rejection, an accepted link), provenance on every
//! accepted span, annotators' notes kept as their comments, reviewers' comments on spans
//! and candidates, open candidates left, and a document only one annotator had.
//!
//! NEVER CHANGE THAT FILE: every later version of Marginalia must keep reading it with
//! the same content, as the v1 fixture.

use marginalia::model::{CandidateId, Decision, Origin, Proposal, SpanId, SpanKey};
use marginalia::store;

use crate::common::{fixture, small_project};

#[test]
fn v2_fixture_loads_with_its_content() {
    let project = store::load(&fixture("v2/project.ron"))
        .expect("the v2 fixture loads")
        .project;
    assert_eq!(project.annotator, "gold");
    assert_eq!(project.review_annotators(), ["Zoë Ångström", "Björn"]);
    let counts = project.candidate_counts();
    assert_eq!(
        (counts.pending, counts.accepted, counts.rejected),
        (3, 2, 2)
    );

    let moscow = project.document("witkoff-moscow").expect("first document");
    let city = moscow.span(SpanId(9)).expect("the span taken from Zoë");
    assert_eq!(moscow.span_text(city), "Moscow");
    assert_eq!(
        (city.label.as_str(), city.annotators.as_slice()),
        ("location", &["Zoë Ångström".to_owned()][..])
    );
    assert_eq!(city.comments[0].author, "Zoë Ångström");
    let envoy = moscow.span(SpanId(1)).expect("span 1");
    assert_eq!(envoy.annotators, ["Zoë Ångström", "Björn"]);
    assert_eq!(
        envoy
            .comments
            .last()
            .map(|c| (c.author.as_str(), c.text.as_str())),
        Some(("gold", "Both spans kept, as the guideline asks."))
    );
    let rejected = moscow.candidate(CandidateId(1)).expect("candidate 1");
    assert_eq!(rejected.decision, Decision::Rejected);
    assert_eq!(rejected.origin, Origin::Annotators(vec!["Björn".into()]));
    assert_eq!(
        rejected.proposal,
        Proposal::Span(SpanKey {
            start: 86,
            end: 92,
            label: "actor".into()
        })
    );
    let link = moscow.candidate(CandidateId(4)).expect("candidate 4");
    assert_eq!(link.decision, Decision::Accepted);
    assert!(matches!(link.proposal, Proposal::Link { .. }));
    assert_eq!(moscow.links().len(), 6);
    assert_eq!(moscow.open_candidate_count(), 0);

    let kyiv = project.document("kyiv-reacts").expect("second document");
    let open: Vec<_> = kyiv.pending_candidates().iter().map(|c| c.id.0).collect();
    assert_eq!(open, [1, 2, 3]);
    assert!(
        kyiv.candidate(CandidateId(2))
            .is_some_and(|c| c.comments[0].text == "Emoji as an actor? Ask the desk.")
    );
    let brief = project.document("doha-brief").expect("third document");
    assert!(brief.candidates().is_empty() && brief.spans().is_empty());
}

#[test]
fn v2_fixture_takes_the_fast_reader_and_is_written_back_byte_for_byte() {
    let bytes = std::fs::read(fixture("v2/project.ron")).expect("the fixture is readable");
    let text = std::str::from_utf8(&bytes).expect("UTF-8");
    assert_eq!(store::fast_reader_agrees(text), Ok(true));
    let project = store::from_bytes(&bytes, &fixture("v2/project.ron")).expect("it loads");
    assert_eq!(store::version_of(&project), 2);
    assert_eq!(store::to_ron(&project).as_bytes(), bytes.as_slice());
}

#[test]
fn v2_fixture_loads_with_crlf_line_ends_and_a_bom() {
    let text = std::fs::read_to_string(fixture("v2/project.ron")).expect("the fixture");
    let original = store::from_str(&text, &fixture("v2/project.ron")).expect("it loads");
    let windows = format!("\u{FEFF}{}", text.replace('\n', "\r\n"));
    let project = store::from_str(&windows, std::path::Path::new("windows.ron"))
        .expect("the CRLF file with a BOM loads through ron");
    assert_eq!(project, original);
}

#[test]
fn only_review_data_makes_a_version_2_file() {
    let mut project = small_project();
    let plain = store::to_ron(&project);
    assert!(plain.starts_with("(\n    version: 1,\n"));
    assert!(!plain.contains("candidate") && !plain.contains("annotators:"));
    let schema = project.schema.clone();
    let doc = &mut project.documents[0];
    let key = SpanKey {
        start: 0,
        end: 4,
        label: "claim".into(),
    };
    let edit = doc.add_candidate_edit(Proposal::Span(key), Origin::Rule("quotes".into()));
    doc.apply(edit, &schema).expect("a candidate");
    let reviewed = store::to_ron(&project);
    assert!(reviewed.starts_with("(\n    version: 2,\n"));
    assert!(reviewed.contains("\n            next_candidate_id: 2,\n"));
    assert_eq!(store::fast_reader_agrees(&reviewed), Ok(true));
    // Everything before the review data is as it was.
    let plain_lines: Vec<_> = plain.lines().skip(2).collect();
    let reviewed_lines: Vec<_> = reviewed
        .lines()
        .skip(2)
        .filter(|l| !l.contains("candidate") && !l.contains("proposal:"))
        .filter(|l| *l != "            ],")
        .collect();
    let plain_without: Vec<_> = plain_lines
        .iter()
        .copied()
        .filter(|l| *l != "            ],")
        .collect();
    assert_eq!(reviewed_lines, plain_without);
}
