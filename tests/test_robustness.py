"""Property-based robustness: whatever bytes arrive, a scan ends in a report or a clear error.

Each example is written to a file with a policy suffix and goes the whole road (discover, read,
decode, load, language, NLP, matching, detectors) and then through every report renderer. The only
acceptable outcomes are one policy result, one skip or one one-line error naming the file.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.report import FORMATS
from checker.rules.checklist import CompiledChecklists, load_checklists
from checker.run.scan import scan

from .conftest import ROOT, SEEDS
from .docxmaker import Docx, policy_docx
from .pdfmaker import policy_pdf

SUFFIXES = [".md", ".txt", ".html", ".pdf", ".docx"]
PROFILE = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow],
                   derandomize=True)


@lru_cache(maxsize=1)
def _compiled() -> CompiledChecklists:
    return load_checklists()


@lru_cache(maxsize=1)
def _seed_pdf() -> bytes:
    return policy_pdf(SEEDS / "asi.md")


def scan_one(data: bytes, suffix: str) -> None:
    """Scan ``data`` saved under ``suffix``; assert it ends as exactly one clean outcome."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        report = scan([path], compiled=_compiled(), max_bytes=2_000_000)
        outcomes = len(report.policies) + len(report.errors) + len(report.skipped)
        assert outcomes == 1, (report.policies, report.errors, report.skipped)
        for error in report.errors:
            assert f"input{suffix}" in error.message and "\n" not in error.message
            assert "Traceback" not in error.message
        for name, (render, _) in FORMATS.items():
            text = render(report)
            assert text
            if name == "json":
                json.loads(text)


