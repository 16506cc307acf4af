//! The article view: a custom widget that shows a whole article fast, whatever its
//! length, and turns pointer input into selections in code points.
//!
//! Each paragraph (a line of the text) is laid out on its own, only once it scrolls into
//! view, and its galley is kept until the font size or the wrap width change. Spans are
//! not part of the layout: they are painted over the galley from its row geometry, so
//! adding a span never re-lays out text. Every span gets a translucent background in its
//! label's colour (nested spans therefore look darker) and an underline in its own lane
//! below the text, so nested and overlapping spans all stay visible and distinguishable.
//! Pointer input is taken once for the whole view and hit-tested against the one
//! paragraph under the pointer, never against the whole text.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use egui::text::{CCursor, CharIndex, Galley, LayoutJob, TextFormat};
use egui::{Color32, FontFamily, FontId, Pos2, Rect, Sense, Stroke, Ui, Vec2, pos2};

use super::article_links::{EdgeMarker, End, LinkFrame, Offscreen, draw_links};
use super::workspace::Selection;
use crate::model::{CandidateId, Document, Proposal, Schema, SpanId, words};

/// Pixels between underline lanes.
const LANE_STEP: f32 = 3.0;
/// Pixels between the review lanes (one per annotator) below the underline lanes.
const REVIEW_LANE_STEP: f32 = 5.0;
/// Underline lanes drawn at most; deeper nesting shares the last lane.
const MAX_LANES: usize = 4;
/// Laid-out text kept, in code points (a galley takes about 200 bytes a character):
/// beyond this, the galleys farthest from the viewport are dropped (their exact heights
/// are kept), so scrolling through a 10 MB article does not keep gigabytes of galleys.
const GALLEY_BUDGET_CHARS: usize = 400_000;

/// One paragraph: a line of the text without its line ending, in code points.
#[derive(Clone, Copy, Debug)]
struct Paragraph {
    char_start: usize,
    char_end: usize,
    byte_start: usize,
    byte_end: usize,
}

/// Everything the view needs to know about the document for one frame.
pub struct ViewInput<'a> {
    /// The document on screen.
    pub doc: &'a Document,
    /// Its project's schema (label colours).
    pub schema: &'a Schema,
    /// The text selection.
    pub selection: Option<Selection>,
    /// The selected span.
    pub selected_span: Option<SpanId>,
    /// Search matches to highlight, `[start, end)` in code points.
    pub matches: &'a [(usize, usize)],
    /// Font size in points.
    pub font_size: f32,
    /// Review lanes drawn under every line, one per annotator, if any.
    pub lanes: Option<&'a Lanes>,
    /// The candidate in focus, drawn stronger than the other open ones.
    pub focused_candidate: Option<CandidateId>,
    /// Draw links (quote → speaker) over the text.
    pub show_links: bool,
    /// Draw a small label tag at the start of every span.
    pub show_tags: bool,
    /// Spans numbered for the keyboard while a link is made: number `i + 1` on
    /// `numbered[i]`.
    pub numbered: &'a [SpanId],
}

/// Thin lanes under every line of text, one per annotator in a review, with a bar for
/// each of their spans, coloured by how the others agree with it.
#[derive(Clone, Debug, Default)]
pub struct Lanes {
    /// Number of lanes (annotators).
    pub count: usize,
    /// The bars, sorted by start.
    pub bars: Vec<LaneBar>,
    /// Changes whenever the bars change, so the view can keep its index of them.
    pub revision: u64,
}

/// One bar in a review lane.
#[derive(Clone, Debug)]
pub struct LaneBar {
    /// Which lane (annotator).
    pub lane: usize,
    /// `[start, end)` in code points.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// Fill colour.
    pub color: Color32,
    /// What hovering the bar shows.
    pub tip: String,
    /// Handed back when the bar is clicked ([`ViewAction::BarClicked`]).
    pub tag: usize,
}

/// What the user did in the view this frame; the app applies it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ViewAction {
    /// The text selection changed (`None` clears it).
    Select(Option<Selection>),
    /// A drag moved the selection's focus to this code point.
    SelectFocus(usize),
    /// A drag ended: snap the selection to words, unless it was an Alt-drag.
    FinishDrag {
        /// Alt was held when the drag started: keep exact characters.
        exact: bool,
    },
    /// Shift+click: extend the selection (or the selected span's range) to here.
    ExtendTo(usize),
    /// A span was clicked (`None`: clicked outside any span).
    SelectSpan(Option<SpanId>),
    /// A review lane's bar was clicked: its [`LaneBar::tag`].
    BarClicked(usize),
    /// An open candidate was clicked.
    FocusCandidate(CandidateId),
}

