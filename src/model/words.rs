//! Word-aware selections: what a drag over text should select before it is labelled.
//! Pure text logic on code-point offsets; the article view calls it on mouse release.

use unicode_segmentation::UnicodeSegmentation as _;

use super::text::TextIndex;

/// Quotation marks a quote span keeps at its edges.
const QUOTATION_MARKS: &[char] = &[
    '"', '“', '”', '„', '«', '»', '‘', '’', '\'', '‹', '›', '「', '」',
];

fn is_quotation_mark(c: char) -> bool {
    QUOTATION_MARKS.contains(&c)
}

/// Whether `c` may stand at the edge of a snapped selection: letters, digits, marks
/// and symbols such as `$` or emoji, but not spaces or punctuation.
fn is_word_char(c: char) -> bool {
    !(c.is_whitespace() || c.is_ascii_punctuation() || is_unicode_punctuation(c))
        || c == '$'
        || c == '%'
        || c == '#'
        || c == '@'
}

fn is_unicode_punctuation(c: char) -> bool {
    matches!(c, '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' | '\u{3000}'..='\u{303F}'
        | '«' | '»' | '¡' | '¿' | '·' | '،' | '؛' | '؟' | '۔' | '\u{FF01}'..='\u{FF0F}')
}

/// Expands `[start, end)` (code points, either order) to whole words by Unicode word
/// boundaries, then trims spaces and punctuation at both edges. Returns `None` when
/// nothing but spaces and punctuation is left.
pub fn snap_to_words(
    text: &str,
    index: &TextIndex,
    start: usize,
    end: usize,
) -> Option<(usize, usize)> {
    let (start, end) = (start.min(end), start.max(end).min(index.char_len()));
    let start_byte = index.byte_of(text, start)?;
    let end_byte = index.byte_of(text, end)?;
    // Grow to the word boundaries around the selection's ends.
    let mut snapped_start = start_byte;
    let mut snapped_end = end_byte;
    for (byte, word) in text.split_word_bound_indices() {
        let word_end = byte + word.len();
        if byte < start_byte && start_byte < word_end {
            snapped_start = byte;
        }
        if byte < end_byte && end_byte < word_end {
            snapped_end = word_end;
        }
        if byte >= end_byte {
            break;
        }
    }
    trim(text, index, snapped_start, snapped_end)
}

/// Exact selection (Alt-drag) still must not be empty; only the order is fixed.
pub fn exact(start: usize, end: usize) -> Option<(usize, usize)> {
    (start != end).then(|| (start.min(end), start.max(end)))
}

fn trim(
    text: &str,
    index: &TextIndex,
    start_byte: usize,
    end_byte: usize,
) -> Option<(usize, usize)> {
    let slice = &text[start_byte..end_byte];
    let trimmed_start = slice.find(is_word_char)?;
    let trimmed_end = slice
        .rfind(is_word_char)
        .map(|i| i + slice[i..].chars().next().map_or(1, char::len_utf8))?;
    let start = index.char_of(text, start_byte + trimmed_start)?;
    let end = index.char_of(text, start_byte + trimmed_end)?;
    Some((start, end))
}

/// The word at code point `offset` (double-click), trimmed like a snapped selection.
pub fn word_at(text: &str, index: &TextIndex, offset: usize) -> Option<(usize, usize)> {
    let byte = index.byte_of(text, offset)?;
    let (word_start, word) = text
        .split_word_bound_indices()
        .find(|(start, word)| *start <= byte && byte < start + word.len())?;
    trim(text, index, word_start, word_start + word.len())
}

/// Widens a quote's range to take in the quotation marks around it, with punctuation
/// that sits inside the closing mark (`"very good,"`), as quotes are marked in the
/// guidelines. Returns the range unchanged when there are no marks to take.
pub fn with_quotation_marks(
    text: &str,
    index: &TextIndex,
    start: usize,
    end: usize,
) -> (usize, usize) {
    let (Some(start_byte), Some(end_byte)) = (index.byte_of(text, start), index.byte_of(text, end))
    else {
        return (start, end);
    };
    let before = text[..start_byte].chars().next_back();
    let opens = before.is_some_and(is_quotation_mark);
    // After the end: optional punctuation such as `,` or `.`, then a closing mark.
    let after = &text[end_byte..];
    let punctuation: usize = after
        .chars()
        .take_while(|c| {
            !is_quotation_mark(*c) && (c.is_ascii_punctuation() || is_unicode_punctuation(*c))
        })
        .take(3)
        .count();
    let closes = after
        .chars()
        .nth(punctuation)
        .is_some_and(is_quotation_mark);
    let already_open = text[start_byte..]
        .chars()
        .next()
        .is_some_and(is_quotation_mark);
    let already_closed = text[..end_byte]
        .chars()
        .next_back()
        .is_some_and(is_quotation_mark);
    let new_start = if opens && !already_open {
        start - 1
    } else {
        start
    };
    let new_end = if closes && !already_closed {
        end + punctuation + 1
    } else {
        end
    };
    (new_start, new_end)
}

