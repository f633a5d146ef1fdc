"""Detectors for concrete problems in a policy: one small function per finding kind.

Each detector reads the policy's sentences (and, where the problem depends on it, its facts and
verdicts) and returns :class:`Finding` records with the sentence they rest on. They are plain
functions in one table (no registration by import side effects) so the set is easy to read, test
and extend. ``transfer_without_safeguards`` is not here: it is declared in the checklist as the
finding of the ``safeguards`` qualifier of ``cross_border_transfer``, because it *is* that gap.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import unquote, urlparse

from checker.analysis.facts import Facts
from checker.analysis.placeholders import SLOT_PATTERNS, find_placeholders
from checker.analysis.regex_screen import Screened, SentenceScreen, screened
from checker.models import BlockKind, Evidence, Finding, Sentence, Verdict


@dataclass(frozen=True)
class DetectorInput:
    """What a detector may look at."""

    sentences: Sequence[Sentence]
    facts: Facts
    verdicts: Mapping[str, Verdict]
    screen: SentenceScreen | None = None

    @cached_property
    def texts(self) -> SentenceScreen:
        """The sentences' texts, to ask which of them a pattern could match (shared with facts)."""
        return self.screen or SentenceScreen([s.text for s in self.sentences])

    def could_match(self, *patterns: Screened) -> list[Sentence]:
        """The sentences at least one of ``patterns`` could match, in order."""
        return [self.sentences[i] for i in self.texts.any_of(*patterns)]


Detector = Callable[[DetectorInput], list[Finding]]


def _evidence(sentence: Sentence, spans: Sequence[tuple[int, int]] = (), text: str | None = None) -> Evidence:
    return Evidence(text=text if text is not None else sentence.text, line=sentence.line,
                    heading=sentence.heading, highlights=tuple(spans), page=sentence.page)


def _regex_detector(kind: str, severity: str, patterns: Sequence[Screened], message: str,
                    guard: Callable[[Sentence], bool] = lambda s: True) -> Detector:
    """A detector that flags every sentence one of ``patterns`` matches (once per sentence)."""

    def detect(data: DetectorInput) -> list[Finding]:
        found = []
        for sentence in data.could_match(*patterns):
            if sentence.is_heading or not guard(sentence):
                continue
            spans = [(m.start(), m.end()) for p in patterns for m in p.finditer(sentence.text)]
            if spans:
                found.append(Finding(kind, severity, message, _evidence(sentence, sorted(spans)[:1])))
        return found

    detect.__doc__ = message
    return detect


_I = re.IGNORECASE

_THIRD_PARTY_SITES = screened(r"\b(?:third[- ]part(?:y|ies)|other|external|linked|independent)\s+(?:web\s*)?"
                                r"(?:sites?|websites?|services|links|companies|platforms)\b|\bthese\s+(?:sites|websites|links)\b", _I)

