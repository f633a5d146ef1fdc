"""gapcheck's spaCy components: a lower-casing lookup lemmatizer, an array sentencizer, the tokenizer.

Registered with spaCy under their own names (``gapcheck_lemmatizer``, ``gapcheck_sentencizer``,
``gapcheck.Tokenizer.v1``) so a pipeline is built from a config like any other. Each is a stock
spaCy component with one change that matters to patterns (lemmas keyed on lower case) or to speed
(per-token work done on arrays; affix rules tried only where they can match); the tests compare
their sentences and tokens with the stock components'.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import catalogue
import numpy
import spacy
from spacy.attrs import LEMMA, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Lemmatizer, Sentencizer
from spacy.strings import get_string_id
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Token

from checker.nlp._engine import affix_rules
from checker.nlp._engine.columns import distinct_values, flag_test, member_of, word_table

COLUMNS_KEY = "gapcheck_columns"
"""``Doc.user_data`` key of token columns already read (attribute name -> array), for the matcher."""
DISTINCT_KEY = "gapcheck_distinct"
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
        doc.user_data.setdefault(COLUMNS_KEY, {}).update(LOWER=lowers, LEMMA=lemma_column)
        return doc

    def lowercase_lookup_lemmatize(self, token: Token) -> list[str]:
        table = self._lemma_table()
        text = token.lower_
        return [table.get(text, text)]


class WordFlags:
    """Which tokens are punctuation and which whitespace, from their words' answers in the ORTH
    word table (:class:`~checker.nlp._engine.token_matcher.WordTable`), remembered across policies.
    ``Doc.to_array`` reads a flag at ~90 ns a token (0.5 ms a policy for each of IS_PUNCT and
    IS_SPACE); a policy has a few hundred distinct words, most met before, and a token's flags
    are its word's (its lexeme's)."""

    def __init__(self) -> None:
        self._punct = flag_test("IS_PUNCT", True)
        self._space = flag_test("IS_SPACE", True)

    def of(self, doc: Doc, orth: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
        """(is punctuation, is whitespace) per token, as booleans, for ``doc``'s ORTH column."""
        words = distinct_values(orth)
        doc.user_data.setdefault(DISTINCT_KEY, {})["ORTH"] = words  # the matcher's word tests ask them again
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


LEGAL_FORM_ABBREVIATIONS = frozenset("LLC Llc Ltd LTD Corp CORP Co Pty PTY Plc PLC GmbH Bhd Pte".split())
"""A company's legal form written with a period, which spaCy (unlike "Inc.") splits off: before an
opening bracket or a lower-case word the name goes on ('Example LLC. ("we") operates ...'); before a
capital a sentence may end there ("... with Example Ltd. We ...")."""

CONTACT_ABBREVIATIONS = frozenset("Tel tel TEL Fax fax FAX Ph ph Mob mob Tlf tlf".split())
"""Words that, written with a period, introduce a number: "Tel. +49 30 1234 5678" is one line of an
address, not a sentence that ends at "Tel." and a number standing alone."""


_ABBREVIATION_IDS = numpy.asarray(
    sorted(get_string_id(w) for w in CITATION_ABBREVIATIONS | RUNNING_ABBREVIATIONS | CONTACT_ABBREVIATIONS
           | LEGAL_FORM_ABBREVIATIONS),
    dtype="uint64")
_DOMAIN_ENDINGS = numpy.asarray(sorted(get_string_id(w) for ending in (
    "com", "net", "org", "info", "biz", "io", "co", "us", "uk", "de", "eu", "fr", "tv", "me", "app", "ca", "au")
    for w in (ending.capitalize(), ending.upper())), dtype="uint64")
"""Domain endings as written with a capital ("Example.Com", "EXAMPLE.COM"): after a period glued
to the word before them they end a domain name, not a sentence."""
_OPENERS = numpy.asarray(sorted(get_string_id(c) for c in ("(", "[")), dtype="uint64")
_QUOTES = numpy.asarray(sorted(get_string_id(c) for c in ('"', "\u201c", "'", "\u2018")), dtype="uint64")
_PERIOD = get_string_id(".")
_CONTINUERS = numpy.asarray(sorted(get_string_id(c) for c in (",", ";")), dtype="uint64")
"""A comma or semicolon after a period continues the sentence: "Acme S.r.l., Via Roma 10"."""


