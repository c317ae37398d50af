"""Check my working: the student's own intermediate values marked against a worked example.

The student writes `name = value` lines (a number, a fraction, a vector or a matrix in the syntax
of `--set`; `#` comments and blank lines are ignored). Each value is right when it is the computed
value rounded to the digits the student wrote: 0.731 for 0.7310586 is right, 0.732 is wrong.
Fewer than three significant digits are only right when the value is exact (0.5, 2), since a
one-digit answer would otherwise be "right" for a wide range of values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dlquiz.errors import ParamError
from dlquiz.i18n import lazy, t
from dlquiz.worked._core import (
    Step,
    WorkedExample,
    inline,
    lookup_value,
    significant,
    suggest,
    value_shape,
)
from dlquiz.worked.params import _tokens, parse_tensor, shape_text

MIN_SIGNIFICANT = 3  # digits a rounded (not exact) value needs to count as right
_EXACT = 1e-9  # relative difference below which a value is exact (float noise)


@dataclass(frozen=True)
class Checked:
    """One of the student's values: what they wrote, the computed value and the verdict.

    `reason` is "" when right, else one of: "value", "shape", "digits".
    """

    name: str
    line: int
    text: str
    yours: Any
    expected: Any
    ok: bool
    reason: str = ""
    wrong: tuple[tuple[int, ...], ...] = ()  # 0-based indices of the wrong entries of a vector or matrix


@dataclass(frozen=True)
class MineReport:
    """The verdicts in the student's order, and the step that produces the first wrong value."""

    example: WorkedExample
    checked: tuple[Checked, ...]
    first_wrong: Checked | None
    step_index: int | None  # 1-based index of the step producing the first wrong value
    step: Step | None

    @property
    def all_right(self) -> bool:
        """True when every value the student wrote is right."""
        return self.first_wrong is None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        first: dict[str, Any] | None = None
        if self.first_wrong is not None:
            first = _checked_dict(self.first_wrong)
            first["step"] = (
                None
                if self.step is None
                else {
                    "index": self.step_index,
                    "name": str(self.step.name),  # a `lazy` message is its English here
                    "key": self.step.key,
                    "formula": str(self.step.formula),
                }
            )
        return {
            "kind": self.example.kind,
            "checked": [_checked_dict(c) for c in self.checked],
            "right": sum(c.ok for c in self.checked),
            "total": len(self.checked),
            "first_wrong": first,
        }


def _checked_dict(c: Checked) -> dict[str, Any]:
    return {
        "name": c.name,
        "line": c.line,
        "yours": c.yours,
        "expected": c.expected,
        "ok": c.ok,
        "reason": c.reason,
    }


_LINE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_.]*(?:\[[\d,\s]+\])*)\s*=\s*(.*?)\s*$")


def _line(where: str, n: int) -> str:
    """ "FILE line N", where the student's values are read."""
    return lazy("{where} line {n}", where=where, n=n)


def parse_mine(text: str, valid: list[str], where: str = "mine") -> list[tuple[int, str, str]]:
    """(line number, name, value text) of each `name = value` line; ParamError for a bad line or name."""
    out: list[tuple[int, str, str]] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = _LINE.match(line)
        at = _line(where, n)
        if m is None or not m.group(2):
            raise ParamError(
                lazy("{where}: {text} is not NAME = VALUE (e.g. a = 0.731)", where=at, text=repr(raw.strip()))
            )
        name, value = m.group(1).replace(" ", ""), m.group(2)
        base = name.split("[", 1)[0]
        if base not in valid:
            raise ParamError(
                lazy(
                    "{where}: unknown name {name}{hint}; valid names: {names}",
                    where=at,
                    name=repr(name),
                    hint=suggest(base, valid),
                    names=", ".join(valid),
                )
            )
        if name in seen:
            raise ParamError(lazy("{where}: {name} is already given on line {n}", where=at, name=name, n=seen[name]))
        seen[name] = n
        out.append((n, name, value))
    if not out:
        raise ParamError(
            lazy(
                "{where}: no values given; write lines such as 'a = 0.731' (names: {names})",
                where=where,
                names=", ".join(valid),
            )
        )
    return out


