//! A fast reader for files in exactly the layout `to_ron` writes.
//!
//! ron reads a 1 MB article with 20,000 spans in 40–55 ms, most of it in its tokenizer
//! going over span records one character at a time; the load budget is 60 ms in all.
//! The bulk of such a file, though, is lines in a fixed shape: the text's lines, one span
//! per line, one link per line. This reader takes those lines directly and leaves the
//! small head of the file (name, annotator, schema, reporting verbs) to ron.
//!
//! It is strict about layout: it accepts only the writer's own, field for field and
//! space for space (string contents are taken as they are, as ron takes them), and
//! says `None` at the first thing it does not expect (a comment, another
//! order, CRLF line ends, a number written `1_000`, ...). The caller then reads the whole
//! file with ron, which stays the reference: it reports errors with their positions, and
//! tests check that wherever this reader answers, its answer is ron's
//! (`store::fast_reader_agrees`, run on generated projects, on mutated files, on the
//! fuzz corpus and by the fuzz target).

use std::borrow::Cow;

use super::format::{
    CandidateFile, CommentFile, DocumentFile, LinkFile, ProjectFile, ProposalFile, SpanFile,
    SpanKeyFile,
};
use crate::model::{Decision, Origin, Status};

/// Reads `text` if it is in the writer's layout; `None` if anything differs.
pub(super) fn parse<'a>(text: &'a str, options: &ron::Options) -> Option<ProjectFile<'a>> {
    const DOCUMENTS: &str = "\n    documents: [\n";
    let documents_at = text.find(DOCUMENTS)? + 1;
    let head = &text[..documents_at];
    if !lines_are_self_contained(head) {
        return None;
    }
    // The head with an empty document list is a complete file for ron to read.
    let mut head_file = String::with_capacity(head.len() + 32);
    head_file.push_str(head);
    head_file.push_str("    documents: [],\n)\n");
    // A head that holds a document list of its own is refused here: `documents` twice.
    let head: ProjectFile<'_> = options.from_str(&head_file).ok()?;

    let mut lines = Lines(&text[documents_at + DOCUMENTS.len() - 1..]);
    let mut documents = Vec::new();
    loop {
        match lines.next()? {
            "        (" => documents.push(document(&mut lines)?),
            "    ]," => break,
            _ => return None,
        }
    }
    if lines.next()? != ")" || !lines.0.is_empty() {
        return None;
    }
    Some(ProjectFile {
        version: head.version,
        name: head.name,
        annotator: head.annotator,
        schema: head.schema,
        reporting_verbs: head.reporting_verbs,
        documents,
    })
}

/// Whether every line of `text` ends outside any string literal, and no line holds a
/// comment, a character literal or a raw string: then each line means on its own what it
/// means in the file, and the line that opens the document list really does.
fn lines_are_self_contained(text: &str) -> bool {
    for line in text.split('\n') {
        let mut in_string = false;
        let mut previous = ' ';
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            if in_string {
                match c {
                    '\\' => {
                        chars.next();
                    }
                    '"' => in_string = false,
                    _ => {}
                }
            } else {
                match c {
                    // `r"..."`, `b"..."` and `r#"..."#` are read differently: refuse them.
                    '"' if previous.is_alphanumeric() || previous == '#' => return false,
                    '"' => in_string = true,
                    '\'' | '/' | '#' | '\r' => return false,
                    _ => {}
                }
            }
            previous = c;
        }
        if in_string {
            return false;
        }
    }
    true
}

/// The lines of the rest of the file, each without its `\n`.
struct Lines<'a>(&'a str);

