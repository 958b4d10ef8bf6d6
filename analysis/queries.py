"""Read-side queries shared by the CLI and the explorer (one place, so both say the same)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from analysis.taxonomy import theme_infos
from ingest.catalogue import Catalogue


def report_records(cat: Catalogue, include_all: bool = False) -> list[dict[str, Any]]:
    """One record per case-review document, with the contract's fields first."""
    theme_map = cat.theme_map()
    tagged = cat.tagged_ids()
    rows = cat.reports(include_all=include_all)
    shared = _case_facts(rows)
    out = []
    for r in rows:
        for field in CASE_FACTS:  # a briefing that omits the age gets its review's
            if r[field] is None and (r["case_id"], field) in shared:
                r[field], source = shared[(r["case_id"], field)]
                r["provenance"] = {**r["provenance"], field: f"case: {source}"}
        out.append({
            "id": r["id"], "url": r["url"], "title": r["title"], "board": r["board"],
            "year": r["year"], "doc_type": r["doc_type"], "review_type": r["review_type"],
            "child": r["child"], "pages": r["pages"] if r["paged"] else None,
            "themes": theme_map.get(r["id"], []), "tagged": r["id"] in tagged,
            "month": r["month"], "nation": r["nation"], "region": r["region"],
            "status": r["status"], "status_reason": r["status_reason"],
            "content_type": r["content_type"], "sha256": r["sha256"],
            "first_seen": r["fetched_at"], "urls": cat.all_urls_of(r["id"]),
            "age_months": r["age_months"], "gender": r["gender"], "outcome": r["outcome"],
            "case": r["case_id"], "duplicates": cat.duplicates_of(r["id"]),
            "duplicate_of": r["duplicate_of"],
            "withdrawn": r["withdrawn_at"], "withdrawn_reason": r["withdrawn_reason"],
            "superseded_by": r["superseded_by"],
            "is_review": bool(r["is_review"]), "decision": r["reason"],
            "provenance": r["provenance"],
        })
    return out


CASE_FACTS = ("age_months", "gender", "outcome")


def _case_facts(rows: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[Any, str]]:
    """The most common stated value of each child fact in each case, and a document saying it."""
    votes: dict[tuple[str, str], Counter[Any]] = {}
    said_by: dict[tuple[str, str, Any], str] = {}
    for r in rows:
        for field in CASE_FACTS:
            if r["case_id"] and r[field] is not None:
                votes.setdefault((r["case_id"], field), Counter())[r[field]] += 1
                said_by.setdefault((r["case_id"], field, r[field]), r["id"])
    out = {}
    for (case_id, field), counter in votes.items():
        value = counter.most_common(1)[0][0]
        out[(case_id, field)] = (value, f"stated by {said_by[(case_id, field, value)]}")
    return out


def new_since(cat: Catalogue, since: str, include_all: bool = False) -> list[dict[str, Any]]:
    """Documents first seen on or after ``since`` (an ISO date or time), newest first."""
    return first_seen_since(report_records(cat, include_all), since)


def first_seen_since(records: Iterable[dict[str, Any]], since: str) -> list[dict[str, Any]]:
    """The records first seen on or after ``since``, newest first."""
    found = [r for r in records if (r["first_seen"] or "") >= since]
    return sorted(found, key=lambda r: r["first_seen"], reverse=True)


def theme_summary(cat: Catalogue) -> dict[str, Any]:
    """Prevalence of every theme over the tagged reviews, and the tags of each document.

    Each theme carries ``reliability``: the tagger's measured precision and recall for it
    (:mod:`analysis.theme_reliability`), or None where nothing current was measured;
    ``reliability_measured`` says whether current figures exist at all."""
    from analysis.theme_reliability import load_reliability, theme_reliability

    themes = theme_infos()
    measured = load_reliability()
    rows = cat.all_theme_rows()
    tagged_docs = sorted({r["doc_id"] for r in rows})
    present = Counter(r["theme"] for r in rows if r["present"])
    n = len(tagged_docs)
    prevalence = [{
        "id": t.id, "label": t.label, "group": t.group, "documents": present[t.id],
        "share": round(present[t.id] / n, 4) if n else 0.0,
        "reliability": theme_reliability(t.id, measured),
    } for t in themes]
    documents: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r["present"]:
            documents.setdefault(r["doc_id"], []).append(
                {"theme": r["theme"], "score": r["score"], "evidence": r["evidence"][:3]})
    return {"documents_tagged": n, "themes": prevalence, "tags": documents,
            "reliability_measured": measured is not None}


