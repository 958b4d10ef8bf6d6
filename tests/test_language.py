"""Welsh text is recognised, and kept out of the theme tagger's counts and the topic model."""

from __future__ import annotations

from collections import Counter

from analysis.analyse import run_themes
from analysis.language import is_welsh, language_shares, mainly_welsh
from analysis.topics import Unit, fit_topic_model
from tests.test_topics import PLANTED, planted_corpus

# original sentences, written for these tests
WELSH = [
    "Mae'r adolygiad hwn yn ystyried y gwaith a wnaed gyda'r teulu cyn marwolaeth y plentyn. "
    "Roedd y fam wedi symud i'r ardal yn ystod y flwyddyn, ac nid oedd hi wedi cofrestru gyda "
    "meddyg teulu.",
    "Dylai'r bartneriaeth sicrhau bod ymarferwyr yn siarad â'r plentyn ar ei ben ei hun, a bod "
    "ei lais yn cael ei glywed ym mhob asesiad.",
    "Ni chafodd gwybodaeth ei rhannu rhwng yr asiantaethau mewn pryd, ac felly nid oedd y tîm "
    "yn gwybod am y pryderon a godwyd gan yr ysgol.",
]
ENGLISH = ("This review considers the work done with the family before the child died. The "
           "mother had moved to the area during the year and had not registered with a GP.")


def test_welsh_english_and_both() -> None:
    assert all(is_welsh(p) for p in WELSH)
    assert not is_welsh(ENGLISH)
    assert not is_welsh(WELSH[0] + " " + ENGLISH)  # both languages: its English is read
    assert not is_welsh("Yn y")  # too few words to say
    made_up = " ".join(PLANTED.values())  # tables, names, test vocabularies: not Welsh
    assert not is_welsh(made_up) and language_shares(made_up)[:2] == (0.0, 0.0)
    assert mainly_welsh(WELSH) and not mainly_welsh([ENGLISH, WELSH[1]])


def test_the_topic_model_leaves_welsh_paragraphs_out() -> None:
    units, themes = planted_corpus()
    welsh = [Unit(f"cy{i:03d}", 1, WELSH[i % 3]) for i in range(30)]
    model = fit_topic_model(units + welsh, themes, {t: t for t in PLANTED}, ks=(5,),
                            core_themes=list(PLANTED))
    assert model["welsh_dropped"] == 30 and model["n_units"] == len(units)
    terms = {t["term"] for topic in model["topics"] for t in topic["terms"]}
    assert not terms & {"mae", "roedd", "plentyn", "teulu", "gwybodaeth"}
    assert not any(d.startswith("cy") for d in model["documents"])


class FakeCatalogue:
    """The few catalogue calls the tagging stage makes."""

    def __init__(self, docs: dict[str, list[str]]) -> None:
        self.docs, self.saved = docs, {}

    def review_ids_needing_themes(self, version: int) -> list[str]:
        return sorted(set(self.docs) - set(self.saved))

    def page_texts(self, doc_id: str) -> list[str]:
        return self.docs[doc_id]

    def extraction(self, doc_id: str) -> dict:
        return {"paged": 1}

    def save_themes(self, doc_id: str, version: int, rows: list[dict]) -> None:
        self.saved[doc_id] = rows


def test_a_welsh_document_is_not_counted_as_tagged() -> None:
    english = ("The mother told the health visitor that her partner had hit her and that the "
               "police had been called to the house twice. A MARAC referral was made.")
    cat = FakeCatalogue({"en": [english], "cy": WELSH, "both": [english, WELSH[0]]})
    counts = run_themes(cat)
    assert counts == Counter(tagged=2, welsh_not_tagged=1)
    assert set(cat.saved) == {"en", "both"}
    assert any(r["present"] and r["theme"] == "domestic_abuse" for r in cat.saved["both"])
