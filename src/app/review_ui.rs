//! The review screen: the documents with their disagreement counts, the article with a
//! lane per annotator under every line, and a side panel with the disagreement in focus,
//! the schemas' differences and the agreement figures (tables, a bar chart per label and
//! the label confusion matrix as a heatmap).

use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, Legend, Plot};

use super::MarginaliaApp;
use super::article_view::{ViewAction, ViewInput, shorten};
use super::review::{ReviewSession, ReviewTab, status_color};
use crate::review::{Comparison, Figures, SpanStatus, report};

/// One frame of review mode (the menu bar and status bar are drawn by the caller).
pub fn review_ui(app: &mut MarginaliaApp, ui: &mut Ui) {
    let font_size = app.prefs.font_size;
    let mut start_gold = false;
    let mut close = false;
    let Some(session) = app.review.as_deref_mut() else {
        opening_ui(app, ui);
        return;
    };
    egui::Panel::left("review-documents")
        .resizable(true)
        .default_size(240.0)
        .max_size(super::panels::side_panel_max(ui, 0.25, 160.0))
        .show(ui, |ui| documents_ui(session, ui));
    egui::Panel::right("review-side")
        .resizable(true)
        .default_size(380.0)
        .max_size(super::panels::side_panel_max(ui, 0.34, 300.0))
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                if ui
                    .button("Start gold project")
                    .on_hover_text(
                        "Accept what everyone agrees on; every disagreement becomes an open \
                         candidate to decide",
                    )
                    .clicked()
                {
                    start_gold = true;
                }
                if ui.button("Close review").clicked() {
                    close = true;
                }
            });
            ui.separator();
            ui.horizontal(|ui| {
                ui.selectable_value(&mut session.tab, ReviewTab::Disagreements, "Disagreements");
                ui.selectable_value(&mut session.tab, ReviewTab::Agreement, "Agreement");
            });
            ui.separator();
            egui::ScrollArea::vertical()
                .id_salt("review-side-scroll")
                .show(ui, |ui| match session.tab {
                    ReviewTab::Disagreements => disagreements_ui(session, ui),
                    ReviewTab::Agreement => agreement_ui(session, ui),
                });
        });
    egui::CentralPanel::default().show(ui, |ui| comparison_ui(session, ui, font_size));
    if start_gold {
        app.start_gold_project();
    } else if close {
        app.close_review();
    }
}

/// While the files are read and compared.
fn opening_ui(app: &MarginaliaApp, ui: &mut Ui) {
    egui::CentralPanel::default().show(ui, |ui| {
        ui.centered_and_justified(|ui| {
            ui.vertical_centered(|ui| {
                ui.spinner();
                let names: Vec<String> = app
                    .review_opening
                    .as_ref()
                    .map(|o| o.paths.iter().map(|p| p.display().to_string()).collect())
                    .unwrap_or_default();
                ui.label(format!("Reading and comparing {}…", names.join(", ")));
            });
        });
    });
}

fn documents_ui(session: &mut ReviewSession, ui: &mut Ui) {
    let comparison = &session.data.comparison;
    ui.heading("Review");
    ui.label(format!(
        "{} annotators, {} disagreement(s)",
        comparison.annotators.len(),
        session.disagreement_total()
    ));
    ui.label(RichText::new("Lanes under each line, top to bottom:").small());
    for (i, annotator) in comparison.annotators.iter().enumerate() {
        ui.label(format!("{}. {}", i + 1, annotator.name))
            .on_hover_text(&annotator.source);
    }
    legend_ui(ui);
    ui.separator();
    let mut show = None;
    egui::ScrollArea::vertical()
        .id_salt("review-documents-scroll")
        .show(ui, |ui| {
            for (i, doc) in comparison.documents.iter().enumerate() {
                let missing: Vec<&str> = doc
                    .missing_from()
                    .iter()
                    .filter_map(|a| comparison.annotators.get(a).map(|a| a.name.as_str()))
                    .collect();
                let count = doc.disagreement_count();
                let mut text = format!("{}  ({count})", shorten(&doc.title, 36));
                if !missing.is_empty() {
                    text.push_str("  ⚠");
                }
                let hover = if missing.is_empty() {
                    format!("{count} disagreement(s)")
                } else {
                    format!(
                        "{count} disagreement(s); missing from {}",
                        missing.join(", ")
                    )
                };
                if ui
                    .selectable_label(i == session.current, text)
                    .on_hover_text(hover)
                    .clicked()
                {
                    show = Some(i);
                }
            }
        });
    if let Some(i) = show {
        session.show_document(i);
    }
}

