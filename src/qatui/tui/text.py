"""Corpus text as Textual Content: never parsed as markup, never carrying control characters."""

from __future__ import annotations

from textual.content import Content

from qatui.corpus.ingest.sanitize import clean_line, clean_text


def plain(text: str | None, style: str = "") -> Content:
    """Multi-line corpus text as inert Content."""
    return (
        Content.styled(clean_text(text or ""), style) if style else Content(clean_text(text or ""))
    )


def one_line(text: str | None, style: str = "") -> Content:
    """Corpus text for a single line (rows, titles): newlines become spaces."""
    cleaned = clean_line(text or "")
    return Content.styled(cleaned, style) if style else Content(cleaned)


def fit(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` terminal cells, ending in an ellipsis when cut."""
    content = Content(text)
    if content.cell_length <= width:
        return text
    if width <= 1:
        return "…"[:width]
    return content.truncate(width - 1).plain + "…"
