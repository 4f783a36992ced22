"""The main window, driven through pytest-qt: facets, the library, search as you type."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from windows import make_window

from reader_app.gui.facet_panel import VALUE_ROLE
from reader_app.gui.resource_model import RESOURCE_ROLE
from reader_app.gui.search_panel import HIT_ROLE, SPANS_ROLE

SEARCH_TIMEOUT = 30_000  # ms: the first search waits for the index to be built


@pytest.fixture
def window(qtbot, library, tmp_path):
    win = make_window(qtbot, library, tmp_path / "state.ini")
    yield win
    win.close()


def shown_ids(window) -> set[str]:
    proxy = window.proxy
    return {proxy.index(row, 0).data(RESOURCE_ROLE) for row in range(proxy.rowCount())}


def facet_labels(window, facet: str) -> dict[str, str]:
    panel = window.facet_panel
    labels = {}
    for i in range(panel.topLevelItemCount()):
        group = panel.topLevelItem(i)
        for j in range(group.childCount()):
            item = group.child(j)
            found_facet, value = item.data(0, VALUE_ROLE)
            if found_facet == facet:
                labels[value] = f"{item.text(0)} ({item.text(1)})"
    return labels


def search(qtbot, window, text: str):
    qtbot.waitUntil(lambda: not window.indexing, timeout=SEARCH_TIMEOUT)
    with qtbot.waitSignal(window.runner.results_ready, timeout=SEARCH_TIMEOUT) as blocker:
        window.search_field.setText(text)
    return blocker.args[0]


def test_lists_the_whole_collection(window, library) -> None:
    assert shown_ids(window) == {r.id for r in library.catalog.resources}
    assert str(len(library.catalog.resources)) in window.statusBar().currentMessage()


def test_facets_filter_the_library_and_show_counts(window, library) -> None:
    renew = {r.id for r in library.catalog.resources if "renew" in r.pillars}
    assert facet_labels(window, "pillar")["renew"] == f"Renew ({len(renew)})"
    window.facet_panel.toggle("pillar", "renew")
    assert shown_ids(window) == renew
    window.facet_panel.toggle("kind", "infographic")
    both = {
        r.id for r in library.catalog.resources if "renew" in r.pillars and r.kind == "infographic"
    }
    assert shown_ids(window) == both
    # Counts follow the other facets: the pillar counts now count infographics only.
    infographic_reset = sum(
        "reset" in r.pillars and r.kind == "infographic" for r in library.catalog.resources
    )
    assert facet_labels(window, "pillar")["reset"] == f"Reset ({infographic_reset})"


def test_ticking_a_facet_in_the_tree(window, library) -> None:
    panel = window.facet_panel
    group = panel.topLevelItem(1)  # Kind
    item = next(
        group.child(j)
        for j in range(group.childCount())
        if group.child(j).data(0, VALUE_ROLE) == ("kind", "guide")
    )
    item.setCheckState(0, Qt.CheckState.Checked)
    assert shown_ids(window) == {r.id for r in library.catalog.resources if r.kind == "guide"}


def test_typing_shows_results_grouped_by_resource(qtbot, window) -> None:
    results = search(qtbot, window, "digital poverty")
    assert results.total > 0
    assert window.centre.currentWidget() is window.results
    top = window.results.topLevelItem(0)
    assert top.text(0).startswith("Digital poverty and inclusion after the pandemic")
    hit = top.child(0)
    assert hit.data(0, HIT_ROLE)[0] == "digital-poverty"
    text, spans = hit.text(0), hit.data(0, SPANS_ROLE)
    assert {text[s:e].lower() for s, e in spans} >= {"digital", "poverty"}


def test_a_search_made_while_indexing_is_answered_again_when_it_ends(qtbot, window) -> None:
    answers = []
    window.runner.results_ready.connect(lambda r: answers.append(r.total))
    window.search_field.setText("climate")
    qtbot.waitUntil(
        lambda: not window.indexing and answers and answers[-1] > 0, timeout=SEARCH_TIMEOUT
    )
    assert window.progress.isHidden()


def test_search_honours_the_facets(qtbot, window, library) -> None:
    window.facet_panel.toggle("pillar", "reform")
    results = search(qtbot, window, "data")
    assert results.hits
    assert all("reform" in library.resource(h.resource_id).pillars for h in results.hits)


def test_clearing_the_search_shows_the_library(qtbot, window, library) -> None:
    search(qtbot, window, "climate")
    assert " match" in window.statusBar().currentMessage()
    window.search_field.clear()
    assert window.centre.currentWidget() is window.table
    assert window.statusBar().currentMessage() == f"{len(library.catalog.resources)} resources"


def test_did_you_mean(qtbot, window) -> None:
    search(qtbot, window, "povrty")
    assert window.suggestion_action.isVisible()
    assert window.suggestion.text() == "Did you mean: poverty"
    with qtbot.waitSignal(window.runner.results_ready, timeout=SEARCH_TIMEOUT):
        window.suggestion.click()
    assert window.search_field.text() == "poverty"
    assert not window.suggestion_action.isVisible()


def test_only_the_latest_query_is_answered(qtbot, window) -> None:
    search(qtbot, window, "climate")  # the index is ready from here on
    answers = []
    window.runner.results_ready.connect(lambda r: answers.append(r.query))
    window.search_field.setText("recruit")
    window.search_field.setText("recruitment")
    qtbot.waitUntil(lambda: bool(answers), timeout=SEARCH_TIMEOUT)
    qtbot.wait(300)
    assert answers == ["recruitment"]


def test_opening_a_hit_shows_where_it_is(qtbot, window) -> None:
    search(qtbot, window, "test and trace")
    hit = window.results.topLevelItem(0).child(0)
    _resource_id, page = hit.data(0, HIT_ROLE)
    window.results.itemActivated.emit(hit, 0)
    assert window.detail_title.text().startswith("Lessons from local test and trace")
    assert f"opened at page {page}" in window.detail_meta.text()


def test_ctrl_k_and_slash_focus_the_search(qtbot, window) -> None:
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.search_field
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Slash)
    assert QApplication.focusWidget() is window.search_field


def test_selecting_shows_details_as_plain_text(window, library) -> None:
    window.table.selectRow(0)
    rid = window.proxy.index(0, 0).data(RESOURCE_ROLE)
    resource = library.resource(rid)
    assert window.detail_title.text() == resource.title
    assert window.detail_summary.text() == resource.summary
    for label in window.details.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText


def test_controls_have_accessible_names_and_tooltips(window) -> None:
    for widget in (window.search_field, window.facet_panel, window.table, window.results):
        assert widget.accessibleName() and widget.toolTip()


def test_window_state_is_restored(qtbot, library, tmp_path) -> None:
    first = make_window(qtbot, library, tmp_path / "state.ini")
    first.resize(700, 500)  # within the offscreen screen (800 x 600)
    first.splitter.setSizes([100, 500, 300])
    sizes = first.splitter.sizes()
    first.close()
    second = make_window(qtbot, library, tmp_path / "state.ini")
    assert (second.width(), second.height()) == (700, 500)
    assert second.splitter.sizes() == sizes
    second.close()
