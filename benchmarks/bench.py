"""`make bench`: our search engine, on each of its engines, against two references, side by side, at
several archive sizes.

For each size (--sizes, default 1000,10000,100000 items) an archive is generated in the corpus's own
format (benchmarks/generate.py, seed --seed) into a temporary folder, and then:

ours (E)       for every engine E of --engines (default: the embedded engines of indexer.engines,
               the default first: ours (tantivy), ours (whoosh); `--engines whoosh,tantivy,postgresql`
               adds PostgreSQL, in the database of MINUTES_DATABASE_URL), each with its own index:
               `minutes index --engine E` builds the index in a child process: build seconds (the
               summary line's, parsing included; and the process's wall time), items/s, the
               process's peak RSS (os.wait4, that child alone) and the index size on disk. Then
               /api/search latency of a fixed mix of eight queries (references.search_mix: one word,
               two words, a phrase, a prefix, a case number, a facet filter, browse, sort by date):
                 in process  through the Flask test client of webui.create_app(index)
                 over HTTP   `minutes serve` on a free 127.0.0.1 port per engine (the index says
                             which engine it is; the servers start one after the other and then all
                             run), one keep-alive http.client connection each; then each server's
                             RSS, the seconds from start to /healthz, the first search after
                             /healthz (before any other) against the same search warm, and, after
                             one more generated meeting is added to the archive and `minutes index`
                             (no --engine: the index's own) updates each index in turn under its
                             running server, the first search after the update against the same
                             search warm.
tantivy, FTS5  the references (benchmarks/references.py) on the same archive, parsed once with
               indexer.load.load_meeting (parse seconds reported apart, and added for a build time
               comparable with ours): build seconds, index size, and in-process latency of the same mix.

Every repetition is searched: the run turns off the answers a server keeps per index state
(MINUTES_CACHED_SEARCHES=0), which would answer repetitions from memory.

Engines alternate within every repetition (query by query, the order rotating each repetition), so
machine noise hits all alike: in process ours on every engine and the references, over HTTP the
servers of ours. Latency figures are nearest-rank p50/p95/p99 over all the samples of the mix
(--repeat per query and engine), per query the median; ratios are ours on each engine / each
reference (above 1: ours is slower). A single first-request or update figure is one sample, not a
median.

Writes benchmarks/results/bench-<sizes>.json (machine facts, settings, every figure per size and
engine: ours under "ours-<engine>", the references under "tantivy" and "fts5"), bench.md (the
tables) and bench.svg (p95 latency and build time against archive size, one line per engine), and
prints the tables. --quick is a smoke run of every code path on every engine (200 items, 3
repetitions; files named bench-quick*). A reference that cannot run here (tantivy not installed,
SQLite without FTS5) is left out with the reason printed and recorded.

Run: make bench [BENCH_ARGS="--sizes 1000,10000 --repeat 20"]
     .venv/bin/python benchmarks/bench.py [--sizes 1000,10000] [--repeat 20] [--engines whoosh,tantivy]
                                          [--references tantivy,fts5] [--quick] [--out DIR]
     A million items, on tantivy against the tantivy reference (about an hour here):
     make bench BENCH_ARGS="--sizes 1000000 --engines tantivy --references tantivy --out benchmarks/results/1m"
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))  # benchmarks/ is not a package
sys.path.insert(0, str(ROOT))

import plot  # noqa: E402
from serving import HOST, free_port, stop_process, wait_for_health  # noqa: E402
from generate import ArchiveGenerator, generate  # noqa: E402
from references import (  # noqa: E402
    REFERENCE_NAMES,
    MixEntry,
    load_items,
    make_reference,
    search_mix,
    unavailable_references,
)

from indexer.engines import DEFAULT_ENGINE, ENGINES, SERVER_ENGINES, get_engine  # noqa: E402
from indexer.load import load_meeting  # noqa: E402
from indexer.schema import current_generation, read_pointer  # noqa: E402


def ours_key(engine: str) -> str:
    """The key of ours on an engine (ours-whoosh, ours-tantivy), apart from the references' keys."""
    return f"ours-{engine}"


