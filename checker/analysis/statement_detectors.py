"""Detectors of what a policy *states* that an auditor would circle: disclaimers, consent by use,
retention without a period.

Each is written as the parts English puts together to say the thing, not as a list of sentences:
a frame that does the deed (declining liability, treating use as agreement) and the object it is
about (a loss, a breach; the policy, the practices), composed into one pattern with a short gap
between them inside one clause. A pattern that a phrasing needs is added to its part, so every
combination with the other part comes with it; the behavioural cases in
``tests/behaviour/findings.yaml`` hold each part and its near misses.
"""

from __future__ import annotations

import re

from checker.analysis.detector_input import DetectorInput, evidence, regex_detector
from checker.analysis.regex_screen import screened
from checker.models import Finding, Sentence, Status

_I = re.IGNORECASE
_CLAUSE = r"(?:[^.;]|\.(?=\w)|(?<=\bInc)\.|(?<=\bLtd)\.|(?<=\bCorp)\.|(?<=\bCo)\.)"
"""A character inside one clause: a dot inside a word ("example.com") or after a company's legal form ("provided by
Example, Inc. (the Service) and you agree") does not end it."""

# --- liability disclaimers -------------------------------------------------------------------

_THIRD_PARTY_SITES = screened(r"\b(?:third[- ]part(?:y|ies)|other|external|linked|independent)\s+(?:web\s*)?"
                              r"(?:sites?|websites?|services|links|companies|platforms|providers|advertisers)\b|\bthese\s+(?:sites|websites|links)\b", _I)
_ANSWERABLE = r"(?:liable|responsible|accountable)"
_NOT_ANSWERABLE = r"\b(?:not|never|cannot|can't|won't)\s+(?:be\s+)?(?:held\s+)?" + _ANSWERABLE
"""'we are not / will not be / cannot be held liable': the operator declining, wherever a pattern needs it."""
_LIABILITY = r"(?:liability|responsibility)"
_DECLINES = (
    # "we are not / will not be / cannot be held liable", "neither we nor our partners shall be responsible"
    _NOT_ANSWERABLE
    + r"|\b(?:neither|nor)\b" + _CLAUSE + r"{0,60}?\b(?:be|are|is)\s+(?:held\s+)?" + _ANSWERABLE
    + r"|\b(?:in\s+no\s+(?:event|case)|under\s+no\s+circumstances?)\b" + _CLAUSE + r"{0,80}?\b" + _ANSWERABLE
    # "we disclaim all liability", "we exclude any liability", "the Company shall have no liability"
    + r"|\b(?:disclaims?|disclaiming|excludes?|excluding)\s+(?:any\s+and\s+all\s+|any\s+|all\s+|our\s+)?(?:\w+\s+){0,2}?" + _LIABILITY
    + r"|\b(?:assumes?|accepts?|bears?|takes?|has|have)\s+no\s+(?:\w+\s+){0,2}?" + _LIABILITY
    # "we do not accept any responsibility", "we cannot accept liability"
    + r"|\b(?:do|does|will|shall|can|could)(?:\s+not|n't|not)\s+(?:accept|assume|bear|take)\s+(?:any\s+)?(?:\w+\s+){0,2}?" + _LIABILITY
    + r"|\bno\s+liability\s+of\s+any\s+kind"  # "no liability whatsoever" needs no harm: _DISCLAIMS_ALL
)
_HARM = (r"(?:damages?|loss(?:es)?|lost|harm|injur\w*|breach\w*|leak\w*|hack\w*|theft|stolen|costs?|claims?|"
         r"consequences?|(?<!\byour\s)(?<!\bthe\suser\s)misuse|intercept\w*|"
         r"unauthori[sz]ed\s+(?:\w+\s+)?(?:access|use|disclosure|parties|persons|people)|circumvent\w*|"
         r"(?:security|safety|confidentiality)\s+of)")
_DISCLAIMS_HARM = screened(r"(?:" + _DECLINES + r")\b" + _CLAUSE + r"{0,100}?\b" + _HARM + r"\b", _I)
# what the reader posts, disowned: "Etsy is not responsible for the personally identifiable information you choose
# to submit in these forums" (what others then do with it is the harm left unnamed)
_DISOWNS_POSTED = screened(_NOT_ANSWERABLE + r"\s+for\s+"
                           # ("for the use or disclosure of any information you voluntarily disclose")
                           r"(?:the\s+(?:use|misuse|disclosure)(?:\s+or\s+(?:use|misuse|disclosure))?\s+of\s+)?"
                           r"(?:the\s+|any\s+)?(?:\w+\s+){0,3}?(?:information|data|details)\s+(?:that\s+)?"
                           r"(?:you|users?)\s+(?:\w+\s+)?(?:to\s+)?(?:submit|post|disclose|share|publish|reveal|make\s+public)\b"
                           # posted through social media tools, to other sites: their handling ("post with such tools")
                           r"(?!\s+(?:with|through|via|using|on|to)\s+(?:such|these|those|third[- ]party|social|other)\b)", _I)
# ... or the reader's posting as the condition: "nor are we liable should you choose to disclose Personally
# Identifiable Information through such postings"
_DISOWNS_IF_POSTED = screened(r"(?:" + _NOT_ANSWERABLE
                              + r"|\bnor\s+(?:are|is|will|shall)\s+(?:we|it)\s+(?:be\s+)?(?:held\s+)?" + _ANSWERABLE + r")"
                              r"\s+(?:should|if|when|where)\s+you\s+(?:choose\s+to\s+|decide\s+to\s+)?"
                              r"(?:disclose|post|share|submit|publish|reveal|make\s+public)\b"
                              r"(?!\s+(?:\w+\s+){0,4}?(?:with|through|via|using|on|to)\s+(?:such\s+tools|these\s+tools|third[- ]party|social|other)\b)", _I)
