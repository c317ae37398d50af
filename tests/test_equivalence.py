"""Answer equivalence: verdict tables by syllabus topic, errata, mistakes and wrong rules,
assumptions, domain-only answers, the `dlquiz equiv` command and its batch mode.
"""

from __future__ import annotations

import io
import json
import math
import threading
from pathlib import Path
from typing import Any

import pytest
import sympy
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlquiz.errors import ParseError
from dlquiz.symbolic.assumptions import build_context, parse_assumption
from dlquiz.symbolic.equivalence import AnswerCheck, Verdict, check_answer, check_equivalence
from dlquiz.symbolic.slips import SLIPS as RULES
from dlquiz.symbolic.slips import matrix_transpose_variants as transpose_variants

EQ, NE, DOM, UND, ERR = (Verdict.EQUAL, Verdict.NOT_EQUAL, Verdict.DOMAIN_ONLY, Verdict.UNDECIDED, Verdict.ERROR)
CASES_FILE = Path(__file__).resolve().parent.parent / "bench" / "equiv_cases.jsonl"


def check(expected: str, given: str, *assume: str, **kw: Any) -> AnswerCheck:
    """The one helper every table uses."""
    return check_equivalence(expected=expected, given=given, assumptions=assume, **kw)


# (expected, given, assumptions, verdict)
TABLE: list[tuple[str, str, tuple[str, ...], Verdict]] = [
    # --- act.sigmoid
    ("sigma(x)*(1-sigma(x))", "exp(-x)/(1+exp(-x))^2", (), EQ),
    ("d/dx sigma(x)", "sigma(x)*(1-sigma(x))", (), EQ),
    ("sigma(-x)", "1 - sigma(x)", (), EQ),
    ("d/dx sigma(x)", "(1-sigma(x))^2", (), NE),
    ("d/dx sigma(x)", "sigma(x)*(1+sigma(x))", (), NE),
    (r"\frac{1}{1+e^{-x}}", "sigma(x)", (), EQ),
    ("sigma(x)", "sigma(x) + 10^-12", (), NE),  # near miss far below float noise
    ("sigma(x)", "sigma(x)*(1 + 10^-20)", (), NE),
    # --- act.tanh (erratum 000: e^x + e^x in the denominator)
    ("tanh(x)", "2 sigma(2x) - 1", (), EQ),
    ("tanh(x)", "(e^x - e^-x)/(e^x + e^-x)", (), EQ),
    ("tanh(x)", "(e^x - e^-x)/(e^x + e^x)", (), NE),
    ("d/dx tanh(x)", "1 - tanh(x)^2", (), EQ),
    ("d/dx tanh(x)", "1 - tanh(x)", (), NE),
    # --- act.relu / act.leaky (erratum 004: slope 0.1 vs 0.01)
    ("relu(x)", "max(0, x)", (), EQ),
    ("relu(x)", "(x + |x|)/2", (), EQ),
    ("relu(x)", "x", (), DOM),
    ("relu(x)", "x", ("x>0",), EQ),
    ("leaky_relu(x)", "max(x, 0.01x)", (), EQ),
    ("leaky_relu(x)", "max(x, 0.1x)", (), DOM),
    ("leaky_relu(x)", "leaky_relu(x, 0.1)", ("x<0",), NE),
    # --- act.elu, act.softplus, act.swish-gelu
    ("elu(x)", "exp(x) - 1", ("x<0",), EQ),
    ("d/dx softplus(x)", "sigma(x)", (), EQ),
    ("softplus(x) - softplus(-x)", "x", (), EQ),
    ("softplus(x)", "log(1 + exp(-x))", (), NE),
    ("gelu(x)", "x*(1 + erf(x/sqrt(2)))/2", (), EQ),
    ("gelu(x)", "x*sigma(1.702x)", (), NE),  # an approximation is not the function
    ("swish(x)", "x/(1+exp(-x))", (), EQ),
    # --- loss.bce / loss.ce / loss.mse
    ("d/dz (-(y*log(sigma(z)) + (1-y)*log(1-sigma(z))))", "sigma(z) - y", (), EQ),
    ("d/dz (-(y*log(sigma(z)) + (1-y)*log(1-sigma(z))))", "y - sigma(z)", (), NE),
    ("-log(p)", "log(1/p)", ("0<p<1",), EQ),
    ("sum(y_k, k, 1, K)", "sum(y_k, k, 1, K-1) + y_K", (), EQ),
    ("sum(y_k, k, 1, K)", "sum(y_k, k, 0, K)", (), NE),
    ("sum(k, k, 1, K)", "K(K+1)/2", (), EQ),
    (
        "y1*log(p1) + y2*log(p2) + y3*log(p3)",
        "y1*log(p1) + y2*log(p2) + (1-y1-y2)*log(p3)",
        ("y1+y2+y3=1", "0<p<1"),
        EQ,
    ),
    ("d/da (1/2*(a-y)^2)", "a - y", (), EQ),
    ("d/da (1/2*(a-y)^2)", "2(a - y)", (), NE),
    # --- softmax.grad
    ("exp(o_1)/(exp(o_1)+exp(o_2))", "sigma(o_1 - o_2)", (), EQ),
    ("d/do_i (-log(softmax(o_i)))", "softmax(o_i) - 1", (), EQ),
    ("softmax(o)_i - y_i", "y_i - softmax(o)_i", (), NE),
    ("p_i*(delta(i,j) - p_j)", "p_i*delta(i,j) - p_i*p_j", (), EQ),
    ("p_i*(delta(i,j) - p_j)", "p_i*(1 - p_i)", (), DOM),  # right on the diagonal only
    ("delta(i,j)", "delta(i,j)*1.0000000001", (), DOM),
    # --- backprop.layer (erratum 004: dW = dz·a_prevᵀ averaged over m)
    ("dz*a_prev/m", "dz*a_prev", (), NE),
    ("da*sigma(z)*(1-sigma(z))", "da*sigma'(z)", (), EQ),
    # --- opt.ewma / opt.rmsprop / opt.adam (erratum 004: ε in the denominator)
    ("beta*v + (1-beta)*theta", "v + (1-beta)*(theta - v)", (), EQ),
    ("beta*v + (1-beta)*theta", "(1-beta)*v + beta*theta", (), NE),
    ("w - alpha*g/(sqrt(s) + epsilon)", "w - alpha*g/sqrt(s)", ("s>0", "epsilon>0"), NE),
    ("m/(1-beta_1^t)", "m/(1 - beta1^t)", (), EQ),
    (
        "w - alpha*(m/(1-beta_1^t))/(sqrt(s/(1-beta_2^t)) + epsilon)",
        "w - alpha*(m/(1-beta_1^t))/sqrt(s/(1-beta_2^t))",
        ("s>0", "epsilon>0", "0<beta_1<1", "0<beta_2<1", "t positive integer"),
        NE,
    ),
    # --- opt.lr-decay (erratum 004: t is the iteration number), gradcheck
    ("k/sqrt(t)*alpha_0", "k*alpha_0/sqrt(t)", ("t>0",), EQ),
    ("((theta+epsilon)^3 - (theta-epsilon)^3)/(2epsilon)", "3theta^2 + epsilon^2", ("epsilon>0",), EQ),
    ("((theta+epsilon)^3 - (theta-epsilon)^3)/(2epsilon)", "3theta^2", ("epsilon>0",), NE),
    # --- conv.size, conv.dilated
    ("floor((n+2p-f)/s) + 1", "floor((n+2p-f+s)/s)", ("n, p, f, s positive integer",), EQ),
    ("K + (K-1)(D-1)", "D(K-1) + 1", (), EQ),
    ("K + (K-1)(D-1)", "K*D", (), NE),
    # --- domains
    ("x", "sqrt(x^2)", (), DOM),
    ("x", "sqrt(x^2)", ("x>0",), EQ),
    ("x", "sqrt(x^2)", ("x<0",), NE),
    ("log(x^2)", "2 log(x)", (), DOM),
    ("log(x*y)", "log(x) + log(y)", ("x>0", "y>0"), EQ),
    # --- exact numbers
    ("1/3", "0.333333333", (), NE),
    ("pi", "3.14159265358979", (), NE),
    # --- unknown functions
    (r"\frac{\partial L}{\partial o_i}", "softmax(o)_i - y_i", (), UND),
]