liability_disclaimer = _regex_detector(
    "liability_disclaimer", "medium",
    [screened(r"\b(?:not|never|no)\s+(?:be\s+)?(?:held\s+)?(?:liable|responsible|accountable)\s+(?:to\s+you\s+)?for\s+"
                r"(?:any\s+|all\s+)?(?:\w+\s+){0,4}?(?:damages?|loss(?:es)?|harm|injur\w*|breach\w*|costs?|claims?|"
                r"consequences?|(?<!\byour\s)(?<!\bthe\suser\s)misuse|interception|theft|unauthori[sz]ed\s+(?:access|use|disclosure))\b", _I),
     screened(r"\bdisclaims?\s+(?:any|all)\s+(?:\w+\s+){0,2}?(?:liability|responsibility)", _I),
     screened(r"\b(?:assumes?|accepts?)\s+no\s+(?:\w+\s+)?(?:liability|responsibility)\b", _I),
     screened(r"\bin\s+no\s+event\s+(?:shall|will)\b.{0,80}\bliable\b", _I),
     screened(r"\bno\s+liability\s+(?:whatsoever|for\s+any)\b", _I),
     # the risk put on the reader: "any transmission is at your own risk"
     screened(r"\b(?:transmission|transmit|transmitted|provide|send|sent|submit|use|disclose)\w*\b[^.;]{0,80}\bat\s+"
              r"(?:your|the\s+user's|their)\s+(?:own\s+)?(?:sole\s+)?risk\b", _I),
     screened(r"\b(?:cannot|can't|can\s+not|won't|will\s+not)\s+(?:be\s+)?(?:held\s+)?(?:liable|responsible|accountable)\s+"
              r"for\s+(?:any\s+|the\s+|their\s+|its\s+)?(?:\w+\s+){0,3}?(?:loss|damages?|harm|breach\w*|(?<!\byour\s)misuse|interception|"
              r"theft|unauthori[sz]ed\s+(?:access|use|disclosure))\b", _I),
     # the duty of care shifted onto the user: "you alone are responsible for keeping your content safe and backed up"
     screened(r"\b(?:you|users?)\s+(?:alone\s+)?(?:are|is|remain)\s+(?:solely\s+|alone\s+|entirely\s+|fully\s+|exclusively\s+)?"
              r"responsible\s+for\s+(?:\w+\s+){0,3}?(?:back(?:ing)?[\s-]?up|backups?|(?:the\s+)?(?:safety|loss|integrity)\s+of|"
              r"keeping\s+(?!(?:\w+\s+){0,2}?(?:passwords?|credentials|login))(?:\w+\s+){0,6}?(?:safe|backed\s+up))", _I)],
    "liability disclaimer: the policy disclaims responsibility for harm to the people whose data it holds",
    # not answering for other companies' websites is ordinary; disclaiming one's own duty is the problem
    guard=lambda s: not _THIRD_PARTY_SITES.search(s.text))

rights_disclaimer = _regex_detector(
    "rights_disclaimer", "medium",
    [screened(r"\b(?:does|do|shall|will|is|are|doesn't|don't)\s+not\s+(?:\w+\s+){0,3}?(?:create|confer|grant|give|"
                r"establish|extend)\s+(?:\w+\s+){0,6}?rights?\b", _I),
     screened(r"\bnot\s+intended\s+to\s+(?:\w+\s+){0,4}?(?:create|confer|grant|give)\s+(?:\w+\s+){0,6}?rights?\b", _I),
     screened(r"\bconfers?\s+no\s+(?:\w+\s+){0,3}?rights?\b", _I),
     # the reader made to give rights up: "you waive any right to bring a claim"
     screened(r"\b(?:you|users?)\s+(?:hereby\s+|expressly\s+|irrevocably\s+|knowingly\s+)*(?:waive|waives|give\s+up|"
              r"relinquish|relinquishes)\s+(?:any|all|your|each)\s+(?:\w+\s+){0,3}?rights?\b", _I)],
    "rights disclaimer: the policy says it creates no rights, which undercuts every commitment in it")

_DOING = (r"(?:using|use|accessing|visiting|browsing|continuing\s+to\s+(?:use|browse|access|visit)|providing|submitting|"
          r"registering|navigating|signing\s+up|subscribing|creating\s+an\s+account|downloading|installing|"
          r"logging\s+in|clicking|entering|purchasing|interacting)")
_AGREE = r"(?:agree|agrees|agreeing|consent|consents|consenting|accept|accepts|accepting|acknowledge|signify|deemed)"
_IN_SENTENCE = r"(?:[^.;]|\.(?=\w))"  # a dot inside a word ("example.com") does not end the clause
_ACCEPTANCE = r"(?:acceptance|agreement|consent|assent|approval)"

