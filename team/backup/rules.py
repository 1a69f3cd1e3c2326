"""What a value of an export file may be: each column's rule, read from the table
definitions (so a column added to a model is exported and checked without touching this
module), and the conversion of one record into an insertable row, or InvalidInput
naming the record and the column that do not fit. The checks across records are in
checks.py; reading the file is reader.py's job and writing the rows restore.py's.
"""

from __future__ import annotations

import contextlib
import functools
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, Union, get_args, get_origin

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import JSON, Column, Table, UniqueConstraint
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel import SQLModel

from team.models import TABLES, table_of
from team.services.core.errors import InvalidInput
from team.services.core.text import without_controls

FORMAT = "team-export"
FORMAT_VERSION = 1

Row = dict[str, Any]
Convert = Callable[[object], object]
Progress = Callable[[str, int, int | None], None]  # (what, rows done, rows in all)


def quiet(_what: str, _done: int, _total: int | None) -> None:
    """Progress that shows nothing (tests, the app)."""


# --------------------------------------------------------------------------- column rules


class _Bad(ValueError):
    """A value that does not fit its column; the message is a fragment."""


def got(value: object) -> str:
    shown = repr(value)
    return f"(got {shown if len(shown) <= 60 else shown[:57] + '...'})"


def _boolean(value: object) -> object:
    """JSON gives booleans as themselves; 1 is not accepted as ``true``."""
    if type(value) is not bool:
        raise _Bad(f"expected true or false {got(value)}")
    return value


def _whole(least: int) -> Convert:
    """A whole number from ``least`` up to what both databases store (2^63 - 1): the
    application never writes a negative number, an id, version or answer number of 0,
    or anything larger; ``True`` is not accepted as 1."""

    def convert(value: object) -> object:
        if type(value) is not int:
            raise _Bad(f"expected a whole number {got(value)}")
        if not least <= value <= BIGINT_MAX:
            raise _Bad(f"expected a whole number from {least} to {BIGINT_MAX:,} {got(value)}")
        return value

    return convert


def _no_controls(value: str) -> None:
    """The text rule the application writes by (core/text.py): no NUL or other control
    character but tab and line feed."""
    if without_controls(value) != value:
        raise _Bad(f"holds a control character the application never writes {got(value)}")


def _string(max_length: int | None) -> Convert:
    def convert(value: object) -> object:
        if not isinstance(value, str):
            raise _Bad(f"expected text {got(value)}")
        if max_length is not None and len(value) > max_length:
            raise _Bad(f"longer than {max_length} characters")
        _no_controls(value)
        return value

    return convert


def _timestamp(value: object) -> object:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is not None:
                return parsed.astimezone(UTC)
    raise _Bad(f"expected an ISO 8601 date-time with a UTC offset {got(value)}")


def _day(value: object) -> object:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return date.fromisoformat(value)
    raise _Bad(f"expected an ISO 8601 date (YYYY-MM-DD) {got(value)}")


def _choice(enum: type[Enum]) -> Convert:
    values = [str(member.value) for member in enum]
    listed = ", ".join(f"'{v}'" for v in values)

    def convert(value: object) -> object:
        if value not in values:
            raise _Bad(f"expected one of {listed} {got(value)}")
        return value

    return convert


def _json_of(annotation: Any) -> Convert:
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)

    def convert(value: object) -> object:
        try:
            checked = adapter.validate_python(value, strict=True)
        except ValidationError:
            raise _Bad(f"expected a value of type {annotation} {got(value)}") from None
        for item in checked if isinstance(checked, list) else [checked]:
            if isinstance(item, str):
                _no_controls(item)
        return checked

    return convert


