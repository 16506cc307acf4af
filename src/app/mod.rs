//! The window: the only module where egui, eframe and rfd appear.
//!
//! [`MarginaliaApp`] owns the [`Workspace`] (what is being edited) and the widgets' own
//! state. Each frame the panels draw and *queue* [`Command`]s and view actions; they are
//! carried out once, after the panels, in [`MarginaliaApp::run_command`], which is also
//! the only place that opens file dialogs or touches the disk.
//!
//! This file is the router: the app's state and one frame's order of work. The handlers
//! live by area, each an `impl MarginaliaApp` of its own:
//! - `command_handling`: commands, shortcuts and dialog answers;
//! - `editing`: the article view's actions, labelling, undo and redo;
//! - `files`: opening, saving, closing, recovery copies, articles from files;
//! - `export`: dataset export and import;
//! - `search`: the search bar and "Label all matches".

mod article_links;
mod article_view;
mod background;
mod candidates;
mod command_handling;
mod commands;
mod consistency;
mod contrast;
mod dialogs;
mod editing;
mod export;
mod files;
mod fonts;
mod link_mode;
mod panels;
mod paste;
mod prefs;
mod recovery;
mod review;
mod review_ui;
mod search;
mod workspace;

use std::path::{Path, PathBuf};
use std::time::Duration;

use egui::Ui;

pub use article_view::{ArticleView, ViewAction, ViewInput};
pub use commands::{Command, LABEL_HOTKEYS, Menu};
pub use dialogs::{Answer, Dialog, FontsDraft, Then};
pub use export::{ExportDraft, ExportJob, ImportDraft};
pub use prefs::{Prefs, ThemeChoice};
pub use recovery::Recovery;
pub use review::{ReviewData, ReviewSession, ReviewTab};
pub use workspace::{Origin, ProjectChange, Selection, Stepped, UndoError, Workspace};

pub use search::Search;

use crate::model::SpanId;
use crate::store;
pub use files::Standby;
use files::{Opening, QueuedSave, Saving};
pub use fonts::{FontNotice, FontSearch, FontSource, Fonts, FoundFont, SystemFonts};
pub use paste::PasteDraft;

/// The bundled sample project, so the app opens on something real anywhere.
pub const SAMPLE_PROJECT: &str = include_str!("../../saves/sample.ron");

/// Opens the window on `file`, or on the bundled sample project.
pub fn run(file: Option<PathBuf>) -> anyhow::Result<()> {
    run_app(move |prefs, recovery| MarginaliaApp::new(file.as_deref(), prefs, recovery))
}

/// Opens the window in review mode on colleagues' project `files`.
pub fn run_review(files: Vec<PathBuf>) -> anyhow::Result<()> {
    run_app(move |prefs, recovery| MarginaliaApp::for_review(files, prefs, recovery))
}

fn run_app(
    make: impl FnOnce(Prefs, recovery::Recovery) -> MarginaliaApp + 'static,
) -> anyhow::Result<()> {
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
            Ok(Box::new(make(prefs, recovery)))
        }),
    )
    .map_err(|error| anyhow::anyhow!("cannot open the window: {error}"))
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
    /// An annotator's version to take this frame (Alt+digit, 1-based).
    queued_take: Option<usize>,
    /// A link being made with the keyboard (L), its targets numbered on screen.
    pub link_mode: Option<link_mode::LinkMode>,
    /// A link target picked this frame (a digit while linking, 1-based).
    queued_target: Option<usize>,
    /// A link type whose own key was pressed this frame.
    queued_link_type: Option<String>,
    /// Give the note field focus on the next frame.
    focus_note: bool,
    /// The comment being written in the side panel.
    pub comment_draft: String,
    /// Who said what in the current document, for the revision it was computed for.
    attribution_cache: Option<(String, u64, std::sync::Arc<crate::model::Attribution>)>,
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
    /// The review on screen, if any: it takes the window over from the workspace,
    /// which waits behind it unchanged.
    pub review: Option<Box<ReviewSession>>,
    /// Review files being read and compared on a background thread.
    review_opening: Option<review::ReviewOpening>,
    /// A gold project made from a review, waiting for the unsaved-changes prompt.
    gold: Option<Box<Workspace>>,
    /// Set while the window has no project of the user's to show: the file it was
    /// started on is being opened, or could not be opened.
    pub standby: Option<Standby>,
    /// The clipboard's text asked for and not arrived yet.
    paste_wait: Option<paste::PasteWait>,
    /// Fonts: the preferences' and the fallbacks found for the documents' scripts.
    pub fonts: Fonts,
    /// The consistency panel (Ctrl+Shift+K).
    pub consistency: consistency::ConsistencyPanel,
}

