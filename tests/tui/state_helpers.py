"""Helpers for the reading-state tests: an app with its own state file, notices, rows."""

from __future__ import annotations

from pathlib import Path

from qatui.config import LoadedConfig
from qatui.corpus.model import Asker, Record, Reply
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.store.writer import Store
from qatui.tui.app import QATuiApp
from qatui.tui.startup import make_app
from qatui.tui.widgets.question_list import QuestionList
from qatui.tui.widgets.related_links import RelatedLinks
from qatui.userstate import UserState, use_state_of_corpus

SIZE = (120, 40)


def state_app(db: Path, tmp_path: Path, config: LoadedConfig | None = None) -> QATuiApp:
    """The reader over ``db`` with its state in ``tmp_path/state.db`` and exports beside it."""
    return make_app(
        db,
        state_path=tmp_path / "state.db",
        config=config,
        export_folder=tmp_path / "exports",
    )


def saved_state(db: Path, tmp_path: Path) -> UserState:
    """The state the reader over ``db`` keeps in ``tmp_path/state.db``: that corpus's own."""
    state = UserState.open(tmp_path / "state.db")
    store = Store.open(db)
    try:
        use_state_of_corpus(state, CorpusReader(store.conn), db)
    finally:
        store.close()
    return state


def notices(app: QATuiApp) -> list[str]:
    """The texts of the notifications on screen."""
    return [notification.message for notification in app._notifications]


def rows(app: QATuiApp) -> list[tuple[int, str]]:
    """(id, title) of every loaded row of the question list, in order."""
    listing = app.query_one(QuestionList)
    return [(row.id, row.title) for i in range(listing.row_count) if (row := listing.row_at(i))]


def row_line(app: QATuiApp, index: int) -> str:
    """The text the question list draws for row ``index`` (from the top, unscrolled)."""
    return app.query_one(QuestionList).render_line(index).text


def related_prompts(app: QATuiApp) -> list[str]:
    """The Related pane's entries as text (headings, notes and links, a link's lines joined
    by a newline)."""
    related = app.query_one(RelatedLinks)
    return [str(related.get_option_at_index(i).prompt) for i in range(related.option_count)]


def move_to(app: QATuiApp, title: str) -> int:
    """Put the list's cursor on the row titled ``title``; its id."""
    listing = app.query_one(QuestionList)
    for index, (question_id, row_title) in enumerate(rows(app)):
        if row_title == title:
            listing.cursor = index
            return question_id
    raise AssertionError(f"no row titled {title!r}")


# (title, specialty, asked, replied, age, gender)
VARIED = [
    ("Same day answer", "Urology", "2019-03-01", "2019-03-01", "20~29", "male"),
    ("Answered in a week", "Urology", "2019-05-01", "2019-05-08", "30~39", "female"),
    ("Answered in a month", "Urology", "2020-01-10", "2020-02-09", "30~39", "female"),
    ("Answered next day", "Dermatology", "2020-06-01", "2020-06-02", "40~49", "male"),
    ("Answered after three days", "Dermatology", "2021-02-01", "2021-02-04", "30~39", None),
    ("Never answered", "Dermatology", "2021-08-08", None, None, "female"),
]


def build_varied_corpus(path: Path) -> Path:
    """Six pages with different reply delays, asker ages and genders, 2019 to 2021."""
    store = Store.open(path)
    with store.transaction():
        for title, specialty, asked, replied, age, gender in VARIED:
            replies = (Reply("Lin", specialty, f"Reply to {title}.", replied),) if replied else ()
            store.upsert(
                Record(
                    title=title,
                    specialty=specialty,
                    question="What should I do?",
                    asker=Asker("Ann", age, gender),
                    asked_on=asked,
                    replies=replies,
                )
            )
    store.close()
    return path
