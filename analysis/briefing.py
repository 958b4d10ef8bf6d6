"""Thematic briefings ("Learning from case reviews: THEME"), composed from the repository.

:func:`compose` builds one :class:`~analysis.docmodel.Doc` for a theme, or a combination of
themes (reviews carrying all of them), optionally narrowed (years, nation, region, review type,
outcome, the child's age band); :mod:`analysis.render` writes it as Markdown, HTML, Word or PDF.

The unit is the review (a case: its overview report, summary, briefing and response together),
as in :mod:`analysis.trends`. Every quotation is a verbatim sentence of an extracted page (the
tagger's evidence), at most ``MAX_QUOTE_CHARS`` long (a longer one is cut at a word and marked
with an ellipsis), with its page. Sections: about the briefing; the reviews (outcomes, ages,
types); over time (chart); risk factors alongside it (chart, counts, lift, a quotation each);
what the reviews say; learning for practice (the reviews' recommendations, near-duplicates
merged, grouped by the theme they speak to); the case reviews referenced, with pages cited.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from analysis.docmodel import Bullets, Chart, Doc, Paragraph, Quote, Section, Table
from analysis.queries import DOC_ORDER, case_records
from analysis.taxonomy import theme_infos
from analysis.theme_reliability import caution, load_reliability, theme_reliability
from analysis.trends import (
    AGE_BANDS,
    UNKNOWN,
    age_band,
    left_out_sentence,
    read_cases,
    select,
    theme_evidence,
)
from ingest.catalogue import Catalogue
from ingest.errors import AtlasError

MAX_QUOTES = 8
MAX_QUOTE_CHARS = 300
MAX_COOCCURRING = 8
MAX_LEARNING = 12
SAME_RECOMMENDATION = 88  # rapidfuzz token_set_ratio at or above which two are one


def shorten(text: str, limit: int = MAX_QUOTE_CHARS) -> str:
    """``text`` cut at a sentence end, else a word, under ``limit`` characters (an ellipsis
    marks a cut); the kept part is unchanged, so a quotation stays verbatim."""
    text = text.strip()
    if len(text) <= limit:
        return text
    head = text[:limit]
    end = max(head.rfind(". "), head.rfind("? "), head.rfind("! "))
    if end > limit // 2:
        return head[:end + 1]
    return head[:head.rfind(" ")].rstrip(",;:") + " \u2026"


def _source(case: Mapping[str, Any], doc: Mapping[str, Any], page: int | None) -> str:
    kind = (doc.get("doc_type") or "document").replace("_", " ")
    where = f"p. {page}" if page else "web page"
    year = doc.get("year") or case["year"] or "n.d."
    return f"{case['board']}, {case['child'] or 'review'}, {year}, {kind}, {where}"


def _quotable(sentence: str) -> bool:
    """A whole sentence worth quoting: starts with a capital (or a numbered paragraph), ends
    with a full stop, and has at least eight words (not a table cell or a heading)."""
    s = sentence.strip()
    return len(s.split()) >= 8 and s.endswith((".", "?", "!")) and bool(
        re.match(r"(\d+(\.\d+)*\s+)?[A-Z\"\u2018\u201c]", s))


def _evidence(tags_of: Callable[[str], list[dict]], case: Mapping[str, Any], theme: str
              ) -> list[tuple[dict, dict]]:
    """(document, evidence) pairs for ``theme`` in ``case``, quotable whole sentences only:
    strong evidence first, then full reports before summaries and briefings."""
    out = [(doc, ev) for doc, ev in theme_evidence(tags_of, case, theme)
           if _quotable(ev.get("sentence", ""))]
    out.sort(key=lambda de: (-de[1].get("strength", 1), DOC_ORDER.get(de[0]["doc_type"], 9)))
    return out


def _quote(case: Mapping[str, Any], doc: Mapping[str, Any], ev: Mapping[str, Any]) -> Quote:
    return Quote(text=shorten(ev["sentence"]), source=_source(case, doc, ev.get("page")),
                 url=doc.get("url"), doc_id=doc["id"], page=ev.get("page"))


# areas of learning a recommendation speaks to, tried in order (first match wins)
LEARNING_AREAS = (
    ("Hearing the child", r"voice|lived experience|wishes and feelings|speak(ing)? to (the )?"
                          r"child|seen alone"),
    ("Working with families", r"\bfamil(y|ies)\b[^.]*\b(experience|engage|involve)|"
                              r"\bfathers?\b|\bmale carers?\b"),
    ("Workforce, supervision and organisational change", r"supervis|turnover|workload|caseload|"
                                                         r"recruit|retention|restructur|"
                                                         r"organisational|induction"),
    ("Information sharing and records", r"information|shar(e|ing)|record|systems?\b|chronolog"),
    ("Thresholds, referrals and escalation", r"threshold|referr|escalat|advice|consult|"
                                             r"step[- ]?(up|down)|clos(e|ed|ing|ure)"),
    ("Assessment and planning", r"assess|plan\b|planning|pre-?birth"),
    ("Training, guidance and assurance", r"training|guidance|assurance|audit|learning|"
                                         r"briefing|policy|protocol|meeting"),
)
_AREAS = tuple((name, re.compile(rx, re.I)) for name, rx in LEARNING_AREAS)


def learning_area(text: str) -> str:
    """The area of practice a recommendation speaks to (see ``LEARNING_AREAS``)."""
    return next((name for name, rx in _AREAS if rx.search(text)), "Other learning")


def merge_recommendations(items: Iterable[tuple[str, str, Any]]) -> list[dict[str, Any]]:
    """(case id, text, source) in order -> the near-duplicate groups, in first-seen order: the
    first wording (whitespace folded), the cases making it, and one source per case."""
    from rapidfuzz import fuzz

    merged: list[dict[str, Any]] = []
    for case, raw, source in items:
        text = " ".join(raw.split())
        same = next((m for m in merged if fuzz.token_set_ratio(m["text"], text)
                     >= SAME_RECOMMENDATION), None)
        if same is None:
            merged.append({"text": text, "cases": {case}, "sources": [source]})
        elif case not in same["cases"]:
            same["cases"].add(case)
            same["sources"].append(source)
    return merged


def _learning(cat: Catalogue, cases: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Recommendations of the reviews, near-duplicates merged, grouped by area of practice;
    the recommendations made by most reviews first."""
    merged = merge_recommendations(
        (case["case"], rec["text"], _source(case, doc, rec.get("page")))
        for case in cases for doc in case["documents"] for rec in cat.recommendations(doc["id"]))
    merged.sort(key=lambda m: (-len(m["cases"]), len(m["text"])))
    groups: dict[str, list[str]] = {}
    for m in merged[:MAX_LEARNING]:
        more = f"; and {len(m['cases']) - 1} more reviews" if len(m["cases"]) > 1 else ""
        groups.setdefault(learning_area(m["text"]), []).append(
            f"{shorten(m['text'], 400)} ({m['sources'][0]}{more})")
    order = [name for name, _ in LEARNING_AREAS] + ["Other learning"]
    out: list[Any] = []
    for name in order:
        if name in groups:
            out += [Paragraph(name, emphasis=True), Bullets(groups[name])]
    return out


