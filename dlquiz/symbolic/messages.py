"""The math reader's messages: catalog messages, whose Chinese is in ``dlquiz/i18n/zh-reader.toml``.

The reader words each problem as one catalog message, ``lazy("unexpected {what} in a subscript",
what=...)``, and `at_column` composes it with the column and the hint by a template
(``"{what} at column {column}; {hint}"``), so that the English reads ``what at column N; hint`` and
the Chinese ``中文（第 N 列）；提示``. A derivation line, a side of an equation or an assumption wraps a
reader message in a template of its own, the reader message being a field of it.

Messages are `ReaderText` objects: a `dlquiz.i18n.Lazy` (its value is the English) that survives
pickling, so a message read in a worker process comes back whole, and that is remembered by its
English text, so that ``parse_error_zh(str(exc))`` finds the message it was made from. Nothing is
translated while reading: `parse_error_zh` and `note_zh` look the message up when it is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from dlquiz.i18n import N_, Lazy, lazy

__all__ = [
    "DECLARE",
    "END",
    "ReaderText",
    "at_column",
    "columns_moved",
    "columns_removed",
    "note_zh",
    "parse_error_zh",
    "reader_text",
]

T = TypeVar("T")
_SEEN_MAX = 4096
_seen: dict[str, ReaderText] = {}


class ReaderText(Lazy):
    """A reader message: English now, any language when shown. Pickling keeps it whole (its fields that
    are messages too), and each one made (or unpickled) is remembered by its English text for
    `parse_error_zh`."""

    def __new__(cls, msgid: str, fields: dict[str, Any]) -> ReaderText:
        # what Lazy.__new__ does, without its keyword unpacking: this runs for every error the reader raises
        obj = str.__new__(cls, msgid.format_map(fields) if fields else msgid)
        obj.msgid, obj.fields = msgid, fields
        if len(_seen) >= _SEEN_MAX:  # a bound, not a cache policy: the recent messages are the ones asked for
            _seen.clear()
        _seen[obj] = obj  # found by its English text: a str of the same value has the same hash and equals it
        return obj

    def __reduce__(self) -> tuple[Callable[..., ReaderText], tuple[str, dict[str, Any]]]:
        return (ReaderText, (self.msgid, self.fields))


def reader_text(message: T) -> T:
    """`message` as a `ReaderText` when it is a `Lazy`; any other value as it is."""
    # a subclass (ReaderText, or a wrapper of another area) stays what it is
    if isinstance(message, Lazy) and type(message) is Lazy:
        return cast(T, ReaderText(message.msgid, message.fields))
    return message


# the hint of a name the reader does not know: how to make it one name
DECLARE = lazy(
    "declare it to use it as one name (dlquiz equiv --let/--assume; a 'let' or 'assume' line in a derivation)"
)
# what the reader found where it expected something else, at the end of the text
END = lazy("the end of the input")


_AT = N_("{what} at column {column}")
_AT_HINT = N_("{what} at column {column}; {hint}")
_HINT = N_("{what}; {hint}")
# messages that quote a column of their own, and their wording without it (a derivation names the
# line and column in front of the message instead)
_WITHOUT_COLUMN = {
    N_("expected '{close}' to close the '{open}' at column {column} but found {found}"): N_(
        "expected '{close}' to close the '{open}' but found {found}"
    ),
    N_("expected '{close}' to close the '{open}' at column {column} but found the end of the input"): N_(
        "expected '{close}' to close the '{open}' but found the end of the input"
    ),
    N_("expected '{close}' to close the subscript at column {column}"): N_("expected '{close}' to close the subscript"),
}


def at_column(what: str, column: int | None, hint: str | None = None) -> str:
    """The message of a problem `what` at `column` (1-based; None: not known), with a `hint`."""
    if column is None:
        return reader_text(what) if hint is None else ReaderText(_HINT, {"what": what, "hint": hint})
    if hint is None:
        return ReaderText(_AT, {"what": what, "column": column})
    return ReaderText(_AT_HINT, {"what": what, "column": column, "hint": hint})


def columns_removed(message: str) -> str:
    """`message` without the columns it names (also in the messages it quotes): "line 3, column 7:"
    goes in front of it instead."""
    if not isinstance(message, Lazy):
        return message
    fields = {k: columns_removed(v) for k, v in message.fields.items()}
    if message.msgid == _AT:
        return reader_text(fields["what"])
    if message.msgid == _AT_HINT:
        return ReaderText(_HINT, {"what": fields["what"], "hint": fields["hint"]})
    msgid = _WITHOUT_COLUMN.get(message.msgid)
    if msgid is not None:
        fields.pop("column", None)
        return ReaderText(msgid, fields)
    return ReaderText(message.msgid, fields)


def columns_moved(message: str, column: Callable[[int], int]) -> str:
    """`message` with each column it names (also in the messages it quotes) replaced by ``column(c)``."""
    if not isinstance(message, Lazy):
        return message
    fields = {
        k: column(v) if k == "column" and isinstance(v, int) else columns_moved(v, column)
        for k, v in message.fields.items()
    }
    return ReaderText(message.msgid, fields)


def _known(message: str) -> Lazy | None:
    if isinstance(message, Lazy):
        return message
    return _seen.get(message)


def parse_error_zh(message: str) -> str:
    """The Chinese form of a reader message: the message itself or its English text (as ``str(exc)``
    gives it); a text the reader did not write comes back as it is."""
    known = _known(message)
    return known.text("zh") if known is not None else message


def note_zh(note: str) -> str:
    """The Chinese form of a ``Parsed.notes`` entry."""
    return parse_error_zh(note)
