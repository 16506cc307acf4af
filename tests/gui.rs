//! User stories driven through the real window with egui_kittest: pointer drags, key
//! presses and clicks, then assertions on the app's state and on saved files.
#![cfg(feature = "gui")]

use egui::{Key, Modifiers, Pos2, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use marginalia::app::{Dialog, MarginaliaApp, Origin, Prefs, Recovery, Selection};
use marginalia::model::SpanId;

#[path = "gui/consistency.rs"]
mod consistency;
#[path = "gui/drawing.rs"]
mod drawing;
#[path = "gui/readable.rs"]
mod readable;
#[path = "gui/review.rs"]
mod review;
#[path = "gui/suggest.rs"]
mod suggest;

/// The window's harness. Background work (opening, saving, font lookups) wakes the
/// window from its own thread whenever it ends, so a `run` may see a couple of frames
/// more than a quiet UI needs: 16 frames to settle rather than egui_kittest's 4, which
/// still catches a UI that never stops repainting.
fn window() -> egui_kittest::HarnessBuilder<MarginaliaApp> {
    Harness::builder().with_max_steps(16)
}

fn harness_for(app: MarginaliaApp) -> Harness<'static, MarginaliaApp> {
    let mut harness = window()
        .with_size(Vec2::new(1280.0, 800.0))
        .build_ui_state(|ui, app: &mut MarginaliaApp| app.show(ui), app);
    harness.run_steps(3);
    harness
}

fn sample_app() -> Harness<'static, MarginaliaApp> {
    harness_for(MarginaliaApp::new(
        None,
        Prefs::default(),
        Recovery::disabled(),
    ))
}

/// Code-point range of the first occurrence of `needle` in the current document.
fn find(harness: &Harness<'_, MarginaliaApp>, needle: &str) -> (usize, usize) {
    let doc = harness.state().ws.document().expect("a document");
    let byte = doc.text().find(needle).expect("needle in the sample");
    let start = doc.index().char_of(doc.text(), byte).expect("boundary");
    (start, start + needle.chars().count())
}

fn screen_pos(harness: &Harness<'_, MarginaliaApp>, offset: usize) -> Pos2 {
    harness
        .state()
        .view
        .screen_pos(offset)
        .expect("offset on screen")
}

/// Drags from inside the first character to inside the last one, as a person would.
fn drag_over(harness: &mut Harness<'_, MarginaliaApp>, start: usize, end: usize) {
    let from = screen_pos(harness, start) + Vec2::new(2.0, 0.0);
    let to = screen_pos(harness, end - 1) + Vec2::new(2.0, 0.0);
    harness.hover_at(from);
    harness.run();
    harness.drag_at(from);
    harness.run();
    for step in 1..=4 {
        harness.hover_at(from + (to - from) * (step as f32 / 4.0));
        harness.run();
    }
    harness.drop_at(to);
    harness.run();
}

/// Selects `range` (code points) and presses `key`, as after a drag.
fn select_and_press(harness: &mut Harness<'_, MarginaliaApp>, range: (usize, usize), key: Key) {
    harness.state_mut().ws.selection = Some(Selection {
        anchor: range.0,
        focus: range.1,
    });
    harness.key_press(key);
    harness.run();
}

/// Runs frames until background work the app reports as `busy` has finished.
fn wait_while(
    harness: &mut Harness<'_, MarginaliaApp>,
    what: &str,
    busy: fn(&MarginaliaApp) -> bool,
) {
    for _ in 0..500 {
        harness.step();
        if !busy(harness.state()) {
            harness.run();
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("{what} did not finish within 2.5 s");
}

/// Runs frames until the save being written in the background has finished.
fn wait_until_saved(harness: &mut Harness<'_, MarginaliaApp>) {
    wait_while(harness, "saving", MarginaliaApp::is_saving);
}

/// Runs frames until the project being opened in the background has arrived.
fn wait_until_opened(harness: &mut Harness<'_, MarginaliaApp>) {
    wait_while(harness, "opening", MarginaliaApp::is_opening);
}

/// A click at `at` with Shift held.
fn shift_click(harness: &mut Harness<'_, MarginaliaApp>, at: Pos2) {
    harness.event(egui::Event::ModifiersChanged(Modifiers::SHIFT));
    click_with(harness, at, Modifiers::SHIFT);
    harness.event(egui::Event::ModifiersChanged(Modifiers::NONE));
    harness.run();
}

/// A click at `at`: the pointer moves there, then the button goes down and up.
fn click_with(harness: &mut Harness<'_, MarginaliaApp>, at: Pos2, modifiers: Modifiers) {
    harness.hover_at(at);
    harness.run();
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers,
        });
        harness.run();
    }
}

