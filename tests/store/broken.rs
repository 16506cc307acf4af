//! One broken project file per problem the loader must catch. Each test checks that the
//! message says what is wrong and where: the file, then a line and column (syntax) or
//! a document, span or link (content). The fixtures in `tests/fixtures/broken/` are
//! `tests/fixtures/valid/small.ron` with one change each (`several_problems.ron`: many).

use std::path::Path;

use marginalia::store::{self, LoadError, MAX_FILE_BYTES, Problem};

use crate::common::{fixture, temp_dir};

fn load_broken(name: &str) -> (LoadError, String) {
    let path = fixture(&format!("broken/{name}.ron"));
    let error = match store::load(&path) {
        Ok(_) => panic!("{name}.ron loaded, but it is broken"),
        Err(error) => error,
    };
    let message = error.to_string();
    assert!(
        message.contains(&format!("{name}.ron")),
        "the message does not name the file: {message}"
    );
    (error, message)
}

/// Loads a fixture that parses but is invalid and returns its problems.
fn problems(name: &str) -> Vec<Problem> {
    match load_broken(name) {
        (LoadError::Invalid { problems, .. }, _) => problems,
        (other, _) => panic!("{name}: expected content problems, got {other:?}"),
    }
}

/// Asserts that `problems` are exactly the expected ones: each a location and a
/// fragment of the message.
fn assert_problems(problems: &[Problem], expected: &[(&str, &str)]) {
    let found: Vec<String> = problems.iter().map(Problem::to_string).collect();
    assert_eq!(problems.len(), expected.len(), "problems: {found:#?}");
    for (problem, (location, fragment)) in problems.iter().zip(expected) {
        assert_eq!(problem.location, *location, "problems: {found:#?}");
        assert!(
            problem.message.contains(fragment),
            "{problem} lacks {fragment:?}"
        );
    }
}

/// Loads a fixture that does not parse; returns its line, column and message.
fn syntax(name: &str) -> (usize, usize, String) {
    match load_broken(name) {
        (
            LoadError::Syntax {
                line, col, message, ..
            },
            display,
        ) => {
            assert!(
                display.contains(&format!("{name}.ron:{line}:{col}: ")),
                "not file:line:col: {display}"
            );
            (line, col, message)
        }
        (other, _) => panic!("{name}: expected a syntax error, got {other:?}"),
    }
}

#[test]
fn the_base_of_the_broken_fixtures_is_valid() {
    let loaded = store::load(&fixture("valid/small.ron")).expect("the base fixture loads");
    assert_eq!(loaded.project.span_count(), 4);
}

#[test]
fn syntax_error_names_line_and_column() {
    // Line 22 lacks its comma: the parser notices at the next field, line 23 column 13.
    let (line, col, message) = syntax("syntax_error");
    assert_eq!((line, col), (23, 13));
    assert!(message.contains("comma"), "{message}");
}

#[test]
fn unknown_field_is_refused_with_its_name_and_position() {
    let (line, col, message) = syntax("unknown_field");
    assert_eq!((line, col), (20, 13));
    assert!(
        message.contains("`titel`") && message.contains("`title`"),
        "{message}"
    );
}

#[test]
fn value_of_the_wrong_type_names_its_line() {
    let (line, col, message) = syntax("wrong_type");
    assert_eq!(line, 32);
    // The value `"22"` starts at column 32; ron points at it or just before it.
    assert!((31..=32).contains(&col), "column {col}");
    assert!(message.contains("integer"), "{message}");
}

#[test]
fn bad_colour_names_the_value_and_its_line() {
    let (line, col, message) = syntax("bad_color");
    assert_eq!(line, 9);
    assert!((56..=57).contains(&col), "column {col}");
    assert!(
        message.contains("#009G73") && message.contains("#RRGGBB"),
        "{message}"
    );
}

#[test]
fn version_zero_is_refused() {
    let (line, col, message) = syntax("version_zero");
    assert_eq!((line, col), (2, 5), "the position of `version`");
    assert!(message.contains("version 0"), "{message}");
}

#[test]
fn a_newer_version_is_noticed_when_it_is_not_the_first_field() {
    let valid = std::fs::read_to_string(fixture("valid/small.ron")).expect("fixture");
    let moved = valid.replace("    version: 1,\n", "").replace(
        "    annotator: \"alice\",\n",
        "    annotator: \"alice\",\n    version: 3,\n",
    );
    assert_ne!(moved, valid);
    match store::from_str(&moved, Path::new("moved.ron")) {
        Err(LoadError::NewerVersion { found: 3, .. }) => {}
        other => panic!("expected NewerVersion 3, got {other:?}"),
    }
}

