"""Language detection: the function-word shortcut agrees with py3langid, and settles only the
clear cases.

The texts under fixtures/languages/ are the same privacy-policy paragraph (what is collected, why,
rights, retention, transfers) written in fifteen languages, including close neighbours (Danish and
Norwegian, Spanish, Catalan and Galician, Czech, Slovak and Polish, Dutch and Afrikaans) where a
word-list shortcut is most likely to be wrong.
"""

from __future__ import annotations

from pathlib import Path

import py3langid
import pytest

from checker.inputs.language import FUNCTION_WORDS, detect_language, english_share, plain_language
from checker.inputs.loader import load_bytes

from .conftest import SEEDS, SHARED

LANGUAGES = Path(__file__).resolve().parent / "fixtures" / "languages"
TEXTS = sorted(LANGUAGES.glob("*.txt"))
SETTLED_BY_WORDS = {"de", "es", "fr", "it", "nl", "pl", "pt", "sv"}
"""Languages whose distinctive function words alone settle a policy paragraph."""


def _document(text: str, name: str = "policy.md"):  # type: ignore[no-untyped-def]
    return load_bytes(text.encode("utf-8"), name, "markdown")


@pytest.mark.parametrize("path", TEXTS, ids=[p.stem for p in TEXTS])
def test_detection_agrees_with_py3langid(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    expected, _ = py3langid.classify(text)
    assert expected == ("no" if path.stem == "nb" else path.stem)  # the fixture is what it says
    assert detect_language(_document(text))[0] == expected


@pytest.mark.parametrize("path", TEXTS, ids=[p.stem for p in TEXTS])
def test_the_shortcut_settles_only_distinct_languages(path: Path) -> None:
    """Close neighbours go to py3langid: the shortcut never says "da" for Norwegian."""
    settled = plain_language(path.read_text(encoding="utf-8"))
    assert settled == (path.stem if path.stem in SETTLED_BY_WORDS else None)


def test_no_distinctive_word_is_english_or_shared() -> None:
    lists = list(FUNCTION_WORDS.values())
    for n, words in enumerate(lists):
        for other in lists[n + 1:]:
            assert not words & other
    english = _document((SEEDS / "asi.md").read_text(encoding="utf-8"))
    assert detect_language(english)[0] == "en"
    assert plain_language(" ".join(english.blocks[i].text for i in range(len(english.blocks)))) is None


def test_english_quoting_a_foreign_policy_stays_english() -> None:
    english = (SEEDS / "asi.md").read_text(encoding="utf-8")
    french = (LANGUAGES / "fr.txt").read_text(encoding="utf-8")
    assert detect_language(_document(english + "\n\n" + french))[0] == "en"
    assert english_share(french) < 0.05


@pytest.mark.skipif(not (SHARED / "modern-dev").is_dir(), reason="../shared/modern-dev/ is not beside the project")
def test_real_french_policies_are_settled_without_the_model() -> None:
    french = [p for p in sorted((SHARED / "modern-dev").glob("*.md"))
              if py3langid.classify(p.read_text(encoding="utf-8")[:20_000])[0] == "fr"]
    assert french, "modern-dev holds French policies"
    for path in french:
        document = load_bytes(path.read_bytes(), str(path), "markdown")
        assert detect_language(document)[0] == "fr"
        assert plain_language(" ".join(b.text for b in document.blocks)) == "fr"


MENU = "\n\n".join(["Home Shop Deals Gift cards Sign in Your account Help Orders Returns Wish list Registry Stores"] * 60)
ENGLISH_POLICY = ("We collect your name and e-mail address when you order. You can ask us to delete them. "
                  "We keep your order history for six years because tax law requires it.")


def test_a_policy_under_a_mountain_of_menus_is_judged_on_its_sentences() -> None:
    found = detect_language(_document(MENU + "\n\n" + ENGLISH_POLICY))
    assert found.code == "en" and found.certain


def test_an_uncertain_verdict_is_scanned_with_a_note_and_a_confident_one_skips() -> None:
    from checker.inputs.language import mark_language

    # a few words that say little: py3langid is not sure, so the policy is scanned and says why
    doubtful = _document("Datenschutz Privacy Politique Privacidad Riservatezza Integritet Prywatność\n\n"
                         "Kontakt: info@example.test, +49 30 1234567, Musterstraße 1, 10115 Berlin.")
    assert mark_language(doubtful, force=False) is None
    assert "language uncertain" in doubtful.metadata["language_note"]
    assert 0 <= doubtful.metadata["language_confidence"] < 0.9
    french = _document((LANGUAGES / "fr.txt").read_text(encoding="utf-8"))
    skipped = mark_language(french, force=False)
    assert skipped is not None and skipped.language == "fr"
    assert french.metadata["language_confidence"] >= 0.9 and "language_note" not in french.metadata
    english = _document(ENGLISH_POLICY)
    assert mark_language(english, force=False) is None
    assert english.metadata["language"] == "en" and "language_note" not in english.metadata
