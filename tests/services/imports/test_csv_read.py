"""Reading an uploaded CSV file (team/services/imports/csv_read.py): every encoding and
separator people's exports use, quoted values with separators, quotes and line breaks,
rows numbered as a spreadsheet numbers them, and every malformed file refused with all
its problems at once, each by row and saying what to fix. No database."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence

import pytest

from team.services.imports import csv_read
from team.services.imports.csv_read import MAX_ROWS, Table, read_table
from team.services.imports.problems import ImportRefused
from tests.e2e.payloads import PAYLOADS

HEADER = ("Title", "Assignee", "Status")
ROWS = (
    ("Why did Q3 churn rise?", "Jürgen Müller", "To Do"),
    ('Pricing, again; and "why"', "Zoë", "Done"),
)


def written(header: Sequence[str], rows: Sequence[Sequence[str]], *, delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def refused(data: bytes, **choices: str) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        read_table(data, **choices)
    return caught.value


def where(error: ImportRefused) -> list[int]:
    return [p.where for p in error.problems]


# --- encodings


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (written(HEADER, ROWS).encode("utf-8"), "utf-8"),
        (written(HEADER, ROWS).encode("utf-8-sig"), "utf-8"),
        (written(HEADER, ROWS).encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_LE + written(HEADER, ROWS).encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + written(HEADER, ROWS).encode("utf-16-be"), "utf-16"),
        (written(HEADER, ROWS).encode("utf-16-le"), "utf-16"),
        (written(HEADER, ROWS).encode("utf-16-be"), "utf-16"),
        (written(HEADER, ROWS).encode("latin-1"), "latin-1"),
    ],
    ids=["utf8", "utf8-bom", "utf16", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "latin1"],
)
def test_every_encoding_reads_the_same_table(data: bytes, code: str) -> None:
    table = read_table(data)
    assert table.header == HEADER  # no BOM left on the first name
    assert table.rows == ROWS
    assert table.numbers == (2, 3)
    assert table.encoding == code


SMART = "\u201cSmart\u201d quotes \u2013 and \u20ac5 \u2018each\u2019"


def test_windows_1252_smart_quotes_and_euro_are_read_as_typed() -> None:
    table = read_table(written(HEADER, [(SMART, "Müller", "Open")]).encode("cp1252"))
    assert table.rows == ((SMART, "Müller", "Open"),)
    assert table.encoding == "latin-1"


def test_a_byte_windows_1252_leaves_undefined_is_read_as_latin_1() -> None:
    table = read_table(b"Title\nodd \x81 byte \x93quoted\x94\n")
    assert table.rows == (("odd \x81 byte \u201cquoted\u201d",),)


def test_a_chosen_encoding_is_used_instead_of_the_detected_one() -> None:
    data = written(HEADER, ROWS).encode("utf-8")
    table = read_table(data, encoding="latin-1")
    assert table.encoding == "latin-1"
    assert table.rows[0][1] == "JÃ¼rgen MÃ¼ller"  # what the person chose, not a guess


def test_latin_1_chosen_for_a_utf8_file_with_bom_leaves_no_stray_bom_in_the_header() -> None:
    table = read_table(written(HEADER, ROWS).encode("utf-8-sig"), encoding="latin-1")
    assert table.header == HEADER


def test_utf16_chosen_for_a_file_without_bom_reads_either_byte_order() -> None:
    for codec in ("utf-16-le", "utf-16-be"):
        table = read_table(written(HEADER, ROWS).encode(codec), encoding="utf-16")
        assert table.rows == ROWS


def test_the_pickers_offer_every_encoding_and_separator() -> None:
    assert set(csv_read.ENCODINGS) == {"utf-8", "utf-16", "latin-1"}
    assert set(csv_read.SEPARATORS) == {",", ";", "\t"}
    with pytest.raises(ValueError, match="unknown encoding"):
        read_table(b"a\n1\n", encoding="ebcdic")


# --- separators


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_each_separator_is_detected(separator: str) -> None:
    table = read_table(written(HEADER, ROWS, delimiter=separator).encode())
    assert table.separator == separator
    assert table.rows == ROWS


def test_excel_unicode_text_is_read_as_utf16_with_tabs() -> None:
    table = read_table(written(HEADER, ROWS, delimiter="\t").encode("utf-16"))
    assert (table.encoding, table.separator) == ("utf-16", "\t")
    assert table.rows == ROWS


def test_separators_inside_quoted_header_names_do_not_count() -> None:
    table = read_table(b'"Title; short";"Due; date";Owner,Email\n"a";"b";"c,d"\n')
    assert table.separator == ";"
    assert table.header == ("Title; short", "Due; date", "Owner,Email")


def test_a_tie_or_a_single_column_is_read_with_commas() -> None:
    assert read_table(b"a,b;c\n1,2;3\n").separator == ","
    assert read_table(b"Title\nOne\n").separator == ","


def test_a_chosen_separator_is_used_instead_of_the_detected_one() -> None:
    assert read_table(b"Title,Notes;Owner\nOne,two;ann\n").separator == ","  # a tie
    table = read_table(b"Title,Notes;Owner\nOne,two;ann\n", separator=";")
    assert table.header == ("Title,Notes", "Owner")
    assert table.rows == (("One,two", "ann"),)


def test_excel_sep_line_names_the_separator_and_is_not_a_row() -> None:
    table = read_table(b"sep=;\r\nTitle;Owner\r\nOne, two;ann\r\n")
    assert table.separator == ";"
    assert table.header == ("Title", "Owner")
    assert table.rows == (("One, two", "ann"),)
    assert table.numbers == (2,)


# --- quoting, line endings and row numbers


@pytest.mark.parametrize("end", ["\r\n", "\n", "\r"], ids=["crlf", "lf", "cr"])
def test_quoted_line_breaks_are_one_row_and_later_rows_keep_their_numbers(end: str) -> None:
    lines = ["Title,Context", f'"two{end}lines",x', f'"three{end}{end}lines",y', "after,z"]
    table = read_table(end.join(lines).encode() + end.encode())
    assert table.rows == ((f"two{end}lines", "x"), (f"three{end}{end}lines", "y"), ("after", "z"))
    assert table.numbers == (2, 3, 4)


def test_blank_rows_are_skipped_but_counted_as_a_spreadsheet_counts_them() -> None:
    table = read_table(b"Title,Owner\r\n\r\nfirst,ann\r\n,\r\n  ,  \r\nlast,bob\r\n\r\n")
    assert table.rows == (("first", "ann"), ("last", "bob"))
    assert table.numbers == (3, 6)


def test_header_names_are_stripped_and_values_kept_as_written() -> None:
    table = read_table(b"  Title , \xef\xbb\xbfOwner \n  padded  , x \n")
    assert table.header == ("Title", "Owner")
    assert table.rows == (("  padded  ", " x "),)


def test_doubled_quotes_and_separators_inside_quotes_are_one_value() -> None:
    table = read_table(b'Title,Owner\n"say ""hi"", then, go",ann\n')
    assert table.rows == (('say "hi", then, go', "ann"),)


def test_repeated_header_names_are_numbered_so_each_column_can_be_picked() -> None:
    # Jira repeats a column per value (Labels, Sprint, Watchers): the file must still read.
    table = read_table(b"Summary,Labels,Labels,labels,Labels (2)\nA,x,y,z,w\n")
    assert table.header == ("Summary", "Labels", "Labels (2)", "labels (3)", "Labels (2) (2)")
    assert len({n.casefold() for n in table.header}) == len(table.header)


def test_trailing_separators_and_empty_unnamed_columns_are_dropped() -> None:
    table = read_table(b"Title,,Owner,\nOne,,ann,\nTwo,,bob\n")
    assert table.header == ("Title", "Owner")
    assert table.rows == (("One", "ann"), ("Two", "bob"))


def test_hostile_corpus_round_trips_exactly() -> None:
    rows = [(p.text, p.name, p.text) for p in PAYLOADS]
    header = ("Title", "Key", "Context")
    for separator in csv_read.SEPARATORS:
        text = written(header, rows, delimiter=separator)
        for codec in ("utf-8", "utf-8-sig", "utf-16"):
            table = read_table(text.encode(codec))
            assert table.rows == tuple(rows), (separator, codec)
            # payloads hold line breaks, yet each is one row, numbered as in a spreadsheet
            assert table.numbers == tuple(range(2, len(rows) + 2))


def test_ten_thousand_rows_read_with_their_numbers() -> None:
    rows = [(f"Question {n}", f"K-{n}", f'line one\nline "two", {n}') for n in range(10_000)]
    table = read_table(written(("Title", "Key", "Context"), rows).encode())
    assert len(table.rows) == 10_000
    assert table.rows[-1] == tuple(rows[-1])
    assert table.numbers[-1] == 10_001


# --- refusals


@pytest.mark.parametrize("data", [b"", b"  \r\n\r\n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE])
def test_an_empty_file_is_refused(data: bytes) -> None:
    error = refused(data)
    assert where(error) == [0]
    assert "empty" in error.message
    assert "header row" in error.message


def test_a_file_with_only_a_header_is_refused() -> None:
    error = refused(b"\r\nTitle,Owner\r\n,\r\n")
    assert "header row (row 2) but no rows of data" in error.message
    assert "add the questions as rows" in error.message


def test_a_50_mb_file_is_refused_before_it_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_reached(*args: object) -> object:
        raise AssertionError("a file over the limit must not be decoded or parsed")

    monkeypatch.setattr(csv_read, "_decode", not_reached)
    monkeypatch.setattr(csv_read, "_parse", not_reached)
    error = refused(b"\x00" * (50 * 1024 * 1024))  # binary too: only its size is said
    assert where(error) == [0]
    assert error.lines() == [
        "The file is 50.0 MB; at most 20 MB can be imported at once: split it into smaller "
        "files (for example by project, or a few thousand rows each) and import each."
    ]


def test_a_file_at_the_size_limit_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"Title\nOne\n"
    monkeypatch.setattr(csv_read, "MAX_BYTES", len(data))
    assert read_table(data).rows == (("One",),)
    monkeypatch.setattr(csv_read, "MAX_BYTES", len(data) - 1)
    assert "split it into smaller files" in refused(data).message


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"PK\x03\x04\x14\x00[Content_Types].xml xl/workbook.xml", "Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "Excel workbook"),
        (b"PK\x03\x04mimetypeapplication/vnd.oasis.opendocument.spreadsheet", "OpenDocument"),
        (b"PK\x03\x04\x14\x00notes.csv", "ZIP archive"),
        (b"%PDF-1.7\n%\xe2\xe3", "This is a PDF"),
        (b"\x1f\x8b\x08\x00", "gzip"),
        (b"SQLite format 3\x00" + b"\x00\x01\x02" * 300, "not text"),
    ],
)
def test_a_binary_file_is_refused_with_what_it_is(data: bytes, says: str) -> None:
    error = refused(data)
    assert where(error) == [0]
    assert says in error.message


def test_an_excel_workbook_is_told_how_to_save_as_csv() -> None:
    error = refused(b"PK\x03\x04\x14\x00\x06\x00xl/worksheets/sheet1.xml")
    assert error.lines() == [
        "This is an Excel workbook, not a CSV: in Excel use File \u203a Save as \u203a "
        "CSV UTF-8 (comma delimited) and upload that file."
    ]


def test_utf16_read_as_another_encoding_is_told_to_choose_utf16() -> None:
    error = refused(written(HEADER, ROWS).encode("utf-16"), encoding="utf-8")
    assert "choose UTF-16" in error.message


def test_bytes_invalid_in_the_chosen_encoding_are_refused_by_row() -> None:
    data = written(HEADER, ROWS).encode("latin-1") + b"fine,ok,Open\n"
    error = refused(data, encoding="utf-8")
    assert where(error) == [2, 3]  # "Müller" and "Zoë" in Latin-1; row 4 is all ASCII
    line = error.lines()[0]
    assert line.startswith("Row 2: some bytes are not valid UTF-8")
    assert "choose Latin-1 / Windows-1252" in line


def test_invalid_bytes_in_a_header_name_are_row_1() -> None:
    error = refused(b"T\xeftle,Owner\nOne,ann\nTwo,b\xf6b\n", encoding="utf-8")
    assert where(error) == [1, 3]


def test_a_utf8_bom_with_invalid_bytes_is_refused_with_another_encoding_to_choose() -> None:
    error = refused(codecs.BOM_UTF8 + b"Title\nM\xfcller\n")
    assert where(error) == [2]
    assert "Latin-1" in error.message


def test_an_unterminated_quote_is_refused_at_the_row_it_opens() -> None:
    error = refused(b'Title,Owner\nOne,ann\n"Two, never closed,bob\nThree,cy\nFour,di\n')
    assert where(error) == [3]
    assert error.lines() == [
        "Row 3: a quoted value that begins here never ends: a closing double quote is "
        'probably missing (a quote inside a value must be doubled: "").'
    ]


def test_an_unterminated_quote_longer_than_the_csv_field_limit_is_found_too() -> None:
    body = b"\n".join(b"filler row %d,x" % n for n in range(20_000))
    error = refused(b'Title,Owner\nOne,ann\n"runaway,bob\n' + body)
    assert where(error) == [3]
    assert "closing double quote is probably missing" in error.message


def test_a_quote_inside_a_quoted_value_that_is_not_doubled_is_refused() -> None:
    error = refused(b'Title,Owner\n"He said "hi" to me",ann\nOk,bob\n')
    assert where(error) == [2]
    assert 'must be doubled ("")' in error.message


@pytest.mark.parametrize(("separator", "name"), [(",", "comma"), (";", "semicolon")])
def test_a_row_with_too_many_cells_names_the_unquoted_separator(separator: str, name: str) -> None:
    data = separator.join(["Title", "Owner"]) + "\nOne" + separator + "ann\n"
    data += separator.join(["Two", "three", "ann"]) + "\n"
    error = refused(data.encode())
    assert error.lines() == [
        f"Row 3: 3 cells, but the header names 2 — a value probably holds an unquoted "
        f"{name}: put that value in double quotes (or choose another separator if the file "
        "uses one)."
    ]


def test_a_row_with_too_few_cells_is_refused() -> None:
    error = refused(b"Title,Owner,Status\nOne,ann,Open\nTwo\nbroken,Open\n")
    assert where(error) == [3, 4]
    assert "1 cell, but the header names 3" in error.lines()[0]
    assert "put the value with the line break in double quotes" in error.lines()[1]


def test_an_unnamed_column_holding_values_is_refused_by_letter() -> None:
    error = refused(b"Title,,Owner\nOne,,ann\nTwo,x,bob\n")
    assert error.lines() == [
        "Column 2 (B) has no name in the header row but holds values (the first on row 3): "
        "give the column a name, or delete it."
    ]


def test_more_rows_than_allowed_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_read, "MAX_ROWS", 3)
    assert len(read_table(b"Title\n1\n2\n3\n").rows) == 3
    error = refused(b"Title\n1\n2\n3\n4\n")
    assert error.lines() == [
        "The file has 4 rows of data; at most 3 can be imported at once: split it into "
        "smaller files and import each."
    ]
    assert MAX_ROWS == 50_000


def test_every_problem_is_listed_at_once_in_row_order() -> None:
    data = (
        b"Title,,Owner\n"  # row 1: an unnamed column...
        b"One,x,ann\n"  # row 2: ...holding a value
        b"Two,,bob,extra\n"  # row 3: too many cells
        b"Three\n"  # row 4: too few
        b'"Four ""quoted"" ok",,cy\n'  # row 5: fine
        b'"Five "bad" quote",,di\n'  # row 6: an undoubled quote
        b'"Six, never closed,,ed\n'  # row 7: the quote never ends
    )
    error = refused(data)
    assert where(error) == [0, 3, 4, 6, 7]
    assert error.message.startswith("5 problems, the first: Column 2 (B) has no name")


def test_the_columns_module_reads_the_letters_a_spreadsheet_shows() -> None:
    assert [csv_read.column_letter(n) for n in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


def test_table_is_a_plain_frozen_value() -> None:
    table = read_table(b"Title\nOne\n")
    assert table == Table(("Title",), (("One",),), (2,), "utf-8", ",")
