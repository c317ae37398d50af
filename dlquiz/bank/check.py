"""Deep checks of the bank: keys proved by the symbolic engine and recomputed by the runtime.

- formula: the key is equivalent to its `canonical` form; every listed mistake is NOT equivalent;
- numeric with a generator: with fixed params, the generator computes the stated answer; with
  random params, the generator runs and has the asked value;
- derivation: the model solution passes the derivation checker.
- coverage: every syllabus topic has at least 4 items and one item of each kind letter it needs.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

from dlquiz.bank.load import Problem
from dlquiz.bank.model import KIND_LETTER, Item
from dlquiz.bank.syllabus import Syllabus
from dlquiz.errors import DlquizError

MIN_ITEMS_PER_TOPIC = 4
# generous per check: a key proved in 50 ms on a quiet machine must not turn "undecided" on a busy one
KEY_TIMEOUT = 10.0


def coverage(items: Sequence[Item], syllabus: Syllabus) -> dict[str, dict[str, int]]:
    """{topic id: {kind: count}} over every syllabus topic, zeros included."""
    from dlquiz.bank.model import KINDS

    table = {t.id: dict.fromkeys(KINDS, 0) for t in syllabus.topics}
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
            problems.append(Problem("syllabus", 0, "", topic.id,
                                    f"only {total} item(s), needs at least {MIN_ITEMS_PER_TOPIC}"))
        if missing:
            problems.append(Problem("syllabus", 0, "", topic.id,
                                    f"no item of kind {', '.join(missing)} (needs {', '.join(topic.kinds)})"))
    return problems


def _problem(item: Item, field: str, message: str) -> Problem:
    return Problem(item.file, item.line, item.id, field, message)


MIN_SHORT_FORMS = 3
# how a prompt states the precision it grades
PRECISION_EN = re.compile(r"\b(\d+|one|two|three|four|five|six)\s+(decimal|significant)", re.IGNORECASE)
PRECISION_ZH = re.compile(r"(\d+|一|两|二|三|四|五|六)\s*位(小数|有效数字)")
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
                    problems.append(_problem(item, "answer", f"only {len(forms)} accepted {lang} form(s), needs at "
                                             f"least {MIN_SHORT_FORMS}: add the textbook's term, synonyms, the "
                                             "abbreviation, the full term"))
        elif item.kind == "numeric":
            problems.extend(_precision_problems(item))
            if item.answer is not None:
                from dlquiz.quiz.grade import numbers_match

                for n, m in enumerate(item.mistakes, 1):
                    if isinstance(m.answer, int | float) and numbers_match(float(item.answer), float(m.answer), item):
                        problems.append(_problem(item, f"mistakes[{n}].answer", f"{m.answer} is within the tolerance "
                                                 "of the key: it would be marked right (ask for more digits)"))
        elif item.kind == "explain" and item.model_answer is not None:
            for lang in ("en", "zh"):
                text = item.model_answer(lang)
                n = count_sentences(text)
                if not 3 <= n <= 6:
                    problems.append(_problem(item, f"model_answer.{lang}", f"{n} sentence(s); write 3 to 6"))
        elif item.kind == "derivation":
            for name in _undefined_prompt_names(item):
                problems.append(_problem(item, "given", f"the prompt defines {name} but no given does: a derivation "
                                                        f"written with {name} would be checked without its meaning"))
        elif item.kind == "ordering":
            orders = {o.answer for o in item.orders} or {item.answer}
            for n, m in enumerate(item.mistakes, 1):
                if tuple(m.answer) in orders:
                    problems.append(_problem(item, f"mistakes[{n}].answer", "is an accepted order, not a mistake"))
    return problems


# --- near-duplicate prompts -------------------------------------------------------------------------
# Two items of the same kind whose prompts mean the same thing. A prompt is normalised (NFKC, so
# o₁ becomes the name o1; lower case; placeholders and numbers become '#'; punctuation dropped) and
# cut into shingles: English into words and names, Chinese into character bigrams. Two prompts are
# near-duplicates when the Jaccard index of their shingle sets reaches the threshold in BOTH
# languages. A template asked with other numbers is then a duplicate (ELU(−1) and ELU({x})), while
# a different ask is not: numeric items with different generator values asked are never compared,
# nor two prompts that name different indexed quantities (∂l/∂o₁ vs ∂l/∂o₂, h_3 vs h_t). A
# spot-the-error item (tag "erratum") is not compared with the plain item it mirrors.
DUPLICATE_THRESHOLD = 0.85
# two items with the same key (formula, derivation goal, fixed number, a shared short form) ask the same
# thing in other words at a lower overlap; the same key alone is no duplicate (softmax(o)₂ is also ∂l/∂o₂)
SAME_KEY_THRESHOLD = 0.45
# pairs of ids deliberately similar, each with the reason (kept short: rewrite rather than allow)
ALLOWED_SIMILAR: dict[frozenset[str], str] = {}
_PLACEHOLDER = re.compile(r"\{[A-Za-z_]\w*\}")  # a parameter of the generator, {x}
_NUMBER = re.compile(r"(?<![a-z_\d])[-−]?\d+(?:[.,]\d+)?")
_INDEXED_NAME = re.compile(r"[a-z]+\d+$")
_SHINGLE = re.compile(r"[a-z_#][a-z0-9_#'′]*|[\u3400-\u9fff]|[^\s\w,.;:!?()\[\]{}'\"“”‘’、，。；：！？（）《》]")


def normalise_prompt(text: str) -> str:
    """A prompt as the duplicate check compares it: NFKC, lower case, placeholders and numbers as '#'."""
    import unicodedata

    text = _PLACEHOLDER.sub(" # ", unicodedata.normalize("NFKC", text))
    return _NUMBER.sub(" # ", text.lower().replace("_", ""))  # h_2 and h₂ are one name: h2


def prompt_shingles(text: str) -> frozenset[str]:
    """Words and names of an English prompt; character bigrams of a Chinese one."""
    tokens = _SHINGLE.findall(normalise_prompt(text))
    if sum(1 for t in tokens if _CJK.match(t)) * 2 > len(tokens):
        return frozenset(a + b for a, b in zip(tokens, tokens[1:], strict=False)) or frozenset(tokens)
    return frozenset(tokens)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def _asked(item: Item) -> tuple[str | None, tuple[str, ...]]:
    """What a generator-backed numeric item asks: its generator and the value(s) asked."""
    return item.generator, tuple(p.ask for p in item.parts) or (item.ask,)


def _flat(text: object) -> str:
    return re.sub(r"\s+", "", str(text)).lower()


def same_key(a: Item, b: Item) -> bool:
    """Whether two items of one kind expect the same answer: the same formula or derivation goal,
    the same fixed number (of the same generator value, if any), or a shared accepted short form."""
    if a.kind != b.kind:
        return False
    if a.kind == "formula":
        return _flat(a.answer) == _flat(b.answer)
    if a.kind == "derivation":
        return a.goal is not None and _flat(a.goal) == _flat(b.goal)
    if a.kind == "numeric":
        if a.answer is None or b.answer is None or (a.generator or b.generator) and _asked(a) != _asked(b):
            return False
        return math.isclose(float(a.answer), float(b.answer), rel_tol=1e-9, abs_tol=1e-12)
    if a.kind == "short":
        return bool({str(x).casefold() for x in a.answer} & {str(x).casefold() for x in b.answer})
    return False


def near_duplicates(items: Sequence[Item], threshold: float = DUPLICATE_THRESHOLD
                    ) -> list[tuple[Item, Item, float]]:
    """Pairs of items of the same kind whose prompts are near-duplicates in both languages, with
    their similarity (the smaller of the two languages' Jaccard indices); items with the same key
    need only SAME_KEY_THRESHOLD."""
    low = min(threshold, SAME_KEY_THRESHOLD)
    shingles = {id(i): (prompt_shingles(i.prompt.en), prompt_shingles(i.prompt.zh)) for i in items}
    by_kind: dict[str, list[Item]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    pairs = []
    for group in by_kind.values():
        for n, a in enumerate(group):
            en_a, zh_a = shingles[id(a)]
            for b in group[n + 1:]:
                if ("erratum" in a.tags) != ("erratum" in b.tags):
                    continue  # a spot-the-error item and the plain item it mirrors
                if a.generator and b.generator and _asked(a) != _asked(b):
                    continue  # the same template asking another value
                en_b, zh_b = shingles[id(b)]
                if any(_INDEXED_NAME.match(t) for t in en_a ^ en_b):
                    continue  # they ask about different quantities (o1 and o2)
                score = jaccard(en_a, en_b)
                if score >= low:
                    score = min(score, jaccard(zh_a, zh_b))
                    if score >= threshold or score >= low and same_key(a, b):
                        pairs.append((a, b, score))
    return pairs


def duplicate_problems(items: Sequence[Item], threshold: float = DUPLICATE_THRESHOLD) -> list[Problem]:
    """One problem per near-duplicate pair not in ALLOWED_SIMILAR, reported on the later item."""
    problems = []
    for a, b, score in near_duplicates(items, threshold):
        if frozenset((a.id, b.id)) in ALLOWED_SIMILAR:
            continue
        why = "the same key and " if score < threshold else ""
        problems.append(_problem(b, "prompt", f"asks the same as {a.id} ({a.where}; {why}prompt similarity "
                                              f"{score:.2f}): merge the two or make one test something else"))
    return problems


_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉ₜ", "0123456789t")
# `a = σ(wx + b)`, `L = −[…]`, `v̂_2 = …` in a prompt: a name defined as an expression
_PROMPT_DEFINITION = re.compile(
    r"(?<![\w′'/∂])([A-Za-zσθβ](?:\u0302)?(?:_?\{?[0-9tk]\}?|[₀-₉ₜ])?)\s*=\s*(?=([^=,;.。，；]+))")


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
        out.append(_problem(item, "decimals", "the answer is not a whole number: state the precision it is graded "
                                              "with (decimals = 3 or sig_figs = 4) and say it in the prompt"))
        return out
    if not PRECISION_EN.search(item.prompt.en):
        out.append(_problem(item, "prompt.en", "does not state the precision (e.g. 'to 3 decimal places')"))
    if not PRECISION_ZH.search(item.prompt.zh):
        out.append(_problem(item, "prompt.zh", "does not state the precision (e.g. '保留 3 位小数')"))
    return out


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
        return [_problem(item, "answer", str(exc))]
    except Exception as exc:  # a checker bug must not hide the rest of the report
        return [_problem(item, "answer", f"internal error while checking: {type(exc).__name__}: {exc}")]
    return []


def _verdict(result: object) -> str:
    verdict = getattr(result, "verdict", "")
    return str(getattr(verdict, "value", verdict))


def _check_formula(item: Item) -> list[Problem]:
    from dlquiz.symbolic import check_equivalence, parse_math

    problems = []
    key = str(item.answer)
    for field, text in (("answer", key), ("canonical", item.canonical)):
        if text is None:
            continue
        try:
            parse_math(text, let=item.let)
        except DlquizError as exc:
            problems.append(_problem(item, field, f"cannot parse {text!r}: {exc}"))
    if problems:
        return problems
    if item.require or item.forbid:
        from dlquiz.symbolic.milestones import names_used

        used = names_used(key, let=item.let)
        for name in item.require:
            if name.lower() not in used:
                problems.append(_problem(item, "require", f"the key {key!r} does not use {name!r} itself"))
        for name in item.forbid:
            if name.lower() in used:
                problems.append(_problem(item, "forbid", f"the key {key!r} uses {name!r}, which the item forbids"))
    if item.canonical is not None:
        result = check_equivalence(expected=item.canonical, given=key, assumptions=item.assume,
                                   let=item.let, timeout=KEY_TIMEOUT)
        if _verdict(result) != "equal":
            problems.append(_problem(
                item, "canonical",
                f"key {key!r} is not proved equal to canonical {item.canonical!r}: "
                f"{_verdict(result)} {result.message}".strip()))
    for n, mistake in enumerate(item.mistakes, 1):
        result = check_equivalence(expected=key, given=str(mistake.answer), assumptions=item.assume,
                                   let=item.let, timeout=KEY_TIMEOUT)
        verdict = _verdict(result)
        if verdict == "equal":
            problems.append(_problem(item, f"mistakes[{n}]",
                                     f"{mistake.answer!r} is equivalent to the key, not a mistake"))
        elif verdict in ("error", "undecided"):
            problems.append(_problem(item, f"mistakes[{n}]",
                                     f"{mistake.answer!r}: {verdict}: {result.message}"))
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
            return [_problem(item, "ask", str(exc))]
        if not isinstance(value, int | float) or not math.isfinite(float(value)):
            return [_problem(item, "ask", f"value {item.ask!r} is not a finite number: {value!r}")]
        for name in _placeholders(item):
            if name not in example.params:
                problems.append(_problem(item, "prompt", f"placeholder {{{name}}} is not a parameter "
                                                         f"of {item.generator!r}"))
        if (not float(value).is_integer() and item.decimals is None and item.sig_figs is None
                and item.tolerance is None and item.rel_tolerance is None):
            problems.append(_problem(item, "decimals", f"the generator gives {value}, not a whole number: state the "
                                                       "precision (decimals = 3 or sig_figs = 4) and say it in the "
                                                       "prompt"))
        if item.answer is not None:
            from dlquiz.quiz.grade import numbers_match

            if not numbers_match(float(value), float(item.answer), item):
                problems.append(_problem(item, "answer",
                                         f"stated {item.answer} but generator {item.generator!r} "
                                         f"computes {value} with params {item.params}"))
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
                return [_problem(item, f"parts[{n}].ask", f"{part.ask!r} is not a value {item.generator!r} "
                                                          f"produces: {exc}")]
            if not _finite_numbers(value):
                return [_problem(item, f"parts[{n}].ask", f"value {part.ask!r} is not a number, vector or matrix "
                                                          f"of finite numbers: {value!r}")]
            fractional = fractional or any(not float(x).is_integer() for x in _entries(value))
        if seed == 1:
            for name in _placeholders(item):
                if name not in example.params:
                    problems.append(_problem(item, "prompt", f"placeholder {{{name}}} is not a parameter "
                                                             f"of {item.generator!r}"))
    if fractional and item.decimals is None and item.sig_figs is None and item.tolerance is None \
            and item.rel_tolerance is None:
        problems.append(_problem(item, "decimals", "the parts are not whole numbers: state the precision "
                                                   "(decimals = 3 or sig_figs = 4) and say it in the prompt"))
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
        problems.append(_problem(item, "milestones", "missing: name the key intermediate results an examiner "
                                                     "looks for (milestones = [{ form = ..., en = ..., zh = ... }])"))
    for n, message in milestone_problems(given=item.given, start=str(item.start), goal=str(item.goal),
                                         milestones=[m.forms for m in item.milestones]):
        problems.append(_problem(item, f"milestones[{n + 1}]", message))
    lines = [ln for ln in str(item.solution).splitlines() if ln.strip()]
    report = check_item_derivation(given=item.given, start=str(item.start), goal=str(item.goal),
                                   steps=lines, timeout=KEY_TIMEOUT)
    if not report.ok:
        return [*problems, _problem(item, "solution", "model solution does not pass the checker:\n"
                                    + format_report(report))]
    verdict = grade(item, str(item.solution))
    if verdict.status != "correct":
        notes = "; ".join(n.en for n in verdict.notes)
        problems.append(_problem(item, "solution", f"model solution is {verdict.status} in the quiz: "
                                                   f"{verdict.message.splitlines()[0]} {notes}".strip()))
    for name, attempt in (("the goal twice", f"{item.goal}\n{item.goal}"),
                          ("the start then the goal", f"{item.start}\n{item.goal}")):
        if grade(item, attempt).status == "correct":
            problems.append(_problem(item, "milestones", f"{name} passes: the item can be passed with no work"))
    return problems


def _check_batch(items: list[Item]) -> list[Problem]:
    out: list[Problem] = []
    for item in items:
        out.extend(check_item(item))
    return out


def check_keys(items: Sequence[Item], *, jobs: int | None = None,
               progress: Callable[[int], None] | None = None) -> list[Problem]:
    """Deep-check every item's key, spread over `jobs` processes (default: the cores)."""
    todo = [i for i in items if i.kind in ("formula", "derivation")
            or (i.kind == "numeric" and i.generator)]
    jobs = jobs or os.cpu_count() or 1
    # Items are sent to the workers without their file name resolved (they are plain values).
    chunks = [todo[n::jobs * 4] for n in range(jobs * 4)]
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


__all__ = ["check_item", "check_keys", "content_problems", "coverage", "coverage_problems",
           "duplicate_problems", "near_duplicates", "normalise_prompt", "prompt_shingles", "same_key"]
