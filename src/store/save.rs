//! Saving that never loses data: the new content goes to a temporary file in the same
//! folder, is synced to disk and then renamed over the target, so the target holds the
//! old or the new content at every moment, even across a crash or power loss. The
//! previous content stays beside it as `NAME.ron.bak`.

use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest as _, Sha256};

use super::format::to_ron;
use super::paths::write_target;
use crate::model::Project;

/// What a file looked like when it was last read or written: to notice that somebody
/// else changed it since.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiskStamp {
    len: u64,
    modified: Option<SystemTime>,
    hash: [u8; 32],
}

impl DiskStamp {
    pub(super) fn of_bytes(bytes: &[u8], metadata: &fs::Metadata) -> Self {
        Self {
            len: bytes.len() as u64,
            modified: metadata.modified().ok(),
            hash: Sha256::digest(bytes).into(),
        }
    }

    /// The stamp as one line of text (size and content hash), to keep beside a copy of
    /// the project: read back with [`Self::from_text`], it still tells whether the file
    /// changed (by its content, as the time is not kept).
    pub fn to_text(&self) -> String {
        let hex: String = self.hash.iter().map(|b| format!("{b:02x}")).collect();
        format!("{} {hex}", self.len)
    }

    /// A stamp written by [`Self::to_text`]; `None` if `text` is not one.
    pub fn from_text(text: &str) -> Option<Self> {
        let (len, hex) = text.trim().split_once(' ')?;
        if hex.len() != 64 || !hex.is_ascii() {
            return None;
        }
        let mut hash = [0; 32];
        for (i, byte) in hash.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(Self {
            len: len.parse().ok()?,
            modified: None,
            hash,
        })
    }

    /// Whether the file at `path` still has the content this stamp describes. Size and
    /// time decide when they match; otherwise the content is hashed, so a file that was
    /// touched but not changed still counts as unchanged.
    fn matches_file(&self, path: &Path, metadata: &fs::Metadata) -> std::io::Result<bool> {
        if metadata.len() != self.len {
            return Ok(false);
        }
        if metadata.modified().ok() == self.modified && self.modified.is_some() {
            return Ok(true);
        }
        let hash: [u8; 32] = Sha256::digest(fs::read(path)?).into();
        Ok(hash == self.hash)
    }
}

/// Whether a save may overwrite a file that changed on disk since it was loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveMode {
    /// Refuse with [`SaveError::ChangedOnDisk`].
    Safe,
    /// Overwrite (the user said so); the overwritten content is kept as the backup.
    Force,
}

/// Why a save failed. The target file is untouched when it does.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// Somebody else changed the file since it was loaded.
    #[error("{} changed on disk since it was opened; save again to overwrite it, or save under another name", path.display())]
    ChangedOnDisk { path: PathBuf },
    /// Writing failed.
    #[error("cannot save {}: {what}: {source}", path.display())]
    Io {
        path: PathBuf,
        what: &'static str,
        #[source]
        source: std::io::Error,
    },
}

/// The backup beside a project file: `NAME.ron.bak`.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".bak");
    path.with_file_name(name)
}

/// Saves `project` to `path` atomically and returns the new stamp of the file.
///
/// `loaded` is the stamp from when the file was loaded (or last saved); when the file on
/// disk no longer matches it, the save is refused unless `mode` is [`SaveMode::Force`].
/// When the file already holds exactly these bytes nothing is written at all.
///
/// When `path` is a symlink, the file it points to is saved (and backed up beside it),
/// and the link stays a link.
pub fn save(
    project: &Project,
    path: &Path,
    loaded: Option<&DiskStamp>,
    mode: SaveMode,
) -> Result<DiskStamp, SaveError> {
    write(project, path, loaded, mode, true)
}

/// Saves `project` over `path` atomically like [`save`], but keeps no backup: for a file
/// whose previous content is kept elsewhere, such as the temporary copy of "ours" that
/// git hands a merge driver (a backup would be left behind in the work tree).
pub fn save_without_backup(project: &Project, path: &Path) -> Result<DiskStamp, SaveError> {
    write(project, path, None, SaveMode::Force, false)
}

