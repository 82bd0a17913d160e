"""Everything that exists only to be fast. Switched off (``BuildOptions(speed=False)``, ``build --no-cache``), every
build gives the same bytes: the golden tests build both ways. Only ``pipeline.py``, ``preview/``
and ``cli.py`` (its first question: has anything changed?) import it."""
