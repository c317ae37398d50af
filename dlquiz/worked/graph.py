"""Backprop on any expression: the computational graph of a typed formula, node by node.

The formula is read by the symbolic engine's bridge (`dlquiz.symbolic.tree`, imported only when a
formula is read) into a plain tree; this module evaluates and differentiates it with `math` only:
forward in topological order, backward in reverse, each input's gradient = upstream × local,
summed over its uses (the staged computation of CS231n).

The same engine (`compile_formula`, `Program.gradient`) gives the analytic gradient of
`gradcheck` and of the optimisers' objective functions.

Size: the evaluator, one local-derivative rule per node type and the step writer; each rule sits
beside its forward value.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from dlquiz.errors import DlquizError, ParamError
from dlquiz.i18n import N_, Lazy, lazy
from dlquiz.worked._core import Draw, Out, Params, ParamSpec, Step, _more_digits, fv, operands, paren, register

if TYPE_CHECKING:
    from dlquiz.symbolic.exprtree import Expr, Formula

# --------------------------------------------------------------------------- the engine


@dataclass(frozen=True)
class Program:
    """A formula compiled to a list of distinct nodes, children before parents (a DAG)."""

    nodes: tuple[Expr, ...]
    kids: tuple[tuple[int, ...], ...]
    root: int
    variables: tuple[str, ...]
    labels: dict[str, str]
    text: str
    pretty: str

    def forward(self, env: dict[str, float]) -> list[float]:
        """Every node's value (index as in `nodes`)."""
        vals: list[float] = []
        for node, kids in zip(self.nodes, self.kids, strict=True):
            vals.append(_value(node, [vals[k] for k in kids], env, self, len(vals)))
        return vals

    def local(self, i: int, vals: list[float]) -> list[float]:
        """The local gradients ∂node/∂child, one per child slot."""
        node = self.nodes[i]
        return _local(node, [vals[k] for k in self.kids[i]], vals[i], self, i)

    def backward(self, vals: list[float]) -> list[float]:
        """∂f/∂node for every node (f is the root), in one reverse sweep."""
        grads = [0.0] * len(self.nodes)
        grads[self.root] = 1.0
        for i in range(len(self.nodes) - 1, -1, -1):
            if not self.kids[i] or grads[i] == 0.0:
                continue
            for k, loc in zip(self.kids[i], self.local(i, vals), strict=True):
                grads[k] += grads[i] * loc
        return grads

    def value(self, env: dict[str, float]) -> float:
        """f at a point."""
        return self.forward(env)[self.root]

    def gradient(self, env: dict[str, float]) -> tuple[float, dict[str, float]]:
        """f and ∂f/∂v for every variable v at a point."""
        vals = self.forward(env)
        grads = self.backward(vals)
        out = {v: 0.0 for v in self.variables}
        for i, node in enumerate(self.nodes):
            if node.op == "var":
                out[node.name] = grads[i]
        return vals[self.root], out

    def label(self, name: str) -> str:
        """A variable as shown (w_1 -> w₁)."""
        return self.labels.get(name, name)


def _message(exc: BaseException) -> str:
    """The message of `exc`: its `lazy` message itself where it has one (so that it is translated too)."""
    first = exc.args[0] if len(exc.args) == 1 else None
    return first if isinstance(first, Lazy) else str(exc)


def compile_formula(text: str, where: str) -> Program:
    """Read a formula (ParamError naming `where` if it cannot be read or is not supported)."""
    try:
        return _compiled(text)
    except DlquizError as exc:
        raise ParamError(lazy("{where}: {error}", where=where, error=_message(exc))) from None


@functools.lru_cache(maxsize=256)
def _compiled(text: str) -> Program:
    preset = _presets().get(text)
    if preset is not None:  # a formula the generators draw: built here, no parser (and no SymPy) needed
        return _compile(preset)
    from dlquiz.symbolic.tree import parse_tree

    return _compile(parse_tree(text))


