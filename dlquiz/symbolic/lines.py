"""Derivation text as lines, and the results of checking them (the report's data model).

A derivation is plain text, one line each (format: examples/derivations/README.md): comments
(`#`), givens (`let`, `assume`), shape declarations (`matrix W: n1 x n0`, `vector x: n0`,
`scalar b`), steps (`a = b = c`) and continuation lines starting with `=`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Literal

from dlquiz.errors import ParseError
from dlquiz.i18n import Lazy, lazy
from dlquiz.symbolic.messages import reader_text

Status = Literal["ok", "fail", "error", "undecided", "given"]


@dataclass(frozen=True)
class StepResult:
    """One line of a derivation and whether it follows from the line before."""

    line: int
    text: str
    pretty: str
    status: Status
    message: str = ""
    counterexample: dict[str, Any] | None = None
    rule: str | None = None
    culprit: str | None = None


@dataclass(frozen=True)
class DerivationReport:
    """Every line's verdict; `first_failure` is the line number of the first break."""

    ok: bool
    steps: tuple[StepResult, ...]
    first_failure: int | None

    @property
    def undecided(self) -> bool:
        """No step fails or is unreadable, but at least one could not be decided (or checked)."""
        return (
            self.first_failure is None
            and not any(s.status == "error" for s in self.steps)
            and any(s.status == "undecided" for s in self.steps)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "first_failure": self.first_failure,
            "undecided": self.undecided,
            "steps": [asdict(s) for s in self.steps],
        }


def make_report(results: list[StepResult]) -> DerivationReport:
    """The report of a list of results: ok when every step holds and at least one was checked."""
    fail = next((r.line for r in results if r.status == "fail"), None)
    ok = all(r.status in ("ok", "given") for r in results) and any(r.status == "ok" for r in results)
    return DerivationReport(ok, tuple(results), fail)


class ReaderError(Lazy):
    """A reader's error (a `ParseError`, such as a malformed line) kept in a step's message or inside another
    message: its English as raised, its Chinese from the reader (``parse_error_zh``)."""

    def __new__(cls, error: BaseException | str) -> ReaderError:
        first = error.args[0] if isinstance(error, BaseException) and len(error.args) == 1 else None
        message = first if isinstance(first, Lazy) else str(error)
        obj = super().__new__(cls, "{error}", {"error": message})
        return obj  # type: ignore[return-value]

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.fields["error"],))

    def text(self, lang: str) -> str:
        """The reader's message in `lang`."""
        if lang != "zh":
            return str(self.fields["error"])
        from dlquiz.symbolic.messages import parse_error_zh

        return parse_error_zh(self.fields["error"])


class LineError(ParseError):
    """A malformed line of a derivation: the message starts with "line N, column C"."""

    def __init__(self, line: int, column: int | None, message: str, text: str) -> None:
        where = (
            lazy("line {line}, column {column}: {message}", line=line, column=column, message=message)
            if column
            else lazy("line {line}: {message}", line=line, message=message)
        )
        super().__init__(reader_text(where), column=column, text=text)
        self.line = line


@dataclass(frozen=True)
class Line:
    """One meaningful line: its number, kind, text without the comment, and where it starts."""

    no: int
    kind: Literal["let", "assume", "shape", "step", "cont"]
    text: str
    col: int  # 1-based column where `text` starts in the raw line


EQ = re.compile(r"(?<![<>!=:])=(?!=)")
LET = re.compile(r"let\s+(?P<name>[^=]+?)\s*(?::=|=)\s*(?P<rhs>.+)$")
SHAPE_LINE = re.compile(r"(?P<kind>matrix|vector|scalar)\s+(?P<names>[\w′',\s]+?)\s*(?::\s*(?P<dims>.+))?$")


def _strip_comment(raw: str) -> str:
    if raw.lstrip().startswith("#"):
        return ""
    m = re.search(r"\s#\s", raw)
    return raw[: m.start()] if m else raw


def split_lines(text: str, first_line: int = 1) -> list[Line]:
    """The meaningful lines of a derivation, each with its kind."""
    out: list[Line] = []
    for i, raw in enumerate(text.splitlines()):
        no = i + first_line
        body = _strip_comment(raw).rstrip()
        stripped = body.lstrip()
        if not stripped:
            continue
        col = len(body) - len(stripped) + 1
        word = stripped.split(None, 1)[0]
        if word == "let":
            out.append(Line(no, "let", stripped, col))
        elif word == "assume":
            out.append(Line(no, "assume", stripped, col))
        elif word in ("matrix", "vector", "scalar"):
            out.append(Line(no, "shape", stripped, col))
        elif stripped.startswith("="):
            out.append(Line(no, "cont", stripped, col))
        else:
            out.append(Line(no, "step", stripped, col))
    return out


def pieces(line: Line) -> list[tuple[str, int]]:
    """Split a step line on `=` into (text, 1-based column) pieces."""
    raw: list[tuple[str, int]] = []
    start = 0
    for m in EQ.finditer(line.text):
        before = line.text[: m.start()]
        if sum(before.count(c) for c in "({[") > sum(before.count(c) for c in ")}]"):
            continue  # inside brackets: \sum_{k=1}^{K}, sum(…, k=1…)
        raw.append((line.text[start : m.start()], line.col + start))
        start = m.end()
    raw.append((line.text[start:], line.col + start))
    out = []
    for text, col in raw:
        lead = len(text) - len(text.lstrip())
        out.append((text.strip(), col + lead))
    return out


def as_continuation(line: Line) -> Line:
    """A step line rewritten as `= …` (every line of a student's chain continues it)."""
    return line if line.kind != "step" else Line(line.no, "cont", "= " + line.text, line.col - 2)
