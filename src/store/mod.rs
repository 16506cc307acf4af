//! RON project files: a versioned format, loading that checks everything, and saving
//! that never loses data.

mod fast;
mod format;
mod load;
pub mod paths;
mod save;

use std::fmt;
use std::path::{Path, PathBuf};

pub use format::{CURRENT_VERSION, REVIEW_VERSION, peek_version, to_ron, version_of};
pub use load::{MAX_FILE_BYTES, fast_reader_agrees, from_str};
pub use save::{DiskStamp, SaveError, SaveMode, backup_path, save, save_without_backup};

use crate::model::Project;

/// One thing wrong with a project file: where, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where in the project: `document `x` (#2), span 14`.
    pub location: String,
    /// What is wrong, in plain words.
    pub message: String,
}

impl Problem {
    fn new(location: &str, message: impl Into<String>) -> Self {
        Self {
            location: location.to_owned(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Why a project file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_FILE_BYTES`].
    #[error("{} is {size} bytes; project files may be at most {MAX_FILE_BYTES} bytes", path.display())]
    TooLarge { path: PathBuf, size: u64 },
    /// The file is not UTF-8 text.
    #[error("{} is not UTF-8 text (invalid byte at offset {offset})", path.display())]
    NotUtf8 { path: PathBuf, offset: usize },
    /// The file was written by a newer version of the program.
    #[error(
        "{} was made by a newer Marginalia, format version {found}; this one reads up to \
         version {CURRENT_VERSION}: update Marginalia to open it",
        path.display()
    )]
    NewerVersion { path: PathBuf, found: u64 },
    /// The file is not well-formed RON of the expected shape.
    #[error("{}:{line}:{col}: {message}", path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        col: usize,
        message: String,
    },
    /// The file parsed but its content is inconsistent.
    #[error("{} has {} problem{}:\n{}", path.display(), problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid {
        path: PathBuf,
        problems: Vec<Problem>,
    },
}

/// A project as loaded from disk, with what the file looked like then.
#[derive(Debug)]
pub struct Loaded {
    /// The project.
    pub project: Project,
    /// Size, modification time and hash of the file when it was read, to notice a
    /// change on disk before saving over it.
    pub stamp: DiskStamp,
}

/// Reads, parses and validates a project file.
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    let io_error = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let metadata = std::fs::metadata(path).map_err(io_error)?;
    if metadata.is_dir() {
        return Err(io_error(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "it is a folder, not a project file",
        )));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            path: path.to_path_buf(),
            size: metadata.len(),
        });
    }
    let bytes = std::fs::read(path).map_err(io_error)?;
    let stamp = DiskStamp::of_bytes(&bytes, &metadata);
    let project = from_bytes(&bytes, path)?;
    Ok(Loaded { project, stamp })
}

/// Parses and validates project-file bytes; `origin` names the file in messages.
pub fn from_bytes(bytes: &[u8], origin: &Path) -> Result<Project, LoadError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            path: origin.to_path_buf(),
            size: bytes.len() as u64,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|error| LoadError::NotUtf8 {
        path: origin.to_path_buf(),
        offset: error.valid_up_to(),
    })?;
    from_str(text, origin)
}
