"""The one spaCy seam: pipeline construction, sentence splitting and pattern matching.

Only this module (and :mod:`checker.token_matcher`, which only it uses) imports spaCy. Everything
else sees :class:`Sentence` records and :class:`PatternSet` objects, so a different NLP engine
could be dropped in here alone (presidio's ``NlpEngine`` habit). The default pipeline is
``spacy.blank("en")`` + sentencizer + a lower-casing lookup lemmatizer whose table ships in the
``spacy-lookups-data`` wheel: nothing is downloaded at run time.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Iterator, Sequence

import catalogue
import numpy

from . import spacy_import  # noqa: F401, I001 - before any spaCy import: spaCy without its command line
import spacy
from spacy.attrs import IDX, IS_SPACE, LEMMA, LENGTH, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.pipeline import Lemmatizer, Sentencizer
from spacy.schemas import validate_token_pattern
from spacy.strings import get_string_id
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Token

from . import affix_rules
from .models import (DEFAULT_MODEL, Block, BlockKind, Document, Match, ModelUnavailable, Pattern,  # noqa: F401
                     PatternError, Sentence)
from .anchor_sieve import AnchorSieve, HashedAnchor
from .pattern_anchors import anchors_of
from .token_matcher import (CompiledPattern, DocColumns, compile_pattern, distinct_values, flag_test, member_of,
                            word_table)

BLOCK_SEPARATOR = "\n\n"
_DOCUMENT_ORDER = operator.itemgetter(1, 2, 0)  # Match: sentence, start, pattern id
_COLUMNS = "gapcheck_columns"
"""``Doc.user_data`` key of token columns already read (attribute name -> array), for the matcher."""
_DISTINCT = "gapcheck_distinct"
"""``Doc.user_data`` key of columns' distinct values already worked out (name -> sorted array)."""


LEMMA_MEMORY = 500_000
"""Most lemmas remembered by a lemmatizer before it forgets them all (a few tens of MB)."""


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

    def initialize(self, get_examples: Any = None, *, nlp: Language | None = None, lookups: Any = None) -> None:
        """Load the lemma table: for this mode the table's JSON as a plain dict.

        spaCy builds a ``Table`` keyed by string hashes, hashing its 41,582 words one at a time in
        Python (0.07 s of every start, paid before any worker process forks); the same JSON read
        into a dict takes 0.02 s and answers the same. Lookups given or loaded from disk are used
        as spaCy uses them.
        """
        if self.mode != "lowercase_lookup" or lookups is not None:
            super().initialize(get_examples, nlp=nlp, lookups=lookups)
            return
        try:
            path = spacy.util.registry.lookups.get(self.vocab.lang)["lemma_lookup"]
        except (KeyError, catalogue.RegistryError):  # no spacy-lookups-data: spaCy's own error
            super().initialize(get_examples, nlp=nlp, lookups=lookups)
            return
        self._lemma_of_word = spacy.util.load_language_data(path)

    def _lemma_table(self) -> Any:
        """The word -> lemma table: the lookups' when it has one, else the dict :meth:`initialize` read."""
        if self.lookups.has_table("lemma_lookup"):
            return self.lookups.get_table("lemma_lookup")
        return self.__dict__.get("_lemma_of_word", {})

    def __call__(self, doc: Doc) -> Doc:
        """Lemmatize the whole Doc through its hash arrays: one dictionary lookup per distinct word
        instead of spaCy's per-token Python path (which cost as much as tokenising)."""
        if self.mode != "lowercase_lookup":
            return super().__call__(doc)
        if not len(doc):
            return doc
        cache: dict[int, int] = self.__dict__.setdefault("_lemma_of_lower", {})
        if len(cache) > LEMMA_MEMORY:
            cache.clear()  # bounded: a nightly run meets an open-ended vocabulary (ids, URLs, typos)
        table = self._lemma_table()
        strings = doc.vocab.strings
        lowers = doc.to_array([LOWER])
        distinct, where = numpy.unique(lowers, return_inverse=True)
        lemmas = []
        for lower in distinct.tolist():
            lemma = cache.get(lower)
            if lemma is None:
                text = strings[lower]
                lemma = cache[lower] = strings.add(table.get(text, text))
            lemmas.append(lemma)
        lemma_column = numpy.asarray(lemmas, dtype="uint64")[where.reshape(-1)]
        doc.from_array([LEMMA], lemma_column)
        # the last component: hand the matcher these columns instead of reading them again
        doc.user_data.setdefault(_COLUMNS, {}).update(LOWER=lowers, LEMMA=lemma_column)
        return doc

    def lowercase_lookup_lemmatize(self, token: Token) -> list[str]:
        table = self._lemma_table()
        text = token.lower_
        return [table.get(text, text)]


