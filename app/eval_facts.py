"""`scr eval` figures for the facts read from a report's text as a whole.

The child's age, gender and outcome (scored only where the document states them, as the
manifest records), cases (pairwise precision, recall and F1 over the review documents found),
near-duplicate copies (each copy folded into its original's record) and recommendations (items
found on the right page). Each function takes ``pairs``: (manifest entry, report record) for the
review documents that the build found.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import combinations
from typing import Any

Pair = tuple[dict[str, Any], dict[str, Any]]


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def _f1(p: float, r: float) -> float:
    return round(2 * p * r / (p + r), 4) if p + r else 0.0


def stated_age(truth: dict[str, Any]) -> int | None:
    """The age in months a perfect reader gets from the text (years are stated as whole years)."""
    if "age_stated_months" in truth:
        return truth["age_stated_months"]
    months = truth.get("age_months")
    if months is None:
        return None
    return months if months < 24 else months // 12 * 12


def child_facts(pairs: Sequence[Pair]) -> dict[str, dict[str, float]]:
    """Accuracy and coverage of age (months), gender and outcome where the text states them."""
    out: dict[str, dict[str, float]] = {}
    for field, stated_key in (("age_months", "age_stated"), ("gender", "gender_stated"),
                              ("outcome", "outcome_stated")):
        hits = total = answered = 0
        for truth, rec in pairs:
            if rec.get("status") != "ok" or not truth.get(stated_key, True):
                continue
            want = stated_age(truth) if field == "age_months" else truth.get(field)
            if want is None:
                continue
            total += 1
            answered += int(rec.get(field) is not None)
            hits += int(rec.get(field) == want)
        out[field] = {"accuracy": _ratio(hits, total), "answered": _ratio(answered, total),
                      "documents": total}
    return out


def cases(pairs: Sequence[Pair]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of the grouping of documents into cases."""
    docs = {}
    for truth, rec in pairs:
        if truth.get("duplicate_of") or not truth.get("case"):
            continue  # a copy is folded into its original: its case is the original's
        docs[rec["id"]] = (truth["case"], rec.get("case") or rec["id"])
    tp = fp = fn = 0
    for (t1, p1), (t2, p2) in combinations(docs.values(), 2):
        same_t, same_p = t1 == t2, p1 == p2
        tp += int(same_t and same_p)
        fp += int(same_p and not same_t)
        fn += int(same_t and not same_p)
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    return {"precision": precision, "recall": recall, "f1": _f1(precision, recall),
            "documents": len(docs), "true_pairs": tp + fn}


def duplicates(pairs: Sequence[Pair], by_id: dict[str, dict[str, Any]]) -> dict[str, float]:
    """Copies folded into their original's record (recall) and records wrongly merged."""
    copies = [(t, r) for t, r in pairs if t.get("duplicate_of")]
    folded = 0
    for truth, rec in copies:
        original = by_id.get(truth["duplicate_of"])
        folded += int(original is not None and original["id"] == rec["id"])
    merged_wrongly = 0
    for rec in {r["id"]: r for _, r in pairs}.values():
        cases_here = {t["case"] for t, r in pairs if r["id"] == rec["id"]}
        merged_wrongly += int(len(cases_here) > 1)
    return {"copies": len(copies), "folded": _ratio(folded, len(copies)),
            "wrong_merges": merged_wrongly}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def recommendations(pairs: Sequence[Pair], found: dict[str, list[dict[str, Any]]]
                    ) -> dict[str, float]:
    """Numbered recommendations found (recall), found items that are real (precision), pages.

    ``found`` maps a record id to its extracted items (dicts with text and page). An item matches
    a manifest item when the first eight words of the manifest text start the found text.
    """
    want_total = got_total = matched = right_page = matched_found = 0
    seen: set[str] = set()
    for truth, rec in pairs:
        if rec.get("status") != "ok" or rec["id"] in seen or truth.get("duplicate_of"):
            continue
        seen.add(rec["id"])
        want = truth.get("recommendations") or []
        got = found.get(rec["id"], [])
        want_total += len(want)
        got_total += len(got)
        got_words = [_words(g["text"]) for g in got]
        used: set[int] = set()
        for item in want:
            head = _words(item["text"])[:8]
            for i, words in enumerate(got_words):
                if i not in used and words[:len(head)] == head:
                    used.add(i)
                    matched += 1
                    right_page += int(got[i].get("page") == item.get("page"))
                    break
        matched_found += len(used)
    return {"expected": want_total, "found": got_total,
            "recall": _ratio(matched, want_total), "precision": _ratio(matched_found, got_total),
            "right_page": _ratio(right_page, matched)}
