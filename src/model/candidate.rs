//! Candidates: annotations that are proposed but not yet decided.
//!
//! Three features propose annotations that a person must decide on, and to the user they
//! are one thing: a colleague's span in review that the others lack, a suggestion of the
//! app's own (a quotation between « », a speaker tied by "said"), and a git merge's
//! conflict. Each is a [`Candidate`]: what it would add ([`Proposal`]), where it came
//! from ([`Origin`]), and its [`Decision`]. Deciding one is an ordinary edit, so undo,
//! redo and the history treat it like any other change.
//!
//! A candidate names spans by [`SpanKey`] (range and label), not by id: a document never
//! holds two spans with the same range and label, so the key names one span across files
//! (colleagues' ids differ) and across edits that keep the span where it is.

use serde::{Deserialize, Serialize};

/// Identifies a candidate within its document. Ids are never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CandidateId(pub u64);

impl std::fmt::Display for CandidateId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "candidate {}", self.0)
    }
}

/// A span by its range and label: `[start, end)` in code points.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SpanKey {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// Label key.
    pub label: String,
}

/// What accepting a candidate adds to the document.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Proposal {
    /// A span.
    Span(SpanKey),
    /// A link between two spans, which must both exist when it is accepted.
    Link {
        /// The span the link starts from (the quote).
        from: SpanKey,
        /// The span it points to (the actor).
        to: SpanKey,
        /// Link type key.
        link_type: String,
    },
}

/// Where a candidate came from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Colleagues' files in review: the annotators who had it, in file order.
    Annotators(Vec<String>),
    /// One of the app's suggestion rules, by name (`quotes`, `speakers`, `names`).
    Rule(String),
    /// One side of a git merge conflict (`ours`, `theirs`).
    Merge(String),
}

/// Where a candidate stands.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Not decided yet.
    #[default]
    Pending,
    /// Taken into the document's annotations.
    Accepted,
    /// Turned down; stays turned down (a suggestion is not offered again).
    Rejected,
}

/// A comment a reviewer left on a span or a candidate.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Comment {
    /// Who wrote it (the project's annotator at the time).
    pub author: String,
    /// What they wrote.
    pub text: String,
}

/// An annotation proposed but not yet decided (or decided and kept as a record).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Candidate {
    /// Unique within the document.
    pub id: CandidateId,
    /// What accepting it adds.
    pub proposal: Proposal,
    /// Where it came from.
    pub origin: Origin,
    /// Pending, accepted or rejected.
    pub decision: Decision,
    /// Reviewers' comments, oldest first.
    pub comments: Vec<Comment>,
}
