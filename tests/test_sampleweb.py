"""The sample web: deterministic generation, a manifest that tells the truth, and a loopback
server with the awkward behaviours of real board sites (503 once, redirects, dead links,
robots.txt, extensionless documents, cross-host links)."""

from __future__ import annotations

import hashlib
import io
import json
import re
import time
import tomllib
from collections import deque
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import httpx
import pytest

from sampleweb.generate import GENERATOR_VERSION, ensure, generate
from sampleweb.passages import load_passages
from sampleweb.serve import SampleWeb

DOC_TYPES = {"full_report", "executive_summary", "briefing", "board_response",
             "other_review_document", "not_review"}
REVIEW_TYPES = {"SCR", "LCSPR", "CPR", "other"}
STATUSES = {"ok", "encrypted", "failed", "needs_ocr"}
DOC_KEYS = {"host", "path", "is_review", "board", "year", "month", "doc_type", "review_type",
            "child", "case", "age_months", "gender", "outcome", "themes", "negated_themes",
            "confuser_themes", "format", "pages", "title", "expected_status", "discoverable",
            "robots_disallowed", "known_item", "duplicate_of", "listed_by", "age_stated",
            "gender_stated", "outcome_stated", "age_stated_months", "recommendations",
            "recommendation_rows"}


def file_hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def small_web(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("small-web")
    return root, generate(root, seed=7, small=True)


@pytest.fixture(scope="module")
def served(small_web: tuple[Path, dict]):
    root, manifest = small_web
    with SampleWeb(root) as web, httpx.Client(timeout=10) as client:
        yield web, manifest, client


def test_same_seed_same_bytes(small_web: tuple[Path, dict], tmp_path: Path) -> None:
    root, manifest = small_web
    again = generate(tmp_path / "again", seed=7, small=True)
    assert again == manifest
    assert file_hashes(tmp_path / "again") == file_hashes(root)


def test_other_seed_differs(small_web: tuple[Path, dict], tmp_path: Path) -> None:
    other = generate(tmp_path / "other", seed=8, small=True)
    assert other["seed"] == 8
    assert [d["path"] for d in other["documents"]] != [
        d["path"] for d in small_web[1]["documents"]]


def test_ensure_reuses_and_regenerates(small_web: tuple[Path, dict], tmp_path: Path) -> None:
    root, manifest = small_web
    stamp = (root / "manifest.json").stat().st_mtime_ns
    assert ensure(root, seed=7, small=True) == manifest
    assert (root / "manifest.json").stat().st_mtime_ns == stamp
    fresh = ensure(tmp_path / "fresh", seed=7, small=True)
    assert fresh["generator_version"] == GENERATOR_VERSION and fresh["small"] is True


def check_documents(manifest: dict) -> list[dict]:
    docs = manifest["documents"]
    assert len({(d["host"], d["path"]) for d in docs}) == len(docs)
    board_names = {h["name"] for h in manifest["hosts"].values() if h["kind"] == "board"}
    reviews = []
    for d in docs:
        assert set(d) >= DOC_KEYS, d["path"]
        assert d["doc_type"] in DOC_TYPES and d["expected_status"] in STATUSES
        assert d["board"] in board_names
        assert d["host"] in manifest["hosts"]
        assert (d["pages"] is None) == (d["format"] == "html")
        if not d["is_review"]:
            assert d["doc_type"] == "not_review" and d["review_type"] is None and d["kind"]
            continue
        reviews.append(d)
        assert d["review_type"] in REVIEW_TYPES
        assert 2011 <= d["year"] <= 2025 and 1 <= d["month"] <= 12
        if d["review_type"] == "SCR":
            assert d["year"] <= 2018
        if d["review_type"] == "LCSPR":
            assert d["year"] >= 2019
        assert d["child"] and d["case"] and d["gender"] in ("female", "male")
        assert d["outcome"] in ("death", "serious_harm") and d["age_months"] > 0
        if d["duplicate_of"]:  # a mirror: no known item of its own
            assert d["known_item"] is None and d["expected_status"] == "ok"
        elif d["expected_status"] == "ok":
            phrase = d["known_item"]["phrase"]
            assert 4 <= len(phrase.split()) <= 8
            assert (d["known_item"]["page"] is None) == (d["format"] == "html")
    for d in docs:
        check_facts(d)
    return reviews


def check_facts(d: dict) -> None:
    """The stated-facts and recommendation fields of one manifest entry are consistent."""
    for key in ("age_stated", "gender_stated", "outcome_stated"):
        assert isinstance(d[key], bool)
        if not d["is_review"]:
            assert d[key] is False, (key, d["path"])
    if d["doc_type"] in ("full_report", "executive_summary"):
        assert d["age_stated"] and d["gender_stated"] and d["outcome_stated"], d["path"]
    if d["age_stated"]:
        months = d["age_months"]
        assert d["age_stated_months"] == (months if months < 24 else months // 12 * 12)
    else:
        assert d["age_stated_months"] is None
    recs = d["recommendations"]
    if d["doc_type"] in ("full_report", "executive_summary"):
        assert 4 <= len(recs) <= 8, d["path"]
    else:
        assert recs == [], d["path"]
    assert [r["number"] for r in recs] == list(range(1, len(recs) + 1))
    for r in recs:
        assert r["text"].strip() and "{" not in r["text"]
        if d["format"] == "html":
            assert r["page"] is None
        else:
            assert 1 <= r["page"] <= d["pages"]
    pages = [r["page"] or 0 for r in recs]
    assert pages == sorted(pages)
    rows = d["recommendation_rows"]
    if d["doc_type"] == "board_response":
        assert len(rows) == 4
    elif d["doc_type"] != "other_review_document":
        assert rows == []
    assert all(isinstance(t, str) and t.strip() for t in rows)


def test_small_web_has_every_awkward_case(small_web: tuple[Path, dict]) -> None:
    _, manifest = small_web
    reviews = check_documents(manifest)
    assert 17 <= len(reviews) <= 26
    assert {"encrypted", "failed", "needs_ocr"} <= {d["expected_status"] for d in reviews}
    assert any(d["format"] == "html" for d in reviews)
    assert any(not d["is_review"] for d in manifest["documents"])
    assert any(d["robots_disallowed"] for d in reviews)
    assert any(not d["discoverable"] and not d["robots_disallowed"] for d in reviews)
    assert any(d["host"] == "docstore" for d in reviews)
    for key in ("redirect", "dead", "fail_once", "no_extension", "disallowed"):
        assert manifest["special"][key], key


def test_full_web(tmp_path: Path) -> None:
    started = time.perf_counter()
    manifest = generate(tmp_path / "a", seed=7)
    assert time.perf_counter() - started < 30
    assert generate(tmp_path / "b", seed=7) == manifest
    assert file_hashes(tmp_path / "a") == file_hashes(tmp_path / "b")
    reviews = check_documents(manifest)
    assert len(reviews) >= 120
    boards = [k for k, h in manifest["hosts"].items() if h["kind"] == "board"]
    assert len(boards) >= 8
    assert {"England", "Wales"} <= {manifest["hosts"][b]["nation"] for b in boards}
    assert {d["doc_type"] for d in manifest["documents"]} == DOC_TYPES
    assert {d["review_type"] for d in reviews} == REVIEW_TYPES
    kinds = {d["kind"] for d in manifest["documents"] if not d["is_review"]}
    assert kinds == {"annual_report", "minutes", "leaflet", "newsletter", "training_flyer"}
    nation = {manifest["hosts"][b]["name"]: manifest["hosts"][b]["nation"] for b in boards}
    for d in reviews:
        assert (d["review_type"] == "CPR") == (nation[d["board"]] == "Wales"), d["path"]
    phrases = [d["known_item"]["phrase"] for d in reviews if d["known_item"]]
    assert len(phrases) == len(set(phrases))
    mirrors = check_mirrors(manifest)
    assert 5 <= len(mirrors) <= 8
    assert any(m["host"] == "docstore" for m in mirrors)
    assert any(m["host"] == m["listed_by"] for m in mirrors)
    assert sum(len(d["recommendations"]) for d in reviews) >= 300
    assert any(d["recommendation_rows"] for d in reviews if d["doc_type"] == "board_response")
    assert any(d["recommendation_rows"] for d in reviews
               if d["doc_type"] == "other_review_document")
    assert not all(d["age_stated"] for d in reviews)  # action plans do not state the age


def check_mirrors(manifest: dict) -> list[dict]:
    """Every mirror copies a real review document; returns the mirrors."""
    by_id = {d["id"]: d for d in manifest["documents"]}
    boards = {h["name"]: k for k, h in manifest["hosts"].items() if h["kind"] == "board"}
    mirrors = [d for d in manifest["documents"] if d["duplicate_of"]]
    for m in mirrors:
        original = by_id[m["duplicate_of"]]
        assert original["duplicate_of"] is None and original["is_review"]
        assert original["doc_type"] in ("full_report", "executive_summary")
        assert original["expected_status"] == "ok" and original["format"] == "pdf"
        assert original["discoverable"] and m["discoverable"] and not m["robots_disallowed"]
        for key in ("board", "year", "month", "case", "child", "doc_type", "review_type",
                    "title", "themes", "negated_themes", "confuser_themes", "age_months",
                    "gender", "outcome", "age_stated", "gender_stated", "outcome_stated",
                    "age_stated_months", "review_ref", "is_review", "format"):
            assert m[key] == original[key], key
        assert [r["text"] for r in m["recommendations"]] == [
            r["text"] for r in original["recommendations"]]
        assert (m["host"], m["path"]) != (original["host"], original["path"])
        # published by a neighbouring board, from its own review listing
        assert m["listed_by"] != boards[original["board"]] == original["listed_by"]
        assert m["host"] in (m["listed_by"], "docstore")
        if m["host"] == "docstore":
            assert "docstore" in manifest["hosts"][m["listed_by"]]["allow"]
    return mirrors


@pytest.fixture(scope="module")
def pdf_pages(small_web: tuple[Path, dict]) -> dict[str, list[str]]:
    """Text of every readable PDF of the small web, page by page, whitespace collapsed."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer

    root, manifest = small_web
    texts = {}
    for d in manifest["documents"]:
        if d["format"] == "pdf" and d["expected_status"] == "ok":
            data = (root / "hosts" / d["host"] / unquote(d["path"]).lstrip("/")).read_bytes()
            texts[d["path"]] = [
                " ".join("".join(e.get_text() for e in page if isinstance(e, LTTextContainer))
                         .split()) for page in extract_pages(io.BytesIO(data))]
    return texts


def _stretch(passage: str) -> str:
    """A passage's longest placeholder-free stretch (ten words), as it appears in the PDFs."""
    stretch = max(re.split(r"\{\w+\}", passage), key=len).strip()
    return " ".join(stretch.split()[:10])


def test_held_out_passages_only_in_held_out_cases(small_web: tuple[Path, dict],
                                                   pdf_pages) -> None:
    root, manifest = small_web
    bank = load_passages()
    texts: dict[bool, list[str]] = {True: [], False: []}
    for d in manifest["documents"]:
        if d["case"] is None:
            continue
        if d["format"] == "pdf" and d["path"] in pdf_pages:
            texts[d["held_out"]].append(" ".join(pdf_pages[d["path"]]))
        elif d["format"] == "html":
            page = root / "hosts" / d["host"] / unquote(d["path"]).lstrip("/")
            if page.is_file():
                texts[d["held_out"]].append(" ".join(page.read_text(encoding="utf-8").split()))
    assert texts[True] and texts[False], "the small web has held-out and tuning cases"
    tuning_text, held_text = " ".join(texts[False]), " ".join(texts[True])
    held = [p for t in bank.themes.values()
            for p in t.held_out + t.held_out_negated + t.held_out_confusers]
    tuning = [p for t in bank.themes.values() for p in t.present + t.negated + t.confusers]
    shared = [p for parts in (bank.structure, bank.distractors) for ps in parts.values()
              for p in ps]  # report structure, used by every case
    assert not set(held) & set(tuning)
    checked = found_held = 0
    for side, other, generated in ((held, tuning, tuning_text), (tuning, held, held_text)):
        other_raw = " ".join(" ".join(p.split()) for p in other + shared)
        for passage in side:
            stretch = _stretch(passage)
            # a stretch the other side's passages also contain proves nothing
            if (len(stretch) >= 25 and stretch.isascii() and "'" not in stretch
                    and stretch not in other_raw):
                checked += 1
                assert stretch not in generated
                found_held += side is held and stretch in held_text
    assert checked >= 200 and found_held >= 5


def test_known_items_are_on_their_pages(small_web: tuple[Path, dict], pdf_pages) -> None:
    _, manifest = small_web
    checked = 0
    for d in manifest["documents"]:
        if d["format"] != "pdf" or d["expected_status"] != "ok" or not d["known_item"]:
            continue
        pages = pdf_pages[d["path"]]
        assert len(pages) == d["pages"]
        found = [n for n, text in enumerate(pages, 1) if d["known_item"]["phrase"] in text]
        assert found == [d["known_item"]["page"]], d["path"]
        checked += 1
    assert checked >= 10


def doc_bytes(root: Path, d: dict) -> bytes:
    return (root / "hosts" / d["host"] / unquote(d["path"]).lstrip("/")).read_bytes()


def shingles(text: str, k: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i:i + k]) for i in range(len(words) - k + 1)}


