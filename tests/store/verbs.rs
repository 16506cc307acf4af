//! A project's own reporting verbs (the speakers suggestion rule's list): saved in the
//! file as version-2 content, read alike by both readers, merged three-way, and used by
//! `marginalia suggest` unless `--verbs` overrides them for one run.

use std::fs;
use std::path::{Path, PathBuf};

use marginalia::merge::merge;
use marginalia::model::{Document, Project};
use marginalia::store::{self, SaveMode};

use crate::cli::{assert_code, run, stdout};
use crate::common::{add_span, fixture, small_project, temp_dir};

fn verbs(list: &[&str]) -> Option<Vec<String>> {
    Some(list.iter().map(|v| (*v).to_owned()).collect())
}

/// The file's bytes read back, by the fast reader and by ron alike.
fn round_trip(project: &Project) -> String {
    let ron = store::to_ron(project);
    assert_eq!(store::fast_reader_agrees(&ron), Ok(true), "{ron}");
    let loaded = store::from_str(&ron, Path::new("verbs.ron")).expect("it loads");
    assert_eq!(&loaded, project);
    assert_eq!(
        store::to_ron(&loaded),
        ron,
        "load then save changed the bytes"
    );
    // Off the writer's layout (a comment), ron alone reads the same project.
    let edited = ron.replacen(
        "    reporting_verbs",
        "    // edited\n    reporting_verbs",
        1,
    );
    assert_eq!(store::fast_reader_agrees(&edited), Ok(false));
    assert_eq!(
        store::from_str(&edited, Path::new("edited.ron"))
            .ok()
            .as_ref(),
        Some(project)
    );
    ron
}

#[test]
fn reporting_verbs_are_saved_after_the_schema_one_per_line_in_version_2() {
    let mut project = small_project();
    project.reporting_verbs = verbs(&["whispered", "according to", "a déclaré", "says \"so\""]);
    let ron = round_trip(&project);
    assert!(ron.starts_with("(\n    version: 2,\n"), "{ron}");
    assert_eq!(store::version_of(&project), 2);
    assert!(
        ron.contains(
            "    ),\n    reporting_verbs: [\n        \"whispered\",\n        \"according to\",\n        \
             \"a déclaré\",\n        \"says \\\"so\\\"\",\n    ],\n    documents: [\n"
        ),
        "{ron}"
    );
}

#[test]
fn an_empty_list_is_kept_apart_from_the_built_in_one() {
    let mut project = small_project();
    project.reporting_verbs = Some(Vec::new());
    let ron = round_trip(&project);
    assert!(
        ron.contains("    ),\n    reporting_verbs: [],\n    documents: [\n"),
        "{ron}"
    );
    assert_eq!(store::version_of(&project), 2);
}

#[test]
fn a_project_without_its_own_verbs_keeps_its_version_1_bytes() {
    let path = fixture("v1/project.ron");
    let bytes = fs::read(&path).expect("the v1 fixture");
    let mut project = store::from_bytes(&bytes, &path).expect("it loads");
    assert_eq!(project.reporting_verbs, None);
    project.reporting_verbs = verbs(&["said"]);
    assert_ne!(store::to_ron(&project).as_bytes(), bytes.as_slice());
    // Back to the built-in list: the very same bytes again, version 1.
    project.reporting_verbs = None;
    assert_eq!(store::version_of(&project), 1);
    assert_eq!(store::to_ron(&project).as_bytes(), bytes.as_slice());
}

#[test]
fn a_hand_edited_list_is_read_with_its_spacing_tidied() {
    let mut project = small_project();
    project.reporting_verbs = verbs(&["said"]);
    let ron = store::to_ron(&project);
    let edited = ron.replacen(
        "    reporting_verbs: [\n        \"said\",\n    ],\n",
        "    reporting_verbs: [\" said\", \"according   to \"],\n",
        1,
    );
    assert_ne!(edited, ron);
    let loaded = store::from_str(&edited, Path::new("edited.ron")).expect("it loads");
    assert_eq!(loaded.reporting_verbs, verbs(&["said", "according to"]));
    // Saved again in the writer's layout.
    assert!(store::to_ron(&loaded).contains("        \"according to\",\n"));
}

// Merging: the list is one project-level value, like the name.

fn with_verbs(list: Option<Vec<String>>) -> Project {
    Project {
        reporting_verbs: list,
        ..small_project()
    }
}

#[test]
fn a_list_changed_on_one_side_is_taken() {
    let base = with_verbs(None);
    let changed = with_verbs(verbs(&["said", "whispered"]));
    for (ours, theirs) in [(&base, &changed), (&changed, &base)] {
        let outcome = merge(&base, ours, theirs);
        assert!(outcome.is_clean(), "{outcome}");
        assert_eq!(
            outcome.project.reporting_verbs,
            verbs(&["said", "whispered"])
        );
    }
    // Back to the built-in list on one side is a change too.
    let outcome = merge(&changed, &changed, &base);
    assert!(outcome.is_clean(), "{outcome}");
    assert_eq!(outcome.project.reporting_verbs, None);
    // The same change on both sides, once.
    let outcome = merge(&base, &changed, &changed);
    assert!(outcome.is_clean(), "{outcome}");
    assert_eq!(
        outcome.project.reporting_verbs,
        verbs(&["said", "whispered"])
    );
}

