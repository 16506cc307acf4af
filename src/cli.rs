//! The headless command line: everything that needs no eyes, for scripts and CI.
//! No egui here; `main.rs` starts the window when no command is given.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use clap::{Parser, Subcommand};

use crate::formats::{
    self, ExportOptions, Format, FormatError, ImportOptions, Layer, OffsetUnit, Split,
    open_candidates,
};
use crate::model::{Document, Origin, Project, Quoted, Status};
use crate::store::{self, LoadError, SaveMode};

/// Marginalia: hand-annotate news articles with claims, quotes, locations and actors.
///
/// With no command, opens the window on FILE (or on the bundled sample project).
#[derive(Debug, Parser)]
#[command(name = "marginalia", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// A project file to open in the window.
    pub file: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The headless commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an empty project with the default labels.
    New {
        /// The project file to create (it must not exist yet).
        file: PathBuf,
        /// The project's name.
        #[arg(long)]
        name: String,
        /// Who annotates in this project.
        #[arg(long)]
        annotator: String,
    },
    /// Add UTF-8 .txt or .md articles to a project. Titles come from the first line.
    Add {
        /// The project file.
        file: PathBuf,
        /// Article files to add.
        #[arg(required = true)]
        articles: Vec<PathBuf>,
    },
    /// Check project files and print every problem. Exit 0 when all are valid, 1 when
    /// any is not.
    Validate {
        /// Project files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Show documents, spans per label, links and statuses.
    Stats {
        /// The project file.
        file: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Export a project as a dataset, and say what the format could not carry. Exit 1
    /// when --strict and a span could not be written exactly (then nothing is written).
    Export {
        /// The project file.
        file: PathBuf,
        /// jsonl (doccano), spacy (spaCy/Prodigy JSONL), conll (IOB2), brat (a folder) or
        /// csv.
        #[arg(long, value_parser = parse_export_format)]
        format: Format,
        /// Where to write: a file, or a folder for brat; `-` for standard output (the
        /// report then goes to stderr). With --split, one file per part (data.jsonl:
        /// data.train.jsonl, data.dev.jsonl, …) or one subfolder for brat. Never the
        /// project file itself.
        #[arg(short = 'o', long = "output", value_name = "OUT")]
        output: PathBuf,
        /// Unit of the offsets written: codepoints (Python, spaCy, doccano, brat), utf16
        /// (JavaScript, INCEpTION) or bytes. Recorded in the output.
        #[arg(long, default_value = "codepoints", value_name = "UNIT")]
        offsets: OffsetUnit,
        /// Export only documents of this status: todo, in_progress or done.
        #[arg(long, value_parser = formats::parse_status)]
        status: Option<Status>,
        /// Split by document into parts, e.g. train=0.8,dev=0.1,test=0.1; the same
        /// split every time for the same project and seed.
        #[arg(long, value_name = "PARTS")]
        split: Option<Split>,
        /// Seed of the split: another seed, another (equally fixed) split.
        #[arg(long, default_value_t = 0, requires = "split")]
        seed: u64,
        /// conll: where spans overlap, keep the outer or the inner ones in the one tag
        /// column. The others are counted as left out.
        #[arg(long, default_value = "outer", value_name = "outer|inner")]
        layer: Layer,
        /// Fail, writing nothing, if any span cannot be written exactly.
        #[arg(long)]
        strict: bool,
    },
    /// Open the window in review mode: compare colleagues' project files (one annotator
    /// each), see where they disagree and how much they agree, and start a gold project.
    Review {
        /// Two or more project files.
        #[arg(required = true, num_args = 2..)]
        files: Vec<PathBuf>,
    },
    /// Import articles or annotated datasets into a project. Everything is checked first;
    /// on any problem nothing is imported (exit 1) and every problem is listed.
    Import {
        /// The project file.
        file: PathBuf,
        /// txt or md (articles), jsonl (doccano), brat (folders, .ann or .txt files) or
        /// conll.
        #[arg(long, value_parser = parse_import_format)]
        format: Format,
        /// Files (or brat folders) to import.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
        /// Unit of the offsets in the inputs: codepoints, utf16 or bytes. By default the
        /// unit the input records, else codepoints.
        #[arg(long, value_name = "UNIT")]
        offsets: Option<OffsetUnit>,
        /// Add labels and link types the project does not have to its schema.
        #[arg(long)]
        add_labels: bool,
        /// Rename an input label to a label of the project (repeatable): --map PER=actor.
        #[arg(long = "map", value_name = "OLD=NEW", value_parser = parse_mapping)]
        map: Vec<(String, String)>,
    },
    /// Measure how far annotators agree: two or more project files, one per annotator,
    /// documents matched by their text. Prints span F1, token kappa, Krippendorff's
    /// alpha, link F1 and label confusions, for the project and per document. Exit 1
    /// when the files have no document in common.
    Agree {
        /// Project files, one per annotator.
        #[arg(required = true, num_args = 2.., value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Print JSON (keyed by metric, annotator pair and label) instead of tables.
        #[arg(long)]
        json: bool,
    },
    /// Start a gold project from several annotators' files: what all agree on is
    /// accepted, every disagreement is an open candidate naming who proposed it. Exit 1
    /// when no document is in two files or more (then nothing is written).
    Adjudicate {
        /// The annotators' project files (two or more).
        #[arg(required = true, num_args = 2.., value_name = "FILE")]
        files: Vec<PathBuf>,
        /// The gold project file to write; not one of the inputs.
        #[arg(short = 'o', long = "output", value_name = "GOLD")]
        output: PathBuf,
        /// The gold project's annotator.
        #[arg(long, default_value = "gold")]
        annotator: String,
        /// Overwrite GOLD if it exists (its previous content stays as GOLD.bak).
        #[arg(long)]
        force: bool,
    },
    /// Merge two versions of a project file three ways, as a git merge driver
    /// (`marginalia merge %O %A %B`): the result is written over OURS. Exit 0 when
    /// merged cleanly, 1 when conflicts are left as open candidates (or a document's
    /// text differs between the sides, ours kept), 2 on an error (OURS untouched).
    Merge {
        /// The common ancestor (git's %O); an empty file when there is none.
        base: PathBuf,
        /// Our version (git's %A), overwritten with the result.
        ours: PathBuf,
        /// Their version (git's %B).
        theirs: PathBuf,
    },
    /// Set up the current git repository for project files: the merge driver in its
    /// config and `*.ron merge=marginalia` in .gitattributes; with --pre-commit also a
    /// hook that validates the staged .ron files before every commit.
    GitSetup {
        /// Also install a pre-commit hook that runs `marginalia validate`.
        #[arg(long)]
        pre_commit: bool,
        /// Replace a pre-commit hook that Marginalia did not install.
        #[arg(long, requires = "pre_commit")]
        force: bool,
    },
    /// Suggest quotes, speakers and names (rules: quotes, speakers, names), and list them,
    /// or with --apply take them into the documents as accepted annotations and save.
    /// Rejected suggestions (saved as rejected candidates) are not suggested again;
    /// pending ones (the window's Suggest, saved undecided) are counted when listing and
    /// accepted by --apply. Applying speakers takes in the quotations their links need.
    /// Exit 1 when there is nothing to suggest (then nothing is written).
    Suggest {
        /// The project file.
        file: PathBuf,
        /// Apply the suggestions of these rules (comma-separated: quotes,speakers,names)
        /// instead of listing them, and save the project.
        #[arg(long, value_name = "RULES", value_delimiter = ',', value_parser = parse_rule)]
        apply: Option<Vec<crate::suggest::Rule>>,
        /// Only this document (by id); by default every document.
        #[arg(long, value_name = "ID")]
        doc: Option<String>,
        /// Print one JSON object per suggestion and line instead of text; with --apply,
        /// one per suggestion applied (pending candidates and spans taken in for links
        /// included), in the same shape.
        #[arg(long)]
        json: bool,
        /// The reporting verbs of the speakers rule for this run (comma-separated, e.g.
        /// "said,told,according to"), instead of the project's list (its own, set in the
        /// window's Project settings, else the built-in one); never stored in the file.
        #[arg(long, value_name = "VERBS", value_delimiter = ',')]
        verbs: Option<Vec<String>>,
        /// Instead of suggesting, list the texts labelled differently in different
        /// places of the project (exit 1 when there are none).
        #[arg(long, conflicts_with_all = ["apply", "verbs", "doc"])]
        check: bool,
        /// Give every span whose text is TEXT the label LABEL (its key or its name), in
        /// every document, and save: the consistency check's one-click fix, headless.
        /// Spans that become duplicates are merged, links the schema no longer allows
        /// are removed and counted. Repeat for several texts.
        #[arg(
            long,
            value_name = "TEXT=LABEL",
            value_parser = parse_fix,
            conflicts_with_all = ["apply", "verbs", "doc", "check", "json"]
        )]
        fix: Vec<(String, String)>,
    },
}

