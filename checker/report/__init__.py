"""Renderers behind a name table, and atomic writes.

Each format is a function of the :class:`Report` returning text; adding SARIF is a new entry in
``FORMATS``, not a new ``elif`` (bandit's formatters). Files are written to a temporary file in the
target folder and renamed, so an interrupted run never leaves a half-written report and the
previous one stays intact.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from checker.models import Report

Renderer = Callable[[Report], str]


def _renderer(module: str, name: str) -> Renderer:
    """The renderer ``name`` of ``module``, imported when first called: a nightly JSONL run (or
    a cached rerun, which is mostly start-up) never loads Jinja2 and the other renderers."""
    def render(report: Report) -> str:
        function: Renderer = getattr(import_module(module, __package__), name)
        return function(report)

    render.__name__ = name
    return render


FORMATS: dict[str, tuple[Renderer, str]] = {
    "html": (_renderer(".render", "render_html"), "index.html"),
    "md": (_renderer(".render", "render_markdown"), "report.md"),
    "json": (_renderer(".json_report", "render_json"), "report.json"),
    "sarif": (_renderer(".ci_formats", "render_sarif"), "report.sarif"),
    "junit": (_renderer(".ci_formats", "render_junit"), "junit.xml"),
}
"""format name -> (renderer, file name inside the output folder)."""


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_reports(report: Report, formats: list[str], out_dir: Path) -> list[Path]:
    """Render every requested format first, then write each atomically; returns the paths written.

    Rendering everything before writing anything means a renderer that fails leaves all previous
    reports untouched.
    """
    rendered = [(FORMATS[name][1], FORMATS[name][0](report)) for name in formats]
    written = []
    for filename, text in rendered:
        target = out_dir / filename
        atomic_write(target, text)
        written.append(target)
    return written
