//! doccano's JSONL: one document per line.
//!
//! Written in doccano's relation shape:
//!
//! ```json
//! {"id": "doc-1", "text": "…",
//!  "entities": [{"id": 3, "label": "quote", "start_offset": 0, "end_offset": 12}],
//!  "relations": [{"id": 1, "from_id": 3, "to_id": 5, "type": "said_by"}],
//!  "meta": {"title": "…", "source": null, "annotator": "alice", "status": "done",
//!           "offsets": "codepoints", "notes": {"3": "…"}}}
//! ```
//!
//! Entity and relation ids are the project's span and link ids, so a round trip keeps
//! them. `meta.offsets` records the unit of `start_offset`/`end_offset`.
//!
//! Read in both doccano shapes: the relation shape above, and the sequence shape
//! `{"text": "…", "label": [[start, end, "label"], …]}`. Either may carry `meta`.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use serde::Serialize;
use serde::ser::SerializeMap as _;

use super::FormatError;
use super::error::InputProblem;
use super::import::{Draft, DraftLink, DraftSpan, decode_range, resolve_unit};
use super::offsets::{OffsetMap, OffsetUnit};
use super::report::Tally;
use crate::model::{Document, Project, Status};

#[derive(Serialize)]
struct Line<'a> {
    id: &'a str,
    text: &'a str,
    entities: Vec<Entity<'a>>,
    relations: Vec<Relation<'a>>,
    meta: Meta<'a>,
}

#[derive(Serialize)]
struct Entity<'a> {
    id: u64,
    label: &'a str,
    start_offset: usize,
    end_offset: usize,
}

#[derive(Serialize)]
struct Relation<'a> {
    id: u64,
    from_id: u64,
    to_id: u64,
    #[serde(rename = "type")]
    link_type: &'a str,
}

#[derive(Serialize)]
struct Meta<'a> {
    title: &'a str,
    source: Option<&'a str>,
    annotator: &'a str,
    status: Status,
    offsets: &'static str,
    notes: Notes<'a>,
}

/// Notes by span id, in reading order (a map whose keys are strings, as JSON wants).
struct Notes<'a>(Vec<(u64, &'a str)>);

impl Serialize for Notes<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (id, note) in &self.0 {
            map.serialize_entry(&id.to_string(), note)?;
        }
        map.end()
    }
}

/// Writes one document as one line.
pub(crate) fn write_document(
    project: &Project,
    doc: &Document,
    unit: OffsetUnit,
    out: &mut impl Write,
    tally: &mut Tally,
) -> std::io::Result<()> {
    let map = OffsetMap::new(doc.text(), doc.index(), unit);
    let mut entities = Vec::with_capacity(doc.spans().len());
    for span in doc.spans() {
        // Spans lie within the text (a model invariant), so both ends encode.
        let (Some(start), Some(end)) = (map.encode(span.start), map.encode(span.end)) else {
            tally.leave_out_span("lie outside the text", doc, span);
            continue;
        };
        entities.push(Entity {
            id: span.id.0,
            label: &span.label,
            start_offset: start,
            end_offset: end,
        });
    }
    let relations: Vec<Relation> = doc
        .links()
        .iter()
        .map(|l| Relation {
            id: l.id.0,
            from_id: l.from.0,
            to_id: l.to.0,
            link_type: &l.link_type,
        })
        .collect();
    let notes: Vec<(u64, &str)> = doc
        .spans()
        .iter()
        .filter_map(|s| Some((s.id.0, s.note.as_deref()?)))
        .collect();
    tally.spans += entities.len();
    tally.links += relations.len();
    tally.notes += notes.len();
    let line = Line {
        id: &doc.id,
        text: doc.text(),
        entities,
        relations,
        meta: Meta {
            title: &doc.title,
            source: doc.source.as_deref(),
            annotator: &project.annotator,
            status: doc.status,
            offsets: unit.as_str(),
            notes: Notes(notes),
        },
    };
    serde_json::to_writer(&mut *out, &line)?;
    out.write_all(b"\n")
}

#[derive(serde::Deserialize)]
struct InLine {
    #[serde(default)]
    id: Option<serde_json::Value>,
    text: String,
    #[serde(default)]
    entities: Option<Vec<InEntity>>,
    #[serde(default)]
    relations: Option<Vec<InRelation>>,
    #[serde(default)]
    label: Option<serde_json::Value>,
    #[serde(default)]
    meta: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(serde::Deserialize)]
