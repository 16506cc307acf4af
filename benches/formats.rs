//! Export and import speed on a large project: 1,000 documents of 200 spans each (about
//! 7,000 characters, with accents, CJK and emoji, 60 links and 20 notes per document).
//! The budget is 1 s per export in every format and 1 s to import the JSONL back.
//!
//! `CARGO_TARGET_DIR=/work/target-core cargo bench --no-default-features --bench formats`

use std::hint::black_box;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion};
use marginalia::formats::{self, ExportOptions, Format, ImportOptions};
use marginalia::model::{Document, Project, Status};

const DOCUMENTS: usize = 1_000;
const SPANS: usize = 200;

/// A small deterministic generator (no dependency, same project every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
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

fn document(n: usize, project: &Project, rng: &mut Lcg) -> Document {
    let mut text = String::new();
    while text.chars().count() < SPANS * 35 {
        for _ in 0..12 {
            text.push_str(WORDS[rng.next(WORDS.len())]);
            text.push(' ');
        }
        text.push_str(if rng.next(4) == 0 { ".\r\n" } else { ". " });
    }
    let len = text.chars().count();
    let mut doc = Document::new(format!("doc-{n:04}"), format!("Document {n}"), text);
    doc.status = if n.is_multiple_of(3) {
        Status::InProgress
    } else {
        Status::Done
    };
    let labels = ["claim", "quote", "location", "actor"];
    let step = len / SPANS;
    for i in 0..SPANS {
        let start = i * step + rng.next(step / 2);
        let end = (start + 3 + rng.next(40)).min(len);
        let edit = doc.add_span_edit(start, end, labels[i % 4]);
        let _ = doc.apply(edit, &project.schema);
    }
    let ids: Vec<_> = doc
        .spans()
        .iter()
        .filter(|s| s.label == "quote")
        .map(|s| s.id)
        .collect();
    let actors: Vec<_> = doc
        .spans()
        .iter()
        .filter(|s| s.label == "actor")
        .map(|s| s.id)
        .collect();
    for (quote, actor) in ids.iter().zip(&actors).take(60) {
        let edit = doc.add_link_edit(*quote, *actor, "said_by");
        let _ = doc.apply(edit, &project.schema);
    }
    for id in ids.iter().take(20) {
        if let Ok(edit) = doc.set_note_edit(*id, Some("Checked against the recording.".into())) {
            let _ = doc.apply(edit, &project.schema);
        }
    }
    doc
}

fn project() -> Project {
    let mut project = Project::new("bench", "bench");
    let mut rng = Lcg(7);
    project.documents = (0..DOCUMENTS)
        .map(|n| document(n, &project, &mut rng))
        .collect();
    project
}

fn go_on(_: usize, _: usize) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

/// Times each export and the import once and prints the times: a quick look without
/// criterion's statistics (`MARGINALIA_BENCH_ONCE=1`, or `=spacy` for one format).
fn once(project: &Project, only: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    for format in Format::EXPORT {
        if only != "1" && only != format.as_str() && format != Format::Jsonl {
            continue;
        }
        let out = dir.path().join(format!("once-{format}"));
        let started = Instant::now();
        let report =
            formats::export(project, &ExportOptions::new(format), &out, &go_on).expect("export");
        println!(
            "export {format}: {:?} ({} spans written)",
            started.elapsed(),
            report.spans
        );
    }
    let mut target = Project::new("import", "bench");
    let started = Instant::now();
    let report = formats::import(
        &mut target,
        &ImportOptions::new(Format::Jsonl),
        &[dir.path().join("once-jsonl")],
    )
    .expect("import");
    println!(
        "import jsonl: {:?} ({} spans read)",
        started.elapsed(),
        report.spans()
    );
}

fn main() {
    let project = project();
    assert_eq!(
        project.span_count(),
        DOCUMENTS * SPANS,
        "every generated span is distinct"
    );
    if let Some(only) = std::env::var_os("MARGINALIA_BENCH_ONCE") {
        once(&project, &only.to_string_lossy());
        return;
    }
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8))
        .configure_from_args();

    let mut group = criterion.benchmark_group("formats (1,000 documents x 200 spans)");
    for format in Format::EXPORT {
        // Every iteration writes a new output, and all of them are kept until this format
        // is done rather than deleted after each iteration. ext4 does not hand out an inode
        // freed in the last 30 s (300 s while its block is dirty): creating a file after
        // thousands were deleted scans past all of them (`recently_deleted` in a kernel
        // profile), and each `openat(O_CREAT)` takes about 1.7 ms instead of 60 µs, in
        // Python as in Rust. A brat export writes 2,001 files, so deleting per iteration
        // made this benchmark measure that scan (1.5-2.4 s) rather than the export (0.18 s
        // on a disk with no recent deletions). For the same reason, run it a few minutes
        // after anything else deleted thousands of files (such as a previous run).
        let kept = tempfile::tempdir().expect("temp dir");
        let mut outputs = 0;
        group.bench_function(format!("export {format}"), |b| {
            b.iter_custom(|iterations| {
                let mut took = Duration::ZERO;
                for _ in 0..iterations {
                    outputs += 1;
                    let out = kept.path().join(format!("out-{outputs}"));
                    let started = Instant::now();
                    black_box(
                        formats::export(&project, &ExportOptions::new(format), &out, &go_on)
                            .expect("export"),
                    );
                    took += started.elapsed();
                }
                took
            });
        });
        drop(kept);
    }

    let dir = tempfile::tempdir().expect("temp dir");
    let jsonl = dir.path().join("bench.jsonl");
    formats::export(&project, &ExportOptions::new(Format::Jsonl), &jsonl, &go_on).expect("export");
    let empty = Project::new("import", "bench");
    group.bench_function("import jsonl", |b| {
        b.iter_batched(
            || empty.clone(),
            |mut target| {
                let report = formats::import(
                    &mut target,
                    &ImportOptions::new(Format::Jsonl),
                    std::slice::from_ref(&jsonl),
                )
                .expect("import");
                assert_eq!(report.spans(), DOCUMENTS * SPANS);
                target
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
    criterion.final_summary();
}
