//! Candidates and comments: adding, deciding, taking one annotator's version, and every
//! step undone and redone through the [`History`] exactly.

use super::*;

const TEXT: &str = "\"We want peace,\" said Volodymyr Zelensky in Kyiv. 🇺🇦 Then Moscow replied.";

fn setup() -> (Document, Schema) {
    (Document::new("doc", "Doc", TEXT), Schema::default())
}

/// The key of the first occurrence of `needle`, labelled `label`.
fn key(doc: &Document, needle: &str, label: &str) -> SpanKey {
    let byte = doc.text().find(needle).expect("needle in text");
    let start = doc.index().char_of(doc.text(), byte).expect("boundary");
    SpanKey {
        start,
        end: start + needle.chars().count(),
        label: label.into(),
    }
}

fn by(names: &[&str]) -> Origin {
    Origin::Annotators(names.iter().map(|n| (*n).to_owned()).collect())
}

/// Adds a pending candidate and returns its id.
fn propose(doc: &mut Document, schema: &Schema, proposal: Proposal, origin: Origin) -> CandidateId {
    let edit = doc.add_candidate_edit(proposal, origin);
    let Edit::AddCandidate(candidate) = &edit else {
        unreachable!("add_candidate_edit adds a candidate")
    };
    let id = candidate.id;
    doc.apply(edit, schema).expect("a valid candidate");
    id
}

fn span_candidate(
    doc: &mut Document,
    schema: &Schema,
    needle: &str,
    label: &str,
    names: &[&str],
) -> CandidateId {
    let key = key(doc, needle, label);
    propose(doc, schema, Proposal::Span(key), by(names))
}

fn add_span(doc: &mut Document, schema: &Schema, needle: &str, label: &str) -> SpanId {
    let key = key(doc, needle, label);
    let edit = doc.add_span_edit(key.start, key.end, label);
    let Edit::AddSpan(span) = &edit else {
        unreachable!("add_span_edit adds a span")
    };
    let id = span.id;
    doc.apply(edit, schema).expect("a valid span");
    id
}

/// Applies `edit` through a history, checks that it changed the document, undoes it
/// (the document is exactly as before), redoes it (exactly as after) and leaves it
/// applied.
fn apply_undo_redo(doc: &mut Document, schema: &Schema, edit: Edit) {
    let mut history = History::default();
    let before = doc.clone();
    history.apply(doc, schema, edit).expect("the edit applies");
    assert_ne!(*doc, before, "the edit changed nothing");
    let after = doc.clone();
    assert!(history.undo(doc, schema).expect("undo"));
    assert_eq!(*doc, before, "undo did not restore the document");
    assert!(history.redo(doc, schema).expect("redo"));
    assert_eq!(*doc, after, "redo did not give the edit back");
}

fn decision(doc: &Document, id: CandidateId) -> Decision {
    doc.candidate(id).expect("the candidate").decision
}

#[test]
fn accepting_a_span_adds_it_with_provenance_and_comments() {
    let (mut doc, schema) = setup();
    let id = span_candidate(
        &mut doc,
        &schema,
        "Volodymyr Zelensky",
        "actor",
        &["bob", "cy"],
    );
    let comment = doc
        .comment_edit(CommentTarget::Candidate(id), "gold", "  Full name.  ")
        .expect("a comment");
    doc.apply(comment, &schema).expect("the comment");
    let edit = doc.accept_candidate_edit(id, &schema).expect("pending");
    apply_undo_redo(&mut doc, &schema, edit);

    assert_eq!(decision(&doc, id), Decision::Accepted);
    let [span] = doc.spans() else {
        panic!("one span: {:?}", doc.spans())
    };
    assert_eq!(doc.span_text(span), "Volodymyr Zelensky");
    assert_eq!(span.annotators, ["bob", "cy"]);
    assert_eq!(
        span.comments,
        [Comment {
            author: "gold".into(),
            text: "Full name.".into()
        }]
    );
    assert_eq!(doc.open_candidate_count(), 0);
    let error = doc.accept_candidate_edit(id, &schema).expect_err("decided");
    assert_eq!(
        error.to_string(),
        format!("{id} is already accepted; only a pending candidate can be decided")
    );
}

