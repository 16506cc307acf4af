//! The window: the only module where egui, eframe and rfd appear.
//!
//! [`MarginaliaApp`] owns the [`Workspace`] (what is being edited) and the widgets' own
//! state. Each frame the panels draw and *queue* [`Command`]s and view actions; they are
//! carried out once, after the panels, in [`MarginaliaApp::run_command`], which is also
//! the only place that opens file dialogs or touches the disk.

mod article_view;
mod background;
mod commands;
mod dialogs;
mod export;
mod panels;
mod prefs;
mod recovery;
mod workspace;

use std::path::{Path, PathBuf};
use std::time::Duration;

use egui::Ui;

pub use article_view::{ArticleView, ViewAction, ViewInput};
pub use commands::{Command, LABEL_HOTKEYS, Menu};
pub use dialogs::{Answer, Dialog, Then};
pub use export::{ExportDraft, ExportJob, ImportDraft};
pub use prefs::{Prefs, ThemeChoice};
pub use recovery::Recovery;
pub use workspace::{Origin, ProjectChange, Selection, Stepped, UndoError, Workspace};

use crate::model::{Document, SpanId, words};
use crate::store::{self, SaveError, SaveMode};
use background::{Background, Poll};

/// The bundled sample project, so the app opens on something real anywhere.
pub const SAMPLE_PROJECT: &str = include_str!("../../saves/sample.ron");

/// Opens the window on `file`, or on the bundled sample project.
pub fn run(file: Option<PathBuf>) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Marginalia")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([640.0, 400.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "Marginalia",
        options,
        Box::new(move |cc| {
            let prefs: Prefs = cc
                .storage
                .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
                .unwrap_or_default();
            let recovery = recovery::Recovery::in_dir(eframe::storage_dir("Marginalia"));
            Ok(Box::new(MarginaliaApp::new(
                file.as_deref(),
                prefs,
                recovery,
            )))
        }),
    )
    .map_err(|error| anyhow::anyhow!("cannot open the window: {error}"))
}

/// The search bar's state.
#[derive(Default)]
pub struct Search {
    /// Whether the bar is shown.
    pub open: bool,
    /// What to look for.
    pub query: String,
    /// Matches in the current document, `[start, end)` in code points.
    pub matches: Vec<(usize, usize)>,
    /// The match last jumped to.
    pub current: usize,
    /// Give the query field focus on the next frame.
    pub focus: bool,
    /// The digest of the text the matches were found in: matches belong to one text.
    searched: Option<String>,
}

impl Search {
    /// Finds every case-insensitive match of the query in `doc`.
    pub fn update(&mut self, doc: &Document) {
        self.matches.clear();
        self.searched = Some(doc.digest().to_owned());
        let query = self.query.trim();
        if query.is_empty() {
            return;
        }
        let text = doc.text();
        // Case-insensitive for ASCII letters; other text matches exactly, so offsets
        // never shift through case mapping that changes lengths.
        let haystack = text.to_ascii_lowercase();
        let needle = query.to_ascii_lowercase();
        let index = doc.index();
        for (byte, _) in haystack.match_indices(&needle) {
            if let (Some(start), Some(end)) = (
                index.char_of(text, byte),
                index.char_of(text, byte + needle.len()),
            ) {
                self.matches.push((start, end));
            }
        }
        self.current = self.current.min(self.matches.len().saturating_sub(1));
    }

    /// Finds the matches again if they were found in another text (the user switched
    /// documents, or an undo took the document away).
    pub fn refresh(&mut self, doc: &Document) {
        if self.searched.as_deref() != Some(doc.digest()) {
            self.update(doc);
        }
    }
}

