//! Suggestions: annotations the app proposes and a person decides on, never applied
//! silently. Three rules:
//!
//! - `quotes`: text between quotation marks that no quote span covers yet, marks
//!   included (see `quotes.rs` for the marks and the apostrophes that are not marks);
//! - `speakers`: for a quote or claim with no `said_by` link, the actor tied to it by a
//!   reporting verb in its sentence or the next one; and for a quote split by "she
//!   said", a `continues` link from the later part to the earlier;
//! - `names`: text labelled actor or location anywhere in the project, wherever else it
//!   occurs unlabelled, as whole words and with the same case.
//!
//! A suggestion is a [`Proposal`], the same thing a colleague's span in review is: the
//! window adds suggestions as pending candidates ([`pending_edit`]) so that they are
//! stepped through, accepted and rejected like any other candidate, and the CLI may take
//! them into the document directly ([`apply_edit`], which also accepts the pending
//! candidates of the rules it applies). Both are ordinary edits. What a document already
//! has, as a span, a link or a candidate in any state, is never proposed again: a
//! rejected suggestion stays rejected because its rejected candidate is saved with the
//! document. A speaker link is proposed with its ends: spans of the document, spans
//! suggested in the same run (whichever rules run), or pending span candidates.
//!
//! [`inconsistencies`] lists the same text labelled differently in different places;
//! [`fix_inconsistency`] gives every span of such a text one label.
//!
//! The rules scan byte offsets and convert to the model's code points at the end, so a
//! 1 MB article with 20,000 spans is read in one pass per rule. No egui, no IO.

mod consistency;
mod names;
mod quotes;
mod speakers;
mod text;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashSet};

use crate::model::{
    Document, Edit, EditError, Origin, Project, Proposal, Schema, SpanId, SpanKey,
    check_link_labels,
};

pub use consistency::{Fix, FixError, fix_inconsistency};

/// Byte offsets where the sentences of `text` start, the first at 0, by the rules the
/// speakers rule reads sentences with (line ends, `.`, `!`, `?`, not after "Mr." or an
/// initial), so that linking by hand numbers the same neighbours the rule looks at.
pub fn sentence_starts(text: &str) -> Vec<usize> {
    text::sentence_starts(text)
}
use text::Offsets;

/// One of the suggestion rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// Quotations between quotation marks → quote spans.
    Quotes,
    /// Reporting verbs → `said_by` links; split quotes → `continues` links.
    Speakers,
    /// Names labelled elsewhere → actor and location spans.
    Names,
}

impl Rule {
    /// Every rule, in the order they are listed.
    pub const ALL: [Rule; 3] = [Rule::Quotes, Rule::Speakers, Rule::Names];

    /// The rule's name, as in `Origin::Rule` and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Quotes => "quotes",
            Rule::Speakers => "speakers",
            Rule::Names => "names",
        }
    }

    /// The rule of this name.
    pub fn parse(name: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.as_str() == name.trim())
    }

    /// The rule a candidate's origin names, if it is one of these.
    pub fn of_origin(origin: &Origin) -> Option<Rule> {
        match origin {
            Origin::Rule(name) => Rule::parse(name),
            Origin::Annotators(_) | Origin::Merge(_) => None,
        }
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The built-in reporting verbs, of [`Config::default`] and of every project that has no
/// list of its own: the forms news writing uses. Matched as whole words, ignoring case;
/// "according to" and "quoting" name the speaker after them.
pub const DEFAULT_VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "adds",
    "according to",
    "asked",
    "asks",
    "warned",
    "warns",
    "argued",
    "argues",
    "claimed",
    "claims",
    "insisted",
    "insists",
    "wrote",
    "writes",
    "stated",
    "noted",
    "notes",
    "explained",
    "explains",
    "announced",
    "announces",
    "replied",
    "replies",
    "responded",
    "declared",
    "stressed",
    "acknowledged",
    "admitted",
    "admits",
    "confirmed",
    "confirms",
    "denied",
    "urged",
    "urges",
    "tweeted",
    "posted",
    "reported",
    "reports",
    "quoting",
];

