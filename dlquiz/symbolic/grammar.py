"""Stage 2 of the math reader: a recursive-descent grammar from tokens to a written-structure tree.

The grammar is split by topic: ``read_base.py`` (state, helpers, limits), this module
(expressions: sums, products, powers, atoms), ``read_names.py``, ``read_calculus.py`` and
``read_latex.py``; ``Grammar`` combines them.

Each node carries its SymPy meaning, built from known tokens only (nothing is evaluated as
Python). Limits are checked as nodes are built: nesting depth, exponent size and the size of
numbers (``MAX_RESULT_DIGITS``): ``10^1000*10^1000…`` or ``9**9**9**9`` are input errors with the
column, raised before anything is evaluated.

Names (see ``dlquiz.symbolic.parse`` for the whole language): one letter, Greek names, a name
with a subscript, Ng's ``W^{[1]}``, and any multi-letter name the caller declares (``names=``);
an undeclared run of letters is a product of its letters (``pad`` = p·a·d, shown so in the echo),
unless it is close to a known name, which is refused with a hint.
"""

from __future__ import annotations

import re
from fractions import Fraction

import sympy
from sympy import Integer, Rational

from dlquiz.i18n import lazy
from dlquiz.symbolic.read_base import (
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_RESULT_DIGITS,
    MULTIPLY,
    RELATIONS,
    Reader,
    number_digits,
)
from dlquiz.symbolic.read_calculus import BUILDERS, Calculus, make_big, make_sum, short_number
from dlquiz.symbolic.read_latex import Latex
from dlquiz.symbolic.read_names import Names
from dlquiz.symbolic.syntax import Node, leaf
from dlquiz.symbolic.tokenize import Tok, fail, vulgar_fraction

__all__ = ["BUILDERS", "MAX_DEPTH", "MAX_EXPONENT", "MAX_RESULT_DIGITS", "Grammar", "make_big", "make_sum"]


