"""The reading pane: the whole page, with the More Info article apart from the doctor's reply.

When a search is on, its words are highlighted in the page and ``n``/``N`` jump between them.
A long part of the page (question, replies, More Info…) shows its first ``FIRST_CHARS``
characters and a notice line: ``+`` or a click on it shows ``MORE_CHARS`` more, and ``n``/``N``
show as much as it takes to reach a match further on. Opening any page costs what a short one does.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content, Span
from textual.events import Click
from textual.geometry import Size
from textual.style import Style
from textual.widget import AwaitMount
from textual.widgets import Static

from qatui.corpus.delay import describe_delay, record_reply_delay
from qatui.corpus.doctor_names import doctor_title
from qatui.corpus.listing import Highlight
from qatui.corpus.model import Record
from qatui.corpus.people import Person
from qatui.corpus.search.highlight import highlight_spans
from qatui.corpus.store.reader import QuestionPage
from qatui.tui.messages import PersonChosen
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
HIDDEN_UNTIL_SHOWN = (
    "reader-source",
    "reader-people",
    "reader-partial",
    "reader-more-heading",
    "reader-more-info",
)
"""The parts a page shows only when it has them (the notices under cut parts likewise)."""
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


class Part(Static):
    """A part of the page (the title, the question, a chunk ``+`` added…).

    A part's new size is taken in the layout that found it without asking for another.
    Textual's ``_size_updated`` sets a resized widget's ``virtual_size``, a reactive that asks
    for a layout: every page opened laid the screen out a second time, 25-35 ms after its first
    frame, for sizes that layout had just computed (nothing watches the value; the pane's scroll
    bars follow it all the same). The pane does the same."""

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)


class MoreNotice(Part):
    """The line under a cut part: how much more there is; a click shows more of it."""

    def __init__(self, part_id: str) -> None:
        super().__init__(id=f"{part_id}-more", classes="more-notice")
        self.part_id = part_id

    def on_click(self, event: Click) -> None:
        event.stop()
        self.query_ancestor(ReadingPane).show_more(self.part_id)


def people_of(record: Record) -> list[tuple[Person, str]]:
    """The page's doctors, then their hospitals, each once, in reply order."""
    found: list[tuple[Person, str]] = []
    for person in ("doctor", "hospital"):
        for reply in record.replies:
            name = reply.doctor if person == "doctor" else reply.hospital
            if name and name.strip() and (person, name) not in found:
                found.append((person, name))
    return found


class PeopleLine(Part):
    """``Their replies (D, h): Dr. Lin  Taipei General``: one paragraph that wraps, each name a
    link (a click shows their list). Names go in as text; a link carries only its index."""

    LABEL = "Their replies (D, h):"
    COMPONENT_CLASSES = {"people-line--label"}
    DEFAULT_CSS = "PeopleLine > .people-line--label { color: $text-muted; }"

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.people: list[tuple[Person, str]] = []
        """The doctors and hospitals of the open page's replies (what D and h open)."""

    def show(self, people: list[tuple[Person, str]]) -> None:
        self.people = people
        muted = Style.from_rich_style(self.get_component_rich_style("people-line--label"))
        parts: list[Content | str] = [Content(self.LABEL).stylize(muted)]
        for index, (person, name) in enumerate(people):
            label = one_line(doctor_title(name) if person == "doctor" else name)
            parts.append(" " if index == 0 else "  ")
            parts.append(label.stylize(Style.from_meta({"@click": ("choose", (index,))})))
        self.update(Content("").join(parts))

    def action_choose(self, index: int) -> None:
        if 0 <= index < len(self.people):
            self.post_message(PersonChosen(*self.people[index]))


