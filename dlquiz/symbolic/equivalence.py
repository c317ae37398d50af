"""Answer equivalence: is the student's formula the reference formula?

Both sides are parsed with the whitelist grammar (parse.py), prepared and compared by the one
policy of "equal" (policy.py, sampling through sampling.py) that the derivation checker, quiz
grading and `bank check` share. A wrong answer is then matched against the known mistakes of the
item and against the slip catalogue (slips.py).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import sympy

from dlquiz.errors import ParseError
from dlquiz.i18n import Lazy, lazy, message_of, t
from dlquiz.symbolic.assumptions import build_context
from dlquiz.symbolic.limits import TimeLimit, time_limit
from dlquiz.symbolic.parse import Parsed, parse_math, to_unicode
from dlquiz.symbolic.policy import Verdict, decide, prepare
from dlquiz.symbolic.sampling import numerically_equal
from dlquiz.symbolic.slips import Slip, match_answer

__all__ = ["AnswerCheck", "Verdict", "check_answer", "check_equivalence", "prepare"]

_REFERENCE_ERROR = "reference: {error}"  # the reference cannot be read: the reader's error, translated by the reader


@dataclass(frozen=True)
class AnswerCheck:
    """What a check found: the verdict, the candidate as understood, and why."""

    verdict: Verdict
    interpreted: str = ""
    message: str = ""
    counterexample: dict[str, Any] | None = None
    mistake: int | None = None
    rule: str | None = None
    rule_message: str = ""
    rule_message_zh: str = ""
    ms: float = 0.0
    column: int | None = None  # for ERROR: 1-based column of the problem in the candidate
    reference: str = ""  # unicode echo of the reference
    proved: bool = False  # EQUAL by symbolic proof (False: by the numeric policy)
    notes: tuple[str, ...] = ()  # how the candidate was read where the writer may not expect it
    reference_notes: tuple[str, ...] = ()  # the same for the reference (``Parsed.notes``)

    def notes_in(self, lang: str) -> tuple[str, ...]:
        """The candidate's reading notes in `lang` ("zh" or "en")."""
        return _notes_in(self.notes, lang)

    def reference_notes_in(self, lang: str) -> tuple[str, ...]:
        """The reference's reading notes in `lang` ("zh" or "en")."""
        return _notes_in(self.reference_notes, lang)

    def message_in(self, lang: str) -> str:
        """The reason for the verdict (or the reader's error) in `lang` ("zh" or "en")."""
        if lang != "zh" or not self.message:
            return str(self.message)
        from dlquiz.symbolic.messages import parse_error_zh

        message = self.message
        if isinstance(message, Lazy) and message.msgid == _REFERENCE_ERROR:
            return t("reference: {error}", lang, error=parse_error_zh(message.fields["error"]))
        if isinstance(message, Lazy) and self.verdict is not Verdict.ERROR:
            return message.text(lang)
        return parse_error_zh(message)

    def rule_name_in(self, lang: str) -> str:
        """The name of the known slip in `lang` ("" when there is none)."""
        if not self.rule:
            return ""
        from dlquiz.symbolic.slips import slip_name

        return slip_name(self.rule, lang)

    @property
    def ok(self) -> bool:
        """The candidate is accepted."""
        return self.verdict is Verdict.EQUAL

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "verdict": self.verdict.value,
            "interpreted": self.interpreted,
            "reference": self.reference,
            "message": self.message,
            "message_zh": self.message_in("zh"),
            "counterexample": self.counterexample,
            "mistake": self.mistake,
            "rule": self.rule,
            "rule_zh": self.rule_name_in("zh") or None,
            "rule_message": self.rule_message,
            "rule_message_zh": self.rule_message_zh,
            "column": self.column,
            "proved": self.proved,
            "notes": list(self.notes),
            "notes_zh": list(self.notes_in("zh")),
            "reference_notes": list(self.reference_notes),
            "reference_notes_zh": list(self.reference_notes_in("zh")),
            "ms": round(self.ms, 2),
        }


