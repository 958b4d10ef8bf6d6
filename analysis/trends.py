"""Theme prevalence over time and place, and which themes occur together.

The unit is the **case** (one review, whatever number of documents it published: overview,
executive summary, briefing, board response); a case carries a theme when any of its documents
is tagged with it, and its year is its earliest publication year. Counting documents instead
would count a review three times when it published three documents.

- ``prevalence(cases, by)``: per value of a dimension (year, nation, region, review type,
  outcome, the child's age band), the number of cases and, per theme, the cases carrying it
  and their share.
- ``cooccurrence(cases)``: for every pair of themes, the cases with both, with each, and the
  lift (observed / expected if independent: ``both * N / (a * b)``); and the same for the
  triple of domestic abuse, parental mental ill health and parental substance misuse.

Shares and lifts are over the cases the tagger could read (``read_cases``: at least one document
tagged); a case whose documents all failed extraction or are in Welsh says nothing about its
themes and is counted apart (``untagged``), not as a case without them.

Every figure lists its case ids, so it can be drilled into; ``evidence`` gives the passages
(page and sentence) behind one theme in one case. ``select`` narrows the cases first (e.g.
infant deaths published since 2019).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import combinations
from typing import Any

from ingest.catalogue import Catalogue

DIMENSIONS = ("year", "nation", "region", "review_type", "outcome", "age_band")
TRIPLE = ("domestic_abuse", "parental_mental_health", "parental_substance_misuse")
# (upper bound in months, exclusive; label)
AGE_BANDS = ((12, "under 1"), (60, "1-4"), (132, "5-10"), (192, "11-15"), (None, "16-17"))
UNKNOWN = "unknown"


def age_band(months: int | None) -> str:
    """The age band of an age in months ("under 1", "1-4", "5-10", "11-15", "16-17")."""
    if months is None:
        return UNKNOWN
    for upper, label in AGE_BANDS:
        if upper is None or months < upper:
            return label
    return UNKNOWN


def _value(case: Mapping[str, Any], dimension: str) -> Any:
    if dimension == "age_band":
        return age_band(case.get("age_months"))
    value = case.get(dimension)
    return UNKNOWN if value in (None, "") else value


Years = tuple[int | None, int | None]


def select(cases: Iterable[Mapping[str, Any]], *, years: Years | None = None,
           **equal: object) -> list[Mapping[str, Any]]:
    """The cases within ``years`` (inclusive; either end open) whose dimensions equal ``equal``
    (e.g. ``outcome="death", age_band="under 1"``); None values are ignored."""
    wanted = {k: v for k, v in equal.items() if v not in (None, "")}
    bad = set(wanted) - set(DIMENSIONS)
    if bad:
        raise ValueError(f"cannot select on {', '.join(sorted(bad))}: use {', '.join(DIMENSIONS)}")
    out = []
    for case in cases:
        year = case.get("year")
        if years is not None:
            lo, hi = years
            if year is None or (lo is not None and year < lo) or (hi is not None and year > hi):
                continue
        if all(str(_value(case, k)) == str(v) for k, v in wanted.items()):
            out.append(case)
    return out


def read_cases(cases: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The cases with a document the tagger read (``tagged``; records without the key count)."""
    return [c for c in cases if c.get("tagged", True)]