@functools.cache
def _presets() -> dict[str, Formula]:
    """The formulas random variants draw, as the parser reads them (a test checks they agree)."""
    from dlquiz.symbolic.exprtree import C, V, make_formula, node

    x, y, z, w, a, b = V("x"), V("y"), V("z"), V("w"), V("a"), V("b")
    w0, w1, w2, x0, x1 = V("w_0"), V("w_1"), V("w_2"), V("x_0"), V("x_1")
    one, two = C(1), C(2)
    trees = {
        "(x*y + z)^2": node("pow", node("add", node("mul", x, y), z), two),
        "(x + y)*z": node("mul", node("add", x, y), z),
        "1/(1 + exp(-(w0*x0 + w1*x1 + w2)))": node(
            "div",
            one,
            node("add", one, node("exp", node("neg", node("add", node("mul", w0, x0), node("mul", w1, x1), w2)))),
        ),
        "(x + sigma(y))/(sigma(x) + (x + y)^2)": node(
            "div",
            node("add", x, node("sigmoid", y)),
            node("add", node("sigmoid", x), node("pow", node("add", x, y), two)),
        ),
        "max(x, y)*z": node("mul", node("max", x, y), z),
        "relu(w*x + b)": node("relu", node("add", node("mul", w, x), b)),
        "tanh(a*b) + a": node("add", node("tanh", node("mul", a, b)), a),
        "(w1 - 3)^2 + 10*w2^2": node(
            "add",
            node("pow", node("add", w1, C(3), signs=(1, -1)), two),
            node("mul", C(10), node("pow", w2, two)),
        ),
        "(w - 3)^2": node("pow", node("add", w, C(3), signs=(1, -1)), two),
        "w1^2 + 4*w2^2 - 2*w1*w2": node(
            "add",
            node("pow", w1, two),
            node("mul", C(4), node("pow", w2, two)),
            node("mul", two, w1, w2),
            signs=(1, 1, -1),
        ),
        "(w1 + w2 - 1)^2": node("pow", node("add", w1, w2, one, signs=(1, 1, -1)), two),
    }
    return {text: make_formula(root, text) for text, root in trees.items()}


def _compile(formula: Formula) -> Program:
    index: dict[Expr, int] = {}
    nodes: list[Expr] = []
    kids: list[tuple[int, ...]] = []

    def visit(e: Expr) -> int:
        # iterative post-order, so deep formulas do not hit the recursion limit
        stack: list[tuple[Expr, bool]] = [(e, False)]
        while stack:
            node, done = stack.pop()
            if node in index:
                continue
            if done:
                index[node] = len(nodes)
                nodes.append(node)
                kids.append(tuple(index[a] for a in node.args))
                continue
            stack.append((node, True))
            for a in reversed(node.args):
                if a not in index:
                    stack.append((a, False))
        return index[e]

    root = visit(formula.root)
    return Program(
        tuple(nodes), tuple(kids), root, formula.variables, dict(formula.labels), formula.text, formula.pretty
    )


class _Domain(ParamError):
    """A value outside a function's domain (log of a negative number …)."""


def _where(prog: Program, i: int) -> str:
    return describe(prog, i, {})


def _value(node: Expr, a: list[float], env: dict[str, float], prog: Program, i: int) -> float:
    op = node.op
    if op == "var":
        return float(env[node.name])
    if op == "const":
        return float(node.value)
    if op == "add":
        return math.fsum(s * x for s, x in zip(node.signs, a, strict=True))
    if op == "mul":
        out = 1.0
        for x in a:
            out *= x
        return out
    if op == "div":
        if a[1] == 0:
            raise _Domain(lazy("division by zero in {node}", node=_where(prog, i)))
        return a[0] / a[1]
    if op == "neg":
        return -a[0]
    if op == "pow":
        return _pow(a[0], a[1], prog, i)
    if op == "exp":
        return math.exp(a[0])
    if op == "log":
        if a[0] <= 0:
            raise _Domain(
                lazy("ln needs a positive argument, got {value} in {node}", value=fv(a[0]), node=_where(prog, i))
            )
        return math.log(a[0])
    if op == "sqrt":
        if a[0] < 0:
            raise _Domain(
                lazy("√ needs a non-negative argument, got {value} in {node}", value=fv(a[0]), node=_where(prog, i))
            )
        return math.sqrt(a[0])
    if op == "abs":
        return abs(a[0])
    if op == "sigmoid":
        x = a[0]
        return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))
    if op == "tanh":
        return math.tanh(a[0])
    if op == "relu":
        return a[0] if a[0] > 0 else 0.0
    if op == "sin":
        return math.sin(a[0])
    if op == "cos":
        return math.cos(a[0])
    if op == "max":
        return max(a)
    if op == "min":
        return min(a)
    raise AssertionError(op)  # pragma: no cover - the bridge makes only these


