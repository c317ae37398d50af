"""The bank loader: valid files load, each kind of invalid file gets a message with its place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import FIXTURE_BANK, ROOT

from dlquiz.bank import default_root, load_bank, read_bank
from dlquiz.bank.check import coverage, coverage_problems
from dlquiz.bank.syllabus import load_syllabus
from dlquiz.errors import BankError, UsageError

SHARED_SYLLABUS = ROOT.parent / "shared" / "syllabus.md"


def test_fixture_bank_loads_every_kind() -> None:
    bank = load_bank(FIXTURE_BANK)
    kinds = {i.kind for i in bank.items}
    assert kinds == {"single", "multi", "truefalse", "short", "ordering", "numeric", "formula", "derivation"}
    item = bank.get("act.sigmoid.range")
    assert item is not None
    assert item.answer == "b" and item.chapter == 4 and item.line == 1
    assert item.prompt("zh").startswith("sigmoid")
    assert bank.get("act.sigmoid.derivative").let == {"s": "sigma(x)"}  # type: ignore[union-attr]


def _write(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "q"
    (root / "04-fnn").mkdir(parents=True)
    (root / "04-fnn" / "x.toml").write_text(text, encoding="utf-8")
    return root


GOOD = """
[[item]]
id = "act.relu.a"
topic = "act.relu"
kind = "single"
difficulty = 1
source = "004_96e5ea7d078c6618"
prompt.en = "p"
prompt.zh = "题"
explanation.en = "e"
explanation.zh = "解"
choices = [{ en = "x", zh = "x" }, { en = "y", zh = "y" }]
answer = "a"
"""


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('topic = "act.relu"', 'topic = "act.relux"'),
            r"x\.toml:2: item act\.relu\.a: topic: unknown topic 'act\.relux'",
        ),
        (('prompt.zh = "题"\n', ""), r"item act\.relu\.a: prompt\.zh: missing language"),
        (('answer = "a"', 'answer = "d"'), r"answer: choice 'd' is not among the choices \(a, b\)"),
        (('kind = "single"', 'kind = "singel"'), r"kind: unknown kind 'singel' \(expected one of: single"),
        (("difficulty = 1", "difficulty = 7"), r"difficulty: expected 1, 2 or 3, got 7"),
        (('source = "004_96e5ea7d078c6618"', 'source = "005"'), r"source: unknown source '005' \(expected a note file"),
        (('answer = "a"', 'answer = "a"\nanswr = "b"'), r"answr: unknown field for kind single"),
        (('id = "act.relu.a"', 'id = "Bad Id"'), r"id: missing or invalid id 'Bad Id'"),
        (
            (
                'choices = [{ en = "x", zh = "x" }, { en = "y", zh = "y" }]',
                'choices = [{ en = "x" }, { en = "y", zh = "y" }]',
            ),
            r"choices\[1\]\.zh: missing language",
        ),
    ],
)
def test_invalid_item_names_file_line_item_and_field(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    root = _write(tmp_path, GOOD.replace(*change))
    _, problems = read_bank(root)
    text = "\n".join(str(p) for p in problems)
    assert re.search(expected, text), text
    with pytest.raises(BankError, match="problem"):
        load_bank(root)


def test_duplicate_id_names_both_places(tmp_path: Path) -> None:
    root = _write(tmp_path, GOOD + GOOD)
    _, problems = read_bank(root)
    assert [str(p) for p in problems] == [
        "q/04-fnn/x.toml:15: item act.relu.a: id: duplicate id (first defined at q/04-fnn/x.toml:2)"
    ]


def test_broken_toml_names_the_line(tmp_path: Path) -> None:
    root = _write(tmp_path, GOOD + '\n[[item]]\nid = "unterminated\n')
    _, problems = read_bank(root)
    assert len(problems) == 1
    assert re.match(r"q/04-fnn/x\.toml:16: not valid TOML", str(problems[0])), str(problems[0])


@pytest.mark.parametrize(
    ("kind_fields", "expected"),
    [
        ('kind = "numeric"\nanswer = "three"', r"answer: expected a finite number, got 'three'"),
        ('kind = "truefalse"\nanswer = "yes"', r"answer: expected true or false, got 'yes'"),
        ('kind = "formula"\nanswer = 3', r"answer: expected a formula string, got 3"),
        ('kind = "short"\nanswer = []', r"answer: expected an array of accepted answers"),
        (
            'kind = "ordering"\nchoices = [{ en = "x", zh = "x" }, { en = "y", zh = "y" }]\nanswer = ["a", "a"]',
            r"answer: must name every choice exactly once \(ab\)",
        ),
        (
            'kind = "multi"\nchoices = [{ en = "x", zh = "x" }, { en = "y", zh = "y" }]\nanswer = "a"',
            r"answer: expected an array of choice letters",
        ),
        ('kind = "derivation"\ngiven = []\nstart = "x"', r"goal: missing"),
        (
            'kind = "numeric"\nanswer = 1\nmistakes = [{ answer = "x", en = "m", zh = "m" }]',
            r"mistakes\[1\]\.answer: expected a number",
        ),
        (
            'kind = "numeric"\nanswer = 1\nmistakes = [{ answer = 1, en = "m", zh = "m" }]',
            r"mistakes\[1\]\.answer: 1 is the key itself, not a mistake",
        ),
        (
            'kind = "numeric"\nanswer = 1\nmistakes = [{ answer = 2, en = "m", zh = "m" }, { answer = 2, en = "n", zh = "n" }]',
            r"mistakes\[2\]\.answer: 2 is listed twice",
        ),
    ],
)
def test_malformed_answers_per_kind(tmp_path: Path, kind_fields: str, expected: str) -> None:
    base = GOOD.split('kind = "single"')[0]
    tail = (
        'difficulty = 1\nsource = "004_96e5ea7d078c6618"\nprompt.en = "p"\nprompt.zh = "题"\n'
        'explanation.en = "e"\nexplanation.zh = "解"\n'
    )
    root = _write(tmp_path, base + kind_fields + "\n" + tail)
    _, problems = read_bank(root)
    text = "\n".join(str(p) for p in problems)
    assert re.search(expected, text), text


def test_shipped_bank_loads_and_every_topic_is_a_syllabus_id() -> None:
    bank = load_bank()
    ids = {t.id for t in bank.syllabus.topics}
    assert bank.items, "the shipped bank is empty"
    assert {i.topic for i in bank.items} <= ids
    assert default_root().name == "questions"


def _shared_rows(path: Path) -> dict[str, tuple[str, ...]]:
    text = path.read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([a-z][a-z0-9.\-]+) \| .+ \| ([CFNDE, ]+) \|$", text, re.M)
    return {tid: tuple(k.strip() for k in kinds.split(",")) for tid, kinds in rows}


def test_syllabus_copy_matches_shared_syllabus() -> None:
    if not SHARED_SYLLABUS.exists():
        pytest.skip("shared/syllabus.md is not beside the checkout")
    part1 = _shared_rows(SHARED_SYLLABUS)
    part2 = _shared_rows(SHARED_SYLLABUS.with_name("syllabus-beyond.md"))
    topics = load_syllabus().topics
    assert {t.id: t.kinds for t in topics if not t.beyond} == part1
    assert {t.id: t.kinds for t in topics if t.beyond} == part2


def test_coverage_table_has_every_topic_with_zeros() -> None:
    bank = load_bank(FIXTURE_BANK)
    table = coverage(bank.items, bank.syllabus)
    assert len(table) == len(bank.syllabus.topics)
    assert table["act.sigmoid"]["formula"] == 1
    assert table["det.iou"] == dict.fromkeys(table["det.iou"], 0)


def test_coverage_problems_name_missing_kinds() -> None:
    bank = load_bank(FIXTURE_BANK)
    problems: dict[str, list[str]] = {}
    for p in coverage_problems(bank.items, bank.syllabus):
        problems.setdefault(p.field, []).append(p.message)
    assert "act.sigmoid" not in problems  # 8 items of every kind letter it needs
    assert problems["act.tanh"] == ["only 0 item(s), needs at least 4", "no item of kind C, F, N, D (needs C, F, N, D)"]
    assert problems["det.iou"] == ["only 0 item(s), needs at least 4", "no item of kind C, N (needs C, N)"]


def test_select_by_prefix_kind_and_letter() -> None:
    bank = load_bank(FIXTURE_BANK)
    assert len(bank.select(topics=["act."])) == 8
    assert {i.kind for i in bank.select(kinds=["C"])} == {"single", "multi", "truefalse", "short", "ordering"}
    assert [i.kind for i in bank.select(kinds=["formula"])] == ["formula"]
    with pytest.raises(UsageError, match="--topic 'actt': no syllabus topic starts with it"):
        bank.select(topics=["actt"])
    with pytest.raises(UsageError, match="--kind 'numerc': unknown kind"):
        bank.select(kinds=["numerc"])
