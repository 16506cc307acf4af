//! Suggestion stories: the rules' proposals come in as candidates, drawn apart from
//! spans, accepted and rejected with the keyboard, and a rejection outlives a save.

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use marginalia::app::{MarginaliaApp, Prefs, Recovery};
use marginalia::model::{Decision, Document, Project, Proposal};

const TEXT: &str = "“We are ready,” Zelensky said in Kyiv.\nLater Zelensky met the press.\n";

/// A project whose one document has Zelensky labelled once.
fn write_project(path: &std::path::Path) {
    let mut project = Project::new("Talks", "alice");
    let mut doc = Document::new("talks", "Talks", TEXT);
    let start = TEXT[..TEXT.find("Zelensky").expect("name")].chars().count();
    let edit = doc.add_span_edit(start, start + "Zelensky".len(), "actor");
    doc.apply(edit, &project.schema).expect("span");
    project.documents.push(doc);
    marginalia::store::save(&project, path, None, marginalia::store::SaveMode::Force)
        .expect("saved");
}

fn open(path: &std::path::Path) -> Harness<'static, MarginaliaApp> {
    let app = MarginaliaApp::new(Some(path), Prefs::default(), Recovery::disabled());
    let mut harness = super::harness_for(app);
    super::wait_until_opened(&mut harness);
    harness
}

fn press(harness: &mut Harness<'_, MarginaliaApp>, modifiers: Modifiers, key: Key) {
    harness.key_press_modifiers(modifiers, key);
    harness.run();
}

fn pending(harness: &Harness<'_, MarginaliaApp>) -> Vec<(String, Proposal)> {
    let doc = harness.state().ws.document().expect("doc");
    doc.pending_candidates()
        .iter()
        .map(|c| (c.origin.to_string(), c.proposal.clone()))
        .collect()
}

#[test]
fn suggestions_are_accepted_and_rejected_and_a_rejection_survives_a_save() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("talks.ron");
    write_project(&path);
    let mut harness = open(&path);
    let spans_before = harness.state().ws.document().expect("doc").spans().len();

    // Ctrl+Shift+U: the quotation, its speaker and the name seen before, all pending.
    press(&mut harness, Modifiers::COMMAND | Modifiers::SHIFT, Key::U);
    let proposals = pending(&harness);
    assert!(
        proposals.len() >= 3,
        "a quote, its speaker and the second Zelensky: {proposals:?}"
    );
    assert_eq!(
        harness.state().ws.document().expect("doc").spans().len(),
        spans_before,
        "suggestions are never applied silently"
    );

    // The first in reading order is the quotation, marks included: Enter takes it.
    let first = harness
        .state()
        .ws
        .focused_candidate()
        .expect("focused")
        .clone();
    let (start, end) = first.proposal.range();
    let doc = harness.state().ws.document().expect("doc");
    assert_eq!(doc.slice(start, end), Some("“We are ready,”"));
    press(&mut harness, Modifiers::NONE, Key::Enter);
    let doc = harness.state().ws.document().expect("doc");
    assert!(
        doc.spans()
            .iter()
            .any(|s| s.label == "quote" && s.start == start)
    );

    // Reject the rest with Backspace, one by one, until nothing is open.
    let mut rejected = Vec::new();
    while let Some(candidate) = harness.state().ws.focused_candidate().cloned() {
        rejected.push(candidate.proposal.clone());
        press(&mut harness, Modifiers::NONE, Key::Backspace);
        assert!(rejected.len() < 10, "stepping ends");
    }
    assert!(!rejected.is_empty());
    assert!(pending(&harness).is_empty());

    // Undo brings the last one back, open; Backspace again.
    press(&mut harness, Modifiers::COMMAND, Key::Z);
    assert_eq!(pending(&harness).len(), 1);
    press(&mut harness, Modifiers::NONE, Key::F8);
    press(&mut harness, Modifiers::NONE, Key::Backspace);

    // Saved and opened again, asking once more proposes none of the rejected ones.
    harness.state_mut().save_to(&path);
    super::wait_until_saved(&mut harness);
    let mut harness = open(&path);
    let doc = harness.state().ws.document().expect("doc");
    for proposal in &rejected {
        assert!(
            doc.candidates()
                .iter()
                .any(|c| &c.proposal == proposal && c.decision == Decision::Rejected),
            "the rejection is in the file"
        );
    }
    press(&mut harness, Modifiers::COMMAND | Modifiers::SHIFT, Key::U);
    let again = pending(&harness);
    for proposal in &rejected {
        assert!(
            !again.iter().any(|(_, p)| p == proposal),
            "{proposal:?} was proposed again"
        );
    }
}

