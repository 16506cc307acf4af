//! Linking with the keyboard: with a quote or claim selected, **L** starts a link of the
//! first link type its label may start (L again goes on to the next type), and each link
//! type also has its own key, a letter of its name (S: said by, C: continues; see
//! `commands::link_type_keys`); the allowed targets are numbered on screen, those in the
//! span's sentence first, then the sentences before and after, nearest first; a digit (or a click on a numbered span) picks one; Esc cancels. The
//! link is an ordinary undoable edit.

use super::MarginaliaApp;
use crate::model::{Document, Schema, SpanId};

/// How many targets are numbered (digits 1–9).
const TARGETS: usize = 9;

/// A link being made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkMode {
    /// The span the link starts from.
    pub from: SpanId,
    /// The link type's key.
    pub link_type: String,
    /// The numbered targets, nearest first: digit `n` picks `targets[n - 1]`.
    pub targets: Vec<SpanId>,
}

/// The link types a span labelled `label` may start, in schema order.
fn types_from<'a>(schema: &'a Schema, label: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    schema
        .link_types
        .iter()
        .filter(move |t| t.from.iter().any(|l| l == label))
        .map(|t| t.key.as_str())
}

/// How many spans near the start are looked at before ranking them by sentence: enough
/// that every allowed span of the neighbouring sentences is among them.
const LOOKED_AT: usize = 200;

/// The link mode for `from` and `link_type`: the spans the type may point to, not
/// already linked so, ranked as the issue of who said what asks: those in the span's
/// own sentences first, then in the sentence before or after, then the rest; nearest
/// first within each (by the gap between the spans, so a speaker right after a long
/// quote is near).
fn targets(doc: &Document, schema: &Schema, from: SpanId, link_type: &str) -> Option<LinkMode> {
    let span = doc.span(from)?;
    let allowed = schema.link_type(link_type)?.to.clone();
    let linked: Vec<SpanId> = doc
        .links_of(from)
        .filter(|l| l.from == from && l.link_type == link_type)
        .map(|l| l.to)
        .collect();
    let near = doc.nearest_spans(span.start, LOOKED_AT, |s| {
        s.id != from && allowed.contains(&s.label) && !linked.contains(&s.id)
    });
    let sentences = Sentences::around(doc, span.start, span.end);
    let mut ranked: Vec<(u8, usize, SpanId)> = near
        .iter()
        .map(|s| {
            let gap = if s.start >= span.end {
                s.start - span.end
            } else {
                span.start.saturating_sub(s.end)
            };
            (sentences.rank(s.start, s.end), gap, s.id)
        })
        .collect();
    ranked.sort_unstable();
    Some(LinkMode {
        from,
        link_type: link_type.to_owned(),
        targets: ranked
            .into_iter()
            .take(TARGETS)
            .map(|(_, _, id)| id)
            .collect(),
    })
}

/// The sentences of a span, as code-point ranges: its own (from the one it starts in to
/// the one it ends in), and the one before and after.
struct Sentences {
    own: (usize, usize),
    around: (usize, usize),
}

impl Sentences {
    fn around(doc: &Document, start: usize, end: usize) -> Self {
        let text = doc.text();
        let starts = crate::suggest::sentence_starts(text);
        let char_of = |byte: usize| doc.index().char_of(text, byte).unwrap_or(0);
        let byte_of = |at: usize| doc.index().byte_of(text, at).unwrap_or(text.len());
        // The sentence holding byte `at`: the last start at or before it.
        let index = |at: usize| starts.partition_point(|&s| s <= at).saturating_sub(1);
        let bound = |i: usize| starts.get(i).map_or(doc.char_len(), |&b| char_of(b));
        let first = index(byte_of(start));
        let last = index(byte_of(end.saturating_sub(1).max(start)));
        Self {
            own: (bound(first), bound(last + 1)),
            around: (bound(first.saturating_sub(1)), bound(last + 2)),
        }
    }

    /// 0: the span `[start, end)` is in (or crosses into) the own sentences; 1: in the
    /// one before or after; 2: farther.
    fn rank(&self, start: usize, end: usize) -> u8 {
        let touches = |(from, to): (usize, usize)| start < to && end > from;
        if touches(self.own) {
            0
        } else if touches(self.around) {
            1
        } else {
            2
        }
    }
}

/// A label's display name ("Actor"), or its key when the schema lacks it.
fn label_name(schema: &Schema, key: &str) -> String {
    schema
        .label(key)
        .map_or_else(|| key.to_owned(), |l| l.name.clone())
}

impl MarginaliaApp {
    /// L: starts a link from the selected span, or goes on to its next link type.
    pub(super) fn start_link(&mut self) {
        let Some((from, label)) = self.link_source() else {
            return;
        };
        let schema = &self.ws.project.schema;
        let types: Vec<&str> = types_from(schema, &label).collect();
        if types.is_empty() {
            let name = label_name(schema, &label);
            self.status_message = Some(format!("No link type starts from a {name} span."));
            return;
        }
        // Again on the same span: the next type, round.
        let next = match &self.link_mode {
            Some(mode) if mode.from == from => types
                .iter()
                .position(|t| *t == mode.link_type)
                .map_or(0, |i| (i + 1) % types.len()),
            _ => 0,
        };
        let link_type = types[next].to_owned();
        self.begin_link(from, &link_type);
    }