# The default engine first (tantivy), then the other embedded engines, then the server engines (postgresql), which run only
# when asked for (--engines), against the database of MINUTES_DATABASE_URL.
ALL_ENGINES = tuple(sorted(ENGINES, key=lambda name: (name != DEFAULT_ENGINE, name in SERVER_ENGINES, name)))
OUR_ENGINES = tuple(name for name in ALL_ENGINES if name not in SERVER_ENGINES)
ENGINE_LABELS = {**{ours_key(engine): f"ours ({engine})" for engine in ALL_ENGINES},
                 "tantivy": "tantivy", "fts5": "SQLite FTS5"}
DEFAULT_SIZES = (1000, 10000, 100000)
QUICK_SIZES = (200,)
QUICK_REPEAT = 3
UPDATE_ITEMS = 8  # items of the meeting added for the update measurement
WARM_SAMPLES = 5  # the same search again after a first request: its median is the warm figure
CASE_SAMPLE_FILES = 30  # the case number searched is the most frequent one in the first meetings
REQUEST_TIMEOUT = 120.0  # seconds; generous, so that no search is cut short by the client
# The summary line of `minutes index`: "index rebuilt: ... files; 880 items; 7.21 s[; 2 warnings]".
SUMMARY_RE = re.compile(r"^index (?:rebuilt|updated): .*?; (?P<seconds>[0-9.]+) s\b.*$", re.MULTILINE)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def machine_facts() -> dict:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cpus": os.cpu_count(), "cpus_usable": usable,
            "python": f"{platform.python_implementation()} {platform.python_version()}",
            "platform": f"{platform.system()} {platform.release()} {platform.machine()}",
            "started_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}


def minutes_command(*args: str) -> list[str]:
    """The `minutes` CLI of this interpreter's environment (its console script, else -m indexer)."""
    script = Path(sys.executable).with_name("minutes")
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "indexer", *args]


def index_mb(index: Path) -> float:
    """What an index of ours takes: its directory, and for a database engine its tables in the database."""
    size = directory_mb(index)
    engine = index_engine(index)
    if engine in SERVER_ENGINES:
        size += get_engine(engine).size_bytes(current_generation(index)) / 1e6
    return size


def drop_database_indexes(indexes: dict[str, Path]) -> None:
    """The schemas the run made in the database go with its temporary directory."""
    for index in indexes.values():
        engine = index_engine(index)
        if engine in SERVER_ENGINES and current_generation(index) is not None:
            get_engine(engine).drop(current_generation(index))


def directory_mb(path: Path) -> float:
    path = Path(path)
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


# -- child processes ---------------------------------------------------------------------------

@dataclass(slots=True)
class ChildRun:
    returncode: int
    seconds: float
    peak_rss_mb: float  # the peak resident set of that child alone (os.wait4's rusage)
    output: str


