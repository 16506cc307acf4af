//! Edits as data. Every change to a document's annotations is an [`Edit`]; applying one
//! validates it against the document and the schema and returns its inverse, which is
//! what the undo history stores.

use super::candidate::{Candidate, CandidateId, Comment, CommentTarget, Decision, SpanKey};
use super::document::{Document, Link, LinkId, MAX_NEXT_ID, Span, SpanId, Status};
use super::schema::Schema;
use super::staged::Staged;

/// One change to a document's annotations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// Adds a span (with its id already allocated).
    AddSpan(Span),
    /// Removes a span and the links that touch it.
    RemoveSpan {
        /// The span as it was.
        span: Span,
        /// Links touching the span, removed with it.
        links: Vec<Link>,
    },
    /// Gives a span another label.
    Relabel {
        /// The span.
        id: SpanId,
        /// Its label key now.
        from: String,
        /// Its new label key.
        to: String,
    },
    /// Moves a span's start and end.
    Resize {
        /// The span.
        id: SpanId,
        /// `[start, end)` now.
        from: (usize, usize),
        /// The new `[start, end)`.
        to: (usize, usize),
    },
    /// Sets or clears a span's note.
    SetNote {
        /// The span.
        id: SpanId,
        /// The note now.
        from: Option<String>,
        /// The new note; `None` or empty clears it.
        to: Option<String>,
    },
    /// Adds a link (with its id already allocated).
    AddLink(Link),
    /// Removes a link.
    RemoveLink(Link),
    /// Sets the document's status.
    SetStatus {
        /// The status now.
        from: Status,
        /// The new status.
        to: Status,
    },
    /// Adds a candidate (with its id already allocated).
    AddCandidate(Candidate),
    /// Removes a candidate.
    RemoveCandidate(Candidate),
    /// Decides a candidate (or takes a decision back). Only the decision changes:
    /// what accepting adds to the document comes in the same batch
    /// ([`Document::accept_candidate_edit`]).
    SetDecision {
        /// The candidate.
        id: CandidateId,
        /// Its decision now.
        from: Decision,
        /// Its new decision.
        to: Decision,
    },
    /// Inserts a comment into the comments of a span or a candidate.
    AddComment {
        /// The span or candidate.
        target: CommentTarget,
        /// Where in its comments (their number appends it).
        index: usize,
        /// The comment.
        comment: Comment,
    },
    /// Removes a comment from a span or a candidate.
    RemoveComment {
        /// The span or candidate.
        target: CommentTarget,
        /// Which of its comments.
        index: usize,
        /// The comment as it is.
        comment: Comment,
    },
    /// Several edits applied in order as one step: all of them or none.
    Batch(Vec<Edit>),
}

/// Why an edit was refused. The document is unchanged when it is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("a span must cover at least one character (got [{start}, {end}))")]
    EmptySpan { start: usize, end: usize },
    #[error("[{start}, {end}) reaches past the end of the text ({len} characters)")]
    OutOfRange {
        start: usize,
        end: usize,
        len: usize,
    },
    #[error("there is no label `{0}` in the schema")]
    UnknownLabel(String),
    #[error("there is no link type `{0}` in the schema")]
    UnknownLinkType(String),
    #[error("{0} does not exist")]
    NoSuchSpan(SpanId),
    #[error("{0} does not exist")]
    NoSuchLink(LinkId),
    #[error("{0} is already in use")]
    SpanIdTaken(SpanId),
    #[error("{0} is already in use")]
    LinkIdTaken(LinkId),
    #[error("[{start}, {end}) is already labelled `{label}`")]
    DuplicateSpan {
        start: usize,
        end: usize,
        label: String,
    },
    #[error("{from} is already linked to {to} as `{link_type}`")]
    DuplicateLink {
        from: SpanId,
        to: SpanId,
        link_type: String,
    },
    #[error("a span cannot be linked to itself")]
    SelfLink,
    #[error("a `{link_type}` link cannot go from a `{from}` to a `{to}`")]
    LinkNotAllowed {
        link_type: String,
        from: String,
        to: String,
    },
    #[error("id {0} is too large: span and link ids stay below 2^53")]
    IdTooLarge(u64),
    #[error("the document changed since this edit was made ({0})")]
    Stale(&'static str),
    #[error("{0} does not exist")]
    NoSuchCandidate(CandidateId),
    #[error("{0} is already in use")]
    CandidateIdTaken(CandidateId),
    #[error("{0} proposes the same, from the same origin")]
    DuplicateCandidate(CandidateId),
    #[error("a candidate from annotators must name at least one, each by a non-empty name")]
    NoAnnotators,
    #[error("{id} is already {decision}; only a pending candidate can be decided")]
    AlreadyDecided { id: CandidateId, decision: Decision },
    #[error(
        "the link's span [{}, {}) `{}` is not in the document: accept that span first",
        .0.start, .0.end, .0.label
    )]
    MissingLinkEnd(SpanKey),
    #[error("`{0}` proposed nothing in this document")]
    UnknownAnnotator(String),
    #[error("a comment cannot be empty")]
    EmptyComment,
    #[error("there is no comment #{} there", .0 + 1)]
    NoSuchComment(usize),
}

