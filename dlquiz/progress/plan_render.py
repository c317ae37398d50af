"""What `dlquiz plan` prints, in English or Chinese."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dlquiz.progress.plan import StudyPlan
    from dlquiz.progress.stats import Stats

SHOW_TOPICS = 6  # the first topics of today's session, named
SHOW_DAYS = 14


def _t(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def hours(seconds: float, lang: str) -> str:
    """"45 min" or "3.2 h" ("45 分钟", "3.2 小时")."""
    if seconds < 90 * 60:
        return _t(lang, f"{seconds / 60:.0f} min", f"{seconds / 60:.0f} 分钟")
    return _t(lang, f"{seconds / 3600:.1f} h", f"{seconds / 3600:.1f} 小时")


REASONS = {"weak": ("weak", "薄弱"), "due": ("due", "到期"), "new": ("new", "新题")}


def render_plan(study: StudyPlan, stats: Stats, *, n_items: int, lang: str) -> list[Any]:
    """Rich renderables: the exam line, today's session, the days ahead, what does not fit."""
    from rich.table import Table
    from rich.text import Text

    def t(en: str, zh: str) -> str:
        return _t(lang, en, zh)

    out: list[Any] = []
    today = study.today
    per_day = f"{study.minutes_per_day:g}"
    if study.exam_day is None:
        out.append(Text(t(
            f"No exam date set (dlquiz plan --exam YYYY-MM-DD). Steady spaced repetition: "
            f"{stats.new_per_day} new items a day, {stats.unseen} of {n_items} items not seen yet, "
            f"{stats.forecast[0] if stats.forecast else 0} due today; {per_day} min a day.",
            f"未设置考试日期（dlquiz plan --exam YYYY-MM-DD）。常规间隔重复：每天 {stats.new_per_day} 道新题，"
            f"{n_items} 题中还有 {stats.unseen} 题没见过，今天到期 {stats.forecast[0] if stats.forecast else 0} 题；"
            f"每天 {per_day} 分钟。")))
    else:
        days = (study.exam_day - study.days[0].day).days
        recall = "–" if stats.exam_recall is None else f"{stats.exam_recall:.0%}"
        target = f"{(stats.exam_target or 0):.0%}"
        out.append(Text(t(
            f"Exam on {study.exam_day.isoformat()}: {days} day{'s' * (days != 1)} left; {per_day} min a day; "
            f"target recall {target}. Predicted recall on the exam day if you stopped now: {recall} of the bank.",
            f"考试日期 {study.exam_day.isoformat()}：还剩 {days} 天；每天 {per_day} 分钟；目标记忆率 {target}。"
            f"如果现在停下，考试当天预计记得题库的 {recall}。")))
    mode = t("cramming", "冲刺") if today.cram else t("steady", "常规")
    weak, due, new = today.count("weak"), today.count("due"), today.count("new")
    out.append(Text(t(
        f"Today ({mode}): {weak} weak, {due} due, {new} new ≈ {hours(today.used_s, lang)} of "
        f"{hours(today.budget_s, lang)} left today. `dlquiz review` serves it.",
        f"今天（{mode}）：薄弱 {weak} 题，到期 {due} 题，新题 {new} 题 ≈ {hours(today.used_s, lang)}，"
        f"今天还剩 {hours(today.budget_s, lang)}。用 `dlquiz review` 开始。")))
    if today.cram:
        out.append(Text(t("Cramming: your weak topics first, then the chapters the exam weights most; "
                          "new items only as the time allows.",
                          "冲刺：先练你的薄弱主题，再练考试占比高的章节；时间允许才学新题。"), style="dim"))
    first: list[str] = []
    for p in today.picks:
        label = f"{p.item.topic} ({t('ch.', '第')}{p.item.chapter}{t('', '章')} ×{p.weight:g}, " \
                f"{REASONS[p.reason][1 if lang == 'zh' else 0]})"
        if label not in first:
            first.append(label)
        if len(first) >= SHOW_TOPICS:
            break
    if first:
        out.append(Text(t("First up: ", "先练：") + "; ".join(first)))
    if len(study.days) > 1:
        table = Table(title=t("Day by day", "逐日计划"), title_justify="left", show_edge=False)
        for name in (t("date", "日期"), t("mode", "方式"), t("reviews", "复习"), t("new", "新题"),
                     t("time", "用时")):
            table.add_column(name, justify="left" if name in ("date", "日期", "mode", "方式") else "right")
        for d in study.days[:SHOW_DAYS]:
            table.add_row(d.day.isoformat(), t("cram", "冲刺") if d.cram else t("steady", "常规"), str(d.reviews),
                          str(d.new), hours(d.used_s, lang))
        if len(study.days) > SHOW_DAYS:
            table.add_row("…", "", "", "", "")
        out.append(table)
    if study.exam_day is not None:
        if study.not_fitting:
            by_chapter: dict[int, int] = {}
            for i in study.not_fitting:
                by_chapter[i.chapter] = by_chapter.get(i.chapter, 0) + 1
            chapters = ", ".join(f"{t('ch.', '第')}{k}{t('', '章')} {v}" for k, v in sorted(by_chapter.items()))
            n = len(study.not_fitting)
            out.append(Text(t(
                f"Will not fit before the exam: {n} new item{'s' * (n != 1)} "
                f"({hours(study.not_fitting_s, lang)} by their estimates): {chapters}. More minutes a day "
                "(--minutes-per-day) or lower chapter weights (--weight CH=W) change this.",
                f"考前放不下：{n} 道新题（按估计用时共 {hours(study.not_fitting_s, lang)}）：{chapters}。"
                "增加每天的分钟数（--minutes-per-day）或降低章节权重（--weight 章=权重）可以改变这一点。"),
                style="yellow"))
        else:
            out.append(Text(t("Everything fits: every item is met before the exam.",
                              "全部放得下：考前每道题都能学到。"), style="green"))
    return out
