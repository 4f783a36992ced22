"""Search errors, importable without loading Whoosh (the CLI starts faster)."""


class IndexBusyError(RuntimeError):
    """Another live process is writing the index."""


class IndexDamagedError(RuntimeError):
    """Reading the index failed; rebuilding it is the cure."""


class IndexWriteError(RuntimeError):
    """The index could not be written (a full disk, a read-only folder, a folder that
    cannot be replaced); the message says why and what was kept."""


BUSY_NOTICE = (
    "the search index is being updated by another Resource Reader; results may be incomplete"
)
