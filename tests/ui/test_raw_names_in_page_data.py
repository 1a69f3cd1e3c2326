"""No raw vocabulary name in what any page sends to the browser, as a manager, an IC and a
viewer of the demo team see it: every text, label, help, placeholder and option (closed
select boxes, closed expanders, popovers and every tab included), every cell of every
table (the rows a grid keeps out of sight included), the text of the tree diagram, and
the data behind every chart's encodings (legend, colour, axes, facets, tooltips) with
its scales' domains and titles. tests/e2e/test_visible_words.py reads the rendered pages
and the files their download buttons give."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Dataframe, Node

from team.ui.navigation import page_names_for
from team.vocabulary import Role
from tests.raw_words import raw_names_in
from tests.ui.conftest import assert_no_exception
from tests.ui.conftest import first_of as _first

ROLES = (Role.MANAGER, Role.IC, Role.VIEWER)
STOPS = [(name, role) for role in ROLES for name in page_names_for(role)]
# The fields of an element's message that a person reads.
READ = frozenset({"body", "label", "help", "placeholder", "options", "text", "caption"})
LINK_TARGET = re.compile(r"\]\([^)]*\)")  # a Markdown link's address is not read


def _nodes(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, Block):
        for child in node.children.values():
            yield from _nodes(child)


def _is_message(value: Any) -> bool:
    return hasattr(value, "ListFields")  # a protobuf message


def _read(message: Any) -> Iterator[str]:
    """The strings of ``message`` (and the messages in it) that a person reads."""
    for descriptor, value in message.ListFields():
        if descriptor.message_type is not None:
            items = value if descriptor.is_repeated else [value]
            for item in items:
                if _is_message(item):
                    yield from _read(item)
        elif descriptor.name in READ:
            for text in value if descriptor.is_repeated else [value]:
                if isinstance(text, str):
                    yield LINK_TARGET.sub("]", text)


def _frame_texts(frame: pd.DataFrame) -> Iterator[tuple[str, str]]:
    for column in frame.columns:
        for value in frame[column].dropna().astype(str).unique():
            yield f"table column {column}", value


def _chart_texts(proto: Any, index: int) -> Iterator[tuple[str, str]]:
    """The values of every field a chart encodes (legend, colour, axis, facet, tooltip),
    its scales' domains, its axis and legend values and its titles."""
    spec = json.loads(proto.spec)
    frames = [convert_arrow_bytes_to_pandas_df(d.data.data) for d in proto.datasets]
    if proto.data.data:
        frames.append(convert_arrow_bytes_to_pandas_df(proto.data.data))
    fields: set[str] = set()
    where = f"chart {index + 1}"

    def walk(node: Any, key: str = "") -> Iterator[tuple[str, str]]:
        if isinstance(node, dict):
            if isinstance(node.get("field"), str):
                fields.add(node["field"])
            for k, v in node.items():
                yield from walk(v, k)
        elif isinstance(node, list):
            if key == "values" and node and all(isinstance(v, dict) for v in node):
                frames.append(pd.DataFrame(node))  # rows given in the spec itself
                return
            for item in node:
                if key in {"domain", "values"} and isinstance(item, str):
                    yield f"{where}, scale or axis {key}", item
                else:
                    yield from walk(item, key)
        elif isinstance(node, str) and key in {"title", "text"}:
            yield f"{where}, title", node

    yield from list(walk(spec))  # (walks it all first: the fields are known after)
    for frame in frames:
        for field in sorted(fields & set(frame.columns)):
            for value in frame[field].dropna().astype(str).unique():
                yield f"{where}, field {field}", value


def _texts(at: AppTest) -> Iterator[tuple[str, str]]:
    """(where, text) for everything the run sent that a person may read."""
    charts = 0
    for node in _nodes(at._tree):
        kind = getattr(node, "type", "")
        proto = getattr(node, "proto", None)
        if kind == "html" or proto is None:
            continue  # the app's style rules
        if kind == "vega_lite_chart":
            yield from _chart_texts(proto, charts)
            charts += 1
        elif kind == "graphviz_chart":
            yield "tree diagram", proto.spec
        elif isinstance(node, Dataframe):
            yield from _frame_texts(node.value)
        elif _is_message(proto):
            label = getattr(proto, "label", "")
            where = (kind or type(node).__name__.lower()) + (f" “{label}”" if label else "")
            for text in _read(proto):
                yield where, text


@pytest.mark.parametrize(("page", "role"), STOPS, ids=[f"{p}-{r.value}" for p, r in STOPS])
def test_no_raw_name_in_what_a_page_sends(
    demo_engine: Engine, open_app: Callable[..., AppTest], page: str, role: Role
) -> None:
    at = open_app(_first(demo_engine, role), page)
    assert_no_exception(at)
    found: dict[tuple[str, str], list[str]] = {}
    for where, text in _texts(at):
        for name, around in raw_names_in(text):
            found.setdefault((where, name), []).append(around)
    lines = [
        f"- {name} in {where} ({len(arounds)}): " + "; ".join(f"“{a}”" for a in arounds[:3])
        for (where, name), arounds in found.items()
    ]
    assert not found, f"Raw names on {page} as {role.value}:\n" + "\n".join(lines)
