"""The reader's reading-state actions: read marks, bookmarks, the bookmarks and history lists,
the citation and exports. State changes run one at a time in thread workers; their reports
(:class:`~qatui.tui.state_bridge.JobDone`) update the list's marks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.content import Content
from textual.screen import Screen
from textual.worker import get_current_worker

from qatui.corpus.filters import Filters
from qatui.corpus.ingest.sanitize import clean_line
from qatui.corpus.store.read_pool import Corpus, QueryCancelled
from qatui.corpus.store.reader import QuestionPage
from qatui.tui.corpus_worker import run_and_post
from qatui.tui.messages import WorkFailed
from qatui.tui.state_bridge import (
    BOOKMARK_MARK,
    JobDone,
    Target,
    add_bookmark,
    load_marks,
    record_open,
    remove_bookmark,
    restore_bookmark,
    toggle_read,
)
from qatui.tui.text import one_line
from qatui.tui.widgets.question_list import QuestionList
from qatui.userstate import Bookmark, UserState

if TYPE_CHECKING:  # exports are written when asked for: not imported for the first frame
    from qatui.tui.export_files import ExportRequest


class ReadingStateActions(Screen[None]):
    """What the reader does with the user state. The reader screen supplies the open page, the
    list's filters (:meth:`list_filters`) and opening a question (:meth:`open_question`)."""

    def __init__(self, corpus: Corpus, state: UserState, export_folder: Path) -> None:
        super().__init__()
        self.corpus = corpus
        self.state = state
        self.export_folder = export_folder
        self.page: QuestionPage | None = None
        self.marks: dict[int, str] = {}
        """Each read or bookmarked question's mark, from the latest state job."""
        self._state_lock = threading.Lock()
        self.removed_bookmark: Bookmark | None = None
        """The bookmark removed last (with its note and dates), until U puts it back."""

    def list_filters(self) -> Filters:
        """The filters of the list on screen."""
        raise NotImplementedError

    def open_question(self, question_id: int, *, remember: bool = True) -> None:
        """Load a question into the reading pane."""
        raise NotImplementedError

    # -- state jobs -----------------------------------------------------------------------------

    @work(thread=True, group="state", exit_on_error=False)
    def run_state_job(self, job: Callable[[UserState], JobDone]) -> None:
        """Run a read-mark/bookmark/history change in a thread; its report updates the list.
        Jobs run one at a time and report in the order they ran."""
        with self._state_lock:
            run_and_post(
                self, lambda: job(self.state), lambda report: report, "saving your reading state"
            )

    @on(JobDone)
    def _job_done(self, report: JobDone) -> None:
        report.stop()  # told here; the app tells only the reports of its own jobs
        if report.removed is not None:
            self.removed_bookmark = report.removed
        if report.marks is not None:
            self.marks = report.marks
            self.query_one(QuestionList).show_marks(report.marks)
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

    # -- actions --------------------------------------------------------------------------------

    def action_toggle_read(self) -> None:
        """Mark the highlighted (or open) question read or unread."""
        target = self.target_question()
        if target is None:
            self.app.bell()
            return
        self.run_state_job(partial(toggle_read, target=target))

    def action_toggle_bookmark(self) -> None:
        """Bookmark the highlighted (or open) question, with a note; or remove its bookmark."""
        target = self.target_question()
        if target is None:
            self.app.bell()
            return
        from qatui.tui.screens.dialogs import ConfirmScreen, NoteScreen  # opened on demand

        if self.marks.get(target.question_id) == BOOKMARK_MARK:

            def answered(yes: bool | None) -> None:
                if yes:
                    self.run_state_job(partial(remove_bookmark, target=target))

            question = Content.assemble(
                "Remove the bookmark of ", one_line(target.title, "bold"), " and its note?"
            )
            self.app.push_screen(ConfirmScreen(question, "Remove"), answered)
            return

        def save(note: str | None) -> None:
            if note is not None:
                self.run_state_job(partial(add_bookmark, target=target, note=note))

        self.app.push_screen(NoteScreen(target.title), save)

    def action_undo_removal(self) -> None:
        """Put back the bookmark removed last, with its note and dates."""
        removed, self.removed_bookmark = self.removed_bookmark, None
        if removed is None:
            self.notify("Nothing to undo.", severity="warning", markup=False)
            return
        self.run_state_job(partial(restore_bookmark, bookmark=removed))

    def action_bookmarks(self) -> None:
        """The bookmarks, searchable; Enter opens one."""
        from qatui.tui.screens.bookmarks import BookmarksScreen  # opened on demand

        self.app.push_screen(BookmarksScreen(self.state), self._chosen_from_state)

    def action_history(self) -> None:
        """What was opened, searchable; Enter opens it again."""
        from qatui.tui.screens.history import HistoryScreen  # opened on demand

        self.app.push_screen(HistoryScreen(self.state), self._chosen_from_state)

    def _chosen_from_state(self, question_id: int | None) -> None:
        self.run_state_job(load_marks)  # bookmarks may have been removed there
        if question_id is not None:
            self.open_question(question_id)

    def action_copy_citation(self) -> None:
        """Copy a citation of the open question to the clipboard (OSC 52)."""
        if self.page is None:
            self.notify("Open a question first.", severity="warning", markup=False)
            return
        from qatui.corpus.export import citation

        text = citation(self.page.record)
        self.app.copy_to_clipboard(text)
        self.notify(text, title="Citation copied", markup=False)

    def action_export(self) -> None:
        """Export the open question, the bookmarks or the list to Markdown or JSON."""
        from qatui.tui.screens.export_dialog import ExportScreen  # opened on demand

        title = self.page.record.title if self.page is not None else None
        words = ", ".join(self.list_filters().describe()) or "every question"
        matching = self.query_one(QuestionList).matching
        if matching is not None:
            words += f" ({matching:,} questions)"
        self.app.push_screen(ExportScreen(self.export_folder, title, words), self._export_chosen)

    def _export_chosen(self, request: ExportRequest | None) -> None:
        if request is not None:
            question_id = self.page.id if self.page is not None else None
            self._export(request, self.list_filters(), question_id)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export(self, request: ExportRequest, filters: Filters, question_id: int | None) -> None:
        from qatui.tui.export_files import ExportCancelled, write_export

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
            self.post_message(WorkFailed(f"Export failed: {error}"))
            return
        noun = "bookmark" if request.what == "bookmarks" else "question"
        count = f"{result.count:,} {noun}" + ("" if result.count == 1 else "s")
        self.post_message(JobDone(f"Exported {count} to {result.path}"))
