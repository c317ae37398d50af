"""Grading a typed answer against an item's key, one function per kind.

A response that cannot be read (a letter that is not a choice, a malformed number or formula)
is `invalid`, and one that is readable but not gradable as it stands (a derivation that shows no
work, a formula that breaks the prompt's "in terms of σ", a near miss by spelling) is
`sent_back`: either way the student is asked again and it is never marked wrong.

Time: a formula answer is read (up to 2 s) and checked (up to 3 s) in several limited steps,
all within one overall deadline, ANSWER_SECONDS (5 s) from the moment grading starts: each step
gets what is left of it, so a hostile answer (``sum(k^k, k, 1, 6000)``, ``step(x^999)``) is
undecided or sent back within ANSWER_SECONDS + 1 s in total, never a stalled session.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, replace
from enum import StrEnum
from fractions import Fraction
from typing import Any

from dlquiz.bank.load import LETTERS
from dlquiz.bank.model import Item, Text
from dlquiz.i18n import N_, Lazy, lazy, t
from dlquiz.quiz.words import ALL_WORDS, FALSE_WORDS, NONE_WORDS, TRUE_WORDS, VARIANT_PAIRS


class Status(StrEnum):
    """The verdict on a response (a str, so `status == "correct"` also reads naturally)."""

    CORRECT = "correct"
    WRONG = "wrong"
    INVALID = "invalid"  # cannot be read: asked again
    SENT_BACK = "sent_back"  # readable, but not gradable as it stands: asked again, with the reason
    UNDECIDED = "undecided"  # the checker could not decide in time: not counted

    @property
    def asks_again(self) -> bool:
        return self in (Status.INVALID, Status.SENT_BACK)


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
    notes: tuple[Text, ...] = ()  # further feedback in both languages (milestones, the order's convention)
    self_rating: int | None = None  # explain items: the student's own rating 1..4 from the points made
    parts: tuple[Grade, ...] = ()  # multi-part items: the verdict on each part, in order

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))
        if isinstance(self.message, Lazy) and not self.message_zh:  # a message of ours: its Chinese from the catalog
            object.__setattr__(self, "message_zh", self.message.text("zh"))

    def detail(self, lang: str) -> str:
        return self.message_zh if lang == "zh" and self.message_zh else self.message


ANSWER_SECONDS = 5.0  # overall deadline for grading one formula answer (reading and checking)
READ_SECONDS = 2.0  # of which reading the answer (its names, the prompt's constraint) at most
CHECK_SECONDS = 3.0  # and the check itself at most

# a derivative operator typed as part of an answer (d/dx f, diff(f, x), \frac{d}{dx}, ∂)
DERIVATIVE = re.compile(r"(?<![A-Za-z])d\s*/\s*d[A-Za-z]|\bdiff\s*\(|\\frac\s*\{\s*(d|\\partial)\s*\}|\\partial|∂")



def _letters(text: str, n_choices: int) -> list[str] | str:
    """Letters typed for choices (`ac`, `a c`, `A,C`); a string is an error message."""
    cleaned = re.sub(r"[\s,;/、，→>-]+", "", unicodedata.normalize("NFKC", text).lower())
    valid = LETTERS[:n_choices]
    if not cleaned:
        return lazy("type the letter of a choice")
    bad = [c for c in cleaned if c not in valid]
    if bad:
        return lazy("{letter} is not a choice; type letters from {first} to {last}", letter=repr(bad[0]),
                    first=valid[0], last=valid[-1])
    return list(cleaned)


# ----------------------------------------------------------------------------- numbers

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
                return lazy("is the comma a decimal comma? write {point} with a decimal point (or {plain} without "
                            "the comma)", point=point, plain=s.replace(",", ""))
            if not _THOUSANDS.fullmatch(s):
                col = text.find(",") + 1
                return lazy("not a number at column {column}: {text} (write decimals with a point: 0.665)",
                            column=col, text=repr(text.strip()))
        s = s.replace(",", "")
    s = s.translate(SUPERSCRIPTS).replace("**", "^")
    try:
        value = _number_value(s)
    except (ValueError, ZeroDivisionError, OverflowError):
        col = next((i + 1 for i, c in enumerate(text) if not (c.isdigit() or c in "+-−.eE/%, ^*×·")), 1)
        return lazy("not a number at column {column}: {text} (examples: 0.25, 3/4, 1e-8, 9.5×10^-7, 75%)",
                    column=col, text=repr(text.strip()))
    if not math.isfinite(value):
        return lazy("the number is too large")
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
        return 0.5 * 10.0 ** -item.decimals + slack
    if item.sig_figs is not None:
        if expected == 0:
            return 0.5 * 10.0 ** -item.sig_figs + slack
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


# ----------------------------------------------------------------------------- short answers

_VARIANTS = str.maketrans(dict(zip(VARIANT_PAIRS[0::2], VARIANT_PAIRS[1::2], strict=True)))
_ARTICLES = {"a", "an", "the"}
_CJK = re.compile(r"[\u3400-\u9fff]")


def _words(text: str) -> list[str]:
    s = unicodedata.normalize("NFKC", text).lower().translate(_VARIANTS)
    s = "".join(c if unicodedata.category(c)[0] in "LN" else " " for c in s)
    return [w for w in s.split() if w not in _ARTICLES]


def _singular(word: str) -> set[str]:
    """A word and its possible singulars (accepting a singular where the key has a plural)."""
    out = {word}
    if len(word) > 3 and not _CJK.search(word):
        if word.endswith("ies"):
            out.add(word[:-3] + "y")
        if word.endswith("es"):
            out.add(word[:-2])
        if word.endswith("s") and not word.endswith("ss"):
            out.add(word[:-1])
    return out


def normalize_text(text: str) -> str:
    """Lower case, full-width folded, variant characters unified, without articles, spaces,
    hyphens and punctuation (for short answers)."""
    return "".join(_words(text))


def _short_forms(text: str) -> set[str]:
    """Every normal form a short answer may take: the text and the singular of each word."""
    words = _words(text)
    if not words:
        return set()
    forms = {"".join(words)}
    for n, word in enumerate(words):
        for single in _singular(word):
            forms.add("".join([*words[:n], single, *words[n + 1:]]))
    return forms


def _edit_distance(a: str, b: str) -> int:
    """Levenshtein distance with adjacent transpositions (a typo is one edit)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _near_miss(given: str, accepted: set[str]) -> bool:
    """A Latin-letter answer one typo (two for long words) away from an accepted form."""
    if _CJK.search(given) or len(given) < 5:
        return False
    allowed = 1 if len(given) < 9 else 2
    return any(not _CJK.search(a) and abs(len(a) - len(given)) <= allowed
               and _edit_distance(given, a) <= allowed for a in accepted)