def _pow(b: float, e: float, prog: Program, i: int) -> float:
    if b < 0 and not float(e).is_integer():
        raise _Domain(lazy("a negative number to a fractional power in {node}", node=_where(prog, i)))
    if b == 0 and e < 0:
        raise _Domain(lazy("0 to a negative power in {node}", node=_where(prog, i)))
    return float(b**e)


def _argbest(a: list[float], op: str) -> int:
    best = max(a) if op == "max" else min(a)
    return a.index(best)


def _local(node: Expr, a: list[float], out: float, prog: Program, i: int) -> list[float]:
    op = node.op
    if op == "add":
        return [float(s) for s in node.signs]
    if op == "mul":
        res = []
        for j in range(len(a)):
            p = 1.0
            for k, x in enumerate(a):
                if k != j:
                    p *= x
            res.append(p)
        return res
    if op == "div":
        return [1 / a[1], -a[0] / (a[1] * a[1])]
    if op == "neg":
        return [-1.0]
    if op == "pow":
        b, e = a
        if b == 0 and e < 1 and e != 0:
            raise _Domain(lazy("the gradient of {node} is infinite at 0", node=_where(prog, i)))
        db = e * _pow(b, e - 1, prog, i) if e != 0 else 0.0
        if node.args[1].op == "const":
            return [db, 0.0]
        if b <= 0:
            if out == 0:
                return [db, 0.0]
            raise _Domain(lazy("the exponent's gradient needs a positive base in {node}", node=_where(prog, i)))
        return [db, out * math.log(b)]
    if op == "exp":
        return [out]
    if op == "log":
        return [1 / a[0]]
    if op == "sqrt":
        if out == 0:
            raise _Domain(lazy("the gradient of {node} is infinite at 0", node=_where(prog, i)))
        return [1 / (2 * out)]
    if op == "abs":
        return [1.0 if a[0] > 0 else (-1.0 if a[0] < 0 else 0.0)]
    if op == "sigmoid":
        return [out * (1 - out)]
    if op == "tanh":
        return [1 - out * out]
    if op == "relu":
        return [1.0 if a[0] > 0 else 0.0]
    if op == "sin":
        return [math.cos(a[0])]
    if op == "cos":
        return [-math.sin(a[0])]
    if op in ("max", "min"):
        j = _argbest(a, op)
        return [1.0 if k == j else 0.0 for k in range(len(a))]
    return []


# --------------------------------------------------------------------------- reading values


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def read_number(text: str, where: str) -> float:
    """A number typed as text (decimals, 1e-3, a fraction 1/3, the Unicode minus); never evaluated."""
    t = text.strip().replace("−", "-")
    if "/" in t:
        num, _, den = t.partition("/")
        a, b = read_number(num, where), read_number(den, where)
        if b == 0:
            raise ParamError(lazy("{where}: division by zero in {text}", where=where, text=repr(text.strip())))
        return a / b
    if not _NUMBER.match(t):
        raise ParamError(lazy("{where}: {text} is not a number", where=where, text=repr(text.strip())))
    return float(t)


