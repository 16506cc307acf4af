//! Import checks everything, names the file and line of every problem, and changes
//! nothing when there is one.

use std::path::{Path, PathBuf};

use marginalia::formats::{self, Format, FormatError, ImportOptions, InputProblem};
use marginalia::model::Project;

use crate::support::{import_fresh, load_fixture, temp_dir};

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write input");
    path
}

/// Imports and expects failure; checks the project did not change and returns the
/// problems.
fn problems(project: &Project, options: &ImportOptions, inputs: &[PathBuf]) -> Vec<InputProblem> {
    let mut target = project.clone();
    let error = formats::import(&mut target, options, inputs).expect_err("the import should fail");
    assert_eq!(&target, project, "a failed import changed the project");
    match error {
        FormatError::Invalid { problems } => problems,
        other => panic!("expected input problems, got {other}"),
    }
}

fn one_line(problems: &[InputProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn jsonl_offsets_out_of_range_or_inside_a_character_name_file_and_line() {
    let temp = temp_dir();
    let input = write(
        temp.path(),
        "bad.jsonl",
        concat!(
            r#"{"id": 1, "text": "fine", "entities": [{"id": 1, "label": "actor", "start_offset": 0, "end_offset": 4}]}"#,
            "\n\n",
            r#"{"id": 2, "text": "short", "entities": [{"id": 1, "label": "actor", "start_offset": 2, "end_offset": 9}]}"#,
            "\n",
            r#"{"id": 3, "text": "a😀b", "entities": [{"id": 1, "label": "actor", "start_offset": 0, "end_offset": 2}], "meta": {"offsets": "utf16"}}"#,
            "\n",
            r#"{"id": 4, "text": "x", "entities": [{"id": 1, "label": "actor", "start_offset": 1, "end_offset": 0}]}"#,
            "\n",
            "not json\n",
        ),
    );
    let project = load_fixture();
    let found = problems(
        &project,
        &ImportOptions::new(Format::Jsonl),
        std::slice::from_ref(&input),
    );
    let lines: Vec<Option<usize>> = found.iter().map(|p| p.line).collect();
    assert_eq!(
        lines,
        [Some(3), Some(4), Some(5), Some(6)],
        "{}",
        one_line(&found)
    );
    assert!(found.iter().all(|p| p.path == input));
    assert!(
        found[0]
            .message
            .contains("past the end of the text (5 codepoints)"),
        "{}",
        found[0]
    );
    assert!(
        found[1].message.contains("inside a character (utf16"),
        "{}",
        found[1]
    );
    assert!(
        found[2].message.contains("empty or reversed"),
        "{}",
        found[2]
    );
    assert!(
        found[3].message.contains("not a JSON document line"),
        "{}",
        found[3]
    );
}

#[test]
fn jsonl_sequence_shape_and_bad_links_and_notes() {
    let temp = temp_dir();
    let good = write(
        temp.path(),
        "seq.jsonl",
        concat!(
            r#"{"text": "Zelensky in Kyiv", "label": [[0, 8, "actor"], [12, 16, "location"]]}"#,
            "\n"
        ),
    );
    let project = load_fixture();
    let (imported, report) = import_fresh(&project, &ImportOptions::new(Format::Jsonl), &[good]);
    assert_eq!(report.spans(), 2);
    let doc = &imported.documents[0];
    assert_eq!(doc.id, "seq");
    assert_eq!(doc.title, "Zelensky in Kyiv");
    let texts: Vec<&str> = doc.spans().iter().map(|s| doc.span_text(s)).collect();
    assert_eq!(texts, ["Zelensky", "Kyiv"]);

    let bad = write(
        temp.path(),
        "links.jsonl",
        concat!(
            r#"{"id": "d", "text": "Zelensky in Kyiv said hi", "entities": [{"id": 1, "label": "actor", "start_offset": 0, "end_offset": 8}, {"id": 2, "label": "location", "start_offset": 12, "end_offset": 16}], "relations": [{"id": 1, "from_id": 1, "to_id": 9, "type": "said_by"}, {"id": 2, "from_id": 2, "to_id": 1, "type": "said_by"}], "meta": {"notes": {"7": "lost"}}}"#,
            "\n"
        ),
    );
    let found = problems(&project, &ImportOptions::new(Format::Jsonl), &[bad]);
    let text = one_line(&found);
    assert!(
        text.contains("links.jsonl:1: relation 1: `to_id` 9 is not an entity"),
        "{text}"
    );
    assert!(
        text.contains("note on entity 7, which does not exist"),
        "{text}"
    );
    assert!(
        text.contains("cannot go from a `location` to a `actor`"),
        "{text}"
    );
}

#[test]
fn brat_text_mismatch_and_bad_offsets_are_reported_by_line() {
    let temp = temp_dir();
    write(temp.path(), "doc.txt", "President Zelensky spoke in Kyiv.");
    let ann = write(
        temp.path(),
        "doc.ann",
        "T1\tactor 0 18\tPresident Zelensky\nT2\tlocation 27 31\tKyiv\nT3\tlocation 28 32\tKyiv\nT4\tactor 10 99\tZelensky\nR1\tsaid_by Arg1:T1 Arg2:T9\nE1\tEvent:T1\n",
    );
    let project = load_fixture();
    let found = problems(
        &project,
        &ImportOptions::new(Format::Brat),
        std::slice::from_ref(&ann),
    );
    let text = one_line(&found);
    assert!(found.iter().all(|p| p.path == ann), "{text}");
    assert_eq!(
        found.iter().map(|p| p.line).collect::<Vec<_>>(),
        [Some(2), Some(4), Some(5)],
        "{text}"
    );
    assert!(
        text.contains("cover \" Kyi\" in the text, but the line says \"Kyiv\""),
        "{text}"
    );
    assert!(
        text.contains("offset 99 is past the end of the text (33 codepoints)"),
        "{text}"
    );
    assert!(
        text.contains("T9 is not a text span of this file"),
        "{text}"
    );
}

#[test]
fn unknown_labels_are_reported_added_or_mapped() {
    let temp = temp_dir();
    let input = write(
        temp.path(),
        "ner.conll",
        "-DOCSTART-\tO\n\nZelensky\tB-PER\nvisited\tO\nKyiv\tB-LOC\n.\tO\n\nPutin\tB-PER\nstayed\tO\n",
    );
    let project = load_fixture();
    let found = problems(
        &project,
        &ImportOptions::new(Format::Conll),
        std::slice::from_ref(&input),
    );
    let text = one_line(&found);
    assert_eq!(found.len(), 2, "{text}");
    assert!(
        text.contains("ner.conll:5: the project has no label `LOC` (1 span from here on)"),
        "{text}"
    );
    assert!(
        text.contains("ner.conll:3: the project has no label `PER` (2 spans from here on)"),
        "{text}"
    );
    assert!(text.contains("--map PER=LABEL"), "{text}");

    let mapped = ImportOptions {
        map: vec![
            ("PER".into(), "actor".into()),
            ("LOC".into(), "location".into()),
        ],
        ..ImportOptions::new(Format::Conll)
    };
    let (imported, report) = import_fresh(&project, &mapped, std::slice::from_ref(&input));
    assert_eq!(
        report.mapped,
        [
            ("PER".into(), "actor".into(), 2),
            ("LOC".into(), "location".into(), 1)
        ]
    );
    let doc = &imported.documents[0];
    assert_eq!(doc.text(), "Zelensky visited Kyiv .\nPutin stayed");
    let spans: Vec<(&str, &str)> = doc
        .spans()
        .iter()
        .map(|s| (doc.span_text(s), s.label.as_str()))
        .collect();
    assert_eq!(
        spans,
        [
            ("Zelensky", "actor"),
            ("Kyiv", "location"),
            ("Putin", "actor")
        ]
    );

    let added = ImportOptions {
        add_labels: true,
        ..ImportOptions::new(Format::Conll)
    };
    let (imported, report) = import_fresh(&project, &added, &[input]);
    assert_eq!(report.added_labels, ["LOC", "PER"]);
    assert!(imported.schema.label("PER").is_some());
    assert!(
        imported.schema.problems().is_empty(),
        "{:?}",
        imported.schema.problems()
    );
}

#[test]
fn mapping_to_a_label_the_project_lacks_is_refused() {
    let mut project = load_fixture();
    let options = ImportOptions {
        map: vec![("PER".into(), "person".into())],
        ..ImportOptions::new(Format::Conll)
    };
    let error =
        formats::import(&mut project, &options, &[PathBuf::from("x.conll")]).expect_err("refused");
    assert!(matches!(error, FormatError::Options(_)), "{error}");
}

#[test]
fn conll_reads_iob1_and_iob2_and_refuses_other_tags() {
    let temp = temp_dir();
    let input = write(
        temp.path(),
        "mixed.conll",
        "EU NNP B-NP I-actor\nrejects VBZ B-VP O\nGerman JJ B-NP B-actor\ncall NN I-NP I-actor\n\nPeter\tB-actor\nBlackburn\tI-actor\nBrussels\tI-location\n",
    );
    let project = load_fixture();
    let (imported, _) = import_fresh(&project, &ImportOptions::new(Format::Conll), &[input]);
    let doc = &imported.documents[0];
    let spans: Vec<&str> = doc.spans().iter().map(|s| doc.span_text(s)).collect();
    assert_eq!(spans, ["EU", "German call", "Peter Blackburn", "Brussels"]);

    let bad = write(temp.path(), "bad.conll", "Kyiv\tS-location\nalone\n");
    let found = problems(&project, &ImportOptions::new(Format::Conll), &[bad]);
    assert_eq!(
        found.iter().map(|p| p.line).collect::<Vec<_>>(),
        [Some(1), Some(2)],
        "{}",
        one_line(&found)
    );
}

#[test]
fn articles_already_in_the_project_are_skipped_and_ids_kept_unique() {
    let temp = temp_dir();
    let project = load_fixture();
    let same_text = project.documents[0].text().to_owned();
    let a = write(temp.path(), "kyiv-talks.txt", &same_text);
    let b = write(
        temp.path(),
        "kyiv-talks.md",
        "# Another article\n\nDifferent text.\n",
    );
    let mut target = project.clone();
    let report =
        formats::import(&mut target, &ImportOptions::new(Format::Txt), &[a, b]).expect("import");
    assert_eq!(report.skipped.len(), 1, "{:?}", report.skipped);
    assert!(report.skipped[0].contains("same text as `kyiv-talks`, already in the project"));
    assert_eq!(report.documents.len(), 1);
    assert_eq!(report.documents[0].id, "kyiv-talks-2");
    assert_eq!(
        target.documents.last().map(|d| d.title.as_str()),
        Some("Another article")
    );
}

#[test]
fn a_bad_article_among_good_ones_imports_none() {
    let temp = temp_dir();
    let good = write(temp.path(), "good.txt", "Fine text.\n");
    let empty = write(temp.path(), "empty.txt", "  \n");
    let binary = temp.path().join("binary.txt");
    std::fs::write(&binary, b"ok \xFF no").expect("write");
    let project = load_fixture();
    let found = problems(
        &project,
        &ImportOptions::new(Format::Txt),
        &[good, empty, binary],
    );
    let text = one_line(&found);
    assert_eq!(found.len(), 2, "{text}");
    assert!(text.contains("empty.txt: "), "{text}");
    assert!(text.contains("invalid byte at offset 3"), "{text}");
}

#[test]
fn brat_lines_outside_the_model_are_passed_over_and_reported() {
    let temp = temp_dir();
    write(temp.path(), "doc.txt", "Zelensky spoke.");
    write(
        temp.path(),
        "doc.ann",
        "T1\tactor 0 8\tZelensky\nA1\tNegated T1\nA2\tNegated T1\n",
    );
    let project = load_fixture();
    let (_, report) = import_fresh(
        &project,
        &ImportOptions::new(Format::Brat),
        &[temp.path().to_path_buf()],
    );
    assert_eq!(report.ignored.len(), 1);
    assert_eq!(report.ignored[0].count, 2);
    assert!(
        report.ignored[0].first.ends_with("doc.ann:2"),
        "{:?}",
        report.ignored
    );
}
