//! Inter-annotator agreement, defined exactly as the README's "Agreement" section says.
//!
//! Everything is computed from counts that add up over documents: a document's figures
//! are counts, and the project's are the sums of its documents' counts, divided only at
//! the end (micro averages). So the project figure is never an average of document
//! figures, and a document with few spans weighs as little as it should.
//!
//! Pairwise figures (F1, kappa, links, confusion) for annotators `a` and `b` use the
//! documents both have; Krippendorff's alpha uses every document at least two annotators
//! have, each token's values coming from the annotators who have its document.

use super::compare::{AnnotatorSet, Comparison, ReviewDocument};
use super::tokens::{self, Bits};

/// Matches between two annotators' spans (or links): `2·matched / (a + b)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Score {
    /// Matched pairs.
    pub matched: u64,
    /// How many annotator `a` has.
    pub a: u64,
    /// How many annotator `b` has.
    pub b: u64,
}

impl Score {
    /// F1 = 2·matched / (a + b); `None` when neither has any (nothing to agree on).
    pub fn f1(self) -> Option<f64> {
        let total = self.a + self.b;
        (total > 0).then(|| 2.0 * self.matched as f64 / total as f64)
    }

    fn add(&mut self, other: Score) {
        self.matched += other.matched;
        self.a += other.a;
        self.b += other.b;
    }
}

/// The sum of several scores (labels into overall).
pub fn total(scores: &[Score]) -> Score {
    let mut total = Score::default();
    for score in scores {
        total.add(*score);
    }
    total
}

/// Two annotators' yes/no decisions over tokens for one label.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KappaCounts {
    /// Tokens both put in the label.
    pub both: u64,
    /// Tokens only `a` put in it.
    pub only_a: u64,
    /// Tokens only `b` put in it.
    pub only_b: u64,
    /// Tokens neither put in it.
    pub neither: u64,
}

impl KappaCounts {
    /// Number of tokens.
    pub fn tokens(self) -> u64 {
        self.both + self.only_a + self.only_b + self.neither
    }

    /// Cohen's kappa `(po − pe) / (1 − pe)`; `None` when it is undefined: no tokens, or
    /// chance agreement `pe` is 1 (both said yes to every token, or both to none).
    pub fn kappa(self) -> Option<f64> {
        let n = self.tokens();
        let yes_a = self.both + self.only_a;
        let yes_b = self.both + self.only_b;
        // pe = 1 exactly when both rates are 0 or both are 1: decided on integers.
        if n == 0 || (yes_a == 0 && yes_b == 0) || (yes_a == n && yes_b == n) {
            return None;
        }
        let n = n as f64;
        let observed = (self.both + self.neither) as f64 / n;
        let (pa, pb) = (yes_a as f64 / n, yes_b as f64 / n);
        let chance = pa * pb + (1.0 - pa) * (1.0 - pb);
        Some((observed - chance) / (1.0 - chance))
    }

    fn add(&mut self, other: KappaCounts) {
        self.both += other.both;
        self.only_a += other.only_a;
        self.only_b += other.only_b;
        self.neither += other.neither;
    }
}

/// The coincidences Krippendorff's alpha (nominal) needs for one label's yes/no
/// decisions, over every token that at least two annotators decided.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct AlphaCounts {
    /// `Σ_u y·(m − y) / (m − 1)` over tokens `u` with `m` values, `y` of them yes: half
    /// the off-diagonal of the coincidence matrix.
    pub disagreement: f64,
    /// Pairable yes values (`n₁`).
    pub yes: u64,
    /// Pairable no values (`n₀`).
    pub no: u64,
}

impl AlphaCounts {
    /// Krippendorff's alpha `1 − (n − 1)·disagreement / (n₀·n₁)`, that is `1 − Do/De`;
    /// `None` when every value is the same (expected disagreement 0) or there is none.
    pub fn alpha(self) -> Option<f64> {
        if self.yes == 0 || self.no == 0 {
            return None;
        }
        let n = (self.yes + self.no) as f64;
        Some(1.0 - (n - 1.0) * self.disagreement / (self.yes as f64 * self.no as f64))
    }

