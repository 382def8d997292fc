"""The topic index: every Related FAQ topic with its specialty and how many pages link to it.

Topics arrive from a thread worker a page at a time (:data:`PAGE`), in order of topic; moving
near the end of what is shown reads the next page, so the list never holds more than was
reached. Typing in the search field (``/``) narrows it. Enter closes the screen with the chosen
topic, which the reader shows as its filtered list (as the Related pane's topics do).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from qatui.corpus.store.read_pool import Corpus
from qatui.corpus.store.reader import CorpusReader
from qatui.corpus.topics import TopicQuery, TopicRow
from qatui.tui.corpus_worker import query_and_post
from qatui.tui.screens.dialog_base import Dialog
from qatui.tui.text import one_line

PAGE = 200
"""Topics read at a time."""
READ_AHEAD = 20
"""The next page is read once the cursor is this close to the end of what is shown."""
LOADING = "Loading…"


def topic_prompt(row: TopicRow, width: int) -> Content:
    """``  1,234  Kidney stones  (Urology)``: pages, the topic (corpus text), its specialty."""
    return Content.assemble(
        (f"{row.pages:>{width},}  ", "dim"),
        one_line(row.topic),
        one_line(f"  ({row.specialty})" if row.specialty else "", "dim"),
    )


class TopicScreen(Dialog[TopicRow | None]):
    """The topic index, searchable; Enter shows the chosen topic's questions."""

    DEFAULT_CSS = """
    TopicScreen { align: center middle; }
    .topics-body {
        width: 100; max-width: 100%; height: 90%;
        border: round $accent; background: $panel; padding: 0 1;
    }
    #topic-search { margin-bottom: 1; }
    #topic-items { height: 1fr; border: none; background: $panel; }
    """
    AUTO_FOCUS = "#topic-items"
    HINT = "Enter: its questions · /: search · j/k g/G Space: move · Esc/q: close"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search topics", id="topics.search"),
        Binding("T", "close", "Close", show=False, id="topics.close"),
    ]

    @dataclass
    class Loaded(Message):
        """Topics ``offset ..`` of those holding ``search`` arrived; ``total`` hold it (None:
        not counted with this page)."""

        search: str
        offset: int
        rows: list[TopicRow]
        total: int | None

    def __init__(self, corpus: Corpus) -> None:
        super().__init__()
        self.corpus = corpus
        self.rows: list[TopicRow] = []
        self.total: int | None = None
        self.search = ""
        self._asked: int | None = None
        """The offset of the page being read (None: none is)."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="topics-body") as body:
            body.border_title = Content("Topics")
            yield Input(placeholder="/ search topics", id="topic-search")
            yield OptionList(
                Option(Content.styled(LOADING, "italic"), disabled=True), id="topic-items"
            )
            yield Static(Content(self.HINT), classes="dialog-hint")

    def on_mount(self) -> None:
        self._read(0)

    # -- loading ------------------------------------------------------------------------------

    def _read(self, offset: int) -> None:
        self._asked = offset
        self._load(self.search, offset)

    @work(thread=True, exclusive=True, group="topics", exit_on_error=False)
    def _load(self, search: str, offset: int) -> None:
        query = TopicQuery(contains=search or None)

        def read(reader: CorpusReader) -> tuple[list[TopicRow], int | None]:
            rows = query.rows(reader.conn, offset, PAGE)
            return rows, query.count(reader.conn) if offset == 0 else None

        query_and_post(
            self,
            self.corpus,
            read,
            lambda found: self.Loaded(search, offset, *found),
            "reading the topics failed",
        )

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.search != self.search or message.offset != self._asked:
            return  # an answer to a search typed over since
        self._asked = None
        items = self.query_one("#topic-items", OptionList)
        if message.total is not None:
            self.total = message.total
        if message.offset == 0:
            self.rows = []
        self.rows += message.rows
        width = max((len(f"{row.pages:,}") for row in self.rows), default=1)
        prompts = [Option(topic_prompt(row, width)) for row in message.rows]
        if message.offset == 0:
            if prompts:
                items.set_options(prompts)
                items.highlighted = 0
            else:
                words = "No topic matches." if self.search else "No page links a topic."
                items.set_options([Option(Content.styled(words, "italic"), disabled=True)])
        else:
            items.add_options(prompts)
        self._count_shown()

    def _count_shown(self) -> None:
        total = self.total if self.total is not None else len(self.rows)
        shown = len(self.rows)
        words = f"{total:,} topics" if shown >= total else f"{shown:,} of {total:,} topics shown"
        self.query_one(".topics-body").border_subtitle = Content(words)

    @property
    def has_more(self) -> bool:
        return self.total is not None and len(self.rows) < self.total

    @on(OptionList.OptionHighlighted, "#topic-items")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        near_end = event.option_index >= len(self.rows) - READ_AHEAD
        if near_end and self.has_more and self._asked is None:
            self._read(len(self.rows))

    # -- searching and choosing ---------------------------------------------------------------

    @on(Input.Changed, "#topic-search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.search = event.value.strip()
        self.total = None
        self._read(0)

    @on(Input.Submitted, "#topic-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#topic-items").focus()

    @on(OptionList.OptionSelected, "#topic-items")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self.rows):
            self.close(self.rows[event.option_index])

    def action_focus_search(self) -> None:
        self.query_one("#topic-search").focus()

    def action_close(self) -> None:
        """Escape: leave the search field first, then close."""
        if isinstance(self.focused, Input):
            self.query_one("#topic-items").focus()
            return
        super().action_close()
