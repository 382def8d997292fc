"""The page text layout (see FORMAT.md) -> :class:`Record`. Errors name the file and the line."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qatui.corpus.errors import CorpusInputError
from qatui.corpus.ingest.dates import parse_date
from qatui.corpus.ingest.sanitize import clean_text, needs_cleaning
from qatui.corpus.model import Asker, FaqLink, Record, Reply, SimilarLink

ASK_DATE = "Ask Date:"
YEAR_OLD = "year old"
DATE_AFTER_ASK = re.compile(r"\s*(?P<date>\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2})")
"""What follows the last ``Ask Date:`` of an asker line, whole (``fullmatch``)."""
REPLY_DATE = re.compile(r"^Reply Date:\s*(?P<date>\S+)$")
READ_MORE = "[Read More]"
FAQ_OPEN, FAQ_CLOSE = "(（", ")）"
"""A Related FAQ specialty is in parentheses, ASCII or full-width (CJK pages)."""
SECTIONS = ("More Info", "Similar Q&A", "Related FAQ")
ASKER_FORM = "'<Name>, <age band> year old <gender>. Ask Date: YYYY/MM/DD'"


@dataclass(frozen=True)
class AskerLine:
    """An asker line's parts, stripped: ``<name>, <age> year old <gender>. Ask Date: <date>``, or
    only ``<name>. Ask Date: <date>`` (then age and gender are None)."""

    name: str
    age: str | None
    gender: str | None
    date: str


def parse_asker_line(text: str) -> AskerLine | None:
    """The parts of an asker line, or None when ``text`` is not one.

    Hand-written to run in linear time: the regular expression it replaces backtracked
    cubically (an 8 KB line of spaces took five minutes).
    """
    head, found, tail = text.rpartition(ASK_DATE)
    date = DATE_AFTER_ASK.fullmatch(tail) if found else None
    if date is None:
        return None
    parts = _name_age_gender(head.rstrip())
    if parts is not None:
        return AskerLine(*parts, date=date["date"])
    name = head.rstrip()
    return AskerLine(name.removesuffix("."), None, None, date["date"])


def _name_age_gender(head: str) -> tuple[str, str, str] | None:
    """``<name>, <age> year old <gender>.`` split as the first comma that works would split it:
    the age holds no comma, the gender no period, "year old" has white space either side."""
    end = len(head) - 1
    first_comma = head.find(",")
    if not head.endswith(".") or first_comma < 0:
        return None
    start = max(head.rfind(".", 0, end) + 1, first_comma + 1)  # no period in the gender
    at = head.find(YEAR_OLD, start)
    while at >= 0:
        after = at + len(YEAR_OLD)
        if head[at - 1].isspace() and after < end and head[after].isspace():
            comma = head.rfind(",", 0, at)
            return head[:comma].strip(), head[comma + 1 : at].strip(), head[after:end].strip()
        at = head.find(YEAR_OLD, at + 1)
    return None


def parse_reply_header(text: str) -> tuple[str, str] | None:
    """``Dr. <doctor> reply <specialty>`` as (doctor, specialty), or None; linear time."""
    if not text.startswith("Dr."):
        return None
    at = text.find("reply", 5)
    while at >= 0:
        after = at + len("reply")
        if text[at - 1].isspace() and len(text) > after + 1 and text[after].isspace():
            return text[3:at].strip(), text[after:].strip()
        at = text.find("reply", at + 1)
    return None


@dataclass(frozen=True)
class Line:
    """One line of the page: its 1-based number and its text without trailing white space."""

    number: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def decode_page(data: bytes, source: str, encoding: str = "utf-8") -> str:
    """Decode a page file's bytes, refusing empty and binary files with a clear error."""
    if not data.strip():
        raise CorpusInputError(source, None, "empty file: no page text")
    if b"\x00" in data[:8192] and not encoding.lower().startswith("utf-16"):
        raise CorpusInputError(source, 1, "binary file (NUL bytes): not a page in text layout")
    codec = encoding
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        # Drop the byte-order mark from the bytes (not the decoder) so error offsets stay true.
        codec, data = "utf-8", data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CorpusInputError(
            source, line, f"bytes that are not {encoding} ({error.reason}); try --encoding"
        ) from None
    except LookupError:
        raise CorpusInputError(source, None, f"unknown encoding {encoding!r}") from None
    return text.lstrip("\ufeff")


