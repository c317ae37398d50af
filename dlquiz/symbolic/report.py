"""The text report of a checked derivation: one line per step with ✓/✗, in English or Chinese.

A step's message is a catalog message (``lazy``) made where the step was checked; a reader's error is
shown in Chinese by the reader (``parse_error_zh``).
"""

from __future__ import annotations

from dlquiz.i18n import Lazy, t
from dlquiz.symbolic.lines import DerivationReport
from dlquiz.symbolic.messages import parse_error_zh
from dlquiz.symbolic.slips import slip_message


def rule_message(rule: str, lang: str = "en") -> str:
    """The explanation of a slip named in a report, in `lang`."""
    return slip_message(rule, lang)


_MARK = {"ok": "✓", "fail": "✗", "error": "✗", "undecided": "?", "given": "·"}


def step_message(message: str, lang: str = "en") -> str:
    """A step's message in `lang` (a reader's error through the reader's own messages)."""
    if lang != "zh":
        return str(message)
    if isinstance(message, Lazy):
        return message.text(lang)
    return parse_error_zh(message)


def format_report(report: DerivationReport, *, lang: str = "en") -> str:
    """Plain text: one line per step with ✓/✗, then the details of the first failure."""
    out: list[str] = []
    for s in report.steps:
        out.append(f"{_MARK[s.status]} {s.line:>3}  {s.pretty}")
        if s.message and (s.status in ("fail", "error", "undecided") or s.message.startswith("follows")):
            out.append(f"        {step_message(s.message, lang)}")
        if s.culprit:
            out.append("        " + t("changed part: {part}", lang, part=step_message(s.culprit, lang)))
        if s.rule:
            out.append("        " + t("known slip: {explanation}", lang, explanation=rule_message(s.rule, lang)))
    if report.ok:
        out.append(t("Every step holds.", lang))
    elif report.first_failure is not None:
        out.append(t("The derivation breaks at line {n}.", lang, n=report.first_failure))
    elif any(s.status == "error" for s in report.steps):
        out.append(t("A line could not be read.", lang))
    elif report.undecided:
        out.append(t("Some steps could not be decided.", lang))
    else:
        out.append(t("There are no steps yet.", lang))
    return "\n".join(out)
