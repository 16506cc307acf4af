//! Modal dialogs: unsaved changes, errors, a file changed on disk, recovery, pasting an
//! article, project settings, the shortcut overlay and About.

use std::path::PathBuf;

use egui::{Context, Id, Modal, RichText};

use super::MarginaliaApp;
use super::commands::{Command, Menu};
use super::workspace::Workspace;
use crate::model::{Label, Rgb, Schema, SchemaChange};

/// What to do once unsaved changes are dealt with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Then {
    /// Create a new project.
    New,
    /// Pick a project to open.
    Open,
    /// Open this project.
    OpenPath(PathBuf),
    /// Close the window.
    Close,
    /// Switch to the project that finished opening in the background.
    UseOpened,
    /// Switch to the gold project just made from a review.
    UseGold,
}

/// Project settings being edited: applied as one change, or dropped.
#[derive(Clone, Debug, PartialEq)]
pub struct SettingsDraft {
    /// Project name.
    pub name: String,
    /// Annotator.
    pub annotator: String,
    /// The schema as edited.
    pub schema: Schema,
    /// For each label of the draft, the key it had (`None` for a new label).
    pub original_keys: Vec<Option<String>>,
    /// For each link type of the draft, the key it had (`None` for a new one).
    pub original_link_keys: Vec<Option<String>>,
    /// A label removal waiting for confirmation: index into the draft's labels.
    pub confirm_remove: Option<usize>,
    /// Why the draft cannot be applied yet.
    pub problems: Vec<String>,
    /// Spans per label key in the project when the dialog opened.
    pub usage: std::collections::BTreeMap<String, usize>,
}

/// The fonts preferences being edited.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FontsDraft {
    /// The article font's family name; empty for the default.
    pub article: String,
    /// The fallback font's family name, tried first for characters the article font
    /// lacks; empty for none.
    pub fallback: String,
    /// The fallbacks found for the documents so far (shown, not edited).
    pub found: Vec<String>,
}

/// A modal dialog.
#[derive(Clone, Debug, PartialEq)]
pub enum Dialog {
    /// Save / Discard / Cancel before doing something else.
    Unsaved(Then),
    /// Something went wrong; the text says what and where.
    Error(String),
    /// Saving would overwrite a file that changed on disk.
    ChangedOnDisk(PathBuf),
    /// A recovery copy from a crashed run is waiting.
    Recover,
    /// The clipboard's text, to add as a new document once it has a title.
    Paste(super::PasteDraft),
    /// Project settings.
    Settings(Box<SettingsDraft>),
    /// The article font and the fallback font.
    Fonts(FontsDraft),
    /// The keyboard shortcuts.
    Shortcuts,
    /// About Marginalia.
    About,
    /// Choose what to export.
    Export(super::ExportDraft),
    /// Choose how to import a dataset.
    ImportDataset(super::ImportDraft),
    /// A titled message (an export's report).
    Message(String, String),
}

impl Dialog {
    /// A settings dialog on the workspace's current settings.
    pub fn settings(ws: &Workspace) -> Self {
        let schema = ws.project.schema.clone();
        Dialog::Settings(Box::new(SettingsDraft {
            name: ws.project.name.clone(),
            annotator: ws.project.annotator.clone(),
            original_keys: schema.labels.iter().map(|l| Some(l.key.clone())).collect(),
            original_link_keys: schema
                .link_types
                .iter()
                .map(|t| Some(t.key.clone()))
                .collect(),
            schema,
            confirm_remove: None,
            problems: Vec::new(),
            usage: ws
                .project
                .schema
                .labels
                .iter()
                .map(|l| (l.key.clone(), ws.project.count_label(&l.key)))
                .collect(),
        }))
    }
}

