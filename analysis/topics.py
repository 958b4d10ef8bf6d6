"""The topic model: NMF over TF-IDF of review paragraphs (scikit-learn), k chosen by coherence.

Units are paragraphs (blank-line separated; short ones merged with the next until a unit has
:data:`MIN_UNIT_WORDS` words), each remembering its document and page. Before fitting:

* **Welsh** paragraphs (:func:`analysis.language.is_welsh`) are left out: Welsh boards publish
  in both languages, and Welsh function words would make a topic of their own;

* **boilerplate** paragraphs, those whose wording (ignoring capitalised words and numbers)
  recurs in more than :data:`BOILERPLATE_DOC_SHARE` of the documents (and in at least
  :data:`BOILERPLATE_MIN_DOCS`), are dropped: "the full report is available on the partnership
  website" says nothing about the case;
* **stop words** are English ones plus the domain's: review vocabulary, agency and role names
  (:data:`DOMAIN_STOP`, :data:`AGENCY_STOP`) and **names**, words written with a capital
  letter in at least 90% of their occurrences away from the start of a sentence (places,
  boards, pseudonyms).

**Choosing k** (the documented rule): for each candidate k (default :data:`DEFAULT_KS`, capped
at units // 8) NMF is fitted once (deterministic ``nndsvda`` initialisation) and scored by the
mean NPMI of its topics' top-10 terms over the units. Candidates are then taken in decreasing
NPMI order and their stability measured (:data:`STABILITY_RUNS` runs, each on a seeded 90%
subsample of the units (at most 6,000) with a seeded ``nndsvdar`` initialisation; mean matched
top-10 Jaccard over all pairs of runs); the first with stability >= :data:`MIN_STABILITY` is
chosen, i.e. the best-NPMI candidate among the stable ones, measuring stability only as far as
needed. When no candidate is stable the most stable one is chosen and a warning logged.

Each topic is labelled by its top terms, its nearest taxonomy themes (correlation over
documents between the topic's document weights and the theme's tags) and its most
representative passages; document-topic weights are stored, and the model reports the
alignment of every tagged core theme with its best topic (and the NMI between documents'
dominant topics and their themes). See :mod:`analysis.topic_quality` for the measures.
"""

from __future__ import annotations

import logging
import re
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from analysis.language import is_welsh
from analysis.topic_quality import npmi_coherence, theme_alignment, topic_stability

log = logging.getLogger(__name__)

DOMAIN_STOP = {
    "review", "reviews", "child", "children", "case", "agency", "agencies", "professionals",
    "professional", "practitioners", "practitioner", "report", "page", "board", "partnership",
    "safeguarding", "serious", "local", "practice", "ms", "mr", "mrs", "miss", "baby", "family",
    "time", "did", "said", "also", "however", "would", "could", "may", "one", "two", "within",
    "overview", "executive", "summary", "year", "years", "month", "months", "ltd",
    # structure and boilerplate of review documents
    "finding", "findings", "recommendation", "recommendations", "contents", "glossary",
    "introduction", "methodology", "reference", "terms", "appendix", "section", "chapter",
    "panel", "reviewer", "author", "commissioned", "chronology", "learning", "response",
    "published", "publication", "website", "available", "briefing", "minute", "period",
    "involved", "involvement", "considered", "identified", "found", "noted", "recorded",
    "records", "record", "told", "seen", "date", "dates", "week", "weeks", "day", "days",
    "january", "february", "march", "april", "june", "july", "august", "september",
    "october", "november", "december", "spring", "summer", "autumn", "winter",
    "three", "four", "five", "six", "seven", "eight", "nine", "ten", "several",
}
AGENCY_STOP = {
    "police", "gp", "gps", "nhs", "trust", "council", "authority", "cafcass", "ofsted",
    "health", "visitor", "visitors", "midwife", "midwives", "midwifery", "nurse", "nurses",
    "nursing", "social", "worker", "workers", "care", "services", "service", "team", "teams",
    "department", "unit", "hospital", "nursery", "school", "schools", "college", "probation",
    "children's", "manager", "managers", "officer", "officers", "staff", "senior",
}
MIN_UNIT_WORDS = 20
BOILERPLATE_DOC_SHARE = 0.10
BOILERPLATE_MIN_DOCS = 5
NAME_CAPITAL_SHARE = 0.9
DEFAULT_KS = (10, 15, 20)
STABILITY_MAX_UNITS = 6000  # 1,500 measured the subsample's noise, not the model's:
# on the synthetic 2,000-report corpus k=18 scored 0.785 at 1,500, 0.867 at 3,000, 0.912 at 6,000
STABILITY_RUNS = 5
MIN_STABILITY = 0.8
SUBSAMPLE = 0.9
N_PASSAGES = 3
ALIGN_MIN_R = 0.3
TOKEN_PATTERN = r"(?u)\b[a-z][a-z]{2,}\b"