impl Edit {
    /// True for an edit that changes nothing (an empty batch).
    pub fn is_noop(&self) -> bool {
        matches!(self, Edit::Batch(edits) if edits.iter().all(Edit::is_noop))
    }
}

impl Document {
    /// Applies `edit` if it is valid for this document and schema, and returns its
    /// inverse. A refused edit (or a batch with any refused part) changes nothing.
    ///
    /// The edit is first checked and staged whole (see [`Staged`]), then put in at once,
    /// so a batch of k edits on n spans costs O((n + k) log n).
    pub fn apply(&mut self, edit: Edit, schema: &Schema) -> Result<Edit, EditError> {
        let mut staged = Staged::new(self);
        let inverse = staged.apply(edit, schema)?;
        let changes = staged.into_changes();
        self.commit(changes);
        self.revision += 1;
        Ok(inverse)
    }
}

impl Document {
    /// Applies each of `edits` that is valid after the ones before it and gives each its
    /// outcome, in order: a refused edit is skipped, the others all go in at once as one
    /// change (with no inverse: this is for building a document, as an import does,
    /// saying which parts it could not take). A batch among them is refused: parts of it
    /// cannot be skipped.
    pub fn apply_each(
        &mut self,
        edits: impl IntoIterator<Item = Edit>,
        schema: &Schema,
    ) -> Vec<Result<(), EditError>> {
        let mut staged = Staged::new(self);
        let outcomes = edits
            .into_iter()
            .map(|edit| match edit {
                Edit::Batch(_) => Err(EditError::Stale("a batch cannot be applied part by part")),
                // Every other edit checks everything before it changes anything, so a
                // refused one leaves nothing staged.
                edit => staged.apply(edit, schema).map(drop),
            })
            .collect();
        let changes = staged.into_changes();
        self.commit(changes);
        self.revision += 1;
        outcomes
    }
}