/// What the rules look for. The labels and link types are keys of the project's schema;
/// a rule whose labels or link type the schema lacks proposes nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The rules that run.
    pub rules: Vec<Rule>,
    /// Reporting verbs, one or more words each (`according to`), any case.
    pub verbs: Vec<String>,
    /// The label of quotation spans.
    pub quote_label: String,
    /// Labels whose texts are names to find again (`names`).
    pub name_labels: Vec<String>,
    /// The link type from a quote or claim to its speaker; its `from` and `to` labels in
    /// the schema say which spans are attributed and which are speakers.
    pub said_by: String,
    /// The link type from the later part of a split quote to the earlier.
    pub continues: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            rules: Rule::ALL.to_vec(),
            verbs: built_in_verbs(),
            quote_label: "quote".to_owned(),
            name_labels: vec!["actor".to_owned(), "location".to_owned()],
            said_by: "said_by".to_owned(),
            continues: "continues".to_owned(),
        }
    }
}

/// [`DEFAULT_VERBS`] as a list to keep or edit.
pub fn built_in_verbs() -> Vec<String> {
    DEFAULT_VERBS.iter().map(|v| (*v).to_owned()).collect()
}

/// The reporting verbs the project's speakers rule uses: its own list
/// ([`Project::reporting_verbs`]), else the built-in one.
pub fn verbs_of(project: &Project) -> Vec<String> {
    project
        .reporting_verbs
        .clone()
        .unwrap_or_else(built_in_verbs)
}

impl Config {
    /// The default configuration with the project's reporting verbs ([`verbs_of`]): what
    /// the window's Suggest and `marginalia suggest` run.
    pub fn for_project(project: &Project) -> Self {
        Self {
            verbs: verbs_of(project),
            ..Self::default()
        }
    }

    /// The default configuration with only these rules.
    pub fn with_rules(rules: &[Rule]) -> Self {
        Self {
            rules: rules.to_vec(),
            ..Self::default()
        }
    }

    fn runs(&self, rule: Rule) -> bool {
        self.rules.contains(&rule)
    }
}

/// A proposed annotation and the rule that proposed it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Suggestion {
    /// What accepting it adds.
    pub proposal: Proposal,
    /// Which rule proposed it.
    pub rule: Rule,
}

impl Suggestion {
    /// The candidate origin of this suggestion (`Origin::Rule("quotes")`).
    pub fn origin(&self) -> Origin {
        Origin::Rule(self.rule.as_str().to_owned())
    }
}

/// Why suggestions could not be made or applied.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SuggestError {
    /// The project has no document at this index.
    #[error("the project has no document #{} (it has {count})", .index + 1)]
    NoSuchDocument {
        /// The index asked for.
        index: usize,
        /// How many documents there are.
        count: usize,
    },
    /// A link's end is neither in the document nor among the suggestions applied.
    #[error("the suggested link needs the span {0}, which is not in the document")]
    MissingLinkEnd(SpanKey),
    /// An edit the suggestions make was refused.
    #[error(transparent)]
    Edit(#[from] EditError),
}

/// A span as the rules see it: a byte range, its label, and its id when it is in the
/// document (rather than proposed by a rule of this run).
#[derive(Clone, Debug)]
struct Piece {
    start: usize,
    end: usize,
    label: String,
    id: Option<SpanId>,
}

/// The spans of one label, to ask quickly whether a range overlaps one of them.
struct Overlaps {
    /// Starts in order, and the furthest end among the spans up to each.
    starts: Vec<usize>,
    reach: Vec<usize>,
}

impl Overlaps {
    fn new<'p>(pieces: impl Iterator<Item = &'p Piece>) -> Self {
        let mut ranges: Vec<(usize, usize)> = pieces.map(|p| (p.start, p.end)).collect();
        ranges.sort_unstable();
        let mut reach = Vec::with_capacity(ranges.len());
        let mut furthest = 0;
        for &(_, end) in &ranges {
            furthest = furthest.max(end);
            reach.push(furthest);
        }
        Self {
            starts: ranges.into_iter().map(|(start, _)| start).collect(),
            reach,
        }
    }

    /// Whether `[start, end)` shares a character with one of the spans.
    fn overlaps(&self, start: usize, end: usize) -> bool {
        // The spans starting before `end`; one of them reaches past `start` iff the
        // furthest does.
        let before_end = self.starts.partition_point(|&s| s < end);
        before_end > 0 && self.reach[before_end - 1] > start
    }
}

