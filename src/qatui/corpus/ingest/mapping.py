"""How input columns become record fields: the mapping model behind ``--map`` and ``--mapping``.

One vocabulary, on the command line and in a TOML file (see :func:`mapping_from_toml`):

- ``map``: ``FIELD = "COLUMN"``, where COLUMN may be nested (``a.b``) or indexed (``tags[0]``), a
  list of columns (the first that is not empty wins), and ends in ``?`` when it may be absent;
- ``set``: ``FIELD = "VALUE"``, a constant; ``default``: a value for when the field is empty;
- ``template``: ``FIELD = "https://…?q_no={question_id}"``, columns between braces;
- ``split``: a column and a regular expression whose named groups are fields
  (``(?P<asker_name>…)`` for ``asker.name``);
- ``strip``: ``FIELD = "#"``, characters stripped from both ends of the field (``#1`` -> ``1``);
- ``date_formats`` (``strptime``), ``derive_title`` (a title from the question's first sentence
  when none is mapped: on by default), ``repair`` (the text repairs to run), ``replies_per_row``
  (rows repeat one question, one answer each), ``table`` or ``query`` (for an SQLite input).

A column the mapping names that the input does not have is an error naming the columns it has.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from qatui.corpus.ingest import jsontext
from qatui.corpus.ingest.dates import check_date_format
from qatui.corpus.ingest.repair import REPAIR_STEPS, check_steps

RECORD_FIELDS = (
    "id",
    "title",
    "specialty",
    "subject",
    "question",
    "asker",
    "asker.name",
    "asker.age",
    "asker.gender",
    "asked_on",
    "reply",
    "reply.doctor",
    "reply.hospital",
    "reply.specialty",
    "reply.body",
    "reply.replied_on",
    "replies",
    "more_info",
    "similar",
    "related_faq",
    "source_url",
    "partial",
)
"""Every field a mapping may fill (FORMAT.md's record; ``reply.hospital`` is the doctor's;
``partial`` marks a question known only from a link, as qatui's exports write it)."""

MAX_TOML_BYTES = 1024 * 1024


class MappingError(ValueError):
    """A mapping that cannot work: it says which entry and what would."""


class _Missing:
    """The marker for a column an input row does not have (unlike a column that is empty)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()

_SEGMENT = re.compile(r"([^.\[\]]+)((?:\[-?\d+\])*)")
_INDEX = re.compile(r"\[(-?\d+)\]")


@dataclass(frozen=True)
class ColumnPath:
    """An input column as a mapping names it: ``a``, ``a.b``, ``tags[0]``; ``?`` at the end
    marks one that may be absent."""

    text: str
    parts: tuple[str | int, ...]
    optional: bool = False

    @classmethod
    def parse(cls, text: str) -> ColumnPath:
        raw = text.strip()
        optional = raw.endswith("?")
        raw = raw.removesuffix("?").strip()
        parts: list[str | int] = []
        for segment in raw.split("."):
            match = _SEGMENT.fullmatch(segment)
            if not match:
                raise MappingError(f"{text!r} is not a column name (e.g. answer, a.b, tags[0])")
            parts.append(match[1])
            parts.extend(int(index) for index in _INDEX.findall(match[2]))
        return cls(raw, tuple(parts), optional)

    @property
    def head(self) -> str:
        """The top-level column this path starts in."""
        return str(self.parts[0])

    def lookup(self, row: Mapping[str, Any]) -> Any:
        """The value at this path in ``row``, :data:`MISSING` when there is none. A flat column
        of this very name (a CSV header such as ``asker.name``) comes first. A JSON text met on
        the way (a CSV cell holding a list) is decoded; undecodable JSON raises ValueError."""
        if self.text in row:
            return row[self.text]
        node: Any = row
        for part in self.parts:
            if isinstance(node, str) and node.lstrip()[:1] in ("[", "{"):
                node = jsontext.loads(node)
            if isinstance(part, int):
                if not isinstance(node, list) or not -len(node) <= part < len(node):
                    return MISSING
            elif not isinstance(node, Mapping) or part not in node:
                return MISSING
            node = node[part]
        return node


def parse_columns(text: str) -> tuple[ColumnPath, ...]:
    """``a|b.c|d?``: columns to try in turn (the first that is not empty wins)."""
    return tuple(ColumnPath.parse(part) for part in text.split("|"))


_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


@dataclass(frozen=True)
class Template:
    """Text with ``{column}`` placeholders (``{{`` and ``}}`` for braces)."""

    text: str
    columns: tuple[ColumnPath, ...]

    @classmethod
    def parse(cls, text: str) -> Template:
        columns = []
        for match in _PLACEHOLDER.finditer(text):
            if match[1] is not None:
                if not match[1].strip():
                    raise MappingError(f"template {text!r} has an empty {{}}")
                columns.append(ColumnPath.parse(match[1]))
        rest = _PLACEHOLDER.sub("", text)
        if "{" in rest or "}" in rest:
            raise MappingError(f"template {text!r} has an unmatched brace (write {{{{ or }}}})")
        return cls(text, tuple(columns))

    def render(self, row: Mapping[str, Any]) -> str | None:
        """The text with each placeholder filled in; None when a column is empty or absent."""
        values: list[str] = []
        for column in self.columns:
            value = column.lookup(row)
            if value is MISSING or value is None or isinstance(value, (dict, list)):
                return None
            value = str(value).strip()
            if not value:
                return None
            values.append(value)
        filled = iter(values)
        return _PLACEHOLDER.sub(
            lambda m: "{" if m[0] == "{{" else "}" if m[0] == "}}" else next(filled), self.text
        )


def group_field(name: str) -> str:
    """The record field a named group of a split pattern stands for: the field itself
    (``asked_on``), or with ``__`` or its first ``_`` read as a dot (``asker_name``)."""
    for candidate in (name, name.replace("__", "."), name.replace("_", ".", 1)):
        if candidate in RECORD_FIELDS:
            return candidate
    raise MappingError(
        f"split group {name!r} is not a record field; name groups after fields, "
        f"e.g. (?P<asker_name>…) for asker.name: {', '.join(RECORD_FIELDS)}"
    )


@dataclass(frozen=True)
class Split:
    """A column cut into several fields by a regular expression's named groups."""

    column: ColumnPath
    pattern: re.Pattern[str]
    fields: tuple[tuple[str, str], ...]
    """(group name, record field) pairs."""

    @classmethod
    def parse(cls, column: str, pattern: str) -> Split:
        try:
            compiled = re.compile(pattern)
        except re.error as error:
            raise MappingError(f"split pattern {pattern!r} is not valid ({error})") from None
        if not compiled.groupindex:
            raise MappingError(
                f"split pattern {pattern!r} has no named groups, e.g. (?P<asker_name>[^／]+)"
            )
        pairs = tuple((name, group_field(name)) for name in compiled.groupindex)
        return cls(ColumnPath.parse(column), compiled, pairs)


def check_field(name: str, option: str) -> str:
    """``name`` if it is a record field, else a MappingError listing them."""
    name = name.strip()
    if name not in RECORD_FIELDS:
        raise MappingError(
            f"{option}: unknown record field {name!r}; one of {', '.join(RECORD_FIELDS)}"
        )
    return name


@dataclass(frozen=True)
class RecordMapping:
    """The whole mapping from an input's columns to record fields (see the module docstring)."""

    columns: Mapping[str, tuple[ColumnPath, ...]] = field(default_factory=dict)
    constants: Mapping[str, str] = field(default_factory=dict)
    defaults: Mapping[str, str] = field(default_factory=dict)
    templates: Mapping[str, Template] = field(default_factory=dict)
    splits: tuple[Split, ...] = ()
    strip: Mapping[str, str] = field(default_factory=dict)
    date_formats: tuple[str, ...] = ()
    derive_title: bool = True
    repair: tuple[str, ...] = REPAIR_STEPS
    replies_per_row: bool = False
    table: str | None = None
    query: str | None = None
    description: str = ""

    @classmethod
    def of(cls, value: RecordMapping | Mapping[str, str] | None) -> RecordMapping:
        """A mapping from itself, from a plain ``{field: column}`` dict, or the empty one."""
        if isinstance(value, RecordMapping):
            return value
        if not value:
            return EMPTY_MAPPING
        return cls(columns={check_field(k, "--map"): parse_columns(v) for k, v in value.items()})

    def determined(self) -> frozenset[str]:
        """The fields this mapping fills itself (by map, set, template or split)."""
        cached: frozenset[str] | None = self.__dict__.get("_determined")
        if cached is None:
            fields = set(self.columns) | set(self.constants) | set(self.templates)
            for split in self.splits:
                fields.update(record_field for _, record_field in split.fields)
            cached = frozenset(fields)
            object.__setattr__(self, "_determined", cached)
        return cached

    def named_columns(self) -> list[ColumnPath]:
        """Every input column the mapping reads."""
        paths = [path for paths in self.columns.values() for path in paths]
        paths.extend(path for template in self.templates.values() for path in template.columns)
        paths.extend(split.column for split in self.splits)
        return paths

    def check_columns(self, available: Iterable[str], source: str) -> None:
        """MappingError naming the columns ``source`` has when a column the mapping needs is
        not one of them (of a field's alternatives, one is enough; ``?`` ones may be absent)."""
        have = list(dict.fromkeys(available))

        def present(path: ColumnPath) -> bool:
            return path.head in have or path.text in have

        needed = [*self.columns.values()]
        needed.extend((path,) for template in self.templates.values() for path in template.columns)
        needed.extend((split.column,) for split in self.splits)
        missing = [
            next(path for path in paths if not path.optional)
            for paths in needed
            if not any(present(path) for path in paths) and not all(p.optional for p in paths)
        ]
        if missing:
            names = ", ".join(repr(path.text) for path in missing)
            raise MappingError(
                f"no column {names} in {source}; its columns are: {', '.join(have) or '(none)'}"
            )

    def over(self, base: RecordMapping) -> RecordMapping:
        """This mapping laid over ``base`` (a profile): its entries win field by field."""

        def merged(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
            return {**a, **b}

        return replace(
            base,
            columns=merged(base.columns, self.columns),
            constants=merged(base.constants, self.constants),
            defaults=merged(base.defaults, self.defaults),
            templates=merged(base.templates, self.templates),
            splits=base.splits + self.splits,
            strip=merged(base.strip, self.strip),
            date_formats=self.date_formats + base.date_formats,
            derive_title=self.derive_title and base.derive_title,
            repair=tuple(step for step in base.repair if step in self.repair),
            replies_per_row=self.replies_per_row or base.replies_per_row,
            table=self.table or base.table,
            query=self.query or base.query,
            description=self.description or base.description,
        )


EMPTY_MAPPING = RecordMapping()


def split_pairs(pairs: Iterable[str], option: str, right: str = "VALUE") -> list[tuple[str, str]]:
    """``["a=b", ...]`` as ``[("a", "b"), ...]``; MappingError for one without ``=``."""
    out = []
    for pair in pairs:
        left, sep, value = pair.partition("=")
        if not sep or not left.strip() or not value.strip():
            raise MappingError(f"{option} expects FIELD={right}, got {pair!r}")
        out.append((left.strip(), value))
    return out


def mapping_from_options(
    *,
    maps: Sequence[str] = (),
    sets: Sequence[str] = (),
    defaults: Sequence[str] = (),
    templates: Sequence[str] = (),
    splits: Sequence[str] = (),
    strips: Sequence[str] = (),
    date_formats: Sequence[str] = (),
    derive_title: bool = True,
    repair: Sequence[str] | None = None,
    table: str | None = None,
    query: str | None = None,
) -> RecordMapping:
    """A mapping from the command line's options (each a list of ``FIELD=...`` strings)."""
    columns: dict[str, tuple[ColumnPath, ...]] = {}
    for target, source in split_pairs(maps, "--map", "COLUMN"):
        columns[check_field(target, "--map")] = parse_columns(source)
    split_list = [
        Split.parse(column, pattern) for column, pattern in split_pairs(splits, "--split", "REGEX")
    ]
    return RecordMapping(
        columns=columns,
        constants={check_field(k, "--set"): v.strip() for k, v in split_pairs(sets, "--set")},
        defaults={
            check_field(k, "--default"): v.strip() for k, v in split_pairs(defaults, "--default")
        },
        templates={
            check_field(k, "--template"): Template.parse(v.strip())
            for k, v in split_pairs(templates, "--template", "TEXT")
        },
        splits=tuple(split_list),
        strip={check_field(k, "--strip"): v for k, v in split_pairs(strips, "--strip", "CHARS")},
        date_formats=tuple(_date_formats(date_formats)),
        derive_title=derive_title,
        repair=_repairs(REPAIR_STEPS if repair is None else repair),
        table=table,
        query=query,
    )


def _date_formats(forms: Iterable[str]) -> list[str]:
    try:
        return [check_date_format(form) for form in forms]
    except ValueError as error:
        raise MappingError(str(error)) from None


def _repairs(steps: Iterable[str]) -> tuple[str, ...]:
    try:
        return check_steps(steps)
    except ValueError as error:
        raise MappingError(str(error)) from None


TOML_KEYS = (
    "description",
    "map",
    "set",
    "default",
    "template",
    "split",
    "strip",
    "date_formats",
    "derive_title",
    "repair",
    "replies_per_row",
    "table",
    "query",
)


def mapping_from_toml(text: str, source: str) -> RecordMapping:
    """A mapping from a TOML document in the vocabulary of the module docstring."""
    try:
        document = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as error:
        raise MappingError(f"{source}: not valid TOML ({error})") from None
    unknown = sorted(set(document) - set(TOML_KEYS))
    if unknown:
        raise MappingError(f"{source}: unknown key {unknown[0]!r}; one of {', '.join(TOML_KEYS)}")
    try:
        return _mapping_from_document(document)
    except MappingError as error:
        raise MappingError(f"{source}: {error}") from None


def _table(document: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = document.get(key, {})
    if not isinstance(value, dict):
        raise MappingError(f"[{key}] should be a table of FIELD = value")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise MappingError(f"{where} should be text, got {type(value).__name__}")
    return value


def _mapping_from_document(document: Mapping[str, Any]) -> RecordMapping:
    columns: dict[str, tuple[ColumnPath, ...]] = {}
    for target, source in _table(document, "map").items():
        sources = source if isinstance(source, list) else [source]
        columns[check_field(target, "[map]")] = tuple(
            path for item in sources for path in parse_columns(_text(item, f"map.{target}"))
        )
    splits = []
    raw_splits = document.get("split", [])
    if not isinstance(raw_splits, list):
        raise MappingError("[[split]] should be a list of tables with column and pattern")
    for entry in raw_splits:
        if not isinstance(entry, dict) or set(entry) != {"column", "pattern"}:
            raise MappingError("each [[split]] needs exactly: column, pattern")
        splits.append(
            Split.parse(_text(entry["column"], "split.column"), _text(entry["pattern"], "pattern"))
        )
    flags = {}
    for key in ("derive_title", "replies_per_row"):
        if key in document:
            if not isinstance(document[key], bool):
                raise MappingError(f"{key} should be true or false")
            flags[key] = document[key]
    lists = {}
    for key in ("date_formats", "repair"):
        if key in document:
            value = document[key]
            if not isinstance(value, list):
                raise MappingError(f"{key} should be a list of text")
            lists[key] = [_text(item, key) for item in value]
    return RecordMapping(
        columns=columns,
        constants={
            check_field(k, "[set]"): _text(v, f"set.{k}")
            for k, v in _table(document, "set").items()
        },
        defaults={
            check_field(k, "[default]"): _text(v, f"default.{k}")
            for k, v in _table(document, "default").items()
        },
        templates={
            check_field(k, "[template]"): Template.parse(_text(v, f"template.{k}"))
            for k, v in _table(document, "template").items()
        },
        splits=tuple(splits),
        strip={
            check_field(k, "[strip]"): _text(v, f"strip.{k}")
            for k, v in _table(document, "strip").items()
        },
        date_formats=tuple(_date_formats(lists.get("date_formats", []))),
        derive_title=flags.get("derive_title", True),
        repair=_repairs(lists.get("repair", REPAIR_STEPS)),
        replies_per_row=flags.get("replies_per_row", False),
        table=_text(document["table"], "table") if "table" in document else None,
        query=_text(document["query"], "query") if "query" in document else None,
        description=_text(document.get("description", ""), "description"),
    )


def read_mapping_file(path: Path) -> RecordMapping:
    """A ``--mapping FILE``; MappingError when it cannot be read or is not a mapping."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_TOML_BYTES + 1)
    except OSError as error:
        raise MappingError(f"--mapping {path}: cannot read ({error.strerror or error})") from None
    if len(data) > MAX_TOML_BYTES:
        raise MappingError(f"--mapping {path}: larger than 1 MiB; a mapping is a few lines")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MappingError(f"--mapping {path}: not UTF-8 text") from None
    return mapping_from_toml(text, str(path))