def _text(message: Lazy) -> Text:
    """A message of ours in both languages (for the notes and labels a Grade carries as Text)."""
    return Text(message.text("en"), message.text("zh"))


# Messages that send an answer back, as templates: one of ours made elsewhere as a plain string, or one the
# worked examples' value reader raises, is matched against them and shown in Chinese from the catalog.
_TEMPLATES = (
    N_("type t (true) or f (false)"),
    N_("type a word or phrase"),
    N_("type the letter of a choice"),
    N_("{letter} is not a choice; type letters from {first} to {last}"),
    N_("pick one letter"),
    N_("give every letter exactly once, e.g. {example}"),
    N_("type a number"),
    N_("the number is too large"),
    N_("not a number at column {column}: {text} (examples: 0.25, 3/4, 1e-8, 9.5×10^-7, 75%)"),
    N_("not a number at column {column}: {text} (write decimals with a point: 0.665)"),
    N_("is the comma a decimal comma? write {point} with a decimal point (or {plain} without the comma)"),
    N_("is the comma a decimal comma? write {point} with a decimal point"),
    N_("type a formula"),
    N_("give the result itself, not a derivative still to be taken (d/dx, diff, ∂)"),
    N_("write it without {name} (column {column}): the question asks what it is made of"),
    N_("{names} does not appear in this question (write the answer in terms of: {expected})"),
    N_("{names} do not appear in this question (write the answer in terms of: {expected})"),
    N_("check the spelling: {answer} is close to an accepted answer"),
    N_("write your answer in words, then rate it against the key points"),
    N_("type the numbers of the points you made (1 to {n}), all or none"),
    N_("there is no point {point}: type numbers from 1 to {n}, all or none"),
    # the worked examples' reader of vectors and matrices (dlquiz/worked/params.py)
    N_("{where}: row 1 has {first} entries but row {row} has {n} (every row needs the same length)"),
    N_("{where} row {row}: '{value}' is not a number"),
    N_("{where} item {n}: '{value}' is not a number"),
    N_("{where}: '{value}' is not a number"),
    N_("{where}: cannot read {what} at column {column}: {reason}"),
    N_("{where}: cannot read {what}: brackets must enclose the whole value"),
    N_("{where}: division by zero in {what}"),
)
_NUMBERS = {"column", "row", "n", "point"}  # fields that are always whole numbers


def _template_pattern(template: str) -> re.Pattern[str]:
    """A regular expression matching the messages `template` makes, its fields as named groups."""
    import string

    out = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        out.append(re.escape(literal))
        if name is not None:
            out.append(rf"(?P<{name}>\d+)" if name in _NUMBERS else f"(?P<{name}>.*)")
    return re.compile("".join(out), re.DOTALL)


