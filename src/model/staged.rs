//! Staging: an edit is checked against the document as the earlier parts of its batch
//! left it, while its changes are kept aside; only when the whole edit is known to be
//! valid do they go into the document, all at once. A few changes go in one by one; many
//! go in by one merge of the sorted span list, so a batch of k edits on n spans costs
//! O((n + k) log n), never k shifts of the whole list. A refused edit leaves the
//! document untouched without having to undo anything.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::candidate::{Candidate, CandidateId};
use super::document::{Document, Link, LinkId, Span, SpanId, Status};

/// Up to this many staged span (or link) changes are put in one by one, each a binary
/// search and one shift; more are merged in a single pass over the list.
const ONE_BY_ONE: usize = 8;

/// The document as an edit in progress sees it: the document itself, plus what the edit
/// has added, changed or removed so far.
pub(super) struct Staged<'d> {
    doc: &'d Document,
    /// Ids of the document's spans that are removed or changed (a changed one is also in
    /// `spans`).
    gone_spans: HashSet<SpanId>,
    /// Spans added or changed, by id.
    spans: HashMap<SpanId, Span>,
    /// The ids in `spans` by range, for the duplicate check.
    span_ranges: HashMap<(usize, usize), Vec<SpanId>>,
    /// Ids of the document's links that are removed.
    gone_links: HashSet<LinkId>,
    /// Links added, by id.
    links: BTreeMap<LinkId, Link>,
    /// Both ends of every link in `links`, `(span, link)`.
    link_ends: BTreeSet<(SpanId, LinkId)>,
    /// The document's `next_span_id` as the edit leaves it.
    pub(super) next_span_id: u64,
    /// The document's `next_link_id` as the edit leaves it.
    pub(super) next_link_id: u64,
    /// The document's status as the edit leaves it.
    pub(super) status: Status,
    /// The candidates (in id order) as the edit leaves them, once it changes any: a
    /// candidate edit clones the document's list the first time, and the copy replaces
    /// it on commit.
    candidates: Option<Vec<Candidate>>,
    /// The document's `next_candidate_id` as the edit leaves it.
    pub(super) next_candidate_id: u64,
}

/// What a valid edit changes, detached from the document so it can be put in.
pub(super) struct Changes {
    gone_spans: HashSet<SpanId>,
    spans: HashMap<SpanId, Span>,
    gone_links: HashSet<LinkId>,
    links: BTreeMap<LinkId, Link>,
    next_span_id: u64,
    next_link_id: u64,
    status: Status,
    candidates: Option<Vec<Candidate>>,
    next_candidate_id: u64,
}

/// Every `(span, link)` pair of `span` in a set of link ends.
fn ends_of(span: SpanId) -> std::ops::RangeInclusive<(SpanId, LinkId)> {
    (span, LinkId(0))..=(span, LinkId(u64::MAX))
}

impl<'d> Staged<'d> {
    /// Nothing staged yet.
    pub(super) fn new(doc: &'d Document) -> Self {
        Self {
            doc,
            gone_spans: HashSet::new(),
            spans: HashMap::new(),
            span_ranges: HashMap::new(),
            gone_links: HashSet::new(),
            links: BTreeMap::new(),
            link_ends: BTreeSet::new(),
            next_span_id: doc.next_span_id,
            next_link_id: doc.next_link_id,
            status: doc.status,
            candidates: None,
            next_candidate_id: doc.next_candidate_id,
        }
    }

    /// The document being edited.
    pub(super) fn doc(&self) -> &Document {
        self.doc
    }

    /// The span with this id, as staged.
    pub(super) fn span(&self, id: SpanId) -> Option<&Span> {
        match self.spans.get(&id) {
            Some(span) => Some(span),
            None if self.gone_spans.contains(&id) => None,
            None => self.doc.span(id),
        }
    }

    /// Whether a span other than `except` covers `[start, end)` with `label`.
    pub(super) fn has_span(
        &self,
        start: usize,
        end: usize,
        label: &str,
        except: Option<SpanId>,
    ) -> bool {
        let other = |id: SpanId| Some(id) != except;
        let staged = self.span_ranges.get(&(start, end)).is_some_and(|ids| {
            ids.iter()
                .any(|id| other(*id) && self.spans.get(id).is_some_and(|s| s.label == label))
        });
        staged
            || self
                .doc
                .spans_with_range(start, end)
                .iter()
                .any(|s| s.label == label && other(s.id) && !self.gone_spans.contains(&s.id))
    }

