"""Pages for the 6- and 12-month checks that hired apprentices are still employed."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from web.access import posts_need_program_admin, role_required
from web.database import commits
from web.outcomes import bp
from web.outcomes.forms import RetentionForm
from web.outcomes.scope import EDITORS, partner_scope, today_in_city
from web.services import retention_checks
from web.services.paging import page_number
from web.services.retention_checks import RetentionCheckRefused

PER_PAGE = 50


@bp.get("/outcomes/retention")
@role_required(*EDITORS)
def retention() -> str:
    """Checks waiting for an answer, due first, then the answers recorded."""
    scope = partner_scope()
    waiting = retention_checks.checks_page(
        scope, False, page_number(request.args.get("page")), PER_PAGE
    )
    answered = retention_checks.checks_page(
        scope, True, page_number(request.args.get("answered_page")), PER_PAGE
    )
    return render_template("outcomes/retention.html", waiting=waiting, answered=answered)


@bp.route("/outcomes/retention/<int:check_id>", methods=["GET", "POST"])
@role_required(*EDITORS)
@posts_need_program_admin
@commits
def record_retention(check_id: int) -> str | Response:
    """Record whether the hired apprentice still works in the job."""
    check = retention_checks.check_in_scope(check_id, partner_scope())
    form = RetentionForm()
    if not form.is_submitted():
        form.checked_on.data = check.checked_on or today_in_city()
        if check.still_employed is not None:
            form.still_employed.data = "yes" if check.still_employed else "no"
    elif form.validate():
        try:
            retention_checks.record_answer(
                check,
                form.still_employed.data == "yes",
                form.checked_on.data,
                current_user,
                today_in_city(),
            )
        except RetentionCheckRefused as error:
            form.checked_on.errors = [*form.checked_on.errors, str(error)]
        else:
            flash(_("The retention check is recorded."), "success")
            return redirect(url_for("outcomes.retention"))
    page = render_template("outcomes/record_retention.html", check=check, form=form)
    return page, 400 if form.is_submitted() else 200
