"""The config file in the reader: theme remembered, key remaps by binding id, More Info folded,
the default database, and warnings (never a crash) for a bad file."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot

from qatui.config import CONFIG_ENV, load_config
from qatui.tui import app as app_module
from qatui.tui.app import QATuiApp
from qatui.tui.reader_screen import ReaderScreen
from qatui.tui.scenes import settle
from qatui.tui.screens.bookmarks import BookmarksScreen
from qatui.tui.screens.dialogs import ConfirmScreen, NoteScreen
from qatui.tui.screens.export_dialog import ExportScreen
from qatui.tui.screens.history import HistoryScreen
from qatui.tui.screens.timeline import TimelineScreen
from qatui.tui.startup import run_reader
from qatui.tui.widgets.histogram import Histogram
from qatui.tui.widgets.question_list import QuestionList
from tests.tui.corpus_builder import build_reader_corpus
from tests.tui.state_helpers import SIZE, notices, saved_state, state_app


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


async def test_a_theme_chosen_in_the_app_is_remembered(reader_db: Path, tmp_path: Path) -> None:
    config_file = write_config(tmp_path, "# my settings\nmore_info_folded = false\n")
    app = state_app(reader_db, tmp_path, load_config(config_file))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme != "textual-light"
        app.theme = "textual-light"  # what the palette's "Change theme" does
        await settle(pilot)
    saved = tomllib.loads(config_file.read_text(encoding="utf-8"))
    assert saved == {"theme": "textual-light", "more_info_folded": False}
    assert "# my settings" in config_file.read_text(encoding="utf-8")

    again = state_app(reader_db, tmp_path, load_config(config_file))
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.theme == "textual-light"
        assert notices(again) == []


async def test_the_config_remaps_a_key_by_binding_id(reader_db: Path, tmp_path: Path) -> None:
    config_file = write_config(tmp_path, '[keys]\n"app.toggle_read" = "z"\n')
    app = state_app(reader_db, tmp_path, load_config(config_file))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        question_id = app.query_one(QuestionList).current_row.id  # type: ignore[union-attr]
        await pilot.press("u")
        await settle(pilot)
        assert question_id not in app.query_one(QuestionList).marks
        await pilot.press("z")
        await settle(pilot)
        assert question_id in app.query_one(QuestionList).marks
    state = saved_state(reader_db, tmp_path)
    assert state.is_read(question_id)
    state.close()


async def test_a_bad_config_warns_and_the_reader_starts(reader_db: Path, tmp_path: Path) -> None:
    config_file = write_config(
        tmp_path,
        'theme = "no-such-theme"\nmore_info_folded = true\ncolour = 3\n'
        '[keys]\n"app.no_such_binding" = "z"\n"app.timeline" = "ctrl+t"\n',
    )
    app = state_app(reader_db, tmp_path, load_config(config_file))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = "\n".join(notices(app))
        assert "unknown setting 'colour'" in shown
        assert "'no-such-theme' is not a theme" in shown
        assert "'app.no_such_binding': no binding has this id" in shown
        assert app.theme == "textual-dark"
        assert app.reader.more_info_folded
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)


async def test_a_remap_of_a_dialog_binding_is_known_though_dialogs_load_late(
    reader_db: Path, tmp_path: Path
) -> None:
    """The dialogs are imported on demand; a [keys] entry for one is still checked against
    their binding ids, not refused as unknown."""
    config_file = write_config(tmp_path, '[keys]\n"bookmarks.remove" = "x"\n')
    app = state_app(reader_db, tmp_path, load_config(config_file))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert notices(app) == []
        assert app.key_remaps == {"bookmarks.remove": "x"}


async def test_a_config_that_is_not_toml_warns(reader_db: Path, tmp_path: Path) -> None:
    config_file = write_config(tmp_path, "theme = [unclosed\n")
    app = state_app(reader_db, tmp_path, load_config(config_file))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("is not valid TOML" in text for text in notices(app))
        assert app.query_one(QuestionList).matching == 13


def test_the_config_database_replaces_the_default_one(
    reader_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_file = write_config(tmp_path, f'database = "{reader_db}"\n')
    monkeypatch.setenv(CONFIG_ENV, str(config_file))
    monkeypatch.setenv("QATUI_STATE_DB", str(tmp_path / "state.db"))
    opened: list[Path] = []

    def run(self: QATuiApp) -> None:
        opened.append(self.corpus.path)

    monkeypatch.setattr(QATuiApp, "run", run)
    default = tmp_path / "default" / "corpus.db"
    assert run_reader(default, build_sample=True) == 0
    assert opened == [reader_db]
    assert not default.exists()  # no sample corpus was built there
    assert run_reader(default, build_sample=False) == 2  # --db or QATUI_DB: no such file
    assert not default.parent.exists()
    other = build_reader_corpus(tmp_path / "other.db")
    assert run_reader(other, build_sample=False) == 0  # --db or QATUI_DB: the config yields
    assert opened[-1] == other


def test_every_new_binding_has_a_description_and_an_id() -> None:
    holders = (
        QATuiApp,
        BookmarksScreen,
        HistoryScreen,
        TimelineScreen,
        Histogram,
        ExportScreen,
        NoteScreen,
        ConfirmScreen,
    )
    for holder in holders:
        for binding in holder.BINDINGS:
            assert binding.description, binding  # type: ignore[union-attr]
            assert binding.id, binding  # type: ignore[union-attr]
    assert set(app_module.dialog_screens()) >= set(holders[1:])


def test_the_reader_exits_non_zero_after_a_crash_screen(
    reader_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 #8: a crash in the reader showed its traceback screen, then exited 0."""
    monkeypatch.setenv("QATUI_STATE_DB", str(tmp_path / "state.db"))
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path / "no-config.toml"))

    def crash(self: ReaderScreen) -> None:
        raise RuntimeError("a bug in an action")

    async def press_o(pilot: Pilot[object]) -> None:
        await pilot.press("o")

    def run(self: QATuiApp) -> None:
        App.run(self, headless=True, size=(80, 24), auto_pilot=press_o)

    monkeypatch.setattr(ReaderScreen, "action_flip_order", crash)
    monkeypatch.setattr(QATuiApp, "run", run)
    assert run_reader(reader_db, build_sample=False) == 1