def test_mirrors_are_near_duplicates(small_web: tuple[Path, dict]) -> None:
    from ingest.extract import extract_bytes

    root, manifest = small_web
    mirrors = check_mirrors(manifest)
    assert 1 <= len(mirrors) <= 2
    by_id = {d["id"]: d for d in manifest["documents"]}
    for m in mirrors:
        original = by_id[m["duplicate_of"]]
        copy, source = doc_bytes(root, m), doc_bytes(root, original)
        assert copy != source and copy.startswith(b"%PDF")
        texts = [extract_bytes(data) for data in (copy, source)]
        assert [t.status for t in texts] == ["ok", "ok"]
        a, b = (shingles(t.text) for t in texts)
        assert len(a & b) / len(a | b) >= 0.9, m["id"]
        # the original's known-item phrase stays unique to the original
        phrase = original["known_item"]["phrase"]
        assert phrase in " ".join(texts[1].text.split())
        assert phrase not in " ".join(texts[0].text.split())


def test_mirrors_are_linked_from_a_neighbour(served) -> None:
    web, manifest, http = served
    for m in check_mirrors(manifest):
        base = web.base_urls[m["listed_by"]]
        listing = http.get(base + manifest["hosts"][m["listed_by"]]["seed_path"],
                           follow_redirects=True)
        pages = [p["path"] for p in manifest["pages"] if p["host"] == m["listed_by"]
                 and p["path"].rstrip("/").endswith(("neighbouring-areas", "other-areas"))]
        assert len(pages) == 1  # linked from the listing (perhaps relatively)
        assert pages[0].rstrip("/").rsplit("/", 1)[-1] in listing.text
        assert m["path"] in http.get(base + pages[0]).text


