"""Compare HTML extractors on saved policy pages: quality first, speed second.

Part 1, real pages: the 35 saved web pages of ../shared/opp115-dev/pages against the plain policy
texts of the same ids in ../shared/opp115-dev/policies (the corpus annotators' own extraction).
Per page: recall of the policy's words (multiset: each word as often as the policy has it), the
share of extracted words that are not in the policy (chrome leaked, or policy text the annotators
left out, such as collapsed "Learn more" sections), and which extractor gapcheck used. Prints the
table, the means and the worst five pages; trafilatura alone is shown beside for comparison.

Part 2, synthetic pages (``--synthetic``): the five fixtures built around the seeds, plus every policy in ../shared/modern-dev (when
present) rendered to HTML and wrapped in the same five kinds of site chrome. For each extractor:

* recall: share of the policy's own sentences (from its Markdown source) found in the extracted text;
* chrome: share of pages where navigation/footer/cookie-banner text leaked into the output;
* headings: share of the policy's headings that come out as headings (trafilatura: as <head>);
* ms/page.

Run: python benchmarks/html_extraction.py [--synthetic]
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker.inputs.html_page import load_html  # noqa: E402
from checker.inputs.loader import load_bytes  # noqa: E402
from checker.models import BlockKind  # noqa: E402
from tests.fixtures.make_pages import BANNER_TEXT, CHROMES, FOOTER_TEXT, NAV, TRACKER, build  # noqa: E402

MODERN = ROOT.parent / "shared" / "modern-dev"
CHROME_MARKERS = ("Accept all", "Recent Posts", "All rights reserved", "Skip to content", "Quality hardware since")


def norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def corpus() -> list[tuple[str, str, list[str], list[str]]]:
    """(name, page html, reference sentences, reference headings)."""
    items = []
    for name, page in build().items():
        seed = next(p for p in (ROOT / "seeds").iterdir() if p.stem == Path(name).stem)
        doc = load_bytes(seed.read_bytes(), seed.name, "text" if seed.suffix == ".txt" else "markdown")
        items.append((name, page, [b.text for b in doc.blocks if b.kind is not BlockKind.HEADING],
                      [b.text for b in doc.blocks if b.kind is BlockKind.HEADING]))
    if MODERN.is_dir():
        chromes = [*CHROMES.values(), *EXTRA_CHROMES.values()]
        for n, path in enumerate(sorted(MODERN.glob("*.md"))):
            if path.name == "README.md":
                continue
            text = path.read_text(encoding="utf-8")
            doc = load_bytes(text.encode(), path.name, "markdown")
            body = MarkdownIt("commonmark").enable("table").render(text)
            if chromes[n % len(chromes)] is EXTRA_CHROMES["accordion"]:
                body = _collapsed(body)
            page = (chromes[n % len(chromes)].replace("{policy}", body).replace("{nav}", NAV)
                    .replace("{footer}", FOOTER_TEXT).replace("{banner}", BANNER_TEXT).replace("{tracker}", TRACKER))
            items.append((path.name, page, [b.text for b in doc.blocks if b.kind is not BlockKind.HEADING],
                          [b.text for b in doc.blocks if b.kind is BlockKind.HEADING]))
    return items


EXTRA_CHROMES = {
    # the two shapes that lost real pages whole (issue 20): an ASP.NET page inside one <form>, with
    # a table-layout header menu; and a statement whose sections open on click ("Learn more")
    "aspnet": ("<!DOCTYPE html><html><head><title>Privacy</title><script>var theForm;</script></head><body>"
               "<form id='aspnetForm' method='post' action='privacy.aspx'><input type='hidden' name='__VIEWSTATE'>"
               "<div id='header'><div class='mainmenu'>{nav}</div></div><div id='ctl00_content'>{policy}</div>"
               "<div id='footer'>{footer}</div><div class='cookie-banner'>{banner}</div></form>{tracker}</body></html>"),
    "accordion": ("<!DOCTYPE html><html><head><title>Privacy statement</title></head><body><nav>{nav}</nav>"
                  "<main>{policy}</main><footer>{footer}</footer>{tracker}</body></html>"),
}


def _collapsed(body: str) -> str:
    """Each section's body after its heading hidden until clicked, as accordion statements do."""
    return re.sub(r"(</h[1-6]>)(.*?)(?=<h[1-6]|\Z)", r"\1<div class='collapse' style='display:none'>\2</div>",
                  body, flags=re.DOTALL)


def gapcheck_extract(page: str) -> tuple[str, list[str]]:
    blocks, _ = load_html(page)
    return "\n".join(b.text for b in blocks), [b.text for b in blocks if b.kind is BlockKind.HEADING]


