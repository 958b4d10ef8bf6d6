"""Site chrome for the sample web: page templates with nav menus, cookie banners and footers.

Four looks imitate common board sites: a council CMS ("council"), a WordPress theme
("wordpress"), a modern partnership site ("modern") and a bilingual Welsh site ("bilingual").
Cross-host links are written as ``{{host:KEY}}/path``; the server fills in real addresses.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass, field

from sampleweb.boards import Board

logger = logging.getLogger(__name__)

esc = html.escape


@dataclass
class SiteCtx:
    """What every page of one board's site needs to know."""

    board: Board
    reviews_link: str  # where the nav's "Case reviews" item points (may redirect)
    partners: list[tuple[str, str]] = field(default_factory=list)  # (name, host key)
    year: int = 2025

    def p(self, path: str) -> str:
        """Site-local path in this site's URL convention."""
        if self.board.chrome == "bilingual" and not path.startswith("/en") and path != "/":
            path = "/en" + path
        if self.board.chrome == "wordpress" and path != "/" and not path.endswith("/"):
            path += "/"
        return path


NAV = (("Home", "/"), ("About us", "/about-us"), ("Professionals", "/professionals"),
       ("Parents and carers", "/parents-and-carers"), ("Training", "/training"),
       ("Case reviews", None), ("News", "/news"), ("Contact us", "/contact-us"))
FOOTER = (("Annual report", "/about-us/annual-reports"), ("Contact us", "/contact-us"),
          ("Privacy notice", "/privacy-notice"), ("Cookies", "/cookies"),
          ("Accessibility statement", "/accessibility"), ("Other partnerships", "/partners"))


def _nav(ctx: SiteCtx) -> str:
    items = []
    for label, path in NAV:
        href = ctx.reviews_link if path is None else ctx.p(path)
        items.append(f'<li><a href="{esc(href)}">{label}</a></li>')
    return "\n".join(items)


def _footer_links(ctx: SiteCtx) -> str:
    return " | ".join(f'<a href="{esc(ctx.p(path))}">{label}</a>' for label, path in FOOTER)


def _cookie(ctx: SiteCtx) -> str:
    return ('<div class="cookie-banner" role="region" aria-label="Cookie banner">'
            "<p>We use some essential cookies to make this website work. We would also like to "
            "set analytics cookies to understand how you use the site.</p>"
            '<button type="button">Accept analytics cookies</button> '
            '<button type="button">Reject analytics cookies</button> '
            f'<a href="{esc(ctx.p("/cookies"))}">View cookies</a></div>')


def _crumbs(crumbs: list[tuple[str, str]]) -> str:
    if not crumbs:
        return ""
    parts = [f'<a href="{esc(h)}">{esc(t)}</a>' if h else esc(t) for t, h in crumbs]
    return '<nav class="breadcrumb" aria-label="Breadcrumb">' + " &gt; ".join(parts) + "</nav>"


def page(ctx: SiteCtx, title: str, main: str, crumbs: list[tuple[str, str]] | None = None,
         side: str = "") -> str:
    """A complete HTML page in the board's chrome."""
    b = ctx.board
    crumbs = [("Home", ctx.p("/"))] + (crumbs or [])
    head = (f'<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)} | {esc(b.name)}</title>\n"
            f'<link rel="stylesheet" href="/css/site.css">\n</head>\n')
    if b.chrome == "wordpress":
        return head + (
            f'<body class="archive category"><div id="page" class="site">\n{_cookie(ctx)}\n'
            f'<header id="masthead" class="site-header"><p class="site-title">'
            f'<a href="/" rel="home">{esc(b.name)}</a></p>\n'
            f'<nav id="site-navigation" class="main-navigation"><ul id="primary-menu">'
            f"{_nav(ctx)}</ul></nav></header>\n"
            f'<div id="content" class="site-content"><div id="primary" class="content-area">'
            f'<main id="main" class="site-main">\n{main}\n</main></div>\n'
            f'<aside id="secondary" class="widget-area">{side or _recent(ctx)}</aside></div>\n'
            f'<footer id="colophon" class="site-footer"><div class="site-info">'
            f"{_footer_links(ctx)}<br>&copy; {ctx.year} {esc(b.name)} | Proudly powered by "
            f"WordPress</div></footer></div>\n</body>\n</html>\n")
    welsh = ""
    if b.chrome == "bilingual":
        welsh = '<p class="lang"><a href="/cy/" lang="cy">Cymraeg</a></p>'
    main_open = '<div id="content" class="main-content">' if b.chrome == "council" else (
        '<main id="main-content" tabindex="-1">')
    main_close = "</div>" if b.chrome == "council" else "</main>"
    cookie_top = _cookie(ctx) if b.chrome != "modern" else ""
    cookie_end = _cookie(ctx) if b.chrome == "modern" else ""
    return head + (
        f'<body>\n<a class="skip-link" href="#main-content">Skip to main content</a>\n'
        f"{cookie_top}\n<header class=\"header\" style=\"background:{b.colour}\">{welsh}"
        f'<a class="logo" href="{esc(ctx.p("/"))}">{esc(b.name)}</a>\n'
        f'<form class="search" action="/search" method="get"><input name="q" '
        f'aria-label="Search"><button>Search</button></form>\n'
        f'<nav class="menu" aria-label="Main menu"><ul>{_nav(ctx)}</ul></nav></header>\n'
        f"{_crumbs(crumbs)}\n{main_open}\n{main}\n{main_close}\n"
        f'{"<aside class=sidebar>" + side + "</aside>" if side else ""}\n'
        f'<footer class="footer"><p>{_footer_links(ctx)}</p><p>'
        f'<a href="https://twitter.com/{b.abbrev.lower()}">Follow us</a> | '
        f'<a href="mailto:partnership@{b.key}.example.org">Email the business unit</a> | '
        f'<a href="tel:01632960000">01632 960000</a></p>'
        f"<p>&copy; {esc(b.name)} {ctx.year}</p></footer>\n{cookie_end}\n</body>\n</html>\n")


def _recent(ctx: SiteCtx) -> str:
    return ('<section class="widget"><h2 class="widget-title">Categories</h2><ul>'
            f'<li><a href="{esc(ctx.reviews_link)}">Case reviews</a></li>'
            f'<li><a href="{esc(ctx.p("/news"))}">News</a></li>'
            f'<li><a href="{esc(ctx.p("/training"))}">Training</a></li></ul></section>')


def stylesheet(board: Board) -> str:
    """A small stylesheet for the board's site."""
    return (f"body{{font-family:Arial,sans-serif;margin:0;color:#222}}\n"
            f".header{{color:#fff;padding:1em}}\n.header a{{color:#fff}}\n"
            f".menu ul{{list-style:none;display:flex;gap:1em}}\n"
            f"h1,h2,h3{{color:{board.colour}}}\n.cookie-banner{{background:#eee;padding:1em}}\n"
            f".card{{border:1px solid #ccc;padding:1em;margin:1em 0}}\n"
            f"table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:4px}}\n")
