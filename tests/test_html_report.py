"""The HTML report in a real browser: structure, comparisons, filters, offline, and no script from a policy runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import main

from .browser import browser_page
from .conftest import SEEDS


@pytest.fixture(scope="module")
def seed_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html")
    result = CliRunner().invoke(main, ["scan", str(SEEDS), "--out", str(out)])
    assert result.exit_code == 0, result.output
    for name in ("index.html", "report.md", "report.json"):
        assert (out / name).is_file(), name
    return out


def test_seed_report_renders_offline_with_matrix_comparison_and_filters(seed_reports: Path, tmp_path: Path) -> None:
    data = json.loads((seed_reports / "report.json").read_text())
    n_policies = len(data["policies"])
    n_requirements = len(data["policies"][0]["requirements"])
    with browser_page(tmp_path) as page:
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto((seed_reports / "index.html").as_uri())
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        assert (tmp_path / "report.png").stat().st_size > 50_000

        # one row per policy, one column per requirement
        assert page.locator("table.matrix tbody tr").count() == n_policies
        assert page.locator("table.matrix thead th.req").count() == n_requirements
        for row in range(n_policies):
            assert page.locator("table.matrix tbody tr").nth(row).locator("td.cell").count() == n_requirements
        # every cell says its status in text too (screen readers, greyscale print)
        labels = page.locator("table.matrix td.cell a").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
        assert all(label.endswith((": met", ": partial", ": missing", ": not_applicable")) for label in labels)

        ages = page.locator("table.ages").inner_text()
        assert "13" in ages and "18" in ages and "not stated" in ages

        def visible(selector: str) -> list[bool]:
            return page.locator(selector).evaluate_all(
                "els => els.map(e => getComputedStyle(e).visibility !== 'hidden' && e.offsetParent !== null)")

        assert all(visible("td.cell.status-met"))
        page.locator("#filters input[value='status-met']").uncheck()
        assert not any(visible("td.cell.status-met")), "the filter did not hide met cells"
        assert not any(visible("tr.req.status-met"))
        assert all(visible("td.cell.status-missing")) and all(visible("tr.req.status-missing"))
        page.locator("#filters input[value='sev-high']").uncheck()
        assert not any(visible("tr.req.sev-high"))

        # each cell links to the evidence row of its policy section
        first = page.locator("table.matrix td.cell a").first.get_attribute("href")
        assert first and page.locator(first).count() == 1
    assert requests and all(url.startswith("file://") for url in requests), requests


def test_report_is_fully_readable_without_javascript(seed_reports: Path, tmp_path: Path) -> None:
    with browser_page(tmp_path, javascript=False) as page:
        page.goto((seed_reports / "index.html").as_uri())
        assert not page.locator("#filters").is_visible()
        assert page.locator("tr.req").count() == page.locator("tr.req:visible").count() > 0
        assert "children's age thresholds disagree" in page.locator("#comparisons").inner_text()


def test_a_policy_cannot_run_script_in_the_report(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    payload = ("Privacy Notice\nWe use cookies <script>window.__pwned = 1; alert(1)</script> to count visits.\n"
               "Contact us at <img src=x onerror=\"window.__pwned=2\"> privacy@example.com about "
               "\"><svg onload=window.__pwned=3> your data.\n")
    (corpus / "hostile.txt").write_text(payload, encoding="utf-8")
    (corpus / "link.md").write_text(
        "> *The following text is extracted and transformed from the evil.example privacy policy that was archived on "
        "2020-01-01. Please check the [original snapshot](javascript:window.__pwned=4) for the most accurate reproduction.*\n\n"
        "We use cookies.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["scan", str(corpus), "--out", str(out), "--format", "html"]).exit_code == 0
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in html and "&lt;script&gt;" in html
    assert "javascript:" not in html
    with browser_page(tmp_path) as page:
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto((out / "index.html").as_uri())
        page.wait_for_timeout(300)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert dialogs == []
        assert "<script>window.__pwned = 1; alert(1)</script>" in page.locator("body").inner_text()
