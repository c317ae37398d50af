"""Grading a typed answer against an item's key, one function per kind.

A response that cannot be read (a letter that is not a choice, a malformed number or formula)
is `invalid`: the student is asked again and it is never marked wrong.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, Literal

from dlquiz.bank.load import LETTERS
from dlquiz.bank.model import Item, Text
from dlquiz.i18n import translate

Status = Literal["correct", "wrong", "invalid", "undecided"]


@dataclass(frozen=True)
class Grade:
    """The verdict on one response."""

    status: Status
    message: str = ""  # why invalid, or a counterexample / detail for a wrong answer
    mistake: Text | None = None  # targeted feedback of a known mistake that matched
    interpreted: str = ""  # how a formula was understood
    rule: str = ""  # name of a catalogue wrong rule that matched (formulas, derivations)
    rule_text: Text | None = None  # what that rule is about, in both languages
    message_zh: str = ""  # `message` in Chinese, where it has been translated

    def detail(self, lang: str) -> str:
        return self.message_zh if lang == "zh" and self.message_zh else self.message


# a derivative operator typed as part of an answer (d/dx f, diff(f, x), \frac{d}{dx}, ∂)
DERIVATIVE = re.compile(r"(?<![A-Za-z])d\s*/\s*d[A-Za-z]|\bdiff\s*\(|\\frac\s*\{\s*(d|\\partial)\s*\}|\\partial|∂")

TRUE_WORDS = {"t", "true", "y", "yes", "1", "对", "是", "正确", "真", "√", "✓"}
FALSE_WORDS = {"f", "false", "n", "no", "0", "错", "否", "错误", "假", "×", "✗"}


def _letters(text: str, n_choices: int) -> list[str] | str:
    """Letters typed for choices (`ac`, `a c`, `A,C`); a string is an error message."""
    cleaned = re.sub(r"[\s,;/、，→>-]+", "", text.lower())
    valid = LETTERS[:n_choices]
    if not cleaned:
        return "type the letter of a choice"
    bad = [c for c in cleaned if c not in valid]
    if bad:
        return f"{bad[0]!r} is not a choice; type letters from {valid[0]} to {valid[-1]}"
    return list(cleaned)


def parse_number(text: str) -> float | str:
    """A typed number: `0.25`, `-3`, `3/4`, `1e-8`, `75%`, `1,000`; a string is an error message."""
    s = unicodedata.normalize("NFKC", text).strip().replace("−", "-").replace(" ", "")
    if not s:
        return "type a number"
    percent = s.endswith("%")
    if percent:
        s = s[:-1]
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", s):
        s = s.replace(",", "")
    s = s.translate(SUPERSCRIPTS).replace("**", "^")
    try:
        value = _number_value(s)
    except (ValueError, ZeroDivisionError, OverflowError):
        col = next((i + 1 for i, c in enumerate(text) if not (c.isdigit() or c in "+-−.eE/%, ^*×·")), 1)
        return f"not a number at column {col}: {text.strip()!r} (examples: 0.25, 3/4, 1e-8, 9.5×10^-7, 75%)"
    if not math.isfinite(value):
        return "the number is too large"
    return value / 100 if percent else value


NUM = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
SUPERSCRIPTS = str.maketrans({"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6",
                              "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-", "⁺": "+"})


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


def numbers_match(expected: float, given: float, item: Item) -> bool:
    """Within the item's tolerance: absolute, relative, exact for integers, else 0.1 % relative."""
    if item.tolerance is not None:
        return abs(given - expected) <= item.tolerance + 1e-12
    if item.rel_tolerance is not None:
        return abs(given - expected) <= item.rel_tolerance * abs(expected) + 1e-12
    if float(expected).is_integer() and abs(expected) >= 1:
        return given == expected
    return abs(given - expected) <= 1e-3 * abs(expected) + 1e-12


def normalize_text(text: str) -> str:
    """Lower case, without spaces, hyphens and punctuation (for short answers)."""
    s = unicodedata.normalize("NFKC", text).lower()
    return "".join(c for c in s if unicodedata.category(c)[0] in "LN")