def compose(cat: Catalogue, theme_ids: str | Sequence[str], *,
            years: tuple[int | None, int | None] | None = None,
            **selection: object) -> Doc:
    """The briefing for a theme (or reviews carrying all of ``theme_ids``); see the module doc.

    ``selection``: nation, region, review_type, outcome, age_band (see analysis.trends.select).
    """
    wanted = [theme_ids] if isinstance(theme_ids, str) else list(theme_ids)
    taxonomy = theme_infos()
    by_id = {t.id: t for t in taxonomy}
    unknown = [t for t in wanted if t not in by_id]
    if unknown or not wanted:
        raise AtlasError(f"unknown theme {', '.join(unknown) or '(none)'}; known: "
                         f"{', '.join(sorted(by_id))}")
    labels = {t.id: t.label for t in taxonomy}
    try:
        selected = select(case_records(cat), years=years, **selection)
    except ValueError as exc:
        raise AtlasError(str(exc)) from exc
    cases = read_cases(selected)  # a case nothing could be read from says nothing of themes
    unread = len(selected) - len(cases)
    with_theme = [c for c in cases if all(t in c["themes"] for t in wanted)]
    name = " and ".join(labels[t] for t in wanted)
    narrowed = _selection_text(years, selection)
    known_years = sorted(c["year"] for c in with_theme if c["year"])
    span = f", published {known_years[0]}\u2013{known_years[-1]}" if known_years else ""
    theme_map = cat.theme_map()
    tagged = sum(all(t in theme_map.get(d["id"], []) for t in wanted)
                 for c in with_theme for d in c["documents"])
    doc = Doc(title=f"Learning from case reviews: {name}",
              scope=(f"{len(with_theme)} of the {len(cases)} case reviews in SCR Atlas{narrowed} "
                     f"carry {'these themes' if len(wanted) > 1 else 'this theme'}{span}; "
                     f"{tagged} of their documents are tagged with "
                     f"{'them' if len(wanted) > 1 else 'it'}."
                     + left_out_sentence(unread, "case review")))
    about = [Paragraph(f"{labels[t]}: {by_id[t].definition}") for t in wanted]
    measured = load_reliability()
    for t in wanted:
        note = caution(theme_reliability(t, measured))
        if note:
            about.append(Paragraph(f"{labels[t]}: {note}" if len(wanted) > 1 else note))
    about.append(Paragraph(
        "A review is one case: its overview report, executive summary, briefing and board "
        "response count once. Themes are tagged from the reports' text with the sentences that "
        "show them; every quotation below is verbatim, with its page.", emphasis=True))
    doc.sections.append(Section("About this briefing", about))
    if not with_theme:
        doc.sections.append(Section("The reviews", [Paragraph(
            "No review in the selection carries the theme.")]))
        return doc
    tags: dict[str, list[dict]] = {}  # each document's tags, read once for all sections

    def tags_of(doc_id: str) -> list[dict]:
        if doc_id not in tags:
            tags[doc_id] = cat.themes_of(doc_id)
        return tags[doc_id]

    doc.sections += [_reviews_section(with_theme), _time_section(cases, with_theme, name),
                     _alongside_section(tags_of, cases, with_theme, wanted, labels)]
    quotes = []
    for case in sorted(with_theme, key=lambda c: (-(c["year"] or 0), c["case"])):
        found = [de for de in _evidence(tags_of, case, wanted[0])
                 if shorten(de[1]["sentence"]) not in {q.text for q in quotes}]
        if found and len(quotes) < MAX_QUOTES:
            quotes.append(_quote(case, *found[0]))
    doc.sections.append(Section("What the reviews say", quotes))
    doc.sections.append(Section("Learning for practice", _learning(cat, with_theme)
                                or [Paragraph("The reviews' recommendations were not found.")]))
    doc.sections.append(_references_section(doc, with_theme))
    return doc


