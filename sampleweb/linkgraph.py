"""Work out which documents a polite crawler can reach from each board's seed page.

Follows the links actually written into the generated pages (same host, plus documents on
the document store), honours redirects, skips robots-disallowed paths, and records the
disallowed and tracking-parameter links it meets along the way.
"""

from __future__ import annotations

import html
import logging
import re
from collections import deque
from urllib.parse import unquote, urljoin

from sampleweb.boards import DOCSTORE_KEY
from sampleweb.model import Doc
from sampleweb.sites import SiteOut

logger = logging.getLogger(__name__)

_HREF = re.compile(r'href="([^"]*)"')
_HOST = re.compile(r"^\{\{host:(\w+)\}\}")


def links_in(text: str, current: str, host: str) -> list[tuple[str, str]]:
    """(host, path[?query]) of every followable link in a page; external ones are dropped."""
    found = []
    for raw in _HREF.findall(text):
        target = html.unescape(raw).split("#", 1)[0]
        if not target or target.startswith(("mailto:", "tel:", "javascript:", "http:",
                                             "https:")):
            continue
        match = _HOST.match(target)
        if match:
            found.append((match.group(1), target[match.end():] or "/"))
        else:
            found.append((host, urljoin(current, target)))
    return found


def disallowed(site: SiteOut | None, path: str) -> bool:
    """Whether robots.txt of the site forbids path (simple prefix rules)."""
    if site is None:
        return False
    clean = unquote(path)
    return any(clean.startswith(rule) for rule in site.disallow)


def discover(sites: dict[str, SiteOut], seeds: dict[str, str], docs: list[Doc]) -> dict:
    """Set ``discoverable``/``robots_disallowed`` on docs; return special-link notes."""
    by_url = {(d.host, unquote(d.path)): d for d in docs}
    reached: set[str] = set()
    notes: dict[str, list[dict]] = {"disallowed": [], "alias": []}
    seen_notes: set[tuple[str, str, str]] = set()

    def note(key: str, entry: dict) -> None:
        ident = (key, entry["host"], entry["path"])
        if ident not in seen_notes:
            seen_notes.add(ident)
            notes[key].append(entry)

    for board_key, seed in seeds.items():
        queue: deque[tuple[str, str]] = deque([(board_key, seed)])
        visited: set[tuple[str, str]] = set()
        while queue:
            host, path = queue.popleft()
            if (host, path) in visited or host not in (board_key, DOCSTORE_KEY):
                continue
            visited.add((host, path))
            site = sites.get(host)
            if site is None:
                continue
            if disallowed(site, path):
                note("disallowed", {"host": host, "path": path})
                continue
            redirect = site.routes["redirects"].get(path)
            if redirect:
                loc = redirect["location"]
                match = _HOST.match(loc)
                queue.append((match.group(1), loc[match.end():]) if match else (host, loc))
                continue
            text = site.html.get(path)
            bare = path.split("?", 1)[0]
            doc = by_url.get((host, unquote(path))) or by_url.get((host, unquote(bare)))
            if doc is not None:
                reached.add(doc.id)
                if bare != path and path not in site.html:
                    note("alias", {"host": host, "path": path, "canonical": doc.path})
            if text is None or host == DOCSTORE_KEY:
                continue
            queue.extend(links_in(text, path, host))
    for doc in docs:
        doc.robots_disallowed = disallowed(sites.get(doc.host), doc.path)
        doc.discoverable = doc.id in reached and not doc.robots_disallowed
    for key in notes:
        notes[key].sort(key=lambda e: (e["host"], e["path"]))
    logger.info("%d of %d documents discoverable", len(reached), len(docs))
    return notes
