#!/usr/bin/env python3
"""Checks that Marginalia's exports load in the tools people train with.

Usage: check_exports.py SPACY_JSONL CONLL [CONLL_SPANS]
       check_exports.py --conll CONLL [CONLL_SPANS]   (seqeval only)

- spaCy: every line's tokens and `ws` flags rebuild the text exactly, and
  `Doc.char_span(start, end, label, alignment_mode="strict")` finds every span.
- seqeval: the CoNLL file reads as IOB2 sentences, `classification_report` of the file
  against itself runs, and (given CONLL_SPANS, the number of spans the export reported
  written) seqeval finds exactly that many entities: none split, merged or lost.
  seqeval's strict IOB2 mode must find the very same entities as its lenient default
  (an `I-` with no `B-` before it counts in one and not the other), and nothing may
  raise a warning.

Exits 0 when all holds, 1 with a message otherwise. Needs `pip install spacy seqeval`.
"""

import json
import sys
import warnings

from seqeval.metrics import classification_report
from seqeval.metrics.sequence_labeling import get_entities
from seqeval.scheme import IOB2, Entities


def check_spacy(path):
    import spacy
    from spacy.tokens import Doc

    nlp = spacy.blank("en")
    documents = spans = 0
    with open(path, encoding="utf-8", newline="") as lines:
        for number, line in enumerate(lines, 1):
            task = json.loads(line)
            if task["meta"]["offsets"] != "codepoints":
                sys.exit(f"{path}:{number}: offsets are {task['meta']['offsets']}; spaCy counts code points")
            words = [token["text"] for token in task["tokens"]]
            spaces = [token["ws"] for token in task["tokens"]]
            doc = Doc(nlp.vocab, words=words, spaces=spaces)
            if doc.text != task["text"]:
                sys.exit(f"{path}:{number}: the tokens do not rebuild the text")
            for token, want in zip(doc, task["tokens"]):
                if (token.idx, token.idx + len(token.text)) != (want["start"], want["end"]):
                    sys.exit(f"{path}:{number}: token {want['id']} is at {token.idx} in spaCy")
            group = []
            for span in task["spans"]:
                found = doc.char_span(span["start"], span["end"], label=span["label"], alignment_mode="strict")
                if found is None:
                    sys.exit(f"{path}:{number}: char_span finds no span at [{span['start']}, {span['end']})")
                if (found.start, found.end - 1) != (span["token_start"], span["token_end"]):
                    sys.exit(f"{path}:{number}: span [{span['start']}, {span['end']}) is not on its tokens")
                group.append(found)
            doc.spans["marginalia"] = group
            documents += 1
            spans += len(group)
    print(f"spacy {spacy.__version__}: {documents} documents, {spans} spans, all aligned strictly")


def check_conll(path, expected=None):
    sentences, sentence = [], []
    with open(path, encoding="utf-8", newline="") as lines:
        for number, line in enumerate(lines, 1):
            line = line.rstrip("\n")
            if not line:
                if sentence:
                    sentences.append(sentence)
                sentence = []
                continue
            token, tag = line.split("\t")
            if token == "-DOCSTART-":
                continue
            if not token or token != token.strip():
                sys.exit(f"{path}:{number}: token {token!r} is empty or has whitespace")
            if tag != "O" and tag[:2] not in ("B-", "I-"):
                sys.exit(f"{path}:{number}: tag {tag!r} is not IOB2")
            sentence.append(tag)
    if sentence:
        sentences.append(sentence)
    # IOB2: an I- tag only ever continues a span of the same label.
    for tags in sentences:
        for before, tag in zip(["O"] + tags, tags):
            if tag.startswith("I-") and before[2:] != tag[2:]:
                sys.exit(f"{path}: {tag} after {before} is not IOB2")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        entities = get_entities(sentences)
        strict = [
            (entity.tag, entity.start, entity.end)
            for found in Entities(sentences, IOB2).entities
            for entity in found
        ]
        if len(strict) != len(entities):
            sys.exit(f"{path}: strict IOB2 finds {len(strict)} entities, lenient {len(entities)}")
        classification_report(sentences, sentences, zero_division=0)
        classification_report(sentences, sentences, mode="strict", scheme=IOB2, zero_division=0)
    if expected is not None and len(entities) != expected:
        sys.exit(f"{path}: seqeval finds {len(entities)} entities; the export wrote {expected} spans")
    print(f"seqeval: {len(sentences)} sentences, {len(entities)} entities")


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    if sys.argv[1] != "--conll":
        check_spacy(sys.argv[1])
    check_conll(sys.argv[2], int(sys.argv[3]) if len(sys.argv) == 4 else None)


if __name__ == "__main__":
    main()