def continues_after_period(abbreviation: str, following: str) -> bool:
    """Whether ``abbreviation`` + "." + ``following`` goes on rather than ending a sentence.

    After a citation word the next token must be a number or a bracket ("Art. 6", "Reg. (EU)") or
    a single lower-case letter ("lit. f"); "cf." never ends a sentence; after a running
    abbreviation (etc., et seq., approx.) the next token must start in lower case or with a digit;
    after "Tel." or "Fax." with a digit, "+" or "(".
    """
    if not following:
        return False
    if abbreviation in RUNNING_ABBREVIATIONS:
        return following[0].islower() or following[0].isdigit()
    if abbreviation in CONTACT_ABBREVIATIONS:
        return following[0].isdigit() or following[0] in "+("
    if abbreviation in LEGAL_FORM_ABBREVIATIONS:
        return following[0] in "([" or following[0].islower()
    if abbreviation not in CITATION_ABBREVIATIONS:
        return False
    if abbreviation in ("cf", "Cf"):
        return True
    return following[0].isdigit() or following[0] in "([" or (len(following) == 1 and following.islower())


class ArraySentencizer(Sentencizer):
    """spaCy's rule-based sentencizer, same rule and punctuation, computed with numpy over the
    Doc's ORTH array and its words' punctuation flags (:class:`WordFlags`): the stock one builds a
    Token object per token, which cost a fifth of tokenising. One departure: no sentence starts
    after the period of a legal citation, of "Tel." before a number, of a legal form ("LLC.") before a bracket, or of
    "etc." and the like before a lower-case word
    (:func:`continues_after_period`), nor after a period followed by a comma ("S.r.l., Via Roma"),
    nor at a domain's capitalised ending glued to its period ("Example.Com"); and a sentence starts at
    the opening bracket before its first word, not after it (:func:`_open_with_the_bracket`)."""

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
                doc.user_data.setdefault(COLUMNS_KEY, {}).update(ORTH=orth, IS_SPACE=is_space)
                final = member_of(orth, punct)
                words = numpy.flatnonzero(~final & ~is_punct)
                finals_before = numpy.concatenate(([0], numpy.cumsum(final)))
                previous_word = numpy.concatenate(([-1], words[:-1]))
                between = finals_before[words] - finals_before[previous_word + 1]
                starts = words[between > 0]
                starts = starts[(starts == 0) | ~member_of(orth[starts - 1], _CONTINUERS)]
                marks[starts] = True
                self._keep_citations(doc, orth, starts, marks)
                _open_with_the_bracket(orth, marks)
                marks[0] = True
            guesses.append(marks)
        return guesses

    def _keep_citations(self, doc: Doc, orth: numpy.ndarray, starts: numpy.ndarray, marks: numpy.ndarray) -> None:
        """Unmark the starts that follow "<abbreviation>." directly (a handful per policy are
        looked at, among the few hundred starts)."""
        starts = starts[starts >= 3]
        # the period just before the start, or before an opening bracket there ("Reg. (EU)"), or before a
        # bracket and a quote ('Example LLC. ("we") ...')
        period = starts - 1 - member_of(orth[starts - 1], _OPENERS).astype(starts.dtype)
        quoted = member_of(orth[starts - 1], _QUOTES) & member_of(orth[starts - 2], _OPENERS)
        period[quoted] -= 2
        keep = (period >= 1) & (orth[period] == _PERIOD)
        starts, period = starts[keep], period[keep]
        strings = doc.vocab.strings
        cited = member_of(orth[period - 1], _ABBREVIATION_IDS)
        for at, dot in zip(starts[cited].tolist(), period[cited].tolist()):
            if continues_after_period(strings[orth[dot - 1]], strings[orth[dot + 1]]):
                marks[at] = False
        # "000webhost.Com", "Example.Net": spaCy splits a period between a lower-case and a capital
        # letter ("end.Start"), but a domain's capitalised ending starts no sentence
        domains = member_of(orth[starts], _DOMAIN_ENDINGS) & (period == starts - 1)
        for at, dot in zip(starts[domains].tolist(), period[domains].tolist()):
            if not doc[dot].whitespace_ and not doc[dot - 1].whitespace_:
                marks[at] = False

    def set_annotations(self, docs: Iterable[Doc], batch_tag_ids: list[numpy.ndarray]) -> None:
        for doc, marks in zip(docs, batch_tag_ids):
            if not len(doc):
                continue
            wanted = numpy.where(marks, 1, -1).astype("uint64")  # to_array's dtype: -1 wraps around
            if not self.overwrite and doc.has_annotation("SENT_START"):
                current = doc.to_array([SENT_START])
                wanted = numpy.where(current == 0, wanted, current)
            doc.from_array([SENT_START], wanted)  # type: ignore[arg-type]  # spaCy's stub wants its Ints2d alias
            # the sentence starts as written, for cutting sentences (the lemmatizer after this
            # component leaves them alone)
            doc.user_data.setdefault(COLUMNS_KEY, {})["SENT_START"] = (wanted == 1).astype("uint64")


