"""Prints minutes text as a PDF the way a municipality's word processor would: A4, a running header
and a "Side N af M" footer on every page, paragraphs wrapped at the page width and cut by page
breaks, table rows (TAB-separated cells) set in columns. The tests' first PDF producer (reportlab,
a test dependency); tests/fixtures/pdf/libreoffice/ holds the second.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

import reportlab

FONT = "Vera"  # embedded TrueType (reportlab ships it), as word processors embed theirs
pdfmetrics.registerFont(TTFont(FONT, str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf")))

MARGIN = 56.0
CELL_GAP = 24.0  # between the columns of a table row


def wrap(line: str, width: float, size: float) -> list[str]:
    """The line broken at spaces so that every piece fits `width` (a word longer than that alone)."""
    pieces: list[str] = []
    current = ""
    for word in line.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and pdfmetrics.stringWidth(candidate, FONT, size) > width:
            pieces.append(current)
            current = word
        else:
            current = candidate
    pieces.append(current)
    return pieces


def minutes_pdf(text: str, header: str, size: float = 10.5, page_size: tuple[float, float] = A4) -> bytes:
    """The text (blocks separated by blank lines, lines by newlines) as a PDF."""
    width, height = page_size
    leading, block_gap = size * 1.3, size * 0.9
    column = width - 2 * MARGIN
    rows: list[tuple[str, float]] = []  # (line, extra space above it)
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line for line in block.split("\n") if line.strip()]
        for index, line in enumerate(lines):
            line = line.strip(" ")
            pieces = [line] if "\t" in line else wrap(line, column, size)
            for number, piece in enumerate(pieces):
                rows.append((piece, block_gap if index == 0 and number == 0 and rows else 0.0))
    pages: list[list[tuple[str, float]]] = [[]]
    y = height - MARGIN - 2 * leading
    for line, gap in rows:
        y -= gap + leading
        if y < MARGIN + 2 * leading:
            pages.append([])
            y = height - MARGIN - 2 * leading - leading
        pages[-1].append((line, y))
    output = io.BytesIO()
    pdf = canvas.Canvas(output, pagesize=page_size, pageCompression=1)
    pdf.setTitle(header)
    for number, page in enumerate(pages, 1):
        pdf.setFont(FONT, size - 2)
        pdf.drawString(MARGIN, height - MARGIN, header)
        pdf.drawCentredString(width / 2, MARGIN - 12, f"Side {number} af {len(pages)}")
        pdf.setFont(FONT, size)
        for line, y in page:
            x = MARGIN
            for cell in line.split("\t"):
                pdf.drawString(x, y, cell)
                x += pdfmetrics.stringWidth(cell, FONT, size) + CELL_GAP
        pdf.showPage()
    pdf.save()
    return output.getvalue()
