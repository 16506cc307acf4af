//! The consistency panel (Review → Consistency check…, Ctrl+Shift+K): the texts that
//! carry different labels in different places ("Kremlin" an actor here, a location
//! there), each label with its places. A click on a place shows its document, selects
//! the span and scrolls to it; "Make all Actor" gives every span of the text that label
//! in every document, as one undo step.
//!
//! The list is [`crate::suggest::inconsistencies`], computed once per change of the
//! workspace (its generation), never per frame; what to change is planned by
//! [`crate::suggest::fix_inconsistency`]. Long lists of places scroll inside their label
//! and only the rows on screen are laid out.

use std::sync::Arc;

use egui::text::LayoutJob;
use egui::{FontId, RichText, TextFormat, Ui};

use super::MarginaliaApp;
use super::article_view::{label_color, shorten};
use super::commands::Command;
use super::contrast::legible_on;
use super::workspace::ProjectChange;
use crate::model::{Document, Schema, SpanId};
use crate::suggest::{Inconsistency, LabelUse, Place};

/// Labels with more places than this start collapsed, and their places scroll.
const LONG: usize = 8;

/// Code points of context shown before a place and after it: little before, so that
/// the text itself is never cut off in a narrow panel.
const BEFORE: usize = 14;
const AFTER: usize = 30;

/// The panel's state: whether it is open, and the list for the workspace's generation.
#[derive(Default)]
pub struct ConsistencyPanel {
    /// Whether the panel is shown.
    pub open: bool,
    /// The inconsistencies of ([`Workspace::id`], [`Workspace::generation`]).
    ///
    /// [`Workspace::id`]: super::Workspace::id
    /// [`Workspace::generation`]: super::Workspace::generation
    cache: Option<((u64, u64), Inconsistencies)>,
}

/// The list, shared between the cache and the frame drawing it.
type Inconsistencies = Arc<Vec<Inconsistency>>;

/// What every row of the panel reads.
struct Project<'a> {
    schema: &'a Schema,
    documents: &'a [Document],
    /// The current document and its selected span.
    selected: (usize, Option<SpanId>),
}

/// What a click in the panel asks for, carried out after it is drawn.
enum Action {
    Go(Place),
    Fix { text: String, label: String },
    Close,
}

impl MarginaliaApp {
    /// The project's inconsistencies, computed again only after a change.
    pub fn inconsistencies(&mut self) -> Inconsistencies {
        let key = (self.ws.id(), self.ws.generation());
        if let Some((cached, list)) = &self.consistency.cache
            && *cached == key
        {
            return list.clone();
        }
        let list = Arc::new(crate::suggest::inconsistencies(&self.ws.project));
        self.consistency.cache = Some((key, list.clone()));
        list
    }

    /// Shows a place: its document, the span selected and scrolled to.
    pub fn go_to_place(&mut self, place: &Place) {
        self.ws.show_document(place.document);
        let here = self.ws.current == place.document
            && self
                .ws
                .document()
                .and_then(|d| d.span(place.span))
                .is_some();
        if !here {
            self.status_message = Some("That span is gone.".into());
            return;
        }
        self.link_mode = None;
        self.note_draft = None;
        self.ws.focused_candidate = None;
        self.ws.selection = None;
        self.ws.selected_span = Some(place.span);
        self.scroll_to_selected_span();
    }

    /// Gives every span whose text is `text` the label `label`, in every document, as
    /// one undo step: an edit of the current document's history when only it changes,
    /// else a project-wide change. The status line says what was done.
    pub fn fix_consistency(&mut self, text: &str, label: &str) {
        if !self.edits_allowed() {
            return;
        }
        let fix = match crate::suggest::fix_inconsistency(&self.ws.project, text, label) {
            Ok(fix) => fix,
            Err(error) => {
                self.status_message = Some(format!("Not done: {error}"));
                return;
            }
        };
        let summary = fix.describe(&self.ws.project.schema);
        if fix.is_empty() {
            self.status_message = Some(format!("{summary}."));
            return;
        }
        let mut edits = fix.edits;
        let result = match edits.as_slice() {
            [(index, _)] if *index == self.ws.current => match edits.pop() {
                Some((_, edit)) => self.ws.apply(edit),
                None => Ok(()),
            },
            _ => self
                .ws
                .apply_to_documents(ProjectChange::ConsistencyFix, edits),
        };
        match result {
            Ok(()) => {
                // A link being made may have lost its span.
                self.link_mode = None;
                let undo = match (&self.ctx, Command::Undo.shortcuts().first()) {
                    (Some(ctx), Some(shortcut)) => ctx.format_shortcut(shortcut),
                    _ => "Undo".to_owned(),
                };
                self.status_message = Some(format!("{summary}; {undo} undoes."));
            }
            Err(error) => self.status_message = Some(format!("Not done: {error}")),
        }
    }
}