_PATTERNS = [(_template_pattern(template), template) for template in _TEMPLATES]


def _template_zh(message: str) -> str:
    """`message` in Chinese when it is one of `_TEMPLATES` filled in, else ""."""
    for pattern, template in _PATTERNS:
        m = pattern.fullmatch(message)
        if m:
            return t(template, "zh", **m.groupdict())
    return ""


def _reader_zh(message: str) -> str:
    """The math reader's input errors in Chinese ("" when the reader has no translation)."""
    from dlquiz.symbolic.messages import parse_error_zh

    zh = parse_error_zh(message)
    return zh if zh != message else ""


def message_zh(message: str) -> str:
    """A sent-back message in Chinese (the English one when there is no translation)."""
    if isinstance(message, Lazy):
        return message.text("zh")
    return _template_zh(message) or _reader_zh(message) or message


def grade(item: Item, response: str, *, expected: Any = None) -> Grade:
    """Grade `response` to `item`; `expected` overrides the key (parametric items)."""
    result = _grade(item, response, expected)
    if result.status.asks_again and not result.message_zh:
        result = replace(result, message_zh=_template_zh(result.message) or _reader_zh(result.message))
    return result


def _grade(item: Item, response: str, expected: Any) -> Grade:
    key = item.answer if expected is None else expected
    kind = item.kind
    if kind == "numeric" and item.parts:
        return grade_parts(item, response, _part_keys(item, expected))
    if kind in ("single", "multi", "ordering"):
        return _grade_choices(item, response, key)
    if kind == "truefalse":
        word = unicodedata.normalize("NFKC", response).strip().lower()
        if word not in TRUE_WORDS | FALSE_WORDS:
            return Grade(Status.INVALID, lazy("type t (true) or f (false)"))
        return Grade(Status.CORRECT if (word in TRUE_WORDS) == key else Status.WRONG)
    if kind == "short":
        return _grade_short(item, response, key)
    if kind == "numeric":
        return _grade_numeric(item, response, key)
    if kind == "formula":
        return _grade_formula(item, response)
    if kind == "derivation":
        return _grade_derivation(item, response)
    if kind == "explain":
        return _grade_explain(item, response)
    raise ValueError(f"unknown kind {kind!r}")


def _mistake(item: Item, matches: Any) -> Text | None:
    return next((m.message for m in item.mistakes if matches(m.answer)), None)


def _grade_short(item: Item, response: str, key: Any) -> Grade:
    given = _short_forms(response)
    if not given:
        return Grade(Status.INVALID, lazy("type a word or phrase"))
    accepted = set().union(*(_short_forms(a) for a in key))
    exact = normalize_text(response)
    mistake = _mistake(item, lambda m: normalize_text(str(m)) == exact)
    if mistake is None and given & accepted:
        return Grade(Status.CORRECT)
    if mistake is None and _near_miss(exact, accepted):
        return Grade(Status.SENT_BACK, lazy("check the spelling: {answer} is close to an accepted answer",
                                            answer=repr(response.strip())))
    return Grade(Status.WRONG, mistake=mistake)


def _grade_numeric(item: Item, response: str, key: Any) -> Grade:
    value = parse_number(response)
    if isinstance(value, str):
        return Grade(Status.INVALID, value)
    echo = _number_echo(response, value)
    if numbers_match(float(key), value, item):
        return Grade(Status.CORRECT, interpreted=echo)
    mistake = _mistake(item, lambda m: numbers_match(float(m), value, item))
    return Grade(Status.WRONG, mistake=mistake, interpreted=echo)


def _grade_choices(item: Item, response: str, key: Any) -> Grade:
    letters = _letters(response, len(item.choices))
    if isinstance(letters, str):
        return Grade(Status.INVALID, letters)
    if item.kind == "single":
        if len(letters) != 1:
            return Grade(Status.INVALID, lazy("pick one letter"))
        if letters[0] == key:
            return Grade(Status.CORRECT)
        return Grade(Status.WRONG, mistake=_mistake(item, lambda m: m == letters[0]))
    if item.kind == "multi":
        chosen = tuple(sorted(set(letters)))
        if chosen == tuple(key):
            return Grade(Status.CORRECT)
        missing = sorted(set(key) - set(chosen))
        extra = sorted(set(chosen) - set(key))
        return Grade(Status.WRONG, choices_missed(missing, extra, "en"),
                     message_zh=choices_missed(missing, extra, "zh"),
                     mistake=_mistake(item, lambda m: tuple(sorted(m)) == chosen))
    # ordering: any defensible order passes, and the student learns which convention it follows
    if sorted(letters) != sorted(key):
        return Grade(Status.INVALID, lazy("give every letter exactly once, e.g. {example}",
                                          example="".join(sorted(key))))
    orders = [(o.answer, o.note) for o in item.orders] or [(tuple(key), None)]
    for order, note in orders:
        if tuple(letters) == tuple(order):
            return Grade(Status.CORRECT, notes=(note,) if note is not None and len(orders) > 1 else ())
    return Grade(Status.WRONG, mistake=_mistake(item, lambda m: tuple(m) == tuple(letters)))


