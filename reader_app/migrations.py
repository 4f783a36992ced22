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
    # 2: annotations, keyed to the document's content (its SHA-256), not its path.
    (
        """CREATE TABLE annotations (
            id TEXT PRIMARY KEY,
            resource_id TEXT NOT NULL,
            doc_sha256 TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN
                ('highlight', 'underline', 'note', 'page-note', 'document-note')),
            page INTEGER CHECK (page IS NULL OR page >= 1),
            quads TEXT NOT NULL DEFAULT '[]',
            exact TEXT NOT NULL DEFAULT '',
            prefix TEXT NOT NULL DEFAULT '',
            suffix TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL DEFAULT '',
            color TEXT NOT NULL,
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        )""",
        "CREATE INDEX annotations_by_resource ON annotations(resource_id, page)",
        "CREATE INDEX annotations_by_document ON annotations(doc_sha256)",
        """CREATE TABLE annotation_tags (
            annotation_id TEXT NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
            tag_id INTEGER NOT NULL REFERENCES tags(id),
            PRIMARY KEY (annotation_id, tag_id)
        )""",
        "CREATE INDEX annotation_tags_by_tag ON annotation_tags(tag_id)",
    ),
    # 3: re-anchoring in a new version of a document, and annotations taken from a PDF.
    # anchor: 'orphaned' when the quoted text was not found in the version doc_sha256
    # names (the annotation keeps its quote and old page so it stays listed).
    # origin_key: where an annotation taken from a PDF came from, so it is taken once.
    (
        """ALTER TABLE annotations ADD COLUMN anchor TEXT NOT NULL DEFAULT 'ok'
            CHECK (anchor IN ('ok', 'orphaned'))""",
        "ALTER TABLE annotations ADD COLUMN origin_key TEXT",
        "CREATE INDEX annotations_by_version ON annotations(resource_id, doc_sha256)",
        """CREATE UNIQUE INDEX annotations_by_origin ON annotations(resource_id, origin_key)
            WHERE origin_key IS NOT NULL""",
    ),
    # 4: the user's own documents, copied into the data folder's files/ (named by content).
    (
        """CREATE TABLE imported_resources (
            id TEXT PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            original_sha256 TEXT NOT NULL,
            file TEXT NOT NULL,
            media_type TEXT NOT NULL,
            title TEXT NOT NULL,
            kind TEXT NOT NULL,
            pillars TEXT NOT NULL,
            pages INTEGER NOT NULL CHECK (pages >= 1),
            original_name TEXT NOT NULL,
            added TEXT NOT NULL
        )""",
        "CREATE INDEX imported_by_original ON imported_resources(original_sha256)",
    ),
    # 5: resources installed from resource packs: the details a pack gives, its edition,
    # and the collections packs bring. A pack's resource with a bundled id replaces it.
    (
        """ALTER TABLE imported_resources ADD COLUMN source TEXT NOT NULL DEFAULT 'imported'
            CHECK (source IN ('imported', 'pack'))""",
        "ALTER TABLE imported_resources ADD COLUMN collection TEXT NOT NULL DEFAULT 'imported'",
        "ALTER TABLE imported_resources ADD COLUMN date TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE imported_resources ADD COLUMN summary TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE imported_resources ADD COLUMN source_url TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE imported_resources ADD COLUMN label TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE imported_resources ADD COLUMN alt_text TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE imported_resources ADD COLUMN transcript TEXT NOT NULL DEFAULT ''",
        """ALTER TABLE imported_resources ADD COLUMN edition INTEGER NOT NULL DEFAULT 1
            CHECK (edition >= 1)""",
        "ALTER TABLE imported_resources ADD COLUMN pack TEXT NOT NULL DEFAULT ''",
        """CREATE TABLE pack_collections (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            date TEXT NOT NULL,
            url TEXT NOT NULL,
            description TEXT NOT NULL
        )""",
    ),
)

LATEST_VERSION = len(MIGRATIONS)
