//! Writing a project out as a dataset: choosing the documents, splitting them, writing
//! each part, and keeping count of what the format could not carry.
//!
//! Everything is written to temporary files next to the destination and moved into
//! place only at the end, so a cancelled, failed or strict-refused export leaves no
//! half-written file behind, and an earlier export of the same name stays intact.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{BufWriter, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use tempfile::{NamedTempFile, TempDir};

use super::offsets::OffsetUnit;
use super::select::{Split, filter};
use super::tokens::Layer;
use super::{Format, FormatError, brat, conll, csv, jsonl, spacy};
use crate::model::{Document, Project, Span, Status};

/// What to export and how.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportOptions {
    /// The dataset format; one of [`Format::EXPORT`].
    pub format: Format,
    /// The unit of the offsets written (ignored by CoNLL, which writes none).
    pub offsets: OffsetUnit,
    /// Export only documents of this status; all when `None`.
    pub status: Option<Status>,
    /// Split the documents into parts (train/dev/test), one output per part.
    pub split: Option<Split>,
    /// Which spans CoNLL's single tag column keeps where spans overlap.
    pub layer: Layer,
    /// Refuse to write anything if any span cannot be written exactly
    /// ([`FormatError::Lossy`]).
    pub strict: bool,
}

impl ExportOptions {
    /// Options for `format` with every other choice at its default: code points, all
    /// documents, no split, outer layer, not strict.
    pub fn new(format: Format) -> Self {
        Self {
            format,
            offsets: OffsetUnit::default(),
            status: None,
            split: None,
            layer: Layer::default(),
            strict: false,
        }
    }
}

/// What kind of annotation an export could not carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Omitted {
    /// Spans left out, or written differently from the project.
    Span,
    /// Links left out.
    Link,
    /// Notes left out or changed.
    Note,
}

impl Omitted {
    fn noun(self, count: usize) -> &'static str {
        match (self, count == 1) {
            (Omitted::Span, true) => "span",
            (Omitted::Span, false) => "spans",
            (Omitted::Link, true) => "link",
            (Omitted::Link, false) => "links",
            (Omitted::Note, true) => "note",
            (Omitted::Note, false) => "notes",
        }
    }
}

/// Annotations of one kind that the format could not carry, for one reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Omission {
    /// Spans, links or notes.
    pub kind: Omitted,
    /// Why, in plain words: "overlap a longer span; ...".
    pub reason: String,
    /// How many.
    pub count: usize,
    /// The first one, to look at: `document `x`, span 12 [3, 10) quote "…"`.
    pub first: String,
}

impl fmt::Display for Omission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} (first: {})",
            self.count,
            self.kind.noun(self.count),
            self.reason,
            self.first
        )
    }
}

/// One part of a split export (or the whole export when there is no split).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartReport {
    /// The part's name (`train`), or `None` without a split.
    pub name: Option<String>,
    /// Where it was written: a file, or a folder for brat.
    pub path: PathBuf,
    /// Ids of its documents, in the order written.
    pub documents: Vec<String>,
}

/// What an export wrote and what it could not carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportReport {
    /// The format written.
    pub format: Format,
    /// The unit of the offsets written.
    pub offsets: OffsetUnit,
    /// The outputs, one per part of the split.
    pub parts: Vec<PartReport>,
    /// Spans written exactly.
    pub spans: usize,
    /// Links written.
    pub links: usize,
    /// Notes written.
    pub notes: usize,
    /// What the format could not carry, by kind and reason, in a stable order. Empty
    /// when the export is complete.
    pub left_out: Vec<Omission>,
    /// Candidates still open in the documents exported: they are not annotations yet,
    /// so they are not written (exports write accepted annotations only).
    pub open_candidates: usize,
}

impl ExportReport {
    /// Number of documents written.
    pub fn documents(&self) -> usize {
        self.parts.iter().map(|p| p.documents.len()).sum()
    }

