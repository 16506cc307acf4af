//! The headless commands `new`, `add`, `validate` and `stats`, run as the real binary in
//! a fresh folder each: exit codes (0 ok, 1 invalid project, 2 usage or IO error), what
//! goes to stdout, and errors on stderr, once.

use std::fs;
use std::path::Path;
use std::process::Output;

use marginalia::store;

use crate::common::{fixture, temp_dir};

pub use crate::binary::{assert_code, run, stderr, stdout};

/// Asserts that the command failed with one error, on stderr, mentioning `fragments`.
fn assert_one_error(output: &Output, fragments: &[&str]) {
    assert_code(output, 2);
    let err = stderr(output);
    assert_eq!(
        err.matches("error:").count(),
        1,
        "the error is not printed once:\n{err}"
    );
    for fragment in fragments {
        assert!(err.contains(fragment), "stderr lacks {fragment:?}:\n{err}");
    }
    // Each reason once: a cause the message already states is not repeated.
    for line in err
        .lines()
        .filter(|l| l.trim_start().starts_with("caused by:"))
    {
        let cause = line.trim_start().trim_start_matches("caused by:").trim();
        assert_eq!(
            err.matches(cause).count(),
            1,
            "{cause:?} is said twice:\n{err}"
        );
    }
    assert!(
        output.stdout.is_empty(),
        "an error went to stdout: {}",
        stdout(output)
    );
}

/// A folder with an empty project `p.ron`, made by `marginalia new`.
fn with_project() -> tempfile::TempDir {
    let dir = temp_dir();
    let output = run(
        dir.path(),
        &["new", "p.ron", "--name", "Talks", "--annotator", "zoë"],
    );
    assert_code(&output, 0);
    dir
}

#[test]
fn new_creates_a_valid_empty_project() {
    let dir = with_project();
    let project = store::load(&dir.path().join("p.ron"))
        .expect("the new project loads")
        .project;
    assert_eq!(
        (project.name.as_str(), project.annotator.as_str()),
        ("Talks", "zoë")
    );
    assert!(project.documents.is_empty());
    assert_eq!(project.schema, marginalia::model::Schema::default());
    let output = run(dir.path(), &["validate", "p.ron"]);
    assert_code(&output, 0);
}

#[test]
fn new_refuses_an_existing_file() {
    let dir = with_project();
    let before = fs::read(dir.path().join("p.ron")).expect("read");
    let output = run(
        dir.path(),
        &["new", "p.ron", "--name", "Other", "--annotator", "x"],
    );
    assert_one_error(&output, &["p.ron", "already exists"]);
    assert_eq!(fs::read(dir.path().join("p.ron")).expect("read"), before);
}

#[test]
fn add_reads_txt_and_md_articles() {
    let dir = with_project();
    // A BOM, CRLF line ends and a title line with trailing spaces.
    fs::write(
        dir.path().join("Witkoff in Moscow.txt"),
        "\u{FEFF}Witkoff arrives  \r\n\r\nSteve Witkoff 🇺🇸 landed.\r\n",
    )
    .expect("write");
    fs::write(
        dir.path().join("kyiv.md"),
        "\n## Київ reacts\n\nZelensky said «ні».\n",
    )
    .expect("write");
    let output = run(
        dir.path(),
        &["add", "p.ron", "Witkoff in Moscow.txt", "kyiv.md"],
    );
    assert_code(&output, 0);
    let out = stdout(&output);
    assert!(
        out.contains("added Witkoff in Moscow.txt as `witkoff-in-moscow`"),
        "{out}"
    );
    assert!(out.contains("added kyiv.md as `kyiv`"), "{out}");

    let project = store::load(&dir.path().join("p.ron"))
        .expect("load")
        .project;
    let ids: Vec<_> = project.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["witkoff-in-moscow", "kyiv"]);
    let txt = &project.documents[0];
    assert_eq!(txt.title, "Witkoff arrives");
    assert_eq!(
        txt.text(),
        "Witkoff arrives  \r\n\r\nSteve Witkoff 🇺🇸 landed.\r\n",
        "BOM removed, CRLF kept"
    );
    // Offsets count the \r: "Steve" starts after 17 + 2 + 2 code points.
    assert_eq!(txt.slice(21, 26), Some("Steve"));
    assert_eq!(txt.source.as_deref(), Some("Witkoff in Moscow.txt"));
    let md = &project.documents[1];
    assert_eq!(md.title, "Київ reacts", "Markdown # stripped");
    assert_eq!(md.text(), "\n## Київ reacts\n\nZelensky said «ні».\n");
}