/// What the rules share about one document.
struct Context<'d> {
    doc: &'d Document,
    schema: &'d Schema,
    offsets: Offsets<'d>,
    /// The document's spans, in byte offsets, in reading order.
    spans: Vec<Piece>,
    /// Proposals the document already has as candidates, whatever their decision.
    taken: HashSet<&'d Proposal>,
    /// The words of the text, found once for the rules that need them.
    words: std::cell::OnceCell<Vec<text::Word>>,
}

impl<'d> Context<'d> {
    fn new(doc: &'d Document, schema: &'d Schema) -> Self {
        let offsets = Offsets::new(doc);
        let spans = doc
            .spans()
            .iter()
            .map(|s| Piece {
                start: offsets.byte(s.start),
                end: offsets.byte(s.end),
                label: s.label.clone(),
                id: Some(s.id),
            })
            .collect();
        let taken = doc.candidates().iter().map(|c| &c.proposal).collect();
        Self {
            doc,
            schema,
            offsets,
            spans,
            taken,
            words: std::cell::OnceCell::new(),
        }
    }

    fn words(&self) -> &[text::Word] {
        self.words.get_or_init(|| text::words(self.text()))
    }

    fn text(&self) -> &'d str {
        self.doc.text()
    }

    fn key(&self, piece: &Piece) -> SpanKey {
        SpanKey {
            start: self.offsets.char(piece.start),
            end: self.offsets.char(piece.end),
            label: piece.label.clone(),
        }
    }

    fn has_label(&self, label: &str) -> bool {
        self.schema.label(label).is_some()
    }
}

/// The suggestions of the configured rules for the document at `doc_index`, in reading
/// order (spans before the links that start from them). Deterministic: the same project
/// gives the same list. Proposals the document already has (spans, links, candidates in
/// any state, so rejected ones too) are left out. Links may name spans that are
/// themselves suggested in the same list (a speaker for a quotation just found), also
/// when the rule that finds them does not run (they are listed with their own rule), or
/// pending span candidates of a rule (accepting the link accepts them).
pub fn suggest(
    project: &Project,
    doc_index: usize,
    config: &Config,
) -> Result<Vec<Suggestion>, SuggestError> {
    let names = names_of_project(project, config);
    suggest_with(project, doc_index, config, &names)
}

/// [`suggest`] for every document of the project, in document order, with the documents
/// that get none left out. The project's names are gathered once rather than once per
/// document, so a project of many documents costs what its documents do.
pub fn suggest_all(
    project: &Project,
    config: &Config,
) -> Result<Vec<(usize, Vec<Suggestion>)>, SuggestError> {
    let indices: Vec<usize> = (0..project.documents.len()).collect();
    let lists = suggest_documents(project, &indices, config)?;
    Ok(indices
        .into_iter()
        .zip(lists)
        .filter(|(_, suggestions)| !suggestions.is_empty())
        .collect())
}

/// [`suggest`] for the documents at `indices`, one list each in the same order, the
/// project's names gathered once.
pub fn suggest_documents(
    project: &Project,
    indices: &[usize],
    config: &Config,
) -> Result<Vec<Vec<Suggestion>>, SuggestError> {
    let names = names_of_project(project, config);
    indices
        .iter()
        .map(|&index| suggest_with(project, index, config, &names))
        .collect()
}

/// The names rule's names (text, label), when the names or speakers rule runs.
fn names_of_project<'p>(project: &'p Project, config: &Config) -> Vec<(&'p str, &'p str)> {
    if config.runs(Rule::Names) || config.runs(Rule::Speakers) {
        names::names_of(project, config)
    } else {
        Vec::new()
    }
}

