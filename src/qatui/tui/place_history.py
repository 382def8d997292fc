"""Back and forward through what was opened, like a browser."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class History(Generic[T]):
    """A list of visited places with a cursor; visiting after going back drops the forward part."""

    limit: int = 500
    _places: list[T] = field(default_factory=list)
    _index: int = -1

    @property
    def current(self) -> T | None:
        return self._places[self._index] if self._index >= 0 else None

    @property
    def can_go_back(self) -> bool:
        return self._index > 0

    @property
    def can_go_forward(self) -> bool:
        return self._index < len(self._places) - 1

    def visit(self, place: T) -> None:
        if self.current == place:
            return
        del self._places[self._index + 1 :]
        self._places.append(place)
        if len(self._places) > self.limit:
            del self._places[0]
        self._index = len(self._places) - 1

    def back(self) -> T | None:
        if not self.can_go_back:
            return None
        self._index -= 1
        return self.current

    def forward(self) -> T | None:
        if not self.can_go_forward:
            return None
        self._index += 1
        return self.current
