//! Speakers: who said a quote or a claim, from a reporting clause near it; and split
//! quotes, from a reporting clause between two quotes.
//!
//! A reporting clause is a reporting verb with its speaker: the actor just before the
//! verb ("Kremlin aide Yuri Ushakov said", "Trump on Wednesday said"), or just after it
//! ("said Peskov", "according to Trump"). A verb after a pronoun ("he said") is a
//! clause without a speaker: it still ties the quote next to it, so the quote is not
//! given to an actor further away. A quote takes the nearest clause in the sentences it
//! covers; failing that the first clause of the next sentence ("“…” Then Trump added
//! …"), unless another quote or claim comes first.

use std::collections::HashSet;

use super::text::{Verbs, sentence_of, sentence_starts, words};
use super::{Config, Context, Piece, allows};
use crate::model::SpanId;

/// How far (in bytes) the speaker before a verb may be: "President Donald Trump on
/// Wednesday (Dec 3) said" has 22 between them.
const SUBJECT_GAP: usize = 40;
/// How far the speaker after a verb may be: a word such as "the" ("according to the
/// Kremlin") at most.
const OBJECT_GAP: usize = 5;
/// The longest reporting clause between the two parts of a split quote, in words
/// ("Kremlin spokesman Dmitry Peskov told reporters on Friday").
const SPLIT_WORDS: usize = 10;

const PRONOUNS: &[&str] = &["he", "she", "they", "it", "i", "we", "you"];

/// A reporting verb with its speaker, if one is named.
#[derive(Clone, Copy, Debug)]
struct Clause {
    start: usize,
    end: usize,
    speaker: Option<usize>,
}

/// The `said_by` and `continues` links the rule proposes: (from, to, link type), with
/// `proposed` holding the spans other rules of this run propose (sorted by start), which
/// may be ends too.
pub(super) fn links(
    cx: &Context<'_>,
    config: &Config,
    proposed: &[Piece],
) -> Vec<(Piece, Piece, String)> {
    let schema = cx.schema;
    let Some(said_by) = schema.link_type(&config.said_by) else {
        return Vec::new();
    };
    let mut all: Vec<&Piece> = cx.spans.iter().chain(proposed).collect();
    all.sort_by_key(|p| (p.start, std::cmp::Reverse(p.end)));
    let attributed: Vec<&Piece> = all
        .iter()
        .copied()
        .filter(|p| said_by.from.contains(&p.label))
        .collect();
    let speakers: Vec<&Piece> = all
        .iter()
        .copied()
        .filter(|p| said_by.to.contains(&p.label))
        .collect();
    if attributed.is_empty() {
        return Vec::new();
    }
    let text = cx.text();
    let words = words(text);
    let verbs = Verbs::new(&config.verbs).find(text, &words);
    let sentences = sentence_starts(text);
    let clauses: Vec<Clause> = verbs
        .iter()
        .map(|verb| clause(text, verb, &speakers, &sentences))
        .collect();

    // Spans that have their link already.
    let mut linked: HashSet<(SpanId, &str)> = HashSet::new();
    for link in cx.doc.links() {
        linked.insert((link.from, link.link_type.as_str()));
    }
    let has = |piece: &Piece, link_type: &str| {
        piece.id.is_some_and(|id| linked.contains(&(id, link_type)))
    };

    let mut out = Vec::new();
    for (at, quote) in attributed.iter().enumerate() {
        if has(quote, &said_by.key) {
            continue;
        }
        let Some(index) = speaker_of(quote, at, &attributed, &clauses, &sentences, text.len())
        else {
            continue;
        };
        let speaker = speakers[index];
        if allows(schema, &said_by.key, &quote.label, &speaker.label) {
            out.push(((*quote).clone(), speaker.clone(), said_by.key.clone()));
        }
    }

    // Split quotes: two quotes with a reporting clause between them.
    if allows(
        schema,
        &config.continues,
        &config.quote_label,
        &config.quote_label,
    ) {
        let quotes: Vec<&Piece> = attributed
            .iter()
            .copied()
            .filter(|p| p.label == config.quote_label)
            .collect();
        for pair in quotes.windows(2) {
            let (earlier, later) = (pair[0], pair[1]);
            if has(later, &config.continues) || later.start < earlier.end {
                continue;
            }
            if splits(text, earlier, later, &verbs) {
                out.push((later.clone(), earlier.clone(), config.continues.clone()));
            }
        }
    }
    out
}

