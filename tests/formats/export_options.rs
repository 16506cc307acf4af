//! Export options: status filter, deterministic split, layers, strict, cancel, and what
//! each format says it could not carry.

use std::cell::Cell;
use std::ops::ControlFlow;

use marginalia::formats::{
    self, ExportOptions, Format, FormatError, Layer, OffsetUnit, Omitted, Split,
};
use marginalia::model::{Document, Project, Status};

use crate::support::{add_span, export, load_fixture, options, set_note, temp_dir};

#[test]
fn status_filter_and_split_are_deterministic_and_by_document() {
    let mut project = load_fixture();
    for i in 0..40 {
        let mut doc = Document::new(
            format!("doc-{i:02}"),
            format!("Doc {i}"),
            format!("Text number {i}."),
        );
        doc.status = if i % 4 == 0 {
            Status::Todo
        } else {
            Status::Done
        };
        project.documents.push(doc);
    }
    let split: Split = "train=0.8,dev=0.1,test=0.1".parse().expect("split");
    let opts = ExportOptions {
        status: Some(Status::Done),
        split: Some(split.with_seed(42)),
        ..ExportOptions::new(Format::Jsonl)
    };
    let temp = temp_dir();
    let out = temp.path().join("data.jsonl");
    let first = export(&project, &opts, &out);
    let names: Vec<String> = first
        .parts
        .iter()
        .map(|p| {
            p.path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        names,
        ["data.train.jsonl", "data.dev.jsonl", "data.test.jsonl"]
    );
    assert_eq!(
        first.documents(),
        31,
        "30 done documents and the fixture's stress article"
    );
    assert_eq!(
        first
            .parts
            .iter()
            .map(|p| p.documents.len())
            .collect::<Vec<_>>(),
        [25, 3, 3]
    );
    let all: Vec<&String> = first.parts.iter().flat_map(|p| &p.documents).collect();
    assert!(all.iter().all(|id| {
        project
            .document(id)
            .is_some_and(|d| d.status == Status::Done)
    }));
    let lines: usize = first
        .parts
        .iter()
        .map(|p| {
            std::fs::read_to_string(&p.path)
                .expect("part")
                .lines()
                .count()
        })
        .sum();
    assert_eq!(lines, 31);
    let again = export(&project, &opts, &temp.path().join("again.jsonl"));
    let ids = |r: &formats::ExportReport| {
        r.parts
            .iter()
            .map(|p| p.documents.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&first), ids(&again), "same inputs, same split");
}

#[test]
fn conll_layers_count_what_they_leave_out_and_strict_refuses() {
    let project = load_fixture();
    let temp = temp_dir();
    let outer = export(
        &project,
        &options(Format::Conll, OffsetUnit::Codepoints),
        &temp.path().join("outer.conll"),
    );
    let inner_options = ExportOptions {
        layer: Layer::Inner,
        ..ExportOptions::new(Format::Conll)
    };
    let inner = export(&project, &inner_options, &temp.path().join("inner.conll"));
    let total = project.span_count();
    assert_eq!(outer.spans + outer.spans_left_out(), total);
    assert_eq!(inner.spans + inner.spans_left_out(), total);
    assert!(outer.spans_left_out() > 0 && inner.spans_left_out() > 0);
    assert!(outer.left_out.iter().any(|o| o.kind == Omitted::Link));

    let strict = ExportOptions {
        strict: true,
        ..ExportOptions::new(Format::Conll)
    };
    let out = temp.path().join("strict.conll");
    let error =
        formats::export(&project, &strict, &out, &crate::support::no_progress).expect_err("strict");
    let FormatError::Lossy { report } = &error else {
        panic!("expected Lossy, got {error}")
    };
    assert_eq!(report.spans_left_out(), outer.spans_left_out());
    assert!(!out.exists(), "strict wrote a file");
    // Strict passes when every span fits: JSONL carries everything.
    let strict_jsonl = ExportOptions {
        strict: true,
        ..ExportOptions::new(Format::Jsonl)
    };
    let report = export(&project, &strict_jsonl, &temp.path().join("strict.jsonl"));
    assert!(report.left_out.is_empty());
    assert_eq!((report.spans, report.notes), (project.span_count(), 4));
}

#[test]
fn cancelling_writes_nothing_and_keeps_an_earlier_export() {
    let project = load_fixture();
    let temp = temp_dir();
    for format in Format::EXPORT {
        let out = temp.path().join(format!("out-{format}"));
        let calls = Cell::new(Vec::new());
        let cancel_after_one = |done: usize, total: usize| {
            let mut seen = calls.take();
            seen.push((done, total));
            calls.set(seen);
            if done >= 1 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let error = formats::export(
            &project,
            &ExportOptions::new(format),
            &out,
            &cancel_after_one,
        )
        .expect_err("cancelled");
        assert!(matches!(error, FormatError::Cancelled), "{error}");
        assert_eq!(calls.take(), [(0, 3), (1, 3)]);
        assert!(
            !out.exists(),
            "{format}: a cancelled export left {}",
            out.display()
        );
    }
    let leftovers: Vec<_> = std::fs::read_dir(temp.path()).expect("dir").collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    // A file from an earlier export survives a cancelled one.
    let out = temp.path().join("kept.jsonl");
    export(&project, &ExportOptions::new(Format::Jsonl), &out);
    let before = std::fs::read(&out).expect("written");
    let mut smaller = project.clone();
    smaller.documents.truncate(1);
    let _ = formats::export(
        &smaller,
        &ExportOptions::new(Format::Jsonl),
        &out,
        &|done, _| {
            if done == 1 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        },
    );
    assert_eq!(std::fs::read(&out).expect("still there"), before);
}

#[test]
fn brat_refuses_a_folder_with_files_in_it() {
    let project = load_fixture();
    let temp = temp_dir();
    std::fs::write(temp.path().join("old.ann"), "").expect("write");
    let error = formats::export(
        &project,
        &ExportOptions::new(Format::Brat),
        temp.path(),
        &crate::support::no_progress,
    )
    .expect_err("not empty");
    assert!(
        matches!(error, FormatError::OutputNotEmpty { .. }),
        "{error}"
    );
    // An empty folder is fine.
    let empty = temp.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    export(&project, &ExportOptions::new(Format::Brat), &empty);
    assert!(empty.join("annotation.conf").exists());
}

#[test]
fn brat_says_what_it_had_to_change() {
    let mut project = Project::new("x", "y");
    let mut doc = Document::new("d", "D", "Line one\nline two\n\nend");
    let across = add_span(&project, &mut doc, "one\nline", 0, "quote");
    add_span(&project, &mut doc, "two\n", 0, "claim");
    add_span(&project, &mut doc, "\n\n", 0, "actor");
    set_note(&project, &mut doc, across, "First line\nsecond line");
    project.documents.push(doc);
    let temp = temp_dir();
    let out = temp.path().join("brat");
    let report = export(&project, &ExportOptions::new(Format::Brat), &out);
    let reasons: Vec<String> = report.left_out.iter().map(ToString::to_string).collect();
    assert_eq!(report.spans, 1, "{reasons:?}");
    assert_eq!(report.spans_left_out(), 2, "{reasons:?}");
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("1 span changed: they start or end on a line break")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("1 span left out: they cover only line breaks")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.starts_with("1 note changed")),
        "{reasons:?}"
    );
    let ann = std::fs::read_to_string(out.join("d.ann")).expect("ann");
    assert!(ann.contains("T1\tquote 5 8;9 13\tone line\n"), "{ann}");
    assert!(
        ann.contains("AnnotatorNotes T1\tFirst line second line\n"),
        "{ann}"
    );
}