#[test]
fn newer_version_asks_for_a_newer_marginalia() {
    match load_broken("newer_version") {
        (LoadError::NewerVersion { found, .. }, message) => {
            assert_eq!(found, 7);
            assert!(
                message.contains("made by a newer Marginalia, format version 7"),
                "{message}"
            );
        }
        (other, _) => panic!("expected NewerVersion, got {other:?}"),
    }
}

#[test]
fn span_outside_the_text() {
    assert_problems(
        &problems("span_outside_text"),
        &[(
            "document `talks` (#1), span 3",
            "[64, 68) reaches past the end of the text (65 code points)",
        )],
    );
}

#[test]
fn surface_text_that_does_not_match() {
    assert_problems(
        &problems("surface_mismatch"),
        &[(
            "document `talks` (#1), span 2",
            "[23, 41) covers \"olodymyr Zelensky \" in the text, but the file says \"Volodymyr Zelensky\"",
        )],
    );
}

#[test]
fn text_that_does_not_match_its_digest() {
    assert_problems(
        &problems("digest_mismatch"),
        &[(
            "document `talks` (#1)",
            "the text does not match its digest",
        )],
    );
}

#[test]
fn unknown_label() {
    assert_problems(
        &problems("unknown_label"),
        &[("document `talks` (#1), span 3", "unknown label `place`")],
    );
}

#[test]
fn unknown_link_type() {
    assert_problems(
        &problems("unknown_link_type"),
        &[(
            "document `talks` (#1), link 1",
            "unknown link type `quoted_by`",
        )],
    );
}

#[test]
fn link_to_a_missing_span() {
    assert_problems(
        &problems("link_to_missing_span"),
        &[(
            "document `talks` (#1), link 1",
            "points to span 7, which does not exist",
        )],
    );
}

#[test]
fn link_the_schema_does_not_allow() {
    assert_problems(
        &problems("link_not_allowed"),
        &[(
            "document `talks` (#1), link 1",
            "`said_by` link cannot go from a `location`",
        )],
    );
}

#[test]
fn duplicate_span_ids() {
    assert_problems(
        &problems("duplicate_span_id"),
        &[("document `talks` (#1), span 3", "same id as another span")],
    );
}

#[test]
fn duplicate_link_ids() {
    assert_problems(
        &problems("duplicate_link_id"),
        &[("document `talks` (#1), link 1", "same id as another link")],
    );
}

#[test]
fn duplicate_document_ids() {
    assert_problems(
        &problems("duplicate_document_id"),
        &[("document `talks` (#2)", "same id as an earlier document")],
    );
}

#[test]
fn exact_duplicate_span() {
    assert_problems(
        &problems("duplicate_span"),
        &[(
            "document `talks` (#1), span 5",
            "duplicates another span: [44, 48) `location`",
        )],
    );
}

#[test]
fn empty_span() {
    assert_problems(
        &problems("empty_span"),
        &[(
            "document `talks` (#1), span 3",
            "empty or reversed: [44, 44)",
        )],
    );
}

#[test]
fn span_ids_must_lie_below_next_span_id() {
    assert_problems(
        &problems("id_not_below_next"),
        &[
            (
                "document `talks` (#1), span 3",
                "not below next_span_id (3)",
            ),
            (
                "document `talks` (#1), span 4",
                "not below next_span_id (3)",
            ),
        ],
    );
}

#[test]
fn unsound_schema() {
    assert_problems(
        &problems("schema_problem"),
        &[("schema", "labels `claim` and `location` share hotkey 1")],
    );
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let problems = problems("several_problems");
    assert_problems(
        &problems,
        &[
            (
                "document `talks` (#1), span 2",
                "covers \"olodymyr Zelensky \"",
            ),
            ("document `talks` (#1), span 3", "unknown label `place`"),
            (
                "document `talks` (#1), link 1",
                "points to span 9, which does not exist",
            ),
            ("document `talks` (#2)", "same id as an earlier document"),
            ("document `talks` (#2)", "does not match its digest"),
            ("document `talks` (#2), link 1", "unknown link type `cites`"),
        ],
    );
    let (_, message) = load_broken("several_problems");
    assert!(message.contains("has 6 problems:"), "{message}");
    for problem in &problems {
        assert!(
            message.contains(&problem.to_string()),
            "{problem} missing from {message}"
        );
    }
}

