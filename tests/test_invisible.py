"""Soft hyphens and zero-width characters: gone from the text, every link and line still where it was."""

from __future__ import annotations

import pytest

from checker.inputs.loader import load_bytes
from checker.models import BlockKind


@pytest.mark.parametrize("kind, data", [
    ("markdown", "# Choices\n\nYou may opt\u00adout of these e-mails via [our pri\u00advacy page](https://example.com/p).\n"
                 "Write to pri\u200bvacy@example.com.\n"),
    ("html", "<h1>Choices</h1><p>You may opt&shy;out of these e-mails via "
             "<a href='https://example.com/p'>our pri&shy;vacy page</a>.<br>Write to pri&#8203;vacy@example.com.</p>"),
])
def test_invisible_characters_are_dropped_and_links_keep_their_span(kind: str, data: str) -> None:
    doc = load_bytes(data.encode(), f"case.{kind}", kind)
    para = next(b for b in doc.blocks if b.kind is BlockKind.PARAGRAPH)
    assert "optout of these e-mails" in para.text
    assert "privacy@example.com" in para.text
    assert all(c not in para.text for c in "\u00ad\u200b\u2060\ufeff")
    (link,) = para.links
    assert para.text[link.start:link.end] == link.text == "our privacy page"
    assert link.target == "https://example.com/p"


def test_lines_after_a_soft_hyphen_keep_their_source_line() -> None:
    doc = load_bytes("# T\n\nFirst line with in\u00adfor\u00admation\nsecond line here.\n".encode(), "case.md", "markdown")
    para = next(b for b in doc.blocks if b.kind is BlockKind.PARAGRAPH)
    assert para.text.startswith("First line with information")
    assert para.line_at(para.text.index("second")) == 4
    assert para.line_at(para.text.index("information")) == 3


def test_a_block_of_nothing_but_soft_hyphens_is_not_kept() -> None:
    doc = load_bytes("# T\n\n\u00ad\u00ad\n\nWe collect your e-mail address.\n".encode(), "case.md", "markdown")
    assert [b.text for b in doc.blocks] == ["T", "We collect your e-mail address."]
