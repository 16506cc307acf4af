//! The agreement report as tables and as JSON: `marginalia agree` prints them, and the
//! review window shows the same tables, so both read the numbers one way.

use serde_json::{Map, Value, json};

use super::agreement::{Agreement, Figures, PairFigures, Score};
use super::compare::{AnnotatorSet, Comparison};

/// A table of text cells: a title, a header row and rows of the same width. The first
/// column names the row; the others hold numbers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// What the table shows.
    pub title: String,
    /// Column names.
    pub header: Vec<String>,
    /// Rows, each as wide as the header.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The table as aligned plain text: the title, then the columns, the first flush
    /// left and the others flush right.
    pub fn to_text(&self) -> String {
        let columns = self.header.len();
        let mut widths = vec![0; columns];
        for row in std::iter::once(&self.header).chain(&self.rows) {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let mut text = format!("{}\n", self.title);
        for row in std::iter::once(&self.header).chain(&self.rows) {
            let mut line = String::from(" ");
            for (i, (cell, width)) in row.iter().zip(&widths).enumerate() {
                let pad = " ".repeat(width - cell.chars().count());
                if i == 0 {
                    line.push_str(&format!(" {cell}{pad}"));
                } else {
                    line.push_str(&format!("  {pad}{cell}"));
                }
            }
            text.push_str(line.trim_end());
            text.push('\n');
        }
        text
    }
}

/// A figure with three decimals, or `n/a` when it is undefined.
pub fn figure(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.3}"))
}

/// How a pair of annotators is named in tables and JSON keys: `alice/bob`.
pub fn pair_name(comparison: &Comparison, a: usize, b: usize) -> String {
    let name = |i: usize| {
        comparison
            .annotators
            .get(i)
            .map_or("?", |a| a.name.as_str())
    };
    format!("{}/{}", name(a), name(b))
}

fn names(comparison: &Comparison, set: AnnotatorSet) -> Vec<String> {
    set.iter()
        .filter_map(|i| comparison.annotators.get(i).map(|a| a.name.clone()))
        .collect()
}

/// What is compared, before any number: the annotators and their files, how many
/// documents are compared, the documents some files lack, and where the schemas differ.
pub fn summary(comparison: &Comparison) -> Vec<String> {
    let mut lines = Vec::new();
    let annotators: Vec<String> = comparison
        .annotators
        .iter()
        .map(|a| format!("{} ({})", a.name, a.source))
        .collect();
    lines.push(format!(
        "annotators: {} ({})",
        comparison.annotators.len(),
        annotators.join(", ")
    ));
    let missing: Vec<(usize, AnnotatorSet)> = comparison.missing_documents().collect();
    lines.push(format!(
        "documents: {} compared (in at least two files), {} missing from some files",
        comparison.compared_documents(),
        missing.len()
    ));
    for (d, from) in missing {
        let doc = &comparison.documents[d];
        lines.push(format!(
            "  `{}` ({}) is missing from {}",
            doc.id,
            crate::model::Quoted(&doc.title),
            names(comparison, from).join(", ")
        ));
    }
    for (a, b) in comparison.pairs_without_common_documents() {
        lines.push(format!(
            "  {} and {} have no document in common",
            comparison.annotators[a].name, comparison.annotators[b].name
        ));
    }
    if comparison.schema_differences.is_empty() {
        lines.push("schemas: the same labels and link types".to_owned());
    } else {
        lines.push(format!(
            "schemas differ in {} ways:",
            comparison.schema_differences.len()
        ));
        for difference in &comparison.schema_differences {
            lines.push(format!("  {}", difference.describe(&comparison.annotators)));
        }
    }
    lines
}

