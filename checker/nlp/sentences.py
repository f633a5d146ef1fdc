"""Documents -> sentences: one spaCy Doc per document, cut into :class:`Sentence` records.

Each sentence keeps its line in the source file, the heading it sits under and its links; the
Doc stays private to :class:`ParsedDocument` for pattern matching.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy
from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START
from spacy.tokens import Doc

from checker.models import DEFAULT_MODEL, Block, BlockKind, Document, Sentence
from checker.nlp._engine.columns import DocColumns
from checker.nlp.components import COLUMNS_KEY, DISTINCT_KEY
from checker.nlp.pipeline import get_pipeline

BLOCK_SEPARATOR = "\n\n"


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
    known = dict(doc.user_data.get(COLUMNS_KEY, {}))  # what the pipeline's components read already
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
                              dict(doc.user_data.get(DISTINCT_KEY, {})))
    stretch_of_word = stretch_of_token[words]
    firsts = numpy.flatnonzero(numpy.r_[True, stretch_of_word[1:] != stretch_of_word[:-1]])
    lasts = numpy.r_[firsts[1:] - 1, len(words) - 1]
    first_words, last_words = words[firsts], words[lasts]
    _mark_sentence_starts(doc, known, first_words)
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
                          dict(doc.user_data.get(DISTINCT_KEY, {})))


def _mark_sentence_starts(doc: Doc, known: dict[str, Any], first_words: numpy.ndarray) -> None:
    """Make ``IS_SENT_START`` true for the first word of every sentence, block starts included.

    The sentencizer marks starts inside running text; a heading, list item or paragraph begins a
    sentence too, and patterns anchored at a sentence start ("Access: ...", "Delete your account")
    must see it there, for the fast engine (the column) and spaCy's Matcher (the Doc) alike."""
    starts = known["SENT_START"]
    if bool(starts[first_words].all()):
        return
    starts = starts.copy()
    starts[first_words] = 1
    known["SENT_START"] = starts
    doc.from_array([SENT_START], numpy.where(starts == 1, 1, -1).astype("uint64"))  # type: ignore[arg-type]


def parse_texts(texts: Iterable[str], model: str = DEFAULT_MODEL) -> Iterator[ParsedDocument]:
    """Parse bare strings as single-paragraph documents (handy for tests and `explain`)."""
    docs = [Document(source=f"<text {i}>", sha256="", blocks=(Block(BlockKind.PARAGRAPH, t, 1),))
            for i, t in enumerate(texts)]
    return parse_documents(docs, model)
