"""The config file in the reader: theme, key remaps by binding id, and remembering the theme.

Nothing here raises on a bad setting: each problem becomes a warning the app shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import App
from textual.binding import Binding, BindingType
from textual.dom import DOMNode

from qatui.config import Config
from qatui.corpus.ingest.sanitize import clean_line


def binding_ids(*holders: type[DOMNode]) -> set[str]:
    """Every binding id of these classes (and the classes they inherit bindings from)."""
    ids: set[str] = set()
    for holder in holders:
        for cls in holder.__mro__:
            bindings: Iterable[BindingType] = getattr(cls, "BINDINGS", ()) or ()
            ids.update(b.id for b in bindings if isinstance(b, Binding) and b.id)
    return ids


def apply_config(app: App[Any], config: Config, known_ids: set[str]) -> list[str]:
    """Set the theme and the key remaps from ``config``; warnings for what cannot be used."""
    warnings: list[str] = []
    if config.theme:
        if config.theme in app.available_themes:
            app.theme = config.theme
        else:
            names = ", ".join(sorted(app.available_themes))
            warnings.append(
                f"theme {clean_line(config.theme)!r} is not a theme (themes: {names}); "
                f"using {app.theme}"
            )
    warnings += config.key_warnings(known_ids)
    remaps = key_remaps(config, known_ids)
    if remaps:
        app.set_keymap(remaps)
    return warnings


def key_remaps(config: Config, known_ids: set[str]) -> dict[str, str]:
    """The config's ``[keys]`` the app can use: binding id -> keys (``"z"``, ``"ctrl+t,T"``)."""
    return {name: keys for name, keys in config.keys.items() if name in known_ids}