/// Writes the project into a stream (`/dev/stdout`, a FIFO, a terminal): there is no
/// file to replace atomically nor to back up, and a temporary file beside a device or
/// `/proc/self/fd/1` cannot be made.
fn write_stream(project: &Project, path: &Path) -> Result<DiskStamp, SaveError> {
    let io = |what| {
        move |source| SaveError::Io {
            path: path.to_path_buf(),
            what,
            source,
        }
    };
    let bytes = to_ron(project).into_bytes();
    let mut stream = fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(io("cannot open the stream"))?;
    stream
        .write_all(&bytes)
        .and_then(|()| stream.flush())
        .map_err(io("cannot write into the stream"))?;
    let metadata = stream.metadata().map_err(io("cannot inspect the stream"))?;
    Ok(DiskStamp::of_bytes(&bytes, &metadata))
}

fn write(
    project: &Project,
    path: &Path,
    loaded: Option<&DiskStamp>,
    mode: SaveMode,
    backup: bool,
) -> Result<DiskStamp, SaveError> {
    if super::paths::is_stream(path) {
        return write_stream(project, path);
    }
    let target = write_target(path).map_err(|source| SaveError::Io {
        path: path.to_path_buf(),
        what: "cannot follow the symbolic link",
        source,
    })?;
    let path = target.as_path();
    let bytes = to_ron(project).into_bytes();
    let io = |what| {
        move |source| SaveError::Io {
            path: path.to_path_buf(),
            what,
            source,
        }
    };

    let existing = match fs::metadata(path) {
        Ok(metadata) => Some(metadata),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => return Err(io("cannot inspect the existing file")(error)),
    };
    if let Some(metadata) = &existing {
        if let Some(stamp) = loaded
            && mode == SaveMode::Safe
            && !stamp
                .matches_file(path, metadata)
                .map_err(io("cannot read the existing file"))?
        {
            return Err(SaveError::ChangedOnDisk {
                path: path.to_path_buf(),
            });
        }
        // Unchanged content: leave the file, its time and its backup alone.
        if metadata.len() == bytes.len() as u64
            && fs::read(path).map_err(io("cannot read the existing file"))? == bytes
        {
            return Ok(DiskStamp::of_bytes(&bytes, metadata));
        }
    }

    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{file_name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // A temporary file is private (0o600) by default; the project file is not: a new one
    // gets the usual 0o666 less the umask, like any file the user creates.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut temp = builder
        .tempfile_in(dir)
        .map_err(io("cannot create a temporary file beside it"))?;
    // An existing file keeps its permissions, so a project shared with a group stays so.
    #[cfg(unix)]
    if let Some(metadata) = &existing {
        fs::set_permissions(temp.path(), metadata.permissions()).map_err(io(
            "cannot give the temporary file the permissions of the file",
        ))?;
    }
    temp.write_all(&bytes)
        .map_err(io("cannot write the temporary file"))?;
    temp.as_file()
        .sync_all()
        .map_err(io("cannot flush the temporary file to disk"))?;

    if existing.is_some() && backup {
        keep_backup(path).map_err(io("cannot keep the previous version as a backup"))?;
    }
    let file = temp
        .persist(path)
        .map_err(|e| io("cannot move the new file into place")(e.error))?;
    sync_dir(dir).map_err(io("cannot flush the folder to disk"))?;
    let metadata = file
        .metadata()
        .map_err(io("cannot inspect the saved file"))?;
    Ok(DiskStamp::of_bytes(&bytes, &metadata))
}

/// Makes `NAME.ron.bak` the current content of `path`, atomically: a hard link to the
/// file (no copy, and the old file stays in place), renamed over the old backup. Where
/// hard links are not supported, a synced copy takes its place.
fn keep_backup(path: &Path) -> std::io::Result<()> {
    let backup = backup_path(path);
    let mut staging = backup.clone().into_os_string();
    staging.push(".tmp");
    let staging = PathBuf::from(staging);
    let _ = fs::remove_file(&staging);
    if fs::hard_link(path, &staging).is_err() {
        fs::copy(path, &staging)?;
        File::open(&staging)?.sync_all()?;
    }
    fs::rename(&staging, &backup)
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    // Windows cannot open a directory as a file; its rename is durable by itself.
    Ok(())
}
