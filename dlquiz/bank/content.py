"""Content gates of the bank that need no engine: syllabus coverage (every topic has at least 4
items and one item of each kind letter it needs), enough accepted forms for short answers, a stated
precision for numbers (and no listed mistake within the key's tolerance), a model answer of 3-6
sentences for explain items, a prompt's definitions given to a derivation, and no ordering mistake
that is an accepted order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache

from dlquiz.bank.bilingual import listed
from dlquiz.bank.load import Problem
from dlquiz.bank.model import KIND_LETTER, Item
from dlquiz.bank.syllabus import Syllabus
from dlquiz.i18n import N_, lazy, t

MIN_ITEMS_PER_TOPIC = 4


def coverage(items: Sequence[Item], syllabus: Syllabus) -> dict[str, dict[str, int]]:
    """{topic id: {kind: count}} over every syllabus topic, zeros included."""
    from dlquiz.bank.model import KINDS

    table = {topic.id: dict.fromkeys(KINDS, 0) for topic in syllabus.topics}
    for item in items:
        table[item.topic][item.kind] += 1
    return table


def coverage_problems(items: Sequence[Item], syllabus: Syllabus) -> list[Problem]:
    table = coverage(items, syllabus)
    problems = []
    for topic in syllabus.topics:
        counts = table[topic.id]
        total = sum(counts.values())
        letters = {KIND_LETTER[k] for k, n in counts.items() if n}
        missing = [k for k in topic.kinds if k not in letters]
        if total < MIN_ITEMS_PER_TOPIC:
            problems.append(
                Problem(
                    "syllabus",
                    0,
                    "",
                    topic.id,
                    lazy("only {n} item(s), needs at least {least}", n=total, least=MIN_ITEMS_PER_TOPIC),
                )
            )
        if missing:
            problems.append(
                Problem(
                    "syllabus",
                    0,
                    "",
                    topic.id,
                    lazy(
                        "no item of kind {missing} (needs {kinds})", missing=listed(missing), kinds=listed(topic.kinds)
                    ),
                )
            )
    return problems


def _problem(item: Item, field: str, message: str) -> Problem:
    """A problem of `item` (`message` a `lazy` message)."""
    return Problem(item.file, item.line, item.id, field, message)


MIN_SHORT_FORMS = 3
# how a prompt states the precision it grades
PRECISION_EN = re.compile(r"\b(\d+|one|two|three|four|five|six)\s+(decimal|significant)", re.IGNORECASE)
# how the quiz states a precision (catalog messages: their Chinese is in dlquiz/i18n/zh.toml)
PRECISION_MESSAGES = (N_("{n} decimal places"), N_("{n} significant figures"))


@cache
def precision_zh() -> re.Pattern[str]:
    """How a Chinese prompt states its precision: a number (digits, or a Chinese numeral one to six) followed
    by the words that follow it in the quiz's own Chinese for "{n} decimal places" / "{n} significant figures"."""
    numerals = {chr(c) for c in range(0x4E00, 0xA000) if unicodedata.numeric(chr(c), 0) in (1, 2, 3, 4, 5, 6)}
    numerals.add("\N{CJK UNIFIED IDEOGRAPH-4E24}")  # liang, the "two" said before a measure word
    tails = [t(m, "zh").split("{n}")[-1].strip() for m in PRECISION_MESSAGES]
    return re.compile(rf"(\d+|[{''.join(sorted(numerals))}])\s*({'|'.join(map(re.escape, tails))})")


_CJK = re.compile(r"[\u3400-\u9fff]")


# a sentence ends at 。！？, or at . ! ? before a space or the end -- not inside 0.5, nor after e.g./i.e./etc./vs.
_SENTENCE_END = re.compile(r"[。！？]+|(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)[.!?]+(?=\s|$)")


def count_sentences(text: str) -> int:
    """How many sentences `text` has (for the 3-6 sentences of an explain item's model answer)."""
    return len([s for s in _SENTENCE_END.split(text) if s.strip()])


