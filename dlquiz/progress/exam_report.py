"""The mock exam's report: the finished paper graded by question and topic, shown with Rich or
written as Markdown/JSON, and the explain-why answers the student grades after the time is up."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from dlquiz.i18n import N_, Lazy
from dlquiz.i18n import t as tr
from dlquiz.progress.exam import Paper

if TYPE_CHECKING:
    from dlquiz.quiz.runner import SessionResult

# -- the report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionReport:
    """How one question of the exam went."""

    number: int
    item_id: str
    topic: str
    kind: str
    result: str  # correct, wrong, skipped, timeout, unanswered
    duration_s: float
    estimated_s: int
    prompt: str = ""
    response: str = ""
    key: str = ""
    explanation: str = ""  # with the worked steps of a parametric item
    detail: str = ""  # the grader's message or a known mistake's explanation
    parts: tuple[str, ...] = ()  # a multi-part item: one line per part (✓/✗, the right value); explain: points made


@dataclass(frozen=True)
class TopicScore:
    topic: str
    asked: int
    correct: int
    seconds: float


@dataclass(frozen=True)
class ExamReport:
    """The graded mock exam."""

    started_at: datetime
    finished_at: datetime
    minutes: float
    seed: int
    lang: str
    questions: tuple[QuestionReport, ...]
    timed_out: bool = False
    interrupted: bool = False
    topics: tuple[TopicScore, ...] = field(default=())

    @property
    def correct(self) -> int:
        return sum(q.result == "correct" for q in self.questions)

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def used_seconds(self) -> float:
        return sum(q.duration_s for q in self.questions)

    @property
    def mistakes(self) -> tuple[QuestionReport, ...]:
        return tuple(q for q in self.questions if q.result != "correct")

    def to_dict(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "minutes": self.minutes,
            "seed": self.seed,
            "score": {
                "correct": self.correct,
                "total": self.total,
                "percent": round(100 * self.correct / self.total, 1) if self.total else 0.0,
            },
            "timed_out": self.timed_out,
            "interrupted": self.interrupted,
            "used_seconds": round(self.used_seconds, 1),
            "topics": [t.__dict__ for t in self.topics],
            "questions": [
                {k: v for k, v in q.__dict__.items() if k not in ("explanation", "prompt")} for q in self.questions
            ],
        }


def build_report(
    paper: Paper,
    result: SessionResult,
    *,
    lang: str,
    started_at: datetime,
    finished_at: datetime,
) -> ExamReport:
    """Grade the session of a paper: questions never reached count as unanswered."""
    rows: list[QuestionReport] = []
    for k, item in enumerate(paper.items):
        if k < len(result.events):
            event, question, grade = result.events[k], result.questions[k], result.grades[k]
            detail = ""
            parts: tuple[str, ...] = ()
            if grade is not None and event.result != "correct":
                detail = grade.mistake(lang) if grade.mistake is not None else grade.detail(lang)
            if grade is not None and (grade.parts or grade.self_rating is not None):
                parts = tuple(note(lang) for note in grade.notes)
            rows.append(
                QuestionReport(
                    number=k + 1,
                    item_id=item.id,
                    topic=item.topic,
                    kind=item.kind,
                    result=event.result,
                    duration_s=float(event.duration_s),
                    estimated_s=item.time,
                    prompt=question.prompt_text(lang),
                    response=event.response,
                    key=question.key_text(lang),
                    explanation=question.explanation_text(lang),
                    detail=detail,
                    parts=parts,
                )
            )
        else:
            from dlquiz.quiz.session import prepare

            question = prepare(item, number=k + 1, seed=paper.seed)
            rows.append(
                QuestionReport(
                    number=k + 1,
                    item_id=item.id,
                    topic=item.topic,
                    kind=item.kind,
                    result="unanswered",
                    duration_s=0.0,
                    estimated_s=item.time,
                    prompt=question.prompt_text(lang),
                    key=question.key_text(lang),
                    explanation=question.explanation_text(lang),
                )
            )
    topics: dict[str, list[float]] = {}
    for q in rows:
        t = topics.setdefault(q.topic, [0, 0, 0.0])
        t[0] += 1
        t[1] += q.result == "correct"
        t[2] += q.duration_s
    return ExamReport(
        started_at=started_at,
        finished_at=finished_at,
        minutes=paper.minutes,
        seed=paper.seed,
        lang=lang,
        questions=tuple(rows),
        timed_out=result.timed_out,
        interrupted=result.interrupted,
        topics=tuple(TopicScore(t, int(a), int(c), round(s, 1)) for t, (a, c, s) in sorted(topics.items())),
    )


def _mmss(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    return f"{m}:{s:02d}"


RESULT_WORDS = {
    "correct": N_("correct"),
    "wrong": N_("wrong"),
    "skipped": N_("skipped"),
    "timeout": N_("time up"),
    "unanswered": N_("not reached"),
}


def _word(result: str, lang: str) -> str:
    return tr(RESULT_WORDS.get(result, result), lang)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report_markdown(report: ExamReport) -> str:
    """The report as a Markdown document."""
    from dlquiz.quiz.session import kind_name

    lang = report.lang
    pct = 100 * report.correct / report.total if report.total else 0.0
    lines = [
        f"# {tr('Mock exam', lang)} · {report.started_at:%Y-%m-%d %H:%M} UTC",
        "",
        f"**{tr('{label}: ', lang, label=tr('Score', lang))}{report.correct}/{report.total} ({pct:.0f}%)** · "
        f"{tr('time used', lang)} {_mmss(report.used_seconds)} / {report.minutes:g} {tr('min', lang)} · "
        f"{tr('seed', lang)} {report.seed}",
    ]
    if report.timed_out:
        lines.append("")
        lines.append(tr("Time ran out before the end.", lang))
    if report.interrupted:
        lines.append("")
        lines.append(tr("The exam was interrupted.", lang))
    lines += [
        "",
        f"## {tr('By topic', lang)}",
        "",
        f"| {tr('topic', lang)} | {tr('score', lang)} | {tr('time', lang)} |",
        "|---|---:|---:|",
    ]
    for ts in report.topics:
        lines.append(f"| {ts.topic} | {ts.correct}/{ts.asked} | {_mmss(ts.seconds)} |")
    lines += [
        "",
        f"## {tr('Questions', lang)}",
        "",
        f"| # | {tr('item', lang)} | {tr('kind', lang)} | {tr('result', lang)} | "
        f"{tr('time', lang)} | {tr('estimated', lang)} |",
        "|---:|---|---|---|---:|---:|",
    ]
    for q in report.questions:
        lines.append(
            f"| {q.number} | {q.item_id} | {kind_name(q.kind, lang)} | {_word(q.result, lang)} | "
            f"{_mmss(q.duration_s)} | {_mmss(q.estimated_s)} |"
        )
    mistakes = report.mistakes
    lines += ["", f"## {tr('Mistakes', lang)}", ""]
    if not mistakes:
        lines.append(tr("None. Well done.", lang))
    for q in mistakes:
        lines += [
            f"### {q.number}. {q.item_id} ({_word(q.result, lang)})",
            "",
            q.prompt,
            "",
            f"- **{tr('Your answer', lang)}:** " + (_cell(q.response) if q.response.strip() else "—"),
            f"- **{tr('Answer', lang)}:** {_cell(q.key)}",
        ]
        if q.detail:
            lines.append(f"- **{tr('Note', lang)}:** {_cell(q.detail)}")
        lines += [f"  - {_cell(line)}" for line in q.parts]
        lines += ["", q.explanation, ""]
    return "\n".join(lines).rstrip() + "\n"


def render_report(report: ExamReport) -> list[Any]:
    """Rich renderables of the report for the terminal."""
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    lang = report.lang
    pct = 100 * report.correct / report.total if report.total else 0.0
    answered = [q for q in report.questions if q.result not in ("unanswered", "timeout")]
    per = f" · {_mmss(report.used_seconds / len(answered))} {tr('per question', lang)}" if answered else ""
    out: list[Any] = [
        Text(
            f"{tr('{label}: ', lang, label=tr('Score', lang))}{report.correct}/{report.total} ({pct:.0f}%) · "
            f"{tr('time used', lang)} {_mmss(report.used_seconds)} / {report.minutes:g} {tr('min', lang)}{per}",
            style="bold",
        )
    ]
    topics = Table(title=tr("By topic", lang), title_justify="left", show_edge=False)
    for name in (tr("topic", lang), tr("score", lang), tr("time", lang)):
        topics.add_column(name)
    for ts in report.topics:
        topics.add_row(ts.topic, f"{ts.correct}/{ts.asked}", _mmss(ts.seconds))
    out.append(topics)
    questions = Table(title=tr("Questions", lang), title_justify="left", show_edge=False)
    for name in ("#", tr("item", lang), tr("result", lang), tr("time", lang), tr("estimated", lang)):
        questions.add_column(name)
    for q in report.questions:
        style = "green" if q.result == "correct" else "red"
        questions.add_row(
            str(q.number),
            q.item_id,
            Text(_word(q.result, lang), style=style),
            _mmss(q.duration_s),
            _mmss(q.estimated_s),
        )
    out.append(questions)
    # mistakes as plain text under a rule: it wraps in a terminal and is never cropped in a pipe
    for q in report.mistakes:
        out.append(Rule(Text(f"{q.number}. {q.item_id} · {_word(q.result, lang)}"), align="left", style="red"))
        body = Text(q.prompt + "\n\n")
        body.append(tr("Your answer: ", lang) + (q.response.strip() or "—") + "\n")
        body.append(tr("Answer: ", lang) + q.key + "\n", style="bold")
        if q.detail:
            body.append(q.detail + "\n", style="magenta")
        for line in q.parts:
            body.append("  " + line.replace("\n", "\n  ") + "\n", style="green" if line.startswith("✓") else "red")
        body.append("\n" + q.explanation + "\n")
        out.append(body)
    return out


# -- explain-why items: graded by the student after the time is up -----------------------------


def self_grade_explains(paper: Paper, result: SessionResult, *, console: Any, read_line: Any, lang: str) -> list[int]:
    """After the exam: each explain-why answer written during it, with the model answer and the
    key points; the student types the points they made (as in a review), which grades it. An
    empty answer stays skipped. The indices of `result.events` graded (end of input: the rest
    stay ungraded)."""
    import dataclasses

    from rich.markup import escape
    from rich.rule import Rule

    from dlquiz.quiz.grade import grade_points, parse_points

    todo = [
        k
        for k, event in enumerate(result.events)
        if k < len(paper.items)
        and paper.items[k].kind == "explain"
        and event.result in ("skipped", "timeout")  # an answer cut off at time-up is graded as far as it got
        and event.response.strip()
    ]
    done: list[int] = []
    if not todo:
        return done
    console.print()
    console.print(tr("The exam is over. Grade your explain-why answers against their key points:", lang), style="bold")
    for k in todo:
        item, event = paper.items[k], result.events[k]
        console.print(Rule(f"{k + 1}. {escape(item.id)}", align="left", style="cyan"))
        console.print(result.questions[k].prompt_text(lang), markup=False, highlight=False)
        console.print(tr("Your answer: ", lang) + event.response.strip(), markup=False, highlight=False)
        if item.model_answer is not None:
            console.print(tr("Model answer", lang) + ": " + item.model_answer(lang), markup=False, highlight=False)
        console.print(tr("Key points:", lang), style="bold")
        for n, point in enumerate(item.rubric, 1):
            console.print(f"  {n}. {point(lang)}", markup=False, highlight=False)
        while True:
            console.print(tr("Which points did you make? e.g. 1 3, all or none", lang), style="dim")
            try:
                typed = read_line("> ")
            except (EOFError, KeyboardInterrupt):
                return done
            points = parse_points(typed, len(item.rubric))
            if isinstance(points, str):
                console.print(points.text(lang) if isinstance(points, Lazy) else points, markup=False)
                continue
            break
        grade = grade_points(item, points)
        result.events[k] = dataclasses.replace(
            event, result="correct" if grade.status.value == "correct" else "wrong", self_rating=grade.self_rating
        )
        result.grades[k] = grade
        done.append(k)
    return done