def _decimals(word: str) -> int | None:
    """Decimals the student wrote in one number word (None for a fraction: compared as exact)."""
    w = word.replace("−", "-").lstrip("+-")
    if "/" in w:
        return None
    mant, _, exp = w.lower().partition("e")
    d = len(mant.partition(".")[2])
    return d - (int(exp) if exp else 0)


def _significant(word: str) -> int:
    w = word.replace("−", "-").lstrip("+-").lower().partition("e")[0]
    digits = w.replace(".", "").lstrip("0")
    return len(digits) if digits else 1


def _number_ok(yours: float, expected: float, word: str) -> tuple[bool, str]:
    diff = abs(yours - expected)
    if diff <= _EXACT * max(1.0, abs(expected)):
        return True, ""
    d = _decimals(word)
    if d is None:
        return False, "value"
    if diff > 0.5 * 10.0 ** (-d) * (1 + 1e-9) + 1e-12 * max(1.0, abs(expected)):
        return False, "value"
    if _significant(word) < MIN_SIGNIFICANT:
        return False, "digits"
    return True, ""


def _flat(v: Any) -> list[Any]:
    if isinstance(v, list):
        return [x for item in v for x in _flat(item)]
    return [v]


NumberOk = Callable[[float, float, str], tuple[bool, str]]


