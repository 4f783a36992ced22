"""The schema check compares SQL as SQLite reads it: a crafted database whose schema
differs from the app's only by a character Python counts as a space but SQLite does not
(a no-break space makes 'tags\\u00a0' another table's name) is refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reader_app.database_check import DatabaseCheckError, check_database
from reader_app.migrations import LATEST_VERSION, MIGRATIONS


def made_by_migrations(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    for statements in MIGRATIONS[:LATEST_VERSION]:
        for statement in statements:
            db.execute(statement)
    db.execute(f"PRAGMA user_version = {LATEST_VERSION}")
    return db


def test_the_migrations_own_database_passes(tmp_path: Path) -> None:
    made_by_migrations(tmp_path / "ok.sqlite3").close()
    check_database(tmp_path / "ok.sqlite3")


@pytest.mark.parametrize("space", ["\u00a0", "\u2028", "\x85"])
def test_a_foreign_key_to_a_table_named_with_a_unicode_space_is_refused(
    tmp_path: Path, space: str
) -> None:
    path = tmp_path / "crafted.sqlite3"
    db = made_by_migrations(path)
    db.execute("PRAGMA writable_schema = ON")
    db.execute(
        "UPDATE sqlite_master SET sql = replace(sql, 'REFERENCES tags(id)', ?) "
        "WHERE name = 'resource_tags'",
        (f"REFERENCES tags{space}(id)",),
    )
    db.close()
    with pytest.raises(DatabaseCheckError, match="resource_tags"):
        check_database(path)


@pytest.mark.parametrize("empty", [b"", None])
def test_an_empty_database_is_refused(tmp_path: Path, empty: bytes | None) -> None:
    # A 0-byte file, or one with no tables and no version, "restored" in place of a
    # library left it unusable (the next start refuses an empty database).
    path = tmp_path / "empty.sqlite3"
    if empty is None:
        sqlite3.connect(path).execute("VACUUM").connection.close()
    else:
        path.write_bytes(empty)
    with pytest.raises(DatabaseCheckError, match="empty"):
        check_database(path)
