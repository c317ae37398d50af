"""Chinese text is laid out by terminal cells (two per character), not by characters, and keeps its indent."""

from __future__ import annotations

import io
import unicodedata

import pytest
from rich.console import Console

from dlquiz.render import crop, hanging


def cells(text: str) -> int:
    """Terminal width by the Unicode East Asian Width property: an oracle independent of Rich."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def render(renderable: object, width: int) -> list[str]:
    buf = io.StringIO()
    Console(file=buf, width=width, color_system=None, force_terminal=False).print(renderable)
    return buf.getvalue().rstrip("\n").split("\n")


POINT = "交叉熵损失只保留真实类别的概率项，其余类别乘以零，不进入损失；对数以自然对数为底。"


@pytest.mark.parametrize("width", [20, 31, 44])
@pytest.mark.parametrize("indent", [2, 4])
def test_hanging_wraps_chinese_by_cells_and_keeps_the_indent(width: int, indent: int) -> None:
    lines = render(hanging([("1.", POINT), ("2.", "短句。")], indent=indent), width)
    assert all(cells(line.rstrip()) <= width for line in lines)
    first, *rest = lines
    assert first.startswith(" " * indent + "1. ")
    continuation = [line for line in rest if not line.lstrip().startswith("2.")]
    assert continuation, "the point should need more than one line at this width"
    text_column = indent + cells("1.") + 1
    for line in continuation:  # wrapped lines start under the text, not under the marker
        assert line[:text_column] == " " * text_column and line[text_column] != " "
    # nothing is lost: the lines hold the whole point, in order
    assert "".join(x[text_column:].strip() for x in [first, *continuation]) == POINT


@pytest.mark.parametrize(
    ("text", "width"),
    [
        (POINT, 10),
        (POINT, 11),
        (POINT, 70),
        ("sigmoid 的导数 σ′(x) = σ(x)(1 − σ(x))", 15),
        ("short", 70),
        ("a  b\n c", 70),
    ],
)
def test_crop_counts_cells(text: str, width: int) -> None:
    out = crop(text, width)
    assert cells(out) <= width
    whole = " ".join(text.split())
    if cells(whole) <= width:
        assert out == whole
    else:
        assert out.endswith("…") and whole.startswith(out[:-1].rstrip())
        assert cells(out) >= width - 2  # at most a double-width character short of the width


@pytest.mark.parametrize("terminal", [True, False])
def test_print_indented_keeps_the_indent_on_a_terminal_and_one_line_elsewhere(terminal: bool) -> None:
    from dlquiz.render import print_indented

    buf = io.StringIO()
    con = Console(file=buf, width=30, color_system=None, force_terminal=terminal, soft_wrap=not terminal)
    print_indented(con, "        [red]" + POINT + "[/red]")
    lines = buf.getvalue().rstrip("\n").split("\n")
    if terminal:
        assert len(lines) > 1 and all(line.startswith(" " * 8) and cells(line.rstrip()) <= 30 for line in lines)
        assert "".join(line.strip() for line in lines) == POINT
    else:
        assert lines == [" " * 8 + POINT]
