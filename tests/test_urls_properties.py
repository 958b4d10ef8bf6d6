"""Property tests (hypothesis) for URL normalisation and the crawler's scope helpers.

``normalise_url`` decides which links count as the same URL, so a URL fetched once a run, a
frontier without duplicates and the scope rules all rest on it: its result must be a fixed
point, absolute http(s) without a fragment, with a lower-case host and no default port or
tracking parameters, and resolving a link must not depend on how the base URL was spelled.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import parse_qsl, quote_from_bytes, unquote_to_bytes, urlsplit

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from ingest.urls import host_of, in_prefixes, normalise_url

# Modest budgets; no example database (nothing is written into the working tree).
PROPERTY = settings(max_examples=60, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|_ga|sessionid|phpsessid)$", re.I)
DEFAULT_PORT = {"http": 80, "https": 443}

# -- strategies ---------------------------------------------------------------------------
_LABEL = st.from_regex(r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,8}[a-zA-Z0-9])?", fullmatch=True)
_TLD = st.sampled_from(["uk", "gov.uk", "org", "ORG.UK", "com", "test"])


@st.composite
def hosts(draw: st.DrawFn) -> str:
    """A DNS host name in mixed case, e.g. ``Board-2.Example.gov.uk``."""
    return ".".join(draw(st.lists(_LABEL, min_size=1, max_size=3))) + "." + draw(_TLD)


# Path text: printable ASCII except the delimiters "/?#" and "%", some non-ASCII letters,
# and percent-escapes that decode to ordinary characters (space, "~", "A", "é").
_PATH_CHARS = st.sampled_from(
    [c for c in map(chr, range(0x21, 0x7F)) if c not in "/?#%"] + [" ", "é", "£", "ü"])
_ESCAPES = st.sampled_from(["%20", "%7E", "%7e", "%41", "%C3%A9", "%c2%a3"])
_SEGMENT = st.one_of(
    st.lists(st.one_of(_PATH_CHARS, _ESCAPES), min_size=1, max_size=8).map("".join),
    st.sampled_from([".", "..", ""]),
)
_KEYS = st.one_of(st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True),
                  st.sampled_from(["utm_source", "UTM_Medium", "utm_campaign", "fbclid",
                                   "gclid", "_ga", "PHPSESSID", "page", "id", "q"]))
_VALUES = st.text(st.sampled_from(list("abcXYZ019 +%=~.-_é/")), max_size=6)


@st.composite
def paths(draw: st.DrawFn) -> str:
    """A path with "." and ".." segments, empty segments, escapes and odd characters."""
    segments = draw(st.lists(_SEGMENT, max_size=5))
    trailing = "/" if draw(st.booleans()) else ""
    return "/" + "/".join(segments) + (trailing if segments else "")


@st.composite
def queries(draw: st.DrawFn) -> list[tuple[str, str]]:
    return draw(st.lists(st.tuples(_KEYS, _VALUES), max_size=4))


def _query_text(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{k}={v}" for k, v in pairs)


@st.composite
def urls(draw: st.DrawFn) -> str:
    """An absolute http(s) URL spelled carelessly: scheme and host in any case, default or
    other ports, dot segments, tracking parameters, a fragment."""
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "Https"]))
    host = draw(hosts())
    port = draw(st.one_of(st.none(), st.just(DEFAULT_PORT[scheme.lower()]),
                          st.integers(1, 65535)))
    netloc = host if port is None else f"{host}:{port}"
    query = _query_text(draw(queries()))
    fragment = draw(st.one_of(st.none(), st.text(_PATH_CHARS, max_size=5)))
    return (f"{scheme}://{netloc}{draw(paths())}" + (f"?{query}" if query else "")
            + (f"#{fragment}" if fragment is not None else ""))


@st.composite
def relative_links(draw: st.DrawFn) -> str:
    """What hrefs look like: relative names, dot paths, absolute paths, query-only links,
    scheme-relative and absolute URLs."""
    name = draw(st.lists(st.one_of(_PATH_CHARS, _ESCAPES), min_size=1, max_size=6).map("".join))
    name = name.strip() or "x"
    query = _query_text(draw(queries()))
    if draw(st.booleans()):
        return "?" + (query or "page=2")  # a query-only link: same page, other parameters
    suffix = (f"?{query}" if query else "") + draw(st.sampled_from(["", "#top", "#"]))
    return draw(st.sampled_from([
        name, f"./{name}", f"../{name}", f"../../{name}", f"/{name}", f"/a/../{name}",
        f"sub/{name}/", f"//Other.Example:80/{name}", f"HTTPS://Docs.Example:443/{name}",
    ])) + suffix


# -- normalise_url --------------------------------------------------------------------------
@PROPERTY
@given(urls(), st.one_of(st.none(), urls()))
def test_result_is_an_absolute_http_url_without_fragment(url: str, base: str | None) -> None:
    result = normalise_url(url, base)
    assert result is not None
    parts = urlsplit(result)
    assert parts.scheme in ("http", "https")
    assert parts.hostname and parts.netloc
    assert parts.fragment == "" and "#" not in result
    assert parts.path.startswith("/")
    assert all(seg not in (".", "..") for seg in parts.path.split("/"))


@PROPERTY
@given(urls(), st.one_of(st.none(), urls()))
def test_normalisation_is_idempotent(url: str, base: str | None) -> None:
    once = normalise_url(url, base)
    assert once is not None
    assert normalise_url(once) == once
    assert normalise_url(once, base) == once  # an absolute URL ignores any base


@PROPERTY
@given(relative_links(), urls())
def test_relative_results_are_idempotent_too(link: str, base: str) -> None:
    once = normalise_url(link, base)
    if once is not None:
        assert normalise_url(once) == once
        assert urlsplit(once).scheme in ("http", "https") and "#" not in once


@PROPERTY
@given(urls())
def test_host_is_lower_case_and_default_ports_are_dropped(url: str) -> None:
    raw = urlsplit(url)
    result = urlsplit(normalise_url(url) or "")
    assert result.hostname == raw.hostname
    assert result.netloc == result.netloc.lower()
    assert raw.hostname is not None and raw.hostname.lower() in result.netloc
    default = DEFAULT_PORT[raw.scheme.lower()]
    if raw.port is None or raw.port == default:
        assert result.port is None and ":" not in result.netloc
    else:
        assert result.port == raw.port


@PROPERTY
@given(urls())
def test_tracking_parameters_are_dropped_and_others_kept(url: str) -> None:
    raw = urlsplit(url)
    result = urlsplit(normalise_url(url) or "")
    kept = [k for k, _ in parse_qsl(result.query, keep_blank_values=True)]
    assert not [k for k in kept if TRACKING.match(k)]
    wanted = [k for k, _ in parse_qsl(raw.query, keep_blank_values=True)
              if not TRACKING.match(k)]
    assert kept == wanted


@PROPERTY
@given(st.sampled_from(["mailto:a@b.org", "tel:+441234", "javascript:void(0)", "data:,x",
                        "ftp://b.org/x", "file:///etc/passwd", "#top", "", "   ",
                        "news:comp.lang"]),
       st.one_of(st.none(), urls()))
def test_unfetchable_links_are_none(link: str, base: str | None) -> None:
    assert normalise_url(link, base) is None
    assert normalise_url("http:///no-host") is None  # no host, and no base to lend one


@st.composite
def equivalent_bases(draw: st.DrawFn) -> tuple[str, str]:
    """Two spellings of one base URL: the plain one, and one with the scheme and host in
    another case, an explicit default port, a redundant ``x/..`` and ``.`` in the path,
    an unreserved character percent-encoded, tracking parameters and a fragment."""
    scheme = draw(st.sampled_from(["http", "https"]))
    host = draw(hosts()).lower()
    port = draw(st.one_of(st.none(), st.integers(1024, 65535)))
    names = draw(st.lists(st.from_regex(r"[a-z0-9~_-]{1,6}", fullmatch=True), max_size=4))
    trailing = "/" if names and draw(st.booleans()) else ""
    query = _query_text([(k, v.strip()) for k, v in draw(queries()) if not TRACKING.match(k)])
    plain_netloc = host if port is None else f"{host}:{port}"
    plain = f"{scheme}://{plain_netloc}/" + "/".join(names) + trailing + (
        f"?{query}" if query else "")

    loud_host = "".join(c.upper() if draw(st.booleans()) else c for c in host)
    loud_netloc = f"{loud_host}:{port or DEFAULT_PORT[scheme]}"
    loud_names = [n.replace("~", "%7E").replace("a", "%61") for n in names]
    if loud_names:
        at = draw(st.integers(0, len(loud_names) - 1))
        loud_names[at:at] = ["detour", "..", "."]
    tracking = draw(st.sampled_from(["utm_source=news", "fbclid=abc", "gclid=1&utm_term=x"]))
    loud_query = "&".join(q for q in (tracking, query) if q)
    loud = (f"{scheme.upper()}://{loud_netloc}/" + "/".join(loud_names) + trailing
            + f"?{loud_query}#section-2")
    return plain, loud


@PROPERTY
@given(equivalent_bases(), relative_links())
def test_equivalent_bases_resolve_a_link_alike(bases: tuple[str, str], link: str) -> None:
    plain, loud = bases
    assert normalise_url(plain) == normalise_url(loud)
    expected = normalise_url(link, plain)
    assert normalise_url(link, loud) == expected
    assert normalise_url(link, normalise_url(plain)) == expected


@PROPERTY
@given(st.binary(min_size=1, max_size=8))
@example(b"%41")  # http://h/%2541 -> http://h/%41 -> http://h/A
@example(b"a/b")  # http://h/a%2Fb -> http://h/a/b
@example(b"caf\xe9.pdf")  # http://h/caf%E9.pdf -> http://h/caf%EF%BF%BD.pdf
def test_percent_encoded_path_bytes_survive(segment: bytes) -> None:
    assume(segment not in (b".", b".."))
    url = "http://h.example/" + quote_from_bytes(segment, safe="")
    once = normalise_url(url)
    assert once is not None and normalise_url(once) == once
    assert unquote_to_bytes(urlsplit(once).path) == b"/" + segment


@PROPERTY
@given(st.ip_addresses(v=6), st.sampled_from([None, 80, 8080]))
@example(ipaddress.IPv6Address("::1"), 80)
def test_ipv6_hosts_keep_their_brackets(address: ipaddress.IPv6Address,
                                        port: int | None) -> None:
    netloc = f"[{address}]" + (f":{port}" if port else "")
    once = normalise_url(f"http://{netloc}/a")
    assert once is not None and normalise_url(once) == once
    assert urlsplit(once).hostname == str(address).lower()


# -- scope: host_of and in_prefixes -----------------------------------------------------------
@PROPERTY
@given(urls())
def test_a_url_is_in_scope_of_its_own_host(url: str) -> None:
    canonical = normalise_url(url)
    assert canonical is not None
    host = host_of(canonical)
    assert host == urlsplit(canonical).netloc and host == host.lower()
    assert in_prefixes(canonical, [host])
    assert in_prefixes(canonical, [host.upper()])  # prefixes from a config file, any case
    assert host_of(normalise_url(canonical) or "") == host


@PROPERTY
@given(hosts(), _LABEL, paths())
def test_subdomains_are_in_scope_and_look_alike_hosts_are_not(host: str, label: str,
                                                             path: str) -> None:
    site = host.lower()
    sub = normalise_url(f"https://{label}.{host}{path}")
    lookalike = normalise_url(f"https://{label}{host}{path}")  # e.g. "evilboard.gov.uk"
    parent = normalise_url(f"https://{site.split('.', 1)[1]}{path}") if "." in site else None
    assert sub is not None and lookalike is not None
    assert in_prefixes(sub, [site])
    assert not in_prefixes(lookalike, [site])
    if parent is not None:
        assert not in_prefixes(parent, [site])  # the parent domain is not the site


@PROPERTY
@given(hosts(), hosts())
def test_a_host_prefix_never_matches_a_different_host(a: str, b: str) -> None:
    a, b = a.lower(), b.lower()
    assume(a != b and not a.endswith("." + b))
    assert not in_prefixes(f"https://{a}/reviews", [b])


_FOLDER = st.from_regex(r"[a-z0-9-]{1,8}", fullmatch=True)


@PROPERTY
@given(hosts(), hosts(), _FOLDER, _FOLDER, st.lists(_FOLDER, max_size=3))
def test_a_url_prefix_covers_what_is_under_it(host: str, other: str, folder: str, sibling: str,
                                              rest: list[str]) -> None:
    site, other = host.lower(), other.lower()
    prefix = f"https://{site}/{folder}/"
    tail = "/".join(rest + ["report.pdf"])
    assert in_prefixes(normalise_url(f"https://{host}/{folder}/{tail}") or "", [prefix])
    assert in_prefixes(f"https://{site}/{folder}/", [prefix])
    if not sibling.startswith(folder):
        assert not in_prefixes(f"https://{site}/{sibling}/{tail}", [prefix])
    if other != site:
        assert not in_prefixes(f"https://{other}/{folder}/{tail}", [prefix])
    assert not in_prefixes(f"http://{site}/{folder}/{tail}", [prefix])  # another scheme


@PROPERTY
@given(hosts(), _FOLDER, _FOLDER)
@example("store.org", "board", "room")
def test_a_url_prefix_stops_at_a_segment_or_host_boundary(host: str, folder: str,
                                                          more: str) -> None:
    site = host.lower()
    assert not in_prefixes(f"https://{site}/{folder}{more}/x.pdf", [f"https://{site}/{folder}/"])
    assert not in_prefixes(f"https://{site}.{more}.example/x.pdf", [f"https://{site}"])