/// The widget's state, kept between frames.
#[derive(Default)]
pub struct ArticleView {
    /// The digest of the text the paragraphs were computed for.
    text_digest: String,
    paragraphs: Vec<Paragraph>,
    galleys: Vec<Option<Arc<Galley>>>,
    /// The paragraphs that have a galley, and their code points in total.
    resident: Vec<usize>,
    resident_chars: usize,
    /// Heights with paragraph spacing: estimated until laid out, then exact.
    heights: Vec<f32>,
    /// `tops[i]` is the top of paragraph `i` in content coordinates; one more entry for
    /// the bottom of the last paragraph.
    tops: Vec<f32>,
    tops_dirty: bool,
    /// Font size, wrap width and review lanes the galleys were laid out for.
    layout_key: (u32, u32, usize),
    /// Review lanes below each row (their room is part of the row height).
    extra_lanes: usize,
    /// The lanes' revision `lane_bars` was built for.
    lanes_revision: Option<u64>,
    /// Indices into [`Lanes::bars`] of the bars touching each paragraph.
    lane_bars: Vec<Vec<u32>>,
    /// A tiny galley laid out through egui's own cache every frame: see
    /// [`fonts_changed`].
    font_probe: Option<Arc<Galley>>,
    /// The font family the text is drawn in.
    family: FontFamily,
    /// Span index built for this document revision.
    spans_revision: Option<(String, u64)>,
    /// Indices into `doc.spans()` of the spans touching each paragraph.
    paragraph_spans: Vec<Vec<u32>>,
    /// Underline lane of each span, by index into `doc.spans()`.
    lanes: Vec<u8>,
    /// Indices into `doc.candidates()` of the open candidates touching each paragraph
    /// (a link candidate at both of its ends).
    paragraph_candidates: Vec<Vec<u32>>,
    /// Indices into `doc.links()` of the links touching each span.
    links_by_span: HashMap<SpanId, Vec<u32>>,
    /// Whether the current drag is Alt-drag (exact characters).
    drag_exact: bool,
    /// A code point to scroll into view on the next frame.
    scroll_to: Option<usize>,
    /// Whether the view has taken keyboard focus since it was created.
    focus_claimed: bool,
    /// Screen position of the content's top-left corner of the text column in the last
    /// frame, to map offsets back to the screen.
    last_origin: Option<Pos2>,
    /// The link ends' edge markers drawn in the last frame.
    markers: Vec<EdgeMarker>,
    /// The label tags drawn in the last frame, with their spans.
    tags: Vec<(SpanId, Rect)>,
    /// The link-mode number badges drawn in the last frame, with their spans.
    badges: Vec<(SpanId, Rect)>,
    /// The dashed arc of the focused link candidate drawn in the last frame: its ends.
    candidate_arc: Option<(Pos2, Pos2)>,
}

impl ArticleView {
    /// Scrolls code point `offset` into view on the next frame.
    pub fn scroll_to(&mut self, offset: usize) {
        self.scroll_to = Some(offset);
    }

    /// Draws the text in `family` from now on (laid out afresh if it changed).
    pub fn set_font_family(&mut self, family: FontFamily) {
        if self.family != family {
            self.family = family;
            self.layout_key = (0, 0, 0);
        }
    }

    /// The markers at the view's edges for link ends off screen, as drawn in the last
    /// frame.
    pub fn edge_markers(&self) -> &[EdgeMarker] {
        &self.markers
    }

    /// The label tags drawn in the last frame: each span's rectangle on screen.
    pub fn tag_rects(&self) -> &[(SpanId, Rect)] {
        &self.tags
    }

    /// The link-mode number badges drawn in the last frame, by span, on screen.
    pub fn badge_rects(&self) -> &[(SpanId, Rect)] {
        &self.badges
    }

    /// Where the focused link candidate's dashed arc ran in the last frame (from its
    /// first end to its second), if both ends were on screen.
    pub fn candidate_arc(&self) -> Option<(Pos2, Pos2)> {
        self.candidate_arc
    }

    /// Number of paragraphs whose layout the view holds now (for tests and the
    /// benchmark); galleys far from the viewport are dropped beyond a memory budget.
    pub fn laid_out_count(&self) -> usize {
        self.resident.len()
    }

    fn drop_galleys(&mut self) {
        self.galleys.iter_mut().for_each(|g| *g = None);
        self.resident.clear();
        self.resident_chars = 0;
    }

    /// Drops the galleys farthest from the paragraphs in `keep` once they hold more than
    /// [`GALLEY_BUDGET_CHARS`], down to half of it (the paragraphs in `keep` always stay).
    fn evict_far_galleys(&mut self, keep: std::ops::Range<usize>) {
        if self.resident_chars <= GALLEY_BUDGET_CHARS {
            return;
        }
        let distance = |i: usize| {
            if i < keep.start {
                keep.start - i
            } else {
                i.saturating_sub(keep.end.saturating_sub(1))
            }
        };
        let mut resident = std::mem::take(&mut self.resident);
        resident.sort_unstable_by_key(|&i| distance(i));
        let mut kept_chars = 0;
        resident.retain(|&i| {
            let chars = self.paragraphs[i].char_end - self.paragraphs[i].char_start + 1;
            if keep.contains(&i) || kept_chars + chars <= GALLEY_BUDGET_CHARS / 2 {
                kept_chars += chars;
                true
            } else {
                self.galleys[i] = None;
                false
            }
        });
        self.resident = resident;
        self.resident_chars = kept_chars;
    }

    fn prepare_text(&mut self, doc: &Document) {
        if self.text_digest == doc.digest() && !self.paragraphs.is_empty() {
            return;
        }
        self.text_digest = doc.digest().to_owned();
        self.paragraphs.clear();
        let text = doc.text();
        let mut char_pos = 0;
        let mut byte_pos = 0;
        for line in text.split_inclusive('\n') {
            let content = line.trim_end_matches(['\n', '\r']);
            let chars = content.chars().count();
            self.paragraphs.push(Paragraph {
                char_start: char_pos,
                char_end: char_pos + chars,
                byte_start: byte_pos,
                byte_end: byte_pos + content.len(),
            });
            char_pos += line.chars().count();
            byte_pos += line.len();
        }
        if self.paragraphs.is_empty() {
            self.paragraphs.push(Paragraph {
                char_start: 0,
                char_end: 0,
                byte_start: 0,
                byte_end: 0,
            });
        }
        self.galleys = vec![None; self.paragraphs.len()];
        self.resident.clear();
        self.resident_chars = 0;
        self.heights = vec![0.0; self.paragraphs.len()];
        self.layout_key = (0, 0, 0);
        self.spans_revision = None;
        self.lanes_revision = None;
    }

    fn prepare_layout(&mut self, ui: &Ui, font_size: f32, wrap_width: f32) {
        let key = (
            font_size.to_bits(),
            wrap_width.round().to_bits(),
            self.extra_lanes,
        );
        let fonts_changed = fonts_changed(ui, &mut self.font_probe);
        if key == self.layout_key && !fonts_changed {
            return;
        }
        self.layout_key = key;
        self.drop_galleys();
        // Estimate heights from the length of each paragraph until it is laid out.
        let chars_per_row = (wrap_width / (font_size * 0.5)).max(10.0);
        let row_height = self.row_height(font_size);
        for (height, p) in self.heights.iter_mut().zip(&self.paragraphs) {
            let rows = ((p.char_end - p.char_start) as f32 / chars_per_row)
                .ceil()
                .max(1.0);
            *height = rows * row_height + paragraph_gap(font_size);
        }
        self.tops_dirty = true;
    }

