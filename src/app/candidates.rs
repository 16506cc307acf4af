//! Candidates in the workspace: annotations proposed but not yet decided (colleagues'
//! disagreements in a gold project, later suggestions and merge conflicts). One focused
//! candidate at a time; the keyboard steps through the open ones (F8 / `]`, Shift+F8 /
//! `[`), accepts (Enter), rejects (Backspace) or takes one annotator's version of the
//! whole disagreement (Alt+1…9). Every decision is an ordinary undoable edit.

use egui::{RichText, Ui};

use super::MarginaliaApp;
use super::article_view::shorten;
use super::review_ui::in_quotes;
use super::workspace::Workspace;
use crate::model::{
    Candidate, CandidateId, CommentTarget, Document, EditError, Origin, Proposal, Schema,
};

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

    /// Accepts the focused candidate, then focuses the next open one. A link whose end
    /// is a pending span candidate takes that in too, in the same undo step. Returns
    /// how many such span candidates it took in, `None` when nothing is focused.
    pub fn accept_focused(&mut self) -> Result<Option<usize>, EditError> {
        let Some(id) = self.focused_candidate else {
            return Ok(None);
        };
        let schema = self.project.schema.clone();
        let Some(doc) = self.project.documents.get_mut(self.current) else {
            return Ok(None);
        };
        let mut acceptance = doc.accept_candidates_edit(&[id], &schema);
        if let Some((_, error)) = acceptance.left.pop() {
            return Err(error);
        }
        self.apply(acceptance.edit)?;
        self.after_decision(id);
        Ok(Some(acceptance.for_links.len()))
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

/// What a candidate proposes, in words, with the schema's names: "Location: “Ukraine”",
/// or the link and its ends ("“…” Said by “Kremlin”").
pub fn proposal_text(doc: &Document, schema: &Schema, proposal: &Proposal) -> String {
    let text = |start: usize, end: usize| shorten(doc.slice(start, end).unwrap_or(""), 60);
    match proposal {
        Proposal::Span(key) => {
            let label = schema
                .label(&key.label)
                .map_or(key.label.as_str(), |l| &l.name);
            format!("{label}: {}", in_quotes(&text(key.start, key.end)))
        }
        Proposal::Link {
            from,
            to,
            link_type,
        } => {
            let name = schema
                .link_type(link_type)
                .map_or(link_type.as_str(), |t| &t.name);
            format!(
                "{} {name} {}",
                in_quotes(&text(from.start, from.end)),
                in_quotes(&text(to.start, to.end))
            )
        }
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
        let taken_in = result.as_ref().ok().copied().flatten().unwrap_or(0);
        self.after_candidate_decision(result.map(|done| done.is_some()));
        if taken_in > 0 {
            let left = self.ws.project.open_candidate_count();
            self.status_message = Some(format!(
                "Accepted the link and the {taken_in} suggested span{} it needs; {left} open \
                 candidate(s) left.",
                plural(taken_in)
            ));
        }
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
            Err(error) => self.status_message = Some(self.not_done(&error)),
        }
    }

    /// "Not done: …" for a refused decision, naming a missing link end by its label's
    /// name and its text rather than by key.
    fn not_done(&self, error: &EditError) -> String {
        match error {
            EditError::MissingLinkEnd(key) => {
                let label = self
                    .ws
                    .project
                    .schema
                    .label(&key.label)
                    .map_or(key.label.as_str(), |l| l.name.as_str());
                let text = self
                    .ws
                    .document()
                    .and_then(|d| d.slice(key.start, key.end))
                    .map(|t| shorten(t, 40))
                    .unwrap_or_default();
                format!(
                    "Not done: the link needs the {label} {}, which is neither in the document \
                     nor an open suggestion (it was rejected or removed).",
                    in_quotes(&text)
                )
            }
            error => format!("Not done: {error}"),
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
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
            ui.label(
                RichText::new(proposal_text(
                    doc,
                    &app.ws.project.schema,
                    &candidate.proposal,
                ))
                .strong(),
            );
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
    /// Review → Suggest: the suggestion rules' proposals for every document of the
    /// project, added as pending candidates in one undoable step (an ordinary batch when
    /// only one document gets any, else one project-wide change), never applied
    /// silently. What was rejected before is not proposed again. The speakers rule uses
    /// the project's reporting verbs (Project settings).
    pub(super) fn suggest_here(&mut self) {
        let count = self.ws.project.documents.len();
        if count == 0 {
            self.status_message =
                Some("The project has no documents yet: add an article first.".into());
            return;
        }
        let config = crate::suggest::Config::for_project(&self.ws.project);
        let found = match crate::suggest::suggest_all(&self.ws.project, &config) {
            Ok(found) => found,
            Err(error) => {
                self.status_message = Some(format!("Not done: {error}"));
                return;
            }
        };
        if found.is_empty() {
            self.nothing_new_to_suggest();
            return;
        }
        let total: usize = found.iter().map(|(_, s)| s.len()).sum();
        let documents = found.len();
        let mut edits = Vec::new();
        for (index, suggestions) in &found {
            if let Some(doc) = self.ws.project.documents.get_mut(*index) {
                edits.push((*index, crate::suggest::pending_edit(doc, suggestions)));
            }
        }
        let first = edits.first().map(|(index, _)| *index);
        let result = match (edits.len(), first) {
            (1, Some(index)) => {
                // One document: an ordinary edit in its own history, shown.
                self.ws.show_document(index);
                match edits.pop() {
                    Some((_, edit)) => self.ws.apply(edit),
                    None => Ok(()),
                }
            }
            _ => self
                .ws
                .apply_to_documents(super::workspace::ProjectChange::Suggestions, edits),
        };
        match result {
            Ok(()) => {
                // The first open one from the start of this document (or the next).
                self.ws.focused_candidate = None;
                self.ws.step_candidate(true);
                self.scroll_to_candidate();
                self.status_message = Some(format!(
                    "{total} suggestion{} in {documents} document{}; F8 steps, Enter accepts, \
                     Backspace rejects.",
                    plural(total),
                    plural(documents)
                ));
            }
            Err(error) => self.status_message = Some(self.not_done(&error)),
        }
    }

    /// Suggest found nothing new: the open suggestions there are, the first focused.
    fn nothing_new_to_suggest(&mut self) {
        let open = self
            .ws
            .project
            .documents
            .iter()
            .flat_map(|d| d.pending_candidates())
            .filter(|c| matches!(c.origin, Origin::Rule(_)))
            .count();
        if open == 0 {
            self.status_message = Some("Nothing to suggest in this project.".into());
            return;
        }
        // The first in reading order, from this document on.
        let count = self.ws.project.documents.len();
        let first = (0..count)
            .map(|step| (self.ws.current + step) % count)
            .find_map(|index| {
                let doc = &self.ws.project.documents[index];
                let pending = doc.pending_candidates();
                let first = pending
                    .iter()
                    .find(|c| matches!(c.origin, Origin::Rule(_)))?;
                Some((index, first.id))
            });
        if let Some((index, id)) = first {
            self.ws.show_document(index);
            self.ws.focus_candidate(id);
            self.scroll_to_candidate();
        }
        self.status_message = Some(format!(
            "Nothing new; {open} suggestion{} {} still open: F8 steps through them.",
            plural(open),
            if open == 1 { "is" } else { "are" }
        ));
    }

    /// Accepts (or rejects) every open candidate of the focused one's kind (the same
    /// suggestion rule, the same colleagues, the same merge side) in this document, as
    /// one undoable step. Accepting links takes in the suggested spans they need; those
    /// that cannot be taken (a link whose end was rejected) stay open, and the status
    /// says how many and why.
    pub(super) fn decide_all_of_kind(&mut self, accept: bool) {
        let schema = self.ws.project.schema.clone();
        let Some(origin) = self.ws.focused_candidate().map(|c| c.origin.clone()) else {
            self.status_message = Some("No candidate in focus: F8 steps to one.".into());
            return;
        };
        let current = self.ws.current;
        let Some(doc) = self.ws.project.documents.get_mut(current) else {
            return;
        };
        let ids: Vec<CandidateId> = doc
            .pending_candidates()
            .iter()
            .filter(|c| c.origin == origin)
            .map(|c| c.id)
            .collect();
        let (edit, message) = if accept {
            let acceptance = doc.accept_candidates_edit(&ids, &schema);
            let n = acceptance.accepted.len();
            let mut message = format!("Accepted {n} {}", kind_text(&origin, n));
            if !acceptance.for_links.is_empty() {
                let n = acceptance.for_links.len();
                message.push_str(&format!(
                    " and the {n} suggested span{} their links need",
                    plural(n)
                ));
            }
            message.push_str(undo_hint(&acceptance.edit));
            if let Some((_, error)) = acceptance.left.first() {
                let n = acceptance.left.len();
                message.push_str(&format!(
                    " {n} stay{} open: {}",
                    if n == 1 { "s" } else { "" },
                    self.not_done(error).trim_start_matches("Not done: ")
                ));
            }
            (acceptance.edit, message)
        } else {
            // Each rejection is made on a scratch copy after the ones before it (a span's
            // rejection rejects the links that need it), so the batch holds only edits
            // that fit together.
            let mut scratch = doc.clone();
            let mut edits = Vec::new();
            let mut decisions = 0;
            for id in ids {
                if let Ok(edit) = scratch.reject_candidate_edit(id)
                    && let Ok(undo) = scratch.apply(edit.clone(), &schema)
                {
                    decisions += decisions_in(&undo);
                    edits.push(edit);
                }
            }
            let n = edits.len();
            let mut message = format!("Rejected {n} {}", kind_text(&origin, n));
            if decisions > n {
                let links = decisions - n;
                message.push_str(&format!(
                    " and the {links} suggested link{} that needed them",
                    plural(links)
                ));
            }
            let edit = crate::model::Edit::Batch(edits);
            message.push_str(undo_hint(&edit));
            (edit, message)
        };
        match self.ws.apply(edit) {
            Ok(()) => {
                self.ws.focused_candidate = None;
                self.ws.step_candidate(true);
                self.scroll_to_candidate();
                self.status_message = Some(message);
            }
            Err(error) => self.status_message = Some(self.not_done(&error)),
        }
    }
}

/// What `n` candidates of a kind are called in messages: "name suggestions".
fn kind_text(origin: &Origin, n: usize) -> String {
    let s = plural(n);
    match origin {
        Origin::Rule(rule) => {
            let noun = match crate::suggest::Rule::of_origin(origin) {
                Some(crate::suggest::Rule::Quotes) => "quote",
                Some(crate::suggest::Rule::Speakers) => "speaker",
                Some(crate::suggest::Rule::Names) => "name",
                None => rule.as_str(),
            };
            format!("{noun} suggestion{s}")
        }
        Origin::Annotators(names) => format!("candidate{s} from {}", names.join(", ")),
        Origin::Merge(side) => format!("merge candidate{s} from {side}"),
    }
}

/// "; Ctrl+Z undoes." after a decision that changes something, else a full stop.
fn undo_hint(edit: &crate::model::Edit) -> &'static str {
    if edit.is_noop() {
        "."
    } else {
        "; Ctrl+Z undoes."
    }
}

/// How many candidate decisions an edit (or the inverse of one) holds.
fn decisions_in(edit: &crate::model::Edit) -> usize {
    match edit {
        crate::model::Edit::SetDecision { .. } => 1,
        crate::model::Edit::Batch(edits) => edits.iter().map(decisions_in).sum(),
        _ => 0,
    }
}
