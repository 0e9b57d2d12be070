"""The `minutes` command, run as users run it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import main

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_parse_json_follows_the_contract() -> None:
    result = run("parse", "--json", CORPUS / "hoeje-taastrup" / "direktionen" / "2018-11-05.txt")
    assert result.exit_code == 0
    [meeting] = json.loads(result.output)
    assert sorted(meeting) == ["attendance", "committee", "date", "id", "items", "layout", "location", "municipality",
                               "pages", "participants", "published_url", "recognised_pages", "source", "start_time",
                               "status"]
    assert (meeting["status"], meeting["published_url"]) == ("referat", None)  # minutes from a file
    assert (meeting["municipality"], meeting["committee"], meeting["layout"]) == (
        "Høje-Taastrup", "Direktionen", "direktionen")
    assert (meeting["id"], meeting["date"], meeting["start_time"], meeting["participants"][-1]) == (
        "hoeje-taastrup-direktionen-2018-11-05", "2018-11-05", "10:00", {"name": "Kathrine Seier Skastrup", "role": "sekretær"})
    item = meeting["items"][1]
    assert sorted(item) == ["attachment_files", "attachments", "attendance", "case_number", "centres", "closed", "decision",
                            "id", "number", "other_titles", "page", "proposers", "published_pdf", "published_url",
                            "recognised", "sections", "title"]
    assert (item["id"], item["decision"]["types"]) == ("hoeje-taastrup-direktionen-2018-11-05-2", ["taget-til-efterretning", "udskudt"])
    assert sorted(item["sections"][0]) == ["heading", "kind", "text"]


def test_parse_summary_is_readable() -> None:
    result = run("parse", CORPUS / "hoeje-taastrup" / "direktionen" / "2017-12-04.txt")
    assert result.exit_code == 0
    assert "   6. Driftssituationen med KMD (16/4232) — Taget til efterretning [1 bilag; centre: ØDC]" in result.output


def test_parse_bad_files_one_line_each_and_good_ones_still_parse(tmp_path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\x00\x00\x00")
    (tmp_path / "letter.txt").write_text("Kære borger\n", encoding="utf-8")
    good = CORPUS / "hoeje-taastrup" / "direktionen" / "2014-08-26.txt"
    result = run("parse", "--json", tmp_path / "empty.txt", tmp_path / "image.txt", tmp_path / "letter.txt",
                 tmp_path / "missing.txt", good)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"minutes: {tmp_path / 'empty.txt'}: empty document",
        f"minutes: {tmp_path / 'image.txt'}: binary file (contains NUL bytes), not a text document",
        f"minutes: {tmp_path / 'letter.txt'}: not minutes: no layout finds agenda items in it ('minutes layouts' lists the layouts)",
        f"minutes: {tmp_path / 'missing.txt'}: cannot read: No such file or directory",
    ]
    assert [m["id"] for m in json.loads(result.stdout)] == ["hoeje-taastrup-direktionen-2014-08-26"]


def test_index_prints_one_summary_line_and_fails_on_a_bad_file(tmp_path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "hoeje-taastrup" / "direktionen" / "junk.txt").write_text("ikke et referat\n", encoding="utf-8")
    result = run("index", "--corpus", corpus, "--index", tmp_path / "index")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"minutes: {corpus / 'hoeje-taastrup/direktionen/junk.txt'}: not minutes: no layout finds agenda items in it ('minutes layouts' lists the layouts)"]
    [summary] = result.stdout.splitlines()
    assert summary.startswith("index rebuilt: 5 new, 0 changed, 0 unchanged, 0 removed, 1 failed files; 44 items; ")


def cut_before_item_5(source: Path, target: Path) -> None:
    text = source.read_text(encoding="utf-8")
    target.write_text(text[:text.index("Punkt 5:")], encoding="utf-8")


def test_index_warns_by_name_about_a_cut_off_file_and_still_succeeds(tmp_path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    path = corpus / "hoeje-taastrup" / "direktionen" / "2017-12-04.txt"
    cut_before_item_5(path, path)  # its contents list names 10 items
    result = run("index", "--corpus", corpus, "--index", tmp_path / "index")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"minutes: {path}: warning: the contents list names 10 items but the file holds 4 (the last is item 4); "
        "it may be cut off"]
    [summary] = result.stdout.splitlines()
    assert summary.startswith("index rebuilt: 5 new, 0 changed, 0 unchanged, 0 removed, 0 failed files; 38 items; ")
    assert summary.endswith(" s; 1 warnings")


def test_parse_warns_about_a_cut_off_file(tmp_path) -> None:
    path = tmp_path / "2017-12-04.txt"
    cut_before_item_5(CORPUS / "hoeje-taastrup" / "direktionen" / "2017-12-04.txt", path)
    result = run("parse", path)
    assert (result.exit_code, result.stderr) == (0, f"minutes: {path}: warning: the contents list names 10 items "
                                                    "but the file holds 4 (the last is item 4); it may be cut off\n")


def test_index_refuses_a_file_over_max_file_mb(tmp_path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    result = run("index", "--corpus", corpus, "--index", tmp_path / "index", "--max-file-mb", "0.04")
    # 2016-11-30 (39,102 bytes) and 2018-11-05 (38,137) fit under 40 KB; 2017-12-04 (44,234) does not.
    assert (result.exit_code, result.stderr.splitlines()) == (1, [
        f"minutes: {corpus / 'hoeje-taastrup/direktionen/2017-12-04.txt'}: too large: 0.0442 MB, the limit is 0.04 MB (--max-file-mb)"])


def test_index_jobs_reads_with_that_many_workers_and_refuses_zero(tmp_path) -> None:
    result = run("index", "--corpus", CORPUS, "--index", tmp_path / "index", "--jobs", "2")
    # the corpus: five Direktionen minutes, 44 items
    assert (result.exit_code, result.stdout.split(";")[0], result.stdout.split(";")[1]) == (
        0, "index rebuilt: 5 new, 0 changed, 0 unchanged, 0 removed, 0 failed files", " 44 items")
    refused = run("index", "--corpus", CORPUS, "--index", tmp_path / "index", "--jobs", "0")
    assert (refused.exit_code, refused.stderr.splitlines()[-1]) == (
        2, "Error: Invalid value for '--jobs': 0 is not in the range x>=1.")


def test_search_json(index_dir) -> None:
    result = run("search", "--json", "--index", index_dir, "--case", "14/32918")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [h["url"] for h in data["hits"]] == [f"/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/{n}" for n in (1, 2, 3, 8)]


def test_search_finds_a_word_inside_compounds(index_dir) -> None:
    result = run("search", "--json", "--index", index_dir, "fravær")
    data = json.loads(result.output)
    assert (sorted(hit["id"] for hit in data["hits"]), data["suggestion"]) == (
        ["hoeje-taastrup-direktionen-2015-12-07-5", "hoeje-taastrup-direktionen-2016-11-30-3"], None)


def test_search_with_filters(index_dir) -> None:
    result = run("search", "--json", "--index", index_dir, "--year", "2014", "--year", "2018", "--limit", "20")
    assert json.loads(result.output)["total"] == 16


def test_search_readable_output(index_dir) -> None:
    result = run("search", "--index", index_dir, "KMD", "--sort", "oldest")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("3 punkter (")
    assert lines[2] == "Direktionen 2014-08-26 punkt 3: Status på revisionsberetninger  [14/17334] Taget til efterretning"
    # A link to open: where `minutes serve` answers by default, at the section that matched.
    assert lines[3] == "  http://127.0.0.1:8000/moeder/hoeje-taastrup-direktionen-2014-08-26/punkt/3#sagsfremstilling"


def test_search_output_says_punkt_for_one_and_links_to_the_base_url_given(index_dir, monkeypatch) -> None:
    # The one audit-report item of 2018: 2018-11-05 #3, matched under Baggrund (see test_webui.py).
    result = run("search", "--index", index_dir, "revisionsberetning", "--year", "2018",
                 "--base-url", "https://referater.example.dk/")
    lines = result.output.splitlines()
    assert (lines[0].split(" (")[0], lines[3]) == (
        "1 punkt", "  https://referater.example.dk/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/3#baggrund")
    monkeypatch.setenv("MINUTES_BASE_URL", "http://intra.htk.example")
    lines = run("search", "--index", index_dir, "revisionsberetning", "--year", "2018").output.splitlines()
    assert lines[3] == "  http://intra.htk.example/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/3#baggrund"


@pytest.mark.parametrize("args, message", [
    (["--year", "abc"], "minutes: --year: 'abc' er ikke et årstal"),
    (["--page", "-1"], "minutes: --page: skal være mellem 1 og 1000"),
    (["--from", "2018-13-01"], "minutes: --from: '2018-13-01' er ikke en dato på formen ÅÅÅÅ-MM-DD"),
    (["--sort", "best"], "minutes: --sort: skal være en af relevance, newest, oldest"),
])
def test_search_bad_parameters_are_one_line_errors(index_dir, args, message) -> None:
    result = run("search", "--index", index_dir, *args)
    assert (result.exit_code, result.stderr.strip()) == (2, message)


def test_search_without_index_says_so(tmp_path) -> None:
    result = run("search", "--index", tmp_path / "nowhere", "KMD")
    assert (result.exit_code, result.stderr.strip()) == (
        1, f"minutes: {tmp_path / 'nowhere'}: no index here; run 'minutes index' first")


# The corpus: 2014-08-26 (Punkt 1-7), 2015-12-07 (1-8), 2016-11-30 (1-10), 2017-12-04 (1-10), 2018-11-05 (1-9).
CORPUS_ITEMS = [f"hoeje-taastrup-direktionen-{day}-{number}"
                for day, count in (("2014-08-26", 7), ("2015-12-07", 8), ("2016-11-30", 10), ("2017-12-04", 10),
                                   ("2018-11-05", 9)) for number in range(1, count + 1)]


def test_export_writes_every_item_as_json_lines_oldest_first(index_dir) -> None:
    result = run("export", "--index", index_dir, "--base-url", "https://referater.example.dk")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert (result.exit_code, [record["id"] for record in records]) == (0, CORPUS_ITEMS)
    audit = records[CORPUS_ITEMS.index("hoeje-taastrup-direktionen-2018-11-05-3")]
    assert (audit["title"], audit["case_number"], audit["meeting"]["date"], audit["url"].split("/")[2]) == (
        "Status for revisionsberetning 2017 på BAC's område", "18/18580", "2018-11-05", "referater.example.dk")
    assert audit["sections"][0]["text"].startswith("Revisionsberetningen for 2017 viser på Borger- og "
                                                   "Arbejdsmarkedscenteret område fejl og mangler")


def test_export_writes_a_csv_file_with_a_row_an_item(index_dir, tmp_path) -> None:
    import csv

    target = tmp_path / "arkiv.csv"
    result = run("export", "--index", index_dir, "--format", "csv", "--output", target)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", f"44 punkter skrevet til {target}\n")
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["id", "meeting_date", "municipality", "committee", "number", "title", "case_number", "closed",
                       "decision_types", "decision", "centres", "proposers", "attachments", "url", "text"]
    assert [row[0] for row in rows[1:]] == CORPUS_ITEMS
    audit = dict(zip(rows[0], rows[1 + CORPUS_ITEMS.index("hoeje-taastrup-direktionen-2018-11-05-3")]))
    assert {key: audit[key] for key in ("meeting_date", "committee", "number", "title", "case_number", "closed")} == {
        "meeting_date": "2018-11-05", "committee": "Direktionen", "number": "3",
        "title": "Status for revisionsberetning 2017 på BAC's område", "case_number": "18/18580", "closed": "false"}
    assert "Revisionsberetningen for 2017 viser" in audit["text"]


def test_export_names_a_missing_index_and_an_unwritable_file(index_dir, tmp_path) -> None:
    missing = run("export", "--index", tmp_path / "nothing")
    assert (missing.exit_code, missing.stderr) == (1, f"minutes: {tmp_path / 'nothing'}: no index here; "
                                                      "run 'minutes index' first\n")
    unwritable = run("export", "--index", index_dir, "--output", tmp_path / "no-such-folder" / "x.jsonl")
    assert (unwritable.exit_code, unwritable.stderr) == (
        1, f"minutes: {tmp_path / 'no-such-folder' / 'x.jsonl'}: cannot write: No such file or directory\n")
