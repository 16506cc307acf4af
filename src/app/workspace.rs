//! What the window is working on: the project, where it lives on disk, the current
//! document, the selection and each document's undo history. No egui here, so the
//! editing rules are tested without a window.

use std::path::{Path, PathBuf};

use crate::model::{Document, Edit, EditError, History, Project, SpanId, Status, words};
use crate::store::{self, DiskStamp, SaveError, SaveMode};

/// Where the project came from, which decides what Save does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The sample bundled in the binary: Save asks for a new path.
    Bundled,
    /// Not saved yet: Save asks for a path.
    Unsaved,
    /// A file on disk.
    File(PathBuf),
}

/// A snapshot of the project to be written, taken on the UI thread so that the writing
/// (serialising, fsync) can happen on another.
pub struct SaveRequest {
    project: Project,
    /// Where it goes.
    pub path: PathBuf,
    expected: Option<DiskStamp>,
    mode: SaveMode,
    generation: u64,
}

impl SaveRequest {
    /// Writes the snapshot (any thread).
    pub fn write(&self) -> Result<DiskStamp, SaveError> {
        store::save(&self.project, &self.path, self.expected.as_ref(), self.mode)
    }
}

/// A text selection in the current document, in code points. `anchor` is where the drag
/// started, `focus` where it is now; either may be the smaller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selection {
    /// Where the selection started.
    pub anchor: usize,
    /// Where it ends now.
    pub focus: usize,
}

impl Selection {
    /// `[start, end)` in order.
    pub fn range(self) -> (usize, usize) {
        (self.anchor.min(self.focus), self.anchor.max(self.focus))
    }

    /// Whether it selects nothing.
    pub fn is_empty(self) -> bool {
        self.anchor == self.focus
    }
}

/// The open project and everything about editing it.
pub struct Workspace {
    /// The project.
    pub project: Project,
    /// Where it came from.
    pub origin: Origin,
    /// What the file looked like when loaded or last saved.
    pub stamp: Option<DiskStamp>,
    /// Index of the document on screen.
    pub current: usize,
    /// The text selection in the current document.
    pub selection: Option<Selection>,
    /// The selected span in the current document.
    pub selected_span: Option<SpanId>,
    /// One history per document, in document order.
    histories: Vec<History>,
    /// The project as it was before each project-wide change (settings, a dataset
    /// import), newest last.
    project_undo: Vec<Project>,
    /// Bumped on every change; compared with `saved_generation` for the unsaved mark.
    generation: u64,
    saved_generation: u64,
}

impl Workspace {
    /// A workspace on a project.
    pub fn new(project: Project, origin: Origin, stamp: Option<DiskStamp>) -> Self {
        let histories = vec![History::default(); project.documents.len()];
        Self {
            project,
            origin,
            stamp,
            current: 0,
            selection: None,
            selected_span: None,
            histories,
            project_undo: Vec::new(),
            generation: 0,
            saved_generation: 0,
        }
    }

    /// Opens a project file.
    pub fn open(path: &Path) -> Result<Self, store::LoadError> {
        let loaded = store::load(path)?;
        Ok(Self::new(
            loaded.project,
            Origin::File(path.to_path_buf()),
            Some(loaded.stamp),
        ))
    }

    /// The file this project saves to, if it has one.
    pub fn path(&self) -> Option<&Path> {
        match &self.origin {
            Origin::File(path) => Some(path),
            Origin::Bundled | Origin::Unsaved => None,
        }
    }

    /// Whether there are changes not saved yet.
    pub fn is_dirty(&self) -> bool {
        self.generation != self.saved_generation
    }

    /// Marks a change that is not an annotation edit (schema, names, new documents).
    pub fn touch(&mut self) {
        self.generation += 1;
    }

    /// The document on screen, if the project has any.
    pub fn document(&self) -> Option<&Document> {
        self.project.documents.get(self.current)
    }

    /// Switches to document `index`, keeping every document's history.
    pub fn show_document(&mut self, index: usize) {
        if index < self.project.documents.len() && index != self.current {
            self.current = index;
            self.selection = None;
            self.selected_span = None;
        }
    }

    /// Adds a document (an imported article) and shows it.
    pub fn add_document(&mut self, doc: Document) {
        self.project.documents.push(doc);
        self.histories.push(History::default());
        self.touch();
        self.show_document(self.project.documents.len() - 1);
    }

    /// Applies an edit to the current document, recording it for undo. A document that
    /// gets its first span moves from todo to in progress in the same step.
    pub fn apply(&mut self, edit: Edit) -> Result<(), EditError> {
        let Some(doc) = self.project.documents.get_mut(self.current) else {
            return Ok(());
        };
        let edit =
            if doc.status == Status::Todo && matches!(edit, Edit::AddSpan(_) | Edit::Batch(_)) {
                Edit::Batch(vec![edit, doc.set_status_edit(Status::InProgress)])
            } else {
                edit
            };
        self.histories[self.current].apply(doc, &self.project.schema, edit)?;
        self.after_change();
        Ok(())
    }

