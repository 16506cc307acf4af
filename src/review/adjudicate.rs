//! Adjudication: from several annotators' projects to the start of a gold project.
//!
//! Documents are matched by the digest of their text (never by id or title: colleagues'
//! ids differ), labels and link types by key. In each document, every span on which all
//! the annotators who have the document agree (same start, end and label; at least two
//! annotators) is accepted, and records who had it; every other span becomes an open
//! candidate naming the annotators who proposed it. Links likewise, their ends named by
//! range and label: a link all agree on whose two ends are accepted is accepted, any
//! other is a candidate. Annotators' notes become comments by their authors, so nothing
//! they wrote is lost. The result is an ordinary project (format version 2 when it holds
//! review data) that the reviewer finishes by deciding the candidates.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::model::{
    Candidate, CandidateId, Comment, Document, Label, Link, LinkId, LinkType, Origin, Project,
    Proposal, Schema, Span, SpanId, SpanKey, Status, unique_id,
};

/// One annotator's project, as adjudication reads it.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    /// How the file is named in reports (its path, as given). Its stem
    /// ([`super::source_name`]) tells annotators of the same name apart, as in a review.
    pub file: &'a str,
    /// The annotator's project.
    pub project: &'a Project,
}

/// Why adjudication could not run.
#[derive(Debug, thiserror::Error)]
pub enum AdjudicateError {
    /// Adjudication compares: it needs two files or more.
    #[error("adjudication needs at least two annotators' files (got {0})")]
    TooFewFiles(usize),
}

/// The gold project and what adjudication did.
#[derive(Clone, Debug)]
pub struct Adjudication {
    /// The gold project: agreed annotations accepted, disagreements as open candidates.
    pub project: Project,
    /// What was matched, accepted, left open and found different.
    pub report: AdjudicationReport,
}

/// One input's annotator, as named in the gold project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnnotatorName {
    /// The file.
    pub file: String,
    /// The name used for provenance and candidates' origins.
    pub name: String,
    /// The name the file gives, when it had to be changed (empty, or the same as
    /// another file's).
    pub renamed_from: Option<String>,
}

/// What adjudication did with one document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocumentReport {
    /// The gold document's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Indices (into [`AdjudicationReport::annotators`]) of the files that have it.
    pub present: Vec<usize>,
    /// Indices of the files that lack it.
    pub missing: Vec<usize>,
    /// Spans accepted because all agree.
    pub accepted_spans: usize,
    /// Links accepted because all agree.
    pub accepted_links: usize,
    /// Spans left open as candidates.
    pub span_candidates: usize,
    /// Links left open as candidates.
    pub link_candidates: usize,
}

impl DocumentReport {
    /// Whether at least two annotators have the document, so it was compared.
    pub fn is_compared(&self) -> bool {
        self.present.len() >= 2
    }

    /// Number of open candidates.
    pub fn candidates(&self) -> usize {
        self.span_candidates + self.link_candidates
    }
}

/// What adjudication matched, accepted and left open, and how the files' schemas differ.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AdjudicationReport {
    /// The input files' annotators, in file order.
    pub annotators: Vec<AnnotatorName>,
    /// The gold documents, in gold order.
    pub documents: Vec<DocumentReport>,
    /// Where the files' schemas differ and what the gold schema keeps, in plain words.
    pub schema_differences: Vec<String>,
}

impl AdjudicationReport {
    /// Documents at least two files have: when there is none, the files have nothing in
    /// common to adjudicate.
    pub fn compared_documents(&self) -> usize {
        self.documents.iter().filter(|d| d.is_compared()).count()
    }

    /// Documents some file lacks.
    pub fn missing_documents(&self) -> impl Iterator<Item = &DocumentReport> {
        self.documents.iter().filter(|d| !d.missing.is_empty())
    }

    /// Open candidates over all documents.
    pub fn candidates(&self) -> usize {
        self.documents.iter().map(DocumentReport::candidates).sum()
    }

