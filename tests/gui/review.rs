//! Review stories: colleagues' files compared in the window, disagreements stepped
//! through, a gold project built and decided with the keyboard alone, undone, commented.

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use marginalia::app::{MarginaliaApp, Prefs, Recovery};
use marginalia::model::{Decision, Document, Edit, Project};

use super::wait_while;

const TEXT: &str =
    "Putin met Trump in Moscow.\nThe Kremlin said talks went well, an aide told reporters.\n";

/// A project of `annotator` over [`TEXT`] with spans `(needle, label)`.
fn project(annotator: &str, spans: &[(&str, &str)]) -> Project {
    let mut project = Project::new("Talks", annotator);
    let mut doc = Document::new("talks", "Talks", TEXT);
    let mut edits = Vec::new();
    for (needle, label) in spans {
        let byte = TEXT.find(needle).expect("needle in the text");
        let start = TEXT[..byte].chars().count();
        let end = start + needle.chars().count();
        edits.push(doc.add_span_edit(start, end, label));
    }
    let schema = project.schema.clone();
    doc.apply(Edit::Batch(edits), &schema).expect("spans");
    project.documents.push(doc);
    project
}

/// Writes alice's and bob's files: they agree on Putin, Trump and Moscow; bob has the
/// Kremlin as a location where alice has an actor, and only bob has "an aide".
fn write_review_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let alice = project(
        "alice",
        &[
            ("Putin", "actor"),
            ("Trump", "actor"),
            ("Moscow", "location"),
            ("Kremlin", "actor"),
        ],
    );
    let bob = project(
        "bob",
        &[
            ("Putin", "actor"),
            ("Trump", "actor"),
            ("Moscow", "location"),
            ("Kremlin", "location"),
            ("an aide", "actor"),
        ],
    );
    let mut paths = Vec::new();
    for (name, project) in [("alice", alice), ("bob", bob)] {
        let path = dir.join(format!("{name}.ron"));
        marginalia::store::save(&project, &path, None, marginalia::store::SaveMode::Force)
            .expect("saved");
        paths.push(path);
    }
    paths
}

fn review_app(paths: Vec<std::path::PathBuf>) -> Harness<'static, MarginaliaApp> {
    let app = MarginaliaApp::for_review(paths, Prefs::default(), Recovery::disabled());
    let mut harness = super::harness_for(app);
    wait_while(
        &mut harness,
        "reading the review",
        MarginaliaApp::is_opening_review,
    );
    harness
}

fn press(harness: &mut Harness<'_, MarginaliaApp>, modifiers: Modifiers, key: Key) {
    harness.key_press_modifiers(modifiers, key);
    harness.run();
}

#[test]
fn a_review_opens_and_steps_through_disagreements_both_ways() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = review_app(write_review_files(dir.path()));
    let review = harness.state().review.as_deref().expect("review open");
    let doc = review.document().expect("a document");
    // The Kremlin (actor / location) and "an aide" (only bob).
    assert_eq!(doc.disagreement_count(), 2);
    assert_eq!(review.focus, Some(0), "opens on the first disagreement");
    assert!(harness.state().window_title().starts_with("Review of"));
    harness.get_by_label("Talks  (2)");

    press(&mut harness, Modifiers::NONE, Key::F8);
    assert_eq!(
        harness.state().review.as_deref().and_then(|r| r.focus),
        Some(1)
    );
    let (start, _) = harness
        .state()
        .review
        .as_deref()
        .and_then(|r| r.focus_range())
        .expect("focus");
    assert_eq!(
        start,
        TEXT.find("an aide").expect("aide"),
        "ASCII: bytes are chars"
    );
    // Around the end and back again.
    press(&mut harness, Modifiers::NONE, Key::F8);
    assert_eq!(
        harness.state().review.as_deref().and_then(|r| r.focus),
        Some(0)
    );
    press(&mut harness, Modifiers::SHIFT, Key::F8);
    assert_eq!(
        harness.state().review.as_deref().and_then(|r| r.focus),
        Some(1)
    );
    // The review is read-only: a label hotkey labels nothing behind it.
    let spans_before = harness.state().ws.project.span_count();
    press(&mut harness, Modifiers::NONE, Key::Num1);
    assert_eq!(harness.state().ws.project.span_count(), spans_before);

    harness.get_by_label("Agreement").click();
    harness.run();
    harness.get_by_label("Label confusion");
    harness.get_by_label("Close review").click();
    harness.run();
    assert!(harness.state().review.is_none());
}

