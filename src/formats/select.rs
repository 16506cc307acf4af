//! Which documents an export writes, and into which part of a train/dev/test split.
//!
//! The split is by document, never by sentence, so that no article leaks between train
//! and test. It is deterministic: each document gets the SHA-256 hash of the seed and its
//! id, documents are ordered by that hash and the order is cut by the ratios. The same
//! project, ratios and seed give the same split on every machine and every run, and adding
//! a document moves few others. Inside a part, documents keep project order.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest as _, Sha256};

use crate::model::{Document, Status};

/// How far ratios may add up away from 1 (they are typed by hand: `0.8,0.1,0.1`).
const RATIO_SLACK: f64 = 1e-6;

/// A deterministic split of the documents into named parts.
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    /// Part names and their share of the documents, in the order given; the shares add
    /// up to 1.
    pub parts: Vec<(String, f64)>,
    /// Changes the split without changing the ratios.
    pub seed: u64,
}

impl Split {
    /// A split into `parts` (name, share). Names must be distinct words of letters,
    /// digits, `-` and `_`; shares positive and adding up to 1.
    pub fn new(parts: Vec<(String, f64)>, seed: u64) -> Result<Self, String> {
        if parts.is_empty() {
            return Err("a split needs at least one part, e.g. train=0.8,dev=0.1,test=0.1".into());
        }
        for (i, (name, ratio)) in parts.iter().enumerate() {
            let word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
            if name.is_empty() || !name.chars().all(word) {
                return Err(format!(
                    "split part `{name}`: names are letters, digits, `-` and `_` (they become file names)"
                ));
            }
            if parts[..i].iter().any(|(other, _)| other == name) {
                return Err(format!("split part `{name}` is named twice"));
            }
            if !ratio.is_finite() || *ratio <= 0.0 {
                return Err(format!(
                    "split part `{name}` has share {ratio}; shares are above 0"
                ));
            }
        }
        let total: f64 = parts.iter().map(|(_, r)| r).sum();
        if (total - 1.0).abs() > RATIO_SLACK {
            return Err(format!("the split's shares add up to {total}, not 1"));
        }
        Ok(Self { parts, seed })
    }

    /// The same split with another seed.
    pub fn with_seed(self, seed: u64) -> Self {
        Self { seed, ..self }
    }

    /// Assigns `documents` (in project order) to the parts: one list per part, in the
    /// order of [`Split::parts`], each in project order.
    pub fn assign<'d>(&self, documents: &[&'d Document]) -> Vec<Vec<&'d Document>> {
        let mut by_hash: Vec<(usize, [u8; 32])> = documents
            .iter()
            .enumerate()
            .map(|(i, doc)| {
                let mut hasher = Sha256::new();
                hasher.update(self.seed.to_le_bytes());
                hasher.update(doc.id.as_bytes());
                (i, hasher.finalize().into())
            })
            .collect();
        // Ties (equal ids) fall back to project order, so the order is total.
        by_hash.sort_by_key(|&(i, hash)| (hash, i));
        let n = documents.len();
        let mut part_of = vec![0; n];
        let mut cumulative = 0.0;
        let mut from = 0;
        for (part, (_, ratio)) in self.parts.iter().enumerate() {
            cumulative += ratio;
            let to = if part + 1 == self.parts.len() {
                n
            } else {
                // Rounding the cumulative share (not each share) keeps the total exact.
                ((cumulative * n as f64).round() as usize).min(n)
            };
            for &(doc, _) in &by_hash[from..to.max(from)] {
                part_of[doc] = part;
            }
            from = to.max(from);
        }
        let mut parts = vec![Vec::new(); self.parts.len()];
        for (doc, &part) in documents.iter().zip(&part_of) {
            parts[part].push(*doc);
        }
        parts
    }
}

impl FromStr for Split {
    type Err = String;

    /// Parses `train=0.8,dev=0.1,test=0.1` (seed 0; see [`Split::with_seed`]).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts = text
            .split(',')
            .map(|part| {
                let (name, ratio) = part
                    .split_once('=')
                    .ok_or_else(|| format!("`{part}`: expected NAME=SHARE, e.g. train=0.8"))?;
                let ratio: f64 = ratio
                    .trim()
                    .parse()
                    .map_err(|_| format!("`{part}`: `{ratio}` is not a number"))?;
                Ok((name.trim().to_owned(), ratio))
            })
            .collect::<Result<Vec<_>, String>>()?;
        Split::new(parts, 0)
    }
}

impl fmt::Display for Split {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (name, ratio)) in self.parts.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{name}={ratio}")?;
        }
        write!(f, " (seed {})", self.seed)
    }
}

/// Parses a status as typed on the command line: `todo`, `in_progress` (or
/// `in-progress`, `in progress`), `done`.
pub fn parse_status(text: &str) -> Result<Status, String> {
    match text
        .trim()
        .to_ascii_lowercase()
        .replace(['-', ' '], "_")
        .as_str()
    {
        "todo" => Ok(Status::Todo),
        "in_progress" => Ok(Status::InProgress),
        "done" => Ok(Status::Done),
        _ => Err(format!(
            "unknown status `{text}`: expected todo, in_progress or done"
        )),
    }
}

/// The documents of `documents` with status `status` (all when `None`), in order.
pub(crate) fn filter(documents: &[Document], status: Option<Status>) -> Vec<&Document> {
    documents
        .iter()
        .filter(|d| status.is_none_or(|s| d.status == s))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(n: usize) -> Vec<Document> {
        (0..n)
            .map(|i| Document::new(format!("doc-{i}"), "t", "text"))
            .collect()
    }

    #[test]
    fn split_is_deterministic_and_complete() {
        let documents = docs(100);
        let refs: Vec<&Document> = documents.iter().collect();
        let split: Split = "train=0.8,dev=0.1,test=0.1".parse().expect("valid split");
        let parts = split.assign(&refs);
        assert_eq!(parts.iter().map(Vec::len).collect::<Vec<_>>(), [80, 10, 10]);
        assert_eq!(parts, split.assign(&refs));
        let other = split.clone().with_seed(7).assign(&refs);
        assert_ne!(parts, other);
        let mut ids: Vec<&str> = parts.iter().flatten().map(|d| d.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 100);
    }

    #[test]
    fn bad_splits_are_refused() {
        assert!("train=0.8,dev=0.1".parse::<Split>().is_err());
        assert!("train=0.5,train=0.5".parse::<Split>().is_err());
        assert!("train=1.2,dev=-0.2".parse::<Split>().is_err());
        assert!("train".parse::<Split>().is_err());
        assert!("a/b=1".parse::<Split>().is_err());
    }

    #[test]
    fn statuses_parse() {
        assert_eq!(parse_status("in-progress"), Ok(Status::InProgress));
        assert_eq!(parse_status("Done"), Ok(Status::Done));
        assert!(parse_status("finished").is_err());
    }
}
