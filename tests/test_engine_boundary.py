"""The engine seam: only an engine's own module imports its engine library."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Each engine library, and the engine's own module (a file) or package (a folder, every file in it).
ENGINE_LIBRARIES = {"whoosh": "indexer/engines/whoosh.py", "tantivy": "indexer/engines/tantivy.py",
                    "psycopg": "indexer/engines/postgresql/", "psycopg_pool": "indexer/engines/postgresql/"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_no_module_but_the_engine_itself_imports_an_engine_library() -> None:
    sources = sorted([*ROOT.glob("indexer/**/*.py"), *ROOT.glob("webui/**/*.py")])
    importers = {library: sorted(str(path.relative_to(ROOT)) for path in sources if library in imported_modules(path))
                 for library in ENGINE_LIBRARIES}
    outsiders = {library: [path for path in paths if not path.startswith(ENGINE_LIBRARIES[library])]
                 for library, paths in importers.items()}
    assert outsiders == {library: [] for library in ENGINE_LIBRARIES}
    assert all(importers.values()), importers  # and each engine does import its library


def test_the_service_cli_and_web_ui_load_without_an_engine() -> None:
    # Engines are imported when an index is opened or written, never as a side effect of the API.
    code = ("import sys, indexer.search, indexer.build, indexer.cli, webui; "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(ENGINE_LIBRARIES)}))")
    output = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "[]"
