"""The databases the benchmark fills: a fresh SQLite file per size, or one database
given by URL that is wiped and refilled for each size in turn (only when it is empty
or the user confirmed)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, inspect, select, table
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import SQLModel

from team import db
from team.services.search.kinds import SOURCES

ALEMBIC_TABLE = "alembic_version"


class BenchError(Exception):
    """The benchmark cannot run; the message says what to do."""


def sqlite_url(folder: Path, size_name: str) -> str:
    return f"sqlite:///{folder / f'bench-{size_name}.db'}"


def _is_blank(engine: Engine) -> bool:
    """True when the database has no tables, or only this app's tables with no rows."""
    ours = set(SQLModel.metadata.tables)
    with engine.connect() as conn:
        for name in inspect(conn).get_table_names():
            if name == ALEMBIC_TABLE or db.search_index_part(name, "table"):
                continue  # the index of empty tables is empty (FTS5 keeps a few rows)
            if name not in ours:
                return False
            if conn.scalar(select(func.count()).select_from(table(name))):
                return False
    return True


# The search index beside the tables (migration 0004): a ``<table>_fts`` table per
# searched table; on PostgreSQL, its trigger's function and the folding function.
SEARCH_TABLES = tuple(f"{source.table}_fts" for source in SOURCES)
POSTGRES_FUNCTIONS = ("team_fold(text)", *(f"team_{name}()" for name in SEARCH_TABLES))


def _wipe(engine: Engine) -> None:
    """Drop this app's tables with their search index, its functions and its migration
    stamp; nothing else is touched."""
    postgres = engine.dialect.name == "postgresql"
    cascade = " CASCADE" if postgres else ""
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    names = [*SEARCH_TABLES, *tables, ALEMBIC_TABLE]
    quote = engine.dialect.identifier_preparer.quote
    with engine.begin() as conn:
        for name in names:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {quote(name)}{cascade}")
        for function in POSTGRES_FUNCTIONS if postgres else ():
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {function}")


def prepare(url: str, *, confirmed: bool) -> Engine:
    """An engine over ``url`` holding the app's schema and no rows.

    Refuses a database that holds anything unless ``confirmed``, since its tables are
    dropped."""
    engine = db.make_engine(url)
    try:
        if not _is_blank(engine) and not confirmed:
            raise BenchError(
                f"The database at {db.shown(url)} is not empty and the benchmark would wipe "
                "it; pass --yes to wipe it, or give the URL of an empty database."
            )
        _wipe(engine)
        db.upgrade(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise BenchError(
            f"Cannot prepare the database at {db.shown(url)} ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0]}); check the URL and that the user may create tables."
        ) from None
    except db.DatabaseError as exc:
        engine.dispose()
        raise BenchError(str(exc)) from None
    except BenchError:
        engine.dispose()
        raise
    return engine


def settle(engine: Engine) -> None:
    """Give PostgreSQL's planner the statistics a live database has (autovacuum analyzes
    a table soon after much of it changed): right after the bulk write, the first pages
    measured would otherwise be planned blind, and later ones not (autovacuum gets there
    in the middle of the run). SQLite keeps statistics only when the app runs ANALYZE,
    which it does not, so its files are left as they are."""
    if engine.dialect.name != "postgresql":
        return
    quote = engine.dialect.identifier_preparer.quote
    tables = [t.name for t in SQLModel.metadata.sorted_tables]
    names = ", ".join(quote(name) for name in [*tables, *SEARCH_TABLES])
    with engine.begin() as conn:
        conn.exec_driver_sql(f"ANALYZE {names}")
