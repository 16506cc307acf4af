//! Editing the current document: what the article view asks for, labelling, undo and
//! redo, and how refused edits are reported.

use egui::Ui;

use super::{
    ArticleView, MarginaliaApp, Selection, ViewAction, ViewInput, dialogs, panels, workspace,
};
use crate::model::words;

impl MarginaliaApp {
    pub(super) fn central_ui(&mut self, ui: &mut Ui) {
        if self.search.open {
            if let Some(doc) = self.ws.document() {
                self.search.refresh(doc);
            }
            panels::search_bar_ui(self, ui);
        }
        self.font_notice_ui(ui);
        self.view.set_font_family(self.fonts.article_family());
        let Some(doc) = self.ws.project.documents.get(self.ws.current) else {
            ui.centered_and_justified(|ui| {
                ui.label("This project has no documents yet: File, Import articles…, or drop .txt / .md files here.");
            });
            return;
        };
        let input = ViewInput {
            doc,
            schema: &self.ws.project.schema,
            selection: self.ws.selection,
            selected_span: self.ws.selected_span,
            matches: if self.search.open {
                &self.search.matches
            } else {
                &[]
            },
            font_size: self.prefs.font_size,
            lanes: None,
            focused_candidate: self.ws.focused_candidate,
            show_links: self.prefs.show_links,
            show_tags: self.prefs.show_tags,
            numbered: self
                .link_mode
                .as_ref()
                .map_or(&[], |m| m.targets.as_slice()),
        };
        let actions = self.view.show(ui, &input);
        for action in actions {
            self.apply_view_action(action);
        }
    }

    pub(super) fn apply_view_action(&mut self, action: ViewAction) {
        let Some(doc) = self.ws.document() else {
            return;
        };
        match action {
            ViewAction::Select(selection) => {
                self.ws.selection = selection;
                if selection.is_some() {
                    self.ws.selected_span = None;
                }
            }
            ViewAction::SelectFocus(offset) => {
                if let Some(selection) = &mut self.ws.selection {
                    selection.focus = offset;
                }
            }
            ViewAction::FinishDrag { exact } => {
                if let Some(selection) = self.ws.selection {
                    let (start, end) = selection.range();
                    let range = if exact {
                        words::exact(start, end)
                    } else {
                        words::snap_to_words(doc.text(), doc.index(), start, end)
                    };
                    self.ws.selection = range.map(|(anchor, focus)| Selection { anchor, focus });
                }
            }
            ViewAction::ExtendTo(offset) => {
                // Grow what is selected (the text selection, else the selected span's
                // range) to take in the clicked point, then snap to words.
                let (start, end) = match (
                    self.ws.selection,
                    self.ws.selected_span.and_then(|id| doc.span(id)),
                ) {
                    (Some(selection), _) => selection.range(),
                    (None, Some(span)) => (span.start, span.end),
                    (None, None) => (offset, offset),
                };
                let snapped = words::snap_to_words(
                    doc.text(),
                    doc.index(),
                    start.min(offset),
                    end.max(offset),
                );
                self.ws.selection = snapped.map(|(anchor, focus)| Selection { anchor, focus });
                self.ws.selected_span = None;
            }
            // A click on a numbered span while linking picks it.
            ViewAction::SelectSpan(Some(id))
                if self
                    .link_mode
                    .as_ref()
                    .is_some_and(|m| m.targets.contains(&id)) =>
            {
                if let Some(mode) = self.link_mode.take() {
                    self.link_to(mode.from, id, &mode.link_type);
                }
            }
            ViewAction::SelectSpan(id) => {
                if self.link_mode.take().is_some() {
                    self.status_message = Some("Link cancelled.".into());
                }
                self.ws.selected_span = id;
                if id.is_some() {
                    self.ws.focused_candidate = None;
                }
                self.note_draft = None;
            }
            // Review lanes are drawn only in the review screen.
            ViewAction::BarClicked(_) => {}
            ViewAction::FocusCandidate(id) => self.ws.focus_candidate(id),
        }
    }

    /// Shows an edit error in the status bar: a refused edit is not a failure of the app.
    pub fn report_result<E: std::fmt::Display>(&mut self, result: Result<(), E>) {
        self.report(result);
    }

