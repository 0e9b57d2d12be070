"""PDF extraction: pages per second and fidelity, ours against the other well-kept PDF libraries.

The material is the five seeds printed as PDF by two producers (reportlab, as tests/tools/
minutes_pdf.py prints them, and LibreOffice Writer: tests/fixtures/pdf/libreoffice/), whose true
text is the seed's text file. For each library it measures, median of `--repeat` runs:
- pages per second of text extraction (ours: PDFium's characters with positions, then our step to
  the parser's text; the others: their plain page text);
- Danish letters: the share of the seed's æ, ø, å (either case) that come out;
- words: the share of the seed's words (as a multiset) that come out;
- whole lines (ours only: the others give layout text, not the parser's): the share of the seed's
  lines (table rows aside) that come out whole, however the PDF wrapped them or broke the page.

pdfminer.six and pypdf are measured when installed (they are not dependencies):
    pip install pdfminer.six pypdf && python benchmarks/pdf.py
Results: benchmarks/results/pdf.json and a table on stdout (the README's "PDF" section).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from indexer.sources.pdf import page_text, read_pdf  # noqa: E402

SEEDS = sorted((ROOT / "corpus" / "hoeje-taastrup" / "direktionen").glob("*.txt"))
LIBREOFFICE = ROOT / "tests" / "fixtures" / "pdf" / "libreoffice"
DANISH = "æøåÆØÅ"


def documents() -> list[tuple[str, str, bytes, str]]:
    """(producer, seed, PDF bytes, true text) for every seed and producer."""
    from tools.minutes_pdf import minutes_pdf

    found = []
    for seed in SEEDS:
        text = seed.read_text(encoding="utf-8-sig")
        found.append(("reportlab", seed.stem, minutes_pdf(text, f"Høje-Taastrup Kommune · Referat · Direktionen {seed.stem}"), text))
        found.append(("libreoffice", seed.stem, (LIBREOFFICE / f"{seed.stem}.pdf").read_bytes(), text))
    return found


def ours(data: bytes) -> tuple[str, int]:
    pages = read_pdf(data)
    return page_text(pages).text, len(pages)


def pypdfium2_plain(data: bytes) -> tuple[str, int]:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document), len(document)
    finally:
        document.close()


def pdfminer_plain(data: bytes) -> tuple[str, int]:
    import io

    from pdfminer.high_level import extract_text
    from pdfminer.pdfpage import PDFPage

    return extract_text(io.BytesIO(data)), sum(1 for _ in PDFPage.get_pages(io.BytesIO(data)))


def pypdf_plain(data: bytes) -> tuple[str, int]:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages), len(reader.pages)


LIBRARIES = {
    "ours (pypdfium2 + our step)": ("pypdfium2", ours),
    "pypdfium2, plain text": ("pypdfium2", pypdfium2_plain),
    "pdfminer.six": ("pdfminer.six", pdfminer_plain),
    "pypdf": ("pypdf", pypdf_plain),
}


def words(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text.lower()))


def fidelity(extracted: str, truth: str, whole_lines: bool) -> dict[str, float]:
    letters = sum(truth.count(c) for c in DANISH)
    found_letters = sum(min(truth.count(c), extracted.count(c)) for c in DANISH)
    true_words, got_words = words(truth), words(extracted)
    result = {"danish_letters": found_letters / letters,
              "words": sum((true_words & got_words).values()) / sum(true_words.values())}
    if whole_lines:
        lines = {" ".join(line.split()) for line in extracted.split("\n")}
        expected = [" ".join(line.split()) for line in truth.split("\n") if "\t" not in line and line.strip()]
        result["whole_lines"] = sum(line in lines for line in expected) / len(expected)
    return result


def measure(repeat: int) -> dict:
    material = documents()
    total_pages = None
    report: dict[str, dict] = {}
    for label, (package, extract) in LIBRARIES.items():
        try:
            package_version = version(package)
            extract(material[0][2])
        except (PackageNotFoundError, ImportError):
            print(f"{label}: not installed, not measured", file=sys.stderr)
            continue
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            pages = sum(extract(data)[1] for _producer, _seed, data, _truth in material)
            timings.append(time.perf_counter() - started)
        total_pages = pages
        scores = [fidelity(extract(data)[0], truth, label.startswith("ours")) for _p, _s, data, truth in material]
        report[label] = {
            "package": f"{package} {package_version}",
            "pages_per_second": round(pages / statistics.median(timings), 1),
            **{key: round(statistics.mean(score[key] for score in scores), 4) for key in scores[0]},
        }
    return {"documents": len(material), "pages": total_pages, "repeat": repeat, "libraries": report}


def table(results: dict) -> str:
    rows = ["| library | pages/s | Danish letters | words | whole lines |", "|---|---:|---:|---:|---:|"]
    for label, figures in results["libraries"].items():
        whole = f"{figures['whole_lines']:.1%}" if "whole_lines" in figures else "–"
        rows.append(f"| {label} ({figures['package']}) | {figures['pages_per_second']:,.0f} | "
                    f"{figures['danish_letters']:.1%} | {figures['words']:.1%} | {whole} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "pdf.json")
    arguments = parser.parse_args(argv)
    results = measure(arguments.repeat)
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{results['documents']} PDFs, {results['pages']} pages, median of {results['repeat']} runs\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