fn suggest_with(
    project: &Project,
    doc_index: usize,
    config: &Config,
    project_names: &[(&str, &str)],
) -> Result<Vec<Suggestion>, SuggestError> {
    let doc = project
        .documents
        .get(doc_index)
        .ok_or(SuggestError::NoSuchDocument {
            index: doc_index,
            count: project.documents.len(),
        })?;
    let cx = Context::new(doc, &project.schema);
    let mut out = Vec::new();

    // The speakers rule links the spans the other rules find, whether or not those
    // rules run: a span found only for a link's sake is listed with its own rule, so a
    // link is never proposed without its ends (`--apply speakers` takes in the
    // quotations it attributes).
    let speakers = config.runs(Rule::Speakers);
    let names = if config.runs(Rule::Names) || speakers {
        names::names(project_names, &cx, config)
    } else {
        Vec::new()
    };
    let quotations = if (config.runs(Rule::Quotes) || speakers) && cx.has_label(&config.quote_label)
    {
        new_quotations(&cx, config)
    } else {
        Vec::new()
    };
    // Spans the document has as candidates already are not proposed again; as link
    // ends only the pending ones of a rule serve (accepting such a link accepts its
    // end), never a rejected one.
    let mut proposed = Vec::new();
    let mut needed = Vec::new();
    for piece in names.into_iter().chain(quotations) {
        let proposal = Proposal::Span(cx.key(&piece));
        if !cx.taken.contains(&proposal) {
            let suggestion = Suggestion {
                proposal,
                rule: rule_of(&piece, config),
            };
            if config.runs(suggestion.rule) {
                out.push(suggestion);
            } else {
                needed.push(suggestion);
            }
            proposed.push(piece);
        }
    }
    if speakers {
        proposed.extend(pending_span_pieces(&cx));
        proposed.sort_by_key(|p| (p.start, std::cmp::Reverse(p.end)));
        let mut ends = HashSet::new();
        for (from, to, link_type) in speakers::links(&cx, config, &proposed) {
            let proposal = Proposal::Link {
                from: cx.key(&from),
                to: cx.key(&to),
                link_type,
            };
            if !cx.taken.contains(&proposal) {
                ends.extend(proposal.keys().cloned());
                out.push(Suggestion {
                    proposal,
                    rule: Rule::Speakers,
                });
            }
        }
        out.extend(
            needed
                .into_iter()
                .filter(|s| s.proposal.keys().all(|k| ends.contains(k))),
        );
    }
    out.sort_by(|a, b| {
        let key = |s: &Suggestion| {
            let (start, end) = s.proposal.range();
            (start, end, matches!(s.proposal, Proposal::Link { .. }))
        };
        key(a).cmp(&key(b)).then_with(|| a.cmp(b))
    });
    out.dedup();
    Ok(out)
}

/// The pending span candidates of the suggestion rules that the document does not have
/// as spans, as pieces the speakers rule may link.
fn pending_span_pieces(cx: &Context<'_>) -> Vec<Piece> {
    let mut pieces: Vec<Piece> = cx
        .doc
        .candidates()
        .iter()
        .filter(|c| c.is_pending() && Rule::of_origin(&c.origin).is_some())
        .filter_map(|c| match &c.proposal {
            Proposal::Span(key) if cx.doc.span_with_key(key).is_none() => Some(key),
            Proposal::Span(_) | Proposal::Link { .. } => None,
        })
        .filter_map(|key| {
            let piece = Piece {
                start: cx.offsets.byte(key.start),
                end: cx.offsets.byte(key.end),
                label: key.label.clone(),
                id: None,
            };
            // A candidate beyond the text (never saved so) is no place to link.
            (cx.key(&piece) == *key).then_some(piece)
        })
        .collect();
    pieces.sort_by(|a, b| (a.start, a.end, &a.label).cmp(&(b.start, b.end, &b.label)));
    pieces.dedup_by(|a, b| (a.start, a.end, &a.label) == (b.start, b.end, &b.label));
    pieces
}

fn rule_of(piece: &Piece, config: &Config) -> Rule {
    if piece.label == config.quote_label {
        Rule::Quotes
    } else {
        Rule::Names
    }
}

