"""Deep checks of the bank: keys proved by the symbolic engine and recomputed by the runtime.

- formula: the key is equivalent to its `canonical` form; every listed mistake is NOT equivalent;
- numeric with a generator: with fixed params, the generator computes the stated answer; with
  random params, the generator runs and has the asked value;
- derivation: the model solution passes the derivation checker.

The checks that need no engine live in `dlquiz.bank.content` (coverage, content gates) and
`dlquiz.bank.duplicates` (near-duplicate prompts); their names are re-exported here.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

from dlquiz.bank.bilingual import Both, both
from dlquiz.bank.content import MIN_ITEMS_PER_TOPIC as MIN_ITEMS_PER_TOPIC
from dlquiz.bank.content import MIN_SHORT_FORMS as MIN_SHORT_FORMS
from dlquiz.bank.content import PRECISION_EN as PRECISION_EN
from dlquiz.bank.content import _problem
from dlquiz.bank.content import content_problems as content_problems
from dlquiz.bank.content import count_sentences as count_sentences
from dlquiz.bank.content import coverage as coverage
from dlquiz.bank.content import coverage_problems as coverage_problems
from dlquiz.bank.content import precision_zh as precision_zh
from dlquiz.bank.duplicates import ALLOWED_SIMILAR as ALLOWED_SIMILAR
from dlquiz.bank.duplicates import DUPLICATE_THRESHOLD as DUPLICATE_THRESHOLD
from dlquiz.bank.duplicates import SAME_KEY_THRESHOLD as SAME_KEY_THRESHOLD
from dlquiz.bank.duplicates import duplicate_problems as duplicate_problems
from dlquiz.bank.duplicates import jaccard as jaccard
from dlquiz.bank.duplicates import near_duplicates as near_duplicates
from dlquiz.bank.duplicates import normalise_prompt as normalise_prompt
from dlquiz.bank.duplicates import prompt_shingles as prompt_shingles
from dlquiz.bank.duplicates import same_key as same_key
from dlquiz.bank.fields import MILESTONE_TABLE
from dlquiz.bank.load import Problem
from dlquiz.bank.model import Item
from dlquiz.errors import DlquizError
from dlquiz.i18n import N_, lazy, listing, message_of, t

if TYPE_CHECKING:
    from dlquiz.symbolic.equivalence import AnswerCheck

# generous per check: a key proved in 50 ms on a quiet machine must not turn "undecided" on a busy one
KEY_TIMEOUT = 10.0


def check_item(item: Item) -> list[Problem]:
    """Problems with the key of one item (empty when the key is proved right)."""
    try:
        if item.kind == "formula":
            return _check_formula(item)
        if item.kind == "numeric" and item.generator:
            return _check_generator(item)
        if item.kind == "derivation":
            return _check_derivation(item)
    except DlquizError as exc:
        return [_problem(item, "answer", message_of(exc))]
    except Exception as exc:  # a checker bug must not hide the rest of the report
        error = f"{type(exc).__name__}: {exc}"
        return [_problem(item, "answer", lazy("internal error while checking: {error}", error=error))]
    return []


def _verdict(result: object) -> str:
    verdict = getattr(result, "verdict", "")
    return str(getattr(verdict, "value", verdict))


# the verdicts of the engine, as `dlquiz equiv` words them
_VERDICT_WORDS = {
    "equal": N_("equal"),
    "not_equal": N_("not equal"),
    "domain_only": N_("domain only"),
    "undecided": N_("undecided"),
    "error": N_("error"),
}
# the statuses of the quiz's grading
_STATUS_WORDS = {
    "correct": N_("correct"),
    "wrong": N_("wrong"),
    "invalid": N_("unreadable"),
    "sent_back": N_("sent back"),
    "undecided": N_("undecided"),
}


def _word(value: str, words: dict[str, str]) -> Both:
    """A verdict or status as the engine names it (English) and in the catalog's Chinese."""
    return Both(value, t(words[value], "zh") if value in words else value)


