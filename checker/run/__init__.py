"""Stage 5, run: which policies, where (serial, process pool, Dask) and what is kept.

``scan`` is the library entry (paths in, Report out); ``tasks`` turns one task into an outcome
around :mod:`checker.pipeline` (reading, the cache, errors that never stop a batch); ``local``
schedules tasks in order, serially or in a pool; ``config`` reads settings files;
``cache``, ``light`` and ``sinks`` keep results small and stream JSONL; ``diff`` compares two runs.
"""
