"""Paraphrases the review of issue 15 found that the first close-paraphrase measure let through."""

import pytest
import seed_overlap
from repo_paths import SEEDS

pytestmark = pytest.mark.skipif(
    not SEEDS.is_dir(), reason="shared/seeds is not beside this checkout"
)

# Shipped in rr-introduction.md and compounding-pressures.toml after the first rewrite: each
# keeps the seed's "leaders were asked to re-think the 'art of the possible' about where and
# how ... technologies and data ... residents, businesses and communities" in its order.
FOUND_IN_REVIEW = [
    'Socitm says leaders in local public services were asked to reconsider the "art of the'
    ' possible": where technology and data should be used, and how, so that residents,'
    " businesses and communities are better served.",
    'The collection asks leaders to revisit their "art of the possible": where data and digital'
    " tools could do more for residents, businesses and communities.",
]

# Their rewrites, and a short question of ours on the same subject: none may be flagged.
REWRITTEN = [
    'Socitm borrows an old phrase, the "art of the possible", for a question it puts to council'
    " leaders about technology and data: now that the emergency has shown how much can change,"
    " what should they attempt next?",
    "What outcome for residents, businesses or communities are we trying to change?",
]


@pytest.fixture(scope="module")
def seeds() -> tuple[list[str], seed_overlap.Facts]:
    return seed_overlap.seed_sentences(SEEDS), seed_overlap.load_facts(SEEDS)


@pytest.mark.parametrize("sentence", FOUND_IN_REVIEW)
def test_paraphrases_found_in_review_are_flagged(sentence: str, seeds) -> None:
    originals, facts = seeds
    assert seed_overlap.too_close(sentence, originals, facts)


@pytest.mark.parametrize("sentence", REWRITTEN)
def test_their_rewrites_pass(sentence: str, seeds) -> None:
    originals, facts = seeds
    assert seed_overlap.too_close(sentence, originals, facts) == []