def _reason(result: AnswerCheck) -> Both:
    """Why the engine decided as it did, in both languages."""
    return Both(str(result.message), result.message_in("zh"))


def _check_formula(item: Item) -> list[Problem]:
    from dlquiz.symbolic import check_equivalence, parse_math
    from dlquiz.symbolic.lines import ReaderError

    problems = []
    key = str(item.answer)
    for field, text in (("answer", key), ("canonical", item.canonical)):
        if text is None:
            continue
        try:
            parse_math(text, let=item.let)
        except DlquizError as exc:
            problems.append(
                _problem(item, field, lazy("cannot parse {text}: {error}", text=repr(text), error=ReaderError(exc)))
            )
    if problems:
        return problems
    if item.require or item.forbid:
        from dlquiz.symbolic.milestones import names_used

        used = names_used(key, let=item.let)
        for name in item.require:
            if name.lower() not in used:
                problems.append(
                    _problem(
                        item,
                        "require",
                        lazy("the key {key} does not use {name} itself", key=repr(key), name=repr(name)),
                    )
                )
        for name in item.forbid:
            if name.lower() in used:
                problems.append(
                    _problem(
                        item,
                        "forbid",
                        lazy("the key {key} uses {name}, which the item forbids", key=repr(key), name=repr(name)),
                    )
                )
    if item.canonical is not None:
        result = check_equivalence(
            expected=item.canonical, given=key, assumptions=item.assume, let=item.let, timeout=KEY_TIMEOUT
        )
        if _verdict(result) != "equal":
            fields = {
                "key": repr(key),
                "canonical": repr(item.canonical),
                "verdict": _word(_verdict(result), _VERDICT_WORDS),
            }
            problems.append(
                _problem(
                    item,
                    "canonical",
                    lazy(
                        "key {key} is not proved equal to canonical {canonical}: {verdict} {reason}",
                        **fields,
                        reason=_reason(result),
                    )
                    if str(result.message).strip()
                    else lazy("key {key} is not proved equal to canonical {canonical}: {verdict}", **fields),
                )
            )
    for n, mistake in enumerate(item.mistakes, 1):
        result = check_equivalence(
            expected=key, given=str(mistake.answer), assumptions=item.assume, let=item.let, timeout=KEY_TIMEOUT
        )
        verdict = _verdict(result)
        if verdict == "equal":
            problems.append(
                _problem(
                    item,
                    f"mistakes[{n}]",
                    lazy("{answer} is equivalent to the key, not a mistake", answer=repr(mistake.answer)),
                )
            )
        elif verdict in ("error", "undecided"):
            problems.append(
                _problem(
                    item,
                    f"mistakes[{n}]",
                    lazy(
                        "{answer}: {verdict}: {reason}",
                        answer=repr(mistake.answer),
                        verdict=_word(verdict, _VERDICT_WORDS),
                        reason=_reason(result),
                    ),
                )
            )
    return problems


def _check_generator(item: Item) -> list[Problem]:
    from dlquiz.errors import ParamError
    from dlquiz.worked import generate_example
    from dlquiz.worked._core import lookup_value

    if item.parts:
        return _check_parts(item)
    problems = []
    seeds: list[int | None] = [None] if item.answer is not None else [1, 2, 3]
    for seed in seeds:
        example = generate_example(str(item.generator), item.params, seed=seed)
        try:  # the lookup `dlquiz example --ask` and the quiz use: a name, or an entry such as dw[0]
            value = lookup_value(str(item.generator), example.values, item.ask)
        except ParamError as exc:
            return [_problem(item, "ask", message_of(exc))]
        if not isinstance(value, int | float) or not math.isfinite(float(value)):
            return [
                _problem(
                    item,
                    "ask",
                    lazy("value {ask} is not a finite number: {value}", ask=repr(item.ask), value=repr(value)),
                )
            ]
        for name in _placeholders(item):
            if name not in example.params:
                problems.append(_placeholder_problem(item, name))
        if (
            not float(value).is_integer()
            and item.decimals is None
            and item.sig_figs is None
            and item.tolerance is None
            and item.rel_tolerance is None
        ):
            problems.append(
                _problem(
                    item,
                    "decimals",
                    lazy(
                        "the generator gives {value}, not a whole number: state the "
                        "precision (decimals = 3 or sig_figs = 4) and say it in the "
                        "prompt",
                        value=value,
                    ),
                )
            )
        if item.answer is not None:
            from dlquiz.quiz.grade import numbers_match

            if not numbers_match(float(value), float(item.answer), item):
                problems.append(
                    _problem(
                        item,
                        "answer",
                        lazy(
                            "stated {answer} but generator {generator} computes {value} with params {params}",
                            answer=item.answer,
                            generator=repr(item.generator),
                            value=value,
                            params=item.params,
                        ),
                    )
                )
    return problems


