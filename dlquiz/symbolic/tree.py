"""Formula text -> a plain-Python expression tree, for numeric work outside the symbolic engine.

The worked examples (NumPy, no SymPy) evaluate and differentiate formulas the student types,
such as ``(x*y + z)^2`` or ``(w1 - 3)^2 + 10*w2^2``. This bridge reads the text with the
whitelist parser ``parse_math`` (never ``eval``/``sympify``) and hands back frozen dataclasses:
an operation name, its children, a symbol name or a float constant. Nothing in the result is a
SymPy object, so ``dlquiz.worked`` can walk it with ``math``.

The tree follows the structure the formula was written with (the parser's ``Parsed.tree``:
``-(a + b)`` stays a negation of a sum, ``x*x`` a product), or, where the parser gives none,
the formula as the engine normalises it (``x*x`` is ``x²``; sums list added terms, then
subtracted ones, constants last). Subtraction and division come back as ``add`` with signs and
``div``; ``e^x`` as ``exp``; ``max(0, x)``/``relu(x)`` as ``relu``; sub-trees without variables
are folded into one constant.

>>> t = parse_tree("(x*y + z)^2")
>>> t.variables
('x', 'y', 'z')
>>> t.root.op, t.root.args[0].op
('pow', 'add')
"""

from __future__ import annotations

import functools
import math
from typing import Any

import sympy

from dlquiz.errors import ParseError
from dlquiz.i18n import N_, lazy
from dlquiz.symbolic import parse_math
from dlquiz.symbolic.exprtree import OPS, UNARY, Expr, Formula, make_formula, variable_label
from dlquiz.symbolic.functions import sigma
from dlquiz.symbolic.messages import reader_text

__all__ = ["OPS", "UNARY", "Expr", "Formula", "canonical_variable", "parse_tree", "variable_label"]

MAX_NODES = 300

# SymPy function name -> tree operation (one argument)
_FUNCS: dict[str, str] = {
    "exp": "exp",
    "log": "log",
    "sigma": "sigmoid",
    "tanh": "tanh",
    "sin": "sin",
    "cos": "cos",
    "Abs": "abs",
}
SUPPORTED = "+ − × ÷ ^, exp, log/ln, sqrt, abs, sigmoid/σ, tanh, relu, max, min, sin, cos"


def _err(text: str, msg: str) -> ParseError:
    return ParseError(reader_text(msg), column=None, text=text)


def _unsupported(what: str) -> str:
    return lazy("{what} is not supported here (supported: {supported})", what=what, supported=SUPPORTED)


def _const(v: float) -> Expr:
    return Expr("const", value=v)


def _fold(e: sympy.Expr, text: str) -> Expr:
    """A sub-expression without variables, as one float constant."""
    try:
        c = complex(sympy.N(e, 30))
    except (TypeError, ValueError, ArithmeticError):
        raise _err(text, lazy("the constant {value} has no numeric value", value=sympy.sstr(e))) from None
    if c.imag != 0 or not math.isfinite(c.real):
        raise _err(text, lazy("the constant {value} has no finite real value", value=sympy.sstr(e)))
    return _const(float(c.real))


def _number(e: sympy.Basic) -> float | None:
    """The value of a plain SymPy number (Integer, Rational, Float), else None."""
    if isinstance(e, sympy.Number):
        return float(e)
    return None


