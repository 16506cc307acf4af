//! The panels around the article: menu bar, documents, label palette, span list,
//! inspector, search bar and status bar. They read the workspace and queue commands;
//! the only edits they make directly are through the workspace's validated methods.

use egui::{RichText, Ui};

use super::MarginaliaApp;
use super::article_view::{label_color, shorten};
use super::commands::{Command, Menu};
use super::prefs::ThemeChoice;
use crate::model::{SpanId, Status};

/// The menu bar, generated from the command registry.
pub fn menu_bar_ui(app: &mut MarginaliaApp, ui: &mut Ui) {
    egui::Panel::top("menu-bar").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            for menu in Menu::ALL {
                ui.menu_button(menu.title(), |ui| {
                    for command in Command::ALL.iter().copied().filter(|c| c.menu() == menu) {
                        let shortcut = command
                            .shortcuts()
                            .first()
                            .map(|s| ui.ctx().format_shortcut(s))
                            .unwrap_or_default();
                        let enabled = command_enabled(app, command);
                        if ui
                            .add_enabled(
                                enabled,
                                egui::Button::new(command.name()).shortcut_text(shortcut),
                            )
                            .clicked()
                        {
                            app.queue(command);
                            ui.close();
                        }
                    }
                    match menu {
                        Menu::File => recent_ui(app, ui),
                        Menu::Edit => link_types_menu_ui(app, ui),
                        Menu::View => theme_ui(app, ui),
                        _ => {}
                    }
                });
            }
        });
    });
}

fn command_enabled(app: &MarginaliaApp, command: Command) -> bool {
    let ws = &app.ws;
    if app.in_review() {
        return command.works_in_review();
    }
    match command {
        Command::StartGold | Command::CloseReview => false,
        Command::DeleteSpan
        | Command::EditNote
        | Command::GrowStart
        | Command::ShrinkStart
        | Command::GrowEnd
        | Command::ShrinkEnd => ws.selected_span.is_some(),
        _ => true,
    }
}

/// A "Link as …" item per link type, with its own key, enabled when the selected span
/// may start that type.
fn link_types_menu_ui(app: &mut MarginaliaApp, ui: &mut Ui) {
    let keys = super::commands::link_type_keys(&app.ws.project.schema);
    if keys.is_empty() {
        return;
    }
    ui.separator();
    let label = app
        .ws
        .selected_span
        .and_then(|id| app.ws.document()?.span(id))
        .map(|s| s.label.clone());
    for (key, shortcut) in keys {
        let Some(link_type) = app.ws.project.schema.link_type(&key) else {
            continue;
        };
        let enabled =
            !app.in_review() && label.as_ref().is_some_and(|l| link_type.from.contains(l));
        let button = egui::Button::new(format!("Link as “{}”", link_type.name))
            .shortcut_text(shortcut.name());
        if ui.add_enabled(enabled, button).clicked() {
            app.queued_link_type = Some(key);
            ui.close();
        }
    }
}

fn recent_ui(app: &mut MarginaliaApp, ui: &mut Ui) {
    if app.prefs.recent.is_empty() {
        return;
    }
    ui.separator();
    ui.menu_button("Recent projects", |ui| {
        for path in app.prefs.recent.clone() {
            if ui.button(path.display().to_string()).clicked() {
                app.queue_answer(super::Answer::Open(path));
                ui.close();
            }
        }
    });
}

fn theme_ui(app: &mut MarginaliaApp, ui: &mut Ui) {
    ui.separator();
    ui.checkbox(&mut app.prefs.show_links, "Show links (who said what)");
    ui.checkbox(&mut app.prefs.show_tags, "Show label tags");
    ui.separator();
    let before = app.prefs.theme;
    ui.radio_value(
        &mut app.prefs.theme,
        ThemeChoice::System,
        "Follow the system",
    );
    ui.radio_value(&mut app.prefs.theme, ThemeChoice::Light, "Light");
    ui.radio_value(&mut app.prefs.theme, ThemeChoice::Dark, "Dark");
    if app.prefs.theme != before {
        app.prefs.apply_theme(ui.ctx());
    }
}