impl<'a> Lines<'a> {
    fn next(&mut self) -> Option<&'a str> {
        let end = self.0.find('\n')?;
        let line = &self.0[..end];
        self.0 = &self.0[end + 1..];
        Some(line)
    }

    /// The next line, without taking it.
    fn peek(&self) -> Option<&'a str> {
        self.0.find('\n').map(|end| &self.0[..end])
    }

    /// The next line, which must be `prefix` + a value + `,`: the value.
    fn field(&mut self, prefix: &str) -> Option<&'a str> {
        self.next()?.strip_prefix(prefix)?.strip_suffix(',')
    }

    /// The items of a list whose lines are `                ITEM,` up to the closing
    /// `            ],`, each read by `item`.
    fn list<T>(&mut self, mut item: impl FnMut(&mut Cursor<'a>) -> Option<T>) -> Option<Vec<T>> {
        let mut items = Vec::new();
        loop {
            let line = self.next()?;
            if line == "            ]," {
                return Some(items);
            }
            let mut cursor = Cursor(line.strip_prefix("                ")?.strip_suffix(',')?);
            items.push(item(&mut cursor)?);
            cursor.end()?;
        }
    }
}

fn document<'a>(lines: &mut Lines<'a>) -> Option<DocumentFile<'a>> {
    let id = whole(lines.field("            id: ")?, Cursor::string)?;
    let title = whole(lines.field("            title: ")?, Cursor::string)?;
    let source = match lines.field("            source: ")? {
        "None" => None,
        some => Some(whole(
            some.strip_prefix("Some(")?.strip_suffix(')')?,
            Cursor::string,
        )?),
    };
    let status = match lines.field("            status: ")? {
        "todo" => Status::Todo,
        "in_progress" => Status::InProgress,
        "done" => Status::Done,
        _ => return None,
    };
    let digest = whole(lines.field("            digest: ")?, Cursor::string)?;
    let next_span_id = whole(lines.field("            next_span_id: ")?, Cursor::number)?;
    let next_link_id = whole(lines.field("            next_link_id: ")?, Cursor::number)?;
    const NEXT_CANDIDATE_ID: &str = "            next_candidate_id: ";
    let next_candidate_id = match lines.peek()?.starts_with(NEXT_CANDIDATE_ID) {
        true => Some(whole(lines.field(NEXT_CANDIDATE_ID)?, Cursor::number)?),
        false => None,
    };

    (lines.next()? == "            text: [").then_some(())?;
    let text = lines.list(Cursor::string)?;
    (lines.next()? == "            spans: [").then_some(())?;
    let spans = lines.list(span)?;
    (lines.next()? == "            links: [").then_some(())?;
    let links = lines.list(link)?;
    let candidates = match lines.peek()? == "            candidates: [" {
        true => {
            lines.next()?;
            lines.list(candidate)?
        }
        false => Vec::new(),
    };
    (lines.next()? == "        ),").then_some(())?;
    Some(DocumentFile {
        id: id.into_owned(),
        title: title.into_owned(),
        source: source.map(Cow::into_owned),
        status,
        digest: digest.into_owned(),
        next_span_id,
        next_link_id,
        next_candidate_id,
        text,
        spans,
        links,
        candidates,
    })
}

/// `(id: 4, start: 210, end: 223, label: "actor", text: "Steve Witkoff")`, with an
/// optional `, note: Some("...")`, `, annotators: [...]` and `, comments: [...]`, in
/// that order, before the `)`.
fn span<'a>(cursor: &mut Cursor<'a>) -> Option<SpanFile<'a>> {
    cursor.expect("(id: ")?;
    let id = cursor.number()?;
    cursor.expect(", ")?;
    let SpanKeyFile { start, end, label } = key_fields(cursor)?;
    cursor.expect(", text: ")?;
    let text = cursor.string()?;
    let note = if cursor.expect(", note: Some(").is_some() {
        let note = cursor.string()?.into_owned();
        cursor.expect(")")?;
        Some(note)
    } else {
        None
    };
    let annotators = match cursor.expect(", annotators: ") {
        Some(()) => cursor.list(|c| c.string().map(Cow::into_owned))?,
        None => Vec::new(),
    };
    let comments = comments(cursor)?;
    cursor.expect(")")?;
    Some(SpanFile {
        id,
        start,
        end,
        label,
        text,
        note,
        annotators,
        comments,
    })
}

