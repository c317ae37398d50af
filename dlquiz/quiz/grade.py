"""Grading a typed answer against an item's key: `grade` dispatches on the item's kind.

A response that cannot be read (a letter that is not a choice, a malformed number or formula)
is `invalid`, and one that is readable but not gradable as it stands (a derivation that shows no
work, a formula that breaks the prompt's "in terms of σ", a near miss by spelling) is
`sent_back`: either way the student is asked again and it is never marked wrong.

Each kind is graded in its own module, whose public names are re-exported here:
`outcome` (Status, Grade), `numeric` (reading a number, precision, tolerance), `choices`
(choices, ordering, short answers), `formulas` (constraints, unknown names, the check within
ANSWER_SECONDS), `derivations` (shown work, milestones), `points` (explain-why key points),
`parts` (multi-part numeric items) and `messages` (sent-back messages in Chinese).
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from typing import Any

from dlquiz.bank.model import Item
from dlquiz.i18n import lazy
from dlquiz.quiz.choices import _grade_choices, _grade_short
from dlquiz.quiz.choices import choices_missed as choices_missed
from dlquiz.quiz.choices import normalize_text as normalize_text
from dlquiz.quiz.derivations import SHOW_STEPS as SHOW_STEPS
from dlquiz.quiz.derivations import _grade_derivation
from dlquiz.quiz.formulas import ANSWER_SECONDS as ANSWER_SECONDS
from dlquiz.quiz.formulas import CHECK_SECONDS as CHECK_SECONDS
from dlquiz.quiz.formulas import DERIVATIVE as DERIVATIVE
from dlquiz.quiz.formulas import READ_SECONDS as READ_SECONDS
from dlquiz.quiz.formulas import _grade_formula
from dlquiz.quiz.messages import _reader_zh, _template_zh
from dlquiz.quiz.messages import message_zh as message_zh
from dlquiz.quiz.numeric import NUM as NUM
from dlquiz.quiz.numeric import SUPERSCRIPTS as SUPERSCRIPTS
from dlquiz.quiz.numeric import _grade_numeric
from dlquiz.quiz.numeric import numbers_match as numbers_match
from dlquiz.quiz.numeric import parse_number as parse_number
from dlquiz.quiz.numeric import precision_text as precision_text
from dlquiz.quiz.numeric import tolerance_for as tolerance_for
from dlquiz.quiz.outcome import Grade as Grade
from dlquiz.quiz.outcome import Status as Status
from dlquiz.quiz.parts import PartKey as PartKey
from dlquiz.quiz.parts import _part_keys
from dlquiz.quiz.parts import _squeeze as _squeeze
from dlquiz.quiz.parts import combine_parts as combine_parts
from dlquiz.quiz.parts import grade_part as grade_part
from dlquiz.quiz.parts import grade_parts as grade_parts
from dlquiz.quiz.parts import part_format as part_format
from dlquiz.quiz.parts import split_part_answers as split_part_answers
from dlquiz.quiz.parts import value_text as value_text
from dlquiz.quiz.points import _grade_explain
from dlquiz.quiz.points import grade_points as grade_points
from dlquiz.quiz.points import parse_points as parse_points
from dlquiz.quiz.points import rating_for_points as rating_for_points
from dlquiz.quiz.words import FALSE_WORDS, TRUE_WORDS


def grade(item: Item, response: str, *, expected: Any = None) -> Grade:
    """Grade `response` to `item`; `expected` overrides the key (parametric items)."""
    result = _grade(item, response, expected)
    if result.status.asks_again and not result.message_zh:
        result = replace(result, message_zh=_template_zh(result.message) or _reader_zh(result.message))
    return result


def _grade(item: Item, response: str, expected: Any) -> Grade:
    key = item.answer if expected is None else expected
    kind = item.kind
    if kind == "numeric" and item.parts:
        return grade_parts(item, response, _part_keys(item, expected))
    if kind in ("single", "multi", "ordering"):
        return _grade_choices(item, response, key)
    if kind == "truefalse":
        word = unicodedata.normalize("NFKC", response).strip().lower()
        if word not in TRUE_WORDS | FALSE_WORDS:
            return Grade(Status.INVALID, lazy("type t (true) or f (false)"))
        return Grade(Status.CORRECT if (word in TRUE_WORDS) == key else Status.WRONG)
    if kind == "short":
        return _grade_short(item, response, key)
    if kind == "numeric":
        return _grade_numeric(item, response, key)
    if kind == "formula":
        return _grade_formula(item, response)
    if kind == "derivation":
        return _grade_derivation(item, response)
    if kind == "explain":
        return _grade_explain(item, response)
    raise ValueError(f"unknown kind {kind!r}")
