"""The verdict on one typed answer: `Status` and `Grade`, shared by every kind's grader."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from dlquiz.bank.model import Item
from dlquiz.i18n import Lazy, Text


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


def _text(message: Lazy) -> Text:
    """A message of ours in both languages (for the notes and labels a Grade carries as Text)."""
    return Text(message.text("en"), message.text("zh"))


def _mistake(item: Item, matches: Any) -> Text | None:
    return next((m.message for m in item.mistakes if matches(m.answer)), None)
