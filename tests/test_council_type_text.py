"""Council types in the built pages keep London's capital: "(England, London borough)"."""

import sys

from repo_paths import REPO

sys.path.insert(0, str(REPO / "packaging"))
try:
    import collection_html
    import infographics
finally:
    sys.path.remove(str(REPO / "packaging"))


def test_london_keeps_its_capital_and_other_types_are_unchanged() -> None:
    assert collection_html.council_type_text("london borough") == "London borough"
    assert collection_html.council_type_text("combined authority") == "combined authority"


def test_infographic_council_lists_name_london_with_a_capital() -> None:
    spec = {
        "panels": [{"heading": "Reset", "pillar": "reset", "text": "Values.", "councils": 1}],
    }
    pillars = [{"id": "reset", "name": "Reset", "colour": "#1b7a55"}]
    directory = [
        {
            "council": "London Borough of Newham",
            "nation": "England",
            "council_type": "london borough",
            "pillars": ["reset"],
        }
    ]
    text = infographics.infographic_transcript(
        {"title": "T", "subtitle": "S", **spec}, pillars=pillars, directory=directory
    )
    assert "London Borough of Newham (England, London borough)" in text
    assert "london borough" not in text
