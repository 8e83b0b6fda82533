"""docker-compose.yml, the settings and the entry points agree with each other."""

from __future__ import annotations

import importlib
import os
import re
import shlex
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml
from celery import Celery
from werkzeug.serving import make_server

from web import create_app
from web.config import settings_from_env

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def service(name: str) -> dict:
    return COMPOSE["services"][name]


def interpolate(value: str) -> str:
    """Compose's `${NAME:?message}` (required) and `${NAME:-default}`, from os.environ."""

    def replace(match: re.Match) -> str:
        name, operator, word = match.group(1), match.group(2), match.group(3)
        if os.environ.get(name):
            return os.environ[name]
        if operator == ":?":
            raise LookupError(f"required variable {name} is missing a value: {word}")
        return word or ""

    return re.sub(r"\$\{(\w+)(?:(:\?|:-)([^}]*))?\}", replace, value)


def test_compose_describes_the_whole_stack():
    assert {"postgres", "redis", "web", "worker", "mailcatcher"} <= set(COMPOSE["services"])


def test_web_runs_migrations_then_gunicorn_on_the_wsgi_app():
    command = service("web")["command"]
    assert "flask --app web setup" in command
    gunicorn = shlex.split(command.split("&&")[-1].strip().rstrip('"'))
    assert gunicorn[0] == "gunicorn"
    module_name, attribute = gunicorn[-1].split(":")
    assert module_name == "web.wsgi" and attribute == "app"
    assert (ROOT / "web" / "wsgi.py").read_text().count("app = create_app()") == 1
    assert "setup" in create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).cli.commands


def test_worker_runs_the_celery_app_of_the_workers_package():
    command = shlex.split(service("worker")["command"])
    assert command[:4] == ["celery", "-A", "workers", "worker"]
    workers = importlib.import_module("workers")
    assert isinstance(workers.app, Celery)
    assert "workers.tasks" in workers.app.conf.include


def test_compose_environment_is_what_the_settings_read(monkeypatch, tmp_path):
    environment = service("web")["environment"]
    assert environment == service("worker")["environment"]
    monkeypatch.setenv("SECRET_KEY", "from-the-operator")
    for name, value in environment.items():
        monkeypatch.setenv(name, interpolate(str(value)))
    settings = settings_from_env(tmp_path)
    assert settings["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://pathways:pathways@postgres:5432/pathways"
    )
    assert settings["CELERY"]["broker_url"] == environment["REDIS_URL"]
    assert settings["CELERY"]["result_backend"] == environment["REDIS_URL"]
    assert "task_always_eager" not in settings["CELERY"]
    assert settings["SMTP_HOST"] == "mailcatcher"
    assert settings["SMTP_PORT"] == int(environment["SMTP_PORT"])
    assert settings["SECRET_KEY"] == "from-the-operator"


def test_mail_catcher_listens_where_the_app_sends():
    environment = service("web")["environment"]
    catcher = service("mailcatcher")["environment"]
    assert catcher["MP_SMTP_BIND_ADDR"].endswith(":" + environment["SMTP_PORT"])


def test_database_and_redis_hosts_are_compose_services():
    environment = service("web")["environment"]
    assert "@postgres:" in environment["DATABASE_URL"]
    assert environment["REDIS_URL"].startswith("redis://redis:")
    assert set(service("web")["depends_on"]) == {"postgres", "redis"}


def test_embedded_default_uses_sqlite_in_the_instance_folder_and_in_process_tasks(
    monkeypatch, tmp_path
):
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    settings = settings_from_env(tmp_path)
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'pathways.db'}"
    assert settings["CELERY"]["task_always_eager"] is True
    key_file = tmp_path / "secret_key"
    assert key_file.read_text() == settings["SECRET_KEY"] and len(settings["SECRET_KEY"]) == 64
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert settings_from_env(tmp_path)["SECRET_KEY"] == settings["SECRET_KEY"]


def test_reliability_settings_for_the_matching_task(monkeypatch, tmp_path):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    celery = settings_from_env(tmp_path)["CELERY"]
    assert celery["task_acks_late"] and celery["task_reject_on_worker_lost"]
    assert celery["worker_prefetch_multiplier"] == 1
    soft, hard = celery["task_soft_time_limit"], celery["task_time_limit"]
    assert celery["broker_transport_options"]["visibility_timeout"] > hard > soft


def test_compose_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    secret = service("web")["environment"]["SECRET_KEY"]
    with pytest.raises(LookupError, match="SECRET_KEY"):
        interpolate(secret)
    monkeypatch.setenv("SECRET_KEY", "a-long-random-value")
    assert interpolate(secret) == "a-long-random-value"
    assert "change-me" not in (ROOT / "docker-compose.yml").read_text()


def test_redis_keeps_queued_work_in_an_append_only_file():
    redis = service("redis")
    command = redis["command"]
    assert command[0] == "redis-server"
    assert command[command.index("--appendonly") + 1] == "yes"
    assert any(volume.endswith(":/data") for volume in redis["volumes"])


def test_beat_runs_the_celery_app_of_the_workers_package():
    command = shlex.split(service("beat")["command"])
    assert command[:4] == ["celery", "-A", "workers", "beat"]
    assert service("beat")["environment"] == service("worker")["environment"]


def test_worker_healthcheck_pings_its_own_node():
    test = service("worker")["healthcheck"]["test"]
    assert test[0] == "CMD-SHELL"
    command = shlex.split(test[1])
    assert command[:5] == ["celery", "-A", "workers", "inspect", "ping"]
    # $$ is compose's escape: the container's shell expands $HOSTNAME, the worker's node name.
    assert command[command.index("--destination") + 1] == "celery@$$HOSTNAME"


def serve(app):
    """Serve `app` on a free local port; return the server."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize("redis_up", [True, False])
def test_web_healthcheck_passes_only_when_ready(app, redis_up):
    test = service("web")["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    port = re.search(r"--bind 0\.0\.0\.0:(\d+)", service("web")["command"]).group(1)
    assert f"http://127.0.0.1:{port}/readyz" in test[3]
    if not redis_up:
        app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    server = serve(app)
    try:
        snippet = test[3].replace("127.0.0.1:8000", f"127.0.0.1:{server.server_port}")
        done = subprocess.run([sys.executable, "-c", snippet], capture_output=True, timeout=30)
    finally:
        server.shutdown()
    assert (done.returncode == 0) is redis_up, done.stderr