@pytest.mark.parametrize("expected,given_,assume,verdict", TABLE, ids=[f"{t[0]} ~ {t[1]}"[:60] for t in TABLE])
def test_verdicts(expected: str, given_: str, assume: tuple[str, ...], verdict: Verdict) -> None:
    res = check(expected, given_, *assume)
    assert res.verdict is verdict, res.message
    if verdict is not EQ:
        assert res.message


def _sig(v: float) -> float:
    return 1 / (1 + math.exp(-v))


# the oracle: plain Python math written by hand for each formula
@pytest.mark.parametrize(
    "expected,given_,py_expected,py_given",
    [
        (
            "tanh(x)",
            "(e^x - e^-x)/(e^x + e^x)",
            lambda x: math.tanh(x),
            lambda x: (math.exp(x) - math.exp(-x)) / (2 * math.exp(x)),
        ),
        ("sigma(x)*(1-sigma(x))", "(1-sigma(x))^2", lambda x: _sig(x) * (1 - _sig(x)), lambda x: (1 - _sig(x)) ** 2),
        ("x*y + 1", "x*y - 1", lambda x, y: x * y + 1, lambda x, y: x * y - 1),
    ],
)
def test_counterexample_is_a_real_counterexample(expected: str, given_: str, py_expected: Any, py_given: Any) -> None:
    res = check(expected, given_)
    assert res.verdict is NE
    cx = res.counterexample
    assert cx is not None
    point = {k: float(v) for k, v in cx["point"].items()}
    e = py_expected(**point)
    g = py_given(**point)
    assert not math.isclose(e, g, rel_tol=1e-9)
    assert math.isclose(float(cx["expected"]), e, rel_tol=1e-4)
    assert math.isclose(float(cx["given"]), g, rel_tol=1e-4)


