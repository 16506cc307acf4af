//! Reviewing colleagues' work: comparing annotators and measuring their agreement.
//! No egui and no file IO: the command line and the window load the files and hand
//! the projects in.
//!
//! - [`compare`]: several projects side by side, documents matched by text, every
//!   annotator's spans aligned, with the status of each and the disagreements in
//!   reading order (what the review window draws and steps through).
//! - [`agreement`]: exact and relaxed span F1, token-level Cohen's kappa, Krippendorff's
//!   alpha, link F1 and a label confusion matrix, per document and for the project.
//! - [`report`]: the same numbers as tables (for the terminal and the window) and JSON.
//! - [`adjudicate`]: a gold project from the files: what all agree on accepted, every
//!   disagreement an open candidate naming who proposed it.

pub mod adjudicate;
pub mod agreement;
pub mod compare;
pub mod report;
mod tokens;

pub use agreement::{Agreement, AlphaCounts, Confusion, Figures, KappaCounts, PairFigures, Score};
pub use compare::{
    AlignedLink, AlignedSpan, Annotator, AnnotatorSet, CompareError, Comparison, Direction,
    Disagreement, DisagreementRef, MAX_ANNOTATORS, ReviewDocument, ReviewLabel, ReviewLinkType,
    SchemaDifference, SchemaItem, SchemaProperty, SpanStatus,
};
pub use tokens::tokens;

/// A file's name for a review or an adjudication: its stem, which names the annotator
/// when two files name the same one (`alice (draft)`). One rule for the command line
/// and the window, so an annotator is called the same in the review's lanes, in the
/// agreement report and in the gold project's provenance.
pub fn source_name(path: &std::path::Path) -> String {
    path.file_stem().map_or_else(
        || path.display().to_string(),
        |s| s.to_string_lossy().into_owned(),
    )
}

/// `items.iter().map(f)`, in order, with the items split among the machine's cores.
/// Falls back to this thread for a part whose thread cannot be started.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(8)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let parts: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                let work = move || part.iter().map(f).collect::<Vec<R>>();
                match std::thread::Builder::new().spawn_scoped(scope, work) {
                    Ok(handle) => Err(handle),
                    Err(_) => Ok(work()),
                }
            })
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for part in parts {
            match part {
                Ok(done) => out.extend(done),
                // A panic in `f` is a bug; carry it on rather than lose a part.
                Err(handle) => match handle.join() {
                    Ok(done) => out.extend(done),
                    Err(panic) => std::panic::resume_unwind(panic),
                },
            }
        }
        out
    })
}

/// Builders for the module's tests: projects from compact span lists.
#[cfg(test)]
pub(crate) mod testing {
    use crate::model::{Document, Link, LinkId, Project, Span, SpanId};

    /// One document: id, text, spans `(start, end, label)`, links `(from, to, type)` by
    /// index into the spans.
    pub struct Doc<'a> {
        pub id: &'a str,
        pub text: &'a str,
        pub spans: &'a [(usize, usize, &'a str)],
        pub links: &'a [(usize, usize, &'a str)],
    }

    /// A document with these spans and links (ids in list order).
    pub fn document(doc: &Doc<'_>) -> Document {
        let spans: Vec<Span> = doc
            .spans
            .iter()
            .enumerate()
            .map(|(i, &(start, end, label))| Span::new(SpanId(i as u64 + 1), start, end, label))
            .collect();
        let links: Vec<Link> = doc
            .links
            .iter()
            .enumerate()
            .map(|(i, &(from, to, link_type))| Link {
                id: LinkId(i as u64 + 1),
                from: SpanId(from as u64 + 1),
                to: SpanId(to as u64 + 1),
                link_type: link_type.to_owned(),
            })
            .collect();
        let (next_span, next_link) = (spans.len() as u64 + 1, links.len() as u64 + 1);
        Document::new(doc.id, doc.id, doc.text)
            .from_validated_parts(spans, links, next_span, next_link)
    }

    /// A project of `annotator` with the default schema.
    pub fn project(annotator: &str, docs: &[Doc<'_>]) -> Project {
        let mut project = Project::new("test", annotator);
        project.documents = docs.iter().map(document).collect();
        project
    }

    /// Compares projects under the sources `a`, `b`, `c`…
    pub fn compare(projects: &[&Project]) -> crate::review::Comparison {
        let sources = ["a", "b", "c", "d", "e"];
        let files: Vec<(&str, &Project)> = sources
            .iter()
            .copied()
            .zip(projects.iter().copied())
            .collect();
        crate::review::Comparison::new(&files).expect("compare")
    }

    /// One document with this text and spans, no links.
    pub fn one(annotator: &str, text: &str, spans: &[(usize, usize, &str)]) -> Project {
        project(
            annotator,
            &[Doc {
                id: "doc",
                text,
                spans,
                links: &[],
            }],
        )
    }
}
