"""The filter bar: date range (typed or a quick choice) and the words to search for.

A typed date is checked when it is submitted (Enter) or left (blur), never at each keystroke,
with Textual's own validation (the field's ``-invalid`` class); what is wrong is said in a
notification, so the bar's layout never moves.

The first frame shows the bar as plain text drawn like the fields (:class:`FieldPreview`): the
three ``Input`` fields and the quick-date ``Select`` (ten widgets, a third of the first frame's
styling) are built right after it, or at once when a key asks for one of them first.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Select, Static

from qatui.corpus.filters import Filters
from qatui.corpus.ingest.dates import parse_bound
from qatui.corpus.ingest.sanitize import clean_line
from qatui.tui.messages import DateRangeChanged

ANY_TIME = "any"
CUSTOM_RANGE = "custom"
LAST_12_MONTHS = "12m"
SEARCH_DEBOUNCE_S = 0.25
_NOTHING_POSTED = object()
DATE_FIELDS = ("since", "until")


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


class DateBound(Validator):
    """A date-filter bound: a year, a year-month or a full date (see ``parse_bound``)."""

    def __init__(self, *, end: bool) -> None:
        super().__init__()
        self.end = end

    def validate(self, value: str) -> ValidationResult:
        try:
            parse_bound(value, end=self.end)
        except ValueError as error:
            return self.failure(str(error), value)
        return self.success()


class SearchField(Input):
    """The search box: Enter submits and calls the bar's ``on_submit`` at once (the reader
    gives the list the focus). Keys typed in the same burst after Enter are still on their way
    up from the widget they were handed to; they used to find the box focused and join it
    (``/knee`` Enter ``j`` searched for ``kneej``)."""

    async def _on_key(self, event: events.Key) -> None:  # before Input's own
        if event.key == "slash" and not self.value:
            # ``/`` in the empty box (cleared with Escape, say) asks for the box it is in: it
            # used to be searched for itself ("Did you mean: /headache?").
            event.stop()
            event.prevent_default()

    async def action_submit(self) -> None:
        await super().action_submit()
        on_submit = self.query_ancestor(FilterBar).on_submit
        if on_submit is not None:
            on_submit()


def date_field(field_id: str, placeholder: str, *, end: bool) -> Input:
    """A date field checked on Enter and on leaving it (an empty one means no bound)."""
    return Input(
        placeholder=placeholder,
        id=field_id,
        validators=[DateBound(end=end)],
        validate_on=["submitted", "blur"],
        valid_empty=True,
    )


SEARCH_PLACEHOLDER = "/ search words"
CUSTOM_LABEL = "Custom range"
"""The quick-date picker's label for dates typed or picked on the timeline."""
SINCE_PLACEHOLDER = "from: 2016, 2016-03…"
UNTIL_PLACEHOLDER = "to"


class FieldPreview(Static):
    """A field as the first frame draws it: its placeholder (app.tcss styles it as the field
    it stands for). A click on it builds the fields and goes to that one."""

    def on_click(self) -> None:
        bar = self.parent
        if isinstance(bar, FilterBar) and self.id is not None:
            bar.call_later(bar.focus_field, self.id)  # in the bar's turn: it removes this preview