#[test]
fn accepting_a_span_that_is_already_there_only_decides() {
    let (mut doc, schema) = setup();
    add_span(&mut doc, &schema, "Kyiv", "location");
    let id = span_candidate(&mut doc, &schema, "Kyiv", "location", &["bob"]);
    let edit = doc.accept_candidate_edit(id, &schema).expect("pending");
    assert_eq!(
        edit,
        Edit::SetDecision {
            id,
            from: Decision::Pending,
            to: Decision::Accepted
        }
    );
    apply_undo_redo(&mut doc, &schema, edit);
    assert_eq!(doc.spans().len(), 1);
}

#[test]
fn accepting_a_link_needs_both_ends_in_the_document() {
    let (mut doc, schema) = setup();
    let quote = key(&doc, "\"We want peace,\"", "quote");
    let actor = key(&doc, "Volodymyr Zelensky", "actor");
    let link = Proposal::Link {
        from: quote.clone(),
        to: actor.clone(),
        link_type: "said_by".into(),
    };
    let id = propose(&mut doc, &schema, link, by(&["bob"]));
    let before = doc.clone();
    let error = doc
        .accept_candidate_edit(id, &schema)
        .expect_err("no ends yet");
    assert_eq!(error, EditError::MissingLinkEnd(quote.clone()));
    assert!(
        error.to_string().contains("accept that span first"),
        "{error}"
    );
    assert_eq!(doc, before, "a refused acceptance changes nothing");

    let from = add_span(&mut doc, &schema, "\"We want peace,\"", "quote");
    let to = add_span(&mut doc, &schema, "Volodymyr Zelensky", "actor");
    let edit = doc.accept_candidate_edit(id, &schema).expect("pending");
    apply_undo_redo(&mut doc, &schema, edit);
    let [made] = doc.links() else {
        panic!("one link: {:?}", doc.links())
    };
    assert_eq!(
        (made.from, made.to, made.link_type.as_str()),
        (from, to, "said_by")
    );
    assert_eq!(decision(&doc, id), Decision::Accepted);
}

#[test]
fn rejecting_a_span_rejects_the_links_that_need_it() {
    let (mut doc, schema) = setup();
    let quote = span_candidate(&mut doc, &schema, "\"We want peace,\"", "quote", &["bob"]);
    add_span(&mut doc, &schema, "Volodymyr Zelensky", "actor");
    let link = Proposal::Link {
        from: key(&doc, "\"We want peace,\"", "quote"),
        to: key(&doc, "Volodymyr Zelensky", "actor"),
        link_type: "said_by".into(),
    };
    let link = propose(&mut doc, &schema, link, by(&["bob"]));
    let other = span_candidate(&mut doc, &schema, "Moscow", "location", &["al"]);

    let edit = doc.reject_candidate_edit(quote).expect("pending");
    apply_undo_redo(&mut doc, &schema, edit);
    assert_eq!(decision(&doc, quote), Decision::Rejected);
    assert_eq!(
        decision(&doc, link),
        Decision::Rejected,
        "the link needs the quote"
    );
    assert_eq!(decision(&doc, other), Decision::Pending);
    assert_eq!(doc.spans().len(), 1, "rejecting adds nothing");
    assert_eq!(
        doc.candidate_counts(),
        CandidateCounts {
            pending: 1,
            accepted: 0,
            rejected: 2
        }
    );
}

