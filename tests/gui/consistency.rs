//! Consistency stories: the panel lists a text labelled two ways, a click on a place goes
//! there, "Make all …" gives every span of the text one label as one undo step.

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use marginalia::app::{MarginaliaApp, Origin, Prefs, Recovery, Workspace};
use marginalia::model::{Document, Project, SpanId};

const NOTHING: &str = "Nothing inconsistent: every text keeps one label.";

/// A document titled `title` with `text`, "Kremlin" in it labelled `label`.
fn document(id: &str, title: &str, text: &str, label: &str) -> Document {
    let schema = marginalia::model::Schema::default();
    let mut doc = Document::new(id, title, text);
    let byte = text.find("Kremlin").expect("Kremlin in the text");
    let start = text[..byte].chars().count();
    let edit = doc.add_span_edit(start, start + "Kremlin".len(), label);
    doc.apply(edit, &schema).expect("a valid span");
    doc
}

/// The window on a project of these documents, each with one "Kremlin".
fn app_on(documents: Vec<Document>) -> Harness<'static, MarginaliaApp> {
    let mut project = Project::new("Talks", "alice");
    project.documents = documents;
    let mut app = MarginaliaApp::new(None, Prefs::default(), Recovery::disabled());
    app.ws = Workspace::new(project, Origin::Unsaved, None);
    super::harness_for(app)
}

/// The label of each document's Kremlin span, in document order.
fn kremlin_labels(harness: &Harness<'_, MarginaliaApp>) -> Vec<String> {
    harness
        .state()
        .ws
        .project
        .documents
        .iter()
        .flat_map(|d| {
            d.spans()
                .iter()
                .filter(|s| d.span_text(s) == "Kremlin")
                .map(|s| s.label.clone())
        })
        .collect()
}

fn kremlin_of(harness: &Harness<'_, MarginaliaApp>, document: usize) -> SpanId {
    let doc = &harness.state().ws.project.documents[document];
    doc.spans()
        .iter()
        .find(|s| doc.span_text(s) == "Kremlin")
        .map(|s| s.id)
        .expect("a Kremlin span")
}

fn press(harness: &mut Harness<'_, MarginaliaApp>, modifiers: Modifiers, key: Key) {
    harness.key_press_modifiers(modifiers, key);
    harness.run();
}

fn open_panel(harness: &mut Harness<'_, MarginaliaApp>) {
    press(harness, Modifiers::COMMAND | Modifiers::SHIFT, Key::K);
    assert!(harness.state().consistency.open, "Ctrl+Shift+K opens it");
}

fn status(harness: &Harness<'_, MarginaliaApp>) -> String {
    harness.state().status_message.clone().unwrap_or_default()
}

#[test]
fn the_panel_lists_a_text_labelled_two_ways_goes_there_and_fixes_it() {
    let mut harness = app_on(vec![
        document("talks", "Talks", "The Kremlin said no.", "actor"),
        document(
            "visit",
            "Visit",
            "They met at the Kremlin on Monday.",
            "location",
        ),
    ]);
    open_panel(&mut harness);
    // The text, with each label's count (in the schema's order: location before actor).
    assert!(
        harness
            .query_by_label("Kremlin — Location ×1 · Actor ×1")
            .is_some()
    );
    assert!(harness.query_by_label(NOTHING).is_none());

    // A click on the place in the other document shows it, with the span selected.
    harness
        .get_by_label("Visit  …met at the Kremlin on Monday.")
        .click();
    harness.run();
    assert_eq!(harness.state().ws.current, 1);
    assert_eq!(
        harness.state().ws.selected_span,
        Some(kremlin_of(&harness, 1))
    );
    let start = harness.state().ws.document().expect("doc").spans()[0].start;
    assert!(
        harness.state().view.screen_pos(start).is_some(),
        "the span is on screen"
    );

    // One click makes both actors; the panel has nothing left to list.
    harness.get_by_label("Make all Actor").click();
    harness.run();
    assert_eq!(kremlin_labels(&harness), ["actor", "actor"]);
    assert_eq!(
        status(&harness),
        "Kremlin: 1 span relabelled from Location to Actor in 1 document; Ctrl+Z undoes."
    );
    assert!(harness.query_by_label(NOTHING).is_some());

    // Ctrl+Z takes it back, and the panel lists the text again.
    press(&mut harness, Modifiers::COMMAND, Key::Z);
    assert_eq!(kremlin_labels(&harness), ["actor", "location"]);
    assert!(harness.query_by_label(NOTHING).is_none());
    assert!(
        harness
            .query_by_label("Kremlin — Location ×1 · Actor ×1")
            .is_some()
    );
}

#[test]
fn a_fix_across_documents_is_one_undo_step() {
    let mut harness = app_on(vec![
        document("talks", "Talks", "The Kremlin said no.", "actor"),
        document("visit", "Visit", "They met at the Kremlin.", "location"),
        document("tour", "Tour", "A tour of the Kremlin.", "location"),
    ]);
    open_panel(&mut harness);
    assert!(
        harness
            .query_by_label("Kremlin — Location ×2 · Actor ×1")
            .is_some()
    );
    // From the first document: the other two change.
    harness.get_by_label("Make all Location").click();
    harness.run();
    assert_eq!(kremlin_labels(&harness), ["location"; 3]);
    assert_eq!(
        harness.state().ws.current,
        0,
        "the fix stays where it was made"
    );
    assert!(harness.query_by_label(NOTHING).is_some());
    press(&mut harness, Modifiers::COMMAND, Key::Z);
    assert_eq!(kremlin_labels(&harness), ["actor", "location", "location"]);

    // And the other way, which changes two documents: one step too.
    harness.get_by_label("Make all Actor").click();
    harness.run();
    assert_eq!(kremlin_labels(&harness), ["actor"; 3]);
    assert_eq!(
        status(&harness),
        "Kremlin: 2 spans relabelled from Location to Actor in 2 documents; Ctrl+Z undoes."
    );
    press(&mut harness, Modifiers::COMMAND, Key::Z);
    assert_eq!(kremlin_labels(&harness), ["actor", "location", "location"]);
    assert_eq!(status(&harness), "Undone: the consistency fix.");
}

#[test]
fn an_empty_panel_says_so_and_closes_with_its_button() {
    let mut harness = app_on(vec![document("talks", "Talks", "The Kremlin.", "actor")]);
    open_panel(&mut harness);
    assert!(harness.query_by_label(NOTHING).is_some());
    harness.get_by_label("Close").click();
    harness.run();
    assert!(!harness.state().consistency.open);
}

#[test]
fn the_review_screen_has_no_consistency_panel() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut paths = Vec::new();
    for (annotator, label) in [("alice", "actor"), ("bob", "location")] {
        let mut project = Project::new("Talks", annotator);
        project
            .documents
            .push(document("talks", "Talks", "The Kremlin said no.", label));
        let path = dir.path().join(format!("{annotator}.ron"));
        marginalia::store::save(&project, &path, None, marginalia::store::SaveMode::Force)
            .expect("saved");
        paths.push(path);
    }
    let mut app = MarginaliaApp::new(None, Prefs::default(), Recovery::disabled());
    app.start_review(paths);
    let mut harness = super::harness_for(app);
    super::wait_while(
        &mut harness,
        "reading the review",
        MarginaliaApp::is_opening_review,
    );
    press(&mut harness, Modifiers::COMMAND | Modifiers::SHIFT, Key::K);
    assert!(!harness.state().consistency.open);
    assert!(
        status(&harness).contains("works on a project"),
        "{}",
        status(&harness)
    );
    assert!(harness.query_by_label("Consistency").is_none());
}