/// The application.
pub struct MarginaliaApp {
    /// The project being edited.
    pub ws: Workspace,
    /// The article widget.
    pub view: ArticleView,
    /// Preferences kept between runs.
    pub prefs: Prefs,
    /// The search bar.
    pub search: Search,
    /// The label "Label all matches" applies.
    pub search_label: Option<String>,
    /// Show only spans of this label in the span list.
    pub span_filter: Option<String>,
    /// The note being edited in the inspector: span and draft text.
    pub note_draft: Option<(SpanId, String)>,
    /// The open modal dialog, if any.
    pub dialog: Option<Dialog>,
    /// A message for the status bar.
    pub status_message: Option<String>,
    /// Commands queued this frame.
    queued: Vec<Command>,
    /// Dialog answers and file picks queued this frame.
    answers: Vec<dialogs::Answer>,
    /// Labels queued this frame (a hotkey or a palette click).
    queued_label: Option<String>,
    /// Give the note field focus on the next frame.
    focus_note: bool,
    /// Writes a recovery copy while there are unsaved changes.
    recovery: recovery::Recovery,
    /// A recovery copy from an earlier run is being offered and the user has not said
    /// what to do with it: until then it is neither deleted nor overwritten.
    recovery_unanswered: bool,
    /// The newest dialog that came up while the recovery prompt was open, shown after
    /// it.
    after_recovery_prompt: Option<Dialog>,
    /// A project that finished opening while the current one had changes made after the
    /// user agreed to leave it: waiting for the unsaved-changes prompt.
    opened: Option<(PathBuf, Box<Workspace>)>,
    /// A save asked for while another was being written: done after it.
    queued_save: Option<QueuedSave>,
    /// The user confirmed closing with unsaved changes.
    close_confirmed: bool,
    /// The window has been told to close.
    close_sent: bool,
    /// Whether the first frame has set up the context.
    started: bool,
    /// The export running in the background, if any.
    pub export_job: Option<ExportJob>,
    /// A project being read and checked on a background thread.
    opening: Option<Opening>,
    /// A save being written on a background thread.
    saving: Option<Saving>,
    /// The context, once the first frame has run: background work wakes the window.
    ctx: Option<egui::Context>,
    /// The window title last sent.
    last_title: String,
}

/// A save waiting for the one being written.
struct QueuedSave {
    path: PathBuf,
    mode: SaveMode,
    then: Option<dialogs::Then>,
    workspace: u64,
}

/// A save being written off the UI thread, and what to do once it succeeded.
struct Saving {
    then: Option<dialogs::Then>,
    job: Background<Result<(workspace::SaveRequest, store::DiskStamp), SaveError>>,
}

/// A project file being opened off the UI thread: a 10 MB project takes about a second
/// to read and check, which must not freeze the window.
struct Opening {
    path: PathBuf,
    /// The workspace and generation the user agreed to leave: changes made after that
    /// are asked about before the opened project replaces them.
    leaving: (u64, u64),
    job: Background<Result<Workspace, store::LoadError>>,
}

impl MarginaliaApp {
    /// The app on the bundled sample, opening `file` (if given) in the background. A file
    /// that cannot be opened leaves the sample open and shows why.
    pub fn new(file: Option<&Path>, prefs: Prefs, recovery: recovery::Recovery) -> Self {
        let recovery_unanswered = recovery.exists();
        let dialog = recovery_unanswered.then_some(Dialog::Recover);
        let mut app = Self {
            ws: sample_workspace(),
            view: ArticleView::default(),
            prefs,
            search: Search::default(),
            span_filter: None,
            search_label: None,
            note_draft: None,
            dialog,
            status_message: None,
            queued: Vec::new(),
            answers: Vec::new(),
            queued_label: None,
            focus_note: false,
            recovery,
            recovery_unanswered,
            after_recovery_prompt: None,
            opened: None,
            queued_save: None,
            close_confirmed: false,
            close_sent: false,
            started: false,
            export_job: None,
            opening: None,
            saving: None,
            ctx: None,
            last_title: String::new(),
        };
        if let Some(path) = file {
            app.open(path);
        }
        app
    }

    /// Queues a command to run after this frame's panels.
    pub fn queue(&mut self, command: Command) {
        self.queued.push(command);
    }

    /// Queues an answer (from a dialog or a menu) to act on after this frame's panels.
    pub fn queue_answer(&mut self, answer: dialogs::Answer) {
        self.answers.push(answer);
    }

    /// Queues labelling the selection (or relabelling the selected span) with `label`.
    pub fn queue_label(&mut self, label: &str) {
        self.queued_label = Some(label.to_owned());
    }

