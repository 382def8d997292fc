"""Where things live: the corpus database, the user-state database and the config file."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "qatui"
DB_ENV = "QATUI_DB"


def data_dir() -> Path:
    import platformdirs  # not at import: a command given --db never asks

    return Path(platformdirs.user_data_dir(APP_NAME))


def default_db_path() -> Path:
    """The default corpus database: ``user_data_dir("qatui")/corpus.db``."""
    return data_dir() / "corpus.db"


def resolve_db_path(option: str | None) -> tuple[Path, bool]:
    """The database to use and whether it is the default one (``--db``, then ``QATUI_DB``)."""
    if option:
        return Path(option).expanduser(), False
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return Path(from_env).expanduser(), False
    return default_db_path(), True


def config_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME))


def default_export_folder() -> Path:
    """Where the reader's exports go: ``user_documents_dir()/qatui``."""
    import platformdirs

    return Path(platformdirs.user_documents_dir()) / APP_NAME


def state_db_path() -> Path:
    """The user's own state (read marks, bookmarks, history), apart from the corpus."""
    return data_dir() / "state.db"