fn span_at(
    harness: &Harness<'_, MarginaliaApp>,
    range: (usize, usize),
    label: &str,
) -> Option<SpanId> {
    let doc = harness.state().ws.document()?;
    doc.spans()
        .iter()
        .find(|s| (s.start, s.end) == range && s.label == label)
        .map(|s| s.id)
}

#[test]
fn drag_over_a_name_and_press_4_makes_an_actor_span() {
    let mut harness = sample_app();
    // Remove the sample's own span there first, so the new one is the test's.
    let range = find(&harness, "Steve Witkoff");
    if let Some(id) = span_at(&harness, range, "actor") {
        let ws = &mut harness.state_mut().ws;
        ws.selected_span = Some(id);
        ws.delete_selected_span().expect("delete");
    }
    // Start the drag inside "Steve" and end inside "Witkoff": snapping to words makes
    // the selection exactly the name.
    drag_over(&mut harness, range.0 + 1, range.1 - 1);
    assert_eq!(harness.state().ws.selection.map(|s| s.range()), Some(range));
    harness.key_press(Key::Num4);
    harness.run();
    assert!(
        span_at(&harness, range, "actor").is_some(),
        "no actor span at {range:?}"
    );
    let doc = harness.state().ws.document().expect("doc");
    let span = doc
        .spans()
        .iter()
        .find(|s| (s.start, s.end) == range)
        .expect("span");
    assert_eq!(doc.span_text(span), "Steve Witkoff");
}

#[test]
fn relabel_delete_undo_redo() {
    let mut harness = sample_app();
    let range = find(&harness, "Jared Kushner");
    select_and_press(&mut harness, range, Key::Num1);
    let id = span_at(&harness, range, "claim").expect("claim span");
    assert_eq!(harness.state().ws.selected_span, Some(id));

    // A hotkey with a span selected relabels it.
    harness.key_press(Key::Num3);
    harness.run();
    assert!(span_at(&harness, range, "location").is_some());
    assert!(span_at(&harness, range, "claim").is_none());

    harness.key_press(Key::Delete);
    harness.run();
    assert!(span_at(&harness, range, "location").is_none());

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert!(
        span_at(&harness, range, "location").is_some(),
        "undo brings the span back"
    );

    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run();
    assert!(
        span_at(&harness, range, "location").is_none(),
        "redo deletes it again"
    );

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    harness.run();
    assert!(
        span_at(&harness, range, "location").is_none(),
        "Ctrl+Y redoes too"
    );
}

#[test]
fn save_then_reload_gives_the_same_project() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("mine.ron");
    let mut harness = sample_app();
    let range = find(&harness, "Rustem Umerov");
    select_and_press(&mut harness, range, Key::Num2);
    harness.state_mut().save_to(&path);
    wait_until_saved(&mut harness);
    assert!(!harness.state().ws.is_dirty());
    assert_eq!(harness.state().ws.origin, Origin::File(path.clone()));

    let before = harness.state().ws.project.clone();
    let reloaded = marginalia::store::load(&path).expect("loads").project;
    assert_eq!(reloaded, before);

    // Ctrl+S with no change writes no byte.
    let bytes = std::fs::read(&path).expect("read");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.step();
    wait_until_saved(&mut harness);
    assert_eq!(std::fs::read(&path).expect("read"), bytes);
}

#[test]
fn unsaved_changes_prompt_on_close_and_cancel_keeps_the_work() {
    let mut harness = sample_app();
    let range = find(&harness, "Dmitry Peskov");
    select_and_press(&mut harness, range, Key::Num4);
    assert!(harness.state().ws.is_dirty());

    harness.event(egui::Event::WindowFocused(true));
    harness
        .input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    harness.run();
    assert!(
        matches!(harness.state().dialog, Some(Dialog::Unsaved(_))),
        "closing asks first"
    );
    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(harness.state().dialog.is_none());
    assert!(
        harness.state().ws.is_dirty(),
        "cancel keeps the unsaved work"
    );
}

