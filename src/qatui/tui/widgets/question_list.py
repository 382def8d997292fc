"""The question list: a virtual list over windows of rows fetched from SQLite in workers.

Only an index into the filtered list is kept; rows are fetched a page at a time around what
is on screen and kept in a small LRU cache, so a million questions cost what a thousand do.
"""

from __future__ import annotations

import textwrap
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import on
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qatui.corpus.delay import describe_delay
from qatui.corpus.filters import Filters
from qatui.corpus.ingest.sanitize import clean_line
from qatui.corpus.listing import ListQuery
from qatui.corpus.search.highlight import Snippet
from qatui.corpus.search.suggest import FEW_MATCHES, Suggestion, suggest
from qatui.corpus.store.read_pool import Corpus
from qatui.corpus.store.reader import QuestionRow
from qatui.tui.corpus_worker import query_and_post
from qatui.tui.messages import QuestionChosen, WorkFailed
from qatui.tui.state_bridge import BOOKMARK_MARK
from qatui.tui.text import fit
from qatui.tui.widgets.first_page import FirstPage, list_counts
from qatui.tui.widgets.status_line import Position
from qatui.tui.widgets.virtual_height import set_virtual_height

PARTIAL_MARK = "◌"
NO_MATCH = "No questions match these filters. x clears them."
EMPTY_CORPUS = "This corpus holds no questions yet. Import some with: qatui import PATH"
LOADING = "loading…"
SHOW_LOADING_AFTER_S = 0.15
"""A new list keeps the old rows on screen until its first rows arrive (or a count of none),
so that a quick reload paints one frame; after this long it shows that it is loading."""
LOOK_AHEAD_SCREENS = 1
"""Pages are read ahead this many screens above and below the rows on screen, so that a page
up or down finds its rows loaded (and paints one frame, not "loading…" and then the rows)."""
SUGGESTION_KEY = "a"
DATE_FROM, SPECIALTY_FROM, DOCTOR_FROM = 30, 60, 90
"""List widths (cells) from which the date, the specialty and the doctor columns appear."""
SPECIALTY_WIDTH, LONGEST_SPECIALTY, ROOMY_TITLE = 18, 28, 50
"""The specialty column's width, widened up to the site's longest name (Traditional Chinese
Medicine) while the title keeps ``ROOMY_TITLE`` cells."""


@dataclass(frozen=True)
class Column:
    """One cell of a row: its text, its width (None: the rest of the row) and whether it is
    muted (meta) or in the title's style."""

    text: str
    width: int | None
    meta: bool = True


@dataclass(frozen=True)
class RowStyles:
    """The list's styles, each combined with its base style once per frame (not per line)."""

    base: Style
    meta: Style
    partial: Style
    loading: Style
    snippet: Style
    match: Style
    cursor: Style


def row_columns(row: QuestionRow, width: int, *, by_delay: bool) -> list[Column]:
    """The columns of ``row`` in ``width`` cells: the title always, then the specialty, the
    doctor and the date (or the reply delay) as the width allows."""
    when = describe_delay(row.reply_delay) if by_delay else (row.asked_on or "—")
    when_w = 10 if not by_delay else 12
    columns = [Column(clean_line(row.title), None, meta=False)]
    if width >= DATE_FROM:
        doctor_w = 16 if width >= DOCTOR_FROM else 0
        if width >= SPECIALTY_FROM:
            spare = width - ROOMY_TITLE - (doctor_w + 1 if doctor_w else 0) - (when_w + 1) - 1
            specialty_w = max(SPECIALTY_WIDTH, min(LONGEST_SPECIALTY, spare))
            columns.append(Column(clean_line(row.specialty), specialty_w))
        if doctor_w:
            columns.append(Column(clean_line(row.doctor or ""), doctor_w))
        columns.append(Column(when, when_w))
    return columns