def trafilatura_extract(page: str) -> tuple[str, list[str]]:
    import trafilatura

    xml = trafilatura.extract(page, output_format="xml", include_links=True, include_tables=True,
                              include_formatting=True, favor_recall=True) or ""
    heads = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<head[^>]*>(.*?)</head>", xml, re.DOTALL)]
    return re.sub(r"<[^>]+>", " ", xml), heads


def score(name: str, extract, items) -> None:  # type: ignore[no-untyped-def]
    recalls, heading_recalls, leaks, times = [], [], 0, []
    for _, page, sentences, headings in items:
        start = time.perf_counter()
        text, heads = extract(page)
        times.append(time.perf_counter() - start)
        flat = norm(text)
        refs = [norm(s) for s in sentences if len(s.split()) >= 4]
        recalls.append(sum(1 for r in refs if r in flat) / len(refs) if refs else 1.0)
        got = {norm(h) for h in heads}
        heading_recalls.append(sum(1 for h in headings if norm(h) in got) / len(headings) if headings else 1.0)
        leaks += any(marker.lower() in text.lower() for marker in CHROME_MARKERS)
    print(f"{name:<22} pages {len(items):>3}  sentence recall {statistics.mean(recalls):.3f} "
          f"(worst {min(recalls):.3f})  headings kept {statistics.mean(heading_recalls):.3f}  "
          f"pages with chrome {leaks:>2}  {1000 * statistics.mean(times):7.1f} ms/page")


PAGES = ROOT.parent / "shared" / "opp115-dev"
_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> Counter[str]:
    return Counter(w.lower() for w in _WORD.findall(text))


def _recall_leak(reference: Counter[str], text: str) -> tuple[float, float]:
    got = _words(text)
    common = sum((reference & got).values())
    return common / max(1, reference.total()), (got.total() - common) / max(1, got.total())


def real_pages() -> None:
    """Part 1: the 35 saved dev pages against the annotators' plain texts."""
    import trafilatura

    rows = []
    for page in sorted((PAGES / "pages").glob("*.html"), key=lambda p: int(p.name.split("_")[0])):
        ident = page.name.split("_")[0]
        reference = _words(next((PAGES / "policies").glob(f"{ident}_*.txt")).read_text(encoding="utf-8"))
        data = page.read_bytes()
        start = time.perf_counter()
        try:
            document = load_bytes(data, page.name, "html")
            text, extractor = "\n".join(b.text for b in document.blocks), document.metadata.get("extractor", "?")
        except Exception as exc:  # the benchmark reports a lost page, it does not stop on it
            text, extractor = "", f"ERROR {exc}"
        elapsed = time.perf_counter() - start
        alone = trafilatura.extract(data.decode("utf-8", "replace"), favor_recall=True, include_tables=True) or ""
        rows.append((page.name, *_recall_leak(reference, text), extractor, elapsed, *_recall_leak(reference, alone)))
    print(f"{'page':<42} {'recall':>6} {'leaked':>6}  extractor   {'ms':>5} | trafilatura alone: recall leaked")
    for name, recall, leak, extractor, elapsed, t_recall, t_leak in rows:
        print(f"{name:<42} {recall:6.3f} {leak:6.3f}  {extractor:<11} {1000 * elapsed:5.0f} | {t_recall:6.3f} {t_leak:6.3f}")
    print(f"\n{len(rows)} pages: gapcheck word recall mean {statistics.mean(r[1] for r in rows):.3f}, "
          f"worst {min(r[1] for r in rows):.3f}; leaked mean {statistics.mean(r[2] for r in rows):.3f}, "
          f"worst {max(r[2] for r in rows):.3f}; pages with a report {sum(not r[3].startswith('ERROR') for r in rows)}")
    print(f"{'':<10}trafilatura alone: recall mean {statistics.mean(r[5] for r in rows):.3f}, "
          f"worst {min(r[5] for r in rows):.3f}; leaked mean {statistics.mean(r[6] for r in rows):.3f}")
    print("worst five by recall: " + ", ".join(f"{r[0]} {r[1]:.3f}" for r in sorted(rows, key=lambda r: r[1])[:5]))
    print("worst five by leak:   " + ", ".join(f"{r[0]} {r[2]:.3f}" for r in sorted(rows, key=lambda r: -r[2])[:5]))


def main() -> None:
    if PAGES.is_dir():
        real_pages()
    else:
        print(f"{PAGES} not found: the real-page part needs ../shared beside the project")
    if "--synthetic" not in sys.argv:
        return
    print()
    items = corpus()
    score("gapcheck (selectolax)", gapcheck_extract, items)
    score("trafilatura 2.x", trafilatura_extract, items)


if __name__ == "__main__":
    main()
