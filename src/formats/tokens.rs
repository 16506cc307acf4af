//! Tokens, sentences and layers for the token-based formats (spaCy, CoNLL).
//!
//! Tokens come from Unicode word boundaries (UAX #29), and are then also cut at every
//! span boundary, so that every span covers whole tokens: a span on "U.S." inside
//! "U.S.-backed" still maps exactly. Whitespace is kept as pieces (spaCy needs it to
//! rebuild the exact text); CoNLL drops it.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use unicode_segmentation::UnicodeSegmentation as _;

use crate::model::{Span, TextIndex};

/// A stretch of the text between two token boundaries, in code points and bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Piece {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// First byte.
    pub byte_start: usize,
    /// One past the last byte.
    pub byte_end: usize,
    /// Whitespace only (consecutive whitespace is one piece unless a span boundary
    /// falls between).
    pub space: bool,
}

impl Piece {
    /// The piece's text.
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.byte_start..self.byte_end]
    }
}

/// Splits `text` into pieces at word boundaries and at the code-point offsets in `cuts`
/// (sorted, without duplicates).
pub(crate) fn pieces(text: &str, cuts: &[usize]) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(text.len() / 3);
    let mut chars = 0;
    let is_cut = |c: usize| cuts.binary_search(&c).is_ok();
    let push = |out: &mut Vec<Piece>, piece: Piece| {
        if piece.space
            && let Some(last) = out.last_mut()
            && last.space
            && !is_cut(piece.start)
        {
            last.end = piece.end;
            last.byte_end = piece.byte_end;
        } else {
            out.push(piece);
        }
    };
    // Index of the first cut after the start of the current word.
    let mut next_cut = 0;
    for (byte, word) in text.split_word_bound_indices() {
        let space = word.chars().all(char::is_whitespace);
        let len = if word.is_ascii() {
            word.len()
        } else {
            word.chars().count()
        };
        while cuts.get(next_cut).is_some_and(|&c| c <= chars) {
            next_cut += 1;
        }
        if cuts.get(next_cut).is_none_or(|&c| c >= chars + len) {
            let piece = Piece {
                start: chars,
                end: chars + len,
                byte_start: byte,
                byte_end: byte + word.len(),
                space,
            };
            push(&mut out, piece);
            chars += len;
            continue;
        }
        let (mut start, mut byte_start) = (chars, byte);
        for (i, (b, _)) in word.char_indices().enumerate().skip(1) {
            if is_cut(chars + i) {
                let piece = Piece {
                    start,
                    end: chars + i,
                    byte_start,
                    byte_end: byte + b,
                    space,
                };
                push(&mut out, piece);
                (start, byte_start) = (chars + i, byte + b);
            }
        }
        let piece = Piece {
            start,
            end: chars + len,
            byte_start,
            byte_end: byte + word.len(),
            space,
        };
        push(&mut out, piece);
        chars += len;
    }
    out
}

/// The code-point offsets at which sentences start, after the first, by Unicode
/// sentence boundaries (which also break after every line break).
pub(crate) fn sentence_starts(text: &str, index: &TextIndex) -> Vec<usize> {
    text.split_sentence_bound_indices()
        .skip(1)
        .filter_map(|(byte, _)| index.char_of(text, byte))
        .collect()
}

/// The sorted, distinct start and end offsets of `spans`.
pub(crate) fn span_cuts<'a>(spans: impl IntoIterator<Item = &'a Span>) -> Vec<usize> {
    let mut cuts: Vec<usize> = spans.into_iter().flat_map(|s| [s.start, s.end]).collect();
    cuts.sort_unstable();
    cuts.dedup();
    cuts
}

/// Which spans a single tag column keeps when spans overlap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Layer {
    /// The outermost spans: a span inside (or crossing) an earlier, longer one is left
    /// out. Keeps whole quotes and claims over the actors inside them.
    #[default]
    Outer,
    /// The innermost spans: a span containing (or crossing) a shorter one is left out.
    /// Keeps actors and locations over the quotes around them.
    Inner,
}