# the harm named first: "in case of damage or loss of data through viruses we cannot be held responsible"
_HARM_THEN_DECLINED = screened(r"\bin\s+(?:the\s+)?(?:case|event)\s+of\b" + _CLAUSE + r"{0,40}?\b" + _HARM + r"\b" + _CLAUSE
                               + r"{0,100}?(?P<declines>" + _NOT_ANSWERABLE + r")", _I)
_DISCLAIMS_ALL = screened(r"\bin\s+no\s+event\s+(?:shall|will)\b.{0,80}\bliable\b|\bno\s+liability\s+(?:whatsoever|for\s+any)\b|"
                          # the reader made to give up every claim: "you release us from any and all liability in connection with ..."
                          r"\b(?:you|users?)\s+(?:hereby\s+)?(?:release|releases|discharge|discharges)\s+(?:us|\w+)\s+from\s+"
                          r"(?:any\s+and\s+all|all|any)\s+(?:\w+\s+)?(?:liability|liabilities|claims?|responsibility)\b|"
                          r"\b(?:(?:assumes?|accepts?)\s+no|(?:does|do|will|shall)\s+not\s+(?:assume|accept|bear)\s+any)\s+(?:\w+\s+)?"
                          r"(?:liability|responsibility)\b"
                          # "... for these" points back at what the sentence before named (other sites)
                          r"(?!" + _CLAUSE + r"{0,30}?\bfor\s+(?:these|those|them|such)\b)|"
                          r"\bdisclaims?\s+(?:any|all)\s+(?:\w+\s+){0,2}?" + _LIABILITY, _I)
# the risk put on the reader: "any transmission is at your own risk", "you assume the risk that your
# data may be seen by others"
_OWN_RISK = screened(r"\b(?:transmission|transmit|transmitted|provide|send|sent|submit|use|disclose|share|shared)\w*\b"
                     # "(information you share) with them / with such sites": the third parties' handling, not ours
                     r"(?![^.;]{0,30}?\bwith\s+(?:them|those|these|such)\b)"
                     r"[^.;]{0,80}\bat\s+(?:your|the\s+user's|their)\s+(?:own\s+)?(?:sole\s+)?risk\b|"
                     r"\b(?:you|users?)\s+(?:hereby\s+|expressly\s+)?(?:assume|assumes|bear|bears|accept|accepts)\s+"
                     r"(?:the|all|any|any\s+and\s+all|full|sole)\s+(?:\w+\s+)?risks?\b|"
                     # "if you exchange addresses or phone numbers with other users, you do so at your own risk"
                     r"\b(?:you|users?)\s+do\s+so\s+(?:entirely\s+|solely\s+)?at\s+(?:your|their)\s+own\s+risk\b", _I)
# the duty of care shifted onto the user: "you alone are responsible for keeping your content safe and backed up"
_DUTY_ON_USER = screened(r"\b(?:you|users?)\s+(?:alone\s+)?(?:are|is|remain)\s+(?:solely\s+|alone\s+|entirely\s+|fully\s+|"
                         r"exclusively\s+)?responsible\s+for\s+(?:\w+\s+){0,3}?(?:back(?:ing)?[\s-]?up|backups?|"
                         r"(?:the\s+)?(?:safety|loss|integrity)\s+of|keeping\s+(?!(?:\w+\s+){0,2}?(?:passwords?|credentials|login))"
                         r"(?:\w+\s+){0,6}?(?:safe|backed\s+up))", _I)
_NOT_DISCLAIMED_BEFORE = re.compile(r"\b(?:you|you're|users?)\s+(?:are\s+|will\s+|shall\s+|would\s+)?$|\b(?:unless|proves?)\b", _I)
"""'you will not be responsible for any costs': the reader is spared a cost; 'remains liable ... unless it
proves that it is not responsible for the event giving rise to the damage' (the Data Privacy Framework's
own terms) keeps the liability: nothing is disclaimed."""


# the safety of the data itself not guaranteed: "we cannot guarantee the security of your information",
# "cannot guarantee that hackers will not gain access", "no transmission can be guaranteed to be 100% secure",
# "no system is ever completely secure",
# "makes no guarantee as to the reliability or security" (the reviewers' labels count these as disclaimers)
_AT_STAKE = (r"(?:secur\w*|safe\w*|hack\w*|breach\w*|unauthori[sz]ed|only\s+authori[sz]ed|intrusion|intercept\w*|"
             r"disclosures?\s+will\s+not|leak\w*|theft|stolen|impenetrable|circumvent\w*|100\s*%|"
             # "we do not warrant that your information will be protected against loss, misuse or alteration"
             # ... or "that your Personally Identifiable Information is completely protected"
             r"(?:information|data|details)\s+(?:will|would|is|are|can|could)\s+(?:be\s+)?"
             r"(?:completely\s+|fully\s+|totally\s+|absolutely\s+|always\s+)?protected\b|"
             # the protection itself: "complete protection of data from access by third parties"
             r"(?:complete|full|absolute|total|perfect)\s+protection\s+(?:of\s+(?:your\s+|the\s+|personal\s+)*(?:data|information)|"
             r"(?:against|from)\s+(?:unauthori[sz]ed\s+)?access)|access\s+by\s+third\s+parties)")
