//! Three-way merge of project files, for git: the model is merged, not the lines.
//!
//! `merge(base, ours, theirs)` takes what each side changed since their common ancestor
//! and puts both sets of changes together. Documents are matched by id (one both sides
//! added under different ids, by its text digest), and are merged
//! only where all sides hold the same text (by digest): offsets mean nothing against
//! another text, so such a document is refused, ours kept. Within a document, spans,
//! links and candidates that existed in the base are matched by id, field by field (a
//! span's range, label, note, provenance and comments); what only one side changed is
//! taken, the same change on both sides once. What both sides added is kept, one copy of
//! an annotation both added alike; theirs' additions get fresh ids above both sides'
//! next ids whenever both sides added something, and the links that name them follow.
//!
//! Real conflicts never make an unreadable file. They become review's candidates, the
//! one mechanism for proposed annotations (`src/model/candidate.rs`):
//! - a span both sides moved or relabelled differently, or that one side removed while
//!   the other changed it, is taken out of the spans, and each side's version that still
//!   exists becomes a pending candidate of origin `merge("ours")` / `merge("theirs")`,
//!   its note and comments as the candidate's comments; the links touching it become
//!   link candidates of each side the same way;
//! - a link that no longer fits (an end gone or turned into a candidate, or a label the
//!   link type does not allow any more) becomes a candidate of its side with its ends.
//!
//! What has no candidate form is settled by a fixed rule and reported: a note changed
//! differently on both sides keeps ours, theirs becoming a comment on the span by
//! theirs' annotator; a document's status set differently becomes the less advanced of
//! the two (a merge never marks a document done that one side still works on); other
//! values set differently (a title, the project's name or reporting verbs, a label's
//! colour) keep ours; provenance and comments changed on both sides are united. Every
//! such case counts as a conflict: the git driver exits non-zero so that git marks the
//! file conflicted.
//!
//! The merge is deterministic: nothing is iterated in hash order, and the same inputs
//! give the same project, which the writer turns into the same bytes.

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::model::{
    Candidate, CandidateId, Comment, Decision, Document, Label, Link, LinkId, LinkType, Origin,
    Project, Proposal, Schema, Span, SpanId, SpanKey, Status, check_link_labels,
};

/// One side of the merge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    /// The branch being merged into (git's `%A`).
    Ours,
    /// The branch being merged (git's `%B`).
    Theirs,
}

impl Side {
    /// `ours` or `theirs`: the name in candidates' origins and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Ours => "ours",
            Side::Theirs => "theirs",
        }
    }

    /// The origin of a candidate holding this side's version.
    pub fn origin(self) -> Origin {
        Origin::Merge(self.as_str().to_owned())
    }
}

/// A conflict the merge could not settle by itself: where, and what it did about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The document's id, or empty for the project (name, annotator, reporting verbs,
    /// schema).
    pub document: String,
    /// What happened and what the merged file holds, in plain words.
    pub message: String,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.document.is_empty() {
            write!(f, "project: {}", self.message)
        } else {
            write!(f, "document `{}`: {}", self.document, self.message)
        }
    }
}

/// A document whose text differs between the sides: never merged, ours kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefusedDocument {
    /// Its id.
    pub id: String,
    /// Its title (ours').
    pub title: String,
    /// Which sides changed the text, in plain words.
    pub reason: String,
}

impl fmt::Display for RefusedDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "document `{}` {}: {}; not merged, ours kept",
            self.id,
            crate::model::Quoted(&self.title),
            self.reason
        )
    }
}

/// The merged project and what the merge could not settle.
#[derive(Clone, Debug)]
pub struct MergeOutcome {
    /// The merged project: valid, conflicts as open candidates.
    pub project: Project,
    /// Conflicts, in project order (project first, then document by document).
    pub conflicts: Vec<Conflict>,
    /// Documents not merged because their text differs between the sides.
    pub refused_documents: Vec<RefusedDocument>,
    /// Open candidates the merge made for its conflicts.
    pub conflict_candidates: usize,
}

impl MergeOutcome {
    /// Whether the merge settled everything (the driver then exits 0).
    pub fn is_clean(&self) -> bool {
        self.conflicts.is_empty() && self.refused_documents.is_empty()
    }
}