    fn prepare_spans(&mut self, doc: &Document) {
        let revision = (doc.id.clone(), doc.revision());
        if self.spans_revision.as_ref() == Some(&revision) {
            return;
        }
        self.spans_revision = Some(revision);
        self.paragraph_spans = vec![Vec::new(); self.paragraphs.len()];
        let spans = doc.spans();
        for (i, span) in spans.iter().enumerate() {
            let first = self.paragraphs.partition_point(|p| p.char_end < span.start);
            for (p, list) in self.paragraphs[first..]
                .iter()
                .zip(&mut self.paragraph_spans[first..])
            {
                if p.char_start >= span.end {
                    break;
                }
                list.push(i as u32);
            }
        }
        // Lanes: each span takes the lowest lane no overlapping earlier span holds, so
        // a span nested in another is underlined below it.
        self.lanes = vec![0; spans.len()];
        let mut active: Vec<(usize, u8)> = Vec::new(); // (end, lane)
        for (i, span) in spans.iter().enumerate() {
            active.retain(|(end, _)| *end > span.start);
            let lane = (0..=u8::MAX)
                .find(|l| !active.iter().any(|(_, al)| al == l))
                .unwrap_or(0);
            self.lanes[i] = lane;
            active.push((span.end, lane));
        }
        self.links_by_span.clear();
        for (i, link) in doc.links().iter().enumerate() {
            for end in [link.from, link.to] {
                self.links_by_span.entry(end).or_default().push(i as u32);
            }
        }
        self.paragraph_candidates = vec![Vec::new(); self.paragraphs.len()];
        for (i, candidate) in doc.candidates().iter().enumerate() {
            if !candidate.is_pending() {
                continue;
            }
            for key in candidate.proposal.keys() {
                let first = self.paragraphs.partition_point(|p| p.char_end < key.start);
                for (p, list) in self.paragraphs[first..]
                    .iter()
                    .zip(&mut self.paragraph_candidates[first..])
                {
                    if p.char_start >= key.end {
                        break;
                    }
                    if list.last() != Some(&(i as u32)) {
                        list.push(i as u32);
                    }
                }
            }
        }
    }

    /// Indexes the review lanes' bars by paragraph, once per revision of the lanes.
    fn prepare_lanes(&mut self, lanes: Option<&Lanes>) {
        let Some(lanes) = lanes else {
            self.lane_bars.clear();
            self.lanes_revision = None;
            return;
        };
        if self.lanes_revision == Some(lanes.revision)
            && self.lane_bars.len() == self.paragraphs.len()
        {
            return;
        }
        self.lanes_revision = Some(lanes.revision);
        self.lane_bars = vec![Vec::new(); self.paragraphs.len()];
        for (i, bar) in lanes.bars.iter().enumerate() {
            let first = self.paragraphs.partition_point(|p| p.char_end < bar.start);
            for (p, list) in self.paragraphs[first..]
                .iter()
                .zip(&mut self.lane_bars[first..])
            {
                if p.char_start >= bar.end {
                    break;
                }
                list.push(i as u32);
            }
        }
    }

    /// Height of one row of text, with room below it for the underline lanes and the
    /// review lanes.
    fn row_height(&self, font_size: f32) -> f32 {
        row_height(font_size) + self.extra_lanes as f32 * REVIEW_LANE_STEP
    }

    fn update_tops(&mut self) {
        if !self.tops_dirty && self.tops.len() == self.heights.len() + 1 {
            return;
        }
        self.tops.clear();
        self.tops.reserve(self.heights.len() + 1);
        let mut y = 0.0;
        self.tops.push(y);
        for h in &self.heights {
            y += h;
            self.tops.push(y);
        }
        self.tops_dirty = false;
    }

    fn galley(
        &mut self,
        ui: &Ui,
        doc: &Document,
        index: usize,
        font_size: f32,
        wrap_width: f32,
    ) -> Arc<Galley> {
        if let Some(galley) = &self.galleys[index] {
            return galley.clone();
        }
        let p = self.paragraphs[index];
        let mut job = LayoutJob::single_section(
            doc.text()[p.byte_start..p.byte_end].to_owned(),
            TextFormat {
                font_id: FontId::new(font_size, self.family.clone()),
                color: Color32::PLACEHOLDER,
                line_height: Some(self.row_height(font_size)),
                ..Default::default()
            },
        );
        job.wrap.max_width = wrap_width;
        let galley = ui.painter().layout_job(job);
        let height = galley.size().y.max(self.row_height(font_size)) + paragraph_gap(font_size);
        if (self.heights[index] - height).abs() > 0.01 {
            self.heights[index] = height;
            self.tops_dirty = true;
        }
        self.galleys[index] = Some(galley.clone());
        self.resident.push(index);
        self.resident_chars += p.char_end - p.char_start + 1;
        galley
    }