impl Layer {
    /// The word used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Outer => "outer",
            Layer::Inner => "inner",
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Layer {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "outer" => Ok(Layer::Outer),
            "inner" => Ok(Layer::Inner),
            _ => Err(format!("unknown layer `{text}`: expected outer or inner")),
        }
    }
}

/// Splits `spans` (in reading order) into those that fit one layer without overlapping,
/// in reading order, and those left out.
pub(crate) fn select_layer(spans: &[Span], layer: Layer) -> (Vec<&Span>, Vec<&Span>) {
    let mut kept = Vec::with_capacity(spans.len());
    let mut left_out = Vec::new();
    match layer {
        Layer::Outer => {
            // Longest first among equal starts; then each span that starts before the
            // last kept one ends is inside or across it.
            let mut order: Vec<&Span> = spans.iter().collect();
            order.sort_by(|a, b| {
                (a.start, std::cmp::Reverse(a.end), &a.label, a.id).cmp(&(
                    b.start,
                    std::cmp::Reverse(b.end),
                    &b.label,
                    b.id,
                ))
            });
            let mut kept_end = 0;
            for span in order {
                if span.start >= kept_end {
                    kept_end = span.end;
                    kept.push(span);
                } else {
                    left_out.push(span);
                }
            }
        }
        Layer::Inner => {
            let mut order: Vec<&Span> = spans.iter().collect();
            order.sort_by(|a, b| (a.len(), a.order_key()).cmp(&(b.len(), b.order_key())));
            // Kept spans by start; they never overlap, so their ends ascend too.
            let mut taken: BTreeMap<usize, &Span> = BTreeMap::new();
            for span in order {
                let before = taken.range(..span.end).next_back().map(|(_, s)| *s);
                if before.is_some_and(|s| s.end > span.start) {
                    left_out.push(span);
                } else {
                    taken.insert(span.start, span);
                }
            }
            kept.extend(taken.into_values());
            left_out.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        }
    }
    (kept, left_out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SpanId;

    fn span(id: u64, start: usize, end: usize) -> Span {
        Span::new(SpanId(id), start, end, "actor")
    }

    fn texts<'t>(text: &'t str, pieces: &[Piece]) -> Vec<&'t str> {
        pieces.iter().map(|p| p.text(text)).collect()
    }

    #[test]
    fn pieces_cover_the_text_and_cut_at_spans() {
        let text = "U.S.-backed  talks\r\n👩‍👩‍👧 ok";
        let all = pieces(text, &[2]);
        assert_eq!(
            texts(text, &all),
            [
                "U.",
                "S",
                ".",
                "-",
                "backed",
                "  ",
                "talks",
                "\r\n",
                "👩‍👩‍👧",
                " ",
                "ok"
            ]
        );
        let joined: String = texts(text, &all).concat();
        assert_eq!(joined, text);
        for piece in &all {
            let index = TextIndex::new(text);
            assert_eq!(
                index.slice(text, piece.start, piece.end),
                Some(piece.text(text))
            );
        }
    }

    #[test]
    fn whitespace_runs_merge_unless_cut() {
        let text = "a \n\n b";
        assert_eq!(texts(text, &pieces(text, &[])), ["a", " \n\n ", "b"]);
        assert_eq!(texts(text, &pieces(text, &[2])), ["a", " ", "\n\n ", "b"]);
    }

    #[test]
    fn outer_and_inner_layers() {
        // A quote [0, 20) with an actor [0, 5) inside, and a claim [15, 30) across it.
        let spans = [span(1, 0, 5), span(2, 0, 20), span(3, 15, 30)];
        let ids = |list: Vec<&Span>| list.iter().map(|s| s.id.0).collect::<Vec<_>>();
        let (kept, left) = select_layer(&spans, Layer::Outer);
        assert_eq!((ids(kept), ids(left)), (vec![2], vec![1, 3]));
        let (kept, left) = select_layer(&spans, Layer::Inner);
        assert_eq!((ids(kept), ids(left)), (vec![1, 3], vec![2]));
    }

    #[test]
    fn sentences_break_after_line_breaks() {
        let text = "Headline\nFirst one. Second one.";
        let index = TextIndex::new(text);
        assert_eq!(sentence_starts(text, &index), [9, 20]);
    }
}