#[test]
fn spacy_tokens_rebuild_the_text_and_every_span_is_whole_tokens() {
    let project = load_fixture();
    let temp = temp_dir();
    for unit in OffsetUnit::ALL {
        let out = temp.path().join(format!("spacy-{unit}.jsonl"));
        let report = export(&project, &options(Format::Spacy, unit), &out);
        assert_eq!(report.spans, project.span_count(), "{unit}");
        let content = std::fs::read_to_string(&out).expect("spacy");
        for (line, doc) in content.lines().zip(&project.documents) {
            let value: serde_json::Value = serde_json::from_str(line).expect("json");
            let tokens = value["tokens"].as_array().expect("tokens");
            let mut rebuilt = String::new();
            for token in tokens {
                rebuilt.push_str(token["text"].as_str().expect("text"));
                if token["ws"].as_bool().expect("ws") {
                    rebuilt.push(' ');
                }
            }
            assert_eq!(rebuilt, doc.text(), "{unit}: tokens rebuild the text");
            let spans = value["spans"].as_array().expect("spans");
            assert_eq!(spans.len(), doc.spans().len());
            for span in spans {
                let first = &tokens[span["token_start"].as_u64().expect("n") as usize];
                let last = &tokens[span["token_end"].as_u64().expect("n") as usize];
                assert_eq!(first["start"], span["start"], "{unit}: {span}");
                assert_eq!(last["end"], span["end"], "{unit}: {span}");
            }
            assert_eq!(value["meta"]["offsets"], unit.as_str());
        }
    }
}

#[test]
fn import_formats_cannot_be_exported_and_vice_versa() {
    let project = load_fixture();
    let temp = temp_dir();
    let error = formats::export(
        &project,
        &ExportOptions::new(Format::Txt),
        &temp.path().join("x"),
        &crate::support::no_progress,
    )
    .expect_err("txt is import only");
    assert!(matches!(error, FormatError::Options(_)));
    let mut target = project.clone();
    let error = formats::import(
        &mut target,
        &formats::ImportOptions::new(Format::Csv),
        &[temp.path().join("x.csv")],
    )
    .expect_err("csv is export only");
    assert!(matches!(error, FormatError::Options(_)));
}
