"""Loading: Markdown/text/HTML reduced to blocks that keep headings, links, and source line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.inputs.files import InputProblem, discover
from checker.inputs.loader import load_bytes, read_policy
from checker.models import BlockKind
from checker.nlp.sentences import parse_document

from .conftest import SEEDS

PROVENANCE = ("> *The following text is extracted and transformed from the example.com privacy policy that was "
              "archived on 2018-12-21. Please check the [original snapshot on the Wayback Machine]"
              "(https://web.archive.org/web/2018/https://example.com/privacy) for the most accurate reproduction.*\n\n")


def test_provenance_header_becomes_metadata_not_text() -> None:
    doc = load_bytes((PROVENANCE + "# Privacy Policy\n\nWe respect your privacy.\n").encode(), "p.md", "markdown")
    assert doc.metadata["source_site"] == "example.com"
    assert doc.metadata["archive_date"] == "2018-12-21"
    assert doc.metadata["snapshot_url"].startswith("https://web.archive.org/")
    assert all("archived" not in b.text for b in doc.blocks)


BODY = ("We collect your name and e-mail address to answer you.\nYou may ask us to delete them at any time.\n")


@pytest.mark.parametrize("kind", ["markdown", "text", "html"])
@pytest.mark.parametrize("gap", ["", "\n"])
def test_only_the_note_is_lifted_never_the_policy_after_it(kind: str, gap: str) -> None:
    # the note's paragraph running on into the policy (a lazy Markdown continuation, one <p> on a
    # page, one line of text) once swallowed the whole policy: "no policy text found"
    text = PROVENANCE.rstrip("\n") + "\n" + gap + BODY
    if kind == "html":
        text = "<html><body><p>" + text.replace("\n", "<br>") + "</p></body></html>"
    doc = load_bytes(text.encode(), "p", kind)
    assert doc.metadata["archive_date"] == "2018-12-21"
    joined = " ".join(b.text for b in doc.blocks)
    assert "We collect your name" in joined and "delete them at any time" in joined
    assert "archived" not in joined and "Wayback" not in joined
    assert "note" not in doc.metadata  # read with its structure, not by a fallback
    if kind != "html":  # evidence still points at the policy's own line in the file
        assert doc.blocks[0].line == (2 if not gap else 3)


@pytest.mark.parametrize("kind", ["markdown", "text"])
def test_a_policy_that_mentions_the_words_later_is_not_a_note(kind: str) -> None:
    text = ("We are a small shop. The following text is extracted and transformed from the example.com privacy "
            "policy that was archived on 2018-12-21, as our lawyer asked.\n\nWe keep your data for a year.\n")
    doc = load_bytes(text.encode(), "p", kind)
    assert "archive_date" not in doc.metadata
    assert doc.blocks[0].text.startswith("We are a small shop.")


def test_markdown_headings_bold_lines_lists_and_links_keep_their_lines() -> None:
    text = ("# Privacy\n\nIntro text.\n\n**Cookies**  \nWe use cookies.\n\n"
            "  1. First item.\n  2. Second item.\n\nMail [privacy@example.com](mailto:privacy@other.com) now.\n")
    blocks = load_bytes(text.encode(), "p.md", "markdown").blocks
    by_text = {b.text: b for b in blocks}
    assert by_text["Privacy"].kind is BlockKind.HEADING and by_text["Privacy"].line == 1
    assert by_text["Cookies"].kind is BlockKind.HEADING and by_text["Cookies"].line == 5
    assert by_text["We use cookies."].line == 6
    assert by_text["Second item."].kind is BlockKind.LIST_ITEM and by_text["Second item."].line == 9
    link_block = by_text["Mail privacy@example.com now."]
    assert link_block.line == 11
    assert [(link.text, link.target) for link in link_block.links] == [("privacy@example.com", "mailto:privacy@other.com")]


def test_a_bold_sentence_wrapped_over_lines_stays_one_sentence() -> None:
    # hard-wrapped Markdown: every line of the bold sentence is bold, but none is a heading
    text = ("Please read this policy.\n**By using or accessing\nour Services in any manner, you accept the practices\n"
            "outlined below.**\n\n**Cookies and\ntracking**\nWe use cookies.\n")
    blocks = load_bytes(text.encode(), "p.md", "markdown").blocks
    kinds = [(b.kind, b.text) for b in blocks]
    assert kinds[0] == (BlockKind.PARAGRAPH, "Please read this policy. By using or accessing our Services in any manner, "
                                             "you accept the practices outlined below.")
    assert (BlockKind.HEADING, "Cookies and") in kinds and (BlockKind.HEADING, "tracking") in kinds  # a short bold title


def test_a_link_target_left_to_the_site_generator_keeps_the_links_words() -> None:
    # Hugo / Jekyll sources: the target is filled in at build time, the reader sees "generator";
    # a template variable in the text itself stays (it is an unfilled slot for the reader)
    text = 'Use our [generator]({{< ref "generator" >}}) to write requests. Write to {{ site.email }}.\n'
    block, = load_bytes(text.encode(), "p.md", "markdown").blocks
    assert block.text == "Use our generator to write requests. Write to {{ site.email }}."
    assert [(link.text, link.target) for link in block.links] == [("generator", "")]


def test_tight_list_items_and_windows_line_endings_keep_their_lines() -> None:
    # (the parser's own span of a bold run in a later item can point past the end of the file)
    text = ("Intro.\r\n\r\n*   **Payment**: Your card number.\r\n    - Nested item.\r\n    continued lazily.\r\n"
            "*   Third item.\r\n*   **Contact Data****:**  Your e-mail address.\r\n*   ![Our **logo**](l.png) Logo.\r\n"
            "\r\n> Quoted **bold** text.\r\n")
    blocks = load_bytes(text.encode(), "p.md", "markdown").blocks
    lines = {b.text: (b.line, b.kind) for b in blocks}
    assert lines["Payment: Your card number."] == (3, BlockKind.LIST_ITEM)
    assert lines["Nested item. continued lazily."] == (4, BlockKind.LIST_ITEM)
    assert lines["Third item."] == (6, BlockKind.LIST_ITEM)
    assert lines["Contact Data**:** Your e-mail address."] == (7, BlockKind.LIST_ITEM)
    assert lines["Our logo Logo."] == (8, BlockKind.LIST_ITEM)  # an image's alt text, not its markup
    assert lines["Quoted bold text."] == (10, BlockKind.PARAGRAPH)


def test_a_list_indented_as_code_is_read_as_a_list_with_its_links_and_lines() -> None:
    """Converted policies indent a nested list by four spaces after a paragraph, which CommonMark
    reads as code: the links and bold labels in it stayed raw ("[Terms](https://...)" looked like a
    template slot, a broken contact link went unchecked). A real code block is left as it is."""
    text = ("Questions should be addressed to:\n\n"
            "    * **Acme Ltd.**\n\n"
            "    * Email Address: [privacy@acme.example](https://acme.example/privacy/privacy@acme.example)\n\n"
            "      * Enforce our [Terms of Service](https://acme.example/terms).\n\n"
            "Plain paragraph.\n\n"
            "    def f(x): return x\n")
    blocks = load_bytes(text.encode(), "p.md", "markdown").blocks
    by_text = {b.text: b for b in blocks}
    email = by_text["Email Address: privacy@acme.example"]
    assert (email.line, email.kind) == (5, BlockKind.LIST_ITEM)
    assert [link.target for link in email.links] == ["https://acme.example/privacy/privacy@acme.example"]
    assert by_text["Acme Ltd."].line == 3
    assert by_text["Enforce our Terms of Service."].line == 7
    assert "def f(x): return x" in by_text  # code that is no list stays as written


def test_sentences_know_their_heading_and_line() -> None:
    doc = read_policy(SEEDS / "asi.md")
    sentences = parse_document(doc).sentences
    children = next(s for s in sentences if "under the age of 13" in s.text)
    assert children.heading == "Children's Privacy"
    source_lines = (SEEDS / "asi.md").read_text(encoding="utf-8").splitlines()
    assert "under the age of 13" in source_lines[children.line - 1]
    # every sentence's first words are on the line it claims
    for s in sentences:
        assert s.text.split()[0].strip("*_[(") in source_lines[s.line - 1], (s.line, s.text)


def test_plain_text_headings_are_short_title_lines() -> None:
    text = "Intro sentence here.\nInformation Collection\nWe collect information when you register.\nContact Us\nWrite to privacy@example.com with questions.\n"
    blocks = load_bytes(text.encode(), "p.txt", "text").blocks
    assert [(b.kind.value, b.line) for b in blocks] == [
        ("paragraph", 1), ("heading", 2), ("paragraph", 3), ("heading", 4), ("paragraph", 5)]


def test_html_drops_scripts_navigation_and_cookie_banners() -> None:
    html = """<html><head><title>Privacy</title><style>p{color:red}</style></head><body>
