"""Exports: the Anki package opens as Anki's own format; the Markdown set has every answer."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURE_BANK
from test_progress_bank import ITEMS, write_bank

from dlquiz.bank import load_bank
from dlquiz.cli import cli
from dlquiz.errors import UsageError
from dlquiz.progress.export import DECK_IDS, MODEL_ID, export_anki, export_markdown


def _notes(apkg: Path, tmp_path: Path) -> tuple[list[tuple[str, str, str]], dict[str, object]]:
    """(guid, fields, tags) of every note, and the decks, read back with sqlite3."""
    with zipfile.ZipFile(apkg) as z:
        assert z.testzip() is None
        names = z.namelist()
        assert "collection.anki2" in names and "media" in names
        db = tmp_path / "collection.anki2"
        db.write_bytes(z.read("collection.anki2"))
    con = sqlite3.connect(db)
    try:
        notes = con.execute("SELECT guid, flds, tags FROM notes ORDER BY id").fetchall()
        decks = json.loads(con.execute("SELECT decks FROM col").fetchone()[0])
        models = json.loads(con.execute("SELECT models FROM col").fetchone()[0])
        cards = con.execute("SELECT count(*) FROM cards").fetchone()[0]
    finally:
        con.close()
    assert cards == len(notes)
    assert str(MODEL_ID) in models
    return notes, decks


def test_anki_package_holds_one_note_per_item(tmp_path: Path) -> None:
    bank = load_bank(write_bank(tmp_path / "bank"))
    out = tmp_path / "deck.apkg"
    result = export_anki(bank.items, out, lang="en")
    assert result.notes == len(ITEMS)
    notes, decks = _notes(out, tmp_path)
    assert str(DECK_IDS["en"]) in decks
    assert len(notes) == len(ITEMS)
    fields = {n[1].split("\x1f")[2].split(" · ")[0]: n[1].split("\x1f") for n in notes}
    assert set(fields) == {i[2] for i in ITEMS}
    front, back, _ = fields["pool.p1"]
    assert "Question pool.p1?" in front and "c) third" in front  # prompt and its choices
    assert "c) third" in back and "Because of pool.p1." in back  # answer and explanation
    assert "问题" not in front
    tags = {n[1].split("\x1f")[2].split(" · ")[0]: n[2].split() for n in notes}
    assert sorted(tags["pool.p1"]) == ["chapter5", "pool", "single"]


def test_anki_ids_are_stable_and_both_languages(tmp_path: Path) -> None:
    bank = load_bank(write_bank(tmp_path / "bank"))
    export_anki(bank.items, tmp_path / "a.apkg", lang="both")
    export_anki(bank.items, tmp_path / "b.apkg", lang="both")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, decks = _notes(tmp_path / "a.apkg", tmp_path / "a")
    b, _ = _notes(tmp_path / "b.apkg", tmp_path / "b")
    assert [n[0] for n in a] == [n[0] for n in b]  # same guids: re-import updates, not duplicates
    assert str(DECK_IDS["both"]) in decks
    assert all("Question" in n[1] and "问题" in n[1] for n in a)


def test_formula_answer_is_mathjax_or_calculator_form(tmp_path: Path) -> None:
    bank = load_bank(FIXTURE_BANK)
    formula = [i for i in bank.items if i.kind == "formula"]
    assert formula
    out = tmp_path / "f.apkg"
    export_anki(formula[:1], out, lang="en")
    notes, _ = _notes(out, tmp_path)
    back = notes[0][1].split("\x1f")[1]
    assert ("\\(" in back and "\\)" in back) or "<code>" in back


def test_markdown_set_has_questions_then_answers(tmp_path: Path) -> None:
    bank = load_bank(write_bank(tmp_path / "bank"))
    items = sorted(bank.items, key=lambda i: i.chapter)
    text = export_markdown(items, lang="en", chapter_titles={3: "Linear", 4: "FNN", 5: "CNN"})
    questions, answers = text.split("## Answers")
    for n, item in enumerate(items, 1):
        assert f"**{n}.** `{item.id}`" in questions
        assert f"Question {item.id}?" in questions
        assert f"Because of {item.id}." in answers
        assert f"Because of {item.id}." not in questions
    assert "## Chapter 3. Linear" in questions
    zh = export_markdown(items, lang="zh")
    assert "问题 pool.p1？" in zh and "## 答案" in zh and "Question pool.p1?" not in zh


def test_empty_selection_is_an_error() -> None:
    with pytest.raises(UsageError, match="no item"):
        export_markdown([], lang="en")


def test_cli_export(tmp_path: Path) -> None:
    bank = write_bank(tmp_path / "bank")
    runner = CliRunner()
    res = runner.invoke(
        cli, ["export", "anki", str(tmp_path / "x.apkg"), "--bank", str(bank), "--topic", "act.relu", "--lang", "zh"]
    )
    assert res.exit_code == 0, res.output
    # "Wrote …" goes to stderr, in the language asked
    assert res.stderr.strip() == f"已写入 3 张卡片到 {tmp_path / 'x.apkg'}" and res.stdout == ""
    res = runner.invoke(
        cli, ["export", "anki", str(tmp_path / "y.apkg"), "--bank", str(bank), "--topic", "act.relu", "--lang", "en"]
    )
    assert res.stderr.strip() == f"Wrote 3 cards to {tmp_path / 'y.apkg'}" and res.stdout == ""
    res = runner.invoke(cli, ["export", "md", "--bank", str(bank), "--topic", "pool"])
    assert res.exit_code == 0
    assert "pool.p3" in res.output and "act.relu.p1" not in res.output
    res = runner.invoke(cli, ["export", "md", "--bank", str(bank), "--topic", "nosuch"])
    assert res.exit_code == 2
    assert "--topic 'nosuch'" in res.output