    /// Shows the view and returns what the user did.
    pub fn show(&mut self, ui: &mut Ui, input: &ViewInput<'_>) -> Vec<ViewAction> {
        let doc = input.doc;
        let font_size = input.font_size;
        self.prepare_text(doc);
        let width = ui.available_width();
        // A comfortable reading measure: about 75 characters a line.
        let wrap_width = (font_size * 38.0).min(width - 24.0).max(100.0);
        self.extra_lanes = input.lanes.map_or(0, |l| l.count);
        self.prepare_layout(ui, font_size, wrap_width);
        self.prepare_spans(doc);
        self.prepare_lanes(input.lanes);
        self.update_tops();
        let mut actions = Vec::new();

        let scroll_target = self.scroll_to.take();
        egui::ScrollArea::vertical()
            .id_salt(("article", &doc.id))
            .auto_shrink([false, false])
            .show_viewport(ui, |ui, viewport| {
                let total = *self.tops.last().unwrap_or(&0.0);
                ui.set_height(total);
                ui.set_width(width);
                let left = ui.max_rect().left() + ((width - wrap_width) / 2.0).max(8.0);
                let top = ui.max_rect().top();
                self.last_origin = Some(pos2(left, top));

                if let Some(offset) = scroll_target {
                    // The row holding the offset, centred: a paragraph taller than the
                    // view, centred as a whole, could leave the offset off screen.
                    let index = self.paragraph_of(offset);
                    let galley = self.galley(ui, doc, index, font_size, wrap_width);
                    self.update_tops();
                    let p = self.paragraphs[index];
                    let row = galley.pos_from_cursor(CCursor::new(
                        offset.clamp(p.char_start, p.char_end) - p.char_start,
                    ));
                    let rect = Rect::from_min_size(
                        pos2(left, top + self.tops[index] + row.top()),
                        Vec2::new(wrap_width, row.height().max(1.0)),
                    );
                    ui.scroll_to_rect(rect, Some(egui::Align::Center));
                }

                // Paragraphs intersecting the viewport, with one more on each side.
                let first = self
                    .tops
                    .partition_point(|&t| t <= viewport.min.y)
                    .saturating_sub(1);
                let mut last = first;
                while last < self.paragraphs.len() && self.tops[last] < viewport.max.y {
                    last += 1;
                }
                let visible = first..last.min(self.paragraphs.len());
                // Lay out what is visible first: exact heights move later paragraphs.
                for index in visible.clone() {
                    self.galley(ui, doc, index, font_size, wrap_width);
                }
                self.evict_far_galleys(visible.clone());
                self.update_tops();

                let view_rect = Rect::from_min_size(pos2(left, top), Vec2::new(wrap_width, total));
                let response = ui.interact(
                    view_rect.intersect(ui.clip_rect()).expand(4.0),
                    ui.scope_id().with("article-input"),
                    Sense::click_and_drag(),
                );
                // The article takes keyboard focus (at the start and on every click) and
                // keeps Tab, the arrows and Escape: they step through and resize spans
                // here rather than move egui's focus through the panels' buttons.
                if !self.focus_claimed || response.clicked() || response.drag_started() {
                    response.request_focus();
                    self.focus_claimed = true;
                }
                let keep_keys = egui::EventFilter {
                    tab: true,
                    horizontal_arrows: true,
                    vertical_arrows: true,
                    escape: true,
                };
                ui.memory_mut(|m| m.set_focus_lock_filter(response.id, keep_keys));
                let painter = ui.painter_at(ui.clip_rect());
                let text_color = ui.visuals().text_color();
                let background = ui.visuals().panel_fill;
                let selection_color = ui.visuals().selection.bg_fill.gamma_multiply(0.6);
                // egui centres glyphs in a row taller than the font: the review lanes'
                // room moves the glyphs down by half of it.
                let glyph_shift = self.extra_lanes as f32 * REVIEW_LANE_STEP / 2.0;
                let text_rect = |rect: Rect, font_size: f32| {
                    text_rect(rect, font_size).translate(Vec2::new(0.0, glyph_shift))
                };

                let mut hovered_span: Option<usize> = None;
                let mut hovered_bar: Option<usize> = None;
                let mut hovered_candidate: Option<CandidateId> = None;
                // The focused link candidate's ends on screen (first row of each, and
                // its colour): joined by a dashed connector after the paragraphs.
                let mut candidate_link: [Option<Rect>; 2] = [None, None];
                let mut candidate_link_color = text_color;
                // First visible row of each span on screen: where its links attach.
                let mut ends: BTreeMap<SpanId, End> = BTreeMap::new();
                let pointer = response.hover_pos();
                // Looked up once, not once a paragraph: `Document::span` is a linear search.
                let selected_span = input.selected_span.and_then(|id| doc.span(id));
                let clip = ui.clip_rect();
                self.tags.clear();
                self.badges.clear();
                for index in visible {
                    let Some(galley) = self.galleys[index].clone() else {
                        continue;
                    };
                    let origin = pos2(left, top + self.tops[index]);
                    let p = self.paragraphs[index];
                    // The first rows of the spans starting in this paragraph: where their
                    // tags and badges go.
                    let mut heads: Vec<(usize, Rect)> = Vec::new();
                    // Spans: backgrounds outermost first, then underlines by lane.
                    for &span_index in &self.paragraph_spans[index] {
                        let span = &doc.spans()[span_index as usize];
                        let color = label_color(input.schema, &span.label);
                        let lane = usize::from(self.lanes[span_index as usize]).min(MAX_LANES - 1);
                        let rects = range_rects(&galley, origin, p, span.start, span.end);
                        for (row, &rect) in rects.iter().enumerate() {
                            painter.rect_filled(
                                text_rect(rect, font_size),
                                2.0,
                                color.gamma_multiply(0.22),
                            );
                            let glyphs = text_rect(rect, font_size);
                            // A link end is the span's first row on screen: a row laid out
                            // but scrolled away is no end to draw to (its marker stands in).
                            if glyphs.bottom() > clip.top()
                                && glyphs.top() < clip.bottom()
                                && let std::collections::btree_map::Entry::Vacant(entry) =
                                    ends.entry(span.id)
                            {
                                let gap_y = glyphs.bottom() + 2.5 + MAX_LANES as f32 * LANE_STEP;
                                entry.insert(End {
                                    rect: glyphs,
                                    gap_y,
                                });
                            }
                            if row == 0 && p.char_start <= span.start {
                                heads.push((span_index as usize, rect));
                            }
                            let y =
                                text_rect(rect, font_size).bottom() + 1.5 + lane as f32 * LANE_STEP;
                            painter.line_segment(
                                [pos2(rect.left(), y), pos2(rect.right(), y)],
                                Stroke::new(2.0, underline_color(color, background)),
                            );
                            if let Some(pointer) = pointer
                                && rect.contains(pointer)
                            {
                                // The innermost span under the pointer wins: the
                                // shortest, whatever the order spans starting together
                                // come in.
                                let len = |i: usize| {
                                    let s = &doc.spans()[i];
                                    s.end - s.start
                                };
                                let index = span_index as usize;
                                if hovered_span.is_none_or(|h| len(index) <= len(h)) {
                                    hovered_span = Some(index);
                                }
                            }
                        }
                    }
                    // Tags side by side where spans start together: the outer span's
                    // first, each numbered span's badge just before its own tag.
                    heads.sort_by_key(|&(i, _)| {
                        let span = &doc.spans()[i];
                        (span.start, std::cmp::Reverse(span.end))
                    });
                    let mut placed: Vec<Rect> = Vec::new();
                    for &(span_index, rect) in &heads {
                        let span = &doc.spans()[span_index];
                        if let Some(i) = input.numbered.iter().position(|id| *id == span.id) {
                            let badge = number_badge(&painter, rect, i + 1, &mut placed);
                            self.badges.push((span.id, badge));
                        }
                        if input.show_tags {
                            let color = label_color(input.schema, &span.label);
                            let tag = label_tag(
                                &painter,
                                input.schema,
                                &span.label,
                                rect,
                                underline_color(color, background),
                                &mut placed,
                            );
                            self.tags.push((span.id, tag));
                        }
                    }
                    // Open candidates: a dashed outline and no fill, never mistaken
                    // for a span; the one in focus drawn thicker.
                    for &candidate_index in &self.paragraph_candidates[index] {
                        let Some(candidate) = doc.candidates().get(candidate_index as usize) else {
                            continue;
                        };
                        let focused = input.focused_candidate == Some(candidate.id);
                        let is_link = matches!(candidate.proposal, Proposal::Link { .. });
                        if is_link && !focused {
                            continue;
                        }
                        for (end, key) in candidate.proposal.keys().enumerate() {
                            let color = label_color(input.schema, &key.label);
                            let width = if focused { 2.5 } else { 1.3 };
                            for rect in range_rects(&galley, origin, p, key.start, key.end) {
                                let rect = text_rect(rect, font_size).expand(if focused {
                                    2.0
                                } else {
                                    1.0
                                });
                                if is_link && end < 2 && candidate_link[end].is_none() {
                                    candidate_link[end] = Some(rect);
                                    if end == 1 {
                                        candidate_link_color = color;
                                    }
                                }
                                dashed_rect(&painter, rect, Stroke::new(width, color));
                                if let Some(pointer) = pointer
                                    && rect.contains(pointer)
                                    && !is_link
                                {
                                    hovered_candidate = Some(candidate.id);
                                }
                            }
                        }
                    }
                    if let Some(lanes) = input.lanes
                        && let Some(bars) = self.lane_bars.get(index)
                    {
                        for &bar_index in bars {
                            let bar = &lanes.bars[bar_index as usize];
                            for rect in range_rects(&galley, origin, p, bar.start, bar.end) {
                                // The lanes fill the bottom of the row, below the glyphs.
                                let lanes_from_bottom =
                                    (lanes.count - bar.lane.min(lanes.count)) as f32;
                                let y = rect.bottom() - lanes_from_bottom * REVIEW_LANE_STEP;
                                let bar_rect = Rect::from_min_max(
                                    pos2(rect.left() + 0.5, y),
                                    pos2(rect.right() - 0.5, y + REVIEW_LANE_STEP - 1.5),
                                );
                                painter.rect_filled(bar_rect, 1.0, bar.color);
                                if let Some(pointer) = pointer
                                    && bar_rect.expand2(Vec2::new(0.0, 1.0)).contains(pointer)
                                {
                                    hovered_bar = Some(bar_index as usize);
                                }
                            }
                        }
                    }
                    for &(start, end) in input.matches {
                        for rect in range_rects(&galley, origin, p, start, end) {
                            painter.rect_stroke(
                                text_rect(rect, font_size),
                                2.0,
                                Stroke::new(1.5, Color32::from_rgb(0xF0, 0xE4, 0x42)),
                                egui::StrokeKind::Outside,
                            );
                        }
                    }
                    if let Some(selection) = input.selection.filter(|s| !s.is_empty()) {
                        let (start, end) = selection.range();
                        for rect in range_rects(&galley, origin, p, start, end) {
                            painter.rect_filled(text_rect(rect, font_size), 0.0, selection_color);
                        }
                    }
                    if let Some(span) = selected_span {
                        for rect in range_rects(&galley, origin, p, span.start, span.end) {
                            painter.rect_stroke(
                                text_rect(rect, font_size).expand(1.0),
                                2.0,
                                Stroke::new(2.0, text_color),
                                egui::StrokeKind::Outside,
                            );
                        }
                    }
                    painter.galley(origin, galley, text_color);
                }
                if input.show_links {
                    let emphasised: Vec<SpanId> = hovered_span
                        .map(|i| doc.spans()[i].id)
                        .into_iter()
                        .chain(input.selected_span)
                        .collect();
                    let mut links: Vec<u32> = ends
                        .keys()
                        .filter_map(|id| self.links_by_span.get(id))
                        .flatten()
                        .copied()
                        .collect();
                    links.sort_unstable();
                    links.dedup();
                    let (paragraphs, galleys, tops) = (&self.paragraphs, &self.galleys, &self.tops);
                    // A far end is not on screen (else it would be among the ends): above
                    // or below by where its first row is, laid out or estimated.
                    let offscreen = |id: SpanId| {
                        let span = doc.span(id)?;
                        let index = paragraphs
                            .partition_point(|p| p.char_end < span.start)
                            .min(paragraphs.len().saturating_sub(1));
                        let p = paragraphs[index];
                        let origin = pos2(left, top + tops[index]);
                        let y = galleys[index]
                            .as_ref()
                            .and_then(|g| {
                                range_rects(g, origin, p, span.start, span.end)
                                    .first()
                                    .copied()
                            })
                            .map_or(origin.y, |r| r.center().y);
                        let side = if y < clip.center().y {
                            Offscreen::Above
                        } else {
                            Offscreen::Below
                        };
                        Some((side, span.start))
                    };
                    let color = |link: &crate::model::Link| {
                        doc.span(link.to).map_or(text_color, |s| {
                            underline_color(label_color(input.schema, &s.label), background)
                        })
                    };
                    let frame = LinkFrame {
                        doc,
                        ends: &ends,
                        viewport: ui.clip_rect(),
                        text_left: left,
                        emphasised: &emphasised,
                        color: &color,
                        offscreen: &offscreen,
                    };
                    self.markers = draw_links(&painter, &frame, &links);
                    // Markers lie partly in the margin, outside the text's response:
                    // each takes its own clicks (and, registered after it, wins them).
                    for marker in &self.markers {
                        let marker_response = ui
                            .interact(
                                marker.rect,
                                ui.scope_id().with(("link-marker", marker.span)),
                                Sense::click(),
                            )
                            .on_hover_cursor(egui::CursorIcon::PointingHand);
                        if marker_response.clicked() {
                            self.scroll_to = Some(marker.offset);
                        }
                        // The marker's text is cut short: the whole far end on hover.
                        marker_response.on_hover_ui(|ui| {
                            if let Some(span) = doc.span(marker.span) {
                                ui.label(shorten(doc.span_text(span), 200));
                            }
                        });
                    }
                } else {
                    self.markers.clear();
                }
                // A suggested link in focus is a dashed arc between its ends, so it
                // reads as a link still to decide, never as one made (links shown or
                // not: it is what the side panel asks about).
                self.candidate_arc = None;
                if let [Some(from), Some(to)] = candidate_link {
                    let stroke = Stroke::new(2.0, candidate_link_color);
                    let (a, b) = (from.center_top(), to.center_top());
                    dashed_arc(&painter, a, b, stroke);
                    self.candidate_arc = Some((a, b));
                }

                self.handle_input(
                    ui,
                    &response,
                    doc,
                    left,
                    top,
                    font_size,
                    wrap_width,
                    hovered_span,
                    &mut actions,
                );
                if let Some(id) = hovered_candidate
                    && response.clicked()
                    && !ui.input(|i| i.modifiers.shift)
                {
                    actions.push(ViewAction::FocusCandidate(id));
                }
                if let (Some(lanes), Some(bar_index)) = (input.lanes, hovered_bar) {
                    let bar = &lanes.bars[bar_index];
                    if response.clicked() {
                        actions.push(ViewAction::BarClicked(bar.tag));
                    }
                    let tip = bar.tip.clone();
                    response.clone().on_hover_ui_at_pointer(|ui| {
                        ui.label(tip);
                    });
                } else if let Some(span_index) = hovered_span
                    && !response.dragged()
                {
                    let span = &doc.spans()[span_index];
                    let label = input
                        .schema
                        .label(&span.label)
                        .map_or(span.label.as_str(), |l| l.name.as_str());
                    let text = doc.span_text(span);
                    let note = span.note.clone();
                    // Its links, by type name: "Said by: Dmitry Peskov".
                    let links: Vec<String> = doc
                        .links_of(span.id)
                        .filter(|l| l.from == span.id)
                        .filter_map(|l| {
                            let to = doc.span(l.to)?;
                            let name = input
                                .schema
                                .link_type(&l.link_type)
                                .map_or(l.link_type.as_str(), |t| t.name.as_str());
                            Some(format!("{name}: {}", shorten(doc.span_text(to), 60)))
                        })
                        .collect();
                    response.clone().on_hover_ui_at_pointer(|ui| {
                        ui.strong(label);
                        ui.label(shorten(text, 200));
                        for link in links {
                            ui.label(link);
                        }
                        if let Some(note) = note {
                            ui.label(egui::RichText::new(note).italics());
                        }
                    });
                }
            });
        actions
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "the frame's geometry, passed once"
    )]
    fn handle_input(
        &mut self,
        ui: &Ui,
        response: &egui::Response,
        doc: &Document,
        left: f32,
        top: f32,
        font_size: f32,
        wrap_width: f32,
        hovered_span: Option<usize>,
        actions: &mut Vec<ViewAction>,
    ) {
        let modifiers = ui.input(|i| i.modifiers);
        let offset_at = |view: &mut Self, pos: Pos2| {
            view.offset_at(
                ui,
                doc,
                pos2(pos.x - left, pos.y - top),
                font_size,
                wrap_width,
            )
        };
        if response.drag_started()
            && let Some(pos) = response.interact_pointer_pos()
        {
            // egui calls it a drag once the pointer has moved away, which a fast drag
            // does in one frame: the selection starts where the button went down.
            let origin = ui.input(|i| i.pointer.press_origin()).unwrap_or(pos);
            let anchor = offset_at(self, origin);
            let focus = offset_at(self, pos);
            self.drag_exact = modifiers.alt;
            actions.push(ViewAction::Select(Some(Selection { anchor, focus })));
        } else if response.dragged()
            && let Some(pos) = response.interact_pointer_pos()
        {
            let offset = offset_at(self, pos);
            actions.push(ViewAction::SelectFocus(offset));
            autoscroll(ui, pos);
        } else if response.drag_stopped() {
            // The button may come up somewhere the last frame did not see.
            if let Some(pos) = response.interact_pointer_pos() {
                let offset = offset_at(self, pos);
                actions.push(ViewAction::SelectFocus(offset));
            }
            actions.push(ViewAction::FinishDrag {
                exact: self.drag_exact,
            });
        } else if response.double_clicked()
            && let Some(pos) = response.interact_pointer_pos()
        {
            let offset = offset_at(self, pos);
            let word = words::word_at(doc.text(), doc.index(), offset);
            actions.push(ViewAction::Select(word.map(|(s, e)| Selection {
                anchor: s,
                focus: e,
            })));
        } else if response.clicked()
            && let Some(pos) = response.interact_pointer_pos()
        {
            if modifiers.shift {
                let offset = offset_at(self, pos);
                actions.push(ViewAction::ExtendTo(offset));
            } else {
                actions.push(ViewAction::Select(None));
                actions.push(ViewAction::SelectSpan(
                    hovered_span.map(|i| doc.spans()[i].id),
                ));
            }
        }
    }

    /// Where code point `offset` was on screen in the last frame (the middle of the left
    /// edge of its character), if its paragraph was laid out.
    pub fn screen_pos(&self, offset: usize) -> Option<Pos2> {
        let origin = self.last_origin?;
        let index = self.paragraph_of(offset);
        let galley = self.galleys.get(index)?.as_ref()?;
        let p = self.paragraphs[index];
        let rect = galley.pos_from_cursor(CCursor::new(offset.saturating_sub(p.char_start)));
        Some(origin + Vec2::new(rect.left(), self.tops[index] + rect.center().y))
    }

    /// The paragraph holding code point `offset` (the last one for the end of the text).
    fn paragraph_of(&self, offset: usize) -> usize {
        self.paragraphs
            .partition_point(|p| p.char_end < offset)
            .min(self.paragraphs.len().saturating_sub(1))
    }

    /// The code point nearest to `pos`, in content coordinates relative to the text's
    /// left edge and the content's top.
    pub fn offset_at(
        &mut self,
        ui: &Ui,
        doc: &Document,
        pos: Pos2,
        font_size: f32,
        wrap_width: f32,
    ) -> usize {
        if self.paragraphs.is_empty() {
            return 0;
        }
        let index = self
            .tops
            .partition_point(|&t| t <= pos.y)
            .saturating_sub(1)
            .min(self.paragraphs.len().saturating_sub(1));
        let galley = self.galley(ui, doc, index, font_size, wrap_width);
        let local = Vec2::new(pos.x, pos.y - self.tops[index]);
        let cursor: CCursor = galley.cursor_from_pos(local);
        let p = self.paragraphs[index];
        (p.char_start + cursor.index.0).min(p.char_end)
    }
}