    fn add(&mut self, other: AlphaCounts) {
        self.disagreement += other.disagreement;
        self.yes += other.yes;
        self.no += other.no;
    }
}

/// A confusion matrix between two annotators: rows are `a`'s labels, columns `b`'s, in
/// [`Comparison::labels`] order, and the last row and column are "none".
///
/// Spans are paired on identical ranges: at each range, labels both annotators gave
/// pair with themselves (the diagonal); the remaining labels of `a` and of `b` there
/// pair in label order (the off-diagonal cells); any left over, and every span whose
/// range the other annotator did not mark at all, go to "none". So row `L` adds up to
/// the number of `a`'s spans labelled `L`, column `L` to `b`'s, and the diagonal is the
/// exact matches.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Confusion {
    /// Number of labels plus one (for "none").
    pub size: usize,
    /// `size × size` counts, row by row.
    pub counts: Vec<u64>,
}

impl Confusion {
    fn new(labels: usize) -> Self {
        let size = labels + 1;
        Self {
            size,
            counts: vec![0; size * size],
        }
    }

    /// The row or column index of "none".
    pub fn none(&self) -> usize {
        self.size - 1
    }

    /// How many spans `a` labelled `row` and `b` labelled `column` (either may be
    /// [`Confusion::none`]).
    pub fn get(&self, row: usize, column: usize) -> u64 {
        self.counts
            .get(row * self.size + column)
            .copied()
            .unwrap_or(0)
    }

    fn bump(&mut self, row: usize, column: usize) {
        if let Some(cell) = self.counts.get_mut(row * self.size + column) {
            *cell += 1;
        }
    }

    fn add(&mut self, other: &Confusion) {
        for (cell, more) in self.counts.iter_mut().zip(&other.counts) {
            *cell += more;
        }
    }
}

/// Everything measured between two annotators, over the documents both have.
#[derive(Clone, Debug, PartialEq)]
pub struct PairFigures {
    /// The first annotator (index into [`Comparison::annotators`]).
    pub a: usize,
    /// The second annotator, `b > a`.
    pub b: usize,
    /// Documents both have.
    pub documents: usize,
    /// Exact span matches per label ([`Comparison::labels`] order).
    pub exact: Vec<Score>,
    /// Relaxed span matches per label.
    pub relaxed: Vec<Score>,
    /// Token decisions per label.
    pub tokens: Vec<KappaCounts>,
    /// Link matches per link type ([`Comparison::link_types`] order).
    pub links: Vec<Score>,
    /// Labels on the ranges they marked.
    pub confusion: Confusion,
}

impl PairFigures {
    fn new(a: usize, b: usize, labels: usize, link_types: usize) -> Self {
        Self {
            a,
            b,
            documents: 0,
            exact: vec![Score::default(); labels],
            relaxed: vec![Score::default(); labels],
            tokens: vec![KappaCounts::default(); labels],
            links: vec![Score::default(); link_types],
            confusion: Confusion::new(labels),
        }
    }

    /// Exact span matches over all labels.
    pub fn exact_overall(&self) -> Score {
        total(&self.exact)
    }

    /// Relaxed span matches over all labels.
    pub fn relaxed_overall(&self) -> Score {
        total(&self.relaxed)
    }

    /// Link matches over all link types.
    pub fn links_overall(&self) -> Score {
        total(&self.links)
    }

    /// Token-level Cohen's kappa for a label; `None` when undefined.
    pub fn kappa(&self, label: usize) -> Option<f64> {
        self.tokens.get(label).and_then(|c| c.kappa())
    }

    /// The mean of [`PairFigures::kappa`] over the labels where it is defined.
    pub fn kappa_macro(&self) -> Option<f64> {
        mean((0..self.tokens.len()).filter_map(|l| self.kappa(l)))
    }