/// Picks `label` in the search bar and presses "Label all matches".
fn label_all_matches(harness: &mut Harness<'_, MarginaliaApp>, label: &str) {
    harness.state_mut().search_label = Some(label.into());
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Label all matches")
        .click();
    harness.run();
}

#[test]
fn search_matches_follow_the_document_on_screen() {
    let mut harness = sample_app();
    let article =
        marginalia::formats::article_from_text("Talks in Moscow\n\nMoscow and Kyiv.".into())
            .expect("an article");
    assert!(harness.state_mut().add_article(article, None));
    harness.state_mut().ws.show_document(0);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run();
    harness.state_mut().search.query = "Moscow".into();
    let doc = harness.state().ws.document().expect("doc").clone();
    harness.state_mut().search.update(&doc);
    harness.run();
    assert!(harness.state().search.matches.len() >= 3);

    // Switching documents with the search bar open finds the matches in the new text,
    // so "Label all matches" labels that text's matches, not the old offsets.
    harness.state_mut().ws.show_document(1);
    harness.run();
    assert_eq!(harness.state().search.matches, [(9, 15), (17, 23)]);
    label_all_matches(&mut harness, "location");
    let doc = harness.state().ws.document().expect("doc");
    let labelled: Vec<&str> = doc.spans().iter().map(|s| doc.span_text(s)).collect();
    assert_eq!(labelled, ["Moscow", "Moscow"]);
}

#[test]
fn search_and_label_all_matches_is_one_undoable_edit() {
    let mut harness = sample_app();
    let before = harness.state().ws.document().expect("doc").spans().len();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run();
    assert!(harness.state().search.open);
    harness
        .get_by_role_and_label(egui::accesskit::Role::TextInput, "Find")
        .focus();
    harness.state_mut().search.query = "Moscow".into();
    let doc = harness.state().ws.document().expect("doc").clone();
    harness.state_mut().search.update(&doc);
    harness.run();
    let matches = harness.state().search.matches.len();
    assert!(
        matches >= 3,
        "Moscow appears several times, found {matches}"
    );
    label_all_matches(&mut harness, "location");
    let doc = harness.state().ws.document().expect("doc");
    let added = doc.spans().len() - before;
    let already = harness
        .state()
        .search
        .matches
        .iter()
        .filter(|&&(s, e)| {
            doc.spans()
                .iter()
                .filter(|x| (x.start, x.end) == (s, e) && x.label == "location")
                .count()
                > 0
        })
        .count();
    assert_eq!(
        already,
        matches,
        "every match is now a location ({:?})",
        harness.state().status_message
    );
    assert!(added >= 1);
    // Typing in the search field must not have labelled anything: single keys are off.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(
        harness.state().ws.document().expect("doc").spans().len(),
        before
    );
}

#[test]
fn single_key_shortcuts_do_not_fire_while_typing() {
    let mut harness = sample_app();
    let before = harness.state().ws.document().expect("doc").spans().len();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run();
    harness
        .get_by_role_and_label(egui::accesskit::Role::TextInput, "Find")
        .focus();
    harness.run();
    let range = find(&harness, "Kremlin");
    select_and_press(&mut harness, range, Key::Num1);
    assert_eq!(
        harness.state().ws.document().expect("doc").spans().len(),
        before
    );
}

#[test]
fn opening_a_broken_file_shows_an_error_and_the_app_still_works() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("broken.ron");
    std::fs::write(
        &path,
        "(\n    version: 1,\n    name: \"x\"\n    annotator: \"y\",\n)",
    )
    .expect("write");
    let mut harness = sample_app();
    harness.state_mut().open(&path);
    wait_until_opened(&mut harness);
    match &harness.state().dialog {
        Some(Dialog::Error(message)) => assert!(message.contains("broken.ron:4:"), "{message}"),
        other => panic!("expected an error dialog, got {other:?}"),
    }
    harness.get_by_label("OK").click();
    harness.run();
    assert!(harness.state().dialog.is_none());
    // The sample is still open and still editable.
    let range = find(&harness, "Yuri Ushakov");
    select_and_press(&mut harness, range, Key::Num4);
    assert!(span_at(&harness, range, "actor").is_some());
}

