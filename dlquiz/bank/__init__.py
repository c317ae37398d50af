"""The question bank: items read from TOML files, validated against the syllabus.

from dlquiz.bank import load_bank
bank = load_bank()                 # the shipped bank
bank.get("act.sigmoid.derivative")
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dlquiz.bank.load import Problem, default_root, format_problems, read_bank
from dlquiz.bank.model import KIND_LETTER, KINDS, Item, Milestone, Mistake, Order, Text
from dlquiz.bank.syllabus import Chapter, Syllabus, Topic, load_syllabus
from dlquiz.errors import BankError, UsageError
from dlquiz.i18n import lazy

__all__ = [
    "Bank",
    "Chapter",
    "Item",
    "Milestone",
    "Mistake",
    "Order",
    "Problem",
    "Syllabus",
    "Text",
    "Topic",
    "close_ids",
    "default_root",
    "load_bank",
    "load_syllabus",
    "read_bank",
]


@dataclass(frozen=True)
class Bank:
    """All items of a bank, with the syllabus they belong to."""

    items: tuple[Item, ...]
    syllabus: Syllabus
    root: Path

    def get(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)

    def close_ids(self, item_id: str, n: int = 5) -> list[str]:
        """Ids of this bank close to `item_id`, to suggest for a mistyped one (see `close_ids`)."""
        return close_ids(item_id, [i.id for i in self.items], n)

    def select(
        self, *, topics: Sequence[str] = (), kinds: Sequence[str] = (), chapters: Iterable[int] = ()
    ) -> list[Item]:
        """Items matching every filter; topics match by prefix (`act.` or `conv`).

        Raises UsageError naming a topic prefix or kind that matches nothing.
        """
        topic_ids = [t.id for t in self.syllabus.topics]
        for prefix in topics:
            if not any(t.startswith(prefix) for t in topic_ids):
                close = [t for t in topic_ids if prefix.split(".")[0] in t][:5]
                if close:
                    raise UsageError(
                        lazy(
                            "--topic {prefix}: no syllabus topic starts with it; did you mean {close}?",
                            prefix=repr(prefix),
                            close=", ".join(close),
                        )
                    )
                raise UsageError(
                    lazy(
                        "--topic {prefix}: no syllabus topic starts with it; `dlquiz topics` lists them",
                        prefix=repr(prefix),
                    )
                )
        expanded = _expand_kinds(kinds)
        chapter_set = set(chapters)
        return [
            i
            for i in self.items
            if (not topics or any(i.topic.startswith(p) for p in topics))
            and (not expanded or i.kind in expanded)
            and (not chapter_set or i.chapter in chapter_set)
        ]


# how alike (difflib's ratio) a suggested id must be: in the parts after the dotted prefix it shares with the
# id asked for, and, where no id shares even the first part, over the whole id (a typo in the first part)
CLOSE_AFTER_PREFIX = 0.6
CLOSE_ANYWHERE = 0.85


def close_ids(wanted: str, ids: Sequence[str], n: int = 5) -> list[str]:
    """The ids of `ids` that `wanted` (an id that does not exist) most likely meant, best first, at most `n`;
    none when nothing is close.

    Ids are dotted (`act.relu.eval`: topic `act.relu`). A suggestion shares the longest dotted prefix any id
    shares with `wanted` (the same topic, else the same area), and what follows that prefix is alike
    (`CLOSE_AFTER_PREFIX`) or, within a topic, begins the other's (`act.relu` names the topic's items,
    `softmax.def.pmax` finds `softmax.def.pmax-fixed`, `act.relu.eval.x` finds `act.relu.eval`). Where no id
    shares the first part, an id alike as a whole (`CLOSE_ANYWHERE`: a typo such as `atc.relu.eval`)."""
    import difflib

    key = wanted.strip().strip(".").lower()
    parts = key.split(".")

    def shared(other: str) -> int:
        count = 0
        for a, b in zip(parts, other.split("."), strict=False):
            if a != b:
                break
            count += 1
        return count

    depth = max((shared(i) for i in ids), default=0)
    if depth == 0:
        return difflib.get_close_matches(key, list(ids), n=n, cutoff=CLOSE_ANYWHERE)
    rest = ".".join(parts[depth:])
    scored = []
    for k, other in enumerate(ids):
        if shared(other) != depth:
            continue
        tail = ".".join(other.split(".")[depth:])
        score = difflib.SequenceMatcher(None, rest, tail).ratio()
        if depth >= 2 and (tail.startswith(rest) or rest.startswith(tail)):
            score = max(score, CLOSE_AFTER_PREFIX)  # within a topic, one id begins the other
        if score >= CLOSE_AFTER_PREFIX:
            scored.append((-score, k, other))
    return [other for _, _, other in sorted(scored)[:n]]


def _expand_kinds(kinds: Sequence[str]) -> set[str]:
    """Kinds by name (`formula`) or syllabus letter (`C`, `concept`, `E`)."""
    aliases = {"concept": "C", "c": "C", "f": "F", "n": "N", "d": "D", "e": "E"}
    out: set[str] = set()
    for k in kinds:
        letter = aliases.get(k.lower(), k)
        if k in KINDS:
            out.add(k)
        elif letter in KIND_LETTER.values():
            out.update(name for name, lt in KIND_LETTER.items() if lt == letter)
        else:
            raise UsageError(
                lazy(
                    "--kind {kind}: unknown kind (expected one of: {kinds}, or C, F, N, D, E)",
                    kind=repr(k),
                    kinds=", ".join(KINDS),
                )
            )
    return out


def load_bank(root: Path | str | None = None) -> Bank:
    """Load and validate a bank (default: the one shipped with dlquiz).

    Raises:
        BankError: listing every problem (file:line, item id, field) if any file is invalid.
    """
    path = Path(root) if root is not None else default_root()
    items, problems = read_bank(path)
    if problems:
        shown = format_problems(problems[:20])
        if len(problems) > 20:
            raise BankError(
                lazy(
                    "the question bank has {n} problem(s):\n{shown}\n... and {more} more\n"
                    "(`dlquiz bank check` lists them all)",
                    n=len(problems),
                    shown=shown,
                    more=len(problems) - 20,
                )
            )
        raise BankError(
            lazy(
                "the question bank has {n} problem(s):\n{shown}\n(`dlquiz bank check` lists them all)",
                n=len(problems),
                shown=shown,
            )
        )
    return Bank(tuple(items), load_syllabus(), path)
