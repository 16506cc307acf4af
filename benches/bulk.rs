//! Bulk work on one very large document: a 10 MB generated article with 200,000 spans
//! and 20,000 links (issue 11). Every span is found by id through the document's index,
//! and a batch goes in by one merge, so none of this is quadratic.
//!
//! Targets (release, 2 cores):
//! - `marginalia import` of that article from JSONL into an empty project, end to end
//!   (read the project, parse, check, build, save with fsync) ≤ 2 s;
//! - a batch of 10,000 added spans on the 200,000-span document ≤ 100 ms (and its undo);
//! - a single relabel on it ≤ 1 ms.
//!
//! Run: `cargo bench --no-default-features --bench bulk`.

use std::collections::HashSet;
use std::hint::black_box;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser as _;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use marginalia::cli::{Cli, Run};
use marginalia::formats::{self, ExportOptions, Format};
use marginalia::model::{Document, Edit, Project, Schema};
use marginalia::store::{self, SaveMode};

#[path = "../tests/store/generate.rs"]
#[allow(
    dead_code,
    reason = "the generator's other builders serve other benches"
)]
mod generate;

/// 10,000 new spans spread over the document, none a duplicate of one it has.
fn added_spans(doc: &mut Document) -> Edit {
    let mut rng = generate::Rng::new(99);
    let taken: HashSet<(usize, usize, String)> = doc
        .spans()
        .iter()
        .map(|s| (s.start, s.end, s.label.clone()))
        .collect();
    let len = doc.char_len();
    let mut edits = Vec::with_capacity(10_000);
    let mut seen = HashSet::new();
    while edits.len() < 10_000 {
        let start = rng.below(len - 50);
        let end = start + rng.between(2, 40);
        let key = (start, end, "location".to_owned());
        if taken.contains(&key) || !seen.insert(key) {
            continue;
        }
        edits.push(doc.add_span_edit(start, end, "location"));
    }
    Edit::Batch(edits)
}

/// CPU time this thread has run, in nanoseconds (Linux), to report alongside the wall
/// time: on a busy shared machine the wall time also counts the waits for a core.
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Runs `setup` then `work` a few times and prints the fastest wall and CPU times of
/// `work`.
fn report<T, U>(
    name: &str,
    runs: usize,
    mut setup: impl FnMut() -> T,
    mut work: impl FnMut(T) -> U,
) {
    let (mut wall, mut cpu) = (Duration::MAX, u64::MAX);
    for _ in 0..runs {
        let input = setup();
        let (started, cpu_before) = (std::time::Instant::now(), thread_cpu_ns());
        let output = work(input);
        let elapsed = started.elapsed();
        if let (Some(before), Some(after)) = (cpu_before, thread_cpu_ns()) {
            cpu = cpu.min(after - before);
        }
        wall = wall.min(elapsed);
        drop(black_box(output));
    }
    eprintln!(
        "{name}: fastest of {runs}: {:.1} ms wall, {:.1} ms CPU",
        wall.as_secs_f64() * 1e3,
        cpu as f64 / 1e6
    );
}

fn bulk_benches(c: &mut Criterion) {
    let project = generate::big_project_bulk(21, 10_000_000, 200_000, 20_000);
    let schema = Schema::default();
    let doc = &project.documents[0];
    eprintln!(
        "document: {} bytes of text, {} spans, {} links",
        doc.text().len(),
        doc.spans().len(),
        doc.links().len()
    );

    let dir = tempfile::tempdir().expect("a temporary folder");
    let input = dir.path().join("article.jsonl");
    formats::export(
        &project,
        &ExportOptions::new(Format::Jsonl),
        &input,
        &|_, _| std::ops::ControlFlow::Continue(()),
    )
    .expect("the article exports");
    let target = dir.path().join("empty.ron");
    let empty = Project::new("Empty", "bench");

    let import = || {
        let cli = Cli::parse_from([
            "marginalia".as_ref(),
            "import".as_ref(),
            target.as_os_str(),
            "--format".as_ref(),
            "jsonl".as_ref(),
            input.as_os_str(),
        ]);
        match marginalia::cli::run(cli) {
            Run::Done(code) => assert_eq!(code, ExitCode::SUCCESS),
            Run::Window(_) | Run::Review(_) => unreachable!("a command was given"),
        }
    };
    let fresh_target = || {
        let _ = std::fs::remove_file(&target);
        store::save(&empty, &target, None, SaveMode::Force).expect("saves");
    };
    let mut base = doc.clone();
    let batch = added_spans(&mut base);
    let mut added = base.clone();
    let undo = added.apply(batch.clone(), &schema).expect("applies");
    // One pass first, with CPU times (the CLI's import is single-threaded).
    report("import jsonl end to end", 3, fresh_target, |()| import());
    report(
        "batch of 10,000 added spans",
        5,
        || (base.clone(), batch.clone()),
        |(mut doc, batch)| {
            doc.apply(batch, &schema).expect("the batch applies");
            doc
        },
    );
    report(
        "undo of the 10,000 added spans",
        5,
        || (added.clone(), undo.clone()),
        |(mut doc, undo)| {
            doc.apply(undo, &schema).expect("the undo applies");
            doc
        },
    );

    let mut group = c.benchmark_group("bulk 10MB 200k spans");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("import jsonl end to end", |bench| {
        bench.iter_batched(fresh_target, |()| import(), BatchSize::PerIteration)
    });

    group.bench_function("batch of 10,000 added spans", |bench| {
        bench.iter_batched(
            || (base.clone(), batch.clone()),
            |(mut doc, batch)| {
                doc.apply(batch, &schema).expect("the batch applies");
                doc
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("undo of the 10,000 added spans", |bench| {
        bench.iter_batched(
            || (added.clone(), undo.clone()),
            |(mut doc, undo)| {
                doc.apply(undo, &schema).expect("the undo applies");
                doc
            },
            BatchSize::PerIteration,
        )
    });

    // A claim in the middle of the text, relabelled to a quote and back, one relabel per
    // iteration.
    let mut doc = doc.clone();
    let middle = doc.spans().len() / 2;
    let id = doc.spans()[middle..]
        .iter()
        .find(|s| {
            s.label == "claim"
                && !doc
                    .spans()
                    .iter()
                    .any(|o| (o.start, o.end, o.label.as_str()) == (s.start, s.end, "quote"))
        })
        .expect("a claim")
        .id;
    let mut flip = false;
    group.bench_function("single relabel", |bench| {
        bench.iter(|| {
            flip = !flip;
            let to = if flip { "quote" } else { "claim" };
            let edit = doc.relabel_edit(id, to, &schema).expect("a relabel");
            black_box(doc.apply(edit, &schema).expect("the relabel applies"))
        })
    });
    group.finish();
}

criterion_group!(benches, bulk_benches);
criterion_main!(benches);