impl fmt::Display for MergeOutcome {
    /// The report the git driver prints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for refused in &self.refused_documents {
            writeln!(f, "refused: {refused}")?;
        }
        for conflict in &self.conflicts {
            writeln!(f, "conflict: {conflict}")?;
        }
        if self.is_clean() {
            writeln!(f, "merged cleanly")
        } else {
            writeln!(
                f,
                "{} conflict{}, {} refused document{}, {} open candidate{} from the merge",
                self.conflicts.len(),
                plural(self.conflicts.len()),
                self.refused_documents.len(),
                plural(self.refused_documents.len()),
                self.conflict_candidates,
                plural(self.conflict_candidates)
            )
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Merges `ours` and `theirs`, two descendants of `base`. For two files with no common
/// ancestor (added on both branches), pass an empty base: `Project` with no documents
/// and an empty schema.
pub fn merge(base: &Project, ours: &Project, theirs: &Project) -> MergeOutcome {
    let mut conflicts = Vec::new();
    let mut project_conflict = |message: String| {
        conflicts.push(Conflict {
            document: String::new(),
            message,
        });
    };
    let name = pick_scalar(
        &base.name,
        &ours.name,
        &theirs.name,
        "the name",
        &mut project_conflict,
    );
    let annotator = pick_scalar(
        &base.annotator,
        &ours.annotator,
        &theirs.annotator,
        "the annotator",
        &mut project_conflict,
    );
    let reporting_verbs = merge_reporting_verbs(base, ours, theirs, &mut project_conflict);
    let merged_schema = merge_schema(&base.schema, &ours.schema, &theirs.schema, &mut conflicts);
    // Documents are checked against every label and link type any side has, so that a
    // span of a label one side removed is kept rather than lost; the final schema keeps
    // those that are still used (each reported).
    let permissive = permissive_schema(&merged_schema, &ours.schema, &theirs.schema);
    let authors = [author(ours, Side::Ours), author(theirs, Side::Theirs)];

    let mut refused_documents = Vec::new();
    let mut documents = Vec::new();
    let mut conflict_candidates = 0;
    let same_text = same_text_other_id(base, ours, theirs);
    let triples = keyed_triples(
        &base.documents,
        &ours.documents,
        &theirs.documents,
        |d: &Document| {
            same_text
                .get(d.id.as_str())
                .map_or_else(|| d.id.clone(), |id| (*id).to_owned())
        },
    );
    for (id, b, o, t) in triples {
        let mut doc_conflicts = Vec::new();
        let mut say = |message: String| {
            doc_conflicts.push(Conflict {
                document: id.clone(),
                message,
            });
        };
        // A document taken whole from one side, with that side's schema: its links are
        // checked against the merged schema below.
        let whole = |doc: &Document, side: Side| {
            let schema = match side {
                Side::Ours => &ours.schema,
                Side::Theirs => &theirs.schema,
            };
            Some((doc.clone(), Some((schema, side))))
        };
        let merged = match (b, o, t) {
            (_, None, None) => None,
            (Some(b), Some(one), None) | (Some(b), None, Some(one)) if one == b => None,
            (Some(_), Some(kept), None) => {
                say("removed in theirs, changed in ours: kept ours' version".to_owned());
                whole(kept, Side::Ours)
            }
            (Some(_), None, Some(kept)) => {
                say("removed in ours, changed in theirs: kept theirs' version".to_owned());
                whole(kept, Side::Theirs)
            }
            (None, Some(one), None) => whole(one, Side::Ours),
            (None, None, Some(one)) => whole(one, Side::Theirs),
            (b, Some(o), Some(t)) => {
                if o == t || b.is_some_and(|b| b == t) {
                    whole(o, Side::Ours)
                } else if b.is_some_and(|b| b == o) {
                    whole(t, Side::Theirs)
                } else if o.digest() != t.digest() {
                    let replaced = |d: &Document| b.is_some_and(|b| b.digest() != d.digest());
                    let reason = match (b, replaced(o), replaced(t)) {
                        (None, _, _) => "added on both sides with different texts",
                        (Some(_), true, true) => "its text was replaced on both sides",
                        (Some(_), true, false) => {
                            "its text was replaced in ours while theirs annotated it"
                        }
                        _ => "its text was replaced in theirs while ours annotated it",
                    };
                    refused_documents.push(RefusedDocument {
                        id: id.clone(),
                        title: o.title.clone(),
                        reason: reason.to_owned(),
                    });
                    whole(o, Side::Ours)
                } else {
                    // Both sides replaced the text alike: the base's offsets do not
                    // apply, so the two are merged as if both had added the document.
                    let b = b.filter(|b| b.digest() == o.digest());
                    let (doc, made) = merge_document(b, o, t, &permissive, &authors, &mut say);
                    conflict_candidates += made;
                    Some((doc, None))
                }
            }
        };
        let merged = match merged {
            // Checked only when the schemas differ: the other side's schema change may
            // not allow some of its links (they become candidates, as in any merge).
            Some((doc, Some((schema, side))))
                if *schema != permissive && !fits(&doc, &permissive) =>
            {
                // Merged as that side's additions to an empty copy, so that what does
                // not fit becomes that side's candidates.
                let empty = doc
                    .clone()
                    .from_validated_parts(Vec::new(), Vec::new(), 1, 1)
                    .with_validated_candidates(Vec::new(), 1);
                let (o, t) = match side {
                    Side::Ours => (&doc, &empty),
                    Side::Theirs => (&empty, &doc),
                };
                let (doc, made) =
                    merge_document(Some(&empty), o, t, &permissive, &authors, &mut say);
                conflict_candidates += made;
                Some(doc)
            }
            other => other.map(|(doc, _)| doc),
        };
        conflicts.extend(doc_conflicts);
        documents.extend(merged);
    }
    let schema = final_schema(merged_schema, &permissive, &documents, &mut conflicts);
    MergeOutcome {
        project: Project {
            name,
            annotator,
            schema,
            reporting_verbs,
            documents,
        },
        conflicts,
        refused_documents,
        conflict_candidates,
    }
}

/// Documents both sides added with the same text under different ids (the same
/// article imported on two branches): theirs' id -> ours' id, so that they merge as one
/// document under ours' id. Only ids neither the base nor the other side has.
fn same_text_other_id<'a>(
    base: &Project,
    ours: &'a Project,
    theirs: &'a Project,
) -> HashMap<&'a str, &'a str> {
    let only = |doc: &Document, other: &Project| {
        base.document(&doc.id).is_none() && other.document(&doc.id).is_none()
    };
    let mut ours_new: Vec<&Document> = ours.documents.iter().filter(|d| only(d, theirs)).collect();
    let mut renamed = HashMap::new();
    if ours_new.is_empty() {
        return renamed;
    }
    for doc in theirs.documents.iter().filter(|d| only(d, ours)) {
        if let Some(at) = ours_new.iter().position(|o| o.digest() == doc.digest()) {
            renamed.insert(doc.id.as_str(), ours_new.remove(at).id.as_str());
        }
    }
    renamed
}

/// Whether every link and link candidate of a document fits `schema` (its labels are
/// all in it).
fn fits(doc: &Document, schema: &Schema) -> bool {
    let labels: HashMap<SpanId, &str> = doc
        .spans()
        .iter()
        .map(|s| (s.id, s.label.as_str()))
        .collect();
    let links = doc
        .links()
        .iter()
        .all(|l| match (labels.get(&l.from), labels.get(&l.to)) {
            (Some(from), Some(to)) => check_link_labels(schema, &l.link_type, from, to).is_ok(),
            _ => false,
        });
    links
        && doc.candidates().iter().all(|c| match &c.proposal {
            Proposal::Link {
                from,
                to,
                link_type,
            } => check_link_labels(schema, link_type, &from.label, &to.label).is_ok(),
            Proposal::Span(_) => true,
        })
}

/// The name a side's comments are written by: its annotator, else the side's name.
fn author(project: &Project, side: Side) -> String {
    if project.annotator.trim().is_empty() {
        side.as_str().to_owned()
    } else {
        project.annotator.clone()
    }
}

/// The three-way merge of one value: what changed on one side, or the same change on
/// both; `None` when both changed it differently.
fn three<'a, T: PartialEq + ?Sized>(base: &'a T, ours: &'a T, theirs: &'a T) -> Option<&'a T> {
    if ours == theirs || theirs == base {
        Some(ours)
    } else if ours == base {
        Some(theirs)
    } else {
        None
    }
}