#[test]
fn a_location_inside_a_quote_are_both_kept_and_drawn() {
    let mut harness = sample_app();
    let quote = find(
        &harness,
        "\"The world now clearly feels that there is an opportunity to end the war, and the current activity in negotiations must be supported by pressure on Russia,\"",
    );
    let russia = find(&harness, "Russia,\" he said");
    let russia = (russia.0, russia.0 + "Russia".len());
    for (range, key) in [(quote, Key::Num2), (russia, Key::Num3)] {
        harness.state_mut().ws.selection = Some(Selection {
            anchor: range.0,
            focus: range.1,
        });
        harness.state_mut().ws.selected_span = None;
        harness.key_press(key);
        harness.run();
    }
    let doc = harness.state().ws.document().expect("doc");
    let inner: Vec<_> = doc.spans_at(russia.0).map(|s| s.label.as_str()).collect();
    assert!(
        inner.contains(&"quote") && inner.contains(&"location"),
        "{inner:?}"
    );
    // Both are on screen: the view laid out the paragraph they are in.
    harness.state_mut().view.scroll_to(quote.0);
    harness.run();
    assert!(harness.state().view.screen_pos(russia.0).is_some());
}

#[test]
fn a_long_status_message_is_shortened_inside_the_window_beside_the_saved_state() {
    let mut harness = sample_app();
    let message = "Not done: ".to_owned() + &"a very long reason ".repeat(40);
    harness.state_mut().status_message = Some(message.clone());
    harness.run();
    let window = harness.ctx.content_rect();
    for shown in [
        harness.get_by_label("saved").rect(),
        harness.get_by_label(&message).rect(),
    ] {
        assert!(
            window.contains_rect(shown),
            "{shown:?} is outside {window:?}"
        );
    }
}

#[test]
fn tab_moves_through_spans_in_reading_order() {
    let mut harness = sample_app();
    harness.key_press(Key::Tab);
    harness.run();
    let doc = harness.state().ws.document().expect("doc");
    assert_eq!(
        harness.state().ws.selected_span,
        doc.spans().first().map(|s| s.id)
    );
    harness.key_press(Key::Tab);
    harness.run();
    let doc = harness.state().ws.document().expect("doc");
    assert_eq!(
        harness.state().ws.selected_span,
        doc.spans().get(1).map(|s| s.id)
    );
    harness.key_press_modifiers(Modifiers::SHIFT, Key::Tab);
    harness.run();
    let doc = harness.state().ws.document().expect("doc");
    assert_eq!(
        harness.state().ws.selected_span,
        doc.spans().first().map(|s| s.id)
    );
}

#[test]
fn export_runs_in_the_background_and_reports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("sample.jsonl");
    let mut harness = sample_app();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::E);
    harness.run();
    assert!(matches!(harness.state().dialog, Some(Dialog::Export(_))));
    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(harness.state().dialog.is_none());
    let ctx = harness.ctx.clone();
    let draft = marginalia::app::ExportDraft::default();
    harness
        .state_mut()
        .start_export_to(&ctx, &draft, out.clone());
    wait_while(&mut harness, "exporting", |app| app.export_job.is_some());
    match &harness.state().dialog {
        Some(Dialog::Message(_, report)) => {
            assert!(report.contains("exported 1 documents"), "{report}")
        }
        other => panic!("expected the export report, got {other:?}"),
    }
    let written = std::fs::read_to_string(&out).expect("export written");
    assert!(written.contains("\"label\":\"actor\""), "{written}");
}