/// An optional `, comments: [(author: "...", text: "..."), ...]`.
fn comments(cursor: &mut Cursor<'_>) -> Option<Vec<CommentFile>> {
    if cursor.expect(", comments: ").is_none() {
        return Some(Vec::new());
    }
    cursor.list(|c| {
        c.expect("(author: ")?;
        let author = c.string()?.into_owned();
        c.expect(", text: ")?;
        let text = c.string()?.into_owned();
        c.expect(")")?;
        Some(CommentFile { author, text })
    })
}

/// `start: 3, end: 10, label: "quote"`: the fields of spans, candidates and link ends.
fn key_fields(cursor: &mut Cursor<'_>) -> Option<SpanKeyFile> {
    cursor.expect("start: ")?;
    let start = usize::try_from(cursor.number()?).ok()?;
    cursor.expect(", end: ")?;
    let end = usize::try_from(cursor.number()?).ok()?;
    cursor.expect(", label: ")?;
    let label = cursor.string()?.into_owned();
    Some(SpanKeyFile { start, end, label })
}

/// `(start: 3, end: 10, label: "quote")`.
fn span_key(cursor: &mut Cursor<'_>) -> Option<SpanKeyFile> {
    cursor.expect("(")?;
    let key = key_fields(cursor)?;
    cursor.expect(")")?;
    Some(key)
}

/// `(id: 3, proposal: span(start: 0, end: 8, label: "quote", text: "..."), origin:
/// annotators(["bob"]), decision: pending)`, or with `link(from: KEY, to: KEY, type:
/// "said_by")`, other origins (`rule("...")`, `merge("...")`), and optional comments.
fn candidate(cursor: &mut Cursor<'_>) -> Option<CandidateFile> {
    cursor.expect("(id: ")?;
    let id = cursor.number()?;
    cursor.expect(", proposal: ")?;
    let proposal = if cursor.expect("span(").is_some() {
        let SpanKeyFile { start, end, label } = key_fields(cursor)?;
        cursor.expect(", text: ")?;
        let text = cursor.string()?.into_owned();
        ProposalFile::Span {
            start,
            end,
            label,
            text,
        }
    } else {
        cursor.expect("link(from: ")?;
        let from = span_key(cursor)?;
        cursor.expect(", to: ")?;
        let to = span_key(cursor)?;
        cursor.expect(", type: ")?;
        let link_type = cursor.string()?.into_owned();
        ProposalFile::Link {
            from,
            to,
            link_type,
        }
    };
    cursor.expect("), origin: ")?;
    let origin = if cursor.expect("annotators(").is_some() {
        Origin::Annotators(cursor.list(|c| c.string().map(Cow::into_owned))?)
    } else if cursor.expect("rule(").is_some() {
        Origin::Rule(cursor.string()?.into_owned())
    } else {
        cursor.expect("merge(")?;
        Origin::Merge(cursor.string()?.into_owned())
    };
    cursor.expect("), decision: ")?;
    let decision = [Decision::Pending, Decision::Accepted, Decision::Rejected]
        .into_iter()
        .find(|d| cursor.expect(d.as_str()).is_some())?;
    let comments = comments(cursor)?;
    cursor.expect(")")?;
    Some(CandidateFile {
        id,
        proposal,
        origin,
        decision,
        comments,
    })
}

/// `(id: 1, from: 7, to: 4, type: "said_by")`.
fn link(cursor: &mut Cursor<'_>) -> Option<LinkFile> {
    cursor.expect("(id: ")?;
    let id = cursor.number()?;
    cursor.expect(", from: ")?;
    let from = cursor.number()?;
    cursor.expect(", to: ")?;
    let to = cursor.number()?;
    cursor.expect(", type: ")?;
    let link_type = cursor.string()?.into_owned();
    cursor.expect(")")?;
    Some(LinkFile {
        id,
        from,
        to,
        link_type,
    })
}

