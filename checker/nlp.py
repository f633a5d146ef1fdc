"""The one spaCy seam: pipeline construction, sentence splitting and pattern matching.

Only this module imports spaCy. Everything else sees :class:`Sentence` records and
:class:`PatternSet` objects, so a different NLP engine could be dropped in here alone (presidio's
``NlpEngine`` habit). The default pipeline is ``spacy.blank("en")`` + sentencizer + a lower-casing
lookup lemmatizer whose table ships in the ``spacy-lookups-data`` wheel: nothing is downloaded at
run time.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Iterator, Sequence

import numpy
import spacy
from spacy.attrs import LEMMA, LOWER
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc, Token

from .models import Block, BlockKind, Document, Match, Sentence
from .pattern_anchors import Anchor, anchors_of, max_length

DEFAULT_MODEL = "blank"
BLOCK_SEPARATOR = "\n\n"


class ModelUnavailable(Exception):
    """The requested spaCy model is not installed."""


class PatternError(ValueError):
    """A checklist pattern spaCy cannot compile; the message says why."""


class LowercaseLookupLemmatizer(Lemmatizer):
    """spaCy's lookup lemmatizer, but keyed on the lower-cased token.

    The stock lookup mode keys on the exact text, so "Children" at a sentence start would not become
    "child". Policies capitalise freely (headings, "Personal Data"), and patterns are written in
    lower case, so lemmas are lower case here.
    """

    @classmethod
    def get_lookups_config(cls, mode: str) -> tuple[list[str], list[str]]:
        if mode == "lowercase_lookup":
            return (["lemma_lookup"], [])
        return super().get_lookups_config(mode)

    def __call__(self, doc: Doc) -> Doc:
        """Lemmatize the whole Doc through its hash arrays: one dictionary lookup per distinct word
        instead of spaCy's per-token Python path (which cost as much as tokenising)."""
        if self.mode != "lowercase_lookup" or not len(doc):
            return super().__call__(doc)
        cache: dict[int, int] = self.__dict__.setdefault("_lemma_of_lower", {})
        table = self.lookups.get_table("lemma_lookup", {})
        strings = doc.vocab.strings
        lemmas = []
        for lower in doc.to_array([LOWER]).tolist():
            lemma = cache.get(lower)
            if lemma is None:
                text = strings[lower]
                lemma = cache[lower] = strings.add(table.get(text, text))
            lemmas.append(lemma)
        doc.from_array([LEMMA], numpy.asarray(lemmas, dtype="uint64"))
        return doc

    def lowercase_lookup_lemmatize(self, token: Token) -> list[str]:
        table = self.lookups.get_table("lemma_lookup", {})
        text = token.lower_
        return [table.get(text, text)]


@Language.factory("gapcheck_lemmatizer", default_config={"mode": "lowercase_lookup", "overwrite": True})
def _make_lemmatizer(nlp: Language, name: str, mode: str, overwrite: bool) -> LowercaseLookupLemmatizer:
    return LowercaseLookupLemmatizer(nlp.vocab, None, name, mode=mode, overwrite=overwrite)


@lru_cache(maxsize=4)
def get_pipeline(model: str = DEFAULT_MODEL) -> Language:
    """Build (once per process) the pipeline named ``model``.

    ``blank`` is the download-free default. Any installed spaCy package name (``en_core_web_sm``)
    may be given; its parser/senter splits sentences, and its lemmatizer is replaced by the same
    lower-casing lookup lemmatizer as the default, because checklist patterns are written against
    those lemmas (``cookies`` -> ``cooky``): a different lemmatizer would silently change what every
    pattern means.
    """
    if model in (DEFAULT_MODEL, "", None):
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("gapcheck_lemmatizer")
        nlp.initialize()
        nlp.max_length = 20_000_000
        return nlp
    try:
        nlp = spacy.load(model, exclude=["ner"])
    except OSError:
        raise ModelUnavailable(
            f"spaCy model '{model}' is not installed (python -m spacy download {model}); "
            "the default pipeline needs no model") from None
    if "lemmatizer" in nlp.pipe_names:
        nlp.replace_pipe("lemmatizer", "gapcheck_lemmatizer")
        nlp.rename_pipe("lemmatizer", "gapcheck_lemmatizer")
    else:
        nlp.add_pipe("gapcheck_lemmatizer")
    nlp.get_pipe("gapcheck_lemmatizer").initialize()
    nlp.max_length = 20_000_000
    return nlp


# --------------------------------------------------------------------------------------------
# Documents -> sentences
# --------------------------------------------------------------------------------------------

@dataclass
class ParsedDocument:
    """A document after NLP: its sentences, plus the spaCy Doc kept private for pattern matching."""

    document: Document
    sentences: list[Sentence]
    _doc: Doc
    _sentence_of_token: list[int]
    _sentence_start: list[int]  # character offset of each sentence in the Doc text


def _joined_text(document: Document) -> tuple[str, list[int]]:
    starts: list[int] = []
    pieces: list[str] = []
    offset = 0
    for block in document.blocks:
        starts.append(offset)
        pieces.append(block.text)
        offset += len(block.text) + len(BLOCK_SEPARATOR)
    return BLOCK_SEPARATOR.join(pieces), starts


