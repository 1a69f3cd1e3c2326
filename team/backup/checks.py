"""The checks across the records of an import file, made while the file streams past
(pass one of an import): ids unique in their table, unique columns unique, every
reference pointing at a record in the file, and question trees that are trees. What is
kept is small: the ids and unique values seen, each referenced value once (with the
first record referring to it), and the deferred foreign keys of each record (rules.py:
the second pass sets them once every row is in; the questions' also make the trees)."""

from __future__ import annotations

from team.backup.rules import Row, TableSpec, record, table_specs
from team.services.core.errors import InvalidInput
from team.services.questions.rules import chain_problem


def _an(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


class Checker:
    """Feed it every record of the file (:meth:`add`), then :meth:`finish`."""

    def __init__(self) -> None:
        self.specs = {spec.name: spec for spec in table_specs()}
        self.ids: dict[str, set[object]] = {name: set() for name in self.specs}
        self.unique: dict[tuple[str, tuple[str, ...]], dict[tuple[object, ...], object]] = {
            (spec.name, columns): {} for spec in self.specs.values() for columns in spec.unique
        }
        # (table, column) -> {value referred to: key of the first record referring to it}
        self.refs: dict[tuple[str, str], dict[object, object]] = {
            (spec.name, c.name): {}
            for spec in self.specs.values()
            for c in spec.columns.values()
            if c.references
        }
        # table -> its foreign-key columns, each with the values seen in it
        self.refs_of: dict[str, tuple[tuple[str, dict[object, object]], ...]] = {
            name: tuple(
                (column, seen) for (table, column), seen in self.refs.items() if table == name
            )
            for name in self.specs
        }
        # table -> {key: its deferred foreign keys, in spec.deferred order}, in file order
        self.deferred: dict[str, dict[int, tuple[int | None, ...]]] = {
            spec.name: {} for spec in self.specs.values() if spec.deferred
        }

    def add(self, table: str, index: int, value: object) -> None:
        spec = self.specs[table]
        row = record(spec, index, value)
        key = row[spec.key]
        if key in self.ids[table]:
            raise InvalidInput(
                f"{table} #{key}: another {table} in the file has the same {spec.key}; ids "
                "must be unique."
            )
        self.ids[table].add(key)
        self._unique(spec, row, key)
        for column, seen in self.refs_of[table]:
            if row[column] is not None:
                seen.setdefault(row[column], key)
        if spec.deferred:
            self.deferred[table][key] = tuple(row[c] for c in spec.deferred)

    def _unique(self, spec: TableSpec, row: Row, key: object) -> None:
        for columns in spec.unique:
            value = tuple(row[c] for c in columns)
            if None in value:
                continue
            owners = self.unique[(spec.name, columns)]
            if value in owners:
                shown = value[0] if len(value) == 1 else value
                raise InvalidInput(
                    f"{spec.name} #{key}: {', '.join(columns)} {shown!r} is already used by "
                    f"{spec.name} #{owners[value]}; it must be unique."
                )
            owners[value] = key

    def finish(self) -> dict[str, int]:
        """Check what needs the whole file; rows per table."""
        for spec in self.specs.values():
            for column in spec.columns.values():
                if column.references is None:
                    continue
                known = self.ids[column.references[0]]
                for value, key in self.refs[(spec.name, column.name)].items():
                    if value not in known:
                        raise InvalidInput(
                            f"{spec.name} #{key}: {column.name} {value} refers to "
                            f"{_an(column.references[0])} that is not in the file."
                        )
        self._trees()
        return {name: len(ids) for name, ids in self.ids.items()}

    def _trees(self) -> None:
        """Every question's chain of parents is a path of a tree ending at its root_id."""
        columns = self.specs["question"].deferred
        parent_at, root_at = columns.index("parent_id"), columns.index("root_id")
        questions = self.deferred["question"]
        parents = {key: links[parent_at] for key, links in questions.items()}
        for question_id, links in questions.items():
            problem = chain_problem(question_id, parents, links[root_at])
            if problem is not None:
                raise InvalidInput(f"question #{question_id}: {problem}; nothing was imported.")
