"""Stage 2 of the math reader: a recursive-descent grammar from tokens to a written-structure tree.

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

import difflib
import keyword
import math
import re
import time
from collections.abc import Callable, Mapping
from fractions import Fraction

import sympy
from sympy import Indexed, IndexedBase, Integer, Rational, Symbol

from dlquiz.errors import ParseError
from dlquiz.symbolic.functions import Phi, elu, leaky_relu, sigma, softmax, softplus
from dlquiz.symbolic.names import (
    ACCENTS,
    ALIASES,
    DUAL,
    EXTRA_NAMES,
    FORBIDDEN,
    FUNCTIONS,
    GREEK,
    GREEK_BY_CHAR,
    SUBSCRIPTS,
    declared_bases,
    make_symbol,
    sub_text,
)
from dlquiz.symbolic.printing import unicode_name
from dlquiz.symbolic.syntax import Node, leaf
from dlquiz.symbolic.tokenize import Tok, fail, vulgar_fraction

MAX_DEPTH = 60
MAX_EXPONENT = 1000
MAX_RESULT_DIGITS = 1000  # digits of any number the formula builds (numerator or denominator)
_MAX_BITS = int(MAX_RESULT_DIGITS * 3.3219280948873626) + 1

_BuildFn = Callable[[list[sympy.Expr]], sympy.Expr]
_NO_VALUE = {sympy.zoo, sympy.nan, sympy.oo, -sympy.oo}
_MULTIPLY = ("cdot", "times", "ast", "div", "odot", "circ")
_RELATIONS = ("=", "!=", "<", ">", "<=", ">=")
_SHOWN_FN = {"sigma": "σ", "Phi": "Φ", "delta": "δ", "heaviside": "heaviside"}
_DECLARE = ("declare it to use it as one name (dlquiz equiv --let/--assume; a 'let' or 'assume' "
            "line in a derivation)")


def _too_big(e: sympy.Basic) -> bool:
    if isinstance(e, sympy.Rational):
        return max(abs(int(e.p)).bit_length(), int(e.q).bit_length()) > _MAX_BITS
    return False


def _digits(e: sympy.Expr) -> tuple[float, float]:
    """Decimal digits (log10) of a number's numerator and denominator; (0, 0) for the rest."""
    if isinstance(e, sympy.Rational):
        return math.log10(abs(int(e.p))) if e.p else 0.0, math.log10(int(e.q))
    if isinstance(e, sympy.Pow) and isinstance(e.base, sympy.Rational) and e.exp.is_Rational:
        n, d = _digits(e.base)
        f = float(e.exp)
        return (n * f, d * f) if f > 0 else (-d * f, -n * f)
    return 0.0, 0.0


