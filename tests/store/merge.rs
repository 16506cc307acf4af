//! Merging project files: the merge driver under real git (a temporary repository, two
//! branches, `git merge` with the driver `marginalia git-setup` configures), and
//! properties of the merge function itself.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use marginalia::merge::merge;
use marginalia::model::{
    Document, Edit, Origin, Project, Proposal, SpanKey, Status, check_link_labels,
};
use marginalia::store;
use proptest::prelude::*;

use crate::cli::{assert_code, run, stdout};
use crate::common::{add_span, find_nth, link, small_project, temp_dir};

/// The folder of the built binary first on PATH, so that git finds the driver that
/// `git-setup` writes (`marginalia merge %O %A %B`) and the hook finds `marginalia`.
fn path_with_binary() -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_marginalia"));
    let dir = bin.parent().expect("the binary is in a folder");
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// A temporary git repository set up by `marginalia git-setup`.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Self {
        let repo = Self { dir: temp_dir() };
        repo.git_ok(&["init", "-q", "-b", "main"]);
        let setup = repo.marginalia(&["git-setup"]);
        assert_code(&setup, 0);
        repo
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn git(&self, args: &[&str]) -> Output {
        Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@t"])
            .args(args)
            .current_dir(self.dir.path())
            .env("PATH", path_with_binary())
            .output()
            .expect("run git")
    }

    fn git_ok(&self, args: &[&str]) -> String {
        let output = self.git(args);
        assert_code(&output, 0);
        stdout(&output)
    }

    fn marginalia(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_marginalia"))
            .args(args)
            .current_dir(self.dir.path())
            .env("PATH", path_with_binary())
            .output()
            .expect("run the marginalia binary")
    }

    /// Writes the project as `name` and commits it (and the attributes) on the branch.
    fn commit(&self, name: &str, project: &Project, message: &str) {
        fs::write(self.path(name), store::to_ron(project)).expect("write the project");
        self.git_ok(&["add", name, ".gitattributes"]);
        self.git_ok(&["commit", "-q", "-m", message]);
    }

    fn load(&self, name: &str) -> Project {
        store::load(&self.path(name))
            .unwrap_or_else(|e| panic!("{name} loads: {e}"))
            .project
    }

    /// Commits `base` on main, `ours` on main after it, `theirs` on a branch from
    /// `base`, then merges the branch into main and returns git's output.
    fn three_way(&self, base: &Project, ours: &Project, theirs: &Project) -> Output {
        self.commit("talks.ron", base, "base");
        self.git_ok(&["checkout", "-q", "-b", "theirs"]);
        self.commit("talks.ron", theirs, "theirs");
        self.git_ok(&["checkout", "-q", "main"]);
        self.commit("talks.ron", ours, "ours");
        self.git(&["merge", "--no-edit", "theirs"])
    }
}

fn both(output: &Output) -> String {
    format!(
        "{}{}",
        stdout(output),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The small project with a second document.
fn two_documents() -> Project {
    let mut project = small_project();
    project.documents.push(Document::new(
        "summit",
        "Summit in Geneva",
        "Marco Rubio met Sergei Lavrov in Geneva. \"No deal yet,\" Rubio said.\n",
    ));
    project
}

fn schema_of(project: &Project) -> marginalia::model::Schema {
    project.schema.clone()
}

fn assert_unique_ids(doc: &Document) {
    let mut ids: Vec<u64> = doc.spans().iter().map(|s| s.id.0).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), doc.spans().len(), "span ids repeat");
    assert!(ids.iter().all(|&id| id < doc.next_span_id().0));
    let mut links: Vec<u64> = doc.links().iter().map(|l| l.id.0).collect();
    links.sort_unstable();
    links.dedup();
    assert_eq!(links.len(), doc.links().len(), "link ids repeat");
    assert!(links.iter().all(|&id| id < doc.next_link_id().0));
}

/// The text a link goes from and to, and its type.
fn link_texts(doc: &Document) -> Vec<(String, String, String)> {
    let mut texts: Vec<_> = doc
        .links()
        .iter()
        .map(|l| {
            let text = |id| doc.span_text(doc.span(id).expect("the link's span exists"));
            (
                text(l.from).to_owned(),
                text(l.to).to_owned(),
                l.link_type.clone(),
            )
        })
        .collect();
    texts.sort();
    texts
}

