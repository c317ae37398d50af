"""Formula answers: the prompt's constraint ("in terms of σ"), names the question does not have,
the key and mistakes read once per item, and the check through the symbolic engine.

Time: a formula answer is read (up to 2 s) and checked (up to 3 s) in several limited steps,
all within one overall deadline, ANSWER_SECONDS (5 s) from the moment grading starts: each step
gets what is left of it, so a hostile answer (``sum(k^k, k, 1, 6000)``, ``step(x^999)``) is
undecided or sent back within ANSWER_SECONDS + 1 s in total, never a stalled session.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dlquiz.bank.model import Item
from dlquiz.i18n import Text, lazy, t
from dlquiz.quiz.outcome import Grade, Status

ANSWER_SECONDS = 5.0  # overall deadline for grading one formula answer (reading and checking)
READ_SECONDS = 2.0  # of which reading the answer (its names, the prompt's constraint) at most
CHECK_SECONDS = 3.0  # and the check itself at most

# a derivative operator typed as part of an answer (d/dx f, diff(f, x), \frac{d}{dx}, ∂)
DERIVATIVE = re.compile(r"(?<![A-Za-z])d\s*/\s*d[A-Za-z]|\bdiff\s*\(|\\frac\s*\{\s*(d|\\partial)\s*\}|\\partial|∂")


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
        parts = [
            t("the answer must use {names}", lang, names=", ".join(missing)) if missing else "",
            t("write it without {names}", lang, names=", ".join(forbidden)) if forbidden else "",
        ]
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
        return Grade(
            Status.SENT_BACK, lazy("give the result itself, not a derivative still to be taken (d/dx, diff, ∂)")
        )
    for name in item.forbid:
        match = re.search(rf"(?<![A-Za-z_])\\?{re.escape(name)}(?![A-Za-z_])", response, re.IGNORECASE)
        if match and not item.require:
            return Grade(
                Status.SENT_BACK,  # read, but outside what the question allows
                lazy(
                    "write it without {name} (column {column}): the question asks what it is made of",
                    name=repr(name),
                    column=match.start() + 1,
                ),
            )
    extra = _unknown_names(item, response, left(READ_SECONDS))
    if extra:
        return Grade(Status.INVALID, extra)
    violated = _formula_constraint(item, response, left(READ_SECONDS))
    if violated is not None:
        return violated
    parsed = _parsed_keys(item)
    if left(CHECK_SECONDS) < 0.1:
        return Grade(
            Status.UNDECIDED,
            lazy("time limit reached (grading an answer takes at most {seconds:g} s)", seconds=ANSWER_SECONDS),
        )
    result = check_answer(
        expected=parsed.key,
        given=response,
        assumptions=item.assume,
        let=item.let,
        mistakes=parsed.mistakes,
        timeout=left(CHECK_SECONDS),
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
        return Grade(
            Status.UNDECIDED,
            detail or lazy("could not decide within the time limit"),
            interpreted=result.interpreted,
            notes=notes,
        )
    return Grade(
        Status.WRONG,
        detail,
        mistake=mistake,
        interpreted=result.interpreted,
        rule=rule,
        rule_text=rule_text,
        message_zh=detail_zh,
        notes=notes,
    )


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
        return lazy(
            "{names} does not appear in this question (write the answer in terms of: {expected})",
            names=names,
            expected=expected,
        )
    return lazy(
        "{names} do not appear in this question (write the answer in terms of: {expected})",
        names=names,
        expected=expected,
    )


def _counterexample_zh(counterexample: dict[str, Any] | None, domain_only: bool, english: str) -> str:
    """The counterexample sentence in Chinese (the checker words it in English)."""
    if not counterexample or "point" not in counterexample:
        return ""
    point = ", ".join(f"{k} = {v}" for k, v in counterexample["point"].items())
    text = t(
        "counterexample: at {point} the right value is {expected}, yours is {given}",
        "zh",
        point=point,
        expected=counterexample.get("expected"),
        given=counterexample.get("given"),
    )
    if domain_only and ";" in english:
        text = t("equal only on part of the domain ({where}); ", "zh", where=english.split(";")[0]) + text
    return text


# ----------------------------------------------------------------------------- derivations