def read_point(text: str, prog: Program, where: str) -> dict[str, float]:
    """Values of the formula's variables from 'x=1, y=2, z=-1' (a vector: 'theta=[1, 2]' sets θ₁, θ₂).

    Every variable of the formula needs a value; a value for a name the formula does not use is refused.
    """
    out: dict[str, float] = {}
    body = text.strip()
    if not body:
        raise ParamError(lazy("{where}: no values given (write e.g. 'x=1, y=2')", where=where))
    # split on commas and semicolons outside brackets
    parts: list[str] = []
    depth, cur = 0, ""
    for ch in body:
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        if ch in ",;" and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    for part in parts:
        if not part.strip():
            continue
        if "=" not in part:
            raise ParamError(
                lazy(
                    "{where}: {text} is not 'name=value' (write e.g. 'x=1, y=2')", where=where, text=repr(part.strip())
                )
            )
        name_text, _, value_text = part.partition("=")
        name = _known_name(name_text.strip(), prog)
        if name is None:
            from dlquiz.symbolic.tree import canonical_variable

            try:
                name = canonical_variable(name_text)
            except DlquizError as exc:
                raise ParamError(lazy("{where}: {error}", where=where, error=_message(exc))) from None
        vt = value_text.strip()
        if vt.startswith("["):
            items = [x for x in re.split(r"[,\s]+", vt.strip("[]")) if x]
            for k, item in enumerate(items, 1):
                sub = f"{name}_{k}"
                at = lazy("{where}: {name}[{k}]", where=where, name=name_text.strip(), k=k)
                _put(out, sub, read_number(item, at), where, prog)
            continue
        _put(out, name, read_number(vt, lazy("{where}: {name}", where=where, name=name_text.strip())), where, prog)
    missing = [v for v in prog.variables if v not in out]
    if missing:
        raise ParamError(
            lazy(
                "{where}: no value for {missing} (the formula uses {uses})",
                where=where,
                missing=", ".join(prog.label(v) for v in missing),
                uses=", ".join(prog.label(v) for v in prog.variables),
            )
        )
    return out


def _known_name(name: str, prog: Program) -> str | None:
    """A typed name that is plainly one of the formula's variables (x, w1 for w_1), without the parser."""
    if name in prog.variables:
        return name
    m = re.fullmatch(r"([A-Za-z]+)_?(\d+)", name)
    if m and f"{m.group(1)}_{m.group(2)}" in prog.variables:
        return f"{m.group(1)}_{m.group(2)}"
    return None


def _put(out: dict[str, float], name: str, value: float, where: str, prog: Program) -> None:
    if name not in prog.variables:
        if not prog.variables:
            raise ParamError(
                lazy(
                    "{where}: the formula has no variable {name} (it uses no variables)",
                    where=where,
                    name=prog.label(name),
                )
            )
        uses = ", ".join(prog.label(v) for v in prog.variables)
        raise ParamError(
            lazy(
                "{where}: the formula has no variable {name} (it uses {uses})",
                where=where,
                name=prog.label(name),
                uses=uses,
            )
        )
    if name in out:
        raise ParamError(lazy("{where}: {name} is given twice", where=where, name=prog.label(name)))
    out[name] = value


# --------------------------------------------------------------------------- showing nodes

_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_FN_TEXT = {"exp": "exp", "log": "ln", "sigmoid": "σ", "tanh": "tanh", "relu": "relu", "sin": "sin", "cos": "cos"}


def _child_text(prog: Program, k: int, names: dict[int, str], vals: list[float] | None, extra: int = 0) -> str:
    node = prog.nodes[k]
    if vals is not None and node.op != "const":
        return _more_digits(vals[k], extra)
    if vals is not None or node.op == "const":
        v = vals[k] if vals is not None else node.value
        return fv(v)
    if node.op == "var":
        return prog.label(node.name)
    return names.get(k, describe(prog, k, names))


_PREC = {"add": 1, "neg": 2, "mul": 3, "div": 3, "pow": 5}


def _prec(prog: Program, k: int, names: dict[int, str], vals: list[float] | None) -> int:
    """How tightly a shown child binds: names, numbers and functions are atoms (9)."""
    if vals is not None or k in names:
        return 9
    return _PREC.get(prog.nodes[k].op, 9)


