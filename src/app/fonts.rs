//! Fonts for every script. egui bundles fonts for Latin, Greek and Cyrillic only; when
//! a document holds characters those cannot draw, installed fonts that cover them are
//! found (fontdb: fontconfig's folders on Linux, the platform's font folders elsewhere)
//! on a background thread and added as fallbacks. Latin-only projects pay one pass over
//! the shown document's non-ASCII characters and nothing else. Characters that no
//! installed font has are reported once, naming the script and what to install.
//!
//! The preferences name the article font and a fallback font; the article view draws
//! with the family [`ARTICLE_FAMILY`]: the article font, then egui's own fonts, then the
//! fallbacks.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::{Arc, OnceLock};

use egui::{FontData, FontDefinitions, FontFamily};
use unicode_script::{Script, UnicodeScript as _};

use super::MarginaliaApp;
use super::background::{Background, Poll};

/// The font family the article is drawn in.
pub const ARTICLE_FAMILY: &str = "article";

/// A font face found among the installed fonts.
#[derive(Clone)]
pub struct FoundFont {
    /// Its family name, as the user would type it.
    pub family: String,
    /// The font file's bytes.
    pub data: Arc<Vec<u8>>,
    /// The face's index in the file (a `.ttc` holds several).
    pub index: u32,
}

impl std::fmt::Debug for FoundFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({} bytes, face {})",
            self.family,
            self.data.len(),
            self.index
        )
    }
}

/// What a lookup found for a set of characters.
#[derive(Clone, Debug, Default)]
pub struct FontSearch {
    /// Fonts that together cover as many of the characters as the system can.
    pub fonts: Vec<FoundFont>,
    /// The characters none of the installed fonts has.
    pub uncovered: BTreeSet<char>,
}

/// Where fonts come from: the installed ones, or a test's own.
pub trait FontSource: Send + Sync {
    /// The fewest fonts (greedily) that cover `chars`, the family called `preferred`
    /// first if it has any of them.
    fn cover(&self, chars: &BTreeSet<char>, preferred: Option<&str>) -> FontSearch;
    /// The regular face of the family called `name` (case does not matter).
    fn family(&self, name: &str) -> Option<FoundFont>;
}

/// The fonts installed on this computer, read on first use (on a lookup thread: a few
/// hundred font files take a good part of a second to index).
#[derive(Default)]
pub struct SystemFonts {
    db: OnceLock<fontdb::Database>,
}

impl SystemFonts {
    fn db(&self) -> &fontdb::Database {
        self.db.get_or_init(|| {
            let mut db = fontdb::Database::new();
            db.load_system_fonts();
            db
        })
    }

    /// Regular upright faces, by family name then face name: a deterministic order.
    fn regular_faces(&self) -> Vec<&fontdb::FaceInfo> {
        let mut faces: Vec<&fontdb::FaceInfo> = self
            .db()
            .faces()
            .filter(|f| {
                f.style == fontdb::Style::Normal
                    && f.weight == fontdb::Weight::NORMAL
                    && f.stretch == fontdb::Stretch::Normal
            })
            .collect();
        faces.sort_by(|a, b| {
            (family_name(a), &a.post_script_name, a.index).cmp(&(
                family_name(b),
                &b.post_script_name,
                b.index,
            ))
        });
        faces
    }

    fn load(&self, face: &fontdb::FaceInfo) -> Option<FoundFont> {
        self.db().with_face_data(face.id, |data, index| FoundFont {
            family: family_name(face).to_owned(),
            data: Arc::new(data.to_vec()),
            index,
        })
    }
}

fn family_name(face: &fontdb::FaceInfo) -> &str {
    face.families.first().map_or("", |(name, _)| name.as_str())
}