#[test]
fn git_setup_configures_the_driver_and_attributes_once() {
    let repo = Repo::new();
    let again = repo.marginalia(&["git-setup"]);
    assert_code(&again, 0);
    assert!(stdout(&again).contains("already"), "{}", stdout(&again));
    let attributes = fs::read_to_string(repo.path(".gitattributes")).expect("written");
    assert_eq!(attributes, "*.ron merge=marginalia\n");
    assert_eq!(
        repo.git_ok(&["config", "--get", "merge.marginalia.driver"])
            .trim(),
        "marginalia merge %O %A %B"
    );
}

#[test]
fn additions_to_different_documents_merge_clean_with_links_intact() {
    let repo = Repo::new();
    let base = two_documents();
    let schema = schema_of(&base);
    let mut ours = base.clone();
    {
        let doc = &mut ours.documents[0];
        let claim = add_span(doc, &schema, "More later.", "claim");
        let actor = doc
            .spans()
            .iter()
            .find(|s| s.label == "actor")
            .map(|s| s.id);
        link(doc, &schema, claim, actor.expect("an actor"), "said_by");
    }
    let mut theirs = base.clone();
    {
        let doc = &mut theirs.documents[1];
        let rubio = add_span(doc, &schema, "Marco Rubio", "actor");
        add_span(doc, &schema, "Geneva", "location");
        let quote = add_span(doc, &schema, "\"No deal yet,\"", "quote");
        link(doc, &schema, quote, rubio, "said_by");
    }
    let merged_by_git = repo.three_way(&base, &ours, &theirs);
    assert_code(&merged_by_git, 0);
    let merged = repo.load("talks.ron");
    assert_eq!(merged.documents[0], ours.documents[0]);
    assert_eq!(merged.documents[1], theirs.documents[1]);
    let status = repo.git_ok(&["status", "--porcelain"]);
    assert_eq!(status, "", "the merge is committed, nothing left over");
}

#[test]
fn both_sides_adding_spans_to_one_document_get_distinct_ids_and_links_follow() {
    let repo = Repo::new();
    let base = two_documents();
    let schema = schema_of(&base);
    let mut ours = base.clone();
    let doc = &mut ours.documents[1];
    let rubio = add_span(doc, &schema, "Marco Rubio", "actor");
    let quote = add_span(doc, &schema, "\"No deal yet,\"", "quote");
    link(doc, &schema, quote, rubio, "said_by");
    let mut theirs = base.clone();
    let doc = &mut theirs.documents[1];
    let lavrov = add_span(doc, &schema, "Sergei Lavrov", "actor");
    add_span(doc, &schema, "Geneva", "location");
    // The same span as ours, added on both sides: kept once.
    add_span(doc, &schema, "Marco Rubio", "actor");
    let claim = add_span(
        doc,
        &schema,
        "Marco Rubio met Sergei Lavrov in Geneva.",
        "claim",
    );
    link(doc, &schema, claim, lavrov, "said_by");
    // Both sides handed out the same ids.
    assert_eq!(rubio, lavrov);

    let merged_by_git = repo.three_way(&base, &ours, &theirs);
    assert_code(&merged_by_git, 0);
    let merged = repo.load("talks.ron");
    let doc = &merged.documents[1];
    assert_unique_ids(doc);
    let texts: Vec<&str> = doc.spans().iter().map(|s| doc.span_text(s)).collect();
    assert_eq!(
        texts,
        [
            "Marco Rubio",
            "Marco Rubio met Sergei Lavrov in Geneva.",
            "Sergei Lavrov",
            "Geneva",
            "\"No deal yet,\""
        ]
    );
    assert_eq!(
        link_texts(doc),
        [
            (
                "\"No deal yet,\"".to_owned(),
                "Marco Rubio".to_owned(),
                "said_by".to_owned()
            ),
            (
                "Marco Rubio met Sergei Lavrov in Geneva.".to_owned(),
                "Sergei Lavrov".to_owned(),
                "said_by".to_owned()
            ),
        ]
    );
    // Ours kept its ids; theirs' new ones are above both sides' next ids.
    let ours_doc = &ours.documents[1];
    for span in ours_doc.spans() {
        assert_eq!(doc.span(span.id), Some(span));
    }
    let above = ours_doc.next_span_id().0;
    let lavrov = doc
        .spans()
        .iter()
        .find(|s| doc.span_text(s) == "Sergei Lavrov");
    assert!(lavrov.expect("kept").id.0 >= above);
    assert_eq!(merged.documents[0], base.documents[0]);
}

