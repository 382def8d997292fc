"""A small corpus for the reader's tests, built from records in the test (no files needed)."""

from __future__ import annotations

from pathlib import Path

from qatui.corpus.model import Asker, FaqLink, Record, Reply, SimilarLink
from qatui.corpus.store.writer import Store

HOSTILE_TITLE = "Rash after [bold]cream[/] and [@click=app.quit]x[/] [Read More]"


def record(
    title: str,
    specialty: str,
    asked_on: str,
    *,
    doctor: str = "Lin Wei",
    similar: tuple[SimilarLink, ...] = (),
    faq: tuple[FaqLink, ...] = (),
    more_info: str | None = "An editorial article about the topic.",
    question: str = "What should I do about it?",
) -> Record:
    return Record(
        title=title,
        specialty=specialty,
        subject=f"Subject of {title}",
        question=question,
        asker=Asker("Mei", "30~39", "female"),
        asked_on=asked_on,
        replies=(Reply(doctor, specialty, f"Reply to {title}.", asked_on),),
        more_info=more_info,
        similar=similar,
        related_faq=faq,
    )


def build_reader_corpus(path: Path, *, extra: int = 0) -> Path:
    """Twelve pages over three specialties and five years, plus ``extra`` filler pages."""
    records = [
        record(
            "Knee pain when climbing stairs",
            "Orthopedics",
            "2016-03-05",
            similar=(
                SimilarLink(
                    "Ankle sprain that does not heal",
                    None,
                    "Lin Wei",
                    "Orthopedics",
                    None,
                    "Ankle sprain that does not heal",
                ),
                SimilarLink(
                    "Hip clicking at night",
                    "My hip clicks...",
                    "Zhou Ping",
                    "Orthopedics",
                    "It is usually harmless...",
                    "Hip clicking at night",
                ),
            ),
            faq=(FaqLink("Knee Pain", "Orthopedics"), FaqLink("Sprain", "Orthopedics")),
        ),
        record(
            "Ankle sprain that does not heal",
            "Orthopedics",
            "2017-07-10",
            question="My ankle sprain hurts and knee pain too.",
        ),
        record(
            "Back pain after lifting",
            "Orthopedics",
            "2019-01-20",
            question="Knee pain and back pain after lifting boxes.",
        ),
        record(
            "Frequent urination at night",
            "Urology",
            "2018-05-01",
            faq=(FaqLink("Frequent Urination", "Urology"),),
        ),
        record(
            "Burning when urinating",
            "Urology",
            "2020-11-11",
            faq=(FaqLink("Knee Pain", "Orthopedics"),),  # a topic linked from another specialty
        ),
        record("Kidney stone pain", "Urology", "2021-02-02", more_info=None),
        record("Itchy rash on arms", "Dermatology", "2016-08-08"),
        record(
            HOSTILE_TITLE,
            "Dermatology",
            "2022-04-04",
            question="Text with [/] and \x1b[2J and [link=https://x]y[/link].",
        ),
        record("Acne in my thirties", "Dermatology", "2020-01-15"),
        record("Hair loss after stress", "Dermatology", "2019-09-09"),
        record("Shoulder stiffness in the morning", "Orthopedics", "2022-12-30"),
        record("Blood in urine once", "Urology", "2017-03-03"),
    ]
    for n in range(extra):
        records.append(
            record(
                f"Filler question number {n:05d}",
                "Orthopedics",
                f"{2000 + n % 25}-{1 + n % 12:02d}-{1 + n % 28:02d}",
            )
        )
    store = Store.open(path)
    with store.transaction():
        for item in records:
            store.upsert(item)
    store.close()
    return path
