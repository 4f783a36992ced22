"""A database from outside is accepted only if the app could have written it: crafted
databases (foreign triggers and views, extra or missing schema, rows no app write
makes) are refused by ``check_database``, by ``reader-app restore`` of an archive that
holds one and by ``reader-app restore-backup`` of such a snapshot, with nothing changed;
a real library passes, and the doctor reports one found in place."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from test_cli import run
from test_importing import make_pdf

from reader_app import importing, paths
from reader_app.annotations import Annotations
from reader_app.database_check import DatabaseCheckError, check_database
from reader_app.doctor import Doctor, Problem
from reader_app.library import Library
from reader_app.manifest import load_manifest
from reader_app.migrations import LATEST_VERSION, MIGRATIONS
from reader_app.packs.install import install_pack
from reader_app.paths import MANIFEST_NAME, bundled_dir
from tests.packs.test_pack_review import entry, make_pack, pdf_bytes

BUNDLED = "recovery-prospectus"
LAST = load_manifest(bundled_dir() / MANIFEST_NAME).get(BUNDLED).pages  # its last page
SNAPSHOT = "library-20261201-000000.sqlite3"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real data folder: an imported document, a pack (with its collection), notes on
    both kinds of resource, tags, reading state; and an archive of it (``backup -o``)."""
    root = tmp_path_factory.mktemp("template")
    folder = root / "data"
    library = Library.open(paths.resolve(str(folder)), backup=False)
    try:
        (mine,) = library.import_files([make_pdf(root / "mine.pdf")], pillars=("reset",))
        assert mine.status == "imported", mine.error
        data = pdf_bytes("A council paper about resilient neighbourhoods")
        pack = make_pack(root / "p.rrpack", [(entry("council-paper", data), data)])
        assert install_pack(library, pack).count("added") == 1
        notes = Annotations(library.store)
        own = library.resource(str(mine.resource_id))
        bundled = library.resource(BUNDLED)
        notes.add(own.id, own.sha256, "highlight", 1, exact="digital", quads=[(72, 90, 300, 104)])
        notes.add(bundled.id, bundled.sha256, "page-note", LAST, body="last page", tags=["Housing"])
        notes.add(bundled.id, bundled.sha256, "document-note", None, body="whole")
        library.add_tags(own.id, ["mine", "to read"])
        library.store.set_last_page(BUNDLED, 3)
    finally:
        library.close()
    return folder


