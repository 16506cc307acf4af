//! `marginalia suggest`, run as the real binary in a fresh folder each: listing in text
//! and JSON, applying and saving, rejected suggestions staying rejected across saves,
//! and the exit codes (0 suggestions, 1 nothing to suggest, 2 usage errors).

use std::fs;
use std::path::Path;

use marginalia::model::{Document, Project, Proposal};
use marginalia::store::{self, SaveMode};

use crate::cli::{assert_code, run, stderr, stdout};
use crate::common::{add_span, temp_dir};

const TEXT: &str = "Kremlin spokesman Dmitry Peskov said: “We are ready to meet.” \
                    Later Dmitry Peskov added that talks would go on.";

/// A project with one document, Peskov labelled once, the quote not yet marked.
fn write_project(dir: &Path) -> std::path::PathBuf {
    let mut project = Project::new("talks", "tester");
    let mut doc = Document::new("talks", "Talks", TEXT);
    let schema = project.schema.clone();
    add_span(&mut doc, &schema, "Dmitry Peskov", "actor");
    project.documents.push(doc);
    let path = dir.join("p.ron");
    store::save(&project, &path, None, SaveMode::Safe).expect("save");
    path
}

#[test]
fn suggest_lists_quotes_speakers_and_names() {
    let dir = temp_dir();
    write_project(dir.path());
    let output = run(dir.path(), &["suggest", "p.ron"]);
    assert_code(&output, 0);
    let out = stdout(&output);
    assert!(
        out.contains("quotes\tquote [38, 61) \"“We are ready to meet.”\""),
        "{out}"
    );
    assert!(out.contains("names\tactor"), "{out}");
    assert!(out.contains("speakers\tsaid_by: quote [38, 61)"), "{out}");
    assert!(out.ends_with("3 suggestions\n"), "{out}");
    // Listing writes nothing.
    let saved = store::load(&dir.path().join("p.ron"))
        .expect("load")
        .project;
    assert_eq!(saved.documents[0].spans().len(), 1);
}

#[test]
fn suggest_json_has_ranges_labels_texts_kinds_and_link_ends() {
    let dir = temp_dir();
    write_project(dir.path());
    let output = run(dir.path(), &["suggest", "p.ron", "--json"]);
    assert_code(&output, 0);
    let objects: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(objects.len(), 3);
    let quote = &objects[0];
    assert_eq!(quote["kind"], "quotes");
    assert_eq!(quote["label"], "quote");
    assert_eq!(
        (quote["start"].as_u64(), quote["end"].as_u64()),
        (Some(38), Some(61))
    );
    assert_eq!(quote["text"], "“We are ready to meet.”");
    assert_eq!(quote["document"], "talks");
    let link = objects
        .iter()
        .find(|o| o["kind"] == "speakers")
        .expect("a speaker link");
    assert_eq!(link["link_type"], "said_by");
    assert_eq!(link["from"]["text"], "“We are ready to meet.”");
    assert_eq!(link["to"]["text"], "Dmitry Peskov");
    assert_eq!(link["to"]["label"], "actor");
}

#[test]
fn suggest_apply_adds_accepted_annotations_and_saves() {
    let dir = temp_dir();
    let path = write_project(dir.path());
    let output = run(
        dir.path(),
        &["suggest", "p.ron", "--apply", "quotes,speakers,names"],
    );
    assert_code(&output, 0);
    assert!(
        stdout(&output).contains("added 2 spans and 1 links"),
        "{}",
        stdout(&output)
    );
    assert!(
        store::backup_path(&path).exists(),
        "the safe save keeps a backup"
    );
    let project = store::load(&path).expect("the saved file loads").project;
    let doc = &project.documents[0];
    assert_eq!(doc.spans().len(), 3);
    assert_eq!(doc.links().len(), 1);
    // Accepted annotations, no candidate records: the file keeps its version-1 layout.
    assert!(doc.candidates().is_empty());
    // Nothing left to suggest: exit 1, and the file is not written again.
    let before = fs::read(&path).expect("read");
    let output = run(
        dir.path(),
        &["suggest", "p.ron", "--apply", "quotes,speakers,names"],
    );
    assert_code(&output, 1);
    assert!(stdout(&output).contains("nothing to suggest"));
    assert_eq!(fs::read(&path).expect("read"), before);
}

