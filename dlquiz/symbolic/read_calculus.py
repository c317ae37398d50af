"""The math reader's grammar, part 3: functions, sums and products, derivatives, relations.

Function calls are built from a whitelist (``BUILDERS``); ``sum``/``prod``/``∑``/``∏``, ``d/dx``,
``∂L/∂w``, ``diff``, ``Piecewise`` and the indicator ``1[i = j]`` each have their own rule.
"""

from __future__ import annotations

import sympy
from sympy import Indexed, IndexedBase, Integer, Symbol

from dlquiz.errors import ParseError
from dlquiz.i18n import lazy
from dlquiz.symbolic.functions import Phi, elu, leaky_relu, sigma, softmax, softplus
from dlquiz.symbolic.names import (
    ALIASES,
    GREEK,
    SUBSCRIPTS,
    make_symbol,
)
from dlquiz.symbolic.printing import unicode_name
from dlquiz.symbolic.read_base import MAX_PRIMED, RELATIONS, SHOWN_FN, BuildFn, Reader
from dlquiz.symbolic.syntax import Node, leaf
from dlquiz.symbolic.tokenize import Tok


class Calculus(Reader):
    """Relations, calls, sums and products, derivatives."""

    # ------------------------------------------------------------------ relations
    def relation(self) -> Node:
        start = self.tok
        a = self.additive()
        if not self.at(*RELATIONS) and not self.at_cmd("neq", "ne", "leq", "le", "geq", "ge", "lt", "gt"):
            raise self.error(
                lazy("expected a comparison (=, ≠, <, >, ≤, ≥) but found the end of the input")
                if self.tok.kind == "END"
                else lazy("expected a comparison (=, ≠, <, >, ≤, ≥) but found {found}", found=self.describe(self.tok))
            )
        op_tok = self.advance()
        op = {"neq": "!=", "ne": "!=", "leq": "<=", "le": "<=", "geq": ">=", "ge": ">=", "lt": "<", "gt": ">"}.get(
            op_tok.text, op_tok.text
        )
        b = self.additive()
        rel = {"=": sympy.Eq, "!=": sympy.Ne, "<": sympy.Lt, ">": sympy.Gt, "<=": sympy.Le, ">=": sympy.Ge}[op](
            a.expr, b.expr
        )
        if rel in (sympy.true, sympy.false) and not (a.expr.is_number and b.expr.is_number):
            raise self.error(lazy("this comparison is always true or false"), start)
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
        self.expect("]", opened=open_tok)
        self.leave()
        a, b = rel.args[0].expr, rel.args[1].expr
        op = rel.text
        value: sympy.Expr
        if op == "=":
            value = sympy.KroneckerDelta(a, b)
        elif op == "!=":
            value = 1 - sympy.KroneckerDelta(a, b)
        elif op in (">", ">="):
            value = heaviside(a - b, 0 if op == ">" else 1)
        else:
            value = heaviside(b - a, 0 if op == "<" else 1)
        return Node("indicator", self.checked(value, t), rel.args, op)

    def args(self, fname: str, t: Tok) -> list[Node]:
        if not self.at("("):
            if self.latex or fname in ("log", "exp", "tanh", "sqrt", "sin", "cos", "sinh", "cosh", "tan"):
                # \log x, ln x: the argument is the next power-level factor
                if not (self.starts_factor() or self.at("|")):  # √|x|
                    raise self.error(lazy("'{function}' needs an argument", function=t.text))
                self.enter()
                a = self.power()
                self.leave()
                return [a]
            raise self.error(
                lazy(
                    "'{function}' needs its argument in parentheses, e.g. {example}",
                    function=t.text,
                    example=f"{t.text}(x)",
                )
            )
        open_tok = self.advance()
        self.enter()
        if self.at(")"):
            raise self.error(lazy("'{function}' needs an argument", function=t.text + "()"))
        args = [self.additive()]
        while self.at(","):
            self.advance()
            args.append(self.additive())
        if not self.at(")"):
            raise self.unclosed(")", open_tok)
        self.advance()
        self.leave()
        return args

    def call(self, fname: str, t: Tok) -> Node:
        if fname in ("sum", "prod") and self.at("_"):  # sum_{k=1}^K body, as on paper
            return self.big_operator(fname, t)
        sub: Node | None = None
        if self.at("_"):
            if fname != "softmax":
                raise self.error(lazy("a subscript on '{function}' is only meaningful for softmax", function=t.text))
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
        if primes:  # σ′(σ′(…)): each level doubles the meaning, so the nesting is bounded
            self.primed += 1
            if self.primed > MAX_PRIMED:
                raise self.error(lazy("derivatives (′) nested more than {limit} deep", limit=MAX_PRIMED), t)
        try:
            result = self._call_body(fname, t, sub, primes)
        finally:
            self.primed -= 1 if primes else 0
        if power is not None:
            result = self.pow(result, power, power_tok)
        return result

    def _call_body(self, fname: str, t: Tok, sub: Node | None, primes: int) -> Node:
        if fname in ("sum", "prod", "diff"):
            if not self.at("("):
                example = {"sum": "sum(x_k, k, 1, K)", "prod": "prod(x_k, k, 1, K)", "diff": "diff(f, x)"}[fname]
                raise self.error(
                    lazy("'{function}' needs parentheses, e.g. {example}", function=t.text, example=example)
                )
            args = self.args(fname, t)
            return self.diff_call(args, t) if fname == "diff" else self.big_call(fname, args, t)
        if fname == "piecewise":
            return self.piecewise(t)
        if fname == "softmax":
            if sub is not None and not self.at("("):
                sym = make_symbol("o", sub.expr)
                return Node("call", softmax(sym), (leaf("name", sym, unicode_name(sym.name)),), "softmax")
            return self.softmax_call(self.args(fname, t), sub, t)
        args = self.args(fname, t)
        value = self.apply(fname, [a.expr for a in args], t, primes)
        if fname == "abs" and not primes:
            return Node("abs", value, (args[0],))
        if fname == "sqrt" and not primes:
            return Node("sqrt", value, (args[0],))
        shown = SHOWN_FN.get(fname, fname)
        if fname == "log":
            shown = "ln" if t.text in ("ln", "\\ln") else "log"
        return Node("call", value, tuple(args), shown + "′" * primes)

    def softmax_call(self, args: list[Node], sub: Node | None, t: Tok) -> Node:
        if len(args) != 1:
            raise self.error(
                lazy("softmax takes one argument: {example} or {other}", example="softmax(o)_i", other="softmax(o_i)"),
                t,
            )
        a = args[0].expr
        if self.at("_"):
            if sub is not None:
                raise self.error(lazy("softmax with two subscripts"), t)
            sub = self.subscript()
        if sub is not None:
            if not isinstance(a, Symbol) or a.name in SUBSCRIPTS:
                raise self.error(lazy("write softmax(o)_i with a plain name o inside"), t)
            a = make_symbol(a.name, sub.expr)
        if not isinstance(a, (Symbol, Indexed)):
            raise self.error(lazy("softmax needs the logit vector's name: {example}", example="softmax(o)_i"), t)
        shown = unicode_name(a.name) if isinstance(a, Symbol) else str(a)
        return Node("call", softmax(a), (leaf("name", a, shown),), "softmax")

    def apply(self, fname: str, args: list[sympy.Expr], t: Tok, primes: int) -> sympy.Expr:
        build = BUILDERS.get(fname)
        if build is None:  # pragma: no cover - table and builders agree
            raise self.error(lazy("unknown function '{name}'", name=t.text), t)
        lo, hi, fn = build
        if not lo <= len(args) <= hi:
            if lo == hi:
                raise self.error(
                    lazy("'{function}' takes {n} argument(s), got {got}", function=t.text, n=lo, got=len(args)), t
                )
            raise self.error(
                lazy(
                    "'{function}' takes {lo} to {hi} argument(s), got {got}",
                    function=t.text,
                    lo=lo,
                    hi=hi,
                    got=len(args),
                ),
                t,
            )
        try:
            if primes:
                if primes > 3 or len(args) != 1:
                    raise self.error(
                        lazy("derivative prime on '{function}': only f'(x) for one argument", function=t.text), t
                    )
                u = sympy.Dummy("u")
                d = sympy.diff(fn([u]), u, primes)
                return self.checked(substitute(d, u, args[0]), t)
            if len(args) == 1 and _nesting(args[0]) >= _DEEP:
                with sympy.evaluate(False):  # SymPy's own evaluation of tanh(tanh(…)) is exponential
                    return self.checked(fn(args), t)
            return self.checked(fn(args), t)
        except (ValueError, TypeError, ArithmeticError):
            raise self.error(lazy("'{function}' has no value for this argument", function=t.text), t) from None

    def big_call(self, fname: str, args: list[Node], t: Tok) -> Node:
        if len(args) != 4 or not isinstance(args[1].expr, Symbol):
            raise self.error(
                lazy(
                    "{function} takes (expression, index, from, to), e.g. {example}",
                    function=fname,
                    example=f"{fname}(y_k, k, 1, K)",
                ),
                t,
            )
        body, k, lo, hi = args
        value = make_big(fname, body.expr, k.expr, lo.expr, hi.expr)
        return Node("sum" if fname == "sum" else "prod", value, (k, lo, hi, body))

    def diff_call(self, args: list[Node], t: Tok) -> Node:
        if len(args) not in (2, 3) or not isinstance(args[1].expr, Symbol):
            raise self.error(
                lazy("diff takes (expression, variable[, order]), e.g. {example}", example="diff(f, x)"), t
            )
        order = 1
        if len(args) == 3:
            n = args[2].expr
            if not (n.is_Integer and 1 <= n <= 5):
                raise self.error(lazy("the order of diff must be a whole number from 1 to 5"), t)
            order = int(n)
        value = sympy.Derivative(args[0].expr, (args[1].expr, order))
        return Node(
            "deriv", value, (args[1], args[0]), "d" if len(args[0].expr.free_symbols) <= 1 else "∂", (str(order),)
        )

    def piecewise(self, t: Tok) -> Node:
        """SymPy's printed form: ``Piecewise((x, x > 0), (0, True))``."""
        open_tok = self.expect("(", "Piecewise")
        self.enter()
        nodes: list[Node] = []
        pairs: list[tuple[sympy.Expr, sympy.Basic]] = []
        while True:
            self.expect("(", lazy("a (value, condition) pair"))
            v = self.additive()
            self.expect(",", lazy("the value of a Piecewise pair"))
            if self.tok.kind == "ID" and self.tok.text in ("True", "otherwise"):
                self.advance()
                c = Node("const", sympy.true, (), "True")
            else:
                c = self.relation()
            self.expect(")", lazy("a (value, condition) pair"))
            nodes += [v, c]
            pairs.append((v.expr, c.expr))
            if not self.at(","):
                break
            self.advance()
        self.expect(")", opened=open_tok)
        self.leave()
        try:
            value = sympy.Piecewise(*pairs)
        except (TypeError, ValueError):
            raise self.error(lazy("this Piecewise has no value"), t) from None
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
                self.expect("}", lazy("the subscript of the sum"))
            else:
                ke = self.sub_atom()
                k = leaf("name", ke, unicode_name(str(ke)))
            if not isinstance(k.expr, Symbol):
                raise self.error(lazy("the index must be a name, e.g. {example}", example="\\sum_{k=1}^{K}"), kt)
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
            raise self.error(
                lazy(
                    "write it with its range, e.g. {example} or {other}", example="\\sum_{k=1}^{K}", other="∏_{k=1}^{K}"
                ),
                t,
            )
        self.enter()
        body = self.term()
        self.leave()
        value = make_big(fname, body.expr, k.expr, lo.expr, hi.expr)
        return Node("sum" if fname == "sum" else "prod", value, (k, lo, hi, body))

    # ------------------------------------------------------------------ derivatives
    def order(self) -> int:
        if self.tok.kind == "SUP":
            n = int(self.advance().text)
        elif self.at("^"):
            e = self.exponent().expr
            if not e.is_Integer:
                raise self.error(lazy("the order of a derivative is a whole number"))
            n = int(e)
        else:
            return 1
        if not 1 <= n <= 5:
            raise self.error(lazy("derivative order must be 1 to 5"))
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
                raise self.error(lazy("expected the variable after '{marker}'", marker=marker), vt)
        elif vt.kind == "ID" and marker == "d" and vt.text.startswith("d") and len(vt.text) > 1:
            self.advance()
            var = self.name_node(vt.text[1:], vt)
        else:
            raise self.error(
                lazy(
                    "expected the variable, e.g. {example}, but found the end of the input",
                    example=f"{marker}/{marker}x",
                )
                if vt.kind == "END"
                else lazy(
                    "expected the variable, e.g. {example}, but found {found}",
                    example=f"{marker}/{marker}x",
                    found=self.describe(vt),
                ),
                vt,
            )
        if not isinstance(var.expr, Symbol):
            raise self.error(lazy("the derivative variable must be a name"), vt)
        return var

    def derivative_operator(self, t: Tok) -> Node:
        """``d/dx f``, ``∂/∂x f``, ``d²/dx² f``, ``d/dh_1 h_3``: f is the following term."""
        marker = t.text
        order = self.order()
        self.expect("/", f"'{marker}/{marker}x'")
        var = self.diff_variable(marker)
        if self.order() != order:
            raise self.error(lazy("the orders above and below the fraction differ"), t)
        self.enter()
        f = self.power() if self.at("(") else self.term()
        self.leave()
        value = sympy.Derivative(f.expr, (var.expr, order))
        return Node("deriv", value, (var, f), marker, (str(order),))

    def derivative_fraction(self, t: Tok, first: str | None) -> Node:
        """``∂L/∂w``, ``dL/dw``, ``∂p_i/∂z_j``: L depends on w (an unknown function)."""
        marker = "d" if first is not None else "∂"
        order = self.order() if first is None else 1
        if first is None:
            nt = self.tok
            if nt.kind != "ID":
                raise self.error(lazy("expected a name after '∂', e.g. {example}", example="∂L/∂w"), nt)
            self.advance()
            num = self.name_node(nt.text, nt)
        else:
            num = self.name_node(first, t)
        self.expect("/", f"'{marker}L/{marker}w'")
        var = self.diff_variable(marker)
        if self.order() != order:
            raise self.error(lazy("the orders above and below the fraction differ"), t)
        return self.dfrac(num, var, marker, order)

    def dfrac(self, num: Node, var: Node, marker: str, order: int) -> Node:
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
        if not (
            slash.kind == "OP"
            and slash.text == "/"
            and nxt.kind == "ID"
            and nxt.text.startswith("d")
            and len(nxt.text) > 1
        ):
            return None
        save, notes = self.pos, len(self.notes)
        try:
            return self.derivative_fraction(t, t.text[1:])
        except ParseError:
            self.pos = save
            del self.notes[notes:]
            return None


