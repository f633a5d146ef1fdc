"""Bytes on disk -> :class:`Document`.

One small loader per format reduces the file to blocks (headings, paragraphs, list items) that keep
their source line numbers and their link targets; everything downstream works on blocks only.
The Wayback-style provenance note that archived policies start with is lifted into metadata
because it describes the file, it is not part of the policy.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from .models import Block, BlockKind, Document, Link

if TYPE_CHECKING:
    from markdown_it_pyrs import MarkdownIt, Node as SyntaxNode

SUFFIXES: dict[str, str] = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".text": "text",
                            ".html": "html", ".htm": "html", ".pdf": "pdf"}
"""File name endings gapcheck reads, and the loader each one goes to."""

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
_CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0e-\x1f]")
"""C0 controls other than tab, line feed, form feed and carriage return: rare in text, common in binary."""


class InputProblem(Exception):
    """A file gapcheck cannot scan; the message is one line meant for the user."""


# --------------------------------------------------------------------------------------------
# Finding the files
# --------------------------------------------------------------------------------------------

def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand files and directories into a sorted, de-duplicated list of policy files.

    Directories are walked recursively in sorted order (so reports are deterministic), hidden
    entries are skipped and symlink loops are survived by remembering resolved directories.
    Returns the files and a list of ``(path, problem)`` for arguments that yielded nothing.
    """
    found, problems = discover_resolved(paths)
    return [path for path, _ in found], problems


def discover_resolved(paths: Iterable[str | Path]) -> tuple[list[tuple[Path, Path]], list[tuple[str, str]]]:
    """:func:`discover`, each file with its resolved path (worked out once: a nightly run lists
    10^5 files, and resolving one is a system call per path component)."""
    found: list[tuple[Path, Path]] = []
    problems: list[tuple[str, str]] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            problems.append((str(path), "no such file or directory"))
            continue
        if path.is_dir():
            walked = 0  # files in it, including any an earlier argument already listed
            for file, real in _walk(path, set()):
                walked += 1
                if real not in seen:
                    seen.add(real)
                    found.append((file, real))
            if not walked:
                problems.append((str(path), "directory holds no policy files (.md, .txt, .html, .htm, .pdf)"))
        else:
            real = path.resolve()
            if real not in seen:
                seen.add(real)
                found.append((path, real))
    return found, problems


