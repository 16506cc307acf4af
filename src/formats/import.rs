//! Reading datasets into a project: every format reader produces [`Draft`]s (text and
//! spans in code points, with where each came from), then one builder checks them all
//! against the text, the schema and each other. Nothing changes unless everything
//! passes: a dataset is imported whole or not at all.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

use super::error::InputProblem;
use super::offsets::{OffsetMap, OffsetUnit};
use super::{Format, FormatError, brat, conll, jsonl};
use crate::model::{
    Document, Edit, Label, Link, LinkId, LinkType, Project, Rgb, Schema, Span, SpanId, Status,
    slug, text_digest, unique_id,
};

/// What to import and how.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// The dataset format; one of [`Format::IMPORT`].
    pub format: Format,
    /// The unit of the offsets in the input. `None`: the unit the input records
    /// (JSONL `meta.offsets`, brat `annotation.conf`), else code points. When both are
    /// given and differ, the import fails rather than guess.
    pub offsets: Option<OffsetUnit>,
    /// Add labels (and link types) the project does not have to its schema, instead of
    /// failing.
    pub add_labels: bool,
    /// Rename labels of the input (`old`, `new`) before checking them; `new` must be a
    /// label of the project.
    pub map: Vec<(String, String)>,
}

impl ImportOptions {
    /// Options for `format` with every other choice at its default.
    pub fn new(format: Format) -> Self {
        Self {
            format,
            ..Self::default()
        }
    }
}

/// One document the import added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedDocument {
    /// Its id in the project.
    pub id: String,
    /// Where it came from: `file` or `file:line`.
    pub origin: String,
    /// Number of spans.
    pub spans: usize,
    /// Number of links.
    pub links: usize,
    /// Number of notes.
    pub notes: usize,
}

/// Input lines the import understood but cannot represent, and passed over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ignored {
    /// What was passed over and why: "brat attributes (A lines): not part of the model".
    pub what: String,
    /// How many lines.
    pub count: usize,
    /// Where the first one is: `file:line`.
    pub first: String,
}

/// What an import added to the project, and what it passed over.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Documents added, in input order.
    pub documents: Vec<ImportedDocument>,
    /// Inputs not added because their text is already in the project (or earlier in the
    /// same import): `file:line: already in the project as `id``.
    pub skipped: Vec<String>,
    /// Documents whose id was taken, and the id they got instead: (wanted, given).
    pub renamed: Vec<(String, String)>,
    /// Labels added to the schema (`add_labels`).
    pub added_labels: Vec<String>,
    /// Link types added to the schema (`add_labels`).
    pub added_link_types: Vec<String>,
    /// Labels renamed by `map`: (old, new, number of spans).
    pub mapped: Vec<(String, String, usize)>,
    /// Input lines passed over.
    pub ignored: Vec<Ignored>,
}

impl ImportReport {
    /// Spans added in all documents.
    pub fn spans(&self) -> usize {
        self.documents.iter().map(|d| d.spans).sum()
    }

    /// Links added in all documents.
    pub fn links(&self) -> usize {
        self.documents.iter().map(|d| d.links).sum()
    }

    /// Notes added in all documents.
    pub fn notes(&self) -> usize {
        self.documents.iter().map(|d| d.notes).sum()
    }
}

/// A document as read from an input, not yet checked against the project.
#[derive(Clone, Debug, Default)]
pub(crate) struct Draft {
    /// The input file.
    pub origin: PathBuf,
    /// The line the document starts on, for line-based inputs.
    pub line: Option<usize>,
    /// The id the input gives it, if any.
    pub id: Option<String>,
    pub title: Option<String>,
    /// `None`: the input does not say (the source becomes the input file); `Some(None)`:
    /// the input says there is none.
    pub source: Option<Option<String>>,
    pub status: Option<Status>,
    pub text: String,
    pub spans: Vec<DraftSpan>,
    pub links: Vec<DraftLink>,
}

/// A span as read: in code points, already within the text.
#[derive(Clone, Debug)]
pub(crate) struct DraftSpan {
    /// How links of the input name it (`T3`, `17`); unique in its document.
    pub key: String,
    /// The span id the input asks for, kept when it is free.
    pub wanted_id: Option<u64>,
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub note: Option<String>,
    /// The line it is on, when not the document's line.
    pub line: Option<usize>,
}

/// A link as read, between span keys.
#[derive(Clone, Debug)]
pub(crate) struct DraftLink {
    pub wanted_id: Option<u64>,
    pub from: String,
    pub to: String,
    pub link_type: String,
    pub line: Option<usize>,
}

