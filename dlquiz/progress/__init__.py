"""The learning loop: progress store, FSRS scheduling, stats, mock exams and exports.

from dlquiz.progress import open_store
store = open_store(home)          # None: $DLQUIZ_HOME or the platform's data dir
store.record(event)               # an AnswerEvent; committed at once, FSRS card updated
store.close()
"""

from __future__ import annotations

from dlquiz.progress.store import Store, db_path, open_store, resolve_home

__all__ = ["Store", "db_path", "open_store", "resolve_home"]
