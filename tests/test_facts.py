"""Facts: children's age thresholds, effective dates and e-mail addresses, with their near misses."""

from __future__ import annotations

import pytest

from checker.analysis.facts import find_ages, parse_date


@pytest.mark.parametrize("sentence, ages", [
    ("We do not collect the personal information of children under the age of 13.", [13]),
    ("We do not knowingly collect personal data from a child below the age of eighteen (18).", [18]),
    ("Our services are not directed to children younger than 16.", [16]),
    ("You must be at least 13 years old to use the service.", [13]),
    ("Users must be 18 years of age or older.", [18]),
    ("Children under thirteen may not register.", [13]),
    ("Section 13 describes how we use cookies.", []),
    ("We respond to requests in under 30 days.", []),
    ("Refunds are issued under 14 days of purchase for children's products.", []),
    ("We keep logs for under 13 months.", []),
    # the threshold named without a child-word, as COPPA notices often put it
    ("We do not knowingly collect data from anyone under 13.", [13]),
    ("Users under 16 may not register.", [16]),
    ("Visitors below 18 need a parent to agree.", [18]),
    ("Orders under 50 euros ship within three days.", []),
    ("Members under 30 get a discount on the annual plan.", []),  # not a threshold for children
    # the number in brackets, the reader addressed by the threshold, "be N or older"
    ("Our services are not directed at children under (13) years of age.", [13]),
    ("If you are under 13, please don't sign up.", [13]),
    ("If you\u2019re under 16, ask a parent first.", [16]),
    ("You must be 13 or older (16 in the EEA) to use our services.", [13]),
    ("Windows 10 or older is not supported.", []),
    ("The app runs on Android 10 or older.", []),
])
def test_age_thresholds(sentence: str, ages: list[int]) -> None:
    assert [a for a, _, _ in find_ages(sentence)] == ages


def test_age_with_parental_consent_wins(analyse_text) -> None:  # type: ignore[no-untyped-def]
    text = ("You must be at least 18 years old to buy tickets.\n\n"
            "We do not collect data from children under 13 without verifiable parental consent.")
    assert analyse_text(text).facts["children_age"] == 13


@pytest.mark.parametrize("raw, iso", [
    ("October 9, 2012", "2012-10-09"),
    ("9 October 2012", "2012-10-09"),
    ("2018-05-25", "2018-05-25"),
    ("Jan. 3rd, 2020", "2020-01-03"),
    ("May 2018", "2018-05"),
    ("February 30, 2020", None),
])
def test_parse_date(raw: str, iso: str | None) -> None:
    assert parse_date(raw) == iso


@pytest.mark.parametrize("text, date", [
    ("**_Last Updated October 9, 2012_**\n\nWe respect your privacy.", "2012-10-09"),
    ("Effective date: 25 May 2018\n\nWe respect your privacy.", "2018-05-25"),
    ("This policy was last revised on 2021-03-01.", "2021-03-01"),
    ("Our company was founded on March 3, 2001.", None),
    ("You can always check the updated time at the bottom.", None),
])
def test_effective_date(text: str, date: str | None, analyse_text) -> None:  # type: ignore[no-untyped-def]
    assert analyse_text(text).facts["effective_date"] == date


def test_contact_emails_include_link_targets(analyse_text) -> None:  # type: ignore[no-untyped-def]
    facts = analyse_text("Write to [privacy@example.com](mailto:dpo@example.com) or help@example.org.").facts
    assert facts["contact_emails"] == ["privacy@example.com", "help@example.org", "dpo@example.com"]


def test_the_age_of_majority_is_eighteen() -> None:
    from checker.analysis.facts import find_ages

    assert [a for a, _, _ in find_ages("You must be at least the age of majority in your state to use the store.")] == [18]
    assert find_ages("The majority of our users are adults.") == []
