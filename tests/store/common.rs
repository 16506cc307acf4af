//! Helpers shared by the store tests: temp folders, building small projects through the
//! edit API, and reading fixtures.

use std::path::PathBuf;

use marginalia::model::{Document, Edit, LinkId, Project, Schema, SpanId};

/// A fresh temporary folder, removed when dropped.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary folder can be created")
}

/// The path of a file under `tests/fixtures/`.
pub fn fixture(relative: &str) -> PathBuf {
    crate::binary::checkout()
        .join("tests/fixtures")
        .join(relative)
}

/// Code-point range of the `nth` (0-based) occurrence of `needle` in the document.
pub fn find_nth(doc: &Document, needle: &str, nth: usize) -> (usize, usize) {
    let (byte, _) = doc
        .text()
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} occurs at least {} times", nth + 1));
    let start = doc
        .index()
        .char_of(doc.text(), byte)
        .expect("a match starts on a char boundary");
    (start, start + needle.chars().count())
}

/// Adds a span over the first occurrence of `needle` and returns its id.
pub fn add_span(doc: &mut Document, schema: &Schema, needle: &str, label: &str) -> SpanId {
    add_span_nth(doc, schema, needle, 0, label)
}

/// Adds a span over the `nth` occurrence of `needle` and returns its id.
pub fn add_span_nth(
    doc: &mut Document,
    schema: &Schema,
    needle: &str,
    nth: usize,
    label: &str,
) -> SpanId {
    let (start, end) = find_nth(doc, needle, nth);
    let edit = doc.add_span_edit(start, end, label);
    let Edit::AddSpan(span) = &edit else {
        unreachable!("add_span_edit adds a span")
    };
    let id = span.id;
    doc.apply(edit, schema).expect("the span is valid");
    id
}

/// Links two spans and returns the link's id.
pub fn link(doc: &mut Document, schema: &Schema, from: SpanId, to: SpanId, kind: &str) -> LinkId {
    let edit = doc.add_link_edit(from, to, kind);
    let Edit::AddLink(link) = &edit else {
        unreachable!("add_link_edit adds a link")
    };
    let id = link.id;
    doc.apply(edit, schema).expect("the link is valid");
    id
}

/// A small project with one annotated document: the base of several tests.
pub fn small_project() -> Project {
    let mut project = Project::new("Small", "alice");
    let schema = project.schema.clone();
    let mut doc = Document::new(
        "talks",
        "Talks resume",
        "\"We want peace,\" said Volodymyr Zelensky in Kyiv 🇺🇦.\nMore later.\n",
    );
    let quote = add_span(&mut doc, &schema, "\"We want peace,\"", "quote");
    let actor = add_span(&mut doc, &schema, "Volodymyr Zelensky", "actor");
    add_span(&mut doc, &schema, "Kyiv", "location");
    link(&mut doc, &schema, quote, actor, "said_by");
    project.documents.push(doc);
    project
}

/// Same as [`small_project`] with one more span: a different file.
pub fn small_project_changed() -> Project {
    let mut project = small_project();
    let schema = project.schema.clone();
    add_span(&mut project.documents[0], &schema, "More later.", "claim");
    project
}