class QuestionList(ScrollView, can_focus=True):
    """Every question the filters match, newest first, in a list that never loads them all."""

    ALLOW_MAXIMIZE = True  # z gives this pane the screen

    COMPONENT_CLASSES = {
        "question-list--cursor",
        "question-list--meta",
        "question-list--partial",
        "question-list--loading",
        "question-list--match",
        "question-list--snippet",
    }
    DEFAULT_CSS = """
    QuestionList {
        background: $surface;
        overflow-x: hidden;
        & > .question-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: bold;
        }
        & > .question-list--meta { color: $text-muted; }
        & > .question-list--partial { color: $text-warning; }
        & > .question-list--loading { color: $text-disabled; text-style: italic; }
        & > .question-list--snippet { color: $text-muted; }
        & > .question-list--match { color: $text-accent; text-style: bold underline; }
    }
    QuestionList:blur > .question-list--cursor {
        background: $block-cursor-blurred-background;
        text-style: none;
    }
    """
    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("home,g", "first", "First question", show=False, id="list.first"),
        Binding("end,G", "last", "Last question", show=False, id="list.last"),
        Binding("enter", "open", "Open", id="list.open"),
        Binding(
            SUGGESTION_KEY,
            "take_suggestion",
            "Search for the suggestion (did you mean)",
            show=False,
            id="list.take_suggestion",
        ),
    ]

    cursor: reactive[int] = reactive(0, repaint=False)
    """The highlighted row; moving it repaints the two rows it left and reached (or the list
    when it scrolls), not the whole list."""

    @dataclass
    class RowsLoaded(Message):
        """A window of rows (page number ``page``) arrived from a worker."""

        generation: int
        page: int
        rows: list[QuestionRow]

    @dataclass
    class CountLoaded(Message):
        """The number of matching questions (and in the whole corpus) arrived."""

        generation: int
        matching: int
        everything: int

    @dataclass
    class QuestionFound(Message):
        """Where question ``question_id`` stands in the list (``index``; None: not in it, or
        not cheaply known) arrived from a worker."""

        generation: int
        question_id: int
        index: int | None

    @dataclass
    class SuggestionFound(Message):
        """A better search for a list that matched fewer than ``FEW_MATCHES`` questions
        arrived from a worker (None: none)."""

        generation: int
        suggestion: Suggestion | None

    @dataclass
    class SuggestionTaken(Message):
        """The user took the suggested search (its key, or a click on it)."""

        text: str

    @dataclass
    class PositionChanged(Message):
        """The cursor moved, or the number of rows it moves among changed."""

        position: Position

    def __init__(
        self,
        corpus: Corpus,
        *,
        first_query: ListQuery | None = None,
        page_size: int = 100,
        cache_pages: int = 40,
        id: str | None = None,
    ) -> None:
        """``first_query``: the list the first :meth:`load` will ask for, read from now on (in a
        thread) so that the first frame can show its rows."""
        super().__init__(id=id)
        self.corpus = corpus
        self._first_page = FirstPage(corpus, first_query, page_size) if first_query else None
        self.page_size = page_size
        self.cache_pages = cache_pages
        self.list_query = ListQuery(Filters())
        self.matching: int | None = None
        self.everything: int | None = None
        self._generation = 0
        self._pages: OrderedDict[int, list[QuestionRow]] = OrderedDict()
        self.lines_per_row = 1
        self.capped = False
        self._pending: set[int] = set()
        self._wanted: set[int] = set()
        self._jump_to_end = False
        self._cursor_once_counted: int | None = None
        self._awaiting_answer = False
        self._when_shown: Callable[[], None] | None = None
        self._frame_styles: RowStyles | None = None
        self.marks: dict[int, str] = {}
        self.suggestion: Suggestion | None = None
        self._first_rows_due = False
        """A new list's first rows are on their way (asked for, not yet arrived)."""
        self._new_list_expected = False
        """A search was submitted and its list is not yet asked for (:meth:`expect_new_list`)."""
        self._held_keys: list[Callable[[], None]] = []
        """The list's keys typed while its new rows were on their way, to act on them."""

    # -- loading ---------------------------------------------------------------------------

    def load(self, query: ListQuery, when_shown: Callable[[], None] | None = None) -> None:
        """Show the questions of ``query``, from the top; older requests are cancelled.

        ``when_shown`` is called as the new list replaces the old one on screen (at its first
        rows, or when they are slow to come): what other panes show about it goes in the
        same frame."""
        self.workers.cancel_group(self, "pages")
        self.workers.cancel_group(self, "count")
        self.workers.cancel_group(self, "seek")
        self._generation += 1
        self.list_query = query
        self.matching = None
        self.capped = False
        self.lines_per_row = 2 if query.is_search else 1
        self._pages.clear()
        self._pending.clear()
        self._wanted.clear()
        self._jump_to_end = False
        self._cursor_once_counted = None
        self.suggestion = None
        # Nothing is repainted (nor the scrollbar emptied) until the first answer arrives:
        # see SHOW_LOADING_AFTER_S. The cursor is set without its watcher for the same reason.
        self.set_reactive(QuestionList.cursor, 0)
        self._awaiting_answer = True
        self._when_shown = when_shown
        generation = self._generation
        self._first_rows_due = True
        if self._show_first_page(query):
            return
        self._request(0)
        self.run_worker(
            partial(self._count, generation, query),
            thread=True,
            group="count",
            exclusive=True,
            exit_on_error=False,
        )
        self.set_timer(SHOW_LOADING_AFTER_S, partial(self._show_new_list, generation))

    def _show_first_page(self, query: ListQuery) -> bool:
        """Show the first page read since construction, if it is ``query``'s and ready."""
        first, self._first_page = self._first_page, None
        answer = first.take(query) if first is not None else None
        if answer is None:
            return False
        generation = self._generation
        self._rows_loaded(self.RowsLoaded(generation, 0, answer.rows))
        self._count_loaded(self.CountLoaded(generation, answer.matching, answer.everything))
        return True

    def _show_new_list(self, generation: int) -> None:
        """Show the list loaded last from its top (once: at its first rows, or when they are
        slow to come), with its count if that came first."""
        if generation != self._generation or not self._awaiting_answer:
            return
        self._awaiting_answer = False
        self.scroll_to(0, 0, animate=False)
        if self.matching is not None:
            self._show_count()
        else:
            self._update_virtual_size()
            self._update_title()
            self._post_position()
        self.refresh()
        when_shown, self._when_shown = self._when_shown, None
        if when_shown is not None:
            when_shown()

    def _count(self, generation: int, query: ListQuery) -> None:
        query_and_post(
            self,
            self.corpus,
            partial(list_counts, query),
            lambda found: self.CountLoaded(generation, *found),
            "counting questions failed",
        )

    def _request(self, page: int) -> None:
        if page < 0 or page in self._pages or page in self._pending:
            return
        if self.matching is not None and page * self.page_size >= self.matching:
            return
        self._pending.add(page)
        self.run_worker(
            partial(self._fetch, self._generation, self.list_query, page, self.matching),
            thread=True,
            group="pages",
            exit_on_error=False,
        )

    def _fetch(self, generation: int, query: ListQuery, page: int, total: int | None) -> None:
        query_and_post(
            self,
            self.corpus,
            lambda reader: query.rows(reader, page * self.page_size, self.page_size, total),
            lambda rows: self.RowsLoaded(generation, page, rows),
            "loading questions failed",
        )

    @on(RowsLoaded)
    def _rows_loaded(self, message: RowsLoaded) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._pending.discard(message.page)
        self._pages[message.page] = message.rows
        if self._awaiting_answer and message.page == 0:
            self._show_new_list(message.generation)
        if message.page == 0 and self._first_rows_due:
            self._first_rows_due = False
            self._replay_held_keys()
        if self.capped and len(message.rows) < self.page_size:
            # A capped count ("100,000+") becomes exact once the last page is read.
            self.matching = message.page * self.page_size + len(message.rows)
            self.capped = False
            self._update_virtual_size()
            self._update_title()
            self._post_position()
        while len(self._pages) > self.cache_pages:
            self._pages.popitem(last=False)
        if self.matching is None:
            self._update_virtual_size()
        self.refresh()

    @on(CountLoaded)
    def _count_loaded(self, message: CountLoaded) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self.matching = message.matching
        self.capped = self.list_query.is_capped(message.matching)
        self.everything = message.everything
        if not self._awaiting_answer:
            self._show_count()
        elif message.matching == 0 or 0 in self._pages:
            self._show_new_list(message.generation)
        # else the first rows are on their way: the count is shown with them, in one frame

    def _show_count(self) -> None:
        """The count on screen: the scrollable height, the title, a pending jump to the end,
        the position; the last page read ahead (``G``) and, for few matches, a suggestion."""
        self._update_virtual_size()
        self._update_title()
        if self._jump_to_end:
            self._jump_to_end = False
            self._to_last()
        if self._cursor_once_counted is not None:
            self.cursor, self._cursor_once_counted = self._cursor_once_counted, None
        self._post_position()
        self.refresh()
        if self.matching and not self.capped:
            self._want((self.matching - 1) // self.page_size)
        search = self.list_query.filters.search
        if search and self.matching is not None and self.matching < FEW_MATCHES:
            self.run_worker(
                partial(self._suggest, self._generation, search),
                thread=True,
                group="suggest",
                exclusive=True,
                exit_on_error=False,
            )

    def _suggest(self, generation: int, text: str) -> None:
        query_and_post(
            self,
            self.corpus,
            lambda reader: suggest(reader.conn, text),
            lambda found: self.SuggestionFound(generation, found),
            "finding a suggestion failed",
        )

    @on(SuggestionFound)
    def _suggestion_found(self, message: SuggestionFound) -> None:
        if message.generation != self._generation:
            return
        self.suggestion = message.suggestion
        self.refresh()

    def action_take_suggestion(self) -> None:
        if self.suggestion is not None:
            self.post_message(self.SuggestionTaken(self.suggestion.text))

    @property
    def suggestion_text(self) -> str:
        """The did-you-mean line ("" when there is no suggestion)."""
        if self.suggestion is None:
            return ""
        return (
            f"Did you mean: {clean_line(self.suggestion.text)}? "
            f"Press {SUGGESTION_KEY} or click here to search for it."
        )

    def show_marks(self, marks: dict[int, str]) -> None:
        """Draw these read/bookmark marks in the first column (question id -> mark): the rows
        on screen whose mark changed are repainted, not the list (opening a question marks it
        read, and a whole list repainted was a frame's third)."""
        old, self.marks = self.marks, marks
        lines = self.lines_per_row
        scroll_y = int(self.scroll_offset.y)
        height = self.scrollable_content_region.height
        for index in range(scroll_y // lines, (scroll_y + height) // lines + 1):
            row = self._loaded_row(index)
            if row is None or old.get(row.id) == marks.get(row.id):
                continue
            for line in range(index * lines - scroll_y, (index + 1) * lines - scroll_y):
                if 0 <= line < height:
                    self.refresh_line(line)

    def _loaded_row(self, index: int) -> QuestionRow | None:
        """The row at ``index`` if it is loaded (asking for nothing)."""
        page, offset = divmod(index, self.page_size)
        rows = self._pages.get(page)
        return rows[offset] if rows is not None and offset < len(rows) else None

    # -- geometry and rendering -------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """Rows known to exist: the count once it arrived, else the rows loaded from the top."""
        if self.matching is not None:
            return self.matching
        count = 0
        page = 0
        while page in self._pages:
            count += len(self._pages[page])
            if len(self._pages[page]) < self.page_size:
                break
            page += 1
        return count

    def _update_virtual_size(self) -> None:
        """Make the scrollable height match the rows (a repaint, not a layout)."""
        set_virtual_height(self, self.row_count * self.lines_per_row)

    def on_resize(self) -> None:
        self._update_virtual_size()
        # A new height scrolls the rows; keep the cursor's row on screen.
        self.call_after_refresh(self._scroll_to_cursor)

    def _scroll_to_cursor(self) -> None:
        lines = self.lines_per_row
        self.scroll_to_region(Region(0, self.cursor * lines, 1, lines), animate=False, force=True)

    @property
    def awaiting_rows(self) -> bool:
        """A new list waits for its first rows (the old ones are still on screen)."""
        return self._awaiting_answer

    @property
    def position(self) -> Position:
        """Where the cursor is among the rows (what the status line shows)."""
        return Position(self.cursor, self.matching, self.capped)

    def _post_position(self) -> None:
        self.post_message(self.PositionChanged(self.position))

    def row_at(self, index: int) -> QuestionRow | None:
        """The row at ``index`` if it is loaded (asking for it otherwise)."""
        page, offset = divmod(index, self.page_size)
        rows = self._pages.get(page)
        if rows is None:
            self._want(page)
            return None
        self._pages.move_to_end(page)
        return rows[offset] if offset < len(rows) else None

    def _want(self, page: int) -> None:
        """Ask for ``page`` once the current frame is drawn (pages asked or held are skipped)."""
        if page in self._pending or page in self._pages or page in self._wanted:
            return
        if not self._wanted:
            self.call_later(self._request_wanted)
        self._wanted.add(page)

    def _request_wanted(self) -> None:
        wanted, self._wanted = self._wanted, set()
        for page in sorted(wanted):
            self._request(page)

    def _row_styles(self) -> RowStyles:
        """The styles of this frame's lines (worked out again outside a frame)."""
        if self._frame_styles is not None:
            return self._frame_styles
        base = self.rich_style

        def component(name: str) -> Style:
            return base + self.get_component_rich_style(f"question-list--{name}")

        return RowStyles(
            base=base,
            meta=component("meta"),
            partial=component("partial"),
            loading=component("loading"),
            snippet=component("snippet"),
            match=component("match"),
            cursor=self.get_component_rich_style("question-list--cursor"),
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame_styles = self._row_styles()
        try:
            return super().render_lines(crop)
        finally:
            self._frame_styles = None
            self._read_ahead()

    def _read_ahead(self) -> None:
        """Ask for the pages within ``LOOK_AHEAD_SCREENS`` screens of the rows on screen."""
        lines = self.lines_per_row
        top = int(self.scroll_offset.y) // lines
        shown = max(1, self.scrollable_content_region.height // lines)
        reach = shown * LOOK_AHEAD_SCREENS
        first = max(0, top - reach)
        last = min(self.row_count, top + shown + reach) - 1
        for page in range(first // self.page_size, last // self.page_size + 1):
            self._want(page)

    def render_line(self, y: int) -> Strip:
        index, sub_line = divmod(int(self.scroll_offset.y) + y, self.lines_per_row)
        width = self.scrollable_content_region.width
        styles = self._row_styles()
        if self.row_count == 0:
            return self._render_notice(y, width)
        if index >= self.row_count:
            below = int(self.scroll_offset.y) + y - self.row_count * self.lines_per_row - 1
            return self._render_suggestion(below, width)
        row = self.row_at(index)
        if row is None:
            text = f"  {LOADING}" if sub_line == 0 else ""
            return Strip([Segment(set_cell_size(text, width), styles.loading)], width)
        if sub_line == 1:
            return self._render_snippet(row.snippet, width, selected=index == self.cursor)
        return self._render_row(row, width, selected=index == self.cursor)

    def _render_snippet(self, snippet: Snippet, width: int, *, selected: bool) -> Strip:
        """The matched words in their context, highlighted (spans, never markup)."""
        styles = self._row_styles()
        base, plain_style, match_style = styles.base, styles.snippet, styles.match
        if selected:  # the snippet's own colours (and background) over the cursor's
            base = base + styles.cursor
            plain_style = base + self.get_component_rich_style("question-list--snippet")
            match_style = base + self.get_component_rich_style("question-list--match")
        text = clean_line(snippet.text)
        spans: tuple[tuple[int, int], ...] = snippet.spans if text == snippet.text else ()
        room = width - 4
        if spans and cell_len(text[: spans[0][1]]) > room - 8:
            # Narrow pane: start the excerpt a little before the first match so it shows.
            cut = max(0, spans[0][0] - max(4, room // 4))
            text = "…" + text[cut:]
            spans = tuple((start - cut + 1, end - cut + 1) for start, end in spans if start >= cut)
        segments = [Segment("    ", plain_style)]
        position = 0
        for start, end in spans:
            if start < position or end <= start:
                continue
            segments.append(Segment(text[position:start], plain_style))
            segments.append(Segment(text[start:end], match_style))
            position = end
        segments.append(Segment(text[position:], plain_style))
        strip = Strip(segments)
        if strip.cell_length > width:  # cut at the pane's edge: say so, as a cut title does
            strip = Strip([*strip.crop(0, width - 1), Segment("…", plain_style)])
        return strip.crop(0, width).adjust_cell_length(width, base)

    def _render_row(self, row: QuestionRow, width: int, *, selected: bool) -> Strip:
        styles = self._row_styles()
        base, meta = styles.base, styles.meta
        is_partial = row.is_partial
        title_style = styles.partial if is_partial else base
        mark = self.marks.get(row.id, " ")
        if is_partial and mark != BOOKMARK_MARK:  # a bookmark shows (the title is dimmed)
            mark = PARTIAL_MARK
        columns = row_columns(row, width - 2, by_delay=self.list_query.by_delay)
        fixed = sum((column.width or 0) + 1 for column in columns)
        cells: list[tuple[str, Style]] = [(f"{mark} ", title_style)]
        length = cell_len(cells[0][0])
        for column in columns:
            cell_w = column.width if column.width is not None else max(1, width - 2 - fixed)
            text = set_cell_size(fit(column.text, cell_w), cell_w)
            cells.append((text + " ", meta if column.meta else title_style))
            length += cell_w + 1
        if selected:
            cursor = styles.cursor
            base = base + cursor
            cells = [(text, style + cursor) for text, style in cells]
        segments = [Segment(text, style) for text, style in cells]
        strip = Strip(segments, length)
        return strip if length == width else strip.crop(0, width).adjust_cell_length(width, base)

    def _notice_lines(self, width: int) -> list[str]:
        lines = textwrap.wrap(self.empty_text, max(8, width - 4))
        if self.suggestion_text:
            lines += ["", *textwrap.wrap(self.suggestion_text, max(8, width - 4))]
        return lines

    def _render_notice(self, y: int, width: int) -> Strip:
        """What an empty list says on its first lines: loading, no match, or an empty corpus,
        and the did-you-mean suggestion."""
        style = self._row_styles().loading
        lines = self._notice_lines(width)
        text = f"  {lines[y]}" if 0 <= y < len(lines) else ""
        return Strip([Segment(set_cell_size(text, width), style)], width)

    def _render_suggestion(self, y: int, width: int) -> Strip:
        """The did-you-mean line under a list of few rows (``y`` counts from it)."""
        lines = textwrap.wrap(self.suggestion_text, max(8, width - 4)) if self.suggestion else []
        if not 0 <= y < len(lines):
            return Strip.blank(width, self._row_styles().base)
        style = self._row_styles().loading
        return Strip([Segment(set_cell_size(f"  {lines[y]}", width), style)], width)

    @property
    def empty_text(self) -> str:
        """Why the list has no rows: still loading, nothing matches, or no questions at all."""
        if self.matching is None:
            return LOADING
        if self.everything == 0:
            return f"{EMPTY_CORPUS} --db {clean_line(str(self.corpus.path))}"
        return NO_MATCH

    def _update_title(self) -> None:
        from textual.content import Content

        query = self.list_query
        filters = query.filters
        if self.matching is None:
            counted = "counting…"
        elif query.is_search:
            plus = "+" if self.capped else ""
            counted = f"{self.matching:,}{plus} matching of {self.everything or 0:,}"
        elif filters.active:
            counted = f"{self.matching:,} of {self.everything or 0:,}"
        else:
            counted = f"{self.matching:,}"
        # The filters themselves are the status line's chips: here they only cut the count.
        self.border_title = Content(f"Questions {counted}")
        if query.ranked:
            order = "best matches first (r: by date)"
        elif query.by_delay:
            longest = filters.newest_first
            order = f"{'longest' if longest else 'shortest'} reply delay first"
        else:
            order = "newest first" if filters.newest_first else "oldest first"
        self.border_subtitle = Content(order)

    # -- the cursor ------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        scroll_y = int(self.scroll_offset.y)
        lines = self.lines_per_row
        for index in (old, new):
            for line in range(index * lines, index * lines + lines):
                if scroll_y <= line < scroll_y + self.scrollable_content_region.height:
                    self.refresh_line(line - scroll_y)
        self._scroll_to_cursor()
        self._post_position()

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, max(0, self.row_count - 1)))

    @property
    def current_row(self) -> QuestionRow | None:
        return self.row_at(self.cursor) if self.row_count else None

    def _page_height(self) -> int:
        return max(1, self.scrollable_content_region.height // self.lines_per_row - 1)

    def move_to(self, question_id: int) -> bool:
        """Put the cursor on ``question_id``: at once if its row is loaded (say so), else once a
        worker has found where the list holds it (nothing moves if it does not)."""
        for page, rows in self._pages.items():
            for offset, row in enumerate(rows):
                if row.id == question_id:
                    self.cursor = page * self.page_size + offset
                    return True
        self.run_worker(
            partial(self._seek, self._generation, self.list_query, question_id),
            thread=True,
            group="seek",
            exclusive=True,
            exit_on_error=False,
        )
        return False

    def _seek(self, generation: int, query: ListQuery, question_id: int) -> None:
        query_and_post(
            self,
            self.corpus,
            lambda reader: query.position(reader, question_id),
            lambda index: self.QuestionFound(generation, question_id, index),
            "finding the question in the list failed",
        )

    @on(QuestionFound)
    def _question_found(self, message: QuestionFound) -> None:
        message.stop()
        if message.generation != self._generation or message.index is None:
            return
        if self.matching is None:
            # The cursor stops at the rows known so far: move it once they are counted.
            self._cursor_once_counted = message.index
        else:
            self.cursor = message.index

    # -- keys typed ahead of a new list -----------------------------------------------------

    def expect_new_list(self) -> None:
        """A search was just submitted: the list's keys typed from now on wait for the rows it
        asks for (``/fever`` Enter ``j`` Enter, typed at once, opened the old list's second
        question). :meth:`new_list_asked` ends the wait for the request."""
        self._new_list_expected = True

    def new_list_asked(self) -> None:
        """The expected list was asked for with :meth:`load` (or nothing changed): held keys
        wait on for its rows, or act now if they are here."""
        self._new_list_expected = False
        self._replay_held_keys()

    @property
    def holds_keys(self) -> bool:
        """Whether the list's keys wait (for a new list's first rows, or its request)."""
        return self._new_list_expected or self._first_rows_due

    def _held(self, action: Callable[[], None]) -> bool:
        """Keep ``action`` for the new rows if they are on their way (say whether it was)."""
        if not self.holds_keys:
            return False
        self._held_keys.append(action)
        return True

    def _replay_held_keys(self) -> None:
        """Run the keys held for the new rows, in the order they were typed."""
        if self.holds_keys:
            return
        held, self._held_keys = self._held_keys, []
        for action in held:
            action()

    @on(WorkFailed)
    def _work_failed(self, message: WorkFailed) -> None:
        """A failed read leaves no rows to wait for: held keys are dropped (the failure is
        reported as it bubbles on)."""
        self._first_rows_due = False
        self._new_list_expected = False
        self._held_keys.clear()

    # -- the list's keys -----------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        if not self._held(self.action_cursor_up):
            self.cursor -= 1

    def action_cursor_down(self) -> None:
        if not self._held(self.action_cursor_down):
            self.cursor += 1

    def action_page_up(self) -> None:
        if not self._held(self.action_page_up):
            self.cursor -= self._page_height()

    def action_page_down(self) -> None:
        if not self._held(self.action_page_down):
            self.cursor += self._page_height()

    def action_first(self) -> None:
        if not self._held(self.action_first):
            self.cursor = 0

    def action_last(self) -> None:
        if not self._held(self.action_last):
            self._to_last()

    def _to_last(self) -> None:
        if self.matching is None:
            self._jump_to_end = True
            return
        self.cursor = self.row_count - 1

    def action_open(self) -> None:
        if self._held(self.action_open):
            return
        row = self.current_row
        if row is not None:
            self.post_message(QuestionChosen(row.id))

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (int(self.scroll_offset.y) + offset.y) // self.lines_per_row
        if index < self.row_count:
            self.cursor = index
            self.action_open()
        else:
            self.action_take_suggestion()
