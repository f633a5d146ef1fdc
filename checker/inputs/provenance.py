"""The Wayback-style provenance note archived policies start with, lifted into metadata.

It describes the file, it is not part of the policy, so loaders take it out of the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from checker.models import Link

_PROVENANCE = re.compile(
    r"extracted and transformed from the (?P<site>\S+?) privacy policy that was archived on "
    r"(?P<date>\d{4}-\d{2}-\d{2})", re.IGNORECASE)


def parse_provenance(text: str, links: Iterable[Link] = ()) -> dict[str, Any] | None:
    """Metadata from a Wayback-style note (``The following text is extracted ... archived on ...``)."""
    match = _PROVENANCE.search(text)
    if not match:
        return None
    meta: dict[str, Any] = {"source_site": match["site"], "archive_date": match["date"]}
    for link in links:
        if "web.archive.org" in link.target or "snapshot" in link.text.lower():
            meta["snapshot_url"] = link.target
            break
    return meta

