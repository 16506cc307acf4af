//! Comparing annotators: several project files, one per annotator, over the same
//! articles. Documents are matched by the digest of their text (never by id or title,
//! which colleagues choose freely); labels and link types by key. Every annotator's
//! spans of a document are aligned into one list of distinct spans, each with the
//! annotators who have it and how the others differ, and the spans and links that not
//! everyone has are grouped into disagreements a reviewer steps through.

use std::collections::HashMap;

use crate::model::{Document, Project, Rgb};

/// At most this many files can be compared at once (an [`AnnotatorSet`] is 64 bits).
pub const MAX_ANNOTATORS: usize = 64;

/// Why a comparison cannot be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CompareError {
    /// Fewer than two files.
    #[error("a review compares at least two project files; {given} given")]
    TooFew {
        /// How many were given.
        given: usize,
    },
    /// More files than an [`AnnotatorSet`] holds.
    #[error("a review compares at most {MAX_ANNOTATORS} project files; {given} given")]
    TooMany {
        /// How many were given.
        given: usize,
    },
}

/// A set of annotators by their index in [`Comparison::annotators`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AnnotatorSet(pub u64);

impl AnnotatorSet {
    /// Nobody.
    pub const EMPTY: Self = Self(0);

    /// Just annotator `i` (nobody for `i` of 64 or more, which no comparison has).
    pub fn one(i: usize) -> Self {
        Self(
            u32::try_from(i)
                .ok()
                .and_then(|i| 1u64.checked_shl(i))
                .unwrap_or(0),
        )
    }

    /// The first `n` annotators.
    pub fn first(n: usize) -> Self {
        if n >= 64 {
            Self(u64::MAX)
        } else {
            Self((1 << n) - 1)
        }
    }

    /// Whether annotator `i` is in the set.
    pub fn contains(self, i: usize) -> bool {
        self.0 & Self::one(i).0 != 0
    }

    /// The set with annotator `i` added.
    pub fn with(self, i: usize) -> Self {
        Self(self.0 | Self::one(i).0)
    }

    /// Annotators in either set.
    pub fn or(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// Annotators in both sets.
    pub fn and(self, other: Self) -> Self {
        Self(self.0 & other.0)
    }

    /// Annotators in `self` but not in `other`.
    pub fn without(self, other: Self) -> Self {
        Self(self.0 & !other.0)
    }

    /// Number of annotators in the set.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The annotators' indices, ascending.
    pub fn iter(self) -> impl Iterator<Item = usize> {
        let mut bits = self.0;
        std::iter::from_fn(move || {
            (bits != 0).then(|| {
                let i = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                i
            })
        })
    }
}

/// One annotator: one project file of the review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Annotator {
    /// The name shown everywhere: the file's annotator, with the file's name after it
    /// when two files name the same annotator (`alice (draft)`).
    pub name: String,
    /// Where the file came from, as the caller named it (a file stem or path).
    pub source: String,
}

/// A label of any of the files' schemas, keyed as in the files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewLabel {
    /// The key spans carry.
    pub key: String,
    /// Display name, from the first file that has the label.
    pub name: String,
    /// Colour, from the first file that has the label.
    pub color: Rgb,
    /// The files whose schema has the label.
    pub in_schema: AnnotatorSet,
}

/// A link type of any of the files' schemas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewLinkType {
    /// The key links carry.
    pub key: String,
    /// Display name, from the first file that has it.
    pub name: String,
    /// The files whose schema has it.
    pub in_schema: AnnotatorSet,
}

/// Whether a schema difference is about a label or a link type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SchemaItem {
    /// A label.
    Label,
    /// A link type.
    LinkType,
}

impl SchemaItem {
    /// The words used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            SchemaItem::Label => "label",
            SchemaItem::LinkType => "link type",
        }
    }
}

/// Which property of a label or link type differs between files. Hotkeys and palette
/// order are each annotator's own convenience and are not compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SchemaProperty {
    /// Display name.
    Name,
    /// Colour (labels).
    Colour,
    /// Guideline text (labels).
    Guideline,
    /// Labels a link may start from and point to (link types).
    Ends,
}

