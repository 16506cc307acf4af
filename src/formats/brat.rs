//! brat standoff: a folder with `DOC.txt` (the exact text) and `DOC.ann` per document,
//! and an `annotation.conf` declaring the labels and link types.
//!
//! ```text
//! T3    quote 11 64    Putin may be looking for a way out of the Ukraine war
//! T9    claim 120 131;132 140    first line part second line part
//! R2    said_by Arg1:T3 Arg2:T1
//! #1    AnnotatorNotes T3    The quoted words sit inside Trump's paraphrase.
//! ```
//!
//! (The wide gaps are single tabs.)
//!
//! `T` and `R` numbers are the project's span and link ids, so a round trip keeps them.
//! brat cannot show a span across a line break, so such a span is written as fragments,
//! one per line (`start end;start end`); reading joins fragments separated only by
//! whitespace back into one span. A fragment cannot start or end on a line break
//! either, so a span that does is trimmed, and the report says so; likewise a note's
//! line breaks become spaces.
//!
//! Offsets count code points (as brat does) unless another unit is asked for; the unit
//! is recorded in `annotation.conf` as the comment line `# offsets: UNIT`, which reading
//! honours. File names are document ids, with characters other than letters, digits,
//! `-`, `_` and `.` replaced by `_`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::FormatError;
use super::error::InputProblem;
use super::import::{Draft, DraftLink, DraftSpan, decode_range, resolve_unit};
use super::offsets::{OffsetMap, OffsetUnit};
use super::options::ExportOptions;
use super::report::{Omitted, Tally};
use crate::model::{Document, Project, Span, TextIndex};

/// The configuration file of a brat collection.
pub const CONF_FILE: &str = "annotation.conf";

/// The comment in `annotation.conf` that records the offset unit.
const OFFSETS_COMMENT: &str = "# offsets:";

fn is_line_break(c: char) -> bool {
    c == '\n' || c == '\r'
}

/// A brat type name: not empty, no whitespace.
fn is_type_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(char::is_whitespace)
}

