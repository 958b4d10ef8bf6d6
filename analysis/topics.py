"""A first topic model: NMF over TF-IDF of review pages (scikit-learn).

Pages of case-review documents are the units (long enough to carry a topic, short enough to
separate them). Stop words are English plus the domain's boilerplate words (review, agency,
pseudonym letters); the number of topics is ``min(k, pages // 8)``. Each topic is labelled by
its top terms and reports the documents that weigh most on it. Issue-level refinements
(coherence-chosen k, stability across seeds, taxonomy seeding) come later.
"""

from __future__ import annotations

import logging
import warnings
from collections import defaultdict
from collections.abc import Sequence

log = logging.getLogger(__name__)

DOMAIN_STOP = {
    "review", "reviews", "child", "children", "case", "agency", "agencies", "professionals",
    "professional", "practitioners", "practitioner", "report", "page", "board", "partnership",
    "safeguarding", "serious", "local", "practice", "ms", "mr", "mrs", "miss", "baby", "family",
    "time", "did", "said", "also", "however", "would", "could", "may", "one", "two", "within",
    "overview", "executive", "summary", "year", "years", "month", "months", "ltd",
}


def fit_topics(units: Sequence[tuple[str, str]], n_topics: int = 10, n_terms: int = 10,
               seed: int = 0) -> dict:
    """Fit NMF on (doc_id, text) units; returns topics with terms and their top documents."""
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    if len(units) < 4:
        return {"method": "nmf", "topics": [], "documents": {}}
    k = max(2, min(n_topics, len(units) // 8))
    vectorizer = TfidfVectorizer(
        stop_words=list(ENGLISH_STOP_WORDS | DOMAIN_STOP), token_pattern=r"(?u)\b[a-z][a-z]{2,}\b",
        lowercase=True, max_df=0.5, min_df=3, ngram_range=(1, 2), sublinear_tf=True,
        max_features=20000,
    )
    matrix = vectorizer.fit_transform([text for _, text in units])
    if matrix.shape[1] < k:
        return {"method": "nmf", "topics": [], "documents": {}}
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=1000)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        warnings.simplefilter("always", RuntimeWarning)  # nndsvda on a tiny, degenerate matrix
        weights = model.fit_transform(matrix)
    for warning in caught:  # a not-quite-converged NMF is still a usable model: say so
        log.info("topics: %s (after %d iterations)", warning.message, model.n_iter_)
    terms = vectorizer.get_feature_names_out()
    doc_weights: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for (doc_id, _), row in zip(units, weights, strict=True):
        for t, w in enumerate(row):
            doc_weights[doc_id][t] += float(w)
    documents = {}
    for doc_id, by_topic in doc_weights.items():
        total = sum(by_topic.values()) or 1.0
        documents[doc_id] = {str(t): round(w / total, 4) for t, w in by_topic.items() if w > 0}
    topics = []
    for t, component in enumerate(model.components_):
        top = component.argsort()[::-1][:n_terms]
        ranked = sorted(documents.items(), key=lambda kv: -kv[1].get(str(t), 0.0))[:10]
        topics.append({
            "id": t,
            "label": ", ".join(terms[i] for i in top[:3]),
            "terms": [{"term": terms[i], "weight": round(float(component[i]), 4)} for i in top],
            "documents": [{"id": d, "weight": w.get(str(t), 0.0)} for d, w in ranked
                          if w.get(str(t), 0.0) > 0],
        })
    log.info("topics: %d topics over %d pages", k, len(units))
    return {"method": "nmf", "k": k, "units": "pages", "topics": topics, "documents": documents}