def _bare(annotation: Any) -> Any:
    """``X`` for ``X | None``."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


_BY_PYTHON_TYPE: dict[type, Convert] = {
    bool: _boolean,
    datetime: _timestamp,
    date: _day,
}
POSITIVE = frozenset({"id", "version", "number"})  # counted from 1
BIGINT_MAX = 2**63 - 1


def _converter(column: Column[Any], annotation: Any) -> Convert:
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _choice(annotation)
    sql_type: TypeEngine[Any] = column.type
    if isinstance(sql_type, TypeDecorator):
        sql_type = sql_type.impl_instance
    if isinstance(sql_type, JSON):
        return _json_of(annotation)
    python_type = sql_type.python_type
    if python_type is int:
        return _whole(1 if column.name in POSITIVE or column.foreign_keys else 0)
    if python_type is str:
        return _string(getattr(sql_type, "length", None))
    if python_type in _BY_PYTHON_TYPE:
        return _BY_PYTHON_TYPE[python_type]
    raise TypeError(f"No import rule for {column} ({sql_type!r}); extend team/backup/rules.py.")


@dataclass(frozen=True)
class _Column:
    name: str
    convert: Convert
    nullable: bool
    default: Callable[[], object] | None  # None: the file must give a value
    references: tuple[str, str] | None  # (table, column) of a foreign key


@dataclass(frozen=True)
class TableSpec:
    table: Table
    name: str
    key: str  # the primary-key column
    columns: Mapping[str, _Column]
    deferred: tuple[str, ...]  # foreign keys to this table or a later one: set afterwards
    unique: tuple[tuple[str, ...], ...]


def _column_spec(model: type[SQLModel], column: Column[Any]) -> _Column:
    field = model.model_fields[column.name]
    default = None
    if not (field.is_required() or column.primary_key):
        default = functools.partial(field.get_default, call_default_factory=True)
    fk = next(iter(column.foreign_keys), None)
    return _Column(
        name=column.name,
        convert=_converter(column, _bare(field.annotation)),
        nullable=bool(column.nullable) and not column.primary_key,
        default=default,
        references=(fk.column.table.name, fk.column.name) if fk is not None else None,
    )


@functools.cache
def table_specs() -> tuple[TableSpec, ...]:
    order = [table_of(model).name for model in TABLES]
    specs = []
    for position, model in enumerate(TABLES):
        table = table_of(model)
        columns = {c.name: _column_spec(model, c) for c in table.columns}
        deferred = tuple(
            c.name
            for c in columns.values()
            if c.references and order.index(c.references[0]) >= position
        )
        unique = tuple(
            tuple(c.name for c in constraint.columns)
            for constraint in table.constraints
            if isinstance(constraint, UniqueConstraint)
        )
        (key,) = (c.name for c in table.primary_key.columns)
        specs.append(TableSpec(table, table.name, key, columns, deferred, unique))
    return tuple(specs)


# --------------------------------------------------------------------------- records


def _label(spec: TableSpec, index: int, record: object) -> str:
    key = record.get(spec.key) if isinstance(record, dict) else None
    if isinstance(key, int) and not isinstance(key, bool):
        return f"{spec.name} #{key}"
    return f"{spec.name} record {index + 1}"


def _value(column: _Column, record: dict[str, object], label: str) -> object:
    if column.name not in record:
        if column.default is None:
            raise InvalidInput(f"{label}: missing column '{column.name}'.")
        value = column.default()
        return value.value if isinstance(value, Enum) else value
    value = record[column.name]
    if value is None:
        if column.nullable:
            return None
        raise InvalidInput(f"{label}: {column.name}: a value is required (got null).")
    try:
        return column.convert(value)
    except _Bad as bad:
        raise InvalidInput(f"{label}: {column.name}: {bad}.") from None


def record(spec: TableSpec, index: int, value: object) -> Row:
    """``value`` (the ``index``-th record of its table) as an insertable row."""
    label = _label(spec, index, value)
    if not isinstance(value, dict):
        raise InvalidInput(f"{label}: expected an object of column values {got(value)}.")
    unknown = sorted(set(value) - set(spec.columns))
    if unknown:
        raise InvalidInput(f"{label}: unknown column '{unknown[0]}'.")
    return {name: _value(column, value, label) for name, column in spec.columns.items()}