@PROFILE
@given(data=st.binary(max_size=4096), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes(data: bytes, suffix: str) -> None:
    scan_one(data, suffix)


@PROFILE
@given(text=st.text(max_size=3000), encoding=st.sampled_from(["utf-8", "utf-16", "utf-16-le", "cp1252"]),
       suffix=st.sampled_from([".md", ".txt", ".html"]))
def test_random_unicode_in_any_encoding(text: str, encoding: str, suffix: str) -> None:
    scan_one(text.encode(encoding, errors="replace"), suffix)


_WORDS = st.sampled_from(["We", "collect", "your", "personal", "data", "children", "under", "13", "[Company]",
                          "retain", "cookies", "privacy@example.com", "#", "*", "-", "1.", "|", "<b>", "</p>",
                          "](", "mailto:", "ï¿½", "\u00a0", "\t", "`", ">", "\\", "&amp;", "&#0;", "\ufeff"])


@PROFILE
@given(words=st.lists(_WORDS, min_size=1, max_size=400), newline=st.sampled_from(["\n", "\r\n", " ", "\n\n"]),
       suffix=st.sampled_from([".md", ".txt", ".html"]))
def test_policy_like_soup(words: list[str], newline: str, suffix: str) -> None:
    text = "".join(w + (newline if i % 7 == 6 else " ") for i, w in enumerate(words))
    scan_one(text.encode("utf-8"), suffix)


@settings(deadline=None, max_examples=10, derandomize=True)
@given(length=st.integers(min_value=20_000, max_value=300_000), word=st.sampled_from(["data ", "x", "We collect data, "]),
       suffix=st.sampled_from([".md", ".txt", ".html"]))
def test_huge_lines(length: int, word: str, suffix: str) -> None:
    scan_one((word * (length // len(word) + 1))[:length].encode(), suffix)


@settings(deadline=None, max_examples=25, derandomize=True)
@given(depth=st.integers(min_value=1, max_value=20_000), tags=st.lists(st.sampled_from(
    ["div", "b", "ul", "li", "table", "td", "section", "span", "p", "blockquote", "a"]), min_size=1, max_size=4),
    closed=st.booleans())
def test_deeply_nested_html(depth: int, tags: list[str], closed: bool) -> None:
    opening = "".join(f"<{tags[i % len(tags)]}>" for i in range(depth))
    closing = "".join(f"</{tags[i % len(tags)]}>" for i in reversed(range(depth))) if closed else ""
    page = f"<html><body>{opening}We collect your e-mail address to answer you.{closing}</body></html>"
    scan_one(page.encode(), ".html")


@settings(deadline=None, max_examples=25, derandomize=True)
@given(depth=st.integers(min_value=1, max_value=5_000), marker=st.sampled_from(["> ", "- ", "1. ", "  - "]))
def test_deeply_nested_markdown(depth: int, marker: str) -> None:
    scan_one((marker * depth + "We collect your e-mail address.\n").encode(), ".md")


@pytest.mark.parametrize("text", [
    ">" * 100_000 + " We collect your e-mail address.\n",  # overflows the parser's stack
    "> - " * 30_000 + "We collect your e-mail address.\n",
    "![a" * 50_000 + "](x)" * 50_000,
    "*" * 200_000 + "We collect your e-mail address." + "*" * 200_000,
    "**We collect " * 40_000 + "data**" * 40_000,  # 25 s in the parser: quadratic in open delimiters
], ids=["quotes", "quoted-lists", "images", "emphasis", "open-strong"])
def test_markdown_the_parser_cannot_take_is_read_as_plain_text(text: str) -> None:
    # In a child process: a stack overflow in the (Rust) parser would kill pytest itself.
    code = ("import sys; from checker.inputs.loader import load_bytes; "
            "print(load_bytes(sys.stdin.buffer.read(), 'p.md', 'markdown').metadata.get('note'))")
    done = subprocess.run([sys.executable, "-c", code], input=text.encode(), capture_output=True, timeout=120,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr.decode()[-500:]
    assert "plain text" in done.stdout.decode()


@settings(deadline=None, max_examples=40, derandomize=True)
@given(cut=st.one_of(st.just(1.0), st.floats(min_value=0.0, max_value=1.0)), flips=st.lists(
    st.tuples(st.floats(min_value=0.0, max_value=0.999), st.integers(min_value=0, max_value=255)), max_size=8))
def test_truncated_and_corrupted_pdfs(cut: float, flips: list[tuple[float, int]]) -> None:
    data = bytearray(_seed_pdf()[: max(1, int(len(_seed_pdf()) * cut))])
    for where, value in flips:
        data[int(where * len(data))] = value
    scan_one(bytes(data), ".pdf")


@lru_cache(maxsize=1)
def _seed_docx() -> bytes:
    return policy_docx(SEEDS / "asustor.md")


@settings(deadline=None, max_examples=40, derandomize=True)
@given(cut=st.one_of(st.just(1.0), st.floats(min_value=0.0, max_value=1.0)), flips=st.lists(
    st.tuples(st.floats(min_value=0.0, max_value=0.999), st.integers(min_value=0, max_value=255)), max_size=8))
def test_truncated_and_corrupted_word_files(cut: float, flips: list[tuple[float, int]]) -> None:
    data = bytearray(_seed_docx()[: max(1, int(len(_seed_docx()) * cut))])
    for where, value in flips:
        data[int(where * len(data))] = value
    scan_one(bytes(data), ".docx")


_PART_NAMES = st.sampled_from(["[Content_Types].xml", "word/document.xml", "word/styles.xml", "word/numbering.xml",
                               "word/footnotes.xml", "word/_rels/document.xml.rels", "_rels/.rels",
                               "word/vbaProject.bin", "docProps/core.xml", "mimetype"])
_PART_TEXT = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300),
    st.sampled_from(['<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
                     '<w:p><w:r><w:t>We collect data.</w:t></w:r></w:p></w:body></w:document>',
                     "<Types/>", "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]><x>&a;&a;</x>",
                     '<w:numbering xmlns:w="x"><w:num w:numId="1"/></w:numbering>', "application/msword"]))


@settings(deadline=None, max_examples=60, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.dictionaries(_PART_NAMES, _PART_TEXT, max_size=6))
def test_word_packages_with_wrong_or_missing_parts(parts: dict[str, bytes | str]) -> None:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, content in parts.items():
            package.writestr(name, content)
    scan_one(out.getvalue(), ".docx")


@settings(deadline=None, max_examples=10, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(paragraphs=st.integers(min_value=1, max_value=20_000), depth=st.integers(min_value=0, max_value=3_000))
def test_huge_and_deep_word_xml(paragraphs: int, depth: int) -> None:
    doc = Docx()
    for _ in range(paragraphs):
        doc.paragraph("We collect your name.")
    # a paragraph buried in thousands of nested (invalid but well-formed) table cells
    doc.raw("<w:tbl><w:tr><w:tc>" * depth + "<w:p><w:r><w:t>Deep text.</w:t></w:r></w:p>"
            + "</w:tc></w:tr></w:tbl>" * depth)
    scan_one(doc.bytes(), ".docx")


_WIDGET = st.sampled_from(["form", "nav", "aside", "footer", "header", "div", "article", "main", "section", "span"])
_ATTRS = st.sampled_from(["", " style='display:none'", " hidden", " aria-hidden='true'", " class='menu'",
                          " class='cookie-banner'", " role='navigation'", " id='content'", " class='site-header-wrap'"])
_SENTENCE = st.sampled_from(["We collect your name and address to deliver orders.", "Home", "Shop now",
                             "You may ask us to delete your personal data at any time.", "Accept all cookies",
                             "We keep records for six years.", "<a href='mailto:a@b.test'>Contact</a>", "&amp; &lt;x&gt;"])


@st.composite
def _page(draw: st.DrawFn) -> str:
    """Pages made of widgets, hidden parts and content areas nested at random: every extractor of
    the fallback chain gets to run on some of them."""
    def element(level: int) -> str:
        tag, attrs = draw(_WIDGET), draw(_ATTRS)
        if level > 3 or draw(st.booleans()):
            inner = "".join(f"<p>{draw(_SENTENCE)}</p>" for _ in range(draw(st.integers(0, 6))))
        else:
            inner = "".join(element(level + 1) for _ in range(draw(st.integers(1, 3))))
        return f"<{tag}{attrs}>{inner}</{tag}>"
    return "<html><head><title>t</title><script>x=1</script></head><body>" + element(0) + "</body></html>"


@settings(deadline=None, max_examples=60, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(page=_page())
def test_html_fallbacks_on_random_page_shapes(page: str) -> None:
    from checker.inputs.html_page import load_html

    blocks, metadata = load_html(page)
    assert metadata["extractor"] in ("structure", "trafilatura", "visible text")
    assert "x=1" not in " ".join(b.text for b in blocks)
    scan_one(page.encode(), ".html")