impl SchemaProperty {
    /// The words used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            SchemaProperty::Name => "name",
            SchemaProperty::Colour => "colour",
            SchemaProperty::Guideline => "guideline",
            SchemaProperty::Ends => "ends",
        }
    }
}

/// Where the files' schemas differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchemaDifference {
    /// Only some files have this label or link type.
    Missing {
        /// Label or link type.
        item: SchemaItem,
        /// Its key.
        key: String,
        /// The files that have it.
        present_in: AnnotatorSet,
    },
    /// The files that have it give it different values of a property.
    Differs {
        /// Label or link type.
        item: SchemaItem,
        /// Its key.
        key: String,
        /// What differs.
        property: SchemaProperty,
        /// Each distinct value with the files that give it, in file order.
        values: Vec<(String, AnnotatorSet)>,
    },
}

impl SchemaDifference {
    /// One line for reports, naming the annotators.
    pub fn describe(&self, annotators: &[Annotator]) -> String {
        let names = |set: AnnotatorSet| {
            set.iter()
                .filter_map(|i| annotators.get(i).map(|a| a.name.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            SchemaDifference::Missing {
                item,
                key,
                present_in,
            } => {
                let all = AnnotatorSet::first(annotators.len());
                format!(
                    "{} `{key}` is only in the schema of {} (not of {})",
                    item.as_str(),
                    names(*present_in),
                    names(all.without(*present_in))
                )
            }
            SchemaDifference::Differs {
                item,
                key,
                property,
                values,
            } => {
                let values: Vec<String> = values
                    .iter()
                    .map(|(value, set)| format!("{value:?} ({})", names(*set)))
                    .collect();
                format!(
                    "{} `{key}` has another {}: {}",
                    item.as_str(),
                    property.as_str(),
                    values.join(", ")
                )
            }
        }
    }
}

/// How a distinct span stands among the annotators who have its document. When several
/// apply (three annotators), the first in this order wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SpanStatus {
    /// Everyone has this span: same range, same label.
    AllAgree,
    /// Someone who lacks it has a span with the same range and another label.
    SameRangeOtherLabel,
    /// Someone who lacks it has a span with the same label that overlaps it with other
    /// boundaries.
    OverlapOtherBoundaries,
    /// The others have nothing like it there: no span of the same range, and none of
    /// the same label overlapping it.
    OnlySome,
}

impl SpanStatus {
    /// All statuses, agreement first.
    pub const ALL: [SpanStatus; 4] = [
        SpanStatus::AllAgree,
        SpanStatus::SameRangeOtherLabel,
        SpanStatus::OverlapOtherBoundaries,
        SpanStatus::OnlySome,
    ];

    /// The words used in the window's legend and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            SpanStatus::AllAgree => "all agree",
            SpanStatus::SameRangeOtherLabel => "same range, other label",
            SpanStatus::OverlapOtherBoundaries => "overlapping, other boundaries",
            SpanStatus::OnlySome => "only some annotators",
        }
    }
}

/// One distinct span (range and label) of a document, with who has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlignedSpan {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// Index into [`Comparison::labels`].
    pub label: usize,
    /// The annotators who have exactly this span.
    pub annotators: AnnotatorSet,
    /// How the annotators who have the document differ on it.
    pub status: SpanStatus,
    /// Index into [`ReviewDocument::disagreements`] unless everyone agrees.
    pub disagreement: Option<usize>,
}

/// One distinct link of a document (from span, to span, type), with who has it. The
/// ends are aligned spans, so links match only when both ends match exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlignedLink {
    /// Index into [`ReviewDocument::spans`] of the span it starts from.
    pub from: usize,
    /// Index into [`ReviewDocument::spans`] of the span it points to.
    pub to: usize,
    /// Index into [`Comparison::link_types`].
    pub link_type: usize,
    /// The annotators who have this link.
    pub annotators: AnnotatorSet,
    /// Index into [`ReviewDocument::disagreements`] unless everyone has the link.
    pub disagreement: Option<usize>,
}

