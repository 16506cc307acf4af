//! The project file format, versions 1 and 2: the serde shape of the file and its writer.
//!
//! ```text
//! (
//!     version: 1,
//!     name: "Ukraine talks",
//!     annotator: "alice",
//!     schema: (labels: [...], link_types: [...]),
//!     documents: [
//!         (
//!             id: "putin-way-out", title: "...", source: Some("..."),
//!             status: in_progress, digest: "sha256:...",
//!             next_span_id: 31, next_link_id: 9,
//!             text: ["First line\n", "Second line"],
//!             spans: [
//!                 (id: 4, start: 210, end: 223, label: "actor", text: "Steve Witkoff"),
//!             ],
//!             links: [
//!                 (id: 1, from: 7, to: 4, type: "said_by"),
//!             ],
//!         ),
//!     ],
//! )
//! ```
//!
//! Version 2 adds review data, each part only where it is used: a span's provenance
//! (`annotators: [...]`) and `comments: [...]` at the end of its line, and a document's
//! `next_candidate_id` (after `next_link_id`) and `candidates: [...]` (after `links`),
//! one candidate per line:
//!
//! ```text
//! (id: 3, proposal: span(start: 0, end: 8, label: "quote", text: "\"Peace\""), origin: annotators(["bob"]), decision: pending),
//! (id: 4, proposal: link(from: (start: 0, end: 8, label: "quote"), to: (start: 14, end: 22, label: "actor"), type: "said_by"), origin: annotators(["bob"]), decision: rejected, comments: [(author: "gold", text: "no")]),
//! ```
//!
//! Version 2 also carries the project's own reporting verbs (for the speakers
//! suggestion rule), when it has set them, after the schema, one verb per line so that a
//! diff shows each verb added or removed (an empty list is `reporting_verbs: [],`):
//!
//! ```text
//!     reporting_verbs: [
//!         "said",
//!         "according to",
//!     ],
//! ```
//!
//! A project without review data or reporting verbs is written as version 1, byte for
//! byte as before, so files that never saw a review keep their layout and older builds
//! keep reading them.
//!
//! Offsets are Unicode code points, spans half-open `[start, end)`. The text is stored
//! as its lines, each with its own line ending, so a reader sees paragraphs; joined
//! they are the exact text. The writer is hand-made rather than ron's pretty printer so
//! that the layout is fixed: one span or link per line, a stable order, `\n` line ends,
//! and the same bytes for the same content on every platform and ron version.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde::Deserialize;

use crate::model::{
    Candidate, Comment, Decision, Document, Label, LinkType, Origin, Project, Proposal, Schema,
    Span, Status,
};

/// The newest format version this build reads and writes.
pub const CURRENT_VERSION: u32 = 2;

/// The version of the file that holds review data (candidates, provenance, comments)
/// and the project's own reporting verbs.
pub const REVIEW_VERSION: u32 = 2;

/// The format version `project` is written in: 2 when it holds review data or its own
/// reporting verbs, else 1, so a project that never saw a review nor changed its verbs
/// keeps its version-1 layout.
pub fn version_of(project: &Project) -> u32 {
    if project.reporting_verbs.is_some() || project.documents.iter().any(has_review_data) {
        REVIEW_VERSION
    } else {
        1
    }
}

fn has_review_data(doc: &Document) -> bool {
    writes_candidates(doc) || doc.spans().iter().any(has_span_review_data)
}

fn has_span_review_data(span: &Span) -> bool {
    !span.annotators.is_empty() || !span.comments.is_empty()
}

/// Whether the document's candidate fields are written: when it has any, or once had
/// (the next id must not be handed out again).
fn writes_candidates(doc: &Document) -> bool {
    !doc.candidates().is_empty() || doc.next_candidate_id().0 > 1
}

// The serde shape of the file, for reading. Strings that are checked and then dropped
// (span surface texts) borrow from the file where they have no escapes: a large project
// has tens of thousands of them.