def topic_model(cat: Catalogue) -> dict[str, Any]:
    model = cat.get_json("topics") or {"method": "nmf", "topics": [], "documents": {}}
    model.pop("corpus", None)
    return model


def case_records(cat: Catalogue) -> list[dict[str, Any]]:
    """One record per case (the documents of one review), newest first."""
    by_case: dict[str, list[dict[str, Any]]] = {}
    for r in report_records(cat):
        by_case.setdefault(r["case"] or r["id"], []).append(r)
    out = []
    for case_id, docs in by_case.items():
        docs.sort(key=lambda r: (DOC_ORDER.get(r["doc_type"], 9), r["year"] or 0, r["id"]))
        first = docs[0]
        years = sorted({r["year"] for r in docs if r["year"]})
        out.append({
            "case": case_id, "board": first["board"], "child": first["child"],
            "year": years[0] if years else None, "review_type": first["review_type"],
            "nation": first["nation"], "region": first["region"],
            "age_months": first["age_months"], "gender": first["gender"],
            "outcome": first["outcome"],
            "themes": sorted({t for r in docs for t in r["themes"]}),
            # whether the tagger read any of its documents (else its themes are unknown)
            "tagged": any(r["tagged"] for r in docs),
            "documents": [{"id": r["id"], "doc_type": r["doc_type"], "title": r["title"],
                           "year": r["year"], "url": r["url"], "pages": r["pages"],
                           "status": r["status"]} for r in docs],
        })
    out.sort(key=lambda c: (-(c["year"] or 0), c["board"] or "", c["case"]))
    return out


DOC_ORDER = {"full_report": 0, "executive_summary": 1, "briefing": 2, "board_response": 3,
              "other_review_document": 4}


def recommendation_records(cat: Catalogue, contains: str | None = None) -> list[dict[str, Any]]:
    """The numbered recommendations of every listed report, optionally only those with a phrase."""
    reports = {r["id"]: r for r in report_records(cat)}
    needle = " ".join(contains.lower().split()) if contains else None
    out = []
    for rec in cat.recommendations():
        r = reports.get(rec["doc_id"])
        if r is None or (needle and needle not in " ".join(rec["text"].lower().split())):
            continue
        out.append({
            "id": r["id"], "case": r["case"], "board": r["board"], "year": r["year"],
            "child": r["child"], "doc_type": r["doc_type"], "url": r["url"],
            "number": rec["number"], "page": rec["page"], "heading": rec["heading"],
            "text": rec["text"],
        })
    return out


def problem_records(cat: Catalogue) -> list[dict[str, Any]]:
    """Everything that did not end well: failed fetches and documents not extracted as ok."""
    out: list[dict[str, Any]] = [{
        "stage": "fetch", "url": u["url"], "source": u["source"], "status": "failed",
        "reason": u["error"] or (f"HTTP {u['status_code']}" if u["status_code"] else ""),
        "link_text": u["link_text"], "id": None, "is_review": None,
    } for u in cat.failed_urls()]
    for r in report_records(cat, include_all=True):
        if r["status"] != "ok" and not r["superseded_by"]:
            out.append({"stage": "extract", "url": r["url"], "source": r["board"],
                        "status": r["status"], "reason": r["status_reason"],
                        "link_text": (r["title"] or "")[:100], "id": r["id"],
                        "is_review": r["is_review"]})
    return out
