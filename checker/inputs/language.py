"""Which language a policy is written in, so English patterns are not run on French text.

Three steps, cheapest first. A policy that is mostly English function words is English whatever
the rest says (policies quote foreign names; some pages open with a list of languages). A policy
whose words are plainly one of the languages in :data:`FUNCTION_WORDS` is that language. Anything
else goes to py3langid (langid.py's model, shipped inside the wheel: no download), which knows 97
languages but costs a second of CPU and ~70 MB to load its model and ~60 ms per policy: more than
scanning an English policy. The function-word step is only a shortcut for the clear cases; it
hands closely related languages (Danish and Norwegian, Galician, Catalan...) to py3langid.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Any, NamedTuple

from checker.models import BlockKind, Document, Skipped

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_ENGLISH_FUNCTION_WORDS = frozenset(
    "the of and to in a is that for it as with be on by this or are we you your our not from at may have "
    "will can any which if such these other all when use information data".split())
SAMPLE_CHARS = 60_000
HEAD_CHARS = 3_000
"""The opening of the sample that settles a plainly English policy: English policies score 0.28
or more on their first 3,000 characters (all 96 English ones of the seeds, modern-dev and
OPP-115), other languages under 0.01; counting all 60,000 was a tenth of a scan's time."""
PLAINLY_ENGLISH = 0.25

_PROFILE_WORDS = {
    # Common function words per language. Words in two or more lists are dropped below, so each
    # list keeps only what tells its language from the others: "de", "la", "que" say nothing
    # between French, Spanish and Catalan. Languages listed only to take such words away from
    # their neighbours (gl, ca, da, no, cs, sk, af) are, in practice, left to py3langid.
    "fr": "le la les des du un une et est que qui dans pour pas sur au aux avec ce cette ces sont nous "
          "vous vos votre notre nos leur leurs par ou mais où ne en",
    "de": "der die das und ist nicht mit von den dem des ein eine einer eines zu auf für im sich auch wir "
          "sie ihre ihr ihren unsere uns werden wird oder bei nach über",
    "es": "el los las del y por para con una es su sus se lo como más este esta estos pero al nuestro "
          "nuestra nuestros sobre cuando también usted",
    "it": "il gli della delle dei degli del e è che per con una non sono come anche al alla alle nel nella "
          "nostro nostra nostri questo questa questi tuoi tuo",
    "pt": "o os as da das do dos e é um uma não com para por que se mais seu sua seus suas nos nossa nosso "
          "nossos ao aos à pelo pela você",
    "gl": "o os as da das do dos e é un unha non con co coa para por polo pola que se máis seu súa seus "
          "súas noso nosa nosos ao aos cando",
    "ca": "el els les la i de del per amb que una és no al als seu seva seus on com són aquest aquesta "
          "aquestes vostre vostres",
    "nl": "de het een en van is dat niet op te met voor zijn aan wij u uw ons onze worden wordt door bij "
          "ook om als deze",
    "af": "die nie en van is het n vir wat jy jou ons sal word met op hierdie dat kan",
    "sv": "och att det som en ett är på av för med till den inte vi du din dina ditt vår våra eller från "
          "har kan om när",
    "da": "og at det som en et er på af for med til den ikke vi du din dine vores eller fra har kan om når",
    "no": "og at det som en et er på av for med til den ikke vi du din dine vår våre eller fra har kan om når",
    "pl": "i w na z się nie do że to jest jak o od po przez dla lub oraz są być może twoje twoich nasze "
          "naszych ich",
    "cs": "a v na se je z o do že to k s jsou pro nebo jako jsme vaše vaši své podle při které který tyto",
    "sk": "a v na sa je z o do že to k s sú pre alebo ako sme vaše vašich svoje podľa pri ktoré ktorý tieto",
}
_LISTED = Counter(word for words in _PROFILE_WORDS.values() for word in set(words.split()))
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    language: frozenset(word for word in words.split() if _LISTED[word] == 1 and word not in _ENGLISH_FUNCTION_WORDS)
    for language, words in _PROFILE_WORDS.items()}
"""Per language, the function words no other listed language (nor English) shares."""
PLAINLY_ONE_LANGUAGE = 0.10
"""Share of one language's distinctive function words that settles it (written policy prose in
fr, de, es, it, nl, pl, pt, sv scores 0.10-0.33; Danish, Norwegian, Galician, Catalan, Czech and
Slovak texts score under 0.09 on theirs, as their neighbours take their common words)."""
CLEAR_MARGIN = 4.0
"""...and by how much it must beat the runner-up (the test texts: 5x to 35x; Afrikaans, 2.4x Dutch)."""


def _word_counts(text: str) -> Counter[str]:
    return Counter(_WORD.findall(text.lower()))  # counted in C; then a few look-ups per listed word


def _share(counts: Counter[str], words: frozenset[str], total: int) -> float:
    return sum(counts[w] for w in words if w in counts) / total if total else 0.0


