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

use super::document::{Document, Span, SpanId};
use super::edit::{Edit, EditError, check_link_labels};
use super::schema::Schema;
use super::staged::Staged;

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

impl SpanKey {
    /// The key of a span.
    pub fn of(span: &Span) -> Self {
        Self {
            start: span.start,
            end: span.end,
            label: span.label.clone(),
        }
    }

    /// Whether `span` has this range and label.
    pub fn matches(&self, span: &Span) -> bool {
        span.start == self.start && span.end == self.end && span.label == self.label
    }
}

impl std::fmt::Display for SpanKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}, {}) `{}`", self.start, self.end, self.label)
    }
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

impl Proposal {
    /// The range that places the proposal in the text: a span's own, a link's
    /// from-span's (a link is read, stepped to and grouped with the span it starts from).
    pub fn range(&self) -> (usize, usize) {
        match self {
            Proposal::Span(key) | Proposal::Link { from: key, .. } => (key.start, key.end),
        }
    }

    /// The span keys it names: one for a span, both ends for a link.
    pub fn keys(&self) -> impl Iterator<Item = &SpanKey> {
        let (first, second) = match self {
            Proposal::Span(key) => (key, None),
            Proposal::Link { from, to, .. } => (from, Some(to)),
        };
        std::iter::once(first).chain(second)
    }
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

impl Origin {
    /// The annotators who proposed it; empty for a rule's or a merge's candidate.
    pub fn annotators(&self) -> &[String] {
        match self {
            Origin::Annotators(names) => names,
            Origin::Rule(_) | Origin::Merge(_) => &[],
        }
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Annotators(names) => write!(f, "proposed by {}", names.join(", ")),
            Origin::Rule(rule) => write!(f, "suggested by rule `{rule}`"),
            Origin::Merge(side) => write!(f, "from the `{side}` side of a merge"),
        }
    }
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

impl Decision {
    /// The word used in files, the CLI and the window.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Pending => "pending",
            Decision::Accepted => "accepted",
            Decision::Rejected => "rejected",
        }
    }
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
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

impl Candidate {
    /// A pending candidate with no comments.
    pub fn new(id: CandidateId, proposal: Proposal, origin: Origin) -> Self {
        Self {
            id,
            proposal,
            origin,
            decision: Decision::Pending,
            comments: Vec::new(),
        }
    }

    /// Whether it still waits for a decision.
    pub fn is_pending(&self) -> bool {
        self.decision == Decision::Pending
    }

    /// Reading order: by the proposal's range ([`Proposal::range`]), a span before the
    /// links that start from it, then by id.
    pub fn order_key(&self) -> (usize, usize, bool, CandidateId) {
        let (start, end) = self.proposal.range();
        let is_link = matches!(self.proposal, Proposal::Link { .. });
        (start, end, is_link, self.id)
    }
}

/// What a comment is attached to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CommentTarget {
    /// A span of the document.
    Span(SpanId),
    /// A candidate of the document.
    Candidate(CandidateId),
}

/// How many candidates stand where: what is left to review, and what was decided.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CandidateCounts {
    /// Still open.
    pub pending: usize,
    /// Taken into the annotations.
    pub accepted: usize,
    /// Turned down.
    pub rejected: usize,
}

impl CandidateCounts {
    /// The counts of `candidates`.
    pub fn of<'a>(candidates: impl IntoIterator<Item = &'a Candidate>) -> Self {
        let mut counts = Self::default();
        for candidate in candidates {
            match candidate.decision {
                Decision::Pending => counts.pending += 1,
                Decision::Accepted => counts.accepted += 1,
                Decision::Rejected => counts.rejected += 1,
            }
        }
        counts
    }

    /// All candidates counted.
    pub fn total(&self) -> usize {
        self.pending + self.accepted + self.rejected
    }

    /// Adds the counts of another document.
    pub fn add(&mut self, other: CandidateCounts) {
        self.pending += other.pending;
        self.accepted += other.accepted;
        self.rejected += other.rejected;
    }
}

// Queries.
impl Document {
    /// All candidates, in id order.
    pub fn candidates(&self) -> &[Candidate] {
        &self.candidates
    }

