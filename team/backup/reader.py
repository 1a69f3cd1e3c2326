"""An export as a stream of records, so an import holds one record at a time whatever
the size of the file: JSON parsed as it is read (ijson), from a file (``team import``)
or from a document already in memory (tests, and anything that builds one) by the same
reader. It checks the document's outline as it goes: the format marker and version
(wherever they stand among the document's keys), known tables only, each a list, no
nesting deeper than an export ever has, and nothing after the document."""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import ijson

from team.backup.rules import FORMAT, FORMAT_VERSION, got, table_specs
from team.services.core.errors import InvalidInput

# document > "tables" > a table's list > a record > a list value (a finding's links)
DEPTH_MAX = 5
Events = Iterator[tuple[str, Any]]  # ijson's basic events: (event, value)
HEADER = ("format", "format_version")  # the keys checked before any record
BUFFER = 64 * 1024  # bytes parsed at a time while looking for where a broken file breaks
_CONTINUATION = bytes(range(0x80, 0xC0))  # the UTF-8 bytes that start no character

NOT_AN_EXPORT = f"This is not a team export: the \"format\" marker '{FORMAT}' is missing."
NO_TABLES = 'This export has no "tables" object; the file is incomplete.'


@dataclass(frozen=True)
class Item:
    """One record of one table: the ``index``-th of its table in the file."""

    table: str
    index: int
    value: object


def _check_header(header: dict[str, object]) -> None:
    if header.get("format") != FORMAT:
        raise InvalidInput(NOT_AN_EXPORT)
    version = header.get("format_version")
    if isinstance(version, bool) or version != FORMAT_VERSION:
        raise InvalidInput(
            f"This export has format_version {version!r}; this app reads format_version "
            f"{FORMAT_VERSION} only."
        )


def _check_table(name: str) -> None:
    if name not in {spec.name for spec in table_specs()}:
        raise InvalidInput(f"Unknown table '{name}' in the file; nothing was imported.")


class _Discard:
    """Where a parser's events go when only where it fails matters."""

    def send(self, _event: object) -> None:
        return None


def _advance(line: int, column: int, chunk: bytes) -> tuple[int, int]:
    """The line and column just after ``chunk`` (which starts at ``line``, ``column``),
    columns counted in characters of UTF-8 text as ``json`` counts them."""
    if b"\n" in chunk:
        line += chunk.count(b"\n")
        column = 1
        chunk = chunk[chunk.rindex(b"\n") + 1 :]
    return line, column + len(chunk.translate(None, _CONTINUATION))


