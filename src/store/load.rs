//! Loading a project file: parse, then check everything and report every problem.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::format::{
    CURRENT_VERSION, CandidateFile, CommentFile, DocumentFile, ProjectFile, ProposalFile,
    REVIEW_VERSION, SpanKeyFile, peek_version,
};
use super::{LoadError, Problem};
use crate::model::{
    Candidate, CandidateId, Comment, Document, Link, LinkId, Origin, Project, Proposal, Schema,
    Span, SpanId, SpanKey, TextIndex, check_link_labels, text_digest,
};

/// Files larger than this are refused before they are read: a project with a 10 MB
/// article and 200,000 spans is about 25 MB, so this leaves room for ten of those.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Nesting deeper than this is refused by the parser. Project files nest about six
/// levels; a file nested hundreds deep is broken or hostile.
const MAX_NESTING: usize = 32;

use crate::model::MAX_NEXT_ID;

/// Parses and validates the text of a project file. `origin` names the file in messages.
pub fn from_str(text: &str, origin: &Path) -> Result<Project, LoadError> {
    let origin = origin.to_path_buf();
    // Some Windows editors start a UTF-8 file with a byte-order mark; it is not RON.
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    // The version decides how to read the rest, so it is read first, cheaply; it is
    // checked again after the parse in case it was not the first field.
    if let Some(error) = peek_version(text).and_then(|found| version_error(found, text, &origin)) {
        return Err(error);
    }
    let file = match parse(text) {
        Ok(file) => file,
        Err(error) => {
            return Err(LoadError::Syntax {
                path: origin,
                line: error.span.start.line,
                col: error.span.start.col,
                message: error.code.to_string(),
            });
        }
    };
    if let Some(error) = version_error(file.version.into(), text, &origin) {
        return Err(error);
    }
    let mut problems = Vec::new();
    let project = check(file, &mut problems);
    if problems.is_empty() {
        Ok(project)
    } else {
        Err(LoadError::Invalid {
            path: origin,
            problems,
        })
    }
}

fn ron_options() -> ron::Options {
    ron::Options::default().with_recursion_limit(MAX_NESTING)
}

/// The file's serde shape: by the fast reader when the file is in the writer's own
/// layout, else (hand-edited, or broken) by ron, which then also places any error.
fn parse(text: &str) -> Result<ProjectFile<'_>, ron::error::SpannedError> {
    let options = ron_options();
    match super::fast::parse(text, &options) {
        Some(file) => Ok(file),
        None => options.from_str(text),
    }
}

/// Checks that the fast reader agrees with ron on `text`: where it reads the file at all,
/// ron reads it too, to the same values. `Ok(true)` when the fast reader read it,
/// `Ok(false)` when it left the file to ron, `Err` says how the two differ. For tests and
/// the fuzz target.
#[doc(hidden)]
pub fn fast_reader_agrees(text: &str) -> Result<bool, String> {
    // As `from_str` reads it.
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let options = ron_options();
    let Some(fast) = super::fast::parse(text, &options) else {
        return Ok(false);
    };
    match options.from_str::<ProjectFile<'_>>(text) {
        Ok(slow) if slow == fast => Ok(true),
        Ok(slow) => Err(format!(
            "the fast reader read {fast:#?}\nbut ron read {slow:#?}"
        )),
        Err(error) => Err(format!(
            "the fast reader read a file that ron refuses ({error}): {fast:#?}"
        )),
    }
}

/// The error for a format version this build cannot read, if `found` is one.
fn version_error(found: u64, text: &str, origin: &Path) -> Option<LoadError> {
    if found > u64::from(CURRENT_VERSION) {
        return Some(LoadError::NewerVersion {
            path: origin.to_path_buf(),
            found,
        });
    }
    if found == 0 {
        // Point at the `version` field: the first one in the file.
        let (line, col) = text.find("version").map_or((1, 1), |at| line_col(text, at));
        return Some(LoadError::Syntax {
            path: origin.to_path_buf(),
            line,
            col,
            message: "format version 0 does not exist; the first version is 1".into(),
        });
    }
    None
}

