"""Chinese paragraphs wrap by cell width: a line may break between two Chinese characters, never before a
closing mark or after an opening one, and English words still break only at spaces."""

from __future__ import annotations

from io import StringIO

import pytest
from rich.cells import cell_len

from dlquiz.render import text_console

PARAGRAPH = (
    "深度学习是机器学习的一种方法，机器学习又是实现人工智能的一条途径。x = y 但深度学习也可以采用非神经网络的"
    "模型（如深度信念网络、深度森林），而单层感知机这类浅层网络是神经网络却不算深度学习。"
)
CLOSING, OPENING = "，。、；：！？）」』】〉》", "（「『【〈《"


def wrapped(text: str, width: int) -> list[str]:
    buf = StringIO()
    text_console(buf, width).print(text)
    return buf.getvalue().rstrip("\n").split("\n")


@pytest.mark.parametrize("width", [12, 17, 24, 31, 40, 57])
def test_chinese_fills_each_line_and_keeps_its_punctuation_in_place(width: int) -> None:
    lines = wrapped(PARAGRAPH, width)
    assert "".join(line.rstrip() for line in lines).replace(" ", "") == PARAGRAPH.replace(" ", "")
    for line in lines[:-1]:
        assert cell_len(line.rstrip()) >= width - 4, (width, line)  # no short line left by the formula's spaces
    for line in lines:
        assert cell_len(line) <= width
        assert line[:1] not in CLOSING, line
        assert line.rstrip()[-1:] not in OPENING, line


def test_english_words_are_never_split() -> None:
    text = "The sigmoid saturates for large inputs, so its gradient vanishes there."
    lines = wrapped(text, 20)
    words = set(text.replace(",", "").replace(".", "").split())
    for line in lines:
        for word in line.replace(",", "").replace(".", "").split():
            assert word in words, (word, lines)
