//! What to export and how: the choices every writer reads.

use super::Format;
#[cfg(doc)]
use super::FormatError;
use super::offsets::OffsetUnit;
use super::select::Split;
use super::tokens::Layer;
use crate::model::Status;

/// What to export and how.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportOptions {
    /// The dataset format; one of [`Format::EXPORT`].
    pub format: Format,
    /// The unit of the offsets written (ignored by CoNLL, which writes none).
    pub offsets: OffsetUnit,
    /// Export only documents of this status; all when `None`.
    pub status: Option<Status>,
    /// Split the documents into parts (train/dev/test), one output per part.
    pub split: Option<Split>,
    /// Which spans CoNLL's single tag column keeps where spans overlap.
    pub layer: Layer,
    /// Refuse to write anything if any span cannot be written exactly
    /// ([`FormatError::Lossy`]).
    pub strict: bool,
}

impl ExportOptions {
    /// Options for `format` with every other choice at its default: code points, all
    /// documents, no split, outer layer, not strict.
    pub fn new(format: Format) -> Self {
        Self {
            format,
            offsets: OffsetUnit::default(),
            status: None,
            split: None,
            layer: Layer::default(),
            strict: false,
        }
    }
}
