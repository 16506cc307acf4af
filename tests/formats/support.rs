//! Shared helpers: the stress article, projects to export, temp dirs, comparisons.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use marginalia::formats::{self, ExportOptions, ExportReport, Format, ImportOptions, ImportReport};
use marginalia::model::{Document, Edit, Project, SpanId, Status};

/// Emoji (ZWJ sequences, skin tones, regional-indicator and tag-sequence flags),
/// combining marks, CJK, right-to-left Arabic, CRLF line ends, a tab.
pub const STRESS_TEXT: &str = concat!(
    "Zoë Ångström said: “We 👩\u{200D}👩\u{200D}👧 love 🇺🇦 Kyiv.”\r\n",
    "Café e\u{301}lan in 北京 — 习近平 met officials.\r\n",
    "قال الرئيس إن السلام ممكن في غزة.\r\n",
    "The 👨🏽\u{200D}💻 engineer from \u{1F3F4}\u{E0067}\u{E0062}\u{E0077}\u{E006C}\u{E0073}\u{E007F} Wales wrote:\r\n",
    "“Ship it\r\nnow” 😀.\tDone\r\n",
);

/// The code-point range of the `nth` (0-based) occurrence of `needle` in `text`.
pub fn find(text: &str, needle: &str, nth: usize) -> (usize, usize) {
    let byte = text
        .match_indices(needle)
        .nth(nth)
        .map(|(b, _)| b)
        .unwrap_or_else(|| panic!("{needle:?} not in the text"));
    let start = text[..byte].chars().count();
    (start, start + needle.chars().count())
}

/// Adds a span on `needle` and returns its id.
pub fn add_span(
    project: &Project,
    doc: &mut Document,
    needle: &str,
    nth: usize,
    label: &str,
) -> SpanId {
    let (start, end) = find(doc.text(), needle, nth);
    let edit = doc.add_span_edit(start, end, label);
    let Edit::AddSpan(span) = &edit else {
        unreachable!("add_span_edit adds a span")
    };
    let id = span.id;
    doc.apply(edit, &project.schema).expect("valid span");
    id
}

/// Adds a link.
pub fn add_link(project: &Project, doc: &mut Document, from: SpanId, to: SpanId, link_type: &str) {
    let edit = doc.add_link_edit(from, to, link_type);
    doc.apply(edit, &project.schema).expect("valid link");
}

/// Sets a note.
pub fn set_note(project: &Project, doc: &mut Document, id: SpanId, note: &str) {
    let edit = doc
        .set_note_edit(id, Some(note.to_owned()))
        .expect("span exists");
    doc.apply(edit, &project.schema).expect("valid note");
}

/// The stress article, annotated: overlapping spans, a quote across a CRLF, a span
/// ending between a letter and its combining accent, links and notes.
pub fn stress_document(project: &Project) -> Document {
    let mut doc = Document::new("stress", "Stress article", STRESS_TEXT);
    doc.source = Some("tests/formats/support.rs".into());
    doc.status = Status::Done;
    let zoe = add_span(project, &mut doc, "Zoë Ångström", 0, "actor");
    let quote = add_span(
        project,
        &mut doc,
        "“We 👩\u{200D}👩\u{200D}👧 love 🇺🇦 Kyiv.”",
        0,
        "quote",
    );
    add_span(project, &mut doc, "🇺🇦", 0, "location");
    add_span(project, &mut doc, "Kyiv", 0, "location");
    add_span(project, &mut doc, "e\u{301}lan", 0, "claim");
    // Just the letter, without its combining accent: legal in code points.
    add_span(project, &mut doc, "e", 2, "location");
    add_span(project, &mut doc, "北京", 0, "location");
    let xi = add_span(project, &mut doc, "习近平", 0, "actor");
    let claim = add_span(
        project,
        &mut doc,
        "قال الرئيس إن السلام ممكن في غزة",
        0,
        "claim",
    );
    add_span(project, &mut doc, "غزة", 0, "location");
    let engineer = add_span(project, &mut doc, "The 👨🏽\u{200D}💻 engineer", 0, "actor");
    add_span(
        project,
        &mut doc,
        "\u{1F3F4}\u{E0067}\u{E0062}\u{E0077}\u{E006C}\u{E0073}\u{E007F} Wales",
        0,
        "location",
    );
    let ship = add_span(project, &mut doc, "“Ship it\r\nnow”", 0, "quote");
    let smile = add_span(project, &mut doc, "😀", 0, "claim");
    add_link(project, &mut doc, quote, zoe, "said_by");
    add_link(project, &mut doc, claim, xi, "said_by");
    add_link(project, &mut doc, ship, engineer, "said_by");
    add_link(project, &mut doc, ship, quote, "continues");
    set_note(
        project,
        &mut doc,
        quote,
        "Family emoji 👩‍👩‍👧 and a flag inside; \"quoted\", with a\ttab.",
    );
    set_note(project, &mut doc, ship, "Crosses a CRLF line break.");
    set_note(project, &mut doc, smile, "مرحبا — RTL in a note.");
    doc
}

