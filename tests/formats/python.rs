//! Runs `tests/python/check_exports.py` on fresh spaCy and CoNLL exports of the fixture
//! (and of the sample project, and of a document whose spans start and end on
//! whitespace), when Python has spaCy and seqeval (or seqeval alone: then the CoNLL part
//! only); says so and passes otherwise. Every CoNLL export, in both layers, must read
//! in seqeval's strict IOB2 mode. To run it for real:
//!
//! ```text
//! python3 -m pip install spacy seqeval
//! cargo test --no-default-features --test formats python
//! ```

use std::process::Command;

use marginalia::formats::{ExportOptions, Format, Layer};
use marginalia::model::{Document, Project};

use crate::support::{add_span, export, load_fixture, temp_dir};

fn python_has(modules: &str) -> bool {
    Command::new("python3")
        .args(["-c", &format!("import {modules}")])
        .output()
        .is_ok_and(|output| output.status.success())
}

fn check(project: &Project, name: &str, with_spacy: bool) {
    let temp = temp_dir();
    let spacy = temp.path().join(format!("{name}.spacy.jsonl"));
    if with_spacy {
        export(project, &ExportOptions::new(Format::Spacy), &spacy);
    }
    for layer in [Layer::Outer, Layer::Inner] {
        let conll = temp.path().join(format!("{name}.{layer}.conll"));
        let options = ExportOptions {
            layer,
            ..ExportOptions::new(Format::Conll)
        };
        let report = export(project, &options, &conll);
        let script = crate::binary::checkout().join("tests/python/check_exports.py");
        let first = if with_spacy {
            spacy.as_os_str()
        } else {
            "--conll".as_ref()
        };
        let output = Command::new("python3")
            .arg(script)
            .arg(first)
            .arg(&conll)
            .arg(report.spans.to_string())
            .output()
            .expect("run python3");
        assert!(
            output.status.success(),
            "{name} ({layer}): the Python check failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        eprintln!("{name}: {}", String::from_utf8_lossy(&output.stdout).trim());
    }
}

/// Spans that start or end on whitespace, or cover nothing else: CoNLL has no
/// whitespace tokens, so each must be trimmed to its tokens (or left out) to start
/// with `B-`.
fn whitespace_edges() -> Project {
    let mut project = Project::new("Whitespace edges", "tester");
    let mut doc = Document::new("edges", "Edges", "A big deal.\nSee  them  here now.\n");
    add_span(&project, &mut doc, " big", 0, "claim");
    add_span(&project, &mut doc, "deal.\n", 0, "quote");
    add_span(&project, &mut doc, "  them  ", 0, "actor");
    add_span(&project, &mut doc, "them", 0, "location");
    add_span(&project, &mut doc, "  ", 1, "location");
    add_span(&project, &mut doc, " here now.\n", 0, "claim");
    project.documents.push(doc);
    project
}

#[test]
fn spacy_and_seqeval_read_the_exports() {
    let with_spacy = python_has("spacy, seqeval");
    if !with_spacy && !python_has("seqeval") {
        eprintln!(
            "note: skipping the Python check: python3 with spacy and seqeval is not available (pip install spacy seqeval)"
        );
        return;
    }
    if !with_spacy {
        eprintln!("note: python3 has seqeval but not spacy: checking the CoNLL exports only");
    }
    check(&load_fixture(), "fixture", with_spacy);
    check(&whitespace_edges(), "whitespace", with_spacy);
    let sample = crate::binary::checkout().join("saves/sample.ron");
    if let Ok(loaded) = marginalia::store::load(&sample) {
        check(&loaded.project, "sample", with_spacy);
    }
}
