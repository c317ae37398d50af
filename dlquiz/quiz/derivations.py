"""Derivation answers: each line checked by the derivation checker, and the shown work assessed
against the item's milestones (a correct chain that skips a key step is sent back)."""

from __future__ import annotations

from dlquiz.bank.model import Item
from dlquiz.i18n import N_, Text, lazy, t
from dlquiz.quiz.outcome import Grade, Status, _text

SHOW_STEPS = _text(
    lazy("show the intermediate steps: the start followed by the goal, or lines that only restate them, earn no credit")
)


def _milestone_notes(item: Item, shown: tuple[int, ...], missing: tuple[int, ...]) -> tuple[Text, ...]:
    def steps(numbers: tuple[int, ...], lang: str) -> str:
        return t("; ", lang).join(item.milestones[n].text(lang) for n in numbers)

    notes = []
    if shown:
        notes.append(
            Text(
                t("Shown: {steps}", "en", steps=steps(shown, "en")), t("Shown: {steps}", "zh", steps=steps(shown, "zh"))
            )
        )
    if missing:
        notes.append(
            Text(
                t("Missing: {steps}", "en", steps=steps(missing, "en")),
                t("Missing: {steps}", "zh", steps=steps(missing, "zh")),
            )
        )
    return tuple(notes)


def _grade_derivation(item: Item, response: str) -> Grade:
    from dlquiz.symbolic import check_item_derivation
    from dlquiz.symbolic.milestones import assess_work
    from dlquiz.symbolic.steps import format_report

    lines = [line for line in response.splitlines() if line.strip()]
    if not lines:
        return Grade(Status.INVALID, lazy("show your work: at least one intermediate step, then the goal"))
    report = check_item_derivation(
        given=item.given, start=str(item.start), goal=str(item.goal), steps=lines, timeout=8.0
    )
    text, text_zh = format_report(report, lang="en"), format_report(report, lang="zh")
    statuses = {s.status for s in report.steps}
    work = assess_work(
        given=item.given,
        start=str(item.start),
        goal=str(item.goal),
        lines=lines,
        milestones=[m.forms for m in item.milestones],
    )
    notes = _milestone_notes(item, work.shown, work.missing)
    if report.ok:
        if not work.readable:  # the checker read every line, the form matcher could not: do not guess
            unchecked = N_(
                "every step holds, but the shown work could not be checked against the key steps; compare "
                "with the model solution"
            )
            return Grade(
                Status.UNDECIDED, t(unchecked, "en") + "\n" + text, message_zh=t(unchecked, "zh") + "\n" + text_zh
            )
        if work.intermediate == 0:
            return Grade(
                Status.SENT_BACK, f"{SHOW_STEPS.en}\n{text}", message_zh=f"{SHOW_STEPS.zh}\n{text_zh}", notes=notes
            )
        if work.missing:
            unshown = N_("every step holds, but a key step an examiner looks for is not shown")
            return Grade(
                Status.SENT_BACK,
                t(unshown, "en") + "\n" + text,
                message_zh=t(unshown, "zh") + "\n" + text_zh,
                notes=notes,
            )
        return Grade(Status.CORRECT, text, message_zh=text_zh, notes=notes)
    if "error" in statuses and report.first_failure is None:
        return Grade(Status.INVALID, text, message_zh=text_zh)
    if report.first_failure is None and "undecided" in statuses:
        return Grade(Status.UNDECIDED, text, message_zh=text_zh)  # never "wrong" for lack of time
    if report.first_failure is None:  # no step yet (e.g. only `let` lines)
        return Grade(Status.SENT_BACK, f"{SHOW_STEPS.en}\n{text}", message_zh=f"{SHOW_STEPS.zh}\n{text_zh}")
    rule = next((s.rule for s in report.steps if s.rule), None) or ""
    return Grade(Status.WRONG, text, rule=rule, message_zh=text_zh, notes=notes)


# ----------------------------------------------------------------------------- explain-why