    /// Shows an edit error in the status bar: a refused edit is not a failure of the app.
    pub(super) fn report<E: std::fmt::Display>(&mut self, result: Result<(), E>) {
        if let Err(error) = result {
            self.status_message = Some(format!("Not done: {error}"));
        }
    }

    /// Says what an undo or redo did when it was more than an edit on screen; a project
    /// swapped under the view needs its layouts made afresh.
    pub(super) fn after_undo_or_redo(
        &mut self,
        result: Result<workspace::Stepped, workspace::UndoError>,
        verb: &str,
    ) {
        match result {
            Ok(workspace::Stepped::Project(change)) => {
                self.view = ArticleView::default();
                let done = if verb == "undo" { "Undone" } else { "Redone" };
                self.status_message = Some(format!("{done}: the {}.", change.noun()));
            }
            Ok(workspace::Stepped::Nothing) => {
                self.status_message = Some(format!("Nothing to {verb}."));
            }
            // Whatever the status line said of the edit ("Linked …") is no longer so.
            Ok(workspace::Stepped::Edit) => {
                self.status_message = Some(if verb == "undo" {
                    "Undone (Ctrl+Shift+Z redoes).".to_owned()
                } else {
                    "Redone.".to_owned()
                });
            }
            Err(error) => self.status_message = Some(format!("Not done: {error}")),
        }
    }

    /// Applies the settings dialog's draft as one undoable change.
    pub fn apply_settings(&mut self, draft: &dialogs::SettingsDraft) {
        let Ok(settings) = draft.settings() else {
            // The dialog applies only a draft without problems.
            self.status_message = Some("Not applied: the settings have problems.".into());
            return;
        };
        let report = self.ws.apply_settings(settings);
        self.status_message = Some(
            match (
                report.spans_deleted,
                report.links_deleted,
                report.candidates_deleted,
            ) {
                (0, 0, 0) => "Settings applied.".to_owned(),
                (spans, links, 0) => {
                    format!("Settings applied; {spans} span(s) and {links} link(s) deleted.")
                }
                (spans, links, candidates) => format!(
                    "Settings applied; {spans} span(s), {links} link(s) and {candidates} \
                     candidate(s) deleted."
                ),
            },
        );
    }

    /// Scrolls the article to the selected span.
    pub fn scroll_to_selected_span(&mut self) {
        if let Some(span) = self
            .ws
            .selected_span
            .and_then(|id| self.ws.document()?.span(id))
        {
            self.view.scroll_to(span.start);
        }
    }
}

impl MarginaliaApp {
    /// Who said what in the current document; computed once per revision, so the span
    /// list and the status bar can show it every frame.
    pub fn attribution(&mut self) -> Option<std::sync::Arc<crate::model::Attribution>> {
        let doc = self.ws.document()?;
        let fresh = matches!(&self.attribution_cache,
            Some((id, revision, _)) if *id == doc.id && *revision == doc.revision());
        if !fresh {
            let attribution = doc.attribution(&self.ws.project.schema);
            self.attribution_cache = Some((
                doc.id.clone(),
                doc.revision(),
                std::sync::Arc::new(attribution),
            ));
        }
        self.attribution_cache.as_ref().map(|(_, _, a)| a.clone())
    }

    /// Selects the next quote or claim without a speaker, after the selected span in
    /// reading order (around at the end), and scrolls to it.
    pub(super) fn step_unattributed(&mut self) {
        let Some(attribution) = self.attribution() else {
            return;
        };
        let Some(doc) = self.ws.document() else {
            return;
        };
        let here = self
            .ws
            .selected_span
            .and_then(|id| doc.span(id))
            .map(|s| (s.start, s.end, s.label.clone(), s.id));
        let key = |id: &crate::model::SpanId| {
            doc.span(*id)
                .map(|s| (s.start, s.end, s.label.clone(), s.id))
        };
        let next = attribution
            .unattributed
            .iter()
            .find(|id| here.is_none() || key(id) > here)
            .or(attribution.unattributed.first())
            .copied();
        match next {
            Some(id) => {
                self.ws.selected_span = Some(id);
                self.ws.selection = None;
                self.scroll_to_selected_span();
            }
            None => self.status_message = Some("Every quote and claim has a speaker.".into()),
        }
    }
}