/// The project's tables: spans per annotator, exact and relaxed span F1, token kappa
/// (with the mean over pairs for three or more annotators), Krippendorff's alpha, link
/// F1, and a confusion matrix per pair.
pub fn project_tables(comparison: &Comparison, agreement: &Agreement) -> Vec<Table> {
    let figures = &agreement.project;
    let labels: Vec<&str> = comparison.labels.iter().map(|l| l.key.as_str()).collect();
    let pairs: Vec<String> = figures
        .pairs
        .iter()
        .map(|p| pair_name(comparison, p.a, p.b))
        .collect();
    let header = |first: &str, rest: &[String]| {
        std::iter::once(first.to_owned())
            .chain(rest.iter().cloned())
            .collect::<Vec<_>>()
    };
    let mut tables = Vec::new();

    // Spans per annotator and label, over every document.
    let mut counts = vec![vec![0usize; comparison.annotators.len()]; labels.len()];
    for doc in &comparison.documents {
        for span in &doc.spans {
            for a in span.annotators.iter() {
                counts[span.label][a] += 1;
            }
        }
    }
    let annotator_names: Vec<String> = comparison
        .annotators
        .iter()
        .map(|a| a.name.clone())
        .collect();
    tables.push(Table {
        title: "Spans per annotator".to_owned(),
        header: header("label", &annotator_names),
        rows: labels
            .iter()
            .zip(&counts)
            .map(|(label, row)| {
                std::iter::once((*label).to_owned())
                    .chain(row.iter().map(usize::to_string))
                    .collect()
            })
            .collect(),
    });

    let score_table = |title: &str, scores: &dyn Fn(&PairFigures) -> &[Score]| {
        let mut rows: Vec<Vec<String>> = labels
            .iter()
            .enumerate()
            .map(|(l, label)| {
                std::iter::once((*label).to_owned())
                    .chain(figures.pairs.iter().map(|p| figure(scores(p)[l].f1())))
                    .collect()
            })
            .collect();
        rows.push(
            std::iter::once("overall".to_owned())
                .chain(
                    figures
                        .pairs
                        .iter()
                        .map(|p| figure(super::agreement::total(scores(p)).f1())),
                )
                .collect(),
        );
        Table {
            title: title.to_owned(),
            header: header("label", &pairs),
            rows,
        }
    };
    tables.push(score_table("Exact span F1", &|p| &p.exact));
    tables.push(score_table(
        "Relaxed span F1 (same label, overlapping)",
        &|p| &p.relaxed,
    ));

    let several = comparison.annotators.len() > 2;
    let mut kappa_header = header("label", &pairs);
    if several {
        kappa_header.push("mean".to_owned());
    }
    let mut kappa_rows: Vec<Vec<String>> = labels
        .iter()
        .enumerate()
        .map(|(l, label)| {
            let mut row: Vec<String> = std::iter::once((*label).to_owned())
                .chain(figures.pairs.iter().map(|p| figure(p.kappa(l))))
                .collect();
            if several {
                row.push(figure(figures.mean_kappa(l)));
            }
            row
        })
        .collect();
    let mut macro_row: Vec<String> = std::iter::once("macro".to_owned())
        .chain(figures.pairs.iter().map(|p| figure(p.kappa_macro())))
        .collect();
    if several {
        macro_row.push(figure(figures.mean_kappa_macro()));
    }
    kappa_rows.push(macro_row);
    tables.push(Table {
        title: "Token-level Cohen's kappa".to_owned(),
        header: kappa_header,
        rows: kappa_rows,
    });

    let mut alpha_rows: Vec<Vec<String>> = labels
        .iter()
        .enumerate()
        .map(|(l, label)| vec![(*label).to_owned(), figure(figures.alpha(l))])
        .collect();
    alpha_rows.push(vec!["macro".to_owned(), figure(figures.alpha_macro())]);
    tables.push(Table {
        title: "Krippendorff's alpha (nominal, token decisions)".to_owned(),
        header: vec!["label".to_owned(), "alpha".to_owned()],
        rows: alpha_rows,
    });

    let mut link_rows: Vec<Vec<String>> = comparison
        .link_types
        .iter()
        .enumerate()
        .map(|(t, link_type)| {
            std::iter::once(link_type.key.clone())
                .chain(figures.pairs.iter().map(|p| figure(p.links[t].f1())))
                .collect()
        })
        .collect();
    link_rows.push(
        std::iter::once("overall".to_owned())
            .chain(figures.pairs.iter().map(|p| figure(p.links_overall().f1())))
            .collect(),
    );
    tables.push(Table {
        title: "Link F1 (from span, to span, type)".to_owned(),
        header: header("link type", &pairs),
        rows: link_rows,
    });

    for pair in &figures.pairs {
        tables.push(confusion_table(comparison, pair));
    }
    tables
}

