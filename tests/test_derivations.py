"""The derivation checker: the library passes, broken derivations fail at the right line and rule."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlquiz.errors import DlquizError, ParseError
from dlquiz.symbolic.library import list_derivations, load_derivation
from dlquiz.symbolic.steps import (
    BPTT_RANGE,
    FORGOTTEN_TRANSPOSE,
    MISSING_SIGMA_PRIME,
    NO_BIAS_CORRECTION,
    SIGN_FLIP,
    SOFTMAX_DIAGONAL,
    DerivationReport,
    check_derivation,
    check_item_derivation,
    format_report,
)

# ---------------------------------------------------------------------------- the library

LIBRARY = [d.name for d in list_derivations()]

REQUIRED = {
    "sigmoid-derivative",
    "tanh-derivative",
    "tanh-from-sigmoid",
    "softplus-derivative",
    "softmax-jacobian",
    "softmax-ce-gradient",
    "bce-sigmoid-gradient",
    "mse-gradient",
    "mse-vs-ce-sigmoid",
    "backprop-layer",
    "bptt-rnn",
    "rnn-vanishing-gradient",
    "lstm-cell-gradient",
    "momentum-ewma",
    "adam-bias-correction",
    "gradcheck-two-sided",
    "perceptron-sgd",
}


def test_library_has_the_required_derivations() -> None:
    assert REQUIRED <= set(LIBRARY)


@pytest.mark.parametrize("name", LIBRARY)
def test_library_derivation_passes(name: str) -> None:
    d = load_derivation(name)
    report = check_derivation(d.text, timeout=15.0)
    bad = [s for s in report.steps if s.status not in ("ok", "given")]
    assert report.ok, format_report(report) + "\n" + repr(bad)
    assert report.first_failure is None


@pytest.mark.parametrize("name", LIBRARY)
def test_library_derivation_is_bilingual_and_sourced(name: str) -> None:
    d = load_derivation(name)
    assert d.title.en and d.title.zh
    assert d.source[:3] in {"000", "001", "002", "003", "004"}
    prose = [s.prose for s in d.steps if s.prose is not None]
    assert prose, "a library derivation explains its steps"
    for p in prose:
        assert p.en.strip() and p.zh.strip()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in p.zh), p.zh


def test_unknown_derivation_lists_close_names() -> None:
    with pytest.raises(DlquizError, match="softmax-jacobian"):
        load_derivation("softmax-jacobain")


# ---------------------------------------------------------------------------- broken ones

SIGN_SLIP = """\
let s = sigma(x)
    d/dx (1 + exp(-x))^(-1)
  = -exp(-x)/(1 + exp(-x))^2
  = -s*(1 - s)
"""

NO_SIGMA_PRIME = """\
let a = sigma(z)
    d/dz ((a - y)^2/2)
  = a - y
"""

SOFTMAX_DIAGONAL_ONLY = """\
let p_i = exp(o_i)/sum(exp(o_k), k, 1, K)
    d/do_j p_i
  = p_i*(1 - p_i)
"""

NO_TRANSPOSE = """\
matrix W: n1 x n0
vector a_prev: n0
vector b: n1
vector da: n1
let z = W a_prev + b
let a = sigma(z)
dz = da ⊙ sigma'(z)
dW = dz a_prev
"""

TRANSPOSE_ON_THE_WRONG_SIDE = """\
matrix W: n1 x n0
vector a_prev: n0
vector da: n1
let z = W a_prev
let a = tanh(z)
dz = da ⊙ tanh'(z)
da_prev = W dz
"""

BPTT_SHORT_RANGE = """\
assume T positive integer
let h_t = tanh(W*h_{t-1} + U*x_t)
let P_t = W*(1 - h_{t+1}^2)*P_{t+1}
let P_T = 1
let L = (h_T - y)^2/2
    d/dW L
  = sum((h_T - y)*P_t*(1 - h_t^2)*h_{t-1}, t, 1, T-1)
"""

ADAM_NO_CORRECTION = """\
let v_t = beta*v_{t-1} + (1 - beta)*g
let v_0 = 0
    v_t
  = (1 - beta)*sum(beta^(t-i)*g, i, 1, t)
  = g
"""

CE_WRONG_SIGN = """\
let p_i = exp(o_i)/sum(exp(o_k), k, 1, K)
assume y one-hot over K classes
    d/do_i (-sum(y_k*log(p_k), k, 1, K))
  = -sum(y_k*(delta(i,k) - p_i), k, 1, K)
  = y_i - p_i
"""

WRONG_SIGMA_PRIME_FORM = """\
let s = sigma(x)
    d/dx s
  = s*(1 - s)
  = (1 - s)^2