def test_recommendations_are_on_their_pages(small_web: tuple[Path, dict]) -> None:
    from ingest.extract import extract_bytes

    root, manifest = small_web
    checked = 0
    for d in manifest["documents"]:
        if d["format"] != "pdf" or d["expected_status"] != "ok" or not d["recommendations"]:
            continue
        pages = [" ".join(p.split()) for p in extract_bytes(doc_bytes(root, d)).pages]
        assert len(pages) == d["pages"]
        for r in d["recommendations"]:
            words = r["text"].split()
            here = pages[r["page"] - 1]
            # the item starts on its page (number and first words) and may run on into the
            # next page, or into the next column, whose text the extractor may put first
            assert f"{r['number']}. {' '.join(words[:3])}" in here, (d["path"], r)
            following = pages[r["page"]] if r["page"] < len(pages) else ""
            runs = (here + " " + following, here + " " + here)
            assert any(" ".join(words[:8]) in run for run in runs), (d["path"], r)
            checked += 1
    assert checked >= 40


def test_stated_facts(small_web: tuple[Path, dict]) -> None:
    _, manifest = small_web
    docs = manifest["documents"]
    for d in docs:
        check_facts(d)
        if d["doc_type"] == "full_report":
            assert d["age_stated"] and d["gender_stated"] and d["outcome_stated"]
        if not d["is_review"]:
            assert not (d["age_stated"] or d["gender_stated"] or d["outcome_stated"])
    assert any(d["age_stated_months"] not in (None, d["age_months"]) for d in docs)


