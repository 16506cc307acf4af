//! Suggestion stories: the rules' proposals come in as candidates, drawn apart from
//! spans, accepted and rejected with the keyboard, and a rejection outlives a save.

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
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

/// The talks project (see [`write_project`]) in a fresh folder, opened; the folder lives
/// as long as the returned guard.
fn opened_talks() -> (tempfile::TempDir, Harness<'static, MarginaliaApp>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("talks.ron");
    write_project(&path);
    let harness = open(&path);
    (dir, harness)
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
    let (_dir, mut harness) = opened_talks();
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

const WHISPERED: &str = "“Not yet,” whispered Ushakov.\n“We are ready,” Peskov said.\n";

/// Both quotes and both speakers marked, nothing linked: only speakers to suggest.
fn write_whispered_project(path: &std::path::Path) {
    let mut project = Project::new("Talks", "alice");
    let mut doc = Document::new("talks", "Talks", WHISPERED);
    for (needle, label) in [
        ("“Not yet,”", "quote"),
        ("Ushakov", "actor"),
        ("“We are ready,”", "quote"),
        ("Peskov", "actor"),
    ] {
        let start = WHISPERED[..WHISPERED.find(needle).expect("needle")]
            .chars()
            .count();
        let edit = doc.add_span_edit(start, start + needle.chars().count(), label);
        doc.apply(edit, &project.schema).expect("span");
    }
    project.documents.push(doc);
    marginalia::store::save(&project, path, None, marginalia::store::SaveMode::Force)
        .expect("saved");
}

/// The speakers of the pending `said_by` suggestions.
fn suggested_speakers(harness: &Harness<'_, MarginaliaApp>) -> Vec<String> {
    let doc = harness.state().ws.document().expect("doc");
    pending(harness)
        .into_iter()
        .filter_map(|(_, proposal)| match proposal {
            Proposal::Link { to, link_type, .. } if link_type == "said_by" => {
                doc.slice(to.start, to.end).map(str::to_owned)
            }
            _ => None,
        })
        .collect()
}

/// Replaces the whole text of the focused text field.
fn retype(harness: &mut Harness<'_, MarginaliaApp>, lines: &[&str]) {
    press(harness, Modifiers::COMMAND, Key::A);
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            press(harness, Modifiers::NONE, Key::Enter);
        }
        harness.event(egui::Event::Text((*line).to_owned()));
        harness.run();
    }
}

#[test]
fn the_projects_reporting_verbs_are_edited_in_settings_used_by_suggest_and_undone() {
    use egui_kittest::kittest::Queryable as _;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("talks.ron");
    write_whispered_project(&path);
    let mut harness = open(&path);

    // Ctrl+, then the folded Reporting verbs section: the built-in list, not editable.
    press(&mut harness, Modifiers::COMMAND, Key::Comma);
    harness
        .get_by_label_contains("Reporting verbs (built-in")
        .click();
    harness.run();
    let field = harness.get_by_label("Reporting verbs, one per line");
    assert!(
        field.value().is_some_and(|v| v.contains("according to")),
        "the built-in list is shown"
    );

    // Untick "Use the built-in list" and type a list of the project's own.
    // (The section unfolds over a few frames: the pointer rests on the box meanwhile.)
    harness.get_by_label("Use the built-in list").hover();
    harness.run();
    harness.get_by_label("Use the built-in list").click();
    harness.run();
    harness
        .get_by_label("Reporting verbs, one per line")
        .focus();
    harness.run();
    retype(&mut harness, &["whispered", "Whispered "]);
    // A verb twice (case aside) is shown in the dialog, which does not apply it.
    assert!(
        harness
            .query_by_label_contains("line 2 repeats line 1")
            .is_some()
    );
    harness.get_by_label("Apply").click();
    harness.run();
    assert_eq!(harness.state().ws.project.reporting_verbs, None);
    assert!(matches!(
        harness.state().dialog,
        Some(marginalia::app::Dialog::Settings(_))
    ));
    harness
        .get_by_label("Reporting verbs, one per line")
        .focus();
    harness.run();
    retype(&mut harness, &["  whispered", "", "according to"]);
    harness.get_by_label("Apply").click();
    harness.run();
    assert!(harness.state().dialog.is_none());
    assert_eq!(
        harness.state().ws.project.reporting_verbs,
        Some(vec!["whispered".to_owned(), "according to".to_owned()])
    );

    // Suggest now ties the whispered quote to Ushakov, and "said" ties nothing.
    press(&mut harness, Modifiers::COMMAND | Modifiers::SHIFT, Key::U);
    assert_eq!(suggested_speakers(&harness), ["Ushakov"]);

    // Ctrl+Z takes back the suggestions, then the settings change: the built-in list.
    press(&mut harness, Modifiers::COMMAND, Key::Z);
    assert!(pending(&harness).is_empty());
    press(&mut harness, Modifiers::COMMAND, Key::Z);
    assert_eq!(harness.state().ws.project.reporting_verbs, None);
    press(&mut harness, Modifiers::COMMAND | Modifiers::SHIFT, Key::U);
    assert_eq!(suggested_speakers(&harness), ["Peskov"]);
}

