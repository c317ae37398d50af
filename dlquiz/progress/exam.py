"""The mock exam's paper: a balanced set of items that fits the time (the report afterwards is
`progress.exam_report`)."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from dlquiz.bank.model import KIND_LETTER, Item
from dlquiz.errors import UsageError
from dlquiz.i18n import t as tr

LETTER_ORDER = ("C", "F", "N", "D", "E")  # concepts first, derivations and explain-why last
LETTER_NAMES = {"C": "concept", "F": "formula", "N": "numeric", "D": "derivation", "E": "explain"}
DEFAULT_MINUTES = 60.0
# target share of each kind in a paper (renormalised over the kinds the chapters have); explain-why
# answers are written during the exam and graded by the student against the key points after it
KIND_SHARE = {"C": 0.35, "F": 0.2, "N": 0.25, "D": 0.1, "E": 0.1}


@dataclass(frozen=True)
class Paper:
    """The items of one mock exam, in the order asked, and its time limit."""

    items: tuple[Item, ...]
    minutes: float
    seed: int
    chapters: tuple[int, ...] = ()

    @property
    def planned_seconds(self) -> int:
        """Sum of the items' estimated times."""
        return sum(i.time for i in self.items)


def _by_difficulty(items: list[Item]) -> list[Item]:
    """Interleave difficulties (1, 2, 3, 1, 2, 3, …) keeping each level's order."""
    levels: dict[int, list[Item]] = {}
    for item in items:
        levels.setdefault(item.difficulty, []).append(item)
    out: list[Item] = []
    queues = [levels[d] for d in sorted(levels)]
    while any(queues):
        for q in queues:
            if q:
                out.append(q.pop(0))
    return out


def assemble_paper(
    items: Sequence[Item],
    *,
    seed: int,
    minutes: float | None = None,
    n: int | None = None,
    chapters: Sequence[int] = (),
    lang: str = "en",
) -> Paper:
    """Choose a balanced paper; the same seed and bank give the same paper (see `_assemble`).
    Errors are worded in `lang`.

    With both `n` and `minutes`, when the balanced choice leaves fewer than `n` questions, the
    paper is chosen again with the longest items left out (the longest cut first, derivations kept
    where they fit, as always), as long as the paper keeps its derivation and, from 10 questions
    on, every kind it had; `shortfall` explains any questions still missing.
    """
    paper = _assemble(items, seed=seed, minutes=minutes, n=n, chapters=chapters, lang=lang)
    if n is None or minutes is None or len(paper.items) >= n:
        return paper
    best = paper
    for cut in sorted({i.time for i in items if i.kind != "derivation"}, reverse=True)[1:]:
        pool = [i for i in items if i.time <= cut or i.kind == "derivation"]
        try:
            again = _assemble(pool, seed=seed, minutes=minutes, n=n, chapters=chapters, check_chapters=False, lang=lang)
        except UsageError:
            continue
        if len(again.items) > len(best.items) and _keeps_balance(paper, again):
            best = again
            if len(best.items) >= n:
                break
    return best


def _keeps_balance(first: Paper, second: Paper) -> bool:
    """The second paper keeps the first's derivation and, from 10 questions on, each of its kinds."""
    kinds = {KIND_LETTER[i.kind] for i in second.items}
    had = {KIND_LETTER[i.kind] for i in first.items}
    if "D" in had and "D" not in kinds:
        return False
    return len(second.items) < 10 or had <= kinds


def shortfall(items: Sequence[Item], paper: Paper, n: int, chapters: Sequence[int] = (), lang: str = "en") -> str:
    """Why a paper has fewer than `n` questions, and what would fit, in `lang`."""
    pool = sorted(i.time for i in items if not chapters or i.chapter in chapters)
    have = len(paper.items)
    minutes = paper.minutes
    if len(pool) < n:
        return tr(
            "Only {have} of {n} questions: the chosen chapters have {pool} items in all.",
            lang,
            have=have,
            n=n,
            pool=len(pool),
        )
    need = math.ceil(sum(pool[:n]) / 60)
    fit = 0
    used = 0
    for t in pool:
        if used + t > minutes * 60:
            break
        used += t
        fit += 1
    return tr(
        "Only {have} of {n} questions fit in {minutes:g} minutes: by the bank's estimates even the {n} "
        "quickest items take {need} min. "
        "What fits: --n {fit} --minutes {minutes:g}, or --n {n} --minutes {need}.",
        lang,
        have=have,
        n=n,
        minutes=minutes,
        need=need,
        fit=max(fit, 1),
    )


