"""The pipeline: ``spacy.blank("en")`` + gapcheck's sentencizer and lemmatizer, built once per process.

The default pipeline needs no download: the lemma table ships in the ``spacy-lookups-data`` wheel.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

from checker.models import DEFAULT_MODEL, ModelUnavailable
from checker.nlp.components import TOKENIZER_CONFIG


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
    nlp.get_pipe("gapcheck_lemmatizer").initialize()  # type: ignore[attr-defined]  # a Lemmatizer, typed as a callable
    nlp.max_length = 20_000_000
    return nlp


def lemmatize_phrase(text: str, model: str = DEFAULT_MODEL) -> list[str]:
    """Lemmas of a short phrase, as patterns see them (used to explain requirements)."""
    return [t.lemma_.lower() or t.lower_ for t in get_pipeline(model)(text)]