def test_broken_pdfs_are_broken(small_web: tuple[Path, dict]) -> None:
    from pdfminer.high_level import extract_text
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    root, manifest = small_web
    for d in manifest["documents"]:
        path = root / "hosts" / d["host"] / unquote(d["path"]).lstrip("/")
        if d["expected_status"] == "encrypted":
            with pytest.raises(PDFPasswordIncorrect):
                extract_text(str(path))
        elif d["expected_status"] == "failed":
            with pytest.raises(Exception):  # noqa: B017 - any parser error will do
                extract_text(str(path))
        elif d["expected_status"] == "needs_ocr":
            assert extract_text(str(path)).strip() == ""


def test_fail_once_then_ok(served) -> None:
    web, manifest, http = served
    entry = manifest["special"]["fail_once"][0]
    url = web.base_urls[entry["host"]] + entry["path"]
    first = http.get(url)
    assert first.status_code == 503 and first.headers["retry-after"] == "1"
    second = http.get(url)
    assert second.status_code == 200 and "<html" in second.text


def test_redirect_and_dead_link(served) -> None:
    web, manifest, http = served
    for entry in manifest["special"]["redirect"]:
        base = web.base_urls[entry["host"]]
        response = http.get(base + entry["from"])
        assert response.status_code == entry["status"] == 301
        assert response.headers["location"] == base + entry["to"]
        assert http.get(base + entry["from"], follow_redirects=True).status_code == 200
    dead = manifest["special"]["dead"][0]
    response = http.get(web.base_urls[dead["host"]] + dead["path"])
    assert response.status_code == 404 and "text/html" in response.headers["content-type"]