<nav><a href="/">Home</a> Menu item</nav>
<div id="cookie-banner">We use cookies. Accept all?</div>
<h1>Privacy Policy</h1>
<p>We collect your e-mail address.<script>alert(1)</script></p>
<p>Contact <a href="mailto:privacy@example.com">privacy@example.com</a>.</p>
<footer>Copyright 2024</footer></body></html>"""
    doc = load_bytes(html.encode(), "p.html", "html")
    texts = [b.text for b in doc.blocks]
    assert texts == ["Privacy Policy", "We collect your e-mail address.", "Contact privacy@example.com."]
    # lexbor gives no source lines: locations are lines of the extracted text, one blank line between blocks
    assert doc.blocks[0].kind is BlockKind.HEADING
    assert [b.line for b in doc.blocks] == [1, 3, 5]
    assert doc.metadata["location"] == "line in the extracted text"
    assert doc.blocks[2].links[0].target == "mailto:privacy@example.com"
    assert doc.metadata["title"] == "Privacy"


@pytest.mark.parametrize("data, problem", [
    (b"", "empty file"),
    (b"   \n\t\n", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
])
def test_bad_bytes_get_a_one_line_error(data: bytes, problem: str) -> None:
    with pytest.raises(InputProblem) as err:
        load_bytes(data, "bad.md", "markdown")
    assert problem in str(err.value) and "bad.md" in str(err.value) and "\n" not in str(err.value)


def test_legacy_encodings_decode() -> None:
    doc = load_bytes("We don\u2019t sell data. Caf\u00e9.".encode("cp1252"), "p.txt", "text")
    assert doc.blocks[0].text == "We don\u2019t sell data. Caf\u00e9."
    doc16 = load_bytes("Privacy notice text.".encode("utf-16"), "p.txt", "text")
    assert doc16.blocks[0].text == "Privacy notice text."


def test_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_text("word " * 1000)
    with pytest.raises(InputProblem, match="over the 100-byte limit"):
        read_policy(big, max_bytes=100)


def test_discover_is_sorted_recursive_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.md").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / ".hidden.md").write_text("x")
    (tmp_path / "notes.pdfx").write_text("x")
    (tmp_path / "b" / "loop").symlink_to(tmp_path)
    files, problems = discover([tmp_path])
    assert [f.relative_to(tmp_path).as_posix() for f in files] == ["a.txt", "b/z.md"]
    assert problems == []
    files, problems = discover([tmp_path / "missing"])
    assert files == [] and "no such file" in problems[0][1]


def test_a_folder_given_twice_is_listed_once_without_a_problem(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("x")
    (tmp_path / "empty").mkdir()
    files, problems = discover([tmp_path, tmp_path / "a.md", tmp_path, tmp_path / "empty"])
    assert [f.name for f in files] == ["a.md"]
    assert problems == [(str(tmp_path / "empty"), "directory holds no policy files (.md, .txt, .html, .htm, .pdf, .docx)")]


def test_letter_count_agrees_with_unicode_on_every_code_point() -> None:
    """The Markdown fallback compares letters kept with letters in the source; the count works on
    UTF-8 bytes, so check it against Python's own idea of a letter (a word character that is not
    a digit or underscore) for every code point, ASCII and not, in one text and in pieces."""
    from checker.inputs.markdown import _letters

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    expected = sum(1 for ch in every if ch.isalnum() and not ch.isdecimal())
    assert _letters(every) == expected
    for start in range(0, len(every), 50_000):
        piece = "Privacy policy, 2024: " + every[start:start + 50_000] + " “quoted” naïve"
        assert _letters(piece) == sum(1 for ch in piece if ch.isalnum() and not ch.isdecimal())
    assert _letters("abc") == 3 and _letters("") == 0 and _letters("é 1 _ .") == 1


def test_deep_nesting_check_skips_its_regex_only_when_no_line_can_match() -> None:
    """The quick byte scan in front of the deep-nesting regex must never hide a deep line."""
    import random

    from checker.inputs.markdown import _DEEP_LINE, _parser_would_struggle

    rng = random.Random(7)
    pieces = [">", "> ", "- ", "* ", "+ ", "1. ", "12) ", "\t", " ", "x", "\n", "-", "é"]
    texts = ["".join(rng.choice(pieces[:7]) for _ in range(rng.randint(90, 160))) for _ in range(300)]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 400))) for _ in range(300)]
    texts += ["intro\n" + "> " * n + "deep\n" for n in (99, 100, 101)] + ["1. " * 100 + "x", "-" * 300]
    texts += [">" * n + "x" for n in (99, 100)] + ["x\n" + ">" * 100]
    deep = [t for t in texts if _DEEP_LINE.search(t)]
    assert len(deep) > 20 and len(deep) < len(texts)
    for text in texts:
        assert _parser_would_struggle(text) == (_DEEP_LINE.search(text) is not None), text


def test_a_paragraph_cut_mid_sentence_is_joined_and_keeps_its_lines() -> None:
    from checker.inputs.loader import load_bytes

    text = ("Write to us by e-mail at info@example.com or in writing at the\n\n"
            "address of our registered office, Main Street 1,\n\n"
            "10115 Berlin.\n\nA new paragraph.\n\nIt stays apart.\n")
    blocks = load_bytes(text.encode(), "cut.md", "markdown").blocks
    assert [b.text for b in blocks] == [
        "Write to us by e-mail at info@example.com or in writing at the address of our registered office, "
        "Main Street 1, 10115 Berlin.", "A new paragraph.", "It stays apart."]
    joined = blocks[0]
    assert joined.line == 1
    assert joined.line_at(joined.text.index("address")) == 3
    assert joined.line_at(joined.text.index("10115")) == 5


def test_a_long_numbered_line_taken_for_a_heading_is_joined_to_its_end() -> None:
    from checker.inputs.loader import load_bytes

    text = ("3.4 In case you grant consent for marketing purposes (including possible profiling for the\n\n"
            "purpose of offering goods), we keep your data for 1 year.\n\n## 4. Your rights\n\nYou may object.\n")
    blocks = load_bytes(text.encode(), "cut.md", "markdown").blocks
    assert blocks[0].kind.value == "paragraph" and blocks[0].text.endswith("for 1 year.")
    assert [b.kind.value for b in blocks[1:]] == ["heading", "paragraph"]


def test_a_cut_before_a_capitalised_word_is_joined_when_the_first_part_is_long_prose() -> None:
    from checker.inputs.loader import load_bytes

    text = ("5.2 Your personal data may be transferred and stored within the countries of the European\n\n"
            "Economic Area (the EEA), which have a comparable level of protection.\n\n"
            "We share data with the payment processors and couriers who handle your order for us every\n\n"
            "Monday and Thursday.\n\n"
            "How we use the information we collect about you and the legal bases we rely on\n\n"
            "We use it to run the service.\n\n"
            "5.3 What rights you have and how you can use them when we process your data\n\n"
            "You may object.\n\n"
            "Contact\n\nWrite to us.\n")
    blocks = load_bytes(text.encode(), "cut.md", "markdown").blocks
    assert [b.text for b in blocks] == [
        "5.2 Your personal data may be transferred and stored within the countries of the European Economic Area "
        "(the EEA), which have a comparable level of protection.",
        "We share data with the payment processors and couriers who handle your order for us every Monday and Thursday.",
        "How we use the information we collect about you and the legal bases we rely on", "We use it to run the service.",
        "5.3 What rights you have and how you can use them when we process your data", "You may object.",
        "Contact", "Write to us."]


def _md_blocks(text: str) -> list[tuple[str, str]]:
    return [(b.kind.value, b.text) for b in load_bytes(text.encode(), "policy.md", "markdown").blocks]


def test_unmarked_lines_of_items_are_items_not_one_run_on_sentence() -> None:
    # a list written one item per line without markers: Markdown would join it into one sentence
    text = ("We use your data for these purposes:\n\nTo provide the features of the app\nTo send you news about the app\n"
            "To understand how you use the app\n")
    assert _md_blocks(text)[1:] == [("list_item", "To provide the features of the app"),
                                    ("list_item", "To send you news about the app"),
                                    ("list_item", "To understand how you use the app")]


@pytest.mark.parametrize("text", [
    # hard-wrapped prose: lines that go on in lower case or stop on "the"
    "We keep your data for as long as we need it\nto run the service and then we\ndelete it from our servers.\n",
    "We keep your data for as long as we need it to run the\nService and Then Delete it from the\nServers We Rent.\n",
    # an address block: lines of two or three words
    "Example Labs GmbH\nMain Street 1\n10115 Berlin\nGermany\n",
    # two lines only
    "We collect your name and e-mail address\nWe use them to answer you\n",
])
def test_wrapped_prose_and_address_blocks_stay_one_paragraph(text: str) -> None:
    assert [kind for kind, _ in _md_blocks(text)] == ["paragraph"]


def test_title_lines_of_a_markdown_file_without_headings_are_headings() -> None:
    text = "Data Retention\n\nWe keep your account data until you delete your account.\n\nYour Rights\n\nYou may ask us for a copy.\n"
    assert [kind for kind, _ in _md_blocks(text)] == ["heading", "paragraph", "heading", "paragraph"]
    # where the writer marked headings, a short line is a line ("Thank you" is no title)
    marked = "# Privacy\n\nData Retention\n\nWe keep your account data until you delete your account.\n"
    assert [kind for kind, _ in _md_blocks(marked)] == ["heading", "paragraph", "paragraph"]