    /// The candidate with this id.
    pub fn candidate(&self, id: CandidateId) -> Option<&Candidate> {
        self.candidates
            .binary_search_by_key(&id, |c| c.id)
            .ok()
            .map(|at| &self.candidates[at])
    }

    /// Id the next new candidate will get.
    pub fn next_candidate_id(&self) -> CandidateId {
        CandidateId(self.next_candidate_id)
    }

    /// The candidates still open, in reading order ([`Candidate::order_key`]).
    pub fn pending_candidates(&self) -> Vec<&Candidate> {
        let mut pending: Vec<&Candidate> =
            self.candidates.iter().filter(|c| c.is_pending()).collect();
        pending.sort_by_key(|c| c.order_key());
        pending
    }

    /// Number of candidates still open.
    pub fn open_candidate_count(&self) -> usize {
        self.candidates.iter().filter(|c| c.is_pending()).count()
    }

    /// Candidates per decision.
    pub fn candidate_counts(&self) -> CandidateCounts {
        CandidateCounts::of(&self.candidates)
    }

    /// The open candidate after `from` in reading order (before it when `forward` is
    /// false), wrapping around at the end; the first (or last) one when `from` is
    /// `None` or names no candidate. `from` itself may be decided already: stepping
    /// goes on from where it is in the text. `None` when nothing is open.
    pub fn step_pending(&self, from: Option<CandidateId>, forward: bool) -> Option<&Candidate> {
        let pending = self.pending_candidates();
        let here = from
            .and_then(|id| self.candidate(id))
            .map(Candidate::order_key);
        let found = match (here, forward) {
            (Some(here), true) => pending.iter().find(|c| c.order_key() > here),
            (Some(here), false) => pending.iter().rev().find(|c| c.order_key() < here),
            (None, _) => None,
        };
        let wrapped = if forward {
            pending.first()
        } else {
            pending.last()
        };
        found.or(wrapped).copied()
    }

    /// The span with this range and label.
    pub fn span_with_key(&self, key: &SpanKey) -> Option<&Span> {
        let spans = self.spans();
        let first = spans.partition_point(|s| s.start < key.start);
        spans[first..]
            .iter()
            .take_while(|s| s.start == key.start)
            .find(|s| key.matches(s))
    }

    /// The open disagreement region of a pending candidate, in reading order: the
    /// pending candidates whose ranges ([`Proposal::range`]) overlap it, directly or
    /// through each other (so a link goes with the span it starts from).
    pub fn candidate_region(&self, id: CandidateId) -> Result<Vec<CandidateId>, EditError> {
        let candidate = self.candidate(id).ok_or(EditError::NoSuchCandidate(id))?;
        if !candidate.is_pending() {
            return Err(EditError::AlreadyDecided {
                id,
                decision: candidate.decision,
            });
        }
        // Sorted by start, a region ends where the next start reaches no further than
        // the furthest end so far.
        let mut region = Vec::new();
        let mut reach = 0;
        let mut found = false;
        for c in self.pending_candidates() {
            let (start, end) = c.proposal.range();
            if start >= reach && !region.is_empty() {
                if found {
                    break;
                }
                region.clear();
            }
            reach = if region.is_empty() {
                end
            } else {
                reach.max(end)
            };
            region.push(c.id);
            found |= c.id == id;
        }
        Ok(region)
    }

    /// Every annotator named in the document's review data (span provenance and
    /// candidates' origins), each once, in the order first met: spans in reading order,
    /// then candidates in id order.
    pub fn review_annotators(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        let spans = self.spans().iter().flat_map(|s| s.annotators.iter());
        let candidates = self.candidates.iter().flat_map(|c| c.origin.annotators());
        for name in spans.chain(candidates) {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
        names
    }
}

// Staging the candidate and comment edits (called from `Document::apply`): like every
// edit, they change nothing in the document until the whole edit is known to be valid.
impl Staged<'_> {
    pub(super) fn add_candidate(
        &mut self,
        candidate: Candidate,
        schema: &Schema,
    ) -> Result<Edit, EditError> {
        if self.candidate_at(candidate.id).is_some() {
            return Err(EditError::CandidateIdTaken(candidate.id));
        }
        self.check_proposal(&candidate.proposal, schema)?;
        if let Origin::Annotators(names) = &candidate.origin
            && (names.is_empty() || names.iter().any(|n| n.trim().is_empty()))
        {
            return Err(EditError::NoAnnotators);
        }
        if let Some(twin) = self
            .candidates()
            .iter()
            .find(|c| c.proposal == candidate.proposal && c.origin == candidate.origin)
        {
            return Err(EditError::DuplicateCandidate(twin.id));
        }
        self.next_candidate_id = self.next_candidate_id.max(candidate.id.0 + 1);
        let candidates = self.candidates_mut();
        let at = candidates.partition_point(|c| c.id < candidate.id);
        candidates.insert(at, candidate.clone());
        Ok(Edit::RemoveCandidate(candidate))
    }