/// Spans and links that belong to one point of disagreement: a span that not everyone
/// has, together with the spans it conflicts with (the same range under another label,
/// or the same label with other boundaries), and the links not everyone has between
/// them or from them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disagreement {
    /// First code point of the spans involved.
    pub start: usize,
    /// One past the last code point of the spans involved.
    pub end: usize,
    /// Indices into [`ReviewDocument::spans`], ascending.
    pub spans: Vec<usize>,
    /// Indices into [`ReviewDocument::links`], ascending.
    pub links: Vec<usize>,
}

/// One article as the annotators of the review have it.
#[derive(Clone, Debug)]
pub struct ReviewDocument {
    /// The text's digest, by which the files' documents were matched.
    pub digest: String,
    /// Id in the first file that has the document.
    pub id: String,
    /// Title in the first file that has the document.
    pub title: String,
    /// The text (the same in every file that has it).
    pub text: String,
    /// For each annotator, the index of this document in their project's documents.
    pub present: Vec<Option<usize>>,
    /// Every distinct span, ordered by start, end and label index.
    pub spans: Vec<AlignedSpan>,
    /// Every distinct link, ordered by from, to and type.
    pub links: Vec<AlignedLink>,
    /// Points of disagreement in reading order (by start, then end).
    pub disagreements: Vec<Disagreement>,
    /// `max_end[i]`: the largest end among `spans[..=i]`, for range queries.
    max_end: Vec<usize>,
}

impl ReviewDocument {
    /// The annotators who have this document.
    pub fn annotators(&self) -> AnnotatorSet {
        self.present
            .iter()
            .enumerate()
            .filter(|(_, p)| p.is_some())
            .fold(AnnotatorSet::EMPTY, |set, (i, _)| set.with(i))
    }

    /// The annotators whose file lacks this document.
    pub fn missing_from(&self) -> AnnotatorSet {
        AnnotatorSet::first(self.present.len()).without(self.annotators())
    }

    /// Whether at least two annotators have it, so there is something to compare.
    pub fn is_compared(&self) -> bool {
        self.annotators().len() >= 2
    }

    /// Number of points of disagreement, as the document list shows it.
    pub fn disagreement_count(&self) -> usize {
        self.disagreements.len()
    }

    /// Indices of the spans that share at least one code point with `[start, end)`,
    /// in order. Binary searches, then walks only the spans that start before `end`.
    pub fn spans_overlapping(&self, start: usize, end: usize) -> impl Iterator<Item = usize> + '_ {
        let first = self.max_end.partition_point(|&e| e <= start);
        let last = self.spans.partition_point(|s| s.start < end);
        (first..last.max(first)).filter(move |&i| self.spans[i].end > start)
    }

    /// The spans annotator `annotator` has, in order: what the window draws in their
    /// lane.
    pub fn spans_of(&self, annotator: usize) -> impl Iterator<Item = (usize, &AlignedSpan)> {
        self.spans
            .iter()
            .enumerate()
            .filter(move |(_, s)| s.annotators.contains(annotator))
    }

    /// The first disagreement that starts at or after code point `offset`.
    pub fn disagreement_at_or_after(&self, offset: usize) -> Option<usize> {
        let i = self.disagreements.partition_point(|d| d.start < offset);
        (i < self.disagreements.len()).then_some(i)
    }

    /// The last disagreement that starts before code point `offset`.
    pub fn disagreement_before(&self, offset: usize) -> Option<usize> {
        self.disagreements
            .partition_point(|d| d.start < offset)
            .checked_sub(1)
    }
}

/// A disagreement in a comparison: document index and disagreement index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DisagreementRef {
    /// Index into [`Comparison::documents`].
    pub document: usize,
    /// Index into that document's [`ReviewDocument::disagreements`].
    pub index: usize,
}

/// Which way to step through disagreements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// To the next one, in reading order and then document order.
    Next,
    /// To the previous one.
    Previous,
}

/// Several annotators' projects side by side.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// One per file, in the order given.
    pub annotators: Vec<Annotator>,
    /// Every label of any file's schema: the first file's in its order, then labels
    /// only later files have, in theirs.
    pub labels: Vec<ReviewLabel>,
    /// Every link type of any file's schema, in the same kind of order.
    pub link_types: Vec<ReviewLinkType>,
    /// Where the schemas differ.
    pub schema_differences: Vec<SchemaDifference>,
    /// Every document of any file: the first file's in its order, then documents only
    /// later files have, in theirs. Those some files lack are in too, marked by
    /// [`ReviewDocument::present`].
    pub documents: Vec<ReviewDocument>,
}

