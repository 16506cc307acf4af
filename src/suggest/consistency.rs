//! The one-click fix of an [`Inconsistency`](super::Inconsistency): every span carrying a
//! text gets one label, in every document.
//!
//! Per document the fix is one [`Edit::Batch`], so it is undone in one step (the window
//! puts the batches of several documents into one project-wide step). What a plain
//! relabel cannot do is handled here:
//!
//! - a span whose range already carries the new label in another span would become a
//!   duplicate (the model refuses two spans of one range and label): it is removed
//!   instead, and its links, note, comments and provenance go to the span that stays;
//! - a link the schema no longer allows between the new labels (a quote's `said_by`
//!   link to what is now a location), or one that would now link a span to itself, is
//!   removed and counted, so the caller can say so;
//! - two links that become the same link (both ends merged) are kept once.
//!
//! Every link touching a changed span is taken out first and put back (with its own id)
//! once the spans are relabelled, so no step of the batch ever sees a half-relabelled
//! pair of ends. No egui, no IO.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::model::{
    Document, Edit, Link, LinkId, Project, Schema, Span, SpanId, check_link_labels,
};

/// Why a fix could not be planned.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FixError {
    /// The label to give is not in the schema.
    #[error("there is no label `{0}` in the schema")]
    UnknownLabel(String),
}

/// What giving every span of a text one label changes, and the edits that do it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fix {
    /// The spans' text.
    pub text: String,
    /// The label every one of them gets.
    pub label: String,
    /// One batch per document that changes, by document index, in document order.
    pub edits: Vec<(usize, Edit)>,
    /// Spans given the new label, by the label they had.
    pub relabelled: BTreeMap<String, usize>,
    /// Spans removed because their range carries the new label in another span now.
    pub merged: usize,
    /// Links removed because the schema does not allow them between the new labels (or
    /// they would link a span to itself), by link type.
    pub links_dropped: BTreeMap<String, usize>,
    /// Links that became the same as another link of the span that stays, kept once.
    pub links_merged: usize,
}

impl Fix {
    /// Whether the fix changes nothing (every span has the label already).
    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    /// Number of documents that change.
    pub fn documents(&self) -> usize {
        self.edits.len()
    }

    /// What the fix does, in a sentence for the status line, with label and link type
    /// names from `schema`: `Kremlin: 1 span relabelled from Location to Actor in 1 document`.
    pub fn describe(&self, schema: &Schema) -> String {
        let label_name = |key: &str| schema.label(key).map_or(key.to_owned(), |l| l.name.clone());
        let to = label_name(&self.label);
        if self.is_empty() {
            return format!("{}: every span is {to} already", self.text);
        }
        let mut parts = Vec::new();
        let relabelled: usize = self.relabelled.values().sum();
        if relabelled > 0 {
            let from = match self.relabelled.len() {
                1 => self
                    .relabelled
                    .keys()
                    .map(|k| format!("from {} to {to}", label_name(k)))
                    .collect::<String>(),
                _ => {
                    let each: Vec<String> = self
                        .relabelled
                        .iter()
                        .map(|(k, n)| format!("{n} {}", label_name(k)))
                        .collect();
                    format!("to {to} ({})", each.join(", "))
                }
            };
            parts.push(format!(
                "{relabelled} {} relabelled {from}",
                noun(relabelled, "span", "spans")
            ));
        }
        if self.merged > 0 {
            parts.push(format!(
                "{} {} into the {to} span of the same range",
                self.merged,
                noun(self.merged, "span merged", "spans merged")
            ));
        }
        let mut sentence = format!(
            "{}: {} in {} {}",
            self.text,
            parts.join(", "),
            self.documents(),
            noun(self.documents(), "document", "documents")
        );
        for (link_type, n) in &self.links_dropped {
            let name = schema
                .link_type(link_type)
                .map_or(link_type.as_str(), |t| t.name.as_str());
            sentence.push_str(&format!(
                "; {n} “{name}” {} removed (not allowed for {to})",
                noun(*n, "link", "links")
            ));
        }
        if self.links_merged > 0 {
            sentence.push_str(&format!(
                "; {} {} kept once",
                self.links_merged,
                noun(
                    self.links_merged,
                    "link that became a duplicate",
                    "links that became duplicates"
                )
            ));
        }
        sentence
    }
}

