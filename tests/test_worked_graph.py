"""backprop.graph: gradients of typed formulas against finite differences, SymPy and textbook values."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from dlquiz.errors import ParamError
from dlquiz.symbolic import parse_math
from dlquiz.worked import explain_text, generate_example

# the parser gives the structure as written (the graph keeps it) or only the normalised formula
WRITTEN = getattr(parse_math("x"), "tree", None) is not None

# (formula, point): every supported function at a point inside its domain
TABLE = [
    ("(x*y + z)^2", {"x": 1, "y": 2, "z": -1}),
    ("(x + y)*z", {"x": -2, "y": 5, "z": -4}),
    ("1/(1 + exp(-(w0*x0 + w1*x1 + w2)))", {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}),
    ("(x + sigma(y))/(sigma(x) + (x + y)^2)", {"x": 3, "y": -4}),
    ("x - y/z", {"x": 0.5, "y": 2, "z": 3}),
    ("ln(x) + sqrt(y) - abs(z)", {"x": 2, "y": 9, "z": -1.5}),
    ("tanh(a*b) + a", {"a": 0.3, "b": -1.2}),
    ("relu(w*x + b)", {"w": 2, "x": 1.5, "b": -1}),
    ("max(x, y)*z + min(x, y)", {"x": 1, "y": 3, "z": 2}),
    ("sin(x)*cos(y)", {"x": 0.7, "y": 1.1}),
    ("x^y", {"x": 1.7, "y": 2.5}),
    ("2^x + x^3", {"x": 1.3}),
    ("x*x + x", {"x": 3}),
    ("exp(-x^2/2)", {"x": 0.4}),
    ("-a - b*c", {"a": 1, "b": 2, "c": 3}),
    ("\\frac{1}{1 + e^{-x}}", {"x": 0.25}),
]


def _at(point: dict[str, float]) -> str:
    return ", ".join(f"{k}={v}" for k, v in point.items())


def _run(f: str, point: dict[str, float]) -> dict[str, float]:
    ex = generate_example("backprop.graph", {"f": f, "at": _at(point)})
    names = [k for k in point]
    return {n: ex.values[f"grad_{_canon(n)}"] for n in names} | {"__f": ex.values["f"]}


def _canon(name: str) -> str:
    from dlquiz.symbolic.tree import canonical_variable

    return canonical_variable(name)


@pytest.mark.parametrize(("f", "point"), TABLE)
def test_gradients_match_two_sided_differences(f: str, point: dict[str, float]) -> None:
    from dlquiz.symbolic.tree import parse_tree
    from dlquiz.worked.graph import _compile

    prog = _compile(parse_tree(f))
    env = {_canon(k): float(v) for k, v in point.items()}
    got = _run(f, point)
    h = 1e-6
    for name in point:
        c = _canon(name)
        up, dn = dict(env), dict(env)
        up[c] += h
        dn[c] -= h
        numeric = (prog.value(up) - prog.value(dn)) / (2 * h)
        assert got[name] == pytest.approx(numeric, rel=1e-5, abs=1e-6), (f, name)


@pytest.mark.parametrize(("f", "point"), TABLE)
def test_gradients_match_sympy_diff(f: str, point: dict[str, float]) -> None:
    import sympy

    from dlquiz.symbolic import parse_math
    from dlquiz.symbolic.functions import elementary

    real = {sympy.Symbol(_canon(k)): sympy.Symbol(_canon(k), real=True) for k in point}
    expr = elementary(parse_math(f).expr).xreplace(real)
    subs = {real[sympy.Symbol(_canon(k))]: sympy.Float(v, 30) for k, v in point.items()}
    got = _run(f, point)
    assert got["__f"] == pytest.approx(float(expr.subs(subs).evalf(30)), rel=1e-10, abs=1e-12)
    for name in point:
        d = sympy.diff(expr, real[sympy.Symbol(_canon(name))])
        exact = float(d.subs(subs).evalf(30))
        assert got[name] == pytest.approx(exact, rel=1e-9, abs=1e-12), (f, name)


def test_cs231n_example_node_by_node() -> None:
    # CS231n: f = (x + y)·z at x = −2, y = 5, z = −4: q = 3, f = −12, ∂f/∂x = ∂f/∂y = −4, ∂f/∂z = 3
    ex = generate_example("backprop.graph", {"f": "(x + y)*z", "at": "x=-2, y=5, z=-4"})
    v = ex.values
    assert (v["q"], v["f"]) == (3, -12)
    assert (v["grad_x"], v["grad_y"], v["grad_z"]) == (-4, -4, 3)
    assert v["grad_q"] == -4  # the multiply gate swaps: ∂f/∂q = z
    assert sorted(ex.answer) == [-4, -4, 3]  # inputs in the order the graph meets them
    if WRITTEN:
        assert ex.answer == [-4, -4, 3]
        assert [s.formula for s in ex.steps[1:3]] == ["q = x + y = -2 + 5 = 3", "f = q·z = 3·(-4) = -12"]


def test_square_of_sum_example() -> None:
    # f = (x·y + z)² at 1, 2, −1: q = 2, r = 1, f = 1; ∂f/∂r = 2r = 2; ∂f/∂x = 2r·y = 4, ∂f/∂y = 2r·x = 2, ∂f/∂z = 2
    ex = generate_example("backprop.graph")
    v = ex.values
    assert (v["q"], v["r"], v["f"]) == (2, 1, 1)
    assert v["df_dr"] == 2 and v["dr_dq"] == 1 and v["dq_dx"] == 2 and v["dq_dy"] == 1
    assert sorted(ex.answer) == [2, 2, 4]
    if WRITTEN:
        assert ex.answer == [4, 2, 2]
    names = [s.name for s in ex.steps]
    assert names.index("Forward q") < names.index("Forward r") < names.index("Forward f")
    assert names.index("Backward f") < names.index("Backward r") < names.index("Backward q")


def test_shared_input_gradients_add() -> None:
    ex = generate_example("backprop.graph", {"f": "x*x + x", "at": "x=3"})
    assert ex.values["grad_x"] == 7
    # written: x·x + x uses x three times; normalised: x² + x twice
    assert f"x is used {3 if WRITTEN else 2} times" in ex.steps[-1].note


def test_max_routes_and_relu_at_zero() -> None:
    ex = generate_example("backprop.graph", {"f": "max(x, y)", "at": "x=1, y=3"})
    assert (ex.values["grad_x"], ex.values["grad_y"]) == (0, 1)
    ex = generate_example("backprop.graph", {"f": "relu(x)", "at": "x=0"})
    assert ex.answer == [0]


def test_single_variable_and_vector_point() -> None:
    ex = generate_example("backprop.graph", {"f": "x", "at": "x=2"})
    assert ex.answer == [1]
    ex = generate_example("backprop.graph", {"f": "theta_1*theta_2", "at": "theta=[3, 4]"})
    assert ex.values["theta_1"] == 3
    assert (ex.values["grad_theta_1"], ex.values["grad_theta_2"]) == (4, 3)


def test_chinese_text() -> None:
    text = explain_text(generate_example("backprop.graph"), "zh")
    assert "前向 q" in text and "反向 r" in text and "加法门" in text


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"f": "foo(x)", "at": "x=1"}, "unknown name 'foo'"),
        ({"f": "erf(x)", "at": "x=1"}, "'erf' is not supported"),
        ({"f": "x*y", "at": "x=1"}, "no value for y"),
        ({"f": "x*y", "at": "x=1, y=2, w=3"}, "no variable w"),
        ({"f": "x", "at": "x=1, x=2"}, "given twice"),
        ({"f": "ln(x)", "at": "x=-1"}, "ln needs a positive argument"),
        ({"f": "x/y", "at": "x=1, y=0"}, "division by zero"),
        ({"f": "sqrt(x)", "at": "x=0"}, "infinite"),
        ({"f": "x", "at": "x=abc"}, "not a number"),
    ],
)
def test_bad_input_is_named(params: dict[str, str], fragment: str) -> None:
    with pytest.raises(ParamError) as err:
        generate_example("backprop.graph", params)
    assert fragment in str(err.value)


@pytest.mark.parametrize(
    ("sets", "fragment"),
    [
        (["f=foo(x)", "at=x=1"], "unknown name 'foo'"),
        (["f=x*y", "at=x=1"], "no value for y"),
        (["f=x*y", "at=x=1,y=2,z=3"], "no variable z"),
    ],
)
def test_cli_bad_input_exits_2_without_traceback(sets: list[str], fragment: str) -> None:
    args = [sys.executable, "-m", "dlquiz", "example", "backprop.graph"]
    for s in sets:
        args += ["--set", s]
    r = subprocess.run(args, capture_output=True, text=True, timeout=120, env={"NO_COLOR": "1", "PATH": ""})
    assert r.returncode == 2
    assert fragment in r.stderr
    assert "Traceback" not in r.stderr + r.stdout


def test_random_variants_are_reproducible_and_check_out() -> None:
    for seed in range(12):
        a = generate_example("backprop.graph", seed=seed)
        assert a.to_dict() == generate_example("backprop.graph", seed=seed).to_dict()
        assert all(math.isfinite(g) for g in a.answer)


def test_built_in_formulas_agree_with_the_parser() -> None:
    """The formulas random variants draw are built without the parser; they must be what it reads."""
    import random

    from dlquiz.symbolic.tree import parse_tree
    from dlquiz.worked.graph import _compile, _presets

    rng = random.Random(5)
    for text, built in _presets().items():
        parsed = parse_tree(text)
        assert built.variables == parsed.variables, text
        if WRITTEN:
            assert built.root == parsed.root, text
        a, b = _compile(built), _compile(parsed)
        for _ in range(5):
            env = {v: rng.uniform(0.5, 2.0) for v in built.variables}
            va, ga = a.gradient(env)
            vb, gb = b.gradient(env)
            assert va == pytest.approx(vb, rel=1e-12)
            assert ga == pytest.approx(gb, rel=1e-12)


def test_default_and_random_variants_need_no_sympy() -> None:
    code = (
        "import sys\n"
        "from dlquiz.worked import generate_example\n"
        "for s in [None, *range(20)]:\n"
        "    generate_example('backprop.graph', seed=s)\n"
        "    generate_example('opt.sgd', seed=s)\n"
        "assert 'sympy' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
