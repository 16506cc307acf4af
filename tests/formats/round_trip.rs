//! import(export(P)) gives back P's spans, links and notes exactly, for JSONL and brat,
//! in every offset unit: on the fixture, on the sample project, and on random spans over
//! the stress article.

use std::path::PathBuf;

use marginalia::formats::{Format, ImportOptions, OffsetUnit};
use marginalia::model::{Document, Project};
use proptest::prelude::*;

use crate::support::{
    STRESS_TEXT, assert_same_annotations, export, import_fresh, load_fixture, options, temp_dir,
};

/// Exports `project` in `format` and `unit`, imports the result into an empty project,
/// and compares every document.
fn round_trip(project: &Project, format: Format, unit: OffsetUnit) {
    let temp = temp_dir();
    let out = temp.path().join(format!("out-{format}-{unit}"));
    let report = export(project, &options(format, unit), &out);
    assert!(
        report.left_out.is_empty(),
        "{format} {unit} left out: {:?}",
        report.left_out
    );
    // The unit is read back from what the export recorded.
    let (imported, import_report) = import_fresh(project, &ImportOptions::new(format), &[out]);
    assert!(
        import_report.skipped.is_empty(),
        "{:?}",
        import_report.skipped
    );
    let context = format!("{format} in {unit}");
    // Documents with the same text are the same article: the importer skips the second.
    let mut seen = std::collections::HashSet::new();
    let expected: Vec<&Document> = project
        .documents
        .iter()
        .filter(|d| seen.insert(d.digest().to_owned()))
        .collect();
    assert_eq!(imported.documents.len(), expected.len(), "{context}");
    for want in expected {
        // brat folders have no document order (files are read by name): match by id.
        let got = imported
            .document(&want.id)
            .unwrap_or_else(|| panic!("{context}: `{}` missing", want.id));
        assert_same_annotations(want, got, &context);
        if format == Format::Jsonl {
            assert_eq!(
                (&want.title, &want.source, want.status),
                (&got.title, &got.source, got.status),
                "{context}"
            );
        }
    }
}

#[test]
fn fixture_round_trips_in_jsonl_and_brat_in_every_unit() {
    let project = load_fixture();
    for format in [Format::Jsonl, Format::Brat] {
        for unit in OffsetUnit::ALL {
            round_trip(&project, format, unit);
        }
    }
}

#[test]
fn sample_project_round_trips_in_jsonl_and_brat_in_every_unit() {
    let sample = crate::binary::checkout().join("saves/sample.ron");
    let Ok(loaded) = marginalia::store::load(&sample) else {
        eprintln!(
            "note: {} does not load; skipping its round trip",
            sample.display()
        );
        return;
    };
    let mut project = loaded.project;
    // Notes with line breaks are written as spaces by brat (and reported): not exact.
    let multi_line_notes = project
        .documents
        .iter()
        .flat_map(|d| d.spans())
        .any(|s| s.note.as_deref().is_some_and(|n| n.contains(['\n', '\r'])));
    project
        .documents
        .push(crate::support::stress_document(&project));
    for unit in OffsetUnit::ALL {
        round_trip(&project, Format::Jsonl, unit);
        if !multi_line_notes {
            round_trip(&project, Format::Brat, unit);
        }
    }
}

/// Random spans over the stress article: `(start, length, label)` with the start and
/// length in code points.
fn random_document(
    project: &Project,
    picks: &[(usize, usize, usize)],
    links: &[(usize, usize)],
) -> Document {
    let mut doc = Document::new("random", "Random", STRESS_TEXT);
    let chars: Vec<char> = STRESS_TEXT.chars().collect();
    let labels = ["claim", "quote", "location", "actor"];
    for &(start, len, label) in picks {
        let start = start % chars.len();
        let end = (start + 1 + len % 12).min(chars.len());
        // brat fragments cannot start or end on a line break (that is reported, and
        // tested elsewhere); here every span should survive exactly.
        let breaks = |c: char| c == '\r' || c == '\n';
        if breaks(chars[start]) || breaks(chars[end - 1]) {
            continue;
        }
        let edit = doc.add_span_edit(start, end, labels[label % labels.len()]);
        let _ = doc.apply(edit, &project.schema);
    }
    let ids: Vec<_> = doc.spans().iter().map(|s| s.id).collect();
    for &(from, to) in links {
        if ids.is_empty() {
            break;
        }
        let (from, to) = (ids[from % ids.len()], ids[to % ids.len()]);
        for link_type in ["said_by", "continues"] {
            let edit = doc.add_link_edit(from, to, link_type);
            if doc.apply(edit, &project.schema).is_ok() {
                break;
            }
        }
    }
    doc
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_spans_on_the_stress_article_round_trip(
        picks in prop::collection::vec((0usize..200, 0usize..40, 0usize..4), 1..25),
        links in prop::collection::vec((0usize..30, 0usize..30), 0..8),
        unit in prop::sample::select(OffsetUnit::ALL.to_vec()),
        format in prop::sample::select(vec![Format::Jsonl, Format::Brat]),
    ) {
        let mut project = Project::new("random", "tester");
        let doc = random_document(&project, &picks, &links);
        project.documents.push(doc);
        round_trip(&project, format, unit);
    }
}

#[test]
fn units_are_honoured_when_given_and_refused_when_they_contradict_the_file() {
    let project = load_fixture();
    let temp = temp_dir();
    let out = temp.path().join("utf16.jsonl");
    export(&project, &options(Format::Jsonl, OffsetUnit::Utf16), &out);
    // Asking for the recorded unit is fine.
    let asked = ImportOptions {
        offsets: Some(OffsetUnit::Utf16),
        ..ImportOptions::new(Format::Jsonl)
    };
    let (imported, _) = import_fresh(&project, &asked, std::slice::from_ref(&out));
    assert_same_annotations(&project.documents[1], &imported.documents[1], "utf16 asked");
    // Asking for another is refused, not guessed.
    let wrong = ImportOptions {
        offsets: Some(OffsetUnit::Bytes),
        ..ImportOptions::new(Format::Jsonl)
    };
    let mut fresh = Project::new("x", "y");
    let error = marginalia::formats::import(&mut fresh, &wrong, &[out]).expect_err("contradiction");
    assert!(error.to_string().contains("recorded as utf16"), "{error}");
    assert!(fresh.documents.is_empty());
}

#[test]
fn brat_reads_fragments_written_by_others() {
    let temp = temp_dir();
    let dir = temp.path();
    let text = "Ship it\r\nnow, he said.";
    std::fs::write(dir.join("a.txt"), text).expect("write");
    // Fragments out of order, separated by the CRLF only.
    std::fs::write(dir.join("a.ann"), "T1\tquote 9 12;0 7\tShip it now\nT2\tactor 14 16\the\nR1\tsaid_by Arg1:T1 Arg2:T2\n#1\tAnnotatorNotes T1\tTwo lines.\n")
        .expect("write");
    let project = Project::new("x", "y");
    let (imported, _) = import_fresh(
        &project,
        &ImportOptions::new(Format::Brat),
        &[PathBuf::from(dir)],
    );
    let doc = &imported.documents[0];
    assert_eq!(doc.id, "a");
    let quote = &doc.spans()[0];
    assert_eq!(
        (quote.start, quote.end, quote.note.as_deref()),
        (0, 12, Some("Two lines."))
    );
    assert_eq!(doc.span_text(quote), "Ship it\r\nnow");
    assert_eq!(doc.links().len(), 1);
}