def content_problems(items: Sequence[Item]) -> list[Problem]:
    """Quality gates that need no engine: enough accepted forms for short answers, a stated
    precision for numbers, explain items with a model answer of 3-6 sentences."""
    problems: list[Problem] = []
    for item in items:
        if item.kind == "short":
            zh = [a for a in item.answer if _CJK.search(a)]
            en = [a for a in item.answer if not _CJK.search(a)]
            for lang, forms in (("en", en), ("zh", zh)):
                if len(forms) < MIN_SHORT_FORMS:
                    problems.append(
                        _problem(
                            item,
                            "answer",
                            lazy(
                                "only {n} accepted {lang} form(s), needs at least {least}: add the textbook's "
                                "term, synonyms, the abbreviation, the full term",
                                n=len(forms),
                                lang=lang,
                                least=MIN_SHORT_FORMS,
                            ),
                        )
                    )
        elif item.kind == "numeric":
            problems.extend(_precision_problems(item))
            if item.answer is not None:
                from dlquiz.quiz.grade import numbers_match

                for n, m in enumerate(item.mistakes, 1):
                    if isinstance(m.answer, int | float) and numbers_match(float(item.answer), float(m.answer), item):
                        problems.append(
                            _problem(
                                item,
                                f"mistakes[{n}].answer",
                                lazy(
                                    "{answer} is within the tolerance of the key: it would be marked right "
                                    "(ask for more digits)",
                                    answer=m.answer,
                                ),
                            )
                        )
        elif item.kind == "explain" and item.model_answer is not None:
            for lang in ("en", "zh"):
                text = item.model_answer(lang)
                n = count_sentences(text)
                if not 3 <= n <= 6:
                    problems.append(_problem(item, f"model_answer.{lang}", lazy("{n} sentence(s); write 3 to 6", n=n)))
        elif item.kind == "derivation":
            for name in _undefined_prompt_names(item):
                problems.append(
                    _problem(
                        item,
                        "given",
                        lazy(
                            "the prompt defines {name} but no given does: a derivation written with {name} "
                            "would be checked without its meaning",
                            name=name,
                        ),
                    )
                )
        elif item.kind == "ordering":
            orders = {o.answer for o in item.orders} or {item.answer}
            for n, m in enumerate(item.mistakes, 1):
                if tuple(m.answer) in orders:
                    problems.append(
                        _problem(item, f"mistakes[{n}].answer", lazy("is an accepted order, not a mistake"))
                    )
    return problems


_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉ₜ", "0123456789t")
# `a = σ(wx + b)`, `L = −[…]`, `v̂_2 = …` in a prompt: a name defined as an expression
_PROMPT_DEFINITION = re.compile(
    r"(?<![\w′'/∂])([A-Za-zσθβ](?:\u0302)?(?:_?\{?[0-9tk]\}?|[₀-₉ₜ])?)\s*=\s*(?=([^=,;.。，；]+))"
)


def _plain_name(name: str) -> str:
    return re.sub(r"[_{}\u0302]|hat", "", name.translate(_SUBSCRIPTS))


def _undefined_prompt_names(item: Item) -> list[str]:
    """Names the English prompt defines as an expression that no given defines (`h_t` is covered by
    h_1, h_2, ... and a name set to a number needs no given)."""
    defined = set()
    for g in item.given:
        m = re.match(r"\s*(?:let\s+)?([^=\s]+)\s*(?::=|=)", g)
        if m:
            defined.add(_plain_name(m.group(1)))
    missing = []
    for m in _PROMPT_DEFINITION.finditer(item.prompt.en):
        name, rhs = _plain_name(m.group(1)), m.group(2).strip()
        if not re.search(r"[A-Za-zσθβ]", rhs):
            continue  # a value, such as v_0 = 0
        if name in defined or (name.endswith("t") and any(d[:-1] == name[:-1] and d[-1:].isdigit() for d in defined)):
            continue
        missing.append(m.group(1))
    return sorted(set(missing))


def _precision_problems(item: Item) -> list[Problem]:
    """A numeric item whose key is not a whole number states its precision in the field and in
    both prompts."""
    exact = item.answer is not None and float(item.answer).is_integer()
    if exact and item.decimals is None and item.sig_figs is None:
        return []
    if item.answer is None and item.decimals is None and item.sig_figs is None and item.tolerance == 0:
        return []
    out = []
    if item.decimals is None and item.sig_figs is None:
        if item.generator and item.answer is None:
            return []  # the deep check decides from the generator's values
        out.append(
            _problem(
                item,
                "decimals",
                lazy(
                    "the answer is not a whole number: state the precision it is graded "
                    "with (decimals = 3 or sig_figs = 4) and say it in the prompt"
                ),
            )
        )
        return out
    if not PRECISION_EN.search(item.prompt.en):
        out.append(_problem(item, "prompt.en", lazy("does not state the precision (e.g. 'to 3 decimal places')")))
    if not precision_zh().search(item.prompt.zh):
        example = t(PRECISION_MESSAGES[0], "zh", n=3)
        out.append(
            _problem(item, "prompt.zh", lazy("does not state the precision (e.g. {example})", example=repr(example)))
        )
    return out