impl Staged<'_> {
    fn apply(&mut self, edit: Edit, schema: &Schema) -> Result<Edit, EditError> {
        match edit {
            Edit::AddSpan(span) => {
                if span.id.0 >= MAX_NEXT_ID {
                    return Err(EditError::IdTooLarge(span.id.0));
                }
                self.check_range(span.start, span.end)?;
                if schema.label(&span.label).is_none() {
                    return Err(EditError::UnknownLabel(span.label));
                }
                if self.span(span.id).is_some() {
                    return Err(EditError::SpanIdTaken(span.id));
                }
                self.check_not_duplicate(span.start, span.end, &span.label, None)?;
                self.next_span_id = self.next_span_id.max(span.id.0 + 1);
                let inverse = Edit::RemoveSpan {
                    span: span.clone(),
                    links: Vec::new(),
                };
                self.insert_span(span);
                Ok(inverse)
            }
            Edit::RemoveSpan { span, links } => {
                let now = self.span(span.id).ok_or(EditError::NoSuchSpan(span.id))?;
                if *now != span {
                    return Err(EditError::Stale("the span is not as the edit expects"));
                }
                // Links are part of the span's removal: drop every link that touches it,
                // and give all of them back on undo.
                let removed = self.links_of(span.id);
                for link in &links {
                    if !removed.contains(link) && link.from != span.id && link.to != span.id {
                        return Err(EditError::Stale("a link to remove does not touch the span"));
                    }
                }
                for link in &removed {
                    self.take_link(link.id);
                }
                self.take_span(span.id);
                let mut inverse = vec![Edit::AddSpan(span)];
                inverse.extend(removed.into_iter().map(Edit::AddLink));
                Ok(if inverse.len() == 1 {
                    inverse.remove(0)
                } else {
                    Edit::Batch(inverse)
                })
            }
            Edit::Relabel { id, from, to } => {
                let span = self.span(id).ok_or(EditError::NoSuchSpan(id))?;
                if span.label != from {
                    return Err(EditError::Stale(
                        "the span's label is not as the edit expects",
                    ));
                }
                if schema.label(&to).is_none() {
                    return Err(EditError::UnknownLabel(to));
                }
                let (start, end) = (span.start, span.end);
                self.check_not_duplicate(start, end, &to, Some(id))?;
                for link in self.links_of(id) {
                    let (from_label, to_label) = if link.from == id {
                        (to.as_str(), self.label_of(link.to))
                    } else {
                        (self.label_of(link.from), to.as_str())
                    };
                    check_link_labels(schema, &link.link_type, from_label, to_label)?;
                }
                if let Some(mut span) = self.take_span(id) {
                    span.label = to.clone();
                    self.insert_span(span);
                }
                Ok(Edit::Relabel {
                    id,
                    from: to,
                    to: from,
                })
            }
            Edit::Resize { id, from, to } => {
                let span = self.span(id).ok_or(EditError::NoSuchSpan(id))?;
                if (span.start, span.end) != from {
                    return Err(EditError::Stale(
                        "the span's range is not as the edit expects",
                    ));
                }
                self.check_range(to.0, to.1)?;
                let label = span.label.clone();
                self.check_not_duplicate(to.0, to.1, &label, Some(id))?;
                if let Some(mut span) = self.take_span(id) {
                    (span.start, span.end) = to;
                    self.insert_span(span);
                }
                Ok(Edit::Resize {
                    id,
                    from: to,
                    to: from,
                })
            }
            Edit::SetNote { id, from, to } => {
                let span = self.span(id).ok_or(EditError::NoSuchSpan(id))?;
                if span.note != from {
                    return Err(EditError::Stale(
                        "the span's note is not as the edit expects",
                    ));
                }
                let to = to.filter(|note| !note.is_empty());
                if let Some(mut span) = self.take_span(id) {
                    span.note = to.clone();
                    self.insert_span(span);
                }
                Ok(Edit::SetNote {
                    id,
                    from: to,
                    to: from,
                })
            }
            Edit::AddLink(link) => {
                if link.id.0 >= MAX_NEXT_ID {
                    return Err(EditError::IdTooLarge(link.id.0));
                }
                if self.link(link.id).is_some() {
                    return Err(EditError::LinkIdTaken(link.id));
                }
                if link.from == link.to {
                    return Err(EditError::SelfLink);
                }
                let from = self
                    .span(link.from)
                    .ok_or(EditError::NoSuchSpan(link.from))?;
                let to = self.span(link.to).ok_or(EditError::NoSuchSpan(link.to))?;
                check_link_labels(schema, &link.link_type, &from.label, &to.label)?;
                if self.links_of(link.from).iter().any(|l| {
                    l.from == link.from && l.to == link.to && l.link_type == link.link_type
                }) {
                    return Err(EditError::DuplicateLink {
                        from: link.from,
                        to: link.to,
                        link_type: link.link_type,
                    });
                }
                self.next_link_id = self.next_link_id.max(link.id.0 + 1);
                self.insert_link(link.clone());
                Ok(Edit::RemoveLink(link))
            }
            Edit::RemoveLink(link) => {
                let now = self.link(link.id).ok_or(EditError::NoSuchLink(link.id))?;
                if *now != link {
                    return Err(EditError::Stale("the link is not as the edit expects"));
                }
                self.take_link(link.id);
                Ok(Edit::AddLink(link))
            }
            Edit::SetStatus { from, to } => {
                if self.status != from {
                    return Err(EditError::Stale("the status is not as the edit expects"));
                }
                self.status = to;
                Ok(Edit::SetStatus { from: to, to: from })
            }
            Edit::AddCandidate(candidate) => self.add_candidate(candidate, schema),
            Edit::RemoveCandidate(candidate) => self.remove_candidate(candidate),
            Edit::SetDecision { id, from, to } => self.set_decision(id, from, to),
            Edit::AddComment {
                target,
                index,
                comment,
            } => self.add_comment(target, index, comment),
            Edit::RemoveComment {
                target,
                index,
                comment,
            } => self.remove_comment(target, index, comment),
            Edit::Batch(edits) => {
                // A refused part refuses the whole edit; nothing is in the document yet,
                // so there is nothing to roll back.
                let mut inverses = edits
                    .into_iter()
                    .map(|edit| self.apply(edit, schema))
                    .collect::<Result<Vec<_>, _>>()?;
                inverses.reverse();
                Ok(Edit::Batch(inverses))
            }
        }
    }

    pub(super) fn check_range(&self, start: usize, end: usize) -> Result<(), EditError> {
        let len = self.doc().char_len();
        if start >= end {
            return Err(EditError::EmptySpan { start, end });
        }
        if end > len {
            return Err(EditError::OutOfRange { start, end, len });
        }
        Ok(())
    }

    fn check_not_duplicate(
        &self,
        start: usize,
        end: usize,
        label: &str,
        except: Option<SpanId>,
    ) -> Result<(), EditError> {
        if self.has_span(start, end, label, except) {
            return Err(EditError::DuplicateSpan {
                start,
                end,
                label: label.to_owned(),
            });
        }
        Ok(())
    }

    fn label_of(&self, id: SpanId) -> &str {
        self.span(id).map(|s| s.label.as_str()).unwrap_or_default()
    }
}