impl FontSource for SystemFonts {
    fn cover(&self, chars: &BTreeSet<char>, preferred: Option<&str>) -> FontSearch {
        let faces = self.regular_faces();
        let mut coverage: Vec<(usize, BTreeSet<char>)> = Vec::new();
        for (i, face) in faces.iter().enumerate() {
            let covered = self
                .db()
                .with_face_data(face.id, |data, index| {
                    skrifa::FontRef::from_index(data, index).ok().map(|font| {
                        use skrifa::MetadataProvider as _;
                        let charmap = font.charmap();
                        chars
                            .iter()
                            .copied()
                            .filter(|&c| charmap.map(c).is_some())
                            .collect::<BTreeSet<char>>()
                    })
                })
                .flatten()
                .unwrap_or_default();
            if !covered.is_empty() {
                coverage.push((i, covered));
            }
        }
        // Han characters are drawn differently in Chinese, Japanese and Korean: take the
        // CJK face of the language the text is most likely in.
        let cjk = if chars
            .iter()
            .any(|c| matches!(c.script(), Script::Hiragana | Script::Katakana))
        {
            " JP"
        } else if chars.iter().any(|c| c.script() == Script::Hangul) {
            " KR"
        } else {
            " SC"
        };
        let chosen = choose_cover(chars, &coverage, |i| {
            let family = family_name(faces[i]);
            if preferred.is_some_and(|p| family.eq_ignore_ascii_case(p)) {
                2
            } else {
                u8::from(family.ends_with(cjk))
            }
        });
        let mut search = FontSearch {
            fonts: Vec::new(),
            uncovered: chars.clone(),
        };
        for i in chosen {
            if let Some(font) = self.load(faces[i]) {
                if let Some((_, covered)) = coverage.iter().find(|(j, _)| *j == i) {
                    search.uncovered.retain(|c| !covered.contains(c));
                }
                search.fonts.push(font);
            }
        }
        search
    }

    fn family(&self, name: &str) -> Option<FoundFont> {
        let face = self
            .regular_faces()
            .into_iter()
            .find(|f| f.families.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)))?;
        self.load(face)
    }
}

/// Greedy set cover: the face (by index) covering most of what is left, until nothing
/// more is covered; faces ranked higher go first when they cover anything.
fn choose_cover(
    chars: &BTreeSet<char>,
    coverage: &[(usize, BTreeSet<char>)],
    rank: impl Fn(usize) -> u8,
) -> Vec<usize> {
    let mut left = chars.clone();
    let mut chosen = Vec::new();
    loop {
        let best = coverage
            .iter()
            .filter(|(i, _)| !chosen.contains(i))
            .map(|(i, covered)| {
                let count = covered.iter().filter(|c| left.contains(c)).count();
                (*i, count, rank(*i))
            })
            .filter(|(_, count, _)| *count > 0)
            // Ranked first, then the most covered, then the first in order.
            .max_by(|a, b| (a.2, a.1).cmp(&(b.2, b.1)).then(b.0.cmp(&a.0)));
        let Some((i, _, _)) = best else { break };
        if let Some((_, covered)) = coverage.iter().find(|(j, _)| *j == i) {
            left.retain(|c| !covered.contains(c));
        }
        chosen.push(i);
        if left.is_empty() {
            break;
        }
    }
    chosen
}

/// Characters no installed font has, for the notice: by script.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FontNotice {
    /// Script name → a few of its characters that cannot be drawn.
    pub missing: BTreeMap<String, String>,
    /// Right-to-left scripts in the document on screen.
    pub right_to_left: BTreeSet<String>,
}

impl FontNotice {
    /// Whether there is nothing to say.
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.right_to_left.is_empty()
    }

    /// The notice's text, one line a concern.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for (script, sample) in &self.missing {
            lines.push(format!(
                "No installed font draws {script} ({sample}): they show as boxes. Install {}.",
                install_hint(script)
            ));
        }
        if !self.right_to_left.is_empty() {
            let scripts: Vec<&str> = self.right_to_left.iter().map(String::as_str).collect();
            lines.push(format!("{RTL_NOTE} ({})", scripts.join(", ")));
        }
        lines
    }
}

/// What a right-to-left article looks like today, said in the notice and the README.
pub const RTL_NOTE: &str = "Right-to-left text is only partly laid out right to left: \
    egui 0.37 has no bidirectional layout (egui#1016). Each stretch of text drawn from one \
    font is shaped right to left, so a line wholly in Arabic or Hebrew reads correctly, but \
    lines align left and the stretches are placed left to right: a full stop, a digit or a \
    Latin word drawn from another font lands on the wrong side, and mixed lines read out of \
    order. Offsets, selections, labels, search and exports are unaffected: they count the \
    stored text, in its own order";