/// Writes one part of a brat export into `dir` (created). `next` is called after each
/// document with its id.
pub(crate) fn write_folder(
    project: &Project,
    options: &ExportOptions,
    docs: &[&Document],
    dir: &Path,
    tally: &mut Tally,
    next: &mut dyn FnMut(&str) -> Result<(), FormatError>,
) -> Result<(), FormatError> {
    let write = |path: PathBuf, content: &[u8]| {
        std::fs::write(&path, content).map_err(|source| FormatError::Write { path, source })
    };
    std::fs::create_dir_all(dir).map_err(|source| FormatError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    write(
        dir.join(CONF_FILE),
        conf(project, options.offsets).as_bytes(),
    )?;
    // File names first, on one thread, so that clashes are numbered in document order.
    let mut taken = HashSet::with_capacity(docs.len());
    let mut named: Vec<(&Document, String)> = Vec::with_capacity(docs.len());
    for doc in docs {
        let base = file_name(&doc.id);
        let name = (1..)
            .map(|n| {
                if n == 1 {
                    base.clone()
                } else {
                    format!("{base}-{n}")
                }
            })
            .find(|name| !taken.contains(name) && name != "annotation")
            .unwrap_or(base);
        taken.insert(name.clone());
        named.push((doc, name));
    }
    let work = |(doc, name): &(&Document, String)| {
        let mut ann = String::with_capacity(doc.spans().len() * 48);
        let mut doc_tally = Tally::default();
        write_ann(doc, options.offsets, &mut ann, &mut doc_tally);
        write(dir.join(format!("{name}.txt")), doc.text().as_bytes())?;
        write(dir.join(format!("{name}.ann")), ann.as_bytes())?;
        Ok(doc_tally)
    };
    super::batches::in_batches(
        &named,
        work,
        |(doc, _), written: Result<Tally, FormatError>| {
            tally.merge(written?);
            next(&doc.id)
        },
    )?;
    Ok(())
}

/// A file name for a document id.
fn file_name(id: &str) -> String {
    let name: String = id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let name = name.trim_start_matches('.');
    if name.is_empty() {
        "document".to_owned()
    } else {
        name.to_owned()
    }
}

fn conf(project: &Project, unit: OffsetUnit) -> String {
    let one_line = |text: &str| {
        text.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
    };
    let mut conf = String::new();
    let _ = writeln!(
        conf,
        "# Written by Marginalia from the project \"{}\" (annotator: {}).",
        one_line(&project.name),
        one_line(&project.annotator)
    );
    let _ = writeln!(conf, "{OFFSETS_COMMENT} {unit}");
    let meaning = match unit {
        OffsetUnit::Codepoints => "Unicode code points, as brat counts them",
        OffsetUnit::Utf16 => {
            "UTF-16 code units (JavaScript string indices), not brat's code points"
        }
        OffsetUnit::Bytes => "UTF-8 bytes, not brat's code points",
    };
    let _ = writeln!(conf, "# Offsets in the .ann files count {meaning}.");
    conf.push_str(
        "# Each .txt file is the document's text, unchanged, line ends included. A span\n\
         # that crosses a line break is written as fragments, one per line.\n\n[entities]\n",
    );
    for label in project
        .schema
        .labels
        .iter()
        .filter(|l| is_type_name(&l.key))
    {
        let _ = writeln!(conf, "{}", label.key);
    }
    conf.push_str("\n[relations]\n");
    for link_type in project
        .schema
        .link_types
        .iter()
        .filter(|t| is_type_name(&t.key))
    {
        let _ = writeln!(
            conf,
            "{}\tArg1:{}, Arg2:{}",
            link_type.key,
            link_type.from.join("|"),
            link_type.to.join("|")
        );
    }
    conf.push_str(
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n\n[events]\n\n[attributes]\n",
    );
    conf
}

fn write_ann(doc: &Document, unit: OffsetUnit, ann: &mut String, tally: &mut Tally) {
    let text = doc.text();
    let map = OffsetMap::new(text, doc.index(), unit);
    let mut written = HashSet::with_capacity(doc.spans().len());
    // What each written span looks like in the file: its label and the range its
    // fragments cover (which fixes the fragments). Trimmed of a line break, a span can
    // look just like another, which brat's import (ours too) refuses as a duplicate. The
    // spans written exactly are taken first, so that a trimmed one gives way to them.
    let edge_break = |span: &Span| {
        let surface = doc.span_text(span);
        surface.starts_with(is_line_break) || surface.ends_with(is_line_break)
    };
    let mut shapes: HashSet<(&str, usize, usize)> = doc
        .spans()
        .iter()
        .filter(|s| is_type_name(&s.label) && !edge_break(s))
        .map(|s| (s.label.as_str(), s.start, s.end))
        .collect();
    for span in doc.spans() {
        if !is_type_name(&span.label) {
            tally.leave_out_span(
                "left out: their label has whitespace, which brat type names cannot",
                doc,
                span,
            );
            continue;
        }
        // Fragments: the runs of the span that hold no line break.
        let mut fragments: Vec<(usize, usize)> = Vec::new();
        let mut run: Option<usize> = None;
        for (i, c) in doc.span_text(span).chars().enumerate() {
            let offset = span.start + i;
            match (is_line_break(c), run) {
                (true, Some(start)) => {
                    fragments.push((start, offset));
                    run = None;
                }
                (false, None) => run = Some(offset),
                _ => {}
            }
        }
        if let Some(start) = run {
            fragments.push((start, span.end));
        }
        let (Some(first), Some(last)) = (fragments.first(), fragments.last()) else {
            tally.leave_out_span(
                "left out: they cover only line breaks, which brat fragments cannot",
                doc,
                span,
            );
            continue;
        };
        let trimmed = first.0 != span.start || last.1 != span.end;
        if trimmed && !shapes.insert((span.label.as_str(), first.0, last.1)) {
            tally.leave_out_span(
                "left out: without the line break at their start or end they are the same as another span, which brat cannot hold twice",
                doc,
                span,
            );
            continue;
        }
        if trimmed {
            tally.leave_out_span(
                "changed: they start or end on a line break, which brat fragments cannot, so the line break was left out of the span",
                doc,
                span,
            );
        } else {
            tally.spans += 1;
        }
        let ranges: Vec<String> = fragments
            .iter()
            .map(|&(s, e)| {
                format!(
                    "{} {}",
                    map.encode(s).unwrap_or(s),
                    map.encode(e).unwrap_or(e)
                )
            })
            .collect();
        let texts: Vec<&str> = fragments
            .iter()
            .map(|&(s, e)| doc.slice(s, e).unwrap_or_default())
            .collect();
        let _ = writeln!(
            ann,
            "T{}\t{} {}\t{}",
            span.id.0,
            span.label,
            ranges.join(";"),
            texts.join(" ")
        );
        written.insert(span.id);
    }
    for link in doc.links() {
        if !written.contains(&link.from) || !written.contains(&link.to) {
            tally.leave_out(
                Omitted::Link,
                "left out: a span they link was left out",
                || {
                    format!(
                        "document `{}`, {} from span {} to span {}",
                        doc.id, link.id, link.from.0, link.to.0
                    )
                },
            );
            continue;
        }
        if !is_type_name(&link.link_type) {
            tally.leave_out(
                Omitted::Link,
                "left out: their type has whitespace, which brat type names cannot",
                || format!("document `{}`, {} `{}`", doc.id, link.id, link.link_type),
            );
            continue;
        }
        let _ = writeln!(
            ann,
            "R{}\t{} Arg1:T{} Arg2:T{}",
            link.id.0, link.link_type, link.from.0, link.to.0
        );
        tally.links += 1;
    }
    let mut number = 0;
    for span in doc.spans().iter().filter(|s| written.contains(&s.id)) {
        let Some(note) = &span.note else { continue };
        number += 1;
        let one_line: String;
        let note = if note.contains(is_line_break) {
            tally.leave_out(
                Omitted::Note,
                "changed: their line breaks were written as spaces, which brat's one-line notes need",
                || format!("the note on {}", super::report::describe_span(doc, span)),
            );
            one_line = note.replace("\r\n", " ").replace(is_line_break, " ");
            &one_line
        } else {
            tally.notes += 1;
            note
        };
        let _ = writeln!(ann, "#{number}\tAnnotatorNotes T{}\t{note}", span.id.0);
    }
}

/// Reads a brat input: a folder (every `.txt` in it and its subfolders, with the `.ann`
/// of the same name), or a `.txt` or `.ann` file (with its partner).
pub(crate) fn read(
    input: &Path,
    unit: Option<OffsetUnit>,
    problems: &mut Vec<InputProblem>,
    ignored: &mut Vec<(String, InputProblem)>,
) -> Result<Vec<Draft>, FormatError> {
    let mut texts = Vec::new();
    if input.is_dir() {
        collect_texts(input, &mut texts, problems)?;
    } else {
        match input.extension().and_then(|e| e.to_str()) {
            Some("txt") => texts.push(input.to_path_buf()),
            Some("ann") => texts.push(input.with_extension("txt")),
            _ => problems.push(InputProblem::new(
                input,
                None,
                "not a brat folder, .txt or .ann file",
            )),
        }
    }
    let mut units: HashMap<PathBuf, Option<OffsetUnit>> = HashMap::new();
    let mut drafts = Vec::with_capacity(texts.len());
    for txt in texts {
        let dir = txt.parent().map(Path::to_path_buf).unwrap_or_default();
        if !units.contains_key(&dir) {
            let recorded = recorded_unit(&dir, problems)?;
            units.insert(dir.clone(), recorded);
        }
        let recorded = units.get(&dir).copied().flatten();
        let unit = match resolve_unit(unit, recorded) {
            Ok(unit) => unit,
            Err(message) => {
                problems.push(InputProblem::new(dir.join(CONF_FILE), None, message));
                continue;
            }
        };
        if let Some(draft) = read_document(&txt, unit, problems, ignored)? {
            drafts.push(draft);
        }
    }
    Ok(drafts)
}

fn collect_texts(
    dir: &Path,
    texts: &mut Vec<PathBuf>,
    problems: &mut Vec<InputProblem>,
) -> Result<(), FormatError> {
    let read_error = |source| FormatError::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(read_error)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(read_error)?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_texts(&path, texts, problems)?;
        } else if path.extension().is_some_and(|e| e == "txt") {
            texts.push(path);
        } else if path.extension().is_some_and(|e| e == "ann")
            && !path.with_extension("txt").exists()
        {
            problems.push(InputProblem::new(
                &path,
                None,
                "has no .txt file of the same name",
            ));
        }
    }
    Ok(())
}

