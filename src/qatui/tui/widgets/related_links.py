"""The related pane: Similar Q&A, the similar questions computed here, Related FAQ topics, and
the questions listing this one.

A list drawn line by line (like the question list): each link is its title and a line of
facts, cut at the pane's edge. Showing a page lays out nothing and wraps no text; an
``OptionList`` wrapped every prompt twice and laid out the screen again when the computed links
arrived (a fifth of the time it took to open a question).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Region
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qatui.corpus.doctor_names import doctor_title
from qatui.corpus.store.reader import QuestionPage, QuestionRow
from qatui.tui.messages import QuestionChosen, TopicChosen
from qatui.tui.text import one_line
from qatui.tui.widgets.virtual_height import set_virtual_height

NOTHING_OPEN = "The open question's links show here."
COMPUTED_HEADING = "Similar here (computed)"
"""The heading of the questions :mod:`qatui.corpus.search.similar` found in this corpus."""
COMPUTING = "  finding similar questions…"
NOTHING_COMPUTED = "  nothing similar in this corpus"


def two_lines(title: str, *facts: str | None) -> Content:
    """A link's title, and under it the facts it has (``  Dr. Lin · Urology · 2020-01-01``)."""
    known = " · ".join(fact for fact in facts if fact)
    return Content("\n").join([one_line(title), one_line(f"  {known}", "dim")])


@dataclass
class Entry:
    """A line or two of the pane: a link (``id``) or, ``disabled``, a heading or a note."""

    prompt: Content
    id: str | None = None
    disabled: bool = False
    lines: list[Content] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.lines = self.prompt.split("\n")


@dataclass(frozen=True)
class LineStyles:
    """The pane's styles for one frame: a line, a heading or note, the highlighted link."""

    base: Style
    disabled: Style
    cursor: Style


def heading(text: str) -> Entry:
    return Entry(Content.styled(text, "bold"), disabled=True)


def note(text: str) -> Entry:
    return Entry(Content.styled(text, "dim"), disabled=True)


