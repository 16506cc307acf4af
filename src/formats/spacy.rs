//! spaCy / Prodigy JSONL: one document per line, pre-tokenised, with character spans
//! that map to whole tokens.
//!
//! ```json
//! {"text": "…",
//!  "tokens": [{"text": "Trump", "start": 0, "end": 5, "id": 0, "ws": true}, …],
//!  "spans": [{"start": 0, "end": 5, "label": "actor", "token_start": 0, "token_end": 0}],
//!  "meta": {"id": "doc-1", "title": "…", "offsets": "codepoints"}}
//! ```
//!
//! `token_end` is inclusive, as in Prodigy. Tokens are Unicode words cut at every span
//! boundary, so every span is a run of whole tokens. Whitespace follows spaCy's own
//! rule: one plain space after a token is that token's `ws`; any other whitespace is a
//! token of its own. So `Doc(nlp.vocab, words, spaces)` rebuilds the text exactly and
//! `doc.char_span(start, end, alignment_mode="strict")` finds every span. Spans may
//! overlap: put them in `doc.spans`, not `doc.ents`.
//!
//! Links and notes have no place here; the report counts them.

use std::io::Write;

use serde::Serialize;

use super::offsets::{OffsetMap, OffsetUnit};
use super::report::Tally;
use super::tokens::{pieces, span_cuts};
use crate::model::Document;

#[derive(Serialize)]
struct Line<'a> {
    text: &'a str,
    tokens: Vec<Token<'a>>,
    spans: Vec<SpanOut<'a>>,
    meta: Meta<'a>,
}

#[derive(Serialize)]
struct Token<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    id: usize,
    ws: bool,
}

#[derive(Serialize)]
struct SpanOut<'a> {
    start: usize,
    end: usize,
    label: &'a str,
    token_start: usize,
    token_end: usize,
}

#[derive(Serialize)]
struct Meta<'a> {
    id: &'a str,
    title: &'a str,
    offsets: &'static str,
}

/// A token in code points, before conversion to the output unit.
struct Tok {
    start: usize,
    end: usize,
    byte_start: usize,
    byte_end: usize,
    ws: bool,
}

/// Writes one document as one line.
pub(crate) fn write_document(
    doc: &Document,
    unit: OffsetUnit,
    out: &mut impl Write,
    tally: &mut Tally,
) -> std::io::Result<()> {
    let text = doc.text();
    let map = OffsetMap::new(text, doc.index(), unit);
    let cuts = span_cuts(doc.spans());
    let starts: Vec<usize> = {
        let mut starts: Vec<usize> = doc.spans().iter().map(|s| s.start).collect();
        starts.sort_unstable();
        starts
    };
    let ends: Vec<usize> = {
        let mut ends: Vec<usize> = doc.spans().iter().map(|s| s.end).collect();
        ends.sort_unstable();
        ends
    };
    let mut toks: Vec<Tok> = Vec::new();
    for piece in pieces(text, &cuts) {
        let piece_text = piece.text(text);
        if piece.space
            && piece_text.starts_with(' ')
            && let Some(last) = toks.last_mut()
            && !last.ws
            && !text[last.byte_start..last.byte_end].chars().all(char::is_whitespace)
            // The space may go into the token before only if no span starts on it or
            // ends right after it: either would need it as a token of its own.
            && starts.binary_search(&piece.start).is_err()
            && ends.binary_search(&(piece.start + 1)).is_err()
        {
            last.ws = true;
            if piece.end > piece.start + 1 {
                toks.push(Tok {
                    start: piece.start + 1,
                    end: piece.end,
                    byte_start: piece.byte_start + 1,
                    byte_end: piece.byte_end,
                    ws: false,
                });
            }
            continue;
        }
        toks.push(Tok {
            start: piece.start,
            end: piece.end,
            byte_start: piece.byte_start,
            byte_end: piece.byte_end,
            ws: false,
        });
    }

    let encode = |offset: usize| map.encode(offset).unwrap_or(offset);
    let tokens: Vec<Token> = toks
        .iter()
        .enumerate()
        .map(|(id, t)| Token {
            text: &text[t.byte_start..t.byte_end],
            start: encode(t.start),
            end: encode(t.end),
            id,
            ws: t.ws,
        })
        .collect();
    let mut spans = Vec::with_capacity(doc.spans().len());
    for span in doc.spans() {
        let first = toks.binary_search_by_key(&span.start, |t| t.start);
        let last = toks.binary_search_by_key(&span.end, |t| t.end);
        let (Ok(token_start), Ok(token_end)) = (first, last) else {
            // Cannot happen: tokens are cut at every span boundary. Said, not hidden.
            tally.leave_out_span(
                "left out: they do not align with token boundaries",
                doc,
                span,
            );
            continue;
        };
        spans.push(SpanOut {
            start: encode(span.start),
            end: encode(span.end),
            label: &span.label,
            token_start,
            token_end,
        });
    }
    tally.spans += spans.len();
    tally.leave_out_links("left out: the spaCy format has no links", doc);
    tally.leave_out_notes("left out: the spaCy format has no notes", doc);
    let line = Line {
        text,
        tokens,
        spans,
        meta: Meta {
            id: &doc.id,
            title: &doc.title,
            offsets: unit.as_str(),
        },
    };
    serde_json::to_writer(&mut *out, &line)?;
    out.write_all(b"\n")
}