_NO_GUARANTEE = screened(
    r"(?:\b(?:cannot|can\s+not|can['\u2019]t|do(?:es)?\s+not|don['\u2019]t|doesn['\u2019]t|unable\s+to|not\s+able\s+to)\s+"
    r"(?:\w+\s+){0,2}?(?:guarantee|ensure|warrant|promise)\b"
    # "this is not a guarantee that such information may not be accessed ... by breach", "there is no guarantee that ..."
    r"|\b(?:is|are)\s+(?:not\s+a|no)\s+guarantee\b"
    # "there is no way for us to guarantee the security of ...", "it is impossible to guarantee absolute security"
    r"|\b(?:no\s+way\s+(?:for\s+\w+\s+)?|impossible\s+|not\s+possible\s+)to\s+(?:\w+\s+){0,2}?(?:guarantee|ensure|warrant|promise)\b)"
    # (the stake may come after a long aside: "we cannot guarantee that information, during transmission through
    # the Internet or while stored on our systems or otherwise, will be absolutely safe from ...")
    + _CLAUSE + r"{0,160}?\b" + _AT_STAKE
    + r"|\bmakes?\s+no\s+(?:guarantees?|warrant(?:y|ies)|promises?|representations?)\b" + _CLAUSE + r"{0,80}?\b" + _AT_STAKE
    + r"|\bno\s+(?:(?:\w+\s+){1,9}?|"
    # (a means of handling data may list its ways: "no data transmission over the Internet, by wireless device or
    # over the air is guaranteed", not "no delivery, by courier or post, is guaranteed to arrive")
    r"(?:data|method|means|system|server|transmission|technology|security|storage)\b[,\s]+(?:[\w,]+\s+){0,14}?)"
    r"(?:can|could|will|is|are)\s+(?:ever\s+)?(?:be\s+)?(?:guaranteed|"
    r"(?:fully|completely|entirely|perfectly|totally|absolutely|100\s*%)\s+secure)"
    # a means as subject that cannot promise it: "no security measures can guarantee absolute protection"
    + r"|\bno\s+(?:\w+\s+){0,3}?(?:measures?|methods?|systems?|technology|technologies|means|safeguards?)(?:\s+of\s+\w+)?\s+(?:can|could|will)\s+"
    r"(?:ever\s+)?(?:guarantee|ensure|promise)\s+(?:absolute|complete|total|perfect|full|100\s*%)\s+(?:protection|security|safety)\b"
    # the risk said to stay: "Kik cannot fully eliminate security risks associated with Personal Information"
    + r"|\b(?:cannot|can\s+not|can['\u2019]t|unable\s+to|not\s+able\s+to)\s+(?:fully\s+|completely\s+|entirely\s+|totally\s+)?"
    r"(?:eliminate|remove|exclude)\s+(?:all\s+|every\s+|the\s+)?security\s+risks?\b"
    # the protection as subject, not guaranteed: "a hundred percent protection cannot be guaranteed",
    # "complete security of data sent over the internet can not be ensured"
    + r"|\b(?:security|protection|safety|confidentiality)\b" + _CLAUSE + r"{0,60}?\b(?:cannot|can\s+not|can['\u2019]t|"
    r"could\s+not|is\s+not|are\s+not)\s+(?:be\s+)?(?:fully\s+|completely\s+|absolutely\s+)?(?:guaranteed|ensured|warranted)", _I)

_TO_THIRD_PARTIES = re.compile(r"\b(?:to|with)\s+(?:any\s+|other\s+)?third[- ]part", _I)


_DATA_WORD = re.compile(r"\b(?:data|information|details|content|files?|account|transmissions?|communications?|services?|"
                        r"site|website|app|platform)\b", _I)
"""What "use ... at your own risk" must name to put a risk on the reader's data: "use of the service
is at your own risk" does, "please use it (this policy's text, reused) at your own risk" does not."""


_USE_WORD = re.compile(r"us(?:e|es|ed|ing)\b", _I)
_OTHER_PARTIES = re.compile(r"\b(?:outside|third|other|external)[\s-]+parties\b|\b(?:advertisers|merchants|sellers|vendors)\b", _I)
"""Other parties as the ones the reader gives data to (plural: "third-party login services" names a kind of service)."""
_DOES_SO = re.compile(r"(?:you|users?)\s+do\s+so\b", _I)
_PROVIDED_BY = re.compile(r"provided\s+(?:to\s+you\s+)?by\s+(?:this|the|our)\b", _I)
_DOES_SO_WITH_DATA = re.compile(r"\byour\s+(?:personal\s+)?(?:information|data|details)\b|\b(?:addresses|e-?mail|telephone|phone\s+numbers?|"
                                r"contact\s+(?:details|information)|personal\s+(?:information|data|details))\b", _I)
"""What 'you do so at your own risk' must follow to be about the reader's data ("exchanging e-mail
addresses or telephone numbers"), not about, say, following a link or downloading a file."""


def _operator_declines(text: str, match: re.Match[str]) -> bool:
    if match.re is _OWN_RISK.pattern:
        said = match.group(0)
        return not (
            (_USE_WORD.match(said) and not _DATA_WORD.search(said))
            # "if you give these outside parties your card details, you do so at your own risk": their handling
            or _OTHER_PARTIES.search(text, 0, match.end())
            or (_DOES_SO.match(said) and not _DOES_SO_WITH_DATA.search(text, 0, match.end()))
            # "if you rely on the information provided by this site, you do so at your own risk": its content
            or _PROVIDED_BY.match(said))
    if match.re is _NO_GUARANTEE.pattern:
        # "we cannot guarantee the safety of data you provide to any third parties": their handling, not ours
        return not _TO_THIRD_PARTIES.search(text, match.start(), match.end() + 60)
    if match.re is _HARM_THEN_DECLINED.pattern:  # "in case of loss ..., you will not be responsible": the reader spared
        return not _NOT_DISCLAIMED_BEFORE.search(text[max(0, match.start("declines") - 40):match.start("declines")])
    if match.re not in (_DISCLAIMS_HARM.pattern, _DISOWNS_POSTED.pattern, _DISOWNS_IF_POSTED.pattern):
        return True
    return not _NOT_DISCLAIMED_BEFORE.search(text[max(0, match.start() - 40):match.start()])


