//! The window: the only module where egui, eframe and rfd appear.

/// Opens the window on `file`, or on the bundled sample project.
pub fn run(_file: Option<std::path::PathBuf>) -> anyhow::Result<()> {
    anyhow::bail!("the window is not built yet; use the commands listed by `marginalia --help`")
}