_DEEP = 4


def _nesting(e: sympy.Expr) -> int:
    """How many functions are applied one inside the other at the head of e (up to _DEEP)."""
    n = 0
    while n < _DEEP and isinstance(e, sympy.Function) and e.args:
        e = e.args[0]
        n += 1
    return n


def heaviside(x: sympy.Expr, at_zero: sympy.Expr | int) -> sympy.Expr:
    """H(x) with its value at 0, built without SymPy's evaluation: Heaviside's own evaluation of
    a large power (z^1000) asks for its imaginary part and expands it, which runs for minutes."""
    if x.is_Number:
        return sympy.Heaviside(x, at_zero)
    return sympy.Heaviside(x, at_zero, evaluate=False)


def substitute(e: sympy.Expr, u: sympy.Expr, value: sympy.Expr) -> sympy.Expr:
    """e with u replaced by value, keeping Heaviside unevaluated (see ``heaviside``)."""
    if e == u:
        return value
    if not e.args:
        return e
    args = [substitute(a, u, value) for a in e.args]
    if isinstance(e, sympy.Heaviside):
        return heaviside(args[0], args[1] if len(args) > 1 else sympy.S.Half)
    return e.func(*args)


def short_number(n: sympy.Expr) -> str:
    s = str(n)
    return s if len(s) < 20 else s[:8] + "…"


BUILDERS: dict[str, tuple[int, int, BuildFn]] = {
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
    "heaviside": (1, 2, lambda a: heaviside(a[0], a[1] if len(a) > 1 else sympy.S.Half)),
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
