"""``remove`` deletes only what is in files/: a row naming a link there that leads to
the database (or elsewhere in the data folder) leaves its target alone."""

from __future__ import annotations

from pathlib import Path

from reader_app import paths
from reader_app.library import Library
from tests.test_importing import make_pdf


def test_remove_of_a_row_whose_file_links_to_the_database_keeps_the_database(
    tmp_path: Path,
) -> None:
    app_paths = paths.resolve(tmp_path / "data")
    library = Library.open(app_paths, backup=False)
    try:
        (mine,) = library.import_files([make_pdf(tmp_path / "mine.pdf")], pillars=("reset",))
        link = app_paths.data_dir / "files" / "link.pdf"
        link.symlink_to(app_paths.database)  # planted after every check
        library.store.query(
            "UPDATE imported_resources SET file = ? WHERE id = ?",
            ("files/link.pdf", str(mine.resource_id)),
        )
        library.remove_resource(str(mine.resource_id))
    finally:
        library.close()
    assert app_paths.database.is_file() and app_paths.database.stat().st_size > 0
