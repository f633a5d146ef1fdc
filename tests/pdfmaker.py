"""Make a PDF from a policy's text (fpdf2, core fonts), the way a word processor would print it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from checker.inputs.loader import read_policy
from checker.models import BlockKind

_ASCII = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
                        "\u2026": "...", "\u00a0": " ", "\u2022": "-"})


def policy_pdf(seed: Path) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime(2020, 1, 1, tzinfo=UTC))  # same bytes every run
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    for block in read_policy(seed).blocks:
        text = block.text.translate(_ASCII).encode("latin-1", "replace").decode("latin-1")
        if block.kind is BlockKind.HEADING:
            pdf.set_font("Helvetica", "B", 13)
            pdf.multi_cell(0, 7, text)
        else:
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(0, 5, ("- " + text) if block.kind is BlockKind.LIST_ITEM else text)
        pdf.ln(3)
    return bytes(pdf.output())
