"""The reader: a small App that composes the panes, owns the bindings and the state changes.

Every database query runs in a thread worker through :class:`qatui.corpus.store.read_pool.Corpus`;
workers post messages and the handlers here change what is shown.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.theme import Theme
from textual.timer import Timer
from textual.widgets import Footer, Input
from textual.worker import get_current_worker

from qatui.config import Config, LoadedConfig, load_config, save_theme
from qatui.corpus.errors import StoreError
from qatui.corpus.export import citation
from qatui.corpus.filters import Filters, SortOrder
from qatui.corpus.ingest.sanitize import clean_line
from qatui.corpus.store.read_pool import Corpus, QueryCancelled
from qatui.corpus.store.reader import QuestionPage, QuestionRow
from qatui.tui.commands import DateCommands, QuestionCommands, SpecialtyCommands
from qatui.tui.corpus_worker import QueryFailed, query_and_post
from qatui.tui.export_files import (
    ExportCancelled,
    ExportRequest,
    default_export_folder,
    write_export,
)
from qatui.tui.messages import DateRangeChanged, QuestionChosen, SpecialtyChosen, TopicChosen
from qatui.tui.place_history import History
from qatui.tui.screens.bookmarks import BookmarksScreen
from qatui.tui.screens.dialogs import ConfirmScreen, NoteScreen
from qatui.tui.screens.export_dialog import ExportScreen
from qatui.tui.screens.help import HelpScreen, binding_rows
from qatui.tui.screens.history import HistoryScreen
from qatui.tui.screens.timeline import TimelineScreen
from qatui.tui.settings import apply_config, binding_ids
from qatui.tui.state_bridge import (
    BOOKMARK_MARK,
    JobDone,
    StateAwareCorpus,
    Target,
    add_bookmark,
    load_marks,
    next_view,
    open_user_state,
    record_open,
    remove_bookmark,
    toggle_read,
)
from qatui.tui.widgets.filter_bar import FilterBar, quick_range
from qatui.tui.widgets.histogram import Histogram
from qatui.tui.widgets.question_list import QuestionList
from qatui.tui.widgets.reading_pane import ReadingPane
from qatui.tui.widgets.related_links import RelatedLinks
from qatui.tui.widgets.specialty_nav import SpecialtyNav
from qatui.userstate import UserState

LOADING_DELAY_S = 0.15
DIALOG_SCREENS = (
    BookmarksScreen,
    HistoryScreen,
    TimelineScreen,
    Histogram,
    ExportScreen,
    NoteScreen,
    ConfirmScreen,
    HelpScreen,
)
"""Screens and widgets whose binding ids the config's [keys] may remap, besides the panes."""


@dataclass(frozen=True)
class Place:
    """Where the reader was: the open question and the filters that were on."""

    question_id: int | None
    filters: Filters


@dataclass
class PageLoaded(Message):
    """A question's page arrived from a worker."""

    page: QuestionPage | None
    question_id: int


@dataclass
class CountsLoaded(Message):
    """Specialty counts under the current date filter arrived."""

    counts: list[tuple[str, int]]


