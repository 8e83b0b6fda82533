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
    production = bool(os.environ.get("DATABASE_URL"))
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
        **official_site_settings(),
        # Mentors signing up from these domains (comma-separated, e.g. cityofchicago.org) are
        # approved once their address is verified; others wait for a coordinator.
        "MENTOR_EMAIL_DOMAINS": os.environ.get("MENTOR_EMAIL_DOMAINS", ""),
        # Days after a cohort is archived until the daily retention task erases its people.
        "RETENTION_DAYS_AFTER_ARCHIVE": int(os.environ.get("RETENTION_DAYS_AFTER_ARCHIVE", "365")),
        # Counts from 1 to one less than this are left out of the open-data export.
        "OPEN_DATA_MIN_COUNT": int(os.environ.get("OPEN_DATA_MIN_COUNT", "5")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _cookie_secure(production),
        # A new cookie only when the session changed: the server ends sessions itself (idle and
        # absolute limits, web/auth/sessions.py), so the cookie's expiry needs no renewing.
        "SESSION_REFRESH_EACH_REQUEST": False,
        # Minutes a session may go unused, by role: those who see many people's records
        # are signed out sooner.
        "SESSION_IDLE_MINUTES": {
            "coordinator": 30,
            "partner": 30,
            "apprentice": 120,
            "mentor": 120,
            "default": 30,
        },
        "SESSION_ABSOLUTE_HOURS": int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12")),
        # A form's CSRF token lasts as long as the browser's session, not one hour: a long
        # registration or import form filled in slowly must not be refused on sending.
        "WTF_CSRF_TIME_LIMIT": None,
        # A confirmed background check is valid this many days; then the matcher treats the
        # mentor as unchecked and the program admins are told.
        "BACKGROUND_CHECK_VALID_DAYS": int(os.environ.get("BACKGROUND_CHECK_VALID_DAYS", "730")),
        # Coordinators and partner contacts confirm sign-ins with an authenticator app.
        "MFA_REQUIRED": _flag("MFA_REQUIRED", default=production),
        **rate_limit_settings(redis_url),
        # A worker silent for this long is gone: its rounds say that no worker is on them.
        "WORKER_LOST_AFTER_SECONDS": float(os.environ.get("WORKER_LOST_AFTER_SECONDS", "30")),
        # Characters of long lists a web process keeps between changes of the program (about
        # 30 MB at the default); 0 renders every view afresh.
        "KEPT_HTML_CHARACTERS": int(os.environ.get("KEPT_HTML_CHARACTERS", "24000000")),
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
        # Every response is compressed as it is sent, on the cores that make the pages: at
        # these levels the round review's 146 KB take 0.3 ms (brotli: 10.6 KB; gzip: 13.5 KB)
        # instead of 0.6-1.0 ms at the libraries' defaults (9.9 KB; 10.9 KB). The USWDS
        # stylesheet (527 KB), which a browser then keeps for a year, is 64 KB in brotli.
        "COMPRESS_BR_LEVEL": 3,
        "COMPRESS_LEVEL": 3,
    }


def official_site_settings() -> dict:
    """Who runs the service, for the official-website banner, the footer and the notices."""
    mail_from = os.environ.get("MAIL_FROM", "pathways@city.example.gov")
    return {
        # "An official website of <CITY_NAME>"; the footer links to CITY_URL when it is set.
        "CITY_NAME": os.environ.get("CITY_NAME", "the City"),
        "CITY_URL": os.environ.get("CITY_URL", ""),
        # Where people reach the program team; CONTACT_URL (a web page) wins over the address.
        "CONTACT_EMAIL": os.environ.get("CONTACT_EMAIL", mail_from),
        "CONTACT_URL": os.environ.get("CONTACT_URL", ""),
        # The city's own policies, linked beside Pathways' notices when the city has them.
        "CITY_PRIVACY_URL": os.environ.get("CITY_PRIVACY_URL", ""),
        "CITY_ACCESSIBILITY_URL": os.environ.get("CITY_ACCESSIBILITY_URL", ""),
        # Days nightly backups are kept before they are deleted (the privacy notice says so):
        # match the clean-up of your backup schedule.
        "BACKUP_RETENTION_DAYS": int(os.environ.get("BACKUP_RETENTION_DAYS", "30")),
    }


def _flag(name: str, *, default: bool) -> bool:
    """A yes/no setting: "1" or "0" in the environment, else `default`."""
    value = os.environ.get(name, "")
    return default if value == "" else value == "1"


def _cookie_secure(production: bool) -> bool | str:
    """Secure cookies in production; on the embedded default, unless reached as localhost."""
    value = os.environ.get("SESSION_COOKIE_SECURE", "")
    if value in ("0", "1"):
        return value == "1"
    return True if production else "auto"


def rate_limit_settings(redis_url: str) -> dict:
    """Flask-Limiter: counters in Redis when there is one, in memory otherwise; the limits."""
    return {
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_STORAGE_OPTIONS": {
            "socket_timeout": LIMITER_REDIS_TIMEOUT,
            "socket_connect_timeout": LIMITER_REDIS_TIMEOUT,
        },
        "RATELIMIT_KEY_PREFIX": "pathways-limits",
        # If Redis fails, count in this process rather than refuse or wait.
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        # Failed sign-ins (and second-factor codes) per account, then per address.
        "SIGN_IN_LIMIT_PER_ACCOUNT": "5 per 15 minutes",
        "SIGN_IN_LIMIT_PER_IP": "30 per 15 minutes",
        "FORGOT_PASSWORD_LIMIT": "5 per 15 minutes",
        # A school lab may register a class from one address: generous, but not unlimited.
        "REGISTRATION_LIMIT": os.environ.get("REGISTRATION_LIMIT", "30 per hour"),
    }


MATCH_SOFT_TIME_LIMIT = 15 * 60
# The worker kills a task past this; no round or import runs longer.
MATCH_HARD_TIME_LIMIT = MATCH_SOFT_TIME_LIMIT + 60
# Longer than the hard time limit, so Redis never redelivers a task still running.
VISIBILITY_TIMEOUT = 2 * MATCH_HARD_TIME_LIMIT
# Seconds to wait for Redis to accept a connection: a web request queueing a task must not hang.
REDIS_CONNECT_TIMEOUT = 3
# Seconds the rate limiter waits for Redis before counting in memory instead.
LIMITER_REDIS_TIMEOUT = 0.5
# Seconds to wait for Redis to answer on a connection: a hung Redis (stopped, not down) accepts
# connections but never answers, and without this a request would wait for ever.
REDIS_SOCKET_TIMEOUT = 3
# Retry a failed publish or result-store connection briefly, then report the error.
QUICK_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def celery_settings(redis_url: str) -> dict:
    """Celery settings: a Redis broker in production, tasks run in-process without one."""
    common = {
        "include": [
            "workers.tasks",
            "workers.year_tasks",
            "workers.outcome_tasks",
            "workers.report_tasks",
        ],
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
            "socket_timeout": REDIS_SOCKET_TIMEOUT,
        },
        "broker_connection_timeout": REDIS_CONNECT_TIMEOUT,
        "task_publish_retry_policy": dict(QUICK_RETRY),
        "redis_socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
        "redis_socket_timeout": REDIS_SOCKET_TIMEOUT,
        "result_backend_transport_options": {"retry_policy": dict(QUICK_RETRY)},
        "result_expires": 24 * 3600,
    }
