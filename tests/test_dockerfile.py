"""No Docker engine runs here, so check what can be checked: the Dockerfile's commands exist."""

from __future__ import annotations

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
            commands.append([part.strip().strip('"') for part in text.strip("[]").split(",")])
        else:
            for part in re.split(r"&&|;", text):
                commands.append(shlex.split(part))
    return [c for c in commands if c and c[0] == "minutes"]


def test_minutes_commands_and_options_exist() -> None:
    invocations = minutes_invocations()
    assert sorted(c[1] for c in invocations) == ["index", "serve"]
    for command in invocations:
        known = {opt for param in main.commands[command[1]].params for opt in param.opts}
        assert {arg for arg in command[2:] if arg.startswith("--")} <= known, command


def test_served_on_all_interfaces_with_a_healthcheck_on_healthz() -> None:
    [cmd] = instructions("CMD")
    assert '"--host", "0.0.0.0"' in cmd
    [healthcheck] = instructions("HEALTHCHECK")
    assert "http://127.0.0.1:8000/healthz" in healthcheck
