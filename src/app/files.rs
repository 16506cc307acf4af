//! Project files in the window: opening and saving on background threads, unsaved
//! changes, closing, recovery copies, and articles added from files.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::background::{Background, Poll};
use super::{ArticleView, Dialog, MarginaliaApp, Origin, Search, Workspace, dialogs, workspace};
use crate::model::Document;
use crate::store::{self, SaveError, SaveMode};

/// A save waiting for the one being written.
pub(super) struct QueuedSave {
    path: PathBuf,
    mode: SaveMode,
    then: Option<dialogs::Then>,
    workspace: u64,
}

/// A save being written off the UI thread, and what to do once it succeeded.
pub(super) struct Saving {
    then: Option<dialogs::Then>,
    job: Background<Result<(workspace::SaveRequest, store::DiskStamp), SaveError>>,
}

/// A project file being opened off the UI thread: a 10 MB project takes about a second
/// to read and check, which must not freeze the window.
pub(super) struct Opening {
    path: PathBuf,
    /// The workspace and generation the user agreed to leave: changes made after that
    /// are asked about before the opened project replaces them.
    leaving: (u64, u64),
    job: Background<Result<Workspace, store::LoadError>>,
}

/// What the window shows while it has no project of the user's: the one it was started
/// on (`marginalia FILE.ron`) is being opened, or could not be opened. Never the bundled
/// sample in its place, which the user could take for their own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Standby {
    /// Being read and checked in the background.
    Opening(PathBuf),
    /// Could not be opened.
    Failed {
        /// The file.
        path: PathBuf,
        /// Why, as the loader reported it.
        error: String,
    },
    /// The files of a review (`marginalia review A B …`) being read and compared.
    OpeningReview(Vec<PathBuf>),
    /// The review could not be opened.
    ReviewFailed {
        /// The files.
        paths: Vec<PathBuf>,
        /// Why, naming the file at fault.
        error: String,
    },
}

impl Standby {
    /// The window title: the file's name and what is happening to it.
    pub fn title(&self) -> String {
        match self {
            Standby::Opening(path) => format!("Opening {}…", file_name(path)),
            Standby::Failed { path, .. } => format!("Could not open {}", file_name(path)),
            Standby::OpeningReview(paths) => {
                format!("Opening the review of {}…", file_names(paths))
            }
            Standby::ReviewFailed { paths, .. } => {
                format!("Could not open the review of {}", file_names(paths))
            }
        }
    }
}

