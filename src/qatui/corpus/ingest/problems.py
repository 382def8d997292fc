"""What an import noticed, in bounded memory: problems grouped by kind with their first places.

Two million bad lines must not take gigabytes: a :class:`ProblemLog` keeps a count per kind of
problem and the first few messages of each, never every message.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

MAX_EXAMPLES = 3
"""Messages kept (and shown) for each kind of problem."""

MAX_KINDS = 200
"""Kinds kept apart; problems of further kinds are counted together."""

MAX_UNMAPPED = 50
"""Unmapped column names remembered per input."""

_VARIABLE = re.compile(r"'[^']*'|\"[^\"]*\"|\b\d+\b")


def problem_kind(reason: str) -> str:
    """The reason with its particulars (quoted values, numbers) masked: the same kind of
    problem in two places gives the same kind."""
    return _VARIABLE.sub("…", reason)


@dataclass
class ProblemGroup:
    """One kind of problem: how often it happened, and the first few messages."""

    kind: str
    count: int = 0
    examples: list[str] = field(default_factory=list)


class ProblemLog:
    """Problems counted by kind, with the first :data:`MAX_EXAMPLES` messages of each."""

    def __init__(self) -> None:
        self.total = 0
        self._groups: dict[str, ProblemGroup] = {}

    def add(self, message: str, reason: str | None = None) -> None:
        """Count one problem; ``reason`` (the message without its place) gives its kind."""
        self.total += 1
        kind = problem_kind(reason if reason is not None else message)
        group = self._groups.get(kind)
        if group is None:
            if len(self._groups) >= MAX_KINDS:
                kind = "other problems"
                group = self._groups.setdefault(kind, ProblemGroup(kind))
            else:
                group = self._groups[kind] = ProblemGroup(kind)
        group.count += 1
        if len(group.examples) < MAX_EXAMPLES:
            group.examples.append(message)

    def merge(self, other: ProblemLog) -> None:
        """Add what ``other`` counted, as if its problems had been added here after these."""
        self.total += other.total
        for theirs in other.groups():
            kind = theirs.kind
            if kind not in self._groups and len(self._groups) >= MAX_KINDS:
                kind = "other problems"
            group = self._groups.setdefault(kind, ProblemGroup(kind))
            group.count += theirs.count
            room = MAX_EXAMPLES - len(group.examples)
            group.examples.extend(theirs.examples[: max(room, 0)])

    def groups(self) -> list[ProblemGroup]:
        """The kinds in the order they first happened."""
        return list(self._groups.values())

    def lines(self, label: str) -> list[str]:
        """Each kept message as ``  label: message``, and one line for the rest of each kind."""
        out: list[str] = []
        for group in self.groups():
            out.extend(f"  {label}: {example}" for example in group.examples)
            more = group.count - len(group.examples)
            if more > 0:
                out.append(f"  {label}: … and {more:,} more like it ({group.kind})")
        return out

    def __bool__(self) -> bool:
        return self.total > 0


@dataclass
class InputLog:
    """What reading the inputs noticed besides failed records: warnings, repairs, titles made
    from the question, input columns that went nowhere, files skipped."""

    warnings: ProblemLog = field(default_factory=ProblemLog)
    skipped: ProblemLog = field(default_factory=ProblemLog)
    repairs: Counter[str] = field(default_factory=Counter)
    derived_titles: int = 0
    unmapped: dict[str, dict[str, None]] = field(default_factory=dict)
    """Input column -> the inputs it was found in (ordered, at most a few)."""

    def warn(self, message: str, reason: str | None = None) -> None:
        self.warnings.add(message, reason)

    def skip(self, path: str, why: str) -> None:
        self.skipped.add(f"{path}: {why}", why)

    def note_unmapped(self, source: str, columns: list[str]) -> None:
        """Input columns of ``source`` that no record field took."""
        for column in columns:
            sources = self.unmapped.get(column)
            if sources is None:
                if len(self.unmapped) >= MAX_UNMAPPED:
                    continue
                sources = self.unmapped[column] = {}
            if len(sources) < MAX_EXAMPLES:
                sources[source] = None

    def is_empty(self) -> bool:
        """Nothing was noticed."""
        return not (
            self.warnings or self.skipped or self.repairs or self.derived_titles or self.unmapped
        )

    def merge(self, other: InputLog) -> None:
        """Add what ``other`` noticed (another process reading later inputs) to this log."""
        self.warnings.merge(other.warnings)
        self.skipped.merge(other.skipped)
        self.repairs.update(other.repairs)
        self.derived_titles += other.derived_titles
        for column, sources in other.unmapped.items():
            for source in sources:
                self.note_unmapped(source, [column])

    def unmapped_line(self) -> str | None:
        """One line naming the input columns that were not imported, or None."""
        if not self.unmapped:
            return None
        names = ", ".join(self.unmapped)
        return f"input fields not imported (map them with --map FIELD=COLUMN to keep them): {names}"
