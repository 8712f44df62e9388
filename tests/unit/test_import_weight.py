"""What a cold start imports: `import app` leaves the AWS SDK, PynamoDB and every heavy library to first use.

Not a timing (bench/cold_start.py measures that); a route or page module that imports a service or store for a
helper or a type pulls PynamoDB, botocore's client and urllib3 into every cold start (2.22× the floor, found once).
The capabilities' domain, services, read models and page helpers load when a handler first calls them
(chalicelib/shared/lazy.py: such a module is in `sys.modules` at once, but its code has not run), and the
composition root builds what the hotline's requests need without importing knowledge, jobs, reports, surveys or
policy.
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
    # what a handler calls, not what registering its route needs (chalicelib/shared/lazy.py)
    "chalicelib.requests.page_forms",
    "chalicelib.knowledge.domain",
    "chalicelib.knowledge.service",
    "chalicelib.knowledge.transfer",
    "chalicelib.surveys.domain",
    "chalicelib.surveys.ports",
    "chalicelib.surveys.respond",
    "chalicelib.surveys.sampling",
    "chalicelib.surveys.frame_service",
    "chalicelib.surveys.service",
    "chalicelib.policy.service",
    "chalicelib.policy.figures",
    "chalicelib.reports.service",
    "chalicelib.reports.indicators",
    "chalicelib.jobs.domain",
    "chalicelib.web.charts",
    "chalicelib.bootstrap",
)
# Built on first use by the container, never for `GET /api/requests` (bootstrap.Container).
NOT_FOR_THE_HOTLINE = (
    "jinja2",
    "chalicelib.knowledge.service",
    "chalicelib.knowledge.store",
    "chalicelib.jobs.service",
    "chalicelib.approvals.service",
    "chalicelib.reports.service",
    "chalicelib.surveys.service",
    "chalicelib.surveys.store",
    "chalicelib.policy.service",
    "chalicelib.links.sending",
)
_RAN = (
    "import json, sys\n"
    "def ran(name):\n"
    "    module = sys.modules.get(name)\n"
    "    return module is not None and type(module).__name__ != '_LazyModule'  # LazyLoader's, until first use\n"
)


def _loaded(statements: str, names: tuple[str, ...]) -> list[str]:
    probe = f"{_RAN}{statements}\nprint(json.dumps([m for m in {list(names)!r} if ran(m)]))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_import_app_loads_none_of_what_first_use_loads():
    assert _loaded("import app", FIRST_USE_ONLY) == []


def test_the_hotline_requests_part_of_the_container_imports_no_other_capability():
    built = "import app\nfrom chalicelib import bootstrap\nc = bootstrap.build()\nc.edge, c.request_lists, c.requests"
    assert _loaded(built, NOT_FOR_THE_HOTLINE) == []


def test_the_other_capabilities_are_built_on_first_use():
    built = "import app\nfrom chalicelib import bootstrap\nc = bootstrap.build()\nc.surveys, c.policy_reports"
    assert set(_loaded(built, NOT_FOR_THE_HOTLINE)) == set(NOT_FOR_THE_HOTLINE) - {"jinja2"}
