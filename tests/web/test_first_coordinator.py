"""The embedded default without demo data: it asks for a first coordinator, who is created once."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.web.test_embedded_default import ROOT, free_port, read_until

LINK = re.compile(r"http://localhost:5000/password/set/\S+")


def pathways(tmp_path, *args: str, **kwargs) -> subprocess.Popen:
    """Run the `pathways` command on an embedded default kept in `tmp_path`."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"PATHWAYS_INSTANCE": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-c", "from web.cli import main; main()", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kwargs,
    )


def finished(process: subprocess.Popen) -> tuple[int, str]:
    output, _ = process.communicate(timeout=120)
    return process.returncode, output


def test_serve_without_demo_asks_for_the_first_coordinator_who_is_created_once(tmp_path):
    server = pathways(tmp_path, "serve", "--no-demo", "--port", str(free_port()))
    try:
        output = read_until(server, "Pathways is running")
    finally:
        server.terminate()
        server.wait(timeout=20)
        server.stdout.close()
    assert "No coordinator account exists yet" in output
    assert 'pathways create-coordinator you@city.example.gov --name "Your Name"' in output

    code, output = finished(
        pathways(tmp_path, "create-coordinator", "ada@city.example.gov", "--name", "Ada Admin")
    )
    assert code == 0, output
    assert "Program admin Ada Admin <ada@city.example.gov> created." in output
    assert LINK.search(output)

    code, output = finished(
        pathways(tmp_path, "create-coordinator", "ada@city.example.gov", "--name", "Other")
    )
    assert code == 1
    assert "already exists (coordinator); nothing was changed" in output
    assert not LINK.search(output)
