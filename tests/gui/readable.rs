//! Stories from issue 10: every article readable. Text that never garbles (the laid-out
//! paragraphs always point into egui's current glyph atlas), the right project from the
//! first frame, paste that pastes, fonts for every script.

use std::sync::Arc;

use egui::epaint::text::Galley;
use egui::{FontFamily, Shape};

use super::*;

/// Every text galley painted in the last frame, with nested shapes unpacked.
fn painted_galleys(harness: &Harness<'_, MarginaliaApp>) -> Vec<Arc<Galley>> {
    galleys_in(harness.output())
}

/// Every text galley painted in a frame's output.
fn galleys_in(output: &egui::FullOutput) -> Vec<Arc<Galley>> {
    fn walk(shape: &Shape, out: &mut Vec<Arc<Galley>>) {
        match shape {
            Shape::Text(text) => out.push(text.galley.clone()),
            Shape::Vec(shapes) => shapes.iter().for_each(|s| walk(s, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for clipped in &output.shapes {
        walk(&clipped.shape, &mut out);
    }
    out
}

/// Asserts that the article's painted paragraphs (the galleys holding one of
/// `paragraphs`) show their own glyphs: the atlas as it was when the frame was painted
/// holds, where each painted glyph points, the very pixels a fresh layout of the same
/// text gets now. Returns how many paragraphs were checked.
fn assert_painted_text_matches_the_atlas(
    harness: &Harness<'_, MarginaliaApp>,
    paragraphs: &[&str],
) -> usize {
    let painted_atlas = harness.ctx.fonts(|f| f.image());
    let mut checked = 0;
    for painted in painted_galleys(harness) {
        if !paragraphs.contains(&painted.job.text.as_str()) {
            continue;
        }
        // Laid out afresh, outside egui's cache: with the fonts and atlas of now.
        let fresh = harness.ctx.fonts_mut(|f| {
            f.layout_job(egui::text::LayoutJob {
                // A different job, so egui's cache cannot hand back the painted galley.
                first_row_min_height: painted.job.first_row_min_height + 0.001,
                ..(*painted.job).clone()
            })
        });
        let atlas_now = harness.ctx.fonts(|f| f.image());
        let glyphs = |g: &Galley| -> Vec<(char, [u16; 2], [u16; 2])> {
            g.rows
                .iter()
                .flat_map(|r| {
                    r.row
                        .glyphs
                        .iter()
                        .map(|g| (g.chr, g.uv_rect.min, g.uv_rect.max))
                })
                .collect()
        };
        // `None` for a place outside the atlas (a stale glyph from a larger one).
        let pixels = |atlas: &egui::ColorImage, min: [u16; 2], max: [u16; 2]| {
            let mut out = Vec::new();
            for y in usize::from(min[1])..usize::from(max[1]) {
                for x in usize::from(min[0])..usize::from(max[0]) {
                    out.push(*atlas.pixels.get(y * atlas.width() + x)?);
                }
            }
            Some(out)
        };
        let (painted_glyphs, fresh_glyphs) = (glyphs(&painted), glyphs(&fresh));
        assert_eq!(painted_glyphs.len(), fresh_glyphs.len());
        let wrong = painted_glyphs
            .iter()
            .zip(&fresh_glyphs)
            .filter(|((_, pmin, pmax), (_, fmin, fmax))| {
                pixels(&painted_atlas, *pmin, *pmax) != pixels(&atlas_now, *fmin, *fmax)
            })
            .count();
        assert_eq!(
            wrong,
            0,
            "{wrong} of {} glyphs of {:?} show something else than their glyph (garbled)",
            painted_glyphs.len(),
            shorten(&painted.job.text)
        );
        checked += 1;
    }
    checked
}

fn shorten(text: &str) -> String {
    text.chars().take(40).collect()
}

/// The current document's paragraphs (its lines without line endings).
fn paragraphs_of(harness: &Harness<'_, MarginaliaApp>) -> Vec<String> {
    let doc = harness.state().ws.document().expect("a document");
    doc.text()
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn switching_to_the_light_theme_repaints_the_article_with_the_new_atlas() {
    let mut harness = sample_app();
    let paragraphs = paragraphs_of(&harness);
    let paragraphs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
    harness.state_mut().prefs.theme = marginalia::app::ThemeChoice::Dark;
    harness.state().prefs.apply_theme(&harness.ctx.clone());
    harness.run();
    assert!(assert_painted_text_matches_the_atlas(&harness, &paragraphs) > 0);
    // Ordinary frames paint the paragraphs laid out before: nothing is laid out again.
    let article = |harness: &Harness<'_, MarginaliaApp>| -> Vec<Arc<Galley>> {
        painted_galleys(harness)
            .into_iter()
            .filter(|g| paragraphs.contains(&g.job.text.as_str()))
            .collect()
    };
    let before = article(&harness);
    harness.step();
    harness.step();
    let after = article(&harness);
    assert_eq!(before.len(), after.len());
    assert!(before.iter().zip(&after).all(|(a, b)| Arc::ptr_eq(a, b)));

    // View → Light, as a user would.
    harness.get_by_label("View").click();
    harness.run();
    harness.get_by_label("Light").click();
    harness.run();
    assert!(!harness.ctx.global_style().visuals.dark_mode, "light now");
    harness.key_press(Key::Escape);
    harness.run();
    let checked = assert_painted_text_matches_the_atlas(&harness, &paragraphs);
    assert!(
        checked > 3,
        "only {checked} article paragraphs were painted"
    );
}

#[test]
fn an_article_that_fills_the_glyph_atlas_stays_readable_after_egui_rebuilds_it() {
    let mut harness = sample_app();
    // Every character the bundled fonts draw, in lines of 40, at a large size on a
    // high-density screen: a few screens of it fill egui's atlas, which egui then
    // clears and starts over.
    let chars: Vec<char> = harness.ctx.fonts_mut(|f| {
        f.characters(&FontFamily::Proportional)
            .keys()
            .copied()
            .filter(|c| !c.is_whitespace() && !c.is_control() && c.is_alphanumeric())
            .collect()
    });
    assert!(chars.len() > 1000, "{} characters", chars.len());
    let text: String = chars
        .chunks(40)
        .map(|line| line.iter().collect::<String>() + "\n")
        .collect();
    let article =
        marginalia::formats::article_from_text(format!("Many glyphs\n{text}")).expect("article");
    assert!(harness.state_mut().add_article(article, None));
    harness.set_pixels_per_point(2.0);
    harness.state_mut().prefs.font_size = 40.0;
    harness.run();
    let paragraphs = paragraphs_of(&harness);
    let paragraphs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
    let total = harness.state().ws.document().expect("doc").char_len();

    let mut fill = harness.ctx.fonts(|f| f.font_atlas_fill_ratio());
    let mut rebuilt = false;
    for step in 1..200 {
        harness.state_mut().view.scroll_to(step * 300 % total);
        harness.run();
        let now = harness.ctx.fonts(|f| f.font_atlas_fill_ratio());
        if now < fill {
            rebuilt = true;
            break;
        }
        fill = now;
    }
    assert!(rebuilt, "the atlas never filled up (fill ratio {fill})");
    // The frame after the rebuild, without scrolling: the paragraphs on screen were laid
    // out before it.
    harness.run();
    let checked = assert_painted_text_matches_the_atlas(&harness, &paragraphs);
    assert!(checked > 0, "no article paragraph was painted");
}

/// The app started as `marginalia PATH`.
fn started_on(path: &std::path::Path) -> Harness<'static, MarginaliaApp> {
    harness_for(MarginaliaApp::new(
        Some(path),
        Prefs::default(),
        Recovery::disabled(),
    ))
}

#[test]
fn started_on_a_file_the_window_shows_that_file_opening_from_the_first_frame() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("talks.ron");
    write_project(&path, "Talks");
    let mut app = MarginaliaApp::new(Some(&path), Prefs::default(), Recovery::disabled());
    assert!(app.ws.project.documents.is_empty(), "not the sample");
    assert_eq!(app.window_title(), "Opening talks.ron… — Marginalia");
    // The very first frame (a harness runs several before handing over): the file's
    // name and that it is opening; no trace of the sample.
    let ctx = egui::Context::default();
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            Pos2::ZERO,
            Vec2::new(1280.0, 800.0),
        )),
        ..Default::default()
    };
    let mut output = ctx.run_ui(input, |ui| app.show(ui));
    output.textures_delta.clear();
    let painted: Vec<String> = galleys_in(&output)
        .iter()
        .map(|g| g.job.text.clone())
        .collect();
    assert!(
        painted.iter().any(|t| t == "Opening talks.ron"),
        "{painted:?}"
    );
    assert!(
        !painted
            .iter()
            .any(|t| t.contains("Trump") || t.contains("Ukraine")),
        "{painted:?}"
    );

    let mut harness = harness_for(app);
    wait_until_opened(&mut harness);
    assert_eq!(harness.state().standby, None);
    assert_eq!(harness.state().ws.project.name, "Talks");
    assert_eq!(harness.state().ws.origin, Origin::File(path));
    assert!(!harness.state().ws.is_dirty());
}

