"""A record as plain text for a terminal (``qatui show``): corpus text cleaned of controls."""

from __future__ import annotations

from qatui.corpus.doctor_names import doctor_title
from qatui.corpus.ingest.sanitize import clean_text
from qatui.corpus.model import Record

PARTIAL_WORDS = (
    "Known only from a Similar Q&A link on another page: the text below is that link's excerpts."
)
"""What a partial question's text is, wherever it is written out (Markdown, ``qatui show``)."""


def asker_words(record: Record) -> str | None:
    """``Mei, 30~39 year old female`` (whichever of them the record has), or None."""
    asker = record.asker
    if asker is None:
        return None
    about = " ".join(
        part for part in (f"{asker.age} year old" if asker.age else None, asker.gender) if part
    )
    return ", ".join(part for part in (asker.name, about) if part) or None


def record_as_text(record: Record) -> str:
    """The page laid out much as the site shows it, safe to print."""
    lines = [f"{record.title} - {record.specialty}", ""]
    if record.partial:
        lines += [PARTIAL_WORDS, ""]
    if record.subject:
        lines += [record.subject, ""]
    lines += [record.question, ""]
    asker_line = ". ".join(
        part
        for part in (
            asker_words(record),
            f"Ask Date: {record.asked_on}" if record.asked_on else None,
        )
        if part
    )
    if asker_line:
        lines += [asker_line, ""]
    if not record.replies:
        lines += ["No reply yet.", ""]
    for reply in record.replies:
        doctor = doctor_title(reply.doctor) if reply.doctor else "The doctor (not named)"
        lines += [f"{doctor} reply {reply.specialty or ''}".rstrip(), "", reply.body, ""]
        if reply.replied_on:
            lines += [f"Reply Date: {reply.replied_on}", ""]
    if record.more_info:
        lines += [
            "More Info (the site's editorial text, not the doctor's reply)",
            "",
            record.more_info,
            "",
        ]
    if record.similar:
        lines += ["Similar Q&A", ""]
        lines += [f"  - {link.title} ({link.specialty or '?'})" for link in record.similar]
        lines.append("")
    if record.related_faq:
        lines += ["Related FAQ", ""]
        lines += [f"  - {link.topic} ({link.specialty or '?'})" for link in record.related_faq]
    return clean_text("\n".join(lines).rstrip())