#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename = "project")]
pub(super) struct ProjectFile<'a> {
    pub version: u32,
    pub name: String,
    pub annotator: String,
    pub schema: Schema,
    /// Version 2: the project's own reporting verbs, normalised and checked as they are
    /// read ([`reporting_verbs`]); absent means the built-in list.
    #[serde(default, deserialize_with = "reporting_verbs")]
    pub reporting_verbs: Option<Vec<String>>,
    #[serde(borrow)]
    pub documents: Vec<DocumentFile<'a>>,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename = "document")]
pub(super) struct DocumentFile<'a> {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub status: Status,
    pub digest: String,
    pub next_span_id: u64,
    pub next_link_id: u64,
    /// Version 2, written as a plain number; absent means 1, as in a document that
    /// never had a candidate.
    #[serde(default, deserialize_with = "present")]
    pub next_candidate_id: Option<u64>,
    /// The text's lines; most end in an escaped `\n`, so few can borrow.
    #[serde(borrow)]
    pub text: Vec<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub spans: Vec<SpanFile<'a>>,
    #[serde(default)]
    pub links: Vec<LinkFile>,
    /// Version 2.
    #[serde(default)]
    pub candidates: Vec<CandidateFile>,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename = "span")]
pub(super) struct SpanFile<'a> {
    pub id: u64,
    pub start: usize,
    pub end: usize,
    pub label: String,
    /// The surface text, so a reader (and the loader) can check the offsets.
    #[serde(borrow)]
    pub text: Cow<'a, str>,
    #[serde(default)]
    pub note: Option<String>,
    /// Version 2: provenance.
    #[serde(default)]
    pub annotators: Vec<String>,
    /// Version 2.
    #[serde(default)]
    pub comments: Vec<CommentFile>,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename = "comment")]
pub(super) struct CommentFile {
    pub author: String,
    pub text: String,
}

/// A candidate (version 2).
#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename = "candidate")]
pub(super) struct CandidateFile {
    pub id: u64,
    pub proposal: ProposalFile,
    pub origin: Origin,
    pub decision: Decision,
    #[serde(default)]
    pub comments: Vec<CommentFile>,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub(super) enum ProposalFile {
    /// A span, with its surface text like the spans of the document.
    Span {
        start: usize,
        end: usize,
        label: String,
        text: String,
    },
    Link {
        from: SpanKeyFile,
        to: SpanKeyFile,
        #[serde(rename = "type")]
        link_type: String,
    },
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename = "span_key")]
pub(super) struct SpanKeyFile {
    pub start: usize,
    pub end: usize,
    pub label: String,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename = "link")]
pub(super) struct LinkFile {
    pub id: u64,
    pub from: u64,
    pub to: u64,
    #[serde(rename = "type")]
    pub link_type: String,
}

/// The reporting verbs, written as a plain list (present means `Some`), each trimmed
/// with its inner spaces collapsed. An empty or repeated entry (ignoring case) is an
/// error of the parse, so that ron reports it at its place in the file
/// (`file:line:col`).
fn reporting_verbs<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<String>>, D::Error> {
    deserializer.deserialize_seq(VerbsVisitor).map(Some)
}

/// Checks each verb as soon as it is read, so that ron places an error on the entry's
/// own line rather than at the end of the list.
struct VerbsVisitor;

impl<'de> serde::de::Visitor<'de> for VerbsVisitor {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of reporting verbs")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut verbs = crate::model::ReportingVerbList::default();
        while let Some(verb) = seq.next_element::<Cow<'de, str>>()? {
            verbs.push(&verb).map_err(serde::de::Error::custom)?;
        }
        Ok(verbs.into_verbs())
    }
}

/// An optional field written without `Some(...)`: present means `Some`.
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    u64::deserialize(deserializer).map(Some)
}

