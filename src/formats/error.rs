//! What can go wrong reading or writing a dataset, said so that the user can find it:
//! input problems name the file and the line.

use std::fmt;
use std::path::PathBuf;

use super::report::ExportReport;

/// How many input problems an error message lists before it says "and N more".
const SHOWN_PROBLEMS: usize = 50;

/// One thing wrong with an input file, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputProblem {
    /// The input file.
    pub path: PathBuf,
    /// 1-based line in the file, when the problem is on one line.
    pub line: Option<usize>,
    /// What is wrong, in plain words.
    pub message: String,
}

impl InputProblem {
    /// A problem on `line` of `path` (`None`: the whole file).
    pub fn new(path: impl Into<PathBuf>, line: Option<usize>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for InputProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// Why an export or import did not happen. Nothing was written (export) or changed
/// (import) when one of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// The options do not make sense together (a format that cannot be exported, a bad
    /// split).
    #[error("{0}")]
    Options(String),
    /// An input could not be read.
    #[error("cannot read {}", path.display())]
    Read {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// An output could not be written.
    #[error("cannot write {}", path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The output folder exists and holds files; exports into a folder start afresh so
    /// that no file of an earlier export is left to be mistaken for part of this one.
    #[error("{} already exists and is not empty: remove it or export to another folder", path.display())]
    OutputNotEmpty {
        /// The folder.
        path: PathBuf,
    },
    /// The inputs failed the checks; nothing was imported.
    #[error("{}", Problems(problems))]
    Invalid {
        /// Every problem found, in input order.
        problems: Vec<InputProblem>,
    },
    /// `strict` was set and the format could not carry every span; nothing was written.
    #[error(
        "{} span{} could not be written in this format, so nothing was written (strict):\n{}",
        report.spans_left_out(),
        if report.spans_left_out() == 1 { "" } else { "s" },
        report.left_out.iter().map(|o| format!("  {o}")).collect::<Vec<_>>().join("\n")
    )]
    Lossy {
        /// What the export would have written and left out.
        report: Box<ExportReport>,
    },
    /// An output would be written over a file the command reads (the project itself,
    /// however its path is spelled); nothing was written.
    #[error("{} is {}, which this would overwrite; write somewhere else", output.display(), input.display())]
    OverwritesInput {
        /// The output as given.
        output: PathBuf,
        /// The input it would destroy.
        input: PathBuf,
    },
    /// The progress callback asked to stop; nothing was written.
    #[error("export cancelled; nothing was written")]
    Cancelled,
}

struct Problems<'a>(&'a [InputProblem]);

impl fmt::Display for Problems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(
            f,
            "{n} problem{} in the input, so nothing was imported:",
            if n == 1 { "" } else { "s" }
        )?;
        for problem in self.0.iter().take(SHOWN_PROBLEMS) {
            write!(f, "\n  {problem}")?;
        }
        if n > SHOWN_PROBLEMS {
            write!(f, "\n  … and {} more", n - SHOWN_PROBLEMS)?;
        }
        Ok(())
    }
}