/// [`three`] for a value shown in reports: on a conflict ours is kept and said.
fn pick_scalar<T: PartialEq + Clone + fmt::Debug>(
    base: &T,
    ours: &T,
    theirs: &T,
    what: &str,
    say: &mut impl FnMut(String),
) -> T {
    match three(base, ours, theirs) {
        Some(value) => value.clone(),
        None => {
            say(format!(
                "{what} was set to {ours:?} in ours and {theirs:?} in theirs: kept ours"
            ));
            ours.clone()
        }
    }
}

/// The project's reporting verbs, three-way as one value like the name: one side's
/// change is taken; set differently on both sides, ours is kept and said (the built-in
/// list named as such rather than as `None`).
fn merge_reporting_verbs(
    base: &Project,
    ours: &Project,
    theirs: &Project,
    say: &mut impl FnMut(String),
) -> Option<Vec<String>> {
    let (b, o, t) = (
        &base.reporting_verbs,
        &ours.reporting_verbs,
        &theirs.reporting_verbs,
    );
    if let Some(value) = three(b, o, t) {
        return value.clone();
    }
    let describe = |verbs: &Option<Vec<String>>| match verbs {
        None => "the built-in list".to_owned(),
        Some(verbs) if verbs.is_empty() => "no verb".to_owned(),
        Some(verbs) => format!("{verbs:?}"),
    };
    say(format!(
        "the reporting verbs were set to {} in ours and {} in theirs: kept ours",
        describe(o),
        describe(t)
    ));
    o.clone()
}

/// A key and the base's, ours' and theirs' item of that key.
type Triple<'a, K, T> = (K, Option<&'a T>, Option<&'a T>, Option<&'a T>);

/// Every key of three ordered lists with each list's item, in the merged order: the
/// order of the side that reordered (ours when both did, or neither), then the keys
/// only the other side has, in its order, then the base's.
fn keyed_triples<'a, K: Ord + Clone + std::hash::Hash, T>(
    base: &'a [T],
    ours: &'a [T],
    theirs: &'a [T],
    key: impl Fn(&T) -> K,
) -> Vec<Triple<'a, K, T>> {
    let index = |items: &'a [T]| -> HashMap<K, &'a T> {
        let mut map = HashMap::with_capacity(items.len());
        for item in items {
            map.entry(key(item)).or_insert(item);
        }
        map
    };
    let (b, o, t) = (index(base), index(ours), index(theirs));
    let keys = |items: &[T]| -> Vec<K> { items.iter().map(&key).collect() };
    let (base_keys, ours_keys, theirs_keys) = (keys(base), keys(ours), keys(theirs));
    let first = if ours_keys == base_keys {
        [&theirs_keys, &ours_keys, &base_keys]
    } else {
        [&ours_keys, &theirs_keys, &base_keys]
    };
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for k in first.into_iter().flatten() {
        if seen.insert(k.clone()) {
            out.push((
                k.clone(),
                b.get(k).copied(),
                o.get(k).copied(),
                t.get(k).copied(),
            ));
        }
    }
    out
}

/// Merges keyed schema entries (labels or link types): each entry three-way as a whole.
fn merge_entries<T: Clone + PartialEq>(
    base: &[T],
    ours: &[T],
    theirs: &[T],
    key: impl Fn(&T) -> String,
    what: &str,
    conflicts: &mut Vec<Conflict>,
) -> Vec<T> {
    let mut say = |message: String| {
        conflicts.push(Conflict {
            document: String::new(),
            message,
        });
    };
    let mut out = Vec::new();
    for (k, b, o, t) in keyed_triples(base, ours, theirs, &key) {
        let kept = match (b, o, t) {
            (_, None, None) => None,
            (Some(b), Some(one), None) | (Some(b), None, Some(one)) if one == b => None,
            (Some(_), Some(one), None) | (Some(_), None, Some(one)) => {
                let changed = if o.is_some() { "ours" } else { "theirs" };
                say(format!(
                    "{what} `{k}` was removed on one side and changed in {changed}: kept"
                ));
                Some(one)
            }
            (None, Some(one), None) | (None, None, Some(one)) => Some(one),
            (b, Some(o), Some(t)) => match b {
                Some(b) => three(b, o, t).or_else(|| {
                    say(format!(
                        "{what} `{k}` was changed differently on both sides: kept ours"
                    ));
                    Some(o)
                }),
                None if o == t => Some(o),
                None => {
                    say(format!(
                        "{what} `{k}` was added differently on both sides: kept ours"
                    ));
                    Some(o)
                }
            },
        };
        out.extend(kept.cloned());
    }
    out
}

fn merge_schema(
    base: &Schema,
    ours: &Schema,
    theirs: &Schema,
    conflicts: &mut Vec<Conflict>,
) -> Schema {
    if let Some(same) = three(base, ours, theirs) {
        return same.clone();
    }
    let labels = merge_entries(
        &base.labels,
        &ours.labels,
        &theirs.labels,
        |l: &Label| l.key.clone(),
        "label",
        conflicts,
    );
    let link_types = merge_entries(
        &base.link_types,
        &ours.link_types,
        &theirs.link_types,
        |t: &LinkType| t.key.clone(),
        "link type",
        conflicts,
    );
    let mut schema = Schema { labels, link_types };
    // Each side's hotkeys are distinct, but a label of each may now share one.
    let mut taken: Vec<u8> = Vec::new();
    for label in &mut schema.labels {
        if let Some(key) = label.hotkey {
            if taken.contains(&key) {
                conflicts.push(Conflict {
                    document: String::new(),
                    message: format!(
                        "label `{}` has hotkey {key}, which another label took in the \
                         merge: it has none now",
                        label.key
                    ),
                });
                label.hotkey = None;
            } else {
                taken.push(key);
            }
        }
    }
    schema
}

/// The merged schema with, after its own entries, the labels and link types of ours
/// and theirs it lacks (ours' first): what the documents are merged against.
fn permissive_schema(merged: &Schema, ours: &Schema, theirs: &Schema) -> Schema {
    let mut schema = merged.clone();
    for side in [ours, theirs] {
        for label in &side.labels {
            if schema.label(&label.key).is_none() {
                schema.labels.push(Label {
                    hotkey: None,
                    ..label.clone()
                });
            }
        }
        for link_type in &side.link_types {
            if schema.link_type(&link_type.key).is_none() {
                schema.link_types.push(link_type.clone());
            }
        }
    }
    schema
}