#[test]
fn a_file_that_cannot_be_opened_says_why_and_offers_another_a_new_one_or_the_sample() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("broken.ron");
    std::fs::write(&path, "(version: 1,").expect("write");
    let mut harness = started_on(&path);
    wait_until_opened(&mut harness);
    match &harness.state().standby {
        Some(marginalia::app::Standby::Failed { error, .. }) => {
            assert!(error.contains("broken.ron:1:"), "{error}")
        }
        other => panic!("expected the failed-open screen, got {other:?}"),
    }
    assert!(
        harness
            .query_by_label("Could not open broken.ron")
            .is_some()
    );
    assert!(harness.query_by_label_contains("broken.ron:1:").is_some());
    for choice in [
        "Open another project…",
        "Create a new project…",
        "Open the sample",
    ] {
        assert!(harness.query_by_label(choice).is_some(), "no {choice:?}");
    }
    assert!(
        harness.state().dialog.is_none(),
        "the screen says it, no dialog"
    );
    assert!(harness.state().ws.project.documents.is_empty());
    assert_eq!(
        harness.state().window_title(),
        "Could not open broken.ron — Marginalia"
    );

    harness.get_by_label("Open the sample").click();
    harness.run();
    assert_eq!(harness.state().standby, None);
    assert_eq!(harness.state().ws.origin, Origin::Bundled);
    let range = find(&harness, "Yuri Ushakov");
    select_and_press(&mut harness, range, Key::Num4);
    assert!(span_at(&harness, range, "actor").is_some());
}

