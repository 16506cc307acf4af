//! Reading datasets into a project: every format reader produces [`Draft`]s (text and
//! spans in code points, with where each came from), then one builder checks them all
//! against the text, the schema and each other. Nothing changes unless everything
//! passes: a dataset is imported whole or not at all.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::error::InputProblem;
use super::offsets::{OffsetMap, OffsetUnit};
use super::{Format, FormatError, brat, conll, jsonl};
use crate::model::{
    Document, Edit, Label, Link, LinkId, LinkType, MAX_DOCUMENT_ID_BYTES, MAX_NEXT_ID, Project,
    Rgb, Schema, Span, SpanId, Status, slug, text_digest, unique_id,
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
    /// Documents that did not get the id the input gives: (wanted, given, why), e.g.
    /// `the project already has a document `x``, `it has a path separator`.
    pub renamed: Vec<(String, String, String)>,
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
    /// Writes what the import did, as the window and the command line show it: one line
    /// per document, rename, mapping and addition, then the totals into `file`.
    pub fn write_to(&self, file: &Path, out: &mut impl std::io::Write) -> std::io::Result<()> {
        for doc in &self.documents {
            writeln!(
                out,
                "added {} as `{}` ({} spans, {} links, {} notes)",
                doc.origin, doc.id, doc.spans, doc.links, doc.notes
            )?;
        }
        for skipped in &self.skipped {
            writeln!(out, "skipped {skipped}")?;
        }
        for (wanted, given, why) in &self.renamed {
            writeln!(
                out,
                "renamed `{}` to `{given}`: {why}",
                wanted.escape_debug()
            )?;
        }
        for (old, new, count) in &self.mapped {
            writeln!(out, "mapped label `{old}` to `{new}` ({count} spans)")?;
        }
        for label in &self.added_labels {
            writeln!(out, "added label `{label}` to the schema")?;
        }
        for link_type in &self.added_link_types {
            writeln!(out, "added link type `{link_type}` to the schema")?;
        }
        for ignored in &self.ignored {
            writeln!(
                out,
                "ignored {} lines of {} (first: {})",
                ignored.count, ignored.what, ignored.first
            )?;
        }
        writeln!(
            out,
            "imported {} documents ({} spans, {} links, {} notes) into {}",
            self.documents.len(),
            self.spans(),
            self.links(),
            self.notes(),
            file.display()
        )
    }

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
    for (at, (old, new)) in options.map.iter().enumerate() {
        if options.map[..at].iter().any(|(earlier, _)| earlier == old) {
            return Err(FormatError::Options(format!(
                "--map {old}={new}: `{old}` is mapped twice; map each label once"
            )));
        }
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
    // The schema the project would get must pass the loader's own check, or the project
    // written could not be opened again.
    for problem in schema.problems() {
        problems.push(InputProblem::new(
            &inputs[0],
            None,
            format!("the schema after this import would be invalid: {problem}"),
        ));
    }

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
        if draft.text.trim().is_empty() {
            problems.push(InputProblem::new(
                &draft.origin,
                draft.line,
                "the text is empty; there is nothing to annotate",
            ));
            continue;
        }
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
        let (id, why) = document_id(&draft, &taken);
        if let (Some(wanted), Some(why)) = (&draft.id, why) {
            report.renamed.push((wanted.clone(), id.clone(), why));
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

/// Renames input labels. All mappings apply at once, to the labels as the input has
/// them, so `a=b` with `b=a` swaps the two (one after the other would merge them).
fn map_labels(drafts: &mut [Draft], map: &[(String, String)], report: &mut ImportReport) {
    let renames: HashMap<&str, usize> = map
        .iter()
        .enumerate()
        .map(|(at, (old, _))| (old.as_str(), at))
        .collect();
    let mut counts = vec![0; map.len()];
    for span in drafts.iter_mut().flat_map(|d| d.spans.iter_mut()) {
        if let Some(&at) = renames.get(span.label.as_str()) {
            span.label.clone_from(&map[at].1);
            counts[at] += 1;
        }
    }
    for ((old, new), count) in map.iter().zip(counts) {
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
        if label.trim().is_empty() {
            problems.push(InputProblem {
                message: format!(
                    "{count} span{} with a blank label from here on; every span needs a label",
                    if count == 1 { "" } else { "s" }
                ),
                ..at
            });
        } else if add {
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
        if link_type.trim().is_empty() {
            problems.push(InputProblem {
                message: format!(
                    "{count} link{} with a blank type from here on; every link needs a type",
                    if count == 1 { "" } else { "s" }
                ),
                ..at
            });
        } else if add {
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

/// Why a document id from an input cannot be used as it is, if it cannot: ids name
/// files in exports, so they must be safe as file names.
fn unsafe_id(id: &str) -> Option<&'static str> {
    if id.trim().is_empty() {
        Some("it is blank")
    } else if id.chars().any(char::is_control) {
        Some("it has control characters")
    } else if id.contains("..") || id == "." {
        Some("it has `..`")
    } else if id.contains(['/', '\\']) {
        Some("it has a path separator")
    } else if id.len() > MAX_DOCUMENT_ID_BYTES {
        Some("it is longer than a file name may be")
    } else {
        None
    }
}

/// The id a new document gets, and why it is not the one the input gives when it is
/// not: that id if it is free and safe ([`unsafe_id`]), a clean one made from it
/// otherwise, and `-2`, `-3`, … when that is taken; without one, a clean id from the
/// input file's name.
fn document_id(draft: &Draft, taken: &HashSet<String>) -> (String, Option<String>) {
    let stem = || {
        slug(
            &draft
                .origin
                .file_stem()
                .map(|s| s.to_string_lossy())
                .unwrap_or_default(),
        )
    };
    let (base, why) = match &draft.id {
        Some(id) => match unsafe_id(id) {
            None => (id.clone(), None),
            Some(why @ "it is blank") => (stem(), Some(why.to_owned())),
            Some(why) => (slug(id), Some(why.to_owned())),
        },
        None => (stem(), None),
    };
    let id = unique_id(&base, |id| taken.contains(id));
    let why = why
        .or_else(|| (id != base).then(|| format!("the project already has a document `{base}`")));
    (id, why)
}

/// The ids to give spans (or links) that ask for `wanted` ones: each id asked for when
/// it is free and below [`MAX_NEXT_ID`], `None` for the rest; and the first id for those,
/// above all the ids kept. When the ids asked for leave no room below the limit for the
/// rest, none is kept: ids are only names inside the file, and a project with an id at
/// or past the limit could not be opened again.
fn ids_for(wanted: impl Iterator<Item = Option<u64>> + Clone) -> (Vec<Option<u64>>, u64) {
    let mut used = BTreeSet::new();
    let kept: Vec<Option<u64>> = wanted
        .clone()
        .map(|id| id.filter(|id| *id < MAX_NEXT_ID && used.insert(*id)))
        .collect();
    let next = used.last().map_or(1, |last| last + 1);
    let fresh = kept.iter().filter(|id| id.is_none()).count() as u64;
    if next.saturating_add(fresh) <= MAX_NEXT_ID {
        (kept, next)
    } else {
        (vec![None; kept.len()], 1)
    }
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
    let (wanted, mut next) = ids_for(draft.spans.iter().map(|s| s.wanted_id));
    let mut ids: HashMap<&str, SpanId> = HashMap::with_capacity(draft.spans.len());
    let mut adds: Vec<(usize, Span)> = Vec::with_capacity(draft.spans.len());
    for (at, (span, wanted)) in draft.spans.iter().zip(wanted).enumerate() {
        let id = SpanId(wanted.unwrap_or_else(|| {
            next += 1;
            next - 1
        }));
        if schema.label(&span.label).is_none() {
            continue; // Reported once per label by `check_schema`.
        }
        let span = Span {
            note: span.note.clone().filter(|n| !n.is_empty()),
            ..Span::new(id, span.start, span.end, span.label.clone())
        };
        adds.push((at, span));
    }
    // All spans go in as one change (one merge, not one shift per span); problems are
    // still reported one per refused span, in input order.
    adds.sort_by(|(_, a), (_, b)| a.order_key().cmp(&b.order_key()));
    let (order, spans): (Vec<usize>, Vec<Span>) = adds.into_iter().unzip();
    let added: Vec<SpanId> = spans.iter().map(|s| s.id).collect();
    let outcomes = doc.apply_each(spans.into_iter().map(Edit::AddSpan), schema);
    let mut refused: Vec<(usize, InputProblem)> = Vec::new();
    for ((at, id), outcome) in order.into_iter().zip(added).zip(outcomes) {
        let span = &draft.spans[at];
        match outcome {
            Ok(()) => {
                ids.insert(&span.key, id);
            }
            Err(error) => refused.push((
                at,
                InputProblem::new(
                    &origin,
                    span.line.or(draft.line),
                    format!(
                        "span {} [{}, {}) `{}`: {error}",
                        span.key, span.start, span.end, span.label
                    ),
                ),
            )),
        }
    }
    refused.sort_by_key(|(at, _)| *at);
    problems.extend(refused.into_iter().map(|(_, problem)| problem));

    let (wanted, mut next) = ids_for(draft.links.iter().map(|l| l.wanted_id));
    let mut links = Vec::with_capacity(draft.links.len());
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
        links.push((link, edit));
    }
    let (asked, edits): (Vec<_>, Vec<_>) = links.into_iter().unzip();
    for (link, outcome) in asked.into_iter().zip(doc.apply_each(edits, schema)) {
        if let Err(error) = outcome {
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
