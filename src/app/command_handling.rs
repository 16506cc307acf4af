//! Carrying out commands and dialog answers, once per frame after the panels: the only
//! place besides the file handlers that opens file dialogs.

use std::path::PathBuf;

use super::{
    Command, Dialog, ExportDraft, ImportDraft, LABEL_HOTKEYS, MarginaliaApp, Prefs, dialogs,
};
use crate::model::words;
use crate::store::SaveMode;

impl MarginaliaApp {
    /// Turns key presses into commands and label hotkeys. Single-key shortcuts are
    /// ignored while a text field has focus, so typing a note never labels anything.
    pub(super) fn read_keyboard(&mut self, ctx: &egui::Context) {
        let typing = ctx.text_edit_focused();
        let modal = self.dialog.is_some();
        let mut commands = Vec::new();
        // Shortcuts with more modifiers first: egui matches Tab also on Shift+Tab.
        let mut by_modifiers = Command::ALL;
        by_modifiers.sort_by_key(|c| {
            std::cmp::Reverse(
                c.shortcuts()
                    .iter()
                    .map(|s| modifier_count(s.modifiers))
                    .max()
                    .unwrap_or(0),
            )
        });
        ctx.input_mut(|input| {
            for command in by_modifiers {
                if (typing || modal) && command.is_single_key() {
                    continue;
                }
                if modal && !matches!(command, Command::Shortcuts) {
                    continue;
                }
                if command
                    .shortcuts()
                    .iter()
                    .any(|s| input.consume_shortcut(s))
                {
                    commands.push(command);
                }
            }
        });
        // The review screen is read-only: its digits label nothing behind it.
        if !typing && !modal && !self.in_review() {
            for (digit, key) in (1..=9u8).zip(LABEL_HOTKEYS) {
                // Alt+digit: take that annotator's version of the disagreement in focus.
                // First: a plain digit's pattern matches with Alt held too.
                if ctx.input_mut(|i| i.consume_key(egui::Modifiers::ALT, key)) {
                    self.queued_take = Some(usize::from(digit));
                } else if self.link_mode.is_some()
                    && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, key))
                {
                    // While a link is being made, digits pick its target.
                    self.queued_target = Some(usize::from(digit));
                } else if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, key))
                    && let Some(label) = self.ws.project.schema.label_for_hotkey(digit)
                {
                    self.queued_label = Some(label.key.clone());
                }
            }
            for (link_type, key) in super::commands::link_type_keys(&self.ws.project.schema) {
                if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, key)) {
                    self.queued_link_type = Some(link_type);
                }
            }
        }
        self.queued.extend(commands);
    }

    pub(super) fn take_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if !dropped.is_empty() && self.in_review() {
            self.status_message = Some("Close the review to add articles to the project.".into());
        } else if !dropped.is_empty() {
            self.import_articles(&dropped);
        }
    }

    /// Carries out one command.
    pub fn run_command(&mut self, ctx: &egui::Context, command: Command) {
        use Command::*;
        if self.in_review() && self.run_review_command(command) {
            return;
        }
        if self.standby.is_some() && !command.works_without_project() {
            self.status_message = Some("No project is open yet.".into());
            return;
        }
        if command.edits_project() && !self.edits_allowed() {
            return;
        }
        match command {
            NewProject => self.confirm_discard(dialogs::Then::New),
            Open => self.confirm_discard(dialogs::Then::Open),
            Save => self.save(SaveMode::Safe),
            SaveAs => self.save_as(None),
            ImportArticles => {
                if let Some(paths) = rfd::FileDialog::new()
                    .add_filter("Articles", &["txt", "md"])
                    .pick_files()
                {
                    self.import_articles(&paths);
                }
            }
            ImportDataset => self.dialog = Some(Dialog::ImportDataset(ImportDraft::default())),
            PasteArticle => self.request_paste(ctx),
            Export => {
                if self.export_job.is_none() {
                    self.dialog = Some(Dialog::Export(ExportDraft::default()));
                }
            }
            Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Undo => {
                let result = self.ws.undo();
                self.after_undo_or_redo(result, "undo");
            }
            Redo => {
                let result = self.ws.redo();
                self.after_undo_or_redo(result, "redo");
            }
            Find => {
                self.search.open = true;
                self.search.focus = true;
            }
            DeleteSpan
                if self.ws.selected_span.is_none() && self.ws.focused_candidate.is_some() =>
            {
                self.reject_focused_candidate();
            }
            DeleteSpan => {
                let result = self.ws.delete_selected_span();
                self.report(result);
            }
            ClearSelection if self.link_mode.is_some() => {
                self.link_mode = None;
                self.status_message = Some("Link cancelled.".into());
            }
            StartLink => self.start_link(),
            ClearSelection => {
                if self.search.open
                    && self.ws.selection.is_none()
                    && self.ws.selected_span.is_none()
                {
                    self.search.open = false;
                }
                self.ws.selection = None;
                self.ws.selected_span = None;
            }
            EditNote => {
                if let Some(span) = self
                    .ws
                    .selected_span
                    .and_then(|id| self.ws.document()?.span(id))
                {
                    self.note_draft = Some((span.id, span.note.clone().unwrap_or_default()));
                    self.focus_note = true;
                }
            }
            NextUnattributed => self.step_unattributed(),
            NextSpan | PreviousSpan => {
                self.ws.step_span(command == NextSpan);
                self.scroll_to_selected_span();
            }
            GrowStart | ShrinkStart | GrowEnd | ShrinkEnd => {
                let edge = if matches!(command, GrowStart | ShrinkStart) {
                    words::Edge::Start
                } else {
                    words::Edge::End
                };
                let result = self
                    .ws
                    .step_span_edge(edge, matches!(command, GrowStart | GrowEnd));
                self.report(result);
            }
            NextDocument | PreviousDocument => {
                let count = self.ws.project.documents.len();
                if let Some(next) = step_around(self.ws.current, count, command == NextDocument) {
                    self.ws.show_document(next);
                }
            }
            MarkTodo | MarkInProgress | MarkDone => {
                if let Some(status) = command.status() {
                    let result = self.ws.set_status(status);
                    self.report(result);
                }
            }
            ZoomIn => self.prefs.font_size = (self.prefs.font_size + 1.0).min(40.0),
            ZoomOut => self.prefs.font_size = (self.prefs.font_size - 1.0).max(9.0),
            ZoomReset => self.prefs.font_size = Prefs::default().font_size,
            Fonts => {
                self.dialog = Some(Dialog::Fonts(dialogs::FontsDraft {
                    article: self.prefs.article_font.clone().unwrap_or_default(),
                    fallback: self.prefs.fallback_font.clone().unwrap_or_default(),
                    found: self.fonts.discovered(),
                }))
            }
            ProjectSettings => self.dialog = Some(Dialog::settings(&self.ws)),
            Shortcuts => {
                self.dialog = match self.dialog {
                    Some(Dialog::Shortcuts) => None,
                    _ => Some(Dialog::Shortcuts),
                }
            }
            About => self.dialog = Some(Dialog::About),
            Review => self.pick_review_files(),
            NextCandidate | PreviousCandidate => {
                self.step_candidate(command == NextCandidate);
            }
            AcceptCandidate => self.accept_focused_candidate(),
            Suggest => self.suggest_here(),
            ConsistencyCheck => self.consistency.open = !self.consistency.open,
            StartGold | CloseReview => {}
        }
        if self.search.open
            && let Some(doc) = self.ws.document()
        {
            self.search.update(doc);
        }
    }

    /// Acts on what the user answered in a dialog.
    pub fn answer(&mut self, ctx: &egui::Context, answer: dialogs::Answer) {
        use dialogs::Answer;
        match answer {
            Answer::SaveThen(then) => self.save_then(SaveMode::Safe, Some(then)),
            Answer::Proceed(then) => self.proceed(then),
            Answer::Overwrite => self.save(SaveMode::Force),
            Answer::RestoreRecovery => {
                self.recovery_answered();
                self.restore_recovery();
            }
            Answer::DiscardRecovery => {
                self.recovery_answered();
                self.recovery.clear();
            }
            Answer::AddArticle(article) => {
                self.add_article(article, None);
            }
            Answer::ImportDataset(draft) => {
                let dialog = rfd::FileDialog::new().set_title("Import annotated dataset");
                let inputs = if draft.format == crate::formats::Format::Brat {
                    dialog.pick_folders()
                } else {
                    dialog.pick_files()
                };
                if let Some(inputs) = inputs {
                    self.import_dataset(&draft, &inputs);
                }
            }
            Answer::Export(draft) => self.start_export(ctx, &draft),
            Answer::ApplySettings(draft) => self.apply_settings(&draft),
            Answer::Open(path) => self.confirm_discard(dialogs::Then::OpenPath(path)),
            Answer::ApplyFonts(draft) => {
                let name = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
                self.prefs.article_font = name(&draft.article);
                self.prefs.fallback_font = name(&draft.fallback);
                let wake = self.waker();
                self.fonts.apply_prefs(
                    self.prefs.article_font.clone(),
                    self.prefs.fallback_font.clone(),
                    wake,
                );
            }
        }
    }
}