/// The status bar: on the left the latest message (or the document's title), on the
/// right selection, counts, progress and saved state. The right part is laid out first,
/// from the right edge, so that a long message is shortened (in full on hover) rather
/// than pushing the saved state out of the window.
pub fn status_bar_ui(app: &mut MarginaliaApp, ui: &mut Ui) {
    let attribution = if app.in_review() {
        None
    } else {
        app.attribution()
    };
    egui::Panel::bottom("status-bar").show(ui, |ui| {
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            // From the right edge leftwards: the last item first.
            if app.is_opening() || app.is_saving() {
                ui.spinner();
            }
            if let Some(job) = &app.export_job {
                if ui.button("Cancel export").clicked() {
                    job.cancel();
                }
                ui.add(
                    egui::ProgressBar::new(job.progress())
                        .desired_width(120.0)
                        .show_percentage(),
                );
                ui.label("Exporting");
                ui.separator();
            }
            let ws = &app.ws;
            if !app.in_review() {
                if ws.is_dirty() {
                    ui.colored_label(ui.visuals().warn_fg_color, "unsaved changes");
                } else {
                    ui.label("saved");
                }
                ui.separator();
                let total = ws.project.documents.len();
                let done = ws.done_count();
                ui.add(
                    egui::ProgressBar::new(if total == 0 {
                        0.0
                    } else {
                        done as f32 / total as f32
                    })
                    .desired_width(80.0),
                );
                ui.label(format!("{done} of {total} documents done"));
            }
            if let Some(doc) = ws.document().filter(|_| !app.in_review()) {
                let open = ws.project.open_candidate_count();
                if open > 0 {
                    ui.separator();
                    ui.label(format!("{open} open candidate(s)"));
                }
                if let Some(missing) = attribution.as_ref().map(|a| a.unattributed.len())
                    && missing > 0
                {
                    ui.separator();
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        format!("{missing} without speaker (U)"),
                    )
                    .on_hover_text(
                        "Quotes and claims with no said_by link: U selects the next one",
                    );
                }
                ui.separator();
                ui.label(format!(
                    "{} spans, {} links",
                    doc.spans().len(),
                    doc.links().len()
                ));
                ui.separator();
                match (ws.selection, ws.selected_span.and_then(|id| doc.span(id))) {
                    (Some(selection), _) if !selection.is_empty() => {
                        let (start, end) = selection.range();
                        ui.label(format!("selection [{start}, {end})  {} chars", end - start));
                    }
                    (_, Some(span)) => {
                        ui.label(format!("span {} [{}, {})", span.id.0, span.start, span.end));
                    }
                    _ => {
                        ui.label("no selection");
                    }
                }
            }
            ui.separator();
            // What is left, from the left edge: the message, else where we are.
            let left = match (&app.status_message, ws.document()) {
                (Some(message), _) => RichText::new(message).italics(),
                // The review is read-only: the workspace behind it is not what is shown.
                (None, _) if app.in_review() => RichText::new("Review (read-only)"),
                (None, Some(doc)) => RichText::new(doc.title.as_str()),
                (None, None) => RichText::new(""),
            };
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                ui.add(egui::Label::new(left).truncate());
            });
        });
    });
}

/// The widest a side panel may be: `share` of the window, so that in a small window the
/// article keeps most of the width (an article squeezed to a column of three words is
/// no use), but never less than `floor`, the narrowest its widgets fit in.
pub fn side_panel_max(ui: &Ui, share: f32, floor: f32) -> f32 {
    (ui.ctx().content_rect().width() * share).max(floor)
}

/// How wide `text` is on one line in `style`: to leave room for it beside a widget that
/// takes the rest.
fn text_width(ui: &Ui, text: &str, style: egui::TextStyle) -> f32 {
    let font = style.resolve(ui.style());
    ui.fonts_mut(|f| {
        f.layout_no_wrap(text.to_owned(), font, egui::Color32::WHITE)
            .size()
            .x
    })
}