/// Quotations that no quote span of the document overlaps.
fn new_quotations(cx: &Context<'_>, config: &Config) -> Vec<Piece> {
    let quotes = Overlaps::new(cx.spans.iter().filter(|p| p.label == config.quote_label));
    quotes::quotations(cx.text())
        .into_iter()
        .filter(|&(start, end)| !quotes.overlaps(start, end))
        .map(|(start, end)| Piece {
            start,
            end,
            label: config.quote_label.clone(),
            id: None,
        })
        .collect()
}

/// An edit that adds the suggestions to the document as pending candidates (one batch,
/// so one undo step), each with its rule as origin. Allocates the candidates' ids.
pub fn pending_edit(doc: &mut Document, suggestions: &[Suggestion]) -> Edit {
    Edit::Batch(
        suggestions
            .iter()
            .map(|s| doc.add_candidate_edit(s.proposal.clone(), s.origin()))
            .collect(),
    )
}

/// What [`apply_edit`] takes into a document.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    /// The one edit that does it: pending candidates accepted, then the new
    /// suggestions added.
    pub edit: Edit,
    /// Everything taken in, as suggestions, in that order: each candidate accepted
    /// (with the rule that proposed it, a quotation a link needed under `quotes`), then
    /// each new span and link.
    pub taken: Vec<Suggestion>,
    /// How many of `taken` were the document's pending candidates.
    pub candidates: usize,
    /// Spans taken in only because a link of a rule applied needs them (a quotation
    /// for `speakers` alone), by label, as (label, count) in label order.
    pub for_links: Vec<(String, usize)>,
    /// Pending candidates of the rules applied that stay open, and why (a link whose
    /// end was rejected).
    pub left: Vec<(crate::model::CandidateId, crate::model::EditError)>,
}

/// An edit that takes the suggestions of `rules` into the document directly, as
/// accepted annotations (one batch: spans first, then the links between them), with no
/// candidate record; and accepts the document's pending candidates of those rules,
/// which [`suggest`] does not propose again (a file suggested in the window and saved),
/// with the pending span candidates their links need. Rejected candidates stay
/// rejected. What the document already has is not added twice. Allocates span, link
/// and candidate ids. Fails when a link names a span that is neither in the document,
/// nor suggested, nor a pending candidate.
pub fn apply_edit(
    doc: &mut Document,
    schema: &Schema,
    suggestions: &[Suggestion],
    rules: &[Rule],
) -> Result<Applied, SuggestError> {
    // The pending candidates of the rules, and those a new link needs as its end.
    let suggested: HashSet<&SpanKey> = suggestions
        .iter()
        .filter_map(|s| match &s.proposal {
            Proposal::Span(key) => Some(key),
            Proposal::Link { .. } => None,
        })
        .collect();
    let link_ends: HashSet<&SpanKey> = suggestions
        .iter()
        .filter(|s| matches!(s.proposal, Proposal::Link { .. }))
        .flat_map(|s| s.proposal.keys())
        .filter(|key| !suggested.contains(key) && doc.span_with_key(key).is_none())
        .collect();
    let ids: Vec<crate::model::CandidateId> = doc
        .pending_candidates()
        .iter()
        .filter(|c| {
            Rule::of_origin(&c.origin).is_some_and(|r| rules.contains(&r))
                || matches!(&c.proposal, Proposal::Span(key) if link_ends.contains(key)
                    && Rule::of_origin(&c.origin).is_some())
        })
        .map(|c| c.id)
        .collect();
    let acceptance = doc.accept_candidates_edit(&ids, schema);
    let mut taken: Vec<Suggestion> = acceptance
        .accepted
        .iter()
        .chain(&acceptance.for_links)
        .filter_map(|&id| doc.candidate(id))
        .filter_map(|c| {
            Some(Suggestion {
                proposal: c.proposal.clone(),
                rule: Rule::of_origin(&c.origin)?,
            })
        })
        .collect();
    let candidates = acceptance.accepted.len() + acceptance.for_links.len();
    // The new suggestions are built on the document as the acceptance leaves it.
    let mut after = doc.clone();
    after.apply(acceptance.edit.clone(), schema)?;
    let mut edits = vec![acceptance.edit];
    let mut planned: BTreeMap<SpanKey, SpanId> = BTreeMap::new();
    let mut for_links: BTreeMap<String, usize> = BTreeMap::new();
    for suggestion in suggestions {
        if let Proposal::Span(key) = &suggestion.proposal
            && after.span_with_key(key).is_none()
            && !planned.contains_key(key)
        {
            let edit = after.add_span_edit(key.start, key.end, &key.label);
            if let Edit::AddSpan(span) = &edit {
                planned.insert(key.clone(), span.id);
            }
            edits.push(edit);
            if !rules.contains(&suggestion.rule) {
                *for_links.entry(key.label.clone()).or_default() += 1;
            }
            taken.push(suggestion.clone());
        }
    }
    let mut linked: HashSet<(SpanId, SpanId, String)> = after
        .links()
        .iter()
        .map(|l| (l.from, l.to, l.link_type.clone()))
        .collect();
    for suggestion in suggestions {
        let Proposal::Link {
            from,
            to,
            link_type,
        } = &suggestion.proposal
        else {
            continue;
        };
        let resolve = |key: &SpanKey| {
            after
                .span_with_key(key)
                .map(|s| s.id)
                .or_else(|| planned.get(key).copied())
                .ok_or_else(|| SuggestError::MissingLinkEnd(key.clone()))
        };
        let (from_id, to_id) = (resolve(from)?, resolve(to)?);
        if linked.insert((from_id, to_id, link_type.clone())) {
            edits.push(after.add_link_edit(from_id, to_id, link_type));
            taken.push(suggestion.clone());
        }
    }
    Ok(Applied {
        edit: Edit::Batch(edits),
        taken,
        candidates,
        for_links: for_links.into_iter().collect(),
        left: acceptance.left,
    })
}