def describe(prog: Program, i: int, names: dict[int, str], vals: list[float] | None = None, extra: int = 0) -> str:
    """A node's operation on its inputs: 'x·y', 'q + z', 'r²'; with `vals`, the inputs' numbers.

    Inputs without a name in `names` are written out in full, so `describe(prog, root, {})` is the formula.
    `extra` more digits for the inputs' numbers (so that the shown operation gives the shown result).
    """
    node = prog.nodes[i]
    kids = prog.kids[i]

    def c(j: int, below: int = 0) -> str:
        """Child j, in parentheses when it binds less tightly than `below` or is a negative number."""
        t = _child_text(prog, kids[j], names, vals, extra)
        if _prec(prog, kids[j], names, vals) < below or (below and t.startswith("-")):
            return f"({t})"
        return t

    op = node.op
    if op == "var":
        return prog.label(node.name)
    if op == "const":
        return fv(node.value)
    if op == "add":
        out = ""
        for j, s in enumerate(node.signs):
            if j == 0:
                out = c(j) if s > 0 else f"−{c(j, 3)}"
            else:
                out += f" + {c(j, 2)}" if s > 0 else f" − {c(j, 2)}"
        return out
    if op == "mul":
        return "·".join(c(j, 3) for j in range(len(kids)))
    if op == "div":
        return f"{c(0, 3)}/{c(1, 4)}"
    if op == "neg":
        return f"−{c(0, 3)}" if vals is None else f"−({c(0)})"
    if op == "pow":
        ex = prog.nodes[kids[1]]
        base = c(0, 6)
        if ex.op == "const" and float(ex.value).is_integer() and 0 <= ex.value < 10:
            return base + str(int(ex.value)).translate(_SUP)
        return f"{base}^{c(1, 6)}"
    if op == "sqrt":
        return f"√{c(0, 6)}"
    if op == "abs":
        return f"|{c(0)}|"
    if op in ("max", "min"):
        return f"{op}({', '.join(c(j) for j in range(len(kids)))})"
    return f"{_FN_TEXT[op]}({c(0)})"


# --------------------------------------------------------------------------- the generator


_GATES: dict[str, str] = {
    "add": lazy(
        "add gate: distributes the upstream gradient to each input unchanged (a subtracted one gets its negative)"
    ),
    "mul": lazy("multiply gate: each input gets upstream × the other input (the inputs swap)"),
    "div": lazy("divide gate: ∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −a/b²"),
    "neg": lazy("negation: the local gradient is −1"),
    "pow": lazy("power: ∂(a^n)/∂a = n·a^(n − 1)"),
    "powvar": lazy("power with a variable exponent: ∂(a^b)/∂a = b·a^(b − 1), ∂(a^b)/∂b = a^b·ln(a)"),
    "exp": lazy("exp: the local gradient is its own output"),
    "log": lazy("ln: the local gradient is 1/input"),
    "sqrt": lazy("square root: the local gradient is 1/(2√a)"),
    "abs": lazy("abs: the local gradient is the sign of the input (0 at 0)"),
    "sigmoid": lazy("sigmoid: the local gradient is σ(1 − σ), from its output"),
    "tanh": lazy("tanh: the local gradient is 1 − tanh², from its output"),
    "relu": lazy("ReLU: passes the gradient where the input is > 0, else 0 (also at 0)"),
    "sin": lazy("sin: the local gradient is cos of the input"),
    "cos": lazy("cos: the local gradient is −sin of the input"),
    "max": lazy("max gate: routes the upstream gradient to the largest input; the others get 0"),
    "min": lazy("min gate: routes the upstream gradient to the smallest input; the others get 0"),
}

_CONVENTION = N_(
    "staged computation: forward in topological order, backward in reverse; "
    "gradient of an input = upstream × local, summed over every use"
)


class _Parts(Lazy):
    """Parts of a formula joined by `sep`, each shown in the reader's language: the local gradient of max
    and min says in words which input is the largest, the rest of a backward step is symbols."""

    parts: tuple[str, ...]
    sep: str

    def __new__(cls, parts: Sequence[str], sep: str = "") -> _Parts:
        obj = cast(_Parts, super().__new__(cls, sep.join(parts), {}))
        obj.parts, obj.sep = tuple(parts), sep
        return obj

    def text(self, lang: str) -> str:
        return self.sep.join(p.text(lang) if isinstance(p, Lazy) else p for p in self.parts)


def _both(first: str, then: str) -> str:
    """Two clauses of a note, each a catalog message or a `lazy` one."""
    return lazy("{first}; {then}", first=first, then=then)


_LETTERS = "qrstuvpghkmnabcdjl"


