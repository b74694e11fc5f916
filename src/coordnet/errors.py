"""The exceptions coordnet raises, in one place.

The library raises, the CLI reports: a :class:`CoordnetError` becomes one ``Error: ...`` line and
exit code 2; anything else is a bug and keeps its traceback. Each class also subclasses the
matching builtin so that callers can catch ``ValueError`` or ``OSError`` as usual::

    CoordnetError
    ├── InputError (ValueError)           bad input data or arguments
    │   ├── UnknownFormatError            no reader recognises a file
    │   ├── MissingColumnsError           a reader's required columns are absent
    │   └── MappingError                  a column mapping / preset is invalid
    ├── StoreError (RuntimeError)         the canonical store cannot be opened or written
    └── MissingDependencyError (ImportError)  an optional extra is not installed
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "CoordnetError",
    "InputError",
    "MappingError",
    "MissingColumnsError",
    "MissingDependencyError",
    "StoreError",
    "UnknownFormatError",
]


class CoordnetError(Exception):
    """Base class of every error coordnet raises on purpose."""


class InputError(CoordnetError, ValueError):
    """Input data or arguments that coordnet cannot use; the message names file and fix."""


class UnknownFormatError(InputError):
    """No reader recognises the file; the message lists the formats that came closest."""


class MissingColumnsError(InputError):
    """A file lacks columns its reader needs.

    Attributes ``path``, ``missing`` and ``suggestions`` (missing column -> closest present
    columns) let callers build their own message.
    """

    def __init__(
        self,
        path: str,
        reader: str,
        missing: Sequence[str],
        suggestions: dict[str, list[str]],
    ) -> None:
        self.path = path
        self.reader = reader
        self.missing = list(missing)
        self.suggestions = suggestions
        parts = []
        for col in self.missing:
            close = suggestions.get(col) or []
            hint = f" (closest: {', '.join(close)})" if close else ""
            parts.append(f"{col}{hint}")
        super().__init__(
            f"{path}: not readable as {reader}: missing required column(s) {'; '.join(parts)}"
        )


class MappingError(InputError):
    """A column mapping or preset names unknown fields or columns."""


class StoreError(CoordnetError, RuntimeError):
    """The canonical store cannot be opened, created or written."""


class MissingDependencyError(CoordnetError, ImportError):
    """An optional dependency is needed; the message says which extra to install."""
