"""The reading pane: the whole page, with the More Info article apart from the doctor's reply.

When a search is on, its words are highlighted in the page and ``n``/``N`` jump between them.
A long part of the page (question, replies, More Info…) shows its first ``FIRST_CHARS``
characters and a notice line: ``+`` or a click on it shows ``MORE_CHARS`` more, and ``n``/``N``
show as much as it takes to reach a match further on. Opening any page costs what a short one does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content, Span
from textual.events import Click
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
FIRST_CHARS = 20_000
"""How much of a part a page shows when it opens."""
MORE_CHARS = 200_000
"""How much more each ``+`` (or click on the notice) shows."""
CUT_SLACK = 2_000
"""A cut moves back by up to this many characters to end at a line break or a space."""


def cut_point(text: str, limit: int) -> int:
    """Where to cut ``text`` near ``limit``: after a line break or space shortly before it."""
    if limit >= len(text):
        return len(text)
    floor = max(1, limit - CUT_SLACK)
    for separator in ("\n", " "):
        at = text.rfind(separator, floor, limit)
        if at >= 0:
            return at + 1
    return limit


def joined(separator: str, pieces: list[Content]) -> Content:
    """``Content(separator).join(pieces)`` for pieces already clean: Textual's join strips
    control codes from the whole text again, a tenth of a second per megabyte."""
    text: list[str] = []
    spans: list[Span] = []
    offset = 0
    for number, piece in enumerate(pieces):
        if number:
            text.append(separator)
            offset += len(separator)
        text.append(piece.plain)
        spans += [Span(span.start + offset, span.end + offset, span.style) for span in piece.spans]
        offset += len(piece.plain)
    return Content("".join(text), spans, strip_control_codes=False)


def more_notice(shown: int, total: int) -> Content:
    """``… 1,980,000 more characters not shown (of 2,000,000): press + or click here …``."""
    rest = total - shown
    step = "the rest" if rest <= MORE_CHARS else f"the next {MORE_CHARS:,}"
    return Content.styled(
        f"… {rest:,} more characters not shown (of {total:,}): "
        f"press + or click here to show {step}.",
        "dim italic",
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


class MoreNotice(Static):
    """The line under a cut part: how much more there is; a click shows more of it."""

    def __init__(self, part_id: str) -> None:
        super().__init__(id=f"{part_id}-more", classes="more-notice")
        self.part_id = part_id

    def on_click(self, event: Click) -> None:
        event.stop()
        pane = self.query_ancestor(ReadingPane)
        pane.show_more(pane.shown_chars(self.part_id) + MORE_CHARS, self.part_id)


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
        self._shown: dict[str, int] = {}
        """How many characters of each part are shown (the rest waits behind its notice)."""
        self.matches: list[Match] = []
        self.match_index = -1
        self.shown_highlight: Highlight | None = None
        """The search words the open page marks."""

    def compose(self) -> ComposeResult:
        yield Static(Content("Choose a question and press Enter."), id="reader-title")
        yield MoreNotice("reader-title")
        yield Static(id="reader-meta")
        yield Static(id="reader-source")
        yield Static(id="reader-partial", classes="note")
        for part_id in ("reader-subject", "reader-question", "reader-replies"):
            yield Static(id=part_id)
            yield MoreNotice(part_id)
        yield Static(Content("More Info"), id="reader-more-heading")
        yield Static(id="reader-more-info")
        yield MoreNotice("reader-more-info")

    def on_mount(self) -> None:
        self.border_title = "Reading"
        for static_id in (
            "reader-source",
            "reader-partial",
            "reader-more-heading",
            "reader-more-info",
        ):
            self.query_one(f"#{static_id}").display = False
        for notice in self.query(MoreNotice):
            notice.display = False

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
        self._shown = {
            part_id: cut_point(content.plain, FIRST_CHARS)
            for part_id, content in self._contents.items()
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

    def _paint(self, part_ids: Iterable[str] | None = None) -> None:
        """Update the parts (all, or ``part_ids``) with their match highlights, the current
        one standing out; each shows only its first ``_shown`` characters."""
        current = self.matches[self.match_index] if self.match_index >= 0 else None
        for static_id in self._contents if part_ids is None else part_ids:
            content = self._contents[static_id]
            shown = self._shown[static_id]
            spans = [
                Span(
                    match.start, match.end, CURRENT_MATCH_STYLE if match == current else MATCH_STYLE
                )
                for match in self.matches
                if match.static_id == static_id and match.end <= shown
            ]
            self.query_one(f"#{static_id}", Static).update(content[:shown].add_spans(spans))
            notice = self.query_one(f"#{static_id}-more", MoreNotice)
            if shown < len(content):
                notice.update(more_notice(shown, len(content)))
            self._show_notice(static_id)

    def _show_notice(self, part_id: str) -> None:
        """A part's notice shows while the part is on screen and cut."""
        notice = self.query_one(f"#{part_id}-more", MoreNotice)
        cut = self._shown.get(part_id, 0) < len(self._contents.get(part_id, Content()))
        notice.display = cut and self.query_one(f"#{part_id}").display

    def shown_chars(self, part_id: str) -> int:
        """How many characters of a part are shown now."""
        return self._shown.get(part_id, 0)

    def show_more(self, up_to: int, part_id: str | None = None) -> bool:
        """Show each cut part on screen (or just ``part_id``) up to about ``up_to`` characters;
        whether anything more is shown."""
        grown = []
        for static_id in (part_id,) if part_id else tuple(self._contents):
            text = self._contents[static_id].plain
            shown = self._shown[static_id]
            if shown >= len(text) or not self.query_one(f"#{static_id}").display:
                continue
            self._shown[static_id] = max(shown, cut_point(text, up_to))
            grown.append(static_id)
        self._paint(grown)
        return bool(grown)

    def show_more_here(self) -> bool:
        """``+``: show ``MORE_CHARS`` more of the cut part being read: the first whose notice
        is not scrolled past (else the last); whether there was more to show."""
        cut = [
            notice
            for notice in self.query(MoreNotice)
            if notice.display and self._shown[notice.part_id] < len(self._contents[notice.part_id])
        ]
        if not cut:
            return False
        here = next((n for n in cut if n.virtual_region.bottom > self.scroll_y), cut[-1])
        return self.show_more(self._shown[here.part_id] + MORE_CHARS, here.part_id)

    def next_match(self, step: int = 1) -> Match | None:
        """Move to the next (or previous) search match and scroll it into view."""
        visible = [m for m in self.matches if self.query_one(f"#{m.static_id}").display]
        if not visible:
            return None
        current = self.matches[self.match_index] if self.match_index >= 0 else None
        position = visible.index(current) if current in visible else (-1 if step > 0 else 0)
        target = visible[(position + step) % len(visible)]
        before = current.static_id if current else None
        self.match_index = self.matches.index(target)
        if target.end > self._shown[target.static_id]:  # in the part's hidden rest: show it
            text = self._contents[target.static_id].plain
            self._shown[target.static_id] = cut_point(text, target.end + CUT_SLACK * 2)
        self._paint({target.static_id} | ({before} if before else set()))
        self.call_after_refresh(self._scroll_to_match, target)
        return target

    def _scroll_to_match(self, match: Match) -> None:
        static = self.query_one(f"#{match.static_id}", Static)
        width = max(1, static.content_region.width)
        lines = (
            self._contents[match.static_id][: self._shown[match.static_id]]
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
        self._show_notice("reader-more-info")

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
            blocks.append(joined("\n", [header, plain(reply.body)]))
        return joined("\n\n", blocks)
