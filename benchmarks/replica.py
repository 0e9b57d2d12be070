"""`make replica-demo`: the PostgreSQL engine scaled out on one machine, on loopback, end to end.

  1. a primary PostgreSQL cluster and one streaming replica made from it with pg_basebackup, each a
     throw-away data directory (run as the `postgres` user when this runs as root: PostgreSQL refuses
     to run as root), with PostgreSQL's default durability settings;
  2. a generated archive (benchmarks/generate.py, --items) indexed by `minutes index --engine
     postgresql` into the primary;
  3. two `minutes serve` processes reading the replica (MINUTES_DATABASE_URL), each with its own copy
     of the index directory, as web servers on other machines would have (so each prepares the facet
     state of a new commit itself, as they would);
  4. throughput of the search mix with --clients clients against one server, then spread over both;
  5. replica lag: a new meeting with a word no other holds is added and `minutes index` writes it to
     the primary; the time from the moment the primary shows the run's commit until each server's
     /api/search finds it, with the replay lag PostgreSQL reports (pg_stat_replication) then.

Prints a table and writes --out/replica.json (machine facts, settings, every figure). Everything it
started is stopped and removed at the end, also on an error or Ctrl-C.

Run: make replica-demo [REPLICA_ARGS="--items 100000"]
     .venv/bin/python benchmarks/replica.py [--items 2000] [--clients 8] [--seconds 10] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import psycopg
from psycopg import sql

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from load import Client, Server, minutes, percentile  # noqa: E402
from serving import HOST, free_port, get  # noqa: E402

NEW_WORD = "replikeringsprøve"  # in no generated meeting: found only once the new meeting is searchable
SEARCH_MIX = ["/api/search?q=revisionsberetning", "/api/search?q=budget+godkendt",
              "/api/search?q=%22status+p%C3%A5+revisionsberetning%22", "/api/search?q=revision%2A",
              "/api/search?q=kmd&decision=godkendt", "/api/search?q=", "/api/search?q=budget&sort=newest"]
POLL_SECONDS = 0.02


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: int(path.parts[-3]))
    if not found:
        raise SystemExit("replica-demo: no PostgreSQL server installed (apt-get install postgresql)")
    return found[-1].parent


class Cluster:
    """A PostgreSQL cluster in a directory of its own, owned by `postgres` when run as root."""

    def __init__(self, directory: Path, port: int) -> None:
        self.directory, self.port, self.bin = directory, port, postgres_bin()
        self.data = directory / "data"
        self.running = False

    def run(self, tool: str, *args: str) -> str:
        command = [str(self.bin / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout

    def prepare(self) -> None:
        self.directory.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")

    def init_primary(self) -> None:
        self.prepare()
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                 "--locale=C.UTF-8")
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n")

    def init_replica_of(self, primary: Cluster) -> None:
        self.prepare()
        # -R writes standby.signal and primary_conninfo: the copy starts as a streaming replica.
        self.run("pg_basebackup", "-h", HOST, "-p", str(primary.port), "-U", "postgres", "-D", str(self.data),
                 "-R", "-X", "stream", "-c", "fast")

    def start(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.directory / "server.log"), "-w", "-o",
                 f"-c listen_addresses={HOST} -p {self.port} -k {self.directory}", "start")
        self.running = True

    def stop(self) -> None:
        if self.running:
            self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
            self.running = False

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@{HOST}:{self.port}/{database}"

    def sql(self, query: str, database: str = "postgres") -> str:
        return self.run("psql", "-X", "-qAt", "-d", self.url(database), "-c", query).strip()


def run_minutes(*args: str, database: str) -> float:
    started = time.perf_counter()
    result = subprocess.run(minutes(*args), cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "MINUTES_DATABASE_URL": database})
    if result.returncode != 0:
        raise RuntimeError(f"minutes {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return time.perf_counter() - started


def throughput(ports: list[int], clients: int, seconds: float) -> dict:
    """The search mix from `clients` keep-alive clients, spread evenly over the servers' ports."""
    barrier, deadline = threading.Barrier(clients + 1), [float("inf")]
    workers = [Client(ports[k % len(ports)], SEARCH_MIX, offset=k, start=barrier, deadline=deadline)
               for k in range(clients)]
    for worker in workers:
        worker.start()
    barrier.wait()
    started = time.perf_counter()
    deadline[0] = time.monotonic() + seconds
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(x for worker in workers for x in worker.latencies)
    non_200 = sum(n for worker in workers for status, n in worker.statuses.items() if status != 200)
    errors = sum(sum(worker.errors.values()) for worker in workers)
    return {"servers": len(ports), "clients": clients, "seconds": round(elapsed, 2), "requests": len(latencies),
            "throughput_rps": round(len(latencies) / elapsed, 1),
            "p50_ms": round(percentile(latencies, 0.5) * 1000, 1), "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
            "non_200": non_200, "connection_errors": errors}


