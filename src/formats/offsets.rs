//! Offset units at the edge of the model.
//!
//! The model counts Unicode code points. Datasets disagree: Python, spaCy and doccano
//! count code points, JavaScript tools (Label Studio's front end, INCEpTION's) count
//! UTF-16 code units, and C-family tools count UTF-8 bytes. The three agree on ASCII and
//! part ways on the first é (bytes) or emoji (UTF-16), which is how offsets drift. So
//! every offset that leaves or enters the model goes through an [`OffsetMap`], once.

use std::fmt;
use std::str::FromStr;

use crate::model::TextIndex;

/// The unit in which offsets are written to, or read from, a dataset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OffsetUnit {
    /// Unicode code points: Python `str` indices, spaCy, doccano, brat. The default.
    #[default]
    Codepoints,
    /// UTF-16 code units: JavaScript string indices, INCEpTION, Label Studio.
    Utf16,
    /// UTF-8 bytes.
    Bytes,
}

impl OffsetUnit {
    /// All units, default first.
    pub const ALL: [OffsetUnit; 3] = [OffsetUnit::Codepoints, OffsetUnit::Utf16, OffsetUnit::Bytes];

    /// The word used on the command line and recorded in exported files.
    pub fn as_str(self) -> &'static str {
        match self {
            OffsetUnit::Codepoints => "codepoints",
            OffsetUnit::Utf16 => "utf16",
            OffsetUnit::Bytes => "bytes",
        }
    }
}

impl fmt::Display for OffsetUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An offset unit name that is not one of `codepoints`, `utf16`, `bytes`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown offset unit `{0}`: expected codepoints, utf16 or bytes")]
pub struct UnknownOffsetUnit(pub String);

impl FromStr for OffsetUnit {
    type Err = UnknownOffsetUnit;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "codepoints" | "codepoint" | "chars" | "characters" => Ok(OffsetUnit::Codepoints),
            "utf16" | "utf-16" => Ok(OffsetUnit::Utf16),
            "bytes" | "utf8" | "utf-8" => Ok(OffsetUnit::Bytes),
            _ => Err(UnknownOffsetUnit(text.to_owned())),
        }
    }
}

/// Converts offsets of one text between code points (the model) and one [`OffsetUnit`].
///
/// Code points to bytes go through the document's [`TextIndex`]. For UTF-16 the map keeps
/// the code-point positions of the characters outside the Basic Multilingual Plane (the
/// only ones that take two UTF-16 units), so both directions are a binary search.
#[derive(Clone, Debug)]
pub struct OffsetMap<'t> {
    text: &'t str,
    index: &'t TextIndex,
    unit: OffsetUnit,
    /// Code-point offsets of the characters that are surrogate pairs in UTF-16, ascending.
    /// Empty unless the unit is UTF-16.
    astral: Vec<usize>,
}

impl<'t> OffsetMap<'t> {
    /// A map for `text`, whose index is `index`.
    pub fn new(text: &'t str, index: &'t TextIndex, unit: OffsetUnit) -> Self {
        let astral = if unit == OffsetUnit::Utf16 {
            text.chars()
                .enumerate()
                .filter(|(_, c)| c.len_utf16() == 2)
                .map(|(i, _)| i)
                .collect()
        } else {
            Vec::new()
        };
        Self {
            text,
            index,
            unit,
            astral,
        }
    }

    /// The unit of this map.
    pub fn unit(&self) -> OffsetUnit {
        self.unit
    }

    /// The length of the text in the map's unit.
    pub fn len(&self) -> usize {
        match self.unit {
            OffsetUnit::Codepoints => self.index.char_len(),
            OffsetUnit::Utf16 => self.index.char_len() + self.astral.len(),
            OffsetUnit::Bytes => self.text.len(),
        }
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Code-point offset `char_offset` in the map's unit; `None` past the end of the text.
    pub fn encode(&self, char_offset: usize) -> Option<usize> {
        if char_offset > self.index.char_len() {
            return None;
        }
        match self.unit {
            OffsetUnit::Codepoints => Some(char_offset),
            OffsetUnit::Utf16 => {
                Some(char_offset + self.astral.partition_point(|&c| c < char_offset))
            }
            OffsetUnit::Bytes => self.index.byte_of(self.text, char_offset),
        }
    }

    /// The code-point offset of `offset` given in the map's unit; `None` past the end of
    /// the text or in the middle of a character (inside a UTF-8 sequence or between the
    /// two halves of a surrogate pair).
    pub fn decode(&self, offset: usize) -> Option<usize> {
        match self.unit {
            OffsetUnit::Codepoints => (offset <= self.index.char_len()).then_some(offset),
            OffsetUnit::Utf16 => {
                if offset > self.len() {
                    return None;
                }
                // Astral character k starts at UTF-16 offset astral[k] + k and takes two
                // units; count those that end at or before `offset`.
                let before = partition(self.astral.len(), |k| self.astral[k] + k + 2 <= offset);
                match self.astral.get(before) {
                    // `offset` is the second unit of that character's surrogate pair.
                    Some(&c) if c + before + 1 == offset => None,
                    _ => Some(offset - before),
                }
            }
            OffsetUnit::Bytes => self.index.char_of(self.text, offset),
        }
    }
}

/// The number of `k` in `0..len` for which `pred` holds, given that it holds for a prefix.
fn partition(len: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut low, mut high) = (0, len);
    while low < high {
        let mid = low + (high - low) / 2;
        if pred(mid) {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    low
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRESS: &str = "Zoë 👩‍👩‍👧 🇺🇦 e\u{301} 北京 مرحبا\r\n𝄞x";

    fn check_unit(unit: OffsetUnit, width: impl Fn(char) -> usize) {
        let index = TextIndex::new(STRESS);
        let map = OffsetMap::new(STRESS, &index, unit);
        let mut expected = 0;
        for (i, c) in STRESS.chars().enumerate() {
            assert_eq!(map.encode(i), Some(expected), "{unit} encode {i}");
            assert_eq!(map.decode(expected), Some(i), "{unit} decode {expected}");
            for inside in 1..width(c) {
                assert_eq!(map.decode(expected + inside), None, "{unit} inside {i}");
            }
            expected += width(c);
        }
        assert_eq!(map.len(), expected);
        assert_eq!(map.encode(index.char_len()), Some(expected));
        assert_eq!(map.decode(expected), Some(index.char_len()));
        assert_eq!(map.decode(expected + 1), None);
        assert_eq!(map.encode(index.char_len() + 1), None);
    }

    #[test]
    fn every_unit_agrees_with_std() {
        check_unit(OffsetUnit::Codepoints, |_| 1);
        check_unit(OffsetUnit::Utf16, char::len_utf16);
        check_unit(OffsetUnit::Bytes, char::len_utf8);
    }

    #[test]
    fn units_parse_and_print() {
        for unit in OffsetUnit::ALL {
            assert_eq!(unit.as_str().parse::<OffsetUnit>(), Ok(unit));
        }
        assert!("points".parse::<OffsetUnit>().is_err());
    }
}
