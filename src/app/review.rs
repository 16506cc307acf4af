//! Review mode: several colleagues' project files side by side, read-only. The files are
//! read, compared and measured on a background thread; the window then shows one
//! document at a time with a lane per annotator under every line, steps through the
//! disagreements, and shows the agreement figures. "Start gold project" turns the review
//! into an ordinary project whose disagreements are open candidates (see
//! [`crate::review::adjudicate`]), decided in the normal workspace.

use std::path::PathBuf;

use egui::Color32;

use super::article_view::{LaneBar, Lanes};
use super::background::{Background, Poll};
use super::{ArticleView, Dialog, MarginaliaApp, Origin, Standby, Workspace};
use crate::model::{Document, Project};
use crate::review::adjudicate::{Input, adjudicate};
use crate::review::{Agreement, Comparison, SpanStatus};
use crate::store;

/// A review being read and compared off the UI thread.
pub struct ReviewOpening {
    /// The files, in the order given (the annotators' order).
    pub paths: Vec<PathBuf>,
    job: Background<Result<Box<ReviewData>, String>>,
}

/// What a review is made of: the projects and what was computed from them.
pub struct ReviewData {
    /// The files, in the order given.
    pub paths: Vec<PathBuf>,
    /// The projects, one per file.
    pub projects: Vec<Project>,
    /// Documents matched, spans aligned, disagreements found.
    pub comparison: Comparison,
    /// Agreement figures per document and for the project.
    pub agreement: Agreement,
}

impl ReviewData {
    /// Reads every file and compares them; the first file that cannot be read stops it,
    /// naming the file.
    pub fn load(paths: &[PathBuf]) -> Result<Self, String> {
        let mut projects = Vec::with_capacity(paths.len());
        for path in paths {
            let loaded = store::load(path).map_err(|error| error.to_string())?;
            projects.push(loaded.project);
        }
        Self::from_projects(paths.to_vec(), projects)
    }

    /// Compares projects already loaded (`paths` name them).
    pub fn from_projects(paths: Vec<PathBuf>, projects: Vec<Project>) -> Result<Self, String> {
        let sources: Vec<String> = paths
            .iter()
            .map(|p| crate::review::source_name(p))
            .collect();
        let files: Vec<(&str, &Project)> = sources
            .iter()
            .map(String::as_str)
            .zip(projects.iter())
            .collect();
        let comparison = Comparison::new(&files).map_err(|error| error.to_string())?;
        let agreement = Agreement::new(&comparison);
        Ok(Self {
            paths,
            projects,
            comparison,
            agreement,
        })
    }
}

/// What the side panel of the review shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReviewTab {
    /// The disagreement in focus and the schema differences.
    #[default]
    Disagreements,
    /// Agreement figures, the bar chart and the confusion matrix.
    Agreement,
}

/// An open review.
pub struct ReviewSession {
    /// The projects and the comparison.
    pub data: ReviewData,
    /// Index into `data.comparison.documents` of the document on screen.
    pub current: usize,
    /// The disagreement in focus in the current document.
    pub focus: Option<usize>,
    /// The article widget of the review (its own: the workspace's stays as it was).
    pub view: ArticleView,
    /// The side panel's tab.
    pub tab: ReviewTab,
    /// Which pair of annotators the confusion matrix shows: indices into the pairs.
    pub pair: usize,
    /// Figures of the current document rather than the whole project.
    pub per_document: bool,
    /// Text holders for the view, made when a document is first shown.
    texts: Vec<Option<Document>>,
    /// Lanes of the current document, made when it is first shown.
    lanes: Option<(usize, Lanes)>,
    /// Counts up with every change of the lanes, for the view's cache.
    lanes_revision: u64,
}

/// The colour of a span's status in the lanes: the Okabe–Ito palette, which stays
/// distinguishable for colour-blind readers.
pub fn status_color(status: SpanStatus) -> Color32 {
    match status {
        SpanStatus::AllAgree => Color32::from_rgb(0x00, 0x9E, 0x73),
        SpanStatus::SameRangeOtherLabel => Color32::from_rgb(0xD5, 0x5E, 0x00),
        SpanStatus::OverlapOtherBoundaries => Color32::from_rgb(0xE6, 0x9F, 0x00),
        SpanStatus::OnlySome => Color32::from_rgb(0xCC, 0x79, 0xA7),
    }
}

impl ReviewSession {
    /// A review of `data`, on its first document with a disagreement.
    pub fn new(data: ReviewData) -> Self {
        let count = data.comparison.documents.len();
        let current = data
            .comparison
            .documents
            .iter()
            .position(|d| d.disagreement_count() > 0)
            .unwrap_or(0);
        let mut session = Self {
            data,
            current,
            focus: None,
            view: ArticleView::default(),
            tab: ReviewTab::default(),
            pair: 0,
            per_document: false,
            texts: (0..count).map(|_| None).collect(),
            lanes: None,
            lanes_revision: 0,
        };
        session.focus = session
            .document()
            .and_then(|d| d.disagreement_at_or_after(0));
        session
    }

