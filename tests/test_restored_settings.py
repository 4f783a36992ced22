"""Settings restored from a backup archive are the archive's text: one nested deeply
enough to exhaust json's recursion gives the defaults, not an exception at start."""

from __future__ import annotations

from pathlib import Path

from reader_app.settings import Settings


def test_deeply_nested_settings_give_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("[" * 100_000)
    settings = Settings.load(path)
    assert settings.theme == Settings(tmp_path / "other.json").theme
