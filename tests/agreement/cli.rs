//! `marginalia agree`, run as the real binary: exit codes (0 compared, 1 no document in
//! common, 2 usage or IO error), the tables, and the JSON's shape.

use crate::binary::{assert_code, run, stderr, stdout};
use std::path::{Path, PathBuf};

use marginalia::model::Project;
use marginalia::store::{self, SaveMode};
use serde_json::Value;

use crate::support::{document, project, temp_dir};

const TEXT: &str = "aa bb cc dd ee ff gg hh";

fn save(dir: &Path, name: &str, project: &Project) -> PathBuf {
    let path = dir.join(name);
    store::save(project, &path, None, SaveMode::Safe).expect("save");
    path
}

/// The README's worked example: alice and bob on one document (label indices of the
/// default schema: 0 claim, 1 quote, 2 location, 3 actor).
fn alice_and_bob(dir: &Path) {
    let alice = project(
        "alice",
        vec![document(
            "talks",
            TEXT,
            &[(0, 5, 3), (6, 11, 1), (12, 14, 3)],
            1,
        )],
    );
    let bob = project(
        "bob",
        vec![document(
            "other-id",
            TEXT,
            &[(0, 5, 3), (6, 11, 2), (12, 17, 3), (18, 23, 1)],
            1,
        )],
    );
    save(dir, "alice.ron", &alice);
    save(dir, "bob.ron", &bob);
}