/// What the user answered in a dialog or picked in a menu that names a file. Widgets
/// only report it; the app acts on it after the frame ([`MarginaliaApp::answer`]), the
/// one place where file dialogs, loading and saving happen.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// Save, then do what was waiting.
    SaveThen(Then),
    /// Discard the unsaved changes and do what was waiting.
    Proceed(Then),
    /// Save over the file that changed on disk.
    Overwrite,
    /// Open the recovery copy.
    RestoreRecovery,
    /// Delete the recovery copy.
    DiscardRecovery,
    /// Add a pasted article.
    AddArticle(crate::formats::Article),
    /// Use these fonts (and keep them in the preferences).
    ApplyFonts(FontsDraft),
    /// Pick files and import them as a dataset.
    ImportDataset(super::ImportDraft),
    /// Pick where to and export.
    Export(super::ExportDraft),
    /// Apply the settings.
    ApplySettings(Box<SettingsDraft>),
    /// Open this project (after asking about unsaved changes).
    Open(PathBuf),
}

/// Shows the open dialog, if any, and returns the user's answer when there is one.
pub fn show(app: &mut MarginaliaApp, ctx: &Context) -> Option<Answer> {
    let mut dialog = app.dialog.take()?;
    let mut keep = true;
    let mut answer = None;
    let modal = Modal::new(Id::unique("marginalia-dialog")).show(ctx, |ui| {
        ui.set_max_width(560.0);
        match &mut dialog {
            Dialog::Unsaved(then) => {
                ui.heading("Unsaved changes");
                ui.label(format!("“{}” has changes that are not saved.", app.ws.project.name));
                if matches!(then, Then::UseOpened) {
                    ui.label("They were made while another project was opening; it is ready to switch to.");
                }
                ui.horizontal(|ui| {
                    if ui.button("Save").clicked() {
                        answer = Some(Answer::SaveThen(then.clone()));
                    }
                    if ui.button("Discard").clicked() {
                        answer = Some(Answer::Proceed(then.clone()));
                    }
                    if ui.button("Cancel").clicked() {
                        keep = false;
                    }
                });
            }
            Dialog::Error(message) => {
                ui.heading("Something went wrong");
                egui::ScrollArea::vertical().max_height(300.0).show(ui, |ui| {
                    ui.label(RichText::new(message.as_str()).monospace());
                });
                ui.label("Nothing in the window was lost.");
                if ui.button("OK").clicked() {
                    keep = false;
                }
            }
            Dialog::ChangedOnDisk(path) => {
                ui.heading("The file changed on disk");
                ui.label(format!(
                    "{} was changed by another program since it was opened. Overwrite it with \
                     the project as it is here? (The file's current content is kept as a .bak.)",
                    path.display()
                ));
                ui.horizontal(|ui| {
                    if ui.button("Overwrite").clicked() {
                        answer = Some(Answer::Overwrite);
                    }
                    if ui.button("Cancel").clicked() {
                        keep = false;
                    }
                });
            }
            Dialog::Recover => {
                ui.heading("Recover unsaved work?");
                ui.label("Marginalia did not close cleanly last time. A recovery copy of the unsaved work is available.");
                ui.horizontal(|ui| {
                    if ui.button("Restore").clicked() {
                        answer = Some(Answer::RestoreRecovery);
                    }
                    if ui.button("Discard it").clicked() {
                        answer = Some(Answer::DiscardRecovery);
                    }
                });
            }
            Dialog::Message(title, text) => {
                ui.heading(title);
                ui.label(RichText::new(text.as_str()).monospace());
                if ui.button("OK").clicked() {
                    keep = false;
                }
            }
            Dialog::Shortcuts => {
                ui.heading("Keyboard shortcuts");
                egui::ScrollArea::vertical().max_height(420.0).show(ui, |ui| {
                    egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                        for label in &app.ws.project.schema.labels {
                            if let Some(hotkey) = label.hotkey {
                                ui.label(format!("Label as {}", label.name));
                                ui.label(hotkey.to_string());
                                ui.end_row();
                            }
                        }
                        for (key, shortcut) in super::commands::link_type_keys(&app.ws.project.schema) {
                            if let Some(link_type) = app.ws.project.schema.link_type(&key) {
                                ui.label(format!("Link as “{}”", link_type.name));
                                ui.label(shortcut.name());
                                ui.end_row();
                            }
                        }
                        for menu in Menu::ALL {
                            for command in Command::ALL.iter().filter(|c| c.menu() == menu) {
                                let keys: Vec<String> = command.shortcuts().iter().map(|s| ctx.format_shortcut(s)).collect();
                                if !keys.is_empty() {
                                    ui.label(command.name());
                                    ui.label(keys.join("  or  "));
                                    ui.end_row();
                                }
                            }
                        }
                        ui.label("Select words");
                        ui.label("Drag (Alt: exact characters); double-click a word; Shift+click extends");
                        ui.end_row();
                    });
                });
                if ui.button("Close").clicked() {
                    keep = false;
                }
            }
            Dialog::About => {
                ui.heading("Marginalia");
                ui.label(format!("Version {}", env!("CARGO_PKG_VERSION")));
                ui.label("Hand-annotate news articles: claims, quotes, locations and actors.");
                if ui.button("OK").clicked() {
                    keep = false;
                }
            }
            Dialog::Paste(draft) => {
                ui.heading("Add the pasted article");
                let paragraphs = draft.text.lines().filter(|l| !l.trim().is_empty()).count();
                ui.label(format!(
                    "{} characters in {paragraphs} paragraph(s), from the clipboard.",
                    draft.text.chars().count()
                ));
                let title_label = ui.label("Title");
                let title = ui.add(egui::TextEdit::singleline(&mut draft.title).desired_width(520.0))
                    .labelled_by(title_label.id);
                if !draft.focused {
                    title.request_focus();
                    draft.focused = true;
                }
                egui::ScrollArea::vertical()
                    .max_height(200.0)
                    .show(ui, |ui| {
                        ui.label(RichText::new(super::article_view::shorten(&draft.text, 1200)).weak());
                    });
                let enter = title.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.horizontal(|ui| {
                    let title = draft.title.trim();
                    if ui
                        .add_enabled(!title.is_empty(), egui::Button::new("Add article"))
                        .clicked()
                        || (enter && !title.is_empty())
                    {
                        answer = Some(Answer::AddArticle(crate::formats::Article {
                            title: title.to_owned(),
                            text: draft.text.clone(),
                        }));
                        keep = false;
                    }
                    if ui.button("Cancel").clicked() {
                        keep = false;
                    }
                });
            }
            Dialog::Fonts(draft) => {
                ui.heading("Fonts");
                ui.label("Family names of fonts installed on this computer, e.g. Noto Serif. Empty: the default.");
                egui::Grid::new("fonts-grid").num_columns(2).show(ui, |ui| {
                    let label = ui.label("Article font");
                    ui.add(egui::TextEdit::singleline(&mut draft.article).hint_text("default (Ubuntu Light)"))
                        .labelled_by(label.id);
                    ui.end_row();
                    let label = ui.label("Fallback font");
                    ui.add(egui::TextEdit::singleline(&mut draft.fallback).hint_text("none: found as needed"))
                        .labelled_by(label.id);
                    ui.end_row();
                });
                if !draft.found.is_empty() {
                    ui.label(format!("Found for this project's scripts: {}.", draft.found.join(", ")));
                }
                ui.horizontal(|ui| {
                    if ui.button("Apply").clicked() {
                        answer = Some(Answer::ApplyFonts(draft.clone()));
                        keep = false;
                    }
                    if ui.button("Cancel").clicked() {
                        keep = false;
                    }
                });
            }
            Dialog::ImportDataset(draft) => {
                ui.heading("Import annotated dataset");
                egui::Grid::new("import-grid").show(ui, |ui| {
                    egui::ComboBox::new("import-format", "Format")
                        .selected_text(draft.format.title())
                        .show_ui(ui, |ui| {
                            for format in crate::formats::Format::IMPORT {
                                ui.selectable_value(&mut draft.format, format, format.title());
                            }
                        });
                    ui.end_row();
                    ui.label("Unknown labels");
                    ui.checkbox(&mut draft.add_labels, "add them to the schema");
                    ui.end_row();
                    let map_label = ui.label("Map labels");
                    ui.add(egui::TextEdit::singleline(&mut draft.map).hint_text("person=actor, place=location"))
                        .labelled_by(map_label.id);
                    ui.end_row();
                });
                let mappings = draft.mappings();
                if let Err(bad) = &mappings {
                    ui.colored_label(ui.visuals().error_fg_color, format!("“{bad}” is not old=new"));
                }
                ui.label("Everything is checked first: on any problem nothing is imported.");
                ui.horizontal(|ui| {
                    if ui.add_enabled(mappings.is_ok(), egui::Button::new("Choose files…")).clicked() {
                        answer = Some(Answer::ImportDataset(draft.clone()));
                    }
                    if ui.button("Cancel").clicked() {
                        keep = false;
                    }
                });
            }
            Dialog::Export(draft) => {
                ui.heading("Export dataset");
                egui::Grid::new("export-grid").show(ui, |ui| {
                    egui::ComboBox::new("export-format", "Format")
                        .selected_text(draft.format.as_str())
                        .show_ui(ui, |ui| {
                            for format in crate::formats::Format::EXPORT {
                                ui.selectable_value(&mut draft.format, format, format.as_str());
                            }
                        });
                    ui.end_row();
                    egui::ComboBox::new("export-offsets", "Offsets")
                        .selected_text(draft.offsets.as_str())
                        .show_ui(ui, |ui| {
                            for unit in crate::formats::OffsetUnit::ALL {
                                ui.selectable_value(&mut draft.offsets, unit, unit.as_str());
                            }
                        });
                    ui.end_row();
                    egui::ComboBox::new("export-status", "Documents")
                        .selected_text(draft.status.map_or("all", crate::model::Status::as_str))
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut draft.status, None, "all");
                            for status in crate::model::Status::ALL {
                                ui.selectable_value(
                                    &mut draft.status,
                                    Some(status),
                                    status.as_str(),
                                );
                            }
                        });
                    ui.end_row();
                    if draft.format == crate::formats::Format::Conll {
                        ui.label("Overlaps keep");
                        ui.horizontal(|ui| {
                            ui.radio_value(
                                &mut draft.layer,
                                crate::formats::Layer::Outer,
                                "outer spans",
                            );
                            ui.radio_value(
                                &mut draft.layer,
                                crate::formats::Layer::Inner,
                                "inner spans",
                            );
                        });
                        ui.end_row();
                    }
                });
                ui.horizontal(|ui| {
                    if ui.button("Export…").clicked() {
                        answer = Some(Answer::Export(draft.clone()));
                    }
                    if ui.button("Cancel").clicked() {
                        keep = false;
                    }
                });
            }
            Dialog::Settings(draft) => {
                match settings_ui(ui, draft) {
                    Some(true) => answer = Some(Answer::ApplySettings(draft.clone())),
                    Some(false) => keep = false,
                    None => {}
                }
            }
        }
    });
    // Only messages close by a click outside; a question must be answered.
    if modal.should_close()
        && matches!(
            dialog,
            Dialog::Error(_) | Dialog::Shortcuts | Dialog::About | Dialog::Message(..)
        )
    {
        keep = false;
    }
    if keep && answer.is_none() && app.dialog.is_none() {
        app.dialog = Some(dialog);
    }
    answer
}

