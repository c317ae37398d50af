"""The math reader's grammar, part 1: the reader's state, its token helpers and its limits.

``Reader`` is the base of the grammar's parts (``grammar.py`` expressions, ``read_names.py``
names, ``read_calculus.py`` functions, sums, derivatives and relations, ``read_latex.py`` LaTeX
commands); the stubs at its end let each part call the others. Limits are checked as nodes are
built: nesting depth, exponent size and the size of numbers (``MAX_RESULT_DIGITS``):
``10^1000*10^1000…`` or ``9**9**9**9`` are input errors with the column, raised before anything is
evaluated.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping

import sympy

from dlquiz.errors import ParseError
from dlquiz.symbolic.names import (
    declared_bases,
)
from dlquiz.symbolic.syntax import Node
from dlquiz.symbolic.tokenize import Tok, fail

MAX_DEPTH = 60
MAX_EXPONENT = 1000
MAX_PRIMED = 8  # f′(g′(…)) nesting: each level doubles the size of the meaning
MAX_RESULT_DIGITS = 1000  # digits of any number the formula builds (numerator or denominator)

BuildFn = Callable[[list[sympy.Expr]], sympy.Expr]
NO_VALUE = {sympy.zoo, sympy.nan, sympy.oo, -sympy.oo}
MULTIPLY = ("cdot", "times", "ast", "div", "odot", "circ")
RELATIONS = ("=", "!=", "<", ">", "<=", ">=")
SHOWN_FN = {"sigma": "σ", "Phi": "Φ", "delta": "δ", "heaviside": "heaviside"}
DECLARE = "declare it to use it as one name (dlquiz equiv --let/--assume; a 'let' or 'assume' line in a derivation)"


_MAX_BITS = int(MAX_RESULT_DIGITS * 3.3219280948873626) + 1


def too_big(e: sympy.Basic) -> bool:
    """Whether a number has more than MAX_RESULT_DIGITS digits (numerator or denominator)."""
    if isinstance(e, sympy.Rational):
        return max(abs(int(e.p)).bit_length(), int(e.q).bit_length()) > _MAX_BITS
    return False


def number_digits(e: sympy.Expr) -> tuple[float, float]:
    """Decimal digits (log10) of a number's numerator and denominator; (0, 0) for the rest."""
    if isinstance(e, sympy.Rational):
        return math.log10(abs(int(e.p))) if e.p else 0.0, math.log10(int(e.q))
    if isinstance(e, sympy.Pow) and isinstance(e.base, sympy.Rational) and e.exp.is_Rational:
        n, d = number_digits(e.base)
        f = float(e.exp)
        return (n * f, d * f) if f > 0 else (-d * f, -n * f)
    return 0.0, 0.0


class Reader:
    """One reading of one text (not reusable): state and helpers."""

    def __init__(
        self,
        text: str,
        toks: list[Tok],
        latex: bool,
        let: Mapping[str, sympy.Expr],
        deadline: float,
        names: frozenset[str] = frozenset(),
        any_names: bool = False,
    ) -> None:
        self.text = text
        self.toks = toks
        self.latex = latex
        self.let = let
        self.deadline = deadline
        self.names = names
        self.bases = declared_bases(names)
        self.any_names = any_names
        self.pos = 0
        self.depth = 0
        self.notes: list[str] = []
        self.used: set[str] = set()  # multi-letter names read as one name
        self.primed = 0  # primed calls being read (σ′(σ′(x)))

    # ------------------------------------------------------------------ helpers
    @property
    def tok(self) -> Tok:
        return self.toks[self.pos]

    def peek(self, k: int = 1) -> Tok:
        return self.toks[min(self.pos + k, len(self.toks) - 1)]

    def advance(self) -> Tok:
        t = self.toks[self.pos]
        if self.pos < len(self.toks) - 1:
            self.pos += 1
        if time.monotonic() > self.deadline:
            raise fail("input took too long to read", t.col, self.text)
        return t

    def at(self, *texts: str) -> bool:
        return self.tok.kind == "OP" and self.tok.text in texts

    def at_cmd(self, *names: str) -> bool:
        return self.tok.kind == "CMD" and self.tok.text in names

    def expect(self, text: str, what: str = "") -> Tok:
        if not self.at(text):
            extra = f" to close {what}" if what else ""
            raise self.error(f"expected '{text}'{extra} but found {self.describe(self.tok)}")
        return self.advance()

    @staticmethod
    def describe(t: Tok) -> str:
        if t.kind == "END":
            return "the end of the input"
        if t.kind == "CMD":
            return f"'\\{t.text}'"
        return f"'{t.text}'"

    def error(self, msg: str, t: Tok | None = None) -> ParseError:
        return fail(msg, (t or self.tok).col, self.text)

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"expression nested too deeply (more than {MAX_DEPTH} levels)")
        if time.monotonic() > self.deadline:
            raise self.error("input took too long to read")

    def leave(self) -> None:
        self.depth -= 1

    def checked(self, e: sympy.Expr, where: Tok) -> sympy.Expr:
        # children were checked when they were built, so the new node and its arguments suffice
        if e in NO_VALUE or any(a in NO_VALUE for a in e.args):
            raise self.error("the expression has no finite value here (division by zero, log of 0?)", where)
        if too_big(e) or any(too_big(a) for a in e.args):
            raise self.error(f"number too large: more than {MAX_RESULT_DIGITS} digits", where)
        return e

    # ------------------------------------------------------------------ parts defined elsewhere
    def additive(self) -> Node:
        raise NotImplementedError

    def term(self) -> Node:
        raise NotImplementedError

    def power(self) -> Node:
        raise NotImplementedError

    def atom(self) -> Node:
        raise NotImplementedError

    def exponent(self) -> Node:
        raise NotImplementedError

    def pow(self, base: Node, exp: Node, where: Tok) -> Node:
        raise NotImplementedError

    def group(self) -> Node:
        raise NotImplementedError

    def starts_factor(self) -> bool:
        raise NotImplementedError

    def name(self) -> Node:
        raise NotImplementedError

    def name_node(self, raw: str, t: Tok) -> Node:
        raise NotImplementedError

    def applied(self) -> bool:
        raise NotImplementedError

    def subscript(self) -> Node:
        raise NotImplementedError

    def sub_expr(self) -> sympy.Expr:
        raise NotImplementedError

    def sub_atom(self) -> sympy.Expr:
        raise NotImplementedError

    def relation(self) -> Node:
        raise NotImplementedError

    def indicator(self, t: Tok) -> Node:
        raise NotImplementedError

    def call(self, fname: str, t: Tok) -> Node:
        raise NotImplementedError

    def args(self, fname: str, t: Tok) -> list[Node]:
        raise NotImplementedError

    def big_operator(self, fname: str, t: Tok) -> Node:
        raise NotImplementedError

    def derivative_operator(self, t: Tok) -> Node:
        raise NotImplementedError

    def derivative_fraction(self, t: Tok, first: str | None) -> Node:
        raise NotImplementedError

    def try_derivative_fraction(self, t: Tok) -> Node | None:
        raise NotImplementedError

    def diff_variable(self, marker: str) -> Node:
        raise NotImplementedError

    def dfrac(self, num: Node, var: Node, marker: str, order: int) -> Node:
        raise NotImplementedError

    def order(self) -> int:
        raise NotImplementedError

    def command(self) -> Node:
        raise NotImplementedError
