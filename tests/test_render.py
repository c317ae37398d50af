"""The shared consoles: piped output is not hard-wrapped, COLUMNS sets the layout width."""

from __future__ import annotations

import pytest
from rich.panel import Panel

from dlquiz import render


class Piped:
    """What the console wrote to a captured (non-TTY) stdout."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def getvalue(self) -> str:
        return self.capsys.readouterr().out


@pytest.fixture
def piped(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Piped:
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return Piped(capsys)


def test_a_long_message_stays_on_one_line(piped: Piped) -> None:
    message = "FAIL identity: /tmp/" + "x" * 230 + "/progress.sqlite3 is not an SQLite database"
    render.console().print(message)
    assert piped.getvalue() == message + "\n"


@pytest.mark.parametrize(("columns", "width"), [(None, 100), ("60", 60), ("132", 132)])
def test_panels_lay_out_at_columns(
    piped: Piped, monkeypatch: pytest.MonkeyPatch, columns: str | None, width: int
) -> None:
    if columns is not None:
        monkeypatch.setenv("COLUMNS", columns)
    render.console().print(Panel("text"))
    lines = piped.getvalue().splitlines()
    assert {len(line) for line in lines} == {width}


def test_markup_is_still_rendered_when_piped(piped: Piped) -> None:
    render.console().print("[bold]ok[/bold] " + "y" * 150)
    assert piped.getvalue() == "ok " + "y" * 150 + "\n"


def _table() -> object:
    from rich.table import Table

    table = Table(show_edge=False)
    table.add_column("topic")
    table.add_column("note")
    table.add_row("act.sigmoid", "a long note that sets the column width")
    table.add_row("loss.ce", "short")
    return table


def test_a_plain_rich_console_pads_lines_with_spaces() -> None:
    # the oracle for the tests below: Rich itself ends padded table lines with spaces
    import io

    from rich.console import Console

    out = io.StringIO()
    Console(file=out, width=80, color_system=None).print(_table())
    assert any(line.endswith(" ") for line in out.getvalue().splitlines())


@pytest.mark.parametrize("columns", [None, "40", "200"])
def test_piped_lines_carry_no_trailing_spaces(
    piped: Piped, monkeypatch: pytest.MonkeyPatch, columns: str | None
) -> None:
    from rich.text import Text

    if columns is not None:
        monkeypatch.setenv("COLUMNS", columns)
    out = render.console()
    out.print(_table())
    out.print(Text("word " * 60, justify="left"))  # wrapped and padded to the width
    out.print(Panel("text"))
    out.print("message with a space at the end ")
    lines = piped.getvalue().splitlines()
    assert " loss.ce     │ short" in lines
    assert [line for line in lines if line.endswith((" ", "\t"))] == []


def test_piped_lines_at_a_given_width_carry_no_trailing_spaces(piped: Piped) -> None:
    from rich.text import Text

    render.console(width=30).print(Text("word " * 20, justify="left"))
    lines = piped.getvalue().splitlines()
    assert lines and all(0 < len(line) <= 30 and not line.endswith(" ") for line in lines)


def test_a_prompt_keeps_its_space(piped: Piped) -> None:
    render.console().print("> ", end="")
    assert piped.getvalue() == "> "


def test_errors_piped_carry_no_trailing_spaces(capsys: pytest.CaptureFixture[str]) -> None:
    render.error_console().print(_table())
    err = capsys.readouterr().err
    assert "loss.ce" in err and not any(line.endswith(" ") for line in err.splitlines())


@pytest.mark.parametrize(
    "args",
    [
        ["show", "act.relu.eval"],
        ["show", "act.relu.eval", "--lang", "zh"],
        ["topics"],
        ["search", "relu"],
        ["stats"],
        ["plan", "--exam", "IN_10_DAYS"],
        ["example", "conv.output-size", "--seed", "1"],
    ],
)
def test_no_line_of_piped_command_output_ends_in_a_space(args: list[str]) -> None:
    from datetime import date, timedelta

    from click.testing import CliRunner

    from dlquiz.cli import cli

    args = [(date.today() + timedelta(days=10)).isoformat() if a == "IN_10_DAYS" else a for a in args]
    runner = CliRunner()
    if args == ["stats"]:  # answers to show
        answered = runner.invoke(cli, ["quiz", "--id", "act.sigmoid.range", "--id", "loss.ce.fixed"], input="a\n1\n")
        assert answered.exit_code == 0, answered.output
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) > 3
    assert [line for line in lines if line.endswith(" ")] == []
