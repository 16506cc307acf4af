//! Suggestion speed: every rule on a 1 MB article with 20,000 spans. Budget: all
//! suggestions ≤ 50 ms. Also the consistency check (the texts labelled two ways) on
//! that article with one name in twenty labelled the other way, and its one-click fix,
//! which the window's consistency panel runs after an edit and on a click.
//!
//! The article is news-shaped and varied: speakers before and after their quotes
//! (curly, straight and guillemet marks, "according to", split quotes around "she
//! said"), claims, places, apostrophes, and names that are labelled in some places and
//! not in others, so that every rule has work to do.
//!
//! `CARGO_TARGET_DIR=/var/tmp/target-suggest cargo bench --no-default-features --bench suggest`
//! (`MARGINALIA_BENCH_ONCE=1` instead prints the wall-clock and CPU time of 20 runs of
//! each, which on a shared machine says more than the wall clock alone).

use std::hint::black_box;
use std::time::{Duration, Instant};

#[path = "support/cpu.rs"]
mod cpu;
use cpu::cpu;
use criterion::{BatchSize, Criterion};
use marginalia::model::{Document, Edit, Project};
use marginalia::suggest::{self, Config};

/// A small deterministic generator (a linear congruential one), so that every run
/// measures the same article.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() as usize) % items.len()]
    }
}

const ACTORS: &[&str] = &[
    "Vladimir Putin",
    "Donald Trump",
    "Volodymyr Zelensky",
    "Dmitry Peskov",
    "Yuri Ushakov",
    "Steve Witkoff",
    "Jared Kushner",
    "Rustem Umerov",
    "Emmanuel Macron",
    "Olaf Scholz",
    "Ursula von der Leyen",
    "Recep Tayyip Erdoğan",
    "the Kremlin",
    "NATO",
    "Sergueï Lavrov",
];

const PLACES: &[&str] = &[
    "Moscow",
    "Kyiv",
    "Washington",
    "Florida",
    "Donbas",
    "Brussels",
    "Paris",
    "Ankara",
    "Geneva",
    "Kharkiv",
];

const WORDS: &[&str] = &[
    "peace",
    "talks",
    "the front",
    "sanctions",
    "a ceasefire",
    "the proposal",
    "Ukraine's allies",
    "rock 'n' roll diplomacy",
    "the ’90s order",
    "security guarantees",
    "the negotiations",
    "territory",
];

const VERBS: &[&str] = &[
    "said",
    "told reporters",
    "added",
    "warned",
    "insisted",
    "argued",
];

/// Builds the text and the spans (code-point ranges and labels) to add.
struct Builder {
    text: String,
    chars: usize,
    spans: Vec<(usize, usize, &'static str)>,
}

impl Builder {
    fn push(&mut self, part: &str) {
        self.text.push_str(part);
        self.chars += part.chars().count();
    }

