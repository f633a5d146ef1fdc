"""Stage 3, analysis: parsed sentences x requirements -> verdicts, findings, facts, comparisons.

``matching`` decides each requirement's status, ``detectors`` holds one function per finding kind
in one table, ``facts`` reads values (children's age, dates, addresses), ``compare`` sets policies
side by side. ``regex_screen`` keeps the detectors' regexes off sentences they cannot match.
"""
