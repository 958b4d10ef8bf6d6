"""URL normalisation and the crawler's scope rules."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

# Query parameters that only track the visitor; dropping them stops one page counting twice.
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|_ga|sessionid|phpsessid)$", re.I)
# Links to these are never worth fetching for case reviews.
_SKIP_EXT = re.compile(
    r"\.(jpe?g|png|gif|svg|webp|ico|bmp|tiff?|css|js|mjs|json|xml|rss|atom|mp3|mp4|m4a|avi|mov|"
    r"wmv|webm|zip|rar|7z|gz|exe|dmg|ics|vcf|woff2?|ttf|eot)$",
    re.I,
)
DOCUMENT_EXT = re.compile(r"\.(pdf|docx?|odt|rtf|txt)$", re.I)


_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


def _normalise_escapes(text: str, safe: str) -> str:
    """RFC 3986 percent-encoding normalisation, without decoding anything that means something.

    Characters not allowed are encoded (non-ASCII as UTF-8), a '%' that starts no escape becomes
    %25, escapes are upper-cased, and only escapes of unreserved characters are decoded; so
    %2F stays a literal slash inside a segment and %25 stays a percent sign.
    """
    text = quote(_STRAY_PERCENT.sub("%25", text), safe=safe)

    def fix(m: re.Match[str]) -> str:
        ch = chr(int(m.group(1), 16))
        return ch if ch in _UNRESERVED else "%" + m.group(1).upper()

    return _ESCAPE.sub(fix, text)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, on an absolute path."""
    segments = path.split("/")
    out: list[str] = []
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if seg in (".", ".."):
            if seg == ".." and len(out) > 1:
                out.pop()
            if last:
                out.append("")
        else:
            out.append(seg)
    joined = "/".join(out)
    return joined if joined.startswith("/") else "/" + joined


def normalise_url(url: str, base: str | None = None) -> str | None:
    """An absolute, canonical http(s) URL, or None for links that are not fetchable.

    Resolves against ``base``, lower-cases scheme and host, drops default ports, fragments and
    tracking parameters, removes dot segments and normalises percent-encoding (RFC 3986
    section 6.2.2) without changing which resource the URL names.
    """
    url = url.strip()
    if not url or url.startswith(("mailto:", "tel:", "javascript:", "data:", "#")):
        return None
    try:
        if base:
            url = urljoin(base, url)
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a malformed port or IPv6 literal
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname.lower()
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    default = (scheme, port) in (("http", 80), ("https", 443))
    netloc = host if port is None or default else f"{host}:{port}"
    path = _remove_dot_segments(_normalise_escapes(parts.path or "/", _PATH_SAFE))
    kept = [p for p in parts.query.split("&")
            if p and not _TRACKING.match(unquote(p.split("=", 1)[0]))]
    query = _normalise_escapes("&".join(kept), _QUERY_SAFE)
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
    """True when ``url`` is on one of the hosts (or their subdomains) or under one of the URL
    prefixes given; a URL prefix covers its own host only, and whole path segments only
    (``https://store.org/board/`` covers /board/x.pdf, not /boardroom/x.pdf)."""
    parts = urlsplit(url)
    host = parts.netloc.lower()
    for p in prefixes:
        if "://" in p:
            pre = urlsplit(p)
            if pre.scheme.lower() != parts.scheme.lower() or pre.netloc.lower() != host:
                continue
            base = pre.path.rstrip("/")
            if not base or parts.path == base or parts.path.startswith(base + "/"):
                return True
        elif host == p.lower() or host.endswith("." + p.lower()):
            return True
    return False
