"""Where the checkout and the shared seed pages are, for tests that read them."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
