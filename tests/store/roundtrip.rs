//! Property tests: any project the edit API can build survives save and load unchanged,
//! and its file is deterministic (same bytes every time, `\n` line ends only).

use std::time::{Duration, SystemTime};

use marginalia::model::{
    CommentTarget, Document, Edit, Label, LinkType, Origin, Project, Proposal, Rgb, Schema,
    SpanKey, Status, check_link_labels,
};
use marginalia::store::{self, SaveMode};
use proptest::prelude::*;

use crate::common::temp_dir;

/// Pieces of text that are hard on writers and offset arithmetic.
const TRICKY: &[&str] = &[
    " ",
    " ",
    " ",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\t",
    "\"",
    "\\",
    "\\\"",
    "'",
    "\\n",
    "\\u{41}",
    "👩\u{200D}👩\u{200D}👧",
    "🇺🇦",
    "🇺🇸🇷🇺",
    "👍🏽",
    "e\u{301}",
    "a\u{308}\u{301}",
    "北京",
    "東京都",
    "مرحبا",
    "الدوحة",
    "שלום",
    "Київ",
    "\u{200F}",
    "\u{200E}",
    "\u{200D}",
    "\u{200B}",
    "\u{FEFF}",
    "\u{2028}",
    "\u{2029}",
    "\u{202E}",
    "\u{00AD}",
    "\u{0}",
    "\u{7}",
    "\u{1B}",
    "\u{85}",
    "\u{FFFD}",
    "\u{10FFFF}",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "//",
    "/*",
    "*/",
    "r#\"",
    "\"#",
    "Some(",
    "None",
    "«",
    "»",
    "“",
    "”",
    "—",
];

const WORDS: &[&str] = &[
    "peace",
    "talks",
    "Witkoff",
    "Zelensky",
    "Moscow",
    "said",
    "the",
    "a",
    "ceasefire",
    "plan",
    "envoy",
    "Kremlin",
    "on",
    "Tuesday",
    "2025",
    "42",
    "3.5%",
    "version:",
    "id:",
];

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(WORDS).prop_map(str::to_owned),
        5 => prop::sample::select(TRICKY).prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
    ]
}

fn text(max_fragments: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..max_fragments).prop_map(|parts| parts.concat())
}

/// A span to try: a range from two numbers taken modulo the text length, or (when
/// `nest` is set) a range inside an earlier span, so nesting and overlap are common.
#[derive(Clone, Debug)]
struct SpanRecipe {
    a: usize,
    b: usize,
    label: usize,
    nest: Option<usize>,
}

/// A candidate to try: a span (from `span`, never nested) or, with `link`, a link
/// between two spans of the document; from annotators (`names` as a bit set), a rule or
/// a merge; then left pending, accepted, rejected, or settled for annotator `al`.
#[derive(Clone, Debug)]
struct CandidateRecipe {
    span: SpanRecipe,
    link: Option<(usize, usize)>,
    origin: usize,
    names: usize,
    decide: usize,
}

#[derive(Clone, Debug)]
struct DocRecipe {
    title: String,
    source: Option<String>,
    text: String,
    spans: Vec<SpanRecipe>,
    notes: Vec<(usize, String)>,
    links: Vec<(usize, usize)>,
    removals: Vec<usize>,
    status: usize,
    candidates: Vec<CandidateRecipe>,
    /// On a span or (`true`) a candidate, by index.
    comments: Vec<(usize, bool, String)>,
}

#[derive(Clone, Debug)]
pub(crate) struct ProjectRecipe {
    name: String,
    annotator: String,
    small_schema: bool,
    label_texts: Vec<String>,
    documents: Vec<DocRecipe>,
    /// Whether the documents get review data (candidates, provenance, comments).
    review: bool,
    /// The project's own reporting verbs, if it has them: any text, the entries the
    /// model refuses (empty, repeated) left out.
    verbs: Option<Vec<String>>,
}

fn span_recipe() -> impl Strategy<Value = SpanRecipe> {
    (
        any::<usize>(),
        any::<usize>(),
        0..4usize,
        prop::option::weighted(0.4, any::<usize>()),
    )
        .prop_map(|(a, b, label, nest)| SpanRecipe { a, b, label, nest })
}

fn candidate_recipe() -> impl Strategy<Value = CandidateRecipe> {
    (
        span_recipe(),
        prop::option::weighted(0.3, (any::<usize>(), any::<usize>())),
        0..4usize,
        1..8usize,
        0..4usize,
    )
        .prop_map(|(span, link, origin, names, decide)| CandidateRecipe {
            span,
            link,
            origin,
            names,
            decide,
        })
}

