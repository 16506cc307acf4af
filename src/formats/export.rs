//! Writing a project out as a dataset: choosing the documents, splitting them, writing
//! each part, and keeping count of what the format could not carry.
//!
//! Everything is written to temporary files next to the destination and moved into
//! place only at the end, so a cancelled, failed or strict-refused export leaves no
//! half-written file behind, and an earlier export of the same name stays intact.

use std::io::{BufWriter, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use tempfile::{NamedTempFile, TempDir};

use super::batches::in_batches;
use super::options::ExportOptions;
use super::report::{ExportReport, PartReport, Tally};
use super::select::filter;
use super::{Format, FormatError, brat, conll, csv, jsonl, spacy};
use crate::model::{Document, Project};

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
/// single files are replaced, keeping their permissions (a new one gets the umask's).
/// A symlink is written through, to the file it points to. A FIFO or a character device
/// (`/dev/stdout`) is written to as a stream, and `-` means standard output.
///
/// Call [`check_output`] first to make sure the output is none of the inputs.
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
    if out == Path::new(STDOUT) && (options.format.writes_folder() || options.split.is_some()) {
        return Err(FormatError::Options(format!(
            "`-o -` writes one file to standard output; {} needs a path",
            if options.split.is_some() {
                "a split"
            } else {
                "a brat folder"
            }
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

/// The output path that means standard output.
pub const STDOUT: &str = "-";

/// Every path an export with `options` to `out` writes: the file, each part's file, the
/// brat folder or each part's subfolder.
pub fn output_paths(out: &Path, options: &ExportOptions) -> Vec<PathBuf> {
    let Some(split) = &options.split else {
        return vec![out.to_path_buf()];
    };
    split
        .parts
        .iter()
        .map(|(name, _)| {
            if options.format.writes_folder() {
                out.join(name)
            } else {
                part_path(out, name)
            }
        })
        .collect()
}

/// Refuses an export that would write over one of `inputs` (the project file it
/// exports), however either path is spelled: through `..`, a symlink or a hard link
/// ([`FormatError::OverwritesInput`]). Checked before anything is written.
pub fn check_output(
    out: &Path,
    options: &ExportOptions,
    inputs: &[&Path],
) -> Result<(), FormatError> {
    if out == Path::new(STDOUT) {
        return Ok(());
    }
    for path in output_paths(out, options) {
        if let Some(input) = crate::store::paths::overwritten_input(&path, inputs) {
            return Err(FormatError::OverwritesInput {
                output: path,
                input: input.to_path_buf(),
            });
        }
    }
    Ok(())
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

/// A temporary file for the output `path`: beside the file it will replace (through a
/// symlink, beside the file the link points to), or anywhere for a stream.
fn stage_file(path: &Path) -> Result<NamedTempFile, FormatError> {
    let write_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| FormatError::Write { path, source }
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".marginalia-export-");
    // A temporary file is private (0o600); an export is not: it gets 0o666 less the
    // umask, as any new file does (an existing one keeps its mode, see `Staged::commit`).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    if path == Path::new(STDOUT) || crate::store::paths::is_stream(path) {
        return builder.tempfile().map_err(write_error(path));
    }
    let target = crate::store::paths::write_target(path).map_err(write_error(path))?;
    if target.is_dir() {
        return Err(FormatError::Write {
            path: path.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "it is a folder; name a file",
            ),
        });
    }
    let parent = parent_of(&target)?;
    builder.tempfile_in(&parent).map_err(write_error(&parent))
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
    let mut builder = tempfile::Builder::new();
    builder.prefix(".marginalia-export-");
    // Like a folder the user makes (0o777 less the umask), not a private temporary one.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o777));
    builder
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
                    commit_file(temp, &path).map_err(|source| FormatError::Write {
                        path: path.clone(),
                        source,
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

/// Puts a finished output file in place: copied into standard output or a stream,
/// else synced and renamed over the file (through a symlink, over the file it points
/// to), which keeps its permissions.
fn commit_file(mut temp: NamedTempFile, path: &Path) -> std::io::Result<()> {
    use std::io::{Seek as _, SeekFrom};
    if path == Path::new(STDOUT) || crate::store::paths::is_stream(path) {
        temp.as_file_mut().seek(SeekFrom::Start(0))?;
        if path == Path::new(STDOUT) {
            let mut stdout = std::io::stdout().lock();
            std::io::copy(temp.as_file_mut(), &mut stdout)?;
            return stdout.flush();
        }
        let mut stream = std::fs::OpenOptions::new().write(true).open(path)?;
        std::io::copy(temp.as_file_mut(), &mut stream)?;
        return stream.flush();
    }
    let target = crate::store::paths::write_target(path)?;
    if let Ok(existing) = std::fs::metadata(&target) {
        std::fs::set_permissions(temp.path(), existing.permissions())?;
    }
    temp.as_file().sync_all()?;
    temp.persist(&target).map_err(|error| error.error)?;
    Ok(())
}