def _selection_text(years: tuple[int | None, int | None] | None,
                    selection: Mapping[str, object]) -> str:
    parts = []
    lo, hi = years or (None, None)
    if lo and hi:
        parts.append(f"published {lo}\u2013{hi}")
    elif lo or hi:
        parts.append(f"published from {lo}" if lo else f"published up to {hi}")
    parts += [f"{k.replace('_', ' ')} {v}" for k, v in selection.items() if v not in (None, "")]
    return f" ({'; '.join(parts)})" if parts else ""


def _reviews_section(cases: Sequence[Mapping[str, Any]]) -> Section:
    outcomes = Counter(c.get("outcome") or UNKNOWN for c in cases)
    ages = Counter(age_band(c.get("age_months")) for c in cases)
    types = Counter(c.get("review_type") or UNKNOWN for c in cases)
    died, harmed = outcomes.get("death", 0), outcomes.get("serious_harm", 0)
    text = (f"Of these {len(cases)} reviews, {died} followed the death of a child and {harmed} "
            f"serious harm" + (f"; {outcomes[UNKNOWN]} do not say." if outcomes[UNKNOWN] else "."))
    order = [label for _, label in AGE_BANDS] + [UNKNOWN]
    return Section("The reviews", [
        Paragraph(text),
        Table(["child's age at the incident", "reviews"],
              [[band, str(ages[band])] for band in order if ages[band]]),
        Bullets([f"{t}: {n}" for t, n in types.most_common()]),
    ])


