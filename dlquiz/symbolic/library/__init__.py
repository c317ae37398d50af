"""The derivation library: verified derivations stored as TOML files beside this module.

Each file holds a name, a bilingual title, a syllabus topic, the source note and a list of
steps; every step is one line of the derivation format (see examples/derivations/README.md)
with optional prose in English and Chinese shown before it. `dlquiz derive NAME` checks every
step live with the same engine as `dlquiz check`.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from dlquiz.errors import BankError, UsageError
from dlquiz.i18n import Text, lazy


@dataclass(frozen=True)
class LibraryStep:
    """One line of a library derivation and the prose before it."""

    line: str
    prose: Text | None = None


@dataclass(frozen=True)
class Derivation:
    """A verified derivation of the library."""

    name: str
    title: Text
    topic: str
    source: str
    steps: tuple[LibraryStep, ...]
    intro: Text | None = None
    summary: Text | None = None
    file: str = ""

    @property
    def text(self) -> str:
        """The derivation in the plain-text format checked by `check_derivation`."""
        return "\n".join(s.line for s in self.steps)

    def step_at(self, line: int) -> int:
        """Index of the step holding text line `line` (1-based)."""
        n = 0
        for i, s in enumerate(self.steps):
            n += len(s.line.splitlines()) or 1
            if line <= n:
                return i
        raise IndexError(line)


def _text(data: Any, where: str, key: str, required: bool = True) -> Text | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, dict) or not all(isinstance(value.get(k), str) for k in ("en", "zh")):
        raise BankError(f"{where}: '{key}' needs both {key}.en and {key}.zh")
    return Text(en=value["en"].strip(), zh=value["zh"].strip())


def _load(name: str, raw: str) -> Derivation:
    where = f"dlquiz/symbolic/library/{name}.toml"
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise BankError(f"{where}: {exc}") from None
    for key in ("name", "topic", "source"):
        if not isinstance(data.get(key), str):
            raise BankError(f"{where}: missing '{key}'")
    if data["name"] != name:
        raise BankError(f"{where}: name {data['name']!r} differs from the file name {name!r}")
    steps = []
    for k, step in enumerate(data.get("step", []), 1):
        if not isinstance(step.get("line"), str):
            raise BankError(f"{where}: step {k} needs a 'line'")
        prose = None
        if "en" in step or "zh" in step:
            prose = _text({"prose": {"en": step.get("en"), "zh": step.get("zh")}}, f"{where}: step {k}", "prose")
        steps.append(LibraryStep(step["line"].rstrip("\n"), prose))
    if not steps:
        raise BankError(f"{where}: no [[step]] tables")
    title = _text(data, where, "title")
    assert title is not None
    return Derivation(
        name=name,
        title=title,
        topic=data["topic"],
        source=data["source"],
        steps=tuple(steps),
        intro=_text(data, where, "intro", required=False),
        summary=_text(data, where, "summary", required=False),
        file=where,
    )


@cache
def _all() -> dict[str, Derivation]:
    out: dict[str, Derivation] = {}
    root = resources.files(__name__)
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            name = entry.name[: -len(".toml")]
            out[name] = _load(name, entry.read_text(encoding="utf-8"))
    return out


def list_derivations() -> list[Derivation]:
    """Every derivation of the library, sorted by name."""
    return list(_all().values())


def load_derivation(name: str) -> Derivation:
    """The derivation called `name`.

    Raises:
        UsageError: no such derivation (the message lists close names).
    """
    lib = _all()
    if name in lib:
        return lib[name]
    close = difflib.get_close_matches(name, list(lib), n=4, cutoff=0.4)
    close += [n for n in lib if name and name in n and n not in close]
    if close:
        raise UsageError(
            lazy(
                "no derivation named {name}; did you mean: {close}? (`dlquiz derive` lists them)",
                name=repr(name),
                close=", ".join(close[:4]),
            )
        )
    raise UsageError(lazy("no derivation named {name} (`dlquiz derive` lists them)", name=repr(name)))
