"""Review listing pages in the different shapes real board sites use.

Each shape function takes a :class:`Listing` and returns the pages it needs: a single list
of cases with their documents, prose with a sub-page per case, dated sections with "Click
here" links, a table, paginated cards, WordPress-style posts, year accordions and so on.
"""

from __future__ import annotations

import html
import logging
import random
from dataclasses import dataclass, field

from sampleweb.chrome import SiteCtx
from sampleweb.docplan import RT_LONG
from sampleweb.htmldoc import file_note, href, link, pub_date
from sampleweb.model import Case, Doc
from sampleweb.wording import age_adjective, month_name, slugify

logger = logging.getLogger(__name__)

esc = html.escape


@dataclass
class Page:
    """One HTML page to write (main content only; chrome is added by the site writer)."""

    path: str
    title: str
    main: str
    kind: str = "listing"  # home | listing | case_page | other
    crumbs: list[tuple[str, str]] = field(default_factory=list)
    side: str = ""


@dataclass
class Listing:
    """Everything a listing shape needs."""

    ctx: SiteCtx
    path: str  # where the main listing lives
    groups: list[tuple[Case, list[Doc]]]  # visible cases, newest first
    rng: random.Random
    related: list[Doc] = field(default_factory=list)  # distractors linked from the listing
    dead: tuple[str, str] | None = None  # (link text, path) of a link that 404s
    archive: str | None = None  # link to a robots-disallowed archive page
    briefings_path: str | None = None  # separate page for briefings (fails once)


def summary(case: Case) -> str:
    """'a seven-month-old girl who died' style description."""
    sex = "girl" if case.gender == "female" else "boy"
    what = "who died" if case.outcome == "death" else "who was seriously harmed"
    return f"a {age_adjective(case.age_months)} {sex} {what}"


def related_html(lst: Listing) -> str:
    if not lst.related:
        return ""
    items = "".join(f"<li>{link(d, lst.rng, d.title + file_note(d))}</li>" for d in lst.related)
    return f'<h2>Related documents</h2><ul class="related">{items}</ul>'


def dead_html(lst: Listing) -> str:
    if not lst.dead:
        return ""
    return f'<p><a href="{esc(lst.dead[1])}">{esc(lst.dead[0])}</a></p>'


def intro_html(lst: Listing) -> str:
    b = lst.ctx.board
    kind = ("Child Practice Reviews" if b.welsh else "serious case reviews and local child "
            "safeguarding practice reviews")
    return (f"<p>{esc(b.name)} publishes {kind} so that everyone working with children can "
            "learn from them. Each review is published with the agreement of the family "
            "where possible.</p>")


def _briefings_page(lst: Listing, briefings: list[Doc]) -> list[Page]:
    if not lst.briefings_path:
        return []
    items = "".join(f"<li>{link(d, lst.rng, d.title)}</li>" for d in briefings)
    main = ("<h1>Learning briefings</h1><p>Our 7-minute briefings summarise the learning from "
            f"each review in a form that can be used in team meetings.</p><ul>{items}</ul>")
    return [Page(lst.briefings_path, "Learning briefings", main,
                 crumbs=[("Case reviews", lst.path), ("Learning briefings", "")])]


def case_list(lst: Listing) -> list[Page]:
    """One page: a heading per case and a list of 'Child D: Overview report' links."""
    parts = [f"<h1>{esc(lst.ctx.board.short)} safeguarding reviews</h1>", intro_html(lst)]
    briefings: list[Doc] = []
    for case, docs in lst.groups:
        lis = []
        for d in docs:
            if lst.briefings_path and d.doc_type == "briefing":
                briefings.append(d)
                continue
            lis.append(f"<li>{esc(case.pseudonym)}: {link(d, lst.rng, d.label + file_note(d))}"
                       "</li>")
        when = ""
        if lst.rng.random() < 0.5:
            when = f" (published {month_name(case.month)} {case.year})"
        parts.append(f"<h3>{esc(case.pseudonym)} - {RT_LONG[case.review_type]}{when}</h3>"
                     f"<ul>{''.join(lis)}</ul>")
    if lst.briefings_path:
        parts.append(f'<p>See also our <a href="{lst.briefings_path}">learning briefings</a>.</p>')
    if lst.archive:
        parts.append(f'<p>Older reviews are kept in our <a href="{lst.archive}">archive</a>.</p>')
    parts += [dead_html(lst), related_html(lst)]
    return [Page(lst.path, "Safeguarding reviews", "\n".join(parts),
                 crumbs=[("Case reviews", "")])] + _briefings_page(lst, briefings)


def _case_page(lst: Listing, case: Case, docs: list[Doc], path: str) -> Page:
    lis = "".join(f"<li>{link(d, lst.rng)}</li>" for d in docs)
    main = (f"<h1>{esc(RT_LONG[case.review_type])}: {esc(case.pseudonym)}</h1>"
            f"<p>This review concerns {summary(case)}. The documents below were published "
            f"in {month_name(case.month)} {case.year}.</p><ul>{lis}</ul>")
    return Page(path, f"{case.pseudonym}", main, kind="case_page",
                crumbs=[("Case reviews", lst.path), (case.pseudonym, "")])


