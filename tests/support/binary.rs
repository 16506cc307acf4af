//! Running the real `marginalia` binary, for the test crates that drive the command
//! line (`store`, `formats`, `agreement`): one way to run it and read what it printed;
//! and where the checkout's own files (fixtures, the sample) are.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `marginalia ARGS` in `dir`.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run the marginalia binary")
}

/// Bytes the binary printed, as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// What it printed on stdout.
pub fn stdout(output: &Output) -> String {
    text(&output.stdout)
}

/// What it printed on stderr.
pub fn stderr(output: &Output) -> String {
    text(&output.stderr)
}

/// Asserts the exit code, showing both streams when it is wrong.
pub fn assert_code(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
}

/// The checkout the tests run in, to find its fixtures and scripts: `CARGO_MANIFEST_DIR`
/// as cargo sets it when it runs the test, not as it was when the binary was built. A
/// target dir shared between checkouts (CI keeps one) reuses a binary built in another
/// checkout, whose baked-in path may be gone.
pub fn checkout() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}
