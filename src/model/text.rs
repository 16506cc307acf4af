//! Offsets into a document's text.
//!
//! The model counts **Unicode code points** (Rust `char`s, Python `str` indices), and
//! spans are half-open `[start, end)`. egui counts UTF-8 bytes in layout sections and
//! chars in cursors, JavaScript counts UTF-16 units: every conversion goes through
//! [`TextIndex`], once, at the edge.

/// How many chars lie between two samples of the index. Small enough that a lookup walks
/// at most a few dozen bytes, large enough that a 10 MB text needs well under 1 MB.
const SAMPLE_EVERY: usize = 32;

/// Maps code-point offsets of one text to byte offsets and back in O(1)-ish time.
#[derive(Clone, Debug, Default)]
pub struct TextIndex {
    /// Byte offset of every `SAMPLE_EVERY`-th char, starting with char 0.
    samples: Vec<usize>,
    /// Number of chars in the text.
    char_len: usize,
}

impl TextIndex {
    /// Indexes `text`: one pass over its chars.
    pub fn new(text: &str) -> Self {
        let mut samples = Vec::with_capacity(text.len() / SAMPLE_EVERY + 1);
        let mut char_len = 0;
        for (i, (byte, _)) in text.char_indices().enumerate() {
            if i % SAMPLE_EVERY == 0 {
                samples.push(byte);
            }
            char_len = i + 1;
        }
        Self { samples, char_len }
    }

    /// Number of code points in the text.
    pub fn char_len(&self) -> usize {
        self.char_len
    }

    /// Byte offset of code point `char_offset`; `None` past the end. The end of the text
    /// (`char_offset == char_len`) maps to `text.len()`.
    pub fn byte_of(&self, text: &str, char_offset: usize) -> Option<usize> {
        if char_offset > self.char_len {
            return None;
        }
        if char_offset == self.char_len {
            return Some(text.len());
        }
        let sample = self.samples[char_offset / SAMPLE_EVERY];
        let skip = char_offset % SAMPLE_EVERY;
        text[sample..]
            .char_indices()
            .nth(skip)
            .map(|(b, _)| sample + b)
    }

    /// Code-point offset of `byte_offset`, which must lie on a char boundary.
    pub fn char_of(&self, text: &str, byte_offset: usize) -> Option<usize> {
        if !text.is_char_boundary(byte_offset) {
            return None;
        }
        // The last sample at or before the byte offset.
        let sample_index = self
            .samples
            .partition_point(|&b| b <= byte_offset)
            .saturating_sub(1);
        let sample_byte = self.samples.get(sample_index).copied().unwrap_or(0);
        Some(sample_index * SAMPLE_EVERY + text[sample_byte..byte_offset].chars().count())
    }

    /// The text of `[start, end)` in code points; `None` if the range is reversed or
    /// reaches past the end.
    pub fn slice<'t>(&self, text: &'t str, start: usize, end: usize) -> Option<&'t str> {
        if start > end {
            return None;
        }
        let start_byte = self.byte_of(text, start)?;
        let end_byte = self.byte_of(text, end)?;
        Some(&text[start_byte..end_byte])
    }
}

/// Number of UTF-16 code units in `text`.
pub fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

/// `text` in double quotes for messages and reports, escaping only what would make the
/// line ambiguous (`"`, `\`, line breaks and other control characters). Unlike `{:?}`,
/// letters with combining marks, Devanagari vowel signs and emoji stay as they are, so
/// "नमस्ते" reads as itself and not as `नमस\u{94d}त\u{947}`.
pub struct Quoted<'a>(pub &'a str);

impl std::fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write as _;
        f.write_char('"')?;
        for c in self.0.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                // Controls, and the bidirectional overrides that could make a terminal
                // show the line in another order than it has.
                c if c.is_control()
                    || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') =>
                {
                    write!(f, "\\u{{{:x}}}", u32::from(c))?
                }
                c => f.write_char(c)?,
            }
        }
        f.write_char('"')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_escapes_only_what_would_be_ambiguous() {
        assert_eq!(
            Quoted("नमस्ते e\u{301} 👩‍👩‍👧").to_string(),
            "\"नमस्ते e\u{301} 👩‍👩‍👧\""
        );
        assert_eq!(
            Quoted("say \"no\"\\\n\t\u{7}\u{202e}").to_string(),
            r#""say \"no\"\\\n\t\u{7}\u{202e}""#
        );
    }

    const MIXED: &str = "Zoë 👩‍👩‍👧 🇺🇦 e\u{301} 北京 مرحبا\r\nend";

    #[test]
    fn byte_and_char_offsets_agree_with_std_on_mixed_text() {
        let text = MIXED.repeat(5);
        let index = TextIndex::new(&text);
        assert_eq!(index.char_len(), text.chars().count());
        for (i, (byte, _)) in text.char_indices().enumerate() {
            assert_eq!(index.byte_of(&text, i), Some(byte), "char {i}");
            assert_eq!(index.char_of(&text, byte), Some(i), "byte {byte}");
        }
        assert_eq!(index.byte_of(&text, index.char_len()), Some(text.len()));
        assert_eq!(index.char_of(&text, text.len()), Some(index.char_len()));
        assert_eq!(index.byte_of(&text, index.char_len() + 1), None);
    }

    #[test]
    fn char_of_refuses_the_middle_of_a_char() {
        let index = TextIndex::new("ë");
        assert_eq!(index.char_of("ë", 1), None);
    }

    #[test]
    fn slices_count_code_points() {
        let index = TextIndex::new(MIXED);
        assert_eq!(index.slice(MIXED, 0, 3), Some("Zoë"));
        assert_eq!(index.slice(MIXED, 4, 9), Some("👩‍👩‍👧"));
        assert_eq!(index.slice(MIXED, 3, 2), None);
        assert_eq!(TextIndex::new("").slice("", 0, 0), Some(""));
    }

    #[test]
    fn utf16_counts_surrogate_pairs() {
        assert_eq!(utf16_len("a👩‍👩‍👧"), 1 + 2 + 1 + 2 + 1 + 2);
    }
}
