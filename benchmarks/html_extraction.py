"""Compare HTML extractors on saved policy pages: quality first, speed second.

Pages: the five fixtures built around the seeds, plus every policy in ../shared/modern-dev (when
present) rendered to HTML and wrapped in the same five kinds of site chrome. For each extractor:

* recall: share of the policy's own sentences (from its Markdown source) found in the extracted text;
* chrome: share of pages where navigation/footer/cookie-banner text leaked into the output;
* headings: share of the policy's headings that come out as headings (trafilatura: as <head>);
* ms/page.

Needs trafilatura installed (``pip install trafilatura``); it is not a gapcheck dependency.
Run: python benchmarks/html_extraction.py
"""

from __future__ import annotations

import re
import statistics
import sys
import time
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
        chromes = list(CHROMES.values())
        for n, path in enumerate(sorted(MODERN.glob("*.md"))):
            if path.name == "README.md":
                continue
            text = path.read_text(encoding="utf-8")
            doc = load_bytes(text.encode(), path.name, "markdown")
            body = MarkdownIt("commonmark").enable("table").render(text)
            page = (chromes[n % len(chromes)].replace("{policy}", body).replace("{nav}", NAV)
                    .replace("{footer}", FOOTER_TEXT).replace("{banner}", BANNER_TEXT).replace("{tracker}", TRACKER))
            items.append((path.name, page, [b.text for b in doc.blocks if b.kind is not BlockKind.HEADING],
                          [b.text for b in doc.blocks if b.kind is BlockKind.HEADING]))
    return items


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


def main() -> None:
    items = corpus()
    score("gapcheck (selectolax)", gapcheck_extract, items)
    try:
        score("trafilatura 2.x", trafilatura_extract, items)
    except ImportError:
        print("trafilatura not installed: pip install trafilatura")


if __name__ == "__main__":
    main()
