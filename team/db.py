"""Engines, sessions and schema migrations. No streamlit here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, func, inspect, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlmodel import Session, col

from team import models
from team.vocabulary import Entity

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# The newest migration's revision. An app server whose database is already there starts
# without loading Alembic (a third of a second); a test keeps this equal to Alembic's head.
HEAD_REVISION = "0008"
# Any constant works; it only has to be the same for every app server of a deployment.
_PG_MIGRATION_LOCK = 80_17_2026


class DatabaseError(Exception):
    """The database cannot be used; the message says what to do."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


DRIVERS = {"sqlite": "pysqlite", "postgresql": "psycopg"}  # backend -> the driver we ship
EXAMPLES = "sqlite:///data/team.db or postgresql+psycopg://user:password@host:5432/name"


def check_url(url: str) -> URL:
    """``url`` parsed, or DatabaseError with the sentence that says what to change: a
    scheme this app has no driver for (psycopg2, asyncpg...), a port that is not a
    number, a SQLite file in a folder that does not exist (it is never created: a
    mistyped folder would silently start an empty database)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(
            f"database.url {url!r} is not a database URL; write one like {EXAMPLES}."
        ) from None
    except ValueError:
        raise DatabaseError(
            f"database.url has a port that is not a number; write one like {EXAMPLES}."
        ) from None
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if DRIVERS.get(backend) != driver:
        raise DatabaseError(
            f"database.url starts with {parsed.drivername}://, which this app cannot use: it "
            "reaches SQLite with sqlite:/// and PostgreSQL through psycopg 3 with "
            "postgresql+psycopg://; change the start of the URL."
        )
    if backend == "sqlite" and parsed.database and not parsed.database.startswith(":memory:"):
        folder = Path(parsed.database).parent
        if not folder.is_dir():
            raise DatabaseError(
                f"The folder {folder} of the SQLite database does not exist; create it, or "
                "correct database.url in config.yaml (or TEAM_DATABASE_URL)."
            )
    return parsed


def shown(url: URL | str) -> str:
    """``url`` as it may be shown: any password hidden."""
    return make_url(url).render_as_string(hide_password=True)


def unreachable(url: URL | str, exc: BaseException) -> str:
    """The one sentence for a database that cannot be reached (the driver's reason, its
    first line only)."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    why = f" ({reason[0].strip()})" if reason else ""
    return (
        f"Cannot reach the database at {shown(url)}{why}; check that it is running and "
        "database.url in config.yaml (or TEAM_DATABASE_URL), then try again."
    )


def make_engine(url: str) -> Engine:
    """An engine for ``url`` (checked first: DatabaseError says what is wrong with it).
    SQLite gets WAL, a busy timeout and foreign keys."""
    parsed = check_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One session for one interaction; rolled back if anything raises."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _alembic_config(engine: Engine) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    """The head of the migration scripts, as Alembic reads them."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config(make_engine("sqlite://"))).get_current_head()
    assert head is not None
    return head


def search_index_part(name: str | None, type_: str) -> bool:
    """True for what the search index adds beside the models (migration 0004): the
    ``<table>_fts`` tables (on SQLite FTS5 tables, with their shadow tables). Schema
    comparisons leave them out (Alembic's ``include_name``)."""
    return type_ == "table" and name is not None and "_fts" in name


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None before the first migration."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        version: str | None = conn.scalar(text("SELECT version_num FROM alembic_version"))
        return version


def _migrate(engine: Engine) -> None:
    from alembic import command

    if current_revision(engine) != HEAD_REVISION:
        command.upgrade(_alembic_config(engine), "head")


def upgrade(engine: Engine) -> None:
    """Apply every pending migration. On PostgreSQL an advisory lock makes concurrent
    app servers wait for each other instead of racing."""
    try:
        if current_revision(engine) == HEAD_REVISION:
            return
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                conn.exec_driver_sql(f"SELECT pg_advisory_lock({_PG_MIGRATION_LOCK})")
                try:
                    _migrate(engine)  # another server may have done it meanwhile
                finally:
                    conn.exec_driver_sql(f"SELECT pg_advisory_unlock({_PG_MIGRATION_LOCK})")
                    conn.commit()
        else:
            _migrate(engine)
    except OperationalError as exc:
        raise DatabaseError(unreachable(engine.url, exc)) from None


def check_schema(engine: Engine) -> None:
    """Raise DatabaseError unless the database is at the latest migration."""
    try:
        current = current_revision(engine)
    except OperationalError as exc:
        raise DatabaseError(unreachable(engine.url, exc)) from None
    if current != HEAD_REVISION:
        raise DatabaseError(
            "The database schema is not up to date; run `team db upgrade` (or `make run`)."
        )


def is_empty(session: Session) -> bool:
    """True when no person, project or question exists yet."""
    for table in (models.Person, models.Project, models.Question):
        if session.scalar(select(func.count()).select_from(table)):
            return False
    return True


ANY_KIND = "*"  # data_versions' key for the newest event of any kind


def data_versions(session: Session) -> dict[str, int]:
    """The newest event id of each kind of thing (``Entity``), and of any kind at all
    (``ANY_KIND``); 0 where there is none. Every change writes an event, so these move
    on every write, kind by kind. One statement; each maximum is one step down an index
    (event (entity, id), and the primary key)."""
    event = models.Event
    newest = [
        select(func.max(event.id)).where(col(event.entity) == kind.value).scalar_subquery()
        for kind in Entity
    ]
    row = session.execute(select(*newest, select(func.max(event.id)).scalar_subquery())).one()
    keys = [kind.value for kind in Entity] + [ANY_KIND]
    return {key: int(value or 0) for key, value in zip(keys, row, strict=True)}