class RelatedLinks(ScrollView, can_focus=True):
    """Links of the open page; Enter (or a click) opens a question or shows a topic's
    questions."""

    ALLOW_MAXIMIZE = True  # z gives this pane the screen

    COMPONENT_CLASSES = {"related-links--cursor", "related-links--disabled"}
    DEFAULT_CSS = """
    RelatedLinks {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        padding: 0 1;
        & > .related-links--cursor {
            color: $foreground;
            background: $block-cursor-blurred-background;
        }
        & > .related-links--disabled { color: $text-disabled; }
        &:focus {
            background-tint: $foreground 5%;
            & > .related-links--cursor {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """
    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False, id="related.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="related.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="related.page_up"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="related.page_down"),
        Binding("home,g", "first", "First", show=False, id="related.first"),
        Binding("end,G", "last", "Last", show=False, id="related.last"),
        Binding("enter", "select", "Open", show=False, id="related.open"),
    ]

    highlighted: reactive[int | None] = reactive(None, repaint=False)
    """The index of the highlighted link (None: nothing to highlight)."""

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Related"
        self._entries: list[Entry] = [note(NOTHING_OPEN)]
        self._lines: list[tuple[int, int]] = [(0, 0)]
        """Each line of the pane: (entry index, line within the entry)."""
        self._first_line: list[int] = [0]
        """Each entry's first line."""
        self._targets: dict[str, QuestionChosen | TopicChosen] = {}
        self._page: QuestionPage | None = None
        self._computed: list[QuestionRow] | None = None
        self._first_link: str | None = None
        """The link highlighted by itself when the page was shown (not moved to by a key)."""
        self._frame_styles: LineStyles | None = None
        self._pressed: int | None = None
        """The link the mouse was pressed on (what a click then opens)."""

    # -- what the pane lists -----------------------------------------------------------------

    def show_page(self, page: QuestionPage) -> None:
        """List the page's links under their headings (the computed ones still to come)."""
        self._page = page
        self._computed = None
        self._show(keep_highlight=False)

    def show_similar(self, question_id: int, rows: list[QuestionRow]) -> None:
        """Add the similar questions computed for a page, if it is still the one shown."""
        if self._page is None or self._page.id != question_id:
            return
        self._computed = rows
        self._show(keep_highlight=True)

    def _computed_entries(self) -> list[Entry]:
        entries = [heading(COMPUTED_HEADING)]
        if self._computed is None:
            return [*entries, note(COMPUTING)]
        if not self._computed:
            return [*entries, note(NOTHING_COMPUTED)]
        for n, row in enumerate(self._computed):
            key = f"computed-{n}"
            entries.append(Entry(two_lines(row.title, row.specialty, row.asked_on), key))
            self._targets[key] = QuestionChosen(row.id)
        return entries

    def _page_entries(self, page: QuestionPage) -> list[Entry]:
        self._targets.clear()
        entries: list[Entry] = []
        if page.similar:
            entries.append(heading("Similar Q&A"))
            for n, linked in enumerate(page.similar):
                link = linked.link
                who = doctor_title(link.doctor) if link.doctor else None
                partial = "not in the local corpus" if linked.target_is_partial else None
                key = f"similar-{n}"
                entries.append(Entry(two_lines(link.title, who, link.specialty, partial), key))
                if linked.target_id is not None:
                    self._targets[key] = QuestionChosen(linked.target_id)
        entries.extend(self._computed_entries())
        if page.record.related_faq:
            entries.append(heading("Related FAQ"))
            for n, faq in enumerate(page.record.related_faq):
                key = f"faq-{n}"
                entries.append(Entry(one_line(faq.label), key))
                self._targets[key] = TopicChosen(faq.topic, faq.specialty)
        if page.listed_by:
            entries.append(heading("Listed as similar by"))
            for n, row in enumerate(page.listed_by):
                key = f"listed-{n}"
                entries.append(Entry(two_lines(row.title, row.specialty, row.asked_on), key))
                self._targets[key] = QuestionChosen(row.id)
        return entries

    def _show(self, *, keep_highlight: bool) -> None:
        page = self._page
        if page is None:
            return
        highlighted = (
            self.highlighted_option.id if keep_highlight and self.highlighted_option else None
        )
        if highlighted == self._first_link:
            highlighted = None  # not chosen: the new first link gets it, the list from its top
        self._set_entries(self._page_entries(page))
        ids = [entry.id for entry in self._entries]
        if highlighted is not None and highlighted in ids:
            self.highlighted = ids.index(highlighted)
            return
        first = next((i for i, entry in enumerate(self._entries) if not entry.disabled), None)
        self._first_link = ids[first] if first is not None else None
        self.scroll_to(0, 0, animate=False)  # the links from their first heading,
        self.set_reactive(RelatedLinks.highlighted, None)
        self.highlighted = first  # unless the first link then does not fit below it

    def _set_entries(self, entries: list[Entry]) -> None:
        """Show ``entries``: a repaint, and no layout of the screen (the pane's size does not
        depend on them) unless the scrollbar appears or goes."""
        self._entries = entries
        self._lines = []
        self._first_line = []
        for index, entry in enumerate(entries):
            self._first_line.append(len(self._lines))
            self._lines.extend((index, line) for line in range(len(entry.lines)))
        set_virtual_height(self, len(self._lines))
        self.refresh()

    # -- what tests and the screen ask of it (the names OptionList gave them) ---------------------

    @property
    def option_count(self) -> int:
        return len(self._entries)

    def get_option_at_index(self, index: int) -> Entry:
        return self._entries[index]

    def get_option_index(self, option_id: str) -> int:
        for index, entry in enumerate(self._entries):
            if entry.id == option_id:
                return index
        raise KeyError(option_id)

    @property
    def highlighted_option(self) -> Entry | None:
        index = self.highlighted
        return self._entries[index] if index is not None else None

    # -- the highlight ---------------------------------------------------------------------------

    def validate_highlighted(self, value: int | None) -> int | None:
        if value is None or not self._entries:
            return None
        return max(0, min(value, len(self._entries) - 1))

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        for index in (old, new):
            if index is not None and index < len(self._entries):
                self._refresh_entry(index)
        if new is not None:
            self.scroll_to_highlight()

    def _refresh_entry(self, index: int) -> None:
        top = self._first_line[index] - int(self.scroll_offset.y)
        for line in range(top, top + len(self._entries[index].lines)):
            if 0 <= line < self.scrollable_content_region.height:
                self.refresh_line(line)

    def scroll_to_highlight(self) -> None:
        """Scroll until the highlighted link's lines are in view, with the headings (and
        notes) right above it when they fit too."""
        index = self.highlighted
        if index is None:
            return
        bottom = self._first_line[index] + len(self._entries[index].lines)
        top = self._first_line[index]
        above = index
        while above > 0 and self._entries[above - 1].disabled:
            above -= 1
        if bottom - self._first_line[above] <= self.scrollable_content_region.height:
            top = self._first_line[above]
        self.scroll_to_region(Region(0, top, 1, bottom - top), animate=False, force=True)

    def on_resize(self) -> None:
        # Grown on focus (at 80x24 from two lines): the heading the small pane had no room
        # for comes back above the highlighted link.
        self.scroll_to_highlight()

    def _step(self, start: int, direction: int) -> int | None:
        """The first link from ``start`` on in ``direction`` (headings and notes skipped)."""
        index = start
        while 0 <= index < len(self._entries):
            if not self._entries[index].disabled:
                return index
            index += direction
        return None

    def _move(self, direction: int, lines: int = 1) -> None:
        """Move the highlight ``lines`` lines (a link at least) up or down."""
        if self.highlighted is None:
            first = self._step(0 if direction > 0 else len(self._entries) - 1, direction)
            self.highlighted = first
            return
        target_line = self._first_line[self.highlighted] + direction * lines
        target_line = max(0, min(target_line, len(self._lines) - 1))
        index = self._lines[target_line][0]
        if index == self.highlighted:
            index += direction
        found = self._step(index, direction)
        if found is None:  # nothing further that way: the nearest link back
            found = self._step(index - direction, -direction)
        if found is not None:
            self.highlighted = found

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_page_up(self) -> None:
        self._move(-1, max(1, self.scrollable_content_region.height - 1))

    def action_page_down(self) -> None:
        self._move(1, max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        """The first link, with the heading above it in view (the list scrolled to its top)."""
        self.highlighted = self._step(0, 1)
        self.scroll_to(0, 0, animate=False)
        self.scroll_to_highlight()

    def action_last(self) -> None:
        self.highlighted = self._step(len(self._entries) - 1, -1)

    def action_select(self) -> None:
        """Open the highlighted link: its question, or its topic's questions."""
        entry = self.highlighted_option
        target = self._targets.get(entry.id or "") if entry is not None else None
        if isinstance(target, QuestionChosen):
            self.post_message(QuestionChosen(target.question_id))
        elif isinstance(target, TopicChosen):
            self.post_message(TopicChosen(target.topic, target.specialty))

    def _entry_at(self, event: events.MouseEvent) -> int | None:
        """The link under the mouse (None: a heading, a note or nothing)."""
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        line = int(self.scroll_offset.y) + offset.y
        if not 0 <= line < len(self._lines):
            return None
        index = self._lines[line][0]
        return None if self._entries[index].disabled else index

    def on_mouse_down(self, event: events.MouseDown) -> None:
        # The link is found where it was pressed: the press focuses the pane, which then grows
        # (``#related:focus``) and moves every line before the click arrives.
        self._pressed = self._entry_at(event)

    def on_click(self, event: events.Click) -> None:
        index, self._pressed = self._pressed, None
        if index is None:
            return
        self.highlighted = index
        self.action_select()

    # -- drawing -------------------------------------------------------------------------------

    def _line_styles(self) -> LineStyles:
        """The styles of the lines, looked up once a frame (each lookup walks the DOM)."""
        if self._frame_styles is not None:
            return self._frame_styles
        base = self.rich_style
        return LineStyles(
            base=base,
            disabled=base + self.get_component_rich_style("related-links--disabled"),
            cursor=base + self.get_component_rich_style("related-links--cursor"),
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame_styles = self._line_styles()
        try:
            return super().render_lines(crop)
        finally:
            self._frame_styles = None

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line_number = int(self.scroll_offset.y) + y
        styles = self._line_styles()
        if not 0 <= line_number < len(self._lines):
            return Strip.blank(width, styles.base)
        index, line = self._lines[line_number]
        entry = self._entries[index]
        if entry.disabled:
            style = styles.disabled
        elif index == self.highlighted:
            style = styles.cursor
        else:
            style = styles.base
        text = entry.lines[line]
        if text.cell_length > width:
            text = text.truncate(width, ellipsis=True)
        segments = [
            Segment(part.text, style + part.style if part.style else style)
            for part in text.render_segments()
        ]
        return Strip(segments).adjust_cell_length(width, style)
