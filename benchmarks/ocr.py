"""Text recognition of scanned minutes: Tesseract (Danish model) through tesserocr and pytesseract.

The material is the five seeds printed as PDF (tests/tools/minutes_pdf.py) and then "scanned"
(tests/tools/scanned_pdf.py: grey, rotated ±0.5°, blurred, specks, JPEG at 200 dpi, no text layer).
Every scanned page is rendered with pypdfium2 at each recognition resolution (`--dpi`; by default
300 and the scan's own 200) and recognised by
- tesserocr: one PyTessBaseAPI(path=TESSDATA, lang="dan") reused for all pages (the wheel bundles
  its own Tesseract and Leptonica);
- pytesseract: image_to_string(image, lang="dan"), i.e. a `tesseract` subprocess per page (Debian's
  tesseract-ocr);
both with the rendering's resolution given (SetSourceResolution / --dpi) and the same traineddata.

Per library and resolution, on one core (the process pinned to one CPU, OMP_THREAD_LIMIT=1):
- pages per second of recognition alone (rendering is done before and timed apart), median of
  `--repeat` runs over all pages;
- character error rate (CER): Levenshtein distance / reference length, where the reference is the
  text PDF's same page (pypdfium2 get_text_range) and both sides are NFC, whitespace collapsed to
  single spaces, stripped; overall (sum of distances / sum of lengths) and per seed;
- the most frequent confusions (difflib alignment of reference and recognised text: which
  reference pieces came out as what, with an example), the error rate of watched characters
  (§, æøå, 1/l/I, 0/O, /) and the share of case numbers (14/32918) and § signs that come out whole.
The resolutions run in parallel worker processes, each pinned to its own core (`--jobs`).

    .venv/bin/python benchmarks/ocr.py [--out benchmarks/results] [--dpi 300 200] [--repeat 3]
Results: <out>/ocr.json and a Markdown table on stdout.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # before Tesseract loads: one thread per engine

import argparse
import difflib
import json
import multiprocessing
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from importlib.metadata import version
from pathlib import Path

import numpy

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

SEEDS = sorted((ROOT / "corpus" / "hoeje-taastrup" / "direktionen").glob("*.txt"))
TESSDATA = "/usr/share/tesseract-ocr/5/tessdata/"
LANG = "dan"
WATCHED = "§æøåÆØÅ1lI0O/"
CASE_NUMBER = re.compile(r"\b\d{2}/\d{3,6}\b")


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insert, delete, substitute: 1 each), one row at a time. Within a row the
    insertions are a running minimum: row[j] = j + min over k <= j of (t[k] - k)."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    codes = numpy.array([ord(c) for c in b], dtype=numpy.int64)
    index = numpy.arange(len(b) + 1, dtype=numpy.int64)
    row = index.copy()
    for i, char in enumerate(a, 1):
        t = numpy.empty_like(row)
        t[0] = i
        t[1:] = numpy.minimum(row[1:] + 1, row[:-1] + (codes != ord(char)))
        row = numpy.minimum.accumulate(t - index) + index
    return int(row[-1])


def material(scan_dpi: int) -> list[tuple[str, bytes, list[str]]]:
    """(seed, scanned PDF, reference text per page) for every seed."""
    import pypdfium2

    from tools.minutes_pdf import minutes_pdf
    from tools.scanned_pdf import scanned_pdf

    found = []
    for seed in SEEDS:
        text_pdf = minutes_pdf(seed.read_text(encoding="utf-8-sig"), f"Høje-Taastrup Kommune · Referat · Direktionen {seed.stem}")
        document = pypdfium2.PdfDocument(text_pdf)
        references = [normalise(page.get_textpage().get_text_range()) for page in document]
        document.close()
        found.append((seed.stem, scanned_pdf(text_pdf, dpi=scan_dpi), references))
    return found


def recognisers(dpi: int) -> dict:
    import pytesseract
    import tesserocr

    api = tesserocr.PyTessBaseAPI(path=TESSDATA, lang=LANG)

    def with_tesserocr(image) -> str:
        api.SetImage(image)
        api.SetSourceResolution(dpi)
        return api.GetUTF8Text()

    def with_pytesseract(image) -> str:
        return pytesseract.image_to_string(image, lang=LANG, config=f"--dpi {dpi}")

    return {
        "tesserocr": (with_tesserocr, f"tesserocr {version('tesserocr')}, {tesserocr.tesseract_version().split()[1]} (bundled)"),
        "pytesseract": (with_pytesseract, f"pytesseract {version('pytesseract')}, tesseract {pytesseract.get_tesseract_version()} (system)"),
    }


def confusions(reference: str, recognised: str) -> tuple[Counter, Counter, Counter, dict]:
    """Alignment of the two texts: (reference character counts, wrong reference character counts,
    confusion pairs "ref → got", an example per pair)."""
    total, wrong, pairs, examples = Counter(reference), Counter(), Counter(), {}
    matcher = difflib.SequenceMatcher(None, reference, recognised, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        wrong.update(reference[i1:i2])
        ref, got = reference[i1:i2], recognised[j1:j2]
        found = list(zip(ref, got)) if tag == "replace" and len(ref) == len(got) and len(ref) <= 3 else [(ref[:20], got[:20])]
        for a, b in found:
            key = f"{a!r} → {b!r}"
            pairs[key] += 1
            examples.setdefault(key, f"{reference[max(0, i1 - 15):i2 + 15]!r} → {recognised[max(0, j1 - 15):j2 + 15]!r}")
    return total, wrong, pairs, examples


def run_resolution(job: tuple[int, int, int, int]) -> dict:
    """Everything for one recognition resolution, in a worker pinned to `core`."""
    dpi, scan_dpi, repeat, core = job
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {core})
    import pypdfium2

    pages = []  # (seed, page number, image, reference)
    started = time.perf_counter()
    for seed, scan, references in material(scan_dpi):
        document = pypdfium2.PdfDocument(scan)
        for number, page in enumerate(document):
            assert not page.get_textpage().get_text_range().strip(), "the scan has a text layer"
            pages.append((seed, number, page.render(scale=dpi / 72, grayscale=True).to_pil(), references[number]))
        document.close()
    render_seconds = time.perf_counter() - started  # scanning and rendering, not recognition
    report = {}
    for library, (recognise, package) in recognisers(dpi).items():
        recognise(pages[0][2])  # warm up: model loaded, first-call costs out of the timings
        timings, outputs = [], []
        for _ in range(repeat):
            started = time.perf_counter()
            outputs = [recognise(image) for _seed, _number, image, _reference in pages]
            timings.append(time.perf_counter() - started)
        per_seed: dict[str, list[int]] = {}
        total, wrong, pairs, examples = Counter(), Counter(), Counter(), {}
        case_numbers = sections = case_kept = sections_kept = 0
        for (seed, _number, _image, reference), output in zip(pages, outputs):
            recognised = normalise(output)
            distance = levenshtein(reference, recognised)
            sums = per_seed.setdefault(seed, [0, 0])
            sums[0] += distance
            sums[1] += len(reference)
            t, w, p, e = confusions(reference, recognised)
            total += t
            wrong += w
            pairs += p
            for key, example in e.items():
                examples.setdefault(key, example)
            ref_cases, got_cases = Counter(CASE_NUMBER.findall(reference)), Counter(CASE_NUMBER.findall(recognised))
            case_numbers += sum(ref_cases.values())
            case_kept += sum((ref_cases & got_cases).values())
            ref_sections, got_sections = Counter(re.findall(r"§ ?\d+", reference)), Counter(re.findall(r"§ ?\d+", recognised))
            sections += sum(ref_sections.values())
            sections_kept += sum((ref_sections & got_sections).values())
        distance = sum(d for d, _ in per_seed.values())
        length = sum(n for _, n in per_seed.values())
        report[library] = {
            "package": package,
            "pages": len(pages),
            "pages_per_second": round(len(pages) / statistics.median(timings), 3),
            "seconds_per_run": [round(t, 2) for t in timings],
            "cer": round(distance / length, 5),
            "cer_per_seed": {seed: round(d / n, 5) for seed, (d, n) in per_seed.items()},
            "case_numbers_whole": f"{case_kept}/{case_numbers}",
            "sections_whole": f"{sections_kept}/{sections}",
            "watched_characters": {c: {"in_reference": total[c], "wrong": wrong[c], "error_rate": round(wrong[c] / total[c], 4)}
                                   for c in WATCHED if total[c]},
            "most_wrong_characters": [{"char": c, "wrong": n, "of": total[c]} for c, n in wrong.most_common(15)],
            "top_confusions": [{"confusion": key, "count": n, "example": examples[key]} for key, n in pairs.most_common(20)],
        }
    return {"dpi": dpi, "render_seconds": round(render_seconds, 1), "libraries": report}


def table(results: dict) -> str:
    rows = ["| recognition dpi | library | pages | pages/s (1 core) | CER | case numbers whole | § whole |",
            "|---:|---|---:|---:|---:|---:|---:|"]
    for resolution in results["resolutions"]:
        for library, figures in resolution["libraries"].items():
            rows.append(f"| {resolution['dpi']} | {library} ({figures['package']}) | {figures['pages']} | "
                        f"{figures['pages_per_second']:.2f} | {figures['cer']:.2%} | {figures['case_numbers_whole']} | "
                        f"{figures['sections_whole']} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results", help="folder for ocr.json")
    parser.add_argument("--dpi", type=int, nargs="+", default=[300, 200], help="recognition resolutions")
    parser.add_argument("--scan-dpi", type=int, default=200, help="resolution of the scans")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1),
                        help="resolutions measured at once, each in a process on its own core")
    arguments = parser.parse_args(argv)
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]
    jobs = [(dpi, arguments.scan_dpi, arguments.repeat, cores[number % max(1, min(arguments.jobs, len(cores)))])
            for number, dpi in enumerate(arguments.dpi)]
    if arguments.jobs > 1 and len(jobs) > 1:
        with multiprocessing.get_context("spawn").Pool(min(arguments.jobs, len(jobs))) as pool:
            resolutions = pool.map(run_resolution, jobs)
    else:
        resolutions = [run_resolution(job) for job in jobs]
    results = {
        "settings": {"seeds": [seed.stem for seed in SEEDS], "scan": {"dpi": arguments.scan_dpi, "angle": 0.5, "blur": 0.6,
                                                                      "jpeg_quality": 70, "seed": 0},
                     "recognition_dpi": arguments.dpi, "lang": LANG, "tessdata": TESSDATA, "repeat": arguments.repeat,
                     "one_core": "process pinned to one CPU, OMP_THREAD_LIMIT=1; resolutions in parallel on separate cores"
                                 if arguments.jobs > 1 and len(jobs) > 1 else "process pinned to one CPU, OMP_THREAD_LIMIT=1",
                     "normalisation": "NFC, whitespace collapsed to single spaces, stripped; CER = Levenshtein / reference length",
                     "reference": "text PDF page text (pypdfium2 get_text_range)"},
        "resolutions": resolutions,
    }
    arguments.out.mkdir(parents=True, exist_ok=True)
    (arguments.out / "ocr.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(SEEDS)} seeds, {resolutions[0]['libraries']['tesserocr']['pages']} scanned pages, median of "
          f"{arguments.repeat} runs\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