    /// Undoes the current document's newest edit. `Ok(false)` if there was none.
    pub fn undo(&mut self) -> Result<bool, EditError> {
        self.step_history(History::undo)
    }

    /// Redoes the current document's newest undone edit. `Ok(false)` if there was none.
    pub fn redo(&mut self) -> Result<bool, EditError> {
        self.step_history(History::redo)
    }

    fn step_history(
        &mut self,
        step: fn(&mut History, &mut Document, &crate::model::Schema) -> Result<bool, EditError>,
    ) -> Result<bool, EditError> {
        let Some(doc) = self.project.documents.get_mut(self.current) else {
            return Ok(false);
        };
        let stepped = step(&mut self.histories[self.current], doc, &self.project.schema)?;
        if stepped {
            self.after_change();
        }
        Ok(stepped)
    }

    fn after_change(&mut self) {
        self.generation += 1;
        // The selected span may have been removed by the change.
        if let Some(id) = self.selected_span
            && self.document().and_then(|d| d.span(id)).is_none()
        {
            self.selected_span = None;
        }
    }

    /// Labels the current selection with `label`, or relabels the selected span when
    /// nothing is selected. A quote takes the quotation marks around it.
    pub fn label(&mut self, label: &str) -> Result<(), EditError> {
        let Some(doc) = self.project.documents.get_mut(self.current) else {
            return Ok(());
        };
        if let Some(selection) = self.selection.filter(|s| !s.is_empty()) {
            let (mut start, mut end) = selection.range();
            if label == "quote" {
                (start, end) = words::with_quotation_marks(doc.text(), doc.index(), start, end);
            }
            let edit = doc.add_span_edit(start, end, label);
            let id = match &edit {
                Edit::AddSpan(span) => span.id,
                _ => unreachable!("add_span_edit makes an AddSpan"),
            };
            self.apply(edit)?;
            self.selection = None;
            self.selected_span = Some(id);
            return Ok(());
        }
        if let Some(id) = self.selected_span {
            let edit = doc.relabel_edit(id, label, &self.project.schema)?;
            self.apply(edit)?;
        }
        Ok(())
    }

    /// Removes the selected span.
    pub fn delete_selected_span(&mut self) -> Result<(), EditError> {
        let (Some(doc), Some(id)) = (self.document(), self.selected_span) else {
            return Ok(());
        };
        let edit = doc.remove_span_edit(id)?;
        self.apply(edit)?;
        self.selected_span = None;
        Ok(())
    }

    /// Selects the next (or previous) span in reading order, wrapping around.
    pub fn step_span(&mut self, forward: bool) {
        let Some(doc) = self.document() else { return };
        let spans = doc.spans();
        if spans.is_empty() {
            return;
        }
        let current = self
            .selected_span
            .and_then(|id| spans.iter().position(|s| s.id == id));
        let next = match (current, forward) {
            (None, true) => 0,
            (None, false) => spans.len() - 1,
            (Some(i), true) => (i + 1) % spans.len(),
            (Some(i), false) => (i + spans.len() - 1) % spans.len(),
        };
        self.selected_span = Some(spans[next].id);
        self.selection = None;
    }

    /// Grows or shrinks the selected span by one word at one end.
    pub fn step_span_edge(&mut self, edge: words::Edge, grow: bool) -> Result<(), EditError> {
        let (Some(doc), Some(id)) = (self.document(), self.selected_span) else {
            return Ok(());
        };
        let Some(span) = doc.span(id) else {
            return Ok(());
        };
        let Some((start, end)) =
            words::step_word(doc.text(), doc.index(), (span.start, span.end), edge, grow)
        else {
            return Ok(());
        };
        let edit = doc.resize_edit(id, start, end)?;
        self.apply(edit)
    }

    /// A snapshot to save to the project's file, `None` when it has none yet.
    pub fn save_request(&self, mode: SaveMode) -> Option<SaveRequest> {
        let path = self.path()?.to_path_buf();
        Some(SaveRequest {
            project: self.project.clone(),
            path,
            expected: self.stamp.clone(),
            mode,
            generation: self.generation,
        })
    }

    /// A snapshot to save to `path`, chosen in a dialog that already asked about
    /// overwriting.
    pub fn save_as_request(&self, path: &Path) -> SaveRequest {
        SaveRequest {
            project: self.project.clone(),
            path: path.to_path_buf(),
            expected: None,
            mode: SaveMode::Force,
            generation: self.generation,
        }
    }