struct InEntity {
    id: serde_json::Value,
    label: String,
    start_offset: usize,
    end_offset: usize,
    /// Not doccano's, but some tools add the covered text: checked when present.
    #[serde(default)]
    text: Option<String>,
}

#[derive(serde::Deserialize)]
struct InRelation {
    #[serde(default)]
    id: Option<serde_json::Value>,
    from_id: serde_json::Value,
    to_id: serde_json::Value,
    #[serde(rename = "type")]
    link_type: String,
}

/// The key of a doccano id (a number or a string) and the span or link id it asks for.
fn id_key(value: &serde_json::Value) -> Option<(String, Option<u64>)> {
    match value {
        serde_json::Value::Number(n) => Some((n.to_string(), n.as_u64())),
        serde_json::Value::String(s) => Some((s.clone(), s.parse().ok())),
        _ => None,
    }
}

/// Reads every document of a JSONL file, pushing every problem found.
pub(crate) fn read(
    path: &Path,
    unit: Option<OffsetUnit>,
    problems: &mut Vec<InputProblem>,
) -> Result<Vec<Draft>, FormatError> {
    let bytes = super::read_input(path)?;
    let mut drafts = Vec::new();
    let mut offset = 0;
    for (n, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line_no = n + 1;
        let line_start = offset;
        offset += raw.len() + 1;
        let problem = |message: String| InputProblem::new(path, Some(line_no), message);
        let mut raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if n == 0 {
            raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
        }
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let line = match std::str::from_utf8(raw) {
            Ok(line) => line,
            Err(error) => {
                problems.push(problem(format!(
                    "not UTF-8 text (invalid byte at offset {} of the file)",
                    line_start + error.valid_up_to()
                )));
                continue;
            }
        };
        let parsed: InLine = match serde_json::from_str(line) {
            Ok(parsed) => parsed,
            Err(error) => {
                problems.push(problem(format!("not a JSON document line: {error}")));
                continue;
            }
        };
        if let Some(draft) = read_line(parsed, unit, &problem, problems) {
            drafts.push(Draft {
                origin: path.to_path_buf(),
                line: Some(line_no),
                ..draft
            });
        }
    }
    Ok(drafts)
}