def parse_documents(documents: Sequence[Document], model: str = DEFAULT_MODEL,
                    batch_size: int = 16) -> Iterator[ParsedDocument]:
    """Run the pipeline over documents with ``nlp.pipe`` and cut them into sentences.

    Each document becomes one Doc (block texts joined by blank lines). Sentences never cross a
    block boundary, so headings and list items are sentences of their own, and each sentence is
    tagged with the heading it sits under and its line in the original file.
    """
    nlp = get_pipeline(model)
    prepared = [_joined_text(d) for d in documents]
    docs = nlp.pipe((text for text, _ in prepared), batch_size=batch_size)
    for document, (text, block_starts), doc in zip(documents, prepared, docs):
        yield _sentences(document, block_starts, doc)


def parse_document(document: Document, model: str = DEFAULT_MODEL) -> ParsedDocument:
    """Parse one document (see :func:`parse_documents`)."""
    return next(parse_documents([document], model))


def _sentences(document: Document, block_starts: list[int], doc: Doc) -> ParsedDocument:
    blocks = document.blocks
    token_block: list[int] = []
    for token in doc:
        token_block.append(max(0, bisect.bisect_right(block_starts, token.idx) - 1))
    sentences: list[Sentence] = []
    sentence_start: list[int] = []
    sentence_of_token = [-1] * len(doc)
    heading: str | None = None
    section = 0
    full_text = doc.text  # Doc.text rebuilds the string on every access: read it once

    def emit(start: int, end: int) -> None:
        nonlocal heading, section
        tokens = [t for t in doc[start:end] if not t.is_space]
        if not tokens:
            return
        b = token_block[tokens[0].i]
        block: Block = blocks[b]
        first, last = tokens[0], tokens[-1]
        char_start, char_end = first.idx, last.idx + len(last.text)
        text = full_text[char_start:char_end]
        local = char_start - block_starts[b]
        if block.kind is BlockKind.HEADING and local == 0:
            section += 1
            heading = block.text
        index = len(sentences)
        sentence_start.append(char_start)
        for t in range(start, end):
            sentence_of_token[t] = index
        links = tuple(
            type(link)(link.text, link.target, link.start - local, link.end - local)
            for link in block.links if link.start >= local and link.end <= local + len(text))
        sentences.append(Sentence(
            index=index, text=text, line=block.line_at(local), kind=block.kind,
            heading=heading,
            section=section,
            lemmas=tuple(t.lemma_.lower() or t.lower_ for t in tokens),
            token_offsets=tuple(t.idx - char_start for t in tokens),
            links=links, page=block.page))

    for sent in doc.sents:
        start = sent.start
        for i in range(sent.start, sent.end):
            if token_block[i] != token_block[start]:
                emit(start, i)
                start = i
        emit(start, sent.end)
    return ParsedDocument(document, sentences, doc, sentence_of_token, sentence_start)


# --------------------------------------------------------------------------------------------
# Patterns
# --------------------------------------------------------------------------------------------

Pattern = str | list[dict[str, Any]]