def _notes_in(notes: tuple[str, ...], lang: str) -> tuple[str, ...]:
    if lang != "zh" or not notes:
        return notes
    from dlquiz.symbolic.messages import note_zh

    return tuple(note_zh(n) for n in notes)


# --------------------------------------------------------------------------- checks


def _parse_side(
    value: str | sympy.Expr,
    which: str,
    latex: bool | None,
    let: Mapping[str, str] | None,
    timeout: float,
    names: frozenset[str] = frozenset(),
) -> Parsed:
    if isinstance(value, sympy.Basic):  # an expression built by code, not typed text
        if not isinstance(value, sympy.Expr):
            raise ParseError(
                lazy("{side}: expected an expression, got a {type}", side=_side(which), type=type(value).__name__),
                column=None,
            )
        return Parsed(expr=value, text=to_unicode(value), syntax="calc", pretty=to_unicode(value))
    if not isinstance(value, str):
        raise ParseError(lazy("{side}: expected a text or a SymPy expression", side=_side(which)), column=None)
    return parse_math(value, latex=latex, let=let, timeout=min(timeout, 1.0), names=names)


def _side(which: str) -> str:
    return lazy("reference") if which == "reference" else lazy("candidate")


def check_equivalence(
    *,
    expected: str | sympy.Expr,
    given: str | sympy.Expr,
    assumptions: Sequence[str] = (),
    latex: bool | None = None,
    let: Mapping[str, str] | None = None,
    timeout: float = 3.0,
    seed: int = 0,
) -> AnswerCheck:
    """Decide whether `given` equals `expected` under the assumptions.

    Returns an AnswerCheck; a candidate that cannot be read gives verdict ERROR with the
    message and column (never an exception). The whole check runs in a worker process that is
    killed at `timeout` + GRACE (worker.py): past it the verdict is UNDECIDED with the reason.
    """
    from dlquiz.symbolic import limited, worker

    args = (expected, given, tuple(assumptions), latex, dict(let) if let else None, timeout, seed)
    t0 = time.perf_counter()
    slow = limited.known_slow(given, latex, let, min(timeout, 1.0))
    if slow:  # this caller already waited for it to be read: do not wait again
        return AnswerCheck(verdict=Verdict.UNDECIDED, message=slow)
    try:
        return worker.run(_check, *args, seconds=timeout + worker.GRACE)
    except (TimeLimit, worker.WorkerFailed) as exc:
        return AnswerCheck(
            verdict=Verdict.UNDECIDED, ms=(time.perf_counter() - t0) * 1000, message=worker.reason(exc, timeout)
        )


def _check(
    expected: str | sympy.Expr,
    given: str | sympy.Expr,
    assumptions: tuple[str, ...],
    latex: bool | None,
    let: dict[str, str] | None,
    timeout: float,
    seed: int,
) -> AnswerCheck:
    t0 = time.perf_counter()
    deadline = time.monotonic() + timeout

    def done(**kw: Any) -> AnswerCheck:
        return AnswerCheck(ms=(time.perf_counter() - t0) * 1000, **kw)

    try:
        ctx = build_context(assumptions)
    except ParseError as exc:
        return done(verdict=Verdict.ERROR, message=message_of(exc))
    try:
        declared = frozenset(n for d in ctx.domains for n in (d, d.removesuffix("_*")))
        ref = _parse_side(expected, "reference", latex, let, timeout, declared)
    except ParseError as exc:
        return done(verdict=Verdict.ERROR, message=lazy("reference: {error}", error=message_of(exc)))
    try:
        cand = _parse_side(given, "candidate", latex, let, timeout, declared | ref.names)
    except ParseError as exc:
        return done(
            verdict=Verdict.ERROR,
            message=message_of(exc),
            column=exc.column,
            reference=ref.pretty,
            reference_notes=ref.notes,
        )
    seen = {"interpreted": cand.pretty, "reference": ref.pretty, "notes": cand.notes, "reference_notes": ref.notes}
    try:
        with time_limit(max(0.05, deadline - time.monotonic())):
            e = prepare(ref.expr, max(0.05, deadline - time.monotonic()))
            g = prepare(cand.expr, max(0.05, deadline - time.monotonic()))
            decision = decide(e, g, ctx, seed, deadline)
    except TimeLimit:
        return done(verdict=Verdict.UNDECIDED, message=lazy("time limit reached"), **seen)
    except ParseError as exc:
        return done(verdict=Verdict.ERROR, message=message_of(exc), **seen)
    return done(
        verdict=decision.verdict,
        message=decision.message,
        counterexample=decision.counterexample,
        proved=decision.proved,
        **seen,
    )