#[test]
fn while_a_project_opens_the_article_accepts_no_edits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let other = dir.path().join("other.ron");
    write_project(&other, "Other");
    let mut harness = sample_app();
    let range = find(&harness, "Rustem Umerov");
    harness.state_mut().open(&other);
    harness.state_mut().ws.selection = Some(Selection {
        anchor: range.0,
        focus: range.1,
    });
    // One frame: the project being opened arrives at the earliest at its end.
    harness.key_press(Key::Num4);
    harness.step();
    assert!(span_at(&harness, range, "actor").is_none());
    wait_until_opened(&mut harness);
    assert_eq!(harness.state().ws.project.name, "Other");
    assert!(harness.state().dialog.is_none(), "nothing to ask about");
}

#[test]
fn ctrl_shift_v_adds_the_clipboards_text_as_a_document_asking_only_for_its_title() {
    let mut harness = sample_app();
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::V);
    harness.run();
    assert!(harness.state().is_waiting_for_paste());
    // The platform answers the app's clipboard request with the text.
    let text = "\n  Geneva talks resume  \nDelegations from Kyiv and Moscow met on Monday.\n";
    harness.event(egui::Event::Paste(text.into()));
    harness.run();
    match &harness.state().dialog {
        Some(Dialog::Paste(draft)) => {
            assert_eq!(draft.title, "Geneva talks resume");
            assert_eq!(draft.text, text);
        }
        other => panic!("expected the title prompt, got {other:?}"),
    }
    // The title field has the focus: typing edits it.
    harness.key_press(Key::End);
    harness.event(egui::Event::Text(" (AFP)".into()));
    harness.run();
    harness.get_by_label("Add article").click();
    harness.run();
    let ws = &harness.state().ws;
    assert_eq!(ws.project.documents.len(), 2);
    let doc = ws.document().expect("the new document is shown");
    assert_eq!(doc.title, "Geneva talks resume (AFP)");
    assert_eq!(doc.text(), text, "the text exactly as it was copied");
}

