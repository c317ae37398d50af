"""A review session like Anki's: rate over the automatic grade, undo, relearn, live counts, a time box.

It drives the quiz loop (`dlquiz.quiz.runner`) for showing, reading, grading and feedback, and
adds what spaced repetition needs:

* after the feedback the student may override the automatic rating: 1 Again, 2 Hard, 3 Good,
  4 Easy (Enter keeps the automatic one: wrong → Again; right → Good, Hard after a hint or when
  slow, Easy when fast); explain-why items are rated by the points the student ticked;
* `u` (at the rating prompt, or instead of the next answer) undoes the last answer: its row leaves
  the log and its card is recomputed from the reviews left (`Store.undo`), and it is asked again;
* an item rated Again comes back later in the same session (after `RELEARN_GAP` other items, at
  most `RELEARN_MAX` times);
* before each question a line shows what is left, the question shown included: due, (weak,) new,
  learning, and the time left;
* with a time budget the session ends when the time is up (nothing is marked as timed out).
"""

from __future__ import annotations

import time
import unicodedata
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from dlquiz.errors import ProgressError
from dlquiz.i18n import N_, t
from dlquiz.quiz.lineedit import countdown
from dlquiz.quiz.runner import ReadLine, SessionResult, _Loop
from dlquiz.quiz.session import prepare

if TYPE_CHECKING:
    from rich.console import Console

    from dlquiz.bank.model import Item
    from dlquiz.progress.store import Store

RELEARN_GAP = 3
RELEARN_MAX = 3

RATINGS = {1: N_("Again"), 2: N_("Hard"), 3: N_("Good"), 4: N_("Easy")}
RATING_WORDS = {
    "1": 1,
    "2": 2,
    "3": 3,
    "4": 4,
    "a": 1,
    "again": 1,
    "h": 2,
    "hard": 2,
    "g": 3,
    "good": 3,
    "e": 4,
    "easy": 4,
}
UNDO_WORDS = {"u", ":undo", t("undo", "zh")}


class Undo(Exception):
    """The student asked to take back the last answer."""


@dataclass
class Entry:
    item: Item
    kind: str  # "due", "weak", "new" or "learning"
    attempt: int = 0


@dataclass
class Done:
    entry: Entry
    answer_id: int | None
    relearn: Entry | None  # the entry queued to bring it back, if any


