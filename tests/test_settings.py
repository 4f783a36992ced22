"""User preferences: defaults, validation, versioned JSON written atomically."""

import json
import logging
from pathlib import Path

import pytest

from reader_app import paths
from reader_app.settings import OPTIONS, VERSION, Settings, settings_path, upgrade


@pytest.fixture
def path() -> Path:
    return settings_path(paths.resolve())


def test_file_lives_in_the_config_dir(path: Path) -> None:
    assert path.parent == paths.resolve().config_dir


def test_missing_file_gives_defaults_and_writes_nothing(path: Path) -> None:
    settings = Settings.load(path)
    assert settings.theme == "system"
    assert settings.library_view == "list"
    assert settings.as_dict() == {name: o.default for name, o in OPTIONS.items()}
    assert not path.exists()


def test_defaults_are_valid_choices() -> None:
    for option in OPTIONS.values():
        assert option.default in option.choices


def test_round_trip(path: Path) -> None:
    Settings.load(path).update(theme="dark", library_view="grid")
    again = Settings.load(path)
    assert (again.theme, again.library_view) == ("dark", "grid")
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored == {"version": VERSION, "theme": "dark", "library_view": "grid"}


def test_update_rejects_invalid_changes_and_keeps_everything(path: Path) -> None:
    settings = Settings.load(path)
    with pytest.raises(ValueError, match="theme"):
        settings.update(library_view="grid", theme="purple")
    with pytest.raises(ValueError, match="no such setting"):
        settings.update(font_size="12")
    assert settings.library_view == "list"
    assert not path.exists()


def test_invalid_and_unknown_values_fall_back_per_setting(
    path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(
        json.dumps({"version": VERSION, "theme": "neon", "library_view": "grid", "zoom": 3}),
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING):
        settings = Settings.load(path)
    assert settings.theme == "system"
    assert settings.library_view == "grid"
    assert "neon" in caplog.text


@pytest.mark.parametrize(
    "content", [b"{not json", b"[1, 2]", b"\xff\xfe\x00garbage", b"", b'"dark"']
)
def test_corrupt_file_gives_defaults_and_is_left_alone(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    settings = Settings.load(path)
    assert settings.as_dict() == {name: o.default for name, o in OPTIONS.items()}
    assert path.read_bytes() == content
    # Changing a setting replaces the damaged file with a good one.
    settings.update(theme="light")
    assert Settings.load(path).theme == "light"


def test_unreadable_path_gives_defaults(path: Path) -> None:
    path.mkdir(parents=True)  # a folder where the file should be
    assert Settings.load(path).theme == "system"


def test_unversioned_file_is_upgraded(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"theme": "dark"}), encoding="utf-8")
    assert Settings.load(path).theme == "dark"
    assert upgrade({"theme": "dark"}) == {"theme": "dark", "version": VERSION}
    assert upgrade({"version": "x", "theme": "dark"})["version"] == VERSION


def test_newer_file_keeps_the_settings_this_version_knows(path: Path) -> None:
    path.parent.mkdir(parents=True)
    newer = {"version": VERSION + 5, "theme": "light", "accent": "teal"}
    path.write_text(json.dumps(newer), encoding="utf-8")
    assert Settings.load(path).theme == "light"
    assert upgrade(dict(newer))["version"] == VERSION + 5


def test_save_is_atomic_and_leaves_no_temp_files(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings.load(path)
    settings.update(theme="dark")
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]

    def fail(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("reader_app.settings.os.replace", fail)
    with pytest.raises(OSError, match="disk full"):
        settings.update(theme="light")
    # The old file is whole and the half-written one is gone.
    assert Settings.load(path).theme == "dark"
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
