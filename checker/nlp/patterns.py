"""Checklist patterns -> matches: phrases on lemmas, token patterns through the private engine.

:class:`PatternSet` is the one interface; ``engine="fast"`` (the default) runs token patterns
through :mod:`checker.nlp._engine` (shortest match from the rarest word, sentences sifted by their
anchors), ``engine="spacy"`` runs every token pattern through spaCy's own ``Matcher``. Both give the
same matches (``tests/test_token_matcher.py`` checks that on the dev corpus).
"""

from __future__ import annotations

import json
import operator
import re
from typing import Any

from spacy.matcher import Matcher, PhraseMatcher
from spacy.schemas import validate_token_pattern
from spacy.strings import get_string_id

from checker.models import DEFAULT_MODEL, Match, Pattern, PatternError
from checker.nlp._engine.anchor_sieve import AnchorSieve, HashedAnchor
from checker.nlp._engine.columns import DocColumns
from checker.nlp._engine.pattern_anchors import anchors_of
from checker.nlp._engine.token_matcher import CompiledPattern, compile_pattern
from checker.nlp.pipeline import get_pipeline
from checker.nlp.sentences import ParsedDocument

_DOCUMENT_ORDER = operator.itemgetter(1, 2, 0)  # Match: sentence, start, pattern id

