//! Every edit, its validation and its inverse, without any UI.

use super::*;

const TEXT: &str = "\"We want peace,\" said Volodymyr Zelensky in Kyiv. 🇺🇦 Next.";

fn setup() -> (Document, Schema) {
    (Document::new("doc", "Doc", TEXT), Schema::default())
}

/// Char offsets of the first occurrence of `needle`.
fn find(doc: &Document, needle: &str) -> (usize, usize) {
    let byte = doc.text().find(needle).expect("needle in text");
    let start = doc.index().char_of(doc.text(), byte).expect("boundary");
    (start, start + needle.chars().count())
}

fn add(doc: &mut Document, schema: &Schema, needle: &str, label: &str) -> SpanId {
    let (start, end) = find(doc, needle);
    let edit = doc.add_span_edit(start, end, label);
    let Edit::AddSpan(span) = &edit else {
        unreachable!()
    };
    let id = span.id;
    doc.apply(edit, schema).expect("valid span");
    id
}

/// Applies `edit`, checks the document changed, applies the inverse and checks it is
/// back where it was, re-applies the inverse's inverse to check it is the edit, and
/// undoes once more: the document ends as it began.
fn round_trip(doc: &mut Document, schema: &Schema, edit: Edit) {
    let before = doc.clone();
    let inverse = doc.apply(edit, schema).expect("edit applies");
    assert_ne!(*doc, before, "the edit changed nothing");
    let after = doc.clone();
    let redo = doc.apply(inverse, schema).expect("inverse applies");
    assert_eq!(*doc, before, "the inverse did not restore the document");
    let undo = doc.apply(redo, schema).expect("redo applies");
    assert_eq!(*doc, after, "the inverse of the inverse is not the edit");
    doc.apply(undo, schema).expect("undo again");
    assert_eq!(*doc, before);
}

#[test]
fn add_span_and_undo() {
    let (mut doc, schema) = setup();
    let (start, end) = find(&doc, "Volodymyr Zelensky");
    let edit = doc.add_span_edit(start, end, "actor");
    round_trip(&mut doc, &schema, edit.clone());
    doc.apply(edit, &schema).expect("add");
    assert_eq!(doc.spans().len(), 1);
    assert_eq!(doc.span_text(&doc.spans()[0]), "Volodymyr Zelensky");
}

#[test]
fn offsets_count_code_points_after_a_flag() {
    let (mut doc, schema) = setup();
    let id = add(&mut doc, &schema, "Next", "claim");
    let span = doc.span(id).expect("span").clone();
    // The flag is two code points (regional indicators), eight UTF-8 bytes.
    assert_eq!(span.start, TEXT.chars().count() - 5);
    assert_eq!(doc.span_text(&span), "Next");
}

#[test]
fn invalid_spans_are_refused_and_change_nothing() {
    let (mut doc, schema) = setup();
    let len = doc.char_len();
    let cases = [
        (3, 3, "actor", "at least one character"),
        (5, 2, "actor", "at least one character"),
        (0, len + 1, "actor", "past the end"),
        (0, 4, "speaker", "no label `speaker`"),
    ];
    for (start, end, label, message) in cases {
        let edit = doc.add_span_edit(start, end, label);
        let error = doc.apply(edit, &schema).expect_err("refused");
        assert!(error.to_string().contains(message), "{error}");
    }
    assert!(doc.spans().is_empty());
}

#[test]
fn exact_duplicates_are_refused_but_nesting_and_overlap_are_allowed() {
    let (mut doc, schema) = setup();
    add(
        &mut doc,
        &schema,
        "\"We want peace,\" said Volodymyr",
        "quote",
    );
    add(&mut doc, &schema, "Volodymyr Zelensky", "actor");
    add(&mut doc, &schema, "Volodymyr Zelensky", "claim");
    add(&mut doc, &schema, "peace", "claim");
    let (start, end) = find(&doc, "Volodymyr Zelensky");
    let edit = doc.add_span_edit(start, end, "actor");
    let error = doc.apply(edit, &schema).expect_err("duplicate");
    assert!(matches!(error, EditError::DuplicateSpan { .. }));
    assert_eq!(doc.spans().len(), 4);
    assert_eq!(doc.spans_at(find(&doc, "Volodymyr").0).count(), 3);
}

#[test]
fn span_ids_are_never_reused() {
    let (mut doc, schema) = setup();
    let first = add(&mut doc, &schema, "Kyiv", "location");
    let edit = doc.remove_span_edit(first).expect("exists");
    doc.apply(edit, &schema).expect("removed");
    let second = add(&mut doc, &schema, "Kyiv", "location");
    assert_ne!(first, second);
}

