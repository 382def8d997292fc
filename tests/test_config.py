"""The TOML config: valid files, invalid ones (defaults and warnings), saving the theme."""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qatui.config import (
    CONFIG_ENV,
    KNOWN_SETTINGS,
    MAX_CONFIG_BYTES,
    Config,
    LoadedConfig,
    config_path,
    load_config,
    save_theme,
    toml_string,
)
from qatui.corpus.ingest.sanitize import clean_line
from qatui.paths import config_dir
from tests.hostile_plugin import HostileCases


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
    assert loaded.warnings == [f"{path}: is a folder, not a regular file; using the defaults"]


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


# -- hostile config files ---------------------------------------------------------------------


def test_a_deeply_nested_array_gives_defaults(path: Path) -> None:
    write(path, 'theme = "nord"\nx = ' + "[" * 100_000 + "]" * 100_000 + "\n")
    loaded = load_config(path)
    assert loaded.config == Config()
    [warning] = loaded.warnings
    assert warning.startswith(f"{path}: is nested too deeply")


def test_a_nul_in_the_database_path_is_refused(path: Path) -> None:
    write(path, 'database = "corpus\\u0000.db"\ntheme = "nord"\n')
    loaded = load_config(path)
    assert loaded.config == Config(theme="nord")
    [warning] = loaded.warnings
    assert "database" in warning and "control character" in warning
    assert "\x00" not in warning


def test_a_file_over_the_size_cap_is_not_read(path: Path) -> None:
    write(path, 'theme = "nord"\n# ' + "x" * MAX_CONFIG_BYTES + "\n")
    loaded = load_config(path)
    assert loaded.config == Config()
    [warning] = loaded.warnings
    assert "larger than" in warning


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def in_a_child(code: str, *args: str) -> str:
    """Run ``code`` in a child with time and memory limits: the old code blocks for ever on a
    FIFO and reads ``/dev/zero`` until memory runs out."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=_limit_memory,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


LOAD_AND_WARN = (
    "import sys; from pathlib import Path; from qatui.config import load_config; "
    "print(load_config(Path(sys.argv[1])).warnings)"
)


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/null"])
def test_a_device_is_refused_at_once(special: str) -> None:
    if not Path(special).exists():
        pytest.skip(f"no {special} here")
    warnings = in_a_child(LOAD_AND_WARN, special)
    assert f"{special}: is a character device, not a regular file; using the defaults" in warnings


def test_a_fifo_is_refused_instead_of_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    assert "a named pipe (FIFO), not a regular file" in in_a_child(LOAD_AND_WARN, str(fifo))


def test_save_theme_writes_through_a_symlink(tmp_path: Path) -> None:
    real = write(tmp_path / "dotfiles" / "qatui.toml", "more_info_folded = true\n")
    real.chmod(0o640)
    link = tmp_path / "conf" / "config.toml"
    link.parent.mkdir()
    link.symlink_to(real)
    assert save_theme("nord", link) is None
    assert link.is_symlink()
    assert link.resolve() == real
    assert tomllib.loads(real.read_text(encoding="utf-8")) == {
        "theme": "nord",
        "more_info_folded": True,
    }
    assert real.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == ["qatui.toml"]


def test_save_theme_leaves_a_fifo_alone(tmp_path: Path) -> None:
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    code = (
        "import sys; from pathlib import Path; from qatui.config import save_theme; "
        "print(save_theme('nord', Path(sys.argv[1])))"
    )
    assert "not a regular file" in in_a_child(code, str(fifo))
    assert stat.S_ISFIFO(fifo.stat().st_mode)


# -- the loader never raises, whatever the file holds -----------------------------------------

TOML_PIECES = st.sampled_from(
    [
        "database",
        "theme",
        "more_info_folded",
        "keys",
        "[keys]",
        "[[keys]]",
        " = ",
        '"',
        "'",
        '"""',
        "\\u0000",
        "\\u001b",
        "\\",
        "[",
        "]",
        "{",
        "}",
        ",",
        ".",
        "true",
        "1e400",
        "9" * 30,
        "1979-05-27T07:32:00Z",
        "\n",
        "#",
        "~",
        "/",
        "\x00",
        "\ufeff",
        "[" * 5_000,
        "{a=" * 5_000,
    ]
)
TOML_TEXT = st.lists(TOML_PIECES | st.text(max_size=6), max_size=30).map("".join)
SETTING_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["", " ", "~/x.db", "a\x00b", "\x1b[2J", "ctrl+q"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)


def _check_loaded(loaded: LoadedConfig) -> None:
    config = loaded.config
    if config.database is not None:
        os.fspath(config.database).encode()  # no lone surrogate
        assert "\x00" not in str(config.database)  # sqlite3.connect raises ValueError for one
    for text in (config.theme or "", *config.keys.values()):
        assert clean_line(text) == text
    assert all(clean_line(warning) == warning for warning in loaded.warnings)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TOML_TEXT)
def test_any_text_loads_without_raising(path: Path, text: str, hostile_cases: HostileCases) -> None:
    hostile_cases.add()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    _check_loaded(load_config(path))


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.dictionaries(st.sampled_from([*KNOWN_SETTINGS, "other"]), SETTING_VALUES))
def test_any_settings_load_without_raising(
    path: Path, values: dict[str, object], hostile_cases: HostileCases
) -> None:
    hostile_cases.add()
    lines = [f"{toml_string(name)} = {_toml_value(value)}" for name, value in values.items()]
    write(path, "\n".join(lines) + "\n")
    _check_loaded(load_config(path))


def _toml_value(value: object) -> str:
    """A TOML inline value for what hypothesis drew (None, which TOML lacks, as an empty table)."""
    if value is None:
        return "{}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return {"inf": "inf", "-inf": "-inf"}.get(
            str(value), "nan" if value != value else repr(value)
        )
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    assert isinstance(value, dict)
    items = (f"{toml_string(key)} = {_toml_value(item)}" for key, item in value.items())
    return "{" + ", ".join(items) + "}"
