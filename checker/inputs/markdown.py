"""Markdown policies -> blocks, with source lines, link targets and headings.

markdown-it (its CommonMark rules compiled from Rust) gives the syntax tree; bold-only lines count
as headings; a provenance note in a leading block quote becomes metadata. A file the parser would
choke on, or whose words it loses, is read as plain text instead.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from checker.inputs.inline import RUN_KINDS, InlineText, block, blocks_from_run, is_line_list, line_blocks
from checker.inputs.plain_text import load_text, looks_like_heading, strip_tags
from checker.inputs.provenance import split_provenance, take_provenance
from checker.models import Block, BlockKind, Link

if TYPE_CHECKING:
    from markdown_it_pyrs import MarkdownIt
    from markdown_it_pyrs import Node as SyntaxNode


@lru_cache(maxsize=1)
def _markdown_parser() -> MarkdownIt:
    # markdown-it-pyrs: markdown-it's CommonMark rules in Rust, about 7x faster than markdown-it-py
    # (its parser was ~80% of reading a policy). Imported when a Markdown file is read, not for
    # cached runs.
    from markdown_it_pyrs import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


_LIST_AS_CODE = re.compile(r"\s*(?:[*+-]|\d{1,3}[.)])[ \t]+\S")
"""The first line of an indented code block that is really a list item ("* comply with ...")."""
_CONTAINERS = frozenset({"root", "bullet_list", "ordered_list", "table", "thead", "tbody", "trow"})
"""Block nodes that only hold other blocks."""
_BLOCKS = _CONTAINERS | {"blockquote", "heading", "lheading", "paragraph", "list_item", "tcell", "html_block",
                         "code_block", "fence", "hr", "definition", "front_matter"}
"""Every block node; whatever else sits in a list item is its (tight, unwrapped) inline text."""


def _soft_breaks_only(nodes: Sequence[SyntaxNode]) -> bool:
    """Whether a paragraph's lines were joined by soft breaks alone: lines the writer ended with a
    hard break ("  " or <br>) are an address block or a form, not items."""
    return all(node.name != "hardbreak" and not (node.name == "html_inline"
                                                 and node.meta["content"].lower().startswith("<br"))
               for node in nodes)


def _render_inline(nodes: Iterable[SyntaxNode]) -> InlineText:
    """The text of a run of inline nodes, where its lines start, its links and its bold spans."""
    parts: list[str] = []
    line_starts = [0]
    strong: list[tuple[int, int]] = []
    links: list[tuple[str, int, int]] = []
    length = 0

    def visit(node: SyntaxNode) -> None:
        nonlocal length
        name = node.name
        if name == "text" or name == "text_special":
            piece = node.meta["content"]
            parts.append(piece)
            length += len(piece)
        elif name == "softbreak" or name == "hardbreak":
            parts.append("\n")
            length += 1
            line_starts.append(length)
        elif name == "link" or name == "autolink":
            start = length
            for child in node.children:
                visit(child)
            links.append((str(node.meta.get("url") or ""), start, length))
        elif name == "strong":
            start = length
            for child in node.children:
                visit(child)
            strong.append((start, length))
        elif name == "html_inline":
            if node.meta["content"].lower().startswith("<br"):
                parts.append("\n")
                length += 1
                line_starts.append(length)
        else:  # em, code_inline, an image (its alt text: the parser's inline spans are not reliable
            for child in node.children:  # enough to cut the label out of the source) and the like
                visit(child)

    for node in nodes:
        visit(node)
    text = "".join(parts)
    return InlineText(text, line_starts, [Link(text=text[a:b], target=href, start=a, end=b) for href, a, b in links],
                       strong)


_CARRIAGE_RETURN = re.compile(r"\r\n?")
_NEWLINE = re.compile(b"\n")
_NON_BLANK = re.compile(rb"[^ \t\n]")
_LIST_MARKER = re.compile(rb"[ \t]*(?:[-*+]|\d{1,9}[.)])")
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)|<https?://[^>\s]*>")


_ASCII_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))
_ASCII = bytes(range(128))
_LETTER_RUN = re.compile(r"[^\W\d_]+")


def _letters(text: str) -> int:
    """How many letters ``text`` holds: ASCII ones counted by a byte table, the rest by regex
    over the non-ASCII characters alone (cut out of the UTF-8 bytes by the same table trick). A
    regex over every character was a fifth, then a tenth, of reading a Markdown file."""
    data = text.encode("utf-8", "surrogatepass")
    ascii_letters = len(data) - len(data.translate(None, _ASCII_LETTERS))
    rest = data.translate(None, _ASCII)  # whole UTF-8 sequences: only ASCII bytes were taken out
    if not rest:
        return ascii_letters
    return ascii_letters + sum(map(len, _LETTER_RUN.findall(rest.decode("utf-8", "surrogatepass"))))


def load_markdown(text: str) -> tuple[list[Block], dict[str, Any]]:
    """Markdown -> blocks, falling back to plain text when the Markdown parser loses the words.

    markdown-it stops at 20 levels of nesting (about ten nested list markers) and silently drops
    what is deeper; mangled exports do that. When the blocks hold under half the letters of the
    source (link targets aside), the file is read as plain text instead, which loses structure but
    not policy text.
    """
    if _parser_would_struggle(text):
        blocks, metadata = load_text(text)
        return blocks, {**metadata, "note": "Markdown nested too deeply to parse: scanned as plain text"}
    blocks, metadata = _load_markdown_structure(text)
    blocks = titles_of_unmarked_text(blocks)
    kept = _letters("".join(b.text for b in blocks))
    # the source has at most len(text) letters: when the blocks hold half that, they hold half
    # the source's letters, and the source need not be counted (almost every file)
    if kept >= 0.5 * len(text):
        return blocks, metadata
    note = split_provenance(text)[1]  # lifted into metadata on purpose, not lost
    source_letters = _letters(_LINK_TARGET.sub("]", text[note:]))
    if source_letters >= 20 and kept < 0.5 * source_letters:
        blocks, plain_meta = load_text(text)
        metadata = {**metadata, **plain_meta, "note": "Markdown structure could not be read: scanned as plain text"}
    return blocks, metadata


def titles_of_unmarked_text(blocks: list[Block]) -> list[Block]:
    """A Markdown file with no heading at all (plain text saved as ``.md``): its short title-like lines
    ("Data Retention", "Your Rights" over a longer paragraph) are its headings, as in a plain text
    file, so each section knows its title. A file that marks any heading is left as written."""
    if any(b.kind is BlockKind.HEADING for b in blocks):
        return blocks
    out = list(blocks)
    for k, b in enumerate(blocks):
        after = blocks[k + 1] if k + 1 < len(blocks) else None
        if len(b.line_starts) != 1 or after is None or (after.kind is BlockKind.LIST_ITEM and b.kind is BlockKind.LIST_ITEM):
            continue  # a title stands alone, over a paragraph (not inside a run of items)
        if b.kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM) and _title_cased(b.text) and \
                looks_like_heading(b.text, after.text):
            out[k] = b._replace(kind=BlockKind.HEADING, level=2)
    return out


def _title_cased(text: str) -> bool:
    """"Sharing of Information", "Your Rights": every word of four letters or more capitalised."""
    words = text.split()
    return len(words) <= 8 and all(w[0].isupper() or w[0].isdigit() for w in words if len(w) >= 4)


_DEEP_LINE = re.compile(r"(?m)^[ \t]*(?:(?:>|[-*+][ \t]|\d{1,9}[.)][ \t])[ \t]*){100}")
_MAX_NESTING = 50
"""Containers (lists, items, quotes) deeper than this are dropped, as markdown-it drops what is
deeper than 20; :func:`load_markdown` then falls back to plain text if words went missing."""


def _parser_would_struggle(text: str) -> bool:
    """Markdown no policy is written in that would crash or stall the parser.

    markdown-it-pyrs recurses once per nesting level (a line of ~40,000 ``>`` overflows the stack
    and kills the process) and is quadratic in unmatched emphasis delimiters (40,000 ``**`` openers
    in one paragraph take 25 s). Real policies stay far below these counts (at most 967 ``*`` and
    305 ``[`` across modern-dev and OPP-115).
    """
    return (text.count("*") > 20_000 or text.count("_") > 20_000 or text.count("[") > 10_000
            or (_MARKER_RUN in text.encode("utf-8", "surrogatepass").translate(_MARKER_BYTES)
                and _DEEP_LINE.search(text) is not None))


_MARKER_BYTES = bytes(1 if chr(b) in " \t>-*+.)0123456789" else 0 for b in range(256))
"""Every byte that can stand in a line :data:`_DEEP_LINE` matches -> 1, any other -> 0."""
_MARKER_RUN = b"\x01" * 100
"""Such a line is at least 100 of those characters in a row: without a run of 100 (almost every
file), the regex, which tries every line start, need not run (it was a twentieth of reading a file)."""


_TEMPLATE_TARGET = re.compile(r"\]\(\s*\{\{[^{}\n]*\}\}\s*\)")
"""A link whose target a site generator fills in when it builds the page ("[generator]({{< ref
"generator" >}})"): CommonMark refuses the spaces in it, so the whole link would stay as text and
its template expression read as an unfilled slot. The reader sees the link's words only."""