consent_by_use = _regex_detector(
    "consent_by_use", "medium",
    # "By using this site, you agree ..." / "By providing X your data you expressly agree ...": the
    # reader ("you") is the one said to agree, so "by accessing the browser to accept cookies" is not it.
    [screened(r"\bby\s+(?:\w+\s+){0,2}?" + _DOING + r"\b" + _IN_SENTENCE + r"{0,160}?\b(?:you|users?|visitors?)\s+"
                r"(?:(?:hereby|expressly|thereby|also|are|have|will\s+be|automatically|further|each|give\s+us\s+your)\s+){0,2}"
              + _AGREE + r"\b", _I),
     # the same, agreement first: "you consent to its processing ... by providing it"
     screened(r"\b(?:you|users?|visitors?)\s+(?:(?:hereby|expressly|thereby|also|are)\s+)?" + _AGREE + r"\b"
              + _IN_SENTENCE + r"{0,160}?\bby\s+(?:\w+\s+){0,1}?" + _DOING + r"\b", _I),
     screened(r"\b(?:deem|deems|deemed)\s+(?:that\s+)?(?:you\s+)?(?:to\s+)?(?:have\s+)?(?:consent|agree|accept)", _I),
     # "(your) continued use ... constitutes / signifies / will be deemed / counts as acceptance";
     # "using the site after we post changes counts as agreeing"; "continuing to use ... means you accept"
     screened(r"\b(?:(?:continued|continuing|further)\s+(?:use|usage|access)|continuing\s+to\s+(?:use|access|browse)|"
              r"(?:use|using)\s+(?:of\s+)?(?:this|our|the)\b" + _IN_SENTENCE + r"{0,60}?\bafter)\b" + _IN_SENTENCE +
              r"{0,100}?\b(?:constitutes?|signif(?:y|ies)|indicates?|means|confirms?|counts?\s+as|"
              r"(?:will|shall|is|are)\s+(?:be\s+)?(?:deemed|regarded|considered|treated|taken)|"
              r"(?:deemed|regarded|considered|treated|taken)\s+(?:as|to\s+be))\s+(?:as\s+|to\s+be\s+|that\s+)?(?:your\s+)?"
              r"(?:(?:an?\s+)?" + _ACCEPTANCE + r"|you\s+(?:accept|agree|consent)|agreeing|accepting|consenting)\b", _I),
     screened(r"\b(?:keep|continue)\s+(?:using|to\s+use)\b" + _IN_SENTENCE + r"{0,80}?\byou\s+(?:are|will\s+be)\s+"
              r"(?:agreeing|accepting|consenting)\b", _I),
     # consent inferred rather than given: "we imply that you consent", "your consent is implied"
     screened(r"\b(?:imply|implies|infer|infers|presume|presumes|assume|assumes)\s+(?:that\s+)?(?:you\s+)?(?:have\s+)?"
              r"(?:consent|agree|accept)", _I),
     screened(r"\b(?:consent|agreement)\s+(?:is|will\s+be|shall\s+be)\s+(?:deemed\s+|considered\s+)?(?:implied|inferred|presumed)\b|"
              r"\bimplied\s+consent\b", _I),
     screened(r"\buse\s+of\s+(?:this|our|the)\s+" + _IN_SENTENCE + r"{0,80}\b(?:constitutes?|signif(?:y|ies)|indicates?|"
              r"means|confirms?|implies)\s+(?:your\s+)?(?:full\s+|express\s+)?" + _ACCEPTANCE, _I)],
    "consent by use: continued use is treated as consent, which is not freely given, specific consent (GDPR Art. 4(11), 7)")

_RETENTION_VERB = screened(r"\b(?:retain|retains|retained|retaining|retention|keep|keeps|kept|store|stores|stored|"
                             r"hold|holds|held|preserve|preserved|delete|deletes|deleted|erase|erased|dispose|disposed|"
                             r"destroy|destroyed)\b", _I)