/// The merged schema, with the permissive schema's extra entries that the merged
/// documents still use (each reported: one side removed it, the other still uses it),
/// and no link type naming a label that is gone.
fn final_schema(
    merged: Schema,
    permissive: &Schema,
    documents: &[Document],
    conflicts: &mut Vec<Conflict>,
) -> Schema {
    let mut used_labels: HashSet<&str> = HashSet::new();
    let mut used_types: HashSet<&str> = HashSet::new();
    for doc in documents {
        used_labels.extend(doc.spans().iter().map(|s| s.label.as_str()));
        used_types.extend(doc.links().iter().map(|l| l.link_type.as_str()));
        for candidate in doc.candidates() {
            used_labels.extend(candidate.proposal.keys().map(|k| k.label.as_str()));
            if let Proposal::Link { link_type, .. } = &candidate.proposal {
                used_types.insert(link_type);
            }
        }
    }
    let mut schema = merged;
    for label in &permissive.labels[schema.labels.len()..] {
        if used_labels.contains(label.key.as_str()) {
            conflicts.push(Conflict {
                document: String::new(),
                message: format!(
                    "label `{}` was removed on one side but the other still uses it: kept",
                    label.key
                ),
            });
            schema.labels.push(label.clone());
        }
    }
    for link_type in &permissive.link_types[schema.link_types.len()..] {
        if used_types.contains(link_type.key.as_str()) {
            conflicts.push(Conflict {
                document: String::new(),
                message: format!(
                    "link type `{}` was removed on one side but the other still uses it: kept",
                    link_type.key
                ),
            });
            schema.link_types.push(link_type.clone());
        }
    }
    let labels: HashSet<String> = schema.labels.iter().map(|l| l.key.clone()).collect();
    for link_type in &mut schema.link_types {
        // No link of this type has such an end: the label is used nowhere.
        link_type.from.retain(|l| labels.contains(l));
        link_type.to.retain(|l| labels.contains(l));
    }
    schema
}

/// A document's annotations, possibly none (a document both sides added).
struct Parts<'a> {
    spans: &'a [Span],
    links: &'a [Link],
    candidates: &'a [Candidate],
    status: Status,
    title: &'a str,
    source: Option<&'a str>,
}

impl<'a> Parts<'a> {
    fn of(doc: &'a Document) -> Self {
        Self {
            spans: doc.spans(),
            links: doc.links(),
            candidates: doc.candidates(),
            status: doc.status,
            title: &doc.title,
            source: doc.source.as_deref(),
        }
    }
}

/// Builds one merged document's spans, links and candidates.
struct Builder<'s> {
    schema: &'s Schema,
    authors: &'s [String; 2],
    spans: Vec<Span>,
    by_key: HashMap<SpanKey, usize>,
    /// Merged span id -> its index in `spans`.
    span_ids: HashMap<SpanId, usize>,
    next_span: u64,
    links: Vec<Link>,
    link_keys: HashSet<(SpanId, SpanId, String)>,
    link_ids: HashSet<LinkId>,
    next_link: u64,
    candidates: Vec<Candidate>,
    candidate_ids: HashMap<(Proposal, Origin), usize>,
    used_candidate_ids: HashSet<CandidateId>,
    next_candidate: u64,
    /// Proposals of the merge's own conflicts, kept apart until the end so that they
    /// get ids after every side's candidates, in reading order.
    conflicts: Vec<(Proposal, Side, Vec<Comment>)>,
}