#[test]
fn suggest_apply_runs_only_the_rules_given() {
    let dir = temp_dir();
    let path = write_project(dir.path());
    let output = run(dir.path(), &["suggest", "p.ron", "--apply", "names"]);
    assert_code(&output, 0);
    let project = store::load(&path).expect("load").project;
    let labels: Vec<&str> = project.documents[0]
        .spans()
        .iter()
        .map(|s| s.label.as_str())
        .collect();
    assert_eq!(labels, ["actor", "actor"]);
}

#[test]
fn rejected_suggestions_stay_rejected_across_saves() {
    let dir = temp_dir();
    let path = write_project(dir.path());
    let mut project = store::load(&path).expect("load").project;
    let config = marginalia::suggest::Config::default();
    let suggestions = marginalia::suggest::suggest(&project, 0, &config).expect("doc");
    let quote = suggestions
        .iter()
        .find(|s| matches!(s.proposal, Proposal::Span(ref k) if k.label == "quote"))
        .expect("the quotation")
        .clone();
    let schema = project.schema.clone();
    let doc = &mut project.documents[0];
    let edit = marginalia::suggest::pending_edit(doc, &[quote]);
    doc.apply(edit, &schema).expect("valid");
    let id = doc.candidates()[0].id;
    let edit = doc.reject_candidate_edit(id).expect("pending");
    doc.apply(edit, &schema).expect("valid");
    store::save(&project, &path, None, SaveMode::Force).expect("save");
    let output = run(dir.path(), &["suggest", "p.ron"]);
    assert_code(&output, 0);
    let out = stdout(&output);
    assert!(
        !out.contains("quotes\t"),
        "the rejected quotation came back:\n{out}"
    );
    assert!(out.contains("names\t"), "{out}");
}

#[test]
fn suggest_with_a_document_id_and_custom_verbs() {
    let dir = temp_dir();
    write_project(dir.path());
    let output = run(
        dir.path(),
        &["suggest", "p.ron", "--doc", "talks", "--verbs", "told"],
    );
    assert_code(&output, 0);
    // "said" is no reporting verb now: no speaker.
    assert!(!stdout(&output).contains("speakers"), "{}", stdout(&output));
}

#[test]
fn suggest_refuses_unknown_rules_and_documents() {
    let dir = temp_dir();
    write_project(dir.path());
    let output = run(
        dir.path(),
        &["suggest", "p.ron", "--apply", "quotes,speaker"],
    );
    assert_code(&output, 2);
    let err = stderr(&output);
    assert!(err.contains("unknown rule `speaker`"), "{err}");
    assert!(err.contains("quotes, speakers, names"), "{err}");
    let output = run(dir.path(), &["suggest", "p.ron", "--doc", "nope"]);
    assert_code(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains("no document `nope`") && err.contains("talks"),
        "{err}"
    );
    let output = run(dir.path(), &["suggest", "missing.ron"]);
    assert_code(&output, 2);
}

#[test]
fn suggest_on_a_project_with_nothing_to_suggest_exits_1() {
    let dir = temp_dir();
    let mut project = Project::new("plain", "tester");
    project.documents.push(Document::new(
        "plain",
        "Plain",
        "No quotation and no name here.",
    ));
    store::save(&project, &dir.path().join("p.ron"), None, SaveMode::Safe).expect("save");
    let output = run(dir.path(), &["suggest", "p.ron", "--json"]);
    assert_code(&output, 1);
    assert!(stdout(&output).is_empty());
}

#[test]
fn suggest_check_lists_texts_labelled_two_ways() {
    let dir = temp_dir();
    let mut project = Project::new("talks", "tester");
    let schema = project.schema.clone();
    let mut doc = Document::new(
        "talks",
        "Talks",
        "The Kremlin said no. Envoys went to the Kremlin.",
    );
    add_span(&mut doc, &schema, "Kremlin", "actor");
    crate::common::add_span_nth(&mut doc, &schema, "Kremlin", 1, "location");
    project.documents.push(doc);
    let path = dir.path().join("p.ron");
    store::save(&project, &path, None, SaveMode::Safe).expect("save");
    let output = run(dir.path(), &["suggest", "p.ron", "--check"]);
    assert_code(&output, 0);
    assert_eq!(
        stdout(&output),
        "\"Kremlin\": location in `talks` [40, 47); actor in `talks` [4, 11)\n"
    );
    let output = run(dir.path(), &["suggest", "p.ron", "--check", "--json"]);
    assert_code(&output, 0);
    let value: serde_json::Value =
        serde_json::from_str(stdout(&output).trim()).expect("one JSON object");
    assert_eq!(value["labels"][1]["label"], "actor");
    assert_eq!(value["labels"][1]["places"][0]["start"], 4);
    // Consistent labels: exit 1.
    write_project(dir.path());
    let output = run(dir.path(), &["suggest", "p.ron", "--check"]);
    assert_code(&output, 1);
    assert!(stdout(&output).contains("every text keeps one label"));
}