class PatternSet:
    """A named collection of phrase patterns (one PhraseMatcher on lemmas) and token patterns
    (:mod:`checker.nlp._engine.token_matcher`, or spaCy's Matcher for what it does not cover).

    A pattern is a phrase when it is a string (matched on lemmas, so "retention period" also finds
    "retention periods") and a spaCy token pattern when it is a list of dicts: one rule record, one
    dispatch point (spaCy's ``span_ruler``). Every match carries the id of the pattern that fired.
    """

    ENGINES = ("fast", "spacy")

    def __init__(self, model: str = DEFAULT_MODEL, engine: str = "fast") -> None:
        if engine not in self.ENGINES:
            raise ValueError(f"unknown matching engine {engine!r} (one of {', '.join(self.ENGINES)})")
        self.engine = engine
        self._nlp = get_pipeline(model)
        self._matcher = Matcher(self._nlp.vocab, validate=True)  # patterns outside token_matcher's subset
        self._phrases = PhraseMatcher(self._nlp.vocab, attr="LEMMA")
        self._compiled: list[tuple[int, CompiledPattern, list[HashedAnchor]]] = []
        self._sieve: AnchorSieve | None = None  # built on the first find, after every add
        self._ids: set[str] = set()
        self._names: dict[int, str] = {}  # match key (string-store hash) -> pattern id
        self.token_patterns: list[tuple[str, list[dict[str, Any]]]] = []
        """Every token pattern as added (for tools and for checking the anchored matching)."""
        self._same: dict[str, int] = {}  # a token pattern's canonical JSON -> its key in _compiled
        self._aliases: dict[int, list[int]] = {}  # key -> the keys of other ids with the very same pattern
        """One pattern shared by several requirements (a checklist's applicability conditions, by YAML
        anchor) runs once and is reported under every id: it was a fifth of the compiled patterns."""

    def add(self, pattern_id: str, pattern: Pattern) -> None:
        """Compile one pattern; raise :class:`PatternError` saying what is wrong with it."""
        if isinstance(pattern, str):
            phrase = pattern.strip()
            if not phrase:
                raise PatternError("empty phrase")
            self._phrases.add(pattern_id, [self._nlp(phrase)])
        elif isinstance(pattern, list) and pattern and all(isinstance(t, dict) for t in pattern):
            problems = validate_token_pattern(pattern)
            if problems:
                raise PatternError("invalid token pattern: " + "; ".join(" ".join(p.split()) for p in problems))
            try:
                compiled = compile_pattern(pattern)
            except re.error as exc:
                raise PatternError(f"invalid token pattern: bad REGEX ({exc})") from None
            if compiled is None or self.engine == "spacy":  # spaCy's Matcher runs it
                try:
                    self._matcher.add(pattern_id, [pattern])
                except Exception as exc:  # spaCy raises MatchPatternError/ValueError with details
                    detail = " ".join(str(exc).split())
                    raise PatternError(f"invalid token pattern: {detail}") from None
            else:
                key = self._nlp.vocab.strings.add(pattern_id)
                canonical = json.dumps(pattern, sort_keys=True)
                if canonical in self._same:
                    self._aliases.setdefault(self._same[canonical], []).append(key)
                else:
                    self._same[canonical] = key
                    anchors = [(column, frozenset(get_string_id(w) for w in words)) for column, words in anchors_of(pattern)]
                    self._compiled.append((key, compiled, anchors))
                    self._sieve = None
            self.token_patterns.append((pattern_id, pattern))
        else:
            raise PatternError("a pattern must be a phrase (string) or a token pattern (list of dicts)")
        self._ids.add(pattern_id)
        self._names[self._nlp.vocab.strings.add(pattern_id)] = pattern_id

    def __len__(self) -> int:
        return len(self._ids)

    def prepare(self) -> None:
        """Build what :meth:`find` needs once all patterns are added (the anchor sieve), here
        rather than on the first policy: a process pool forked afterwards inherits it."""
        if self._sieve is None:
            self._sieve = AnchorSieve([anchors for _, _, anchors in self._compiled])

    def find(self, parsed: ParsedDocument) -> list[Match]:
        """All matches in the document that lie inside one sentence, in document order: per pattern
        and sentence the shortest (see :mod:`checker.nlp._engine.token_matcher`).

        A pattern only runs on the sentences holding a word of each of its required word lists
        (:mod:`checker.nlp._engine.pattern_anchors`); the result is what running spaCy's Matcher over the whole
        document and keeping the shortest match inside each sentence gives, at a fraction of the cost.
        """
        if not parsed.sentences:  # an empty or blank text: a match must lie inside a sentence
            return []
        doc = parsed._doc
        raw: list[tuple[int, int, int]] = list(self._phrases(doc)) if len(self._phrases) else []
        view = parsed.columns()
        if len(self._matcher):
            raw.extend(self._matcher(doc))
        self.prepare()  # a no-op unless patterns were added since
        assert self._sieve is not None
        sifted = self._sieve.sift(view, len(parsed.sentences))
        for (key, compiled, _), candidates in zip(self._compiled, sifted):
            if candidates is not None and not candidates:
                continue
            found = list(compiled.shortest(view, candidates).values())
            raw.extend((key, start, end) for start, end in found)
            for alias in self._aliases.get(key, ()):
                raw.extend((alias, start, end) for start, end in found)
        return self._collect(parsed, raw, view)

    def _collect(self, parsed: ParsedDocument, raw: list[tuple[int, int, int]],
                 view: DocColumns | None = None) -> list[Match]:
        """Matches inside one sentence, the shortest span per pattern and sentence, in order."""
        view = view or parsed.columns()
        idx, length = view.column("IDX"), view.column("LENGTH")
        owner = parsed._sentence_of_token
        names, sentence_start, sentences = self._names, parsed._sentence_start, parsed.sentences
        found: dict[tuple[int, int], tuple[int, int]] = {}  # (pattern key, sentence) -> characters
        for match_id, start, end in raw:
            sentence = owner[start]
            if sentence < 0 or owner[end - 1] != sentence:
                continue
            base = sentence_start[sentence]
            span = (idx[start] - base, idx[end - 1] + length[end - 1] - base)
            key = (match_id, sentence)
            previous = found.get(key)
            # keep the shortest span per pattern and sentence: the words that carry the match
            if previous is None or (span[1] - span[0]) < (previous[1] - previous[0]):
                found[key] = span
        matches = [Match(names[match_id], sentence, max(0, s_char), min(len(sentences[sentence].text), e_char))
                   for (match_id, sentence), (s_char, e_char) in found.items()]
        return sorted(matches, key=_DOCUMENT_ORDER)