impl Builder<'_> {
    /// Adds a span (keeping its id if it is free) or, when a span with the same range
    /// and label is there already, merges it into that one. Returns the id it has.
    fn place(&mut self, span: Span, fresh: bool, side: Side) -> SpanId {
        let key = SpanKey::of(&span);
        if let Some(&at) = self.by_key.get(&key) {
            let kept = &mut self.spans[at];
            merge_span_extras(kept, &span, &self.authors[side as usize]);
            return kept.id;
        }
        let id = if fresh || self.span_ids.contains_key(&span.id) {
            let id = SpanId(self.next_span);
            self.next_span += 1;
            id
        } else {
            span.id
        };
        self.next_span = self.next_span.max(id.0 + 1);
        self.span_ids.insert(id, self.spans.len());
        self.by_key.insert(key, self.spans.len());
        self.spans.push(Span { id, ..span });
        id
    }

    fn label_of(&self, id: SpanId) -> Option<&str> {
        self.span_ids
            .get(&id)
            .map(|&at| self.spans[at].label.as_str())
    }

    /// Adds a link between merged spans if it fits (ends exist and differ, labels
    /// allowed); `false` when it does not. A link already there is not added twice.
    fn link(&mut self, id: LinkId, from: SpanId, to: SpanId, link_type: &str, fresh: bool) -> bool {
        if from == to {
            return false;
        }
        let fits = match (self.label_of(from), self.label_of(to)) {
            (Some(f), Some(t)) => check_link_labels(self.schema, link_type, f, t).is_ok(),
            _ => false,
        };
        if !fits {
            return false;
        }
        if !self.link_keys.insert((from, to, link_type.to_owned())) {
            return true;
        }
        let id = if fresh || self.link_ids.contains(&id) {
            let id = LinkId(self.next_link);
            self.next_link += 1;
            id
        } else {
            id
        };
        self.next_link = self.next_link.max(id.0 + 1);
        self.link_ids.insert(id);
        self.links.push(Link {
            id,
            from,
            to,
            link_type: link_type.to_owned(),
        });
        true
    }

    /// Adds a candidate of a side (keeping its id if free) or merges it into the one
    /// with the same proposal and origin.
    fn candidate(&mut self, candidate: &Candidate, fresh: bool, say: &mut impl FnMut(String)) {
        let pair = (candidate.proposal.clone(), candidate.origin.clone());
        if let Some(&at) = self.candidate_ids.get(&pair) {
            let kept = &mut self.candidates[at];
            if kept.decision != candidate.decision {
                say(format!(
                    "candidate {} was decided {} in ours and {} in theirs: kept {}",
                    proposal_text(kept),
                    kept.decision,
                    candidate.decision,
                    kept.decision
                ));
            }
            unite(&mut kept.comments, &candidate.comments);
            return;
        }
        if let Proposal::Link {
            from,
            to,
            link_type,
        } = &candidate.proposal
            && check_link_labels(self.schema, link_type, &from.label, &to.label).is_err()
        {
            say(format!(
                "candidate {} does not fit the merged schema: not kept",
                proposal_text(candidate)
            ));
            return;
        }
        let id = if fresh || self.used_candidate_ids.contains(&candidate.id) {
            let id = CandidateId(self.next_candidate);
            self.next_candidate += 1;
            id
        } else {
            candidate.id
        };
        self.next_candidate = self.next_candidate.max(id.0 + 1);
        self.used_candidate_ids.insert(id);
        self.candidate_ids.insert(pair, self.candidates.len());
        self.candidates.push(Candidate {
            id,
            ..candidate.clone()
        });
    }

    /// Sets a side's version of a span aside as a conflict candidate.
    fn span_conflict(&mut self, span: &Span, side: Side) {
        let mut comments = Vec::new();
        if let Some(note) = span.note.as_ref().filter(|n| !n.trim().is_empty()) {
            comments.push(Comment {
                author: self.authors[side as usize].clone(),
                text: note.clone(),
            });
        }
        unite(&mut comments, &span.comments);
        self.conflicts
            .push((Proposal::Span(SpanKey::of(span)), side, comments));
    }

    /// A side's link that does not fit the merged spans, as a conflict candidate, with
    /// a span candidate for each end the merged document lacks.
    fn link_conflict(
        &mut self,
        doc: &Document,
        link: &Link,
        side: Side,
        say: &mut impl FnMut(String),
    ) {
        let (Some(from), Some(to)) = (doc.span(link.from), doc.span(link.to)) else {
            return;
        };
        let (from_key, to_key) = (SpanKey::of(from), SpanKey::of(to));
        if check_link_labels(self.schema, &link.link_type, &from_key.label, &to_key.label).is_err()
        {
            say(format!(
                "{}'s `{}` link from {from_key} to {to_key} does not fit the merged schema: \
                 not kept",
                side.as_str(),
                link.link_type
            ));
            return;
        }
        for (key, span) in [(&from_key, from), (&to_key, to)] {
            let proposal = Proposal::Span(key.clone());
            let listed = self
                .conflicts
                .iter()
                .any(|(p, s, _)| *p == proposal && *s == side);
            if !self.by_key.contains_key(key) && !listed {
                self.span_conflict(span, side);
            }
        }
        let proposal = Proposal::Link {
            from: from_key,
            to: to_key,
            link_type: link.link_type.clone(),
        };
        if !self
            .conflicts
            .iter()
            .any(|(p, s, _)| *p == proposal && *s == side)
        {
            self.conflicts.push((proposal, side, Vec::new()));
        }
    }

    /// Turns the set-aside conflicts into pending candidates, in reading order, after
    /// every other candidate. Returns how many it made.
    fn add_conflicts(&mut self) -> usize {
        let mut conflicts = std::mem::take(&mut self.conflicts);
        conflicts.sort_by(|a, b| {
            let key = |(p, s, _): &(Proposal, Side, Vec<Comment>)| {
                let (start, end) = p.range();
                (
                    start,
                    end,
                    matches!(p, Proposal::Link { .. }),
                    p.clone(),
                    *s,
                )
            };
            key(a).cmp(&key(b))
        });
        let mut made = 0;
        for (proposal, side, comments) in conflicts {
            let pair = (proposal, side.origin());
            if let Some(&at) = self.candidate_ids.get(&pair) {
                // The same conflict left open by an earlier merge: open again.
                let twin = &mut self.candidates[at];
                twin.decision = Decision::Pending;
                unite(&mut twin.comments, &comments);
                continue;
            }
            let id = CandidateId(self.next_candidate);
            self.next_candidate += 1;
            self.used_candidate_ids.insert(id);
            self.candidate_ids
                .insert(pair.clone(), self.candidates.len());
            self.candidates.push(Candidate {
                comments,
                ..Candidate::new(id, pair.0, pair.1)
            });
            made += 1;
        }
        made
    }
}

/// Items by id, for lookups only (never iterated).
fn by_id<T, K: std::hash::Hash + Eq>(items: &[T], id: impl Fn(&T) -> K) -> HashMap<K, &T> {
    items.iter().map(|item| (id(item), item)).collect()
}

/// The items whose id the base does not have, in their order.
fn added<'a, T, K: std::hash::Hash + Eq>(
    items: &'a [T],
    base: &HashMap<K, &T>,
    id: impl Fn(&T) -> K,
) -> Vec<&'a T> {
    items
        .iter()
        .filter(|item| !base.contains_key(&id(item)))
        .collect()
}

/// A candidate's proposal in reports.
fn proposal_text(candidate: &Candidate) -> String {
    match &candidate.proposal {
        Proposal::Span(key) => key.to_string(),
        Proposal::Link {
            from,
            to,
            link_type,
        } => format!("`{link_type}` link from {from} to {to}"),
    }
}

/// Appends the comments of `more` that `comments` lacks, in their order.
fn unite(comments: &mut Vec<Comment>, more: &[Comment]) {
    for comment in more {
        if !comments.contains(comment) {
            comments.push(comment.clone());
        }
    }
}

/// Merges what a second copy of the same span (same range and label) carries into the
/// kept one: provenance and comments united, a note it lacks taken, a different note
/// kept as a comment by `author`.
fn merge_span_extras(kept: &mut Span, other: &Span, author: &str) {
    for name in &other.annotators {
        if !kept.annotators.contains(name) {
            kept.annotators.push(name.clone());
        }
    }
    unite(&mut kept.comments, &other.comments);
    match (&kept.note, &other.note) {
        (None, Some(note)) => kept.note = Some(note.clone()),
        (Some(a), Some(b)) if a != b && !b.trim().is_empty() => unite(
            &mut kept.comments,
            &[Comment {
                author: author.to_owned(),
                text: b.clone(),
            }],
        ),
        _ => {}
    }
}

