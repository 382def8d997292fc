"""The reader's App: themes, the key map from the config, the command palette, help, and the one
place that reports failed work. The reading itself is the :class:`ReaderScreen`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import Input

from qatui.config import Config, save_theme
from qatui.corpus.ingest.sanitize import clean_line
from qatui.corpus.store.database import unread_changes
from qatui.corpus.store.read_pool import Corpus
from qatui.paths import default_export_folder
from qatui.tui.messages import WorkFailed
from qatui.tui.reader_screen import ReaderScreen
from qatui.tui.screens.dialog_base import Dialog
from qatui.tui.settings import apply_config, binding_ids, key_remaps
from qatui.tui.signals import handle_exit_signals, release_exit_signals
from qatui.tui.state_bridge import JobDone
from qatui.tui.widgets.question_list import QuestionList
from qatui.tui.widgets.reading_pane import ReadingPane
from qatui.tui.widgets.related_links import RelatedLinks
from qatui.tui.widgets.specialty_nav import SpecialtyNav
from qatui.userstate import UserState


def dialog_screens() -> tuple[type[DOMNode], ...]:
    """Screens and widgets whose binding ids the config's [keys] may remap, besides the panes.

    Imported when asked for (a remap to check, Help to show), not for the first frame."""
    from qatui.tui.screens.bookmarks import BookmarksScreen
    from qatui.tui.screens.dialogs import ConfirmScreen, NoteScreen
    from qatui.tui.screens.export_dialog import ExportScreen
    from qatui.tui.screens.help import HelpScreen
    from qatui.tui.screens.history import HistoryScreen
    from qatui.tui.screens.timeline import TimelineScreen
    from qatui.tui.screens.topics import TopicScreen
    from qatui.tui.widgets.histogram import Histogram

    return (
        BookmarksScreen,
        HistoryScreen,
        TimelineScreen,
        TopicScreen,
        Histogram,
        ExportScreen,
        NoteScreen,
        ConfirmScreen,
        HelpScreen,
    )


QUIT = Binding("q", "quit", "Quit", id="app.quit")


class QATuiApp(App[int]):
    """Browse the corpus: specialties, questions, the open page and its related links."""

    CSS_PATH = "app.tcss"
    TITLE = "qatui"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS: ClassVar[list[BindingType]] = [
        # The reader screen shows Help in its footer (same id): this one serves the dialogs.
        Binding("question_mark,f1", "help", "Help", show=False, id="app.help"),
        QUIT,
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
        self.reader = ReaderScreen(
            corpus,
            self.state,
            export_folder=export_folder or default_export_folder(),
            more_info_folded=more_info_folded,
        )
        self._saved_theme: str | None = None
        self.key_remaps: dict[str, str] = {}
        """The config's key remaps in use (binding id -> keys): Help shows these keys."""

    def get_default_screen(self) -> Screen[None]:
        return self.reader

    def on_key(self, event: events.Key) -> None:
        """A letter typed in one burst with the key that gave a text field the focus (the
        ``itch`` of ``/itch``) was handed to the widget focused before it; no binding takes
        it (the field would) and it bubbled up here: it joins the field, not lost."""
        field = self.focused
        if isinstance(field, Input) and event.is_printable and event.character:
            event.stop()
            field.insert_text_at_cursor(event.character)

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
            hidden = unread_changes(self.corpus.path)
            if hidden:
                self.notify(clean_line(hidden), severity="warning", timeout=20, markup=False)
        # A lost terminal (SIGHUP) or a kill (SIGTERM) ends the reader cleanly, as q would.
        handle_exit_signals(asyncio.get_running_loop(), self.exit)
        self.apply_settings()

    def on_unmount(self) -> None:
        release_exit_signals(asyncio.get_running_loop())

    # -- settings: theme and keys ----------------------------------------------------------

    def apply_settings(self) -> None:
        """Apply the config (theme, keys), say what was wrong, and remember theme changes.

        The dialogs' binding ids are looked up only when the config remaps keys: only a remap
        is checked against them, and they are modules the first frame does not show."""
        known = binding_ids(
            QATuiApp,
            ReaderScreen,
            QuestionList,
            ReadingPane,
            SpecialtyNav,
            RelatedLinks,
            *(dialog_screens() if self.config.keys else ()),
        )
        for warning in [*self.start_notices, *apply_config(self, self.config, known)]:
            self.notify(clean_line(warning), severity="warning", timeout=12, markup=False)
        self.key_remaps = key_remaps(self.config, known)
        self._saved_theme = self.theme
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        if theme.name != self._saved_theme:
            self._saved_theme = theme.name
            self._save_theme(theme.name)

    @work(thread=True, exclusive=True, group="theme", exit_on_error=False)
    def _save_theme(self, name: str) -> None:
        problem = save_theme(name, self.config_file)
        if problem:
            self.post_message(JobDone(problem, severity="warning"))

    @on(JobDone)
    def _job_done(self, report: JobDone) -> None:
        if report.notice:
            self.notify(clean_line(report.notice), severity=report.severity, markup=False)

    # -- failures, help, palette -----------------------------------------------------------

    @on(WorkFailed)
    def _work_failed(self, message: WorkFailed) -> None:
        """Every kind of work that failed (a query, a state change, an export) says so here."""
        self.notify(clean_line(message.reason), severity="error", markup=False)

    def action_help(self) -> None:
        """Show every binding, with the keys it has now (the config may have remapped them)."""
        from qatui.tui.screens.bookmarks import BookmarksScreen
        from qatui.tui.screens.help import HelpScreen, binding_rows, key_label
        from qatui.tui.screens.history import HistoryScreen
        from qatui.tui.screens.timeline import TimelineScreen
        from qatui.tui.screens.topics import TopicScreen
        from qatui.tui.widgets.histogram import Histogram

        if isinstance(self.screen, HelpScreen):
            return

        def rows(*bindings: BindingType) -> list[tuple[str, str]]:
            return binding_rows(bindings, self.key_remaps)

        sections = [
            ("Everywhere", rows(*ReaderScreen.BINDINGS, QUIT)),
            ("Question list", rows(*QuestionList.BINDINGS)),
            ("Reading pane", rows(*ReadingPane.BINDINGS)),
            ("Specialties pane", [*rows(*SpecialtyNav.BINDINGS), ("Enter", "Choose")]),
            ("Related pane", rows(*RelatedLinks.BINDINGS)),
            (
                "Every dialog (Bookmarks, History, Timeline, Topics, Export, Help)",
                rows(*Dialog.BINDINGS),
            ),
            ("Bookmarks", rows(*BookmarksScreen.BINDINGS)),
            ("History", rows(*HistoryScreen.BINDINGS)),
            ("Timeline", rows(*TimelineScreen.BINDINGS, *Histogram.BINDINGS)),
            ("Topic index", [*rows(*TopicScreen.BINDINGS), ("Enter", "Show its questions")]),
            (
                "Moving between panes",
                [
                    ("Tab / Shift+Tab", "Next / previous pane"),
                    (
                        key_label(self.COMMAND_PALETTE_BINDING),
                        "Command palette: specialty, date, question, topic",
                    ),
                ],
            ),
        ]
        self.push_screen(HelpScreen(sections))

    def action_show_help_panel(self) -> None:
        """The palette's "Keys": the same help as ``?`` (one help, built from the bindings)."""
        self.action_help()

    def get_system_commands(self, screen: Screen[object]):  # type: ignore[no-untyped-def]
        for command in super().get_system_commands(screen):
            if command.title == "Keys":  # Textual's own keys panel: ours is the one help
                yield SystemCommand("Keys", "Every key of the reader (same as ?)", self.action_help)
            elif command.title not in ("Maximize", "Minimize"):
                # (Textual's maximises the focused widget, a field say: z zooms its pane.)
                yield command
        if screen is self.reader:
            yield self._zoom_command()
        yield SystemCommand(
            "Clear filters", "Drop specialty, dates and words", self.reader.action_clear_filters
        )
        yield SystemCommand(
            "Flip order", "Newest first / oldest first", self.reader.action_flip_order
        )
        yield SystemCommand(
            "Topic index",
            "Every Related FAQ topic, its specialty and its pages (T)",
            self.reader.action_topics,
        )

    def _zoom_command(self) -> SystemCommand:
        if self.reader.maximized is not None:
            return SystemCommand(
                "Zoom out", "Put the panes back (z)", self.reader.action_toggle_maximise
            )
        return SystemCommand(
            "Zoom", "The focused pane takes the screen (z)", self.reader.action_toggle_maximise
        )


__all__ = ["QATuiApp"]
