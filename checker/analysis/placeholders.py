"""Unfilled template slots such as ``[List of countries]`` or ``{{company_name}}``.

Shared by the ``placeholder`` detector and by matching (a disclosure whose only evidence is a
template slot is not a disclosure). Markdown links are gone by the time text gets here; what
remains in brackets is either a slot, a citation ("[1]"), an editorial mark ("[sic]") or an
obfuscated address ("[email protected]"), and only the first is a slot (the ``placeholder``
detector reports a hidden address on its own, with its own message).
"""

from __future__ import annotations

import re
from functools import lru_cache

from checker.analysis.regex_screen import screened

_SQUARE = screened(r"\[(?P<body>[^\[\]\n]{2,120})\]")
_CURLY = screened(r"\{\{\s*(?P<body>[^{}\n]{1,80}?)\s*\}\}|\{(?P<var>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_]+)*)\}")
_ANGLE = screened(r"<(?P<body>[A-Z][A-Za-z ]{2,60})>|<<(?P<body2>[^<>\n]{2,60})>>|<(?P<low>[a-z][a-z _]{2,60})>")
_UNDERSCORES = screened(r"(?<![\w.-])(?:_{5,}|XXX+|xxx+)(?![\w-])(?!\.\w)")
# a template's optional section left in: "Email marketing (if applicable): With your permission, ..."
_OPTIONAL_LABEL = screened(r"(?:^|(?<=[.:;]\s))[A-Z][\w ,/&-]{2,60}\s\((?:if|where|when)\s+(?:applicable|relevant|any)\)\s*:")
# a date format where a date should be ("last updated DD/MM/YYYY"), a template's own domain
# ("privacy@yourdomain.com") and a template's name for the operator left unbracketed ("Company Name Ltd")
_FORMAT_MASK = screened(r"(?<![\w/-])(?:DD|MM)[/.-](?:MM|DD)[/.-](?:YYYY|YY)(?![\w/-])|(?<![\w-])YYYY-MM-DD(?![\w-])|"
                        r"(?<![\w/])_{1,4}\s?[/.-]\s?_{1,4}\s?[/.-]\s?_{2,4}(?![\w/])|"
                        # the same in words: "Effective Month, Day, Year", "Last updated: Month DD, YYYY"
                        r"\bMonth,?\s(?:Day|DD),?\s(?:Year|YYYY)\b")
_FORMAT_ASKED = re.compile(r"\b(?:format(?:ted)?|in\s+the\s+form|such\s+as|e\.g\.|like|as)\s*(?:of\s+)?[\"'\u201c(]?\s*$",
                           re.IGNORECASE)
"""Words before a date mask that ask the reader for that format ("in the format DD/MM/YYYY"): not a slot."""
_TEMPLATE_DOMAIN = screened(r"\b(?:www\.)?(?:yourdomain|yourcompany|yoursite|yourwebsite|mydomain|mycompany|"
                            r"your-(?:domain|company|site|website|saas|app|service|business))\."
                            r"(?:com|org|net|io|co\.uk)\b|"
                            # the reserved example domain with a stand-in for the mailbox ("example@example.com",
                            # "email@example.com"): a template's address, where a real one ("privacy@example.com"
                            # stands for one in our tests) would name the office
                            r"(?<![\w.+-])(?:example|e-?mail|your[._-]?(?:e-?mail|name)|name|user(?:name)?|someone|somebody|"
                            r"mail|test)@example\.(?:com|org|net)\b", re.IGNORECASE)
_TEMPLATE_NAME = screened(r"\b(?:Company Name|Lorem ipsum)\b|"
                          r"\bYour Company(?=,?\s+(?:Name|Inc\b|LLC|Ltd|Limited|GmbH|Corp|S\.?A\.?\s|B\.?V\.?\s|Pty))|"
                          # the operator as the template wrote it: "Your LLC. ("us", "we") operates ..."
                          r"\bYour (?:LLC|Inc|Ltd|GmbH|Corp)\b\.?")
