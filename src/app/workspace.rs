//! What the window is working on: the project, where it lives on disk, the current
//! document, the selection and each document's undo history. No egui here, so the
//! editing rules are tested without a window.

use std::path::{Path, PathBuf};

use crate::model::{
    CandidateId, Document, Edit, EditError, History, Project, SpanId, Status, words,
};
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
    /// [`Workspace::id`] of the workspace it was taken from.
    workspace: u64,
}

impl SaveRequest {
    /// Whether it was taken from `ws`: a save that finishes after another project was
    /// opened must not be recorded as that project's save.
    pub fn is_for(&self, ws: &Workspace) -> bool {
        self.workspace == ws.id
    }

    /// How it saves: checking for changes on disk, or over them.
    pub fn mode(&self) -> SaveMode {
        self.mode
    }

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

/// What the project settings set, applied at once by [`Workspace::apply_settings`].
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// The project's name.
    pub name: String,
    /// The annotator.
    pub annotator: String,
    /// The project's own reporting verbs; `None` for the built-in list.
    pub reporting_verbs: Option<Vec<String>>,
    /// The new schema and the keys it renames.
    pub change: crate::model::SchemaChange,
}

impl Settings {
    /// The project's settings as they are, with this schema change.
    pub fn of(project: &Project, change: crate::model::SchemaChange) -> Self {
        Self {
            name: project.name.clone(),
            annotator: project.annotator.clone(),
            reporting_verbs: project.reporting_verbs.clone(),
            change,
        }
    }
}

/// A project-wide change, as messages name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProjectChange {
    /// Names, labels, link types or reporting verbs changed in the settings.
    Settings,
    /// A dataset imported.
    Import,
    /// An article added as a new document.
    Article,
    /// One text given one label in several documents (the consistency panel's fix).
    ConsistencyFix,
    /// Suggestions added as pending candidates to several documents (Suggest).
    Suggestions,
}

impl ProjectChange {
    /// What it is called in messages: "settings change".
    pub fn noun(self) -> &'static str {
        match self {
            ProjectChange::Settings => "settings change",
            ProjectChange::Import => "dataset import",
            ProjectChange::Article => "added article",
            ProjectChange::ConsistencyFix => "consistency fix",
            ProjectChange::Suggestions => "suggestions added",
        }
    }
}

/// What an undo or a redo did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stepped {
    /// There was nothing to undo (or redo).
    Nothing,
    /// An annotation edit of the current document.
    Edit,
    /// A project-wide change.
    Project(ProjectChange),
}

/// Why an undo could not be done.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UndoError {
    /// The document's edit no longer applies.
    #[error(transparent)]
    Edit(#[from] EditError),
    /// The newest project-wide change came before edits in other documents; undoing it
    /// first would throw those edits away.
    #[error(
        "the {} can be undone once the later edits in {} are undone",
        .change.noun(),
        quoted_list(.documents)
    )]
    LaterEdits {
        /// The change that is next to undo.
        change: ProjectChange,
        /// Titles of the documents with edits made after it.
        documents: Vec<String>,
    },
    /// The newest project-wide change undone can only be redone on the state it was
    /// undone from, and edits in other documents have been undone or redone since.
    #[error(
        "the {} can be redone once the edits in {} are undone or redone back to where they were",
        .change.noun(),
        quoted_list(.documents)
    )]
    RedoWaits {
        /// The change waiting to be redone.
        change: ProjectChange,
        /// Titles of the documents whose histories have moved.
        documents: Vec<String>,
    },
}

fn quoted_list(titles: &[String]) -> String {
    let quoted: Vec<String> = titles.iter().map(|t| format!("“{t}”")).collect();
    quoted.join(", ")
}

/// A project-wide change on the undo stack: what undoing it needs.
#[derive(Clone, Debug)]
enum ProjectStep {
    /// Settings or an import: the project and its histories as they were before. The
    /// histories start afresh after such a change, so any edit in them is a later one.
    Replaced {
        change: ProjectChange,
        project: Box<Project>,
        histories: Vec<History>,
    },
    /// An article appended as the last document; undoing it removes that document.
    Appended,
}

impl RedoStep {
    fn change(&self) -> ProjectChange {
        match self {
            RedoStep::Replaced { change, .. } => *change,
            RedoStep::Appended { .. } => ProjectChange::Article,
        }
    }
}

/// A project-wide change undone, kept for redo.
#[derive(Clone, Debug)]
struct Redo {
    step: RedoStep,
    /// Each history's undo length just after the undo: the redo applies to that state
    /// only, so it waits while a document has stepped away from it.
    undo_lens: Vec<usize>,
}