/// The base with "Kyiv" relabelled on one side and the span's range changed another
/// way on the other.
fn relabel_conflict() -> (Project, Project, Project) {
    let base = small_project();
    let schema = schema_of(&base);
    let kyiv = base.documents[0]
        .spans()
        .iter()
        .find(|s| s.label == "location")
        .expect("Kyiv")
        .id;
    let mut ours = base.clone();
    let edit = ours.documents[0]
        .relabel_edit(kyiv, "actor", &schema)
        .expect("relabel");
    ours.documents[0].apply(edit, &schema).expect("applies");
    let mut theirs = base.clone();
    let edit = theirs.documents[0]
        .relabel_edit(kyiv, "claim", &schema)
        .expect("relabel");
    theirs.documents[0].apply(edit, &schema).expect("applies");
    (base, ours, theirs)
}

#[test]
fn a_relabel_conflict_becomes_candidates_and_git_marks_the_file_conflicted() {
    let repo = Repo::new();
    let (base, ours, theirs) = relabel_conflict();
    let merged_by_git = repo.three_way(&base, &ours, &theirs);
    assert_ne!(
        merged_by_git.status.code(),
        Some(0),
        "{}",
        both(&merged_by_git)
    );
    assert!(
        both(&merged_by_git).contains("CONFLICT"),
        "{}",
        both(&merged_by_git)
    );
    let status = repo.git_ok(&["status", "--porcelain"]);
    assert!(status.contains("UU talks.ron"), "{status}");

    // The file is a valid project: no conflict markers, the span set aside, each side's
    // version an open candidate.
    let validate = repo.marginalia(&["validate", "talks.ron"]);
    assert_code(&validate, 0);
    assert!(
        stdout(&validate).contains("2 open candidates in 1 document")
            && stdout(&validate).contains("2 of them merge conflicts"),
        "{}",
        stdout(&validate)
    );
    let mut merged = repo.load("talks.ron");
    let schema = merged.schema.clone();
    let doc = &mut merged.documents[0];
    let (start, end) = find_nth(doc, "Kyiv", 0);
    assert!(doc.spans().iter().all(|s| s.start != start));
    let proposals: Vec<(Proposal, Origin)> = doc
        .pending_candidates()
        .iter()
        .map(|c| (c.proposal.clone(), c.origin.clone()))
        .collect();
    let key = |label: &str| {
        Proposal::Span(SpanKey {
            start,
            end,
            label: label.to_owned(),
        })
    };
    assert_eq!(
        proposals,
        [
            (key("actor"), Origin::Merge("ours".into())),
            (key("claim"), Origin::Merge("theirs".into())),
        ]
    );
    // Deciding works like any review: accept ours, reject theirs.
    let ours_id = doc.pending_candidates()[0].id;
    let edit = doc.accept_candidate_edit(ours_id, &schema).expect("accept");
    doc.apply(edit, &schema).expect("applies");
    let theirs_id = doc.pending_candidates()[0].id;
    let edit = doc.reject_candidate_edit(theirs_id).expect("reject");
    doc.apply(edit, &schema).expect("applies");
    assert_eq!(doc.open_candidate_count(), 0);
    assert!(
        doc.spans()
            .iter()
            .any(|s| s.start == start && s.label == "actor")
    );
}

