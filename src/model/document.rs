//! A document: an article's text, which never changes once annotated, and its spans,
//! links and status.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::candidate::{Candidate, Comment};
use super::text::TextIndex;

/// Span and link ids stay below this (2^53), and so `next_span_id` and `next_link_id` at
/// most this: every id is then exact as a JSON number (a double), which many tools read
/// them as. Edits refuse larger ids and the loader reports them.
pub const MAX_NEXT_ID: u64 = 1 << 53;

/// Identifies a span within its document. Ids are never reused, even after a removal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SpanId(pub u64);

/// Identifies a link within its document. Ids are never reused, even after a removal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LinkId(pub u64);

impl std::fmt::Display for SpanId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "span {}", self.0)
    }
}

impl std::fmt::Display for LinkId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "link {}", self.0)
    }
}

/// A labelled range of the text: `[start, end)` in Unicode code points, never empty.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    /// Unique within the document.
    pub id: SpanId,
    /// First code point of the span.
    pub start: usize,
    /// One past the last code point of the span.
    pub end: usize,
    /// Key of the span's label in the project schema.
    pub label: String,
    /// The annotator's free-text note, if any.
    pub note: Option<String>,
    /// Provenance: the annotators who had this span when it was taken into a gold
    /// project by review, in file order. Empty for a span made by hand.
    pub annotators: Vec<String>,
    /// Reviewers' comments, oldest first.
    pub comments: Vec<Comment>,
}

impl Span {
    /// A span `[start, end)` labelled `label`, with no note, provenance or comments.
    pub fn new(id: SpanId, start: usize, end: usize, label: impl Into<String>) -> Self {
        Self {
            id,
            start,
            end,
            label: label.into(),
            note: None,
            annotators: Vec::new(),
            comments: Vec::new(),
        }
    }

    /// The key that orders spans in reading order: by start, end, label key and id.
    /// Files store spans in this order, so a diff shows each change where it happened.
    pub fn order_key(&self) -> (usize, usize, &str, SpanId) {
        (self.start, self.end, &self.label, self.id)
    }

    /// Whether the span covers code point `offset`.
    pub fn contains(&self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }

    /// Number of code points in the span.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Spans are never empty; provided for clippy's `len_without_is_empty`.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// A typed, directed connection between two spans, e.g. a quote `said_by` an actor.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Link {
    /// Unique within the document.
    pub id: LinkId,
    /// The span the link starts from (the quote).
    pub from: SpanId,
    /// The span the link points to (the actor).
    pub to: SpanId,
    /// Key of the link type in the project schema.
    pub link_type: String,
}

/// How far the annotation of a document has got.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Not started.
    #[default]
    Todo,
    /// Started, not finished.
    InProgress,
    /// Finished by its annotator.
    Done,
}

impl Status {
    /// All statuses in workflow order.
    pub const ALL: [Status; 3] = [Status::Todo, Status::InProgress, Status::Done];

    /// The word used in files, the CLI and the window.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Todo => "todo",
            Status::InProgress => "in progress",
            Status::Done => "done",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The digest of a text as stored in project files: `sha256:` and 64 hex digits.
pub fn text_digest(text: &str) -> String {
    let hash = Sha256::digest(text.as_bytes());
    let mut digest = String::with_capacity(7 + 64);
    digest.push_str("sha256:");
    for byte in hash {
        use std::fmt::Write as _;
        let _ = write!(digest, "{byte:02x}");
    }
    digest
}

/// One article and its annotations.
///
/// The text is private and immutable: offsets are only meaningful against the exact text
/// they were made on. Spans and links change only through [`crate::model::Edit`]s, which
/// keep the invariants (valid ranges, known labels, unique ids, no exact duplicates).
#[derive(Clone, Debug)]
pub struct Document {
    /// Stable id, unique within the project.
    pub id: String,
    /// Title shown in the document list.
    pub title: String,
    /// Where the text came from (path or URL), if known.
    pub source: Option<String>,
    /// Annotation progress.
    pub status: Status,
    text: String,
    digest: String,
    index: TextIndex,
    /// In [`Span::order_key`] order.
    pub(super) spans: Vec<Span>,
    /// In id order.
    pub(super) links: Vec<Link>,
    /// The range of every span by id: with it a binary search over `spans` finds a span
    /// in O(log n), where a scan took O(n) and made bulk edits quadratic.
    pub(super) span_ranges: HashMap<SpanId, (usize, usize)>,
    /// Both ends of every link, `(span, link)`, so a span's links are found without
    /// scanning them all.
    pub(super) link_ends: BTreeSet<(SpanId, LinkId)>,
    pub(super) next_span_id: u64,
    pub(super) next_link_id: u64,
    /// Proposed annotations awaiting (or past) a decision, in id order.
    pub(super) candidates: Vec<Candidate>,
    pub(super) next_candidate_id: u64,
    /// Bumped by every change of spans or links, so views can cache per revision.
    pub(super) revision: u64,
}

impl PartialEq for Document {
    /// Equal content; the revision counter (a cache key) does not count.
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.title == other.title
            && self.source == other.source
            && self.status == other.status
            && self.text == other.text
            && self.spans == other.spans
            && self.links == other.links
            && self.next_span_id == other.next_span_id
            && self.next_link_id == other.next_link_id
            && self.candidates == other.candidates
            && self.next_candidate_id == other.next_candidate_id
    }
}

