"""Makes a PDF look scanned: every page becomes a grey, slightly rotated, slightly blurred, noisy
JPEG picture, and the pages are assembled into an image-only PDF with no text layer at all, as a
municipality's copier would deliver a printed and re-scanned set of minutes. `mixed_pdf` scans only
some pages and keeps the others' text layer. Deterministic: the same input gives the same bytes
(noise from a seeded random.Random, never the clock). A test tool (Pillow and pypdfium2).
"""

from __future__ import annotations

import io
import random
import re

import pypdfium2
from PIL import Image, ImageFilter


def _scan_page(image: Image.Image, angle: float, blur: float, rng: random.Random) -> Image.Image:
    """One rendered page ("L") as a scanner would see it: rotated, blurred, specks of dust."""
    page = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    if blur:
        page = page.filter(ImageFilter.GaussianBlur(blur))
    pixels = page.load()
    width, height = page.size
    for _ in range(width * height // 2000):  # 0.05 % of the pixels: a grey speck, dark or light
        x, y = rng.randrange(width), rng.randrange(height)
        pixels[x, y] = rng.choice((rng.randrange(0, 90), rng.randrange(190, 256)))
    return page


def scanned_pdf(pdf: bytes, dpi: int = 200, angle: float = 0.5, blur: float = 0.6,
                jpeg_quality: int = 70, seed: int = 0) -> bytes:
    """The PDF's pages as an image-only PDF: each page rendered in grey at `dpi`, rotated by
    `angle` degrees (sign alternating page by page), Gaussian-blurred with radius `blur`, sprinkled
    with seeded noise and JPEG-compressed at `jpeg_quality`; the PDF's resolution is `dpi`."""
    rng = random.Random(seed)
    document = pypdfium2.PdfDocument(pdf)
    try:
        pages = []
        for number in range(len(document)):
            rendered = document[number].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            pages.append(_scan_page(rendered, angle if number % 2 == 0 else -angle, blur, rng))
    finally:
        document.close()
    output = io.BytesIO()
    first, *rest = pages
    # Pillow stores "L" pages as JPEG (DCTDecode) at `quality`; no dates, so no clock in the bytes
    first.save(output, "PDF", resolution=float(dpi), save_all=True, append_images=rest,
               quality=jpeg_quality, creationDate=None, modDate=None)
    return output.getvalue()


def _without_clock(pdf: bytes) -> bytes:
    """PDFium stamps a saved document with the clock (/CreationDate) and a file /ID derived from it;
    both replaced by constants of the same length, so the cross-reference offsets stay right."""
    pdf = re.sub(rb"/CreationDate\(D:\d{14}", b"/CreationDate(D:20000101000000", pdf)
    return re.sub(rb"/ID\[<([0-9A-Fa-f]+)><([0-9A-Fa-f]+)>\]",
                  lambda m: b"/ID[<" + b"0" * len(m[1]) + b"><" + b"0" * len(m[2]) + b">]", pdf)


def mixed_pdf(text_pdf: bytes, scanned_pages: set[int], **scan: int | float) -> bytes:
    """The text PDF with the pages numbered in `scanned_pages` (0-based) replaced by their scans
    (scanned_pdf's settings as keywords); the other pages keep their text layer."""
    scanned = pypdfium2.PdfDocument(scanned_pdf(text_pdf, **scan)) if scanned_pages else None
    original = pypdfium2.PdfDocument(text_pdf)
    new = pypdfium2.PdfDocument.new()
    try:
        for number in range(len(original)):
            new.import_pages(scanned if number in scanned_pages else original, [number])
        output = io.BytesIO()
        new.save(output)
        return _without_clock(output.getvalue())
    finally:
        new.close()
        original.close()
        if scanned is not None:
            scanned.close()