def run_child(command: list[str], log_path: Path) -> ChildRun:
    """Run a command to its end; its own peak RSS comes from os.wait4, not RUSAGE_CHILDREN, which
    would report the largest of all children so far."""
    started = time.perf_counter()
    with open(log_path, "wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # Ctrl-C: leave no build running behind us
            proc.kill()
            proc.wait()
            raise
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
    return ChildRun(proc.returncode, seconds, usage.ru_maxrss / 1024,  # ru_maxrss is in KiB on Linux
                    log_path.read_text(encoding="utf-8", errors="replace"))


def index_summary(output: str) -> tuple[str, float]:
    """The summary line of `minutes index` and the build seconds it reports."""
    found = list(SUMMARY_RE.finditer(output))
    if not found:
        raise RuntimeError(f"no summary line in the output of minutes index:\n{output[-2000:]}")
    return found[-1].group(0), float(found[-1]["seconds"])


def run_index(corpus: Path, index: Path, log_path: Path, engine: str | None = None) -> tuple[ChildRun, str, float]:
    """`minutes index` in a child process (--engine only if given: else the index's own engine);
    the run, its summary line and the build seconds that line reports."""
    command = minutes_command("index", "--corpus", str(corpus), "--index", str(index))
    run = run_child(command + (["--engine", engine] if engine else []), log_path)
    if run.returncode != 0:
        raise RuntimeError(f"{' '.join(command[1:])} failed ({run.returncode}):\n{run.output[-2000:]}")
    summary, seconds = index_summary(run.output)
    return run, summary, seconds


def index_engine(index: Path) -> str | None:
    """The engine the index records (what `minutes serve` and the search API open it with)."""
    return (read_pointer(index) or {}).get("engine")


def build_ours(corpus: Path, index: Path, log_path: Path, items: int, engine: str) -> dict:
    run, summary, seconds = run_index(corpus, index, log_path, engine)
    if index_engine(index) != engine:
        raise RuntimeError(f"minutes index --engine {engine} wrote an index of engine {index_engine(index)!r}")
    return {"seconds": seconds, "process_seconds": round(run.seconds, 3), "items": items,
            "items_per_second": round(items / seconds, 1), "peak_rss_mb": round(run.peak_rss_mb, 1),
            "index_mb": round(index_mb(index), 2), "summary": summary}


# -- latency -----------------------------------------------------------------------------------

def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, -(-len(sorted_values) * fraction // 1))  # ceil(n * fraction)
    return sorted_values[int(rank) - 1]


def latency_summary(samples: list[float]) -> dict:
    """p50/p95/p99 and mean in milliseconds of a list of seconds."""
    ordered = sorted(samples)
    return {"p50": round(percentile(ordered, 0.50) * 1000, 3), "p95": round(percentile(ordered, 0.95) * 1000, 3),
            "p99": round(percentile(ordered, 0.99) * 1000, 3),
            "mean": round(statistics.fmean(ordered) * 1000, 3), "samples": len(ordered)}


def api_path(entry: MixEntry) -> str:
    return "/api/search?" + urlencode(entry.params)


def flask_searcher(app) -> Callable[[MixEntry], int]:
    """GET /api/search through the app's test client; the JSON is read after the timer stops."""
    client = app.test_client()

    def search(entry: MixEntry) -> bytes:
        response = client.get(api_path(entry))
        if response.status_code != 200:
            raise RuntimeError(f"{api_path(entry)} answered {response.status_code}: {response.data[:300]!r}")
        return response.data

    return search


def hits_of(answer) -> int:
    """The hit count: references return it, our API returns its JSON body."""
    return answer if isinstance(answer, int) else json.loads(answer)["total"]


def measure_alternating(mix: list[MixEntry], engines: dict[str, Callable[[MixEntry], object]],
                        repeat: int) -> dict[str, dict]:
    """Time every engine on every query `repeat` times, engine after engine for each query, the
    engines' order rotating each repetition. One untimed run first warms caches and gives the hits."""
    names = list(engines)
    hits = {name: {e.name: hits_of(engines[name](e)) for e in mix} for name in names}
    samples: dict[str, dict[str, list[float]]] = {name: {e.name: [] for e in mix} for name in names}
    for repetition in range(repeat):
        shift = repetition % len(names)
        order = names[shift:] + names[:shift]
        for entry in mix:
            for name in order:
                search = engines[name]
                started = time.perf_counter()
                search(entry)
                samples[name][entry.name].append(time.perf_counter() - started)
    return {name: {"all": [s for e in mix for s in samples[name][e.name]], "per_query": samples[name],
                   "hits": hits[name]} for name in names}


# -- the server --------------------------------------------------------------------------------

class Server:
    """`minutes serve` as a child process, and one keep-alive client connection to it."""

    def __init__(self, index: Path, log_path: Path) -> None:
        self.port = free_port()
        self.log_path = log_path
        self.log = open(log_path, "wb")  # noqa: SIM115 - closed by stop()
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            minutes_command("serve", "--index", str(index), "--host", HOST, "--port", str(self.port)),
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.connection: http.client.HTTPConnection | None = None

    def wait_healthy(self, timeout: float = 120.0) -> float:
        """Seconds from the start of the process until /healthz answers 200."""
        wait_for_health(self.proc, self.port, self.log_tail, timeout)
        return time.perf_counter() - self.started

    def get(self, path: str) -> tuple[int, bytes]:
        """GET over the one keep-alive connection of this benchmark's client. The server closes a
        connection idle for 10 s (as it should: webui/server.py), as this one is while the other
        engines' indexes are updated: then it opens a new one."""
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
            try:
                self.connection.request("GET", path)
                response = self.connection.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def search(self, entry: MixEntry) -> bytes:
        status, body = self.get(api_path(entry))
        if status != 200:
            raise RuntimeError(f"{api_path(entry)} answered {status}: {body[:300]!r}")
        return body

    def timed_search(self, entry: MixEntry) -> tuple[float, int]:
        started = time.perf_counter()
        body = self.search(entry)
        return time.perf_counter() - started, hits_of(body)

    def items(self) -> int:
        status, body = self.get("/healthz")
        return json.loads(body)["items"] if status == 200 else -1

    def memory_mb(self) -> dict:
        """VmRSS (now) and VmHWM (peak) of the server process, from /proc (Linux)."""
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return {"rss_mb": None, "peak_rss_mb": None}
        fields = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.MULTILINE))
        return {"rss_mb": round(int(fields["VmRSS"]) / 1024, 1), "peak_rss_mb": round(int(fields["VmHWM"]) / 1024, 1)}

    def log_tail(self, lines: int = 20) -> str:
        self.log.flush()
        return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.connection is not None:
            self.connection.close()
        stop_process(self.proc)
        self.log.close()