#[test]
fn a_document_whose_text_differs_is_refused_and_ours_kept() {
    let repo = Repo::new();
    let base = small_project();
    let schema = schema_of(&base);
    let mut ours = base.clone();
    add_span(&mut ours.documents[0], &schema, "More later.", "claim");
    let mut theirs = base.clone();
    // Theirs replaced the article's text under the same id.
    theirs.documents[0] = Document::new(
        "talks",
        "Talks resume",
        "\"We want peace,\" said Volodymyr Zelensky in Kyiv.\nMore later today.\n",
    );
    let merged_by_git = repo.three_way(&base, &ours, &theirs);
    assert_ne!(merged_by_git.status.code(), Some(0));
    let said = both(&merged_by_git);
    assert!(
        said.contains("`talks`") && said.contains("Talks resume") && said.contains("ours kept"),
        "{said}"
    );
    assert_eq!(repo.load("talks.ron"), ours);
}

#[test]
fn the_driver_gives_the_same_bytes_for_the_same_inputs_and_exit_codes_say_what_happened() {
    let dir = temp_dir();
    let (base, ours, theirs) = relabel_conflict();
    let write = |name: &str, project: &Project| {
        fs::write(dir.path().join(name), store::to_ron(project)).expect("write");
    };
    write("base.ron", &base);
    write("theirs.ron", &theirs);
    let mut results = Vec::new();
    for _ in 0..2 {
        write("ours.ron", &ours);
        let output = run(dir.path(), &["merge", "base.ron", "ours.ron", "theirs.ron"]);
        assert_code(&output, 1);
        results.push(fs::read(dir.path().join("ours.ron")).expect("written"));
    }
    assert_eq!(results[0], results[1]);
    assert!(
        !dir.path().join("ours.ron.bak").exists(),
        "no backup is left in git's work tree"
    );
    // A clean merge exits 0; a file that does not load exits 2 and leaves ours alone.
    write("ours.ron", &ours);
    let clean = run(dir.path(), &["merge", "base.ron", "ours.ron", "base.ron"]);
    assert_code(&clean, 0);
    assert_eq!(
        store::load(&dir.path().join("ours.ron"))
            .expect("loads")
            .project,
        ours
    );
    fs::write(dir.path().join("theirs.ron"), "(version: 1,").expect("write");
    let broken = run(dir.path(), &["merge", "base.ron", "ours.ron", "theirs.ron"]);
    assert_code(&broken, 2);
    assert_eq!(
        store::load(&dir.path().join("ours.ron"))
            .expect("loads")
            .project,
        ours
    );
}

#[test]
fn a_file_added_on_both_branches_merges_against_an_empty_base() {
    let dir = temp_dir();
    let base = small_project();
    let schema = schema_of(&base);
    let mut theirs = base.clone();
    add_span(&mut theirs.documents[0], &schema, "More later.", "claim");
    fs::write(dir.path().join("empty.ron"), "").expect("write");
    fs::write(dir.path().join("ours.ron"), store::to_ron(&base)).expect("write");
    fs::write(dir.path().join("theirs.ron"), store::to_ron(&theirs)).expect("write");
    let output = run(
        dir.path(),
        &["merge", "empty.ron", "ours.ron", "theirs.ron"],
    );
    assert_code(&output, 0);
    let merged = store::load(&dir.path().join("ours.ron"))
        .expect("loads")
        .project;
    let doc = &merged.documents[0];
    assert_eq!(doc.spans().len(), 4);
    assert_unique_ids(doc);
}

#[test]
fn the_pre_commit_hook_refuses_an_invalid_staged_file_and_a_foreign_hook_is_kept() {
    let repo = Repo::new();
    let hook = repo.path(".git/hooks/pre-commit");
    fs::write(&hook, "#!/bin/sh\nexit 0\n").expect("write a foreign hook");
    let refused = repo.marginalia(&["git-setup", "--pre-commit"]);
    assert_code(&refused, 2);
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--force"),
        "{}",
        both(&refused)
    );
    assert_eq!(
        fs::read_to_string(&hook).expect("kept"),
        "#!/bin/sh\nexit 0\n"
    );
    let installed = repo.marginalia(&["git-setup", "--pre-commit", "--force"]);
    assert_code(&installed, 0);
    assert!(stdout(&installed).contains("installed the pre-commit hook"));
    let again = repo.marginalia(&["git-setup", "--pre-commit"]);
    assert_code(&again, 0);
    assert!(
        stdout(&again).contains("already installed"),
        "{}",
        stdout(&again)
    );

    repo.commit("talks.ron", &small_project(), "a valid file commits");
    let text = store::to_ron(&small_project()).replace("Kyiv", "Kiev");
    fs::write(repo.path("talks.ron"), text).expect("write");
    repo.git_ok(&["add", "talks.ron"]);
    let commit = repo.git(&["commit", "-q", "-m", "a broken file"]);
    assert_ne!(commit.status.code(), Some(0), "{}", both(&commit));
    assert!(both(&commit).contains("talks.ron"), "{}", both(&commit));
    assert!(both(&commit).contains("invalid"), "{}", both(&commit));
}

