"""scripts/test, the one test command: starts what is stopped, fails when nothing ran."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from tests.conftest import require_service
from tests.services import postgres_reachable

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "test"


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def script(call: str, **env: str) -> subprocess.CompletedProcess:
    """Source scripts/test in bash and run `call`, one of its functions."""
    return subprocess.run(
        ["bash", "-c", f'source "{SCRIPT}" && {call}'],
        cwd=ROOT,
        env={**os.environ, "VENV": sys.prefix, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_redis_that_is_not_running_is_started_and_answers(tmp_path):
    require_service("redis-server", shutil.which("redis-server") is not None)
    port = closed_port()
    done = script(
        "ensure_redis && wait_for_services",
        REDIS_PORT=str(port),
        REDIS_DIR=str(tmp_path),
        REDIS_LOG=str(tmp_path / "logs" / "redis.log"),
    )
    client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=5)
    try:
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"Redis does not answer on port {port}: starting it." in done.stdout
        assert client.ping()
        again = script("ensure_redis", REDIS_PORT=str(port))
        assert f"Redis answers on port {port}." in again.stdout
    finally:
        client.shutdown(nosave=True)
        client.close()


def test_postgresql_that_is_not_running_is_started_with_its_cluster(tmp_path):
    require_service("PostgreSQL", postgres_reachable())
    # Stopping the shared server is not safe here: the script looks at a port nothing uses.
    done = script("ensure_postgres", PG_PORT=str(closed_port()), DRY_RUN="1")
    assert done.returncode == 0, done.stderr
    version = sorted(os.listdir("/etc/postgresql"), key=lambda v: [int(p) for p in v.split(".")])
    command = f"would run: pg_ctlcluster --skip-systemctl-redirect {version[-1]} main start"
    assert command in done.stdout
    running = script("ensure_postgres", DRY_RUN="1")
    assert "PostgreSQL answers on port 5432." in running.stdout
    assert "would run" not in running.stdout


def test_no_tests_collected_is_a_failure_with_a_clear_message(tmp_path):
    done = script(f'run_pytest "{tmp_path}" -p no:cacheprovider')
    assert done.returncode == 1
    assert "FAILED: pytest collected no tests (exit code 5)" in done.stdout


def test_pytest_arguments_pass_through_and_its_result_is_the_script_result(tmp_path):
    (tmp_path / "test_one.py").write_text("def test_one():\n    assert True\n")
    passed = script(f'run_pytest "{tmp_path}" -q -p no:cacheprovider')
    assert passed.returncode == 0, passed.stdout
    assert "1 passed" in passed.stdout
    (tmp_path / "test_one.py").write_text("def test_one():\n    assert False\n")
    failed = script(f'run_pytest "{tmp_path}" -q -p no:cacheprovider')
    assert failed.returncode == 1 and "1 failed" in failed.stdout


def test_ci_and_the_readme_run_exactly_this_script():
    ci = [
        line
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert ci[-1] == 'exec scripts/test "$@"'
    readme = (ROOT / "README.md").read_text()
    commands = readme.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()
    assert commands[0].endswith(".venv/bin/pathways serve")
    assert commands[1] == "scripts/test"
    assert os.access(SCRIPT, os.X_OK)


@pytest.mark.parametrize("missing", ["chromium", "venv"])
def test_a_fresh_machine_gets_chromium_and_the_venv(missing, tmp_path):
    env = {"DRY_RUN": "1", "VENV": str(tmp_path / "venv")}
    if missing == "chromium":
        done = script("CHROMIUM=/nonexistent/chromium; ensure_chromium", **env)
        assert "apt-get update -qq" in done.stdout
        assert "apt-get install -y -qq chromium" in done.stdout
    else:
        done = script("ensure_venv", **env)
        assert f"would run: python3 -m venv {tmp_path / 'venv'}" in done.stdout
        assert f"would run: {tmp_path / 'venv'}/bin/pip install -q -e {ROOT}\\[test\\]" in (
            done.stdout
        )