def _open_with_the_bracket(orth: numpy.ndarray, marks: numpy.ndarray) -> None:
    """Move each start back over the opening brackets right before its word: "... cookies. [We have
    a notice.]" or "... above. (1) Name" keep the bracket with what it opens (spaCy leaves it at the
    end of the sentence before, which cuts a bracketed slot in two)."""
    for _ in range(2):  # "([" at most
        starts = numpy.flatnonzero(marks)
        starts = starts[starts >= 2]
        moved = starts[member_of(orth[starts - 1], _OPENERS)]
        marks[moved] = False
        marks[moved - 1] = True


@Language.factory("gapcheck_sentencizer", default_config={"punct_chars": None, "overwrite": False})
def _make_sentencizer(nlp: Language, name: str, punct_chars: list[str] | None, overwrite: bool) -> ArraySentencizer:
    return ArraySentencizer(name, punct_chars=punct_chars, overwrite=overwrite)


@Language.factory("gapcheck_lemmatizer", default_config={"mode": "lowercase_lookup", "overwrite": True})
def _make_lemmatizer(nlp: Language, name: str, mode: str, overwrite: bool) -> LowercaseLookupLemmatizer:
    return LowercaseLookupLemmatizer(nlp.vocab, None, name, mode=mode, overwrite=overwrite)


@spacy.registry.tokenizers("gapcheck.Tokenizer.v1")
def _create_tokenizer() -> Any:
    """spaCy's tokenizer for the language's defaults (``spacy.Tokenizer.v1``), with the affix
    regexes searched rule by rule as :mod:`checker.nlp._engine.affix_rules` does: the same tokens for 43% fewer
    instructions. Built in one go: setting an affix regex on a built tokenizer reloads its
    1,300 special cases each time (0.15 s)."""

    def make(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        return Tokenizer(
            nlp.vocab, rules=defaults.tokenizer_exceptions,
            # spaCy types its rule lists as strings or compiled patterns; English's are all strings
            prefix_search=affix_rules.prefix_search(defaults.prefixes or ()),  # type: ignore[arg-type]
            suffix_search=affix_rules.suffix_search(defaults.suffixes or ()),  # type: ignore[arg-type]
            infix_finditer=affix_rules.infix_finditer(defaults.infixes or ()),  # type: ignore[arg-type]
            token_match=defaults.token_match, url_match=defaults.url_match)

    return make


TOKENIZER_CONFIG = {"nlp": {"tokenizer": {"@tokenizers": "gapcheck.Tokenizer.v1"}}}
"""``spacy.blank("en", config=TOKENIZER_CONFIG)``: a blank English pipeline with gapcheck's tokenizer."""
