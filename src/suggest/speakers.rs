//! Speakers: who said a quote or a claim, from a reporting clause near it; and split
//! quotes, from a reporting clause between two quotes.
//!
//! A reporting clause is a reporting verb with its speaker: the actor just before the
//! verb ("Kremlin aide Yuri Ushakov said", "Trump on Wednesday said"), or just after it
//! ("said Peskov", "according to Trump"). A verb after a pronoun ("he said") is a
//! clause without a speaker: it still ties the quote next to it, so the quote is not
//! given to an actor further away. A quote takes the nearest clause in the sentences it
//! covers; failing that the first clause of the next sentence in its paragraph ("“…”
//! Then Trump added …"). A clause never reaches across another quote or claim, and one
//! that reports what follows it ("…, and Putin has warned he's ready") takes nothing
//! before it but a direct quotation ("“We are ready,” Peskov said, “…”").

use std::collections::{HashMap, HashSet};

use super::text::{Verbs, sentence_of, sentence_starts};
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
    /// The verb follows a pronoun ("he said").
    pronoun: bool,
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
    let verbs = Verbs::new(&config.verbs).find(text, cx.words());
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

    // Who said what already, to follow a pronoun back to the speaker before it.
    let existing: HashMap<SpanId, SpanId> = cx
        .doc
        .links()
        .iter()
        .filter(|l| l.link_type == said_by.key)
        .map(|l| (l.from, l.to))
        .collect();
    let speaker_at: HashMap<SpanId, usize> = speakers
        .iter()
        .enumerate()
        .filter_map(|(i, p)| Some((p.id?, i)))
        .collect();
    let paragraphs: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(at, _)| at + 1))
        .collect();
    let paragraph_of = |at: usize| paragraphs.partition_point(|&p| p <= at);

    let mut out = Vec::new();
    // The speaker of the latest attributed span, and its paragraph.
    let mut last: Option<(usize, usize)> = None;
    // The latest attributed span with a speaker: where it ends, and who.
    let mut previous: Option<(usize, usize)> = None;
    for quote in &attributed {
        let paragraph = paragraph_of(quote.start);
        if has(quote, &said_by.key) {
            last = quote
                .id
                .and_then(|id| existing.get(&id))
                .and_then(|to| speaker_at.get(to))
                .map(|&i| (i, paragraph));
            previous = last.map(|(i, _)| (quote.end, i));
            continue;
        }
        let clause = speaker_of(text, quote, &attributed, &clauses, &sentences);
        let index = match (clause.map(|c| (c.speaker, c.pronoun)), last) {
            (Some((Some(index), _)), _) => index,
            // "“…,” he said": the one who spoke last in this paragraph.
            (Some((None, true)), Some((index, at))) if at == paragraph => index,
            // "Merkel said “no” and “yes”": a quote joined to the one before it by
            // "and", "or" or a comma shares its speaker (the clause cannot reach it
            // across the first quote).
            _ => match previous {
                Some((end, index)) if end <= quote.start && joins(&text[end..quote.start]) => index,
                _ => continue,
            },
        };
        let speaker = speakers[index];
        if allows(schema, &said_by.key, &quote.label, &speaker.label) {
            out.push(((*quote).clone(), speaker.clone(), said_by.key.clone()));
            last = Some((index, paragraph));
            previous = Some((quote.end, index));
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

/// Whether the text between two quotes only joins them: "and", "or", "but also", a
/// comma, a dash, within one line.
fn joins(gap: &str) -> bool {
    const JOINERS: [&str; 5] = ["and", "or", "but", "also", "then"];
    gap.len() <= 24
        && !gap.contains('\n')
        && gap
            .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '—' | '–'))
            .filter(|w| !w.is_empty())
            .all(|w| JOINERS.iter().any(|j| w.eq_ignore_ascii_case(j)))
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
        pronoun: false,
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
                pronoun: false,
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
        return Clause {
            pronoun: true,
            ..lone
        };
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
                pronoun: false,
            };
        }
    }
    after().unwrap_or(lone)
}

