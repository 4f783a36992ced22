"""The frozen app's entry point (PyInstaller runs this file as __main__)."""

import multiprocessing

if __name__ == "__main__":
    # First: a worker process of the frozen app starts here too, and must run its job
    # before anything else is imported.
    multiprocessing.freeze_support()

    from reader_app.cli import main

    raise SystemExit(main())