fn doc_recipe() -> impl Strategy<Value = DocRecipe> {
    (
        text(6),
        prop::option::of(text(6)),
        text(120),
        prop::collection::vec(span_recipe(), 0..40),
        prop::collection::vec((any::<usize>(), text(8)), 0..10),
        prop::collection::vec((any::<usize>(), any::<usize>()), 0..20),
        prop::collection::vec(any::<usize>(), 0..4),
        0..3usize,
        prop::collection::vec(candidate_recipe(), 0..10),
        prop::collection::vec((any::<usize>(), any::<bool>(), text(4)), 0..4),
    )
        .prop_map(
            |(title, source, text, spans, notes, links, removals, status, candidates, comments)| {
                DocRecipe {
                    title,
                    source,
                    text,
                    spans,
                    notes,
                    links,
                    removals,
                    status,
                    candidates,
                    comments,
                }
            },
        )
}

/// Recipes of varied projects (also the merge tests' bases).
pub(crate) fn project_recipe() -> impl Strategy<Value = ProjectRecipe> {
    (
        text(5),
        text(3),
        any::<bool>(),
        prop::collection::vec(text(6), 4),
        prop::collection::vec(doc_recipe(), 0..4),
        any::<bool>(),
        prop::option::weighted(0.3, prop::collection::vec(text(3), 0..5)),
    )
        .prop_map(
            |(name, annotator, small_schema, label_texts, documents, review, verbs)| {
                ProjectRecipe {
                    name,
                    annotator,
                    small_schema,
                    label_texts,
                    documents,
                    review,
                    verbs,
                }
            },
        )
}

/// The default schema with random names and descriptions, or a two-label subset of it.
fn schema(recipe: &ProjectRecipe) -> Schema {
    let mut schema = Schema::default();
    for (label, text) in schema.labels.iter_mut().zip(&recipe.label_texts) {
        label.description = text.clone();
        label.name = format!(
            "{} {}",
            label.name,
            text.chars().take(3).collect::<String>()
        );
    }
    if recipe.small_schema {
        schema
            .labels
            .retain(|l| l.key == "quote" || l.key == "actor");
        schema.labels.push(Label {
            key: "übung \"x\"".into(),
            name: "Übung".into(),
            color: Rgb([1, 2, 3]),
            hotkey: None,
            description: String::new(),
        });
        schema.link_types = vec![LinkType {
            key: "said_by".into(),
            name: "Said by".into(),
            from: vec!["quote".into()],
            to: vec!["actor".into(), "übung \"x\"".into()],
        }];
    }
    schema
}

/// Builds the project through the edit API, skipping the edits it refuses (duplicates,
/// links the schema does not allow): what is left is what a user could have made.
pub(crate) fn build(recipe: &ProjectRecipe) -> Project {
    let mut project = Project::new(recipe.name.clone(), recipe.annotator.clone());
    project.schema = schema(recipe);
    project.reporting_verbs = recipe.verbs.as_ref().map(|verbs| {
        let mut list = marginalia::model::ReportingVerbList::default();
        for verb in verbs {
            let _refused_ones_are_left_out = list.push(verb);
        }
        list.into_verbs()
    });
    let schema = project.schema.clone();
    for (n, r) in recipe.documents.iter().enumerate() {
        // Ids are unique by their prefix; the rest is any text.
        let id = format!("{n}-{}", r.title.chars().take(8).collect::<String>());
        let mut doc = Document::new(id, r.title.clone(), r.text.clone());
        doc.source = r.source.clone();
        let len = doc.char_len();
        let mut ids = Vec::new();
        for s in &r.spans {
            if len == 0 {
                break;
            }
            let (start, end) = match s.nest.and_then(|i| ids.get(i % ids.len().max(1))) {
                Some(&parent) => {
                    let p = doc.span(parent).expect("a kept span");
                    let width = p.end - p.start;
                    let start = p.start + s.a % width;
                    (start, start + 1 + s.b % (p.end - start))
                }
                None => {
                    let start = s.a % len;
                    (start, start + 1 + s.b % (len - start))
                }
            };
            let label = &schema.labels[s.label % schema.labels.len()].key;
            let edit = doc.add_span_edit(start, end, label);
            let Edit::AddSpan(span) = &edit else {
                unreachable!("adds a span")
            };
            let id = span.id;
            if doc.apply(edit, &schema).is_ok() {
                ids.push(id);
            }
        }
        if !ids.is_empty() {
            for (i, note) in &r.notes {
                let edit = doc.set_note_edit(ids[i % ids.len()], Some(note.clone()));
                doc.apply(edit.expect("span exists"), &schema)
                    .expect("a note applies");
            }
            for (a, b) in &r.links {
                let (from, to) = (ids[a % ids.len()], ids[b % ids.len()]);
                for kind in &schema.link_types {
                    let edit = doc.add_link_edit(from, to, &kind.key);
                    if doc.apply(edit, &schema).is_ok() {
                        break;
                    }
                }
            }
            for i in &r.removals {
                let id = ids[i % ids.len()];
                if let Ok(edit) = doc.remove_span_edit(id) {
                    doc.apply(edit, &schema)
                        .expect("removing an existing span applies");
                }
            }
        }
        if recipe.review {
            review(&mut doc, &schema, r);
        }
        let edit = doc.set_status_edit(Status::ALL[r.status]);
        doc.apply(edit, &schema).expect("a status change applies");
        project.documents.push(doc);
    }
    project
}