/// The panel, in the side panel's place while it is open (the article keeps its width;
/// label hotkeys go on working).
pub fn consistency_ui(app: &mut MarginaliaApp, ui: &mut Ui) {
    let list = app.inconsistencies();
    let mut action = None;
    ui.horizontal(|ui| {
        ui.heading("Consistency");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .button("Close")
                .on_hover_text("Back to the labels and spans (Ctrl+Shift+K)")
                .clicked()
            {
                action = Some(Action::Close);
            }
        });
    });
    if list.is_empty() {
        ui.label("Nothing inconsistent: every text keeps one label.");
    } else {
        ui.label(match list.len() {
            1 => "1 text labelled in different ways".to_owned(),
            n => format!("{n} texts labelled in different ways"),
        });
        ui.separator();
        let project = Project {
            schema: &app.ws.project.schema,
            documents: &app.ws.project.documents,
            selected: (app.ws.current, app.ws.selected_span),
        };
        egui::ScrollArea::vertical()
            .id_salt("consistency-scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for inconsistency in list.iter() {
                    inconsistency_ui(ui, &project, inconsistency, list.len() <= 5, &mut action);
                }
            });
    }
    match action {
        Some(Action::Go(place)) => app.go_to_place(&place),
        Some(Action::Fix { text, label }) => app.fix_consistency(&text, &label),
        Some(Action::Close) => app.consistency.open = false,
        None => {}
    }
}

/// One text: its labels and counts as the heading, each label's places and fix inside.
fn inconsistency_ui(
    ui: &mut Ui,
    project: &Project<'_>,
    inconsistency: &Inconsistency,
    open: bool,
    action: &mut Option<Action>,
) {
    let schema = project.schema;
    let background = ui.visuals().panel_fill;
    let font = FontId::proportional(ui.text_style_height(&egui::TextStyle::Body));
    let text_color = ui.visuals().strong_text_color();
    let weak = ui.visuals().weak_text_color();
    let mut heading = LayoutJob::default();
    heading.append(
        &shorten(&inconsistency.text, 40),
        0.0,
        TextFormat::simple(font.clone(), text_color),
    );
    heading.append(" — ", 0.0, TextFormat::simple(font.clone(), weak));
    for (i, usage) in inconsistency.labels.iter().enumerate() {
        if i > 0 {
            heading.append(" · ", 0.0, TextFormat::simple(font.clone(), weak));
        }
        let color = legible_on(label_color(schema, &usage.label), background, 4.5);
        heading.append(
            &format!(
                "{} ×{}",
                label_name(schema, &usage.label),
                usage.places.len()
            ),
            0.0,
            TextFormat::simple(font.clone(), color),
        );
    }
    egui::CollapsingHeader::new(heading)
        .id_salt(("consistency", &inconsistency.text))
        .default_open(open)
        .show(ui, |ui| {
            for usage in &inconsistency.labels {
                label_use_ui(ui, project, inconsistency, usage, action);
            }
        });
}

/// One label of a text: its name and count, the button that gives the text this label
/// everywhere, and its places (collapsed when there are many).
fn label_use_ui(
    ui: &mut Ui,
    project: &Project<'_>,
    inconsistency: &Inconsistency,
    usage: &LabelUse,
    action: &mut Option<Action>,
) {
    let schema = project.schema;
    let name = label_name(schema, &usage.label);
    let color = legible_on(
        label_color(schema, &usage.label),
        ui.visuals().panel_fill,
        4.5,
    );
    let id = ui.make_persistent_id(("consistency-label", &inconsistency.text, &usage.label));
    let others: usize = inconsistency
        .labels
        .iter()
        .filter(|u| u.label != usage.label)
        .map(|u| u.places.len())
        .sum();
    egui::collapsing_header::CollapsingState::load_with_default_open(
        ui.ctx(),
        id,
        usage.places.len() <= LONG,
    )
    .show_header(ui, |ui| {
        ui.label(
            RichText::new(format!("{name} ×{}", usage.places.len()))
                .color(color)
                .strong(),
        );
        if ui
            .button(format!("Make all {name}"))
            .on_hover_text(format!(
                "Give “{}” the label {name} everywhere ({others} {} to change); one undo step",
                shorten(&inconsistency.text, 40),
                if others == 1 { "span" } else { "spans" }
            ))
            .clicked()
        {
            *action = Some(Action::Fix {
                text: inconsistency.text.clone(),
                label: usage.label.clone(),
            });
        }
    })
    .body(|ui| {
        let row = |ui: &mut Ui, place: &Place, action: &mut Option<Action>| {
            let Some(doc) = project.documents.get(place.document) else {
                return;
            };
            let is_selected = project.selected == (place.document, Some(place.span));
            let response = ui
                .add(
                    egui::Button::selectable(
                        is_selected,
                        place_job(ui, doc, place, project.documents.len() > 1, is_selected),
                    )
                    .truncate(),
                )
                .on_hover_text(format!(
                    "{}, [{}, {}): click to go there",
                    doc.title, place.start, place.end
                ));
            if response.clicked() {
                *action = Some(Action::Go(place.clone()));
            }
        };
        if usage.places.len() <= LONG {
            for place in &usage.places {
                row(ui, place, action);
            }
            return;
        }
        // Only the rows on screen are laid out: a name can be in thousands of places.
        let height = ui.spacing().interact_size.y;
        egui::ScrollArea::vertical()
            .id_salt(("consistency-places", &inconsistency.text, &usage.label))
            .max_height(height * LONG as f32)
            .show_rows(ui, height, usage.places.len(), |ui, rows| {
                for place in &usage.places[rows] {
                    row(ui, place, action);
                }
            });
    });
}

