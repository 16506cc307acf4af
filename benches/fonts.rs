//! What fonts for every script cost the window (issue 10).
//!
//! Targets (release, 2 cores):
//! - checking a 1 MB Latin article for characters the loaded fonts lack (done once per
//!   document shown, on the UI thread) ≤ 8 ms: Latin-only projects pay about nothing;
//! - the same for a 300 KB Chinese article (~100,000 characters, ~2,500 distinct)
//!   ≤ 16 ms, within a frame.
//!
//! Run: `cargo bench --bench fonts`.

use std::hint::black_box;

use criterion::Criterion;
use marginalia::app::Fonts;

#[path = "../tests/store/generate.rs"]
#[allow(dead_code, reason = "only its text generator is used here")]
mod generate;

/// A Chinese article of about `chars` characters over the CJK block's first 2,500.
fn chinese(chars: usize) -> String {
    let mut rng = generate::Rng::new(3);
    let mut text = String::new();
    for i in 0..chars {
        let c = char::from_u32(0x4E00 + (rng.below(2500) as u32)).unwrap_or('中');
        text.push(c);
        if i % 80 == 79 {
            text.push('\n');
        }
    }
    text
}

fn bench(c: &mut Criterion) {
    let ctx = egui::Context::default();
    // One frame, so that the context has its fonts.
    let _ = ctx.run_ui(egui::RawInput::default(), |_| {});
    let fonts = Fonts::default();
    let mut rng = generate::Rng::new(11);
    let latin = generate::article(&mut rng, 1_000_000, false);
    let chinese = chinese(100_000);

    let mut group = c.benchmark_group("fonts");
    group.bench_function("check a 1 MB Latin article", |b| {
        b.iter(|| black_box(fonts.missing_chars(&ctx, [latin.as_str()])))
    });
    group.bench_function("check a 300 KB Chinese article", |b| {
        b.iter(|| black_box(fonts.missing_chars(&ctx, [chinese.as_str()])))
    });
    group.finish();
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion);
    criterion.final_summary();
}