liability_disclaimer = regex_detector(
    "liability_disclaimer", "medium", [_DISCLAIMS_HARM, _HARM_THEN_DECLINED, _DISCLAIMS_ALL, _OWN_RISK, _DUTY_ON_USER,
                                               _NO_GUARANTEE, _DISOWNS_POSTED, _DISOWNS_IF_POSTED],
    "liability disclaimer: the policy disclaims responsibility for harm to the people whose data it holds",
    # not answering for other companies' websites is ordinary; disclaiming one's own duty is the problem
    guard=lambda s: not _THIRD_PARTY_SITES.search(s.text), keep=_operator_declines)

# --- rights disclaimers ----------------------------------------------------------------------

_FOR_THIRD_PARTIES = re.compile(r"\s+(?:enforceable\s+by|for|on|upon|in\s+favou?r\s+of|to)\s+(?:any\s+)?third[\s-]+part(?:y|ies)\b", _I)
_CREATE = r"(?:create|creates|confer|confers|grant|grants|give|gives|establish|establishes|extend|extends)"
rights_disclaimer = regex_detector(
    "rights_disclaimer", "medium",
    [screened(r"\b(?:does|do|shall|will|is|are|doesn't|don't)\s+not\s+(?:\w+\s+){0,3}?" + _CREATE + r"\s+(?:\w+\s+){0,6}?rights?\b", _I),
     screened(r"\bnot\s+intended\s+to\s+(?:\w+\s+){0,4}?" + _CREATE + r"\s+(?:\w+\s+){0,6}?rights?\b", _I),
     screened(r"\bconfers?\s+no\s+(?:\w+\s+){0,3}?rights?\b", _I),
     # "nothing in this policy creates any rights"
     screened(r"\bnothing\s+(?:in|contained\s+in)\s+(?:this|these|the)\s+(?:\w+\s+){0,3}?(?:(?:is\s+intended\s+to|shall|will|"
              r"may|does)\s+)?" + _CREATE + r"\s+(?:\w+\s+){0,6}?rights?\b", _I),
     # the reader made to give rights up: "you waive any right to bring a claim"
     screened(r"\b(?:you|users?)\s+(?:hereby\s+|expressly\s+|irrevocably\s+|knowingly\s+)*(?:waive|waives|give\s+up|"
              r"relinquish|relinquishes)\s+(?:any|all|your|each|the)\s+(?:\w+\s+){0,3}?(?:rights?|claims?)\b", _I)],
    "rights disclaimer: the policy says it creates no rights, which undercuts every commitment in it",
    # "does not create rights enforceable by third parties": the usual no-third-party-beneficiary
    # clause denies rights to others, not the reader's own
    keep=lambda text, m: not _FOR_THIRD_PARTIES.match(text, m.end()))

# --- consent by use --------------------------------------------------------------------------

_DOING = (r"(?:using|use|accessing|visiting|browsing|continuing(?:\s+to\s+(?:use|browse|access|visit))?|providing|submitting|"
          r"registering|navigating|signing\s+up|creating\s+an\s+account|downloading|installing|"
          r"logging\s+in|clicking|entering|purchasing|interacting|sharing|uploading|sending|doing\s+so|"
          r"(?:choosing|electing|deciding|opting)\s+to\s+(?:provide|submit|share|give|upload|send|use)|"
          # "by accepting this policy, you consent to our doing so": agreement read from the policy itself
          r"accepting\s+(?:this|the|our)\s+(?:privacy\s+)?(?:policy|statement|notice))")
_USE_ACT = (r"(?:use|uses|using|access|accesses|accessing|visit|visits|visiting|browse|browses|browsing|navigate|navigating|"
            r"continue\s+(?:to\s+)?(?:use|using|access|accessing|browse|browsing|visit|visiting)|keep\s+(?:using|browsing)|"
            r"sign\s+up|signs\s+up|register|registers|download|downloads|install|installs|log\s+in|subscribe|create\s+an\s+account|"
            r"(?:choose|chooses|elect|elects|decide|decides)\s+to\s+(?:provide|submit|share|give|upload|send)|"
            # an act with data: "if you store any sensitive information on our servers, you are consenting to ..."
            r"store|stores|upload|uploads|submit|submits|provide|provides)")
_AGREE = (r"(?:agree|agrees|agreeing|consent|consents|consenting|accept|accepts|accepting|acknowledge|signify|deemed|"
          r"authori[sz]e|authori[sz]es|authori[sz]ing|permits?\s+(?:us\s+to|the\s+(?:collection|use|processing|sharing|disclosure))|confirm\s+that\s+you\s+have\s+(?:read|understood))")