/// A place as one line: the document's title when the project has several, then the
/// text with its context.
/// On the selection's fill every part takes the selection's text colour, as egui's
/// own selected labels do: weak grey would not be read there.
fn place_job(ui: &Ui, doc: &Document, place: &Place, titled: bool, selected: bool) -> LayoutJob {
    let font = FontId::proportional(ui.text_style_height(&egui::TextStyle::Body));
    let small = FontId::proportional(ui.text_style_height(&egui::TextStyle::Small));
    let visuals = ui.visuals();
    let on_selection = visuals.selection.stroke.color;
    let (plain, weak, strong) = if selected {
        (on_selection, on_selection, on_selection)
    } else {
        (
            visuals.text_color(),
            visuals.weak_text_color(),
            visuals.strong_text_color(),
        )
    };
    let (before, text, after) = context(doc, place);
    let mut job = LayoutJob::default();
    if titled {
        job.append(
            &format!("{}  ", shorten(&doc.title, 18)),
            0.0,
            TextFormat::simple(small, plain),
        );
    }
    job.append(&before, 0.0, TextFormat::simple(font.clone(), weak));
    job.append(&text, 0.0, TextFormat::simple(font.clone(), strong));
    job.append(&after, 0.0, TextFormat::simple(font, weak));
    job
}

/// The span's text and up to [`BEFORE`] and [`AFTER`] code points around it, within its line,
/// with an ellipsis where the line goes on.
fn context(doc: &Document, place: &Place) -> (String, String, String) {
    let from = place.start.saturating_sub(BEFORE);
    let to = (place.end + AFTER).min(doc.char_len());
    let before = doc.slice(from, place.start).unwrap_or("");
    let after = doc.slice(place.end, to).unwrap_or("");
    let before = match before.rsplit_once('\n') {
        Some((_, line)) => line.to_owned(),
        // Cut where a word starts, not inside one.
        None if from > 0 => {
            let words = before
                .split_once(char::is_whitespace)
                .map_or(before, |(_, rest)| rest);
            format!("…{}", words.trim_start())
        }
        None => before.to_owned(),
    };
    let after = match after.split_once('\n') {
        Some((line, _)) => line.to_owned(),
        None if to < doc.char_len() => format!("{}…", after.trim_end()),
        None => after.to_owned(),
    };
    let text = shorten(doc.slice(place.start, place.end).unwrap_or(""), 60);
    (before, text, after)
}

fn label_name<'s>(schema: &'s Schema, key: &'s str) -> &'s str {
    schema.label(key).map_or(key, |l| l.name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place_of(doc: &Document, needle: &str) -> Place {
        let byte = doc.text().find(needle).expect("needle");
        let start = doc.text()[..byte].chars().count();
        Place {
            document: 0,
            span: SpanId(0),
            start,
            end: start + needle.chars().count(),
        }
    }

    #[test]
    fn context_is_cut_at_words_and_stays_in_its_line() {
        let doc = Document::new(
            "d",
            "D",
            "Envoys from Washington flew to the Kremlin this week for talks about the war.\nNext line.",
        );
        let (before, text, after) = context(&doc, &place_of(&doc, "Kremlin"));
        assert_eq!(before, "…flew to the ");
        assert_eq!(text, "Kremlin");
        assert_eq!(after, " this week for talks about the…");
        let (before, _, after) = context(&doc, &place_of(&doc, "the war"));
        assert_eq!(before, "…talks about ");
        assert_eq!(after, ".", "the next line is not context");
        let (before, _, _) = context(&doc, &place_of(&doc, "Next"));
        assert_eq!(before, "", "nor is the line before");
    }
}