/// The window on a project of these documents, unsaved.
fn app_on(documents: Vec<Document>) -> Harness<'static, MarginaliaApp> {
    let mut project = Project::new("Talks", "alice");
    project.documents = documents;
    let mut app = MarginaliaApp::new(None, Prefs::default(), Recovery::disabled());
    app.ws = marginalia::app::Workspace::new(project, marginalia::app::Origin::Unsaved, None);
    super::harness_for(app)
}

/// The document of [`write_project`]: Zelensky labelled once.
fn talks() -> Document {
    let schema = marginalia::model::Schema::default();
    let mut doc = Document::new("talks", "Talks", TEXT);
    let start = TEXT[..TEXT.find("Zelensky").expect("name")].chars().count();
    let edit = doc.add_span_edit(start, start + "Zelensky".len(), "actor");
    doc.apply(edit, &schema).expect("span");
    doc
}

fn status(harness: &Harness<'_, MarginaliaApp>) -> String {
    harness.state().status_message.clone().unwrap_or_default()
}

/// F8 until a link candidate is in focus.
fn focus_a_link(harness: &mut Harness<'_, MarginaliaApp>) {
    for _ in 0..10 {
        let focused = harness.state().ws.focused_candidate().cloned();
        if focused.is_some_and(|c| matches!(c.proposal, Proposal::Link { .. })) {
            return;
        }
        press(harness, Modifiers::NONE, Key::F8);
    }
    panic!("no link candidate: {:?}", pending(harness));
}

#[test]
fn accepting_a_suggested_speaker_takes_in_its_suggested_quote_in_one_undo_step() {
    let mut harness = app_on(vec![talks()]);
    press(&mut harness, Modifiers::COMMAND | Modifiers::SHIFT, Key::U);
    focus_a_link(&mut harness);
    press(&mut harness, Modifiers::NONE, Key::Enter);
    let message = status(&harness);
    assert!(
        message.contains("Accepted the link and the 1 suggested span it needs"),
        "{message}"
    );
    let doc = harness.state().ws.document().expect("doc");
    let [link] = doc.links() else {
        panic!("one link: {:?}", doc.links())
    };
    let quote = doc.span(link.from).expect("the quote is a span now");
    assert_eq!(doc.span_text(quote), "“We are ready,”");
    // One Ctrl+Z takes back both.
    press(&mut harness, Modifiers::COMMAND, Key::Z);
    let doc = harness.state().ws.document().expect("doc");
    assert!(doc.links().is_empty());
    assert_eq!(doc.spans().len(), 1, "only the actor");
    assert!(pending(&harness).len() >= 3, "all open again");
}