def choices_missed(missing: list[str], extra: list[str], lang: str) -> str:
    """What a wrong multiple-choice answer left out and chose too many ("missing b; not c")."""
    parts = [t("missing {letters}", lang, letters=", ".join(missing)) if missing else "",
             t("not {letters}", lang, letters=", ".join(extra)) if extra else ""]
    return t("; ", lang).join(p for p in parts if p)


def _formula_constraint(item: Item, response: str, timeout: float = READ_SECONDS) -> Grade | None:
    """The prompt's constraint ("in terms of σ(x)", "without exp"): a violation is sent back."""
    from dlquiz.errors import DlquizError
    from dlquiz.symbolic.milestones import names_used

    if (not item.require and not item.forbid) or timeout < 0.1:
        return None  # nothing asked, or no time left to read it here (the check reports it)
    try:
        used = names_used(response, let=item.let, timeout=timeout)
    except DlquizError:
        return None  # unreadable: the checker reports it with its column
    forbidden = [n for n in item.forbid if n.lower() in used]
    missing = [n for n in item.require if n.lower() not in used]
    if not forbidden and not missing:
        return None
    reason = item.constraint

    def said(lang: str) -> str:
        parts = [t("the answer must use {names}", lang, names=", ".join(missing)) if missing else "",
                 t("write it without {names}", lang, names=", ".join(forbidden)) if forbidden else ""]
        asks = t(" (the question asks: {reason})", lang, reason=reason(lang)) if reason else ""
        return t("; ", lang).join(p for p in parts if p) + asks

    return Grade(Status.SENT_BACK, said("en"), message_zh=said("zh"))


def _grade_formula(item: Item, response: str) -> Grade:
    import time

    from dlquiz.symbolic import Verdict, check_answer
    from dlquiz.symbolic.limits import GRACE  # what a check may run past its limit before it is stopped

    deadline = time.monotonic() + ANSWER_SECONDS  # one deadline for every step below

    def left(most: float) -> float:
        """Seconds the next limited step may take: at most `most`, within the deadline."""
        return min(most, deadline - time.monotonic() - GRACE)

    if not response.strip():
        return Grade(Status.INVALID, lazy("type a formula"))
    if DERIVATIVE.search(response) and not DERIVATIVE.search(str(item.answer)):
        return Grade(Status.INVALID, lazy("give the result itself, not a derivative still to be taken (d/dx, diff, ∂)"))
    for name in item.forbid:
        match = re.search(rf"(?<![A-Za-z_])\\?{re.escape(name)}(?![A-Za-z_])", response, re.IGNORECASE)
        if match and not item.require:
            return Grade(Status.INVALID, lazy("write it without {name} (column {column}): the question asks what it "
                                              "is made of", name=repr(name), column=match.start() + 1))
    extra = _unknown_names(item, response, left(READ_SECONDS))
    if extra:
        return Grade(Status.INVALID, extra)
    violated = _formula_constraint(item, response, left(READ_SECONDS))
    if violated is not None:
        return violated
    parsed = _parsed_keys(item)
    if left(CHECK_SECONDS) < 0.1:
        return Grade(Status.UNDECIDED, lazy("time limit reached (grading an answer takes at most {seconds:g} s)",
                                            seconds=ANSWER_SECONDS))
    result = check_answer(
        expected=parsed.key, given=response, assumptions=item.assume, let=item.let,
        mistakes=parsed.mistakes, timeout=left(CHECK_SECONDS),
    )
    verdict = result.verdict
    if verdict is Verdict.ERROR:
        return Grade(Status.INVALID, result.message)
    mistake = item.mistakes[result.mistake].message if result.mistake is not None else None
    rule = result.rule or ""
    detail = result.message
    rule_text = None
    if rule and result.rule_message:
        rule_text = Text(result.rule_message, result.rule_message_zh or result.rule_message)
    detail_zh = _counterexample_zh(result.counterexample, verdict is Verdict.DOMAIN_ONLY, detail)
    # how the answer was read where the student may not expect it (`pad` as p·a·d), both languages
    notes = tuple(Text(en, zh) for en, zh in zip(result.notes, result.notes_in("zh"), strict=True))
    if verdict is Verdict.EQUAL:
        return Grade(Status.CORRECT, interpreted=result.interpreted, notes=notes)
    if verdict is Verdict.UNDECIDED:
        return Grade(Status.UNDECIDED, detail or lazy("could not decide within the time limit"),
                     interpreted=result.interpreted, notes=notes)
    return Grade(Status.WRONG, detail, mistake=mistake, interpreted=result.interpreted, rule=rule,
                 rule_text=rule_text, message_zh=detail_zh, notes=notes)