def _walk(directory: Path, visited: set[Path]) -> Iterator[tuple[Path, Path]]:
    """Policy files under ``directory`` with their resolved paths, in name order."""
    real = directory.resolve()
    if real in visited:
        return
    visited.add(real)
    try:
        with os.scandir(directory) as listing:  # entries know their type: no stat per file
            entries = sorted(listing, key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = directory / entry.name
        if entry.is_dir():
            yield from _walk(path, visited)
        elif os.path.splitext(entry.name)[1].lower() in SUFFIXES and (entry.is_file() or entry.is_symlink()):
            # a dangling symlink is yielded so that reading it reports the problem
            yield path, (path.resolve() if entry.is_symlink() else real / entry.name)


# --------------------------------------------------------------------------------------------
# Bytes -> text
# --------------------------------------------------------------------------------------------

def decode(data: bytes, source: str) -> str:
    """Decode policy bytes, refusing binary content with a clear message.

    UTF-8 (with or without BOM) and UTF-16 (BOM or the NUL pattern of ASCII text) are recognised
    first; other bytes go to :func:`_guess_decode`. Mojibake that survives decoding is left in place
    on purpose: the ``encoding_artifact`` detector reports it.
    """
    utf16 = _utf16_codec(data)
    if utf16:
        try:
            return data.decode(utf16)
        except UnicodeDecodeError as exc:
            raise InputProblem(f"{source}: broken UTF-16 text ({exc.reason})") from None
    if b"\x00" in data[:8192]:
        raise InputProblem(f"{source}: binary file (contains NUL bytes), not a policy text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _guess_decode(data)
    controls = len(_CONTROL_CHARACTER.findall(text, 0, 8192))
    if controls > 0.05 * max(1, min(len(text), 8192)):
        raise InputProblem(f"{source}: binary file (mostly control characters), not a policy text")
    return text


def _utf16_codec(data: bytes) -> str | None:
    """``utf-16`` for a BOM, ``utf-16-le``/``-be`` when every other byte is NUL (ASCII-range text)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[:4096]
    if len(head) < 4 or len(head) % 2:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.01 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.01 * len(odd):
        return "utf-16-be"
    return None


_LEGACY_WESTERN_SHARE = 0.05


def _guess_decode(data: bytes) -> str:
    """Bytes that are not UTF-8: Windows-1252 for mostly-ASCII text, else ask charset-normalizer.

    With a handful of accented letters in English text, charset-normalizer has too little evidence
    and picks e.g. Shift-JIS; Windows-1252 (a superset of Latin-1's printable range) is what such
    files almost always are. Text with many high bytes (Cyrillic, CJK code pages) has the evidence.
    """
    sample = data[:200_000]
    high = sum(1 for byte in sample if byte >= 0x80)
    if high <= _LEGACY_WESTERN_SHARE * len(sample):
        return data.decode("cp1252", errors="replace")
    from charset_normalizer import from_bytes  # imported only for the rare file that needs guessing

    best = from_bytes(sample).best()
    encoding = best.encoding if best is not None else "cp1252"
    if encoding.lower().replace("-", "_") in ("utf_8", "ascii"):
        encoding = "cp1252"  # it just failed as UTF-8; legacy Western pages are the common case
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:
        return data.decode("cp1252", errors="replace")


def read_file_bytes(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, source: str | None = None) -> bytes:
    """The bytes of one policy file, or :class:`InputProblem` (too big, unreadable, gone)."""
    source = source or str(path)
    try:
        with open(path, "rb") as handle:  # one open for the size and the bytes: a cached rerun is mostly this
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise InputProblem(f"{source}: file is {size:,} bytes, over the {max_bytes:,}-byte limit (--max-bytes)")
            return handle.read()
    except PermissionError:
        raise InputProblem(f"{source}: permission denied") from None
    except IsADirectoryError:
        raise InputProblem(f"{source}: is a directory") from None
    except FileNotFoundError:
        raise InputProblem(f"{source}: file not found (dangling link or removed during the scan)") from None
    except OSError as exc:
        raise InputProblem(f"{source}: cannot read ({exc.strerror or exc})") from None


def kind_of(path: str | Path) -> str:
    """The loader for a file name: by suffix, plain text for anything else named directly."""
    return SUFFIXES.get(os.path.splitext(path)[1].lower(), "text")


def read_policy(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, display: str | None = None) -> Document:
    """Read one policy file into a :class:`Document`, or raise :class:`InputProblem`."""
    source = display or str(path)
    return load_bytes(read_file_bytes(path, max_bytes, source), source, kind_of(path))


def sniff_kind(data: bytes) -> str:
    """Format of bytes without a file name (standard input): HTML, PDF, else Markdown."""
    head = data[:2048].lstrip().lower()
    if head.startswith(b"%pdf"):
        return "pdf"
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head or b"<p>" in head:
        return "html"
    return "markdown"


def load_bytes(data: bytes, source: str, kind: str) -> Document:
    """Turn raw bytes of a given kind (``markdown``, ``text``, ``html``, ``pdf``) into a Document."""
    if not data.strip():
        raise InputProblem(f"{source}: empty file (no text)")
    if kind == "pdf":
        from .pdf_text import load_pdf

        blocks, metadata = load_pdf(data, source)
    else:
        text = decode(data, source)
        if not text.strip():
            raise InputProblem(f"{source}: empty file (no text)")
        try:
            blocks, metadata = LOADERS[kind](text)
        except InputProblem as exc:
            raise InputProblem(f"{source}: {exc}") from None
        except RecursionError:
            raise InputProblem(f"{source}: markup nested too deeply to read") from None
    if not any(b.text.strip() for b in blocks):
        raise InputProblem(f"{source}: no policy text found after removing markup")
    metadata.setdefault("format", kind)
    return Document(source=source, sha256=hashlib.sha256(data).hexdigest(), blocks=tuple(blocks),
                    metadata=metadata)


# --------------------------------------------------------------------------------------------
# Provenance header
# --------------------------------------------------------------------------------------------

_PROVENANCE = re.compile(
    r"extracted and transformed from the (?P<site>\S+?) privacy policy that was archived on "
    r"(?P<date>\d{4}-\d{2}-\d{2})", re.IGNORECASE)


def parse_provenance(text: str, links: Iterable[Link] = ()) -> dict[str, Any] | None:
    """Metadata from a Wayback-style note (``The following text is extracted ... archived on ...``)."""
    match = _PROVENANCE.search(text)
    if not match:
        return None
    meta: dict[str, Any] = {"source_site": match["site"], "archive_date": match["date"]}
    for link in links:
        if "web.archive.org" in link.target or "snapshot" in link.text.lower():
            meta["snapshot_url"] = link.target
            break
    return meta


# --------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _markdown_parser() -> MarkdownIt:
    # markdown-it-pyrs: markdown-it's CommonMark rules in Rust, about 7x faster than markdown-it-py
    # (its parser was ~80% of reading a policy). Imported when a Markdown file is read, not for
    # cached runs.
    from markdown_it_pyrs import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


_HEADING_MAX_WORDS = 20
_CONTAINERS = frozenset({"root", "bullet_list", "ordered_list", "table", "thead", "tbody", "trow"})
"""Block nodes that only hold other blocks."""
_BLOCKS = _CONTAINERS | {"blockquote", "heading", "lheading", "paragraph", "list_item", "tcell", "html_block",
                         "code_block", "fence", "hr", "definition", "front_matter"}
"""Every block node; whatever else sits in a list item is its (tight, unwrapped) inline text."""


@dataclass
class _InlineText:
    """Text of an inline run with the offsets where its source lines start, and its links."""

    text: str = ""
    line_starts: list[int] = field(default_factory=lambda: [0])
    links: list[Link] = field(default_factory=list)
    # (start, end) spans of text that was bold/strong, to recognise "**Heading**" lines.
    strong: list[tuple[int, int]] = field(default_factory=list)


def _render_inline(nodes: Iterable[SyntaxNode]) -> _InlineText:
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
    return _InlineText(text, line_starts, [Link(text=text[a:b], target=href, start=a, end=b) for href, a, b in links],
                       strong)


def _clean_block(run: _InlineText, start: int, end: int) -> tuple[str, tuple[int, ...], tuple[Link, ...], int]:
    """Cut ``run`` to [start, end), collapse whitespace, and re-map line starts and links.

    Returns (text, line_starts, links, first_line_index) where ``first_line_index`` is the index of
    the source line (relative to the run) the cleaned text starts on.
    """
    raw = run.text[start:end]
    text = " ".join(raw.split())  # str.split and str.isspace agree on what whitespace is
    if len(run.line_starts) == 1 and not run.links:  # most blocks: one line, no links
        return text, (0,), (), 0
    size = len(text)
    identical = text == raw  # one line of single spaces: offsets carry over unchanged

    def new_offset(raw_offset: int) -> int:
        # The text offset of the first kept character at or after raw_offset, where of each
        # whitespace run between two words only its first character is kept (as the space): the
        # collapsed length of what comes before, plus one for that space when raw_offset sits past
        # it on the next word. Worked out from the prefix alone (a block has a few line starts and
        # links), not from a table of every word's offsets, which cost a fifth of reading a file.
        if identical:
            return max(0, min(raw_offset, size))
        if raw_offset <= 0:
            return 0
        before = len(" ".join(raw[:raw_offset].split()))
        return before + 1 if 0 < before < size and raw[raw_offset - 1].isspace() else before

    line_starts = run.line_starts
    first_line = bisect.bisect_right(line_starts, start) - 1  # line_starts[0] is 0
    starts = [0]
    for s in line_starts[first_line + 1:]:
        if s - start >= len(raw):
            break
        starts.append(new_offset(s - start))
    links = []
    for link in run.links:
        if link.start >= start and link.end <= end:
            a, b = new_offset(link.start - start), new_offset(link.end - start)
            links.append(Link(text=text[a:b].strip(), target=link.target, start=a, end=b))
    return text, tuple(starts), tuple(links), first_line


def _strong_lines(run: _InlineText) -> list[bool]:
    """For each source line of ``run``: is it a short, entirely bold line ("**Cookies**")?

    Such lines are headings in the many policies that mark sections with bold text instead of
    Markdown heading syntax; long bold sentences stay text.
    """
    result: list[bool] = []
    bounds = list(run.line_starts) + [len(run.text) + 1]
    for k in range(len(run.line_starts)):
        start, end = bounds[k], bounds[k + 1] - 1
        line = run.text[start:end]
        stripped = line.strip()
        words = stripped.split()
        if not words or len(words) > _HEADING_MAX_WORDS or (stripped.endswith((".", "!")) and len(words) > 6):
            result.append(False)
            continue
        covered = [False] * len(line)
        for s, e in run.strong:
            for i in range(max(start, s), min(e, end)):
                covered[i - start] = True
        result.append(any(covered) and all(c or ch.isspace() for c, ch in zip(covered, line)))
    return result


_RUN_KINDS = {"heading": BlockKind.HEADING, "list_item": BlockKind.LIST_ITEM, "table_cell": BlockKind.TABLE_CELL}
"""Block kind of an inline run by where it sits (anything else is a paragraph)."""


def _blocks_from_run(run: _InlineText, line: int, where: str, heading_level: int) -> list[Block]:
    kind = _RUN_KINDS.get(where, BlockKind.PARAGRAPH)
    if kind is not BlockKind.PARAGRAPH:
        text, starts, links, first = _clean_block(run, 0, len(run.text))
        return [_block(kind, text, line + first, starts, links, heading_level)] if text else []
    if not run.strong:
        return _segment(run, 0, len(run.text), line, BlockKind.PARAGRAPH)
    # Split the paragraph wherever a whole line is bold: that line is a heading.
    out: list[Block] = []
    bold = _strong_lines(run)
    bounds = list(run.line_starts) + [len(run.text)]
    segment_start = 0
    for k, is_bold in enumerate(bold):
        if not is_bold:
            continue
        if bounds[k] > segment_start:
            out.extend(_segment(run, segment_start, bounds[k], line, BlockKind.PARAGRAPH))
        out.extend(_segment(run, bounds[k], bounds[k + 1], line, BlockKind.HEADING))
        segment_start = bounds[k + 1]
    if segment_start < len(run.text):
        out.extend(_segment(run, segment_start, len(run.text), line, BlockKind.PARAGRAPH))
    return out


_NUMBERED_TITLE = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,4}\.|[A-H]\.)\s+[A-Z\u00c0-\u024f]")


def looks_like_numbered_title(text: str) -> bool:
    """"9. What are your rights?" written as a plain line: a section title, not a sentence."""
    words = text.split()
    return (2 <= len(words) <= 20 and bool(_NUMBERED_TITLE.match(text))
            and not text.rstrip().endswith((".", ";", ",", ":")))


def _segment(run: _InlineText, start: int, end: int, line: int, kind: BlockKind) -> list[Block]:
    text, starts, links, first = _clean_block(run, start, end)
    return [_block(kind, text, line + first, starts, links, 6)] if text else []


def _block(kind: BlockKind, text: str, line: int, starts: tuple[int, ...], links: tuple[Link, ...],
           heading_level: int) -> Block:
    """A block of cleaned text; a one-line paragraph that reads "9. What are your rights?" is a
    heading (level 6, as bold lines are)."""
    if kind is BlockKind.PARAGRAPH:
        if len(starts) == 1 and looks_like_numbered_title(text):
            return Block(BlockKind.HEADING, text, line, starts, 6, links)
        return Block(kind, text, line, starts, 0, links)
    return Block(kind, text, line, starts, heading_level if kind is BlockKind.HEADING else 0, links)


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
    kept = _letters("".join(b.text for b in blocks))
    # the source has at most len(text) letters: when the blocks hold half that, they hold half
    # the source's letters, and the source need not be counted (almost every file)
    if kept >= 0.5 * len(text):
        return blocks, metadata
    source_letters = _letters(_LINK_TARGET.sub("]", text))
    if source_letters >= 20 and kept < 0.5 * source_letters:
        blocks, plain_meta = load_text(text)
        metadata = {**metadata, **plain_meta, "note": "Markdown structure could not be read: scanned as plain text"}
    return blocks, metadata


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


def _load_markdown_structure(text: str) -> tuple[list[Block], dict[str, Any]]:
    """Markdown -> blocks. Headings stay headings (also ``**Bold**`` lines), links keep targets."""
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

    def _emit(self, nodes: list[SyntaxNode], line: int, where: str, heading_level: int = 0) -> None:
        if len(nodes) == 1 and nodes[0].name == "text":
            # most runs (57% in modern-dev) are one plain text node: one line, no links, no bold,
            # so the block is its text with whitespace collapsed (what the general path gives)
            text = " ".join(nodes[0].meta["content"].split())
            if text:
                self.blocks.append(_block(_RUN_KINDS.get(where, BlockKind.PARAGRAPH), text, line, (0,), (),
                                          heading_level))
            return
        run = _render_inline(nodes)
        self.blocks.extend(_blocks_from_run(run, line, where, heading_level))

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
        elif name in ("html_block", "code_block", "fence"):
            content = node.meta.get("content") or ""
            if name == "html_block":
                content = strip_tags(content)
            run = _InlineText(text=content, line_starts=[0] + [m.start() + 1 for m in re.finditer("\n", content)])
            self.blocks.extend(_blocks_from_run(run, self._line(node), "paragraph", 0))

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
            meta = parse_provenance(" ".join(b.text for b in quoted), [link for b in quoted for link in b.links])
            if meta:
                self.metadata.update(meta)
                del self.blocks[first:]


def strip_tags(html: str) -> str:
    """Markup without its tags (raw HTML inside Markdown; pages too deeply nested to parse)."""
    return re.sub(r"<[^>]+>", " ", html)


# --------------------------------------------------------------------------------------------
# Plain text
# --------------------------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25cf\u25aa\u2013]|\(?\d{1,2}[.)]|\(?[a-z][.)]|\([ivx]+\))\s+")
_SENTENCE_END = (".", ";", ",", "!")


def _looks_like_heading(line: str, next_line: str | None) -> bool:
    stripped = line.strip()
    words = stripped.split()
    if not words or len(words) > 12 or len(stripped) > 90:
        return False
    if stripped.endswith(_SENTENCE_END) or not any(ch.isalpha() for ch in stripped):
        return False
    if not (stripped[0].isupper() or stripped[0].isdigit()):
        return False
    if stripped.isupper() and len(stripped) > 2:
        return True
    # A heading introduces a longer text; a question heading ("What about cookies?") counts.
    return next_line is not None and len(next_line.strip()) > len(stripped)


def load_text(text: str, wrapped: bool = False, page: int | None = None) -> tuple[list[Block], dict[str, Any]]:
    """Plain text -> blocks: one block per line, short title-like lines become headings.

    Lines that continue a sentence (previous line has no final punctuation, this one starts in
    lower case) are joined so hard-wrapped text still yields whole sentences.
    """
    lines = text.splitlines()
    blocks: list[Block] = []
    metadata: dict[str, Any] = {}
    pending: list[tuple[int, str]] = []

    def flush() -> None:
        if not pending:
            return
        first_line = pending[0][0]
        parts: list[str] = []
        starts: list[int] = []
        offset = 0
        for _, piece in pending:
            piece = " ".join(piece.split())
            starts.append(offset)
            parts.append(piece)
            offset += len(piece) + 1
        joined = " ".join(parts)
        kind = BlockKind.LIST_ITEM if _BULLET.match(pending[0][1]) else BlockKind.PARAGRAPH
        if kind is BlockKind.LIST_ITEM:
            cut = len(_BULLET.match(joined).group(0)) if _BULLET.match(joined) else 0
            joined = joined[cut:]
            starts = [max(0, s - cut) for s in starts]
        blocks.append(Block(kind, joined, first_line, tuple(starts), page=page))
        pending.clear()

    nonblank = [(i, l) for i, l in enumerate(lines) if l.strip()]
    next_of = {nonblank[k][0]: nonblank[k + 1][1] if k + 1 < len(nonblank) else None for k in range(len(nonblank))}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            flush()
            continue
        if not blocks and not pending and not metadata:
            meta = parse_provenance(line)
            if meta:
                metadata.update(meta)
                continue
        if _looks_like_heading(line, next_of.get(number - 1)) and not _BULLET.match(line):
            flush()
            blocks.append(Block(BlockKind.HEADING, " ".join(line.split()), number, (0,), 2, page=page))
            continue
        # A line continues the previous one when that one did not end a sentence and this one starts in
        # lower case; in wrapped text (PDF), whatever the case, as lines are broken by width.
        continues = (pending and not pending[-1][1].rstrip().endswith((".", "!", "?", ":", ";"))
                     and (wrapped or line.lstrip()[:1].islower()) and not _BULLET.match(line))
        if pending and not continues:
            flush()
        pending.append((number, line))
    flush()
    return blocks, metadata


def load_html(text: str) -> tuple[list[Block], dict[str, Any]]:
    """HTML page -> blocks (see :mod:`checker.html_page`)."""
    from .html_page import load_html as load_page

    return load_page(text)


LOADERS: dict[str, Callable[[str], tuple[list[Block], dict[str, Any]]]] = {
    "markdown": load_markdown,
    "text": load_text,
    "html": load_html,
}