@dataclass(frozen=True)
class Unit:
    """One passage of a document: the topic model's unit. ``page`` is 1-based (None: unpaged)."""

    doc_id: str
    page: int | None
    text: str


def paragraph_units(documents: Iterable[tuple[str, Sequence[str]]],
                    min_words: int = MIN_UNIT_WORDS) -> list[Unit]:
    """Split each document's pages into paragraph units of at least ``min_words`` words.

    ``documents`` yields ``(doc_id, page texts)``. Paragraphs are separated by blank lines;
    a short paragraph (a heading, a table row) is merged with the ones after it on its page,
    and a short remainder at the end of a page is joined to the page's last unit.
    """
    units: list[Unit] = []
    for doc_id, pages in documents:
        for number, page in enumerate(pages, start=1):
            pending: list[str] = []
            count = 0
            page_units: list[str] = []
            for para in re.split(r"\n\s*\n", page):
                words = para.split()
                if not words:
                    continue
                pending.append(" ".join(words))
                count += len(words)
                if count >= min_words:
                    page_units.append(" ".join(pending))
                    pending, count = [], 0
            if pending and page_units:
                page_units[-1] += " " + " ".join(pending)
            units.extend(Unit(doc_id, number, text) for text in page_units)
    return units


def _shape(text: str) -> str:
    """A paragraph's wording without names and numbers (to spot boilerplate across documents)."""
    return " ".join(w for w in re.findall(r"[A-Za-z']+", text) if not w[0].isupper())


def drop_boilerplate(units: Sequence[Unit], doc_share: float = BOILERPLATE_DOC_SHARE,
                     min_docs: int = BOILERPLATE_MIN_DOCS) -> list[Unit]:
    """Units whose wording does not recur in more than ``doc_share`` of the documents."""
    n_docs = len({u.doc_id for u in units})
    limit = max(min_docs, doc_share * n_docs)
    shapes = [_shape(u.text) for u in units]
    spread = Counter(shape for shape, _ in {(s, u.doc_id) for s, u in zip(shapes, units,
                                                                           strict=True)})
    return [u for s, u in zip(shapes, units, strict=True) if spread[s] <= limit]