/// Reads all of `text` with `read`.
fn whole<'a, T>(text: &'a str, read: impl FnOnce(&mut Cursor<'a>) -> Option<T>) -> Option<T> {
    let mut cursor = Cursor(text);
    let value = read(&mut cursor)?;
    cursor.end()?;
    Some(value)
}

/// What is left of one line.
struct Cursor<'a>(&'a str);

impl<'a> Cursor<'a> {
    fn expect(&mut self, prefix: &str) -> Option<()> {
        self.0 = self.0.strip_prefix(prefix)?;
        Some(())
    }

    fn end(&self) -> Option<()> {
        self.0.is_empty().then_some(())
    }

    /// `[ITEM, ITEM]` (or `[]`) as the writer writes lists on one line.
    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        self.expect("[")?;
        let mut items = Vec::new();
        if self.expect("]").is_some() {
            return Some(items);
        }
        loop {
            items.push(item(self)?);
            if self.expect("]").is_some() {
                return Some(items);
            }
            self.expect(", ")?;
        }
    }

    /// A decimal number as the writer writes it: digits only, no leading zero.
    fn number(&mut self) -> Option<u64> {
        let digits = self.0.bytes().take_while(u8::is_ascii_digit).count();
        let (number, rest) = self.0.split_at(digits);
        if number.is_empty() || (number.len() > 1 && number.starts_with('0')) {
            return None;
        }
        self.0 = rest;
        number.parse().ok()
    }

    /// A string literal. Borrowed from the file when it has no escapes; the escapes the
    /// writer uses are decoded here, and a literal with any other escape is left to ron.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        let body = self.0.strip_prefix('"')?;
        let bytes = body.as_bytes();
        let mut end = 0;
        let mut escaped = false;
        loop {
            match bytes.get(end)? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    end += 2;
                }
                _ => end += 1,
            }
        }
        // `end` is at the closing quote, an ASCII byte, so both slices are on boundaries.
        let content = body.get(..end)?;
        let literal = &self.0[..end + 2];
        self.0 = &body[end + 1..];
        if !escaped {
            return Some(Cow::Borrowed(content));
        }
        match unescape(content) {
            Some(text) => Some(Cow::Owned(text)),
            // Default options: neither extensions nor the recursion limit change how a
            // string literal reads.
            None => ron::from_str::<String>(literal).ok().map(Cow::Owned),
        }
    }
}