"""Verbs of the reader's agreement; 'authorize us to', 'you permit the collection' and 'confirm that you
have read' give it as well."""
_ACCEPTANCE = r"(?:acceptance|agreement|consent|assent|approval|acknowledge?ment)"
_NOT_A_DUTY = (r"(?!\s+to\s+(?:act|comply|provide|abide|follow|keep|obey|respect|notify|inform|indemnify|refrain|update|"
               r"maintain|ensure|behave|pay|not|post|publish|display|obtain)\b"
               # another company's terms, named ("to be bound by the YouTube terms of service"): not this policy
               r"|\s+to\s+be\s+bound\s+by\s+(?:the\s+)?(?!(?:Our|This|These|Such)\b)(?-i:[A-Z])\w*(?:['\u2019]s)?\s+(?:terms|policies|rules|guidelines)\b"
               # who owns what the reader submits ("you agree that the advertisement becomes the property of ..."): no data use
               r"|\s+that\b[^.;]{0,80}?\b(?:property|ownership|licen[cs]es?|royalt\w*)\b"
               # the law or court that governs ("you agree that the laws of California will govern all matters")
               r"|\s+(?:that\s+(?:the\s+)?laws?\s+of|to\s+(?:the\s+)?(?:exclusive\s+)?(?:jurisdiction|venue)\b))")
"""'you agree to provide accurate information', 'to act in accordance with our Code of Conduct', (a merchant)
'to post a privacy policy on your storefront': a duty the reader takes on, not consent to how their data is
handled ('you agree to receive e-mails' is)."""
_READER_AGREES = (
    # "you agree", "you hereby accept", "you are agreeing", "you are deemed to have consented",
    # "we will assume that you are happy with it"
    r"\byou\s+(?:(?:hereby|thereby|expressly|also|automatically|thus|therefore|implicitly|further)\s+)?"
    r"(?:agree|accept|consent|acknowledge|signify)\b"
    r"|\byou(?:\s+are|'re|\u2019re)\s+(?:(?:hereby|thereby|also|automatically|thus)\s+)?(?:agreeing|accepting|consenting|"
    r"acknowledging|giving\s+(?:us\s+)?(?:your\s+)?consent)\b"
    r"|\byou\s+(?:are|will\s+be|shall\s+be)\s+(?:deemed|considered|taken|treated|regarded|assumed|understood)\s+"
    r"(?:to\s+have|as\s+having)\s+(?:consented|agreed|accepted|given)"
    r"|\b(?:we|it)\s+(?:will\s+|'ll\s+|\u2019ll\s+|shall\s+|may\s+|can\s+)?(?:assume|presume|take\s+it|consider)\s+(?:that\s+)?"
    r"you\s+(?:are\s+happy|agree|accept|consent|have\s+(?:agreed|accepted|consented))\b"
    # "you give (us your) consent to the processing"
    r"|\byou\s+(?:hereby\s+|thereby\s+|also\s+|automatically\s+)?give\s+(?:us\s+)?(?:your\s+)?(?:express\s+)?consent\b")
_USE_SUBJECT = (
    # "(your) (continued) use of / access to the site", "using our services", "continuing to use the app"
    r"\b(?:(?:continued|continuing|further|ongoing)\s+)?(?:use|usage|access)\s+(?:of|to)\s+(?!(?:\w+\s+){0,2}?"
    r"(?:data|information|cookies|details)\b)(?:this|our|the|these|any|such)\b"
    r"|\b(?:using|accessing|visiting|browsing|continuing\s+to\s+(?:use|access|browse|visit))\s+(?:this|our|the|these|any)\b"
    r"|\b(?:signing\s+up|registering|creating\s+an\s+account|downloading\s+(?:the|our)\s+app|installing\s+(?:the|our)\s+app)\b"
    r"|\byour\s+(?:registration|sign-?up|subscription|installation\s+of)\b"
    r"|\b(?:continued|continuing|further|ongoing)\s+(?:use|usage|access|engagement|interaction)\b")
_COUNTS_AS = (r"(?:constitutes?|signif(?:y|ies)|signals?|represents?|indicates?|means|(?:will|shall|would)\s+mean|implies|shows|confirms?|"
              r"amounts?\s+to|counts?\s+as|"
              r"(?:will|shall|is|are)\s+(?:be\s+)?(?:deemed|regarded|considered|treated|taken|interpreted)(?:\s+to\s+(?:mean|constitute))?|"
              r"(?:deemed|regarded|considered|treated|taken)\s+(?:as|to\s+be))")
_AS_AGREEMENT = (r"\s+(?:as\s+|to\s+be\s+|that\s+)?(?:your\s+)?(?:(?:an?\s+|full\s+|express\s+|unconditional\s+|binding\s+|"
                 r"informed\s+|explicit\s+|continued\s+)?" + _ACCEPTANCE
                 + r"|you\s+(?:accept|agree|consent|acknowledge|have\s+(?:read(?:,\s*|\s+and\s+))?(?:understood(?:,\s*|\s+and\s+))?"
                   r"(?:accepted|agreed|consented))|"
                   r"you\s+(?:are|will\s+be|shall\s+be)\s+bound\s+by|agreeing|accepting|consenting|"
                   # "means that you are consenting to the changes"
                   r"you(?:\s+are|'re|\u2019re)\s+(?:hereby\s+)?(?:agreeing|accepting|consenting))\b")
_BOUND_BY_UPDATE = (
    # what continued use makes of a revised policy: "... is subject to the updated policy", "the new
    # policy applies to you", "you will be bound by the revised notice"
    r"(?:(?:is|are|will\s+be|shall\s+be)\s+(?:subject\s+to|governed\s+by|bound\s+by)\s+(?:the|this|these|such|any)\s+"
    r"(?:updated|new|revised|amended|modified|changed)"
    r"|\b(?:the|this|such)\s+(?:new|updated|revised|amended|modified|changed)\s+(?:\w+\s+)?(?:policy|notice|statement|"
    r"version|terms)\s+(?:will\s+|shall\s+)?(?:apply|applies)\s+to\s+you"
    r"|\byou\s+(?:will|shall)\s+be\s+bound\s+by\s+(?:the|this|these|such|any)\s+(?:updated|new|revised|amended|modified|changed))\b")
