"""A doctor's (and hospital's) replies from the page (D, h, a click), the doctor facet in the
timeline, and the topic index (T, the palette): Pilot tests asserting the messages workers post."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.content import Content
from textual.widgets import OptionList

from qatui.corpus.model import FaqLink, Record, Reply
from qatui.corpus.store.writer import Store
from qatui.tui.app import QATuiApp
from qatui.tui.messages import PersonChosen, TopicChosen
from qatui.tui.scenes import settle
from qatui.tui.screens.timeline import TimelineScreen
from qatui.tui.screens.topics import PAGE, TopicScreen
from qatui.tui.widgets.question_list import QuestionList
from qatui.tui.widgets.reading_pane import PeopleLine
from qatui.tui.widgets.status_line import StatusLine
from tests.tui.snapshot_diff import screen_rows
from tests.tui.state_helpers import SIZE, move_to, notices, rows, state_app
from tests.tui.waiting import MessageLog, typed_in_a_burst, wait_until

MANY_TOPICS = PAGE + 30
"""Topics on one page of the paging test: more than a page of the topic screen."""


def page(
    n: int,
    title: str,
    asked_on: str,
    *replies: tuple[str, str | None],
    faq: tuple[FaqLink, ...] = (),
) -> Record:
    return Record(
        id=n,
        title=title,
        specialty="Urology",
        question=f"About {title.lower()}.",
        asked_on=asked_on,
        replies=tuple(
            Reply(doctor, "Urology", f"Reply by {doctor}.", asked_on, hospital)
            for doctor, hospital in replies
        ),
        related_faq=faq,
    )


def build_people_corpus(path: Path, *, topics: int = 0) -> Path:
    """Lin replies to three questions (one with Wu), Wu to two; a page nobody replied to;
    ``topics`` extra topics linked from the unanswered page."""
    store = Store.open(path)
    stones = FaqLink("Kidney stones", "Urology")
    with store.transaction():
        store.upsert(
            page(1, "Kidney stones twice", "2016-03-05", ("Lin", "Taipei General"), faq=(stones,))
        )
        store.upsert(
            page(
                2,
                "Kidney stones and fever",
                "2018-05-01",
                ("Lin", "Taipei General"),
                ("Wu", "Kaohsiung Veterans"),
                faq=(stones, FaqLink("Fever [bold]", None)),
            )
        )
        store.upsert(page(3, "Night pain", "2019-02-02", ("Wu", None)))
        store.upsert(page(4, "Cyst found", "2020-01-10", ("Lin", None)))
        extra = tuple(FaqLink(f"Topic {k:04d}", "Urology") for k in range(topics))
        store.upsert(page(5, "No reply yet", "2021-06-01", faq=extra))
    store.close()
    return path


@pytest.fixture
def people_db(tmp_path: Path) -> Path:
    return build_people_corpus(tmp_path / "people.db")


def titles(app: QATuiApp) -> set[str]:
    return {title for _, title in rows(app)}


async def open_page(pilot, app: QATuiApp, title: str) -> None:  # type: ignore[no-untyped-def]
    move_to(app, title)
    await pilot.press("enter")
    await wait_until(pilot, lambda: app.reader.page is not None, f"{title} opened")


async def test_d_shows_the_doctors_questions_and_b_goes_back(
    people_db: Path, tmp_path: Path, message_log: MessageLog
) -> None:
    app = state_app(people_db, tmp_path)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        await open_page(pilot, app, "Kidney stones and fever")
        before = app.reader.filters
        await pilot.press("D")
        await settle(pilot)
        assert [(m.person, m.name) for m in message_log.of(PersonChosen)] == [("doctor", "Lin")]
        assert app.reader.filters.doctor == "Lin"
        assert titles(app) == {"Kidney stones twice", "Kidney stones and fever", "Cyst found"}
        assert app.query_one(QuestionList).matching == 3
        assert " Dr. Lin " in app.query_one(StatusLine).text
        await pilot.press("b")
        await settle(pilot)
        assert app.reader.filters == before
        assert "Dr. Lin" not in app.query_one(StatusLine).text
        await pilot.press("h")
        await settle(pilot)
        assert app.reader.filters.hospital == "Taipei General"
        assert titles(app) == {"Kidney stones twice", "Kidney stones and fever"}


async def test_a_click_on_a_name_shows_its_list(
    people_db: Path, tmp_path: Path, message_log: MessageLog
) -> None:
    app = state_app(people_db, tmp_path)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        await open_page(pilot, app, "Kidney stones and fever")
        line = app.query_one(PeopleLine)
        assert str(line.render()) == (
            "Their replies (D, h): Dr. Lin  Dr. Wu  Taipei General  Kaohsiung Veterans"
        )
        area = line.region
        rows = screen_rows(app.export_screenshot())[area.y : area.bottom]
        shown = " ".join(row[area.x : area.right].strip() for row in rows)
        assert shown.endswith("Taipei General  Kaohsiung Veterans")  # wrapped, not cut
        await pilot.click(line, offset=name_at(line, "Dr. Wu"))
        await settle(pilot)
        assert message_log.of(PersonChosen)[-1].name == "Wu"
        assert titles(app) == {"Kidney stones and fever", "Night pain"}
        await open_page(pilot, app, "Night pain")
        await pilot.click(line, offset=name_at(line, "Dr. Wu"))
        await settle(pilot)
        assert app.reader.filters.doctor == "Wu"


def name_at(line: PeopleLine, name: str) -> tuple[int, int]:
    """Where ``name`` is on screen in the line, wrapped as it is shown."""
    content = line.render()
    assert isinstance(content, Content)
    rows = content.wrap(line.content_size.width)
    assert len(rows) == line.content_size.height
    y = next(y for y, row in enumerate(rows) if name in row.plain)
    return (line.styles.gutter.left + rows[y].plain.index(name) + 1, line.styles.gutter.top + y)


async def test_d_and_h_say_when_the_page_names_nobody(people_db: Path, tmp_path: Path) -> None:
    app = state_app(people_db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        assert "Open a question first." in notices(app)
        await open_page(pilot, app, "Night pain")
        await pilot.press("h")
        await settle(pilot)
        assert "This page names no hospital." in notices(app)
        assert app.reader.filters.hospital is None


def facet_texts(screen: TimelineScreen, name: str) -> list[str]:
    facet = screen.query_one(f"#{name}-facet", OptionList)
    return [
        " ".join(str(facet.get_option_at_index(i).prompt).split())
        for i in range(facet.option_count)
    ]


async def test_the_timeline_counts_doctors_and_filters_by_one(
    people_db: Path, tmp_path: Path, message_log: MessageLog
) -> None:
    app = state_app(people_db, tmp_path)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await wait_until(pilot, lambda: bool(message_log.of(TimelineScreen.Loaded)), "counted")
        loaded = message_log.of(TimelineScreen.Loaded)[-1]
        assert loaded.doctors == [("Lin", 3), ("Wu", 2)]
        assert loaded.hospitals == [("Taipei General", 2), ("Kaohsiung Veterans", 1)]
        screen = app.screen
        assert isinstance(screen, TimelineScreen)
        assert facet_texts(screen, "doctor") == ["3 Lin", "2 Wu"]
        screen.query_one("#doctor-facet").focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, TimelineScreen)
        assert app.reader.filters.doctor == "Wu"
        assert titles(app) == {"Kidney stones and fever", "Night pain"}


async def test_t_opens_the_topic_index_and_enter_shows_a_topic(
    people_db: Path, tmp_path: Path, message_log: MessageLog
) -> None:
    app = state_app(people_db, tmp_path)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        await open_page(pilot, app, "Night pain")
        await pilot.press("D")  # Wu's questions: the topic index shows its topic in all
        await settle(pilot)
        await pilot.press("T")
        await wait_until(pilot, lambda: bool(message_log.of(TopicScreen.Loaded)), "topics read")
        screen = app.screen
        assert isinstance(screen, TopicScreen)
        loaded = message_log.of(TopicScreen.Loaded)[-1]
        assert [(row.topic, row.specialty, row.pages) for row in loaded.rows] == [
            ("Fever [bold]", None, 1),
            ("Kidney stones", "Urology", 2),
        ]
        assert loaded.total == 2
        items = screen.query_one("#topic-items", OptionList)
        assert "Fever [bold]" in str(items.get_option_at_index(0).prompt)
        await pilot.press("slash", *"kid")
        await wait_until(
            pilot, lambda: message_log.of(TopicScreen.Loaded)[-1].search == "kid", "searched"
        )
        assert [row.topic for row in message_log.of(TopicScreen.Loaded)[-1].rows] == [
            "Kidney stones"
        ]
        await pilot.press("enter", "enter")  # to the list, then open the topic
        await settle(pilot)
        assert not isinstance(app.screen, TopicScreen)
        assert [(m.topic, m.specialty) for m in message_log.of(TopicChosen)] == [
            ("Kidney stones", "Urology")
        ]
        assert app.reader.filters.topic == FaqLink("Kidney stones", "Urology")
        assert app.reader.filters.specialty is None
        assert app.reader.filters.doctor is None
        assert titles(app) == {"Kidney stones twice", "Kidney stones and fever"}  # its 2 pages
        await pilot.press("b")
        await settle(pilot)
        assert app.reader.filters.topic is None
        assert app.reader.filters.doctor == "Wu"


async def test_the_topic_index_takes_its_search_typed_in_a_burst(
    people_db: Path, tmp_path: Path, message_log: MessageLog
) -> None:
    """``/kid`` Enter Enter typed at once: the letters search, the first Enter goes to the list
    and the second opens the topic (the letters used to reach the list and be lost)."""
    app = state_app(people_db, tmp_path)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        await pilot.press("T")
        await wait_until(pilot, lambda: bool(message_log.of(TopicScreen.Loaded)), "topics read")
        typed_in_a_burst(app, "slash", *"kid")
        await wait_until(
            pilot, lambda: message_log.of(TopicScreen.Loaded)[-1].search == "kid", "searched"
        )
        screen = app.screen
        assert isinstance(screen, TopicScreen)
        assert screen.query_one(".topics-body").border_subtitle == Content("1 topic")
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert [(m.topic, m.specialty) for m in message_log.of(TopicChosen)] == [
            ("Kidney stones", "Urology")
        ]


async def test_the_topic_index_reads_a_page_at_a_time(
    tmp_path: Path, message_log: MessageLog
) -> None:
    db = build_people_corpus(tmp_path / "many.db", topics=MANY_TOPICS)
    total = MANY_TOPICS + 2
    app = state_app(db, tmp_path)

    def reads() -> list[tuple[int, int]]:
        return [(m.offset, len(m.rows)) for m in message_log.of(TopicScreen.Loaded)]

    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        await pilot.press("T")
        await wait_until(pilot, lambda: bool(reads()), "topics read")
        screen = app.screen
        assert isinstance(screen, TopicScreen)
        items = screen.query_one("#topic-items", OptionList)
        assert reads() == [(0, PAGE)] and items.option_count == PAGE
        await pilot.press("j", "j", "k")
        assert items.highlighted == 1
        # G reads the last page in place of the first: the cursor on the very last topic.
        await pilot.press("G")
        await wait_until(pilot, lambda: len(reads()) == 2, "the last page read")
        assert reads()[-1] == (total - PAGE, PAGE)
        assert items.option_count == PAGE and screen.start == total - PAGE
        assert screen.rows[items.highlighted or 0].topic == f"Topic {MANY_TOPICS - 1:04d}"
        # Near the top of what is shown, the topics before it are read and put above.
        items.highlighted = 3
        await wait_until(pilot, lambda: len(reads()) == 3, "the page before read")
        assert reads()[-1] == (0, total - PAGE)
        assert screen.start == 0 and items.option_count == total
        assert items.highlighted == 3 + total - PAGE  # still on the same topic
        await pilot.press("g")
        assert items.highlighted == 0
        await pilot.press("q")
        await settle(pilot)
        assert not isinstance(app.screen, TopicScreen)
        # Opened again, Space moves down a page at a time; near the end the next page is read.
        message_log.clear()
        await pilot.press("T")
        await wait_until(pilot, lambda: bool(reads()), "topics read again")
        screen = app.screen
        assert isinstance(screen, TopicScreen)
        items = screen.query_one("#topic-items", OptionList)
        for _ in range(PAGE):
            if len(reads()) > 1:
                break
            await pilot.press("space")
            await settle(pilot)
        assert reads() == [(0, PAGE), (PAGE, total - PAGE)]
        assert items.option_count == total and screen.start == 0
        assert app.reader.filters.topic is None


async def test_the_palette_finds_a_topic_and_opens_the_index(
    people_db: Path, tmp_path: Path, message_log: MessageLog
) -> None:
    app = state_app(people_db, tmp_path)
    async with app.run_test(size=SIZE, message_hook=message_log.record) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"kidney st")
        await wait_until(
            pilot,
            lambda: any("Topic: Kidney stones" in str(hit) for hit in _palette_hits(app)),
            "the topic in the palette",
        )
        at = next(
            n for n, hit in enumerate(_palette_hits(app)) if "Topic: Kidney stones" in str(hit)
        )
        await pilot.press(*["down"] * at, "enter")
        await settle(pilot)
        assert message_log.of(TopicChosen)[-1].topic == "Kidney stones"
        await pilot.press("ctrl+p", *"topic index")
        await wait_until(
            pilot,
            lambda: any("Topic index" in str(hit) for hit in _palette_hits(app)),
            "the topic index in the palette",
        )
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, TopicScreen), "topic index open")


def _palette_hits(app: QATuiApp) -> list[object]:
    from textual.command import CommandList

    found = app.screen.query(CommandList)
    if not found:
        return []
    hits = found.first()
    return [hits.get_option_at_index(i).prompt for i in range(hits.option_count)]
