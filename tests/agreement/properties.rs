//! Properties for any annotations: a file agrees perfectly with itself, every pairwise
//! figure is symmetric in the two annotators (the confusion matrix transposes), and a
//! pair's figures do not depend on who else is compared.

use marginalia::model::Project;
use marginalia::review::{Agreement, PairFigures};
use proptest::prelude::*;

use crate::support::{Rng, base_spans, document, measure, project, text, vary};

/// Two or three annotators' projects over the same texts, from one seed.
fn annotators(seed: u64, documents: usize, spans: usize, keep: usize, n: usize) -> Vec<Project> {
    let mut rng = Rng(seed);
    let texts: Vec<String> = (0..documents)
        .map(|_| {
            let words = 10 + rng.below(60);
            text(&mut rng, words)
        })
        .collect();
    let bases: Vec<Vec<(usize, usize, usize)>> = texts
        .iter()
        .map(|t| base_spans(&mut rng, t.chars().count(), spans))
        .collect();
    let link_every = 1 + rng.below(3);
    (0..n)
        .map(|a| {
            let docs = texts
                .iter()
                .zip(&bases)
                .enumerate()
                .map(|(d, (t, base))| {
                    let spans = vary(&mut rng, base, t.chars().count(), keep);
                    document(&format!("doc-{d}"), t, &spans, link_every)
                })
                .collect();
            project(&format!("annotator-{a}"), docs)
        })
        .collect()
}

fn perfect(value: Option<f64>) -> bool {
    value.is_none_or(|v| (v - 1.0).abs() < 1e-12)
}

fn same(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-12,
        (None, None) => true,
        _ => false,
    }
}

/// The pair's figures, each defined one compared by `same`.
fn figures_agree(p: &PairFigures, q: &PairFigures, transposed: bool) -> Result<(), TestCaseError> {
    let labels = p.exact.len();
    prop_assert_eq!(p.documents, q.documents);
    for l in 0..labels {
        prop_assert!(
            same(p.exact[l].f1(), q.exact[l].f1()),
            "exact F1 of label {}",
            l
        );
        prop_assert!(
            same(p.relaxed[l].f1(), q.relaxed[l].f1()),
            "relaxed F1 of label {}",
            l
        );
        prop_assert!(same(p.kappa(l), q.kappa(l)), "kappa of label {}", l);
    }
    prop_assert!(same(p.kappa_macro(), q.kappa_macro()));
    prop_assert!(same(p.links_overall().f1(), q.links_overall().f1()));
    let size = p.confusion.size;
    for r in 0..size {
        for c in 0..size {
            let other = if transposed {
                q.confusion.get(c, r)
            } else {
                q.confusion.get(r, c)
            };
            prop_assert_eq!(
                p.confusion.get(r, c),
                other,
                "confusion cell ({}, {})",
                r,
                c
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_file_agrees_perfectly_with_itself(
        seed in any::<u64>(), documents in 1usize..4, spans in 0usize..40,
    ) {
        let projects = annotators(seed, documents, spans, 100, 1);
        let (comparison, agreement) = measure(&[&projects[0], &projects[0].clone()]);
        prop_assert_eq!(comparison.disagreement_count(), 0);
        let check = |agreement: &Agreement| -> Result<(), TestCaseError> {
            let figures = &agreement.project;
            let pair = &figures.pairs[0];
            prop_assert!(perfect(pair.exact_overall().f1()));
            prop_assert!(perfect(pair.relaxed_overall().f1()));
            prop_assert!(perfect(pair.links_overall().f1()));
            prop_assert!(perfect(pair.kappa_macro()));
            prop_assert!(perfect(figures.alpha_macro()));
            for l in 0..comparison.labels.len() {
                prop_assert!(perfect(pair.exact[l].f1()));
                prop_assert!(perfect(pair.relaxed[l].f1()));
                prop_assert!(perfect(pair.kappa(l)));
                prop_assert!(perfect(figures.alpha(l)));
            }
            // Nothing off the diagonal.
            let m = &pair.confusion;
            for r in 0..m.size {
                for c in 0..m.size {
                    prop_assert!(r == c || m.get(r, c) == 0);
                }
            }
            Ok(())
        };
        check(&agreement)?;
        // The same holds per document.
        for figures in agreement.documents.iter().flatten() {
            let single = Agreement { project: figures.clone(), documents: Vec::new() };
            check(&single)?;
        }
    }

    #[test]
    fn pairwise_figures_are_symmetric(
        seed in any::<u64>(), documents in 1usize..4, spans in 0usize..40, keep in 0usize..100,
    ) {
        let projects = annotators(seed, documents, spans, keep, 2);
        let (_, ab) = measure(&[&projects[0], &projects[1]]);
        let (_, ba) = measure(&[&projects[1], &projects[0]]);
        figures_agree(&ab.project.pairs[0], &ba.project.pairs[0], true)?;
        prop_assert!(same(ab.project.alpha_macro(), ba.project.alpha_macro()));
        prop_assert_eq!(ab.project.pairs[0].exact_overall().matched, ba.project.pairs[0].exact_overall().matched);
        prop_assert_eq!(ab.project.pairs[0].relaxed_overall().matched, ba.project.pairs[0].relaxed_overall().matched);
    }

    #[test]
    fn a_pair_measures_the_same_among_three(
        seed in any::<u64>(), documents in 1usize..4, spans in 0usize..40, keep in 0usize..100,
    ) {
        let projects = annotators(seed, documents, spans, keep, 3);
        let (_, three) = measure(&[&projects[0], &projects[1], &projects[2]]);
        for (a, b) in [(0, 1), (0, 2), (1, 2)] {
            let (_, two) = measure(&[&projects[a], &projects[b]]);
            let among_three = three.project.pair(a, b).expect("pair");
            figures_agree(among_three, &two.project.pairs[0], false)?;
        }
        // The mean pairwise kappa is the mean of the pairs' kappas.
        for l in 0..4 {
            let kappas: Vec<f64> = three.project.pairs.iter().filter_map(|p| p.kappa(l)).collect();
            let mean = (!kappas.is_empty()).then(|| kappas.iter().sum::<f64>() / kappas.len() as f64);
            prop_assert!(same(three.project.mean_kappa(l), mean));
        }
    }
}