/// Decodes `\"`, `\\`, `\n`, `\r`, `\t` and `\u{HEX}`; `None` for any other escape.
fn unescape(content: &str) -> Option<String> {
    let mut out = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let escape = &rest[at + 1..];
        let (c, len) = match escape.as_bytes().first()? {
            b'"' => ('"', 1),
            b'\\' => ('\\', 1),
            b'n' => ('\n', 1),
            b'r' => ('\r', 1),
            b't' => ('\t', 1),
            b'u' => {
                let hex = escape.strip_prefix("u{")?;
                let close = hex.find('}')?;
                let digits = &hex[..close];
                // Lowercase, no leading zero: as the writer writes them.
                let plain = digits
                    .bytes()
                    .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
                if !plain
                    || digits.is_empty()
                    || digits.len() > 6
                    || digits.len() > 1 && digits.starts_with('0')
                {
                    return None;
                }
                let code = u32::from_str_radix(digits, 16).ok()?;
                (char::from_u32(code)?, close + 3)
            }
            _ => return None,
        };
        out.push(c);
        rest = &escape[len..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, Project};
    use crate::store::{from_str, to_ron};

    fn options() -> ron::Options {
        ron::Options::default()
    }

    fn sample() -> Project {
        let mut project = Project::new("Talks", "alice");
        let mut doc = Document::new(
            "talks",
            "Talks",
            "\"We will,\" said Zelensky\r\nin Kyiv 👩\u{200D}👩\u{200D}👧 \u{200F}.\n",
        );
        doc.source = Some("https://example.org/a".into());
        let schema = project.schema.clone();
        let quote = doc.add_span_edit(0, 10, "quote");
        doc.apply(quote, &schema).expect("a span");
        let actor = doc.add_span_edit(16, 24, "actor");
        doc.apply(actor, &schema).expect("a span");
        let id = doc.spans()[0].id;
        doc.apply(
            doc.set_note_edit(id, Some("check \"this\"".into()))
                .expect("a note"),
            &schema,
        )
        .expect("a note");
        let link = doc.add_link_edit(doc.spans()[0].id, doc.spans()[1].id, "said_by");
        doc.apply(link, &schema).expect("a link");
        project.documents.push(doc);
        project.documents.push(Document::new("empty", "Empty", ""));
        project
    }

    #[test]
    fn reads_the_writers_files_as_ron_does() {
        let ron = to_ron(&sample());
        let fast = parse(&ron, &options()).expect("the writer's layout");
        let slow: ProjectFile<'_> = options().from_str(&ron).expect("valid RON");
        assert_eq!(fast, slow);
        assert_eq!(fast.documents[0].spans.len(), 2);
        assert_eq!(fast.documents[0].links.len(), 1);
    }

    #[test]
    fn the_bundled_sample_takes_the_fast_way() {
        let ron = include_str!("../../saves/sample.ron");
        assert!(parse(ron, &options()).is_some());
    }

    /// The sample with review data of version 2: provenance, comments on a span and on
    /// a candidate, candidates of every proposal, origin and decision.
    fn reviewed() -> Project {
        use crate::model::{CommentTarget, Origin, Proposal, SpanKey};
        let mut project = sample();
        let schema = project.schema.clone();
        let doc = &mut project.documents[0];
        let first = doc.spans()[0].id;
        let comment = doc
            .comment_edit(CommentTarget::Span(first), "gold", "sure \"here\"?")
            .expect("a comment");
        doc.apply(comment, &schema).expect("a comment");
        let key = |start, end, label: &str| SpanKey {
            start,
            end,
            label: label.into(),
        };
        let proposals = [
            (
                Proposal::Span(key(11, 15, "actor")),
                Origin::Annotators(vec!["bob".into(), "zoë \"z\"".into()]),
            ),
            (
                Proposal::Link {
                    from: key(0, 10, "quote"),
                    to: key(11, 15, "actor"),
                    link_type: "said_by".into(),
                },
                Origin::Rule("speakers".into()),
            ),
            (
                Proposal::Span(key(26, 30, "location")),
                Origin::Merge("theirs".into()),
            ),
        ];
        for (proposal, origin) in proposals {
            let edit = doc.add_candidate_edit(proposal, origin);
            doc.apply(edit, &schema).expect("a candidate");
        }
        let third = doc.candidates()[2].id;
        let reject = doc.reject_candidate_edit(third).expect("pending");
        doc.apply(reject, &schema).expect("a rejection");
        let comment = doc
            .comment_edit(CommentTarget::Candidate(third), "gold", "not a place")
            .expect("a comment");
        doc.apply(comment, &schema).expect("a comment");
        // A span taken from a review, with provenance.
        let first = doc.candidates()[0].id;
        let accept = doc.accept_candidate_edit(first, &schema).expect("pending");
        doc.apply(accept, &schema).expect("an acceptance");
        project
    }

    #[test]
    fn reads_review_data_as_ron_does() {
        let project = reviewed();
        let ron = to_ron(&project);
        assert!(ron.starts_with("(\n    version: 2,\n"), "{ron}");
        assert!(ron.contains("            next_candidate_id: 4,\n"), "{ron}");
        assert!(
            ron.contains(", annotators: [\"bob\", \"zoë \\\"z\\\"\"]"),
            "{ron}"
        );
        assert!(
            ron.contains("origin: rule(\"speakers\"), decision: pending)"),
            "{ron}"
        );
        assert!(
            ron.contains(
                "decision: rejected, comments: [(author: \"gold\", text: \"not a place\")])"
            ),
            "{ron}"
        );
        let fast = parse(&ron, &options()).expect("the writer's layout");
        let slow: ProjectFile<'_> = options().from_str(&ron).expect("valid RON");
        assert_eq!(fast, slow);
        assert_eq!(fast.documents[0].candidates.len(), 3);
        assert_eq!(fast.documents[1].next_candidate_id, None);
        let loaded = from_str(&ron, "x.ron".as_ref()).expect("loads");
        assert_eq!(loaded, project);
        assert_eq!(to_ron(&loaded), ron);
    }

    #[test]
    fn leaves_other_layouts_to_ron() {
        for project in [sample(), reviewed()] {
            leaves_other_layouts_of_to_ron(&project);
        }
    }

    fn leaves_other_layouts_of_to_ron(project: &Project) {
        let ron = to_ron(project);
        let variants = [
            ron.replace('\n', "\r\n"),
            ron.replace("(id: ", "( id: "),
            ron.replace("    name:", "    // a comment\n    name:"),
            ron.replace("status: ", "status:  "),
            ron.replace("next_span_id: ", "next_span_id: 0"),
            ron.replace("), decision: ", "),decision: "),
            ron.replace("\"], comments", "\",], comments"),
            ron.replace("annotators: [\"", "annotators: [ \""),
            ron.replace("            candidates: [", "            candidates:["),
        ];
        for variant in variants.iter().filter(|v| **v != ron) {
            assert!(parse(variant, &options()).is_none(), "{variant}");
            // ron reads them all the same.
            assert_eq!(
                from_str(variant, "x.ron".as_ref()).ok().as_ref(),
                Some(project)
            );
        }
    }

    #[test]
    fn a_document_list_inside_a_string_in_the_head_is_not_taken_for_one() {
        // A hand-edited file whose project name spans lines and looks like a document
        // list: only ron may decide what it is.
        let ron = to_ron(&sample());
        let fake = "\n    documents: [\n    ],\n)\n";
        let tricky = ron.replacen("name: \"Talks\"", &format!("name: \"Talks{fake}\""), 1);
        assert!(parse(&tricky, &options()).is_none());
        let project = from_str(&tricky, "x.ron".as_ref()).expect("ron reads it");
        assert_eq!(project.name, format!("Talks{fake}"));
        assert_eq!(project.documents.len(), 2);
        let raw = ron.replacen("name: \"Talks\"", "name: r#\"Talks\"#", 1);
        assert!(parse(&raw, &options()).is_none());
    }

    #[test]
    fn decodes_the_writers_escapes_and_leaves_others_to_ron() {
        let read = |literal: &str| whole(literal, Cursor::string).map(Cow::into_owned);
        assert_eq!(
            read(r#""a\"b\\c\nd\re\tf""#).as_deref(),
            Some("a\"b\\c\nd\re\tf")
        );
        assert_eq!(
            read(r#""\u{0}\u{200d}\u{10ffff}""#).as_deref(),
            Some("\0\u{200D}\u{10FFFF}")
        );
        assert_eq!(read(r#""plain""#), Some("plain".to_owned()));
        // Not the writer's: decoded by ron, or refused as ron refuses them.
        for literal in [
            r#""\u{0041}""#,
            r#""\u{4A}""#,
            r#""\x41""#,
            r#""\u{d800}""#,
            r#""\q""#,
        ] {
            assert_eq!(
                read(literal),
                ron::from_str::<String>(literal).ok(),
                "{literal}"
            );
        }
        assert_eq!(read(r#""unterminated"#), None);
        assert_eq!(read(r#""ends in a backslash\"#), None);
    }
}