pub(super) fn modifier_count(modifiers: egui::Modifiers) -> u8 {
    u8::from(modifiers.alt)
        + u8::from(modifiers.shift)
        + u8::from(modifiers.command || modifiers.ctrl || modifiers.mac_cmd)
}

impl MarginaliaApp {
    /// Commands on the review screen: stepping through disagreements and documents,
    /// and leaving it. The files are read-only there, so editing commands say so
    /// instead. Returns false for the commands that work the same everywhere (text
    /// size, help, quitting), which the caller then carries out as usual.
    fn run_review_command(&mut self, command: Command) -> bool {
        use Command::*;
        if !command.works_in_review() {
            self.status_message = Some(format!(
                "“{}” works on a project: close the review (or start a gold project) first.",
                command.name()
            ));
            return true;
        }
        match command {
            Review => self.pick_review_files(),
            StartGold => self.start_gold_project(),
            CloseReview => self.close_review(),
            NextCandidate | PreviousCandidate => {
                let stepped = self
                    .review
                    .as_deref_mut()
                    .is_some_and(|review| review.step(command == NextCandidate));
                if !stepped && self.review.is_some() {
                    self.status_message = Some("No disagreements: the files agree.".into());
                }
            }
            NextDocument | PreviousDocument => {
                if let Some(review) = self.review.as_deref_mut() {
                    let count = review.data.comparison.documents.len();
                    if let Some(next) = step_around(review.current, count, command == NextDocument)
                    {
                        review.show_document(next);
                    }
                }
            }
            _ => return false,
        }
        true
    }

    /// File → Review…: pick two or more project files to compare.
    fn pick_review_files(&mut self) {
        if let Some(paths) = rfd::FileDialog::new()
            .set_title("Review: pick two or more colleagues' project files")
            .add_filter("Marginalia project", &["ron"])
            .pick_files()
        {
            self.start_review(paths);
        }
    }
}

/// The index after (or before) `current` among `count`, wrapping around; `None` when
/// there is nothing to step through.
fn step_around(current: usize, count: usize, forward: bool) -> Option<usize> {
    (count > 0).then(|| {
        if forward {
            (current + 1) % count
        } else {
            (current + count - 1) % count
        }
    })
}
