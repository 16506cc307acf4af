//! What a path a user gives really names, so that writing to it never destroys
//! something else: the file it reaches through symlinks, whether two spellings name the
//! same file (hard links included), and whether it is a stream (a FIFO, a terminal,
//! `/dev/stdout`) that must be written to rather than replaced.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// How many symlinks in a row are followed before giving up, as the kernel does.
const MAX_LINKS: usize = 40;

/// The path a write to `path` must go to: `path` itself, or, when it is a symlink (to a
/// synced folder, say), the file the chain of links ends at, which need not exist yet.
/// Replacing the link instead would leave the real file stale.
pub fn write_target(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&current) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let target = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            Ok(_) => return Ok(current),
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(current),
            Err(error) => return Err(error),
        }
    }
    Err(io::Error::other(format!(
        "{}: too many levels of symbolic links",
        path.display()
    )))
}

/// Whether `a` and `b` name the same existing file, however they are spelled: relative
/// or absolute, through `..`, through symlinks, or as two hard links. A path that does
/// not exist is the same as no other.
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let (Ok(a), Ok(b)) = (fs::metadata(a), fs::metadata(b)) else {
            return false;
        };
        a.dev() == b.dev() && a.ino() == b.ino()
    }
    #[cfg(not(unix))]
    {
        // Without inode numbers, compare where the paths lead.
        matches!((fs::canonicalize(a), fs::canonicalize(b)), (Ok(a), Ok(b)) if a == b)
    }
}

/// Whether `path` is a stream to write to in place rather than a file to replace: a
/// FIFO, a character device (a terminal, `/dev/null`) or a socket, as `/dev/stdout`
/// usually is.
pub fn is_stream(path: &Path) -> bool {
    let Ok(metadata) = fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        let kind = metadata.file_type();
        kind.is_fifo() || kind.is_char_device() || kind.is_socket()
    }
    #[cfg(not(unix))]
    {
        !metadata.is_file() && !metadata.is_dir()
    }
}

/// The first of `inputs` that `output` would write over, if any.
pub fn overwritten_input<'a>(output: &Path, inputs: &[&'a Path]) -> Option<&'a Path> {
    inputs
        .iter()
        .copied()
        .find(|input| same_file(output, input))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn links_and_spellings_name_the_same_file() {
        let dir = tempfile::tempdir().expect("a folder");
        let file = dir.path().join("talks.ron");
        fs::write(&file, "x").expect("writes");
        let sub = dir.path().join("sub");
        fs::create_dir(&sub).expect("a subfolder");
        let link = sub.join("link.ron");
        std::os::unix::fs::symlink("../talks.ron", &link).expect("a symlink");
        let hard = dir.path().join("hard.ron");
        fs::hard_link(&file, &hard).expect("a hard link");
        let dotted = sub.join("..").join("talks.ron");
        for other in [&file, &link, &hard, &dotted] {
            assert!(same_file(&file, other), "{}", other.display());
        }
        assert!(!same_file(&file, &dir.path().join("missing.ron")));
        assert_eq!(
            write_target(&link).expect("follows"),
            sub.join("../talks.ron")
        );
        assert_eq!(write_target(&file).expect("itself"), file);
        let dangling = dir.path().join("dangling.ron");
        std::os::unix::fs::symlink("new.ron", &dangling).expect("a symlink");
        assert_eq!(
            write_target(&dangling).expect("follows"),
            dir.path().join("new.ron")
        );
        let looped = dir.path().join("loop");
        std::os::unix::fs::symlink("loop", &looped).expect("a symlink");
        assert!(write_target(&looped).is_err());
        assert!(!is_stream(&file));
        assert!(is_stream(Path::new("/dev/null")));
    }
}