#[test]
fn remove_span_takes_its_links_and_undo_brings_them_back() {
    let (mut doc, schema) = setup();
    let quote = add(&mut doc, &schema, "\"We want peace,\"", "quote");
    let actor = add(&mut doc, &schema, "Volodymyr Zelensky", "actor");
    let link = doc.add_link_edit(quote, actor, "said_by");
    doc.apply(link, &schema).expect("link");
    let edit = doc.remove_span_edit(actor).expect("exists");
    round_trip(&mut doc, &schema, edit.clone());
    doc.apply(edit, &schema).expect("remove");
    assert!(doc.links().is_empty());
    assert_eq!(doc.spans().len(), 1);
}

#[test]
fn relabel_and_its_inverse() {
    let (mut doc, schema) = setup();
    let id = add(&mut doc, &schema, "Kyiv", "actor");
    let edit = doc.relabel_edit(id, "location", &schema).expect("span");
    round_trip(&mut doc, &schema, edit.clone());
    doc.apply(edit, &schema).expect("relabel");
    assert_eq!(doc.span(id).map(|s| s.label.as_str()), Some("location"));
}

#[test]
fn relabel_drops_links_the_new_label_does_not_allow() {
    let (mut doc, schema) = setup();
    let quote = add(&mut doc, &schema, "\"We want peace,\"", "quote");
    let actor = add(&mut doc, &schema, "Volodymyr Zelensky", "actor");
    let link = doc.add_link_edit(quote, actor, "said_by");
    doc.apply(link, &schema).expect("link");
    // A bare relabel would leave a location `said_by` an actor: refused.
    let bare = Edit::Relabel {
        id: quote,
        from: "quote".into(),
        to: "location".into(),
    };
    assert!(matches!(
        doc.apply(bare, &schema),
        Err(EditError::LinkNotAllowed { .. })
    ));
    // The builder removes the link as part of the same step.
    let edit = doc.relabel_edit(quote, "location", &schema).expect("span");
    round_trip(&mut doc, &schema, edit.clone());
    doc.apply(edit, &schema).expect("relabel");
    assert!(doc.links().is_empty());
    // Relabelling to claim keeps the link: claims may be said by actors too.
    let edit = doc.relabel_edit(quote, "claim", &schema).expect("span");
    assert!(matches!(edit, Edit::Relabel { .. }));
}

#[test]
fn relabel_into_a_duplicate_is_refused() {
    let (mut doc, schema) = setup();
    let a = add(&mut doc, &schema, "Kyiv", "actor");
    add(&mut doc, &schema, "Kyiv", "location");
    let edit = doc.relabel_edit(a, "location", &schema).expect("span");
    assert!(matches!(
        doc.apply(edit, &schema),
        Err(EditError::DuplicateSpan { .. })
    ));
}

#[test]
fn resize_and_its_inverse_keep_reading_order() {
    let (mut doc, schema) = setup();
    let id = add(&mut doc, &schema, "Zelensky", "actor");
    add(&mut doc, &schema, "said", "claim");
    let (start, end) = find(&doc, "Volodymyr Zelensky");
    let edit = doc.resize_edit(id, start, end).expect("span");
    round_trip(&mut doc, &schema, edit);
    let starts: Vec<_> = doc.spans().iter().map(|s| s.start).collect();
    assert!(starts.is_sorted());
    let edit = doc.resize_edit(id, 4, 4).expect("span");
    assert!(doc.apply(edit, &schema).is_err());
}

#[test]
fn notes_set_and_clear() {
    let (mut doc, schema) = setup();
    let id = add(&mut doc, &schema, "Kyiv", "location");
    let edit = doc.set_note_edit(id, Some("capital".into())).expect("span");
    round_trip(&mut doc, &schema, edit.clone());
    doc.apply(edit, &schema).expect("note");
    assert_eq!(
        doc.span(id).and_then(|s| s.note.as_deref()),
        Some("capital")
    );
    let clear = doc.set_note_edit(id, Some(String::new())).expect("span");
    doc.apply(clear, &schema).expect("clear");
    assert_eq!(doc.span(id).and_then(|s| s.note.clone()), None);
}

