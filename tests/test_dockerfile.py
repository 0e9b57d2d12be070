"""No Docker engine runs here, so check what can be checked: the Dockerfile's commands exist."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from indexer.cli import main

ROOT = Path(__file__).resolve().parent.parent
LINES = [line.strip() for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ").splitlines()
         if line.strip() and not line.lstrip().startswith("#")]


def instructions(name: str) -> list[str]:
    return [line.split(None, 1)[1] for line in LINES if line.split(None, 1)[0] == name]


def test_slim_base_and_non_root_user() -> None:
    assert re.fullmatch(r"python:3\.1[1-9]-slim", instructions("FROM")[0])
    assert instructions("USER") == ["minutes"]


def test_copied_paths_exist() -> None:
    for copy in instructions("COPY"):
        *sources, _target = copy.split()
        for source in sources:
            assert (ROOT / source).exists(), source


def minutes_invocations() -> list[list[str]]:
    commands = []
    for text in instructions("RUN") + instructions("CMD"):
        if text.startswith("["):
            words = json.loads(text)
            text = words[2] if words[:2] == ["sh", "-c"] else shlex.join(words)
        for part in re.split(r"&&|;|\bthen\b|\belse\b", text):
            words = shlex.split(part)
            commands.append(words[1:] if words[:1] == ["exec"] else words)
    return [c for c in commands if c and c[0] == "minutes"]


def test_minutes_commands_and_options_exist() -> None:
    invocations = minutes_invocations()
    assert sorted(c[1] for c in invocations) == ["index", "index", "serve", "serve"]
    for command in invocations:
        known = {opt for param in main.commands[command[1]].params for opt in param.opts}
        assert {arg for arg in command[2:] if arg.startswith("--")} <= known, command


def test_served_on_all_interfaces_with_a_healthcheck_on_healthz() -> None:
    serves = [c for c in minutes_invocations() if c[1] == "serve"]
    assert [c[c.index("--host") + 1] for c in serves] == ["0.0.0.0", "0.0.0.0"]
    [healthcheck] = instructions("HEALTHCHECK")
    assert "http://127.0.0.1:8000/healthz" in healthcheck


def test_your_own_minutes_are_indexed_from_the_data_volume_and_served() -> None:
    index_runs = [c for c in minutes_invocations() if c[1] == "index"]
    assert [(c[c.index("--corpus") + 1], c[c.index("--index") + 1]) for c in index_runs] == [
        ("corpus", "/app/var/index"), ("/data/corpus", "/data/index")]
    serves = [c for c in minutes_invocations() if c[1] == "serve"]
    assert [c[c.index("--index") + 1] for c in serves] == ["/data/index", "/app/var/index"]


def test_the_build_context_leaves_out_the_virtual_environment_and_the_index() -> None:
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")}
    assert {".venv/", "var/", ".git/", "test-artifacts/"} <= ignored
    copied = {source for copy in instructions("COPY") for source in copy.split()[:-1]}
    assert not any(source.rstrip("/") + "/" in ignored for source in copied)