/// Whether egui's fonts or glyph atlas changed since the last frame, which leaves every
/// kept galley pointing at glyphs that are no longer where it says (garbled text).
///
/// egui clears its own galley cache exactly then: on a theme switch (light and dark
/// rasterise glyphs differently), new fonts, a new `pixels_per_point`, and an atlas
/// rebuilt because it filled up. So a tiny galley laid out through that cache every
/// frame comes back as the same `Arc` until the cache is cleared, and as a new one
/// after: one hash lookup a frame, and no relayout on ordinary frames.
fn fonts_changed(ui: &Ui, probe: &mut Option<Arc<Galley>>) -> bool {
    let fresh = ui.painter().layout_no_wrap(
        "Mg".to_owned(),
        FontId::proportional(8.0),
        Color32::PLACEHOLDER,
    );
    let changed = !probe.as_ref().is_some_and(|old| Arc::ptr_eq(old, &fresh));
    *probe = Some(fresh);
    changed
}

/// While a drag is past the top or bottom of the view, scrolls towards it: faster the
/// farther out, at most about a line a frame, and on every frame until it comes back.
fn autoscroll(ui: &Ui, pointer: Pos2) {
    let visible = ui.clip_rect();
    let beyond = if pointer.y < visible.top() {
        visible.top() - pointer.y
    } else if pointer.y > visible.bottom() {
        visible.bottom() - pointer.y
    } else {
        return;
    };
    ui.scroll_with_delta(Vec2::new(0.0, beyond.clamp(-40.0, 40.0)));
    ui.ctx().request_repaint();
}

