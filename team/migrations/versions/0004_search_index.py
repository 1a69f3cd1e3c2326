"""Full-text search over every text the team writes.

- SQLite: one FTS5 table per searched table, external content (the text stays in the
  table; the index holds only its words), kept in step by insert, delete and update
  triggers; the unicode61 tokenizer folds case and accents, and prefix indexes of 2 and 3
  characters make ``word*`` cheap. Existing rows are indexed by a rebuild.
- PostgreSQL: one ``<table>_fts`` table per searched table holding each row's words as
  a tsvector with a GIN index, kept in step by an insert-or-update trigger (a delete
  goes with the row, by the foreign key), filled for the rows already there. (Not a
  stored column: it would double the width of the searched rows.) ``team_fold`` folds
  case and accents with ``translate`` (the ``unaccent`` extension needs a superuser on
  many servers; plain ASCII text skips it) and turns the punctuation that makes the
  parser see URLs, e-mail addresses, paths and hyphenated words into spaces, so a
  link's words are found like any other. On a UTF-8 database it first composes a
  letter typed with a combining accent (``e`` + U+0301) into one. Queries fold the same
  way.

Nothing is dropped; the downgrade removes only what this adds.

Revision ID: 0004
Revises: 0003
"""

import re
import unicodedata
from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> (column, PostgreSQL weight) in order; links is JSON, searched as its text.
SEARCHED: dict[str, tuple[tuple[str, str], ...]] = {
    "question": (("title", "A"), ("context", "B")),
    "finding": (("summary", "A"), ("body", "B"), ("links", "C")),
    "answer": (("body", "B"),),
    "note": (("body", "B"),),
    "review_request": (("focus", "A"), ("artifact_url", "C")),
    "one_on_one": (("notes", "B"),),
    "track_note": (("track", "A"), ("body", "B")),
    "action_item": (("description", "A"),),
}
# The characters the PostgreSQL parser joins words with (URLs, hosts, e-mails, paths,
# hyphenated words, numbers with a point, tags and entities).
JOINERS = "/\\.@:-_<>&;=?#%+~'\"|*^!,()[]{}`$"


def _accent_map() -> tuple[str, str]:
    """Every Latin letter with an accent (U+00C0..U+024F, U+1E00..U+1EFF) and the
    lower-case letter without it."""
    accented, plain = [], []
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        base = unicodedata.normalize("NFD", char.lower())
        marks = base[1:]
        if (
            marks
            and base[0].isascii()
            and base[0].isalpha()
            and all(unicodedata.combining(c) for c in marks)
        ):
            accented.append(char)
            plain.append(base[0])
    return "".join(accented), "".join(plain)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sqlite_upgrade() -> None:
    for table, columns in SEARCHED.items():
        names = [c for c, _ in columns]
        cols = ", ".join(names)
        new = ", ".join(f"new.{c}" for c in names)
        old = ", ".join(f"old.{c}" for c in names)
        fts = f"{table}_fts"
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
        )
        insert = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new});"
        delete = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old});"
        op.execute(f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END")
        op.execute(f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END")
        op.execute(
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {cols} ON {table} BEGIN {delete} {insert} END"
        )
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def _postgres_upgrade() -> None:
    accented, plain = _accent_map()
    text = "$1"
    encoding = op.get_bind().exec_driver_sql("SHOW server_encoding").scalar()
    if encoding == "UTF8":  # letters typed as a letter plus a combining accent
        text = "normalize($1, NFC)"
    joiners = "[" + re.sub(r"([\]\[\\^-])", r"\\\1", JOINERS) + "]+"
    # translate() compares every character with every one of its list: plain ASCII
    # text (most text; the same length in bytes as in characters) skips it, which
    # makes building the index at the benchmark's large size eight times faster.
    sql = (
        "CREATE FUNCTION team_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE "
        "AS $$ SELECT regexp_replace(CASE WHEN octet_length($1) = char_length($1) "
        f"THEN lower($1) ELSE translate(lower({text}), {_literal(accented)}, "
        f"{_literal(plain)}) END, {_literal(joiners)}, ' ', 'g') $$"
    )
    # Straight to the driver, which reads '%' as a placeholder unless doubled (and
    # SQLAlchemy would read ':' as one).
    op.get_bind().exec_driver_sql(sql.replace("%", "%%"))
    for table, columns in SEARCHED.items():
        _postgres_index(table, columns)


def _words(row: str, columns: tuple[tuple[str, str], ...]) -> str:
    """The weighted words of ``row``'s searched columns, as a tsvector expression."""
    return " || ".join(
        f"setweight(to_tsvector('simple'::regconfig, team_fold(coalesce("
        f"{row}.{column}{'::text' if column == 'links' else ''}, ''))), '{weight}')"
        for column, weight in columns
    )


def _postgres_index(table: str, columns: tuple[tuple[str, str], ...]) -> None:
    """``<table>_fts``: each row's words, kept in step by a trigger (a delete goes by
    the foreign key), then filled for the rows already there. A table of its own, as on
    SQLite: a stored column would double the width of the searched rows, and every page
    reading many of them (Needs my attention, at the large size) would read twice the
    pages."""
    fts = f"{table}_fts"
    names = ", ".join(c for c, _ in columns)
    op.execute(
        f"CREATE TABLE {fts} (id INTEGER PRIMARY KEY REFERENCES {table} (id) "
        "ON DELETE CASCADE, search tsvector NOT NULL)"
    )
    op.execute(
        f"CREATE FUNCTION team_{fts}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"INSERT INTO {fts} (id, search) VALUES (NEW.id, {_words('NEW', columns)}) "
        "ON CONFLICT (id) DO UPDATE SET search = EXCLUDED.search; RETURN NULL; END $$"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_aiu AFTER INSERT OR UPDATE OF {names} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION team_{fts}()"
    )
    op.execute(f"INSERT INTO {fts} (id, search) SELECT t.id, {_words('t', columns)} FROM {table} t")
    op.execute(f"CREATE INDEX ix_{fts}_search ON {fts} USING gin (search)")
    op.execute(f"ANALYZE {fts}")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgres_upgrade()
    else:
        _sqlite_upgrade()


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in SEARCHED:
        if postgres:
            op.execute(f"DROP TRIGGER {table}_fts_aiu ON {table}")
            op.execute(f"DROP FUNCTION team_{table}_fts()")
            op.execute(f"DROP TABLE {table}_fts")
        else:
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER {table}_fts_{suffix}")
            op.execute(f"DROP TABLE {table}_fts")
    if postgres:
        op.execute("DROP FUNCTION team_fold(text)")