impl Document {
    /// A new document with no annotations.
    pub fn new(id: impl Into<String>, title: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let (digest, index) = (text_digest(&text), TextIndex::new(&text));
        Self::with_digest_and_index(id.into(), title.into(), text, digest, index)
    }

    /// [`Document::new`] for a caller that has just computed the text's digest and index
    /// (the project-file loader checks both), so a long text is not hashed and indexed
    /// twice. They must be `text_digest(&text)` and `TextIndex::new(&text)`.
    pub(crate) fn with_digest_and_index(
        id: String,
        title: String,
        text: String,
        digest: String,
        index: TextIndex,
    ) -> Self {
        Self {
            id,
            title,
            source: None,
            status: Status::Todo,
            digest,
            index,
            text,
            spans: Vec::new(),
            links: Vec::new(),
            span_ranges: HashMap::new(),
            link_ends: BTreeSet::new(),
            next_span_id: 1,
            next_link_id: 1,
            candidates: Vec::new(),
            next_candidate_id: 1,
            revision: 0,
        }
    }

    /// Rebuilds a document from stored parts that the caller has already validated
    /// (the project-file loader). Sorts spans and links into their canonical order.
    pub fn from_validated_parts(
        mut self,
        mut spans: Vec<Span>,
        mut links: Vec<Link>,
        next_span_id: u64,
        next_link_id: u64,
    ) -> Self {
        spans.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        links.sort_by_key(|l| l.id);
        self.spans = spans;
        self.links = links;
        self.next_span_id = next_span_id;
        self.next_link_id = next_link_id;
        self.reindex();
        self
    }

