"""The timeline screen: questions per month or year under the current filters, the asker
facets (age band, gender) and who replied (the busiest doctors and hospitals). Choosing a bar
or a facet value closes the screen with the filters narrowed to it, which the app then shows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from qatui.corpus.facets import (
    AskerFacets,
    FacetCounts,
    Period,
    asker_facets,
    choose_period,
    period_bounds,
)
from qatui.corpus.facets import histogram as count_per_period
from qatui.corpus.filters import Filters
from qatui.corpus.ingest.sanitize import clean_line
from qatui.corpus.listing import ListQuery
from qatui.corpus.people import person_counts
from qatui.corpus.store.read_pool import Corpus, QueryCancelled
from qatui.tui.messages import WorkFailed
from qatui.tui.screens.dialog_base import Dialog
from qatui.tui.text import one_line
from qatui.tui.widgets.histogram import Histogram

NOT_GIVEN = "not given"
CHOSEN_MARK = "● "


NO_FACET_VALUES = "None under these filters."
"""What a facet's box says when no question matches the filters."""


def facet_prompt(value: str | None, count: int, width: int, *, chosen: bool) -> Content:
    """``● 30~39   1,234``: the value (corpus text), its count, and whether it is the filter."""
    mark = CHOSEN_MARK if chosen else "  "
    shown = one_line(value) if value is not None else Content.styled(NOT_GIVEN, "italic")
    return Content.assemble((mark, "bold"), (f"{count:>{width},} ", "dim"), shown)


def same_time(period: str | None, keys: list[str]) -> int | None:
    """The bar of ``keys`` (months ``YYYY-MM`` or years ``YYYY``) holding ``period``: its year,
    or the first month of that year there is (the nearest after, else the last); None when no
    period was highlighted."""
    if period is None or not keys:
        return None
    if period in keys:
        return keys.index(period)
    year = period[:4]
    return next((n for n, key in enumerate(keys) if key[:4] >= year), len(keys) - 1)


