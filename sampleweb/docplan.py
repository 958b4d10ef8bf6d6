"""Plan the documents of each case and each board's distractors: type, title, date, format.

Also decides where the awkward documents go (encrypted, truncated, scanned) and which
evidence of the publication date each document carries (``date_source``).
"""

from __future__ import annotations

import logging
import random

from sampleweb.boards import Board
from sampleweb.model import Case, Doc
from sampleweb.wording import MONTHS

logger = logging.getLogger(__name__)

RT_LONG = {
    "SCR": "Serious Case Review",
    "LCSPR": "Local Child Safeguarding Practice Review",
    "CPR": "Child Practice Review",
    "other": "Local Learning Review",
}
LISTING_DATED = {"dated_sections", "table", "paginated", "cards", "wp_posts", "accordion_years"}


def _doc_types(case: Case, board: Board, rng: random.Random) -> list[str]:
    rt, year = case.review_type, case.year
    types: list[str] = []
    if rt == "SCR":
        roll = rng.random()
        if roll < 0.5:
            types += ["full_report", "executive_summary"]
        elif roll < 0.85 or year > 2014:
            types.append("full_report")
        else:
            types.append("executive_summary")
        if rng.random() < 0.4:
            types.append("board_response")
        if year >= 2016 and rng.random() < 0.55:
            types.append("briefing")
        if rng.random() < 0.2:
            types.append("other_review_document")
    elif rt == "LCSPR":
        types.append("full_report")
        if rng.random() < 0.2:
            types.append("executive_summary")
        if rng.random() < 0.6 or "html_briefings" in board.features:
            types.append("briefing")
        if rng.random() < 0.3:
            types.append("board_response")
    elif rt == "CPR":
        types.append("full_report")
        if rng.random() < 0.45:
            types.append("briefing")
        if rng.random() < 0.15:
            types.append("other_review_document")
    else:
        types.append("full_report")
        if rng.random() < 0.5:
            types.append("briefing")
    if case.archived:
        types = [t for t in types if t in ("full_report", "executive_summary")]
        if len(types) < 2:
            types.append("executive_summary" if "full_report" in types else "full_report")
    return types


def _title(case: Case, board: Board, doc_type: str, rng: random.Random) -> tuple[str, str]:
    """(title, link label) of a case document."""
    p, rt = case.pseudonym, case.review_type
    long = RT_LONG[rt]
    short = {"SCR": "SCR", "LCSPR": "LCSPR", "CPR": "CPR", "other": "Learning Review"}[rt]
    if rt == "CPR":
        head = rng.choice((f"Extended Child Practice Review {case.ref}",
                           f"Child Practice Review Report: {case.ref}",
                           f"Child Practice Review {case.ref} - {p}"))
    else:
        head = rng.choice((f"{long}: {p}", f"{long} - {p}", f"{short} {p}",
                           f"{long} concerning {p}"))
    if doc_type == "full_report":
        label = "Overview report" if rt == "SCR" else "Full report"
        suffix = rng.choice((" - Overview Report", ": Overview Report", " Overview Report"))
        return (head + suffix if rt == "SCR" else head), label
    if doc_type == "executive_summary":
        return f"{head} - Executive Summary", "Executive summary"
    if doc_type == "briefing":
        if rt == "CPR":
            return f"Learning Brief: {case.ref} ({p})", "Learning brief"
        title = rng.choice((f"7 Minute Briefing: {p}", f"Seven Minute Briefing - {short} {p}",
                            f"7-Minute Briefing: Learning from the review of {p}"))
        return title, "7-minute briefing"
    if doc_type == "board_response":
        who = board.abbrev_in(case.year)
        return (rng.choice((f"{who} Response to the {long} of {p}",
                            f"Partnership response: {short} {p}")), "Board response")
    label = rng.choice(("Action plan", "Practitioner learning summary"))
    return f"{short} {p}: {label.title()}", label


def plan_case_docs(board: Board, case: Case, rng: random.Random) -> list[Doc]:
    """The documents published for one case."""
    docs: list[Doc] = []
    for doc_type in _doc_types(case, board, rng):
        title, label = _title(case, board, doc_type, rng)
        month = case.month
        if doc_type == "briefing":
            month = min(12, month + rng.choice((0, 0, 1, 2)))
        fmt = "pdf"
        if (doc_type == "briefing" and "html_briefings" in board.features
                and rng.random() < 0.7) or (doc_type == "executive_summary"
                                            and "html_exec" in board.features):
            fmt = "html"
        if case.archived:
            fmt = "pdf"
        doc = Doc(
            id=f"{case.key}-{doc_type.replace('_', '-')}", board_key=board.key,
            doc_type=doc_type, title=title, year=case.year, month=month,
            day=case.day if month == case.month else rng.randint(1, 28), case=case,
            format=fmt, label=label,
        )
        doc.date_source = _date_source(board, doc, rng)
        docs.append(doc)
    return docs


