"""The fictional safeguarding boards of the sample web and the shape of each board's site.

Every place and board name here is invented. A board's ``shape`` is how its review listing
looks, ``chrome`` its page template, ``url_style`` how its document URLs are formed, and
``features`` which awkward real-world behaviours its site shows (redirects, robots rules,
scanned or encrypted PDFs ...).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

logger = logging.getLogger(__name__)

DOCSTORE_KEY = "docstore"
DOCSTORE_NAME = "Fenwick Vale Council - Committee and Document Library"


@dataclass(frozen=True)
class Board:
    """One fictional board and its website."""

    key: str
    name: str  # current name, as in the sources file
    old_name: str  # name used on reports published before 2019 (same as name if unchanged)
    short: str
    abbrev: str
    nation: str
    region: str
    towns: tuple[str, ...]
    shape: str
    chrome: str
    url_style: str
    seed_path: str
    n_cases: int
    font: str  # core font family for its PDFs
    colour: str
    features: frozenset[str]
    small_cases: int = 0  # cases in the small web (0: board not in the small web)

    @property
    def welsh(self) -> bool:
        """Welsh boards publish Child Practice Reviews."""
        return self.nation == "Wales"

    def name_in(self, year: int) -> str:
        """The board's name as printed on a document published in year."""
        return self.old_name if year < 2019 else self.name

    def abbrev_in(self, year: int) -> str:
        """Short form of the board's name in year ('NLSCB' before 2019, 'NSCP' after)."""
        if year < 2019 and self.old_name != self.name:
            return self.short[0] + "LSCB"
        return self.abbrev


def _board(**kw: object) -> Board:
    kw["features"] = frozenset(kw.get("features", ()))  # type: ignore[arg-type]
    kw.setdefault("old_name", kw["name"])
    return Board(**kw)  # type: ignore[arg-type]