def left_out_sentence(unread: int, noun: str = "review") -> str:
    """" N more reviews could not be read ... and are left out." ("" when none was)."""
    if not unread:
        return ""
    plural = unread > 1
    return (f" {unread} more {noun}{'s' if plural else ''} could not be read by the theme tagger "
            f"(no text extracted, or in Welsh) and {'are' if plural else 'is'} left out.")


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def prevalence(cases: Sequence[Mapping[str, Any]], by: str,
               themes: Sequence[str] | None = None) -> dict[str, Any]:
    """Per value of ``by``: the cases read (``cases``) and not (``untagged``), and per theme the
    cases carrying it (ids) and their share of the cases read."""
    if by not in DIMENSIONS:
        raise ValueError(f"cannot break down by {by!r}: use one of {', '.join(DIMENSIONS)}")
    groups: dict[Any, list[Mapping[str, Any]]] = {}
    for case in cases:
        groups.setdefault(_value(case, by), []).append(case)
    theme_ids = list(themes) if themes is not None else sorted(
        {t for c in cases for t in c.get("themes", [])})

    def order(value: Any) -> tuple[int, Any]:
        if value == UNKNOWN:
            return (2, "")
        if by == "age_band":
            return (0, [label for _, label in AGE_BANDS].index(value))
        return (0, value) if isinstance(value, int) else (1, str(value))

    rows = []
    for value in sorted(groups, key=order):
        members = read_cases(groups[value])
        per_theme = {}
        for t in theme_ids:
            ids = sorted(c["case"] for c in members if t in c.get("themes", []))
            per_theme[t] = {"cases": len(ids), "share": _share(len(ids), len(members)),
                            "case_ids": ids}
        rows.append({"value": value, "cases": len(members),
                     "untagged": len(groups[value]) - len(members), "themes": per_theme})
    read = len(read_cases(cases))
    return {"by": by, "cases": read, "untagged": len(cases) - read, "groups": rows}


def _lift(both: int, counts: Sequence[int], n: int) -> float | None:
    expected = n
    for c in counts:
        expected *= c / n if n else 0
    return round(both / expected, 3) if expected else None


def cooccurrence(cases: Sequence[Mapping[str, Any]], themes: Sequence[str] | None = None,
                 triple: Sequence[str] = TRIPLE) -> dict[str, Any]:
    """Every pair of themes (with both, each, lift, case ids), best lift first; the triple.
    Over the cases read (``cases``); ``untagged`` counts the others."""
    read = read_cases(cases)
    untagged, cases = len(cases) - len(read), read
    n = len(cases)
    carrying: dict[str, set[str]] = {}
    for case in cases:
        for t in case.get("themes", []):
            carrying.setdefault(t, set()).add(case["case"])
    theme_ids = sorted(themes if themes is not None else carrying)
    pairs = []
    for a, b in combinations(theme_ids, 2):
        sa, sb = carrying.get(a, set()), carrying.get(b, set())
        both = sorted(sa & sb)
        pairs.append({"a": a, "b": b, "both": len(both), "a_cases": len(sa),
                      "b_cases": len(sb), "lift": _lift(len(both), (len(sa), len(sb)), n),
                      "case_ids": both})
    pairs.sort(key=lambda p: (-p["both"], -(p["lift"] or 0), p["a"], p["b"]))
    sets = [carrying.get(t, set()) for t in triple]
    all_of = sorted(set.intersection(*sets)) if sets else []
    how_many = [sum(c["case"] in s for s in sets) for c in cases]
    trio = {"themes": list(triple), "all": len(all_of), "case_ids": all_of,
            "each": {t: len(s) for t, s in zip(triple, sets, strict=True)},
            "at_least_two": sum(k >= 2 for k in how_many),
            "none": sum(k == 0 for k in how_many),
            "lift": _lift(len(all_of), [len(s) for s in sets], n)}
    return {"cases": n, "untagged": untagged, "pairs": pairs, "triple": trio}


def theme_evidence(tags_of: Callable[[str], list[dict[str, Any]]], case: Mapping[str, Any],
                   theme: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(document, evidence) pairs behind ``theme`` in ``case``, its documents in order;
    ``tags_of(doc_id)`` gives a document's present theme tags (``Catalogue.themes_of``)."""
    return [(doc, ev) for doc in case.get("documents", []) for tag in tags_of(doc["id"])
            if tag["theme"] == theme and tag["present"] for ev in tag["evidence"]]


def evidence(cat: Catalogue, case: Mapping[str, Any], theme: str,
             limit: int = 5) -> list[dict[str, Any]]:
    """The passages behind ``theme`` in ``case``: document, page, sentence (best first)."""
    return [{"doc_id": doc["id"], "doc_type": doc["doc_type"], "page": ev.get("page"),
             "sentence": ev.get("sentence")}
            for doc, ev in theme_evidence(cat.themes_of, case, theme)][:limit]
