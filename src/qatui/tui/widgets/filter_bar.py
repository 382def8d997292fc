"""The filter bar: date range (typed or a quick choice) and the words to search for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label, Select

from qatui.corpus.ingest.dates import parse_bound
from qatui.tui.messages import DateRangeChanged

ANY_TIME = "any"
LAST_12_MONTHS = "12m"
SEARCH_DEBOUNCE_S = 0.25


def quick_range(choice: str, today: dt.date | None = None) -> tuple[str | None, str | None]:
    """The (since, until) bounds of a quick choice: any time, last 12 months, or a year."""
    today = today or dt.date.today()
    if choice == LAST_12_MONTHS:
        try:
            start = today.replace(year=today.year - 1) + dt.timedelta(days=1)
        except ValueError:  # 29 February
            start = today.replace(year=today.year - 1, day=28) + dt.timedelta(days=1)
        return start.isoformat(), today.isoformat()
    if choice.isdigit():
        return f"{choice}-01-01", f"{choice}-12-31"
    return None, None


def quick_choices(today: dt.date | None = None) -> list[tuple[str, str]]:
    """The quick date choices as (label, value): any time, last 12 months, each year to 2000."""
    this_year = (today or dt.date.today()).year
    years = [(str(year), str(year)) for year in range(this_year, 1999, -1)]
    return [("Any time", ANY_TIME), ("Last 12 months", LAST_12_MONTHS), *years]


class FilterBar(Horizontal):
    """From/to dates, a quick date choice, and a search field."""

    @dataclass
    class SearchChanged(Message):
        """The search words changed (debounced), or were submitted with Enter."""

        text: str
        submitted: bool = False

    def compose(self) -> ComposeResult:
        choices = quick_choices()
        yield Input(placeholder="/ search words", id="search", select_on_focus=False)
        yield Input(placeholder="from: 2016, 2016-03…", id="since")
        yield Input(placeholder="to", id="until")
        yield Select(choices, value=ANY_TIME, allow_blank=False, id="quick-date", compact=True)
        yield Label("", id="filter-error")

    def on_mount(self) -> None:
        self._search_timer: Timer | None = None
        self.query_one("#filter-error").display = False

    def _bound(self, field_id: str, *, end: bool) -> tuple[str | None, bool]:
        field = self.query_one(f"#{field_id}", Input)
        text = field.value.strip()
        if not text:
            field.remove_class("-invalid")
            return None, True
        try:
            value = parse_bound(text, end=end)
        except ValueError as error:
            field.add_class("-invalid")
            self._show_error(str(error))
            return None, False
        field.remove_class("-invalid")
        return value, True

    def _show_error(self, message: str) -> None:
        error = self.query_one("#filter-error", Label)
        error.update(message)
        error.display = bool(message)

    def validate_dates(self) -> tuple[str | None, str | None] | None:
        """Both bounds when they are valid (and in order), else None with the field marked."""
        self._show_error("")
        since, since_ok = self._bound("since", end=False)
        until, until_ok = self._bound("until", end=True)
        if not (since_ok and until_ok):
            return None
        if since and until and since > until:
            self.query_one("#until").add_class("-invalid")
            self._show_error("'to' is before 'from'")
            return None
        return since, until

    @on(Input.Submitted, "#since, #until")
    @on(Input.Changed, "#since, #until")
    def _dates_edited(self, event: Input.Changed | Input.Submitted) -> None:
        event.stop()
        bounds = self.validate_dates()
        if bounds is not None:
            self.post_message(DateRangeChanged(*bounds))

    @on(Select.Changed, "#quick-date")
    def _quick_date(self, event: Select.Changed) -> None:
        event.stop()
        since, until = quick_range(str(event.value))
        self.set_dates(since, until)

    def set_dates(self, since: str | None, until: str | None) -> None:
        """Fill the date fields (this posts DateRangeChanged through the Changed events)."""
        with self.prevent(Input.Changed):
            self.query_one("#since", Input).value = since or ""
            self.query_one("#until", Input).value = until or ""
        bounds = self.validate_dates()
        if bounds is not None:
            self.post_message(DateRangeChanged(*bounds))

    @on(Input.Changed, "#search")
    def _search_edited(self, event: Input.Changed) -> None:
        event.stop()
        if self._search_timer is not None:
            self._search_timer.stop()
        text = event.value
        self._search_timer = self.set_timer(
            SEARCH_DEBOUNCE_S, lambda: self.post_message(self.SearchChanged(text))
        )

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._search_timer is not None:
            self._search_timer.stop()
        self.post_message(self.SearchChanged(event.value, submitted=True))

    def clear(self) -> None:
        """Empty every field without posting changes."""
        with self.prevent(Input.Changed, Select.Changed):
            for field_id in ("search", "since", "until"):
                field = self.query_one(f"#{field_id}", Input)
                field.value = ""
                field.remove_class("-invalid")
            self.query_one("#quick-date", Select).value = ANY_TIME
        self._show_error("")
