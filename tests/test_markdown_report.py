"""report.md parses as Markdown with tables, names every policy and every gap, and escapes policy text."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from markdown_it import MarkdownIt

from checker.cli import main
from checker.report.render import md_escape

from .conftest import SEEDS


def table_rows(tokens: list) -> list[list[str]]:  # type: ignore[type-arg]
    rows, row, in_cell = [], None, False
    for tok in tokens:
        if tok.type == "tr_open":
            row = []
        elif tok.type in ("th_open", "td_open"):
            in_cell = True
        elif tok.type == "inline" and in_cell and row is not None:
            row.append(tok.content)
        elif tok.type in ("th_close", "td_close"):
            in_cell = False
        elif tok.type == "tr_close" and row is not None:
            rows.append(row)
    return rows


def test_markdown_report_has_tables_every_policy_and_every_gap(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["scan", str(SEEDS), "--out", str(tmp_path), "--format", "md,json"])
    assert result.exit_code == 0
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    assert sum(1 for t in tokens if t.type == "table_open") >= 3 + len(data["policies"])
    rows = table_rows(tokens)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    for policy in data["policies"]:
        assert policy["source"] in headings
        for req in policy["requirements"]:
            if req["status"] != "met":
                assert any(req["id"] in " ".join(r) and req["status"] in r[0] for r in rows), (policy["source"], req["id"])
        for finding in policy["findings"]:
            assert f"`{finding['kind']}`" in text
    matrix = next(r for r in rows if r and r[0] == "Requirement")
    assert len(matrix) == 1 + len(data["policies"])


def test_policy_text_cannot_break_markdown() -> None:
    escaped = md_escape("a | b <script>x</script> [link](javascript:x) *bold*\nnext")
    assert "|" not in escaped.replace("\\|", "")
    assert "<" not in escaped and "\n" not in escaped
    tokens = MarkdownIt("commonmark").enable("table").parse(f"| h |\n|---|\n| {escaped} |\n")
    assert not any(t.type in ("link_open", "html_inline", "strong_open", "em_open") for t in tokens
                   for t in (t.children or []))