"""

MATRIX_NO_ACTIVATION_PRIME = """\
matrix W: n1 x n0
vector x: n0
vector da: n1
let z = W x
let a = tanh(z)
dz = da
"""

RNN_MATRIX = """\
matrix W: n x n
matrix U: n x d
vector h0, dh3: n
vector x1, x2, x3: d
let h1 = tanh(W h0 + U x1)
let h2 = tanh(W h1 + U x2)
let h3 = tanh(W h2 + U x3)
let g3 = dh3 ⊙ (1 - h3 ⊙ h3)
let g2 = (W^T g3) ⊙ (1 - h2 ⊙ h2)
let g1 = (W^T g2) ⊙ (1 - h1 ⊙ h1)
"""

BROKEN = [
    # (name, text, failing line, rule)
    ("sign flip", SIGN_SLIP, 3, SIGN_FLIP),
    ("missing σ′", NO_SIGMA_PRIME, 3, MISSING_SIGMA_PRIME),
    ("softmax Jacobian, diagonal only", SOFTMAX_DIAGONAL_ONLY, 3, SOFTMAX_DIAGONAL),
    ("dW = dz a", NO_TRANSPOSE, 8, FORGOTTEN_TRANSPOSE),
    ("da_prev = W dz", TRANSPOSE_ON_THE_WRONG_SIDE, 7, FORGOTTEN_TRANSPOSE),
    ("BPTT sum to T-1", BPTT_SHORT_RANGE, 7, BPTT_RANGE),
    ("Adam without bias correction", ADAM_NO_CORRECTION, 5, NO_BIAS_CORRECTION),
    ("CE gradient with the sign flipped", CE_WRONG_SIGN, 5, SIGN_FLIP),
    # from the shared catalogue (rules.py)
    ("(1 − σ)² for σ′", WRONG_SIGMA_PRIME_FORM, 4, "wrong form of σ′"),
    ("dz = da in matrix form", MATRIX_NO_ACTIVATION_PRIME, 6, MISSING_SIGMA_PRIME),
    ("matrix BPTT without t = 1", RNN_MATRIX + "dW = g3 h2^T + g2 h1^T\n", 11, BPTT_RANGE),
    ("matrix BPTT, W for Wᵀ (square)", RNN_MATRIX + "dh2 = W g3\n", 11, FORGOTTEN_TRANSPOSE),
]


@pytest.mark.parametrize(("name", "text", "line", "rule"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_derivation_fails_at_the_right_line(name: str, text: str, line: int, rule: str) -> None:
    report = check_derivation(text, timeout=10.0)
    assert not report.ok
    assert report.first_failure == line, format_report(report)
    step = next(s for s in report.steps if s.line == line)
    assert step.status == "fail"
    assert step.rule == rule, format_report(report)


def test_shape_error_is_named() -> None:
    report = check_derivation(NO_TRANSPOSE)
    step = next(s for s in report.steps if s.line == 8)
    assert "shape" in step.message
    assert step.culprit == "dz a_prev"


def test_counterexample_really_separates_the_steps() -> None:
    report = check_derivation(SIGN_SLIP)
    step = next(s for s in report.steps if s.line == 3)
    cex = step.counterexample
    assert cex is not None
    x = cex["at"]["x"]
    true = math.exp(-x) / (1 + math.exp(-x)) ** 2  # the oracle: σ′(x) by hand
    assert cex["previous"] == pytest.approx(true, rel=1e-5)
    assert cex["this"] == pytest.approx(-true, rel=1e-5)


def test_later_steps_are_checked_against_each_other() -> None:
    report = check_derivation(SIGN_SLIP)
    last = report.steps[-1]
    assert report.first_failure == 3
    assert last.status == "ok"  # −σ(1 − σ) does follow from −e⁻ˣ/(1 + e⁻ˣ)²
    assert "follows" in last.message


def test_culprit_names_the_changed_subexpression() -> None:
    text = "let s = sigma(x)\n    d/dx s\n  = s*(1 - s)\n  = s*(1 + s)\n"
    report = check_derivation(text)
    step = report.steps[-1]
    assert step.status == "fail"
    assert step.culprit is not None and "-s" in step.culprit


def test_sum_over_classes_is_checked_for_several_sizes() -> None:
    # true for K = 2 only: Σ_k y_k = 1 and 1 − y_1 = y_2 hold just for two classes
    text = "assume y one-hot over K classes\n    1 - y_1\n  = sum(y_k, k, 1, K) - y_1\n  = y_2\n"
    report = check_derivation(text)
    assert report.first_failure == 4
    assert report.steps[-1].counterexample is not None
    assert report.steps[-1].counterexample["at"]["K"] > 2


def test_equation_lines_are_steps() -> None:
    report = check_derivation("d/dx x^3 = 3*x^2\nd/dx x^2 = x\n")
    assert [s.status for s in report.steps] == ["ok", "fail"]
    assert report.first_failure == 2


def test_latex_steps() -> None:
    text = "let s = sigma(x)\n    \\frac{d}{dx} \\sigma(x)\n  = \\frac{e^{-x}}{(1 + e^{-x})^2}\n  = s(1 - s)\n"
    assert check_derivation(text).ok


def test_assumptions_restrict_the_sample_points() -> None:
    # log(x²) = 2 log(x) only for x > 0; without the assumption a negative x breaks it
    text = "    log(x^2)\n  = 2*log(x)\n"
    assert check_derivation("assume x > 0\n" + text).ok
    assert not check_derivation(text).ok


def test_batch_gradients_against_finite_differences() -> None:
    # J is the mean over m columns, so dZ already carries 1/m and dW needs no second 1/m
    head = """\