/// The clause of the attributed span `quote`: the nearest clause that can tie it
/// ([`ties`]) in the sentences it covers, else the first such clause of the next
/// sentence in the same paragraph.
fn speaker_of<'c>(
    text: &str,
    quote: &Piece,
    attributed: &[&Piece],
    clauses: &'c [Clause],
    sentences: &[usize],
) -> Option<&'c Clause> {
    let first = sentence_of(sentences, quote.start);
    let last = sentence_of(sentences, quote.end.saturating_sub(1).max(quote.start));
    let bound = |s: usize| sentences.get(s).copied().unwrap_or(text.len());
    let (from, to) = (bound(first), bound(last + 1));
    let distance = |c: &Clause| {
        if c.end <= quote.start {
            quote.start - c.end
        } else {
            c.start.saturating_sub(quote.end)
        }
    };
    let lo = clauses.partition_point(|c| c.start < from);
    let hi = clauses.partition_point(|c| c.start < to);
    let mut near: Vec<&Clause> = clauses[lo..hi]
        .iter()
        .filter(|c| c.end <= to && ties(text, quote, c, attributed))
        .collect();
    near.sort_by_key(|c| (distance(c), c.start));
    if let Some(clause) = near.first() {
        return Some(clause);
    }
    let next_end = bound(last + 2);
    clauses[hi..]
        .iter()
        .take_while(|c| c.start < next_end)
        .find(|c| {
            !text[quote.end.min(c.start)..c.start].contains('\n')
                && ties(text, quote, c, attributed)
        })
}

/// How close after a clause a span must start to be what the clause reports ("Putin
/// has warned he's ready…").
const REPORTS_GAP: usize = 30;

/// Whether a clause can report `quote`: it lies outside the quote, no other attributed
/// span stands between them, and a clause after the quote that already reports what
/// follows it ("…, and Putin has warned he's ready") only takes a direct quotation
/// before it ("“We are ready,” Peskov said, “…”").
fn ties(text: &str, quote: &Piece, clause: &Clause, attributed: &[&Piece]) -> bool {
    let other_within = |from: usize, to: usize| {
        let first = attributed.partition_point(|p| p.start < from);
        attributed[first..]
            .iter()
            .take_while(|p| p.start < to)
            .any(|p| p.end <= to && !std::ptr::eq(*p, quote))
    };
    if clause.end <= quote.start {
        return !other_within(clause.end, quote.start);
    }
    if clause.start < quote.end || other_within(quote.end, clause.start) {
        return false;
    }
    let next = attributed.partition_point(|p| p.start < clause.end);
    let reports_next = attributed
        .get(next)
        .is_some_and(|p| p.start - clause.end <= REPORTS_GAP);
    !reports_next || is_direct(text, quote)
}

/// Whether a span is a direct quotation: it ends with a quotation mark.
fn is_direct(text: &str, piece: &Piece) -> bool {
    text[piece.start..piece.end]
        .chars()
        .next_back()
        .is_some_and(super::quotes::is_mark)
}

/// Whether `later` continues `earlier` across a reporting clause: "“…,” she said, “…”"
/// or "“…,” Peskov said. “…”". Both parts are direct quotations (between marks), the
/// earlier ends in a comma (inside its marks or just after them), and only the clause
/// stands between them.
fn splits(text: &str, earlier: &Piece, later: &Piece, verbs: &[super::text::VerbHit]) -> bool {
    let between = &text[earlier.end..later.start];
    if between.contains('\n') || between.split_whitespace().count() > SPLIT_WORDS {
        return false;
    }
    let direct = is_direct(text, earlier)
        && text[later.start..later.end]
            .chars()
            .next()
            .is_some_and(super::quotes::is_mark);
    if !direct {
        return false;
    }
    let earlier_text = text[earlier.start..earlier.end].trim_end_matches(super::quotes::is_mark);
    let comma = earlier_text.trim_end().ends_with(',') || between.trim_start().starts_with(',');
    let first = verbs.partition_point(|v| v.start < earlier.end);
    let has_verb = verbs.get(first).is_some_and(|v| v.end <= later.start);
    comma && has_verb
}