#[test]
fn links_are_checked_against_the_schema() {
    let (mut doc, schema) = setup();
    let quote = add(&mut doc, &schema, "\"We want peace,\"", "quote");
    let actor = add(&mut doc, &schema, "Volodymyr Zelensky", "actor");
    let place = add(&mut doc, &schema, "Kyiv", "location");
    let edit = doc.add_link_edit(quote, actor, "said_by");
    round_trip(&mut doc, &schema, edit.clone());
    doc.apply(edit, &schema).expect("link");

    let wrong_way = doc.add_link_edit(actor, quote, "said_by");
    assert!(matches!(
        doc.apply(wrong_way, &schema),
        Err(EditError::LinkNotAllowed { .. })
    ));
    let from_place = doc.add_link_edit(place, actor, "said_by");
    assert!(doc.apply(from_place, &schema).is_err());
    let again = doc.add_link_edit(quote, actor, "said_by");
    assert!(matches!(
        doc.apply(again, &schema),
        Err(EditError::DuplicateLink { .. })
    ));
    let to_self = doc.add_link_edit(quote, quote, "continues");
    assert_eq!(doc.apply(to_self, &schema), Err(EditError::SelfLink));
    let unknown = doc.add_link_edit(quote, actor, "quoted_in");
    assert!(matches!(
        doc.apply(unknown, &schema),
        Err(EditError::UnknownLinkType(_))
    ));
    let missing = doc.add_link_edit(quote, SpanId(99), "said_by");
    assert_eq!(
        doc.apply(missing, &schema),
        Err(EditError::NoSuchSpan(SpanId(99)))
    );
    assert_eq!(doc.links().len(), 1);

    let remove = doc.remove_link_edit(doc.links()[0].id).expect("link");
    round_trip(&mut doc, &schema, remove);
}

#[test]
fn status_and_its_inverse() {
    let (mut doc, schema) = setup();
    let edit = doc.set_status_edit(Status::Done);
    round_trip(&mut doc, &schema, edit);
    let stale = Edit::SetStatus {
        from: Status::InProgress,
        to: Status::Todo,
    };
    assert!(matches!(
        doc.apply(stale, &schema),
        Err(EditError::Stale(_))
    ));
}

#[test]
fn a_batch_applies_whole_or_not_at_all() {
    let (mut doc, schema) = setup();
    let a = doc.add_span_edit(0, 4, "claim");
    let b = doc.add_span_edit(5, 9, "claim");
    let bad = doc.add_span_edit(5, 5, "claim");
    let before = doc.clone();
    let error = doc.apply(Edit::Batch(vec![a.clone(), b.clone(), bad]), &schema);
    assert!(error.is_err());
    assert_eq!(doc, before);
    round_trip(&mut doc, &schema, Edit::Batch(vec![a, b]));
}

#[test]
fn history_undoes_and_redoes_in_order() {
    let (mut doc, schema) = setup();
    let mut history = History::default();
    let edit = doc.add_span_edit(0, 4, "claim");
    let empty = doc.clone();
    history.apply(&mut doc, &schema, edit).expect("add");
    let one = doc.clone();
    let id = doc.spans()[0].id;
    let edit = doc.relabel_edit(id, "quote", &schema).expect("span");
    history.apply(&mut doc, &schema, edit).expect("relabel");
    let two = doc.clone();

    assert_eq!(history.undo(&mut doc, &schema), Ok(true));
    assert_eq!(doc, one);
    assert_eq!(history.undo(&mut doc, &schema), Ok(true));
    assert_eq!(doc, empty);
    assert_eq!(history.undo(&mut doc, &schema), Ok(false));
    assert_eq!(history.redo(&mut doc, &schema), Ok(true));
    assert_eq!(history.redo(&mut doc, &schema), Ok(true));
    assert_eq!(doc, two);
    assert_eq!(history.redo(&mut doc, &schema), Ok(false));

    // A new edit after an undo drops the redo branch.
    history.undo(&mut doc, &schema).expect("undo");
    let edit = doc.set_status_edit(Status::Done);
    history.apply(&mut doc, &schema, edit).expect("status");
    assert!(!history.can_redo());
}

#[test]
fn a_refused_edit_leaves_the_history_alone() {
    let (mut doc, schema) = setup();
    let mut history = History::default();
    let edit = doc.add_span_edit(0, 0, "claim");
    assert!(history.apply(&mut doc, &schema, edit).is_err());
    assert!(!history.can_undo());
}