    /// A link type's own key ([`super::commands::link_type_keys`]): starts a link of
    /// that type from the selected span.
    pub(super) fn start_link_of(&mut self, link_type: &str) {
        let Some((from, label)) = self.link_source() else {
            return;
        };
        let schema = &self.ws.project.schema;
        let Some(kind) = schema.link_type(link_type) else {
            return;
        };
        if !kind.from.contains(&label) {
            let from: Vec<String> = kind.from.iter().map(|l| label_name(schema, l)).collect();
            self.status_message = Some(format!(
                "A {} span cannot start a “{}” link: it goes from {}.",
                label_name(schema, &label),
                kind.name,
                from.join(", ")
            ));
            self.link_mode = None;
            return;
        }
        self.begin_link(from, link_type);
    }

    /// The selected span and its label, or a hint to select one first.
    fn link_source(&mut self) -> Option<(SpanId, String)> {
        let found = self.ws.selected_span.and_then(|id| {
            let doc = self.ws.document()?;
            Some((id, doc.span(id)?.label.clone()))
        });
        if found.is_none() {
            self.status_message = Some("Select a quote or claim first, then press L.".into());
        }
        found
    }

    /// Numbers the targets of a `link_type` link from `from` and says what to press.
    fn begin_link(&mut self, from: SpanId, link_type: &str) {
        let schema = &self.ws.project.schema;
        self.link_mode = self
            .ws
            .document()
            .and_then(|doc| targets(doc, schema, from, link_type));
        if let Some(mode) = &self.link_mode {
            let name = schema
                .link_type(&mode.link_type)
                .map_or(mode.link_type.as_str(), |t| t.name.as_str());
            self.status_message = Some(if mode.targets.is_empty() {
                format!("{name}: no span nearby it can point to. Esc cancels.")
            } else {
                let digits = match mode.targets.len() {
                    1 => "1".to_owned(),
                    n => format!("1–{n}"),
                };
                format!(
                    "{name}: press {digits} (or click a numbered span); L: next link type; Esc cancels."
                )
            });
        }
    }

    /// Picks target `n` (1-based) of the link being made.
    pub(super) fn pick_link_target(&mut self, n: usize) {
        let Some(mode) = self.link_mode.take() else {
            return;
        };
        let Some(&to) = n.checked_sub(1).and_then(|i| mode.targets.get(i)) else {
            self.status_message = Some(format!("There is no target {n}."));
            self.link_mode = Some(mode);
            return;
        };
        self.link_to(mode.from, to, &mode.link_type);
    }

    /// Adds the link `from → to` of `link_type` as one undoable edit.
    pub(super) fn link_to(&mut self, from: SpanId, to: SpanId, link_type: &str) {
        self.link_mode = None;
        let Some(doc) = self.ws.project.documents.get_mut(self.ws.current) else {
            return;
        };
        let edit = doc.add_link_edit(from, to, link_type);
        match self.ws.apply(edit) {
            Ok(()) => {
                let target = self
                    .ws
                    .document()
                    .and_then(|d| d.span(to).map(|s| d.span_text(s).to_owned()))
                    .unwrap_or_default();
                self.status_message = Some(format!(
                    "Linked ({link_type}) to “{}”.",
                    super::article_view::shorten(&target, 40)
                ));
            }
            Err(error) => self.status_message = Some(format!("Not done: {error}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Edit;

    /// A document with spans `(needle, label)`, each at its first occurrence after the
    /// previous one.
    fn document(text: &str, spans: &[(&str, &str)]) -> (Document, Schema, Vec<SpanId>) {
        let schema = Schema::default();
        let mut doc = Document::new("d", "D", text);
        let mut edits = Vec::new();
        let mut from = 0;
        for (needle, label) in spans {
            let byte = from + text[from..].find(needle).expect("needle");
            from = byte + needle.len();
            let start = text[..byte].chars().count();
            edits.push(doc.add_span_edit(start, start + needle.chars().count(), label));
        }
        doc.apply(Edit::Batch(edits), &schema).expect("spans");
        let ids = doc.spans().iter().map(|s| s.id).collect();
        (doc, schema, ids)
    }

    #[test]
    fn the_speaker_after_a_long_quote_comes_before_a_nearer_start_in_another_sentence() {
        let text = "Ushakov spoke first. “We are ready for a long and difficult negotiation \
                    that may take many weeks of talks,” Peskov said.";
        let (doc, schema, ids) = document(
            text,
            &[
                ("Ushakov", "actor"),
                ("“We are ready for a long", "quote"),
                ("Peskov", "actor"),
            ],
        );
        // The spans are in reading order: Ushakov, the quote, Peskov.
        let (ushakov, quote, peskov) = (ids[0], ids[1], ids[2]);
        let mode = targets(&doc, &schema, quote, "said_by").expect("a mode");
        assert_eq!(mode.targets, vec![peskov, ushakov]);
    }

    #[test]
    fn actors_of_the_quotes_sentence_then_its_neighbours_then_the_rest() {
        let text = "Far away, Lavrov met Rubio. Then Ushakov spoke. \
                    “Not yet,” Peskov told Witkoff. Zelensky waited.";
        let (doc, schema, ids) = document(
            text,
            &[
                ("Lavrov", "actor"),
                ("Rubio", "actor"),
                ("Ushakov", "actor"),
                ("“Not yet,”", "quote"),
                ("Peskov", "actor"),
                ("Witkoff", "actor"),
                ("Zelensky", "actor"),
            ],
        );
        let quote = ids[3];
        let mode = targets(&doc, &schema, quote, "said_by").expect("a mode");
        let [lavrov, rubio, ushakov, peskov, witkoff, zelensky] =
            [ids[0], ids[1], ids[2], ids[4], ids[5], ids[6]];
        // Its sentence (Peskov, Witkoff), then the neighbours nearest first (Ushakov
        // before, Zelensky after: Ushakov is nearer), then the rest.
        assert_eq!(
            mode.targets,
            vec![peskov, witkoff, ushakov, zelensky, rubio, lavrov]
        );
    }
}