@dataclass(frozen=True)
class _Keys:
    """What grading needs from an item's texts, read once per item (see `_parsed_keys`)."""

    key: str
    mistakes: tuple[str, ...]
    known_names: frozenset[str]  # quantities the key, canonical form and mistakes use


_KEYS: dict[tuple[str, str, int], _Keys] = {}


def _parsed_keys(item: Item) -> _Keys:
    """The key, mistakes and the names they use, parsed once per item (keyed by id and place)."""
    from dlquiz.errors import DlquizError
    from dlquiz.symbolic.milestones import symbol_names

    cache_key = (item.id, item.file, item.line)
    found = _KEYS.get(cache_key)
    if found is not None:
        return found
    known: set[str] = set()
    for text in (str(item.answer), item.canonical, *(str(m.answer) for m in item.mistakes)):
        if text:
            try:
                known |= symbol_names(text, let=item.let)
            except DlquizError:
                pass
    keys = _Keys(str(item.answer), tuple(str(m.answer) for m in item.mistakes), frozenset(known))
    _KEYS[cache_key] = keys
    return keys


def _unknown_names(item: Item, response: str, timeout: float = READ_SECONDS) -> str:
    """A message when the answer uses a quantity the question does not have (e.g. a typo `b`)."""
    from dlquiz.errors import DlquizError
    from dlquiz.symbolic.milestones import symbol_names

    if timeout < 0.1:
        return ""  # no time left to read it here: the check reports it
    try:
        given = symbol_names(response, let=item.let, timeout=timeout)
    except DlquizError:
        return ""  # the checker reports unreadable input with its column
    known = _parsed_keys(item).known_names
    extra = sorted(given - known)
    if not extra:
        return ""
    names = ", ".join(repr(n) for n in extra)
    expected = ", ".join(sorted(known) + sorted(item.let)) or lazy("no variables: a constant")
    if len(extra) == 1:
        return lazy("{names} does not appear in this question (write the answer in terms of: {expected})",
                    names=names, expected=expected)
    return lazy("{names} do not appear in this question (write the answer in terms of: {expected})",
                names=names, expected=expected)


def _counterexample_zh(counterexample: dict[str, Any] | None, domain_only: bool, english: str) -> str:
    """The counterexample sentence in Chinese (the checker words it in English)."""
    if not counterexample or "point" not in counterexample:
        return ""
    point = ", ".join(f"{k} = {v}" for k, v in counterexample["point"].items())
    text = t("counterexample: at {point} the right value is {expected}, yours is {given}", "zh", point=point,
             expected=counterexample.get("expected"), given=counterexample.get("given"))
    if domain_only and ";" in english:
        text = t("equal only on part of the domain ({where}); ", "zh", where=english.split(";")[0]) + text
    return text


# ----------------------------------------------------------------------------- derivations

SHOW_STEPS = _text(lazy("show the intermediate steps: the start followed by the goal, or lines that only restate "
                        "them, earn no credit"))


def _milestone_notes(item: Item, shown: tuple[int, ...], missing: tuple[int, ...]) -> tuple[Text, ...]:
    def steps(numbers: tuple[int, ...], lang: str) -> str:
        return t("; ", lang).join(item.milestones[n].text(lang) for n in numbers)

    notes = []
    if shown:
        notes.append(Text(t("Shown: {steps}", "en", steps=steps(shown, "en")),
                          t("Shown: {steps}", "zh", steps=steps(shown, "zh"))))
    if missing:
        notes.append(Text(t("Missing: {steps}", "en", steps=steps(missing, "en")),
                          t("Missing: {steps}", "zh", steps=steps(missing, "zh"))))
    return tuple(notes)


