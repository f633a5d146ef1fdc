"""Each detector on short real-looking sentences: the problem it must flag and the near misses it must not."""

from __future__ import annotations

import pytest

from checker.analysis.detectors import link_mismatch
from checker.analysis.placeholders import find_placeholders


def kinds(result, kind: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.evidence.text for f in result.findings if f.kind == kind]


@pytest.mark.parametrize("text, expected", [
    ("We may transfer your data to other countries, including [List of countries].", ["[List of countries]"]),
    ("Cookies may collect [List of data collected by cookies] for the purpose of [Purpose of data collection].",
     ["[List of data collected by cookies]", "[Purpose of data collection]"]),
    ("Please write to [COMPANY NAME] at [ADDRESS].", ["[COMPANY NAME]", "[ADDRESS]"]),
    ("Contact {{company_name}} for details.", ["{{company_name}}"]),
    ("As shown in prior work [1], [2-4], cookies are common.", []),
    ("The word is spelled wrong [sic] in the original.", []),
    ("Write to [email protected] for help.", []),
    ("Read [our cookie notice] on the site.", []),
    # shapes a plain-text or PDF template keeps (Markdown and HTML would read them as a tag / emphasis)
    ("Our registered office is at <company address>.", ["<company address>"]),
    ("This policy was last updated on __/__/____.", ["__/__/____"]),
    ("Press <Enter> to search.", []),
    ("Use the format <name>.<surname> for your login.", []),
    ("Line breaks are written <br> in the source.", []),
])
def test_placeholder_spans(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in find_placeholders(text)] == expected


def test_markdown_link_is_not_a_placeholder(analyse_text) -> None:  # type: ignore[no-untyped-def]
    result = analyse_text("Read our [cookie notice](https://example.com/cookies) for details.")
    assert kinds(result, "placeholder") == []


@pytest.mark.parametrize("kind, sentence, flagged", [
    ("liability_disclaimer", "Example is not liable for any damages caused by such unauthorized access.", True),
    ("liability_disclaimer", "We disclaim all liability for any loss arising from the use of this site.", True),
    ("liability_disclaimer", "In no event shall the company be liable for indirect damages.", True),
    ("liability_disclaimer", "We are not responsible for the privacy practices of other websites.", False),
    ("liability_disclaimer", "You are responsible for keeping your password confidential.", False),
    ("rights_disclaimer", "This Privacy Policy is not intended to and does not create any contractual or other legal rights.", True),
    ("rights_disclaimer", "This notice confers no rights on you or on any other person.", True),
    # a no-third-party-beneficiary clause denies others rights, not the reader's (held-out set 12)
    ("rights_disclaimer", "This notice confers no rights on any third party.", False),
    ("rights_disclaimer", "You have the right to access your personal data.", False),
    ("consent_by_use", "By using this site, you agree with the terms of this Privacy Policy.", True),
    ("consent_by_use", "By providing Example your Personal Information you expressly agree to the terms of this policy.", True),
    ("consent_by_use", "By accessing or using our services after the policy has been updated, Example will deem that you consent to it.", True),
    ("consent_by_use", "By visiting our website, you are accepting the practices described here.", True),
    ("consent_by_use", "You can configure cookies by accessing the browser settings to accept or block them.", False),
    ("consent_by_use", "We will ask for your consent before sending marketing e-mails.", False),
    ("vague_retention", "We will retain your personal data for the period necessary to fulfil the purposes outlined in this policy.", True),
    ("vague_retention", "We keep your information as long as necessary to provide the service.", True),
    ("vague_retention", "We retain invoices for 10 years, as long as required by tax law.", False),
    ("vague_retention", "We will keep you informed as long as necessary.", True),
    ("vague_retention", "We process your data as long as necessary.", False),
    ("encoding_artifact", "Users may update their data through the usersï¿½ profile.", True),
    ("encoding_artifact", "We donâ€™t sell your data.", True),
    ("encoding_artifact", "Our café in Zürich serves crème brûlée.", False),
    ("dangling_reference", "You can always check the \u201cupdated time\u201d at the bottom for the most current version.", True),
    ("dangling_reference", "The effective date is shown at the top of this page.", True),
])
def test_sentence_detectors(kind: str, sentence: str, flagged: bool, analyse_text) -> None:  # type: ignore[no-untyped-def]
    assert bool(kinds(analyse_text(sentence), kind)) is flagged


def test_dangling_date_reference_is_fine_when_the_date_exists(analyse_text) -> None:  # type: ignore[no-untyped-def]
    text = "Last updated: March 3, 2020\n\nYou can always check the updated date at the top of this page."
    assert kinds(analyse_text(text), "dangling_reference") == []