    /// Whether the proposal could be added to this document under `schema`: ranges in
    /// the text, known labels, a link type that allows the ends' labels.
    pub(super) fn check_proposal(
        &self,
        proposal: &Proposal,
        schema: &Schema,
    ) -> Result<(), EditError> {
        for key in proposal.keys() {
            self.check_range(key.start, key.end)?;
            if schema.label(&key.label).is_none() {
                return Err(EditError::UnknownLabel(key.label.clone()));
            }
        }
        if let Proposal::Link {
            from,
            to,
            link_type,
        } = proposal
        {
            if from == to {
                return Err(EditError::SelfLink);
            }
            check_link_labels(schema, link_type, &from.label, &to.label)?;
        }
        Ok(())
    }

    pub(super) fn remove_candidate(&mut self, candidate: Candidate) -> Result<Edit, EditError> {
        let at = self
            .candidate_at(candidate.id)
            .ok_or(EditError::NoSuchCandidate(candidate.id))?;
        if self.candidates()[at] != candidate {
            return Err(EditError::Stale("the candidate is not as the edit expects"));
        }
        self.candidates_mut().remove(at);
        Ok(Edit::AddCandidate(candidate))
    }

    pub(super) fn set_decision(
        &mut self,
        id: CandidateId,
        from: Decision,
        to: Decision,
    ) -> Result<Edit, EditError> {
        let at = self
            .candidate_at(id)
            .ok_or(EditError::NoSuchCandidate(id))?;
        if self.candidates()[at].decision != from {
            return Err(EditError::Stale(
                "the candidate's decision is not as the edit expects",
            ));
        }
        self.candidates_mut()[at].decision = to;
        Ok(Edit::SetDecision {
            id,
            from: to,
            to: from,
        })
    }

    /// The comments on a span or a candidate, as staged.
    fn staged_comments(&self, target: CommentTarget) -> Result<&[Comment], EditError> {
        match target {
            CommentTarget::Span(id) => self
                .span(id)
                .map(|s| s.comments.as_slice())
                .ok_or(EditError::NoSuchSpan(id)),
            CommentTarget::Candidate(id) => self
                .candidate_at(id)
                .map(|at| self.candidates()[at].comments.as_slice())
                .ok_or(EditError::NoSuchCandidate(id)),
        }
    }

    /// Stages a change of the comments on a span or a candidate; the caller has checked
    /// that the target exists. A span goes through `take_span`/`insert_span`, so its
    /// new state is committed (and indexed) like any changed span.
    fn change_comments(&mut self, target: CommentTarget, change: impl FnOnce(&mut Vec<Comment>)) {
        match target {
            CommentTarget::Span(id) => {
                if let Some(mut span) = self.take_span(id) {
                    change(&mut span.comments);
                    self.insert_span(span);
                }
            }
            CommentTarget::Candidate(id) => {
                if let Some(at) = self.candidate_at(id) {
                    change(&mut self.candidates_mut()[at].comments);
                }
            }
        }
    }

    pub(super) fn add_comment(
        &mut self,
        target: CommentTarget,
        index: usize,
        comment: Comment,
    ) -> Result<Edit, EditError> {
        if comment.text.trim().is_empty() {
            return Err(EditError::EmptyComment);
        }
        if index > self.staged_comments(target)?.len() {
            return Err(EditError::Stale("the comments are not as the edit expects"));
        }
        let inserted = comment.clone();
        self.change_comments(target, |comments| comments.insert(index, inserted));
        Ok(Edit::RemoveComment {
            target,
            index,
            comment,
        })
    }

