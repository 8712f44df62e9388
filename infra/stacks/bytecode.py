"""Compiled bytecode in the deployment package, so a cold start does not compile the app and its dependencies.

`chalice package` zips sources only (wheels carry no `.pyc`), and a Lambda's /var/task is read-only, so every cold
start compiled each module it imported from source and threw the result away: about 0.5 s for `import app`
(bench/results.md, cold start, "as deployed"). Each `.py` of the zip gets an unchecked-hash `.pyc` beside it in
`__pycache__` (PEP 552: valid whatever the files' timestamps after extraction), compiled by the interpreter that
synthesizes — Chalice picks the function's runtime from that same interpreter's version, so the magic numbers match.
Tracebacks name the files where Lambda puts them (/var/task/…).
"""

from __future__ import annotations

import importlib.util
import json
import py_compile
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

TASK_ROOT = "/var/task"
RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"


def cache_name(source: str) -> str:
    """The zip entry of a source's bytecode: `pkg/__pycache__/mod.cpython-311.pyc` for `pkg/mod.py`."""
    return Path(importlib.util.cache_from_source(source)).as_posix()


def add_bytecode(zip_path: Path) -> int:
    """Rewrite the zip with a `.pyc` for every `.py` that compiles (stale `__pycache__` entries dropped); returns the count."""
    compiled = 0
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        rewritten = work_dir / "deployment.zip"
        with zipfile.ZipFile(zip_path) as source, zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                if "__pycache__/" in info.filename:
                    continue
                data = source.read(info)
                target.writestr(info, data)
                if not info.filename.endswith(".py"):
                    continue
                src = work_dir / "src" / info.filename
                src.parent.mkdir(parents=True, exist_ok=True)
                src.write_bytes(data)
                pyc = work_dir / "pyc.bin"
                try:
                    py_compile.compile(
                        str(src),
                        cfile=str(pyc),
                        dfile=f"{TASK_ROOT}/{info.filename}",
                        doraise=True,
                        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
                    )
                except py_compile.PyCompileError:
                    continue  # a file for another Python version, never imported here: left as it was
                entry = zipfile.ZipInfo(cache_name(info.filename), date_time=info.date_time)
                entry.external_attr = info.external_attr
                entry.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(entry, pyc.read_bytes())
                compiled += 1
        shutil.move(str(rewritten), zip_path)
    return compiled


def precompile_package(package_dir: Path) -> int:
    """Add bytecode to the `chalice package` output in package_dir, whose functions must run this interpreter's version."""
    template = json.loads((package_dir / "sam.json").read_text(encoding="utf-8"))
    runtimes = {
        r["Properties"].get("Runtime") for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::Function"
    }
    if runtimes != {RUNTIME}:
        raise RuntimeError(f"bytecode of {RUNTIME} would not load in the functions' runtime {sorted(map(str, runtimes))}")
    return add_bytecode(package_dir / "deployment.zip")