    /// Stages a new span, or the new state of a span taken with [`Staged::take_span`].
    /// The caller has checked that its id is free.
    pub(super) fn insert_span(&mut self, span: Span) {
        self.span_ranges
            .entry((span.start, span.end))
            .or_default()
            .push(span.id);
        self.spans.insert(span.id, span);
    }

    /// Removes a span from the staged document and returns it.
    pub(super) fn take_span(&mut self, id: SpanId) -> Option<Span> {
        if let Some(span) = self.spans.remove(&id) {
            if let Some(ids) = self.span_ranges.get_mut(&(span.start, span.end)) {
                ids.retain(|other| *other != id);
            }
            return Some(span);
        }
        if self.gone_spans.contains(&id) {
            return None;
        }
        let span = self.doc.span(id)?.clone();
        self.gone_spans.insert(id);
        Some(span)
    }

    /// The link with this id, as staged.
    pub(super) fn link(&self, id: LinkId) -> Option<&Link> {
        match self.links.get(&id) {
            Some(link) => Some(link),
            None if self.gone_links.contains(&id) => None,
            None => self.doc.link(id),
        }
    }

    /// The staged links that start or end at `span`, in id order.
    pub(super) fn links_of(&self, span: SpanId) -> Vec<Link> {
        let mut links: Vec<Link> = self
            .doc
            .links_of(span)
            .filter(|l| !self.gone_links.contains(&l.id))
            .cloned()
            .collect();
        links.extend(
            self.link_ends
                .range(ends_of(span))
                .filter_map(|(_, id)| self.links.get(id))
                .cloned(),
        );
        links.sort_by_key(|l| l.id);
        links
    }

    /// Stages a new link. The caller has checked that its id is free.
    pub(super) fn insert_link(&mut self, link: Link) {
        self.link_ends.insert((link.from, link.id));
        self.link_ends.insert((link.to, link.id));
        self.links.insert(link.id, link);
    }

    /// Removes a link from the staged document and returns it.
    pub(super) fn take_link(&mut self, id: LinkId) -> Option<Link> {
        if let Some(link) = self.links.remove(&id) {
            self.link_ends.remove(&(link.from, id));
            self.link_ends.remove(&(link.to, id));
            return Some(link);
        }
        if self.gone_links.contains(&id) {
            return None;
        }
        let link = self.doc.link(id)?.clone();
        self.gone_links.insert(id);
        Some(link)
    }

    /// The candidates as staged, in id order.
    pub(super) fn candidates(&self) -> &[Candidate] {
        self.candidates.as_deref().unwrap_or(&self.doc.candidates)
    }

    /// Where the candidate with this id is in [`Staged::candidates`].
    pub(super) fn candidate_at(&self, id: CandidateId) -> Option<usize> {
        self.candidates().binary_search_by_key(&id, |c| c.id).ok()
    }

    /// The staged candidates, to change; cloned from the document the first time.
    pub(super) fn candidates_mut(&mut self) -> &mut Vec<Candidate> {
        self.candidates
            .get_or_insert_with(|| self.doc.candidates.clone())
    }

    /// What the staged edit changes, ready for [`Document::commit`].
    pub(super) fn into_changes(self) -> Changes {
        Changes {
            gone_spans: self.gone_spans,
            spans: self.spans,
            gone_links: self.gone_links,
            links: self.links,
            next_span_id: self.next_span_id,
            next_link_id: self.next_link_id,
            status: self.status,
            candidates: self.candidates,
            next_candidate_id: self.next_candidate_id,
        }
    }
}

impl Document {
    /// Puts a valid edit's changes into the document, keeping spans in canonical order,
    /// links in id order and both indexes in step.
    pub(super) fn commit(&mut self, changes: Changes) {
        let Changes {
            gone_spans,
            spans,
            gone_links,
            links,
            next_span_id,
            next_link_id,
            status,
            candidates,
            next_candidate_id,
        } = changes;
        if gone_spans.len() + spans.len() <= ONE_BY_ONE {
            self.commit_spans_one_by_one(gone_spans, spans);
        } else {
            self.commit_spans_merged(gone_spans, spans);
        }
        self.commit_links(gone_links, links);
        self.next_span_id = next_span_id;
        self.next_link_id = next_link_id;
        self.status = status;
        if let Some(candidates) = candidates {
            self.candidates = candidates;
        }
        self.next_candidate_id = next_candidate_id;
    }