def test_domain_only_says_where() -> None:
    res = check("x", "sqrt(x^2)")
    assert res.verdict is DOM
    assert "equal for x > 0" in res.message
    assert res.counterexample is not None
    assert float(res.counterexample["point"]["x"]) < 0
    res = check("relu(x)", "0")
    assert res.verdict is DOM and "x < 0" in res.message


def test_kronecker_delta_says_where() -> None:
    assert "equal for i = j" in check("p_i*(delta(i,j) - p_j)", "p_i*(1 - p_i)").message
    assert "equal for i ≠ j" in check("p_i*(delta(i,j) - p_j)", "-p_i*p_j").message


def test_near_miss_shows_enough_digits() -> None:
    res = check("x", "x*(1 + 10^-12)")
    assert res.verdict is NE
    cx = res.counterexample
    assert cx is not None and cx["expected"] != cx["given"]


def test_seed_makes_points_reproducible() -> None:
    a = check("x^2", "x^3", seed=7)
    b = check("x^2", "x^3", seed=7)
    c = check("x^2", "x^3", seed=8)
    assert a.counterexample == b.counterexample
    assert a.counterexample != c.counterexample


def test_parse_error_is_error_verdict_with_column() -> None:
    res = check("sigma(x)", "sigm(x)")
    assert res.verdict is ERR
    assert res.column == 1
    assert "did you mean 'sigma'" in res.message
    res = check("x", "x + ")
    assert res.verdict is ERR and res.column == 5


def test_bad_reference_is_reported_as_reference() -> None:
    res = check("x +* 1", "x")
    assert res.verdict is ERR and res.message.startswith("reference:")


def test_accepts_sympy_objects() -> None:
    x = sympy.Symbol("x")
    res = check_equivalence(expected=x**2 - 1, given=(x - 1) * (x + 1))
    assert res.verdict is EQ


def test_let_and_latex_flags() -> None:
    assert check("s*(1-s)", "exp(-x)/(1+exp(-x))^2", let={"s": "sigma(x)"}).verdict is EQ
    assert check("xy", "x*y", latex=True).verdict is EQ


def test_to_dict_is_json_ready() -> None:
    res = check("x", "sqrt(x^2)")
    d = json.loads(json.dumps(res.to_dict()))
    assert d["verdict"] == "domain_only"
    assert d["counterexample"]["point"]
    assert d["ms"] >= 0


@pytest.mark.timeout(20)
def test_pathological_input_stays_within_the_time_limit() -> None:
    heavy = "*".join(f"(x^{k} + y^{k} + z + {k})" for k in range(1, 30))
    res = check(heavy, f"({heavy})*(1 + 10^-20)", timeout=2.0)
    assert res.verdict is NE
    swapped = "*".join(f"({k} + z + y^{k} + x^{k})" for k in range(29, 0, -1))
    res = check(heavy, swapped, timeout=2.0)
    assert res.verdict in (EQ, UND)
    res = check("x", "x + 10^-30")  # below the sampling tolerance: the proof sees it
    assert res.verdict is NE and "constant" in res.message


def test_works_outside_the_main_thread() -> None:
    out: list[AnswerCheck] = []
    t = threading.Thread(target=lambda: out.append(check("tanh(x)", "2 sigma(2x) - 1")))
    t.start()
    t.join(30)
    assert out and out[0].verdict is EQ