def english_share(text: str) -> float:
    """Share of words that are common English function words (about 0.3-0.5 in English prose)."""
    counts = _word_counts(text)
    return _share(counts, _ENGLISH_FUNCTION_WORDS, counts.total())


def plain_language(text: str) -> str | None:
    """The language of :data:`FUNCTION_WORDS` whose distinctive words plainly dominate ``text``,
    or None when none does (another language, a mix, too little text: ask py3langid)."""
    return _plain_language(_word_counts(text))


def _plain_language(counts: Counter[str]) -> str | None:
    total = counts.total()
    shares = sorted((_share(counts, words, total), language) for language, words in FUNCTION_WORDS.items())
    (second, _), (best, language) = shares[-2], shares[-1]
    return language if best >= PLAINLY_ONE_LANGUAGE and best >= CLEAR_MARGIN * second else None


def _prose_sample(document: Document, limit: int = SAMPLE_CHARS) -> str:
    """The first ``limit`` characters of running text: paragraphs and list items of six words or
    more that hold a sentence (headings, menus and link lists are names, not language: a page
    whose menus dwarf its policy must be judged on the policy); failing that, any block of six
    words or more; failing that, all the text."""
    for wanted in (_is_sentence, None):
        parts: list[str] = []
        size = 0
        for block in document.blocks:
            if (block.kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM) and len(block.text.split()) >= 6
                    and (wanted is None or wanted(block.text))):
                parts.append(block.text)
                size += len(block.text) + 1
                if size >= limit:
                    break
        if parts:
            return " ".join(parts)[:limit]
    return " ".join(b.text for b in document.blocks)[:limit]


_SENTENCE_MARK = re.compile(r"[.!?;:\u3002\u061f](?:\s|$)")


def _is_sentence(text: str) -> bool:
    return _SENTENCE_MARK.search(text) is not None


class Language(NamedTuple):
    """The language a policy is written in, how sure the detector is, and on what it decided."""

    code: str
    """ISO 639-1 code; ``und`` when there is too little text to tell."""
    english_share: float
    """Share of common English function words in the sample (0.3-0.5 in English prose)."""
    confidence: float
    """0-1: 1.0 when function words settle it; else py3langid's normalised probability."""
    certain: bool
    """Only a certain verdict may skip a policy; an uncertain one is scanned and says so."""


CONFIDENT = 0.90
"""py3langid probability above which its verdict is taken as certain."""
SOME_ENGLISH = 0.10
"""A text with this share of English function words is not confidently another language, whatever
py3langid says: a page whose menus dwarf its English policy once came out as Nigerian Pidgin."""


def detect_language(document: Document) -> Language:
    """The language of the document's running text (the extracted policy, not the page around it).

    A policy that opens in plain English is English: a policy in another language with an
    English preamble of 3,000 characters is scanned as English (and its findings will show it).
    """
    share = english_share(_prose_sample(document, HEAD_CHARS))  # the same opening as the full sample's
    if share >= PLAINLY_ENGLISH:
        return Language("en", share, 1.0, True)
    sample = _prose_sample(document)
    counts = _word_counts(sample)  # once, for the English share and the other languages' words
    share = _share(counts, _ENGLISH_FUNCTION_WORDS, counts.total())
    if share >= 0.18:
        return Language("en", share, 1.0, True)
    language = _plain_language(counts)
    if language is not None:
        return Language(language, share, 1.0, True)
    language, probability = _identifier().classify(sample)
    if language == "en":
        # "English" with almost no English words: too little text to tell
        return Language("en", share, probability, True) if share >= 0.08 else Language("und", share, probability, False)
    return Language(language, share, probability, probability >= CONFIDENT and share < SOME_ENGLISH)


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """py3langid's model with normalised probabilities (loads numpy and ~70 MB: only for the
    policies that are not plainly English)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


UNDETERMINED = ("und", "zxx")
"""Language codes for 'no language' (too little text, or not words at all)."""


def skip_record(source: str, language: str) -> Skipped:
    """The report's entry for a policy not scanned because it is not in English."""
    why = (f"written in '{language}', not English" if language not in UNDETERMINED
           else "no English prose found (language undetermined)")
    return Skipped(source, language, f"{source}: skipped, {why} (--force scans it anyway)")


def mark_language(document: Document, force: bool) -> Skipped | None:
    """Record the document's language and the detector's confidence in its metadata; the skip
    record when it is confidently not English and ``force`` is off (English patterns on other
    languages give confident nonsense). An uncertain verdict is scanned, with a note saying so:
    skipping a readable English policy loses it, scanning a doubtful one only costs a look."""
    found = detect_language(document)
    document.metadata["language"] = found.code
    document.metadata["language_confidence"] = round(found.confidence, 3)
    if found.code == "en":
        return None
    if found.certain and not force:
        return skip_record(document.source, found.code)
    if not found.certain:
        guess = "none" if found.code in UNDETERMINED else f"'{found.code}'"
        document.metadata["language_note"] = (f"language uncertain (best guess {guess}, confidence "
                                              f"{found.confidence:.2f}): scanned as English")
    return None
