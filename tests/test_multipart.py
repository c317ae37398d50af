"""Multi-part numeric items: several values of one worked example asked in turn.

The grading goes through the same `grade()` the quiz uses; the two-layer item's values are checked
against an independent NumPy computation written out here, not against the generator.
"""

from __future__ import annotations

import json
import math
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import ROOT, dlquiz_cmd, subprocess_env

from dlquiz.bank import Bank, load_bank
from dlquiz.bank.check import check_item
from dlquiz.bank.load import read_bank
from dlquiz.bank.model import Item
from dlquiz.quiz.grade import grade
from dlquiz.quiz.session import prepare

TWO_LAYER = "backprop.layer.two-layer-exam"


@cache
def _bank() -> Bank:
    return load_bank()


def _item(item_id: str) -> Item:
    item = _bank().get(item_id)
    assert item is not None, item_id
    return item


def _oracle_two_layer() -> dict[str, Any]:
    """The exam's numbers by hand: 2-2-1 sigmoid network, BCE, one sample (independent of dlquiz)."""
    x = np.array([0.5, 1.0])
    y = 1.0
    w1 = np.array([[0.1, 0.2], [0.3, -0.1]])
    b1 = np.array([0.0, 0.1])
    w2 = np.array([0.4, -0.5])
    b2 = 0.2
    z1 = np.array([sum(w1[i, j] * x[j] for j in range(2)) + b1[i] for i in range(2)])
    a1 = 1 / (1 + np.exp(-z1))
    z2 = sum(w2[i] * a1[i] for i in range(2)) + b2
    a2 = 1 / (1 + math.exp(-z2))
    loss = -(y * math.log(a2) + (1 - y) * math.log(1 - a2))
    dz2 = a2 - y
    dw2 = [dz2 * a1[i] for i in range(2)]
    dz1 = [w2[i] * dz2 * a1[i] * (1 - a1[i]) for i in range(2)]
    dw1 = [[dz1[i] * x[j] for j in range(2)] for i in range(2)]
    return {"Z1": list(z1), "A1": list(a1), "A2": a2, "loss": loss, "dZ2": dz2, "dW2": dw2, "dW1": dw1}


def _r(value: float, decimals: int = 4, shift: int = 0) -> str:
    unit = Decimal(1).scaleb(-decimals)
    return format(Decimal(repr(float(value))).quantize(unit, rounding=ROUND_HALF_UP) + shift * unit, "f")


def _typed(value: Any, decimals: int = 4) -> str:
    """A value as a student types it: a number, `a, b` for a vector, `a, b; c, d` for a matrix."""
    if isinstance(value, list) and value and isinstance(value[0], list):
        return "; ".join(_typed(row, decimals) for row in value)
    if isinstance(value, list):
        return ", ".join(_r(v, decimals) for v in value)
    return _r(value, decimals)


def _right_lines(oracle: dict[str, Any]) -> list[str]:
    return [_typed(oracle[k]) for k in ("Z1", "A1", "A2", "loss", "dZ2", "dW2", "dW1")]


def _key(item: Item, seed: int = 0) -> Any:
    return prepare(item, number=1, seed=seed).expected


def test_the_two_layer_key_is_the_hand_computation() -> None:
    item = _item(TWO_LAYER)
    keys = {k.name: k.value for k in _key(item)}
    oracle = _oracle_two_layer()
    for name, value in oracle.items():
        got = np.ravel(np.asarray(keys[name], dtype=float))
        assert np.allclose(got, np.ravel(np.asarray(value, dtype=float)), atol=1e-12), name


def _lines_with(n: int, text: str) -> str:
    lines = _right_lines(_oracle_two_layer())
    lines[n] = text
    return "\n".join(lines)


