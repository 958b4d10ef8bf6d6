"""The main text of an HTML page, and what the page says about itself.

Boilerplate goes first: scripts, styles, navigation, asides, footers, forms, hidden elements and
anything whose id or class names a cookie/consent banner, breadcrumb, menu, skip link, share or
social widget, header or footer. Elements that hold the page's ``<main>``, ``<article>`` or
``<h1>`` are never dropped (a page-wide ASP.NET ``<form>``, an article's ``<header>``). The main
text is then taken from ``<main>`` (or ``role=main``), else the ``<article>`` with the most
paragraph text, else the element whose paragraphs hold the most text. Headings, paragraphs,
list items and table rows each become a line of their own.
"""

from __future__ import annotations

import logging
import re
import warnings
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString, Script, Stylesheet, TemplateString

from ingest.datetext import iso_date

logger = logging.getLogger(__name__)

DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "object", "embed",
             "canvas", "button", "select", "input", "textarea", "dialog", "nav", "aside",
             "footer", "head")
DROP_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search",
                        "dialog", "alertdialog", "menu", "menubar"})
JUNK_NAMES = re.compile(
    r"(?:^|[\s_-])(?:cookie|consent|gdpr|banner|breadcrumb|menu|nav|skip|share|sharing|social|"
    r"footer|header|sidebar|popup|modal)",
    re.IGNORECASE,
)
PROTECTED_TAGS = frozenset({"html", "body", "main", "article"})
KEEP_MARKERS = ("main", "article", "h1")
BLOCK_TAGS = frozenset({"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5",
                        "h6", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "blockquote",
                        "pre", "figure", "figcaption", "header", "address", "caption", "body",
                        "details", "summary", "hr"})
TIGHT_TAGS = frozenset({"li", "tr", "dt", "dd"})  # consecutive lines without a blank line
_NOT_TEXT = (PreformattedString, Script, Stylesheet, TemplateString)
_WS = re.compile(r"\s+")
_PUBLISHED = re.compile(
    r"\b(?:date\s+)?(?:first\s+)?published(?:\s+on)?\s*:?\s*([0-9A-Za-z ,./-]{4,40})",
    re.IGNORECASE,
)


def _clean(text: str) -> str:
    return _WS.sub(" ", text).strip()


def _soup(data: bytes | str, encoding: str | None) -> BeautifulSoup:
    with warnings.catch_warnings():  # bs4's "looks like a URL/XML" hints are not our concern
        warnings.simplefilter("ignore")
        if isinstance(data, str):
            return BeautifulSoup(data, "lxml")
        return BeautifulSoup(data, "lxml", from_encoding=encoding)


def _meta_content(soup: BeautifulSoup, *names: str) -> str | None:
    for name in names:
        tag = soup.find("meta", attrs={"name": name}) or soup.find("meta", property=name)
        if isinstance(tag, Tag) and tag.get("content"):
            return _clean(str(tag["content"]))[:1000] or None
    return None


def page_meta(soup: BeautifulSoup) -> dict[str, Any]:
    """Title, first h1, description and publication date as the page states them."""
    meta: dict[str, Any] = {}
    if soup.title and soup.title.get_text(strip=True):
        meta["title"] = _clean(soup.title.get_text())[:1000]
    h1 = soup.find("h1")
    if h1 and h1.get_text(strip=True):
        meta["h1"] = _clean(h1.get_text(" "))[:1000]
    description = _meta_content(soup, "description", "og:description", "dc.description")
    if description:
        meta["description"] = description
    times = []
    for tag in soup.find_all("time"):
        value = iso_date(str(tag.get("datetime") or tag.get_text()))
        if value and value not in times:
            times.append(value)
    if times:
        meta["times"] = times[:10]
    stated = _meta_content(soup, "article:published_time", "dcterms.issued", "dc.date",
                           "dcterms.date", "date")
    match = _PUBLISHED.search(soup.get_text(" "))
    if match:
        meta["published_text"] = _clean(match.group(0))[:100]
    published = (iso_date(stated) if stated else None) or (
        iso_date(match.group(1)) if match else None) or (times[0] if times else None)
    if published:
        meta["published"] = published
    return meta