#[test]
fn accept_all_speakers_takes_in_their_quotes_and_reject_all_counts() {
    let mut harness = app_on(vec![talks()]);
    press(&mut harness, Modifiers::COMMAND | Modifiers::SHIFT, Key::U);
    focus_a_link(&mut harness);
    harness.get_by_label("Accept all of this kind").click();
    harness.run();
    let message = status(&harness);
    assert!(
        message.contains("Accepted 1 speaker suggestion and the 1 suggested span their links need"),
        "{message}"
    );
    let doc = harness.state().ws.document().expect("doc");
    assert_eq!(doc.links().len(), 1);

    // What is left is the name seen before: reject all of it.
    let focused = harness
        .state()
        .ws
        .focused_candidate()
        .cloned()
        .expect("focused");
    assert_eq!(focused.origin.to_string(), "suggested by rule `names`");
    harness.get_by_label("Reject all of this kind").click();
    harness.run();
    let message = status(&harness);
    assert_eq!(message, "Rejected 1 name suggestion; Ctrl+Z undoes.");
}

#[test]
fn suggest_again_with_nothing_new_focuses_the_open_suggestions() {
    let mut harness = app_on(vec![talks()]);
    press(&mut harness, Modifiers::COMMAND | Modifiers::SHIFT, Key::U);
    let open = pending(&harness).len();
    let first = harness.state().ws.focused_candidate().expect("focused").id;
    harness.state_mut().ws.focused_candidate = None;
    press(&mut harness, Modifiers::COMMAND | Modifiers::SHIFT, Key::U);
    assert_eq!(
        status(&harness),
        format!("Nothing new; {open} suggestions are still open: F8 steps through them.")
    );
    assert_eq!(
        harness.state().ws.focused_candidate().map(|c| c.id),
        Some(first),
        "the first open suggestion is in focus"
    );
    assert_eq!(pending(&harness).len(), open, "nothing added twice");
}

#[test]
fn suggest_covers_every_document_in_one_undo_step() {
    let other = Document::new(
        "later",
        "Later",
        "Zelensky spoke again. “Not yet,” Zelensky said.\n",
    );
    let mut harness = app_on(vec![talks(), other]);
    press(&mut harness, Modifiers::COMMAND | Modifiers::SHIFT, Key::U);
    let open: Vec<usize> = harness
        .state()
        .ws
        .project
        .documents
        .iter()
        .map(Document::open_candidate_count)
        .collect();
    assert!(open.iter().all(|&n| n > 0), "both documents: {open:?}");
    let total: usize = open.iter().sum();
    assert_eq!(
        status(&harness),
        format!("{total} suggestions in 2 documents; F8 steps, Enter accepts, Backspace rejects.")
    );
    // F8 goes on into the second document.
    for _ in 0..open[0] {
        press(&mut harness, Modifiers::NONE, Key::F8);
    }
    assert_eq!(harness.state().ws.current, 1);
    assert!(harness.state().ws.focused_candidate().is_some());
    // One Ctrl+Z takes all of it back.
    press(&mut harness, Modifiers::COMMAND, Key::Z);
    assert_eq!(harness.state().ws.project.open_candidate_count(), 0);
}

#[test]
fn suggest_on_a_project_without_documents_says_to_add_one() {
    let mut harness = app_on(Vec::new());
    press(&mut harness, Modifiers::COMMAND | Modifiers::SHIFT, Key::U);
    assert_eq!(
        status(&harness),
        "The project has no documents yet: add an article first."
    );
}

#[test]
fn a_link_whose_quote_is_gone_says_so_in_words() {
    let mut doc = talks();
    let schema = marginalia::model::Schema::default();
    let quote_end = "“We are ready,”".chars().count();
    let actor = doc.spans()[0].clone();
    let link = Proposal::Link {
        from: marginalia::model::SpanKey {
            start: 0,
            end: quote_end,
            label: "quote".into(),
        },
        to: marginalia::model::SpanKey::of(&actor),
        link_type: "said_by".into(),
    };
    let edit = doc.add_candidate_edit(link, marginalia::model::Origin::Rule("speakers".into()));
    doc.apply(edit, &schema).expect("a valid candidate");
    let mut harness = app_on(vec![doc]);
    press(&mut harness, Modifiers::NONE, Key::F8);
    press(&mut harness, Modifiers::NONE, Key::Enter);
    assert_eq!(
        status(&harness),
        "Not done: the link needs the Quote “We are ready,”, which is neither in the document \
         nor an open suggestion (it was rejected or removed)."
    );
    assert!(
        harness
            .state()
            .ws
            .document()
            .expect("doc")
            .links()
            .is_empty()
    );
}