def name_stop_words(texts: Sequence[str], share: float = NAME_CAPITAL_SHARE,
                    min_count: int = 2, max_texts: int = 5000) -> set[str]:
    """Lower-cased words capitalised in >= ``share`` of their occurrences inside sentences.

    Occurrences at the start of a sentence, a line or a text do not count. At most
    ``max_texts`` texts (evenly spaced) are read.
    """
    step = max(1, len(texts) // max_texts)
    capital: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for text in texts[::step]:
        for m in re.finditer(r"(?<![A-Za-z'])([A-Za-z][a-z']+|[A-Z]+)\b", text):
            before = text[:m.start()].rstrip(" \t\"'(")
            if not before or before[-1] in ".!?:;\n":
                continue
            word = m.group(1)
            lower = word.lower()
            total[lower] += 1
            if word[0].isupper():
                capital[lower] += 1
    return {w for w, n in total.items() if n >= min_count and capital[w] >= share * n}


def _nmf(matrix, k: int, seed: int, init: str, max_iter: int = 300):
    """Fit NMF; returns (document weights, components). Convergence warnings are logged."""
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning

    model = NMF(n_components=k, init=init, random_state=seed, max_iter=max_iter)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        warnings.simplefilter("always", RuntimeWarning)  # nndsvda on a tiny, degenerate matrix
        weights = model.fit_transform(matrix)
    for warning in caught:  # a not-quite-converged NMF is still a usable model: say so
        log.info("topics: k=%d: %s (after %d iterations)", k, warning.message, model.n_iter_)
    return weights, model.components_


def _top(components: np.ndarray, n: int) -> list[list[int]]:
    return [list(np.argsort(-row, kind="stable")[:n]) for row in components]


def stability_runs(matrix, k: int, runs: int = STABILITY_RUNS, n_terms: int = 10,
                   subsample: float = SUBSAMPLE, seed: int = 0) -> list[list[list[int]]]:
    """Top-term indices of ``runs`` NMF fits, each on a seeded subsample with a seeded init.

    Each subsample holds ``subsample`` of the rows, at most :data:`STABILITY_MAX_UNITS`.
    """
    out = []
    n = matrix.shape[0]
    for run in range(runs):
        rng = np.random.default_rng(seed + run)
        size = max(k, min(STABILITY_MAX_UNITS, int(round(subsample * n))))
        rows = np.sort(rng.choice(n, size=size, replace=False))
        _, components = _nmf(matrix[rows], k, seed + run, "nndsvdar")
        out.append(_top(components, n_terms))
    return out


def _vectorise(texts: Sequence[str], extra_stop: Iterable[str], min_df: int):
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    stop = sorted(ENGLISH_STOP_WORDS | DOMAIN_STOP | AGENCY_STOP | set(extra_stop))
    vectorizer = TfidfVectorizer(
        stop_words=stop, token_pattern=TOKEN_PATTERN, lowercase=True, max_df=0.3,
        min_df=min_df, sublinear_tf=True, max_features=10000, dtype=np.float32,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # stop words the tokeniser cannot produce
        matrix = vectorizer.fit_transform(texts)
    return matrix, vectorizer.get_feature_names_out()


def _empty(units: str = "paragraphs") -> dict:
    return {"method": "nmf", "k": 0, "units": units, "topics": [], "documents": {}}


def fit_topic_model(units: Sequence[Unit], theme_map: Mapping[str, Sequence[str]] | None = None,
                    theme_labels: Mapping[str, str] | None = None,
                    ks: Sequence[int] = DEFAULT_KS, n_terms: int = 10,
                    runs: int = STABILITY_RUNS, min_stability: float = MIN_STABILITY,
                    seed: int = 0, core_themes: Sequence[str] | None = None) -> dict:
    """Fit the topic model on ``units``, choosing k among ``ks`` (see the module's rule).

    ``theme_map`` (doc id -> theme ids) and ``theme_labels`` (theme id -> label) link topics to
    the taxonomy; ``core_themes`` (default: the taxonomy's core themes) are the ones whose
    alignment is reported. Returns a JSON-ready dict: ``method``, ``k``, ``units``,
    ``n_units``, ``boilerplate_dropped``, ``vocabulary``, ``selection`` (rule and candidates
    with their NPMI and stability), ``npmi``, ``stability``, ``runs``, ``fit_seconds``,
    ``topics`` (id, label, terms, npmi, themes, passages, documents), ``documents``
    (doc id -> {topic id: share}) and ``alignment``.
    """
    started = time.perf_counter()
    english = [u for u in units if not is_welsh(u.text)]
    kept = drop_boilerplate(english)
    dropped = len(english) - len(kept)
    texts = [u.text for u in kept]
    candidates = sorted({k for k in ks if 2 <= k <= len(kept) // 8})
    if not candidates and len(kept) >= 16:
        candidates = [2]
    if not candidates:
        log.info("topics: %d units: too few for a topic model", len(kept))
        return _empty()
    min_df = 3 if len(kept) >= 100 else 1
    try:
        matrix, vocab = _vectorise(texts, name_stop_words(texts), min_df)
    except ValueError as exc:  # nothing but stop words
        log.info("topics: %s", exc)
        return _empty()
    candidates = [k for k in candidates if k <= matrix.shape[1]]
    if not candidates:
        return _empty()

    fits: dict[int, tuple[np.ndarray, np.ndarray, list[float]]] = {}
    for k in candidates:
        weights, components = _nmf(matrix, k, seed, "nndsvda")
        fits[k] = (weights, components, npmi_coherence(_top(components, n_terms), matrix))
    table = {k: {"k": k, "npmi": round(float(np.mean(fits[k][2])), 4), "stability": None}
             for k in candidates}
    chosen = None
    for k in sorted(candidates, key=lambda k: -table[k]["npmi"]):
        table[k]["stability"] = round(topic_stability(
            stability_runs(matrix, k, runs, n_terms, seed=seed)), 4)
        if table[k]["stability"] >= min_stability:
            chosen = k
            break
    if chosen is None:
        chosen = max(candidates, key=lambda k: table[k]["stability"] or 0.0)
        log.warning("topics: no k in %s reaches stability %.2f; k=%d is the most stable (%.2f)",
                    candidates, min_stability, chosen, table[chosen]["stability"])
    weights, components, npmis = fits[chosen]

    doc_ids = sorted({u.doc_id for u in kept})
    row_of = {d: i for i, d in enumerate(doc_ids)}
    doc_topics = np.zeros((len(doc_ids), chosen))
    for u, row in zip(kept, weights, strict=True):
        doc_topics[row_of[u.doc_id]] += row
    totals = doc_topics.sum(axis=1, keepdims=True)
    totals[totals == 0] = 1.0
    doc_topics /= totals
    documents = {d: {str(t): round(float(w), 4) for t, w in enumerate(doc_topics[i])
                     if w >= 0.001} for d, i in row_of.items()}

    labels = dict(theme_labels or {})
    theme_ids = list(labels) or sorted({t for v in (theme_map or {}).values() for t in v})
    alignment = theme_alignment(doc_ids, doc_topics, theme_map or {}, theme_ids)
    corr = alignment.pop("correlation")
    if core_themes is None:
        from analysis.taxonomy import CORE_THEMES as core_themes
    core = {t: a for t, a in alignment["themes"].items() if t in set(core_themes)}
    core_idx = [i for i, t in enumerate(theme_ids) if t in set(core_themes)]
    core_alignment = theme_alignment(doc_ids, doc_topics, theme_map or {},
                                     [theme_ids[i] for i in core_idx])
    core_alignment.pop("correlation")

    topics = []
    for t, component in enumerate(components):
        top = _top(components[t:t + 1], n_terms)[0]
        ranked = sorted(documents.items(), key=lambda kv: -kv[1].get(str(t), 0.0))[:10]
        near = []
        if corr.size:
            for j in np.argsort(-corr[t], kind="stable")[:3]:
                if corr[t, j] > 0:
                    near.append({"id": theme_ids[j], "label": labels.get(theme_ids[j],
                                                                          theme_ids[j]),
                                 "r": round(float(corr[t, j]), 4)})
        passages, seen = [], set()
        for i in np.argsort(-weights[:, t], kind="stable"):
            if weights[i, t] <= 0 or len(passages) == N_PASSAGES:
                break
            if kept[i].doc_id in seen:
                continue
            seen.add(kept[i].doc_id)
            passages.append({"doc": kept[i].doc_id, "page": kept[i].page,
                             "text": kept[i].text[:300], "weight": round(float(weights[i, t]), 4)})
        terms = [vocab[i] for i in top]
        topics.append({
            "id": t,
            "label": ", ".join(terms[:3]) + (f" ({near[0]['label']})" if near else ""),
            "terms": [{"term": vocab[i], "weight": round(float(component[i]), 4)} for i in top],
            "npmi": round(npmis[t], 4),
            "themes": near,
            "passages": passages,
            "documents": [{"id": d, "weight": w.get(str(t), 0.0)} for d, w in ranked
                          if w.get(str(t), 0.0) > 0],
        })
    elapsed = time.perf_counter() - started
    model = {
        "method": "nmf", "k": chosen, "units": "paragraphs", "n_units": len(kept),
        "boilerplate_dropped": dropped, "welsh_dropped": len(units) - len(english),
        "vocabulary": int(matrix.shape[1]),
        "selection": {
            "rule": (f"best mean NPMI (top-{n_terms} terms, over units) among k in "
                     f"{candidates} with {runs}-run stability >= {min_stability}"),
            "candidates": [table[k] for k in candidates],
        },
        "npmi": table[chosen]["npmi"], "stability": table[chosen]["stability"], "runs": runs,
        "fit_seconds": round(elapsed, 3),
        "topics": topics, "documents": documents,
        "alignment": {
            "nmi": core_alignment["nmi"], "nmi_all_themes": alignment["nmi"],
            "documents": alignment["documents"], "min_r": ALIGN_MIN_R,
            "matched": sum(1 for a in core.values() if a["r"] >= ALIGN_MIN_R),
            "core_themes": core,
        },
    }
    log.info("topics: k=%d over %d units (%d boilerplate dropped), NPMI %.3f, stability %.3f, "
             "%.2f s", chosen, len(kept), dropped, model["npmi"], model["stability"] or 0.0,
             elapsed)
    return model


def fit_topics(units: Sequence[tuple[str, str]], n_topics: int = 10, n_terms: int = 10,
               seed: int = 0) -> dict:
    """Fit NMF with ``n_topics`` topics on (doc_id, page text) units (pages in document order).

    The compatible entry point: pages are split into paragraph units and the model of
    :func:`fit_topic_model` is fitted with the single candidate k ``n_topics`` (capped at
    units // 8), without a theme link.
    """
    pages: dict[str, list[str]] = defaultdict(list)
    for doc_id, text in units:
        pages[doc_id].append(text)
    paras = paragraph_units(pages.items())
    k = max(2, min(n_topics, len(paras) // 8))
    return fit_topic_model(paras, ks=(k,), n_terms=n_terms, seed=seed, min_stability=0.0)