class QATuiApp(App[int]):
    """Browse the corpus: specialties, questions, the open page and its related links."""

    CSS_PATH = "app.tcss"
    TITLE = "qatui"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    COMMANDS = App.COMMANDS | {SpecialtyCommands, QuestionCommands, DateCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search", id="app.search"),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding("b,alt+left", "go_back", "Back", id="app.back"),
        Binding("f,alt+right", "go_forward", "Forward", id="app.forward"),
        Binding("o", "flip_order", "Order", id="app.flip_order"),
        Binding("x", "clear_filters", "Clear filters", id="app.clear_filters"),
        Binding("i", "toggle_more_info", "More Info", id="app.toggle_more_info"),
        Binding("n", "next_match", "Next match", show=False, id="app.next_match"),
        Binding("N", "previous_match", "Previous match", show=False, id="app.previous_match"),
        Binding("r", "toggle_ranking", "Rank/date", show=False, id="app.toggle_ranking"),
        Binding("d", "focus_dates", "Dates", show=False, id="app.dates"),
        Binding("m", "toggle_bookmark", "Bookmark", id="app.toggle_bookmark"),
        Binding("u", "toggle_read", "Read/unread", show=False, id="app.toggle_read"),
        Binding("v", "cycle_view", "View: all/unread/bookmarked", show=False, id="app.cycle_view"),
        Binding("s", "cycle_sort", "Sort: date/reply delay", show=False, id="app.cycle_sort"),
        Binding("B", "bookmarks", "Bookmarks list", show=False, id="app.bookmarks"),
        Binding("H", "history", "History list", show=False, id="app.history"),
        Binding("t", "timeline", "Timeline and facets", id="app.timeline"),
        Binding("c", "copy_citation", "Copy citation", show=False, id="app.copy_citation"),
        Binding("e", "export", "Export", show=False, id="app.export"),
        Binding(
            "1",
            "focus_pane('specialties')",
            "Specialties pane",
            show=False,
            id="app.pane_specialties",
        ),
        Binding(
            "2", "focus_pane('questions')", "Questions pane", show=False, id="app.pane_questions"
        ),
        Binding("3", "focus_pane('reader')", "Reading pane", show=False, id="app.pane_reader"),
        Binding("4", "focus_pane('related')", "Related pane", show=False, id="app.pane_related"),
        Binding("escape", "back_out", "Back out", show=False, id="app.back_out"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(
        self,
        corpus: Corpus,
        *,
        more_info_folded: bool = False,
        state: UserState | None = None,
        config: Config | None = None,
        config_file: Path | None = None,
        notices: Sequence[str] = (),
        export_folder: Path | None = None,
    ) -> None:
        super().__init__()
        self.corpus = corpus
        self.state = state or UserState.temporary()
        self.config = config or Config()
        self.config_file = config_file
        self.start_notices = list(notices)
        self.export_folder = export_folder or default_export_folder()
        self._saved_theme: str | None = None
        self._state_lock = threading.Lock()
        self.filters = Filters()
        self.history: History[Place] = History()
        self.page: QuestionPage | None = None
        self.more_info_folded = more_info_folded
        self.specialty_names: list[str] = []
        self._counted_filters: Filters | None = None
        self._loading_timer: Timer | None = None

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield FilterBar(id="filter-bar")
        with Horizontal(id="panes"):
            yield SpecialtyNav(id="specialties")
            yield QuestionList(self.corpus, id="questions")
            with Vertical(id="right"):
                yield ReadingPane(id="reader")
                yield RelatedLinks(id="related")
        yield Footer()

    def on_mount(self) -> None:
        name = clean_line(self.corpus.path.name)
        self.sub_title = name + (
            " (read-only: writing is disabled)" if self.corpus.read_only else ""
        )
        if self.corpus.read_only:
            self.notify(
                f"{name} is read-only: reading works, writing is disabled.",
                title="Read-only database",
                markup=False,
            )
        self.apply_filters(self.filters)
        self.query_one(QuestionList).focus()
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            # A lost terminal (SIGHUP) ends the reader cleanly instead of killing it mid-write.
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.exit)
        self.start_reading_state()

    def on_unmount(self) -> None:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)

    def on_descendant_focus(self) -> None:
        """In the stacked (narrow) layout, give the reading side the room while it is in use."""
        focused = self.focused
        reading = focused is not None and focused.id in ("reader", "related")
        self.query_one("#panes").set_class(reading, "-reading")

    # -- filters ---------------------------------------------------------------------------

    def apply_filters(self, filters: Filters, *, recount: bool = False) -> None:
        """Show the list for ``filters``; recount the specialties when the dates changed."""
        self.filters = filters
        self.query_one(QuestionList).load(filters)
        counted = replace(filters.without_text(), specialty=None, newest_first=True, ranked=True)
        if recount or counted != self._counted_filters:
            self._counted_filters = counted
            self._load_counts(counted)
        elif self.specialty_names:
            nav = self.query_one(SpecialtyNav)
            nav.highlighted = (
                nav.names.index(filters.specialty) if filters.specialty in nav.names else 0
            )

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def _load_counts(self, filters: Filters) -> None:
        query_and_post(
            self,
            self.corpus,
            lambda reader: reader.specialty_counts(filters),
            CountsLoaded,
            "counting specialties failed",
        )

    @on(CountsLoaded)
    def _counts_loaded(self, message: CountsLoaded) -> None:
        self.specialty_names = [name for name, _ in message.counts]
        self.query_one(SpecialtyNav).show_counts(message.counts, self.filters.specialty)

    def choose_specialty(self, specialty: str | None) -> None:
        self.apply_filters(replace(self.filters, specialty=specialty, topic=None))

    def choose_quick_date(self, choice: str) -> None:
        since, until = quick_range(choice)
        self.query_one(FilterBar).set_dates(since, until)

    @on(SpecialtyChosen)
    def _specialty_chosen(self, message: SpecialtyChosen) -> None:
        self.choose_specialty(message.specialty)
        self.query_one(QuestionList).focus()

    @on(DateRangeChanged)
    def _dates_changed(self, message: DateRangeChanged) -> None:
        self.apply_filters(replace(self.filters, since=message.since, until=message.until))

    @on(FilterBar.SearchChanged)
    def _search_changed(self, message: FilterBar.SearchChanged) -> None:
        text = message.text.strip() or None
        if text != self.filters.search:
            self.apply_filters(replace(self.filters, search=text))
        if message.submitted:
            self.query_one(QuestionList).focus()

    @on(TopicChosen)
    def _topic_chosen(self, message: TopicChosen) -> None:
        self.remember_place()
        specialty = message.specialty if message.specialty in self.specialty_names else None
        self.apply_filters(replace(self.filters, specialty=specialty, topic=message.topic))
        self.remember_place()
        self.query_one(QuestionList).focus()

    # -- opening questions -----------------------------------------------------------------

    @on(QuestionChosen)
    def _question_chosen(self, message: QuestionChosen) -> None:
        self.open_question(message.question_id)

    def open_question(self, question_id: int, *, remember: bool = True) -> None:
        """Load a question into the reading and related panes (in a worker)."""
        if remember:
            self.history.visit(Place(question_id, self.filters))
        if self._loading_timer is not None:
            self._loading_timer.stop()
        self._loading_timer = self.set_timer(LOADING_DELAY_S, self._show_loading)
        self._load_page(question_id)

    def _show_loading(self) -> None:
        self.query_one(ReadingPane).loading = True

    @work(thread=True, exclusive=True, group="page", exit_on_error=False)
    def _load_page(self, question_id: int) -> None:
        query_and_post(
            self,
            self.corpus,
            lambda reader: reader.page(question_id),
            lambda page: PageLoaded(page, question_id),
            "opening the question failed",
        )

    @on(PageLoaded)
    def _page_loaded(self, message: PageLoaded) -> None:
        if self._loading_timer is not None:
            self._loading_timer.stop()
        reader = self.query_one(ReadingPane)
        reader.loading = False
        if message.page is None:
            self.notify(
                f"Question {message.question_id} is not in this corpus.",
                severity="warning",
                markup=False,
            )
            return
        self.page = message.page
        reader.show_page(
            message.page,
            more_info_folded=self.more_info_folded,
            query=self.filters.query_text,
            as_you_type=bool(self.filters.search),
        )
        self.query_one(RelatedLinks).show_page(message.page)
        self.remember_opened(message.page)

    @on(QueryFailed)
    def _query_failed(self, message: QueryFailed) -> None:
        self.query_one(ReadingPane).loading = False
        self.notify(clean_line(message.reason), severity="error", markup=False)

    def find_titles(self, words: str) -> list[QuestionRow]:
        """Questions by title words; called from a thread by the command palette."""
        with self.corpus.reader() as reader:
            return reader.titles_like(words, limit=20)

    # -- history ---------------------------------------------------------------------------

    def remember_place(self) -> None:
        self.history.visit(Place(self.page.id if self.page else None, self.filters))

    def _go_to(self, place: Place | None) -> None:
        if place is None:
            self.bell()
            return
        if place.filters != self.filters:
            self.apply_filters(place.filters)
            self.query_one(FilterBar).clear()
        if place.question_id is not None and (
            self.page is None or self.page.id != place.question_id
        ):
            self.open_question(place.question_id, remember=False)

    def action_go_back(self) -> None:
        """Go back to what was open before (and the filters then)."""
        self._go_to(self.history.back())

    def action_go_forward(self) -> None:
        """Go forward again after going back."""
        self._go_to(self.history.forward())

    # -- actions ---------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_dates(self) -> None:
        self.query_one("#since", Input).focus()

    def action_focus_pane(self, pane_id: str) -> None:
        self.query_one(f"#{pane_id}").focus()

    def action_flip_order(self) -> None:
        """Newest first <-> oldest first."""
        self.apply_filters(replace(self.filters, newest_first=not self.filters.newest_first))

    def action_clear_filters(self) -> None:
        """Drop specialty, dates and search words; reread the counts (new imports show up)."""
        self.query_one(FilterBar).clear()
        self.apply_filters(self.filters.cleared(), recount=True)

    def action_toggle_more_info(self) -> None:
        """Fold or unfold the More Info article."""
        self.more_info_folded = not self.more_info_folded
        self.query_one(ReadingPane).set_more_info_folded(self.more_info_folded)

    def action_back_out(self) -> None:
        """Escape: leave a field or pane for the question list; clear a search being typed."""
        focused = self.focused
        questions = self.query_one(QuestionList)
        if isinstance(focused, Input) and focused.id == "search" and focused.value:
            self.clear_search()
            return
        if focused is questions:
            if self.filters.search:
                self.clear_search()
            return
        questions.focus()

    def clear_search(self) -> None:
        """Empty the search field and show the list as it was before the search."""
        field = self.query_one("#search", Input)
        with field.prevent(Input.Changed):
            field.value = ""
        self.apply_filters(replace(self.filters, search=None))

    def action_next_match(self) -> None:
        """Jump to the next highlighted search word in the reading pane."""
        if self.query_one(ReadingPane).next_match(1) is None:
            self.bell()

    def action_previous_match(self) -> None:
        """Jump to the previous highlighted search word in the reading pane."""
        if self.query_one(ReadingPane).next_match(-1) is None:
            self.bell()

    def action_toggle_ranking(self) -> None:
        """Search results: best matches first <-> newest first."""
        if not self.filters.search:
            self.notify("Ranking applies to a search: type one with /", markup=False)
            return
        self.apply_filters(replace(self.filters, ranked=not self.filters.ranked))

    def action_help(self) -> None:
        """Show every binding."""
        sections = [
            ("Everywhere", binding_rows(self.BINDINGS)),
            ("Question list", binding_rows(QuestionList.BINDINGS)),
            ("Reading pane", binding_rows(ReadingPane.BINDINGS)),
            (
                "Specialties and Related panes",
                [("Up / Down / j / k", "Move"), ("Enter", "Choose / open")],
            ),
            (
                "Moving between panes",
                [
                    ("Tab / Shift+Tab", "Next / previous pane"),
                    ("Ctrl+P", "Command palette: specialty, date, question"),
                ],
            ),
        ]
        self.push_screen(HelpScreen(sections))

    def get_system_commands(self, screen: Screen[object]):  # type: ignore[no-untyped-def]
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Clear filters", "Drop specialty, dates and words", self.action_clear_filters
        )
        yield SystemCommand("Flip order", "Newest first / oldest first", self.action_flip_order)

    # -- reading state, bookmarks, export, timeline, settings --------------------------------

    def start_reading_state(self) -> None:
        """Apply the config (theme, keys), say what was wrong, remember theme changes, and
        mark the rows already read or bookmarked."""
        known = binding_ids(
            QATuiApp, QuestionList, ReadingPane, SpecialtyNav, RelatedLinks, *DIALOG_SCREENS
        )
        for warning in [*self.start_notices, *apply_config(self, self.config, known)]:
            self.notify(clean_line(warning), severity="warning", timeout=12, markup=False)
        self._saved_theme = self.theme
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.run_state_job(load_marks)

    @work(thread=True, group="state", exit_on_error=False)
    def run_state_job(self, job: Callable[[UserState], JobDone]) -> None:
        """Run a read-mark/bookmark/history change in a thread; its report updates the list.
        Jobs run one at a time and report in the order they ran."""
        with self._state_lock:
            try:
                report = job(self.state)
            except Exception as error:
                report = JobDone(f"Saving your reading state failed: {error}", severity="error")
            self.post_message(report)

    @on(JobDone)
    def _job_done(self, report: JobDone) -> None:
        if report.marks is not None:
            questions = self.query_one(QuestionList)
            questions.marks = report.marks
            questions.refresh()
        if report.notice:
            self.notify(clean_line(report.notice), severity=report.severity, markup=False)

    def target_question(self) -> Target | None:
        """What u/m act on: the highlighted row while the list has focus, else the open page."""
        questions = self.query_one(QuestionList)
        row = questions.current_row
        if row is not None and (self.focused is questions or self.page is None):
            return Target(row.id, row.title, row.specialty)
        if self.page is not None:
            return Target(self.page.id, self.page.record.title, self.page.record.specialty)
        return None

    def remember_opened(self, page: QuestionPage) -> None:
        """History and read mark for an opened page."""
        target = Target(page.id, page.record.title, page.record.specialty)
        self.run_state_job(partial(record_open, target=target))

    def action_toggle_read(self) -> None:
        """Mark the highlighted (or open) question read or unread."""
        target = self.target_question()
        if target is None:
            self.bell()
            return
        self.run_state_job(partial(toggle_read, target=target))

    def action_toggle_bookmark(self) -> None:
        """Bookmark the highlighted (or open) question, with a note; or remove its bookmark."""
        target = self.target_question()
        if target is None:
            self.bell()
            return
        if self.query_one(QuestionList).marks.get(target.question_id) == BOOKMARK_MARK:
            self.run_state_job(partial(remove_bookmark, target=target))
            return

        def save(note: str | None) -> None:
            if note is not None:
                self.run_state_job(partial(add_bookmark, target=target, note=note))

        self.push_screen(NoteScreen(target.title), save)

    def action_bookmarks(self) -> None:
        """The bookmarks, searchable; Enter opens one."""
        self.push_screen(BookmarksScreen(self.state), self._chosen_from_state)

    def action_history(self) -> None:
        """What was opened, searchable; Enter opens it again."""
        self.push_screen(HistoryScreen(self.state), self._chosen_from_state)

    def _chosen_from_state(self, question_id: int | None) -> None:
        self.run_state_job(load_marks)  # bookmarks may have been removed there
        if question_id is not None:
            self.open_question(question_id)

    def action_cycle_view(self) -> None:
        """Show every question, only unread ones, or only bookmarked ones."""
        if not isinstance(self.corpus, StateAwareCorpus):
            self.notify("Views need the reading state.", severity="warning", markup=False)
            return
        self.apply_filters(next_view(self.filters))

    def action_cycle_sort(self) -> None:
        """Sort by ask date or by reply delay (o flips the direction)."""
        order: SortOrder = "delay" if self.filters.order == "date" else "date"
        self.apply_filters(replace(self.filters, order=order))
        if order == "delay" and self.filters.query_text is not None:
            self.notify(
                "Search results keep their own order; the reply-delay order applies without one.",
                markup=False,
            )

    def action_copy_citation(self) -> None:
        """Copy a citation of the open question to the clipboard (OSC 52)."""
        if self.page is None:
            self.notify("Open a question first.", severity="warning", markup=False)
            return
        text = citation(self.page.record)
        self.copy_to_clipboard(text)
        self.notify(text, title="Citation copied", markup=False)

    def action_export(self) -> None:
        """Export the open question, the bookmarks or the list to Markdown or JSON."""
        title = self.page.record.title if self.page is not None else None
        words = ", ".join(self.filters.describe()) or "every question"
        matching = self.query_one(QuestionList).matching
        if matching is not None:
            words += f" ({matching:,} questions)"
        self.push_screen(ExportScreen(self.export_folder, title, words), self._export_chosen)

    def _export_chosen(self, request: ExportRequest | None) -> None:
        if request is not None:
            self._export(request, self.filters, self.page.id if self.page is not None else None)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export(self, request: ExportRequest, filters: Filters, question_id: int | None) -> None:
        worker = get_current_worker()
        try:
            result = write_export(
                request,
                self.export_folder,
                corpus=self.corpus,
                state=self.state,
                filters=filters,
                question_id=question_id,
                cancelled=lambda: worker.is_cancelled,
            )
        except (QueryCancelled, ExportCancelled):
            return
        except Exception as error:
            self.post_message(JobDone(f"Export failed: {error}", severity="error"))
            return
        count = f"{result.count:,} question" + ("" if result.count == 1 else "s")
        if request.what == "bookmarks":
            count = f"{result.count:,} bookmark" + ("" if result.count == 1 else "s")
        self.post_message(JobDone(f"Exported {count} to {result.path}"))

    def action_timeline(self) -> None:
        """Questions per month or year, and the asker facets, under the current filters."""
        self.push_screen(TimelineScreen(self.corpus, self.filters), self._timeline_chosen)

    def _timeline_chosen(self, chosen: Filters | None) -> None:
        if chosen is None or chosen == self.filters:
            return
        if (chosen.since, chosen.until) != (self.filters.since, self.filters.until):
            self.query_one(FilterBar).set_dates(chosen.since, chosen.until)
        else:
            self.apply_filters(chosen)

    def _theme_changed(self, theme: Theme) -> None:
        if theme.name != self._saved_theme:
            self._saved_theme = theme.name
            self._save_theme(theme.name)

    @work(thread=True, exclusive=True, group="theme", exit_on_error=False)
    def _save_theme(self, name: str) -> None:
        problem = save_theme(name, self.config_file)
        if problem:
            self.post_message(JobDone(problem, severity="warning"))


