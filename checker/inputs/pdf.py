"""PDF policies -> blocks, with page numbers as locations.

Text comes from pypdf (BSD-licensed, pure Python). Each page's text is read like hard-wrapped plain
text: lines are joined into paragraphs unless a line ends a sentence, short title lines become
headings, and every block remembers its page and its line on that page.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from checker.inputs.files import InputProblem
from checker.inputs.plain_text import load_text
from checker.models import Block

logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf warns on every small defect it repairs


def load_pdf(data: bytes, source: str) -> tuple[list[Block], dict[str, Any]]:
    """Extract the text of every page; encrypted, broken and image-only PDFs are clear errors."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise InputProblem(f"{source}: encrypted PDF (a password is needed to read it)")
            except (FileNotDecryptedError, NotImplementedError):
                raise InputProblem(f"{source}: encrypted PDF (a password is needed to read it)") from None
            except DependencyError:
                raise InputProblem(f"{source}: AES-encrypted PDF and the 'cryptography' package is not "
                                   "installed (pip install 'pypdf[crypto]')") from None
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
        title = str(info.title) if info is not None and info.title else None
    except InputProblem:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError,
            RecursionError, AssertionError, ZeroDivisionError) as exc:
        detail = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise InputProblem(f"{source}: broken PDF ({detail})") from None
    blocks: list[Block] = []
    for number, text in enumerate(pages, start=1):
        page_blocks, _ = load_text(text, wrapped=True, page=number)
        blocks.extend(page_blocks)
    if not blocks:
        raise InputProblem(f"{source}: PDF has no extractable text (a scanned image?)")
    metadata: dict[str, Any] = {"pages": len(pages), "location": "line on the PDF page"}
    if title:
        metadata["title"] = title
    return blocks, metadata