def prose_subpages(lst: Listing) -> list[Page]:
    """Prose paragraphs, each linking to a sub-page per case."""
    parts, pages = [f"<h1>Case reviews</h1>{intro_html(lst)}"], []
    for case, docs in lst.groups:
        sub = f"{lst.path.rstrip('/')}/{slugify(case.pseudonym)}"
        parts.append(
            f"<p>In {month_name(case.month)} {case.year} the partnership published a "
            f"{RT_LONG[case.review_type].lower()} about {esc(case.pseudonym)}, {summary(case)}. "
            f'<a href="{sub}">Read more about the review of {esc(case.pseudonym)}</a></p>')
        pages.append(_case_page(lst, case, docs, sub))
    parts += [dead_html(lst), related_html(lst)]
    return [Page(lst.path, "Case reviews", "\n".join(parts))] + pages


def cards(lst: Listing) -> list[Page]:
    """A grid of cards with a 'Read more' link to a page per case."""
    parts, pages = [f"<h1>Case reviews</h1>{intro_html(lst)}<div class=\"cards\">"], []
    for case, docs in lst.groups:
        sub = f"{lst.path.rstrip('/')}/{slugify(case.pseudonym)}"
        parts.append(f'<div class="card"><h3>{esc(case.pseudonym)}</h3>'
                     f"<p class=\"date\">{pub_date(docs[0], lst.rng)}</p>"
                     f"<p>{RT_LONG[case.review_type]}</p>"
                     f'<a class="btn" href="{sub}">Read more</a></div>')
        pages.append(_case_page(lst, case, docs, sub))
    parts += ["</div>", dead_html(lst), related_html(lst)]
    return [Page(lst.path, "Case reviews", "\n".join(parts))] + pages


def dated_sections(lst: Listing) -> list[Page]:
    """'Published 12 March 2017 ... Click here to access the report' sections."""
    parts = [f"<h1>Published reviews</h1>{intro_html(lst)}"]
    for case, docs in lst.groups:
        parts.append(f"<h2>{esc(RT_LONG[case.review_type])}: {esc(case.pseudonym)}</h2>")
        for d in docs:
            parts.append(f"<p><strong>{esc(d.label)}</strong> - Published {pub_date(d, lst.rng)}"
                         f'</p><p><a href="{esc(href(d))}">Click here</a> to access the '
                         f"{esc(d.label.lower())}.</p>")
    parts += [dead_html(lst), related_html(lst)]
    return [Page(lst.path, "Published reviews", "\n".join(parts))]


def table(lst: Listing) -> list[Page]:
    """A table: child, date, type, documents."""
    rows = []
    for case, docs in lst.groups:
        links = "<br>".join(link(d, lst.rng, d.label + file_note(d)) for d in docs)
        rows.append(f"<tr><td>{esc(case.pseudonym)}</td><td>{pub_date(docs[0], lst.rng)}</td>"
                    f"<td>{esc(RT_LONG[case.review_type])}</td><td>{links}</td></tr>")
    main = (f"<h1>Safeguarding practice reviews</h1>{intro_html(lst)}<table><thead><tr>"
            "<th>Child</th><th>Date published</th><th>Type of review</th><th>Documents</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>{dead_html(lst)}{related_html(lst)}")
    return [Page(lst.path, "Safeguarding practice reviews", main)]


def paginated(lst: Listing, per_page: int = 4) -> list[Page]:
    """One entry per document, newest first, four to a page with ?page=N links."""
    docs = [d for _, ds in lst.groups for d in ds]
    chunks = [docs[i:i + per_page] for i in range(0, len(docs), per_page)] or [[]]
    pages = []
    for n, chunk in enumerate(chunks, 1):
        entries = "".join(
            f'<article class="result"><h3>{link(d, lst.rng, d.title)}</h3>'
            f"<p>Published: {pub_date(d, lst.rng)} | {esc(d.label)}{file_note(d)}</p></article>"
            for d in chunk)
        nav = " ".join(f"<span>{i}</span>" if i == n else
                       f'<a href="{lst.path}{"" if i == 1 else f"?page={i}"}">{i}</a>'
                       for i in range(1, len(chunks) + 1))
        if n < len(chunks):
            nav += f' <a href="{lst.path}?page={n + 1}" rel="next">Next</a>'
        extra = (dead_html(lst) + related_html(lst)) if n == 1 else ""
        path = lst.path if n == 1 else f"{lst.path}?page={n}"
        pages.append(Page(path, f"Reviews - page {n}", f"<h1>Case reviews</h1>{entries}"
                          f'<nav class="pagination">Page {n} of {len(chunks)}: {nav}</nav>{extra}'))
    return pages
