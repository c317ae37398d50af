"""Items of the question bank: immutable values read from the TOML files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from dlquiz.i18n import Text as Text  # re-exported: an item holds its texts as Text

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")

Kind = Literal["single", "multi", "truefalse", "short", "ordering", "numeric", "formula", "derivation", "explain"]
KINDS: tuple[str, ...] = (
    "single",
    "multi",
    "truefalse",
    "short",
    "ordering",
    "numeric",
    "formula",
    "derivation",
    "explain",
)
# syllabus letter of each kind: C concept, F formula, N numeric, D derivation, E explain-why
KIND_LETTER: dict[str, str] = {
    "single": "C",
    "multi": "C",
    "truefalse": "C",
    "short": "C",
    "ordering": "C",
    "formula": "F",
    "numeric": "N",
    "derivation": "D",
    "explain": "E",
}
DEFAULT_TIME: dict[str, int] = {"C": 45, "F": 90, "N": 120, "D": 300, "E": 240}

SOURCES: tuple[str, ...] = (
    "000_ffe98cf169f07fd8",
    "001_5341a1bc78b11cf8",
    "002_84c513d9e61824c6",
    "003_af4b22134ec6ff82",
    "004_96e5ea7d078c6618",
)


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer and the message that explains it."""

    answer: Any
    message: Text


@dataclass(frozen=True)
class Milestone:
    """A key intermediate result of a derivation: alternative forms, and what it is."""

    forms: tuple[str, ...]
    text: Text


@dataclass(frozen=True)
class Part:
    """One value a multi-part numeric item asks, in turn: a name of its generator's values
    (or an entry, `Z1[0,1]`) and how the question words it (None: the name itself)."""

    ask: str
    label: Text | None = None

    def text(self, lang: str) -> str:
        return self.label(lang) if self.label is not None else self.ask


@dataclass(frozen=True)
class Order:
    """One defensible order of an ordering item and the convention it follows."""

    answer: tuple[str, ...]
    note: Text | None = None


@dataclass(frozen=True)
class Item:
    """One question of the bank.

    `answer` holds the key in the kind's own form: a letter (single), a tuple of letters
    (multi, ordering), a bool (truefalse), a float or None (numeric; None when a generator is
    the key), a formula string (formula), a tuple of accepted strings (short), None (derivation,
    explain).
    """

    id: str
    topic: str
    kind: str
    difficulty: int
    source: str
    prompt: Text
    explanation: Text
    answer: Any
    file: str = ""
    line: int = 0
    chapter: int = 0
    time: int = 60
    tags: tuple[str, ...] = ()
    hints: tuple[Text, ...] = ()
    mistakes: tuple[Mistake, ...] = ()
    choices: tuple[Text, ...] = ()
    shuffle: bool = True  # show choices in a seeded random order (false: as written)
    # numeric
    tolerance: float | None = None
    rel_tolerance: float | None = None
    unit: Text | None = None
    generator: str | None = None
    ask: str = "answer"
    params: dict[str, Any] = field(default_factory=dict)
    decimals: int | None = None  # precision the prompt asks: digits after the point
    sig_figs: int | None = None  # ... or significant figures
    parts: tuple[Part, ...] = ()  # multi-part: the generator's values asked in turn (each graded alike)
    # ordering: every defensible order (the first is `answer`), each with its convention
    orders: tuple[Order, ...] = ()
    # formula
    canonical: str | None = None
    assume: tuple[str, ...] = ()
    let: dict[str, str] = field(default_factory=dict)
    forbid: tuple[str, ...] = ()  # names the answer may not use (e.g. relu when asked to define ReLU)
    require: tuple[str, ...] = ()  # names the answer must use ("in terms of σ": require sigma, forbid exp)
    constraint: Text | None = None  # the prompt's constraint in words, shown when it is violated
    # derivation
    given: tuple[str, ...] = ()
    start: str | None = None
    goal: str | None = None
    solution: str | None = None
    milestones: tuple[Milestone, ...] = ()
    # explain
    model_answer: Text | None = None
    rubric: tuple[Text, ...] = ()

    @property
    def letter(self) -> str:
        """The syllabus letter of the item's kind (C, F, N, D or E)."""
        return KIND_LETTER[self.kind]

    @property
    def where(self) -> str:
        """`file:line` of the item, for messages."""
        return f"{self.file}:{self.line}" if self.file else self.id

    def __hash__(self) -> int:
        return hash(self.id)