impl Comparison {
    /// Compares `files`: for each, a source (a file stem or path, which names the
    /// annotator when two files name the same one) and the loaded project.
    pub fn new(files: &[(&str, &Project)]) -> Result<Self, CompareError> {
        if files.len() < 2 {
            return Err(CompareError::TooFew { given: files.len() });
        }
        if files.len() > MAX_ANNOTATORS {
            return Err(CompareError::TooMany { given: files.len() });
        }
        let annotators = annotator_names(files);
        let projects: Vec<&Project> = files.iter().map(|(_, p)| *p).collect();
        let (mut labels, link_types, schema_differences) = schemas(&projects);
        // A span whose label no schema has (a project built in code) still counts.
        for doc in projects.iter().flat_map(|p| &p.documents) {
            for span in doc.spans() {
                if label_index(&labels, &span.label).is_none() {
                    labels.push(ReviewLabel {
                        key: span.label.clone(),
                        name: span.label.clone(),
                        color: Rgb([0x80, 0x80, 0x80]),
                        in_schema: AnnotatorSet::EMPTY,
                    });
                }
            }
        }
        let link_type_keys: Vec<String> = link_types.iter().map(|t| t.key.clone()).collect();
        let groups = match_documents(&projects);
        // Documents align independently: on all cores, in document order.
        let documents: Vec<ReviewDocument> = super::parallel_map(&groups, |present| {
            let docs: Vec<Option<&Document>> = present
                .iter()
                .zip(&projects)
                .map(|(index, project)| index.and_then(|i| project.documents.get(i)))
                .collect();
            let first = docs.iter().flatten().next()?;
            let mut document = ReviewDocument {
                digest: first.digest().to_owned(),
                id: first.id.clone(),
                title: first.title.clone(),
                text: first.text().to_owned(),
                present: present.clone(),
                spans: Vec::new(),
                links: Vec::new(),
                disagreements: Vec::new(),
                max_end: Vec::new(),
            };
            align(&mut document, &docs, &labels, &link_type_keys);
            Some(document)
        })
        .into_iter()
        .flatten()
        .collect();
        Ok(Self {
            annotators,
            labels,
            link_types,
            schema_differences,
            documents,
        })
    }

    /// The documents some files lack, with those files.
    pub fn missing_documents(&self) -> impl Iterator<Item = (usize, AnnotatorSet)> + '_ {
        self.documents
            .iter()
            .enumerate()
            .map(|(i, d)| (i, d.missing_from()))
            .filter(|(_, missing)| !missing.is_empty())
    }

    /// Number of documents that at least two files have.
    pub fn compared_documents(&self) -> usize {
        self.documents.iter().filter(|d| d.is_compared()).count()
    }

    /// Pairs of annotators `(a, b)`, `a < b`, that have no document in common.
    pub fn pairs_without_common_documents(&self) -> Vec<(usize, usize)> {
        let n = self.annotators.len();
        let mut pairs = Vec::new();
        for a in 0..n {
            for b in a + 1..n {
                let both = AnnotatorSet::one(a).with(b);
                if !self
                    .documents
                    .iter()
                    .any(|d| d.annotators().and(both) == both)
                {
                    pairs.push((a, b));
                }
            }
        }
        pairs
    }

    /// Total number of points of disagreement.
    pub fn disagreement_count(&self) -> usize {
        self.documents.iter().map(|d| d.disagreements.len()).sum()
    }

    /// The disagreement after (or before) `from`, across documents; from `None`, the
    /// first (or last) one. `None` when there is none further that way. A `from` that
    /// points past the end of its document counts as its document's end.
    pub fn step(
        &self,
        from: Option<DisagreementRef>,
        direction: Direction,
    ) -> Option<DisagreementRef> {
        let at = |document: usize, index: usize| DisagreementRef { document, index };
        let count = |document: usize| {
            self.documents
                .get(document)
                .map_or(0, |d| d.disagreements.len())
        };
        match direction {
            Direction::Next => {
                let (document, index) = from.map_or((0, 0), |r| (r.document, r.index + 1));
                if index < count(document) {
                    return Some(at(document, index));
                }
                let after = if from.is_some() { document + 1 } else { 0 };
                (after..self.documents.len())
                    .find(|&d| count(d) > 0)
                    .map(|d| at(d, 0))
            }
            Direction::Previous => {
                let before = match from {
                    Some(r) if r.index > 0 && count(r.document) > 0 => {
                        return Some(at(r.document, (r.index - 1).min(count(r.document) - 1)));
                    }
                    Some(r) => r.document.min(self.documents.len()),
                    None => self.documents.len(),
                };
                (0..before)
                    .rev()
                    .find(|&d| count(d) > 0)
                    .map(|d| at(d, count(d) - 1))
            }
        }
    }
}