/// Link types: name, key, the labels they go from and to, order; add and remove.
fn link_types_ui(ui: &mut egui::Ui, draft: &mut SettingsDraft) {
    let label_keys: Vec<(String, String)> = draft
        .schema
        .labels
        .iter()
        .map(|l| (l.key.clone(), l.name.clone()))
        .collect();
    let count = draft.schema.link_types.len();
    let mut swap = None;
    let mut remove = None;
    for (i, link_type) in draft.schema.link_types.iter_mut().enumerate() {
        ui.push_id(("link-type", i), |ui| {
            ui.horizontal(|ui| {
                ui.add(
                    egui::TextEdit::singleline(&mut link_type.name)
                        .desired_width(100.0)
                        .hint_text("name"),
                );
                ui.add(
                    egui::TextEdit::singleline(&mut link_type.key)
                        .desired_width(80.0)
                        .hint_text("key"),
                );
                for (side, keys) in [("from", &mut link_type.from), ("to", &mut link_type.to)] {
                    ui.menu_button(format!("{side}: {}", keys.join(", ")), |ui| {
                        for (key, name) in &label_keys {
                            let mut on = keys.contains(key);
                            if ui.checkbox(&mut on, name).changed() {
                                if on {
                                    keys.push(key.clone());
                                } else {
                                    keys.retain(|k| k != key);
                                }
                            }
                        }
                    });
                }
                if ui.add_enabled(i > 0, egui::Button::new("Up")).clicked() {
                    swap = Some((i - 1, i));
                }
                if ui
                    .add_enabled(i + 1 < count, egui::Button::new("Down"))
                    .clicked()
                {
                    swap = Some((i, i + 1));
                }
                if ui
                    .button("Remove")
                    .on_hover_text("Its links are deleted when you apply")
                    .clicked()
                {
                    remove = Some(i);
                }
            });
        });
    }
    if let Some((a, b)) = swap {
        draft.schema.link_types.swap(a, b);
        draft.original_link_keys.swap(a, b);
    }
    if let Some(i) = remove {
        draft.schema.link_types.remove(i);
        draft.original_link_keys.remove(i);
    }
    if ui.button("Add link type").clicked() {
        let n = draft.schema.link_types.len() + 1;
        draft.schema.link_types.push(crate::model::LinkType {
            key: format!("link_{n}"),
            name: format!("Link {n}"),
            from: Vec::new(),
            to: Vec::new(),
        });
        draft.original_link_keys.push(None);
    }
}