class ReadingPane(VerticalScroll, can_focus=True):
    """The open question: title, asker, question, replies and the More Info article."""

    ALLOW_MAXIMIZE = True  # z gives this pane the screen

    DEFAULT_CSS = """
    ReadingPane .reader-title-chunk { text-style: bold; color: $text-primary; }
    ReadingPane .reader-subject-chunk { text-style: italic; }
    ReadingPane .reader-more-info-chunk { color: $text-muted; }
    """
    """The chunks ``+`` adds to a part look like the part (app.tcss styles it by its id)."""

    BINDINGS = [
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="reader.up"),
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="reader.down"),
        Binding("home,g", "scroll_home", "Top", show=False, id="reader.top"),
        Binding("end,G", "scroll_end", "Bottom", show=False, id="reader.bottom"),
        Binding("space", "page_down", "Page down", show=False, id="reader.page_down"),
    ]

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # As a Part does: the layout that resized the pane needs no second one.
        return super()._size_updated(size, virtual_size, container_size, layout=False)

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self._contents: dict[str, Content] = {}
        self._bounds: dict[str, list[int]] = {}
        """Where each shown chunk of a part starts, then where the shown text ends (the rest
        waits behind the part's notice)."""
        self._chunks: dict[str, list[Static]] = {}
        """The widgets showing each part, a chunk each: the part's own, then those ``+`` added."""
        self._parts_mounted = False
        self.matches: list[Match] = []
        self.match_index = -1
        self.shown_highlight: Highlight | None = None
        """The search words the open page marks."""
        self._matches_said = ""
        """What the pane's bottom border says of the search matches."""

    def compose(self) -> ComposeResult:
        yield Part(Content("Choose a question and press Enter."), id="reader-title")

    def on_mount(self) -> None:
        self.border_title = "Reading"

    def _mount_parts(self) -> None:
        """The page's parts, hidden until a page shows them: mounted when the first page opens,
        not in the first frame (which has only the title's hint)."""
        if self._parts_mounted:
            return
        self._parts_mounted = True
        parts: list[Static] = [
            Part(id="reader-meta"),
            Part(id="reader-source"),
            PeopleLine(id="reader-people"),
            Part(id="reader-partial", classes="note"),
        ]
        for part_id in ("reader-subject", "reader-question", "reader-replies"):
            parts += [Part(id=part_id), MoreNotice(part_id)]
        parts += [
            Part(Content("More Info"), id="reader-more-heading"),
            Part(id="reader-more-info"),
            MoreNotice("reader-more-info"),
        ]
        for part in parts:
            part.display = part.id not in HIDDEN_UNTIL_SHOWN and not isinstance(part, MoreNotice)
        title_notice = MoreNotice("reader-title")
        title_notice.display = False
        self.mount(title_notice, *parts)

    def show_page(
        self,
        page: QuestionPage,
        *,
        more_info_folded: bool,
        highlight: Highlight | None = None,
    ) -> None:
        """Lay out one question, marking the ``highlight`` words when a search is on."""
        self._mount_parts()
        record = page.record
        self.query_one("#reader-meta", Static).update(
            Content.assemble(one_line(record.specialty, "bold"), " · ", asker_line(record))
        )
        source = self.query_one("#reader-source", Static)
        source.update(source_line(record.source_url))
        source.display = bool(record.source_url)
        self._show_people(record)
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
        for chunks in self._chunks.values():
            for chunk in chunks[1:]:
                chunk.remove()
        self._chunks = {part_id: [self.query_one(f"#{part_id}", Static)] for part_id in HIGHLIGHTED}
        self._bounds = {
            part_id: [0, cut_point(content.plain, FIRST_CHARS)]
            for part_id, content in self._contents.items()
        }
        self._mark(highlight)
        self.scroll_home(animate=False)

    @property
    def people(self) -> list[tuple[Person, str]]:
        """The doctors and hospitals of the open page's replies (what D and h open)."""
        line = self.query(PeopleLine)
        return line.first().people if line else []

    def _show_people(self, record: Record) -> None:
        """``Their replies (D, h): Dr. Lin  Taipei General``: each name opens its list."""
        found = people_of(record)
        people = self.query_one(PeopleLine)
        people.display = bool(found)
        people.show(found)

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
        self._say_matches()

    def _visible_matches(self) -> list[Match]:
        """The matches in the parts shown (folded More Info's are not)."""
        shown = {part_id for part_id in HIGHLIGHTED if self.query_one(f"#{part_id}").display}
        return [m for m in self.matches if m.static_id in shown]

    def _say_matches(self, current: int | None = None) -> None:
        """Under the pane: how many search matches the page has (and which one is current)."""
        count = len(self._visible_matches()) if self.shown_highlight is not None else 0
        if not count:
            words = ""
        elif current is None:
            words = f"{count:,} match{'es' if count != 1 else ''} · n/N: go to"
        else:
            words = f"match {current:,} of {count:,}"
        if words != self._matches_said:  # (setting it repaints the pane, even to the same)
            self._matches_said = words
            self.border_subtitle = Content(words)

    def _paint(self, *matches: Match) -> None:
        """Update the chunks holding ``matches`` (or every chunk) with their match highlights,
        the current one standing out."""
        if not matches:
            for part_id in self._contents:
                styled = self._styled(part_id)
                bounds = self._bounds[part_id]
                for number, chunk in enumerate(self._chunks[part_id]):
                    chunk.update(styled[bounds[number] : bounds[number + 1]])
                self._show_notice(part_id)
            return
        for part_id, number in {(m.static_id, self._chunk_at(m)) for m in matches}:
            bounds = self._bounds[part_id]
            styled = self._styled(part_id)
            self._chunks[part_id][number].update(styled[bounds[number] : bounds[number + 1]])

    def _styled(self, part_id: str) -> Content:
        """A part with its shown matches marked."""
        current = self.matches[self.match_index] if self.match_index >= 0 else None
        shown = self._bounds[part_id][-1]
        return self._contents[part_id].add_spans(
            [
                Span(m.start, m.end, CURRENT_MATCH_STYLE if m == current else MATCH_STYLE)
                for m in self.matches
                if m.static_id == part_id and m.end <= shown
            ]
        )

    def _chunk_at(self, match: Match) -> int:
        """Which chunk of its part shows ``match``."""
        bounds = self._bounds[match.static_id]
        return min(bisect_right(bounds, match.start), len(bounds) - 1) - 1

    def _show_notice(self, part_id: str) -> None:
        """A part's notice shows while the part is on screen and cut, saying how much is left."""
        notice = self.query_one(f"#{part_id}-more", MoreNotice)
        total = len(self._contents.get(part_id, Content()))
        shown = self.shown_chars(part_id)
        if shown < total:
            notice.update(more_notice(shown, total))
        notice.display = shown < total and self.query_one(f"#{part_id}").display

    def shown_chars(self, part_id: str) -> int:
        """How many characters of a part are shown now."""
        bounds = self._bounds.get(part_id)
        return bounds[-1] if bounds else 0

    def _extend(self, part_id: str, up_to: int) -> AwaitMount | None:
        """Show ``part_id`` up to about ``up_to`` characters, in new chunks of at most
        ``MORE_CHARS`` (so that no widget ever re-lays out more than that)."""
        text = self._contents[part_id].plain
        bounds = self._bounds[part_id]
        end = cut_point(text, up_to)
        if end <= bounds[-1]:
            return None
        styled = self._styled(part_id)
        shown_as = self._chunks[part_id][0].display
        added: list[Static] = []
        while bounds[-1] < end:
            start = bounds[-1]
            stop = end if end - start <= MORE_CHARS else cut_point(text, start + MORE_CHARS)
            chunk = Part(styled[start:stop], classes=f"part-chunk {part_id}-chunk")
            chunk.display = shown_as
            bounds.append(stop)
            added.append(chunk)
        self._chunks[part_id] += added
        self._show_notice(part_id)
        return self.mount(*added, before=self.query_one(f"#{part_id}-more"))

    def show_more(self, part_id: str) -> bool:
        """Show ``MORE_CHARS`` more of a cut part on screen; whether there was more to show."""
        if not self.query_one(f"#{part_id}").display:
            return False
        return self._extend(part_id, self.shown_chars(part_id) + MORE_CHARS) is not None

    def show_more_here(self) -> bool:
        """``+``: show ``MORE_CHARS`` more of the cut part being read: the first whose notice
        is not scrolled past (else the last); whether there was more to show."""
        cut = [notice for notice in self.query(MoreNotice) if notice.display]
        if not cut:
            return False
        here = next((n for n in cut if n.virtual_region.bottom > self.scroll_y), cut[-1])
        return self.show_more(here.part_id)

    def next_match(self, step: int = 1) -> Match | None:
        """Move to the next (or previous) search match and scroll it into view."""
        visible = self._visible_matches()
        if not visible:
            return None
        current = self.matches[self.match_index] if self.match_index >= 0 else None
        position = visible.index(current) if current in visible else (-1 if step > 0 else 0)
        target = visible[(position + step) % len(visible)]
        self.match_index = self.matches.index(target)
        self._say_matches(visible.index(target) + 1)
        # A match in the part's hidden rest: show up to it (it comes marked as the current one).
        mounting = self._extend(target.static_id, target.end + CUT_SLACK * 2)
        self._paint(*([current] if current else []), *([] if mounting else [target]))
        self.call_later(self._scroll_once_shown, mounting, target)
        return target

    async def _scroll_once_shown(self, mounting: AwaitMount | None, match: Match) -> None:
        if mounting is not None:
            await mounting
        self.call_after_refresh(self._scroll_to_match, match)

    def _scroll_to_match(self, match: Match) -> None:
        number = self._chunk_at(match)
        static = self._chunks[match.static_id][number]
        width = max(1, static.content_region.width)
        start, stop = self._bounds[match.static_id][number : number + 2]
        lines = (
            self._contents[match.static_id][start:stop]
            .stylize(CURRENT_MATCH_STYLE, match.start - start, match.end - start)
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
        if not self._parts_mounted:
            return  # no page yet: the first one is shown folded or not as asked
        heading = self.query_one("#reader-more-heading", Static)
        heading.update(self._more_heading(folded=folded))
        shown = heading.display and not folded
        self.query_one("#reader-more-info").display = shown
        for chunk in self._chunks.get("reader-more-info", [])[1:]:
            chunk.display = shown
        self._show_notice("reader-more-info")
        self._say_matches()

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
            who = doctor_title(reply.doctor) if reply.doctor else "The doctor (not named)"
            when = f"replied {reply.replied_on}" if reply.replied_on else None
            parts = [who, reply.hospital, reply.specialty, when]
            header = one_line(" · ".join(part for part in parts if part), "bold")
            blocks.append(joined("\n", [header, plain(reply.body)]))
        return joined("\n\n", blocks)
