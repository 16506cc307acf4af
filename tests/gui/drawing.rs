//! Drawing stories: label tags, link-mode badges and the markers for link ends off
//! screen stay readable, never drawn over each other, and a marker jumps to its end.

use egui::{Key, Modifiers, Rect};
use egui_kittest::Harness;
use marginalia::app::{MarginaliaApp, Prefs, Recovery};
use marginalia::model::{Document, Project, SpanId};

/// The filler a long paragraph is made of.
const FILLER: &str = "The talks went on for hours and nobody left the room. ";

/// A quote in the first paragraph said by an actor thirty paragraphs below, whose
/// paragraph is taller than the window and holds a second quote of his in its middle.
fn long_text() -> String {
    let mut text = String::from("\"Peace is near,\" the envoy said.\n");
    for day in 1..=30 {
        text.push_str(&format!("Nothing else happened on day {day}.\n"));
    }
    text.push_str("Minister Kuleba spoke first. ");
    text.push_str(&FILLER.repeat(80));
    text.push_str("\"We will not give up,\" ");
    text.push_str(&FILLER.repeat(80));
    text.push('\n');
    text
}

/// Code-point range of the first `needle` in `text`.
fn range_of(text: &str, needle: &str) -> (usize, usize) {
    let byte = text.find(needle).expect("needle in the text");
    let start = text[..byte].chars().count();
    (start, start + needle.chars().count())
}

/// Opens a project with [`long_text`]: both quotes said by Minister Kuleba.
fn open_long(dir: &std::path::Path) -> Harness<'static, MarginaliaApp> {
    let path = dir.join("long.ron");
    let text = long_text();
    let mut project = Project::new("Long", "alice");
    let mut doc = Document::new("long", "Long", &text);
    let add = |doc: &mut Document, needle: &str, label: &str| {
        let (start, end) = range_of(&text, needle);
        let edit = doc.add_span_edit(start, end, label);
        doc.apply(edit, &project.schema).expect("span");
        doc.spans()
            .iter()
            .find(|s| s.start == start && s.end == end)
            .expect("added")
            .id
    };
    let first = add(&mut doc, "\"Peace is near,\"", "quote");
    let second = add(&mut doc, "\"We will not give up,\"", "quote");
    let kuleba = add(&mut doc, "Minister Kuleba", "actor");
    for quote in [first, second] {
        let edit = doc.add_link_edit(quote, kuleba, "said_by");
        doc.apply(edit, &project.schema).expect("link");
    }
    project.documents.push(doc);
    marginalia::store::save(&project, &path, None, marginalia::store::SaveMode::Force)
        .expect("saved");
    let app = MarginaliaApp::new(Some(&path), Prefs::default(), Recovery::disabled());
    let mut harness = super::harness_for(app);
    super::wait_until_opened(&mut harness);
    harness
}

/// The span labelled `label` whose text is `text`.
fn span_id(harness: &Harness<'_, MarginaliaApp>, text: &str, label: &str) -> SpanId {
    let doc = harness.state().ws.document().expect("doc");
    doc.spans()
        .iter()
        .find(|s| s.label == label && doc.span_text(s) == text)
        .expect("span")
        .id
}

/// Where the article's window ends: markers and tags must lie inside it.
const WINDOW: Rect = Rect {
    min: egui::Pos2::ZERO,
    max: egui::Pos2::new(1280.0, 800.0),
};

#[test]
fn a_far_end_below_gets_a_marker_in_the_margin_that_jumps_to_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = open_long(dir.path());
    let kuleba = span_id(&harness, "Minister Kuleba", "actor");
    let markers = harness.state().view.edge_markers().to_vec();
    let marker = markers
        .iter()
        .find(|m| m.span == kuleba)
        .expect("a marker for the speaker thirty paragraphs below");
    assert!(!marker.is_above(), "the speaker is below: {marker:?}");
    assert!(WINDOW.contains_rect(marker.rect), "{marker:?}");
    // It starts in the margin, left of the text, where the link comes down its track.
    let text_left = super::screen_pos(&harness, 0).x;
    assert!(
        marker.rect.left() < text_left - 8.0,
        "marker {:?} starts in the margin, left of the text at {text_left}",
        marker.rect
    );

    let at = marker.rect.center();
    super::click_with(&mut harness, at, Modifiers::NONE);
    harness.run_steps(3);
    let doc = harness.state().ws.document().expect("doc");
    let start = doc.span(kuleba).expect("span").start;
    let pos = super::screen_pos(&harness, start);
    assert!(
        WINDOW.contains(pos),
        "the click jumps to the speaker: {pos:?}"
    );
}