/// The clause of a verb: its speaker before or after it, or none (a pronoun, or nobody
/// within reach).
fn clause(
    text: &str,
    verb: &super::text::VerbHit,
    speakers: &[&Piece],
    sentences: &[usize],
) -> Clause {
    let sentence = sentence_of(sentences, verb.start);
    let same_sentence = |at: usize| sentence_of(sentences, at) == sentence;
    let no_marks = |gap: &str| !gap.chars().any(super::quotes::is_mark);
    let lone = Clause {
        start: verb.start,
        end: verb.end,
        speaker: None,
    };
    // The speaker after the verb.
    let after = || {
        let first = speakers.partition_point(|p| p.start < verb.end);
        let piece = speakers.get(first)?;
        let gap = &text[verb.end..piece.start];
        (gap.len() <= OBJECT_GAP && gap.chars().all(|c| c.is_alphabetic() || c.is_whitespace()))
            .then_some(Clause {
                start: verb.start,
                end: piece.end,
                speaker: Some(first),
            })
    };
    if verb.speaker_follows {
        return after().unwrap_or(lone);
    }
    let before = text[..verb.start].trim_end();
    let last_word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .collect::<Vec<char>>()
        .into_iter()
        .rev()
        .flat_map(char::to_lowercase)
        .collect();
    if PRONOUNS.contains(&last_word.as_str()) {
        return lone;
    }
    // The subject: the span ending nearest before the verb (spans nest, so look at a
    // few that start before it).
    let starts_before = speakers.partition_point(|p| p.start < verb.start);
    let subject = (starts_before.saturating_sub(8)..starts_before)
        .filter(|&i| speakers[i].end <= verb.start)
        .max_by_key(|&i| (speakers[i].end, std::cmp::Reverse(speakers[i].start)));
    if let Some(i) = subject {
        let piece = speakers[i];
        let gap = &text[piece.end..verb.start];
        if gap.len() <= SUBJECT_GAP && no_marks(gap) && same_sentence(piece.start) {
            return Clause {
                start: piece.start,
                end: verb.end,
                speaker: Some(i),
            };
        }
    }
    after().unwrap_or(lone)
}

/// The speaker of the attributed span `quote` (the `at`-th of `attributed`): the
/// nearest clause in the sentences it covers, else the first of the next sentence if no
/// other attributed span comes before it.
fn speaker_of(
    quote: &Piece,
    at: usize,
    attributed: &[&Piece],
    clauses: &[Clause],
    sentences: &[usize],
    text_len: usize,
) -> Option<usize> {
    let first = sentence_of(sentences, quote.start);
    let last = sentence_of(sentences, quote.end.saturating_sub(1).max(quote.start));
    let bound = |s: usize| sentences.get(s).copied().unwrap_or(text_len);
    let (from, to) = (bound(first), bound(last + 1));
    let outside = |c: &Clause| c.end <= quote.start || c.start >= quote.end;
    let distance = |c: &Clause| {
        if c.end <= quote.start {
            quote.start - c.end
        } else {
            c.start - quote.end
        }
    };
    let lo = clauses.partition_point(|c| c.start < from);
    let hi = clauses.partition_point(|c| c.start < to);
    let nearest = clauses[lo..hi]
        .iter()
        .filter(|c| c.end <= to && outside(c))
        .min_by_key(|c| distance(c));
    if let Some(clause) = nearest {
        return clause.speaker;
    }
    // The next sentence: its first clause, if no other quote or claim comes first.
    let next_end = bound(last + 2);
    let clause = clauses[hi..]
        .iter()
        .take_while(|c| c.start < next_end)
        .find(|c| outside(c))?;
    let between = attributed[at + 1..]
        .iter()
        .any(|p| p.start >= quote.end && p.start < clause.start);
    if between { None } else { clause.speaker }
}

/// Whether `later` continues `earlier` across a reporting clause: "“…,” she said, “…”"
/// or "“…,” Peskov said. “…”". The earlier part must end in a comma (inside its marks or
/// just after them), and only the clause may stand between them.
fn splits(text: &str, earlier: &Piece, later: &Piece, verbs: &[super::text::VerbHit]) -> bool {
    let between = &text[earlier.end..later.start];
    if between.contains('\n') || between.split_whitespace().count() > SPLIT_WORDS {
        return false;
    }
    let earlier_text = text[earlier.start..earlier.end].trim_end_matches(super::quotes::is_mark);
    let comma = earlier_text.trim_end().ends_with(',') || between.trim_start().starts_with(',');
    let first = verbs.partition_point(|v| v.start < earlier.end);
    let has_verb = verbs.get(first).is_some_and(|v| v.end <= later.start);
    comma && has_verb
}
