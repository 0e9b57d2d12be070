"""`pip install .` (the Dockerfile's way, not the editable install of `make`) carries every module
and data file the program reads: the engines, the SQL migrations, the templates and static files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_holds_every_source_and_data_file(tmp_path) -> None:
    # Built from a copy without build/: setuptools reuses build/lib, which keeps modules deleted since.
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", ".venv", "build", "var", "test-artifacts",
                                                                "*.egg-info", "__pycache__", "node_modules"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(tmp_path / "wheel"),
                            str(source)], check=True, capture_output=True, text=True)
    # Building says nothing about data folders that are not packages ('webui.static' is absent ...).
    assert [line for line in (built.stdout + built.stderr).splitlines() if "absent" in line] == []
    [wheel] = (tmp_path / "wheel").glob("*.whl")
    packaged = {name for name in zipfile.ZipFile(wheel).namelist() if name.startswith(("indexer/", "webui/"))}
    expected = {path.relative_to(ROOT).as_posix()
                for folder in ("indexer", "webui") for path in (ROOT / folder).rglob("*")
                if path.is_file() and "__pycache__" not in path.parts}
    assert packaged == expected


def test_make_run_installs_what_serving_needs_and_make_test_the_test_tools_too(tmp_path) -> None:
    def planned(target: str) -> list[str]:
        result = subprocess.run(["make", "-n", target, f"VENV={tmp_path / 'venv'}"], cwd=ROOT, check=True,
                                capture_output=True, text=True)
        return [line for line in result.stdout.splitlines() if "pip install" in line and "--upgrade pip" not in line]

    assert [line.split("pip install", 1)[1].strip() for line in planned("run")] == ["--quiet -e ."]
    assert [line.split("pip install", 1)[1].strip() for line in planned("test")] == ["--quiet -e .", "--quiet -e '.[test]'"]


def test_a_skip_reason_is_printed_once_with_its_count(tmp_path) -> None:
    (tmp_path / "test_skips.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.parametrize('n', range(3))\n"
        "def test_needs_a_database(n):\n    pytest.skip('no database here')\n\n"
        "def test_needs_a_browser():\n    pytest.skip('no browser here')\n\n"
        "def test_runs():\n    pass\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "skip_summary", "-p", "no:cacheprovider",
                             str(tmp_path / "test_skips.py")], cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).parent)})
    assert [line for line in result.stdout.splitlines() if "SKIPPED" in line] == [
        "SKIPPED (3 tests): no database here", "SKIPPED (1 test): no browser here"]