    fn names(&self, indices: &[usize]) -> String {
        indices
            .iter()
            .filter_map(|&i| self.annotators.get(i))
            .map(|a| format!("{} ({})", a.file, a.name))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for AdjudicationReport {
    /// The report as the command line prints it (and the window shows it).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.annotators.iter().map(|a| a.name.as_str()).collect();
        writeln!(
            f,
            "adjudicated {} from {} files ({})",
            count(self.documents.len(), "document"),
            self.annotators.len(),
            names.join(", ")
        )?;
        for renamed in &self.annotators {
            match renamed.renamed_from.as_deref().map(str::trim) {
                None => {}
                Some("") => writeln!(
                    f,
                    "  {} names no annotator: called `{}` here",
                    renamed.file, renamed.name
                )?,
                Some(given) => writeln!(
                    f,
                    "  {} is annotated by `{given}`, like another file: called `{}` here",
                    renamed.file, renamed.name
                )?,
            }
        }
        let sum = |count: fn(&DocumentReport) -> usize| -> usize {
            self.documents.iter().map(count).sum()
        };
        writeln!(
            f,
            "accepted where all agree: {}, {}",
            count(sum(|d| d.accepted_spans), "span"),
            count(sum(|d| d.accepted_links), "link")
        )?;
        writeln!(
            f,
            "open candidates: {} ({}, {}) in {}",
            self.candidates(),
            count(sum(|d| d.span_candidates), "span"),
            count(sum(|d| d.link_candidates), "link"),
            count(
                self.documents.iter().filter(|d| d.candidates() > 0).count(),
                "document"
            )
        )?;
        for doc in &self.documents {
            writeln!(
                f,
                "  `{}`: {} and {} accepted, {} open",
                doc.id,
                count(doc.accepted_spans, "span"),
                count(doc.accepted_links, "link"),
                count(doc.candidates(), "candidate")
            )?;
        }
        let mut missing = self.missing_documents().peekable();
        if missing.peek().is_some() {
            writeln!(f, "documents not in every file:")?;
            for doc in missing {
                let note = if doc.is_compared() {
                    ""
                } else {
                    "; nothing to compare, every span is a candidate"
                };
                writeln!(
                    f,
                    "  `{}` {}: missing from {}{note}",
                    doc.id,
                    crate::model::Quoted(&doc.title),
                    self.names(&doc.missing)
                )?;
            }
        }
        if !self.schema_differences.is_empty() {
            writeln!(f, "schema differences:")?;
            for difference in &self.schema_differences {
                writeln!(f, "  {difference}")?;
            }
        }
        Ok(())
    }
}

/// Builds a gold project from the annotators' projects, annotated by `annotator`.
pub fn adjudicate(inputs: &[Input<'_>], annotator: &str) -> Result<Adjudication, AdjudicateError> {
    if inputs.len() < 2 {
        return Err(AdjudicateError::TooFewFiles(inputs.len()));
    }
    let annotators = annotator_names(inputs);
    let mut report = AdjudicationReport {
        annotators,
        ..AdjudicationReport::default()
    };
    let schema = union_schema(inputs, &report.annotators, &mut report.schema_differences);
    let names: Vec<String> = report.annotators.iter().map(|a| a.name.clone()).collect();

    let mut gold = Project::new(format!("{} (gold)", inputs[0].project.name), annotator);
    gold.schema = schema;
    // The gold project suggests with the verbs of the first file, as it takes its name.
    gold.reporting_verbs = inputs[0].project.reporting_verbs.clone();
    for group in group_documents(inputs) {
        let first = group.iter().flatten().next().copied();
        let Some(first) = first else { continue };
        let id = unique_id(&first.id, |id| gold.document(id).is_some());
        let mut source = Document::new(id, first.title.clone(), first.text());
        source.source = first.source.clone();
        let mut doc_report = DocumentReport {
            id: source.id.clone(),
            title: source.title.clone(),
            ..DocumentReport::default()
        };
        for (i, slot) in group.iter().enumerate() {
            match slot {
                Some(_) => doc_report.present.push(i),
                None => doc_report.missing.push(i),
            }
        }
        let mut doc = adjudicate_document(source, &group, &names, &mut doc_report);
        doc.status = if doc.spans().is_empty() && doc.candidates().is_empty() {
            Status::Todo
        } else {
            Status::InProgress
        };
        gold.documents.push(doc);
        report.documents.push(doc_report);
    }
    Ok(Adjudication {
        project: gold,
        report,
    })
}

/// Each file's annotator name, by the rule of a review ([`super::Comparison`]): the one
/// it gives, unless it is empty (then the file's stem) or another file's too (then with
/// the file's stem after it), so the gold project names annotators as the review did.
fn annotator_names(inputs: &[Input<'_>]) -> Vec<AnnotatorName> {
    let sources: Vec<String> = inputs
        .iter()
        .map(|i| super::source_name(std::path::Path::new(i.file)))
        .collect();
    let files: Vec<(&str, &Project)> = sources
        .iter()
        .map(String::as_str)
        .zip(inputs.iter().map(|i| i.project))
        .collect();
    super::compare::annotator_names(&files)
        .into_iter()
        .zip(inputs)
        .map(|(annotator, input)| AnnotatorName {
            file: input.file.to_owned(),
            renamed_from: (annotator.name != input.project.annotator.trim())
                .then(|| input.project.annotator.clone()),
            name: annotator.name,
        })
        .collect()
}

/// The union of the files' schemas by key: the first file that has a label or link type
/// gives its name, colour, hotkey and guideline; a link type allows the labels any file
/// allows (so every annotator's links stay valid). Differences are reported.
fn union_schema(
    inputs: &[Input<'_>],
    annotators: &[AnnotatorName],
    differences: &mut Vec<String>,
) -> Schema {
    let file = |i: usize| annotators[i].file.as_str();
    let mut labels: Vec<(Label, usize)> = Vec::new();
    let mut link_types: Vec<(LinkType, usize)> = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        for label in &input.project.schema.labels {
            match labels.iter().find(|(l, _)| l.key == label.key) {
                Some((kept, from)) => {
                    for (what, kept_value, value) in [
                        ("name", kept.name.clone(), label.name.clone()),
                        ("colour", kept.color.to_string(), label.color.to_string()),
                        ("hotkey", hotkey(kept.hotkey), hotkey(label.hotkey)),
                        (
                            "guideline",
                            kept.description.clone(),
                            label.description.clone(),
                        ),
                    ] {
                        if kept_value != value {
                            differences.push(format!(
                                "label `{}`: {what} {kept_value:?} in {}, {value:?} in {}; \
                                 kept {kept_value:?}",
                                label.key,
                                file(*from),
                                file(i)
                            ));
                        }
                    }
                }
                None => {
                    let mut label = label.clone();
                    if let Some(key) = label.hotkey
                        && let Some((other, _)) = labels.iter().find(|(l, _)| l.hotkey == Some(key))
                    {
                        differences.push(format!(
                            "label `{}` of {} has hotkey {key}, which `{}` already has: \
                             it gets none",
                            label.key,
                            file(i),
                            other.key
                        ));
                        label.hotkey = None;
                    }
                    labels.push((label, i));
                }
            }
        }
        for link_type in &input.project.schema.link_types {
            match link_types.iter_mut().find(|(t, _)| t.key == link_type.key) {
                Some((kept, from)) => {
                    if kept.name != link_type.name {
                        differences.push(format!(
                            "link type `{}`: name {:?} in {}, {:?} in {}; kept {:?}",
                            link_type.key,
                            kept.name,
                            file(*from),
                            link_type.name,
                            file(i),
                            kept.name
                        ));
                    }
                    for (end, kept_labels, labels) in [
                        ("from", &mut kept.from, &link_type.from),
                        ("to", &mut kept.to, &link_type.to),
                    ] {
                        let added: Vec<String> = labels
                            .iter()
                            .filter(|l| !kept_labels.contains(l))
                            .cloned()
                            .collect();
                        if !added.is_empty() {
                            differences.push(format!(
                                "link type `{}`: {} also allows {end} {}; allowed",
                                link_type.key,
                                file(i),
                                quoted(&added)
                            ));
                            kept_labels.extend(added);
                        }
                    }
                }
                None => link_types.push((link_type.clone(), i)),
            }
        }
    }
    // What some file lacks.
    for (i, input) in inputs.iter().enumerate() {
        let schema = &input.project.schema;
        for (label, _) in &labels {
            if schema.label(&label.key).is_none() {
                differences.push(format!("label `{}` is not in {}", label.key, file(i)));
            }
        }
        for (link_type, _) in &link_types {
            if schema.link_type(&link_type.key).is_none() {
                differences.push(format!(
                    "link type `{}` is not in {}",
                    link_type.key,
                    file(i)
                ));
            }
        }
    }
    Schema {
        labels: labels.into_iter().map(|(l, _)| l).collect(),
        link_types: link_types.into_iter().map(|(t, _)| t).collect(),
    }
}

/// `1 span`, `2 spans`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn hotkey(key: Option<u8>) -> String {
    key.map_or_else(|| "none".to_owned(), |k| k.to_string())
}

fn quoted(keys: &[String]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The documents of all files grouped by text, as a review matches them
/// ([`super::Comparison`]): for each group, every file's document or `None`. A file
/// holding the same text twice has its n-th copy matched with the others' n-th copy.
fn group_documents<'a>(inputs: &[Input<'a>]) -> Vec<Vec<Option<&'a Document>>> {
    let projects: Vec<&'a Project> = inputs.iter().map(|i| i.project).collect();
    super::compare::match_documents(&projects)
        .into_iter()
        .map(|group| {
            group
                .iter()
                .zip(&projects)
                .map(|(index, project)| index.and_then(|d| project.documents.get(d)))
                .collect()
        })
        .collect()
}