def test_robots_and_hidden_files(served) -> None:
    web, manifest, http = served
    robots = http.get(web.base_urls["northmoor"] + "/robots.txt")
    assert robots.status_code == 200 and robots.headers["content-type"].startswith("text/plain")
    assert "Disallow: /archive/" in robots.text
    for path in ("/_routes.json", "/_404.html", "/../manifest.json", "/%2e%2e/manifest.json"):
        assert http.get(web.base_urls["northmoor"] + path).status_code == 404


def test_extensionless_document(served) -> None:
    web, manifest, http = served
    for entry in manifest["special"]["no_extension"]:
        response = http.get(web.base_urls[entry["host"]] + entry["path"])
        assert response.status_code == 200
        assert response.headers["content-type"] == entry["content_type"]
        assert response.content.startswith(b"%PDF")
    head = http.head(web.base_urls[entry["host"]] + entry["path"])
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(response.content)


def test_cross_host_links_are_filled_in(served) -> None:
    web, manifest, http = served
    page = http.get(web.base_urls["fenwickvale"] + manifest["hosts"]["fenwickvale"]["seed_path"])
    assert "{{host:" not in page.text
    assert web.base_urls["docstore"] + "/documents/" in page.text
    assert int(page.headers["content-length"]) == len(page.content)
    partners = http.get(web.base_urls["northmoor"] + "/partners").text
    assert web.base_urls["glanmorfa"] + "/" in partners


def test_every_document_is_served(served) -> None:
    web, manifest, http = served
    for d in manifest["documents"]:
        response = http.get(web.base_urls[d["host"]] + d["path"])
        assert response.status_code == 200, d["path"]
        if d["format"] == "html":
            assert response.headers["content-type"].startswith("text/html")
        else:
            assert response.content.startswith(b"%PDF")


def test_sources_file(served, tmp_path: Path) -> None:
    web, manifest, http = served
    web.write_sources(tmp_path / "sources.toml")
    sources = tomllib.loads((tmp_path / "sources.toml").read_text())["source"]
    by_name = {s["name"]: s for s in sources}
    assert len(sources) == 3
    fenwick = by_name["Fenwick Vale Safeguarding Children Partnership"]
    assert fenwick["url"] == web.base_urls["fenwickvale"] + manifest["hosts"]["fenwickvale"][
        "seed_path"]
    assert fenwick["allow"] == [web.base_urls["docstore"] + "/"]
    assert by_name["Glanmorfa Regional Safeguarding Board"]["nation"] == "Wales"


def polite_crawl(web: SampleWeb, manifest: dict, http: httpx.Client) -> set[tuple[str, str]]:
    """A minimal polite crawler: robots prefixes, same host plus allowed hosts, 503 retry."""
    port_to_host = {urlsplit(u).netloc: k for k, u in web.base_urls.items()}
    disallow: dict[str, list[str]] = {}
    for key, base in web.base_urls.items():
        text = http.get(base + "/robots.txt").text
        block = text.split("User-agent: BadBot")[0]
        disallow[key] = re.findall(r"^Disallow: (\S+)", block, flags=re.M)
    found: set[tuple[str, str]] = set()
    for key, host in manifest["hosts"].items():
        if host["kind"] != "board":
            continue
        allowed = {key, *host["allow"]}
        queue, seen = deque([web.base_urls[key] + host["seed_path"]]), set()
        while queue:
            url = queue.popleft()
            parts = urlsplit(url)
            owner = port_to_host[parts.netloc]
            if url in seen or owner not in allowed:
                continue
            seen.add(url)
            if any(unquote(parts.path).startswith(rule) for rule in disallow[owner]):
                continue
            response = http.get(url)
            if response.status_code == 503:
                time.sleep(float(response.headers["retry-after"]) / 10)
                response = http.get(url)
            if response.status_code in (301, 302):
                queue.append(urljoin(url, response.headers["location"]))
                continue
            if response.status_code != 200:
                continue
            found.add((owner, parts.path + (f"?{parts.query}" if parts.query else "")))
            if response.headers["content-type"].startswith("text/html") and owner == key:
                for href in re.findall(r'href="([^"#]+)', response.text):
                    if href.startswith(("mailto:", "tel:")):
                        continue
                    target = urljoin(url, href.replace("&amp;", "&"))
                    if urlsplit(target).netloc in port_to_host:
                        queue.append(target)
    return found


