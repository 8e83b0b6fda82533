"""Coordinator pages for importing apprentices or mentors from a CSV file."""

from __future__ import annotations

import json
import logging
import secrets
import time
from pathlib import Path

from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from web.access import program_admin_required, role_required
from web.auth.tokens import INVITATION, lifetime_in_words
from web.coordinator import bp
from web.coordinator.intake_forms import (
    MAX_UPLOAD_BYTES,
    ConfirmImportForm,
    ImportForm,
    cohort_choices,
)
from web.database import commits
from web.errors_domain import DomainError
from web.extensions import db
from web.failure_pages import accepts_bodies_up_to
from web.models import Cohort, PeopleImport, Role
from web.services import intake, intake_files, intake_template, invitations, outbox, people_imports

logger = logging.getLogger(__name__)
KEEP_UPLOADS_SECONDS = 24 * 3600
# The form's other fields around the file; a file just over the limit gets the form's message.
FORM_OVERHEAD_BYTES = 64 * 1024


@bp.route("/import", methods=["GET", "POST"])
@accepts_bodies_up_to(MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES)
@program_admin_required
def import_people():
    """Upload a CSV of apprentices or mentors and see every problem before anything is written."""
    form = ImportForm()
    cohorts = db.session.scalars(
        select(Cohort)
        .where(Cohort.archived_at.is_(None))
        .order_by(Cohort.starts_on.desc(), Cohort.name)
    )
    form.cohort.choices = cohort_choices(cohorts, "Choose a cohort")
    if not form.validate_on_submit():
        return _upload_page(form, 400 if form.is_submitted() else 200)
    cohort = (
        db.session.get(Cohort, form.cohort.data)
        if form.kind.data == intake_files.APPRENTICES
        else None
    )
    try:
        text = intake_files.decode_upload(form.upload.data.read())
        preview = intake.preview_import(form.kind.data, text, cohort)
    except DomainError as error:
        form.upload.errors = [*form.upload.errors, str(error)]
        return _upload_page(form, 400)
    confirm = None
    if preview.clean:
        confirm = ConfirmImportForm(upload_id=_keep_upload(preview, text))
    return render_template(
        "coordinator/intake_preview.html", preview=preview, cohort=cohort, confirm=confirm
    )


@bp.route("/import/confirm", methods=["POST"])
@program_admin_required
@commits
def confirm_import():
    """Queue a previewed file for the worker, which checks it once more and imports it."""
    form = ConfirmImportForm()
    kept = _load_upload(form.upload_id.data) if form.validate_on_submit() else None
    if kept is None:
        flash("That preview has expired or was already imported. Upload the file again.", "error")
        return redirect(url_for("coordinator.import_people"))
    cohort = db.session.get(Cohort, kept["cohort_id"]) if kept["cohort_id"] else None
    guarded = kept.get("guarded", {})
    confirmed = {email: guarded[email] for email in form.confirm.data or [] if email in guarded}
    people_import = people_imports.queue_import(
        kept["kind"], kept["text"], cohort, current_user, confirmed
    )
    _upload_path(form.upload_id.data).unlink(missing_ok=True)
    return redirect(url_for("coordinator.import_status", import_id=people_import.id))


@bp.route("/imports/<int:import_id>")
@role_required(Role.COORDINATOR)
def import_status(import_id: int):
    """How far an import has got, then what it created and updated, or why it failed."""
    people_import = db.get_or_404(PeopleImport, import_id)
    return render_template(
        "coordinator/intake_status.html",
        people_import=people_import,
        invited=invitations.import_invitations(people_import),
        link_lifetime=lifetime_in_words(INVITATION),
        waiting_for_queue=not people_import.finished and outbox.waiting_for(people_import),
    )


@bp.route("/imports/<int:import_id>/invitations", methods=["POST"])
@program_admin_required
@commits
def invite_again(import_id: int):
    """Email the import's new accounts that still have no password their link once more."""
    people_import = db.get_or_404(PeopleImport, import_id)
    count = invitations.invite_again(people_import, current_user)
    if count:
        flash(f"Sending {count} invitation{'s' if count != 1 else ''} again.", "success")
    else:
        flash("Everyone this import added has chosen a password: nobody to invite.", "info")
    return redirect(url_for("coordinator.import_status", import_id=import_id))


@bp.route("/imports/<int:import_id>/progress.json")
@role_required(Role.COORDINATOR)
def import_progress(import_id: int):
    """An import's progress, for the progress script."""
    people_import = db.get_or_404(PeopleImport, import_id)
    return jsonify(
        status=people_import.status,
        progress=people_import.progress,
        message=people_import.progress_message,
        error=people_import.error,
        created=people_import.created_count,
        updated=people_import.updated_count,
    )


@bp.route("/import/template-<kind>.csv")
@program_admin_required
def import_template(kind: str):
    """A CSV file of `kind` in the importer's own columns, with example rows that import."""
    if kind not in intake_files.KINDS:
        abort(404)
    return Response(
        intake_template.template_csv(kind),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=pathways-{kind}-template.csv"},
    )


def _upload_page(form: ImportForm, status: int):
    page = render_template(
        "coordinator/intake_upload.html",
        form=form,
        kinds=intake_files.KINDS,
        columns=intake_files.FILE_COLUMNS,
        coded_columns=intake_files.CODED_COLUMNS,
    )
    return page, status


# A previewed file is kept on the server, in the instance folder, under a random id: the
# confirm form carries only that id, so the content cannot be altered between preview and
# import, and a 2,000-row file is not posted back through the browser.


def _uploads_dir() -> Path:
    return Path(current_app.instance_path) / "imports"


def _upload_path(upload_id: str) -> Path:
    return _uploads_dir() / f"{upload_id}.json"


def _keep_upload(preview: intake.ImportPreview, text: str) -> str:
    """Store a clean file until it is imported; forget files older than a day."""
    folder = _uploads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.json"):
        if time.time() - old.stat().st_mtime > KEEP_UPLOADS_SECONDS:
            old.unlink(missing_ok=True)
    upload_id = secrets.token_hex(16)
    kept = {
        "kind": preview.kind,
        "cohort_id": preview.cohort_id,
        "user_id": current_user.id,
        "text": text,
        "guarded": {row.email: [c.field for c in row.changes] for row in preview.to_confirm},
    }
    _upload_path(upload_id).write_text(json.dumps(kept), encoding="utf-8")
    return upload_id


def _load_upload(upload_id: str) -> dict | None:
    """The kept file, if it exists, is recent, and was uploaded by the signed-in coordinator."""
    path = _upload_path(upload_id)
    if not path.exists() or time.time() - path.stat().st_mtime > KEEP_UPLOADS_SECONDS:
        return None
    kept = json.loads(path.read_text(encoding="utf-8"))
    return kept if kept.get("user_id") == current_user.id else None