    fn add(&mut self, other: &PairFigures) {
        self.documents += other.documents;
        for (mine, more) in self.exact.iter_mut().zip(&other.exact) {
            mine.add(*more);
        }
        for (mine, more) in self.relaxed.iter_mut().zip(&other.relaxed) {
            mine.add(*more);
        }
        for (mine, more) in self.tokens.iter_mut().zip(&other.tokens) {
            mine.add(*more);
        }
        for (mine, more) in self.links.iter_mut().zip(&other.links) {
            mine.add(*more);
        }
        self.confusion.add(&other.confusion);
    }
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (total, count) = values.fold((0.0, 0usize), |(t, c), v| (t + v, c + 1));
    (count > 0).then(|| total / count as f64)
}

/// The figures of one document, or of the whole project.
#[derive(Clone, Debug, PartialEq)]
pub struct Figures {
    /// Every pair of annotators `(a, b)`, `a < b`, ordered by `a` then `b`. A pair that
    /// has no document in common here has `documents == 0` and undefined figures.
    pub pairs: Vec<PairFigures>,
    /// Krippendorff's alpha counts per label.
    pub alpha: Vec<AlphaCounts>,
    /// Documents that at least two annotators have.
    pub documents: usize,
}

impl Figures {
    fn new(annotators: usize, labels: usize, link_types: usize) -> Self {
        let mut pairs = Vec::new();
        for a in 0..annotators {
            for b in a + 1..annotators {
                pairs.push(PairFigures::new(a, b, labels, link_types));
            }
        }
        Self {
            pairs,
            alpha: vec![AlphaCounts::default(); labels],
            documents: 0,
        }
    }

    /// The figures between annotators `a` and `b` (in either order).
    pub fn pair(&self, a: usize, b: usize) -> Option<&PairFigures> {
        let (a, b) = (a.min(b), a.max(b));
        self.pairs.iter().find(|p| (p.a, p.b) == (a, b))
    }

    /// The mean over pairs of the label's kappa, over the pairs where it is defined.
    pub fn mean_kappa(&self, label: usize) -> Option<f64> {
        mean(self.pairs.iter().filter_map(|p| p.kappa(label)))
    }

    /// The mean of [`Figures::mean_kappa`] over the labels where it is defined.
    pub fn mean_kappa_macro(&self) -> Option<f64> {
        mean((0..self.alpha.len()).filter_map(|l| self.mean_kappa(l)))
    }

    /// Krippendorff's alpha (nominal) of the label's token decisions.
    pub fn alpha(&self, label: usize) -> Option<f64> {
        self.alpha.get(label).and_then(|c| c.alpha())
    }

    /// The mean of [`Figures::alpha`] over the labels where it is defined.
    pub fn alpha_macro(&self) -> Option<f64> {
        mean((0..self.alpha.len()).filter_map(|l| self.alpha(l)))
    }

    fn add(&mut self, other: &Figures) {
        self.documents += other.documents;
        for (mine, more) in self.pairs.iter_mut().zip(&other.pairs) {
            mine.add(more);
        }
        for (mine, more) in self.alpha.iter_mut().zip(&other.alpha) {
            mine.add(*more);
        }
    }

