"""Query-time synonym, acronym and spelling expansion (index/synonyms.py, data/synonyms.toml)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.synonyms import (
    DEFAULT_PATH,
    expand_query,
    load_synonyms,
    parse_synonyms,
    split_query,
    variants,
)

PROPERTY = settings(max_examples=200, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


def terms(expanded: str) -> set[str]:
    """The alternatives of the first parenthesised OR in an expansion."""
    inner = expanded[expanded.index("(") + 1:expanded.index(")")]
    return {t.strip().strip('"') for t in inner.split(" OR ")}


def test_the_file_loads_with_enough_groups() -> None:
    syn = load_synonyms()
    assert len(syn.groups) >= 30
    assert len(syn.spelling) >= 30
    assert load_synonyms() is syn  # cached
    assert DEFAULT_PATH.name == "synonyms.toml"


def test_acronym_becomes_or_of_variants() -> None:
    out = expand_query("DV AND neglect")
    assert out.startswith("(") and " AND (" in out
    assert {"DV", "domestic violence", "domestic abuse"} <= terms(out)
    assert '"domestic violence"' in out  # multi-word variants are phrases


@pytest.mark.parametrize("query, expected", [
    ("CSE", "child sexual exploitation"),
    ("CCE", "child criminal exploitation"),
    ("SUDI", "cot death"),
    ("cot death", "SIDS"),
    ("NAI", "non-accidental injury"),
    ("FII", "fabricated or induced illness"),
    ("CAMHS", "child and adolescent mental health services"),
    ("LAC", "child looked after"),
    ("CP plan", "child protection plan"),
    ("HV", "health visitor"),
    ("GP", "general practitioner"),
    ("MARAC", "multi-agency risk assessment conference"),
    ("ICPC", "initial child protection conference"),
    ("S47", "section 47"),
    ("EHCP", "education health and care plan"),
    ("ASD", "autism"),
    ("PLO", "public law outline"),
    ("CIN", "child in need"),
    ("TAF", "team around the family"),
    ("A&E", "emergency department"),
    ("SGO", "special guardianship order"),
])
def test_group_expansions(query: str, expected: str) -> None:
    assert expected in terms(expand_query(query))


def test_multi_word_phrases_bare_or_quoted() -> None:
    bare = expand_query("child sexual exploitation online")
    assert "CSE" in terms(bare) and bare.endswith(") online")
    quoted = expand_query('"child sexual exploitation"')
    assert "CSE" in terms(quoted)
    assert expand_query("Non-Accidental Injuries").startswith("(NAI OR")  # case, hyphen, plural
    assert "GP" in terms(expand_query("GPs"))


def test_spelling_variants() -> None:
    assert expand_query("behaviour") == "(behaviour OR behavior)"
    assert expand_query("pediatrician") == "(pediatrician OR paediatrician)"
    assert expand_query("behavioural needs") == "(behavioural OR behavioral) needs"
    assert expand_query("centred") == "(centred OR centered)"
    assert expand_query("organisations") == "(organisations OR organizations)"
    assert expand_query("haemorrhage") == "(haemorrhage OR hemorrhage)"
    assert expand_query("practical") == "practical"  # not "practice" + "al"
    assert variants("judgement") == ["judgement", "judgment"]


def test_case_handling() -> None:
    # whoosh lower-cases the index, so a lower-case acronym is expanded as well ...
    assert "domestic abuse" in terms(expand_query("dv"))
    # ... except acronyms that are ordinary words in lower case
    assert expand_query("mash") == "mash"
    assert "multi-agency safeguarding hub" in terms(expand_query("MASH"))
    # an acronym matches whole tokens only
    assert expand_query("dvd") == "dvd"
    assert expand_query("DV-related") == "DV-related"


@pytest.mark.parametrize("query", [
    "board:Leeds", "board:DV", "title:\"domestic abuse\"", "title:(DV neglect)",
    "year:[2015 TO 2019]", "year:2015..2019", "{2015 TO 2019]",
    "neglect*", "DV*", "negelct~", "DV~2", "CSE^2", '"domestic abuse"~3',
    '"domestic abuse in pregnancy"', '"the GP practice"', "AND", "OR NOT",
    '"unterminated DV', "-DV", "'DV'", "",
])
def test_untouched(query: str) -> None:
    assert expand_query(query) == query


def test_structure_kept_around_expansions() -> None:
    out = expand_query("board:Leeds AND (DV OR neglect*) NOT year:[2015 TO 2019]")
    assert out.startswith("board:Leeds AND ((DV OR ")
    assert out.endswith(" OR neglect*) NOT year:[2015 TO 2019]")


def test_expanding_twice_changes_nothing_more() -> None:
    for query in ("DV AND neglect", "cot death OR behaviour", '"looked after children"'):
        once = expand_query(query)
        assert expand_query(once) == once


def test_no_match_returns_text_unchanged() -> None:
    text = "  mother's  partner   (weekend) "
    assert expand_query(text) is text


def test_variants() -> None:
    assert "SIDS" in variants("cot death")
    assert variants("unknownword") == ["unknownword"]


def test_split_query_round_trips() -> None:
    text = 'board:X AND ("a b" OR c*) year:[2015 TO 2019] "open'
    assert "".join(t.text for t in split_query(text)) == text


def test_malformed_file_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_synonyms({"groups": {"a": ["DV", "x"], "b": ["dv"]}})
    with pytest.raises(ValueError):
        parse_synonyms({"groups": {"a": ['say "x"']}})
    with pytest.raises(ValueError):
        parse_synonyms({"options": {"exact_case": ["ZZZ"]}, "groups": {}})


_ALPHABET = st.sampled_from(list('abDVNAIcse "():*~^[]{}-+&.,\'\\ \t') + ["AND", "OR", "NOT",
                                                                           "board:", " TO "])


@PROPERTY
@given(st.text() | st.lists(_ALPHABET, max_size=30).map("".join))
def test_never_raises(text: str) -> None:
    out = expand_query(text)
    assert isinstance(out, str)
    assert "".join(t.text for t in split_query(text)) == text
    assert isinstance(variants(text), list)


def test_variants_holding_another_variant_are_left_out_of_the_expansion() -> None:
    # "child neglect" finds nothing "neglect" does not, and its "child" would be highlighted
    expanded = expand_query("neglect")
    assert "neglect" in terms(expanded)
    assert "child neglect" not in terms(expanded)
    assert "section 47 enquiry" not in terms(expand_query("S47"))
    # the longer variant still matches as typed, and expands to the group
    assert "neglect" in terms(expand_query('"child neglect"'))
