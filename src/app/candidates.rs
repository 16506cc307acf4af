//! Candidates in the workspace: annotations proposed but not yet decided (colleagues'
//! disagreements in a gold project, later suggestions and merge conflicts). One focused
//! candidate at a time; the keyboard steps through the open ones (F8 / `]`, Shift+F8 /
//! `[`), accepts (Enter), rejects (Backspace) or takes one annotator's version of the
//! whole disagreement (Alt+1…9). Every decision is an ordinary undoable edit.

use egui::{RichText, Ui};

use super::MarginaliaApp;
use super::article_view::shorten;
use super::workspace::Workspace;
use crate::model::{Candidate, CandidateId, CommentTarget, Document, EditError, Origin, Proposal};

impl Workspace {
    /// The focused candidate, if it is still in the current document.
    pub fn focused_candidate(&self) -> Option<&Candidate> {
        self.document()?.candidate(self.focused_candidate?)
    }

    /// Focuses the next (or previous) open candidate, in reading order, going on into
    /// the next document that has one. Returns whether one was found.
    pub fn step_candidate(&mut self, forward: bool) -> bool {
        let count = self.project.documents.len();
        if count == 0 {
            return false;
        }
        // In this document, from the focused one (or from the start or end).
        if let Some(doc) = self.document() {
            let from = self.focused_candidate;
            if let Some(next) = doc.step_pending(from, forward) {
                let wrapped = from.and_then(|f| doc.candidate(f)).is_some_and(|here| {
                    let (a, b) = (next.order_key(), here.order_key());
                    if forward { a <= b } else { a >= b }
                });
                // Wrapping around inside the document means: go on to the next one
                // that has open candidates, if there is one.
                if !wrapped || !self.other_document_has_candidates() {
                    self.focus_candidate(next.id);
                    return true;
                }
            }
        }
        for step in 1..=count {
            let index = if forward {
                (self.current + step) % count
            } else {
                (self.current + count - step) % count
            };
            let doc = &self.project.documents[index];
            if let Some(first) = doc.step_pending(None, forward).map(|c| c.id) {
                self.show_document(index);
                self.focus_candidate(first);
                return true;
            }
        }
        false
    }

    fn other_document_has_candidates(&self) -> bool {
        self.project
            .documents
            .iter()
            .enumerate()
            .any(|(i, d)| i != self.current && d.open_candidate_count() > 0)
    }

    /// Focuses candidate `id` of the current document (and selects nothing else).
    pub fn focus_candidate(&mut self, id: CandidateId) {
        self.focused_candidate = Some(id);
        self.selected_span = None;
        self.selection = None;
    }

    /// Accepts the focused candidate, then focuses the next open one.
    pub fn accept_focused(&mut self) -> Result<bool, EditError> {
        let Some(id) = self.focused_candidate else {
            return Ok(false);
        };
        let schema = self.project.schema.clone();
        let Some(doc) = self.project.documents.get_mut(self.current) else {
            return Ok(false);
        };
        let edit = doc.accept_candidate_edit(id, &schema)?;
        self.apply(edit)?;
        self.after_decision(id);
        Ok(true)
    }

    /// Rejects the focused candidate, then focuses the next open one.
    pub fn reject_focused(&mut self) -> Result<bool, EditError> {
        let Some(id) = self.focused_candidate else {
            return Ok(false);
        };
        let Some(doc) = self.document() else {
            return Ok(false);
        };
        let edit = doc.reject_candidate_edit(id)?;
        self.apply(edit)?;
        self.after_decision(id);
        Ok(true)
    }

    /// Settles the focused candidate's disagreement in favour of `annotator`.
    pub fn take_annotator(&mut self, annotator: &str) -> Result<bool, EditError> {
        let Some(id) = self.focused_candidate else {
            return Ok(false);
        };
        let schema = self.project.schema.clone();
        let Some(doc) = self.project.documents.get_mut(self.current) else {
            return Ok(false);
        };
        let edit = doc.take_annotator_edit(id, annotator, &schema)?;
        self.apply(edit)?;
        self.after_decision(id);
        Ok(true)
    }

    /// Adds a comment by the project's annotator to the focused candidate, or else to
    /// the selected span.
    pub fn comment(&mut self, text: &str) -> Result<(), EditError> {
        let target = match (self.focused_candidate, self.selected_span) {
            (Some(id), _) => CommentTarget::Candidate(id),
            (None, Some(id)) => CommentTarget::Span(id),
            (None, None) => return Ok(()),
        };
        let author = self.project.annotator.clone();
        let Some(doc) = self.document() else {
            return Ok(());
        };
        let edit = doc.comment_edit(target, &author, text)?;
        self.apply(edit)
    }

    /// After a decision: on to the next open candidate after the decided one.
    fn after_decision(&mut self, decided: CandidateId) {
        let next = self
            .document()
            .and_then(|d| d.step_pending(Some(decided), true))
            .map(|c| c.id);
        match next {
            Some(next) => self.focused_candidate = Some(next),
            None => {
                self.focused_candidate = None;
                self.step_candidate(true);
            }
        }
    }
}

