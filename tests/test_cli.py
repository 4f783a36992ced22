"""Every CLI command, run in-process through main() as a user would call it."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reader_app import __version__, migrations
from reader_app.cli import main
from reader_app.manifest import load_manifest
from reader_app.paths import MANIFEST_NAME, bundled_dir

CATALOG = load_manifest(bundled_dir() / MANIFEST_NAME)
ALL_IDS = [r.id for r in CATALOG.resources]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *args: str):
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"reader-app {__version__}"


def test_list_json_shows_every_bundled_item(capsys) -> None:
    items = run_json(capsys, "list")
    assert [i["id"] for i in items] == ALL_IDS
    required = {"id", "title", "kind", "pillars", "collection", "date", "pages", "tags", "source"}
    for item in items:
        assert required <= item.keys()
        assert item["source"] == "bundled"
        assert item["tags"] == []
        resource = CATALOG.get(item["id"])
        assert item["pillars"][0] == resource.main_pillar
        assert item["pages"] == resource.pages


@pytest.mark.parametrize("pillar", ["reset", "reform", "renew", "resilient"])
def test_list_by_pillar(capsys, pillar: str) -> None:
    items = run_json(capsys, "list", "--pillar", pillar)
    assert items
    assert all(pillar in i["pillars"] for i in items)
    assert {i["id"] for i in items} == {r.id for r in CATALOG.resources if pillar in r.pillars}


def test_list_by_kind_collection_year(capsys) -> None:
    items = run_json(capsys, "list", "--kind", "infographic")
    assert items and {i["kind"] for i in items} == {"infographic"}
    items = run_json(capsys, "list", "--collection", "resilience-regeneration")
    assert items and {i["collection"] for i in items} == {"resilience-regeneration"}
    items = run_json(capsys, "list", "--year", "2021")
    assert items and all(i["date"].startswith("2021") for i in items)
    assert run_json(capsys, "list", "--year", "1999") == []


def test_list_human_readable(capsys) -> None:
    code, out, err = run(capsys, "list", "--pillar", "renew")
    assert code == 0
    renew = [r for r in CATALOG.resources if "renew" in r.pillars]
    for r in renew:
        assert r.title in out
    assert f"{len(renew)} resources" in err


def test_tag_then_filter_and_remove(capsys) -> None:
    rid = ALL_IDS[0]
    assert run_json(capsys, "tag", rid, "Board paper", "climate") == {
        "id": rid,
        "tags": ["Board paper", "climate"],
    }
    items = run_json(capsys, "list", "--tag", "board PAPER")
    assert [i["id"] for i in items] == [rid]
    assert items[0]["tags"] == ["Board paper", "climate"]
    code, out, _ = run(capsys, "tag", rid, "climate", "--remove")
    assert code == 0 and out.strip() == f"{rid}: Board paper"
    assert run_json(capsys, "list", "--tag", "climate") == []


def test_tags_persist_in_the_data_dir(capsys, data_dir: Path) -> None:
    run(capsys, "tag", ALL_IDS[1], "kept")
    assert (data_dir / "library.sqlite3").is_file()
    assert [i["id"] for i in run_json(capsys, "list", "--tag", "kept")] == [ALL_IDS[1]]


def test_global_data_dir_option(capsys, tmp_path: Path, data_dir: Path) -> None:
    other = tmp_path / "other"
    run(capsys, "--data-dir", str(other), "tag", ALL_IDS[0], "elsewhere")
    assert (other / "library.sqlite3").is_file()
    assert not (data_dir / "library.sqlite3").exists()
    assert run_json(capsys, "list", "--tag", "elsewhere") == []
    items = run_json(capsys, "--data-dir", str(other), "list", "--tag", "elsewhere")
    assert [i["id"] for i in items] == [ALL_IDS[0]]


def test_show_json_has_outline_and_pages(capsys) -> None:
    briefing = next(r for r in CATALOG.resources if r.kind == "briefing")
    shown = run_json(capsys, "show", briefing.id)
    assert shown["id"] == briefing.id
    assert shown["pages_in_file"] == briefing.pages == shown["pages"]
    titles = [e["title"] for e in shown["outline"]]
    assert titles[0] == briefing.title and "About this item" in titles
    assert all(1 <= e["page"] <= briefing.pages for e in shown["outline"])
    assert shown["source_url"] == briefing.source_url
    assert shown["label"] == briefing.label
    assert "written for Resource Reader" in shown["label"]


def test_show_image_has_alt_text(capsys) -> None:
    image = next(r for r in CATALOG.resources if r.media_type == "image/png")
    shown = run_json(capsys, "show", image.id)
    assert shown["pages_in_file"] == 1
    assert shown["alt_text"] == image.alt_text
    code, out, _ = run(capsys, "show", image.id)
    assert code == 0 and "Alt text:" in out and image.title in out


def test_show_human_readable(capsys) -> None:
    briefing = next(r for r in CATALOG.resources if r.kind == "briefing")
    code, out, _ = run(capsys, "show", briefing.id)
    assert code == 0
    assert briefing.title in out and "Contents:" in out and "About this item" in out


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--pillar", "rebuild"],
        ["list", "--kind", "poster"],
        ["list", "--collection", "nope"],
        ["list", "--year", "soon"],
        ["frobnicate"],
        ["tag", ALL_IDS[0]],
        ["show"],
    ],
)
def test_usage_errors_exit_2(capsys, args) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert one_line_error(err).startswith("reader-app: usage error:")
    assert out == ""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["show", "no-such-id"], "no resource with id 'no-such-id'"),
        (["tag", "no-such-id", "x"], "no resource with id 'no-such-id'"),
        (["tag", ALL_IDS[0], "   "], "a tag cannot be empty"),
    ],
)
def test_user_errors_exit_1(capsys, args, expected) -> None:
    code, _, err = run(capsys, *args)
    assert code == 1
    assert expected in one_line_error(err)


def test_corrupt_database_is_one_clear_line(capsys, data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "library.sqlite3").write_bytes(b"garbage" * 1000)
    code, _, err = run(capsys, "list")
    assert code == 1
    assert "cannot open the database" in one_line_error(err)


def test_database_from_newer_version(capsys, data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    with sqlite3.connect(data_dir / "library.sqlite3") as db:
        db.execute(f"PRAGMA user_version = {migrations.LATEST_VERSION + 1}")
    code, _, err = run(capsys, "list")
    assert code == 1
    assert "newer version" in one_line_error(err)


def test_no_display_gives_a_clear_error(capsys, monkeypatch) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("display detection is for Linux")
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    code, _, err = run(capsys)
    assert code == 1
    assert "no display" in one_line_error(err)


def installed_entry_point() -> str | None:
    candidate = Path(sys.executable).parent / "reader-app"
    return str(candidate) if candidate.exists() else shutil.which("reader-app")


@pytest.mark.skipif(installed_entry_point() is None, reason="reader-app is not installed")
def test_installed_entry_point_finds_the_collection(tmp_path: Path) -> None:
    """The console script, run away from the checkout, uses the installed package."""
    env = {**os.environ, "READER_APP_DATA_DIR": str(tmp_path / "d")}
    result = subprocess.run(
        [installed_entry_point(), "list", "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert [i["id"] for i in json.loads(result.stdout)] == ALL_IDS


def test_index_builds_then_has_nothing_to_do(capsys) -> None:
    code, out, err = run(capsys, "index")
    assert code == 0
    assert f"{len(ALL_IDS)} resources" in out and "Index created." in err
    total = sum(r.pages for r in CATALOG.resources)
    assert f"] {total}/{total} pages, " in err and "pages/s" in err  # the progress bar
    assert run_json(capsys, "index")["indexed"] == []
    rebuilt = run_json(capsys, "index", "--rebuild")
    assert rebuilt["rebuilt"] == "asked to" and len(rebuilt["indexed"]) == len(ALL_IDS)
    assert rebuilt["pages"] == sum(r.pages for r in CATALOG.resources)


def test_search_json_shape(capsys) -> None:
    result = run_json(capsys, "search", "digital poverty", "--limit", "5")
    assert set(result) == {"query", "total", "suggestion", "hits", "notices"}
    assert result["notices"] == []
    assert result["query"] == "digital poverty" and result["suggestion"] is None
    assert result["total"] >= len(result["hits"]) == 5
    top = result["hits"][0]
    assert top["resource_id"] == "digital-poverty"
    assert {"resource_id", "title", "page", "score", "snippet", "kind", "pillars"} <= set(top)
    assert 1 <= top["page"] <= CATALOG.get("digital-poverty").pages
    assert "digital poverty" in top["snippet"].lower()
    assert "\033" not in top["snippet"] and "*" not in top["snippet"]


def test_search_filters_and_suggestion(capsys) -> None:
    renew = run_json(capsys, "search", "data", "--pillar", "renew", "--limit", "50")
    assert renew["hits"] and all("renew" in h["pillars"] for h in renew["hits"])
    images = run_json(capsys, "search", "pillars", "--kind", "infographic")
    assert images["hits"] and {h["kind"] for h in images["hits"]} == {"infographic"}
    assert run_json(capsys, "search", "povrty")["suggestion"] == "poverty"


def test_search_by_tag(capsys) -> None:
    run(capsys, "tag", "climate-places", "board")
    result = run_json(capsys, "search", "climate", "--tag", "board", "--limit", "50")
    assert result["hits"] and {h["resource_id"] for h in result["hits"]} == {"climate-places"}


def test_search_readable_output(capsys) -> None:
    code, out, err = run(capsys, "search", "test and trace", "--limit", "2")
    assert code == 0
    assert "Lessons from local test and trace" in out
    assert "*trace*" in out.lower()
    assert "matching page" in err
    code, out, _ = run(capsys, "search", "test and trace", "--group")
    assert code == 0 and "  p. " in out


@pytest.mark.parametrize(
    "args", [["search"], ["search", "x", "--limit", "0"], ["search", "x", "--pillar", "nope"]]
)
def test_search_usage_errors(capsys, args) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2 and one_line_error(err).startswith("reader-app: usage error:")


def test_progress_bar_on_a_terminal_redraws_in_place() -> None:
    import io

    from reader_app.cli import ProgressBar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    bar = ProgressBar(stream, width=10)
    bar.update(5, 10)
    bar.update(10, 10)
    bar.finish()
    text = stream.getvalue()
    assert text.startswith("\r[#####.....] 5/10 pages")
    assert "\r[##########] 10/10 pages" in text and text.endswith("\n")


def test_a_question_finds_its_answer(capsys) -> None:
    """Function words of a question do not have to appear on the page."""
    result = run_json(capsys, "search", "what did councils do about digital poverty?")
    assert result["total"] > 0
    assert result["hits"][0]["resource_id"] == "digital-poverty"


def test_a_pack_file_alone_starts_the_app_and_subcommands_keep_theirs(
    capsys, monkeypatch, tmp_path: Path
) -> None:
    """A file manager runs `reader-app FILE.rrpack` (a path or a file: URL): the app starts
    with the pack; a pack named after a subcommand is that subcommand's argument."""
    from reader_app import cli

    started: list[tuple[str | None, list[Path]]] = []
    monkeypatch.setattr(
        cli, "_run_gui", lambda _paths, link=None, packs=(): started.append((link, list(packs)))
    )
    pack = tmp_path / "Council papers.RRPACK"
    main([pack.as_uri()])
    main(["--data-dir", str(tmp_path / "elsewhere"), "gui", str(pack)])
    assert started == [(None, [pack]), (None, [pack])]
    for args in (["list", str(pack)], ["file://server/share/papers.rrpack"], ["papers.zip"]):
        code, _, err = run(capsys, *args)
        assert code == 2 and "usage error" in err
    assert started == [(None, [pack]), (None, [pack])]
