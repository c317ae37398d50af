"""Near-duplicate prompts in the bank: two items of the same kind that ask the same thing."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from dlquiz.bank.content import _CJK, _problem
from dlquiz.bank.load import Problem
from dlquiz.bank.model import Item
from dlquiz.i18n import lazy

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


def near_duplicates(items: Sequence[Item], threshold: float = DUPLICATE_THRESHOLD) -> list[tuple[Item, Item, float]]:
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
            for b in group[n + 1 :]:
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
        message = (
            lazy(
                "asks the same as {id} ({place}; the same key and prompt similarity {score:.2f}): "
                "merge the two or make one test something else",
                id=a.id,
                place=a.where,
                score=score,
            )
            if score < threshold
            else lazy(
                "asks the same as {id} ({place}; prompt similarity {score:.2f}): "
                "merge the two or make one test something else",
                id=a.id,
                place=a.where,
                score=score,
            )
        )
        problems.append(_problem(b, "prompt", message))
    return problems
