//! The bundled sample project (`saves/sample.ron`): the Putin article annotated by hand.
//! It is what a new user sees first, so it must load, show every label and link type,
//! and be in canonical form: opening and saving it must not change a byte.

use std::path::PathBuf;

#[path = "support/binary.rs"]
#[allow(dead_code, reason = "each test crate uses what it needs of it")]
mod binary;

use marginalia::model::{Document, Project, Schema, Status};
use marginalia::store;

const SAMPLE: &str = "saves/sample.ron";
const ARTICLE: &str = "assets/articles/putin-way-out-ukraine-war.txt";

fn repo_path(relative: &str) -> PathBuf {
    crate::binary::checkout().join(relative)
}

fn sample() -> Project {
    match store::load(&repo_path(SAMPLE)) {
        Ok(loaded) => loaded.project,
        Err(error) => panic!("the sample project does not load:\n{error}"),
    }
}

fn document(project: &Project) -> &Document {
    project
        .document("putin-way-out-ukraine-war")
        .expect("the sample has the Putin article")
}

#[test]
fn sample_is_valid_with_the_default_schema() {
    let project = sample();
    assert_eq!(project.name, "Ukraine peace talks (sample)");
    assert_eq!(project.annotator, "sample");
    assert_eq!(project.schema, Schema::default());
    assert_eq!(project.documents.len(), 1);
    let doc = document(&project);
    assert_eq!(doc.status, Status::InProgress);
    assert_eq!(doc.source.as_deref(), Some(ARTICLE));
    assert_eq!(Some(doc.title.as_str()), doc.text().lines().next());
}

#[test]
fn sample_is_in_canonical_form() {
    let bytes = std::fs::read(repo_path(SAMPLE)).expect("the sample file is readable");
    let text = String::from_utf8(bytes).expect("the sample file is UTF-8");
    let written = store::to_ron(&sample());
    // Compare line by line first so that a failure names the first differing line.
    for (n, (file, ours)) in text.lines().zip(written.lines()).enumerate() {
        assert_eq!(
            file,
            ours,
            "line {} of {SAMPLE} is not as the writer writes it",
            n + 1
        );
    }
    assert!(
        text == written,
        "{SAMPLE} is not byte-identical to what saving it writes"
    );
}

#[test]
fn sample_text_is_the_bundled_article() {
    let article = std::fs::read_to_string(repo_path(ARTICLE)).expect("the article is readable");
    let project = sample();
    assert_eq!(document(&project).text(), article);
}

#[test]
fn sample_annotations_show_every_feature() {
    let project = sample();
    let doc = document(&project);
    let spans = doc.spans();
    assert!(spans.len() >= 25, "only {} spans", spans.len());
    for label in &project.schema.labels {
        assert!(
            doc.count_label(&label.key) > 0,
            "no span is labelled `{}`",
            label.key
        );
    }
    for span in spans {
        let text = doc.span_text(span);
        let trimmed = text.trim();
        assert!(
            !trimmed.is_empty() && trimmed.len() == text.len(),
            "span {} has surrounding white space: {text:?}",
            span.id.0
        );
    }
    let nested = spans.iter().any(|outer| {
        spans.iter().any(|inner| {
            outer.start <= inner.start
                && inner.end <= outer.end
                && (outer.start, outer.end) != (inner.start, inner.end)
        })
    });
    assert!(nested, "no span lies inside another");
    let count_links = |key: &str| doc.links().iter().filter(|l| l.link_type == key).count();
    assert!(
        count_links("said_by") >= 8,
        "only {} said_by links",
        count_links("said_by")
    );
    assert!(count_links("continues") >= 1, "no continues link");
    assert!(spans.iter().any(|s| s.note.is_some()), "no span has a note");
}