class ReviewSession:
    """One review session over `entries`, recording into `store` (None: nothing is saved)."""

    def __init__(
        self,
        entries: Sequence[tuple[Item, str]],
        *,
        store: Store | None,
        lang: str,
        seed: int,
        console: Console,
        read_line: ReadLine,
        rate: bool = True,
        budget_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        relearn: bool = True,
    ) -> None:
        self.relearn = relearn
        self.queue: deque[Entry] = deque(Entry(item, kind) for item, kind in entries)
        self.store = store
        self.lang = lang
        self.seed = seed
        self.console = console
        self.rate = rate
        self.budget_s = budget_s
        self.clock = clock
        self.done: list[Done] = []
        self._ids: list[int] = []
        self._read = read_line
        self.loop = _Loop(
            console, self._read_line, lang, self._record if store is not None else None, True, None, clock, now
        )
        self.started = clock()
        self.ratings: list[int | None] = []  # the final rating of each answer in `result.events`

    # -- helpers ------------------------------------------------------------------------------

    def _record(self, event: object) -> None:
        assert self.store is not None
        self._ids.append(self.store.record(event))  # type: ignore[arg-type]

    def _read_line(self, prompt: str) -> str:
        line = self._read(prompt)
        if line.strip().lower() in UNDO_WORDS and self.done:
            raise Undo
        return line

    def time_left(self) -> float | None:
        if self.budget_s is None:
            return None
        return self.budget_s - (self.clock() - self.started)

    def counts(self, current: Entry | None = None) -> dict[str, int]:
        """What is left, the card being shown (`current`) included, so the first card's line
        agrees with the session's header."""
        out = {"due": 0, "weak": 0, "new": 0, "learning": 0}
        for e in ([current] if current is not None else []) + list(self.queue):
            out[e.kind] += 1
        return out

    def status_line(self, current: Entry | None = None) -> str:
        c = self.counts(current)
        if c["weak"] or any(e.entry.kind == "weak" for e in self.done):
            text = t("due {due} · weak {weak} · new {new} · learning {learning}", self.lang, **c)
        else:
            text = t("due {due} · new {new} · learning {learning}", self.lang, **c)
        left = self.time_left()
        if left is not None:
            text += " · " + countdown(left, self.lang)
        return text

    @property
    def result(self) -> SessionResult:
        return self.loop.result

    # -- the session --------------------------------------------------------------------------

    def run(self) -> SessionResult:
        try:
            while self.queue:
                left = self.time_left()
                if left is not None and left <= 0:
                    self.result.timed_out = True
                    n = len(self.queue)
                    self.console.print(
                        t("[bold yellow]Time is up.[/bold yellow] 1 item left for next time.", self.lang)
                        if n == 1
                        else t("[bold yellow]Time is up.[/bold yellow] {n} items left for next time.", self.lang, n=n)
                    )
                    break
                entry = self.queue.popleft()
                try:
                    self.ask(entry)
                except Undo:
                    self.queue.appendleft(entry)
                    self.undo()
        except ProgressError as exc:
            return self.loop._save_failed(exc)
        except (KeyboardInterrupt, EOFError) as exc:
            self.result.interrupted = isinstance(exc, KeyboardInterrupt)
            self.console.print()
            if isinstance(exc, EOFError):
                left = len(self.queue) + 1  # the one being asked was not answered
                self.console.print(
                    t(
                        "Input ended: {done} answered, {left} left for next time.",
                        self.lang,
                        done=len(self.done),
                        left=left,
                    )
                )
        return self.result

    def ask(self, entry: Entry) -> None:
        from dlquiz.progress.scheduler import rating_for

        number = len(self.done) + 1
        q = prepare(entry.item, number=number, seed=self.seed + entry.attempt)
        self.console.print()
        self.console.print(f"[dim]{self.status_line(entry)}[/dim]")
        self.loop.show(q, len(self.done) + len(self.queue) + 1)
        started = self.clock()
        result, response, grade, hints = self.loop.ask(q)
        before = len(self._ids)
        self.loop.record(q, result, response, started, hints, grade)
        answer_id = self._ids[-1] if len(self._ids) > before else None
        event = self.result.events[-1]
        self.loop.give_feedback(q, result, grade)
        auto = rating_for(event, expected_s=float(entry.item.time))
        final = None if auto is None else int(auto)
        if final is not None and self.rate and entry.item.kind != "explain":
            final = self.ask_rating(final, answer_id)
        self.ratings.append(final)
        relearn = None
        if final == 1 and self.relearn and entry.attempt < RELEARN_MAX:
            relearn = Entry(entry.item, "learning", entry.attempt + 1)
            position = min(RELEARN_GAP, len(self.queue))
            self.queue.insert(position, relearn)
        self.done.append(Done(entry, answer_id, relearn))

    def ask_rating(self, auto: int, answer_id: int | None) -> int:
        """Enter keeps the automatic rating; 1-4 (or a/h/g/e) overrides it; u undoes the answer."""
        name = t(RATINGS[auto], self.lang)
        choices = " ".join(f"{k} {t(RATINGS[k], self.lang)}" for k in RATINGS)
        while True:
            self.console.print(
                f"[dim]{t('{label}: ', self.lang, label=t('Rating', self.lang))}[bold]{name}[/bold] · "
                f"{t('Enter keeps it', self.lang)} · {choices} · "
                f"u {t('undo', self.lang)}[/dim]"
            )
            typed = unicodedata.normalize("NFKC", self._read("> ")).strip().lower()  # ｕ, ３ typed full-width too
            if not typed:
                return auto
            if typed in UNDO_WORDS:
                raise Undo
            rating = RATING_WORDS.get(typed)
            if rating is None:
                self.console.print(t("Type 1, 2, 3 or 4 (or Enter, or u).", self.lang))
                continue
            if rating != auto and answer_id is not None and self.store is not None:
                self.store.rerate(answer_id, rating)
            if rating != auto:
                self.console.print(t("Rated {label}.", self.lang, label=t(RATINGS[rating], self.lang)))
            return rating

    def undo(self) -> None:
        """Take back the last answer (or, if the current one was recorded, that one)."""
        last = self.done[-1] if self.done and len(self.done) == len(self.result.events) else None
        if last is None and len(self.result.events) > len(self.done):
            # the answer just given, before its rating was confirmed
            entry = self.queue.popleft()
            answer_id = self._ids.pop() if self.store is not None else None
            last = Done(entry, answer_id, None)
        elif last is not None:
            self.done.pop()
            if self.store is not None:
                self._ids.pop()
        if last is None:
            return
        if last.answer_id is not None and self.store is not None:
            self.store.undo(last.answer_id)
        if last.relearn is not None and last.relearn in self.queue:
            self.queue.remove(last.relearn)
        self.result.events.pop()
        self.result.questions.pop()
        self.result.grades.pop()
        if len(self.ratings) > len(self.result.events):
            self.ratings.pop()
        self.queue.appendleft(last.entry)
        self.console.print(t("[yellow]Undone:[/yellow] {id}; asked again.", self.lang, id=last.entry.item.id))
