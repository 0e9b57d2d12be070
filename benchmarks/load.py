"""A bounded load test of `minutes serve`, on loopback only.

Builds a scaled copy of the corpus (as benchmarks/run.py does: each seed moved to many dates), indexes
it with `minutes index`, starts `minutes serve` on a free 127.0.0.1 port and drives it with clients:
one thread per client, each with its own keep-alive http.client connection, each looping over a fixed
mix of realistic requests (JSON searches with and without facet filters, HTML search pages, an item
page opened from a hit, a case history). Phases:

  1 client, 8 clients, 32 clients   - the same load for --seconds each
  8 clients during rebuilds         - the 8-client load while `minutes index --rebuild` runs again and
                                      again on the served index (every rebuild swaps generations); new
                                      rebuilds start for --seconds, and the load goes on until the last
                                      one has finished, so every swap happens under load

For each phase it prints requests completed, throughput (req/s), p50/p99/max latency (ms, from sending
a request to having read the whole response), non-200 responses (by status) and connection errors, and
one line of machine facts so figures quoted elsewhere say where they come from. A non-200 or a
connection error is a finding to report, not a failure of this script. The server is always stopped at
the end, also on Ctrl-C or an error. Standard library only.

Run: `make load` (or python benchmarks/load.py --seconds 10 [--copies 20] [--json]).
With the defaults (20 copies = 880 items, 10 s a phase) the whole run takes about a minute.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # benchmarks/ is not a package

from run import QUERIES, ROOT, scaled_corpus  # noqa: E402
from serving import HOST, free_port, get, stop_process, wait_for_health  # noqa: E402

REQUEST_TIMEOUT = 30.0  # seconds; a request slower than this counts as a connection error
PHASES = [("1 client", 1, False), ("8 clients", 8, False), ("32 clients", 32, False),
          ("8 clients during rebuilds", 8, True)]


def scaled_date(seed_stem: str) -> str:
    """The date scaled_corpus gives the first copy of a seed (seeds in sorted order, 3 days apart)."""
    seeds = [p.stem for p in sorted((ROOT / "corpus" / "hoeje-taastrup" / "direktionen").glob("*.txt"))]
    return (date(1990, 1, 1) + timedelta(days=3 * seeds.index(seed_stem))).isoformat()


def request_mix() -> list[str]:
    """The fixed list every client loops over. The scaled corpus lies in 1990 (not 2014-2018), so the
    facet filters use year=1990; the item page is the first copy of 2018-11-05's item 3 (KMD)."""
    item_date = scaled_date("2018-11-05")
    paths = [f"/api/search?q={quote(text)}" for text in QUERIES]
    paths += [
        "/api/search?q=&year=1990&decision=godkendt",
        "/api/search?q=kmd&year=1990&decision=godkendt",
        "/api/search?q=revisionsberetning&decision=taget-til-efterretning&sort=newest",
        "/?q=revisionsberetning",
        "/?q=kmd&year=1990&decision=godkendt",
        "/?q=&page=2",
        f"/moeder/{item_date}/punkt/3?q=kmd",
        "/sager/14/32918",
    ]
    return paths


def minutes(*args: str) -> list[str]:
    return [sys.executable, "-m", "indexer", *args]


