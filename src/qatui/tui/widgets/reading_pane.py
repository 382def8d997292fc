"""The reading pane: the whole page, with the More Info article apart from the doctor's reply."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from qatui.corpus.model import Record
from qatui.corpus.query import QuestionPage
from qatui.tui.text import one_line, plain

PARTIAL_NOTE = (
    "Not in the local corpus: this page is known only from a Similar Q&A link. "
    "What you see are the site's excerpts."
)
EDITORIAL_NOTE = "The site's editorial article, not the doctor's reply."


def asker_line(record: Record) -> Content:
    """``Ada · 30~39 · female · asked 2016-01-03``."""
    asker = record.asker
    parts = [part for part in (asker.name, asker.age, asker.gender) if part] if asker else []
    parts.append(f"asked {record.asked_on}" if record.asked_on else "ask date unknown")
    return one_line(" · ".join(parts))


class ReadingPane(VerticalScroll, can_focus=True):
    """The open question: title, asker, question, replies and the More Info article."""

    BINDINGS = [
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="reader.up"),
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="reader.down"),
        Binding("home,g", "scroll_home", "Top", show=False, id="reader.top"),
        Binding("end,G", "scroll_end", "Bottom", show=False, id="reader.bottom"),
        Binding("space", "page_down", "Page down", show=False, id="reader.page_down"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(Content("Choose a question and press Enter."), id="reader-title")
        yield Static(id="reader-meta")
        yield Static(id="reader-partial", classes="note")
        yield Static(id="reader-subject")
        yield Static(id="reader-question")
        yield Static(id="reader-replies")
        yield Static(Content("More Info"), id="reader-more-heading")
        yield Static(id="reader-more-info")

    def on_mount(self) -> None:
        self.border_title = "Reading"
        for static_id in ("reader-partial", "reader-more-heading", "reader-more-info"):
            self.query_one(f"#{static_id}").display = False

    def show_page(self, page: QuestionPage, *, more_info_folded: bool) -> None:
        """Lay out one question."""
        record = page.record
        self.query_one("#reader-title", Static).update(one_line(record.title))
        self.query_one("#reader-meta", Static).update(
            Content.assemble(one_line(record.specialty, "bold"), " · ", asker_line(record))
        )
        partial_note = self.query_one("#reader-partial", Static)
        partial_note.update(Content(PARTIAL_NOTE))
        partial_note.display = page.is_partial
        self.query_one("#reader-subject", Static).update(plain(record.subject))
        self.query_one("#reader-subject").display = bool(record.subject)
        self.query_one("#reader-question", Static).update(plain(record.question))
        self.query_one("#reader-replies", Static).update(self._replies(record))
        has_more = bool(record.more_info)
        heading = self.query_one("#reader-more-heading", Static)
        heading.update(self._more_heading(folded=more_info_folded))
        heading.display = has_more
        more = self.query_one("#reader-more-info", Static)
        more.update(plain(record.more_info))
        more.display = has_more and not more_info_folded
        self.scroll_home(animate=False)

    def set_more_info_folded(self, folded: bool) -> None:
        heading = self.query_one("#reader-more-heading", Static)
        heading.update(self._more_heading(folded=folded))
        self.query_one("#reader-more-info").display = heading.display and not folded

    @staticmethod
    def _more_heading(*, folded: bool) -> Content:
        arrow = "▸" if folded else "▾"
        hint = " (folded: press i)" if folded else ""
        return Content.assemble(
            (f"{arrow} More Info", "bold"), (f" — {EDITORIAL_NOTE}{hint}", "dim italic")
        )

    @staticmethod
    def _replies(record: Record) -> Content:
        if not record.replies:
            return Content.styled("No reply yet.", "italic")
        blocks: list[Content] = []
        for reply in record.replies:
            when = f" · replied {reply.replied_on}" if reply.replied_on else ""
            header = one_line(
                f"Dr. {reply.doctor or 'unknown'} · {reply.specialty or ''}{when}", "bold"
            )
            blocks.append(Content("\n").join([header, plain(reply.body)]))
        return Content("\n\n").join(blocks)
