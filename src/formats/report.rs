//! The bookkeeping every writer shares: what an export wrote and what its format could
//! not carry ([`Tally`] while writing, [`ExportReport`] when done), and how the report
//! reads, the same in the window and on the command line.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use super::Format;
use super::offsets::OffsetUnit;
use crate::model::{Document, Span};

/// What kind of annotation an export could not carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Omitted {
    /// Spans left out, or written differently from the project.
    Span,
    /// Links left out.
    Link,
    /// Notes left out or changed.
    Note,
}

impl Omitted {
    fn noun(self, count: usize) -> &'static str {
        match (self, count == 1) {
            (Omitted::Span, true) => "span",
            (Omitted::Span, false) => "spans",
            (Omitted::Link, true) => "link",
            (Omitted::Link, false) => "links",
            (Omitted::Note, true) => "note",
            (Omitted::Note, false) => "notes",
        }
    }
}

/// Annotations of one kind that the format could not carry, for one reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Omission {
    /// Spans, links or notes.
    pub kind: Omitted,
    /// Why, in plain words: "overlap a longer span; ...".
    pub reason: String,
    /// How many.
    pub count: usize,
    /// The first one, to look at: `document `x`, span 12 [3, 10) quote "…"`.
    pub first: String,
}

impl fmt::Display for Omission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} (first: {})",
            self.count,
            self.kind.noun(self.count),
            self.reason,
            self.first
        )
    }
}

/// One part of a split export (or the whole export when there is no split).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartReport {
    /// The part's name (`train`), or `None` without a split.
    pub name: Option<String>,
    /// Where it was written: a file, or a folder for brat.
    pub path: PathBuf,
    /// Ids of its documents, in the order written.
    pub documents: Vec<String>,
}

/// What an export wrote and what it could not carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportReport {
    /// The format written.
    pub format: Format,
    /// The unit of the offsets written.
    pub offsets: OffsetUnit,
    /// The outputs, one per part of the split.
    pub parts: Vec<PartReport>,
    /// Spans written exactly.
    pub spans: usize,
    /// Links written.
    pub links: usize,
    /// Notes written.
    pub notes: usize,
    /// What the format could not carry, by kind and reason, in a stable order. Empty
    /// when the export is complete.
    pub left_out: Vec<Omission>,
    /// Candidates still open in the documents exported: they are not annotations yet,
    /// so they are not written (exports write accepted annotations only).
    pub open_candidates: usize,
}

impl ExportReport {
    /// Writes the report as the window and the command line show it: what was written
    /// where, then what the format could not carry.
    pub fn write_to(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        writeln!(
            out,
            "exported {} documents ({} spans, {} links, {} notes) as {}, offsets in {}",
            self.documents(),
            self.spans,
            self.links,
            self.notes,
            self.format,
            self.offsets
        )?;
        for part in &self.parts {
            let name = part
                .name
                .as_deref()
                .map(|n| format!("{n}: "))
                .unwrap_or_default();
            writeln!(
                out,
                "  {name}{} ({} documents)",
                part.path.display(),
                part.documents.len()
            )?;
        }
        if !self.left_out.is_empty() {
            writeln!(out, "not carried by {}:", self.format)?;
            for omission in &self.left_out {
                writeln!(out, "  {omission}")?;
            }
        }
        if self.open_candidates > 0 {
            writeln!(
                out,
                "left open: {}, not exported (exports hold accepted annotations only)",
                open_candidates(self.open_candidates)
            )?;
        }
        Ok(())
    }

    /// Number of documents written.
    pub fn documents(&self) -> usize {
        self.parts.iter().map(|p| p.documents.len()).sum()
    }

    /// Number of spans left out or written differently; `strict` refuses any.
    pub fn spans_left_out(&self) -> usize {
        self.left_out
            .iter()
            .filter(|o| o.kind == Omitted::Span)
            .map(|o| o.count)
            .sum()
    }
}

/// Counts what a format writer wrote and left out.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub spans: usize,
    pub links: usize,
    pub notes: usize,
    /// By kind and reason (the reasons are fixed sentences): how many, and the first.
    omissions: BTreeMap<(Omitted, &'static str), (usize, String)>,
}

impl Tally {
    /// Records that `count` annotations were left out; `first` describes the first one
    /// and is only called if it is the first for this reason.
    pub fn leave_out_many(
        &mut self,
        kind: Omitted,
        reason: &'static str,
        count: usize,
        first: impl FnOnce() -> String,
    ) {
        if count == 0 {
            return;
        }
        match self.omissions.get_mut(&(kind, reason)) {
            Some((total, _)) => *total += count,
            None => {
                self.omissions.insert((kind, reason), (count, first()));
            }
        }
    }

    /// Records that one annotation (described lazily) was left out.
    pub fn leave_out(
        &mut self,
        kind: Omitted,
        reason: &'static str,
        what: impl FnOnce() -> String,
    ) {
        self.leave_out_many(kind, reason, 1, what);
    }

    /// Records that a span was left out.
    pub fn leave_out_span(&mut self, reason: &'static str, doc: &Document, span: &Span) {
        self.leave_out(Omitted::Span, reason, || describe_span(doc, span));
    }

    /// Records that the links of a document were left out.
    pub fn leave_out_links(&mut self, reason: &'static str, doc: &Document) {
        let Some(link) = doc.links().first() else {
            return;
        };
        self.leave_out_many(Omitted::Link, reason, doc.links().len(), || {
            format!(
                "document `{}`, {} `{}` from span {} to span {}",
                doc.id, link.id, link.link_type, link.from.0, link.to.0
            )
        });
    }

    /// Records that the notes of a document were left out.
    pub fn leave_out_notes(&mut self, reason: &'static str, doc: &Document) {
        let mut noted = doc.spans().iter().filter(|s| s.note.is_some());
        let Some(span) = noted.next() else { return };
        self.leave_out_many(Omitted::Note, reason, 1 + noted.count(), || {
            format!("the note on {}", describe_span(doc, span))
        });
    }

    /// Adds another tally (of a later document): counts add up, the first example of
    /// each omission stays the earliest.
    pub fn merge(&mut self, other: Tally) {
        self.spans += other.spans;
        self.links += other.links;
        self.notes += other.notes;
        for (key, (count, first)) in other.omissions {
            self.omissions
                .entry(key)
                .and_modify(|(total, _)| *total += count)
                .or_insert((count, first));
        }
    }

    pub(crate) fn into_omissions(self) -> Vec<Omission> {
        self.omissions
            .into_iter()
            .map(|((kind, reason), (count, first))| Omission {
                kind,
                reason: reason.to_owned(),
                count,
                first,
            })
            .collect()
    }
}

/// `document `x`, span 12 [3, 10) quote "text"`, the text cut short.
pub(crate) fn describe_span(doc: &Document, span: &Span) -> String {
    let text = doc.span_text(span);
    let mut shown: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        shown.push('…');
    }
    format!(
        "document `{}`, {} [{}, {}) {} {}",
        doc.id,
        span.id,
        span.start,
        span.end,
        span.label,
        crate::model::Quoted(&shown)
    )
}

/// `1 open candidate`, `3 open candidates`.
pub fn open_candidates(count: usize) -> String {
    let noun = if count == 1 {
        "candidate"
    } else {
        "candidates"
    };
    format!("{count} open {noun}")
}
