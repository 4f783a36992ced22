"""The search panel says when its answer may be incomplete: another Resource Reader is
writing the index (before: the results were silently stale)."""

from index_writer import writing_elsewhere
from PySide6.QtCore import Qt

from reader_app.gui.search_panel import ResultsView
from reader_app.search.errors import BUSY_NOTICE
from reader_app.search.results import SearchResults

SEARCH_TIMEOUT = 30_000  # ms: the first search waits for the index to be built


def search(qtbot, window, text: str) -> SearchResults:
    qtbot.waitUntil(lambda: not window.indexing, timeout=SEARCH_TIMEOUT)
    with qtbot.waitSignal(window.runner.results_ready, timeout=SEARCH_TIMEOUT) as blocker:
        window.search_field.setText(text)
    return blocker.args[0]


def test_a_notice_over_the_results_while_another_process_writes(qtbot, window, library) -> None:
    assert search(qtbot, window, "pillar").notices == ()
    assert window.results.notice.isHidden()
    with writing_elsewhere(library.index_dir, library.index_sources()):
        results = search(qtbot, window, "pillars")
        assert results.notices == (BUSY_NOTICE,) and results.hits
        notice = window.results.notice
        assert notice.isVisible() and notice.text() == BUSY_NOTICE[0].upper() + BUSY_NOTICE[1:]
        assert window.results.topLevelItemCount() > 0  # the hits are there, below it
        assert notice.geometry().bottom() < window.results.viewport().geometry().top()
    assert search(qtbot, window, "pillar").notices == ()
    assert window.results.notice.isHidden()


def test_the_notice_is_plain_text(qtbot, library) -> None:
    view = ResultsView(library.catalog)
    qtbot.addWidget(view)
    view.show()
    view.show_results(SearchResults("x", 0, notices=("<b>not bold</b>",)))
    assert view.notice.textFormat() == Qt.TextFormat.PlainText
    assert view.notice.text() == "<b>not bold</b>" and view.notice.isVisible()
