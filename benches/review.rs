//! Review speed on large projects: files of 100 documents × 2,000 spans each (about
//! 70,000 characters per document, with accents, CJK and emoji), one per annotator, the
//! annotators differing the way colleagues do (a missed span, another label, other
//! boundaries, a span of their own). Budgets: agreement over two files ≤ 200 ms; the
//! comparison of three files, all the review window needs for its first frame, well
//! under 1 s.
//!
//! `CARGO_TARGET_DIR=/var/tmp/target-review cargo bench --no-default-features --bench review`
//! (`MARGINALIA_BENCH_ONCE=1` times each step once instead).

use std::hint::black_box;
use std::time::{Duration, Instant};

#[path = "support/cpu.rs"]
mod cpu;
use cpu::cpu;
use criterion::Criterion;
use marginalia::model::Project;
use marginalia::review::{Agreement, Comparison};

// The generator the agreement tests use: the same kind of annotators, larger.
#[path = "../tests/agreement/support.rs"]
#[allow(dead_code)]
mod support;

const DOCUMENTS: usize = 100;
const SPANS: usize = 2_000;
/// About 70,000 characters per document.
const WORDS: usize = 10_000;

fn annotators(names: &[&str]) -> Vec<Project> {
    support::large_review(names, DOCUMENTS, SPANS, WORDS)
}

/// Runs `step` once and prints its wall-clock and CPU time.
fn once<T>(what: &str, step: impl FnOnce() -> T) -> T {
    let (started, cpu_started) = (Instant::now(), cpu());
    let result = step();
    println!(
        "{what}: {:?} (CPU {:?})",
        started.elapsed(),
        cpu().saturating_sub(cpu_started)
    );
    result
}

fn agree(files: &[(&str, &Project)]) -> Agreement {
    let comparison = Comparison::new(files).expect("compare");
    Agreement::new(&comparison)
}

fn main() {
    let projects = annotators(&["alice", "bob", "carol"]);
    let spans: usize = projects.iter().map(Project::span_count).sum();
    println!("{spans} spans in three files of {DOCUMENTS} documents");
    let two = [("alice", &projects[0]), ("bob", &projects[1])];
    let three = [two[0], two[1], ("carol", &projects[2])];
    if std::env::var_os("MARGINALIA_BENCH_ONCE").is_some() {
        let comparison = once("compare three", || {
            Comparison::new(&three).expect("compare")
        });
        println!("  {} disagreements", comparison.disagreement_count());
        let tokens: usize = once("tokens of one file", || {
            projects[0]
                .documents
                .iter()
                .map(|d| marginalia::review::tokens(d.text()).len())
                .sum()
        });
        println!("  {tokens} tokens");
        let comparison = once("compare two", || Comparison::new(&two).expect("compare"));
        once("agreement of two, compared", || Agreement::new(&comparison));
        let agreement = once("agreement of two", || agree(&two));
        println!(
            "  exact F1 {:?}",
            agreement.project.pairs[0].exact_overall().f1()
        );
        let agreement = once("agreement of three", || agree(&three));
        println!("  alpha {:?}", agreement.project.alpha_macro());
        return;
    }
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    let mut group = criterion.benchmark_group("review (100 documents x 2,000 spans per file)");
    group.bench_function("agreement of two files", |b| {
        b.iter(|| black_box(agree(&two)));
    });
    group.bench_function("comparison of three files (first frame)", |b| {
        b.iter(|| black_box(Comparison::new(&three).expect("compare")));
    });
    group.bench_function("agreement of three files", |b| {
        b.iter(|| black_box(agree(&three)));
    });
    group.finish();
    criterion.final_summary();
}