/// Each file's annotator name; when two files give the same name (or none), the source
/// follows in brackets, and if even that repeats, the file's position.
pub(super) fn annotator_names(files: &[(&str, &Project)]) -> Vec<Annotator> {
    let base: Vec<String> = files
        .iter()
        .map(|(source, project)| {
            let name = project.annotator.trim();
            if name.is_empty() {
                (*source).to_owned()
            } else {
                name.to_owned()
            }
        })
        .collect();
    let count = |names: &[String], name: &str| names.iter().filter(|n| *n == name).count();
    let with_source: Vec<String> = base
        .iter()
        .zip(files)
        .map(|(name, (source, _))| {
            if count(&base, name) > 1 && name != source {
                format!("{name} ({source})")
            } else {
                name.clone()
            }
        })
        .collect();
    with_source
        .iter()
        .zip(files)
        .enumerate()
        .map(|(i, (name, (source, _)))| Annotator {
            name: if count(&with_source, name) > 1 {
                format!("{name} #{}", i + 1)
            } else {
                name.clone()
            },
            source: (*source).to_owned(),
        })
        .collect()
}

/// The union of the schemas and where they differ.
fn schemas(
    projects: &[&Project],
) -> (Vec<ReviewLabel>, Vec<ReviewLinkType>, Vec<SchemaDifference>) {
    let all = AnnotatorSet::first(projects.len());
    let mut labels: Vec<ReviewLabel> = Vec::new();
    let mut link_types: Vec<ReviewLinkType> = Vec::new();
    for (i, project) in projects.iter().enumerate() {
        for label in &project.schema.labels {
            match labels.iter_mut().find(|l| l.key == label.key) {
                Some(known) => known.in_schema = known.in_schema.with(i),
                None => labels.push(ReviewLabel {
                    key: label.key.clone(),
                    name: label.name.clone(),
                    color: label.color,
                    in_schema: AnnotatorSet::one(i),
                }),
            }
        }
        for link_type in &project.schema.link_types {
            match link_types.iter_mut().find(|t| t.key == link_type.key) {
                Some(known) => known.in_schema = known.in_schema.with(i),
                None => link_types.push(ReviewLinkType {
                    key: link_type.key.clone(),
                    name: link_type.name.clone(),
                    in_schema: AnnotatorSet::one(i),
                }),
            }
        }
    }
    let mut differences = Vec::new();
    // Distinct values of one property among the files, with who gives each.
    let differs = |item: SchemaItem,
                   key: &str,
                   property: SchemaProperty,
                   value_of: &dyn Fn(&Project) -> Option<String>|
     -> Option<SchemaDifference> {
        let mut values: Vec<(String, AnnotatorSet)> = Vec::new();
        for (i, project) in projects.iter().enumerate() {
            let Some(value) = value_of(project) else {
                continue;
            };
            match values.iter_mut().find(|(v, _)| *v == value) {
                Some((_, set)) => *set = set.with(i),
                None => values.push((value, AnnotatorSet::one(i))),
            }
        }
        (values.len() > 1).then(|| SchemaDifference::Differs {
            item,
            key: key.to_owned(),
            property,
            values,
        })
    };
    for label in &labels {
        if label.in_schema != all {
            differences.push(SchemaDifference::Missing {
                item: SchemaItem::Label,
                key: label.key.clone(),
                present_in: label.in_schema,
            });
        }
        let key = label.key.as_str();
        for property in [
            SchemaProperty::Name,
            SchemaProperty::Colour,
            SchemaProperty::Guideline,
        ] {
            differences.extend(differs(SchemaItem::Label, key, property, &|p| {
                p.schema.label(key).map(|l| match property {
                    SchemaProperty::Colour => l.color.to_string(),
                    SchemaProperty::Guideline => l.description.clone(),
                    SchemaProperty::Name | SchemaProperty::Ends => l.name.clone(),
                })
            }));
        }
    }
    for link_type in &link_types {
        if link_type.in_schema != all {
            differences.push(SchemaDifference::Missing {
                item: SchemaItem::LinkType,
                key: link_type.key.clone(),
                present_in: link_type.in_schema,
            });
        }
        let key = link_type.key.as_str();
        differences.extend(differs(
            SchemaItem::LinkType,
            key,
            SchemaProperty::Name,
            &|p| p.schema.link_type(key).map(|t| t.name.clone()),
        ));
        differences.extend(differs(
            SchemaItem::LinkType,
            key,
            SchemaProperty::Ends,
            &|p| {
                p.schema.link_type(key).map(|t| {
                    let mut from = t.from.clone();
                    let mut to = t.to.clone();
                    from.sort();
                    to.sort();
                    format!("{} → {}", from.join(", "), to.join(", "))
                })
            },
        ));
    }
    (labels, link_types, differences)
}

