"""The interactive loop of a quiz: show a question, read an answer, give feedback, report.

All terminal I/O goes through a Rich console and a `read_line(prompt)` function, so the same
loop serves a real terminal, piped stdin, the mock exam (no feedback, a deadline) and tests.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from dlquiz.bank.load import LETTERS
from dlquiz.bank.model import Item
from dlquiz.errors import ProgressError
from dlquiz.i18n import N_, t
from dlquiz.quiz.events import AnswerEvent, Result
from dlquiz.quiz.grade import Grade, Status
from dlquiz.quiz.lineedit import countdown
from dlquiz.quiz.session import Question, kind_name, prepare

if TYPE_CHECKING:
    from rich.console import Console

ReadLine = Callable[[str], str]
Recorder = Callable[[AnswerEvent], object]  # what it returns (e.g. the stored answer id) is ignored

INPUT_HELP = {  # what to type, per kind (translated with `t` where it is shown)
    "single": N_("letter"),
    "multi": N_("letters, e.g. ac"),
    "truefalse": N_("t or f"),
    "short": N_("word or phrase"),
    "ordering": N_("letters in order, e.g. cab"),
    "numeric": N_("number; 3/4, 1e-3, 75% work"),
    "formula": N_("formula, e.g. x*(1-x)^2 or LaTeX"),
    "derivation": N_("one step per line, empty line ends"),
    "explain": N_("your answer, empty line ends; or just Enter to think it"),
}


def _asks_hint(typed: str) -> bool:
    """Whether `typed` asks for the hint: "?", also "???" and the full-width "？" of a Chinese input method."""
    return bool(typed) and set(typed) <= {"?", "？"}


@dataclass
class SessionResult:
    """Everything a finished (or interrupted) session produced."""

    events: list[AnswerEvent] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    grades: list[Grade | None] = field(default_factory=list)  # None: skipped or timed out
    interrupted: bool = False
    timed_out: bool = False

    @property
    def score(self) -> tuple[int, int]:
        return sum(e.correct for e in self.events), len(self.events)


def make_reader(
    console: Console, *, deadline: float | None = None, clock: Callable[[], float] = time.monotonic, lang: str = "en"
) -> ReadLine:
    """`read_line` for this process: prompt_toolkit on a terminal (line editing that keeps the
    prompt; with a `deadline`, a countdown redrawn every second), plain lines from a pipe."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        from dlquiz.quiz.lineedit import terminal_reader

        return terminal_reader(console, deadline=deadline, clock=clock, lang=lang, on_time_up=TimeUp)
    if sys.stdin.isatty():
        try:  # line editing and history: ← → to fix a typo, ↑ to recall an earlier line
            import readline  # noqa: F401
        except ImportError:  # pragma: no cover - not on every platform
            pass
        return lambda prompt: console.input(prompt)

    def read_piped(prompt: str) -> str:
        console.print(prompt, end="")
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        line = line.rstrip("\r\n")
        console.print(line, markup=False, highlight=False)
        return line

    return read_piped


class TimeUp(Exception):
    """The exam's time ran out while waiting for an answer; `partial` is what was typed of a
    several-line answer by then (it is kept: what is on the paper at time-up counts)."""

    def __init__(self, partial: str = "") -> None:
        super().__init__(partial)
        self.partial = partial


