"""A blind-reading kit: the held-out reviews as plain text for people to tag, and their score.

How far is the tagger from a careful reader? ``scr eval-themes --blind DIR`` writes the
held-out documents that ``scr eval-themes`` scores (same cases and seed) to ``DIR/documents``
(one ``doc-NNN.txt`` each), the core themes' labels and definitions to
``DIR/documents/THEMES.md``, and the truth apart to ``DIR/truth.json``. Give readers the
``documents`` folder only; each writes a JSON object ``{"doc-000.txt": ["neglect", ...], ...}``.
``scr eval-themes --blind DIR --answers FILE`` scores such a file exactly as the tagger is
scored (:func:`app.eval_held_out.score_both`: micro and per-theme F1 with intervals over cases
and passages, denied themes tagged, the written-for figures beside).
"""

from __future__ import annotations

import json
from pathlib import Path

from analysis.taxonomy import CORE_THEMES, load_taxonomy
from app.eval_held_out import HeldOutDoc, held_out_documents, score_both
from ingest.errors import AtlasError

TRUTH = "truth.json"
DOCUMENTS = "documents"
READER_BRIEF = """# Core themes

Tag a review for a theme when its text shows the theme was a feature of this case (something
the child or family experienced, or a practice issue that arose in it); not when the review
only denies it, mentions it in boilerplate (terms of reference, glossary, agency names,
training priorities, generic recommendations) or attaches it to another person than the
definition needs (the child's own depression is not parental mental ill health). Child sexual
exploitation counts as sexual abuse as well as exploitation.

Answer with a JSON object: {"doc-000.txt": ["theme_id", ...], ...}, every document a key.

"""


def write_kit(directory: Path, n_cases: int, seed: int = 0) -> int:
    """Write the kit for ``n_cases`` held-out cases; returns the number of documents."""
    folder = directory / DOCUMENTS
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AtlasError(f"cannot write the kit to {directory}: {exc.strerror or exc}") from None
    docs = held_out_documents(n_cases, seed)
    themes = {t.id: t for t in load_taxonomy()}
    lines = [f"- {tid}: {themes[tid].label}. {themes[tid].definition}" for tid in CORE_THEMES]
    (folder / "THEMES.md").write_text(READER_BRIEF + "\n".join(lines) + "\n", encoding="utf-8")
    truth = {}
    for i, doc in enumerate(docs):
        name = f"doc-{i:03d}.txt"
        (folder / name).write_text("\n\n".join(doc.pages) + "\n", encoding="utf-8")
        truth[name] = doc.truth()
    (directory / TRUTH).write_text(json.dumps({"cases": n_cases, "seed": seed,
                                               "documents": truth}, indent=1) + "\n",
                                   encoding="utf-8")
    return len(docs)


def _read_json(path: Path, what: str) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AtlasError(f"no {what} at {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AtlasError(f"cannot read {what} {path}: {exc}") from None
    if not isinstance(data, dict):
        raise AtlasError(f"{what} {path} is not a JSON object")
    return data


def score_answers(directory: Path, answers_path: Path) -> dict:
    """Score a reader's answers against the kit's truth, as the tagger is scored."""
    truth = _read_json(directory / TRUTH, "blind-reading kit (run `scr eval-themes --blind "
                                          "DIR` first)").get("documents") or {}
    answers = _read_json(answers_path, "answers file")
    missing = sorted(set(truth) - set(answers))
    if missing:
        raise AtlasError(f"the answers leave out {len(missing)} of {len(truth)} documents "
                         f"(first: {missing[0]})")
    core = set(CORE_THEMES)
    docs, predicted = [], []
    for name, row in sorted(truth.items()):
        tags = answers[name]
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise AtlasError(f"answers for {name} are not a list of theme ids")
        unknown = sorted(set(tags) - core)
        if unknown:
            raise AtlasError(f"answers for {name} name themes that are not core themes: "
                             f"{', '.join(unknown)}")
        try:
            docs.append(HeldOutDoc.from_truth(row))
        except (KeyError, TypeError):
            raise AtlasError(f"the kit's truth for {name} is damaged: write the kit "
                             "again") from None
        predicted.append(set(tags))
    return score_both(docs, predicted)
