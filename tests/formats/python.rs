//! Runs `tests/python/check_exports.py` on fresh spaCy and CoNLL exports of the fixture
//! (and of the sample project), when Python has spaCy and seqeval; says so and passes
//! otherwise. To run it for real:
//!
//! ```text
//! python3 -m pip install spacy seqeval
//! cargo test --no-default-features --test formats python
//! ```

use std::path::Path;
use std::process::Command;

use marginalia::formats::{ExportOptions, Format};
use marginalia::model::Project;

use crate::support::{export, load_fixture, temp_dir};

fn python_has_spacy_and_seqeval() -> bool {
    Command::new("python3")
        .args(["-c", "import spacy, seqeval"])
        .output()
        .is_ok_and(|output| output.status.success())
}

fn check(project: &Project, name: &str) {
    let temp = temp_dir();
    let spacy = temp.path().join(format!("{name}.spacy.jsonl"));
    let conll = temp.path().join(format!("{name}.conll"));
    export(project, &ExportOptions::new(Format::Spacy), &spacy);
    let report = export(project, &ExportOptions::new(Format::Conll), &conll);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/check_exports.py");
    let output = Command::new("python3")
        .arg(script)
        .arg(&spacy)
        .arg(&conll)
        .arg(report.spans.to_string())
        .output()
        .expect("run python3");
    assert!(
        output.status.success(),
        "{name}: the Python check failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("{name}: {}", String::from_utf8_lossy(&output.stdout).trim());
}

#[test]
fn spacy_and_seqeval_read_the_exports() {
    if !python_has_spacy_and_seqeval() {
        eprintln!(
            "note: skipping the Python check: python3 with spacy and seqeval is not available (pip install spacy seqeval)"
        );
        return;
    }
    check(&load_fixture(), "fixture");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("saves/sample.ron");
    if let Ok(loaded) = marginalia::store::load(&sample) {
        check(&loaded.project, "sample");
    }
}
