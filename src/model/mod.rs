//! The domain model: documents, labels, spans, links, edits and their undo history.
//! Plain data and rules; no egui, no file IO.

mod attribution;
mod candidate;
mod document;
mod edit;
mod history;
mod project;
mod schema;
mod staged;
mod text;
pub mod words;

pub use attribution::{Attribution, SAID_BY};
pub use candidate::{
    Acceptance, Candidate, CandidateCounts, CandidateId, Comment, CommentTarget, Decision, Origin,
    Proposal, SpanKey,
};
pub use document::{Document, Link, LinkId, MAX_NEXT_ID, Span, SpanId, Status, text_digest};
pub use edit::{Edit, EditError, check_link_labels};
pub use history::History;
pub use project::{
    MAX_DOCUMENT_ID_BYTES, Project, ReportingVerbError, ReportingVerbList, SchemaChange,
    SchemaChangeReport, check_reporting_verbs, normalize_reporting_verb, slug, unique_id,
};
pub use schema::{Label, LinkType, Rgb, Schema};
pub use text::{Quoted, TextIndex, utf16_len};

#[cfg(test)]
mod candidate_tests;
#[cfg(test)]
mod tests;
