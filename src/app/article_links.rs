//! Links drawn over the article: who said what at a glance. A link between spans on the
//! same or the next line is an arc above the text; a longer one runs through the left
//! margin, each in its own track so crossing links stay apart; a link whose other end is
//! off screen (even in a paragraph on screen) runs the same way down its margin track to
//! a marker at the view's top or bottom edge that jumps to it: never across the text.
//! The markers are opaque boxes starting in the margin with a painted arrow (the fonts
//! may lack arrow glyphs). The links of the hovered or selected span are drawn strong
//! and the others dimmed.

use std::collections::BTreeMap;

use egui::epaint::{CubicBezierShape, PathShape, PathStroke};
use egui::{Color32, FontId, Painter, Pos2, Rect, Stroke, Vec2, pos2, vec2};

use crate::model::{Document, Link, SpanId};

/// Margin tracks for long links; more links share them round-robin.
const TRACKS: usize = 6;
/// Points between margin tracks.
const TRACK_STEP: f32 = 4.0;

/// One link end on screen this frame.
#[derive(Clone, Copy, Debug)]
pub struct End {
    /// The end span's first visible row (its glyphs), on screen.
    pub rect: Rect,
    /// The free gap below that row's underlines: long links run along it, under the
    /// text rather than through it.
    pub gap_y: f32,
}

/// Where the other end of a link lies when it is not on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Offscreen {
    /// Above the viewport.
    Above,
    /// Below it.
    Below,
}

/// A marker at the edge of the view for a link's far end: clicking it scrolls there.
#[derive(Clone, Debug)]
pub struct EdgeMarker {
    /// Where it is drawn (and clicked).
    pub rect: Rect,
    /// The code point to scroll to.
    pub offset: usize,
    /// The far end it stands for (one marker however many links lead there).
    pub span: SpanId,
    /// Which edge it sits at.
    pub side: Offscreen,
}

impl EdgeMarker {
    /// Whether it stands for an end above the view (else below).
    pub fn is_above(&self) -> bool {
        self.side == Offscreen::Above
    }
}

/// What the view knows about one frame, for drawing the links.
pub struct LinkFrame<'a> {
    /// The document.
    pub doc: &'a Document,
    /// First visible row of every span on screen (spans whose rows are all off screen
    /// are not here, even when their paragraph is laid out).
    pub ends: &'a BTreeMap<SpanId, End>,
    /// The viewport on screen (the clip rectangle of the view).
    pub viewport: Rect,
    /// Left edge of the text column.
    pub text_left: f32,
    /// Spans whose links are emphasised (hovered, selected); none: all drawn alike.
    pub emphasised: &'a [SpanId],
    /// The colour for a link type, by its target's label.
    pub color: &'a dyn Fn(&Link) -> Color32,
    /// Whether the far end of a link is above or below the viewport, given its span,
    /// and the code point to jump to.
    pub offscreen: &'a dyn Fn(SpanId) -> Option<(Offscreen, usize)>,
}

/// Font size of the edge markers' text.
const MARKER_FONT: f32 = 11.0;
/// Width of the arrow painted in an edge marker (a triangle: fonts may lack ↑ and ↓).
const MARKER_ARROW: f32 = 7.0;

/// A marker to paint once every link line is drawn, so the lines never cross it.
struct PendingMarker {
    marker: EdgeMarker,
    galley: std::sync::Arc<egui::Galley>,
    stroke: Stroke,
}