    /// Pushes `part`, labelled when `label` is given.
    fn span(&mut self, part: &str, label: Option<&'static str>) {
        let start = self.chars;
        self.push(part);
        if let Some(label) = label {
            self.spans.push((start, self.chars, label));
        }
    }
}

/// About 1 MB of text with 20,000 spans.
fn article() -> Project {
    let mut rng = Lcg(42);
    let mut b = Builder {
        text: String::with_capacity(1_100_000),
        chars: 0,
        spans: Vec::new(),
    };
    let mut sentence = 0u64;
    while b.text.len() < 1_000_000 {
        let actor = rng.pick(ACTORS);
        let place = rng.pick(PLACES);
        let (w1, w2) = (rng.pick(WORDS), rng.pick(WORDS));
        let verb = rng.pick(VERBS);
        // Most names and quotes are labelled, some not: those are what the rules find.
        let labelled = |rng: &mut Lcg, label| (!rng.next().is_multiple_of(4)).then_some(label);
        let actor_label = labelled(&mut rng, "actor");
        let quote_label = labelled(&mut rng, "quote");
        let place_label = labelled(&mut rng, "location");
        match rng.next() % 6 {
            0 => {
                b.span(actor, actor_label);
                b.push(&format!(" {verb}: "));
                b.span(&format!("“We will talk about {w1} and {w2}.”"), quote_label);
                b.push(" ");
            }
            1 => {
                b.span(&format!("\"{w1} is not {w2},\""), quote_label);
                b.push(" ");
                b.span(actor, actor_label);
                b.push(&format!(" {verb} in "));
                b.span(place, place_label);
                b.push(". ");
            }
            2 => {
                b.push("According to ");
                b.span(actor, actor_label);
                b.push(", ");
                b.span(&format!("{w1} depends on {w2}"), Some("claim"));
                b.push(". ");
            }
            3 => {
                b.span(&format!("« {w1} comes first, »"), quote_label);
                b.push(" she said, ");
                b.span(&format!("« then {w2}. »"), quote_label);
                b.push(" ");
            }
            4 => {
                b.span(actor, actor_label);
                b.push(" met officials in ");
                b.span(place, place_label);
                b.push(&format!(" to discuss {w1}, while {w2} stayed open. "));
            }
            _ => {
                b.span(
                    &format!("Officials in {place} expect {w1} before {w2}"),
                    Some("claim"),
                );
                b.push(". ");
            }
        }
        sentence += 1;
        if sentence.is_multiple_of(8) {
            b.push("\n");
        }
    }
    let mut project = Project::new("bench", "bench");
    let mut doc = Document::new("article", "A long article", b.text);
    let schema = project.schema.clone();
    for (start, end, label) in b.spans {
        let edit = doc.add_span_edit(start, end, label);
        doc.apply(edit, &schema).expect("a generated span is valid");
    }
    project.documents.push(doc);
    project
}

/// The article with one actor or location span in twenty labelled the other way, so
/// that the consistency check has texts to list.
fn inconsistent(project: &Project) -> Project {
    let mut project = project.clone();
    let schema = project.schema.clone();
    let doc = &mut project.documents[0];
    let other = |label: &str| match label {
        "actor" => Some("location"),
        "location" => Some("actor"),
        _ => None,
    };
    let edits: Vec<Edit> = doc
        .spans()
        .iter()
        .filter_map(|s| Some((s, other(&s.label)?)))
        .step_by(20)
        .map(|(s, to)| Edit::Relabel {
            id: s.id,
            from: s.label.clone(),
            to: to.to_owned(),
        })
        .collect();
    doc.apply(Edit::Batch(edits), &schema)
        .expect("the relabels are valid");
    project
}

/// Runs `run` 20 times and prints the mean wall-clock and CPU time of one run.
fn timed(what: &str, mut run: impl FnMut()) {
    const RUNS: u32 = 20;
    let (started, cpu_started) = (Instant::now(), cpu());
    for _ in 0..RUNS {
        run();
    }
    println!(
        "{what}: {:?} per run (CPU {:?})",
        started.elapsed() / RUNS,
        cpu().saturating_sub(cpu_started) / RUNS
    );
}

fn main() {
    let project = article();
    let doc = &project.documents[0];
    let config = Config::default();
    let suggestions = suggest::suggest(&project, 0, &config).expect("document 0");
    println!(
        "article: {} bytes, {} spans; {} suggestions",
        doc.text().len(),
        doc.spans().len(),
        suggestions.len()
    );
    let run = |config: &Config| {
        black_box(suggest::suggest(&project, 0, config).expect("document 0"));
    };
    let mixed = inconsistent(&project);
    let found = suggest::inconsistencies(&mixed);
    // The fix of the text with the most places, to the label it has least.
    let widest = found
        .iter()
        .max_by_key(|i| i.labels.iter().map(|u| u.places.len()).sum::<usize>())
        .expect("the mixed article has inconsistencies");
    let rarest = widest
        .labels
        .iter()
        .min_by_key(|u| u.places.len())
        .map(|u| u.label.clone())
        .expect("labels");
    let fix = |project: &Project| {
        suggest::fix_inconsistency(project, &widest.text, &rarest).expect("a fix")
    };
    println!(
        "consistency: {} texts labelled two ways; the fix of {:?} to {rarest} changes {} spans",
        found.len(),
        widest.text,
        fix(&mixed).relabelled.values().sum::<usize>()
    );
    let fix_and_apply = |mut project: Project| {
        let schema = project.schema.clone();
        for (index, edit) in fix(&project).edits {
            project.documents[index]
                .apply(edit, &schema)
                .expect("the fix applies");
        }
        black_box(project);
    };
    if std::env::var_os("MARGINALIA_BENCH_ONCE").is_some() {
        timed("all rules", || run(&config));
        for rule in suggest::Rule::ALL {
            timed(&format!("{rule} only"), || {
                run(&Config::with_rules(&[rule]))
            });
        }
        timed("consistency check", || {
            black_box(suggest::inconsistencies(&mixed));
        });
        timed("consistency fix: plan", || {
            black_box(fix(&mixed));
        });
        timed("consistency fix: plan and apply (with a copy)", || {
            fix_and_apply(mixed.clone())
        });
        return;
    }
    let mut criterion = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    let mut group = criterion.benchmark_group("suggest (1 MB article, 20,000 spans)");
    group.bench_function("all rules", |b| {
        b.iter(|| black_box(suggest::suggest(&project, 0, &config).expect("document 0")));
    });
    for rule in suggest::Rule::ALL {
        let config = Config::with_rules(&[rule]);
        group.bench_function(format!("{rule} only"), |b| {
            b.iter(|| black_box(suggest::suggest(&project, 0, &config).expect("document 0")));
        });
    }
    group.bench_function("consistency check", |b| {
        b.iter(|| black_box(suggest::inconsistencies(&mixed)));
    });
    group.bench_function("consistency fix: plan", |b| {
        b.iter(|| black_box(fix(&mixed)));
    });
    group.bench_function("consistency fix: plan and apply", |b| {
        b.iter_batched(|| mixed.clone(), fix_and_apply, BatchSize::LargeInput);
    });
    group.finish();
    criterion.final_summary();
}