def test_polite_crawl_finds_exactly_the_discoverable_documents(small_web, tmp_path) -> None:
    root, manifest = small_web
    # a fresh server, so that the fail-once page fails for this crawl too
    with SampleWeb(root) as web, httpx.Client(timeout=10) as http:
        found = polite_crawl(web, manifest, http)
        requested = set(web.request_log)
    found_paths = {(h, p.split("?")[0]) for h, p in found}
    for d in manifest["documents"]:
        assert ((d["host"], d["path"]) in found_paths) == d["discoverable"], d["path"]
    for entry in manifest["special"]["disallowed"]:
        assert (entry["host"], entry["path"]) not in requested
    for d in manifest["documents"]:
        if d["robots_disallowed"]:
            assert (d["host"], d["path"]) not in requested
    assert any(p == manifest["special"]["fail_once"][0]["path"] for _, p in requested)
    assert json.loads((root / "manifest.json").read_text()) == manifest


def test_structure_lists_join_across_files(tmp_path: Path) -> None:
    (tmp_path / "structure.toml").write_text('findings = ["A first finding."]\n'
                                             'minutes = ["Item one."]\n')
    (tmp_path / "structure_more_1.toml").write_text('findings = ["A second finding."]\n')
    bank = load_passages(tmp_path)
    assert bank.structure["findings"] == ("A first finding.", "A second finding.")
    assert bank.distractors["minutes"] == ("Item one.",)


def test_a_passage_counts_every_theme_it_shows(tmp_path: Path) -> None:
    import random

    from analysis.theme_model import labelled_examples
    from sampleweb.compose import Picker
    from sampleweb.passages import passage_id

    shows_two = "Mr K's first name was all anyone wrote down, and nobody asked who he was."
    (tmp_path / "themes.toml").write_text(
        f'[unseen_men]\npresent = ["{shows_two}", "A man was living there unknown."]\n'
        'negated = ["No other adult lived in the home."]\nconfusers = []\n')
    (tmp_path / "extra_themes.toml").write_text(
        f'[extra_themes]\n"{passage_id(shows_two)}" = ["professional_curiosity"]\n')
    bank = load_passages(tmp_path)
    assert bank.extra_themes(shows_two) == ("professional_curiosity",)
    assert bank.extra_themes("A man was living there unknown.") == ()
    picker = Picker(bank, {}, random.Random(1))
    picker.theme("unseen_men", "present", 2)  # both passages, one of them showing two themes
    assert picker.content.themes == {"unseen_men", "professional_curiosity"}
    assert picker.content.planted == {"unseen_men"}
    # the classifier learns the other theme as present (label 2), the written-for one as 1
    texts, labels, kinds = labelled_examples(bank)
    from analysis.taxonomy import CORE_THEMES

    row = labels[[i for i, t in enumerate(texts) if t.startswith("Mr K's")][0]]
    assert row[CORE_THEMES.index("unseen_men")] == 1
    assert row[CORE_THEMES.index("professional_curiosity")] == 2
    assert sum(row) == 3


def test_every_extra_theme_names_a_passage_of_the_bank_and_a_core_theme() -> None:
    from analysis.taxonomy import CORE_THEMES
    from sampleweb.passages import KINDS, passage_id

    bank = load_passages()
    ids = {passage_id(p): theme for theme, passages in bank.themes.items()
           for kind in KINDS for held in (False, True) for p in passages.pool(kind, held)}
    assert len(bank.extra) >= 300
    stale = sorted(set(bank.extra) - set(ids))
    assert not stale, f"re-annotate edited passages: {stale[:5]}"
    for pid, themes in bank.extra.items():
        assert themes and set(themes) <= set(CORE_THEMES) and ids[pid] not in themes, pid
