"""An outline nested 20,000 deep is read without recursion and shown flattened."""

import json

import hostile_files
import pytest

from reader_app.cli import main
from reader_app.documents import document_info, document_layout
from reader_app.worker import run_isolated


@pytest.fixture
def deep(tmp_path):
    path = tmp_path / "deep.pdf"
    path.write_bytes(hostile_files.deep_outline(20_000))
    return path


def test_document_info_flattens_an_outline_20000_levels_deep(deep) -> None:
    info = run_isolated(document_info, str(deep))  # its answer travels back whole
    assert info.pages == 1
    levels = [entry.level for entry in info.outline]
    assert levels[:3] == [1, 2, 3] and max(levels) == 64
    assert [e.title for e in info.outline[:2]] == ["Level 0", "Level 1"]
    assert all(entry.page == 1 for entry in info.outline)
    assert any("20,000 levels deep" in notice for notice in info.notices)
    layout = document_layout(deep)  # what the viewer's outline panel gets
    assert max(entry.level for entry in layout.outline) == 64


def test_show_prints_a_deep_outline_and_exits_0(capfd, deep) -> None:
    assert main(["import", str(deep), "--pillar", "renew", "--json"]) == 0
    [report] = json.loads(capfd.readouterr().out)
    assert main(["show", report["resource_id"]]) == 0
    out, err = capfd.readouterr()
    assert "note: " in err and "20,000 levels deep" in err  # says what was flattened
    contents = out.split("Contents:\n", 1)[1].splitlines()
    assert contents[0] == "  Level 0 (p. 1)"
    assert len(contents) == 20_000
    assert max(len(line) - len(line.lstrip()) for line in contents) == 2 * 64


def test_show_json_carries_the_notices(capfd, deep) -> None:
    assert main(["import", str(deep), "--pillar", "renew", "--json"]) == 0
    [report] = json.loads(capfd.readouterr().out)
    assert main(["show", report["resource_id"], "--json"]) == 0
    out, err = capfd.readouterr()
    shown = json.loads(out)
    assert any("20,000 levels deep" in notice for notice in shown["notices"])
    assert err == ""