def node_names(prog: Program) -> dict[int, str]:
    """Names of the intermediate nodes: q, r, s … in forward order, the output f (never a variable's name)."""
    taken = {_key(v) for v in prog.variables} | set(prog.variables) | {"e"}
    out: dict[int, str] = {}
    pool = [c for c in _LETTERS if c not in taken and c != "f"]
    extra = 1
    inner = [i for i, n in enumerate(prog.nodes) if n.op not in ("var", "const") and i != prog.root]
    for i in inner:
        if pool:
            out[i] = pool.pop(0)
        else:
            while f"n{extra}" in taken:
                extra += 1
            out[i] = f"n{extra}"
            extra += 1
    root_name = "f" if "f" not in taken else "out"
    out[prog.root] = root_name
    return out


def _key(name: str) -> str:
    """A variable's name in `values` keys: w_1 stays w_1, x_{t-1} becomes x_t1."""
    return re.sub(r"[^A-Za-z0-9_]", "", name.replace("-", "")) or "v"


def _local_text(prog: Program, i: int, j: int, names: dict[int, str]) -> str:
    """The local gradient ∂node/∂(child j) in symbols: 'y' for x·y, '2·r' for r², 's·(1 − s)' for σ."""
    node = prog.nodes[i]
    kids = prog.kids[i]
    me = names.get(i, "")

    def c(k: int, below: int = 0) -> str:
        t = _child_text(prog, kids[k], names, None)
        if _prec(prog, kids[k], names, None) < below or (below and t.startswith("-")):
            return f"({t})"
        return t

    op = node.op
    if op == "add":
        return "1" if node.signs[j] > 0 else "−1"
    if op == "neg":
        return "−1"
    if op == "mul":
        return "·".join(c(k, 3) for k in range(len(kids)) if k != j)
    if op == "div":
        return f"1/{c(1, 4)}" if j == 0 else f"−{c(0, 3)}/{c(1, 6)}²"
    if op == "pow":
        ex = prog.nodes[kids[1]]
        if j == 1:
            return f"{me}·ln({c(0)})"
        if ex.op == "const":
            n = ex.value
            if n == 2:
                return f"2·{c(0, 3)}"
            lower = fv(n - 1)
            power = str(int(n - 1)).translate(_SUP) if float(n).is_integer() and 0 <= n - 1 < 10 else f"^{lower}"
            return f"{fv(n)}·{c(0, 6)}{power}"
        return f"{c(1, 6)}·{c(0, 6)}^({c(1)} − 1)"
    if op == "exp":
        return me
    if op == "log":
        return f"1/{c(0, 4)}"
    if op == "sqrt":
        return f"1/(2·{me})"
    if op == "abs":
        return f"sign({c(0)})"
    if op == "sigmoid":
        return f"{me}·(1 − {me})"
    if op == "tanh":
        return f"1 − {me}²"
    if op == "relu":
        return f"[{c(0)} > 0]"
    if op == "sin":
        return f"cos({c(0)})"
    if op == "cos":
        return f"−sin({c(0)})"
    if op in ("max", "min"):
        return lazy("[{x} is the largest]", x=c(j)) if op == "max" else lazy("[{x} is the smallest]", x=c(j))
    return ""


def _draw_graph(d: Draw) -> Params:
    presets = [
        ("(x*y + z)^2", "x", "y", "z"),
        ("(x + y)*z", "x", "y", "z"),
        ("1/(1 + exp(-(w0*x0 + w1*x1 + w2)))", "w0", "x0", "w1", "x1", "w2"),
        ("(x + sigma(y))/(sigma(x) + (x + y)^2)", "x", "y"),
        ("max(x, y)*z", "x", "y", "z"),
        ("relu(w*x + b)", "w", "x", "b"),
        ("tanh(a*b) + a", "a", "b"),
    ]
    f = d.value("f", lambda: presets[int(d.rng.integers(0, len(presets)))][0])
    match = next((p for p in presets if p[0] == f), None)
    names = match[1:] if match else ()
    if "at" in d.fixed or not names:
        return {"f": f}
    vals = [int(v) for v in d.rng.integers(-3, 4, size=len(names))]
    return {"f": f, "at": ", ".join(f"{n}={v}" for n, v in zip(names, vals, strict=True))}