def warm_ms(server: Server, entry: MixEntry) -> float:
    return statistics.median(server.timed_search(entry)[0] for _ in range(WARM_SAMPLES)) * 1000


def start_figures(server: Server, entry: MixEntry) -> dict:
    """Start → /healthz, then the first search the server answers and the same search warm."""
    startup_seconds = server.wait_healthy()
    first_seconds, _ = server.timed_search(entry)
    return {"startup_seconds": round(startup_seconds, 3), "first_request_ms": round(first_seconds * 1000, 3),
            "warm_request_ms": round(warm_ms(server, entry), 3), "query": entry.name}


def update_figures(server: Server, corpus: Path, index: Path, entry: MixEntry, added: Path, log_path: Path) -> dict:
    """`minutes index` (no --engine: the index's own) under the running server, then the first
    search right after the build finished and the same search warm."""
    engine = index_engine(index)
    items_before = server.items()
    run, summary, seconds = run_index(corpus, index, log_path)
    if not summary.startswith("index updated") or index_engine(index) != engine:
        raise RuntimeError(f"the update of the {engine} index did not update it in place: {summary}")
    first_seconds, _ = server.timed_search(entry)
    return {"added_file": added.name, "items_added": UPDATE_ITEMS, "build_seconds": seconds,
            "process_seconds": round(run.seconds, 3), "peak_rss_mb": round(run.peak_rss_mb, 1),
            "first_request_ms": round(first_seconds * 1000, 3), "warm_request_ms": round(warm_ms(server, entry), 3),
            "items_before": items_before, "items_after": server.items()}  # /healthz: the server saw the update


def measure_servers(indexes: dict[str, Path], corpus: Path, mix: list[MixEntry], repeat: int, seed: int,
                    workdir: Path) -> dict[str, dict]:
    """Per key of `indexes` (one index per engine of ours), `minutes serve` on it: latency over HTTP
    (the servers alternating), memory, the first search after start and after an update of the index."""
    first_entry = mix[0]
    servers: dict[str, Server] = {}
    serve: dict[str, dict] = {}
    try:
        for key, index in indexes.items():  # one after the other: no start competes with another
            servers[key] = Server(index, workdir / f"serve-{key}.log")
            serve[key] = start_figures(servers[key], first_entry)
        measured = measure_alternating(mix, {key: server.search for key, server in servers.items()}, repeat)
        for key, server in servers.items():
            serve[key].update(server.memory_mb())

        # The update: one more meeting in the archive, indexed into each index in turn.
        last_day = max(date.fromisoformat(p.stem) for p in corpus.glob("*.txt"))
        added = ArchiveGenerator(seed + 1, first_day=last_day + timedelta(days=1)).write_meeting(corpus, UPDATE_ITEMS)
        for key, server in servers.items():
            serve[key]["update"] = update_figures(server, corpus, indexes[key], first_entry, added,
                                                  workdir / f"update-{key}.log")
        return {key: {"latency": measured[key], "serve": serve[key]} for key in servers}
    finally:
        for server in servers.values():
            server.stop()


# -- one archive size --------------------------------------------------------------------------

def pick_case_number(corpus: Path) -> str:
    """The most frequent case number of the first meetings (ties: the smallest), so the case query
    has a real case history to find."""
    counts: dict[str, int] = {}
    for path in sorted(corpus.glob("*.txt"))[:CASE_SAMPLE_FILES]:
        for item in load_meeting(path).items:
            if item.case_number:
                counts[item.case_number] = counts.get(item.case_number, 0) + 1
    return min(counts, key=lambda case: (-counts[case], case))


def close_app(app) -> None:
    """Close the in-process app's index (its open files) before the temporary folder goes."""
    from webui.searcher import get_searcher

    with app.app_context():
        get_searcher().close()


