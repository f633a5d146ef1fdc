"""The array sentencizer puts sentence starts exactly where spaCy's rule-based one does, except after the
period of a legal citation ("Art. 6(1)(a)") or of "etc." and the like before a lower-case word, and
where a comma or semicolon follows the period ("Acme S.r.l., Via Roma 10": the sentence goes on), at a
domain's capitalised ending ("Example.Com"), and where an opening bracket stands before the first word:
the sentence starts with the bracket ("... cookies. [We show a notice.]")."""

from __future__ import annotations

from typing import Any

import numpy
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.attrs import SENT_START

from checker.nlp.pipeline import get_pipeline

from .conftest import SEEDS

REFERENCE = spacy.blank("en")
REFERENCE.add_pipe("sentencizer")
PIECES = ["We", "collect", "data", "e.g.", "U.S.", ".", "!", "?", "...", "\u3002", "\u061f", ";", ":", ")", "(",
          '"', "'", "\u201d", "-", "\n\n", "\n", " ", "13", "www.example.com", "a@b.co", "Inc.", "#"]


def _starts(nlp: spacy.Language, text: str) -> list[int]:
    return numpy.asarray(nlp(text).to_array([SENT_START])).tolist()


def _reference_starts(text: str) -> list[int]:
    """spaCy's starts, with two departures written out: no start right after a comma or semicolon,
    nor at a domain's capitalised ending glued to a period ("Example.Com")."""
    doc = REFERENCE(text)
    starts = numpy.asarray(doc.to_array([SENT_START])).tolist()
    for i in range(1, len(doc)):
        if starts[i] == 1 and doc[i - 1].text in (",", ";"):
            starts[i] = -1
        elif (starts[i] == 1 and i >= 2 and doc[i - 1].text == "." and not doc[i - 1].whitespace_
              and not doc[i - 2].whitespace_ and doc[i].text.lower() in DOMAIN_ENDINGS and not doc[i].text.islower()):
            starts[i] = -1
    # a third: the start moves back over the opening brackets just before its word ("... above. (1) Name")
    for _ in range(2):
        for i in range(2, len(doc)):
            if starts[i] == 1 and doc[i - 1].text in ("(", "["):
                starts[i], starts[i - 1] = starts[i - 1], starts[i]
    return starts


DOMAIN_ENDINGS = {"com", "net", "org", "info", "biz", "io", "co", "us", "uk", "de", "eu", "fr", "tv", "me", "app", "ca", "au"}


def test_a_comma_after_a_period_continues_the_sentence() -> None:
    text = "The controller is Acme S.r.l., Via Roma 10, Milan. We process data."
    assert _starts(get_pipeline(), text).count(1) == 2
    assert _starts(REFERENCE, text).count(1) == 3  # spaCy cuts after "S.r.l."


@settings(max_examples=400, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=40), st.sampled_from([" ", "", "\n"]))
def test_same_sentence_starts_as_spacy(pieces: list[str], glue: str) -> None:
    text = glue.join(pieces)
    assert _starts(get_pipeline(), text) == _reference_starts(text), text


def test_a_capitalised_domain_ending_starts_no_sentence() -> None:
    """Older policies write their domain as a name ("000webhost.Com is committed to ..."); spaCy
    splits the period between a lower-case letter and a capital, and its sentencizer cut there."""
    from checker.nlp.sentences import parse_texts

    text = "Your privacy matters to Example.Com. Example.Com keeps it safe. It ended here.Then another began."
    assert [s.text for s in next(parse_texts([text])).sentences] == [
        "Your privacy matters to Example.Com.", "Example.Com keeps it safe.", "It ended here.", "Then another began."]
    assert _starts(REFERENCE, "Visit Example.Com today.").count(1) == 2  # spaCy cuts inside the name


def test_a_bracket_opens_the_sentence_it_starts() -> None:
    """spaCy ends the sentence before with the bracket, which cut a template's bracketed remark in two."""
    from checker.nlp.sentences import parse_texts

    text = "We use cookies. [We show a notice on the home page.] You may decline them. (1) Name. Reg. (EU) 2016/679 applies."
    assert [s.text for s in next(parse_texts([text])).sentences] == [
        "We use cookies.", "[We show a notice on the home page.]", "You may decline them.", "(1) Name.",
        "Reg. (EU) 2016/679 applies."]
    assert _starts(REFERENCE, text)[4] != 1 and _starts(REFERENCE, text)[5] == 1  # spaCy: "We use cookies. [" and "We show ..."


def test_policy_text_splits_where_spacy_splits() -> None:
    text = ("We keep your data for 30 days. Then it is deleted! Questions? Write to privacy@example.com.\n\n"
            "Your rights: access, deletion (see below) ... and more.")
    starts = _starts(get_pipeline(), text)
    assert starts == _starts(REFERENCE, text)
    assert starts.count(1) == 5


def test_word_flags_agree_with_the_tokens_flags_across_policies() -> None:
    from spacy.attrs import IS_PUNCT, IS_SPACE, ORTH

    from checker.nlp.components import WordFlags

    nlp = get_pipeline()
    flags = WordFlags()
    texts = [(SEEDS / name).read_text(encoding="utf-8") for name in sorted(p.name for p in SEEDS.iterdir())]
    texts.append("Odd  spacing\u00a0here\t\u2014 and \u201cquotes\u201d!\n\n\n(see above) \u3002")
    for text in texts * 2:  # the second time every word is remembered
        doc = nlp.make_doc(text)
        is_punct, is_space = flags.of(doc, doc.to_array(ORTH))
        assert is_punct.tolist() == (doc.to_array(IS_PUNCT) != 0).tolist()
        assert is_space.tolist() == (doc.to_array(IS_SPACE) != 0).tolist()


