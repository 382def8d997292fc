"""One row -> one :class:`Record`: the mapping applied, every problem of the row collected
before it fails, a bad date or a missing specialty a warning that keeps the record."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qatui.corpus.errors import CorpusInputError
from qatui.corpus.ingest import jsontext
from qatui.corpus.ingest.dates import parse_date
from qatui.corpus.ingest.mapping import MISSING, RecordMapping
from qatui.corpus.ingest.problems import InputLog
from qatui.corpus.ingest.repair import TextRepair
from qatui.corpus.ingest.sanitize import clean_text
from qatui.corpus.ingest.titles import title_from_question
from qatui.corpus.model import Asker, FaqLink, Record, Reply, SimilarLink

FieldMap = RecordMapping | Mapping[str, str]
"""A mapping, or the plain form: record field (``asked_on``, ``asker.name``) -> input column."""

JSON_CELL_FIELDS = ("similar", "related_faq", "replies", "asker", "reply")
"""Fields holding a list or an object: in a CSV cell (or any string) they are JSON."""

BLOCK_FIELDS = ("question", "body", "more_info", "question_excerpt", "reply_excerpt")
"""Multi-line text: leading indentation is content; trailing white space and outer blank
lines are not (the page layout's text rules)."""

UNSPECIFIED = "Unspecified"
"""The specialty of a record whose source gives none (``--default specialty=…`` names another)."""

MAX_FIELD_CHARS = 200_000
"""What one text field may hold: 60x the longest real More Info (about 3,300 characters). A
longer one is cut there with a warning: a 13 MB field froze the reader for 22 s to open."""

_FLAG_WORDS = {"true": True, "false": False, "yes": True, "no": False, "1": True, "0": False}
"""How a CSV cell (or a JSON string) says yes or no."""


def _block(text: str) -> str:
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def _lookup(data: Mapping[str, Any], key: str) -> Any:
    """Find ``key`` in ``data``: as a flat key first (CSV columns), then as a dotted path."""
    if key in data:
        return data[key]
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _empty(value: Any) -> bool:
    return value is None or value is MISSING or (isinstance(value, str) and not value.strip())


class _RecordBuilder:
    """Builds one record from a row, collecting every problem before it fails."""

    def __init__(
        self,
        data: Mapping[str, Any],
        mapping: RecordMapping,
        where: CorpusInputError,
        repair: TextRepair | None,
        problems: list[str] | None = None,
        warnings: list[tuple[str, str]] | None = None,
        prefix: str = "",
    ) -> None:
        self.data = data
        self.mapping = mapping
        self.where = where
        self.repair = repair
        self.problems: list[str] = [] if problems is None else problems
        self.warnings: list[tuple[str, str]] = [] if warnings is None else warnings
        """(what is wrong, what was done about it) for each problem that keeps the record."""
        self.prefix = prefix
        self._split_values: dict[str, Any] | None = None
        self._determined = mapping.determined()

    def problem(self, reason: str) -> None:
        self.problems.append(self.prefix + reason)

    # -- raw values ------------------------------------------------------------------------

    def _splits(self) -> dict[str, Any]:
        if self._split_values is None:
            self._split_values = {}
            for split in self.mapping.splits:
                value = self._column(split.column)
                if _empty(value):
                    continue
                match = split.pattern.search(str(value))
                if match is None:
                    self.warnings.append(
                        (
                            f"column {split.column.text!r} does not match the split pattern "
                            f"{split.pattern.pattern!r}",
                            "its fields are left empty",
                        )
                    )
                    continue
                for group, field in split.fields:
                    if match[group] is not None:
                        self._split_values.setdefault(field, match[group])
        return self._split_values

    def _column(self, path: Any) -> Any:
        try:
            return path.lookup(self.data)
        except jsontext.JsonValueError as error:
            self.problem(f"column {path.text!r} holds JSON that cannot be read ({error.msg})")
            return MISSING

    def _mapped(self, field: str) -> Any:
        mapping = self.mapping
        if field not in self._determined:
            return self._own(field)
        if field in mapping.constants:
            return mapping.constants[field]
        if field in mapping.columns:
            value: Any = MISSING
            for path in mapping.columns[field]:
                value = self._column(path)
                if not _empty(value):
                    break
            return value
        if field in mapping.templates:
            return mapping.templates[field].render(self.data)
        return self._splits().get(field, MISSING)

    def _own(self, field: str) -> Any:
        """The input's own field of this name, or inside its parent object."""
        if "." in field and field not in self.data:
            parent, _, child = field.partition(".")
            node = self.get(parent)
            if node is None:
                return None
            if not isinstance(node, Mapping):
                self.problem(f"field {parent!r} should be an object, got {type(node).__name__}")
                return None
            return node.get(child)
        return _lookup(self.data, field)

    def get(self, field: str) -> Any:
        """A field's raw value: set, mapped, templated, split, or the input's own field of that
        name (or inside its parent object); then its default, then its stripped characters."""
        value = self._mapped(field)
        if _empty(value) and field in self.mapping.defaults:
            value = self.mapping.defaults[field]
        if value is MISSING:
            return None
        if isinstance(value, str):
            if field in self.mapping.strip:
                value = value.strip(self.mapping.strip[field])
            if field in JSON_CELL_FIELDS:
                value = self._json_cell(field, value)
        return value

    def _json_cell(self, field: str, value: str) -> Any:
        if not value.strip():
            return None
        try:
            return jsontext.loads(value)
        except jsontext.JsonValueError as error:
            self.problem(f"field {field!r} is not valid JSON ({error.msg})")
            return None

    # -- typed values ----------------------------------------------------------------------

    def flag(self, field: str) -> bool:
        """A yes/no field: JSON true/false (or 1/0, or those words in a CSV cell); absent or
        empty is no."""
        value = self.get(field)
        if _empty(value):
            return False
        if isinstance(value, str):
            value = _FLAG_WORDS.get(value.strip().lower(), value)
        if isinstance(value, bool) or value in (0, 1):
            return bool(value)
        self.problem(f"field {field!r} should be true or false, got {str(value)[:40]!r}")
        return False

    def text(self, field: str, *, required: bool = False) -> str | None:
        value = self.get(field)
        if _empty(value):
            if required:
                self.problem(f"missing required field {self._column_name(field)!r}")
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.problem(f"field {field!r} should be text, got {type(value).__name__}")
            return None
        if self.repair is not None:
            value = self.repair(value)
        if field.rpartition(".")[2] in BLOCK_FIELDS:
            cleaned = _block(clean_text(value))
        else:
            cleaned = clean_text(value).strip()
        if not cleaned:  # only control characters: as good as missing
            if required:
                self.problem(
                    f"missing required field {self._column_name(field)!r} "
                    "(it holds only control characters)"
                )
            return None
        if len(cleaned) > MAX_FIELD_CHARS:
            self.warnings.append(
                (
                    f"field {self.prefix}{field!r} holds {len(cleaned):,} characters",
                    f"kept the first {MAX_FIELD_CHARS:,}",
                )
            )
            cleaned = cleaned[:MAX_FIELD_CHARS]
        return cleaned

    def _column_name(self, field: str) -> str:
        paths = self.mapping.columns.get(field)
        return paths[0].text if paths else field

    def date(self, field: str) -> str | None:
        value = self.text(field)
        if value is None:
            return None
        try:
            return parse_date(value, self.mapping.date_formats)
        except ValueError as error:
            self.warnings.append(
                (f"field {self.prefix}{field!r}: {error}", "the field is left empty")
            )
            return None

    def sub(self, value: Any, what: str) -> _RecordBuilder | None:
        if not isinstance(value, Mapping):
            self.problem(f"{what} should be an object, got {type(value).__name__}")
            return None
        return _RecordBuilder(
            value,
            _PLAIN,
            self.where,
            self.repair,
            self.problems,
            self.warnings,
            prefix=f"{what}: ",
        )

    def items(self, field: str) -> list[Any]:
        value = self.get(field)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(f"field {field!r} should be a list, got {type(value).__name__}")
            return []
        return value

    # -- the record ------------------------------------------------------------------------

    def record_id(self) -> int | None:
        raw_id = self.get("id")
        if raw_id is None or raw_id == "":
            return None
        try:
            if isinstance(raw_id, bool) or (isinstance(raw_id, float) and raw_id % 1):
                raise ValueError
            record_id = int(raw_id)
        except (TypeError, ValueError, OverflowError):  # bool, 1.5, "x", Infinity, NaN, 10**5000
            shown = repr(raw_id) if not isinstance(raw_id, str) else repr(raw_id[:40])
            self.problem(f"field 'id' should be a whole number, got {shown}")
            return None
        if record_id <= 0 or record_id >= 2**52:
            self.problem(f"field 'id' out of range: {str(record_id)[:40]}")
            return None
        return record_id

    def reply(self, node: _RecordBuilder) -> Reply:
        return Reply(
            doctor=node.text("doctor"),
            specialty=node.text("specialty"),
            body=node.text("body") or "",
            replied_on=node.date("replied_on"),
            hospital=node.text("hospital"),
        )

    def replies(self) -> list[Reply]:
        replies = []
        for number, item in enumerate(self.items("replies"), start=1):
            node = self.sub(item, f"reply {number}")
            if node is not None:
                replies.append(self.reply(node))
        if replies:
            return replies
        flat = Reply(
            doctor=self.text("reply.doctor"),
            specialty=self.text("reply.specialty"),
            body=self.text("reply.body") or "",
            replied_on=self.date("reply.replied_on"),
            hospital=self.text("reply.hospital"),
        )
        return [flat] if flat.body or flat.doctor else []

    def similar(self) -> list[SimilarLink]:
        links = []
        for number, item in enumerate(self.items("similar"), start=1):
            node = self.sub(item, f"similar entry {number}")
            if node is None:
                continue
            links.append(
                SimilarLink(
                    title=node.text("title", required=True) or "",
                    question_excerpt=node.text("question_excerpt"),
                    doctor=node.text("doctor"),
                    specialty=node.text("specialty"),
                    reply_excerpt=node.text("reply_excerpt"),
                    read_more=node.text("read_more"),
                )
            )
        return links

    def related(self) -> list[FaqLink]:
        links = []
        for number, item in enumerate(self.items("related_faq"), start=1):
            node = self.sub(item, f"related FAQ entry {number}")
            if node is not None:
                links.append(
                    FaqLink(node.text("topic", required=True) or "", node.text("specialty"))
                )
        return links

    def title(self, question: str) -> tuple[str, bool]:
        """The record's title, and whether it was made from the question (when no title is
        mapped and the row has none)."""
        derive = self.mapping.derive_title and "title" not in self.mapping.determined()
        title = self.text("title", required=not derive)
        if title:
            return title, False
        if derive:
            derived = title_from_question(question)
            if derived:
                return derived, True
            self.problem(
                f"missing required field {self._column_name('title')!r} "
                "(and no question to make one from)"
            )
        return "", False

    def specialty(self) -> str:
        """The record's specialty; without one, :data:`UNSPECIFIED` with a warning (a
        question is never dropped for lacking one)."""
        specialty = self.text("specialty")
        if specialty:
            return specialty
        column = self._column_name("specialty")
        self.warnings.append(
            (f"no specialty (column {column!r} is empty)", f"filed under {UNSPECIFIED!r}")
        )
        return UNSPECIFIED

    def build(self) -> tuple[Record, bool]:
        """The record and whether its title was made from the question; a CorpusInputError
        listing every problem (and warning) of the row when it cannot be imported."""
        record_id = self.record_id()
        question = self.text("question") or ""
        title, derived = self.title(question)
        asker = Asker(self.text("asker.name"), self.text("asker.age"), self.text("asker.gender"))
        record = Record(
            id=record_id,
            title=title,
            specialty=self.specialty(),
            subject=self.text("subject"),
            question=question,
            asker=asker if any((asker.name, asker.age, asker.gender)) else None,
            asked_on=self.date("asked_on"),
            replies=tuple(self.replies()),
            more_info=self.text("more_info"),
            similar=tuple(self.similar()),
            related_faq=tuple(self.related()),
            source_url=self.text("source_url"),
            partial=self.flag("partial"),
        )
        if self.problems:
            where = self.where
            reasons = self.problems + [reason for reason, _ in self.warnings]
            raise CorpusInputError(where.source, where.line, "; ".join(reasons), unit=where.unit)
        return record, derived


_PLAIN = RecordMapping(derive_title=False)
"""The mapping of a nested object (a reply, a similar entry): its own field names."""


def record_from_mapping(
    data: Any,
    mapping: FieldMap | None = None,
    *,
    source: str = "<record>",
    line: int = 1,
    unit: str = "record",
    log: InputLog | None = None,
) -> Record:
    """Build a record from one decoded JSON object or CSV row (CorpusInputError if it fails)."""
    chosen = RecordMapping.of(mapping)
    where = CorpusInputError(source, line, "", unit=unit)
    builder = RowBuilder(chosen, log or InputLog())
    return builder.build(data, where)


class RowBuilder:
    """Builds the records of one input: repairs, warnings and derived titles go to the log."""

    def __init__(self, mapping: RecordMapping, log: InputLog) -> None:
        self.mapping = mapping
        self.log = log
        self.repair = TextRepair(mapping.repair)

    def build(self, data: Any, where: CorpusInputError) -> Record:
        if not isinstance(data, Mapping):
            raise CorpusInputError(
                where.source,
                where.line,
                f"expected an object, got {type(data).__name__}",
                unit=where.unit,
            )
        builder = _RecordBuilder(data, self.mapping, where, self.repair)
        self.repair.take_changes()
        try:
            record, derived = builder.build()
        except (RecursionError, ValueError) as error:  # a last guard: one row, never the batch
            if isinstance(error, CorpusInputError):
                raise
            raise CorpusInputError(
                where.source, where.line, f"cannot be read ({error})"[:200], unit=where.unit
            ) from None
        for step in self.repair.take_changes():
            self.log.repairs[step] += 1
        self.log.derived_titles += derived
        for reason, consequence in builder.warnings:
            warning = f"{reason}; {consequence}"
            self.log.warn(f"{where.place}: {warning}", warning)
        return record
