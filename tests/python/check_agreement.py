#!/usr/bin/env python3
"""Computes agreement figures independently of Marginalia, from the same annotations.

Usage: check_agreement.py INPUT.json

INPUT holds the labels, the annotators, and per document its tokens ([start, end) in
code points, as Marginalia segments the text) and each annotator's spans
([start, end, label], or null when their file lacks the document). This script decides
for itself which tokens each annotator put in each label (a token is in L when one of
the annotator's L spans shares a character with it), then computes:

- exact span F1 per pair, from sets of (document, start, end, label);
- token-level Cohen's kappa per pair and label with scikit-learn's cohen_kappa_score,
  over the tokens of the documents both annotators have;
- Krippendorff's alpha (nominal) per label with the krippendorff package, one unit per
  token, missing values for annotators whose file lacks the document.

Prints the figures as JSON (null where a figure is undefined). Needs
`pip install krippendorff scikit-learn numpy`.
"""

import json
import math
import sys
import warnings

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score


def decisions(tokens, spans, label):
    return [
        1 if any(s < te and e > ts for s, e, l in spans if l == label) else 0
        for ts, te in tokens
    ]


def main(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    labels, annotators, documents = data["labels"], data["annotators"], data["documents"]
    n = len(annotators)
    out = {"exact_f1": {}, "kappa": {}, "alpha": {}}
    for a in range(n):
        for b in range(a + 1, n):
            key = f"{annotators[a]}/{annotators[b]}"
            set_a, set_b = set(), set()
            kappa = {}
            for label in labels:
                ya, yb = [], []
                for d, doc in enumerate(documents):
                    sa, sb = doc["spans"][a], doc["spans"][b]
                    if sa is None or sb is None:
                        continue
                    ya += decisions(doc["tokens"], sa, label)
                    yb += decisions(doc["tokens"], sb, label)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    value = cohen_kappa_score(ya, yb) if ya else float("nan")
                kappa[label] = None if math.isnan(value) else float(value)
            for d, doc in enumerate(documents):
                sa, sb = doc["spans"][a], doc["spans"][b]
                if sa is None or sb is None:
                    continue
                set_a |= {(d, s, e, l) for s, e, l in sa}
                set_b |= {(d, s, e, l) for s, e, l in sb}
            total = len(set_a) + len(set_b)
            out["exact_f1"][key] = 2 * len(set_a & set_b) / total if total else None
            out["kappa"][key] = kappa
    for label in labels:
        rows = [[] for _ in range(n)]
        for doc in documents:
            present = [s is not None for s in doc["spans"]]
            if sum(present) < 2:
                continue
            for a in range(n):
                spans = doc["spans"][a]
                if spans is None:
                    rows[a] += [np.nan] * len(doc["tokens"])
                else:
                    rows[a] += decisions(doc["tokens"], spans, label)
        try:
            value = krippendorff.alpha(
                reliability_data=np.array(rows, dtype=float), level_of_measurement="nominal"
            )
            out["alpha"][label] = None if math.isnan(value) else float(value)
        except ValueError:
            # "There has to be more than one value in the domain": undefined.
            out["alpha"][label] = None
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
