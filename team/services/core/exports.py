"""Lists that leave the app as CSV, safe in a spreadsheet: a cell that would start a
formula (``=``, ``+``, ``-``, ``@``, a tab or a carriage return first) is prefixed with an
apostrophe, so a spreadsheet shows it as text instead of running it; an empty value is
an empty cell; a timestamp is ISO 8601."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(header: Sequence[str], rows: Iterable[Iterable[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return out.getvalue()