/// Adds the recipe's candidates, decides them and comments, through the edit API,
/// skipping what it refuses.
fn review(doc: &mut Document, schema: &Schema, r: &DocRecipe) {
    const NAMES: [&str; 3] = ["al", "bob", "zoë \"z\""];
    let len = doc.char_len();
    if len == 0 {
        return;
    }
    for c in &r.candidates {
        let spans = doc.spans();
        let proposal =
            match c.link {
                Some((a, b)) if spans.len() >= 2 => {
                    let from = SpanKey::of(&spans[a % spans.len()]);
                    let to = SpanKey::of(&spans[b % spans.len()]);
                    let Some(kind) = schema.link_types.iter().find(|t| {
                        check_link_labels(schema, &t.key, &from.label, &to.label).is_ok()
                    }) else {
                        continue;
                    };
                    Proposal::Link {
                        from,
                        to,
                        link_type: kind.key.clone(),
                    }
                }
                _ => {
                    let start = c.span.a % len;
                    Proposal::Span(SpanKey {
                        start,
                        end: start + 1 + c.span.b % (len - start),
                        label: schema.labels[c.span.label % schema.labels.len()]
                            .key
                            .clone(),
                    })
                }
            };
        let origin = match c.origin {
            0 => Origin::Rule("quotes".into()),
            1 => Origin::Merge("theirs".into()),
            _ => Origin::Annotators(
                (0..3)
                    .filter(|bit| c.names & (1 << bit) != 0)
                    .map(|bit| NAMES[bit].to_owned())
                    .collect(),
            ),
        };
        let edit = doc.add_candidate_edit(proposal, origin);
        let _ = doc.apply(edit, schema);
    }
    let ids: Vec<_> = doc.candidates().iter().map(|c| c.id).collect();
    for (c, id) in r.candidates.iter().zip(ids) {
        let edit = match c.decide {
            1 => doc.accept_candidate_edit(id, schema),
            2 => doc.reject_candidate_edit(id),
            3 => doc.take_annotator_edit(id, "al", schema),
            _ => continue,
        };
        if let Ok(edit) = edit {
            let _ = doc.apply(edit, schema);
        }
    }
    for (i, on_candidate, text) in &r.comments {
        let target = if *on_candidate {
            let Some(c) = doc.candidates().get(i % doc.candidates().len().max(1)) else {
                continue;
            };
            CommentTarget::Candidate(c.id)
        } else {
            let Some(s) = doc.spans().get(i % doc.spans().len().max(1)) else {
                continue;
            };
            CommentTarget::Span(s.id)
        };
        if let Ok(edit) = doc.comment_edit(target, "gold", text) {
            doc.apply(edit, schema).expect("a comment applies");
        }
    }
}