#[test]
fn a_dataset_import_adds_documents_as_one_undoable_change() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("extra.jsonl");
    std::fs::write(
        &input,
        "{\"text\": \"Kyiv said yes.\", \"label\": [[0, 4, \"location\"]]}\n",
    )
    .expect("write");
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"text\": \"Kyiv said yes.\", \"label\": [[0, 40, \"location\"]]}\n",
    )
    .expect("write");
    let mut harness = sample_app();
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::I);
    harness.run();
    assert!(matches!(
        harness.state().dialog,
        Some(Dialog::ImportDataset(_))
    ));
    harness.get_by_label("Cancel").click();
    harness.run();

    let draft = marginalia::app::ImportDraft::default();
    harness.state_mut().import_dataset(&draft, &[bad]);
    harness.run();
    assert!(matches!(&harness.state().dialog, Some(Dialog::Error(m)) if m.contains("bad.jsonl")));
    assert_eq!(
        harness.state().ws.project.documents.len(),
        1,
        "nothing half-imported"
    );
    harness.state_mut().dialog = None;

    harness.state_mut().import_dataset(&draft, &[input]);
    harness.run();
    let ws = &harness.state().ws;
    assert_eq!(ws.project.documents.len(), 2);
    let doc = ws.document().expect("the imported document is shown");
    assert_eq!(doc.spans().len(), 1);
    assert_eq!(doc.span_text(&doc.spans()[0]), "Kyiv");
    harness.state_mut().dialog = None;
    // Ctrl+Z takes the whole import back, as one step.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().ws.project.documents.len(), 1);
    assert_eq!(
        harness.state().status_message.as_deref(),
        Some("Undone: the dataset import.")
    );
}

#[test]
fn settings_shortcuts_and_paste_dialogs_open_and_close() {
    let mut harness = sample_app();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Comma);
    harness.run();
    assert!(matches!(harness.state().dialog, Some(Dialog::Settings(_))));
    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(harness.state().dialog.is_none());

    harness.key_press(Key::F1);
    harness.run();
    assert!(matches!(harness.state().dialog, Some(Dialog::Shortcuts)));
    assert!(harness.query_by_label_contains("Label as Actor").is_some());
    harness.get_by_label("Close").click();
    harness.run();
    assert!(harness.state().dialog.is_none());

    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::V);
    harness.run();
    harness.event(egui::Event::Paste("A title\n\nA text.".into()));
    harness.run();
    assert!(matches!(harness.state().dialog, Some(Dialog::Paste(_))));
    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(harness.state().dialog.is_none());
}

#[test]
fn renaming_a_label_in_settings_renames_every_span_and_undoes() {
    let mut harness = sample_app();
    let actors = harness.state().ws.project.count_label("actor");
    assert!(actors > 0);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Comma);
    harness.run();
    if let Some(Dialog::Settings(draft)) = &mut harness.state_mut().dialog {
        let actor = draft
            .schema
            .labels
            .iter_mut()
            .find(|l| l.key == "actor")
            .expect("actor label");
        actor.key = "speaker".into();
        draft.schema.link_types[0].key = "spoken_by".into();
    }
    harness.run();
    harness.get_by_label("Apply").click();
    harness.run();
    let project = &harness.state().ws.project;
    assert_eq!(project.count_label("speaker"), actors);
    assert_eq!(project.count_label("actor"), 0);
    let spoken_by = project
        .schema
        .link_type("spoken_by")
        .expect("renamed link type");
    assert!(spoken_by.to.contains(&"speaker".to_owned()));
    let links = project.documents[0].links();
    let renamed = links.iter().filter(|l| l.link_type == "spoken_by").count();
    assert_eq!(
        renamed, 20,
        "every said_by link of the sample follows the rename"
    );
    // Ctrl+Z undoes the whole settings change; Ctrl+Shift+Z brings it back.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().ws.project.count_label("actor"), actors);
    assert_eq!(harness.state().ws.project.count_label("speaker"), 0);
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run();
    assert_eq!(harness.state().ws.project.count_label("speaker"), actors);
}

#[test]
fn shift_click_extends_the_selection_to_whole_words() {
    let mut harness = sample_app();
    let (start, end) = find(&harness, "Steve Witkoff");
    harness.state_mut().ws.selection = Some(Selection {
        anchor: start,
        focus: start + 5,
    });
    let at = screen_pos(&harness, end - 2) + Vec2::new(1.0, 0.0);
    shift_click(&mut harness, at);
    assert_eq!(
        harness.state().ws.selection.map(|s| s.range()),
        Some((start, end))
    );
}

