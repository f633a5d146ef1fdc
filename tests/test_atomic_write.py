"""An interrupted report write leaves the previous report intact and no temporary file behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import checker.report as report_module
from checker.cli import main
from checker.report.render import render_html

from .conftest import SEEDS


def _scan(out: Path) -> CliRunner:
    runner = CliRunner()
    result = runner.invoke(main, ["scan", str(SEEDS / "asi.md"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return runner


@pytest.fixture()
def previous(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    out = tmp_path / "reports"
    _scan(out)
    return out, {p.name: p.read_bytes() for p in out.iterdir()}


def _unchanged(out: Path, before: dict[str, bytes]) -> None:
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temp file, nothing altered


def test_exception_mid_render_keeps_old_reports(previous, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    out, before = previous

    def half_render(report):  # type: ignore[no-untyped-def]
        render_html(report)
        raise RuntimeError("renderer crashed halfway")

    monkeypatch.setitem(report_module.FORMATS, "html", (half_render, "index.html"))
    result = CliRunner().invoke(main, ["scan", str(SEEDS), "--out", str(out)])
    assert result.exit_code != 0
    _unchanged(out, before)


@pytest.mark.parametrize("fail_in", ["write", "fsync", "replace"])
def test_failure_while_writing_keeps_old_report(fail_in: str, previous, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    out, before = previous
    real_fsync, real_replace = os.fsync, os.replace

    class Interrupted(BaseException):
        """Like KeyboardInterrupt: not an Exception, so only cleanup code sees it."""

    if fail_in == "write":
        real_fdopen = os.fdopen

        def fdopen(fd, *args, **kwargs):  # type: ignore[no-untyped-def]
            handle = real_fdopen(fd, *args, **kwargs)
            real_write = handle.write

            def write(text: str) -> int:
                real_write(text[: len(text) // 2])  # half the report reaches the disk
                raise Interrupted()
            handle.write = write
            return handle
        monkeypatch.setattr(report_module.os, "fdopen", fdopen)
    elif fail_in == "fsync":
        monkeypatch.setattr(report_module.os, "fsync", lambda fd: (_ for _ in ()).throw(Interrupted()))
    else:
        monkeypatch.setattr(report_module.os, "replace", lambda a, b: (_ for _ in ()).throw(Interrupted()))
    with pytest.raises(Interrupted):
        report_module.atomic_write(out / "index.html", "<html>new and different</html>" * 1000)
    monkeypatch.setattr(report_module.os, "fsync", real_fsync)
    monkeypatch.setattr(report_module.os, "replace", real_replace)
    _unchanged(out, before)


def test_successful_write_replaces_whole_file(previous) -> None:  # type: ignore[no-untyped-def]
    out, before = previous
    report_module.atomic_write(out / "report.md", "fresh\n")
    assert (out / "report.md").read_text(encoding="utf-8") == "fresh\n"
    assert sorted(p.name for p in out.iterdir()) == sorted(before)
