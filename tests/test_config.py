"""The TOML config: valid files, invalid ones (defaults and warnings), saving the theme."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from qatui.config import CONFIG_ENV, Config, config_path, load_config, save_theme, toml_string
from qatui.paths import config_dir


@pytest.fixture(autouse=True)
def no_config_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CONFIG_ENV, raising=False)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "conf" / "config.toml"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_gives_defaults_quietly(path: Path) -> None:
    loaded = load_config(path)
    assert loaded.config == Config()
    assert loaded.warnings == []
    assert loaded.path == path


def test_default_location_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert config_path() == config_dir() / "config.toml"
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path / "mine.toml"))
    assert config_path() == tmp_path / "mine.toml"
    write(tmp_path / "mine.toml", 'theme = "nord"\n')
    assert load_config().config.theme == "nord"


def test_a_full_valid_file(path: Path) -> None:
    write(
        path,
        """
        database = "/data/corpus.db"
        theme = "textual-light"
        more_info_folded = true

        [keys]
        "app.flip_order" = "O"
        toggle_more_info = "m,f2"
        """.replace("        ", ""),
    )
    loaded = load_config(path)
    assert loaded.warnings == []
    assert loaded.config == Config(
        database=Path("/data/corpus.db"),
        theme="textual-light",
        more_info_folded=True,
        keys={"app.flip_order": "O", "toggle_more_info": "m,f2"},
    )


def test_database_paths_expand_home_and_start_at_the_config_folder(path: Path) -> None:
    write(path, 'database = "corpora/med.db"\n')
    assert load_config(path).config.database == path.parent / "corpora" / "med.db"
    write(path, 'database = "~/med.db"\n')
    assert load_config(path).config.database == Path.home() / "med.db"


def test_bad_toml_gives_defaults_and_says_where(path: Path) -> None:
    write(path, 'theme = "nord"\nmore_info_folded = yes\n')
    loaded = load_config(path)
    assert loaded.config == Config()
    [warning] = loaded.warnings
    assert warning.startswith(f"{path}: is not valid TOML")
    assert "line 2" in warning
    assert "using the defaults" in warning


def test_wrong_types_drop_only_the_wrong_setting(path: Path) -> None:
    write(
        path,
        'database = 5\ntheme = ["a"]\nmore_info_folded = "yes"\nkeys = "ctrl+q"\n',
    )
    loaded = load_config(path)
    assert loaded.config == Config()
    assert len(loaded.warnings) == 4
    database, theme, folded, keys = loaded.warnings
    assert database == f"{path}: database should be a path in quotes, not a number; ignored"
    assert theme == f"{path}: theme should be a theme name in quotes, got ['a']; ignored"
    assert folded == f"{path}: more_info_folded should be true or false, got 'yes'; using false"
    assert keys.startswith(f"{path}: keys should be a table")


def test_good_settings_survive_beside_bad_ones(path: Path) -> None:
    write(path, 'theme = "nord"\nmore_info_folded = 1\n[keys]\nquit = "q"\nhelp = 3\n')
    loaded = load_config(path)
    assert loaded.config == Config(theme="nord", keys={"quit": "q"})
    assert [w.split(": ", 1)[1] for w in loaded.warnings] == [
        "more_info_folded should be true or false, got 1; using false",
        "[keys] 'help' should be a key in quotes such as \"ctrl+r\", got 3",
    ]


def test_unknown_settings_are_named(path: Path) -> None:
    write(path, 'theme = "nord"\ncolour = "red"\n[extra]\na = 1\n')
    loaded = load_config(path)
    assert loaded.config.theme == "nord"
    assert loaded.warnings == [
        f"{path}: unknown setting 'colour' ignored "
        "(known: database, theme, more_info_folded, keys)",
        f"{path}: unknown setting 'extra' ignored (known: database, theme, more_info_folded, keys)",
    ]


def test_empty_and_control_character_values_are_refused(path: Path) -> None:
    write(path, 'database = "  "\ntheme = "dark\\u001b[2J"\n[keys]\nquit = ""\n')
    loaded = load_config(path)
    assert loaded.config == Config()
    assert len(loaded.warnings) == 3
    assert all("\x1b" not in warning for warning in loaded.warnings)


def test_unreadable_inputs_give_defaults(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b'theme = "\xff\xfe"\n')
    loaded = load_config(path)
    assert loaded.config == Config()
    assert loaded.warnings == [f"{path}: is not UTF-8 text; using the defaults"]
    path.unlink()
    path.mkdir()
    loaded = load_config(path)
    assert loaded.config == Config()
    assert loaded.warnings[0].startswith(f"{path}: cannot be read")


def test_key_warnings_name_unknown_binding_ids() -> None:
    config = Config(keys={"app.quit": "q", "zoom": "f", "app.halp": "h"})
    assert config.key_warnings({"app.quit", "app.help"}) == [
        "[keys] 'zoom': no binding has this id (Help, ?, lists every id)",
        "[keys] 'app.halp': no binding has this id (did you mean app.help? Help, ?, lists "
        "every id)",
    ]


# -- saving the theme -----------------------------------------------------------------------


def test_save_theme_creates_the_file(path: Path) -> None:
    assert save_theme("nord", path) is None
    assert path.read_text(encoding="utf-8") == 'theme = "nord"\n'
    assert load_config(path).config.theme == "nord"


def test_save_theme_keeps_the_rest_of_the_file(path: Path) -> None:
    original = (
        "# my settings\n"
        'theme = "old"  # the old one\n'
        "more_info_folded = true\n"
        "\n"
        "[keys]\n"
        'theme = "t"  # a binding id called theme stays\n'
    )
    write(path, original)
    assert save_theme("gruvbox", path) is None
    assert path.read_text(encoding="utf-8") == original.replace(
        'theme = "old"  # the old one', 'theme = "gruvbox"'
    )
    config = load_config(path).config
    assert (config.theme, config.more_info_folded, config.keys) == (
        "gruvbox",
        True,
        {"theme": "t"},
    )


def test_save_theme_adds_the_line_above_tables(path: Path) -> None:
    write(path, '[keys]\nquit = "q"\n')
    assert save_theme("nord", path) is None
    assert tomllib.loads(path.read_text(encoding="utf-8")) == {
        "theme": "nord",
        "keys": {"quit": "q"},
    }


def test_save_theme_escapes_the_name(path: Path) -> None:
    name = 'odd "name" \\ with\ttab'
    assert save_theme(name, path) is None
    assert load_config(path).config.theme is None  # a tab is not a theme name the app accepts
    assert tomllib.loads(path.read_text(encoding="utf-8"))["theme"] == name
    assert tomllib.loads(f"x = {toml_string(name)}")["x"] == name


def test_save_theme_leaves_an_invalid_file_alone(path: Path) -> None:
    write(path, "theme = = broken\n")
    message = save_theme("nord", path)
    assert message is not None and message.startswith(f"{path}: the theme was not saved")
    assert path.read_text(encoding="utf-8") == "theme = = broken\n"


def test_save_theme_refuses_a_layout_it_cannot_edit_safely(path: Path) -> None:
    tricky = 'notes = """\ntheme = "inside a string"\n"""\n'
    write(path, tricky)
    message = save_theme("nord", path)
    assert message is not None and "too unusual" in message
    assert path.read_text(encoding="utf-8") == tricky


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_save_theme_reports_an_unwritable_folder(path: Path) -> None:
    write(path, 'theme = "a"\n')
    path.parent.chmod(0o555)
    try:
        message = save_theme("nord", path)
    finally:
        path.parent.chmod(0o755)
    assert message is not None and "not saved" in message
    assert path.read_text(encoding="utf-8") == 'theme = "a"\n'


def test_save_theme_leaves_no_temporary_files(path: Path) -> None:
    assert save_theme("a", path) is None
    assert save_theme("b", path) is None
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]