def _can_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class _Loop:
    def __init__(
        self,
        console: Console,
        read_line: ReadLine,
        lang: str,
        recorder: Recorder | None,
        feedback: bool,
        deadline: float | None,
        clock: Callable[[], float],
        now: Callable[[], datetime],
    ) -> None:
        self.console = console
        self.read_line = read_line
        self.lang = lang
        self.recorder = recorder
        self.feedback = feedback
        self.deadline = deadline
        self.clock = clock
        self.now = now
        self.result = SessionResult()

    def say(self, label: str, text: str, style: str) -> None:
        """`label: text` as one paragraph, so that wrapping accounts for the label."""
        from rich.text import Text

        self.console.print(Text.assemble((t("{label}: ", self.lang, label=label), style), text))

    def time_left(self) -> float | None:
        return None if self.deadline is None else self.deadline - self.clock()

    def record(
        self, q: Question, result: Result, response: str, started: float, hints: int, grade: Grade | None
    ) -> None:
        event = AnswerEvent(
            item_id=q.item.id,
            topic=q.item.topic,
            kind=q.item.kind,
            result=result,
            response=response,
            duration_s=round(max(0.0, self.clock() - started), 3),
            answered_at=self.now(),
            hints_used=hints,
            params=q.params,
            self_rating=grade.self_rating if grade is not None else None,
        )
        if self.recorder is not None:
            self.recorder(event)  # committed before the next question is shown
        self.result.events.append(event)
        self.result.questions.append(q)
        self.result.grades.append(grade)

    def show(self, q: Question, total: int) -> None:
        from rich.console import Group
        from rich.panel import Panel
        from rich.text import Text

        item = q.item
        stars = "★" * item.difficulty + "☆" * (3 - item.difficulty)
        title = f"{q.number}/{total} · {item.topic} · {kind_name(item.kind, self.lang)} · {stars}"
        left = self.time_left()
        if left is not None:
            title += " · " + countdown(left, self.lang)
        body = Text(q.prompt_text(self.lang))
        choices = None
        if item.choices:  # a grid, so that a long choice wraps under its own text
            from rich.table import Table

            choices = Table.grid(padding=(0, 1))
            choices.add_column(justify="right", style="bold", no_wrap=True)
            choices.add_column(overflow="fold")  # CJK text has no spaces to wrap at
            for letter, choice in zip(LETTERS, q.shown_choices(), strict=False):
                choices.add_row(f"  {letter})", Text(choice(self.lang)))
        if item.kind == "derivation":
            if item.given:
                body.append("\n\n" + t("Given:", self.lang) + "\n")
                body.append("\n".join(f"  {g}" for g in item.given))
            body.append("\n\n" + t("Start from: ", self.lang) + str(item.start))
            body.append("\n" + t("Reach: ", self.lang) + str(item.goal))
            body.append("\n" + t("Write one step per line, each beginning with =.", self.lang), style="dim")
        if item.kind == "numeric" and item.unit:
            body.append(f"\n({item.unit(self.lang)})", style="dim")
        self.console.print()
        content = body if choices is None else Group(body, Text(""), choices)
        self.console.print(Panel(content, title=title, title_align="left", border_style="cyan"))

    def ask(self, q: Question) -> tuple[Result, str, Grade | None, int]:
        item = q.item
        hints = 0
        if q.part_keys:
            return self.ask_parts(q)
        how = t(INPUT_HELP[item.kind], self.lang)
        usage = f"[dim]{t('{how}; {keys}', self.lang, how=how, keys=self.keys_help())}[/dim]"
        while True:
            left = self.time_left()
            if left is not None:  # the countdown, refreshed at every prompt
                clock = countdown(left, self.lang)
                self.console.print(f"{usage} [bold yellow]⏱ {clock}[/bold yellow]")
            else:
                self.console.print(usage)
            try:
                # a plain prompt: line editing (readline) must know its exact width
                response = self.read_before_deadline("> ")
            except TimeUp:
                return "timeout", "", None, hints
            stripped = response.strip()
            if self.deadline is not None and self.clock() >= self.deadline:
                return "timeout", response, None, hints
            if _asks_hint(stripped):
                hints = self.hint(q, hints)
                continue
            if stripped.lower() in ("s", ":skip"):
                return "skipped", "", None, hints
            if item.kind == "explain":
                return self.ask_explain(q, response, hints)
            if not stripped:
                continue  # an empty line asks again
            if item.kind == "derivation":
                try:
                    response = self.read_more_lines(response)
                except TimeUp as up:
                    return "timeout", up.partial or response, None, hints
            grade = self.grade(q, response)
            if grade.status.asks_again:
                if grade.status is Status.SENT_BACK:
                    label = t("Sent back", self.lang)
                else:
                    label = t("Could not read that", self.lang)
                if grade.interpreted:
                    self.say(t("interpreted as", self.lang), grade.interpreted, "dim")
                self.say(label, grade.detail(self.lang), "yellow")
                for note in grade.notes:
                    self.console.print(note(self.lang), markup=False, highlight=False)
                self.console.print(t("Try again.", self.lang))
                continue
            if grade.interpreted:
                self.say(t("interpreted as", self.lang), grade.interpreted, "dim")
            if grade.status is Status.UNDECIDED:
                self.console.print(t("Could not decide in time; not counted. Compare with the key below.", self.lang))
                return "skipped", response, grade, hints
            return ("correct" if grade.status is Status.CORRECT else "wrong"), response, grade, hints

    def keys_help(self) -> str:
        """The keys the answer prompt offers: no hint during an exam (there are none)."""
        return t("? hint, s skip", self.lang) if self.feedback else t("s skip", self.lang)

    def hint(self, q: Question, hints: int) -> int:
        """Show the next hint (not during an exam); the number of hints used after it."""
        item = q.item
        if not self.feedback:
            self.console.print(t("No hints during an exam.", self.lang))
        elif hints < len(item.hints):
            self.say(t("Hint", self.lang), item.hints[hints](self.lang), "yellow")
            hints += 1
        elif not item.hints:
            self.console.print(t("This question has no hints.", self.lang))
        else:
            self.console.print(t("No more hints for this question.", self.lang))
        return hints

    def ask_parts(self, q: Question) -> tuple[Result, str, Grade | None, int]:
        """A multi-part item: each part asked in turn and marked ✓/✗ at once (a wrong part with its
        right value and the step producing it); the item is right only when every part is."""
        import re

        from rich.markup import escape

        from dlquiz.quiz.grade import combine_parts, part_format

        keys = q.part_keys
        hints = 0
        answers: list[str] = []
        grades: list[Grade] = []
        while len(grades) < len(keys):
            n = len(grades)
            key = keys[n]
            self.console.print(f"[bold]({n + 1}/{len(keys)})[/bold] ", end="")
            self.console.print(key.label(self.lang), markup=False, highlight=False)
            how = escape(part_format(key.value)(self.lang))
            self.console.print(f"[dim]{t('{how}; {keys}', self.lang, how=how, keys=self.keys_help())}[/dim]")
            try:
                response = self.read_before_deadline("> ")
            except TimeUp:
                return "timeout", "\n".join(answers), None, hints
            stripped = response.strip()
            if self.deadline is not None and self.clock() >= self.deadline:
                return "timeout", "\n".join([*answers, response]), None, hints
            if _asks_hint(stripped):
                hints = self.hint(q, hints)
                continue
            if stripped.lower() in ("s", ":skip"):
                return "skipped", "\n".join(answers), None, hints
            if not stripped:
                continue
            try:
                grade = q.grade_part(n, response)
            except Exception as exc:  # a grading failure asks again, never crashes the session
                grade = Grade(Status.INVALID, str(exc))
            if grade.status.asks_again:
                label = (
                    t("Sent back", self.lang)
                    if grade.status is Status.SENT_BACK
                    else t("Could not read that", self.lang)
                )
                self.say(label, grade.detail(self.lang), "yellow")
                self.console.print(t("Try again.", self.lang))
                continue
            answers.append(stripped)
            grades.append(grade)
            if self.feedback:
                if grade.interpreted and re.search(r"[/%^×*]", stripped):  # a fraction, a percentage, a power
                    self.say(t("interpreted as", self.lang), grade.interpreted, "dim")
                if grade.status is Status.CORRECT:
                    self.console.print(f"[green]{t('✓ ({n}) right', self.lang, n=n + 1)}[/green]")
                else:
                    self.console.print(f"[red]{t('✗ ({n}) wrong', self.lang, n=n + 1)}[/red]")
                    if grade.message:
                        self.console.print(grade.detail(self.lang), markup=False, highlight=False)
                    for note in grade.notes:
                        self.console.print("  " + note(self.lang), markup=False, highlight=False)
        overall = combine_parts(keys, grades, detailed=not self.feedback)
        result: Result = "correct" if overall.status is Status.CORRECT else "wrong"
        return result, "\n".join(answers), overall, hints

    def ask_explain(self, q: Question, first: str, hints: int) -> tuple[Result, str, Grade | None, int]:
        """An explain item: the answer (or nothing: thought through), then the model answer with
        its key points, and the student ticks the points they made; that is the rating."""
        from dlquiz.quiz.grade import grade_points, parse_points

        item = q.item
        try:
            response = self.read_more_lines(first) if first.strip() else ""
        except TimeUp as up:
            return "timeout", up.partial or first, None, hints
        if not self.feedback:  # a mock exam shows no model answer: the answer is kept, not graded
            return "skipped", response, None, hints
        if item.model_answer is not None:
            self.say(t("Model answer", self.lang), item.model_answer(self.lang), "bold")
        self.console.print(t("Key points:", self.lang), style="bold")
        for n, point in enumerate(item.rubric, 1):
            self.console.print(f"  {n}. {point(self.lang)}", markup=False, highlight=False)
        while True:
            self.console.print(t("Which points did you make? e.g. 1 3, all or none", self.lang), style="dim")
            try:
                typed = self.read_before_deadline("> ")
            except TimeUp:
                return "timeout", response, None, hints
            points = parse_points(typed, len(item.rubric))
            if isinstance(points, str):
                self.say(t("Could not read that", self.lang), self._points_zh(points), "yellow")
                continue
            result = grade_points(item, points)
            return ("correct" if result.status is Status.CORRECT else "wrong"), response, result, hints

    def _points_zh(self, message: str) -> str:
        from dlquiz.quiz.grade import message_zh

        return message_zh(message) if self.lang == "zh" else message

    def read_before_deadline(self, prompt: str) -> str:
        """Read a line; with a real-time deadline, time-up interrupts the wait (SIGALRM)."""
        left = self.time_left()
        if left is None or self.clock is not time.monotonic or not _can_alarm():
            return self.read_line(prompt)
        if left <= 0:
            raise TimeUp

        def on_alarm(signum: int, frame: object) -> None:
            raise TimeUp

        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, left)
        try:
            return self.read_line(prompt)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    def read_more_lines(self, first: str) -> str:
        lines = [first]
        while True:
            try:
                line = self.read_before_deadline("… ")
            except TimeUp:
                raise TimeUp("\n".join(lines)) from None
            if not line.strip():
                return "\n".join(lines)
            lines.append(line)

    def grade(self, q: Question, response: str) -> Grade:
        from dlquiz.errors import DlquizError

        try:
            return q.grade(response)
        except DlquizError as exc:
            return Grade(Status.INVALID, str(exc))

    def give_feedback(self, q: Question, result: Result, grade: Grade | None) -> None:
        if not self.feedback:
            said = t("Skipped.", self.lang) if result == "skipped" else t("Answer recorded.", self.lang)
            self.console.print(f"[dim]{said}[/dim]")
            return
        if result == "correct":
            self.console.print(f"[bold green]✓ {t('Correct', self.lang)}[/bold green]")
        elif result == "wrong":
            self.console.print(f"[bold red]✗ {t('Incorrect', self.lang)}[/bold red]")
        else:
            self.console.print(f"[yellow]{t('Skipped', self.lang)}[/yellow]")
        if grade is not None and grade.mistake is not None:
            self.say(t("Known mistake", self.lang), grade.mistake(self.lang), "magenta")
        if grade is not None and grade.rule_text is not None and grade.mistake is None:
            self.say(t("Common slip", self.lang), grade.rule_text(self.lang), "magenta")
        if grade is not None and grade.message and result != "correct":
            self.console.print(grade.detail(self.lang), markup=False)
        if grade is not None:
            for note in grade.notes:
                self.console.print(note(self.lang), markup=False, highlight=False)
        if result != "correct" and q.item.kind != "explain":  # explain: the model answer is shown already
            self.say(t("Answer", self.lang), q.key_text(self.lang), "bold")
        self.say(t("Why", self.lang), q.explanation_text(self.lang), "dim")

    def run(self, questions: Sequence[Question]) -> SessionResult:
        total = len(questions)
        index = 0
        try:
            for index, q in enumerate(questions):
                left = self.time_left()
                if left is not None and left <= 0:
                    self.result.timed_out = True
                    break
                self.show(q, total)
                started = self.clock()
                result, response, grade, hints = self.ask(q)
                self.record(q, result, response, started, hints, grade)
                if result == "timeout":
                    self.result.timed_out = True
                    index += 1
                    break
                self.give_feedback(q, result, grade)
            else:
                index = total
        except ProgressError as exc:  # an answer could not be saved: end here, keep the score so far
            return self._save_failed(exc)
        except (KeyboardInterrupt, EOFError) as exc:
            self.result.interrupted = isinstance(exc, KeyboardInterrupt)
            self.console.print()
            if isinstance(exc, EOFError):
                asked = sum(e.result != "skipped" for e in self.result.events)
                self.console.print(
                    t("Input ended: {asked} of {total} questions answered.", self.lang, asked=asked, total=total)
                )
            return self.result
        if self.result.timed_out:
            self.console.print(f"[bold yellow]{t('Time is up.', self.lang)}[/bold yellow]")
            try:
                for q in questions[index:]:
                    self.record(q, "timeout", "", self.clock(), 0, None)
            except ProgressError as exc:
                return self._save_failed(exc)
        return self.result

    def _save_failed(self, exc: ProgressError) -> SessionResult:
        from rich.markup import escape

        self.result.interrupted = True
        saved = len(self.result.events)
        self.console.print()
        self.console.print(
            "[bold red]"
            + escape(
                t(
                    "This answer could not be saved, so the session ends here; "
                    "the {saved} answers before it are saved.",
                    self.lang,
                    saved=saved,
                )
            )
            + "[/bold red]"
        )
        self.console.print(escape(str(exc)))
        return self.result