/// The unit recorded in the folder's `annotation.conf`, if there is one.
fn recorded_unit(
    dir: &Path,
    problems: &mut Vec<InputProblem>,
) -> Result<Option<OffsetUnit>, FormatError> {
    let path = dir.join(CONF_FILE);
    let conf = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(FormatError::Read { path, source }),
    };
    for (n, line) in conf.lines().enumerate() {
        if let Some(unit) = line.trim().strip_prefix(OFFSETS_COMMENT) {
            match unit.parse() {
                Ok(unit) => return Ok(Some(unit)),
                Err(error) => {
                    problems.push(InputProblem::new(&path, Some(n + 1), format!("{error}")));
                    return Ok(None);
                }
            }
        }
    }
    Ok(None)
}

/// A `T` line, parsed.
struct TextBound {
    line: usize,
    key: String,
    label: String,
    start: usize,
    end: usize,
}

fn read_document(
    txt: &Path,
    unit: OffsetUnit,
    problems: &mut Vec<InputProblem>,
    ignored: &mut Vec<(String, InputProblem)>,
) -> Result<Option<Draft>, FormatError> {
    let bytes = super::read_input(txt)?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            problems.push(InputProblem::new(
                txt,
                None,
                format!(
                    "not UTF-8 text (invalid byte at offset {})",
                    error.utf8_error().valid_up_to()
                ),
            ));
            return Ok(None);
        }
    };
    let ann_path = txt.with_extension("ann");
    let ann = match std::fs::read(&ann_path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(ann) => ann,
            Err(error) => {
                problems.push(InputProblem::new(
                    &ann_path,
                    None,
                    format!(
                        "not UTF-8 text (invalid byte at offset {})",
                        error.utf8_error().valid_up_to()
                    ),
                ));
                return Ok(None);
            }
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => {
            return Err(FormatError::Read {
                path: ann_path,
                source,
            });
        }
    };

    let index = TextIndex::new(&text);
    let map = OffsetMap::new(&text, &index, unit);
    let problem = |line: usize, message: String| InputProblem::new(&ann_path, Some(line), message);
    let mut bounds: Vec<TextBound> = Vec::new();
    // Keys of text spans refused: relations and notes on them are not reported again.
    let mut refused: HashSet<String> = HashSet::new();
    let mut relations: Vec<(usize, String, String, String, String)> = Vec::new();
    let mut notes: Vec<(usize, String, String)> = Vec::new();
    for (n, line) in ann.split('\n').enumerate() {
        let line_no = n + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let (id, rest) = line.split_once('\t').unwrap_or((line, ""));
        match id.chars().next() {
            Some('T') => match parse_text_bound(id, rest, &text, &index, &map) {
                Ok(bound) => bounds.push(TextBound {
                    line: line_no,
                    ..bound
                }),
                Err(message) => {
                    problems.push(problem(line_no, message));
                    refused.insert(id.to_owned());
                }
            },
            Some('R') => {
                let fields: Vec<&str> = rest.split_whitespace().collect();
                let arg = |field: &str| field.split_once(':').map(|(_, t)| t.to_owned());
                match fields.as_slice() {
                    [kind, a, b] => match (arg(a), arg(b)) {
                        (Some(from), Some(to)) => {
                            relations.push((line_no, id.to_owned(), (*kind).to_owned(), from, to));
                        }
                        _ => problems.push(problem(
                            line_no,
                            format!("relation {id}: expected `TYPE Arg1:T1 Arg2:T2`"),
                        )),
                    },
                    _ => problems.push(problem(
                        line_no,
                        format!("relation {id}: expected `TYPE Arg1:T1 Arg2:T2`"),
                    )),
                }
            }
            Some('#') => {
                let (head, note) = rest.split_once('\t').unwrap_or((rest, ""));
                match head.split_whitespace().collect::<Vec<_>>().as_slice() {
                    ["AnnotatorNotes", target] if target.starts_with('T') => {
                        notes.push((line_no, (*target).to_owned(), note.to_owned()));
                    }
                    _ => ignored.push((
                        "brat notes on anything but a text span (# lines): not part of the model"
                            .into(),
                        problem(line_no, String::new()),
                    )),
                }
            }
            Some(kind @ ('E' | 'A' | 'M' | 'N' | '*')) => {
                let what = match kind {
                    'E' => "brat events (E lines): not part of the model",
                    'A' | 'M' => "brat attributes (A and M lines): not part of the model",
                    'N' => "brat normalizations (N lines): not part of the model",
                    _ => "brat equivalences (* lines): not part of the model",
                };
                ignored.push((what.into(), problem(line_no, String::new())));
            }
            _ => problems.push(problem(
                line_no,
                "not a brat annotation line (T, R, E, A, M, N, * or #)".into(),
            )),
        }
    }

    let mut spans: Vec<DraftSpan> = Vec::with_capacity(bounds.len());
    let mut keys: HashMap<String, usize> = HashMap::with_capacity(bounds.len());
    for bound in bounds {
        if keys.insert(bound.key.clone(), spans.len()).is_some() {
            problems.push(problem(
                bound.line,
                format!("{} is defined twice", bound.key),
            ));
            continue;
        }
        spans.push(DraftSpan {
            wanted_id: bound.key[1..].parse().ok(),
            key: bound.key,
            start: bound.start,
            end: bound.end,
            label: bound.label,
            note: None,
            line: Some(bound.line),
        });
    }
    let mut by_span: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (line, target, note) in notes {
        match keys.get(&target) {
            Some(&i) => by_span.entry(i).or_default().push(note),
            None if refused.contains(&target) => {}
            None => problems.push(problem(
                line,
                format!("a note on {target}, which is not a text span of this file"),
            )),
        }
    }
    for (i, notes) in by_span {
        spans[i].note = Some(notes.join("\n"));
    }
    let mut links = Vec::with_capacity(relations.len());
    for (line, id, link_type, from, to) in relations {
        let mut known = true;
        for key in [&from, &to] {
            if refused.contains(key) {
                known = false;
            } else if !keys.contains_key(key) {
                problems.push(problem(
                    line,
                    format!("relation {id}: {key} is not a text span of this file"),
                ));
                known = false;
            }
        }
        if known {
            links.push(DraftLink {
                wanted_id: id[1..].parse().ok(),
                from,
                to,
                link_type,
                line: Some(line),
            });
        }
    }
    // A file with problems still yields its good spans, so that the label checks run on
    // them too: the import fails anyway, with every problem listed.
    let stem = txt
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Some(Draft {
        origin: if ann.is_empty() {
            txt.to_path_buf()
        } else {
            ann_path.clone()
        },
        line: None,
        id: Some(stem),
        text,
        spans,
        links,
        ..Draft::default()
    }))
}