@pytest.fixture(scope="module")
def archive(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("archive") / "library.zip"
    code = _main("--data-dir", str(template), "backup", "-o", str(out))
    assert code == 0 and out.is_file()
    return out


def _main(*args: str) -> int:
    from reader_app.cli import main

    return main(list(args))


def tampered(template: Path, where: Path, sql: str) -> Path:
    """A copy of the real database at ``where`` with ``sql`` run on it (as sqlite3 would
    let anyone do), in one self-contained file."""
    where.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(template / "library.sqlite3")
    copy = sqlite3.connect(where)
    source.backup(copy)
    source.close()
    copy.execute("PRAGMA journal_mode = DELETE")
    copy.executescript(sql)
    copy.commit()
    copy.close()
    return where


def own_id(template: Path) -> str:
    db = sqlite3.connect(template / "library.sqlite3")
    try:
        return str(db.execute("SELECT id FROM imported_resources WHERE source = 'imported'")
                   .fetchone()[0])  # fmt: skip
    finally:
        db.close()


# (what is crafted, the SQL that crafts it, what the refusal says)
CRAFTED = [
    (
        "an absolute file",
        "UPDATE imported_resources SET file = '/etc/passwd'",
        "imported_resources row '.*': file '/etc/passwd' is not where the app keeps it",
    ),
    (
        "a file reaching out with ../",
        "UPDATE imported_resources SET file = 'files/../../x'",
        "file 'files/../../x' is not where the app keeps it",
    ),
    (
        "a trigger deleting new tags",
        "CREATE TRIGGER eat AFTER INSERT ON tags BEGIN DELETE FROM tags WHERE id = new.id; END",
        "it has a trigger 'eat', which the app never makes",
    ),
    (
        "a view in place of a table",
        "DROP TABLE pack_collections; CREATE VIEW pack_collections AS SELECT 1 AS id",
        "it has a view 'pack_collections' in place of a table.*table 'pack_collections' is missing",
    ),
    (
        "an extra column",
        "ALTER TABLE tags ADD COLUMN colour TEXT",
        r"table 'tags' is not defined as the app defines it \(column 'colour' is extra\)",
    ),
    (
        "a constraint dropped",
        "PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = replace(sql, "
        "'CHECK (last_page >= 1)', '') WHERE name = 'reading_state'",
        "table 'reading_state' is not defined as the app defines it",
    ),
    ("an extra index", "CREATE INDEX bodies ON annotations(body)", "an index 'bodies' the app"),
    ("an extra table", "CREATE TABLE spare(x)", "it has a table 'spare' the app does not make"),
    ("a missing index", "DROP INDEX annotations_by_document", "'annotations_by_document' is mis"),
    (
        "a partial index made whole",
        "DROP INDEX annotations_by_origin; "
        "CREATE UNIQUE INDEX annotations_by_origin ON annotations(resource_id, origin_key)",
        "index 'annotations_by_origin' is not defined as the app defines it",
    ),
    (
        "invalid JSON in pillars",
        "UPDATE imported_resources SET pillars = '[\"reset\"'",
        "pillars is not valid JSON",
    ),
    (
        "an unknown pillar",
        'UPDATE imported_resources SET pillars = \'["reset", "rebel"]\'',
        "pillars names an unknown pillar 'rebel'",
    ),
    (
        "page 9999999 of a short document",
        f"UPDATE annotations SET page = 9999999 WHERE resource_id = '{BUNDLED}'",
        "page is 9999999, outside 1 to",
    ),
    (
        "the page after a document's last",
        f"UPDATE annotations SET page = {LAST + 1} "
        f"WHERE resource_id = '{BUNDLED}' AND page = {LAST}",
        f"page is {LAST + 1}, and its document has {LAST} pages",
    ),
    (
        "a huge edition",
        "UPDATE imported_resources SET edition = 9223372036854775807",
        "edition is 9223372036854775807, outside 1 to",
    ),
    (
        "text in an integer column",
        "UPDATE imported_resources SET pages = 'many'",
        "pages is not a whole number",
    ),
    (
        "quads that are not boxes",
        "UPDATE annotations SET quads = '[[1, 2, 3]]'",
        "quads holds a box that is not 4 numbers",
    ),
    ("an unknown colour", "UPDATE annotations SET color = 'octarine'", "color is not one"),
    (
        "an id no app makes",
        "UPDATE annotations SET id = 'X' || substr(id, 2)",
        "id is not in the form",
    ),
    (
        "a tag the app would refuse",
        "UPDATE tags SET name = char(27) || '[2Jtag' WHERE name = 'mine'",
        "name is not a tag the app accepts",
    ),
    (
        "a link to a missing tag",
        "PRAGMA foreign_keys = OFF; DELETE FROM tags WHERE name = 'mine'",
        "names a row of tags that does not exist",
    ),
    (
        "text that is not UTF-8",
        "UPDATE annotations SET body = CAST(x'fffe' AS TEXT)",
        "cannot be read",
    ),
    ("bytes in a text column", "UPDATE annotations SET exact = x'00'", "exact is not text"),
    ("a schema from the future", f"PRAGMA user_version = {LATEST_VERSION + 1}", "newer version"),
    ("tables with no schema version", "PRAGMA user_version = 0", "has tables but no schema"),
]


@pytest.mark.parametrize(("sql", "reason"), [c[1:] for c in CRAFTED], ids=[c[0] for c in CRAFTED])
def test_a_crafted_database_is_refused_with_the_reason(template, tmp_path, sql, reason) -> None:
    crafted = tampered(template, tmp_path / "crafted.sqlite3", sql)
    before = crafted.read_bytes()
    with pytest.raises(DatabaseCheckError, match=reason):
        check_database(crafted)
    assert crafted.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crafted.sqlite3"]


def test_a_real_library_passes(template, tmp_path) -> None:
    database = template / "library.sqlite3"
    with sqlite3.connect(database) as db:  # what it holds: all of it is checked
        counts = [
            db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("imported_resources", "pack_collections", "annotations", "tags")
        ]
    assert counts == [2, 1, 3, 3]
    check_database(database)
    check_database(database, data_dir=template)
    check_database(tampered(template, tmp_path / "copy.sqlite3", ""))


def test_an_older_schema_is_compared_with_what_its_migrations_made(tmp_path) -> None:
    path = tmp_path / "v3.sqlite3"
    db = sqlite3.connect(path)
    for statement in [s for migration in MIGRATIONS[:3] for s in migration]:
        db.execute(statement)
    db.execute("PRAGMA user_version = 3")
    db.commit()
    check_database(path)
    db.execute("CREATE VIEW everything AS SELECT * FROM annotations")
    db.commit()
    db.close()
    with pytest.raises(DatabaseCheckError, match="view 'everything'"):
        check_database(path)


def test_only_the_first_few_problems_are_named(template, tmp_path) -> None:
    crafted = tampered(
        template,
        tmp_path / "crafted.sqlite3",
        "UPDATE annotations SET color = 'octarine'; UPDATE tags SET name = ' ' || name",
    )
    with pytest.raises(DatabaseCheckError) as refused:
        check_database(crafted)
    assert str(refused.value).count("row") == 3 and "(and maybe more)" in str(refused.value)


def data_files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def with_database(archive: Path, database: Path, out: Path) -> Path:
    """``archive`` with its database replaced by ``database``, its manifest giving the new
    size and SHA-256: every check but the database's own passes."""
    data = database.read_bytes()
    with zipfile.ZipFile(archive) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    manifest = json.loads(members["manifest.json"])
    for member in manifest["members"]:
        if member["name"] == "library.sqlite3":
            member.update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
    members["library.sqlite3"] = data
    members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return out


@pytest.mark.parametrize(("sql", "reason"), [c[1:] for c in CRAFTED], ids=[c[0] for c in CRAFTED])
def test_restore_refuses_an_archive_holding_a_crafted_database(
    template, archive, data_dir, tmp_path, capsys, sql, reason
) -> None:
    shutil.copytree(template, data_dir)
    crafted = tampered(template, tmp_path / "crafted" / "library.sqlite3", sql)
    bad = with_database(archive, crafted, tmp_path / "crafted.zip")
    before = data_files(data_dir)

    code, out, err = run(capsys, "restore", str(bad))

    assert code == 1 and out == ""
    assert "is refused" in err and re.search(reason, err), err
    assert "nothing was changed" in err and "Traceback" not in err
    assert data_files(data_dir) == before


def test_restore_of_the_untampered_archive_still_works(template, archive, data_dir, capsys) -> None:
    shutil.copytree(template, data_dir)
    code, out, err = run(capsys, "restore", str(archive))
    assert code == 0 and "restored the library" in out, err


@pytest.mark.parametrize(("sql", "reason"), [c[1:] for c in CRAFTED], ids=[c[0] for c in CRAFTED])
def test_restore_backup_refuses_a_crafted_snapshot(template, data_dir, capsys, sql, reason) -> None:
    shutil.copytree(template, data_dir)
    tampered(template, data_dir / "backups" / SNAPSHOT, sql)
    before = data_files(data_dir)

    code, out, err = run(capsys, "restore-backup", SNAPSHOT)

    assert code == 1 and out == ""
    assert f"the backup {SNAPSHOT} is refused" in err and "nothing was changed" in err
    assert re.search(reason, err), err
    assert data_files(data_dir) == before


def test_the_doctor_reports_a_foreign_trigger_and_what_to_do(template, data_dir) -> None:
    shutil.copytree(template, data_dir)
    with sqlite3.connect(data_dir / "library.sqlite3") as db:
        db.execute("CREATE TRIGGER eat AFTER INSERT ON tags BEGIN DELETE FROM tags; END")
    doctor = Doctor(paths.resolve(str(data_dir)))
    try:
        with pytest.raises(Problem) as found:
            doctor.check_database()
    finally:
        doctor.close()
    assert "trigger 'eat'" in found.value.detail
    assert "reader-app restore-backup" in found.value.fix


def test_the_doctor_reports_a_document_linked_out_of_the_data_folder(
    template, data_dir, tmp_path
) -> None:
    shutil.copytree(template, data_dir)
    with sqlite3.connect(data_dir / "library.sqlite3") as db:
        (file,) = db.execute(
            "SELECT file FROM imported_resources WHERE id = ?", (own_id(template),)
        ).fetchone()
    secret = tmp_path / "secret.pdf"
    secret.write_bytes((data_dir / file).read_bytes())
    (data_dir / file).unlink()
    (data_dir / file).symlink_to(secret)
    doctor = Doctor(paths.resolve(str(data_dir)))
    try:
        with pytest.raises(Problem, match="leads outside the data folder"):
            doctor.check_database()
    finally:
        doctor.close()
    library = Library.open(paths.resolve(str(data_dir)), backup=False)
    try:  # the app does not read it either
        assert library.catalog.get(own_id(template)) is None
    finally:
        library.close()


def test_one_bad_row_is_left_out_and_every_command_still_works(
    template, data_dir, capsys, caplog
) -> None:
    shutil.copytree(template, data_dir)
    with sqlite3.connect(data_dir / "library.sqlite3") as db:
        db.execute("UPDATE imported_resources SET pillars = '[nope' WHERE source = 'pack'")
        db.execute("UPDATE imported_resources SET pages = 'many' WHERE source = 'imported'")

    code, out, err = run(capsys, "list", "--json")

    assert code == 0, err
    ids = {item["id"] for item in json.loads(out)}
    assert BUNDLED in ids and own_id(template) not in ids and "council-paper" not in ids
    assert "left out a document" in caplog.text


def test_importing_remove_never_unlinks_outside_the_data_folder(template, data_dir, tmp_path):
    shutil.copytree(template, data_dir)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    rid = own_id(template)
    with sqlite3.connect(data_dir / "library.sqlite3") as db:
        db.execute("UPDATE imported_resources SET file = ? WHERE id = ?", (str(victim), rid))
    library = Library.open(paths.resolve(str(data_dir)), backup=False)
    try:
        assert importing.remove(library.store, data_dir, rid) is True  # the row goes
        assert library.store.query("SELECT 1 FROM imported_resources WHERE id = ?", (rid,)) == []
    finally:
        library.close()
    assert victim.read_text() == "precious"


@pytest.mark.parametrize("planted", ["victim", "files/../../victim"])
def test_remove_of_a_row_naming_a_file_outside_deletes_nothing_outside(
    template, data_dir, tmp_path, capsys, planted
) -> None:
    shutil.copytree(template, data_dir)
    victim = tmp_path / "victim"
    victim.write_text("precious")
    file = str(victim) if planted == "victim" else planted
    rid = own_id(template)
    with sqlite3.connect(data_dir / "library.sqlite3") as db:
        db.execute("UPDATE imported_resources SET file = ? WHERE id = ?", (file, rid))

    code, _out, err = run(capsys, "remove", rid)

    assert victim.read_text() == "precious"
    assert code == 1 and f"no resource with id '{rid}'" in err  # it is not listed at all


def test_a_title_an_older_version_wrote_keeps_its_document_listed(template, data_dir, capsys):
    shutil.copytree(template, data_dir)
    old_title = "\x1b[31mRed\x1b[0m report " + "long " * 200  # before titles were one_line'd
    rid = own_id(template)
    with sqlite3.connect(data_dir / "library.sqlite3") as db:
        db.execute("UPDATE imported_resources SET title = ? WHERE id = ?", (old_title, rid))

    code, out, err = run(capsys, "list", "--json")

    assert code == 0, err
    assert rid in {item["id"] for item in json.loads(out)}
    check_database(data_dir / "library.sqlite3")  # and a backup of it can be restored


def test_every_edition_a_pack_may_bring_is_one_a_restore_takes() -> None:
    """A pack at the highest edition it may have must not make the library's own backup
    unrestorable (write_archive verifies what it writes with this check)."""
    from reader_app import database_check
    from reader_app.packs import format as pack_format

    rule = database_check.COLUMN_RULES["imported_resources"]["edition"]
    assert rule(pack_format.MAX_EDITION) == ""
    assert rule(pack_format.MAX_EDITION + 1) != ""