#[test]
fn a_far_end_scrolled_away_in_a_paragraph_on_screen_still_gets_a_marker() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = open_long(dir.path());
    let kuleba = span_id(&harness, "Minister Kuleba", "actor");
    let quote = span_id(&harness, "\"We will not give up,\"", "quote");
    let quote_start = {
        let doc = harness.state().ws.document().expect("doc");
        doc.span(quote).expect("quote").start
    };
    harness.state_mut().view.scroll_to(quote_start);
    harness.run_steps(3);
    // The quote is on screen; its speaker, at the start of the same (laid out, tall)
    // paragraph, is above the window.
    let quote_pos = super::screen_pos(&harness, quote_start);
    assert!(
        WINDOW.contains(quote_pos),
        "the quote is shown: {quote_pos:?}"
    );
    let kuleba_pos = super::screen_pos(&harness, kuleba_start(&harness, kuleba));
    assert!(
        kuleba_pos.y < 0.0,
        "the speaker is scrolled away: {kuleba_pos:?}"
    );

    let markers = harness.state().view.edge_markers().to_vec();
    let marker = markers
        .iter()
        .find(|m| m.span == kuleba)
        .unwrap_or_else(|| panic!("a marker for the speaker above: {markers:?}"));
    assert!(marker.is_above(), "{marker:?}");
    assert!(WINDOW.contains_rect(marker.rect), "{marker:?}");
    assert!(
        marker.rect.bottom() < quote_pos.y,
        "{marker:?} above the quote"
    );

    // Its click brings the speaker into view, though the paragraph is taller than it.
    super::click_with(&mut harness, marker.rect.center(), Modifiers::NONE);
    harness.run_steps(3);
    let pos = super::screen_pos(&harness, kuleba_start(&harness, kuleba));
    assert!(
        WINDOW.contains(pos),
        "the click jumps to the speaker: {pos:?}"
    );
}

fn kuleba_start(harness: &Harness<'_, MarginaliaApp>, id: SpanId) -> usize {
    let doc = harness.state().ws.document().expect("doc");
    doc.span(id).expect("span").start
}

/// Every two rectangles of `rects` apart (by span, for the message).
fn assert_apart(rects: &[(SpanId, Rect)], what: &str) {
    for (i, (a, ra)) in rects.iter().enumerate() {
        for (b, rb) in &rects[i + 1..] {
            assert!(
                !ra.intersects(*rb),
                "{what} of {a:?} {ra:?} and {b:?} {rb:?} overlap"
            );
        }
    }
}

#[test]
fn tags_of_spans_starting_together_are_side_by_side_outer_first() {
    let mut harness = super::sample_app();
    let (start, _) = super::find(&harness, "Ukraine \"pretty well\"");
    harness.state_mut().view.scroll_to(start);
    harness.run_steps(3);
    let tags = harness.state().view.tag_rects().to_vec();
    assert!(tags.len() > 20, "tags on screen: {}", tags.len());
    assert_apart(&tags, "tags");

    // The actor Ukraine and the quote around it start together: both tags, the
    // quote's (the outer span) first.
    let doc = harness.state().ws.document().expect("doc");
    let mut together: Vec<_> = doc.spans().iter().filter(|s| s.start == start).collect();
    assert!(together.len() >= 2, "two spans start at Ukraine");
    together.sort_by_key(|s| std::cmp::Reverse(s.end));
    let rect_of = |id: SpanId| {
        tags.iter()
            .find(|(s, _)| *s == id)
            .map(|(_, r)| *r)
            .expect("a tag for each span")
    };
    let (outer, inner) = (rect_of(together[0].id), rect_of(together[1].id));
    assert!(outer.right() <= inner.left(), "{outer:?} before {inner:?}");
    assert!((outer.top() - inner.top()).abs() < 0.5, "on one line");
}

#[test]
fn link_mode_badges_hide_neither_tags_nor_text() {
    let mut harness = super::sample_app();
    let quote = span_id(
        &harness,
        "Putin may be looking for a way out of the Ukraine war",
        "quote",
    );
    harness.state_mut().ws.selected_span = Some(quote);
    harness.run();
    harness.key_press(Key::L);
    harness.run_steps(2);
    assert!(harness.state().link_mode.is_some(), "linking");
    let view = &harness.state().view;
    let (badges, tags) = (view.badge_rects(), view.tag_rects());
    assert!(badges.len() >= 3, "numbered targets on screen: {badges:?}");
    let mut all: Vec<(SpanId, Rect)> = badges.to_vec();
    all.extend_from_slice(tags);
    assert_apart(&all, "badges and tags");
    for (span, badge) in badges {
        let (_, tag) = tags
            .iter()
            .find(|(s, _)| s == span)
            .expect("the numbered span's tag");
        // Just before its own tag, in the strip the tags take above the text.
        assert!(badge.right() <= tag.left(), "{badge:?} before {tag:?}");
        assert!(
            badge.bottom() <= tag.bottom() + 0.5,
            "{badge:?} no lower than the tag {tag:?}, off the text"
        );
    }
}
