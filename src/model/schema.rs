//! The label schema of a project: which labels a span can carry and which link types
//! connect spans. Order matters: it is the order of the palette and of hotkeys.

use serde::{Deserialize, Serialize};

/// An sRGB colour, written `#RRGGBB` in project files so that a reader sees the colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rgb(pub [u8; 3]);

impl Rgb {
    /// Parses `#RRGGBB` (case-insensitive).
    pub fn parse(text: &str) -> Option<Self> {
        let hex = text.strip_prefix('#')?;
        if hex.len() != 6 || !hex.is_ascii() {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Self([byte(0)?, byte(2)?, byte(4)?]))
    }
}

impl std::fmt::Display for Rgb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let [r, g, b] = self.0;
        write!(f, "#{r:02X}{g:02X}{b:02X}")
    }
}

impl Serialize for Rgb {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Rgb {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("`{text}` is not a colour of the form #RRGGBB"))
        })
    }
}

/// One label a span can carry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Label {
    /// Stable key stored on spans (`claim`); never shown to annotators.
    pub key: String,
    /// Display name (`Claim`).
    pub name: String,
    /// Colour of the label's spans.
    pub color: Rgb,
    /// Hotkey 1–9 that applies the label, if any.
    #[serde(default)]
    pub hotkey: Option<u8>,
    /// The annotation guideline shown to annotators.
    #[serde(default)]
    pub description: String,
}

/// One kind of link between two spans, e.g. a quote `said_by` an actor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkType {
    /// Stable key stored on links (`said_by`).
    pub key: String,
    /// Display name (`Said by`).
    pub name: String,
    /// Label keys a link of this type may start from.
    pub from: Vec<String>,
    /// Label keys a link of this type may point to.
    pub to: Vec<String>,
}

/// The ordered labels and link types of a project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    /// Labels in palette order.
    pub labels: Vec<Label>,
    /// Link types in menu order.
    pub link_types: Vec<LinkType>,
}

impl Default for Schema {
    /// Claim, quote, location and actor on hotkeys 1–4, in colours from the Okabe–Ito
    /// palette (distinct for the common kinds of colour blindness), with `said_by` and
    /// `continues` links.
    fn default() -> Self {
        let label = |key: &str, name: &str, color: [u8; 3], hotkey: u8, description: &str| Label {
            key: key.to_owned(),
            name: name.to_owned(),
            color: Rgb(color),
            hotkey: Some(hotkey),
            description: description.to_owned(),
        };
        let strings = |keys: &[&str]| keys.iter().map(|k| (*k).to_owned()).collect();
        Self {
            labels: vec![
                label(
                    "claim",
                    "Claim",
                    [0xE6, 0x9F, 0x00],
                    1,
                    "A statement presented as fact that could be checked: \
                     mark the whole clause, without the attribution (\"he said\").",
                ),
                label(
                    "quote",
                    "Quote",
                    [0x56, 0xB4, 0xE9],
                    2,
                    "Words reported as somebody's own, direct or indirect: \
                     include the quotation marks of a direct quote.",
                ),
                label(
                    "location",
                    "Location",
                    [0x00, 0x9E, 0x73],
                    3,
                    "A named place: country, region, city, building or landmark.",
                ),
                label(
                    "actor",
                    "Actor",
                    [0xCC, 0x79, 0xA7],
                    4,
                    "A person, group, organisation or state that speaks or acts: \
                     mark the name with its title (\"President Donald Trump\").",
                ),
            ],
            link_types: vec![
                LinkType {
                    key: "said_by".to_owned(),
                    name: "Said by".to_owned(),
                    from: strings(&["quote", "claim"]),
                    to: strings(&["actor"]),
                },
                LinkType {
                    key: "continues".to_owned(),
                    name: "Continues".to_owned(),
                    from: strings(&["quote"]),
                    to: strings(&["quote"]),
                },
            ],
        }
    }
}

impl Schema {
    /// The label with this key.
    pub fn label(&self, key: &str) -> Option<&Label> {
        self.labels.iter().find(|l| l.key == key)
    }

    /// The link type with this key.
    pub fn link_type(&self, key: &str) -> Option<&LinkType> {
        self.link_types.iter().find(|t| t.key == key)
    }

    /// The label whose hotkey is `digit`.
    pub fn label_for_hotkey(&self, digit: u8) -> Option<&Label> {
        self.labels.iter().find(|l| l.hotkey == Some(digit))
    }

    /// Problems with the schema itself: duplicate keys or hotkeys, hotkeys out of range,
    /// link types naming unknown labels. Empty when the schema is sound.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (i, label) in self.labels.iter().enumerate() {
            if label.key.trim().is_empty() {
                problems.push(format!("label #{} has an empty key", i + 1));
            }
            if self.labels[..i].iter().any(|l| l.key == label.key) {
                problems.push(format!("label `{}` is defined twice", label.key));
            }
            if let Some(hotkey) = label.hotkey {
                if !(1..=9).contains(&hotkey) {
                    problems.push(format!(
                        "label `{}` has hotkey {hotkey}; hotkeys are 1 to 9",
                        label.key
                    ));
                } else if let Some(other) =
                    self.labels[..i].iter().find(|l| l.hotkey == Some(hotkey))
                {
                    problems.push(format!(
                        "labels `{}` and `{}` share hotkey {hotkey}",
                        other.key, label.key
                    ));
                }
            }
        }
        for (i, link_type) in self.link_types.iter().enumerate() {
            if link_type.key.trim().is_empty() {
                problems.push(format!("link type #{} has an empty key", i + 1));
            }
            if self.link_types[..i].iter().any(|t| t.key == link_type.key) {
                problems.push(format!("link type `{}` is defined twice", link_type.key));
            }
            for key in link_type.from.iter().chain(&link_type.to) {
                if self.label(key).is_none() {
                    problems.push(format!(
                        "link type `{}` names the unknown label `{key}`",
                        link_type.key
                    ));
                }
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_round_trip_through_hex() {
        let colour = Rgb([0xE6, 0x9F, 0x00]);
        assert_eq!(colour.to_string(), "#E69F00");
        assert_eq!(Rgb::parse("#e69f00"), Some(colour));
        assert_eq!(Rgb::parse("E69F00"), None);
        assert_eq!(Rgb::parse("#E69F0"), None);
        assert_eq!(Rgb::parse("#E69F0Ä"), None);
    }

    #[test]
    fn default_schema_is_sound_with_hotkeys_one_to_four() {
        let schema = Schema::default();
        assert!(schema.problems().is_empty(), "{:?}", schema.problems());
        let keys: Vec<_> = (1..=4)
            .map(|d| schema.label_for_hotkey(d).map(|l| l.key.as_str()))
            .collect();
        assert_eq!(
            keys,
            [
                Some("claim"),
                Some("quote"),
                Some("location"),
                Some("actor")
            ]
        );
    }

    #[test]
    fn schema_problems_name_the_culprits() {
        let mut schema = Schema::default();
        schema.labels[1].hotkey = Some(1);
        schema.link_types[0].to.push("speaker".into());
        let problems = schema.problems();
        assert!(
            problems
                .iter()
                .any(|p| p.contains("`claim` and `quote` share hotkey 1"))
        );
        assert!(
            problems
                .iter()
                .any(|p| p.contains("unknown label `speaker`"))
        );
    }
}
