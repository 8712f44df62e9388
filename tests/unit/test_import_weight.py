"""What a cold start imports: `import app` leaves the AWS SDK, PynamoDB and every heavy library to first use.

Not a timing (bench/cold_start.py measures that); a route or page module that imports a service or store for a
helper or a type pulls PynamoDB, botocore's client and urllib3 into every cold start (2.22× the floor, found once).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIRST_USE_ONLY = (
    "pynamodb",
    "botocore.client",
    "urllib3",
    "boto3",
    "tantivy",
    "openpyxl",
    "jinja2",
    "holidays",
    "chalicelib.shared.stats",  # survey results: computed on the first results read
)


def test_import_app_loads_none_of_what_first_use_loads():
    probe = f"import json, sys, app; print(json.dumps([m for m in {list(FIRST_USE_ONLY)!r} if m in sys.modules]))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
