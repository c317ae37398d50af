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
