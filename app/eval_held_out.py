"""The theme tagger on many held-out reviews, with confidence intervals (`scr eval-themes`).

The sample web's held-out part is small: about 40 documents from about 15 cases, so its theme
figures move by several points from one generated sample to the next, and a theme's F1 can rest
on two documents of one case. This composes many more held-out reviews with the sample
generator itself (the boards' cases, document types and layouts of
:func:`sampleweb.compose.compose_review`, every case drawing only held-out passages), skips
rendering and crawling, tags each document's text as the pipeline does
(:func:`analysis.themes.tag_pages`) and reports micro precision, recall and F1 and each core
theme's F1 with 95% bootstrap intervals. The bootstrap is two-way (Owen 2007): each round
resamples cases (a case's documents share its passages) and, independently, the held-out
passages, since a theme's figure rests on its 26-28 present passages as much as on the cases
drawn. A (document, theme) cell counts as often as its case was drawn, times the mean number of
times the passages bearing on that theme in that document were drawn (cells without such
passages: the case's count alone).

The truth is every theme a document's passages show (``Content.themes``: the themes the
present passages were written for and the other themes the annotators found in any of its
theme passages); the figures against the written-for themes alone are reported beside.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from analysis.taxonomy import CORE_THEMES

log = logging.getLogger(__name__)

DEFAULT_CASES = 150
BOOTSTRAP_ROUNDS = 1000


@dataclass
class HeldOutDoc:
    case: str
    doc_type: str
    pages: list[str]
    themes: set[str]  # every core theme its passages show
    planted: set[str]  # the core themes its present passages were written for
    denied: set[str]  # core themes it mentions only to deny
    # core theme -> ids of the passages bearing on it: written for it (present, denied or beside
    # the point) or showing it besides
    passages: dict[str, set[str]] = field(default_factory=dict)

    def truth(self) -> dict:
        """Everything but the text, JSON-ready (the blind-reading kit's truth)."""
        return {"case": self.case, "doc_type": self.doc_type, "themes": sorted(self.themes),
                "planted": sorted(self.planted), "denied": sorted(self.denied),
                "passages": {t: sorted(ids) for t, ids in sorted(self.passages.items())}}

    @classmethod
    def from_truth(cls, row: dict) -> HeldOutDoc:
        """A document without its text, from :meth:`truth`; KeyError or TypeError if damaged
        (a kit written before passages were recorded has none)."""
        passages = row.get("passages") or {}
        if not isinstance(passages, dict):
            raise TypeError("passages: not a mapping")
        return cls(row["case"], row["doc_type"], [], set(row["themes"]), set(row["planted"]),
                   set(row["denied"]), {str(t): set(ids) for t, ids in passages.items()})


def held_out_documents(n_cases: int = DEFAULT_CASES, seed: int = 0) -> list[HeldOutDoc]:
    """The review documents of ``n_cases`` cases planned as the sample web plans them, each
    composed from held-out passages only."""
    from sampleweb.boards import select_boards
    from sampleweb.cases import plan_cases
    from sampleweb.compose import compose_review
    from sampleweb.docplan import plan_case_docs
    from sampleweb.passages import load_passages

    bank = load_passages()
    core = set(CORE_THEMES)
    docs: list[HeldOutDoc] = []
    cases = 0
    round_ = 0
    while cases < n_cases:
        for board in select_boards(small=False):
            rng = random.Random(f"held-out-eval-{seed}-{round_}-{board.key}")
            for case in plan_cases(board, rng, small=False):
                if cases >= n_cases:
                    break
                case.held_out = True
                cases += 1
                for doc in plan_case_docs(board, case, rng):
                    content = compose_review(doc, board, bank, random.Random(
                        f"held-out-eval-{seed}-{round_}-{doc.id}"), None)
                    shown = content.themes & core
                    docs.append(HeldOutDoc(f"{round_}-{case.key}", doc.doc_type,
                                           [content.plain_text("\n\n")], shown,
                                           content.planted & core,
                                           (content.negated & core) - shown,
                                           {t: set(ids) for t, ids in content.passages.items()
                                            if t in core}))
        round_ += 1
    return docs


def _f1(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> np.ndarray:
    """F1, NaN where there is nothing to score (no positive, nothing tagged)."""
    return np.divide(2 * tp, 2 * tp + fp + fn, out=np.full(np.shape(tp), np.nan),
                     where=(2 * tp + fp + fn) > 0)


def _cells(docs: Sequence[HeldOutDoc], predicted: Sequence[set[str]], truth: str,
           ) -> tuple[np.ndarray, list[str], list[list[str]]]:
    """(docs x themes x (tp, fp, fn)) indicators, each document's case and, per (document,
    theme) cell in row-major order, the ids of the passages bearing on it."""
    counts = np.zeros((len(docs), len(CORE_THEMES), 3))
    passages: list[list[str]] = []
    for d, (doc, pred) in enumerate(zip(docs, predicted, strict=True)):
        gold = getattr(doc, truth)
        for j, theme in enumerate(CORE_THEMES):
            counts[d, j] = (theme in gold and theme in pred, theme in pred and theme not in gold,
                            theme in gold and theme not in pred)
            passages.append(sorted(doc.passages.get(theme, ())))
    return counts, [doc.case for doc in docs], passages


def _resampled(counts: np.ndarray, cases: Sequence[str], passages: Sequence[Sequence[str]],
               rounds: int, seed: int) -> np.ndarray:
    """(rounds x themes x 3) counts under the two-way bootstrap of cases and passages."""
    from scipy import sparse

    n_docs, n_themes = counts.shape[:2]
    if not n_docs or not rounds:
        return np.zeros((rounds, n_themes, 3))
    rng = np.random.default_rng(seed)
    index = {c: i for i, c in enumerate(sorted(set(cases)))}
    case_of = np.array([index[c] for c in cases], dtype=int)
    case_draws = np.stack([np.bincount(rng.integers(0, len(index), len(index)),
                                       minlength=len(index)) for _ in range(rounds)], axis=1)
    ids = sorted({p for cell in passages for p in cell})
    passage_draws = np.stack([np.bincount(rng.integers(0, len(ids), len(ids)),
                                          minlength=len(ids)) for _ in range(rounds)], axis=1)
    cells = counts.reshape(-1, 3)
    live = np.flatnonzero(cells.sum(axis=1))  # cells scoring nothing weigh nothing
    # a live cell's passage factor: the mean draw count of its passages (1 without any)
    col = {p: i for i, p in enumerate(ids)}
    rows, cols, vals = [], [], []
    for r, cell in enumerate(live):
        for p in passages[cell]:
            rows.append(r)
            cols.append(col[p])
            vals.append(1.0 / len(passages[cell]))
    mean_of = sparse.csr_matrix((vals, (rows, cols)), shape=(len(live), len(ids)))
    factor = mean_of @ passage_draws
    factor[[not passages[cell] for cell in live]] = 1.0
    weights = factor * case_draws[case_of[live // n_themes]]  # live cells x rounds
    boot = np.zeros((rounds, n_themes, 3))
    for t in range(n_themes):
        mine = live % n_themes == t
        boot[:, t] = weights[mine].T @ cells[live[mine]]
    return boot


def score(docs: Sequence[HeldOutDoc], predicted: Sequence[set[str]], truth: str = "themes",
          rounds: int = BOOTSTRAP_ROUNDS, seed: int = 0) -> dict:
    """Micro P/R/F1 and per-theme F1 (each with a 95% interval under the two-way bootstrap of
    cases and passages; none with ``rounds`` 0), and the share of denied themes tagged;
    ``truth``: "themes" or "planted"."""
    counts, cases, passages = _cells(docs, predicted, truth)
    denied = sum(len(doc.denied) for doc in docs)
    denied_tagged = sum(len(doc.denied & pred) for doc, pred in zip(docs, predicted, strict=True))
    boot = _resampled(counts, cases, passages, rounds, seed)  # rounds x themes x 3
    total, boot_total = counts.sum(axis=0), boot.sum(axis=1)  # micro: summed over themes

    def interval(values: np.ndarray) -> list[float] | None:
        values = values[~np.isnan(values)]  # resamples with nothing to score left out
        if not values.size:  # (or no rounds)
            return None
        return [round(float(v), 4) for v in np.percentile(values, (2.5, 97.5))]

    tp, fp, fn = total.sum(axis=0)
    micro_boot = _f1(*boot_total.T)
    per_theme = _f1(*total.T)
    per_theme_boot = _f1(boot[..., 0], boot[..., 1], boot[..., 2])
    theme_tp, theme_tagged, theme_shown = total[:, 0], total[:, :2].sum(1), total[:, [0, 2]].sum(1)
    return {
        "documents": len(docs), "cases": len(set(cases)), "truth": truth,
        "passages": len({p for cell in passages for p in cell}),
        "precision": round(float(tp / max(1, tp + fp)), 4),
        "recall": round(float(tp / max(1, tp + fn)), 4),
        "f1": round(float(np.nan_to_num(_f1(tp, fp, fn))), 4),
        "f1_interval": interval(micro_boot),
        # precision or recall None: nothing tagged, or no document shows the theme
        "per_theme": {theme: {"precision": (round(float(theme_tp[j] / theme_tagged[j]), 4)
                                            if theme_tagged[j] else None),
                              "recall": (round(float(theme_tp[j] / theme_shown[j]), 4)
                                         if theme_shown[j] else None),
                              "f1": round(float(np.nan_to_num(per_theme[j])), 4),
                              "interval": interval(per_theme_boot[:, j]),
                              "documents": int(total[j, 0] + total[j, 2])}
                      for j, theme in enumerate(CORE_THEMES)},
        "denied": denied, "denied_tagged_rate": round(denied_tagged / max(1, denied), 4),
    }


def evaluate_held_out(n_cases: int = DEFAULT_CASES, seed: int = 0,
                      tagger: Callable[[list[str]], set[str]] | None = None) -> dict:
    """Compose, tag and score; ``tagger`` (pages -> core themes) defaults to the pipeline's."""
    if tagger is None:
        from analysis.themes import tag_pages

        def tagger(pages: list[str]) -> set[str]:
            return {t.theme for t in tag_pages(pages) if t.present and t.theme in CORE_THEMES}

    docs = held_out_documents(n_cases, seed)
    log.info("tagging %d held-out documents of %d cases", len(docs), n_cases)
    predicted = []
    for i, doc in enumerate(docs, 1):
        predicted.append(tagger(doc.pages))
        if i % 100 == 0:
            log.info("tagged %d of %d", i, len(docs))
    return score_both(docs, predicted)


def score_both(docs: Sequence[HeldOutDoc], predicted: Sequence[set[str]]) -> dict:
    """The figures against every theme the documents show and against the written-for ones."""
    return {"shown": score(docs, predicted), "planted": score(docs, predicted, "planted")}


def format_held_out(result: dict) -> str:
    """A plain table of the figures."""
    shown, planted = result["shown"], result["planted"]

    def ci(values: list[float] | None) -> str:
        return f"[{values[0]:.3f}, {values[1]:.3f}]" if values else "[-]"

    lines = [f"held-out documents composed by the sample generator: {shown['documents']} "
             f"documents of {shown['cases']} cases"
             + (f", {shown['passages']} theme passages (intervals resample both)"
                if shown.get("passages") else " (intervals resample cases)"),
             f"micro P / R / F1 (95% interval)      {shown['precision']:.3f} / "
             f"{shown['recall']:.3f} / {shown['f1']:.3f} {ci(shown['f1_interval'])}",
             f"  against written-for themes only    {planted['precision']:.3f} / "
             f"{planted['recall']:.3f} / {planted['f1']:.3f} {ci(planted['f1_interval'])}",
             f"denied mentions tagged ({shown['denied']})          "
             f"{shown['denied_tagged_rate']:.3f}",
             "per core theme: F1 [95% interval] (documents showing it)"]
    for theme, row in sorted(shown["per_theme"].items(), key=lambda kv: kv[1]["f1"]):
        lines.append(f"  {theme:28s} {row['f1']:.3f} {ci(row['interval'])} ({row['documents']})")
    return "\n".join(lines)
