"""Grading and the quiz loop speak Chinese through the one catalog, including messages that were English-only."""

from __future__ import annotations

import pytest
from conftest import FIXTURE_BANK

from dlquiz.bank import load_bank
from dlquiz.i18n import lazy, t
from dlquiz.quiz.grade import Grade, Status, grade, message_zh, parse_number
from dlquiz.quiz.session import KIND_NAMES, kind_name

BANK = load_bank(FIXTURE_BANK)


@pytest.mark.parametrize(
    ("message", "zh"),
    [
        # the grader's own messages made as plain strings elsewhere
        ("type a number", "请输入一个数"),
        ("'z' is not a choice; type letters from a to d", "'z' 不是选项；请输入 a 到 d 之间的字母"),
        ("give every letter exactly once, e.g. abc", "每个字母恰好写一次，例如 abc"),
        # the worked examples' value reader (dlquiz/worked/params.py words them)
        ("answer: Z1: 'x' is not a number", "answer: Z1：'x' 不是数"),
        ("answer row 2: 'q' is not a number", "answer 第 2 行：'q' 不是数"),
        (
            "W: row 1 has 2 entries but row 3 has 1 (every row needs the same length)",
            "W：第 1 行有 2 个数，第 3 行却有 1 个（每行的个数必须相同）",
        ),
        ("b: division by zero in '1/0'", "b：'1/0' 中除以零"),
        # not ours: left as it is
        ("something nobody wrote", "something nobody wrote"),
    ],
)
def test_sent_back_messages_in_chinese(message: str, zh: str) -> None:
    assert message_zh(message) == zh


@pytest.mark.parametrize(
    ("typed", "en", "zh"),
    [
        ("", "type a number", "请输入一个数"),
        (
            "1,5",
            "is the comma a decimal comma? write 1.5 with a decimal point (or 15 without the comma)",
            "逗号是小数点吗？请用小数点写成 1.5（或不带逗号写成 15）",
        ),
        (
            "abc",
            "not a number at column 1: 'abc' (examples: 0.25, 3/4, 1e-8, 9.5×10^-7, 75%)",
            "第 1 列起不是数：'abc'（例如 0.25, 3/4, 1e-8, 9.5×10^-7, 75%）",
        ),
    ],
)
def test_number_reader_messages_are_english_strings_with_a_chinese_form(typed: str, en: str, zh: str) -> None:
    said = parse_number(typed)
    assert said == en  # the English string callers and logs see is unchanged
    assert isinstance(said, str) and message_zh(said) == zh


def test_a_grade_made_with_a_lazy_message_carries_its_chinese() -> None:
    g = Grade(Status.INVALID, lazy("type a formula"))
    assert (g.message, g.detail("en"), g.detail("zh")) == ("type a formula", "type a formula", "请输入公式")


def test_a_lazy_field_is_translated_with_its_message() -> None:
    m = lazy(
        "{names} does not appear in this question (write the answer in terms of: {expected})",
        names="'q'",
        expected=lazy("no variables: a constant"),
    )
    assert m == "'q' does not appear in this question (write the answer in terms of: no variables: a constant)"
    assert m.text("zh") == "'q' 不是本题中的量（请用这些量表示：没有变量：是一个常数）"


def test_wrong_multiple_choice_says_what_is_missing_in_both_languages() -> None:
    # `dlquiz grade` grades without the quiz's shuffled letters: the detail was English-only under zh
    item = BANK.get("act.sigmoid.multi")
    assert item is not None
    g = grade(item, "a")
    assert g.status == "wrong"
    assert g.detail("en") == "missing b"
    assert g.detail("zh") == "漏选 b"


@pytest.mark.parametrize(
    ("kind", "en", "zh"),
    [
        ("single", "single choice", "单选"),
        ("truefalse", "true / false", "判断"),
        ("numeric", "numeric", "计算"),
        ("explain", "explain why", "简答"),
    ],
)
def test_kind_names(kind: str, en: str, zh: str) -> None:
    assert (kind_name(kind, "en"), kind_name(kind, "zh")) == (en, zh)


def test_every_kind_has_a_chinese_name() -> None:
    assert all(kind_name(k, "zh") != KIND_NAMES[k] for k in KIND_NAMES)
    assert t("right", "zh") == "对"  # the score table's column
