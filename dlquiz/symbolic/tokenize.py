"""Stage 1 of the math reader: raw-text checks and the tokenizer (whitelisted tokens only).

Anything that is not a known token is a ParseError with its 1-based column. Unicode that dlquiz
prints itself reads back: ``·`` ``−`` ``σ′`` ``∂`` ``x²`` ``x⁻¹`` ``β₁`` ``ŷ`` ``c̃`` ``½`` ``∑`` ``∏``.
"""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass
from fractions import Fraction

from dlquiz.errors import ParseError
from dlquiz.i18n import lazy
from dlquiz.symbolic.messages import at_column
from dlquiz.symbolic.names import FORBIDDEN, GREEK_BY_CHAR

MAX_LENGTH = 2000
MAX_DIGITS = 100  # digits of a number literal


@dataclass(frozen=True)
class Tok:
    """One token: kind NUM ID OP CMD SUP (a Unicode superscript exponent) or END."""

    kind: str
    text: str
    col: int  # 1-based
    space_before: bool = False


def fail(what: str, col: int | None, text: str, hint: str | None = None) -> ParseError:
    """A ParseError whose message names the problem, then the column, then the hint: ``what at column
    N; hint`` (`what` and `hint` are catalog messages, see ``messages.py``)."""
    return ParseError(at_column(what, col, hint), column=col, text=text)


