"""Word documents (.docx) -> blocks: draft policies as auditors receive them.

Read by docx2python (MIT). Measured against python-docx on the features a policy needs
(tests/test_docx.py builds each one): both read heading styles, tables and hyperlink targets, but
python-docx drops the text of tracked insertions (it reads only a paragraph's direct runs) and has
no footnotes or list numbering; docx2python reads insertions as accepted text and leaves deletions
and comments out, numbers list paragraphs and keeps footnotes and endnotes.

What becomes what: a paragraph in a heading style (or Title) is a heading of its level; a numbered
or bulleted paragraph is a list item; a table cell is a table cell; a whole bold paragraph is a
heading, as in the other formats. Footnotes and endnotes follow the body. Page headers and footers
are furniture and are left out. A block's ``line`` is its paragraph number (the n-th non-empty
paragraph, tables included), so evidence reads "paragraph 12" under its heading.
"""

from __future__ import annotations

import html
import re
import warnings
import zipfile
from collections.abc import Iterable
from io import BytesIO
from typing import Any

from checker.inputs.files import InputProblem
from checker.inputs.inline import InlineText, blocks_from_run
from checker.models import Block, Link

MAX_UNZIPPED = 100 * 1024 * 1024
"""Largest total size of the document's XML parts once unzipped: a zip bomb is an error, not an
out-of-memory kill in the middle of a nightly batch. Real policies are under 2 MB of XML."""

_LINK = re.compile(r'<a href="(?P<href>[^"]*)">(?P<text>.*?)</a>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_NOTE_MARK = re.compile(r"----(?:footnote|endnote)\d+----")
_NOTE_LABEL = re.compile(r"^(?:footnote|endnote)\d+\)\t")
_LIST_PREFIX = re.compile(r"^\s*(?:--|[-\u2022\u25cf\u25aa\u2013o\uf0b7\uf0a7]|\(?[0-9ivxlcdmIVXLCDMa-zA-Z]{1,4}[.)])\t")
_HEADING_STYLE = re.compile(r"^(?:heading|berschrift|titre|titolo|t\u00edtulo)\s*(\d)$", re.IGNORECASE)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def _check_package(data: bytes, source: str) -> None:
    """One-line errors for what is not a readable .docx, before docx2python sees it: not a zip, no
    document part, a zip bomb, or a document part that is not well-formed XML (docx2python parses
    in lxml's recover mode, so a cut or corrupted document.xml would come out as silently missing
    text; Word refuses such a file, and so do we, naming the place)."""
    if data.startswith(_OLE_MAGIC):
        raise InputProblem(f"{source}: encrypted or old-format (.doc) Word file: save it as .docx without a password")
    from lxml import etree

    try:
        with zipfile.ZipFile(BytesIO(data)) as package:
            infos = package.infolist()
            names = {info.filename for info in infos}
            if "word/document.xml" not in names:
                raise InputProblem(f"{source}: not a Word document (no word/document.xml in the package)")
            unzipped = sum(info.file_size for info in infos if info.filename.endswith((".xml", ".rels")))
            if unzipped > MAX_UNZIPPED:
                raise InputProblem(f"{source}: Word file unzips to {unzipped / 2**20:,.0f} MB of XML "
                                   f"(limit {MAX_UNZIPPED // 2**20} MB)")
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
            etree.fromstring(package.read("word/document.xml"), parser)
    except InputProblem:
        raise
    except etree.XMLSyntaxError as exc:
        raise InputProblem(f"{source}: broken Word file (word/document.xml is not well-formed XML: {exc})") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise InputProblem(f"{source}: broken Word file (not a readable zip: {exc})") from None
    except (ValueError, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise InputProblem(f"{source}: broken Word file ({' '.join(str(exc).split())[:120]})") from None


def _style_level(par: Any) -> int:
    """Heading level from the paragraph's style (0: not a heading)."""
    for tag in par.html_style or ():
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            return int(tag[1])
    style = (par.style or "").replace("-", " ").strip()
    if style.lower() in ("title", "subtitle"):
        return 1 if style.lower() == "title" else 2
    match = _HEADING_STYLE.match(style.replace(" ", "")) or _HEADING_STYLE.match(style)
    return int(match.group(1)) if match else 0


def _inline(par: Any) -> InlineText:
    """The paragraph's runs as one inline run: text, link targets, bold spans."""
    run = InlineText()
    parts: list[str] = []
    length = 0
    for piece in par.runs:
        raw = _NOTE_MARK.sub("", piece.text or "")
        if not raw:
            continue
        link = _LINK.fullmatch(raw)
        text = html.unescape(_TAG.sub("", link["text"] if link else raw))
        if not parts and (_NOTE_LABEL.match(text) or _LIST_PREFIX.match(text)):
            text = _NOTE_LABEL.sub("", _LIST_PREFIX.sub("", text, count=1), count=1)
        text = text.replace("\t", " ")
        if not text:
            continue
        if link:
            run.links.append(Link(text, html.unescape(link["href"]), length, length + len(text)))
        if "b" in (piece.html_style or ()) or "strong" in (piece.html_style or ()):
            run.strong.append((length, length + len(text)))
        parts.append(text)
        length += len(text)
    run.text = "".join(parts)
    return run


def _is_list_item(par: Any) -> bool:
    position = getattr(par, "list_position", None)
    if position and position[0] is not None:
        return True
    first = next((piece.text for piece in par.runs if piece.text), "")
    return bool(_LIST_PREFIX.match(html.unescape(first)))


def _blocks(paragraphs: Iterable[Any], number: int) -> tuple[list[Block], int]:
    blocks: list[Block] = []
    for par in paragraphs:
        run = _inline(par)
        if not run.text.strip():
            continue
        number += 1
        lineage = par.lineage or ()
        level = _style_level(par)
        if level:
            where = "heading"
        elif "tbl" in lineage or "tc" in lineage:
            where = "table_cell"
        elif _is_list_item(par):
            where = "list_item"
        else:
            where = "paragraph"
        for block in blocks_from_run(run, number, where, level):
            blocks.append(block._replace(line=number, line_starts=(0,)))
    return blocks, number


def load_docx(data: bytes, source: str) -> tuple[list[Block], dict[str, Any]]:
    """Body, footnotes and endnotes of a .docx as blocks; broken files are one-line errors."""
    _check_package(data, source)
    from docx2python import docx2python  # imported only when a Word file is read
    from docx2python.iterators import iter_paragraphs

    try:
        with warnings.catch_warnings(), docx2python(BytesIO(data), html=True, duplicate_merged_cells=False) as content:
            warnings.simplefilter("ignore")  # "no core-properties file": normal for Google Docs exports
            body, count = _blocks(iter_paragraphs(content.body_pars), 0)
            notes, count = _blocks([*iter_paragraphs(content.footnotes_pars),
                                    *iter_paragraphs(content.endnotes_pars)], count)
            properties = content.core_properties or {}
    except InputProblem:
        raise
    except Exception as exc:  # noqa: BLE001 - lxml, zipfile and docx2python raise many types on broken parts
        detail = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise InputProblem(f"{source}: broken Word file ({detail})") from None
    blocks = body + notes
    if not blocks:
        raise InputProblem(f"{source}: Word file has no text (an empty or macro-only document?)")
    metadata: dict[str, Any] = {"location": "paragraph in the Word document", "paragraphs": count}
    title = properties.get("title") if isinstance(properties, dict) else None
    if title:
        metadata["title"] = str(title)
    return blocks, metadata
