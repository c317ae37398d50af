"""Student math (calculator syntax or LaTeX) -> SymPy, through a whitelist grammar.

The text is never evaluated as Python and never handed to ``sympify``: a tokenizer and a
recursive-descent parser build SymPy objects directly from known tokens.

Calculator syntax (``sigma(x)*(1-sigma(x))``):

- ``+ - * / ^ **``, implicit products (``2x``, ``x(1-x)``, ``(a+b)(a-b)``, ``2 sigma(x)``);
  an implicit product binds like ``*``, so ``1/2x`` is ``(1/2)·x``.
- ``e`` is Euler's number (``e^x`` = exp(x)), ``pi``/``π``; decimals are exact (``0.01`` = 1/100),
  ``1e-8`` is scientific notation.
- functions: ``sigma σ sigmoid exp ln log`` (natural) ``tanh sinh cosh sin cos tan sqrt abs``
  ``relu`` (= max(0, x)) ``max min floor ceil sign heaviside``/``step`` ``softplus erf``
  ``Phi Φ leaky_relu(x[, γ]) elu(x[, γ]) swish(x[, β])`` (= x·σ(βx)) ``gelu`` (= x·Φ(x)) ``delta(i, j)`` (Kronecker);
  a prime is the derivative: ``sigma'(x)``; a power before the argument: ``tanh^2(x)``.
- ``softmax``: ``softmax(o)_i``, ``softmax_i(o)``, ``softmax(o_i)`` and ``softmax_i`` all mean
  the i-th softmax output over the logits o, written ``softmax(o_i)`` (an opaque value in (0, 1)).
- names: one letter, Greek names (``alpha beta gamma delta epsilon eta theta mu rho tau phi``
  ...; ``lambda`` is reserved, write ``lam`` or ``λ``), a hat (``yhat``, ``ŷ``), subscripts
  ``y_1 x_t h_{t-1} W_f o_i`` and trailing digits (``y1`` = ``y_1``, ``beta1`` = ``beta_1``).
  Other multi-letter names are rejected (``xy`` must be written ``x*y``).
- ``sigma``, ``delta``, ``Phi`` are the function only when applied (``σ(x)``, ``σ'(x)``,
  ``σ^2(x)``); otherwise the Greek letter (``sigma^2`` is a variance, ``sigma_1`` a name).
- derivatives ``d/dx f`` (f is the following term) and ``diff(f, x[, n])``; sums
  ``sum(expr, k, 1, K)``; ``|x|`` is abs; ``β₁`` = ``beta_1``.

LaTeX (auto-detected by a backslash): ``\\frac \\sqrt \\left( \\right) \\cdot \\times \\exp \\log
\\ln \\tanh^2(x) \\sigma \\max \\sum_{k=1}^{K} \\hat{y}_i \\partial`` (``\\frac{\\partial L}{\\partial o_i}``
is a derivative node), Greek commands, ``{}`` grouping; letters are single names (``xy`` = x·y),
except function words (``tanh``, ``sigmoid``, ``max`` ...). As the notes write it: ``\\hat{y_i}``,
``\\mathbf{exp}``, ``\\operatorname{ReLU}``, ``\\lvert x \\rvert``, and ``\\sum_k`` (k from 1 to K).

Refused, with the 1-based column and a hint: unknown names (``sigm`` -> did you mean ``sigma``?),
Python-looking text (``__``, attribute access, ``lambda``, ``import``), control characters,
more than 2000 characters, nesting deeper than 60, exponents above 1000 or results above 2000
digits (``9**9**9**9``), division by zero and values like ``log(0)``.
"""

from __future__ import annotations

import difflib
import keyword
import re
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import sympy
from sympy import Indexed, IndexedBase, Integer, Rational, Symbol

from dlquiz.errors import ParseError
from dlquiz.symbolic.functions import Phi, elu, leaky_relu, sigma, softmax, softplus

MAX_LENGTH = 2000
MAX_DEPTH = 60
MAX_DIGITS = 100
MAX_EXPONENT = 1000
MAX_RESULT_DIGITS = 2000


@dataclass(frozen=True)
class Parsed:
    """A parsed expression with its source text and a readable echo."""

    expr: sympy.Expr
    text: str
    syntax: Literal["calc", "latex"]
    pretty: str


# --------------------------------------------------------------------------- names

GREEK: dict[str, str] = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "chi": "χ",
    "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ",
    "Xi": "Ξ", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
_GREEK_BY_CHAR: dict[str, str] = {v: k for k, v in GREEK.items()}
_GREEK_BY_CHAR.update({"ϵ": "epsilon", "ϑ": "theta", "ϕ": "phi", "ς": "sigma"})
_ALIASES: dict[str, str] = {"varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi",
                            "lam": "lambda", "eps": "epsilon", "varsigma": "sigma"}
_ACCENTS = ("hat", "bar", "tilde")

# calculator function names -> canonical function name
FUNCTIONS: dict[str, str] = {
    "sigma": "sigma", "sigmoid": "sigma", "logistic": "sigma", "σ": "sigma",
    "exp": "exp", "ln": "log", "log": "log", "tanh": "tanh", "sinh": "sinh", "cosh": "cosh",
    "sech": "sech",
    "sin": "sin", "cos": "cos", "tan": "tan", "sqrt": "sqrt", "abs": "abs",
    "relu": "relu", "ReLU": "relu", "max": "max", "min": "min", "softplus": "softplus",
    "softmax": "softmax", "erf": "erf", "Phi": "Phi", "Φ": "Phi", "leaky_relu": "leaky_relu",
    "lrelu": "leaky_relu", "elu": "elu", "ELU": "elu", "swish": "swish", "gelu": "gelu",
    "GELU": "gelu", "delta": "delta", "diff": "diff", "sum": "sum", "floor": "floor",
    "ceil": "ceil", "sign": "sign", "sgn": "sign", "heaviside": "heaviside", "step": "heaviside",
}
# names that are a function only when followed by "(" (otherwise a Greek symbol)
_DUAL = {"sigma", "σ", "delta", "Phi", "Φ"}
_FORBIDDEN = {"import", "lambda", "eval", "exec", "open", "os", "sys", "globals", "locals",
              "getattr", "setattr", "compile", "builtins", "subprocess", "class", "def"}