/// Draws the links touching spans on screen (`links`: indices into `doc.links()`, each
/// once, in id order); returns the edge markers drawn.
pub fn draw_links(painter: &Painter, frame: &LinkFrame<'_>, links: &[u32]) -> Vec<EdgeMarker> {
    let mut pending: Vec<PendingMarker> = Vec::new();
    for (n, &index) in links.iter().enumerate() {
        let Some(link) = frame.doc.links().get(index as usize) else {
            continue;
        };
        let strong = frame.emphasised.is_empty()
            || frame.emphasised.contains(&link.from)
            || frame.emphasised.contains(&link.to);
        let base = (frame.color)(link);
        let color = if strong {
            base
        } else {
            base.gamma_multiply(0.25)
        };
        let width = if strong && !frame.emphasised.is_empty() {
            2.2
        } else {
            1.4
        };
        let stroke = Stroke::new(width, color);
        match (frame.ends.get(&link.from), frame.ends.get(&link.to)) {
            (Some(from), Some(to)) => connect(painter, frame, from, to, n, stroke),
            (Some(end), None) | (None, Some(end)) => {
                let far = if frame.ends.contains_key(&link.from) {
                    link.to
                } else {
                    link.from
                };
                let Some((side, offset)) = (frame.offscreen)(far) else {
                    continue;
                };
                // One marker per far end: every link leading there runs into it.
                let at = match pending.iter().position(|m| m.marker.span == far) {
                    Some(at) => at,
                    None => {
                        let slot = pending.iter().filter(|m| m.marker.side == side).count();
                        pending.push(new_marker(painter, frame, far, side, offset, slot, stroke));
                        pending.len() - 1
                    }
                };
                let marker = &mut pending[at];
                if stroke.width > marker.stroke.width || strong {
                    marker.stroke = stroke;
                }
                to_marker(painter, frame, end, marker.marker.rect, side, n, stroke);
            }
            (None, None) => {}
        }
    }
    let bg = painter.ctx().global_style().visuals.extreme_bg_color;
    pending
        .into_iter()
        .map(|m| {
            paint_marker(painter, &m, bg);
            m.marker
        })
        .collect()
}

/// Lays out the marker for `far` and finds it a place at its edge: starting in the left
/// margin (where the link tracks run), the `slot`-th on its side, stacked away from
/// the edge.
fn new_marker(
    painter: &Painter,
    frame: &LinkFrame<'_>,
    far: SpanId,
    side: Offscreen,
    offset: usize,
    slot: usize,
    stroke: Stroke,
) -> PendingMarker {
    let label = frame
        .doc
        .span(far)
        .map(|s| crate::app::article_view::shorten(frame.doc.span_text(s), 22))
        .unwrap_or_default();
    let galley = painter.layout_no_wrap(
        label,
        FontId::proportional(MARKER_FONT),
        Color32::PLACEHOLDER,
    );
    let size = vec2(galley.size().x + MARKER_ARROW + 10.0, galley.size().y + 2.0);
    let rect = marker_rect(frame.viewport, frame.text_left, side, slot, size);
    PendingMarker {
        marker: EdgeMarker {
            rect,
            offset,
            span: far,
            side,
        },
        galley,
        stroke,
    }
}

/// Where a marker of `size` goes: its right edge left of the margin tracks if the
/// margin is wide enough, else at the view's left edge (over as little text as
/// possible); the `slot`-th marker of a side below (or above) the ones before it, and
/// when the stack would fill half the view, over them again from the edge.
fn marker_rect(viewport: Rect, text_left: f32, side: Offscreen, slot: usize, size: Vec2) -> Rect {
    let tracks_left = text_left - 8.0 - TRACKS as f32 * TRACK_STEP;
    let left = (tracks_left - size.x).max(viewport.left() + 2.0);
    let step = size.y + 2.0;
    let slots = ((viewport.height() / 2.0 / step) as usize).max(1);
    let dy = (slot % slots) as f32 * step;
    let top = match side {
        Offscreen::Above => viewport.top() + 2.0 + dy,
        Offscreen::Below => viewport.bottom() - 2.0 - size.y - dy,
    };
    Rect::from_min_size(pos2(left, top), size)
}

/// The line from a span on screen to the marker of its far end: down into the gap under
/// its row, left to its track in the margin and along the track to the marker, never
/// across the text.
fn to_marker(
    painter: &Painter,
    frame: &LinkFrame<'_>,
    end: &End,
    marker: Rect,
    side: Offscreen,
    n: usize,
    stroke: Stroke,
) {
    let x = track_x(frame, n);
    let a = end.rect.left_bottom() + vec2(2.0, 0.0);
    let mut points = vec![a, pos2(a.x, end.gap_y), pos2(x, end.gap_y)];
    if x <= marker.right() {
        let edge = match side {
            Offscreen::Above => marker.bottom(),
            Offscreen::Below => marker.top(),
        };
        points.push(pos2(x, edge));
    } else {
        points.push(pos2(x, marker.center().y));
        points.push(pos2(marker.right(), marker.center().y));
    }
    painter.add(PathShape::line(points, stroke));
}