# --------------------------------------------------------------------------- mistakes and rules
RULE_CASES = [
    ("sigma(x)*(1-sigma(x))", "(1-sigma(x))^2", "wrong form of σ′"),
    ("sigma(x)*(1-sigma(x))", "sigma(x)*(1+sigma(x))", "wrong form of σ′"),
    ("(sigma(z)-y)*sigma(z)*(1-sigma(z))", "sigma(z)-y", "missing σ′ factor"),
    ("p_i*(delta(i,j) - p_j)", "p_i*(1-p_i)", "softmax Jacobian without off-diagonal terms"),
    ("softmax(o)_i - y_i", "y_i - softmax(o)_i", "p − y sign flipped (y − p)"),
    ("a - y", "2(a - y)", "dropped ½ / factor 2"),
    ("dz*a_prev/m", "dz*a_prev", "missing 1/m"),
    ("1 - tanh(x)^2", "1 - tanh(x)", "tanh′ as 1 − tanh (not squared)"),
    ("m/(1-beta_1^t)", "m", "missing bias correction in Adam"),
    ("beta*v + (1-beta)*theta", "(1-beta)*v + beta*theta", "β instead of 1 − β in the moving average"),
    ("g/(sqrt(s) + epsilon)", "g/sqrt(s)", "ε missing from the denominator"),
    ("sum(W^(t-k)*x_k, k, 1, t)", "sum(W^(t-k)*x_k, k, 0, t)", "wrong BPTT time range"),
    ("leaky_relu(x)", "leaky_relu(x, 0.1)", "Leaky ReLU slope 0.1 instead of 0.01"),
    # the reference as a derivative: the rule sees the derivative carried out
    ("d/dz (1/2*(sigma(z)-y)^2)", "sigma(z) - y", "missing σ′ factor"),
    ("d/dx tanh(x)", "1 - tanh(x)", "tanh′ as 1 − tanh (not squared)"),
    ("-log(p)", "log(p)", "sign error"),
]


@pytest.mark.parametrize("expected,given_,rule", RULE_CASES, ids=[r[2] for r in RULE_CASES])
def test_wrong_rules_are_recognised(expected: str, given_: str, rule: str) -> None:
    res = check_answer(expected=expected, given=given_)
    assert res.verdict in (NE, DOM)
    assert res.rule == rule
    assert res.rule_message and res.rule_message_zh


def test_every_rule_has_both_languages() -> None:
    for r in RULES:
        assert r.name and r.en and r.zh
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r.zh)
        assert r.message("zh") == r.zh and r.message("en") == r.en


def test_transpose_hook() -> None:
    n, m = sympy.symbols("n m")
    W = sympy.MatrixSymbol("W", n, m)
    dz = sympy.MatrixSymbol("dz", n, 1)
    assert transpose_variants(W.T * dz) == [W * dz]
    assert transpose_variants(sympy.MatrixSymbol("A", 3, 2).T * sympy.MatrixSymbol("b", 3, 1)) == []


def test_right_answer_matches_no_rule() -> None:
    res = check_answer(expected="sigma(x)*(1-sigma(x))", given="exp(-x)/(1+exp(-x))^2")
    assert res.verdict is EQ and res.rule is None and res.mistake is None


def test_mistakes_by_index() -> None:
    mistakes = ["(1-sigma(x))^2", "sigma(x)*(1+sigma(x))"]
    res = check_answer(expected="sigma(x)*(1-sigma(x))", given="sigma(x)+sigma(x)^2", mistakes=mistakes)
    assert res.mistake == 1
    res = check_answer(expected="sigma(x)*(1-sigma(x))", given="1-2sigma(x)+sigma(x)^2", mistakes=mistakes)
    assert res.mistake == 0
    res = check_answer(expected="sigma(x)*(1-sigma(x))", given="sigma(x)", mistakes=mistakes)
    assert res.mistake is None


def test_check_answer_parse_error_is_never_wrong() -> None:
    res = check_answer(expected="x", given="x +", mistakes=["x"])
    assert res.verdict is ERR and res.mistake is None and res.column == 4


# --------------------------------------------------------------------------- assumptions
@pytest.mark.parametrize(
    "text,kind,names",
    [
        ("x>0", "bounds", ("x",)),
        ("0<p<1", "bounds", ("p",)),
        ("1 > p > 0", "bounds", ("p",)),
        ("x real", "type", ("x",)),
        ("n positive integer", "type", ("n",)),
        ("x, y > 0", "bounds", ("x", "y")),
        ("y1+y2+y3=1", "equation", ("y_1", "y_2", "y_3")),
        ("y1 in {0,1}", "set", ("y_1",)),
        ("p ∈ (0, 1)", "bounds", ("p",)),
        ("x != 0", "nonzero", ("x",)),
    ],
)
def test_parse_assumption(text: str, kind: str, names: tuple[str, ...]) -> None:
    a = parse_assumption(text)
    assert a.kind == kind and a.names == names


@pytest.mark.parametrize(
    "text", ["", "x >", "x lovely", "0 < p < -1", "x in {}", "sigm > 0", "x = x", "1 < x > 2", "x.__class__ > 0"]
)
def test_bad_assumption(text: str) -> None:
    with pytest.raises(ParseError):
        parse_assumption(text)


def test_bad_assumption_is_error_verdict() -> None:
    res = check("x", "x", "x lovely")
    assert res.verdict is ERR and "assumption" in res.message


def test_context_domains() -> None:
    ctx = build_context(["0<p<1", "p>0.5", "n positive integer"])
    assert ctx.domain("p").low == sympy.Rational(1, 2) and ctx.domain("p").high == 1
    assert ctx.domain("n").integer
    assert ctx.domain("p_3").high == 1  # subscripts share the base's domain


