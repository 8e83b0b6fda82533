"""`flask --app web backup` and `flask --app web restore FILE`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from web.services.backup import BackupError, create_backup, restore_backup


def register_backup_commands(app: Flask) -> None:
    """Add the backup and restore commands to the app's command line."""

    @app.cli.command("backup")
    @click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        help="Folder to write the archive to  [default: the instance folder's backups/]",
    )
    def backup_command(out: Path | None) -> None:
        """Write one compressed archive of the database and instance files, with checksums."""
        folder = out or Path(current_app.instance_path) / "backups"
        try:
            archive = create_backup(folder)
        except BackupError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Backup written: {archive} ({archive.stat().st_size:,} bytes)")

    @app.cli.command("restore")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    def restore_command(file: Path) -> None:
        """Check a backup's checksums and restore it into an empty database."""
        try:
            result = restore_backup(file)
        except BackupError as error:
            raise click.ClickException(str(error)) from error
        revision = result.manifest["alembic_revision"]
        click.echo(
            f"Restored the backup of {result.manifest['created_at']} (database revision "
            f"{revision}, {result.files} instance files)."
        )
        if result.head_revision and revision != result.head_revision:
            click.echo(
                f"This version of Pathways migrates further (to {result.head_revision}): "
                "run `flask --app web setup` before starting it."
            )
