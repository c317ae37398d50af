"""Progress in numbers: per chapter and topic, a due forecast, a streak, the weakest topics."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from dlquiz.i18n import t
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
    from dlquiz.progress.cards import AnswerRow, CardRow

FORECAST_DAYS = 14
WEAK_LIMIT = 3
WEAK_BELOW = 0.85  # a topic is weak when (accuracy + mean recall) / 2 is below this
LEARNED_AT = 0.9  # an item is learned when its recall (tomorrow, or on the exam day) is at least this


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
    learned: int = 0  # seen items last answered right whose recall (on the exam day, if set) is ≥ LEARNED_AT
    title_zh: str = ""  # a chapter's Chinese title

    def name(self, lang: str = "en") -> str:
        """The title in `lang` (English where there is no Chinese one)."""
        return self.title_zh if lang == "zh" and self.title_zh else self.title

    @property
    def shaky(self) -> int:
        """Seen items not learned yet."""
        return self.seen - self.learned

    @property
    def untouched(self) -> int:
        return self.total - self.seen

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
        d["shaky"] = self.shaky
        d["untouched"] = self.untouched
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
            "exam": None
            if self.exam_date is None
            else {
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

    learn_at = exam_at if exam_at is not None else now + timedelta(days=1)

    def learned(item_id: str) -> bool:
        card = cards.get(item_id)
        return (
            card is not None
            and bool(graded.get(item_id))
            and graded[item_id][-1]
            and card_retrievability(card, learn_at) >= LEARNED_AT
        )

    def row(key: str, title: str, chapter: int, ids: Sequence[str], title_zh: str = "") -> Row:
        seen = [cards[i] for i in ids if i in cards]
        results = [ok for i in ids for ok in graded.get(i, [])]
        return Row(
            title_zh=title_zh,
            learned=sum(1 for i in ids if learned(i)),
            key=key,
            title=title,
            chapter=chapter,
            total=len(ids),
            seen=len(seen),
            answered=len(results),
            correct=sum(results),
            due=sum(1 for c in seen if local_day(effective_due(c, plan)) <= today),
            # a day ahead: right after an answer, retrievability "now" is 100 % even for a miss
            mean_recall=_mean([card_retrievability(c, now + timedelta(days=1)) for c in seen]),
            exam_recall=None if exam_at is None else _mean([card_retrievability(c, exam_at) for c in seen]),
        )

    topics = tuple(
        row(t.id, t.title, t.chapter, items_by_topic.get(t.id, [])) for t in syllabus.topics if items_by_topic.get(t.id)
    )
    chapters = tuple(
        row(
            str(c.number),
            c.title,
            c.number,
            [i for t in syllabus.topics if t.chapter == c.number for i in items_by_topic.get(t.id, [])],
            c.title_zh,
        )
        for c in syllabus.chapters
    )
    chapters = tuple(c for c in chapters if c.total)
    weak = sorted((t for t in topics if t.answered and t.weakness < WEAK_BELOW), key=lambda t: (t.weakness, t.key))
    bank_cards = [c for i, c in cards.items() if i in known]
    unseen = len(known) - len(bank_cards)
    exam_recall = None
    if exam_at is not None and known:
        exam_recall = sum(card_retrievability(c, exam_at) for c in bank_cards) / len(known)
    return Stats(
        now=now,
        chapters=chapters,
        topics=topics,
        forecast=tuple(forecast(bank_cards, now, plan, FORECAST_DAYS)),
        streak=streak((local_day(a.answered_at) for a in answers), today),
        answers_total=len(answers),
        answers_today=sum(1 for a in answers if local_day(a.answered_at) == today),
        weakest=tuple(t.key for t in weak[:WEAK_LIMIT]),
        exam_date=plan.day if plan else None,
        exam_target=plan.target if plan else None,
        exam_recall=exam_recall,
        new_per_day=new_per_day(settings, unseen=unseen, today=today),
        unseen=unseen,
        exams=tuple(
            {
                "started_at": e["started_at"],
                "correct": e["correct"],
                "total": e["n_items"],
                "minutes": e["minutes"],
                "seed": e["seed"],
            }
            for e in reversed(exams)
            if e.get("finished_at")
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


def render_stats(stats: Stats, lang: str = "en") -> list[Any]:
    """Rich renderables for `dlquiz stats`, in order."""
    from rich.table import Table
    from rich.text import Text

    out: list[Any] = []
    due_today = stats.forecast[0] if stats.forecast else 0
    fields = {
        "answers": stats.answers_total,
        "today": stats.answers_today,
        "streak": stats.streak,
        "due": due_today,
        "new": stats.new_per_day,
        "unseen": stats.unseen,
    }
    head = Text(
        t(
            "{answers} answers, {today} today · streak 1 day · due today {due} · new per day {new} ({unseen} unseen)",
            lang,
            **fields,
        )
        if stats.streak == 1
        else t(
            "{answers} answers, {today} today · streak {streak} days · due today {due} · new per day {new} "
            "({unseen} unseen)",
            lang,
            **fields,
        )
    )
    out.append(head)
    if stats.exam_date is not None:
        days = (stats.exam_date - local_day(stats.now)).days
        exam_fields = {
            "day": stats.exam_date.isoformat(),
            "days": days,
            "recall": _pct(stats.exam_recall),
            "target": _pct(stats.exam_target),
        }
        out.append(
            Text(
                t(
                    "Exam on {day} (in 1 day): predicted recall {recall} of the whole bank, target {target} "
                    "per seen item.",
                    lang,
                    **exam_fields,
                )
                if days == 1
                else t(
                    "Exam on {day} (in {days} days): predicted recall {recall} of the whole bank, "
                    "target {target} per seen item.",
                    lang,
                    **exam_fields,
                )
            )
        )

    exam = stats.exam_date is not None
    table = Table(title=t("By chapter and topic", lang), title_justify="left", show_edge=False)
    learned_head = t("learned", lang)
    columns = [
        (t("topic", lang), "left"),
        (learned_head, "right"),
        (t("shaky", lang), "right"),
        (t("untouched", lang), "right"),
        (t("accuracy", lang), "right"),
        (t("recall tomorrow", lang), "right"),
        (t("due", lang), "right"),
    ]
    if exam:
        columns.append((t("on exam day", lang), "right"))
    for name, justify in columns:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]

    def cells(r: Row, label: str) -> list[str]:
        row = [label, str(r.learned), str(r.shaky), str(r.untouched), _pct(r.accuracy), _pct(r.mean_recall), str(r.due)]
        if exam:
            row.append(_pct(r.exam_recall))
        return row

    for chapter in stats.chapters:
        table.add_row(*cells(chapter, f"{chapter.key}. {chapter.name(lang)}"), style="bold")
        for tp in stats.topics:
            if tp.chapter == chapter.chapter:
                table.add_row(*cells(tp, f"  {tp.key}"))
    out.append(table)
    out.append(
        Text(
            t(
                "learned: last answer right and recall on the exam day ≥ {at:.0%}; shaky: seen, not "
                "learned; untouched: never answered.",
                lang,
                at=LEARNED_AT,
            )
            if exam
            else t(
                "learned: last answer right and recall tomorrow ≥ {at:.0%}; shaky: seen, not learned; "
                "untouched: never answered.",
                lang,
                at=LEARNED_AT,
            ),
            style="dim",
        )
    )

    answered = [tp for tp in stats.topics if tp.accuracy is not None]
    if answered:
        chart = Table(
            title=t("Accuracy per topic", lang), title_justify="left", show_header=False, show_edge=False, box=None
        )
        chart.add_column("topic")
        chart.add_column("bar")
        chart.add_column("pct", justify="right")
        for tp in answered:
            acc = tp.accuracy or 0.0
            style = "green" if acc >= 0.8 else "yellow" if acc >= 0.5 else "red"
            chart.add_row(tp.key, Text(bar(acc), style=style), t("{acc:.0%} of {n}", lang, acc=acc, n=tp.answered))
        out.append(chart)

    out.append(forecast_chart(stats, lang=lang))
    if stats.exams:
        exams = Table(title=t("Mock exams", lang), title_justify="left", show_edge=False)
        for k, name in enumerate((t("date", lang), t("score", lang), t("minutes", lang), t("seed", lang))):
            exams.add_column(name, justify="left" if k == 0 else "right")
        for e in stats.exams[:5]:
            total = e["total"] or 0
            score = f"{e['correct']}/{total}" + (f" ({e['correct'] / total:.0%})" if total else "")
            exams.add_row(str(e["started_at"])[:16].replace("T", " "), score, f"{e['minutes']:g}", str(e["seed"]))
        out.append(exams)
    if stats.weakest:
        weak = Text(t("Weakest topics:\n", lang), style="bold")
        for topic in stats.weakest:
            weak.append(f"  {topic}: ")
            weak.append(f"dlquiz quiz --topic {topic}\n", style="cyan")
        out.append(weak)
    return out


def forecast_chart(stats: Stats, height: int = 6, lang: str = "en") -> Any:
    """A column chart of the due forecast, one column per day."""
    from rich.text import Text

    counts = list(stats.forecast)
    if not any(counts):
        return Text(t("Nothing due in the next {days} days.", lang, days=len(counts)))
    top = max(counts)
    text = Text(t("Due in the next {days} days (max {top} a day)\n", lang, days=len(counts), top=top), style="bold")
    blocks = " ▁▂▃▄▅▆▇█"
    for level in range(height, 0, -1):
        line = []
        for n in counts:
            filled = n / top * height - (level - 1)
            line.append(" " + blocks[round(min(1.0, max(0.0, filled)) * 8)] * 2)
        text.append("".join(line).rstrip() + "\n")
    start = local_day(stats.now)
    text.append("".join(f"{n:>3}" for n in counts) + "\n")
    text.append("".join(f"{(start + timedelta(days=k)).day:>3}" for k in range(len(counts))), style="dim")
    return text