/// Groups the files' documents by text: for each group, the index of the document in
/// each project. A file holding the same text twice matches its n-th copy with the
/// other files' n-th copy, so nothing is dropped.
pub(super) fn match_documents(projects: &[&Project]) -> Vec<Vec<Option<usize>>> {
    let mut groups: Vec<Vec<Option<usize>>> = Vec::new();
    let mut by_key: HashMap<(&str, usize), usize> = HashMap::new();
    for (a, project) in projects.iter().enumerate() {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (d, doc) in project.documents.iter().enumerate() {
            let copy = seen.entry(doc.digest()).or_insert(0);
            let key = (doc.digest(), *copy);
            *copy += 1;
            let group = *by_key.entry(key).or_insert_with(|| {
                groups.push(vec![None; projects.len()]);
                groups.len() - 1
            });
            groups[group][a] = Some(d);
        }
    }
    groups
}

/// A tiny union-find over span indices, for grouping disagreements.
struct Groups(Vec<usize>);

impl Groups {
    fn root(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        if a != b {
            self.0[a.max(b)] = a.min(b);
        }
    }
}

/// The index of the label whose key is `key`. A schema has a handful of labels, and
/// comparing a few short strings beats hashing each span's label.
fn label_index(labels: &[ReviewLabel], key: &str) -> Option<usize> {
    labels.iter().position(|label| label.key == key)
}