/// Parses the part of a `T` line after its id: `LABEL START END[;START END…]\tTEXT`,
/// checking the offsets and the text.
fn parse_text_bound(
    id: &str,
    rest: &str,
    text: &str,
    index: &TextIndex,
    map: &OffsetMap,
) -> Result<TextBound, String> {
    let Some((head, written)) = rest.split_once('\t') else {
        return Err(format!(
            "text span {id}: expected `LABEL START END<TAB>TEXT`"
        ));
    };
    let Some((label, ranges)) = head.split_once(' ') else {
        return Err(format!(
            "text span {id}: expected `LABEL START END<TAB>TEXT`"
        ));
    };
    let mut fragments = Vec::new();
    for range in ranges.split(';') {
        let numbers: Vec<Option<usize>> =
            range.split_whitespace().map(|n| n.parse().ok()).collect();
        let [Some(start), Some(end)] = numbers.as_slice() else {
            return Err(format!("text span {id}: `{range}` is not `START END`"));
        };
        fragments.push(decode_range(map, *start, *end, &format!("text span {id}"))?);
    }
    fragments.sort_unstable();
    let slice = |(s, e): (usize, usize)| index.slice(text, s, e).unwrap_or_default();
    let surface: Vec<&str> = fragments.iter().map(|&f| slice(f)).collect();
    let surface = surface.join(" ");
    if surface != written {
        return Err(format!(
            "text span {id}: the offsets {ranges} cover {surface:?} in the text, but the line says {written:?}"
        ));
    }
    for pair in fragments.windows(2) {
        let gap = slice((pair[0].1.min(pair[1].0), pair[1].0));
        if pair[0].1 > pair[1].0 || !gap.chars().all(char::is_whitespace) {
            return Err(format!(
                "text span {id}: its fragments are apart by {gap:?}; a span with a gap of \
                 more than whitespace cannot be imported"
            ));
        }
    }
    let (Some(first), Some(last)) = (fragments.first(), fragments.last()) else {
        return Err(format!("text span {id}: no offsets"));
    };
    Ok(TextBound {
        line: 0,
        key: id.to_owned(),
        label: label.to_owned(),
        start: first.0,
        end: last.1,
    })
}