/// The confusion matrix of a pair: rows the first annotator's labels, columns the
/// second's, "none" last.
pub fn confusion_table(comparison: &Comparison, pair: &PairFigures) -> Table {
    let names: Vec<String> = comparison
        .labels
        .iter()
        .map(|l| l.key.clone())
        .chain(std::iter::once("none".to_owned()))
        .collect();
    let name = |i: usize| {
        comparison
            .annotators
            .get(i)
            .map_or_else(String::new, |a| a.name.clone())
    };
    let corner = format!("{} \\ {}", name(pair.a), name(pair.b));
    Table {
        title: format!(
            "Confusion of labels on the same ranges: {} (rows) against {} (columns)",
            name(pair.a),
            name(pair.b)
        ),
        header: std::iter::once(corner)
            .chain(names.iter().cloned())
            .collect(),
        rows: names
            .iter()
            .enumerate()
            .map(|(r, label)| {
                std::iter::once(label.clone())
                    .chain((0..names.len()).map(|c| pair.confusion.get(r, c).to_string()))
                    .collect()
            })
            .collect(),
    }
}

/// One row per compared document: its disagreements, exact span F1 and macro kappa per
/// pair, and alpha's macro average.
pub fn document_table(comparison: &Comparison, agreement: &Agreement) -> Table {
    let pairs: Vec<String> = agreement
        .project
        .pairs
        .iter()
        .map(|p| pair_name(comparison, p.a, p.b))
        .collect();
    let mut header = vec!["document".to_owned(), "disagreements".to_owned()];
    header.extend(pairs.iter().map(|p| format!("F1 {p}")));
    header.extend(pairs.iter().map(|p| format!("kappa {p}")));
    header.push("alpha".to_owned());
    let mut rows = Vec::new();
    for (doc, figures) in comparison.documents.iter().zip(&agreement.documents) {
        let Some(figures) = figures else { continue };
        let mut row = vec![doc.id.clone(), doc.disagreement_count().to_string()];
        let defined = |p: &PairFigures, value: Option<f64>| {
            if p.documents == 0 {
                "-".to_owned()
            } else {
                figure(value)
            }
        };
        row.extend(
            figures
                .pairs
                .iter()
                .map(|p| defined(p, p.exact_overall().f1())),
        );
        row.extend(figures.pairs.iter().map(|p| defined(p, p.kappa_macro())));
        row.push(figure(figures.alpha_macro()));
        rows.push(row);
    }
    Table {
        title: "Per document (exact span F1 overall, macro kappa, macro alpha)".to_owned(),
        header,
        rows,
    }
}

/// The whole report as text: summary, project tables, then the per-document table.
pub fn to_text(comparison: &Comparison, agreement: &Agreement) -> String {
    let mut text = String::new();
    for line in summary(comparison) {
        text.push_str(&line);
        text.push('\n');
    }
    for table in project_tables(comparison, agreement) {
        text.push('\n');
        text.push_str(&table.to_text());
    }
    text.push('\n');
    text.push_str(&document_table(comparison, agreement).to_text());
    text.push_str("\nn/a: undefined (nothing to compare, or chance agreement is 1)\n");
    text
}

fn score_json(score: Score) -> Value {
    json!({ "f1": score.f1(), "matched": score.matched, "a": score.a, "b": score.b })
}

