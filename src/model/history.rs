//! Undo and redo for one document: a log of inverse edits, not snapshots, so it costs
//! memory in proportion to what changed and needs no cap for long sessions.

use super::document::Document;
use super::edit::{Edit, EditError};
use super::schema::Schema;

/// The undo/redo history of one document.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// Inverses of applied edits, newest last.
    undo: Vec<Edit>,
    /// Inverses of undone edits, newest last.
    redo: Vec<Edit>,
}

impl History {
    /// Applies `edit` to `doc` and records it for undo. A new edit clears the redo stack.
    pub fn apply(
        &mut self,
        doc: &mut Document,
        schema: &Schema,
        edit: Edit,
    ) -> Result<(), EditError> {
        if edit.is_noop() {
            return Ok(());
        }
        let inverse = doc.apply(edit, schema)?;
        self.undo.push(inverse);
        self.redo.clear();
        Ok(())
    }

    /// Undoes the newest edit. `Ok(false)` when there is nothing to undo. If the edit can
    /// no longer be undone (the schema lost its label), it stays on the stack.
    pub fn undo(&mut self, doc: &mut Document, schema: &Schema) -> Result<bool, EditError> {
        Self::step(&mut self.undo, &mut self.redo, doc, schema)
    }

    /// Redoes the newest undone edit. `Ok(false)` when there is nothing to redo.
    pub fn redo(&mut self, doc: &mut Document, schema: &Schema) -> Result<bool, EditError> {
        Self::step(&mut self.redo, &mut self.undo, doc, schema)
    }

    fn step(
        from: &mut Vec<Edit>,
        to: &mut Vec<Edit>,
        doc: &mut Document,
        schema: &Schema,
    ) -> Result<bool, EditError> {
        let Some(edit) = from.pop() else {
            return Ok(false);
        };
        match doc.apply(edit.clone(), schema) {
            Ok(inverse) => {
                to.push(inverse);
                Ok(true)
            }
            Err(error) => {
                from.push(edit);
                Err(error)
            }
        }
    }

    /// Whether there is an edit to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is an edit to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Number of steps that can be undone.
    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }
}
