"""`make analytics`: the named queries on an export of the local stack's table, printed as tables.

python -m analytics list
python -m analytics export [--state-dir .local]
python -m analytics run <query>|all [--state-dir .local] [--no-export]

`export` scans the table of the running stack (`make run`; its endpoint is in {state-dir}/stack.json) or, when it
is not running, of a moto started here with the saved data ({state-dir}/state.json) loaded, and writes the files
under {state-dir}/analytics/ in DynamoDB's export layout; `run` exports first (unless --no-export) and runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from infra.definitions import DEFAULT_REGION

from . import engine, files
from .export import export_local

ROOT = Path(__file__).resolve().parent.parent
VIETNAM = timezone(timedelta(hours=7))


@contextmanager
def _table_client(state_dir: Path) -> Iterator[tuple[Any, str]]:
    """A DynamoDB client on the local stack's table and the table's name (a moto of our own when it is not running)."""
    import boto3
    from botocore.config import Config

    stack = state_dir / "stack.json"
    if stack.is_file():
        saved = json.loads(stack.read_text(encoding="utf-8"))
        client = boto3.client(
            "dynamodb",
            endpoint_url=saved["endpoint"],
            region_name=saved["region"],
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(connect_timeout=1, retries={"max_attempts": 1}),
        )
        try:
            client.describe_table(TableName=saved["table_name"])
        except Exception:  # noqa: BLE001 — any failure means the stack is not running: use the saved data instead
            pass
        else:
            yield client, saved["table_name"]
            return
    from local import aws
    from local.snapshot import Snapshot

    server = aws.start_moto(aws.free_port())
    try:
        host, port = server.get_host_and_port()
        resources = aws.provision(f"http://{host}:{port}", DEFAULT_REGION)
        if not Snapshot(resources, state_dir / "state.json").restore():
            raise SystemExit(f"Không có dữ liệu đã lưu trong {state_dir} — hãy chạy `make run` trước.")
        yield boto3.client("dynamodb", endpoint_url=resources.endpoint, region_name=resources.region), resources.table_name
    finally:
        server.stop()


def _export(state_dir: Path) -> Path:
    with _table_client(state_dir) as (client, table_name):
        today = datetime.now(VIETNAM).date()
        folder = export_local(client, table_name, root=state_dir / "analytics", day=today)
    print(f"Đã xuất bảng vào {folder}", file=sys.stderr)
    return folder


def _print(name: str, result: engine.Result) -> None:
    print(f"\n== {name} — {files.query(name).question}")
    widths = [max([len(str(c)), *(len(_cell(r[i])) for r in result.rows)]) for i, c in enumerate(result.columns)]
    print("  ".join(str(c).ljust(w) for c, w in zip(result.columns, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in result.rows:
        print("  ".join(_cell(v).ljust(w) for v, w in zip(row, widths, strict=True)))
    print(f"({len(result.rows)} dòng)")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")  # Vietnamese decimal comma
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def main(argv: list[str] | None = None) -> int:
    """List, export or run."""
    parser = argparse.ArgumentParser(
        prog="python -m analytics", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="the named queries and what each answers")
    for name in ("export", "run"):
        sub = commands.add_parser(name)
        sub.add_argument("--state-dir", type=Path, default=ROOT / ".local")
        if name == "run":
            sub.add_argument("query", help="a query's name (python -m analytics list), or all")
            sub.add_argument("--no-export", action="store_true", help="run on the exports already written")
    args = parser.parse_args(argv)
    if args.command == "list":
        for q in files.queries():
            print(f"{q.name}\n    {q.question}")
        return 0
    if args.command == "export":
        _export(args.state_dir)
        return 0
    names = [q.name for q in files.queries()] if args.query == "all" else [args.query]
    try:
        for name in names:
            files.query(name)
    except KeyError as exc:
        parser.error(str(exc.args[0]))
    if not args.no_export:
        _export(args.state_dir)
    con = engine.connect(args.state_dir / "analytics")
    for name in names:
        _print(name, engine.run(con, name))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
