"""Bytes of an uploaded CSV file made a table: the encoding (UTF-8 with or without BOM,
UTF-16, Latin-1 / Windows-1252) and the separator (comma, semicolon, tab) detected or
chosen, quoted values with separators, doubled quotes and line breaks read as one cell,
and every row numbered as a spreadsheet shows it (the header is row 1). A file that
cannot be read is refused with every problem found at once, each saying what to fix."""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from typing import NoReturn

from team.services.imports.problems import ImportRefused, Problem

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
ENCODINGS: dict[str, str] = {
    "utf-8": "UTF-8 (with or without BOM)",
    "utf-16": "UTF-16",
    "latin-1": "Latin-1 / Windows-1252",
}
SEPARATORS: dict[str, str] = {",": "comma", ";": "semicolon", "\t": "tab"}

SAMPLE = 64 * 1024  # bytes (or characters) looked at to detect an encoding or a separator
# Binary: the sample holds a few NUL bytes and control bytes are at least 1% of it (text
# may hold a stray NUL or bell, as the hostile corpus does; binary data is full of them).
BINARY_NULS = 3
_CONTROLS = bytes(b for b in range(32) if b not in b"\t\n\f\r") + b"\x7f"
_MARK = "\udc00"  # stands for bytes invalid in the encoding (valid text never decodes to it)
_MARKED = "team-import-mark"
_CP1252_GAPS = "team-import-cp1252"  # bytes Windows-1252 leaves undefined, read as Latin-1
_BOMS_16 = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_MAGIC = (
    (b"PK\x03\x04", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "excel"),  # .xls (an OLE2 compound file)
    (b"%PDF-", "pdf"),
    (b"\x1f\x8b", "gzip"),
)
MB = 1024 * 1024
_SAID = {  # why a file as a whole is refused, and what to do
    "empty": "The file is empty: export the list again with its header row and at least "
    "one row of data.",
    "utf-16": "This file looks like UTF-16 text read in another encoding: choose UTF-16 "
    "and read it again.",
    "excel": "This is an Excel workbook, not a CSV: in Excel use File \u203a Save as \u203a "
    "CSV UTF-8 (comma delimited) and upload that file.",
    "opendocument": "This is an OpenDocument spreadsheet, not a CSV: save it as "
    "Text CSV (UTF-8) and upload that file.",
    "zip": "This is a ZIP archive, not a CSV: unzip it and upload the CSV file inside.",
    "pdf": "This is a PDF, not a CSV: export the list from where it lives as CSV "
    "and upload that file.",
    "gzip": "This is a compressed (gzip) file, not a CSV: unpack it and upload the "
    "CSV file inside.",
    "binary": "This file is not text (it holds binary data): upload the list saved "
    "as CSV (comma-separated values).",
}


