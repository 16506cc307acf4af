//! A deterministic generator of large, varied projects: long articles that read roughly
//! like news (no paragraph repeats) and many spans, nested and overlapping, with notes
//! and `said_by` links. Shared by the fault test and the benchmark
//! (`benches/store.rs` includes this file with `#[path]`).

use marginalia::model::{Document, Edit, Project, Schema, SpanId, Status};

/// A small, fast, deterministic PRNG (SplitMix64): the same seed gives the same project
/// on every machine, so benchmark figures compare.
pub struct Rng {
    state: u64,
    words: Vec<&'static str>,
}

impl Rng {
    /// A generator started at `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            state: seed,
            words: WORDS.split_whitespace().collect(),
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// A word from the word list.
    pub fn word(&mut self) -> &'static str {
        let i = self.below(self.words.len());
        self.words[i]
    }

    /// One of `items`.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Common words of news text, separated by white space.
const WORDS: &str = "\
    the a of to and in that on for with as was is said would could talks peace plan \
    ceasefire government officials minister week Tuesday Monday statement agreement \
    border troops sanctions negotiations delegation envoy summit meeting security \
    guarantees territory energy grain exports prices parliament vote election campaign \
    report according sources familiar matter declined comment spokesman spokeswoman \
    analysts warned expected announced confirmed denied rejected proposal framework \
    draft points pressure economy inflation budget aid package billion million percent \
    year month morning evening capital region city village frontline drone strike attack \
    missile defence air forces civilians killed wounded evacuated humanitarian corridor \
    prisoners exchange released returned families children schools hospital power \
    station damaged repairs winter heating gas pipeline deal signed weeks months later \
    earlier after before while however although because despite meanwhile also still not \
    yet already again further new old first last next other many few several some all \
    both each more less most least high low large small long short early late public \
    private foreign domestic military civil political economic diplomatic international \
    regional local national federal state court judge ruling appeal law bill committee \
    hearing testimony witness evidence investigation journalists reporters press \
    conference interview television radio newspaper website";

const NAMES: &[&str] = &[
    "Steve Witkoff",
    "Dmitry Peskov",
    "Volodymyr Zelensky",
    "Marco Rubio",
    "Kaja Kallas",
    "Ursula von der Leyen",
    "Recep Tayyip Erdoğan",
    "Sheikh Tamim bin Hamad Al Thani",
    "Yulia Svyrydenko",
    "Sergei Lavrov",
    "Andriy Yermak",
    "Mette Frederiksen",
    "Zoë Ångström",
    "José Núñez",
    "Wang Yi (王毅)",
    "Mohammed bin Salman (محمد بن سلمان)",
];

const PLACES: &[&str] = &[
    "Moscow",
    "Kyiv",
    "Київ",
    "Washington",
    "Brussels",
    "Doha (الدوحة)",
    "Istanbul",
    "Geneva",
    "Beijing (北京)",
    "Kharkiv",
    "Zaporizhzhia",
    "Odesa",
    "Riyadh",
    "Helsinki",
    "Gdańsk",
    "São Paulo",
    "Tōkyō",
    "Jerusalem (ירושלים)",
];

const TOUCHES: &[&str] = &[
    "🇺🇦",
    "🇺🇸",
    "🇷🇺",
    "👩‍👩‍👧",
    "👍🏽",
    "e\u{301}",
    "—",
    "–",
    "…",
    "€",
    "£",
    "°C",
    "№",
    "«",
    "»",
    "„",
    "“",
    "”",
    "‘",
    "’",
];

