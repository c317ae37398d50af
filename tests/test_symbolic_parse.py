"""The whitelist math parser: calculator syntax, LaTeX, errors with columns, hostile input.

Expected values are built independently with SymPy constructors, never by the parser.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sympy import Abs, Derivative, E, Function, Max, Rational, Sum, Symbol, exp, log, pi, sqrt, tanh
from sympy import IndexedBase as IB

from dlquiz.errors import ParseError
from dlquiz.symbolic.functions import Phi, leaky_relu, sigma, softmax, softplus
from dlquiz.symbolic.messages import parse_error_zh
from dlquiz.symbolic.parse import parse_math, parse_relation, to_unicode

x, y, z, a, b, k, K, t, w = sympy.symbols("x y z a b k K t w")
S = Symbol

# --------------------------------------------------------------------------- calculator syntax
CALC = [
    ("2x", lambda: 2 * x),
    ("x(1-x)", lambda: x * (1 - x)),
    ("(a+b)(a-b)", lambda: (a + b) * (a - b)),
    ("2 sigma(x)", lambda: 2 * sigma(x)),
    ("sigma(x)*(1-sigma(x))", lambda: sigma(x) * (1 - sigma(x))),
    ("σ(x)(1 − σ(x))", lambda: sigma(x) * (1 - sigma(x))),
    ("sigmoid(z)", lambda: sigma(z)),
    ("x^2", lambda: x**2),
    ("x**2", lambda: x**2),
    ("-x^2", lambda: -(x**2)),
    ("x^y^z", lambda: x ** (y**z)),
    ("2^-1", lambda: Rational(1, 2)),
    ("e^x", lambda: exp(x)),
    ("e^(-x)", lambda: exp(-x)),
    ("exp(-x)", lambda: exp(-x)),
    ("1/(1+e^-x)", lambda: 1 / (1 + exp(-x))),
    ("ln(x)", lambda: log(x)),
    ("log(x)", lambda: log(x)),
    ("ln x", lambda: log(x)),
    ("tanh(x)", lambda: tanh(x)),
    ("tanh^2(x)", lambda: tanh(x) ** 2),
    ("sqrt(x)", lambda: sqrt(x)),
    ("relu(x)", lambda: Max(0, x)),
    ("max(0, x)", lambda: Max(0, x)),
    ("softplus(x)", lambda: softplus(x)),
    ("erf(x)", lambda: sympy.erf(x)),
    ("Phi(x)", lambda: Phi(x)),
    ("Φ(x)", lambda: Phi(x)),
    ("abs(x)", lambda: Abs(x)),
    ("|x - 1|", lambda: Abs(x - 1)),
    ("leaky_relu(x)", lambda: leaky_relu(x)),
    ("leaky_relu(x, 0.1)", lambda: leaky_relu(x, Rational(1, 10))),
    ("swish(x)", lambda: x * sigma(x)),
    ("gelu(x)", lambda: x * Phi(x)),
    ("0.01x", lambda: Rational(1, 100) * x),
    ("1e-8", lambda: Rational(1, 10**8)),
    ("pi", lambda: pi),
    ("π/2", lambda: pi / 2),
    ("alpha + beta1 + beta_2", lambda: S("alpha") + S("beta_1") + S("beta_2")),
    ("epsilon*eta*theta", lambda: S("epsilon") * S("eta") * S("theta")),
    ("γ x", lambda: S("gamma") * x),
    ("gamma", lambda: S("gamma")),
    ("lam", lambda: S("lambda")),
    ("y_1 + y1", lambda: 2 * S("y_1")),
    ("x_t", lambda: S("x_t")),
    ("h_{t-1}", lambda: S("h_{t-1}")),
    ("W_f", lambda: S("W_f")),
    ("o_i", lambda: S("o_i")),
    ("yhat", lambda: S("yhat")),
    ("ŷ_i", lambda: S("yhat_i")),
    ("softmax(o)_i", lambda: softmax(S("o_i"))),
    ("softmax_i", lambda: softmax(S("o_i"))),
    ("softmax(o_i)", lambda: softmax(S("o_i"))),
    ("d/dx x^3", lambda: Derivative(x**3, x)),
    ("d/dx(sigma(x))", lambda: Derivative(sigma(x), x)),
    ("diff(x^2, x)", lambda: Derivative(x**2, x)),
    ("diff(x^3, x, 2)", lambda: Derivative(x**3, (x, 2))),
    ("sum(y_k, k, 1, K)", lambda: Sum(IB("y")[k], (k, 1, K))),
    ("x·y", lambda: x * y),
    ("x×y", lambda: x * y),
    ("x⋅y", lambda: x * y),
    ("x²", lambda: x**2),
    ("1/2x", lambda: x / 2),
    ("sigma'(x)", lambda: sigma(x) * (1 - sigma(x))),
    ("tanh'(x)", lambda: 1 - tanh(x) ** 2),
    ("delta(i, j)", lambda: sympy.KroneckerDelta(S("i"), S("j"))),
    ("  x  +  1  ", lambda: x + 1),
]

# --------------------------------------------------------------------------- LaTeX, as in the notes
LATEX = [
    (r"\frac{1}{1+e^{-x}}", lambda: 1 / (1 + exp(-x))),
    (r"\sigma(x)\left(1-\sigma(x)\right)", lambda: sigma(x) * (1 - sigma(x))),
    (r"\tanh^2(x)", lambda: tanh(x) ** 2),
    (r"1 - \tanh^2 x", lambda: 1 - tanh(x) ** 2),
    (r"\frac{\partial L}{\partial o_i}", lambda: Derivative(Function("L")(S("o_i")), S("o_i"))),
    (r"\frac{d}{dx} x^2", lambda: Derivative(x**2, x)),
    (r"\frac{\partial}{\partial x}\sigma(x)", lambda: Derivative(sigma(x), x)),
    (r"\sum_{k=1}^{K} y_k", lambda: Sum(IB("y")[k], (k, 1, K))),
    (r"-\sum_{k=1}^{K} y_k \log \hat{y}_k", lambda: -Sum(IB("y")[k] * log(IB("yhat")[k]), (k, 1, K))),
    (r"\hat{y}_i", lambda: S("yhat_i")),
    (r"\log x", lambda: log(x)),
    (r"\ln(x)", lambda: log(x)),
    (r"a \cdot b", lambda: a * b),
    (r"a \times b", lambda: a * b),
    (r"\exp(-x)", lambda: exp(-x)),
    (r"\sqrt{x}", lambda: sqrt(x)),
    (r"\sqrt[3]{x}", lambda: x ** Rational(1, 3)),
    (r"\max(0, x)", lambda: Max(0, x)),
    (r"\beta_1^t", lambda: S("beta_1") ** t),
    (r"\epsilon", lambda: S("epsilon")),
    (r"\varepsilon", lambda: S("epsilon")),
    (r"{x}^{2}", lambda: x**2),
    (r"\frac12", lambda: Rational(1, 2)),
    (r"\frac{1}{2}x", lambda: x / 2),
    (r"xy", lambda: x * y),
    (r"e^{x}", lambda: exp(x)),
    (r"\mathrm{e}^{x}", lambda: exp(x)),
    (r"\operatorname{softplus}(x)", lambda: softplus(x)),
    (r"\Phi(x)", lambda: Phi(x)),
    (r"\alpha\beta", lambda: S("alpha") * S("beta")),
    (r"\left[ x + 1 \right]", lambda: x + 1),
    (r"h_{t-1}", lambda: S("h_{t-1}")),
    (r"\frac{m}{1-\beta_1^t}", lambda: S("m") / (1 - S("beta_1") ** t)),
    (r"\frac{x}{\sqrt{s}+\epsilon}", lambda: x / (sqrt(S("s")) + S("epsilon"))),
    # as the course notes write them
    (r"\frac{1}{1 + \mathbf{exp}(-x)}", lambda: 1 / (1 + exp(-x))),
    (r"sigmoid(x)", lambda: sigma(x)),
    (r"tanh(x)", lambda: tanh(x)),
    (r"\hat{y_i}", lambda: S("yhat_i")),
    (r"-\sum_i y_i \log \hat{y}_i", lambda: -Sum(IB("y")[S("i")] * log(IB("yhat")[S("i")]), (S("i"), 1, S("I")))),
    (r"max\left(0, -y x\right)", lambda: Max(0, -x * y)),
    (r"~~\sigma \left( W_1 x + b_1 \right)", lambda: sigma(S("W_1") * x + S("b_1"))),
    (r"\lvert x \rvert", lambda: Abs(x)),
    (r"\mathbf{max}(x, 0)", lambda: Max(0, x)),
    (r"\operatorname{ReLU}(x)", lambda: Max(0, x)),
    (r"\frac{r^2 + 1}{\rho^2}", lambda: (S("r") ** 2 + 1) / S("rho") ** 2),
]


@pytest.mark.parametrize("text,build", CALC, ids=[c[0] for c in CALC])
def test_calculator_syntax(text: str, build: object) -> None:
    p = parse_math(text)
    assert p.syntax == "calc"
    assert p.expr == build()  # type: ignore[operator]
    assert p.text == text
    assert p.pretty


@pytest.mark.parametrize("text,build", LATEX, ids=[c[0] for c in LATEX])
def test_latex(text: str, build: object) -> None:
    p = parse_math(text, latex=True)
    assert p.syntax == "latex"
    assert p.expr == build()  # type: ignore[operator]


def test_backslash_means_latex() -> None:
    assert parse_math(r"\frac{1}{2}").syntax == "latex"
    assert parse_math("xy" if False else "x*y").syntax == "calc"
    # the same letters mean different things in the two syntaxes
    assert parse_math("xy", latex=True).expr == x * y
    # an undeclared letter run is a product, and the echo and the notes say so
    p = parse_math("xy")
    assert p.expr == x * y
    assert p.pretty == "x·y"
    assert any("declare" in n for n in p.notes)
    assert parse_math("xy", names={"xy"}).expr == Symbol("xy")


@pytest.mark.parametrize(
    "calc,tex",
    [
        ("sigma(x)*(1-sigma(x))", r"\sigma(x)\left(1-\sigma(x)\right)"),
        ("1/(1+exp(-x))", r"\frac{1}{1+\exp(-x)}"),
        ("m_t/(1-beta_1^t)", r"\frac{m_t}{1-\beta_1^{t}}"),
        ("-sum(y_k*log(yhat_k), k, 1, K)", r"-\sum_{k=1}^{K} y_k \log \hat{y}_k"),
        ("alpha*v/(sqrt(s)+epsilon)", r"\frac{\alpha v}{\sqrt{s}+\varepsilon}"),
    ],
)
def test_calc_and_latex_agree(calc: str, tex: str) -> None:
    assert parse_math(calc).expr == parse_math(tex).expr


def test_let_abbreviations() -> None:
    p = parse_math("s*(1-s)", let={"s": "sigma(x)"})
    assert p.expr == sigma(x) * (1 - sigma(x))
    assert "σ(x)" in p.pretty
    q = parse_math("p_i - y_i", let={"p_i": "softmax(o)_i"})
    assert q.expr == softmax(S("o_i")) - S("y_i")


def test_bad_let_names_the_abbreviation() -> None:
    with pytest.raises(ParseError, match="abbreviation 's'"):
        parse_math("s", let={"s": "sigma(("})


def test_parse_relation() -> None:
    lhs, rhs = parse_relation("tanh(x) = 2 sigma(2x) - 1")
    assert lhs.expr == tanh(x)
    assert rhs.expr == 2 * sigma(2 * x) - 1
    with pytest.raises(ParseError, match="no '='"):
        parse_relation("x + 1")
    with pytest.raises(ParseError) as err:
        parse_relation("x = y +")
    assert err.value.column == 8
    assert "right side" in str(err.value)


@pytest.mark.parametrize("text", ["x = (y", "x = y + (1", "2 = ⌊x", "a + b = c_{1 + d"])
def test_right_side_errors_name_the_columns_of_the_whole_equation(text: str) -> None:
    # the problem's column and the one of the bracket it quotes count from the start of `text`
    with pytest.raises(ParseError) as err:
        parse_relation(text)
    opened = max(text.rindex(c) for c in "(⌊{" if c in text) + 1
    end = len(text) + 1
    assert err.value.column == end
    assert str(err.value).startswith("right side: expected ")
    assert str(err.value).endswith(f" at column {opened} but found the end of the input at column {end}") or str(
        err.value
    ).endswith(f"at column {opened} at column {end}")
    zh = parse_error_zh(err.value.args[0])
    assert zh.startswith("右边：") and f"第 {opened} 列" in zh and zh.endswith(f"（第 {end} 列）"), zh


def test_equals_sign_in_single_expression() -> None:
    with pytest.raises(ParseError, match="'=' here") as err:
        parse_math("x = 1")
    assert err.value.column == 3


def test_pretty_echo() -> None:
    assert to_unicode(parse_math("beta1^t").expr) == "β₁^t"
    assert "σ" in parse_math("sigma(x)").pretty
    assert parse_math("yhat").pretty == "ŷ"


# --------------------------------------------------------------------------- errors with columns
ERRORS = [
    ("sigm(x)", 1, "did you mean 'sigma'"),
    ("x + sigm(x)", 5, "did you mean 'sigma'"),
    ("tahn(x)", 1, "did you mean 'tanh'"),
    ("x + * 2", 5, "expected a number"),
    ("x +", 4, "end of the input"),
    ("(x + 1", 7, "expected ')'"),
    ("x + 1)", 6, "unbalanced ')'"),
    ("2 $ 3", 3, "unexpected character '$'"),
    ("x ; y", 3, "unexpected character ';'"),
    ("exp()", 5, "needs an argument"),
    ("sum(x)", 1, "sum takes"),
    ("diff(x^2)", 1, "diff takes"),
    ("1..2", 1, "malformed number"),
    ("x!", 2, "factorial"),
    ("1/0", 2, "division by zero"),
    ("x + log(0)", 5, "no finite value"),
    ("", 1, "empty input"),
    ("sigm(x)", 1, "declare it"),
    (r"\foo{x}", 1, "unknown LaTeX command"),
    (r"\frac{1}", 9, "end of the input"),
    (r"\sum x", 1, "with its range"),
    ("x_", 3, "subscript"),
    ("max(x)", 1, "takes 2 to 8"),
]


@pytest.mark.parametrize("text,column,fragment", ERRORS, ids=[e[0] or "empty" for e in ERRORS])
def test_errors_name_the_column(text: str, column: int, fragment: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_math(text)
    assert err.value.column == column
    assert fragment in str(err.value)
    assert f"column {column}" in str(err.value)


def test_message_order_column_before_hint() -> None:
    with pytest.raises(ParseError) as err:
        parse_math("x*sigm(x)")
    assert str(err.value) == (
        "unknown name 'sigm' at column 3; did you mean 'sigma'? Or declare it to "
        "use it as one name (dlquiz equiv --let/--assume; a 'let' or 'assume' "
        "line in a derivation)"
    )


# --------------------------------------------------------------------------- hostile input
HOSTILE = [
    "x.__class__",
    "__import__('os')",
    "().__class__.__bases__[0]",
    "lambda: 1",
    "lambda x: x",
    "import os",
    "exec(x)",
    "eval(x)",
    "9**9**9**9",
    "10^10^10",
    "x^100000",
    "e^(10^400)",
    "2^(9^9)",
    "1e400",
    "9" * 200,
    "x" * 100_000,
    "(" * 5000 + "x" + ")" * 5000,
    "(" * 900 + "x" + ")" * 900,
    "-" * 1500 + "x",
    "2^" * 600 + "2",
    "sigma(" * 300 + "x" + ")" * 300,
    "x\x00",
    "x\x07 + 1",
    "x\u202e + 1",
    "{" * 500 + "x" + "}" * 500,
    r"\frac{" * 400 + "1",
]


@pytest.mark.timeout(5)
@pytest.mark.parametrize("text", HOSTILE, ids=[repr(h[:20]) + str(len(h)) for h in HOSTILE])
def test_hostile_input_is_a_clean_parse_error(text: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_math(text)
    assert str(err.value)
    assert err.value.column is None or err.value.column >= 1


def test_no_python_evaluation_of_names() -> None:
    # names that would mean something to Python are plain errors, not evaluated
    for text in ("os", "sys", "open(x)", "globals()", "getattr(x, y)"):
        with pytest.raises(ParseError):
            parse_math(text)


def test_non_string_input() -> None:
    with pytest.raises(ParseError):
        parse_math(12)  # type: ignore[arg-type]


def test_cli_module_does_not_import_sympy() -> None:
    code = "import sys, dlquiz.cli, dlquiz.cli.equiv_cmd; print('sympy' in sys.modules, 'numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


# --------------------------------------------------------------------------- round trip
# A small printer of our own: random expression trees printed in calculator syntax, built in
# SymPy alongside, must parse back to the same expression.
_VARS = ["x", "y", "z", "beta_1", "y_2", "alpha"]
_FUNCS = {"sigma": sigma, "exp": exp, "tanh": tanh, "ln": log, "softplus": softplus, "sqrt": sqrt}


def _leaf() -> st.SearchStrategy[tuple[str, sympy.Expr]]:
    ints = st.integers(0, 9).map(lambda n: (str(n), sympy.Integer(n)))
    names = st.sampled_from(_VARS).map(lambda v: (v, Symbol(v)))
    return st.one_of(ints, names)


def _extend(children: st.SearchStrategy[tuple[str, sympy.Expr]]) -> st.SearchStrategy[tuple[str, sympy.Expr]]:
    def binop(op: str) -> st.SearchStrategy[tuple[str, sympy.Expr]]:
        def make(pair: tuple[tuple[str, sympy.Expr], tuple[str, sympy.Expr]]) -> tuple[str, sympy.Expr]:
            (ls, le), (rs, re_) = pair
            if op == "+":
                return f"({ls} + {rs})", le + re_
            if op == "-":
                return f"({ls} - {rs})", le - re_
            if op == "*":
                return f"({ls} * {rs})", le * re_
            return f"({ls})^({rs})", le**re_

        return st.tuples(children, children).map(make)

    def func(pair: tuple[str, tuple[str, sympy.Expr]]) -> tuple[str, sympy.Expr]:
        name, (s, e) = pair
        return f"{name}({s})", _FUNCS[name](e)

    small_pow = st.tuples(children, st.integers(1, 4)).map(lambda p: (f"({p[0][0]})^{p[1]}", p[0][1] ** p[1]))
    neg = children.map(lambda c: (f"-({c[0]})", -c[1]))
    # no subtree without a value (ln(0), 0^-1; the parser rightly refuses those): such a
    # subtree is replaced by the leaf 1
    return st.one_of(
        binop("+"),
        binop("-"),
        binop("*"),
        small_pow,
        neg,
        st.tuples(st.sampled_from(sorted(_FUNCS)), children).map(func),
    ).map(lambda p: ("1", sympy.Integer(1)) if p[1].has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) else p)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(_leaf(), _extend, max_leaves=8))
def test_printed_expressions_parse_back(pair: tuple[str, sympy.Expr]) -> None:
    text, expected = pair
    try:
        got = parse_math(text).expr
    except ParseError as exc:
        # the only refusals allowed: constant powers past the size guard
        assert "too large" in str(exc) or "exponent" in str(exc)
        return
    assert got == expected or sympy.expand(got - expected) == 0


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_never_crashes(text: str) -> None:
    try:
        p = parse_math(text)
    except ParseError as exc:
        assert exc.column is None or 1 <= exc.column <= len(text) + 1
    else:
        assert isinstance(p.expr, sympy.Basic)


def test_constants() -> None:
    assert parse_math("e").expr == E
    assert parse_math("e_1").expr == Symbol("e_1")


@pytest.mark.parametrize(
    "text",
    [
        "sigma(x)*(1-sigma(x))",
        "m_t/(1-beta_1^t)",
        "alpha*g/(sqrt(s)+epsilon)",
        "yhat_i - y_i",
        "exp(-x^2/2)/sqrt(2*pi)",
        "max(0, x) + |x|",
        "2*x*y^3 - 1/3",
    ],
)
def test_echo_reads_back(text: str) -> None:
    # what the student sees as "interpreted as" can be typed back and means the same
    p = parse_math(text)
    assert parse_math(p.pretty).expr == p.expr


def test_unicode_subscript_digits() -> None:
    assert parse_math("β₁ + y₁₂").expr == S("beta_1") + S("y_12")


@pytest.mark.timeout(10)
@pytest.mark.parametrize("text", ["¹", "x²³", "٣", "x+¹", "½", "Ⅳ", "𝟙", "x⁻¹"])
def test_unicode_digits_are_errors_not_hangs(text: str) -> None:
    try:
        parse_math(text)
    except ParseError as exc:
        assert exc.column is not None


@pytest.mark.parametrize(
    "text,build",
    [
        ("sigma^2", lambda: S("sigma") ** 2),  # a variance, not the function
        ("sigma_1", lambda: S("sigma_1")),
        ("sigma^2(x)", lambda: sigma(x) ** 2),
        (r"\sigma^2", lambda: S("sigma") ** 2),
        (r"\sigma^2(x)", lambda: sigma(x) ** 2),
        ("delta_1", lambda: S("delta_1")),
        ("Phi", lambda: S("Phi")),
    ],
)
def test_greek_letter_or_function(text: str, build: Any) -> None:
    assert parse_math(text).expr == build()


def test_latex_mode_reads_a_plain_sigma_as_the_sigmoid() -> None:
    from dlquiz.symbolic import check_equivalence

    result = check_equivalence(expected=r"\frac{1}{1+e^{-x}}", given="sigma(x)", latex=True)
    assert result.verdict.value == "equal"


@pytest.mark.parametrize(
    "candidate",
    ["e^(o_i)/sum_{k=1}^K e^(o_k)", "exp(o_i)/sum_{k=1}^{K} exp(o_k)", r"\frac{e^{o_i}}{\sum_{k=1}^{K} e^{o_k}}"],
)
def test_sum_with_a_subscript_range_as_on_paper(candidate: str) -> None:
    from dlquiz.symbolic import check_equivalence

    result = check_equivalence(expected="exp(o_i)/sum(exp(o_k), k, 1, K)", given=candidate)
    assert result.verdict.value == "equal"


def test_sech_is_one_over_cosh() -> None:
    from dlquiz.symbolic import check_equivalence

    assert check_equivalence(expected="1 - tanh(x)^2", given="sech(x)^2").verdict.value == "equal"
    assert check_equivalence(expected="1 - tanh(x)^2", given="sech(x)").verdict.value == "not_equal"
