"""Web pages never come out empty: structural extraction, its fallbacks, and the notes they leave.

The pages here are written in the shapes real sites use (an ASP.NET page wrapped in one <form>,
"Learn more" sections collapsed with display:none, a content area the structural extractor takes
for the whole policy). The saved dev pages in ../shared are measured by
benchmarks/html_extraction.py; the last test checks that each of them yields a report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.inputs import html_page
from checker.inputs.html_page import load_html
from checker.inputs.loader import load_bytes
from checker.run.scan import scan

from .conftest import SHARED

POLICY = [
    "We collect your name, e-mail address and order history when you buy from us.",
    "We use this information to deliver your order and to answer your questions about it.",
    "You may ask us for a copy of your personal data, or ask us to correct or delete it.",
    "We keep order records for six years because tax law requires it, then delete them.",
    "We share your address with the courier that delivers your parcel and with no one else.",
    "If we change this policy we will post the new version on this page and e-mail you.",
]
NAV = "<nav><ul><li><a href='/'>Home</a></li><li><a href='/shop'>Shop</a></li><li><a href='/help'>Help</a></li></ul></nav>"
FOOTER = "<footer><p>Copyright 2026 Example Shop Ltd. All rights reserved.</p></footer>"


def _text(blocks) -> str:  # type: ignore[no-untyped-def]
    return " ".join(b.text for b in blocks)


def test_a_page_wrapped_in_one_form_is_read_whole() -> None:
    # ASP.NET WebForms wrap the whole page in <form id="aspnetForm">; dropping forms as widgets
    # once turned such pages into "no policy text found"
    page = (f"<html><body><form id='aspnetForm' method='post'>{NAV}<div id='content'><h1>Privacy</h1>"
            + "".join(f"<p>{s}</p>" for s in POLICY)
            + "<form action='/search'><input name='q'><button>Search</button></form></div>"
            + f"{FOOTER}</form></body></html>")
    blocks, metadata = load_html(page)
    text = _text(blocks)
    assert all(s in text for s in POLICY)
    assert "Search" not in text and "All rights reserved" not in text
    assert metadata["extractor"] == "structure"


def test_collapsed_sections_are_policy_text_hidden_widgets_are_not() -> None:
    page = ("<html><body><main><h1>Privacy statement</h1>"
            f"<p>{POLICY[0]} <a href='#more'>Learn more</a></p>"
            f"<div id='more' style='display: none;'><p>{POLICY[1]}</p><p>{POLICY[2]}</p></div>"
            "<div style='display:none'>Thanks for subscribing!</div>"
            "<div class='cookie-banner' style='display:none'><p>We use cookies to give you the best experience. "
            "By continuing to browse this site you agree to our use of cookies. Accept all or manage your "
            "choices in the settings at any time you like.</p></div>"
            f"<p>{POLICY[3]}</p></main></body></html>")
    text = _text(load_html(page)[0])
    assert POLICY[1] in text and POLICY[2] in text  # a reader opens "Learn more"
    assert "Thanks for subscribing" not in text
    assert "continuing to browse" not in text  # a cookie banner is chrome, hidden or not


def test_a_wrapper_named_like_chrome_that_holds_the_page_is_kept() -> None:
    page = ("<html><body><div class='site-header-wrapper'><div class='menu'><a href='/'>Home</a></div>"
            + "".join(f"<p>{s}</p>" for s in POLICY) + "</div></body></html>")
    text = _text(load_html(page)[0])
    assert all(s in text for s in POLICY)
    assert "Home" not in text


def _half_in_article_page() -> str:
    # the structural extractor trusts <article> when it holds 40% of the page; here the policy
    # goes on outside it, so it keeps only half the prose
    first, rest = POLICY[:3], POLICY[3:]
    return (f"<html><body>{NAV}<article><h1>Privacy policy</h1>" + "".join(f"<p>{s}</p>" for s in first * 2)
            + "</article><div class='more'>" + "".join(f"<p>{s}</p>" for s in rest * 2) + f"</div>{FOOTER}</body></html>")


def test_when_structure_keeps_too_little_trafilatura_reads_the_page() -> None:
    blocks, metadata = load_html(_half_in_article_page())
    text = _text(blocks)
    assert all(s in text for s in POLICY)
    assert metadata["extractor"] == "trafilatura"
    assert "fallback" in metadata["note"] and "menus" in metadata["note"]


@pytest.mark.parametrize("failure", ["nothing", "crash"])
def test_when_trafilatura_fails_too_all_visible_text_is_kept(failure: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import trafilatura

    def extract(*args, **kwargs):  # type: ignore[no-untyped-def]
        if failure == "crash":
            raise ValueError("lxml could not build a tree")
        return None

    monkeypatch.setattr(trafilatura, "extract", extract)
    page = _half_in_article_page().replace("<body>", "<body><script>var tracking = 1;</script><style>p{}</style>")
    blocks, metadata = load_html(page)
    text = _text(blocks)
    assert all(s in text for s in POLICY)
    assert "Home" in text  # the menus come along: that is what the note warns about
    assert "tracking" not in text and "p{}" not in text
    assert metadata["extractor"] == "visible text"


def test_the_fallback_is_named_in_the_reports(tmp_path: Path) -> None:
    page = tmp_path / "shop.html"
    page.write_text(_half_in_article_page().replace("<h1>Privacy policy</h1>", "<h1>Privacy <b>&lt;policy&gt;</b></h1>"),
                    encoding="utf-8")
    from click.testing import CliRunner

    from checker.cli import main

    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["scan", str(page), "--format", "html,md,json",
                                       "--out", str(out)])
    assert result.exit_code in (0, 1), result.output
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "Read with care: extracted with the fallback (trafilatura)" in html
    assert "Read with care: extracted with the fallback (trafilatura)" in (out / "report.md").read_text(encoding="utf-8")
    import json

    policy = json.loads((out / "report.json").read_text(encoding="utf-8"))["policies"][0]
    assert policy["metadata"]["extractor"] == "trafilatura"


def test_a_structural_page_says_so_and_has_no_note() -> None:
    page = f"<html><body>{NAV}<main>" + "".join(f"<p>{s}</p>" for s in POLICY) + f"</main>{FOOTER}</body></html>"
    document = load_bytes(page.encode(), "p.html", "html")
    assert document.metadata["extractor"] == "structure"
    assert "note" not in document.metadata


@pytest.mark.skipif(not (SHARED / "opp115-dev" / "pages").is_dir(), reason="needs ../shared/opp115-dev/pages")
def test_every_saved_dev_page_yields_a_report(compiled) -> None:  # type: ignore[no-untyped-def]
    pages = sorted((SHARED / "opp115-dev" / "pages").glob("*.html"))
    report = scan(pages, compiled=compiled)
    assert not report.errors and not report.skipped
    assert len(report.policies) == len(pages) == 35
    for policy in report.policies:  # and each kept the policy, not a menu: most requirements are found
        assert sum(v.status.value == "met" for v in policy.verdicts) >= 5, policy.source


def test_prose_words_count_sentences_not_menus() -> None:
    blocks = load_html("<html><body><ul><li><a href='/a'>Home</a></li><li>Shop now and save on gift cards today</li></ul>"
                       f"<p>{POLICY[0]}</p></body></html>")[0]
    assert html_page.prose_words(blocks) == len(POLICY[0].split())


def test_menus_named_in_their_class_or_id_are_chrome() -> None:
    # a table-layout site: id="header", class="mainmenu"/"menutab-open"; its "Children's Games"
    # entry once made the children's requirement 'partial' on a policy that says nothing of children
    page = ("<html><body><table><tr><td><div id='header'><div class='mainmenu'><ul class='mainmenutabs'>"
            "<li><div class='menutab-open'><ul><li><a href='/childrensgames'>Children's Games</a></li>"
            "<li><a href='/family'>Family Games</a></li></ul></div></li></ul></div></div>"
            "<div class='submenu'><a href='/wiki'>Wiki</a></div>"
            + "".join(f"<p>{s}</p>" for s in POLICY) + "</td></tr></table></body></html>")
    text = _text(load_html(page)[0])
    assert all(s in text for s in POLICY)
    assert "Children's Games" not in text and "Wiki" not in text


def test_a_short_section_collapsed_under_its_heading_is_kept() -> None:
    # accordion statements hide each section's body until its heading is clicked; one short
    # sentence ("We use it for the purposes below:") is still the section's text
    page = ("<html><body><main><h2>Why we collect data</h2>"
            "<div class='collapse' style='display:none'><p>We use your data for these purposes:</p></div>"
            "<h2>Contact</h2><div hidden><p>Write to privacy@example.test.</p></div>"
            "<div style='display:none'>Saved!</div></main></body></html>")
    text = _text(load_html(page)[0])
    assert "We use your data for these purposes:" in text and "Write to privacy@example.test." in text
    assert "Saved!" not in text