/// One word more or less at either end of a span: the boundaries a grow or shrink
/// command moves to. `None` when the span would become empty or leave the text.
pub fn step_word(
    text: &str,
    index: &TextIndex,
    (start, end): (usize, usize),
    edge: Edge,
    grow: bool,
) -> Option<(usize, usize)> {
    // Boundaries of real words (not spaces or punctuation), in code points.
    let words: Vec<(usize, usize)> = text
        .split_word_bound_indices()
        .filter(|(_, w)| w.chars().any(is_word_char))
        .filter_map(|(b, w)| Some((index.char_of(text, b)?, index.char_of(text, b + w.len())?)))
        .collect();
    let result = match (edge, grow) {
        (Edge::Start, true) => (words.iter().rev().find(|w| w.0 < start)?.0, end),
        (Edge::Start, false) => (words.iter().find(|w| w.0 > start && w.0 < end)?.0, end),
        (Edge::End, true) => (start, words.iter().find(|w| w.1 > end)?.1),
        (Edge::End, false) => (
            start,
            words.iter().rev().find(|w| w.1 < end && w.1 > start)?.1,
        ),
    };
    (result.0 < result.1).then_some(result)
}

/// Which end of a span a command moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    /// The start.
    Start,
    /// The end.
    End,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(text: &str, start: usize, end: usize) -> Option<&str> {
        let index = TextIndex::new(text);
        let (s, e) = snap_to_words(text, &index, start, end)?;
        index.slice(text, s, e)
    }

    #[test]
    fn a_drag_inside_words_grows_to_whole_words() {
        let text = "envoy Steve Witkoff and his son-in-law";
        assert_eq!(snap(text, 8, 14), Some("Steve Witkoff"));
        assert_eq!(snap(text, 14, 8), Some("Steve Witkoff"));
    }

    #[test]
    fn edges_lose_spaces_and_punctuation() {
        let text = "said, \"Witkoff and Kushner\" came.";
        assert_eq!(snap(text, 4, 27), Some("Witkoff and Kushner"));
        assert_eq!(snap(text, 4, 6), None);
    }

    #[test]
    fn snapping_counts_code_points_with_emoji_and_marks() {
        let text = "🇺🇦 Zoe\u{301} 👩‍👩‍👧 北京";
        let index = TextIndex::new(text);
        let (s, e) = snap_to_words(text, &index, 4, 5).expect("word");
        assert_eq!(index.slice(text, s, e), Some("Zoe\u{301}"));
        assert_eq!(
            word_at(text, &index, 0).and_then(|(s, e)| index.slice(text, s, e)),
            Some("🇺🇦")
        );
    }

    #[test]
    fn quotes_take_their_quotation_marks() {
        let text = "called it \"very good,\" while";
        let index = TextIndex::new(text);
        let (s, e) = snap_to_words(text, &index, 11, 20).expect("words");
        assert_eq!(index.slice(text, s, e), Some("very good"));
        let (s, e) = with_quotation_marks(text, &index, s, e);
        assert_eq!(index.slice(text, s, e), Some("\"very good,\""));
        // Already with marks, or without any: unchanged.
        assert_eq!(with_quotation_marks(text, &index, s, e), (s, e));
        assert_eq!(with_quotation_marks(text, &index, 0, 6), (0, 6));
    }

    #[test]
    fn step_word_grows_and_shrinks_either_end() {
        let text = "the Russian President Vladimir Putin said";
        let index = TextIndex::new(text);
        let putin = (31, 36);
        assert_eq!(index.slice(text, 31, 36), Some("Putin"));
        let grown = step_word(text, &index, putin, Edge::Start, true).expect("grow");
        assert_eq!(index.slice(text, grown.0, grown.1), Some("Vladimir Putin"));
        let shrunk = step_word(text, &index, grown, Edge::Start, false).expect("shrink");
        assert_eq!(shrunk, putin);
        let longer = step_word(text, &index, putin, Edge::End, true).expect("grow end");
        assert_eq!(index.slice(text, longer.0, longer.1), Some("Putin said"));
        assert_eq!(step_word(text, &index, putin, Edge::End, false), None);
    }
}