/// Writes `text` as a RON string literal. Printable characters stay as they are, so
/// Arabic, CJK and emoji are readable in the file; control and invisible format
/// characters (line ends, tabs, bidi marks, ZWJ, BOM) are escaped so that nothing in the
/// file is invisible or breaks a line.
fn push_str_literal(out: &mut String, text: &str) {
    out.push('"');
    // Copy runs of plain text whole; only bytes that may start a character to escape are
    // looked at closely. Every such character starts with an ASCII byte or one of the
    // lead bytes C2 (U+0080..U+00BF), D8 (U+061C), E1 (U+180E), E2 (U+2000..U+2FFF) and
    // EF (U+F000..U+FFFF); this keeps a multi-megabyte save quick.
    let bytes = text.as_bytes();
    let mut plain = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let suspect = matches!(
            byte,
            b'"' | b'\\' | 0x00..=0x1F | 0x7F | 0xC2 | 0xD8 | 0xE1 | 0xE2 | 0xEF
        );
        if !suspect {
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            continue;
        };
        if !needs_escape(c) {
            continue;
        }
        out.push_str(&text[plain..i]);
        plain = i + c.len_utf8();
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    out.push_str(&text[plain..]);
    out.push('"');
}

/// Whether `c` is written as an escape in a string literal.
fn needs_escape(c: char) -> bool {
    matches!(c, '"' | '\\') || c.is_control() || is_invisible_format(c)
}

/// Unicode format characters (category Cf) and separators that render as nothing or
/// break lines: a reader of the file should see them as escapes.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

fn str_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    push_str_literal(&mut out, text);
    out
}

fn option_literal(value: Option<&str>) -> String {
    match value {
        Some(text) => format!("Some({})", str_literal(text)),
        None => "None".to_owned(),
    }
}

fn list_literal(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|i| str_literal(i)).collect();
    format!("[{}]", items.join(", "))
}

fn status_literal(status: Status) -> &'static str {
    match status {
        Status::Todo => "todo",
        Status::InProgress => "in_progress",
        Status::Done => "done",
    }
}

fn push_label(out: &mut String, label: &Label) {
    let hotkey = label
        .hotkey
        .map_or("None".to_owned(), |k| format!("Some({k})"));
    let _ = writeln!(
        out,
        "            (key: {}, name: {}, color: \"{}\", hotkey: {hotkey}, description: {}),",
        str_literal(&label.key),
        str_literal(&label.name),
        label.color,
        str_literal(&label.description),
    );
}

fn push_link_type(out: &mut String, link_type: &LinkType) {
    let _ = writeln!(
        out,
        "            (key: {}, name: {}, from: {}, to: {}),",
        str_literal(&link_type.key),
        str_literal(&link_type.name),
        list_literal(&link_type.from),
        list_literal(&link_type.to),
    );
}

/// Writes `, comments: [(author: "...", text: "..."), ...]`.
fn push_comments(out: &mut String, comments: &[Comment]) {
    out.push_str(", comments: [");
    for (i, comment) in comments.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str("(author: ");
        push_str_literal(out, &comment.author);
        out.push_str(", text: ");
        push_str_literal(out, &comment.text);
        out.push(')');
    }
    out.push(']');
}

fn push_string_list(out: &mut String, items: &[String]) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_str_literal(out, item);
    }
    out.push(']');
}

/// `    reporting_verbs: [` and one verb per line: a diff then names each verb added or
/// removed, and two branches adding different verbs touch different lines.
fn push_reporting_verbs(out: &mut String, verbs: &[String]) {
    if verbs.is_empty() {
        out.push_str("    reporting_verbs: [],\n");
        return;
    }
    out.push_str("    reporting_verbs: [\n");
    for verb in verbs {
        out.push_str("        ");
        push_str_literal(out, verb);
        out.push_str(",\n");
    }
    out.push_str("    ],\n");
}

