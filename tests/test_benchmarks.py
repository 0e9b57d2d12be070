"""The benchmark tooling (benchmarks/): the archive generator writes parseable minutes of exactly
the size asked, the same for the same seed, and `bench.py --quick` runs every code path, ours on
every engine, and writes its JSON. No timing is asserted: the figures depend on the machine."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from benchmark_scripts import load_script
from conftest import TEST_DATABASE, skip_unless_available

from indexer.load import load_meeting
from indexer.model import CASE_NUMBER

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
QUICK_ITEMS = 200  # bench.py --quick's archive size
REFERENCES = ("tantivy", "fts5")
OURS = {"ours-tantivy": "tantivy", "ours-whoosh": "whoosh"}  # ours on each engine, the default first: JSON key -> engine
OURS_LABELS = {"ours-tantivy": "ours (tantivy)", "ours-whoosh": "ours (whoosh)"}
SVG = "{http://www.w3.org/2000/svg}"


generate_script = load_script("generate")


def files_and_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_the_same_seed_writes_byte_identical_files_and_another_seed_other_files(tmp_path: Path) -> None:
    assert generate_script.generate(tmp_path / "a", 150, seed=7) == 150
    assert generate_script.generate(tmp_path / "b", 150, seed=7) == 150
    assert generate_script.generate(tmp_path / "c", 150, seed=8) == 150
    first = files_and_bytes(tmp_path / "a")
    assert first == files_and_bytes(tmp_path / "b")
    other = files_and_bytes(tmp_path / "c")
    assert first.keys() != other.keys() or first != other


def test_every_generated_meeting_parses_with_exactly_the_items_asked_for(tmp_path: Path) -> None:
    asked = 301
    assert generate_script.generate(tmp_path, asked, seed=0) == asked
    paths = sorted(tmp_path.iterdir())
    meetings = [load_meeting(path) for path in paths]

    assert sum(len(m.items) for m in meetings) == asked
    assert all(5 <= len(m.items) <= 12 for m in meetings)
    # Consecutive working days from Monday 1 January 1990, one meeting a day, named by its date.
    day, expected_days = date(1990, 1, 1), []
    while len(expected_days) < len(meetings):
        if day.weekday() < 5:
            expected_days.append(day)
        day += timedelta(days=1)
    assert [m.date for m in meetings] == expected_days
    assert [p.name for p in paths] == [f"{d.isoformat()}.txt" for d in expected_days]
    for path, meeting in zip(paths, meetings):
        text = path.read_text(encoding="utf-8")
        assert f"REFERAT Direktionen d. {meeting.date.strftime('%d-%m-%Y')}" in text
        assert meeting.committee == "Direktionen"
        assert meeting.warnings == []  # the contents list names exactly the items the file holds
        assert [item.number for item in meeting.items] == list(range(1, len(meeting.items) + 1))
        assert all(item.title for item in meeting.items)
        for item in meeting.items:
            assert re.fullmatch(CASE_NUMBER, item.case_number)
            assert item.case_number[:2] in {f"{meeting.date.year % 100:02d}", f"{(meeting.date.year - 1) % 100:02d}"}
    # Case histories: some case numbers come back in later meetings.
    meetings_per_case = Counter(case for m in meetings for case in {item.case_number for item in m.items})
    assert max(meetings_per_case.values()) >= 2
    # Recombined, not copied: the items differ (a short one-section item may come out twice, as in
    # real minutes; about 1 in 100 over 10,000 items).
    full_texts = ["\n".join(s.text for s in item.sections) for m in meetings for item in m.items if not item.closed]
    assert len(set(full_texts)) >= 0.95 * len(full_texts)


def test_meeting_sizes_sum_to_any_count_asked() -> None:
    rng = generate_script.random.Random(0)
    for items in range(120):
        sizes = generate_script.meeting_sizes(items, rng)
        assert sum(sizes) == items
        if items >= 5:
            assert all(5 <= size <= 12 for size in sizes)
        else:
            assert sizes == ([items] if items else [])


def test_fewer_items_than_a_meeting_holds_give_one_meeting_of_that_many(tmp_path: Path) -> None:
    assert generate_script.generate(tmp_path / "three", 3) == 3
    (only,) = sorted((tmp_path / "three").iterdir())
    assert len(load_meeting(only).items) == 3
    assert generate_script.generate(tmp_path / "none", 0) == 0
    assert list((tmp_path / "none").iterdir()) == []


def test_generator_command_line(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(BENCHMARKS / "generate.py"), "--items", "20", str(tmp_path)],
                            check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"20 items written to {tmp_path}")
    assert sum(len(load_meeting(p).items) for p in tmp_path.iterdir()) == 20


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """`bench.py --quick` once, in a child process, writing into a temporary folder."""
    out = tmp_path_factory.mktemp("bench-results")
    result = subprocess.run([sys.executable, str(BENCHMARKS / "bench.py"), "--quick", "--out", str(out)],
                            check=False, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    written = sorted(p.name for p in out.iterdir())
    assert written == [f"bench-quick-{QUICK_ITEMS}.json", "bench-quick.md", "bench-quick.svg"]
    return {"report": json.loads((out / f"bench-quick-{QUICK_ITEMS}.json").read_text(encoding="utf-8")),
            "out": out, "stdout": result.stdout, "stderr": result.stderr}


def test_bench_quick_measures_ours_on_every_engine_and_each_reference(quick_run: dict) -> None:
    report = quick_run["report"]
    assert set(report) == {"machine", "settings", "sizes", "seconds"}
    assert {"cpus", "cpus_usable", "python", "platform"} <= set(report["machine"])
    settings = report["settings"]
    assert settings["quick"] is True
    assert settings["cached_searches"] == 0  # every repetition searched
    assert settings["our_engines"] == ["tantivy", "whoosh"]  # the default: the embedded engines, the default engine first
    assert settings["engines"] == [*OURS, *REFERENCES]
    assert {key: settings["labels"][key] for key in OURS} == OURS_LABELS
    assert list(report["sizes"]) == [str(QUICK_ITEMS)]
    result = report["sizes"][str(QUICK_ITEMS)]
    assert set(result) == {"archive", "mix", "engines", "ratios"}
    assert result["archive"]["items"] == QUICK_ITEMS
    assert [q["name"] for q in result["mix"]] == ["one word", "two words", "phrase", "prefix", "case number",
                                                  "facet filter", "browse", "sort by date"]
    assert set(result["engines"]) == {*OURS, *REFERENCES}
    measured = [name for name in REFERENCES if "skipped" not in result["engines"][name]]
    assert set(result["ratios"]) == {f"{key}/{name}" for key in OURS for name in measured}

    # Both engines of ours answer every query of the mix with the same hits, in process and over HTTP.
    hits = {key: {query: (values["hits"], values["http_hits"])
                  for query, values in result["engines"][key]["per_query"].items()} for key in OURS}
    assert hits["ours-whoosh"] == hits["ours-tantivy"]

    markdown = (quick_run["out"] / "bench-quick.md").read_text(encoding="utf-8")
    assert "## Summary" in markdown and "## Summary" in quick_run["stdout"]
    for label in OURS_LABELS.values():  # its rows in the summary, the ratios and the server table
        assert f"| {QUICK_ITEMS} | {label}, in process |" in markdown
        assert f"| {QUICK_ITEMS} | {label}, HTTP |" in markdown
        assert all(f"| {QUICK_ITEMS} | {label} | {settings['labels'][name]} |" in markdown for name in measured)
        assert re.search(rf"^\| {QUICK_ITEMS} \| {re.escape(label)} \| \d+ \| ", markdown, re.MULTILINE)
    svg = ET.parse(quick_run["out"] / "bench-quick.svg").getroot()  # well-formed
    texts = [text.text for text in svg.iter(f"{SVG}text")]
    assert "p95 latency (ms, log scale)" in texts and "build time (s, log scale)" in texts
    legend = {text.text for text in svg.iter(f"{SVG}text") if text.get("class") == "legend"}
    assert legend == {*(f"{label} in process" for label in OURS_LABELS.values()),
                      *(f"{label} over HTTP" for label in OURS_LABELS.values()),
                      *(settings["labels"][name] for name in measured)}
    lines = [line for line in svg.iter(f"{SVG}line") if line.get("stroke-width") == "2.5"]  # the legend's
    solid = [line.get("stroke") for line in lines if line.get("stroke-dasharray") is None]
    assert len(solid) == len(set(solid)) == len(OURS) + len(measured)  # a colour per engine


@pytest.mark.parametrize("key", OURS)
def test_bench_quick_writes_every_figure_of_ours_on_each_engine(quick_run: dict, key: str, tmp_path: Path) -> None:
    report = quick_run["report"]
    result = report["sizes"][str(QUICK_ITEMS)]
    ours = result["engines"][key]
    assert set(ours) == {"build", "latency_ms", "per_query", "serve"}
    assert {"seconds", "process_seconds", "items_per_second", "peak_rss_mb", "index_mb"} <= set(ours["build"])
    assert ours["build"]["peak_rss_mb"] > 0 and ours["build"]["index_mb"] > 0
    assert ours["build"]["summary"].startswith("index rebuilt: ")
    assert f"minutes index --engine {OURS[key]} ..." in quick_run["stderr"]
    for mode in ("in_process", "http"):
        assert set(ours["latency_ms"][mode]) == {"p50", "p95", "p99", "mean", "samples"}
        assert ours["latency_ms"][mode]["samples"] == len(result["mix"]) * report["settings"]["repeat"]
    serve = ours["serve"]
    assert {"rss_mb", "peak_rss_mb", "startup_seconds", "first_request_ms", "warm_request_ms"} <= set(serve)
    assert serve["update"]["items_before"] == QUICK_ITEMS
    assert serve["update"]["items_after"] == QUICK_ITEMS + serve["update"]["items_added"]

    # Hit counts are exact facts of the archive, which the same seed makes again here.
    generate_script.generate(tmp_path, QUICK_ITEMS, seed=report["settings"]["seed"])
    case = result["archive"]["case_number"]
    under_case = sum(item.case_number == case for p in tmp_path.iterdir() for item in load_meeting(p).items)
    assert under_case >= 2
    for values in (ours["per_query"]["browse"]["hits"], ours["per_query"]["browse"]["http_hits"]):
        assert values == QUICK_ITEMS
    assert ours["per_query"]["case number"]["hits"] == under_case


@pytest.mark.parametrize("reference", REFERENCES)
def test_bench_quick_measures_each_reference_or_says_why_not(quick_run: dict, reference: str) -> None:
    result = quick_run["report"]["sizes"][str(QUICK_ITEMS)]
    figures = result["engines"][reference]
    if "skipped" in figures:
        assert f"left out: {figures['skipped']}" in quick_run["stderr"]
        pytest.skip(f"{reference} reference left out by bench.py: {figures['skipped']}")
    assert set(figures) == {"build", "latency_ms", "per_query"}
    assert {"seconds", "parse_seconds", "seconds_with_parse", "index_mb"} <= set(figures["build"])
    assert set(figures["latency_ms"]["in_process"]) == {"p50", "p95", "p99", "mean", "samples"}
    # The same archive: every item browsed, and the same items under the case number.
    assert figures["per_query"]["browse"]["hits"] == QUICK_ITEMS
    for key in OURS:
        assert figures["per_query"]["case number"]["hits"] == result["engines"][key]["per_query"]["case number"]["hits"]
        assert set(result["ratios"][f"{key}/{reference}"]) == {"build", "p50", "p95", "p99"}


def test_bench_references_option() -> None:
    bench = load_script("bench")
    assert bench.parse_references("tantivy") == ["tantivy"]
    assert bench.parse_references("fts5, tantivy") == ["fts5", "tantivy"]
    for wrong in ("", "tantivy,tantivy", "lucene"):
        with pytest.raises(bench.argparse.ArgumentTypeError):
            bench.parse_references(wrong)


def test_bench_engines_option() -> None:
    bench = load_script("bench")
    assert bench.OUR_ENGINES == ("tantivy", "whoosh")
    assert bench.parse_engines("tantivy") == ["tantivy"]
    assert bench.parse_engines(" tantivy , whoosh ") == ["tantivy", "whoosh"]
    for wrong in ("", "whoosh,whoosh", "whoosh,lucene"):
        with pytest.raises(bench.argparse.ArgumentTypeError, match="known: tantivy,whoosh"):
            bench.parse_engines(wrong)


def test_bench_on_postgresql_counts_the_database_and_drops_its_schema(tmp_path: Path) -> None:
    skip_unless_available("postgresql")
    import psycopg

    def schemas() -> set[str]:
        with psycopg.connect(TEST_DATABASE) as connection:
            rows = connection.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'minutes\\_%'").fetchall()
        return {name for (name,) in rows}

    before = schemas()
    result = subprocess.run([sys.executable, str(BENCHMARKS / "bench.py"), "--quick", "--engines", "postgresql",
                             "--out", str(tmp_path)], check=False, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads((tmp_path / f"bench-quick-{QUICK_ITEMS}.json").read_text(encoding="utf-8"))
    build = report["sizes"][str(QUICK_ITEMS)]["engines"]["ours-postgresql"]["build"]
    # The index directory alone is a few kilobytes; the tables, their indexes and TOAST hold megabytes.
    assert build["index_mb"] > 1.0
    assert schemas() == before


def test_the_pdf_benchmark_measures_every_installed_library_and_writes_its_json(tmp_path: Path) -> None:
    pdf_script = load_script("pdf")
    assert pdf_script.main(["--repeat", "1", "--out", str(tmp_path / "pdf.json")]) == 0
    results = json.loads((tmp_path / "pdf.json").read_text(encoding="utf-8"))
    ours = results["libraries"]["ours (pypdfium2 + our step)"]
    # Five seeds, two producers; our text holds every Danish letter, word and line (no timing asserted).
    assert (results["documents"], ours["danish_letters"], ours["words"], ours["whole_lines"]) == (10, 1.0, 1.0, 1.0)
    assert ours["pages_per_second"] > 0