#[test]
fn not_utf8_names_the_byte_offset() {
    let bytes = std::fs::read(fixture("broken/not_utf8.ron")).expect("fixture");
    let offset = bytes
        .iter()
        .position(|&b| b == 0xE9)
        .expect("the fixture has a Latin-1 é");
    match load_broken("not_utf8") {
        (LoadError::NotUtf8 { offset: found, .. }, message) => {
            assert_eq!(found, offset);
            assert!(message.contains(&format!("offset {offset}")), "{message}");
        }
        (other, _) => panic!("expected NotUtf8, got {other:?}"),
    }
}

#[test]
fn file_larger_than_the_limit_is_refused_before_reading() {
    let dir = temp_dir();
    let path = dir.path().join("huge.ron");
    // Sparse: takes no disk space, and the loader must not read it.
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(MAX_FILE_BYTES + 1).expect("a sparse file");
    match store::load(&path) {
        Err(error @ LoadError::TooLarge { size, .. }) => {
            assert_eq!(size, MAX_FILE_BYTES + 1);
            let message = error.to_string();
            assert!(
                message.contains("huge.ron") && message.contains(&MAX_FILE_BYTES.to_string()),
                "{message}"
            );
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

/// Runs `text` through the loader on a thread with a small stack: unbounded recursion
/// would overflow it and abort the whole test binary instead of failing one test.
fn load_on_small_stack(text: String) -> Result<(), LoadError> {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || store::from_str(&text, Path::new("deep.ron")).map(|_| ()))
        .expect("spawn")
        .join()
        .expect("the loader did not panic")
}

#[test]
fn absurd_nesting_is_a_clean_error() {
    let depth = 100_000;
    let cases = [
        "[".repeat(depth),
        "(".repeat(depth),
        format!("(version: 1, name: {}", "[".repeat(depth)),
        format!(
            "(\n    version: 1,\n    name: \"x\",\n    annotator: \"y\",\n    schema: (labels: [], link_types: []),\n    documents: [{}",
            "(text: [".repeat(depth)
        ),
        format!(
            "(version: 1, name: \"x\", annotator: \"y\", schema: {}",
            "Some(".repeat(depth)
        ),
    ];
    for text in cases {
        let start: String = text.chars().take(40).collect();
        match load_on_small_stack(text) {
            Err(error @ LoadError::Syntax { .. }) => {
                assert!(error.to_string().starts_with("deep.ron:"), "{error}");
            }
            other => panic!("{start:?}…: expected a syntax error, got {other:?}"),
        }
    }
}

#[test]
fn empty_and_truncated_files_are_syntax_errors() {
    let valid = std::fs::read_to_string(fixture("valid/small.ron")).expect("fixture");
    for cut in [0, 1, 10, valid.len() / 2, valid.len() - 3] {
        let cut = (0..=cut)
            .rev()
            .find(|&i| valid.is_char_boundary(i))
            .unwrap_or(0);
        match store::from_str(&valid[..cut], Path::new("cut.ron")) {
            Err(LoadError::Syntax { .. }) => {}
            other => panic!("cut at {cut}: expected a syntax error, got {other:?}"),
        }
    }
}

#[test]
fn next_ids_beyond_2_pow_53_are_refused() {
    // Allocating the next id after u64::MAX would overflow.
    assert_problems(
        &problems("next_id_too_large"),
        &[(
            "document `talks` (#1)",
            "next_span_id is 18446744073709551615; it may be at most 9007199254740992",
        )],
    );
}

// Version 2: the review data. These fixtures are `tests/fixtures/valid/small-v2.ron` with
// one change each (`v2_candidate_problems.ron`: many).

#[test]
fn the_base_of_the_broken_v2_fixtures_is_valid() {
    let loaded = store::load(&fixture("valid/small-v2.ron")).expect("the v2 base loads");
    assert_eq!(loaded.project.open_candidate_count(), 2);
    assert_eq!(loaded.project.candidate_counts().rejected, 1);
}

#[test]
fn candidate_outside_the_text() {
    assert_problems(
        &problems("v2_candidate_outside_text"),
        &[(
            "document `talks` (#1), candidate 1",
            "[22, 99) reaches past the end of the text (65 code points)",
        )],
    );
}

#[test]
fn review_data_in_a_version_1_file() {
    assert_problems(
        &problems("v2_review_data_in_v1"),
        &[("version", "says version 1 but holds review data")],
    );
}

#[test]
fn reporting_verbs_in_a_version_1_file() {
    // `tests/fixtures/valid/small.ron` with a list of verbs: refused like review data.
    assert_problems(
        &problems("v2_reporting_verbs_in_v1"),
        &[(
            "version",
            "says version 1 but sets the project's reporting verbs",
        )],
    );
}

#[test]
fn an_empty_reporting_verb_names_its_line() {
    let (line, col, message) = syntax("v2_empty_reporting_verb");
    assert_eq!(
        (line, col),
        (19, 12),
        "just after the empty entry and its comma"
    );
    assert!(message.contains("reporting verb #2 is empty"), "{message}");
}

#[test]
fn a_repeated_reporting_verb_names_its_line_and_the_first() {
    // Case does not count, as in matching.
    let (line, _, message) = syntax("v2_repeated_reporting_verb");
    assert_eq!(line, 20);
    assert!(
        message.contains("reporting verb #3 `Said` repeats #1"),
        "{message}"
    );
}

#[test]
fn unknown_decision_names_its_line() {
    let (line, _, message) = syntax("v2_unknown_decision");
    assert_eq!(line, 41);
    assert!(
        message.contains("maybe") && message.contains("pending"),
        "{message}"
    );
}

#[test]
fn every_candidate_problem_is_reported() {
    assert_problems(
        &problems("v2_candidate_problems"),
        &[
            (
                "document `talks` (#1), span 1",
                "names an annotator with an empty name",
            ),
            ("document `talks` (#1), span 2", "comment #1 is empty"),
            (
                "document `talks` (#1), candidate 1",
                "has the unknown label `speaker`",
            ),
            (
                "document `talks` (#1), candidate 1",
                "covers \"Volodymyr\" in the text, but the file says \"Volodymir\"",
            ),
            (
                "document `talks` (#1), candidate 3",
                "comes from annotators but names none",
            ),
            (
                "document `talks` (#1), candidate 7",
                "has an id not below next_candidate_id (4)",
            ),
            (
                "document `talks` (#1), candidate 7",
                "a `said_by` link cannot go from a `quote` to a `location`",
            ),
            (
                "document `talks` (#1), candidate 7",
                "names the annotator `bob` twice",
            ),
        ],
    );
}

#[test]
fn duplicate_candidate_ids_and_proposals() {
    let valid = std::fs::read_to_string(fixture("valid/small-v2.ron")).expect("fixture");
    let twice = valid.replace(
        "(id: 2, proposal: span(start: 44",
        "(id: 1, proposal: span(start: 44",
    );
    let alike = valid.replace(
        "label: \"actor\", text: \"Kyiv\"), origin: annotators([\"alice\"]), decision: rejected",
        "label: \"actor\", text: \"Volodymyr\"), origin: annotators([\"bob\"]), decision: rejected",
    ).replace("span(start: 44, end: 48, label: \"actor\"", "span(start: 22, end: 31, label: \"actor\"");
    for (text, location, fragment) in [
        (
            twice,
            "document `talks` (#1), candidate 1",
            "same id as another candidate",
        ),
        (
            alike,
            "document `talks` (#1), candidate 2",
            "proposes the same as candidate 1",
        ),
    ] {
        match store::from_str(&text, Path::new("x.ron")) {
            Err(LoadError::Invalid { problems, .. }) => {
                assert_problems(&problems, &[(location, fragment)]);
            }
            other => panic!("expected one problem, got {other:?}"),
        }
    }
}

#[test]
fn unknown_fields_in_review_data_are_refused() {
    let valid = std::fs::read_to_string(fixture("valid/small-v2.ron")).expect("fixture");
    for (old, new, field) in [
        (
            "text: \"Volodymyr\")",
            "text: \"Volodymyr\", colour: 1)",
            "`colour`",
        ),
        (
            "(author: \"gold\", text: \"A place",
            "(author: \"gold\", when: 1, text: \"A place",
            "`when`",
        ),
        (
            "label: \"quote\"), to:",
            "label: \"quote\", id: 1), to:",
            "`id`",
        ),
        (
            "decision: pending),\n                (id: 2",
            "decision: pending, by: 1),\n                (id: 2",
            "`by`",
        ),
    ] {
        assert_eq!(valid.matches(old).count(), 1, "{old}");
        let text = valid.replacen(old, new, 1);
        match store::from_str(&text, Path::new("x.ron")) {
            Err(LoadError::Syntax { line, message, .. }) => {
                assert!(message.contains(field), "{message}");
                assert!((41..=43).contains(&line), "line {line}");
            }
            other => panic!("expected a syntax error for {field}, got {other:?}"),
        }
    }
}