# --------------------------------------------------------------------------- properties
_X, _Y = sympy.symbols("x y")


def _calc(e: sympy.Expr) -> str:
    return str(sympy.sstr(e)).replace("**", "^")


polys = st.lists(st.tuples(st.integers(-4, 4), st.integers(0, 3), st.integers(0, 2)), min_size=1, max_size=4).map(
    lambda terms: sympy.Add(*[c * _X**i * _Y**j for c, i, j in terms])
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(polys, polys)
def test_rewrites_stay_equal(p: sympy.Expr, q: sympy.Expr) -> None:
    e = p * q + 1
    assert check(_calc(e), _calc(sympy.expand(e))).verdict is EQ
    assert check(_calc(sympy.expand(e)), _calc(sympy.factor(e))).verdict is EQ


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(polys, polys)
def test_perturbations_are_not_equal(p: sympy.Expr, q: sympy.Expr) -> None:
    e = sympy.expand(p * q + _X)
    assert check(_calc(e), _calc(e + 1)).verdict is NE
    if e != 0:
        assert check(_calc(e), _calc(-e)).verdict in (NE, DOM)


# --------------------------------------------------------------------------- the CLI
def _cli(*args: str, input: str | None = None) -> Any:
    from dlquiz.cli import cli

    return CliRunner().invoke(cli, ["equiv", *args], input=input)


@pytest.mark.parametrize(
    "args,code",
    [
        (("sigma(x)*(1-sigma(x))", "exp(-x)/(1+exp(-x))^2"), 0),
        (("tanh(x)", "(e^x-e^-x)/(e^x+e^x)"), 1),
        (("x", "sqrt(x^2)"), 1),
        (("x", "sqrt(x^2)", "--assume", "x>0"), 0),
        (("x", "sigm(x)"), 2),
        (("x", "x", "--assume", "x lovely"), 2),
        ((r"\frac{\partial L}{\partial o_i}", "p_i"), 3),
    ],
)
def test_cli_exit_codes(args: tuple[str, ...], code: int) -> None:
    res = _cli(*args)
    assert res.exit_code == code, res.output


def test_cli_human_output() -> None:
    res = _cli("tanh(x)", "(e^x-e^-x)/(e^x+e^x)")
    lines = res.output.splitlines()
    assert lines[0] == "reference interpreted as:  tanh(x)"
    assert lines[1].startswith("candidate interpreted as:  ")
    assert lines[2].startswith("verdict:                   NOT EQUAL — differs at x = ")
    assert "NOT EQUAL" in res.output
    assert "counterexample" in res.output


def test_cli_parse_error_points_at_column() -> None:
    res = _cli("x", "x + sigm(x)")
    assert res.exit_code == 2
    assert "unknown name 'sigm' at column 5; did you mean 'sigma'?" in res.output
    assert "    ^" in res.output


def test_cli_json() -> None:
    res = _cli("sigma(x)*(1-sigma(x))", "(1-sigma(x))^2", "--json")
    d = json.loads(res.output)
    assert d["verdict"] == "not_equal"
    assert d["rule"] == "wrong form of σ′"
    assert set(d["counterexample"]) == {"point", "expected", "given"}


def test_cli_rule_in_chinese() -> None:
    res = _cli("a - y", "2(a-y)", "--lang", "zh")
    assert "½(a − y)² 对 a 求导" in res.output


def test_cli_needs_two_formulas() -> None:
    res = _cli("x")
    assert res.exit_code == 2 and "REFERENCE and CANDIDATE" in res.output


def test_cli_help_has_example() -> None:
    res = _cli("--help")
    assert res.exit_code == 0 and "dlquiz equiv 'x' 'sqrt(x^2)' --assume 'x>0'" in res.output


BATCH = (
    "\n".join(
        [
            json.dumps({"id": "a", "reference": "x^2-1", "candidate": "(x-1)(x+1)"}),
            "{not json",
            json.dumps({"id": "c", "reference": "x", "candidate": "sqrt(x^2)", "assume": ["x>0"]}),
            json.dumps({"id": "d", "reference": "x"}),
            "",
            json.dumps({"id": "e", "reference": r"\frac{1}{2}", "candidate": "0.5", "latex": True}),
            json.dumps({"id": "f", "reference": "x", "candidate": "x+"}),
            json.dumps({"id": "g", "reference": "x", "candidate": "y", "assume": "x>0"}),
        ]
    )
    + "\n"
)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cli_batch(jobs: str) -> None:
    res = _cli("--batch", "-", "--jobs", jobs, input=BATCH)
    assert res.exit_code == 2, res.output  # four lines cannot be read: exit 2, as grade --batch
    rows = [json.loads(line) for line in res.output.splitlines()]
    assert [r["line"] for r in rows] == [1, 2, 3, 4, 6, 7, 8]
    assert [r["verdict"] for r in rows] == ["equal", "error", "equal", "error", "equal", "error", "error"]
    assert rows[1]["message"].startswith("line 2: invalid JSON")
    assert "'candidate' must be a string" in rows[3]["message"]
    assert rows[5]["column"] == 3
    assert "'assume' must be a list" in rows[6]["message"]
    assert all("ms" in r for r in rows)


def test_cli_batch_file_and_args_conflict(tmp_path: Path) -> None:
    f = tmp_path / "c.jsonl"
    f.write_text(BATCH, encoding="utf-8")
    assert _cli("x", "x", "--batch", str(f)).exit_code == 2
    res = _cli("--batch", str(f), "--jobs", "1")
    assert res.exit_code == 2 and len(res.output.splitlines()) == 7
    good = tmp_path / "good.jsonl"
    good.write_text('{"id": 1, "reference": "x", "candidate": "x + 1"}\n', encoding="utf-8")
    assert _cli("--batch", str(good)).exit_code == 0  # read, whatever the verdict


# --------------------------------------------------------------------------- the bench cases
def test_bench_cases_match_their_expected_verdicts() -> None:
    from dlquiz.cli.equiv_cmd import run_batch

    lines = CASES_FILE.read_text(encoding="utf-8").splitlines()
    cases = [json.loads(line) for line in lines if line.strip()]
    assert len(cases) >= 150
    out = io.StringIO()
    run_batch(io.StringIO("\n".join(lines) + "\n"), 2, 3.0, 0, out)
    results = [json.loads(r) for r in out.getvalue().splitlines()]
    wrong = [
        (c["id"], c["expect"], r["verdict"]) for c, r in zip(cases, results, strict=True) if c["expect"] != r["verdict"]
    ]
    assert wrong == []
    expects = {c["expect"] for c in cases}
    assert {"equal", "not_equal", "domain_only", "undecided", "error"} <= expects


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("xy+-*/^()0123456789.e σ_|,")), max_size=25))
def test_any_candidate_text_gets_a_verdict(text: str) -> None:
    res = check_answer(expected="x*y + 1", given=text, timeout=2.0)
    assert isinstance(res.verdict, Verdict)
    if res.verdict is ERR:
        assert res.message


