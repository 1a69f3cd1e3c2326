"""An export as a stream of records, so an import holds one record at a time whatever
the size of the file: a file parsed as it is read (ijson), or a document already in
memory (tests, and anything that builds one). Both check the document's outline as they
go: the format marker and version before the tables, known tables only, each a list,
and no nesting deeper than an export ever has."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

import ijson

from team.backup.rules import FORMAT, FORMAT_VERSION, got, table_specs
from team.services.core.errors import InvalidInput

# document > "tables" > a table's list > a record > a list value (a finding's links)
DEPTH_MAX = 5
Events = Iterator[tuple[str, Any]]  # ijson's basic events: (event, value)
EXACT_POSITION_MAX = 64 * 1024 * 1024  # a broken file up to this size gets its line


@dataclass(frozen=True)
class Item:
    """One record of one table: the ``index``-th of its table in the file."""

    table: str
    index: int
    value: object


class Source(Protocol):
    def items(self) -> Iterator[Item]:
        """Every record, the outline checked on the way."""
        ...

    def table(self, name: str) -> Iterator[object]:
        """The records of one table (read again, after :meth:`items` passed)."""
        ...


def _check_header(header: dict[str, object]) -> None:
    if header.get("format") != FORMAT:
        raise InvalidInput(
            f"This is not a team export: the \"format\" marker '{FORMAT}' is missing."
        )
    version = header.get("format_version")
    if isinstance(version, bool) or version != FORMAT_VERSION:
        raise InvalidInput(
            f"This export has format_version {version!r}; this app reads format_version "
            f"{FORMAT_VERSION} only."
        )


def _check_table(name: str) -> None:
    if name not in {spec.name for spec in table_specs()}:
        raise InvalidInput(f"Unknown table '{name}' in the file; nothing was imported.")


NO_TABLES = 'This export has no "tables" object; the file is incomplete.'


# --------------------------------------------------------------------------- in memory


class DocumentSource:
    """A document already parsed (a dict, as ``json.load`` gives it)."""

    def __init__(self, data: object) -> None:
        self.data = data

    def items(self) -> Iterator[Item]:
        if not isinstance(self.data, dict):
            _check_header({})
        data: dict[str, Any] = self.data  # type: ignore[assignment]
        _check_header(data)
        tables = data.get("tables")
        if not isinstance(tables, dict):
            raise InvalidInput(NO_TABLES)
        for name in tables:
            _check_table(name)
        for name, records in tables.items():
            if not isinstance(records, list):
                raise InvalidInput(f"Table '{name}': expected a list of records {got(records)}.")
            for index, value in enumerate(records):
                yield Item(name, index, value)

    def table(self, name: str) -> Iterator[object]:
        assert isinstance(self.data, dict)
        yield from self.data["tables"].get(name, [])


# --------------------------------------------------------------------------- a file


class FileSource:
    """An export file, parsed as it is read; read once per pass."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _open(self) -> IO[bytes]:
        try:
            return self.path.open("rb")
        except FileNotFoundError:
            raise InvalidInput(f"{self.path}: no such file; check the path.") from None
        except OSError as exc:
            raise InvalidInput(f"{self.path}: cannot be read ({exc.strerror}).") from None

    def items(self) -> Iterator[Item]:
        with self._open() as handle:
            try:
                # basic_parse: no prefixes (building them makes deep nesting quadratic).
                yield from self._items(ijson.basic_parse(handle))
            except ijson.JSONError as exc:
                raise self._broken(str(exc)) from None

    def table(self, name: str) -> Iterator[object]:
        with self._open() as handle:
            try:
                yield from ijson.items(handle, f"tables.{name}.item")
            except ijson.JSONError as exc:  # the file changed since it was checked
                raise self._broken(str(exc)) from None

    def _is_utf8(self) -> bool:
        """Whether the whole file is UTF-8 text (read a megabyte at a time)."""
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            with self.path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
        return True

    def _broken(self, reason: str) -> InvalidInput:
        if "utf" in reason.lower() or not self._is_utf8():
            return InvalidInput(f"{self.path}: not UTF-8 text; is this a team export file?")
        position = ""
        if self.path.stat().st_size <= EXACT_POSITION_MAX:
            try:
                json.loads(self.path.read_bytes())
            except json.JSONDecodeError as exc:
                position = f" at line {exc.lineno} column {exc.colno}"
            except (UnicodeDecodeError, RecursionError):
                pass
        return InvalidInput(f"{self.path}: not valid JSON{position}.")

    def _items(self, events: Events) -> Iterator[Item]:
        first = next(events, None)
        if first is None or first[0] != "start_map":
            raise InvalidInput(
                f"This is not a team export: the \"format\" marker '{FORMAT}' is missing."
            )
        header: dict[str, object] = {}
        seen_tables = False
        for event, value in events:
            if event == "end_map":
                break
            if value == "tables":  # a key of the document
                _check_header(header)
                seen_tables = True
                yield from self._tables(events)
            else:
                header[value] = self._value(events)
        if not seen_tables:
            _check_header(header)
            raise InvalidInput(NO_TABLES)

    def _value(self, events: Events) -> object:
        """A value of the document: a scalar as it is; a container is skipped (kept as a
        marker no check accepts)."""
        event, value = next(events)
        if event in ("start_map", "start_array"):
            self._build(event, events, depth=2, keep=False)
            return ...
        return value

    def _too_deep(self) -> str:
        return f"{self.path}: nested deeper than a team export ever is; nothing was imported."

    def _tables(self, events: Events) -> Iterator[Item]:
        event, _value = next(events)
        if event != "start_map":
            raise InvalidInput(NO_TABLES)
        for event, name in events:
            if event == "end_map":
                return
            _check_table(name)
            opened, scalar = next(events)
            if opened != "start_array":
                raise InvalidInput(f"Table '{name}': expected a list of records {got(scalar)}.")
            yield from self._records(name, events)

    def _records(self, name: str, events: Events) -> Iterator[Item]:
        for index, (event, value) in enumerate(events):
            if event == "end_array":
                return
            if event in ("start_map", "start_array"):
                yield Item(name, index, self._build(event, events, depth=4))
            else:
                yield Item(name, index, value)

    def _build(self, opened: str, events: Events, *, depth: int, keep: bool = True) -> object:
        """The value that ``opened`` began at ``depth``, built from its events (or only
        passed over, unless ``keep``); deeper than DEPTH_MAX is refused."""
        builder = ijson.ObjectBuilder()
        if keep:
            builder.event(opened, None)
        level = depth
        for event, value in events:
            if keep:
                builder.event(event, value)
            if event in ("start_map", "start_array"):
                level += 1
                if level > DEPTH_MAX:
                    raise InvalidInput(self._too_deep())
            elif event in ("end_map", "end_array"):
                level -= 1
                if level < depth:
                    return builder.value if keep else None
        raise InvalidInput(f"{self.path}: not valid JSON.")
