"""The explorer's Themes view: prevalence of every theme, then one theme as a briefing.

For a chosen theme (URL ``theme``) the page reads like a "Learning from case reviews" briefing,
every figure clickable down to its passage: how many reviews carry it (one per case), reviews
per publication year (chart and table), the theme by place, type, outcome and age band, the
themes it occurs with (lift), one area (URL ``area``: ``region:<name>`` or ``board:<name>``)
against the nation, the strongest evidence passages, the reviews' recurring recommendations,
its briefing to download, and the documents carrying it, each with a quotation and a link that
opens the report at that page.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from analysis.theme_reliability import caution
from analysis.trends import (
    DIMENSIONS,
    cooccurrence,
    left_out_sentence,
    prevalence,
    read_cases,
)
from app import explorer_data as cached
from app.explorer_downloads import download
from app.explorer_themes_brief import area_section, passages_section, recommendations_section
from app.explorer_widgets import cite, md, report_link, theme_labels, url_select

THEME_LIST_LIMIT = 50


def themes_view(data: Path, reports: list[dict]) -> None:
    st.header("Themes across the reviews")
    summary = cached.themes(str(data))
    measured = ("Found and right: how the tagger did on synthetic test reviews it never "
                "trained on, the share of the reviews showing a theme that it found and the "
                "share of its tags that were right. A theme with a low 'found' is undercounted "
                "here; '-': tagged by rules alone, not measured."
                if summary.get("reliability_measured") else
                "The tagger's measured figures are not available (they are missing or were "
                "measured on another version of the tagger).")
    st.caption(f"{summary['documents_tagged']} case-review documents tagged. A document can "
               f"carry several themes. {measured}")
    rows = sorted(({"theme": t["label"], "group": t["group"].replace("_", " & "),
                    "documents": t["documents"], "share": round(100 * t["share"]),
                    **_measured(t["reliability"])}
                   for t in summary["themes"]),
                  key=lambda row: (-row["documents"], row["theme"]))
    st.dataframe(rows, hide_index=True, width="stretch", height="content",
                 column_config={"share": st.column_config.ProgressColumn(
                     "share of tagged documents", min_value=0, max_value=100, format="%d%%"),
                     "found": st.column_config.TextColumn(
                         "found", help="recall on synthetic test reviews; -: not measured"),
                     "right": st.column_config.TextColumn(
                         "right", help="precision on synthetic test reviews")})
    labels = theme_labels()
    if not labels:
        st.info("The taxonomy has no themes.")
        return
    theme = url_select(st, "Theme", list(labels), "theme", format_func=lambda t: labels[t])
    with_theme = [r for r in reports if theme in r["themes"]]
    if not with_theme:
        st.info(f"No case-review document carries the theme {labels[theme]!r}.")
        return
    every_case = cached.cases(str(data))
    cases = read_cases(every_case)  # shares are of the reviews the tagger could read
    measured = next((t["reliability"] for t in summary["themes"] if t["id"] == theme), None)
    _theme_lead(cases, theme, labels[theme], len(with_theme), measured,
                unread=len(every_case) - len(cases))
    _over_time(cases, theme)
    _theme_trends(data, theme, labels)
    area_section(cases, theme)
    passages_section(summary["tags"], reports, theme)
    recommendations_section(data, theme)
    _briefing_download(theme, labels[theme], st.query_params.get("area") or "")
    st.subheader("The documents")
    shown = f" (the first {THEME_LIST_LIMIT} are listed)" if len(with_theme) > THEME_LIST_LIMIT \
        else ""
    st.markdown(f"**{len(with_theme)}** documents carry this theme{shown}.")
    lines = []
    for r in with_theme[:THEME_LIST_LIMIT]:
        evidence = summary["tags"].get(r["id"], [])
        first = next((e for t in evidence if t["theme"] == theme for e in t["evidence"]), None)
        page = first["page"] if first else None
        quote = f": \u201c{md(first['sentence'][:200])}\u201d" if first else ""
        target = report_link(r["id"], page)
        lines.append(f"- {md(cite(r, page))}{quote} [open]({target})")
    st.markdown("\n".join(lines))


def _measured(reliability: dict | None) -> dict[str, str]:
    """The table's "found" (recall) and "right" (precision) columns: "55%", or "-" where
    nothing was measured (a theme tagged by the rules alone)."""
    if not reliability:
        return {"found": "-", "right": "-"}
    return {"found": f"{reliability['recall']:.0%}", "right": f"{reliability['precision']:.0%}"}


def _theme_lead(cases: list[dict], theme: str, label: str, documents: int,
                reliability: dict | None = None, unread: int = 0) -> None:
    """The briefing's opening: how many reviews (one per case) carry the theme, and when."""
    st.subheader(f"Learning from case reviews: {label}")
    carrying = [c for c in cases if theme in c["themes"]]
    years = sorted(c["year"] for c in carrying if c["year"])
    span = f", published {years[0]}\u2013{years[-1]}" if years else ""
    share = round(100 * len(carrying) / len(cases)) if cases else 0
    st.markdown(f"**{len(carrying)}** of {len(cases)} reviews ({share}%) carry this theme"
                f"{span}; {documents} of their documents are tagged with it."
                + left_out_sentence(unread))
    if reliability:
        st.caption(caution(reliability))


