//! Issue 11, through the real binary: nothing a user points Marginalia at is ever
//! destroyed (the project as an output under any spelling, symlinks, FIFOs, standard
//! output, permissions under a strict and a loose umask), what is written reads back,
//! and options mean what they say.

use crate::binary::{assert_code, run, text};
use std::fs;
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _, symlink};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use marginalia::store;

use crate::support::{fixture_path, temp_dir};

const FORMATS: [&str; 5] = ["jsonl", "spacy", "conll", "csv", "brat"];

/// Runs `marginalia ARGS` in `dir` under a shell that first sets `umask`.
fn with_umask(umask: &str, args: &[&str], dir: &Path) -> Output {
    let mut script = format!("umask {umask}; exec \"$0\"");
    for n in 1..=args.len() {
        script.push_str(&format!(" \"${n}\""));
    }
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_marginalia"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run marginalia under sh")
}

/// A folder holding a copy of the fixture project as `p.ron`.
fn with_fixture() -> tempfile::TempDir {
    let temp = temp_dir();
    fs::copy(fixture_path(), temp.path().join("p.ron")).expect("copy the fixture");
    temp
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).expect("exists").permissions().mode() & 0o777
}

#[test]
fn no_export_writes_over_the_project_however_it_is_spelled() {
    let temp = with_fixture();
    let dir = temp.path();
    fs::create_dir(dir.join("sub")).expect("a folder");
    symlink("p.ron", dir.join("link.ron")).expect("a symlink");
    fs::hard_link(dir.join("p.ron"), dir.join("hard.ron")).expect("a hard link");
    let before = fs::read(dir.join("p.ron")).expect("reads");
    let absolute = dir.join("p.ron");
    let spellings = [
        "p.ron",
        "./p.ron",
        "sub/../p.ron",
        absolute.to_str().expect("utf-8"),
        "link.ron",
        "hard.ron",
    ];
    for format in FORMATS {
        for out in spellings {
            let output = run(dir, &["export", "p.ron", "--format", format, "-o", out]);
            assert_code(&output, 2);
            assert!(
                text(&output.stderr).contains("overwrite"),
                "{format} -o {out}: {}",
                text(&output.stderr)
            );
            assert_eq!(fs::read(dir.join("p.ron")).expect("reads"), before);
        }
        // Read through the link, written to the file: the same file again.
        let output = run(
            dir,
            &["export", "link.ron", "--format", format, "-o", "p.ron"],
        );
        assert_code(&output, 2);
    }
    assert!(
        fs::symlink_metadata(dir.join("link.ron"))
            .expect("there")
            .is_symlink()
    );
    assert!(!dir.join("p.ron.bak").exists());
}

#[test]
fn import_and_add_never_take_the_project_as_an_input() {
    let temp = with_fixture();
    let dir = temp.path();
    symlink("p.ron", dir.join("link.ron")).expect("a symlink");
    let before = fs::read(dir.join("p.ron")).expect("reads");
    for args in [
        &["import", "p.ron", "--format", "txt", "p.ron"][..],
        &["import", "p.ron", "--format", "jsonl", "./link.ron"],
        &["import", "link.ron", "--format", "md", "p.ron"],
        &["add", "p.ron", "link.ron"],
        &["add", "link.ron", "p.ron"],
    ] {
        let output = run(dir, args);
        assert_code(&output, 2);
        assert!(
            text(&output.stderr).contains("overwrite"),
            "{args:?}: {}",
            text(&output.stderr)
        );
        assert_eq!(fs::read(dir.join("p.ron")).expect("reads"), before);
    }
}

#[test]
fn saving_through_a_symlink_writes_the_file_it_points_to() {
    let temp = with_fixture();
    let dir = temp.path();
    fs::create_dir(dir.join("synced")).expect("a folder");
    fs::rename(dir.join("p.ron"), dir.join("synced/p.ron")).expect("moves");
    symlink("synced/p.ron", dir.join("link.ron")).expect("a symlink");
    fs::write(dir.join("new.txt"), "A new article\n\nWith a body.\n").expect("writes");
    let output = run(dir, &["add", "link.ron", "new.txt"]);
    assert_code(&output, 0);
    assert!(
        fs::symlink_metadata(dir.join("link.ron"))
            .expect("there")
            .is_symlink(),
        "the link was replaced by a file"
    );
    let project = store::load(&dir.join("synced/p.ron"))
        .expect("loads")
        .project;
    assert!(project.documents.iter().any(|d| d.id == "new"));
    assert!(
        dir.join("synced/p.ron.bak").exists(),
        "no backup at the target"
    );
    assert!(!dir.join("link.ron.bak").exists());

    // An export through a symlink also lands in the file the link points to.
    symlink("synced/out.jsonl", dir.join("out.jsonl")).expect("a symlink");
    let output = run(
        dir,
        &["export", "link.ron", "--format", "jsonl", "-o", "out.jsonl"],
    );
    assert_code(&output, 0);
    assert!(
        fs::symlink_metadata(dir.join("out.jsonl"))
            .expect("there")
            .is_symlink()
    );
    assert!(
        fs::read(dir.join("synced/out.jsonl"))
            .expect("written")
            .len()
            > 100
    );
}

