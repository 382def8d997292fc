"""Start-up cost: the reader does not import what it does not need to show the first rows, and
the command line imports each command's heavy parts only when that command runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from qatui.cli import COMMANDS
from qatui.corpus.model import Record
from qatui.corpus.store.writer import Store

NOT_AT_START = ("sqlite_utils",)
"""Modules the reader's start never needs (sqlite_utils alone took ~200 ms of imports)."""

NOT_FOR_THE_COMMAND_LINE = ("textual", "sqlite_utils", "ftfy", "qatui.synthetic")
"""What ``import qatui.cli`` never loads: the reader, the importer's helpers, the generator."""

NOT_FOR_SEARCH = (
    *NOT_FOR_THE_COMMAND_LINE,
    "qatui.corpus.ingest.mapping",
    "rich.progress",
    "qatui.corpus.ingest.dates",
    "qatui.corpus.export",
    "qatui.cli.check",
    "qatui.cli.importing",
    "qatui.cli.similar",
    "qatui.corpus.search.similar",
    "qatui.corpus.store.writer",
    "qatui.corpus.store.migrations",
    "qatui.corpus.store.schema",
    "hashlib",
)
"""What ``qatui search --json`` (no date option, a corpus at the current schema) never loads:
it reads, it does not import or draw, parse dates, export, rank similar questions, write or
migrate (the writer's identity keys are what imported hashlib)."""

LAZY_IN_THE_CORE = ("rapidfuzz", "opencc", "uuid", "hashlib", "secrets", "platformdirs")
"""What importing the command line (and so the core's search and store modules) leaves for later:
suggestions (rapidfuzz), CJK folding (opencc), a new corpus's id (uuid), identity keys
(hashlib), scratch file names (secrets), the default folders (platformdirs)."""

NOT_FOR_A_PLAIN_SEARCH = ("rapidfuzz", "opencc", "secrets", "platformdirs", "tempfile", "random")
"""What a Latin search with enough matches and ``--db`` given never loads, even at run time
(tempfile and random: the writability probe makes an unnamed file where the system can)."""


