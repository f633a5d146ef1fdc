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
from checker.inputs.provenance import parse_provenance
from checker.models import Block, Link

_DROP = ("script, style, noscript, template, svg, canvas, iframe, object, embed, nav, aside, form, button, "
         "select, input, textarea, dialog, [hidden], [aria-hidden=true], [role=navigation], [role=banner], "
         "[role=contentinfo], [role=dialog], [role=alertdialog], [role=search], [role=complementary]")
_CHROME = re.compile(r"(?:^|[\s_-])(?:cookie[-_]?(?:banner|consent|notice|bar|popup|modal|law|wrapper)|onetrust|"
                     r"cookiebot|cybotcookiebot|usercentrics|cc-window|cmp-|gdpr-banner|consent-banner|"
                     r"breadcrumbs?|navbar|site-nav|main-nav|menu|skip-link|share-buttons|social-share|"
                     r"newsletter-signup|site-footer|site-header|page-footer|page-header|masthead)(?:$|[\s_-])",
                     re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_MAIN = ("main", "[role=main]", "article", "#content", "#main", ".content", ".main-content", ".post-content",
         ".entry-content", ".privacy-policy", "#privacy-policy")
_BLOCK = {"p", "div", "section", "article", "main", "li", "td", "th", "tr", "table", "ul", "ol", "dl", "dt", "dd",
          "blockquote", "pre", "address", "body", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
          "figcaption", "caption", "hr", "details", "summary", "center", "tbody", "thead"}
_KIND = {"h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading", "h6": "heading",
         "li": "list_item", "dt": "list_item", "dd": "list_item", "td": "table_cell", "th": "table_cell"}


def _is_chrome(node: LexborNode) -> bool:
    attrs = node.attributes
    ident = f"{attrs.get('id') or ''} {attrs.get('class') or ''}"
    if ident.strip() and _CHROME.search(ident):
        return True
    style = attrs.get("style") or ""
    return bool(style and _HIDDEN_STYLE.search(style))


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

    def __init__(self) -> None:
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
        if tag in ("-comment", "!doctype") or _is_chrome(child):
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
    """HTML page -> (blocks, metadata) keeping only the policy text."""
    depth = nesting_depth(text)
    if depth > MAX_NESTING:
        blocks, plain = load_text(html.unescape(strip_tags(text)))
        plain["note"] = f"markup nested {depth:,} deep: read as plain text without the page structure"
        return blocks, plain
    try:
        tree = LexborHTMLParser(text)
    except Exception as exc:  # lexbor is very tolerant; anything raised means the bytes are not HTML
        raise InputProblem(f"malformed HTML ({exc})") from None
    metadata: dict[str, Any] = {"location": "line in the extracted text"}
    title = tree.css_first("title")
    if title is not None and title.text(strip=True):
        metadata["title"] = " ".join(title.text(strip=True).split())
    for node in tree.css(_DROP):
        node.decompose()
    for selector in ("body > header", "body > footer", "header[role]", "footer"):
        for node in tree.css(selector):
            node.decompose()
    root = _main_root(tree)
    if root is None:
        return [], metadata
    collector = _Collector()
    collector.walk(root)
    collector.flush()
    blocks = collector.blocks
    if blocks:
        meta = parse_provenance(blocks[0].text, blocks[0].links)
        if meta:  # a Wayback-style note before the policy is metadata, not policy text
            metadata.update(meta)
            blocks = blocks[1:]
    return blocks, metadata