def test_dangling_section_references(analyse_text) -> None:  # type: ignore[no-untyped-def]
    text = ("## 1. Cookies\n\nWe use cookies.\n\n## 2. Your rights\n\n"
            "Please refer to \u201cCookies\u201d and to \u201cHow to Opt Out of Sales\u201d in this policy. See section 2 and section 7.")
    found = [f.message for f in analyse_text(text).findings if f.kind == "dangling_reference"]
    assert any("How to Opt Out of Sales" in m for m in found)
    assert any("section 7" in m for m in found)
    assert not any("section 2 " in m or m.endswith("section 2") for m in found)


def test_address_below_needs_an_address(analyse_text) -> None:  # type: ignore[no-untyped-def]
    with_address = "Send a letter to the mailing address below.\n\nExample Inc.\n48 Main Street\nSpringfield, CA 94538"
    without = "Send a letter to the mailing address below.\n\nThank you for reading."
    assert kinds(analyse_text(with_address), "dangling_reference") == []
    assert kinds(analyse_text(without), "dangling_reference")


@pytest.mark.parametrize("text, target, mismatch", [
    ("privacy@example.com.", "mailto:privacy@exam.com", True),
    ("privacy@example.com", "mailto:privacy@example.com", False),
    ("PRIVACY@Example.com", "mailto:privacy@example.com?subject=Hi", False),
    ("www.example.com", "https://www.other.net/page", True),
    ("https://example.com/privacy", "https://www.example.com/privacy", False),
    ("example.com", "https://help.example.com/", False),
    ("our privacy team", "mailto:privacy@example.com", False),
    ("click here", "https://tracker.example.net/", False),
    # an address shown whole that opens a web page sends no mail
    ("privacy@example.com", "http://mailto:privacy@example.com/", True),
    ("privacy@example.com", "https://www.example.com/legal/privacy/privacy@example.com", True),
    ("write to privacy@example.com or use our form", "https://www.example.com/contact", False),
    # a page saved by the Wayback Machine, which rewrites every link to itself
    ("www.example.com/terms", "https://web.archive.org/terms", False),
    ("www.example.com/terms", "https://web.archive.example.net/terms", True),
    # a host written with the DNS root's trailing dot is the same host
    ("http://www.example.fr.", "http://www.example.fr./", False),
    ("http://www.example.fr.", "http://www.other.fr./", True),
    # an authority named in the text, another's site behind it (a template's regulator kept, a local one linked)
    ("Information Commissioner\u2019s Office", "https://www.lda.bayern.de/de/index.html", True),
    ("the CNIL's complaint form", "https://www.aepd.es/en", True),
    ("Information Commissioner's Office", "https://ico.org.uk/make-a-complaint/", False),
    ("Federal Trade Commission", "https://www.consumer.ftc.gov/articles/privacy", False),
    ("the FTC's advice for parents", "http://www.onguardonline.gov/", False),
    ("your local supervisory authority", "https://edpb.europa.eu/about-edpb/board/members_en", False),
    ("icon set", "https://example.com/icons", False),
])
def test_link_mismatch(text: str, target: str, mismatch: bool) -> None:
    assert (link_mismatch(text, target) is not None) is mismatch


def test_contact_link_mismatch_quotes_the_real_target(analyse_text) -> None:  # type: ignore[no-untyped-def]
    result = analyse_text("Also, you may contact us through email [privacy@example.com.](mailto:privacy@exam.com)")
    found = [f for f in result.findings if f.kind == "contact_link_mismatch"]
    assert len(found) == 1
    assert "mailto:privacy@exam.com" in found[0].evidence.text
    assert "privacy@exam.com" in found[0].message


def test_transfer_without_safeguards_comes_from_the_checklist_qualifier(analyse_text) -> None:  # type: ignore[no-untyped-def]
    unsafe = analyse_text("Your data may be processed by service providers located in a different country to you.")
    safe = analyse_text("Your data may be transferred outside the EEA under standard contractual clauses.")
    assert kinds(unsafe, "transfer_without_safeguards")
    assert not kinds(safe, "transfer_without_safeguards")


def test_law_sections_are_not_policy_references(analyse_text) -> None:  # type: ignore[no-untyped-def]
    text = ("## 1. Cookies\n\nWe use cookies.\n\n## 2. California\n\n"
            "Under Section 1798.83 of the California Civil Code, residents may ask us about disclosures.")
    assert [f for f in analyse_text(text).findings if f.kind == "dangling_reference"] == []