    /// The figures of one document of `comparison`. Documents that fewer than two
    /// annotators have give empty figures (`documents == 0`).
    pub fn of_document(comparison: &Comparison, document: &ReviewDocument) -> Self {
        let labels = comparison.labels.len();
        let mut figures = Self::new(
            comparison.annotators.len(),
            labels,
            comparison.link_types.len(),
        );
        let present = document.annotators();
        if present.len() < 2 {
            return figures;
        }
        figures.documents = 1;
        let tokens = tokens::tokens(&document.text);
        // Per annotator and label: the ranges of their spans (in start order), and the
        // tokens those cover.
        let annotators = comparison.annotators.len();
        let mut ranges: Vec<Vec<Vec<(usize, usize)>>> = vec![vec![Vec::new(); labels]; annotators];
        for span in &document.spans {
            for a in span.annotators.iter() {
                if let Some(list) = ranges.get_mut(a).and_then(|r| r.get_mut(span.label)) {
                    list.push((span.start, span.end));
                }
            }
        }
        let covered: Vec<Vec<Bits>> = ranges
            .iter()
            .map(|by_label| {
                by_label
                    .iter()
                    .map(|r| tokens::covered(&tokens, r))
                    .collect()
            })
            .collect();
        let token_count = tokens.len() as u64;
        for pair in &mut figures.pairs {
            let both = AnnotatorSet::one(pair.a).with(pair.b);
            if present.and(both) != both {
                continue;
            }
            pair.documents = 1;
            pair_figures(pair, document, &ranges, &covered, token_count);
        }
        // Alpha: every token of the document is decided by every annotator who has it;
        // `yes[t]` counts those who put token t in the label.
        let m = present.len() as u64;
        let mut yes = vec![0u8; tokens.len()];
        for (label, counts) in figures.alpha.iter_mut().enumerate() {
            yes.fill(0);
            let mut yes_total = 0;
            for a in present.iter() {
                for t in covered[a][label].ones() {
                    yes[t] += 1;
                    yes_total += 1;
                }
            }
            let disagreement: u64 = yes.iter().map(|&y| u64::from(y) * (m - u64::from(y))).sum();
            *counts = AlphaCounts {
                disagreement: disagreement as f64 / (m - 1) as f64,
                yes: yes_total,
                no: m * token_count - yes_total,
            };
        }
        figures
    }
}

/// Exact, relaxed, token, link and confusion counts of one pair on one document.
fn pair_figures(
    pair: &mut PairFigures,
    document: &ReviewDocument,
    ranges: &[Vec<Vec<(usize, usize)>>],
    covered: &[Vec<Bits>],
    token_count: u64,
) {
    let (a, b) = (pair.a, pair.b);
    for span in &document.spans {
        let score = &mut pair.exact[span.label];
        let (has_a, has_b) = (span.annotators.contains(a), span.annotators.contains(b));
        score.a += u64::from(has_a);
        score.b += u64::from(has_b);
        score.matched += u64::from(has_a && has_b);
    }
    for (label, score) in pair.relaxed.iter_mut().enumerate() {
        let (spans_a, spans_b) = (&ranges[a][label], &ranges[b][label]);
        *score = Score {
            matched: relaxed_matches(spans_a, spans_b),
            a: spans_a.len() as u64,
            b: spans_b.len() as u64,
        };
    }
    for (label, counts) in pair.tokens.iter_mut().enumerate() {
        let (in_a, in_b) = (&covered[a][label], &covered[b][label]);
        let both = in_a.count_both(in_b);
        let (yes_a, yes_b) = (in_a.count(), in_b.count());
        *counts = KappaCounts {
            both,
            only_a: yes_a - both,
            only_b: yes_b - both,
            neither: token_count + both - yes_a - yes_b,
        };
    }
    for link in &document.links {
        let score = &mut pair.links[link.link_type];
        let (has_a, has_b) = (link.annotators.contains(a), link.annotators.contains(b));
        score.a += u64::from(has_a);
        score.b += u64::from(has_b);
        score.matched += u64::from(has_a && has_b);
    }
    confusion(&mut pair.confusion, document, a, b);
}

/// A pair the relaxed matching may take, in the order it considers them: the overlap
/// (largest first), the pair's earlier and later range, then the spans' indices in `a`
/// and `b`.
type RelaxedPair = (
    std::cmp::Reverse<usize>,
    (usize, usize),
    (usize, usize),
    u32,
    u32,
);

/// How many one-to-one pairs of overlapping spans (one of `a`'s, one of `b`'s, both of
/// one label, each list in start order) the greedy matching makes: pairs with the
/// largest overlap in code points first; ties in reading order, by the pair's earlier
/// span (start, then end), then its later one. The order depends only on the two ranges,
/// not on whose they are, so swapping `a` and `b` gives the same count.
pub fn relaxed_matches(a: &[(usize, usize)], b: &[(usize, usize)]) -> u64 {
    relaxed_pairs(a, b).len() as u64
}

