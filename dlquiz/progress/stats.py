"""Progress in numbers: per chapter and topic, a due forecast, a streak, the weakest topics."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from dlquiz.progress.scheduler import (
    card_retrievability,
    day_start,
    effective_due,
    exam_plan,
    forecast,
    local_day,
    new_per_day,
)

if TYPE_CHECKING:
    from dlquiz.bank import Bank
    from dlquiz.progress.store import AnswerRow, CardRow

FORECAST_DAYS = 14
WEAK_LIMIT = 3
WEAK_BELOW = 0.85  # a topic is weak when (accuracy + mean recall) / 2 is below this


@dataclass(frozen=True)
class Row:
    """Progress of a topic or a chapter."""

    key: str  # topic id, or the chapter number as text
    title: str
    chapter: int
    total: int  # items in the bank
    seen: int  # items with at least one review
    answered: int  # graded answers (right or wrong)
    correct: int
    due: int  # due today (overdue included)
    mean_recall: float | None  # mean FSRS retrievability one day from now, over seen items
    exam_recall: float | None  # mean predicted retrievability on the exam day, seen items

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answered if self.answered else None

    @property
    def weakness(self) -> float:
        """(accuracy + mean recall) / 2: lower is weaker."""
        return ((self.accuracy or 0.0) + (self.mean_recall or 0.0)) / 2

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["accuracy"] = None if self.accuracy is None else round(self.accuracy, 4)
        for key in ("mean_recall", "exam_recall"):
            d[key] = None if d[key] is None else round(d[key], 4)
        return d


@dataclass(frozen=True)
class Stats:
    """Everything `dlquiz stats` shows."""

    now: datetime
    chapters: tuple[Row, ...]
    topics: tuple[Row, ...]
    forecast: tuple[int, ...]  # due per day, today first (overdue counted today)
    streak: int
    answers_total: int
    answers_today: int
    weakest: tuple[str, ...]  # topic ids, weakest first
    exam_date: date | None = None
    exam_target: float | None = None
    exam_recall: float | None = None  # over every item of the bank (unseen count as 0)
    new_per_day: int = 0
    unseen: int = 0
    exams: tuple[dict[str, Any], ...] = ()  # finished mock exams, newest first

    @property
    def empty(self) -> bool:
        return self.answers_total == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "now": self.now.isoformat(),
            "answers_total": self.answers_total,
            "answers_today": self.answers_today,
            "streak_days": self.streak,
            "due_today": self.forecast[0] if self.forecast else 0,
            "forecast": [
                {"date": (local_day(self.now) + timedelta(days=k)).isoformat(), "due": n}
                for k, n in enumerate(self.forecast)
            ],
            "new_per_day": self.new_per_day,
            "unseen": self.unseen,
            "exam": None if self.exam_date is None else {
                "date": self.exam_date.isoformat(),
                "days_left": (self.exam_date - local_day(self.now)).days,
                "target": self.exam_target,
                "predicted_recall": None if self.exam_recall is None else round(self.exam_recall, 4),
            },
            "chapters": [r.to_dict() for r in self.chapters],
            "topics": [r.to_dict() for r in self.topics],
            "weakest": [{"topic": t, "command": f"dlquiz quiz --topic {t}"} for t in self.weakest],
            "exams": list(self.exams),
        }


def streak(days: Iterable[date], today: date) -> int:
    """Consecutive days with answers, ending today (or yesterday, if nothing yet today)."""
    have = set(days)
    day = today if today in have else today - timedelta(days=1)
    count = 0
    while day in have:
        count += 1
        day -= timedelta(days=1)
    return count


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def compute_stats(
    bank: Bank,
    cards: Mapping[str, CardRow],
    answers: Sequence[AnswerRow],
    settings: Mapping[str, str],
    now: datetime,
    exams: Sequence[Mapping[str, Any]] = (),
) -> Stats:
    """Aggregate the store's cards and answers (and past exams) over the bank's syllabus."""
    today = local_day(now)
    plan = exam_plan(settings, today)
    exam_at = day_start(plan.day) if plan is not None else None
    syllabus = bank.syllabus
    items_by_topic: dict[str, list[str]] = {}
    for item in bank.items:
        items_by_topic.setdefault(item.topic, []).append(item.id)
    known = {i.id for i in bank.items}
    graded: dict[str, list[bool]] = {}
    for a in answers:
        if a.item_id in known and a.result in ("correct", "wrong"):
            graded.setdefault(a.item_id, []).append(a.result == "correct")

    def row(key: str, title: str, chapter: int, ids: Sequence[str]) -> Row:
        seen = [cards[i] for i in ids if i in cards]
        results = [ok for i in ids for ok in graded.get(i, [])]
        return Row(
            key=key, title=title, chapter=chapter, total=len(ids), seen=len(seen),
            answered=len(results), correct=sum(results),
            due=sum(1 for c in seen if local_day(effective_due(c, plan)) <= today),
            # a day ahead: right after an answer, retrievability "now" is 100 % even for a miss
            mean_recall=_mean([card_retrievability(c, now + timedelta(days=1)) for c in seen]),
            exam_recall=None if exam_at is None else _mean(
                [card_retrievability(c, exam_at) for c in seen]),
        )

    topics = tuple(
        row(t.id, t.title, t.chapter, items_by_topic.get(t.id, []))
        for t in syllabus.topics if items_by_topic.get(t.id)
    )
    chapters = tuple(
        row(str(c.number), c.title, c.number,
            [i for t in syllabus.topics if t.chapter == c.number for i in items_by_topic.get(t.id, [])])
        for c in syllabus.chapters
    )
    chapters = tuple(c for c in chapters if c.total)
    weak = sorted((t for t in topics if t.answered and t.weakness < WEAK_BELOW),
                  key=lambda t: (t.weakness, t.key))
    bank_cards = [c for i, c in cards.items() if i in known]
    unseen = len(known) - len(bank_cards)
    exam_recall = None
    if exam_at is not None and known:
        exam_recall = sum(card_retrievability(c, exam_at) for c in bank_cards) / len(known)
    return Stats(
        now=now, chapters=chapters, topics=topics,
        forecast=tuple(forecast(bank_cards, now, plan, FORECAST_DAYS)),
        streak=streak((local_day(a.answered_at) for a in answers), today),
        answers_total=len(answers),
        answers_today=sum(1 for a in answers if local_day(a.answered_at) == today),
        weakest=tuple(t.key for t in weak[:WEAK_LIMIT]),
        exam_date=plan.day if plan else None, exam_target=plan.target if plan else None,
        exam_recall=exam_recall,
        new_per_day=new_per_day(settings, unseen=unseen, today=today), unseen=unseen,
        exams=tuple(
            {"started_at": e["started_at"], "correct": e["correct"], "total": e["n_items"],
             "minutes": e["minutes"], "seed": e["seed"]}
            for e in reversed(exams) if e.get("finished_at")
        ),
    )


# -- rendering ---------------------------------------------------------------------------------

def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.0%}"


def bar(fraction: float, width: int = 20) -> str:
    """A horizontal bar of `width` cells, filled in eighths."""
    fraction = min(1.0, max(0.0, fraction))
    eighths = round(fraction * width * 8)
    full, rest = divmod(eighths, 8)
    partial = " ▏▎▍▌▋▊▉"[rest] if rest else ""
    return ("█" * full + partial).ljust(width)


def render_stats(stats: Stats) -> list[Any]:
    """Rich renderables for `dlquiz stats`, in order."""
    from rich.table import Table
    from rich.text import Text

    out: list[Any] = []
    head = Text()
    head.append(f"{stats.answers_total} answers, {stats.answers_today} today · ")
    head.append(f"streak {stats.streak} day{'s' if stats.streak != 1 else ''} · ")
    head.append(f"due today {stats.forecast[0] if stats.forecast else 0} · ")
    head.append(f"new per day {stats.new_per_day} ({stats.unseen} unseen)")
    out.append(head)
    if stats.exam_date is not None:
        days = (stats.exam_date - local_day(stats.now)).days
        out.append(Text(
            f"Exam on {stats.exam_date.isoformat()} (in {days} day{'s' if days != 1 else ''}): "
            f"predicted recall {_pct(stats.exam_recall)} of the whole bank, target "
            f"{_pct(stats.exam_target)} per seen item."
        ))

    exam = stats.exam_date is not None
    table = Table(title="By chapter and topic", title_justify="left", show_edge=False)
    for name, justify in (("topic", "left"), ("seen", "right"), ("accuracy", "right"),
                          ("recall tomorrow", "right"), ("due", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    if exam:
        table.add_column("on exam day", justify="right")
    for chapter in stats.chapters:
        cells = [f"{chapter.key}. {chapter.title}", f"{chapter.seen}/{chapter.total}",
                 _pct(chapter.accuracy), _pct(chapter.mean_recall), str(chapter.due)]
        if exam:
            cells.append(_pct(chapter.exam_recall))
        table.add_row(*cells, style="bold")
        for t in stats.topics:
            if t.chapter != chapter.chapter:
                continue
            cells = [f"  {t.key}", f"{t.seen}/{t.total}", _pct(t.accuracy), _pct(t.mean_recall),
                     str(t.due)]
            if exam:
                cells.append(_pct(t.exam_recall))
            table.add_row(*cells)
    out.append(table)

    answered = [t for t in stats.topics if t.accuracy is not None]
    if answered:
        chart = Table(title="Accuracy per topic", title_justify="left", show_header=False,
                      show_edge=False, box=None)
        chart.add_column("topic")
        chart.add_column("bar")
        chart.add_column("pct", justify="right")
        for t in answered:
            acc = t.accuracy or 0.0
            style = "green" if acc >= 0.8 else "yellow" if acc >= 0.5 else "red"
            chart.add_row(t.key, Text(bar(acc), style=style), f"{acc:.0%} of {t.answered}")
        out.append(chart)

    out.append(forecast_chart(stats))
    if stats.exams:
        exams = Table(title="Mock exams", title_justify="left", show_edge=False)
        for name in ("date", "score", "minutes", "seed"):
            exams.add_column(name, justify="left" if name == "date" else "right")
        for e in stats.exams[:5]:
            total = e["total"] or 0
            score = f"{e['correct']}/{total}" + (f" ({e['correct'] / total:.0%})" if total else "")
            exams.add_row(str(e["started_at"])[:16].replace("T", " "), score, f"{e['minutes']:g}",
                          str(e["seed"]))
        out.append(exams)
    if stats.weakest:
        weak = Text("Weakest topics:\n", style="bold")
        for topic in stats.weakest:
            weak.append(f"  {topic}: ")
            weak.append(f"dlquiz quiz --topic {topic}\n", style="cyan")
        out.append(weak)
    return out


def forecast_chart(stats: Stats, height: int = 6) -> Any:
    """A column chart of the due forecast, one column per day."""
    from rich.text import Text

    counts = list(stats.forecast)
    if not any(counts):
        return Text(f"Nothing due in the next {len(counts)} days.")
    top = max(counts)
    text = Text(f"Due in the next {len(counts)} days (max {top} a day)\n", style="bold")
    blocks = " ▁▂▃▄▅▆▇█"
    for level in range(height, 0, -1):
        line = []
        for n in counts:
            filled = n / top * height - (level - 1)
            line.append(" " + blocks[round(min(1.0, max(0.0, filled)) * 8)] * 2)
        text.append("".join(line).rstrip() + "\n")
    start = local_day(stats.now)
    text.append("".join(f"{n:>3}" for n in counts) + "\n")
    text.append("".join(f"{(start + timedelta(days=k)).day:>3}" for k in range(len(counts))),
                style="dim")
    return text
