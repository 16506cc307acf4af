//! What the rules read in a document's text: words, sentences, reporting verbs, and the
//! conversion between the model's code points and the byte offsets the rules scan in.

use std::collections::HashMap;

use crate::model::{Document, TextIndex};

/// A run of letters and digits, as a byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Word {
    pub start: usize,
    pub end: usize,
}

/// The words of `text`, in order. Whole words are these runs: "Putinism" is one word,
/// so "Putin" never matches inside it; "Putin's" is "Putin", "'", "s".
pub(super) fn words(text: &str) -> Vec<Word> {
    let mut words = Vec::with_capacity(text.len() / 6);
    let mut start = None;
    for (at, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                words.push(Word {
                    start: from,
                    end: at,
                });
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        words.push(Word {
            start: from,
            end: text.len(),
        });
    }
    words
}

/// Abbreviations whose full stop ends no sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "sen", "rep", "gov", "st", "lt", "col", "capt", "sgt",
    "jr", "sr", "no", "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "mt", "ft", "inc", "corp", "co",
];

/// Byte offsets where sentences start, the first at 0. A sentence ends at a line end,
/// or at `.`, `!` or `?` (with the closing marks and brackets after it) followed by
/// space and a capital, a digit or an opening mark; not after an abbreviation or an
/// initial ("Mr.", "Dec.", "J.").
pub(super) fn sentence_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    // The ends are ASCII, so their bytes are char boundaries: scan bytes, not chars.
    for (at, byte) in text.bytes().enumerate() {
        if byte == b'\n' {
            starts.push(at + 1);
            continue;
        }
        if !matches!(byte, b'.' | b'!' | b'?') || (byte == b'.' && after_abbreviation(&text[..at]))
        {
            continue;
        }
        let mut chars = text[at + 1..].char_indices().peekable();
        // Closing marks and brackets stay with the sentence they end.
        while chars
            .next_if(|&(_, c)| matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']' | '“'))
            .is_some()
        {}
        let mut space = false;
        while chars
            .next_if(|&(_, c)| c == ' ' || c == '\t' || c == '\u{a0}')
            .is_some()
        {
            space = true;
        }
        if let Some(&(next_at, next)) = chars.peek()
            && space
            && (next.is_uppercase()
                || next.is_ascii_digit()
                || matches!(next, '"' | '“' | '«' | '„' | '‘' | '\'' | '('))
        {
            starts.push(at + 1 + next_at);
        }
    }
    starts
}

fn after_abbreviation(before: &str) -> bool {
    let letters = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .count();
    // Abbreviations are short: a longer word ends its sentence.
    if letters == 0 || letters > 5 {
        return false;
    }
    let word_start = before
        .char_indices()
        .rev()
        .nth(letters - 1)
        .map_or(0, |(at, _)| at);
    let word = &before[word_start..];
    let mut chars = word.chars();
    let initial = matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase());
    initial || ABBREVIATIONS.contains(&word.to_lowercase().as_str())
}

/// The index of the sentence holding byte `at`.
pub(super) fn sentence_of(starts: &[usize], at: usize) -> usize {
    starts.partition_point(|&s| s <= at).saturating_sub(1)
}

/// A reporting verb found in the text.
#[derive(Clone, Copy, Debug)]
pub(super) struct VerbHit {
    pub start: usize,
    pub end: usize,
    /// The speaker follows the verb ("according to X"); else it usually precedes it.
    pub speaker_follows: bool,
}

/// The reporting verbs of a configuration, ready to look up word by word.
pub(super) struct Verbs {
    /// By first word (lower case): the verbs' words, and whether the speaker follows.
    by_first: HashMap<String, Vec<(Vec<String>, bool)>>,
    /// The byte lengths of the first words, shortest and longest (a lower-case form may
    /// differ in length from the word in the text, so with some slack).
    shortest: usize,
    longest: usize,
}

/// Verbs after which the speaker is named rather than before.
const SPEAKER_FOLLOWS: &[&str] = &["according to", "quoting", "quoted"];

impl Verbs {
    pub fn new(verbs: &[String]) -> Self {
        let mut by_first: HashMap<String, Vec<(Vec<String>, bool)>> = HashMap::new();
        for verb in verbs {
            let lower = verb.trim().to_lowercase();
            let parts: Vec<String> = lower.split_whitespace().map(str::to_owned).collect();
            let Some(first) = parts.first().cloned() else {
                continue;
            };
            let follows = SPEAKER_FOLLOWS.contains(&lower.as_str());
            let entry = by_first.entry(first).or_default();
            entry.push((parts, follows));
            // Longest first, so "according to" wins over a verb "according".
            entry.sort_by_key(|(parts, _)| std::cmp::Reverse(parts.len()));
        }
        let lengths = || by_first.keys().map(String::len);
        let shortest = lengths().min().unwrap_or(0).saturating_sub(2);
        let longest = lengths().max().unwrap_or(0) * 2;
        Self {
            by_first,
            shortest,
            longest,
        }
    }

    /// Every reporting verb in the text, in order, matched as whole words regardless
    /// of case.
    pub fn find(&self, text: &str, words: &[Word]) -> Vec<VerbHit> {
        let mut hits = Vec::new();
        let mut lower = String::new();
        let lower_of = |word: &Word, lower: &mut String| {
            lower.clear();
            let word = &text[word.start..word.end];
            if word.is_ascii() {
                lower.push_str(word);
                lower.make_ascii_lowercase();
            } else {
                lower.extend(word.chars().flat_map(char::to_lowercase));
            }
        };
        for (i, word) in words.iter().enumerate() {
            // Most words are no verb: their length alone says so, without lower-casing.
            let len = word.end - word.start;
            if len < self.shortest || len > self.longest {
                continue;
            }
            lower_of(word, &mut lower);
            let Some(verbs) = self.by_first.get(lower.as_str()) else {
                continue;
            };
            'verbs: for (parts, follows) in verbs {
                let Some(following) = words.get(i..i + parts.len()) else {
                    continue;
                };
                for (k, part) in parts.iter().enumerate().skip(1) {
                    let w = following[k];
                    // Words of one verb are separated by white space only.
                    let gap = &text[following[k - 1].end..w.start];
                    lower_of(&w, &mut lower);
                    if lower != *part || !gap.chars().all(char::is_whitespace) {
                        continue 'verbs;
                    }
                }
                hits.push(VerbHit {
                    start: word.start,
                    end: following[parts.len() - 1].end,
                    speaker_follows: *follows,
                });
                break;
            }
        }
        hits
    }
}

/// Code points to bytes and back for one document.
pub(super) struct Offsets<'d> {
    text: &'d str,
    index: &'d TextIndex,
    ascii: bool,
}

impl<'d> Offsets<'d> {
    pub fn new(doc: &'d Document) -> Self {
        Self {
            text: doc.text(),
            index: doc.index(),
            ascii: doc.text().len() == doc.char_len(),
        }
    }

    pub fn byte(&self, char_offset: usize) -> usize {
        if self.ascii {
            return char_offset;
        }
        self.index
            .byte_of(self.text, char_offset)
            .unwrap_or(self.text.len())
    }

    pub fn char(&self, byte_offset: usize) -> usize {
        if self.ascii {
            return byte_offset;
        }
        self.index
            .char_of(self.text, byte_offset)
            .unwrap_or(self.index.char_len())
    }
}