EXTRA_NAMES = {"dW", "dZ", "dz", "db", "da", "dA", "lr"}

# symbol name -> (base, subscript expression); filled as symbols are made
SUBSCRIPTS: dict[str, tuple[str, sympy.Expr]] = {}


def make_symbol(base: str, sub: sympy.Expr | None = None) -> Symbol:
    """The symbol for a base name with an optional subscript (``h_{t-1}``)."""
    if sub is None:
        return Symbol(base)
    text = _sub_text(sub)
    name = f"{base}_{text}"
    SUBSCRIPTS.setdefault(name, (base, sub))
    return Symbol(name)


def _sub_text(sub: sympy.Expr) -> str:
    if isinstance(sub, Symbol) or (sub.is_Integer and sub >= 0):
        return str(sub)
    return "{" + str(sympy.sstr(sub)).replace(" ", "") + "}"


# --------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class Tok:
    kind: str  # NUM ID OP CMD END
    text: str
    col: int  # 1-based
    space_before: bool = False


_LATEX_WORDS = ("softmax", "softplus", "sigmoid", "sigma", "leaky_relu", "relu", "ReLU", "gelu", "swish",
                "tanh", "sqrt", "exp", "log", "max", "min", "erf", "ln")
_SPACING = {",", ";", ":", "!", " ", "space", "quad", "qquad", "displaystyle", "big", "Big", "bigg",
            "Bigg", "bigl", "bigr", "Bigl", "Bigr", "left", "right", "limits", "nolimits"}
_CHAR_MAP = {"−": "-", "–": "-", "·": "*", "×": "*", "⋅": "*", "∙": "*", "÷": "/", "²": "^2",
             "³": "^3", "√": "sqrt", "（": "(", "）": ")", "，": ",", "＝": "=", "∑": "sum",
             "ŷ": "yhat", "π": "pi", "\t": " ", "\n": " ", "\r": " "}


_DIGITS = "0123456789"
_SUB_DIGITS = "₀₁₂₃₄₅₆₇₈₉"
_FROM_SUB = str.maketrans(_SUB_DIGITS, "0123456789")


def _fail(msg: str, col: int | None, text: str) -> ParseError:
    where = f" at column {col}" if col is not None else ""
    head, sep, hint = msg.partition("; ")
    return ParseError(f"{head}{where}{sep}{hint}", column=col, text=text)


def _check_raw(text: str) -> None:
    if len(text) > MAX_LENGTH:
        raise ParseError(f"input too long: {len(text)} characters (at most {MAX_LENGTH})",
                         column=MAX_LENGTH + 1, text=text[:80])
    for i, ch in enumerate(text):
        if ch in "\t\n\r":
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            raise _fail(f"control character U+{ord(ch):04X} is not allowed", i + 1, text)
    m = re.search(r"[A-Za-z_)\]]\s*\.\s*[A-Za-z_]", text)
    if m:
        raise _fail("'.' after a name: attribute access is not math", m.start() + 2, text)
    m = re.search(r"__", text)
    if m:
        raise _fail("double underscore is not allowed", m.start() + 1, text)
    for m in re.finditer(r"(?<![A-Za-z\\])[A-Za-z]+", text):
        if m.group(0) in _FORBIDDEN:
            hint = "; write lam or λ for the Greek letter" if m.group(0) == "lambda" else ""
            raise _fail(f"'{m.group(0)}' is not allowed in a formula{hint}", m.start() + 1, text)


def tokenize(text: str, latex: bool, deadline: float | None = None) -> list[Tok]:
    """Split text into whitelisted tokens; anything else is a ParseError with its column."""
    toks: list[Tok] = []
    i, n = 0, len(text)
    space = False
    while i < n:
        if deadline is not None and time.monotonic() > deadline:
            raise _fail("input took too long to read", i + 1, text)
        ch = text[i]
        col = i + 1
        if ch in " \t\n\r" or (latex and ch == "~"):
            space = True
            i += 1
            continue
        if ch in _SUB_DIGITS:  # β₁ -> β_1 (the echo writes subscript digits)
            j = i
            while j < n and text[j] in _SUB_DIGITS:
                j += 1
            toks.append(Tok("OP", "_", col, space))
            toks.append(Tok("NUM", text[i:j].translate(_FROM_SUB), col, False))
            i = j
            space = False
            continue
        mapped = _CHAR_MAP.get(ch)
        if mapped is not None and mapped.strip():
            if mapped.startswith("^"):
                toks.append(Tok("OP", "^", col, space))
                toks.append(Tok("NUM", mapped[1:], col, False))
            elif mapped[0].isalpha():
                toks.append(Tok("ID", mapped, col, space))
            else:
                toks.append(Tok("OP", mapped, col, space))
            i += 1
            space = False
            continue
        if ch in _DIGITS or (ch == "." and i + 1 < n and text[i + 1] in _DIGITS):
            m = re.compile(r"[0-9]*\.?[0-9]*").match(text, i)
            assert m is not None and m.end() > i
            j = m.end()
            after_underscore = bool(toks) and toks[-1].text == "_" and toks[-1].kind == "OP"
            if not latex and not after_underscore:  # y_1e-3 is y_1·e − 3, not y_0.001
                e = re.compile(r"[eE][+-]?[0-9]+").match(text, j)
                if e:
                    j = e.end()
            num = text[i:j]
            if j < n and text[j] == ".":
                raise _fail(f"malformed number '{num}.'", col, text)
            if len(num) > MAX_DIGITS:
                raise _fail(f"number too long ({len(num)} digits, at most {MAX_DIGITS})", col, text)
            toks.append(Tok("NUM", num, col, space))
            i = j
        elif ch == "*" and text.startswith("**", i):
            toks.append(Tok("OP", "^", col, space))
            i += 2
        elif ch in "+-*/^_()[]{},=|'!":
            toks.append(Tok("OP", ch, col, space))
            i += 1
        elif ch == "\\":
            m = re.compile(r"\\([A-Za-z]+|.)").match(text, i)
            if m is None:
                raise _fail("a lone backslash", col, text)
            name = m.group(1)
            i = m.end()
            if name in _SPACING:
                continue
            if name in ("{", "}"):
                toks.append(Tok("OP", name, col, space))
            else:
                toks.append(Tok("CMD", name, col, space))
        elif ch.isascii() and ch.isalpha():
            if latex:
                run = re.compile(r"[A-Za-z]+").match(text, i)
                assert run is not None
                word = run.group(0)
                for w in _LATEX_WORDS:
                    if word.startswith(w):
                        toks.append(Tok("ID", w, col, space))
                        i += len(w)
                        break
                else:
                    toks.append(Tok("ID", ch, col, space))
                    i += 1
            else:
                m = re.compile(r"leaky_relu|[A-Za-z][A-Za-z0-9]*").match(text, i)
                assert m is not None
                toks.append(Tok("ID", m.group(0), col, space))
                i = m.end()
        elif ch in _GREEK_BY_CHAR or ch in ("Φ", "σ"):
            toks.append(Tok("ID", ch, col, space))
            i += 1
        elif ch == "\u0302" and toks and toks[-1].kind == "ID":  # combining circumflex: y + ^ = ŷ
            last = toks.pop()
            toks.append(Tok("ID", last.text + "hat", last.col, last.space_before))
            i += 1
        else:
            hint = ""
            if ch in ";:&$@#%`~?<>\"":
                hint = "; this is not part of a formula"
            raise _fail(f"unexpected character {ch!r}{hint}", col, text)
        space = False
    toks.append(Tok("END", "", n + 1, space))
    return toks