def _grade_derivation(item: Item, response: str) -> Grade:
    from dlquiz.symbolic import check_item_derivation
    from dlquiz.symbolic.milestones import assess_work
    from dlquiz.symbolic.steps import format_report

    lines = [line for line in response.splitlines() if line.strip()]
    if not lines:
        return Grade(Status.INVALID, lazy("show your work: at least one intermediate step, then the goal"))
    report = check_item_derivation(
        given=item.given, start=str(item.start), goal=str(item.goal), steps=lines, timeout=8.0
    )
    text, text_zh = format_report(report, lang="en"), format_report(report, lang="zh")
    statuses = {s.status for s in report.steps}
    work = assess_work(given=item.given, start=str(item.start), goal=str(item.goal), lines=lines,
                       milestones=[m.forms for m in item.milestones])
    notes = _milestone_notes(item, work.shown, work.missing)
    if report.ok:
        if not work.readable:  # the checker read every line, the form matcher could not: do not guess
            unchecked = N_("every step holds, but the shown work could not be checked against the key steps; compare "
                           "with the model solution")
            return Grade(Status.UNDECIDED, t(unchecked, "en") + "\n" + text,
                         message_zh=t(unchecked, "zh") + "\n" + text_zh)
        if work.intermediate == 0:
            return Grade(Status.SENT_BACK, f"{SHOW_STEPS.en}\n{text}", message_zh=f"{SHOW_STEPS.zh}\n{text_zh}",
                         notes=notes)
        if work.missing:
            unshown = N_("every step holds, but a key step an examiner looks for is not shown")
            return Grade(Status.SENT_BACK, t(unshown, "en") + "\n" + text, message_zh=t(unshown, "zh") + "\n" + text_zh,
                         notes=notes)
        return Grade(Status.CORRECT, text, message_zh=text_zh, notes=notes)
    if "error" in statuses and report.first_failure is None:
        return Grade(Status.INVALID, text, message_zh=text_zh)
    if report.first_failure is None and "undecided" in statuses:
        return Grade(Status.UNDECIDED, text, message_zh=text_zh)  # never "wrong" for lack of time
    if report.first_failure is None:  # no step yet (e.g. only `let` lines)
        return Grade(Status.SENT_BACK, f"{SHOW_STEPS.en}\n{text}", message_zh=f"{SHOW_STEPS.zh}\n{text_zh}")
    rule = next((s.rule for s in report.steps if s.rule), None) or ""
    return Grade(Status.WRONG, text, rule=rule, message_zh=text_zh, notes=notes)


# ----------------------------------------------------------------------------- explain-why


def parse_points(text: str, n_points: int) -> list[int] | str:
    """Key points a student says they made: `1 3`, `1,3`, `all`, `none` (1-based); a string is an
    error message."""
    s = unicodedata.normalize("NFKC", text).strip().lower()
    if s in ALL_WORDS:
        return list(range(1, n_points + 1))
    if s in NONE_WORDS:
        return []
    parts = [p for p in re.split(r"[\s,;、，]+", s) if p]
    if not parts or not all(p.isdigit() for p in parts):
        return lazy("type the numbers of the points you made (1 to {n}), all or none", n=n_points)
    points = sorted({int(p) for p in parts})
    bad = [p for p in points if not 1 <= p <= n_points]
    if bad:
        return lazy("there is no point {point}: type numbers from 1 to {n}, all or none", point=bad[0], n=n_points)
    return points


def rating_for_points(made: int, total: int) -> int:
    """The spaced-repetition rating of a self-graded answer: 1 Again (under half the points),
    2 Hard (half or more), 3 Good (all)."""
    if total and made >= total:
        return 3
    if total and 2 * made >= total:
        return 2
    return 1


def grade_points(item: Item, points: list[int]) -> Grade:
    """The verdict of a self-graded explain item: correct with half the key points or more."""
    rating = rating_for_points(len(points), len(item.rubric))
    def made_in(lang: str) -> str:
        listed = t(", ", lang).join(map(str, points)) or t("none", lang)
        return t("Points made: {points} of {total}", lang, points=listed, total=len(item.rubric))

    made = Text(made_in("en"), made_in("zh"))
    return Grade(Status.CORRECT if rating >= 2 else Status.WRONG, notes=(made,), self_rating=rating)


def _grade_explain(item: Item, response: str) -> Grade:
    """An explain item is graded by the student against the rubric (`grade_points`)."""
    return Grade(Status.UNDECIDED, lazy("write your answer in words, then rate it against the key points"))


# ----------------------------------------------------------------------------- multi-part numeric items


@dataclass(frozen=True)
class PartKey:
    """The key of one part of a multi-part item, as one showing of the item computed it."""

    name: str  # the generator's value name (or an entry, Z1[0,1])
    label: Text  # how the question words the part
    value: Any  # a number, or nested lists (a vector or a matrix)
    step: Text | None = None  # the worked step that produces the value


def _part_keys(item: Item, expected: Any) -> tuple[PartKey, ...]:
    if not isinstance(expected, tuple) or not all(isinstance(k, PartKey) for k in expected):
        raise ValueError(f"item {item.id}: a multi-part item is graded against the keys of a prepared question")
    return expected