class Grammar:
    """One reading of one text (not reusable)."""

    def __init__(self, text: str, toks: list[Tok], latex: bool, let: Mapping[str, sympy.Expr],
                 deadline: float, names: frozenset[str] = frozenset(), any_names: bool = False
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
        if e in _NO_VALUE or any(a in _NO_VALUE for a in e.args):
            raise self.error("the expression has no finite value here (division by zero, "
                             "log of 0?)", where)
        if _too_big(e) or any(_too_big(a) for a in e.args):
            raise self.error(f"number too large: more than {MAX_RESULT_DIGITS} digits", where)
        return e

    # ------------------------------------------------------------------ grammar
    def parse(self) -> Node:
        if self.tok.kind == "END":
            raise self.error("empty input: type a formula")
        e = self.additive()
        if self.tok.kind != "END":
            t = self.tok
            self._decimal_comma()
            if self.at("="):
                raise self.error("'=' here: type one expression (or use an equation check)", t)
            if self.at(*_RELATIONS):
                raise self.error(f"a comparison '{t.text}' is not an expression", t)
            if self.at(")", "}", "]"):
                raise self.error(f"unbalanced '{t.text}'", t)
            raise self.error(f"unexpected {self.describe(t)}", t)
        return e

    def _decimal_comma(self) -> None:
        t, prev, nxt = self.tok, self.toks[self.pos - 1] if self.pos else None, self.peek()
        if t.text == "," and t.kind == "OP" and prev is not None and prev.kind == "NUM" and \
                prev.text.isdigit() and nxt.kind == "NUM" and not t.space_before and \
                not nxt.space_before:
            raise self.error(f"a decimal comma; did you mean {prev.text}.{nxt.text}? Write a "
                             "decimal point (a comma separates arguments)", t)

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
            return t.text not in (*_MULTIPLY, "right", "partial", "top", "rfloor", "rceil",
                                  "rvert", "rVert", "neq", "ne", "leq", "le", "geq", "ge", "lt",
                                  "gt")
        return False

    def term(self) -> Node:
        start = self.tok
        factors = [self.unary()]
        ops = [""]
        values = [factors[0].expr]
        num, den = _digits(values[0])
        while True:
            t = self.tok
            if self.at("*", "/") or self.at_cmd(*_MULTIPLY):
                self.advance()
                right = self.unary()
                if t.text in ("/", "div"):
                    if right.expr == 0:
                        raise self.error("division by zero", t)
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
            n, d = _digits(values[-1])
            num, den = num + n, den + d
            if max(num, den) > MAX_RESULT_DIGITS:  # a product beyond the limit, before SymPy builds it
                raise self.error(f"number too large: more than {MAX_RESULT_DIGITS} digits", t)
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
            raise self.error("a prime (') only follows a function name, e.g. sigma'(x)")
        if self.at("!"):
            raise self.error("factorial '!' is not supported")
        if self.tok.kind == "SUP":
            t = self.advance()
            return self.pow(base, leaf("num", Integer(int(t.text)), t.text.lstrip("+")) if
                            not t.text.startswith("-") else
                            Node("neg", Integer(int(t.text)), (leaf("num", Integer(-int(t.text)),
                                                                   t.text[1:]),)), t)
        if self.at("^"):
            caret = self.tok
            return self.pow(base, self.exponent(), caret)
        return base

    def exponent(self) -> Node:
        caret = self.advance()
        self.enter()
        if self.tok.kind == "END":
            raise self.error("missing exponent after '^'", caret)
        if self.latex and self.at("{"):
            e = self.group()
        elif self.latex:
            e = self.atom()  # x^2 or x^\alpha: one token
        else:
            e = self.unary()
        self.leave()
        if self.at("^") and self.latex:
            raise self.error("double superscript: use braces, e.g. x^{a^b}")
        return e

    def pow(self, base: Node, exp: Node, where: Tok) -> Node:
        b, x = base.expr, exp.expr
        if x.is_Number:
            if abs(x) > MAX_EXPONENT:
                raise self.error(f"exponent too large: {_short(x)} (at most {MAX_EXPONENT})", where)
            if b.is_Number and b != 0:
                size = abs(float(x)) * abs(float(sympy.log(abs(b), 10).evalf(15)))
                if size > MAX_RESULT_DIGITS:
                    raise self.error(f"number too large: the power has more than "
                                     f"{MAX_RESULT_DIGITS} digits", where)
        elif x.is_number:
            raise self.error("a constant exponent that is not a plain number", where)
        try:
            return Node("pow", self.checked(sympy.Pow(b, x), where), (base, exp))
        except (ValueError, TypeError, ArithmeticError):
            raise self.error("this power has no value", where) from None

    def group(self) -> Node:
        open_tok = self.expect("{")
        self.enter()
        if self.at("}"):
            raise self.error("empty braces '{}'")
        e = self.additive()
        if not self.at("}"):
            raise self.error(f"expected '}}' to close the '{{' at column {open_tok.col} but found "
                             f"{self.describe(self.tok)}")
        self.advance()
        self.leave()
        return Node("group", e.expr, (e,))

    def paren(self) -> Node:
        open_tok = self.advance()
        close = {"(": ")", "[": "]", "{": "}", "|": "|"}[open_tok.text]
        self.enter()
        if self.at(close) and close != "|":  # || opens a nested |…| (||x| − 1|)
            raise self.error(f"empty '{open_tok.text}{close}'")
        e = self.additive()
        if not self.at(close):
            self._decimal_comma()
            raise self.error(f"expected '{close}' to close the '{open_tok.text}' at column "
                             f"{open_tok.col} but found {self.describe(self.tok)}")
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
                self.expect(close, f"the '{t.text}' at column {t.col}")
                self.leave()
                fn = "floor" if close == "⌋" else "ceil"
                value = sympy.floor(inner.expr) if fn == "floor" else sympy.ceiling(inner.expr)
                return Node("call", self.checked(value, t), (inner,), fn)
            if t.text in (")", "]", "}"):
                raise self.error(f"unbalanced '{t.text}'")
            if t.text == "_":
                raise self.error("'_' (subscript) must follow a name")
            raise self.error(f"expected a number, a name or '(' but found {self.describe(t)}")
        if t.kind == "ID":
            return self.name()
        if t.kind == "CMD":
            return self.command()
        if t.kind == "SUP":
            raise self.error("a superscript must follow a number, a name or ')'")
        prev = self.toks[self.pos - 1] if self.pos else None
        after = f" after '{prev.text}'" if prev is not None and prev.kind != "NUM" else ""
        raise self.error(f"unexpected end of the input: expected a number, a name or '('{after}")

    # ------------------------------------------------------------------ relations
    def relation(self) -> Node:
        start = self.tok
        a = self.additive()
        if not self.at(*_RELATIONS) and not self.at_cmd("neq", "ne", "leq", "le", "geq", "ge",
                                                        "lt", "gt"):
            raise self.error(f"expected a comparison (=, ≠, <, >, ≤, ≥) but found "
                             f"{self.describe(self.tok)}")
        op_tok = self.advance()
        op = {"neq": "!=", "ne": "!=", "leq": "<=", "le": "<=", "geq": ">=", "ge": ">=",
              "lt": "<", "gt": ">"}.get(op_tok.text, op_tok.text)
        b = self.additive()
        rel = {"=": sympy.Eq, "!=": sympy.Ne, "<": sympy.Lt, ">": sympy.Gt, "<=": sympy.Le,
               ">=": sympy.Ge}[op](a.expr, b.expr)
        if rel in (sympy.true, sympy.false) and not (a.expr.is_number and b.expr.is_number):
            raise self.error("this comparison is always true or false", start)
        return Node("relation", rel, (a, b), op)

    def indicator(self, t: Tok) -> Node:
        """``1[i=j]``: 1 when the condition holds, else 0 (δ for '=', a step for '<' '>')."""
        open_tok = self.advance()
        self.enter()
        if t.kind == "NUM":  # 1[x + 1] without a comparison is 1·(x + 1)
            save = self.pos
            inner = self.additive()
            if self.at("]"):
                self.advance()
                self.leave()
                one = leaf("num", Integer(1), "1")
                return Node("mul", inner.expr, (one, Node("paren", inner.expr, (inner,))), ops=("", " "))
            self.pos = save
        rel = self.relation()
        self.expect("]", f"the '[' at column {open_tok.col}")
        self.leave()
        a, b = rel.args[0].expr, rel.args[1].expr
        op = rel.text
        value: sympy.Expr
        if op == "=":
            value = sympy.KroneckerDelta(a, b)
        elif op == "!=":
            value = 1 - sympy.KroneckerDelta(a, b)
        elif op in (">", ">="):
            value = sympy.Heaviside(a - b, 0 if op == ">" else 1)
        else:
            value = sympy.Heaviside(b - a, 0 if op == "<" else 1)
        return Node("indicator", self.checked(value, t), rel.args, op)

    # ------------------------------------------------------------------ names and calls
    def name(self) -> Node:
        t = self.advance()
        raw = t.text
        if raw in FORBIDDEN or (keyword.iskeyword(raw) and raw != "lambda"):
            raise self.error(f"'{raw}' is not allowed in a formula", t)
        if raw == "∂" and (self.at("/") or (self.tok.kind == "SUP" and self.peek().text == "/")):
            return self.derivative_operator(t)
        if raw == "d" and self._d_over():
            return self.derivative_operator(t)
        if raw == "∂":
            return self.derivative_fraction(t, None)
        if raw.startswith("d") and len(raw) > 1 and raw not in self.names:
            d = self.try_derivative_fraction(t)
            if d is not None:
                return d
        if raw == "𝟙":
            if not self.at("["):
                raise self.error("𝟙 is the indicator: write 𝟙[i = j]", t)
            return self.indicator(t)
        if raw in ("Σ", "Π") and self.at("_"):
            return self.big_operator("sum" if raw == "Σ" else "prod", t)
        if raw == "Π":
            if self.at("("):
                return self.call("prod", t)
            raise self.error("Π is the product: write Π_{k=1}^{K} x_k or prod(x_k, k, 1, K)", t)
        fname = FUNCTIONS.get(raw)
        if fname is not None and (raw not in DUAL or self.applied()) and raw not in self.names:
            return self.call(fname, t)
        if raw not in self.names and re.fullmatch(r"[A-Za-z]+'+", raw + "'" * self._primes_ahead()):
            return self.prime_name(raw, t)
        return self.name_node(raw, t)

    def _d_over(self) -> bool:
        """``d/dx``, ``d²/dx²``: a 'd' followed by '/' and a 'd…' name."""
        j = 1 if self.tok.kind == "SUP" else 0
        slash, nxt = self.peek(j), self.peek(j + 1)
        return slash.kind == "OP" and slash.text == "/" and nxt.kind == "ID" and nxt.text.startswith("d")

    def _primes_ahead(self) -> int:
        n = 0
        while self.peek(n).kind == "OP" and self.peek(n).text == "'":
            n += 1
        return n

    def prime_name(self, raw: str, t: Tok) -> Node:
        """``f'(x)`` for an undeclared f: the derivative of an unknown function; ``f''`` alone
        is a name."""
        primes = self._primes_ahead()
        if primes > 3:
            raise self.error("at most three primes", t)
        if len(raw) != 1:
            raise self.error(f"unknown function '{raw}'; {_DECLARE}", t)
        for _ in range(primes):
            self.advance()
        if self.at("("):
            args = self.args(raw, t)
            if len(args) != 1 or not isinstance(args[0].expr, Symbol):
                raise self.error(f"write {raw}{chr(39) * primes}(x) with one variable", t)
            var = args[0].expr
            value = sympy.Derivative(sympy.Function(raw)(var), (var, primes))
            return Node("call", value, tuple(args), raw + "′" * primes)
        sym = Symbol(raw + "'" * primes)
        return leaf("name", sym, raw + "′" * primes)

    def applied(self) -> bool:
        """σ(x), σ'(x), σ^2(x), σ²(x) apply the function; σ, σ^2, σ_1 are the Greek letter."""
        if self.at("(", "'"):
            return True
        if self.tok.kind == "SUP":
            return self.peek().kind == "OP" and self.peek().text == "("
        if self.at("^"):
            nxt = self.peek(1)
            if nxt.kind == "OP" and nxt.text == "{":
                k = 2
                while k < 8 and not (self.peek(k).kind == "OP" and self.peek(k).text == "}"):
                    k += 1
                after = self.peek(k + 1)
                return after.kind == "OP" and after.text == "("
            after = self.peek(2)
            return nxt.kind in ("NUM", "ID") and after.kind == "OP" and after.text == "("
        return False

    def name_node(self, raw: str, t: Tok) -> Node:
        """A name (with subscript, Ng's layer superscript and abbreviations), or a product of
        the letters of an undeclared run."""
        sub: Node | None = None
        m = re.fullmatch(r"([A-Za-z]+?)(\d+)", raw)
        if m:  # y1 = y_1, W1 = W_1 (declared or not)
            base = self.base_name(m.group(1), t)
            sub = leaf("num", Integer(int(m.group(2))), m.group(2))
        else:
            base = self.base_name(raw, t)
        if base is None:
            return self.letter_product(m.group(1) if m else raw, m.group(2) if m else "", t)
        layer = self.layer()
        if self.at("_"):
            if sub is not None:
                raise self.error("a name with two subscripts")
            sub = self.subscript()
        if layer is None and self.at("^") and self.peek().kind == "OP" and \
                self.peek().text in ("[", "{"):
            layer = self.layer()
        if base == "e" and sub is None and layer is None:
            return leaf("const", sympy.E, "e")
        if base == "pi" and sub is None and layer is None:
            return leaf("const", sympy.pi, "π")
        if base == "delta" and sub is not None and layer is None:
            pair = re.fullmatch(r"([A-Za-z]),?([A-Za-z])", sub_text(sub.expr).strip("{}"))
            if pair:
                i, j = Symbol(pair.group(1)), Symbol(pair.group(2))
                return Node("call", sympy.KroneckerDelta(i, j),
                            (leaf("name", i, pair.group(1)), leaf("name", j, pair.group(2))), "δ")
        if layer is not None:
            base = f"{base}^[{layer}]"
        sym = make_symbol(base, sub.expr if sub is not None else None)
        if sym.name in self.let:  # an abbreviation: the echo shows what it stands for
            return leaf("raw", self.let[sym.name], "")
        if len(base) > 1 and base not in GREEK and base != "pi":
            self.used.add(base)
        if len(raw) == 1 and raw not in self.bases and raw.swapcase() in self.bases and \
                raw.swapcase() != raw:
            self.notes.append(f"'{raw}' is not declared but '{raw.swapcase()}' is "
                              "(names are case-sensitive)")
        return leaf("name", sym, unicode_name(sym.name))

    def layer(self) -> str | None:
        """Ng's layer superscript ``^{[l]}`` / ``^[l]`` as part of a name (None if absent)."""
        if not self.at("^"):
            return None
        nxt, after = self.peek(1), self.peek(2)
        braced = nxt.kind == "OP" and nxt.text == "{" and after.kind == "OP" and after.text == "["
        if not (braced or (nxt.kind == "OP" and nxt.text == "[")):
            return None
        self.advance()
        if braced:
            self.advance()
        self.advance()  # [
        self.enter()
        e = self.sub_expr()
        self.expect("]", "the layer superscript")
        if braced:
            self.expect("}", "the layer superscript")
        self.leave()
        return sub_text(e).strip("{}")

    def letter_product(self, raw: str, digits: str, t: Tok) -> Node:
        """An undeclared run of letters: the product of its letters (``pad`` = p·a·d); trailing
        digits are the last letter's subscript (``dh3`` = d·h₃)."""
        factors: list[Node] = []
        for ch in raw[:-1]:
            factors.append(leaf("const", sympy.E, "e") if ch == "e" else
                           leaf("name", Symbol(ch), ch))
        factors.append(self.name_node(raw[-1] + digits, t))
        self.notes.append(f"'{raw}{digits}' is read as the product {'·'.join(raw)}{digits}; to use it as one "
                          f"name, {_DECLARE}")
        value = self.checked(sympy.Mul(*[f.expr for f in factors]), t)
        return Node("mul", value, tuple(factors), ops=("",) + (" ",) * (len(factors) - 1))

    def base_name(self, raw: str, t: Tok) -> str | None:
        """The canonical base of a name; None for an undeclared run of letters (a product)."""
        if raw in GREEK_BY_CHAR:
            return GREEK_BY_CHAR[raw]
        raw = ALIASES.get(raw, raw)
        if len(raw) == 1 or raw in GREEK or raw in EXTRA_NAMES or raw == "pi":
            return raw
        if raw in self.let or raw in self.bases:
            return raw
        for acc in ACCENTS:
            if raw.endswith(acc) and len(raw) > len(acc):
                stem = raw[: -len(acc)]
                stem = GREEK_BY_CHAR.get(stem, ALIASES.get(stem, stem))
                if len(stem) == 1 or stem in GREEK:
                    return stem + acc
        if self.any_names and re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", raw):
            # a declared name, unless it is a typo of a function word (sigm, Relu)
            near_fn = [c for c in FUNCTIONS if c.lower() == raw.lower()] or \
                difflib.get_close_matches(raw, list(FUNCTIONS), n=1, cutoff=0.8)
            if not near_fn:
                return raw
        pool = list(FUNCTIONS) + list(GREEK) + list(self.let) + sorted(self.bases) + \
            ["pi", "lam", "yhat"]
        near = [c for c in pool if c.lower() == raw.lower()] or \
            [c for c in pool if sorted(c) == sorted(raw) and len(c) > 1] or \
            difflib.get_close_matches(raw, pool, n=1, cutoff=0.6)
        if near or not raw.isascii() or not raw.isalpha():
            hint = f"; did you mean '{near[0]}'? Or {_DECLARE}" if near else f"; {_DECLARE}"
            if near and near[0].lower() == raw.lower():
                hint = f"; did you mean '{near[0]}'? (names are case-sensitive)"
            raise self.error(f"unknown name '{raw}'{hint}", t)
        return None

    def subscript(self) -> Node:
        us = self.advance()
        t = self.tok
        if self.at("{"):
            self.advance()
            self.enter()
            if self.at("}"):
                raise self.error("empty subscript '_{}'")
            e = self.sub_expr()
            if not self.at("}"):
                raise self.error(f"expected '}}' to close the subscript at column {us.col + 1}")
            self.advance()
            self.leave()
            return leaf("name", e, sub_text(e))
        if t.kind == "NUM" and t.text.isdigit():
            self.advance()
            digits = t.text[0] if self.latex else t.text
            if self.latex and len(t.text) > 1:  # x_12 in LaTeX is x_1 2
                self.pos -= 1
                self.toks[self.pos] = Tok("NUM", t.text[1:], t.col + 1)
            return leaf("num", Integer(int(digits)), digits)
        if t.kind == "ID":
            self.advance()
            if self.latex or len(t.text) == 1 or t.text in GREEK:
                name = GREEK_BY_CHAR.get(t.text, ALIASES.get(t.text, t.text))
            else:
                name = t.text
            return leaf("name", Symbol(name), name)
        if t.kind == "CMD" and (t.text in GREEK or t.text in ALIASES):
            self.advance()
            name = ALIASES.get(t.text, t.text)
            return leaf("name", Symbol(name), name)
        raise self.error(f"expected a subscript after '_' but found {self.describe(t)}")

    def sub_expr(self) -> sympy.Expr:
        # subscripts are index expressions: names, integers, + and -, commas joined
        parts = [self.sub_term()]
        while self.at(","):
            self.advance()
            parts.append(self.sub_term())
        if len(parts) == 1:
            return parts[0]
        return Symbol(",".join(sub_text(p).strip("{}") for p in parts))

    def sub_term(self) -> sympy.Expr:
        e = self.sub_atom()
        while self.at("+", "-"):
            op = self.advance().text
            r = self.sub_atom()
            e = e + r if op == "+" else e - r
        return e

    def sub_atom(self) -> sympy.Expr:
        t = self.tok
        if t.kind == "NUM" and t.text.isdigit():
            self.advance()
            return Integer(int(t.text))
        if t.kind == "ID":
            self.advance()
            name = GREEK_BY_CHAR.get(t.text, ALIASES.get(t.text, t.text))
            if self.latex:  # letters run together in a subscript: ij -> "ij"
                while self.tok.kind == "ID" and not self.tok.space_before and \
                        len(self.tok.text) == 1:
                    name += self.advance().text
            return Symbol(name)
        if t.kind == "CMD" and (t.text in GREEK or t.text in ALIASES):
            self.advance()
            return Symbol(ALIASES.get(t.text, t.text))
        raise self.error(f"unexpected {self.describe(t)} in a subscript")

    def args(self, fname: str, t: Tok) -> list[Node]:
        if not self.at("("):
            if self.latex or fname in ("log", "exp", "tanh", "sqrt", "sin", "cos", "sinh",
                                       "cosh", "tan"):
                # \log x, ln x: the argument is the next power-level factor
                if not self.starts_factor():
                    raise self.error(f"'{t.text}' needs an argument")
                self.enter()
                a = self.power()
                self.leave()
                return [a]
            raise self.error(f"'{t.text}' needs its argument in parentheses, e.g. {t.text}(x)")
        open_tok = self.advance()
        self.enter()
        if self.at(")"):
            raise self.error(f"'{t.text}()' needs an argument")
        args = [self.additive()]
        while self.at(","):
            self.advance()
            args.append(self.additive())
        if not self.at(")"):
            raise self.error(f"expected ')' to close the '(' at column {open_tok.col} but found "
                             f"{self.describe(self.tok)}")
        self.advance()
        self.leave()
        return args

    def call(self, fname: str, t: Tok) -> Node:
        if fname in ("sum", "prod") and self.at("_"):  # sum_{k=1}^K body, as on paper
            return self.big_operator(fname, t)
        sub: Node | None = None
        if self.at("_"):
            if fname != "softmax":
                raise self.error(f"a subscript on '{t.text}' is only meaningful for softmax")
            sub = self.subscript()
        primes = 0
        while self.at("'"):
            self.advance()
            primes += 1
        power: Node | None = None
        power_tok = self.tok
        if self.tok.kind == "SUP":
            s = self.advance()
            power = leaf("num", Integer(int(s.text)), s.text)
        elif self.at("^"):
            power = self.exponent()
        result = self._call_body(fname, t, sub, primes)
        if power is not None:
            result = self.pow(result, power, power_tok)
        return result

    def _call_body(self, fname: str, t: Tok, sub: Node | None, primes: int) -> Node:
        if fname in ("sum", "prod", "diff"):
            if not self.at("("):
                raise self.error(f"'{t.text}' needs parentheses, e.g. " + {
                    "sum": "sum(x_k, k, 1, K)", "prod": "prod(x_k, k, 1, K)",
                    "diff": "diff(f, x)"}[fname])
            args = self.args(fname, t)
            return self.diff_call(args, t) if fname == "diff" else self.big_call(fname, args, t)
        if fname == "piecewise":
            return self.piecewise(t)
        if fname == "softmax":
            if sub is not None and not self.at("("):
                sym = make_symbol("o", sub.expr)
                return Node("call", softmax(sym), (leaf("name", sym, unicode_name(sym.name)),),
                            "softmax")
            return self.softmax_call(self.args(fname, t), sub, t)
        args = self.args(fname, t)
        value = self.apply(fname, [a.expr for a in args], t, primes)
        if fname == "abs" and not primes:
            return Node("abs", value, (args[0],))
        if fname == "sqrt" and not primes:
            return Node("sqrt", value, (args[0],))
        shown = _SHOWN_FN.get(fname, fname)
        if fname == "log":
            shown = "ln" if t.text in ("ln", "\\ln") else "log"
        return Node("call", value, tuple(args), shown + "′" * primes)

    def softmax_call(self, args: list[Node], sub: Node | None, t: Tok) -> Node:
        if len(args) != 1:
            raise self.error("softmax takes one argument: softmax(o)_i or softmax(o_i)", t)
        a = args[0].expr
        if self.at("_"):
            if sub is not None:
                raise self.error("softmax with two subscripts", t)
            sub = self.subscript()
        if sub is not None:
            if not isinstance(a, Symbol) or a.name in SUBSCRIPTS:
                raise self.error("write softmax(o)_i with a plain name o inside", t)
            a = make_symbol(a.name, sub.expr)
        if not isinstance(a, (Symbol, Indexed)):
            raise self.error("softmax needs the logit vector's name: softmax(o)_i", t)
        shown = unicode_name(a.name) if isinstance(a, Symbol) else str(a)
        return Node("call", softmax(a), (leaf("name", a, shown),), "softmax")

    def apply(self, fname: str, args: list[sympy.Expr], t: Tok, primes: int) -> sympy.Expr:
        build = _BUILDERS.get(fname)
        if build is None:  # pragma: no cover - table and builders agree
            raise self.error(f"unknown function '{t.text}'", t)
        lo, hi, fn = build
        if not lo <= len(args) <= hi:
            want = str(lo) if lo == hi else f"{lo} to {hi}"
            raise self.error(f"'{t.text}' takes {want} argument(s), got {len(args)}", t)
        try:
            if primes:
                if primes > 3 or len(args) != 1:
                    raise self.error(f"derivative prime on '{t.text}': only f'(x) for one "
                                     "argument", t)
                u = sympy.Dummy("u")
                d = sympy.diff(fn([u]), u, primes)
                return self.checked(d.subs(u, args[0]), t)
            return self.checked(fn(args), t)
        except (ValueError, TypeError, ArithmeticError):
            raise self.error(f"'{t.text}' has no value for this argument", t) from None

    def big_call(self, fname: str, args: list[Node], t: Tok) -> Node:
        if len(args) != 4 or not isinstance(args[1].expr, Symbol):
            raise self.error(f"{fname} takes (expression, index, from, to), e.g. "
                             f"{fname}(y_k, k, 1, K)", t)
        body, k, lo, hi = args
        value = make_big(fname, body.expr, k.expr, lo.expr, hi.expr)
        return Node("sum" if fname == "sum" else "prod", value, (k, lo, hi, body))

    def diff_call(self, args: list[Node], t: Tok) -> Node:
        if len(args) not in (2, 3) or not isinstance(args[1].expr, Symbol):
            raise self.error("diff takes (expression, variable[, order]), e.g. diff(f, x)", t)
        order = 1
        if len(args) == 3:
            n = args[2].expr
            if not (n.is_Integer and 1 <= n <= 5):
                raise self.error("the order of diff must be a whole number from 1 to 5", t)
            order = int(n)
        value = sympy.Derivative(args[0].expr, (args[1].expr, order))
        return Node("deriv", value, (args[1], args[0]), "d" if len(args[0].expr.free_symbols) <= 1
                    else "∂", (str(order),))

    def piecewise(self, t: Tok) -> Node:
        """SymPy's printed form: ``Piecewise((x, x > 0), (0, True))``."""
        open_tok = self.expect("(", "Piecewise")
        self.enter()
        nodes: list[Node] = []
        pairs: list[tuple[sympy.Expr, sympy.Basic]] = []
        while True:
            self.expect("(", "a (value, condition) pair")
            v = self.additive()
            self.expect(",", "the value of a Piecewise pair")
            if self.tok.kind == "ID" and self.tok.text in ("True", "otherwise"):
                self.advance()
                c = Node("const", sympy.true, (), "True")
            else:
                c = self.relation()
            self.expect(")", "a (value, condition) pair")
            nodes += [v, c]
            pairs.append((v.expr, c.expr))
            if not self.at(","):
                break
            self.advance()
        self.expect(")", f"the '(' at column {open_tok.col}")
        self.leave()
        try:
            value = sympy.Piecewise(*pairs)
        except (TypeError, ValueError):
            raise self.error("this Piecewise has no value", t) from None
        return Node("piecewise", self.checked(value, t), tuple(nodes))

    def big_operator(self, fname: str, t: Tok) -> Node:
        """``\\sum_{k=1}^{K} body`` (also ``sum_…``, ``∑_…``, ``Σ_…``; ``\\prod``, ``∏``, ``Π``)."""
        k: Node | None = None
        lo: Node | None = None
        hi: Node | None = None
        if self.at("_"):
            self.advance()
            kt = self.tok
            if self.at("{"):
                self.advance()
                kt = self.tok
                ke = self.sub_atom()
                k = leaf("name", ke, unicode_name(str(ke)))
                if self.at("="):
                    self.advance()
                    lo = self.additive()
                self.expect("}", "the subscript of the sum")
            else:
                ke = self.sub_atom()
                k = leaf("name", ke, unicode_name(str(ke)))
            if not isinstance(k.expr, Symbol):
                raise self.error("the index must be a name, e.g. \\sum_{k=1}^{K}", kt)
        if self.tok.kind == "SUP":
            s = self.advance()
            hi = leaf("num", Integer(int(s.text)), s.text)
        elif self.at("^"):
            hi = self.exponent()
        if k is not None and lo is None and hi is None and len(str(k.expr)) == 1:
            # \sum_k as in the notes: k runs from 1 to K (the capital letter)
            cap = Symbol(str(k.expr).upper())
            lo, hi = leaf("num", Integer(1), "1"), leaf("name", cap, unicode_name(cap.name))
        if k is None or lo is None or hi is None:
            raise self.error("write it with its range, e.g. \\sum_{k=1}^{K} or ∏_{k=1}^{K}", t)
        self.enter()
        body = self.term()
        self.leave()
        value = make_big(fname, body.expr, k.expr, lo.expr, hi.expr)
        return Node("sum" if fname == "sum" else "prod", value, (k, lo, hi, body))

    # ------------------------------------------------------------------ derivatives
    def _order(self) -> int:
        if self.tok.kind == "SUP":
            n = int(self.advance().text)
        elif self.at("^"):
            e = self.exponent().expr
            if not e.is_Integer:
                raise self.error("the order of a derivative is a whole number")
            n = int(e)
        else:
            return 1
        if not 1 <= n <= 5:
            raise self.error("derivative order must be 1 to 5")
        return n

    def diff_variable(self, marker: str) -> Node:
        """The variable after d or ∂ in a denominator: ``dx``, ``dh_1``, ``∂z_j``, ``d β``."""
        vt = self.tok
        if vt.kind == "ID" and vt.text == marker or (vt.kind == "CMD" and vt.text == "partial"):
            self.advance()
            vt = self.tok
            if vt.kind == "ID":
                self.advance()
                var = self.name_node(vt.text, vt)
            elif vt.kind == "CMD" and (vt.text in GREEK or vt.text in ALIASES):
                self.advance()
                var = self.name_node(ALIASES.get(vt.text, vt.text), vt)
            else:
                raise self.error(f"expected the variable after '{marker}'", vt)
        elif vt.kind == "ID" and marker == "d" and vt.text.startswith("d") and len(vt.text) > 1:
            self.advance()
            var = self.name_node(vt.text[1:], vt)
        else:
            raise self.error(f"expected the variable, e.g. {marker}/{marker}x, but found "
                             f"{self.describe(vt)}", vt)
        if not isinstance(var.expr, Symbol):
            raise self.error("the derivative variable must be a name", vt)
        return var

    def derivative_operator(self, t: Tok) -> Node:
        """``d/dx f``, ``∂/∂x f``, ``d²/dx² f``, ``d/dh_1 h_3``: f is the following term."""
        marker = t.text
        order = self._order()
        self.expect("/", f"'{marker}/{marker}x'")
        var = self.diff_variable(marker)
        if self._order() != order:
            raise self.error("the orders above and below the fraction differ", t)
        self.enter()
        f = self.power() if self.at("(") else self.term()
        self.leave()
        value = sympy.Derivative(f.expr, (var.expr, order))
        return Node("deriv", value, (var, f), marker, (str(order),))

    def derivative_fraction(self, t: Tok, first: str | None) -> Node:
        """``∂L/∂w``, ``dL/dw``, ``∂p_i/∂z_j``: L depends on w (an unknown function)."""
        marker = "d" if first is not None else "∂"
        order = self._order() if first is None else 1
        if first is None:
            nt = self.tok
            if nt.kind != "ID":
                raise self.error("expected a name after '∂', e.g. ∂L/∂w", nt)
            self.advance()
            num = self.name_node(nt.text, nt)
        else:
            num = self.name_node(first, t)
        self.expect("/", f"'{marker}L/{marker}w'")
        var = self.diff_variable(marker)
        if self._order() != order:
            raise self.error("the orders above and below the fraction differ", t)
        return self._dfrac(num, var, marker, order)

    def _dfrac(self, num: Node, var: Node, marker: str, order: int) -> Node:
        f = num.expr
        if isinstance(f, Symbol) and f != var.expr:
            f = sympy.Function(f.name)(var.expr)
        value = sympy.Derivative(f, (var.expr, order))
        if num.kind == "name":
            return Node("dfrac", value, (num, var), marker, (str(order),))
        return Node("deriv", value, (var, num), marker, (str(order),))

    def try_derivative_fraction(self, t: Tok) -> Node | None:
        """``dL/dw`` when the run after 'd' is followed by '/' and another 'd…'."""
        j = 0
        if self.peek(0).kind == "OP" and self.peek(0).text == "_":
            j = 2 if self.peek(1).kind != "OP" else 0
            if self.peek(1).kind == "OP" and self.peek(1).text == "{":
                while j < 12 and not (self.peek(j).kind == "OP" and self.peek(j).text == "}"):
                    j += 1
                j += 1
        slash, nxt = self.peek(j), self.peek(j + 1)
        if not (slash.kind == "OP" and slash.text == "/" and nxt.kind == "ID" and
                nxt.text.startswith("d") and len(nxt.text) > 1):
            return None
        save, notes = self.pos, len(self.notes)
        try:
            return self.derivative_fraction(t, t.text[1:])
        except ParseError:
            self.pos = save
            del self.notes[notes:]
            return None

    # ------------------------------------------------------------------ LaTeX commands
    def command(self) -> Node:
        t = self.advance()
        c = t.text
        if c in ("frac", "dfrac", "tfrac"):
            return self.frac(t)
        if c == "sqrt":
            if self.at("["):
                self.advance()
                n = self.additive()
                self.expect("]", "the root index")
                if n.expr == 0:
                    raise self.error("a zeroth root", t)
                arg = self.arg()
                idx = Node("div", 1 / n.expr, (leaf("num", Integer(1), "1"), n))
                return self.pow(Node("group", arg.expr, (arg,)), Node("paren", idx.expr, (idx,)), t)
            arg = self.arg()
            return Node("sqrt", sympy.sqrt(arg.expr), (arg,))
        if c in ("hat", "widehat", "bar", "overline", "tilde", "widetilde"):
            return self.accent(t)
        if c in ("mathrm", "operatorname", "text", "mathbf", "boldsymbol", "mathit", "rm",
                 "mathbb"):
            return self.textual(t)
        if c in ("sum", "prod"):
            return self.big_operator(c, t)
        if c in ("lvert", "vert", "lVert", "Vert"):
            inner = self.additive()
            if not self.at_cmd("rvert", "vert", "rVert", "Vert"):
                raise self.error(f"expected '\\rvert' to close '\\{c}'")
            self.advance()
            return Node("abs", sympy.Abs(inner.expr), (inner,))
        if c in ("lfloor", "lceil"):
            inner = self.additive()
            close = "rfloor" if c == "lfloor" else "rceil"
            if not self.at_cmd(close):
                raise self.error(f"expected '\\{close}' to close '\\{c}'")
            self.advance()
            fn = "floor" if c == "lfloor" else "ceil"
            value = sympy.floor(inner.expr) if fn == "floor" else sympy.ceiling(inner.expr)
            return Node("call", value, (inner,), fn)
        if c in ("exp", "log", "ln", "tanh", "sinh", "cosh", "sin", "cos", "tan", "max", "min",
                 "erf"):
            return self.call(FUNCTIONS[c], Tok("ID", "\\" + c, t.col))
        if c in ("sigma", "Phi") and self.applied():
            return self.call(FUNCTIONS[c], t)
        if c == "delta" and self.applied():
            return self.call("delta", t)
        if c in GREEK or c in ALIASES:
            name = ALIASES.get(c, c)
            return self.name_node(name, t)
        if c == "pi":
            return leaf("const", sympy.pi, "π")
        if c == "partial":
            raise self.error("'\\partial' belongs in \\frac{\\partial f}{\\partial x}", t)
        if c in ("top", "intercal", "T"):
            raise self.error("transpose is a matrix operation; scalar formulas only here", t)
        if c in ("int", "lim", "infty"):
            raise self.error(f"'\\{c}' is not supported", t)
        raise self.error(f"unknown LaTeX command '\\{c}'", t)

    def accent(self, t: Tok) -> Node:
        c = t.text
        inner = self.tok
        inner_sub: Node | None = None
        self.enter()
        if self.at("{"):
            self.advance()
            nm = self.tok
            if nm.kind == "ID" and len(nm.text) == 1:
                base = nm.text
            elif nm.kind == "CMD" and (nm.text in GREEK or nm.text in ALIASES):
                base = ALIASES.get(nm.text, nm.text)
            else:
                raise self.error(f"\\{c}{{...}} takes one letter", inner)
            self.advance()
            inner_sub = self.subscript() if self.at("_") else None  # \hat{y_i}
            self.expect("}", f"\\{c}")
        elif inner.kind == "ID" and len(inner.text) == 1:
            base = self.advance().text
        elif inner.kind == "CMD" and (inner.text in GREEK or inner.text in ALIASES):
            base = ALIASES.get(self.advance().text, inner.text)
        else:
            raise self.error(f"\\{c} takes one letter, e.g. \\{c}{{y}}", inner)
        self.leave()
        acc = {"widehat": "hat", "overline": "bar", "widetilde": "tilde"}.get(c, c)
        sub = inner_sub
        if self.at("_"):
            if sub is not None:
                raise self.error("a name with two subscripts")
            sub = self.subscript()
        sym = make_symbol(base + acc, sub.expr if sub is not None else None)
        if sym.name in self.let:
            return leaf("raw", self.let[sym.name], "")
        return leaf("name", sym, unicode_name(sym.name))

    def arg(self) -> Node:
        if self.at("{"):
            return self.group()
        t = self.tok
        if t.kind == "NUM" and len(t.text) > 1:  # \frac12: one digit per argument
            self.toks[self.pos: self.pos + 1] = [Tok("NUM", t.text[0], t.col, t.space_before),
                                                 Tok("NUM", t.text[1:], t.col + 1)]
        self.enter()
        v = self.atom()
        self.leave()
        return v

    def textual(self, t: Tok) -> Node:
        self.expect("{", f"\\{t.text}")
        start = self.tok
        if t.text in ("mathbb", "mathbf") and self.tok.kind == "NUM" and self.tok.text == "1":
            self.advance()
            self.expect("}", f"\\{t.text}{{1}}")
            if self.at("["):
                return self.indicator(start)
            return leaf("num", Integer(1), "1")
        letters: list[str] = []
        while self.tok.kind == "ID" and not self.at("}"):
            letters.append(self.advance().text)
        self.expect("}", f"\\{t.text}{{...}}")
        word = "".join(letters)
        if word in FUNCTIONS:
            return self.call(FUNCTIONS[word], Tok("ID", word, t.col))
        if word == "e":
            return leaf("const", sympy.E, "e")
        if len(word) == 1 or word in GREEK or word in EXTRA_NAMES or word in self.bases or \
                self.any_names and word.isalpha():
            return self.name_node(word, t)
        raise self.error(f"unknown name '{word}' in \\{t.text}{{...}}; {_DECLARE}", t)

    def frac(self, t: Tok) -> Node:
        # derivative forms: \frac{\partial L}{\partial x}, \frac{d}{dx} f, \frac{dy}{dx}
        start = self.pos
        if self.at("{") and self.peek().kind in ("CMD", "ID") and self.peek().text in ("partial", "d"):
            d = self.try_latex_derivative(t)
            if d is not None:
                return d
            self.pos = start
        num = self.arg()
        den = self.arg()
        if den.expr == 0:
            raise self.error("division by zero in \\frac", t)
        return Node("div", self.checked(num.expr / den.expr, t), (num, den))

    def try_latex_derivative(self, t: Tok) -> Node | None:
        self.advance()  # {
        marker = "∂" if self.advance().text == "partial" else "d"
        order = self._order()
        f: Node | None = None
        if not self.at("}"):
            f = self.additive()
        if not self.at("}"):
            return None
        self.advance()
        if not self.at("{"):
            return None
        self.advance()
        if self.tok.text not in ("partial", "d"):
            return None
        var = self.diff_variable(self.tok.text if self.tok.kind == "ID" else "∂")
        self._order()
        self.expect("}", "the derivative's denominator")
        if f is None:
            self.enter()
            f = self.term()
            self.leave()
            return Node("deriv", sympy.Derivative(f.expr, (var.expr, order)), (var, f), marker,
                        (str(order),))
        return self._dfrac(f, var, marker, order)


def _short(n: sympy.Expr) -> str:
    s = str(n)
    return s if len(s) < 20 else s[:8] + "…"


def _num_text(s: str) -> str:
    return s if not s.startswith(".") else "0" + s


def _number(t: Tok, text: str) -> sympy.Expr:
    s = t.text
    frac = vulgar_fraction(s) if len(s) == 1 else None
    if frac is not None:
        return Rational(frac.numerator, frac.denominator)
    if s.count(".") > 1 or s == ".":
        raise fail(f"malformed number '{s}'", t.col, text)
    m = re.fullmatch(r"([0-9]*\.?[0-9]*)(?:[eE]([+-]?[0-9]+))?", s)
    if m is None:  # pragma: no cover - the tokenizer only makes these
        raise fail(f"malformed number '{s}'", t.col, text)
    mant, ex = m.group(1), m.group(2)
    value = Rational(Fraction(mant))
    if ex is not None:
        if abs(int(ex)) > 300:
            raise fail(f"exponent of '{s}' too large", t.col, text)
        value = value * Rational(10) ** int(ex)
    return value


_BUILDERS: dict[str, tuple[int, int, _BuildFn]] = {
    "sigma": (1, 1, lambda a: sigma(a[0])),
    "exp": (1, 1, lambda a: sympy.exp(a[0])),
    "log": (1, 1, lambda a: sympy.log(a[0])),
    "tanh": (1, 1, lambda a: sympy.tanh(a[0])),
    "sinh": (1, 1, lambda a: sympy.sinh(a[0])),
    "cosh": (1, 1, lambda a: sympy.cosh(a[0])),
    "sech": (1, 1, lambda a: 1 / sympy.cosh(a[0])),
    "sin": (1, 1, lambda a: sympy.sin(a[0])),
    "cos": (1, 1, lambda a: sympy.cos(a[0])),
    "tan": (1, 1, lambda a: sympy.tan(a[0])),
    "sqrt": (1, 1, lambda a: sympy.sqrt(a[0])),
    "abs": (1, 1, lambda a: sympy.Abs(a[0])),
    "relu": (1, 1, lambda a: sympy.Max(0, a[0])),
    "max": (2, 8, lambda a: sympy.Max(*a)),
    "min": (2, 8, lambda a: sympy.Min(*a)),
    "softplus": (1, 1, lambda a: softplus(a[0])),
    "erf": (1, 1, lambda a: sympy.erf(a[0])),
    "Phi": (1, 1, lambda a: Phi(a[0])),
    "leaky_relu": (1, 2, lambda a: leaky_relu(*a)),
    "elu": (1, 2, lambda a: elu(*a)),
    "swish": (1, 2, lambda a: a[0] * sigma((a[1] if len(a) > 1 else 1) * a[0])),
    "gelu": (1, 1, lambda a: a[0] * Phi(a[0])),
    "delta": (2, 2, lambda a: sympy.KroneckerDelta(a[0], a[1])),
    "floor": (1, 1, lambda a: sympy.floor(a[0])),
    "sign": (1, 1, lambda a: sympy.sign(a[0])),
    "heaviside": (1, 2, lambda a: sympy.Heaviside(a[0], a[1] if len(a) > 1 else sympy.S.Half)),
    "ceil": (1, 1, lambda a: sympy.ceiling(a[0])),
    "re": (1, 1, lambda a: sympy.re(a[0])),  # SymPy prints |2^y| as 2^re(y)
    "im": (1, 1, lambda a: sympy.im(a[0])),
}


def make_big(fname: str, body: sympy.Expr, k: Symbol, lo: sympy.Expr, hi: sympy.Expr) -> sympy.Expr:
    """A sum or product over k; subscripts that mention k become indexed (y_k -> y[k])."""
    repl: dict[sympy.Basic, sympy.Basic] = {}
    for s in body.free_symbols:
        info = SUBSCRIPTS.get(s.name) if isinstance(s, Symbol) else None
        if info is not None and k in info[1].free_symbols:
            repl[s] = Indexed(IndexedBase(info[0]), info[1])
    if repl:
        body = body.xreplace(repl)
    if fname == "prod":
        return sympy.Product(body, (k, lo, hi))
    return sympy.Sum(body, (k, lo, hi))


def make_sum(body: sympy.Expr, k: Symbol, lo: sympy.Expr, hi: sympy.Expr) -> sympy.Expr:
    """A sum over k; subscripts that mention k become indexed (y_k -> y[k])."""
    return make_big("sum", body, k, lo, hi)
