"""Headless Chromium for report tests (Debian's chromium driven by Playwright; nothing downloaded).

CI installs the browser (.ci/run); on a developer machine without it the browser tests are skipped
with the reason, but under CI=true a missing browser is a failure, so CI can never pass them by
skipping.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic"]


def chromium_path() -> str:
    path = os.environ.get("GAPCHECK_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        message = "headless Chromium not found (apt-get install chromium, or set GAPCHECK_CHROMIUM)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@contextmanager
def browser_page(tmp_path: Path, javascript: bool = True) -> Iterator[Any]:
    """A fresh page in a fresh profile (--user-data-dir in tmp_path)."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = chromium_path()
    with playwright_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=executable, headless=True, args=CHROMIUM_ARGS,
            java_script_enabled=javascript, viewport={"width": 1300, "height": 1000})
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()
