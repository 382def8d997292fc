"""The shipped import profiles: mapping files (see :mod:`qatui.corpus.ingest.mapping`) for
real sources, one TOML file each, named after the file."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

from qatui.corpus.ingest.mapping import MappingError, RecordMapping, mapping_from_toml


@dataclass(frozen=True)
class Profile:
    """A named mapping for one real source."""

    name: str
    mapping: RecordMapping

    @property
    def description(self) -> str:
        return self.mapping.description

    @property
    def replies_per_row(self) -> bool:
        """Whether the source writes one row per answer (rows of one question to merge)."""
        return self.mapping.replies_per_row


@functools.cache
def profiles() -> dict[str, Profile]:
    """Every shipped profile by name."""
    found: dict[str, Profile] = {}
    for entry in sorted(resources.files(__name__).iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".toml"):
            name = entry.name.removesuffix(".toml")
            found[name] = Profile(name, mapping_from_toml(entry.read_text("utf-8"), entry.name))
    return found


def profile(name: str) -> Profile:
    """The profile called ``name``; MappingError listing the profiles there are."""
    known = profiles()
    if name not in known:
        raise MappingError(
            f"--profile: no profile {name!r}; there are: "
            + "; ".join(f"{p.name} ({p.description})" for p in known.values())
        )
    return known[name]
