"""WSGI entry point for gunicorn: `gunicorn web.wsgi:app`."""

from web import create_app

app = create_app()


def _load_broker_transport() -> None:
    """Import the broker's transport at start-up (seconds of imports), not on a first round."""
    celery = app.extensions["celery"]
    if not celery.conf.task_always_eager:
        celery.connection_for_write().transport  # noqa: B018  (builds it; does not connect)


_load_broker_transport()
