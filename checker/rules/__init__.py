"""Rules: checklist YAML -> validated, compiled :class:`~checker.rules.checklist.Requirement` records.

``yaml_source`` reads YAML keeping line numbers, ``checklist`` validates strictly (an unknown key
is an error naming file, line and item) and compiles the patterns through :mod:`checker.nlp`. A
new requirement is a YAML edit in ``checklists/`` with its examples; nothing here changes.
"""
