"""Every path the app reads, writes or deletes for a row, a manifest or a pack goes
through ``safe_paths.inside``: nothing outside its folder is touched, symlinks included."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from test_importing import make_pdf

from reader_app import importing, paths
from reader_app.library import Library
from reader_app.manifest import ManifestError, load_manifest
from reader_app.packs.install import install_pack
from reader_app.safe_paths import UnsafePathError, inside
from tests.packs.test_pack_review import entry, make_pack, pdf_bytes
from tests.repo_paths import REPO

OLD = time.time() - 2 * importing.ORPHAN_AGE_SECONDS


@pytest.mark.parametrize(
    "name", ["/etc/passwd", "../x", "files/../../x", "a//b", "./a", "a\\b", "C:x", "a\x00b", ""]
)
def test_a_name_that_is_not_plainly_inside_is_refused(tmp_path, name) -> None:
    with pytest.raises(UnsafePathError):
        inside(tmp_path, name)


def test_a_symlink_out_of_the_folder_is_refused_and_one_within_it_is_not(tmp_path) -> None:
    root, elsewhere = tmp_path / "root", tmp_path / "elsewhere"
    (root / "files").mkdir(parents=True)
    elsewhere.mkdir()
    (root / "files" / "out").symlink_to(elsewhere / "x")
    (root / "files" / "within").symlink_to(root / "kept")
    with pytest.raises(UnsafePathError, match="leads outside"):
        inside(root, "files/out")
    assert inside(root, "files/within") == (root / "kept").resolve()


def test_sweeping_orphans_never_follows_files_out_of_the_data_folder(data_dir, tmp_path) -> None:
    library = Library.open(paths.resolve(str(data_dir)), backup=False)
    elsewhere = tmp_path / "documents"
    elsewhere.mkdir()
    precious = elsewhere / "thesis.pdf"
    precious.write_bytes(b"%PDF-1.7 years of work")
    os.utime(precious, (OLD, OLD))  # old, and listed by no row: an orphan, were it ours
    with contextlib.suppress(FileNotFoundError):
        (data_dir / importing.FILES).rmdir()  # (if the app made it)
    (data_dir / importing.FILES).symlink_to(elsewhere)
    try:
        assert importing.sweep_orphans(library.store, data_dir) == []
    finally:
        library.close()
    assert precious.read_bytes() == b"%PDF-1.7 years of work"


def test_an_orphan_of_our_own_is_still_swept(data_dir) -> None:
    library = Library.open(paths.resolve(str(data_dir)), backup=False)
    orphan = data_dir / importing.FILES / ("ab" * 32 + ".pdf")
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(b"%PDF-1.7 left by a killed import")
    os.utime(orphan, (OLD, OLD))
    try:
        assert importing.sweep_orphans(library.store, data_dir) == [orphan.name]
    finally:
        library.close()


def test_removing_never_deletes_through_a_files_folder_linked_elsewhere(data_dir, tmp_path):
    library = Library.open(paths.resolve(str(data_dir)), backup=False)
    try:
        (mine,) = library.import_files([make_pdf(tmp_path / "a.pdf")], pillars=("reset",))
        rid = str(mine.resource_id)
        (file,) = library.store.query("SELECT file FROM imported_resources WHERE id = ?", (rid,))
    finally:
        library.close()
    elsewhere = tmp_path / "elsewhere"
    shutil.move(data_dir / importing.FILES, elsewhere)
    (data_dir / importing.FILES).symlink_to(elsewhere)
    victim = elsewhere / Path(file[0]).name  # the same name, in someone else's folder

    library = Library.open(paths.resolve(str(data_dir)), backup=False)
    try:
        assert library.catalog.get(rid) is None  # not read from there either
        assert importing.remove(library.store, data_dir, rid) is True
    finally:
        library.close()
    assert victim.is_file()


def bundled_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "bundled"
    shutil.copytree(REPO / "resources", folder, ignore=shutil.ignore_patterns("sources"))
    return folder


def test_a_bundled_file_linked_out_of_its_folder_is_refused(tmp_path) -> None:
    folder = bundled_copy(tmp_path)
    outside = tmp_path / "outside.pdf"
    target = folder / "files" / "recovery-prospectus.pdf"
    shutil.move(target, outside)
    target.symlink_to(outside)
    with pytest.raises(ManifestError, match=r"recovery-prospectus.*leads outside"):
        load_manifest(folder / paths.MANIFEST_NAME)


def test_the_catalog_resolves_a_bundled_file_inside_its_folder(tmp_path) -> None:
    folder = bundled_copy(tmp_path)
    catalog = load_manifest(folder / paths.MANIFEST_NAME)
    resource = catalog.get("recovery-prospectus")
    assert resource is not None
    assert catalog.path_of(resource) == (folder / resource.file).resolve()
    target = folder / resource.file  # replaced by a link after the manifest was read
    shutil.move(target, tmp_path / "outside.pdf")
    target.symlink_to(tmp_path / "outside.pdf")
    with pytest.raises(UnsafePathError):
        catalog.path_of(resource)


def test_a_pack_replacing_an_edition_never_deletes_the_file_a_row_names_outside(
    data_dir, tmp_path
) -> None:
    victim = tmp_path / "victim.pdf"
    victim.write_bytes(b"%PDF-1.7 precious")
    library = Library.open(paths.resolve(str(data_dir)), backup=False)
    try:
        first = pdf_bytes("The first edition of a council paper")
        pack = make_pack(tmp_path / "one.rrpack", [(entry("council-paper", first), first)])
        assert install_pack(library, pack).count("added") == 1
        # A database from elsewhere names a file outside for the edition to replace.
        with library.store.transaction():
            library.store.query(
                "UPDATE imported_resources SET file = ? WHERE id = 'council-paper'",
                (f"{importing.FILES}/../../{victim.name}",),
            )
        second = pdf_bytes("The second edition of a council paper, revised")
        newer = entry("council-paper", second, edition=2)
        report = install_pack(library, make_pack(tmp_path / "two.rrpack", [(newer, second)]))
        assert report.count("updated") + report.count("added") == 1
    finally:
        library.close()
    assert victim.read_bytes() == b"%PDF-1.7 precious"
    with sqlite3.connect(data_dir / "library.sqlite3") as db:
        assert db.execute("SELECT edition FROM imported_resources").fetchall() == [(2,)]