class _Builder:
    def __init__(self, text: str) -> None:
        self.text = text
        self.count = 0

    def node(self, op: str, args: tuple[Expr, ...] = (), signs: tuple[int, ...] = ()) -> Expr:
        self.count += 1
        if self.count > MAX_NODES:
            raise _err(self.text, lazy("the formula is too large (more than {n} operations)", n=MAX_NODES))
        return Expr(op, args, signs=signs)

    def build(self, e: sympy.Basic) -> Expr:
        if isinstance(e, sympy.Symbol):
            return Expr("var", name=e.name)
        if not isinstance(e, sympy.Expr):
            raise _err(self.text, lazy("{kind} is not a formula", kind=type(e).__name__))
        if not e.free_symbols:
            return _fold(e, self.text)
        if isinstance(e, sympy.Add):
            return self._add(e)
        if isinstance(e, sympy.Mul):
            return self._mul(e)
        if isinstance(e, sympy.Pow):
            return self._pow(e)
        if isinstance(e, sympy.Max):
            args = [a for a in e.args]
            if len(args) == 2 and any(_number(a) == 0 for a in args):
                other = args[1] if _number(args[0]) == 0 else args[0]
                return self.node("relu", (self.build(other),))
            return self.node("max", tuple(self.build(a) for a in args))
        if isinstance(e, sympy.Min):
            return self.node("min", tuple(self.build(a) for a in e.args))
        if isinstance(e, sigma):
            return self.node("sigmoid", (self.build(e.args[0]),))
        fname = type(e).__name__
        if isinstance(e, sympy.Function) and fname in _FUNCS and len(e.args) == 1:
            return self.node(_FUNCS[fname], (self.build(e.args[0]),))
        raise _err(self.text, _unsupported(_construct(e)))

    def _add(self, e: sympy.Add) -> Expr:
        args: list[Expr] = []
        signs: list[int] = []
        built = []
        for term in e.args:
            sign, rest = _split_sign(term)
            built.append((sign, self.build(rest)))
        # a stable order whatever order the parser keeps: added terms, then subtracted, constants last
        built.sort(key=lambda t: (t[1].op == "const", t[0] < 0))
        for sign, node in built:
            args.append(node)
            signs.append(sign)
        if all(s < 0 for s in signs):  # −a − b: keep the first term negated inside
            args[0] = self.node("neg", (args[0],))
            signs[0] = 1
        return self.node("add", tuple(args), tuple(signs))

    def _mul(self, e: sympy.Mul) -> Expr:
        factors = list(e.args)
        coef = 1.0
        nums: list[sympy.Expr] = []
        dens: list[sympy.Expr] = []
        for f in factors:
            v = _number(f)
            if v is not None and len(factors) > 1:
                coef *= v
                continue
            if isinstance(f, sympy.Pow) and f.exp.is_Number and f.exp < 0 and f.base.free_symbols:
                dens.append(f.base if f.exp == -1 else sympy.Pow(f.base, -f.exp, evaluate=False))
                continue
            nums.append(f)
        negate = coef < 0 and (nums or dens)
        mag = -coef if negate else coef
        top: list[Expr] = [self.build(n) for n in nums]
        if mag != 1 or not (top or dens):
            top.insert(0, _const(mag))
        if not top:
            top = [_const(1.0)]
        num = top[0] if len(top) == 1 else self.node("mul", tuple(top))
        out = num
        if dens:
            bottom = [self.build(d) for d in dens]
            den = bottom[0] if len(bottom) == 1 else self.node("mul", tuple(bottom))
            out = self.node("div", (num, den))
        return self.node("neg", (out,)) if negate else out

    def _pow(self, e: sympy.Pow) -> Expr:
        base, ex = e.base, e.exp
        if base is sympy.E:
            return self.node("exp", (self.build(ex),))
        if ex == sympy.S.Half:
            return self.node("sqrt", (self.build(base),))
        if ex == -1:
            return self.node("div", (_const(1.0), self.build(base)))
        if ex == -sympy.S.Half:
            return self.node("div", (_const(1.0), self.node("sqrt", (self.build(base),))))
        return self.node("pow", (self.build(base), self.build(ex)))


# how the parser shows a function it applied -> tree operation
_CALLS: dict[str, str] = {
    "σ": "sigmoid",
    "sigmoid": "sigmoid",
    "exp": "exp",
    "ln": "log",
    "log": "log",
    "tanh": "tanh",
    "relu": "relu",
    "max": "max",
    "min": "min",
    "sin": "sin",
    "cos": "cos",
    "sqrt": "sqrt",
    "abs": "abs",
}
_WRITTEN_ONLY = {
    "deriv": N_("a derivative"),
    "dfrac": N_("a derivative"),
    "sum": N_("a sum"),
    "prod": N_("a product"),
    "indicator": N_("an indicator 1[…]"),
    "piecewise": N_("a piecewise function"),
    "relation": N_("a comparison"),
}


