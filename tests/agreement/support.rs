//! Annotators made up for the tests: one shared set of articles, each annotator's spans
//! a variation of a common base (missed, relabelled, moved, added), the way colleagues
//! differ.

use marginalia::model::{Document, Link, LinkId, Project, Span, SpanId};
use marginalia::review::{Agreement, Comparison};

/// The default schema's labels.
pub const LABELS: [&str; 4] = ["claim", "quote", "location", "actor"];

/// A small deterministic generator (SplitMix64).
pub struct Rng(pub u64);

impl Rng {
    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n.max(1) as u64) as usize
    }
}

const WORDS: [&str; 14] = [
    "President",
    "Zelensky",
    "said,",
    "\"talks",
    "in",
    "Kyiv\"",
    "were",
    "Café",
    "北京",
    "👩‍👩‍👧",
    "and",
    "U.S.-backed",
    "3.5%",
    "élan",
];

/// A text of about `words` words, in sentences and lines.
pub fn text(rng: &mut Rng, words: usize) -> String {
    let mut text = String::new();
    for i in 0..words {
        text.push_str(WORDS[rng.below(WORDS.len())]);
        text.push_str(match (i % 11, rng.below(3)) {
            (10, 0) => ".\r\n",
            (10, _) => ". ",
            _ => " ",
        });
    }
    text
}

/// `(start, end, label index)` spans over a text of `len` code points, nested and
/// overlapping at times.
pub fn base_spans(rng: &mut Rng, len: usize, count: usize) -> Vec<(usize, usize, usize)> {
    (0..count)
        .map(|_| {
            let start = rng.below(len.saturating_sub(2).max(1));
            let end = (start + 1 + rng.below(30)).min(len);
            (start, end.max(start + 1), rng.below(4))
        })
        .collect()
}

/// One annotator's variation of the base spans: `keep` percent kept as they are, the
/// rest missed, relabelled, moved or replaced by one of their own.
pub fn vary(
    rng: &mut Rng,
    base: &[(usize, usize, usize)],
    len: usize,
    keep: usize,
) -> Vec<(usize, usize, usize)> {
    let mut spans = Vec::new();
    for &(start, end, label) in base {
        let roll = rng.below(100);
        if roll < keep {
            spans.push((start, end, label));
            continue;
        }
        match rng.below(4) {
            0 => {}
            1 => spans.push((start, end, (label + 1 + rng.below(3)) % 4)),
            2 => spans.push((start, (end + 1 + rng.below(4)).min(len), label)),
            _ => {
                let start = rng.below(len.saturating_sub(2).max(1));
                spans.push((start, (start + 1 + rng.below(10)).min(len), rng.below(4)));
            }
        }
    }
    spans.retain(|(start, end, _)| start < end);
    spans.sort_unstable();
    spans.dedup();
    spans
}

/// A document with these spans, and `said_by` links from quotes and claims to the next
/// actor, every `link_every`-th one.
pub fn document(
    id: &str,
    text: &str,
    spans: &[(usize, usize, usize)],
    link_every: usize,
) -> Document {
    let spans: Vec<Span> = spans
        .iter()
        .enumerate()
        .map(|(i, &(start, end, label))| Span::new(SpanId(i as u64 + 1), start, end, LABELS[label]))
        .collect();
    let mut links = Vec::new();
    let mut next_actor = None;
    for (i, span) in spans.iter().enumerate().rev() {
        match span.label.as_str() {
            "actor" => next_actor = Some(span.id),
            "quote" | "claim" => {
                if let Some(actor) = next_actor.filter(|_| i % link_every.max(1) == 0) {
                    links.push(Link {
                        id: LinkId(links.len() as u64 + 1),
                        from: span.id,
                        to: actor,
                        link_type: "said_by".to_owned(),
                    });
                }
            }
            _ => {}
        }
    }
    let (next_span, next_link) = (spans.len() as u64 + 1, links.len() as u64 + 1);
    Document::new(id, id, text).from_validated_parts(spans, links, next_span, next_link)
}

/// A project of one annotator.
pub fn project(annotator: &str, documents: Vec<Document>) -> Project {
    let mut project = Project::new("agreement test", annotator);
    project.documents = documents;
    project
}

/// Compares projects named `a`, `b`, `c`… and measures them.
pub fn measure(projects: &[&Project]) -> (Comparison, Agreement) {
    let names = ["a", "b", "c", "d", "e"];
    let files: Vec<(&str, &Project)> = names
        .iter()
        .copied()
        .zip(projects.iter().copied())
        .collect();
    let comparison = Comparison::new(&files).expect("compare");
    let agreement = Agreement::new(&comparison);
    (comparison, agreement)
}

/// A temporary folder, removed when dropped.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temp dir")
}

/// Annotators over the same `documents` texts of `words` words, each keeping 80 % of
/// `spans` + 5 % base spans as they are and changing the rest (about `spans` per document),
/// with `said_by` links from every third quote or claim.
#[allow(dead_code, reason = "the benchmarks use it; the tests do not")]
pub fn large_review(names: &[&str], documents: usize, spans: usize, words: usize) -> Vec<Project> {
    let mut rng = Rng(7);
    let texts: Vec<String> = (0..documents).map(|_| text(&mut rng, words)).collect();
    let bases: Vec<_> = texts
        .iter()
        .map(|t| base_spans(&mut rng, t.chars().count(), spans + spans / 20))
        .collect();
    names
        .iter()
        .map(|name| {
            let docs = texts
                .iter()
                .zip(&bases)
                .enumerate()
                .map(|(d, (t, base))| {
                    let spans = vary(&mut rng, base, t.chars().count(), 80);
                    document(&format!("doc-{d:03}"), t, &spans, 3)
                })
                .collect();
            project(name, docs)
        })
        .collect()
}
