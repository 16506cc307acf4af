//! CSV for spreadsheets and pandas: one row per span, in document then reading order.
//!
//! Columns: `document_id, title, annotator, span_id, label, start, end, text, note,
//! speaker, offsets`. `speaker` is the text of the span(s) a quote or claim is linked to
//! by `said_by` (several joined by ` | `); `offsets` names the unit of `start` and `end`
//! on every row, so no reader can miss it. Text is written exactly (quoted when it holds
//! commas, quotes or line breaks). Links other than `said_by` have no column: the report
//! counts them.

use std::io::Write;

use super::offsets::{OffsetMap, OffsetUnit};
use super::report::{Omitted, Tally};
use crate::model::{Document, Project};

/// The link type whose target is a quote's or claim's speaker.
pub const SPEAKER_LINK: &str = "said_by";

/// The header row.
pub const HEADER: [&str; 11] = [
    "document_id",
    "title",
    "annotator",
    "span_id",
    "label",
    "start",
    "end",
    "text",
    "note",
    "speaker",
    "offsets",
];

/// A CSV writer with the header written.
pub(crate) fn writer<W: Write>(out: W) -> Result<::csv::Writer<W>, ::csv::Error> {
    let mut writer = rows_writer(out);
    writer.write_record(HEADER)?;
    Ok(writer)
}

/// A CSV writer for rows only (the header is written once, by [`writer`]).
pub(crate) fn rows_writer<W: Write>(out: W) -> ::csv::Writer<W> {
    ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(out)
}

/// Writes one row per span of the document.
pub(crate) fn write_document<W: Write>(
    project: &Project,
    doc: &Document,
    unit: OffsetUnit,
    out: &mut ::csv::Writer<W>,
    tally: &mut Tally,
) -> Result<(), ::csv::Error> {
    let map = OffsetMap::new(doc.text(), doc.index(), unit);
    for span in doc.spans() {
        let speakers: Vec<&str> = doc
            .links()
            .iter()
            .filter(|l| l.from == span.id && l.link_type == SPEAKER_LINK)
            .filter_map(|l| doc.span(l.to).map(|s| doc.span_text(s)))
            .collect();
        let start = map.encode(span.start).unwrap_or(span.start).to_string();
        let end = map.encode(span.end).unwrap_or(span.end).to_string();
        out.write_record([
            doc.id.as_str(),
            &doc.title,
            &project.annotator,
            &span.id.0.to_string(),
            &span.label,
            &start,
            &end,
            doc.span_text(span),
            span.note.as_deref().unwrap_or(""),
            &speakers.join(" | "),
            unit.as_str(),
        ])?;
        tally.spans += 1;
        tally.notes += usize::from(span.note.is_some());
    }
    for link in doc.links() {
        if link.link_type == SPEAKER_LINK {
            tally.links += 1;
        } else {
            tally.leave_out(
                Omitted::Link,
                "left out: the CSV has a column for said_by links (speaker) only",
                || {
                    format!(
                        "document `{}`, {} `{}` from span {} to span {}",
                        doc.id, link.id, link.link_type, link.from.0, link.to.0
                    )
                },
            );
        }
    }
    Ok(())
}
