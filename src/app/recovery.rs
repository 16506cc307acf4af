//! Recovery copies: while there are unsaved changes, a copy of the project is written
//! every 30 seconds, off the UI thread, so a crash loses at most half a minute of work.
//! A clean save, close or discard removes it; after a crash the next start offers it.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::workspace::Workspace;
use crate::store::{self, SaveMode};

/// How often a recovery copy is written while there are unsaved changes.
pub const INTERVAL: Duration = Duration::from_secs(30);

/// Writes and finds the recovery copy.
pub struct Recovery {
    /// Where the copy goes; `None` when there is no place for it (tests).
    path: Option<PathBuf>,
    last_write: Instant,
    writing: Arc<AtomicBool>,
}

impl Recovery {
    /// Recovery copies in `dir` (eframe's storage folder).
    pub fn in_dir(dir: Option<PathBuf>) -> Self {
        Self {
            path: dir.map(|d| d.join("recovery.ron")),
            last_write: Instant::now(),
            writing: Arc::default(),
        }
    }

    /// No recovery copies at all.
    pub fn disabled() -> Self {
        Self::in_dir(None)
    }

    /// The recovery file, if there is one from an earlier run.
    pub fn existing(&self) -> Option<&PathBuf> {
        self.path.as_ref().filter(|p| p.exists())
    }

    /// Whether a recovery copy is waiting.
    pub fn exists(&self) -> bool {
        self.existing().is_some()
    }

    /// Writes a copy if there are unsaved changes and the interval has passed. The
    /// project is cloned here and serialised and written on a background thread.
    pub fn tick(&mut self, ws: &Workspace) {
        let Some(path) = &self.path else { return };
        if !ws.is_dirty()
            || self.last_write.elapsed() < INTERVAL
            || self.writing.load(Ordering::Acquire)
        {
            return;
        }
        self.last_write = Instant::now();
        let project = ws.project.clone();
        let path = path.clone();
        let writing = self.writing.clone();
        writing.store(true, Ordering::Release);
        std::thread::spawn(move || {
            if let Some(dir) = path.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            // A failed recovery write must not disturb the user; the next tick retries.
            let _ = store::save(&project, &path, None, SaveMode::Force);
            writing.store(false, Ordering::Release);
        });
    }

    /// Removes the recovery copy (after a save, or when the user discards it).
    pub fn clear(&mut self) {
        if let Some(path) = &self.path {
            let _ = std::fs::remove_file(path);
            let _ = std::fs::remove_file(store::backup_path(path));
        }
        self.last_write = Instant::now();
    }
}