/// Merges one document all three sides (or ours and theirs, when `base` is `None`)
/// hold with the same text. Returns it and the number of conflict candidates made.
fn merge_document(
    base: Option<&Document>,
    ours: &Document,
    theirs: &Document,
    schema: &Schema,
    authors: &[String; 2],
    say: &mut impl FnMut(String),
) -> (Document, usize) {
    let b = base.map_or(
        Parts {
            spans: &[],
            links: &[],
            candidates: &[],
            status: Status::Todo,
            title: "",
            source: None,
        },
        Parts::of,
    );
    let (o, t) = (Parts::of(ours), Parts::of(theirs));
    let base_next = base.map_or((1, 1, 1), |d| {
        (
            d.next_span_id().0,
            d.next_link_id().0,
            d.next_candidate_id().0,
        )
    });

    let mut doc = ours.clone();
    doc.title = pick_scalar::<&str>(&b.title, &o.title, &t.title, "the title", say).to_owned();
    doc.source = pick_scalar(&b.source, &o.source, &t.source, "the source", say).map(str::to_owned);
    doc.status = match three(&b.status, &o.status, &t.status) {
        Some(status) => *status,
        None => {
            let status = o.status.min(t.status);
            say(format!(
                "the status was set to {} in ours and {} in theirs: set to {status}",
                o.status, t.status
            ));
            status
        }
    };

    let mut builder = Builder {
        schema,
        authors,
        spans: Vec::with_capacity(o.spans.len().max(t.spans.len())),
        by_key: HashMap::with_capacity(o.spans.len().max(t.spans.len())),
        span_ids: HashMap::with_capacity(o.spans.len().max(t.spans.len())),
        next_span: ours
            .next_span_id()
            .0
            .max(theirs.next_span_id().0)
            .max(base_next.0),
        links: Vec::new(),
        link_keys: HashSet::new(),
        link_ids: HashSet::new(),
        next_link: ours
            .next_link_id()
            .0
            .max(theirs.next_link_id().0)
            .max(base_next.1),
        candidates: Vec::new(),
        candidate_ids: HashMap::new(),
        used_candidate_ids: HashSet::new(),
        next_candidate: ours
            .next_candidate_id()
            .0
            .max(theirs.next_candidate_id().0)
            .max(base_next.2),
        conflicts: Vec::new(),
    };

    // Spans.
    let span_id = |s: &Span| s.id;
    let (base_spans, ours_spans, theirs_spans) = (
        by_id(b.spans, span_id),
        by_id(o.spans, span_id),
        by_id(t.spans, span_id),
    );
    // A side's span id -> the merged span's id.
    let mut ours_map: HashMap<SpanId, SpanId> = HashMap::with_capacity(o.spans.len());
    let mut theirs_map: HashMap<SpanId, SpanId> = HashMap::with_capacity(t.spans.len());
    // The side versions of base spans set aside as conflict candidates.
    let mut aside: HashSet<(Side, SpanId)> = HashSet::new();
    for bs in b.spans {
        let (os, ts) = (ours_spans.get(&bs.id), theirs_spans.get(&bs.id));
        match (os, ts) {
            (None, None) => {}
            (Some(&one), None) | (None, Some(&one)) => {
                if one != bs {
                    let (side, other) = if os.is_some() {
                        (Side::Ours, "theirs")
                    } else {
                        (Side::Theirs, "ours")
                    };
                    say(format!(
                        "span {bs_key} was removed in {other} and changed in {}: {}' \
                         version is an open candidate",
                        side.as_str(),
                        side.as_str(),
                        bs_key = SpanKey::of(bs),
                    ));
                    builder.span_conflict(one, side);
                    aside.insert((side, one.id));
                }
            }
            (Some(&os), Some(&ts)) => {
                let ranges = [(bs.start, bs.end), (os.start, os.end), (ts.start, ts.end)];
                let range = three(&ranges[0], &ranges[1], &ranges[2]);
                let label = three(&bs.label, &os.label, &ts.label);
                let (Some(&(start, end)), Some(label)) = (range, label) else {
                    say(format!(
                        "span {} was changed to {} in ours and {} in theirs: both are open \
                         candidates",
                        SpanKey::of(bs),
                        SpanKey::of(os),
                        SpanKey::of(ts)
                    ));
                    builder.span_conflict(os, Side::Ours);
                    builder.span_conflict(ts, Side::Theirs);
                    aside.insert((Side::Ours, os.id));
                    aside.insert((Side::Theirs, ts.id));
                    continue;
                };
                let mut span = Span::new(bs.id, start, end, label.clone());
                span.annotators = match three(&bs.annotators, &os.annotators, &ts.annotators) {
                    Some(names) => names.clone(),
                    None => {
                        let mut names = os.annotators.clone();
                        names.extend(
                            ts.annotators
                                .iter()
                                .filter(|n| !os.annotators.contains(n))
                                .cloned(),
                        );
                        names
                    }
                };
                span.comments = match three(&bs.comments, &os.comments, &ts.comments) {
                    Some(comments) => comments.clone(),
                    None => {
                        let mut comments = os.comments.clone();
                        unite(&mut comments, &ts.comments);
                        comments
                    }
                };
                span.note = match three(&bs.note, &os.note, &ts.note) {
                    Some(note) => note.clone(),
                    None => {
                        say(format!(
                            "the note of span {} was changed differently on both sides: \
                             kept ours, theirs is a comment on the span",
                            SpanKey::of(&span)
                        ));
                        if let Some(note) = ts.note.as_ref().filter(|n| !n.trim().is_empty()) {
                            unite(
                                &mut span.comments,
                                &[Comment {
                                    author: authors[1].clone(),
                                    text: note.clone(),
                                }],
                            );
                        }
                        os.note.clone()
                    }
                };
                let id = builder.place(span, false, Side::Ours);
                ours_map.insert(os.id, id);
                theirs_map.insert(ts.id, id);
            }
        }
    }
    let (ours_added, theirs_added) = (
        added(o.spans, &base_spans, span_id),
        added(t.spans, &base_spans, span_id),
    );
    // Theirs' additions get fresh ids whenever ours handed out any id since the base
    // (even for spans it removed again): the same id must never name two spans.
    let both_added_spans = ours.next_span_id().0 > base_next.0 && !theirs_added.is_empty();
    for span in ours_added {
        let id = builder.place(span.clone(), false, Side::Ours);
        ours_map.insert(span.id, id);
    }
    for span in theirs_added {
        let id = builder.place(span.clone(), both_added_spans, Side::Theirs);
        theirs_map.insert(span.id, id);
    }

    // Links: the base's that both sides kept, then each side's additions; a link that
    // does not fit the merged spans becomes its side's candidate.
    let link_id = |l: &Link| l.id;
    let (base_links, ours_links, theirs_links) = (
        by_id(b.links, link_id),
        by_id(o.links, link_id),
        by_id(t.links, link_id),
    );
    let mut link_conflicts = 0;
    for bl in b.links {
        let (ol, tl) = (ours_links.get(&bl.id), theirs_links.get(&bl.id));
        let (Some(ol), Some(tl)) = (ol, tl) else {
            // Removed on one side: with the span that side removed, when the other's
            // version of that span is set aside as a candidate the link goes with it.
            let kept = ol
                .map(|l| (l, Side::Ours, ours))
                .or(tl.map(|l| (l, Side::Theirs, theirs)));
            if let Some((link, side, doc)) = kept
                && [link.from, link.to]
                    .iter()
                    .any(|id| aside.contains(&(side, *id)))
            {
                link_conflicts += 1;
                builder.link_conflict(doc, link, side, say);
            }
            continue;
        };
        let ends = ours_map.get(&ol.from).zip(ours_map.get(&ol.to));
        let placed =
            ends.is_some_and(|(&from, &to)| builder.link(bl.id, from, to, &bl.link_type, false));
        if !placed {
            link_conflicts += 1;
            builder.link_conflict(ours, ol, Side::Ours, say);
            builder.link_conflict(theirs, tl, Side::Theirs, say);
        }
    }
    let (ours_added, theirs_added) = (
        added(o.links, &base_links, link_id),
        added(t.links, &base_links, link_id),
    );
    let both_added_links = ours.next_link_id().0 > base_next.1 && !theirs_added.is_empty();
    for (side, doc, map, links, fresh) in [
        (Side::Ours, ours, &ours_map, ours_added, false),
        (
            Side::Theirs,
            theirs,
            &theirs_map,
            theirs_added,
            both_added_links,
        ),
    ] {
        for link in links {
            let ends = map.get(&link.from).zip(map.get(&link.to));
            let placed = ends.is_some_and(|(&from, &to)| {
                builder.link(link.id, from, to, &link.link_type, fresh)
            });
            if !placed {
                link_conflicts += 1;
                builder.link_conflict(doc, link, side, say);
            }
        }
    }
    if link_conflicts > 0 {
        say(format!(
            "{link_conflicts} link{} no longer fit{} the merged spans: open candidates of \
             their side",
            plural(link_conflicts),
            if link_conflicts == 1 { "s" } else { "" }
        ));
    }

    // Candidates: the base's by id, then each side's additions.
    let candidate_id = |c: &Candidate| c.id;
    let (base_cands, ours_cands, theirs_cands) = (
        by_id(b.candidates, candidate_id),
        by_id(o.candidates, candidate_id),
        by_id(t.candidates, candidate_id),
    );
    for bc in b.candidates {
        let (oc, tc) = (ours_cands.get(&bc.id), theirs_cands.get(&bc.id));
        match (oc, tc) {
            (None, None) => {}
            (Some(&one), None) | (None, Some(&one)) => {
                if one != bc {
                    say(format!(
                        "candidate {} was removed on one side and changed on the other: kept",
                        proposal_text(bc)
                    ));
                    builder.candidate(one, false, say);
                }
            }
            (Some(&oc), Some(&tc)) => {
                let decision = match three(&bc.decision, &oc.decision, &tc.decision) {
                    Some(decision) => *decision,
                    None => {
                        say(format!(
                            "candidate {} was decided {} in ours and {} in theirs: kept ours",
                            proposal_text(bc),
                            oc.decision,
                            tc.decision
                        ));
                        oc.decision
                    }
                };
                let comments = match three(&bc.comments, &oc.comments, &tc.comments) {
                    Some(comments) => comments.clone(),
                    None => {
                        let mut comments = oc.comments.clone();
                        unite(&mut comments, &tc.comments);
                        comments
                    }
                };
                let merged = Candidate {
                    decision,
                    comments,
                    ..oc.clone()
                };
                builder.candidate(&merged, false, say);
            }
        }
    }
    let (ours_added, theirs_added) = (
        added(o.candidates, &base_cands, candidate_id),
        added(t.candidates, &base_cands, candidate_id),
    );
    let both_added_cands = ours.next_candidate_id().0 > base_next.2 && !theirs_added.is_empty();
    for candidate in ours_added {
        builder.candidate(candidate, false, say);
    }
    for candidate in theirs_added {
        builder.candidate(candidate, both_added_cands, say);
    }
    let made = builder.add_conflicts();

    let Builder {
        spans,
        links,
        candidates,
        next_span,
        next_link,
        next_candidate,
        ..
    } = builder;
    let doc = doc
        .from_validated_parts(spans, links, next_span, next_link)
        .with_validated_candidates(candidates, next_candidate);
    (doc, made)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Edit;
    use crate::review::testing::{Doc, project};

    const TEXT: &str = "\"Peace now,\" said Zelensky in Kyiv on Tuesday.";

    /// A base of one document: a quote (0..12) said by an actor (18..26) and a place
    /// (30..34).
    fn base() -> Project {
        project(
            "alice",
            &[Doc {
                id: "doc",
                text: TEXT,
                spans: &[(0, 12, "quote"), (18, 26, "actor"), (30, 34, "location")],
                links: &[(0, 1, "said_by")],
            }],
        )
    }

    fn edit(project: &mut Project, make: impl FnOnce(&mut Document, &Schema) -> Edit) {
        let schema = project.schema.clone();
        let doc = &mut project.documents[0];
        let edit = make(doc, &schema);
        doc.apply(edit, &schema).expect("the edit applies");
    }

    fn pending(doc: &Document) -> Vec<(Proposal, String)> {
        doc.pending_candidates()
            .iter()
            .map(|c| {
                let Origin::Merge(side) = &c.origin else {
                    panic!("a merge candidate")
                };
                (c.proposal.clone(), side.clone())
            })
            .collect()
    }

    fn key(start: usize, end: usize, label: &str) -> SpanKey {
        SpanKey {
            start,
            end,
            label: label.to_owned(),
        }
    }

    #[test]
    fn changes_to_different_fields_of_one_span_combine() {
        let base = base();
        let mut ours = base.clone();
        edit(&mut ours, |d, _| {
            d.resize_edit(SpanId(3), 30, 46).expect("span")
        });
        let mut theirs = base.clone();
        edit(&mut theirs, |d, s| {
            d.relabel_edit(SpanId(3), "claim", s).expect("span")
        });
        edit(&mut theirs, |d, _| {
            d.set_note_edit(SpanId(3), Some("check".into()))
                .expect("span")
        });
        let outcome = merge(&base, &ours, &theirs);
        assert!(outcome.is_clean(), "{outcome}");
        let span = outcome.project.documents[0].span(SpanId(3)).expect("kept");
        assert_eq!(
            (span.start, span.end, span.label.as_str()),
            (30, 46, "claim")
        );
        assert_eq!(span.note.as_deref(), Some("check"));
    }

    #[test]
    fn a_span_removed_on_one_side_and_changed_on_the_other_becomes_a_candidate_with_its_link() {
        let base = base();
        let mut ours = base.clone();
        edit(&mut ours, |d, _| {
            d.remove_span_edit(SpanId(2)).expect("span")
        });
        let mut theirs = base.clone();
        edit(&mut theirs, |d, _| {
            d.resize_edit(SpanId(2), 23, 26).expect("span")
        });
        let outcome = merge(&base, &ours, &theirs);
        assert_eq!(outcome.conflicts.len(), 2, "{outcome}");
        let doc = &outcome.project.documents[0];
        assert!(doc.span(SpanId(2)).is_none());
        assert!(doc.links().is_empty());
        assert_eq!(
            pending(doc),
            [
                (
                    Proposal::Link {
                        from: key(0, 12, "quote"),
                        to: key(23, 26, "actor"),
                        link_type: "said_by".into()
                    },
                    "theirs".to_owned()
                ),
                (Proposal::Span(key(23, 26, "actor")), "theirs".to_owned()),
            ]
        );
        assert_eq!(outcome.conflict_candidates, 2);
    }

    #[test]
    fn a_link_to_a_span_the_other_side_removed_becomes_candidates() {
        let base = base();
        let mut ours = base.clone();
        edit(&mut ours, |d, _| {
            d.remove_span_edit(SpanId(2)).expect("span")
        });
        let mut theirs = base.clone();
        edit(&mut theirs, |d, _| d.add_span_edit(13, 17, "claim"));
        edit(&mut theirs, |d, _| {
            d.add_link_edit(SpanId(4), SpanId(2), "said_by")
        });
        let outcome = merge(&base, &ours, &theirs);
        assert_eq!(outcome.conflicts.len(), 1, "{outcome}");
        let doc = &outcome.project.documents[0];
        assert!(doc.span(SpanId(2)).is_none());
        assert!(doc.span(SpanId(4)).is_some());
        assert!(doc.links().is_empty());
        assert_eq!(
            pending(doc),
            [
                (
                    Proposal::Link {
                        from: key(13, 17, "claim"),
                        to: key(18, 26, "actor"),
                        link_type: "said_by".into()
                    },
                    "theirs".to_owned()
                ),
                (Proposal::Span(key(18, 26, "actor")), "theirs".to_owned()),
            ]
        );
    }

    #[test]
    fn notes_and_statuses_set_differently_are_settled_and_reported() {
        let base = base();
        let mut ours = base.clone();
        edit(&mut ours, |d, _| {
            d.set_note_edit(SpanId(1), Some("ours".into()))
                .expect("span")
        });
        edit(&mut ours, |d, _| d.set_status_edit(Status::Done));
        let mut theirs = base.clone();
        theirs.annotator = "bob".into();
        edit(&mut theirs, |d, _| {
            d.set_note_edit(SpanId(1), Some("theirs".into()))
                .expect("span")
        });
        edit(&mut theirs, |d, _| d.set_status_edit(Status::InProgress));
        let outcome = merge(&base, &ours, &theirs);
        assert_eq!(outcome.conflicts.len(), 2, "{outcome}");
        let doc = &outcome.project.documents[0];
        assert_eq!(doc.status, Status::InProgress);
        let span = doc.span(SpanId(1)).expect("kept");
        assert_eq!(span.note.as_deref(), Some("ours"));
        assert_eq!(
            span.comments,
            [Comment {
                author: "bob".into(),
                text: "theirs".into()
            }]
        );
        // Changed on one side only: taken.
        assert_eq!(outcome.project.annotator, "bob");
    }

    #[test]
    fn additions_on_both_sides_get_ids_above_both_and_the_same_one_is_kept_once() {
        let base = base();
        let mut ours = base.clone();
        edit(&mut ours, |d, _| d.add_span_edit(38, 45, "actor"));
        let mut theirs = base.clone();
        edit(&mut theirs, |d, _| d.add_span_edit(38, 45, "actor"));
        edit(&mut theirs, |d, _| d.add_span_edit(13, 17, "claim"));
        edit(&mut theirs, |d, _| {
            d.add_link_edit(SpanId(5), SpanId(2), "said_by")
        });
        let outcome = merge(&base, &ours, &theirs);
        assert!(outcome.is_clean(), "{outcome}");
        let doc = &outcome.project.documents[0];
        let ids: Vec<(u64, &str)> = doc
            .spans()
            .iter()
            .map(|s| (s.id.0, doc.span_text(s)))
            .collect();
        assert_eq!(
            ids,
            [
                (1, "\"Peace now,\""),
                (6, "said"),
                (2, "Zelensky"),
                (3, "Kyiv"),
                (4, "Tuesday")
            ]
        );
        assert_eq!(doc.next_span_id(), SpanId(7));
        let link = doc
            .links()
            .iter()
            .find(|l| l.from == SpanId(6))
            .expect("followed");
        assert_eq!(link.to, SpanId(2));
    }

    #[test]
    fn the_same_article_added_on_both_sides_under_other_ids_is_one_document() {
        let base = Project::new("test", "alice");
        let add = |id: &str, span: (usize, usize, &str)| {
            let mut project = base.clone();
            project.documents = project_docs(id, span);
            project.documents[0].title = "Talks".into();
            project
        };
        let ours = add("talks", (18, 26, "actor"));
        let theirs = add("talks-2", (30, 34, "location"));
        let outcome = merge(&base, &ours, &theirs);
        assert!(outcome.is_clean(), "{outcome}");
        assert_eq!(outcome.project.documents.len(), 1);
        let doc = &outcome.project.documents[0];
        assert_eq!(doc.id, "talks");
        assert_eq!(doc.spans().len(), 2);
    }

    fn project_docs(id: &str, span: (usize, usize, &str)) -> Vec<Document> {
        project(
            "alice",
            &[Doc {
                id,
                text: TEXT,
                spans: &[span],
                links: &[],
            }],
        )
        .documents
    }

    #[test]
    fn a_label_one_side_removed_stays_while_the_other_uses_it() {
        let base = base();
        let mut ours = base.clone();
        let mut schema = ours.schema.clone();
        schema.labels.retain(|l| l.key != "claim");
        schema.link_types[0].from.retain(|l| l != "claim");
        ours.change_schema(crate::model::SchemaChange {
            schema,
            ..Default::default()
        });
        let mut theirs = base.clone();
        edit(&mut theirs, |d, _| d.add_span_edit(13, 17, "claim"));
        let outcome = merge(&base, &ours, &theirs);
        assert!(outcome.project.schema.label("claim").is_some());
        assert_eq!(outcome.conflicts.len(), 1, "{outcome}");
        assert!(outcome.project.schema.problems().is_empty());
    }
}
