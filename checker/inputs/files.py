"""Which files to read, and their bytes: discovery, size limits, the format of a file name.

Everything that touches the file system before a loader sees the bytes lives here, so a failure
(a missing file, a directory given twice, a file over ``--max-bytes``) is one
:class:`InputProblem` with a line meant for the user, and the batch goes on.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

SUFFIXES: dict[str, str] = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".text": "text",
                            ".html": "html", ".htm": "html", ".pdf": "pdf",
                            ".docx": "docx"}
"""File name endings gapcheck reads, and the loader each one goes to."""

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


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
                problems.append((str(path), "directory holds no policy files (.md, .txt, .html, .htm, .pdf, .docx)"))
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


def is_url(text: str) -> bool:
    """An argument naming a web page rather than a file (fetched by :mod:`checker.inputs.web`)."""
    return text.startswith(("http://", "https://"))


def kind_of(path: str | Path) -> str:
    """The loader for a file name: by suffix, plain text for anything else named directly."""
    return SUFFIXES.get(os.path.splitext(path)[1].lower(), "text")


def sniff_kind(data: bytes) -> str:
    """Format of bytes without a file name (standard input): HTML, PDF, Word, else Markdown."""
    head = data[:2048].lstrip().lower()
    if head.startswith(b"%pdf"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") and b"word/" in data[:65536]:
        return "docx"
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head or b"<p>" in head:
        return "html"
    return "markdown"

