"""Real-world inputs: saved web pages and PDFs of the seeds scan like the seeds; stdin, list files,
encodings, and non-English policies."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import main
from checker.inputs.files import InputProblem
from checker.inputs.loader import load_bytes
from checker.models import PolicyResult
from checker.run.scan import scan

from .conftest import SEEDS, SHARED
from .pdfmaker import policy_pdf

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
PAGE_SEEDS = sorted(PAGES.glob("*.html"))


def _seed_for(page: Path) -> Path:
    return next(SEEDS.glob(page.stem + ".*"))


def _statuses(result: PolicyResult) -> dict[str, str]:
    return {v.requirement: v.status.value for v in result.verdicts}


@pytest.fixture(scope="module")
def seed_results(compiled) -> dict[str, PolicyResult]:  # type: ignore[no-untyped-def]
    report = scan([SEEDS], compiled=compiled)
    return {Path(p.source).stem: p for p in report.policies}


def test_there_are_five_page_fixtures_full_of_chrome() -> None:
    assert len(PAGE_SEEDS) >= 5
    for page in PAGE_SEEDS:
        html = page.read_text(encoding="utf-8").lower()
        # a menu, a footer, a cookie banner, scripts and inline styles (table layouts have no <nav>)
        for chrome in ('href="/products"', "all rights reserved", "<script", "cookie"):
            assert chrome in html, (page.name, chrome)
        assert "style=" in html or "<style" in html


@pytest.mark.parametrize("page", PAGE_SEEDS, ids=lambda p: p.stem)
def test_saved_web_page_scans_like_the_plain_policy(page: Path, compiled, seed_results) -> None:  # type: ignore[no-untyped-def]
    result = scan([page], compiled=compiled).policies[0]
    plain = seed_results[page.stem]
    assert _statuses(result) == _statuses(plain)
    assert {f.kind for f in result.findings} == {f.kind for f in plain.findings}
    assert result.facts["children_age"] == plain.facts["children_age"]
    # no site chrome leaks into the evidence
    text = " ".join(e.text for v in result.verdicts for e in v.evidence).lower()
    for leak in ("by continuing to browse", "sales@example-shop.test", "follow us on social media"):
        assert leak not in text, leak


@pytest.mark.parametrize("seed", sorted(p for p in SEEDS.glob("*.*") if p.suffix in (".md", ".txt")),
                         ids=lambda p: p.stem)
def test_pdf_of_a_seed_scans_like_the_seed(seed: Path, tmp_path: Path, compiled, seed_results) -> None:  # type: ignore[no-untyped-def]
    pdf = tmp_path / (seed.stem + ".pdf")
    pdf.write_bytes(policy_pdf(seed))
    result = scan([pdf], compiled=compiled).policies[0]
    assert _statuses(result) == _statuses(seed_results[seed.stem])
    assert result.facts["children_age"] == seed_results[seed.stem].facts["children_age"]
    pages = {e.page for v in result.verdicts for e in v.evidence}
    assert pages and None not in pages and min(pages) >= 1
    assert result.metadata["pages"] >= max(pages)


def _encrypted_pdf(password: str = "secret") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(policy_pdf(SEEDS / "asi.md"))))
    writer.encrypt(user_password=password, owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_print_restricted_pdf_with_empty_password_is_read(compiled, seed_results) -> None:  # type: ignore[no-untyped-def]
    result = scan(["-"], compiled=compiled, stdin=_encrypted_pdf(password="")).policies[0]
    assert _statuses(result) == _statuses(seed_results["asi"])


def test_encrypted_truncated_and_imageless_pdfs_are_one_line_errors() -> None:
    with pytest.raises(InputProblem, match=r"^locked\.pdf: encrypted PDF"):
        load_bytes(_encrypted_pdf(), "locked.pdf", "pdf")
    whole = policy_pdf(SEEDS / "asi.md")
    with pytest.raises(InputProblem, match=r"^cut\.pdf: (broken PDF|PDF has no extractable text)") as err:
        load_bytes(whole[: len(whole) // 3], "cut.pdf", "pdf")
    assert "\n" not in str(err.value)
    from fpdf import FPDF

    blank = FPDF()
    blank.add_page()
    with pytest.raises(InputProblem, match="no extractable text"):
        load_bytes(bytes(blank.output()), "scan.pdf", "pdf")


def test_batch_with_bad_files_reports_them_and_goes_on(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text((SEEDS / "asi.md").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_bytes(b"  \n\n ")
    (tmp_path / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (tmp_path / "locked.pdf").write_bytes(_encrypted_pdf())
    (tmp_path / "big.txt").write_text("We collect data. " * 1000)
    (tmp_path / "broken.html").write_text("<html><body><h1>Privacy<p>We collect your <b>e-mail<div></table>",
                                          encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["scan", str(tmp_path), "--out", str(out), "--max-bytes", "9000"])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    scanned = {Path(p["source"]).name for p in report["policies"]}
    assert scanned == {"good.md", "broken.html"}
    errors = {Path(e["source"]).name: e["message"] for e in report["errors"]}
    assert set(errors) == {"empty.txt", "blank.md", "image.html", "locked.pdf", "big.txt"}
    assert "9,000-byte limit" in errors["big.txt"]
    for name, message in errors.items():
        assert name in message and "\n" not in message
        assert message in result.output  # the same one line on the terminal
    assert (out / "index.html").exists() and (out / "report.md").exists()


def test_directory_without_policies_is_an_error_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "notes.xlsx").write_bytes(b"PK\x03\x04")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["scan", str(tmp_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["policies"] == [] and "no policy files" in report["errors"][0]["message"]


def test_standard_input_is_scanned(compiled) -> None:  # type: ignore[no-untyped-def]
    data = (SEEDS / "asi.md").read_bytes()
    result = CliRunner().invoke(main, ["scan", "-", "--format", "json", "--out", "-"], input=data)
    assert result.exit_code == 0, result.output
    policy = json.loads(result.stdout)["policies"][0]
    assert policy["source"] == "<stdin>"
    plain = scan([SEEDS / "asi.md"], compiled=compiled).policies[0]
    assert {r["id"]: r["status"] for r in policy["requirements"]} == _statuses(plain)
    # HTML on stdin is recognised as HTML
    page = (PAGES / "asi.html").read_bytes()
    html_result = scan(["-"], compiled=compiled, stdin=page).policies[0]
    assert _statuses(html_result) == _statuses(plain)


def test_list_file_names_the_policies_for_a_nightly_job(tmp_path: Path) -> None:
    listing = tmp_path / "paths.txt"
    listing.write_text(f"# today's crawl\n{SEEDS / 'asi.md'}\n\n{PAGES / 'asustor.html'}\n{tmp_path / 'gone.md'}\n",
                       encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["scan", "--from-list", str(listing), "--out", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [Path(p["source"]).name for p in report["policies"]] == ["asi.md", "asustor.html"]
    assert len(report["errors"]) == 1 and "gone.md" in report["errors"][0]["message"]


def test_no_input_at_all_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["scan"])
    assert result.exit_code == 2


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"])
def test_policy_in_any_common_encoding_reads_the_same(encoding: str, tmp_path: Path, compiled) -> None:  # type: ignore[no-untyped-def]
    text = (SEEDS / "asi.md").read_text(encoding="utf-8")
    text = text.translate({0x2019: "'", 0x2018: "'", 0x201C: '"', 0x201D: '"', 0x2013: "-", 0x2014: "-"})
    text = text.replace("information", "informati\u00f3n", 1)  # one accented letter to decode right
    path = tmp_path / "asi.md"
    path.write_bytes(text.encode(encoding, errors="replace"))
    utf8 = tmp_path / "utf8" / "asi.md"
    utf8.parent.mkdir()
    utf8.write_text(text, encoding="utf-8")
    got, want = (scan([p], compiled=compiled).policies[0] for p in (path, utf8))
    assert _statuses(got) == _statuses(want)
    assert got.sentence_count == want.sentence_count
    assert not [f for f in got.findings if f.kind == "encoding_artifact"]


def test_mojibake_that_survives_decoding_is_a_finding(analyse_text) -> None:  # type: ignore[no-untyped-def]
    result = analyse_text("# Privacy\n\nWe donâ€™t sell your data to anyone at all.\n")
    assert [f.kind for f in result.findings if f.kind == "encoding_artifact"]


FRENCH = """# Politique de confidentialité

