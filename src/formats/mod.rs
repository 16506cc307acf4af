//! Datasets in and out: JSONL (doccano), spaCy/Prodigy JSONL, CoNLL IOB2, brat standoff
//! and CSV out; plain articles, JSONL, brat and CoNLL in.
//!
//! Export is where an annotation tool earns trust, so three rules hold everywhere:
//!
//! - **Offsets are exact.** The model counts code points; offsets are converted once, at
//!   the edge ([`OffsetMap`]), into the unit asked for: code points (Python, spaCy,
//!   doccano, brat; the default), UTF-16 (JavaScript, INCEpTION) or bytes. The unit is
//!   recorded in the output: `meta.offsets` in JSONL and spaCy lines, a `# offsets:`
//!   line in brat's `annotation.conf`, an `offsets` column in CSV (CoNLL writes no
//!   offsets). The text written is exactly the document's text: no trimming, no
//!   normalisation, CRLF kept.
//! - **What a format cannot carry is said out loud.** Every export returns an
//!   [`ExportReport`] that counts the spans, links and notes a format left out or
//!   changed, and why (overlapping spans in CoNLL's one tag column, links in spaCy,
//!   spans ending on a line break in brat). With `strict`, any span left out or
//!   changed makes the export fail and write nothing.
//! - **Imports check everything, and are whole or nothing.** Every offset is checked to
//!   lie in the text on a character boundary, every span text a format carries is
//!   compared with the text, every label and link type with the schema, and every
//!   problem is reported with its input file and line ([`FormatError::Invalid`]); the
//!   project is changed only when there is none.
//!
//! Output is deterministic: documents in project order (or split order, see [`Split`]),
//! spans in reading order, links in id order, no hash-map order anywhere, so exporting
//! the same project twice gives the same bytes.
//!
//! Both [`export`] and [`import`] do their own file IO and take no UI types, so the
//! window can run them on a background thread.

mod article;
mod batches;
mod brat;
mod conll;
mod csv;
mod error;
mod export;
mod import;
mod jsonl;
mod offsets;
mod options;
mod report;
mod select;
mod spacy;
mod tokens;

use std::fmt;
use std::path::Path;
use std::str::FromStr;

pub use article::{Article, ArticleError, article_from_text, read_article, title_of};
pub use brat::CONF_FILE as BRAT_CONF_FILE;
pub use conll::DOCSTART as CONLL_DOCSTART;
pub use csv::{HEADER as CSV_HEADER, SPEAKER_LINK};
pub use error::{FormatError, InputProblem};
pub use export::{STDOUT, check_output, export, output_paths, part_path};
pub use import::{Ignored, ImportOptions, ImportReport, ImportedDocument, import};
pub use offsets::{OffsetMap, OffsetUnit, UnknownOffsetUnit};
pub use options::ExportOptions;
pub use report::{ExportReport, Omission, Omitted, PartReport, open_candidates};
pub use select::{Split, parse_status};
pub use tokens::Layer;

/// A dataset format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// doccano JSONL: relation shape out; relation and sequence shapes in.
    #[default]
    Jsonl,
    /// spaCy / Prodigy JSONL with tokens and token-aligned spans (export only).
    Spacy,
    /// CoNLL-2003-style IOB2, `TOKEN<TAB>TAG`.
    Conll,
    /// brat standoff: a folder of `.txt` + `.ann` and an `annotation.conf`.
    Brat,
    /// One row per span (export only).
    Csv,
    /// Plain-text articles (import only).
    Txt,
    /// Markdown articles (import only).
    Md,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 7] = [
        Format::Jsonl,
        Format::Spacy,
        Format::Conll,
        Format::Brat,
        Format::Csv,
        Format::Txt,
        Format::Md,
    ];
    /// The formats [`export`] writes.
    pub const EXPORT: [Format; 5] = [
        Format::Jsonl,
        Format::Spacy,
        Format::Conll,
        Format::Brat,
        Format::Csv,
    ];
    /// The formats [`import`] reads.
    pub const IMPORT: [Format; 5] = [
        Format::Txt,
        Format::Md,
        Format::Jsonl,
        Format::Brat,
        Format::Conll,
    ];

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Spacy => "spacy",
            Format::Conll => "conll",
            Format::Brat => "brat",
            Format::Csv => "csv",
            Format::Txt => "txt",
            Format::Md => "md",
        }
    }

    /// A name for menus: "doccano JSONL".
    pub fn title(self) -> &'static str {
        match self {
            Format::Jsonl => "doccano JSONL",
            Format::Spacy => "spaCy / Prodigy JSONL",
            Format::Conll => "CoNLL (IOB2)",
            Format::Brat => "brat standoff folder",
            Format::Csv => "CSV, one row per span",
            Format::Txt => "Plain-text articles",
            Format::Md => "Markdown articles",
        }
    }

    /// Whether [`export`] writes this format.
    pub fn can_export(self) -> bool {
        Format::EXPORT.contains(&self)
    }

    /// Whether [`import`] reads this format.
    pub fn can_import(self) -> bool {
        Format::IMPORT.contains(&self)
    }

    /// Whether the export is a folder rather than a file.
    pub fn writes_folder(self) -> bool {
        self == Format::Brat
    }

    /// The usual file extension of an export, without the dot; `None` for a folder.
    pub fn extension(self) -> Option<&'static str> {
        match self {
            Format::Jsonl | Format::Spacy => Some("jsonl"),
            Format::Conll => Some("conll"),
            Format::Csv => Some("csv"),
            Format::Txt => Some("txt"),
            Format::Md => Some("md"),
            Format::Brat => None,
        }
    }

    /// A guess at the import format of `path`: a folder or `.ann` is brat, `.jsonl`
    /// JSONL, `.conll`/`.bio`/`.iob` CoNLL, `.txt` and `.md` articles.
    pub fn guess_import(path: &Path) -> Option<Format> {
        if path.is_dir() {
            return Some(Format::Brat);
        }
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "jsonl" | "json" => Some(Format::Jsonl),
            "ann" => Some(Format::Brat),
            "conll" | "bio" | "iob" | "iob2" => Some(Format::Conll),
            "txt" => Some(Format::Txt),
            "md" | "markdown" => Some(Format::Md),
            _ => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim().to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == wanted)
            .ok_or_else(|| {
                format!(
                    "unknown format `{text}`: expected one of {}",
                    Format::ALL.map(Format::as_str).join(", ")
                )
            })
    }
}

/// Reads an input file whole, naming it in the error.
fn read_input(path: &Path) -> Result<Vec<u8>, FormatError> {
    std::fs::read(path).map_err(|source| FormatError::Read {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_and_print() {
        for format in Format::ALL {
            assert_eq!(format.as_str().parse::<Format>(), Ok(format));
        }
        assert!("xml".parse::<Format>().is_err());
        assert!(Format::ALL.iter().all(|f| f.can_export() || f.can_import()));
    }
}