def test_sums_with_a_symbolic_limit_are_checked_for_every_k_from_2_to_8() -> None:
    # equal for K = 2..7, wrong for K = 8 only: must not pass
    res = check("sum(k, k, 1, K)", "K(K+1)/2 + (K-2)(K-3)(K-4)(K-5)(K-6)(K-7)")
    assert res.verdict is not EQ
    assert res.counterexample is not None and res.counterexample["point"]["K"] == "8"


# --------------------------------------------------------------------------- engine parts
@pytest.mark.parametrize(
    "text,oracle",
    [
        ("sigma(x)", lambda x: 1 / (1 + math.exp(-x))),
        ("d/dx sigma(x)", lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2),
        ("softplus(x)", lambda x: math.log1p(math.exp(x))),
        ("d/dx softplus(x)", lambda x: 1 / (1 + math.exp(-x))),
        ("Phi(x)", lambda x: 0.5 * (1 + math.erf(x / math.sqrt(2)))),
        ("gelu(x)", lambda x: x * 0.5 * (1 + math.erf(x / math.sqrt(2)))),
        ("swish(x)", lambda x: x / (1 + math.exp(-x))),
        ("leaky_relu(x)", lambda x: x if x >= 0 else 0.01 * x),
        ("elu(x)", lambda x: x if x > 0 else math.expm1(x)),
        ("relu(x)", lambda x: max(0.0, x)),
        ("tanh'(x)", lambda x: 1 - math.tanh(x) ** 2),
        ("sum(x^k, k, 0, 4)", lambda x: 1 + x + x**2 + x**3 + x**4),
        ("floor(3x)", lambda x: math.floor(3 * x)),
    ],
)
@pytest.mark.parametrize("x", [-2.5, -0.3, 0.7, 3.1])
def test_numeric_evaluation_matches_python_math(text: str, oracle: Any, x: float) -> None:
    from mpmath import mpf

    from dlquiz.symbolic.equivalence import prepare
    from dlquiz.symbolic.numeric import evaluate
    from dlquiz.symbolic.parse import parse_math

    v = evaluate(prepare(parse_math(text).expr), lambda name: mpf(x))
    assert float(v) == pytest.approx(oracle(x), rel=1e-12, abs=1e-15)


def test_time_limits_nest_and_restore() -> None:
    import signal
    import time

    from dlquiz.symbolic.limits import TimeLimit, time_limit

    with pytest.raises(TimeLimit):
        with time_limit(0.05):
            time.sleep(1)
    with time_limit(2.0):
        with pytest.raises(TimeLimit):
            with time_limit(0.05):
                time.sleep(1)
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < left <= 2.0  # the outer limit is running again