/// What the lane colours mean.
fn legend_ui(ui: &mut Ui) {
    for status in SpanStatus::ALL {
        ui.horizontal(|ui| {
            swatch(ui, status_color(status));
            ui.label(RichText::new(status.as_str()).small());
        });
    }
}

/// A small bar in a status colour, as the lanes draw it.
fn swatch(ui: &mut Ui, color: Color32) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(18.0, 6.0), egui::Sense::hover());
    ui.painter().rect_filled(rect, 1.0, color);
}

fn comparison_ui(session: &mut ReviewSession, ui: &mut Ui, font_size: f32) {
    let Some(doc) = session.document() else {
        ui.centered_and_justified(|ui| ui.label("The files have no documents."));
        return;
    };
    let title = doc.title.clone();
    let count = doc.disagreement_count();
    let focus = session.focus;
    let place = match focus {
        Some(i) => format!("disagreement {} of {count}", i + 1),
        None if count == 0 => "no disagreements".to_owned(),
        None => format!("{count} disagreement(s)"),
    };
    ui.label(place);
    // Truncated: a long title must not widen the panel under the side panel.
    ui.add(egui::Label::new(RichText::new(title).heading()).truncate());
    ui.separator();
    let focus_range: Vec<(usize, usize)> = session.focus_range().into_iter().collect();
    let lanes = session.lanes().clone();
    let Some(text) = session.text_document().cloned() else {
        return;
    };
    let schema = crate::model::Schema::default();
    let input = ViewInput {
        doc: &text,
        schema: &schema,
        selection: None,
        selected_span: None,
        matches: &focus_range,
        font_size,
        lanes: Some(&lanes),
        focused_candidate: None,
        show_links: false,
        show_tags: false,
        numbered: &[],
    };
    for action in session.view.show(ui, &input) {
        if let ViewAction::BarClicked(span) = action {
            session.focus_span(span);
        }
    }
}

fn disagreements_ui(session: &ReviewSession, ui: &mut Ui) {
    let comparison = &session.data.comparison;
    if let (Some(doc), Some(focus)) = (session.document(), session.focus)
        && let Some(d) = doc.disagreements.get(focus)
    {
        ui.strong(format!(
            "Disagreement {} of {}",
            focus + 1,
            doc.disagreement_count()
        ));
        for &index in &d.spans {
            let Some(span) = doc.spans.get(index) else {
                continue;
            };
            let label = comparison
                .labels
                .get(span.label)
                .map_or("?", |l| l.name.as_str());
            let who: Vec<&str> = span
                .annotators
                .iter()
                .filter_map(|a| comparison.annotators.get(a).map(|a| a.name.as_str()))
                .collect();
            let text: String = doc
                .text
                .chars()
                .skip(span.start)
                .take(span.end - span.start)
                .collect();
            ui.horizontal_wrapped(|ui| {
                swatch(ui, status_color(span.status));
                ui.strong(label);
                ui.label(in_quotes(&shorten(&text, 80)));
                ui.label(RichText::new(format!("— {}", who.join(", "))).italics());
            });
        }
        for &index in &d.links {
            let Some(link) = doc.links.get(index) else {
                continue;
            };
            let end_text = |i: usize| {
                doc.spans.get(i).map_or(String::new(), |s| {
                    shorten(
                        &doc.text
                            .chars()
                            .skip(s.start)
                            .take(s.end - s.start)
                            .collect::<String>(),
                        30,
                    )
                })
            };
            let link_type = comparison
                .link_types
                .get(link.link_type)
                .map_or("?", |t| t.name.as_str());
            let who: Vec<&str> = link
                .annotators
                .iter()
                .filter_map(|a| comparison.annotators.get(a).map(|a| a.name.as_str()))
                .collect();
            ui.label(format!(
                "link {} {link_type} {} — {}",
                in_quotes(&end_text(link.from)),
                in_quotes(&end_text(link.to)),
                who.join(", ")
            ));
        }
        ui.label(
            RichText::new(
                "F8 / Shift+F8: next / previous disagreement. Start a gold project to decide them.",
            )
            .small(),
        );
    } else {
        ui.label("No disagreement in focus: F8 steps to the next one.");
    }
    ui.separator();
    ui.strong("Schemas");
    if comparison.schema_differences.is_empty() {
        ui.label("All files have the same labels and link types.");
    }
    for difference in &comparison.schema_differences {
        ui.label(format!("• {}", difference.describe(&comparison.annotators)));
    }
    let missing: Vec<String> = comparison
        .missing_documents()
        .filter_map(|(i, set)| {
            let doc = comparison.documents.get(i)?;
            let names: Vec<&str> = set
                .iter()
                .filter_map(|a| comparison.annotators.get(a).map(|a| a.name.as_str()))
                .collect();
            Some(format!(
                "• “{}” is missing from {}",
                shorten(&doc.title, 50),
                names.join(", ")
            ))
        })
        .collect();
    if !missing.is_empty() {
        ui.separator();
        ui.strong("Documents not in every file");
        for line in missing {
            ui.label(line);
        }
    }
}

