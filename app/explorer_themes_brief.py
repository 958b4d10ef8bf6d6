"""The briefing-style parts of the Themes view, each number clickable down to its passage.

Pure helpers (:func:`top_passages`, :func:`recurring`, :func:`area_options`,
:func:`area_counts`) compute what is shown, so the tests can check the figures; the
``*_section`` functions render them. The unit is the review (a case), as in analysis.trends,
except for passages, which are quoted from documents with their pages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import streamlit as st

from analysis.briefing import MAX_LEARNING, MAX_QUOTES, merge_recommendations, shorten
from analysis.queries import DOC_ORDER
from app import explorer_data as cached
from app.explorer_widgets import cite, md, report_link, url_select

MAX_SOURCES = 5  # sources listed under one recommendation (the rest are counted)


def _pct(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


# -- top evidence passages ----------------------------------------------------------------

def top_passages(tags: Mapping[str, list[dict]], reports: Sequence[Mapping[str, Any]],
                 theme: str, limit: int = MAX_QUOTES) -> list[dict[str, Any]]:
    """The strongest evidence sentences for ``theme`` across documents carrying it: strong
    matches first, then the tagger's probability, whole sentences before fragments, full
    reports before summaries, newest first; one per document, no sentence twice."""
    by_id = {r["id"]: r for r in reports if theme in r["themes"]}
    found = []
    for doc_id, doc_tags in tags.items():
        if doc_id not in by_id:
            continue
        for tag in doc_tags:
            if tag["theme"] != theme:
                continue
            for ev in tag["evidence"]:
                if (ev.get("sentence") or "").strip():
                    found.append((by_id[doc_id], ev))

    def strength(item: tuple[Mapping[str, Any], dict]) -> tuple:
        r, ev = item
        whole = len(ev["sentence"].split()) >= 8 and ev["sentence"].rstrip().endswith(
            (".", "?", "!"))
        return (-ev.get("strength", 1), -(ev.get("probability") or 0), not whole,
                DOC_ORDER.get(r["doc_type"], 9), -(r["year"] or 0), r["id"], ev.get("page") or 0)

    out: list[dict[str, Any]] = []
    docs: set[str] = set()
    sentences: set[str] = set()
    for r, ev in sorted(found, key=strength):
        text = " ".join(ev["sentence"].split())
        if r["id"] in docs or text in sentences:
            continue
        docs.add(r["id"])
        sentences.add(text)
        out.append({"doc": r, "page": ev.get("page"), "sentence": text,
                    "strength": ev.get("strength"), "probability": ev.get("probability")})
        if len(out) >= limit:
            break
    return out


def passages_section(tags: Mapping[str, list[dict]], reports: Sequence[Mapping[str, Any]],
                     theme: str) -> None:
    st.subheader("What the reviews say")
    passages = top_passages(tags, reports, theme)
    if not passages:
        st.info("No evidence sentence was recorded for this theme.")
        return
    st.caption("The strongest evidence for the theme, one passage per document, verbatim "
               "with its page; open a passage to read it in the report.")
    lines = []
    for i, p in enumerate(passages, 1):
        target = report_link(p["doc"]["id"], p["page"])
        lines.append(f"{i}. \u201c{md(shorten(p['sentence']))}\u201d \u2014 "
                     f"{md(cite(p['doc'], p['page']))}{'' if p['page'] else ', web page'} "
                     f"[open]({target})")
    st.markdown("\n".join(lines))


# -- recurring recommendations ------------------------------------------------------------

def recurring(records: Sequence[Mapping[str, Any]], case_ids: set[str],
              limit: int = MAX_LEARNING) -> list[dict[str, Any]]:
    """Recommendations of the reviews in ``case_ids``, near-duplicates merged (as in the
    briefing), made by most reviews first: text, reviews (case ids) and sources."""
    merged = merge_recommendations((rec["case"] or rec["id"], rec["text"], rec)
                                   for rec in records
                                   if (rec["case"] or rec["id"]) in case_ids)
    merged.sort(key=lambda m: (-len(m["cases"]), len(m["text"]), m["text"]))
    return merged[:limit]


@st.cache_data(ttl=cached.TTL, show_spinner=False)
def recurring_for(data: str, theme: str) -> list[dict[str, Any]]:
    case_ids = {c["case"] for c in cached.cases(data) if theme in c["themes"]}
    return recurring(cached.recommendations(data), case_ids)


def recommendations_section(data: Path, theme: str) -> None:
    st.subheader("Recurring recommendations")
    groups = recurring_for(str(data), theme)
    if not groups:
        st.info("No recommendation was found in the reviews carrying this theme.")
        return
    st.caption("What the reviews carrying this theme recommend, near-duplicates merged; "
               "those made by most reviews first, each with the reports that make it.")
    lines = []
    for i, g in enumerate(groups, 1):
        n = len(g["cases"])
        shown = g["sources"][:MAX_SOURCES]
        sources = "; ".join(f"[{md(cite(s, s['page']))}]({report_link(s['id'], s['page'])})"
                            for s in shown)
        more = f"; and {len(g['sources']) - len(shown)} more" if len(g["sources"]) > len(shown) \
            else ""
        lines.append(f"{i}. **{n} review{'s' if n != 1 else ''}**: {md(shorten(g['text'], 400))}"
                     f"  \n   Sources: {sources}{more}")
    st.markdown("\n".join(lines))


# -- this area against the nation ---------------------------------------------------------

def area_options(cases: Sequence[Mapping[str, Any]]) -> list[str]:
    """"" (no area), then ``region:<name>`` and ``board:<name>`` for every one named."""
    regions = sorted({c["region"] for c in cases if c.get("region")})
    boards = sorted({c["board"] for c in cases if c.get("board")})
    return [""] + [f"region:{r}" for r in regions] + [f"board:{b}" for b in boards]


def area_name(area: str) -> str:
    kind, _, name = area.partition(":")
    return name if kind == "region" else f"{name} (board)"


def area_counts(cases: Sequence[Mapping[str, Any]], theme: str, area: str) -> dict[str, Any]:
    """Reviews in ``area`` (``region:<name>`` or ``board:<name>``) and in its nation (the
    nation of most of its reviews; all reviews when none is known), and how many of each
    carry ``theme``."""
    kind, _, name = area.partition(":")
    local = [c for c in cases if kind in ("region", "board") and c.get(kind) == name]
    nations = Counter(c.get("nation") for c in local if c.get("nation"))
    nation = nations.most_common(1)[0][0] if nations else None
    wider = [c for c in cases if c.get("nation") == nation] if nation else list(cases)
    return {"area": len(local), "area_with": sum(theme in c["themes"] for c in local),
            "nation_name": nation or "all reviews",
            "nation": len(wider), "nation_with": sum(theme in c["themes"] for c in wider)}


def _nationally(counts: Mapping[str, Any]) -> str:
    name = counts["nation_name"]
    return "across all reviews" if name == "all reviews" else f"in {name} as a whole"


def area_sentence(counts: Mapping[str, Any], area: str) -> str:
    return (f"{counts['area_with']} of {counts['area']} reviews in {area_name(area)} "
            f"({_pct(counts['area_with'], counts['area'])}%) against {counts['nation_with']} of "
            f"{counts['nation']} {_nationally(counts)} "
            f"({_pct(counts['nation_with'], counts['nation'])}%).")


def area_section(cases: Sequence[Mapping[str, Any]], theme: str) -> None:
    st.subheader("This area against the nation")
    options = area_options(cases)
    area = url_select(st, "Compare an area (region or board)", options, "area",
                      format_func=lambda a: "(choose an area)" if not a else
                      f"{a.partition(':')[0].title()}: {a.partition(':')[2]}")
    if not area:
        st.caption("Choose a region or a board to compare its share of reviews carrying the "
                   "theme with the share in its nation.")
        return
    counts = area_counts(cases, theme, area)
    st.markdown(md(area_sentence(counts, area)))
    st.dataframe([{"where": area_name(area), "reviews": counts["area"],
                   "with this theme": counts["area_with"],
                   "share": _pct(counts["area_with"], counts["area"])},
                  {"where": counts["nation_name"], "reviews": counts["nation"],
                   "with this theme": counts["nation_with"],
                   "share": _pct(counts["nation_with"], counts["nation"])}],
                 hide_index=True, width="stretch",
                 column_config={"share": st.column_config.NumberColumn("share", format="%d%%")})
