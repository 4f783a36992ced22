"""The facet panel and the library list over council strategies: the Nation and Council
type facets with their counts, undated strategies, the council in the list's From column,
and no empty facet boxes in a library without strategies."""

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from strategy_views import shown_ids

from reader_app.facets import Selection, counts
from reader_app.gui.facet_panel import VALUE_ROLE, FacetPanel
from reader_app.gui.resource_model import COLUMNS, RESOURCE_ROLE


def groups(panel: FacetPanel) -> dict[str, tuple[str, bool]]:
    """facet -> (its heading, whether it is hidden)."""
    found = {}
    for i in range(panel.topLevelItemCount()):
        group = panel.topLevelItem(i)
        facet = next(f for f, g in panel._groups.items() if g is group)
        found[facet] = (group.text(0), group.isHidden())
    return found


def items(panel: FacetPanel, facet: str) -> dict[str, tuple[str, str]]:
    """value -> (label, count) of a facet's items, in the panel's order."""
    group = panel._groups[facet]
    return {
        group.child(j).data(0, VALUE_ROLE)[1]: (group.child(j).text(0), group.child(j).text(1))
        for j in range(group.childCount())
    }


def test_nation_and_council_type_are_shown_with_their_counts(window, library) -> None:
    strategies = [r for r in library.catalog.resources if r.kind == "strategy"]
    panel = window.facet_panel
    assert groups(panel)["nation"] == ("Nation", False)
    assert groups(panel)["council_type"] == ("Council type", False)
    nations = Counter(r.nation for r in strategies)
    assert items(panel, "nation") == {
        n: (n, str(nations[n])) for n in ("England", "Scotland", "Wales", "Northern Ireland")
    }
    types = Counter(r.council_type for r in strategies)
    shown = items(panel, "council_type")
    assert shown["metropolitan borough"] == (
        "Metropolitan borough",
        str(types["metropolitan borough"]),
    )
    assert shown["combined authority"] == ("Combined authority", str(types["combined authority"]))
    assert {v: int(n) for v, (_label, n) in shown.items()} == dict(types)
    undated = sum(r.year is None for r in library.catalog.resources)
    assert undated > 0
    years = items(panel, "year")
    assert list(years)[-1] == "undated"  # after the years, newest first
    assert years["undated"] == ("Undated", str(undated))
    assert items(panel, "kind")["strategy"] == ("Strategy", str(len(strategies)))


def test_ticking_a_nation_with_the_keyboard_lists_its_resources(qtbot, window, library) -> None:
    panel = window.facet_panel
    group = panel._groups["nation"]
    wales = next(
        group.child(j) for j in range(group.childCount()) if group.child(j).text(0) == "Wales"
    )
    panel.setFocus()
    panel.setCurrentItem(wales)
    QTest.keyClick(panel, Qt.Key.Key_Space)
    assert panel.selection == Selection(nation=frozenset({"Wales"}))
    welsh = [r.id for r in library.catalog.resources if r.nation == "Wales"]
    assert sorted(shown_ids(window)) == sorted(welsh)
    # Council type counts follow: only Welsh councils' kinds now.
    types = Counter(r.council_type for r in library.catalog.resources if r.nation == "Wales")
    assert {v: int(n) for v, (_l, n) in items(panel, "council_type").items()} == dict(types)


def test_the_list_shows_a_strategys_council_nation_and_date(window, library) -> None:
    source, date = COLUMNS.index("From"), COLUMNS.index("Date")
    by_id = {r.id: r for r in library.catalog.resources}
    proxy = window.proxy
    rows = {proxy.index(r, 0).data(RESOURCE_ROLE): r for r in range(proxy.rowCount())}
    undated = next(r for r in by_id.values() if r.kind == "strategy" and not r.date)
    dated = next(r for r in by_id.values() if r.kind == "strategy" and len(r.date) == 10)
    assert proxy.index(rows[undated.id], date).data() == "Undated"
    assert proxy.index(rows[dated.id], date).data() == dated.display_date  # "25 June 2020"
    assert proxy.index(rows[dated.id], source).data() == f"{dated.council}, {dated.nation}"
    other = next(r for r in by_id.values() if r.kind == "briefing")
    collection = library.catalog.collection(other.collection).title
    assert proxy.index(rows[other.id], source).data() == collection
    window.table.selectRow(rows[dated.id])
    assert f"{dated.council} · {dated.council_type.capitalize()} · {dated.nation}" in (
        window.detail_meta.text()
    )
    assert f"Council's page: {dated.source_url}" in window.detail_meta.text()


def test_a_library_without_strategies_shows_no_empty_facet_boxes(qtbot, library) -> None:
    resources = [r for r in library.catalog.resources if r.kind != "strategy"]
    panel = FacetPanel(library.catalog)
    qtbot.addWidget(panel)
    panel.set_counts(counts(resources, Selection(), lambda _id: ()))
    shown = groups(panel)
    assert shown["nation"][1] and shown["council_type"][1]  # hidden
    assert not shown["pillar"][1] and not shown["kind"][1]
