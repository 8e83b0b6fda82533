"""Settings, read from the environment; the embedded default needs none of them."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _secret_key(instance_path: Path) -> str:
    """Return SECRET_KEY from the environment, or one generated once into the instance folder."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def settings_from_env(instance_path: Path) -> dict:
    """Build the Flask config: PostgreSQL and Redis when their URLs are set, SQLite otherwise."""
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'pathways.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    redis_url = os.environ.get("REDIS_URL", "")
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        "CELERY": celery_settings(redis_url),
        "SMTP_HOST": os.environ.get("SMTP_HOST", ""),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "25")),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "pathways@city.example.gov"),
        # The address people open Pathways at, for the links in emails and printed commands.
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", ""),
        # Mentors signing up from these domains (comma-separated, e.g. cityofchicago.org) are
        # approved once their address is verified; others wait for a coordinator.
        "MENTOR_EMAIL_DOMAINS": os.environ.get("MENTOR_EMAIL_DOMAINS", ""),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE") == "1",
        # A form's CSRF token lasts as long as the browser's session, not one hour: a long
        # registration or import form filled in slowly must not be refused on sending.
        "WTF_CSRF_TIME_LIMIT": None,
        # Pages, styles and scripts are compressed; CSV files stay streamed (compressed chunk by
        # chunk when the browser takes br or deflate).
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "image/svg+xml",
            "text/csv",
        ],
        "COMPRESS_ALGORITHM": ["br", "gzip", "deflate"],
        "COMPRESS_ALGORITHM_STREAMING": ["br", "deflate"],
    }


MATCH_SOFT_TIME_LIMIT = 15 * 60
# The worker kills a task past this; no round or import runs longer.
MATCH_HARD_TIME_LIMIT = MATCH_SOFT_TIME_LIMIT + 60
# Longer than the hard time limit, so Redis never redelivers a task still running.
VISIBILITY_TIMEOUT = 2 * MATCH_HARD_TIME_LIMIT
# Seconds to wait for Redis to accept a connection: a web request queueing a task must not hang.
REDIS_CONNECT_TIMEOUT = 3
# Retry a failed publish or result-store connection briefly, then report the error.
QUICK_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def celery_settings(redis_url: str) -> dict:
    """Celery settings: a Redis broker in production, tasks run in-process without one."""
    common = {
        "include": ["workers.tasks"],
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_soft_time_limit": MATCH_SOFT_TIME_LIMIT,
        "task_time_limit": MATCH_HARD_TIME_LIMIT,
        "broker_connection_retry_on_startup": True,
        "task_default_queue": os.environ.get("CELERY_QUEUE", "pathways"),
    }
    if not redis_url:
        return common | {"task_always_eager": True, "task_eager_propagates": False}
    return common | {
        "broker_url": redis_url,
        "result_backend": redis_url,
        "broker_transport_options": {
            "visibility_timeout": VISIBILITY_TIMEOUT,
            "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
        },
        "broker_connection_timeout": REDIS_CONNECT_TIMEOUT,
        "task_publish_retry_policy": dict(QUICK_RETRY),
        "redis_socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
        "result_backend_transport_options": {"retry_policy": dict(QUICK_RETRY)},
        "result_expires": 24 * 3600,
    }
