"""The user's TOML config file: default database, theme, More Info folding, key remaps.

Loading never raises: a setting that is wrong is replaced by its default and described in a
warning (the file and what is wrong), so the app can start and say so.

Example ``config.toml``::

    database = "~/medqa/corpus.db"   # a path; relative paths start at the config folder
    theme = "textual-light"
    more_info_folded = true

    [keys]
    "app.toggle_more_info" = "ctrl+o"   # binding id (see the help screen) = key(s)
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qatui.corpus.files import NotARegularFile, read_capped, replacing
from qatui.corpus.ingest.sanitize import clean_line
from qatui.paths import config_dir

CONFIG_ENV = "QATUI_CONFIG"
KNOWN_SETTINGS = ("database", "theme", "more_info_folded", "keys")
MAX_CONFIG_BYTES = 1_048_576
"""A config file is a few lines: a larger one is not read (it may be a device or a mistake)."""
Warn = Callable[[str], None]
_THEME_LINE = re.compile(r"^[ \t]*theme[ \t]*=.*$", re.MULTILINE)
_TABLE_LINE = re.compile(r"^[ \t]*\[", re.MULTILINE)


def config_path() -> Path:
    """``$QATUI_CONFIG`` if set, else ``user_config_dir("qatui")/config.toml``."""
    from_env = os.environ.get(CONFIG_ENV)
    return Path(from_env).expanduser() if from_env else config_dir() / "config.toml"


@dataclass(frozen=True)
class Config:
    """The settings; each is None/empty when the file does not set it (the app's default)."""

    database: Path | None = None
    theme: str | None = None
    more_info_folded: bool = False
    keys: dict[str, str] = field(default_factory=dict)

    def key_warnings(self, binding_ids: set[str]) -> list[str]:
        """A one-line warning for each remapped binding id the app does not have, with the
        nearest ids (Help lists them all)."""
        warnings = []
        for name in self.keys:
            if name in binding_ids:
                continue
            near = difflib.get_close_matches(name, sorted(binding_ids), n=2, cutoff=0.7)
            hint = f"did you mean {' or '.join(near)}? " if near else ""
            warnings.append(
                f"[keys] {_show(name)}: no binding has this id ({hint}Help, ?, lists every id)"
            )
        return warnings


@dataclass(frozen=True)
class LoadedConfig:
    """The config to use, the file it came from, and what was wrong with that file."""

    config: Config
    path: Path
    warnings: list[str]


def _show(value: object) -> str:
    """A value quoted for a warning, safe for a terminal."""
    return clean_line(repr(value))[:80]


def _type_name(value: object) -> str:
    return {bool: "true/false", str: "text", int: "a number", float: "a number"}.get(
        type(value), "a table" if isinstance(value, dict) else "a list"
    )


class _Unreadable(Exception):
    """The config file cannot be used at all; the message says why (after the file's name)."""


def _read_text(path: Path) -> str | None:
    """The file's text (None when it does not exist); :class:`_Unreadable` when it cannot be read:
    not a regular file (a FIFO would block, ``/dev/zero`` never ends), too large, not UTF-8."""
    try:
        raw = read_capped(path, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        return None
    except NotARegularFile as error:
        raise _Unreadable(f"is {error.strerror}") from None
    except ValueError:
        raise _Unreadable(f"is larger than {MAX_CONFIG_BYTES // 1024} KiB") from None
    except OSError as error:
        raise _Unreadable(f"cannot be read ({error.strerror or error})") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _Unreadable("is not UTF-8 text") from None


def _parse(text: str) -> dict[str, Any]:
    import tomllib  # only a config file needs it: not loaded when there is none

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _Unreadable(f"is not valid TOML ({clean_line(str(error))})") from None
    except RecursionError:  # tomllib recurses once per level of nested arrays or tables
        raise _Unreadable("is nested too deeply to be a qatui config") from None


def load_config(path: Path | None = None) -> LoadedConfig:
    """Read the config file (missing is fine); never raises."""
    path = path or config_path()
    warnings: list[str] = []

    def warn(message: str) -> None:
        warnings.append(f"{path}: {message}")

    try:
        text = _read_text(path)
        if text is None:
            return LoadedConfig(Config(), path, [])
        data = _parse(text)
    except _Unreadable as error:
        warn(f"{error}; using the defaults")
        return LoadedConfig(Config(), path, warnings)
    return LoadedConfig(_settings(data, path, warn), path, warnings)


def _settings(data: dict[str, Any], path: Path, warn: Warn) -> Config:
    for name in data:
        if name not in KNOWN_SETTINGS:
            warn(f"unknown setting {_show(name)} ignored (known: {', '.join(KNOWN_SETTINGS)})")
    values: dict[str, Any] = {}
    database = data.get("database")
    if database is not None:
        if not isinstance(database, str) or not database.strip():
            warn(f"database should be a path in quotes, not {_type_name(database)}; ignored")
        elif clean_line(database) != database or not database.isprintable():
            warn(f"database {_show(database)} holds a control character; ignored")
        else:
            where = Path(database.strip()).expanduser()
            values["database"] = where if where.is_absolute() else path.parent / where
    theme = data.get("theme")
    if theme is not None:
        if isinstance(theme, str) and theme.strip() and clean_line(theme) == theme:
            values["theme"] = theme.strip()
        else:
            warn(f"theme should be a theme name in quotes, got {_show(theme)}; ignored")
    folded = data.get("more_info_folded")
    if folded is not None:
        if isinstance(folded, bool):
            values["more_info_folded"] = folded
        else:
            warn(f"more_info_folded should be true or false, got {_show(folded)}; using false")
    keys = data.get("keys")
    if keys is not None:
        values["keys"] = _keys(keys, warn)
    return Config(**values)


def _keys(keys: object, warn: Warn) -> dict[str, str]:
    if not isinstance(keys, dict):
        warn(f'keys should be a table ([keys] with binding_id = "key"), not {_type_name(keys)}')
        return {}
    remaps: dict[str, str] = {}
    for name, key in keys.items():
        if isinstance(key, str) and key.strip() and clean_line(key) == key:
            remaps[name] = key.strip()
        else:
            warn(
                f'[keys] {_show(name)} should be a key in quotes such as "ctrl+r", got {_show(key)}'
            )
    return remaps


# -- saving -----------------------------------------------------------------------------------


def toml_string(text: str) -> str:
    """A TOML basic string for ``text``."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(
        f"\\u{ord(char):04x}" if ord(char) < 0x20 or ord(char) == 0x7F else char for char in escaped
    )
    return f'"{escaped}"'


def save_theme(theme: str, path: Path | None = None) -> str | None:
    """Remember the theme in the config file, keeping the rest of the file as written.

    Returns None when saved, else a message saying why not (the file is left untouched).
    """
    path = path or config_path()
    try:
        text = _read_text(path) or ""
        before = _parse(text)
    except _Unreadable as error:
        return f"{path}: the theme was not saved: the file {error}"
    line = f"theme = {toml_string(theme)}"
    first_table = _TABLE_LINE.search(text)
    top = text[: first_table.start()] if first_table else text
    if _THEME_LINE.search(top):
        updated = _THEME_LINE.sub(lambda _: line, top, count=1) + text[len(top) :]
    else:
        updated = line + "\n" + text
    try:
        after = _parse(updated)
    except _Unreadable:
        after = {}
    if after != {**before, "theme": theme}:
        return f"{path}: the theme was not saved: the file's layout is too unusual to edit safely"
    try:
        _replace_file(path, updated)
    except OSError as error:
        return f"{path}: the theme was not saved ({error.strerror or error})"
    return None


def _replace_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (a reader sees the old file or the new one); a
    symlinked config is written through the link."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as out:
        out.write(text)
