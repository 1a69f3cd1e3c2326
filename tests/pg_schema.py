"""A PostgreSQL schema of its own, empty (not one table), for the tests where app
servers start from nothing and migrate at once; and a hold on the app's migration lock,
so a test knows that both servers came to it at the same time.

The schema sits beside the migrated ``public`` one the other tests of the session
share; the app reaches it through its URL alone (libpq's ``options`` setting the
``search_path``), as any deployment could."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Connection
from sqlalchemy.engine import make_url

from team import db
from tests.conftest import POSTGRES_URL, skip_or_fail

# Rows of pg_locks of a session waiting for the app's migration lock in this database
# (a bigint advisory key shows as classid = high half, objid = low half, objsubid = 1).
_WAITERS = f"""
SELECT count(*) FROM pg_locks
WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1
  AND classid = {db._PG_MIGRATION_LOCK >> 32} AND objid = {db._PG_MIGRATION_LOCK & 0xFFFFFFFF}
  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


@contextmanager
def empty_schema(prefix: str) -> Iterator[str]:
    """The URL of a new, empty schema of the test database; dropped when the block
    ends (stop whatever connects to it first)."""
    if not POSTGRES_URL:
        skip_or_fail("TEAM_TEST_POSTGRES_URL is not set (.ci/run starts a PostgreSQL)")
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = db.make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={name}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')
        admin.dispose()


@contextmanager
def migration_lock_held(url: str) -> Iterator[Connection]:
    """Hold the lock app servers take to migrate (as one busy migrating would) until the
    block ends; yields the connection holding it (see :func:`wait_for_waiters`)."""
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f"SELECT pg_advisory_lock({db._PG_MIGRATION_LOCK})")
            try:
                yield conn
            finally:
                conn.exec_driver_sql(f"SELECT pg_advisory_unlock({db._PG_MIGRATION_LOCK})")
                conn.commit()
    finally:
        engine.dispose()


def lock_waiters(conn: Connection) -> int:
    """How many sessions wait for the migration lock now."""
    return int(conn.exec_driver_sql(_WAITERS).scalar_one())


def wait_for_waiters(conn: Connection, count: int, *, timeout: float) -> None:
    """Wait until ``count`` sessions wait for the migration lock, or fail after
    ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while (waiting := lock_waiters(conn)) < count:
        if time.monotonic() > deadline:
            pytest.fail(
                f"{waiting} of {count} app servers came to wait for the migration lock "
                f"within {timeout:.0f} s"
            )
        time.sleep(0.1)