#[test]
fn standard_output_fifos_and_devices_are_written_as_streams() {
    let temp = with_fixture();
    let dir = temp.path();
    for format in ["jsonl", "spacy", "conll", "csv"] {
        let output = run(
            dir,
            &["export", "p.ron", "--format", format, "-o", "file.out"],
        );
        assert_code(&output, 0);
        let expected = fs::read(dir.join("file.out")).expect("written");

        // `-o -`: the dataset on stdout, the report on stderr.
        let output = run(dir, &["export", "p.ron", "--format", format, "-o", "-"]);
        assert_code(&output, 0);
        assert_eq!(output.stdout, expected, "{format} to -");
        assert!(text(&output.stderr).contains("exported 3 documents"));
        assert!(!dir.join("-").exists());

        // /dev/stdout, a pipe here.
        let output = run(
            dir,
            &["export", "p.ron", "--format", format, "-o", "/dev/stdout"],
        );
        assert_code(&output, 0);
        assert_eq!(
            output.stdout, expected,
            "{format} to /dev/stdout: the data alone"
        );
        assert!(text(&output.stderr).contains("exported 3 documents"));

        // A FIFO: read by another process while the export writes into it.
        let fifo = dir.join("pipe");
        let _ = fs::remove_file(&fifo);
        let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
        assert!(made.success());
        let reader = Command::new("cat")
            .arg(&fifo)
            .stdout(Stdio::piped())
            .spawn()
            .expect("cat");
        let output = run(dir, &["export", "p.ron", "--format", format, "-o", "pipe"]);
        assert_code(&output, 0);
        let read = reader.wait_with_output().expect("cat ends");
        assert_eq!(read.stdout, expected, "{format} through a FIFO");
        use std::os::unix::fs::FileTypeExt as _;
        assert!(
            fs::symlink_metadata(&fifo)
                .expect("there")
                .file_type()
                .is_fifo()
        );
    }
    let output = run(
        dir,
        &["export", "p.ron", "--format", "jsonl", "-o", "/dev/null"],
    );
    assert_code(&output, 0);
    assert!(Path::new("/dev/null").exists());
    // A folder or a split cannot go to stdout.
    let output = run(dir, &["export", "p.ron", "--format", "brat", "-o", "-"]);
    assert_code(&output, 2);
}

#[test]
fn new_files_get_the_umask_and_overwritten_files_keep_their_mode() {
    for (umask, file_mode, dir_mode) in [("077", 0o600, 0o700), ("022", 0o644, 0o755)] {
        let temp = with_fixture();
        let dir = temp.path();
        for format in ["jsonl", "spacy", "conll", "csv"] {
            let out = format!("out.{format}");
            let output = with_umask(
                umask,
                &["export", "p.ron", "--format", format, "-o", &out],
                dir,
            );
            assert_code(&output, 0);
            assert_eq!(
                mode(&dir.join(&out)),
                file_mode,
                "{format} under umask {umask}"
            );
            // An existing file keeps its mode, whatever the umask.
            fs::set_permissions(dir.join(&out), fs::Permissions::from_mode(0o640)).expect("chmod");
            let output = with_umask(
                umask,
                &["export", "p.ron", "--format", format, "-o", &out],
                dir,
            );
            assert_code(&output, 0);
            assert_eq!(mode(&dir.join(&out)), 0o640, "{format} overwritten");
        }
        let output = with_umask(
            umask,
            &["export", "p.ron", "--format", "brat", "-o", "brat"],
            dir,
        );
        assert_code(&output, 0);
        assert_eq!(
            mode(&dir.join("brat")),
            dir_mode,
            "brat folder under {umask}"
        );

        // Projects: a new one gets the umask, a saved one keeps its mode.
        let output = with_umask(
            umask,
            &["new", "n.ron", "--name", "n", "--annotator", "a"],
            dir,
        );
        assert_code(&output, 0);
        assert_eq!(mode(&dir.join("n.ron")), file_mode);
        fs::set_permissions(dir.join("n.ron"), fs::Permissions::from_mode(0o664)).expect("chmod");
        fs::write(dir.join("a.txt"), "Title\n\nBody.\n").expect("writes");
        let output = with_umask(umask, &["add", "n.ron", "a.txt"], dir);
        assert_code(&output, 0);
        assert_eq!(mode(&dir.join("n.ron")), 0o664);
        let inode = fs::metadata(dir.join("n.ron")).expect("there").ino();
        assert_ne!(inode, 0);
    }
}

