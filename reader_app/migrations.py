"""Ordered schema migrations for the user-data database.

Migration N takes the database from ``user_version`` N-1 to N. Never edit a
migration that has shipped; append a new one.
"""

from __future__ import annotations

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: tags on resources, reading state.
    (
        """CREATE TABLE tags (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE
        )""",
        """CREATE TABLE resource_tags (
            resource_id TEXT NOT NULL,
            tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
            added_at TEXT NOT NULL,
            PRIMARY KEY (resource_id, tag_id)
        )""",
        "CREATE INDEX resource_tags_by_tag ON resource_tags(tag_id)",
        """CREATE TABLE reading_state (
            resource_id TEXT PRIMARY KEY,
            last_page INTEGER NOT NULL CHECK (last_page >= 1),
            last_opened TEXT NOT NULL
        )""",
    ),
)

LATEST_VERSION = len(MIGRATIONS)