/// How a candidate came to be, in words.
pub fn origin_text(origin: &Origin) -> String {
    match origin {
        Origin::Annotators(names) => format!("proposed by {}", names.join(", ")),
        Origin::Rule(rule) => format!("suggested ({rule})"),
        Origin::Merge(side) => format!("merge conflict: {side}"),
    }
}

/// What a candidate proposes, in words: label and text, or the link and its ends.
pub fn proposal_text(doc: &Document, proposal: &Proposal) -> String {
    let text = |start: usize, end: usize| shorten(doc.slice(start, end).unwrap_or(""), 60);
    match proposal {
        Proposal::Span(key) => format!("{}: “{}”", key.label, text(key.start, key.end)),
        Proposal::Link {
            from,
            to,
            link_type,
        } => format!(
            "link “{}” {link_type} “{}”",
            text(from.start, from.end),
            text(to.start, to.end)
        ),
    }
}

impl MarginaliaApp {
    /// Steps to the next (or previous) open candidate and scrolls to it.
    pub(super) fn step_candidate(&mut self, forward: bool) {
        if self.ws.step_candidate(forward) {
            self.scroll_to_candidate();
        } else {
            self.status_message = Some("No open candidates.".into());
        }
    }

    fn scroll_to_candidate(&mut self) {
        if let Some(start) = self.ws.focused_candidate().map(|c| c.proposal.range().0) {
            self.view.scroll_to(start);
        }
    }

    /// Accepts the focused candidate (Enter).
    pub(super) fn accept_focused_candidate(&mut self) {
        let result = self.ws.accept_focused();
        self.after_candidate_decision(result);
    }

    /// Rejects the focused candidate (Backspace when one is focused).
    pub(super) fn reject_focused_candidate(&mut self) {
        let result = self.ws.reject_focused();
        self.after_candidate_decision(result);
    }

    /// Takes the `n`-th annotator's version (Alt+n, 1-based) of the focused candidate's
    /// disagreement.
    pub(super) fn take_annotator(&mut self, n: usize) {
        let names = self
            .ws
            .document()
            .map(Document::review_annotators)
            .unwrap_or_default();
        let Some(name) = n.checked_sub(1).and_then(|i| names.get(i)).cloned() else {
            self.status_message = Some(format!("There is no annotator {n} here."));
            return;
        };
        let result = self.ws.take_annotator(&name);
        self.after_candidate_decision(result);
    }

    fn after_candidate_decision(&mut self, result: Result<bool, EditError>) {
        match result {
            Ok(true) => {
                let left = self.ws.project.open_candidate_count();
                self.status_message = Some(format!("{left} open candidate(s) left."));
                self.scroll_to_candidate();
            }
            Ok(false) => {
                self.status_message = Some("No candidate in focus: F8 steps to one.".into());
            }
            Err(error) => self.status_message = Some(format!("Not done: {error}")),
        }
    }
}

/// The candidates section of the side panel: what is left, the focused candidate, the
/// decisions and the comments.
pub fn candidates_ui(app: &mut MarginaliaApp, ui: &mut Ui) {
    let total = app.ws.project.open_candidate_count();
    let Some(doc) = app.ws.document() else { return };
    let here = doc.open_candidate_count();
    if total == 0 && doc.candidates().is_empty() {
        return;
    }
    ui.separator();
    ui.heading("Candidates");
    ui.label(format!(
        "{here} open in this document, {total} in the project"
    ));
    let names = doc.review_annotators();
    let mut take = None;
    let mut decide = None;
    let mut decide_all = None;
    match app.ws.focused_candidate() {
        Some(candidate) => {
            ui.label(RichText::new(proposal_text(doc, &candidate.proposal)).strong());
            ui.label(RichText::new(origin_text(&candidate.origin)).italics());
            ui.label(candidate.decision.as_str());
            if candidate.is_pending() {
                ui.horizontal_wrapped(|ui| {
                    if ui.button("Accept (Enter)").clicked() {
                        decide = Some(true);
                    }
                    if ui.button("Reject (Backspace)").clicked() {
                        decide = Some(false);
                    }
                });
                ui.horizontal_wrapped(|ui| {
                    if ui
                        .button("Accept all of this kind")
                        .on_hover_text(origin_text(&candidate.origin))
                        .clicked()
                    {
                        decide_all = Some(true);
                    }
                    if ui.button("Reject all of this kind").clicked() {
                        decide_all = Some(false);
                    }
                });
                if !names.is_empty() {
                    ui.horizontal_wrapped(|ui| {
                        for (i, name) in names.iter().enumerate().take(9) {
                            if ui
                                .button(format!("Take {name} (Alt+{})", i + 1))
                                .on_hover_text(format!(
                                    "Accept {name}'s version of this disagreement, reject the others"
                                ))
                                .clicked()
                            {
                                take = Some(i + 1);
                            }
                        }
                    });
                }
            }
            for comment in &candidate.comments {
                ui.label(format!("{}: {}", comment.author, comment.text));
            }
        }
        None => {
            ui.label("F8 or ] steps to the next open candidate, Shift+F8 or [ back.");
        }
    }
    comment_field_ui(app, ui);
    if let Some(accept) = decide_all {
        app.decide_all_of_kind(accept);
        return;
    }
    match (decide, take) {
        (Some(true), _) => app.accept_focused_candidate(),
        (Some(false), _) => app.reject_focused_candidate(),
        (None, Some(n)) => app.take_annotator(n),
        (None, None) => {}
    }
}