class QuickDatePreview(FieldPreview):
    """The quick-date picker as the first frame draws it: the choice's label, then its arrow
    (half the foreground, with a cell of padding either side, as a compact ``Select``)."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.label = label

    def show_label(self, label: str) -> None:
        self.label = label
        self.refresh()

    def render(self) -> Content:
        room = max(self.content_size.width - 2, 0)
        return Content.assemble(self.label[:room].ljust(room), " ", ("▼", "$foreground 50%"))


def quick_label(choice: str) -> str:
    """The label the quick-date picker shows for ``choice``."""
    labels = dict((value, label) for label, value in quick_choices())
    return labels.get(choice, CUSTOM_LABEL)


class FilterBar(Horizontal):
    """From/to dates, a quick date choice, and a search field."""

    @dataclass
    class SearchChanged(Message):
        """The search words changed (debounced), or were submitted with Enter."""

        text: str
        submitted: bool = False

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self._search_timer: Timer | None = None
        self._shown_dates: tuple[str | None, str | None] = (None, None)
        self._dates_as_typed: dict[str, str] = {}
        """The date fields' text when :meth:`show` was called."""
        self.error = ""
        """What is wrong with the typed dates, as last said ("" when nothing)."""
        self._fields_built = False
        self._initial_choice: str | None = None
        """The quick-date picker's value when built, until it says so as it mounts."""
        self._building: asyncio.Event | None = None
        """Set once :meth:`build_fields` has run (None before it starts)."""
        self._shown_search = ""
        """The search words :meth:`show` was given before the fields were built."""
        self.on_submit: Callable[[], None] | None = None
        """Called as Enter in the search box submits it, before the search is answered (the
        reader moves the focus to its list, which keeps the keys typed next for the results)."""
        self._posted_search: object = _NOTHING_POSTED
        """The words of the last search this bar posted, until :meth:`show` is next called:
        filters that come back with them are this field's own echo, whatever was typed since."""
        self._dates_pending = False
        """Whether :meth:`show_dates` was called before the fields were built."""

    def compose(self) -> ComposeResult:
        """The fields' previews: :meth:`build_fields` replaces them after the first frame."""
        yield FieldPreview(SEARCH_PLACEHOLDER, id="search", classes="field-preview")
        yield FieldPreview(SINCE_PLACEHOLDER, id="since", classes="field-preview")
        yield FieldPreview(UNTIL_PLACEHOLDER, id="until", classes="field-preview")
        yield QuickDatePreview(
            quick_label(quick_choice_of(*self._shown_dates)),
            id="quick-date",
            classes="field-preview",
        )

    def on_mount(self) -> None:
        self.call_after_refresh(self.build_fields)

    @property
    def fields_built(self) -> bool:
        """Whether the real fields have replaced the first frame's previews."""
        return self._fields_built

    async def build_fields(self) -> None:
        """Replace the previews with the fields, showing what :meth:`show` and
        :meth:`show_dates` were given meanwhile (in one frame: no empty bar between). A second
        caller waits for the first one's fields."""
        if self._building is not None:
            await self._building.wait()
            return
        building = self._building = asyncio.Event()
        try:
            await self._build_fields()
        finally:
            building.set()

    async def _build_fields(self) -> None:
        # The custom range is what the dates say already: choosing it changes nothing.
        choices = [*quick_choices(), (CUSTOM_LABEL, CUSTOM_RANGE)]
        search = SearchField(placeholder=SEARCH_PLACEHOLDER, id="search", select_on_focus=False)
        self._initial_choice = quick_choice_of(*self._shown_dates)
        fields = [
            search,
            date_field("since", SINCE_PLACEHOLDER, end=False),
            date_field("until", UNTIL_PLACEHOLDER, end=True),
            Select(
                choices,
                value=self._initial_choice,
                allow_blank=False,
                id="quick-date",
                compact=True,
            ),
        ]
        with self.app.batch_update():
            await self.remove_children()
            await self.mount_all(fields)
            if search not in self.children:
                return  # the reader is closing
            self._fields_built = True
            with self.prevent(Input.Changed):
                search.value = self._shown_search
            if self._dates_pending:
                self._dates_pending = False
                self.show_dates()

    def _show_error(self, message: str) -> None:
        """Say what is wrong with a typed date (plain text: it quotes what was typed)."""
        if message and message != self.error:
            self.notify(clean_line(message), title="Date filter", severity="error", markup=False)
        self.error = message

    def validate_dates(self) -> tuple[str | None, str | None] | None:
        """Both bounds when they are valid (and in order), else None with the field marked."""
        bounds: list[str | None] = []
        for field_id, end in (("since", False), ("until", True)):
            field = self.query_one(f"#{field_id}", Input)
            result = field.validate(field.value.strip())
            if result is not None and not result.is_valid:
                self._show_error(result.failure_descriptions[0])
                return None
            text = field.value.strip()
            bounds.append(parse_bound(text, end=end) if text else None)
        since, until = bounds
        if since and until and since > until:
            self.query_one("#until").add_class("-invalid")
            self._show_error("'to' is before 'from'")
            return None
        self._show_error("")
        return since, until

    @on(Input.Submitted, "#since, #until")
    @on(Input.Blurred, "#since, #until")
    def _dates_edited(self, event: Input.Submitted | Input.Blurred) -> None:
        event.stop()
        bounds = self.validate_dates()
        submitted = isinstance(event, Input.Submitted)
        if bounds is not None and (submitted or bounds != self._shown_dates):
            self.post_message(DateRangeChanged(*bounds, submitted=submitted))

    @on(Input.Changed, "#since, #until")
    def _date_typed(self, event: Input.Changed) -> None:
        event.stop()  # checked on Enter or on leaving the field

    @on(Select.Changed, "#quick-date")
    def _quick_date(self, event: Select.Changed) -> None:
        event.stop()
        if event.value == self._initial_choice:
            self._initial_choice = None
            return  # the picker saying its first value as it mounts: nothing was chosen
        if event.value == quick_choice_of(*self._shown_dates):
            return  # what the list shows already
        if event.value != CUSTOM_RANGE:
            self.post_message(DateRangeChanged(*quick_range(str(event.value))))

    @on(Input.Changed, "#search")
    def _search_edited(self, event: Input.Changed) -> None:
        event.stop()
        if self._search_timer is not None:
            self._search_timer.stop()
        text = event.value
        self._search_timer = self.set_timer(SEARCH_DEBOUNCE_S, lambda: self._post_search(text))

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._search_timer is not None:
            self._search_timer.stop()
        self._post_search(event.value, submitted=True)

    def _post_search(self, text: str, *, submitted: bool = False) -> None:
        self._posted_search = text.strip() or None
        self.post_message(self.SearchChanged(text, submitted=submitted))

    # -- what the screen shows in the fields ---------------------------------------------------

    def show(self, filters: Filters) -> None:
        """Show ``filters``' search words, posting nothing; their dates follow with
        :meth:`show_dates`. A field whose text already means that value is left as typed
        (``2020`` stays ``2020``; a search keeps its spaces)."""
        self._shown_dates = (filters.since, filters.until)
        if not self._fields_built:
            self._shown_search = filters.search or ""
            self._dates_as_typed = {}
            self.error = ""
            return
        self._dates_as_typed = {
            field_id: self.query_one(f"#{field_id}", Input).value for field_id in DATE_FIELDS
        }
        # The answer to this field's own search can come after more keys were typed: the
        # field keeps them (and their pending search), or ``fever`` typed fast became ``fevr``.
        echo, self._posted_search = filters.search == self._posted_search, _NOTHING_POSTED
        with self.prevent(Input.Changed):
            search = self.query_one("#search", Input)
            if (search.value.strip() or None) != filters.search and not echo:
                if self._search_timer is not None:
                    self._search_timer.stop()  # a debounced edit of the old text is void
                search.value = filters.search or ""
        self.error = ""

    def show_dates(self) -> None:
        """Show the dates :meth:`show` was given in the date fields and the quick choice,
        posting nothing (the reader calls it as the list shows them: one frame). A field edited
        since then is left as typed."""
        if not self._fields_built:
            self._dates_pending = True
            for preview in self.query(QuickDatePreview):  # none while the fields are mounted
                preview.show_label(quick_label(quick_choice_of(*self._shown_dates)))
            return
        since, until = self._shown_dates
        with self.prevent(Input.Changed, Select.Changed):
            for field_id, bound, end in (("since", since, False), ("until", until, True)):
                field = self.query_one(f"#{field_id}", Input)
                if field.value != self._dates_as_typed.get(field_id, field.value):
                    continue
                if _meaning(field.value, end=end) != bound:
                    field.value = bound or ""
                field.remove_class("-invalid")
            self.query_one("#quick-date", Select).value = quick_choice_of(since, until)

    async def focus_field(self, field_id: str) -> None:
        """Build the fields if need be, then focus this one at once (the quick-date picker
        opens): ``Widget.focus`` moves the focus only after the keys already queued, so the
        rest of ``/itch`` typed in one burst would run as commands."""
        await self.build_fields()
        if self._fields_built:
            field = self.query_one(f"#{field_id}")
            self.screen.set_focus(field)
            if isinstance(field, Select):
                field.expanded = True

    async def focus_search(self) -> None:
        await self.focus_field("search")

    async def focus_dates(self) -> None:
        await self.focus_field("since")


def _meaning(text: str, *, end: bool) -> str | object | None:
    """What a date field's text stands for: an ISO bound, None when empty, else INVALID."""
    text = text.strip()
    if not text:
        return None
    try:
        return parse_bound(text, end=end)
    except ValueError:
        return INVALID


INVALID = object()
"""A date field's text that is not a date."""


def quick_choice_of(since: str | None, until: str | None) -> str:
    """The quick choice (a year, the last 12 months, or any time) these bounds are, else a
    custom range."""
    if since is None and until is None:
        return ANY_TIME
    if (since, until) == quick_range(LAST_12_MONTHS):
        return LAST_12_MONTHS
    year = (since or "")[:4]
    if year.isdigit() and (since, until) == quick_range(year):
        return year
    return CUSTOM_RANGE