BOARDS: tuple[Board, ...] = (
    _board(
        key="northmoor", name="Northmoor Safeguarding Children Partnership",
        old_name="Northmoor Local Safeguarding Children Board", short="Northmoor",
        abbrev="NSCP", nation="England", region="North West",
        towns=("Harrowmere", "Skelthwaite", "Brindlecote"), shape="case_list",
        chrome="council", url_style="umbraco", seed_path="/safeguarding-reviews",
        n_cases=8, small_cases=4, font="helvetica", colour="#1d4f91",
        features=("redirect_listing", "doc_redirect", "fail_once", "dead_link",
                  "robots_archive", "encrypted", "html_briefings", "tracking_param"),
    ),
    _board(
        key="wearholme", name="Wearholme Safeguarding Children Partnership",
        old_name="Wearholme Local Safeguarding Children Board", short="Wearholme",
        abbrev="WSCP", nation="England", region="North East",
        towns=("Wearholme", "Colbeck Staithes", "Fellgarth"), shape="cards",
        chrome="modern", url_style="assets", seed_path="/practitioners/case-reviews",
        n_cases=7, font="helvetica", colour="#00594f",
        features=("html_exec", "two_column_report", "dead_link"),
    ),
    _board(
        key="calderbrook", name="Calderbrook Children's Safeguarding Partnership",
        old_name="Calderbrook Safeguarding Children Board", short="Calderbrook",
        abbrev="CCSP", nation="England", region="Yorkshire and the Humber",
        towns=("Calderbrook", "Ossington Royd", "Thrushcliffe"), shape="paginated",
        chrome="council", url_style="docs", seed_path="/learning/reviews",
        n_cases=7, font="times", colour="#6b2c91",
        features=("pagination", "fail_once", "truncated", "relative_links"),
    ),
    _board(
        key="fenwickvale", name="Fenwick Vale Safeguarding Children Partnership",
        old_name="Fenwick Vale Local Safeguarding Children Board", short="Fenwick Vale",
        abbrev="FVSCP", nation="England", region="East Midlands",
        towns=("Fenwick", "Audleby", "Saxmoor Bridge"), shape="table",
        chrome="council", url_style="jadu",
        seed_path="/downloads/download/14/safeguarding-practice-reviews",
        n_cases=6, small_cases=3, font="helvetica", colour="#8a1538",
        features=("docstore", "no_extension", "truncated"),
    ),
    _board(
        key="hollinsford", name="Hollinsford Safeguarding Children Partnership",
        old_name="Hollinsford Safeguarding Children Board", short="Hollinsford",
        abbrev="HSCP", nation="England", region="West Midlands",
        towns=("Hollinsford", "Pelsby Heath", "Dunmere"), shape="split_pages",
        chrome="modern", url_style="plain", seed_path="/learning-from-reviews",
        n_cases=6, font="helvetica", colour="#c8102e",
        features=("html_briefings", "robots_drafts"),
    ),
    _board(
        key="eastwold", name="Eastwold Safeguarding Children Partnership",
        old_name="Eastwold Local Safeguarding Children Board", short="Eastwold",
        abbrev="ESCP", nation="England", region="East of England",
        towns=("Eastwold", "Marsham Staithe", "Little Orbury"), shape="prose_subpages",
        chrome="council", url_style="drupal", seed_path="/case-reviews",
        n_cases=6, font="times", colour="#005eb8",
        features=("html_exec", "url_dates"),
    ),
    _board(
        key="brackenhurst", name="Brackenhurst Safeguarding Children Partnership",
        old_name="Brackenhurst Local Safeguarding Children Board", short="Brackenhurst",
        abbrev="BSCP", nation="England", region="London",
        towns=("Brackenhurst", "Tollgate Green", "Ashby Vale"), shape="wp_posts",
        chrome="wordpress", url_style="wp", seed_path="/category/case-reviews/",
        n_cases=7, font="helvetica", colour="#e35205",
        features=("url_dates", "html_briefings"),
    ),
    _board(
        key="kingsbarrow", name="Kingsbarrow Safeguarding Children Partnership",
        old_name="Kingsbarrow Local Safeguarding Children Board", short="Kingsbarrow",
        abbrev="KSCP", nation="England", region="South East",
        towns=("Kingsbarrow", "Hythe Marsh", "Wealdham"), shape="dated_sections",
        chrome="modern", url_style="uploads", seed_path="/serious-case-reviews",
        n_cases=6, font="helvetica", colour="#2e5339",
        features=("seed_redirect", "docstore", "two_column_report", "absolute_links"),
    ),
    _board(
        key="combeferrers", name="Combe Ferrers Safeguarding Children Partnership",
        old_name="Combe Ferrers Safeguarding Children Board", short="Combe Ferrers",
        abbrev="CFSCP", nation="England", region="South West",
        towns=("Combe Ferrers", "St Elwyn", "Polgarrow"), shape="grouped_types",
        chrome="council", url_style="files", seed_path="/professionals/reviews",
        n_cases=6, font="times", colour="#003b5c",
        features=("robots_private", "scanned"),
    ),
    _board(
        key="glanmorfa", name="Glanmorfa Regional Safeguarding Board",
        short="Glanmorfa", abbrev="GRSB", nation="Wales", region="West Wales",
        towns=("Glanmorfa", "Llanberwyn", "Porth Eithin"), shape="accordion_years",
        chrome="bilingual", url_style="welsh", seed_path="/en/child-practice-reviews",
        n_cases=6, small_cases=3, font="helvetica", colour="#1b5e20",
        features=("scanned", "html_briefings"),
    ),
    _board(
        key="cefneryr", name="Cefn Eryr Regional Safeguarding Board",
        short="Cefn Eryr", abbrev="CERSB", nation="Wales", region="North Wales",
        towns=("Cefn Eryr", "Aberhedyn", "Rhosgoch Isaf"), shape="ref_list",
        chrome="modern", url_style="assets", seed_path="/practitioners/child-practice-reviews",
        n_cases=6, font="times", colour="#4a148c",
        features=("dead_link",),
    ),
)


def select_boards(small: bool) -> list[Board]:
    """All boards, or the three of the small web."""
    if small:
        return [b for b in BOARDS if b.small_cases]
    return list(BOARDS)


def board_by_key(key: str) -> Board:
    """Look a board up by host key."""
    for board in BOARDS:
        if board.key == key:
            return board
    raise KeyError(key)