class PatternSet:
    """A named collection of phrase and token patterns compiled into one Matcher + PhraseMatcher.

    A pattern is a phrase when it is a string (matched on lemmas, so "retention period" also finds
    "retention periods") and a spaCy token pattern when it is a list of dicts: one rule record, one
    dispatch point (spaCy's ``span_ruler``). Every match carries the id of the pattern that fired.
    """

    def __init__(self, model: str = DEFAULT_MODEL) -> None:
        self._nlp = get_pipeline(model)
        self._matcher = Matcher(self._nlp.vocab, validate=True)  # patterns without an anchor: whole doc
        self._phrases = PhraseMatcher(self._nlp.vocab, attr="LEMMA")
        # anchored patterns, one Matcher each (grouping a requirement's patterns into one Matcher
        # measured slower: 6.2 s vs 4.1 s on modern-dev), with the pattern's anchors and longest match
        self._anchored: list[tuple[Matcher, list[Anchor], int | None]] = []
        self._ids: set[str] = set()
        self.token_patterns: list[tuple[str, list[dict[str, Any]]]] = []
        """Every token pattern as added (for tools and for checking the anchored matching)."""

    def add(self, pattern_id: str, pattern: Pattern) -> None:
        """Compile one pattern; raise :class:`PatternError` saying what is wrong with it."""
        if isinstance(pattern, str):
            phrase = pattern.strip()
            if not phrase:
                raise PatternError("empty phrase")
            self._phrases.add(pattern_id, [self._nlp(phrase)])
        elif isinstance(pattern, list) and pattern and all(isinstance(t, dict) for t in pattern):
            anchors = anchors_of(pattern)
            matcher = Matcher(self._nlp.vocab, validate=True) if anchors else self._matcher
            try:
                matcher.add(pattern_id, [pattern])
            except Exception as exc:  # spaCy raises MatchPatternError/ValueError with details
                detail = " ".join(str(exc).split())
                raise PatternError(f"invalid token pattern: {detail}") from None
            if anchors:
                self._anchored.append((matcher, anchors, max_length(pattern)))
            self.token_patterns.append((pattern_id, pattern))
        else:
            raise PatternError("a pattern must be a phrase (string) or a token pattern (list of dicts)")
        self._ids.add(pattern_id)

    def __len__(self) -> int:
        return len(self._ids)

    def find(self, parsed: ParsedDocument) -> list[Match]:
        """All matches in the document that lie inside one sentence, in document order.

        Anchored patterns run only on the sentences that contain one of their anchor words (see
        :mod:`checker.pattern_anchors`); the result is the same as running every pattern on the
        whole document and keeping the matches inside a sentence, at a fraction of the cost.
        """
        doc = parsed._doc
        owner = parsed._sentence_of_token
        raw: list[tuple[int, int, int]] = list(self._matcher(doc)) if len(self._matcher) else []
        if len(self._phrases):
            raw.extend(self._phrases(doc))
        if self._anchored:
            raw.extend(self._find_anchored(doc, owner))
        return self._collect(parsed, raw)

    def _find_anchored(self, doc: Doc, owner: list[int]) -> list[tuple[int, int, int]]:
        """Run each anchored pattern where it can match: in the sentences holding a word of every
        one of its anchors, and there only within reach of its rarest anchor's occurrences."""
        positions: dict[str, dict[int, list[int]]] = {"LOWER": {}, "LEMMA": {}}
        by_lower, by_lemma = positions["LOWER"], positions["LEMMA"]
        arrays = doc.to_array([LOWER, LEMMA]).tolist() if len(doc) else []
        bounds: dict[int, list[int]] = {}
        for i, (lower, lemma) in enumerate(arrays):
            sentence = owner[i]
            if sentence < 0:
                continue
            by_lower.setdefault(lower, []).append(i)
            by_lemma.setdefault(lemma, []).append(i)
            edge = bounds.get(sentence)
            if edge is None:
                bounds[sentence] = [i, i + 1]
            else:
                edge[1] = i + 1
        strings = doc.vocab.strings
        occurrences: dict[Anchor, list[int]] = {}
        holding: dict[Anchor, set[int]] = {}

        def where(anchor: Anchor) -> tuple[list[int], set[int]]:
            found = occurrences.get(anchor)
            if found is None:
                index = positions[anchor[0]]
                found = sorted(i for value in anchor[1] for i in index.get(strings[value], ()))
                occurrences[anchor] = found
                holding[anchor] = {owner[i] for i in found}
            return found, holding[anchor]

        raw: list[tuple[int, int, int]] = []
        for matcher, anchors, reach in self._anchored:
            candidates: set[int] | None = None
            rarest: list[int] = []
            for anchor in sorted(anchors, key=lambda a: len(a[1])):
                found, sentences = where(anchor)
                if candidates is None or len(found) < len(rarest):
                    rarest = found
                candidates = set(sentences) if candidates is None else candidates & sentences
                if not candidates:
                    break
            for sentence in candidates or ():
                start, end = bounds[sentence]
                if reach is not None:
                    first = rarest[bisect.bisect_left(rarest, start)]
                    last = rarest[bisect.bisect_left(rarest, end) - 1]
                    start, end = max(start, first - reach + 1), min(end, last + reach)
                offset = start
                raw.extend((mid, offset + a, offset + b) for mid, a, b in matcher(doc[start:end]))
        return raw

    def _collect(self, parsed: ParsedDocument, raw: list[tuple[int, int, int]]) -> list[Match]:
        """Matches inside one sentence, the shortest span per pattern and sentence, in order."""
        doc = parsed._doc
        owner = parsed._sentence_of_token
        vocab = self._nlp.vocab
        found: dict[tuple[str, int], Match] = {}
        for match_id, start, end in raw:
            sentence = owner[start]
            if sentence < 0 or owner[end - 1] != sentence:
                continue
            sent = parsed.sentences[sentence]
            pid = vocab.strings[match_id]
            base = parsed._sentence_start[sentence]
            s_char = doc[start].idx - base
            e_char = doc[end - 1].idx + len(doc[end - 1].text) - base
            key = (pid, sentence)
            previous = found.get(key)
            # keep the shortest span per pattern and sentence: the words that carry the match
            if previous is None or (e_char - s_char) < (previous.end - previous.start):
                found[key] = Match(pid, sentence, max(0, s_char), min(len(sent.text), e_char))
        return sorted(found.values(), key=lambda m: (m.sentence, m.start, m.pattern_id))


def lemmatize_phrase(text: str, model: str = DEFAULT_MODEL) -> list[str]:
    """Lemmas of a short phrase, as patterns see them (used to explain requirements)."""
    return [t.lemma_.lower() or t.lower_ for t in get_pipeline(model)(text)]


def parse_texts(texts: Iterable[str], model: str = DEFAULT_MODEL) -> Iterator[ParsedDocument]:
    """Parse bare strings as single-paragraph documents (handy for tests and `explain`)."""
    docs = [Document(source=f"<text {i}>", sha256="", blocks=(Block(BlockKind.PARAGRAPH, t, 1),))
            for i, t in enumerate(texts)]
    return parse_documents(docs, model)
