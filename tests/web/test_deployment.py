"""docker-compose.yml, the settings and the entry points agree with each other."""

from __future__ import annotations

import importlib
import shlex
from pathlib import Path

import yaml
from celery import Celery

from web import create_app
from web.config import settings_from_env

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def service(name: str) -> dict:
    return COMPOSE["services"][name]


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
    for name, value in environment.items():
        monkeypatch.setenv(name, str(value).replace("${SECRET_KEY:-", "").rstrip("}"))
    settings = settings_from_env(tmp_path)
    assert settings["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://pathways:pathways@postgres:5432/pathways"
    )
    assert settings["CELERY"]["broker_url"] == environment["REDIS_URL"]
    assert settings["CELERY"]["result_backend"] == environment["REDIS_URL"]
    assert "task_always_eager" not in settings["CELERY"]
    assert settings["SMTP_HOST"] == "mailcatcher"
    assert settings["SMTP_PORT"] == int(environment["SMTP_PORT"])
    assert settings["SECRET_KEY"] == "change-me-in-production"


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
