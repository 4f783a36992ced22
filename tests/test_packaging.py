"""The wheel carries the bundled collection; the README and CI agree on the commands."""

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from repo_paths import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (found,) = out.glob("resource_reader-*.whl")
    return found


def test_wheel_contains_the_collection(wheel: Path) -> None:
    manifest = tomllib.loads((REPO / "resources" / "collection.toml").read_text("utf-8"))
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        assert "reader_app/resources/collection.toml" in names
        for resource in manifest["resources"]:
            assert f"reader_app/resources/{resource['file']}" in names
        assert not any(n.startswith(("tests/", "packaging/")) for n in names)
        meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = zf.read(meta).decode()
        entry_points = zf.read(meta.replace("METADATA", "entry_points.txt")).decode()
    assert "License-Expression: AGPL-3.0-or-later" in metadata
    for dependency in (
        "PySide6-Essentials",
        "whoosh-reloaded==2.7.5",
        "pymupdf-lite",
        "platformdirs",
    ):
        assert dependency.lower() in metadata.lower()
    assert "reader-app = reader_app.cli:main" in entry_points


def readme_commands() -> tuple[str, str]:
    lines = (REPO / "README.md").read_text("utf-8").splitlines()[:15]
    commands = [line.strip() for line in lines if line.strip().startswith("python3 -m venv")]
    run, test = commands[0], commands[1]
    return run, test


def test_readme_starts_with_run_and_test_commands() -> None:
    run, test = readme_commands()
    assert "pip install ." in run and run.endswith("reader-app")
    assert "'.[test]'" in test and "pytest" in test


def test_ci_runs_exactly_the_readme_test_command() -> None:
    _, test = readme_commands()
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    assert test in ci.splitlines()


def test_top_level_layout() -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    top = {name.split("/")[0] for name in tracked}
    assert top == {
        "pyproject.toml",
        "reader_app",
        "resources",
        "tests",
        "packaging",
        "README.md",
        ".ci",
        "LICENSE",
        ".gitignore",
    }
