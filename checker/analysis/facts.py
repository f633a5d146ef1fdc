"""Facts read off a policy: the children's age threshold, the effective date, contact e-mails.

Facts are values, not verdicts: they are compared across policies (13 here, 18 there), they back
the ``effective_date`` requirement and they feed detectors (a dangling "updated time" reference is
only a problem when no date exists).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from checker.analysis.regex_screen import SentenceScreen, screened
from checker.models import BlockKind, Sentence

NUMBER_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "twenty-one": 21, "twenty one": 21,
}
_NUM = r"(?P<num>\d{1,2}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")(?:\s*\(\s*(?P<paren>\d{1,2})\s*\))?"

_AGE_PATTERNS = [  # screened: most sentences are not about age
    # under the age of 13 / below the age of eighteen (18) / younger than 16 / under 13 years of age
    screened(r"\b(?:under|below|beneath|younger\s+than|less\s+than)\s+(?:the\s+)?(?:(?:legal\s+|minimum\s+)?age\s+of\s+)?"
               r"(?:\(\s*)?" + _NUM + r"(?:\s*\))?(?!\s*(?:%|percent|days?|hours?|months?|minutes?|weeks?)\b)", re.IGNORECASE),
    # at least 13 years old / must be 16 or older / aged 13 or over
    screened(r"\b(?:at\s+least|over\s+the\s+age\s+of|aged?)\s+(?:the\s+age\s+of\s+)?" + _NUM
               + r"(?=\s*(?:years?|or\s+older|or\s+over|and\s+(?:older|over)|\+|\b))", re.IGNORECASE),
    screened(_NUM + r"\s+years?\s+(?:of\s+age|old)\s+or\s+(?:older|over)", re.IGNORECASE),
    # "you must be 13 or older (16 in the EEA)": a person's age, not "Windows 10 or older"
    screened(r"\bbe\s+" + _NUM + r"\s+or\s+(?:older|over)", re.IGNORECASE),
]
_AGE_CONTEXT = screened(r"\b(?:child|children|childrens|minor|minors|kid|kids|teen|teens|teenagers?|parent|"
                          r"parents|parental|guardian|age|aged|years\s+old|coppa|young|knowingly)\b|"
                          # "anyone under 13", "users below 16": people named by the threshold alone
                          r"\b(?:anyone|anybody|individuals?|persons?|people|users?|visitors?|members?|customers?)\s+"
                          r"(?:who\s+(?:is|are)\s+)?(?:under|below|younger\s+than)\s+\d|"
                          # the reader addressed by the threshold: "if you are under 13", "you must be 13 or older"
                          r"\byou(?:'re|\u2019re|\s+are)\s+(?:under|below|younger\s+than)\s+\d|\bbe\s+\d{1,2}\s+or\s+(?:older|over)\b",
                          re.IGNORECASE)
_CONSENT_CONTEXT = screened(r"\b(?:parent|parents|parental|guardian|guardians|consent)\b", re.IGNORECASE)

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
_MONTH_ABBR = {m[:3]: i for m, i in _MONTHS.items()}
_MONTH_RE = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
# "July 12th of 2020": the ordinal may take "of" before the year, as after the day ("12th of July 2020")
_DATE_RE = (r"(?P<date>" + _MONTH_RE + r",?\s+\d{1,2}(?:st|nd|rd|th)?,?(?:\s+of)?\s+\d{4}"
            r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_RE + r",?\s+\d{4}"
            r"|\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{4}|\d{1,2}-\d{1,2}-\d{4}(?![\d-])|\d{1,2}/\d{1,2}/\d{2}(?![\d/])|"
            + _MONTH_RE + r",?\s+\d{4})")
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)?"
"""A weekday before the date ("Monday 9th February, 2026"), outside the date group."""
_EFFECTIVE = screened(
    r"\b(?:last\s+(?:updated|revised|modified|amended|changed|reviewed|edited|update|revision|modification)|"
    r"(?:date\s+of\s+)?last\s+revision|effective(?:\s+date)?|updated|revised|modified|amended|version\s+date|dated|"
    # "Revision date: February 19, 2008", "Date of revision: ..."
    r"revision\s+date|date\s+of\s+revision|"
    # "We last updated our Privacy Policy on March 2, 2016", "we revised this notice on 4 June 2021"
    r"(?:updated|revised|modified|amended|changed)\s+(?:this|our|the)\s+(?:privacy\s+|cookie\s+)?(?:policy|notice|statement)|"
    r"(?:applies|applicable|valid|in\s+(?:force|effect))\s+(?:from|since|as\s+of)|(?:came|comes)\s+into\s+(?:force|effect)|"
    r"(?:took|takes|take)\s+effect|(?:became|becomes)\s+effective|"
    # the notice's own issue: "This is version 1.0 of the privacy policy, issued December 6th, 2007",
    # "This notice was published on 4 May 2019" (the notice or its version as subject, the date next)
    # "This version was published on May 29th, 2015": the policy's own version, not an app's
    r"(?:policy|notice|statement|document|version\s+\d[\w.]*|this\s+version),?\s+(?:was\s+|is\s+|has\s+been\s+)?"
    r"(?:first\s+|originally\s+)?(?:issued|published|adopted|released|enacted))"
    # "last updated on the 2nd of June 2022", "Last updated Monday 9th February, 2026"
    r"(?:\s+(?:on|as\s+of|from|since|date|is|in))?\s*[:\-\u2013\u2014]?\s*(?:on\s+)?(?:the\s+)?" + _WEEKDAY + _DATE_RE,
    re.IGNORECASE)
_DATED_LINE = screened(r"^\W*(?:(?:formulated|enacted|established|adopted|issued|published|date|status)\s*(?:on|:)?\s*|"
                       # "Version 1.2 \u2014 May 22, 2018" or "(Version 2.0 \u2013 Date 31.01.2017)" under the title
                       r"version\s+\d[\w.]*\s*[\u2014\u2013\-:,|]?\s*(?:of\s+|dated\s+|from\s+|date\s*:?\s*)?)" + _DATE_RE +
                       r"(?:\W+version(?:\s+(?:number|no\.?))?\W*[\w.]+)?\W*$", re.IGNORECASE)
"""A line that is only the date the notice was drawn up ("Formulated on October 1, 2023", common
in policies translated from Japanese; "Date: 1st April 2015", "Status: May 25, 2018" or "Version 1.2
— May 22, 2018" under the title, perhaps with a version number): the policy's own date. A company's founding comes in a
sentence ("Our company was established on ..."), never as a line of its own."""
_EFFECTIVE_LABEL = re.compile(r"^\W*(?:last\s+(?:updated|revised|modified|amended|changed|reviewed|update|revision|amendment)|"
                              r"effective(?:\s+date)?|"
                              r"date\s+of\s+(?:last\s+)?(?:update|revision)|version\s+date|revision\s+date)\W*$", re.IGNORECASE)
"""A label standing alone ("**Effective Date**"), its date in the next line."""
_LEADING_DATE = re.compile(r"^\W*" + _WEEKDAY + _DATE_RE, re.IGNORECASE)
_EMAIL = screened(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")


@dataclass(frozen=True)
class FactHit:
    """Where a fact was read: sentence index and character span inside it."""

    sentence: int
    start: int
    end: int


@dataclass
class Facts:
    """Facts of one policy plus the sentences they were read from."""

    children_age: int | None = None
    children_ages: list[int] = field(default_factory=list)
    effective_date: str | None = None
    effective_date_text: str | None = None
    contact_emails: list[str] = field(default_factory=list)
    hits: dict[str, FactHit] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"children_age": self.children_age, "children_ages": self.children_ages,
                "effective_date": self.effective_date, "effective_date_text": self.effective_date_text,
                "contact_emails": self.contact_emails}


def _age_value(match: re.Match[str]) -> int | None:
    raw = (match.group("paren") or match.group("num")).lower()
    value = int(raw) if raw.isdigit() else NUMBER_WORDS.get(raw)
    return value if value is not None and 6 <= value <= 21 else None


_MAJORITY = re.compile(r"\b(?:under|below|at\s+least|over|reached|reach)\s+(?:the\s+)?age\s+of\s+majority\b", re.IGNORECASE)
""""The age of majority in your state": 18 in almost every state, province and EU country."""
AGE_OF_MAJORITY = 18


def find_ages(text: str) -> list[tuple[int, int, int]]:
    """Age thresholds in one sentence as (age, start, end); only where the sentence talks about age."""
    if not _AGE_CONTEXT.search(text):
        return []
    found: list[tuple[int, int, int]] = []
    for pattern in _AGE_PATTERNS:
        for m in pattern.finditer(text):
            value = _age_value(m)
            if value is not None and not any(s <= m.start() < e for _, s, e in found):
                found.append((value, m.start(), m.end()))
    for m in _MAJORITY.finditer(text):
        if not any(s <= m.start() < e for _, s, e in found):
            found.append((AGE_OF_MAJORITY, m.start(), m.end()))
    return sorted(found, key=lambda f: f[1])


def parse_date(text: str) -> str | None:
    """ISO date for the date formats policies use, or None when it is only a month/year or invalid."""
    t = text.strip().rstrip(".").replace(",", " ")
    t = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", t)
    t = re.sub(r"\bof\b", " ", t)
    parts = t.split()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
            return date.fromisoformat(t).isoformat()
        if re.fullmatch(r"\d{1,2}[/.]\d{1,2}[/.](?:\d{4}|\d{2})", t):
            a, b, y = (int(x) for x in re.split(r"[/.]", t))
            y = y + 2000 if y < 100 else y  # "04/11/12": a short year in a policy's date is this century
            month, day = (a, b) if "/" in t else (b, a)  # 10/09/2012 US style; 09.10.2012 European
            return date(y, month, day).isoformat()
        if re.fullmatch(r"\d{1,2}-\d{1,2}-\d{4}", t):  # "09-27-2016" US style, "27-09-2016" where the day shows
            a, b, y = (int(x) for x in t.split("-"))
            month, day = (a, b) if a <= 12 else (b, a)
            return date(y, month, day).isoformat()
        if len(parts) == 3:
            if parts[0][:3].lower() in _MONTH_ABBR:
                return date(int(parts[2]), _MONTH_ABBR[parts[0][:3].lower()], int(parts[1])).isoformat()
            if parts[1][:3].lower() in _MONTH_ABBR:
                return date(int(parts[2]), _MONTH_ABBR[parts[1][:3].lower()], int(parts[0])).isoformat()
        if len(parts) == 2 and parts[0][:3].lower() in _MONTH_ABBR:
            return f"{int(parts[1]):04d}-{_MONTH_ABBR[parts[0][:3].lower()]:02d}"
    except ValueError:
        return None
    return None


def _record_effective_date(facts: Facts, text: str, hit: FactHit) -> None:
    facts.effective_date_text = text
    facts.effective_date = parse_date(text) or text
    facts.hits["effective_date"] = hit


def _date_under_label(sentences: Sequence[Sentence], facts: Facts) -> None:
    """"Effective Date" on one line and "December 23, 2022" on the next: the date of the label."""
    for first, second in zip(sentences, sentences[1:]):
        if len(first.text) <= 40 and _EFFECTIVE_LABEL.match(first.text):
            m = _LEADING_DATE.match(second.text)
            if m:
                _record_effective_date(facts, m.group("date"), FactHit(second.number, m.start("date"), m.end("date")))
                return


_HISTORY_HEADING = re.compile(r"\b(?:revision|version|change|amendment|update)s?\s+(?:history|log)\b|\bchange\s?log\b|"
                              r"\bhistory\s+of\s+(?:changes|revisions|amendments|updates)\b|"
                              # a section about changes that may hold their log ("Changes to this policy")
                              r"\b(?:changes|updates|amendments|revisions)\s+to\s+(?:this|our|the)\b", re.IGNORECASE)
_DATED_ITEM = re.compile(r"^\W*" + _DATE_RE + r"\W*[:\u2013\u2014-]", re.IGNORECASE)
"""A list item that opens with a date and a colon or dash ("**March 16, 2018:** Edited various sections"):
one entry of a change log."""
_WHOLE_DATE = re.compile(r"^\W*" + _DATE_RE + r"\W*$", re.IGNORECASE)


def _dated_line(sentences: Sequence[Sentence], facts: Facts, screen: SentenceScreen) -> None:
    """"Formulated on October 1, 2023" as a line of its own (:data:`_DATED_LINE`): a date and a word
    or two, never a sentence about something else."""
    for i in screen.candidates(_DATED_LINE):
        m = _DATED_LINE.search(sentences[i].text) if len(sentences[i].text) <= 60 else None
        if m:
            _record_effective_date(facts, m.group("date"), FactHit(sentences[i].number, m.start("date"), m.end("date")))
            return


def _date_in_revision_history(sentences: Sequence[Sentence], facts: Facts) -> None:
    """A "Revision History" (a table of dates and what changed, newest first or last, or a list of
    "date: change" entries under "Changes to this policy"): its latest date is when the policy was last
    updated. Only dates standing alone in a cell or opening a list item count, so a change described as
    "Updated the list of 2019 partners" gives none."""
    latest: tuple[str, str, FactHit] | None = None
    history = {h for h in {s.heading for s in sentences} if h and _HISTORY_HEADING.search(h)}
    if not history:
        return
    for sentence in sentences:
        if sentence.heading in history:
            m = _WHOLE_DATE.match(sentence.text) or (
                _DATED_ITEM.match(sentence.text) if sentence.kind is BlockKind.LIST_ITEM else None)
            if m:
                iso = parse_date(m.group("date")) or ""
                if latest is None or iso > latest[0]:
                    latest = (iso, m.group("date"), FactHit(sentence.number, m.start("date"), m.end("date")))
    if latest is not None:
        _record_effective_date(facts, latest[1], latest[2])


def _date_under_title(sentences: Sequence[Sentence], facts: Facts) -> None:
    """A date standing alone among the first lines, without a label ("# Browser Privacy Notice" then
    "March 19, 2014", or the date as a subheading: "## May 19, 2009"): the notice's own date. Later in
    the text a lone date may date anything."""
    for sentence in sentences[:4]:
        m = _WHOLE_DATE.match(sentence.text)
        if m and sentence.kind in (BlockKind.PARAGRAPH, BlockKind.HEADING):
            _record_effective_date(facts, m.group("date"), FactHit(sentence.number, m.start("date"), m.end("date")))
            return


def extract_facts(sentences: Sequence[Sentence], screen: SentenceScreen | None = None) -> Facts:
    """Read the facts of one policy from its sentences (headings included: "Last updated ...").

    Only sentences that could hold a fact are read: those ``screen`` (the sentences' texts) says
    an age context, a date or an address could match in, and those with links.
    """
    facts = Facts()
    best_age: tuple[int, int, FactHit] | None = None  # (priority, age, where)
    emails: list[str] = []
    screen = screen or SentenceScreen([s.text for s in sentences])
    readable = set(screen.any_of(_AGE_CONTEXT, _EFFECTIVE, _EMAIL))
    readable.update(i for i, s in enumerate(sentences) if s.links)
    for sentence in (sentences[i] for i in sorted(readable)):
        text = sentence.text
        for age, start, end in find_ages(text):
            if age not in facts.children_ages:
                facts.children_ages.append(age)
            # prefer the age that comes with parental consent: that is the threshold the gold asks
            priority = 0 if _CONSENT_CONTEXT.search(text) else 1
            if best_age is None or priority < best_age[0]:
                best_age = (priority, age, FactHit(sentence.number, start, end))
        if facts.effective_date_text is None:
            m = _EFFECTIVE.search(text)
            if m:
                _record_effective_date(facts, m.group("date"), FactHit(sentence.number, m.start(), m.end()))
        for m in _EMAIL.finditer(text):
            emails.append(m.group(0).rstrip("."))
        for link in sentence.links:
            if link.target.lower().startswith("mailto:"):
                emails.append(link.target[7:].split("?")[0])
    if facts.effective_date_text is None:
        _date_under_label(sentences, facts)
    if facts.effective_date_text is None:
        _dated_line(sentences, facts, screen)
    if facts.effective_date_text is None:
        _date_in_revision_history(sentences, facts)
    if facts.effective_date_text is None:
        _date_under_title(sentences, facts)
    if best_age is not None:
        facts.children_age = best_age[1]
        facts.hits["children_age"] = best_age[2]
    seen: set[str] = set()
    for e in emails:
        if e.lower() not in seen:
            seen.add(e.lower())
            facts.contact_emails.append(e)
    return facts