def _is_junk(el: Tag, page_text: int) -> bool:
    """Boilerplate by tag, role, id/class or hiddenness, unless it holds the page's content."""
    if el.name in PROTECTED_TAGS:
        return False
    role = str(el.get("role") or "").lower()
    names = " ".join([*el.get("class", []), str(el.get("id") or "")])
    style = str(el.get("style") or "").replace(" ", "").lower()
    hidden = (el.has_attr("hidden") or str(el.get("aria-hidden")).lower() == "true"
              or "display:none" in style)
    if el.name == "form":
        return len(el.find_all("p", limit=3)) < 3 and el.find(KEEP_MARKERS) is None
    if not (el.name == "header" or role in DROP_ROLES or hidden or JUNK_NAMES.search(names)):
        return False
    if el.find(KEEP_MARKERS) is not None or el.find(attrs={"role": "main"}) is not None:
        return False
    # a wrapper whose class merely mentions a sidebar ("has-sidebar") holding most of the text
    return hidden or _paragraph_text(el) <= page_text / 2


def drop_boilerplate(soup: BeautifulSoup) -> None:
    """Remove navigation, banners, footers, scripts and the like from ``soup`` in place."""
    for el in soup.find_all(DROP_TAGS):
        if not el.decomposed and el.find(KEEP_MARKERS) is None:
            el.decompose()
    page_text = _paragraph_text(soup)
    for el in soup.find_all(True):
        if not el.decomposed and _is_junk(el, page_text):
            el.decompose()


def _paragraph_text(el: Tag) -> int:
    return sum(len(p.get_text(strip=True)) for p in el.find_all("p"))


def main_element(soup: BeautifulSoup) -> Tag | None:
    """The element holding the page's main text (see the module docstring)."""
    mains = soup.find_all("main") + soup.find_all(attrs={"role": "main"})
    mains = [m for m in mains if m.get_text(strip=True)]
    if mains:
        return max(mains, key=lambda m: len(m.get_text(strip=True)))
    articles = [a for a in soup.find_all("article") if _paragraph_text(a)]
    if articles:
        return max(articles, key=_paragraph_text)
    scores: dict[int, tuple[float, Tag]] = {}
    for p in soup.find_all("p"):
        size = len(p.get_text(strip=True))
        for parent, weight in ((p.parent, 1.0), (p.parent.parent if p.parent else None, 0.5)):
            if isinstance(parent, Tag):
                old = scores.get(id(parent), (0.0, parent))[0]
                scores[id(parent)] = (old + size * weight, parent)
    if scores:
        return max(scores.values(), key=lambda pair: pair[0])[1]
    return soup.body or soup


def block_lines(root: Tag) -> str:
    """Text of ``root`` with each block element (heading, paragraph, item, row) on its line.

    Blocks are separated by a blank line; consecutive list items or table rows, and lines
    split by ``<br>``, by a line break only.
    """
    lines: list[tuple[bool, str]] = []  # (follows a line break only, text)
    current: list[str] = []
    block: Tag | None = None
    after_br = last_tight = False

    def flush() -> None:
        nonlocal after_br, last_tight
        line = _clean("".join(current))
        current.clear()
        if line:
            tight = block is not None and block.name in TIGHT_TAGS
            lines.append((after_br or (tight and last_tight), line))
            after_br, last_tight = False, tight

    for node in root.descendants:
        if isinstance(node, Tag):
            if node.name == "br":
                flush()
                after_br = True
            elif node.name in ("td", "th"):
                current.append(" ")
            continue
        if not isinstance(node, NavigableString) or isinstance(node, _NOT_TEXT):
            continue
        owner = next((p for p in node.parents if p.name in BLOCK_TAGS), None)
        if owner is not block:
            flush()
            after_br, block = False, owner
        current.append(_WS.sub(" ", str(node)))
    flush()
    return "".join(("\n" if tight else "\n\n") + line if i else line
                   for i, (tight, line) in enumerate(lines))


def html_text(data: bytes | str, encoding: str | None = None) -> tuple[str, dict[str, Any]]:
    """Main text of the HTML in ``data`` (lines, blank line between blocks) and its metadata."""
    soup = _soup(data, encoding)
    meta = page_meta(soup)
    if soup.original_encoding:
        meta["encoding"] = soup.original_encoding
    drop_boilerplate(soup)
    root = main_element(soup)
    text = block_lines(root) if root is not None else ""
    logger.debug("HTML main element <%s>: %d chars", getattr(root, "name", None), len(text))
    return text, meta