# (what the student typed, status, words the verdict must contain)
CASES = [
    ("all right", None, "correct", ["✓ (7)"]),
    ("Z1 typed as a column", (0, "0.25; 0.15"), "correct", []),
    ("A2 as a fraction-free exact value", (2, repr(_oracle_two_layer()["A2"])), "correct", []),
    (
        "one entry of dW1 wrong",
        (6, "-0.0227, -0.0454; 0.0287, 0.5"),
        "wrong",
        ["row 2, column 2", "you gave 0.5", "✗ (7)", "✓ (6)", "right value: dW1", "from step"],
    ),
    ("one entry of dW1 one unit off in the 4th decimal", (6, None), "wrong", ["row 1, column 1"]),
    ("the second entry of a column vector wrong", (0, "0.25, 0.16"), "wrong", ["entry 2: you gave 0.16, right 0.15"]),
    ("a scalar part wrong", (3, "0.6182"), "wrong", ["✗ (4)", "right value: loss = 0.618114"]),
    ("a ragged matrix", (6, "-0.0227, -0.0454; 0.0287"), "invalid", ["part 7 (dW1)", "row 2 has 1"]),
    ("a word in a matrix", (6, "-0.0227, abc; 0.0287, 0.0573"), "invalid", ["part 7 (dW1)", "row 1", "'abc'"]),
    ("three numbers for a 2×2 matrix", (6, "1, 2, 3"), "sent_back", ["part 7 (dW1)", "2×2 matrix"]),
    ("a vector where a number is asked", (2, "0.5, 0.5"), "invalid", ["part 3 (A2)"]),
]


@pytest.mark.parametrize(("name", "change", "status", "words"), CASES, ids=[c[0] for c in CASES])
def test_a_table_through_the_quizs_grade(
    name: str, change: tuple[int, str | None] | None, status: str, words: list[str]
) -> None:
    item = _item(TWO_LAYER)
    oracle = _oracle_two_layer()
    text = "\n".join(_right_lines(oracle))
    if change is not None:
        n, typed = change
        if typed is None:  # dW1[0][0] shifted by one unit of the 4th decimal
            dw1 = [row[:] for row in oracle["dW1"]]
            typed = "; ".join(
                ", ".join(_r(v, 4, 1 if (i, j) == (0, 0) else 0) for j, v in enumerate(row))
                for i, row in enumerate(dw1)
            )
        text = _lines_with(n, typed)
    result = grade(item, text, expected=_key(item))
    assert result.status == status, (result.status, result.message)
    shown = "\n".join([result.message, *(n.en for n in result.notes)])
    for word in words:
        assert word in shown, (word, shown)
    if status == "correct":
        assert len(result.parts) == 7 and all(p.status == "correct" for p in result.parts)


def test_named_lines_in_any_order_and_missing_lines() -> None:
    item = _item(TWO_LAYER)
    oracle = _oracle_two_layer()
    names = ["Z1", "A1", "A2", "loss", "dZ2", "dW2", "dW1"]
    lines = [f"{n} = {t}" for n, t in zip(names, _right_lines(oracle), strict=True)]
    assert grade(item, "\n".join(reversed(lines)), expected=_key(item)).status == "correct"
    missing = grade(item, "\n".join(lines[:-1]), expected=_key(item))
    assert missing.status == "invalid" and "dW1" in missing.message
    short = grade(item, "\n".join(_right_lines(oracle)[:3]), expected=_key(item))
    assert short.status == "invalid" and "7 in all" in short.message and "got 3" in short.message


def test_a_wrong_entry_is_named_in_chinese_too() -> None:
    item = _item(TWO_LAYER)
    result = grade(item, _lines_with(6, "-0.0227, -0.0454; 0.0287, 0.5"), expected=_key(item))
    zh = "\n".join([result.message_zh, *(n.zh for n in result.notes)])
    assert "第 2 行第 2 列" in zh and "正确值" in zh and "来自第" in zh
    bad = grade(item, _lines_with(6, "-0.0227, -0.0454; 0.0287"), expected=_key(item))
    assert "第 7 问" in bad.message_zh and "第 2 行" in bad.message_zh