    pub(super) fn remove_comment(
        &mut self,
        target: CommentTarget,
        index: usize,
        comment: Comment,
    ) -> Result<Edit, EditError> {
        match self.staged_comments(target)?.get(index) {
            None => return Err(EditError::NoSuchComment(index)),
            Some(found) if *found != comment => {
                return Err(EditError::Stale("the comment is not as the edit expects"));
            }
            Some(_) => {}
        }
        self.change_comments(target, |comments| {
            comments.remove(index);
        });
        Ok(Edit::AddComment {
            target,
            index,
            comment,
        })
    }
}

impl Document {
    /// [`Staged::check_proposal`] against the document as it is.
    fn check_proposal(&self, proposal: &Proposal, schema: &Schema) -> Result<(), EditError> {
        Staged::new(self).check_proposal(proposal, schema)
    }

    /// The comments on a span or a candidate, oldest first.
    pub fn comments(&self, target: CommentTarget) -> Option<&[Comment]> {
        match target {
            CommentTarget::Span(id) => self.span(id).map(|s| s.comments.as_slice()),
            CommentTarget::Candidate(id) => self.candidate(id).map(|c| c.comments.as_slice()),
        }
    }

    /// Follows a schema change on the candidates: renamed keys follow, and candidates
    /// whose labels or link type the new schema lacks (or no longer allows together)
    /// are dropped. Returns how many were dropped.
    pub(super) fn migrate_candidates(&mut self, change: &super::SchemaChange) -> usize {
        let renamed = |key: &mut String, renames: &[(String, String)]| {
            if let Some((_, new)) = renames.iter().find(|(old, _)| old == key) {
                *key = new.clone();
            }
        };
        for candidate in &mut self.candidates {
            match &mut candidate.proposal {
                Proposal::Span(key) => renamed(&mut key.label, &change.label_renames),
                Proposal::Link {
                    from,
                    to,
                    link_type,
                } => {
                    renamed(&mut from.label, &change.label_renames);
                    renamed(&mut to.label, &change.label_renames);
                    renamed(link_type, &change.link_type_renames);
                }
            }
        }
        let schema = &change.schema;
        let before = self.candidates.len();
        self.candidates.retain(|c| match &c.proposal {
            Proposal::Span(key) => schema.label(&key.label).is_some(),
            Proposal::Link {
                from,
                to,
                link_type,
            } => check_link_labels(schema, link_type, &from.label, &to.label).is_ok(),
        });
        self.revision += 1;
        before - self.candidates.len()
    }
}

// Builders: like the span and link builders, they allocate ids and gather what an edit
// needs, so a decision is one edit that undo takes back whole.
impl Document {
    /// An edit that adds a pending candidate. Allocates its id.
    pub fn add_candidate_edit(&mut self, proposal: Proposal, origin: Origin) -> Edit {
        let id = CandidateId(self.next_candidate_id);
        self.next_candidate_id += 1;
        Edit::AddCandidate(Candidate::new(id, proposal, origin))
    }

    /// An edit that removes a candidate altogether (not a decision: the record goes).
    pub fn remove_candidate_edit(&self, id: CandidateId) -> Result<Edit, EditError> {
        let candidate = self.candidate(id).ok_or(EditError::NoSuchCandidate(id))?;
        Ok(Edit::RemoveCandidate(candidate.clone()))
    }

    fn pending(&self, id: CandidateId) -> Result<&Candidate, EditError> {
        let candidate = self.candidate(id).ok_or(EditError::NoSuchCandidate(id))?;
        if candidate.is_pending() {
            Ok(candidate)
        } else {
            Err(EditError::AlreadyDecided {
                id,
                decision: candidate.decision,
            })
        }
    }