fn push_key(out: &mut String, key: &crate::model::SpanKey) {
    let _ = write!(out, "(start: {}, end: {}, label: ", key.start, key.end);
    push_str_literal(out, &key.label);
    out.push(')');
}

/// One candidate line, without indentation or the trailing `,\n`.
fn push_candidate(out: &mut String, doc: &Document, candidate: &Candidate) {
    let _ = write!(out, "(id: {}, proposal: ", candidate.id.0);
    match &candidate.proposal {
        Proposal::Span(key) => {
            let _ = write!(out, "span(start: {}, end: {}, label: ", key.start, key.end);
            push_str_literal(out, &key.label);
            out.push_str(", text: ");
            push_str_literal(out, doc.slice(key.start, key.end).unwrap_or_default());
            out.push(')');
        }
        Proposal::Link {
            from,
            to,
            link_type,
        } => {
            out.push_str("link(from: ");
            push_key(out, from);
            out.push_str(", to: ");
            push_key(out, to);
            out.push_str(", type: ");
            push_str_literal(out, link_type);
            out.push(')');
        }
    }
    out.push_str(", origin: ");
    match &candidate.origin {
        Origin::Annotators(names) => {
            out.push_str("annotators(");
            push_string_list(out, names);
        }
        Origin::Rule(name) => {
            out.push_str("rule(");
            push_str_literal(out, name);
        }
        Origin::Merge(side) => {
            out.push_str("merge(");
            push_str_literal(out, side);
        }
    }
    let _ = write!(out, "), decision: {}", candidate.decision.as_str());
    if !candidate.comments.is_empty() {
        push_comments(out, &candidate.comments);
    }
    out.push(')');
}

/// The project as the bytes of a project file: version 1 when it holds no review data,
/// else version 2 ([`version_of`]). Deterministic: the same project always gives the
/// same text.
pub fn to_ron(project: &Project) -> String {
    let text_bytes: usize = project.documents.iter().map(|d| d.text().len()).sum();
    let mut out = String::with_capacity(2 * text_bytes + 120 * project.span_count() + 4096);
    let _ = writeln!(out, "(");
    let _ = writeln!(out, "    version: {},", version_of(project));
    let _ = writeln!(out, "    name: {},", str_literal(&project.name));
    let _ = writeln!(out, "    annotator: {},", str_literal(&project.annotator));
    let _ = writeln!(out, "    schema: (");
    let _ = writeln!(out, "        labels: [");
    for label in &project.schema.labels {
        push_label(&mut out, label);
    }
    let _ = writeln!(out, "        ],");
    let _ = writeln!(out, "        link_types: [");
    for link_type in &project.schema.link_types {
        push_link_type(&mut out, link_type);
    }
    let _ = writeln!(out, "        ],");
    let _ = writeln!(out, "    ),");
    if let Some(verbs) = &project.reporting_verbs {
        push_reporting_verbs(&mut out, verbs);
    }
    let _ = writeln!(out, "    documents: [");
    for doc in &project.documents {
        let _ = writeln!(out, "        (");
        let _ = writeln!(out, "            id: {},", str_literal(&doc.id));
        let _ = writeln!(out, "            title: {},", str_literal(&doc.title));
        let _ = writeln!(
            out,
            "            source: {},",
            option_literal(doc.source.as_deref())
        );
        let _ = writeln!(out, "            status: {},", status_literal(doc.status));
        let _ = writeln!(out, "            digest: {},", str_literal(doc.digest()));
        let _ = writeln!(out, "            next_span_id: {},", doc.next_span_id().0);
        let _ = writeln!(out, "            next_link_id: {},", doc.next_link_id().0);
        let candidates = writes_candidates(doc);
        if candidates {
            let _ = writeln!(
                out,
                "            next_candidate_id: {},",
                doc.next_candidate_id().0
            );
        }
        let _ = writeln!(out, "            text: [");
        for line in doc.text().split_inclusive('\n') {
            out.push_str("                ");
            push_str_literal(&mut out, line);
            out.push_str(",\n");
        }
        let _ = writeln!(out, "            ],");
        let _ = writeln!(out, "            spans: [");
        for span in doc.spans() {
            let _ = write!(
                out,
                "                (id: {}, start: {}, end: {}, label: ",
                span.id.0, span.start, span.end
            );
            push_str_literal(&mut out, &span.label);
            out.push_str(", text: ");
            push_str_literal(&mut out, doc.span_text(span));
            if let Some(note) = &span.note {
                out.push_str(", note: Some(");
                push_str_literal(&mut out, note);
                out.push(')');
            }
            if !span.annotators.is_empty() {
                out.push_str(", annotators: ");
                push_string_list(&mut out, &span.annotators);
            }
            if !span.comments.is_empty() {
                push_comments(&mut out, &span.comments);
            }
            out.push_str("),\n");
        }
        let _ = writeln!(out, "            ],");
        let _ = writeln!(out, "            links: [");
        for link in doc.links() {
            let _ = writeln!(
                out,
                "                (id: {}, from: {}, to: {}, type: {}),",
                link.id.0,
                link.from.0,
                link.to.0,
                str_literal(&link.link_type)
            );
        }
        let _ = writeln!(out, "            ],");
        if candidates {
            let _ = writeln!(out, "            candidates: [");
            for candidate in doc.candidates() {
                out.push_str("                ");
                push_candidate(&mut out, doc, candidate);
                out.push_str(",\n");
            }
            let _ = writeln!(out, "            ],");
        }
        let _ = writeln!(out, "        ),");
    }
    let _ = writeln!(out, "    ],");
    let _ = writeln!(out, ")");
    out
}