def loaded_modules(code: str) -> list[str]:
    """The modules a fresh interpreter holds after running ``code``."""
    printed = subprocess.run(
        [sys.executable, "-c", f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return printed.splitlines()[-1].split()


def among(loaded: list[str], packages: tuple[str, ...]) -> list[str]:
    """The loaded modules that are one of ``packages`` or inside one."""
    return [name for name in loaded if any(name == p or name.startswith(p + ".") for p in packages)]


@pytest.mark.parametrize("module", ["qatui.corpus.store.read_pool", "qatui.cli", "qatui.tui.app"])
def test_starting_imports_no_heavy_optional_module(module: str) -> None:
    loaded = loaded_modules(f"import {module}")
    assert not [name for name in loaded if name.split(".")[0] in NOT_AT_START]


DIALOGS = (
    "qatui.tui.screens.bookmarks",
    "qatui.tui.screens.dialogs",
    "qatui.tui.screens.export_dialog",
    "qatui.tui.screens.help",
    "qatui.tui.screens.history",
    "qatui.tui.screens.timeline",
    "qatui.tui.screens.topics",
    "qatui.tui.widgets.histogram",
)
"""Screens the reader's first frame does not show: imported when opened (or to check a remap)."""


NOT_FOR_THE_FIRST_FRAME = ("tomllib", "webbrowser", "qatui.tui.export_files", "qatui.corpus.export")
"""What the reader's start leaves until used: the TOML parser (a config file to read), the
browser launcher (``w``), and the exports and citations (``e``, ``c``)."""


def test_the_reader_imports_its_dialogs_only_when_they_open() -> None:
    loaded = loaded_modules("import qatui.tui.startup")
    assert "qatui.tui.reader_screen" in loaded  # the check sees the reader itself
    assert among(loaded, DIALOGS) == []


def test_the_reader_leaves_the_config_parser_browser_and_exports_until_used() -> None:
    loaded = loaded_modules("import qatui.tui.startup")
    assert "qatui.config" in loaded
    assert among(loaded, NOT_FOR_THE_FIRST_FRAME) == []


def test_importing_the_command_line_loads_no_reader_importer_or_generator() -> None:
    loaded = loaded_modules("import qatui.cli")
    assert "qatui.cli.common" in loaded  # the check sees the command line's modules
    assert among(loaded, NOT_FOR_THE_COMMAND_LINE) == []


COMMAND_MODULES = tuple(sorted({f"qatui.cli.{module}" for module, _, _ in COMMANDS.values()}))
"""Every command's module under qatui.cli."""


def test_the_command_line_imports_no_command_module_until_one_is_parsed() -> None:
    assert among(loaded_modules("import qatui.cli"), COMMAND_MODULES) == []


def test_parsing_a_command_imports_that_command_module_alone() -> None:
    loaded = loaded_modules(
        "import qatui.cli\nqatui.cli.build_parser().parse_args(['search', 'x'])"
    )
    assert among(loaded, COMMAND_MODULES) == ["qatui.cli.search"]


def small_corpus(path: Path, questions: int = 1) -> Path:
    """A corpus of ``questions`` questions about leg pain."""
    store = Store.open(path)
    with store.transaction():
        for number in range(1, questions + 1):
            store.upsert(
                Record(id=number, title="Sciatica", specialty="Neurology", question="leg pain")
            )
    store.close()
    return path


def search_run(path: Path, query: str) -> str:
    return (
        f"import qatui.cli\nqatui.cli.main(['search', '--db', {str(path)!r}, {query!r}, '--json'])"
    )


def test_search_as_json_loads_only_what_reading_needs(tmp_path: Path) -> None:
    loaded = loaded_modules(search_run(small_corpus(tmp_path / "corpus.db"), "pain"))
    assert "qatui.corpus.listing" in loaded  # it did search
    assert among(loaded, NOT_FOR_SEARCH) == []


@pytest.mark.parametrize(
    "module",
    ["qatui.cli", "qatui.cli.search", "qatui.corpus.listing", "qatui.corpus.store.health"],
)
def test_the_core_leaves_optional_helpers_until_they_are_needed(module: str) -> None:
    loaded = loaded_modules(f"import {module}")
    assert among(loaded, LAZY_IN_THE_CORE) == []


def test_a_plain_search_never_loads_the_suggester_or_cjk_folding(tmp_path: Path) -> None:
    loaded = loaded_modules(search_run(small_corpus(tmp_path / "corpus.db", 3), "pain"))
    assert "qatui.corpus.search.suggest" in loaded  # it asked whether a suggestion is due
    assert among(loaded, NOT_FOR_A_PLAIN_SEARCH) == []


def test_a_search_finding_nothing_loads_the_suggester_when_it_suggests(tmp_path: Path) -> None:
    loaded = loaded_modules(search_run(small_corpus(tmp_path / "corpus.db", 3), "pian"))
    assert "rapidfuzz" in loaded  # the other tests would pass if rapidfuzz were never seen


def test_the_cjk_pattern_is_compiled_only_for_text_outside_ascii() -> None:
    code = (
        "from qatui.corpus.search import cjk\n"
        "assert not cjk.has_cjk('leg pain')\n"
        "print(cjk.cjk_char.cache_info().currsize)\n"
        "assert cjk.has_cjk('腰痛') and not cjk.has_cjk('café')\n"
        "print(cjk.cjk_char.cache_info().currsize)"
    )
    printed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert printed == ["0", "1"]


NOT_FOR_OPENING_A_CURRENT_CORPUS = (
    "qatui.corpus.store.writer",
    "qatui.corpus.store.import_session",
    "hashlib",
)
"""What the reader's start leaves unloaded when the corpus is at the current schema: the writer
(only a file to create or migrate needs it) and the identity keys' hashlib."""


def test_the_reader_opens_a_current_corpus_without_the_writer(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "corpus.db", 3)
    code = (
        "from pathlib import Path\n"
        "from qatui.tui.startup import make_app\n"
        f"app = make_app(Path({str(corpus)!r}), state_path=Path({str(tmp_path / 'state.db')!r}))\n"
        "with app.corpus.reader() as reader:\n"
        "    assert reader.conn.execute('SELECT count(*) FROM questions').fetchone()[0] == 3\n"
    )
    loaded = loaded_modules(code)
    assert "qatui.tui.reader_screen" in loaded  # the check sees the reader itself
    assert among(loaded, NOT_FOR_OPENING_A_CURRENT_CORPUS) == []