fn agreement_ui(session: &mut ReviewSession, ui: &mut Ui) {
    ui.checkbox(&mut session.per_document, "This document only");
    let session = &mut *session;
    let comparison = &session.data.comparison;
    let agreement = &session.data.agreement;
    let figures: Option<&Figures> = if session.per_document {
        agreement
            .documents
            .get(session.current)
            .and_then(Option::as_ref)
    } else {
        Some(&agreement.project)
    };
    let Some(figures) = figures else {
        ui.label("This document is in fewer than two files: nothing to compare.");
        return;
    };
    scores_chart_ui(ui, comparison, figures, session.pair);
    confusion_ui(ui, comparison, figures, &mut session.pair);
    if !session.per_document {
        // The heatmap above shows the confusion matrices.
        for table in report::project_tables(comparison, agreement)
            .iter()
            .filter(|t| !t.title.starts_with("Confusion"))
        {
            table_ui(ui, table);
        }
    }
}

/// A report table as an egui grid.
fn table_ui(ui: &mut Ui, table: &report::Table) {
    ui.strong(&table.title);
    egui::Grid::new(("review-table", &table.title))
        .striped(true)
        .show(ui, |ui| {
            for cell in &table.header {
                ui.label(RichText::new(cell).small().strong());
            }
            ui.end_row();
            for row in &table.rows {
                for cell in row {
                    ui.label(RichText::new(cell).small());
                }
                ui.end_row();
            }
        });
    ui.add_space(8.0);
}

/// Exact F1, relaxed F1 and kappa per label for the first pair (mean kappa and alpha
/// with three or more annotators), as grouped bars.
fn scores_chart_ui(ui: &mut Ui, comparison: &Comparison, figures: &Figures, pair: usize) {
    let Some(pair) = figures
        .pairs
        .get(pair.min(figures.pairs.len().saturating_sub(1)))
    else {
        return;
    };
    ui.strong(format!(
        "Scores per label ({})",
        report::pair_name(comparison, pair.a, pair.b)
    ));
    let labels: Vec<String> = comparison.labels.iter().map(|l| l.name.clone()).collect();
    let series: [(&str, Color32, Vec<Option<f64>>); 3] = [
        (
            "exact F1",
            Color32::from_rgb(0x00, 0x72, 0xB2),
            (0..labels.len())
                .map(|l| pair.exact.get(l).and_then(|s| s.f1()))
                .collect(),
        ),
        (
            "relaxed F1",
            Color32::from_rgb(0x56, 0xB4, 0xE9),
            (0..labels.len())
                .map(|l| pair.relaxed.get(l).and_then(|s| s.f1()))
                .collect(),
        ),
        (
            "kappa",
            Color32::from_rgb(0xE6, 0x9F, 0x00),
            (0..labels.len()).map(|l| pair.kappa(l)).collect(),
        ),
    ];
    let width = 0.25;
    let charts: Vec<BarChart> = series
        .iter()
        .enumerate()
        .map(|(k, (name, color, values))| {
            let bars = values
                .iter()
                .enumerate()
                .filter_map(|(l, v)| {
                    v.map(|v| {
                        Bar::new(l as f64 + (k as f64 - 1.0) * width, v)
                            .width(width)
                            .name(format!("{}: {name} {v:.2}", labels[l]))
                    })
                })
                .collect();
            BarChart::new(*name, bars).color(*color)
        })
        .collect();
    let axis_labels = labels.clone();
    Plot::new("review-scores")
        .height(180.0)
        .legend(Legend::default())
        .include_y(0.0)
        .include_y(1.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                axis_labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| {
            for chart in charts {
                plot.bar_chart(chart);
            }
        });
    ui.add_space(8.0);
}

