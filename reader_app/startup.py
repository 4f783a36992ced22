"""What runs on every start before anything opens the database: an interrupted restore
completed or rolled back, and temporary copies left by killed processes swept."""

from __future__ import annotations

import contextlib

from reader_app import backups, restore_journal, work_folders
from reader_app.paths import AppPaths


def prepare(paths: AppPaths) -> list[str]:
    """Recover an interrupted restore and sweep ``tmp/``; return the notices to show the
    user (one line each). Raises RestoreJournalError if a restore cannot be recovered."""
    notices = []
    notice = restore_journal.recover(paths.data_dir, paths)
    if notice:
        notices.append(notice)
    if paths.tmp_dir.is_dir() or (paths.data_dir / backups.FOLDER).is_dir():
        with contextlib.suppress(OSError), restore_journal.exclusive(paths.data_dir) as held:
            # Never while a restore is under way (its copies are in tmp/ too).
            if held and not restore_journal.journal_path(paths.data_dir).exists():
                work_folders.sweep(paths.tmp_dir, paths.data_dir / backups.FOLDER)
                restore_journal.remove_half_written(paths.data_dir)
    return notices
