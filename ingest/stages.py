"""The extract stage over the catalogue: text for new documents, then what each document is.

Both steps are incremental: extraction runs only for documents (content hashes) that have no
extraction row, and description only where the metadata row is missing or was written by an
older :data:`METADATA_VERSION`. A document whose extraction failed is still described (from its
links and URL), so a broken review PDF is listed with its failure rather than lost.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable

from ingest.blobs import BlobStore
from ingest.catalogue import Catalogue
from ingest.childfacts import child_age, child_gender, outcome
from ingest.classify import Evidence, classify
from ingest.extract import PdfOptions, extract_many
from ingest.metadata import (
    child_from_url,
    child_pseudonym,
    publication_date,
    review_type,
    title_of,
)
from ingest.recommendations import extract_recommendations
from ingest.settings import Settings

log = logging.getLogger(__name__)

# 2: titles ignore template and site names; 3: age, gender, outcome; 4: recommendations
METADATA_VERSION = 4
_COVER_CHARS = 800


def run_extract(cat: Catalogue, blobs: BlobStore, settings: Settings,
                progress: Callable[[int, int], None] | None = None) -> Counter[str]:
    """Extract every document not yet extracted; returns counts by status."""
    todo = cat.documents_without_extraction()
    counts: Counter[str] = Counter()
    jobs = [(d["id"], blobs.path(d["sha256"]), d["content_type"], d["url"]) for d in todo]
    log.info("extract: %d new documents", len(jobs))
    workers = settings.extract_workers or None
    for done, (doc_id, ex) in enumerate(
        extract_many(jobs, workers=workers, timeout_s=settings.extract_timeout,
                     memory_mb=settings.extract_memory_mb,
                     options=PdfOptions.from_settings(settings)), 1):
        cat.save_extraction(doc_id, ex.status, ex.reason, ex.pages, ex.paged, dict(ex.meta))
        counts[ex.status] += 1
        if ex.status != "ok":
            log.info("extract %s: %s (%s)", doc_id, ex.status, ex.reason)
        if progress:
            progress(done, len(jobs))
    return counts


def _meta_get(meta: dict, *keys: str) -> str:
    for key in keys:
        value = meta.get(key)
        if value:
            return str(value)
    return ""


def describe(cat: Catalogue, doc: dict, sources: dict[str, dict]) -> tuple[dict, dict]:
    """Decide what one document is and read its metadata: (fields, provenance)."""
    doc_id = doc["id"]
    ex = cat.extraction(doc_id) or {"meta": {}, "paged": 1, "status": "failed"}
    texts = cat.page_texts(doc_id)
    text = "\n".join(texts)
    cover = (texts[0] if texts else "")[:_COVER_CHARS]
    urls = cat.document_urls(doc_id)
    links = cat.links_to(urls)
    meta = ex["meta"]
    meta_title = _meta_get(meta, "title", "Title", "h1")
    source = sources.get(doc["source"] or "", {})
    ev = Evidence(
        url=doc["url"],
        title=meta_title,
        cover=cover,
        text=text[:60000],
        link_texts=tuple(lk["text"] or "" for lk in links),
        link_contexts=tuple(lk["context"] or "" for lk in links),
        words=len(text.split()),
        paged=bool(ex["paged"]) or meta.get("kind") in ("pdf", "docx"),  # a file, not a page
        link_count=cat.document_links_from(doc["url"]),
    )
    if ex["status"] != "ok" and not text.strip():
        # Nothing to read: judge by how it was linked (a review PDF that failed stays visible).
        url_words = doc["url"].rsplit("/", 1)[-1].replace("-", " ").replace("_", " ")
        described = " | ".join([*ev.link_texts, *ev.link_contexts, url_words])
        ev = Evidence(**{**ev.__dict__, "cover": described[:_COVER_CHARS], "paged": True})
    decision = classify(ev)
    cover = ev.cover
    prov: dict[str, str] = {"is_review": decision.reason}
    fields: dict = {"is_review": decision.is_review, "reason": decision.reason,
                    "doc_type": decision.doc_type}
    prov["doc_type"] = "cover, title, link text and URL"
    fields["board"] = doc["source"]
    fields["nation"] = source.get("nation")
    fields["region"] = source.get("region")
    prov["board"] = prov["nation"] = prov["region"] = "source registry"
    fields["title"] = title_of(meta_title, cover) or (ev.link_texts[0] if ev.link_texts else "")
    prov["title"] = "document title" if meta_title else "first lines of the text"
    year, month = publication_date(cover, text, list(ev.link_contexts), doc["url"],
                                   _meta_get(meta, "creation_date", "CreationDate", "created"))
    for name, fld in (("year", year), ("month", month)):
        fields[name] = fld.value if fld else None
        if fld:
            prov[name] = fld.source
    head = f"{meta_title}\n{cover}\n{' '.join(ev.link_texts)}"
    rtype = review_type(head, text, fields["nation"], fields["year"])
    fields["review_type"] = rtype.value if decision.is_review else None
    prov["review_type"] = rtype.source
    child = child_pseudonym(f"{meta_title}\n{cover}", text)
    if child is None and links:
        child = child_pseudonym(" | ".join(ev.link_texts + ev.link_contexts), "")
    child = child or child_from_url(doc["url"])
    fields["child"] = child.value if child else None
    if child:
        prov["child"] = child.source
    about = f"{cover}\n{' | '.join(ev.link_contexts)}\n{text}"
    name = str(child.value) if child else None
    for key, found in (("age_months", child_age(about, name)),
                       ("gender", child_gender(about, name)),
                       ("outcome", outcome(about, name))):
        fields[key] = found.value if found and decision.is_review else None
        if found and decision.is_review:
            prov[key] = found.source
    return fields, prov


def run_describe(cat: Catalogue) -> Counter[str]:
    """Describe every document whose metadata is missing or out of date."""
    sources = {s["name"]: s for s in cat.sources()}
    counts: Counter[str] = Counter()
    todo = cat.documents_needing_metadata(METADATA_VERSION)
    with cat.transaction():
        for doc in todo:
            fields, prov = describe(cat, doc, sources)
            cat.save_metadata(doc["id"], METADATA_VERSION, fields, prov)
            recs = []
            if fields["is_review"]:
                ex = cat.extraction(doc["id"]) or {"paged": 1}
                found = extract_recommendations(cat.page_texts(doc["id"]), bool(ex["paged"]))
                recs = [{"number": r.number, "page": r.page, "heading": r.heading,
                         "text": r.text} for r in found]
            cat.save_recommendations(doc["id"], recs)
            counts["recommendations"] += len(recs)
            counts["review" if fields["is_review"] else "not_review"] += 1
    log.info("describe: %s", dict(counts))
    return counts