#[test]
fn pasting_from_an_empty_or_non_text_clipboard_says_so() {
    let mut harness = sample_app();
    // Document → Paste article, with nothing on the clipboard: the platform never answers.
    harness.get_by_label("Document").click();
    harness.run();
    harness.get_by_label_contains("Paste article").click();
    harness.run();
    wait_while(&mut harness, "the clipboard request", |app| {
        app.is_waiting_for_paste()
    });
    match &harness.state().dialog {
        Some(Dialog::Message(title, text)) => {
            assert_eq!(title, "Nothing to paste");
            assert!(text.contains("empty"), "{text}");
        }
        other => panic!("expected a message, got {other:?}"),
    }
    harness.get_by_label("OK").click();
    harness.run();

    // An image on the clipboard.
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::V);
    harness.run();
    harness.event(egui::Event::PasteImage(Arc::new(egui::ColorImage::filled(
        [2, 2],
        egui::Color32::RED,
    ))));
    harness.run();
    assert!(
        matches!(&harness.state().dialog, Some(Dialog::Message(_, text)) if text.contains("image")),
        "{:?}",
        harness.state().dialog
    );
    harness.get_by_label("OK").click();
    harness.run();

    // Blank text.
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::V);
    harness.run();
    harness.event(egui::Event::Paste(" \n\t\n".into()));
    harness.run();
    assert!(
        matches!(&harness.state().dialog, Some(Dialog::Message(_, text)) if text.contains("blank")),
        "{:?}",
        harness.state().dialog
    );
    assert_eq!(harness.state().ws.project.documents.len(), 1);
}

/// A project with one document in each of Chinese, Japanese, Hindi and Greek.
fn write_scripts_project(path: &std::path::Path) {
    let mut project = marginalia::model::Project::new("Scripts", "bob");
    for (id, title, text) in [
        (
            "zh",
            "北京举行和平会谈",
            "北京举行和平会谈\n双方代表在日内瓦会面，讨论停火协议。\n",
        ),
        (
            "ja",
            "東京で和平交渉",
            "東京で和平交渉\n両国の代表はジュネーブで会談し、停戦について話し合った。\n",
        ),
        (
            "hi",
            "शांति वार्ता शुरू",
            "शांति वार्ता शुरू\nदोनों देशों के प्रतिनिधियों ने जिनेवा में मुलाकात की।\n",
        ),
        (
            "el",
            "Ειρηνευτικές συνομιλίες",
            "Ειρηνευτικές συνομιλίες\nΟι αντιπροσωπείες συναντήθηκαν στη Γενεύη.\n",
        ),
    ] {
        project
            .documents
            .push(marginalia::model::Document::new(id, title, text));
    }
    marginalia::store::save(&project, path, None, marginalia::store::SaveMode::Force)
        .expect("saved");
}