_LATEX_WORDS = (
    "softmax",
    "softplus",
    "sigmoid",
    "sigma",
    "leaky_relu",
    "relu",
    "ReLU",
    "gelu",
    "swish",
    "tanh",
    "sqrt",
    "exp",
    "log",
    "max",
    "min",
    "erf",
    "ln",
    "prod",
)
SPACING = {
    ",",
    ";",
    ":",
    "!",
    " ",
    "space",
    "quad",
    "qquad",
    "displaystyle",
    "big",
    "Big",
    "bigg",
    "Bigg",
    "bigl",
    "bigr",
    "Bigl",
    "Bigr",
    "left",
    "right",
    "limits",
    "nolimits",
}
_CHAR_MAP = {
    "−": "-",
    "–": "-",
    "·": "*",
    "×": "*",
    "⋅": "*",
    "∙": "*",
    "÷": "/",
    "√": "sqrt",
    "（": "(",
    "）": ")",
    "，": ",",
    "＝": "=",
    "∑": "sum",
    "∏": "prod",
    "ŷ": "yhat",
    "π": "pi",
    "⊙": "*",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "∂": "∂",
    "𝟙": "𝟙",
    "\t": " ",
    "\n": " ",
    "\r": " ",
}
# A Chinese input method in full-width mode types ＡＢＣ, １２３, ＋－＊／（） and the ideographic space: each is
# read as its ASCII character (one for one, so columns in messages stay right).
_FULL_WIDTH = str.maketrans({**{chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}, "\u3000": " "})
_PRIMES = {"'": 1, "′": 1, "″": 2, "‴": 3}
_SUP_LETTERS = {
    "ⁿ": "n",
    "ⁱ": "i",
    "ᵗ": "t",
    "ᵏ": "k",
    "ˣ": "x",
    "ʸ": "y",
    "ᵐ": "m",
    "ᵃ": "a",
    "ᵇ": "b",
    "ᶜ": "c",
    "ᵈ": "d",
    "ᵉ": "e",
    "ᶠ": "f",
    "ᵍ": "g",
    "ʰ": "h",
    "ʲ": "j",
    "ˡ": "l",
    "ᵒ": "o",
    "ᵖ": "p",
    "ʳ": "r",
    "ˢ": "s",
    "ᵘ": "u",
    "ᵛ": "v",
    "ʷ": "w",
    "ᶻ": "z",
}
_SUPERSCRIPT = str.maketrans({**dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+", strict=True)), **_SUP_LETTERS})
_SUP_CHARS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺" + "".join(_SUP_LETTERS)
_DIGITS = "0123456789"
_SUB_LETTERS = {
    "ₐ": "a",
    "ₑ": "e",
    "ₒ": "o",
    "ₓ": "x",
    "ₕ": "h",
    "ₖ": "k",
    "ₗ": "l",
    "ₘ": "m",
    "ₙ": "n",
    "ₚ": "p",
    "ₛ": "s",
    "ₜ": "t",
    "ᵢ": "i",
    "ⱼ": "j",
    "ᵣ": "r",
    "ᵤ": "u",
    "ᵥ": "v",
}
_SUB_DIGITS = "₀₁₂₃₄₅₆₇₈₉"
_SUB_CHARS = _SUB_DIGITS + "".join(_SUB_LETTERS)
_FROM_SUB = str.maketrans({**dict(zip(_SUB_DIGITS, "0123456789", strict=True)), **_SUB_LETTERS})
_BRACKETS = {"⌊": "⌊", "⌋": "⌋", "⌈": "⌈", "⌉": "⌉"}
_COMBINING = {"\u0302": "hat", "\u0304": "bar", "\u0303": "tilde", "\u0305": "bar"}
_NUMBER = re.compile(r"[0-9]*\.?[0-9]*")
_EXPONENT = re.compile(r"[eE][+-]?[0-9]+")
_CALC_WORD = re.compile(r"leaky_relu|[A-Za-z][A-Za-z0-9]*")
_LATEX_RUN = re.compile(r"[A-Za-z]+")
_COMMAND = re.compile(r"\\([A-Za-z]+|.)")


def vulgar_fraction(ch: str) -> Fraction | None:
    """The value of ``½``-style characters (None for anything else)."""
    if unicodedata.category(ch) != "No" or not unicodedata.decomposition(ch).startswith("<fraction>"):
        return None
    return Fraction(unicodedata.numeric(ch)).limit_denominator(100)


def check_raw(text: str) -> None:
    """Refuse what is never math before tokenizing: length, control characters, Python."""
    if len(text) > MAX_LENGTH:
        raise ParseError(
            at_column(lazy("input too long: {n} characters (at most {limit})", n=len(text), limit=MAX_LENGTH), None),
            column=MAX_LENGTH + 1,
            text=text[:80],
        )
    for i, ch in enumerate(text):
        if ch in "\t\n\r":
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            raise fail(lazy("control character {code} is not allowed", code=f"U+{ord(ch):04X}"), i + 1, text)
    m = re.search(r"[A-Za-z_)\]]\s*\.\s*[A-Za-z_]", text)
    if m:
        raise fail(lazy("'.' after a name: attribute access is not math"), m.start() + 2, text)
    m = re.search(r"__", text)
    if m:
        raise fail(lazy("double underscore is not allowed"), m.start() + 1, text)
    for m in re.finditer(r"(?<![A-Za-z\\])[A-Za-z]+", text):
        if m.group(0) in FORBIDDEN:
            raise fail(lazy("'{name}' is not allowed in a formula", name=m.group(0)), m.start() + 1, text)
    m = re.search(r"lambda\s*[A-Za-z_, ]*:", text)
    if m:
        raise fail(lazy("'lambda …:' is Python, not math"), m.start() + 1, text, lazy("λ alone is a name"))


class _Lexer:
    def __init__(self, text: str, latex: bool, deadline: float | None) -> None:
        self.text = text.translate(_FULL_WIDTH)
        self.latex = latex
        self.deadline = deadline
        self.toks: list[Tok] = []
        self.i = 0
        self.space = False

    def add(self, kind: str, text: str, col: int) -> None:
        self.toks.append(Tok(kind, text, col, self.space))
        self.space = False

    def run(self) -> list[Tok]:
        text, n = self.text, len(self.text)
        while self.i < n:
            if self.deadline is not None and time.monotonic() > self.deadline:
                raise fail(lazy("input took too long to read"), self.i + 1, text)
            ch = text[self.i]
            if ch in " \t\n\r" or (self.latex and ch == "~"):
                self.space = True
                self.i += 1
            elif not self._special(ch):
                self._plain(ch)
        self.toks.append(Tok("END", "", n + 1, self.space))
        return self.toks

    def _run_of(self, chars: str) -> int:
        j = self.i
        while j < len(self.text) and self.text[j] in chars:
            j += 1
        return j

    def _special(self, ch: str) -> bool:
        """Unicode forms dlquiz prints (subscript digits, superscripts, primes, ½ ...)."""
        col = self.i + 1
        if ch in _SUB_CHARS:  # β₁ -> β_1, Pₖ -> P_k
            j = self._run_of(_SUB_CHARS)
            value = self.text[self.i : j].translate(_FROM_SUB)
            self.add("OP", "_", col)
            self.add("NUM" if value.isdigit() else "ID", value, col)
            self.i = j
            return True
        if ch in _SUP_CHARS:  # x² x⁻¹ β₁ᵗ e⁻ˣ
            j = self._run_of(_SUP_CHARS)
            value = self.text[self.i : j].translate(_SUPERSCRIPT)
            self.i = j
            if re.fullmatch(r"[-+]?[0-9]+", value):
                self.add("SUP", value, col)
            elif value.isalpha() and len(value) == 1:  # β₁ᵗ
                self.add("OP", "^", col)
                self.add("ID", value, col)
            elif re.fullmatch(r"[-+]?[a-z0-9]+([-+][a-z0-9]+)*", value):
                self.add("OP", "^", col)
                self.add("OP", "(", col)
                for part in re.findall(r"[-+]|[0-9]+|[a-z]", value):
                    self.add("NUM" if part.isdigit() else "ID" if part.isalpha() else "OP", part, col)
                self.add("OP", ")", col)
            else:
                raise fail(lazy("malformed superscript '{text}'", text=self.text[col - 1 : j]), col, self.text)
            return True
        if ch in _BRACKETS:
            self.add("OP", ch, col)
            self.i += 1
            return True
        if ch == "ᵀ":
            raise fail(lazy("transpose is a matrix operation"), col, self.text, lazy("scalar formulas only here"))
        if ch in _PRIMES:
            for _ in range(_PRIMES[ch]):
                self.add("OP", "'", col)
            self.i += 1
            return True
        if vulgar_fraction(ch) is not None:
            self.add("NUM", ch, col)
            self.i += 1
            return True
        if ch in _COMBINING:  # y + U+0302 = ŷ, c + U+0303 = c̃
            last = self.toks[-1] if self.toks else None
            if last is None or last.kind not in ("ID", "CMD") or self.space:
                raise fail(lazy("an accent mark must follow a letter"), col, self.text)
            self.toks[-1] = Tok(last.kind, last.text + _COMBINING[ch], last.col, last.space_before)
            self.i += 1
            return True
        mapped = _CHAR_MAP.get(ch)
        if mapped is not None and mapped.strip():
            kind = "ID" if (mapped[0].isalpha() or mapped in ("∂", "𝟙")) else "OP"
            self.add(kind, mapped, col)
            self.i += 1
            return True
        return False

    def _plain(self, ch: str) -> None:
        text, i, col = self.text, self.i, self.i + 1
        if ch in _DIGITS or (ch == "." and i + 1 < len(text) and text[i + 1] in _DIGITS):
            self._number()
        elif ch == "*" and text.startswith("**", i):
            self.add("OP", "^", col)
            self.i += 2
        elif text.startswith(("<=", ">=", "!=", "=="), i):
            self.add("OP", {"==": "="}.get(text[i : i + 2], text[i : i + 2]), col)
            self.i += 2
        elif ch in "+-*/^_()[]{},=|'!<>":
            self.add("OP", ch, col)
            self.i += 1
        elif ch == "\\":
            m = _COMMAND.match(text, i)
            if m is None:
                raise fail(lazy("a lone backslash"), col, text)
            name = m.group(1)
            self.i = m.end()
            if name in SPACING:
                return
            self.add("OP" if name in ("{", "}", "|") else "CMD", name, col)
        elif ch.isascii() and ch.isalpha():
            self._word()
        elif ch in GREEK_BY_CHAR or ch in ("Φ", "σ", "δ", "Π"):
            self.add("ID", ch, col)
            self.i += 1
        else:
            base = unicodedata.normalize("NFD", ch)
            if len(base) == 2 and base[1] in _COMBINING and (base[0].isalpha()):
                self.add("ID", base[0] + _COMBINING[base[1]], col)
                self.i += 1
                return
            hint = lazy("this is not part of a formula") if ch in ';:&$@#%`~?"' else None
            raise fail(lazy("unexpected character {char}", char=repr(ch)), col, text, hint)

    def _number(self) -> None:
        text, i, col = self.text, self.i, self.i + 1
        m = _NUMBER.match(text, i)
        assert m is not None and m.end() > i
        j = m.end()
        after_underscore = bool(self.toks) and self.toks[-1].text == "_" and self.toks[-1].kind == "OP"
        if not self.latex and not after_underscore:  # y_1e-3 is y_1·e − 3, not y_0.001
            e = _EXPONENT.match(text, j)
            if e:
                j = e.end()
        num = text[i:j]
        if j < len(text) and text[j] == ".":
            raise fail(lazy("malformed number '{number}'", number=num + "."), col, text)
        digits = sum(c.isdigit() for c in num)
        if digits > MAX_DIGITS:
            raise fail(lazy("number too long ({n} digits, at most {limit})", n=digits, limit=MAX_DIGITS), col, text)
        self.add("NUM", num, col)
        self.i = j

    def _word(self) -> None:
        text, i, col = self.text, self.i, self.i + 1
        if self.latex:
            run = _LATEX_RUN.match(text, i)
            assert run is not None
            word = run.group(0)
            for w in _LATEX_WORDS:
                if word.startswith(w):
                    self.add("ID", w, col)
                    self.i += len(w)
                    return
            self.add("ID", text[i], col)
            self.i += 1
            return
        m = _CALC_WORD.match(text, i)
        assert m is not None
        self.add("ID", m.group(0), col)
        self.i = m.end()


def tokenize(text: str, latex: bool, deadline: float | None = None) -> list[Tok]:
    """Split text into whitelisted tokens; anything else is a ParseError with its column."""
    return _Lexer(text, latex, deadline).run()
