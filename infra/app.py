"""CDK entry point: synthesizes one stage of the deployment, offline (no AWS account, no lookups).

Run from infra/ with the CLI (`node_modules/.bin/cdk synth`, app command in cdk.json) or `python -m infra.app`
from the repository root. Context keys (override with -c key=value; the defaults synthesize offline):
  stage              dev | prod (a stage of .chalice/config.json)
  base_domain        tenants are served on *.{base_domain}
  hosted_zone_id     the Route53 zone holding base_domain (given, never looked up)
  hosted_zone_name   its name
  region             defaults to definitions.DEFAULT_REGION
  account            optional; without it the template is account-agnostic (CDK_DEFAULT_ACCOUNT is ignored
                     so the output does not depend on whose credentials happen to be around)
  chalice_source_dir the Chalice project; defaults to the repository root (env CSKH_CHALICE_SOURCE_DIR also)
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # `python app.py` from infra/ puts only infra/ on the path
    sys.path.insert(0, str(REPO_ROOT))

import aws_cdk as cdk  # noqa: E402

from infra.definitions import APP_NAME, DEFAULT_REGION  # noqa: E402
from infra.stacks.cskh_stack import CskhStack, StageSettings  # noqa: E402

DEFAULT_BASE_DOMAIN = "cskh.baohiemxahoi.gov.vn"
DEFAULT_HOSTED_ZONE_ID = "Z0000000000EXAMPLE"
STAGES = ("dev", "prod")


def settings_from_context(app: cdk.App) -> StageSettings:
    """Read the stage settings from CDK context, with defaults that synthesize offline."""

    def context(key: str, default: str) -> str:
        value = app.node.try_get_context(key)
        return str(value) if value else default

    stage = context("stage", "dev")
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {STAGES}, not {stage!r}")
    base_domain = context("base_domain", DEFAULT_BASE_DOMAIN)
    source_dir = context("chalice_source_dir", os.environ.get("CSKH_CHALICE_SOURCE_DIR", str(REPO_ROOT)))
    return StageSettings(
        stage=stage,
        base_domain=base_domain,
        hosted_zone_id=context("hosted_zone_id", DEFAULT_HOSTED_ZONE_ID),
        hosted_zone_name=context("hosted_zone_name", base_domain),
        chalice_source_dir=Path(source_dir).resolve(),
    )


def main() -> None:
    """Build the app and synthesize the cloud assembly."""
    app = cdk.App()
    settings = settings_from_context(app)
    region = str(app.node.try_get_context("region") or DEFAULT_REGION)
    # `chalice package` needs a region even though nothing is called; it never needs credentials.
    os.environ.setdefault("AWS_DEFAULT_REGION", region)
    build_dir = Path(app.outdir).resolve()
    build_dir.mkdir(parents=True, exist_ok=True)
    # chalice.cdk packages the app into ./chalice.out while the construct is built; keep that inside the
    # cloud assembly rather than the repository (everything it writes is addressed by absolute path).
    with contextlib.chdir(build_dir):
        CskhStack(
            app,
            settings,
            stack_name=f"{APP_NAME}-{settings.stage}",
            env=cdk.Environment(account=app.node.try_get_context("account"), region=region),
        )
    cdk.Tags.of(app).add("app", APP_NAME)
    cdk.Tags.of(app).add("stage", settings.stage)
    app.synth()


if __name__ == "__main__":
    main()
