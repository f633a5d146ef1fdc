"""Stage 2, nlp: the one spaCy seam. Documents -> sentences (``sentences``), patterns -> matches
(``patterns``), built on ``pipeline`` and gapcheck's ``components``. The speed engine behind
:class:`~checker.nlp.patterns.PatternSet` and the tokenizer is private (``_engine``)."""