def _finite_numbers(value: object) -> bool:
    if isinstance(value, list):
        return bool(value) and all(_finite_numbers(v) for v in value)
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(float(value))


def _entries(value: object) -> list[float]:
    if isinstance(value, list):
        return [x for v in value for x in _entries(v)]
    return [float(value)] if isinstance(value, int | float) else []


def _check_parts(item: Item) -> list[Problem]:
    """A multi-part item: every part names a value the generator produces (numbers, a vector or a
    matrix), on three draws; placeholders name parameters; a value that is not whole asks for a
    stated precision; the quiz can prepare the item."""
    from dlquiz.errors import ParamError
    from dlquiz.worked import generate_example
    from dlquiz.worked._core import lookup_value

    problems: list[Problem] = []
    fractional = False
    for seed in (1, 2, 3):
        example = generate_example(str(item.generator), item.params, seed=seed)
        for n, part in enumerate(item.parts, 1):
            try:
                value = lookup_value(str(item.generator), example.values, part.ask)
            except ParamError as exc:
                return [
                    _problem(
                        item,
                        f"parts[{n}].ask",
                        lazy(
                            "{ask} is not a value {generator} produces: {error}",
                            ask=repr(part.ask),
                            generator=repr(item.generator),
                            error=message_of(exc),
                        ),
                    )
                ]
            if not _finite_numbers(value):
                return [
                    _problem(
                        item,
                        f"parts[{n}].ask",
                        lazy(
                            "value {ask} is not a number, vector or matrix of finite numbers: {value}",
                            ask=repr(part.ask),
                            value=repr(value),
                        ),
                    )
                ]
            fractional = fractional or any(not float(x).is_integer() for x in _entries(value))
        if seed == 1:
            for name in _placeholders(item):
                if name not in example.params:
                    problems.append(_placeholder_problem(item, name))
    if (
        fractional
        and item.decimals is None
        and item.sig_figs is None
        and item.tolerance is None
        and item.rel_tolerance is None
    ):
        problems.append(
            _problem(
                item,
                "decimals",
                lazy(
                    "the parts are not whole numbers: state the precision "
                    "(decimals = 3 or sig_figs = 4) and say it in the prompt"
                ),
            )
        )
    from dlquiz.quiz.session import prepare

    prepare(item, number=1, seed=0)  # the quiz's own preparation (a DlquizError is reported by the caller)
    return problems


def _placeholders(item: Item) -> set[str]:
    import string

    names = set()
    for text in (item.prompt.en, item.prompt.zh):
        for _lit, name, _spec, _conv in string.Formatter().parse(text.replace("{{", "").replace("}}", "")):
            if name:
                names.add(name)
    return names