/// Characters that end a line in some reader, besides `\n`.
const OTHER_LINE_ENDS: [char; 5] = ['\r', '\u{0B}', '\u{0C}', '\u{85}', '\u{2028}'];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn to_ron_then_load_gives_the_same_project(recipe in project_recipe()) {
        let project = build(&recipe);
        let ron = store::to_ron(&project);
        prop_assert_eq!(&ron, &store::to_ron(&project), "to_ron is not deterministic");
        prop_assert!(
            !ron.contains(OTHER_LINE_ENDS) && !ron.contains('\u{2029}'),
            "the file has a line end other than \\n"
        );
        prop_assert!(ron.ends_with(")\n"));
        // Review data and reporting verbs, and only they, make a version-2 file.
        let version = if ron.contains("annotators: [") || ron.contains("comments: [")
            || ron.contains("candidates: [") || ron.contains("\n    reporting_verbs: [")
            { 2 } else { 1 };
        let head = format!("(\n    version: {version},\n");
        prop_assert!(ron.starts_with(&head), "not {}", head);
        // The loader's fast reader takes every file the writer makes, and reads what
        // ron reads.
        prop_assert_eq!(store::fast_reader_agrees(&ron), Ok(true));
        let loaded = store::from_str(&ron, std::path::Path::new("prop.ron"));
        let loaded = match loaded {
            Ok(loaded) => loaded,
            Err(error) => {
                return Err(TestCaseError::fail(format!("{error}\n--- file:\n{ron}")));
            }
        };
        prop_assert_eq!(&loaded, &project);
        prop_assert_eq!(store::to_ron(&loaded), ron, "load then to_ron changed the bytes");
    }
}

/// Edits that take a file just off the writer's layout, or into things ron reads
/// differently from how they look: the fast reader must then read it exactly as ron does,
/// or leave it to ron.
const MUTATIONS: &[&str] = &[
    "",
    " ",
    "  ",
    "\t",
    "\r",
    "\n",
    "\r\n",
    ",",
    "(",
    ")",
    "[",
    "]",
    ":",
    "\"",
    "\\",
    "\\u{41}",
    "\\u{D800}",
    "\\u{110000}",
    "\\u{0041}",
    "\\u{4A}",
    "\\x41",
    "\\0",
    "\\'",
    "'",
    "'a'",
    "//",
    "/*",
    "*/",
    "#",
    "r#\"",
    "r\"",
    "b\"",
    "0",
    "01",
    "1_0",
    "0x1",
    "+1",
    "-1",
    "18446744073709551616",
    "Some(",
    "None",
    "id: ",
    "text: ",
    "note: Some(\"n\")",
    "annotators: [\"a\"]",
    ", comments: []",
    "decision: ",
    "accepted",
    "proposal: span(",
    "origin: rule(\"r\")",
    "\n            candidates: [",
    "\n            next_candidate_id: 9,",
    "\n    reporting_verbs: [\n        \"Told\",\n    ],",
    "\n        (",
    "\n        ),",
    "\n            ],",
    "\n    ],",
    "\n)",
    "\u{7}",
    "\u{0}",
    "\u{FEFF}",
    "\u{2028}",
    "é",
    "👩\u{200D}👩",
];

#[derive(Clone, Debug)]
struct Mutation {
    /// Where, as a fraction of the file's length in chars, in millionths.
    at: u32,
    /// How many chars to remove there.
    remove: usize,
    /// What to insert there, from `MUTATIONS`.
    insert: usize,
}

fn mutate(ron: &str, mutations: &[Mutation]) -> String {
    let mut chars: Vec<char> = ron.chars().collect();
    for m in mutations {
        let at = (chars.len() as u64 * u64::from(m.at) / 1_000_000) as usize;
        let end = (at + m.remove).min(chars.len());
        chars.splice(at..end, MUTATIONS[m.insert % MUTATIONS.len()].chars());
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_fast_reader_reads_a_mutated_file_as_ron_does_or_not_at_all(
        recipe in project_recipe(),
        mutations in prop::collection::vec(
            (0u32..1_000_000, 0usize..4, 0usize..MUTATIONS.len())
                .prop_map(|(at, remove, insert)| Mutation { at, remove, insert }),
            1..4,
        ),
    ) {
        let ron = mutate(&store::to_ron(&build(&recipe)), &mutations);
        if let Err(difference) = store::fast_reader_agrees(&ron) {
            return Err(TestCaseError::fail(format!("{difference}\n--- file:\n{ron}")));
        }
        // Whatever it is, loading it gives a project or an error, never a panic.
        let _ = store::from_str(&ron, std::path::Path::new("mutated.ron"));
    }
}

/// The mutation test above is only worth something if both answers come up often: the
/// fast reader reading a mutated file (the edit kept the layout), and leaving it to ron.
#[test]
fn mutations_both_keep_and_break_the_writers_layout() {
    use proptest::strategy::ValueTree as _;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut read, mut left) = (0, 0);
    for n in 0..300u32 {
        let recipe = project_recipe()
            .new_tree(&mut runner)
            .expect("a recipe")
            .current();
        let ron = store::to_ron(&build(&recipe));
        let mutation = Mutation {
            at: n.wrapping_mul(2_654_435_761) % 1_000_000,
            remove: (n % 3) as usize,
            insert: n as usize,
        };
        match store::fast_reader_agrees(&mutate(&ron, &[mutation])) {
            Ok(true) => read += 1,
            Ok(false) => left += 1,
            Err(difference) => panic!("{difference}"),
        }
    }
    assert!(read >= 60 && left >= 60, "read {read}, left to ron {left}");
}

