//! Names seen before: the texts of the project's actor and location spans, found again
//! where they are not labelled. Whole words (a run of letters and digits never matches
//! inside a longer one: Putin is not in Putinism), same case, the longest name first
//! where several start at one word ("Vladimir Putin" rather than "Vladimir").

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{Config, Context, Overlaps, Piece, label_order};
use crate::model::Project;

/// A text labelled more than one way is suggested with the label it carries most often
/// (the schema's first on a tie): one suggestion per place, and the consistency check
/// lists the disagreement.
pub(super) fn names_of<'p>(project: &'p Project, config: &Config) -> Vec<(&'p str, &'p str)> {
    let mut counts: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for doc in &project.documents {
        for span in doc.spans() {
            if config.name_labels.contains(&span.label) {
                *counts
                    .entry(doc.span_text(span))
                    .or_default()
                    .entry(span.label.as_str())
                    .or_default() += 1;
            }
        }
    }
    let order = |label: &str| label_order(&project.schema, label);
    counts
        .into_iter()
        .filter(|(text, _)| {
            // A name starts and ends with a letter or digit, and has two of them: a
            // stray "I" or "-" is no name to look for.
            let alnum = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            alnum(text.chars().next())
                && alnum(text.chars().next_back())
                && text.chars().filter(|c| c.is_alphanumeric()).count() >= 2
        })
        .filter_map(|(text, labels)| {
            let label = labels
                .into_iter()
                .max_by(|(a, n), (b, m)| n.cmp(m).then_with(|| order(b).cmp(&order(a))))?
                .0;
            Some((text, label))
        })
        .collect()
}

/// The unlabelled places of the project's names in the document: not where a span has
/// the very same range (that place is labelled, whatever the label), nor overlapping a
/// span of the name's label. Byte ranges, in text order. `names` is [`names_of`] the
/// project, found once for all its documents.
pub(super) fn names(names: &[(&str, &str)], cx: &Context<'_>, config: &Config) -> Vec<Piece> {
    if names.is_empty() {
        return Vec::new();
    }
    // By first word, longest name first.
    let mut by_first: HashMap<&str, Vec<(&str, &str)>> = HashMap::new();
    for &(name, label) in names {
        if !cx.has_label(label) {
            continue;
        }
        let first = name
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or(name);
        by_first.entry(first).or_default().push((name, label));
    }
    for list in by_first.values_mut() {
        list.sort_by_key(|(name, label)| (std::cmp::Reverse(name.len()), *name, *label));
    }
    let ranges: HashSet<(usize, usize)> = cx.spans.iter().map(|p| (p.start, p.end)).collect();
    let mut by_label: HashMap<&str, Overlaps> = HashMap::new();
    for label in &config.name_labels {
        let spans = cx.spans.iter().filter(|p| p.label == *label);
        by_label.insert(label.as_str(), Overlaps::new(spans));
    }
    let text = cx.text();
    let mut found = Vec::new();
    let mut past = 0;
    for word in cx.words() {
        if word.start < past {
            continue;
        }
        let Some(list) = by_first.get(&text[word.start..word.end]) else {
            continue;
        };
        for &(name, label) in list {
            let end = word.start + name.len();
            let whole = text[word.start..].starts_with(name)
                && !text[end..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric);
            if !whole || ranges.contains(&(word.start, end)) {
                continue;
            }
            if by_label
                .get(label)
                .is_some_and(|spans| spans.overlaps(word.start, end))
            {
                continue;
            }
            found.push(Piece {
                start: word.start,
                end,
                label: label.to_owned(),
                id: None,
            });
            past = end;
            break;
        }
    }
    found
}
