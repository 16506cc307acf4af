//! Every command of the window, with its name, menu and shortcuts, in one place. Menus,
//! the shortcut overlay (F1) and keyboard handling are all generated from this list, so
//! they cannot disagree; a test proves that no two shortcuts clash.

use egui::{Key, KeyboardShortcut, Modifiers};

use crate::model::{Schema, Status};

/// A command the user can give. Label hotkeys (1–9) come from the project's schema and
/// are handled beside these; [`LABEL_HOTKEYS`] reserves their keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    NewProject,
    Open,
    Save,
    SaveAs,
    ImportArticles,
    ImportDataset,
    PasteArticle,
    Export,
    Quit,
    Undo,
    Redo,
    Find,
    DeleteSpan,
    ClearSelection,
    EditNote,
    NextSpan,
    PreviousSpan,
    NextUnattributed,
    StartLink,
    GrowStart,
    ShrinkStart,
    GrowEnd,
    ShrinkEnd,
    NextDocument,
    PreviousDocument,
    MarkTodo,
    MarkInProgress,
    MarkDone,
    ZoomIn,
    ZoomOut,
    ZoomReset,
    Fonts,
    ProjectSettings,
    Review,
    Suggest,
    ConsistencyCheck,
    NextCandidate,
    PreviousCandidate,
    AcceptCandidate,
    StartGold,
    CloseReview,
    Shortcuts,
    About,
}

/// The menus, in menu-bar order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Menu {
    File,
    Edit,
    View,
    Document,
    Review,
    Help,
}

impl Menu {
    /// All menus in order.
    pub const ALL: [Menu; 6] = [
        Menu::File,
        Menu::Edit,
        Menu::View,
        Menu::Document,
        Menu::Review,
        Menu::Help,
    ];

    /// The menu's title.
    pub fn title(self) -> &'static str {
        match self {
            Menu::File => "File",
            Menu::Edit => "Edit",
            Menu::View => "View",
            Menu::Document => "Document",
            Menu::Review => "Review",
            Menu::Help => "Help",
        }
    }
}

/// Keys 1–9: label hotkeys, set per label in the schema.
pub const LABEL_HOTKEYS: [Key; 9] = [
    Key::Num1,
    Key::Num2,
    Key::Num3,
    Key::Num4,
    Key::Num5,
    Key::Num6,
    Key::Num7,
    Key::Num8,
    Key::Num9,
];

/// The key that starts a link of each link type of the schema, in schema order: the
/// first letter of the type's name (then of its key) that no command and no earlier link
/// type uses as a plain key, so "Said by" is S and "Continues" is C. Derived rather than
/// stored so that every schema, old files included, gets keys without a setting; a type
/// whose letters are all taken has none (L still reaches it: L again goes on to the
/// next type).
pub fn link_type_keys(schema: &Schema) -> Vec<(String, Key)> {
    let mut taken: Vec<Key> = Command::ALL
        .iter()
        .flat_map(|c| c.shortcuts())
        .filter(|s| s.modifiers.is_none())
        .map(|s| s.logical_key)
        .collect();
    let mut keys = Vec::new();
    for link_type in &schema.link_types {
        let free = link_type
            .name
            .chars()
            .chain(link_type.key.chars())
            .filter(char::is_ascii_alphabetic)
            .filter_map(|c| Key::from_name(&c.to_ascii_uppercase().to_string()))
            .find(|k| !taken.contains(k));
        if let Some(key) = free {
            taken.push(key);
            keys.push((link_type.key.clone(), key));
        }
    }
    keys
}