/// The documents list on the left.
pub fn documents_ui(app: &mut MarginaliaApp, ui: &mut Ui) {
    egui::Panel::left("documents")
        .resizable(true)
        .default_size(220.0)
        .max_size(side_panel_max(ui, 0.25, 160.0))
        .show(ui, |ui| {
            ui.heading("Documents");
            let total = app.ws.project.documents.len();
            ui.label(format!("{} of {total} done", app.ws.done_count()));
            ui.separator();
            let mut show = None;
            // Only the rows on screen are laid out: a project may hold thousands.
            let row_height = ui.spacing().interact_size.y;
            // Room below the list for the current document's status, however long it is.
            let status_room = 2.0 * row_height + 3.0 * ui.spacing().item_spacing.y;
            egui::ScrollArea::vertical()
                .id_salt("documents-scroll")
                .max_height((ui.available_height() - status_room).max(row_height))
                .show_rows(ui, row_height, total, |ui, rows| {
                    for (i, doc) in app.ws.project.documents[rows.clone()]
                        .iter()
                        .enumerate()
                        .map(|(n, doc)| (rows.start + n, doc))
                    {
                        ui.horizontal(|ui| {
                            status_dot(ui, doc.status);
                            let open = doc.open_candidate_count();
                            let counts = if open > 0 {
                                format!("{} · {open} open", doc.spans().len())
                            } else {
                                doc.spans().len().to_string()
                            };
                            // The title is shortened to what the counts leave of the
                            // panel, so that they stay in sight and the panel never
                            // widens for a long title.
                            let counts_width = text_width(ui, &counts, egui::TextStyle::Body)
                                + 2.0 * ui.spacing().item_spacing.x;
                            let title = shorten(&doc.title, 40);
                            let response = ui
                                .scope(|ui| {
                                    ui.set_max_width(ui.available_width() - counts_width);
                                    ui.add(
                                        egui::Button::selectable(i == app.ws.current, title)
                                            .truncate(),
                                    )
                                })
                                .inner
                                .on_hover_text(format!("{}: {}", doc.status, doc.title));
                            ui.label(RichText::new(counts).weak());
                            if response.clicked() {
                                show = Some(i);
                            }
                        });
                    }
                });
            if let Some(i) = show {
                app.ws.show_document(i);
            }
            if let Some(doc) = app.ws.document() {
                ui.separator();
                let mut status = doc.status;
                ui.horizontal(|ui| {
                    egui::ComboBox::new("doc-status", "Status")
                        .selected_text(status.as_str())
                        .show_ui(ui, |ui| {
                            for s in Status::ALL {
                                ui.selectable_value(&mut status, s, s.as_str());
                            }
                        });
                });
                if status != doc.status
                    && let Err(error) = app.ws.set_status(status)
                {
                    app.status_message = Some(error.to_string());
                }
            }
        });
}

/// A dot for a document's status: hollow (todo), half (in progress), full (done).
fn status_dot(ui: &mut Ui, status: Status) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
    let color = ui.visuals().text_color();
    let center = rect.center();
    ui.painter()
        .circle_stroke(center, 5.0, egui::Stroke::new(1.2, color));
    match status {
        Status::Todo => {}
        Status::InProgress => {
            let half = egui::Rect::from_min_max(
                egui::pos2(center.x - 5.0, center.y),
                egui::pos2(center.x + 5.0, center.y + 5.0),
            );
            ui.painter()
                .with_clip_rect(half)
                .circle_filled(center, 5.0, color);
        }
        Status::Done => {
            ui.painter().circle_filled(center, 5.0, color);
        }
    }
}

/// The right panel: palette, span list and inspector.
pub fn side_panel_ui(app: &mut MarginaliaApp, ui: &mut Ui) {
    egui::Panel::right("labels")
        .resizable(true)
        .default_size(300.0)
        .max_size(side_panel_max(ui, 0.32, 300.0))
        .show(ui, |ui| {
            if app.consistency.open {
                super::consistency::consistency_ui(app, ui);
                return;
            }
            palette_ui(app, ui);
            super::candidates::candidates_ui(app, ui);
            ui.separator();
            inspector_ui(app, ui);
            ui.separator();
            span_list_ui(app, ui);
        });
}

fn palette_ui(app: &mut MarginaliaApp, ui: &mut Ui) {
    ui.heading("Labels");
    let Some(doc) = app.ws.document() else { return };
    let mut clicked = None;
    for label in &app.ws.project.schema.labels {
        let color = label_color(&app.ws.project.schema, &label.key);
        let hotkey = label.hotkey.map_or(String::new(), |k| k.to_string());
        let count = doc.count_label(&label.key);
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
            ui.painter().rect_filled(rect, 3.0, color);
            let button = egui::Button::new(format!("{hotkey}  {}", label.name))
                .min_size(egui::vec2(150.0, 0.0));
            if ui.add(button).on_hover_text(&label.description).clicked() {
                clicked = Some(label.key.clone());
            }
            ui.label(count.to_string());
        });
    }
    if let Some(key) = clicked {
        app.queue_label(&key);
    }
}

