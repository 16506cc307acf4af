//! Runs `tests/python/check_agreement.py`, which computes exact span F1, token-level
//! Cohen's kappa (scikit-learn) and Krippendorff's alpha (the krippendorff package) on
//! its own from the same annotations, and compares with Marginalia's figures. Says so
//! and passes when Python lacks those packages. To run it for real:
//!
//! ```text
//! python3 -m pip install krippendorff scikit-learn numpy
//! cargo test --no-default-features --test agreement python
//! ```

use std::process::Command;

use marginalia::model::Project;
use marginalia::review::{Comparison, tokens};
use serde_json::{Value, json};

use crate::support::{Rng, base_spans, document, measure, project, temp_dir, text, vary};

fn python_has_the_packages() -> bool {
    Command::new("python3")
        .args(["-c", "import krippendorff, sklearn, numpy"])
        .output()
        .is_ok_and(|output| output.status.success())
}

/// Three annotators over seven articles of a few hundred words with about a hundred
/// spans each; the last article is missing from the third file, and the third
/// annotator never uses `location`.
fn realistic() -> Vec<Project> {
    let mut rng = Rng(2024);
    let texts: Vec<String> = (0..7)
        .map(|_| {
            let words = 250 + rng.below(200);
            text(&mut rng, words)
        })
        .collect();
    let bases: Vec<_> = texts
        .iter()
        .map(|t| base_spans(&mut rng, t.chars().count(), 100))
        .collect();
    let mut projects: Vec<Project> = ["alice", "bob", "carol"]
        .iter()
        .zip([85, 70, 55])
        .map(|(name, keep)| {
            let docs = texts
                .iter()
                .zip(&bases)
                .enumerate()
                .map(|(d, (t, base))| {
                    let mut spans = vary(&mut rng, base, t.chars().count(), keep);
                    if *name == "carol" {
                        spans.retain(|&(_, _, label)| label != 2);
                    }
                    document(&format!("doc-{d}"), t, &spans, 2)
                })
                .collect();
            project(name, docs)
        })
        .collect();
    projects[2].documents.pop();
    projects
}

/// What the script reads: tokens and every annotator's spans per document.
fn input(comparison: &Comparison, projects: &[Project]) -> Value {
    let documents: Vec<Value> = comparison
        .documents
        .iter()
        .map(|doc| {
            let spans: Vec<Value> = doc
                .present
                .iter()
                .zip(projects)
                .map(|(index, project)| match index {
                    Some(i) => json!(
                        project.documents[*i]
                            .spans()
                            .iter()
                            .map(|s| json!([s.start, s.end, s.label]))
                            .collect::<Vec<_>>()
                    ),
                    None => Value::Null,
                })
                .collect();
            json!({ "tokens": tokens(&doc.text), "spans": spans })
        })
        .collect();
    json!({
        "labels": comparison.labels.iter().map(|l| l.key.clone()).collect::<Vec<_>>(),
        "annotators": comparison.annotators.iter().map(|a| a.name.clone()).collect::<Vec<_>>(),
        "documents": documents,
    })
}

fn assert_close(what: &str, ours: Option<f64>, theirs: &Value) {
    match (ours, theirs.as_f64()) {
        (Some(ours), Some(theirs)) => {
            assert!(
                (ours - theirs).abs() < 1e-9,
                "{what}: ours {ours}, Python's {theirs}"
            )
        }
        (None, None) => {}
        (ours, _) => panic!("{what}: ours {ours:?}, Python's {theirs}"),
    }
}

#[test]
fn kappa_and_alpha_match_scikit_learn_and_krippendorff() {
    if !python_has_the_packages() {
        eprintln!(
            "note: skipping the Python agreement check: python3 with krippendorff, scikit-learn and numpy is not available (pip install krippendorff scikit-learn numpy)"
        );
        return;
    }
    let projects = realistic();
    let (comparison, agreement) = measure(&[&projects[0], &projects[1], &projects[2]]);
    assert_eq!(comparison.missing_documents().count(), 1);
    let dir = temp_dir();
    let path = dir.path().join("agreement.json");
    std::fs::write(&path, input(&comparison, &projects).to_string()).expect("write the input");
    let script = crate::binary::checkout().join("tests/python/check_agreement.py");
    let output = Command::new("python3")
        .arg(script)
        .arg(&path)
        .output()
        .expect("run python3");
    assert!(
        output.status.success(),
        "the Python check failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let theirs: Value = serde_json::from_slice(&output.stdout).expect("the script prints JSON");
    let figures = &agreement.project;
    let mut compared = 0;
    for pair in &figures.pairs {
        let key = format!(
            "{}/{}",
            comparison.annotators[pair.a].name, comparison.annotators[pair.b].name
        );
        assert_close(
            &format!("exact F1 {key}"),
            pair.exact_overall().f1(),
            &theirs["exact_f1"][&key],
        );
        for (l, label) in comparison.labels.iter().enumerate() {
            let what = format!("kappa {key} {}", label.key);
            assert_close(&what, pair.kappa(l), &theirs["kappa"][&key][&label.key]);
            compared += usize::from(pair.kappa(l).is_some());
        }
    }
    for (l, label) in comparison.labels.iter().enumerate() {
        let what = format!("alpha {}", label.key);
        assert_close(&what, figures.alpha(l), &theirs["alpha"][&label.key]);
        compared += usize::from(figures.alpha(l).is_some());
    }
    // Not a vacuous pass: most figures are defined and not all agreement is perfect.
    assert!(compared >= 14, "only {compared} figures were defined");
    assert!(figures.alpha_macro().is_some_and(|a| a < 0.95));
    eprintln!(
        "python: {compared} kappa and alpha figures agree with scikit-learn and krippendorff"
    );
}