/// 1-based line and column (in chars) of byte `at`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// Turns the parsed file into a project, pushing every problem found. The project is
/// only meaningful when no problem was found.
fn check(file: ProjectFile<'_>, problems: &mut Vec<Problem>) -> Project {
    let schema = file.schema;
    for problem in schema.problems() {
        problems.push(Problem::new("schema", problem));
    }
    if file.version < REVIEW_VERSION && file.documents.iter().any(has_review_data) {
        problems.push(Problem::new(
            "version",
            format!(
                "the file says version {} but holds review data (candidates, span \
                 annotators or comments), which needs `version: {REVIEW_VERSION}`",
                file.version
            ),
        ));
    }
    if file.version < REVIEW_VERSION && file.reporting_verbs.is_some() {
        problems.push(Problem::new(
            "version",
            format!(
                "the file says version {} but sets the project's reporting verbs \
                 (`reporting_verbs`), which need `version: {REVIEW_VERSION}`",
                file.version
            ),
        ));
    }
    let mut seen_ids = HashSet::new();
    let mut documents = Vec::with_capacity(file.documents.len());
    for (n, doc) in file.documents.into_iter().enumerate() {
        let where_ = format!("document `{}` (#{})", doc.id, n + 1);
        if doc.id.trim().is_empty() {
            problems.push(Problem::new(&where_, "has an empty id"));
        }
        if !seen_ids.insert(doc.id.clone()) {
            problems.push(Problem::new(
                &where_,
                "has the same id as an earlier document",
            ));
        }
        documents.push(check_document(doc, &where_, &schema, problems));
    }
    Project {
        name: file.name,
        annotator: file.annotator,
        schema,
        reporting_verbs: file.reporting_verbs,
        documents,
    }
}

/// Whether a parsed document uses anything of version 2.
fn has_review_data(doc: &DocumentFile<'_>) -> bool {
    doc.next_candidate_id.is_some()
        || !doc.candidates.is_empty()
        || doc
            .spans
            .iter()
            .any(|s| !s.annotators.is_empty() || !s.comments.is_empty())
}