#[test]
fn validate_checks_every_file_and_exits_with_the_worst_status() {
    let temp = with_fixture();
    let dir = temp.path();
    fs::copy(fixture_path(), dir.join("b.ron")).expect("copy");
    let output = run(dir, &["validate", "p.ron", "missing.ron", "b.ron"]);
    assert_code(&output, 2);
    let out = text(&output.stdout);
    assert!(out.contains("p.ron: valid"), "{out}");
    assert!(out.contains("b.ron: valid"), "{out}");
    assert!(text(&output.stderr).contains("missing.ron"));
    fs::write(dir.join("bad.ron"), "(version: 1,").expect("writes");
    let output = run(dir, &["validate", "bad.ron", "p.ron"]);
    assert_code(&output, 1);
    let output = run(dir, &["validate", "missing.ron", "bad.ron"]);
    assert_code(&output, 2);
    assert!(text(&output.stdout).contains("bad.ron: invalid"));
}

/// A JSONL dataset of one line per `(id, text, entities)`.
fn jsonl(lines: &[(&str, &str, &str)]) -> String {
    lines
        .iter()
        .map(|(id, text, entities)| {
            format!(
                "{{\"id\": {}, \"text\": {}, \"entities\": [{entities}]}}\n",
                serde_json::to_string(id).expect("json"),
                serde_json::to_string(text).expect("json"),
                entities = entities.replace('\n', " ")
            )
        })
        .collect()
}

fn new_project(dir: &Path) {
    let output = run(dir, &["new", "p.ron", "--name", "p", "--annotator", "a"]);
    assert_code(&output, 0);
}

#[test]
fn mappings_apply_at_once_and_a_label_mapped_twice_is_refused() {
    let temp = temp_dir();
    let dir = temp.path();
    new_project(dir);
    let entities = r#"{"id": 1, "label": "quote", "start_offset": 0, "end_offset": 5},
                      {"id": 2, "label": "actor", "start_offset": 6, "end_offset": 11}"#;
    fs::write(
        dir.join("in.jsonl"),
        jsonl(&[("d", "Hello world", entities)]),
    )
    .expect("writes");
    let output = run(
        dir,
        &[
            "import",
            "p.ron",
            "--format",
            "jsonl",
            "in.jsonl",
            "--map",
            "quote=actor",
            "--map",
            "actor=quote",
        ],
    );
    assert_code(&output, 0);
    let project = store::load(&dir.join("p.ron")).expect("loads").project;
    let labels: Vec<&str> = project.documents[0]
        .spans()
        .iter()
        .map(|s| s.label.as_str())
        .collect();
    assert_eq!(labels, ["actor", "quote"], "the two labels swap");

    let before = fs::read(dir.join("p.ron")).expect("reads");
    let output = run(
        dir,
        &[
            "import",
            "p.ron",
            "--format",
            "jsonl",
            "in.jsonl",
            "--map",
            "quote=actor",
            "--map",
            "quote=claim",
        ],
    );
    assert_code(&output, 2);
    assert!(text(&output.stderr).contains("mapped twice"));
    assert_eq!(fs::read(dir.join("p.ron")).expect("reads"), before);
}

#[test]
fn unsafe_document_ids_are_renamed_and_say_why() {
    let temp = temp_dir();
    let dir = temp.path();
    new_project(dir);
    let long = "x".repeat(300);
    let lines = [
        ("../etc/passwd", "One text.", ""),
        ("a/b", "Two text.", ""),
        ("a\\b", "Three text.", ""),
        ("tab\there", "Four text.", ""),
        (long.as_str(), "Five text.", ""),
        ("", "Six text.", ""),
        ("fine-id", "Seven text.", ""),
    ];
    fs::write(dir.join("in.jsonl"), jsonl(&lines)).expect("writes");
    let output = run(dir, &["import", "p.ron", "--format", "jsonl", "in.jsonl"]);
    assert_code(&output, 0);
    let out = text(&output.stdout);
    for why in [
        "it has `..`",
        "it has a path separator",
        "it has control characters",
        "it is longer than a file name may be",
        "it is blank",
    ] {
        assert!(out.contains(why), "{why:?} not said:\n{out}");
    }
    assert!(!out.contains("already has a document ``"), "{out}");
    let project = store::load(&dir.join("p.ron")).expect("loads").project;
    for doc in &project.documents {
        assert!(
            !doc.id.contains(['/', '\\', '\t']) && !doc.id.contains("..") && doc.id.len() <= 200,
            "{:?}",
            doc.id
        );
    }
    assert!(project.documents.iter().any(|d| d.id == "fine-id"));
}