"""Each form names the revision, so the regex screen tests for those words first, not for "policy"."""
_CONTINUES_USE = r"\b(?:continue|continues|keep)\s+(?:to\s+)?(?:use|using|access|accessing|visit|visiting|browse|browsing)\b"

_READER_GIVES = (r"\b(?:you|users?|visitors?)\s+(?:(?:hereby|expressly|thereby|also|are|have|will\s+be|automatically|further|"
                 r"each|give\s+us\s+your|\w+ly|and|\([a-z0-9]\)|has|read|understood)\s+){0,3}(?:" + _AGREE + r"|understand\s+that|"
                 # "it is understood that the user has read and agreed to the terms"
                 r"agreed|accepted|consented|"
                 r"(?:express|expressing|indicate|indicating|signal|signalling|signaling|give|giving)\s+(?:your\s+)?"
                 r"(?:agreement|consent|acceptance|assent))\b")
"""'you hereby agree', 'users (a) acknowledge', 'you are deemed ...', 'you are expressing your agreement': the
reader said to give agreement."""
_SUBSCRIBED_THING = (r"(?!\s+to\s+(?:(?:the|our|your)\s+)?(?:sending|receiving|receipt|delivery|dispatch|receive|get)\b"
                     r"[^.;]{0,40}?\b(?:newsletters?|e-?mails?|updates|messages|communications|notifications|alerts)\b)")
"""'By subscribing, you consent to the sending of the newsletter': the subscription is the opt-in to
that very thing, not consent taken from using something else ('by subscribing, you accept this policy' is)."""

consent_by_use = regex_detector(
    "consent_by_use", "medium",
    # "By using this site, you agree ...": the reader ("you") is the one said to agree, so "by
    # accessing the browser to accept cookies" is not it.
    [screened(r"\bby\s+(?:\w+\s+){0,2}?" + _DOING + r"\b" + _CLAUSE + r"{0,160}?" + _READER_GIVES + _NOT_A_DUTY, _I),
     screened(r"\bby\s+(?:\w+\s+){0,2}?subscribing\b" + _CLAUSE + r"{0,160}?" + _READER_GIVES + _SUBSCRIBED_THING
              + _NOT_A_DUTY, _I),
     # the same, agreement first: "you consent to its processing ... by providing it"
     screened(r"\b(?:you|users?|visitors?)\s+(?:(?:hereby|expressly|thereby|also|are)\s+)?" + _AGREE + r"\b"
              + _CLAUSE + r"{0,160}?\bby\s+(?:\w+\s+){0,1}?" + _DOING + r"\b", _I),
     # use as the condition of agreeing: "when / if / each time / once you use the site, you agree"
     screened(r"\b(?:if|when|whenever|once|each\s+time|every\s+time|as\s+soon\s+as|should)\s+you\s+(?:\w+\s+){0,2}?" + _USE_ACT
              + r"\b" + _CLAUSE + r"{0,120}?(?:" + _READER_AGREES + r")" + _NOT_A_DUTY, _I),
     # signing up as the occasion of agreeing: "when signing up for an account, you give consent to the
     # processing", "upon registering, you accept this policy"
     screened(r"(?:\b(?:when|upon|on|while|after)\s+(?:signing\s+up|registering|creating\s+an?\s+account|opening\s+an?\s+account)\b|"
              # "if you enter an email address on our site, you agree with that"
              r"\bif\s+you\s+(?:enter|provide|submit|give\s+us)\s+(?:an?|your)\s+(?:e-?mail(?:\s+address)?|phone\s+number|details|data)\b)"
              + _CLAUSE + r"{0,120}?(?:" + _READER_AGREES + r")" + _NOT_A_DUTY, _I),
     # use as what amounts to agreement: "your continued use constitutes acceptance", "accessing our site
     # indicates your acceptance", "using the site after we post changes counts as agreeing to them"
     screened(r"(?:" + _USE_SUBJECT + r"|\b(?:use|using)\s+(?:of\s+)?(?:this|our|the)\b" + _CLAUSE + r"{0,60}?\bafter)"
              + _CLAUSE + r"{0,100}?\b" + _COUNTS_AS + _AS_AGREEMENT, _I),
     screened(r"\b(?:keep|continue)\s+(?:using|to\s+use)\b" + _CLAUSE + r"{0,80}?\byou\s+(?:are|will\s+be)\s+"
              r"(?:agreeing|accepting|consenting)\b", _I),
     # the same, the binding first: "Users are bound by any changes to the Privacy Policy when they use the Service after ..."
     screened(r"\b(?:you|users?|members?|customers?|visitors?)\s+(?:are|will\s+be|shall\s+be)\s+bound\s+by\s+(?:any|all|the|such)\s+"
              r"(?:\w+\s+)?(?:changes|amendments|updates|modifications|revisions)\b" + _CLAUSE + r"{0,80}?\b(?:when|if|once)\s+"
              r"(?:you|they|users?|members?|customers?|visitors?)\s+(?:continue\s+to\s+)?(?:use|access|visit)\b", _I),
     # continued use binds the reader to the revised policy: "if you keep using the service after the
     # changes, the new policy applies to you"
     screened(r"(?:" + _USE_SUBJECT + r"|" + _CONTINUES_USE + r")" + _CLAUSE + r"{0,120}?" + _BOUND_BY_UPDATE, _I),
     # the reader's act declared and agreement read into it: "please note that you are transferring information
     # to a country ... and you consent to the transfer"
     screened(r"\byou(?:\s+are|'re|\u2019re)\s+(?:transferring|providing|submitting|sending|sharing)\s+(?:your\s+|the\s+|this\s+)?"
              r"(?:personal\s+)?(?:information|data|details)\b" + _CLAUSE + r"{0,300}?(?:\band|,)\s+(?:that\s+)?(?:"
              + _READER_AGREES + r")" + _NOT_A_DUTY, _I),
     screened(r"\b(?:deem|deems|deemed)\s+(?:that\s+)?(?:you\s+)?(?:to\s+)?(?:have\s+)?(?:consent|agree|accept)", _I),
     # consent taken from silence: "if you do not object ..., you will be considered to have agreed to the new policy"
     screened(r"\b(?:you|users?|members?|customers?|visitors?)\s+(?:[^.;]{0,60}?\s)?(?:are|will\s+be|shall\s+be)\s+"
              r"(?:considered|taken|treated|regarded|assumed)\s+(?:to\s+have|as\s+having)\s+"
              r"(?:consented|agreed|accepted)\b", _I),
     # consent inferred rather than given: "we imply that you consent", "your consent is implied"
     screened(r"\b(?:imply|implies|infer|infers|presume|presumes|assume|assumes|take\s+it)\s+(?:that\s+)?(?:you\s+)?(?:have\s+)?"
              r"(?:consent|agree|accept)", _I),
     screened(r"\b(?:consent|agreement)\s+(?:is|will\s+be|shall\s+be)\s+(?:deemed\s+|considered\s+)?(?:implied|inferred|presumed)\b|"
              r"\bimplied\s+consent\b", _I)],
    "consent by use: continued use is treated as consent, which is not freely given, specific consent (GDPR Art. 4(11), 7)")

