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


def test_review_in_the_browser_round_trip(seed_reports: Path, tmp_path: Path) -> None:
    """Mark three items in the report, reload, download the sheet, score it with eval --reviews."""
    data = json.loads((seed_reports / "report.json").read_text())
    first = data["policies"][0]
    gap = next(r for r in first["requirements"] if r["status"] in ("partial", "missing"))
    met = next(r for r in first["requirements"] if r["status"] == "met")
    ids = [f"{first['source']}#{gap['id']}", f"{first['source']}#{met['id']}", f"{first['source']}#finding-1"]
    assert first["findings"]
    with browser_page(tmp_path) as page:
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto((seed_reports / "index.html").as_uri())
        assert page.locator("#review").is_visible()

        def item(review_id: str):  # type: ignore[no-untyped-def]
            return page.locator(f"[data-review-id='{review_id}']")

        item(ids[0]).locator("input.review-right").check()
        item(ids[1]).locator("input.review-wrong").check()
        item(ids[1]).locator("select.review-status").select_option("partial")
        item(ids[1]).locator("input.review-note").fill("only a narrow opt-out, <b>not</b> the right")
        item(ids[2]).locator("input.review-right").check()
        assert page.locator("#review-count").inner_text() == "3 marked"
        page.reload()  # the marks survive a reload
        assert item(ids[1]).locator("input.review-wrong").is_checked()
        assert item(ids[1]).locator("input.review-note").input_value() == "only a narrow opt-out, <b>not</b> the right"
        assert page.locator("#review-count").inner_text() == "3 marked"
        with page.expect_download() as yaml_download:
            page.locator("#review-yaml").click()
        yaml_download.value.save_as(tmp_path / "sheet.yaml")
        with page.expect_download() as csv_download:
            page.locator("#review-csv").click()
        csv_download.value.save_as(tmp_path / "sheet.csv")
    assert all(url.startswith(("file:", "blob:", "data:")) for url in requests), requests  # nothing from the network
    for sheet in ("sheet.yaml", "sheet.csv"):
        result = CliRunner().invoke(main, ["eval", "--reviews", str(tmp_path / sheet), "--json", "--details"])
        assert result.exit_code == 0, result.output
        scores = json.loads(result.output)
        assert (scores["overall"]["n"], scores["overall"]["right"], scores["overall"]["wrong"]) == (3, 2, 1), sheet
        assert scores["gaps"]["n"] == 1 and scores["gaps"]["right"] == 1
        assert scores["wrong"] == [{"id": ids[1], "status": "met", "correct_status": "partial",
                                    "note": "only a narrow opt-out, <b>not</b> the right"}]