_VAGUE_PERIOD = screened(
    r"\b(?:as\s+long\s+as\s+(?:is\s+|it\s+is\s+)?(?:reasonably\s+)?(?:necessary|needed|required|appropriate|permitted)|"
    r"(?:the|a|such)\s+(?:\w+\s+)?period\s+(?:of\s+time\s+)?(?:that\s+is\s+)?(?:reasonably\s+)?(?:necessary|needed|required)|"
    r"(?:reasonable|adequate|appropriate)\s+(?:\w+\s+){0,2}?period|(?:no\s+)?longer\s+than\s+(?:is\s+)?(?:necessary|needed)|"
    r"as\s+long\s+as\s+we\s+(?:deem|consider|think)|"
    r"as\s+long\s+as\s+(?:any\s+of\s+|one\s+of\s+)?(?:the|our|these|those|such|its)\s+(?:\w+\s+){0,2}?purposes?|"
    # "as long as we have a legitimate business need", "until it is no longer needed"
    r"as\s+long\s+as\s+we\s+have\s+(?:a|an)\s+(?:\w+\s+){0,2}?(?:need|reason|purpose|interest)|"
    # "for as long as we need it", "as long as we require your data for those purposes"
    r"as\s+long\s+as\s+we\s+(?:need|require|use)\s+(?:it|them|this|that|(?:the|your|such)\s+(?:\w+\s+)?(?:data|information|details))|"
    r"(?:until|when|once)\s+(?:it\s+is|they\s+are|this\s+is|the\s+\w+\s+(?:is|are))?\s*no\s+longer\s+"
    r"(?:necessary|needed|required|relevant|useful))\b", _I)
CONCRETE_PERIOD = screened(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty|thirty|"
    r"sixty|ninety)(?:\s*\(\d+\))?[\s-]*(?:calendar\s+|business\s+)?(?:days?|weeks?|months?|years?)\b", _I)


def vague_retention(data: DetectorInput) -> list[Finding]:
    """Retention stated only as "as long as necessary" with no period or criteria in the sentence."""
    found = []
    for i in data.texts.all_of(_RETENTION_VERB, _VAGUE_PERIOD):
        s = data.sentences[i]
        if s.is_heading or not _RETENTION_VERB.search(s.text) or CONCRETE_PERIOD.search(s.text):
            continue
        m = _VAGUE_PERIOD.search(s.text)
        if m:
            found.append(Finding("vague_retention", "medium",
                                 "vague retention: no storage period or concrete criteria (GDPR Art. 13(2)(a))",
                                 _evidence(s, [(m.start(), m.end())])))
    return found


def placeholder(data: DetectorInput) -> list[Finding]:
    """Unfilled template slots ("[List of countries]") left in the published policy."""
    found = []
    for s in data.could_match(*SLOT_PATTERNS):
        for start, end in find_placeholders(s.text):
            found.append(Finding("placeholder", "high", f"unfilled template placeholder {s.text[start:end]}",
                                 _evidence(s, [(start, end)])))
    return found


_MOJIBAKE = screened(r"ï¿½|\ufffd|Ã[\u0080-\u00bf]|â€[\u0080-\u00bf\u2018-\u201e\u2122\u0153\u02dc\u0161\u017e\u201d]|"
                       r"Â[\u00a0-\u00bf]")


MAX_ENCODING_FINDINGS = 3


def encoding_artifact(data: DetectorInput) -> list[Finding]:
    """Mojibake ("usersï¿½ profile"): text that was decoded with the wrong character set.

    One broken file produces the same artifact in every sentence; the first few are reported and
    the last one says how many more sentences are affected, so the report stays readable.
    """
    hits = [(s, m) for s in data.could_match(_MOJIBAKE) for m in [_MOJIBAKE.search(s.text)] if m]
    found = []
    for n, (s, m) in enumerate(hits[:MAX_ENCODING_FINDINGS], start=1):
        more = len(hits) - MAX_ENCODING_FINDINGS
        tail = f" ({more} more sentence(s) affected)" if n == MAX_ENCODING_FINDINGS and more > 0 else ""
        found.append(Finding("encoding_artifact", "low",
                             f"encoding artifact {m.group(0)!r}: text was saved or decoded with the wrong character set{tail}",
                             _evidence(s, [(m.start(), m.end())])))
    return found


_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_DOMAIN_TEXT = re.compile(r"^(?:https?://)?(?:www\.)?([a-z0-9\-]+(?:\.[a-z0-9\-]+)+)(?:[/?#]\S*)?$", _I)