# --- retention without a period --------------------------------------------------------------

_RETENTION_VERB = screened(r"\b(?:retain|retains|retained|retaining|retention|keep|keeps|kept|store|stores|stored|"
                           r"maintain|maintains|maintained|"
                           r"hold|holds|held|preserve|preserved|delete|deletes|deleted|erase|erased|dispose|disposed|"
                           r"destroy|destroyed|remove|removed|"
                           # "may remain in our records", "remains on Example's servers"
                           r"remain(?:s)?\s+(?:in|on)\s+(?:our|its|their|the|\w+['\u2019]s)\s+(?:\w+\s+)?"
                           r"(?:records|files|databases?|systems?|servers?|archives?|backups?))\b", _I)
_NEEDED = r"(?:necessary|needed|required|appropriate|permitted|useful|relevant)"
_VAGUE_PERIOD = screened(
    r"\b(?:(?:as|so)\s+long\s+as\s+(?:is\s+|it\s+is\s+|it's\s+|it\u2019s\s+|they\s+are\s+|it\s+remains\s+|they\s+remain\s+)?(?:reasonably\s+|strictly\s+|absolutely\s+)?"
    + _NEEDED + r"|"
    # "for the period / time / duration (that is) necessary", "a reasonable period"
    r"(?:the|a|such)\s+(?:\w+\s+)?(?:period|time|duration|length\s+of\s+time)\s+(?:of\s+time\s+)?(?:that\s+is\s+|which\s+is\s+)?"
    r"(?:reasonably\s+|strictly\s+)?(?:necessary|needed|required)|"
    r"(?:reasonable|adequate|appropriate|short|limited|brief)\s+(?:\w+\s+){0,2}?period|only\s+temporarily|"
    # "may remain in our records for some period", "retained for some time after cancellation" (not "a certain
    # period", the usual words of a criterion: "laws that require us to keep records for a certain period")
    r"for\s+some\s+(?:period|time|length|amount\s+of\s+time)|"
    # "deleted or blocked as soon as the purpose for its storage ceases to apply" (the German template's rule)
    r"(?:as\s+soon\s+as|when|once|until)\s+the\s+purpose\s+(?:of|for)\s+(?:its\s+|the\s+|their\s+)?(?:storage|processing|"
    r"collection)\s+(?:ceases|has\s+ceased|no\s+longer)|"
    # left in the records with no end told: "Some information may remain in our records after your deletion"
    r"(?:may|might|can|will)\s+(?:still\s+)?(?:remain|persist)\s+(?:in|on|within)\s+(?:our\s+)?(?:records|systems|backups|"
    r"archives|servers|databases)(?!\s+(?:for|until)\b)|"
    # the law as the only measure: "we retain personal data as required to meet our record keeping obligations"
    r"as\s+(?:required|necessary)\s+(?:by\s+(?:applicable\s+)?law|to\s+(?:meet|comply\s+with)\s+(?:our\s+)?(?:\w+\s+){0,3}?obligations)|"
    # "no longer than the maximum period permitted by law"
    r"longer\s+than\s+(?:the\s+)?(?:maximum\s+|longest\s+)?(?:period|time)\s+(?:\w+\s+)?(?:allowed|permitted|required)\s+by\s+"
    r"(?:applicable\s+)?law|(?:no\s+)?longer\s+than\s+(?:is\s+)?(?:strictly\s+)?(?:necessary|needed)|"
    r"(?:as|so)\s+long\s+as\s+we\s+(?:deem|consider|think)|"
    r"(?:as|so)\s+long\s+as\s+(?:any\s+of\s+|one\s+of\s+)?(?:the|our|these|those|such|its)\s+(?:\w+\s+){0,2}?purposes?|"
    # "as long as we have a legitimate business need", "until it is no longer needed"
    r"(?:as|so)\s+long\s+as\s+we\s+have\s+(?:a|an)\s+(?:\w+\s+){0,2}?(?:need|reason|purpose|interest)|"
    # "for as long as we need it", "as long as we require your data for those purposes"
    r"(?:as|so)\s+long\s+as\s+we\s+(?:reasonably\s+|really\s+|genuinely\s+|still\s+)?(?:need|require|use)\s+(?:it|them|this|that|(?:the|your|such)\s+(?:\w+\s+)?(?:data|information|details))|"
    r"(?:until|when|once)\s+(?:it\s+is|they\s+are|this\s+is|the\s+\w+\s+(?:is|are))?\s*no\s+longer\s+"
    r"(?:necessary|needed|required|relevant|useful)|"
    # "until the purpose of the processing has been fulfilled", "depending on the purpose"
    # "when all purposes of the personal-information processing have been fulfilled"
    r"(?:until|when|once)\s+(?:all\s+(?:of\s+)?(?:the\s+|its\s+|their\s+|such\s+)?|(?:the|its|their|such)\s+)purposes?\s+(?:[\w-]+\s+){0,5}?(?:(?:is|are|has\s+been|have\s+been)\s+)?"
    r"(?:fulfilled|achieved|accomplished|served|completed|met)|"
    r"depend(?:s|ing)?\s+on\s+(?:the|its|their)\s+purposes?\b(?!\s+(?:listed|set\s+out|described)\s+(?:below|in\s+the\s+table))|"
    r"(?:varying|various|different|differing|variable)\s+(?:periods|lengths\s+of\s+time|amounts\s+of\s+time)|"
    # no end at all: "may be retained indefinitely", "for an unlimited period" (unless denied: _DENIED)
    r"indefinitely|for\s+an?\s+(?:indefinite|unlimited|unspecified)\s+(?:period|time|length|amount\s+of\s+time)|without\s+(?:a\s+|any\s+)?time\s+limit|"
    # no end, or only the policy's purposes: "we may retain your information for any period of time", "we may
    # retain information about you for the purposes authorized under this Privacy Policy"
    # (kept, not used: "store this information for the purposes described in this Privacy Policy" is a purpose)
    r"for\s+any\s+(?:period|length|amount)\s+of\s+time|"
    r"(?:retain|retained|keep|kept)\s+(?:[\w'\u2019]+\s+){0,5}?for\s+(?:the\s+)?purposes?\s+(?:authori[sz]ed|permitted)\s+"
    r"(?:under|in|by)\s+(?:this|our|the)\b|"
    # an archive kept with no end told: "we may maintain an archive or back-up of the information"
    r"(?:maintain|keep|retain|hold)\s+(?:an?\s+)?(?:archive|back-?up|archived\s+copy)"
    r"(?:\s+or\s+(?:an?\s+)?(?:archive|back-?up))?\s+of\s+(?:the|your|this|such|that|all)\b|"
    # "your information is never completely removed from our databases"
    r"never\s+(?:be\s+)?(?:completely|fully|entirely|permanently|totally)\s+(?:removed|deleted|erased|destroyed|purged))\b", _I)
