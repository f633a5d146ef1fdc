"""Bytes -> :class:`Document`: the one table of input formats.

One small loader per format reduces the file to blocks (headings, paragraphs, list items) that keep
their source line numbers and their link targets; everything downstream works on blocks only. A
new input format is one loader module and one entry in :data:`LOADERS`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from checker.inputs.decoding import decode
from checker.inputs.files import DEFAULT_MAX_BYTES, InputProblem, kind_of, read_file_bytes
from checker.inputs.invisible import drop_invisible
from checker.inputs.markdown import load_markdown
from checker.inputs.plain_text import load_text
from checker.inputs.reflow import join_broken_paragraphs
from checker.models import Block, Document


def read_policy(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, display: str | None = None) -> Document:
    """Read one policy file into a :class:`Document`, or raise :class:`InputProblem`."""
    source = display or str(path)
    return load_bytes(read_file_bytes(path, max_bytes, source), source, kind_of(path))


def load_bytes(data: bytes, source: str, kind: str) -> Document:
    """Turn raw bytes of a given kind (``markdown``, ``text``, ``html``, ``pdf``, ``docx``) into a Document."""
    if not data.strip():
        raise InputProblem(f"{source}: empty file (no text)")
    if kind in BINARY_LOADERS:
        blocks, metadata = BINARY_LOADERS[kind](data, source)
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
    blocks = join_broken_paragraphs(drop_invisible(blocks))
    if not any(b.text.strip() for b in blocks):
        raise InputProblem(f"{source}: no policy text found after removing markup")
    metadata.setdefault("format", kind)
    return Document(source=source, sha256=hashlib.sha256(data).hexdigest(), blocks=tuple(blocks),
                    metadata=metadata)


def load_html(text: str) -> tuple[list[Block], dict[str, Any]]:
    """HTML page -> blocks (see :mod:`checker.inputs.html_page`)."""
    from checker.inputs.html_page import load_html as load_page

    return load_page(text)


LOADERS: dict[str, Callable[[str], tuple[list[Block], dict[str, Any]]]] = {
    "markdown": load_markdown,
    "text": load_text,
    "html": load_html,
}


def _load_pdf(data: bytes, source: str) -> tuple[list[Block], dict[str, Any]]:
    """PDF -> blocks (see :mod:`checker.inputs.pdf`; pypdf is imported only for PDFs)."""
    from checker.inputs.pdf import load_pdf

    return load_pdf(data, source)


def _load_docx(data: bytes, source: str) -> tuple[list[Block], dict[str, Any]]:
    """Word -> blocks (see :mod:`checker.inputs.docx`; docx2python is imported only for .docx)."""
    from checker.inputs.docx import load_docx

    return load_docx(data, source)


BINARY_LOADERS: dict[str, Callable[[bytes, str], tuple[list[Block], dict[str, Any]]]] = {
    "pdf": _load_pdf,
    "docx": _load_docx,
}
"""Formats read from bytes (no text decoding); their loaders raise :class:`InputProblem` naming
the source themselves."""