#[test]
fn a_gold_set_is_built_with_the_keyboard_alone_undone_and_saved() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = review_app(write_review_files(dir.path()));
    press(&mut harness, Modifiers::COMMAND | Modifiers::SHIFT, Key::G);
    let app = harness.state();
    assert!(app.review.is_none(), "the gold project replaces the review");
    assert_eq!(app.ws.project.name, "Talks (gold)");
    let doc = app.ws.document().expect("gold document");
    assert_eq!(doc.spans().len(), 3, "what both agree on is accepted");
    assert!(doc.spans().iter().all(|s| s.annotators == ["alice", "bob"]));
    assert_eq!(app.ws.project.open_candidate_count(), 3);
    assert!(app.ws.is_dirty(), "a gold project not saved yet");

    // F8 focuses the first open candidate: the Kremlin as alice's actor.
    press(&mut harness, Modifiers::NONE, Key::F8);
    let focused = harness
        .state()
        .ws
        .focused_candidate()
        .expect("focused")
        .clone();
    let doc = harness.state().ws.document().expect("doc");
    let (start, end) = focused.proposal.range();
    assert_eq!(doc.slice(start, end), Some("Kremlin"));
    // Take bob's version of the Kremlin (Alt+2): his location in, her actor out.
    press(&mut harness, Modifiers::ALT, Key::Num2);
    let doc = harness.state().ws.document().expect("doc");
    let kremlin = doc
        .spans()
        .iter()
        .find(|s| doc.span_text(s) == "Kremlin")
        .unwrap_or_else(|| panic!("the Kremlin accepted: {:?}", harness.state().status_message));
    assert_eq!(kremlin.label, "location");
    assert_eq!(kremlin.annotators, ["bob"]);
    assert_eq!(harness.state().ws.project.open_candidate_count(), 1);

    // Focus moved on to "an aide": reject it with Backspace.
    let aide = harness
        .state()
        .ws
        .focused_candidate()
        .expect("next focused")
        .id;
    press(&mut harness, Modifiers::NONE, Key::Backspace);
    let doc = harness.state().ws.document().expect("doc");
    assert_eq!(
        doc.candidate(aide).map(|c| c.decision),
        Some(Decision::Rejected)
    );
    assert_eq!(harness.state().ws.project.open_candidate_count(), 0);

    // Undo brings the candidate back, open; Enter then accepts it.
    press(&mut harness, Modifiers::COMMAND, Key::Z);
    let doc = harness.state().ws.document().expect("doc");
    assert_eq!(
        doc.candidate(aide).map(|c| c.decision),
        Some(Decision::Pending)
    );
    harness.state_mut().ws.focus_candidate(aide);
    press(&mut harness, Modifiers::NONE, Key::Enter);
    let doc = harness.state().ws.document().expect("doc");
    assert!(doc.spans().iter().any(|s| doc.span_text(s) == "an aide"));

    // Saved, it validates and keeps the decisions.
    let gold = dir.path().join("gold.ron");
    harness.state_mut().save_to(&gold);
    super::wait_until_saved(&mut harness);
    let loaded = marginalia::store::load(&gold).expect("the gold file loads");
    let doc = &loaded.project.documents[0];
    assert_eq!(doc.spans().len(), 5);
    assert_eq!(doc.open_candidate_count(), 0);
}