    /// Number of spans left out or written differently; `strict` refuses any.
    pub fn spans_left_out(&self) -> usize {
        self.left_out
            .iter()
            .filter(|o| o.kind == Omitted::Span)
            .map(|o| o.count)
            .sum()
    }
}

/// Counts what a format writer wrote and left out.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub spans: usize,
    pub links: usize,
    pub notes: usize,
    /// By kind and reason (the reasons are fixed sentences): how many, and the first.
    omissions: BTreeMap<(Omitted, &'static str), (usize, String)>,
}

impl Tally {
    /// Records that `count` annotations were left out; `first` describes the first one
    /// and is only called if it is the first for this reason.
    pub fn leave_out_many(
        &mut self,
        kind: Omitted,
        reason: &'static str,
        count: usize,
        first: impl FnOnce() -> String,
    ) {
        if count == 0 {
            return;
        }
        match self.omissions.get_mut(&(kind, reason)) {
            Some((total, _)) => *total += count,
            None => {
                self.omissions.insert((kind, reason), (count, first()));
            }
        }
    }

    /// Records that one annotation (described lazily) was left out.
    pub fn leave_out(
        &mut self,
        kind: Omitted,
        reason: &'static str,
        what: impl FnOnce() -> String,
    ) {
        self.leave_out_many(kind, reason, 1, what);
    }

    /// Records that a span was left out.
    pub fn leave_out_span(&mut self, reason: &'static str, doc: &Document, span: &Span) {
        self.leave_out(Omitted::Span, reason, || describe_span(doc, span));
    }

    /// Records that the links of a document were left out.
    pub fn leave_out_links(&mut self, reason: &'static str, doc: &Document) {
        let Some(link) = doc.links().first() else {
            return;
        };
        self.leave_out_many(Omitted::Link, reason, doc.links().len(), || {
            format!(
                "document `{}`, {} `{}` from span {} to span {}",
                doc.id, link.id, link.link_type, link.from.0, link.to.0
            )
        });
    }

    /// Records that the notes of a document were left out.
    pub fn leave_out_notes(&mut self, reason: &'static str, doc: &Document) {
        let mut noted = doc.spans().iter().filter(|s| s.note.is_some());
        let Some(span) = noted.next() else { return };
        self.leave_out_many(Omitted::Note, reason, 1 + noted.count(), || {
            format!("the note on {}", describe_span(doc, span))
        });
    }

    /// Adds another tally (of a later document): counts add up, the first example of
    /// each omission stays the earliest.
    pub fn merge(&mut self, other: Tally) {
        self.spans += other.spans;
        self.links += other.links;
        self.notes += other.notes;
        for (key, (count, first)) in other.omissions {
            self.omissions
                .entry(key)
                .and_modify(|(total, _)| *total += count)
                .or_insert((count, first));
        }
    }

    fn into_omissions(self) -> Vec<Omission> {
        self.omissions
            .into_iter()
            .map(|((kind, reason), (count, first))| Omission {
                kind,
                reason: reason.to_owned(),
                count,
                first,
            })
            .collect()
    }
}

/// `document `x`, span 12 [3, 10) quote "text"`, the text cut short.
pub(crate) fn describe_span(doc: &Document, span: &Span) -> String {
    let text = doc.span_text(span);
    let mut shown: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        shown.push('…');
    }
    format!(
        "document `{}`, {} [{}, {}) {} {:?}",
        doc.id, span.id, span.start, span.end, span.label, shown
    )
}

