//! Fuzzes the project-file loader: any bytes must give a project or an error, never a
//! panic, a hang or a stack overflow. A project that loads must also survive a round
//! trip through the writer unchanged, and wherever the loader's fast reader reads a file,
//! it must read what ron reads.
//!
//! Run: `cargo +nightly fuzz run load -- -max_total_time=120` in `fuzz/`; the seed corpus
//! is `corpus/load/` (valid and broken fixtures and hand-made edge cases).

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let origin = Path::new("fuzz.ron");
    if let Ok(text) = std::str::from_utf8(data)
        && let Err(difference) = marginalia::store::fast_reader_agrees(text)
    {
        panic!("{difference}");
    }
    if let Ok(project) = marginalia::store::from_bytes(data, origin) {
        let ron = marginalia::store::to_ron(&project);
        let again = marginalia::store::from_str(&ron, origin)
            .unwrap_or_else(|error| panic!("a loaded project does not load once written: {error}"));
        assert!(again == project, "a loaded project changed on a round trip");
    }
});