#[test]
fn unique_document_ids() {
    let mut project = Project::new("p", "a");
    assert_eq!(
        project.unique_document_id("Trump says: Putin!"),
        "trump-says-putin"
    );
    project
        .documents
        .push(Document::new("trump-says-putin", "t", "x"));
    assert_eq!(
        project.unique_document_id("Trump says: Putin!"),
        "trump-says-putin-2"
    );
    assert_eq!(project.unique_document_id("???"), "document");
    assert_eq!(slug("  Zoë -- Ünter_7 "), "zoë-ünter-7");
    // A file name of 255 bytes (`add` takes ids from file names) gives an id short
    // enough to name export files, cut at a character, without a dangling dash.
    let long = format!("{}-{}", "ä".repeat(99), "b".repeat(100));
    let id = slug(&long);
    assert!(
        id.len() <= crate::model::MAX_DOCUMENT_ID_BYTES,
        "{}",
        id.len()
    );
    assert!(id.starts_with("ää") && !id.ends_with('-'));
    assert_eq!(
        slug(&"İ".repeat(120)).len() % 3,
        0,
        "whole lower-cased characters"
    );
    assert_eq!(unique_id("a", |id| id == "a" || id == "a-2"), "a-3");
}

#[test]
fn replacing_the_schema_renames_and_removes_labels_everywhere() {
    let (mut doc, schema) = setup();
    let quote = add(&mut doc, &schema, "\"We want peace,\"", "quote");
    let actor = add(&mut doc, &schema, "Volodymyr Zelensky", "actor");
    add(&mut doc, &schema, "Kyiv", "location");
    let link = doc.add_link_edit(quote, actor, "said_by");
    doc.apply(link, &schema).expect("link");
    let mut project = Project::new("p", "a");
    project.documents.push(doc);

    let mut new_schema = schema.clone();
    new_schema.labels.retain(|l| l.key != "location");
    new_schema
        .labels
        .iter_mut()
        .filter(|l| l.key == "actor")
        .for_each(|l| l.key = "speaker".into());
    new_schema
        .link_types
        .iter_mut()
        .for_each(|t| t.to = vec!["speaker".into()]);
    let report = project.change_schema(SchemaChange {
        schema: new_schema,
        label_renames: vec![("actor".into(), "speaker".into())],
        link_type_renames: Vec::new(),
    });
    assert_eq!(
        report,
        SchemaChangeReport {
            spans_deleted: 1,
            links_deleted: 0,
            candidates_deleted: 0,
        }
    );
    let doc = &project.documents[0];
    let labels: Vec<_> = doc.spans().iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, ["quote", "speaker"]);
    assert_eq!(
        doc.links().len(),
        1,
        "the said_by link follows the renamed label"
    );
}

#[test]
fn renamed_link_types_keep_their_links_and_removed_ones_take_them() {
    let (mut doc, schema) = setup();
    let quote = add(&mut doc, &schema, "\"We want peace,\"", "quote");
    let actor = add(&mut doc, &schema, "Volodymyr Zelensky", "actor");
    let link = doc.add_link_edit(quote, actor, "said_by");
    doc.apply(link, &schema).expect("link");
    let mut project = Project::new("p", "a");
    project.documents.push(doc);

    let mut renamed = schema.clone();
    renamed.link_types[0].key = "speaker".into();
    let report = project.change_schema(SchemaChange {
        schema: renamed.clone(),
        label_renames: Vec::new(),
        link_type_renames: vec![("said_by".into(), "speaker".into())],
    });
    assert_eq!(report, SchemaChangeReport::default());
    assert_eq!(project.documents[0].links()[0].link_type, "speaker");

    let mut without = renamed;
    without.link_types.remove(0);
    let report = project.change_schema(SchemaChange {
        schema: without,
        ..SchemaChange::default()
    });
    assert_eq!(
        report,
        SchemaChangeReport {
            spans_deleted: 0,
            links_deleted: 1,
            candidates_deleted: 0,
        }
    );
    assert!(project.documents[0].links().is_empty());
}

#[test]
fn nearest_spans_walk_outwards_from_an_offset() {
    let (mut doc, schema) = setup();
    let quote = add(&mut doc, &schema, "\"We want peace,\"", "quote");
    let zelensky = add(&mut doc, &schema, "Volodymyr Zelensky", "actor");
    let kyiv = add(&mut doc, &schema, "Kyiv", "actor");
    add(&mut doc, &schema, "said", "claim");
    let at = doc.span(zelensky).expect("span").start;
    let actors: Vec<_> = doc
        .nearest_spans(at, 10, |s| s.label == "actor")
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(actors, [zelensky, kyiv]);
    let from_kyiv: Vec<_> = doc
        .nearest_spans(doc.span(kyiv).expect("span").start, 2, |_| true)
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(from_kyiv, [kyiv, zelensky]);
    assert_eq!(doc.nearest_spans(0, 1, |_| true)[0].id, quote);
    assert!(
        doc.nearest_spans(0, 5, |s| s.label == "location")
            .is_empty()
    );
}