def split_lines(text: str) -> list[Line]:
    """Split on LF, CRLF or CR; drop a byte-order mark, trailing white space, control characters."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    clean = clean_text if needs_cleaning(text) else str  # one check for a clean page
    return [Line(n, clean(raw).rstrip()) for n, raw in enumerate(text.split("\n"), start=1)]


def block_text(lines: Sequence[Line]) -> str:
    """Join a block: outer blank lines dropped, each run of blank lines one paragraph break."""
    out: list[str] = []
    pending_break = False
    for line in lines:
        if line.blank:
            pending_break = bool(out)
            continue
        if pending_break:
            out.append("")
            pending_break = False
        out.append(line.text)
    return "\n".join(out)


def _non_blank(lines: Sequence[Line], start: int) -> int:
    """Index of the first non-blank line at or after ``start`` (``len(lines)`` if none)."""
    index = start
    while index < len(lines) and lines[index].blank:
        index += 1
    return index


class PageParser:
    """Parses one page; ``source`` names it in every error."""

    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.lines = split_lines(text)

    def fail(self, line: int | None, reason: str) -> CorpusInputError:
        return CorpusInputError(self.source, line, reason)

    def _last_line(self) -> int:
        """The number of the last line with text (errors about a missing end point there)."""
        filled = [line.number for line in self.lines if not line.blank]
        return filled[-1] if filled else 1

    def _date(self, text: str, line: int) -> str:
        try:
            return parse_date(text)
        except ValueError as error:
            raise self.fail(line, str(error)) from None

    def parse(self) -> Record:
        lines = self.lines
        index = _non_blank(lines, 0)
        if index == len(lines):
            raise self.fail(None, "empty file: no page text")
        title, specialty = self._heading(lines[index])
        index = _non_blank(lines, index + 1)
        if index < len(lines) and lines[index].text.strip() == "Share to:":
            index += 1
        asker_index = self._find_asker(index)
        subject, question = self._subject_and_question(lines[index:asker_index])
        asker, asked_on = self._asker(lines[asker_index])
        replies, index = self._replies(asker_index + 1)
        sections = self._sections(index)
        more_info = block_text(sections["More Info"]) if "More Info" in sections else None
        similar = self._similar(sections.get("Similar Q&A", []))
        related = self._related(sections.get("Related FAQ", []))
        return Record(
            title=title,
            specialty=specialty,
            subject=subject,
            question=question,
            asker=asker,
            asked_on=asked_on,
            replies=tuple(replies),
            more_info=more_info or None,
            similar=tuple(similar),
            related_faq=tuple(related),
        )

    def _heading(self, line: Line) -> tuple[str, str]:
        title, sep, specialty = line.text.strip().rpartition(" - ")
        if not sep or not title.strip() or not specialty.strip():
            raise self.fail(
                line.number, f"expected a heading '<Title> - <Specialty>', got {line.text[:60]!r}"
            )
        return title.strip(), specialty.strip()

    def _find_asker(self, start: int) -> int:
        for index in range(start, len(self.lines)):
            if parse_asker_line(self.lines[index].text.strip()) is not None:
                return index
        raise self.fail(self._last_line(), f"expected an asker line {ASKER_FORM}, found none")

    def _subject_and_question(self, lines: Sequence[Line]) -> tuple[str | None, str]:
        first = _non_blank(lines, 0)
        if first == len(lines):
            return None, ""
        return lines[first].text.strip(), block_text(lines[first + 1 :])

    def _asker(self, line: Line) -> tuple[Asker | None, str]:
        parsed = parse_asker_line(line.text.strip())
        assert parsed is not None  # _find_asker found it
        if parsed.age is None and parsed.gender is None:
            asker = Asker(name=parsed.name.strip(" ,") or None)
        else:
            asker = Asker(parsed.name or None, parsed.age or None, parsed.gender or None)
        has_asker = any((asker.name, asker.age, asker.gender))
        return (asker if has_asker else None), self._date(parsed.date, line.number)

    def _replies(self, start: int) -> tuple[list[Reply], int]:
        lines = self.lines
        replies: list[Reply] = []
        index = _non_blank(lines, start)
        while index < len(lines):
            header = parse_reply_header(lines[index].text.strip())
            if header is None:
                break
            body_start = index + 1
            end = body_start
            while end < len(lines) and not REPLY_DATE.match(lines[end].text.strip()):
                if lines[end].text.strip() in SECTIONS:
                    break
                end += 1
            date_match = REPLY_DATE.match(lines[end].text.strip()) if end < len(lines) else None
            if date_match is None:
                raise self.fail(
                    lines[end].number if end < len(lines) else self._last_line(),
                    "expected 'Reply Date: YYYY/MM/DD' closing the reply that starts at line "
                    f"{lines[index].number}",
                )
            replies.append(
                Reply(
                    doctor=header[0],
                    specialty=header[1],
                    body=block_text(lines[body_start:end]),
                    replied_on=self._date(date_match["date"], lines[end].number),
                )
            )
            index = _non_blank(lines, end + 1)
        return replies, index

    def _sections(self, start: int) -> dict[str, list[Line]]:
        lines = self.lines
        sections: dict[str, list[Line]] = {}
        current: list[Line] | None = None
        for line in lines[start:]:
            name = line.text.strip()
            if name in SECTIONS:
                if name in sections:
                    raise self.fail(line.number, f"a second '{name}' section")
                current = sections[name] = []
            elif current is not None:
                current.append(line)
            elif not line.blank:
                expected = "'Dr. <Doctor> reply <Specialty>', 'More Info', 'Similar Q&A' or "
                raise self.fail(
                    line.number, f"expected {expected}'Related FAQ', got {line.text.strip()[:60]!r}"
                )
        return sections

    def _similar(self, lines: Sequence[Line]) -> list[SimilarLink]:
        links: list[SimilarLink] = []
        entry: list[Line] = []
        for line in lines:
            text = line.text.strip()
            if text.startswith(READ_MORE):
                links.append(self._similar_entry(entry, line))
                entry = []
            else:
                entry.append(line)
        leftover = [line for line in entry if not line.blank]
        if leftover:
            raise self.fail(
                leftover[-1].number,
                "expected '[Read More] <title>' closing the Similar Q&A entry that starts at line "
                f"{leftover[0].number}",
            )
        return links

    def _similar_entry(self, entry: Sequence[Line], closing: Line) -> SimilarLink:
        read_more = closing.text.strip()[len(READ_MORE) :].strip() or None
        first = _non_blank(entry, 0)
        if first == len(entry):
            raise self.fail(closing.number, "expected a title before '[Read More]' in Similar Q&A")
        title = entry[first].text.strip()
        body = entry[first + 1 :]
        for offset, line in enumerate(body):
            header = parse_reply_header(line.text.strip())
            if header is not None:
                return SimilarLink(
                    title=title,
                    question_excerpt=block_text(body[:offset]) or None,
                    doctor=header[0],
                    specialty=header[1],
                    reply_excerpt=block_text(body[offset + 1 :]) or None,
                    read_more=read_more,
                )
        return SimilarLink(
            title=title, question_excerpt=block_text(body) or None, read_more=read_more
        )

    def _related(self, lines: Sequence[Line]) -> list[FaqLink]:
        links: list[FaqLink] = []
        topic: Line | None = None
        for line in lines:
            if line.blank:
                continue
            text = line.text.strip()
            if len(text) > 1 and text[0] in FAQ_OPEN and text[-1] in FAQ_CLOSE:
                if topic is None:
                    raise self.fail(line.number, f"expected a Related FAQ topic before {text!r}")
                specialty = text[1:-1].strip() or None
                links.append(FaqLink(topic=topic.text.strip(), specialty=specialty))
                topic = None
            else:
                if topic is not None:
                    links.append(FaqLink(topic=topic.text.strip()))
                topic = line
        if topic is not None:
            links.append(FaqLink(topic=topic.text.strip()))
        return links


def parse_page(text: str, source: str = "<page>") -> Record:
    """Parse one page in the text layout. Raises :class:`CorpusInputError` when malformed."""
    return PageParser(text, source).parse()


def parse_page_bytes(data: bytes, source: str, encoding: str = "utf-8") -> Record:
    """Decode then parse a page file's bytes."""
    return parse_page(decode_page(data, source, encoding), source)