/// The app started on `path` with fonts from `source`; boxes allowed while fonts are
/// being looked up.
fn scripts_app(
    path: &std::path::Path,
    source: Arc<dyn marginalia::app::FontSource>,
) -> Harness<'static, MarginaliaApp> {
    let mut app = MarginaliaApp::new(Some(path), Prefs::default(), Recovery::disabled());
    app.fonts = marginalia::app::Fonts::with_source(source);
    let mut harness = window()
        .with_size(Vec2::new(1280.0, 800.0))
        .allow_missing_glyphs()
        .build_ui_state(|ui, app: &mut MarginaliaApp| app.show(ui), app);
    wait_until_opened(&mut harness);
    harness
}

/// Shows each document in turn, waiting for the fonts it needs.
fn show_every_document(harness: &mut Harness<'_, MarginaliaApp>) {
    for index in 0..harness.state().ws.project.documents.len() {
        harness.state_mut().ws.show_document(index);
        harness.run();
        wait_while(harness, "the font lookup", |app| app.fonts.is_looking_up());
    }
}

#[test]
fn chinese_japanese_hindi_and_greek_articles_are_drawn_with_real_fonts() {
    let probe = marginalia::app::SystemFonts::default();
    use marginalia::app::FontSource as _;
    let needed: std::collections::BTreeSet<char> = "中東ジशΕ".chars().collect();
    if !probe.cover(&needed, None).uncovered.is_empty() {
        // `.ci/run` installs them (fonts-noto-cjk, fonts-noto-core); elsewhere the
        // story needs them too.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have the Noto CJK and core fonts installed"
        );
        eprintln!("skipped: install fonts-noto-cjk and fonts-noto-core to run this story");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("scripts.ron");
    write_scripts_project(&path);
    let mut harness = scripts_app(&path, Arc::new(marginalia::app::SystemFonts::default()));
    show_every_document(&mut harness);
    assert!(
        !harness.state().fonts.discovered().is_empty(),
        "fallback fonts were added"
    );
    assert!(
        harness.state().fonts.notice().is_empty(),
        "{:?}",
        harness.state().fonts.notice()
    );
    // Every character of every document and title is in the article's fonts now.
    let family = harness.state().fonts.article_family();
    for doc in &harness.state().ws.project.documents {
        let text = format!("{}{}", doc.title, doc.text().replace('\n', ""));
        let font = egui::FontId::new(17.0, family.clone());
        assert!(
            harness.ctx.fonts_mut(|f| f.has_glyphs(&font, &text)),
            "{}: some characters have no font",
            doc.id
        );
    }
    // And nothing painted is a box: egui now panics on any glyph it cannot draw, and
    // every document is laid out again.
    harness
        .ctx
        .set_missing_glyph_policy(egui::epaint::text::MissingGlyphPolicy::Panic);
    show_every_document(&mut harness);
    let painted: Vec<String> = painted_galleys(&harness)
        .iter()
        .map(|g| g.job.text.clone())
        .collect();
    assert!(
        painted.iter().any(|t| t.contains("Γενεύη")),
        "the Greek article is on screen: {painted:?}"
    );
}

/// Fonts that are not there: nothing is ever found.
struct NoFonts;

impl marginalia::app::FontSource for NoFonts {
    fn cover(
        &self,
        chars: &std::collections::BTreeSet<char>,
        _preferred: Option<&str>,
    ) -> marginalia::app::FontSearch {
        marginalia::app::FontSearch {
            fonts: Vec::new(),
            uncovered: chars.clone(),
        }
    }

    fn family(&self, _name: &str) -> Option<marginalia::app::FoundFont> {
        None
    }
}

