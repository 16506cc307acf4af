//! Pasting an article: Ctrl+Shift+V (Document → Paste article) asks the platform for the
//! clipboard's text (`ViewportCommand::RequestPaste`, answered with an `Event::Paste` in
//! a coming frame) and adds it as a new document, asking only for its title.

use std::time::{Duration, Instant};

use super::{Dialog, MarginaliaApp};

/// How long to wait for the clipboard's text before saying there is none: the
/// integration answers within a frame or two, and sends nothing for an empty clipboard.
const PASTE_PATIENCE: Duration = Duration::from_millis(400);

/// A pasted article waiting for its title.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasteDraft {
    /// The title, prefilled from the first non-empty line.
    pub title: String,
    /// The clipboard's text, as it was.
    pub text: String,
    /// Whether the title field has been given the keyboard focus (once, when the dialog
    /// opens: typing a title needs no click).
    pub focused: bool,
}

/// A clipboard request sent to the platform, not answered yet.
pub(super) struct PasteWait {
    since: Instant,
    frames: u32,
}

impl MarginaliaApp {
    /// Asks the platform for the clipboard's text; [`Self::take_pasted`] picks it up.
    pub(super) fn request_paste(&mut self, ctx: &egui::Context) {
        ctx.send_viewport_cmd(egui::ViewportCommand::RequestPaste);
        self.paste_wait = Some(PasteWait {
            since: Instant::now(),
            frames: 0,
        });
    }

    /// Whether the app is waiting for the clipboard's text.
    pub fn is_waiting_for_paste(&self) -> bool {
        self.paste_wait.is_some()
    }

    /// At the start of a frame: takes the clipboard's answer out of the input (so that
    /// no text field pastes it as well) and asks for the new document's title, or says
    /// why there is nothing to add.
    pub(super) fn take_pasted(&mut self, ctx: &egui::Context) {
        let Some(wait) = &mut self.paste_wait else {
            return;
        };
        let mut text = None;
        let mut image = false;
        ctx.input_mut(|input| {
            input.events.retain(|event| match event {
                egui::Event::Paste(pasted) => {
                    text = Some(pasted.clone());
                    false
                }
                egui::Event::PasteImage(_) => {
                    image = true;
                    false
                }
                _ => true,
            });
        });
        wait.frames += 1;
        let why_not = match text {
            Some(text) => match crate::formats::title_of(&text, false) {
                Some(title) => {
                    self.paste_wait = None;
                    self.show_dialog(Dialog::Paste(PasteDraft {
                        title,
                        text,
                        focused: false,
                    }));
                    return;
                }
                None => "The clipboard holds only blank text.",
            },
            None if image => "The clipboard holds an image, not text: copy the article's text.",
            None if wait.frames < 3 || wait.since.elapsed() < PASTE_PATIENCE => {
                ctx.request_repaint_after(Duration::from_millis(50));
                return;
            }
            None => "The clipboard is empty, or holds something other than text.",
        };
        self.paste_wait = None;
        self.show_dialog(Dialog::Message("Nothing to paste".into(), why_not.into()));
    }
}