def _index(n: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The 0-based index of the n-th entry (row-major) of a value of `shape`."""
    out: list[int] = []
    for size in reversed(shape):
        n, r = divmod(n, size)
        out.append(r)
    return tuple(reversed(out))


def _squeezed(shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(d for d in shape if d != 1)


def judge_value(
    name: str,
    text: str,
    expected: Any,
    *,
    where: str = "mine",
    line: int = 0,
    number_ok: NumberOk | None = None,
    loose_shape: bool = False,
) -> Checked:
    """One typed value (a number, vector or matrix in the syntax of `--set`) against `expected`.

    `number_ok(yours, expected, word)` compares one entry (default: right to the digits written);
    `loose_shape` accepts a vector for an n×1 or 1×n matrix (the same entries in the same order).
    ParamError when the text cannot be read (the message names the row or column).
    """
    return _judge(name, line, text, expected, where, number_ok or _number_ok, loose_shape)


def _judge(
    name: str,
    line: int,
    text: str,
    expected: Any,
    where: str,
    number_ok: NumberOk = _number_ok,
    loose_shape: bool = False,
) -> Checked:
    if isinstance(expected, str):
        return Checked(
            name,
            line,
            text,
            text,
            expected,
            text.strip() == expected.strip(),
            "" if text.strip() == expected.strip() else "value",
        )
    word = text.strip().lower()
    if isinstance(expected, bool) and word in ("true", "false", "yes", "no", "1", "0"):
        ok = (word in ("true", "yes", "1")) == expected
        return Checked(name, line, text, word in ("true", "yes", "1"), expected, ok, "" if ok else "value")
    yours = parse_tensor(text, lazy("{where}: {name}", where=_line(where, line) if line else where, name=name))
    if isinstance(expected, bool):
        expected = int(expected)
    shape_yours, shape_expected = value_shape(yours), value_shape(expected)
    if shape_yours != shape_expected and not (loose_shape and _squeezed(shape_yours) == _squeezed(shape_expected)):
        return Checked(name, line, text, yours, expected, False, "shape")
    words = [w for kind, w, _ in _tokens(text, where) if kind == "num"]
    reason = ""
    wrong: list[tuple[int, ...]] = []
    for n, (y, e, w) in enumerate(zip(_flat(yours), _flat(expected), words, strict=False)):
        if not isinstance(e, (int, float)) or (isinstance(e, float) and not math.isfinite(e)):
            ok, why = (y == e), "value"
        else:
            ok, why = number_ok(float(y), float(e), w)
        if not ok:
            wrong.append(_index(n, shape_expected))
            if reason != "value":
                reason = why
    return Checked(name, line, text, yours, expected, not reason, reason, tuple(wrong))


def _expected(example: WorkedExample, name: str, where: str) -> Any:
    return lookup_value(example.kind, example.values, name, where)


def producing_step(example: WorkedExample, name: str) -> tuple[int | None, Step | None]:
    """The 1-based index and the step that produces value `name` (or an entry of it, `Z1[0,1]`)."""
    return _producing_step(example, name)


def _producing_step(example: WorkedExample, name: str) -> tuple[int | None, Step | None]:
    name = name.split("[", 1)[0]
    for i, s in enumerate(example.steps, 1):
        if s.key == name:
            return i, s
    value = example.values.get(name)
    for i, s in enumerate(example.steps, 1):
        if s.value == value:
            return i, s
    return None, None


def check_mine(example: WorkedExample, text: str | Mapping[str, str], where: str = "mine") -> MineReport:
    """Mark the student's values (`name = value` lines, or a mapping name → value text) against `example`."""
    valid = list(example.values)
    if isinstance(text, str):
        entries = parse_mine(text, valid, where)
    else:
        entries = parse_mine("\n".join(f"{k} = {v}" for k, v in text.items()), valid, where)
    checked = tuple(
        _judge(name, line, value, _expected(example, name, _line(where, line)), where) for line, name, value in entries
    )
    first = next((c for c in checked if not c.ok), None)
    index, step = _producing_step(example, first.name) if first is not None else (None, None)
    return MineReport(example, checked, first, index, step)


# --------------------------------------------------------------------------- text


def _right(v: Any) -> str:
    """The computed value with a few more digits than the worked steps show (6 significant)."""
    if isinstance(v, float):
        return significant(v, 6)
    if isinstance(v, list):
        return "[" + ", ".join(_right(x) for x in v) + "]"
    return inline(v)


def mine_text(report: MineReport, lang: str = "en") -> str:
    """The verdicts as plain text: ✓/✗ per value, then the first wrong one beside the right value."""
    from dlquiz.worked.i18n import prose, step_name

    n = len(report.checked)
    kind = report.example.kind
    if n == 1:
        lines = [t("Checking your working: {kind} (1 value)", lang, kind=kind)]
    else:
        lines = [t("Checking your working: {kind} ({n} values)", lang, kind=kind, n=n)]
    width = max(len(c.name) for c in report.checked)
    for c in report.checked:
        mark = "✓" if c.ok else "✗"
        row = f" {mark} {c.name.ljust(width)} = {c.text}"
        if not c.ok:
            row += "   " + t("(right: {value})", lang, value=_right(c.expected))
        lines.append(row)
    first = report.first_wrong
    if first is not None:
        lines.append("")
        lines.append(
            t(
                "First wrong: {name} = {yours}; the right value is {expected}",
                lang,
                name=first.name,
                yours=first.text,
                expected=_right(first.expected),
            )
        )
        if first.reason == "shape":
            shapes = lazy(
                "your {name} is {yours}, the computed one is {expected}",
                name=first.name,
                yours=shape_text(value_shape(first.yours)),
                expected=shape_text(value_shape(first.expected)),
            )
            lines.append("  " + shapes.text(lang))
        elif first.reason == "digits":
            lines.append("  " + t("too few digits: write at least {k} significant digits", lang, k=MIN_SIGNIFICANT))
        if report.step is not None:
            lines.append(
                "  "
                + t(
                    "it comes from step {i} ({step}): {formula}",
                    lang,
                    i=report.step_index,
                    step=step_name(report.step.name, lang),
                    formula=prose(report.step.formula, lang),
                )
            )
    right = sum(c.ok for c in report.checked)
    total = len(report.checked)
    lines.append(
        t("All {total} right.", lang, total=total)
        if right == total
        else t("{right} of {total} right.", lang, right=right, total=total)
    )
    return "\n".join(lines)
