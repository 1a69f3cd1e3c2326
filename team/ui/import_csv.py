"""Import questions from a CSV: upload, see how it was read, map its columns (guessed
from the header names), check it (a dry run listing every problem by row), import."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from team.services.admin.reads import PersonView
from team.services.imports import columns
from team.services.imports.columns import Column, Mapping
from team.services.imports.csv_plan import Choices, import_csv, plan_csv
from team.services.imports.csv_read import ENCODINGS, MAX_BYTES, SEPARATORS, Table, read_table
from team.services.imports.plan import Plan
from team.services.imports.problems import ImportRefused
from team.ui import imports, reads
from team.ui.imports import Where, upload_limit

TABLE = "imp_csv_table"  # session key: ((file digest, encoding, separator), Table | None)
PLAN = "imp_csv_plan"  # session key: (what was checked, its plan)
MAPPED = "imp_csv_mapping"  # session key: (file and header digest, {field: column picked})
ORDERS = {"": "As the dates tell (day first if they don't)", "dmy": "Day first: 20/12/2026",
          "mdy": "Month first: 12/20/2026"}  # fmt: skip
SAMPLE_ROWS = 5
NOT_IMPORTED = -1  # the mapping pickers' "(not imported)"


def form(person: PersonView, where: Where) -> None:
    limit = upload_limit(MAX_BYTES)
    upload = st.file_uploader(
        f"CSV file (Jira, Linear, GitHub issues, a sheet; up to {limit} MB)",
        type=["csv", "tsv", "txt"],
        key="imp_csv_file",
        max_upload_size=limit,
    )
    if upload is None:
        st.caption(
            "Export the issues of your tracker as CSV, or save a sheet as CSV. Rows name "
            "their parent by its key; importing the same file again updates the questions "
            "it made instead of adding them twice."
        )
        return
    data = upload.getvalue()
    encoding, separator, order = _reading()
    digest = hashlib.sha256(data).hexdigest()[:16]
    table = _table(data, digest, encoding, separator)
    if table is None:
        return
    st.caption(
        f"Read as {ENCODINGS[table.encoding]}, separated by {SEPARATORS[table.separator]}s: "
        f"{len(table.rows):,} rows, {len(table.header)} columns."
    )
    st.dataframe(_sample(table), hide_index=True, key="imp_csv_sample")
    mapping = _mapping(table, digest)
    choices = Choices(mapping, order, columns.id_column(table.header, mapping))
    asked = (digest, encoding, separator, order, tuple(sorted(mapping.items())), where)
    if st.button("Check the file (dry run)", key="imp_csv_check", icon=":material/rule:"):
        st.session_state[PLAN] = (asked, _plan(person, table, choices, where))
    shown = st.session_state.get(PLAN)
    if shown is None or shown[0] != asked or not isinstance(shown[1], Plan):
        return
    plan: Plan = shown[1]
    imports.preview(plan, {p.id: p.name for p in reads.all_people()})
    if st.button(
        f"Import {len(plan.items):,} row{'s' if len(plan.items) != 1 else ''}",
        type="primary",
        key="imp_csv_import",
    ):
        _import(person, table, choices, where)


def _reading() -> tuple[str | None, str | None, str | None]:
    """How to read the file: its encoding, separator and date order (None: detect).
    "Detect" is an option of its own (""), not None: Streamlit draws a None value as a
    clearable box, and a cleared one as "Choose an option"."""
    c1, c2, c3 = st.columns(3)
    encoding = c1.selectbox(
        "Encoding",
        ["", *ENCODINGS],
        format_func=_encoding_label,
        key="imp_csv_encoding",
    )
    separator = c2.selectbox(
        "Separator",
        ["", *SEPARATORS],
        format_func=_separator_label,
        key="imp_csv_separator",
    )
    order = c3.selectbox(
        "Dates like 03/04/2026",
        list(ORDERS),
        format_func=ORDERS.__getitem__,
        key="imp_csv_dates",
    )
    return encoding or None, separator or None, order or None


def _encoding_label(code: str) -> str:
    return ENCODINGS[code] if code else "Detect"


def _separator_label(separator: str) -> str:
    return SEPARATORS[separator].capitalize() if separator else "Detect"


def _table(data: bytes, digest: str, encoding: str | None, separator: str | None) -> Table | None:
    """The file read (kept for the session while the file and choices stay), or None
    with its problems shown."""
    asked = (digest, encoding, separator)
    kept = st.session_state.get(TABLE)
    if kept is None or kept[0] != asked:
        try:
            kept = (asked, read_table(data, encoding=encoding, separator=separator))
        except ImportRefused as exc:
            kept = (asked, exc)
        st.session_state[TABLE] = kept
    if isinstance(kept[1], ImportRefused):
        imports.refused(kept[1])
        return None
    return kept[1]


def _sample(table: Table) -> pd.DataFrame:
    return pd.DataFrame(list(table.rows[:SAMPLE_ROWS]), columns=list(_headers(table)))


def _headers(table: Table) -> list[str]:
    return [name or f"(column {i + 1})" for i, name in enumerate(table.header)]


def _mapping(table: Table, digest: str) -> Mapping:
    """A picker per field, starting from the guess; {field: column index}.

    The pickers are drawn with ``index=`` the choice so far (kept under MAPPED, not in
    the widgets' own state): a picker that leaves the page for a run (a file replaced,
    an encoding that fails) comes back showing what the server holds. Seeded through
    session state instead, it came back on the browser's first option while the
    server kept the guess, and the next click sent "(not imported)" for every field.
    "Not imported" is an option of its own (-1): a None value shows Streamlit's
    "Choose an option" placeholder, as if a choice were still missing."""
    sheet = hashlib.sha256("\x1f".join([digest, *table.header]).encode()).hexdigest()[:16]
    kept = st.session_state.get(MAPPED)
    picks: dict[Column, int] = dict(kept[1]) if kept and kept[0] == sheet else {}
    guessed = columns.guess_mapping(table.header)
    names = _headers(table)
    options = [NOT_IMPORTED, *range(len(names))]
    st.markdown("**Which column holds what**")
    fields = list(Column)
    for start in range(0, len(fields), 3):  # a row of three: stacked, they keep their order
        for cell, column in zip(st.columns(3), fields[start : start + 3], strict=False):
            current = picks.get(column, guessed.get(column, NOT_IMPORTED))
            picks[column] = cell.selectbox(
                column.label,
                options,
                index=options.index(current) if current in options else 0,
                format_func=lambda i: "(not imported)" if i == NOT_IMPORTED else names[i],
                key=f"imp_map_{column.value}_{sheet}",
            )
    st.session_state[MAPPED] = (sheet, picks)
    return {c: i for c, i in picks.items() if i is not None and i != NOT_IMPORTED}


def _plan(person: PersonView, table: Table, choices: Choices, where: Where) -> Plan | None:
    return imports.checked(
        lambda session: plan_csv(
            session,
            person.id,
            table=table,
            choices=choices,
            under_id=where.under_id,
            project_id=where.project_id,
            techniques=imports.techniques(),
        )
    )


def _import(person: PersonView, table: Table, choices: Choices, where: Where) -> None:
    result = imports.run(
        lambda session, tick: import_csv(
            session,
            person.id,
            table=table,
            choices=choices,
            under_id=where.under_id,
            project_id=where.project_id,
            techniques=imports.techniques(),
            progress=tick,
        ),
        total=len(table.rows),
        key="imp_csv",
    )
    if result is not None:
        st.session_state.pop(PLAN, None)
        imports.finished(result, where)
