"""The migrated schema equals the models (no drift), on SQLite and PostgreSQL, upgrading
again keeps the data, and two servers migrating an empty PostgreSQL at once take turns."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select
from sqlmodel import Session, SQLModel

from team import db
from team.models import TABLES, Person
from team.vocabulary import Role
from tests.pg_schema import empty_schema, migration_lock_held, wait_for_waiters


def test_migrated_schema_matches_models(engine: Engine) -> None:
    with engine.connect() as conn:
        opts = {
            "compare_type": True,
            # the search index (migration 0004) lives beside the models, not in them
            "include_name": lambda name, type_, _parents: not db.search_index_part(name, type_),
        }
        context = MigrationContext.configure(conn, opts=opts)
        assert compare_metadata(context, SQLModel.metadata) == []


def test_every_model_table_exists(engine: Engine) -> None:
    names = set(inspect(engine).get_table_names())
    assert {t.__tablename__ for t in TABLES} <= names


def test_upgrade_is_idempotent_and_keeps_data(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Person(name="Maya", email="maya@example.com", role=Role.MANAGER))
        session.commit()
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
    with Session(engine) as session:
        assert [p.email for p in session.scalars(select(Person))] == ["maya@example.com"]


def test_the_head_the_app_starts_from_is_alembics_head() -> None:
    # A new migration must move HEAD_REVISION too, or app servers would skip it.
    assert db.head_revision() == db.HEAD_REVISION


def test_a_database_behind_the_head_is_upgraded_when_the_app_starts(engine: Engine) -> None:
    from alembic import command

    command.downgrade(db._alembic_config(engine), "0002")
    assert db.current_revision(engine) == "0002"
    db.upgrade(engine)
    assert db.current_revision(engine) == db.HEAD_REVISION


def test_sqlite_pragmas(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_unreachable_database_is_a_clear_sentence() -> None:
    engine = db.make_engine("postgresql+psycopg://nobody:x@127.0.0.1:1/none")
    with pytest.raises(db.DatabaseError) as caught:
        db.upgrade(engine)
    message = str(caught.value)
    assert "Cannot reach the database" in message
    assert "TEAM_DATABASE_URL" in message
    assert "x@" not in message  # the password is not shown


# Two app servers as two processes: each upgrades its own engine, as resources.py does on
# a server's first page run.
_UPGRADE = "import sys; from team import db; db.upgrade(db.make_engine(sys.argv[1]))"


@pytest.mark.postgres
def test_two_servers_upgrading_an_empty_postgresql_at_once_take_turns() -> None:
    root = Path(__file__).resolve().parents[1]
    with empty_schema("race") as url:
        servers: list[subprocess.Popen[bytes]] = []
        try:
            with migration_lock_held(url) as lock:
                for _ in range(2):
                    servers.append(
                        subprocess.Popen(
                            [sys.executable, "-c", _UPGRADE, url],
                            cwd=root,
                            stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT,
                        )
                    )
                # Both found no table and now wait their turn at the same moment.
                wait_for_waiters(lock, 2, timeout=60)
            outputs = [p.communicate(timeout=120)[0].decode(errors="replace") for p in servers]
        finally:
            for process in servers:
                if process.poll() is None:
                    process.kill()
                    process.wait(timeout=10)
        assert [p.returncode for p in servers] == [0, 0], outputs
        assert not any("Traceback" in out for out in outputs), outputs
        engine = db.make_engine(url)
        try:
            assert db.current_revision(engine) == db.HEAD_REVISION
            with engine.connect() as conn:
                assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1
            assert {t.__tablename__ for t in TABLES} <= set(inspect(engine).get_table_names())
        finally:
            engine.dispose()