def run_reader(path: Path, *, build_sample: bool) -> int:
    """Open the reader on ``path`` (building the sample corpus first if asked and missing).

    ``build_sample`` means ``path`` is the default database: the config's ``database`` wins.
    """
    loaded = load_config()
    if build_sample and loaded.config.database is not None:
        path, build_sample = loaded.config.database, False
    try:
        if build_sample and not path.exists():
            from qatui.corpus.ingest.sample import build_sample_database

            build_sample_database(path)
        app = make_app(path, config=loaded)
    except StoreError as error:
        print(f"qatui: {clean_line(str(error))}", file=sys.stderr)
        return 2
    try:
        app.run()
    finally:
        app.corpus.close()
        app.state.close()
    return 0


def make_app(
    path: Path,
    *,
    state_path: Path | None = None,
    config: LoadedConfig | None = None,
    export_folder: Path | None = None,
) -> QATuiApp:
    """An app over the database at ``path``, with the user state at ``state_path`` (default:
    ``$QATUI_STATE_DB`` or the user's) and ``config`` (default: no config file)."""
    state, problem = open_user_state(state_path)
    try:
        corpus = StateAwareCorpus.open_with_state(path, state)
    except BaseException:
        state.close()
        raise
    return QATuiApp(
        corpus,
        more_info_folded=config.config.more_info_folded if config else False,
        state=state,
        config=config.config if config else None,
        config_file=config.path if config else None,
        notices=[*(config.warnings if config else []), *([problem] if problem else [])],
        export_folder=export_folder,
    )


__all__ = ["QATuiApp", "make_app", "run_reader"]
