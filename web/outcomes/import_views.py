"""Importing outcomes from a CSV file: preview every row, then save them at once."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from web.access import posts_need_program_admin, role_required
from web.database import commits
from web.errors_domain import DomainError
from web.failure_pages import accepts_bodies_up_to
from web.outcomes import bp
from web.outcomes.forms import MAX_IMPORT_BYTES, ConfirmOutcomeImportForm, OutcomeImportForm
from web.outcomes.scope import EDITORS, partner_scope, today_in_city
from web.services import outcome_imports
from web.services.intake_files import decode_upload
from web.services.outcomes import KIND_LABELS

# The form's other fields around the file, and the file again as the confirm form's text.
BODY_LIMIT = 3 * MAX_IMPORT_BYTES


@bp.route("/outcomes/import", methods=["GET", "POST"])
@accepts_bodies_up_to(BODY_LIMIT)
@role_required(*EDITORS)
@posts_need_program_admin
def import_outcomes() -> str | tuple[str, int]:
    """Upload a CSV of outcomes and see every row and problem before anything is saved."""
    form = OutcomeImportForm()
    if not form.validate_on_submit():
        page = render_template("outcomes/import.html", form=form)
        return page, 400 if form.is_submitted() else 200
    try:
        text = decode_upload(form.upload.data.read())
        preview = outcome_imports.preview(text, partner_scope(), today_in_city())
    except DomainError as error:
        form.upload.errors = [*form.upload.errors, str(error)]
        return render_template("outcomes/import.html", form=form), 400
    confirm = ConfirmOutcomeImportForm(content=text) if preview.clean else None
    page = render_template(
        "outcomes/import_preview.html",
        preview=preview,
        confirm=confirm,
        kind_label=lambda kind: KIND_LABELS.get(kind, kind),
    )
    return page, 200 if preview.clean else 400


@bp.get("/outcomes/import/example.csv")
@role_required(*EDITORS)
def example_file() -> Response:
    """A file to fill in: the header and one example row per kind of outcome."""
    return Response(
        outcome_imports.example_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="outcomes-example.csv"'},
    )


@bp.post("/outcomes/import/confirm")
@accepts_bodies_up_to(BODY_LIMIT)
@role_required(*EDITORS)
@posts_need_program_admin
@commits
def confirm_outcome_import() -> Response:
    """Check the previewed file once more and save its new outcomes."""
    form = ConfirmOutcomeImportForm()
    if not form.validate_on_submit():
        flash(_("This form expired. Upload the file again."), "error")
        return redirect(url_for("outcomes.import_outcomes"))
    try:
        preview = outcome_imports.preview(form.content.data, partner_scope(), today_in_city())
        added = outcome_imports.save(preview, current_user, today_in_city())
    except DomainError as error:
        flash(_("Nothing was saved: %(problem)s Upload the file again.", problem=error), "error")
        return redirect(url_for("outcomes.import_outcomes"))
    flash(_("%(count)s outcome(s) added.", count=added), "success")
    return redirect(url_for("outcomes.index"))
