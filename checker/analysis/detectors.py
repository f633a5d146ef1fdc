"""Detectors for concrete problems in a policy: one small function per finding kind.

Each detector reads the policy's sentences (and, where the problem depends on it, its facts and
verdicts) and returns :class:`Finding` records with the sentence they rest on. They are plain
functions in one table (no registration by import side effects) so the set is easy to read, test
and extend. What a policy *states* (disclaimers, consent by use, vague retention) is read in
``statement_detectors``; here are the problems of its form (slots, mojibake, links, references).
``transfer_without_safeguards`` is not here: it is declared in the checklist as the
finding of the ``safeguards`` qualifier of ``cross_border_transfer``, because it *is* that gap.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from urllib.parse import unquote, urlparse

from checker.analysis.anchor_links import MAX_ARTIFACT_FINDINGS, SECTION_WORD, dangling_anchor_links, norm
from checker.analysis.authorities import authority_mismatch
from checker.analysis.detector_input import Detector, DetectorInput, evidence
from checker.analysis.placeholders import SLOT_PATTERNS, find_placeholders, names_what_the_policy_names
from checker.analysis.regex_screen import SentenceScreen, screened
from checker.analysis.statement_detectors import (
    consent_by_use,
    liability_disclaimer,
    rights_disclaimer,
    vague_retention,
)
from checker.models import BlockKind, Finding, Sentence

_I = re.IGNORECASE


def _first_few(hits: list[tuple[Sentence, re.Match[str]]], kind: str, severity: str,
               message: Callable[[re.Match[str]], str]) -> list[Finding]:
    """The first few of ``hits``, the last saying how many more sentences are affected, so the
    report stays readable."""
    more = len(hits) - MAX_ARTIFACT_FINDINGS
    return [Finding(kind, severity,
                    message(m) + (f" ({more} more sentence(s) affected)" if n == MAX_ARTIFACT_FINDINGS and more > 0 else ""),
                    evidence(s, [(m.start(), m.end())]))
            for n, (s, m) in enumerate(hits[:MAX_ARTIFACT_FINDINGS], start=1)]


_HIDDEN_ADDRESS = screened(r"\[\s*\\?\[?\s*email(?:\s|\xa0)+protected\s*\\?\]?\s*\]", re.IGNORECASE)
"""'[email protected]': the address a saved web page's e-mail protection replaced; not a template slot,
but the reader is left with a blank where the address should be (the reviewers label it a placeholder)."""


_BLANK_ADDRESS = screened(r"\b(?:contact(?:ing)?|e-?mail(?:ing)?|reach(?:ing)?|writ(?:e|ing)\s+to)\s+us\s+at\s*(?=(?:or|and)\b|[.;]|$)|"
                          r"\be-?mail\s+to\s+(?:us|our\s+[a-z][a-z ]{1,40}?)\s*[-\u2013\u2014:]\s*[.;]?\s*$", re.IGNORECASE)
"""'Please contact us at  or send your comments to ...', 'e-mail our support attendant - .': the address
the sentence announces is not there (a saved page's e-mail protection removed it whole)."""


_LEFT_OUT = screened(r"\b(?:by|via|through)\s+or\s+(?:by\s+)?(?:sending|calling|writing|e-?mailing|faxing|logging|visiting|"
                     r"contacting|clicking|completing|filling|mailing|using)\b", re.IGNORECASE)
"""'please let us know by or sending an email to ...': a template's first way (a phone number, a form) deleted
and its 'or' left behind; the sentence still holds the second way, so it stays evidence for the rules."""


_ADDRESS_ANNOUNCED = screened(r"(e-?mail\b[^.;:]{0,40}?)?\b(?:following|below|this)\s+(?:postal\s+|mailing\s+|physical\s+|"
                              r"street\s+|e-?mail\s+)?address\s*:\s*$", re.IGNORECASE)
"""'... or at the following address:' ending the sentence: the address should come next (group 1: an
e-mail address is announced, "contact us via email at the following address:")."""


def _address_follows(sentences: Sequence[Sentence], i: int, e_mail: bool) -> bool:
    """Does the announced address follow sentence ``i``: a number (street, postcode, P.O. box), or an
    e-mail address where one is announced, in one of the next three sentences? Where none has one
    ("Our Data Protection Officer may be contacted via ..." right after), the address was never filled
    in, or the saved page lost it. (Headings are looked at too: an address line "1 Main Street" can be
    read as a numbered heading.)"""
    return any(any(c.isdigit() for c in _SECTION_NUMBER.sub("", s.text)) or (e_mail and "@" in s.text)
               for s in sentences[i + 1:i + 4])


_SECTION_NUMBER = re.compile(r"^\s*(?:\d+\\?\.)+(?:\s|$)")
"""A heading's own number ("1. Information We Collect", "2.3 Cookies") is no street number."""


def placeholder(data: DetectorInput) -> list[Finding]:
    """Unfilled template slots ("[List of countries]") left in the published policy, and addresses
    hidden by a web page's e-mail protection."""
    found = []
    hidden: list[tuple[Sentence, re.Match[str]]] = []
    policy_text: str | None = None  # joined only when a bracket needs it
    for s in data.could_match(*SLOT_PATTERNS, _HIDDEN_ADDRESS, _BLANK_ADDRESS, _LEFT_OUT, _ADDRESS_ANNOUNCED):
        for start, end in find_placeholders(s.text):
            if s.text[start] == "[":
                if policy_text is None:
                    policy_text = "\n".join(t.text for t in data.sentences)
                if names_what_the_policy_names(s.text[start:end], policy_text):
                    continue
            found.append(Finding("placeholder", "high", f"unfilled template placeholder {s.text[start:end]}",
                                 evidence(s, [(start, end)])))
        m = _HIDDEN_ADDRESS.search(s.text) or _BLANK_ADDRESS.search(s.text) or _LEFT_OUT.search(s.text)
        if m is None and (announced := _ADDRESS_ANNOUNCED.search(s.text)) \
                and not _address_follows(data.sentences, s.number, announced.group(1) is not None):
            m = announced
        if m:
            hidden.append((s, m))
    return found + _first_few(hidden, "placeholder", "medium", lambda m: (
        "an e-mail address hidden by the saved page's e-mail protection ([email protected]): "
        "the address the reader needs is missing" if "protected" in m.group(0) else
        f"a way of reaching the operator the template left out ('{m.group(0)}'): the first of the ways offered is missing"
        if m.re is _LEFT_OUT.pattern else
        "the address the sentence announces does not follow it (never filled in, or lost when the page was saved)"
        if m.re is _ADDRESS_ANNOUNCED.pattern else
        "an e-mail address the sentence announces is missing (removed when the page was saved, or never filled in)"))


_MOJIBAKE = screened(r"ï¿½|\ufffd|¡[¯°±]|Ã[\u0080-\u00bf]|â€[\u0080-\u00bf\u2018-\u201e\u2122\u0153\u02dc\u0161\u017e\u201d]|"
                       r"Â[\u00a0-\u00bf]|(?<!\w)[ÂÃ](?=\s)|"
                       # C1 control characters: what is left of a UTF-8 curly quote whose first byte was lost
                       # ("opportunity\u0080\u009d)"); no text means them. Spelled one by one, not as a range,
                       # so the screen can test for each before the regex runs
                       "[" + "".join(chr(c) for c in range(0x80, 0xA0)) + "]+")


def encoding_artifact(data: DetectorInput) -> list[Finding]:
    """Mojibake ("usersï¿½ profile"): text that was decoded with the wrong character set."""
    hits = [(s, m) for s in data.could_match(_MOJIBAKE) for m in [_MOJIBAKE.search(s.text)] if m]
    return _first_few(hits, "encoding_artifact", "low", lambda m: (
        f"encoding artifact {m.group(0)!r}: text was saved or decoded with the wrong character set"))


_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_DOMAIN_TEXT = re.compile(r"^(?:https?://)?(?:www\.)?([a-z0-9\-]+(?:\.[a-z0-9\-]+)+)(?:[/?#]\S*)?$", _I)


def _host(url: str) -> str:
    host = (urlparse(url).hostname or "").lower().rstrip(".")  # "www.cnil.fr." is www.cnil.fr
    return host[4:] if host.startswith("www.") else host


def link_mismatch(text: str, target: str) -> str | None:
    """Why a link's visible text promises another destination than its target, or None."""
    shown = text.strip().strip(".,;:()[]<>\"'\u201c\u201d").strip()
    target = target.strip()
    email = _EMAIL.search(shown)
    if email and target.lower().startswith("mailto:"):
        real = unquote(target[7:].split("?")[0]).strip()
        if real.lower() != email.group(0).lower():
            return f"the link text says {email.group(0)} but it sends mail to {real}"
        return None
    web = target.lower().startswith(("http://", "https://"))
    # an address shown whole whose link opens a web page ("http://mailto:privacy@...", a relative link
    # resolved to "https://example.com/privacy/privacy@example.com"): clicking it sends no mail
    if email and email.group(0) == shown and web:
        return f"the link text shows the address {email.group(0)} but it opens the web page {target}, not an e-mail to it"
    real = _host(target) if web else ""
    # a copy saved by the Wayback Machine: the archive rewrote the page's links to itself
    if not real or real == "web.archive.org":
        return None
    domain = _DOMAIN_TEXT.match(shown)
    if domain and " " not in shown:
        promised = domain.group(1).lower()
        promised = promised[4:] if promised.startswith("www.") else promised
        if promised != real and not real.endswith("." + promised) and not promised.endswith("." + real):
            return f"the link text says {shown} but it opens {real}"
    return authority_mismatch(shown, real)


def contact_link_mismatch(data: DetectorInput) -> list[Finding]:
    """A link whose text shows one address or site and whose target is another."""
    found = []
    for s in data.sentences:
        for link in s.links:
            why = link_mismatch(link.text, link.target)
            if why is None:
                continue
            # Quote the sentence with the offending link written out, as in the source.
            shown = f"{s.text[:link.start]}[{s.text[link.start:link.end]}]({link.target}){s.text[link.end:]}"
            severity = "high" if link.target.lower().startswith("mailto:") or "@" in link.text else "medium"
            found.append(Finding("contact_link_mismatch", severity, f"contact link mismatch: {why}",
                                 evidence(s, [(link.start, link.end)], text=shown)))
    return found


# "the effective date", "the date these terms were last revised" (with a place for it: _LOCATION)
_DATE_REFERENCE = screened(r"[\"\u201c]last\s+(?:updated|modified|revised)[\"\u201d]|"  # (a quote mark opens no word: no \b)
                             r"\b(?:updated\s+time|(?:last\s+)?updated\s+date|effective\s+date|revision\s+date|"
                             r"date\s+of\s+(?:the\s+)?last\s+(?:update|revision)|"
                             r"date\s+(?:on\s+which\s+)?(?:\w+\s+){1,3}?(?:was|were|is|are|has\s+been|have\s+been)\s+last\s+"
                             r"(?:updated|modified|revised|changed|amended))", _I)
_LOCATION = screened(r"\b(?:at|on|to|in)\s+the\s+(?:very\s+)?(?:bottom|top|end|beginning|foot)\b|\b(?:below|above)\b", _I)
_AFTER = re.compile(r"bottom|end|foot|below", _I)
_REFERRING = screened(r"\b(?:refer\s+to|see|under|described\s+in|set\s+out\s+in|explained\s+in)\b", _I)
# "see Annex 2", "set out in Appendix A": a part of the document that must then be in it
_ANNEX_REF = screened(r"\b(Annex|Appendix|Schedule|Exhibit|Attachment|Addendum)\s+([A-Z]|\d{1,2}|[IVX]{1,4})\b(?![./-]\d)")
_LEGAL_PART_NEAR = screened(r"\b(?:Clauses|SCCs?|Decision|Commission|Act|Regulation|Code|GDPR|CCPA|Directive|Law|Treaty|"
                            r"Convention|Agreement|DPA|Contract)\b")
_LAW_NEAR = screened(r"\b(?:Code|Act|Regulation|GDPR|CCPA|CPRA|COPPA|Law|Directive|Statutes?|U\.?S\.?C|C\.?F\.?R)\b")
_SECTION_NUMBER_REF = screened(r"\b(?:(?:refer\s+to|see)\s+(?:section|paragraph|clause)?|section|paragraph|clause)\s*"
                                 r"(\d+(?:\.\d+)*+)(?![.\d]*\d)\b(?!\s*(?:of|under|in)\s+(?:the\s+)?(?:[A-Z][\w.]*\s+){0,4}"
                                 r"(?:Act|Code|Regulation|GDPR|Law|Directive|Rules?|Statutes?|Civil))", _I)
# a quoted title right after the words that refer to it: 'see Section 9 "What are your rights?"'
_QUOTED_REF = screened(r"\b(?:refer\s+to|see|in|under|read|(?:and|or)\s+to)\s+(?:the\s+)?(?:(?:section|heading|paragraph|chapter)\s+)?"
                         r"(?:\d+(?:\.\d+)*\.?\s*)?(?:(?:section|heading)\s+)?[\u201c\"]\s*([^\u201c\u201d\"]{3,80}?)\s*[\u201d\"]"
                         # (not a tab of the account or the app: "the \"Your Children\" section within your account")
                         r"(?!\s*(?:link|button|tab|page|menu|option|setting|icon|law|act|form|"
                         r"(?:section|area|part)\s+(?:within|of|in|on)\s+(?:your|the|our)\s+(?:account|settings|profile|dashboard|app)))", _I)
_INTERNAL = screened(r"\b(?:section|heading|paragraph|above|below|herein|this\s+(?:privacy\s+)?(?:policy|notice|statement))\b", _I)
# "the table below", "the following list", "the image above": what the reader is sent to look at
_TABLE_REF = screened(r"\b(?:table\s+(?:below|above)|(?:below|above|following)\s+table)\b", _I)
_LIST_REF = screened(r"\b(?:list\s+(?:below|above)|(?:below|above)\s+list|following\s+list)\b", _I)
_IMAGE_REF = screened(r"\b(?:(?:image|screenshot|picture|diagram|illustration|infographic)s?\s+(?:below|above)|"
                      r"(?:below|above|following)\s+(?:image|screenshot|picture|diagram|illustration|infographic)s?)\b", _I)
# "point (f) above", "lit. g above", "letter b) below": an item of a list that must then be there
_ITEM_REF = screened(r"\b(?:point|points|lit\.?|letter|item|sub-?paragraph|indent)\s*\(?([a-z]|\d{1,2}|[ivx]{1,4})\)?\s+"
                     r"(?:above|below)\b", _I)
# "the link below", "the contact details below": something the reader is sent to that must follow
_LINK_BELOW = screened(r"\b(?:link|links|url|button)\s+(?:listed\s+|shown\s+|provided\s+|given\s+)?below\b|"
                       r"\bbelow\s+(?:link|links|url)\b", _I)
_CONTACT_BELOW = screened(r"\b(?:contact\s+(?:details|information|info)|e-?mail\s+address)\s+(?:are\s+|is\s+)?"
                          r"(?:listed\s+|shown\s+|provided\s+|given\s+|set\s+out\s+)?below\b", _I)
_POINTS_NOWHERE = screened(r"\b(?:go\s+to|visit|refer\s+to|see|(?:available|found)\s+at|contact\s+us\s+at|write\s+to\s+us\s+at|"
                           r"(?:form|link|button|widget|tool|box|instance|checkbox|switch)\s+below)\s*:\s*$", _I)
"""'For further information ..., go to:' as the last sentence before a heading: the links or address
the colon introduces are missing."""
_HERE_WITHOUT_LINK = screened(r"\b(?:click(?:ing)?|tap(?:ping)?|contact(?:ing)?\s+us|found|available|more\s+information)\s+here\b|"
                              # "here" ending a sentence that names what the link does: "you can opt out of
                              # these cookies here.", "you can download a copy here"
                              r"\b(?:opt(?:ed)?(?:\s|-)?out|unsubscribe|manage|learn|download|view|find|read)\b[^.;!?]{0,80}?"
                              r"\bhere\s*[.!]?\s*$", _I)
"""'by contacting us here' in a sentence with no link, in a policy that keeps its links elsewhere
(a plain-text policy lost all of them; there 'here' says nothing about the page)."""
_PRINT = re.compile(r"\bprint", _I)
_WRITTEN_OUT = re.compile(r"\s*[:\-\u2013\u2014]?\s*[(<]?\s*(?:https?://|www\.|[\w.+-]+@[\w-]+\.)", _I)
_WEB_ADDRESS = re.compile(r"https?://|www\.")
_CHANNEL = screened(r"@|https?://|www\.|\+?\d[\d ()./-]{6,}\d", 0)
_EMAILED = re.compile(r"\be-?mail(?:ing)?\b", _I)


def _gives_channel(s: Sentence) -> bool:
    """An e-mail address, a web address or a number written out, or behind a link ("[Legal](mailto:...)")."""
    return bool(_CHANNEL.search(s.text)) or any(link.target.lower().startswith(("mailto:", "tel:")) for link in s.links)


# a postal address promised below ("the e-mail address below" is _CONTACT_BELOW's: a channel answers it)
_ADDRESS_REF = screened(r"\b(?:(?:mailing|postal|physical)\s+)?(?<!mail\s)(?<!mail-)address\s+"
                        r"(?:listed\s+|shown\s+|provided\s+|given\s+)?below\b", _I)
_POSTAL = screened(r"\b\d{1,6}\s+(?:[A-Z][\w.]*\s+){1,4}(?:Street|St\.?|Avenue|Ave\.?|Boulevard|Blvd\.?|Road|Rd\.?|"
                     r"Drive|Dr\.?|Lane|Ln\.?|Way|Court|Ct\.?|Place|Pl\.?|Parkway|Pkwy\.?|Square|Plaza|Crescent|"
                     r"Strasse|Straße|Rue|Via|Calle|Building|Tower|Floor)\b|^\s*(?:Postal\s+|Mailing\s+)?Address\s*:|"
                     r"\bP\.?\s?O\.?\s+Box\b|\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b|\b\d{4,5}\s+[A-Z][a-z]+", 0)


def _starts_with_label(text: str, label: str) -> bool:
    """Whether ``text`` opens with the list label ``label``: "(f) ...", "f) ...", "f. ...", "4. ..."."""
    head = text.lstrip(" *-#\u2022").lower()
    return head.startswith((f"({label})", f"{label})", f"{label}.", f"{label} )"))


def _gives_way(after: Sequence[Sentence]) -> bool:
    """Do the lines after "contact us at:" give the link or address after all? In a plain-text
    policy an address's first line ("17666 Fitch") looks like a heading: a line with a number,
    followed by a postal line or a channel, is that address."""
    first = after[0]
    if first.links or _CHANNEL.search(first.text) or _POSTAL.search(first.text):
        return True
    return len(after) > 1 and any(c.isdigit() for c in first.text) and bool(
        after[1].links or _CHANNEL.search(after[1].text) or _POSTAL.search(after[1].text))


_FILLER_WORDS = re.compile(r"\b(?:your|our|their|the|a|an)\s+", _I)


def _bare(title: str) -> str:
    """A normalised title without the possessives and articles a cross-reference may drop or add."""
    return _FILLER_WORDS.sub("", title)


def dangling_reference(data: DetectorInput) -> list[Finding]:
    """The policy points at something it does not contain: a date, a section, an address below."""
    sentences = data.sentences
    texts = data.texts
    section_refs = texts.all_of(_SECTION_NUMBER_REF, _REFERRING)
    # headings and titles are listed only when something refers to them
    headings = [norm(s.text) for s in sentences if s.is_heading] if section_refs else []
    titles: list[tuple[int, str, str]] = []  # (index, text, lower-cased text) of headings and short lines
    numbered = sum(1 for h in headings if h[:1].isdigit()) >= 2  # only then is "section 7" checkable
    suspects = set(texts.all_of(_INTERNAL, _QUOTED_REF)) | set(texts.candidates(_ADDRESS_REF))
    suspects |= set(texts.any_of(_TABLE_REF, _LIST_REF, _IMAGE_REF, _ANNEX_REF, _ITEM_REF, _LINK_BELOW, _CONTACT_BELOW))
    dated = data.facts.hits.get("effective_date")  # where the policy's own date is, if it has one
    suspects.update(texts.all_of(_DATE_REFERENCE, _LOCATION))
    if numbered:
        suspects.update(section_refs)
    found = []
    for s in (sentences[i] for i in sorted(suspects)):
        text = s.text
        m, where = _DATE_REFERENCE.search(text), _LOCATION.search(text)
        # no date at all, or none where the text says: "a 'LAST MODIFIED' date below" with the only date
        # above (the place said of the date itself, not of "the chart below" later in the sentence)
        if m and where and (dated is None or (0 <= where.start() - m.end() <= 40
                                              and (dated.sentence < s.number) == bool(_AFTER.search(where.group(0))))):
            found.append(Finding("dangling_reference", "medium" if dated is None else "low",
                                 "dangling reference: the policy points to an update date that it does not contain"
                                 + ("" if dated is None else " where it says (the date is elsewhere)"),
                                 evidence(s, [(m.start(), m.end())])))
            continue
        for m in _SECTION_NUMBER_REF.finditer(text) if numbered and _REFERRING.search(text) else ():
            number = m.group(1)
            if _LAW_NEAR.search(text[max(0, m.start() - 60):m.end() + 60]):
                continue  # "California Civil Code section 1798.83" is a law, not this policy
            label = number.replace(".", " ")
            if not any(h.startswith(label + " ") or h == label for h in headings) and not (
                    # a numbered paragraph ("2.2 Suggested Friends Feature. (a) ...") is a subsection too
                    "." in number and any(t.number != s.number and norm(t.text).startswith(label + " ") for t in sentences)):
                found.append(Finding("dangling_reference", "low",
                                     f"dangling reference: section {number} is referred to but no heading has that number",
                                     evidence(s, [(m.start(), m.end())])))
        # only references that say they point inside this policy; others may name separate documents
        for m in _QUOTED_REF.finditer(text) if _INTERNAL.search(text) else ():
                # "Section 1.5 Special Categories of Data" names the heading "1.5 Special categories of data"
                title = SECTION_WORD.sub("", norm(m.group(1)))
                words = title.split()
                if not (2 <= len(words) <= 10) or not m.group(1)[:1].isupper():
                    continue
                if not titles:
                    # short standalone lines can be titles too ("9. What are your rights?" as plain text)
                    titles = [(t.number, t.text, t.text.lower()) for t in sentences
                              if t.is_heading or len(t.text.split()) <= 20]
                # a line holding the title holds its longest word as it stands: normalise only those
                longest = max(words, key=len)
                # (a possessive more or less is the same title: "Changing or Deleting Information" names
                # "Changing or Deleting Your Information")
                bare = _bare(title)
                if not any(longest in low and i != s.number and bare in _bare(norm(text)) for i, text, low in titles):
                    found.append(Finding("dangling_reference", "low",
                                         f"dangling reference: no section titled {m.group(1)!r}",
                                         evidence(s, [(m.start(1), m.end(1))])))
        for pattern, kinds, what in ((_TABLE_REF, {BlockKind.TABLE_CELL}, "a table"),
                                     (_LIST_REF, {BlockKind.LIST_ITEM}, "a list"), (_IMAGE_REF, set(), "an image")):
            m = pattern.search(text)
            if m and not any(t.kind in kinds for t in sentences):
                found.append(Finding("dangling_reference", "low",
                                     f"dangling reference: the text points to {what} it does not contain",
                                     evidence(s, [(m.start(), m.end())])))
        for m in _ANNEX_REF.finditer(text):
            # a title ("Annex 2: Purposes") is the part itself, not a reference to it; "Annex I of the
            # Standard Contractual Clauses", "Schedule 1 to the Act" are parts of another document
            if s.is_heading or not text[:m.start()].strip(" #*([") or \
                    _LEGAL_PART_NEAR.search(text[max(0, m.start() - 60):m.end() + 60]):
                continue
            if s.links or _WEB_ADDRESS.search(text, m.end()):
                continue  # "view Annex 1 at https://...": the reader is told where the annex is
            label = norm(m.group(0))
            if not any(t.number != s.number and norm(t.text).startswith(label) for t in sentences):
                found.append(Finding("dangling_reference", "low",
                                     f"dangling reference: {m.group(0)} is referred to but the policy does not contain it",
                                     evidence(s, [(m.start(), m.end())])))
        m = _ITEM_REF.search(text)
        if m and not _LAW_NEAR.search(text[max(0, m.start() - 40):m.end() + 40]):
            label = m.group(1).lower()
            before = m.group(0).lower().endswith("above")
            others = sentences[:s.number] if before else sentences[s.number + 1:]
            if not any(_starts_with_label(t.text, label) for t in others if t.line != s.line):
                found.append(Finding("dangling_reference", "low",
                                     f"dangling reference: item {m.group(1)} is referred to but no item of the policy has that label",
                                     evidence(s, [(m.start(), m.end())])))
        m = _LINK_BELOW.search(text)
        if m and not any(t.links or _CHANNEL.search(t.text) for t in sentences[s.number:]):
            found.append(Finding("dangling_reference", "medium",
                                 "dangling reference: a link 'below' is promised but none follows",
                                 evidence(s, [(m.start(), m.end())])))
        m = _CONTACT_BELOW.search(text)
        if m and not any(_gives_channel(t) or _POSTAL.search(t.text) for t in sentences[s.number + 1:]):
            found.append(Finding("dangling_reference", "medium",
                                 "dangling reference: contact details 'below' are promised but none follow",
                                 evidence(s, [(m.start(), m.end())])))
        # "e-mail us at the address given below": an e-mail address answers it, as a postal one does
        mailed = _EMAILED.search(text) is not None
        if _ADDRESS_REF.search(text) and not any(_POSTAL.search(t.text) or (mailed and _gives_channel(t))
                                                 for t in sentences[s.number + 1:]):
            m = _ADDRESS_REF.search(text)
            assert m is not None
            found.append(Finding("dangling_reference", "medium",
                                 "dangling reference: an address 'below' is promised but none follows",
                                 evidence(s, [(m.start(), m.end())])))
    return found + _sent_nowhere(sentences, texts) + dangling_anchor_links(sentences)


def _sent_nowhere(sentences: Sequence[Sentence], texts: SentenceScreen) -> list[Finding]:
    """"For more, go to:" with a heading next and nothing given; "contact us here" with no link in a
    policy that keeps its links. Screened on their own words, so the many sentences with "see" or
    "here" do not run the other reference checks."""
    found = []
    for s in (sentences[i] for i in texts.any_of(_POINTS_NOWHERE)):
        m = _POINTS_NOWHERE.search(s.text)
        after = sentences[s.number + 1:s.number + 3]
        if m and not s.links and (not after or after[0].is_heading and not _gives_way(after)):
            found.append(Finding("dangling_reference", "low",
                                 "dangling reference: the text sends the reader to links or an address that do not follow",
                                 evidence(s, [(m.start(), m.end())])))
    here = texts.any_of(_HERE_WITHOUT_LINK)
    if here and any(t.links for t in sentences):
        for s in (sentences[i] for i in here):
            m = _HERE_WITHOUT_LINK.search(s.text)
            # "to print this page, click here": a button; "available here: https://...": the address written out
            if m and not s.links and not _PRINT.search(s.text) and not _WRITTEN_OUT.match(s.text, m.end()):
                found.append(Finding("dangling_reference", "low",
                                     "dangling reference: 'here' stands for a link, but the sentence has none",
                                     evidence(s, [(m.start(), m.end())])))
    return found


DETECTORS: dict[str, Detector] = {
    "placeholder": placeholder,
    "liability_disclaimer": liability_disclaimer,
    "rights_disclaimer": rights_disclaimer,
    "consent_by_use": consent_by_use,
    "vague_retention": vague_retention,
    "contact_link_mismatch": contact_link_mismatch,
    "encoding_artifact": encoding_artifact,
    "dangling_reference": dangling_reference,
}
"""Every detector by finding kind; ``scan --detector``-style selection and the docs read this table."""


def run_detectors(data: DetectorInput, names: Sequence[str] | None = None) -> list[Finding]:
    """Run the named detectors (all by default) and return their findings in document order."""
    findings: list[Finding] = []
    for name in names or DETECTORS:
        findings.extend(DETECTORS[name](data))
    return findings