/// One set of figures as JSON, keyed by metric, then annotator pair, then label. Pairs
/// with no document in common are left out unless `all_pairs`.
fn figures_json(comparison: &Comparison, figures: &Figures, all_pairs: bool) -> Value {
    let labels: Vec<&str> = comparison.labels.iter().map(|l| l.key.as_str()).collect();
    let link_types: Vec<&str> = comparison
        .link_types
        .iter()
        .map(|t| t.key.as_str())
        .collect();
    let pairs: Vec<&PairFigures> = figures
        .pairs
        .iter()
        .filter(|p| all_pairs || p.documents > 0)
        .collect();
    let keyed = |value: &dyn Fn(&PairFigures) -> Value| {
        let mut map = Map::new();
        for pair in &pairs {
            map.insert(pair_name(comparison, pair.a, pair.b), value(pair));
        }
        Value::Object(map)
    };
    let per_label = |value: &dyn Fn(usize) -> Value| {
        let mut map = Map::new();
        for (l, label) in labels.iter().enumerate() {
            map.insert((*label).to_owned(), value(l));
        }
        Value::Object(map)
    };
    let spans = |scores: &dyn Fn(&PairFigures) -> &[Score]| {
        keyed(&|p| {
            json!({
                "overall": score_json(super::agreement::total(scores(p))),
                "labels": per_label(&|l| score_json(scores(p)[l])),
            })
        })
    };
    let mut out = Map::new();
    out.insert(
        "documents".to_owned(),
        json!({
            "compared": figures.documents,
            "pairs": keyed(&|p| json!(p.documents)),
        }),
    );
    out.insert("exact_f1".to_owned(), spans(&|p| &p.exact));
    out.insert("relaxed_f1".to_owned(), spans(&|p| &p.relaxed));
    out.insert(
        "kappa".to_owned(),
        keyed(&|p| {
            json!({
                "macro": p.kappa_macro(),
                "labels": per_label(&|l| json!(p.kappa(l))),
                "tokens": per_label(&|l| {
                    let c = p.tokens[l];
                    json!({ "both": c.both, "only_a": c.only_a, "only_b": c.only_b, "neither": c.neither })
                }),
            })
        }),
    );
    out.insert(
        "mean_kappa".to_owned(),
        json!({
            "macro": figures.mean_kappa_macro(),
            "labels": per_label(&|l| json!(figures.mean_kappa(l))),
        }),
    );
    out.insert(
        "alpha".to_owned(),
        json!({
            "macro": figures.alpha_macro(),
            "labels": per_label(&|l| json!(figures.alpha(l))),
        }),
    );
    out.insert(
        "links_f1".to_owned(),
        keyed(&|p| {
            let mut types = Map::new();
            for (t, key) in link_types.iter().enumerate() {
                types.insert((*key).to_owned(), score_json(p.links[t]));
            }
            json!({ "overall": score_json(p.links_overall()), "types": types })
        }),
    );
    out.insert(
        "confusion".to_owned(),
        keyed(&|p| {
            let names: Vec<&str> = labels.iter().copied().chain(["none"]).collect();
            let counts: Vec<Vec<u64>> = (0..names.len())
                .map(|r| (0..names.len()).map(|c| p.confusion.get(r, c)).collect())
                .collect();
            json!({
                "rows": comparison.annotators[p.a].name,
                "columns": comparison.annotators[p.b].name,
                "labels": names,
                "counts": counts,
            })
        }),
    );
    Value::Object(out)
}

/// The whole report as JSON: the annotators, the documents (compared and missing),
/// the schema differences, the project's figures and each document's.
pub fn to_json(comparison: &Comparison, agreement: &Agreement) -> Value {
    let annotators: Vec<Value> = comparison
        .annotators
        .iter()
        .map(|a| json!({ "name": a.name, "source": a.source }))
        .collect();
    let missing: Vec<Value> = comparison
        .missing_documents()
        .map(|(d, from)| {
            let doc = &comparison.documents[d];
            json!({
                "id": doc.id,
                "title": doc.title,
                "digest": doc.digest,
                "missing_from": names(comparison, from),
            })
        })
        .collect();
    let differences: Vec<String> = comparison
        .schema_differences
        .iter()
        .map(|d| d.describe(&comparison.annotators))
        .collect();
    let documents: Vec<Value> = comparison
        .documents
        .iter()
        .zip(&agreement.documents)
        .filter_map(|(doc, figures)| {
            let figures = figures.as_ref()?;
            let mut value = figures_json(comparison, figures, false);
            if let Value::Object(map) = &mut value {
                map.insert("id".to_owned(), json!(doc.id));
                map.insert("title".to_owned(), json!(doc.title));
                map.insert("digest".to_owned(), json!(doc.digest));
                map.insert(
                    "annotators".to_owned(),
                    json!(names(comparison, doc.annotators())),
                );
                map.insert("disagreements".to_owned(), json!(doc.disagreement_count()));
            }
            Some(value)
        })
        .collect();
    json!({
        "annotators": annotators,
        "documents": {
            "compared": comparison.compared_documents(),
            "missing": missing,
        },
        "schema_differences": differences,
        "project": figures_json(comparison, &agreement.project, true),
        "per_document": documents,
    })
}