/// A disagreement: al and bob marked the quote with other boundaries, bob also a claim
/// overlapping it and a link from his quote; elsewhere, al alone marked Moscow.
fn disagreement() -> (Document, Schema, [CandidateId; 5]) {
    let (mut doc, schema) = setup();
    add_span(&mut doc, &schema, "Volodymyr Zelensky", "actor");
    let al_quote = span_candidate(&mut doc, &schema, "\"We want peace,\"", "quote", &["al"]);
    let bob_quote = span_candidate(
        &mut doc,
        &schema,
        "\"We want peace,\" said",
        "quote",
        &["bob"],
    );
    let bob_claim = span_candidate(
        &mut doc,
        &schema,
        "peace,\" said Volodymyr",
        "claim",
        &["bob"],
    );
    let link = Proposal::Link {
        from: key(&doc, "\"We want peace,\" said", "quote"),
        to: key(&doc, "Volodymyr Zelensky", "actor"),
        link_type: "said_by".into(),
    };
    let bob_link = propose(&mut doc, &schema, link, by(&["bob"]));
    let moscow = span_candidate(&mut doc, &schema, "Moscow", "location", &["al"]);
    (
        doc,
        schema,
        [al_quote, bob_quote, bob_claim, bob_link, moscow],
    )
}

#[test]
fn a_region_is_what_overlaps_transitively_with_links_at_their_from_span() {
    let (doc, _, [al_quote, bob_quote, bob_claim, bob_link, moscow]) = disagreement();
    let region = doc.candidate_region(bob_claim).expect("pending");
    assert_eq!(region, [al_quote, bob_quote, bob_link, bob_claim]);
    assert_eq!(doc.candidate_region(moscow).expect("pending"), [moscow]);
    let pending: Vec<_> = doc.pending_candidates().iter().map(|c| c.id).collect();
    assert_eq!(pending, [al_quote, bob_quote, bob_link, bob_claim, moscow]);
}

#[test]
fn taking_an_annotator_accepts_theirs_and_rejects_the_rest_of_the_region() {
    let (mut doc, schema, [al_quote, bob_quote, bob_claim, bob_link, moscow]) = disagreement();
    let edit = doc
        .take_annotator_edit(al_quote, "bob", &schema)
        .expect("a region");
    apply_undo_redo(&mut doc, &schema, edit);
    for (id, wanted) in [
        (al_quote, Decision::Rejected),
        (bob_quote, Decision::Accepted),
        (bob_claim, Decision::Accepted),
        (bob_link, Decision::Accepted),
        (moscow, Decision::Pending),
    ] {
        assert_eq!(decision(&doc, id), wanted, "{id}");
    }
    let texts: Vec<_> = doc.spans().iter().map(|s| doc.span_text(s)).collect();
    assert_eq!(
        texts,
        [
            "\"We want peace,\" said",
            "peace,\" said Volodymyr",
            "Volodymyr Zelensky"
        ]
    );
    let quote = &doc.spans()[0];
    assert_eq!(quote.annotators, ["bob"]);
    assert_eq!(doc.links().len(), 1);
    assert_eq!(doc.links()[0].from, quote.id);
}

#[test]
fn taking_an_annotator_who_had_nothing_there_rejects_the_region() {
    let (mut doc, schema, [al_quote, bob_quote, ..]) = disagreement();
    let edit = doc
        .take_annotator_edit(bob_quote, "al", &schema)
        .expect("a region");
    apply_undo_redo(&mut doc, &schema, edit);
    assert_eq!(decision(&doc, al_quote), Decision::Accepted);
    assert_eq!(doc.open_candidate_count(), 1, "only Moscow is left");
    let error = doc
        .take_annotator_edit(doc.pending_candidates()[0].id, "nobody", &schema)
        .expect_err("unknown");
    assert_eq!(error, EditError::UnknownAnnotator("nobody".into()));
}

