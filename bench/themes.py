"""The theme tagger's speed: rule matching with the word-key prefilter against running every
pattern, and whole-document tagging with the classifier, on the sample's own passages.

Documents are composed deterministically from the tuning passages of the bank (random.Random
seeded): ``--docs`` documents of ``--paragraphs`` paragraphs each. It prints, measured in the same
run:

* rules over every sentence: seconds with :class:`analysis.signals.Signals` (the product) and
  with every pattern run on every sentence (the baseline), their ratio, and whether both found
  the same hits;
* whole documents through :func:`analysis.themes.tag_pages` (rules, window classifier and
  assertion model): sentences per second and milliseconds per document;
* the model's load time (from the cache, or training when the cache is cold).

    .venv/bin/python -m bench.themes --quick     # 20 documents
    .venv/bin/python -m bench.themes             # 100 documents of 60 paragraphs
"""

from __future__ import annotations

import argparse
import random
import time

from analysis.taxonomy import load_taxonomy
from analysis.theme_model import PLACEHOLDER_VALUES, load_model
from analysis.theme_rules import _counts_as_evidence, sentence_hits, sentence_units
from analysis.themes import tag_pages
from sampleweb.passages import load_passages
from sampleweb.wording import fill


def documents(n: int, paragraphs: int, seed: int = 7) -> list[list[str]]:
    """``n`` one-page documents of tuning passages (themes, denials, confusers, structure)."""
    bank = load_passages()
    pool = [p for t in bank.themes.values() for p in t.present + t.negated + t.confusers]
    pool += [p for items in bank.structure.values() for p in items]
    rng = random.Random(seed)
    return [["\n\n".join(fill(rng.choice(pool), PLACEHOLDER_VALUES)
                         for _ in range(paragraphs))]
            for _ in range(n)]


def naive_hits(sentence: str, prior: str, themes) -> dict[str, tuple[int, str]]:
    """The baseline: every pattern of every theme run on the sentence."""
    hits: dict[str, tuple[int, str]] = {}
    for theme in themes:
        for signals, weight in ((theme.strong, 2), (theme.weak, 1)):
            for pattern in signals.patterns:
                for m in pattern.finditer(sentence):
                    if _counts_as_evidence(theme, sentence, m, prior):
                        hits[theme.id] = (weight, m.group(0))
                        break
                if theme.id in hits:
                    break
            if theme.id in hits:
                break
    return hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--paragraphs", type=int, default=60)
    parser.add_argument("--quick", action="store_true", help="20 documents")
    args = parser.parse_args()
    n = 20 if args.quick else args.docs
    docs = documents(n, args.paragraphs)
    themes = load_taxonomy()
    units = [u for pages in docs for u in sentence_units(pages)]
    print(f"{n} documents, {len(units)} sentences outside boilerplate, "
          f"{sum(len(t.strong) + len(t.weak) for t in themes)} patterns")

    started = time.perf_counter()
    fast = [sentence_hits(s, prior, themes) for _, s, prior in units]
    fast_s = time.perf_counter() - started
    started = time.perf_counter()
    slow = [naive_hits(s, prior, themes) for _, s, prior in units]
    slow_s = time.perf_counter() - started
    same = sum(a.keys() == b.keys() for a, b in zip(fast, slow, strict=True))
    for label, seconds in (("prefiltered:  ", fast_s), ("every pattern:", slow_s)):
        print(f"rules, {label} {seconds:7.2f} s  "
              f"({1000 * seconds / len(units):.2f} ms a sentence)")
    print(f"speed-up: {slow_s / fast_s:.1f}x; same themes hit in {same} of {len(units)} sentences")

    started = time.perf_counter()
    load_model()
    print(f"model load: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    for pages in docs:
        tag_pages(pages, themes)
    tag_s = time.perf_counter() - started
    print(f"tag_pages: {tag_s:.2f} s, {len(units) / tag_s:.0f} sentences/s, "
          f"{1000 * tag_s / n:.0f} ms a document")


if __name__ == "__main__":
    main()
