import shutil
import sqlite3
from pathlib import Path

import pytest

from reader_app import migrations
from reader_app.store import Store, StoreError, TagError, normalise_tag


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "db.sqlite3") as s:
        yield s


def pragma(path: Path, name: str):
    with sqlite3.connect(path) as db:
        return db.execute(f"PRAGMA {name}").fetchone()[0]


def test_new_store_is_migrated_to_latest(store: Store) -> None:
    assert store.schema_version == migrations.LATEST_VERSION >= 1
    assert pragma(store.path, "user_version") == migrations.LATEST_VERSION


def test_pragmas_protect_the_data(store: Store) -> None:
    assert pragma(store.path, "journal_mode") == "wal"
    assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store._db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_migrations_run_in_order_from_any_version(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "db.sqlite3"
    Store(path).close()
    extra = ("CREATE TABLE later_feature (id INTEGER PRIMARY KEY)",)
    monkeypatch.setattr("reader_app.store.MIGRATIONS", (*migrations.MIGRATIONS, extra))
    monkeypatch.setattr("reader_app.store.LATEST_VERSION", migrations.LATEST_VERSION + 1)
    with Store(path) as s:
        s.add_tags("a", ["kept"])
    with Store(path) as s:
        assert s.schema_version == migrations.LATEST_VERSION + 1
        assert s.tags_of("a") == ["kept"]
        s._db.execute("INSERT INTO later_feature DEFAULT VALUES")


def test_failed_migration_rolls_back(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "db.sqlite3"
    with Store(path) as s:
        s.add_tags("a", ["precious"])
    broken = ("CREATE TABLE half_done (id INTEGER)", "THIS IS NOT SQL")
    monkeypatch.setattr("reader_app.store.MIGRATIONS", (*migrations.MIGRATIONS, broken))
    monkeypatch.setattr("reader_app.store.LATEST_VERSION", migrations.LATEST_VERSION + 1)
    with pytest.raises(StoreError):
        Store(path)
    monkeypatch.undo()
    with Store(path) as s:
        assert s.schema_version == migrations.LATEST_VERSION
        assert s.tags_of("a") == ["precious"]
        tables = {r[0] for r in s._db.execute("SELECT name FROM sqlite_master")}
        assert "half_done" not in tables


def test_newer_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    db = sqlite3.connect(path)  # a rollback-journal database, as another version might leave
    db.execute("CREATE TABLE future (x)")
    db.execute(f"PRAGMA user_version = {migrations.LATEST_VERSION + 5}")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer version"):
        Store(path)
    assert path.read_bytes() == before
    assert not path.with_name("db.sqlite3-wal").exists()


def test_not_a_database_gives_store_error(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="cannot open"):
        Store(path)


def test_tags_are_normalised_and_case_insensitive(store: Store) -> None:
    assert store.add_tags("r1", ["  Digital   poverty ", "climate"]) == [
        "climate",
        "Digital poverty",
    ]
    assert store.add_tags("r1", ["digital POVERTY"]) == ["climate", "Digital poverty"]
    store.add_tags("r2", ["CLIMATE"])
    assert store.tags_of("r2") == ["climate"]  # the first spelling wins
    assert store.resources_tagged("Climate") == {"r1", "r2"}
    assert store.all_tags() == ["climate", "Digital poverty"]


def test_removing_last_use_drops_the_tag(store: Store) -> None:
    store.add_tags("r1", ["a", "b"])
    assert store.remove_tags("r1", ["A"]) == ["b"]
    assert store.all_tags() == ["b"]
    assert store.tags_by_resource() == {"r1": ["b"]}


def test_tags_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    with Store(path) as s:
        s.add_tags("r1", ["kept"])
    with Store(path) as s:
        assert s.tags_of("r1") == ["kept"]


@pytest.mark.parametrize("bad", ["", "   ", "nul\x00", "bell\x07", "zero\u200bwidth", "x" * 65])
def test_bad_tags_are_refused(store: Store, bad: str) -> None:
    with pytest.raises(TagError):
        store.add_tags("r1", [bad])
    assert store.tags_of("r1") == []


def test_whitespace_inside_a_tag_is_collapsed(store: Store) -> None:
    assert store.add_tags("r1", ["tab\tand\nnewline"]) == ["tab and newline"]


def test_html_in_a_tag_is_kept_literally(store: Store) -> None:
    assert store.add_tags("r1", ["<b>bold</b>"]) == ["<b>bold</b>"]
    assert normalise_tag("<script>") == "<script>"


def test_reading_state(store: Store) -> None:
    assert store.last_page("r1") is None
    store.set_last_page("r1", 3)
    store.set_last_page("r2", 1)
    store.set_last_page("r1", 4)
    assert store.last_page("r1") == 4
    assert set(store.recently_read()) == {"r1", "r2"}


def test_last_opened_gives_each_resource_its_latest_time(store: Store, monkeypatch) -> None:
    assert store.last_opened() == {}
    for resource_id, when in (
        ("r1", "2024-01-01T09:00:00+00:00"),
        ("r2", "2024-01-02T09:00:00+00:00"),
        ("r1", "2024-01-03T09:00:00+00:00"),
    ):
        monkeypatch.setattr("reader_app.store.now", lambda when=when: when)
        store.set_last_page(resource_id, 1)
    assert store.last_opened() == {
        "r1": "2024-01-03T09:00:00+00:00",
        "r2": "2024-01-02T09:00:00+00:00",
    }


def test_integrity_check(store: Store) -> None:
    assert store.integrity_check() == "ok"


def test_copy_of_database_opens(tmp_path: Path, store: Store) -> None:
    store.add_tags("r1", ["x"])
    store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(store.path, tmp_path / "copy.sqlite3")
    with Store(tmp_path / "copy.sqlite3") as copy:
        assert copy.tags_of("r1") == ["x"]