#[test]
fn empty_texts_are_refused_on_import_as_add_refuses_them() {
    let temp = temp_dir();
    let dir = temp.path();
    new_project(dir);
    fs::write(
        dir.join("in.jsonl"),
        jsonl(&[("a", "Text.", ""), ("b", "", "")]),
    )
    .expect("writes");
    let output = run(dir, &["import", "p.ron", "--format", "jsonl", "in.jsonl"]);
    assert_code(&output, 1);
    assert!(text(&output.stderr).contains("in.jsonl:2: the text is empty"));
    fs::write(dir.join("empty.txt"), "  \n").expect("writes");
    let output = run(dir, &["add", "p.ron", "empty.txt"]);
    assert_code(&output, 2);
}

#[test]
fn imports_never_write_a_project_that_validate_rejects() {
    let temp = temp_dir();
    let dir = temp.path();
    new_project(dir);
    // Ids at and past 2^53, and u64::MAX (which once wrapped to 0).
    let entities = r#"{"id": 9007199254740992, "label": "actor", "start_offset": 0, "end_offset": 5},
                      {"id": 18446744073709551615, "label": "quote", "start_offset": 6, "end_offset": 11},
                      {"id": 9007199254740991, "label": "claim", "start_offset": 0, "end_offset": 11}"#;
    fs::write(
        dir.join("in.jsonl"),
        jsonl(&[("d", "Hello world", entities)]),
    )
    .expect("writes");
    let output = run(dir, &["import", "p.ron", "--format", "jsonl", "in.jsonl"]);
    assert_code(&output, 0);
    let output = run(dir, &["validate", "p.ron"]);
    assert_code(&output, 0);

    // A blank label or link type cannot be added to the schema.
    let blank = r#"{"id": 1, "label": "  ", "start_offset": 0, "end_offset": 5}"#;
    fs::write(
        dir.join("blank.jsonl"),
        jsonl(&[("e", "Other text", blank)]),
    )
    .expect("writes");
    let before = fs::read(dir.join("p.ron")).expect("reads");
    let output = run(
        dir,
        &[
            "import",
            "p.ron",
            "--format",
            "jsonl",
            "blank.jsonl",
            "--add-labels",
        ],
    );
    assert_code(&output, 1);
    assert!(
        text(&output.stderr).contains("blank label"),
        "{}",
        text(&output.stderr)
    );
    assert_eq!(fs::read(dir.join("p.ron")).expect("reads"), before);
    let relation = r#"{"id": 1, "label": "actor", "start_offset": 0, "end_offset": 5},
                      {"id": 2, "label": "quote", "start_offset": 6, "end_offset": 10}"#;
    let line = format!(
        "{{\"id\": \"f\", \"text\": \"Third text\", \"entities\": [{relation}], \
         \"relations\": [{{\"id\": 1, \"from_id\": 2, \"to_id\": 1, \"type\": \" \"}}]}}\n",
        relation = relation.replace('\n', " ")
    );
    fs::write(dir.join("rel.jsonl"), line).expect("writes");
    let output = run(
        dir,
        &[
            "import",
            "p.ron",
            "--format",
            "jsonl",
            "rel.jsonl",
            "--add-labels",
        ],
    );
    assert_code(&output, 1);
    assert!(
        text(&output.stderr).contains("blank type"),
        "{}",
        text(&output.stderr)
    );
    let output = run(dir, &["validate", "p.ron"]);
    assert_code(&output, 0);
}

mod hostile {
    use std::path::Path;

    use marginalia::formats::{self, Format, ImportOptions};
    use marginalia::model::Project;
    use marginalia::store;
    use proptest::prelude::*;

    /// An id as a hostile dataset might give it: small, near or past 2^53, the largest.
    fn span_id() -> impl Strategy<Value = serde_json::Value> {
        prop_oneof![
            (0u64..5).prop_map(serde_json::Value::from),
            ((1u64 << 53) - 2..(1u64 << 53) + 2).prop_map(serde_json::Value::from),
            Just(serde_json::Value::from(u64::MAX)),
            Just(serde_json::Value::from("")),
            Just(serde_json::Value::from("x")),
        ]
    }