/// Fills in the document's aligned spans, links, statuses and disagreements.
fn align(
    document: &mut ReviewDocument,
    docs: &[Option<&Document>],
    labels: &[ReviewLabel],
    link_types: &[String],
) {
    let present = document.annotators();
    // Every annotator's spans as (start, end, label, annotator), sorted: equal spans
    // come together and merge into one aligned span.
    let total: usize = docs.iter().flatten().map(|d| d.spans().len()).sum();
    let mut all: Vec<(usize, usize, usize, usize)> = Vec::with_capacity(total);
    for (a, doc) in docs.iter().enumerate() {
        let Some(doc) = doc else { continue };
        // Spans of one label often follow each other: try the last one first.
        let mut last = 0;
        for span in doc.spans() {
            let label = if labels.get(last).is_some_and(|l| l.key == span.label) {
                last
            } else {
                label_index(labels, &span.label).unwrap_or(0)
            };
            last = label;
            all.push((span.start, span.end, label, a));
        }
    }
    all.sort_unstable();
    let mut spans: Vec<AlignedSpan> = Vec::with_capacity(total);
    for (start, end, label, a) in all {
        match spans.last_mut() {
            Some(last) if (last.start, last.end, last.label) == (start, end, label) => {
                last.annotators = last.annotators.with(a);
            }
            _ => spans.push(AlignedSpan {
                start,
                end,
                label,
                annotators: AnnotatorSet::one(a),
                status: SpanStatus::AllAgree,
                disagreement: None,
            }),
        }
    }

    // For "overlapping, other boundaries": per label and annotator, their spans' starts
    // in order with the running maximum of ends, so one binary search tells whether
    // any of them overlaps a range.
    let label_count = spans.iter().map(|s| s.label + 1).max().unwrap_or(0);
    let mut by_label: Vec<Vec<Vec<(usize, usize)>>> =
        vec![vec![Vec::new(); docs.len()]; label_count];
    for span in &spans {
        for a in span.annotators.iter() {
            let list = &mut by_label[span.label][a];
            let max_end = list.last().map_or(span.end, |&(_, m)| m.max(span.end));
            list.push((span.start, max_end));
        }
    }
    // Whether annotator `a` has a span labelled `label` sharing a code point with
    // [start, end).
    let overlaps = |a: usize, label: usize, start: usize, end: usize| {
        let list = &by_label[label][a];
        let before_end = list.partition_point(|&(s, _)| s < end);
        before_end > 0 && list[before_end - 1].1 > start
    };

    // Statuses. Spans with the same range sit next to each other.
    let mut range_start = 0;
    while range_start < spans.len() {
        let range = (spans[range_start].start, spans[range_start].end);
        let range_end = range_start
            + spans[range_start..]
                .iter()
                .take_while(|s| (s.start, s.end) == range)
                .count();
        let at_range = spans[range_start..range_end]
            .iter()
            .fold(AnnotatorSet::EMPTY, |set, s| set.or(s.annotators));
        for span in &mut spans[range_start..range_end] {
            let lacking = present.without(span.annotators);
            span.status = if lacking.is_empty() {
                SpanStatus::AllAgree
            } else if !lacking.and(at_range).is_empty() {
                SpanStatus::SameRangeOtherLabel
            } else if lacking
                .iter()
                .any(|a| overlaps(a, span.label, span.start, span.end))
            {
                SpanStatus::OverlapOtherBoundaries
            } else {
                SpanStatus::OnlySome
            };
        }
        range_start = range_end;
    }

    // Links, on aligned span indices.
    let mut links: Vec<(usize, usize, usize, usize)> = Vec::new();
    for (a, doc) in docs.iter().enumerate() {
        let Some(doc) = doc else { continue };
        if doc.links().is_empty() {
            continue;
        }
        // Span ids to aligned indices, sorted by id, once per document.
        let mut ids: Vec<(crate::model::SpanId, usize)> = doc
            .spans()
            .iter()
            .filter_map(|span| {
                let label = label_index(labels, &span.label)?;
                let key = (span.start, span.end, label);
                let i = spans
                    .binary_search_by(|s| (s.start, s.end, s.label).cmp(&key))
                    .ok()?;
                Some((span.id, i))
            })
            .collect();
        ids.sort_unstable();
        let aligned = |id| {
            ids.binary_search_by_key(&id, |&(id, _)| id)
                .ok()
                .map(|i| ids[i].1)
        };
        for link in doc.links() {
            let (Some(from), Some(to)) = (aligned(link.from), aligned(link.to)) else {
                continue;
            };
            let Some(link_type) = link_types.iter().position(|t| *t == link.link_type) else {
                continue;
            };
            links.push((from, to, link_type, a));
        }
    }
    links.sort_unstable();
    let mut aligned_links: Vec<AlignedLink> = Vec::with_capacity(links.len());
    for (from, to, link_type, a) in links {
        match aligned_links.last_mut() {
            Some(last) if (last.from, last.to, last.link_type) == (from, to, link_type) => {
                last.annotators = last.annotators.with(a);
            }
            _ => aligned_links.push(AlignedLink {
                from,
                to,
                link_type,
                annotators: AnnotatorSet::one(a),
                disagreement: None,
            }),
        }
    }

    document.disagreements = disagreements(&mut spans, &mut aligned_links, present);
    document.max_end = spans
        .iter()
        .scan(0, |max, s| {
            *max = s.end.max(*max);
            Some(*max)
        })
        .collect();
    document.spans = spans;
    document.links = aligned_links;
}