# --------------------------------------------------------------------------- parser

_BuildFn = Callable[[list[sympy.Expr]], sympy.Expr]
_NO_VALUE = {sympy.zoo, sympy.nan, sympy.oo, -sympy.oo}


class _Parser:
    def __init__(self, text: str, toks: list[Tok], latex: bool,
                 let: Mapping[str, sympy.Expr], deadline: float) -> None:
        self.text = text
        self.toks = toks
        self.latex = latex
        self.let = let
        self.deadline = deadline
        self.pos = 0
        self.depth = 0

    # -- helpers
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
            raise _fail("input took too long to read", t.col, self.text)
        return t

    def at(self, *texts: str) -> bool:
        return self.tok.kind == "OP" and self.tok.text in texts

    def expect(self, text: str, what: str = "") -> Tok:
        if not self.at(text):
            got = self._describe(self.tok)
            extra = f" to close {what}" if what else ""
            raise _fail(f"expected '{text}'{extra} but found {got}", self.tok.col, self.text)
        return self.advance()

    def _describe(self, t: Tok) -> str:
        if t.kind == "END":
            return "the end of the input"
        if t.kind == "CMD":
            return f"'\\{t.text}'"
        return f"'{t.text}'"

    def error(self, msg: str, t: Tok | None = None) -> ParseError:
        t = t or self.tok
        return _fail(msg, t.col, self.text)

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"expression nested too deeply (more than {MAX_DEPTH} levels)")

    # -- grammar
    def parse(self) -> sympy.Expr:
        if self.tok.kind == "END":
            raise self.error("empty input: type a formula")
        e = self.additive()
        if self.tok.kind != "END":
            t = self.tok
            if self.at("="):
                raise self.error("'=' here: type one expression (or use an equation check)", t)
            if self.at(")", "}", "]"):
                raise self.error(f"unbalanced '{t.text}'", t)
            raise self.error(f"unexpected {self._describe(t)}", t)
        return e

    def additive(self) -> sympy.Expr:
        start = self.tok
        terms = [self.term()]
        while self.at("+", "-"):
            op = self.advance().text
            right = self.term()
            terms.append(right if op == "+" else -right)
        if len(terms) == 1:
            return terms[0]
        return self._checked(sympy.Add(*terms), start)  # one flattening, not one per term

    def _starts_factor(self) -> bool:
        t = self.tok
        if t.kind in ("NUM", "ID"):
            return True
        if t.kind == "OP":
            return t.text in ("(", "[") or (self.latex and t.text == "{")
        if t.kind == "CMD":
            return t.text not in ("cdot", "times", "ast", "div", "right", "partial", "top",
                                  "rfloor", "rceil", "rvert", "rVert")
        return False

    def term(self) -> sympy.Expr:
        start = self.tok
        factors = [self.unary()]
        while True:
            if self.at("*", "/") or (self.tok.kind == "CMD" and self.tok.text in
                                     ("cdot", "times", "ast", "div")):
                t = self.advance()
                right = self.unary()
                if t.text in ("/", "div"):
                    if right == 0:
                        raise self.error("division by zero", t)
                    right = self._checked(sympy.Pow(right, -1), t)
                factors.append(right)
            elif self._starts_factor():
                factors.append(self.power())
            else:
                break
        if len(factors) == 1:
            return factors[0]
        return self._checked(sympy.Mul(*factors), start)  # one flattening, not one per factor

    def unary(self) -> sympy.Expr:
        if self.at("-", "+"):
            self.enter()
            op = self.advance().text
            v = self.unary()
            self.depth -= 1
            return -v if op == "-" else v
        return self.power()

    def power(self) -> sympy.Expr:
        base = self.atom()
        while self.at("'"):
            raise self.error("a prime (') only follows a function name, e.g. sigma'(x)")
        if self.at("!"):
            raise self.error("factorial '!' is not supported")
        if self.at("^"):
            caret = self.tok
            return self._pow(base, self._exponent(), caret)
        return base

    def _exponent(self) -> sympy.Expr:
        caret = self.advance()
        self.enter()
        if self.tok.kind == "END":
            raise self.error("missing exponent after '^'", caret)
        if self.latex and self.at("{"):
            e = self._group()
        elif self.latex:
            e = self.atom()  # x^2 or x^\alpha: one token
        else:
            e = self.unary()
        self.depth -= 1
        if self.at("^") and self.latex:
            raise self.error("double superscript: use braces, e.g. x^{a^b}")
        return e

    def _pow(self, base: sympy.Expr, exp: sympy.Expr, where: Tok) -> sympy.Expr:
        if exp.is_Number:
            if abs(exp) > MAX_EXPONENT:
                raise self.error(f"exponent too large ({_short(exp)}; at most {MAX_EXPONENT})",
                                 where)
            if base.is_Number and base != 0:
                size = abs(float(exp)) * abs(float(sympy.log(abs(base), 10).evalf(15)))
                if size > MAX_RESULT_DIGITS:
                    raise self.error("number too large: the power has more than "
                                     f"{MAX_RESULT_DIGITS} digits", where)
        elif exp.is_number:
            raise self.error("a constant exponent that is not a plain number", where)
        try:
            return self._checked(sympy.Pow(base, exp), where)
        except (ValueError, TypeError, ArithmeticError):
            raise self.error("this power has no value", where) from None

    def _checked(self, e: sympy.Expr, where: Tok) -> sympy.Expr:
        # children were checked when they were built, so the new node and its arguments suffice
        if e in _NO_VALUE or any(a in _NO_VALUE for a in e.args):
            raise self.error("the expression has no finite value here (division by zero, "
                             "log of 0?)", where)
        return e

    def _group(self) -> sympy.Expr:
        open_tok = self.expect("{")
        self.enter()
        if self.at("}"):
            raise self.error("empty braces '{}'")
        e = self.additive()
        if not self.at("}"):
            raise self.error(f"expected '}}' to close the '{{' at column {open_tok.col} but found "
                             f"{self._describe(self.tok)}")
        self.advance()
        self.depth -= 1
        return e

    def _paren(self) -> sympy.Expr:
        open_tok = self.advance()
        close = {"(": ")", "[": "]", "{": "}", "|": "|"}[open_tok.text]
        self.enter()
        if self.at(close):
            raise self.error(f"empty '{open_tok.text}{close}'")
        e = self.additive()
        if self.tok.kind == "CMD" and self.tok.text == "right":
            self.advance()
        if not self.at(close):
            raise self.error(f"expected '{close}' to close the '{open_tok.text}' at column "
                             f"{open_tok.col} but found {self._describe(self.tok)}")
        self.advance()
        self.depth -= 1
        return sympy.Abs(e) if close == "|" else e

    def atom(self) -> sympy.Expr:
        t = self.tok
        if t.kind == "NUM":
            self.advance()
            return _number(t, self.text)
        if t.kind == "OP":
            if t.text in ("(", "[", "|") or (t.text == "{" and self.latex):
                return self._paren()
            if t.text == "{":
                return self._paren()
            if t.kind == "OP" and t.text in (")", "]", "}"):
                raise self.error(f"unbalanced '{t.text}'")
            if t.text == "_":
                raise self.error("'_' (subscript) must follow a name")
            raise self.error(f"expected a number, a name or '(' but found {self._describe(t)}")
        if t.kind == "ID":
            return self.name()
        if t.kind == "CMD":
            return self.command()
        prev = self.toks[self.pos - 1] if self.pos else None
        after = f" after '{prev.text}'" if prev is not None and prev.kind != "NUM" else ""
        raise self.error(f"unexpected end of the input: expected a number, a name or '('{after}")

    # -- names and calls (calculator)
    def name(self) -> sympy.Expr:
        t = self.advance()
        raw = t.text
        if raw in _FORBIDDEN or keyword.iskeyword(raw):
            hint = "; write lam or λ for the Greek letter" if raw == "lambda" else ""
            raise self.error(f"'{raw}' is not allowed in a formula{hint}", t)
        # d/dx f
        if raw == "d" and self.at("/") and self.peek().kind == "ID" and \
                self.peek().text.startswith("d") and len(self.peek().text) > 1:
            self.advance()
            var_tok = self.advance()
            var = self._name_symbol(var_tok.text[1:], var_tok)
            self.enter()
            f = self.term() if not self.at("(") else self.power()
            self.depth -= 1
            return sympy.Derivative(f, var)
        fname = FUNCTIONS.get(raw)
        if fname is not None and (raw not in _DUAL or self._applied()):
            return self.call(fname, t)
        return self._name_symbol(raw, t)

    def _applied(self) -> bool:
        """σ(x), σ'(x), σ^2(x) apply the function; σ, σ^2, σ_1 are the Greek letter."""
        if self.at("(", "'"):
            return True
        if self.at("^"):
            nxt, after = self.peek(1), self.peek(2)
            return nxt.kind in ("NUM", "ID") and after.kind == "OP" and after.text == "("
        return False

    def _name_symbol(self, raw: str, t: Tok) -> sympy.Expr:
        sub: sympy.Expr | None = None
        m = re.fullmatch(r"([A-Za-z]+?)(\d+)", raw)
        if m:
            base = self._base_name(m.group(1), t)
            sub = Integer(int(m.group(2)))
        else:
            base = self._base_name(raw, t)
        if self.at("_"):
            if sub is not None:
                raise self.error("a name with two subscripts")
            sub = self._subscript()
        if base == "e" and sub is None:
            return sympy.E
        if base == "pi" and sub is None:
            return sympy.pi
        sym = make_symbol(base, sub)
        if sym.name in self.let:
            return self.let[sym.name]
        return sym

    def _base_name(self, raw: str, t: Tok) -> str:
        if raw in _GREEK_BY_CHAR:
            return _GREEK_BY_CHAR[raw]
        raw = _ALIASES.get(raw, raw)
        if len(raw) == 1 or raw in GREEK or raw in EXTRA_NAMES or raw == "pi":
            return raw
        for acc in _ACCENTS:
            if raw.endswith(acc) and len(raw) > len(acc):
                stem = _ALIASES.get(raw[: -len(acc)], raw[: -len(acc)])
                if len(stem) == 1 or stem in GREEK:
                    return stem + acc
        if raw in self.let:
            return raw
        pool = list(FUNCTIONS) + list(GREEK) + list(self.let) + ["pi", "lam", "yhat"]
        near = [c for c in pool if sorted(c) == sorted(raw)] or \
            difflib.get_close_matches(raw, pool, n=1, cutoff=0.6)
        hint = f"; did you mean '{near[0]}'?" if near else \
            f"; for a product write {'*'.join(raw)}" if raw.isalpha() and len(raw) <= 4 else ""
        raise self.error(f"unknown name '{raw}'{hint}", t)

    def _subscript(self) -> sympy.Expr:
        us = self.advance()
        t = self.tok
        if self.at("{"):
            self.advance()
            self.enter()
            if self.at("}"):
                raise self.error("empty subscript '_{}'")
            e = self._sub_expr()
            if not self.at("}"):
                raise self.error(f"expected '}}' to close the subscript at column {us.col + 1}")
            self.advance()
            self.depth -= 1
            return e
        if t.kind == "NUM" and t.text.isdigit():
            self.advance()
            return Integer(int(t.text[0] if self.latex else t.text))
        if t.kind == "ID":
            self.advance()
            if self.latex or len(t.text) == 1 or t.text in GREEK:
                return Symbol(_GREEK_BY_CHAR.get(t.text, _ALIASES.get(t.text, t.text)))
            return Symbol(t.text)
        if t.kind == "CMD" and (t.text in GREEK or t.text in _ALIASES):
            self.advance()
            return Symbol(_ALIASES.get(t.text, t.text))
        raise self.error(f"expected a subscript after '_' but found {self._describe(t)}")

    def _sub_expr(self) -> sympy.Expr:
        # subscripts are index expressions: names, integers, + and -, commas joined
        parts = [self._sub_term()]
        while self.at(","):
            self.advance()
            parts.append(self._sub_term())
        if len(parts) == 1:
            return parts[0]
        return Symbol(",".join(_sub_text(p).strip("{}") for p in parts))

    def _sub_term(self) -> sympy.Expr:
        e = self._sub_atom()
        while self.at("+", "-"):
            op = self.advance().text
            r = self._sub_atom()
            e = e + r if op == "+" else e - r
        return e

    def _sub_atom(self) -> sympy.Expr:
        t = self.tok
        if t.kind == "NUM" and t.text.isdigit():
            self.advance()
            return Integer(int(t.text))
        if t.kind == "ID":
            self.advance()
            name = _GREEK_BY_CHAR.get(t.text, _ALIASES.get(t.text, t.text))
            if self.latex:  # \hat... not in subscripts; letters run together: ij -> "ij"
                while self.tok.kind == "ID" and not self.tok.space_before and \
                        len(self.tok.text) == 1:
                    name += self.advance().text
            return Symbol(name)
        if t.kind == "CMD" and (t.text in GREEK or t.text in _ALIASES):
            self.advance()
            return Symbol(_ALIASES.get(t.text, t.text))
        raise self.error(f"unexpected {self._describe(t)} in a subscript")

    def _args(self, fname: str, t: Tok) -> list[sympy.Expr]:
        if not self.at("("):
            if self.latex or fname in ("log", "exp", "tanh", "sqrt", "sin", "cos", "sinh",
                                       "cosh", "tan"):
                # \log x, ln x: the argument is the next power-level factor
                if not self._starts_factor():
                    raise self.error(f"'{t.text}' needs an argument")
                self.enter()
                a = self.power()
                self.depth -= 1
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
        if self.tok.kind == "CMD" and self.tok.text == "right":
            self.advance()
        if not self.at(")"):
            raise self.error(f"expected ')' to close the '(' at column {open_tok.col} but found "
                             f"{self._describe(self.tok)}")
        self.advance()
        self.depth -= 1
        return args

    def call(self, fname: str, t: Tok) -> sympy.Expr:
        sub: sympy.Expr | None = None
        if fname == "sum" and self.at("_"):  # sum_{k=1}^K body, as on paper
            return self._latex_sum(t)
        if self.at("_"):
            if fname != "softmax":
                raise self.error(f"a subscript on '{t.text}' is only meaningful for softmax")
            sub = self._subscript()
        primes = 0
        while self.at("'"):
            self.advance()
            primes += 1
        power: sympy.Expr | None = None
        power_tok = self.tok
        if self.at("^"):
            power = self._exponent()
        if fname in ("sum", "diff"):
            args = self._raw_args(fname, t)
            result = self._sum(args, t) if fname == "sum" else self._diff(args, t)
        elif fname == "softmax":
            if sub is not None and not self.at("("):
                result = softmax(make_symbol("o", sub))
            else:
                result = self._softmax(self._args(fname, t), sub, t)
        else:
            args = self._args(fname, t)
            result = self._apply(fname, args, t, primes)
        if power is not None:
            result = self._pow(result, power, power_tok)
        return result

    def _raw_args(self, fname: str, t: Tok) -> list[sympy.Expr]:
        if not self.at("("):
            raise self.error(f"'{fname}' needs parentheses, e.g. "
                             + ("sum(x_k, k, 1, K)" if fname == "sum" else "diff(f, x)"))
        return self._args(fname, t)

    def _softmax(self, args: list[sympy.Expr], sub: sympy.Expr | None, t: Tok) -> sympy.Expr:
        if len(args) != 1:
            raise self.error("softmax takes one argument: softmax(o)_i or softmax(o_i)", t)
        a = args[0]
        if self.at("_"):
            if sub is not None:
                raise self.error("softmax with two subscripts", t)
            sub = self._subscript()
        if sub is not None:
            if not isinstance(a, Symbol) or a.name in SUBSCRIPTS:
                raise self.error("write softmax(o)_i with a plain name o inside", t)
            a = make_symbol(a.name, sub)
        if not isinstance(a, (Symbol, Indexed)):
            raise self.error("softmax needs the logit vector's name: softmax(o)_i", t)
        return softmax(a)

    def _apply(self, fname: str, args: list[sympy.Expr], t: Tok, primes: int) -> sympy.Expr:
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
                return self._checked(d.subs(u, args[0]), t)
            return self._checked(fn(args), t)
        except (ValueError, TypeError, ArithmeticError):
            raise self.error(f"'{t.text}' has no value for this argument", t) from None

    def _sum(self, args: list[sympy.Expr], t: Tok) -> sympy.Expr:
        if len(args) != 4 or not isinstance(args[1], Symbol):
            raise self.error("sum takes (expression, index, from, to), e.g. sum(y_k, k, 1, K)", t)
        body, k, lo, hi = args
        return make_sum(body, k, lo, hi)

    def _diff(self, args: list[sympy.Expr], t: Tok) -> sympy.Expr:
        if len(args) not in (2, 3) or not isinstance(args[1], Symbol):
            raise self.error("diff takes (expression, variable[, order]), e.g. diff(f, x)", t)
        order = 1
        if len(args) == 3:
            if not (args[2].is_Integer and 1 <= args[2] <= 5):
                raise self.error("the order of diff must be a whole number from 1 to 5", t)
            order = int(args[2])
        return sympy.Derivative(args[0], (args[1], order))

    # -- LaTeX commands
    def command(self) -> sympy.Expr:
        t = self.advance()
        c = t.text
        if c in ("frac", "dfrac", "tfrac"):
            return self._frac(t)
        if c == "sqrt":
            if self.at("["):
                self.advance()
                n = self.additive()
                self.expect("]", "the root index")
                return self._pow(self._arg(), 1 / n, t) if n != 0 else self._zero_root(t)
            return sympy.sqrt(self._arg())
        if c in ("hat", "widehat", "bar", "overline", "tilde", "widetilde"):
            inner = self.tok
            inner_sub: sympy.Expr | None = None
            self.enter()
            if self.at("{"):
                self.advance()
                nm = self.tok
                if nm.kind == "ID" and len(nm.text) == 1:
                    base = nm.text
                elif nm.kind == "CMD" and (nm.text in GREEK or nm.text in _ALIASES):
                    base = _ALIASES.get(nm.text, nm.text)
                else:
                    raise self.error(f"\\{c}{{...}} takes one letter", inner)
                self.advance()
                inner_sub = self._subscript() if self.at("_") else None  # \hat{y_i}
                self.expect("}", f"\\{c}")
            elif inner.kind == "ID" and len(inner.text) == 1:
                base = self.advance().text
            elif inner.kind == "CMD" and (inner.text in GREEK or inner.text in _ALIASES):
                base = _ALIASES.get(self.advance().text, inner.text)
            else:
                raise self.error(f"\\{c} takes one letter, e.g. \\{c}{{y}}", inner)
            self.depth -= 1
            acc = {"widehat": "hat", "overline": "bar", "widetilde": "tilde"}.get(c, c)
            sub = inner_sub
            if self.at("_"):
                if sub is not None:
                    raise self.error("a name with two subscripts")
                sub = self._subscript()
            sym = make_symbol(base + acc, sub)
            return self.let.get(sym.name, sym)
        if c in ("mathrm", "operatorname", "text", "mathbf", "boldsymbol", "mathit", "rm"):
            return self._textual(t)
        if c == "sum":
            return self._latex_sum(t)
        if c == "left":  # pragma: no cover - dropped by the tokenizer
            return self.atom()
        if c in ("lvert", "vert", "lVert"):
            inner = self.additive()
            if not (self.tok.kind == "CMD" and self.tok.text in ("rvert", "vert", "rVert")):
                raise self.error(f"expected '\\rvert' to close '\\{c}'")
            self.advance()
            return sympy.Abs(inner)
        if c in ("lfloor", "lceil"):
            inner = self.additive()
            close = "rfloor" if c == "lfloor" else "rceil"
            if not (self.tok.kind == "CMD" and self.tok.text == close):
                raise self.error(f"expected '\\{close}' to close '\\{c}'")
            self.advance()
            return sympy.floor(inner) if c == "lfloor" else sympy.ceiling(inner)
        if c in ("exp", "log", "ln", "tanh", "sinh", "cosh", "sin", "cos", "tan", "max", "min",
                 "erf"):
            return self.call(FUNCTIONS[c], t)
        if c in ("sigma", "Phi", "delta") and self._applied():
            return self.call(FUNCTIONS[c], t)
        if c in GREEK or c in _ALIASES:
            name = _ALIASES.get(c, c)
            if name == "pi":
                return sympy.pi
            return self._name_symbol(name, t)
        if c == "pi":
            return sympy.pi
        if c == "partial":
            raise self.error("'\\partial' belongs in \\frac{\\partial f}{\\partial x}", t)
        if c in ("top", "intercal", "T"):
            raise self.error("transpose is a matrix operation; scalar formulas only here", t)
        if c in ("int", "prod", "lim", "infty"):
            raise self.error(f"'\\{c}' is not supported", t)
        raise self.error(f"unknown LaTeX command '\\{c}'", t)

    def _zero_root(self, t: Tok) -> sympy.Expr:
        raise self.error("a zeroth root", t)

    def _arg(self) -> sympy.Expr:
        if self.at("{"):
            return self._group()
        t = self.tok
        if t.kind == "NUM" and len(t.text) > 1:  # \frac12: one digit per argument
            self.toks[self.pos: self.pos + 1] = [Tok("NUM", t.text[0], t.col, t.space_before),
                                                 Tok("NUM", t.text[1:], t.col + 1)]
        self.enter()
        v = self.atom()
        self.depth -= 1
        return v

    def _textual(self, t: Tok) -> sympy.Expr:
        self.expect("{", f"\\{t.text}")
        letters: list[str] = []
        while self.tok.kind == "ID" and not self.at("}"):
            letters.append(self.advance().text)
        self.expect("}", f"\\{t.text}{{...}}")
        word = "".join(letters)
        if word in FUNCTIONS:
            return self.call(FUNCTIONS[word], Tok("ID", word, t.col))
        if word == "e":
            return sympy.E
        if len(word) == 1:
            return self._name_symbol(word, t)
        if word in GREEK or word in EXTRA_NAMES:
            return self._name_symbol(word, t)
        raise self.error(f"unknown name '{word}' in \\{t.text}{{...}}", t)

    def _latex_sum(self, t: Tok) -> sympy.Expr:
        k: sympy.Expr | None = None
        lo: sympy.Expr | None = None
        hi: sympy.Expr | None = None
        if self.at("_"):
            self.advance()
            if self.at("{"):
                self.advance()
                kt = self.tok
                k = self._sub_atom()
                if self.at("="):
                    self.advance()
                    lo = self.additive()
                self.expect("}", "the \\sum subscript")
            else:
                kt = self.tok
                k = self._sub_atom()
            if not isinstance(k, Symbol):
                raise self.error("the index of \\sum must be a name, e.g. \\sum_{k=1}^{K}", kt)
        if self.at("^"):
            hi = self._exponent()
        if k is not None and lo is None and hi is None and len(str(k)) == 1:
            # \sum_k as in the notes: k runs from 1 to K (the capital letter)
            lo, hi = Integer(1), Symbol(str(k).upper())
        if k is None or lo is None or hi is None:
            raise self.error("write the sum with its range, e.g. \\sum_{k=1}^{K}", t)
        self.enter()
        body = self.term()
        self.depth -= 1
        return make_sum(body, k, lo, hi)

    def _frac(self, t: Tok) -> sympy.Expr:
        # derivative forms: \frac{\partial L}{\partial x}, \frac{d}{dx} f, \frac{dy}{dx}
        start = self.pos
        if self.at("{") and self.peek().kind in ("CMD", "ID") and (
                self.peek().text == "partial" or self.peek().text == "d"):
            d = self._try_derivative(t)
            if d is not None:
                return d
            self.pos = start
        num = self._arg()
        den = self._arg()
        if den == 0:
            raise self.error("division by zero in \\frac", t)
        return self._checked(num / den, t)

    def _try_derivative(self, t: Tok) -> sympy.Expr | None:
        self.advance()  # {
        self.advance()  # \partial or d
        order: sympy.Expr = Integer(1)
        if self.at("^"):
            order = self._exponent()
        f: sympy.Expr | None = None
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
        self.advance()
        vt = self.tok
        if vt.kind == "ID" and len(vt.text) == 1:
            self.advance()
            var = self._name_symbol(vt.text, vt)
        elif vt.kind == "CMD" and (vt.text in GREEK or vt.text in _ALIASES):
            self.advance()
            var = self._name_symbol(_ALIASES.get(vt.text, vt.text), vt)
        else:
            raise self.error("expected the variable after \\partial or d in the denominator", vt)
        if self.at("^"):
            self._exponent()
        self.expect("}", "the derivative's denominator")
        if not isinstance(var, Symbol):
            raise self.error("the derivative variable must be a name", vt)
        if not (order.is_Integer and 1 <= order <= 5):
            raise self.error("derivative order must be 1 to 5", t)
        if f is None:
            self.enter()
            f = self.term()
            self.depth -= 1
        if isinstance(f, Symbol) and f != var:
            f = sympy.Function(f.name)(var)  # ∂L/∂o_i: L depends on o_i
        return sympy.Derivative(f, (var, int(order)))