def per_query_medians(measured: dict) -> dict[str, float]:
    return {name: round(statistics.median(samples) * 1000, 3) for name, samples in measured["per_query"].items()}


def run_size(size: int, repeat: int, seed: int, our_engines: list[str], references: list[str],
             skipped: dict[str, str]) -> dict:
    from webui import create_app

    with tempfile.TemporaryDirectory(prefix=f"minutes-bench-{size}-") as tmp, ExitStack() as cleanup:
        workdir = Path(tmp)
        corpus = workdir / "corpus"
        indexes = {ours_key(engine): workdir / f"index-{engine}" for engine in our_engines}
        cleanup.callback(drop_database_indexes, indexes)  # before the directories naming them go
        log(f"{size} items: generating the archive ...")
        started = time.perf_counter()
        generated = generate(corpus, size, seed)
        archive = {"items": generated, "meetings": len(list(corpus.glob("*.txt"))),
                   "mb": round(directory_mb(corpus), 2), "seed": seed,
                   "generate_seconds": round(time.perf_counter() - started, 2),
                   "case_number": pick_case_number(corpus)}
        mix = search_mix(archive["case_number"])

        engines: dict[str, dict] = {}
        for engine in our_engines:
            key = ours_key(engine)
            log(f"{size} items: minutes index --engine {engine} ...")
            engines[key] = {"build": build_ours(corpus, indexes[key], workdir / f"index-{key}.log", generated, engine)}
            log(f"  {engines[key]['build']['summary']}")

        built = {}
        if references:
            log(f"{size} items: parsing the archive for the references ...")
            started = time.perf_counter()
            items = load_items(corpus)
            parse_seconds = time.perf_counter() - started
            for name in references:
                log(f"{size} items: building {ENGINE_LABELS[name]} ...")
                (workdir / "references").mkdir(exist_ok=True)
                reference = make_reference(name, workdir / "references")
                seconds = reference.build(items)
                built[name] = reference
                engines[name] = {"build": {
                    "seconds": round(seconds, 3), "parse_seconds": round(parse_seconds, 3),
                    "seconds_with_parse": round(seconds + parse_seconds, 3),
                    "items_per_second": round(generated / (seconds + parse_seconds), 1),
                    "index_mb": round(directory_mb(reference.location), 2)}}
            del items

        log(f"{size} items: in-process latency, {repeat} repetitions of {len(mix)} queries ...")
        apps = {}
        try:
            for key, index in indexes.items():
                apps[key] = create_app(index)
            searchers = {**{key: flask_searcher(app) for key, app in apps.items()},
                         **{name: ref.search for name, ref in built.items()}}
            measured = measure_alternating(mix, searchers, repeat)
        finally:
            for app in apps.values():
                close_app(app)
            for reference in built.values():
                reference.close()
        for name, result in measured.items():
            medians = per_query_medians(result)
            engines[name]["latency_ms"] = {"in_process": latency_summary(result["all"])}
            engines[name]["per_query"] = {query: {"hits": result["hits"][query], "in_process_p50_ms": medians[query]}
                                          for query in medians}

        log(f"{size} items: minutes serve over HTTP ({', '.join(our_engines)}) ...")
        for key, server in measure_servers(indexes, corpus, mix, repeat, seed, workdir).items():
            ours = engines[key]
            ours["latency_ms"]["http"] = latency_summary(server["latency"]["all"])
            for query, median in per_query_medians(server["latency"]).items():
                ours["per_query"][query].update(http_p50_ms=median, http_hits=server["latency"]["hits"][query])
            ours["serve"] = server["serve"]

    for name, reason in skipped.items():
        engines[name] = {"skipped": reason}
    return {"archive": archive, "mix": [{"name": e.name, "path": api_path(e)} for e in mix],
            "engines": engines, "ratios": ratios(engines, list(indexes))}


def ratios(engines: dict[str, dict], ours_keys: list[str]) -> dict[str, dict]:
    """Each of ours / each reference, keyed "ours-<engine>/<reference>": build time (parsing included
    on both sides) and the latency percentiles."""
    result = {}
    for key in ours_keys:
        ours = engines[key]
        for name, reference in engines.items():
            if name in ours_keys or "skipped" in reference:
                continue
            result[f"{key}/{name}"] = {
                "build": round(ours["build"]["seconds"] / reference["build"]["seconds_with_parse"], 2),
                **{p: round(ours["latency_ms"]["in_process"][p] / reference["latency_ms"]["in_process"][p], 2)
                   for p in ("p50", "p95", "p99")}}
    return result