/// The confusion matrix of one pair as a heatmap: rows the first annotator's labels,
/// columns the second's, plus "none" for spans only one of them has.
fn confusion_ui(ui: &mut Ui, comparison: &Comparison, figures: &Figures, chosen_pair: &mut usize) {
    if figures.pairs.is_empty() {
        return;
    }
    let mut chosen = (*chosen_pair).min(figures.pairs.len() - 1);
    ui.horizontal(|ui| {
        ui.strong("Label confusion");
        egui::ComboBox::new("review-pair", "pair")
            .selected_text(report::pair_name(
                comparison,
                figures.pairs[chosen].a,
                figures.pairs[chosen].b,
            ))
            .show_ui(ui, |ui| {
                for (i, pair) in figures.pairs.iter().enumerate() {
                    ui.selectable_value(
                        &mut chosen,
                        i,
                        report::pair_name(comparison, pair.a, pair.b),
                    );
                }
            });
    });
    let pair = &figures.pairs[chosen];
    let confusion = &pair.confusion;
    let mut names: Vec<String> = comparison.labels.iter().map(|l| l.name.clone()).collect();
    names.truncate(confusion.size.saturating_sub(1));
    names.push("none".into());
    let max = confusion.counts.iter().copied().max().unwrap_or(0).max(1);
    let a = comparison
        .annotators
        .get(pair.a)
        .map_or("?", |a| a.name.as_str());
    let b = comparison
        .annotators
        .get(pair.b)
        .map_or("?", |a| a.name.as_str());
    ui.label(RichText::new(format!("rows: {a}, columns: {b}")).small());
    let base = ui.visuals().selection.bg_fill;
    egui::Grid::new("review-confusion")
        .spacing([2.0, 2.0])
        .show(ui, |ui| {
            ui.label("");
            for name in &names {
                ui.label(RichText::new(shorten(name, 8)).small());
            }
            ui.end_row();
            for (row, name) in names.iter().enumerate() {
                ui.label(RichText::new(shorten(name, 10)).small());
                for (column, column_name) in names.iter().enumerate() {
                    let count = confusion.get(row, column);
                    let (rect, response) =
                        ui.allocate_exact_size(egui::vec2(44.0, 24.0), egui::Sense::hover());
                    let strength = count as f32 / max as f32;
                    let fill = if count == 0 {
                        ui.visuals().faint_bg_color
                    } else {
                        base.gamma_multiply(0.15 + 0.85 * strength)
                    };
                    ui.painter().rect_filled(rect, 2.0, fill);
                    ui.painter().text(
                        rect.center(),
                        egui::Align2::CENTER_CENTER,
                        count.to_string(),
                        egui::FontId::proportional(12.0),
                        ui.visuals().text_color(),
                    );
                    response.on_hover_text(format!("{a}: {name}, {b}: {column_name}: {count}"));
                }
                ui.end_row();
            }
        });
    *chosen_pair = chosen;
}

/// A span's text between quotation marks, unless it starts with its own (a quotation,
/// marks included: `"We will not give up."` rather than `“"We will not give up."”`).
pub fn in_quotes(text: &str) -> String {
    const MARKS: &[char] = &[
        '"', '“', '”', '«', '»', '„', '‘', '’', '‚', '\'', '‹', '›', '「', '『',
    ];
    if text.starts_with(MARKS) {
        text.to_owned()
    } else {
        format!("“{text}”")
    }
}

#[cfg(test)]
mod quote_tests {
    #[test]
    fn a_quotation_keeps_its_own_marks() {
        assert_eq!(super::in_quotes("Kremlin"), "“Kremlin”");
        assert_eq!(super::in_quotes("\"No.\""), "\"No.\"");
        assert_eq!(super::in_quotes("« Non »"), "« Non »");
    }
}
