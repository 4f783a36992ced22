"""A search while another Resource Reader writes the index answers from what is there and
says so (before: silently stale), in the results, on the command line and in --json."""

import json
from pathlib import Path

from index_writer import writing_elsewhere

from reader_app import cli, paths
from reader_app.library import Library
from reader_app.search.errors import BUSY_NOTICE


def test_results_carry_a_notice_while_another_process_writes(library, tmp_path) -> None:
    library.update_index()
    assert library.search("tablets").notices == ()
    with writing_elsewhere(tmp_path / "index", library.index_sources()):
        library.add_tags("alpha", ["changed"])  # this update finds the lock taken
        results = library.search("tablets")
        assert {(h.resource_id, h.page) for h in results.hits} == {("alpha", 2)}
        assert results.notices == (BUSY_NOTICE,)
        # The index as it stands, read by itself: the other writer is seen too.
        assert library.index.search("tablets").notices == (BUSY_NOTICE,)
    library.index.close()
    assert library.search("tablets").notices == ()


def test_a_writer_killed_without_tidying_gives_no_notice(library, tmp_path) -> None:
    library.update_index()
    (tmp_path / "index" / ".writing-999999999").touch()  # no such process
    assert library.search("tablets").notices == ()


def test_the_command_prints_the_notice(data_dir: Path, capsys) -> None:
    assert cli.main(["index"]) == 0
    library = Library.open(paths.resolve(), backup=False)
    sources = library.index_sources()
    library.close()
    capsys.readouterr()
    with writing_elsewhere(data_dir / "cache" / "index", sources):
        assert cli.main(["search", "pillar", "--json"]) == 0
        out, err = capsys.readouterr()
        answer = json.loads(out)
        assert answer["notices"] == [BUSY_NOTICE] and answer["hits"]
        assert f"notice: {BUSY_NOTICE}" in err
        assert cli.main(["search", "pillar"]) == 0
        assert f"reader-app: notice: {BUSY_NOTICE}\n" in capsys.readouterr().err
    assert cli.main(["search", "pillar", "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["notices"] == [] and "notice" not in err