def check_answer(
    *,
    expected: str,
    given: str,
    assumptions: Sequence[str] = (),
    let: Mapping[str, str] | None = None,
    mistakes: Sequence[str] = (),
    latex: bool | None = None,
    timeout: float = 3.0,
    seed: int = 0,
) -> AnswerCheck:
    """check_equivalence, then for a wrong answer: which known mistake and which catalogue rule.

    `mistakes` are formulas of known wrong answers; `mistake` in the result is the index of the
    one the candidate is equivalent to. `rule` names the deep-learning wrong rule that matches.
    The whole call (check and diagnosis) returns within `timeout` + GRACE; a diagnosis that does
    not fit is left out and the verdict kept.
    """
    t0 = time.perf_counter()
    res = check_equivalence(
        expected=expected, given=given, assumptions=assumptions, latex=latex, let=let, timeout=timeout, seed=seed
    )
    if res.verdict not in (Verdict.NOT_EQUAL, Verdict.DOMAIN_ONLY):
        return res
    from dlquiz.symbolic import worker

    left = timeout + worker.GRACE - (time.perf_counter() - t0)  # the whole call keeps its limit
    if left < 0.2:
        return res
    try:  # a second job, so that a diagnosis out of time keeps the verdict
        mistake, rule = worker.run(
            _diagnose_job,
            expected,
            given,
            tuple(assumptions),
            dict(let) if let else None,
            tuple(mistakes),
            latex,
            seed,
            seconds=left,
        )
    except (ParseError, TimeLimit, worker.WorkerFailed):
        return res
    out = replace(res, mistake=mistake)
    if rule is not None:
        out = replace(out, rule=rule[0], rule_message=rule[1], rule_message_zh=rule[2])
    return replace(out, ms=(time.perf_counter() - t0) * 1000)


def _diagnose_job(
    expected: str,
    given: str,
    assumptions: Sequence[str],
    let: Mapping[str, str] | None,
    mistakes: Sequence[str],
    latex: bool | None,
    seed: int,
) -> tuple[int | None, tuple[str, str, str] | None]:
    """`_diagnose` with the slip as plain texts (name, en, zh), to cross the process boundary."""
    mistake, slip = _diagnose(expected, given, assumptions, let, mistakes, latex, seed)
    return mistake, None if slip is None else (slip.name, slip.en, slip.message("zh"))


def _diagnose(
    expected: str,
    given: str,
    assumptions: Sequence[str],
    let: Mapping[str, str] | None,
    mistakes: Sequence[str],
    latex: bool | None,
    seed: int,
) -> tuple[int | None, Slip | None]:
    """The index of the known mistake the candidate equals, and the matching catalogue slip."""
    ctx = build_context(assumptions)
    declared = frozenset(ctx.domains)
    ref_parsed = parse_math(expected, latex=latex, let=let, names=declared)
    names = declared | ref_parsed.names  # the reference and the assumptions declare names
    g = prepare(parse_math(given, latex=latex, let=let, names=names).expr)
    mistake: int | None = None
    for i, m in enumerate(mistakes):
        try:
            me = prepare(parse_math(m, let=let, names=names).expr)
        except ParseError:
            continue
        if numerically_equal(me, g, ctx, seed):
            mistake = i
            break
    return mistake, match_answer(ref_parsed.expr, g, ctx, seed)
