//! Saving never loses data: the previous content is kept as `.bak`, a file somebody else
//! changed is not overwritten unless the user insists, an unchanged project writes
//! nothing, and no temporary file is left behind.

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use marginalia::store::{self, SaveError, SaveMode};

use crate::common::{small_project, small_project_changed, temp_dir};

fn read(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn modified(path: &Path) -> SystemTime {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .expect("the file has a modification time")
}

/// Sets a file's modification time to a fixed day in 2001, so that any later write
/// shows as a new time whatever the file system's time resolution.
fn age(path: &Path) -> SystemTime {
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(old))
        .expect("set the file's time");
    old
}

/// Names in the folder, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("list the folder")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn first_save_creates_the_file_without_a_backup() {
    let dir = temp_dir();
    let path = dir.path().join("project.ron");
    store::save(&small_project(), &path, None, SaveMode::Safe).expect("save");
    assert_eq!(read(&path), store::to_ron(&small_project()).into_bytes());
    assert_eq!(listing(dir.path()), ["project.ron"]);
}

#[test]
fn backup_keeps_the_previous_content() {
    let dir = temp_dir();
    let path = dir.path().join("project.ron");
    let (a, b) = (small_project(), small_project_changed());
    let stamp = store::save(&a, &path, None, SaveMode::Safe).expect("save A");
    let stamp = store::save(&b, &path, Some(&stamp), SaveMode::Safe).expect("save B");
    assert_eq!(read(&path), store::to_ron(&b).into_bytes());
    assert_eq!(
        read(&store::backup_path(&path)),
        store::to_ron(&a).into_bytes()
    );
    store::save(&a, &path, Some(&stamp), SaveMode::Safe).expect("save A again");
    assert_eq!(read(&path), store::to_ron(&a).into_bytes());
    assert_eq!(
        read(&store::backup_path(&path)),
        store::to_ron(&b).into_bytes()
    );
    assert_eq!(
        store::backup_path(&path),
        dir.path().join("project.ron.bak")
    );
}

#[test]
fn no_temporary_file_is_left_behind() {
    let dir = temp_dir();
    let path = dir.path().join("project.ron");
    let mut stamp = None;
    for i in 0..6 {
        let project = if i % 2 == 0 {
            small_project()
        } else {
            small_project_changed()
        };
        stamp = Some(store::save(&project, &path, stamp.as_ref(), SaveMode::Safe).expect("save"));
        // An unchanged save in between.
        stamp = Some(store::save(&project, &path, stamp.as_ref(), SaveMode::Safe).expect("save"));
    }
    assert_eq!(listing(dir.path()), ["project.ron", "project.ron.bak"]);
}

#[test]
fn refuses_to_overwrite_a_file_changed_on_disk() {
    let dir = temp_dir();
    let path = dir.path().join("project.ron");
    store::save(&small_project(), &path, None, SaveMode::Safe).expect("save");
    let loaded = store::load(&path).expect("load");
    // Somebody else saves a different project over it (another size).
    let theirs = store::to_ron(&small_project_changed());
    fs::write(&path, &theirs).expect("external write");
    let mine = {
        let mut project = loaded.project.clone();
        project.name = "Mine".into();
        project
    };
    match store::save(&mine, &path, Some(&loaded.stamp), SaveMode::Safe) {
        Err(error @ SaveError::ChangedOnDisk { .. }) => {
            assert!(error.to_string().contains("project.ron"), "{error}");
        }
        other => panic!("expected ChangedOnDisk, got {other:?}"),
    }
    assert_eq!(
        read(&path),
        theirs.as_bytes(),
        "the refused save changed the file"
    );
    assert!(
        !store::backup_path(&path).exists(),
        "the refused save made a backup"
    );

    // The user insists: their file becomes the backup.
    store::save(&mine, &path, Some(&loaded.stamp), SaveMode::Force).expect("forced save");
    assert_eq!(read(&path), store::to_ron(&mine).into_bytes());
    assert_eq!(read(&store::backup_path(&path)), theirs.as_bytes());
}

#[test]
fn notices_a_change_of_the_same_size() {
    let dir = temp_dir();
    let path = dir.path().join("project.ron");
    store::save(&small_project(), &path, None, SaveMode::Safe).expect("save");
    let loaded = store::load(&path).expect("load");
    let mut bytes = read(&path);
    let at = bytes
        .windows(5)
        .position(|w| w == b"Small")
        .expect("the name is in the file");
    bytes[at] = b'T';
    fs::write(&path, &bytes).expect("external write");
    // Make sure the time differs even on a coarse file system.
    age(&path);
    let result = store::save(
        &small_project_changed(),
        &path,
        Some(&loaded.stamp),
        SaveMode::Safe,
    );
    assert!(
        matches!(result, Err(SaveError::ChangedOnDisk { .. })),
        "{result:?}"
    );
    assert_eq!(read(&path), bytes);
}

#[test]
fn a_touched_but_unchanged_file_still_saves() {
    let dir = temp_dir();
    let path = dir.path().join("project.ron");
    store::save(&small_project(), &path, None, SaveMode::Safe).expect("save");
    let loaded = store::load(&path).expect("load");
    age(&path);
    store::save(
        &small_project_changed(),
        &path,
        Some(&loaded.stamp),
        SaveMode::Safe,
    )
    .expect("a touched file with the same content is not a change");
    assert_eq!(
        read(&path),
        store::to_ron(&small_project_changed()).into_bytes()
    );
}