#[derive(Clone, Debug)]
enum RedoStep {
    /// The project and histories to put back.
    Replaced {
        change: ProjectChange,
        project: Box<Project>,
        histories: Vec<History>,
    },
    /// The document to append again, with its history.
    Appended {
        document: Box<Document>,
        history: History,
    },
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
    /// The candidate in focus in the current document.
    pub focused_candidate: Option<CandidateId>,
    /// One history per document, in document order.
    histories: Vec<History>,
    /// Project-wide changes (settings, a dataset import, an added article), newest last.
    project_undo: Vec<ProjectStep>,
    /// Project-wide changes undone, newest last, while they can still be redone.
    project_redo: Vec<Redo>,
    /// Bumped on every change; compared with `saved_generation` for the unsaved mark.
    generation: u64,
    saved_generation: u64,
    /// Tells workspaces apart, so that work started for one (a save) is not recorded on
    /// another that replaced it meanwhile.
    id: u64,
}

/// The next [`Workspace::id`].
static NEXT_WORKSPACE_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

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
            focused_candidate: None,
            histories,
            project_undo: Vec::new(),
            project_redo: Vec::new(),
            generation: 0,
            saved_generation: 0,
            id: NEXT_WORKSPACE_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// Which workspace this is: each new or opened project gets its own.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Bumped on every change: the same workspace with the same generation has not
    /// changed.
    pub fn generation(&self) -> u64 {
        self.generation
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
            self.focused_candidate = None;
        }
    }

    /// Adds a document (an imported article) and shows it; undone by [`Self::undo`].
    pub fn add_document(&mut self, doc: Document) {
        self.project.documents.push(doc);
        self.histories.push(History::default());
        self.project_undo.push(ProjectStep::Appended);
        self.project_redo.clear();
        self.after_change();
        self.show_document(self.project.documents.len() - 1);
    }

    /// Applies an edit to the current document, recording it for undo. A document that
    /// gets its first span moves from todo to in progress in the same step.
    pub fn apply(&mut self, edit: Edit) -> Result<(), EditError> {
        let Some(doc) = self.project.documents.get_mut(self.current) else {
            return Ok(());
        };
        if edit.is_noop() {
            // Changes nothing, so it must not mark the file unsaved or end what redo
            // could bring back.
            return Ok(());
        }
        let edit =
            if doc.status == Status::Todo && matches!(edit, Edit::AddSpan(_) | Edit::Batch(_)) {
                Edit::Batch(vec![edit, doc.set_status_edit(Status::InProgress)])
            } else {
                edit
            };
        self.histories[self.current].apply(doc, &self.project.schema, edit)?;
        // A new edit starts a new branch: project-wide changes undone before it stay
        // undone.
        self.project_redo.clear();
        self.after_change();
        Ok(())
    }

    /// Applies an edit to each of several documents (by index) as one project-wide
    /// change, undone by [`Self::undo`] in one step. All or nothing: when one is
    /// refused, no document changes.
    pub fn apply_to_documents(
        &mut self,
        change: ProjectChange,
        edits: Vec<(usize, Edit)>,
    ) -> Result<(), EditError> {
        if edits.iter().all(|(_, edit)| edit.is_noop()) {
            return Ok(());
        }
        let before = self.project.clone();
        for (index, edit) in edits {
            let applied = match self.project.documents.get_mut(index) {
                Some(doc) => doc.apply(edit, &self.project.schema).map(drop),
                None => Err(EditError::Stale("the document is gone")),
            };
            if let Err(error) = applied {
                self.project = before;
                return Err(error);
            }
        }
        self.push_project_change(change, before);
        self.after_change();
        Ok(())
    }

    /// Undoes the newest change: the current document's newest edit, or when it has
    /// none left, the newest project-wide change (settings, an import, an added
    /// article). A project-wide change is not undone while edits made after it remain,
    /// as that would throw them away: the error names their documents.
    pub fn undo(&mut self) -> Result<Stepped, UndoError> {
        if self.step_history(History::undo)? {
            return Ok(Stepped::Edit);
        }
        let Some(step) = self.project_undo.last() else {
            return Ok(Stepped::Nothing);
        };
        let (change, later) = match step {
            ProjectStep::Replaced { change, .. } => (*change, self.documents_with_edits(0)),
            ProjectStep::Appended => (
                ProjectChange::Article,
                self.documents_with_edits(self.project.documents.len().saturating_sub(1)),
            ),
        };
        if !later.is_empty() {
            return Err(UndoError::LaterEdits {
                change,
                documents: later,
            });
        }
        let redo = match self.project_undo.pop() {
            Some(ProjectStep::Replaced {
                change,
                project,
                histories,
            }) => RedoStep::Replaced {
                change,
                project: Box::new(std::mem::replace(&mut self.project, *project)),
                histories: std::mem::replace(&mut self.histories, histories),
            },
            Some(ProjectStep::Appended) => {
                let (Some(document), Some(history)) =
                    (self.project.documents.pop(), self.histories.pop())
                else {
                    return Ok(Stepped::Nothing);
                };
                RedoStep::Appended {
                    document: Box::new(document),
                    history,
                }
            }
            None => return Ok(Stepped::Nothing),
        };
        self.project_redo.push(Redo {
            step: redo,
            undo_lens: self.undo_lens(),
        });
        self.after_project_change();
        Ok(Stepped::Project(change))
    }

    /// Redoes the newest undone change: a project-wide change when nothing has moved
    /// since it was undone, else the current document's newest undone edit.
    pub fn redo(&mut self) -> Result<Stepped, UndoError> {
        let ready = self
            .project_redo
            .last()
            .is_some_and(|redo| redo.undo_lens == self.undo_lens());
        if !ready {
            if self.step_history(History::redo)? {
                return Ok(Stepped::Edit);
            }
            return match self.project_redo.last() {
                Some(waiting) => Err(UndoError::RedoWaits {
                    change: waiting.step.change(),
                    documents: self.documents_moved_since(&waiting.undo_lens),
                }),
                None => Ok(Stepped::Nothing),
            };
        }
        let Some(redo) = self.project_redo.pop() else {
            return Ok(Stepped::Nothing);
        };
        let change = match redo.step {
            RedoStep::Replaced {
                change,
                project,
                histories,
            } => {
                self.project_undo.push(ProjectStep::Replaced {
                    change,
                    project: Box::new(std::mem::replace(&mut self.project, *project)),
                    histories: std::mem::replace(&mut self.histories, histories),
                });
                change
            }
            RedoStep::Appended { document, history } => {
                self.project.documents.push(*document);
                self.histories.push(history);
                self.project_undo.push(ProjectStep::Appended);
                ProjectChange::Article
            }
        };
        self.after_project_change();
        if change == ProjectChange::Article {
            // Show the article that came back.
            self.current = self.project.documents.len() - 1;
        }
        Ok(Stepped::Project(change))
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

    /// Titles of the documents from index `from` on that have edits to undo.
    fn documents_with_edits(&self, from: usize) -> Vec<String> {
        self.project
            .documents
            .iter()
            .zip(&self.histories)
            .skip(from)
            .filter(|(_, history)| history.can_undo())
            .map(|(doc, _)| doc.title.clone())
            .collect()
    }

    /// Titles of the documents whose history is not where `undo_lens` recorded it.
    fn documents_moved_since(&self, undo_lens: &[usize]) -> Vec<String> {
        self.project
            .documents
            .iter()
            .zip(&self.histories)
            .zip(undo_lens)
            .filter(|((_, history), len)| history.undo_len() != **len)
            .map(|((doc, _), _)| doc.title.clone())
            .collect()
    }

    fn undo_lens(&self) -> Vec<usize> {
        self.histories.iter().map(History::undo_len).collect()
    }

    /// After the project was swapped or a document added or removed: the current
    /// document may be gone, and the selection means nothing in another text.
    fn after_project_change(&mut self) {
        self.current = self
            .current
            .min(self.project.documents.len().saturating_sub(1));
        self.selection = None;
        self.selected_span = None;
        self.after_change();
    }

    /// Records a project-wide change about to be made: the project and histories as
    /// they are now go on the undo stack, and the histories start afresh.
    fn push_project_change(&mut self, change: ProjectChange, before: Project) {
        let fresh = vec![History::default(); self.histories.len()];
        self.project_undo.push(ProjectStep::Replaced {
            change,
            project: Box::new(before),
            histories: std::mem::replace(&mut self.histories, fresh),
        });
        self.project_redo.clear();
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
            // The new span is selected, so that a relabel or a link follows at once.
            let id = match &edit {
                Edit::AddSpan(span) => Some(span.id),
                _ => None,
            };
            self.apply(edit)?;
            self.selection = None;
            self.selected_span = id;
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
            workspace: self.id,
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
            workspace: self.id,
        }
    }

    /// Records a finished save: the file is the project's file now, and the changes up
    /// to the snapshot are saved (edits made while it was written are not).
    pub fn saved(&mut self, request: &SaveRequest, stamp: DiskStamp) {
        self.origin = Origin::File(request.path.clone());
        self.stamp = Some(stamp);
        self.saved_generation = request.generation;
    }

    /// Applies project settings: names, reporting verbs, and a schema change whose renamed
    /// keys follow on every span and link and whose removed labels and link types take
    /// their spans and links with them. One step, undone by [`Self::undo`]; settings that
    /// change nothing record nothing.
    pub fn apply_settings(&mut self, settings: Settings) -> crate::model::SchemaChangeReport {
        let Settings {
            name,
            annotator,
            reporting_verbs,
            change,
        } = settings;
        let unchanged = name == self.project.name
            && annotator == self.project.annotator
            && reporting_verbs == self.project.reporting_verbs
            && change.schema == self.project.schema
            && change.label_renames.is_empty()
            && change.link_type_renames.is_empty();
        if unchanged {
            return crate::model::SchemaChangeReport::default();
        }
        self.push_project_change(ProjectChange::Settings, self.project.clone());
        self.project.name = name;
        self.project.annotator = annotator;
        self.project.reporting_verbs = reporting_verbs;
        let report = self.project.change_schema(change);
        self.after_change();
        report
    }

    /// Imports a dataset (documents, spans, links, perhaps new labels) as one project-wide
    /// change, undone by [`Self::undo`]. On any problem nothing changes.
    pub fn import_dataset(
        &mut self,
        options: &crate::formats::ImportOptions,
        inputs: &[PathBuf],
    ) -> Result<crate::formats::ImportReport, crate::formats::FormatError> {
        let mut project = self.project.clone();
        let report = crate::formats::import(&mut project, options, inputs)?;
        let first_new = self.project.documents.len();
        if project == self.project {
            // Every document was in the project already: nothing to record or show.
            return Ok(report);
        }
        let before = std::mem::replace(&mut self.project, project);
        self.push_project_change(ProjectChange::Import, before);
        self.histories
            .resize(self.project.documents.len(), History::default());
        self.after_change();
        self.show_document(first_new.min(self.project.documents.len().saturating_sub(1)));
        Ok(report)
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
        self.apply(edit)
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
        let mut ws = two_documents("E");
        label_first_word(&mut ws, "claim");
        ws.show_document(1);
        assert_eq!(ws.undo(), Ok(Stepped::Nothing));
        ws.show_document(0);
        assert_eq!(ws.undo(), Ok(Stepped::Edit));
        assert!(ws.document().expect("doc").spans().is_empty());
    }

    /// A workspace opened on two documents, the second titled `title`.
    fn two_documents(title: &str) -> Workspace {
        let mut project = Project::new("p", "me");
        project.documents.push(Document::new("d", "D", "one two"));
        project
            .documents
            .push(Document::new("e", title, "three four"));
        Workspace::new(project, Origin::Unsaved, None)
    }

    fn label_first_word(ws: &mut Workspace, label: &str) {
        ws.selection = Some(Selection {
            anchor: 0,
            focus: 3,
        });
        ws.label(label).expect("label");
    }

    fn settings_renaming(ws: &mut Workspace, from: &str, to: &str) {
        let mut schema = ws.project.schema.clone();
        let label = schema
            .labels
            .iter_mut()
            .find(|l| l.key == from)
            .expect("the label");
        label.key = to.into();
        for link_type in &mut schema.link_types {
            for key in link_type.from.iter_mut().chain(link_type.to.iter_mut()) {
                if key == from {
                    *key = to.into();
                }
            }
        }
        let renames = vec![(from.to_owned(), to.to_owned())];
        let change = crate::model::SchemaChange {
            schema,
            label_renames: renames,
            link_type_renames: Default::default(),
        };
        ws.apply_settings(Settings::of(&ws.project, change));
    }

    #[test]
    fn reporting_verbs_set_in_settings_are_one_undoable_step() {
        let mut ws = workspace("one two");
        let unchanged = |ws: &Workspace| {
            Settings::of(
                &ws.project,
                crate::model::SchemaChange {
                    schema: ws.project.schema.clone(),
                    ..Default::default()
                },
            )
        };
        let whispered = Some(vec!["whispered".to_owned()]);
        ws.apply_settings(Settings {
            reporting_verbs: whispered.clone(),
            ..unchanged(&ws)
        });
        assert_eq!(ws.project.reporting_verbs, whispered);
        // The same again changes nothing and records nothing: one undo goes back to
        // the built-in list, and there is nothing before it.
        ws.apply_settings(unchanged(&ws));
        assert_eq!(ws.undo(), Ok(Stepped::Project(ProjectChange::Settings)));
        assert_eq!(ws.project.reporting_verbs, None);
        assert_eq!(ws.undo(), Ok(Stepped::Nothing));
        assert_eq!(ws.redo(), Ok(Stepped::Project(ProjectChange::Settings)));
        assert_eq!(ws.project.reporting_verbs, whispered);
    }

    #[test]
    fn undo_goes_back_through_edits_and_then_a_settings_change() {
        let mut ws = workspace("one two");
        label_first_word(&mut ws, "claim");
        settings_renaming(&mut ws, "claim", "assertion");
        ws.step_span(true);
        ws.label("actor").expect("relabel after the change");
        let labels = |ws: &Workspace| -> Vec<String> {
            ws.document()
                .expect("doc")
                .spans()
                .iter()
                .map(|s| s.label.clone())
                .collect()
        };
        assert_eq!(labels(&ws), ["actor"]);

        assert_eq!(ws.undo(), Ok(Stepped::Edit));
        assert_eq!(labels(&ws), ["assertion"]);
        assert_eq!(ws.undo(), Ok(Stepped::Project(ProjectChange::Settings)));
        assert_eq!(labels(&ws), ["claim"]);
        assert!(ws.project.schema.label("assertion").is_none());
        // The edit from before the change is next, and then nothing.
        assert_eq!(ws.undo(), Ok(Stepped::Edit));
        assert_eq!(ws.undo(), Ok(Stepped::Nothing));

        // Redo comes back the same way.
        assert_eq!(ws.redo(), Ok(Stepped::Edit));
        assert_eq!(ws.redo(), Ok(Stepped::Project(ProjectChange::Settings)));
        assert_eq!(ws.redo(), Ok(Stepped::Edit));
        assert_eq!(labels(&ws), ["actor"]);
        assert_eq!(ws.redo(), Ok(Stepped::Nothing));
    }

    #[test]
    fn a_settings_change_is_not_undone_over_later_edits_in_other_documents() {
        let mut ws = two_documents("Second");
        settings_renaming(&mut ws, "claim", "assertion");
        ws.show_document(1);
        label_first_word(&mut ws, "assertion");
        ws.show_document(0);
        let before = ws.project.clone();
        assert_eq!(
            ws.undo(),
            Err(UndoError::LaterEdits {
                change: ProjectChange::Settings,
                documents: vec!["Second".into()],
            })
        );
        assert_eq!(ws.project, before, "nothing was thrown away");
        let message = ws.undo().expect_err("still refused").to_string();
        assert!(
            message.contains("settings change") && message.contains("“Second”"),
            "{message}"
        );
        // Once that edit is undone, the settings change can be.
        ws.show_document(1);
        assert_eq!(ws.undo(), Ok(Stepped::Edit));
        assert_eq!(ws.undo(), Ok(Stepped::Project(ProjectChange::Settings)));
        assert!(ws.project.schema.label("claim").is_some());
    }

    #[test]
    fn an_added_article_is_undone_and_redone_as_a_whole() {
        let mut ws = workspace("one two");
        label_first_word(&mut ws, "claim");
        ws.add_document(Document::new("e", "Added", "three four"));
        assert_eq!(ws.current, 1);
        label_first_word(&mut ws, "actor");
        // Its own edits go first; then the article itself.
        assert!(ws.undo().is_ok_and(|s| s == Stepped::Edit));
        assert_eq!(ws.undo(), Ok(Stepped::Project(ProjectChange::Article)));
        assert_eq!(ws.project.documents.len(), 1);
        assert_eq!(ws.current, 0);
        // Undoing it did not touch the first document's edit.
        assert_eq!(ws.document().expect("doc").spans().len(), 1);
        assert_eq!(ws.redo(), Ok(Stepped::Project(ProjectChange::Article)));
        assert_eq!(ws.project.documents[1].title, "Added");
        // A new edit after an undo drops what could be redone.
        assert_eq!(ws.undo(), Ok(Stepped::Project(ProjectChange::Article)));
        ws.step_span(true);
        ws.label("location").expect("relabel");
        assert_eq!(ws.redo(), Ok(Stepped::Nothing));
        assert_eq!(ws.project.documents.len(), 1);
    }

    #[test]
    fn edits_and_settings_that_change_nothing_record_nothing() {
        let mut ws = workspace("one two");
        label_first_word(&mut ws, "claim");
        ws.add_document(Document::new("e", "Added", "three four"));
        assert_eq!(ws.undo(), Ok(Stepped::Project(ProjectChange::Article)));
        // The span's own hotkey again, and settings applied unchanged: no new step, so
        // the article can still be redone.
        ws.step_span(true);
        ws.label("claim").expect("same label");
        let same = crate::model::SchemaChange {
            schema: ws.project.schema.clone(),
            label_renames: Vec::new(),
            link_type_renames: Vec::new(),
        };
        ws.apply_settings(Settings::of(&ws.project, same));
        assert_eq!(ws.redo(), Ok(Stepped::Project(ProjectChange::Article)));
        assert_eq!(ws.project.documents.len(), 2);
    }

    #[test]
    fn a_redo_that_must_wait_names_the_documents_it_waits_for() {
        let mut ws = two_documents("Second");
        label_first_word(&mut ws, "claim");
        settings_renaming(&mut ws, "quote", "citation");
        assert_eq!(ws.undo(), Ok(Stepped::Project(ProjectChange::Settings)));
        assert_eq!(ws.undo(), Ok(Stepped::Edit));
        ws.show_document(1);
        let error = ws.redo().expect_err("the settings change waits");
        assert!(matches!(error, UndoError::RedoWaits { ref documents, .. } if documents == &["D"]));
        assert!(error.to_string().contains("“D”"), "{error}");
        ws.show_document(0);
        assert_eq!(ws.redo(), Ok(Stepped::Edit));
        assert_eq!(ws.redo(), Ok(Stepped::Project(ProjectChange::Settings)));
        assert!(ws.project.schema.label("citation").is_some());
    }

    #[test]
    fn an_added_article_with_edits_is_not_removed_from_another_document() {
        let mut ws = workspace("one two");
        ws.add_document(Document::new("e", "Added", "three four"));
        label_first_word(&mut ws, "actor");
        ws.show_document(0);
        assert!(matches!(
            ws.undo(),
            Err(UndoError::LaterEdits {
                change: ProjectChange::Article,
                ..
            })
        ));
        assert_eq!(ws.project.documents.len(), 2);
    }

    #[test]
    fn edits_to_several_documents_are_one_step_and_all_or_nothing() {
        let mut ws = two_documents("Second");
        label_first_word(&mut ws, "claim");
        ws.show_document(1);
        label_first_word(&mut ws, "claim");
        let relabel_all = |ws: &Workspace, to: &str| -> Vec<(usize, Edit)> {
            ws.project
                .documents
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let edit = d.relabel_edit(d.spans()[0].id, to, &ws.project.schema);
                    (i, edit.expect("a span"))
                })
                .collect()
        };
        let labels = |ws: &Workspace| -> Vec<String> {
            ws.project
                .documents
                .iter()
                .map(|d| d.spans()[0].label.clone())
                .collect()
        };
        // A refused part (an unknown label) changes nothing.
        let mut refused = relabel_all(&ws, "actor");
        refused[1].1 = Edit::Relabel {
            id: ws.project.documents[1].spans()[0].id,
            from: "claim".into(),
            to: "nonsense".into(),
        };
        let generation = ws.generation();
        assert!(
            ws.apply_to_documents(ProjectChange::ConsistencyFix, refused)
                .is_err()
        );
        assert_eq!(labels(&ws), ["claim", "claim"]);
        assert_eq!(ws.generation(), generation);

        let edits = relabel_all(&ws, "actor");
        ws.apply_to_documents(ProjectChange::ConsistencyFix, edits)
            .expect("applies");
        assert_eq!(labels(&ws), ["actor", "actor"]);
        assert_eq!(
            ws.undo(),
            Ok(Stepped::Project(ProjectChange::ConsistencyFix))
        );
        assert_eq!(labels(&ws), ["claim", "claim"]);
        // The edits from before it are next, each in its document.
        assert_eq!(ws.undo(), Ok(Stepped::Edit));
        assert!(ws.document().expect("doc").spans().is_empty());
        assert_eq!(ws.redo(), Ok(Stepped::Edit));
        assert_eq!(
            ws.redo(),
            Ok(Stepped::Project(ProjectChange::ConsistencyFix))
        );
        assert_eq!(labels(&ws), ["actor", "actor"]);
    }
}