def _over_time(cases: list[dict], theme: str) -> None:
    """Reviews carrying the theme per publication year: a chart, and its figures as a table."""
    years = [c["year"] for c in cases if c["year"]]
    if not years:
        st.caption("No review has a publication year.")
        return
    rows = []
    for year in range(min(years), max(years) + 1):
        those = [c for c in cases if c["year"] == year]
        carrying = sum(theme in c["themes"] for c in those)
        rows.append({"year": str(year), "reviews": len(those), "with this theme": carrying,
                     "share": round(100 * carrying / len(those)) if those else 0})
    st.bar_chart({r["year"]: r["with this theme"] for r in rows}, x_label="publication year",
                 y_label="reviews with this theme")
    with st.expander("Reviews per year, as a table"):
        st.dataframe(rows, hide_index=True, width="stretch",
                     column_config={"share": st.column_config.NumberColumn(
                         "share", format="%d%%")})


def _theme_trends(data: Path, theme: str, labels: dict[str, str]) -> None:
    """The theme by place, type, outcome and age, and the themes it occurs with (per case)."""
    cases = cached.cases(str(data))
    st.subheader("Where and with what")
    by = url_select(st, "Break down by (reviews, one per case)", [d for d in DIMENSIONS
                                                                  if d != "year"], "by",
                    format_func=lambda d: d.replace("_", " "))
    table = prevalence(cases, by, [theme])
    st.dataframe([{by.replace("_", " "): str(g["value"]), "reviews": g["cases"],
                   "with this theme": g["themes"][theme]["cases"],
                   "share": round(100 * g["themes"][theme]["share"])} for g in table["groups"]],
                 hide_index=True, width="stretch", height="content",
                 column_config={"share": st.column_config.ProgressColumn(
                     "share", min_value=0, max_value=100, format="%d%%")})
    pairs = [p for p in cooccurrence(cases)["pairs"] if theme in (p["a"], p["b"]) and p["both"]]
    if pairs:
        st.markdown("**Occurs with** (reviews carrying both; lift above 1: more often "
                    "together than if unrelated)")
        st.dataframe([{"theme": labels.get(o := p["b"] if p["a"] == theme else p["a"], o),
                       "reviews with both": p["both"], "lift": p["lift"]}
                      for p in pairs[:10]], hide_index=True, width="stretch")


def _briefing_download(theme: str, label: str, area: str) -> None:
    """The briefing, national or (when a region is being compared) of that region's reviews."""
    with st.expander(f"Briefing: Learning from case reviews: {label}"):
        st.caption("Who the reviews were about, how often the theme appears and with what, "
                   "short quotations with pages, the reviews' recommendations, the reviews "
                   "referenced.")
        kind, _, name = area.partition(":")
        region = None
        if kind == "region" and name:
            scope = st.radio("Reviews", ["all", name], key="theme-brief-scope", horizontal=True,
                             format_func=lambda s: "all reviews" if s == "all"
                             else f"{s} only")
            region = None if scope == "all" else scope
        download("theme", theme, "briefing", "theme-brief", region)