#[test]
fn suggest_fix_gives_a_text_one_label_everywhere_and_saves() {
    let dir = temp_dir();
    let mut project = Project::new("talks", "tester");
    let schema = project.schema.clone();
    for (id, text, label) in [
        ("one", "The Kremlin said no.", "actor"),
        (
            "two",
            "Envoys went to the Kremlin. The Kremlin waited.",
            "location",
        ),
    ] {
        let mut doc = Document::new(id, id, text);
        add_span(&mut doc, &schema, "Kremlin", label);
        if id == "two" {
            crate::common::add_span_nth(&mut doc, &schema, "Kremlin", 1, "actor");
        }
        project.documents.push(doc);
    }
    let path = dir.path().join("p.ron");
    store::save(&project, &path, None, SaveMode::Safe).expect("save");

    // By the label's name, any case: the location becomes an actor, in its document.
    let output = run(dir.path(), &["suggest", "p.ron", "--fix", "Kremlin=ACTOR"]);
    assert_code(&output, 0);
    assert_eq!(
        stdout(&output),
        "Kremlin: 1 span relabelled from Location to Actor in 1 document\nsaved p.ron\n"
    );
    let fixed = store::load(&path).expect("loads").project;
    for doc in &fixed.documents {
        assert!(doc.spans().iter().all(|s| s.label == "actor"), "{}", doc.id);
    }
    let output = run(dir.path(), &["suggest", "p.ron", "--check"]);
    assert_code(&output, 1);

    // Nothing left to change: exit 1, the file untouched.
    let before = fs::read(&path).expect("read");
    let output = run(dir.path(), &["suggest", "p.ron", "--fix", "Kremlin=actor"]);
    assert_code(&output, 1);
    assert!(stdout(&output).contains("every span is Actor already"));
    assert_eq!(fs::read(&path).expect("read"), before);

    // Mistakes say what and change nothing: exit 2.
    for (args, says) in [
        (
            vec!["--fix", "Kremlin=person"],
            "has no label `person`; its labels are: claim",
        ),
        (
            vec!["--fix", "Nowhere=actor"],
            "no span of p.ron has the text \"Nowhere\"",
        ),
        (vec!["--fix", "Kremlin"], "is not TEXT=LABEL"),
        (
            vec!["--fix", "Kremlin=actor", "--check"],
            "cannot be used with",
        ),
    ] {
        let output = run(dir.path(), &[&["suggest", "p.ron"][..], &args].concat());
        assert_code(&output, 2);
        assert!(
            stderr(&output).contains(says),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_eq!(fs::read(&path).expect("read"), before);
    }
}

#[test]
fn suggest_apply_speakers_takes_in_the_quotes_their_links_need() {
    let dir = temp_dir();
    let path = write_project(dir.path());
    let output = run(dir.path(), &["suggest", "p.ron", "--apply", "speakers"]);
    assert_code(&output, 0);
    let out = stdout(&output);
    assert!(
        out.contains("added 1 spans and 1 links; 1 quote span taken in for their links"),
        "{out}"
    );
    let project = store::load(&path).expect("load").project;
    let doc = &project.documents[0];
    let [link] = doc.links() else {
        panic!("one link: {:?}", doc.links())
    };
    let quote = doc.span(link.from).expect("the quote");
    assert_eq!(doc.span_text(quote), "“We are ready to meet.”");
    // The second Peskov (the names rule) was not applied.
    assert_eq!(doc.spans().len(), 2);
}

/// The project of [`write_project`] after the window's Suggest and a save: every
/// suggestion a pending candidate.
fn write_pending_project(dir: &Path) -> std::path::PathBuf {
    let path = write_project(dir);
    let mut project = store::load(&path).expect("load").project;
    let config = marginalia::suggest::Config::default();
    let suggestions = marginalia::suggest::suggest(&project, 0, &config).expect("doc");
    assert_eq!(suggestions.len(), 3);
    let schema = project.schema.clone();
    let doc = &mut project.documents[0];
    let edit = marginalia::suggest::pending_edit(doc, &suggestions);
    doc.apply(edit, &schema).expect("valid");
    store::save(&project, &path, None, SaveMode::Force).expect("save");
    path
}

#[test]
fn suggest_apply_takes_in_the_files_pending_suggestions() {
    let dir = temp_dir();
    let path = write_pending_project(dir.path());
    let output = run(dir.path(), &["suggest", "p.ron"]);
    assert_code(&output, 0);
    let out = stdout(&output);
    assert!(
        out.contains("0 suggestions; 3 more pending in the file as candidates"),
        "{out}"
    );

    let output = run(dir.path(), &["suggest", "p.ron", "--apply", "quotes"]);
    assert_code(&output, 0);
    let out = stdout(&output);
    assert!(
        out.contains(
            "added 1 spans and 0 links, of them 1 pending suggestions of the file accepted"
        ),
        "{out}"
    );
    let project = store::load(&path).expect("load").project;
    let doc = &project.documents[0];
    assert_eq!(doc.spans().len(), 2);
    assert_eq!(
        doc.open_candidate_count(),
        2,
        "speakers and names stay open"
    );

    let output = run(
        dir.path(),
        &["suggest", "p.ron", "--apply", "speakers,names"],
    );
    assert_code(&output, 0);
    let project = store::load(&path).expect("load").project;
    let doc = &project.documents[0];
    assert_eq!((doc.spans().len(), doc.links().len()), (3, 1));
    assert_eq!(doc.open_candidate_count(), 0);
    let output = run(
        dir.path(),
        &["suggest", "p.ron", "--apply", "quotes,speakers,names"],
    );
    assert_code(&output, 1);
}

#[test]
fn suggest_apply_speakers_accepts_the_pending_quote_their_link_needs() {
    let dir = temp_dir();
    let path = write_pending_project(dir.path());
    let output = run(dir.path(), &["suggest", "p.ron", "--apply", "speakers"]);
    assert_code(&output, 0);
    let project = store::load(&path).expect("load").project;
    let doc = &project.documents[0];
    assert_eq!((doc.spans().len(), doc.links().len()), (2, 1));
    // The link and its quotation are accepted; the name stays open.
    assert_eq!(doc.open_candidate_count(), 1);
}

#[test]
fn suggest_apply_keeps_rejected_suggestions_rejected() {
    let dir = temp_dir();
    let path = write_pending_project(dir.path());
    let mut project = store::load(&path).expect("load").project;
    let schema = project.schema.clone();
    let doc = &mut project.documents[0];
    let quote = doc
        .candidates()
        .iter()
        .find(|c| matches!(&c.proposal, Proposal::Span(k) if k.label == "quote"))
        .expect("the quotation")
        .id;
    let edit = doc.reject_candidate_edit(quote).expect("pending");
    doc.apply(edit, &schema).expect("valid");
    store::save(&project, &path, None, SaveMode::Force).expect("save");
    let output = run(
        dir.path(),
        &["suggest", "p.ron", "--apply", "quotes,speakers"],
    );
    // The link went with its rejected quotation: nothing is left to take.
    assert_code(&output, 1);
    let project = store::load(&path).expect("load").project;
    assert_eq!(project.documents[0].spans().len(), 1);
}

#[test]
fn suggest_apply_json_prints_each_applied_suggestion() {
    let dir = temp_dir();
    write_project(dir.path());
    let output = run(
        dir.path(),
        &[
            "suggest",
            "p.ron",
            "--apply",
            "quotes,speakers,names",
            "--json",
        ],
    );
    assert_code(&output, 0);
    let objects: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    let kinds: Vec<&str> = objects.iter().filter_map(|o| o["kind"].as_str()).collect();
    assert_eq!(kinds, ["quotes", "names", "speakers"], "{objects:?}");
    assert_eq!(objects[2]["to"]["text"], "Dmitry Peskov");
}