/// Exports `project` as a dataset at `out`: a file, or a folder for brat. With a split,
/// each part goes to its own file (`data.jsonl` → `data.train.jsonl`, `data.dev.jsonl`,
/// …) or, for brat, its own subfolder (`out/train/`, …).
///
/// Meant to run on a background thread: `progress(done, total)` is called after each
/// document (and once with `(0, total)` before the first); returning
/// `ControlFlow::Break(())` cancels the export ([`FormatError::Cancelled`]). Nothing is
/// written unless the whole export succeeds: files appear only at the end, atomically.
///
/// A brat folder must not exist yet or be empty ([`FormatError::OutputNotEmpty`]);
/// single files are replaced.
pub fn export(
    project: &Project,
    options: &ExportOptions,
    out: &Path,
    progress: &dyn Fn(usize, usize) -> ControlFlow<()>,
) -> Result<ExportReport, FormatError> {
    if !options.format.can_export() {
        return Err(FormatError::Options(format!(
            "{} is an import format; export to one of {}",
            options.format,
            Format::EXPORT.map(Format::as_str).join(", ")
        )));
    }
    let documents = filter(&project.documents, options.status);
    let parts: Vec<(Option<String>, Vec<&Document>)> = match &options.split {
        None => vec![(None, documents)],
        Some(split) => split
            .parts
            .iter()
            .map(|(name, _)| Some(name.clone()))
            .zip(split.assign(&documents))
            .collect(),
    };
    let total: usize = parts.iter().map(|(_, docs)| docs.len()).sum();
    let open_candidates = parts
        .iter()
        .flat_map(|(_, docs)| docs.iter())
        .map(|doc| doc.open_candidate_count())
        .sum();
    let mut done = 0;
    let tick = |done: usize| match progress(done, total) {
        ControlFlow::Continue(()) => Ok(()),
        ControlFlow::Break(()) => Err(FormatError::Cancelled),
    };
    tick(0)?;

    let mut tally = Tally::default();
    let mut reports = Vec::with_capacity(parts.len());
    let staged = if options.format == Format::Brat {
        let staging = stage_folder(out)?;
        for (name, docs) in &parts {
            let dir = match name {
                Some(name) => staging.path().join(name),
                None => staging.path().to_path_buf(),
            };
            let mut written = Vec::with_capacity(docs.len());
            brat::write_folder(project, options, docs, &dir, &mut tally, &mut |id| {
                written.push(id.to_owned());
                done += 1;
                tick(done)
            })?;
            let path = name
                .as_ref()
                .map_or_else(|| out.to_path_buf(), |name| out.join(name));
            reports.push(PartReport {
                name: name.clone(),
                path,
                documents: written,
            });
        }
        Staged::Folder(staging)
    } else {
        let mut files = Vec::with_capacity(parts.len());
        for (name, docs) in &parts {
            let path = match name {
                Some(name) => part_path(out, name),
                None => out.to_path_buf(),
            };
            let write_error = |source| FormatError::Write {
                path: path.clone(),
                source,
            };
            let temp = stage_file(&path)?;
            let mut writer = BufWriter::with_capacity(1 << 16, temp);
            write_file(project, options, docs, &mut writer, &mut tally, &mut |_| {
                done += 1;
                tick(done)
            })
            .map_err(|error| match error {
                WriteError::Io(source) => write_error(source),
                WriteError::Stop(error) => error,
            })?;
            let temp = writer
                .into_inner()
                .map_err(|error| write_error(error.into_error()))?;
            let documents = docs.iter().map(|d| d.id.clone()).collect();
            reports.push(PartReport {
                name: name.clone(),
                path: path.clone(),
                documents,
            });
            files.push((temp, path));
        }
        Staged::Files(files)
    };

    let report = ExportReport {
        format: options.format,
        offsets: options.offsets,
        parts: reports,
        spans: tally.spans,
        links: tally.links,
        notes: tally.notes,
        left_out: tally.into_omissions(),
        open_candidates,
    };
    if options.strict && report.spans_left_out() > 0 {
        return Err(FormatError::Lossy {
            report: Box::new(report),
        });
    }
    staged.commit(out)?;
    Ok(report)
}

/// An error while writing: from the output, or a stop asked by the progress callback.
pub(crate) enum WriteError {
    Io(std::io::Error),
    Stop(FormatError),
}

