"""Write each host's web site: listing pages, case pages, HTML documents, site pages,
robots.txt, a 404 page and the ``_routes.json`` of special behaviour.

``_routes.json`` keys: ``redirects`` {path: {status, location}}, ``fail_once`` {path:
{status, retry_after}}, ``content_types`` {path: type}, ``headers`` {path: {name: value}},
``files`` {path?query: file}. Cross-host links are written ``{{host:KEY}}/path``.
"""

from __future__ import annotations

import html
import logging
import posixpath
import random
import re
from dataclasses import dataclass, field

from sampleweb.boards import DOCSTORE_KEY, DOCSTORE_NAME, Board, board_by_key
from sampleweb.chrome import SiteCtx, page, stylesheet
from sampleweb.htmldoc import content_html, file_note, link
from sampleweb.listing_shapes import SHAPES
from sampleweb.listings import Listing, Page
from sampleweb.model import Case, Doc
from sampleweb.sitepages import site_pages
from sampleweb.urls import page_file
from sampleweb.wording import month_name, slugify

logger = logging.getLogger(__name__)

esc = html.escape
_HREF = re.compile(r'href="(/[^"]*)"')  # site-absolute links in generated main content
DOC_ORDER = ("full_report", "executive_summary", "board_response", "briefing",
             "other_review_document")


@dataclass
class SiteOut:
    """A host's files, pages and routes, ready to write."""

    host: str
    files: dict[str, bytes] = field(default_factory=dict)
    html: dict[str, str] = field(default_factory=dict)  # request path -> page text
    pages: list[dict[str, str]] = field(default_factory=list)
    routes: dict[str, dict] = field(default_factory=lambda: {
        "redirects": {}, "fail_once": {}, "content_types": {}, "headers": {}, "files": {}})
    disallow: list[str] = field(default_factory=list)
    special: dict[str, list[dict]] = field(default_factory=dict)

    def add_page(self, path: str, text: str, kind: str | None) -> None:
        """Store an HTML page (kind None: it is a document, not a manifest page)."""
        if "?" in path:
            base, query = path.split("?", 1)
            rel = f"{page_file(base)[0].rsplit('/', 1)[0]}/_{slugify(query)}.html".lstrip("/")
            self.routes["files"][path] = rel
        else:
            rel, ctype = page_file(path)
            if ctype:
                self.routes["content_types"][path] = ctype
        if rel in self.files:
            raise RuntimeError(f"{self.host}: two pages would share the file {rel}")
        self.files[rel] = text.encode("utf-8")
        self.html[path] = text
        if kind:
            self.pages.append({"host": self.host, "path": path, "kind": kind})

    def note(self, key: str, entry: dict) -> None:
        """Record a special behaviour for the manifest."""
        self.special.setdefault(key, []).append(entry)


def _robots(board: Board, out: SiteOut) -> None:
    rules = ["/search", "/admin/"]
    for feature, folder in (("robots_archive", "/archive/"), ("robots_drafts", "/drafts/"),
                            ("robots_private", "/private/")):
        if feature in board.features:
            rules.append(folder)
    if board.chrome == "wordpress":
        rules.append("/wp-admin/")
    if board.key == "cefneryr":  # this site has no robots.txt at all
        return
    out.disallow = rules
    lines = ["# robots.txt", "User-agent: *"] + [f"Disallow: {r}" for r in rules]
    if board.chrome == "wordpress":
        lines.append("Allow: /wp-admin/admin-ajax.php")
    lines += ["", "User-agent: BadBot", "Disallow: /", ""]
    out.files["robots.txt"] = "\n".join(lines).encode()