/// A one-line field that adds a comment to the focused candidate or selected span.
pub fn comment_field_ui(app: &mut MarginaliaApp, ui: &mut Ui) {
    if app.ws.focused_candidate.is_none() && app.ws.selected_span.is_none() {
        return;
    }
    let mut send = false;
    ui.horizontal(|ui| {
        let response = ui.add(
            egui::TextEdit::singleline(&mut app.comment_draft)
                .hint_text("Comment for reviewers…")
                .desired_width((ui.available_width() - 90.0).max(80.0)),
        );
        send = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if ui.button("Comment").clicked() {
            send = true;
        }
    });
    if send && !app.comment_draft.trim().is_empty() {
        let text = std::mem::take(&mut app.comment_draft);
        let result = app.ws.comment(&text);
        if let Err(error) = result {
            app.status_message = Some(format!("Not done: {error}"));
            app.comment_draft = text;
        }
    }
}

impl MarginaliaApp {
    /// Document → Suggest: the suggestion rules' proposals for the current document,
    /// added as pending candidates (one undoable step), never applied silently. What was
    /// rejected before is not proposed again. The speakers rule uses the project's
    /// reporting verbs (Project settings).
    pub(super) fn suggest_here(&mut self) {
        let index = self.ws.current;
        let suggestions = match crate::suggest::suggest(
            &self.ws.project,
            index,
            &crate::suggest::Config::for_project(&self.ws.project),
        ) {
            Ok(suggestions) => suggestions,
            Err(error) => {
                self.status_message = Some(format!("Not done: {error}"));
                return;
            }
        };
        if suggestions.is_empty() {
            self.status_message = Some("Nothing to suggest here.".into());
            return;
        }
        let Some(doc) = self.ws.project.documents.get_mut(index) else {
            return;
        };
        let edit = crate::suggest::pending_edit(doc, &suggestions);
        match self.ws.apply(edit) {
            Ok(()) => {
                self.status_message = Some(format!(
                    "{} suggestion(s): F8 steps to them, Enter accepts, Backspace rejects.",
                    suggestions.len()
                ));
                self.step_candidate(true);
            }
            Err(error) => self.status_message = Some(format!("Not done: {error}")),
        }
    }

    /// Accepts (or rejects) every open candidate of the focused one's kind (the same
    /// suggestion rule, the same colleagues, the same merge side) in this document, as
    /// one undoable step. Those that cannot be taken (a link whose end was rejected) stay
    /// open.
    pub(super) fn decide_all_of_kind(&mut self, accept: bool) {
        let schema = self.ws.project.schema.clone();
        let Some(origin) = self.ws.focused_candidate().map(|c| c.origin.clone()) else {
            self.status_message = Some("No candidate in focus: F8 steps to one.".into());
            return;
        };
        let Some(doc) = self.ws.document() else {
            return;
        };
        let mut ids: Vec<CandidateId> = doc
            .pending_candidates()
            .iter()
            .filter(|c| c.origin == origin)
            .map(|c| c.id)
            .collect();
        // Spans before links, so a link finds the spans accepted just before it.
        ids.sort_by_key(|id| {
            doc.candidate(*id)
                .map(|c| matches!(c.proposal, Proposal::Link { .. }))
        });
        // Each decision is made on a scratch copy after the ones before it, so the batch
        // holds only edits that fit together.
        let mut scratch = doc.clone();
        let mut edits = Vec::new();
        for id in ids {
            let edit = if accept {
                scratch.accept_candidate_edit(id, &schema)
            } else {
                scratch.reject_candidate_edit(id)
            };
            if let Ok(edit) = edit
                && scratch.apply(edit.clone(), &schema).is_ok()
            {
                edits.push(edit);
            }
        }
        let count = edits.len();
        let result = self.ws.apply(crate::model::Edit::Batch(edits));
        match result {
            Ok(()) => {
                let verb = if accept { "Accepted" } else { "Rejected" };
                self.status_message = Some(format!("{verb} {count} candidate(s)."));
                self.ws.focused_candidate = None;
                self.step_candidate(true);
            }
            Err(error) => self.status_message = Some(format!("Not done: {error}")),
        }
    }
}