    /// The document on screen.
    pub fn document(&self) -> Option<&crate::review::ReviewDocument> {
        self.data.comparison.documents.get(self.current)
    }

    /// Shows document `index`, focused on its first disagreement.
    pub fn show_document(&mut self, index: usize) {
        if index >= self.data.comparison.documents.len() || index == self.current {
            return;
        }
        self.current = index;
        self.view = ArticleView::default();
        self.focus = self.document().and_then(|d| d.disagreement_at_or_after(0));
        if let Some(start) = self.focus_range().map(|r| r.0) {
            self.view.scroll_to(start);
        }
    }

    /// `[start, end)` of the disagreement in focus.
    pub fn focus_range(&self) -> Option<(usize, usize)> {
        let doc = self.document()?;
        let d = doc.disagreements.get(self.focus?)?;
        Some((d.start, d.end))
    }

    /// Steps to the next (or previous) disagreement, on into the next document that
    /// has one (and around), and scrolls to it.
    pub fn step(&mut self, forward: bool) -> bool {
        let documents = &self.data.comparison.documents;
        let count = documents.len();
        if count == 0 {
            return false;
        }
        // Within the document first.
        if let Some(doc) = self.document() {
            let n = doc.disagreement_count();
            let next = match (self.focus, forward) {
                (Some(i), true) if i + 1 < n => Some(i + 1),
                (Some(i), false) if i > 0 => Some(i - 1),
                (None, true) if n > 0 => Some(0),
                (None, false) if n > 0 => Some(n - 1),
                _ => None,
            };
            if let Some(next) = next {
                self.focus = Some(next);
                self.scroll_to_focus();
                return true;
            }
        }
        // Then the next document that has any, wrapping around.
        for step in 1..=count {
            let index = if forward {
                (self.current + step) % count
            } else {
                (self.current + count - step % count) % count
            };
            let n = documents[index].disagreement_count();
            if n > 0 {
                self.current = index;
                self.view = ArticleView::default();
                self.focus = Some(if forward { 0 } else { n - 1 });
                self.scroll_to_focus();
                return true;
            }
        }
        false
    }

    fn scroll_to_focus(&mut self) {
        if let Some((start, _)) = self.focus_range() {
            self.view.scroll_to(start);
        }
    }

    /// The text of the current document as a [`Document`] for the article view (no
    /// spans of its own: the annotators' spans are drawn in the lanes).
    pub fn text_document(&mut self) -> Option<&Document> {
        let current = self.current;
        let doc = self.data.comparison.documents.get(current)?;
        let slot = self.texts.get_mut(current)?;
        if slot.is_none() {
            *slot = Some(Document::new(
                doc.id.clone(),
                doc.title.clone(),
                doc.text.clone(),
            ));
        }
        slot.as_ref()
    }

    /// The lanes of the current document: one per annotator, a bar per span they have.
    pub fn lanes(&mut self) -> &Lanes {
        if self.lanes.as_ref().map(|(i, _)| *i) != Some(self.current) {
            self.lanes_revision += 1;
            self.lanes = Some((self.current, self.build_lanes()));
        }
        &self
            .lanes
            .get_or_insert_with(|| (self.current, Lanes::default()))
            .1
    }

    fn build_lanes(&self) -> Lanes {
        let comparison = &self.data.comparison;
        let mut bars = Vec::new();
        if let Some(doc) = comparison.documents.get(self.current) {
            // Byte offset of every code point, once: spans count code points.
            let bytes: Vec<usize> = doc
                .text
                .char_indices()
                .map(|(b, _)| b)
                .chain(std::iter::once(doc.text.len()))
                .collect();
            let slice = |start: usize, end: usize| {
                let (from, to) = (
                    bytes.get(start).copied().unwrap_or(doc.text.len()),
                    bytes.get(end).copied().unwrap_or(doc.text.len()),
                );
                doc.text.get(from..to).unwrap_or_default()
            };
            for (index, span) in doc.spans.iter().enumerate() {
                let label = comparison
                    .labels
                    .get(span.label)
                    .map_or("?", |l| l.name.as_str());
                let text = super::article_view::shorten(slice(span.start, span.end), 120);
                for annotator in span.annotators.iter() {
                    let name = comparison
                        .annotators
                        .get(annotator)
                        .map_or("?", |a| a.name.as_str());
                    bars.push(LaneBar {
                        lane: annotator,
                        start: span.start,
                        end: span.end,
                        color: status_color(span.status),
                        tip: format!("{name}: {label}, {}\n“{text}”", span.status.as_str()),
                        tag: index,
                    });
                }
            }
        }
        bars.sort_by_key(|b| (b.start, b.lane));
        Lanes {
            count: comparison.annotators.len(),
            bars,
            revision: self.lanes_revision,
        }
    }

