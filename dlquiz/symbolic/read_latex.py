"""The math reader's grammar, part 4: LaTeX commands (``\\frac``, ``\\sqrt``, accents,
``\\mathrm{…}``, ``\\sum``, ``\\lvert``, ``\\lfloor``, Greek letters, ``\\frac{\\partial L}{\\partial w}``).
"""

from __future__ import annotations

import sympy
from sympy import Integer

from dlquiz.i18n import lazy
from dlquiz.symbolic.messages import DECLARE
from dlquiz.symbolic.names import (
    ALIASES,
    EXTRA_NAMES,
    FUNCTIONS,
    GREEK,
    make_symbol,
)
from dlquiz.symbolic.printing import unicode_name
from dlquiz.symbolic.read_base import (
    Reader,
)
from dlquiz.symbolic.syntax import Node, leaf
from dlquiz.symbolic.tokenize import Tok


class Latex(Reader):
    """LaTeX commands."""

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
                self.expect("]", lazy("the root index"))
                if n.expr == 0:
                    raise self.error(lazy("a zeroth root"), t)
                arg = self.arg()
                idx = Node("div", 1 / n.expr, (leaf("num", Integer(1), "1"), n))
                return self.pow(Node("group", arg.expr, (arg,)), Node("paren", idx.expr, (idx,)), t)
            arg = self.arg()
            return Node("sqrt", sympy.sqrt(arg.expr), (arg,))
        if c in ("hat", "widehat", "bar", "overline", "tilde", "widetilde"):
            return self.accent(t)
        if c in ("mathrm", "operatorname", "text", "mathbf", "boldsymbol", "mathit", "rm", "mathbb"):
            return self.textual(t)
        if c in ("sum", "prod"):
            return self.big_operator(c, t)
        if c in ("lvert", "vert", "lVert", "Vert"):
            inner = self.additive()
            if not self.at_cmd("rvert", "vert", "rVert", "Vert"):
                raise self.error(lazy("expected '{close}' to close '{open}'", close="\\rvert", open="\\" + c))
            self.advance()
            return Node("abs", sympy.Abs(inner.expr), (inner,))
        if c in ("lfloor", "lceil"):
            inner = self.additive()
            close = "rfloor" if c == "lfloor" else "rceil"
            if not self.at_cmd(close):
                raise self.error(lazy("expected '{close}' to close '{open}'", close="\\" + close, open="\\" + c))
            self.advance()
            fn = "floor" if c == "lfloor" else "ceil"
            value = sympy.floor(inner.expr) if fn == "floor" else sympy.ceiling(inner.expr)
            return Node("call", value, (inner,), fn)
        if c in ("exp", "log", "ln", "tanh", "sinh", "cosh", "sin", "cos", "tan", "max", "min", "erf"):
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
            raise self.error(
                lazy(
                    "'{command}' belongs in {example}", command="\\partial", example="\\frac{\\partial f}{\\partial x}"
                ),
                t,
            )
        if c in ("top", "intercal", "T"):
            raise self.error(lazy("transpose is a matrix operation"), t, lazy("scalar formulas only here"))
        if c in ("int", "lim", "infty"):
            raise self.error(lazy("'{command}' is not supported", command="\\" + c), t)
        raise self.error(lazy("unknown LaTeX command '{command}'", command="\\" + c), t)

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
                raise self.error(lazy("{command} takes one letter", command=f"\\{c}{{...}}"), inner)
            self.advance()
            inner_sub = self.subscript() if self.at("_") else None  # \hat{y_i}
            self.expect("}", "\\" + c)
        elif inner.kind == "ID" and len(inner.text) == 1:
            base = self.advance().text
        elif inner.kind == "CMD" and (inner.text in GREEK or inner.text in ALIASES):
            base = ALIASES.get(self.advance().text, inner.text)
        else:
            raise self.error(
                lazy("{command} takes one letter, e.g. {example}", command="\\" + c, example=f"\\{c}{{y}}"), inner
            )
        self.leave()
        acc = {"widehat": "hat", "overline": "bar", "widetilde": "tilde"}.get(c, c)
        sub = inner_sub
        if self.at("_"):
            if sub is not None:
                raise self.error(lazy("a name with two subscripts"))
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
            self.toks[self.pos : self.pos + 1] = [
                Tok("NUM", t.text[0], t.col, t.space_before),
                Tok("NUM", t.text[1:], t.col + 1),
            ]
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
        if (
            len(word) == 1
            or word in GREEK
            or word in EXTRA_NAMES
            or word in self.bases
            or self.any_names
            and word.isalpha()
        ):
            return self.name_node(word, t)
        raise self.error(
            lazy("unknown name '{name}' in {command}", name=word, command=f"\\{t.text}{{...}}"), t, DECLARE
        )

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
            raise self.error(lazy("division by zero in {command}", command="\\frac"), t)
        return Node("div", self.checked(num.expr / den.expr, t), (num, den))

    def try_latex_derivative(self, t: Tok) -> Node | None:
        self.advance()  # {
        marker = "∂" if self.advance().text == "partial" else "d"
        order = self.order()
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
        self.order()
        self.expect("}", lazy("the derivative's denominator"))
        if f is None:
            self.enter()
            f = self.term()
            self.leave()
            return Node("deriv", sympy.Derivative(f.expr, (var.expr, order)), (var, f), marker, (str(order),))
        return self.dfrac(f, var, marker, order)