impl From<std::io::Error> for WriteError {
    fn from(error: std::io::Error) -> Self {
        WriteError::Io(error)
    }
}

impl From<::csv::Error> for WriteError {
    fn from(error: ::csv::Error) -> Self {
        WriteError::Io(error.into())
    }
}

/// Writes the documents of one part in a single-file format. Documents are rendered on
/// worker threads, a batch at a time, and written in order, so the bytes are the same
/// as a one-thread export.
fn write_file(
    project: &Project,
    options: &ExportOptions,
    docs: &[&Document],
    out: &mut impl Write,
    tally: &mut Tally,
    next: &mut dyn FnMut(&str) -> Result<(), FormatError>,
) -> Result<(), WriteError> {
    if options.format == Format::Csv {
        let mut header = csv::writer(Vec::new())?;
        header.flush()?;
        out.write_all(header.get_ref())?;
    }
    let render = |doc: &&Document| -> std::io::Result<(Vec<u8>, Tally)> {
        let mut buffer = Vec::with_capacity(doc.text().len() * 2);
        let mut doc_tally = Tally::default();
        let result = match options.format {
            Format::Jsonl => {
                jsonl::write_document(project, doc, options.offsets, &mut buffer, &mut doc_tally)
            }
            Format::Spacy => {
                spacy::write_document(doc, options.offsets, &mut buffer, &mut doc_tally)
            }
            Format::Conll => conll::write_document(doc, options.layer, &mut buffer, &mut doc_tally),
            Format::Csv => {
                let mut writer = csv::rows_writer(&mut buffer);
                csv::write_document(project, doc, options.offsets, &mut writer, &mut doc_tally)
                    .and_then(|()| Ok(writer.flush()?))
                    .map_err(std::io::Error::from)
            }
            Format::Brat | Format::Txt | Format::Md => Ok(()),
        };
        result.map(|()| (buffer, doc_tally))
    };
    in_batches(docs, render, |doc, rendered| {
        let (buffer, doc_tally) = rendered?;
        out.write_all(&buffer)?;
        tally.merge(doc_tally);
        next(&doc.id).map_err(WriteError::Stop)
    })
}

/// How many documents each worker renders per batch: enough to keep thread start-up
/// cheap, few enough that cancelling stops soon.
const DOCUMENTS_PER_WORKER: usize = 16;

/// Runs `work` on every item (a document, or a document and its file name) on a few
/// worker threads, a batch at a time, and hands the results to `each` in order, on this
/// thread. The next batch is rendered while `each` writes out the one before. Stops at
/// the first error `each` returns.
pub(crate) fn in_batches<I: Sync, T: Send, E>(
    items: &[I],
    work: impl Fn(&I) -> T + Sync,
    mut each: impl FnMut(&I, T) -> Result<(), E>,
) -> Result<(), E> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    if workers == 1 {
        for item in items {
            each(item, work(item))?;
        }
        return Ok(());
    }
    let work = &work;
    std::thread::scope(|scope| {
        // Each round collects the batch rendered in the round before, starts rendering
        // the next one, and hands the collected results on while that runs.
        let mut rendering = Vec::new();
        let mut rendered_batch: Option<&[I]> = None;
        let batches = items.chunks(workers * DOCUMENTS_PER_WORKER).map(Some);
        for batch in batches.chain([None]) {
            let results: Vec<T> = std::mem::take(&mut rendering)
                .into_iter()
                // A worker only panics on a bug; pass the panic on as it is.
                .flat_map(|handle: std::thread::ScopedJoinHandle<'_, Vec<T>>| {
                    handle
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect();
            if let Some(batch) = batch {
                rendering = batch
                    .chunks(batch.len().div_ceil(workers))
                    .map(|share| scope.spawn(move || share.iter().map(work).collect()))
                    .collect();
            }
            if let Some(done) = rendered_batch {
                for (item, result) in done.iter().zip(results) {
                    each(item, result)?;
                }
            }
            rendered_batch = batch;
        }
        Ok(())
    })
}

