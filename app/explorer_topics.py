"""The explorer's Topics view: the NMF topic model stored by ``scr analyse``, then one topic.

The table lists every topic (label, top terms, nearest taxonomy themes, share of documents).
For a chosen topic (URL parameter ``topic``, its id): its terms with their weights, its nearest
taxonomy themes, its most representative passages (each opening the report at its page) and
its prevalence over publication years.

**Prevalence rule**: a document counts for the topic that is its *dominant* topic, the one
holding the largest share of its topic weight (ties: the lowest topic id). Each modelled
document counts once, so shares over the documents the model was fitted on sum to 100%.
(A weight threshold was tried and rejected: with k around 20, weights are spread so thin
that most topics would carry no document at all.)
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import streamlit as st

from app import explorer_data as cached
from app.explorer_widgets import md, report_link, theme_labels, url_select

TABLE_TERMS = 6
PASSAGE_CHARS = 300  # passages are stored cut to this length (analysis.topics)


def dominant(weights: dict[str, float]) -> int | None:
    """The document's dominant topic (largest weight, lowest id on ties); None without weights."""
    best = max(weights.items(), key=lambda kv: (float(kv[1]), -int(kv[0])), default=None)
    return int(best[0]) if best and float(best[1]) > 0 else None


def _fmt(value: Any, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def _quality(model: dict[str, Any]) -> str:
    candidates = [c.get("k") for c in (model.get("selection") or {}).get("candidates", [])]
    among = f" (chosen among k = {', '.join(map(str, candidates))})" if len(candidates) > 1 else ""
    line = (f"k = {model.get('k', len(model['topics']))} topics{among}; "
            f"mean NPMI {_fmt(model.get('npmi'), '.3f')}; "
            f"stability {_fmt(model.get('stability'), '.2f')} over {model.get('runs', '?')} "
            f"runs; fitted on {model.get('n_units', '?')} paragraphs "
            f"({model.get('boilerplate_dropped', 0)} boilerplate dropped) of "
            f"{len(model.get('documents') or {})} documents.")
    align = model.get("alignment") or {}
    if align.get("core_themes"):
        line += (f" {align.get('matched', 0)} of {len(align['core_themes'])} core themes have a "
                 f"topic with r \u2265 {align.get('min_r', 0.3)}; NMI "
                 f"{_fmt(align.get('nmi'), '.3f')}.")
    return line


def _theme_names(topic: dict[str, Any], labels: dict[str, str]) -> list[str]:
    return [labels.get(t["id"], t.get("label") or t["id"]) for t in topic.get("themes", [])]


def topics_view(data: Path, reports: list[dict]) -> None:
    st.header("Topics in the reviews")
    model = cached.topics(str(data))
    topics = model.get("topics") or []
    if not topics:
        st.info("No topic model yet: run `scr analyse` (or `scr build`) to fit one.")
        return
    st.caption(_quality(model))
    documents: dict[str, dict[str, float]] = model.get("documents") or {}
    n_docs = len(documents)
    labels = theme_labels()
    counts = Counter(dominant(w) for w in documents.values())
    rows = []
    for t in topics:
        n = counts[t["id"]]
        rows.append({"topic": t["id"], "label": t["label"],
                     "top terms": ", ".join(x["term"] for x in t["terms"][:TABLE_TERMS]),
                     "nearest themes": ", ".join(_theme_names(t, labels)),
                     "documents": n, "share": round(100 * n / n_docs) if n_docs else 0})
    st.dataframe(rows, hide_index=True, width="stretch", height="content",
                 column_config={"share": st.column_config.ProgressColumn(
                     "share of documents", min_value=0, max_value=100, format="%d%%",
                     help="documents whose dominant topic this is")})
    by_id = {str(t["id"]): t for t in topics}
    chosen = url_select(st, "Topic", list(by_id), "topic",
                        format_func=lambda i: f"{i}. {by_id[i]['label']}")
    _topic(by_id[chosen], documents, reports, labels)


def _topic(topic: dict[str, Any], documents: dict[str, dict[str, float]],
           reports: list[dict], labels: dict[str, str]) -> None:
    st.subheader(f"Topic {topic['id']}: {md(topic['label'])}")
    terms = ", ".join(md(x["term"]) for x in topic["terms"])
    st.markdown(f"**Terms** (most characteristic first): {terms}")
    if topic.get("npmi") is not None:
        st.caption(f"NPMI of its top terms: {topic['npmi']:.3f}")
    near = topic.get("themes") or []
    if near:
        st.markdown("**Nearest taxonomy themes** (correlation over documents between the "
                    "topic's weight and the theme's tags)\n\n"
                    + "\n".join(f"- {md(name)} (r = {t['r']:.2f})"
                                for name, t in zip(_theme_names(topic, labels), near,
                                                   strict=True)))
    else:
        st.markdown("No taxonomy theme correlates positively with this topic.")
    _passages(topic, reports)
    _by_year(topic["id"], documents, reports)


def _passages(topic: dict[str, Any], reports: list[dict]) -> None:
    by_doc = {r["id"]: r for r in reports}
    passages = topic.get("passages") or []
    if not passages:
        st.markdown("No representative passage is stored for this topic.")
        return
    lines = ["**Representative passages**"]
    for p in passages:
        r = by_doc.get(p["doc"])
        page = p.get("page")
        where = f"p. {page}" if page else "web page"
        who = (f"{md(r['board'])}, {md(r['child'] or 'case review')}, {r['year'] or 'n.d.'}"
               if r else f"document {md(p['doc'])}")
        target = report_link(p["doc"], page)
        cut = "\u2026" if len(p["text"]) >= PASSAGE_CHARS else ""
        lines.append(f"- \u201c{md(' '.join(p['text'].split()))}{cut}\u201d "
                     f"({who}, {where}) [open report]({target})")
    st.markdown("\n".join(lines))


def _by_year(topic_id: int, documents: dict[str, dict[str, float]],
             reports: list[dict]) -> None:
    """Documents whose dominant topic it is, per publication year (of those with a year)."""
    year_of = {r["id"]: r["year"] for r in reports if r.get("year")}
    years = sorted({year_of[d] for d in documents if d in year_of})
    if not years:
        st.caption("No document of this model has a known publication year.")
        return
    table = {y: {"year": str(y), "documents (dominant topic)": 0, "documents modelled": 0}
             for y in range(years[0], years[-1] + 1)}
    for doc_id, weights in documents.items():
        year = year_of.get(doc_id)
        if year is None:
            continue
        table[year]["documents modelled"] += 1
        table[year]["documents (dominant topic)"] += dominant(weights) == topic_id
    rows = list(table.values())
    for row in rows:
        modelled = row["documents modelled"]
        row["share"] = round(100 * row["documents (dominant topic)"] / modelled) \
            if modelled else 0
    st.markdown("**Prevalence by publication year** (documents whose dominant topic this is)")
    st.bar_chart({r["year"]: r["documents (dominant topic)"] for r in rows},
                 x_label="publication year", y_label="documents (dominant topic)")
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={"share": st.column_config.NumberColumn(
                     "share of that year's documents", format="%d%%")})
