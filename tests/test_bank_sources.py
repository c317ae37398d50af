"""Citations: note files and book/course sections, with readable titles in both languages."""

from __future__ import annotations

import pytest

from dlquiz.bank.sources import beyond_the_notes, source_problem, source_title


@pytest.mark.parametrize(
    ("source", "en", "zh"),
    [
        ("004_96e5ea7d078c6618", "summary of Andrew Ng's Deep Learning specialisation", "吴恩达深度学习专项课程总结"),
        ("book:nndl §7.7", "Qiu Xipeng, Neural Networks and Deep Learning §7.7", "邱锡鹏《神经网络与深度学习》 §7.7"),
        ("book:d2l §8.7", "Zhang et al., Dive into Deep Learning §8.7", "《动手学深度学习》 §8.7"),
        ("course:dlai C2W1", "Andrew Ng, Deep Learning Specialization C2W1", "吴恩达《深度学习专项课程》 C2W1"),
    ],
)
def test_titles(source: str, en: str, zh: str) -> None:
    assert source_problem(source) == ""
    assert source_title(source, "en") == en
    assert source_title(source, "zh") == zh


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("005_0000000000000000", "unknown source '005_0000000000000000'"),
        ("book:bishop §1.2", "unknown book 'bishop' (expected one of: d2l, dlbook, nndl)"),
        ("course:coursera W1", "unknown course 'coursera'"),
        ("book:nndl", "unknown source 'book:nndl'"),  # a book needs its section
        (None, "unknown source None"),
    ],
)
def test_bad_citations_name_the_fix(source: object, problem: str) -> None:
    assert source_problem(source).startswith(problem)


def test_part_two_is_beyond_the_notes() -> None:
    assert beyond_the_notes("book:nndl §6.6")
    assert not beyond_the_notes("000_ffe98cf169f07fd8")