matrix W: n1 x n0
matrix A_prev: n0 x m
vector b: n1
matrix Y: n1 x m
let Z = W A_prev + b
let A = sigma(Z)
let J = (A - Y) ⊙ (A - Y) / (2 m)
dZ = (A - Y) ⊙ A ⊙ (1 - A) / m
dW = dZ A_prev^T
db = rowsum(dZ)
dA_prev = W^T dZ
"""
    assert check_derivation(head).ok
    report = check_derivation(head + "dW = dZ A_prev^T / m\n")
    assert report.first_failure == 12
    assert report.steps[-1].counterexample is not None


def test_matrix_gradient_of_wrong_shape() -> None:
    text = NO_TRANSPOSE.replace("dW = dz a_prev", "dW = a_prev dz^T")
    report = check_derivation(text)
    step = report.steps[-1]
    assert step.status == "fail"
    assert "shape" in step.message and step.rule == FORGOTTEN_TRANSPOSE


def test_tiny_time_limit_gives_undecided_not_a_hang() -> None:
    d = load_derivation("softmax-ce-gradient")
    report = check_derivation(d.text, timeout=0.001)
    assert not report.ok
    assert report.first_failure is None
    assert report.undecided
    assert any(s.status == "undecided" for s in report.steps)


def test_latex_partial_of_a_defined_loss() -> None:
    text = r"""
let p_i = exp(o_i)/sum(exp(o_k), k, 1, K)
let L = -sum(y_k*log(p_k), k, 1, K)
let \hat{y}_i = p_i
assume y one-hot over K classes
    \frac{\partial L}{\partial o_i}
  = \hat{y}_i - y_i
  = \hat{y}_i + y_i