class Source:
    """An export, parsed as it is read; read once per pass."""

    def __init__(self, name: str, opener: Callable[[], IO[bytes]]) -> None:
        self.name = name  # how its messages call it
        self._open = opener

    @classmethod
    def file(cls, path: Path) -> Source:
        """The export file at ``path`` (``team import``)."""

        def opener() -> IO[bytes]:
            try:
                return path.open("rb")
            except FileNotFoundError:
                raise InvalidInput(f"{path}: no such file; check the path.") from None
            except OSError as exc:
                raise InvalidInput(f"{path}: cannot be read ({exc.strerror}).") from None

        return cls(str(path), opener)

    @classmethod
    def document(cls, data: object) -> Source:
        """A document already parsed (as ``json.load`` gives it), read from its JSON text
        exactly as a file is."""
        text = json.dumps(data).encode()
        return cls("The document", lambda: io.BytesIO(text))

    def items(self) -> Iterator[Item]:
        """Every record, the outline checked on the way."""
        self._header()
        with self._events() as events:
            yield from self._items(events)

    def table(self, name: str) -> Iterator[object]:
        """The records of one table (read again, after :meth:`items` passed)."""
        with self._open() as handle:
            try:
                yield from ijson.items(handle, f"tables.{name}.item")
            except ijson.JSONError as exc:  # the file changed since it was checked
                raise self._broken(str(exc)) from None

    @contextmanager
    def _events(self) -> Iterator[Events]:
        """The document's events; a file that is not JSON is refused in one sentence."""
        with self._open() as handle:
            try:
                # basic_parse: no prefixes (building them makes deep nesting quadratic).
                yield ijson.basic_parse(handle)
            except ijson.JSONError as exc:
                raise self._broken(str(exc)) from None

    # ----------------------------------------------------------------------- outline

    def _header(self) -> None:
        """Check the format marker and version before any record, wherever they stand
        among the document's keys (an export writes them first: then only its first
        lines are read; after "tables", the tables are passed over to reach them)."""
        with self._events() as events:
            first = next(events, None)
            if first is None or first[0] != "start_map":
                raise InvalidInput(NOT_AN_EXPORT)
            header: dict[str, object] = {}
            has_tables = False
            for event, key in events:
                if event == "end_map":
                    break
                if key == "tables":
                    has_tables = True
                    if all(k in header for k in HEADER):
                        break
                    self._value(events)
                else:
                    header[key] = self._value(events)
            _check_header(header)
            if not has_tables:
                raise InvalidInput(NO_TABLES)

    def _items(self, events: Events) -> Iterator[Item]:
        if next(events, None) != ("start_map", None):  # the file changed since _header
            raise InvalidInput(NOT_AN_EXPORT)
        for event, key in events:
            if event == "end_map":
                break
            if key == "tables":
                yield from self._tables(events)
            else:
                self._value(events)
        if next(events, None) is not None:  # the parser refuses anything after the end
            raise InvalidInput(f"{self.name}: not valid JSON.")

    def _value(self, events: Events) -> object:
        """A value of the document: a scalar as it is; a container is skipped (kept as a
        marker no check accepts)."""
        event, value = next(events)
        if event in ("start_map", "start_array"):
            self._build(event, events, depth=2, keep=False)
            return ...
        return value

    def _too_deep(self) -> str:
        return f"{self.name}: nested deeper than a team export ever is; nothing was imported."

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
                shown = "(got an object)" if opened == "start_map" else got(scalar)
                raise InvalidInput(f"Table '{name}': expected a list of records {shown}.")
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
        raise InvalidInput(f"{self.name}: not valid JSON.")

    # ----------------------------------------------------------------------- broken files

    def _broken(self, reason: str) -> InvalidInput:
        if "utf" in reason.lower() or not self._is_utf8():
            return InvalidInput(f"{self.name}: not UTF-8 text; is this a team export file?")
        where = self._where_broken()
        position = f" at line {where[0]} column {where[1]}" if where else ""
        return InvalidInput(f"{self.name}: not valid JSON{position}.")

    def _is_utf8(self) -> bool:
        """Whether the whole file is UTF-8 text (read a megabyte at a time)."""
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            with self._open() as handle:
                while chunk := handle.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
        return True

    def _where_broken(self) -> tuple[int, int] | None:
        """The line and column where the parser stops, whatever the size of the file,
        holding a buffer at a time: the buffer it stops in is found first, then fed
        again a byte at a time. None if it does not stop (the file changed meanwhile)."""
        taken = self._buffers_before_failing()
        if taken is None:
            return None
        parser = ijson.basic_parse_coro(_Discard())
        line, column = 1, 1
        with self._open() as handle:
            try:
                for _ in range(taken):
                    chunk = handle.read(BUFFER)
                    parser.send(chunk)
                    line, column = _advance(line, column, chunk)
                last = handle.read(BUFFER)
                for at in range(len(last)):
                    parser.send(last[at : at + 1])
                    line, column = _advance(line, column, last[at : at + 1])
                parser.close()  # the end of the file: refused if the document is unfinished
            except ijson.JSONError:
                return line, column
        return None

    def _buffers_before_failing(self) -> int | None:
        """How many buffers the parser takes whole before the one it fails in (all of
        them when the document is unfinished); None if it does not fail."""
        parser = ijson.basic_parse_coro(_Discard())
        taken = 0
        with self._open() as handle:
            try:
                while chunk := handle.read(BUFFER):
                    parser.send(chunk)
                    taken += 1
                parser.close()
            except ijson.JSONError:
                return taken
        return None
