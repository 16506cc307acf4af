//! Golden files: every format, written from the sample project (`saves/sample.ron`) and
//! from the fixture project (the stress article), byte for byte. Checked by eye once
//! (see `tests/golden/README.md`), then by these tests.

use std::path::{Path, PathBuf};

use marginalia::formats::{Format, OffsetUnit};
use marginalia::model::Project;

use crate::support::{blessing, export, load_fixture, options, temp_dir};

fn golden_dir() -> PathBuf {
    crate::binary::checkout().join("tests/golden")
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).expect("readable folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path.strip_prefix(dir).expect("inside").to_path_buf());
            }
        }
    }
    found.sort();
    found
}

/// The sample project that ships with Marginalia.
fn sample() -> Project {
    let path = crate::binary::checkout().join("saves/sample.ron");
    marginalia::store::load(&path)
        .expect("saves/sample.ron loads")
        .project
}

/// Exports `project` as `name` and compares with (or, blessing, rewrites) the golden
/// copy.
fn check(project: &Project, format: Format, unit: OffsetUnit, name: &str) {
    let temp = temp_dir();
    let out = temp.path().join(name);
    export(project, &options(format, unit), &out);
    let golden = golden_dir().join(name);
    if blessing() {
        if golden.is_dir() {
            std::fs::remove_dir_all(&golden).expect("remove old golden folder");
        }
        if out.is_dir() {
            std::fs::create_dir_all(&golden).expect("golden folder");
            for file in files(&out) {
                std::fs::copy(out.join(&file), golden.join(&file)).expect("copy golden file");
            }
        } else {
            std::fs::copy(&out, &golden).expect("copy golden file");
        }
        return;
    }
    let pairs: Vec<(PathBuf, PathBuf)> = if out.is_dir() {
        let written = files(&out);
        assert_eq!(
            written,
            files(&golden),
            "{name}: the files written differ from the golden ones"
        );
        written
            .iter()
            .map(|f| (out.join(f), golden.join(f)))
            .collect()
    } else {
        vec![(out.clone(), golden.clone())]
    };
    for (written, golden) in pairs {
        let written = std::fs::read(&written).expect("written file");
        let expected = std::fs::read(&golden).unwrap_or_else(|_| {
            panic!(
                "{} is missing: run with MARGINALIA_BLESS=1",
                golden.display()
            )
        });
        assert!(
            written == expected,
            "{} differs from its golden copy; if the change is right, rerun with MARGINALIA_BLESS=1 \
             and check the diff.\n--- written ---\n{}",
            golden.display(),
            String::from_utf8_lossy(&written)
        );
    }
}

#[test]
fn sample_matches_golden_in_every_format() {
    let project = sample();
    check(
        &project,
        Format::Jsonl,
        OffsetUnit::Codepoints,
        "sample.jsonl",
    );
    check(
        &project,
        Format::Spacy,
        OffsetUnit::Codepoints,
        "sample.spacy.jsonl",
    );
    check(
        &project,
        Format::Conll,
        OffsetUnit::Codepoints,
        "sample.conll",
    );
    check(&project, Format::Csv, OffsetUnit::Codepoints, "sample.csv");
    check(
        &project,
        Format::Brat,
        OffsetUnit::Codepoints,
        "sample-brat",
    );
}

#[test]
fn stress_fixture_matches_golden_in_every_format() {
    let project = load_fixture();
    check(
        &project,
        Format::Jsonl,
        OffsetUnit::Codepoints,
        "fixture.jsonl",
    );
    check(
        &project,
        Format::Jsonl,
        OffsetUnit::Utf16,
        "fixture.utf16.jsonl",
    );
    check(
        &project,
        Format::Jsonl,
        OffsetUnit::Bytes,
        "fixture.bytes.jsonl",
    );
    check(
        &project,
        Format::Spacy,
        OffsetUnit::Codepoints,
        "fixture.spacy.jsonl",
    );
    check(
        &project,
        Format::Conll,
        OffsetUnit::Codepoints,
        "fixture.conll",
    );
    check(&project, Format::Csv, OffsetUnit::Codepoints, "fixture.csv");
    check(
        &project,
        Format::Brat,
        OffsetUnit::Codepoints,
        "fixture-brat",
    );
}

#[test]
fn exports_are_byte_identical_every_time() {
    let project = load_fixture();
    for format in Format::EXPORT {
        let temp = temp_dir();
        let (a, b) = (temp.path().join("a"), temp.path().join("b"));
        export(&project, &options(format, OffsetUnit::Utf16), &a);
        export(&project, &options(format, OffsetUnit::Utf16), &b);
        if a.is_dir() {
            assert_eq!(files(&a), files(&b));
            for file in files(&a) {
                assert_eq!(
                    std::fs::read(a.join(&file)).ok(),
                    std::fs::read(b.join(&file)).ok(),
                    "{format}"
                );
            }
        } else {
            assert_eq!(std::fs::read(&a).ok(), std::fs::read(&b).ok(), "{format}");
        }
    }
}
