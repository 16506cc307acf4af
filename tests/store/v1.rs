//! The version-1 fixture, `tests/fixtures/v1/project.ron`: a realistic small project as
//! the first release wrote it (three documents, CRLF and LF text, Arabic, Cyrillic, CJK,
//! flags, a ZWJ family, a combining accent, a bidi mark, nested spans, notes, `said_by`
//! and `continues` links, every status, a removed span whose id stays used).
//!
//! NEVER CHANGE THAT FILE. Every later version of Marginalia must keep reading it with
//! the same content; when the format changes, add `tests/fixtures/v2/` beside it.

use marginalia::model::{SpanId, Status};
use marginalia::store;

use crate::common::fixture;

#[test]
fn v1_fixture_loads_with_its_content() {
    let loaded = store::load(&fixture("v1/project.ron")).expect("the v1 fixture loads");
    let project = loaded.project;
    assert_eq!(project.name, "Ukraine talks, week 47");
    assert_eq!(project.annotator, "Zoë Ångström");
    assert_eq!(project.schema.labels.len(), 4);
    assert_eq!(project.schema.link_types.len(), 2);
    let ids: Vec<_> = project.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["witkoff-moscow", "kyiv-reacts", "doha-brief"]);
    let statuses: Vec<_> = project.documents.iter().map(|d| d.status).collect();
    assert_eq!(statuses, [Status::InProgress, Status::Done, Status::Todo]);
    assert_eq!(project.span_count(), 20);

    let moscow = project.document("witkoff-moscow").expect("first document");
    assert_eq!(moscow.spans().len(), 10);
    assert_eq!(moscow.links().len(), 6);
    assert!(
        moscow.text().contains("resume\r\n\r\nMOSCOW"),
        "CRLF kept in the text"
    );
    assert_eq!(
        moscow.source.as_deref(),
        Some("https://example.org/world/2025/11/witkoff-moscow")
    );
    // Span 11 was added and removed: the next id stays past it.
    assert_eq!(moscow.next_span_id(), SpanId(12));
    assert!(moscow.span(SpanId(11)).is_none());
    let claim = moscow.span(SpanId(6)).expect("span 6");
    assert_eq!(
        (claim.start, claim.end, claim.label.as_str()),
        (200, 238, "claim")
    );
    assert_eq!(
        moscow.span_text(claim),
        "a deal “could be signed within weeks.”"
    );
    assert_eq!(
        claim.note.as_deref(),
        Some("Unverified:\tno date given.\r\nAsk the desk \"today\".")
    );
    // Nested: the quote lies inside the claim.
    let quote = moscow.span(SpanId(5)).expect("span 5");
    assert!(claim.start <= quote.start && quote.end <= claim.end);
    let kinds: Vec<_> = moscow
        .links()
        .iter()
        .map(|l| l.link_type.as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "said_by",
            "said_by",
            "said_by",
            "said_by",
            "continues",
            "said_by"
        ]
    );

    let kyiv = project.document("kyiv-reacts").expect("second document");
    assert_eq!(kyiv.spans().len(), 10);
    let family = kyiv.span(SpanId(9)).expect("span 9");
    assert_eq!(kyiv.span_text(family), "👩\u{200D}👩\u{200D}👧");
    assert_eq!(family.len(), 5, "a ZWJ family is five code points");
    let doha = kyiv.span(SpanId(5)).expect("span 5");
    assert_eq!(kyiv.span_text(doha), "الدوحة");
    let owner = kyiv.span(SpanId(7)).expect("span 7");
    assert_eq!(kyiv.span_text(owner), "A café owner (cafe\u{301})");
    assert!(kyiv.text().ends_with("of them.\"\u{200F}\n"));
    assert_eq!(
        kyiv.span(SpanId(10)).and_then(|s| s.note.as_deref()),
        Some("Source? 🤔")
    );

    let brief = project.document("doha-brief").expect("third document");
    assert!(brief.spans().is_empty() && brief.links().is_empty());
    assert_eq!(brief.source, None);
}

#[test]
fn v1_fixture_is_written_back_byte_for_byte() {
    // A project without review data keeps the version-1 layout, whatever the newest
    // version is: files that never saw a review do not change under git.
    let bytes = std::fs::read(fixture("v1/project.ron")).expect("the fixture is readable");
    let project = store::from_bytes(&bytes, &fixture("v1/project.ron")).expect("it loads");
    assert_eq!(store::to_ron(&project).as_bytes(), bytes.as_slice());
}

#[test]
fn v1_fixture_loads_with_crlf_line_ends_and_a_bom() {
    // What git's autocrlf and some Windows editors make of the file: the same project.
    let text = std::fs::read_to_string(fixture("v1/project.ron")).expect("the fixture");
    let original = store::from_str(&text, &fixture("v1/project.ron")).expect("it loads");
    let windows = format!("\u{FEFF}{}", text.replace('\n', "\r\n"));
    let project = store::from_str(&windows, std::path::Path::new("windows.ron"))
        .expect("the CRLF file with a BOM loads");
    assert_eq!(project, original);
    assert!(
        project.documents[1].text().contains("Ukraine»\n\n"),
        "the text keeps its LF"
    );
}