"""
    report = check_derivation(text, timeout=10.0)
    assert [s.status for s in report.steps][-2:] == ["ok", "fail"]
    assert report.first_failure == 8


# ---------------------------------------------------------------------------- bad input

MALFORMED = [
    ("let s = sigma(x\n d/dx s\n = s*(1-s)\n", 1),
    ("let s = sigma(x)\n d/dx s\n = s*(1 - )\n", 3),
    ("# title\n\n= x + 1\n", 3),
    ("matrix W: n1\nvector x: n0\nW x = W x\n", 1),
    ("let s = sigma(x)\nassume x is shiny\n d/dx s\n = s*(1-s)\n", 2),
    ("matrix W: n1 x n0\nvector x: n0\n W x = W $ x\n", 3),
    ("matrix W: n1 x n0\nvector x: n0\nlet z = W x\n dz = dz\n dq = W x\n", 5),
]


@pytest.mark.parametrize(("text", "line"), MALFORMED)
def test_malformed_line_is_reported_with_its_number(text: str, line: int) -> None:
    with pytest.raises(ParseError, match=rf"^line {line}\b") as info:
        check_derivation(text)
    assert getattr(info.value, "line", None) == line


def test_malformed_column_points_into_the_line() -> None:
    with pytest.raises(ParseError) as info:
        check_derivation("let s = sigma(x)\n d/dx s\n = s*(1 - )\n")
    assert info.value.column is not None
    assert 8 <= info.value.column <= 12  # the ')' after the dangling '-'


FRAGMENTS = [
    "let s = sigma(x)",
    "let p_i = exp(o_i)/sum(exp(o_k), k, 1, K)",
    "let h_0 = 0",
    "let h_t = tanh(W*h_{t-1} + U*x_t)",
    "assume y one-hot over K classes",
    "assume x > 0",
    "matrix W: n1 x n0",
    "vector a: n0",
    "d/dx s",
    "= s*(1 - s)",
    "= sum(y_k, k, 1, K)",
    "= p_i - y_i",
    "= h_T",
    "dW = dz a^T",
    "= W^T",
    "s*(1 -",
    "= 1/0",
    "= x^x^x",
    "= )(",
    "# comment",
    "",
    "= d/do_j p_i",
    "let = 3",
    "assume nonsense here",
    "\\frac{1}{",
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=6))
def test_any_input_gives_a_report_or_a_clean_error(lines: list[str]) -> None:
    try:
        report = check_derivation("\n".join(lines), timeout=0.3)
    except DlquizError as exc:
        assert str(exc)
    else:
        assert all(s.status in ("ok", "fail", "error", "undecided", "given") for s in report.steps)


def test_no_steps_is_an_error() -> None:
    with pytest.raises(DlquizError, match="no steps"):
        check_derivation("# only a comment\nlet s = sigma(x)\n")


# ---------------------------------------------------------------------------- quiz items

SIGMOID_ITEM: dict[str, Any] = dict(given=["s = sigma(x)"], start="d/dx sigma(x)", goal="s*(1 - s)")


@pytest.mark.parametrize(
    ("steps", "ok", "first_failure"),
    [
        (["exp(-x)/(1 + exp(-x))^2", "s*(1 - s)"], True, None),
        ("exp(-x)/(1 + exp(-x))^2\ns*(1 - s)\n", True, None),
        (["d/dx sigma(x)", "= exp(-x)/(1 + exp(-x))^2", "= s*(1 - s)"], True, None),
        (["sigma(x)*(1 - sigma(x))"], True, None),
        (["exp(-x)/(1 + exp(-x))^2", "s*(1 + s)"], False, 2),
        (["exp(x)/(1 + exp(-x))^2", "s*(1 - s)"], False, 1),
    ],
)
def test_item_derivation(steps: list[str] | str, ok: bool, first_failure: int | None) -> None:
    report = check_item_derivation(steps=steps, **SIGMOID_ITEM)
    assert isinstance(report, DerivationReport)
    assert report.ok is ok, format_report(report)
    assert report.first_failure == first_failure


def test_item_derivation_must_reach_the_goal() -> None:
    report = check_item_derivation(steps=["exp(-x)/(1 + exp(-x))^2"], **SIGMOID_ITEM)
    assert not report.ok
    assert report.steps[-1].status == "fail"
    assert "goal" in report.steps[-1].message


def test_item_derivation_malformed_student_line_is_a_step_error() -> None:
    report = check_item_derivation(steps=["exp(-x)/(1 + exp(-x))^2", "s*(1 - "], **SIGMOID_ITEM)
    assert not report.ok
    assert report.first_failure is None  # unreadable, not wrong: the quiz asks again
    assert not report.undecided
    assert report.steps[-1].status == "error"
    assert "line 2" in report.steps[-1].message


def test_item_derivation_with_sums() -> None:
    report = check_item_derivation(
        given=["p_i = exp(o_i)/sum(exp(o_k), k, 1, K)", "assume y one-hot over K classes"],
        start="d/do_i (-sum(y_k*log(p_k), k, 1, K))",
        goal="p_i - y_i",
        steps=["-sum(y_k*(delta(i,k) - p_i), k, 1, K)", "p_i - y_i"],
        timeout=10.0,
    )
    assert report.ok, format_report(report)


LAYER_GIVEN = ["matrix W: n1 x n0", "vector a_prev: n0", "vector da: n1", "let z = W a_prev", "let a = sigma(z)"]


@pytest.mark.parametrize(
    ("steps", "ok", "first_failure"),
    [
        (["(da ⊙ sigma'(z)) a_prev^T"], True, None),
        (["dz a_prev^T", "(da ⊙ a ⊙ (1 - a)) a_prev^T"], True, None),
        (["dz a_prev"], False, 1),
        (["dz a_prev^T", "da a_prev^T"], False, 2),
    ],
)
def test_matrix_item_derivation(steps: list[str], ok: bool, first_failure: int | None) -> None:
    report = check_item_derivation(given=LAYER_GIVEN, start="dW", goal="dz a_prev^T", steps=steps)
    assert report.ok is ok, format_report(report)
    assert report.first_failure == first_failure


def test_matrix_item_report_lists_the_start_and_the_student_lines() -> None:
    report = check_item_derivation(
        given=LAYER_GIVEN, start="da_prev", goal="W^T dz", steps=["W^T dz", "W^T (da ⊙ sigma'(z))"]
    )
    assert report.ok
    assert [(s.line, s.status) for s in report.steps] == [(0, "given"), (1, "ok"), (2, "ok")]


def test_report_round_trips_to_json() -> None:
    import json

    report = check_derivation(SIGN_SLIP)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["ok"] is False
    assert data["first_failure"] == 3
    assert {"line", "text", "pretty", "status", "message", "counterexample", "rule", "culprit"} <= set(data["steps"][0])


def test_format_report_marks_each_step() -> None:
    text = format_report(check_derivation(SIGN_SLIP))
    assert "✗   3" in text and "✓   4" in text
    zh = format_report(check_derivation(SIGN_SLIP), lang="zh")
    assert "第 3 行" in zh