def test_lemmas_are_the_lookup_tables_for_the_lower_cased_word_across_policies(monkeypatch: Any) -> None:
    from spacy.attrs import LEMMA

    from checker.nlp import components

    nlp = get_pipeline()
    lemmatizer = nlp.get_pipe("gapcheck_lemmatizer")
    from spacy.lookups import load_lookups

    table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")  # spaCy's own table
    monkeypatch.setattr(components, "LEMMA_MEMORY", 300)  # small: the memory starts afresh on the way
    lemmatizer.__dict__.pop("_lemma_of_lower", None)
    texts = [(SEEDS / name).read_text(encoding="utf-8")[:4000] for name in sorted(p.name for p in SEEDS.iterdir())]
    for text in texts + ["Cookies, COOKIES and Children's data.", "Children"] + texts:
        doc = nlp(text)
        expected = [nlp.vocab.strings[table.get(token.lower_, token.lower_)] for token in doc]
        assert doc.to_array(LEMMA).tolist() == expected
    lemmatizer.__dict__.pop("_lemma_of_lower", None)


def test_text_of_nothing_but_whitespace_has_no_sentences_and_no_matches(compiled: Any) -> None:
    """A library caller may hand over blank text (the CLI refuses such a file before parsing)."""
    from checker.nlp.sentences import parse_texts

    blank, spaced, real = parse_texts(["   ", " \n\n \t ", "We keep your data for 30 days."])
    assert blank.sentences == [] and spaced.sentences == []
    assert compiled.patterns.find(blank) == [] and compiled.patterns.find(spaced) == []
    assert [s.text for s in real.sentences] == ["We keep your data for 30 days."]
    assert any(m for m in compiled.patterns.find(real))
    from checker.pipeline import analyse

    result = analyse(blank, compiled)
    assert result.sentence_count == 0 and result.findings == ()
    # nothing is disclosed; the COPPA notice items apply only where a sentence shows a service for children
    owed_only_for_children = {r.id for r in compiled.requirements if r.applies_only_when is not None}
    assert {v.status.value for v in result.verdicts if v.requirement not in owed_only_for_children} == {"missing"}
    assert {v.status.value for v in result.verdicts if v.requirement in owed_only_for_children} <= {"not_applicable"}


def test_a_legal_citation_or_etc_does_not_end_a_sentence() -> None:
    """Evidence must show the whole sentence an auditor reads, citation included; a period after
    an ordinary word, or after "etc." before a capitalised word, still ends one."""
    from checker.nlp.sentences import parse_texts

    whole = ["The legal basis is Art. 6(1)(a) GDPR.",
             "Processing is based on Art. 6 para. 1 lit. f GDPR, cf. Art. 5 and Sec. 1798.100 of the CCPA.",
             "We rely on Arts. 44-49 and Regulation (EU) No. 2016/679 (see Reg. (EU) 2016/679, Art. [3]).",
             "This lies in Art. 6 Par. 1 lit. a GDPR and art. 9 sec. 2 of the law.",
             "We use cookies, pixels, etc. to measure visits for approx. 30 days.",
             "This is defined in Penal Code § 1546 et. seq. of the state, within three sq. km of you.",
             "Write to Acme GmbH, Tel. +49 30 1234 5678 or Fax. (030) 123 45."]
    for text in whole:
        assert [s.text for s in next(parse_texts([text + " We keep data."])).sentences] == [text, "We keep data."]
    split = {"We support modern art. We collect data.": ["We support modern art.", "We collect data."],
             "Do we sell data? No. We do not.": ["Do we sell data?", "No.", "We do not."],
             "This is set out in Art. Five rules apply.": ["This is set out in Art.", "Five rules apply."],
             "Read Art. 6": ["Read Art. 6"], "Read Art.": ["Read Art."],
             "We use cookies, pixels, etc. We also keep logs.": ["We use cookies, pixels, etc.", "We also keep logs."],
             "Find our Tel. We answer.": ["Find our Tel.", "We answer."]}
    for text, sentences in split.items():
        assert [s.text for s in next(parse_texts([text])).sentences] == sentences


def test_a_legal_form_with_a_period_before_a_bracket_does_not_end_a_sentence() -> None:
    """A template's operator ('Example LLC. ("we", "us") operates ...') is one sentence: cut at the
    period, the evidence showed 'Example LLC. ("' and 'we") operates ...'. A legal form before a
    capital may still end one."""
    from checker.nlp.sentences import parse_texts

    for text in ['Example LLC. ("we", "us") operates the site.', "Example Pty. (trading as Acme) runs the shop.",
                 "Acme Corp. (the \u201cCompany\u201d) runs the service."]:
        assert [s.text for s in next(parse_texts([text + " We keep data."])).sentences] == [text, "We keep data."]
    assert [s.text for s in next(parse_texts(["We sold the brand to Example LLC. The rest we kept."])).sentences] \
        == ["We sold the brand to Example LLC.", "The rest we kept."]
