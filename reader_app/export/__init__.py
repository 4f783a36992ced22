"""Exporting annotations: what is exported (``scope``), how it is grouped and cited
(``collect``), and one module per format. Every writer returns bytes; ``files`` writes
them atomically under a sanitised name."""