def hits(port: int, word: str) -> int:
    status, body = get(port, "/api/search?" + urllib.parse.urlencode({"q": word}), timeout=30.0)
    return json.loads(body)["total"] if status == 200 else -1


def committed_version(connection: psycopg.Connection, schema: str) -> int:
    version = connection.execute(sql.SQL("SELECT version FROM {}.state").format(sql.Identifier(schema))).fetchone()[0]
    connection.rollback()  # a fresh snapshot for the next look
    return version


def replica_lag(primary: Cluster, corpus: Path, index: Path, ports: list[int], timeout: float = 60.0) -> dict:
    """Add a meeting holding NEW_WORD and index it into the primary; from the moment the primary shows
    the run's commit, time until each server finds the meeting (polled every 20 ms while it runs)."""
    newest = max(corpus.glob("*.txt"))
    text = newest.read_text(encoding="utf-8")
    day = time.strftime("%d-%m-%Y", time.strptime(newest.stem, "%Y-%m-%d"))
    (corpus / "9999-12-31.txt").write_text(text.replace(day, "31-12-9999").replace(
        "Baggrund", f"Baggrund\n\nEn {NEW_WORD} af opdateringen.", 1), encoding="utf-8")
    assert all(hits(port, NEW_WORD) == 0 for port in ports)
    schema = json.loads(next(index.glob("gen-*/postgresql.json")).read_text(encoding="utf-8"))["schema"]
    found: dict[int, float] = {}
    with psycopg.connect(primary.url("minutes")) as connection:
        before = committed_version(connection, schema)
        started = time.perf_counter()
        builder = subprocess.Popen(minutes("index", "--corpus", str(corpus), "--index", str(index)), cwd=ROOT,
                                   env={**os.environ, "MINUTES_DATABASE_URL": primary.url("minutes")},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        committed = replay = None
        while len(found) < len(ports) and time.perf_counter() - started < timeout:
            if committed is None and committed_version(connection, schema) != before:
                committed = time.perf_counter()
                replay = primary.sql("SELECT coalesce(max(extract(epoch FROM replay_lag)), 0) FROM pg_stat_replication")
            for port in ports:
                if committed is not None and port not in found and hits(port, NEW_WORD) > 0:
                    found[port] = time.perf_counter() - committed
            time.sleep(POLL_SECONDS)
        _, errors = builder.communicate()
        index_seconds = time.perf_counter() - started
    if builder.returncode != 0:
        raise RuntimeError(f"minutes index failed:\n{errors}")
    if len(found) < len(ports):
        raise RuntimeError(f"the new meeting was not searchable on every server within {timeout:.0f} s")
    return {"index_seconds": round(index_seconds, 2), "commit_after_s": round(committed - started, 2),
            "searchable_after_commit_s": [round(found[port], 3) for port in ports],
            "postgresql_replay_lag_s": round(float(replay or 0), 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000, help="generated archive size (default 2000)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients in the throughput runs")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each throughput run")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="folder for replica.json")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="minutes-replica-"))
    if os.geteuid() == 0:
        os.chmod(work, 0o755)  # the postgres user reaches its data directories inside
    primary = Cluster(work / "primary", free_port())
    replica = Cluster(work / "replica", free_port())
    servers: list[Server] = []
    report: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                "platform": platform.platform(), "postgresql": postgres_bin().parts[-2]},
                    "settings": {"items": args.items, "clients": args.clients, "seconds": args.seconds}}
    try:
        log("primary: initdb and start")
        primary.init_primary()
        primary.start()
        primary.sql("CREATE DATABASE minutes")
        log("replica: pg_basebackup from the primary, start as a hot standby")
        replica.init_replica_of(primary)
        replica.start()
        corpus, index = work / "corpus", work / "index"
        log(f"{args.items} items: generating the archive")
        generate(corpus, args.items)
        log("minutes index --engine postgresql (into the primary)")
        report["build_seconds"] = round(run_minutes("index", "--engine", "postgresql", "--corpus", str(corpus),
                                                    "--index", str(index), database=primary.url("minutes")), 2)
        os.environ["MINUTES_DATABASE_URL"] = replica.url("minutes")  # the servers read the replica
        for number in (1, 2):
            copy = work / f"index-server-{number}"  # what a web server on another machine would hold
            shutil.copytree(index, copy, ignore=shutil.ignore_patterns("prepared-*", ".build.lock"))
            servers.append(Server(copy, work / f"server-{number}.log", threads=4))
        for server in servers:
            server.wait_healthy(timeout=120)
        log(f"throughput: {args.clients} clients, one server, then two")
        ports = [server.port for server in servers]
        report["throughput"] = [throughput(ports[:1], args.clients, args.seconds),
                                throughput(ports, args.clients, args.seconds)]
        # Who the servers read: their pooled connections to the database `minutes` on each cluster.
        count = ("SELECT count(*) FROM pg_stat_activity WHERE datname = 'minutes' "
                 "AND backend_type = 'client backend' AND pid <> pg_backend_pid()")
        report["server_connections"] = {"primary": int(primary.sql(count)), "replica": int(replica.sql(count))}
        log("replica lag: a new meeting into the primary, until both servers find it")
        report["replica_lag"] = replica_lag(primary, corpus, index, ports)
        report["servers_read"] = replica.url("minutes")
    finally:
        for server in servers:
            server.stop()
        for cluster in (replica, primary):
            try:
                cluster.stop()
            except subprocess.CalledProcessError as error:
                log(f"stopping {cluster.directory.name}: {error.stderr.strip()}")
        shutil.rmtree(work, ignore_errors=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "replica.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print_report(report)
    return 0


def print_report(report: dict) -> None:
    print(f"{report['settings']['items']:,} items, PostgreSQL {report['machine']['postgresql']}, "
          f"{report['machine']['cpus']} CPUs; build into the primary {report['build_seconds']} s")
    print("| servers | clients | requests/s | p50 ms | p95 ms | non-200 | errors |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for run in report["throughput"]:
        print(f"| {run['servers']} | {run['clients']} | {run['throughput_rps']} | {run['p50_ms']} | {run['p95_ms']} | "
              f"{run['non_200']} | {run['connection_errors']} |")
    print(f"connections of the servers to the database: {report['server_connections']}")
    lag = report["replica_lag"]
    print(f"update: minutes index {lag['index_seconds']} s, its commit {lag['commit_after_s']} s after it started; "
          f"searchable on the servers {', '.join(f'{s} s' for s in lag['searchable_after_commit_s'])} after the "
          f"commit (PostgreSQL replay lag then: {lag['postgresql_replay_lag_s']} s)")


if __name__ == "__main__":
    sys.exit(main())