class WordFlags:
    """Which tokens are punctuation and which whitespace, from their words' answers in the ORTH
    word table (:class:`~checker.token_matcher.WordTable`), remembered across policies.
    ``Doc.to_array`` reads a flag at ~90 ns a token (0.5 ms a policy for each of IS_PUNCT and
    IS_SPACE); a policy has a few hundred distinct words, most met before, and a token's flags
    are its word's (its lexeme's)."""

    def __init__(self) -> None:
        self._punct = flag_test("IS_PUNCT", True)
        self._space = flag_test("IS_SPACE", True)

    def of(self, doc: Doc, orth: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
        """(is punctuation, is whitespace) per token, as booleans, for ``doc``'s ORTH column."""
        words = distinct_values(orth)
        doc.user_data.setdefault(_DISTINCT, {})["ORTH"] = words  # the matcher's word tests ask them again
        table = word_table("ORTH", doc.vocab)
        table.learn(words, doc.vocab)
        return (member_of(orth, table.passing(self._punct, words, doc.vocab)),
                member_of(orth, table.passing(self._space, words, doc.vocab)))


CITATION_ABBREVIATIONS = frozenset(
    "Art Arts art arts Abs lit Lit para paras Para Par par Sec Sect sec No Nos Nr Reg Ch Vol pp cf Cf".split())
"""Words that, written with a period, cite a provision: "Art. 6(1)(a)", "Art. 6 para. 1 lit. f",
"Sec. 1798.100", "Regulation (EU) No. 2016/679", "cf. Art. 5". spaCy's tokenizer makes the period
its own token (it keeps "e.g." and "Inc." whole), so the rule-based sentencizer ends a sentence
there and an audit's evidence shows "... under Art." and "6(1)(a) GDPR ..." as two sentences."""
RUNNING_ABBREVIATIONS = frozenset("etc et seq al approx incl esp resp viz vs sq".split())
"""Abbreviations that end a sentence only before a capital: "cookies, pixels, etc. to measure ...",
"§ 1546 et. seq.", "three sq. km" go on; "... and so on, etc. We also ..." ends."""


_ABBREVIATION_IDS = numpy.asarray(
    sorted(get_string_id(w) for w in CITATION_ABBREVIATIONS | RUNNING_ABBREVIATIONS), dtype="uint64")
_OPENERS = numpy.asarray(sorted(get_string_id(c) for c in ("(", "[")), dtype="uint64")
_PERIOD = get_string_id(".")


def continues_after_period(abbreviation: str, following: str) -> bool:
    """Whether ``abbreviation`` + "." + ``following`` goes on rather than ending a sentence.

    After a citation word the next token must be a number or a bracket ("Art. 6", "Reg. (EU)") or
    a single lower-case letter ("lit. f"); "cf." never ends a sentence; after a running
    abbreviation (etc., et seq., approx.) the next token must start in lower case or with a digit.
    """
    if not following:
        return False
    if abbreviation in RUNNING_ABBREVIATIONS:
        return following[0].islower() or following[0].isdigit()
    if abbreviation not in CITATION_ABBREVIATIONS:
        return False
    if abbreviation in ("cf", "Cf"):
        return True
    return following[0].isdigit() or following[0] in "([" or (len(following) == 1 and following.islower())


class ArraySentencizer(Sentencizer):
    """spaCy's rule-based sentencizer, same rule and punctuation, computed with numpy over the
    Doc's ORTH array and its words' punctuation flags (:class:`WordFlags`): the stock one builds a
    Token object per token, which cost a fifth of tokenising. One departure: no sentence starts
    after the period of a legal citation or of "etc." and the like before a lower-case word
    (:func:`continues_after_period`)."""

    def predict(self, docs: Iterable[Doc]) -> list[numpy.ndarray]:
        """The stock rule, vectorised: a sentence starts at every word (a token neither punctuation
        nor a sentence-final character) with a sentence-final character between it and the word
        before it; the first token always starts one."""
        punct = self.__dict__.get("_punct_ids")
        if punct is None:
            punct = self.__dict__["_punct_ids"] = numpy.asarray(sorted(get_string_id(c) for c in self.punct_chars),
                                                                dtype="uint64")
        flags: WordFlags = self.__dict__.setdefault("_word_flags", WordFlags())
        guesses = []
        for doc in docs:
            marks = numpy.zeros(len(doc), dtype=bool)
            if len(doc):
                orth = doc.to_array(ORTH)
                is_punct, is_space = flags.of(doc, orth)
                # for the matcher and for cutting sentences: not read again
                doc.user_data.setdefault(_COLUMNS, {}).update(ORTH=orth, IS_SPACE=is_space)
                final = member_of(orth, punct)
                words = numpy.flatnonzero(~final & ~is_punct)
                finals_before = numpy.concatenate(([0], numpy.cumsum(final)))
                previous_word = numpy.concatenate(([-1], words[:-1]))
                between = finals_before[words] - finals_before[previous_word + 1]
                starts = words[between > 0]
                marks[starts] = True
                self._keep_citations(doc, orth, starts, marks)
                marks[0] = True
            guesses.append(marks)
        return guesses

    def _keep_citations(self, doc: Doc, orth: numpy.ndarray, starts: numpy.ndarray, marks: numpy.ndarray) -> None:
        """Unmark the starts that follow "<abbreviation>." directly (a handful per policy are
        looked at, among the few hundred starts)."""
        starts = starts[starts >= 2]
        # the period just before the start, or before an opening bracket there ("Reg. (EU)")
        period = starts - 1 - member_of(orth[starts - 1], _OPENERS).astype(starts.dtype)
        keep = (period >= 1) & (orth[period] == _PERIOD)
        starts, period = starts[keep], period[keep]
        strings = doc.vocab.strings
        cited = member_of(orth[period - 1], _ABBREVIATION_IDS)
        for at, dot in zip(starts[cited].tolist(), period[cited].tolist()):
            if continues_after_period(strings[orth[dot - 1]], strings[orth[dot + 1]]):
                marks[at] = False

    def set_annotations(self, docs: Iterable[Doc], batch_tag_ids: list[numpy.ndarray]) -> None:
        for doc, marks in zip(docs, batch_tag_ids):
            if not len(doc):
                continue
            wanted = numpy.where(marks, 1, -1).astype("uint64")  # to_array's dtype: -1 wraps around
            if not self.overwrite and doc.has_annotation("SENT_START"):
                current = doc.to_array([SENT_START])
                wanted = numpy.where(current == 0, wanted, current)
            doc.from_array([SENT_START], wanted)
            # the sentence starts as written, for cutting sentences (the lemmatizer after this
            # component leaves them alone)
            doc.user_data.setdefault(_COLUMNS, {})["SENT_START"] = (wanted == 1).astype("uint64")


@Language.factory("gapcheck_sentencizer", default_config={"punct_chars": None, "overwrite": False})
def _make_sentencizer(nlp: Language, name: str, punct_chars: list[str] | None, overwrite: bool) -> ArraySentencizer:
    return ArraySentencizer(name, punct_chars=punct_chars, overwrite=overwrite)


@Language.factory("gapcheck_lemmatizer", default_config={"mode": "lowercase_lookup", "overwrite": True})
def _make_lemmatizer(nlp: Language, name: str, mode: str, overwrite: bool) -> LowercaseLookupLemmatizer:
    return LowercaseLookupLemmatizer(nlp.vocab, None, name, mode=mode, overwrite=overwrite)


@spacy.registry.tokenizers("gapcheck.Tokenizer.v1")
def _create_tokenizer() -> Any:
    """spaCy's tokenizer for the language's defaults (``spacy.Tokenizer.v1``), with the affix
    regexes searched rule by rule as :mod:`checker.affix_rules` does: the same tokens for 43% fewer
    instructions. Built in one go: setting an affix regex on a built tokenizer reloads its
    1,300 special cases each time (0.15 s)."""

    def make(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        return Tokenizer(
            nlp.vocab, rules=defaults.tokenizer_exceptions,
            prefix_search=affix_rules.prefix_search(defaults.prefixes or ()),
            suffix_search=affix_rules.suffix_search(defaults.suffixes or ()),
            infix_finditer=affix_rules.infix_finditer(defaults.infixes or ()),
            token_match=defaults.token_match, url_match=defaults.url_match)

    return make


TOKENIZER_CONFIG = {"nlp": {"tokenizer": {"@tokenizers": "gapcheck.Tokenizer.v1"}}}
"""``spacy.blank("en", config=TOKENIZER_CONFIG)``: a blank English pipeline with gapcheck's tokenizer."""


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
        nlp = spacy.blank("en", config=TOKENIZER_CONFIG)
        nlp.add_pipe("gapcheck_sentencizer")
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
    _sentence_bounds: list[tuple[int, int]]  # first and past-the-last token of each sentence
    _columns: dict[str, numpy.ndarray] = field(default_factory=dict)  # token columns already read
    _distinct: dict[str, numpy.ndarray] = field(default_factory=dict)  # their distinct values, where known

    def columns(self) -> DocColumns:
        """The Doc's token columns, with sentences as the stretches a match must stay in."""
        return DocColumns(self._doc, self._sentence_of_token, self._sentence_bounds, self._columns, self._distinct)


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
        yield _sentences(document, block_starts, doc, text)


def parse_document(document: Document, model: str = DEFAULT_MODEL) -> ParsedDocument:
    """Parse one document (see :func:`parse_documents`)."""
    return next(parse_documents([document], model))


def _sentences(document: Document, block_starts: list[int], doc: Doc, full_text: str | None = None) -> ParsedDocument:
    """Cut the Doc into sentences: spaCy's sentence starts plus every block boundary, without the
    whitespace tokens at either end. Works on the Doc's attribute arrays, with numpy for what is
    per token (iterating Token objects cost as much as tokenising; per-token Python lists, a
    tenth of it): Python only builds each sentence."""
    blocks = document.blocks
    sentences: list[Sentence] = []
    if not len(doc):
        return ParsedDocument(document, sentences, doc, [], [], [])
    known = dict(doc.user_data.get(_COLUMNS, {}))  # what the pipeline's components read already
    columns = doc.to_array([IDX, LENGTH])
    idx, length = numpy.ascontiguousarray(columns[:, 0]), numpy.ascontiguousarray(columns[:, 1])
    known.update(IDX=idx, LENGTH=length)
    space = known.pop("IS_SPACE", None)  # a bool column, unlike to_array's: not for the matcher
    if space is None:  # a pipeline without gapcheck's sentencizer (a statistical model's)
        space = doc.to_array(IS_SPACE) != 0
    if "SENT_START" not in known:
        known["SENT_START"] = (doc.to_array(SENT_START) == 1).astype("uint64")
    block_of = numpy.searchsorted(numpy.asarray(block_starts), idx, side="right") - 1
    # stretches: runs of tokens between two cuts (a sentence start or a block boundary)
    boundary = known["SENT_START"] == 1
    boundary[0] = True
    boundary[1:] |= block_of[1:] != block_of[:-1]
    stretch_of_token = numpy.cumsum(boundary) - 1
    cuts = numpy.flatnonzero(boundary).tolist() + [len(doc)]
    # a sentence per stretch holding a word (non-space token): its first and last word
    words = numpy.flatnonzero(~space)
    if not len(words):  # nothing but whitespace: no sentence, every token in none
        return ParsedDocument(document, sentences, doc, [-1] * len(doc), [], [], known,
                              dict(doc.user_data.get(_DISTINCT, {})))
    stretch_of_word = stretch_of_token[words]
    firsts = numpy.flatnonzero(numpy.r_[True, stretch_of_word[1:] != stretch_of_word[:-1]])
    lasts = numpy.r_[firsts[1:] - 1, len(words) - 1]
    first_words, last_words = words[firsts], words[lasts]
    stretches = stretch_of_word[firsts]
    sentence_of_stretch = numpy.full(len(cuts) - 1, -1, dtype=numpy.int64)
    sentence_of_stretch[stretches] = numpy.arange(len(stretches))
    sentence_of_token = sentence_of_stretch[stretch_of_token]  # -1: a token in no sentence
    char_starts = idx[first_words]
    sentence_start: list[int] = char_starts.tolist()
    bounds = [(cuts[k], cuts[k + 1]) for k in stretches.tolist()]
    heading: str | None = None
    section = 0
    if full_text is None:
        full_text = doc.text  # rebuilt from every token: use the text the Doc was made from
    for index, (char_start, char_end, b) in enumerate(zip(sentence_start, (idx[last_words] + length[last_words]).tolist(),
                                                          block_of[first_words].tolist())):
        block: Block = blocks[b]
        text = full_text[char_start:char_end]
        local = char_start - block_starts[b]
        if block.kind is BlockKind.HEADING and local == 0:
            section += 1
            heading = block.text
        links = tuple(
            type(link)(link.text, link.target, link.start - local, link.end - local)
            for link in block.links if link.start >= local and link.end <= local + len(text)) if block.links else ()
        sentences.append(Sentence(index, text, block.line_at(local), block.kind, heading, section, links, block.page))
    return ParsedDocument(document, sentences, doc, sentence_of_token.tolist(), sentence_start, bounds, known,
                          dict(doc.user_data.get(_DISTINCT, {})))


# --------------------------------------------------------------------------------------------
# Patterns
# --------------------------------------------------------------------------------------------

class PatternSet:
    """A named collection of phrase patterns (one PhraseMatcher on lemmas) and token patterns
    (:mod:`checker.token_matcher`, or spaCy's Matcher for what it does not cover).

    A pattern is a phrase when it is a string (matched on lemmas, so "retention period" also finds
    "retention periods") and a spaCy token pattern when it is a list of dicts: one rule record, one
    dispatch point (spaCy's ``span_ruler``). Every match carries the id of the pattern that fired.
    """

    def __init__(self, model: str = DEFAULT_MODEL) -> None:
        self._nlp = get_pipeline(model)
        self._matcher = Matcher(self._nlp.vocab, validate=True)  # patterns outside token_matcher's subset
        self._phrases = PhraseMatcher(self._nlp.vocab, attr="LEMMA")
        self._compiled: list[tuple[int, CompiledPattern, list[HashedAnchor]]] = []
        self._sieve: AnchorSieve | None = None  # built on the first find, after every add
        self._ids: set[str] = set()
        self._names: dict[int, str] = {}  # match key (string-store hash) -> pattern id
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
            problems = validate_token_pattern(pattern)
            if problems:
                raise PatternError("invalid token pattern: " + "; ".join(" ".join(p.split()) for p in problems))
            try:
                compiled = compile_pattern(pattern)
            except re.error as exc:
                raise PatternError(f"invalid token pattern: bad REGEX ({exc})") from None
            if compiled is None:  # outside the shortest-match subset: spaCy's Matcher runs it
                try:
                    self._matcher.add(pattern_id, [pattern])
                except Exception as exc:  # spaCy raises MatchPatternError/ValueError with details
                    detail = " ".join(str(exc).split())
                    raise PatternError(f"invalid token pattern: {detail}") from None
            else:
                anchors = [(column, frozenset(get_string_id(w) for w in words)) for column, words in anchors_of(pattern)]
                self._compiled.append((self._nlp.vocab.strings.add(pattern_id), compiled, anchors))
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
        and sentence the shortest (see :mod:`checker.token_matcher`).

        A pattern only runs on the sentences holding a word of each of its required word lists
        (:mod:`checker.pattern_anchors`); the result is what running spaCy's Matcher over the whole
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
            raw.extend((key, start, end) for start, end in compiled.shortest(view, candidates).values())
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


def lemmatize_phrase(text: str, model: str = DEFAULT_MODEL) -> list[str]:
    """Lemmas of a short phrase, as patterns see them (used to explain requirements)."""
    return [t.lemma_.lower() or t.lower_ for t in get_pipeline(model)(text)]


def parse_texts(texts: Iterable[str], model: str = DEFAULT_MODEL) -> Iterator[ParsedDocument]:
    """Parse bare strings as single-paragraph documents (handy for tests and `explain`)."""
    docs = [Document(source=f"<text {i}>", sha256="", blocks=(Block(BlockKind.PARAGRAPH, t, 1),))
            for i, t in enumerate(texts)]
    return parse_documents(docs, model)
