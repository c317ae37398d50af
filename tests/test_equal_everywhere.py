"""One definition of equal: the policy's tables, check vs equiv, matrix mode, the slip catalogue.

Rows are `(expected, given, assumptions, verdict)`; "rejected" stands for NOT_EQUAL or
DOMAIN_ONLY (both are "not equal" to a student). The oracle of each row is the mathematics
(a textbook identity, a value computed by hand in the row's comment), not the code.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlquiz.cli import cli
from dlquiz.errors import ParseError
from dlquiz.symbolic.equivalence import Verdict, check_answer, check_equivalence
from dlquiz.symbolic.slips import BY_NAME, SLIPS
from dlquiz.symbolic.steps import check_derivation, format_report, rule_message

ROOT = Path(__file__).resolve().parent.parent
REJECTED = {Verdict.NOT_EQUAL, Verdict.DOMAIN_ONLY}


def _verdict(expected: str, given: str, assumptions: tuple[str, ...] = ()) -> Verdict:
    return check_equivalence(expected=expected, given=given, assumptions=assumptions).verdict


def _assert(verdict: Verdict, want: str) -> None:
    if want == "rejected":
        assert verdict in REJECTED, verdict
    else:
        assert verdict.value == want


# --------------------------------------------------------------------------- the policy

POLICY = [
    # the three false steps `check` used to accept ([-2, 2], 1e-8, one point)
    ("relu(x - 5)", "0", (), "rejected"),  # x = 6: 1 vs 0
    ("max(x, 3)", "3", (), "rejected"),  # x = 4: 4 vs 3
    ("x^2", "x^2 + 10^-9", (), "rejected"),  # differs by 1e-9 everywhere
    # integers: every residue of the moduli in floor/ceil
    ("floor(n/10)", "floor((n+1)/10)", ("n integer",), "rejected"),  # n = 9: 0 vs 1
    ("floor(n/10)", "floor((n+1)/10)", ("n positive integer",), "rejected"),  # only n ≡ 9
    ("ceil(n/10)", "floor((n+9)/10)", ("n integer",), "equal"),  # for whole n
    ("floor(n/2) + floor((n+1)/2)", "n", ("n integer",), "equal"),  # Hermite
    ("(-1)^n", "1 - 2*(n - 2*floor(n/2))", ("n integer",), "equal"),
    ("(-1)^n", "1", ("n integer",), "rejected"),  # n = 1
    # saturation: evaluated at the precision it needs, not "undefined" at x ≈ 250
    ("log(1 - sigma(x))", "-x - log(1 + exp(-x))", (), "equal"),
    ("log(1 - sigma(x))", "log(sigma(-x))", (), "equal"),
    ("log(sigma(x))", "-log(1 + exp(-x))", (), "equal"),
    # kinks beyond the sampled range are probed on both sides
    ("relu(x - 20000)", "0", (), "rejected"),  # x = 20020: 20 vs 0
    ("max(x, 20000)", "20000", (), "rejected"),
    ("heaviside(x - 12000)", "0", (), "rejected"),
    ("sign(x)*abs(x)", "x", (), "equal"),
    # near misses below the 40-digit tolerance: seen at 250 digits
    ("x", "x + 10^-40*x", (), "rejected"),
    ("sigma(x)", "1/(1 + exp(-x)) + 10^-45*x^2", (), "rejected"),
    ("softplus(x) - softplus(-x)", "x", (), "equal"),
]


@pytest.mark.parametrize(
    ("expected", "given", "assumptions", "want"), POLICY, ids=[f"{r[0]} vs {r[1]}" for r in POLICY]
)
def test_policy(expected: str, given: str, assumptions: tuple[str, ...], want: str) -> None:
    _assert(_verdict(expected, given, assumptions), want)


# --------------------------------------------------------------------------- errata

# each mathematical erratum of /work/shared/syllabus.md ("Errata: mistakes in the notes"): the
# notes' version is rejected, the correct statement accepted
ERRATA = [
    ("000 tanh denominator", "tanh(x)", "(exp(x) - exp(-x))/(exp(x) + exp(x))", (), "rejected"),
    ("000 tanh corrected", "tanh(x)", "(exp(x) - exp(-x))/(exp(x) + exp(-x))", (), "equal"),
    ("004 Leaky ReLU slope 0.1", "leaky_relu(x)", "max(0.1*x, x)", (), "rejected"),
    ("004 Leaky ReLU slope 0.01", "leaky_relu(x)", "max(0.01*x, x)", (), "equal"),
    ("004 RMSprop without ε", "g/(sqrt(s) + epsilon)", "g/sqrt(s)", ("s > 0", "epsilon > 0"), "rejected"),
    (
        "004 Adam divides by √ŝ + ε",
        "m/(1 - beta_1^t)/(sqrt(s/(1 - beta_2^t)) + epsilon)",
        "m/(1 - beta_1^t)/sqrt(s/(1 - beta_2^t))",
        ("0 < beta_1 < 1", "0 < beta_2 < 1", "t positive integer", "s > 0", "epsilon > 0"),
        "rejected",
    ),
]


@pytest.mark.parametrize(("name", "expected", "given", "assumptions", "want"), ERRATA, ids=[r[0] for r in ERRATA])
def test_errata(name: str, expected: str, given: str, assumptions: tuple[str, ...], want: str) -> None:
    _assert(_verdict(expected, given, assumptions), want)


MATRIX_ERRATA = [
    # 001: h = σ(W₁ + b₁) for σ(W₁x + b₁): W₁ (n1×n0) plus b₁ (n1×1) does not fit
    (
        "001 hidden layer without x",
        "matrix W1: n1 x n0\nvector x: n0\nvector b1: n1\nsigma(W1 x + b1)\n = sigma(W1 + b1)\n",
        5,
    ),
    # 004: dW = dz·a[l−1] for dz·a[l−1]ᵀ
    (
        "004 dW without transpose",
        "matrix W: n1 x n0\nvector a_prev: n0\nvector b: n1\nvector da: n1\nlet z = W a_prev + b\n"
        "let a = sigma(z)\ndz = da ⊙ sigma'(z)\ndW = dz a_prev\n",
        8,
    ),
]


@pytest.mark.parametrize(("name", "text", "line"), MATRIX_ERRATA, ids=[r[0] for r in MATRIX_ERRATA])
def test_matrix_errata(name: str, text: str, line: int) -> None:
    report = check_derivation(text)
    assert report.first_failure == line, format_report(report)
    fixed = text.replace("sigma(W1 + b1)", "sigma(W1 x + b1)").replace("dz a_prev\n", "dz a_prev^T\n")
    assert check_derivation(fixed).ok


# --------------------------------------------------------------------------- check vs equiv


def _bench_rows() -> list[tuple[str, str, tuple[str, ...], tuple[tuple[str, str], ...]]]:
    rows = []
    for path in sorted((ROOT / "bench").glob("equiv_cases*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                rows.append(
                    (
                        case["reference"],
                        case["candidate"],
                        tuple(case.get("assume", ())),
                        tuple(case.get("let", {}).items()),
                    )
                )
    return rows


AGREEMENT = [(e, g, a, ()) for e, g, a, _ in POLICY] + [(e, g, a, ()) for _, e, g, a, _ in ERRATA] + _bench_rows()
STATUS = {
    Verdict.EQUAL: "ok",
    Verdict.NOT_EQUAL: "fail",
    Verdict.DOMAIN_ONLY: "fail",
    Verdict.UNDECIDED: "undecided",
    Verdict.ERROR: "error",
}


@pytest.mark.parametrize(
    ("expected", "given", "assumptions", "let"),
    AGREEMENT,
    ids=[f"{i}: {r[0][:30]} vs {r[1][:30]}" for i, r in enumerate(AGREEMENT)],
)
def test_check_and_equiv_agree_on_a_single_step(
    expected: str, given: str, assumptions: tuple[str, ...], let: tuple[tuple[str, str], ...]
) -> None:
    equiv = check_equivalence(expected=expected, given=given, assumptions=assumptions, let=dict(let)).verdict
    text = (
        "".join(f"assume {a}\n" for a in assumptions)
        + "".join(f"let {k} = {v}\n" for k, v in let)
        + f"{expected}\n = {given}\n"
    )
    try:
        steps = [s for s in check_derivation(text).steps if s.status != "given"]
        status = steps[-1].status
    except ParseError:
        status = "error"  # `check` reports an unreadable line as bad input (exit 2)
    assert status == STATUS[equiv]


# --------------------------------------------------------------------------- matrix mode

MATRIX = [
    # (name, derivation, ok / first failing line / "undecided")
    ("scalar times a matrix", "scalar a\nmatrix W: n x m\n(a W)^T\n = a W^T\n", "ok"),
    ("scalar factor dropped", "scalar a\nmatrix W: n x m\n(a W)^T\n = W^T\n", 4),
    ("bias broadcast", "matrix X: n x m\nvector w: n\nscalar b\nlet z = X^T w + b\nz\n = X^T w + b\n = w^T X + b\n", 7),
    (
        "gradient of a scalar bias",
        "matrix X: n x m\nvector y: m\nvector v: n\nscalar b\n"
        "let z = X^T v + b\nlet L = sum((z - y) ⊙ (z - y)) / 2\ndb = sum(z - y)\ndv = X (z - y)\n",
        "ok",
    ),
    (
        "bias gradient without the sum",
        "matrix X: n x m\nvector y: m\nvector v: n\nscalar b\n"
        "let z = X^T v + b\nlet L = sum((z - y) ⊙ (z - y)) / 2\ndb = z - y\n",
        7,
    ),
    ("squared norm", "vector x: n\n‖x‖^2\n = x^T x\n = sum(x ⊙ x)\n", "ok"),
    ("Frobenius norm", "matrix W: n x m\nsum(W ⊙ W)\n = ‖W‖_F^2\n = trace(W^T W)\n = ||W||^2\n", "ok"),
    ("norm is not its square", "vector x: n\n‖x‖\n = x^T x\n", 3),
    ("trace is cyclic", "matrix A: n x m\nmatrix B: m x n\ntrace(A B)\n = trace(B A)\n", "ok"),
    ("trace off by one", "matrix A: n x m\nmatrix B: m x n\ntrace(A B)\n = sum(A ⊙ B^T) + 1\n", 4),
    ("softmax sums to 1", "vector z: n\nsum(softmax(z))\n = 1\n", "ok"),
    ("softmax Jacobian", "vector z, g: n\nlet p = softmax(z)\nlet L = sum(g ⊙ p)\ndz = (diag(p) - p p^T) g\n", "ok"),
    ("softmax Jacobian diagonal only", "vector z, g: n\nlet p = softmax(z)\nlet L = sum(g ⊙ p)\ndz = diag(p) g\n", 4),
    ("tanh′ elementwise", "vector z, da: n\nlet a = tanh(z)\nlet L = sum(da ⊙ a)\ndz = da ⊙ (1 - a^2)\n", "ok"),
    ("sum of all entries", "matrix G: n x m\nsum(G)\n = sum(rowsum(G))\n", "ok"),
    ("rowsum is not the sum", "matrix G: n x m\nrowsum(G)\n = sum(G)\n", 3),
    (
        "LaTeX",
        "matrix W: n x m\nvector x: m\nvector b: n\n\\sigma(W x + b)\n = \\frac{1}{1 + \\exp(-(W x + b))}\n",
        "ok",
    ),
    (
        "LaTeX norms and trace",
        "matrix W: n x m\n\\|W\\|^2\n = \\operatorname{tr}(W^\\top W)\n = \\left\\| W \\right\\|_F^2\n",
        "ok",
    ),
    ("square of a square matrix", "matrix A: n x n\nA^2\n = A A\n", "undecided"),
    ("unknown function", "matrix A: n x n\ninv(A) A\n = 1\n", "undecided"),
    ("unknown LaTeX", "matrix A: n x n\n\\det(A)\n = 1\n", "undecided"),
    ("spectral norm of a matrix", "matrix A: n x m\n‖A‖_2\n = ‖A‖\n", "undecided"),
]


@pytest.mark.parametrize(("name", "text", "want"), MATRIX, ids=[r[0] for r in MATRIX])
def test_matrix_mode(name: str, text: str, want: object) -> None:
    report = check_derivation(text)
    if want == "ok":
        assert report.ok, format_report(report)
    elif want == "undecided":
        assert report.undecided and report.first_failure is None, format_report(report)
        assert any(s.message.startswith("cannot check this line") for s in report.steps)
    else:
        assert report.first_failure == want, format_report(report)


@pytest.mark.parametrize("text", [r[1] for r in MATRIX if r[2] == "undecided"])
def test_cannot_check_exits_3(text: str) -> None:
    r = CliRunner().invoke(cli, ["check", "-"], input=text, catch_exceptions=False)
    assert r.exit_code == 3, r.output
    assert "cannot check this line" in r.output and "Traceback" not in r.output


def test_check_help_documents_exit_3() -> None:
    r = CliRunner().invoke(cli, ["check", "--help"], catch_exceptions=False)
    assert "3  undecided" in r.output and "cannot" in r.output


ODD_INPUTS = [
    "matrix W: n x m\nW W\n = W\n",  # a product that does not fit
    "matrix W: n x m\nW^T^T\n = W\n",
    "matrix W:\nW\n = W\n",  # no sizes
    "matrix W: n x m\nW ⊙\n",
    "matrix W: n x m\n‖W\n = W\n",
    "matrix W: n x m\nexp(W ⊙ W ⊙ W ⊙ W * 10^300)\n = W\n",
    "vector x: n\nlog(x)\n = x\n",  # log of negative entries
    "vector x: n\nx / (x - x)\n = x\n",  # division by 0
    "scalar a\na^(1/2)\n = a\n",
    "matrix W: n x m\nlet L = sum(W)\ndV = W\n",
    "x = \n",
    "= x\n",
    "let = 3\nx = x\n",
    "assume x >\nx = x\n",
    "\\sum_{k=1}^{K} y_k = 1\n",
    "x = x = = x\n",
    "sigma(" * 50 + "x" + ")" * 50 + " = x\n",
    "d/dx x^x^x^x^x = 1\n",
]


@pytest.mark.parametrize("text", ODD_INPUTS)
def test_check_json_never_a_traceback(text: str) -> None:
    r = CliRunner().invoke(cli, ["check", "-", "--json", "--timeout", "3"], input=text, catch_exceptions=False)
    assert r.exit_code in (0, 1, 2, 3), r.output
    data = json.loads(r.output)
    assert isinstance(data, dict) and "ok" in data


# --------------------------------------------------------------------------- the slip catalogue

BATCH = (
    "matrix W: n1 x n0\nmatrix A_prev: n0 x m\nvector b: n1\nmatrix Y: n1 x m\n"
    "let Z = W A_prev + b\nlet A = sigma(Z)\nlet J = (A - Y) ⊙ (A - Y) / (2 m)\n"
)

SLIP_STEPS = [
    ("wrong form of σ′", "let s = sigma(x)\n    d/dx s\n  = (1 - s)^2\n"),
    ("tanh′ as 1 − tanh (not squared)", "    d/dx tanh(x)\n  = 1 - tanh(x)\n"),
    (
        "softmax Jacobian without off-diagonal terms",
        "let p_i = exp(o_i)/sum(exp(o_k), k, 1, K)\n    d/do_j p_i\n  = p_i*(1 - p_i)\n",
    ),
    (
        "missing bias correction in Adam",
        "let v_t = beta*v_{t-1} + (1 - beta)*g\nlet v_0 = 0\n    v_t\n"
        "  = (1 - beta)*sum(beta^(t-i)*g, i, 1, t)\n  = g\n",
    ),
    ("β instead of 1 − β in the moving average", "    beta*v + (1 - beta)*theta\n  = (1 - beta)*v + beta*theta\n"),
    ("ε missing from the denominator", "    g/(sqrt(s) + epsilon)\n  = g/sqrt(s)\n"),
    (
        "wrong BPTT time range",
        "assume T positive integer\nlet h_t = tanh(W*h_{t-1} + U*x_t)\n"
        "let P_t = W*(1 - h_{t+1}^2)*P_{t+1}\nlet P_T = 1\nlet L = (h_T - y)^2/2\n    d/dW L\n"
        "  = sum((h_T - y)*P_t*(1 - h_t^2)*h_{t-1}, t, 1, T-1)\n",
    ),
    ("Leaky ReLU slope 0.1 instead of 0.01", "    leaky_relu(x)\n  = leaky_relu(x, 0.1)\n"),
    ("softmax replaced by sigmoid", "    softmax(o)_i - y_i\n  = sigma(o_i) - y_i\n"),
    (
        "forgotten transpose",
        "matrix W: n1 x n0\nvector a_prev: n0\nvector b: n1\nvector da: n1\n"
        "let z = W a_prev + b\nlet a = sigma(z)\ndz = da ⊙ sigma'(z)\ndW = dz a_prev\n",
    ),
    ("missing σ′ factor", "let a = sigma(z)\n    d/dz ((a - y)^2/2)\n  = a - y\n"),
    ("log base", "    d/dx log(x)\n  = 1/(x*log(10))\n"),
    ("missing sum over classes", "    -sum(y_k*log(p_k), k, 1, K)\n  = -y_i*log(p_i)\n"),
    ("missing 1/m", "    sum(a_i - y_i, i, 1, m)/m\n  = sum(a_i - y_i, i, 1, m)\n"),
    ("p − y sign flipped (y − p)", "    a - y\n  = y - a\n"),
    ("dropped ½ / factor 2", "    d/da ((a - y)^2/2)\n  = 2*(a - y)\n"),
    ("sign error", "    -log(p)\n  = log(p)\n"),
    # matrix mode
    (
        "wrong BPTT time range",
        "matrix W: n x n\nmatrix U: n x d\nvector h0, dh3: n\nvector x1, x2, x3: d\n"
        "let h1 = tanh(W h0 + U x1)\nlet h2 = tanh(W h1 + U x2)\nlet h3 = tanh(W h2 + U x3)\n"
        "let g3 = dh3 ⊙ (1 - h3 ⊙ h3)\nlet g2 = (W^T g3) ⊙ (1 - h2 ⊙ h2)\n"
        "let g1 = (W^T g2) ⊙ (1 - h1 ⊙ h1)\ndW = g3 h2^T + g2 h1^T\n",
    ),
    ("missing σ′ factor", "matrix W: n1 x n0\nvector x: n0\nvector da: n1\nlet z = W x\nlet a = tanh(z)\ndz = da\n"),
    ("tanh′ as 1 − tanh (not squared)", "vector z, da: n\nlet a = tanh(z)\nlet L = sum(da ⊙ a)\ndz = da ⊙ (1 - a)\n"),
    (
        "forgotten transpose",
        "matrix W: n1 x n0\nvector a_prev: n0\nvector da: n1\nlet z = W a_prev\nlet a = tanh(z)\n"
        "dz = da ⊙ tanh'(z)\nda_prev = W dz\n",
    ),
    ("missing 1/m", BATCH + "dZ = (A - Y) ⊙ A ⊙ (1 - A)\n"),
    ("sign error", BATCH + "dZ = (Y - A) ⊙ A ⊙ (1 - A) / m\n"),
    ("dropped ½ / factor 2", BATCH + "dZ = 2 (A - Y) ⊙ A ⊙ (1 - A) / m\n"),
]


@pytest.mark.parametrize(("slip", "text"), SLIP_STEPS, ids=[f"{i}: {r[0]}" for i, r in enumerate(SLIP_STEPS)])
def test_each_slip_is_named_in_both_languages(slip: str, text: str) -> None:
    report = check_derivation(text, timeout=10.0)
    step = next(s for s in report.steps if s.status == "fail")
    assert step.rule == slip, format_report(report)
    entry = BY_NAME[slip]
    assert rule_message(slip, "en") == entry.en
    assert rule_message(slip, "zh") == entry.zh
    assert entry.zh in format_report(report, lang="zh")
    assert entry.en in format_report(report, lang="en")
    r = CliRunner().invoke(cli, ["check", "-", "--lang", "zh"], input=text, catch_exceptions=False)
    assert r.exit_code == 1 and "常见错误" in r.output


def test_every_slip_has_a_row_and_both_languages() -> None:
    named = {s for s, _ in SLIP_STEPS}
    assert named == {s.name for s in SLIPS}
    for s in SLIPS:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in s.zh), s.name
        assert s.scalar is not None or s.matrix is not None


ANSWER_SLIPS = [
    # a tanh slip is not "factor 2 in the MSE gradient" (the specific slip comes first)
    ("1 - tanh(x)^2", "1 - tanh(x)", "tanh′ as 1 − tanh (not squared)"),
    ("d/dx tanh(x)", "2*(1 - tanh(x))", None),
    ("1/x", "1/(x*log(10))", "log base"),
    ("-sum(y_k*log(p_k), k, 1, K)", "-y_i*log(p_i)", "missing sum over classes"),
    ("x", "2x", "dropped ½ / factor 2"),
]


@pytest.mark.parametrize(("expected", "given", "slip"), ANSWER_SLIPS)
def test_answers_use_the_same_catalogue(expected: str, given: str, slip: str | None) -> None:
    res = check_answer(expected=expected, given=given)
    assert res.verdict in REJECTED
    assert res.rule == slip
    if slip is not None:
        assert (res.rule_message, res.rule_message_zh) == (BY_NAME[slip].en, BY_NAME[slip].zh)


_TOKENS = [
    "x",
    "W",
    "A",
    "b",
    "n",
    "m",
    "1",
    "2",
    "0.5",
    "+",
    "-",
    "*",
    "/",
    "^",
    "(",
    ")",
    "sigma(",
    "tanh(",
    "relu(",
    "sum(",
    "trace(",
    "‖",
    "⊙",
    "^T",
    " ",
    "=",
    "\n = ",
    "d/dx ",
    "log(",
    "exp(",
    "\\frac{",
    "}{",
    "}",
    "\\sigma",
    ",",
    "_1",
    "'",
]
_HEADS = ["", "matrix W: n x m\nmatrix A: m x n\nvector x: m\nscalar b\n", "assume x > 0\n"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(_HEADS),
    st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=14),
    st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=14),
)
def test_check_json_never_a_traceback_on_random_lines(head: str, left: list[str], right: list[str]) -> None:
    text = head + "".join(left) + "\n = " + "".join(right) + "\n"
    r = CliRunner().invoke(cli, ["check", "-", "--json", "--timeout", "2"], input=text, catch_exceptions=False)
    assert r.exit_code in (0, 1, 2, 3), r.output
    assert "ok" in json.loads(r.output)