fn check_document(
    file: DocumentFile<'_>,
    where_: &str,
    schema: &crate::model::Schema,
    problems: &mut Vec<Problem>,
) -> Document {
    let text: String = file.text.concat();
    let digest = text_digest(&text);
    if digest != file.digest {
        problems.push(Problem::new(
            where_,
            format!(
                "the text does not match its digest: it was changed after it was annotated, \
                 so span offsets may point at the wrong words (digest in file {}, digest of the \
                 text {digest})",
                file.digest
            ),
        ));
    }
    let next_candidate_id = file.next_candidate_id.unwrap_or(1);
    for (name, next) in [
        ("next_span_id", file.next_span_id),
        ("next_link_id", file.next_link_id),
        ("next_candidate_id", next_candidate_id),
    ] {
        if next > MAX_NEXT_ID {
            problems.push(Problem::new(
                where_,
                format!("{name} is {next}; it may be at most {MAX_NEXT_ID}"),
            ));
        }
    }
    let index = TextIndex::new(&text);
    let len = index.char_len();

    let mut spans = Vec::with_capacity(file.spans.len());
    // Span id -> the key of its label, `None` when the label is unknown (already a
    // problem, so its links are not checked against the schema too). Keys borrow from
    // the schema: no allocation per span.
    let mut labels_of: HashMap<u64, Option<&str>> = HashMap::with_capacity(file.spans.len());
    let mut ranges: HashSet<(usize, usize, &str)> = HashSet::with_capacity(file.spans.len());
    for span in file.spans {
        let id = span.id;
        // Formatted only when there is a problem to report.
        let here = || format!("{where_}, span {id}");
        let label = schema.label(&span.label).map(|l| l.key.as_str());
        match labels_of.entry(id) {
            Entry::Occupied(_) => {
                problems.push(Problem::new(&here(), "has the same id as another span"));
            }
            Entry::Vacant(slot) => {
                slot.insert(label);
            }
        }
        if id >= file.next_span_id {
            problems.push(Problem::new(
                &here(),
                format!("has an id not below next_span_id ({})", file.next_span_id),
            ));
        }
        if label.is_none() {
            problems.push(Problem::new(
                &here(),
                format!("has the unknown label `{}`", span.label),
            ));
        }
        if span.start >= span.end {
            problems.push(Problem::new(
                &here(),
                format!("is empty or reversed: [{}, {})", span.start, span.end),
            ));
        } else if span.end > len {
            problems.push(Problem::new(
                &here(),
                format!(
                    "[{}, {}) reaches past the end of the text ({len} code points)",
                    span.start, span.end
                ),
            ));
        } else if let Some(surface) = index.slice(&text, span.start, span.end)
            && surface != span.text
        {
            problems.push(Problem::new(
                &here(),
                format!(
                    "[{}, {}) covers {:?} in the text, but the file says {:?}",
                    span.start, span.end, surface, span.text
                ),
            ));
        }
        if let Some(label) = label
            && !ranges.insert((span.start, span.end, label))
        {
            problems.push(Problem::new(
                &here(),
                format!(
                    "duplicates another span: [{}, {}) `{label}`",
                    span.start, span.end
                ),
            ));
        }
        check_annotators(&span.annotators, &here, problems);
        let comments = comments(span.comments, &here, problems);
        spans.push(Span {
            note: span.note.filter(|n| !n.is_empty()),
            annotators: span.annotators,
            comments,
            ..Span::new(SpanId(id), span.start, span.end, span.label)
        });
    }

    let mut links = Vec::with_capacity(file.links.len());
    let mut link_ids = HashSet::with_capacity(file.links.len());
    let mut link_keys = HashSet::with_capacity(file.links.len());
    for link in file.links {
        let id = link.id;
        let here = || format!("{where_}, link {id}");
        if !link_ids.insert(id) {
            problems.push(Problem::new(&here(), "has the same id as another link"));
        }
        if id >= file.next_link_id {
            problems.push(Problem::new(
                &here(),
                format!("has an id not below next_link_id ({})", file.next_link_id),
            ));
        }
        let from = labels_of.get(&link.from).copied();
        let to = labels_of.get(&link.to).copied();
        if from.is_none() {
            problems.push(Problem::new(
                &here(),
                format!("starts at span {}, which does not exist", link.from),
            ));
        }
        if to.is_none() {
            problems.push(Problem::new(
                &here(),
                format!("points to span {}, which does not exist", link.to),
            ));
        }
        if link.from == link.to {
            problems.push(Problem::new(&here(), "links a span to itself"));
        }
        if schema.link_type(&link.link_type).is_none() {
            problems.push(Problem::new(
                &here(),
                format!("has the unknown link type `{}`", link.link_type),
            ));
        } else if let (Some(Some(from)), Some(Some(to))) = (from, to)
            && let Err(error) = check_link_labels(schema, &link.link_type, from, to)
        {
            problems.push(Problem::new(&here(), error.to_string()));
        }
        if !link_keys.insert((link.from, link.to, link.link_type.clone())) {
            problems.push(Problem::new(&here(), "duplicates another link"));
        }
        links.push(Link {
            id: LinkId(id),
            from: SpanId(link.from),
            to: SpanId(link.to),
            link_type: link.link_type,
        });
    }

    let candidates = check_candidates(
        file.candidates,
        next_candidate_id,
        &Surface {
            text: &text,
            index: &index,
        },
        where_,
        schema,
        problems,
    );

    let mut doc = Document::with_digest_and_index(file.id, file.title, text, digest, index);
    doc.source = file.source;
    doc.status = file.status;
    doc.from_validated_parts(spans, links, file.next_span_id, file.next_link_id)
        .with_validated_candidates(candidates, next_candidate_id)
}

/// A document's text and its index, to check ranges against.
struct Surface<'t> {
    text: &'t str,
    index: &'t TextIndex,
}

impl Surface<'_> {
    /// The problem with the range `[start, end)`, if any.
    fn range_problem(&self, start: usize, end: usize) -> Option<String> {
        let len = self.index.char_len();
        if start >= end {
            Some(format!("is empty or reversed: [{start}, {end})"))
        } else if end > len {
            Some(format!(
                "[{start}, {end}) reaches past the end of the text ({len} code points)"
            ))
        } else {
            None
        }
    }
}

/// Provenance names must be real names, each once.
fn check_annotators(names: &[String], here: &dyn Fn() -> String, problems: &mut Vec<Problem>) {
    for (i, name) in names.iter().enumerate() {
        if name.trim().is_empty() {
            problems.push(Problem::new(
                &here(),
                "names an annotator with an empty name",
            ));
        } else if names[..i].contains(name) {
            problems.push(Problem::new(
                &here(),
                format!("names the annotator `{name}` twice"),
            ));
        }
    }
}