#[test]
fn shift_click_extends_a_selected_span_range_backwards() {
    let mut harness = sample_app();
    let (start, end) = find(&harness, "Steve Witkoff");
    let witkoff = (start + "Steve ".len(), end);
    let id = span_at(&harness, witkoff, "actor").unwrap_or_else(|| {
        let ws = &mut harness.state_mut().ws;
        ws.selection = Some(Selection {
            anchor: witkoff.0,
            focus: witkoff.1,
        });
        ws.label("actor").expect("label");
        ws.selected_span.expect("new span selected")
    });
    harness.state_mut().ws.selection = None;
    harness.state_mut().ws.selected_span = Some(id);
    harness.run();
    let at = screen_pos(&harness, start + 1) + Vec2::new(1.0, 0.0);
    shift_click(&mut harness, at);
    assert_eq!(
        harness.state().ws.selection.map(|s| s.range()),
        Some((start, end))
    );
}

#[test]
fn saving_over_a_file_changed_on_disk_asks_first() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("shared.ron");
    let mut harness = sample_app();
    harness.state_mut().save_to(&path);
    wait_until_saved(&mut harness);
    // A colleague's change arrives (a git pull) while the file is open here.
    let theirs = std::fs::read_to_string(&path)
        .expect("read")
        .replace("annotator: \"sample\"", "annotator: \"bob\"");
    std::fs::write(&path, &theirs).expect("write");
    let range = find(&harness, "Kremlin");
    select_and_press(&mut harness, range, Key::Num3);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.step();
    wait_until_saved(&mut harness);
    assert!(matches!(
        harness.state().dialog,
        Some(Dialog::ChangedOnDisk(_))
    ));
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        theirs,
        "nothing written yet"
    );
    harness.get_by_label("Overwrite").click();
    harness.step();
    wait_until_saved(&mut harness);
    assert!(!harness.state().ws.is_dirty());
    assert_eq!(
        marginalia::store::load(&path).expect("loads").project,
        harness.state().ws.project
    );
    let backup = marginalia::store::backup_path(&path);
    assert_eq!(
        std::fs::read_to_string(backup).expect("backup"),
        theirs,
        "their version kept as .bak"
    );
}

#[test]
fn ctrl_plus_and_minus_size_the_article_text_only() {
    let mut harness = sample_app();
    let size = harness.state().prefs.font_size;
    let zoom = harness.ctx.zoom_factor();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Plus);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Equals);
    harness.run();
    assert_eq!(harness.state().prefs.font_size, size + 2.0);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Minus);
    harness.run();
    assert_eq!(harness.state().prefs.font_size, size + 1.0);
    assert_eq!(
        harness.ctx.zoom_factor(),
        zoom,
        "the interface itself is not zoomed"
    );
}

#[test]
fn tab_never_moves_focus_onto_the_panels_buttons() {
    let mut harness = sample_app();
    for _ in 0..3 {
        harness.key_press(Key::Tab);
        harness.run();
    }
    let focused_buttons: Vec<String> = harness
        .query_all_by_role(egui::accesskit::Role::Button)
        .filter(|node| node.is_focused())
        .map(|node| format!("{node:?}"))
        .collect();
    assert!(
        focused_buttons.is_empty(),
        "Tab focused {focused_buttons:?}"
    );
    // …and it still steps through the spans: the third one is selected.
    let doc = harness.state().ws.document().expect("doc");
    assert_eq!(
        harness.state().ws.selected_span,
        doc.spans().get(2).map(|s| s.id)
    );
}

#[test]
fn opening_happens_in_the_background_and_the_current_project_stays_usable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("mine.ron");
    let mut harness = sample_app();
    harness.state_mut().save_to(&path);
    wait_until_saved(&mut harness);
    harness.state_mut().ws.origin = Origin::Bundled;
    harness.state_mut().open(&path);
    // The frame that starts the open does not wait for it.
    harness.step();
    wait_until_opened(&mut harness);
    assert_eq!(harness.state().ws.origin, Origin::File(path));
    assert!(harness.state().dialog.is_none());

    // On the command line: `marginalia FILE.ron` opens the file the same way.
    let broken = dir.path().join("broken.ron");
    std::fs::write(&broken, "(version: 1,").expect("write");
    let mut harness = harness_for(MarginaliaApp::new(
        Some(&broken),
        Prefs::default(),
        Recovery::disabled(),
    ));
    wait_until_opened(&mut harness);
    assert!(
        matches!(&harness.state().standby, Some(marginalia::app::Standby::Failed { error, .. }) if error.contains("broken.ron:1:"))
    );
    assert!(
        harness.state().ws.project.documents.is_empty(),
        "not the sample, as if it were the user's"
    );
}