# Chinese for the messages that send an answer back (the engine's own parse errors stay English)
_INVALID_ZH: list[tuple[str, str]] = [
    (r"type t \(true\) or f \(false\)", "请输入 t（对）或 f（错）"),
    (r"type a word or phrase", "请输入一个词或短语"),
    (r"type the letter of a choice", "请输入选项字母"),
    (r"'(.)' is not a choice; type letters from (.) to (.)", r"'\1' 不是选项；请输入 \2 到 \3 之间的字母"),
    (r"pick one letter", "只能选一个字母"),
    (r"give every letter exactly once, e\.g\. (\w+)", r"每个字母恰好写一次，例如 \1"),
    (r"type a number", "请输入一个数"),
    (r"the number is too large", "数值太大"),
    (r"not a number at column (\d+): (.*) \(examples: (.*)\)", r"第 \1 列起不是数：\2（例如 \3）"),
    (r"type a formula", "请输入公式"),
    (r"give the result itself, .*", "请给出结果本身，而不是还要求导的式子（d/dx、diff、∂）"),
    (r"write it without '(\w+)' \(column (\d+)\).*", r"请不要使用 '\1'（第 \2 列）：题目问的正是它由什么构成"),
    (r"(.*) (?:does|do) not appear in this question \(write the answer in terms of: (.*)\)",
     r"\1 不是本题中的量（请用这些量表示：\2）"),
]


def grade(item: Item, response: str, *, expected: Any = None) -> Grade:
    """Grade `response` to `item`; `expected` overrides the key (parametric items)."""
    result = _grade(item, response, expected)
    if result.status == "invalid" and not result.message_zh:
        result = replace(result, message_zh=translate(result.message, _INVALID_ZH))
    return result


def _grade(item: Item, response: str, expected: Any) -> Grade:
    key = item.answer if expected is None else expected
    kind = item.kind
    if kind in ("single", "multi", "ordering"):
        return _grade_choices(item, response, key)
    if kind == "truefalse":
        word = unicodedata.normalize("NFKC", response).strip().lower()
        if word not in TRUE_WORDS | FALSE_WORDS:
            return Grade("invalid", "type t (true) or f (false)")
        return Grade("correct" if (word in TRUE_WORDS) == key else "wrong")
    if kind == "short":
        given = normalize_text(response)
        if not given:
            return Grade("invalid", "type a word or phrase")
        if any(given == normalize_text(a) for a in key):
            return Grade("correct")
        return Grade("wrong", mistake=_mistake(item, lambda m: normalize_text(str(m)) == given))
    if kind == "numeric":
        value = parse_number(response)
        if isinstance(value, str):
            return Grade("invalid", value)
        if numbers_match(float(key), value, item):
            return Grade("correct")
        return Grade("wrong", mistake=_mistake(item, lambda m: numbers_match(float(m), value, item)))
    if kind == "formula":
        return _grade_formula(item, response)
    if kind == "derivation":
        return _grade_derivation(item, response)
    raise ValueError(f"unknown kind {kind!r}")


def _mistake(item: Item, matches: Any) -> Text | None:
    return next((m.message for m in item.mistakes if matches(m.answer)), None)


def _grade_choices(item: Item, response: str, key: Any) -> Grade:
    letters = _letters(response, len(item.choices))
    if isinstance(letters, str):
        return Grade("invalid", letters)
    if item.kind == "single":
        if len(letters) != 1:
            return Grade("invalid", "pick one letter")
        if letters[0] == key:
            return Grade("correct")
        return Grade("wrong", mistake=_mistake(item, lambda m: m == letters[0]))
    if item.kind == "multi":
        chosen = tuple(sorted(set(letters)))
        if chosen == tuple(key):
            return Grade("correct")
        missing = sorted(set(key) - set(chosen))
        extra = sorted(set(chosen) - set(key))
        detail = "; ".join(
            part for part in (
                f"missing {', '.join(missing)}" if missing else "",
                f"not {', '.join(extra)}" if extra else "",
            ) if part
        )
        return Grade("wrong", detail, mistake=_mistake(item, lambda m: tuple(sorted(m)) == chosen))
    # ordering
    if sorted(letters) != sorted(key):
        return Grade("invalid", f"give every letter exactly once, e.g. {''.join(sorted(key))}")
    if tuple(letters) == tuple(key):
        return Grade("correct")
    return Grade("wrong", mistake=_mistake(item, lambda m: tuple(m) == tuple(letters)))


