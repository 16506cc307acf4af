//! Benchmarks of the project-file layer on a large project: a 1 MB article of varied
//! generated news text with 20,000 spans (nested and overlapping, all four labels, notes
//! on one in ten) and 2,000 `said_by` links.
//!
//! Targets (issue 2): load+validate at most 60 ms, save with fsync at most 50 ms.
//!
//! Also measured (issue 8, no target): adjudicating two annotators' versions of that
//! project (the second lacks every fifth span), and loading the gold file it makes, a
//! version-2 file with provenance on every accepted span and thousands of candidates.
//! Run: `cargo bench --no-default-features --bench store`.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use marginalia::model::Project;
use marginalia::review::adjudicate::{Input, adjudicate};
use marginalia::store::{self, SaveMode};

#[path = "../tests/store/generate.rs"]
mod generate;

fn store_benches(c: &mut Criterion) {
    let a = generate::big_project(11, 1_000_000, 20_000, 2_000);
    let b = generate::big_project(12, 1_000_000, 20_000, 2_000);
    let bytes = store::to_ron(&a).into_bytes();
    let doc = &a.documents[0];
    eprintln!(
        "project: {} bytes of text, {} spans, {} links, {} notes; file {} bytes",
        doc.text().len(),
        doc.spans().len(),
        doc.links().len(),
        doc.spans().iter().filter(|s| s.note.is_some()).count(),
        bytes.len()
    );

    let mut group = c.benchmark_group("store 1MB 20k spans");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("load+validate", |bench| {
        bench.iter(|| store::from_bytes(black_box(&bytes), Path::new("bench.ron")).expect("loads"))
    });
    group.bench_function("to_ron", |bench| {
        bench.iter(|| store::to_ron(black_box(&a)))
    });

    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("bench.ron");
    // Alternate between two projects so that every save really writes (a save of what is
    // already on disk writes nothing).
    let mut flip = false;
    group.bench_function("save with fsync", |bench| {
        bench.iter(|| {
            flip = !flip;
            let project = if flip { &a } else { &b };
            store::save(project, &path, None, SaveMode::Force).expect("saves")
        })
    });
    group.finish();
}

fn review_benches(c: &mut Criterion) {
    let alice = generate::big_project(11, 1_000_000, 20_000, 2_000);
    let mut bob: Project = alice.clone();
    bob.annotator = "bob".into();
    let schema = bob.schema.clone();
    let doc = &mut bob.documents[0];
    let dropped: Vec<_> = doc.spans().iter().step_by(5).map(|s| s.id).collect();
    for id in dropped {
        let edit = doc.remove_span_edit(id).expect("the span exists");
        doc.apply(edit, &schema).expect("a removal applies");
    }
    let inputs = [
        Input {
            file: "alice.ron",
            project: &alice,
        },
        Input {
            file: "bob.ron",
            project: &bob,
        },
    ];
    let gold = adjudicate(&inputs, "gold").expect("adjudicates").project;
    let bytes = store::to_ron(&gold).into_bytes();
    eprintln!(
        "gold: {} spans, {} candidates; file {} bytes",
        gold.span_count(),
        gold.candidate_counts().total(),
        bytes.len()
    );
    let mut group = c.benchmark_group("review 1MB 20k spans");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("adjudicate two annotators", |bench| {
        bench.iter(|| adjudicate(black_box(&inputs), "gold").expect("adjudicates"))
    });
    group.bench_function("load+validate the gold file", |bench| {
        bench.iter(|| store::from_bytes(black_box(&bytes), Path::new("gold.ron")).expect("loads"))
    });
    group.finish();
}

criterion_group!(benches, store_benches, review_benches);
criterion_main!(benches);