#[test]
fn save_in_the_unsaved_prompt_writes_in_the_background_then_closes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("mine.ron");
    let mut harness = sample_app();
    harness.state_mut().save_to(&path);
    wait_until_saved(&mut harness);
    let range = find(&harness, "Rustem Umerov");
    select_and_press(&mut harness, range, Key::Num2);
    harness
        .input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    harness.run();
    harness.get_by_label("Save").click();
    harness.step();
    wait_until_saved(&mut harness);
    assert!(harness.state().dialog.is_none());
    assert!(!harness.state().ws.is_dirty());
    let saved = marginalia::store::load(&path).expect("loads").project;
    assert_eq!(
        saved,
        harness.state().ws.project,
        "the quote is in the file"
    );
    assert!(
        harness.state().is_closing(),
        "the window closes once the save is done"
    );
}

/// Writes an empty project called `name` to `path`.
fn write_project(path: &std::path::Path, name: &str) {
    let project = marginalia::model::Project::new(name, "bob");
    marginalia::store::save(&project, path, None, marginalia::store::SaveMode::Force)
        .expect("saved");
}

#[test]
fn changes_made_while_a_project_opens_are_asked_about_before_it_replaces_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let other = dir.path().join("other.ron");
    write_project(&other, "Other");
    let mut harness = sample_app();
    harness.state_mut().open(&other);
    // An edit made before the open has finished.
    let (start, end) = find(&harness, "Rustem Umerov");
    harness.state_mut().ws.selection = Some(Selection {
        anchor: start,
        focus: end,
    });
    harness.state_mut().ws.label("actor").expect("labelled");
    wait_until_opened(&mut harness);
    assert!(matches!(
        harness.state().dialog,
        Some(Dialog::Unsaved(marginalia::app::Then::UseOpened))
    ));
    assert_eq!(
        harness.state().ws.project.name,
        "Ukraine peace talks (sample)"
    );
    assert!(harness.state().ws.is_dirty(), "the edit is still there");
    harness.get_by_label("Discard").click();
    harness.run();
    assert_eq!(harness.state().ws.project.name, "Other");
    assert_eq!(harness.state().ws.origin, Origin::File(other));
}

#[test]
fn a_save_finishing_after_another_project_opened_is_not_recorded_on_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b) = (dir.path().join("a.ron"), dir.path().join("b.ron"));
    write_project(&b, "B");
    let mut harness = sample_app();
    // Save A, and open B at once: whichever finishes first, B keeps its own file.
    harness.state_mut().save_to(&a);
    harness.state_mut().open(&b);
    wait_until_saved(&mut harness);
    wait_until_opened(&mut harness);
    assert_eq!(harness.state().ws.project.name, "B");
    assert_eq!(harness.state().ws.origin, Origin::File(b.clone()));
    let on_disk = marginalia::store::load(&a).expect("a.ron loads");
    assert_eq!(on_disk.project.name, "Ukraine peace talks (sample)");
}

#[test]
fn a_second_save_during_a_save_is_done_after_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b) = (dir.path().join("a.ron"), dir.path().join("b.ron"));
    let mut harness = sample_app();
    harness.state_mut().save_to(&a);
    harness.state_mut().save_to(&b);
    wait_until_saved(&mut harness);
    wait_until_saved(&mut harness);
    assert!(a.exists() && b.exists(), "both saves were written");
    assert_eq!(harness.state().ws.origin, Origin::File(b));
}