fn push_sentence(rng: &mut Rng, out: &mut String) {
    let words = rng.between(4, 28);
    let quoted = rng.chance(25);
    if quoted {
        out.push('“');
    }
    for i in 0..words {
        if i > 0 {
            out.push(if rng.chance(6) { ',' } else { ' ' });
            if out.ends_with(',') {
                out.push(' ');
            }
        }
        let word = match rng.below(100) {
            0..=4 => rng.pick(NAMES).to_owned(),
            5..=8 => rng.pick(PLACES).to_owned(),
            9..=12 => format!("{}", rng.below(100_000)),
            13..=14 => format!("{}.{}%", rng.below(100), rng.below(10)),
            15..=16 => rng.pick(TOUCHES).to_owned(),
            17 => format!("\"{}\"", rng.word()),
            _ => rng.word().to_owned(),
        };
        if i == 0 && !quoted {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push_str(&word);
        }
    }
    if quoted {
        out.push_str(",” ");
        out.push_str(rng.pick(&["said", "told reporters", "wrote", "added"]));
        out.push(' ');
        out.push_str(rng.pick(NAMES));
        out.push('.');
    } else {
        out.push_str(rng.pick(&[".", ".", ".", "?", "!", ";", ":"]));
    }
}

/// A varied article of at least `min_bytes` bytes: paragraphs of 1 to 9 sentences,
/// separated by blank lines; with `crlf` every line ends in `\r\n`.
pub fn article(rng: &mut Rng, min_bytes: usize, crlf: bool) -> String {
    let line_end = if crlf { "\r\n" } else { "\n" };
    let mut out = String::with_capacity(min_bytes + 4096);
    while out.len() < min_bytes {
        let sentences = rng.between(1, 9);
        for i in 0..sentences {
            if i > 0 {
                out.push(' ');
            }
            push_sentence(rng, &mut out);
        }
        out.push_str(line_end);
        out.push_str(line_end);
    }
    out
}

/// Labels of the default schema, in an order that makes nesting common: claims hold
/// quotes, quotes hold actors and locations.
const LABELS: [&str; 4] = ["claim", "quote", "location", "actor"];

/// The label and range of the next generated span: a third of them nested in the
/// `previous` span, the rest anywhere in a text of `len` code points.
fn next_span(
    rng: &mut Rng,
    previous: Option<(usize, usize)>,
    len: usize,
) -> (&'static str, usize, usize) {
    let label = LABELS[rng.below(LABELS.len())];
    // Names and places are short; quotes and claims are clauses or sentences.
    let (shortest, longest) = match label {
        "actor" | "location" => (2, 40),
        _ => (20, 300),
    };
    let (start, end) = match previous {
        Some((start, end)) if end - start > 2 && rng.chance(33) => {
            let s = rng.between(start, end - 2);
            (s, rng.between(s + 1, end.min(s + longest)))
        }
        _ => {
            let start = rng.below(len - 1);
            (start, (start + rng.between(shortest, longest)).min(len))
        }
    };
    (label, start, end)
}

/// Adds up to `count` spans to `doc` through the edit API: all four labels, actors and
/// locations of 2 to 40 code points, quotes and claims of 20 to 300, a third of them
/// nested in the previous span (so also overlapping others), a note on one span in ten.
/// Then up to `links` `said_by` links from quotes and claims to actors.
pub fn annotate(rng: &mut Rng, doc: &mut Document, schema: &Schema, count: usize, links: usize) {
    let len = doc.char_len();
    if len < 2 {
        return;
    }
    let mut actors: Vec<SpanId> = Vec::new();
    let mut speech: Vec<SpanId> = Vec::new();
    let mut previous: Option<(usize, usize)> = None;
    let mut added = 0;
    let mut tries = 0;
    while added < count && tries < count * 3 {
        tries += 1;
        let (label, start, end) = next_span(rng, previous, len);
        let edit = doc.add_span_edit(start, end, label);
        let Edit::AddSpan(span) = &edit else {
            unreachable!("add_span_edit adds a span")
        };
        let id = span.id;
        if doc.apply(edit, schema).is_err() {
            continue;
        }
        added += 1;
        previous = Some((start, end));
        match label {
            "actor" => actors.push(id),
            "quote" | "claim" => speech.push(id),
            _ => {}
        }
        if rng.chance(10) {
            let note = format!("check with source #{} — “{}”", rng.below(1000), rng.word());
            if let Ok(edit) = doc.set_note_edit(id, Some(note)) {
                doc.apply(edit, schema)
                    .expect("a note on an existing span applies");
            }
        }
    }
    if actors.is_empty() || speech.is_empty() {
        return;
    }
    let mut made = 0;
    let mut tries = 0;
    while made < links && tries < links * 3 {
        tries += 1;
        let from = speech[rng.below(speech.len())];
        let to = actors[rng.below(actors.len())];
        let edit = doc.add_link_edit(from, to, "said_by");
        if doc.apply(edit, schema).is_ok() {
            made += 1;
        }
    }
}