/// Whether the schema allows a link of `link_type` between spans of these labels.
fn allows(schema: &Schema, link_type: &str, from: &str, to: &str) -> bool {
    check_link_labels(schema, link_type, from, to).is_ok()
}

/// A label's place in the schema's palette order; unknown labels last.
fn label_order(schema: &Schema, label: &str) -> usize {
    schema
        .labels
        .iter()
        .position(|l| l.key == label)
        .unwrap_or(usize::MAX)
}

/// Where a text is labelled: one span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// Index of the document in the project.
    pub document: usize,
    /// The span.
    pub span: SpanId,
    /// Its range, code points.
    pub start: usize,
    /// One past its last code point.
    pub end: usize,
}

/// The spans of one label carrying a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelUse {
    /// The label key.
    pub label: String,
    /// Where, in document and reading order.
    pub places: Vec<Place>,
}

/// The same text labelled differently in different places (e.g. "Kremlin" as an actor
/// here and as a location there).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inconsistency {
    /// The spans' text.
    pub text: String,
    /// Each label it carries, in schema order, with its places.
    pub labels: Vec<LabelUse>,
}

/// Every text that spans of the project carry with two labels or more, sorted by text.
pub fn inconsistencies(project: &Project) -> Vec<Inconsistency> {
    let mut by_text: BTreeMap<&str, BTreeMap<&str, Vec<Place>>> = BTreeMap::new();
    for (document, doc) in project.documents.iter().enumerate() {
        for span in doc.spans() {
            by_text
                .entry(doc.span_text(span))
                .or_default()
                .entry(span.label.as_str())
                .or_default()
                .push(Place {
                    document,
                    span: span.id,
                    start: span.start,
                    end: span.end,
                });
        }
    }
    let schema_order = |label: &str| label_order(&project.schema, label);
    by_text
        .into_iter()
        .filter(|(_, labels)| labels.len() > 1)
        .map(|(text, labels)| {
            let mut labels: Vec<LabelUse> = labels
                .into_iter()
                .map(|(label, places)| LabelUse {
                    label: label.to_owned(),
                    places,
                })
                .collect();
            labels.sort_by_key(|u| (schema_order(&u.label), u.label.clone()));
            Inconsistency {
                text: text.to_owned(),
                labels,
            }
        })
        .collect()
}
