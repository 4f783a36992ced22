"""Full-text search: the only package that imports Whoosh.

``SearchIndex`` keeps one index document per page, updates it incrementally
from the catalog and rebuilds it when it is missing, stale or damaged.
"""

from reader_app.search.index import IndexReport, SearchIndex
from reader_app.search.results import Hit, SearchResults
from reader_app.search.sources import IndexSource

__all__ = ["Hit", "IndexReport", "IndexSource", "SearchIndex", "SearchResults"]