def _short(n: sympy.Expr) -> str:
    s = str(n)
    return s if len(s) < 20 else s[:8] + "…"


def _number(t: Tok, text: str) -> sympy.Expr:
    s = t.text
    if s.count(".") > 1 or s == ".":
        raise _fail(f"malformed number '{s}'", t.col, text)
    m = re.fullmatch(r"([0-9]*\.?[0-9]*)(?:[eE]([+-]?[0-9]+))?", s)
    if m is None:  # pragma: no cover - the tokenizer only makes these
        raise _fail(f"malformed number '{s}'", t.col, text)
    mant, ex = m.group(1), m.group(2)
    value = Rational(mant)
    if ex is not None:
        if abs(int(ex)) > 300:
            raise _fail(f"exponent of '{s}' too large", t.col, text)
        value = value * Rational(10) ** int(ex)
    return value


def _max(args: list[sympy.Expr]) -> sympy.Expr:
    return sympy.Max(*args)


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
    "max": (2, 8, _max),
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
    "heaviside": (1, 1, lambda a: sympy.Heaviside(a[0], sympy.S.Half)),
    "ceil": (1, 1, lambda a: sympy.ceiling(a[0])),
}


def make_sum(body: sympy.Expr, k: Symbol, lo: sympy.Expr, hi: sympy.Expr) -> sympy.Expr:
    """A sum over k; subscripts that mention k become indexed (y_k -> y[k])."""
    repl: dict[sympy.Basic, sympy.Basic] = {}
    for s in body.free_symbols:
        info = SUBSCRIPTS.get(s.name) if isinstance(s, Symbol) else None
        if info is not None and k in info[1].free_symbols:
            repl[s] = Indexed(IndexedBase(info[0]), info[1])
    if repl:
        body = body.xreplace(repl)
    return sympy.Sum(body, (k, lo, hi))


