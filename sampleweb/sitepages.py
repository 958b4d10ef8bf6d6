"""The ordinary pages of a board's site: home, about, annual reports, professionals,
parents and carers, training, news, contact, privacy, cookies, accessibility, partners.

They carry the distractor documents (annual reports, minutes, leaflets, newsletters,
training flyers) and links to other boards' sites.
"""

from __future__ import annotations

import html
import logging
import random

from sampleweb.chrome import SiteCtx
from sampleweb.htmldoc import file_note, href, link
from sampleweb.listings import Page
from sampleweb.model import Doc

logger = logging.getLogger(__name__)

esc = html.escape


def _links(docs: list[Doc], rng: random.Random) -> str:
    if not docs:
        return "<p>There are no documents in this section at the moment.</p>"
    return "<ul>" + "".join(f"<li>{link(d, rng, d.title + file_note(d))}</li>"
                            for d in docs) + "</ul>"


def _home(ctx: SiteCtx, docs: list[Doc], rng: random.Random) -> Page:
    b = ctx.board
    reviews = sorted((d for d in docs if d.is_review and not (d.case and d.case.archived)
                      and not d.path.startswith(("/drafts/", "/private/", "/archive/"))),
                     key=lambda d: (d.year, d.month, d.day, d.id), reverse=True)
    news = []
    for n, doc in enumerate(reviews[:2]):
        target = href(doc)
        if n == 0 and "tracking_param" in b.features:
            target += "?utm_source=homepage&utm_medium=banner"
        news.append(f'<li><a href="{esc(target)}">New: {esc(doc.title)}</a></li>')
    main = (f"<h1>Welcome to {esc(b.name)}</h1><p>Safeguarding children is everyone's "
            f"responsibility. The partnership brings together the council, health services "
            f"and the police in {esc(', '.join(b.towns))}.</p>"
            f'<p><a href="{esc(ctx.reviews_link)}">Find out about our case reviews</a></p>'
            f"<h2>Latest</h2><ul>{''.join(news)}</ul>"
            f'<p><a href="{esc(ctx.p("/parents-and-carers"))}">Worried about a child?</a></p>')
    return Page(ctx.p("/"), "Home", main, kind="home")


def site_pages(ctx: SiteCtx, docs: list[Doc], rng: random.Random) -> list[Page]:
    """Every non-review page of a board's site."""
    kind_of: dict[str, list[Doc]] = {}
    for doc in docs:
        if not doc.is_review and doc.kind:
            kind_of.setdefault(doc.kind, []).append(doc)
    b = ctx.board
    pages = [
        _home(ctx, docs, rng),
        Page(ctx.p("/about-us"), "About us", f"<h1>About us</h1><p>{esc(b.name)} is the "
             "local safeguarding partnership. Its members are the local authority, the "
             "integrated care board and the police.</p>"
             f'<p><a href="{esc(ctx.p("/about-us/annual-reports"))}">Annual reports and '
             "minutes</a></p>", kind="other"),
        Page(ctx.p("/about-us/annual-reports"), "Annual reports",
             "<h1>Annual reports and board minutes</h1>"
             + _links(kind_of.get("annual_report", []) + kind_of.get("minutes", []), rng),
             kind="other"),
        Page(ctx.p("/professionals"), "Professionals", "<h1>Information for professionals</h1>"
             f'<p><a href="{esc(ctx.reviews_link)}">Learning from case reviews</a></p>'
             + _links(kind_of.get("leaflet", []), rng), kind="other"),
        Page(ctx.p("/parents-and-carers"), "Parents and carers", "<h1>Parents and carers</h1>"
             "<p>If you are worried about a child, contact the children's services front "
             "door. In an emergency call 999.</p>" + _links(kind_of.get("leaflet", []), rng),
             kind="other"),
        Page(ctx.p("/training"), "Training", "<h1>Multi-agency training</h1>"
             + _links(kind_of.get("training_flyer", []), rng), kind="other"),
        Page(ctx.p("/news"), "News", "<h1>News and newsletters</h1>"
             + _links(kind_of.get("newsletter", []), rng), kind="other"),
        Page(ctx.p("/contact-us"), "Contact us", "<h1>Contact us</h1><p>Partnership business "
             "unit, Civic Centre. Telephone 01632 960000.</p>", kind="other"),
        Page(ctx.p("/privacy-notice"), "Privacy notice", "<h1>Privacy notice</h1><p>This "
             "notice explains how the partnership uses personal information.</p>",
             kind="other"),
        Page(ctx.p("/cookies"), "Cookies", "<h1>Cookies</h1><p>We use essential cookies and, "
             "with your consent, analytics cookies.</p>", kind="other"),
        Page(ctx.p("/accessibility"), "Accessibility statement", "<h1>Accessibility "
             "statement</h1><p>Some older PDF documents on this site are not fully "
             "accessible.</p>", kind="other"),
        Page(ctx.p("/partners"), "Other partnerships", "<h1>Other safeguarding partnerships"
             "</h1><ul>" + "".join(f'<li><a href="{{{{host:{key}}}}}/">{esc(name)}</a></li>'
                                   for name, key in ctx.partners) + "</ul>", kind="other"),
    ]
    if b.chrome == "bilingual":
        pages.append(Page("/cy/", "Hafan", f"<h1>Croeso</h1><p>{esc(b.name)}</p>"
                          '<p><a href="/">English</a></p>', kind="home"))
    return pages