#[test]
fn a_comment_on_a_candidate_is_saved_and_undone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = review_app(write_review_files(dir.path()));
    press(&mut harness, Modifiers::COMMAND | Modifiers::SHIFT, Key::G);
    press(&mut harness, Modifiers::NONE, Key::F8);
    let id = harness.state().ws.focused_candidate().expect("focused").id;
    harness.state_mut().comment_draft = "Kremlin as an institution: location?".into();
    harness.get_by_label("Comment").click();
    harness.run();
    let comments = |harness: &Harness<'_, MarginaliaApp>| {
        harness
            .state()
            .ws
            .document()
            .and_then(|d| d.candidate(id))
            .map(|c| c.comments.clone())
            .unwrap_or_default()
    };
    let saved = comments(&harness);
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].author, "gold");
    // Shown to whoever opens the file.
    harness.get_by_label("gold: Kremlin as an institution: location?");

    let gold = dir.path().join("gold.ron");
    harness.state_mut().save_to(&gold);
    super::wait_until_saved(&mut harness);
    let loaded = marginalia::store::load(&gold).expect("loads");
    let candidate = loaded.project.documents[0].candidate(id).expect("kept");
    assert_eq!(candidate.comments, saved);

    press(&mut harness, Modifiers::COMMAND, Key::Z);
    assert!(comments(&harness).is_empty(), "undo takes the comment back");
}

#[test]
fn a_review_that_cannot_be_opened_says_which_file_and_shows_no_sample() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut paths = write_review_files(dir.path());
    let broken = dir.path().join("carol.ron");
    std::fs::write(&broken, "(\n    version: 1,\n    name: \"Talks\"\n").expect("written");
    paths.push(broken);
    let harness = review_app(paths);

    assert!(!harness.state().in_review());
    match &harness.state().standby {
        Some(marginalia::app::Standby::ReviewFailed { paths, error }) => {
            assert_eq!(paths.len(), 3);
            assert!(error.contains("carol.ron"), "{error}");
        }
        other => panic!("the failed review's screen, not {other:?}"),
    }
    assert!(
        harness.state().ws.project.documents.is_empty(),
        "no sample the user could take for their own"
    );
    harness.get_by_label("Review other files…");
    harness.get_by_label("Open the sample");

    // A review that opens closes onto the sample, as a window started on nothing.
    let mut harness = review_app(write_review_files(dir.path()));
    assert!(harness.state().in_review());
    assert!(harness.state().standby.is_none());
    harness.state_mut().close_review();
    harness.run();
    assert!(!harness.state().ws.project.documents.is_empty());
}

#[test]
fn the_gold_project_names_annotators_as_the_review_lanes_do() {
    let dir = tempfile::tempdir().expect("temp dir");
    let paths = write_review_files(dir.path());
    // A second file by "alice": the review tells them apart by file name.
    let draft = dir.path().join("draft.ron");
    std::fs::copy(&paths[0], &draft).expect("copied");
    let mut harness = review_app(vec![paths[0].clone(), paths[1].clone(), draft]);
    let lanes: Vec<String> = harness
        .state()
        .review
        .as_ref()
        .expect("review")
        .data
        .comparison
        .annotators
        .iter()
        .map(|a| a.name.clone())
        .collect();
    assert_eq!(lanes, ["alice", "bob", "alice (draft)"]);

    press(&mut harness, Modifiers::COMMAND | Modifiers::SHIFT, Key::G);
    let doc = harness.state().ws.document().expect("gold document");
    let mut named: Vec<String> = doc
        .spans()
        .iter()
        .flat_map(|s| s.annotators.clone())
        .chain(
            doc.candidates()
                .iter()
                .flat_map(|c| c.origin.annotators().to_vec()),
        )
        .collect();
    named.sort();
    named.dedup();
    let mut expected = lanes.clone();
    expected.sort();
    assert_eq!(named, expected, "the same names in the gold project");
}