def _sleepy(seconds: float) -> str:
    import time

    time.sleep(seconds)
    return "done"


def test_process_limit_outside_the_main_thread() -> None:
    from dlquiz.symbolic.limits import TimeLimit, run_limited

    out: list[object] = []

    def work() -> None:
        try:
            out.append(run_limited(_sleepy, 0.0, seconds=5))
            run_limited(_sleepy, 10.0, seconds=0.3)
        except TimeLimit:
            out.append("limited")

    t = threading.Thread(target=work)
    t.start()
    t.join(20)
    assert out == ["done", "limited"]


def test_parse_relation_latex() -> None:
    from dlquiz.symbolic.parse import parse_relation

    lhs, rhs = parse_relation(r"\frac{d}{dx}\sigma(x) = \sigma(x)(1-\sigma(x))")
    assert check_equivalence(expected=lhs.expr, given=rhs.expr).verdict is EQ


def test_points_close_to_zero_and_to_bounds() -> None:
    # differs only for |x| < 0.03, and only for p < 0.01: probes near 0 and near bounds see it
    assert check("x", "x + relu(0.001 - x^2)").verdict is DOM
    assert check("log(p)", "log(p) + relu(0.01 - p)", "0<p<1").verdict is DOM


def test_relu_derivative_forms() -> None:
    assert check("d/dx relu(x)", "step(x)").verdict is EQ
    assert check("d/dx relu(x)", "(sign(x) + 1)/2").verdict is EQ
    assert check("d/dx relu(x)", "sign(x)").verdict is DOM


def test_integer_variables_are_also_tried_far_out() -> None:
    # equal for n = 1..9 only: sampling 1..8 alone would call it equal
    res = check("n", "n + floor(n/10)", "n positive integer")
    assert res.verdict is DOM
    assert res.counterexample is not None and int(res.counterexample["point"]["n"]) >= 10


# --------------------------------------------------------------------------- reading notes


@pytest.mark.parametrize(
    ("expected", "given_", "assume", "notes", "ref_notes"),
    [
        ("x + pad", "pad + x", (), ["'pad' is read as the product p·a·d"], ["'pad' is read as the product p·a·d"]),
        ("x", "x + dz - dz", (), [], []),  # dz is a known name: nothing to note
        ("pad", "pad", ("pad > 0",), [], []),  # declared by an assumption: one name
        ("p*a*d", "pad", (), ["'pad' is read as the product p·a·d"], []),
        ("2*x", "x + x", (), [], []),
    ],
)
def test_reading_notes_are_carried_into_the_check(
    expected: str, given_: str, assume: tuple[str, ...], notes: list[str], ref_notes: list[str]
) -> None:
    res = check(expected, given_, *assume)
    assert [n.split(";")[0] for n in res.notes] == notes
    assert [n.split(";")[0] for n in res.reference_notes] == ref_notes
    assert all("--let" in n for n in res.notes)  # says how to declare the name
    zh = res.notes_in("zh")
    assert len(zh) == len(notes) and all("乘积" in n for n in zh)
    d = json.loads(json.dumps(res.to_dict(), ensure_ascii=False))
    assert d["notes"] == list(res.notes) and d["notes_zh"] == list(zh)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_equiv_shows_notes_under_interpreted_as(lang: str) -> None:
    out = _cli("x + y", "pad + x", "--lang", lang)
    lines = out.output.splitlines()
    cand = next(i for i, line in enumerate(lines) if "p·a·d + x" in line)
    assert lines[cand + 1].lstrip().startswith("'pad'")
    assert ("被理解为乘积" if lang == "zh" else "is read as the product p·a·d") in lines[cand + 1]
    js = json.loads(_cli("x + y", "pad + x", "--json").output)
    assert js["notes"] and js["notes"][0].startswith("'pad' is read as the product")
    assert js["notes_zh"][0].startswith("'pad' 被理解为乘积")
    assert js["reference_notes"] == []


# --------------------------------------------------------------------------- parity and symbolic ranges

SIZE = ("K positive integer", "1 <= k <= K")

