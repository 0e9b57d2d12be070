"""`make replica-demo` end to end, small: a primary and a streaming replica of its own, `minutes index`
writing to the primary, two `minutes serve` reading the replica, and an update that both find."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_two_servers_read_a_replica_and_find_an_update_written_to_the_primary(tmp_path) -> None:
    if not list(Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup")):
        pytest.skip("replica demo not run: no PostgreSQL server installed (apt-get install postgresql)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("replica demo not run: as root it needs runuser to start PostgreSQL as postgres")
    result = subprocess.run([sys.executable, "benchmarks/replica.py", "--items", "200", "--clients", "4",
                             "--seconds", "1", "--out", str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                            env={key: value for key, value in os.environ.items() if key != "MINUTES_DATABASE_URL"})
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads((tmp_path / "replica.json").read_text(encoding="utf-8"))
    assert [(run["servers"], run["non_200"], run["connection_errors"], run["requests"] > 0)
            for run in report["throughput"]] == [(1, 0, 0, True), (2, 0, 0, True)]
    lag = report["replica_lag"]
    assert len(lag["searchable_after_commit_s"]) == 2 and lag["commit_after_s"] <= lag["index_seconds"]
    # The servers' connections are all on the replica; the primary has none (the builder had ended).
    connections = report["server_connections"]
    assert (connections["primary"], connections["replica"] >= 2) == (0, True)
    assert not list(Path(tempfile.gettempdir()).glob("minutes-replica-*"))  # everything it made is gone