impl MarginaliaApp {
    /// The app on a review of `files` (`marginalia review A B …`), read in the
    /// background: the standby screen names the files until the review is there, and
    /// says why if it cannot be opened, rather than a sample the user never asked for.
    pub fn for_review(files: Vec<PathBuf>, prefs: Prefs, recovery: recovery::Recovery) -> Self {
        let mut app = Self::new(None, prefs, recovery);
        app.ws = files::standby_workspace();
        app.standby = Some(Standby::OpeningReview(files.clone()));
        app.start_review(files);
        app
    }

    /// The app on `file`, opened in the background (the window shows its name and that
    /// it is opening until then, and why if it cannot be opened), or on the bundled
    /// sample when no file is given.
    pub fn new(file: Option<&Path>, prefs: Prefs, recovery: recovery::Recovery) -> Self {
        let recovery_unanswered = recovery.exists();
        let dialog = recovery_unanswered.then_some(Dialog::Recover);
        let ws = match file {
            Some(_) => files::standby_workspace(),
            None => sample_workspace(),
        };
        let mut app = Self {
            ws,
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
            queued_take: None,
            link_mode: None,
            queued_target: None,
            queued_link_type: None,
            focus_note: false,
            comment_draft: String::new(),
            attribution_cache: None,
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
            review: None,
            review_opening: None,
            gold: None,
            paste_wait: None,
            fonts: Fonts::default(),
            consistency: consistency::ConsistencyPanel::default(),
            standby: file.map(|path| Standby::Opening(path.to_path_buf())),
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
        self.fonts_tick(&ctx);
        self.take_pasted(&ctx);
        self.read_keyboard(&ctx);
        self.take_dropped_files(&ctx);

        panels::menu_bar_ui(self, ui);
        if self.in_review() {
            panels::status_bar_ui(self, ui);
            review_ui::review_ui(self, ui);
        } else if self.standby.is_some() {
            egui::CentralPanel::default().show(ui, |ui| self.standby_ui(ui));
        } else {
            panels::status_bar_ui(self, ui);
            panels::documents_ui(self, ui);
            panels::side_panel_ui(self, ui);
            egui::CentralPanel::default().show(ui, |ui| self.central_ui(ui));
        }
        if let Some(answer) = dialogs::show(self, &ctx) {
            self.answers.push(answer);
        }

        if let Some(label) = self.queued_label.take()
            && self.edits_allowed()
        {
            let result = self.ws.label(&label);
            self.report(result);
        }
        if let Some(n) = self.queued_target.take()
            && self.edits_allowed()
        {
            self.pick_link_target(n);
        }
        if let Some(link_type) = self.queued_link_type.take()
            && self.edits_allowed()
        {
            self.start_link_of(&link_type);
        }
        if let Some(n) = self.queued_take.take()
            && self.edits_allowed()
        {
            self.take_annotator(n);
        }
        for command in std::mem::take(&mut self.queued) {
            self.run_command(&ctx, command);
        }
        for answer in std::mem::take(&mut self.answers) {
            self.answer(&ctx, answer);
        }
        self.poll_export();
        self.poll_review(&ctx);
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

    /// Whether the window shows a review (or one being read) instead of the workspace.
    pub fn in_review(&self) -> bool {
        self.review.is_some() || self.review_opening.is_some()
    }

    /// `Project — file.ron •` (the dot while there are unsaved changes).
    pub fn window_title(&self) -> String {
        if let Some(review) = &self.review {
            let names: Vec<String> = review
                .data
                .paths
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            return format!("Review of {} — Marginalia", names.join(", "));
        }
        if let Some(standby) = &self.standby {
            return format!("{} — Marginalia", standby.title());
        }
        let file = match &self.ws.origin {
            Origin::File(path) => path.display().to_string(),
            Origin::Bundled => "bundled sample".to_owned(),
            Origin::Unsaved => "not saved yet".to_owned(),
        };
        let dirty = if self.ws.is_dirty() { " •" } else { "" };
        format!("{} — {file}{dirty} — Marginalia", self.ws.project.name)
    }
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
