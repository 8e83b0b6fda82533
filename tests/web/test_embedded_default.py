"""The README's first command: the service on its embedded default, demo data and logins."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    """Return once something accepts connections on `port`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port}")


def read_until(process: subprocess.Popen, marker: str, timeout: float = 120) -> str:
    """Collect the server's output until `marker` appears."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError("the server did not start:\n" + "".join(seen))


def test_serve_loads_demo_data_prints_logins_and_serves(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"PATHWAYS_INSTANCE": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-c", "from web.cli import main; main()", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output = read_until(process, "Pathways is running")
        assert re.search(
            r"Demo program loaded: 300 apprentices and 40 mentors in [\d.]+ s\.", output
        )
        password = re.search(r"password for all: (\S+)\)", output).group(1)
        coordinator = re.search(r"coordinator\s+(\S+@\S+)", output).group(1)
        assert re.search(r"partner\s+\S+@", output) and re.search(r"apprentice\s+\S+@", output)
        assert (tmp_path / "pathways.db").exists() and (tmp_path / "secret_key").exists()

        wait_for_port(port)
        base = f"http://127.0.0.1:{port}"
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        login_page = opener.open(f"{base}/login").read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
        form = urlencode({"csrf_token": token, "email": coordinator, "password": password})
        landing = opener.open(f"{base}/login", data=form.encode()).read().decode()
        assert "Sign out" in landing
        css = opener.open(f"{base}/static/uswds/css/uswds.min.css")
        assert css.status == 200
    finally:
        process.terminate()
        process.wait(timeout=20)
        process.stdout.close()
