"""More listing shapes (WordPress posts, a hub with split pages, grouped lists, year
accordions on a bilingual Welsh site, a list of review references) and ``SHAPES``, the table
of every listing shape by the name :mod:`sampleweb.boards` uses."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable

from sampleweb import listings
from sampleweb.docplan import RT_LONG
from sampleweb.htmldoc import file_note, link, pub_date
from sampleweb.listings import Listing, Page, dead_html, intro_html, related_html, summary
from sampleweb.model import Doc
from sampleweb.wording import month_name, slugify

logger = logging.getLogger(__name__)

esc = html.escape


def wp_posts(lst: Listing, per_page: int = 3) -> list[Page]:
    """A category archive of posts (with /page/N/ pagination); each post links its files."""
    posts: list[tuple[str, str, str]] = []  # (path, title, excerpt)
    pages: list[Page] = []
    for case, docs in lst.groups:
        first = docs[0]
        title = f"{RT_LONG[case.review_type]}: {case.pseudonym}"
        path = f"/{case.year}/{case.month:02d}/{first.day:02d}/{slugify(title)}/"
        stamp = f"{month_name(case.month)} {first.day}, {case.year}"
        lis = "".join(f"<li>{link(d, lst.rng)}</li>" for d in docs)
        body = (f'<article class="post"><header class="entry-header"><h1 class="entry-title">'
                f'{esc(title)}</h1><div class="entry-meta">Posted on <time>{stamp}</time> by '
                f'admin</div></header><div class="entry-content"><p>The partnership has '
                f"published a review concerning {esc(case.pseudonym)}, {summary(case)}.</p>"
                f"<ul>{lis}</ul></div></article>")
        pages.append(Page(path, title, body, kind="case_page",
                          crumbs=[("Case reviews", lst.path), (title, "")]))
        posts.append((path, title, f"Posted on {stamp}. A review concerning "
                                   f"{case.pseudonym}, {summary(case)}."))
    chunks = [posts[i:i + per_page] for i in range(0, len(posts), per_page)] or [[]]
    for n, chunk in enumerate(chunks, 1):
        items = "".join(f'<article class="post"><h2 class="entry-title"><a href="{p}">'
                        f'{esc(t)}</a></h2><p>{esc(x)}</p><a class="more-link" href="{p}">'
                        "Continue reading</a></article>" for p, t, x in chunk)
        nav = ""
        if n < len(chunks):
            nav = f'<a class="next" href="{lst.path}page/{n + 1}/">Older posts</a>'
        if n > 1:
            prev = lst.path if n == 2 else f"{lst.path}page/{n - 1}/"
            nav += f' <a class="prev" href="{prev}">Newer posts</a>'
        path = lst.path if n == 1 else f"{lst.path}page/{n}/"
        extra = (dead_html(lst) + related_html(lst)) if n == 1 else ""
        pages.insert(n - 1, Page(path, "Case reviews", f'<h1 class="page-title">Category: '
                                 f"Case reviews</h1>{items}<nav>{nav}</nav>{extra}"))
    return pages


def split_pages(lst: Listing) -> list[Page]:
    """A hub page linking to separate pages of reviews, briefings and national reviews."""
    base = lst.path.rstrip("/")
    reviews = [(c, [d for d in ds if d.doc_type != "briefing"]) for c, ds in lst.groups]
    briefings = [d for _, ds in lst.groups for d in ds if d.doc_type == "briefing"]
    hub = (f"<h1>Learning from reviews</h1>{intro_html(lst)}<ul>"
           f'<li><a href="{base}/published-reviews">Published reviews</a></li>'
           f'<li><a href="{base}/7-minute-briefings">7-minute briefings</a></li>'
           f'<li><a href="{base}/national-reviews">National reviews</a></li></ul>'
           f"{related_html(lst)}")
    items = "".join(
        f"<h2>{esc(c.pseudonym)}</h2><ul>"
        + "".join(f"<li>{link(d, lst.rng, d.title + file_note(d))}</li>" for d in ds) + "</ul>"
        for c, ds in reviews if ds)
    blist = "".join(f"<li>{link(d, lst.rng, d.title + file_note(d))}</li>" for d in briefings)
    national = ('<h1>National reviews</h1><p>National reviews are published by the Child '
                'Safeguarding Practice Review Panel.</p><p><a href="https://www.gov.uk/'
                'government/organisations/child-safeguarding-practice-review-panel">'
                "Child Safeguarding Practice Review Panel (GOV.UK)</a></p>")
    crumbs = [("Learning from reviews", lst.path)]
    return [
        Page(lst.path, "Learning from reviews", hub),
        Page(f"{base}/published-reviews", "Published reviews",
             f"<h1>Published reviews</h1>{items}{dead_html(lst)}", crumbs=crumbs),
        Page(f"{base}/7-minute-briefings", "7-minute briefings",
             f"<h1>7-minute briefings</h1><ul>{blist}</ul>", crumbs=crumbs),
        Page(f"{base}/national-reviews", "National reviews", national, kind="other",
             crumbs=crumbs),
    ]


def grouped_types(lst: Listing) -> list[Page]:
    """One page with a list per kind of document."""
    groups = (("Serious Case Reviews", lambda d: d.review_type == "SCR"
               and d.doc_type in ("full_report", "executive_summary")),
              ("Local Child Safeguarding Practice Reviews", lambda d: d.review_type == "LCSPR"
               and d.doc_type in ("full_report", "executive_summary")),
              ("Learning reviews", lambda d: d.review_type == "other"
               and d.doc_type != "briefing"),
              ("7-minute briefings", lambda d: d.doc_type == "briefing"),
              ("Responses and action plans", lambda d: d.doc_type in (
                  "board_response", "other_review_document") and d.review_type != "other"))
    docs = [d for _, ds in lst.groups for d in ds]
    parts = [f"<h1>Case reviews</h1>{intro_html(lst)}"]
    for heading, test in groups:
        chosen = [d for d in docs if test(d)]
        if chosen:
            lis = "".join(f"<li>{link(d, lst.rng, _short(d) + file_note(d))}</li>"
                          for d in chosen)
            parts.append(f"<h2>{heading}</h2><ul>{lis}</ul>")
    parts += [dead_html(lst), related_html(lst)]
    return [Page(lst.path, "Case reviews", "\n".join(parts))]


def _short(d: Doc) -> str:
    assert d.case is not None
    return f"{d.case.pseudonym} {d.label}"


def accordion_years(lst: Listing) -> list[Page]:
    """Bilingual page with a collapsible section per year."""
    years: dict[int, list[Doc]] = {}
    for _, ds in lst.groups:
        for d in ds:
            years.setdefault(d.year, []).append(d)
    parts = ["<h1>Child Practice Reviews <span lang=\"cy\">/ Adolygiadau Ymarfer Plant</span>"
             f"</h1>{intro_html(lst)}"]
    for year in sorted(years, reverse=True):
        lis = "".join(f"<li>{link(d, lst.rng, d.title + file_note(d))} - published "
                      f"{pub_date(d, lst.rng)}</li>" for d in years[year])
        parts.append(f"<details><summary>{year}</summary><ul>{lis}</ul></details>")
    parts += [dead_html(lst), related_html(lst)]
    return [Page(lst.path, "Child Practice Reviews", "\n".join(parts))]


def ref_list(lst: Listing) -> list[Page]:
    """An ordered list of review references with their documents."""
    items = []
    for case, docs in lst.groups:
        links = ", ".join(link(d, lst.rng, d.label + file_note(d)) for d in docs)
        items.append(f"<li><strong>{esc(case.ref or case.pseudonym)}</strong> - "
                     f"{esc(RT_LONG[case.review_type])} ({esc(case.pseudonym)}): {links}</li>")
    main = (f"<h1>Child Practice Reviews</h1>{intro_html(lst)}<ol reversed>{''.join(items)}</ol>"
            f"{dead_html(lst)}{related_html(lst)}")
    return [Page(lst.path, "Child Practice Reviews", main)]


SHAPES: dict[str, Callable[[Listing], list[Page]]] = {
    "case_list": listings.case_list,
    "prose_subpages": listings.prose_subpages,
    "cards": listings.cards,
    "dated_sections": listings.dated_sections,
    "table": listings.table,
    "paginated": listings.paginated,
    "wp_posts": wp_posts,
    "split_pages": split_pages,
    "grouped_types": grouped_types,
    "accordion_years": accordion_years,
    "ref_list": ref_list,
}
