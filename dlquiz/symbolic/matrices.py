"""Shape-aware matrix steps: `dW = dz a_prevᵀ`, `da_prev = Wᵀ dz`, `dz = da ⊙ σ′(z)`.

Scalar SymPy cannot tell `dz a` from `a dz` (its products commute), so matrix steps are read
by a small reader of matrix algebra (names, products, transposes, elementwise functions) and
checked with random NumPy matrices of small, pairwise different sizes. A name `dX` stands for
the gradient ∂L/∂X; its true value comes from central finite differences of the forward pass
(the `let` lines), which is independent of what the student wrote. A gradient must have the
shape of the thing it is taken with respect to.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dlquiz.errors import ParseError

Array = Any  # numpy ndarray (2-D) or a float


class ShapeError(Exception):
    """Two operands whose shapes do not fit; `node` is the offending sub-expression."""

    def __init__(self, message: str, node: Node | None = None) -> None:
        super().__init__(message)
        self.node = node


# ----------------------------------------------------------------------------- expressions


@dataclass(frozen=True)
class Node:
    """A node of a matrix expression: op is name, num, matmul, hadamard, add, sub, neg, div,
    scale, T (transpose), call."""

    op: str
    args: tuple[Node, ...] = ()
    value: str = ""
    column: int = 0

    def __str__(self) -> str:
        return show(self)


_PREC = {"add": 1, "sub": 1, "matmul": 2, "hadamard": 2, "div": 2, "neg": 3, "T": 4}


def show(node: Node, parent: int = 0) -> str:
    """Unicode text of an expression (ᵀ, ⊙, juxtaposition for products)."""
    op = node.op
    if op in ("name", "num"):
        return node.value
    if op == "call":
        return f"{node.value}({', '.join(show(a) for a in node.args)})"
    if op == "T":
        inner = show(node.args[0], 4)
        return f"{inner}ᵀ"
    if op == "neg":
        text = "−" + show(node.args[0], 3)
    else:
        sym = {"add": " + ", "sub": " − ", "matmul": " ", "hadamard": " ⊙ ", "div": "/"}[op]
        left = show(node.args[0], _PREC[op])
        right = show(node.args[1], _PREC[op] + (1 if op in ("sub", "div") else 0))
        # a product inside a ⊙ (or the reverse) keeps its parentheses: (Wᵀ g) ⊙ h
        if op in ("matmul", "hadamard"):
            other = "hadamard" if op == "matmul" else "matmul"
            if node.args[0].op == other:
                left = f"({left})"
            if node.args[1].op == other:
                right = f"({right})"
        text = left + sym + right
    return f"({text})" if _PREC[op] < parent else text


_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)"
    r"|(?P<name>[A-Za-z_\u0370-\u03ff][A-Za-z0-9_\u0370-\u03ff]*(?:\{[^{}]*\})?'*′*)"
    r"|(?P<op>\^\{?T\}?|ᵀ|\.T\b|\.\*|[-+*/@(),⊙∘⋅·−]))"
)
_FUNCS = {"sigma", "σ", "tanh", "relu", "exp", "log", "g", "f", "sum"}


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            col = pos + len(text[pos:]) - len(text[pos:].lstrip())
            raise ParseError(f"unexpected {text[col]!r} in a matrix expression", col + 1, text)
        kind = m.lastgroup or "op"
        tok = m.group(kind)
        out.append((kind, tok, m.start(kind) + 1))
        pos = m.end()
    return out


class _Reader:
    """Recursive descent over: sum of terms; a term is a product of postfix factors."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str, int]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def fail(self, msg: str) -> ParseError:
        tok = self.peek()
        col = tok[2] if tok else len(self.text) + 1
        return ParseError(msg, col, self.text)

    def expr(self) -> Node:
        node = self.term()
        while (tok := self.peek()) and tok[1] in "+-−":
            self.take()
            right = self.term()
            node = Node("add" if tok[1] == "+" else "sub", (node, right), column=tok[2])
        return node

    def term(self) -> Node:
        tok = self.peek()
        if tok and tok[1] in "-−":
            self.take()
            return Node("neg", (self.term(),), column=tok[2])
        node = self.postfix()
        while (tok := self.peek()) is not None:
            kind, val, col = tok
            if val in ("⊙", "∘", ".*"):
                self.take()
                node = Node("hadamard", (node, self.postfix()), column=col)
            elif val in ("*", "@", "⋅", "·"):
                self.take()
                node = Node("matmul", (node, self.postfix()), column=col)
            elif val == "/":
                self.take()
                node = Node("div", (node, self.postfix()), column=col)
            elif kind in ("name", "num") or val == "(":
                node = Node("matmul", (node, self.postfix()), column=col)  # juxtaposition
            else:
                break
        return node

    def postfix(self) -> Node:
        node = self.atom()
        while (tok := self.peek()) and tok[1] in ("^T", "^{T}", "ᵀ", ".T"):
            self.take()
            node = Node("T", (node,), column=tok[2])
        return node

    def atom(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise self.fail("the expression ends too early")
        kind, val, col = self.take()
        if kind == "num":
            return Node("num", value=val, column=col)
        if val == "(":
            node = self.expr()
            if not (t := self.peek()) or t[1] != ")":
                raise self.fail("missing ')'")
            self.take()
            return node
        if kind == "name":
            name = _norm_name(val)
            if (t := self.peek()) and t[1] == "(" and _is_func(name):
                self.take()
                args = [self.expr()]
                while (t := self.peek()) and t[1] == ",":
                    self.take()
                    args.append(self.expr())
                if not (t := self.peek()) or t[1] != ")":
                    raise self.fail("missing ')' after the function's argument")
                self.take()
                return Node("call", tuple(args), value=name, column=col)
            return Node("name", value=name, column=col)
        raise ParseError(f"unexpected {val!r}", col, self.text)


def _norm_name(name: str) -> str:
    name = name.replace("′", "'").replace("{", "").replace("}", "")
    return "sigma" + name[1:] if name.startswith("σ") else name


def _is_func(name: str) -> bool:
    return name.rstrip("'") in _FUNCS


def read_matrix_expr(text: str) -> Node:
    """Read one matrix expression; raises ParseError with the 1-based column."""
    reader = _Reader(text)
    node = reader.expr()
    if reader.peek() is not None:
        raise reader.fail(f"unexpected {reader.peek()[1]!r}")  # type: ignore[index]
    return node


def names_in(node: Node) -> set[str]:
    """Every name an expression refers to."""
    if node.op == "name":
        return {node.value}
    return set().union(*(names_in(a) for a in node.args)) if node.args else set()


# ----------------------------------------------------------------------------- evaluation


def _g(x: Array) -> Array:  # a generic smooth activation: an identity must hold for any g
    return np.sin(x) + 0.25 * x * x


_ELEMENTWISE: dict[str, Callable[[Array], Array]] = {
    "sigma": lambda x: 1 / (1 + np.exp(-x)),
    "sigma'": lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2,
    "tanh": np.tanh,
    "tanh'": lambda x: 1 - np.tanh(x) ** 2,
    "relu": lambda x: np.maximum(x, 0.0),
    "relu'": lambda x: (np.asarray(x) > 0).astype(float),
    "exp": np.exp,
    "exp'": np.exp,
    "log": np.log,
    "log'": lambda x: 1 / x,
    "g": _g,
    "g'": lambda x: np.cos(x) + 0.5 * x,
    "f": np.tanh,
    "f'": lambda x: 1 - np.tanh(x) ** 2,
}


def _shape(v: Array) -> tuple[int, ...]:
    return tuple(np.shape(v))


def _is_scalar(v: Array) -> bool:
    return np.ndim(v) == 0 or _shape(v) == (1, 1) and False


@dataclass
class MatrixModel:
    """Declared shapes, the forward pass (`let` lines) and random values for the free names."""

    shapes: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (rows, cols)
    lets: list[tuple[str, Node]] = field(default_factory=list)
    seed: int = 0
    _dims: dict[str, int] = field(default_factory=dict)
    _values: dict[str, Array] = field(default_factory=dict)
    _grads: dict[str, Array] = field(default_factory=dict)

    def declare(self, name: str, rows: str, cols: str) -> None:
        self.shapes[name] = (rows, cols)

    def define(self, name: str, node: Node) -> None:
        self.lets.append((name, node))

    # dimensions: distinct sizes so that a wrong product cannot fit by accident
    def dim(self, d: str) -> int:
        if d.isdigit():
            return int(d)
        if d not in self._dims:
            self._dims[d] = (2, 3, 4, 5, 6, 7)[len(self._dims) % 6] if d != "1" else 1
        return self._dims[d]

    def shape_text(self, shape: tuple[int, ...]) -> str:
        back = {v: k for k, v in self._dims.items()}
        return "×".join(back.get(n, str(n)) for n in shape)

    def free_values(self) -> dict[str, Array]:
        if not self._values:
            rng = np.random.default_rng(self.seed)
            for name, (r, c) in sorted(self.shapes.items()):
                self._values[name] = rng.uniform(-1.5, 1.5, size=(self.dim(r), self.dim(c)))
            # dimension names may be used as scalars (1/m)
        return self._values

    def forward(self, override: Mapping[str, Array] | None = None) -> dict[str, Array]:
        """Values of every name after the forward pass (an override replaces a name)."""
        env: dict[str, Array] = dict(self.free_values())
        if override:
            env.update(override)
        for name, node in self.lets:
            if override and name in override:
                continue
            env[name] = self.evaluate(node, env)
        return env

    def loss_name(self) -> str | None:
        for name, _ in self.lets:
            if name in ("L", "J", "l", "ℓ"):
                return name
        return None

    def upstream(self) -> tuple[str, str] | None:
        """The given upstream gradient `dY` of a defined `Y` when no loss is written."""
        defined = [n for n, _ in self.lets]
        for name in self.shapes:
            if name.startswith("d") and name[1:] in defined:
                return name, name[1:]
        return None

    def loss(self, env: Mapping[str, Array]) -> float:
        name = self.loss_name()
        if name is not None:
            return float(np.sum(env[name]))
        up = self.upstream()
        if up is None:
            raise ShapeError("no loss: define `let L = …` or declare the upstream gradient dY")
        return float(np.sum(env[up[0]] * env[up[1]]))

    def gradient(self, target: str) -> Array:
        """∂L/∂target by central differences (the oracle, independent of the steps)."""
        if target in self._grads:
            return self._grads[target]
        base = self.forward()
        if target not in base:
            raise KeyError(target)
        x0 = np.array(base[target], dtype=float)
        grad = np.zeros_like(x0)
        h = 1e-6
        for idx in np.ndindex(x0.shape):
            for sign in (1, -1):
                x = x0.copy()
                x[idx] += sign * h
                grad[idx] += sign * self.loss(self.forward({target: x}))
        grad /= 2 * h
        self._grads[target] = grad
        return grad

    def dimension_names(self) -> set[str]:
        return {d for shape in self.shapes.values() for d in shape if not d.isdigit()}

    def knows(self, name: str) -> bool:
        if name in self.shapes or any(n == name for n, _ in self.lets):
            return True
        if name in self.dimension_names():
            return True
        return self.is_gradient(name)

    def is_gradient(self, name: str) -> bool:
        if not name.startswith("d") or name in self.shapes:
            return False
        target = name[1:]
        return target in self.shapes or any(n == target for n, _ in self.lets)

    def value_of(self, name: str, env: Mapping[str, Array]) -> Array:
        if name in env:
            return env[name]
        if self.is_gradient(name):
            return self.gradient(name[1:])
        if name in self._dims or name in self.dimension_names():
            return float(self.dim(name))
        raise ShapeError(f"unknown name {name!r}: declare it (matrix/vector) or define it (let)")

    def evaluate(self, node: Node, env: Mapping[str, Array] | None = None) -> Array:
        """Value of an expression; raises ShapeError at the first product that does not fit."""
        env = self.forward() if env is None else env
        op = node.op
        if op == "num":
            return float(node.value)
        if op == "name":
            return self.value_of(node.value, env)
        vals = [self.evaluate(a, env) for a in node.args]
        if op == "T":
            v = vals[0]
            return v.T if np.ndim(v) else v
        if op == "neg":
            return -vals[0]
        if op == "call":
            if node.value == "sum":
                return np.sum(vals[0], axis=1, keepdims=True) if np.ndim(vals[0]) else vals[0]
            fn = _ELEMENTWISE.get(node.value)
            if fn is None:
                raise ShapeError(f"unknown function {node.value!r}", node)
            return fn(vals[0])
        a, b = vals
        sa, sb = _shape(a), _shape(b)
        if op == "div":
            if sb:
                raise ShapeError(f"division by a matrix ({show(node.args[1])})", node)
            return a / b
        if op == "matmul":
            if not sa or not sb:
                return a * b
            if sa[1] != sb[0]:
                raise ShapeError(
                    f"{show(node.args[0])} ({self.shape_text(sa)}) times "
                    f"{show(node.args[1])} ({self.shape_text(sb)}): the inner sizes differ",
                    node,
                )
            return a @ b
        if op in ("add", "sub", "hadamard"):
            if sa and sb and sa != sb and not (sa[0] == sb[0] and 1 in (sa[1], sb[1])):
                word = {"add": "plus", "sub": "minus", "hadamard": "⊙"}[op]
                raise ShapeError(
                    f"{show(node.args[0])} ({self.shape_text(sa)}) {word} "
                    f"{show(node.args[1])} ({self.shape_text(sb)}): the shapes differ",
                    node,
                )
            if op == "add":
                return a + b
            if op == "sub":
                return a - b
            return a * b
        raise ShapeError(f"unknown operation {op}", node)  # pragma: no cover

    def expected_shape(self, name: str) -> tuple[int, ...] | None:
        """The shape a gradient name must have (that of the variable it differentiates)."""
        if not self.is_gradient(name):
            return None
        return _shape(self.forward()[name[1:]])


def transpose_variants(node: Node) -> list[Node]:
    """The expression with one transpose added to (or removed from) one product operand."""
    out: list[Node] = []

    def walk(n: Node, rebuild: Callable[[Node], Node]) -> None:
        if n.op in ("name", "T", "call") or n.op == "matmul":
            flipped = n.args[0] if n.op == "T" else Node("T", (n,))
            out.append(rebuild(flipped))
        for i, child in enumerate(n.args):
            def sub(new: Node, i: int = i, n: Node = n) -> Node:
                args = list(n.args)
                args[i] = new
                return rebuild(Node(n.op, tuple(args), n.value, n.column))
            walk(child, sub)

    walk(node, lambda n: n)
    return out


# ----------------------------------------------------------------------------- checking lines


def _declare(model: MatrixModel, text: str, line: int, col: int) -> None:
    from dlquiz.symbolic.steps import _SHAPE, _line_error

    m = _SHAPE.match(text)
    if not m:
        raise _line_error(line, col, "expected e.g. 'matrix W: n1 x n0' or 'vector x: n0'", text)
    kind, dims = m.group("kind"), (m.group("dims") or "").strip()
    names = [n.strip() for n in m.group("names").split(",") if n.strip()]
    if kind == "scalar":
        shape = ("1", "1")
    elif kind == "vector":
        if not re.fullmatch(r"\w+", dims):
            raise _line_error(line, col + m.start("dims") if m.group("dims") else col,
                              "a vector needs one size, e.g. 'vector x: n0'", text)
        shape = (dims, "1")
    else:
        parts = re.split(r"\s*[x×*,]\s*", dims)
        if len(parts) != 2 or not all(re.fullmatch(r"\w+", p) for p in parts):
            raise _line_error(line, col + (m.start("dims") if m.group("dims") else 0),
                              "a matrix needs two sizes, e.g. 'matrix W: n1 x n0'", text)
        shape = (parts[0], parts[1])
    for name in names:
        model.declare(_norm_name(name), *shape)


def _read(text: str, line: int, col: int) -> Node:
    from dlquiz.symbolic.steps import _line_error

    try:
        return read_matrix_expr(text)
    except ParseError as exc:
        raise _line_error(line, col + (exc.column or 1) - 1, str(exc), text) from None


def check_matrix_lines(lines: list[Any], *, timeout: float = 3.0, seed: int = 0) -> list[Any]:
    """Check the steps of a derivation that declares shapes (lines from steps._split_lines)."""
    from dlquiz.symbolic.steps import (
        _LET,
        FORGOTTEN_TRANSPOSE,
        StepResult,
        _line_error,
        _pieces,
    )

    model = MatrixModel(seed=seed)
    results: list[StepResult] = []
    prev: tuple[Node, Array] | None = None
    want: tuple[int, ...] | None = None
    broken = False
    for ln in lines:
        if ln.kind == "shape":
            _declare(model, ln.text, ln.no, ln.col)
            results.append(StepResult(ln.no, ln.text, ln.text, "given"))
            continue
        if ln.kind == "assume":
            results.append(StepResult(ln.no, ln.text, ln.text, "given"))
            continue
        if ln.kind == "let":
            m = _LET.match(ln.text)
            if not m:
                raise _line_error(ln.no, ln.col, "expected 'let NAME = expression'", ln.text)
            node = _read(m.group("rhs"), ln.no, ln.col + m.start("rhs"))
            model.define(_norm_name(m.group("name").strip()), node)
            model._values.clear()
            model._grads.clear()
            results.append(StepResult(ln.no, ln.text, f"let {m.group('name').strip()} = "
                                      f"{show(node)}", "given"))
            continue
        pieces = _pieces(ln)
        if ln.kind == "cont":
            pieces = pieces[1:]
            if prev is None:
                raise _line_error(ln.no, ln.col, "a step starting with '=' needs a previous "
                                  "expression to continue", ln.text)
        nodes = []
        for text, col in pieces:
            if not text:
                raise _line_error(ln.no, col, "empty side of '='", ln.text)
            nodes.append(_read(text, ln.no, col))
        for node in nodes:
            for name in names_in(node):
                if model.knows(name):
                    continue
                col = ln.col + max(ln.text.find(name), 0)
                if name.startswith("d") and len(name) > 1:
                    raise _line_error(ln.no, col, f"unknown gradient {name!r}: nothing called "
                                      f"{name[1:]!r} is declared or defined", ln.text)
                raise _line_error(ln.no, col, f"unknown name {name!r}: declare its shape "
                                  f"('vector {name}: n0') or define it (let)", ln.text)
        pretty = " = ".join(show(n) for n in nodes)
        if ln.kind == "cont":
            pretty = "= " + pretty
        todo = nodes
        if ln.kind == "step":
            first = nodes[0]
            want = model.expected_shape(first.value) if first.op == "name" else None
            try:
                prev = (first, model.evaluate(first))
            except ShapeError as exc:
                results.append(StepResult(ln.no, ln.text, pretty, "fail", f"shape error: {exc}",
                                          rule=FORGOTTEN_TRANSPOSE, culprit=_node_text(exc)))
                broken = True
                prev = None
                continue
            except KeyError as exc:
                raise _line_error(ln.no, ln.col, f"unknown name {exc}", ln.text) from None
            todo = nodes[1:]
        if not todo:
            results.append(StepResult(ln.no, ln.text, pretty, "given"))
            continue
        status, msg, cex, rule, culprit = "ok", "checked with random matrices", None, None, None
        for node in todo:
            assert prev is not None
            status, msg, cex, rule, culprit, value = _compare_node(model, prev, node, want)
            prev = (node, value) if value is not None else prev
            if status == "fail":
                break
        if status == "ok" and broken:
            msg = "follows from the previous step (the chain broke earlier)"
        results.append(StepResult(ln.no, ln.text, pretty, status, msg, cex, rule, culprit))  # type: ignore[arg-type]
        broken = broken or status == "fail"
    return results


def _node_text(exc: ShapeError) -> str | None:
    return show(exc.node) if exc.node is not None else None


def _compare_node(model: MatrixModel, prev: tuple[Node, Array], node: Node,
                  want: tuple[int, ...] | None) -> tuple[str, str, Any, Any, Any, Any]:
    from dlquiz.symbolic.steps import FORGOTTEN_TRANSPOSE, SHAPE

    pnode, pval = prev
    target = want if want is not None else _shape(pval)
    try:
        value = model.evaluate(node)
    except ShapeError as exc:
        rule = FORGOTTEN_TRANSPOSE if _transpose_fixes(model, node, pval, target) else SHAPE
        return ("fail", f"shape error: {exc}", None, rule, _node_text(exc), None)
    if _shape(value) != target:
        rule = FORGOTTEN_TRANSPOSE if _transpose_fixes(model, node, pval, target) else SHAPE
        whose = f" ({show(pnode)} must have the shape of {pnode.value[1:]})" \
            if want is not None else ""
        return ("fail", f"shape error: {show(node)} is {model.shape_text(_shape(value))} but "
                f"{show(pnode)} is {model.shape_text(target)}{whose}", None, rule, show(node),
                value)
    if np.allclose(value, pval, rtol=1e-5, atol=1e-7):
        return ("ok", "checked with random matrices "
                + ", ".join(f"{k} = {v}" for k, v in sorted(model._dims.items())),
                None, None, None, value)
    diff = np.abs(np.asarray(value) - np.asarray(pval))
    idx = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.ndim else ()
    at: dict[str, Any] = dict(sorted(model._dims.items()))
    at["seed"] = model.seed
    if idx:
        at["entry"] = "(" + ", ".join(str(i + 1) for i in idx) + ")"
    pv = float(np.asarray(pval)[idx]) if idx else float(pval)
    tv = float(np.asarray(value)[idx]) if idx else float(value)
    cex = {"at": at, "previous": float(f"{pv:.6g}"), "this": float(f"{tv:.6g}")}
    entry = at.get("entry", "")
    if pnode.op == "name" and model.is_gradient(pnode.value):
        loss = model.loss_name() or "L"
        msg = (f"does not follow: with random matrices the true ∂{loss}/∂{pnode.value[1:]} "
               f"(finite differences) has entry {entry} = {cex['previous']}, this step gives "
               f"{cex['this']}")
    else:
        msg = (f"does not follow from the previous step: with random matrices, entry {entry} "
               f"is {cex['previous']} before and {cex['this']} here")
    slip = FORGOTTEN_TRANSPOSE if _transpose_fixes(model, node, pval, target) else None
    if slip is None and _activation_prime_fixes(model, node, pval):
        from dlquiz.symbolic.steps import MISSING_SIGMA_PRIME

        slip = MISSING_SIGMA_PRIME
    if slip is None and _time_range_fixes(model, node, pval):
        from dlquiz.symbolic.steps import BPTT_RANGE

        slip = BPTT_RANGE
    return ("fail", msg, cex, slip, None, value)


def _terms(node: Node) -> list[Node]:
    if node.op == "add":
        return _terms(node.args[0]) + _terms(node.args[1])
    return [node]


def _time_range_fixes(model: MatrixModel, node: Node, want_value: Array) -> bool:
    """A sum over time steps such as g3 h2ᵀ + g2 h1ᵀ that is right once every t is included."""
    pattern: set[tuple[str, str, int]] = set()
    steps: set[int] = set()
    for term in _terms(node):
        if term.op != "matmul" or term.args[0].op != "name":
            return False
        right = term.args[1]
        name_b = right.args[0] if right.op == "T" else right
        if name_b.op != "name":
            return False
        ma = re.fullmatch(r"(\D+)(\d+)", term.args[0].value)
        mb = re.fullmatch(r"(\D+)(\d+)", name_b.value)
        if not ma or not mb:
            return False
        t = int(ma.group(2))
        pattern.add((ma.group(1), mb.group(1), t - int(mb.group(2))))
        steps.add(t)
    if len(pattern) != 1:
        return False
    a, b, lag = pattern.pop()
    every = [t for t in range(0, 20) if model.knows(f"{a}{t}") and model.knows(f"{b}{t - lag}")]
    if set(every) == steps or not every:
        return False
    total: Node | None = None
    for t in every:
        bt = Node("name", value=f"{b}{t - lag}")
        term = Node("matmul", (Node("name", value=f"{a}{t}"),
                               Node("T", (bt,)) if _terms(node)[0].args[1].op == "T" else bt))
        total = term if total is None else Node("add", (total, term))
    try:
        v = model.evaluate(total) if total is not None else None
    except ShapeError:
        return False
    return v is not None and _shape(v) == _shape(want_value) and bool(
        np.allclose(v, want_value, rtol=1e-5, atol=1e-7))


def _activation_prime_fixes(model: MatrixModel, node: Node, want_value: Array) -> bool:
    """Whether `node ⊙ g′(z)` is right for an activation a = g(z) of the forward pass."""
    for _, forward in model.lets:
        if forward.op != "call" or forward.value + "'" not in _ELEMENTWISE:
            continue
        prime = Node("call", forward.args, value=forward.value + "'")
        try:
            v = model.evaluate(Node("hadamard", (node, prime)))
        except ShapeError:
            continue
        if _shape(v) == _shape(want_value) and np.allclose(v, want_value, rtol=1e-5, atol=1e-7):
            return True
    return False


def _transpose_fixes(model: MatrixModel, node: Node, want_value: Array,
                     target: tuple[int, ...]) -> bool:
    for variant in transpose_variants(node):
        try:
            v = model.evaluate(variant)
        except ShapeError:
            continue
        if _shape(v) == target and np.allclose(v, want_value, rtol=1e-5, atol=1e-7):
            return True
    return False