@pytest.mark.parametrize("item", [i for i in load_bank().items if i.parts], ids=lambda i: i.id)
def test_every_multi_part_item_key_rounded_as_asked_passes_and_one_unit_off_fails(item: Item) -> None:
    decimals = item.decimals if item.decimals is not None else 0
    for seed in (0, 1, 2):
        keys = _key(item, seed)
        right = [_typed(k.value, decimals) for k in keys]
        assert grade(item, "\n".join(right), expected=keys).status == "correct", (item.id, seed, right)
        last = keys[-1].value
        flat = np.ravel(np.asarray(last, dtype=float))
        flat[0] = float(_r(flat[0], decimals, 1))
        off = flat.reshape(np.shape(last)).tolist() if isinstance(last, list) else float(flat[0])
        wrong = grade(item, "\n".join([*right[:-1], _typed(off, decimals)]), expected=keys)
        assert wrong.status == "wrong", (item.id, seed)
        assert [str(p.status) for p in wrong.parts].count("wrong") == 1


# ----------------------------------------------------------------------------- bank check

ITEM = """
[[item]]
id = "backprop.layer.parts-test"
topic = "backprop.layer"
kind = "numeric"
difficulty = 2
source = "004_96e5ea7d078c6618"
generator = "mlp.forward-backward"
params = {{ sizes = "2,2,1", m = 1, activation = "sigmoid", loss = "bce" }}
decimals = 4
{fields}
prompt.en = "Compute the pass. Give 4 decimal places."
prompt.zh = "计算。保留 4 位小数。"
explanation.en = "Forward, then backward."
explanation.zh = "先前向，再反向。"
"""


def _read(tmp_path: Path, fields: str) -> tuple[list[Item], list[str]]:
    folder = tmp_path / "questions" / "04-fnn"
    folder.mkdir(parents=True)
    (folder / "t.toml").write_text(ITEM.format(fields=fields), encoding="utf-8")
    items, problems = read_bank(tmp_path / "questions")
    return items, [str(p) for p in problems]


def test_bank_check_catches_a_part_the_generator_does_not_produce(tmp_path: Path) -> None:
    items, problems = _read(
        tmp_path, 'parts = [{ ask = "Z1", en = "Z1", zh = "Z1" }, { ask = "dZ9", en = "dZ9", zh = "dZ9" }]'
    )
    assert problems == []
    found = [str(p) for p in check_item(items[0])]
    assert len(found) == 1 and "parts[2].ask" in found[0] and "'dZ9'" in found[0] and "dZ2" in found[0], found


def test_bank_check_passes_good_parts_and_the_short_form(tmp_path: Path) -> None:
    items, problems = _read(tmp_path, 'ask = ["Z1", "dW1", "db2"]')
    assert problems == [] and [p.ask for p in items[0].parts] == ["Z1", "dW1", "db2"]
    assert check_item(items[0]) == []


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ('parts = [{ ask = "Z1" }]', "2 to 12 parts"),
        ('parts = [{ ask = "Z1" }, { ask = "Z1" }]', "asked twice"),
        ('parts = [{ ask = "Z1", en = "only English" }, { ask = "A1" }]', "parts[1].zh"),
        ('ask = "Z1"\nparts = [{ ask = "Z1" }, { ask = "A1" }]', "either ask or parts"),
        ('answer = 1.5\nparts = [{ ask = "Z1" }, { ask = "A1" }]', "remove answer"),
        ('parts = [{ ask = "Z1" }, { ask = "A1" }]\nmistakes = [{ answer = 1, en = "x", zh = "x" }]', "multi-part"),
        ('parts = [{ ask = 3 }, { ask = "A1" }]', "parts[1]"),
    ],
)
def test_malformed_parts_are_reported_with_their_place(tmp_path: Path, fields: str, words: str) -> None:
    _items, problems = _read(tmp_path, fields)
    assert any(words in p for p in problems), problems
    assert all(":" in p and "t.toml:2" in p for p in problems), problems