/// `data.jsonl` + `train` → `data.train.jsonl`; `data` + `train` → `data.train`.
pub fn part_path(out: &Path, part: &str) -> PathBuf {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match out.extension() {
        Some(ext) => format!("{stem}.{part}.{}", ext.to_string_lossy()),
        None => format!("{stem}.{part}"),
    };
    out.with_file_name(name)
}

/// The folder `path` is in, created if missing (`.` for a bare file name).
fn parent_of(path: &Path) -> Result<PathBuf, FormatError> {
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|source| FormatError::Write {
        path: parent.clone(),
        source,
    })?;
    Ok(parent)
}

fn stage_file(path: &Path) -> Result<NamedTempFile, FormatError> {
    if path.is_dir() {
        return Err(FormatError::Write {
            path: path.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "it is a folder; name a file",
            ),
        });
    }
    let parent = parent_of(path)?;
    tempfile::Builder::new()
        .prefix(".marginalia-export-")
        .tempfile_in(&parent)
        .map_err(|source| FormatError::Write {
            path: parent,
            source,
        })
}

fn stage_folder(out: &Path) -> Result<TempDir, FormatError> {
    if out.exists() {
        let mut entries = std::fs::read_dir(out).map_err(|source| FormatError::Write {
            path: out.to_path_buf(),
            source,
        })?;
        if entries.next().is_some() {
            return Err(FormatError::OutputNotEmpty {
                path: out.to_path_buf(),
            });
        }
    }
    let parent = parent_of(out)?;
    tempfile::Builder::new()
        .prefix(".marginalia-export-")
        .tempdir_in(&parent)
        .map_err(|source| FormatError::Write {
            path: parent,
            source,
        })
}

/// Outputs written to temporary places, waiting to be moved into place.
enum Staged {
    Files(Vec<(NamedTempFile, PathBuf)>),
    Folder(TempDir),
}

impl Staged {
    fn commit(self, out: &Path) -> Result<(), FormatError> {
        match self {
            Staged::Files(files) => {
                for (temp, path) in files {
                    temp.as_file()
                        .sync_all()
                        .map_err(|source| FormatError::Write {
                            path: path.clone(),
                            source,
                        })?;
                    temp.persist(&path).map_err(|error| FormatError::Write {
                        path: path.clone(),
                        source: error.error,
                    })?;
                }
            }
            Staged::Folder(staging) => {
                let write_error = |source| FormatError::Write {
                    path: out.to_path_buf(),
                    source,
                };
                if out.exists() {
                    // Checked empty before writing; `remove_dir` refuses if that changed.
                    std::fs::remove_dir(out).map_err(write_error)?;
                }
                let staged = staging.keep();
                if let Err(error) = std::fs::rename(&staged, out) {
                    let _ = std::fs::remove_dir_all(&staged);
                    return Err(write_error(error));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::in_batches;

    #[test]
    fn batches_hand_every_result_on_in_order() {
        let items: Vec<usize> = (0..1_000).collect();
        let mut seen = Vec::new();
        let result: Result<(), ()> = in_batches(
            &items,
            |&n| n * 2,
            |&n, doubled| {
                assert_eq!(doubled, n * 2);
                seen.push(n);
                Ok(())
            },
        );
        assert_eq!(result, Ok(()));
        assert_eq!(seen, items);
    }

    #[test]
    fn batches_stop_at_the_first_error() {
        let items: Vec<usize> = (0..1_000).collect();
        let mut seen = 0;
        let result = in_batches(
            &items,
            |&n| n,
            |&n, _| {
                if n == 150 {
                    return Err(n);
                }
                seen += 1;
                Ok(())
            },
        );
        assert_eq!(result, Err(150));
        assert_eq!(seen, 150);
    }
}
