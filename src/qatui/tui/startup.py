"""Starting the reader: the config, the sample corpus on first run, the user state, the App."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from qatui.config import LoadedConfig, load_config
from qatui.corpus.errors import StoreError
from qatui.corpus.ingest.sanitize import clean_line
from qatui.tui.app import QATuiApp
from qatui.tui.state_bridge import StateAwareCorpus, open_user_state
from qatui.tui.terminal_writer import install_tolerant_writer


def run_reader(path: Path, *, build_sample: bool) -> int:
    """Open the reader on ``path`` (building the sample corpus first if asked and missing).

    ``build_sample`` means ``path`` is the default database: the config's ``database`` wins.
    """
    loaded = load_config()
    if build_sample and loaded.config.database is not None:
        path, build_sample = loaded.config.database, False
    if not build_sample and not path.exists():
        # A mistyped --db, QATUI_DB or config path: say so, never create an empty database.
        print(
            f"qatui: no database at {clean_line(str(path))}. Import one with: "
            f"qatui import PATH --db {clean_line(str(path))}",
            file=sys.stderr,
        )
        return 2
    try:
        if build_sample and not path.exists():
            from qatui.corpus.ingest.sample import build_sample_database

            build_sample_database(path)
        app = make_app(path, config=loaded)
    except StoreError as error:
        print(f"qatui: {clean_line(str(error))}", file=sys.stderr)
        return 2
    install_tolerant_writer()  # a terminal lost mid-draw ends the reader (see the module)
    keep_what_is_loaded()
    try:
        app.run()
    finally:
        app.corpus.close()
        app.state.close()
    return app.return_code or 0  # non-zero after a crash screen


def make_app(
    path: Path,
    *,
    state_path: Path | None = None,
    config: LoadedConfig | None = None,
    export_folder: Path | None = None,
) -> QATuiApp:
    """An app over the database at ``path``, with the user state at ``state_path`` (default:
    ``$QATUI_STATE_DB`` or the user's) and ``config`` (default: no config file)."""
    state, problem = open_user_state(state_path)
    try:
        corpus = StateAwareCorpus.open_with_state(path, state)
    except BaseException:
        state.close()
        raise
    return QATuiApp(
        corpus,
        more_info_folded=config.config.more_info_folded if config else False,
        state=state,
        config=config.config if config else None,
        config_file=config.path if config else None,
        notices=[*(config.warnings if config else []), *([problem] if problem else [])],
        export_folder=export_folder,
    )


def keep_what_is_loaded() -> None:
    """Call once, just before the process's one reader runs: the modules, the config and the
    app made so far live as long as the process, so the garbage collector stops walking them
    (a full collection during the first frame took 25-40 ms). Not for tests: an app made and
    dropped after this would never be collected."""
    gc.freeze()