/// The pairs [`relaxed_matches`] counts, as indices `(into a, into b)`, in the order the
/// matching takes them.
pub fn relaxed_pairs(a: &[(usize, usize)], b: &[(usize, usize)]) -> Vec<(usize, usize)> {
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    // Running maximum of b's ends, to skip the b spans that end before an a span starts.
    let max_end: Vec<usize> = b
        .iter()
        .scan(0, |max, &(_, end)| {
            *max = end.max(*max);
            Some(*max)
        })
        .collect();
    let mut pairs: Vec<RelaxedPair> = Vec::with_capacity(a.len() + b.len());
    for (i, &(start, end)) in a.iter().enumerate() {
        let first = max_end.partition_point(|&e| e <= start);
        let last = b.partition_point(|&(s, _)| s < end);
        for (j, &(b_start, b_end)) in b.iter().enumerate().take(last).skip(first) {
            if b_end <= start {
                continue;
            }
            let overlap = end.min(b_end) - start.max(b_start);
            let (earlier, later) = if (start, end) <= (b_start, b_end) {
                ((start, end), (b_start, b_end))
            } else {
                ((b_start, b_end), (start, end))
            };
            pairs.push((
                std::cmp::Reverse(overlap),
                earlier,
                later,
                i as u32,
                j as u32,
            ));
        }
    }
    pairs.sort_unstable();
    let (mut used_a, mut used_b) = (vec![false; a.len()], vec![false; b.len()]);
    let mut matched = Vec::new();
    for (_, _, _, i, j) in pairs {
        let (i, j) = (i as usize, j as usize);
        if !used_a[i] && !used_b[j] {
            used_a[i] = true;
            used_b[j] = true;
            matched.push((i, j));
        }
    }
    matched
}

/// Adds one document's spans of `a` and `b` to the confusion matrix (see [`Confusion`]).
fn confusion(matrix: &mut Confusion, document: &ReviewDocument, a: usize, b: usize) {
    let none = matrix.none();
    let spans = &document.spans;
    let mut i = 0;
    while i < spans.len() {
        let range = (spans[i].start, spans[i].end);
        let end = i + spans[i..]
            .iter()
            .take_while(|s| (s.start, s.end) == range)
            .count();
        // Labels at this range (ascending, as the spans are ordered by label index).
        let (mut only_a, mut only_b) = (Vec::new(), Vec::new());
        for span in &spans[i..end] {
            match (span.annotators.contains(a), span.annotators.contains(b)) {
                (true, true) => matrix.bump(span.label, span.label),
                (true, false) => only_a.push(span.label),
                (false, true) => only_b.push(span.label),
                (false, false) => {}
            }
        }
        for k in 0..only_a.len().max(only_b.len()) {
            let row = only_a.get(k).copied().unwrap_or(none);
            let column = only_b.get(k).copied().unwrap_or(none);
            matrix.bump(row, column);
        }
        i = end;
    }
}

/// Agreement over a whole comparison: per document, and for the project.
#[derive(Clone, Debug, PartialEq)]
pub struct Agreement {
    /// The sums over all documents.
    pub project: Figures,
    /// Per document of [`Comparison::documents`] (same order); `None` for a document
    /// fewer than two annotators have.
    pub documents: Vec<Option<Figures>>,
}

impl Agreement {
    /// Measures every document of the comparison and sums the counts.
    pub fn new(comparison: &Comparison) -> Self {
        let mut project = Figures::new(
            comparison.annotators.len(),
            comparison.labels.len(),
            comparison.link_types.len(),
        );
        // Documents are measured independently, on all cores; the sums are taken in
        // document order so the figures are the same on any machine.
        let documents = super::parallel_map(&comparison.documents, |document| {
            document
                .is_compared()
                .then(|| Figures::of_document(comparison, document))
        });
        for figures in documents.iter().flatten() {
            project.add(figures);
        }
        Self { project, documents }
    }
}

#[cfg(test)]
mod tests;