Nous collectons les données personnelles que vous nous fournissez lorsque vous créez un compte.
Vous disposez d'un droit d'accès, de rectification et de suppression de vos données.
Pour exercer vos droits, écrivez-nous à l'adresse indiquée ci-dessous. Les données sont conservées
pendant la durée de la relation commerciale, puis archivées pendant trois ans.
"""


def test_non_english_policy_is_skipped_with_its_language(tmp_path: Path, compiled) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "fr.md").write_text(FRENCH, encoding="utf-8")
    report = scan([tmp_path], compiled=compiled)
    assert report.policies == []
    assert [(Path(s.source).name, s.language) for s in report.skipped] == [("fr.md", "fr")]
    assert "fr.md" in report.skipped[0].message and "--force" in report.skipped[0].message
    forced = scan([tmp_path], compiled=compiled, force=True)
    assert len(forced.policies) == 1 and forced.policies[0].metadata["language"] == "fr"


def test_skips_show_in_every_report_format(tmp_path: Path) -> None:
    (tmp_path / "fr.md").write_text(FRENCH, encoding="utf-8")
    (tmp_path / "en.md").write_text((SEEDS / "asi.md").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["scan", str(tmp_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "skipped" in result.output and "fr.md" in result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [s["language"] for s in report["skipped"]] == ["fr"]
    for name in ("index.html", "report.md"):
        text = (out / name).read_text(encoding="utf-8")
        assert "fr.md" in text and "Files not scanned" in text


MODERN = SHARED / "modern-dev"


@pytest.mark.skipif(not MODERN.is_dir(), reason="../shared/modern-dev/ is not beside the project")
def test_every_modern_policy_ends_as_a_report_or_a_clear_skip(compiled) -> None:  # type: ignore[no-untyped-def]
    files = sorted(p for p in MODERN.rglob("*") if p.is_file() and not p.name.startswith("."))
    policies = [p for p in files if p.suffix.lower() in (".md", ".txt", ".html", ".htm")]
    report = scan([MODERN], compiled=compiled)
    accounted = [p.source for p in report.policies] + [s.source for s in report.skipped] + \
        [e.source for e in report.errors]
    assert len(accounted) == len(policies) == len(set(accounted))
    assert not report.errors, report.errors
    # the corpus holds two policies in French: those, and only those, are skipped
    assert sorted(s.language for s in report.skipped) == ["fr", "fr"], report.skipped
    assert len(report.policies) >= 0.9 * len(policies)


def test_an_unforeseen_failure_costs_one_policy_not_the_batch(tmp_path: Path, compiled, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import checker.pipeline as scan_module

    for seed in ("asi.md", "aspera.md", "asustor.md"):
        (tmp_path / seed).write_bytes((SEEDS / seed).read_bytes())
    real_analyse = scan_module.analyse

    def flaky(parsed, compiled_):  # type: ignore[no-untyped-def]
        if parsed.document.source.endswith("aspera.md"):
            raise ZeroDivisionError("a rule divided by zero")
        return real_analyse(parsed, compiled_)

    monkeypatch.setattr(scan_module, "analyse", flaky)
    import checker.run.tasks as runner_module

    real_read = runner_module.read_file_bytes

    def broken_reader(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path).name == "asustor.md":
            raise MemoryError("out of memory in a parser")
        return real_read(path, *args, **kwargs)

    monkeypatch.setattr(runner_module, "read_file_bytes", broken_reader)
    report = scan([tmp_path], compiled=compiled)
    assert [Path(p.source).name for p in report.policies] == ["asi.md"]
    messages = {Path(e.source).name: e.message for e in report.errors}
    assert "ZeroDivisionError" in messages["aspera.md"] and "bug" in messages["aspera.md"]
    assert "MemoryError" in messages["asustor.md"]