# Each row got a wrong verdict while the sampler drew even values for `n odd` and k > K for
# `1 <= k <= K` (a false "equal only on part of the domain"); the NE/DOM rows keep a real
# difference visible (at k = K, at the residues the parity allows).
PARITY_AND_RANGES: list[tuple[str, str, tuple[str, ...], set[Verdict]]] = [
    ("floor(n/2)", "(n-1)/2", ("n odd",), {EQ}),
    ("ceiling(n/2)", "(n+1)/2", ("n odd",), {EQ}),
    ("floor(n/2)", "(n-1)/2", ("n odd positive integer",), {EQ}),
    ("floor(n/2) + floor(m/2)", "(n-1)/2 + m/2", ("n odd", "m even"), {EQ}),
    ("floor(n/2)", "(n+1)/2", ("n odd",), {NE, DOM}),
    ("floor(n/4)", "(n-1)/4", ("n odd",), {NE, DOM}),  # n = 3: 0 vs 1/2
    ("floor(n/2)", "(n-1)/2", ("n even",), {NE, DOM}),
    ("min(k, K)", "k", SIZE, {EQ}),
    ("max(K - k, 0)", "K - k", SIZE, {EQ}),
    ("floor((k-1)/K)", "0", SIZE, {EQ}),
    ("floor(k/(K+1))", "0", SIZE, {EQ}),
    ("floor(k/2) + floor((K-k)/K)", "floor(k/2)", SIZE, {EQ}),
    ("floor(t/T)", "0", ("T positive integer", "0 <= t < T"), {EQ}),
    ("floor(t/T)", "0", ("T positive integer", "0 <= t <= T"), {NE, DOM}),  # t = T
    ("floor(k/K)", "0", SIZE, {NE, DOM}),  # k = K only
    ("min(k, K)", "K", SIZE, {NE, DOM}),
    ("floor((k-1)/K)", "1", SIZE, {NE, DOM}),
]


@pytest.mark.parametrize(("expected", "given_", "assume", "verdicts"), PARITY_AND_RANGES)
def test_parity_and_symbolic_ranges_are_sampled(
    expected: str, given_: str, assume: tuple[str, ...], verdicts: set[Verdict]
) -> None:
    res = check(expected, given_, *assume)
    assert res.verdict in verdicts, (res.verdict, res.message)
    if res.counterexample:  # a counterexample lies in the assumed domain
        point = res.counterexample["point"]
        for name, parity in (("n", "odd"), ("m", "even")):
            if f"{name} {parity}" in " ".join(assume) and name in point:
                assert int(float(point[name])) % 2 == (parity == "odd")
        if "k" in point and "K" in point:
            assert 1 <= float(point["k"]) <= float(point["K"])


@pytest.mark.parametrize("parity", ["odd", "even"])
def test_parity_draws_only_that_parity(parity: str) -> None:
    import random

    from dlquiz.symbolic.numeric import sample_value

    d = build_context([f"n {parity}"]).domain("n")
    rng = random.Random(3)
    values = {int(sample_value(d, rng, wide=w)) for w in (False, True) for _ in range(200)}
    assert {v % 2 for v in values} == {1 if parity == "odd" else 0}


def test_residue_plan_meets_parity_and_named_bounds() -> None:
    import random

    from dlquiz.symbolic.sampling import residue_plan

    k, K, n = sympy.symbols("k K n")
    ctx = build_context([*SIZE, "n odd"])
    plan, why = residue_plan([sympy.floor(k / 3) + sympy.floor(K / 3) + sympy.floor(n / 3)], ctx, {}, random.Random(0))
    assert not why and plan
    assert all(1 <= p["k"] <= p["K"] and p["n"] % 2 == 1 for p in plan)
    # every residue modulo 3 of k and K together, and every residue modulo 6 an odd n can have
    assert {(p["k"] % 3, p["K"] % 3) for p in plan} == {(a, b) for a in range(3) for b in range(3)}
    assert {p["n"] % 6 for p in plan} == {1, 3, 5}


# --------------------------------------------------------------------------- extreme constants


@pytest.mark.parametrize(
    ("expected", "given_", "verdicts"),
    [
        ("x", "x*(1+10^-200)", {NE, UND}),  # was "numerically equal": 10^-200 hides below 150 digits
        ("sigma(x)", "sigma(x) + 10^-300*x^2", {NE, UND}),
        ("x", "x*(1+exp(-500))", {NE, UND}),
        ("x", "x + 10^-200", {NE}),  # a constant difference: the proof names it
        ("x", "x + 1 - cos(10^-80)", {NE, UND}),
        ("x/10^8", "x*1e-8", {EQ}),  # ordinary small constants still compare
        ("(x+1)^2", "x^2 + 2x + 1", {EQ}),
        ("log(1 - sigma(x))", "log(sigma(-x))", {EQ}),
    ],
)
def test_extreme_constants_are_never_numerically_equal(expected: str, given_: str, verdicts: set[Verdict]) -> None:
    res = check(expected, given_)
    assert res.verdict in verdicts, (res.verdict, res.message)


@pytest.mark.parametrize(("reference", "candidate", "side"), [("(x", "x", "reference: "), ("x", "(x", "candidate: ")])
def test_a_cli_input_error_names_its_side(reference: str, candidate: str, side: str) -> None:
    res = _cli(reference, candidate)
    assert res.exit_code == 2 and f"Error: {side}expected ')'" in res.output
