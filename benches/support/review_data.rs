//! Review projects for the benchmarks: files of 100 documents × 2,000 spans each (about
//! 70,000 characters per document, with accents, CJK and emoji), one per annotator, the
//! annotators differing the way colleagues do (a missed span, another label, other
//! boundaries, a span of their own). Shared by `benches/review.rs` and
//! `benches/review_window.rs`.

use marginalia::model::{Document, Link, LinkId, Project, Span, SpanId};

pub const DOCUMENTS: usize = 100;
pub const SPANS: usize = 2_000;
pub const LABELS: [&str; 4] = ["claim", "quote", "location", "actor"];

/// A small deterministic generator (no dependency, same projects every run).
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % below.max(1)
    }
}

const WORDS: [&str; 16] = [
    "President",
    "Zelensky",
    "said",
    "talks",
    "in",
    "Kyiv",
    "were",
    "reasonably",
    "good,",
    "Café",
    "北京",
    "negotiators",
    "👩‍👩‍👧",
    "and",
    "Moscow",
    "élan",
];

/// The texts and the spans every annotator starts from: `(start, end, label)`.
pub fn base(rng: &mut Lcg) -> Vec<(String, Vec<(usize, usize, usize)>)> {
    (0..DOCUMENTS)
        .map(|_| {
            let (mut text, mut chars) = (String::new(), 0);
            while chars < SPANS * 35 {
                for _ in 0..12 {
                    let word = WORDS[rng.next(WORDS.len())];
                    text.push_str(word);
                    text.push(' ');
                    chars += word.chars().count() + 1;
                }
                let end = if rng.next(4) == 0 { ".\r\n" } else { ". " };
                text.push_str(end);
                chars += end.chars().count();
            }
            let len = text.chars().count();
            let step = len / SPANS;
            let spans = (0..SPANS)
                .map(|i| {
                    let start = i * step + rng.next(step / 2);
                    (start, (start + 3 + rng.next(40)).min(len), i % 4)
                })
                .collect();
            (text, spans)
        })
        .collect()
}

/// One annotator's version of the base: most spans kept, some missed, relabelled,
/// moved, or added; quotes linked to the next actor.
pub fn annotator(name: &str, base: &[(String, Vec<(usize, usize, usize)>)], seed: u64) -> Project {
    let mut rng = Lcg(seed);
    let mut project = Project::new("bench", name);
    for (n, (text, spans)) in base.iter().enumerate() {
        let len = text.chars().count();
        let mut mine: Vec<(usize, usize, usize)> = Vec::with_capacity(SPANS);
        for &(start, end, label) in spans {
            match rng.next(100) {
                0..=79 => mine.push((start, end, label)),
                80..=84 => mine.push((start, end, (label + 1) % 4)),
                85..=94 => mine.push((start, (end + 1 + rng.next(5)).min(len), label)),
                _ => {
                    let start = rng.next(len - 10);
                    mine.push((start, start + 2 + rng.next(8), rng.next(4)));
                }
            }
        }
        mine.sort_unstable();
        mine.dedup();
        let spans: Vec<Span> = mine
            .iter()
            .enumerate()
            .map(|(i, &(start, end, label))| {
                Span::new(SpanId(i as u64 + 1), start, end, LABELS[label])
            })
            .collect();
        let mut links = Vec::new();
        let mut last_actor = None;
        for span in spans.iter().rev() {
            match span.label.as_str() {
                "actor" => last_actor = Some(span.id),
                "quote" => {
                    if let Some(actor) = last_actor.filter(|_| rng.next(3) == 0) {
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
        project.documents.push(
            Document::new(format!("doc-{n:03}"), format!("Document {n}"), text.clone())
                .from_validated_parts(spans, links, next_span, next_link),
        );
    }
    project
}