    fn commit_spans_one_by_one(&mut self, gone: HashSet<SpanId>, mut spans: HashMap<SpanId, Span>) {
        // The order of these steps does not matter: each leaves the list sorted, and the
        // canonical order is total (ids are unique), so the result is the same.
        for id in gone {
            let Some(at) = self.position_of(id) else {
                continue;
            };
            match spans.remove(&id) {
                // A changed span (relabelled, resized) usually stays near where it was:
                // rotate it into place instead of shifting the whole tail twice.
                Some(span) => {
                    self.span_ranges.insert(id, (span.start, span.end));
                    let key_moves_up = span.order_key() > self.spans[at].order_key();
                    self.spans[at] = span;
                    let key = self.spans[at].order_key();
                    if key_moves_up {
                        let after = &self.spans[at + 1..];
                        let to = at + after.partition_point(|s| s.order_key() < key);
                        self.spans[at..=to].rotate_left(1);
                    } else {
                        let to = self.spans[..at].partition_point(|s| s.order_key() < key);
                        self.spans[to..=at].rotate_right(1);
                    }
                }
                None => {
                    self.span_ranges.remove(&id);
                    self.spans.remove(at);
                }
            }
        }
        for (id, span) in spans {
            self.span_ranges.insert(id, (span.start, span.end));
            let at = self.insertion_point(&span);
            self.spans.insert(at, span);
        }
    }

    fn commit_spans_merged(&mut self, gone: HashSet<SpanId>, spans: HashMap<SpanId, Span>) {
        let mut gone_at: Vec<usize> = gone.iter().filter_map(|id| self.position_of(*id)).collect();
        gone_at.sort_unstable();
        for id in &gone {
            self.span_ranges.remove(id);
        }
        for span in spans.values() {
            self.span_ranges.insert(span.id, (span.start, span.end));
        }
        remove_positions(&mut self.spans, &gone_at);
        let mut added: Vec<Span> = spans.into_values().collect();
        added.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        // Two sorted runs: the stable sort finds them and merges them in one pass, in
        // place, without building a second copy of the whole list.
        self.spans.extend(added);
        self.spans.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    }

    fn commit_links(&mut self, gone: HashSet<LinkId>, added: BTreeMap<LinkId, Link>) {
        let mut gone_at: Vec<usize> = gone.iter().filter_map(|id| self.link_at(*id)).collect();
        gone_at.sort_unstable();
        for &at in &gone_at {
            let link = &self.links[at];
            self.link_ends.remove(&(link.from, link.id));
            self.link_ends.remove(&(link.to, link.id));
        }
        for link in added.values() {
            self.link_ends.insert((link.from, link.id));
            self.link_ends.insert((link.to, link.id));
        }
        if gone_at.len() + added.len() <= ONE_BY_ONE {
            for at in gone_at.into_iter().rev() {
                self.links.remove(at);
            }
            for link in added.into_values() {
                let at = self.links.partition_point(|l| l.id < link.id);
                self.links.insert(at, link);
            }
            return;
        }
        remove_positions(&mut self.links, &gone_at);
        // As for spans: two sorted runs, merged in one pass.
        self.links.extend(added.into_values());
        self.links.sort_by_key(|l| l.id);
    }
}

