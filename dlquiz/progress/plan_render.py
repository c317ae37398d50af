"""What `dlquiz plan` prints, in English or Chinese."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dlquiz.i18n import N_, listing, t

if TYPE_CHECKING:
    from dlquiz.progress.plan import Session, StudyPlan
    from dlquiz.progress.stats import Stats

SHOW_TOPICS = 6  # the first topics of today's session, named
SHOW_DAYS = 14


def hours(seconds: float, lang: str) -> str:
    """ "45 min" or "3.2 h", in `lang`."""
    if seconds < 90 * 60:
        return t("{minutes:.0f} min", lang, minutes=seconds / 60)
    return t("{hours:.1f} h", lang, hours=seconds / 3600)


REASONS = {"weak": N_("weak"), "due": N_("due"), "new": N_("new")}


def left_out_text(session: Session, lang: str) -> str:
    """What of today's candidates does not fit today's time: the same line in `plan` and `review`."""
    n = {r: sum(1 for p in session.left_out if p.reason == r) for r in REASONS}
    return t(
        "Not today ({time} do not hold them): {due} due, {weak} weak, {new} new items.",
        lang,
        time=hours(session.budget_s, lang),
        **n,
    )


def render_plan(study: StudyPlan, stats: Stats, *, n_items: int, lang: str) -> list[Any]:
    """Rich renderables: the exam line, today's session, the days ahead, what does not fit."""
    from rich.table import Table
    from rich.text import Text

    out: list[Any] = []
    today = study.today
    per_day = f"{study.minutes_per_day:g}"
    if study.exam_day is None:
        out.append(
            Text(
                t(
                    "No exam date set (dlquiz plan --exam YYYY-MM-DD). "
                    "Steady spaced repetition: {new} new items a day, "
                    "{unseen} of {total} items not seen yet, {due} due today; {per_day} min a day.",
                    lang,
                    new=stats.new_per_day,
                    unseen=stats.unseen,
                    total=n_items,
                    due=stats.forecast[0] if stats.forecast else 0,
                    per_day=per_day,
                )
            )
        )
    else:
        days = (study.exam_day - study.days[0].day).days
        recall = "–" if stats.exam_recall is None else f"{stats.exam_recall:.0%}"
        target = f"{(stats.exam_target or 0):.0%}"
        left = t("1 day left", lang) if days == 1 else t("{days} days left", lang, days=days)
        out.append(
            Text(
                t(
                    "Exam on {day}: {left}; {per_day} min a day; target recall {target}. "
                    "Predicted recall on the exam day if you stopped now: {recall} of the bank.",
                    lang,
                    day=study.exam_day.isoformat(),
                    left=left,
                    per_day=per_day,
                    target=target,
                    recall=recall,
                )
            )
        )
    mode = t("cramming", lang) if today.cram else t("steady", lang)
    out.append(
        Text(
            t(
                "Today ({mode}): {weak} weak, {due} due, {new} new ≈ {used} of {budget} left today. "
                "`dlquiz review` serves it.",
                lang,
                mode=mode,
                weak=today.count("weak"),
                due=today.count("due"),
                new=today.count("new"),
                used=hours(today.used_s, lang),
                budget=hours(today.budget_s, lang),
            )
        )
    )
    if today.left_out:
        out.append(Text(left_out_text(today, lang), style="dim"))
    if today.cram:
        out.append(
            Text(
                t(
                    "Cramming: your weak topics first, then the chapters the exam weights most; "
                    "new items only as the time allows.",
                    lang,
                ),
                style="dim",
            )
        )
    first: list[str] = []
    for p in today.picks:
        label = t(
            "{topic} (ch.{chapter} ×{weight:g}, {reason})",
            lang,
            topic=p.item.topic,
            chapter=p.item.chapter,
            weight=p.weight,
            reason=t(REASONS[p.reason], lang),
        )
        if label not in first:
            first.append(label)
        if len(first) >= SHOW_TOPICS:
            break
    if first:
        out.append(Text(t("First up: ", lang) + listing(first, lang, "clauses")))
    if len(study.days) > 1:
        table = Table(title=t("Day by day", lang), title_justify="left", show_edge=False)
        for name, justify in (
            (N_("date"), "left"),
            (N_("mode"), "left"),
            (N_("reviews"), "right"),
            (N_("new"), "right"),
            (N_("time"), "right"),
        ):
            table.add_column(t(name, lang), justify=justify)  # type: ignore[arg-type]
        for d in study.days[:SHOW_DAYS]:
            table.add_row(
                d.day.isoformat(),
                t("cram", lang) if d.cram else t("steady", lang),
                str(d.reviews),
                str(d.new),
                hours(d.used_s, lang),
            )
        if len(study.days) > SHOW_DAYS:
            table.add_row("…", "", "", "", "")
        out.append(table)
    if study.exam_day is not None:
        if study.not_fitting:
            by_chapter: dict[int, int] = {}
            for i in study.not_fitting:
                by_chapter[i.chapter] = by_chapter.get(i.chapter, 0) + 1
            chapters = listing(
                [t("ch.{chapter} {n}", lang, chapter=k, n=v) for k, v in sorted(by_chapter.items())], lang
            )
            n = len(study.not_fitting)
            items = t("1 new item", lang) if n == 1 else t("{n} new items", lang, n=n)
            out.append(
                Text(
                    t(
                        "Will not fit before the exam: {items} ({time} by their estimates): {chapters}. "
                        "More minutes a day "
                        "(--minutes-per-day) or lower chapter weights (--weight CH=W) change this.",
                        lang,
                        items=items,
                        time=hours(study.not_fitting_s, lang),
                        chapters=chapters,
                    ),
                    style="yellow",
                )
            )
        else:
            out.append(Text(t("Everything fits: every item is met before the exam.", lang), style="green"))
    return out
