//! CoNLL-2003-style IOB2: `TOKEN<TAB>TAG` per line, a blank line after each sentence,
//! `-DOCSTART-<TAB>O` and a blank line before each document.
//!
//! Tokens are Unicode words (UAX #29) also cut at span boundaries, whitespace dropped;
//! sentences are Unicode sentences, except that a sentence boundary inside a written
//! span is not a boundary (seqeval would otherwise split the span in two). Tags are
//! `B-label`, `I-label` and `O`, with the project's label keys.
//!
//! One tag column cannot hold overlapping spans: the layer option keeps the outer or
//! the inner ones, and every span left out is counted in the report. CoNLL has no
//! offsets, links, notes, ids or titles; the report says how many links and notes were
//! not written.

use std::io::Write;
use std::path::Path;

use super::FormatError;
use super::error::InputProblem;
use super::import::{Draft, DraftSpan};
use super::report::Tally;
use super::tokens::{Layer, pieces, select_layer, sentence_starts, span_cuts};
use crate::model::{Document, Span};

/// The first token of every document.
pub const DOCSTART: &str = "-DOCSTART-";

/// Writes one document: its sentences, tagged.
pub(crate) fn write_document(
    doc: &Document,
    layer: Layer,
    out: &mut impl Write,
    tally: &mut Tally,
) -> std::io::Result<()> {
    let text = doc.text();
    // Spans are trimmed to their tokens first: CoNLL has no whitespace tokens, so a span
    // that starts with a space (" big") would otherwise start on no token of its own and
    // get an `I-` with no `B-`, which IOB2 forbids.
    let mut trimmed: Vec<Span> = Vec::with_capacity(doc.spans().len());
    for span in doc.spans() {
        match trim_to_tokens(doc, span) {
            Some(span) => trimmed.push(span),
            None => tally.leave_out_span(
                "left out: they cover only whitespace, and CoNLL has no whitespace tokens",
                doc,
                span,
            ),
        }
    }
    trimmed.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    let (kept, left_out) = select_layer(&trimmed, layer);
    let reason = match layer {
        Layer::Outer => {
            "left out: inside or across a longer span, and one tag column keeps only the outer layer (--layer inner keeps the inner one)"
        }
        Layer::Inner => {
            "left out: around or across a shorter span, and one tag column keeps only the inner layer (--layer outer keeps the outer one)"
        }
    };
    for span in left_out {
        tally.leave_out_span(reason, doc, span);
    }
    tally.leave_out_links("left out: CoNLL has no links", doc);
    tally.leave_out_notes("left out: CoNLL has no notes", doc);

    let pieces = pieces(text, &span_cuts(kept.iter().copied()));
    let sentence_starts = sentence_starts(text, doc.index());
    writeln!(out, "{DOCSTART}\tO\n")?;
    let mut next_sentence = 0; // Index into `sentence_starts`.
    let mut span = 0; // Index into `kept`: the first span not yet ended.
    let mut open = false; // A sentence has tokens written.
    let mut tagged = vec![false; kept.len()];
    for piece in pieces.iter().filter(|p| !p.space) {
        while kept.get(span).is_some_and(|s| s.end <= piece.start) {
            span += 1;
        }
        let inside = kept.get(span).filter(|s| s.start <= piece.start);
        // A new sentence starts at the first token at or after each sentence start,
        // unless that token continues a span.
        let mut new_sentence = false;
        while sentence_starts
            .get(next_sentence)
            .is_some_and(|&s| s <= piece.start)
        {
            next_sentence += 1;
            new_sentence = true;
        }
        if new_sentence && open && inside.is_none_or(|s| s.start >= piece.start) {
            out.write_all(b"\n")?;
        }
        let token = piece.text(text);
        match inside {
            Some(s) if s.start == piece.start => {
                writeln!(out, "{token}\tB-{}", s.label)?;
                tagged[span] = true;
            }
            Some(s) => writeln!(out, "{token}\tI-{}", s.label)?,
            None => writeln!(out, "{token}\tO")?,
        }
        open = true;
    }
    if open {
        out.write_all(b"\n")?;
    }
    for (span, tagged) in kept.iter().zip(tagged) {
        if tagged {
            tally.spans += 1;
        } else {
            tally.leave_out_span(
                "left out: they cover only whitespace, and CoNLL has no whitespace tokens",
                doc,
                span,
            );
        }
    }
    Ok(())
}

