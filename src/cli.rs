//! The headless command line: everything that needs no eyes, for scripts and CI.
//! No egui here; `main.rs` starts the window when no command is given.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand};

use crate::model::{Document, Project, Status};
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
}

/// What `main` should do after parsing the arguments.
pub enum Run {
    /// Open the window, on this project file or on the bundled sample.
    Window(Option<PathBuf>),
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
    let mut stdout = std::io::stdout().lock();
    let result = match command {
        Command::New {
            file,
            name,
            annotator,
        } => new(&file, &name, &annotator, &mut stdout),
        Command::Add { file, articles } => add(&file, &articles, &mut stdout),
        Command::Validate { files } => validate(&files, &mut stdout),
        Command::Stats { file, json } => stats(&file, json, &mut stdout),
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
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "error: {error}");
    for cause in error.chain().skip(1) {
        let _ = writeln!(stderr, "  caused by: {cause}");
    }
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

/// An article read from disk, ready to become a document.
pub struct Article {
    /// Title: the first non-empty line (without Markdown `#`), or the file name.
    pub title: String,
    /// The text, BOM removed, line endings as they were.
    pub text: String,
}

/// Reads a `.txt` or `.md` article: UTF-8 required, BOM removed, line endings kept.
pub fn read_article(path: &Path) -> anyhow::Result<Article> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if extension != "txt" && extension != "md" {
        bail!(
            "{}: only .txt and .md articles can be added",
            path.display()
        );
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let bom_len = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    let text = match std::str::from_utf8(&bytes[bom_len..]) {
        Ok(text) => text.to_owned(),
        // The offset counts the file's bytes, BOM included, as a hex editor shows them.
        Err(error) => bail!(
            "{} is not UTF-8 text: invalid byte at offset {}",
            path.display(),
            bom_len + error.valid_up_to()
        ),
    };
    if text.trim().is_empty() {
        bail!("{} is empty", path.display());
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Article {
        title: title_of(&text, extension == "md").unwrap_or(stem),
        text,
    })
}

/// The title of an article: its first non-empty line (without Markdown `#`), at most
/// 120 characters.
pub(crate) fn title_of(text: &str, markdown: bool) -> Option<String> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    let line = if markdown {
        line.trim_start_matches('#').trim()
    } else {
        line
    };
    let mut title: String = line.chars().take(120).collect();
    if line.chars().count() > 120 {
        title.push('…');
    }
    Some(title)
}

fn load(file: &Path) -> anyhow::Result<store::Loaded> {
    Ok(store::load(file)?)
}

fn add(
    file: &Path,
    articles: &[PathBuf],
    out: &mut impl std::io::Write,
) -> anyhow::Result<ExitCode> {
    let store::Loaded { mut project, stamp } = load(file)?;
    // Read every article before changing anything: one bad file adds none.
    let read: Vec<(PathBuf, Article)> = articles
        .iter()
        .map(|path| Ok((path.clone(), read_article(path)?)))
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
    let mut code = ExitCode::SUCCESS;
    for file in files {
        match store::load(file) {
            Ok(loaded) => writeln!(
                out,
                "{}: valid ({} documents, {} spans)",
                file.display(),
                loaded.project.documents.len(),
                loaded.project.span_count()
            )?,
            Err(LoadError::Invalid { path, problems }) => {
                for problem in &problems {
                    writeln!(out, "{}: {problem}", path.display())?;
                }
                writeln!(
                    out,
                    "{}: invalid ({} problems)",
                    path.display(),
                    problems.len()
                )?;
                code = ExitCode::from(EXIT_INVALID);
            }
            Err(
                error @ (LoadError::Syntax { .. }
                | LoadError::NewerVersion { .. }
                | LoadError::TooLarge { .. }
                | LoadError::NotUtf8 { .. }),
            ) => {
                writeln!(out, "{error}")?;
                writeln!(out, "{}: invalid", file.display())?;
                code = ExitCode::from(EXIT_INVALID);
            }
            Err(error @ LoadError::Io { .. }) => return Err(error.into()),
        }
    }
    Ok(code)
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
