"""Every failure a user can cause, as one exception type each.

The CLI maps these to exit codes in exactly one place (``translator.cli``):
a :class:`TarjamaError` is bad input (exit 2) and prints as one line,
``FILE:LINE:COL: message``, never as a traceback.
"""
from __future__ import annotations


class TarjamaError(Exception):
    """Base class: something the user can fix; printed as one line, exit 2."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def location(self) -> str:
        """``FILE:LINE:COL`` as far as it is known (empty when nothing is)."""
        parts = [self.path] if self.path else []
        if self.path and self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        where = self.location()
        # One line, whatever the message carried: the CLI contract is one line per error.
        message = " ".join(self.message.split())
        return f"{where}: {message}" if where else message


class GlossaryError(TarjamaError):
    """The glossary file is malformed or inconsistent (with file, line, column)."""


class InputFileError(TarjamaError):
    """An input path is missing, unreadable, or not a regular file."""


class InputDecodeError(TarjamaError):
    """An input file is not text in an encoding tarjama accepts."""


class OutputError(TarjamaError):
    """An output path cannot be written (permission, a directory, disk full)."""


class LockTimeout(TarjamaError):
    """Another tarjama process held the glossary lock for too long."""


class ModelNotInstalled(TarjamaError):
    """No translation package is installed for the requested language pair."""


class PackageError(TarjamaError):
    """An Argos package (.argosmodel or folder) is broken, unsafe or for another pair."""


class PackageIndexError(TarjamaError):
    """The Argos package index could not be reached or read."""


class EngineError(TarjamaError):
    """The translation engine failed on a package that looked valid."""


class MissingExtra(TarjamaError):
    """An optional feature's dependency is not installed (the message names the extra)."""