def run_session(
    items: Sequence[Item],
    *,
    lang: str,
    seed: int,
    console: Console,
    read_line: ReadLine,
    recorder: Recorder | None = None,
    feedback: bool = True,
    deadline: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    title: str = "",
) -> SessionResult:
    """Ask `items` in order; report each graded answer to `recorder` the moment it is given.

    Ctrl-C and end of input end the session early (`interrupted` tells which); a `deadline`
    (a `clock()` value) ends it when time is up, marking the rest as timed out.
    """
    if title:
        console.print(f"[bold]{title}[/bold]")
    questions = [prepare(item, number=n, seed=seed) for n, item in enumerate(items, 1)]
    loop = _Loop(console, read_line, lang, recorder, feedback, deadline, clock, now)
    return loop.run(questions)


def summary_table(result: SessionResult, lang: str) -> object:
    """A Rich table of the score by topic (and the total)."""
    from rich.table import Table

    rows: dict[str, list[int]] = {}
    for event in result.events:
        row = rows.setdefault(event.topic, [0, 0, 0, 0])
        row[0] += 1
        row[{"correct": 1, "wrong": 2}.get(event.result, 3)] += 1
    table = Table(title=t("Score by topic", lang), title_justify="left")
    for name in (N_("topic"), N_("asked"), N_("right"), N_("wrong"), N_("skipped"), N_("score")):
        table.add_column(t(name, lang), justify="left" if name == "topic" else "right")
    totals = [0, 0, 0, 0]
    for topic, (asked, right, wrong, skipped) in sorted(rows.items()):
        table.add_row(topic, str(asked), str(right), str(wrong), str(skipped), f"{right / asked:.0%}")
        totals = [a + b for a, b in zip(totals, (asked, right, wrong, skipped), strict=True)]
    if totals[0]:
        table.add_section()
        table.add_row(t("total", lang), *(str(x) for x in totals), f"{totals[1] / totals[0]:.0%}", style="bold")
    return table