/// What to install for `script`: the Debian/Ubuntu package, and the font's name.
pub fn install_hint(script: &str) -> String {
    let cjk = ["Han", "Hiragana", "Katakana", "Hangul", "Bopomofo"];
    if cjk.contains(&script) {
        "the Noto CJK fonts (on Debian and Ubuntu: sudo apt install fonts-noto-cjk)".to_owned()
    } else {
        format!(
            "a Noto Sans {script} font (on Debian and Ubuntu: sudo apt install fonts-noto-core, \
             or fonts-noto-extra)"
        )
    }
}

/// The script of `c` by name ("Han", "Devanagari"…), with the shared symbols grouped.
pub fn script_name(c: char) -> String {
    match c.script() {
        Script::Common | Script::Inherited | Script::Unknown => "symbols".to_owned(),
        script => script.full_name().replace('_', " "),
    }
}

fn is_right_to_left(c: char) -> bool {
    matches!(
        c.script(),
        Script::Arabic
            | Script::Hebrew
            | Script::Syriac
            | Script::Thaana
            | Script::Nko
            | Script::Samaritan
            | Script::Mandaic
            | Script::Adlam
    )
}

/// The window's fonts: what is installed in egui, what is being looked up, what is
/// missing.
pub struct Fonts {
    source: Arc<dyn FontSource>,
    /// The article font and the fallback font from the preferences, once found.
    article: Option<FoundFont>,
    fallback: Option<FoundFont>,
    /// Fallbacks found for characters of the documents shown.
    discovered: Vec<FoundFont>,
    /// Whether egui has the definitions built from the above (the article family).
    installed: bool,
    /// The texts (digests) checked for characters the fonts lack.
    checked: HashSet<String>,
    /// Characters already looked up (found or not): never asked for twice.
    asked: BTreeSet<char>,
    /// The lookup running now.
    lookup: Option<Background<Lookup>>,
    /// Characters no installed font has.
    uncovered: BTreeSet<char>,
    /// Right-to-left scripts seen in the documents shown.
    right_to_left: BTreeSet<String>,
    /// What the user has dismissed from the notice (it is said once).
    dismissed: FontNotice,
    /// Preference names that were not found, to say once.
    pub(super) not_found: Vec<String>,
}

/// What a lookup thread hands back.
struct Lookup {
    article: Option<Result<FoundFont, String>>,
    fallback: Option<Result<FoundFont, String>>,
    search: FontSearch,
}

impl Default for Fonts {
    fn default() -> Self {
        Self::with_source(Arc::new(SystemFonts::default()))
    }
}

impl Fonts {
    /// Fonts looked up in `source` (the installed fonts, or a test's).
    pub fn with_source(source: Arc<dyn FontSource>) -> Self {
        Self {
            source,
            article: None,
            fallback: None,
            discovered: Vec::new(),
            installed: false,
            checked: HashSet::new(),
            asked: BTreeSet::new(),
            lookup: None,
            uncovered: BTreeSet::new(),
            right_to_left: BTreeSet::new(),
            dismissed: FontNotice::default(),
            not_found: Vec::new(),
        }
    }

    /// The family the article view draws in.
    pub fn article_family(&self) -> FontFamily {
        if self.installed {
            FontFamily::Name(ARTICLE_FAMILY.into())
        } else {
            FontFamily::Proportional
        }
    }

    /// Whether fonts are being looked up.
    pub fn is_looking_up(&self) -> bool {
        self.lookup.is_some()
    }

    /// The fallbacks found so far, by family name.
    pub fn discovered(&self) -> Vec<String> {
        self.discovered.iter().map(|f| f.family.clone()).collect()
    }

    /// What the notice says now: what was not dismissed yet.
    pub fn notice(&self) -> FontNotice {
        let mut notice = FontNotice::default();
        for &c in &self.uncovered {
            let script = script_name(c);
            if self.dismissed.missing.contains_key(&script) {
                continue;
            }
            let sample = notice.missing.entry(script).or_default();
            if sample.chars().count() < 8 {
                sample.push(c);
            }
        }
        notice.right_to_left = self
            .right_to_left
            .difference(&self.dismissed.right_to_left)
            .cloned()
            .collect();
        notice
    }

    /// Dismisses what the notice says now: it is not said again in this run.
    pub fn dismiss_notice(&mut self) {
        let notice = self.notice();
        self.dismissed.missing.extend(notice.missing);
        self.dismissed.right_to_left.extend(notice.right_to_left);
    }