/// What `main` should do after parsing the arguments.
pub enum Run {
    /// Open the window, on this project file or on the bundled sample.
    Window(Option<PathBuf>),
    /// Open the window in review mode on these colleagues' project files.
    Review(Vec<PathBuf>),
    /// A headless command finished with this exit code.
    Done(ExitCode),
}

/// Exit code for "the check failed" (an invalid project).
pub const EXIT_INVALID: u8 = 1;
/// Exit code for usage and IO errors.
pub const EXIT_ERROR: u8 = 2;

/// Runs the command line. Errors are printed here, once, with their causes.
pub fn run(cli: Cli) -> Run {
    let Some(command) = cli.command else {
        return Run::Window(cli.file);
    };
    if let Command::Review { files } = command {
        return Run::Review(files);
    }
    let mut stdout = std::io::stdout().lock();
    let result = match command {
        // Handled above: it opens the window.
        Command::Review { .. } => Ok(ExitCode::SUCCESS),
        Command::New {
            file,
            name,
            annotator,
        } => new(&file, &name, &annotator, &mut stdout),
        Command::Add { file, articles } => add(&file, &articles, &mut stdout),
        Command::Validate { files } => validate(&files, &mut stdout),
        Command::Stats { file, json } => stats(&file, json, &mut stdout),
        Command::Export {
            file,
            format,
            output,
            offsets,
            status,
            split,
            seed,
            layer,
            strict,
        } => {
            let split = split.map(|split| split.with_seed(seed));
            let options = ExportOptions {
                format,
                offsets,
                status,
                split,
                layer,
                strict,
            };
            export(&file, &options, &output, &mut stdout)
        }
        Command::Import {
            file,
            format,
            inputs,
            offsets,
            add_labels,
            map,
        } => {
            let options = ImportOptions {
                format,
                offsets,
                add_labels,
                map,
            };
            import(&file, &options, &inputs, &mut stdout)
        }
        Command::Agree { files, json } => agree(&files, json, &mut stdout),
        Command::Adjudicate {
            files,
            output,
            annotator,
            force,
        } => adjudicate(&files, &output, &annotator, force, &mut stdout),
        Command::Merge { base, ours, theirs } => merge(&base, &ours, &theirs, &mut stdout),
        Command::GitSetup { pre_commit, force } => git_setup(pre_commit, force, &mut stdout),
        Command::Suggest {
            file,
            apply,
            doc,
            json,
            verbs,
            check,
            fix,
        } => {
            if check {
                consistency(&file, json, &mut stdout)
            } else if !fix.is_empty() {
                fix_consistency(&file, &fix, &mut stdout)
            } else {
                suggest(&file, apply, doc.as_deref(), json, verbs, &mut stdout)
            }
        }
    };
    Run::Done(match result {
        Ok(code) => code,
        Err(error) => {
            report_error(&error);
            ExitCode::from(EXIT_ERROR)
        }
    })
}