# --------------------------------------------------------------------------- public


def is_latex(text: str) -> bool:
    """Auto-detection: a backslash means LaTeX."""
    return "\\" in text


def parse_math(text: str, *, latex: bool | None = None, let: Mapping[str, str] | None = None,
               timeout: float = 1.0) -> Parsed:
    """Parse student math into SymPy through the whitelist grammar.

    Args:
        text: calculator syntax or LaTeX.
        latex: force LaTeX (True) or calculator syntax (False); None detects a backslash.
        let: abbreviations, e.g. ``{"s": "sigma(x)"}``: the name s stands for that expression.
        timeout: seconds allowed for reading.

    Raises:
        ParseError: with the 1-based column of the offending token and a hint.
    """
    if not isinstance(text, str):
        raise ParseError("expected a text", column=None, text=repr(text)[:80])
    deadline = time.monotonic() + timeout
    _check_raw(text)
    use_latex = is_latex(text) if latex is None else latex
    lets = _parse_let(let, timeout)
    toks = tokenize(text, use_latex, deadline)
    expr = _Parser(text, toks, use_latex, lets, deadline).parse()
    return Parsed(expr=expr, text=text, syntax="latex" if use_latex else "calc",
                  pretty=to_unicode(expr))


def parse_relation(text: str, *, latex: bool | None = None,
                   let: Mapping[str, str] | None = None,
                   timeout: float = 1.0) -> tuple[Parsed, Parsed]:
    """Parse ``lhs = rhs``, split on the top-level '='."""
    _check_raw(text)
    depth = 0
    cut: list[int] = []
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch in "=＝" and depth == 0:
            cut.append(i)
    if not cut:
        raise ParseError("expected an equation 'left = right' but found no '='", column=None,
                         text=text)
    if len(cut) > 1:
        raise _fail("more than one '=' in an equation", cut[1] + 1, text)
    i = cut[0]
    lhs_text, rhs_text = text[:i], text[i + 1:]
    try:
        lhs = parse_math(lhs_text, latex=latex if latex is not None else is_latex(text),
                         let=let, timeout=timeout)
    except ParseError as exc:
        raise ParseError(f"left side: {exc}", column=exc.column, text=text) from None
    try:
        rhs = parse_math(rhs_text, latex=latex if latex is not None else is_latex(text),
                         let=let, timeout=timeout)
    except ParseError as exc:
        col = exc.column + i + 1 if exc.column is not None else None
        msg = re.sub(r"at column \d+", f"at column {col}", str(exc)) if col else str(exc)
        raise ParseError(f"right side: {msg}", column=col, text=text) from None
    return lhs, rhs