const fn key(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

const CTRL: Modifiers = Modifiers::COMMAND;
const CTRL_SHIFT: Modifiers = Modifiers::COMMAND.plus(Modifiers::SHIFT);
const ALT: Modifiers = Modifiers::ALT;
const ALT_SHIFT: Modifiers = Modifiers::ALT.plus(Modifiers::SHIFT);
const NONE: Modifiers = Modifiers::NONE;

impl Command {
    /// Every command, in menu order.
    pub const ALL: [Command; 43] = [
        Command::NewProject,
        Command::Open,
        Command::Save,
        Command::SaveAs,
        Command::ImportArticles,
        Command::ImportDataset,
        Command::PasteArticle,
        Command::Export,
        Command::Review,
        Command::Quit,
        Command::Undo,
        Command::Redo,
        Command::Find,
        Command::DeleteSpan,
        Command::ClearSelection,
        Command::EditNote,
        Command::NextSpan,
        Command::PreviousSpan,
        Command::NextUnattributed,
        Command::StartLink,
        Command::GrowStart,
        Command::ShrinkStart,
        Command::GrowEnd,
        Command::ShrinkEnd,
        Command::ProjectSettings,
        Command::ZoomIn,
        Command::ZoomOut,
        Command::ZoomReset,
        Command::Fonts,
        Command::NextDocument,
        Command::PreviousDocument,
        Command::MarkTodo,
        Command::MarkInProgress,
        Command::MarkDone,
        Command::Suggest,
        Command::ConsistencyCheck,
        Command::NextCandidate,
        Command::PreviousCandidate,
        Command::AcceptCandidate,
        Command::StartGold,
        Command::CloseReview,
        Command::Shortcuts,
        Command::About,
    ];

    /// The name in menus and the shortcut overlay.
    pub fn name(self) -> &'static str {
        match self {
            Command::NewProject => "New project…",
            Command::Open => "Open…",
            Command::Save => "Save",
            Command::SaveAs => "Save as…",
            Command::ImportArticles => "Import articles…",
            Command::ImportDataset => "Import annotated dataset…",
            Command::PasteArticle => "Paste article",
            Command::Export => "Export dataset…",
            Command::Quit => "Quit",
            Command::Undo => "Undo",
            Command::Redo => "Redo",
            Command::Find => "Find…",
            Command::DeleteSpan => "Delete span (or reject the candidate in focus)",
            Command::ClearSelection => "Clear selection",
            Command::EditNote => "Edit note",
            Command::NextSpan => "Next span",
            Command::PreviousSpan => "Previous span",
            Command::NextUnattributed => "Next quote or claim without a speaker",
            Command::StartLink => "Link the selected span (again: next link type)",
            Command::GrowStart => "Grow span at start",
            Command::ShrinkStart => "Shrink span at start",
            Command::GrowEnd => "Grow span at end",
            Command::ShrinkEnd => "Shrink span at end",
            Command::ProjectSettings => "Project settings…",
            Command::ZoomIn => "Larger text",
            Command::ZoomOut => "Smaller text",
            Command::ZoomReset => "Default text size",
            Command::NextDocument => "Next document",
            Command::PreviousDocument => "Previous document",
            Command::MarkTodo => "Mark as todo",
            Command::MarkInProgress => "Mark as in progress",
            Command::MarkDone => "Mark as done",
            Command::Review => "Review colleagues' files…",
            Command::Suggest => "Suggest quotes, speakers and names",
            Command::ConsistencyCheck => "Consistency check…",
            Command::NextCandidate => "Next candidate or disagreement",
            Command::PreviousCandidate => "Previous candidate or disagreement",
            Command::AcceptCandidate => "Accept candidate",
            Command::StartGold => "Start gold project from review",
            Command::CloseReview => "Close review",
            Command::Fonts => "Fonts…",
            Command::Shortcuts => "Keyboard shortcuts",
            Command::About => "About Marginalia",
        }
    }

    /// The menu the command sits in.
    pub fn menu(self) -> Menu {
        use Command::*;
        match self {
            NewProject | Open | Save | SaveAs | ImportArticles | ImportDataset | Export
            | Review | Quit => Menu::File,
            Undo | Redo | Find | DeleteSpan | ClearSelection | EditNote | NextSpan
            | PreviousSpan | NextUnattributed | StartLink | GrowStart | ShrinkStart | GrowEnd
            | ShrinkEnd | ProjectSettings => Menu::Edit,
            ZoomIn | ZoomOut | ZoomReset | Fonts => Menu::View,
            PasteArticle | NextDocument | PreviousDocument | MarkTodo | MarkInProgress
            | MarkDone => Menu::Document,
            Suggest | ConsistencyCheck | NextCandidate | PreviousCandidate | AcceptCandidate
            | StartGold | CloseReview => Menu::Review,
            Shortcuts | About => Menu::Help,
        }
    }

    /// Keyboard shortcuts; the first is the one menus show.
    pub fn shortcuts(self) -> Vec<KeyboardShortcut> {
        use Command::*;
        match self {
            NewProject => vec![key(CTRL, Key::N)],
            Open => vec![key(CTRL, Key::O)],
            Save => vec![key(CTRL, Key::S)],
            SaveAs => vec![key(CTRL_SHIFT, Key::S)],
            ImportArticles => vec![key(CTRL, Key::I)],
            ImportDataset => vec![key(CTRL_SHIFT, Key::I)],
            PasteArticle => vec![key(CTRL_SHIFT, Key::V)],
            Export => vec![key(CTRL, Key::E)],
            Quit => vec![key(CTRL, Key::Q)],
            Undo => vec![key(CTRL, Key::Z)],
            Redo => vec![key(CTRL_SHIFT, Key::Z), key(CTRL, Key::Y)],
            Find => vec![key(CTRL, Key::F)],
            DeleteSpan => vec![key(NONE, Key::Delete), key(NONE, Key::Backspace)],
            ClearSelection => vec![key(NONE, Key::Escape)],
            EditNote => vec![key(NONE, Key::N)],
            NextSpan => vec![key(NONE, Key::Tab)],
            PreviousSpan => vec![key(Modifiers::SHIFT, Key::Tab)],
            NextUnattributed => vec![key(NONE, Key::U)],
            StartLink => vec![key(NONE, Key::L)],
            GrowStart => vec![key(ALT, Key::ArrowLeft)],
            ShrinkStart => vec![key(ALT_SHIFT, Key::ArrowRight)],
            GrowEnd => vec![key(ALT, Key::ArrowRight)],
            ShrinkEnd => vec![key(ALT_SHIFT, Key::ArrowLeft)],
            ProjectSettings => vec![key(CTRL, Key::Comma)],
            ZoomIn => vec![key(CTRL, Key::Plus), key(CTRL, Key::Equals)],
            ZoomOut => vec![key(CTRL, Key::Minus)],
            ZoomReset => vec![key(CTRL, Key::Num0)],
            NextDocument => vec![key(CTRL, Key::PageDown)],
            PreviousDocument => vec![key(CTRL, Key::PageUp)],
            MarkTodo => vec![key(CTRL_SHIFT, Key::T)],
            MarkInProgress => vec![key(CTRL_SHIFT, Key::P)],
            MarkDone => vec![key(CTRL_SHIFT, Key::D)],
            Review => vec![key(CTRL_SHIFT, Key::R)],
            NextCandidate => vec![key(NONE, Key::F8), key(NONE, Key::CloseBracket)],
            PreviousCandidate => vec![key(Modifiers::SHIFT, Key::F8), key(NONE, Key::OpenBracket)],
            AcceptCandidate => vec![key(NONE, Key::Enter)],
            StartGold => vec![key(CTRL_SHIFT, Key::G)],
            Suggest => vec![key(CTRL_SHIFT, Key::U)],
            ConsistencyCheck => vec![key(CTRL_SHIFT, Key::K)],
            CloseReview => vec![],
            Shortcuts => vec![key(NONE, Key::F1)],
            Fonts | About => vec![],
        }
    }

    /// Whether the command changes the project (and so must wait while another project
    /// is being opened to replace it).
    pub fn edits_project(self) -> bool {
        use Command::*;
        matches!(
            self,
            ImportArticles
                | ImportDataset
                | PasteArticle
                | Undo
                | Redo
                | DeleteSpan
                | EditNote
                | GrowStart
                | ShrinkStart
                | GrowEnd
                | ShrinkEnd
                | ProjectSettings
                | MarkTodo
                | MarkInProgress
                | MarkDone
                | AcceptCandidate
                | Suggest
                | StartLink
        )
    }

    /// Whether the command works without a project open (the window is opening the file
    /// it was started on, or could not open it).
    pub fn works_without_project(self) -> bool {
        use Command::*;
        matches!(
            self,
            NewProject
                | Open
                | Review
                | Quit
                | ZoomIn
                | ZoomOut
                | ZoomReset
                | Fonts
                | Shortcuts
                | About
        )
    }

    /// Whether a shortcut of this command is a plain key that would type into a text
    /// field: those fire only while no text field has focus.
    pub fn is_single_key(self) -> bool {
        self.shortcuts().iter().any(|s| {
            s.modifiers.is_none() && !matches!(s.logical_key, Key::F1 | Key::F8 | Key::Escape)
        })
    }

    /// Whether the command does something on the review screen, where the files are
    /// read-only: the others wait until the review is closed.
    pub fn works_in_review(self) -> bool {
        use Command::*;
        matches!(
            self,
            Quit | Review
                | NextCandidate
                | PreviousCandidate
                | StartGold
                | CloseReview
                | NextDocument
                | PreviousDocument
                | ZoomIn
                | ZoomOut
                | ZoomReset
                | ClearSelection
                | Shortcuts
                | About
        )
    }

    /// The status a Mark command sets.
    pub fn status(self) -> Option<Status> {
        match self {
            Command::MarkTodo => Some(Status::Todo),
            Command::MarkInProgress => Some(Status::InProgress),
            Command::MarkDone => Some(Status::Done),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_shortcuts_clash() {
        let mut seen: Vec<(KeyboardShortcut, String)> = LABEL_HOTKEYS
            .iter()
            .enumerate()
            .map(|(i, k)| (key(NONE, *k), format!("label hotkey {}", i + 1)))
            .collect();
        for command in Command::ALL {
            for shortcut in command.shortcuts() {
                if let Some((_, other)) = seen.iter().find(|(s, _)| *s == shortcut) {
                    panic!("{} and {other} share {shortcut:?}", command.name());
                }
                seen.push((shortcut, command.name().to_owned()));
            }
        }
    }

    #[test]
    fn link_types_get_free_letters_of_their_names() {
        let keys = link_type_keys(&Schema::default());
        assert_eq!(
            keys,
            vec![
                ("said_by".to_owned(), Key::S),
                ("continues".to_owned(), Key::C)
            ]
        );
        // N is the note's key and L the generic link key: "Names" takes A, "Lists" I
        // (L taken) and a second "Cites" after "Continues" its I is taken too: T.
        let mut schema = Schema::default();
        for name in ["Names", "Lists", "Cites", "!!"] {
            schema.link_types.push(crate::model::LinkType {
                key: name.to_lowercase(),
                name: name.to_owned(),
                from: vec!["quote".to_owned()],
                to: vec!["actor".to_owned()],
            });
        }
        let letters: Vec<Key> = link_type_keys(&schema)
            .into_iter()
            .map(|(_, k)| k)
            .collect();
        assert_eq!(letters, vec![Key::S, Key::C, Key::A, Key::I, Key::T]);
    }

    #[test]
    fn link_type_keys_clash_with_no_shortcut() {
        let commands: Vec<KeyboardShortcut> =
            Command::ALL.iter().flat_map(|c| c.shortcuts()).collect();
        for (_, k) in link_type_keys(&Schema::default()) {
            assert!(!commands.contains(&key(NONE, k)), "{k:?}");
            assert!(!LABEL_HOTKEYS.contains(&k));
        }
    }

    #[test]
    fn every_command_is_listed_once() {
        for (i, command) in Command::ALL.iter().enumerate() {
            assert!(
                !Command::ALL[..i].contains(command),
                "{command:?} listed twice"
            );
        }
    }
}
