//! Links drawn over the article: who said what at a glance. A link between spans on the
//! same or the next line is an arc above the text; a longer one runs through the left
//! margin, each in its own track so crossing links stay apart; a link whose other end is
//! off screen ends in a marker at the view's top or bottom edge that jumps to it. The
//! links of the hovered or selected span are drawn strong and the others dimmed.

use std::collections::BTreeMap;

use egui::epaint::{CubicBezierShape, PathShape, PathStroke};
use egui::{Color32, FontId, Painter, Pos2, Rect, Stroke, pos2, vec2};

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
}

/// What the view knows about one frame, for drawing the links.
pub struct LinkFrame<'a> {
    /// The document.
    pub doc: &'a Document,
    /// First visible row of every span on screen.
    pub ends: &'a BTreeMap<SpanId, End>,
    /// The viewport on screen (the clip rectangle of the view).
    pub viewport: Rect,
    /// Left edge of the text column.
    pub text_left: f32,
    /// Spans whose links are emphasised (hovered, selected); none: all drawn alike.
    pub emphasised: &'a [SpanId],
    /// The colour for a link type, by its target's label.
    pub color: &'a dyn Fn(&Link) -> Color32,
    /// Whether the far end of a link is above or below the viewport, given its span.
    pub offscreen: &'a dyn Fn(SpanId) -> Option<(Offscreen, usize)>,
}

/// Draws the links touching spans on screen (`links`: indices into `doc.links()`, each
/// once, in id order); returns the edge markers drawn.
pub fn draw_links(painter: &Painter, frame: &LinkFrame<'_>, links: &[u32]) -> Vec<EdgeMarker> {
    let mut markers = Vec::new();
    let mut marker_slots: BTreeMap<(bool, i32), usize> = BTreeMap::new();
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
                let label = frame
                    .doc
                    .span(far)
                    .map(|s| crate::app::article_view::shorten(frame.doc.span_text(s), 24))
                    .unwrap_or_default();
                let above = side == Offscreen::Above;
                // Markers for the same side and column stack instead of overlapping.
                let column = (end.rect.left() / 40.0) as i32;
                let slot = marker_slots.entry((above, column)).or_insert(0);
                let y = if above {
                    frame.viewport.top() + 4.0 + *slot as f32 * 16.0
                } else {
                    frame.viewport.bottom() - 18.0 - *slot as f32 * 16.0
                };
                *slot += 1;
                let arrow = if above { "↑" } else { "↓" };
                let galley = painter.layout_no_wrap(
                    format!("{arrow} {label}"),
                    FontId::proportional(11.0),
                    color,
                );
                let rect =
                    Rect::from_min_size(pos2(end.rect.left(), y), galley.size() + vec2(8.0, 2.0));
                painter.rect_filled(rect, 3.0, painter_bg(painter).gamma_multiply(0.9));
                painter.rect_stroke(rect, 3.0, stroke, egui::StrokeKind::Inside);
                let anchor = if above {
                    pos2(end.rect.center().x, rect.bottom())
                } else {
                    pos2(end.rect.center().x, rect.top())
                };
                let from = if above {
                    end.rect.center_top()
                } else {
                    end.rect.center_bottom()
                };
                painter.line_segment([from, anchor], Stroke::new(1.0, color));
                painter.galley(rect.min + vec2(4.0, 1.0), galley, color);
                markers.push(EdgeMarker { rect, offset });
            }
            (None, None) => {}
        }
    }
    markers
}

/// A background colour to put under marker text.
fn painter_bg(painter: &Painter) -> Color32 {
    painter.ctx().global_style().visuals.extreme_bg_color
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
        let x = frame.text_left - 6.0 - (n % TRACKS) as f32 * TRACK_STEP;
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