_LET_CACHE: dict[tuple[tuple[str, str], ...], dict[str, sympy.Expr]] = {}


def _parse_let(let: Mapping[str, str] | None, timeout: float) -> dict[str, sympy.Expr]:
    if not let:
        return {}
    key = tuple(sorted(let.items()))
    cached = _LET_CACHE.get(key)
    if cached is not None:
        return cached
    out: dict[str, sympy.Expr] = {}
    for name, value in let.items():
        cname = canonical_name(name)
        try:
            out[cname] = parse_math(value, timeout=timeout).expr
        except ParseError as exc:
            raise ParseError(f"abbreviation '{name}' = '{value}': {exc}", column=exc.column,
                             text=value) from None
    if len(_LET_CACHE) < 256:
        _LET_CACHE[key] = out
    return out


def canonical_name(name: str) -> str:
    """The symbol name a typed name maps to (``y1`` -> ``y_1``, ``β_1`` -> ``beta_1``)."""
    try:
        e = parse_math(name, latex=is_latex(name))
    except ParseError as exc:
        raise ParseError(f"'{name}' is not a name: {exc}", column=exc.column, text=name) from None
    if not isinstance(e.expr, Symbol):
        raise ParseError(f"'{name}' is not a single name", column=1, text=name)
    return str(e.expr.name)