fn inspector_ui(app: &mut MarginaliaApp, ui: &mut Ui) {
    ui.heading("Span");
    let Some(doc) = app.ws.document() else { return };
    let Some(span) = app.ws.selected_span.and_then(|id| doc.span(id)).cloned() else {
        ui.label(RichText::new("Drag over words, then press a label's key.").weak());
        return;
    };
    let schema = &app.ws.project.schema;
    let label_name = schema
        .label(&span.label)
        .map_or(span.label.clone(), |l| l.name.clone());
    ui.horizontal(|ui| {
        // Text in a label's colour needs WCAG's 4.5:1 to be read in either theme.
        let color = super::contrast::legible_on(
            label_color(schema, &span.label),
            ui.visuals().panel_fill,
            4.5,
        );
        ui.colored_label(color, RichText::new(&label_name).strong());
        ui.label(format!("[{}, {})", span.start, span.end));
    });
    ui.label(shorten(doc.span_text(&span), 300));
    if !span.annotators.is_empty() {
        ui.label(RichText::new(format!("had by {}", span.annotators.join(", "))).italics());
    }
    for comment in &span.comments {
        ui.label(format!("{}: {}", comment.author, comment.text));
    }

    // The note: edited in a draft, committed as one edit when the field loses focus.
    let draft = match &mut app.note_draft {
        Some((id, text)) if *id == span.id => text,
        _ => {
            &mut app
                .note_draft
                .insert((span.id, span.note.clone().unwrap_or_default()))
                .1
        }
    };
    let response = ui.add(
        egui::TextEdit::multiline(draft)
            .hint_text("Note")
            .desired_rows(2)
            .id_salt("span-note"),
    );
    if std::mem::take(&mut app.focus_note) {
        response.request_focus();
    }
    if response.lost_focus() {
        let text = draft.trim().to_owned();
        let note = (!text.is_empty()).then_some(text);
        if note != span.note
            && let Ok(edit) = doc.set_note_edit(span.id, note)
        {
            let result = app.ws.apply(edit);
            app.report_result(result);
        }
    }
    if app.ws.focused_candidate.is_none() {
        super::candidates::comment_field_ui(app, ui);
    }

    links_ui(app, ui, span.id);
}

/// Links of the selected span, and adding a `said_by` (or other) link to a span of an
/// allowed label, nearest first.
fn links_ui(app: &mut MarginaliaApp, ui: &mut Ui, id: SpanId) {
    let Some(doc) = app.ws.document() else { return };
    let schema = &app.ws.project.schema;
    let Some(span) = doc.span(id) else { return };
    let mut remove = None;
    for link in doc.links_of(id) {
        let (arrow, other) = if link.from == id {
            ("", link.to)
        } else {
            ("(from)", link.from)
        };
        let other_text = doc
            .span(other)
            .map_or(String::new(), |s| shorten(doc.span_text(s), 40));
        let type_name = schema
            .link_type(&link.link_type)
            .map_or(link.link_type.as_str(), |t| t.name.as_str());
        ui.horizontal(|ui| {
            if ui.small_button("x").on_hover_text("Remove link").clicked() {
                remove = Some(link.id);
            }
            // Shortened to the panel (in full on hover), never widening it.
            ui.add(egui::Label::new(format!("{type_name} {arrow} {other_text}")).truncate());
        });
    }
    let mut add = None;
    for link_type in schema
        .link_types
        .iter()
        .filter(|t| t.from.contains(&span.label))
    {
        let targets = doc.nearest_spans(span.start, 30, |s| {
            s.id != id && link_type.to.contains(&s.label)
        });
        if targets.is_empty() {
            continue;
        }
        // As wide as the panel leaves beside its label, so the panel never grows for it.
        let label = format!("Add “{}” link", link_type.name);
        let label_width = text_width(ui, &label, egui::TextStyle::Button);
        let width = (ui.available_width() - label_width - 3.0 * ui.spacing().item_spacing.x)
            .clamp(80.0, 250.0);
        egui::ComboBox::new(("add-link", &link_type.key), label)
            .selected_text("choose a span")
            .width(width)
            .show_ui(ui, |ui| {
                for target in &targets {
                    if ui.button(shorten(doc.span_text(target), 50)).clicked() {
                        add = Some((target.id, link_type.key.clone()));
                    }
                }
            });
    }
    if let Some(link) = remove
        && let Ok(edit) = doc.remove_link_edit(link)
    {
        let result = app.ws.apply(edit);
        app.report_result(result);
    }
    if let Some((to, link_type)) = add {
        let doc = &mut app.ws.project.documents[app.ws.current];
        let edit = doc.add_link_edit(id, to, &link_type);
        let result = app.ws.apply(edit);
        app.report_result(result);
    }
}

