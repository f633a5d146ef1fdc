"""Write .docx files the way Word does (WordprocessingML in a zip), for tests.

Written by hand rather than with python-docx so a test controls every feature the reader must
handle: heading styles, numbered and bulleted lists (numbering.xml), tables, hyperlinks with
their targets (relationships), footnotes, tracked insertions and deletions, and comments.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
NS = f'xmlns:w="{W}" xmlns:r="{R}"'


def _run(text: str, bold: bool = False) -> str:
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


@dataclass
class Docx:
    """A document built paragraph by paragraph; :meth:`bytes` gives the .docx file."""

    body: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    def heading(self, text: str, level: int = 1) -> Docx:
        self.body.append(f'<w:p><w:pPr><w:pStyle w:val="Heading{level}"/></w:pPr>{_run(text)}</w:p>')
        return self

    def paragraph(self, *parts: str | tuple[str, str], style: str | None = None, numbered: int | None = None) -> Docx:
        """Parts are plain text or (text, url) links. ``numbered``: 1 bullets, 2 decimal numbers."""
        props = ""
        if style or numbered:
            props = "<w:pPr>"
            if style:
                props += f'<w:pStyle w:val="{style}"/>'
            if numbered:
                props += f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{numbered}"/></w:numPr>'
            props += "</w:pPr>"
        runs = []
        for part in parts:
            if isinstance(part, tuple):
                self.links.append(part[1])
                runs.append(f'<w:hyperlink r:id="rLink{len(self.links)}">{_run(part[0])}</w:hyperlink>')
            else:
                runs.append(_run(part))
        self.body.append(f"<w:p>{props}{''.join(runs)}</w:p>")
        return self

    def raw(self, paragraph_xml: str) -> Docx:
        self.body.append(paragraph_xml)
        return self

    def tracked(self, before: str, inserted: str, deleted: str, after: str) -> Docx:
        """A paragraph with a tracked insertion and deletion (Word's 'Track changes')."""
        return self.raw(f'<w:p>{_run(before)}<w:ins w:id="1" w:author="Legal">{_run(inserted)}</w:ins>'
                        f'<w:del w:id="2" w:author="Legal"><w:r><w:delText xml:space="preserve">{escape(deleted)}'
                        f"</w:delText></w:r></w:del>{_run(after)}</w:p>")

    def commented(self, text: str, comment: str) -> Docx:
        self.comments.append(comment)
        n = len(self.comments) - 1
        return self.raw(f'<w:p><w:commentRangeStart w:id="{n}"/>{_run(text)}<w:commentRangeEnd w:id="{n}"/>'
                        f'<w:r><w:commentReference w:id="{n}"/></w:r></w:p>')

    def footnoted(self, text: str, note: str) -> Docx:
        self.footnotes.append(note)
        n = len(self.footnotes)
        return self.raw(f'<w:p>{_run(text)}<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
                        f'<w:footnoteReference w:id="{n}"/></w:r></w:p>')

    def table(self, rows: list[list[str]]) -> Docx:
        cells = "".join("<w:tr>" + "".join(f"<w:tc><w:p>{_run(c)}</w:p></w:tc>" for c in row) + "</w:tr>"
                        for row in rows)
        self.body.append(f"<w:tbl><w:tblPr/>{cells}</w:tbl>")
        return self

    def bytes(self) -> bytes:
        out = BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", _CONTENT_TYPES)
            z.writestr("_rels/.rels", _PACKAGE_RELS)
            rels = "".join(f'<Relationship Id="rLink{i}" Type="{HYPERLINK}" Target="{escape(url)}" TargetMode="External"/>'
                           for i, url in enumerate(self.links, start=1))
            z.writestr("word/_rels/document.xml.rels",
                       '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                       '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                       f"{_PART_RELS}{rels}</Relationships>")
            z.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                            f"<w:document {NS}><w:body>{''.join(self.body)}<w:sectPr/></w:body></w:document>")
            z.writestr("word/styles.xml", _STYLES)
            z.writestr("word/numbering.xml", _NUMBERING)
            notes = "".join(f'<w:footnote w:id="{i}"><w:p>{_run(t)}</w:p></w:footnote>'
                            for i, t in enumerate(self.footnotes, start=1))
            z.writestr("word/footnotes.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {NS}>'
                                             '<w:footnote w:type="separator" w:id="-1"><w:p/></w:footnote>'
                                             f"{notes}</w:footnotes>")
            comments = "".join(f'<w:comment w:id="{i}" w:author="Reviewer"><w:p>{_run(t)}</w:p></w:comment>'
                               for i, t in enumerate(self.comments))
            z.writestr("word/comments.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                            f"<w:comments {NS}>{comments}</w:comments>")
        return out.getvalue()


def policy_docx(seed: Path) -> bytes:
    """The seed policy as a Word document: headings as Heading styles, list items as bulleted
    paragraphs, links as hyperlinks with their targets, table cells as a one-column table."""
    from checker.inputs.loader import read_policy
    from checker.models import BlockKind

    doc = Docx()
    cells: list[list[str]] = []
    for block in read_policy(seed).blocks:
        if block.kind is BlockKind.TABLE_CELL:
            cells.append([block.text])
            continue
        if cells:
            doc.table(cells)
            cells = []
        if block.kind is BlockKind.HEADING:
            doc.heading(block.text, min(max(block.level, 1), 3))
            continue
        parts: list[str | tuple[str, str]] = []
        at = 0
        for link in sorted(block.links, key=lambda link: link.start):
            if link.start < at:
                continue
            parts.append(block.text[at:link.start])
            parts.append((block.text[link.start:link.end], link.target))
            at = link.end
        parts.append(block.text[at:])
        doc.paragraph(*[p for p in parts if p], numbered=1 if block.kind is BlockKind.LIST_ITEM else None)
    if cells:
        doc.table(cells)
    return doc.bytes()


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
    '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
    '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>'
    "</Types>")
_PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>')
_PART_RELS = (
    '<Relationship Id="rStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    '<Relationship Id="rNumbering" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>'
    '<Relationship Id="rFootnotes" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
    '<Relationship Id="rComments" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/>')
_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles {NS}>'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
    + "".join(f'<w:style w:type="paragraph" w:styleId="Heading{n}"><w:name w:val="heading {n}"/>'
              f'<w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="{n - 1}"/></w:pPr></w:style>' for n in (1, 2, 3))
    + '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/></w:style>'
    '<w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/>'
    '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style></w:styles>')
_NUMBERING = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering {NS}>'
    '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
    '<w:lvlText w:val="\u2022"/></w:lvl></w:abstractNum>'
    '<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
    '<w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
    "</w:numbering>")