# --------------------------------------------------------------------------- echo

_SUBDIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_ACCENT_CHAR = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303"}


def unicode_name(name: str) -> str:
    """Readable form of a symbol name: ``beta_1`` -> ``β₁``, ``yhat_i`` -> ``ŷ_i``."""
    base, _, sub = name.partition("_")
    for acc, mark in _ACCENT_CHAR.items():
        if base.endswith(acc) and len(base) > len(acc):
            stem = base[: -len(acc)]
            base = unicodedata.normalize("NFC", GREEK.get(stem, stem) + mark)
            break
    else:
        base = GREEK.get(base, base)
    if not sub:
        return base
    if sub.isdigit():
        return base + sub.translate(_SUBDIGITS)
    if sub in GREEK:
        sub = GREEK[sub]
    return f"{base}_{sub}"


def to_unicode(expr: sympy.Basic) -> str:
    """A one-line readable echo of an expression (σ, β₁, ŷ, ^, ·)."""
    from sympy.printing.str import StrPrinter

    class _Printer(StrPrinter):  # type: ignore[misc]
        printmethod = "_dlquiz_str"
        def _print_Symbol(self, e: Symbol) -> str:  # noqa: N802
            return unicode_name(e.name)

        def _print_Dummy(self, e: sympy.Dummy) -> str:  # noqa: N802
            return str(e.name)

        def _print_Indexed(self, e: Indexed) -> str:  # noqa: N802
            idx = ",".join(self._print(i) for i in e.indices)
            return f"{unicode_name(str(e.base))}_{idx}" if len(idx) == 1 else \
                f"{unicode_name(str(e.base))}_{{{idx}}}"

        def _print_Exp1(self, e: sympy.Basic) -> str:  # noqa: N802
            return "e"

        def _print_Pi(self, e: sympy.Basic) -> str:  # noqa: N802
            return "π"

        def _print_Function(self, e: sympy.Function) -> str:  # noqa: N802
            name = {"sigma": "σ", "Phi": "Φ", "log": "ln", "Max": "max", "Min": "min",
                    "KroneckerDelta": "δ"}.get(e.func.__name__, e.func.__name__)
            return f"{name}({', '.join(self._print(a) for a in e.args)})"

        def _print_Max(self, e: sympy.Max) -> str:  # noqa: N802
            return f"max({', '.join(self._print(a) for a in e.args)})"

        def _print_Min(self, e: sympy.Min) -> str:  # noqa: N802
            return f"min({', '.join(self._print(a) for a in e.args)})"

        def _print_Abs(self, e: sympy.Abs) -> str:  # noqa: N802
            return f"|{self._print(e.args[0])}|"

        def _print_Derivative(self, e: sympy.Derivative) -> str:  # noqa: N802
            f = self._print(e.expr)
            out = f"({f})" if not e.expr.is_Atom and not e.expr.is_Function else f
            for v, n in e.variable_count:
                sym = "d" if len(e.expr.free_symbols) <= 1 else "∂"
                power = f"^{n}" if n > 1 else ""
                out = f"{sym}{power}/{sym}{self._print(v)}{power} {out}"
            return out

        def _print_Sum(self, e: sympy.Sum) -> str:  # noqa: N802
            body = self._print(e.function)
            lims = "".join(f"_{{{self._print(k)}={self._print(a)}}}^{{{self._print(b)}}}"
                           for k, a, b in e.limits)
            return f"Σ{lims} ({body})"

        def _print_Pow(self, e: sympy.Pow, rational: bool = False) -> str:  # noqa: N802
            if e.exp == sympy.S.Half:
                return f"√({self._print(e.base)})"
            if e.base == sympy.E:
                return f"exp({self._print(e.exp)})"
            return str(super()._print_Pow(e, rational))

    s = str(_Printer().doprint(expr))
    return s.replace("**", "^").replace("*", "·")