class Expressions(Reader):
    """Sums, products, powers and atoms."""

    # ------------------------------------------------------------------ grammar
    def parse(self) -> Node:
        if self.tok.kind == "END":
            raise self.error(lazy("empty input: type a formula"))
        e = self.additive()
        if self.tok.kind != "END":
            t = self.tok
            self._decimal_comma()
            if self.at("="):
                raise self.error(lazy("'=' here: type one expression (or use an equation check)"), t)
            if self.at(*RELATIONS):
                raise self.error(lazy("a comparison '{op}' is not an expression", op=t.text), t)
            if self.at(")", "}", "]"):
                raise self.error(lazy("unbalanced '{bracket}'", bracket=t.text), t)
            raise self.error(lazy("unexpected {what}", what=self.describe(t)), t)
        return e

    def _decimal_comma(self) -> None:
        t, prev, nxt = self.tok, self.toks[self.pos - 1] if self.pos else None, self.peek()
        if (
            t.text == ","
            and t.kind == "OP"
            and prev is not None
            and prev.kind == "NUM"
            and prev.text.isdigit()
            and nxt.kind == "NUM"
            and not t.space_before
            and not nxt.space_before
        ):
            raise self.error(
                lazy("a decimal comma"),
                t,
                lazy(
                    "did you mean {number}? Write a decimal point (a comma separates arguments)",
                    number=f"{prev.text}.{nxt.text}",
                ),
            )

    def additive(self) -> Node:
        start = self.tok
        terms = [self.term()]
        ops = [""]
        while self.at("+", "-"):
            ops.append(self.advance().text)
            terms.append(self.term())
        if len(terms) == 1:
            return terms[0]
        expr = sympy.Add(*[t.expr if op != "-" else -t.expr for op, t in zip(ops, terms, strict=True)])
        return Node("add", self.checked(expr, start), tuple(terms), ops=tuple(ops))

    def starts_factor(self) -> bool:
        t = self.tok
        if t.kind in ("NUM", "ID"):
            return True
        if t.kind == "OP":
            return t.text in ("(", "[") or (self.latex and t.text == "{")
        if t.kind == "CMD":
            return t.text not in (
                *MULTIPLY,
                "right",
                "partial",
                "top",
                "rfloor",
                "rceil",
                "rvert",
                "rVert",
                "neq",
                "ne",
                "leq",
                "le",
                "geq",
                "ge",
                "lt",
                "gt",
            )
        return False

    def term(self) -> Node:
        start = self.tok
        factors = [self.unary()]
        ops = [""]
        values = [factors[0].expr]
        num, den = number_digits(values[0])
        while True:
            t = self.tok
            if self.at("*", "/") or self.at_cmd(*MULTIPLY):
                self.advance()
                right = self.unary()
                if t.text in ("/", "div"):
                    if right.expr == 0:
                        raise self.error(lazy("division by zero"), t)
                    values.append(self.checked(sympy.Pow(right.expr, -1), t))
                    ops.append("/")
                else:
                    values.append(right.expr)
                    ops.append("*")
                factors.append(right)
            elif self.starts_factor():
                f = self.power()
                factors.append(f)
                values.append(f.expr)
                ops.append(" ")
            else:
                break
            n, d = number_digits(values[-1])
            num, den = num + n, den + d
            if max(num, den) > MAX_RESULT_DIGITS:  # a product beyond the limit, before SymPy builds it
                raise self.error(lazy("number too large: more than {limit} digits", limit=MAX_RESULT_DIGITS), t)
        if len(factors) == 1:
            return factors[0]
        return Node("mul", self.checked(sympy.Mul(*values), start), tuple(factors), ops=tuple(ops))

    def unary(self) -> Node:
        if self.at("-", "+"):
            self.enter()
            op = self.advance().text
            v = self.unary()
            self.leave()
            return Node("neg", -v.expr, (v,)) if op == "-" else v
        return self.power()

    def power(self) -> Node:
        base = self.atom()
        if self.at("'"):
            raise self.error(lazy("a prime (') only follows a function name, e.g. sigma'(x)"))
        if self.at("!"):
            raise self.error(lazy("factorial '!' is not supported"))
        if self.tok.kind == "SUP":
            t = self.advance()
            return self.pow(
                base,
                leaf("num", Integer(int(t.text)), t.text.lstrip("+"))
                if not t.text.startswith("-")
                else Node("neg", Integer(int(t.text)), (leaf("num", Integer(-int(t.text)), t.text[1:]),)),
                t,
            )
        if self.at("^"):
            caret = self.tok
            return self.pow(base, self.exponent(), caret)
        return base

    def exponent(self) -> Node:
        caret = self.advance()
        self.enter()
        if self.tok.kind == "END":
            raise self.error(lazy("missing exponent after '^'"), caret)
        if self.latex and self.at("{"):
            e = self.group()
        elif self.latex:
            e = self.atom()  # x^2 or x^\alpha: one token
        else:
            e = self.unary()
        self.leave()
        if self.at("^") and self.latex:
            raise self.error(lazy("double superscript: use braces, e.g. {example}", example="x^{a^b}"))
        return e

    def pow(self, base: Node, exp: Node, where: Tok) -> Node:
        b, x = base.expr, exp.expr
        if x.is_Number:
            if abs(x) > MAX_EXPONENT:
                raise self.error(
                    lazy("exponent too large: {value} (at most {limit})", value=short_number(x), limit=MAX_EXPONENT),
                    where,
                )
            if b.is_Number and b != 0:
                size = abs(float(x)) * abs(float(sympy.log(abs(b), 10).evalf(15)))
                if size > MAX_RESULT_DIGITS:
                    raise self.error(
                        lazy("number too large: the power has more than {limit} digits", limit=MAX_RESULT_DIGITS), where
                    )
        elif x.is_number:
            raise self.error(lazy("a constant exponent that is not a plain number"), where)
        try:
            return Node("pow", self.checked(sympy.Pow(b, x), where), (base, exp))
        except (ValueError, TypeError, ArithmeticError):
            raise self.error(lazy("this power has no value"), where) from None

    def group(self) -> Node:
        open_tok = self.expect("{")
        self.enter()
        if self.at("}"):
            raise self.error(lazy("empty braces '{braces}'", braces="{}"))
        e = self.additive()
        if not self.at("}"):
            raise self.unclosed("}", open_tok)
        self.advance()
        self.leave()
        return Node("group", e.expr, (e,))

    def paren(self) -> Node:
        open_tok = self.advance()
        close = {"(": ")", "[": "]", "{": "}", "|": "|"}[open_tok.text]
        self.enter()
        if self.at(close) and close != "|":  # || opens a nested |…| (||x| − 1|)
            raise self.error(lazy("empty '{brackets}'", brackets=open_tok.text + close))
        e = self.additive()
        if not self.at(close):
            self._decimal_comma()
            raise self.unclosed(close, open_tok)
        self.advance()
        self.leave()
        if close == "|":
            return Node("abs", sympy.Abs(e.expr), (e,))
        if open_tok.text == "{":
            return Node("group", e.expr, (e,))
        return Node("paren", e.expr, (e,))

    def atom(self) -> Node:
        t = self.tok
        if t.kind == "NUM":
            self.advance()
            if t.text == "1" and self.at("[") and not self.tok.space_before:
                return self.indicator(t)
            return leaf("num", _number(t, self.text), _num_text(t.text))
        if t.kind == "OP":
            if t.text in ("(", "[", "|", "{"):
                return self.paren()
            if t.text in ("⌊", "⌈"):  # ⌊x⌋ ⌈x⌉
                self.advance()
                self.enter()
                inner = self.additive()
                close = "⌋" if t.text == "⌊" else "⌉"
                self.expect(close, opened=t)
                self.leave()
                fn = "floor" if close == "⌋" else "ceil"
                value = sympy.floor(inner.expr) if fn == "floor" else sympy.ceiling(inner.expr)
                return Node("call", self.checked(value, t), (inner,), fn)
            if t.text in (")", "]", "}"):
                raise self.error(lazy("unbalanced '{bracket}'", bracket=t.text))
            if t.text == "_":
                raise self.error(lazy("'_' (subscript) must follow a name"))
            raise self.error(lazy("expected a number, a name or '(' but found {found}", found=self.describe(t)))
        if t.kind == "ID":
            return self.name()
        if t.kind == "CMD":
            return self.command()
        if t.kind == "SUP":
            raise self.error(lazy("a superscript must follow a number, a name or ')'"))
        prev = self.toks[self.pos - 1] if self.pos else None
        if prev is not None and prev.kind != "NUM":
            raise self.error(
                lazy("unexpected end of the input: expected a number, a name or '(' after '{token}'", token=prev.text)
            )
        raise self.error(lazy("unexpected end of the input: expected a number, a name or '('"))


class Grammar(Expressions, Names, Calculus, Latex):
    """One reading of one text (not reusable): every part of the grammar."""


def _num_text(s: str) -> str:
    return s if not s.startswith(".") else "0" + s


def _number(t: Tok, text: str) -> sympy.Expr:
    s = t.text
    frac = vulgar_fraction(s) if len(s) == 1 else None
    if frac is not None:
        return Rational(frac.numerator, frac.denominator)
    if s.count(".") > 1 or s == ".":
        raise fail(lazy("malformed number '{number}'", number=s), t.col, text)
    m = re.fullmatch(r"([0-9]*\.?[0-9]*)(?:[eE]([+-]?[0-9]+))?", s)
    if m is None:  # pragma: no cover - the tokenizer only makes these
        raise fail(lazy("malformed number '{number}'", number=s), t.col, text)
    mant, ex = m.group(1), m.group(2)
    value = Rational(Fraction(mant))
    if ex is not None:
        if abs(int(ex)) > 300:
            raise fail(lazy("exponent of '{number}' too large", number=s), t.col, text)
        value = value * Rational(10) ** int(ex)
    return value
