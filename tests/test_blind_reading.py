"""The blind-reading kit: held-out documents for people to tag, and the score of their answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.taxonomy import CORE_THEMES
from app.blind_reading import score_answers, write_kit
from app.eval_held_out import held_out_documents
from ingest.errors import AtlasError


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("kit")
    write_kit(directory, 3, seed=2)
    return directory


def _truth(kit: Path) -> dict:
    return json.loads((kit / "truth.json").read_text())["documents"]


def test_the_kit_holds_the_evaluated_documents_and_keeps_the_truth_apart(kit: Path) -> None:
    docs = held_out_documents(3, seed=2)
    names = sorted(p.name for p in (kit / "documents").glob("doc-*.txt"))
    assert names == [f"doc-{i:03d}.txt" for i in range(len(docs))]
    assert (kit / "documents" / "doc-000.txt").read_text().strip() == docs[0].pages[0].strip()
    assert sorted(_truth(kit)["doc-000.txt"]["themes"]) == sorted(docs[0].themes)
    brief = (kit / "documents" / "THEMES.md").read_text()
    assert all(f"- {t}:" in brief for t in CORE_THEMES)
    assert not list((kit / "documents").glob("*.json"))


def test_answers_are_scored_as_the_tagger_is(kit: Path, tmp_path: Path) -> None:
    truth = _truth(kit)
    perfect = tmp_path / "perfect.json"
    perfect.write_text(json.dumps({n: row["themes"] for n, row in truth.items()}))
    got = score_answers(kit, perfect)
    assert got["shown"]["f1"] == 1.0 and got["shown"]["documents"] == len(truth)
    nothing = tmp_path / "nothing.json"
    nothing.write_text(json.dumps({n: [] for n in truth}))
    assert score_answers(kit, nothing)["shown"]["recall"] == 0.0
    denied = tmp_path / "denied.json"
    denied.write_text(json.dumps({n: row["themes"] + row["denied"] for n, row in truth.items()}))
    assert score_answers(kit, denied)["shown"]["denied_tagged_rate"] == 1.0


@pytest.mark.parametrize("content, message", [
    ("{}", "leave out"),
    ("not json", "cannot read"),
    ("[1, 2]", "not a JSON object"),
])
def test_bad_answers_get_one_line_errors(kit: Path, tmp_path: Path, content: str,
                                         message: str) -> None:
    path = tmp_path / "answers.json"
    path.write_text(content)
    with pytest.raises(AtlasError, match=message):
        score_answers(kit, path)


@pytest.mark.parametrize("row", [{}, {"case": "a", "doc_type": "briefing", "themes": [],
                                       "planted": [], "denied": [], "passages": ["x"]}])
def test_a_damaged_truth_file_is_a_one_line_error(tmp_path: Path, row: dict) -> None:
    (tmp_path / "truth.json").write_text(json.dumps({"documents": {"doc-000.txt": row}}))
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"doc-000.txt": []}))
    with pytest.raises(AtlasError, match="damaged"):
        score_answers(tmp_path, answers)


def test_an_unwritable_kit_folder_is_a_one_line_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(AtlasError, match="cannot write the kit"):
        write_kit(blocker / "kit", 1)


def test_unknown_theme_ids_are_refused(kit: Path, tmp_path: Path) -> None:
    answers = {n: [] for n in _truth(kit)}
    answers["doc-000.txt"] = ["neglect", "bad_theme"]
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers))
    with pytest.raises(AtlasError, match="bad_theme"):
        score_answers(kit, path)


def test_cli_writes_and_scores_a_kit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from app.cli import main

    assert main(["eval-themes", "--cases", "2", "--blind", str(tmp_path), "--json"]) == 0
    written = json.loads(capsys.readouterr().out)
    assert written["folder"] == str(tmp_path / "documents") and written["documents"] >= 2
    truth = _truth(tmp_path)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({n: row["planted"] for n, row in truth.items()}))
    assert main(["eval-themes", "--blind", str(tmp_path), "--answers", str(answers),
                 "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["planted"]["f1"] == 1.0
    assert main(["eval-themes", "--blind", str(tmp_path / "nowhere"), "--answers",
                 str(answers)]) == 2
    assert "no blind-reading kit" in capsys.readouterr().err