/// Prints an error and its cause chain to stderr.
pub fn report_error(error: &anyhow::Error) {
    let _ = write!(std::io::stderr().lock(), "{}", error_report(error));
}

/// An error and its causes, one per line. A cause whose words the message above it
/// already gives (many errors name their source in their own message) is not repeated.
pub fn error_report(error: &anyhow::Error) -> String {
    let mut report = format!("error: {error}\n");
    let mut shown = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !shown.contains(&cause) {
            report.push_str(&format!("  caused by: {cause}\n"));
        }
        shown = cause;
    }
    report
}

fn new(
    file: &Path,
    name: &str,
    annotator: &str,
    out: &mut impl std::io::Write,
) -> anyhow::Result<ExitCode> {
    if file.exists() {
        bail!(
            "{} already exists; pick another name or remove it first",
            file.display()
        );
    }
    let project = Project::new(name, annotator);
    store::save(&project, file, None, SaveMode::Safe)?;
    writeln!(
        out,
        "created {} ({name}, annotated by {annotator})",
        file.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Refuses to save the project `file` when it is also one of the `inputs` (however
/// spelled), which saving would destroy.
fn refuse_to_overwrite(file: &Path, inputs: &[PathBuf]) -> anyhow::Result<()> {
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    if let Some(input) = store::paths::overwritten_input(file, &inputs) {
        bail!(
            "{} is the project {}, which this would overwrite; name another input",
            input.display(),
            file.display()
        );
    }
    Ok(())
}

fn load(file: &Path) -> anyhow::Result<store::Loaded> {
    Ok(store::load(file)?)
}

fn add(
    file: &Path,
    articles: &[PathBuf],
    out: &mut impl std::io::Write,
) -> anyhow::Result<ExitCode> {
    refuse_to_overwrite(file, articles)?;
    let store::Loaded { mut project, stamp } = load(file)?;
    // Read every article before changing anything: one bad file adds none.
    let read: Vec<(PathBuf, formats::Article)> = articles
        .iter()
        .map(|path| Ok((path.clone(), formats::read_article(path)?)))
        .collect::<anyhow::Result<_>>()?;
    let mut added = 0;
    for (path, article) in read {
        let digest = crate::model::text_digest(&article.text);
        if let Some(existing) = project.document_with_digest(&digest) {
            writeln!(
                out,
                "skipped {}: already in the project as `{}`",
                path.display(),
                existing.id
            )?;
            continue;
        }
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let id = project.unique_document_id(&stem);
        let mut doc = Document::new(id.clone(), article.title, article.text);
        doc.source = Some(path.display().to_string());
        writeln!(
            out,
            "added {} as `{id}` ({} characters)",
            path.display(),
            doc.char_len()
        )?;
        project.documents.push(doc);
        added += 1;
    }
    if added > 0 {
        store::save(&project, file, Some(&stamp), SaveMode::Safe)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn validate(files: &[PathBuf], out: &mut impl std::io::Write) -> anyhow::Result<ExitCode> {
    // Every file is checked, even after one that cannot be read; the exit status is the
    // worst of them all (2 for a file that cannot be read, 1 for an invalid one).
    let mut worst = 0;
    for file in files {
        match store::load(file) {
            Ok(loaded) => {
                let project = &loaded.project;
                writeln!(
                    out,
                    "{}: valid (documents: {}, spans: {})",
                    file.display(),
                    project.documents.len(),
                    project.span_count()
                )?;
                // Open candidates are work left, not a problem: said, not failed.
                let counts = project.candidate_counts();
                if counts.total() > 0 {
                    let documents = project
                        .documents
                        .iter()
                        .filter(|d| d.open_candidate_count() > 0)
                        .count();
                    let where_ = match documents {
                        0 => String::new(),
                        1 => " in 1 document".to_owned(),
                        n => format!(" in {n} documents"),
                    };
                    let from_merge = project
                        .documents
                        .iter()
                        .flat_map(Document::candidates)
                        .filter(|c| c.is_pending() && matches!(c.origin, Origin::Merge(_)))
                        .count();
                    let merge_note = match from_merge {
                        0 => String::new(),
                        n => format!(", {n} of them merge conflicts"),
                    };
                    writeln!(
                        out,
                        "{}: {}{where_} ({} accepted, {} rejected{merge_note})",
                        file.display(),
                        open_candidates(counts.pending),
                        counts.accepted,
                        counts.rejected,
                    )?;
                }
            }
            Err(LoadError::Invalid { path, problems }) => {
                for problem in &problems {
                    writeln!(out, "{}: {problem}", path.display())?;
                }
                let count = problems.len();
                let noun = if count == 1 { "problem" } else { "problems" };
                writeln!(out, "{}: invalid ({count} {noun})", path.display())?;
                worst = worst.max(EXIT_INVALID);
            }
            Err(
                error @ (LoadError::Syntax { .. }
                | LoadError::NewerVersion { .. }
                | LoadError::TooLarge { .. }
                | LoadError::NotUtf8 { .. }),
            ) => {
                writeln!(out, "{error}")?;
                writeln!(out, "{}: invalid", file.display())?;
                worst = worst.max(EXIT_INVALID);
            }
            Err(error @ LoadError::Io { .. }) => {
                report_error(&error.into());
                worst = worst.max(EXIT_ERROR);
            }
        }
    }
    Ok(ExitCode::from(worst))
}

/// The numbers `stats` prints.
#[derive(Debug, serde::Serialize)]
pub struct Stats {
    /// The project's name.
    pub name: String,
    /// Its annotator.
    pub annotator: String,
    /// Number of documents.
    pub documents: usize,
    /// Spans per label key, in schema order (labels with no span included).
    pub spans: Vec<(String, usize)>,
    /// Total number of spans.
    pub total_spans: usize,
    /// Number of links.
    pub links: usize,
    /// Documents per status.
    pub status: Vec<(Status, usize)>,
}

impl Stats {
    /// Counts a project.
    pub fn of(project: &Project) -> Self {
        let count_label = |key: &str| project.documents.iter().map(|d| d.count_label(key)).sum();
        Self {
            name: project.name.clone(),
            annotator: project.annotator.clone(),
            documents: project.documents.len(),
            spans: project
                .schema
                .labels
                .iter()
                .map(|l| (l.key.clone(), count_label(&l.key)))
                .collect(),
            total_spans: project.span_count(),
            links: project.documents.iter().map(|d| d.links().len()).sum(),
            status: Status::ALL
                .iter()
                .map(|&s| {
                    (
                        s,
                        project.documents.iter().filter(|d| d.status == s).count(),
                    )
                })
                .collect(),
        }
    }
}

fn stats(file: &Path, json: bool, out: &mut impl std::io::Write) -> anyhow::Result<ExitCode> {
    let project = load(file)?.project;
    let stats = Stats::of(&project);
    if json {
        serde_json::to_writer_pretty(&mut *out, &stats)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "{} (annotated by {})", stats.name, stats.annotator)?;
    writeln!(out, "documents: {}", stats.documents)?;
    for (status, count) in &stats.status {
        writeln!(out, "  {status}: {count}")?;
    }
    writeln!(out, "spans: {}", stats.total_spans)?;
    for (label, count) in &stats.spans {
        writeln!(out, "  {label}: {count}")?;
    }
    writeln!(out, "links: {}", stats.links)?;
    Ok(ExitCode::SUCCESS)
}

fn parse_export_format(text: &str) -> Result<Format, String> {
    let format: Format = text.parse()?;
    if !format.can_export() {
        return Err(format!(
            "{format} can be imported but not exported; export to one of {}",
            Format::EXPORT.map(Format::as_str).join(", ")
        ));
    }
    Ok(format)
}

fn parse_import_format(text: &str) -> Result<Format, String> {
    let format: Format = text.parse()?;
    if !format.can_import() {
        return Err(format!(
            "{format} can be exported but not imported; import one of {}",
            Format::IMPORT.map(Format::as_str).join(", ")
        ));
    }
    Ok(format)
}

fn parse_mapping(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((old, new)) if !old.trim().is_empty() && !new.trim().is_empty() => {
            Ok((old.trim().to_owned(), new.trim().to_owned()))
        }
        _ => Err(format!("`{text}`: expected OLD=NEW, e.g. PER=actor")),
    }
}

/// Whether writing to `output` writes to this process's standard output: `-`, or a
/// stream that is the same file (`/dev/stdout`, `/proc/self/fd/1`, the terminal stdout
/// is on). Reports then go to stderr, so that the data stays alone on stdout.
fn writes_to_stdout(output: &Path) -> bool {
    output == Path::new(formats::STDOUT)
        || (store::paths::is_stream(output)
            && store::paths::same_file(output, Path::new("/dev/stdout")))
}

/// How long an export runs before its progress bar shows: short ones stay quiet.
const PROGRESS_DELAY: std::time::Duration = std::time::Duration::from_millis(300);

fn export(
    file: &Path,
    options: &ExportOptions,
    output: &Path,
    out: &mut impl std::io::Write,
) -> anyhow::Result<ExitCode> {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use std::ops::ControlFlow;

    formats::check_output(output, options, &[file])?;
    let project = load(file)?.project;
    // Hidden at first; shown on stderr once the export has run for a while. indicatif
    // draws nothing when stderr is not a terminal.
    let bar = ProgressBar::hidden();
    let started = std::time::Instant::now();
    let shown = std::cell::Cell::new(false);
    let progress = |done: usize, total: usize| {
        if !shown.get() && started.elapsed() >= PROGRESS_DELAY {
            shown.set(true);
            if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} documents {eta}")
            {
                bar.set_style(style);
            }
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        ControlFlow::Continue(())
    };
    let result = formats::export(&project, options, output, &progress);
    bar.finish_and_clear();
    match result {
        // The dataset itself went to stdout: the report goes to stderr.
        Ok(report) if writes_to_stdout(output) => {
            report.write_to(&mut std::io::stderr().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Ok(report) => {
            report.write_to(out)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(error @ FormatError::Lossy { .. }) => {
            report_error(&anyhow::Error::from(error));
            Ok(ExitCode::from(EXIT_INVALID))
        }
        Err(error) => {
            Err(anyhow::Error::from(error).context(format!("cannot export {}", file.display())))
        }
    }
}

fn import(
    file: &Path,
    options: &ImportOptions,
    inputs: &[PathBuf],
    out: &mut impl std::io::Write,
) -> anyhow::Result<ExitCode> {
    refuse_to_overwrite(file, inputs)?;
    let store::Loaded { mut project, stamp } = load(file)?;
    let report = match formats::import(&mut project, options, inputs) {
        Ok(report) => report,
        Err(error @ FormatError::Invalid { .. }) => {
            report_error(&anyhow::Error::from(error));
            return Ok(ExitCode::from(EXIT_INVALID));
        }
        Err(error) => return Err(error.into()),
    };
    let changed = !report.documents.is_empty()
        || !report.added_labels.is_empty()
        || !report.added_link_types.is_empty();
    if changed {
        store::save(&project, file, Some(&stamp), SaveMode::Safe)?;
    }
    report.write_to(file, out)?;
    Ok(ExitCode::SUCCESS)
}

/// `agree`: loads every file first (any error stops before printing), compares, and
/// prints the report. The files "cannot be compared" (exit 1) when two of them have no
/// document in common; the report still shows what each has.
fn agree(files: &[PathBuf], json: bool, out: &mut impl std::io::Write) -> anyhow::Result<ExitCode> {
    use crate::review::{Agreement, Comparison, report};

    let loaded: Vec<(String, Project)> = files
        .iter()
        .map(|file| Ok((crate::review::source_name(file), load(file)?.project)))
        .collect::<anyhow::Result<_>>()?;
    let inputs: Vec<(&str, &Project)> = loaded.iter().map(|(s, p)| (s.as_str(), p)).collect();
    let comparison = Comparison::new(&inputs)?;
    let agreement = Agreement::new(&comparison);
    if json {
        serde_json::to_writer_pretty(&mut *out, &report::to_json(&comparison, &agreement))?;
        writeln!(out)?;
    } else {
        write!(out, "{}", report::to_text(&comparison, &agreement))?;
    }
    let apart = comparison.pairs_without_common_documents();
    if apart.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    for (a, b) in apart {
        eprintln!(
            "cannot compare {} and {}: they have no document in common (documents are matched by their text)",
            files[a].display(),
            files[b].display()
        );
    }
    Ok(ExitCode::from(EXIT_INVALID))
}

/// `marginalia adjudicate`: loads every file first, refuses an output that is one of
/// them, and writes the gold project only when the files have a document in common.
fn adjudicate(
    files: &[PathBuf],
    output: &Path,
    annotator: &str,
    force: bool,
    out: &mut impl std::io::Write,
) -> anyhow::Result<ExitCode> {
    use crate::review::adjudicate::{self, Input};
    use anyhow::Context as _;

    // The same file twice, or the output among the inputs, by what they are on disk.
    let identity = |path: &Path| -> std::io::Result<PathBuf> {
        match path.canonicalize() {
            Ok(path) => Ok(path),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let parent = match path.parent() {
                    Some(parent) if !parent.as_os_str().is_empty() => parent,
                    _ => Path::new("."),
                };
                Ok(parent
                    .canonicalize()?
                    .join(path.file_name().unwrap_or_default()))
            }
            Err(error) => Err(error),
        }
    };
    let output_identity = identity(output)
        .with_context(|| format!("cannot find the folder of {}", output.display()))?;
    let mut seen = Vec::with_capacity(files.len());
    for file in files {
        let file_identity =
            identity(file).with_context(|| format!("cannot read {}", file.display()))?;
        if file_identity == output_identity {
            bail!(
                "the output {} is one of the inputs; write the gold project to a new file",
                output.display()
            );
        }
        if seen.contains(&file_identity) {
            bail!("{} is given twice", file.display());
        }
        seen.push(file_identity);
    }
    // A stream (`/dev/stdout`, a FIFO) is written into, not overwritten.
    if output.exists() && !force && !store::paths::is_stream(output) {
        bail!(
            "{} already exists; pick another name, or pass --force to overwrite it",
            output.display()
        );
    }
    let projects: Vec<Project> = files
        .iter()
        .map(|file| Ok(load(file)?.project))
        .collect::<anyhow::Result<_>>()?;
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let inputs: Vec<Input<'_>> = names
        .iter()
        .zip(&projects)
        .map(|(file, project)| Input { file, project })
        .collect();
    let adjudication = adjudicate::adjudicate(&inputs, annotator)?;
    // The gold project itself goes to stdout: the report goes to stderr.
    let mut stderr = std::io::stderr().lock();
    let out: &mut dyn std::io::Write = if writes_to_stdout(output) {
        &mut stderr
    } else {
        out
    };
    write!(out, "{}", adjudication.report)?;
    if adjudication.report.compared_documents() == 0 {
        report_error(&anyhow::anyhow!(
            "the files have nothing in common: no document (by its text) is in two of \
             them, so there is nothing to adjudicate; {} was not written",
            output.display()
        ));
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    store::save(&adjudication.project, output, None, SaveMode::Force)?;
    writeln!(
        out,
        "wrote {} (annotator {annotator}): {}",
        output.display(),
        open_candidates(adjudication.project.open_candidate_count())
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `marginalia merge BASE OURS THEIRS`, git's merge driver: merges the three versions
/// and writes the result over OURS atomically (no backup beside it: git keeps every
/// version). OURS is left untouched on any error.
fn merge(
    base: &Path,
    ours: &Path,
    theirs: &Path,
    out: &mut impl std::io::Write,
) -> anyhow::Result<ExitCode> {
    use anyhow::Context as _;

    // Git hands an empty file as the base of a path added on both branches.
    let base_empty = std::fs::metadata(base)
        .with_context(|| format!("cannot read {}", base.display()))?
        .len()
        == 0;
    let base_project = if base_empty {
        Project {
            schema: crate::model::Schema {
                labels: Vec::new(),
                link_types: Vec::new(),
            },
            ..Project::new("", "")
        }
    } else {
        load(base)?.project
    };
    let ours_project = load(ours)?.project;
    let theirs_project = load(theirs)?.project;
    let outcome = crate::merge::merge(&base_project, &ours_project, &theirs_project);
    // The merge makes valid projects by construction; check anyway rather than hand
    // git a file that does not load.
    if let Err(error) = store::from_str(&store::to_ron(&outcome.project), ours) {
        bail!(
            "the merged project is not valid, which is a bug in Marginalia; {} was left \
             as it was:\n{error}",
            ours.display()
        );
    }
    store::save_without_backup(&outcome.project, ours)?;
    write!(out, "{outcome}")?;
    if outcome.is_clean() {
        Ok(ExitCode::SUCCESS)
    } else {
        writeln!(
            out,
            "resolve the open candidates in the window (F8 steps to the next, Enter \
             accepts, Backspace rejects), then `git add` the file"
        )?;
        Ok(ExitCode::from(EXIT_INVALID))
    }
}

/// The merge driver's git config entries.
const MERGE_DRIVER: [(&str, &str); 2] = [
    ("merge.marginalia.name", "Marginalia project files"),
    ("merge.marginalia.driver", "marginalia merge %O %A %B"),
];

/// The .gitattributes line that sends project files to the driver.
const ATTRIBUTES_LINE: &str = "*.ron merge=marginalia";

/// Marks a pre-commit hook as Marginalia's, so that setup may update it.
const HOOK_MARK: &str = "installed by `marginalia git-setup --pre-commit`";

/// The pre-commit hook: validates the staged version (the index, not the work tree)
/// of every .ron file the commit adds or changes.
fn pre_commit_hook() -> String {
    format!(
        r#"#!/bin/sh
# Marginalia pre-commit hook, {HOOK_MARK}:
# validates the staged version of every .ron project file the commit adds or changes.
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
git diff --cached --name-only --diff-filter=ACMR -z -- '*.ron' > "$tmp/files" || exit 2
[ -s "$tmp/files" ] || exit 0
xargs -0 git checkout-index --prefix="$tmp/staged/" -- < "$tmp/files" || exit 2
cd "$tmp/staged" && xargs -0 marginalia validate < "$tmp/files"
"#
    )
}

/// Runs git with `args` in the current folder and returns its trimmed output.
fn git(args: &[&str]) -> anyhow::Result<String> {
    let output = std::process::Command::new("git")
        .args(args)
        .output()
        .map_err(|error| anyhow::anyhow!("cannot run git: {error}"))?;
    if !output.status.success() {
        bail!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// `marginalia git-setup [--pre-commit [--force]]`: idempotent; says what it changed
/// and what was already in place.
fn git_setup(
    pre_commit: bool,
    force: bool,
    out: &mut impl std::io::Write,
) -> anyhow::Result<ExitCode> {
    use anyhow::Context as _;

    let top = PathBuf::from(
        git(&["rev-parse", "--show-toplevel"])
            .context("git-setup works inside a git repository")?,
    );
    for (key, value) in MERGE_DRIVER {
        // `git config --get` fails when the key is not set.
        if git(&["config", "--get", key]).ok().as_deref() == Some(value) {
            writeln!(out, "git config {key} is already \"{value}\"")?;
        } else {
            git(&["config", key, value])?;
            writeln!(out, "set git config {key} to \"{value}\"")?;
        }
    }
    let attributes = top.join(".gitattributes");
    let existing = match std::fs::read_to_string(&attributes) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(error) => {
            return Err(error).with_context(|| format!("cannot read {}", attributes.display()));
        }
    };
    if existing.lines().any(|line| line.trim() == ATTRIBUTES_LINE) {
        writeln!(
            out,
            "{} already has `{ATTRIBUTES_LINE}`",
            attributes.display()
        )?;
    } else {
        let mut text = existing;
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(ATTRIBUTES_LINE);
        text.push('\n');
        std::fs::write(&attributes, text)
            .with_context(|| format!("cannot write {}", attributes.display()))?;
        writeln!(out, "added `{ATTRIBUTES_LINE}` to {}", attributes.display())?;
    }
    if pre_commit {
        let hooks = PathBuf::from(git(&["rev-parse", "--git-path", "hooks"])?);
        let hook = hooks.join("pre-commit");
        let wanted = pre_commit_hook();
        match std::fs::read_to_string(&hook) {
            Ok(text) if text == wanted => {
                writeln!(
                    out,
                    "the pre-commit hook {} is already installed",
                    hook.display()
                )?;
                return Ok(ExitCode::SUCCESS);
            }
            Ok(text) if !text.contains(HOOK_MARK) && !force => bail!(
                "{} exists and is not Marginalia's; it was left alone (pass --force to \
                 replace it, or call `marginalia validate` from it yourself)",
                hook.display()
            ),
            _ => {}
        }
        std::fs::create_dir_all(&hooks)
            .with_context(|| format!("cannot create {}", hooks.display()))?;
        std::fs::write(&hook, wanted)
            .with_context(|| format!("cannot write {}", hook.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755))
                .with_context(|| format!("cannot make {} executable", hook.display()))?;
        }
        writeln!(
            out,
            "installed the pre-commit hook {}: it validates the staged .ron files",
            hook.display()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_rule(text: &str) -> Result<crate::suggest::Rule, String> {
    use crate::suggest::Rule;
    Rule::parse(text).ok_or_else(|| {
        let names: Vec<&str> = Rule::ALL.iter().map(|r| r.as_str()).collect();
        format!("unknown rule `{text}`; the rules are {}", names.join(", "))
    })
}

/// `marginalia suggest`: lists the suggestions of every rule, or applies those of the
/// rules given and saves. Exit 1 when there is nothing to suggest or apply.
fn suggest(
    file: &Path,
    apply: Option<Vec<crate::suggest::Rule>>,
    doc_id: Option<&str>,
    json: bool,
    verbs: Option<Vec<String>>,
    out: &mut impl std::io::Write,
) -> anyhow::Result<ExitCode> {
    use crate::suggest::{self, Config, Rule};

    let store::Loaded { mut project, stamp } = load(file)?;
    let indices: Vec<usize> = match doc_id {
        Some(id) => match project.documents.iter().position(|d| d.id == id) {
            Some(index) => vec![index],
            None => {
                let ids: Vec<&str> = project.documents.iter().map(|d| d.id.as_str()).collect();
                bail!(
                    "{} has no document `{id}`; its documents are: {}",
                    file.display(),
                    if ids.is_empty() {
                        "none".to_owned()
                    } else {
                        ids.join(", ")
                    }
                );
            }
        },
        None => (0..project.documents.len()).collect(),
    };
    // The project's own reporting verbs, unless --verbs overrides them for this run.
    let mut config = Config {
        rules: apply.as_deref().unwrap_or(&Rule::ALL).to_vec(),
        ..Config::for_project(&project)
    };
    if let Some(verbs) = verbs {
        let verbs: Vec<String> = verbs
            .iter()
            .map(|v| crate::model::normalize_reporting_verb(v))
            .filter(|v| !v.is_empty())
            .collect();
        if verbs.is_empty() {
            bail!("--verbs names no verb; give them comma-separated, e.g. --verbs said,told");
        }
        config.verbs = verbs;
    }
    let rules = config.rules.clone();
    // New suggestions, and the pending rule candidates already in the file (from the
    // window's Suggest, saved undecided): --apply takes both in.
    let mut found = 0;
    let mut pending = 0;
    // All found on the project as read (the project's names gathered once): applying
    // one document's changes no other document's suggestions, since what it adds are
    // the names already gathered and quotations.
    let lists = suggest::suggest_documents(&project, &indices, &config)?;
    for (&index, suggestions) in indices.iter().zip(lists) {
        if let Some(rules) = apply.as_deref() {
            let schema = project.schema.clone();
            let doc = &mut project.documents[index];
            let (spans, links) = (doc.spans().len(), doc.links().len());
            let applied = suggest::apply_edit(doc, &schema, &suggestions, rules)?;
            if applied.taken.is_empty() {
                continue;
            }
            doc.apply(applied.edit, &schema)?;
            found += applied.taken.len();
            if json {
                for suggestion in &applied.taken {
                    serde_json::to_writer(&mut *out, &suggestion_json(doc, suggestion))?;
                    writeln!(out)?;
                }
                continue;
            }
            let mut line = format!(
                "`{}`: added {} spans and {} links",
                doc.id,
                doc.spans().len() - spans,
                doc.links().len() - links
            );
            if applied.candidates > 0 {
                line.push_str(&format!(
                    ", of them {} pending suggestions of the file accepted",
                    applied.candidates
                ));
            }
            if !applied.for_links.is_empty() {
                let counts: Vec<String> = applied
                    .for_links
                    .iter()
                    .map(|(label, n)| format!("{n} {label} span{}", if *n == 1 { "" } else { "s" }))
                    .collect();
                line.push_str(&format!(
                    "; {} taken in for their links",
                    counts.join(" and ")
                ));
            }
            if let Some((_, why)) = applied.left.first() {
                line.push_str(&format!(
                    "; {} pending suggestions stay open ({why})",
                    applied.left.len()
                ));
            }
            writeln!(out, "{line}")?;
            continue;
        }
        let doc = &project.documents[index];
        found += suggestions.len();
        pending += doc
            .pending_candidates()
            .iter()
            .filter(|c| suggest::Rule::of_origin(&c.origin).is_some_and(|r| rules.contains(&r)))
            .count();
        for suggestion in &suggestions {
            if json {
                serde_json::to_writer(&mut *out, &suggestion_json(doc, suggestion))?;
                writeln!(out)?;
            } else {
                writeln!(out, "{}", suggestion_line(doc, suggestion))?;
            }
        }
    }
    let more = if pending > 0 {
        format!("; {pending} more pending in the file as candidates (--apply takes them in)")
    } else {
        String::new()
    };
    if found == 0 && pending == 0 {
        if !json {
            writeln!(out, "nothing to suggest")?;
        }
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    if apply.is_some() {
        store::save(&project, file, Some(&stamp), SaveMode::Safe)?;
        if !json {
            writeln!(out, "saved {}", file.display())?;
        }
    } else if !json {
        writeln!(out, "{found} suggestions{more}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `doc  quotes  quote [10, 25)  "“We are ready.”"`, and for a link both ends.
fn suggestion_line(doc: &Document, suggestion: &crate::suggest::Suggestion) -> String {
    use crate::model::{Proposal, SpanKey};
    let end = |key: &SpanKey| {
        let text = doc.slice(key.start, key.end).unwrap_or_default();
        format!(
            "{} [{}, {}) {}",
            key.label,
            key.start,
            key.end,
            Quoted(text)
        )
    };
    let what = match &suggestion.proposal {
        Proposal::Span(key) => end(key),
        Proposal::Link {
            from,
            to,
            link_type,
        } => format!("{link_type}: {} -> {}", end(from), end(to)),
    };
    format!("{}\t{}\t{what}", doc.id, suggestion.rule)
}

/// A suggestion as JSON: `document`, `kind` (the rule), `start`, `end`, `label` and
/// `text` of the span (of the link's from-end for a link), and for a link `link_type`,
/// `from` and `to`.
fn suggestion_json(doc: &Document, suggestion: &crate::suggest::Suggestion) -> serde_json::Value {
    use crate::model::{Proposal, SpanKey};
    let end = |key: &SpanKey| {
        serde_json::json!({
            "start": key.start,
            "end": key.end,
            "label": key.label,
            "text": doc.slice(key.start, key.end).unwrap_or_default(),
        })
    };
    let (key, link) = match &suggestion.proposal {
        Proposal::Span(key) => (key, None),
        Proposal::Link {
            from,
            to,
            link_type,
        } => (from, Some((to, link_type))),
    };
    let mut value = end(key);
    value["document"] = doc.id.clone().into();
    value["kind"] = suggestion.rule.as_str().into();
    if let Some((to, link_type)) = link {
        value["link_type"] = link_type.clone().into();
        value["from"] = end(key);
        value["to"] = end(to);
    }
    value
}

/// `marginalia suggest --check`: the same text under different labels, with where.
/// `--fix TEXT=LABEL`: the text is everything before the last `=`, so a text may hold
/// one; neither part may be empty.
fn parse_fix(value: &str) -> Result<(String, String), String> {
    match value.rsplit_once('=') {
        Some((text, label)) if !text.is_empty() && !label.trim().is_empty() => {
            Ok((text.to_owned(), label.trim().to_owned()))
        }
        _ => Err(format!(
            "`{value}` is not TEXT=LABEL (for example --fix \"Kremlin=actor\")"
        )),
    }
}

/// `suggest --fix`: gives each text its label everywhere, one fix after the other, then
/// saves once; exit 1 when nothing needed a change.
fn fix_consistency(
    file: &Path,
    fixes: &[(String, String)],
    out: &mut impl std::io::Write,
) -> anyhow::Result<ExitCode> {
    let store::Loaded { mut project, stamp } = load(file)?;
    let mut changed = false;
    for (text, wanted) in fixes {
        let schema = &project.schema;
        let Some(label) = schema
            .labels
            .iter()
            .find(|l| l.key == *wanted)
            .or_else(|| {
                schema
                    .labels
                    .iter()
                    .find(|l| l.name.eq_ignore_ascii_case(wanted))
            })
            .map(|l| l.key.clone())
        else {
            let keys: Vec<&str> = schema.labels.iter().map(|l| l.key.as_str()).collect();
            bail!(
                "{} has no label `{wanted}`; its labels are: {}",
                file.display(),
                keys.join(", ")
            );
        };
        let carried = project
            .documents
            .iter()
            .any(|d| d.spans().iter().any(|s| d.span_text(s) == text));
        if !carried {
            bail!(
                "no span of {} has the text {}",
                file.display(),
                Quoted(text)
            );
        }
        let fix = crate::suggest::fix_inconsistency(&project, text, &label)?;
        writeln!(out, "{}", fix.describe(&project.schema))?;
        changed |= !fix.is_empty();
        let Project {
            schema, documents, ..
        } = &mut project;
        for (index, edit) in fix.edits {
            documents[index]
                .apply(edit, schema)
                .map_err(|error| anyhow::anyhow!("cannot fix {}: {error}", Quoted(text)))?;
        }
    }
    if !changed {
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    store::save(&project, file, Some(&stamp), SaveMode::Safe)?;
    writeln!(out, "saved {}", file.display())?;
    Ok(ExitCode::SUCCESS)
}

fn consistency(file: &Path, json: bool, out: &mut impl std::io::Write) -> anyhow::Result<ExitCode> {
    let project = load(file)?.project;
    let found = crate::suggest::inconsistencies(&project);
    for inconsistency in &found {
        let doc_id = |index: usize| project.documents[index].id.as_str();
        if json {
            let labels: Vec<serde_json::Value> = inconsistency
                .labels
                .iter()
                .map(|used| {
                    let places: Vec<serde_json::Value> = used
                        .places
                        .iter()
                        .map(|p| {
                            serde_json::json!({
                                "document": doc_id(p.document),
                                "start": p.start,
                                "end": p.end,
                            })
                        })
                        .collect();
                    serde_json::json!({ "label": used.label, "places": places })
                })
                .collect();
            let value = serde_json::json!({ "text": inconsistency.text, "labels": labels });
            serde_json::to_writer(&mut *out, &value)?;
            writeln!(out)?;
            continue;
        }
        let labels: Vec<String> = inconsistency
            .labels
            .iter()
            .map(|used| {
                let places: Vec<String> = used
                    .places
                    .iter()
                    .map(|p| format!("`{}` [{}, {})", doc_id(p.document), p.start, p.end))
                    .collect();
                format!("{} in {}", used.label, places.join(", "))
            })
            .collect();
        writeln!(
            out,
            "{}: {}",
            Quoted(&inconsistency.text),
            labels.join("; ")
        )?;
    }
    if found.is_empty() {
        if !json {
            writeln!(out, "every text keeps one label")?;
        }
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    Ok(ExitCode::SUCCESS)
}
