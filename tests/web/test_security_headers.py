"""Security headers, no-store, request size limits and the service's own 500 page."""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.conftest import csrf_token_from, sign_in
from tests.conftest import test_config as settings_for
from tests.web.api_tokens import bearer_for
from web import create_app

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "web").rglob("*.html"))
MB = 1024 * 1024


def csp_of(response) -> dict[str, str]:
    """The Content-Security-Policy as {directive: sources}."""
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().partition(" ")[::2] for part in policy.split(";"))


def test_pages_carry_a_strict_content_security_policy(client, program):
    response = client.get("/login")
    csp = csp_of(response)
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert csp["default-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert re.fullmatch(r"'self' 'nonce-[\w-]{20,}'", csp["script-src"])
    assert csp_of(client.get("/login"))["script-src"] != csp["script-src"], "one nonce a request"


def test_pages_carry_the_other_security_headers(client, program):
    headers = client.get("/login").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "geolocation=()" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers, "HSTS only over HTTPS"
    assert "Server" not in headers


def test_https_requests_get_hsts(client, program):
    headers = client.get("/login", base_url="https://localhost").headers
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pages_csv_and_api_answers_are_never_cached(client, program):
    sign_in(client, program.partner_a_user)
    cohort = program.cohort.id
    answers = [
        client.get("/partner/"),
        client.get(f"/partner/cohorts/{cohort}/apprentices.csv"),
        client.get("/api/v1/cohorts", headers=bearer_for(program.partner_a_user)),
        client.get("/no-such-page"),
    ]
    for response in answers:
        assert response.headers["Cache-Control"] == "no-store", response.request.path


def test_static_files_may_be_cached(client):
    response = client.get("/static/pathways.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "web")))
def test_templates_have_no_inline_script_style_or_handler(template):
    html = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html), "style attribute"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_a_50_mb_anonymous_post_is_refused_before_it_is_read(client, program):
    class CountingStream(io.RawIOBase):
        read_bytes = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            size = min(len(buffer), 64 * 1024)
            buffer[:size] = b"a" * size
            CountingStream.read_bytes += size
            return size

    response = client.post(
        "/apprentice/register",
        content_type="application/x-www-form-urlencoded",
        environ_overrides={"wsgi.input": CountingStream(), "CONTENT_LENGTH": str(50 * MB)},
    )
    assert response.status_code == 413, response.get_data(as_text=True)
    assert CountingStream.read_bytes == 0
    page = response.get_data(as_text=True)
    assert "larger than Pathways accepts (2 MB)" in page
    assert "usa-header" in page, "in the service's own look"


def test_a_csv_upload_has_its_own_limit_with_a_clear_message(client, program):
    sign_in(client, program.coordinator)
    response = _upload(client, 5 * MB + 10)
    assert response.status_code == 400
    assert "The file is larger than 5 MB" in response.get_data(as_text=True)
    response = _upload(client, 7 * MB)
    assert response.status_code == 413
    assert "larger than Pathways accepts (5 MB)" in response.get_data(as_text=True)


def _upload(client, size: int):
    """Post a file of `size` bytes to the import form, encoded in memory (no temporary file)."""
    token = csrf_token_from(client.get("/coordinator/import").get_data(as_text=True))
    values = {"kind": "mentors", "cohort": "0", "csrf_token": token}
    values["upload"] = FileStorage(io.BytesIO(b"x" * size), "big.csv", content_type="text/csv")
    boundary, body = encode_multipart(values)
    return client.post(
        "/coordinator/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


@pytest.fixture
def breakable_app(migrated_sqlite, tmp_path):
    """An app run as in production (errors handled, not raised to the test) with a broken page."""
    import shutil

    path = tmp_path / "pathways.db"
    shutil.copy(migrated_sqlite, path)
    app = create_app(
        settings_for(f"sqlite:///{path}") | {"TESTING": False},
        instance_path=str(tmp_path / "instance"),
    )

    def broken():
        raise RuntimeError("a bug")

    app.add_url_rule("/broken", view_func=broken)
    app.add_url_rule("/api/v1/broken", endpoint="api_broken", view_func=broken)
    return app


def test_a_bug_shows_the_services_own_500_page(breakable_app):
    response = breakable_app.test_client().get("/broken")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page and "nothing was changed" in page
    assert "usa-header" in page
    assert "Internal Server Error" not in page and "Werkzeug" not in page
    assert response.headers["Cache-Control"] == "no-store"


def test_a_bug_under_the_api_answers_json(breakable_app):
    response = breakable_app.test_client().get("/api/v1/broken")
    assert response.status_code == 500
    assert response.get_json() == {"error": response.get_json()["error"]}
    assert "nothing was changed" in response.get_json()["error"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_does_not_name_itself(tmp_path):
    port = _free_port()
    env = {**os.environ, "PATHWAYS_INSTANCE": str(tmp_path), "SECRET_KEY": "test-secret"}
    env.pop("DATABASE_URL", None), env.pop("REDIS_URL", None)
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "web.wsgi:app"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    try:
        headers = _headers_when_up(f"http://127.0.0.1:{port}/static/pathways.css", server)
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert "gunicorn" not in headers.get("Server", "").lower()


def _headers_when_up(url: str, server: subprocess.Popen, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return dict(response.headers)
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer")