// Properties of the merge function.

/// One random edit: which document, what, and numbers that pick spans and ranges.
#[derive(Clone, Debug)]
struct Op {
    doc: usize,
    what: u8,
    a: usize,
    b: usize,
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(
        (any::<usize>(), 0..14u8, any::<usize>(), any::<usize>())
            .prop_map(|(doc, what, a, b)| Op { doc, what, a, b }),
        0..12,
    )
}

/// Applies the edits a user could make (what the model refuses is skipped).
fn edited(base: &Project, ops: &[Op]) -> Project {
    let mut project = base.clone();
    let schema = project.schema.clone();
    let labels: Vec<String> = schema.labels.iter().map(|l| l.key.clone()).collect();
    for op in ops {
        if op.what == 12 {
            project.name.push('!');
            continue;
        }
        if op.what == 13 {
            let id = format!("new-{}", op.a % 2);
            if project.document(&id).is_none() {
                let text = ["A new article.", "Another new article."][op.b % 2];
                project.documents.push(Document::new(id, "New", text));
            }
            continue;
        }
        if project.documents.is_empty() {
            continue;
        }
        let n = project.documents.len();
        let doc = &mut project.documents[op.doc % n];
        let len = doc.char_len();
        let spans = doc.spans().to_vec();
        let span = |i: usize| spans.get(i % spans.len().max(1));
        let range = |a: usize, b: usize| {
            let start = a % len.max(1);
            (start, start + 1 + b % (len - start).max(1))
        };
        let edit: Option<Edit> = match op.what {
            0 if len > 0 => {
                let (start, end) = range(op.a, op.b);
                let end = end.min(len);
                Some(doc.add_span_edit(start, end, &labels[op.a % labels.len()]))
            }
            1 => span(op.a).and_then(|s| doc.remove_span_edit(s.id).ok()),
            2 => span(op.a).and_then(|s| {
                doc.relabel_edit(s.id, &labels[op.b % labels.len()], &schema)
                    .ok()
            }),
            3 if len > 0 => span(op.a).and_then(|s| {
                let (start, end) = range(op.b, op.a / 3);
                doc.resize_edit(s.id, start, end.min(len)).ok()
            }),
            4 => span(op.a).and_then(|s| {
                let note = (op.b % 3 != 0).then(|| format!("note {}", op.b % 5));
                doc.set_note_edit(s.id, note).ok()
            }),
            5 => match (span(op.a), span(op.b)) {
                (Some(from), Some(to)) => schema
                    .link_types
                    .iter()
                    .find(|t| check_link_labels(&schema, &t.key, &from.label, &to.label).is_ok())
                    .map(|t| doc.add_link_edit(from.id, to.id, &t.key)),
                _ => None,
            },
            6 => {
                let links = doc.links();
                links
                    .get(op.a % links.len().max(1))
                    .map(|l| Edit::RemoveLink(l.clone()))
            }
            7 => Some(doc.set_status_edit(Status::ALL[op.a % 3])),
            8 if len > 0 => {
                let (start, end) = range(op.a, op.b);
                let key = SpanKey {
                    start,
                    end: end.min(len),
                    label: labels[op.b % labels.len()].clone(),
                };
                let origin = if op.a % 2 == 0 {
                    Origin::Annotators(vec!["al".into()])
                } else {
                    Origin::Merge("theirs".into())
                };
                Some(doc.add_candidate_edit(Proposal::Span(key), origin))
            }
            9 | 10 => {
                let pending = doc.pending_candidates();
                let id = pending.get(op.a % pending.len().max(1)).map(|c| c.id);
                id.and_then(|id| {
                    if op.what == 9 {
                        doc.accept_candidate_edit(id, &schema).ok()
                    } else {
                        doc.reject_candidate_edit(id).ok()
                    }
                })
            }
            11 => span(op.a).and_then(|s| {
                doc.comment_edit(
                    marginalia::model::CommentTarget::Span(s.id),
                    "rev",
                    &format!("c{}", op.b % 4),
                )
                .ok()
            }),
            _ => None,
        };
        if let Some(edit) = edit {
            let _ = doc.apply(edit, &schema);
        }
    }
    project
}

