"""Word documents: the seeds written as .docx scan like the seeds, every Word feature a policy uses
is read as a reader sees it, and broken files are one-line errors.

The .docx files are built in the tests (tests/docxmaker.py writes WordprocessingML directly), so
each feature is present exactly as Word stores it.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import main
from checker.inputs import docx as docx_loader
from checker.inputs.files import InputProblem, sniff_kind
from checker.inputs.loader import load_bytes
from checker.models import BlockKind, PolicyResult
from checker.run.scan import scan

from .conftest import SEEDS
from .docxmaker import Docx, policy_docx

SEED_FILES = sorted(p for p in SEEDS.iterdir() if p.suffix in (".md", ".txt"))


@pytest.fixture(scope="module")
def seed_results(compiled) -> dict[str, PolicyResult]:  # type: ignore[no-untyped-def]
    return {Path(p.source).stem: p for p in scan([SEEDS], compiled=compiled).policies}


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.stem)
def test_a_seed_as_a_word_file_scans_like_the_seed(seed: Path, tmp_path: Path, compiled, seed_results) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / f"{seed.stem}.docx"
    path.write_bytes(policy_docx(seed))
    result = scan([path], compiled=compiled).policies[0]
    plain = seed_results[seed.stem]
    assert {v.requirement: v.status.value for v in result.verdicts} == \
        {v.requirement: v.status.value for v in plain.verdicts}
    assert sorted(f.kind for f in result.findings) == sorted(f.kind for f in plain.findings)
    assert result.facts["children_age"] == plain.facts["children_age"]
    assert result.metadata["format"] == "docx"


def _blocks(doc: Docx) -> list[tuple[str, str]]:
    return [(b.kind.value, b.text) for b in load_bytes(doc.bytes(), "draft.docx", "docx").blocks]


def test_styles_lists_and_tables_become_headings_list_items_and_cells() -> None:
    doc = (Docx().heading("Privacy notice").heading("What we collect", 2)
           .paragraph("Your name and address.", numbered=1).paragraph("Your order history.", numbered=2)
           .raw('<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>How long we keep it</w:t></w:r></w:p>')
           .table([["Data", "Kept for"], ["Orders", "6 years"]]))
    assert _blocks(doc) == [("heading", "Privacy notice"), ("heading", "What we collect"),
                            ("list_item", "Your name and address."), ("list_item", "Your order history."),
                            ("heading", "How long we keep it"), ("table_cell", "Data"), ("table_cell", "Kept for"),
                            ("table_cell", "Orders"), ("table_cell", "6 years")]
    levels = [b.level for b in load_bytes(doc.bytes(), "d.docx", "docx").blocks if b.kind is BlockKind.HEADING]
    assert levels[:2] == [1, 2]


def test_tracked_changes_read_as_accepted_and_comments_left_out() -> None:
    doc = (Docx().tracked("We keep your data for ", "six years", "ten years", " after your last order.")
           .commented("We do not sell your data.", "LEGAL: is this still true after the merger?"))
    text = " ".join(t for _, t in _blocks(doc))
    assert "We keep your data for six years after your last order." in text
    assert "ten years" not in text
    assert "We do not sell your data." in text and "merger" not in text


def test_footnotes_are_read_after_the_body_and_their_marks_are_not_text() -> None:
    doc = Docx().footnoted("We transfer data to the United States.", "Under the EU Standard Contractual Clauses.")
    assert _blocks(doc) == [("paragraph", "We transfer data to the United States."),
                            ("paragraph", "Under the EU Standard Contractual Clauses.")]


def test_hyperlink_targets_reach_contact_link_mismatch(compiled, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    doc = (Docx().heading("Contact us")
           .paragraph("Write to us at ", ("privacy@example-shop.test", "mailto:sales@other-company.test"), "."))
    document = load_bytes(doc.bytes(), "d.docx", "docx")
    link = document.blocks[1].links[0]
    assert (link.text, link.target) == ("privacy@example-shop.test", "mailto:sales@other-company.test")
    path = tmp_path / "draft.docx"
    path.write_bytes(doc.bytes())
    findings = scan([path], compiled=compiled).policies[0].findings
    assert [f.kind for f in findings if f.kind == "contact_link_mismatch"] == ["contact_link_mismatch"]


def test_evidence_is_located_by_paragraph(tmp_path: Path) -> None:
    doc = (Docx().heading("Privacy").paragraph("We are Example Shop Ltd, 1 High Street, London.")
           .heading("Your rights").paragraph("You may ask us to delete your personal data at any time."))
    (tmp_path / "draft.docx").write_bytes(doc.bytes())
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["scan", str(tmp_path / "draft.docx"), "--format", "md,json", "--out", str(out)])
    assert result.exit_code in (0, 1), result.output
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "> paragraph 4: **You may ask us to delete your personal data** at any time." in markdown
    assert "(decided by paragraph 4)" in markdown
    assert "line 4" not in markdown


def test_standard_input_recognises_a_word_file() -> None:
    assert sniff_kind(Docx().paragraph("We collect your name.").bytes()) == "docx"


def _zip(parts: dict[str, bytes | str]) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in parts.items():
            z.writestr(name, content)
    return out.getvalue()


GOOD = Docx().heading("Privacy").paragraph("We collect your name and e-mail address.").bytes()
BAD = {
    "truncated": (GOOD[: len(GOOD) // 2], "broken Word file"),
    "encrypted": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000), "encrypted or old-format (.doc) Word file"),
    "another zip": (_zip({"mimetype": "application/epub+zip", "content.opf": "<package/>"}), "not a Word document"),
    "macros only": (_zip({"[Content_Types].xml": "<Types/>", "word/vbaProject.bin": b"\x00" * 64,
                          "word/document.xml": '<w:document xmlns:w="http://schemas.openxmlformats.org/'
                                               'wordprocessingml/2006/main"><w:body/></w:document>'}),
                    "Word file has no text"),
    "malformed xml": (_zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document><w:body><w:p>"}),
                      "broken Word file"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_word_files_are_one_line_errors(name: str) -> None:
    data, problem = BAD[name]
    with pytest.raises(InputProblem) as caught:
        load_bytes(data, "draft.docx", "docx")
    message = str(caught.value)
    assert message.startswith("draft.docx: ") and problem in message and "\n" not in message


def test_a_zip_bomb_is_refused_before_it_is_unpacked(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(docx_loader, "MAX_UNZIPPED", 50_000)
    bomb = Docx()
    for _ in range(2_000):
        bomb.paragraph("We collect your name and e-mail address to answer you.")
    with pytest.raises(InputProblem, match="unzips to"):
        load_bytes(bomb.bytes(), "bomb.docx", "docx")


def test_a_batch_with_bad_word_files_goes_on(tmp_path: Path) -> None:
    for name, (data, _) in BAD.items():
        (tmp_path / f"{name.replace(' ', '-')}.docx").write_bytes(data)
    (tmp_path / "good.docx").write_bytes(policy_docx(SEEDS / "asi.md"))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["scan", str(tmp_path), "--format", "json", "--out", str(out)])
    assert "1 policy scanned" in result.output
    for name in BAD:
        line = next(line for line in result.output.splitlines() if f"{name.replace(' ', '-')}.docx" in line)
        assert BAD[name][1] in line
