"""The timeline screen (histogram and asker facets as filters), the reply delay on the page and
the sort by it."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static

from qatui.config import load_config
from qatui.corpus.filters import SortOrder
from qatui.tui.app import QATuiApp
from qatui.tui.scenes import settle
from qatui.tui.screens.timeline import NO_FACET_VALUES, TimelineScreen
from qatui.tui.widgets.histogram import (
    Histogram,
    axis_labels,
    bar_cell,
    bar_eighths,
    bar_width,
)
from qatui.tui.widgets.question_list import QuestionList
from qatui.tui.widgets.status_line import StatusLine
from tests.tui.state_helpers import SIZE, build_varied_corpus, move_to, rows, state_app
from tests.tui.waiting import wait_until


def asker_filters(app: QATuiApp) -> tuple[str | None, str | None]:
    """The age and gender filters on now."""
    return app.reader.filters.age, app.reader.filters.gender


def sort_order(app: QATuiApp) -> SortOrder:
    return app.reader.filters.order


@pytest.fixture
def varied_db(tmp_path: Path) -> Path:
    return build_varied_corpus(tmp_path / "varied.db")


def titles(app: QATuiApp) -> list[str]:
    return [title for _, title in rows(app)]


def facet_texts(screen: TimelineScreen, name: str) -> list[str]:
    facet = screen.query_one(f"#{name}-facet", OptionList)
    return [
        " ".join(str(facet.get_option_at_index(i).prompt).split())
        for i in range(facet.option_count)
    ]


async def open_timeline(pilot, app) -> TimelineScreen:  # type: ignore[no-untyped-def]
    await pilot.press("t")
    await settle(pilot)
    assert isinstance(app.screen, TimelineScreen)
    return app.screen


async def test_a_bar_chosen_with_keys_sets_the_date_filter(varied_db: Path, tmp_path: Path) -> None:
    app = state_app(varied_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_timeline(pilot, app)
        chart = screen.query_one(Histogram)
        # 2019-03 .. 2021-08 is 30 months: they fit at 120 columns, so months it is.
        assert len(chart.bars) == 30
        assert chart.bars[0] == ("2019-03", 1) and chart.bars[-1] == ("2021-08", 1)
        assert sum(count for _, count in chart.bars) == 6
        assert "2021-08 · 1 question" in str(screen.query_one("#timeline-info", Static).render())
        await pilot.press("p")  # years
        await settle(pilot)
        assert chart.bars == [("2019", 2), ("2020", 2), ("2021", 2)]
        await pilot.press("left", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, TimelineScreen)
        assert (app.reader.filters.since, app.reader.filters.until) == ("2020-01-01", "2020-12-31")
        assert app.query_one("#since", Input).value == "2020-01-01"
        assert set(titles(app)) == {"Answered in a month", "Answered next day"}
        # Opened again, the timeline shows the months of the chosen year.
        screen = await open_timeline(pilot, app)
        assert [key for key, _ in screen.query_one(Histogram).bars][:1] == ["2020-01"]
        await pilot.press("escape")
        assert not isinstance(app.screen, TimelineScreen)
        assert app.reader.filters.since == "2020-01-01"


async def test_p_keeps_the_highlighted_time(varied_db: Path, tmp_path: Path) -> None:
    """Months to years highlights the year of the highlighted month; back, that year's first
    month (it used to jump to the last bar each time)."""
    app = state_app(varied_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_timeline(pilot, app)
        chart = screen.query_one(Histogram)
        chart.cursor = [key for key, _ in chart.bars].index("2020-06")
        await pilot.press("p")  # years
        await wait_until(pilot, lambda: len(chart.bars) == 3, "the years")
        assert chart.bars[chart.cursor][0] == "2020"
        assert "2020 · 2 questions" in str(screen.query_one("#timeline-info", Static).render())
        await pilot.press("right", "p")  # 2021, then months
        await wait_until(pilot, lambda: len(chart.bars) == 30, "the months")
        assert chart.bars[chart.cursor][0] == "2021-01"


async def test_a_bar_chosen_with_the_mouse_sets_the_date_filter(
    varied_db: Path, tmp_path: Path
) -> None:
    app = state_app(varied_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_timeline(pilot, app)
        await pilot.press("p")
        await settle(pilot)
        chart = screen.query_one(Histogram)
        width = bar_width(len(chart.bars), chart.content_region.width)
        await pilot.click(Histogram, offset=(width * 0 + 1, chart.content_region.height - 2))
        await settle(pilot)
        assert (app.reader.filters.since, app.reader.filters.until) == ("2019-01-01", "2019-12-31")
        assert set(titles(app)) == {"Same day answer", "Answered in a week"}


async def test_facets_count_and_filter_by_age_and_gender(varied_db: Path, tmp_path: Path) -> None:
    app = state_app(varied_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_timeline(pilot, app)
        assert facet_texts(screen, "age") == [
            "1 20~29",
            "3 30~39",
            "1 40~49",
            "1 not given",
        ]
        assert facet_texts(screen, "gender") == ["3 female", "2 male", "1 not given"]
        await pilot.press("tab", "down", "enter")  # the age facet, second value: 30~39
        await settle(pilot)
        assert app.reader.filters.age == "30~39"
        assert set(titles(app)) == {
            "Answered in a week",
            "Answered in a month",
            "Answered after three days",
        }
        assert "age 30~39" in app.query_one(StatusLine).text
        screen = await open_timeline(pilot, app)
        assert facet_texts(screen, "age")[1] == "● 3 30~39"
        assert facet_texts(screen, "gender") == ["2 female", "1 not given"]
        await pilot.press("tab", "tab", "enter")  # gender: female
        await settle(pilot)
        assert asker_filters(app) == ("30~39", "female")
        assert set(titles(app)) == {"Answered in a week", "Answered in a month"}
        screen = await open_timeline(pilot, app)
        await pilot.press("tab", "down", "enter")  # 30~39 again: the age filter goes
        await settle(pilot)
        assert asker_filters(app) == (None, "female")


async def test_the_timeline_counts_what_a_search_shows(reader_db: Path, tmp_path: Path) -> None:
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"knee", "enter")
        await settle(pilot)
        assert app.query_one(QuestionList).matching == 3
        screen = await open_timeline(pilot, app)
        assert sum(count for _, count in screen.query_one(Histogram).bars) == 3
        assert facet_texts(screen, "gender") == ["3 female"]
        assert "search: knee" in str(screen.query_one(".timeline-body").border_title)


async def test_facets_of_a_list_without_questions_say_so(reader_db: Path, tmp_path: Path) -> None:
    """Their boxes were blank under the chart's "No dated questions under these filters."."""
    app = state_app(reader_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zzzqqq", "enter")
        await settle(pilot)
        assert app.query_one(QuestionList).matching == 0
        screen = await open_timeline(pilot, app)
        for facet in ("age", "gender", "doctor"):
            assert facet_texts(screen, facet) == [NO_FACET_VALUES]
        await pilot.press("tab", "enter")  # the notice is not a value to choose
        await settle(pilot)
        assert app.screen is screen


async def test_the_reply_delay_is_on_the_page(varied_db: Path, tmp_path: Path) -> None:
    app = state_app(varied_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for title, words in (
            ("Answered in a week", "reply delay 7 days"),
            ("Same day answer", "reply delay same day"),
            ("Never answered", None),
        ):
            move_to(app, title)
            await pilot.press("enter")
            await settle(pilot)
            meta = str(app.query_one("#reader-meta", Static).render())
            if words is None:
                assert "reply delay" not in meta
            else:
                assert meta.endswith(words)


async def test_s_sorts_by_reply_delay_and_o_flips_it(varied_db: Path, tmp_path: Path) -> None:
    app = state_app(varied_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listing = app.query_one(QuestionList)
        await pilot.press("s")
        await settle(pilot)
        assert app.reader.filters.order == "delay"
        assert titles(app) == [
            "Answered in a month",
            "Answered in a week",
            "Answered after three days",
            "Answered next day",
            "Same day answer",
            "Never answered",
        ]
        assert str(listing.border_subtitle) == "longest reply delay first"
        await pilot.press("o")
        await settle(pilot)
        assert titles(app)[0] == "Same day answer" and titles(app)[-1] == "Never answered"
        assert str(listing.border_subtitle) == "shortest reply delay first"
        await pilot.press("s")
        await settle(pilot)
        assert sort_order(app) == "date"
        assert titles(app)[0] == "Same day answer"  # oldest first still
        assert str(listing.border_subtitle) == "oldest first"


def test_bar_geometry() -> None:
    assert bar_width(30, 112) == 3
    assert bar_width(3, 112) == 6  # never wider than six cells
    assert bar_width(500, 112) == 1
    assert bar_eighths(0, 10, 4) == 0
    assert bar_eighths(10, 10, 4) == 32
    assert bar_eighths(1, 1000, 4) == 1  # a count that is not zero always shows
    assert [bar_cell(12, row) for row in range(3)] == ["█", "▄", " "]


def test_axis_labels_put_years_at_january_and_months_between() -> None:
    months = ["2019-11", "2019-12", "2020-01", "2020-02"]
    assert axis_labels(months, 6, 0, 4) == "2019  12    2020  02    "
    assert axis_labels(months, 3, 0, 4) == "2019  2020  "  # no room for the months
    assert axis_labels(months, 1, 0, 4) == "2019"
    assert axis_labels(["2019", "2020", "2021"], 6, 1, 2) == "2020  2021  "


async def test_the_highlighted_bar_has_its_own_colour_in_every_theme(
    reader_db: Path, tmp_path: Path
) -> None:
    config_file = tmp_path / "config.toml"  # the theme is remembered here, nowhere else
    config_file.write_text("")
    app = state_app(reader_db, tmp_path, load_config(config_file))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        chart = app.screen.query_one(Histogram)
        distances: dict[str, int] = {}
        for theme in sorted(app.available_themes):
            app.theme = theme
            await settle(pilot)
            bar = chart.get_component_rich_style("histogram--bar").color
            cursor = chart.get_component_rich_style("histogram--cursor").color
            assert bar is not None and cursor is not None
            distance = sum(
                abs(a - b) for a, b in zip(bar.get_truecolor(), cursor.get_truecolor(), strict=True)
            )
            distances[theme] = distance
        assert min(distances.values()) > 60  # sum of the red, green and blue differences
        assert distances["textual-dark"] > 120 and distances["textual-light"] > 120