class TimelineScreen(Dialog[Filters | None]):
    """A histogram of the filtered questions over time, and counts by asker age and gender."""

    DEFAULT_CSS = """
    TimelineScreen { align: center middle; }
    .timeline-body {
        width: 100%; height: 100%; max-width: 140;
        border: round $accent; background: $panel; padding: 0 1;
    }
    #histogram { height: 1fr; min-height: 5; max-height: 16; }
    #timeline-info { height: 1; margin-bottom: 1; }
    #facets { height: 1fr; min-height: 4; }
    #facets OptionList { width: 1fr; height: 1fr; border: round $panel-lighten-2; }
    #facets OptionList:focus { border: round $accent; }
    .dialog-hint { color: $text-muted; height: auto; }
    """

    AUTO_FOCUS = "#histogram"
    BINDINGS = [
        Binding("t", "close", "Close", id="timeline.close"),
        Binding("p", "switch_period", "Months / years", id="timeline.period"),
    ]

    @dataclass
    class Loaded(Message):
        period: Period
        bars: list[tuple[str, int]]
        facets: AskerFacets
        doctors: FacetCounts
        hospitals: FacetCounts

    def __init__(self, corpus: Corpus, filters: Filters) -> None:
        super().__init__()
        self.corpus = corpus
        self.filters = filters
        self.period: Period | None = None
        self.highlighted: str | None = None
        """The period of the highlighted bar (``p`` keeps the bar that holds it)."""
        self.facet_values: dict[str, list[str | None]] = {
            "age": [],
            "gender": [],
            "doctor": [],
            "hospital": [],
        }

    def compose(self) -> ComposeResult:
        with Vertical(classes="timeline-body") as body:
            body.border_title = Content("Questions over time")
            yield Histogram(id="histogram")
            yield Static(Content("counting…"), id="timeline-info")
            with Horizontal(id="facets"):
                yield OptionList(id="age-facet")
                yield OptionList(id="gender-facet")
                yield OptionList(id="doctor-facet")
                yield OptionList(id="hospital-facet")
            yield Static(
                Content(
                    "←/→: bar · Enter/click: show only that period or value · "
                    "p: months/years · Tab: facets · Esc/q: close"
                ),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#age-facet").border_title = "Asker age"
        self.query_one("#gender-facet").border_title = "Gender"
        self.query_one("#doctor-facet").border_title = "Doctor"
        self.query_one("#hospital-facet").border_title = "Hospital"
        self.query_one("#hospital-facet").display = False  # until a reply names a hospital
        self._load(self.filters, None, max(12, self.app.size.width - 8))

    # -- loading ------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="timeline", exit_on_error=False)
    def _load(self, filters: Filters, period: Period | None, max_bars: int) -> None:
        worker = get_current_worker()
        try:
            with self.corpus.reader(lambda: worker.is_cancelled) as reader:
                filters = ListQuery(filters).selecting(reader.conn)
                months = count_per_period(reader.conn, filters, "month")
                if period is None:
                    first = months[0][0] if months else None
                    last = months[-1][0] if months else None
                    period = choose_period(first, last, max_bars)
                bars = months
                if period == "year":
                    bars = count_per_period(reader.conn, filters, "year")
                facets = asker_facets(reader.conn, filters)
                doctors = person_counts(reader.conn, filters, "doctor")
                hospitals = person_counts(reader.conn, filters, "hospital")
        except QueryCancelled:
            return
        except Exception as error:
            self.post_message(WorkFailed(f"counting questions over time failed: {error}"))
            return
        if not worker.is_cancelled:
            self.post_message(self.Loaded(period, bars, facets, list(doctors), list(hospitals)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.period = message.period
        words = ", ".join(self.filters.describe())
        per = "month" if message.period == "month" else "year"
        title = f"Questions per {per}" + (f" · {words}" if words else "")
        self.query_one(".timeline-body").border_title = Content(clean_line(title))
        chart = self.query_one(Histogram)
        chart.show(message.bars, same_time(self.highlighted, [key for key, _ in message.bars]))
        if not message.bars:
            self.query_one("#timeline-info", Static).update(
                Content("No dated questions under these filters.")
            )
        self._show_facet("age", message.facets.age_bands, self.filters.age)
        self._show_facet("gender", message.facets.genders, self.filters.gender)
        self._show_facet("doctor", message.doctors, self.filters.doctor)
        self._show_facet("hospital", message.hospitals, self.filters.hospital)
        self.query_one("#hospital-facet").display = bool(message.hospitals)

    def _show_facet(self, name: str, counts: FacetCounts, chosen: str | None) -> None:
        facet = self.query_one(f"#{name}-facet", OptionList)
        width = max((len(f"{count:,}") for _, count in counts), default=1)
        self.facet_values[name] = [value for value, _ in counts]
        facet.set_options(
            Option(
                facet_prompt(value, count, width, chosen=value == chosen and value is not None),
                disabled=value is None,
            )
            for value, count in counts
        )
        if not counts:  # nothing matches: say so rather than leave the box blank
            self.facet_values[name] = [None]
            facet.add_option(Option(Content.styled(NO_FACET_VALUES, "dim italic"), disabled=True))
        values = self.facet_values[name]
        if chosen is not None and chosen in values:
            facet.highlighted = values.index(chosen)
        elif values:
            facet.highlighted = 0

    # -- choosing -----------------------------------------------------------------------------

    @on(Histogram.Highlighted)
    def _bar_highlighted(self, message: Histogram.Highlighted) -> None:
        self.highlighted = message.period
        span = "month" if len(message.period) == 7 else "year"
        self.query_one("#timeline-info", Static).update(
            Content.assemble(
                (message.period, "bold"),
                f" · {message.count:,} question{'s' if message.count != 1 else ''}",
                (f" · Enter: show only this {span}", "dim"),
            )
        )

    @on(Histogram.Chosen)
    def _bar_chosen(self, message: Histogram.Chosen) -> None:
        since, until = period_bounds(message.period)
        self.close(replace(self.filters, since=since, until=until))

    @on(OptionList.OptionSelected, "#age-facet, #gender-facet, #doctor-facet, #hospital-facet")
    def _facet_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        name = (event.option_list.id or "").removesuffix("-facet")
        value = self.facet_values[name][event.option_index]
        current = getattr(self.filters, name)
        chosen = None if value == current else value  # choosing the filter again removes it
        if name == "age":
            self.close(replace(self.filters, age=chosen))
        elif name == "gender":
            self.close(replace(self.filters, gender=chosen))
        elif name == "doctor":
            self.close(replace(self.filters, doctor=chosen))
        else:
            self.close(replace(self.filters, hospital=chosen))

    def action_switch_period(self) -> None:
        """Months <-> years."""
        other: Period = "year" if self.period == "month" else "month"
        self._load(self.filters, other, 0)
