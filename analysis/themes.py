"""Theme tagging with evidence: which risk factors and practice themes a review is about.

Method (described in the README): the text is split into sentences, page by page, skipping
boilerplate (terms of reference, methodology, glossary, review criteria, training priorities).

- Rules (:mod:`analysis.theme_rules`): each theme's strong and weak patterns (data/taxonomy.toml)
  are matched per sentence; a match counts as evidence unless it is negated, names an agency,
  or (for carer themes) is not about a parent or carer.
- The classifier (:mod:`analysis.theme_model`, core themes only): a logistic regression over
  negation-marked word n-grams plus the rule counts, times an assertion model, scores every
  window of three consecutive sentences; a core theme is present when some window reaches the
  model's cross-validated threshold, and its evidence is the sentences of its best windows.
- Themes without training passages (the taxonomy's non-core themes) use the rules alone: a
  strong sentence scores 2, a weak one 1, and the theme is present at 2 or more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from analysis.taxonomy import CORE_THEMES, Theme, load_taxonomy
from analysis.theme_model import ThemeModel, load_model, window_probabilities
from analysis.theme_rules import (
    BOILER_SECTION,
    BOILER_SENTENCE,
    HEADING,
    sentence_hits,
    sentence_units,
    sentences,
)

__all__ = ["BOILER_SECTION", "BOILER_SENTENCE", "HEADING", "TAGGER_VERSION", "ThemeTag",
           "sentences", "tag_pages"]

TAGGER_VERSION = 3  # 3: learned classifier for the core themes
THRESHOLD = 2
MAX_EVIDENCE = 5


@dataclass
class ThemeTag:
    theme: str
    score: float = 0.0  # rule score (non-core themes) or best window probability (core)
    evidence: list[dict] = field(default_factory=list)
    present: bool = False

    def as_row(self) -> dict:
        return {"theme": self.theme, "score": self.score, "present": self.present,
                "evidence": self.evidence[:MAX_EVIDENCE]}


def _evidence(page: int, sentence: str, match: str, strength: int, **extra: float) -> dict:
    return {"page": page, "sentence": sentence[:600], "match": match, "strength": strength,
            **extra}


def _apply_model(model: ThemeModel, themes: Sequence[Theme], tags: dict[str, ThemeTag],
                 units: list[tuple[int, str, str]], hits: list[dict]) -> None:
    """Score every window of sentences; a core theme's best windows become its evidence."""
    probs, spans = window_probabilities(model, [u[1] for u in units], hits, themes)
    cutoff = model.threshold
    for j, theme_id in enumerate(model.themes):
        tag = tags.get(theme_id)
        if tag is None:
            continue
        column = probs[:, j]
        tag.score = round(float(column.max()), 3) if len(column) else 0.0
        tag.present = tag.score >= cutoff
        tag.evidence = []
        used: set[int] = set()
        for i in np.argsort(-column, kind="stable")[: MAX_EVIDENCE * 3]:
            if column[i] < cutoff or len(tag.evidence) >= MAX_EVIDENCE:
                break
            a, b = spans[i]
            # the window's sentence that the rules tie to the theme, else its centre
            k = next((k for k in range(a, b) if theme_id in hits[k]), int(i))
            if k in used:
                continue
            used.add(k)
            weight, match = hits[k].get(theme_id, (1, ""))
            tag.evidence.append(_evidence(units[k][0], units[k][1], match, weight,
                                          probability=round(float(column[i]), 3)))


def tag_pages(pages: Sequence[str], themes: Sequence[Theme] | None = None,
              model: ThemeModel | None | bool = True) -> list[ThemeTag]:
    """Score every theme over a document's pages (page 1 first); returns one tag per theme.

    ``model``: True for the trained classifier, a :class:`ThemeModel`, or None/False for the
    rules alone.
    """
    themes = themes or load_taxonomy()
    tags = {t.id: ThemeTag(t.id) for t in themes}
    units = sentence_units(pages)
    hits = [sentence_hits(sentence, prior, themes) for _, sentence, prior in units]
    for (page, sentence, _), found in zip(units, hits, strict=True):
        for theme_id, (weight, match) in found.items():
            tag = tags[theme_id]
            tag.score += weight
            tag.evidence.append(_evidence(page, sentence, match, weight))
    for tag in tags.values():
        tag.present = tag.score >= THRESHOLD
        tag.evidence.sort(key=lambda e: (-e["strength"], e["page"]))
    if model is True:
        model = load_model()
    if model and units and any(t in tags for t in CORE_THEMES):
        _apply_model(model, themes, tags, units, hits)
    elif model:
        for theme_id in CORE_THEMES:
            if theme_id in tags:
                tags[theme_id] = ThemeTag(theme_id)
    return list(tags.values())