    /// Rebuilds the id indexes from the spans and links.
    fn reindex(&mut self) {
        self.span_ranges = self
            .spans
            .iter()
            .map(|s| (s.id, (s.start, s.end)))
            .collect();
        self.link_ends = self
            .links
            .iter()
            .flat_map(|l| [(l.from, l.id), (l.to, l.id)])
            .collect();
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// `sha256:` digest of the text.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// Offset conversions for the text.
    pub fn index(&self) -> &TextIndex {
        &self.index
    }

    /// Length of the text in code points.
    pub fn char_len(&self) -> usize {
        self.index.char_len()
    }

    /// The text of `[start, end)` in code points, if the range lies within the text.
    pub fn slice(&self, start: usize, end: usize) -> Option<&str> {
        self.index.slice(&self.text, start, end)
    }

    /// The text a span covers.
    pub fn span_text(&self, span: &Span) -> &str {
        self.slice(span.start, span.end).unwrap_or_default()
    }

    /// All spans in reading order ([`Span::order_key`]).
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// All links in id order.
    pub fn links(&self) -> &[Link] {
        &self.links
    }

    /// The span with this id.
    pub fn span(&self, id: SpanId) -> Option<&Span> {
        self.position_of(id).map(|at| &self.spans[at])
    }

    /// The link with this id.
    pub fn link(&self, id: LinkId) -> Option<&Link> {
        self.link_at(id).map(|at| &self.links[at])
    }

    /// Links that start or end at the span, in id order.
    pub fn links_of(&self, span: SpanId) -> impl Iterator<Item = &Link> {
        self.link_ends
            .range((span, LinkId(0))..=(span, LinkId(u64::MAX)))
            .filter_map(|&(_, id)| self.link(id))
    }

    /// The spans that cover exactly `[start, end)` (one per label at most).
    pub(super) fn spans_with_range(&self, start: usize, end: usize) -> &[Span] {
        &self.spans[self.positions_with_range(start, end)]
    }

    /// Where the spans covering exactly `[start, end)` are in `spans`.
    fn positions_with_range(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        let first = self
            .spans
            .partition_point(|s| (s.start, s.end) < (start, end));
        let count = self.spans[first..]
            .iter()
            .take_while(|s| (s.start, s.end) == (start, end))
            .count();
        first..first + count
    }

    /// Spans covering code point `offset`, in reading order.
    pub fn spans_at(&self, offset: usize) -> impl Iterator<Item = &Span> {
        let candidates = self.spans.partition_point(|s| s.start <= offset);
        self.spans[..candidates]
            .iter()
            .filter(move |s| s.contains(offset))
    }

    /// Up to `limit` spans that satisfy `keep`, nearest first by how far their start is
    /// from `offset`. Walks outwards from `offset` and stops at `limit`, so with matching
    /// spans nearby it looks at a handful, not the whole document (the inspector calls
    /// it every frame).
    pub fn nearest_spans(
        &self,
        offset: usize,
        limit: usize,
        keep: impl Fn(&Span) -> bool,
    ) -> Vec<&Span> {
        let mid = self.spans.partition_point(|s| s.start < offset);
        let (mut before, mut after) = (
            self.spans[..mid].iter().rev().peekable(),
            self.spans[mid..].iter().peekable(),
        );
        let mut nearest = Vec::with_capacity(limit.min(64));
        while nearest.len() < limit {
            let take_before = match (before.peek(), after.peek()) {
                (Some(b), Some(a)) => offset - b.start <= a.start - offset,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let next = if take_before {
                before.next()
            } else {
                after.next()
            };
            if let Some(span) = next.filter(|s| keep(s)) {
                nearest.push(span);
            }
        }
        nearest
    }

    /// Id the next new span will get.
    pub fn next_span_id(&self) -> SpanId {
        SpanId(self.next_span_id)
    }

    /// Id the next new link will get.
    pub fn next_link_id(&self) -> LinkId {
        LinkId(self.next_link_id)
    }

    /// Changes with every edit of spans or links; a cache key for views.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Number of spans per label key.
    pub fn count_label(&self, label: &str) -> usize {
        self.spans.iter().filter(|s| s.label == label).count()
    }

    /// Follows a schema change: renames label and link-type keys, drops spans whose
    /// label the new schema lacks, then links it no longer allows. Returns how many spans
    /// and links were dropped.
    pub(super) fn migrate_schema(&mut self, change: &super::SchemaChange) -> (usize, usize) {
        let renamed = |key: &mut String, renames: &[(String, String)]| {
            if let Some((_, new)) = renames.iter().find(|(old, _)| old == key) {
                *key = new.clone();
            }
        };
        for span in &mut self.spans {
            renamed(&mut span.label, &change.label_renames);
        }
        for link in &mut self.links {
            renamed(&mut link.link_type, &change.link_type_renames);
        }
        let schema = &change.schema;
        let spans_before = self.spans.len();
        self.spans.retain(|s| schema.label(&s.label).is_some());
        self.spans.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        let labels: std::collections::HashMap<SpanId, &str> = self
            .spans
            .iter()
            .map(|s| (s.id, s.label.as_str()))
            .collect();
        let links_before = self.links.len();
        self.links.retain(
            |link| match (labels.get(&link.from), labels.get(&link.to)) {
                (Some(from), Some(to)) => {
                    super::check_link_labels(schema, &link.link_type, from, to).is_ok()
                }
                _ => false,
            },
        );
        self.reindex();
        self.revision += 1;
        (
            spans_before - self.spans.len(),
            links_before - self.links.len(),
        )
    }

    /// Position at which `span` belongs in the canonical order.
    pub(super) fn insertion_point(&self, span: &Span) -> usize {
        let key = span.order_key();
        self.spans.partition_point(|s| s.order_key() < key)
    }

    /// Position of the span with this id in `spans`.
    pub(super) fn position_of(&self, id: SpanId) -> Option<usize> {
        let &(start, end) = self.span_ranges.get(&id)?;
        self.positions_with_range(start, end)
            .find(|&at| self.spans[at].id == id)
    }

    /// Position of the link with this id in `links`.
    pub(super) fn link_at(&self, id: LinkId) -> Option<usize> {
        self.links.binary_search_by_key(&id, |l| l.id).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_sha256_hex() {
        assert_eq!(
            text_digest("abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn spans_sort_by_start_then_end() {
        let span = |id, start, end| Span::new(SpanId(id), start, end, "actor");
        let mut spans = [span(1, 5, 8), span(2, 0, 3), span(3, 0, 10)];
        spans.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        let ids: Vec<_> = spans.iter().map(|s| s.id.0).collect();
        assert_eq!(ids, [2, 3, 1]);
    }
}
