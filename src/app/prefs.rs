//! Preferences kept between runs (eframe's storage): theme, text size, fonts, recent
//! projects.
//! Window size and position are kept by eframe itself.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Light, dark or whatever the system uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThemeChoice {
    /// Follow the system.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

/// How many recent projects the File menu lists.
const RECENT_MAX: usize = 8;

/// The preferences.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// Theme.
    pub theme: ThemeChoice,
    /// Article text size in points.
    pub font_size: f32,
    /// Recently opened or saved projects, newest first.
    pub recent: Vec<PathBuf>,
    /// Links (quote → speaker) drawn over the article.
    pub show_links: bool,
    /// A small label tag at the start of every span.
    pub show_tags: bool,
    /// The family the article is drawn in (an installed font), if not the default.
    pub article_font: Option<String>,
    /// The installed font family to try first for characters the article font lacks.
    pub fallback_font: Option<String>,
}

impl Default for Prefs {
    fn default() -> Self {
        Self {
            theme: ThemeChoice::System,
            font_size: 17.0,
            recent: Vec::new(),
            show_links: true,
            show_tags: true,
            article_font: None,
            fallback_font: None,
        }
    }
}

impl Prefs {
    /// Applies the theme to the context.
    pub fn apply_theme(&self, ctx: &egui::Context) {
        ctx.set_theme(match self.theme {
            ThemeChoice::System => egui::ThemePreference::System,
            ThemeChoice::Light => egui::ThemePreference::Light,
            ThemeChoice::Dark => egui::ThemePreference::Dark,
        });
    }

    /// Puts `path` first in the recent projects.
    pub fn remember(&mut self, path: &Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(RECENT_MAX);
    }

    /// The last project opened, if it still exists.
    pub fn last_project(&self) -> Option<&Path> {
        self.recent
            .first()
            .map(PathBuf::as_path)
            .filter(|p| p.exists())
    }
}