# a template's drafting note to whoever fills it in, left in the published text: "This should be checked and
# supplemented accordingly", "It should therefore be checked whether the hoster provides tracking tools" (not
# "this policy will be amended accordingly", which policies promise)
_DRAFTING_NOTE = screened(r"\b(?:this|it|such\s+wording|the\s+(?:text|wording|following))\s+(?:should|must|needs\s+to)\s+"
                          r"(?:therefore\s+|also\s+)?be\s+(?:checked|supplemented|adapted|inserted|customi[sz]ed|tailored|"
                          r"corrected|stated|specified)\b",
                          re.IGNORECASE)
# A few domains ("yourdomain.com", and "your-" with a hyphen before the kind of site: one needle), two
# names and a template's filler text ("Lorem ipsum"): each needle is a pass over the policy's text, and
# 16 domain spellings plus five "<X> Name" forms cost ~2% of a scan for slots templates rarely spell otherwise.
SLOT_PATTERNS = (_SQUARE, _CURLY, _ANGLE, _UNDERSCORES, _OPTIONAL_LABEL, _FORMAT_MASK, _TEMPLATE_DOMAIN, _TEMPLATE_NAME,
                 _DRAFTING_NOTE)
"""Every slot matches one of these: a text none of them could match holds no placeholder."""
_CROSS_REFERENCE = re.compile(r"^(?:re:|see\b|(?:section|article|part|chapter|clause|paragraph|schedule|annex|appendix|"
                              r"exhibit|note|table|figure|footnote)\s+[\dIVXivx])", re.IGNORECASE)
_KEY_NAME = re.compile(r"<(?:Enter|Return|Tab|Esc|Escape|Shift|Ctrl|Control|Alt|Option|Cmd|Command|Space|Delete|Del|"
                       r"Backspace|Home|End|Insert|Page ?Up|Page ?Down)>")
_UI_PATH = re.compile(r"[\u2192>]\s*$|^\s*[\u2192>]")
_ILLUSTRATION = re.compile(r"\((?:e\.\s?g\.|for\s+example|for\s+instance|such\s+as)[^()]*$", re.IGNORECASE)
"""An open parenthesis that gives an example, before a bracketed field: the example's field names."""
_NOT_SLOTS = re.compile(r"^(?:\d+(?:[,\-\u2013]\s*\d+)*|[ivx]+|sic|emphasis added|email\s+protected|"
                        r"at|dot|\.\.\.|\u2026|redacted|link|pdf|here|x|\s*)$", re.IGNORECASE)
_SLOT_WORDS = re.compile(r"\b(?:insert|enter|list|name|company|address|date|country|countries|email|e-mail|"
                         r"phone|purpose|url|website|number|your|here|tbd|todo|placeholder|entity|"
                         r"affiliates?|organi[sz]ation|contact|specify|describe|details?)\b", re.IGNORECASE)


_URL_BEFORE = re.compile(r"(?:https?://|www\.|\b[\w-]+\.[a-z]{2,}/)\S*/$", re.IGNORECASE)
"""An address right before a bracket, ending in a slash: the bracket is a path segment."""