/// The settings form. `Some(true)` when the user applies it, `Some(false)` on Cancel.
fn settings_ui(ui: &mut egui::Ui, draft: &mut SettingsDraft) -> Option<bool> {
    let mut close = None;
    ui.heading("Project settings");
    for (label, value) in [
        ("Project name", &mut draft.name),
        ("Annotator", &mut draft.annotator),
    ] {
        ui.horizontal(|ui| {
            let label = ui.add_sized([90.0, 20.0], egui::Label::new(label));
            ui.add(egui::TextEdit::singleline(value).desired_width(300.0))
                .labelled_by(label.id);
        });
    }
    ui.separator();
    ui.strong("Labels");
    let mut swap: Option<(usize, usize)> = None;
    let mut remove: Option<usize> = None;
    egui::ScrollArea::vertical()
        .max_height(380.0)
        .show(ui, |ui| {
            let count = draft.schema.labels.len();
            for (i, label) in draft.schema.labels.iter_mut().enumerate() {
                ui.push_id(i, |ui| {
                    ui.horizontal(|ui| {
                        let mut rgb = label.color.0;
                        if ui.color_edit_button_srgb(&mut rgb).changed() {
                            label.color = Rgb(rgb);
                        }
                        ui.add(
                            egui::TextEdit::singleline(&mut label.name)
                                .desired_width(110.0)
                                .hint_text("name"),
                        );
                        ui.add(
                            egui::TextEdit::singleline(&mut label.key)
                                .desired_width(90.0)
                                .hint_text("key"),
                        );
                        let mut hotkey = label.hotkey.unwrap_or(0);
                        egui::ComboBox::new("hotkey", "key")
                            .width(48.0)
                            .selected_text(if hotkey == 0 {
                                "–".to_owned()
                            } else {
                                hotkey.to_string()
                            })
                            .show_ui(ui, |ui| {
                                ui.selectable_value(&mut hotkey, 0, "–");
                                for k in 1..=9 {
                                    ui.selectable_value(&mut hotkey, k, k.to_string());
                                }
                            });
                        label.hotkey = (hotkey != 0).then_some(hotkey);
                        if ui
                            .add_enabled(i > 0, egui::Button::new("Up"))
                            .on_hover_text("Move up")
                            .clicked()
                        {
                            swap = Some((i - 1, i));
                        }
                        if ui
                            .add_enabled(i + 1 < count, egui::Button::new("Down"))
                            .on_hover_text("Move down")
                            .clicked()
                        {
                            swap = Some((i, i + 1));
                        }
                        if ui.button("Remove").clicked() {
                            remove = Some(i);
                        }
                    });
                    ui.add(
                        egui::TextEdit::multiline(&mut label.description)
                            .desired_rows(2)
                            .desired_width(520.0)
                            .hint_text("Guideline shown to annotators"),
                    );
                });
            }
        });
    if let Some((a, b)) = swap {
        draft.schema.labels.swap(a, b);
        draft.original_keys.swap(a, b);
    }
    if let Some(i) = remove {
        draft.confirm_remove = Some(i);
    }
    if ui.button("Add label").clicked() {
        let n = draft.schema.labels.len() + 1;
        draft.schema.labels.push(Label {
            key: format!("label_{n}"),
            name: format!("Label {n}"),
            color: Rgb([0x99, 0x99, 0x99]),
            hotkey: (1..=9).find(|k| draft.schema.label_for_hotkey(*k).is_none()),
            description: String::new(),
        });
        draft.original_keys.push(None);
    }
    ui.separator();
    ui.strong("Link types");
    link_types_ui(ui, draft);
    if let Some(i) = draft.confirm_remove {
        ui.separator();
        let name = draft
            .schema
            .labels
            .get(i)
            .map_or("", |l| l.name.as_str())
            .to_owned();
        let count = draft
            .original_keys
            .get(i)
            .and_then(|k| draft.usage.get(k.as_ref()?))
            .copied()
            .unwrap_or(0);
        ui.label(
            RichText::new(format!("Remove the label “{name}”? This deletes its {count} span(s) in the project when you apply (Ctrl+Z brings them back)."))
                .strong(),
        );
        ui.horizontal(|ui| {
            if ui.button("Remove it").clicked() {
                draft.schema.labels.remove(i);
                draft.original_keys.remove(i);
                draft.confirm_remove = None;
            }
            if ui.button("Keep it").clicked() {
                draft.confirm_remove = None;
            }
        });
    }
    draft.problems = draft.validate();
    for problem in &draft.problems {
        ui.colored_label(ui.visuals().error_fg_color, problem);
    }
    ui.separator();
    ui.horizontal(|ui| {
        if ui
            .add_enabled(
                draft.problems.is_empty() && draft.confirm_remove.is_none(),
                egui::Button::new("Apply"),
            )
            .clicked()
        {
            close = Some(true);
        }
        if ui.button("Cancel").clicked() {
            close = Some(false);
        }
    });
    close
}