def _squeeze(value: Any) -> Any:
    """A value without its dimensions of size 1: [[0.5]] → 0.5, [[1], [2]] → [1, 2]."""
    if isinstance(value, list) and len(value) == 1:
        return _squeeze(value[0])
    if isinstance(value, list) and value and all(isinstance(v, list) and len(v) == 1 for v in value):
        return [_squeeze(v[0]) for v in value]
    return value


def _shape(value: Any) -> tuple[int, ...]:
    if isinstance(value, list) and value:
        return (len(value), *_shape(value[0]))
    return ()


def value_text(value: Any) -> str:
    """A value in the syntax a student types it: 0.25; 1, 2, 3; 1, 2; 3, 4 (rows by ;)."""
    if isinstance(value, list):
        if value and isinstance(value[0], list):
            return "; ".join(value_text(row) for row in value)
        return ", ".join(value_text(x) for x in value)
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else f"{x:.6g}"


def part_format(value: Any) -> Text:
    """What a part's answer looks like: a number, n numbers, or an r×c matrix typed by rows."""
    shape = _shape(_squeeze(value))
    if not shape:
        return _text(lazy("a number"))
    if len(shape) == 1:
        return _text(lazy("{n} numbers separated by commas", n=shape[0]))
    return _text(lazy("a {dims} matrix, rows separated by ; (e.g. 1, 2; 3, 4)", dims="×".join(map(str, shape))))


def _entry_text(index: tuple[int, ...], shape: tuple[int, ...], vector: bool) -> Text:
    """Where an entry is, in words: a vector's (also an n×1 or 1×n value's) by its number, a matrix's by
    row and column (1-based)."""
    if vector or len(index) == 1:
        n = _flat_index(index, shape) + 1
        return _text(lazy("entry {n}", n=n))
    if len(index) == 2:
        return _text(lazy("row {row}, column {column}", row=index[0] + 1, column=index[1] + 1))
    return _text(lazy("entry ({where})", where=", ".join(str(i + 1) for i in index)))


