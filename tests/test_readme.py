"""The README's sample output is what a scan of the seeds prints today, so it cannot go stale."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from checker.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _readme_sample() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    after = text.split("A scan of the seeds prints:", 1)[1]
    return after.split("```", 2)[1].strip("\n")


def test_the_readme_shows_what_a_scan_of_the_seeds_prints(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["scan", "seeds/"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip("\n") == _readme_sample()


def test_the_readme_stays_short() -> None:
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 300
