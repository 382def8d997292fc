"""The question list's columns: the date at every width a title still reads at, the specialty
and doctor as the width allows, a long specialty whole when the title has room."""

from __future__ import annotations

from pathlib import Path

import pytest

from qatui.corpus.store.reader import QuestionRow
from qatui.corpus.store.writer import Store
from qatui.tui.scenes import settle
from qatui.tui.widgets.question_list import QuestionList, row_columns
from tests.tui.corpus_builder import record
from tests.tui.state_helpers import state_app

ROW = QuestionRow(
    id=1,
    title="Irregular Menstrual Cycles After Stopping Oral Contraceptives",
    specialty="Obstetrics and Gynecology",
    asked_on="2021-03-04",
    doctor="Huang Mingde",
    is_partial=False,
)


def texts(width: int) -> list[str]:
    return [column.text for column in row_columns(ROW, width, by_delay=False)]


@pytest.mark.parametrize("width", [30, 34, 45, 59])
def test_a_narrow_list_shows_the_title_and_the_date(width: int) -> None:
    assert texts(width) == [ROW.title, "2021-03-04"]


def test_the_date_leaves_a_very_narrow_list_to_the_title() -> None:
    assert texts(29) == [ROW.title]


def test_the_specialty_then_the_doctor_join_as_the_list_widens() -> None:
    assert texts(60) == [ROW.title, ROW.specialty, "2021-03-04"]
    assert texts(89) == [ROW.title, ROW.specialty, "2021-03-04"]
    assert texts(90) == [ROW.title, ROW.specialty, "Huang Mingde", "2021-03-04"]


@pytest.mark.parametrize(
    ("width", "specialty_width"), [(60, 18), (95, 18), (100, 21), (107, 28), (200, 28)]
)
def test_the_specialty_column_widens_while_the_title_keeps_its_room(
    width: int, specialty_width: int
) -> None:
    columns = row_columns(ROW, width, by_delay=False)
    assert columns[1].width == specialty_width
    title_width = width - sum((column.width or 0) + 1 for column in columns[1:])
    if specialty_width > 18:
        assert title_width >= 50


async def test_at_100_columns_the_list_shows_each_questions_date(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.db")
    store.upsert(record("A Lingering Cough in a Preschool Child", "Pediatrics", "2025-06-10"))
    store.close()
    app = state_app(tmp_path / "c.db", tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        line = app.query_one(QuestionList).render_line(0).text
        assert "2025-06-10" in line
        assert line.lstrip(" ✓").startswith("A Lingering Cough")