    /// Records a finished save: the file is the project's file now, and the changes up
    /// to the snapshot are saved (edits made while it was written are not).
    pub fn saved(&mut self, request: &SaveRequest, stamp: DiskStamp) {
        self.origin = Origin::File(request.path.clone());
        self.stamp = Some(stamp);
        self.saved_generation = request.generation;
    }

    /// Applies project settings: names, and a schema change whose renamed keys follow on
    /// every span and link and whose removed labels and link types take their spans and
    /// links with them. Undone by [`Self::undo_project_change`].
    pub fn apply_settings(
        &mut self,
        name: String,
        annotator: String,
        change: crate::model::SchemaChange,
    ) -> crate::model::SchemaChangeReport {
        self.project_undo.push(self.project.clone());
        self.project.name = name;
        self.project.annotator = annotator;
        let report = self.project.change_schema(change);
        self.after_change();
        report
    }

    /// Imports a dataset (documents, spans, links, perhaps new labels) as one project-wide
    /// change, undone by [`Self::undo_project_change`]. On any problem nothing changes.
    pub fn import_dataset(
        &mut self,
        options: &crate::formats::ImportOptions,
        inputs: &[PathBuf],
    ) -> Result<crate::formats::ImportReport, crate::formats::FormatError> {
        let mut project = self.project.clone();
        let report = crate::formats::import(&mut project, options, inputs)?;
        let first_new = self.project.documents.len();
        self.project_undo
            .push(std::mem::replace(&mut self.project, project));
        self.histories
            .resize(self.project.documents.len(), History::default());
        self.after_change();
        self.show_document(first_new.min(self.project.documents.len().saturating_sub(1)));
        Ok(report)
    }

    /// Whether a project-wide change (settings, import) can be undone.
    pub fn can_undo_project_change(&self) -> bool {
        !self.project_undo.is_empty()
    }

    /// Undoes the newest project-wide change. Annotation edits made since then are
    /// undone with it, because they were made on the changed project.
    pub fn undo_project_change(&mut self) -> bool {
        let Some(project) = self.project_undo.pop() else {
            return false;
        };
        self.project = project;
        self.histories = vec![History::default(); self.project.documents.len()];
        self.current = self
            .current
            .min(self.project.documents.len().saturating_sub(1));
        self.selection = None;
        self.selected_span = None;
        self.after_change();
        true
    }

    /// Number of documents marked done.
    pub fn done_count(&self) -> usize {
        self.project
            .documents
            .iter()
            .filter(|d| d.status == Status::Done)
            .count()
    }

    /// Sets the current document's status.
    pub fn set_status(&mut self, status: Status) -> Result<(), EditError> {
        let Some(doc) = self.document() else {
            return Ok(());
        };
        if doc.status == status {
            return Ok(());
        }
        let edit = doc.set_status_edit(status);
        let index = self.current;
        let doc = &mut self.project.documents[index];
        self.histories[index].apply(doc, &self.project.schema, edit)?;
        self.generation += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace(text: &str) -> Workspace {
        let mut project = Project::new("p", "me");
        project.documents.push(Document::new("d", "D", text));
        Workspace::new(project, Origin::Unsaved, None)
    }

    #[test]
    fn labelling_a_selection_makes_a_span_and_marks_progress() {
        let mut ws = workspace("said \"very good,\" then");
        ws.selection = Some(Selection {
            anchor: 6,
            focus: 15,
        });
        ws.label("quote").expect("label");
        let doc = ws.document().expect("doc");
        assert_eq!(doc.span_text(&doc.spans()[0]), "\"very good,\"");
        assert_eq!(doc.status, Status::InProgress);
        assert!(ws.is_dirty());
        // One undo takes back both the span and the status change.
        ws.undo().expect("undo");
        let doc = ws.document().expect("doc");
        assert!(doc.spans().is_empty());
        assert_eq!(doc.status, Status::Todo);
    }

    #[test]
    fn a_hotkey_with_a_selected_span_relabels_it() {
        let mut ws = workspace("Kyiv said");
        ws.selection = Some(Selection {
            anchor: 0,
            focus: 4,
        });
        ws.label("actor").expect("label");
        ws.label("location").expect("relabel");
        let doc = ws.document().expect("doc");
        assert_eq!(doc.spans().len(), 1);
        assert_eq!(doc.spans()[0].label, "location");
    }

    #[test]
    fn histories_survive_switching_documents() {
        let mut ws = workspace("one two");
        ws.add_document(Document::new("e", "E", "three four"));
        ws.show_document(0);
        ws.selection = Some(Selection {
            anchor: 0,
            focus: 3,
        });
        ws.label("claim").expect("label");
        ws.show_document(1);
        assert_eq!(ws.undo(), Ok(false));
        ws.show_document(0);
        assert_eq!(ws.undo(), Ok(true));
        assert!(ws.document().expect("doc").spans().is_empty());
    }
}