def find_placeholders(text: str) -> list[tuple[int, int]]:
    """Spans of unfilled template slots in ``text``."""
    spans: list[tuple[int, int]] = []
    for m in _SQUARE.finditer(text):
        body = m.group("body").strip()
        if _NOT_SLOTS.match(body) or _CROSS_REFERENCE.match(body) or "@" in body or "://" in body:
            continue
        # "Settings -> Apps -> [App Name] -> Permissions": a generic UI label, not a template slot
        if _UI_PATH.search(text[max(0, m.start() - 3):m.start()]) or _UI_PATH.search(text[m.end():m.end() + 3]):
            continue
        # "www.example.com/[your username]": the shape of an address the reader's own value completes
        if _URL_BEFORE.search(text, max(0, m.start() - 80), m.start()):
            continue
        # "*[IP]: Internet Protocol": Markdown's definition of an abbreviation, not a slot
        if text[m.start() - 1:m.start()] == "*" and text[m.end():m.end() + 1] == ":":
            continue
        # "(e.g., [username] deleted [title of post] at [time/date])": the fields of an illustration
        if _ILLUSTRATION.search(text, max(0, m.start() - 80), m.start()):
            continue
        words = body.split()
        capitalised = body[:1].isupper() or body.isupper()
        # a template's alternative or optional clause left in the prose: "Example stores [or does not
        # store] this information", "for the sole purpose of this e-mail [and tracking referrals]"
        alternative = len(words) >= 2 and words[0] in ("or", "and", "and/or")
        if (capitalised and (len(words) >= 2 or body.isupper())) or alternative or _SLOT_WORDS.search(body):
            spans.append((m.start(), m.end()))
    for pattern in (_CURLY, _ANGLE, _UNDERSCORES, _OPTIONAL_LABEL, _FORMAT_MASK, _TEMPLATE_DOMAIN, _TEMPLATE_NAME, _DRAFTING_NOTE):
        for m in pattern.finditer(text):
            if pattern is _ANGLE and ("@" in m.group(0) or "://" in m.group(0)):
                continue
            if pattern is _ANGLE and m.group("low") and not _SLOT_WORDS.search(m.group("low")):
                continue  # "<br>", "<span>": markup, not a slot; "<company address>" names what to fill in
            if pattern is _ANGLE and (_KEY_NAME.match(m.group(0)) or _FORMAT_ASKED.search(text[max(0, m.start() - 30):m.start()])
                                      or text[m.end():m.end() + 2] == ".<" or text[max(0, m.start() - 2):m.start()] == ">."):
                continue  # "press <Enter>", "in the format <name>.<surname>": the reader's input, not the author's
            if pattern is _UNDERSCORES and not text.replace(m.group(0), "").strip(" :.-|"):
                continue  # a line of underscores or X's alone is a rule or a mask, not a blank to fill
            if pattern is _TEMPLATE_NAME and _inside_square(text, m.start()):
                continue  # "[Company Name]" is already the square slot around it
            if pattern is _FORMAT_MASK and _FORMAT_ASKED.search(text[max(0, m.start() - 30):m.start()]):
                continue
            if pattern is _TEMPLATE_DOMAIN and (_ILLUSTRATION.search(text, max(0, m.start() - 80), m.start())
                                                or _FORMAT_ASKED.search(text[max(0, m.start() - 30):m.start()])):
                continue  # "your e-mail address (e.g. name@example.com)": an illustration of what the reader types
            spans.append((m.start(), m.end()))
    return sorted(set(spans))


_NAME_WORD = re.compile(r"[A-Z][\w'\u2019-]+")
_SQUARE_SPANS = re.compile(r"\[[^\[\]\n]*\]")


def names_what_the_policy_names(slot: str, policy_text: str) -> bool:
    """Whether a bracketed ``slot`` ("[Acmewiki Manual]", a page title's suffix) holds a name the
    policy itself uses outside brackets, always capitalised (a domain such as "acmewiki.org" aside):
    filled text, not a slot. A template's slot names a kind of value ("[Company Name]", "[List of
    countries]"), never the value, so a slot word anywhere in it keeps it a slot."""
    body = slot.strip("[] ")
    if _SLOT_WORDS.search(body):
        return False
    outside = _SQUARE_SPANS.sub(" ", policy_text)
    for word in _NAME_WORD.findall(body):
        if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", outside) and \
                not re.search(rf"(?<![\w@./-]){re.escape(word.lower())}(?![\w@-]|\.\w)", outside):  # "zotero.org" is a domain
            return True
    return False


def _inside_square(text: str, at: int) -> bool:
    opened = text.rfind("[", 0, at)
    return opened >= 0 and text.find("]", opened) > at and "]" not in text[opened:at]


@lru_cache(maxsize=16_384)  # matching asks again of the same evidence sentence per requirement
def has_placeholder(text: str) -> bool:
    return bool(find_placeholders(text))