def _grade_formula(item: Item, response: str) -> Grade:
    from dlquiz.symbolic import check_answer

    if not response.strip():
        return Grade("invalid", "type a formula")
    if DERIVATIVE.search(response) and not DERIVATIVE.search(str(item.answer)):
        return Grade("invalid", "give the result itself, not a derivative still to be taken (d/dx, diff, ∂)")
    for name in item.forbid:
        match = re.search(rf"(?<![A-Za-z_])\\?{re.escape(name)}(?![A-Za-z_])", response, re.IGNORECASE)
        if match:
            return Grade("invalid", f"write it without {name!r} (column {match.start() + 1}): "
                                    "the question asks what it is made of")
    extra = _unknown_names(item, response)
    if extra:
        return Grade("invalid", extra)
    result = check_answer(
        expected=str(item.answer), given=response, assumptions=item.assume, let=item.let,
        mistakes=[str(m.answer) for m in item.mistakes],
    )
    verdict = str(getattr(result.verdict, "value", result.verdict))
    if verdict == "error":
        return Grade("invalid", result.message)
    mistake = item.mistakes[result.mistake].message if result.mistake is not None else None
    rule = result.rule or ""
    detail = result.message
    rule_text = None
    if rule and result.rule_message:
        rule_text = Text(result.rule_message, result.rule_message_zh or result.rule_message)
    detail_zh = _counterexample_zh(result.counterexample, verdict, detail)
    if verdict == "equal":
        return Grade("correct", interpreted=result.interpreted)
    if verdict == "undecided":
        return Grade("undecided", detail or "could not decide within the time limit",
                     interpreted=result.interpreted)
    return Grade("wrong", detail, mistake=mistake, interpreted=result.interpreted, rule=rule,
                 rule_text=rule_text, message_zh=detail_zh)


def _unknown_names(item: Item, response: str) -> str:
    """A message when the answer uses a quantity the question does not have (e.g. a typo `b`)."""
    from dlquiz.errors import DlquizError
    from dlquiz.symbolic.parse import parse_math

    try:
        given = parse_math(response, let=item.let).expr
        known: set[str] = set()
        # the key, its canonical form and the known mistakes name every quantity in play
        for text in (str(item.answer), item.canonical, *(str(m.answer) for m in item.mistakes)):
            if text:
                known |= {str(s) for s in parse_math(text, let=item.let).expr.free_symbols}
    except DlquizError:
        return ""  # the checker reports unreadable input with its column
    extra = sorted({str(s) for s in given.free_symbols} - known)
    if not extra:
        return ""
    names = ", ".join(repr(n) for n in extra)
    expected = ", ".join(sorted(known) + sorted(item.let)) or "no variables: a constant"
    verb = "does" if len(extra) == 1 else "do"
    return f"{names} {verb} not appear in this question (write the answer in terms of: {expected})"


def _counterexample_zh(counterexample: dict[str, Any] | None, verdict: str, english: str) -> str:
    """The counterexample sentence in Chinese (the checker words it in English)."""
    if not counterexample or "point" not in counterexample:
        return ""
    point = ", ".join(f"{k} = {v}" for k, v in counterexample["point"].items())
    text = f"反例：{point} 时，正确值为 {counterexample.get('expected')}，你的答案为 {counterexample.get('given')}"
    if verdict == "domain_only" and ";" in english:
        text = f"只在部分定义域上相等（{english.split(';')[0]}）；" + text
    return text


def _squash(text: str) -> str:
    return "".join(text.split())


def _grade_derivation(item: Item, response: str) -> Grade:
    from dlquiz.symbolic import check_item_derivation
    from dlquiz.symbolic.steps import format_report

    lines = [line for line in response.splitlines() if line.strip()]
    steps = [ln for ln in lines if _squash(ln.lstrip().removeprefix("=")) != _squash(str(item.start))]
    if len(steps) < 2:
        return Grade("invalid", "show your work: at least one intermediate step, then the goal",
                     message_zh="请写出推导过程：至少一个中间步骤，最后一步是目标式")
    report = check_item_derivation(
        given=item.given, start=str(item.start), goal=str(item.goal), steps=lines, timeout=8.0
    )
    text, text_zh = format_report(report, lang="en"), format_report(report, lang="zh")
    statuses = {s.status for s in report.steps}
    if report.ok:
        return Grade("correct", text, message_zh=text_zh)
    if "error" in statuses and report.first_failure is None:
        return Grade("invalid", text, message_zh=text_zh)
    if report.first_failure is None and "undecided" in statuses:
        return Grade("undecided", text, message_zh=text_zh)  # never "wrong" for lack of time
    rule = next((s.rule for s in report.steps if s.rule), None) or ""
    return Grade("wrong", text, rule=rule, message_zh=text_zh)