def _load_markdown_structure(text: str) -> tuple[list[Block], dict[str, Any]]:
    """Markdown -> blocks. Headings stay headings (also ``**Bold**`` lines), links keep targets."""
    if "]({{" in text or "]( {{" in text:
        text = _TEMPLATE_TARGET.sub("]()", text)
    return _MarkdownWalk(text).blocks_and_metadata()


class _MarkdownWalk:
    """One walk over a Markdown syntax tree, collecting blocks with their source lines."""

    def __init__(self, text: str) -> None:
        # CommonMark's line endings and NUL replacement, done here so that the byte offsets the
        # parser reports index the same bytes as the line table below.
        if "\r" in text:
            text = _CARRIAGE_RETURN.sub("\n", text)
        if "\0" in text:
            text = text.replace("\0", "\ufffd")
        self.source = text.encode("utf-8")
        self.tree = _markdown_parser().tree(text)
        self.newlines = [m.start() for m in _NEWLINE.finditer(self.source)]
        self.blocks: list[Block] = []
        self.metadata: dict[str, Any] = {}
        self.context: list[str] = []
        self.quote_depth = 0
        self.depth = 0

    def blocks_and_metadata(self) -> tuple[list[Block], dict[str, Any]]:
        self._walk(self.tree)
        return self.blocks, self.metadata

    def _line(self, node: SyntaxNode) -> int:
        """The 1-based source line a node starts on."""
        return self._line_at(node.srcmap[0]) if node.srcmap else 1

    def _line_at(self, offset: int) -> int:
        """The 1-based line of byte ``offset``."""
        return bisect.bisect_left(self.newlines, offset) + 1

    def _emit(self, nodes: Sequence[SyntaxNode], line: int, where: str, heading_level: int = 0) -> None:
        if len(nodes) == 1 and nodes[0].name == "text":
            # most runs (57% in modern-dev) are one plain text node: one line, no links, no bold,
            # so the block is its text with whitespace collapsed (what the general path gives)
            text = " ".join(nodes[0].meta["content"].split())
            if text:
                self.blocks.append(block(RUN_KINDS.get(where, BlockKind.PARAGRAPH), text, line, (0,), (),
                                          heading_level))
            return
        run = _render_inline(nodes)
        if where == "paragraph" and not run.strong and _soft_breaks_only(nodes) and is_line_list(run):
            self.blocks.extend(line_blocks(run, line, BlockKind.LIST_ITEM))
            return
        self.blocks.extend(blocks_from_run(run, line, where, heading_level))

    def _walk(self, parent: SyntaxNode) -> None:
        if self.depth > _MAX_NESTING:
            return
        self.depth += 1
        for node in parent.children:
            self._visit(node)
        self.depth -= 1

    def _visit(self, node: SyntaxNode) -> None:
        name = node.name
        if name in _CONTAINERS:
            self._walk(node)
        elif name == "paragraph":
            self._emit(node.children, self._line(node), self.context[-1] if self.context else "paragraph")
        elif name == "heading" or name == "lheading":
            self._emit(node.children, self._line(node), "heading", int(node.meta.get("level") or 1))
        elif name == "list_item":
            self.context.append("list_item")
            self._list_item(node)
            self.context.pop()
        elif name == "tcell":
            self._emit(node.children, self._line(node), "table_cell")
        elif name == "blockquote":
            self._blockquote(node)
        elif name == "code_block" and _LIST_AS_CODE.match(node.meta.get("content") or ""):
            self._list_read_as_code(node)
        elif name in ("html_block", "code_block", "fence"):
            content = node.meta.get("content") or ""
            if name == "html_block":
                content = strip_tags(content)
            run = InlineText(text=content, line_starts=[0] + [m.start() + 1 for m in re.finditer("\n", content)])
            self.blocks.extend(blocks_from_run(run, self._line(node), "paragraph", 0))

    def _list_read_as_code(self, node: SyntaxNode) -> None:
        """An indented code block that is a list: converted policies indent nested list items by
        four spaces after a paragraph, which CommonMark reads as code, so their links and bold
        labels stayed raw text ("[Terms of Service](https://...)" read as a template slot, a
        contact link never checked). A privacy policy holds no code: its lines are read again as
        Markdown, each block keeping its line in the file."""
        first = self._line(node)
        inner = _MarkdownWalk(node.meta.get("content") or "")
        inner.depth = self.depth + 1  # a list indented further is code again: bounded like any nesting
        blocks, _ = inner.blocks_and_metadata()
        self.blocks.extend(b._replace(line=b.line + first - 1) for b in blocks)

    def _list_item(self, item: SyntaxNode) -> None:
        """A tight list item holds its text directly (no paragraph node): each run of inline nodes
        is one paragraph; nested blocks are walked as usual.

        A run's line is that of the first word after the item's marker or the block before it:
        the parser's source spans of inline nodes are not reliable (a bold span's can point
        elsewhere in the file), those of block nodes are.
        """
        run: list[SyntaxNode] = []
        marker = _LIST_MARKER.match(self.source, item.srcmap[0]) if item.srcmap else None
        after = marker.end() if marker else (item.srcmap[0] if item.srcmap else 0)
        for node in item.children:
            if node.name not in _BLOCKS:
                run.append(node)
                continue
            if run:
                self._emit(run, self._text_line(after), "list_item")
                run = []
            self._visit(node)
            if node.srcmap:
                after = node.srcmap[1]
        if run:
            self._emit(run, self._text_line(after), "list_item")

    def _text_line(self, offset: int) -> int:
        """The 1-based line of the first non-blank character at or after byte ``offset``."""
        found = _NON_BLANK.search(self.source, offset)
        return self._line_at(found.start() if found else offset)

    def _blockquote(self, node: SyntaxNode) -> None:
        first = len(self.blocks)
        self.quote_depth += 1
        self._walk(node)
        self.quote_depth -= 1
        if self.quote_depth:
            return
        # A provenance note before any policy text is metadata, not policy.
        quoted = self.blocks[first:]
        if first == 0 and quoted and not self.metadata:
            meta, kept = take_provenance(quoted)
            if meta:
                self.metadata.update(meta)
                self.blocks[first:] = kept