/// A short news article with overlapping spans, links and notes.
pub fn news_document(project: &Project) -> Document {
    let text = "Kyiv talks stall\n\nPresident Volodymyr Zelensky said on Monday that \"there is a window for peace\" in Kyiv, while the Kremlin said parts of the plan were unacceptable.\n";
    let mut doc = Document::new("kyiv-talks", "Kyiv talks stall", text);
    doc.source = Some("assets/articles/kyiv-talks.txt".into());
    doc.status = Status::InProgress;
    let zelensky = add_span(
        project,
        &mut doc,
        "President Volodymyr Zelensky",
        0,
        "actor",
    );
    let quote = add_span(
        project,
        &mut doc,
        "\"there is a window for peace\" in Kyiv",
        0,
        "quote",
    );
    add_span(project, &mut doc, "Kyiv", 1, "location");
    add_span(project, &mut doc, "Kyiv", 0, "location");
    let kremlin = add_span(project, &mut doc, "the Kremlin", 0, "actor");
    let claim = add_span(
        project,
        &mut doc,
        "parts of the plan were unacceptable",
        0,
        "claim",
    );
    add_link(project, &mut doc, quote, zelensky, "said_by");
    add_link(project, &mut doc, claim, kremlin, "said_by");
    set_note(
        project,
        &mut doc,
        kremlin,
        "The Kremlin as the Russian government: an actor.",
    );
    doc
}

/// The fixture project the golden files are made from: a news article, the stress
/// article and an empty document.
pub fn fixture_project() -> Project {
    let mut project = Project::new("Formats fixture", "tester");
    let news = news_document(&project);
    let stress = stress_document(&project);
    let mut empty = Document::new("no-spans", "No spans yet", "Nothing annotated here.\n");
    empty.status = Status::Todo;
    project.documents = vec![news, stress, empty];
    project
}

/// Where the fixture project lives.
pub fn fixture_path() -> PathBuf {
    crate::binary::checkout().join("tests/fixtures/formats/fixture.ron")
}

/// The fixture project, loaded from its file (and written first when blessing).
pub fn load_fixture() -> Project {
    if blessing() {
        marginalia::store::save(
            &fixture_project(),
            &fixture_path(),
            None,
            marginalia::store::SaveMode::Force,
        )
        .expect("write the fixture");
    }
    marginalia::store::load(&fixture_path())
        .expect("the fixture loads")
        .project
}

/// Whether golden files are being rewritten (`MARGINALIA_BLESS=1`).
pub fn blessing() -> bool {
    std::env::var_os("MARGINALIA_BLESS").is_some()
}

/// A fresh temporary folder.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temp dir")
}

/// A progress callback that never cancels.
pub fn no_progress(_done: usize, _total: usize) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

/// Exports with the given options.
pub fn export(project: &Project, options: &ExportOptions, out: &Path) -> ExportReport {
    formats::export(project, options, out, &no_progress).expect("export succeeds")
}

/// Imports into an empty project with the same schema.
pub fn import_fresh(
    like: &Project,
    options: &ImportOptions,
    inputs: &[PathBuf],
) -> (Project, ImportReport) {
    let mut project = Project::new("imported", "tester");
    project.schema = like.schema.clone();
    let report = formats::import(&mut project, options, inputs).expect("import succeeds");
    (project, report)
}

/// Asserts that two documents have the same text, spans (ids, offsets, labels, notes)
/// and links (ids, ends, types).
pub fn assert_same_annotations(expected: &Document, got: &Document, context: &str) {
    assert_eq!(
        expected.text(),
        got.text(),
        "{context}: text of `{}`",
        expected.id
    );
    assert_eq!(
        expected.spans(),
        got.spans(),
        "{context}: spans of `{}`",
        expected.id
    );
    assert_eq!(
        expected.links(),
        got.links(),
        "{context}: links of `{}`",
        expected.id
    );
}

/// A format's options with a unit.
pub fn options(format: Format, unit: formats::OffsetUnit) -> ExportOptions {
    ExportOptions {
        offsets: unit,
        ..ExportOptions::new(format)
    }
}