/// The unit to read offsets in: the one asked for, else the one recorded, else code
/// points. An error when both are known and differ.
pub(crate) fn resolve_unit(
    given: Option<OffsetUnit>,
    recorded: Option<OffsetUnit>,
) -> Result<OffsetUnit, String> {
    match (given, recorded) {
        (Some(given), Some(recorded)) if given != recorded => Err(format!(
            "the offsets are recorded as {recorded}, but {given} was asked for; \
             leave the unit out to use the recorded one"
        )),
        (Some(unit), _) | (None, Some(unit)) => Ok(unit),
        (None, None) => Ok(OffsetUnit::Codepoints),
    }
}

/// `[start, end)` in the map's unit as code points, or why not.
pub(crate) fn decode_range(
    map: &OffsetMap,
    start: usize,
    end: usize,
    what: &str,
) -> Result<(usize, usize), String> {
    if start >= end {
        return Err(format!("{what}: [{start}, {end}) is empty or reversed"));
    }
    let decode = |offset: usize| {
        map.decode(offset).ok_or_else(|| {
            if offset > map.len() {
                format!(
                    "{what}: offset {offset} is past the end of the text ({} {})",
                    map.len(),
                    map.unit()
                )
            } else {
                format!(
                    "{what}: offset {offset} falls inside a character ({} offsets); \
                     are the offsets in another unit?",
                    map.unit()
                )
            }
        })
    };
    Ok((decode(start)?, decode(end)?))
}