# -- main --------------------------------------------------------------------------------------

def parse_sizes(text: str) -> list[int]:
    sizes = [int(part) for part in text.split(",") if part.strip()]
    if not sizes or any(size < 5 for size in sizes):
        raise argparse.ArgumentTypeError("sizes are comma-separated item counts of at least 5, e.g. 1000,10000")
    return sizes


def parse_engines(text: str) -> list[str]:
    engines = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [engine for engine in engines if engine not in ENGINES]
    if not engines or unknown or len(set(engines)) < len(engines):
        raise argparse.ArgumentTypeError(f"engines are comma-separated names of our engines, each once "
                                         f"(known: {','.join(ALL_ENGINES)}); got {text!r}")
    return engines


def parse_references(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names or any(name not in REFERENCE_NAMES for name in names) or len(set(names)) < len(names):
        raise argparse.ArgumentTypeError(f"references are comma-separated names, each once "
                                         f"(known: {','.join(REFERENCE_NAMES)}); got {text!r}")
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=parse_sizes, help="archive sizes in items, comma-separated "
                        f"(default {','.join(map(str, DEFAULT_SIZES))}; --quick: {','.join(map(str, QUICK_SIZES))})")
    parser.add_argument("--repeat", type=int, help=f"timed runs per query and engine (default 20; --quick: {QUICK_REPEAT})")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run of every code path on every engine, well under a minute")
    parser.add_argument("--engines", type=parse_engines, default=list(OUR_ENGINES),
                        help="our engines to measure, each as its own entry, comma-separated "
                             f"(default: the embedded ones, {','.join(OUR_ENGINES)}; {','.join(SERVER_ENGINES)} "
                             "writes to the database of MINUTES_DATABASE_URL)")
    parser.add_argument("--references", type=parse_references, default=list(REFERENCE_NAMES),
                        help=f"references to measure beside ours, comma-separated (default: {','.join(REFERENCE_NAMES)}); "
                             "at a million items SQLite FTS5 alone takes a quarter of an hour to build")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated archives")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="folder for the JSON, Markdown and SVG")
    args = parser.parse_args(argv)
    sizes = args.sizes or list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    repeat = args.repeat or (QUICK_REPEAT if args.quick else 20)
    if repeat < 1:
        parser.error("--repeat must be at least 1")

    skipped = unavailable_references()
    skipped.update({name: "not asked for (--references)" for name in REFERENCE_NAMES
                    if name not in args.references and name not in skipped})
    for name, reason in skipped.items():
        print(f"bench: {ENGINE_LABELS[name]} left out: {reason}", file=sys.stderr, flush=True)
    references = [name for name in REFERENCE_NAMES if name not in skipped]

    # Every search is searched: the answers a server keeps per index state (indexer.search.AnswerCache)
    # would answer each repetition from memory. This process's apps and the servers it starts read it.
    os.environ["MINUTES_CACHED_SEARCHES"] = "0"
    keys = [*map(ours_key, args.engines), *REFERENCE_NAMES]
    report = {"machine": machine_facts(),
              "settings": {"sizes": sizes, "repeat": repeat, "seed": args.seed, "quick": args.quick,
                           "cached_searches": 0,
                           "our_engines": args.engines, "engines": keys,
                           "labels": {key: ENGINE_LABELS[key] for key in keys}},
              "sizes": {}}
    stem = "bench-quick" if args.quick else "bench"
    paths = (args.out / f"{stem}-{'-'.join(map(str, sizes))}.json", args.out / f"{stem}.md", args.out / f"{stem}.svg")
    started = time.perf_counter()
    for size in sizes:
        report["sizes"][str(size)] = run_size(size, repeat, args.seed, args.engines, references, skipped)
        report["seconds"] = round(time.perf_counter() - started, 1)
        write_results(report, *paths)  # after every size: a long run that fails later keeps these
    print(plot.markdown(report))
    print(f"wrote {', '.join(map(str, paths))} ({report['seconds']:.0f} s)")
    return 0


def write_results(report: dict, json_path: Path, markdown_path: Path, svg_path: Path) -> None:
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    markdown_path.write_text(plot.markdown(report), encoding="utf-8")
    plot.write_svg(report, svg_path)


if __name__ == "__main__":
    sys.exit(main())
