//! Merge speed (issue 12): two versions of a 10 MB project with 200,000 spans, each
//! with 1,000 spans changed since their common base (notes and labels changed, spans
//! removed) and 100 spans added on each side with the same next ids, so that theirs'
//! get fresh ones. Target (release, 2 cores): `merge` ≤ 1 s.
//!
//! `cargo bench --no-default-features --bench merge` (`MARGINALIA_BENCH_ONCE=1` times
//! the merge once and skips criterion).

use std::collections::HashSet;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use marginalia::merge::merge;
use marginalia::model::{Document, Project, Span, SpanId};

#[allow(dead_code, reason = "this bench needs only the bulk generator")]
#[path = "../tests/store/generate.rs"]
mod generate;

/// `base` with 1,000 spans changed (every `step`-th from `offset`: a note on most, a
/// new label on some, a removal on some) and 100 spans added.
fn changed(base: &Project, offset: usize, seed: u64) -> Project {
    let mut project = base.clone();
    let doc = &project.documents[0];
    let mut spans: Vec<Span> = doc.spans().to_vec();
    let mut keys: HashSet<(usize, usize, String)> = spans
        .iter()
        .map(|s| (s.start, s.end, s.label.clone()))
        .collect();
    let step = spans.len() / 1_000;
    let linked: HashSet<SpanId> = doc.links().iter().flat_map(|l| [l.from, l.to]).collect();
    let mut removed = HashSet::new();
    for n in 0..1_000 {
        let at = offset + n * step;
        let span = &mut spans[at];
        match n % 10 {
            // A removal, of a span no link needs.
            0 if !linked.contains(&span.id) => {
                removed.insert(span.id);
            }
            // Another label, where that makes no duplicate and no link depends on it.
            1 if !linked.contains(&span.id) => {
                let label = if span.label == "location" {
                    "actor"
                } else {
                    "location"
                };
                if keys.insert((span.start, span.end, label.to_owned())) {
                    span.label = label.to_owned();
                }
            }
            _ => span.note = Some(format!("checked in pass {seed}, #{n}")),
        }
    }
    spans.retain(|s| !removed.contains(&s.id));
    let mut rng = generate::Rng::new(seed);
    let mut next = doc.next_span_id().0;
    let len = doc.char_len();
    let mut added = 0;
    while added < 100 {
        let start = rng.below(len - 10);
        let end = start + rng.between(1, 10);
        if keys.insert((start, end, "actor".to_owned())) {
            spans.push(Span::new(SpanId(next), start, end, "actor"));
            next += 1;
            added += 1;
        }
    }
    let links = doc.links().to_vec();
    let next_link = doc.next_link_id().0;
    let doc: &mut Document = &mut project.documents[0];
    *doc = doc
        .clone()
        .from_validated_parts(spans, links, next, next_link);
    project
}

fn main() {
    let started = Instant::now();
    let base = generate::big_project_bulk(7, 10_000_000, 200_000, 20_000);
    let ours = changed(&base, 0, 1);
    let theirs = changed(&base, 100, 2);
    println!(
        "generated 3 versions of {} bytes of text and {} spans in {:.1?}",
        base.documents[0].text().len(),
        base.span_count(),
        started.elapsed()
    );
    let started = Instant::now();
    let outcome = merge(&base, &ours, &theirs);
    println!(
        "merged once in {:.1?}: {} spans, {} conflicts (target ≤ 1 s)",
        started.elapsed(),
        outcome.project.span_count(),
        outcome.conflicts.len()
    );
    assert!(outcome.is_clean(), "{outcome}");
    if std::env::var_os("MARGINALIA_BENCH_ONCE").is_some() {
        return;
    }
    let mut criterion = Criterion::default()
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .configure_from_args();
    criterion.bench_function(
        "merge 10 MB, 200,000 spans, 1,000 changed on each side",
        |b| b.iter(|| merge(black_box(&base), black_box(&ours), black_box(&theirs))),
    );
    criterion.final_summary();
}