    fn label() -> impl Strategy<Value = String> {
        prop::sample::select(vec!["actor", "quote", "claim", "new", "", " ", "a b", "\t"])
            .prop_map(str::to_owned)
    }

    fn doc_id() -> impl Strategy<Value = String> {
        prop::sample::select(vec!["d", "d", "", " ", "..", "a/b", "x\u{1}", "ok"])
            .prop_map(str::to_owned)
    }

    fn line() -> impl Strategy<Value = serde_json::Value> {
        let entity = (span_id(), label(), 0usize..14, 0usize..14);
        let relation = (span_id(), span_id(), span_id(), label());
        (
            doc_id(),
            prop::sample::select(vec!["Hello world!", "", "Zoë 👩‍👩‍👧 said", "  "]),
            prop::collection::vec(entity, 0..6),
            prop::collection::vec(relation, 0..3),
        )
            .prop_map(|(id, text, entities, relations)| {
                serde_json::json!({
                    "id": id,
                    "text": text,
                    "entities": entities.into_iter().map(|(id, label, start, end)| serde_json::json!({
                        "id": id, "label": label, "start_offset": start, "end_offset": end,
                    })).collect::<Vec<_>>(),
                    "relations": relations.into_iter().map(|(id, from, to, kind)| serde_json::json!({
                        "id": id, "from_id": from, "to_id": to, "type": kind,
                    })).collect::<Vec<_>>(),
                })
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(150))]

        /// Whatever a hostile JSONL file holds, an import that succeeds leaves a project
        /// that the loader (what `validate` runs) accepts.
        #[test]
        fn a_successful_import_always_validates(
            lines in prop::collection::vec(line(), 1..5),
            add_labels in any::<bool>(),
            map_new in any::<bool>(),
        ) {
            let temp = tempfile::tempdir().expect("a folder");
            let input = temp.path().join("in.jsonl");
            let content: String = lines.iter().map(|l| format!("{l}\n")).collect();
            std::fs::write(&input, content).expect("writes");
            let mut project = Project::new("p", "a");
            let mut options = ImportOptions::new(Format::Jsonl);
            options.add_labels = add_labels;
            if map_new {
                options.map = vec![("new".into(), "actor".into()), ("actor".into(), "new".into())];
            }
            if formats::import(&mut project, &options, &[input]).is_ok() {
                let written = store::to_ron(&project);
                let loaded = store::from_str(&written, Path::new("p.ron"));
                prop_assert!(loaded.is_ok(), "{:?}\n{written}", loaded.err());
            }
        }
    }
}

/// brat fragments cannot start or end on a line break: trimmed, "big\n" is "big", which
/// brat cannot hold twice. The export leaves one out and says so, and its own import
/// then reads the folder back.
#[test]
fn brat_leaves_out_a_span_that_trimming_makes_a_duplicate() {
    use marginalia::formats::{ExportOptions, Format, ImportOptions};
    use marginalia::model::{Document, Project};

    use crate::support::{add_span, export, import_fresh};

    let mut project = Project::new("brat", "tester");
    let mut doc = Document::new("d", "D", "big\nnews\n");
    add_span(&project, &mut doc, "big", 0, "quote");
    add_span(&project, &mut doc, "big\n", 0, "quote");
    add_span(&project, &mut doc, "\nnews", 0, "claim");
    // Here the trimmed span comes first in reading order; the exact one is kept.
    add_span(&project, &mut doc, "news", 0, "claim");
    project.documents.push(doc);
    let temp = temp_dir();
    let out = temp.path().join("brat");
    let report = export(&project, &ExportOptions::new(Format::Brat), &out);
    let duplicate = report
        .left_out
        .iter()
        .find(|o| o.reason.contains("same as another span"))
        .expect("the collision is reported");
    assert_eq!(duplicate.count, 2);
    assert_eq!(report.spans, 2, "the two spans written exactly");
    assert_eq!(report.spans_left_out(), 2);
    let (imported, _) = import_fresh(
        &project,
        &ImportOptions::new(Format::Brat),
        &[out.join("d.ann")],
    );
    let spans: Vec<(usize, usize, &str)> = imported.documents[0]
        .spans()
        .iter()
        .map(|s| (s.start, s.end, s.label.as_str()))
        .collect();
    assert_eq!(spans, [(0, 3, "quote"), (4, 8, "claim")]);
}
