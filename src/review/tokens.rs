//! The tokens agreement is measured on: the Unicode word segments (UAX #29) of a text
//! that contain a letter or a digit (the Alphabetic property or a Number category), as
//! code-point ranges. Spaces and punctuation between words are no tokens, so two
//! annotators who differ only in taking a comma or a quotation mark agree on every token.

use unicode_segmentation::UnicodeSegmentation as _;

/// The tokens of `text`: `[start, end)` in code points, in order, never overlapping.
///
/// unicode-segmentation has a fast path for ASCII text, taken only when the whole text
/// is ASCII; one "é" in an article would make every word take the slow path. So the
/// text is cut where UAX #29 always breaks whatever surrounds it (after a space or a
/// line feed, before an ASCII character that is no space or line break: no rule joins
/// such a pair, and no rule looks across the space), runs of ASCII and of other words
/// are segmented on their own, and the results are the same as for the whole text
/// (a property test checks it).
pub fn tokens(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(text.len() / 6);
    let mut chars = 0; // code points before `chunk_start`
    let (mut chunk_start, mut chunk_ascii) = (0, true);
    let (mut word_start, mut word_ascii) = (0, true);
    for i in 0..=bytes.len() {
        let cut = i == bytes.len()
            || (i > 0
                && matches!(bytes[i - 1], b' ' | b'\n')
                && bytes[i].is_ascii()
                && !matches!(bytes[i], b' ' | b'\n' | b'\r'));
        if cut {
            if word_ascii != chunk_ascii && word_start > chunk_start {
                chars = segment(text, chunk_start, word_start, chunk_ascii, chars, &mut out);
                chunk_start = word_start;
            }
            chunk_ascii = word_ascii;
            word_start = i;
            word_ascii = true;
        }
        if bytes.get(i).is_some_and(|b| !b.is_ascii()) {
            word_ascii = false;
        }
    }
    segment(text, chunk_start, bytes.len(), chunk_ascii, chars, &mut out);
    out
}

/// Appends the tokens of `text[start..end]`, which begins `chars` code points into the
/// text, and returns the code points before `end`.
fn segment(
    text: &str,
    start: usize,
    end: usize,
    ascii: bool,
    mut chars: usize,
    out: &mut Vec<(usize, usize)>,
) -> usize {
    let chunk = &text[start..end];
    if ascii {
        for (byte, word) in chunk.unicode_word_indices() {
            out.push((chars + byte, chars + byte + word.len()));
        }
        return chars + chunk.len();
    }
    let mut byte = 0; // `chars` counts the code points before this byte of the chunk
    for (word_start, word) in chunk.unicode_word_indices() {
        chars += chunk[byte..word_start].chars().count();
        let len = word.chars().count();
        out.push((chars, chars + len));
        chars += len;
        byte = word_start + word.len();
    }
    chars + chunk[byte..].chars().count()
}

/// Marks which tokens share a character with any of `ranges` (sorted by start; they may
/// nest and overlap). One pass over both lists.
pub fn covered(tokens: &[(usize, usize)], ranges: &[(usize, usize)]) -> Bits {
    let mut bits = Bits::new(tokens.len());
    // Merge the ranges into disjoint runs first: nested spans cover nothing more.
    let mut runs: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for &(start, end) in ranges {
        match runs.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => runs.push((start, end)),
        }
    }
    let mut run = 0;
    for (i, &(start, end)) in tokens.iter().enumerate() {
        while runs.get(run).is_some_and(|r| r.1 <= start) {
            run += 1;
        }
        if runs.get(run).is_some_and(|r| r.0 < end) {
            bits.set(i);
        }
    }
    bits
}

/// A fixed-size set of token indices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bits {
    words: Vec<u64>,
}

impl Bits {
    /// No token of `len`.
    pub fn new(len: usize) -> Self {
        Self {
            words: vec![0; len.div_ceil(64)],
        }
    }

    fn set(&mut self, i: usize) {
        if let Some(word) = self.words.get_mut(i / 64) {
            *word |= 1 << (i % 64);
        }
    }

    /// Whether token `i` is in the set.
    #[cfg(test)]
    pub fn get(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// The tokens in the set, ascending.
    pub fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &word)| {
            let mut bits = word;
            std::iter::from_fn(move || {
                (bits != 0).then(|| {
                    let i = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    w * 64 + i
                })
            })
        })
    }

    /// Number of tokens in the set.
    pub fn count(&self) -> u64 {
        self.words.iter().map(|w| u64::from(w.count_ones())).sum()
    }

    /// Number of tokens in both sets.
    pub fn count_both(&self, other: &Bits) -> u64 {
        self.words
            .iter()
            .zip(&other.words)
            .map(|(a, b)| u64::from((a & b).count_ones()))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokens(text)
            .into_iter()
            .map(|(s, e)| text.chars().skip(s).take(e - s).collect())
            .collect()
    }

    #[test]
    fn tokens_are_words_with_a_letter_or_digit() {
        assert_eq!(
            words("\"Talks,\" he said — in 2025, at 3.5%."),
            ["Talks", "he", "said", "in", "2025", "at", "3.5"]
        );
        assert_eq!(words(""), Vec::<String>::new());
        assert_eq!(words(" , — !"), Vec::<String>::new());
    }

    #[test]
    fn tokens_count_code_points_in_mixed_text() {
        let text = "Zoë 👩‍👩‍👧 北京 e\u{301}t\u{e9} mir\r\nكييف";
        let found = tokens(text);
        let chars: Vec<char> = text.chars().collect();
        let slices: Vec<String> = found
            .iter()
            .map(|&(s, e)| chars[s..e].iter().collect())
            .collect();
        // The emoji has no letter; CJK ideographs are one segment each.
        assert_eq!(
            slices,
            ["Zoë", "北", "京", "e\u{301}t\u{e9}", "mir", "كييف"]
        );
    }

    /// The tokens of the whole text in one go, the plain way.
    fn plain(text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (byte, word) in text.unicode_word_indices() {
            let start = text[..byte].chars().count();
            out.push((start, start + word.chars().count()));
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn cutting_the_text_changes_no_token(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "a", "Zoë", " ", "  ", "\n", "\r\n", "\t", ".", ",", "'", "3", "3.5", "U.S.",
                "e\u{301}", "\u{301}", "\u{200D}", "👩‍👩‍👧", "🇺🇦", "🇺", "北京", "كييف", "_", "-",
                "\u{00A0}", "\u{2003}", "don't", "«", "»", "\u{FEFF}",
            ]), 0..40)
        ) {
            let text: String = pieces.concat();
            proptest::prop_assert_eq!(tokens(&text), plain(&text));
        }
    }

    #[test]
    fn covered_marks_tokens_sharing_a_character() {
        // Tokens: [0,3) [4,7) [8,11) [12,15)
        let toks = [(0, 3), (4, 7), (8, 11), (12, 15)];
        // A span touching the last character of token 1 only, and nested spans in 3.
        let bits = covered(&toks, &[(6, 8), (12, 15), (13, 14)]);
        let set: Vec<bool> = (0..4).map(|i| bits.get(i)).collect();
        assert_eq!(set, [false, true, false, true]);
        assert_eq!(bits.count(), 2);
        // A range between tokens covers none.
        assert_eq!(covered(&toks, &[(3, 4)]).count(), 0);
        let other = covered(&toks, &[(0, 7)]);
        assert_eq!(bits.count_both(&other), 1);
    }
}