/// A project with one document of at least `text_bytes` bytes, `spans` spans and
/// `links` links; `seed` varies the text and the annotations.
pub fn big_project(seed: u64, text_bytes: usize, spans: usize, links: usize) -> Project {
    let mut rng = Rng::new(seed);
    let mut project = Project::new("Generated news", "generator");
    let text = article(&mut rng, text_bytes, seed % 2 == 1);
    let mut doc = Document::new(format!("article-{seed}"), "A long generated article", text);
    doc.source = Some(format!("https://example.org/generated/{seed}"));
    let schema = project.schema.clone();
    annotate(&mut rng, &mut doc, &schema, spans, links);
    let edit = doc.set_status_edit(Status::InProgress);
    doc.apply(edit, &schema).expect("a status change applies");
    project.documents.push(doc);
    project
}

/// [`big_project`] for very large projects (10 MB, 200,000 spans): the same kind of text
/// and the same distribution of spans, notes and links, but built in one piece with
/// [`Document::from_validated_parts`] instead of one edit at a time, which is quicker to
/// set up a benchmark with.
#[allow(
    dead_code,
    reason = "only benches/workspace.rs and benches/bulk.rs build projects this large"
)]
pub fn big_project_bulk(seed: u64, text_bytes: usize, spans: usize, links: usize) -> Project {
    use std::collections::HashSet;

    use marginalia::model::{Link, LinkId, Span};

    let mut rng = Rng::new(seed);
    let mut project = Project::new("Generated news", "generator");
    let text = article(&mut rng, text_bytes, seed % 2 == 1);
    let mut doc = Document::new(format!("article-{seed}"), "A long generated article", text);
    doc.source = Some(format!("https://example.org/generated/{seed}"));
    doc.status = Status::InProgress;
    let len = doc.char_len();
    let mut made: Vec<Span> = Vec::with_capacity(spans);
    let mut taken: HashSet<(usize, usize, &'static str)> = HashSet::with_capacity(spans);
    let mut actors: Vec<SpanId> = Vec::new();
    let mut speech: Vec<SpanId> = Vec::new();
    let mut previous: Option<(usize, usize)> = None;
    let mut tries = 0;
    while len >= 2 && made.len() < spans && tries < spans * 3 {
        tries += 1;
        let (label, start, end) = next_span(&mut rng, previous, len);
        if !taken.insert((start, end, label)) {
            continue;
        }
        let id = SpanId(made.len() as u64 + 1);
        previous = Some((start, end));
        match label {
            "actor" => actors.push(id),
            "quote" | "claim" => speech.push(id),
            _ => {}
        }
        let note = rng
            .chance(10)
            .then(|| format!("check with source #{} — “{}”", rng.below(1000), rng.word()));
        made.push(Span {
            note,
            ..Span::new(id, start, end, label)
        });
    }
    let mut linked: Vec<Link> = Vec::with_capacity(links);
    let mut pairs: HashSet<(SpanId, SpanId)> = HashSet::with_capacity(links);
    let mut tries = 0;
    while !actors.is_empty() && !speech.is_empty() && linked.len() < links && tries < links * 3 {
        tries += 1;
        let from = speech[rng.below(speech.len())];
        let to = actors[rng.below(actors.len())];
        if pairs.insert((from, to)) {
            linked.push(Link {
                id: LinkId(linked.len() as u64 + 1),
                from,
                to,
                link_type: "said_by".to_owned(),
            });
        }
    }
    let (next_span, next_link) = (made.len() as u64 + 1, linked.len() as u64 + 1);
    project
        .documents
        .push(doc.from_validated_parts(made, linked, next_span, next_link));
    project
}
