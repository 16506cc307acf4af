//! Colours that stay legible in both themes: WCAG 2 contrast, and label colours
//! adjusted (same hue, darker on a light background, lighter on a dark one) until an
//! underline stands out from the background by at least [`UNDERLINE_CONTRAST`].

use egui::Color32;

/// The least contrast an underline needs against the background: WCAG 2's minimum for
/// graphical objects (success criterion 1.4.11).
pub const UNDERLINE_CONTRAST: f32 = 3.0;

/// WCAG 2 relative luminance of an sRGB colour (alpha ignored).
pub fn luminance(color: Color32) -> f32 {
    let channel = |c: u8| {
        let c = f32::from(c) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(color.r()) + 0.7152 * channel(color.g()) + 0.0722 * channel(color.b())
}

/// WCAG 2 contrast ratio of two colours, from 1 (same) to 21 (black on white).
pub fn contrast(a: Color32, b: Color32) -> f32 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `color`, or the nearest shade of it (mixed towards black on a light background,
/// towards white on a dark one) that has at least `ratio` contrast with `background`.
pub fn legible_on(color: Color32, background: Color32, ratio: f32) -> Color32 {
    if contrast(color, background) >= ratio {
        return color;
    }
    let target = if luminance(background) > 0.18 {
        Color32::BLACK
    } else {
        Color32::WHITE
    };
    // Twenty steps of 5 %: the last one is the target itself, which has the most
    // contrast there is.
    (1..=20)
        .map(|step| mix(color, target, step as f32 / 20.0))
        .find(|c| contrast(*c, background) >= ratio)
        .unwrap_or(target)
}

fn mix(a: Color32, b: Color32, t: f32) -> Color32 {
    let m = |x: u8, y: u8| (f32::from(x) + (f32::from(y) - f32::from(x)) * t).round() as u8;
    Color32::from_rgb(m(a.r(), b.r()), m(a.g(), b.g()), m(a.b(), b.b()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::article_view::label_color;
    use crate::model::Schema;

    #[test]
    fn contrast_is_wcags() {
        assert!((contrast(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 0.01);
        assert!((contrast(Color32::WHITE, Color32::WHITE) - 1.0).abs() < 0.001);
        // #767676 on white is the classic 4.54:1.
        let grey = Color32::from_gray(0x76);
        assert!((contrast(grey, Color32::WHITE) - 4.54).abs() < 0.01);
    }

    #[test]
    fn every_default_label_underline_has_3_to_1_contrast_in_both_themes() {
        let schema = Schema::default();
        for (theme, visuals) in [
            ("dark", egui::Visuals::dark()),
            ("light", egui::Visuals::light()),
        ] {
            let background = visuals.panel_fill;
            let mut underlines = Vec::new();
            for label in &schema.labels {
                let raw = label_color(&schema, &label.key);
                let underline = legible_on(raw, background, UNDERLINE_CONTRAST);
                let ratio = contrast(underline, background);
                assert!(
                    ratio >= UNDERLINE_CONTRAST,
                    "{} underline in the {theme} theme: {ratio:.2}:1",
                    label.key
                );
                underlines.push((label.key.as_str(), underline));
            }
            // Still four different colours, told apart from each other too.
            for (i, (a, ca)) in underlines.iter().enumerate() {
                for (b, cb) in &underlines[i + 1..] {
                    assert_ne!(ca, cb, "{a} and {b} look the same in the {theme} theme");
                }
            }
        }
    }

    #[test]
    fn a_colour_with_enough_contrast_is_kept() {
        let blue = Color32::from_rgb(0x00, 0x33, 0x99);
        assert_eq!(legible_on(blue, Color32::WHITE, 3.0), blue);
        // Orange on white is too light, and gets darker, keeping its hue.
        let orange = Color32::from_rgb(0xE6, 0x9F, 0x00);
        let darker = legible_on(orange, Color32::WHITE, 3.0);
        assert!(contrast(darker, Color32::WHITE) >= 3.0);
        assert!(darker.r() > darker.g() && darker.g() > darker.b());
    }
}