class Server:
    """`minutes serve` as a child process; stop() is safe to call more than once."""

    def __init__(self, index: Path, log: Path, threads: int):
        self.port = free_port()
        self.log_path = log
        self.log = open(log, "wb")
        self.proc = subprocess.Popen(
            minutes("serve", "--index", str(index), "--host", HOST, "--port", str(self.port),
                    "--threads", str(threads)),
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def wait_healthy(self, timeout: float = 30.0) -> dict:
        return json.loads(wait_for_health(self.proc, self.port, self.log_tail, timeout, interval=0.1))

    def log_tail(self, lines: int = 20) -> str:
        """The last lines of the server's output, without waitress's queue-depth warnings (noise under load)."""
        self.log.flush()
        text = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join([line for line in text if "waitress.queue" not in line][-lines:])

    def stop(self) -> None:
        stop_process(self.proc)
        self.log.close()


class Client(threading.Thread):
    """One keep-alive connection, looping over the request mix (from its own offset) until the deadline."""

    def __init__(self, port: int, paths: list[str], offset: int, start: threading.Barrier, deadline: list[float]):
        super().__init__(daemon=True)
        self.port, self.paths, self.offset = port, paths, offset
        self.start_barrier, self.deadline = start, deadline
        self.latencies: list[float] = []
        self.statuses: Counter[int] = Counter()
        self.errors: Counter[str] = Counter()
        self.samples: list[str] = []  # the first few non-200s and errors, for the report

    def note(self, text: str) -> None:
        if len(self.samples) < 3:
            self.samples.append(text)

    def run(self) -> None:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        i = self.offset
        self.start_barrier.wait()
        try:
            while time.monotonic() < self.deadline[0]:
                path = self.paths[i % len(self.paths)]
                i += 1
                started = time.perf_counter()
                try:
                    conn.request("GET", path, headers={"Accept-Encoding": "identity"})
                    response = conn.getresponse()
                    body = response.read()
                except (OSError, http.client.HTTPException) as error:
                    self.errors[type(error).__name__] += 1
                    self.note(f"{path}: {type(error).__name__}: {error}")
                    conn.close()  # the next request opens a fresh connection
                    continue
                self.latencies.append(time.perf_counter() - started)
                self.statuses[response.status] += 1
                if response.status != 200:
                    self.note(f"{path}: {response.status} {body[:120]!r}")
        finally:
            conn.close()


def rebuild_loop(corpus: Path, index: Path, until: float, clients_deadline: list[float], result: dict) -> None:
    """Run `minutes index --rebuild` back to back, starting new ones until `until`; then stop the clients,
    so that every rebuild, the last one too, publishes its generation while the load is on."""
    try:
        while time.monotonic() < until:
            started = time.perf_counter()
            proc = result["proc"] = subprocess.Popen(
                minutes("index", "--corpus", str(corpus), "--index", str(index), "--rebuild"), cwd=ROOT,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
            output, _ = proc.communicate()
            result["seconds"].append(time.perf_counter() - started)
            if proc.returncode == 0:
                result["completed"] += 1
            else:
                result["failed"] += 1
                result.setdefault("failures", []).append(f"exit {proc.returncode}: {output.strip()[-300:]}")
    finally:
        clients_deadline[0] = time.monotonic()


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * fraction // 1))  # ceil(n * fraction)
    return sorted_values[int(rank) - 1]


def run_phase(name: str, clients: int, seconds: float, port: int, paths: list[str],
              rebuild: tuple[Path, Path] | None) -> dict:
    barrier = threading.Barrier(clients + 1)
    deadline = [float("inf")]
    workers = [Client(port, paths, offset=k * 3, start=barrier, deadline=deadline) for k in range(clients)]
    for worker in workers:
        worker.start()
    rebuilds: dict = {"completed": 0, "failed": 0, "seconds": []}
    rebuilder = None
    if rebuild is None:
        deadline[0] = time.monotonic() + seconds
    else:  # the clients run until the last rebuild has finished (see rebuild_loop)
        rebuilder = threading.Thread(target=rebuild_loop, daemon=True,
                                     args=(*rebuild, time.monotonic() + seconds, deadline, rebuilds))
    started = time.perf_counter()
    barrier.wait()
    try:
        if rebuilder is not None:
            rebuilder.start()
        for worker in workers:
            worker.join()
        elapsed = time.perf_counter() - started
        if rebuilder is not None:
            rebuilder.join()
    finally:  # on Ctrl-C or SIGTERM: stop the clients and a rebuild under way
        deadline[0] = 0.0
        proc = rebuilds.get("proc")
        if proc is not None and proc.poll() is None:
            proc.terminate()
            proc.wait()
    latencies = sorted(x for w in workers for x in w.latencies)
    statuses = sum((w.statuses for w in workers), Counter())
    errors = sum((w.errors for w in workers), Counter())
    phase = {
        "phase": name,
        "clients": clients,
        "seconds": round(elapsed, 2),
        "requests": len(latencies),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "max_ms": round(latencies[-1] * 1000, 1) if latencies else float("nan"),
        "non_200": sum(n for status, n in statuses.items() if status != 200),
        "non_200_by_status": {str(status): n for status, n in sorted(statuses.items()) if status != 200},
        "connection_errors": sum(errors.values()),
        "connection_errors_by_type": dict(errors),
        "samples": [s for w in workers for s in w.samples][:5],
    }
    if rebuild is not None:
        phase["rebuilds_completed"] = rebuilds["completed"]
        phase["rebuilds_failed"] = rebuilds["failed"]
        phase["rebuild_seconds_mean"] = round(sum(rebuilds["seconds"]) / max(1, len(rebuilds["seconds"])), 2)
        if rebuilds.get("failures"):
            phase["rebuild_failures"] = rebuilds["failures"][:3]
    return phase


def machine_facts(server_threads: int) -> dict:
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cpus": os.cpu_count(), "cpus_usable": affinity,
            "python": f"{platform.python_implementation()} {platform.python_version()}",
            "platform": f"{platform.system()} {platform.release()} {platform.machine()}",
            "server_threads": server_threads}


def print_table(report: dict) -> None:
    m, c = report["machine"], report["corpus"]
    print(f"minutes serve load test: {c['items']} items ({c['copies']} copies), {m['server_threads']} server "
          f"threads, {len(report['requests'])} request kinds, loopback")
    header = (f"{'phase':27} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} "
              f"{'non-200':>7} {'conn err':>8}")
    print(header)
    print("-" * len(header))
    for p in report["phases"]:
        print(f"{p['phase']:27} {p['requests']:8} {p['throughput_rps']:7.1f} {p['p50_ms']:7.1f} "
              f"{p['p99_ms']:7.1f} {p['max_ms']:7.1f} {p['non_200']:7} {p['connection_errors']:8}")
    for p in report["phases"]:
        notes = []
        if "rebuilds_completed" in p:
            notes.append(f"{p['rebuilds_completed']} rebuild{'s' * (p['rebuilds_completed'] != 1)} completed"
                         + (f", {p['rebuilds_failed']} failed" if p["rebuilds_failed"] else "")
                         + f" ({p['rebuild_seconds_mean']:.1f} s each under load; the phase ran "
                           f"{p['seconds']:.1f} s, until the last one finished)")
        if p["non_200_by_status"]:
            notes.append("non-200: " + ", ".join(f"{n}× {s}" for s, n in p["non_200_by_status"].items()))
        if p["connection_errors_by_type"]:
            notes.append("errors: " + ", ".join(f"{n}× {t}" for t, n in p["connection_errors_by_type"].items()))
        if notes:
            print(f"  {p['phase']}: " + "; ".join(notes))
        for sample in p["samples"]:
            print(f"    e.g. {sample}")
        for failure in p.get("rebuild_failures", []):
            print(f"    rebuild failed: {failure}")
    print(f"machine: {m['cpus']} CPUs ({m['cpus_usable']} usable), {m['python']}, {m['platform']}")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20, help="copies of the five seeds (44 items each)")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each phase")
    parser.add_argument("--threads", type=int, default=4, help="waitress worker threads (minutes serve --threads)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of a table")
    args = parser.parse_args()

    # SIGTERM unwinds like Ctrl-C, so the finally below stops the server either way.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    paths = request_mix()
    server = None
    with tempfile.TemporaryDirectory(prefix="minutes-load-") as tmp:
        try:
            corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
            corpus.mkdir()
            scaled_corpus(corpus, args.copies)
            log(f"indexing {args.copies} copies of the corpus ...")
            built = subprocess.run(minutes("index", "--corpus", str(corpus), "--index", str(index)),
                                   cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL)
            if built.returncode != 0:
                log(f"minutes index failed ({built.returncode}):\n{built.stdout}{built.stderr}")
                return 1
            log(built.stdout.strip())

            server = Server(index, Path(tmp) / "serve.log", args.threads)
            health = server.wait_healthy()
            log(f"minutes serve on http://{HOST}:{server.port}/ ({health['items']} items)")

            # Every request once, to warm caches and to catch a request that is wrong in itself.
            for path in paths:
                status, body = get(server.port, path, timeout=REQUEST_TIMEOUT)
                if status != 200:
                    log(f"warning: warm-up {path} answered {status}: {body[:200]!r}")

            phases = []
            for name, clients, with_rebuilds in PHASES:
                log(f"phase: {name} for {args.seconds:g} s ...")
                phases.append(run_phase(name, clients, args.seconds, server.port, paths,
                                        (corpus, index) if with_rebuilds else None))
                if server.proc.poll() is not None:
                    log(f"minutes serve died (exit {server.proc.returncode}):\n{server.log_tail()}")
                    return 1
            if any(p["non_200"] for p in phases):
                log("server log (last lines):\n" + server.log_tail(10))
        except KeyboardInterrupt:
            log("interrupted")
            return 130
        finally:
            if server is not None:
                server.stop()

    report = {"machine": machine_facts(args.threads),
              "corpus": {"copies": args.copies, "items": health["items"]},
              "requests": paths, "phases": phases}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_table(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