#[test]
fn a_link_whose_far_end_is_undecided_stays_pending() {
    let (mut doc, schema) = setup();
    let quote = span_candidate(&mut doc, &schema, "\"We want peace,\"", "quote", &["bob"]);
    // Far from the quote: another region.
    let actor = span_candidate(&mut doc, &schema, "Moscow", "actor", &["bob"]);
    let link = Proposal::Link {
        from: key(&doc, "\"We want peace,\"", "quote"),
        to: key(&doc, "Moscow", "actor"),
        link_type: "said_by".into(),
    };
    let link = propose(&mut doc, &schema, link, by(&["bob"]));
    let edit = doc
        .take_annotator_edit(quote, "bob", &schema)
        .expect("a region");
    apply_undo_redo(&mut doc, &schema, edit);
    assert_eq!(decision(&doc, quote), Decision::Accepted);
    assert_eq!(decision(&doc, link), Decision::Pending);
    // Once the far end is taken too, the link can be.
    let edit = doc
        .take_annotator_edit(actor, "bob", &schema)
        .expect("a region");
    doc.apply(edit, &schema).expect("applies");
    let edit = doc
        .take_annotator_edit(link, "bob", &schema)
        .expect("a region");
    apply_undo_redo(&mut doc, &schema, edit);
    assert_eq!(doc.links().len(), 1);
    assert_eq!(doc.open_candidate_count(), 0);
}

#[test]
fn comments_on_spans_and_candidates_are_added_and_removed_undoably() {
    let (mut doc, schema) = setup();
    let span = add_span(&mut doc, &schema, "Kyiv", "location");
    let candidate = span_candidate(&mut doc, &schema, "Moscow", "actor", &["bob"]);
    for target in [
        CommentTarget::Span(span),
        CommentTarget::Candidate(candidate),
    ] {
        for text in ["First.", "Second."] {
            let edit = doc.comment_edit(target, "gold", text).expect("a comment");
            apply_undo_redo(&mut doc, &schema, edit);
        }
        let texts: Vec<_> = doc
            .comments(target)
            .expect("the target")
            .iter()
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(texts, ["First.", "Second."]);
        let edit = doc.remove_comment_edit(target, 0).expect("a comment");
        apply_undo_redo(&mut doc, &schema, edit);
        assert_eq!(doc.comments(target).expect("the target").len(), 1);
        assert_eq!(
            doc.comment_edit(target, "gold", " \n "),
            Err(EditError::EmptyComment)
        );
        assert_eq!(
            doc.remove_comment_edit(target, 5),
            Err(EditError::NoSuchComment(5))
        );
    }
    assert_eq!(
        doc.comment_edit(CommentTarget::Candidate(CandidateId(99)), "gold", "x"),
        Err(EditError::NoSuchCandidate(CandidateId(99)))
    );
    // Removing a commented span and undoing it gives the comments back.
    let remove = doc.remove_span_edit(span).expect("the span");
    apply_undo_redo(&mut doc, &schema, remove);
    assert!(doc.span(span).is_none());
}

#[test]
fn invalid_candidates_are_refused_and_change_nothing() {
    let (mut doc, schema) = setup();
    let quote = key(&doc, "\"We want peace,\"", "quote");
    let kyiv = key(&doc, "Kyiv", "location");
    let len = doc.char_len();
    let span = |start, end, label: &str| {
        Proposal::Span(SpanKey {
            start,
            end,
            label: label.into(),
        })
    };
    let link = |from: &SpanKey, to: &SpanKey, kind: &str| Proposal::Link {
        from: from.clone(),
        to: to.clone(),
        link_type: kind.into(),
    };
    let existing = span_candidate(&mut doc, &schema, "Kyiv", "location", &["al"]);
    let cases = [
        (span(3, 3, "actor"), by(&["al"]), "at least one character"),
        (span(0, len + 1, "actor"), by(&["al"]), "past the end"),
        (span(0, 4, "speaker"), by(&["al"]), "no label `speaker`"),
        (
            link(&quote, &kyiv, "said_by"),
            by(&["al"]),
            "cannot go from a `quote` to a `location`",
        ),
        (
            link(&quote, &kyiv, "cites"),
            by(&["al"]),
            "no link type `cites`",
        ),
        (link(&quote, &quote, "continues"), by(&["al"]), "to itself"),
        (span(0, 4, "actor"), by(&[]), "at least one"),
        (span(0, 4, "actor"), by(&[" "]), "at least one"),
        (
            Proposal::Span(kyiv.clone()),
            by(&["al"]),
            "proposes the same",
        ),
    ];
    for (proposal, origin, message) in cases {
        let before = doc.clone();
        let edit = doc.add_candidate_edit(proposal, origin);
        let error = doc.apply(edit, &schema).expect_err("refused");
        assert!(
            error.to_string().contains(message),
            "{error} lacks {message:?}"
        );
        assert_eq!(doc.candidates(), before.candidates());
    }
    // The same proposal from another origin is another candidate.
    span_candidate(&mut doc, &schema, "Kyiv", "location", &["bob"]);
    let taken = Edit::AddCandidate(Candidate::new(existing, Proposal::Span(quote), by(&["x"])));
    assert_eq!(
        doc.apply(taken, &schema),
        Err(EditError::CandidateIdTaken(existing))
    );
}

