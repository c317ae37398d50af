"""Drill from the student's own record: the items most recently missed, or those due today."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from dlquiz.errors import DlquizError

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
    later: list[date] = []  # the days the other matching items are due
    with open_store(home) as store:
        if wrong:
            chosen += [by_id[i] for i in recently_missed(store.answers()) if i in by_id]
        if due:
            settings = store.settings()
            plan = exam_plan(settings, local_day(now))
            when = {i: effective_due(c, plan) for i, c in store.cards().items() if i in by_id}
            ready = sorted((d, i) for i, d in when.items() if local_day(d) <= local_day(now))
            chosen += [by_id[i] for _, i in ready if by_id[i] not in chosen]
            later = sorted(local_day(d) for d in when.values() if local_day(d) > local_day(now))
    if not chosen:
        from dlquiz.i18n import t

        # nothing to drill is not a mistake in the command: exit 1 (as a search without hits), not 2
        if due and not wrong and later:
            n_next = later.count(later[0])
            raise DlquizError(
                t(
                    "nothing is due today; next: {n} on {day} (`dlquiz review` also brings new items)",
                    lang,
                    n=n_next,
                    day=later[0].isoformat(),
                )
            )
        what = t(" or ", lang).join(w for w, on in ((t("missed", lang), wrong), (t("due today", lang), due)) if on)
        raise DlquizError(t("no item {what} matches (answers so far are in `dlquiz stats`)", lang, what=what))
    return chosen[:n] if n is not None else chosen
