"""The one shape services hand out: frozen dataclasses of plain values ("views"), never a
live row. A view of a table row is read field by field from the row's attributes of the
same names, vocabularies made their enums (the tables store them as short strings)."""

from __future__ import annotations

import dataclasses
import functools
import types
from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

V = TypeVar("V")
Convert = Callable[[Any], Any] | None


def _enum_of(annotation: Any) -> type[Enum] | None:
    """The enum of ``E`` or ``E | None``, else None."""
    if get_origin(annotation) in (Union, types.UnionType):
        found = [a for a in get_args(annotation) if a is not type(None)]
        annotation = found[0] if len(found) == 1 else None
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return annotation
    return None


@functools.cache
def _fields(cls: type[Any]) -> tuple[tuple[str, Convert], ...]:
    hints = get_type_hints(cls)
    return tuple((f.name, _enum_of(hints[f.name])) for f in dataclasses.fields(cls))


def view_of(cls: Callable[..., V], row: object, **given: Any) -> V:
    """``cls`` (a dataclass) filled from ``row``'s attributes; ``given`` values are taken
    as they are instead (names, titles and counts read with the row)."""
    values: dict[str, Any] = {}
    for name, enum in _fields(cls):
        if name in given:
            values[name] = given[name]
            continue
        value = getattr(row, name)
        values[name] = enum(value) if enum is not None and value is not None else value
    return cls(**values)
