"""Search errors, importable without loading Whoosh (the CLI starts faster)."""


class IndexBusyError(RuntimeError):
    """Another live process is writing the index."""


class IndexDamagedError(RuntimeError):
    """Reading the index failed; rebuilding it is the cure."""