/// Removes the items at `positions` (sorted) from `items`, in one pass.
fn remove_positions<T>(items: &mut Vec<T>, positions: &[usize]) {
    if positions.is_empty() {
        return;
    }
    let mut positions = positions.iter().peekable();
    let mut at = 0;
    items.retain(|_| {
        let keep = positions.next_if_eq(&&at).is_none();
        at += 1;
        keep
    });
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::model::{CommentTarget, Edit, Origin, Proposal, Schema, SpanKey};

    const LABELS: [&str; 4] = ["claim", "quote", "location", "actor"];

    /// One random change, in terms of indexes that are resolved against the document at
    /// the time, so every sequence means something.
    #[derive(Clone, Debug)]
    enum Op {
        Add(usize, usize, usize),
        Remove(usize),
        Relabel(usize, usize),
        Resize(usize, usize, usize),
        Note(usize, Option<&'static str>),
        Link(usize, usize),
        Unlink(usize),
        Status(usize),
        /// A span candidate `[start, start + len)` with a label, from one of two
        /// annotators, or a link candidate between two spans' keys.
        Propose(usize, usize, usize, usize),
        ProposeLink(usize, usize),
        Accept(usize),
        Reject(usize),
        Forget(usize),
        /// A comment on a span (`true`) or a candidate.
        Comment(bool, usize),
        Uncomment(bool, usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0..40usize, 1..6usize, 0..4usize).prop_map(|(s, l, k)| Op::Add(s, l, k)),
            1 => any::<usize>().prop_map(Op::Remove),
            2 => (any::<usize>(), 0..4usize).prop_map(|(i, k)| Op::Relabel(i, k)),
            1 => (any::<usize>(), 0..40usize, 1..6usize).prop_map(|(i, s, l)| Op::Resize(i, s, l)),
            1 => (any::<usize>(), prop::option::of(Just("a note")))
                .prop_map(|(i, n)| Op::Note(i, n)),
            2 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Op::Link(a, b)),
            1 => any::<usize>().prop_map(Op::Unlink),
            1 => (0..3usize).prop_map(Op::Status),
            2 => (0..40usize, 1..6usize, 0..4usize, 0..2usize)
                .prop_map(|(s, l, k, who)| Op::Propose(s, l, k, who)),
            1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Op::ProposeLink(a, b)),
            2 => any::<usize>().prop_map(Op::Accept),
            1 => any::<usize>().prop_map(Op::Reject),
            1 => any::<usize>().prop_map(Op::Forget),
            1 => (any::<bool>(), any::<usize>()).prop_map(|(s, i)| Op::Comment(s, i)),
            1 => (any::<bool>(), any::<usize>()).prop_map(|(s, i)| Op::Uncomment(s, i)),
        ]
    }

    /// The edit `op` means on `doc`, if it can mean one.
    fn edit_for(doc: &mut Document, schema: &Schema, op: &Op) -> Option<Edit> {
        let pick = |i: usize| doc.spans().get(i % doc.spans().len().max(1)).map(|s| s.id);
        let candidate = |i: usize| {
            let candidates = doc.candidates();
            candidates.get(i % candidates.len().max(1)).map(|c| c.id)
        };
        let target = |on_span: bool, i: usize| {
            if on_span {
                pick(i).map(CommentTarget::Span)
            } else {
                candidate(i).map(CommentTarget::Candidate)
            }
        };
        match *op {
            Op::Add(start, len, label) => {
                Some(doc.add_span_edit(start, (start + len).min(40), LABELS[label]))
            }
            Op::Remove(i) => doc.remove_span_edit(pick(i)?).ok(),
            Op::Relabel(i, label) => doc.relabel_edit(pick(i)?, LABELS[label], schema).ok(),
            Op::Resize(i, start, len) => doc.resize_edit(pick(i)?, start, start + len).ok(),
            Op::Note(i, note) => doc.set_note_edit(pick(i)?, note.map(str::to_owned)).ok(),
            Op::Link(a, b) => {
                let (from, to) = (pick(a)?, pick(b)?);
                Some(doc.add_link_edit(from, to, "said_by"))
            }
            Op::Unlink(i) => {
                let link = doc.links().get(i % doc.links().len().max(1))?.id;
                doc.remove_link_edit(link).ok()
            }
            Op::Status(s) => Some(doc.set_status_edit(Status::ALL[s])),
            Op::Propose(start, len, label, who) => {
                let key = SpanKey {
                    start,
                    end: (start + len).min(40),
                    label: LABELS[label].to_owned(),
                };
                let origin = Origin::Annotators(vec![["ann", "bob"][who].to_owned()]);
                Some(doc.add_candidate_edit(Proposal::Span(key), origin))
            }
            Op::ProposeLink(a, b) => {
                let key = |id| doc.span(id).map(SpanKey::of);
                let (from, to) = (key(pick(a)?)?, key(pick(b)?)?);
                let proposal = Proposal::Link {
                    from,
                    to,
                    link_type: "said_by".to_owned(),
                };
                Some(doc.add_candidate_edit(proposal, Origin::Rule("speakers".to_owned())))
            }
            Op::Accept(i) => {
                let id = candidate(i)?;
                doc.accept_candidate_edit(id, schema).ok()
            }
            Op::Reject(i) => doc.reject_candidate_edit(candidate(i)?).ok(),
            Op::Forget(i) => doc.remove_candidate_edit(candidate(i)?).ok(),
            Op::Comment(on_span, i) => doc.comment_edit(target(on_span, i)?, "ann", "why").ok(),
            Op::Uncomment(on_span, i) => doc.remove_comment_edit(target(on_span, i)?, 0).ok(),
        }
    }

    /// The indexes agree with a scan, and spans and links are in their orders.
    fn assert_consistent(doc: &Document) {
        let keys: Vec<_> = doc.spans().iter().map(Span::order_key).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "spans out of order");
        assert!(doc.links().windows(2).all(|w| w[0].id < w[1].id));
        assert_eq!(doc.span_ranges.len(), doc.spans().len());
        for span in doc.spans() {
            assert_eq!(doc.span(span.id), Some(span));
            let scanned: Vec<_> = doc
                .links()
                .iter()
                .filter(|l| l.from == span.id || l.to == span.id)
                .collect();
            assert_eq!(doc.links_of(span.id).collect::<Vec<_>>(), scanned);
        }
        for link in doc.links() {
            assert_eq!(doc.link(link.id), Some(link));
        }
        let ends: BTreeSet<_> = doc
            .links()
            .iter()
            .flat_map(|l| [(l.from, l.id), (l.to, l.id)])
            .collect();
        assert_eq!(doc.link_ends, ends);
    }

    #[test]
    fn apply_each_skips_what_it_refuses_and_keeps_the_rest() {
        let schema = Schema::default();
        let mut doc = Document::new("d", "D", "x".repeat(40));
        let mut edits: Vec<Edit> = (0..20)
            .map(|i| doc.add_span_edit(i, i + 2, "actor"))
            .collect();
        // A duplicate of the first span, an empty one, and a batch.
        edits.insert(
            5,
            Edit::AddSpan(Span {
                id: SpanId(99),
                ..span_of(&edits[0])
            }),
        );
        edits.push(doc.add_span_edit(3, 3, "actor"));
        edits.push(Edit::Batch(Vec::new()));
        let outcomes = doc.apply_each(edits, &schema);
        let refused: Vec<usize> = (0..outcomes.len())
            .filter(|&i| outcomes[i].is_err())
            .collect();
        assert_eq!(refused, [5, 21, 22]);
        assert_eq!(doc.spans().len(), 20);
        assert_consistent(&doc);
    }

    fn span_of(edit: &Edit) -> Span {
        match edit {
            Edit::AddSpan(span) => span.clone(),
            other => unreachable!("not an added span: {other:?}"),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// A batch does what its edits do one after another (merged or one by one,
        /// depending on its size), its inverse restores the document exactly, and the
        /// indexes stay in step throughout.
        #[test]
        fn a_batch_is_its_edits_in_order_and_undoes_exactly(
            setup in prop::collection::vec(op(), 0..30),
            batch in prop::collection::vec(op(), 1..40),
        ) {
            let schema = Schema::default();
            let mut doc = Document::new("d", "D", "x".repeat(40));
            for op in &setup {
                if let Some(edit) = edit_for(&mut doc, &schema, op) {
                    let _ = doc.apply(edit, &schema);
                }
            }
            assert_consistent(&doc);
            let before = doc.clone();
            let mut one_by_one = doc.clone();
            let mut edits = Vec::new();
            for op in &batch {
                if let Some(edit) = edit_for(&mut one_by_one, &schema, op)
                    && one_by_one.apply(edit.clone(), &schema).is_ok()
                {
                    edits.push(edit);
                }
                assert_consistent(&one_by_one);
            }
            // Ids were allocated on `one_by_one`; the batch must not depend on that.
            doc.next_span_id = one_by_one.next_span_id;
            doc.next_link_id = one_by_one.next_link_id;
            doc.next_candidate_id = one_by_one.next_candidate_id;
            let inverse = doc.apply(Edit::Batch(edits), &schema).expect("the batch applies");
            assert_consistent(&doc);
            prop_assert_eq!(&doc, &one_by_one);
            doc.apply(inverse, &schema).expect("the inverse applies");
            assert_consistent(&doc);
            // Ids are never reused, so only the counters stay ahead.
            prop_assert_eq!(doc.spans(), before.spans());
            prop_assert_eq!(doc.links(), before.links());
            prop_assert_eq!(doc.status, before.status);
            prop_assert_eq!(doc.candidates(), before.candidates());
        }

        /// A batch with a refused part at the end leaves the document as it was.
        #[test]
        fn a_refused_batch_changes_nothing(
            setup in prop::collection::vec(op(), 0..30),
            batch in prop::collection::vec(op(), 0..30),
        ) {
            let schema = Schema::default();
            let mut doc = Document::new("d", "D", "x".repeat(40));
            for op in setup.iter().chain(&batch) {
                if let Some(edit) = edit_for(&mut doc, &schema, op) {
                    let _ = doc.apply(edit, &schema);
                }
            }
            let before = doc.clone();
            let mut scratch = doc.clone();
            let mut edits = Vec::new();
            for op in &batch {
                if let Some(edit) = edit_for(&mut scratch, &schema, op)
                    && scratch.apply(edit.clone(), &schema).is_ok()
                {
                    edits.push(edit);
                }
            }
            edits.push(Edit::RemoveLink(Link {
                id: LinkId(u64::MAX),
                from: SpanId(1),
                to: SpanId(2),
                link_type: "said_by".into(),
            }));
            prop_assert!(doc.apply(Edit::Batch(edits), &schema).is_err());
            assert_consistent(&doc);
            prop_assert_eq!(doc, before);
        }
    }
}
