"""Matrix values for matrix mode: small dense matrices of floats and the forward pass.

`MatrixModel` holds the declared shapes, the forward pass (`let` lines) and random values for
the free names (plain Python floats; no NumPy in the symbolic engine), evaluates matexpr trees
with broadcasting (a number, a column such as a bias over a batch, a row), and computes the
true gradient ∂L/∂X by central finite differences of the forward pass (the oracle for `dX`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Union

from dlquiz.i18n import lazy
from dlquiz.symbolic.matexpr import Node, Unsupported, show

RTOL, ATOL = 1e-5, 1e-7


class ShapeError(Exception):
    """Two operands whose shapes do not fit; `node` is the offending sub-expression."""

    def __init__(self, message: str, node: Node | None = None) -> None:
        super().__init__(message)
        self.node = node


class Mat:
    """A small dense matrix of floats (rows of equal length)."""

    __slots__ = ("rows",)

    def __init__(self, rows: list[list[float]]) -> None:
        self.rows = rows

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.rows[0]) if self.rows else 0

    def map(self, f: Callable[[float], float]) -> Mat:
        return Mat([[f(x) for x in r] for r in self.rows])

    def t(self) -> Mat:
        return Mat([list(c) for c in zip(*self.rows, strict=True)])

    def entries(self) -> list[float]:
        return [x for r in self.rows for x in r]

    def copy(self) -> Mat:
        return Mat([list(r) for r in self.rows])


Value = Union[float, Mat]  # noqa: UP007 - a runtime alias


def shape_of(v: Value) -> tuple[int, ...]:
    """() for a number, (rows, cols) for a matrix; a 1×1 matrix counts as a number."""
    return () if not isinstance(v, Mat) or v.shape == (1, 1) else v.shape


def num(v: Value) -> float:
    return v.rows[0][0] if isinstance(v, Mat) else v


def _zip(a: Value, b: Value, f: Callable[[float, float], float], node: Node, describe: Callable[[], str]) -> Value:
    """Elementwise with broadcasting of a number, a column or a row."""
    if shape_of(a) == ():
        x = num(a)
        return b.map(lambda y: f(x, y)) if isinstance(b, Mat) else f(x, b)
    if shape_of(b) == ():
        y = num(b)
        assert isinstance(a, Mat)
        return a.map(lambda x: f(x, y))
    assert isinstance(a, Mat) and isinstance(b, Mat)
    (ra, ca), (rb, cb) = a.shape, b.shape
    if ra == rb and (ca == cb or 1 in (ca, cb)) or ca == cb and 1 in (ra, rb):
        rows, cols = max(ra, rb), max(ca, cb)
        return Mat([[f(a.rows[i % ra][j % ca], b.rows[i % rb][j % cb]) for j in range(cols)] for i in range(rows)])
    raise ShapeError(describe(), node)


def _matmul(a: Value, b: Value, node: Node, describe: Callable[[], str]) -> Value:
    if shape_of(a) == ():
        x = num(a)
        return b.map(lambda y: x * y) if isinstance(b, Mat) else x * b
    if shape_of(b) == ():
        y = num(b)
        assert isinstance(a, Mat)
        return a.map(lambda x: x * y)
    assert isinstance(a, Mat) and isinstance(b, Mat)
    if a.shape[1] != b.shape[0]:
        raise ShapeError(describe(), node)
    cols = list(zip(*b.rows, strict=True))
    return Mat([[math.fsum(x * y for x, y in zip(r, c, strict=True)) for c in cols] for r in a.rows])


def _sig(x: float) -> float:
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


def _g(x: float) -> float:  # a generic smooth activation: an identity must hold for any g
    return math.sin(x) + 0.25 * x * x


def _log(x: float) -> float:
    if x <= 0:
        raise Unsupported(lazy("log of a value ≤ 0 at the random matrices"))
    return math.log(x)


def _sqrt(x: float) -> float:
    if x < 0:
        raise Unsupported(lazy("√ of a negative value at the random matrices"))
    return math.sqrt(x)


ELEMENTWISE: dict[str, Callable[[float], float]] = {
    "sigma": _sig,
    "sigma'": lambda x: _sig(x) * (1 - _sig(x)),
    "tanh": math.tanh,
    "tanh'": lambda x: 1 - math.tanh(x) ** 2,
    "relu": lambda x: max(x, 0.0),
    "relu'": lambda x: 1.0 if x > 0 else 0.0,
    "exp": math.exp,
    "exp'": math.exp,
    "log": _log,
    "log'": lambda x: 1 / x,
    "sqrt": _sqrt,
    "g": _g,
    "g'": lambda x: math.cos(x) + 0.5 * x,
    "f": math.tanh,
    "f'": lambda x: 1 - math.tanh(x) ** 2,
}


def _softmax(v: Value) -> Value:
    if not isinstance(v, Mat):
        return 1.0
    cols = []
    for c in v.t().rows:
        top = max(c)
        ex = [math.exp(x - top) for x in c]
        s = math.fsum(ex)
        cols.append([x / s for x in ex])
    return Mat(cols).t()


def _diag(v: Value) -> Value:
    if not isinstance(v, Mat):
        return v
    r, c = v.shape
    if c == 1:
        return Mat([[v.rows[i][0] if i == j else 0.0 for j in range(r)] for i in range(r)])
    if r == c:
        return Mat([[v.rows[i][i]] for i in range(r)])
    raise Unsupported(lazy("diag of a non-square matrix"))


@dataclass
class MatrixModel:
    """Declared shapes, the forward pass (`let` lines) and random values for the free names."""

    shapes: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (rows, cols)
    scalars: set[str] = field(default_factory=set)
    lets: list[tuple[str, Node]] = field(default_factory=list)
    seed: int = 0
    _dims: dict[str, int] = field(default_factory=dict)
    _values: dict[str, Value] = field(default_factory=dict)
    _grads: dict[str, Value] = field(default_factory=dict)

    def declare(self, name: str, rows: str, cols: str) -> None:
        self.shapes[name] = (rows, cols)

    def define(self, name: str, node: Node) -> None:
        self.lets.append((name, node))
        self._values.clear()
        self._grads.clear()

    def dim(self, d: str) -> int:
        """A size: distinct sizes 2…7 so that a wrong product cannot fit by accident."""
        if d.isdigit():
            return int(d)
        if d not in self._dims:
            self._dims[d] = (2, 3, 4, 5, 6, 7)[len(self._dims) % 6]
        return self._dims[d]

    def shape_text(self, shape: tuple[int, ...]) -> str:
        if not shape:
            return "a number"
        back = {v: k for k, v in self._dims.items()}
        return "×".join(back.get(n, str(n)) for n in shape)

    def free_values(self) -> dict[str, Value]:
        if not self._values:
            rng = random.Random(self.seed)
            for name, (r, c) in sorted(self.shapes.items()):
                if name in self.scalars:
                    self._values[name] = rng.uniform(-1.5, 1.5)
                    continue
                rows, cols = self.dim(r), self.dim(c)
                self._values[name] = Mat([[rng.uniform(-1.5, 1.5) for _ in range(cols)] for _ in range(rows)])
        return self._values

    def forward(self, override: Mapping[str, Value] | None = None) -> dict[str, Value]:
        """Values of every name after the forward pass (an override replaces a name)."""
        env: dict[str, Value] = dict(self.free_values())
        if override:
            env.update(override)
        for name, node in self.lets:
            if override and name in override:
                continue
            env[name] = self.evaluate(node, env)
        return env

    def loss_name(self) -> str | None:
        return next((n for n, _ in self.lets if n in ("L", "J", "l", "ℓ")), None)

    def upstream(self) -> tuple[str, str] | None:
        """The given upstream gradient `dY` of a defined `Y` when no loss is written."""
        defined = [n for n, _ in self.lets]
        return next(((n, n[1:]) for n in self.shapes if n.startswith("d") and n[1:] in defined), None)

    def loss(self, env: Mapping[str, Value]) -> float:
        name = self.loss_name()
        if name is not None:
            v = env[name]
            return math.fsum(v.entries()) if isinstance(v, Mat) else v
        up = self.upstream()
        if up is None:
            raise Unsupported(
                lazy("no loss: define `let L = …` or declare the upstream gradient {gradient}", gradient="dY")
            )
        prod = _zip(env[up[0]], env[up[1]], lambda x, y: x * y, Node("name"), lambda: "shapes")
        return math.fsum(prod.entries()) if isinstance(prod, Mat) else prod

    def gradient(self, target: str) -> Value:
        """∂L/∂target by central differences (the oracle, independent of the steps)."""
        if target in self._grads:
            return self._grads[target]
        base = self.forward()
        if target not in base:
            raise KeyError(target)
        x0 = base[target]
        h = 1e-6

        def at(v: Value) -> float:
            return self.loss(self.forward({target: v}))

        if not isinstance(x0, Mat):
            grad: Value = (at(x0 + h) - at(x0 - h)) / (2 * h)
        else:
            r, c = x0.shape
            rows = [[0.0] * c for _ in range(r)]
            for i in range(r):
                for j in range(c):
                    up, down = x0.copy(), x0.copy()
                    up.rows[i][j] += h
                    down.rows[i][j] -= h
                    rows[i][j] = (at(up) - at(down)) / (2 * h)
            grad = Mat(rows)
        self._grads[target] = grad
        return grad

    def dimension_names(self) -> set[str]:
        return {d for shape in self.shapes.values() for d in shape if not d.isdigit()}

    def knows(self, name: str) -> bool:
        if name in self.shapes or any(n == name for n, _ in self.lets):
            return True
        return name in self.dimension_names() or self.is_gradient(name)

    def is_gradient(self, name: str) -> bool:
        if not name.startswith("d") or name in self.shapes:
            return False
        target = name[1:]
        return target in self.shapes or any(n == target for n, _ in self.lets)

    def value_of(self, name: str, env: Mapping[str, Value]) -> Value:
        if name in env:
            return env[name]
        if self.is_gradient(name):
            return self.gradient(name[1:])
        if name in self.dimension_names():
            return float(self.dim(name))
        raise ShapeError(lazy("unknown name {name}: declare it (matrix/vector) or define it (let)", name=repr(name)))

    def evaluate(self, node: Node, env: Mapping[str, Value] | None = None) -> Value:
        """Value of an expression; raises ShapeError at the first operation whose shapes do not
        fit, Unsupported for what cannot be checked."""
        env = self.forward() if env is None else env
        op = node.op
        if op == "num":
            return float(node.value)
        if op == "name":
            return self.value_of(node.value, env)
        vals = [self.evaluate(a, env) for a in node.args]
        if op == "T":
            return vals[0].t() if isinstance(vals[0], Mat) else vals[0]
        if op == "neg":
            return vals[0].map(lambda x: -x) if isinstance(vals[0], Mat) else -vals[0]
        if op == "norm":
            v = vals[0]
            return math.sqrt(math.fsum(x * x for x in v.entries())) if isinstance(v, Mat) else abs(v)
        if op == "pow":
            return self._power(node, vals[0])
        if op == "call":
            return self._call(node, vals)
        a, b = vals

        def describe(word: str) -> Callable[[], str]:
            def text() -> str:
                fields = {
                    "a": show(node.args[0]),
                    "a_shape": self.shape_text(shape_of(a)),
                    "b": show(node.args[1]),
                    "b_shape": self.shape_text(shape_of(b)),
                }
                if word == "times":
                    return lazy("{a} ({a_shape}) times {b} ({b_shape}): the inner sizes differ", **fields)
                if word == "plus":
                    return lazy("{a} ({a_shape}) plus {b} ({b_shape}): the shapes differ", **fields)
                if word == "minus":
                    return lazy("{a} ({a_shape}) minus {b} ({b_shape}): the shapes differ", **fields)
                if word == "divided by":
                    return lazy("{a} ({a_shape}) divided by {b} ({b_shape}): the shapes differ", **fields)
                return lazy("{a} ({a_shape}) ⊙ {b} ({b_shape}): the shapes differ", **fields)

            return text

        if op == "div":  # elementwise, with the broadcasting of a sum (numpy's a / b)

            def divide(x: float, y: float) -> float:
                if y == 0:
                    raise Unsupported(lazy("division by 0 at the random matrices"))
                return x / y

            return _zip(a, b, divide, node, describe("divided by"))
        if op == "matmul":
            return _matmul(a, b, node, describe("times"))
        fn: dict[str, Callable[[float, float], float]] = {
            "add": lambda x, y: x + y,
            "sub": lambda x, y: x - y,
            "hadamard": lambda x, y: x * y,
        }
        if op in fn:
            word = {"add": "plus", "sub": "minus", "hadamard": "⊙"}[op]
            return _zip(a, b, fn[op], node, describe(word))
        raise Unsupported(lazy("the operation {op}", op=op))  # pragma: no cover

    def _power(self, node: Node, v: Value) -> Value:
        try:
            k = float(node.value)
        except ValueError:
            raise Unsupported(lazy("the power ^{power}", power=node.value)) from None
        if isinstance(v, Mat) and v.shape[0] == v.shape[1] and v.shape != (1, 1):
            base = show(node.args[0])
            raise Unsupported(
                lazy(
                    "{power} of a square matrix: write {product} for the product or {elementwise} elementwise",
                    power=show(node),
                    product=f"{base} {base}",
                    elementwise=f"{base} ⊙ {base}",
                )
            )
        if not k.is_integer():
            raise Unsupported(lazy("the power ^{power} (whole numbers only)", power=node.value))
        return v.map(lambda x: x ** int(k)) if isinstance(v, Mat) else v ** int(k)

    def _call(self, node: Node, vals: list[Value]) -> Value:
        name, v = node.value, vals[0]
        if len(vals) != 1:
            raise Unsupported(lazy("{name} with {n} arguments", name=name, n=len(vals)))
        if name == "sum":
            return math.fsum(v.entries()) if isinstance(v, Mat) else v
        if name == "rowsum":
            return Mat([[math.fsum(r)] for r in v.rows]) if isinstance(v, Mat) else v
        if name == "trace":
            if isinstance(v, Mat) and v.shape[0] != v.shape[1]:
                raise ShapeError(
                    lazy(
                        "trace of a non-square {name} ({shape})",
                        name=show(node.args[0]),
                        shape=self.shape_text(v.shape),
                    ),
                    node,
                )
            return math.fsum(v.rows[i][i] for i in range(v.shape[0])) if isinstance(v, Mat) else v
        if name == "softmax":
            return _softmax(v)
        if name == "diag":
            return _diag(v)
        if name == "norm2":
            if isinstance(v, Mat) and 1 not in v.shape:
                raise Unsupported(lazy("the spectral norm ‖M‖₂ of a matrix (use ‖M‖ or ‖M‖_F)"))
            return math.sqrt(math.fsum(x * x for x in v.entries())) if isinstance(v, Mat) else abs(v)
        f = ELEMENTWISE.get(name)
        if f is None:
            raise Unsupported(lazy("the function {name}", name=name))
        try:
            return v.map(f) if isinstance(v, Mat) else f(v)
        except (OverflowError, ValueError, ZeroDivisionError):
            raise Unsupported(lazy("{name} overflows at the random matrices", name=name)) from None

    def expected_shape(self, name: str) -> tuple[int, ...] | None:
        """The shape a gradient name must have (that of the variable it differentiates)."""
        if not self.is_gradient(name):
            return None
        return shape_of(self.forward()[name[1:]])


def allclose(a: Value, b: Value) -> bool:
    """Equal entry by entry up to RTOL/ATOL (shapes must match)."""
    if shape_of(a) != shape_of(b):
        return False
    ea = a.entries() if isinstance(a, Mat) else [a]
    eb = b.entries() if isinstance(b, Mat) else [b]
    return all(abs(x - y) <= ATOL + RTOL * abs(y) for x, y in zip(ea, eb, strict=True))
