"""Policy bytes -> text: UTF-8, UTF-16 and old single-byte encodings, binary refused."""

from __future__ import annotations

import re

from checker.inputs.files import InputProblem

_CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0e-\x1f]")
"""C0 controls other than tab, line feed, form feed and carriage return: rare in text, common in binary."""


def decode(data: bytes, source: str) -> str:
    """Decode policy bytes, refusing binary content with a clear message.

    UTF-8 (with or without BOM) and UTF-16 (BOM or the NUL pattern of ASCII text) are recognised
    first; other bytes go to :func:`_guess_decode`. Mojibake that survives decoding is left in place
    on purpose: the ``encoding_artifact`` detector reports it.
    """
    utf16 = _utf16_codec(data)
    if utf16:
        try:
            return data.decode(utf16)
        except UnicodeDecodeError as exc:
            raise InputProblem(f"{source}: broken UTF-16 text ({exc.reason})") from None
    if b"\x00" in data[:8192]:
        raise InputProblem(f"{source}: binary file (contains NUL bytes), not a policy text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _guess_decode(data)
    controls = len(_CONTROL_CHARACTER.findall(text, 0, 8192))
    if controls > 0.05 * max(1, min(len(text), 8192)):
        raise InputProblem(f"{source}: binary file (mostly control characters), not a policy text")
    return text


def _utf16_codec(data: bytes) -> str | None:
    """``utf-16`` for a BOM, ``utf-16-le``/``-be`` when every other byte is NUL (ASCII-range text)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[:4096]
    if len(head) < 4 or len(head) % 2:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.01 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.01 * len(odd):
        return "utf-16-be"
    return None


_LEGACY_WESTERN_SHARE = 0.05


def _guess_decode(data: bytes) -> str:
    """Bytes that are not UTF-8: Windows-1252 for mostly-ASCII text, else ask charset-normalizer.

    With a handful of accented letters in English text, charset-normalizer has too little evidence
    and picks e.g. Shift-JIS; Windows-1252 (a superset of Latin-1's printable range) is what such
    files almost always are. Text with many high bytes (Cyrillic, CJK code pages) has the evidence.
    """
    sample = data[:200_000]
    high = sum(1 for byte in sample if byte >= 0x80)
    if high <= _LEGACY_WESTERN_SHARE * len(sample):
        return data.decode("cp1252", errors="replace")
    from charset_normalizer import from_bytes  # imported only for the rare file that needs guessing

    best = from_bytes(sample).best()
    encoding = best.encoding if best is not None else "cp1252"
    if encoding.lower().replace("-", "_") in ("utf_8", "ascii"):
        encoding = "cp1252"  # it just failed as UTF-8; legacy Western pages are the common case
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:
        return data.decode("cp1252", errors="replace")