def _check_graph(p: Params) -> None:
    kind = "backprop.graph"
    prog = compile_formula(str(p["f"]), lazy("{kind}: parameter {name}", kind=kind, name="f"))
    read_point(str(p["at"]), prog, lazy("{kind}: parameter {name}", kind=kind, name="at"))


@register(
    "backprop.graph",
    "backprop.chain",
    "Backprop on a computational graph, node by node",
    [
        ParamSpec(
            "f",
            "the formula in dlquiz's math syntax (calculator or LaTeX): + − * / ^, exp, ln/log, sqrt, abs, "
            "sigmoid/σ, tanh, relu, max, min, sin, cos; e.g. '(x*y + z)^2'. Values: each variable and node "
            "(q, r, …, f), grad_NAME = ∂f/∂NAME, dNODE_dINPUT = a local gradient, grad = the gradient",
            "(x*y + z)^2",
            "str",
        ),
        ParamSpec(
            "at",
            "the point: 'x=1, y=2, z=-1' (every variable of f, no other; 'theta=[1,2]' sets θ₁, θ₂)",
            "x=1, y=2, z=-1",
            "str",
        ),
    ],
    ["f", "grad"],
    draw=_draw_graph,
    check=_check_graph,
)
def _graph(p: Params) -> Out:
    kind = "backprop.graph"
    prog = compile_formula(str(p["f"]), lazy("{kind}: parameter {name}", kind=kind, name="f"))
    env = read_point(str(p["at"]), prog, lazy("{kind}: parameter {name}", kind=kind, name="at"))
    try:
        vals = prog.forward(env)
        grads = prog.backward(vals)
    except _Domain as exc:
        raise ParamError(lazy("{where}: {error}", where=kind, error=_message(exc))) from None
    names = node_names(prog)
    out_name = names[prog.root]
    values: dict[str, Any] = {}
    steps: list[Step] = []
    var_idx = {n.name: i for i, n in enumerate(prog.nodes) if n.op == "var"}
    inputs = [n.name for n in prog.nodes if n.op == "var"]  # in the order they appear
    steps.append(
        Step(
            "Inputs",
            f"{out_name} = {describe(prog, prog.root, {})}; "
            + ", ".join(f"{prog.label(v)} = {fv(env[v])}" for v in inputs),
            [env[v] for v in inputs],
        )
    )
    for v in inputs:
        values[_key(v)] = env[v]
    order = [i for i, n in enumerate(prog.nodes) if n.op not in ("var", "const")]
    if prog.nodes[prog.root].op in ("var", "const"):
        order = [prog.root]
    # ---- forward
    for i in order:
        nm = names[i]
        sym = describe(prog, i, names)
        num = describe(prog, i, names, vals, _forward_digits(prog, i, vals, env))
        text = f"{nm} = {sym}" + (f" = {num}" if num != sym else "") + f" = {fv(vals[i])}"
        steps.append(Step(lazy("Forward {node}", node=nm), text, vals[i], key=nm))
        values[nm] = vals[i]
    # ---- backward
    uses: dict[int, int] = {}
    for i in order:
        for k in prog.kids[i]:
            uses[k] = uses.get(k, 0) + 1

    def who(k: int) -> str:
        return prog.label(prog.nodes[k].name) if prog.nodes[k].op == "var" else names.get(k, "")

    values[f"grad_{out_name}"] = 1.0
    contribs: dict[int, list[float]] = {}
    ties: list[str] = []
    for i in reversed(order):
        nm = names[i]
        locs = prog.local(i, vals) if prog.kids[i] else []
        parts: list[str] = []
        seen: dict[int, float] = {}
        slots: dict[int, list[int]] = {}
        for j, (k, loc) in enumerate(zip(prog.kids[i], locs, strict=True)):
            if prog.nodes[k].op == "const":
                continue
            seen[k] = seen.get(k, 0.0) + loc
            slots.setdefault(k, []).append(j)
        for k, loc in seen.items():
            child = who(k)
            key_child = _key(prog.nodes[k].name) if prog.nodes[k].op == "var" else names[k]
            values[f"d{nm}_d{key_child}"] = loc
            contrib = grads[i] * loc
            contribs.setdefault(k, []).append(contrib)
            forms = [_local_text(prog, i, j, names) for j in slots[k]]
            sym = _Parts(forms, " + ") if all(forms) else ""
            same = sym.replace("−", "-") == fv(loc)
            local = _Parts([f"∂{nm}/∂{child} = ", *([sym, " = "] if sym and not same else []), fv(loc)])
            up_t, loc_t = operands([grads[i], loc], lambda a: a[0] * a[1], contrib)
            chain = f"∂{out_name}/∂{nm}·∂{nm}/∂{child} = {paren(up_t)}·{paren(loc_t)} = {fv(contrib)}"
            parts.append(_Parts([local, chain], ", "))
        if not parts:
            continue
        if i == prog.root:
            parts.insert(0, f"∂{out_name}/∂{out_name} = 1")
        op = prog.nodes[i].op
        if op == "pow" and prog.nodes[prog.kids[i][1]].op != "const":
            op = "powvar"
        note = _GATES.get(op, "")
        if op in ("max", "min"):
            tie = _tie_note(prog, i, vals, who)
            if tie:
                note = _both(note, tie)
                ties.append(tie)
        steps.append(Step(lazy("Backward {node}", node=nm), _Parts(parts, "; "), grads[i], note, key=f"grad_{nm}"))
    for i in names:
        values[f"grad_{names[i]}"] = grads[i]
    shared = [k for k, c in uses.items() if c > 1 and prog.nodes[k].op != "const"]
    grad_list = [grads[var_idx[v]] for v in inputs]
    for v, g in zip(inputs, grad_list, strict=True):
        values[f"grad_{_key(v)}"] = g
    note = ""
    for k in shared:
        used = lazy("{name} is used {n} times: its gradients add", name=who(k), n=uses[k])
        note = _both(note, used) if note else used

    def total(v: str, g: float) -> str:
        parts = contribs.get(var_idx[v], [])
        head = f"∂{out_name}/∂{prog.label(v)} = "
        if len(parts) > 1:
            texts = operands(parts, sum, g)
            return head + " + ".join(paren(x) if n else x for n, x in enumerate(texts)) + f" = {fv(g)}"
        return head + fv(g)

    steps.append(
        Step(
            "Gradient",
            ", ".join(total(v, g) for v, g in zip(inputs, grad_list, strict=True)),
            grad_list,
            note,
        )
    )
    values["f"] = vals[prog.root]
    values["grad"] = grad_list
    return Out(steps, grad_list, values, _CONVENTION, warnings=ties)