class _Written(_Builder):
    """Builds the tree from the structure the formula was written with (the parser's `Parsed.tree`).

    Each written node carries its meaning (a SymPy expression): sub-trees without variables are
    folded from it, names are its symbols; anything written in a form this reader does not know
    is built from its meaning instead.
    """

    def written(self, n: Any) -> Expr:
        kind = n.kind
        expr = n.expr
        if kind in _WRITTEN_ONLY:
            raise _err(self.text, _unsupported(lazy(_WRITTEN_ONLY[kind])))
        if isinstance(expr, sympy.Expr) and not expr.free_symbols:
            return _fold(expr, self.text)
        if kind in ("paren", "group") and len(n.args) == 1:
            return self.written(n.args[0])
        if kind == "name":
            return self.build(expr)
        if kind == "add":
            args: list[Expr] = []
            signs: list[int] = []
            for a, op in zip(n.args, n.ops, strict=True):
                args.append(self.written(a))
                signs.append(-1 if op == "-" else 1)
            if all(x < 0 for x in signs):
                args[0] = self.node("neg", (args[0],))
                signs[0] = 1
            return self.node("add", tuple(args), tuple(signs))
        if kind == "neg" and len(n.args) == 1:
            return self.node("neg", (self.written(n.args[0]),))
        if kind == "mul":
            top = [self.written(a) for a, op in zip(n.args, n.ops, strict=True) if op != "/"]
            bottom = [self.written(a) for a, op in zip(n.args, n.ops, strict=True) if op == "/"]
            num = top[0] if len(top) == 1 else (self.node("mul", tuple(top)) if top else _const(1.0))
            if not bottom:
                return num
            den = bottom[0] if len(bottom) == 1 else self.node("mul", tuple(bottom))
            return self.node("div", (num, den))
        if kind == "div" and len(n.args) == 2:
            return self.node("div", (self.written(n.args[0]), self.written(n.args[1])))
        if kind == "pow" and len(n.args) == 2:
            base, ex = n.args
            if base.kind == "const" and base.expr is sympy.E:
                return self.node("exp", (self.written(ex),))
            return self.node("pow", (self.written(base), self.written(ex)))
        if kind == "sqrt" and len(n.args) == 1:
            return self.node("sqrt", (self.written(n.args[0]),))
        if kind == "abs" and len(n.args) == 1:
            return self.node("abs", (self.written(n.args[0]),))
        if kind == "call":
            name = str(n.text).strip()
            op = _CALLS.get(name, _CALLS.get(name.lower(), ""))
            if not op:
                raise _err(self.text, _unsupported(f"'{name}'"))
            kids = tuple(self.written(a) for a in n.args)
            if op == "relu" and len(kids) == 2:  # max(0, x) read as relu(0, x) by some parsers
                kids = tuple(k for k in kids if not (k.op == "const" and k.value == 0)) or kids
            if op in ("max", "min"):
                if op == "max" and len(kids) == 2 and any(k.op == "const" and k.value == 0 for k in kids):
                    return self.node("relu", tuple(k for k in kids if not (k.op == "const" and k.value == 0)))
                return self.node(op, kids)
            if len(kids) != 1:
                raise _err(self.text, lazy("'{name}' takes one argument here", name=name))
            return self.node(op, kids)
        return self.build(expr)  # a form without a better written shape: from its meaning


def _split_sign(term: sympy.Expr) -> tuple[int, sympy.Expr]:
    """A term of a sum as (sign, magnitude): −3·x -> (−1, 3·x), −x -> (−1, x)."""
    v = _number(term)
    if v is not None and v < 0:
        return -1, -term
    if isinstance(term, sympy.Mul) and term.args:
        c = _number(term.args[0])
        if c is not None and c < 0:
            rest = term.args[1:]
            if c == -1:
                body = rest[0] if len(rest) == 1 else sympy.Mul(*rest, evaluate=False)
            else:
                body = sympy.Mul(-term.args[0], *rest, evaluate=False)
            return -1, body
    return 1, term


def _construct(e: sympy.Basic) -> str:
    """How an unsupported construct is named in a message."""
    name = type(e).__name__
    names = {
        "Phi": "Φ",
        "erf": "erf",
        "Heaviside": "step/heaviside",
        "KroneckerDelta": "delta",
        "Derivative": N_("a derivative"),
        "Sum": N_("a sum"),
        "Indexed": N_("an indexed name"),
        "softmax": "softmax",
        "floor": "floor",
        "ceiling": "ceil",
        "sign": "sign",
        "leaky_relu": "leaky_relu",
        "elu": "elu",
        "softplus": "softplus",
    }
    if name in ("Derivative", "Sum", "Indexed"):
        return lazy(names[name])  # words: translated when shown
    return f"'{names.get(name, name)}'"


@functools.lru_cache(maxsize=256)
def parse_tree(text: str) -> Formula:
    """Read a formula into a plain tree (ParseError naming the problem, with a column if known)."""
    # The graph follows the structure as written when the parser gives it (Parsed.tree), else the
    # formula as the engine normalises it. (Reading the text again with SymPy's evaluation off is
    # no way to keep the shape: SymPy's constructor cache does not key on that switch.)
    parsed = parse_math(text)  # validates: unknown names, columns, log(0), division by zero …
    written = getattr(parsed, "tree", None)
    root = _Written(text).written(written) if written is not None else _Builder(text).build(parsed.expr)
    return make_formula(root, text, parsed.pretty)


@functools.lru_cache(maxsize=256)
def canonical_variable(name: str) -> str:
    """The canonical name of a typed variable (``w1`` -> ``w_1``, ``β_1`` -> ``beta_1``)."""
    try:
        e = parse_math(name.strip()).expr
    except ParseError as exc:
        raise ParseError(
            reader_text(lazy("{name} is not a variable name: {message}", name=repr(name.strip()), message=exc.args[0])),
            column=exc.column,
            text=name,
        ) from None
    if not isinstance(e, sympy.Symbol):
        raise ParseError(
            reader_text(lazy("{name} is not a single variable name", name=repr(name.strip()))), column=1, text=name
        )
    return str(e.name)
