//! The search bar: finding text in the current document and labelling every match.

use super::MarginaliaApp;
use crate::model::Document;

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

impl MarginaliaApp {
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
}
