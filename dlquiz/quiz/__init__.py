"""Quiz sessions: choose items, grade answers, run the interactive loop."""

from __future__ import annotations

from dlquiz.quiz.events import AnswerEvent
from dlquiz.quiz.grade import Grade, grade, parse_number
from dlquiz.quiz.runner import SessionResult, make_reader, run_session, summary_table
from dlquiz.quiz.session import Question, pick_items, prepare

__all__ = [
    "AnswerEvent",
    "Grade",
    "Question",
    "SessionResult",
    "grade",
    "make_reader",
    "parse_number",
    "pick_items",
    "prepare",
    "run_session",
    "summary_table",
]
