"""Text recognition for PDF pages that are images (scans): Tesseract with its Danish model, through
tesserocr (chosen by measurement: README, "Scanned minutes"). A recognised page becomes the same
`Page` of positioned lines that a text page gives, so `page_text` drops its running header and page
number and joins its wrapped lines exactly as for a text PDF.

Runs inside the PDF worker process (`pdf_worker`): its memory ceiling bounds recognition too, and a
page gets `PAGE_SECONDS`. A page recognised once is cached by the hash of its image, so a rebuild
never recognises it again.
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import lru_cache
from pathlib import Path

from ..parse import ParseError

OCR_DPI = 300  # the page is rendered at this resolution for recognition (parse checks measured best: README)
LANGUAGE = "dan"
TESSDATA = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
            "/usr/share/tessdata")
PAGE_SECONDS = 60.0
CACHE_VARIABLE = "MINUTES_OCR_CACHE"  # where recognised pages are kept; default ~/.cache/minutes-search/ocr
MIN_CONFIDENCE = 0  # Tesseract's confidence of a word below this is no word (-1: not text)
MIN_LONE_CHARACTER_CONFIDENCE = 60  # a one-character "word" read with less is a speck of the scan
# Specks and edges a scan adds at a line's ends, read as punctuation: " Punkt 3:, 18/18580 -, drøftelse : | '
NOISE_TOKEN = re.compile(r"^[\"'|‘’“”„`´,.:;_~!°=+*…\-–—]+$")
GLUED_NOISE = re.compile(r"^[\"'|‘’“”„`´,.:;_~°=…]+(?=\w)")  # .Økonomiopfølgning
GLUED_TRAILING_NOISE = re.compile(r"(?<=\w)[|‘’“”„`´°…]+$")  # 14/32918…
COLUMN_GAP = 1.2  # a gap between two words wider than this many line heights: table columns (a TAB)

# Recognition noise that is predictable, measured on our scans: a case number's digits read as
# letters (l4/32918, 14/329I8, 1O/4232).
CASE_NUMBER_NOISE = re.compile(r"\b[0-9lIO|]{2}/[0-9lIO|]{1,6}\b")
DIGIT_FOR = str.maketrans({"l": "1", "I": "1", "|": "1", "O": "0"})
SPLIT_DATE = re.compile(r"\b(\d{1,2}) ?- ?(\d{1,2}) ?- ?(\d{4})\b")  # 05-11- 2018: a date read apart


def available() -> bool:
    """Whether text recognition can run here: tesserocr and a Danish model."""
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        return False
    return tessdata() is not None


@lru_cache(maxsize=1)
def tessdata() -> str | None:
    for folder in (os.environ.get("TESSDATA_PREFIX"), *TESSDATA):
        if folder and (Path(folder) / f"{LANGUAGE}.traineddata").is_file():
            return folder
    return None


@lru_cache(maxsize=1)
def _api():
    import tesserocr

    # Page segmentation: automatic (a page of minutes: header, paragraphs, tables).
    return tesserocr.PyTessBaseAPI(path=tessdata(), lang=LANGUAGE, psm=tesserocr.PSM.AUTO)


def recognise(page, number: int):
    """The lines of a pdfium page recognised from its image, as `indexer.sources.pdf.Line`s in PDF
    points. Raises ParseError naming the page when recognition cannot run or runs out of time."""
    if not available():
        raise ParseError(f"page {number} is a scan, and text recognition is not installed "
                         "(tesserocr and Debian's tesseract-ocr-dan)")
    width, height = page.get_size()
    image = page.render(scale=OCR_DPI / 72, grayscale=True).to_pil()
    key = hashlib.sha256(image.tobytes() + f"{image.size}{OCR_DPI}{LANGUAGE}".encode()).hexdigest()
    tsv = _cached(key)
    if tsv is None:
        api = _api()
        api.SetImage(image)
        if not api.Recognize(timeout=int(PAGE_SECONDS * 1000)):
            raise ParseError(f"page {number}: text recognition did not finish within {PAGE_SECONDS:g} s")
        tsv = api.GetTSVText(0)
        _cache(key, tsv)
    return lines_of(tsv, 72 / OCR_DPI)


def lines_of(tsv: str, points_per_pixel: float):
    """Tesseract's TSV words grouped into lines (block, paragraph, line), top to bottom, with the
    positions `page_text` reads: left and right, baseline, size, the first word's width."""
    from .pdf import Line

    words: dict[tuple[int, int, int], list[tuple[int, int, int, int, str]]] = {}
    for row in tsv.splitlines():
        fields = row.split("\t")
        if len(fields) < 12 or fields[0] != "5":  # level 5: a word
            continue
        text = fields[11].strip()
        try:
            confidence = float(fields[10])
            left, top, width, height = (int(value) for value in fields[6:10])
        except ValueError:
            continue
        lone = len(text) == 1 and not text.isdigit()
        if text and confidence >= (MIN_LONE_CHARACTER_CONFIDENCE if lone else MIN_CONFIDENCE):
            words.setdefault((int(fields[2]), int(fields[3]), int(fields[4])), []).append((left, top, width, height, text))
    lines = []
    for line_words in words.values():
        line_words.sort()
        while line_words and NOISE_TOKEN.match(line_words[0][4]):
            line_words.pop(0)
        while line_words and NOISE_TOKEN.match(line_words[-1][4]):
            line_words.pop()
        if not line_words:
            continue
        # Words far apart are a table's cells, TAB-separated as on a text page (a row is no wrapped line).
        height = max(word[3] for word in line_words)
        text = repair("".join(
            (("\t" if word[0] - (previous[0] + previous[2]) > COLUMN_GAP * height else " ") if previous else "") + word[4]
            for previous, word in zip([None, *line_words[:-1]], line_words)))
        left = line_words[0][0]
        right = max(word[0] + word[2] for word in line_words)
        bottom = max(word[1] + word[3] for word in line_words)
        # The tallest word's box spans ascender to descender, about 1.1 font sizes (a median word
        # of x-height letters would make every line gap look like a paragraph's).
        size = max(word[3] for word in line_words) / 1.1
        lines.append(Line(text, left * points_per_pixel, right * points_per_pixel, bottom * points_per_pixel,
                          round(size * points_per_pixel, 1), line_words[0][2] * points_per_pixel))
    return tuple(sorted(lines, key=lambda line: (round(line.baseline), line.left)))


def repair(text: str) -> str:
    """Predictable recognition noise repaired: case numbers' digits read as letters, dates read apart,
    specks glued before a word (.Økonomiopfølgning)."""
    text = "\t".join(" ".join(GLUED_TRAILING_NOISE.sub("", GLUED_NOISE.sub("", word) or word) or word
                                for word in cell.split(" ")) for cell in text.split("\t"))
    text = SPLIT_DATE.sub(r"\1-\2-\3", text)
    return CASE_NUMBER_NOISE.sub(lambda match: match.group().translate(DIGIT_FOR), text)


def _cache_folder() -> Path:
    return Path(os.environ.get(CACHE_VARIABLE) or Path.home() / ".cache" / "minutes-search" / "ocr")


def _cached(key: str) -> str | None:
    try:
        return (_cache_folder() / key[:2] / f"{key}.tsv").read_text(encoding="utf-8")
    except OSError:
        return None


def _cache(key: str, tsv: str) -> None:
    """Keep a recognised page (best effort: a cache that cannot be written costs only time)."""
    path = _cache_folder() / key[:2] / f"{key}.tsv"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.write_text(tsv, encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass
