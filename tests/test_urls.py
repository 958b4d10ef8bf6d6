"""URL normalisation and scope rules."""

import pytest

from ingest.urls import in_prefixes, is_skippable, looks_like_document, normalise_url


@pytest.mark.parametrize(
    ("raw", "base", "expected"),
    [
        ("HTTP://Example.ORG:80/a/../b/./c.pdf#top", None, "http://example.org/b/c.pdf"),
        ("/x y.pdf", "https://b.org/dir/page", "https://b.org/x%20y.pdf"),
        ("page2", "https://b.org/dir/page", "https://b.org/dir/page2"),
        ("?utm_source=n&page=2", "https://b.org/list", "https://b.org/list?page=2"),
        ("https://b.org", None, "https://b.org/"),
        ("https://b.org:8443/a/", None, "https://b.org:8443/a/"),
    ],
)
def test_normalise(raw: str, base: str | None, expected: str) -> None:
    assert normalise_url(raw, base) == expected


@pytest.mark.parametrize("raw", ["mailto:a@b.org", "tel:0123", "javascript:void(0)", "#top",
                                 "ftp://b.org/x", ""])
def test_unfetchable_links_are_dropped(raw: str) -> None:
    assert normalise_url(raw, "https://b.org/") is None


def test_normalise_is_idempotent() -> None:
    once = normalise_url("https://B.org/a/./b/../c%20d.pdf?x=1&utm_medium=e")
    assert once is not None
    assert normalise_url(once) == once


def test_scope_helpers() -> None:
    assert in_prefixes("https://docs.council.gov.uk/x.pdf", ["council.gov.uk"])
    assert in_prefixes("https://store.org/board/x.pdf", ["https://store.org/board/"])
    assert not in_prefixes("https://store.org/other/x.pdf", ["https://store.org/board/"])
    assert is_skippable("https://b.org/logo.PNG") and not is_skippable("https://b.org/r.pdf")
    assert looks_like_document("https://b.org/r.PDF") and not looks_like_document("https://b.org/")
