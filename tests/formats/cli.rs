//! `marginalia export` and `marginalia import`: exit codes 0 (done), 1 (a check failed:
//! --strict lost spans, or the input has problems), 2 (usage or IO error), and errors
//! printed once.

use crate::binary::{run, text};

use crate::support::{fixture_path, temp_dir};

#[test]
fn export_then_import_through_the_command_line() {
    let temp = temp_dir();
    let dir = temp.path();
    let fixture = fixture_path();
    let fixture = fixture.to_str().expect("utf-8 path");
    let output = run(
        dir,
        &[
            "export",
            fixture,
            "--format",
            "jsonl",
            "-o",
            "out.jsonl",
            "--offsets",
            "utf16",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains(
            "exported 3 documents (20 spans, 6 links, 4 notes) as jsonl, offsets in utf16"
        ),
        "{stdout}"
    );
    assert!(
        output.stderr.is_empty(),
        "no progress bar when not on a terminal: {}",
        text(&output.stderr)
    );

    let output = run(dir, &["new", "p.ron", "--name", "p", "--annotator", "me"]);
    assert_eq!(output.status.code(), Some(0));
    let output = run(dir, &["import", "p.ron", "--format", "jsonl", "out.jsonl"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout)
            .contains("imported 3 documents (20 spans, 6 links, 4 notes) into p.ron"),
        "{}",
        text(&output.stdout)
    );
    let loaded = marginalia::store::load(&dir.join("p.ron")).expect("saved project");
    assert_eq!(loaded.project.span_count(), 20);
}

#[test]
fn strict_export_that_loses_spans_exits_1_and_writes_nothing() {
    let temp = temp_dir();
    let fixture = fixture_path();
    let fixture = fixture.to_str().expect("utf-8 path");
    let output = run(
        temp.path(),
        &[
            "export", fixture, "--format", "conll", "-o", "x.conll", "--strict",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.contains("spans left out: inside or across a longer span"),
        "{stderr}"
    );
    assert!(!temp.path().join("x.conll").exists());
    // Without --strict the same export succeeds and says what it left out.
    let output = run(
        temp.path(),
        &[
            "export", fixture, "--format", "conll", "-o", "x.conll", "--layer", "inner",
        ],
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(
        text(&output.stdout).contains("not carried by conll:"),
        "{}",
        text(&output.stdout)
    );
}

#[test]
fn import_with_problems_exits_1_and_leaves_the_project_alone() {
    let temp = temp_dir();
    let dir = temp.path();
    assert_eq!(
        run(dir, &["new", "p.ron", "--name", "p", "--annotator", "me"])
            .status
            .code(),
        Some(0)
    );
    let before = std::fs::read(dir.join("p.ron")).expect("project");
    std::fs::write(dir.join("ok.txt"), "A good article.\n").expect("write");
    std::fs::write(
        dir.join("bad.jsonl"),
        "{\"text\": \"Kyiv\", \"label\": [[0, 4, \"location\"]]}\n{\"text\": \"Kyiv\", \"label\": [[0, 40, \"GPE\"]]}\n",
    )
    .expect("write");
    let output = run(dir, &["import", "p.ron", "--format", "jsonl", "bad.jsonl"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(
            "bad.jsonl:2: label #1: offset 40 is past the end of the text (4 codepoints)"
        ),
        "{stderr}"
    );
    assert_eq!(std::fs::read(dir.join("p.ron")).expect("project"), before);

    let output = run(dir, &["import", "p.ron", "--format", "txt", "ok.txt"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("added ok.txt as `ok`"),
        "{}",
        text(&output.stdout)
    );
}

#[test]
fn usage_and_io_errors_exit_2() {
    let temp = temp_dir();
    let dir = temp.path();
    let fixture = fixture_path();
    let fixture = fixture.to_str().expect("utf-8 path");
    let cases: [&[&str]; 5] = [
        &[
            "export",
            "missing.ron",
            "--format",
            "jsonl",
            "-o",
            "x.jsonl",
        ],
        &["export", fixture, "--format", "txt", "-o", "x.txt"],
        &[
            "export",
            fixture,
            "--format",
            "jsonl",
            "-o",
            "x.jsonl",
            "--split",
            "train=0.8,dev=0.1",
        ],
        &[
            "export",
            fixture,
            "--format",
            "jsonl",
            "-o",
            "x.jsonl",
            "--offsets",
            "chars16",
        ],
        &["import", fixture, "--format", "spacy", "x.jsonl"],
    ];
    for args in cases {
        let output = run(dir, args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&output.stderr)
        );
        assert!(!output.stderr.is_empty());
    }
    let output = run(
        dir,
        &["import", fixture, "--format", "jsonl", "nowhere.jsonl"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("cannot read nowhere.jsonl"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn split_on_the_command_line_writes_one_file_per_part() {
    let temp = temp_dir();
    let fixture = fixture_path();
    let fixture = fixture.to_str().expect("utf-8 path");
    let args = [
        "export",
        fixture,
        "--format",
        "csv",
        "-o",
        "d.csv",
        "--split",
        "train=0.5,test=0.5",
        "--seed",
        "3",
    ];
    let output = run(temp.path(), &args);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(temp.path().join("d.train.csv").exists());
    assert!(temp.path().join("d.test.csv").exists());
    assert!(!temp.path().join("d.csv").exists());
}
