"""Command line: `pathways serve` for the embedded default, and Flask CLI commands."""

from __future__ import annotations

import argparse
import logging
import socket
import time

import click
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

from web.database import refresh_planner_statistics
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
        _hint_first_coordinator("flask --app web")

    @app.cli.command("create-coordinator")
    @click.argument("email")
    @click.option("--name", required=True, help="The coordinator's full name.")
    def create_coordinator_command(email: str, name: str) -> None:
        """Create a program admin and print a one-time link to set their password."""
        if not create_coordinator(email, name):
            raise SystemExit(1)

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
        refresh_planner_statistics()
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


def create_coordinator(email: str, name: str) -> bool:
    """Create the program admin `email` and print their set-password link; False if taken."""
    from email_validator import EmailNotValidError, validate_email

    from web.auth.tokens import INVITATION, lifetime_in_words, password_token
    from web.services import accounts
    from web.services.notifications import absolute_url

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        click.echo(f"{email} is not an email address: {error}", err=True)
        return False
    if not name.strip():
        click.echo("Give the coordinator's name with --name.", err=True)
        return False
    try:
        user = accounts.create_first_coordinator(email, name)
    except accounts.AccountExists as error:
        db.session.rollback()
        click.echo(str(error), err=True)
        return False
    link = absolute_url("auth.set_password", token=password_token(user, INVITATION))
    db.session.commit()
    click.echo(f"Program admin {user.name} <{user.email}> created.")
    click.echo(
        f"Open this link to choose the password; it works once, for "
        f"{lifetime_in_words(INVITATION)}. Keep it private:"
    )
    click.echo(f"  {link}")
    return True


def _hint_first_coordinator(command: str) -> None:
    """On a database without any coordinator, say how to create the first one."""
    from web.services.accounts import any_coordinator

    if not any_coordinator():
        click.echo(
            "No coordinator account exists yet. Create the first program admin with:\n"
            f'  {command} create-coordinator you@city.example.gov --name "Your Name"'
        )


def prepare_database() -> None:
    """Apply every migration and make sure the skills taxonomy is present."""
    from web.services.taxonomy import ensure_skills

    upgrade()
    ensure_skills()
    db.session.commit()


def served_url(host: str, port: int) -> str:
    """The address people open a server listening on `host`:`port` at.

    A server on every interface (0.0.0.0, ::) is reached by this machine's name.
    """
    if host in ("0.0.0.0", "::", ""):
        host = socket.getfqdn()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def main(argv: list[str] | None = None) -> None:
    """`pathways serve`: upgrade the database, load demo data once, and serve on localhost.

    `pathways create-coordinator EMAIL --name NAME` creates a program admin instead.
    """
    parser = argparse.ArgumentParser(prog="pathways", description=main.__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the service on its embedded default")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--no-demo", action="store_true", help="do not load demo data")
    first = sub.add_parser("create-coordinator", help="create a program admin (the first one)")
    first.add_argument("email")
    first.add_argument("--name", required=True, help="the coordinator's full name")
    args = parser.parse_args(argv)

    from web import create_app

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = create_app()
    if args.command == "serve":
        # Emailed links lead to where this server answers, unless PUBLIC_URL says otherwise.
        app.config["PUBLIC_URL"] = app.config["PUBLIC_URL"] or served_url(args.host, args.port)
    with app.app_context():
        prepare_database()
        if args.command == "create-coordinator":
            raise SystemExit(0 if create_coordinator(args.email, args.name) else 1)
        if not args.no_demo:
            _load_demo(seed=7, apprentices=300, mentors=40)
        _hint_first_coordinator("pathways")
    click.echo(f"Pathways is running: open {served_url(args.host, args.port)}/")
    app.run(host=args.host, port=args.port, debug=False, use_reloader=False)