    /// An edit that accepts a pending candidate: adds its span (with the proposing
    /// annotators as provenance and the candidate's comments) or its link (between the
    /// spans its ends name), and marks it accepted. A link's end that is not in the
    /// document but is a pending span candidate is accepted with it, in the same edit
    /// (a suggested speaker for a quotation that is itself only suggested). What is
    /// already in the document is not added twice.
    pub fn accept_candidate_edit(
        &mut self,
        id: CandidateId,
        schema: &Schema,
    ) -> Result<Edit, EditError> {
        let candidate = self.pending(id)?.clone();
        self.check_proposal(&candidate.proposal, schema)?;
        let mut plan = Plan::taking_in_ends();
        self.plan_accept(&candidate, &mut plan)?;
        Ok(plan.into_edit())
    }

    /// An edit that accepts several pending candidates at once (spans before links, so
    /// a link finds the spans accepted with it), as [`Document::accept_candidate_edit`]
    /// does one: a link's end that is a pending span candidate is accepted too. Those
    /// that cannot be accepted (not pending, or a link whose end was rejected) are left
    /// as they are and listed with the reason; the others still make one edit.
    pub fn accept_candidates_edit(&mut self, ids: &[CandidateId], schema: &Schema) -> Acceptance {
        let mut ordered: Vec<CandidateId> = ids.to_vec();
        ordered.sort_by_key(|&id| {
            let is_link = self
                .candidate(id)
                .is_some_and(|c| matches!(c.proposal, Proposal::Link { .. }));
            (is_link, id)
        });
        ordered.dedup();
        let mut plan = Plan::taking_in_ends();
        let mut left = Vec::new();
        for id in ordered {
            if plan.decides(id) {
                // Taken in already, as the end of a link accepted before it.
                continue;
            }
            let accepted = self.pending(id).cloned().and_then(|candidate| {
                self.check_proposal(&candidate.proposal, schema)?;
                self.plan_accept(&candidate, &mut plan)
            });
            if let Err(error) = accepted {
                left.push((id, error));
            }
        }
        let accepted: Vec<CandidateId> = plan.decisions.iter().map(|&(id, _)| id).collect();
        let (asked, for_links): (Vec<CandidateId>, Vec<CandidateId>) =
            accepted.into_iter().partition(|id| ids.contains(id));
        Acceptance {
            edit: plan.into_edit(),
            accepted: asked,
            for_links,
            left,
        }
    }

    /// An edit that rejects a pending candidate. A span's rejection also rejects the
    /// pending link candidates that need that span (when the document has no such
    /// span): they could never be accepted.
    pub fn reject_candidate_edit(&self, id: CandidateId) -> Result<Edit, EditError> {
        let candidate = self.pending(id)?;
        let mut plan = Plan::default();
        plan.reject(candidate.id);
        self.reject_orphans(&mut plan);
        Ok(plan.into_edit())
    }

    /// An edit that settles the disagreement region of a pending candidate
    /// ([`Document::candidate_region`]) in favour of one annotator: the region's
    /// candidates that `annotator` proposed are accepted, all others there rejected. A
    /// link of theirs whose far end is still undecided elsewhere stays pending; links
    /// elsewhere that need a span rejected here are rejected with it.
    pub fn take_annotator_edit(
        &mut self,
        id: CandidateId,
        annotator: &str,
        schema: &Schema,
    ) -> Result<Edit, EditError> {
        let region = self.candidate_region(id)?;
        if !self.review_annotators().iter().any(|n| n == annotator) {
            return Err(EditError::UnknownAnnotator(annotator.to_owned()));
        }
        let region: Vec<Candidate> = region
            .iter()
            .filter_map(|&id| self.candidate(id).cloned())
            .collect();
        let (mine, others): (Vec<&Candidate>, Vec<&Candidate>) = region
            .iter()
            .partition(|c| c.origin.annotators().iter().any(|n| n == annotator));
        let mut plan = Plan::default();
        // Spans first, so that the links between them find their ends.
        let (spans, links): (Vec<&Candidate>, Vec<&Candidate>) = mine
            .into_iter()
            .partition(|c| matches!(c.proposal, Proposal::Span(_)));
        let mut missing_end = None;
        for candidate in spans.into_iter().chain(links) {
            self.check_proposal(&candidate.proposal, schema)?;
            match self.plan_accept(candidate, &mut plan) {
                Ok(()) => {}
                Err(error @ EditError::MissingLinkEnd(_)) => {
                    missing_end.get_or_insert(error);
                }
                Err(error) => return Err(error),
            }
        }
        for candidate in others {
            plan.reject(candidate.id);
        }
        self.reject_orphans(&mut plan);
        match missing_end {
            // Nothing could be decided: say why rather than do nothing.
            Some(error) if plan.decisions.is_empty() => Err(error),
            _ => Ok(plan.into_edit()),
        }
    }