#[test]
fn add_refuses_invalid_utf8_naming_file_and_byte() {
    let dir = with_project();
    let before = fs::read(dir.path().join("p.ron")).expect("read");
    fs::write(dir.path().join("latin1.txt"), b"Caf\xe9 au lait\n").expect("write");
    let output = run(dir.path(), &["add", "p.ron", "latin1.txt"]);
    assert_one_error(&output, &["latin1.txt", "not UTF-8", "offset 3"]);
    // With a BOM, the offset still counts the file's bytes.
    fs::write(dir.path().join("bom.txt"), b"\xEF\xBB\xBFok \xC3\x28\n").expect("write");
    let output = run(dir.path(), &["add", "p.ron", "bom.txt"]);
    assert_one_error(&output, &["bom.txt", "offset 6"]);
    assert_eq!(fs::read(dir.path().join("p.ron")).expect("read"), before);
}

#[test]
fn add_skips_an_article_already_in_the_project() {
    let dir = with_project();
    fs::write(dir.path().join("a.txt"), "Same text\n").expect("write");
    fs::write(dir.path().join("copy.txt"), "Same text\n").expect("write");
    assert_code(&run(dir.path(), &["add", "p.ron", "a.txt"]), 0);
    let path = dir.path().join("p.ron");
    let (before, backup) = (fs::read(&path).expect("read"), store::backup_path(&path));
    let backup_before = fs::read(&backup).expect("the first add kept a backup");
    let output = run(dir.path(), &["add", "p.ron", "copy.txt"]);
    assert_code(&output, 0);
    let out = stdout(&output);
    assert!(
        out.contains("skipped copy.txt: already in the project as `a`"),
        "{out}"
    );
    assert_eq!(
        fs::read(&path).expect("read"),
        before,
        "the project changed"
    );
    assert_eq!(
        fs::read(&backup).expect("read"),
        backup_before,
        "the backup changed"
    );
}

#[test]
fn add_refuses_other_extensions() {
    let dir = with_project();
    let before = fs::read(dir.path().join("p.ron")).expect("read");
    fs::write(dir.path().join("article.docx"), "not really word").expect("write");
    let output = run(dir.path(), &["add", "p.ron", "article.docx"]);
    assert_one_error(&output, &["article.docx", ".txt and .md"]);
    assert_eq!(fs::read(dir.path().join("p.ron")).expect("read"), before);
}

#[test]
fn add_adds_nothing_when_one_article_is_bad() {
    let dir = with_project();
    let before = fs::read(dir.path().join("p.ron")).expect("read");
    fs::write(dir.path().join("good.txt"), "Good article\n").expect("write");
    fs::write(dir.path().join("bad.txt"), b"Bad \xff article\n").expect("write");
    let output = run(dir.path(), &["add", "p.ron", "good.txt", "bad.txt"]);
    assert_one_error(&output, &["bad.txt"]);
    assert_eq!(fs::read(dir.path().join("p.ron")).expect("read"), before);
    // A missing article is no different.
    let output = run(dir.path(), &["add", "p.ron", "good.txt", "missing.txt"]);
    assert_one_error(&output, &["missing.txt"]);
    assert_eq!(fs::read(dir.path().join("p.ron")).expect("read"), before);
}

/// A temp folder holding copies of fixtures, so the messages show short names.
fn with_fixtures(names: &[&str]) -> tempfile::TempDir {
    let dir = temp_dir();
    for name in names {
        let target = dir
            .path()
            .join(Path::new(name).file_name().expect("a file name"));
        fs::copy(fixture(name), target).expect("copy a fixture");
    }
    dir
}

#[test]
fn validate_exits_0_for_a_valid_project() {
    let dir = with_fixtures(&["v1/project.ron"]);
    let output = run(dir.path(), &["validate", "project.ron"]);
    assert_code(&output, 0);
    assert_eq!(
        stdout(&output),
        "project.ron: valid (documents: 3, spans: 20)\n"
    );
    assert!(output.stderr.is_empty(), "{}", stderr(&output));
}

#[test]
fn validate_says_how_many_candidates_are_open_without_failing() {
    let dir = with_fixtures(&["valid/small-v2.ron", "v2/project.ron"]);
    let output = run(dir.path(), &["validate", "small-v2.ron", "project.ron"]);
    assert_code(&output, 0);
    assert_eq!(
        stdout(&output),
        "small-v2.ron: valid (documents: 1, spans: 4)\n\
         small-v2.ron: 2 open candidates in 1 document (0 accepted, 1 rejected)\n\
         project.ron: valid (documents: 3, spans: 17)\n\
         project.ron: 3 open candidates in 1 document (2 accepted, 2 rejected)\n"
    );
}