def _time_section(cases: Sequence[Mapping[str, Any]], with_theme: Sequence[Mapping[str, Any]],
                  name: str) -> Section:
    years = sorted({c["year"] for c in cases if c["year"]})
    per_year = Counter(c["year"] for c in with_theme if c["year"])
    blocks: list[Any] = []
    if years:
        span = list(range(years[0], years[-1] + 1))
        blocks.append(Chart(f"Reviews carrying {name}, by year of publication",
                            [str(y) for y in span], [per_year.get(y, 0) for y in span]))
    share = len(with_theme) / len(cases) if cases else 0
    blocks.append(Paragraph(f"{len(with_theme)} of {len(cases)} reviews ({share:.0%}) carry it."))
    return Section("Over time", blocks)


def _alongside_section(tags_of: Callable[[str], list[dict]], cases: Sequence[Mapping[str, Any]],
                       with_theme: Sequence[Mapping[str, Any]], wanted: Sequence[str],
                       labels: Mapping[str, str]) -> Section:
    n, k = len(cases), len(with_theme)
    overall = Counter(t for c in cases for t in c["themes"])
    together = Counter(t for c in with_theme for t in c["themes"] if t not in wanted)
    top = together.most_common(MAX_COOCCURRING)
    blocks: list[Any] = []
    if not top:
        return Section("Risk factors and issues alongside it",
                       [Paragraph("No other theme is tagged in these reviews.")])
    blocks.append(Chart("Other themes in the same reviews", [labels.get(t, t) for t, _ in top],
                        [c for _, c in top], horizontal=True))
    items = []
    for t, c in top:
        lift = (c / k) / (overall[t] / n) if overall[t] and k else 0
        items.append(f"{labels.get(t, t)}: {c} of {k} reviews ({c / k:.0%}); "
                     f"{lift:.1f} times its rate across all {n} reviews")
    blocks.append(Bullets(items))
    for t, _ in top[:4]:
        for case in with_theme:
            found = _evidence(tags_of, case, t) if t in case["themes"] else []
            if found:
                blocks += [Paragraph(f"{labels.get(t, t)}:", emphasis=True),
                           _quote(case, *found[0])]
                break
    return Section("Risk factors and issues alongside it", blocks)


def _references_section(doc: Doc, cases: Sequence[Mapping[str, Any]]) -> Section:
    cited: dict[str, set[int]] = {}
    for q in doc.quotes():
        if q.doc_id and q.page:
            cited.setdefault(q.doc_id, set()).add(q.page)
    rows = []
    for case in sorted(cases, key=lambda c: (c["board"] or "", c["year"] or 0, c["case"])):
        for d in sorted(case["documents"], key=lambda d: DOC_ORDER.get(d["doc_type"], 9)):
            pages = ", ".join(map(str, sorted(cited.get(d["id"], ()))))
            rows.append([case["board"] or "", case["child"] or "", str(d["year"] or "n.d."),
                         (d["doc_type"] or "").replace("_", " "), pages, d["url"] or ""])
    return Section("Case reviews referenced",
                   [Table(["board", "child", "year", "document", "pages cited", "URL"], rows)])


def parse_themes(raw: str) -> list[str]:
    """"domestic_abuse+parental_mental_health" (or commas) -> the theme ids."""
    return [t for t in re.split(r"[+,\s]+", raw.strip()) if t]


def write_briefing(cat: Catalogue, theme_id: str, fmt: str, output: Path,
                   **selection: Any) -> Path:
    """Compose the briefing for ``theme_id`` (``a+b``: both) and write it in ``fmt``."""
    from analysis.render import FORMATS, write

    if fmt not in FORMATS:
        raise AtlasError(f"unknown format {fmt!r}: use {', '.join(FORMATS)}")
    return write(compose(cat, parse_themes(theme_id), **selection), fmt, output)
