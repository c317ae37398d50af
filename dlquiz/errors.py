"""Exceptions of dlquiz: the library raises these; the CLI turns them into clean messages."""

from __future__ import annotations


class DlquizError(Exception):
    """Base class of every error dlquiz reports to a user (never shown as a traceback)."""

    def __str__(self) -> str:
        # the message object itself, not a copy of its English: a catalog message (``dlquiz.i18n.lazy``) keeps
        # its translation through ``str(exc)``
        message = self.args[0] if len(self.args) == 1 else None
        return message if isinstance(message, str) else super().__str__()


class BankError(DlquizError):
    """The question bank (a file or an item) is invalid."""


class ParseError(DlquizError):
    """User-typed math could not be read; carries the column of the problem."""

    def __init__(self, message: str, column: int | None = None, text: str = "") -> None:
        super().__init__(message)
        self.column = column
        self.text = text


class ParamError(DlquizError):
    """A bad parameter for a worked-example generator or a command."""


class ProgressError(DlquizError):
    """The progress database is missing, corrupt or foreign."""


class UsageError(DlquizError):
    """A filter or option that cannot be satisfied (e.g. an unknown topic)."""
