"""Another Resource Reader writing the search index: a process of its own that reindexes
a resource and pauses in the middle, holding the index's lock, until told to go on."""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from reader_app.search.sources import IndexSource
from tests.repo_paths import REPO

_SCRIPT = """
import pickle, sys
from pathlib import Path
from reader_app.search.index import SearchIndex

sources = pickle.loads(Path(sys.argv[2]).read_bytes())
paused = []

def progress(done, total):
    if not paused:  # once: the lock is held, the rebuild under way
        paused.append(done)
        print("writing", flush=True)
        sys.stdin.readline()

SearchIndex(Path(sys.argv[1]), workers=1).update(sources, progress)
print("done", flush=True)
"""


@contextmanager
def writing_elsewhere(folder: Path, sources: list[IndexSource]) -> Iterator[int]:
    """While inside, another process holds ``folder``'s index lock, mid-update; yields
    its pid. ``folder`` must hold a working index, in step with ``sources``: the other
    process reindexes the first resource with pages, as if it had changed."""
    first = next(i for i, s in enumerate(sources) if s.origin == "page" and s.pages)
    changed = list(sources)
    changed[first] = replace(sources[first], signature="changed elsewhere")
    given = folder.parent / "sources.pickle"
    given.write_bytes(pickle.dumps(changed))
    with subprocess.Popen(
        [sys.executable, "-c", _SCRIPT, str(folder), str(given)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    ) as writer:
        try:
            assert writer.stdout is not None and writer.stdin is not None
            assert writer.stdout.readline().strip() == "writing"
            yield writer.pid
            writer.stdin.write("\n")
            writer.stdin.flush()
            assert writer.stdout.readline().strip() == "done"
            assert writer.wait(timeout=60) == 0
        finally:
            if writer.poll() is None:
                writer.kill()
