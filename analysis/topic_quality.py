"""Quality figures for topic models: NPMI coherence, stability across runs, theme alignment.

* **NPMI** (normalised pointwise mutual information, Bouma 2009; Lau et al. 2014) of a topic is
  the mean over pairs of its top terms of ``log(p(a,b) / (p(a) p(b))) / -log p(a,b)``, where
  probabilities are document (here: unit) frequencies in a reference corpus. It is 1 for terms
  that always occur together, 0 for independent terms and -1 for terms that never co-occur.
* **Stability** (Greene, O'Callaghan and Cunningham 2014): topics of two runs are matched
  one-to-one by the Hungarian algorithm on the Jaccard similarity of their top-10 term sets; the
  agreement of the two runs is the mean Jaccard of the matched pairs; the stability of several
  runs is the mean agreement over all pairs of runs.
* **Alignment** with the taxonomy: Pearson correlation over documents between a topic's
  document weights and a theme's 0/1 tags; the best topic for each theme; the NMI between each
  document's dominant topic and its themes (one (topic, theme) pair per tag).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csc_matrix, spmatrix


def npmi_pair(n_a: int, n_b: int, n_ab: int, n_docs: int) -> float:
    """NPMI of two terms from their document counts, their joint count and the corpus size."""
    if n_docs <= 0 or n_a <= 0 or n_b <= 0 or n_ab <= 0:
        return -1.0
    p_a, p_b, p_ab = n_a / n_docs, n_b / n_docs, n_ab / n_docs
    if p_ab >= 1.0:  # both terms in every document: perfectly associated by convention
        return 1.0
    return math.log(p_ab / (p_a * p_b)) / -math.log(p_ab)


def npmi_coherence(top_terms: Sequence[Sequence[int]], doc_term: spmatrix) -> list[float]:
    """Mean pairwise NPMI of each topic's terms (column indices of ``doc_term``).

    ``doc_term`` is any (documents x terms) sparse matrix; only its non-zero pattern is used,
    so a TF-IDF matrix of the reference units serves as well as counts.
    """
    binary = csc_matrix(doc_term, copy=True)
    binary.data = np.ones_like(binary.data, dtype=np.float64)
    n_docs = binary.shape[0]
    scores = []
    for terms in top_terms:
        terms = list(terms)
        if len(terms) < 2:
            scores.append(0.0)
            continue
        cols = binary[:, terms]
        joint = (cols.T @ cols).toarray()
        values = [npmi_pair(int(joint[i, i]), int(joint[j, j]), int(joint[i, j]), n_docs)
                  for i, j in itertools.combinations(range(len(terms)), 2)]
        scores.append(float(np.mean(values)))
    return scores


def jaccard(a: Sequence[str], b: Sequence[str]) -> float:
    """Jaccard similarity of two term lists taken as sets (1.0 for two empty lists)."""
    sa, sb = set(a), set(b)
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)


def match_topics(a: Sequence[Sequence[str]],
                 b: Sequence[Sequence[str]]) -> tuple[float, list[tuple[int, int, float]]]:
    """Match the topics of two runs one-to-one (Hungarian algorithm on top-term Jaccard).

    Returns the mean Jaccard over the matched pairs (topics left unmatched when the runs have
    different sizes count as 0) and the pairs ``(index in a, index in b, jaccard)``.
    """
    if not a or not b:
        return (1.0 if not a and not b else 0.0), []
    sim = np.array([[jaccard(x, y) for y in b] for x in a])
    rows, cols = linear_sum_assignment(-sim)
    pairs = [(int(r), int(c), float(sim[r, c])) for r, c in zip(rows, cols, strict=True)]
    return sum(p[2] for p in pairs) / max(len(a), len(b)), pairs


def topic_stability(runs: Sequence[Sequence[Sequence[str]]]) -> float:
    """Mean matched top-term Jaccard over all pairs of runs (1.0 for identical runs)."""
    if len(runs) < 2:
        return 1.0
    return float(np.mean([match_topics(x, y)[0] for x, y in itertools.combinations(runs, 2)]))


def theme_correlations(doc_topics: np.ndarray, doc_themes: np.ndarray) -> np.ndarray:
    """Pearson correlation (topics x themes) over documents; 0 where a column is constant."""
    def standardise(m: np.ndarray) -> np.ndarray:
        m = m.astype(np.float64)
        centred = m - m.mean(axis=0)
        norm = np.linalg.norm(centred, axis=0)
        norm[norm == 0] = np.inf
        return centred / norm

    return standardise(doc_topics).T @ standardise(doc_themes)


def theme_alignment(doc_ids: Sequence[str], doc_topics: np.ndarray,
                    theme_map: Mapping[str, Sequence[str]],
                    theme_ids: Sequence[str]) -> dict:
    """How the topics line up with the taxonomy's themes over the tagged documents.

    ``doc_topics`` is (documents x topics), one row per ``doc_ids`` entry. Returns
    ``{"documents": n, "nmi": float, "themes": {theme: {"topic", "r"}}, "correlation": matrix}``
    where ``themes`` holds, for each theme tagged on at least one of the documents, the topic
    whose document weights correlate best with the theme's tags, and ``nmi`` compares the
    dominant topic of each tagged document with each of its themes (restricted to
    ``theme_ids``).
    """
    from sklearn.metrics import normalized_mutual_info_score

    index = {t: i for i, t in enumerate(theme_ids)}
    tags = np.zeros((len(doc_ids), len(theme_ids)))
    for d, doc_id in enumerate(doc_ids):
        for theme in theme_map.get(doc_id, ()):
            if theme in index:
                tags[d, index[theme]] = 1.0
    corr = theme_correlations(doc_topics, tags) if len(doc_ids) else np.zeros((0, 0))
    themes = {}
    for j, theme in enumerate(theme_ids):
        if tags[:, j].sum() == 0 or corr.shape[0] == 0:
            continue
        best = int(np.argmax(corr[:, j]))
        themes[theme] = {"topic": best, "r": round(float(corr[best, j]), 4),
                         "documents": int(tags[:, j].sum())}
    dominant = doc_topics.argmax(axis=1) if doc_topics.size else np.zeros(0, dtype=int)
    topic_labels, theme_labels = [], []
    for d in range(len(doc_ids)):
        for j in np.flatnonzero(tags[d]):
            topic_labels.append(int(dominant[d]))
            theme_labels.append(int(j))
    nmi = (float(normalized_mutual_info_score(theme_labels, topic_labels))
           if len(set(theme_labels)) > 1 else 0.0)
    return {"documents": int((tags.sum(axis=1) > 0).sum()), "nmi": round(nmi, 4),
            "themes": themes, "correlation": corr}
