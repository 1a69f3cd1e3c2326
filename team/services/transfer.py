"""Export every table to one JSON document, and import such a document into an empty
database.

The document is ``{"format": "team-export", "format_version": 1, "schema_revision": ...,
"tables": {name: [row, ...]}}`` with one object per row holding every column, ordered by
id. Columns are read from the table definitions, so a column added to a model is exported
(and checked on import) without touching this module. An import checks the whole file
before it writes anything, keeps every id, and either loads everything or nothing.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import tempfile
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Table,
    UniqueConstraint,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy import text as sql_text
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel import Session, SQLModel

from team.db import head_revision, is_empty
from team.models import TABLES
from team.services.errors import InvalidInput

FORMAT = "team-export"
FORMAT_VERSION = 1

Row = dict[str, Any]
Convert = Callable[[object], object]


def _table(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined,no-any-return]


# --------------------------------------------------------------------------- export


def _json_value(value: object) -> object:
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _snapshot(session: Session) -> Connection:
    """The session's connection; on PostgreSQL a repeatable-read transaction when the
    session has none yet, so every table is read as of the same moment."""
    if session.get_bind().dialect.name == "postgresql" and not session.in_transaction():
        return session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    return session.connection()


def export_data(session: Session) -> dict[str, Any]:
    """Every row of every table as plain JSON-able values (one query per table)."""
    conn = _snapshot(session)
    tables: dict[str, list[Row]] = {}
    for model in TABLES:
        table = _table(model)
        result = conn.execute(select(table).order_by(*table.primary_key.columns))
        tables[table.name] = [
            {key: _json_value(value) for key, value in row.items()} for row in result.mappings()
        ]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": head_revision(),
        "tables": tables,
    }


def _write_atomically(path: Path, content: str) -> None:
    """Write to a temporary file next to ``path`` and move it into place, so a reader
    never sees half a file. The file is readable by its owner only (it holds
    one-on-one notes)."""
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise InvalidInput(
            f"Cannot write {path} ({exc.strerror}); pick a folder that exists and that "
            "you may write to."
        ) from None


def write_export(session: Session, path: Path) -> dict[str, int]:
    """Export everything to ``path`` (replacing it atomically); rows per table."""
    data = export_data(session)
    _write_atomically(path, json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return {name: len(rows) for name, rows in data["tables"].items()}


# --------------------------------------------------------------------------- reading


def read_import(path: Path) -> object:
    """The parsed JSON of ``path``, or InvalidInput saying why it cannot be read."""
    try:
        content = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file; check the path.") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{path}: not UTF-8 text; is this a team export file?") from None
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot be read ({exc.strerror}).") from None
    try:
        return json.loads(content)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"{path}: not valid JSON at line {exc.lineno} column {exc.colno}."
        ) from None


# --------------------------------------------------------------------------- column rules


class _Bad(ValueError):
    """A value that does not fit its column; the message is a fragment."""


def _got(value: object) -> str:
    shown = repr(value)
    return f"(got {shown if len(shown) <= 60 else shown[:57] + '...'})"


def _exactly(kind: type, wanted: str) -> Convert:
    """JSON gives ints and booleans as themselves; ``True`` is not accepted as 1."""

    def convert(value: object) -> object:
        if type(value) is not kind:
            raise _Bad(f"expected {wanted} {_got(value)}")
        return value

    return convert


def _string(max_length: int | None) -> Convert:
    def convert(value: object) -> object:
        if not isinstance(value, str):
            raise _Bad(f"expected text {_got(value)}")
        if max_length is not None and len(value) > max_length:
            raise _Bad(f"longer than {max_length} characters")
        return value

    return convert


def _timestamp(value: object) -> object:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is not None:
                return parsed.astimezone(UTC)
    raise _Bad(f"expected an ISO 8601 date-time with a UTC offset {_got(value)}")


def _day(value: object) -> object:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return date.fromisoformat(value)
    raise _Bad(f"expected an ISO 8601 date (YYYY-MM-DD) {_got(value)}")


def _choice(enum: type[Enum]) -> Convert:
    values = [str(member.value) for member in enum]
    listed = ", ".join(f"'{v}'" for v in values)

    def convert(value: object) -> object:
        if value not in values:
            raise _Bad(f"expected one of {listed} {_got(value)}")
        return value

    return convert


def _json_of(annotation: Any) -> Convert:
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)

    def convert(value: object) -> object:
        try:
            return adapter.validate_python(value, strict=True)
        except ValidationError:
            raise _Bad(f"expected a value of type {annotation} {_got(value)}") from None

    return convert


def _bare(annotation: Any) -> Any:
    """``X`` for ``X | None``."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