fn comments(
    comments: Vec<CommentFile>,
    here: &dyn Fn() -> String,
    problems: &mut Vec<Problem>,
) -> Vec<Comment> {
    comments
        .into_iter()
        .enumerate()
        .map(|(i, comment)| {
            if comment.text.trim().is_empty() {
                problems.push(Problem::new(
                    &here(),
                    format!("comment #{} is empty", i + 1),
                ));
            }
            Comment {
                author: comment.author,
                text: comment.text,
            }
        })
        .collect()
}

/// Checks a document's candidates: unique ids below the next id, ranges in the text,
/// surface texts, known labels and link types, sound origins, no two alike.
fn check_candidates(
    candidates: Vec<CandidateFile>,
    next_candidate_id: u64,
    surface: &Surface<'_>,
    where_: &str,
    schema: &Schema,
    problems: &mut Vec<Problem>,
) -> Vec<Candidate> {
    let mut checked: Vec<Candidate> = Vec::with_capacity(candidates.len());
    let mut ids = HashSet::with_capacity(candidates.len());
    let mut alike: HashMap<(&Proposal, &Origin), u64> = HashMap::new();
    for candidate in candidates {
        let id = candidate.id;
        let here = || format!("{where_}, candidate {id}");
        if !ids.insert(id) {
            problems.push(Problem::new(
                &here(),
                "has the same id as another candidate",
            ));
        }
        if id >= next_candidate_id {
            problems.push(Problem::new(
                &here(),
                format!("has an id not below next_candidate_id ({next_candidate_id})"),
            ));
        }
        let key_of = |key: SpanKeyFile, end_name: &str, problems: &mut Vec<Problem>| {
            if let Some(problem) = surface.range_problem(key.start, key.end) {
                problems.push(Problem::new(&here(), format!("{end_name}{problem}")));
            }
            if schema.label(&key.label).is_none() {
                problems.push(Problem::new(
                    &here(),
                    format!("{end_name}has the unknown label `{}`", key.label),
                ));
            }
            SpanKey {
                start: key.start,
                end: key.end,
                label: key.label,
            }
        };
        let proposal = match candidate.proposal {
            ProposalFile::Span {
                start,
                end,
                label,
                text,
            } => {
                let key = key_of(SpanKeyFile { start, end, label }, "", problems);
                if let Some(covered) = surface.index.slice(surface.text, start, end)
                    && start < end
                    && covered != text
                {
                    problems.push(Problem::new(
                        &here(),
                        format!(
                            "[{start}, {end}) covers {covered:?} in the text, but the file \
                             says {text:?}"
                        ),
                    ));
                }
                Proposal::Span(key)
            }
            ProposalFile::Link {
                from,
                to,
                link_type,
            } => {
                let from = key_of(from, "its from-span ", problems);
                let to = key_of(to, "its to-span ", problems);
                if from == to {
                    problems.push(Problem::new(&here(), "links a span to itself"));
                }
                if schema.link_type(&link_type).is_none() {
                    problems.push(Problem::new(
                        &here(),
                        format!("has the unknown link type `{link_type}`"),
                    ));
                } else if schema.label(&from.label).is_some()
                    && schema.label(&to.label).is_some()
                    && let Err(error) =
                        check_link_labels(schema, &link_type, &from.label, &to.label)
                {
                    problems.push(Problem::new(&here(), error.to_string()));
                }
                Proposal::Link {
                    from,
                    to,
                    link_type,
                }
            }
        };
        match &candidate.origin {
            Origin::Annotators(names) if names.is_empty() => problems.push(Problem::new(
                &here(),
                "comes from annotators but names none",
            )),
            Origin::Annotators(names) => check_annotators(names, &here, problems),
            Origin::Rule(name) | Origin::Merge(name) if name.trim().is_empty() => {
                problems.push(Problem::new(&here(), "has an origin with an empty name"));
            }
            Origin::Rule(_) | Origin::Merge(_) => {}
        }
        let comments = comments(candidate.comments, &here, problems);
        checked.push(Candidate {
            id: CandidateId(id),
            proposal,
            origin: candidate.origin,
            decision: candidate.decision,
            comments,
        });
    }
    for candidate in &checked {
        if let Some(first) = alike.insert((&candidate.proposal, &candidate.origin), candidate.id.0)
        {
            problems.push(Problem::new(
                &format!("{where_}, candidate {}", candidate.id.0),
                format!("proposes the same as candidate {first}, from the same origin"),
            ));
        }
    }
    checked
}
