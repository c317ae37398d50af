"""The math reader's grammar, part 2: names.

One letter, Greek names, a name with a subscript, Ng's ``W^{[1]}``, and any multi-letter name the
caller declares (``names=``); an undeclared run of letters is a product of its letters (``pad`` =
p·a·d, shown so in the echo), unless it is close to a known name, which is refused with a hint.
Function words, ``d/dx`` and ``∂L/∂w`` are recognised here and handed to the calculus part.
"""

from __future__ import annotations

import difflib
import keyword
import re

import sympy
from sympy import Integer, Symbol

from dlquiz.i18n import lazy
from dlquiz.symbolic.messages import DECLARE, reader_text
from dlquiz.symbolic.names import (
    ACCENTS,
    ALIASES,
    DUAL,
    EXTRA_NAMES,
    FORBIDDEN,
    FUNCTIONS,
    GREEK,
    GREEK_BY_CHAR,
    make_symbol,
    sub_text,
)
from dlquiz.symbolic.printing import unicode_name
from dlquiz.symbolic.read_base import (
    Reader,
)
from dlquiz.symbolic.syntax import Node, leaf
from dlquiz.symbolic.tokenize import Tok


class Names(Reader):
    """Names, subscripts, primes and Ng's layers."""

    # ------------------------------------------------------------------ names and calls
    def name(self) -> Node:
        t = self.advance()
        raw = t.text
        if self.latex and len(raw) == 1 and raw.isascii() and self.bases:
            raw = self._latex_declared(raw)
        if raw in FORBIDDEN or (keyword.iskeyword(raw) and raw != "lambda"):
            raise self.error(lazy("'{name}' is not allowed in a formula", name=raw), t)
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
                raise self.error(lazy("𝟙 is the indicator: write {example}", example="𝟙[i = j]"), t)
            return self.indicator(t)
        if raw in ("Σ", "Π") and self.at("_"):
            return self.big_operator("sum" if raw == "Σ" else "prod", t)
        if raw == "Π":
            if self.at("("):
                return self.call("prod", t)
            raise self.error(
                lazy(
                    "Π is the product: write {example} or {other}",
                    example="Π_{k=1}^{K} x_k",
                    other="prod(x_k, k, 1, K)",
                ),
                t,
            )
        fname = FUNCTIONS.get(raw)
        if fname is not None and (raw not in DUAL or self.applied()) and raw not in self.names:
            return self.call(fname, t)
        if raw not in self.names and re.fullmatch(r"[A-Za-z]+'+", raw + "'" * self._primes_ahead()):
            return self.prime_name(raw, t)
        return self.name_node(raw, t)

    def _latex_declared(self, first: str) -> str:
        """In LaTeX letters are single names, except a run that spells a declared name (lr, pad)."""
        run, best, used, k = first, first, 0, 0
        while True:
            nxt = self.peek(k)
            if nxt.kind != "ID" or nxt.space_before or len(nxt.text) != 1 or not nxt.text.isascii():
                break
            run += nxt.text
            k += 1
            if run in self.bases:
                best, used = run, k
        for _ in range(used):
            self.advance()
        return best

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
            raise self.error(lazy("at most three primes"), t)
        if len(raw) != 1:
            raise self.error(lazy("unknown function '{name}'", name=raw), t, DECLARE)
        for _ in range(primes):
            self.advance()
        if self.at("("):
            args = self.args(raw, t)
            if len(args) != 1 or not isinstance(args[0].expr, Symbol):
                raise self.error(lazy("write {example} with one variable", example=f"{raw}{chr(39) * primes}(x)"), t)
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
        if m and m.group(1) in FUNCTIONS and m.group(1) not in GREEK and m.group(1) not in self.bases:
            word, digits = m.group(1), m.group(2)
            if word in ("log", "ln") and self.at("("):
                raise self.error(
                    lazy("'{name}': a logarithm to base {base} is log(x)/log({base})", name=f"{raw}(…)", base=digits),
                    t,
                    lazy("log and ln are natural"),
                )
            raise self.error(
                lazy("'{name}': a function takes its argument in parentheses", name=raw),
                t,
                lazy("did you mean {call}?", call=f"{word}({digits})"),
            )
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
                raise self.error(lazy("a name with two subscripts"))
            sub = self.subscript()
        if layer is None and self.at("^") and self.peek().kind == "OP" and self.peek().text in ("[", "{"):
            layer = self.layer()
        if base == "e" and sub is None and layer is None:
            return leaf("const", sympy.E, "e")
        if base == "pi" and sub is None and layer is None:
            return leaf("const", sympy.pi, "π")
        if base == "delta" and sub is not None and layer is None:
            pair = re.fullmatch(r"([A-Za-z]),?([A-Za-z])", sub_text(sub.expr).strip("{}"))
            if pair:
                i, j = Symbol(pair.group(1)), Symbol(pair.group(2))
                return Node(
                    "call",
                    sympy.KroneckerDelta(i, j),
                    (leaf("name", i, pair.group(1)), leaf("name", j, pair.group(2))),
                    "δ",
                )
        if layer is not None:
            base = f"{base}^[{layer}]"
        sym = make_symbol(base, sub.expr if sub is not None else None)
        if sym.name in self.let:  # an abbreviation: the echo shows what it stands for
            return leaf("raw", self.let[sym.name], "")
        if len(base) > 1 and base not in GREEK and base != "pi":
            self.used.add(base)
        if len(raw) == 1 and raw not in self.bases and raw.swapcase() in self.bases and raw.swapcase() != raw:
            self.notes.append(
                reader_text(
                    lazy(
                        "'{name}' is not declared but '{declared}' is (names are case-sensitive)",
                        name=raw,
                        declared=raw.swapcase(),
                    )
                )
            )
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
        self.expect("]", lazy("the layer superscript"))
        if braced:
            self.expect("}", lazy("the layer superscript"))
        self.leave()
        return sub_text(e).strip("{}")

    def letter_product(self, raw: str, digits: str, t: Tok) -> Node:
        """An undeclared run of letters: the product of its letters (``pad`` = p·a·d); trailing
        digits are the last letter's subscript (``dh3`` = d·h₃)."""
        factors: list[Node] = []
        for ch in raw[:-1]:
            factors.append(leaf("const", sympy.E, "e") if ch == "e" else leaf("name", Symbol(ch), ch))
        factors.append(self.name_node(raw[-1] + digits, t))
        self.notes.append(
            reader_text(
                lazy(
                    "'{name}' is read as the product {product}; {hint}",
                    name=raw + digits,
                    product="·".join(raw) + digits,
                    hint=DECLARE,
                )
            )
        )
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
            near_fn = [c for c in FUNCTIONS if c.lower() == raw.lower()] or difflib.get_close_matches(
                raw, list(FUNCTIONS), n=1, cutoff=0.8
            )
            if not near_fn:
                return raw
        pool = list(FUNCTIONS) + list(GREEK) + list(self.let) + sorted(self.bases) + ["pi", "lam", "yhat"]
        near = (
            [c for c in pool if c.lower() == raw.lower()]
            or [c for c in pool if sorted(c) == sorted(raw) and len(c) > 1]
            or difflib.get_close_matches(raw, pool, n=1, cutoff=0.6)
        )
        if near or not raw.isascii() or not raw.isalpha():
            if not near:
                hint = DECLARE
            elif near[0].lower() == raw.lower():
                hint = lazy("did you mean '{name}'? (names are case-sensitive)", name=near[0])
            else:
                hint = lazy("did you mean '{name}'? Or {declare}", name=near[0], declare=DECLARE)
            raise self.error(lazy("unknown name '{name}'", name=raw), t, hint)
        return None

    def subscript(self) -> Node:
        us = self.advance()
        t = self.tok
        if self.at("{"):
            self.advance()
            self.enter()
            if self.at("}"):
                raise self.error(lazy("empty subscript '{subscript}'", subscript="_{}"))
            e = self.sub_expr()
            if not self.at("}"):
                raise self.error(
                    lazy("expected '{close}' to close the subscript at column {column}", close="}", column=us.col + 1)
                )
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
        raise self.error(
            lazy("expected a subscript after '_' but found the end of the input")
            if t.kind == "END"
            else lazy("expected a subscript after '_' but found {found}", found=self.describe(t))
        )

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
                while self.tok.kind == "ID" and not self.tok.space_before and len(self.tok.text) == 1:
                    name += self.advance().text
            return Symbol(name)
        if t.kind == "CMD" and (t.text in GREEK or t.text in ALIASES):
            self.advance()
            return Symbol(ALIASES.get(t.text, t.text))
        raise self.error(lazy("unexpected {what} in a subscript", what=self.describe(t)))
