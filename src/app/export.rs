//! File → Export and File → Import of datasets. Export is written on a background thread
//! with a progress bar and a Cancel button, so a long export never freezes the window.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::background::{Background, Poll};
use super::{ArticleView, Dialog, MarginaliaApp};
use crate::formats::{self, ExportOptions, Format, ImportOptions, Layer, OffsetUnit};
use crate::model::{Project, Status};

/// The export dialog's choices.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportDraft {
    /// Format to write.
    pub format: Format,
    /// Offset unit.
    pub offsets: OffsetUnit,
    /// Only documents of this status.
    pub status: Option<Status>,
    /// CoNLL layer.
    pub layer: Layer,
}

impl Default for ExportDraft {
    fn default() -> Self {
        Self {
            format: Format::Jsonl,
            offsets: OffsetUnit::default(),
            status: None,
            layer: Layer::default(),
        }
    }
}

impl ExportDraft {
    /// The library's options for these choices.
    pub fn options(&self) -> ExportOptions {
        let mut options = ExportOptions::new(self.format);
        options.offsets = self.offsets;
        options.status = self.status;
        options.layer = self.layer;
        options
    }
}

/// The import dialog's choices.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportDraft {
    /// Format of the inputs.
    pub format: Format,
    /// Add labels the project lacks instead of refusing them.
    pub add_labels: bool,
    /// `old=new` label mappings, comma-separated.
    pub map: String,
}

impl Default for ImportDraft {
    fn default() -> Self {
        Self {
            format: Format::Jsonl,
            add_labels: false,
            map: String::new(),
        }
    }
}

impl ImportDraft {
    /// The library's options for these choices; mappings that are not `old=new` are
    /// ignored (the dialog shows them as invalid before this is called).
    pub fn options(&self) -> ImportOptions {
        let mut options = ImportOptions::new(self.format);
        options.add_labels = self.add_labels;
        options.map = self.mappings().unwrap_or_default();
        options
    }

    /// The label mappings, or the first entry that is not `old=new`.
    pub fn mappings(&self) -> Result<Vec<(String, String)>, String> {
        self.map
            .split(',')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(|m| match m.split_once('=') {
                Some((old, new)) if !old.trim().is_empty() && !new.trim().is_empty() => {
                    Ok((old.trim().to_owned(), new.trim().to_owned()))
                }
                _ => Err(m.to_owned()),
            })
            .collect()
    }
}

/// An export running on a background thread.
pub struct ExportJob {
    done: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
    cancel: Arc<AtomicBool>,
    job: Background<Result<String, String>>,
}

impl ExportJob {
    /// Starts exporting a copy of `project` (read from `project_file`, which the export
    /// must not overwrite) to `out`; `repaint` wakes the window.
    pub fn start(
        project: Project,
        project_file: Option<PathBuf>,
        draft: &ExportDraft,
        out: PathBuf,
        repaint: impl Fn() + Send + Sync + 'static,
    ) -> Self {
        let done = Arc::new(AtomicUsize::new(0));
        let total = Arc::new(AtomicUsize::new(1));
        let cancel = Arc::new(AtomicBool::new(false));
        let options = draft.options();
        let (thread_done, thread_total, thread_cancel) =
            (done.clone(), total.clone(), cancel.clone());
        let repaint = Arc::new(repaint);
        let wake = repaint.clone();
        let job = Background::spawn(
            move || {
                let progress = |d: usize, t: usize| {
                    thread_done.store(d, Ordering::Relaxed);
                    thread_total.store(t.max(1), Ordering::Relaxed);
                    repaint();
                    if thread_cancel.load(Ordering::Relaxed) {
                        ControlFlow::Break(())
                    } else {
                        ControlFlow::Continue(())
                    }
                };
                let inputs: Vec<&std::path::Path> =
                    project_file.iter().map(|p| p.as_path()).collect();
                let exported = formats::check_output(&out, &options, &inputs)
                    .and_then(|()| formats::export(&project, &options, &out, &progress));
                match exported {
                    Ok(report) => {
                        let mut text = Vec::new();
                        let _ = report.write_to(&mut text);
                        Ok(String::from_utf8_lossy(&text).into_owned())
                    }
                    Err(error) => Err(format!("cannot export to {}: {error}", out.display())),
                }
            },
            move || wake(),
        );
        Self {
            done,
            total,
            cancel,
            job,
        }
    }

    /// Fraction done, 0 to 1.
    pub fn progress(&self) -> f32 {
        self.done.load(Ordering::Relaxed) as f32 / self.total.load(Ordering::Relaxed).max(1) as f32
    }

    /// Asks the export to stop; it writes nothing more.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// The outcome, once the thread has finished: a report, or what went wrong.
    pub fn finished(&self) -> Option<Result<String, String>> {
        match self.job.poll() {
            Poll::Running => None,
            Poll::Done(outcome) => Some(outcome),
            Poll::Died => Some(Err("the export stopped unexpectedly (a bug); nothing was \
                 written over, try again"
                .into())),
        }
    }
}

impl MarginaliaApp {
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

    pub(super) fn poll_export(&mut self) {
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
}
