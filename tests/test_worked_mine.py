"""Check my working: `dlquiz example KIND --mine FILE|-` and `dlquiz.worked.mine.check_mine`."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from dlquiz.cli import cli
from dlquiz.errors import ParamError
from dlquiz.worked import generate_example
from dlquiz.worked.mine import check_mine, mine_text

SIG1 = 1 / (1 + math.exp(-1))  # σ(1) = 0.7310585786…


def mine(text: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["example", *args, "--mine", "-"], input=text)
    return result.exit_code, result.stdout + result.stderr


def test_right_values_exit_0_and_are_ticked() -> None:
    code, out = mine("# my working\n\nz = 0\na = 1/2   # a fraction is exact\ndw = -0.5, -1\n", "logreg.step")
    assert code == 0
    assert out.splitlines() == [
        "Checking your working: logreg.step (3 values)",
        " ✓ z  = 0",
        " ✓ a  = 1/2",
        " ✓ dw = -0.5, -1",
        "All 3 right.",
    ]


def test_a_wrong_value_is_shown_beside_the_right_one_and_its_step() -> None:
    code, out = mine("value = 0.732\nderivative = 0.1966\n", "act.eval", "--set", "x=1")
    assert code == 1
    assert out.splitlines() == [
        "Checking your working: act.eval (2 values)",
        f" ✗ value      = 0.732   (right: {SIG1:.6g})",
        " ✓ derivative = 0.1966",
        "",
        f"First wrong: value = 0.732; the right value is {SIG1:.6g}",
        "  it comes from step 1 (Value): σ(x) = 1/(1 + e⁻ˣ) at x = 1: 0.7311",
        "1 of 2 right.",
    ]


@pytest.mark.parametrize(
    ("written", "ok"),
    [
        ("0.731", True),  # σ(1) rounded to 3 decimals
        ("0.7311", True),
        ("0.73106", True),
        ("7.31e-1", True),
        ("0.732", False),  # off by one in the last digit written
        ("0.730", False),
        ("0.7310", False),  # 0.7310586 rounds to 0.7311
        ("0.7", False),  # too few digits to be told apart from 0.66 … 0.75
        ("1", False),
    ],
)
def test_rounding_to_the_digits_written(written: str, ok: bool) -> None:
    report = check_mine(generate_example("act.eval", {"x": 1}), f"value = {written}")
    assert report.all_right is ok
    assert report.checked[0].ok is ok


def test_exact_short_values_are_right() -> None:
    # σ′(0) = 1/4 exactly: one significant digit suffices when the value is exact
    report = check_mine(generate_example("act.eval", {"x": 0}), "value = 0.5\nderivative = 0.25")
    assert report.all_right


def test_too_few_digits_says_so() -> None:
    report = check_mine(generate_example("act.eval", {"x": 1}), "value = 0.7")
    assert report.first_wrong is not None and report.first_wrong.reason == "digits"
    assert "too few digits: write at least 3 significant digits" in mine_text(report)


def test_the_first_wrong_value_is_reported_in_the_order_written() -> None:
    ex = generate_example("logreg.step")  # z = 0, a = 0.5, loss = ln 2, dz = −0.5
    report = check_mine(ex, "loss = 0.693\ndz = 0.5\nz = 1\n")
    assert [c.ok for c in report.checked] == [True, False, False]
    assert report.first_wrong is not None and report.first_wrong.name == "dz"
    assert report.step is not None and report.step.key == "dz" and report.step_index == 4


def test_a_vector_of_the_wrong_shape_is_wrong_and_named() -> None:
    code, out = mine("dw = -0.5\n", "logreg.step")
    assert code == 1
    assert "your dw is a scalar, the computed one is a vector of 2" in out


def test_matrix_values() -> None:
    ex = generate_example("act.eval", {"fn": "relu", "x": "1,-2;0,3"})
    assert check_mine(ex, "value = [[1, 0], [0, 3]]\nderivative = 1,0;0,1").all_right
    assert not check_mine(ex, "derivative = 1,0;1,1").all_right


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("valu = 0.731\n", "--mine line 1: unknown name 'valu' (did you mean value?); valid names: value, derivative"),
        ("\n# c\nvalue 0.731\n", "--mine line 3: 'value 0.731' is not NAME = VALUE (e.g. a = 0.731)"),
        ("value = abc\n", "--mine line 1: value: 'abc' is not a number"),
        ("value = 0.7311\nvalue = 0.7311\n", "--mine line 2: value is already given on line 1"),
        ("# nothing\n", "--mine: no values given"),
    ],
)
def test_bad_input_exits_2_naming_the_line(text: str, message: str) -> None:
    code, out = mine(text, "act.eval", "--set", "x=1")
    assert code == 2
    assert message in out
    assert "Traceback" not in out


def test_mine_reads_a_file(tmp_path: Path) -> None:
    f = tmp_path / "working.txt"
    f.write_text("value = 0.7311\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["example", "act.eval", "--set", "x=1", "--mine", str(f)])
    assert result.exit_code == 0 and "All 1 right." in result.stdout
    result = CliRunner().invoke(cli, ["example", "act.eval", "--mine", str(tmp_path / "missing.txt")])
    assert result.exit_code == 2 and "cannot read" in result.stderr


def test_mine_json() -> None:
    code, out = mine("value = 0.731\nderivative = 0.3\n", "act.eval", "--set", "x=1", "--json")
    assert code == 1
    data = json.loads(out)
    assert data["kind"] == "act.eval" and data["right"] == 1 and data["total"] == 2
    assert [(c["name"], c["line"], c["ok"], c["reason"]) for c in data["checked"]] == [
        ("value", 1, True, ""),
        ("derivative", 2, False, "value"),
    ]
    first = data["first_wrong"]
    assert first["name"] == "derivative" and first["yours"] == 0.3
    assert first["expected"] == pytest.approx(SIG1 * (1 - SIG1))
    assert first["step"]["index"] == 2 and first["step"]["key"] == "derivative"


def test_mine_in_chinese() -> None:
    code, out = mine("value = 0.732\n", "act.eval", "--set", "x=1", "--lang", "zh")
    assert code == 1
    assert out.splitlines()[0] == "核对你的计算：act.eval（共 1 个值）"
    assert f"第一个错误：value = 0.732；正确值为 {SIG1:.6g}" in out
    assert "它来自第 1 步（函数值）" in out
    assert out.splitlines()[-1] == "1 个中对 0 个。"


def test_mine_from_the_library_with_a_mapping() -> None:
    ex = generate_example("softmax", {"o": "1,2,3", "y": 0})
    report = check_mine(ex, {"loss": "2.408", "probs": "0.0900, 0.2447, 0.6652"})
    assert report.all_right
    with pytest.raises(ParamError, match="unknown name 'los'"):
        check_mine(ex, {"los": "2.4"})


def test_entries_of_a_vector_can_be_checked_one_by_one() -> None:
    code, out = mine("dw[1] = -1\ndw[0] = -0.4\n", "logreg.step")
    assert code == 1
    assert " ✓ dw[1] = -1" in out and " ✗ dw[0] = -0.4   (right: -0.5)" in out
    assert "it comes from step 5 (Gradient dw)" in out
    code, out = mine("w_new[2] = 1\n", "logreg.step")
    assert code == 2 and "--mine line 1: w_new[2]: w_new is a vector of 2" in out


def test_true_or_false_values() -> None:
    from dlquiz.worked import WorkedExample

    ex = WorkedExample(kind="toy", params={}, steps=(), answer=True, values={"converged": True, "answer": True})
    assert check_mine(ex, "converged = yes").all_right
    assert check_mine(ex, "converged = true").all_right
    assert not check_mine(ex, "converged = false").all_right