/// Imports `inputs` into `project`. Reads and checks every input first (offsets within
/// the text and on character boundaries, span texts where the format has them, labels
/// and link types against the schema, links against their spans) and returns every
/// problem found, with file and line, as [`FormatError::Invalid`]; `project` is then
/// unchanged. Documents whose text is already in the project are skipped, not merged.
pub fn import(
    project: &mut Project,
    options: &ImportOptions,
    inputs: &[PathBuf],
) -> Result<ImportReport, FormatError> {
    if !options.format.can_import() {
        return Err(FormatError::Options(format!(
            "{} is an export format; import one of {}",
            options.format,
            Format::IMPORT.map(Format::as_str).join(", ")
        )));
    }
    if inputs.is_empty() {
        return Err(FormatError::Options(
            "nothing to import: name at least one input".into(),
        ));
    }
    for (old, new) in &options.map {
        if project.schema.label(new).is_none() {
            return Err(FormatError::Options(format!(
                "--map {old}={new}: the project has no label `{new}` (it has {})",
                project
                    .schema
                    .labels
                    .iter()
                    .map(|l| format!("`{}`", l.key))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }

    let mut problems = Vec::new();
    let mut ignored: Vec<(String, InputProblem)> = Vec::new();
    let mut drafts = Vec::new();
    for input in inputs {
        match options.format {
            Format::Jsonl => drafts.extend(jsonl::read(input, options.offsets, &mut problems)?),
            Format::Brat => drafts.extend(brat::read(
                input,
                options.offsets,
                &mut problems,
                &mut ignored,
            )?),
            Format::Conll => drafts.extend(conll::read(input, &mut problems)?),
            Format::Txt | Format::Md => match super::article::read_article(input) {
                Ok(article) => drafts.push(Draft {
                    origin: input.clone(),
                    title: Some(article.title),
                    text: article.text,
                    ..Draft::default()
                }),
                Err(error) => problems.push(InputProblem::new(input, None, error.reason())),
            },
            Format::Spacy | Format::Csv => {}
        }
    }

    let mut report = ImportReport::default();
    let mut schema = project.schema.clone();
    map_labels(&mut drafts, &options.map, &mut report);
    check_schema(
        &drafts,
        &mut schema,
        options.add_labels,
        &mut problems,
        &mut report,
    );

    let mut taken: HashSet<String> = project.documents.iter().map(|d| d.id.clone()).collect();
    let mut digests: HashMap<String, String> = project
        .documents
        .iter()
        .map(|d| (d.digest().to_owned(), d.id.clone()))
        .collect();
    let mut documents = Vec::with_capacity(drafts.len());
    for draft in drafts {
        let origin = match draft.line {
            Some(line) => format!("{}:{line}", draft.origin.display()),
            None => draft.origin.display().to_string(),
        };
        let digest = text_digest(&draft.text);
        if let Some(existing) = digests.get(&digest) {
            let already = if project.document(existing).is_some() {
                "already in the project"
            } else {
                "imported earlier"
            };
            report
                .skipped
                .push(format!("{origin}: same text as `{existing}`, {already}"));
            continue;
        }
        let id = document_id(&draft, &taken);
        if let Some(wanted) = &draft.id
            && *wanted != id
        {
            report.renamed.push((wanted.clone(), id.clone()));
        }
        taken.insert(id.clone());
        digests.insert(digest, id.clone());
        if let Some(doc) = build(draft, id, &schema, &mut problems) {
            report.documents.push(ImportedDocument {
                id: doc.id.clone(),
                origin,
                spans: doc.spans().len(),
                links: doc.links().len(),
                notes: doc.spans().iter().filter(|s| s.note.is_some()).count(),
            });
            documents.push(doc);
        }
    }

    let mut by_what: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for (what, at) in ignored {
        let first = match at.line {
            Some(line) => format!("{}:{line}", at.path.display()),
            None => at.path.display().to_string(),
        };
        by_what.entry(what).or_insert((0, first)).0 += 1;
    }
    report.ignored = by_what
        .into_iter()
        .map(|(what, (count, first))| Ignored { what, count, first })
        .collect();

    if !problems.is_empty() {
        return Err(FormatError::Invalid { problems });
    }
    project.schema = schema;
    project.documents.extend(documents);
    Ok(report)
}

fn map_labels(drafts: &mut [Draft], map: &[(String, String)], report: &mut ImportReport) {
    for (old, new) in map {
        let mut count = 0;
        for span in drafts.iter_mut().flat_map(|d| d.spans.iter_mut()) {
            if span.label == *old {
                span.label.clone_from(new);
                count += 1;
            }
        }
        report.mapped.push((old.clone(), new.clone(), count));
    }
}

/// Colours for labels added by an import: the Okabe–Ito colours the default schema does
/// not use, then a few more that stay apart from them.
const NEW_LABEL_COLOURS: [[u8; 3]; 8] = [
    [0xF0, 0xE4, 0x42],
    [0x00, 0x72, 0xB2],
    [0xD5, 0x5E, 0x00],
    [0x99, 0x99, 0x99],
    [0x88, 0x22, 0x55],
    [0x44, 0xAA, 0x99],
    [0x99, 0x99, 0x33],
    [0x33, 0x22, 0x88],
];

/// Finds labels and link types the schema lacks: adds them (`add`) or reports each once,
/// with how often and where it first occurs.
fn check_schema(
    drafts: &[Draft],
    schema: &mut Schema,
    add: bool,
    problems: &mut Vec<InputProblem>,
    report: &mut ImportReport,
) {
    let mut unknown_labels: BTreeMap<&str, (usize, InputProblem)> = BTreeMap::new();
    // Per unknown link type: how many, where first, and the label pairs it links.
    type Seen = (usize, InputProblem, BTreeSet<(String, String)>);
    let mut unknown_types: BTreeMap<&str, Seen> = BTreeMap::new();
    for draft in drafts {
        let labels: HashMap<&str, &str> = draft
            .spans
            .iter()
            .map(|s| (s.key.as_str(), s.label.as_str()))
            .collect();
        for span in &draft.spans {
            if schema.label(&span.label).is_none() {
                unknown_labels
                    .entry(&span.label)
                    .or_insert_with(|| {
                        (
                            0,
                            InputProblem::new(&draft.origin, span.line.or(draft.line), ""),
                        )
                    })
                    .0 += 1;
            }
        }
        for link in &draft.links {
            if schema.link_type(&link.link_type).is_none() {
                let entry = unknown_types.entry(&link.link_type).or_insert_with(|| {
                    (
                        0,
                        InputProblem::new(&draft.origin, link.line.or(draft.line), ""),
                        BTreeSet::new(),
                    )
                });
                entry.0 += 1;
                if let (Some(from), Some(to)) =
                    (labels.get(link.from.as_str()), labels.get(link.to.as_str()))
                {
                    entry.2.insert(((*from).to_owned(), (*to).to_owned()));
                }
            }
        }
    }
    for (label, (count, at)) in unknown_labels {
        if add {
            let used: Vec<u8> = schema.labels.iter().filter_map(|l| l.hotkey).collect();
            let colour = NEW_LABEL_COLOURS[report.added_labels.len() % NEW_LABEL_COLOURS.len()];
            schema.labels.push(Label {
                key: label.to_owned(),
                name: label.to_owned(),
                color: Rgb(colour),
                hotkey: (1..=9).find(|k| !used.contains(k)),
                description: String::new(),
            });
            report.added_labels.push(label.to_owned());
        } else {
            problems.push(InputProblem {
                message: format!(
                    "the project has no label `{label}` ({count} span{} from here on); add it with \
                     --add-labels or map it to a label of the project with --map {label}=LABEL",
                    if count == 1 { "" } else { "s" }
                ),
                ..at
            });
        }
    }
    for (link_type, (count, at, pairs)) in unknown_types {
        if add {
            let mut from: Vec<String> = pairs.iter().map(|(f, _)| f.clone()).collect();
            let mut to: Vec<String> = pairs.iter().map(|(_, t)| t.clone()).collect();
            from.sort();
            from.dedup();
            to.sort();
            to.dedup();
            schema.link_types.push(LinkType {
                key: link_type.to_owned(),
                name: link_type.to_owned(),
                from,
                to,
            });
            report.added_link_types.push(link_type.to_owned());
        } else {
            problems.push(InputProblem {
                message: format!(
                    "the project has no link type `{link_type}` ({count} link{} from here on); \
                     add it with --add-labels",
                    if count == 1 { "" } else { "s" }
                ),
                ..at
            });
        }
    }
}

/// The id a new document gets: the one the input gives if it is free, else that id with
/// `-2`, `-3`, …; without one, a clean id from the input file's name.
fn document_id(draft: &Draft, taken: &HashSet<String>) -> String {
    let base = match &draft.id {
        Some(id) if !id.trim().is_empty() => id.clone(),
        _ => slug(
            &draft
                .origin
                .file_stem()
                .map(|s| s.to_string_lossy())
                .unwrap_or_default(),
        ),
    };
    unique_id(&base, |id| taken.contains(id))
}

/// Builds a document from a draft through the model's own edits, so it keeps every
/// invariant a document built by hand keeps. Pushes a problem for each edit refused.
fn build(
    draft: Draft,
    id: String,
    schema: &Schema,
    problems: &mut Vec<InputProblem>,
) -> Option<Document> {
    let before = problems.len();
    let origin = draft.origin;
    let title = draft
        .title
        .filter(|t| !t.trim().is_empty())
        .or_else(|| super::article::title_of(&draft.text, false))
        .unwrap_or_else(|| id.clone());
    let mut doc = Document::new(id, title, draft.text);
    doc.source = draft
        .source
        .unwrap_or_else(|| Some(origin.display().to_string()));
    doc.status = draft.status.unwrap_or_default();

    // Span ids: the ones asked for when free, then fresh ones above all of those.
    let mut used = BTreeSet::new();
    let wanted: Vec<Option<u64>> = draft
        .spans
        .iter()
        .map(|s| s.wanted_id.filter(|id| used.insert(*id)))
        .collect();
    let mut next = used.last().map_or(1, |last| last + 1);
    let mut ids: HashMap<&str, SpanId> = HashMap::with_capacity(draft.spans.len());
    for (span, wanted) in draft.spans.iter().zip(wanted) {
        let id = SpanId(wanted.unwrap_or_else(|| {
            next += 1;
            next - 1
        }));
        if schema.label(&span.label).is_none() {
            continue; // Reported once per label by `check_schema`.
        }
        let edit = Edit::AddSpan(Span {
            note: span.note.clone().filter(|n| !n.is_empty()),
            ..Span::new(id, span.start, span.end, span.label.clone())
        });
        match doc.apply(edit, schema) {
            Ok(_) => {
                ids.insert(&span.key, id);
            }
            Err(error) => problems.push(InputProblem::new(
                &origin,
                span.line.or(draft.line),
                format!(
                    "span {} [{}, {}) `{}`: {error}",
                    span.key, span.start, span.end, span.label
                ),
            )),
        }
    }

    let mut used = BTreeSet::new();
    let wanted: Vec<Option<u64>> = draft
        .links
        .iter()
        .map(|l| l.wanted_id.filter(|id| used.insert(*id)))
        .collect();
    let mut next = used.last().map_or(1, |last| last + 1);
    for (link, wanted) in draft.links.iter().zip(wanted) {
        let id = LinkId(wanted.unwrap_or_else(|| {
            next += 1;
            next - 1
        }));
        // A link whose span was refused is not reported again.
        let (Some(&from), Some(&to)) = (ids.get(link.from.as_str()), ids.get(link.to.as_str()))
        else {
            continue;
        };
        if schema.link_type(&link.link_type).is_none() {
            continue;
        }
        let edit = Edit::AddLink(Link {
            id,
            from,
            to,
            link_type: link.link_type.clone(),
        });
        if let Err(error) = doc.apply(edit, schema) {
            problems.push(InputProblem::new(
                &origin,
                link.line.or(draft.line),
                format!(
                    "link from {} to {} (`{}`): {error}",
                    link.from, link.to, link.link_type
                ),
            ));
        }
    }
    (problems.len() == before).then_some(doc)
}