    /// The span with this key, in the document or about to be added by `plan`.
    fn resolve(&self, key: &SpanKey, plan: &Plan) -> Option<SpanId> {
        self.span_with_key(key).map(|s| s.id).or_else(|| {
            plan.spans
                .iter()
                .find(|(planned, _)| planned == key)
                .map(|(_, id)| *id)
        })
    }

    fn plan_accept(&mut self, candidate: &Candidate, plan: &mut Plan) -> Result<(), EditError> {
        match &candidate.proposal {
            Proposal::Span(key) => {
                if self.resolve(key, plan).is_none() {
                    let Edit::AddSpan(mut span) =
                        self.add_span_edit(key.start, key.end, &key.label)
                    else {
                        return Err(EditError::Stale("add_span_edit makes an AddSpan"));
                    };
                    span.annotators = candidate.origin.annotators().to_vec();
                    span.comments = candidate.comments.clone();
                    plan.spans.push((key.clone(), span.id));
                    plan.edits.push(Edit::AddSpan(span));
                }
            }
            Proposal::Link {
                from,
                to,
                link_type,
            } => {
                // Both ends must be found (in the document, in the plan, or as a
                // pending span candidate to take in) before anything is planned, so a
                // link that cannot be accepted leaves no half of it behind.
                let mut take_in = Vec::new();
                for key in [from, to] {
                    if self.resolve(key, plan).is_none() {
                        let end = Some(())
                            .filter(|()| plan.take_in_ends)
                            .and_then(|()| self.pending_span_candidate(key, plan))
                            .ok_or_else(|| EditError::MissingLinkEnd(key.clone()))?;
                        if !take_in.iter().any(|c: &Candidate| c.id == end.id) {
                            take_in.push(end.clone());
                        }
                    }
                }
                for end in &take_in {
                    self.plan_accept(end, plan)?;
                }
                let from_id = self
                    .resolve(from, plan)
                    .ok_or_else(|| EditError::MissingLinkEnd(from.clone()))?;
                let to_id = self
                    .resolve(to, plan)
                    .ok_or_else(|| EditError::MissingLinkEnd(to.clone()))?;
                let exists = self
                    .links()
                    .iter()
                    .any(|l| l.from == from_id && l.to == to_id && l.link_type == *link_type);
                if !exists {
                    let edit = self.add_link_edit(from_id, to_id, link_type);
                    plan.edits.push(edit);
                }
            }
        }
        plan.decide(candidate.id, Decision::Accepted);
        Ok(())
    }

    /// A pending span candidate proposing `key` that `plan` has not decided: a rule's
    /// before a colleague's, then the oldest.
    fn pending_span_candidate(&self, key: &SpanKey, plan: &Plan) -> Option<&Candidate> {
        self.candidates
            .iter()
            .filter(|c| c.is_pending() && !plan.decides(c.id))
            .filter(|c| matches!(&c.proposal, Proposal::Span(k) if k == key))
            .min_by_key(|c| (!matches!(c.origin, Origin::Rule(_)), c.id))
    }

    /// Adds to `plan` the rejection of every pending link candidate that names a span
    /// which neither exists nor is planned, when a span candidate of that key is
    /// rejected by the plan.
    fn reject_orphans(&self, plan: &mut Plan) {
        let rejected_keys: Vec<&SpanKey> = self
            .candidates
            .iter()
            .filter(|c| plan.rejects(c.id))
            .filter_map(|c| match &c.proposal {
                Proposal::Span(key) => Some(key),
                Proposal::Link { .. } => None,
            })
            .filter(|key| self.resolve(key, plan).is_none())
            .collect();
        if rejected_keys.is_empty() {
            return;
        }
        let orphans: Vec<CandidateId> = self
            .candidates
            .iter()
            .filter(|c| c.is_pending() && !plan.decides(c.id))
            .filter(|c| match &c.proposal {
                Proposal::Link { from, to, .. } => {
                    rejected_keys.iter().any(|key| *key == from || *key == to)
                }
                Proposal::Span(_) => false,
            })
            .map(|c| c.id)
            .collect();
        for id in orphans {
            plan.reject(id);
        }
    }

