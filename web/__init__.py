"""Pathways web application: the app factory."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from celery import Celery, Task
from flask import Flask
from werkzeug.routing import IntegerConverter

from web.config import settings_from_env
from web.extensions import compress, csrf, db, limiter, login_manager, migrate
from web.models.base import LARGEST_ID
from web.static_files import register_static_files

logger = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: dict | None = None, instance_path: str | None = None) -> Flask:
    """Build the Flask app; `config` overrides settings read from the environment.

    The instance folder (SQLite database, secret key, email outbox) is `instance_path`, else
    $PATHWAYS_INSTANCE, else Flask's default `instance/` beside the code.
    """
    app = Flask(
        __name__,
        instance_path=instance_path or os.environ.get("PATHWAYS_INSTANCE") or None,
        instance_relative_config=True,
    )
    app.config.from_mapping(settings_from_env(Path(app.instance_path)))
    if config:
        app.config.update(config)
    register_url_converters(app)
    register_request_guards(app)
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_static_files(app)
    celery_init_app(app)
    from web.cli import register_commands

    register_commands(app)
    return app


class IdConverter(IntegerConverter):
    """`<int:…>` in URLs names a row: a number no row can have (0, past 32 bits) is a 404."""

    def __init__(self, url_map, fixed_digits=0, min=1, max=LARGEST_ID, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_url_converters(app: Flask) -> None:
    """Bound `<int:…>` to the ids PostgreSQL can store, before any route is added."""
    app.url_map.converters["int"] = IdConverter


def register_request_guards(app: Flask) -> None:
    """Security headers, body size limits and failure pages, before any other request hook."""
    from web.failure_pages import register_failure_pages
    from web.security_headers import register_security_headers

    register_security_headers(app)
    register_failure_pages(app)


def register_extensions(app: Flask) -> None:
    """Bind the extension singletons to `app`."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    from web import language, models  # noqa: F401  (models registers every table)

    language.init_app(app)
    from web.auth.sessions import load_user, register_sessions
    from web.database import end_reads_with_commit
    from web.services import kept_figures, security_events

    login_manager.user_loader(load_user)
    register_sessions(app)
    end_reads_with_commit(app)
    security_events.configure_log()
    kept_figures.watch_program_changes()


def register_blueprints(app: Flask) -> None:
    """Mount one blueprint per audience."""
    from web.about import bp as about_bp
    from web.account import bp as account_bp
    from web.admin import bp as admin_bp
    from web.api import bp as api_bp
    from web.apprentices import bp as apprentices_bp
    from web.auth import bp as auth_bp
    from web.coordinator import bp as coordinator_bp
    from web.errors import register_error_handlers
    from web.guardians import bp as guardians_bp
    from web.health import bp as health_bp
    from web.home import bp as home_bp
    from web.language import bp as language_bp
    from web.mentors import bp as mentors_bp
    from web.outcomes import bp as outcomes_bp
    from web.outcomes_reports import bp as outcomes_reports_bp
    from web.partners import bp as partners_bp
    from web.preferences import bp as preferences_bp
    from web.program_year import bp as program_year_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(about_bp)
    app.register_blueprint(language_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(guardians_bp)
    app.register_blueprint(apprentices_bp, url_prefix="/apprentice")
    app.register_blueprint(mentors_bp, url_prefix="/mentor")
    app.register_blueprint(coordinator_bp, url_prefix="/coordinator")
    app.register_blueprint(admin_bp, url_prefix="/coordinator/admin")
    app.register_blueprint(outcomes_reports_bp, url_prefix="/coordinator/outcomes")
    app.register_blueprint(partners_bp, url_prefix="/partner")
    app.register_blueprint(program_year_bp)
    app.register_blueprint(preferences_bp, url_prefix="/preferences")
    app.register_blueprint(outcomes_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(account_bp, url_prefix="/account")
    csrf.exempt(api_bp)
    # Choosing a language changes nothing but the language; the session cookie is SameSite=Lax,
    # so a cross-site form cannot change a signed-in person's choice.
    csrf.exempt(language_bp)
    # Probes carry no session and change nothing: no sign-in, no CSRF token.
    app.register_blueprint(health_bp)
    csrf.exempt(health_bp)
    register_error_handlers(app)


def register_template_helpers(app: Flask) -> None:
    """Make the program's vocabulary available to every template."""
    from web import catalog
    from web.about.site import official_site
    from web.auth.passwords import PASSWORD_HINT
    from web.kept_html import init_app as init_kept_parts
    from web.kept_html import kept_html
    from web.language import formats
    from web.meters import score_meter
    from web.services import contact_details

    init_kept_parts(app)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        catalog=catalog,
        kept_html=kept_html,
        official_site=official_site,
        password_hint=PASSWORD_HINT,
        mentor_contact_shared=contact_details.mentor_contact_shared,
        apprentice_contact_shared=contact_details.apprentice_contact_shared,
    )
    app.jinja_env.filters.update(
        label=catalog.shown_label,
        shown=catalog.shown,
        availability=formats.availability_in_words,
        long_date=formats.long_date,
        number=formats.number,
        month_name=formats.month_year,
        percent=lambda value: f"{100 * (value or 0):.0f}%",
        meter=score_meter,
        two_places=lambda value: f"{value:.2f}",
    )


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app whose tasks run inside this Flask app's context."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