#[test]
fn agree_prints_tables_of_every_metric() {
    let dir = temp_dir();
    alice_and_bob(dir.path());
    let output = run(dir.path(), &["agree", "alice.ron", "bob.ron"]);
    assert_code(&output, 0);
    let out = stdout(&output);
    for heading in [
        "annotators: 2 (alice (alice), bob (bob))",
        "documents: 1 compared",
        "Exact span F1",
        "Relaxed span F1",
        "Token-level Cohen's kappa",
        "Krippendorff's alpha",
        "Link F1",
        "Confusion of labels on the same ranges: alice (rows) against bob (columns)",
        "Per document",
    ] {
        assert!(out.contains(heading), "no {heading:?} in:\n{out}");
    }
    // Figures of the worked example: exact 2/7, relaxed 4/7, actor kappa 0.75.
    let line = |start: &str, table: &str| {
        let from = out.find(table).expect("table");
        out[from..]
            .lines()
            .find(|l| l.trim_start().starts_with(start))
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(line("overall", "Exact span F1"), "overall 0.286");
    assert_eq!(line("overall", "Relaxed span F1"), "overall 0.571");
    assert_eq!(line("actor", "Token-level"), "actor 0.750");
    assert_eq!(line("claim", "Token-level"), "claim n/a");
    assert_eq!(line("quote", "Confusion"), "quote 0 0 1 0 0");
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
}

#[test]
fn agree_json_is_keyed_by_metric_pair_and_label() {
    let dir = temp_dir();
    alice_and_bob(dir.path());
    let output = run(dir.path(), &["agree", "alice.ron", "bob.ron", "--json"]);
    assert_code(&output, 0);
    let json: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    let project = &json["project"];
    let close = |value: &Value, want: f64| {
        let value = value
            .as_f64()
            .unwrap_or_else(|| panic!("{value} is no number"));
        assert!((value - want).abs() < 1e-9, "{value} is not {want}");
    };
    close(
        &project["exact_f1"]["alice/bob"]["overall"]["f1"],
        2.0 / 7.0,
    );
    assert_eq!(project["exact_f1"]["alice/bob"]["overall"]["matched"], 1);
    close(
        &project["exact_f1"]["alice/bob"]["labels"]["actor"]["f1"],
        0.5,
    );
    close(
        &project["relaxed_f1"]["alice/bob"]["overall"]["f1"],
        4.0 / 7.0,
    );
    close(&project["kappa"]["alice/bob"]["labels"]["actor"], 0.75);
    assert!(project["kappa"]["alice/bob"]["labels"]["claim"].is_null());
    close(&project["alpha"]["labels"]["actor"], 1.0 - 15.0 / 63.0);
    assert!(project["alpha"]["labels"]["claim"].is_null());
    close(&project["links_f1"]["alice/bob"]["overall"]["f1"], 0.0);
    let confusion = &project["confusion"]["alice/bob"];
    assert_eq!(confusion["labels"][4], "none");
    assert_eq!(confusion["counts"][1][2], 1, "quote against location");
    assert_eq!(json["documents"]["compared"], 1);
    assert_eq!(json["annotators"][0]["name"], "alice");
    let per_document = json["per_document"].as_array().expect("documents");
    assert_eq!(per_document.len(), 1);
    assert_eq!(per_document[0]["id"], "talks");
    assert_eq!(per_document[0]["disagreements"], 3);
    close(
        &per_document[0]["exact_f1"]["alice/bob"]["overall"]["f1"],
        2.0 / 7.0,
    );
}

#[test]
fn missing_documents_and_schema_differences_are_reported() {
    let dir = temp_dir();
    let doc = |id: &str, text: &str| document(id, text, &[(0, 2, 3)], 1);
    let alice = project(
        "alice",
        vec![doc("one", TEXT), doc("two", "only alice has it")],
    );
    let mut bob = project("alice", vec![doc("one", TEXT)]);
    bob.schema.labels[0].name = "Statement".into();
    let carol = project(
        "carol",
        vec![doc("one", TEXT), doc("two", "only alice has it")],
    );
    save(dir.path(), "a.ron", &alice);
    save(dir.path(), "b.ron", &bob);
    save(dir.path(), "c.ron", &carol);
    let output = run(dir.path(), &["agree", "a.ron", "b.ron", "c.ron"]);
    assert_code(&output, 0);
    let out = stdout(&output);
    assert!(
        out.contains("`two` (\"two\") is missing from alice (b)"),
        "{out}"
    );
    assert!(
        out.contains("label `claim` has another name: \"Claim\" (alice (a), carol), \"Statement\" (alice (b))"),
        "{out}"
    );
    // Three annotators: the mean pairwise kappa column.
    assert!(out.contains("mean"), "{out}");
    let json: Value = serde_json::from_str(&stdout(&run(
        dir.path(),
        &["agree", "a.ron", "b.ron", "c.ron", "--json"],
    )))
    .expect("JSON");
    assert_eq!(
        json["documents"]["missing"][0]["missing_from"][0],
        "alice (b)"
    );
    assert_eq!(json["schema_differences"].as_array().map(Vec::len), Some(1));
    assert!(json["project"]["kappa"]["alice (a)/carol"].is_object());
    assert!(json["project"]["mean_kappa"]["labels"]["actor"].is_number());
}

#[test]
fn files_with_no_document_in_common_exit_1() {
    let dir = temp_dir();
    save(
        dir.path(),
        "a.ron",
        &project("alice", vec![document("x", TEXT, &[], 1)]),
    );
    save(
        dir.path(),
        "b.ron",
        &project("bob", vec![document("x", "another text", &[], 1)]),
    );
    let output = run(dir.path(), &["agree", "a.ron", "b.ron"]);
    assert_code(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains("cannot compare a.ron and b.ron: they have no document in common"),
        "{err}"
    );
    // The report still lists what each file has.
    assert!(
        stdout(&output).contains("is missing from bob"),
        "{}",
        stdout(&output)
    );
    assert_code(&run(dir.path(), &["agree", "a.ron", "b.ron", "--json"]), 1);
}

#[test]
fn usage_and_io_errors_exit_2() {
    let dir = temp_dir();
    alice_and_bob(dir.path());
    let one = run(dir.path(), &["agree", "alice.ron"]);
    assert_code(&one, 2);
    assert!(stderr(&one).contains("FILE"), "{}", stderr(&one));
    assert_code(&run(dir.path(), &["agree"]), 2);
    let missing = run(dir.path(), &["agree", "alice.ron", "nobody.ron"]);
    assert_code(&missing, 2);
    let err = stderr(&missing);
    assert_eq!(err.matches("error:").count(), 1, "{err}");
    assert!(err.contains("nobody.ron"), "{err}");
    assert!(
        stdout(&missing).is_empty(),
        "nothing is printed before every file loaded"
    );
    std::fs::write(dir.path().join("broken.ron"), "(version: 1, name: ").expect("write");
    assert_code(&run(dir.path(), &["agree", "alice.ron", "broken.ron"]), 2);
}
