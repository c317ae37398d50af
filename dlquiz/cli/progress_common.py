"""What the learning-loop commands share: the `--now` clock option and JSON output."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click

# a fixed "now" for trying things out and for tests: --now 2026-12-01T09:00 or DLQUIZ_NOW
now_option = click.option(
    "--now",
    "now_text",
    envvar="DLQUIZ_NOW",
    default=None,
    hidden=True,
    help="Pretend the current time is this ISO date-time (UTC unless it has an offset).",
)


def make_clock(now_text: str | None) -> Callable[[], datetime]:
    """The wall clock, or one that starts at `now_text` and runs on from there."""
    if not now_text:
        return lambda: datetime.now(UTC)
    try:
        start = datetime.fromisoformat(now_text)
    except ValueError as exc:
        raise click.BadParameter(
            f"{now_text!r} is not an ISO date-time like 2026-12-01T09:00", param_hint="--now"
        ) from exc
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    start = start.astimezone(UTC)
    origin = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - origin)


def print_json(data: Any) -> None:
    """Machine-readable output for --json (Chinese kept as text)."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def check_folder(path: Path, lang: str, hint: str) -> None:
    """Refuse a file to write whose folder does not exist (no folders are made)."""
    from dlquiz.i18n import t

    folder = path.resolve().parent
    if not folder.is_dir():
        raise click.BadParameter(
            t("{path}: the folder {folder} does not exist", lang, path=path, folder=folder), param_hint=hint
        )
