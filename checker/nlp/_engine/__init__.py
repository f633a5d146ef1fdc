"""The speed engine: hand-made replacements for parts of spaCy and of ``re``, private to :mod:`checker.nlp`.

Each module here gives the same answer as the library code it stands in for (tests compare them)
and is used only through :class:`checker.nlp.patterns.PatternSet` and :mod:`checker.nlp.components`.
"""