#[test]
fn lists_changed_differently_keep_ours_and_say_so() {
    let base = with_verbs(verbs(&["said"]));
    let ours = with_verbs(verbs(&["said", "whispered"]));
    let theirs = with_verbs(None);
    let outcome = merge(&base, &ours, &theirs);
    assert_eq!(
        outcome.project.reporting_verbs,
        verbs(&["said", "whispered"])
    );
    assert_eq!(outcome.conflicts.len(), 1, "{outcome}");
    let conflict = &outcome.conflicts[0];
    assert_eq!(conflict.document, "", "a project-level conflict");
    assert_eq!(
        conflict.to_string(),
        "project: the reporting verbs were set to [\"said\", \"whispered\"] in ours and the \
         built-in list in theirs: kept ours"
    );
    let outcome = merge(&base, &with_verbs(Some(Vec::new())), &ours);
    assert!(
        outcome.conflicts[0]
            .message
            .contains("set to no verb in ours and [\"said\", \"whispered\"] in theirs"),
        "{outcome}"
    );
}

// `marginalia suggest` on a project with its own list.

const TEXT: &str = "“We are ready,” Peskov said.\n“Not yet,” whispered Ushakov.\n";

/// Two quotes with their speakers marked but not linked; "whispered" ties the second.
fn write_project(dir: &Path, list: Option<Vec<String>>) -> PathBuf {
    let mut project = Project::new("talks", "tester");
    project.reporting_verbs = list;
    let schema = project.schema.clone();
    let mut doc = Document::new("talks", "Talks", TEXT);
    for (needle, label) in [
        ("“We are ready,”", "quote"),
        ("Peskov", "actor"),
        ("“Not yet,”", "quote"),
        ("Ushakov", "actor"),
    ] {
        add_span(&mut doc, &schema, needle, label);
    }
    project.documents.push(doc);
    let path = dir.join("p.ron");
    store::save(&project, &path, None, SaveMode::Safe).expect("save");
    path
}

/// The speakers `marginalia suggest` proposes, by name.
fn speakers(dir: &Path, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["suggest", "p.ron", "--json"];
    args.extend_from_slice(extra);
    let output = run(dir, &args);
    assert_code(&output, 0);
    stdout(&output)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON"))
        .filter(|o| o["kind"] == "speakers")
        .map(|o| o["to"]["text"].as_str().unwrap_or("?").to_owned())
        .collect()
}

#[test]
fn suggest_uses_the_projects_own_verbs() {
    let dir = temp_dir();
    write_project(dir.path(), None);
    assert_eq!(speakers(dir.path(), &[]), ["Peskov"], "the built-in list");

    let path = write_project(dir.path(), verbs(&["whispered", "according to"]));
    let before = fs::read(&path).expect("the file");
    assert_eq!(speakers(dir.path(), &[]), ["Ushakov"]);
    // --verbs replaces the project's list for one run and is never stored.
    assert_eq!(speakers(dir.path(), &["--verbs", "said"]), ["Peskov"]);
    assert_eq!(fs::read(&path).expect("the file"), before);

    let output = run(dir.path(), &["suggest", "p.ron", "--apply", "speakers"]);
    assert_code(&output, 0);
    let saved = store::load(&path).expect("load").project;
    assert_eq!(saved.reporting_verbs, verbs(&["whispered", "according to"]));
    let doc = &saved.documents[0];
    let linked: Vec<&str> = doc
        .links()
        .iter()
        .filter_map(|l| doc.span(l.to).map(|s| doc.span_text(s)))
        .collect();
    assert_eq!(linked, ["Ushakov"]);
}

#[test]
fn suggest_with_an_empty_list_proposes_no_speaker() {
    let dir = temp_dir();
    write_project(dir.path(), Some(Vec::new()));
    // Nothing else to suggest either: both quotes are marked, no name recurs.
    let output = run(dir.path(), &["suggest", "p.ron"]);
    assert_code(&output, 1);
    assert_eq!(speakers(dir.path(), &["--verbs", "whispered"]), ["Ushakov"]);
}

/// `tests/fixtures/v2/reporting-verbs.ron`: a version-2 file whose only version-2 content
/// is its reporting verbs. NEVER CHANGE THAT FILE: later versions must keep reading it.
#[test]
fn the_reporting_verbs_fixture_loads_and_is_written_back_byte_for_byte() {
    let path = fixture("v2/reporting-verbs.ron");
    let bytes = fs::read(&path).expect("the fixture");
    let text = std::str::from_utf8(&bytes).expect("UTF-8");
    assert_eq!(store::fast_reader_agrees(text), Ok(true));
    let project = store::from_bytes(&bytes, &path).expect("it loads");
    assert_eq!(
        project.reporting_verbs,
        verbs(&["said", "whispered", "according to", "a déclaré"])
    );
    assert_eq!(project.span_count(), 4);
    assert!(project.documents.iter().all(|d| d.candidates().is_empty()));
    assert_eq!(store::version_of(&project), 2);
    assert_eq!(
        store::to_ron(&project),
        text,
        "the writer's own layout, byte for byte"
    );
}