#[test]
fn scripts_no_installed_font_draws_are_reported_once_with_what_to_install() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("scripts.ron");
    write_scripts_project(&path);
    let mut harness = scripts_app(&path, Arc::new(NoFonts));
    show_every_document(&mut harness);
    let notice = harness.state().fonts.notice();
    let scripts: Vec<&str> = notice.missing.keys().map(String::as_str).collect();
    assert!(scripts.contains(&"Han"), "{scripts:?}");
    assert!(scripts.contains(&"Devanagari"), "{scripts:?}");
    assert!(
        !scripts.contains(&"Greek"),
        "egui's own fonts draw Greek: {scripts:?}"
    );
    // In the window, above the article.
    assert!(
        harness
            .query_by_label_contains("No installed font draws Han")
            .is_some_and(|n| format!("{n:?}").contains("fonts-noto-cjk"))
    );
    assert!(
        harness
            .query_by_label_contains("No installed font draws Devanagari")
            .is_some()
    );
    harness.get_by_label("Dismiss").click();
    harness.run();
    assert!(
        harness
            .query_by_label_contains("No installed font")
            .is_none()
    );
    // Once: showing the documents again does not bring it back.
    show_every_document(&mut harness);
    assert!(
        harness
            .query_by_label_contains("No installed font")
            .is_none()
    );
}

/// One font family, "Test Serif" (egui's own Hack font under another name).
struct OneFamily;

impl marginalia::app::FontSource for OneFamily {
    fn cover(
        &self,
        chars: &std::collections::BTreeSet<char>,
        preferred: Option<&str>,
    ) -> marginalia::app::FontSearch {
        NoFonts.cover(chars, preferred)
    }

    fn family(&self, name: &str) -> Option<marginalia::app::FoundFont> {
        let defs = egui::FontDefinitions::default();
        let hack = defs.font_data.get("Hack")?;
        name.eq_ignore_ascii_case("test serif")
            .then(|| marginalia::app::FoundFont {
                family: "Test Serif".into(),
                data: Arc::new(hack.bytes().to_vec()),
                index: 0,
            })
    }
}

#[test]
fn the_article_font_and_fallback_font_are_chosen_by_name_in_the_preferences() {
    let mut app = MarginaliaApp::new(None, Prefs::default(), Recovery::disabled());
    app.fonts = marginalia::app::Fonts::with_source(Arc::new(OneFamily));
    let mut harness = harness_for(app);
    harness.get_by_label("View").click();
    harness.run();
    harness.get_by_label_contains("Fonts…").click();
    harness.run();
    if let Some(Dialog::Fonts(draft)) = &mut harness.state_mut().dialog {
        draft.article = "test serif".into();
        draft.fallback = "Nowhere Sans".into();
    } else {
        panic!("expected the fonts dialog");
    }
    harness.get_by_label("Apply").click();
    harness.step();
    wait_while(&mut harness, "the font lookup", |app| {
        app.fonts.is_looking_up()
    });
    let prefs = &harness.state().prefs;
    assert_eq!(prefs.article_font.as_deref(), Some("test serif"));
    assert_eq!(prefs.fallback_font.as_deref(), Some("Nowhere Sans"));
    // The article is drawn in it; the rest of the window keeps egui's fonts.
    let article = harness.state().fonts.article_family();
    let families = harness.ctx.fonts(|f| f.definitions().families.clone());
    assert_eq!(
        families[&article].first().map(String::as_str),
        Some("article: Test Serif")
    );
    assert!(!families[&egui::FontFamily::Proportional].contains(&"article: Test Serif".into()));
    harness.run_steps(3);
    let painted_in_it = painted_galleys(&harness).iter().any(|g| {
        g.job.text.contains("Witkoff")
            && g.job
                .sections
                .iter()
                .all(|s| s.format.font_id.family == article)
    });
    assert!(painted_in_it, "the article is laid out in the article font");
    // A name no installed font has is said, not silently ignored.
    assert!(
        matches!(&harness.state().dialog, Some(Dialog::Message(title, text)) if title == "Font not found" && text.contains("Nowhere Sans")),
        "{:?}",
        harness.state().dialog
    );
}