#[test]
fn candidates_can_be_removed_and_ids_are_not_reused() {
    let (mut doc, schema) = setup();
    let id = span_candidate(&mut doc, &schema, "Kyiv", "location", &["al"]);
    let edit = doc.remove_candidate_edit(id).expect("the candidate");
    apply_undo_redo(&mut doc, &schema, edit);
    assert!(doc.candidates().is_empty());
    assert_eq!(doc.next_candidate_id(), CandidateId(id.0 + 1));
    let stale = Edit::SetDecision {
        id,
        from: Decision::Pending,
        to: Decision::Accepted,
    };
    assert_eq!(
        doc.apply(stale, &schema),
        Err(EditError::NoSuchCandidate(id))
    );
}

#[test]
fn stepping_goes_through_open_candidates_in_reading_order_and_wraps() {
    let (mut doc, schema, [al_quote, bob_quote, bob_claim, bob_link, moscow]) = disagreement();
    let step = |doc: &Document, from, forward| doc.step_pending(from, forward).map(|c| c.id);
    assert_eq!(step(&doc, None, true), Some(al_quote));
    assert_eq!(step(&doc, None, false), Some(moscow));
    assert_eq!(step(&doc, Some(bob_quote), true), Some(bob_link));
    assert_eq!(step(&doc, Some(bob_link), true), Some(bob_claim));
    assert_eq!(step(&doc, Some(moscow), true), Some(al_quote), "wraps");
    assert_eq!(
        step(&doc, Some(al_quote), false),
        Some(moscow),
        "wraps back"
    );
    // From a candidate just decided, on to the next open one.
    let edit = doc.reject_candidate_edit(bob_claim).expect("pending");
    doc.apply(edit, &schema).expect("applies");
    assert_eq!(step(&doc, Some(bob_claim), true), Some(moscow));
    assert_eq!(step(&doc, Some(bob_claim), false), Some(bob_link));
}

#[test]
fn review_annotators_are_listed_once_in_the_order_met() {
    let (mut doc, schema) = setup();
    let id = span_candidate(&mut doc, &schema, "Kyiv", "location", &["cy", "al"]);
    span_candidate(&mut doc, &schema, "Moscow", "location", &["bob", "al"]);
    let edit = doc.accept_candidate_edit(id, &schema).expect("pending");
    doc.apply(edit, &schema).expect("applies");
    assert_eq!(doc.review_annotators(), ["cy", "al", "bob"]);
    let mut project = Project::new("p", "gold");
    project.documents.push(doc);
    assert_eq!(project.open_candidate_count(), 1);
    assert_eq!(project.candidate_counts().accepted, 1);
}

#[test]
fn a_schema_change_renames_and_drops_candidates() {
    let (mut doc, schema) = setup();
    span_candidate(&mut doc, &schema, "Kyiv", "location", &["al"]);
    span_candidate(&mut doc, &schema, "Moscow", "actor", &["al"]);
    let link = Proposal::Link {
        from: key(&doc, "\"We want peace,\"", "quote"),
        to: key(&doc, "Moscow", "actor"),
        link_type: "said_by".into(),
    };
    propose(&mut doc, &schema, link, by(&["al"]));
    let mut project = Project::new("p", "gold");
    project.schema = schema.clone();
    project.documents.push(doc);
    let mut new_schema = schema;
    new_schema.labels.retain(|l| l.key != "location");
    new_schema.labels[2].key = "speaker".into();
    new_schema.link_types[0].to = vec!["speaker".into()];
    let report = project.change_schema(SchemaChange {
        schema: new_schema,
        label_renames: vec![("actor".into(), "speaker".into())],
        link_type_renames: Vec::new(),
    });
    assert_eq!(report.candidates_deleted, 1);
    let labels: Vec<_> = project.documents[0]
        .candidates()
        .iter()
        .flat_map(|c| c.proposal.keys().map(|k| k.label.clone()))
        .collect();
    assert_eq!(labels, ["speaker", "quote", "speaker"]);
}

