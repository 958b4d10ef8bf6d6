"""The analyse stage: theme tags for every extracted review, then the topic model.

Incremental: a review is tagged only when it has no tags from the current
:data:`~analysis.themes.TAGGER_VERSION`; the topic model is refitted only when the set of
tagged reviews changed since the last fit.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter

from analysis.language import mainly_welsh
from analysis.taxonomy import load_taxonomy, theme_labels
from analysis.themes import TAGGER_VERSION, tag_pages
from analysis.topics import fit_topic_model, paragraph_units
from ingest.catalogue import Catalogue

log = logging.getLogger(__name__)


def run_themes(cat: Catalogue) -> Counter[str]:
    themes = load_taxonomy()
    counts: Counter[str] = Counter()
    for doc_id in cat.review_ids_needing_themes(TAGGER_VERSION):
        pages = cat.page_texts(doc_id)
        if mainly_welsh(pages):  # the tagger reads English: untagged, not counted as tagged
            counts["welsh_not_tagged"] += 1
            continue
        paged = bool((cat.extraction(doc_id) or {}).get("paged", 1))
        rows = [tag.as_row() for tag in tag_pages(pages, themes)]
        if not paged:
            for row in rows:
                for ev in row["evidence"]:
                    ev["page"] = None
        cat.save_themes(doc_id, TAGGER_VERSION, rows)
        counts["tagged"] += 1
    log.info("themes: %s", dict(counts))
    return counts


def run_topics(cat: Catalogue) -> Counter[str]:
    # in id (content hash) order: the same corpus gives the same model whatever its URLs
    reviews = sorted((r for r in cat.reports() if r["status"] == "ok"), key=lambda r: r["id"])
    key = hashlib.sha256(",".join(sorted(r["id"] for r in reviews)).encode()).hexdigest()
    previous = cat.get_json("topics")
    if previous and previous.get("corpus") == key:
        return Counter(topics_skipped=1)
    units = paragraph_units((r["id"], cat.page_texts(r["id"])) for r in reviews)
    model = fit_topic_model(units, cat.theme_map(), theme_labels(), ks=(10, 20))
    model["corpus"] = key
    cat.put_json("topics", model)
    return Counter(topics=len(model["topics"]))


def run_analyse(cat: Catalogue) -> Counter[str]:
    return run_themes(cat) + run_topics(cat)