def _check_derivation(item: Item) -> list[Problem]:
    """The model solution passes the quiz's own grading (steps and milestones); the goal typed
    twice and the start followed by the goal do not; every milestone shows work."""
    from dlquiz.quiz.grade import grade
    from dlquiz.symbolic import check_item_derivation
    from dlquiz.symbolic.milestones import milestone_problems
    from dlquiz.symbolic.steps import format_report

    problems = []
    if not item.milestones:
        problems.append(
            _problem(
                item,
                "milestones",
                lazy(
                    "missing: name the key intermediate results an examiner looks for (milestones = [{table}])",
                    table=MILESTONE_TABLE,
                ),
            )
        )
    for n, message in milestone_problems(
        given=item.given, start=str(item.start), goal=str(item.goal), milestones=[m.forms for m in item.milestones]
    ):
        problems.append(_problem(item, f"milestones[{n + 1}]", message))
    lines = [ln for ln in str(item.solution).splitlines() if ln.strip()]
    report = check_item_derivation(
        given=item.given, start=str(item.start), goal=str(item.goal), steps=lines, timeout=KEY_TIMEOUT
    )
    if not report.ok:
        return [
            *problems,
            _problem(
                item,
                "solution",
                lazy(
                    "model solution does not pass the checker:\n{report}",
                    report=both(lambda lang: format_report(report, lang=lang)),
                ),
            ),
        ]
    verdict = grade(item, str(item.solution))
    if verdict.status != "correct":

        def why(lang: str) -> str:
            first = (verdict.detail(lang).splitlines() or [""])[0]
            return f"{first} {listing([n(lang) for n in verdict.notes], lang, 'clauses')}".strip()

        status = _word(str(verdict.status), _STATUS_WORDS)
        message = lazy("model solution is {status} in the quiz: {why}", status=status, why=both(why))
        problems.append(_problem(item, "solution", message))
    for name, attempt in (
        (lazy("the goal twice"), f"{item.goal}\n{item.goal}"),
        (lazy("the start then the goal"), f"{item.start}\n{item.goal}"),
    ):
        if grade(item, attempt).status == "correct":
            problems.append(
                _problem(
                    item, "milestones", lazy("{attempt} passes: the item can be passed with no work", attempt=name)
                )
            )
    return problems


def _placeholder_problem(item: Item, name: str) -> Problem:
    return _problem(
        item,
        "prompt",
        lazy("placeholder {{{name}}} is not a parameter of {generator}", name=name, generator=repr(item.generator)),
    )


def _check_batch(items: list[Item]) -> list[Problem]:
    out: list[Problem] = []
    for item in items:
        out.extend(check_item(item))
    return out


def check_keys(
    items: Sequence[Item], *, jobs: int | None = None, progress: Callable[[int], None] | None = None
) -> list[Problem]:
    """Deep-check every item's key, spread over `jobs` processes (default: the cores)."""
    todo = [i for i in items if i.kind in ("formula", "derivation") or (i.kind == "numeric" and i.generator)]
    jobs = jobs or os.cpu_count() or 1
    # Items are sent to the workers without their file name resolved (they are plain values).
    chunks = [todo[n :: jobs * 4] for n in range(jobs * 4)]
    chunks = [c for c in chunks if c]
    problems: list[Problem] = []
    if jobs == 1 or len(todo) < 8:
        for item in todo:
            problems.extend(check_item(item))
            if progress:
                progress(1)
        return problems
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for chunk, result in zip(chunks, pool.map(_check_batch, chunks), strict=True):
            problems.extend(result)
            if progress:
                progress(len(chunk))
    order = {item.id: n for n, item in enumerate(items)}
    return sorted(problems, key=lambda p: order.get(p.item, 0))


__all__ = [
    "ALLOWED_SIMILAR",
    "DUPLICATE_THRESHOLD",
    "MIN_ITEMS_PER_TOPIC",
    "MIN_SHORT_FORMS",
    "PRECISION_EN",
    "SAME_KEY_THRESHOLD",
    "check_item",
    "check_keys",
    "content_problems",
    "count_sentences",
    "coverage",
    "coverage_problems",
    "duplicate_problems",
    "jaccard",
    "near_duplicates",
    "normalise_prompt",
    "precision_zh",
    "prompt_shingles",
    "same_key",
]
