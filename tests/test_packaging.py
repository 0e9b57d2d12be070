"""`pip install .` (the Dockerfile's way, not the editable install of `make`) carries every module
and data file the program reads: the engines, the SQL migrations, the templates and static files."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_holds_every_source_and_data_file(tmp_path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(tmp_path / "wheel"),
                    str(ROOT)], check=True, capture_output=True)
    [wheel] = (tmp_path / "wheel").glob("*.whl")
    packaged = {name for name in zipfile.ZipFile(wheel).namelist() if name.startswith(("indexer/", "webui/"))}
    expected = {path.relative_to(ROOT).as_posix()
                for folder in ("indexer", "webui") for path in (ROOT / folder).rglob("*")
                if path.is_file() and "__pycache__" not in path.parts}
    assert packaged == expected
