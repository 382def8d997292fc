"""The reading pane: the whole page, with the More Info article apart from the doctor's reply.

When a search is on, its words are highlighted in the page and ``n``/``N`` jump between them.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from qatui.corpus.delay import describe_delay, record_reply_delay
from qatui.corpus.listing import Highlight
from qatui.corpus.model import Record
from qatui.corpus.search.highlight import highlight_spans
from qatui.corpus.store.reader import QuestionPage
from qatui.tui.text import one_line, plain

PARTIAL_NOTE = (
    "Not in the local corpus: this page is known only from a Similar Q&A link. "
    "What you see are the site's excerpts."
)
EDITORIAL_NOTE = "The site's editorial article, not the doctor's reply."
MATCH_STYLE = "bold underline"
CURRENT_MATCH_STYLE = "bold reverse"
HIGHLIGHTED = (
    "reader-title",
    "reader-subject",
    "reader-question",
    "reader-replies",
    "reader-more-info",
)


def asker_line(record: Record) -> Content:
    """``Ada · 30~39 · female · asked 2016-01-03 · reply delay 3 days``."""
    asker = record.asker
    parts = [part for part in (asker.name, asker.age, asker.gender) if part] if asker else []
    parts.append(f"asked {record.asked_on}" if record.asked_on else "ask date unknown")
    delay = record_reply_delay(record)
    if delay is not None:
        parts.append(f"reply delay {describe_delay(delay)}")
    return one_line(" · ".join(parts))


def source_line(url: str | None) -> Content:
    """``Source: https://… (w opens it, y copies it)``."""
    return Content.assemble(
        ("Source: ", "bold"), one_line(url), (" (w opens it, y copies it)", "dim")
    )


@dataclass(frozen=True)
class Match:
    """One occurrence of a search word: which part of the page, and where in its text."""

    static_id: str
    start: int
    end: int


class ReadingPane(VerticalScroll, can_focus=True):
    """The open question: title, asker, question, replies and the More Info article."""

    ALLOW_MAXIMIZE = True  # z gives this pane the screen

    BINDINGS = [
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="reader.up"),
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="reader.down"),
        Binding("home,g", "scroll_home", "Top", show=False, id="reader.top"),
        Binding("end,G", "scroll_end", "Bottom", show=False, id="reader.bottom"),
        Binding("space", "page_down", "Page down", show=False, id="reader.page_down"),
    ]

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self._contents: dict[str, Content] = {}
        self.matches: list[Match] = []
        self.match_index = -1
        self.shown_highlight: Highlight | None = None
        """The search words the open page marks."""

    def compose(self) -> ComposeResult:
        yield Static(Content("Choose a question and press Enter."), id="reader-title")
        yield Static(id="reader-meta")
        yield Static(id="reader-source")
        yield Static(id="reader-partial", classes="note")
        yield Static(id="reader-subject")
        yield Static(id="reader-question")
        yield Static(id="reader-replies")
        yield Static(Content("More Info"), id="reader-more-heading")
        yield Static(id="reader-more-info")

    def on_mount(self) -> None:
        self.border_title = "Reading"
        for static_id in (
            "reader-source",
            "reader-partial",
            "reader-more-heading",
            "reader-more-info",
        ):
            self.query_one(f"#{static_id}").display = False

    def show_page(
        self,
        page: QuestionPage,
        *,
        more_info_folded: bool,
        highlight: Highlight | None = None,
    ) -> None:
        """Lay out one question, marking the ``highlight`` words when a search is on."""
        record = page.record
        self.query_one("#reader-meta", Static).update(
            Content.assemble(one_line(record.specialty, "bold"), " · ", asker_line(record))
        )
        source = self.query_one("#reader-source", Static)
        source.update(source_line(record.source_url))
        source.display = bool(record.source_url)
        partial_note = self.query_one("#reader-partial", Static)
        partial_note.update(Content(PARTIAL_NOTE))
        partial_note.display = page.is_partial
        self.query_one("#reader-subject").display = bool(record.subject)
        has_more = bool(record.more_info)
        heading = self.query_one("#reader-more-heading", Static)
        heading.update(self._more_heading(folded=more_info_folded))
        heading.display = has_more
        self.query_one("#reader-more-info").display = has_more and not more_info_folded
        self._contents = {
            "reader-title": one_line(record.title),
            "reader-subject": plain(record.subject),
            "reader-question": plain(record.question),
            "reader-replies": self._replies(record),
            "reader-more-info": plain(record.more_info),
        }
        self._mark(highlight)
        self.scroll_home(animate=False)

    def set_highlight(self, highlight: Highlight | None) -> None:
        """Mark the words of a changed search (or none, once it is cleared) in the open page."""
        if highlight != self.shown_highlight and self._contents:
            self._mark(highlight)

    def _mark(self, highlight: Highlight | None) -> None:
        self.shown_highlight = highlight
        self.matches = []
        if highlight is not None:
            for static_id in HIGHLIGHTED:
                text = self._contents[static_id].plain
                self.matches += [
                    Match(static_id, start, end)
                    for start, end in highlight_spans(
                        text, highlight.query, as_you_type=highlight.as_you_type
                    )
                ]
        self.match_index = -1
        self._paint()

    def _paint(self) -> None:
        """Update every part with its match highlights (the current one stands out)."""
        current = self.matches[self.match_index] if self.match_index >= 0 else None
        for static_id, content in self._contents.items():
            for match in self.matches:
                if match.static_id == static_id:
                    style = CURRENT_MATCH_STYLE if match == current else MATCH_STYLE
                    content = content.stylize(style, match.start, match.end)
            self.query_one(f"#{static_id}", Static).update(content)

    def next_match(self, step: int = 1) -> Match | None:
        """Move to the next (or previous) search match and scroll it into view."""
        visible = [m for m in self.matches if self.query_one(f"#{m.static_id}").display]
        if not visible:
            return None
        current = self.matches[self.match_index] if self.match_index >= 0 else None
        position = visible.index(current) if current in visible else (-1 if step > 0 else 0)
        target = visible[(position + step) % len(visible)]
        self.match_index = self.matches.index(target)
        self._paint()
        self.call_after_refresh(self._scroll_to_match, target)
        return target

    def _scroll_to_match(self, match: Match) -> None:
        static = self.query_one(f"#{match.static_id}", Static)
        width = max(1, static.content_region.width)
        lines = (
            self._contents[match.static_id]
            .stylize(CURRENT_MATCH_STYLE, match.start, match.end)
            .wrap(width)
        )
        line = next(
            (
                n
                for n, content in enumerate(lines)
                if any(span.style == CURRENT_MATCH_STYLE for span in content.spans)
            ),
            0,
        )
        top = static.virtual_region.y + line
        self.scroll_to(y=max(0, top - 2), animate=False)

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
            at = f" · {reply.hospital}" if reply.hospital else ""
            header = one_line(
                f"Dr. {reply.doctor or 'unknown'}{at} · {reply.specialty or ''}{when}", "bold"
            )
            blocks.append(Content("\n").join([header, plain(reply.body)]))
        return Content("\n\n").join(blocks)