#[test]
fn a_fast_drag_selects_from_where_the_button_went_down() {
    let mut harness = sample_app();
    let says = find(&harness, "says");
    let rejects = find(&harness, "rejects");
    let from = screen_pos(&harness, says.0 + 1) + Vec2::new(1.0, 0.0);
    let to = screen_pos(&harness, rejects.0 + 2) + Vec2::new(1.0, 0.0);
    assert!(to.y > from.y + 10.0, "on another line");
    // Press, one move to the other line, release: one frame each.
    harness.hover_at(from);
    harness.run();
    harness.drag_at(from);
    harness.run();
    harness.hover_at(to);
    harness.run();
    harness.drop_at(to);
    harness.run();
    assert_eq!(
        harness.state().ws.selection.map(|s| s.range()),
        Some((says.0, rejects.1))
    );
}

#[test]
fn dragging_past_the_bottom_of_the_view_scrolls_it() {
    let mut harness = sample_app();
    let says = find(&harness, "says");
    let from = screen_pos(&harness, says.0 + 1);
    harness.hover_at(from);
    harness.run();
    harness.drag_at(from);
    harness.run();
    // Below the article (over the status bar), the button still down.
    let below = Pos2::new(from.x, 795.0);
    harness.hover_at(below);
    harness.step();
    let first = harness.state().ws.selection.expect("a selection").focus;
    for _ in 0..30 {
        harness.step();
    }
    let later = harness.state().ws.selection.expect("a selection").focus;
    assert!(
        later > first + 300,
        "the view scrolled and the selection grew with it: {first} → {later}"
    );
    harness.drop_at(below);
    harness.run();
}

/// In a small window the article keeps most of the width: the side panels shrink to a
/// share of it, and nothing in them (a long title, a link's text, the "Add link" box)
/// widens them past that.
#[test]
fn in_a_small_window_the_side_panels_leave_the_article_its_width() {
    let (width, height) = (800.0, 500.0);
    let mut harness = window().with_size(Vec2::new(width, height)).build_ui_state(
        |ui, app: &mut MarginaliaApp| app.show(ui),
        MarginaliaApp::new(None, Prefs::default(), Recovery::disabled()),
    );
    harness.run_steps(3);
    // A quote with a speaker: the inspector shows its link and the "Add link" boxes.
    let quote = {
        let doc = harness.state().ws.document().expect("the sample");
        doc.spans()
            .iter()
            .find(|s| s.label == "quote" && doc.links_of(s.id).next().is_some())
            .expect("a quote with a link")
            .id
    };
    harness.state_mut().ws.selected_span = Some(quote);
    harness.run_steps(3);

    let right_panel_left = harness.get_by_label("Labels").rect().left();
    // Nothing in the panels runs out of the window (a box's label past its edge).
    let outside: Vec<String> = harness
        .query_all(egui_kittest::kittest::By::new().include_labels())
        .filter(|node| {
            use egui_kittest::kittest::NodeT as _;
            node.accesskit_node()
                .bounding_box()
                .is_some_and(|b| b.x1 > f64::from(width) + 0.5)
        })
        .map(|node| format!("{node:?}"))
        .collect();
    assert!(outside.is_empty(), "out of the window: {outside:#?}");
    assert!(
        right_panel_left >= width - 300.0 - 16.0,
        "the right panel grew to {} points",
        width - right_panel_left
    );
    // The document's entry in the list (the status bar names it too, lower down).
    let entry = harness
        .get_all_by_label_contains("Trump says Putin")
        .map(|node| node.rect())
        .min_by(|a, b| a.top().total_cmp(&b.top()))
        .expect("the document's entry");
    assert!(
        entry.right() <= width * 0.25 + 16.0,
        "the documents list grew to {} points",
        entry.right()
    );
}
