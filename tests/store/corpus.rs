//! Every file of the fuzzer's seed corpus (`fuzz/corpus/load/`) goes through the loader
//! in the ordinary test run: no panic on any of them, `valid-*` files load and survive
//! a round trip, and every other file is refused with a message. Where the loader's fast
//! reader reads a file, it reads what ron reads. Crash inputs that the
//! fuzzer finds are added to the corpus, so they stay fixed.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use marginalia::store;

#[test]
fn every_corpus_file_loads_or_fails_cleanly() {
    let dir = crate::binary::checkout().join("fuzz/corpus/load");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("the fuzz corpus exists")
        .map(|entry| entry.expect("an entry").path())
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 30,
        "the corpus has only {} files",
        paths.len()
    );
    let mut failures = Vec::new();
    for path in &paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = std::fs::read(path).expect("a corpus file is readable");
        if let Ok(text) = std::str::from_utf8(&bytes)
            && let Err(difference) = store::fast_reader_agrees(text)
        {
            failures.push(format!("{name}: {difference}"));
        }
        let result = catch_unwind(AssertUnwindSafe(|| {
            store::from_bytes(&bytes, Path::new("fuzz.ron"))
        }));
        match result {
            Err(_) => failures.push(format!("{name}: the loader panicked")),
            Ok(Ok(project)) => {
                if !name.starts_with("valid-") {
                    failures.push(format!("{name}: loaded, but only valid-* files should"));
                }
                let ron = store::to_ron(&project);
                match store::from_str(&ron, Path::new("again.ron")) {
                    Ok(again) if again == project => {}
                    Ok(_) => failures.push(format!("{name}: changed on a round trip")),
                    Err(error) => {
                        failures.push(format!("{name}: does not load once written: {error}"))
                    }
                }
            }
            Ok(Err(error)) => {
                if name.starts_with("valid-") {
                    failures.push(format!("{name}: {error}"));
                } else if !error.to_string().starts_with("fuzz.ron") {
                    failures.push(format!(
                        "{name}: the message does not name the file: {error}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
