"""Saved web pages -> blocks: the policy text without the site around it.

Parsing is done by selectolax (the lexbor HTML5 parser: fast, tolerant of broken markup, no
network). The page chrome is dropped by structure (scripts, styles, navigation, site header and
footer, asides, forms, hidden elements, dialog and cookie-consent widgets) and the main content is
taken from ``<main>``/``<article>``/``role=main`` when the page has one. Inside it, the same inline
rules as for Markdown apply, so headings stay headings (``<h1>``..``<h6>`` and whole-line bold lead
lines), list items are their own blocks and link targets are kept for ``contact_link_mismatch``.

Lexbor does not report source lines, so a block's ``line`` is its line in the extracted text (the
text as gapcheck shows it, one blank line between blocks); with the nearest heading it is enough
to find the sentence on the page. ``metadata["location"]`` says so.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from checker.inputs.files import InputProblem
from checker.inputs.inline import InlineText, blocks_from_run
from checker.inputs.plain_text import load_text, strip_tags
from checker.inputs.provenance import take_provenance
from checker.models import Block, Link

_INVISIBLE = "script, style, noscript, template, svg, canvas, iframe, object, embed, head"
"""Never text a reader sees: dropped by every extractor, the last fallback included."""
_WIDGETS = ("nav, aside, form, button, select, input, textarea, dialog, [hidden], [aria-hidden=true], "
            "[role=navigation], [role=banner], [role=contentinfo], [role=dialog], [role=alertdialog], [role=search], "
            "[role=complementary], body > header, body > footer, header[role], footer")
"""Page furniture by structure. A widget is small: an element that holds most of the page's prose is
the page (ASP.NET wraps whole pages in one ``<form>``) and is walked into, not dropped."""
_CHROME = re.compile(r"(?:^|[\s_-])(?:cookie[-_]?(?:banner|consent|notice|bar|popup|modal|law|wrapper)|onetrust|"
                     r"cookiebot|cybotcookiebot|usercentrics|cc-window|cmp-|gdpr-banner|consent-banner|"
                     r"breadcrumbs?|navbar|site-nav|main-nav|[a-z]*menu[a-z]*|skip-link|share-buttons|social-share|"
                     r"newsletter-signup|site-footer|site-header|page-footer|page-header|masthead)(?:$|[\s_-])",
                     re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_MAIN = ("main", "[role=main]", "article", "#content", "#main", ".content", ".main-content", ".post-content",
         ".entry-content", ".privacy-policy", "#privacy-policy")
_BLOCK = {"p", "div", "section", "article", "main", "li", "td", "th", "tr", "table", "ul", "ol", "dl", "dt", "dd",
          "blockquote", "pre", "address", "body", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
          "figcaption", "caption", "hr", "details", "summary", "center", "tbody", "thead", "form", "fieldset"}
_KIND = {"h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading", "h6": "heading",
         "li": "list_item", "dt": "list_item", "dd": "list_item", "td": "table_cell", "th": "table_cell"}
_SENTENCE_END = re.compile(r"[.!?;:][\"')\]]?(?:\s|$)")
COLLAPSED_PROSE_CHARS = 100
"""A hidden element with this much text in two sentences or more is a collapsed section ("Learn
more" accordions, tabs): a reader opens it, so it is policy text. Hidden widgets are short."""


def _text_length(node: LexborNode) -> int:
    return len(node.text(separator=" ", strip=True))


def _is_prose(text: str) -> bool:
    return len(text) >= COLLAPSED_PROSE_CHARS and len(_SENTENCE_END.findall(text)) >= 2


_CHROME_IDS = frozenset({"header", "footer", "nav", "navigation", "sidebar", "topbar", "masthead"})
"""Element ids that name the site's furniture outright (a class "header" may be an article's)."""


def _named_chrome(node: LexborNode) -> bool:
    attrs = node.attributes
    ident = f"{attrs.get('id') or ''} {attrs.get('class') or ''}"
    return bool(ident.strip() and (_CHROME.search(ident) or (attrs.get("id") or "").lower() in _CHROME_IDS))


def _follows_heading(node: LexborNode) -> bool:
    """Is the element's previous sibling element a heading? A hidden block right after a heading
    is that section's body, collapsed until the reader opens it, however short it is."""
    prev = node.prev
    while prev is not None and prev.tag in ("-text", "-comment") and not (prev.text_content or "").strip():
        prev = prev.prev
    return prev is not None and prev.tag in ("h1", "h2", "h3", "h4", "h5", "h6", "summary", "button", "dt")


def _collapsed_section(node: LexborNode) -> bool:
    """Hidden, but a reader opens it: prose, or the body under a heading ("Learn more", accordions)."""
    return _is_prose(node.text(separator=" ", strip=True)) or _follows_heading(node)


def _is_chrome(node: LexborNode) -> bool:
    """Furniture named as such (cookie banners, menus), or hidden by its style and not a
    collapsed section."""
    if _named_chrome(node):
        return True
    style = node.attributes.get("style") or ""
    return bool(style and _HIDDEN_STYLE.search(style)) and not _collapsed_section(node)


def _drop_widgets(tree: LexborHTMLParser, page_chars: int) -> None:
    """Remove page furniture found by structure, except containers that hold most of the page and
    hidden elements that hold a collapsed section of prose."""
    for node in tree.css(_WIDGETS):
        if node.parent is None:  # inside a widget already dropped
            continue
        text = node.text(separator=" ", strip=True)
        if len(text) >= 0.5 * page_chars and node.tag not in ("button", "select", "input", "textarea"):
            continue
        hidden_only = node.tag not in ("nav", "aside", "form", "button", "select", "input", "textarea", "dialog",
                                       "header", "footer") and not (node.attributes.get("role") or "")
        if hidden_only and (_is_prose(text) or _follows_heading(node)) and not _named_chrome(node):
            continue
        node.decompose()


def _main_root(tree: LexborHTMLParser) -> LexborNode | None:
    body = tree.body
    if body is None:
        return None
    total = len(body.text(separator=" ", strip=True))
    for selector in _MAIN:
        for node in tree.css(selector):
            # a main element that holds most of the page's text is the policy; a small one is a widget
            if len(node.text(separator=" ", strip=True)) >= 0.4 * total:
                return node
    return body


class _Collector:
    """Walks the content tree and turns each block element into blocks via the shared inline rules."""

    def __init__(self, drop_chrome: bool = True, page_chars: int = 0) -> None:
        self.drop_chrome = drop_chrome
        self.page_chars = page_chars
        self.blocks: list[Block] = []
        self.run = InlineText()
        self.parts: list[str] = []
        self.length = 0
        self.kind = "paragraph"
        self.level = 0
        self.next_line = 1
        self.link_start: list[tuple[str, int]] = []
        self.strong_start: list[int] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def flush(self) -> None:
        raw = "".join(self.parts)
        if raw.strip():
            self.run.text = raw
            made = blocks_from_run(self.run, self.next_line, self.kind, self.level)
            for block in made:
                self.blocks.append(block)
            last = made[-1] if made else None
            if last is not None:
                self.next_line = last.line + len(last.line_starts) + 1
        self.run = InlineText()
        self.parts, self.length = [], 0
        self.kind, self.level = "paragraph", 0

    def _is_page(self, node: LexborNode) -> bool:
        """A 'menu' or 'header' that holds most of the page is a misnamed wrapper, not chrome."""
        return self.page_chars > 0 and _text_length(node) >= 0.5 * self.page_chars

    def walk(self, root: LexborNode) -> None:
        """Depth-first over ``root`` with an explicit stack: saved pages nest thousands deep
        (unclosed ``<font>``/``<b>`` tags), which would exhaust Python's recursion limit."""
        stack: list[tuple[Iterator[LexborNode], Callable[[], None] | None]] = [(root.iter(include_text=True), None)]
        while stack:
            children, on_exit = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                if on_exit is not None:
                    on_exit()
                continue
            descend, after = self._enter(child)
            if descend:
                stack.append((child.iter(include_text=True), after))

    def _enter(self, child: LexborNode) -> tuple[bool, Callable[[], None] | None]:
        """Handle the start of ``child``; say whether to walk into it and what to do after it."""
        tag = child.tag
        if tag == "-text":
            text = child.text_content or ""
            if text:
                self.add(re.sub(r"\s+", " ", text))
            return False, None
        if tag in ("-comment", "!doctype") or (self.drop_chrome and _is_chrome(child) and not self._is_page(child)):
            return False, None
        if tag == "br":
            self.add("\n")
            self.run.line_starts.append(self.length)
            return False, None
        if tag in _BLOCK:
            self.flush()
            if tag in _KIND:
                self.kind = _KIND[tag]
                self.level = int(tag[1]) if self.kind == "heading" else 0
            return True, self.flush
        if tag == "a":
            start, href = self.length, child.attributes.get("href") or ""

            def close_link() -> None:
                if href and self.length > start:
                    self.run.links.append(Link("".join(self.parts)[start:self.length], href, start, self.length))
            return True, close_link
        if tag in ("strong", "b"):
            start = self.length
            return True, lambda: self.run.strong.append((start, self.length))
        return True, None


_NESTING_TAG = re.compile(r"<(/?)(?:div|span|section|article|blockquote|ul|ol|dl|table|main|aside|header|"
                          r"footer|form|label|center)\b", re.IGNORECASE)
MAX_NESTING = 5_000
"""Deeper than this, lexbor's tree building turns quadratic (100,000 unclosed ``<div>`` take 36 s), so
the page is read as tag-stripped text instead: slower pages must not stall a nightly batch."""


def nesting_depth(text: str) -> int:
    """Peak depth of container tags, counted on the raw markup without parsing it."""
    depth = peak = 0
    for match in _NESTING_TAG.finditer(text):
        depth = max(0, depth - 1) if match.group(1) else depth + 1
        peak = max(peak, depth)
    return peak


def load_html(text: str) -> tuple[list[Block], dict[str, Any]]:
    """HTML page -> (blocks, metadata) keeping only the policy text.

    Extraction degrades instead of failing: when the structural extractor keeps far less prose
    than the page shows (a page wrapped in a widget, a content area it cannot tell from chrome),
    trafilatura is tried, and finally all visible text. ``metadata["extractor"]`` says which one
    produced the text, and a fallback adds a ``note`` the reports show.
    """
    depth = nesting_depth(text)
    if depth > MAX_NESTING:
        blocks, plain = load_text(html.unescape(strip_tags(text)))
        plain["note"] = f"markup nested {depth:,} deep: read as plain text without the page structure"
        plain["extractor"] = "plain text"
        return blocks, plain
    tree = _parse(text)
    metadata: dict[str, Any] = {"location": "line in the extracted text"}
    title = tree.css_first("title")
    if title is not None and title.text(strip=True):
        metadata["title"] = " ".join(title.text(strip=True).split())
    for node in tree.css(_INVISIBLE):
        node.decompose()
    page_chars = _text_length(tree.body) if tree.body is not None else 0
    blocks = _structural_blocks(tree, page_chars)
    extractor = "structure"
    if sum(len(b.text) for b in blocks) < ENOUGH_PROSE * page_chars:  # else it kept most of the page
        blocks, extractor = _fallback(text, blocks)
    metadata["extractor"] = extractor
    if extractor != "structure":
        metadata["note"] = f"extracted with the fallback ({extractor}): menus and page chrome may be included"
    meta, blocks = take_provenance(blocks)
    if meta:  # a Wayback-style note before the policy is metadata, not policy text
        metadata.update(meta)
    return blocks, metadata


ENOUGH_PROSE = 0.6
"""Share of the page's visible prose an extractor must keep to be trusted. On the 35 saved dev
pages the structural extractor keeps 0.81-1.00 of it when it works and 0.00 when it fails."""


def _parse(text: str) -> LexborHTMLParser:
    try:
        return LexborHTMLParser(text)
    except Exception as exc:  # lexbor is very tolerant; anything raised means the bytes are not HTML
        raise InputProblem(f"malformed HTML ({exc})") from None


def _structural_blocks(tree: LexborHTMLParser, page_chars: int) -> list[Block]:
    _drop_widgets(tree, page_chars)
    root = _main_root(tree)
    if root is None:
        return []
    collector = _Collector(page_chars=page_chars)
    collector.walk(root)
    collector.flush()
    return collector.blocks


def prose_words(blocks: list[Block]) -> int:
    """Words in sentence-like blocks (ten words or more, ending as a sentence does): what a policy
    is made of, and what menus, footers and link lists are not."""
    total = 0
    for block in blocks:
        words = len(block.text.split())
        if words >= 10 and _SENTENCE_END.search(block.text[-3:] + " "):
            total += words
    return total


def _visible_blocks(text: str) -> list[Block]:
    """All visible text of the page, chrome included: the last resort, and the yardstick."""
    tree = _parse(text)
    for node in tree.css(_INVISIBLE):
        node.decompose()
    if tree.body is None:
        return []
    collector = _Collector(drop_chrome=False)
    collector.walk(tree.body)
    collector.flush()
    return collector.blocks


def _trafilatura_blocks(text: str) -> list[Block]:
    """trafilatura's main-text extraction (with its own readability and jusText fallbacks), read
    back through the same collector so headings, lists and link targets survive."""
    import trafilatura  # imported only for the pages the structural extractor fails on

    try:
        extracted = trafilatura.extract(text, output_format="html", include_links=True, include_tables=True,
                                        include_formatting=True, favor_recall=True)
    except Exception:  # a crash in a fallback must not lose the page: the next fallback reads it
        return []
    if not extracted:
        return []
    tree = _parse(extracted)
    if tree.body is None:
        return []
    collector = _Collector()
    collector.walk(tree.body)
    collector.flush()
    return collector.blocks


def _fallback(text: str, structural: list[Block]) -> tuple[list[Block], str]:
    """The first extractor, in order, that keeps enough of the page's visible prose."""
    visible = _visible_blocks(text)
    wanted = ENOUGH_PROSE * prose_words(visible)
    if structural and prose_words(structural) >= wanted:
        return structural, "structure"
    candidate = _trafilatura_blocks(text)
    if candidate and prose_words(candidate) >= wanted:
        return candidate, "trafilatura"
    if not any(b.text.strip() for b in visible):
        return structural, "structure"
    return visible, "visible text"
