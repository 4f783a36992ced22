"""Allows `python -m reader_app`."""

from reader_app.cli import main

raise SystemExit(main())
