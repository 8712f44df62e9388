"""The deployment package as a Lambda gets it: `chalice package` of the stage, extracted with and without bytecode.

`sources` is the zip as `chalice package` makes it, without the `__pycache__` directories that a developer's
checkout happens to hold (a clean build has none); `bytecode` is the same zip after infra/stacks/bytecode.py, as
the CDK stack deploys it. The children that import from these run with nothing but the directory and the standard
library on their path and write no bytecode, as in Lambda's read-only /var/task.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

from infra.stacks.bytecode import precompile_package

from .report import PYTHON, ROOT


def _extract(zip_path: Path, target: Path, *, bytecode: bool) -> Path:
    with zipfile.ZipFile(zip_path) as package:
        package.extractall(target, [n for n in package.namelist() if bytecode or "__pycache__/" not in n])
    return target


def build(work: Path, stage: str = "dev") -> dict[str, Path]:
    """Package the app into work/, extract it twice; returns {"sources": dir, "bytecode": dir}."""
    out = work / "chalice"
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "ap-southeast-1")}
    done = subprocess.run(
        [str(PYTHON.parent / "chalice"), "package", "--stage", stage, str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0:
        raise RuntimeError(f"chalice package failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    sources = _extract(out / "deployment.zip", work / "sources", bytecode=False)
    precompile_package(out)
    bytecode = _extract(out / "deployment.zip", work / "bytecode", bytecode=True)
    shutil.rmtree(out)
    return {"sources": sources, "bytecode": bytecode}