fn read_line(
    line: InLine,
    unit: Option<OffsetUnit>,
    problem: &dyn Fn(String) -> InputProblem,
    problems: &mut Vec<InputProblem>,
) -> Option<Draft> {
    let meta = line.meta.unwrap_or_default();
    let meta_str = |key: &str| {
        meta.get(key)
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
    };
    let recorded = match meta.get("offsets") {
        None | Some(serde_json::Value::Null) => None,
        Some(value) => match value.as_str().map(str::parse::<OffsetUnit>) {
            Some(Ok(unit)) => Some(unit),
            _ => {
                problems.push(problem(format!(
                    "meta.offsets is {value}; expected codepoints, utf16 or bytes"
                )));
                None
            }
        },
    };
    let unit = resolve_unit(unit, recorded).unwrap_or_else(|message| {
        problems.push(problem(message));
        OffsetUnit::Codepoints
    });
    let status = match meta_str("status") {
        None => None,
        Some(text) => match super::select::parse_status(&text) {
            Ok(status) => Some(status),
            Err(message) => {
                problems.push(problem(format!("meta.status: {message}")));
                None
            }
        },
    };
    let id = match &line.id {
        None | Some(serde_json::Value::Null) => None,
        Some(value) => match id_key(value) {
            Some((key, _)) => Some(key),
            None => {
                problems.push(problem(format!(
                    "`id` is {value}; expected a number or a string"
                )));
                None
            }
        },
    };

    let index = crate::model::TextIndex::new(&line.text);
    let map = OffsetMap::new(&line.text, &index, unit);
    let mut spans = Vec::new();
    // Keys of the entities in `spans`, to find clashes and link ends without a scan.
    let mut keys: HashSet<String> = HashSet::new();
    // Keys of entities refused above: links to them are not reported a second time.
    let mut refused: HashSet<String> = HashSet::new();
    match (line.entities, line.label) {
        (Some(_), Some(_)) => {
            problems.push(problem(
                "has both `entities` (relation shape) and `label` (sequence shape); expected one"
                    .into(),
            ));
        }
        (Some(entities), None) => {
            for entity in entities {
                let Some((key, wanted_id)) = id_key(&entity.id) else {
                    problems.push(problem(format!(
                        "an entity has the id {}; expected a number or a string",
                        entity.id
                    )));
                    continue;
                };
                if key.trim().is_empty() {
                    problems.push(problem(format!(
                        "an entity has the blank id {}; expected a number or a non-blank string",
                        entity.id
                    )));
                    continue;
                }
                if !keys.insert(key.clone()) {
                    problems.push(problem(format!("entity {key} appears twice")));
                    continue;
                }
                let what = format!("entity {key}");
                let Some((start, end)) =
                    decode_range(&map, entity.start_offset, entity.end_offset, &what)
                        .map_err(|message| problems.push(problem(message)))
                        .ok()
                else {
                    continue;
                };
                if let Some(expected) = &entity.text
                    && let Some(surface) = index.slice(&line.text, start, end)
                    && surface != expected
                {
                    problems.push(problem(format!(
                        "{what} [{}, {}) covers {surface:?} in the text, but its `text` is {expected:?}",
                        entity.start_offset, entity.end_offset
                    )));
                    refused.insert(key);
                    continue;
                }
                spans.push(DraftSpan {
                    key,
                    wanted_id,
                    start,
                    end,
                    label: entity.label,
                    note: None,
                    line: None,
                });
            }
        }
        (None, Some(label)) => {
            let triples: Vec<(usize, usize, String)> = match serde_json::from_value(label) {
                Ok(triples) => triples,
                Err(_) => {
                    problems.push(problem(
                        "`label` is not a list of [start, end, \"label\"] (doccano's sequence shape)".into(),
                    ));
                    Vec::new()
                }
            };
            for (i, (start_offset, end_offset, label)) in triples.into_iter().enumerate() {
                let what = format!("label #{}", i + 1);
                if let Ok((start, end)) = decode_range(&map, start_offset, end_offset, &what)
                    .map_err(|message| problems.push(problem(message)))
                {
                    spans.push(DraftSpan {
                        key: (i + 1).to_string(),
                        wanted_id: None,
                        start,
                        end,
                        label,
                        note: None,
                        line: None,
                    });
                }
            }
        }
        (None, None) => {}
    }

    if let Some(notes) = meta.get("notes") {
        match notes {
            serde_json::Value::Object(notes) => {
                let at: std::collections::HashMap<String, usize> = spans
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (s.key.clone(), i))
                    .collect();
                for (key, note) in notes {
                    let Some(note) = note.as_str() else {
                        problems.push(problem(format!("meta.notes[{key:?}] is not a string")));
                        continue;
                    };
                    match at.get(key).and_then(|&i| spans.get_mut(i)) {
                        Some(span) => span.note = Some(note.to_owned()).filter(|n| !n.is_empty()),
                        None if refused.contains(key) => {}
                        None => problems.push(problem(format!(
                            "meta.notes has a note on entity {key}, which does not exist"
                        ))),
                    }
                }
            }
            serde_json::Value::Null => {}
            _ => problems.push(problem(
                "meta.notes is not an object of notes by entity id".into(),
            )),
        }
    }

    let mut links = Vec::new();
    for (i, relation) in line.relations.unwrap_or_default().into_iter().enumerate() {
        let what = match &relation.id {
            Some(id) => format!("relation {id}"),
            None => format!("relation #{}", i + 1),
        };
        let wanted_id = relation.id.as_ref().and_then(id_key).and_then(|(_, id)| id);
        let mut end = |value: &serde_json::Value, field: &str| {
            let key = id_key(value).map(|(key, _)| key);
            match key {
                Some(key) if keys.contains(&key) => Some(key),
                Some(key) if refused.contains(&key) => None,
                _ => {
                    problems.push(problem(format!(
                        "{what}: `{field}` {value} is not an entity of this document"
                    )));
                    None
                }
            }
        };
        let from = end(&relation.from_id, "from_id");
        let to = end(&relation.to_id, "to_id");
        if let (Some(from), Some(to)) = (from, to) {
            links.push(DraftLink {
                wanted_id,
                from,
                to,
                link_type: relation.link_type,
                line: None,
            });
        }
    }

    // A line with problems still yields its good spans, so that the label checks run on
    // them too: the import fails anyway, with every problem listed.
    Some(Draft {
        origin: Default::default(),
        line: None,
        id,
        title: meta_str("title"),
        source: meta.contains_key("source").then(|| meta_str("source")),
        status,
        text: line.text,
        spans,
        links,
    })
}