/// The story with keys alone, from a file with only the actor marked: the
/// quotation comes in as a suggestion (Ctrl+Shift+U, Enter), the other suggestions are
/// rejected (Backspace), Tab selects the quote, L numbers the speakers, 1 links.
#[test]
fn a_quote_is_made_and_linked_to_its_speaker_with_keys_alone() {
    let (_dir, mut harness) = opened_talks();
    press(&mut harness, Modifiers::COMMAND | Modifiers::SHIFT, Key::U);
    press(&mut harness, Modifiers::NONE, Key::Enter);
    let mut steps = 0;
    while harness.state().ws.focused_candidate().is_some() {
        press(&mut harness, Modifiers::NONE, Key::Backspace);
        steps += 1;
        assert!(steps < 10, "the suggestions end");
    }
    let doc = harness.state().ws.document().expect("doc");
    assert!(doc.links().is_empty(), "no link taken from the suggestions");
    let quote = doc
        .spans()
        .iter()
        .find(|s| s.label == "quote")
        .expect("the accepted quotation")
        .id;

    press(&mut harness, Modifiers::NONE, Key::Escape);
    press(&mut harness, Modifiers::NONE, Key::Tab);
    assert_eq!(
        harness.state().ws.selected_span,
        Some(quote),
        "Tab: the first span"
    );
    press(&mut harness, Modifiers::NONE, Key::L);
    press(&mut harness, Modifiers::NONE, Key::Num1);
    let doc = harness.state().ws.document().expect("doc");
    let links = doc.links();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].from, quote);
    assert_eq!(
        doc.span(links[0].to).map(|s| doc.span_text(s)),
        Some("Zelensky")
    );
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
}

/// A suggested link in focus is drawn as a dashed arc between its two ends, so it can be
/// read before it is decided.
#[test]
fn a_suggested_link_in_focus_is_a_dashed_arc_between_its_ends() {
    let (_dir, mut harness) = opened_talks();
    press(&mut harness, Modifiers::COMMAND | Modifiers::SHIFT, Key::U);
    // Step to the speaker link.
    let mut steps = 0;
    while !matches!(
        harness.state().ws.focused_candidate().map(|c| &c.proposal),
        Some(Proposal::Link { .. })
    ) {
        press(&mut harness, Modifiers::NONE, Key::F8);
        steps += 1;
        assert!(steps < 10, "a link among the suggestions");
    }
    harness.run();
    let Some(Proposal::Link { from, to, .. }) = harness
        .state()
        .ws
        .focused_candidate()
        .map(|c| c.proposal.clone())
    else {
        unreachable!("focused on a link")
    };
    let (a, b) = harness
        .state()
        .view
        .candidate_arc()
        .expect("the link drawn as an arc");
    let view = &harness.state().view;
    let near = |p: egui::Pos2, start: usize, end: usize| {
        let (left, right) = (
            view.screen_pos(start).expect("on screen").x,
            view.screen_pos(end - 1).expect("on screen").x,
        );
        p.x >= left - 2.0 && p.x <= right + 20.0
    };
    assert!(near(a, from.start, from.end), "{a:?} starts at the quote");
    assert!(near(b, to.start, to.end), "{b:?} ends at the speaker");

    // Focus elsewhere: no arc.
    press(&mut harness, Modifiers::NONE, Key::Enter);
    harness.run();
    if !matches!(
        harness.state().ws.focused_candidate().map(|c| &c.proposal),
        Some(Proposal::Link { .. })
    ) {
        assert!(harness.state().view.candidate_arc().is_none());
    }
}