#[test]
fn the_recovery_prompt_keeps_its_copy_until_it_is_answered() {
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state");
    // A copy left by a run that did not close cleanly.
    let mut earlier = Recovery::every(Some(state.clone()), std::time::Duration::ZERO);
    let mut ws = marginalia::app::sample_workspace();
    ws.touch();
    earlier.tick(&ws);
    while earlier.is_writing() {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let copy = state.join("recovery.ron");
    assert!(copy.exists());

    // Started on a file: opening it must not delete the copy while the prompt is
    // unanswered.
    let file = dir.path().join("b.ron");
    write_project(&file, "B");
    let recovery = Recovery::every(Some(state.clone()), std::time::Duration::ZERO);
    let mut harness = harness_for(MarginaliaApp::new(Some(&file), Prefs::default(), recovery));
    wait_until_opened(&mut harness);
    assert_eq!(harness.state().ws.project.name, "B");
    assert!(matches!(harness.state().dialog, Some(Dialog::Recover)));
    assert!(
        copy.exists(),
        "the copy is kept while the prompt is unanswered"
    );
    harness.get_by_label("Restore").click();
    harness.run();
    assert_eq!(
        harness.state().ws.project.name,
        "Ukraine peace talks (sample)"
    );
    assert!(
        harness.state().ws.is_dirty(),
        "the restored work is unsaved"
    );

    // Started on a broken file: its error waits until the prompt is answered.
    let broken = dir.path().join("broken.ron");
    std::fs::write(&broken, "(version: 1,").expect("write");
    let recovery = Recovery::every(Some(state), std::time::Duration::ZERO);
    let mut harness = harness_for(MarginaliaApp::new(
        Some(&broken),
        Prefs::default(),
        recovery,
    ));
    wait_until_opened(&mut harness);
    assert!(matches!(harness.state().dialog, Some(Dialog::Recover)));
    harness.get_by_label("Discard it").click();
    harness.run();
    assert!(
        matches!(&harness.state().standby, Some(marginalia::app::Standby::Failed { error, .. }) if error.contains("broken.ron")),
        "the error shows after the prompt"
    );
    assert!(!copy.exists(), "discarded when the user said so");
}

#[test]
fn undoing_a_link_says_so_instead_of_leaving_linked_in_the_status_line() {
    let mut harness = sample_app();
    let quote = {
        let doc = harness.state().ws.document().expect("the sample");
        doc.spans()
            .iter()
            .find(|s| s.label == "quote")
            .expect("a quote")
            .id
    };
    harness.state_mut().ws.selected_span = Some(quote);
    harness.run();
    harness.key_press(Key::L);
    harness.run();
    harness.key_press(Key::Num1);
    harness.run();
    let status =
        |h: &Harness<'_, MarginaliaApp>| h.state().status_message.clone().unwrap_or_default();
    assert!(
        status(&harness).starts_with("Linked"),
        "{}",
        status(&harness)
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert!(
        status(&harness).starts_with("Undone"),
        "{}",
        status(&harness)
    );

    // A click elsewhere while linking ends the link mode, and its prompt with it.
    harness.state_mut().ws.selected_span = Some(quote);
    harness.run();
    harness.key_press(Key::L);
    harness.run();
    assert!(harness.state().link_mode.is_some());
    let (start, _) = find(&harness, "Wednesday");
    let at = screen_pos(&harness, start) + Vec2::new(2.0, 4.0);
    click_with(&mut harness, at, Modifiers::NONE);
    assert!(harness.state().link_mode.is_none());
    assert!(
        !status(&harness).contains("press 1"),
        "{}",
        status(&harness)
    );
}

/// An actor and a quote starting at the same character (the sample's `Ukraine "pretty
/// well" supports…`): a click on the name selects the actor, the innermost span.
#[test]
fn a_click_on_a_name_that_starts_a_quote_selects_the_name() {
    let mut harness = sample_app();
    let start = 1371;
    harness.state_mut().view.scroll_to(start);
    harness.run_steps(3);
    let at = screen_pos(&harness, start + 2) + Vec2::new(1.0, 4.0);
    click_with(&mut harness, at, Modifiers::NONE);
    let doc = harness.state().ws.document().expect("the sample");
    let selected = harness
        .state()
        .ws
        .selected_span
        .and_then(|id| doc.span(id))
        .expect("a span selected");
    assert_eq!(
        (selected.label.as_str(), selected.start, selected.end),
        ("actor", 1371, 1378)
    );
}
