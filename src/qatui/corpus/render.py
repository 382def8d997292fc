"""A record as plain text for a terminal (``qatui show``): corpus text cleaned of controls."""

from __future__ import annotations

from qatui.corpus.ingest.sanitize import clean_text
from qatui.corpus.model import Record


def record_as_text(record: Record) -> str:
    """The page laid out much as the site shows it, safe to print."""
    lines = [f"{record.title} - {record.specialty}", ""]
    if record.subject:
        lines += [record.subject, ""]
    lines += [record.question, ""]
    asker = record.asker
    who = ", ".join(
        part
        for part in (
            asker.name if asker else None,
            f"{asker.age} year old {asker.gender}" if asker and asker.age else None,
        )
        if part
    )
    lines += [f"{who}. Ask Date: {record.asked_on or '-'}", ""]
    for reply in record.replies:
        lines += [
            f"Dr. {reply.doctor or '?'} reply {reply.specialty or ''}".rstrip(),
            "",
            reply.body,
            "",
            f"Reply Date: {reply.replied_on or '-'}",
            "",
        ]
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