def build_board_site(board: Board, cases: list[Case], docs: list[Doc],
                     partners: list[tuple[str, str]], rng: random.Random, *,
                     neighbours: list[Doc] | None = None,
                     neighbours_rng: random.Random | None = None) -> SiteOut:
    """All pages and routes of one board's host; neighbours are other boards' reports this
    board republishes (listed on a page that its review listing links to)."""
    neighbours = neighbours or []
    out = SiteOut(board.key)
    listing_path = board.seed_path
    if "seed_redirect" in board.features:
        listing_path = "/reviews-and-learning/published-reviews"
        out.routes["redirects"][board.seed_path] = {"status": 301, "location": listing_path}
        out.note("redirect", {"host": board.key, "from": board.seed_path, "to": listing_path,
                              "status": 301})
    reviews_link = listing_path
    if "redirect_listing" in board.features:
        reviews_link = "/lscb/serious-case-reviews"
        out.routes["redirects"][reviews_link] = {"status": 301, "location": listing_path}
        out.note("redirect", {"host": board.key, "from": reviews_link, "to": listing_path,
                              "status": 301})
    ctx = SiteCtx(board, reviews_link, partners)
    by_case = {c.key: sorted([d for d in docs if d.case is c],
                             key=lambda d: DOC_ORDER.index(d.doc_type)) for c in cases}
    groups = [(c, by_case[c.key]) for c in reversed(cases) if not c.archived and by_case[c.key]]
    distractors = [d for d in docs if not d.is_review]
    lst = Listing(ctx, listing_path, groups, rng, related=distractors[:1])
    if "dead_link" in board.features and groups:
        case = groups[len(groups) // 2][0]
        dead = f"/media/{rng.randint(1000, 9999)}/{slugify(case.pseudonym)}-learning-summary.pdf"
        if board.url_style != "umbraco":
            dead = f"/documents/{slugify(case.pseudonym)}-learning-summary.pdf"
        lst.dead = (f"{case.pseudonym}: learning summary (PDF)", dead)
        out.note("dead", {"host": board.key, "path": dead})
    archived = [d for d in docs if d.case and d.case.archived]
    if archived:
        lst.archive = "/archive/older-reviews"
        lis = "".join(f"<li>{link(d, rng, d.title + file_note(d))}</li>" for d in archived)
        out.add_page(lst.archive, page(ctx, "Archive", "<h1>Archive of older reviews</h1>"
                                       f"<ul>{lis}</ul>"), "listing")
    if "fail_once" in board.features and board.shape == "case_list":
        lst.briefings_path = f"{listing_path}/learning-briefings"
    pages = SHAPES[board.shape](lst)
    if neighbours:
        pages.append(_neighbours_page(next(pg for pg in pages if pg.path == listing_path),
                                      neighbours, neighbours_rng or random.Random(board.key)))
    for pg in pages:
        _write(out, ctx, pg)
    for pg in site_pages(ctx, docs, rng):
        _write(out, ctx, pg)
    _fail_once(board, out, lst)
    for doc in docs + neighbours:
        _publish(out, ctx, doc, listing_path)
    _robots(board, out)
    out.files["css/site.css"] = stylesheet(board).encode()
    out.files["_404.html"] = page(ctx, "Page not found", "<h1>Page not found</h1><p>The page "
                                  "you were looking for may have moved.</p>").encode()
    return out


def _neighbours_page(listing: Page, docs: list[Doc], rng: random.Random) -> Page:
    """A page of other boards' reports that this board republishes, linked from its listing."""
    heading = rng.choice(("Reviews from neighbouring areas", "Learning from other areas"))
    path = (listing.path + slugify(heading) + "/" if listing.path.endswith("/")
            else f"{listing.path}/{slugify(heading)}")
    listing.main += f'<p><a href="{esc(path)}">{heading}</a></p>'
    items = []
    for doc in docs:
        origin = board_by_key(doc.board_key)
        items.append(f"<li>{esc(origin.name)}: {link(doc, rng, doc.title + file_note(doc))} "
                     f"(published {month_name(doc.month)} {doc.year})</li>")
    main = (f"<h1>{heading}</h1><p>Reviews published by neighbouring partnerships, shared "
            f"with their permission.</p><ul>{''.join(items)}</ul>")
    return Page(path, heading, main, kind="listing",
                crumbs=[("Case reviews", listing.path), (heading, "")])


def _write(out: SiteOut, ctx: SiteCtx, pg: Page) -> None:
    main = pg.main
    if "relative_links" in ctx.board.features:
        main = _HREF.sub(lambda m: f'href="{relative(m.group(1), pg.path)}"', main)
    elif "absolute_links" in ctx.board.features:
        main = _HREF.sub(lambda m: f'href="{{{{host:{out.host}}}}}{m.group(1)}"', main)
    out.add_page(pg.path, page(ctx, pg.title, main, pg.crumbs, pg.side), pg.kind)


def relative(target: str, page_path: str) -> str:
    """A site path written relative to the page that links to it ('../docs/x.pdf')."""
    here = page_path.split("?", 1)[0]
    base = here if here.endswith("/") else posixpath.dirname(here) or "/"
    path, sep, query = target.partition("?")
    rel = posixpath.relpath(path, base)
    if path.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return rel + sep + query


def _fail_once(board: Board, out: SiteOut, lst: Listing) -> None:
    if "fail_once" not in board.features:
        return
    target = lst.briefings_path or next((p for p in out.html if "?page=2" in p), None)
    if target:
        out.routes["fail_once"][target] = {"status": 503, "retry_after": 1}
        out.note("fail_once", {"host": board.key, "path": target})


def _publish(out: SiteOut, ctx: SiteCtx, doc: Doc, listing_path: str) -> None:
    """Add a document to its board's site (PDFs on the docstore are written elsewhere)."""
    if doc.link_path:
        out.routes["redirects"][doc.link_path] = {"status": 301, "location": doc.path}
        out.note("redirect", {"host": doc.host, "from": doc.link_path, "to": doc.path,
                              "status": 301})
    if doc.host != out.host:
        return
    if doc.format == "html":
        assert doc.content is not None
        crumbs = [("Case reviews", listing_path), (doc.title, "")] if doc.is_review else []
        out.add_page(doc.path, page(ctx, doc.title, content_html(doc, doc.content), crumbs), None)
        return
    if doc.file_path in out.files:
        raise RuntimeError(f"{out.host}: two documents would share the file {doc.file_path}")
    out.files[doc.file_path] = doc.data
    if doc.content_type:
        out.routes["content_types"][doc.path] = doc.content_type
        out.note("no_extension", {"host": doc.host, "path": doc.path,
                                  "content_type": doc.content_type})
        if doc.content_type == "application/octet-stream":
            name = doc.path.rsplit("/", 1)[-1] + ".pdf"
            out.routes["headers"][doc.path] = {
                "Content-Disposition": f'attachment; filename="{name}"'}


def build_docstore(docs: list[Doc]) -> SiteOut:
    """The council document store: a bare home page, robots.txt and the stored PDFs."""
    out = SiteOut(DOCSTORE_KEY)
    body = (f"<!DOCTYPE html><html><head><title>{esc(DOCSTORE_NAME)}</title></head><body>"
            f"<h1>{esc(DOCSTORE_NAME)}</h1><p>Search committee papers and published documents."
            '</p><form action="/mgSearch.aspx"><input name="q"></form></body></html>\n')
    out.add_page("/", body, "home")
    out.files["robots.txt"] = b"User-agent: *\nDisallow: /mgSearch.aspx\n"
    out.disallow = ["/mgSearch.aspx"]
    out.files["_404.html"] = (b"<html><body><h1>404 - File or directory not found.</h1>"
                              b"</body></html>")
    for doc in docs:
        if doc.host == DOCSTORE_KEY:
            out.files[doc.file_path] = doc.data
    return out
