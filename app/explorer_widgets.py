"""Small pieces the explorer's views share: escaping, links, citations, URL-mirrored widgets."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlencode

import streamlit as st

from analysis.taxonomy import theme_labels  # noqa: F401  (the views' labels)

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$:])")
_LIST_LINE = re.compile(r"\n(?=\s*(?:[-\u2022*\u25cf]|\d+(?:\.\d+)*[.)]?\s))")
_UNSET = object()
_OPEN, _CLOSE = "\x02", "\x03"  # around a marked span, until escaped

CSS = """<style>
.scr-snippet { line-height: 1.6; }
.scr-snippet mark { background: #fff3a3; padding: 0 .1em; }
.scr-page { max-width: 48rem; line-height: 1.65; }
.scr-page p { margin: 0 0 .9em 0; }
.scr-page mark { background: #fff3a3; padding: 0 .1em; }
</style>"""


def md(text: object) -> str:
    """Text from a report, safe in (non-HTML) markdown: escaped HTML and markdown syntax."""
    return html.escape(_MD_SPECIAL.sub(r"\\\1", str(text)))


def safe_url(url: str | None) -> str | None:
    """``url`` when it is http(s), else None (a link column then shows nothing)."""
    return url if url and re.match(r"https?://", url) else None


def link(label: str, url: str | None) -> str:
    """A markdown link to an http(s) URL (anything else is shown as escaped text)."""
    if not safe_url(url):
        return md(url or "")
    href = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C")
    return f"[{label}]({href})"


def page_html(text: str, marks: Sequence[tuple[int, int]] = ()) -> str:
    """One page of report text as a single-line HTML block (escaped; paragraphs kept).

    Lines wrapped by the PDF are joined, except before list items; one line with no blank
    lines keeps markdown from interpreting the text (``*``, ``$``, ``1.`` ...). ``marks``
    (character spans, e.g. a query's matches) are wrapped in ``<mark>``.
    """
    text = text.replace(_OPEN, " ").replace(_CLOSE, " ")  # same length: spans stay true
    for start, end in sorted(marks, reverse=True):
        text = text[:start] + _OPEN + text[start:end] + _CLOSE + text[end:]
    paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    body = []
    for p in paras:
        p = _LIST_LINE.sub("\x00", p).replace("\n", " ")
        body.append("<p>" + html.escape(p).replace("\x00", "<br>").replace(_OPEN, "<mark>")
                    .replace(_CLOSE, "</mark>") + "</p>")
    return "<div class='scr-page'>" + "".join(body) + "</div>"


def cite(r: dict, page: int | None, with_url: bool = False) -> str:
    """Board, child, document type, year and page (and the source URL): how to cite a page."""
    where = f", p. {page}" if page else ""
    doc_type = (r.get("doc_type") or "").replace("_", " ")
    url = f". {r['url']}" if with_url and r.get("url") else ""
    return (f"{r['board']}, {r['child'] or 'case review'}, {doc_type}, {r['year'] or 'n.d.'}"
            f"{where}{url}")


def sync(key: str, raw: str | None, value: Any) -> None:
    """Point widget ``key`` at ``value`` when the URL's ``raw`` changed since we wrote it."""
    seen = f"_url_{key}"
    if key not in st.session_state or st.session_state.get(seen, _UNSET) != raw:
        st.session_state[key] = value
    st.session_state[seen] = raw


def to_url(key: str, raw: str | None) -> None:
    """Write a widget's value to the URL (None removes it) and remember we wrote it."""
    if raw is None:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != raw:
        st.query_params[key] = raw
    st.session_state[f"_url_{key}"] = raw


def url_select(where: Any, label: str, options: list[str], key: str,
                **kwargs: Any) -> str:
    """A selectbox mirrored in the URL parameter ``key``; its first option is the default."""
    raw = st.query_params.get(key)
    chosen = where.selectbox(label, options, index=options.index(raw) if raw in options else 0,
                             key=key, **kwargs)
    to_url(key, None if chosen == options[0] else chosen)
    return chosen


def year_range(where: Any, years: list[int], key: str) -> tuple[int, int] | None:
    """A publication-year slider mirrored in the URL parameter ``key`` (``FROM-TO``); None
    when it spans every year, so that documents or cases with no known year stay in."""
    if len(years) < 2:
        return None
    full = (years[0], years[-1])
    wanted = full
    m = re.fullmatch(r"(\d{4})-(\d{4})", st.query_params.get(key) or "")
    if m:
        lo, hi = sorted((int(m[1]), int(m[2])))
        if lo <= full[1] and hi >= full[0]:
            wanted = (max(lo, full[0]), min(hi, full[1]))
    chosen = where.slider("Publication year", full[0], full[1], wanted, key=key)
    narrowed = tuple(chosen) != full
    to_url(key, f"{chosen[0]}-{chosen[1]}" if narrowed else None)
    return (chosen[0], chosen[1]) if narrowed else None


def int_param(raw: str | None, default: int) -> int:
    try:
        return int(raw) if raw is not None else default
    except ValueError:
        return default




def report_link(doc_id: str, page: int | None = None) -> str:
    """A link that opens a document in the Report view (at a page when given)."""
    target = f"?view=Report&doc={quote(str(doc_id), safe='')}"
    return target + (f"&page={int(page)}" if page else "")


def href(**params: str | None) -> str:
    """A link to this app with the current URL parameters, some replaced (None removes)."""
    merged = {k: st.query_params.get(k) for k in st.query_params}
    merged.update(params)
    return "?" + urlencode({k: v for k, v in merged.items() if v is not None})
