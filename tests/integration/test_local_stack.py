"""`make run`'s stack: stopping and starting again keeps what was entered (local/snapshot.py); it always stops."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from local.aws import free_port

ROOT = Path(__file__).resolve().parents[2]


def _start(state_dir: Path, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TABLE_", "USER_POOL", "MOTO_"))}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "local",
            "--port",
            str(port),
            "--state-dir",
            str(state_dir),
            "--tenants",
            "ccc,hanoi",
            "--small-demo",
            "--no-demo",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _refused(base: str) -> bool:
    try:
        requests.get(f"{base}/login", headers={"Host": "hanoi.localhost"}, timeout=5)
    except requests.ConnectionError:
        return True
    return False


def _wait_ready(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read() if process.stdout else "exited"
        try:
            if requests.get(f"{base}/login", headers={"Host": "hanoi.localhost"}, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise AssertionError("local stack did not come up")


def _stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    return output


def _login(base: str, username: str, password: str) -> requests.Response:
    return requests.post(
        f"{base}/api/auth/login",
        json={"username": username, "password": password},
        headers={"Host": "hanoi.localhost"},
        timeout=10,
    )


def test_data_and_accounts_survive_a_restart(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    first = _start(tmp_path, port)
    try:
        _wait_ready(base, first)
        demo = json.loads((tmp_path / "demo-users.json").read_text())
        assert {"tenant": "hanoi", "role": "tenant_admin", "username": "tenant-admin", "password": "Demo@2026"} in demo
        agent = {
            "Host": "hanoi.localhost",
            "Authorization": f"Bearer {_login(base, 'agent', 'Demo@2026').json()['access_token']}",
        }
        inbox = requests.get(f"{base}/api/requests?limit=50", headers=agent, timeout=10).json()["items"]
        assert {"awaiting_approval", "escalated", "open"} <= {r["status"] for r in inbox}, "a living inbox on day one"
        assert requests.get(f"{base}/api/requests?overdue=true", headers=agent, timeout=10).json()["items"], "a letter overdue"
        assert any(r["subject"] == "Hồ sơ chốt sổ BHXH tại Hà Nội" for r in inbox), "the CCC's transfer reached Hà Nội"
        token = _login(base, "tenant-admin", "Demo@2026").json()["access_token"]
        headers = {"Host": "hanoi.localhost", "Authorization": f"Bearer {token}"}
        created = requests.post(
            f"{base}/api/units",
            json={"code": "co-so-ba-dinh", "name": "BHXH cơ sở Ba Đình", "kind": "district_office"},
            headers=headers,
            timeout=10,
        )
        assert created.status_code == 201
        account = requests.post(
            f"{base}/api/users",
            json={"username": "moi-vao", "full_name": "Người mới", "roles": ["agent"]},
            headers=headers,
            timeout=10,
        )
        temporary = account.json()["temporary_password"]
        version = account.json()["user"]["version"]
        assert (
            requests.post(f"{base}/api/users/moi-vao/disable", json={"version": version}, headers=headers, timeout=10).status_code
            == 200
        )
    finally:
        output = _stop(first)
    assert "seeded" in output

    second = _start(tmp_path, port)
    try:
        _wait_ready(base, second)
        token = _login(base, "tenant-admin", "Demo@2026").json()["access_token"]
        headers = {"Host": "hanoi.localhost", "Authorization": f"Bearer {token}"}
        unit = requests.get(f"{base}/api/units/co-so-ba-dinh", headers=headers, timeout=10)
        assert unit.status_code == 200 and unit.json()["name"] == "BHXH cơ sở Ba Đình"
        assert requests.get(f"{base}/api/users/moi-vao", headers=headers, timeout=10).json()["enabled"] is False
        assert _login(base, "moi-vao", temporary).status_code == 401, "still disabled after the restart"
        trail = requests.get(f"{base}/api/audit", headers=headers, timeout=10).json()["items"]
        assert {"unit.create", "user.create", "user.disable"} <= {e["action"] for e in trail}
    finally:
        output = _stop(second)
    assert "restored" in output


def test_ctrl_c_again_and_again_still_stops_the_stack_and_a_killed_stack_leaves_no_worker(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    first = _start(tmp_path, port)
    _wait_ready(base, first)
    first.send_signal(signal.SIGINT)
    first.send_signal(signal.SIGINT)  # a second Ctrl+C used to wait, in its handler, on a lock the main thread held
    for _ in range(20_000):  # and a held key while it stops: any of these may land inside any lock
        if first.poll() is not None:
            break
        first.send_signal(signal.SIGINT)
    output, _ = first.communicate(timeout=60)  # raises if it hangs
    assert first.returncode == 0, output
    assert "Đã lưu dữ liệu vào" in output
    assert _refused(base), "no worker is left listening"

    second = _start(tmp_path, port)
    _wait_ready(base, second)
    second.kill()  # no chance to stop its workers: they notice their parent is gone
    output, _ = second.communicate(timeout=60)  # the workers hold its output pipe: this returns once they exit
    assert "restored" in output, "the interrupted stack had saved its data"
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{base}/login", headers={"Host": "hanoi.localhost"}, timeout=5)
