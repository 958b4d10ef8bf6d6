"""The grouping step of the extract stage: near-duplicate copies, then cases.

Runs after every document is described. Signatures are computed once per document (keyed by
its id, which is its content hash); duplicates and cases are recomputed only when the set of
documents, their signatures or their metadata changed since the last run (a fingerprint in
``kv``), so a second ``scr build`` does no work here either.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter

from ingest.cases import TEXT_CHARS, CaseDoc, group_cases
from ingest.catalogue import Catalogue
from ingest.neardup import Signature, canonical, duplicate_groups, signature

log = logging.getLogger(__name__)

STATE_KEY = "grouping_state"
GROUPING_VERSION = 2  # 2: unnamed documents join the one case stating the same facts
HEAD_CHARS = 3000  # the part of a copy that names its publisher (cover, introduction)


def _head_text(cat: Catalogue, doc_id: str, limit: int) -> str:
    parts: list[str] = []
    size = 0
    for text in cat.page_texts(doc_id):
        parts.append(text)
        size += len(text)
        if size >= limit:
            break
    return "\n".join(parts)[:limit]


def _fingerprint(cat: Catalogue) -> str:
    rows = cat.db.execute(
        "SELECT d.id, d.superseded_by, m.version, m.is_review, m.board, m.child, m.year, "
        "m.age_months, m.gender, m.outcome, "
        "s.words FROM documents d LEFT JOIN metadata m ON m.doc_id = d.id "
        "LEFT JOIN signatures s ON s.doc_id = d.id ORDER BY d.id").fetchall()
    digest = hashlib.sha256(str(GROUPING_VERSION).encode())
    for row in rows:
        digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def run_grouping(cat: Catalogue) -> Counter[str]:
    """Sign new documents, mark near-duplicate copies and group review documents into cases."""
    counts: Counter[str] = Counter()
    todo = cat.documents_without_signature()
    with cat.transaction():
        for doc_id in todo:
            sig = signature("\n".join(cat.page_texts(doc_id)))
            cat.save_signature(doc_id, sig.words, sig.to_bytes())
    counts["signed"] = len(todo)
    state = _fingerprint(cat)
    if cat.get_json(STATE_KEY) == state:
        log.info("grouping: nothing changed")
        return counts
    rows = cat.signatures()
    sigs = {r["doc_id"]: Signature.from_bytes(r["minhash"], r["words"]) for r in rows}
    info = {r["doc_id"]: r for r in rows}
    duplicate_of: dict[str, str] = {}
    for group in duplicate_groups(sigs):
        keep = canonical({"id": d, "source": info[d]["source"],
                          "first_seen": info[d]["fetched_at"],
                          "head": _head_text(cat, d, HEAD_CHARS)} for d in group)
        duplicate_of.update({d: keep for d in group if d != keep})
    cat.set_duplicates(duplicate_of)
    counts["duplicates"] = len(duplicate_of)
    docs = [CaseDoc(r["id"], r["board"] or "", r["child"], r["year"],
                    _head_text(cat, r["id"], TEXT_CHARS), r["age_months"], r["gender"],
                    r["outcome"]) for r in cat.reports()]
    case_of = group_cases(docs)
    cat.set_cases(case_of)
    counts["cases"] = len(set(case_of.values()))
    cat.put_json(STATE_KEY, state)
    log.info("grouping: %s", dict(counts))
    return counts