/// Height of one row of text, with room below it for the underline lanes.
fn row_height(font_size: f32) -> f32 {
    font_size * 1.45 + MAX_LANES as f32 * LANE_STEP
}

fn paragraph_gap(font_size: f32) -> f32 {
    font_size * 0.7
}

/// The part of a row's rectangle the glyphs occupy (the row also holds the lanes).
fn text_rect(row_rect: Rect, font_size: f32) -> Rect {
    let height = font_size * 1.3;
    Rect::from_min_max(
        row_rect.min,
        pos2(
            row_rect.max.x,
            (row_rect.min.y + height).min(row_rect.max.y),
        ),
    )
}

/// Screen rectangles, one per row, covering `[start, end)` (code points of the whole
/// text) within paragraph `p` laid out as `galley` at `origin`.
fn range_rects(galley: &Galley, origin: Pos2, p: Paragraph, start: usize, end: usize) -> Vec<Rect> {
    let start = start.max(p.char_start);
    let end = end.min(p.char_end);
    let mut rects = Vec::new();
    if start >= end {
        return rects;
    }
    let (start, end) = (start - p.char_start, end - p.char_start);
    let mut row_start = 0;
    for placed in &galley.rows {
        let row = &placed.row;
        let count = row.char_count_excluding_newline().0;
        let row_end = row_start + count;
        if row_end > start && row_start < end {
            let x0 = row.x_offset(CharIndex(start.max(row_start) - row_start));
            let x1 = row.x_offset(CharIndex(end.min(row_end) - row_start));
            let min = origin + placed.pos.to_vec2() + Vec2::new(x0, 0.0);
            rects.push(Rect::from_min_size(min, Vec2::new(x1 - x0, row.height())));
        }
        row_start = row_end;
        if row_start >= end {
            break;
        }
    }
    rects
}