#[test]
fn a_save_with_no_change_writes_nothing() {
    let dir = temp_dir();
    let path = dir.path().join("project.ron");
    let backup = store::backup_path(&path);
    let stamp = store::save(&small_project_changed(), &path, None, SaveMode::Safe).expect("save");
    let stamp = store::save(&small_project(), &path, Some(&stamp), SaveMode::Safe).expect("save");
    let (file_bytes, backup_bytes) = (read(&path), read(&backup));
    let (file_time, backup_time) = (age(&path), age(&backup));
    let loaded = store::load(&path).expect("load");
    let again = store::save(&loaded.project, &path, Some(&stamp), SaveMode::Safe).expect("save");
    store::save(&loaded.project, &path, Some(&again), SaveMode::Safe).expect("save");
    store::save(&loaded.project, &path, None, SaveMode::Force).expect("save");
    assert_eq!(read(&path), file_bytes);
    assert_eq!(read(&backup), backup_bytes);
    assert_eq!(modified(&path), file_time, "the file was written");
    assert_eq!(modified(&backup), backup_time, "the backup was written");
    assert_eq!(listing(dir.path()), ["project.ron", "project.ron.bak"]);
}

#[test]
fn the_stamp_of_a_save_allows_the_next_safe_save() {
    let dir = temp_dir();
    let path = dir.path().join("project.ron");
    let mut stamp = store::save(&small_project(), &path, None, SaveMode::Safe).expect("save");
    for i in 0..4 {
        let project = if i % 2 == 0 {
            small_project_changed()
        } else {
            small_project()
        };
        stamp = store::save(&project, &path, Some(&stamp), SaveMode::Safe)
            .unwrap_or_else(|e| panic!("save {i}: {e}"));
        assert_eq!(stamp, store::load(&path).expect("load").stamp);
    }
}

#[test]
fn a_file_deleted_since_loading_is_saved_again() {
    let dir = temp_dir();
    let path = dir.path().join("project.ron");
    store::save(&small_project(), &path, None, SaveMode::Safe).expect("save");
    let loaded = store::load(&path).expect("load");
    fs::remove_file(&path).expect("delete");
    store::save(&loaded.project, &path, Some(&loaded.stamp), SaveMode::Safe).expect("save");
    assert_eq!(store::load(&path).expect("load").project, loaded.project);
}

#[test]
fn saving_into_a_missing_folder_fails_cleanly() {
    let dir = temp_dir();
    let path = dir.path().join("no such folder").join("project.ron");
    match store::save(&small_project(), &path, None, SaveMode::Safe) {
        Err(error @ SaveError::Io { .. }) => {
            assert!(error.to_string().contains("project.ron"), "{error}");
        }
        other => panic!("expected an IO error, got {other:?}"),
    }
    assert_eq!(listing(dir.path()), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn saving_keeps_the_permissions_of_the_file() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = temp_dir();
    let path = dir.path().join("project.ron");
    store::save(&small_project(), &path, None, SaveMode::Safe).expect("save");
    // A new project file is readable like any other new file, not private like a
    // temporary file: 0o666 less the umask, which never removes the owner's bits.
    let mode = fs::metadata(&path).expect("metadata").permissions().mode() & 0o777;
    let plain = dir.path().join("plain.txt");
    fs::write(&plain, "x").expect("write");
    let plain_mode = fs::metadata(&plain).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode, plain_mode, "a new project file has mode {mode:o}");
    // A shared project stays shared after a save.
    fs::set_permissions(&path, fs::Permissions::from_mode(0o664)).expect("chmod");
    store::save(&small_project_changed(), &path, None, SaveMode::Safe).expect("save");
    let mode = fs::metadata(&path).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode, 0o664, "the save changed the mode to {mode:o}");
}

/// A FIFO (or `/dev/stdout`, a terminal) is written into: a temporary file beside it
/// and a rename over it would replace the FIFO (or, for root, a device) with a file.
#[cfg(unix)]
#[test]
fn a_stream_is_written_into_not_replaced() {
    use std::os::unix::fs::FileTypeExt as _;
    use std::process::{Command, Stdio};

    let dir = temp_dir();
    let fifo = dir.path().join("pipe.ron");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let mut reader = Command::new("cat")
        .arg(&fifo)
        .stdout(Stdio::piped())
        .spawn()
        .expect("cat");
    let project = small_project();
    let saved = store::save(&project, &fifo, None, SaveMode::Safe);
    let kind = fs::symlink_metadata(&fifo).expect("there").file_type();
    if saved.is_err() || !kind.is_fifo() {
        // Nobody wrote into the FIFO: its reader would wait forever.
        let _ = reader.kill();
        panic!("not written into the FIFO: {saved:?}, now a {kind:?}");
    }
    let read = reader.wait_with_output().expect("cat ends");
    assert_eq!(read.stdout, store::to_ron(&project).into_bytes());
    let names: Vec<_> = fs::read_dir(dir.path())
        .expect("listed")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names.len(), 1, "no backup, no temporary file: {names:?}");
}