#[test]
fn validate_exits_1_and_prints_every_problem() {
    let dir = with_fixtures(&[
        "broken/several_problems.ron",
        "broken/unknown_label.ron",
        "v1/project.ron",
    ]);
    let output = run(
        dir.path(),
        &[
            "validate",
            "project.ron",
            "several_problems.ron",
            "unknown_label.ron",
        ],
    );
    assert_code(&output, 1);
    let out = stdout(&output);
    let problems = match store::load(&dir.path().join("several_problems.ron")) {
        Err(store::LoadError::Invalid { problems, .. }) => problems,
        other => panic!("expected problems, got {other:?}"),
    };
    assert_eq!(problems.len(), 6);
    for problem in &problems {
        assert!(
            out.contains(&format!("several_problems.ron: {problem}\n")),
            "{problem} missing:\n{out}"
        );
    }
    assert!(
        out.contains("several_problems.ron: invalid (6 problems)"),
        "{out}"
    );
    assert!(
        out.contains("unknown_label.ron: invalid (1 problem)\n"),
        "{out}"
    );
    assert!(
        out.contains("project.ron: valid"),
        "the valid file is reported too:\n{out}"
    );
}

#[test]
fn validate_exits_1_for_syntax_errors_with_line_and_column() {
    let dir = with_fixtures(&["broken/syntax_error.ron", "broken/newer_version.ron"]);
    let output = run(
        dir.path(),
        &["validate", "syntax_error.ron", "newer_version.ron"],
    );
    assert_code(&output, 1);
    let out = stdout(&output);
    assert!(
        out.contains("syntax_error.ron:23:13: Expected comma"),
        "{out}"
    );
    assert!(out.contains("newer Marginalia, format version 7"), "{out}");
}

#[test]
fn validate_exits_2_for_a_missing_file_or_a_bad_flag() {
    let dir = temp_dir();
    let output = run(dir.path(), &["validate", "missing.ron"]);
    assert_one_error(&output, &["missing.ron"]);
    let output = run(dir.path(), &["validate", "--frobnicate", "missing.ron"]);
    assert_code(&output, 2);
    assert!(
        stderr(&output).contains("--frobnicate"),
        "{}",
        stderr(&output)
    );
    let output = run(dir.path(), &["validate"]);
    assert_code(&output, 2);
}

#[test]
fn stats_counts_spans_links_and_statuses() {
    let dir = with_fixtures(&["v1/project.ron"]);
    let output = run(dir.path(), &["stats", "project.ron"]);
    assert_code(&output, 0);
    assert_eq!(
        stdout(&output),
        "Ukraine talks, week 47 (annotated by Zoë Ångström)\n\
         documents: 3\n  todo: 1\n  in progress: 1\n  done: 1\n\
         spans: 20\n  claim: 2\n  quote: 6\n  location: 6\n  actor: 6\n\
         links: 8\n"
    );
}

#[test]
fn stats_json_has_the_same_numbers() {
    let dir = with_fixtures(&["v1/project.ron"]);
    let output = run(dir.path(), &["stats", "project.ron", "--json"]);
    assert_code(&output, 0);
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("stats --json prints JSON");
    assert_eq!(json["name"], "Ukraine talks, week 47");
    assert_eq!(json["annotator"], "Zoë Ångström");
    assert_eq!(json["documents"], 3);
    assert_eq!(json["total_spans"], 20);
    assert_eq!(json["links"], 8);
    assert_eq!(
        json["spans"],
        serde_json::json!([["claim", 2], ["quote", 6], ["location", 6], ["actor", 6]])
    );
    assert_eq!(
        json["status"],
        serde_json::json!([["todo", 1], ["in_progress", 1], ["done", 1]])
    );
}

#[test]
fn stats_of_a_broken_project_is_one_error_on_stderr() {
    let dir = with_fixtures(&["broken/unknown_label.ron"]);
    let output = run(dir.path(), &["stats", "unknown_label.ron"]);
    assert_one_error(&output, &["unknown_label.ron", "unknown label `place`"]);
}

#[cfg(not(feature = "gui"))]
#[test]
fn no_command_without_a_window_prints_help_and_exits_2() {
    let output = run(&std::env::temp_dir(), &[]);
    assert_code(&output, 2);
    assert!(
        stderr(&output).contains("without the `gui` feature"),
        "{}",
        stderr(&output)
    );
}

/// Texts in reports read as themselves: a Hindi quotation, an accent written as a
/// combining mark, are not turned into `\u{94d}` escapes as Rust's `{:?}` would.
#[test]
fn reports_show_texts_in_any_script_as_they_are() {
    use marginalia::model::{Document, Project};
    let dir = temp_dir();
    let text = "“नमस्ते दुनिया” e\u{301}cole.";
    let mut project = Project::new("hi", "tester");
    project.documents.push(Document::new("hi", "Hindi", text));
    let path = dir.path().join("p.ron");
    store::save(&project, &path, None, store::SaveMode::Safe).expect("save");
    let output = run(dir.path(), &["suggest", "p.ron"]);
    assert_code(&output, 0);
    assert!(
        stdout(&output).contains("\"“नमस्ते दुनिया”\""),
        "{}",
        stdout(&output)
    );
    let output = run(
        dir.path(),
        &["suggest", "p.ron", "--fix", "e\u{301}cole=actor"],
    );
    assert_code(&output, 2);
    assert!(
        stderr(&output).contains("has the text \"e\u{301}cole\""),
        "{}",
        stderr(&output)
    );
}