/// `project` with every document's title changed: a change on the other side that
/// makes the merge look into every document instead of taking one side whole.
fn retitled(project: &Project) -> Project {
    let mut project = project.clone();
    for doc in &mut project.documents {
        doc.title.push_str(" (retitled)");
    }
    project
}

fn assert_valid(project: &Project) -> Result<(), TestCaseError> {
    let ron = store::to_ron(project);
    match store::from_str(&ron, Path::new("merged.ron")) {
        Ok(loaded) => {
            prop_assert_eq!(&loaded, project);
            Ok(())
        }
        Err(error) => Err(TestCaseError::fail(format!("{error}\n--- file:\n{ron}"))),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn merging_with_one_side_unchanged_gives_the_other(
        recipe in crate::roundtrip::project_recipe(), x in ops(), y in ops()
    ) {
        let base = crate::roundtrip::build(&recipe);
        let (x, y) = (edited(&base, &x), edited(&base, &y));
        let outcome = merge(&base, &x, &base);
        prop_assert!(outcome.is_clean(), "{}", outcome);
        prop_assert_eq!(&outcome.project, &x);
        let outcome = merge(&base, &base, &y);
        prop_assert!(outcome.is_clean(), "{}", outcome);
        prop_assert_eq!(&outcome.project, &y);
        let outcome = merge(&base, &x, &x);
        prop_assert!(outcome.is_clean(), "{}", outcome);
        prop_assert_eq!(&outcome.project, &x);
    }

    #[test]
    fn edits_merged_with_a_change_elsewhere_come_through_whole(
        recipe in crate::roundtrip::project_recipe(), x in ops()
    ) {
        let base = crate::roundtrip::build(&recipe);
        let x = edited(&base, &x);
        // Ours edited, theirs retitled: every document is merged span by span.
        let titles = retitled(&base);
        let outcome = merge(&base, &x, &titles);
        for doc in &x.documents {
            let Some(merged) = outcome.project.document(&doc.id) else {
                return Err(TestCaseError::fail(format!("`{}` is missing", doc.id)));
            };
            let mut expected = doc.clone();
            if base.document(&doc.id).is_some() {
                expected.title.push_str(" (retitled)");
            }
            prop_assert_eq!(merged, &expected);
        }
        // Only documents ours removed (and theirs retitled) can conflict.
        for conflict in &outcome.conflicts {
            prop_assert!(conflict.message.contains("removed in ours"), "{}", conflict);
        }
        // The same the other way round: theirs' ids are kept when ours added nothing.
        let outcome = merge(&base, &titles, &x);
        for doc in &x.documents {
            let merged = outcome.project.document(&doc.id);
            let mut expected = doc.clone();
            if base.document(&doc.id).is_some() {
                expected.title.push_str(" (retitled)");
            }
            prop_assert_eq!(merged, Some(&expected));
        }
    }

    #[test]
    fn any_merge_is_a_valid_project_and_the_same_every_time(
        recipe in crate::roundtrip::project_recipe(), x in ops(), y in ops()
    ) {
        let base = crate::roundtrip::build(&recipe);
        let (x, y) = (edited(&base, &x), edited(&base, &y));
        let outcome = merge(&base, &x, &y);
        assert_valid(&outcome.project)?;
        prop_assert_eq!(
            store::to_ron(&merge(&base, &x, &y).project),
            store::to_ron(&outcome.project)
        );
        // Conflicts are counted as candidates only where the merge made them.
        let open_merge = outcome
            .project
            .documents
            .iter()
            .flat_map(Document::candidates)
            .filter(|c| c.is_pending() && matches!(c.origin, Origin::Merge(_)))
            .count();
        prop_assert!(open_merge >= outcome.conflict_candidates);
    }
}