def _forward_digits(prog: Program, i: int, vals: list[float], env: dict[str, float]) -> int:
    """The fewest extra digits of node i's inputs from which its operation gives its shown value."""
    target = fv(vals[i])
    kids = prog.kids[i]
    for extra in range(0, 9):
        shown = [
            vals[k] if prog.nodes[k].op == "const" else float(_more_digits(vals[k], extra).replace("−", "-"))
            for k in kids
        ]
        try:
            again = _value(prog.nodes[i], shown, env, prog, i)
        except (_Domain, ArithmeticError, ValueError):
            return 0
        if fv(again) == target:
            return extra
    return 8


def _tie_note(prog: Program, i: int, vals: list[float], who: Callable[[int], str]) -> str:
    """The note at a max/min node whose best inputs are equal: no derivative there, and the convention used."""
    op = prog.nodes[i].op
    kids = prog.kids[i]
    a = [vals[k] for k in kids]
    best = max(a) if op == "max" else min(a)
    tied = [k for k, v in zip(kids, a, strict=True) if v == best]
    if len(tied) < 2:
        return ""
    first = kids[_argbest(a, op)]
    names = " = ".join(who(k) or fv(vals[k]) for k in tied)
    return lazy(
        "tie: {op} has no derivative where its inputs are equal ({names} = {best}); convention: the whole upstream "
        "gradient goes to the first of them, {first} (a subgradient; splitting it equally is another valid choice)",
        op=op,
        names=names,
        best=fv(best),
        first=who(first) or fv(best),
    )
