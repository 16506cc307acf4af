//! Who said what: the `said_by` links from quotes and claims to their speakers.

use std::collections::HashMap;

use super::document::{Document, SpanId};
use super::schema::Schema;

/// The link type that ties a quote or claim to its speaker.
pub const SAID_BY: &str = "said_by";

/// Speakers of a document's spans, computed once per revision.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attribution {
    /// For each span with a `said_by` link, its speaker (the first by link id).
    pub speakers: HashMap<SpanId, SpanId>,
    /// Spans that could have a speaker (their label may start a `said_by` link) and
    /// have none, in reading order.
    pub unattributed: Vec<SpanId>,
}

impl Document {
    /// Who said what in this document, under `schema`.
    pub fn attribution(&self, schema: &Schema) -> Attribution {
        let mut speakers = HashMap::new();
        for link in self.links().iter().filter(|l| l.link_type == SAID_BY) {
            speakers.entry(link.from).or_insert(link.to);
        }
        let can_speak: Vec<&str> = schema
            .link_type(SAID_BY)
            .map(|t| t.from.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let unattributed = self
            .spans()
            .iter()
            .filter(|s| can_speak.contains(&s.label.as_str()) && !speakers.contains_key(&s.id))
            .map(|s| s.id)
            .collect();
        Attribution {
            speakers,
            unattributed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Edit;

    #[test]
    fn quotes_without_a_speaker_are_listed_in_reading_order() {
        let schema = Schema::default();
        let mut doc = Document::new("d", "d", "“Fine,” Putin said. “Never,” said Trump.");
        let quote1 = doc.add_span_edit(0, 7, "quote");
        let putin = doc.add_span_edit(8, 13, "actor");
        let quote2 = doc.add_span_edit(20, 28, "quote");
        let ids: Vec<SpanId> = [&quote1, &putin, &quote2]
            .iter()
            .map(|e| match e {
                Edit::AddSpan(s) => s.id,
                _ => unreachable!(),
            })
            .collect();
        doc.apply(Edit::Batch(vec![quote1, putin, quote2]), &schema)
            .expect("spans");
        let link = doc.add_link_edit(ids[0], ids[1], SAID_BY);
        doc.apply(link, &schema).expect("link");
        let attribution = doc.attribution(&schema);
        assert_eq!(attribution.speakers.get(&ids[0]), Some(&ids[1]));
        assert_eq!(
            attribution.unattributed,
            vec![ids[2]],
            "the actor needs no speaker"
        );
    }
}