@pytest.mark.parametrize("text", [
    "To opt out, visit the \u201cPrivacy Choices\u201d link in the footer.",
    "Under California Civil Code section 1798.83, also known as the \"Shine the Light\" law, you may ask us.",
])
def test_quotes_that_are_not_section_references(text: str, analyse_text) -> None:  # type: ignore[no-untyped-def]
    policy = "## 1. Cookies\n\nWe use cookies.\n\n## 2. Rights\n\n" + text
    assert [f.message for f in analyse_text(policy).findings if f.kind == "dangling_reference"] == []


def test_numbered_plain_lines_are_titles_a_reference_can_point_to(analyse_text) -> None:  # type: ignore[no-untyped-def]
    policy = ("1\\. Who we are\n\nWe are Example.\n\n9\\. What are your rights?\n\nYou may ask for a copy.\n\n"
              "To object, please see Section 9 \u201cWhat are your rights?\u201d below.")
    assert [f.message for f in analyse_text(policy).findings if f.kind == "dangling_reference"] == []


@pytest.mark.parametrize("text", [
    "See Settings \u2192 Apps \u2192 [App Name] \u2192 Permissions.",
    "Cookies: _dc_gtm_UA-XXXXXXX-X, __lc.visitor_id.",
    "The categories to be collected [Section 1] and how long they are retained [Section 7].",
    "______",
])
def test_placeholder_near_misses_from_real_policies(text: str) -> None:
    assert find_placeholders(text) == []


def test_one_broken_file_gives_a_few_encoding_findings_not_one_per_sentence(analyse_text) -> None:  # type: ignore[no-untyped-def]
    text = "\n\n".join(f"Sentence {n} says \ufffdSite\ufffd again." for n in range(10))
    found = [f for f in analyse_text(text).findings if f.kind == "encoding_artifact"]
    assert len(found) == 3 and "7 more sentence(s)" in found[-1].message


def test_third_party_site_disclaimers_are_not_liability_findings(analyse_text) -> None:  # type: ignore[no-untyped-def]
    text = "These websites are independent sites, and we assume no responsibility or liability whatsoever for them."
    assert [f for f in analyse_text(text).findings if f.kind == "liability_disclaimer"] == []


@pytest.mark.parametrize("sentence", [
    "Opt out by visiting our opt-out page or by refusing consent when you see a Consent Management Tool.",
    "For details, please refer to \u201cRegarding Usage of Your Information\u201d and the terms of each service.",
])
def test_more_real_near_misses(sentence: str, analyse_text) -> None:  # type: ignore[no-untyped-def]
    assert [f.kind for f in analyse_text(sentence).findings if f.kind in ("consent_by_use", "dangling_reference")] == []


def test_a_labelled_foreign_address_satisfies_address_below(analyse_text) -> None:  # type: ignore[no-untyped-def]
    text = "Contact us via the address below:\n\n**Address: 1 One-North Crescent, #06-01, Singapore (138538)**"
    assert [f for f in analyse_text(text).findings if f.kind == "dangling_reference"] == []


def test_a_table_of_contents_entry_is_no_evidence(analyse_text) -> None:  # type: ignore[no-untyped-def]
    text = ("# Privacy notice\n\n1. [International Data Transfers](#international-data-transfers)\n"
            "2. [Your rights](#your-rights)\n\n## International Data Transfers\n\n"
            "Your data is stored on servers located in the United States.\n")
    result = analyse_text(text)
    transfer = next(v for v in result.verdicts if v.requirement == "cross_border_transfer")
    assert [e.text for e in transfer.evidence] == ["Your data is stored on servers located in the United States."]
    assert kinds(result, "transfer_without_safeguards") == ["Your data is stored on servers located in the United States."]
    toc_only = analyse_text("1. [International Data Transfers](#international-data-transfers)\n")
    assert next(v for v in toc_only.verdicts if v.requirement == "cross_border_transfer").status.value == "missing"


def test_a_transfer_without_safeguards_is_found_in_every_place_it_shows(analyse_text) -> None:  # type: ignore[no-untyped-def]
    places = ["Our servers are located in the United States.", "Support staff in India may see your tickets.",
              "Backups are stored in Singapore.", "Analytics data is processed in the United States.",
              "Our payment provider is based in Canada."]
    result = analyse_text("\n\n".join(places))
    assert sorted(kinds(result, "transfer_without_safeguards")) == sorted(places)
    transfer = next(v for v in result.verdicts if v.requirement == "cross_border_transfer")
    assert len(transfer.evidence) == 3  # the verdict's evidence stays short
