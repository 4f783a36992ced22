"""Full-text search: the only package that imports Whoosh.

``index.SearchIndex`` keeps one index document per page, updates it
incrementally from the catalog and rebuilds it when it is missing, stale or
damaged. Import the submodules directly: this file stays empty so that loading
``search.errors`` or ``search.results`` does not load Whoosh.
"""