_DENIED = re.compile(r"\b(?:not|never|no\s+longer\s+than)\b|n['\u2019]t\b", _I)
"""'we do not keep your data indefinitely': before an endless period, a denial makes it no finding."""
_ENDLESS = re.compile(r"^(?:indefinitely|for\b|without\b)", _I)
CONCRETE_PERIOD = screened(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty|thirty|"
    r"sixty|ninety)(?:\s*\(\d+\))?[\s-]*(?:calendar\s+|business\s+)?(?:days?|weeks?|months?|years?)\b", _I)


_DEADLINE_BEFORE = re.compile(r"\bwithin\s+(?:a|an)\s+$", _I)
_DELETING = re.compile(r"^(?:delete|deletes|deleted|erase|erased|destroy|destroyed|dispose|disposed|remove|removed)$", _I)


def _is_deadline(text: str, at: int) -> bool:
    """'we will delete your information within a reasonable time period': how soon a deletion is
    done, not how long data is kept ('we retain it within a reasonable period' is a storage period)."""
    if not _DEADLINE_BEFORE.search(text, 0, at):
        return False
    verbs = [m.group(0) for m in _RETENTION_VERB.finditer(text, 0, at)]
    return bool(verbs) and bool(_DELETING.match(verbs[-1]))


def vague_retention(data: DetectorInput) -> list[Finding]:
    """Retention stated only as "as long as necessary" with no period or criteria in the sentence.

    Not where the policy's retention verdict is ``met``: it then gives periods or criteria more often
    than it says "as long as necessary" (the checklist's ``outweighed_by``), and a general sentence
    over a schedule of periods is the schedule's summary, not a vague rule (gold/README: "only").
    """
    retention = data.verdicts.get("retention")
    if retention is not None and retention.status is Status.MET:
        return []
    found = []
    for i in data.texts.all_of(_RETENTION_VERB, _VAGUE_PERIOD):
        s: Sentence = data.sentences[i]
        if s.is_heading or not _RETENTION_VERB.search(s.text) or CONCRETE_PERIOD.search(s.text):
            continue
        m = next((m for m in _VAGUE_PERIOD.finditer(s.text) if not _is_deadline(s.text, m.start())
                  and not (_ENDLESS.match(m.group(0)) and _DENIED.search(s.text, 0, m.start()))), None)
        if m:
            found.append(Finding("vague_retention", "medium",
                                 "vague retention: no storage period or concrete criteria (GDPR Art. 13(2)(a))",
                                 evidence(s, [(m.start(), m.end())])))
    return found