    /// The definitions: egui's own fonts, the article font in front of them for the
    /// article family, then the fallback font and the discovered ones for every family.
    fn definitions(&self) -> FontDefinitions {
        let mut defs = FontDefinitions::default();
        let add = |defs: &mut FontDefinitions, font: &FoundFont, role: &str| {
            let name = format!("{role}: {}", font.family);
            defs.font_data.insert(
                name.clone(),
                Arc::new(FontData::from_blob(font.data.clone(), font.index)),
            );
            name
        };
        let mut fallbacks = Vec::new();
        for (font, role) in self
            .fallback
            .iter()
            .map(|f| (f, "fallback"))
            .chain(self.discovered.iter().map(|f| (f, "found")))
        {
            fallbacks.push(add(&mut defs, font, role));
        }
        for family in [FontFamily::Proportional, FontFamily::Monospace] {
            defs.families
                .entry(family)
                .or_default()
                .extend(fallbacks.iter().cloned());
        }
        let mut article: Vec<String> = self
            .article
            .iter()
            .map(|f| add(&mut defs, f, "article"))
            .collect();
        article.extend(
            defs.families
                .get(&FontFamily::Proportional)
                .cloned()
                .unwrap_or_default(),
        );
        defs.families
            .insert(FontFamily::Name(ARTICLE_FAMILY.into()), article);
        defs
    }

    fn install(&mut self, ctx: &egui::Context) {
        ctx.set_fonts(self.definitions());
        self.installed = true;
    }

    /// The characters of `texts` that the loaded fonts cannot draw and that were not
    /// looked up yet, and the right-to-left scripts among them. One pass over the texts
    /// that looks at non-ASCII characters only: a Latin article costs about nothing.
    pub fn missing_chars<'a>(
        &self,
        ctx: &egui::Context,
        texts: impl IntoIterator<Item = &'a str>,
    ) -> (BTreeSet<char>, BTreeSet<String>) {
        let mut chars = BTreeSet::new();
        for text in texts {
            chars.extend(
                text.chars()
                    .filter(|c| !c.is_ascii() && !c.is_control() && !c.is_whitespace()),
            );
        }
        let right_to_left = chars
            .iter()
            .copied()
            .filter(|&c| is_right_to_left(c))
            .map(script_name)
            .collect();
        let font_id = egui::FontId::new(12.0, FontFamily::Proportional);
        let missing = ctx.fonts_mut(|f| {
            chars
                .into_iter()
                .filter(|c| !self.asked.contains(c) && !f.has_glyph(&font_id, *c))
                .collect()
        });
        (missing, right_to_left)
    }

    /// Looks up the preferences' fonts (and nothing else) in the background.
    pub fn apply_prefs(
        &mut self,
        article: Option<String>,
        fallback: Option<String>,
        wake: impl FnOnce() + Send + 'static,
    ) {
        let source = self.source.clone();
        if article.is_none() {
            self.article = None;
        }
        if fallback.is_none() {
            self.fallback = None;
        }
        // Asked again with the new fallback first.
        self.asked.clear();
        self.checked.clear();
        self.lookup = Some(Background::spawn(
            move || Lookup {
                article: article.map(|n| source.family(&n).ok_or(n)),
                fallback: fallback.map(|n| source.family(&n).ok_or(n)),
                search: FontSearch::default(),
            },
            wake,
        ));
    }
}