/// Points between tags (and badges) laid side by side.
const TAG_GAP: f32 = 2.0;

/// Where a tag of `size` goes that would sit at `at` (its top-left corner): there, or
/// moved right past every tag already `placed` that it would overlap, so tags of spans
/// starting at the same place (or close together) are laid side by side in the order
/// they come, outer span first. The rectangle is added to `placed`.
pub(crate) fn place_tag(placed: &mut Vec<Rect>, at: Pos2, size: Vec2) -> Rect {
    let mut rect = Rect::from_min_size(at, size);
    // Each step moves right past one placed tag for good, so this ends.
    while let Some(other) = placed.iter().find(|r| r.intersects(rect)) {
        rect = rect.translate(Vec2::new(other.right() + TAG_GAP - rect.left(), 0.0));
    }
    placed.push(rect);
    rect
}

/// A small tag with the label's name at the top-left of a span's first row, so nested
/// spans can be told apart without hovering; beside the tags `placed` before it.
fn label_tag(
    painter: &egui::Painter,
    schema: &Schema,
    key: &str,
    row: Rect,
    color: Color32,
    placed: &mut Vec<Rect>,
) -> Rect {
    let name = schema.label(key).map_or(key, |l| l.name.as_str());
    let short: String = name.chars().take(3).collect();
    let galley = painter.layout_no_wrap(short.to_uppercase(), FontId::proportional(7.5), color);
    let rect = place_tag(placed, pos2(row.left(), row.top() - 1.0), galley.size());
    painter.galley(rect.min, galley, color);
    rect
}

