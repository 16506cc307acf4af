//! A project: one annotator's work on a set of documents under one label schema.

use super::candidate::CandidateCounts;
use super::document::Document;
use super::schema::Schema;

/// One annotator's project. What a `.ron` project file holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Project {
    /// The project's name.
    pub name: String,
    /// Who annotated it.
    pub annotator: String,
    /// Labels and link types.
    pub schema: Schema,
    /// Documents in project order.
    pub documents: Vec<Document>,
}

impl Project {
    /// An empty project with the default schema.
    pub fn new(name: impl Into<String>, annotator: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            annotator: annotator.into(),
            schema: Schema::default(),
            documents: Vec::new(),
        }
    }

    /// The document with this id.
    pub fn document(&self, id: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.id == id)
    }

    /// The document whose text has this digest (the same article added twice).
    pub fn document_with_digest(&self, digest: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.digest() == digest)
    }

    /// A document id derived from `wanted` (see [`slug`]) that no document of the
    /// project has yet.
    pub fn unique_document_id(&self, wanted: &str) -> String {
        unique_id(&slug(wanted), |id| self.document(id).is_some())
    }

    /// Installs a new schema: renamed label and link-type keys follow on every span and
    /// link; spans whose label the new schema lacks are deleted with their links, and
    /// so are links the new link types no longer allow. The caller keeps a copy of the
    /// project to undo this.
    pub fn change_schema(&mut self, change: SchemaChange) -> SchemaChangeReport {
        let mut report = SchemaChangeReport::default();
        for doc in &mut self.documents {
            let (spans, links) = doc.migrate_schema(&change);
            report.spans_deleted += spans;
            report.links_deleted += links;
            report.candidates_deleted += doc.migrate_candidates(&change);
        }
        self.schema = change.schema;
        report
    }

    /// How many spans in the whole project carry `label`.
    pub fn count_label(&self, label: &str) -> usize {
        self.documents.iter().map(|d| d.count_label(label)).sum()
    }

    /// Number of spans in all documents.
    pub fn span_count(&self) -> usize {
        self.documents.iter().map(|d| d.spans().len()).sum()
    }

    /// Candidates per decision over all documents.
    pub fn candidate_counts(&self) -> CandidateCounts {
        let mut counts = CandidateCounts::default();
        for doc in &self.documents {
            counts.add(doc.candidate_counts());
        }
        counts
    }

    /// Number of open candidates in all documents.
    pub fn open_candidate_count(&self) -> usize {
        self.documents
            .iter()
            .map(Document::open_candidate_count)
            .sum()
    }

    /// Every annotator named in the project's review data, each once, in the order
    /// first met ([`Document::review_annotators`], document by document).
    pub fn review_annotators(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for name in self.documents.iter().flat_map(Document::review_annotators) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }
}

/// Longest document id, in bytes: ids become file names (brat writes one file per
/// document, with a suffix), and file names may have at most 255 bytes.
pub const MAX_DOCUMENT_ID_BYTES: usize = 200;

/// A clean id from any text: lower-case letters and digits, runs of anything else as one
/// dash, no dash at either end, at most [`MAX_DOCUMENT_ID_BYTES`]; `document` when
/// nothing is left.
pub fn slug(wanted: &str) -> String {
    let mut slug = String::with_capacity(wanted.len().min(MAX_DOCUMENT_ID_BYTES));
    for c in wanted.chars() {
        if c.is_alphanumeric() {
            let lower: String = c.to_lowercase().collect();
            if slug.len() + lower.len() > MAX_DOCUMENT_ID_BYTES {
                break;
            }
            slug.push_str(&lower);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "document".to_owned()
    } else {
        slug.to_owned()
    }
}

/// `base` if it is free, else `base-2`, `base-3`, … whichever is free first.
pub fn unique_id(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken(id))
        .unwrap_or_else(|| base.to_owned())
}

/// A new schema and how keys of the old one map onto it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SchemaChange {
    /// The schema to install.
    pub schema: Schema,
    /// Label keys renamed: (old, new).
    pub label_renames: Vec<(String, String)>,
    /// Link-type keys renamed: (old, new).
    pub link_type_renames: Vec<(String, String)>,
}

/// What a schema change deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SchemaChangeReport {
    /// Spans whose label is gone.
    pub spans_deleted: usize,
    /// Links whose span, type or label pairing is gone.
    pub links_deleted: usize,
    /// Candidates whose labels or link type are gone.
    pub candidates_deleted: usize,
}
