"""HTML and Markdown renderers: Jinja2 templates over the view model of :mod:`.view`.

The HTML environment autoescapes everything; the page carries its CSS and script inline (one
self-contained file that opens offline) and a Content-Security-Policy that allows only that one
script, by hash, so even text that somehow slipped past escaping could not run. The Markdown
environment escapes Markdown syntax and angle brackets in everything that comes from a policy, so a
policy cannot inject links, tables or raw HTML into a ticket.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from checker.models import Report
from checker.report.view import STATUS_SYMBOL, build_view

if TYPE_CHECKING:
    from jinja2 import Environment

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md_escape(value: object, keep_edges: bool = False) -> str:
    """Text safe inside a Markdown paragraph or table cell: no markup, no raw HTML, one line.
    ``keep_edges`` keeps one space where the value starts or ends with one: the pieces around
    a highlighted span must not run into it ("Example **Shop Ltd**", not "Example**Shop Ltd**")."""
    raw = str(value)
    text = " ".join(raw.split())
    if keep_edges and text:
        text = (" " if raw[:1].isspace() else "") + text + (" " if raw[-1:].isspace() else "")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


@lru_cache(maxsize=1)
def _environments() -> tuple[Environment, Environment]:
    # Jinja2 is imported when a report is rendered, not for a JSONL-only nightly run
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    html = Environment(loader=PackageLoader("checker.report", "templates"), autoescape=select_autoescape(
        enabled_extensions=("html", "j2"), default_for_string=True), undefined=StrictUndefined,
        trim_blocks=False, lstrip_blocks=False)
    md = Environment(loader=PackageLoader("checker.report", "templates"), autoescape=False,
                     undefined=StrictUndefined, keep_trailing_newline=True)
    md.filters["md"] = md_escape
    md.filters["md_piece"] = lambda value: md_escape(value, keep_edges=True)
    return html, md


def _asset(name: str) -> str:
    return resources.files("checker.report").joinpath("templates", name).read_text(encoding="utf-8")


def render_html(report: Report) -> str:
    """One self-contained HTML page: overview, matrix, comparisons, one section per policy."""
    from markupsafe import Markup

    html, _ = _environments()
    script = _asset("report.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    template = html.get_template("report.html.j2")
    return template.render(v=build_view(report), symbols=STATUS_SYMBOL, css=Markup(_asset("report.css")),
                           script=Markup(script), script_hash=f"sha256-{digest}")


def render_markdown(report: Report) -> str:
    """The same content as GitHub-flavoured Markdown, for tickets and pull requests."""
    _, md = _environments()
    text = md.get_template("report.md.j2").render(v=build_view(report), symbols=STATUS_SYMBOL)
    return re.sub(r"\n{3,}", "\n\n", text)