fn file_names(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths.iter().map(|p| file_name(p)).collect();
    names.join(", ")
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// A line with a spinner and what is being done, centred.
fn busy_line(ui: &mut egui::Ui, text: &str) {
    ui.horizontal(|ui| {
        ui.add_space((ui.available_width() - 260.0).max(0.0) / 2.0);
        ui.spinner();
        ui.label(text);
    });
}

fn megabytes(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

/// The empty workspace behind the standby screen: nothing in it can be edited or saved.
pub(super) fn standby_workspace() -> Workspace {
    Workspace::new(crate::model::Project::new("", ""), Origin::Unsaved, None)
}

impl MarginaliaApp {
    /// The standby screen: the file being opened and a spinner, or why it could not be
    /// opened and what to do instead.
    pub(super) fn standby_ui(&mut self, ui: &mut egui::Ui) {
        let Some(standby) = self.standby.clone() else {
            return;
        };
        ui.vertical_centered(|ui| {
            ui.add_space(ui.available_height() / 4.0);
            match &standby {
                Standby::Opening(path) => {
                    ui.heading(format!("Opening {}", file_name(path)));
                    ui.label(path.display().to_string());
                    ui.add_space(12.0);
                    let size = std::fs::metadata(path).map_or(0, |m| m.len());
                    busy_line(
                        ui,
                        &format!("Reading and checking {:.1} MB…", megabytes(size)),
                    );
                }
                Standby::OpeningReview(paths) => {
                    ui.heading("Opening a review");
                    for path in paths {
                        ui.label(path.display().to_string());
                    }
                    ui.add_space(12.0);
                    let size: u64 = paths
                        .iter()
                        .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
                        .sum();
                    busy_line(
                        ui,
                        &format!(
                            "Reading and comparing {} files, {:.1} MB…",
                            paths.len(),
                            megabytes(size)
                        ),
                    );
                }
                Standby::Failed { .. } | Standby::ReviewFailed { .. } => {
                    let error = match &standby {
                        Standby::Failed { error, .. } | Standby::ReviewFailed { error, .. } => {
                            error.as_str()
                        }
                        _ => "",
                    };
                    ui.heading(standby.title());
                    ui.add_space(8.0);
                    egui::ScrollArea::vertical()
                        .max_height(240.0)
                        .max_width(720.0)
                        .show(ui, |ui| {
                            ui.label(
                                egui::RichText::new(error)
                                    .monospace()
                                    .color(ui.visuals().error_fg_color),
                            );
                        });
                    ui.add_space(12.0);
                    ui.horizontal(|ui| {
                        // The buttons' width, to centre them: one more for a review.
                        let review = matches!(standby, Standby::ReviewFailed { .. });
                        let width = if review { 575.0 } else { 420.0 };
                        ui.add_space((ui.available_width() - width).max(0.0) / 2.0);
                        if review && ui.button("Review other files…").clicked() {
                            self.queue(super::Command::Review);
                        }
                        if ui.button("Open another project…").clicked() {
                            self.queue_answer(dialogs::Answer::Proceed(dialogs::Then::Open));
                        }
                        if ui.button("Create a new project…").clicked() {
                            self.queue_answer(dialogs::Answer::Proceed(dialogs::Then::New));
                        }
                        if ui.button("Open the sample").clicked() {
                            self.open_sample();
                        }
                    });
                }
            }
            if let Some(message) = &self.status_message {
                ui.add_space(12.0);
                ui.label(message);
            }
        });
    }

    /// Shows the bundled sample (from the standby screen).
    pub fn open_sample(&mut self) {
        self.replace_workspace(super::sample_workspace());
        self.status_message = None;
    }

    /// Whether the project may be changed now: not while another is being opened to
    /// replace it (the article view accepts no edits meanwhile), and not on the standby
    /// screen. Says why in the status bar when not.
    pub(super) fn edits_allowed(&mut self) -> bool {
        if self.standby.is_some() {
            return false;
        }
        match &self.opening {
            Some(opening) => {
                self.status_message = Some(format!(
                    "Opening {}: edits wait until it is open.",
                    file_name(&opening.path)
                ));
                false
            }
            None => true,
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

    /// Shows `dialog`, or if the recovery prompt is up, right after it: the prompt must
    /// get its answer.
    pub(super) fn show_dialog(&mut self, dialog: Dialog) {
        if matches!(self.dialog, Some(Dialog::Recover)) {
            self.after_recovery_prompt = Some(dialog);
        } else {
            self.dialog = Some(dialog);
        }
    }

    /// The recovery prompt was answered: copies may be written and deleted again, and
    /// what came up meanwhile is shown.
    pub(super) fn recovery_answered(&mut self) {
        self.recovery_unanswered = false;
        self.dialog = self.after_recovery_prompt.take();
    }

    /// Deletes the recovery copy, unless it is one from an earlier run still waiting for
    /// the user's answer.
    pub(super) fn clear_recovery(&mut self) {
        if !self.recovery_unanswered {
            self.recovery.clear();
        }
    }

    /// Opens the recovery copy from an earlier run in place of the current project.
    pub fn restore_recovery(&mut self) {
        match self.recovery.restore() {
            Some(Ok(ws)) => {
                self.ws = ws;
                self.standby = None;
                self.view = ArticleView::default();
                self.status_message = Some("Restored the unsaved work: save it to keep it.".into());
            }
            Some(Err(error)) => self.show_dialog(Dialog::Error(error.to_string())),
            None => {}
        }
    }

    /// Runs `then` now, or first asks Save / Discard / Cancel when there are unsaved
    /// changes.
    pub(super) fn confirm_discard(&mut self, then: dialogs::Then) {
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
            dialogs::Then::UseGold => {
                if let Some(ws) = self.gold.take() {
                    self.replace_workspace(*ws);
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
        if self.standby.is_some() {
            self.standby = Some(Standby::Opening(path.to_path_buf()));
        }
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
    pub(super) fn waker(&self) -> impl FnOnce() + Send + 'static {
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

    pub(super) fn poll_opening(&mut self, ctx: &egui::Context) {
        let Some(opening) = &self.opening else { return };
        let outcome = match opening.job.poll() {
            Poll::Done(outcome) => outcome,
            Poll::Running => {
                wait_for_background(ctx);
                return;
            }
            Poll::Died => {
                let message = format!("opening {} stopped unexpectedly", opening.path.display());
                let path = opening.path.clone();
                self.opening = None;
                self.open_failed(path, message);
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
                self.open_failed(path, error.to_string());
            }
        }
    }

    /// On the standby screen, the failure is the screen; over a project, that project
    /// stays and the error shows in a dialog.
    fn open_failed(&mut self, path: PathBuf, error: String) {
        if self.standby.is_some() {
            self.standby = Some(Standby::Failed { path, error });
        } else {
            self.show_dialog(Dialog::Error(error));
        }
    }

    pub(super) fn use_opened(&mut self, path: PathBuf, ws: Workspace) {
        self.replace_workspace(ws);
        self.prefs.remember(&path);
        self.status_message = Some(format!("Opened {}", path.display()));
    }

    pub(super) fn replace_workspace(&mut self, ws: Workspace) {
        self.ws = ws;
        self.standby = None;
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
    pub(super) fn save_then(&mut self, mode: SaveMode, then: Option<dialogs::Then>) {
        match self.ws.save_request(mode) {
            Some(request) => self.start_save(request, then),
            None => self.save_as(then),
        }
    }

    pub(super) fn save_as(&mut self, then: Option<dialogs::Then>) {
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
    pub(super) fn start_save(
        &mut self,
        request: workspace::SaveRequest,
        then: Option<dialogs::Then>,
    ) {
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

    pub(super) fn poll_saving(&mut self, ctx: &egui::Context) {
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
    pub(super) fn start_queued_save(&mut self) {
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

    pub(super) fn handle_close(&mut self, ctx: &egui::Context) {
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
pub(super) fn wait_for_background(ctx: &egui::Context) {
    ctx.request_repaint_after(Duration::from_millis(100));
}
