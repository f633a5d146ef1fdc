"""Stage 1, inputs: files, URLs' bytes and standard input -> :class:`checker.models.Document`.

``files`` finds and reads, ``decoding`` turns bytes into text, one loader per format (``markdown``,
``plain_text``, ``html``, ``pdf``) makes blocks, sharing ``inline`` and ``provenance``; ``loader``
is the format table; ``language`` says whether a document is English. Nothing here knows about
NLP, checklists or reports.
"""
