from pathlib import Path

import pytest

from reader_app import paths


def test_env_var_overrides_every_location(data_dir: Path) -> None:
    resolved = paths.resolve()
    assert resolved.data_dir == data_dir.resolve()
    assert resolved.config_dir.is_relative_to(data_dir.resolve())
    assert resolved.cache_dir.is_relative_to(data_dir.resolve())
    assert resolved.database.parent == resolved.data_dir
    assert resolved.index_dir.is_relative_to(resolved.cache_dir)


def test_explicit_data_dir_beats_env_var(tmp_path: Path) -> None:
    explicit = tmp_path / "explicit"
    assert paths.resolve(explicit).data_dir == explicit.resolve()


def test_defaults_come_from_platformdirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(paths.DATA_DIR_ENV)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    resolved = paths.resolve()
    if not paths.sys.platform.startswith("linux"):
        pytest.skip("XDG variables only steer platformdirs on Linux")
    assert resolved.data_dir == tmp_path / "share" / "resource-reader"
    assert resolved.cache_dir == tmp_path / "cache" / "resource-reader"
    assert resolved.config_dir == tmp_path / "config" / "resource-reader"


def test_empty_env_var_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.DATA_DIR_ENV, "")
    assert "resource-reader" in str(paths.resolve().data_dir)


def test_ensure_creates_folders(data_dir: Path) -> None:
    resolved = paths.resolve()
    resolved.ensure()
    assert resolved.data_dir.is_dir() and resolved.config_dir.is_dir()
    assert resolved.cache_dir.is_dir()


def test_bundled_dir_holds_the_manifest() -> None:
    folder = paths.bundled_dir()
    assert (folder / paths.MANIFEST_NAME).is_file()
    assert (folder / "files").is_dir()
