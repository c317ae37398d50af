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
from dlquiz.i18n import Lazy, lazy
from dlquiz.symbolic.messages import END
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
            raise fail(lazy("input took too long to read"), t.col, self.text)
        return t

    def at(self, *texts: str) -> bool:
        return self.tok.kind == "OP" and self.tok.text in texts

    def at_cmd(self, *names: str) -> bool:
        return self.tok.kind == "CMD" and self.tok.text in names

    def expect(self, text: str, what: str = "", opened: Tok | None = None) -> Tok:
        """The token `text`, else an error: `text` was expected to close `what` (the bracket `opened`,
        a part named by a catalog message, or a piece of notation such as ``\\hat``)."""
        if self.at(text):
            return self.advance()
        t = self.tok
        end = t.kind == "END"
        if opened is not None:
            raise self.unclosed(text, opened)
        if isinstance(what, Lazy):  # a part named in words: "the subscript of the sum"
            raise self.error(
                lazy("expected '{close}' to close {part} but found the end of the input", close=text, part=what)
                if end
                else lazy(
                    "expected '{close}' to close {part} but found {found}",
                    close=text,
                    part=what,
                    found=self.describe(t),
                )
            )
        if what:  # notation: "Piecewise", "'d/dx'", "\\hat"
            raise self.error(
                lazy("expected '{close}' to close {notation} but found the end of the input", close=text, notation=what)
                if end
                else lazy(
                    "expected '{close}' to close {notation} but found {found}",
                    close=text,
                    notation=what,
                    found=self.describe(t),
                )
            )
        raise self.error(
            lazy("expected '{close}' but found the end of the input", close=text)
            if end
            else lazy("expected '{close}' but found {found}", close=text, found=self.describe(t))
        )

    def unclosed(self, close: str, opened: Tok) -> ParseError:
        """The error of a bracket `opened` that the current token does not close with `close`."""
        if self.tok.kind == "END":
            return self.error(
                lazy(
                    "expected '{close}' to close the '{open}' at column {column} but found the end of the input",
                    close=close,
                    open=opened.text,
                    column=opened.col,
                )
            )
        return self.error(
            lazy(
                "expected '{close}' to close the '{open}' at column {column} but found {found}",
                close=close,
                open=opened.text,
                column=opened.col,
                found=self.describe(self.tok),
            )
        )

    @staticmethod
    def describe(t: Tok) -> str:
        """The token as a message quotes it (`END` for the end of the text)."""
        if t.kind == "END":
            return END
        if t.kind == "CMD":
            return f"'\\{t.text}'"
        return f"'{t.text}'"

    def error(self, what: str, t: Tok | None = None, hint: str | None = None) -> ParseError:
        """The error `what` (a catalog message) at the column of `t` (the current token), with a `hint`."""
        return fail(what, (t or self.tok).col, self.text, hint)

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(lazy("expression nested too deeply (more than {limit} levels)", limit=MAX_DEPTH))
        if time.monotonic() > self.deadline:
            raise self.error(lazy("input took too long to read"))

    def leave(self) -> None:
        self.depth -= 1

    def checked(self, e: sympy.Expr, where: Tok) -> sympy.Expr:
        # children were checked when they were built, so the new node and its arguments suffice
        if e in NO_VALUE or any(a in NO_VALUE for a in e.args):
            raise self.error(lazy("the expression has no finite value here (division by zero, log of 0?)"), where)
        if too_big(e) or any(too_big(a) for a in e.args):
            raise self.error(lazy("number too large: more than {limit} digits", limit=MAX_RESULT_DIGITS), where)
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