def _host(url: str) -> str:
    host = (urlparse(url).hostname or "").lower()
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
    domain = _DOMAIN_TEXT.match(shown)
    if domain and " " not in shown and target.lower().startswith(("http://", "https://")):
        promised = domain.group(1).lower()
        promised = promised[4:] if promised.startswith("www.") else promised
        real = _host(target)
        if real and promised != real and not real.endswith("." + promised) and not promised.endswith("." + real):
            return f"the link text says {shown} but it opens {real}"
    return None


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
            severity = "high" if link.target.lower().startswith("mailto:") else "medium"
            found.append(Finding("contact_link_mismatch", severity, f"contact link mismatch: {why}",
                                 _evidence(s, [(link.start, link.end)], text=shown)))
    return found


_DATE_REFERENCE = screened(r"\b(?:updated\s+time|(?:last\s+)?updated\s+date|effective\s+date|revision\s+date|"
                             r"date\s+of\s+(?:the\s+)?last\s+(?:update|revision)|[\"\u201c]last\s+(?:updated|modified|revised)[\"\u201d])", _I)
_LOCATION = screened(r"\b(?:at|on|to|in)\s+the\s+(?:very\s+)?(?:bottom|top|end|beginning|foot)\b|\b(?:below|above)\b", _I)
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
                         r"(?!\s*(?:link|button|tab|page|menu|option|setting|icon|law|act|form))", _I)
_INTERNAL = screened(r"\b(?:section|heading|paragraph|above|below|herein|this\s+(?:privacy\s+)?(?:policy|notice|statement))\b", _I)
# "the table below", "the following list", "the image above": what the reader is sent to look at
_TABLE_REF = screened(r"\b(?:table\s+(?:below|above)|(?:below|above|following)\s+table)\b", _I)
_LIST_REF = screened(r"\b(?:list\s+(?:below|above)|(?:below|above)\s+list|following\s+list)\b", _I)
_IMAGE_REF = screened(r"\b(?:(?:image|screenshot|picture|diagram|illustration|infographic)s?\s+(?:below|above)|"
                      r"(?:below|above|following)\s+(?:image|screenshot|picture|diagram|illustration|infographic)s?)\b", _I)
_ADDRESS_REF = screened(r"\b(?:mailing|postal|physical)?\s*address\s+(?:listed\s+|shown\s+|provided\s+|given\s+)?below\b", _I)
_POSTAL = screened(r"\b\d{1,6}\s+(?:[A-Z][\w.]*\s+){1,4}(?:Street|St\.?|Avenue|Ave\.?|Boulevard|Blvd\.?|Road|Rd\.?|"
                     r"Drive|Dr\.?|Lane|Ln\.?|Way|Court|Ct\.?|Place|Pl\.?|Parkway|Pkwy\.?|Square|Plaza|Crescent|"
                     r"Strasse|Straße|Rue|Via|Calle|Building|Tower|Floor)\b|^\s*(?:Postal\s+|Mailing\s+)?Address\s*:|"
                     r"\bP\.?\s?O\.?\s+Box\b|\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b|\b\d{4,5}\s+[A-Z][a-z]+", 0)


_NOT_WORD = re.compile(r"[^\w\s]")


_SECTION_WORD = re.compile(r"^(?:(?:section|part|chapter|clause|paragraph|article)\s+)?(?:\d+(?:\s\d+)*\s+)?")


def _norm(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text.lower()).split())