/// A link by its ends' keys and its type.
type LinkKey = (SpanKey, SpanKey, String);

/// Fills the gold document (new, without annotations) from the annotators' versions.
fn adjudicate_document(
    gold: Document,
    versions: &[Option<&Document>],
    names: &[String],
    report: &mut DocumentReport,
) -> Document {
    // Who had each span and link; their notes on the spans.
    let mut spans: BTreeMap<SpanKey, (Vec<usize>, Vec<Comment>)> = BTreeMap::new();
    let mut links: BTreeMap<LinkKey, Vec<usize>> = BTreeMap::new();
    for (i, version) in versions.iter().enumerate() {
        let Some(doc) = version else { continue };
        for span in doc.spans() {
            let (who, comments) = spans.entry(SpanKey::of(span)).or_default();
            who.push(i);
            if let Some(note) = &span.note {
                comments.push(Comment {
                    author: names[i].clone(),
                    text: note.clone(),
                });
            }
            comments.extend(span.comments.iter().cloned());
        }
        // Links name their ends by id; the keys are looked up once per document.
        let keys: HashMap<SpanId, &Span> = doc.spans().iter().map(|s| (s.id, s)).collect();
        for link in doc.links() {
            let (Some(from), Some(to)) = (keys.get(&link.from), keys.get(&link.to)) else {
                continue;
            };
            links
                .entry((SpanKey::of(from), SpanKey::of(to), link.link_type.clone()))
                .or_default()
                .push(i);
        }
    }
    let holders = report.present.len();
    let agreed = |who: &[usize]| holders >= 2 && who.len() == holders;
    let origin =
        |who: &[usize]| Origin::Annotators(who.iter().map(|&i| names[i].clone()).collect());

    // The parts are built directly, ids counted from 1 in reading order: every part
    // comes from a validated input, under a schema that has all their labels and allows
    // all their links, so the gold document is valid by construction (a property test
    // loads it through the validating reader). Edits one by one would make this
    // quadratic for a long article.
    let mut gold_spans: Vec<Span> = Vec::new();
    let mut accepted: BTreeMap<&SpanKey, SpanId> = BTreeMap::new();
    let mut candidates: Vec<(Proposal, Origin, Vec<Comment>)> = Vec::new();
    for (key, (who, comments)) in &spans {
        if agreed(who) {
            let id = SpanId(gold_spans.len() as u64 + 1);
            gold_spans.push(Span {
                annotators: who.iter().map(|&i| names[i].clone()).collect(),
                comments: comments.clone(),
                ..Span::new(id, key.start, key.end, key.label.clone())
            });
            accepted.insert(key, id);
        } else {
            candidates.push((Proposal::Span(key.clone()), origin(who), comments.clone()));
            report.span_candidates += 1;
        }
    }
    let mut gold_links: Vec<Link> = Vec::new();
    for ((from, to, link_type), who) in &links {
        match accepted.get(from).zip(accepted.get(to)) {
            Some((&from_id, &to_id)) if agreed(who) => gold_links.push(Link {
                id: LinkId(gold_links.len() as u64 + 1),
                from: from_id,
                to: to_id,
                link_type: link_type.clone(),
            }),
            _ => {
                let proposal = Proposal::Link {
                    from: from.clone(),
                    to: to.clone(),
                    link_type: link_type.clone(),
                };
                candidates.push((proposal, origin(who), Vec::new()));
                report.link_candidates += 1;
            }
        }
    }
    report.accepted_spans = gold_spans.len();
    report.accepted_links = gold_links.len();
    // Ids in reading order, so that a file's candidates read like its text.
    candidates.sort_by(|a, b| {
        let key = |(proposal, _, _): &(Proposal, Origin, Vec<Comment>)| {
            let (start, end) = proposal.range();
            (start, end, matches!(proposal, Proposal::Link { .. }))
        };
        key(a).cmp(&key(b)).then_with(|| a.0.cmp(&b.0))
    });
    let gold_candidates: Vec<Candidate> = candidates
        .into_iter()
        .enumerate()
        .map(|(n, (proposal, origin, comments))| Candidate {
            comments,
            ..Candidate::new(CandidateId(n as u64 + 1), proposal, origin)
        })
        .collect();
    let next = |count: usize| count as u64 + 1;
    let (next_span, next_link) = (next(gold_spans.len()), next(gold_links.len()));
    let next_candidate = next(gold_candidates.len());
    gold.from_validated_parts(gold_spans, gold_links, next_span, next_link)
        .with_validated_candidates(gold_candidates, next_candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(annotator: &str, copies: &[&[(usize, usize, &str)]]) -> Project {
        let mut project = Project::new("Talks", annotator);
        for (n, spans) in copies.iter().enumerate() {
            let mut doc = Document::new(format!("talks-{n}"), "Talks", "Putin met Trump.");
            let edits = spans
                .iter()
                .map(|&(start, end, label)| doc.add_span_edit(start, end, label))
                .collect();
            doc.apply(crate::model::Edit::Batch(edits), &project.schema)
                .expect("spans");
            project.documents.push(doc);
        }
        project
    }

    #[test]
    fn a_text_held_twice_is_matched_copy_by_copy_as_in_a_review() {
        // Alice has the article twice (annotated differently), Bob once.
        let alice = project("alice", &[&[(0, 5, "actor")], &[(10, 15, "actor")]]);
        let bob = project("bob", &[&[(0, 5, "actor")]]);
        let inputs = [
            Input {
                file: "in/alice.ron",
                project: &alice,
            },
            Input {
                file: "in/bob.ron",
                project: &bob,
            },
        ];
        let gold = adjudicate(&inputs, "gold").expect("adjudicated");
        let comparison =
            crate::review::Comparison::new(&[("alice", &alice), ("bob", &bob)]).expect("compared");
        assert_eq!(gold.project.documents.len(), comparison.documents.len());
        assert_eq!(
            gold.project.documents.len(),
            2,
            "Alice's second copy is kept"
        );
        let second = &gold.project.documents[1];
        assert_eq!(second.candidates().len(), 1, "her Trump, only in her copy");
        assert_eq!(gold.report.documents[1].missing, [1], "Bob lacks the copy");
    }

    #[test]
    fn annotators_are_named_as_in_a_review() {
        let one = project("alice", &[&[]]);
        let two = project("alice", &[&[]]);
        let nameless = project(" ", &[&[]]);
        let files = ["a/first.ron", "b/second.ron", "c/third.ron"];
        let projects = [&one, &two, &nameless];
        let inputs: Vec<Input<'_>> = files
            .iter()
            .zip(projects)
            .map(|(file, project)| Input { file, project })
            .collect();
        let names: Vec<String> = annotator_names(&inputs)
            .into_iter()
            .map(|a| a.name)
            .collect();
        let stems = ["first", "second", "third"];
        let review: Vec<(&str, &Project)> = stems.into_iter().zip(projects).collect();
        let compared: Vec<String> = crate::review::Comparison::new(&review)
            .expect("compared")
            .annotators
            .into_iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(names, compared);
        assert_eq!(names, ["alice (first)", "alice (second)", "third"]);
    }
}