# ----------------------------------------------------------------------------- the commands


def _run(args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*dlquiz_cmd(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        env=subprocess_env(NO_COLOR="1", COLUMNS="120"),
        cwd=ROOT,
    )


def test_a_piped_quiz_marks_each_part_in_english() -> None:
    lines = _right_lines(_oracle_two_layer())
    lines[6] = "-0.0227, -0.0454; 0.0287, 0.5"
    typed = lines[:6] + ["1, 2; 3", lines[6]]  # a malformed matrix first: asked again
    out = _run(["quiz", "--id", TWO_LAYER, "--no-save"], "\n".join(typed) + "\n")
    text = out.stdout
    assert out.returncode == 0, out.stderr
    for n in range(1, 7):
        assert f"✓ ({n}) right" in text
    assert "row 2 has 1" in text and "Try again." in text
    assert "✗ (7) wrong" in text and "row 2, column 2: you gave 0.5, right 0.0573071" in text
    assert "from step" in text and "6 of 7 parts right" in text and "0/1" in text


def test_a_piped_quiz_marks_each_part_in_chinese() -> None:
    typed = _right_lines(_oracle_two_layer())
    typed[3] = "0.7"  # the loss wrong
    out = _run(["quiz", "--id", TWO_LAYER, "--no-save", "--lang", "zh"], "\n".join(typed) + "\n")
    text = out.stdout
    assert out.returncode == 0, out.stderr
    assert "依次回答" in text and "✓ (1) 正确" in text and "✗ (4) 错误" in text
    assert "正确值：loss = 0.618114" in text and "7 问中答对 6 问" in text


def test_grade_reads_one_answer_per_line_and_one_part_with_part() -> None:
    lines = _right_lines(_oracle_two_layer())
    ok = _run(["grade", TWO_LAYER, "-", "--json"], "\n".join(lines) + "\n")
    record = json.loads(ok.stdout)
    assert ok.returncode == 0 and record["correct"] and len(record["parts"]) == 7
    assert all(p["correct"] for p in record["parts"])
    part = _run(["grade", TWO_LAYER, "-0.0227, -0.0454; 0.0287, 0.5", "--part", "dW1"])
    assert part.returncode == 1 and "row 2, column 2" in part.stdout and "from step" in part.stdout
    same = _run(["grade", TWO_LAYER, lines[6], "--part", "7"])
    assert same.returncode == 0
    bad = _run(["grade", TWO_LAYER, "1", "--part", "9"])
    assert bad.returncode == 2 and "1 Z1" in bad.stderr


def test_a_mock_exam_shows_no_part_marks_but_grades_every_part() -> None:
    from io import StringIO

    from rich.console import Console

    from dlquiz.quiz.runner import run_session

    lines = iter(_right_lines(_oracle_two_layer()))
    out = StringIO()
    result = run_session(
        [_item(TWO_LAYER)],
        lang="en",
        seed=0,
        console=Console(file=out, width=100),
        read_line=lambda prompt: next(lines),
        feedback=False,
    )
    assert result.score == (1, 1)
    assert "✓ (1)" not in out.getvalue() and "Answer recorded." in out.getvalue()
    grade_ = result.grades[0]
    assert grade_ is not None and len(grade_.parts) == 7


def test_the_bank_check_command_names_the_file_line_and_part(tmp_path: Path) -> None:
    _read(tmp_path, 'parts = [{ ask = "Z1", en = "Z1", zh = "Z1" }, { ask = "dZ9", en = "dZ9", zh = "dZ9" }]')
    out = _run(["bank", "check", "--bank", str(tmp_path / "questions"), "--no-coverage", "--jobs", "1"])
    assert out.returncode != 0
    text = out.stdout + out.stderr
    assert "t.toml:2" in text and "backprop.layer.parts-test" in text and "parts[2].ask" in text and "dZ9" in text