def _flat_entries(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [x for v in value for x in _flat_entries(v)]
    return [value]


def _at(value: Any, index: tuple[int, ...]) -> Any:
    for i in index:
        value = value[i]
    return value


def grade_part(item: Item, key: PartKey, response: str, number: int = 0) -> Grade:
    """One part of a multi-part item: a number, or a vector/matrix compared entry by entry, each
    with the item's precision; a wrong part carries its right value and the step producing it."""
    from dlquiz.errors import DlquizError

    prefix = _text(lazy("part {number} ({name}): ", number=number, name=key.name)) if number else Text("", "")
    right = _text(lazy("right value: {name} = {value}", name=key.name, value=value_text(_squeeze(key.value))))
    notes = (right,) if key.step is None else (right, key.step)
    expected = _squeeze(key.value)
    if not isinstance(expected, list):  # a number: the grader's own reading and comparison
        value = parse_number(response)
        if isinstance(value, str):
            zh = message_zh(value)
            return Grade(Status.INVALID, prefix.en + value, message_zh=prefix.zh + zh)
        echo = _number_echo(response, value)
        if numbers_match(float(expected), value, item):
            return Grade(Status.CORRECT, interpreted=echo)
        gave = _text(lazy("you gave {echo}", echo=echo))
        return Grade(Status.WRONG, prefix.en + gave.en, message_zh=prefix.zh + gave.zh, interpreted=echo, notes=notes)
    from dlquiz.worked.mine import judge_value

    if not response.strip():
        values = _text(lazy("type the values"))
        return Grade(Status.INVALID, prefix.en + values.en, message_zh=prefix.zh + values.zh)
    try:  # the comparison `dlquiz example --mine` makes, entry by entry with the item's precision
        checked = judge_value(key.name, response.replace("−", "-"), key.value, where="answer", loose_shape=True,
                              number_ok=lambda yours, exp, _w: (numbers_match(exp, yours, item), "value"))
    except DlquizError as exc:
        return Grade(Status.INVALID, prefix.en + str(exc), message_zh=prefix.zh + message_zh(str(exc)))
    if checked.reason == "shape":
        got = "×".join(map(str, _shape(checked.yours))) or "1"
        want = part_format(key.value)
        shape = N_("{name} is {want}; you gave {got} values")
        return Grade(Status.SENT_BACK, prefix.en + t(shape, "en", name=key.name, want=want.en, got=got),
                     message_zh=prefix.zh + t(shape, "zh", name=key.name, want=want.zh, got=got))
    echo = value_text(checked.yours)
    if checked.ok:
        return Grade(Status.CORRECT, interpreted=echo)
    vector = len(_shape(expected)) == 1
    shown = []
    for index in checked.wrong[:4]:
        where = _entry_text(index, _shape(key.value), vector)
        yours = _flat_entries(checked.yours)[_flat_index(index, _shape(key.value))]
        shown.append((where, value_text(yours), value_text(_at(key.value, index))))
    more = len(checked.wrong) - len(shown)
    def entries(lang: str) -> str:
        listed = t("; ", lang).join(t("{where}: you gave {yours}, right {right}", lang, where=w(lang), yours=y, right=r)
                                    for w, y, r in shown)
        return listed + (t("; and {n} more", lang, n=more) if more > 0 else "")

    en, zh = entries("en"), entries("zh")
    head = _text(lazy("{wrong} of {total} entries wrong — ", wrong=len(checked.wrong),
                      total=len(_flat_entries(key.value))))
    return Grade(Status.WRONG, prefix.en + head.en + en, message_zh=prefix.zh + head.zh + zh, interpreted=echo,
                 notes=notes)


def _flat_index(index: tuple[int, ...], shape: tuple[int, ...]) -> int:
    n = 0
    for i, size in zip(index, shape, strict=False):
        n = n * size + i
    return n


_NAMED_LINE = re.compile(r"^\s*([A-Za-z_][\w.]*(?:\[[\d,\s]+\])*)\s*=\s*(.*)$")


def split_part_answers(keys: tuple[PartKey, ...], response: str) -> list[str] | str:
    """The answer to each part from one answer per line (in order), or `NAME = value` lines in any
    order; a string is an error message."""
    lines = [ln.strip() for ln in response.splitlines() if ln.strip()]
    names = [k.name for k in keys]
    named = [_NAMED_LINE.match(ln) for ln in lines]
    if lines and all(m is not None and m.group(1).replace(" ", "") in names for m in named):
        found: dict[str, str] = {}
        for m in named:
            assert m is not None
            found[m.group(1).replace(" ", "")] = m.group(2)
        missing = [f"{n} ({k})" for n, k in enumerate(names, 1) if k not in found]
        if missing:
            return lazy("no answer for part {parts}", parts=", ".join(missing))
        return [found[k] for k in names]
    if len(lines) != len(keys):
        listing = ", ".join(f"{n} {k}" for n, k in enumerate(names, 1))
        return lazy("give one answer per line, {n} in all ({listing}); got {got} line(s)", n=len(keys), listing=listing,
                    got=len(lines))
    return lines


def grade_parts(item: Item, response: str, keys: tuple[PartKey, ...]) -> Grade:
    """Every part of a multi-part item: right only when every part is; a part that cannot be read
    sends the whole answer back, naming the part."""
    answers = split_part_answers(keys, response)
    if isinstance(answers, str):
        return Grade(Status.INVALID, answers, message_zh=message_zh(answers))
    grades = [grade_part(item, key, text, n) for n, (key, text) in enumerate(zip(keys, answers, strict=True), 1)]
    for g in grades:
        if g.status.asks_again:
            return replace(g, parts=tuple(grades))
    return combine_parts(keys, grades, detailed=True)


def combine_parts(keys: tuple[PartKey, ...], grades: list[Grade], *, detailed: bool) -> Grade:
    """The verdict on the whole item from its parts' verdicts: one note per part (✓/✗, and with
    `detailed` the wrong entries, the right value and the step), correct only when every part is."""
    notes: list[Text] = []
    for n, (key, g) in enumerate(zip(keys, grades, strict=True), 1):
        ok = g.status is Status.CORRECT
        mark = "✓" if ok else "✗"
        line = Text(f"{mark} ({n}) {key.label.en}", f"{mark} ({n}) {key.label.zh}")
        if detailed and not ok:
            extra = [g.message.split(": ", 1)[-1] if g.message else "", *(t.en for t in g.notes)]
            extra_zh = [g.message_zh.split("：", 1)[-1] if g.message_zh else "", *(t.zh for t in g.notes)]
            line = Text(line.en + "".join(f"\n    {x}" for x in extra if x),
                        line.zh + "".join(f"\n    {x}" for x in extra_zh if x))
        notes.append(line)
    right = sum(g.status is Status.CORRECT for g in grades)
    status = Status.CORRECT if right == len(grades) else Status.WRONG
    if any(g.status is Status.UNDECIDED for g in grades) and status is not Status.CORRECT:
        status = Status.UNDECIDED
    head = _text(lazy("{right} of {total} parts right", right=right, total=len(grades)))
    return Grade(status, "" if status is Status.CORRECT else head.en,
                 message_zh="" if status is Status.CORRECT else head.zh, notes=tuple(notes), parts=tuple(grades))