def _assemble(
    items: Sequence[Item],
    *,
    seed: int,
    minutes: float | None = None,
    n: int | None = None,
    chapters: Sequence[int] = (),
    check_chapters: bool = True,
    lang: str = "en",
) -> Paper:
    """Choose a balanced paper; the same seed and bank give the same paper.

    Items are grouped by (chapter, kind letter); each group is shuffled by the seed. One
    derivation is taken first when the chapters have one that takes at most a third of the time.
    Then, one item at a time: the kind furthest below its share of the paper (`KIND_SHARE`:
    35 % concepts, 20 % formulas,
    25 % numeric, 10 % derivations, 10 % explain-why), from the chapter with the fewest items so far, at the
    difficulty with the fewest items so far. An item is taken only if it still fits the time
    budget (estimated times summing to at most `minutes`). This stops at `n` items or when
    nothing is left. The paper is asked concepts first, then formulas, numeric items,
    derivations and explain-why items.

    Args:
        items: the bank's items.
        seed: fixes the choice.
        minutes: the time budget (None with `n`: the paper's estimated time; neither: 60).
        n: the number of items (None: as many as fit).
        chapters: only these chapters (empty: all).

    Raises:
        UsageError: a bad count, time or chapter, or nothing fits.
    """
    if n is not None and n < 1:
        raise UsageError(tr("--n must be at least 1, got {n}", lang, n=n))
    if minutes is not None and not (0 < minutes <= 24 * 60):
        raise UsageError(
            tr("--minutes must be a positive number of minutes up to 1440, got {minutes}", lang, minutes=minutes)
        )
    present = sorted({i.chapter for i in items})
    for c in chapters:
        if check_chapters and c not in present:
            raise UsageError(
                tr(
                    "--chapters: chapter {chapter} has no items (chapters with items: {present})",
                    lang,
                    chapter=c,
                    present=", ".join(map(str, present)),
                )
            )
    pool = sorted((i for i in items if not chapters or i.chapter in chapters), key=lambda i: i.id)
    if not pool:
        raise UsageError(tr("no item to build an exam from", lang))
    if minutes is None and n is None:
        minutes = DEFAULT_MINUTES
    budget = math.inf if minutes is None else minutes * 60
    rng = random.Random(seed)
    groups: dict[tuple[int, str], list[Item]] = {}
    for item in pool:
        groups.setdefault((item.chapter, KIND_LETTER[item.kind]), []).append(item)
    for key in sorted(groups):
        rng.shuffle(groups[key])
        groups[key] = _by_difficulty(groups[key])
    chosen: list[Item] = []
    used = 0.0

    def take(item: Item) -> bool:
        nonlocal used
        if used + item.time > budget or (n is not None and len(chosen) >= n):
            return False
        chosen.append(item)
        used += item.time
        return True

    derivation_groups = sorted(k for k in groups if k[1] == "D")
    if derivation_groups:
        first = derivation_groups[rng.randrange(len(derivation_groups))]
        for item in list(groups[first]):
            # a derivation only where it leaves room for the rest: at most a third of the time
            if item.time <= budget / 3 and take(item):
                groups[first].remove(item)
                break
    chapter_rank = {c: k for k, c in enumerate(rng.sample(sorted({c for c, _ in groups}), len({c for c, _ in groups})))}
    per_kind = {x: 0 for x in LETTER_ORDER}
    per_chapter: dict[int, int] = {}
    per_level: dict[int, int] = {}
    for item in chosen:
        per_level[item.difficulty] = per_level.get(item.difficulty, 0) + 1
        per_kind[KIND_LETTER[item.kind]] += 1
        per_chapter[item.chapter] = per_chapter.get(item.chapter, 0) + 1
    while n is None or len(chosen) < n:
        open_kinds = [x for x in LETTER_ORDER if any(groups[k] for k in groups if k[1] == x)]
        if not open_kinds:
            break
        total = sum(KIND_SHARE[x] for x in open_kinds)
        step = sum(per_kind.values()) + 1
        # the kind furthest below its share of the paper so far
        letter = max(open_kinds, key=lambda x: (KIND_SHARE[x] / total * step - per_kind[x], -LETTER_ORDER.index(x)))
        # the chapter least represented so far that still has that kind
        chapter = min(
            (c for (c, x), g in groups.items() if x == letter and g),
            key=lambda c: (per_chapter.get(c, 0), chapter_rank[c]),
        )
        group = groups[(chapter, letter)]
        # the difficulty least represented so far (ties: the shuffled order)
        item = min(group, key=lambda i: (per_level.get(i.difficulty, 0), group.index(i)))
        group.remove(item)
        if take(item):
            per_level[item.difficulty] = per_level.get(item.difficulty, 0) + 1
            per_kind[letter] += 1
            per_chapter[chapter] = per_chapter.get(chapter, 0) + 1
    if not chosen:
        raise UsageError(
            tr(
                "no item fits in {minutes:g} minutes (the shortest takes {shortest:.1f} min); give more --minutes",
                lang,
                minutes=minutes,
                shortest=min(i.time for i in pool) / 60,
            )
        )
    rank = {x: k for k, x in enumerate(LETTER_ORDER)}
    position = {item.id: k for k, item in enumerate(chosen)}
    ordered = sorted(chosen, key=lambda i: (rank[KIND_LETTER[i.kind]], i.chapter, position[i.id]))
    if minutes is None:
        minutes = float(math.ceil(used / 60))
    return Paper(tuple(ordered), float(minutes), seed, tuple(sorted(set(chapters))))
