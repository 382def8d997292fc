"""The importer's own error: it always names the input, the line (or record) and the reason."""

from __future__ import annotations


class CorpusInputError(Exception):
    """An input that cannot be imported, with where and why."""

    def __init__(self, source: str, line: int | None, reason: str, *, unit: str = "line") -> None:
        self.source = source
        self.line = line
        self.reason = reason
        self.unit = unit
        super().__init__(str(self))

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled by its parts (a page-parsing process sends errors back to the importer)."""
        return (_input_error, (self.source, self.line, self.reason, self.unit))

    @property
    def place(self) -> str:
        """Where: ``file:line``, ``file (record 3)`` or just ``file``."""
        if self.line is None:
            return self.source
        if self.unit != "line":
            return f"{self.source} ({self.unit} {self.line})"
        return f"{self.source}:{self.line}"

    def __str__(self) -> str:
        return f"{self.place}: {self.reason}"


def _input_error(source: str, line: int | None, reason: str, unit: str) -> CorpusInputError:
    return CorpusInputError(source, line, reason, unit=unit)


class StoreError(Exception):
    """The database cannot be used as asked: it says which file and what to do."""
