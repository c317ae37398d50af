"""Drill from the student's own record: the items most recently missed, or those due today."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from dlquiz.errors import UsageError

if TYPE_CHECKING:
    from dlquiz.bank.model import Item


def drill_items(
    items: Sequence[Item], home: Path | None, *, wrong: bool, due: bool, n: int | None, now: datetime, lang: str = "en"
) -> list[Item]:
    """`--wrong`: the items whose latest answer was wrong (or rated Again), most recently missed
    first; `--due`: the items due today, most overdue first (both: missed ones first). `items` are
    the candidates (already filtered by topic and kind); at most `n`."""
    from dlquiz.progress import open_store
    from dlquiz.progress.plan import recently_missed
    from dlquiz.progress.scheduler import effective_due, exam_plan, local_day

    by_id = {i.id: i for i in items}
    chosen: list[Item] = []
    with open_store(home) as store:
        if wrong:
            chosen += [by_id[i] for i in recently_missed(store.answers()) if i in by_id]
        if due:
            settings = store.settings()
            plan = exam_plan(settings, local_day(now))
            ready = sorted(
                (effective_due(c, plan), i)
                for i, c in store.cards().items()
                if i in by_id and local_day(effective_due(c, plan)) <= local_day(now)
            )
            chosen += [by_id[i] for _, i in ready if by_id[i] not in chosen]
    if not chosen:
        from dlquiz.i18n import t

        what = t(" or ", lang).join(w for w, on in ((t("missed", lang), wrong), (t("due today", lang), due)) if on)
        raise UsageError(t("no item {what} matches (answers so far are in `dlquiz stats`)", lang, what=what))
    return chosen[:n] if n is not None else chosen
