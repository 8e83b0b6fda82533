"""Command line: `pathways serve` for the embedded default, and Flask CLI commands."""

from __future__ import annotations

import argparse
import logging
import time

import click
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

from web.extensions import db

logger = logging.getLogger(__name__)


def register_commands(app: Flask) -> None:
    """Add the Pathways commands to `flask --app web ...`."""
    from web.backup_commands import register_backup_commands

    register_backup_commands(app)

    @app.cli.command("setup")
    def setup_command() -> None:
        """Upgrade the database to the latest migration and load the skills taxonomy."""
        prepare_database()
        click.echo("Database is up to date.")

    @app.cli.command("demo-data")
    @click.option("--seed", default=7, show_default=True, help="Random seed: same seed, same data.")
    @click.option("--apprentices", default=300, show_default=True, type=click.IntRange(min=0))
    @click.option("--mentors", default=40, show_default=True, type=click.IntRange(min=0))
    def demo_data_command(seed: int, apprentices: int, mentors: int) -> None:
        """Load a realistic demo program (once; does nothing if data exists)."""
        _load_demo(seed, apprentices, mentors)


def _load_demo(seed: int, apprentices: int, mentors: int) -> None:
    from web.demo import DEMO_PASSWORD, load_demo_program
    from web.models import User

    if db.session.scalar(select(User.id).limit(1)) is None:
        started = time.perf_counter()
        logins = load_demo_program(seed=seed, apprentices=apprentices, mentors=mentors)
        db.session.commit()
        seconds = time.perf_counter() - started
        click.echo(
            f"Demo program loaded: {apprentices:,} apprentices and {mentors:,} mentors"
            f" in {seconds:.1f} s."
        )
    else:
        from web.demo import demo_logins

        logins = demo_logins()
        click.echo("Demo data already present; not loading it again.")
    click.echo(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
    for role, email in logins:
        click.echo(f"  {role:<12} {email}")


def prepare_database() -> None:
    """Apply every migration and make sure the skills taxonomy is present."""
    from web.services.taxonomy import ensure_skills

    upgrade()
    ensure_skills()
    db.session.commit()


def main(argv: list[str] | None = None) -> None:
    """`pathways serve`: upgrade the database, load demo data once, and serve on localhost."""
    parser = argparse.ArgumentParser(prog="pathways", description=main.__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the service on its embedded default")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--no-demo", action="store_true", help="do not load demo data")
    args = parser.parse_args(argv)

    from web import create_app

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = create_app()
    with app.app_context():
        prepare_database()
        if not args.no_demo:
            _load_demo(seed=7, apprentices=300, mentors=40)
    click.echo(f"Pathways is running: open http://{args.host}:{args.port}/")
    app.run(host=args.host, port=args.port, debug=False, use_reloader=False)