def _marked(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return _MARK, error.end


def _cp1252_gaps(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error(_MARKED, _marked)
codecs.register_error(_CP1252_GAPS, _cp1252_gaps)


@dataclass(frozen=True)
class Table:
    """A CSV file read: its header names (stripped, distinct), its data rows (each as
    wide as the header; blank rows left out) and each row's number as a spreadsheet
    shows it (the header is row 1)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numbers: tuple[int, ...]
    encoding: str
    separator: str


def read_table(data: bytes, *, encoding: str | None = None, separator: str | None = None) -> Table:
    """The table ``data`` holds; raises ImportRefused listing every problem found."""
    if encoding is not None and encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r}: one of {', '.join(ENCODINGS)}")
    if separator is not None and separator not in SEPARATORS:
        raise ValueError(f"unknown separator {separator!r}: one of {list(SEPARATORS)}")
    _refuse_whole_file(data)
    code, codec = _codec(data, encoding)
    if code != "utf-16" and _binary(data[:SAMPLE]):
        _refuse(_SAID["utf-16" if data.startswith(_BOMS_16) or _utf16_order(data) else "binary"])
    text, invalid = _decode(data, codec)
    if not text.strip():
        _refuse(_SAID["empty"])
    text, excel_separator = _without_sep_line(text)
    chosen = separator or excel_separator or detect_separator(text)
    problems: list[Problem] = []
    table = _parse(text, chosen, code, problems)
    if invalid:
        problems += _invalid_bytes(table, code)
    if problems:
        raise ImportRefused(sorted(problems, key=lambda p: p.where), noun="row")
    return table


def read_text(data: bytes) -> str:
    """A text file's bytes (an outline's) as text, its encoding found as a CSV's is:
    UTF-8 with or without BOM, UTF-16, else Windows-1252/Latin-1; a binary file (a
    workbook, a PDF) is refused with what to do."""
    code, codec = _codec(data, None)
    if _magic(data) or (code != "utf-16" and _binary(data[:SAMPLE])):
        raise ImportRefused(
            [
                Problem(
                    0,
                    "This file is not text (a workbook, a PDF or an archive?): paste the "
                    "outline, or upload it saved as plain text (.txt or .md).",
                )
            ],
            noun="line",
        )
    return _decode(data, codec)[0]


def _refuse_whole_file(data: bytes) -> None:
    """Refuse a file too big, empty, or of a kind that is not text, before reading it."""
    if len(data) > MAX_BYTES:
        _refuse(
            f"The file is {len(data) / MB:,.1f} MB; at most {MAX_BYTES // MB} MB can be "
            "imported at once: split it into smaller files (for example by project, or a "
            "few thousand rows each) and import each."
        )
    if not data.strip():
        _refuse(_SAID["empty"])
    kind = _magic(data)
    if kind:
        _refuse(_SAID[kind])


def _refuse(text: str) -> NoReturn:
    """Refuse the file as a whole (no row to point at)."""
    raise ImportRefused([Problem(0, text)], noun="row")


def _magic(data: bytes) -> str | None:
    for start, kind in _MAGIC:
        if data.startswith(start):
            if kind == "zip" and b"opendocument.spreadsheet" in data[:SAMPLE]:
                return "opendocument"
            if kind == "zip" and (b"xl/" in data[:SAMPLE] or b"[Content_Types]" in data[:SAMPLE]):
                return "excel"
            return kind
    return None


def _binary(sample: bytes) -> bool:
    controls = len(sample) - len(sample.translate(None, _CONTROLS))
    return sample.count(0) >= BINARY_NULS and controls * 100 >= len(sample)


def _codec(data: bytes, chosen: str | None) -> tuple[str, str]:
    """(the encoding's code, the Python codec that reads it)."""
    if chosen == "latin-1":
        return "latin-1", "cp1252"
    if chosen == "utf-8" or (chosen is None and data.startswith(codecs.BOM_UTF8)):
        return "utf-8", "utf-8-sig"
    if chosen in (None, "utf-16") and data.startswith(_BOMS_16):
        return "utf-16", "utf-16"
    order = _utf16_order(data)
    if chosen == "utf-16":
        return "utf-16", order or "utf-16-le"
    if order:
        return "utf-16", order
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "latin-1", "cp1252"
    return "utf-8", "utf-8"


def _utf16_order(data: bytes) -> str | None:
    """UTF-16 without a BOM: text mostly ASCII has a NUL in every other byte."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if not pairs:
        return None
    even, odd = sample[0 : 2 * pairs : 2].count(0), sample[1 : 2 * pairs : 2].count(0)
    if odd >= 0.3 * pairs and even * 4 <= odd:
        return "utf-16-le"
    if even >= 0.3 * pairs and odd * 4 <= even:
        return "utf-16-be"
    return None


def _decode(data: bytes, codec: str) -> tuple[str, bool]:
    """The text, and whether some bytes were invalid (each run marked in the text)."""
    if codec == "cp1252":
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
        return data.decode("cp1252", errors=_CP1252_GAPS).removeprefix("\ufeff"), False
    try:
        return data.decode(codec).removeprefix("\ufeff"), False
    except UnicodeDecodeError:
        return data.decode(codec, errors=_MARKED).removeprefix("\ufeff"), True


def _without_sep_line(text: str) -> tuple[str, str | None]:
    """Excel's optional first line ``sep=;`` names the separator; it is not a row."""
    found = re.match(r"sep=(.)(\r\n|\r|\n)", text, flags=re.IGNORECASE)
    if found and found.group(1) in SEPARATORS:
        return text[found.end() :], found.group(1)
    return text, None


def detect_separator(text: str) -> str:
    """The separator of , ; and tab most frequent in the header line outside quotes
    (a tie, or none at all, is a comma)."""
    line = _header_line(text.lstrip("\r\n")[:SAMPLE])
    unquoted = re.sub(r'"[^"]*"', "", line)
    counts = {sep: unquoted.count(sep) for sep in SEPARATORS}
    return max(SEPARATORS, key=lambda sep: counts[sep])


def _header_line(text: str) -> str:
    quoted = False
    for at, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char in "\r\n" and not quoted:
            return text[:at]
    return text


def _parse(text: str, separator: str, code: str, problems: list[Problem]) -> Table:
    """The table of ``text``; what is wrong with it is added to ``problems``."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    names: list[str] | None = None
    header_row = least = 1
    rows: list[list[str]] = []
    numbers: list[int] = []
    number = 0
    while True:
        number += 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(_quote_problem(number, str(error)))
            if "expected after" in str(error):
                continue
            break  # a quote left open runs to the end: nothing after it can be read
        if not "".join(record).strip():
            continue
        if names is None:
            names = [_name(cell) for cell in record]
            header_row, least = number, _named_width(names)
        elif (cells := _fitted(record, len(names), least)) is not None:
            rows.append(cells)
            numbers.append(number)
        else:
            named = least if len(record) < least else len(names)
            problems.append(_ragged(number, len(record), named, separator))
    names, rows = _named_columns(names or [], rows, numbers, problems)
    _check_size(header_row, len(rows), problems)
    return Table(
        header=tuple(_distinct(names)),
        rows=tuple(map(tuple, rows)),
        numbers=tuple(numbers),
        encoding=code,
        separator=separator,
    )


def _name(cell: str) -> str:
    return cell.strip().lstrip("\ufeff").removeprefix("ï»¿").strip()


def _named_width(names: list[str]) -> int:
    """The header's width without its unnamed columns at the end (trailing separators)."""
    width = len(names)
    while width and not names[width - 1]:
        width -= 1
    return width


def _fitted(record: list[str], width: int, least: int) -> list[str] | None:
    """The row as wide as the header: empty cells past the header's end dropped, cells
    missing from unnamed columns at the end (from ``least`` on) made empty; None when
    the row has a different number of cells."""
    if len(record) == width:
        return record
    if len(record) > width and not "".join(record[width:]).strip():
        return record[:width]
    if least <= len(record) < width:
        return record + [""] * (width - len(record))
    return None


def _quote_problem(number: int, error: str) -> Problem:
    if "expected after" in error:
        return Problem(
            number,
            "a quoted value is followed by more text before the next separator: a quote "
            'inside a quoted value must be doubled ("") — or the value\'s closing quote '
            "is misplaced.",
        )
    if "field larger than field limit" in error:
        return Problem(
            number,
            "a value that begins here runs on for more than "
            f"{csv.field_size_limit():,} characters: a closing double quote is probably "
            "missing; end the quoted value (a quote inside a value must be doubled: "
            '"").',
        )
    return Problem(
        number,
        "a quoted value that begins here never ends: a closing double quote is "
        'probably missing (a quote inside a value must be doubled: "").',
    )


def _ragged(number: int, cells: int, width: int, separator: str) -> Problem:
    said = f"{cells:,} {'cell' if cells == 1 else 'cells'}, but the header names {width:,}"
    if cells > width:
        return Problem(
            number,
            f"{said} — a value probably holds an unquoted {SEPARATORS[separator]}: put that "
            "value in double quotes (or choose another separator if the file uses one).",
        )
    return Problem(
        number,
        f"{said} — cells are missing, or a value holds a line break outside quotes: add "
        "the missing cells, or put the value with the line break in double quotes.",
    )


def _named_columns(
    names: list[str], rows: list[list[str]], numbers: list[int], problems: list[Problem]
) -> tuple[list[str], list[list[str]]]:
    """Columns without a name are dropped when empty and a problem when they hold values."""
    unnamed = [at for at, name in enumerate(names) if not name]
    if not unnamed:
        return names, rows
    for at in unnamed:
        first = next((n for row, n in zip(rows, numbers, strict=True) if row[at].strip()), 0)
        if first:
            problems.append(
                Problem(
                    0,
                    f"Column {at + 1} ({column_letter(at)}) has no name in the header row "
                    f"but holds values (the first on row {first}): give the column a name, "
                    "or delete it.",
                )
            )
    keep = [at for at in range(len(names)) if at not in unnamed]
    return [names[at] for at in keep], [[row[at] for at in keep] for row in rows]


def _distinct(names: list[str]) -> list[str]:
    """Names made distinct: a repeated name (Jira repeats "Labels", "Sprint" and
    "Watchers", one column per value) is numbered "Labels (2)", "Labels (3)"."""
    seen: set[str] = set()
    out = []
    for name in names:
        made, count = name, 1
        while made.casefold() in seen:
            count += 1
            made = f"{name} ({count})"
        seen.add(made.casefold())
        out.append(made)
    return out


def _check_size(header_row: int, count: int, problems: list[Problem]) -> None:
    if count == 0 and not problems:
        problems.append(
            Problem(
                0,
                f"The file has a header row (row {header_row}) but no rows of data below "
                "it: add the questions as rows under the header, one per row.",
            )
        )
    elif count > MAX_ROWS:
        problems.append(
            Problem(
                0,
                f"The file has {count:,} rows of data; at most {MAX_ROWS:,} can be imported "
                "at once: split it into smaller files and import each.",
            )
        )


def _invalid_bytes(table: Table, code: str) -> list[Problem]:
    """A problem for each row holding bytes invalid in the encoding."""
    label = "UTF-8" if code == "utf-8" else "UTF-16"
    other = "Latin-1 / Windows-1252 (files saved by Excel on Windows often are) or UTF-16"
    if code == "utf-16":
        other = "UTF-8 or Latin-1 / Windows-1252"
    said = (
        f"some bytes are not valid {label}: the file was probably saved in another "
        f"encoding; choose {other} and read it again."
    )
    found = [Problem(1, said)] if any(_MARK in name for name in table.header) else []
    found += [
        Problem(number, said)
        for row, number in zip(table.rows, table.numbers, strict=True)
        if _MARK in "".join(row)
    ]
    return found or [Problem(0, said[0].upper() + said[1:])]


def column_letter(index: int) -> str:
    """A column's letter as a spreadsheet names it: 0 is A, 25 Z, 26 AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