impl MarginaliaApp {
    /// Once a frame: installs what a lookup found, and checks the document on screen
    /// (and the documents' titles) for characters the fonts lack. Cheap when nothing
    /// changed: one set lookup.
    pub(super) fn fonts_tick(&mut self, ctx: &egui::Context) {
        if !self.fonts.installed {
            self.fonts.install(ctx);
            if self.prefs.article_font.is_some() || self.prefs.fallback_font.is_some() {
                let wake = self.waker();
                let (article, fallback) = (
                    self.prefs.article_font.clone(),
                    self.prefs.fallback_font.clone(),
                );
                self.fonts.apply_prefs(article, fallback, wake);
            }
        }
        if let Some(lookup) = &self.fonts.lookup {
            match lookup.poll() {
                Poll::Running => return,
                Poll::Died => self.fonts.lookup = None,
                Poll::Done(found) => {
                    self.fonts.lookup = None;
                    self.use_lookup(ctx, found);
                }
            }
        }
        let Some(doc) = self.ws.document() else {
            return;
        };
        if self.fonts.checked.contains(doc.digest()) {
            return;
        }
        self.fonts.checked.insert(doc.digest().to_owned());
        let texts = std::iter::once(doc.text())
            .chain(self.ws.project.documents.iter().map(|d| d.title.as_str()));
        let (missing, right_to_left) = self.fonts.missing_chars(ctx, texts);
        self.fonts.right_to_left.extend(right_to_left);
        if missing.is_empty() {
            return;
        }
        self.fonts.asked.extend(missing.iter().copied());
        let source = self.fonts.source.clone();
        let preferred = self.prefs.fallback_font.clone();
        self.fonts.lookup = Some(Background::spawn(
            move || Lookup {
                article: None,
                fallback: None,
                search: source.cover(&missing, preferred.as_deref()),
            },
            self.waker(),
        ));
    }

    fn use_lookup(&mut self, ctx: &egui::Context, found: Lookup) {
        for (slot, result) in [
            (&mut self.fonts.article, found.article),
            (&mut self.fonts.fallback, found.fallback),
        ] {
            match result {
                Some(Ok(font)) => *slot = Some(font),
                Some(Err(name)) => self.fonts.not_found.push(name),
                None => {}
            }
        }
        for font in found.search.fonts {
            if !self
                .fonts
                .discovered
                .iter()
                .any(|f| f.family == font.family && f.index == font.index)
            {
                self.fonts.discovered.push(font);
            }
        }
        self.fonts.uncovered.extend(found.search.uncovered);
        self.fonts.install(ctx);
        if !self.fonts.not_found.is_empty() {
            let names = std::mem::take(&mut self.fonts.not_found);
            self.show_dialog(super::Dialog::Message(
                "Font not found".into(),
                format!(
                    "No installed font family is called {}: the default font is used.",
                    names
                        .iter()
                        .map(|n| format!("“{n}”"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            ));
        }
    }

    /// The notice about scripts no installed font draws and about right-to-left text,
    /// above the article, until dismissed.
    pub(super) fn font_notice_ui(&mut self, ui: &mut egui::Ui) {
        let notice = self.fonts.notice();
        if notice.is_empty() {
            return;
        }
        egui::Frame::group(ui.style())
            .fill(ui.visuals().extreme_bg_color)
            .show(ui, |ui| {
                ui.horizontal_top(|ui| {
                    ui.vertical(|ui| {
                        ui.set_max_width(ui.available_width() - 90.0);
                        for line in notice.lines() {
                            ui.label(line);
                        }
                    });
                    if ui.button("Dismiss").clicked() {
                        self.fonts.dismiss_notice();
                    }
                });
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cover_takes_the_fewest_faces_and_the_preferred_first() {
        let chars: BTreeSet<char> = "abcdef".chars().collect();
        let coverage = vec![
            (0, "ab".chars().collect()),
            (1, "abcde".chars().collect()),
            (2, "ef".chars().collect()),
            (3, "a".chars().collect()),
        ];
        assert_eq!(choose_cover(&chars, &coverage, |_| 0), [1, 2]);
        assert_eq!(
            choose_cover(&chars, &coverage, |i| u8::from(i == 3)),
            [3, 1, 2]
        );
        let none: Vec<(usize, BTreeSet<char>)> = Vec::new();
        assert!(choose_cover(&chars, &none, |_| 0).is_empty());
    }

    #[test]
    fn the_notice_names_the_script_and_what_to_install() {
        let mut fonts = Fonts::with_source(Arc::new(SystemFonts::default()));
        fonts.uncovered = "中文हि".chars().collect();
        let lines = fonts.notice().lines();
        assert!(
            lines
                .iter()
                .any(|l| l.contains("Han") && l.contains("fonts-noto-cjk")),
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains("Devanagari") && l.contains("fonts-noto-core")),
            "{lines:?}"
        );
        fonts.dismiss_notice();
        assert!(fonts.notice().is_empty(), "said once");
        fonts.right_to_left.insert(script_name('ع'));
        assert_eq!(fonts.notice().right_to_left.len(), 1);
        assert!(fonts.notice().lines()[0].contains("Arabic"));
    }
}