proptest! {
    // Each case writes and syncs files: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn saving_twice_changes_no_byte(recipe in project_recipe()) {
        let project = build(&recipe);
        let dir = temp_dir();
        let path = dir.path().join("project.ron");
        let stamp = store::save(&project, &path, None, SaveMode::Safe).expect("first save");
        let first = std::fs::read(&path).expect("saved file");
        prop_assert_eq!(&first, &store::to_ron(&project).into_bytes());
        // Age the file, so a second write would show in its time.
        let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_modified(old))
            .expect("set the file's time");
        store::save(&project, &path, Some(&stamp), SaveMode::Safe).expect("second save");
        prop_assert_eq!(std::fs::read(&path).expect("saved file"), first);
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).expect("mtime");
        prop_assert_eq!(modified, old, "the second save wrote the file");
        prop_assert!(!store::backup_path(&path).exists(), "the second save made a backup");
        let loaded = store::load(&path).expect("the saved file loads");
        prop_assert_eq!(loaded.project, project);
    }
}

/// The strategies above really make what the round trips claim to cover: without this,
/// a change to them could quietly test only empty projects.
#[test]
fn generated_projects_cover_nesting_links_notes_and_tricky_text() {
    use proptest::strategy::ValueTree as _;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = project_recipe();
    let (mut nested, mut overlapping, mut said_by, mut continues, mut notes) = (0, 0, 0, 0, 0);
    let (mut crlf, mut zwj_in_span, mut statuses) = (0, 0, std::collections::BTreeSet::new());
    let (mut v1, mut v2, mut link_candidates, mut provenance, mut comments) = (0, 0, 0, 0, 0);
    let mut decisions = std::collections::BTreeSet::new();
    let (mut verb_lists, mut no_verbs) = (0, 0);
    for _ in 0..200 {
        let recipe = strategy.new_tree(&mut runner).expect("a recipe").current();
        let project = build(&recipe);
        verb_lists += usize::from(
            project
                .reporting_verbs
                .as_ref()
                .is_some_and(|v| v.len() > 1),
        );
        no_verbs += usize::from(project.reporting_verbs.as_ref().is_some_and(Vec::is_empty));
        match store::version_of(&project) {
            1 => v1 += 1,
            _ => v2 += 1,
        }
        for doc in &project.documents {
            for candidate in doc.candidates() {
                decisions.insert(candidate.decision);
                link_candidates += usize::from(matches!(candidate.proposal, Proposal::Link { .. }));
                comments += candidate.comments.len();
            }
            for span in doc.spans() {
                provenance += usize::from(!span.annotators.is_empty());
                comments += span.comments.len();
            }
            statuses.insert(doc.status);
            crlf += usize::from(doc.text().contains("\r\n"));
            for (i, a) in doc.spans().iter().enumerate() {
                notes += usize::from(a.note.is_some());
                zwj_in_span += usize::from(doc.span_text(a).contains('\u{200D}'));
                for b in &doc.spans()[i + 1..] {
                    if b.start >= a.end {
                        break;
                    }
                    if b.end <= a.end {
                        nested += 1;
                    } else {
                        overlapping += 1;
                    }
                }
            }
            said_by += doc
                .links()
                .iter()
                .filter(|l| l.link_type == "said_by")
                .count();
            continues += doc
                .links()
                .iter()
                .filter(|l| l.link_type == "continues")
                .count();
        }
    }
    let counts = [
        ("nested spans", nested),
        ("overlapping spans", overlapping),
        ("said_by links", said_by),
        ("continues links", continues),
        ("notes", notes),
        ("CRLF texts", crlf),
        ("spans over a ZWJ", zwj_in_span),
        ("version-1 files", v1),
        ("version-2 files", v2),
        ("link candidates", link_candidates),
        ("spans with provenance", provenance),
        ("comments", comments),
        ("lists of reporting verbs", verb_lists),
        ("empty lists of reporting verbs", no_verbs),
    ];
    for (what, count) in counts {
        assert!(
            count >= 10,
            "only {count} {what} in 200 generated projects: {counts:?}"
        );
    }
    assert_eq!(statuses.len(), 3, "not every status was generated");
    assert_eq!(decisions.len(), 3, "not every decision was generated");
}
