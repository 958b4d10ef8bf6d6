"""URL normalisation and the crawler's scope rules."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters that only track the visitor; dropping them stops one page counting twice.
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|_ga|sessionid|phpsessid)$", re.I)
# Links to these are never worth fetching for case reviews.
_SKIP_EXT = re.compile(
    r"\.(jpe?g|png|gif|svg|webp|ico|bmp|tiff?|css|js|mjs|json|xml|rss|atom|mp3|mp4|m4a|avi|mov|"
    r"wmv|webm|zip|rar|7z|gz|exe|dmg|ics|vcf|woff2?|ttf|eot)$",
    re.I,
)
DOCUMENT_EXT = re.compile(r"\.(pdf|docx?|odt|rtf|txt)$", re.I)


def normalise_url(url: str, base: str | None = None) -> str | None:
    """An absolute, canonical http(s) URL, or None for links that are not fetchable.

    Resolves against ``base``, lower-cases scheme and host, drops default ports, fragments and
    tracking parameters, resolves ``..`` and percent-encodes consistently.
    """
    url = url.strip()
    if not url or url.startswith(("mailto:", "tel:", "javascript:", "data:", "#")):
        return None
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname.lower()
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else (
        f"{host}:{port}"
    )
    path = parts.path or "/"
    path = posixpath.normpath(unquote(path)) + ("/" if path.endswith("/") and path != "/" else "")
    if path.startswith("//"):
        path = "/" + path.lstrip("/")
    path = quote(path, safe="/%:@!$&'()*+,;=-._~")
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = urlencode([(k, v) for k, v in pairs if not _TRACKING.match(k)])
    return urlunsplit((scheme, netloc, path, query, ""))


def host_of(url: str) -> str:
    """The host key politeness works by: host and port."""
    return urlsplit(url).netloc


def is_skippable(url: str) -> bool:
    """True for links to images, styles, scripts, archives and the like."""
    return bool(_SKIP_EXT.search(urlsplit(url).path))


def looks_like_document(url: str) -> bool:
    return bool(DOCUMENT_EXT.search(urlsplit(url).path))


def in_prefixes(url: str, prefixes: tuple[str, ...] | list[str]) -> bool:
    """True when ``url`` is on one of the hosts or under one of the URL prefixes given."""
    host = host_of(url)
    for p in prefixes:
        if "://" in p:
            if url.startswith(p.rstrip("/")):
                return True
        elif host == p.lower() or host.endswith("." + p.lower()):
            return True
    return False
