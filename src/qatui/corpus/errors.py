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

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        if self.unit != "line" and self.line is not None:
            where = f"{self.source} ({self.unit} {self.line})"
        return f"{where}: {self.reason}"


class StoreError(Exception):
    """The database cannot be used as asked: it says which file and what to do."""