#[test]
fn a_quote_is_linked_to_its_speaker_with_the_keyboard_and_undone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("talks.ron");
    write_project(&path);
    let mut harness = open(&path);
    // Make the quotation a span first (the file has only the actor).
    {
        let ws = &mut harness.state_mut().ws;
        let end = "“We are ready,”".chars().count();
        ws.selection = Some(marginalia::app::Selection {
            anchor: 0,
            focus: end,
        });
        ws.label("quote").expect("quote");
    }
    harness.run();
    let quote = harness
        .state()
        .ws
        .selected_span
        .expect("the new quote is selected");
    let links = |harness: &Harness<'_, MarginaliaApp>| {
        harness.state().ws.document().expect("doc").links().to_vec()
    };

    // L numbers the nearest actors; Esc cancels and nothing changes.
    press(&mut harness, Modifiers::NONE, Key::L);
    let mode = harness.state().link_mode.clone().expect("linking");
    assert_eq!(mode.link_type, "said_by");
    assert!(!mode.targets.is_empty());
    press(&mut harness, Modifiers::NONE, Key::Escape);
    assert!(harness.state().link_mode.is_none());
    assert!(links(&harness).is_empty());

    // L, then 1: the nearest actor, Zelensky, said it.
    press(&mut harness, Modifiers::NONE, Key::L);
    press(&mut harness, Modifiers::NONE, Key::Num1);
    let made = links(&harness);
    assert_eq!(made.len(), 1);
    let doc = harness.state().ws.document().expect("doc");
    assert_eq!(made[0].from, quote);
    assert_eq!(
        doc.span(made[0].to).map(|s| doc.span_text(s)),
        Some("Zelensky")
    );
    assert_eq!(made[0].link_type, "said_by");
    assert_eq!(doc.spans().len(), 2, "the digit labelled nothing");

    // Undone like any edit.
    press(&mut harness, Modifiers::COMMAND, Key::Z);
    assert!(links(&harness).is_empty());
}

/// A document with a quotation split by its speaker, both parts and the speaker labelled.
const SPLIT: &str = "“We are ready,” Zelensky said, “to talk.”\n";

#[test]
fn each_link_type_has_its_own_key_and_a_click_picks_a_numbered_target() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("split.ron");
    let mut project = Project::new("Split", "alice");
    let mut doc = Document::new("split", "Split", SPLIT);
    let range = |needle: &str| {
        let start = SPLIT[..SPLIT.find(needle).expect("needle")].chars().count();
        (start, start + needle.chars().count())
    };
    for (needle, label) in [
        ("“We are ready,”", "quote"),
        ("Zelensky", "actor"),
        ("“to talk.”", "quote"),
    ] {
        let (start, end) = range(needle);
        let edit = doc.add_span_edit(start, end, label);
        doc.apply(edit, &project.schema).expect("span");
    }
    project.documents.push(doc);
    marginalia::store::save(&project, &path, None, marginalia::store::SaveMode::Force)
        .expect("saved");
    let mut harness = open(&path);
    let span_at = |harness: &Harness<'_, MarginaliaApp>, needle: &str| {
        let (start, _) = range(needle);
        let doc = harness.state().ws.document().expect("doc");
        doc.spans()
            .iter()
            .find(|s| s.start == start)
            .expect("span")
            .id
    };
    let later = span_at(&harness, "“to talk.”");
    let earlier = span_at(&harness, "“We are ready,”");
    let speaker = span_at(&harness, "Zelensky");
    harness.state_mut().ws.selected_span = Some(later);
    harness.run();

    // C, the key of "Continues", numbers the other quote, not the actor.
    press(&mut harness, Modifiers::NONE, Key::C);
    let mode = harness.state().link_mode.clone().expect("linking");
    assert_eq!(mode.link_type, "continues");
    assert_eq!(mode.targets, vec![earlier]);
    // S, the key of "Said by", switches to the speakers.
    press(&mut harness, Modifiers::NONE, Key::S);
    let mode = harness.state().link_mode.clone().expect("linking");
    assert_eq!(mode.link_type, "said_by");
    assert_eq!(mode.targets, vec![speaker]);

    // A click on the numbered speaker links it.
    let (start, end) = range("Zelensky");
    let on_name = harness
        .state()
        .view
        .screen_pos((start + end) / 2)
        .expect("on screen")
        + egui::Vec2::new(1.0, 4.0);
    super::click_with(&mut harness, on_name, Modifiers::NONE);
    let links = harness.state().ws.document().expect("doc").links().to_vec();
    assert_eq!(links.len(), 1, "{links:?}");
    assert_eq!((links[0].from, links[0].to), (later, speaker));
    assert_eq!(links[0].link_type, "said_by");
    assert!(harness.state().link_mode.is_none());

    // C again, then 1: the later part continues the earlier; both undo, newest first.
    press(&mut harness, Modifiers::NONE, Key::C);
    press(&mut harness, Modifiers::NONE, Key::Num1);
    let links = harness.state().ws.document().expect("doc").links().to_vec();
    assert_eq!(links.len(), 2);
    assert!(
        links
            .iter()
            .any(|l| l.link_type == "continues" && (l.from, l.to) == (later, earlier))
    );
    press(&mut harness, Modifiers::COMMAND, Key::Z);
    press(&mut harness, Modifiers::COMMAND, Key::Z);
    assert!(
        harness
            .state()
            .ws
            .document()
            .expect("doc")
            .links()
            .is_empty()
    );

    // An actor cannot start a "Said by" link: S says so and starts nothing.
    harness.state_mut().ws.selected_span = Some(speaker);
    harness.run();
    press(&mut harness, Modifiers::NONE, Key::S);
    assert!(harness.state().link_mode.is_none());
    let message = harness.state().status_message.clone().unwrap_or_default();
    assert!(message.contains("cannot start"), "{message}");
}