impl SettingsDraft {
    /// What applying the draft does to the schema: the new schema (link types following
    /// renamed labels and forgetting removed ones) and the keys renamed.
    pub fn change(&self) -> SchemaChange {
        let renames = |originals: &[Option<String>], keys: Vec<&String>| -> Vec<(String, String)> {
            originals
                .iter()
                .zip(keys)
                .filter_map(|(old, new)| Some((old.clone()?, new.clone())))
                .filter(|(old, new)| old != new)
                .collect()
        };
        let label_renames = renames(
            &self.original_keys,
            self.schema.labels.iter().map(|l| &l.key).collect(),
        );
        let link_type_renames = renames(
            &self.original_link_keys,
            self.schema.link_types.iter().map(|t| &t.key).collect(),
        );
        let mut schema = self.schema.clone();
        let labels = Schema {
            labels: schema.labels.clone(),
            link_types: Vec::new(),
        };
        for link_type in &mut schema.link_types {
            for keys in [&mut link_type.from, &mut link_type.to] {
                for key in keys.iter_mut() {
                    if let Some((_, new)) = label_renames.iter().find(|(old, _)| old == key) {
                        *key = new.clone();
                    }
                }
                let mut seen = std::collections::HashSet::new();
                keys.retain(|k| labels.label(k).is_some() && seen.insert(k.clone()));
            }
        }
        SchemaChange {
            schema,
            label_renames,
            link_type_renames,
        }
    }

    /// Problems that stop the draft from being applied.
    fn validate(&self) -> Vec<String> {
        let mut problems = self.change().schema.problems();
        if self.name.trim().is_empty() {
            problems.push("the project needs a name".into());
        }
        problems
    }
}