fn noun(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// Plans giving every span whose text is `text` the label `label`, in every document
/// of the project (see the module's docs for duplicates and links). The project is not
/// changed: apply each of [`Fix::edits`] to its document. A text no span carries, or
/// whose spans all have `label` already, gives an empty fix.
pub fn fix_inconsistency(project: &Project, text: &str, label: &str) -> Result<Fix, FixError> {
    if project.schema.label(label).is_none() {
        return Err(FixError::UnknownLabel(label.to_owned()));
    }
    let mut fix = Fix {
        text: text.to_owned(),
        label: label.to_owned(),
        ..Fix::default()
    };
    for (index, doc) in project.documents.iter().enumerate() {
        let edits = fix_document(doc, &project.schema, text, label, &mut fix);
        if !edits.is_empty() {
            fix.edits.push((index, Edit::Batch(edits)));
        }
    }
    Ok(fix)
}

/// The edits for one document, counting what they do into `fix`.
fn fix_document(
    doc: &Document,
    schema: &Schema,
    text: &str,
    label: &str,
    fix: &mut Fix,
) -> Vec<Edit> {
    let len = text.chars().count();
    // Spans are in reading order, so the spans of one range are next to each other.
    let carrying: Vec<&Span> = doc
        .spans()
        .iter()
        .filter(|s| s.len() == len && doc.span_text(s) == text)
        .collect();
    let mut span_edits = Vec::new();
    // Spans whose label changes or that go, and where each that goes is merged into.
    let mut changed: BTreeSet<SpanId> = BTreeSet::new();
    let mut merged_into: HashMap<SpanId, SpanId> = HashMap::new();
    for group in carrying.chunk_by(|a, b| (a.start, a.end) == (b.start, b.end)) {
        if group.iter().all(|s| s.label == label) {
            continue;
        }
        // The span that stays: the one with the label already, else the first.
        let kept = group.iter().find(|s| s.label == label).unwrap_or(&group[0]);
        if kept.label != label {
            *fix.relabelled.entry(kept.label.clone()).or_default() += 1;
        }
        changed.insert(kept.id);
        let mut merged = Span {
            label: label.to_owned(),
            ..(*kept).clone()
        };
        let mut removals = Vec::new();
        for other in group.iter().filter(|s| s.id != kept.id) {
            fix.merged += 1;
            changed.insert(other.id);
            merged_into.insert(other.id, kept.id);
            absorb(&mut merged, other);
            // Its links are taken out before the spans change (below).
            removals.push(Edit::RemoveSpan {
                span: (*other).clone(),
                links: Vec::new(),
            });
        }
        span_edits.extend(removals);
        let only_label_changes = Span {
            label: label.to_owned(),
            ..(*kept).clone()
        } == merged;
        if only_label_changes {
            if kept.label != label {
                span_edits.push(Edit::Relabel {
                    id: kept.id,
                    from: kept.label.clone(),
                    to: label.to_owned(),
                });
            }
        } else {
            span_edits.push(Edit::RemoveSpan {
                span: (*kept).clone(),
                links: Vec::new(),
            });
            span_edits.push(Edit::AddSpan(merged));
        }
    }
    if span_edits.is_empty() {
        return Vec::new();
    }

    let touching: BTreeMap<LinkId, &Link> = changed
        .iter()
        .flat_map(|id| doc.links_of(*id))
        .map(|l| (l.id, l))
        .collect();
    let label_of = |id: SpanId| {
        if changed.contains(&id) {
            label
        } else {
            doc.span(id).map_or("", |s| s.label.as_str())
        }
    };
    let mut edits: Vec<Edit> = touching
        .values()
        .map(|l| Edit::RemoveLink((*l).clone()))
        .collect();
    edits.extend(span_edits);
    let mut kept_links: HashSet<(SpanId, SpanId, &str)> = HashSet::new();
    for link in touching.values() {
        let end = |id: SpanId| merged_into.get(&id).copied().unwrap_or(id);
        let (from, to) = (end(link.from), end(link.to));
        let allowed = from != to
            && check_link_labels(schema, &link.link_type, label_of(from), label_of(to)).is_ok();
        if !allowed {
            *fix.links_dropped.entry(link.link_type.clone()).or_default() += 1;
        } else if !kept_links.insert((from, to, link.link_type.as_str())) {
            fix.links_merged += 1;
        } else {
            edits.push(Edit::AddLink(Link {
                from,
                to,
                ..(*link).clone()
            }));
        }
    }
    edits
}

/// Takes what `other`, a span about to be removed, has beyond `kept` into `kept`: its
/// note (after kept's own), its comments and the annotators who had it.
fn absorb(kept: &mut Span, other: &Span) {
    if let Some(note) = other.note.as_ref().filter(|n| !n.is_empty()) {
        kept.note = match kept.note.take().filter(|n| !n.is_empty()) {
            Some(own) if own == *note => Some(own),
            Some(own) => Some(format!("{own}\n{note}")),
            None => Some(note.clone()),
        };
    }
    kept.comments.extend(other.comments.iter().cloned());
    for annotator in &other.annotators {
        if !kept.annotators.contains(annotator) {
            kept.annotators.push(annotator.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Comment, Document};
    use crate::suggest::inconsistencies;

    /// A document with spans over the first occurrence of each `(needle, label)` at or
    /// after the previous needle's start (so a needle may come twice, at one range).
    fn doc(id: &str, text: &str, spans: &[(&str, &str)]) -> Document {
        let schema = Schema::default();
        let mut doc = Document::new(id, id.to_uppercase(), text);
        let mut from = 0;
        for (needle, label) in spans {
            let byte = from + text[from..].find(needle).expect("needle in the text");
            let start = text[..byte].chars().count();
            let edit = doc.add_span_edit(start, start + needle.chars().count(), label);
            doc.apply(edit, &schema).expect("a valid span");
            from = byte;
        }
        doc
    }

    fn project(docs: Vec<Document>) -> Project {
        let mut project = Project::new("p", "me");
        project.documents = docs;
        project
    }

    /// The id of the span over `needle` (the first occurrence) labelled `label`.
    fn span(doc: &Document, needle: &str, label: &str) -> SpanId {
        doc.spans()
            .iter()
            .find(|s| doc.span_text(s) == needle && s.label == label)
            .map(|s| s.id)
            .unwrap_or_else(|| panic!("a {label} span over {needle:?}"))
    }

    fn link(doc: &mut Document, from: SpanId, to: SpanId, link_type: &str) {
        let edit = doc.add_link_edit(from, to, link_type);
        doc.apply(edit, &Schema::default()).expect("a valid link");
    }

    /// Applies the fix to a copy of the project, returning the copy and the inverses.
    fn apply(project: &Project, fix: &Fix) -> (Project, Vec<(usize, Edit)>) {
        let mut after = project.clone();
        let mut undo = Vec::new();
        for (index, edit) in &fix.edits {
            let inverse = after.documents[*index]
                .apply(edit.clone(), &project.schema)
                .expect("the fix applies");
            undo.push((*index, inverse));
        }
        (after, undo)
    }

    fn labels_of(doc: &Document, text: &str) -> Vec<String> {
        doc.spans()
            .iter()
            .filter(|s| doc.span_text(s) == text)
            .map(|s| s.label.clone())
            .collect()
    }

    #[test]
    fn every_span_of_the_text_gets_the_label_in_every_document() {
        let project = project(vec![
            doc("a", "The Kremlin said no.", &[("Kremlin", "actor")]),
            doc(
                "b",
                "At the Kremlin, the Kremlin's guards.",
                &[
                    ("Kremlin", "location"),
                    ("Kremlin's", "claim"),
                    ("Kremlin", "location"),
                ],
            ),
            doc("c", "Nothing about it.", &[]),
        ]);
        assert_eq!(inconsistencies(&project).len(), 1);
        let fix = fix_inconsistency(&project, "Kremlin", "actor").expect("a fix");
        assert_eq!(fix.documents(), 1, "only b changes");
        assert_eq!(fix.edits[0].0, 1);
        assert_eq!(fix.relabelled, BTreeMap::from([("location".to_owned(), 2)]));
        let (after, undo) = apply(&project, &fix);
        assert!(inconsistencies(&after).is_empty());
        assert_eq!(
            labels_of(&after.documents[1], "Kremlin"),
            ["actor", "actor"]
        );
        // "Kremlin's" is another text: untouched.
        assert_eq!(labels_of(&after.documents[1], "Kremlin's"), ["claim"]);
        assert_eq!(
            fix.describe(&project.schema),
            "Kremlin: 2 spans relabelled from Location to Actor in 1 document"
        );
        // The inverses give back the project as it was.
        let mut back = after;
        for (index, inverse) in undo.into_iter().rev() {
            back.documents[index]
                .apply(inverse, &project.schema)
                .expect("undo applies");
        }
        assert_eq!(back.documents, project.documents);

        // The other way round: both documents, one span each.
        let fix = fix_inconsistency(&project, "Kremlin", "location").expect("a fix");
        assert_eq!(fix.documents(), 1);
        assert_eq!(
            fix.describe(&project.schema),
            "Kremlin: 1 span relabelled from Actor to Location in 1 document"
        );
    }

    #[test]
    fn several_former_labels_are_named_each() {
        let project = project(vec![
            doc("a", "Kyiv", &[("Kyiv", "actor")]),
            doc("b", "Kyiv", &[("Kyiv", "claim")]),
            doc("c", "Kyiv", &[("Kyiv", "location")]),
        ]);
        let fix = fix_inconsistency(&project, "Kyiv", "location").expect("a fix");
        assert_eq!(
            fix.describe(&project.schema),
            "Kyiv: 2 spans relabelled to Location (1 Actor, 1 Claim) in 2 documents"
        );
    }

    #[test]
    fn a_span_that_would_duplicate_another_is_removed_and_its_links_move() {
        // "the statement" is both a claim and a quote at one range; the claim is said by
        // Putin, and so is the quote. Making it all quotes leaves one span, one link.
        let text = "Putin made the statement; Peskov repeated the statement.";
        let mut d = doc(
            "a",
            text,
            &[
                ("Putin", "actor"),
                ("the statement", "claim"),
                ("the statement", "quote"),
                ("Peskov", "actor"),
            ],
        );
        let (putin, peskov) = (span(&d, "Putin", "actor"), span(&d, "Peskov", "actor"));
        let (claim, quote) = (
            span(&d, "the statement", "claim"),
            span(&d, "the statement", "quote"),
        );
        link(&mut d, claim, putin, "said_by");
        link(&mut d, quote, putin, "said_by");
        link(&mut d, claim, peskov, "said_by");
        let schema = Schema::default();
        let note = d
            .set_note_edit(claim, Some("checked".into()))
            .expect("note");
        d.apply(note, &schema).expect("note applies");
        let comment = d
            .comment_edit(crate::model::CommentTarget::Span(claim), "bob", "sure?")
            .expect("comment");
        d.apply(comment, &schema).expect("comment applies");
        let project = project(vec![d]);

        let fix = fix_inconsistency(&project, "the statement", "quote").expect("a fix");
        assert_eq!(fix.merged, 1);
        assert!(fix.relabelled.is_empty());
        assert_eq!(fix.links_merged, 1, "both said it was Putin");
        assert!(fix.links_dropped.is_empty());
        let (after, _) = apply(&project, &fix);
        let doc = &after.documents[0];
        assert_eq!(labels_of(doc, "the statement"), ["quote"]);
        let kept = doc.span(quote).expect("the quote stays");
        assert_eq!(kept.note.as_deref(), Some("checked"));
        assert_eq!(
            kept.comments,
            [Comment {
                author: "bob".into(),
                text: "sure?".into()
            }]
        );
        let mut links: Vec<(SpanId, SpanId)> = doc.links().iter().map(|l| (l.from, l.to)).collect();
        links.sort();
        assert_eq!(links, [(quote, putin), (quote, peskov)]);
        assert_eq!(
            fix.describe(&project.schema),
            "the statement: 1 span merged into the Quote span of the same range in 1 \
             document; 1 link that became a duplicate kept once"
        );
    }

    #[test]
    fn links_the_new_label_does_not_allow_are_removed_and_counted() {
        let text = "“We refuse,” the Kremlin said. Tanks left the Kremlin.";
        let mut a = doc(
            "a",
            text,
            &[("“We refuse,”", "quote"), ("Kremlin", "actor")],
        );
        let (quote, kremlin) = (
            span(&a, "“We refuse,”", "quote"),
            span(&a, "Kremlin", "actor"),
        );
        link(&mut a, quote, kremlin, "said_by");
        let b = doc("b", "In the Kremlin.", &[("Kremlin", "location")]);
        let project = project(vec![a, b]);

        let fix = fix_inconsistency(&project, "Kremlin", "location").expect("a fix");
        assert_eq!(
            fix.links_dropped,
            BTreeMap::from([("said_by".to_owned(), 1)])
        );
        let (after, undo) = apply(&project, &fix);
        assert!(after.documents[0].links().is_empty());
        assert_eq!(labels_of(&after.documents[0], "Kremlin"), ["location"]);
        assert_eq!(
            fix.describe(&project.schema),
            "Kremlin: 1 span relabelled from Actor to Location in 1 document; 1 “Said by” link \
             removed (not allowed for Location)"
        );
        // Undone, the link is back with its id.
        let mut back = after;
        for (index, inverse) in undo {
            back.documents[index]
                .apply(inverse, &project.schema)
                .expect("undo");
        }
        assert_eq!(back.documents, project.documents);
    }

    #[test]
    fn a_link_between_two_spans_that_become_one_is_removed() {
        // A quote and an actor at one range, the quote said by the actor: once they are
        // one quote, the link would go from the span to itself.
        let mut d = doc(
            "a",
            "“Yes,” she said.",
            &[("“Yes,”", "quote"), ("“Yes,”", "actor")],
        );
        let (quote, actor) = (span(&d, "“Yes,”", "quote"), span(&d, "“Yes,”", "actor"));
        link(&mut d, quote, actor, "said_by");
        let project = project(vec![d]);
        let fix = fix_inconsistency(&project, "“Yes,”", "quote").expect("a fix");
        assert_eq!(
            fix.links_dropped,
            BTreeMap::from([("said_by".to_owned(), 1)])
        );
        let (after, _) = apply(&project, &fix);
        assert!(after.documents[0].links().is_empty());
        assert_eq!(labels_of(&after.documents[0], "“Yes,”"), ["quote"]);
    }

    #[test]
    fn nothing_to_do_and_unknown_labels() {
        let project = project(vec![doc("a", "Kyiv", &[("Kyiv", "location")])]);
        let fix = fix_inconsistency(&project, "Kyiv", "location").expect("a fix");
        assert!(fix.is_empty());
        assert_eq!(
            fix.describe(&project.schema),
            "Kyiv: every span is Location already"
        );
        assert_eq!(
            fix_inconsistency(&project, "Kyiv", "place"),
            Err(FixError::UnknownLabel("place".into()))
        );
    }
}
