//! The `marginalia` binary: parses arguments, then runs a headless command or opens the
//! window. Exit codes: 0 success, 1 a check failed (invalid project), 2 usage or IO error.

use std::process::ExitCode;

use clap::Parser as _;
use marginalia::cli::{self, Cli, Run};

fn main() -> ExitCode {
    match cli::run(Cli::parse()) {
        Run::Done(code) => code,
        Run::Window(file) => open_window(file),
        Run::Review(files) => open_review(files),
    }
}

#[cfg(feature = "gui")]
fn open_review(files: Vec<std::path::PathBuf>) -> ExitCode {
    exit_code(marginalia::app::run_review(files))
}

#[cfg(feature = "gui")]
fn open_window(file: Option<std::path::PathBuf>) -> ExitCode {
    exit_code(marginalia::app::run(file))
}

#[cfg(feature = "gui")]
fn exit_code(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            cli::report_error(&error);
            ExitCode::from(cli::EXIT_ERROR)
        }
    }
}

#[cfg(not(feature = "gui"))]
fn open_review(_files: Vec<std::path::PathBuf>) -> ExitCode {
    open_window(None)
}

#[cfg(not(feature = "gui"))]
fn open_window(_file: Option<std::path::PathBuf>) -> ExitCode {
    use clap::CommandFactory as _;
    eprintln!("this build of marginalia has no window (built without the `gui` feature)\n");
    let _ = Cli::command().print_help();
    ExitCode::from(cli::EXIT_ERROR)
}
