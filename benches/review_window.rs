//! The review window on large files: three annotators' files of 100 documents × 2,000
//! spans each. Budgets: opening the review (comparing and measuring the files, as the
//! background thread does) and drawing its first frame ≤ 1 s; stepping to the next
//! disagreement (F8) stays within the workspace's frame budget (16 ms).
//!
//! `cargo bench --bench review_window`

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::Criterion;
use egui::{Event, Key, Modifiers, Pos2, RawInput, Rect, vec2};
use marginalia::app::{MarginaliaApp, Prefs, Recovery, ReviewData, ReviewSession};

#[path = "support/review_data.rs"]
mod review_data;
use review_data::{Lcg, annotator, base};

const DT: f32 = 1.0 / 60.0;

/// A headless window running the whole app, frame by frame.
struct Window {
    ctx: egui::Context,
    app: MarginaliaApp,
    time: f64,
}

impl Window {
    fn new() -> Self {
        let ctx = egui::Context::default();
        ctx.all_styles_mut(|s| s.scroll_animation = egui::style::ScrollAnimation::none());
        let app = MarginaliaApp::new(None, Prefs::default(), Recovery::disabled());
        let mut window = Self {
            ctx,
            app,
            time: 0.0,
        };
        // Fonts loaded and the sample drawn once, as in a running app.
        window.frame(Vec::new());
        window
    }

    /// One whole frame (layout, painting, tessellation) with these input events.
    fn frame(&mut self, events: Vec<Event>) -> Duration {
        self.time += f64::from(DT);
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(1280.0, 800.0))),
            time: Some(self.time),
            predicted_dt: DT,
            events,
            focused: true,
            ..Default::default()
        };
        let app = &mut self.app;
        let start = Instant::now();
        let mut output = self.ctx.run_ui(input, |ui| app.show(ui));
        let shapes = std::mem::take(&mut output.shapes);
        black_box(self.ctx.tessellate(shapes, output.pixels_per_point));
        let elapsed = start.elapsed();
        output.textures_delta.clear();
        elapsed
    }
}

fn f8() -> Vec<Event> {
    vec![Event::Key {
        key: Key::F8,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: Modifiers::NONE,
    }]
}

fn main() {
    let base = base(&mut Lcg(7));
    let projects = vec![
        annotator("alice", &base, 1),
        annotator("bob", &base, 2),
        annotator("carol", &base, 3),
    ];
    let paths: Vec<PathBuf> = ["alice.ron", "bob.ron", "carol.ron"]
        .iter()
        .map(PathBuf::from)
        .collect();
    let open = |window: &mut Window| {
        let data = ReviewData::from_projects(paths.clone(), projects.clone()).expect("compare");
        window.app.review = Some(Box::new(ReviewSession::new(data)));
        window.frame(Vec::new())
    };

    // Once, with the verdict, as the issue states the budgets.
    let mut window = Window::new();
    let started = Instant::now();
    let first_frame = open(&mut window);
    let total = started.elapsed();
    println!(
        "open a review of 3 × 100 documents × 2,000 spans and draw its first frame: {total:?} \
         (first frame {first_frame:?}); budget 1 s: {}",
        if total <= Duration::from_secs(1) {
            "met"
        } else {
            "MISSED"
        }
    );
    let mut steps: Vec<Duration> = (0..300).map(|_| window.frame(f8())).collect();
    steps.sort();
    println!(
        "step to the next disagreement (300 frames, crossing documents): median {:?}, worst {:?}; budget 16 ms: {}",
        steps[steps.len() / 2],
        steps[steps.len() - 1],
        if steps[steps.len() - 1] <= Duration::from_millis(16) {
            "met"
        } else {
            "MISSED"
        }
    );

    let mut c = Criterion::default().configure_from_args().sample_size(10);
    c.bench_function("review: open 3 files and draw the first frame", |b| {
        b.iter_batched(
            Window::new,
            |mut window| black_box(open(&mut window)),
            criterion::BatchSize::PerIteration,
        )
    });
    let mut window = Window::new();
    open(&mut window);
    c.bench_function("review: F8 to the next disagreement (one frame)", |b| {
        b.iter(|| black_box(window.frame(f8())))
    });
    c.final_summary();
}