def dangling_reference(data: DetectorInput) -> list[Finding]:
    """The policy points at something it does not contain: a date, a section, an address below."""
    sentences = data.sentences
    texts = data.texts
    section_refs = texts.all_of(_SECTION_NUMBER_REF, _REFERRING)
    # headings and titles are listed only when something refers to them
    headings = [_norm(s.text) for s in sentences if s.is_heading] if section_refs else []
    titles: list[tuple[int, str, str]] = []  # (index, text, lower-cased text) of headings and short lines
    numbered = sum(1 for h in headings if h[:1].isdigit()) >= 2  # only then is "section 7" checkable
    suspects = set(texts.all_of(_INTERNAL, _QUOTED_REF)) | set(texts.candidates(_ADDRESS_REF))
    suspects |= set(texts.any_of(_TABLE_REF, _LIST_REF, _IMAGE_REF, _ANNEX_REF))
    if data.facts.effective_date is None:
        suspects.update(texts.all_of(_DATE_REFERENCE, _LOCATION))
    if numbered:
        suspects.update(section_refs)
    found = []
    for s in (sentences[i] for i in sorted(suspects)):
        text = s.text
        if data.facts.effective_date is None and _DATE_REFERENCE.search(text) and _LOCATION.search(text):
            m = _DATE_REFERENCE.search(text)
            assert m is not None
            found.append(Finding("dangling_reference", "medium",
                                 "dangling reference: the policy points to an update date that it does not contain",
                                 _evidence(s, [(m.start(), m.end())])))
            continue
        for m in _SECTION_NUMBER_REF.finditer(text) if numbered and _REFERRING.search(text) else ():
            number = m.group(1)
            if _LAW_NEAR.search(text[max(0, m.start() - 60):m.end() + 60]):
                continue  # "California Civil Code section 1798.83" is a law, not this policy
            if not any(h.startswith(number.replace(".", " ") + " ") or h == number.replace(".", " ") for h in headings):
                found.append(Finding("dangling_reference", "low",
                                     f"dangling reference: section {number} is referred to but no heading has that number",
                                     _evidence(s, [(m.start(), m.end())])))
        # only references that say they point inside this policy; others may name separate documents
        for m in _QUOTED_REF.finditer(text) if _INTERNAL.search(text) else ():
                # "Section 1.5 Special Categories of Data" names the heading "1.5 Special categories of data"
                title = _SECTION_WORD.sub("", _norm(m.group(1)))
                words = title.split()
                if not (2 <= len(words) <= 10) or not m.group(1)[:1].isupper():
                    continue
                if not titles:
                    # short standalone lines can be titles too ("9. What are your rights?" as plain text)
                    titles = [(t.number, t.text, t.text.lower()) for t in sentences
                              if t.is_heading or len(t.text.split()) <= 20]
                # a line holding the title holds its longest word as it stands: normalise only those
                longest = max(words, key=len)
                if not any(longest in low and i != s.number and title in _norm(text) for i, text, low in titles):
                    found.append(Finding("dangling_reference", "low",
                                         f"dangling reference: no section titled {m.group(1)!r}",
                                         _evidence(s, [(m.start(1), m.end(1))])))
        for pattern, kinds, what in ((_TABLE_REF, {BlockKind.TABLE_CELL}, "a table"),
                                     (_LIST_REF, {BlockKind.LIST_ITEM}, "a list"), (_IMAGE_REF, set(), "an image")):
            m = pattern.search(text)
            if m and not any(t.kind in kinds for t in sentences):
                found.append(Finding("dangling_reference", "low",
                                     f"dangling reference: the text points to {what} it does not contain",
                                     _evidence(s, [(m.start(), m.end())])))
        for m in _ANNEX_REF.finditer(text):
            # a title ("Annex 2: Purposes") is the part itself, not a reference to it; "Annex I of the
            # Standard Contractual Clauses", "Schedule 1 to the Act" are parts of another document
            if s.is_heading or not text[:m.start()].strip(" #*([") or \
                    _LEGAL_PART_NEAR.search(text[max(0, m.start() - 60):m.end() + 60]):
                continue
            label = _norm(m.group(0))
            if not any(t.number != s.number and _norm(t.text).startswith(label) for t in sentences):
                found.append(Finding("dangling_reference", "low",
                                     f"dangling reference: {m.group(0)} is referred to but the policy does not contain it",
                                     _evidence(s, [(m.start(), m.end())])))
        if _ADDRESS_REF.search(text) and not any(_POSTAL.search(t.text) for t in sentences[s.number + 1:]):
            m = _ADDRESS_REF.search(text)
            assert m is not None
            found.append(Finding("dangling_reference", "medium",
                                 "dangling reference: an address 'below' is promised but none follows",
                                 _evidence(s, [(m.start(), m.end())])))
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