/// The number a link target is picked by: a small badge in the tag strip above the
/// span's start, where the span's own tag then goes beside it, so neither the tag nor
/// the text is hidden.
fn number_badge(painter: &egui::Painter, row: Rect, n: usize, placed: &mut Vec<Rect>) -> Rect {
    let galley = painter.layout_no_wrap(n.to_string(), FontId::proportional(9.0), Color32::BLACK);
    let size = Vec2::new(galley.size().x + 6.0, galley.size().y);
    let rect = place_tag(placed, pos2(row.left(), row.top() - 3.0), size);
    painter.rect_filled(rect, size.y / 2.0, Color32::from_rgb(0xF0, 0xE4, 0x42));
    painter.galley(rect.center() - galley.size() / 2.0, galley, Color32::BLACK);
    rect
}

/// A dashed arc from `a` to `b` above both, higher the farther apart they are.
fn dashed_arc(painter: &egui::Painter, a: Pos2, b: Pos2, stroke: Stroke) {
    let lift = 10.0 + ((a.x - b.x).abs() / 30.0).min(12.0) + (a.y - b.y).abs() / 8.0;
    let top = a.y.min(b.y) - lift;
    let curve = egui::epaint::CubicBezierShape::from_points_stroke(
        [a, pos2(a.x, top), pos2(b.x, top), b],
        false,
        Color32::TRANSPARENT,
        Stroke::NONE,
    );
    let points = curve.flatten(Some(0.5));
    painter.extend(egui::Shape::dashed_line(&points, stroke, 5.0, 4.0));
}

/// A rectangle outlined with dashes: how candidates are drawn.
fn dashed_rect(painter: &egui::Painter, rect: Rect, stroke: Stroke) {
    let corners = [
        rect.left_top(),
        rect.right_top(),
        rect.right_bottom(),
        rect.left_bottom(),
        rect.left_top(),
    ];
    painter.extend(egui::Shape::dashed_line(&corners, stroke, 4.0, 3.0));
}

/// A label's underline colour on `background`: the label colour, darker or lighter as
/// needed to stand out from the background by 3:1 in either theme.
fn underline_color(color: Color32, background: Color32) -> Color32 {
    super::contrast::legible_on(color, background, super::contrast::UNDERLINE_CONTRAST)
}

/// The colour of a label, grey for one the schema lacks.
pub fn label_color(schema: &Schema, key: &str) -> Color32 {
    schema.label(key).map_or(Color32::GRAY, |l| {
        let [r, g, b] = l.color.0;
        Color32::from_rgb(r, g, b)
    })
}

/// At most `max` chars of `text`, with an ellipsis when cut.
pub fn shorten(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).collect();
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(at: (f32, f32), width: f32) -> (Pos2, Vec2) {
        (pos2(at.0, at.1), Vec2::new(width, 9.0))
    }

    #[test]
    fn tags_at_one_place_are_laid_side_by_side_in_order() {
        let mut placed = Vec::new();
        let (at, size) = tag((100.0, 20.0), 14.0);
        let first = place_tag(&mut placed, at, size);
        let second = place_tag(&mut placed, at, size);
        let third = place_tag(&mut placed, at, Vec2::new(10.0, 9.0));
        assert_eq!(first.min, at);
        assert_eq!(second.left(), first.right() + TAG_GAP);
        assert_eq!(third.left(), second.right() + TAG_GAP);
        assert!(
            [first, second, third]
                .iter()
                .all(|r| (r.top() - at.y).abs() < f32::EPSILON)
        );
    }

    #[test]
    fn a_tag_moves_past_every_tag_it_would_overlap_and_no_farther() {
        let mut placed = Vec::new();
        let a = place_tag(&mut placed, pos2(100.0, 20.0), Vec2::new(14.0, 9.0));
        // Starts inside the first tag, and would land on one placed just after it.
        let b = place_tag(
            &mut placed,
            pos2(a.right() + TAG_GAP, 20.0),
            Vec2::new(14.0, 9.0),
        );
        let c = place_tag(&mut placed, pos2(105.0, 20.0), Vec2::new(14.0, 9.0));
        assert_eq!(c.left(), b.right() + TAG_GAP);
        // One far away, or on another row, stays where it was asked for.
        let far = place_tag(&mut placed, pos2(300.0, 20.0), Vec2::new(14.0, 9.0));
        let below = place_tag(&mut placed, pos2(100.0, 60.0), Vec2::new(14.0, 9.0));
        assert_eq!(far.left(), 300.0);
        assert_eq!(below.min, pos2(100.0, 60.0));
        for (i, r) in placed.iter().enumerate() {
            assert!(placed[i + 1..].iter().all(|o| !o.intersects(*r)));
        }
    }
}