def _date_source(board: Board, doc: Doc, rng: random.Random) -> str:
    roll = rng.random()
    if "url_dates" in board.features and doc.format == "pdf" and roll < 0.4:
        return "url"
    if board.shape in LISTING_DATED and roll < 0.25:
        return "listing"
    if doc.format == "pdf" and roll > 0.9:
        return "metadata"
    if roll > 0.84:
        return "text"
    return "cover"


DISTRACTOR_TITLES = {
    "annual_report": "{short} Annual Report {y0}-{y1}",
    "minutes": "Minutes of the Partnership Board meeting, {d} {m} {y}",
    "leaflet": "{leaflet}",
    "newsletter": "{short} Newsletter - {season} {y}",
    "training_flyer": "Multi-agency training: {course}",
}
LEAFLETS = ("Safer sleep for your baby: advice for parents", "What to do if you are worried "
            "about a child", "Bruising in babies who are not yet mobile: a guide for staff")
COURSES = ("Learning from case reviews", "Working with neglect", "Professional curiosity "
           "and challenge", "Safeguarding adolescents at risk")


def plan_distractors(board: Board, rng: random.Random, small: bool) -> list[Doc]:
    """Annual reports, minutes, leaflets, newsletters and training flyers of one board."""
    kinds = ["annual_report", "newsletter", "leaflet"] if small else [
        "annual_report", "annual_report", "minutes", "leaflet", "newsletter", "training_flyer"]
    docs: list[Doc] = []
    for i, kind in enumerate(kinds):
        year = rng.randint(2014, 2024)
        month = rng.randint(1, 12)
        fields = {
            "short": board.short, "y0": str(year - 1), "y1": str(year)[2:], "y": str(year),
            "d": str(rng.randint(1, 28)), "m": MONTHS[month - 1],
            "season": ("Winter", "Spring", "Summer", "Autumn")[(month % 12) // 3],
            "leaflet": rng.choice(LEAFLETS), "course": rng.choice(COURSES),
        }
        fmt = "pdf"
        if kind in ("minutes", "newsletter", "training_flyer") and rng.random() < 0.5:
            fmt = "html"
        docs.append(Doc(
            id=f"{board.key}-{kind.replace('_', '-')}-{i}", board_key=board.key,
            doc_type="not_review", kind=kind, title=DISTRACTOR_TITLES[kind].format(**fields),
            year=year, month=month, day=int(fields["d"]), format=fmt,
            label=kind.replace("_", " ").capitalize(),
        ))
    return docs


def ensure_html(board: Board, docs: list[Doc]) -> None:
    """Boards that publish briefings as web pages get at least one such page."""
    if "html_briefings" not in board.features:
        return
    if any(d.is_review and d.format == "html" for d in docs):
        return
    briefings = [d for d in docs if d.doc_type == "briefing" and not d.case.archived]
    if briefings:
        briefings[-1].format = "html"
        if briefings[-1].date_source == "metadata":
            briefings[-1].date_source = "cover"
    else:
        logger.warning("%s: no briefing to publish as a web page", board.key)


def assign_statuses(board: Board, docs: list[Doc], rng: random.Random) -> None:
    """Mark the encrypted, truncated and scanned documents the board's features ask for."""
    wanted = [("encrypted", "encrypted"), ("truncated", "failed"), ("scanned", "needs_ocr")]
    for feature, status in wanted:
        if feature not in board.features:
            continue
        prefer = ("board_response", "executive_summary") if feature == "scanned" else (
            "full_report", "executive_summary")
        pool = [d for d in docs if d.is_review and d.format == "pdf" and d.status == "ok"
                and d.doc_type in prefer and not (d.case and d.case.archived)]
        if not pool:
            pool = [d for d in docs if d.is_review and d.format == "pdf" and d.status == "ok"
                    and not (d.case and d.case.archived)]
        if not pool:
            logger.warning("%s: no document to make %s", board.key, status)
            continue
        if feature == "scanned":
            pool.sort(key=lambda d: (d.year, d.id))
            chosen = pool[0]
        else:
            chosen = rng.choice(pool)
        chosen.status = status
        if chosen.date_source in ("metadata", "text"):
            chosen.date_source = "cover"
        logger.debug("%s: %s is %s", board.key, chosen.id, status)
