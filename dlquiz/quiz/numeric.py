"""Numeric answers: reading a typed number (`3/4`, `75%`, `1e-8`), the item's precision and
tolerance, and grading a one-number answer."""

from __future__ import annotations

import math
import re
import unicodedata
from fractions import Fraction
from typing import Any

from dlquiz.bank.model import Item
from dlquiz.i18n import Text, lazy
from dlquiz.quiz.outcome import Grade, Status, _mistake, _text

_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d*)?")


def parse_number(text: str) -> float | str:
    """A typed number: `0.25`, `-3`, `3/4`, `1e-8`, `75%`, `1,000`; a string is an error message.

    A comma that may be a decimal comma (`0,665`, `1,5`, `12,544`) is never guessed: the message
    asks for a decimal point.
    """
    s = unicodedata.normalize("NFKC", text).strip().replace("−", "-").replace(" ", "")
    if not s:
        return lazy("type a number")
    percent = s.endswith("%")
    if percent:
        s = s[:-1]
    if "," in s:
        unambiguous = _THOUSANDS.fullmatch(s) and (s.count(",") > 1 or s.split(",")[1][:3] == "000")
        if not unambiguous:
            if re.fullmatch(r"[+-]?\d+,\d+", s):
                point = s.replace(",", ".")
                if re.fullmatch(r"[+-]?0,\d+", s):
                    return lazy("is the comma a decimal comma? write {point} with a decimal point", point=point)
                return lazy(
                    "is the comma a decimal comma? write {point} with a decimal point (or {plain} without the comma)",
                    point=point,
                    plain=s.replace(",", ""),
                )
            if not _THOUSANDS.fullmatch(s):
                col = text.find(",") + 1
                return lazy(
                    "not a number at column {column}: {text} (write decimals with a point: 0.665)",
                    column=col,
                    text=repr(text.strip()),
                )
        s = s.replace(",", "")
    s = s.translate(SUPERSCRIPTS).replace("**", "^")
    try:
        value = _number_value(s)
    except (ValueError, ZeroDivisionError, OverflowError):
        col = next((i + 1 for i, c in enumerate(text) if not (c.isdigit() or c in "+-−.eE/%, ^*×·")), 1)
        return lazy(
            "not a number at column {column}: {text} (examples: 0.25, 3/4, 1e-8, 9.5×10^-7, 75%)",
            column=col,
            text=repr(text.strip()),
        )
    if not math.isfinite(value):
        return lazy("the number is too large")
    return value / 100 if percent else value


NUM = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
SUPERSCRIPTS = str.maketrans(
    {
        "⁰": "0",
        "¹": "1",
        "²": "2",
        "³": "3",
        "⁴": "4",
        "⁵": "5",
        "⁶": "6",
        "⁷": "7",
        "⁸": "8",
        "⁹": "9",
        "⁻": "-",
        "⁺": "+",
    }
)


def _number_value(s: str) -> float:
    """The value of a plain number, a fraction, a power or scientific notation written out.

    Accepted: 0.25, 3/4, 1.5/2, 1e-8, 9.5×10^-7 (also 9.5*10^-7, 9.5·10⁻⁷), 0.25^10, 2^-3.
    Raises ValueError for anything else (nothing is evaluated as code).
    """
    s = re.sub(r"10(?=[+-]?\d)", "10^", s) if re.fullmatch(NUM + r"[×x*·]10[+-]?\d+", s) else s
    if m := re.fullmatch(rf"({NUM})/({NUM})", s):
        return float(Fraction(m.group(1)) / Fraction(m.group(2)))
    if m := re.fullmatch(rf"({NUM})[×x*·]10\^\(?([+-]?\d{{1,3}})\)?", s):
        return float(m.group(1)) * 10.0 ** int(m.group(2))
    if m := re.fullmatch(rf"([+-]?)({NUM})\^\(?({NUM})\)?", s):
        # a leading sign applies to the power, as on paper: -2^2 = -(2^2)
        sign = -1.0 if m.group(1) == "-" else 1.0
        base, exponent = float(m.group(2)), float(m.group(3))
        if abs(exponent) > 1000 or (base < 0 and not exponent.is_integer()):
            raise ValueError
        return sign * float(base**exponent)
    if re.fullmatch(NUM, s):
        return float(s)
    raise ValueError


def tolerance_for(expected: float, item: Item) -> float:
    """The absolute tolerance an item grades with.

    From the stated precision: `decimals = d` accepts half a unit of the d-th decimal (an answer
    rounded as asked passes; one off in the last asked digit fails); `sig_figs = s` the same at
    the s-th significant digit of the exact value. Else an explicit `tolerance`/`rel_tolerance`.
    Else: integers exactly, other numbers to 0.1 % or a fair rounding to two decimals (two
    significant figures below 0.1).
    """
    slack = 1e-9 * max(1.0, abs(expected))  # floating-point noise in the key, not a tolerance
    if item.decimals is not None:
        return 0.5 * 10.0**-item.decimals + slack
    if item.sig_figs is not None:
        if expected == 0:
            return 0.5 * 10.0**-item.sig_figs + slack
        exponent = math.floor(math.log10(abs(expected)))
        return 0.5 * 10.0 ** (exponent - item.sig_figs + 1) + slack
    if item.tolerance is not None:
        return item.tolerance + 1e-12
    if item.rel_tolerance is not None:
        return item.rel_tolerance * abs(expected) + 1e-12
    if float(expected).is_integer() and abs(expected) >= 1:
        return 0.0
    if expected == 0:
        return 0.005
    if abs(expected) >= 0.1:
        return max(1e-3 * abs(expected), 0.005) + slack
    exponent = math.floor(math.log10(abs(expected)))
    return max(1e-3 * abs(expected), 0.5 * 10.0 ** (exponent - 1)) + slack


def numbers_match(expected: float, given: float, item: Item) -> bool:
    """Within the item's tolerance (see `tolerance_for`)."""
    return abs(given - expected) <= tolerance_for(expected, item)


def precision_text(item: Item) -> Text | None:
    """The precision an item asks for, in words (None: not stated)."""
    if item.decimals is not None:
        return _text(lazy("{n} decimal places", n=item.decimals))
    if item.sig_figs is not None:
        return _text(lazy("{n} significant figures", n=item.sig_figs))
    return None


def _number_echo(response: str, value: float) -> str:
    """How a typed number was read: `3/4 = 0.75`, `75% = 0.75`, or the number itself."""
    shown = f"{value:.12g}"
    typed = unicodedata.normalize("NFKC", response).strip()
    return shown if typed == shown else f"{typed} = {shown}"


def _grade_numeric(item: Item, response: str, key: Any) -> Grade:
    value = parse_number(response)
    if isinstance(value, str):
        return Grade(Status.INVALID, value)
    echo = _number_echo(response, value)
    if numbers_match(float(key), value, item):
        return Grade(Status.CORRECT, interpreted=echo)
    mistake = _mistake(item, lambda m: numbers_match(float(m), value, item))
    return Grade(Status.WRONG, mistake=mistake, interpreted=echo)
