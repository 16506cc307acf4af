//! Quotations: text between quotation marks, marks included, one paragraph at most.
//!
//! Marks are paired with a stack, per paragraph, so an unbalanced mark never reaches
//! past its paragraph. A mark's neighbours decide whether it can open or close: a
//! straight `'` or a `’` between two letters is an apostrophe (Ukraine's), one before a
//! digit or an elided word an elision (’90s, 'tis, 'em), and a quotation by single marks needs two letters or more
//! inside (rock 'n' roll is no quotation). Nested quotations give only the outer one:
//! the inner is part of what the speaker said, and once the outer is a quote span the
//! inner is covered by it.

/// The family a mark's partner must come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Opener {
    /// `"`, closed by `"` or `”`.
    Straight2,
    /// `'`, closed by `'` or `’`.
    Straight1,
    /// `“` (English), closed by `”`.
    Curly2,
    /// `‘` (English), closed by `’`.
    Curly1,
    /// `„` (German, Polish…), closed by `“` or `”`.
    Low2,
    /// `‚`, closed by `‘` or `’`.
    Low1,
    /// `«`, closed by `»`.
    Guillemet,
}

impl Opener {
    fn is_single(self) -> bool {
        matches!(self, Opener::Straight1 | Opener::Curly1 | Opener::Low1)
    }

    fn closed_by(self, c: char) -> bool {
        match self {
            Opener::Straight2 => matches!(c, '"' | '”'),
            Opener::Straight1 => matches!(c, '\'' | '’'),
            Opener::Curly2 => c == '”',
            Opener::Curly1 => c == '’',
            Opener::Low2 => matches!(c, '“' | '”'),
            Opener::Low1 => matches!(c, '‘' | '’'),
            Opener::Guillemet => c == '»',
        }
    }
}

/// Whether `c` is a mark this rule knows.
pub(super) fn is_mark(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '“' | '”' | '‘' | '’' | '„' | '‚' | '«' | '»'
    )
}

/// What may stand before an opening straight mark besides white space.
fn opens_after(c: char) -> bool {
    matches!(c, '(' | '[' | '{' | '—' | '–' | '-' | '/' | ':') || is_mark(c)
}

/// Whether the single mark (`'`, `’`) at this place is part of a word: an apostrophe
/// between letters, or an elision before a number.
fn is_apostrophe(before: Option<char>, after: Option<char>) -> bool {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    (word(before) && word(after)) || after.is_some_and(|c| c.is_ascii_digit())
}

/// Words that begin with an apostrophe standing for letters left out ('tis, 'em,
/// 'cause): the mark before them opens no quotation.
const ELIDED: &[&str] = &[
    "tis", "twas", "twere", "twill", "em", "cause", "cos", "cuz", "til", "bout", "kay", "nuff",
    "sup",
];

/// Whether `rest` (the text right after a single mark) starts with an elided word.
fn starts_elided_word(rest: &str) -> bool {
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    ELIDED.contains(&word.as_str())
}

/// What the mark at this place can do: open (with the partner family) and close.
fn roles(c: char, before: Option<char>, after: Option<char>) -> (Option<Opener>, bool) {
    let space_before = before.is_none_or(char::is_whitespace);
    let space_after = after.is_none_or(char::is_whitespace);
    // A straight mark opens at the start of a word and closes at its end.
    let opens_straight = (space_before || before.is_some_and(opens_after)) && !space_after;
    let closes_straight =
        !space_before && after.is_none_or(|c| c.is_whitespace() || !c.is_alphanumeric());
    match c {
        '"' => (opens_straight.then_some(Opener::Straight2), closes_straight),
        '\'' if is_apostrophe(before, after) => (None, false),
        '\'' => (opens_straight.then_some(Opener::Straight1), closes_straight),
        '’' if is_apostrophe(before, after) => (None, false),
        '’' => (None, !space_before),
        '‘' => {
            let opens = !space_after && !after.is_some_and(|c| c.is_ascii_digit());
            (opens.then_some(Opener::Curly1), !space_before)
        }
        '“' => (Some(Opener::Curly2), !space_before),
        '”' => (None, true),
        '„' => (Some(Opener::Low2), false),
        '‚' => (Some(Opener::Low1), false),
        '«' => (Some(Opener::Guillemet), false),
        '»' => (None, true),
        _ => (None, false),
    }
}

/// Byte ranges `[start, end)` of the outermost quotations in `text`, marks included,
/// in text order. Each lies within one paragraph (a line).
pub(super) fn quotations(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut paragraph_start = 0;
    for paragraph in text.split_inclusive('\n') {
        scan_paragraph(paragraph, paragraph_start, &mut found);
        paragraph_start += paragraph.len();
    }
    found
}

fn scan_paragraph(paragraph: &str, offset: usize, found: &mut Vec<(usize, usize)>) {
    // Cheap exit for the many paragraphs without a mark.
    if !paragraph.chars().any(is_mark) {
        return;
    }
    let mut stack: Vec<(Opener, usize)> = Vec::new();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut before: Option<char> = None;
    let mut chars = paragraph.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let after = chars.peek().map(|&(_, c)| c);
        let elision =
            matches!(c, '\'' | '’') && starts_elided_word(&paragraph[at + c.len_utf8()..]);
        if is_mark(c) && !elision {
            let (opens, closes) = roles(c, before, after);
            // The nearest open quotation this mark can close; marks opened above it
            // and never closed are dropped with it.
            let partner = closes
                .then(|| stack.iter().rposition(|(opener, _)| opener.closed_by(c)))
                .flatten();
            if let Some(level) = partner {
                let (opener, start) = stack[level];
                stack.truncate(level);
                let end = at + c.len_utf8();
                if has_words(&paragraph[start..end], opener) {
                    pairs.push((start, end));
                }
            } else if let Some(opener) = opens {
                stack.push((opener, at));
            }
        }
        before = Some(c);
    }
    // Outermost only: sorted by start, a pair inside the last kept one is nested.
    pairs.sort_by_key(|&(start, end)| (start, std::cmp::Reverse(end)));
    let mut reach = 0;
    for (start, end) in pairs {
        if end > reach {
            found.push((offset + start, offset + end));
            reach = end;
        }
    }
}

/// Whether a quotation (marks included) holds words: one letter or digit between double
/// marks, two between single ones (so 'n' is no quotation).
fn has_words(quotation: &str, opener: Opener) -> bool {
    let needed = if opener.is_single() { 2 } else { 1 };
    quotation.chars().filter(|c| c.is_alphanumeric()).count() >= needed
}