fn rule(name: &str) -> Origin {
    Origin::Rule(name.into())
}

#[test]
fn accepting_a_link_takes_in_its_pending_end_in_the_same_edit() {
    let (mut doc, schema) = setup();
    add_span(&mut doc, &schema, "Volodymyr Zelensky", "actor");
    let quote_key = key(&doc, "\"We want peace,\"", "quote");
    let quote = propose(
        &mut doc,
        &schema,
        Proposal::Span(quote_key.clone()),
        rule("quotes"),
    );
    let link = Proposal::Link {
        from: quote_key,
        to: key(&doc, "Volodymyr Zelensky", "actor"),
        link_type: "said_by".into(),
    };
    let id = propose(&mut doc, &schema, link, rule("speakers"));
    let edit = doc
        .accept_candidate_edit(id, &schema)
        .expect("the end is pending");
    assert!(matches!(edit, Edit::Batch(_)), "one undo step: {edit:?}");
    apply_undo_redo(&mut doc, &schema, edit);
    assert_eq!(doc.links().len(), 1);
    assert_eq!(doc.spans().len(), 2);
    assert_eq!(decision(&doc, id), Decision::Accepted);
    assert_eq!(decision(&doc, quote), Decision::Accepted);
}

#[test]
fn accepting_several_lists_the_ends_taken_in_and_what_is_left() {
    let (mut doc, schema) = setup();
    add_span(&mut doc, &schema, "Volodymyr Zelensky", "actor");
    let actor = key(&doc, "Volodymyr Zelensky", "actor");
    let quote_key = key(&doc, "\"We want peace,\"", "quote");
    let kyiv_key = key(&doc, "Kyiv", "quote");
    let quote = propose(
        &mut doc,
        &schema,
        Proposal::Span(quote_key.clone()),
        rule("quotes"),
    );
    let kyiv = propose(
        &mut doc,
        &schema,
        Proposal::Span(kyiv_key.clone()),
        rule("quotes"),
    );
    let link_to = |from: SpanKey| Proposal::Link {
        from,
        to: actor.clone(),
        link_type: "said_by".into(),
    };
    let first = propose(&mut doc, &schema, link_to(quote_key), rule("speakers"));
    let second = propose(&mut doc, &schema, link_to(kyiv_key), rule("speakers"));
    // Rejecting Kyiv's span rejects its link too; reopen the link by hand to test the
    // refusal.
    let edit = doc.reject_candidate_edit(kyiv).expect("pending");
    doc.apply(edit, &schema).expect("valid");
    let reopen = Edit::SetDecision {
        id: second,
        from: Decision::Rejected,
        to: Decision::Pending,
    };
    doc.apply(reopen, &schema).expect("valid");
    let acceptance = doc.accept_candidates_edit(&[second, first], &schema);
    assert_eq!(acceptance.accepted, [first]);
    assert_eq!(acceptance.for_links, [quote]);
    assert!(
        matches!(acceptance.left.as_slice(), [(id, EditError::MissingLinkEnd(_))] if *id == second),
        "{:?}",
        acceptance.left
    );
    apply_undo_redo(&mut doc, &schema, acceptance.edit);
    assert_eq!(decision(&doc, quote), Decision::Accepted);
    assert_eq!(decision(&doc, second), Decision::Pending);
    assert_eq!(doc.links().len(), 1);
}