_BY_PYTHON_TYPE: dict[type, Convert] = {
    int: _exactly(int, "a whole number"),
    bool: _exactly(bool, "true or false"),
    datetime: _timestamp,
    date: _day,
}


def _converter(column: Column[Any], annotation: Any) -> Convert:
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _choice(annotation)
    sql_type: TypeEngine[Any] = column.type
    if isinstance(sql_type, TypeDecorator):
        sql_type = sql_type.impl_instance
    if isinstance(sql_type, JSON):
        return _json_of(annotation)
    python_type = sql_type.python_type
    if python_type is str:
        return _string(getattr(sql_type, "length", None))
    if python_type in _BY_PYTHON_TYPE:
        return _BY_PYTHON_TYPE[python_type]
    raise TypeError(f"No import rule for {column} ({sql_type!r}); extend transfer.py.")


@dataclass(frozen=True)
class _Column:
    name: str
    convert: Convert
    nullable: bool
    default: Callable[[], object] | None  # None: the file must give a value
    references: tuple[str, str] | None  # (table, column) of a foreign key


@dataclass(frozen=True)
class _TableSpec:
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
def _specs() -> tuple[_TableSpec, ...]:
    order = [_table(model).name for model in TABLES]
    specs = []
    for position, model in enumerate(TABLES):
        table = _table(model)
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
        specs.append(_TableSpec(table, table.name, key, columns, deferred, unique))
    return tuple(specs)


# --------------------------------------------------------------------------- validation