    /// One frame of the whole window.
    pub fn show(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        if !self.started {
            self.started = true;
            self.ctx = Some(ctx.clone());
            // Ctrl +/- size the article's text, not the whole interface.
            ctx.options_mut(|o| o.zoom_with_keyboard = false);
            self.prefs.apply_theme(&ctx);
        }
        self.read_keyboard(&ctx);
        self.take_dropped_files(&ctx);

        panels::menu_bar_ui(self, ui);
        panels::status_bar_ui(self, ui);
        panels::documents_ui(self, ui);
        panels::side_panel_ui(self, ui);
        egui::CentralPanel::default().show(ui, |ui| self.central_ui(ui));
        if let Some(answer) = dialogs::show(self, &ctx) {
            self.answers.push(answer);
        }

        if let Some(label) = self.queued_label.take() {
            let result = self.ws.label(&label);
            self.report(result);
        }
        for command in std::mem::take(&mut self.queued) {
            self.run_command(&ctx, command);
        }
        for answer in std::mem::take(&mut self.answers) {
            self.answer(&ctx, answer);
        }
        self.poll_export();
        self.poll_opening(&ctx);
        self.poll_saving(&ctx);
        self.handle_close(&ctx);
        if !self.recovery_unanswered {
            self.recovery.tick(&self.ws);
        }
        if self.ws.is_dirty() {
            // Wake up for the next recovery copy even when idle.
            ctx.request_repaint_after(Duration::from_secs(5));
        }
        // Only on change: every viewport command asks for another frame.
        let title = self.window_title();
        if title != self.last_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.last_title = title;
        }
    }

    /// `Project — file.ron •` (the dot while there are unsaved changes).
    pub fn window_title(&self) -> String {
        let file = match &self.ws.origin {
            Origin::File(path) => path.display().to_string(),
            Origin::Bundled => "bundled sample".to_owned(),
            Origin::Unsaved => "not saved yet".to_owned(),
        };
        let dirty = if self.ws.is_dirty() { " •" } else { "" };
        format!("{} — {file}{dirty} — Marginalia", self.ws.project.name)
    }

    fn central_ui(&mut self, ui: &mut Ui) {
        if self.search.open {
            if let Some(doc) = self.ws.document() {
                self.search.refresh(doc);
            }
            panels::search_bar_ui(self, ui);
        }
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
        };
        let actions = self.view.show(ui, &input);
        for action in actions {
            self.apply_view_action(action);
        }
    }

    fn apply_view_action(&mut self, action: ViewAction) {
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
            ViewAction::SelectSpan(id) => {
                self.ws.selected_span = id;
                self.note_draft = None;
            }
        }
    }

    /// Turns key presses into commands and label hotkeys. Single-key shortcuts are
    /// ignored while a text field has focus, so typing a note never labels anything.
    fn read_keyboard(&mut self, ctx: &egui::Context) {
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
        if !typing && !modal {
            for (digit, key) in (1..=9u8).zip(LABEL_HOTKEYS) {
                if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, key))
                    && let Some(label) = self.ws.project.schema.label_for_hotkey(digit)
                {
                    self.queued_label = Some(label.key.clone());
                }
            }
        }
        self.queued.extend(commands);
    }

    fn take_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if !dropped.is_empty() {
            self.import_articles(&dropped);
        }
    }

    /// Adds articles to the project; reports the ones that could not be read.
    pub fn import_articles(&mut self, paths: &[PathBuf]) {
        let mut problems = Vec::new();
        let mut added = 0;
        for path in paths {
            match crate::formats::read_article(path) {
                Ok(article) => {
                    if self.add_article(article, Some(path.display().to_string())) {
                        added += 1;
                    }
                }
                Err(error) => problems.push(error.to_string()),
            }
        }
        self.status_message = Some(format!("Imported {added} article(s)."));
        if !problems.is_empty() {
            self.show_dialog(Dialog::Error(problems.join("\n")));
        }
    }

    /// Imports annotated datasets as one undoable change and shows what happened.
    pub fn import_dataset(&mut self, draft: &ImportDraft, inputs: &[PathBuf]) {
        match self.ws.import_dataset(&draft.options(), inputs) {
            Ok(report) => {
                let mut text = Vec::new();
                let _ = report.write_to(Path::new(&self.ws.project.name), &mut text);
                self.view = ArticleView::default();
                self.dialog = Some(Dialog::Message(
                    "Import finished".into(),
                    String::from_utf8_lossy(&text).into_owned(),
                ));
            }
            Err(error) => {
                self.show_dialog(Dialog::Error(format!("Nothing was imported.\n{error}")))
            }
        }
    }

    /// Adds an article as a new document unless the project has its text already.
    /// Returns whether it was added.
    pub fn add_article(
        &mut self,
        article: crate::formats::Article,
        source: Option<String>,
    ) -> bool {
        let digest = crate::model::text_digest(&article.text);
        if let Some(existing) = self.ws.project.document_with_digest(&digest) {
            self.status_message = Some(format!("“{}” is already in the project.", existing.title));
            return false;
        }
        let id = self.ws.project.unique_document_id(&article.title);
        let mut doc = Document::new(id, article.title, article.text);
        doc.source = source;
        self.ws.add_document(doc);
        true
    }

    /// Labels every search match not already labelled so, as one undoable edit.
    pub fn label_all_matches(&mut self, label: &str) {
        let index = self.ws.current;
        let Some(doc) = self.ws.project.documents.get_mut(index) else {
            return;
        };
        self.search.refresh(doc);
        let mut edits = Vec::new();
        for &(start, end) in &self.search.matches {
            let exists = doc
                .spans()
                .iter()
                .any(|s| s.start == start && s.end == end && s.label == label);
            if !exists {
                edits.push(doc.add_span_edit(start, end, label));
            }
        }
        let count = edits.len();
        if count == 0 {
            self.status_message = Some("Every match has that label already.".into());
            return;
        }
        let result = self.ws.apply(crate::model::Edit::Batch(edits));
        if result.is_ok() {
            self.status_message = Some(format!("Labelled {count} match(es)."));
        }
        self.report(result);
    }

    /// Shows an edit error in the status bar: a refused edit is not a failure of the app.
    pub fn report_result<E: std::fmt::Display>(&mut self, result: Result<(), E>) {
        self.report(result);
    }

    /// Shows an edit error in the status bar: a refused edit is not a failure of the app.
    fn report<E: std::fmt::Display>(&mut self, result: Result<(), E>) {
        if let Err(error) = result {
            self.status_message = Some(format!("Not done: {error}"));
        }
    }

    /// Says what an undo or redo did when it was more than an edit on screen; a project
    /// swapped under the view needs its layouts made afresh.
    fn after_undo_or_redo(
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
            Ok(workspace::Stepped::Edit) => {}
            Err(error) => self.status_message = Some(format!("Not done: {error}")),
        }
    }

    /// Carries out one command.
    pub fn run_command(&mut self, ctx: &egui::Context, command: Command) {
        use Command::*;
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
            PasteArticle => self.dialog = Some(Dialog::Paste(String::new())),
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
            DeleteSpan => {
                let result = self.ws.delete_selected_span();
                self.report(result);
            }
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
                if count > 0 {
                    let next = if command == NextDocument {
                        (self.ws.current + 1) % count
                    } else {
                        (self.ws.current + count - 1) % count
                    };
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
            ProjectSettings => self.dialog = Some(Dialog::settings(&self.ws)),
            Shortcuts => {
                self.dialog = match self.dialog {
                    Some(Dialog::Shortcuts) => None,
                    _ => Some(Dialog::Shortcuts),
                }
            }
            About => self.dialog = Some(Dialog::About),
        }
        if self.search.open
            && let Some(doc) = self.ws.document()
        {
            self.search.update(doc);
        }
    }

    /// Applies the settings dialog's draft as one undoable change.
    pub fn apply_settings(&mut self, draft: &dialogs::SettingsDraft) {
        let report =
            self.ws
                .apply_settings(draft.name.clone(), draft.annotator.clone(), draft.change());
        self.status_message = Some(match (report.spans_deleted, report.links_deleted) {
            (0, 0) => "Settings applied.".to_owned(),
            (spans, links) => {
                format!("Settings applied; {spans} span(s) and {links} link(s) deleted.")
            }
        });
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
        }
    }

    /// Shows `dialog`, or if the recovery prompt is up, right after it: the prompt must
    /// get its answer.
    fn show_dialog(&mut self, dialog: Dialog) {
        if matches!(self.dialog, Some(Dialog::Recover)) {
            self.after_recovery_prompt = Some(dialog);
        } else {
            self.dialog = Some(dialog);
        }
    }

    /// The recovery prompt was answered: copies may be written and deleted again, and
    /// what came up meanwhile is shown.
    fn recovery_answered(&mut self) {
        self.recovery_unanswered = false;
        self.dialog = self.after_recovery_prompt.take();
    }

    /// Deletes the recovery copy, unless it is one from an earlier run still waiting for
    /// the user's answer.
    fn clear_recovery(&mut self) {
        if !self.recovery_unanswered {
            self.recovery.clear();
        }
    }

    /// Opens the recovery copy from an earlier run in place of the current project.
    pub fn restore_recovery(&mut self) {
        match self.recovery.restore() {
            Some(Ok(ws)) => {
                self.ws = ws;
                self.view = ArticleView::default();
                self.status_message = Some("Restored the unsaved work: save it to keep it.".into());
            }
            Some(Err(error)) => self.show_dialog(Dialog::Error(error.to_string())),
            None => {}
        }
    }

    /// Asks where to export to and starts the export on a background thread.
    pub fn start_export(&mut self, ctx: &egui::Context, draft: &ExportDraft) {
        let dialog = rfd::FileDialog::new().set_title("Export dataset");
        let out = if draft.format == crate::formats::Format::Brat {
            dialog.pick_folder()
        } else {
            let extension = match draft.format {
                crate::formats::Format::Conll => "conll",
                crate::formats::Format::Csv => "csv",
                _ => "jsonl",
            };
            dialog
                .set_file_name(format!(
                    "{}.{extension}",
                    self.ws.project.unique_document_id(&self.ws.project.name)
                ))
                .save_file()
        };
        if let Some(out) = out {
            self.start_export_to(ctx, draft, out);
        }
    }

    /// Starts exporting to `out` on a background thread.
    pub fn start_export_to(&mut self, ctx: &egui::Context, draft: &ExportDraft, out: PathBuf) {
        let ctx = ctx.clone();
        self.export_job = Some(ExportJob::start(
            self.ws.project.clone(),
            self.ws.path().map(Path::to_path_buf),
            draft,
            out,
            move || ctx.request_repaint(),
        ));
    }

    fn poll_export(&mut self) {
        if let Some(outcome) = self.export_job.as_ref().and_then(ExportJob::finished) {
            self.export_job = None;
            match outcome {
                Ok(report) => {
                    self.status_message = Some("Export finished.".into());
                    self.dialog = Some(Dialog::Message("Export finished".into(), report));
                }
                Err(error) => self.show_dialog(Dialog::Error(error)),
            }
        }
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

    /// Runs `then` now, or first asks Save / Discard / Cancel when there are unsaved
    /// changes.
    fn confirm_discard(&mut self, then: dialogs::Then) {
        if self.ws.is_dirty() {
            self.show_dialog(Dialog::Unsaved(then));
        } else {
            self.proceed(then);
        }
    }

    /// Does what was waiting for unsaved changes to be dealt with.
    pub fn proceed(&mut self, then: dialogs::Then) {
        match then {
            dialogs::Then::New => {
                if let Some(path) = rfd::FileDialog::new()
                    .set_title("New project")
                    .add_filter("Marginalia project", &["ron"])
                    .set_file_name("project.ron")
                    .save_file()
                {
                    let project = crate::model::Project::new(
                        path.file_stem()
                            .map_or("Project".into(), |s| s.to_string_lossy().into_owned()),
                        self.ws.project.annotator.clone(),
                    );
                    self.replace_workspace(Workspace::new(project, Origin::Unsaved, None));
                    self.save_to(&path);
                }
            }
            dialogs::Then::Open => {
                if let Some(path) = rfd::FileDialog::new()
                    .add_filter("Marginalia project", &["ron"])
                    .pick_file()
                {
                    self.open(&path);
                }
            }
            dialogs::Then::OpenPath(path) => self.open(&path),
            dialogs::Then::UseOpened => {
                if let Some((path, ws)) = self.opened.take() {
                    self.use_opened(path, *ws);
                }
            }
            dialogs::Then::Close => {
                self.close_confirmed = true;
                self.clear_recovery();
            }
        }
    }

    /// Opens a project file on a background thread; the current project stays on
    /// screen (and editable) until it has been read and checked. On failure it stays,
    /// and the error shows.
    pub fn open(&mut self, path: &Path) {
        let thread_path = path.to_path_buf();
        self.opening = Some(Opening {
            path: path.to_path_buf(),
            leaving: (self.ws.id(), self.ws.generation()),
            job: Background::spawn(move || Workspace::open(&thread_path), self.waker()),
        });
        self.status_message = Some(format!("Opening {}…", path.display()));
    }

    /// What background work calls when it is done: a repaint, so that the next frame
    /// picks up its result.
    fn waker(&self) -> impl FnOnce() + Send + 'static {
        let ctx = self.ctx.clone();
        move || {
            if let Some(ctx) = ctx {
                ctx.request_repaint();
            }
        }
    }

    /// Whether a project is being opened in the background.
    pub fn is_opening(&self) -> bool {
        self.opening.is_some()
    }

    fn poll_opening(&mut self, ctx: &egui::Context) {
        let Some(opening) = &self.opening else { return };
        let outcome = match opening.job.poll() {
            Poll::Done(outcome) => outcome,
            Poll::Running => {
                wait_for_background(ctx);
                return;
            }
            Poll::Died => {
                let message = format!("opening {} stopped unexpectedly", opening.path.display());
                self.opening = None;
                self.show_dialog(Dialog::Error(message));
                return;
            }
        };
        let Some(Opening { path, leaving, .. }) = self.opening.take() else {
            return;
        };
        match outcome {
            Ok(ws) if self.ws.is_dirty() && (self.ws.id(), self.ws.generation()) != leaving => {
                // Changed while it was opening: ask before those changes go.
                self.status_message = Some(format!(
                    "Opened {}: save or discard your latest changes to switch to it.",
                    path.display()
                ));
                self.opened = Some((path, Box::new(ws)));
                self.show_dialog(Dialog::Unsaved(dialogs::Then::UseOpened));
            }
            Ok(ws) => self.use_opened(path, ws),
            Err(error) => {
                self.status_message = None;
                self.show_dialog(Dialog::Error(error.to_string()));
            }
        }
    }

    fn use_opened(&mut self, path: PathBuf, ws: Workspace) {
        self.replace_workspace(ws);
        self.prefs.remember(&path);
        self.status_message = Some(format!("Opened {}", path.display()));
    }

    fn replace_workspace(&mut self, ws: Workspace) {
        self.ws = ws;
        self.view = ArticleView::default();
        self.search = Search::default();
        self.note_draft = None;
        self.clear_recovery();
    }

    /// Saves to the project's file, asking for one if it has none (the bundled sample).
    pub fn save(&mut self, mode: SaveMode) {
        self.save_then(mode, None);
    }

    /// Saves, then does `then` once the save has succeeded.
    fn save_then(&mut self, mode: SaveMode, then: Option<dialogs::Then>) {
        match self.ws.save_request(mode) {
            Some(request) => self.start_save(request, then),
            None => self.save_as(then),
        }
    }

    fn save_as(&mut self, then: Option<dialogs::Then>) {
        let folder = std::env::current_dir()
            .map(|d| d.join("saves"))
            .ok()
            .filter(|d| d.is_dir());
        let mut dialog = rfd::FileDialog::new()
            .set_title("Save project as")
            .add_filter("Marginalia project", &["ron"])
            .set_file_name(format!(
                "{}.ron",
                self.ws.project.unique_document_id(&self.ws.project.name)
            ));
        if let Some(folder) = folder {
            dialog = dialog.set_directory(folder);
        }
        if let Some(path) = dialog.save_file() {
            let request = self.ws.save_as_request(&path);
            self.start_save(request, then);
        }
    }

    /// Saves to `path` and makes it the project's file.
    pub fn save_to(&mut self, path: &Path) {
        let request = self.ws.save_as_request(path);
        self.start_save(request, None);
    }

    /// Writes the snapshot on a background thread: a large project takes a good part
    /// of a second to serialise and sync, which must not freeze the window.
    fn start_save(&mut self, request: workspace::SaveRequest, then: Option<dialogs::Then>) {
        if self.saving.is_some() {
            // One save at a time: a second one could overwrite the first's newer file.
            // This one is made afresh once the first is done, from what is there then.
            self.status_message = Some("Still saving; will save again after.".into());
            self.queued_save = Some(QueuedSave {
                path: request.path.clone(),
                mode: request.mode(),
                then,
                workspace: self.ws.id(),
            });
            return;
        }
        self.status_message = Some(format!("Saving {}…", request.path.display()));
        let job = Background::spawn(
            move || request.write().map(|stamp| (request, stamp)),
            self.waker(),
        );
        self.saving = Some(Saving { then, job });
    }

    /// Whether the window has been told to close (the user dealt with unsaved changes).
    pub fn is_closing(&self) -> bool {
        self.close_sent
    }

    /// Whether a save is being written in the background.
    pub fn is_saving(&self) -> bool {
        self.saving.is_some()
    }

    fn poll_saving(&mut self, ctx: &egui::Context) {
        let Some(saving) = &self.saving else { return };
        let outcome = match saving.job.poll() {
            Poll::Done(outcome) => outcome,
            Poll::Running => {
                wait_for_background(ctx);
                return;
            }
            Poll::Died => {
                self.saving = None;
                self.show_dialog(Dialog::Error(
                    "saving stopped unexpectedly; nothing was lost, save again".into(),
                ));
                return;
            }
        };
        let then = self.saving.take().and_then(|s| s.then);
        match outcome {
            Ok((request, stamp)) => {
                // Recorded only on the project it was taken from: another may have been
                // opened meanwhile, and must not take this file as its own.
                if request.is_for(&self.ws) {
                    self.ws.saved(&request, stamp);
                    if !self.ws.is_dirty() {
                        self.clear_recovery();
                    }
                }
                self.prefs.remember(&request.path);
                self.status_message = Some(format!("Saved {}", request.path.display()));
                if let Some(then) = then {
                    self.proceed(then);
                }
                self.start_queued_save();
            }
            Err(SaveError::ChangedOnDisk { path }) => {
                // A save asked for meanwhile would meet the same problem: the user
                // decides now.
                self.queued_save = None;
                self.status_message = None;
                self.show_dialog(Dialog::ChangedOnDisk(path));
            }
            Err(error) => {
                self.queued_save = None;
                self.status_message = None;
                self.show_dialog(Dialog::Error(error.to_string()));
            }
        }
    }

    /// Starts the save asked for during the last one, if it is for this project still.
    fn start_queued_save(&mut self) {
        let Some(queued) = self.queued_save.take() else {
            return;
        };
        if queued.workspace != self.ws.id() {
            return;
        }
        let request = if self.ws.path() == Some(queued.path.as_path()) {
            self.ws.save_request(queued.mode)
        } else {
            None
        };
        let request = request.unwrap_or_else(|| self.ws.save_as_request(&queued.path));
        self.start_save(request, queued.then);
    }

    fn handle_close(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested())
            && self.ws.is_dirty()
            && !self.close_confirmed
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.show_dialog(Dialog::Unsaved(dialogs::Then::Close));
        }
        // A save still being written is finished first.
        if self.close_confirmed && !self.close_sent && self.saving.is_none() {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            self.close_sent = true;
        }
    }
}

/// Asks for another frame soon while background work runs. The work wakes the window
/// when it is done; this covers work started before the first frame, when there was no
/// context to wake.
fn wait_for_background(ctx: &egui::Context) {
    ctx.request_repaint_after(Duration::from_millis(100));
}

fn modifier_count(modifiers: egui::Modifiers) -> u8 {
    u8::from(modifiers.alt)
        + u8::from(modifiers.shift)
        + u8::from(modifiers.command || modifiers.ctrl || modifiers.mac_cmd)
}

/// The bundled sample, opened so that saving asks for a new path.
pub fn sample_workspace() -> Workspace {
    match store::from_str(SAMPLE_PROJECT, Path::new("saves/sample.ron")) {
        Ok(project) => Workspace::new(project, Origin::Bundled, None),
        // A test guards the bundled file; should it ever be broken, open empty rather
        // than not at all.
        Err(_) => Workspace::new(
            crate::model::Project::new("Untitled", ""),
            Origin::Unsaved,
            None,
        ),
    }
}

impl eframe::App for MarginaliaApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.prefs);
    }
}
