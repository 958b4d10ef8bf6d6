"""The cases behind one figure of the Trends view: board, child, year, a link, the passages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from analysis.trends import theme_evidence
from app.explorer_widgets import md, report_link

DRILL_LIMIT = 50
PASSAGES_PER_THEME = 3


def _tags_of(summary: Mapping[str, Any]) -> Any:
    tags = summary.get("tags", {})
    return lambda doc_id: [dict(t, present=True) for t in tags.get(doc_id, [])]


def case_lines(case: Mapping[str, Any], themes: Sequence[str], labels: Mapping[str, str],
               summary: Mapping[str, Any]) -> list[str]:
    """One case as markdown list lines: who, when, its first document, the passages."""
    docs = case.get("documents") or []
    who = f"**{md(case.get('board') or 'unknown board')}**, " \
          f"{md(case.get('child') or 'child not named')}, {case.get('year') or 'n.d.'}"
    opened = f" [open]({report_link(docs[0]['id'])})" if docs else ""
    lines = [f"- {who}{opened}"]
    tags_of = _tags_of(summary)
    for theme in themes:
        found = theme_evidence(tags_of, case, theme)[:PASSAGES_PER_THEME]
        name = md(labels.get(theme, theme))
        if not found:
            lines.append(f"    - {name}: no passage recorded")
        for doc, ev in found:
            page = ev.get("page")
            where = f"p. {page}" if page else "web page"
            kind = md((doc.get("doc_type") or "document").replace("_", " "))
            sentence = md((ev.get("sentence") or "")[:300])
            lines.append(f"    - {name}, {kind}, [{where}]({report_link(doc['id'], page)}): "
                         f"\u201c{sentence}\u201d")
    return lines


def show_cases(cases: Sequence[Mapping[str, Any]], case_ids: Sequence[str],
               themes: Sequence[str], labels: Mapping[str, str],
               summary: Mapping[str, Any], what: str) -> None:
    """List the cases ``case_ids`` (``what`` describes the figure) with their passages."""
    by_id = {c["case"]: c for c in cases}
    chosen = [by_id[i] for i in case_ids if i in by_id]
    if not chosen:
        st.info(f"No case {what}.")
        return
    shown = f" (the first {DRILL_LIMIT} are listed)" if len(chosen) > DRILL_LIMIT else ""
    st.markdown(f"**{len(chosen)}** {'case' if len(chosen) == 1 else 'cases'} {what}{shown}:")
    lines = [line for case in chosen[:DRILL_LIMIT]
             for line in case_lines(case, themes, labels, summary)]
    st.markdown("\n".join(lines))