/// `span` without the whitespace at its ends; `None` when it is only whitespace.
fn trim_to_tokens(doc: &Document, span: &Span) -> Option<Span> {
    let surface = doc.span_text(span);
    let lead = surface.chars().take_while(|c| c.is_whitespace()).count();
    let trail = surface
        .chars()
        .rev()
        .take_while(|c| c.is_whitespace())
        .count();
    let (start, end) = (span.start + lead, span.end.saturating_sub(trail));
    (start < end).then(|| Span {
        start,
        end,
        ..span.clone()
    })
}

/// Reads a CoNLL file: documents split at `-DOCSTART-`, sentences at blank lines; the
/// token is the first column and the tag the last (tab- or space-separated). The text
/// of a document is its tokens joined by spaces, one sentence per line. Tags are IOB2
/// or IOB1 (an `I-` after `O` or another label starts a span, as seqeval reads it).
pub(crate) fn read(
    path: &Path,
    problems: &mut Vec<InputProblem>,
) -> Result<Vec<Draft>, FormatError> {
    let bytes = super::read_input(path)?;
    let content = match std::str::from_utf8(&bytes) {
        Ok(content) => content,
        Err(error) => {
            problems.push(InputProblem::new(
                path,
                None,
                format!(
                    "not UTF-8 text (invalid byte at offset {})",
                    error.valid_up_to()
                ),
            ));
            return Ok(Vec::new());
        }
    };
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    let mut drafts = Vec::new();
    let mut doc = Builder::new(path, 1);
    for (n, line) in content.split('\n').enumerate() {
        let line_no = n + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            doc.end_sentence();
            continue;
        }
        let columns: Vec<&str> = if line.contains('\t') {
            line.split('\t').collect()
        } else {
            line.split_whitespace().collect()
        };
        if columns[0] == DOCSTART {
            drafts.extend(doc.finish());
            doc = Builder::new(path, line_no);
            continue;
        }
        let (Some(token), Some(tag)) = (columns.first(), columns.last()) else {
            continue;
        };
        if columns.len() < 2 || token.is_empty() {
            problems.push(InputProblem::new(
                path,
                Some(line_no),
                "expected a token and a tag, separated by a tab",
            ));
            continue;
        }
        let tag = tag.trim();
        let parsed = if tag == "O" {
            Some(None)
        } else if let Some(label) = tag.strip_prefix("B-") {
            Some(Some((true, label)))
        } else {
            tag.strip_prefix("I-").map(|label| Some((false, label)))
        };
        match parsed {
            Some(tag) if tag.is_none_or(|(_, label)| !label.is_empty()) => {
                doc.token(token.trim(), tag, line_no)
            }
            _ => problems.push(InputProblem::new(
                path,
                Some(line_no),
                format!("tag `{tag}` is not O, B-LABEL or I-LABEL"),
            )),
        }
    }
    drafts.extend(doc.finish());
    Ok(drafts)
}

/// Gathers the tokens of one document into text and spans.
struct Builder<'p> {
    path: &'p Path,
    line: usize,
    text: String,
    chars: usize,
    /// The sentence has a token.
    in_sentence: bool,
    spans: Vec<DraftSpan>,
    /// The span the last token was in.
    open: Option<usize>,
}

impl<'p> Builder<'p> {
    fn new(path: &'p Path, line: usize) -> Self {
        Self {
            path,
            line,
            text: String::new(),
            chars: 0,
            in_sentence: false,
            spans: Vec::new(),
            open: None,
        }
    }

    fn token(&mut self, token: &str, tag: Option<(bool, &str)>, line: usize) {
        if self.in_sentence {
            self.text.push(' ');
            self.chars += 1;
        } else if !self.text.is_empty() {
            self.text.push('\n');
            self.chars += 1;
        }
        self.in_sentence = true;
        let start = self.chars;
        self.text.push_str(token);
        self.chars += token.chars().count();
        match tag {
            None => self.open = None,
            Some((begin, label)) => {
                let continues = !begin && self.open.is_some_and(|i| self.spans[i].label == label);
                match (continues, self.open) {
                    (true, Some(i)) => self.spans[i].end = self.chars,
                    _ => {
                        self.spans.push(DraftSpan {
                            key: format!("line {line}"),
                            wanted_id: None,
                            start,
                            end: self.chars,
                            label: label.to_owned(),
                            note: None,
                            line: Some(line),
                        });
                        self.open = Some(self.spans.len() - 1);
                    }
                }
            }
        }
    }

    fn end_sentence(&mut self) {
        self.in_sentence = false;
        self.open = None;
    }

    fn finish(self) -> Option<Draft> {
        if self.text.is_empty() {
            return None;
        }
        Some(Draft {
            origin: self.path.to_path_buf(),
            line: Some(self.line),
            text: self.text,
            spans: self.spans,
            ..Draft::default()
        })
    }
}