    /// Focuses the disagreement that aligned span `span` belongs to.
    pub fn focus_span(&mut self, span: usize) {
        if let Some(d) = self
            .document()
            .and_then(|doc| doc.spans.get(span))
            .and_then(|s| s.disagreement)
        {
            self.focus = Some(d);
        }
    }

    /// Open disagreements in all documents.
    pub fn disagreement_total(&self) -> usize {
        self.data
            .comparison
            .documents
            .iter()
            .map(|d| d.disagreement_count())
            .sum()
    }
}

impl MarginaliaApp {
    /// Starts reading and comparing `paths` for review on a background thread. The
    /// project being edited stays as it is, behind the review.
    pub fn start_review(&mut self, paths: Vec<PathBuf>) {
        if paths.len() < 2 {
            self.show_dialog(Dialog::Error(
                "A review compares at least two project files: pick two or more.".into(),
            ));
            return;
        }
        if self.on_review_standby() {
            self.standby = Some(Standby::OpeningReview(paths.clone()));
        }
        let thread_paths = paths.clone();
        self.review_opening = Some(ReviewOpening {
            paths,
            job: Background::spawn(
                move || ReviewData::load(&thread_paths).map(Box::new),
                self.waker(),
            ),
        });
    }

    /// Whether review files are being read.
    pub fn is_opening_review(&self) -> bool {
        self.review_opening.is_some()
    }

    /// Picks up the review once it has been read and compared.
    pub(super) fn poll_review(&mut self, ctx: &egui::Context) {
        let Some(opening) = &self.review_opening else {
            return;
        };
        let outcome = match opening.job.poll() {
            Poll::Running => {
                super::files::wait_for_background(ctx);
                return;
            }
            Poll::Done(outcome) => outcome,
            Poll::Died => Err("reading the review files stopped unexpectedly".into()),
        };
        let opening = self.review_opening.take();
        match outcome {
            Ok(data) => {
                if self.on_review_standby() {
                    // Started on the review alone: closing it shows the sample, as a
                    // window started on nothing does.
                    self.open_sample();
                }
                let session = ReviewSession::new(*data);
                self.status_message = Some(format!(
                    "Reviewing {} files: {} disagreement(s) in {} document(s).",
                    session.data.paths.len(),
                    session.disagreement_total(),
                    session.data.comparison.documents.len()
                ));
                self.review = Some(Box::new(session));
            }
            Err(error) if self.on_review_standby() => {
                let paths = opening.map(|o| o.paths).unwrap_or_default();
                self.standby = Some(Standby::ReviewFailed { paths, error });
            }
            Err(error) => {
                self.show_dialog(Dialog::Error(format!("Cannot open the review.\n{error}")))
            }
        }
    }

    /// Whether the window was started on a review and shows no project: the standby
    /// screen is the review's.
    fn on_review_standby(&self) -> bool {
        matches!(
            self.standby,
            Some(Standby::OpeningReview(_) | Standby::ReviewFailed { .. })
        )
    }

    /// Leaves review mode, back to the project being edited.
    pub fn close_review(&mut self) {
        self.review = None;
        self.status_message = Some("Review closed.".into());
    }

    /// Turns the open review into a gold project: what everyone agrees on accepted, every
    /// disagreement an open candidate; it replaces the project being edited (asking
    /// first if that has unsaved changes) and has no file until it is saved.
    pub fn start_gold_project(&mut self) {
        let Some(session) = &self.review else { return };
        let sources: Vec<String> = session
            .data
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        let inputs: Vec<Input<'_>> = sources
            .iter()
            .zip(session.data.projects.iter())
            .map(|(file, project)| Input { file, project })
            .collect();
        match adjudicate(&inputs, "gold") {
            Ok(adjudication) => {
                let open = adjudication.project.open_candidate_count();
                let mut ws = Workspace::new(adjudication.project, Origin::Unsaved, None);
                // Not on disk yet: closing asks to save it.
                ws.touch();
                self.gold = Some(Box::new(ws));
                self.review = None;
                self.status_message = Some(format!(
                    "Gold project started: {open} open candidate(s); F8 steps to them. Save it to keep it."
                ));
                self.confirm_discard(super::dialogs::Then::UseGold);
            }
            Err(error) => self.show_dialog(Dialog::Error(format!(
                "Cannot start a gold project.\n{error}"
            ))),
        }
    }
}