/// Paints a marker: an opaque box, so the text it lies on cannot show through, with a
/// painted arrow towards its edge and the far end's text.
fn paint_marker(painter: &Painter, pending: &PendingMarker, bg: Color32) {
    let rect = pending.marker.rect;
    let color = pending.stroke.color;
    painter.rect_filled(rect, 3.0, bg);
    painter.rect_stroke(rect, 3.0, pending.stroke, egui::StrokeKind::Inside);
    let (cx, cy) = (rect.left() + 4.0 + MARKER_ARROW / 2.0, rect.center().y);
    let (half, h) = (MARKER_ARROW / 2.0, MARKER_ARROW * 0.45);
    let triangle = match pending.marker.side {
        Offscreen::Above => vec![
            pos2(cx, cy - h),
            pos2(cx + half, cy + h),
            pos2(cx - half, cy + h),
        ],
        Offscreen::Below => vec![
            pos2(cx, cy + h),
            pos2(cx - half, cy - h),
            pos2(cx + half, cy - h),
        ],
    };
    painter.add(PathShape::convex_polygon(triangle, color, Stroke::NONE));
    painter.galley(
        pos2(rect.left() + MARKER_ARROW + 7.0, rect.top() + 1.0),
        pending.galley.clone(),
        color,
    );
}

/// The margin track of the `n`-th link drawn: links share the tracks round-robin.
fn track_x(frame: &LinkFrame<'_>, n: usize) -> f32 {
    frame.text_left - 6.0 - (n % TRACKS) as f32 * TRACK_STEP
}

/// Draws one link between two ends on screen, with an arrowhead at `to`.
fn connect(
    painter: &Painter,
    frame: &LinkFrame<'_>,
    from: &End,
    to: &End,
    n: usize,
    stroke: Stroke,
) {
    let (from_end, to_end) = (from, to);
    let (from, to) = (from.rect, to.rect);
    let near = (from.center().y - to.center().y).abs() < from.height() * 1.6;
    if near {
        // An arc above the line, higher the farther apart the ends are.
        let (a, b) = (from.center_top(), to.center_top());
        let lift = 8.0 + ((a.x - b.x).abs() / 30.0).min(10.0);
        let top = a.y.min(b.y) - lift;
        let curve = CubicBezierShape::from_points_stroke(
            [a, pos2(a.x, top), pos2(b.x, top), b],
            false,
            Color32::TRANSPARENT,
            PathStroke::from(stroke),
        );
        painter.add(curve);
        arrowhead(painter, b, pos2(b.x, top), stroke);
    } else {
        // Down from the span, along the gap under its line to the left margin, through
        // the margin in a track of its own, and along the gap under the other line up
        // into the other span: never across the text.
        let x = track_x(frame, n);
        let (a, b) = (
            from.left_bottom() + vec2(2.0, 0.0),
            to.left_bottom() + vec2(2.0, 0.0),
        );
        let (ya, yb) = (from_end.gap_y, to_end.gap_y);
        let points = vec![a, pos2(a.x, ya), pos2(x, ya), pos2(x, yb), pos2(b.x, yb), b];
        painter.add(PathShape::line(points, stroke));
        arrowhead(painter, b, pos2(b.x, yb), stroke);
    }
}

/// A small arrowhead at `tip`, pointing away from `from`.
fn arrowhead(painter: &Painter, tip: Pos2, from: Pos2, stroke: Stroke) {
    let direction = (tip - from).normalized();
    if !direction.x.is_finite() || !direction.y.is_finite() {
        return;
    }
    let normal = vec2(-direction.y, direction.x);
    let back = tip - direction * 6.0;
    painter.add(PathShape::convex_polygon(
        vec![tip, back + normal * 3.0, back - normal * 3.0],
        stroke.color,
        Stroke::NONE,
    ));
}
