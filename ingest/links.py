"""Links out of an HTML page, each with its text and context.

The context of a link is what a person reading the listing sees around it: the nearest heading
above it and the text of its row, list item or paragraph (where dates such as "Published 12 March
2017" and case names usually sit). It is kept as evidence for deciding what a document is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag

from ingest.urls import normalise_url

# The row, item or paragraph a link sits in (a table row rather than its cell: the row holds the
# case name and date), and the containers whose preceding paragraph often carries the date.
_BLOCKS = ("li", "tr", "p", "dd", "dt", "article", "section", "div")
_CONTAINERS = ("ul", "ol", "table", "dl")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    context: str


def _clean(text: str, limit: int = 300) -> str:
    return _WS.sub(" ", text).strip()[:limit]


def _context(a: Tag) -> str:
    parts: list[str] = []
    heading = a.find_previous(_HEADINGS)
    if heading is not None:
        parts.append(_clean(heading.get_text(" "), 150))
    block = a.find_parent(_BLOCKS)
    if block is not None:
        text = _clean(block.get_text(" "))
        if text and len(text) < 400:
            parts.append(text)
        else:  # a huge block: the text just before the link is the useful part
            prev = a.find_previous(string=True)
            if prev:
                parts.append(_clean(str(prev), 200))
    container = a.find_parent(_CONTAINERS)
    intro = container.find_previous_sibling("p") if container is not None else None
    if intro is not None and (heading is None or heading in intro.find_all_previous(_HEADINGS)):
        parts.append(_clean(intro.get_text(" "), 200))  # "The documents below were published..."
    return " | ".join(p for p in parts if p)


def extract_links(html: bytes | str, base_url: str) -> list[Link]:
    """Every distinct fetchable link of a page, in document order, with text and context."""
    soup = BeautifulSoup(html, "lxml")
    base_tag = soup.find("base", href=True)
    base = normalise_url(str(base_tag["href"]), base_url) if base_tag else None
    base = base or base_url
    seen: dict[str, Link] = {}
    for a in soup.find_all("a", href=True):
        url = normalise_url(str(a["href"]), base)
        if url is None or url in seen:
            continue
        text = _clean(a.get_text(" ") or a.get("title", "") or a.get("aria-label", ""), 200)
        seen[url] = Link(url=url, text=text, context=_context(a))
    return list(seen.values())