/// Groups the spans and links not everyone has into points of disagreement, in reading
/// order, and records each one's group on it.
fn disagreements(
    spans: &mut [AlignedSpan],
    links: &mut [AlignedLink],
    present: AnnotatorSet,
) -> Vec<Disagreement> {
    let mut groups = Groups((0..spans.len()).collect());
    let open = |s: &AlignedSpan| s.status != SpanStatus::AllAgree;
    // The same range under other labels: neighbours in the order.
    for i in 1..spans.len() {
        let (a, b) = (&spans[i - 1], &spans[i]);
        if open(a) && open(b) && (a.start, a.end) == (b.start, b.end) {
            groups.join(i - 1, i);
        }
    }
    // The same label, overlapping: runs of overlapping spans in start order.
    let labels = spans.iter().map(|s| s.label + 1).max().unwrap_or(0);
    let mut run: Vec<Option<(usize, usize)>> = vec![None; labels]; // (first span, max end)
    for (i, span) in spans.iter().enumerate() {
        if !open(span) {
            continue;
        }
        match run[span.label] {
            Some((first, end)) if span.start < end => {
                groups.join(first, i);
                run[span.label] = Some((first, end.max(span.end)));
            }
            _ => run[span.label] = Some((i, span.end)),
        }
    }
    // Links not everyone has join the group of an end that is itself in dispute, else
    // form their own at the span they start from.
    let mut link_groups: Vec<(usize, usize)> = Vec::new(); // (link, span whose group)
    for (l, link) in links.iter().enumerate() {
        if link.annotators == present {
            continue;
        }
        let anchor = if open(&spans[link.from]) || !open(&spans[link.to]) {
            link.from
        } else {
            link.to
        };
        link_groups.push((l, anchor));
    }

    // Collect the groups by root.
    let mut index_of_root: Vec<Option<usize>> = vec![None; spans.len()];
    let mut out: Vec<Disagreement> = Vec::new();
    let mut member = |root: usize, start: usize, end: usize, out: &mut Vec<Disagreement>| {
        let i = *index_of_root[root].get_or_insert_with(|| {
            out.push(Disagreement {
                start,
                end,
                spans: Vec::new(),
                links: Vec::new(),
            });
            out.len() - 1
        });
        let group = &mut out[i];
        group.start = group.start.min(start);
        group.end = group.end.max(end);
        i
    };
    let mut span_group: Vec<Option<usize>> = vec![None; spans.len()];
    for i in 0..spans.len() {
        if open(&spans[i]) {
            let root = groups.root(i);
            let g = member(root, spans[i].start, spans[i].end, &mut out);
            out[g].spans.push(i);
            span_group[i] = Some(g);
        }
    }
    for (l, anchor) in link_groups {
        // An agreed anchor span gets a group of its own for its links: its root is
        // itself, and no open span shares it.
        let root = groups.root(anchor);
        let g = member(root, spans[anchor].start, spans[anchor].end, &mut out);
        out[g].links.push(l);
    }

    // Reading order, then renumber what points at the groups.
    let mut order: Vec<usize> = (0..out.len()).collect();
    order.sort_by_key(|&g| (out[g].start, out[g].end, g));
    let mut new_index = vec![0; out.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    for (i, group) in span_group.into_iter().enumerate() {
        spans[i].disagreement = group.map(|g| new_index[g]);
    }
    let mut sorted: Vec<Disagreement> = Vec::with_capacity(out.len());
    for &old in &order {
        sorted.push(std::mem::replace(
            &mut out[old],
            Disagreement {
                start: 0,
                end: 0,
                spans: Vec::new(),
                links: Vec::new(),
            },
        ));
    }
    for (g, group) in sorted.iter().enumerate() {
        for &l in &group.links {
            links[l].disagreement = Some(g);
        }
    }
    sorted
}

#[cfg(test)]
mod tests;