fn span_list_ui(app: &mut MarginaliaApp, ui: &mut Ui) {
    ui.heading("Spans");
    let attribution = app.attribution().unwrap_or_default();
    let Some(doc) = app.ws.document() else { return };
    let schema = &app.ws.project.schema;
    let can_speak: Vec<String> = schema
        .link_type(crate::model::SAID_BY)
        .map(|t| t.from.clone())
        .unwrap_or_default();
    let filter_name = app
        .span_filter
        .as_deref()
        .and_then(|k| schema.label(k))
        .map_or("All labels".to_owned(), |l| l.name.clone());
    let mut filter = app.span_filter.clone();
    egui::ComboBox::new("span-filter", "Show")
        .selected_text(filter_name)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut filter, None, "All labels");
            for label in &schema.labels {
                ui.selectable_value(&mut filter, Some(label.key.clone()), &label.name);
            }
        });
    let spans: Vec<_> = doc
        .spans()
        .iter()
        .filter(|s| filter.as_ref().is_none_or(|f| *f == s.label))
        .collect();
    let mut jump = None;
    egui::ScrollArea::vertical().id_salt("span-list").show_rows(
        ui,
        ui.spacing().interact_size.y,
        spans.len(),
        |ui, rows| {
            for span in &spans[rows] {
                let color = label_color(schema, &span.label);
                let selected = app.ws.selected_span == Some(span.id);
                ui.horizontal(|ui| {
                    let (rect, _) =
                        ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                    ui.painter().rect_filled(rect, 2.0, color);
                    // Who said it, beside every quote and claim; marked when nobody.
                    // One label of a bounded length: the panel must not grow with it.
                    let speaker = attribution
                        .speakers
                        .get(&span.id)
                        .and_then(|id| doc.span(*id));
                    let text = match speaker {
                        Some(speaker) => format!(
                            "{}  — {}",
                            shorten(doc.span_text(span), 26),
                            shorten(doc.span_text(speaker), 14)
                        ),
                        None if can_speak.contains(&span.label) => {
                            format!("{}  (no speaker)", shorten(doc.span_text(span), 28))
                        }
                        None => shorten(doc.span_text(span), 42),
                    };
                    if ui
                        .add(egui::Button::selectable(selected, text).truncate())
                        .clicked()
                    {
                        jump = Some(span.id);
                    }
                });
            }
        },
    );
    app.span_filter = filter;
    if let Some(id) = jump {
        app.ws.selected_span = Some(id);
        app.ws.selection = None;
        app.scroll_to_selected_span();
    }
}

/// The search bar above the article (Ctrl+F).
pub fn search_bar_ui(app: &mut MarginaliaApp, ui: &mut Ui) {
    ui.horizontal_wrapped(|ui| {
        let find_label = ui.label("Find");
        let response = ui
            .add(
                egui::TextEdit::singleline(&mut app.search.query)
                    .id_salt("search-query")
                    .desired_width(240.0),
            )
            .labelled_by(find_label.id);
        if std::mem::take(&mut app.search.focus) {
            response.request_focus();
        }
        if response.changed()
            && let Some(doc) = app.ws.document()
        {
            app.search.update(doc);
            app.search.current = 0;
            if let Some(&(start, _)) = app.search.matches.first() {
                app.view.scroll_to(start);
            }
        }
        let enter = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (enter || ui.button("Next").clicked()) && !app.search.matches.is_empty() {
            app.search.current = (app.search.current + 1) % app.search.matches.len();
            app.view.scroll_to(app.search.matches[app.search.current].0);
            if enter {
                response.request_focus();
            }
        }
        ui.label(format!("{} matches", app.search.matches.len()));
        let label = app.ws.project.schema.labels.first().map(|l| l.key.clone());
        let mut chosen = app.search_label.clone().or(label);
        egui::ComboBox::new("search-label", "Label for all")
            .selected_text(
                chosen
                    .as_deref()
                    .and_then(|k| app.ws.project.schema.label(k))
                    .map_or("", |l| l.name.as_str()),
            )
            .show_ui(ui, |ui| {
                for l in &app.ws.project.schema.labels {
                    ui.selectable_value(&mut chosen, Some(l.key.clone()), &l.name);
                }
            });
        app.search_label = chosen.clone();
        if ui
            .add_enabled(
                !app.search.matches.is_empty(),
                egui::Button::new("Label all matches"),
            )
            .clicked()
            && let Some(label) = chosen
        {
            app.label_all_matches(&label);
        }
        if ui.button("Close").on_hover_text("Esc").clicked() {
            app.search.open = false;
        }
    });
    ui.separator();
}
