//! Linking with the keyboard: with a quote or claim selected, **L** starts a link of the
//! first link type its label may start (L again goes on to the next type), and each link
//! type also has its own key, a letter of its name (S: said by, C: continues; see
//! `commands::link_type_keys`); the nearest allowed targets are numbered on screen,
//! nearest first; a digit (or a click on a numbered span) picks one; Esc cancels. The
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

/// The link mode for `from` and `link_type`: the nearest spans the type may point to,
/// not already linked so, nearest first.
fn targets(doc: &Document, schema: &Schema, from: SpanId, link_type: &str) -> Option<LinkMode> {
    let span = doc.span(from)?;
    let allowed = schema.link_type(link_type)?.to.clone();
    let linked: Vec<SpanId> = doc
        .links_of(from)
        .filter(|l| l.from == from && l.link_type == link_type)
        .map(|l| l.to)
        .collect();
    let targets = doc
        .nearest_spans(span.start, TARGETS, |s| {
            s.id != from && allowed.contains(&s.label) && !linked.contains(&s.id)
        })
        .iter()
        .map(|s| s.id)
        .collect();
    Some(LinkMode {
        from,
        link_type: link_type.to_owned(),
        targets,
    })
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
            self.status_message = Some(format!("No link type starts from a `{label}`."));
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
            self.status_message = Some(format!(
                "A `{label}` cannot start a “{}” link: it goes from {}.",
                kind.name,
                kind.from.join(", ")
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
                format!(
                    "{name}: press 1–{} (or click a numbered span); L: next link type; Esc cancels.",
                    mode.targets.len()
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
