//! Recovery copies: while there are unsaved changes, a copy of the project is written
//! every 30 seconds, off the UI thread, so a crash loses at most half a minute of work.
//! A clean save, close or discard removes it; after a crash the next start offers it.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::workspace::{Origin, Workspace};
use crate::store::{self, SaveMode};

/// How often a recovery copy is written while there are unsaved changes.
pub const INTERVAL: Duration = Duration::from_secs(30);

/// Writes and finds the recovery copy.
pub struct Recovery {
    /// Where the copy goes; `None` when there is no place for it (tests).
    path: Option<PathBuf>,
    interval: Duration,
    last_write: Instant,
    writing: Arc<AtomicBool>,
    /// Bumped by every `clear`: a copy being written when it changes is deleted once
    /// written, so that a clear during a write does not leave a stale copy behind.
    clears: Arc<AtomicU64>,
}

impl Recovery {
    /// Recovery copies in `dir` (eframe's storage folder).
    pub fn in_dir(dir: Option<PathBuf>) -> Self {
        Self::every(dir, INTERVAL)
    }

    /// Recovery copies in `dir`, written every `interval` while changes are unsaved.
    pub fn every(dir: Option<PathBuf>, interval: Duration) -> Self {
        Self {
            path: dir.map(|d| d.join("recovery.ron")),
            interval,
            last_write: Instant::now(),
            writing: Arc::default(),
            clears: Arc::default(),
        }
    }

    /// Beside the copy: the path of the project file it belongs to, if it has one.
    fn origin_path(copy: &std::path::Path) -> PathBuf {
        copy.with_extension("origin")
    }

    /// Whether a copy is being written right now.
    pub fn is_writing(&self) -> bool {
        self.writing.load(Ordering::Acquire)
    }

    /// The waiting copy as a workspace with unsaved changes, saving to the file it was
    /// a copy of (or asking for one).
    pub fn restore(&self) -> Option<Result<Workspace, store::LoadError>> {
        let copy = self.existing()?;
        Some(Workspace::open(copy).map(|mut ws| {
            // The sidecar: the project's file, and what that file looked like when the
            // work in the copy began from it.
            let sidecar = std::fs::read_to_string(Self::origin_path(copy)).unwrap_or_default();
            let mut lines = sidecar.lines();
            ws.origin = lines
                .next()
                .filter(|p| !p.trim().is_empty())
                .map_or(Origin::Unsaved, |p| Origin::File(PathBuf::from(p)));
            // Saving then notices if the file changed after the copy was made (a git
            // pull, another editor) and asks first.
            ws.stamp = lines.next().and_then(store::DiskStamp::from_text);
            ws.touch();
            ws
        }))
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
            || self.last_write.elapsed() < self.interval
            || self.writing.load(Ordering::Acquire)
        {
            return;
        }
        self.last_write = Instant::now();
        let project = ws.project.clone();
        let mut origin = ws
            .path()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        if let Some(stamp) = &ws.stamp {
            origin = format!("{origin}\n{}\n", stamp.to_text());
        }
        let path = path.clone();
        let writing = self.writing.clone();
        let clears = self.clears.clone();
        let clears_before = clears.load(Ordering::Acquire);
        writing.store(true, Ordering::Release);
        std::thread::spawn(move || {
            if let Some(dir) = path.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            // A failed recovery write must not disturb the user; the next tick retries.
            let _ = std::fs::write(Self::origin_path(&path), origin);
            let _ = store::save(&project, &path, None, SaveMode::Force);
            if clears.load(Ordering::Acquire) != clears_before {
                // Saved or discarded while this was written: the copy is stale.
                Self::remove_files(&path);
            }
            writing.store(false, Ordering::Release);
        });
    }

    /// Removes the recovery copy (after a save, or when the user discards it).
    pub fn clear(&mut self) {
        self.clears.fetch_add(1, Ordering::AcqRel);
        if let Some(path) = &self.path {
            Self::remove_files(path);
        }
        self.last_write = Instant::now();
    }

    fn remove_files(copy: &std::path::Path) {
        let _ = std::fs::remove_file(copy);
        let _ = std::fs::remove_file(store::backup_path(copy));
        let _ = std::fs::remove_file(Self::origin_path(copy));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, Project};

    #[test]
    fn a_copy_written_in_the_background_restores_with_its_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut project = Project::new("p", "me");
        project
            .documents
            .push(Document::new("d", "D", "Kyiv said yes."));
        let file = dir.path().join("work.ron");
        let mut ws = Workspace::new(project, Origin::File(file.clone()), None);
        ws.touch();
        let mut recovery = Recovery::every(Some(dir.path().join("state")), Duration::ZERO);
        assert!(recovery.restore().is_none());
        recovery.tick(&ws);
        while recovery.is_writing() {
            std::thread::sleep(Duration::from_millis(5));
        }
        let restored = recovery.restore().expect("a copy").expect("it loads");
        assert_eq!(restored.project, ws.project);
        assert_eq!(restored.origin, Origin::File(file));
        assert!(restored.is_dirty(), "a restored copy still has to be saved");
        recovery.clear();
        assert!(!recovery.exists());
    }

    #[test]
    fn a_clear_during_a_write_leaves_no_copy_behind() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut project = Project::new("p", "me");
        // Large enough that the write is still going when `clear` runs.
        let text = "Kyiv said yes. ".repeat(200_000);
        project.documents.push(Document::new("d", "D", text));
        let mut ws = Workspace::new(project, Origin::Unsaved, None);
        ws.touch();
        let mut recovery = Recovery::every(Some(dir.path().join("state")), Duration::ZERO);
        recovery.tick(&ws);
        assert!(recovery.is_writing());
        recovery.clear();
        while recovery.is_writing() {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(
            !recovery.exists(),
            "a stale copy would be offered after a clean exit"
        );
    }

    #[test]
    fn a_restored_copy_asks_before_saving_over_a_file_changed_since() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("work.ron");
        let mut project = Project::new("p", "me");
        project
            .documents
            .push(Document::new("d", "D", "Kyiv said yes."));
        store::save(&project, &file, None, SaveMode::Force).expect("saved");
        let mut ws = Workspace::open(&file).expect("opens");
        ws.touch();
        let mut recovery = Recovery::every(Some(dir.path().join("state")), Duration::ZERO);
        recovery.tick(&ws);
        while recovery.is_writing() {
            std::thread::sleep(Duration::from_millis(5));
        }

        // Unchanged on disk: the restored work saves over it.
        let restored = recovery.restore().expect("a copy").expect("it loads");
        let request = restored.save_request(SaveMode::Safe).expect("has its file");
        request.write().expect("the file is as it was");

        // Changed on disk since: the save is refused, to be asked about.
        std::fs::write(&file, store::to_ron(&Project::new("theirs", "bob"))).expect("write");
        let restored = recovery.restore().expect("a copy").expect("it loads");
        let request = restored.save_request(SaveMode::Safe).expect("has its file");
        assert!(matches!(
            request.write(),
            Err(store::SaveError::ChangedOnDisk { .. })
        ));
    }

    #[test]
    fn nothing_is_written_without_unsaved_changes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let ws = Workspace::new(Project::new("p", "me"), Origin::Unsaved, None);
        let mut recovery = Recovery::every(Some(dir.path().to_path_buf()), Duration::ZERO);
        recovery.tick(&ws);
        assert!(!recovery.is_writing() && !recovery.exists());
    }
}