def _an(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _label(spec: _TableSpec, index: int, record: object) -> str:
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


def _record(spec: _TableSpec, index: int, record: object) -> Row:
    label = _label(spec, index, record)
    if not isinstance(record, dict):
        raise InvalidInput(f"{label}: expected an object of column values {_got(record)}.")
    unknown = sorted(set(record) - set(spec.columns))
    if unknown:
        raise InvalidInput(f"{label}: unknown column '{unknown[0]}'.")
    return {name: _value(column, record, label) for name, column in spec.columns.items()}


def _table_rows(spec: _TableSpec, records: object) -> list[Row]:
    if not isinstance(records, list):
        raise InvalidInput(f"Table '{spec.name}': expected a list of records {_got(records)}.")
    rows: list[Row] = []
    seen: set[object] = set()
    for index, record in enumerate(records):
        row = _record(spec, index, record)
        if row[spec.key] in seen:
            raise InvalidInput(
                f"{spec.name} #{row[spec.key]}: another {spec.name} in the file has the same "
                f"{spec.key}; ids must be unique."
            )
        seen.add(row[spec.key])
        rows.append(row)
    return rows


def _check_references(specs: tuple[_TableSpec, ...], rows: dict[str, list[Row]]) -> None:
    references = {c.references for s in specs for c in s.columns.values() if c.references}
    present = {(table, key): {row[key] for row in rows[table]} for table, key in references}
    for spec in specs:
        for column in spec.columns.values():
            if column.references is None:
                continue
            known = present[column.references]
            for row in rows[spec.name]:
                value = row[column.name]
                if value is not None and value not in known:
                    raise InvalidInput(
                        f"{spec.name} #{row[spec.key]}: {column.name} {value} refers to "
                        f"{_an(column.references[0])} that is not in the file."
                    )


def _check_unique(specs: tuple[_TableSpec, ...], rows: dict[str, list[Row]]) -> None:
    for spec in specs:
        for columns in spec.unique:
            owners: dict[tuple[object, ...], object] = {}
            for row in rows[spec.name]:
                value = tuple(row[c] for c in columns)
                if None in value:
                    continue
                if value in owners:
                    shown = value[0] if len(value) == 1 else value
                    raise InvalidInput(
                        f"{spec.name} #{row[spec.key]}: {', '.join(columns)} {shown!r} is "
                        f"already used by {spec.name} #{owners[value]}; it must be unique."
                    )
                owners[value] = row[spec.key]


def _document_tables(data: object) -> dict[str, object]:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidInput(
            f"This is not a team export: the \"format\" marker '{FORMAT}' is missing."
        )
    version = data.get("format_version")
    if isinstance(version, bool) or version != FORMAT_VERSION:
        raise InvalidInput(
            f"This export has format_version {version!r}; this app reads format_version "
            f"{FORMAT_VERSION} only."
        )
    tables = data.get("tables")
    if not isinstance(tables, dict):
        raise InvalidInput('This export has no "tables" object; the file is incomplete.')
    known = {spec.name for spec in _specs()}
    for name in tables:
        if name not in known:
            raise InvalidInput(f"Unknown table '{name}' in the file; nothing was imported.")
    return tables


def _validated(data: object) -> dict[str, list[Row]]:
    """Every row converted to insertable values, or InvalidInput on the first problem."""
    tables = _document_tables(data)
    specs = _specs()
    rows = {spec.name: _table_rows(spec, tables.get(spec.name, [])) for spec in specs}
    _check_references(specs, rows)
    _check_unique(specs, rows)
    return rows


# --------------------------------------------------------------------------- import


def _execute(conn: Connection, statement: Any, params: list[Row], table: str) -> None:
    try:
        conn.execute(statement, params)
    except (IntegrityError, DataError) as exc:
        reason = str(exc.orig).strip().splitlines()[0]
        raise InvalidInput(
            f"Table '{table}': the database refused a record ({reason}); nothing was imported."
        ) from None


def _insert(conn: Connection, rows: dict[str, list[Row]]) -> None:
    """Insert table by table; foreign keys that point at rows not inserted yet (their
    own table or a later one) go in as NULL and are set once every row exists."""
    specs = _specs()
    for spec in specs:
        if rows[spec.name]:
            blank = dict.fromkeys(spec.deferred)
            params = [{**row, **blank} for row in rows[spec.name]]
            _execute(conn, insert(spec.table), params, spec.name)
    for spec in specs:
        patches = [
            {"_key": row[spec.key], **{c: row[c] for c in spec.deferred}}
            for row in rows[spec.name]
            if any(row[c] is not None for c in spec.deferred)
        ]
        if patches:
            statement = update(spec.table).where(spec.table.c[spec.key] == bindparam("_key"))
            _execute(conn, statement, patches, spec.name)


def _reset_sequences(conn: Connection) -> None:
    """On PostgreSQL, make each id sequence continue after the highest imported id."""
    if conn.dialect.name != "postgresql":
        return
    quote = conn.dialect.identifier_preparer.quote
    for spec in _specs():
        table, key = quote(spec.name), quote(spec.key)
        conn.execute(
            sql_text(
                f"SELECT setval(pg_get_serial_sequence(:table, :key), "
                f"COALESCE(MAX({key}), 1), MAX({key}) IS NOT NULL) FROM {table}"
            ),
            {"table": table, "key": spec.key},
        )


def import_data(session: Session, data: object) -> dict[str, int]:
    """Load an export into an empty database, keeping ids: everything or nothing.
    Returns rows per table."""
    try:
        if not is_empty(session):
            raise InvalidInput(
                "The database already holds data; import loads only into an empty database."
            )
        rows = _validated(data)
        conn = session.connection()
        _insert(conn, rows)
        _reset_sequences(conn)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return {name: len(table_rows) for name, table_rows in rows.items()}