    /// An edit that appends a comment by `author` to a span or a candidate.
    pub fn comment_edit(
        &self,
        target: CommentTarget,
        author: &str,
        text: &str,
    ) -> Result<Edit, EditError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(EditError::EmptyComment);
        }
        let index = self.existing_comments(target)?.len();
        Ok(Edit::AddComment {
            target,
            index,
            comment: Comment {
                author: author.to_owned(),
                text: text.to_owned(),
            },
        })
    }

    /// An edit that removes the `index`-th comment (0-based) of a span or a candidate.
    pub fn remove_comment_edit(
        &self,
        target: CommentTarget,
        index: usize,
    ) -> Result<Edit, EditError> {
        let comment = self
            .existing_comments(target)?
            .get(index)
            .ok_or(EditError::NoSuchComment(index))?
            .clone();
        Ok(Edit::RemoveComment {
            target,
            index,
            comment,
        })
    }

    fn existing_comments(&self, target: CommentTarget) -> Result<&[Comment], EditError> {
        self.comments(target).ok_or(match target {
            CommentTarget::Span(id) => EditError::NoSuchSpan(id),
            CommentTarget::Candidate(id) => EditError::NoSuchCandidate(id),
        })
    }

    /// Rebuilds the candidates from stored parts that the caller has already validated
    /// (the project-file loader). Sorts them into id order.
    pub fn with_validated_candidates(
        mut self,
        mut candidates: Vec<Candidate>,
        next_candidate_id: u64,
    ) -> Self {
        candidates.sort_by_key(|c| c.id);
        self.candidates = candidates;
        self.next_candidate_id = next_candidate_id;
        self
    }
}

/// What [`Document::accept_candidates_edit`] makes of several candidates.
#[derive(Clone, Debug, PartialEq)]
pub struct Acceptance {
    /// The one edit that accepts them (an empty batch when none could be).
    pub edit: Edit,
    /// The candidates asked for that it accepts.
    pub accepted: Vec<CandidateId>,
    /// Span candidates not asked for that it accepts because a link accepted needs them.
    pub for_links: Vec<CandidateId>,
    /// The candidates asked for that stay as they are, and why.
    pub left: Vec<(CandidateId, EditError)>,
}

/// The edits one decision builds up: spans and links to add, then decisions.
#[derive(Default)]
struct Plan {
    /// Spans the plan adds, by key, to link them before they exist.
    spans: Vec<(SpanKey, SpanId)>,
    /// Additions of spans and links, in order.
    edits: Vec<Edit>,
    /// Decisions, after the additions.
    decisions: Vec<(CandidateId, Decision)>,
    /// Whether a link accepted takes in the pending span candidates of its missing
    /// ends. Not when settling a disagreement for one annotator: there a link whose
    /// far end is undecided elsewhere stays pending.
    take_in_ends: bool,
}

impl Plan {
    fn taking_in_ends() -> Self {
        Self {
            take_in_ends: true,
            ..Self::default()
        }
    }

    fn decide(&mut self, id: CandidateId, decision: Decision) {
        self.decisions.push((id, decision));
    }

    fn reject(&mut self, id: CandidateId) {
        self.decide(id, Decision::Rejected);
    }

    fn decides(&self, id: CandidateId) -> bool {
        self.decisions.iter().any(|(d, _)| *d == id)
    }

    fn rejects(&self, id: CandidateId) -> bool {
        self.decisions
            .iter()
            .any(|&(d, decision)| d == id && decision == Decision::Rejected)
    }

    fn into_edit(self) -> Edit {
        let mut edits = self.edits;
        edits.extend(
            self.decisions
                .into_iter()
                .map(|(id, to)| Edit::SetDecision {
                    id,
                    from: Decision::Pending,
                    to,
                }),
        );
        if edits.len() == 1 {
            edits.remove(0)
        } else {
            Edit::Batch(edits)
        }
    }
}
