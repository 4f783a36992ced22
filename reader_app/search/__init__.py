"""Full-text search: the only package that imports Whoosh.

``index.SearchIndex`` keeps one index document per page and one per annotation
with text, updates it incrementally from the catalog and the user's annotations,
and rebuilds it when it is missing, stale or damaged (``index_folder`` keeps its folder:
never following a link, marking who writes it). Import the submodules
directly: this file stays empty so that loading ``search.errors`` or
``search.results`` does not load Whoosh.
"""
