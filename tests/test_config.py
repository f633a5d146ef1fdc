"""Settings files: [tool.gapcheck] in pyproject.toml or a gapcheck.toml, found upward from the
working directory; flags override them; mistakes are exit 2 naming the file and the key."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import EXIT_GAPS, EXIT_OK, EXIT_USAGE, main

from .conftest import SEEDS


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with the seeds and a pyproject.toml, the run started from a subfolder."""
    shutil.copytree(SEEDS, tmp_path / "policies")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "acme"\n\n[tool.gapcheck]\nformat = ["json"]\nout = "audit"\nfail-on = "high"\n'
        'checklists = ["gdpr"]\n', encoding="utf-8")
    (tmp_path / "ci").mkdir()
    monkeypatch.chdir(tmp_path / "ci")
    return tmp_path


def test_the_project_file_changes_what_scan_does(project: Path) -> None:
    result = CliRunner().invoke(main, ["scan", "../policies"])
    assert result.exit_code == EXIT_GAPS, result.output  # fail-on high, and the seeds have high gaps
    assert sorted(p.name for p in (project / "audit").iterdir()) == ["report.json"]  # out is the file's, not cwd's
    report = json.loads((project / "audit" / "report.json").read_text(encoding="utf-8"))
    assert [c["id"] for c in report["checklists"]] == ["gdpr"]


def test_flags_override_the_file(project: Path) -> None:
    result = CliRunner().invoke(main, ["scan", "../policies", "--fail-on", "none", "--format", "md", "--out", "here"])
    assert result.exit_code == EXIT_OK, result.output
    assert (project / "ci" / "here" / "report.md").is_file()
    assert not (project / "audit").exists()


def test_isolated_ignores_the_file_and_config_names_one(project: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--isolated", "scan", "../policies", "--out", "plain", "-q"])
    assert result.exit_code == EXIT_OK
    assert sorted(p.name for p in (project / "ci" / "plain").iterdir()) == ["index.html", "report.json", "report.md"]
    other = project / "strict.toml"
    other.write_text('fail-on = "low"\nformat = "json"\nout = "strict-out"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(other), "scan", "../policies", "-q"])
    assert result.exit_code == EXIT_GAPS and (project / "strict-out" / "report.json").is_file()


def test_the_nearest_file_wins_and_gapcheck_toml_before_pyproject(project: Path) -> None:
    (project / "ci" / "gapcheck.toml").write_text('format = "md"\nout = "near"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["scan", "../policies", "-q"])
    assert result.exit_code == EXIT_OK  # the nearer file has no fail-on: the project's is not merged in
    assert sorted(p.name for p in (project / "ci" / "near").iterdir()) == ["report.md"]


@pytest.mark.parametrize(("text", "message"), [
    ('[tool.gapcheck]\nfial-on = "high"\n', "unknown key 'fial-on' in [tool.gapcheck]"),
    ('[tool.gapcheck]\njobs = "four"\n', "key 'jobs' must be a whole number"),
    ('[tool.gapcheck]\nfail-on = "critical"\n', "key 'fail-on' must be one of none, low, medium, high"),
    ('[tool.gapcheck]\nformat = [1, 2]\n', "key 'format' must be a string or a list of strings"),
    ('[tool.gapcheck]\nout = \n', "invalid TOML"),
])
def test_mistakes_in_the_file_exit_2_naming_file_and_key(project: Path, text: str, message: str) -> None:
    (project / "ci" / "pyproject.toml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["scan", "../policies"])
    assert result.exit_code == EXIT_USAGE
    assert str(project / "ci" / "pyproject.toml") in result.output and message in result.output


def test_config_shows_each_setting_and_where_it_comes_from(project: Path) -> None:
    result = CliRunner().invoke(main, ["config"])
    assert result.exit_code == EXIT_OK
    lines = result.output.splitlines()
    assert lines[0] == f"configuration file: {project / 'pyproject.toml'} [tool.gapcheck]"
    row = {line.split()[0]: line for line in lines[1:]}
    assert str(project / "audit") in row["--out"] and "(out)" in row["--out"]
    assert "high" in row["--fail-on"] and "(fail-on)" in row["--fail-on"]
    assert "blank" in row["--model"] and row["--model"].endswith("default")


def test_a_project_without_settings_uses_the_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.ruff]\nline-length = 100\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["config"])
    assert result.output.startswith("configuration file: none")
    assert "gdpr, coppa" in result.output