impl Document {
    fn label_of(&self, id: SpanId) -> &str {
        self.span(id).map(|s| s.label.as_str()).unwrap_or_default()
    }

    // Builders: they allocate ids and gather what an edit needs, so callers never make
    // up ids or forget the links of a removed span.

    /// An edit that adds a new span `[start, end)` labelled `label`. Allocates its id.
    pub fn add_span_edit(&mut self, start: usize, end: usize, label: &str) -> Edit {
        let id = SpanId(self.next_span_id);
        self.next_span_id += 1;
        Edit::AddSpan(Span::new(id, start, end, label))
    }

    /// An edit that adds a link of `link_type` from one span to another. Allocates its id.
    pub fn add_link_edit(&mut self, from: SpanId, to: SpanId, link_type: &str) -> Edit {
        let id = LinkId(self.next_link_id);
        self.next_link_id += 1;
        Edit::AddLink(Link {
            id,
            from,
            to,
            link_type: link_type.to_owned(),
        })
    }

    /// An edit that removes a span and every link touching it.
    pub fn remove_span_edit(&self, id: SpanId) -> Result<Edit, EditError> {
        let span = self.span(id).ok_or(EditError::NoSuchSpan(id))?.clone();
        let links = self.links_of(id).cloned().collect();
        Ok(Edit::RemoveSpan { span, links })
    }

    /// An edit that relabels a span, first removing its links that the new label would
    /// no longer allow (a quote's `said_by` link when it becomes a location).
    pub fn relabel_edit(&self, id: SpanId, to: &str, schema: &Schema) -> Result<Edit, EditError> {
        let span = self.span(id).ok_or(EditError::NoSuchSpan(id))?;
        if span.label == to {
            // Nothing to do, and nothing for undo to record.
            return Ok(Edit::Batch(Vec::new()));
        }
        let mut edits: Vec<Edit> = self
            .links_of(id)
            .filter(|link| {
                let (from_label, to_label) = if link.from == id {
                    (to, self.label_of(link.to))
                } else {
                    (self.label_of(link.from), to)
                };
                check_link_labels(schema, &link.link_type, from_label, to_label).is_err()
            })
            .cloned()
            .map(Edit::RemoveLink)
            .collect();
        let relabel = Edit::Relabel {
            id,
            from: span.label.clone(),
            to: to.to_owned(),
        };
        if edits.is_empty() {
            return Ok(relabel);
        }
        edits.push(relabel);
        Ok(Edit::Batch(edits))
    }

    /// An edit that moves a span to `[start, end)`.
    pub fn resize_edit(&self, id: SpanId, start: usize, end: usize) -> Result<Edit, EditError> {
        let span = self.span(id).ok_or(EditError::NoSuchSpan(id))?;
        Ok(Edit::Resize {
            id,
            from: (span.start, span.end),
            to: (start, end),
        })
    }

    /// An edit that sets a span's note (`None` or empty clears it).
    pub fn set_note_edit(&self, id: SpanId, note: Option<String>) -> Result<Edit, EditError> {
        let span = self.span(id).ok_or(EditError::NoSuchSpan(id))?;
        Ok(Edit::SetNote {
            id,
            from: span.note.clone(),
            to: note,
        })
    }

    /// An edit that removes a link.
    pub fn remove_link_edit(&self, id: LinkId) -> Result<Edit, EditError> {
        Ok(Edit::RemoveLink(
            self.link(id).ok_or(EditError::NoSuchLink(id))?.clone(),
        ))
    }

    /// An edit that sets the document's status.
    pub fn set_status_edit(&self, to: Status) -> Edit {
        Edit::SetStatus {
            from: self.status,
            to,
        }
    }
}

/// Whether a link of `link_type` may go from a span labelled `from` to one labelled `to`.
pub fn check_link_labels(
    schema: &Schema,
    link_type: &str,
    from: &str,
    to: &str,
) -> Result<(), EditError> {
    let kind = schema
        .link_type(link_type)
        .ok_or_else(|| EditError::UnknownLinkType(link_type.to_owned()))?;
    if kind.from.iter().any(|l| l == from) && kind.to.iter().any(|l| l == to) {
        Ok(())
    } else {
        Err(EditError::LinkNotAllowed {
            link_type: link_type.to_owned(),
            from: from.to_owned(),
            to: to.to_owned(),
        })
    }
}