/// Reads the format version from the start of a file without parsing the rest: the
/// number after the first `version:`, skipping white space and comments. `None` when the
/// file does not start that way (the full parse then reports what is wrong).
pub fn peek_version(text: &str) -> Option<u64> {
    let mut rest = skip_trivia(text);
    rest = skip_trivia(rest.strip_prefix('(')?);
    rest = skip_trivia(rest.strip_prefix("version")?);
    rest = skip_trivia(rest.strip_prefix(':')?);
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    rest[..digits].parse().ok()
}

fn skip_trivia(mut text: &str) -> &str {
    loop {
        let trimmed = text.trim_start();
        if let Some(comment) = trimmed.strip_prefix("//") {
            text = comment.find('\n').map_or("", |i| &comment[i..]);
        } else if let Some(comment) = trimmed.strip_prefix("/*") {
            text = comment.find("*/").map_or("", |i| &comment[i + 2..]);
        } else {
            return trimmed;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_parse_back_as_ron() {
        let cases = [
            "plain",
            "\"quoted\" and back\\slash",
            "CRLF\r\nand tab\t",
            "emoji 👩‍👩‍👧 🇺🇦 e\u{301} 北京 مرحبا \u{200F}\u{FEFF}\u{0007}",
        ];
        for case in cases {
            let literal = str_literal(case);
            assert!(
                !literal.contains('\n') && !literal.contains('\u{200D}'),
                "{literal}"
            );
            let back: String = ron::from_str(&literal).expect("valid RON");
            assert_eq!(back, case);
        }
    }

    #[test]
    fn every_character_that_needs_an_escape_gets_one() {
        // The writer only looks closely at some lead bytes: check all of Unicode.
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let literal = str_literal(&c.to_string());
            let escaped = literal != format!("\"{c}\"");
            assert_eq!(escaped, needs_escape(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn peek_version_skips_comments() {
        assert_eq!(peek_version("(\n    version: 1,\n"), Some(1));
        assert_eq!(
            peek_version("// made by hand\n/* x */ ( version :12 , name"),
            Some(12)
        );
        assert_eq!(peek_version("(name: \"x\", version: 1)"), None);
        assert_eq!(peek_version(""), None);
    }
}
