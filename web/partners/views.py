"""Pages for partner institutions: their cohorts, apprentices, CSV export and API tokens."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from web.access import role_required
from web.database import commits
from web.kept_html import kept_part
from web.language import current_language
from web.models import Cohort, Role
from web.models.base import utcnow
from web.partners import apprentice_list, bp, reports, services, tokens
from web.partners.export import apprentices_csv
from web.partners.forms import StatusFilterForm, TokenForm
from web.services import kept_figures
from web.services.notifications import absolute_url
from web.services.paging import page_number

PER_PAGE = 50


@bp.errorhandler(services.NotFoundForPartner)
def not_found(error: services.NotFoundForPartner) -> Response:
    """Another partner's record looks exactly like one that does not exist: the app's 404."""
    return current_app.handle_http_exception(NotFound())


def _partner_id() -> int:
    """The signed-in contact's partner; a partner account without one may see nothing."""
    if current_user.partner_id is None:
        abort(403)
    return current_user.partner_id


def _cohort_and_filter(cohort_id: int) -> tuple[int, Cohort, StatusFilterForm]:
    """The signed-in partner, their cohort (else a 404) and the status filter of the query."""
    partner_id = _partner_id()
    return partner_id, services.get_cohort(partner_id, cohort_id), StatusFilterForm(request.args)


def _last_month() -> str:
    return reports.previous_month(utcnow().date())


@bp.get("/")
@role_required(Role.PARTNER)
def dashboard() -> str:
    """The partner's cohorts: funnel, match rate, pathways and check-in health."""
    partner_id = _partner_id()
    last_month = _last_month()
    summaries = [
        reports.cohort_summary(partner_id, cohort, last_month)
        for cohort in services.partner_cohorts(partner_id)
    ]
    return render_template(
        "partners/dashboard.html",
        partner=current_user.partner,
        summaries=summaries,
        pathway_rows=reports.pathway_rows,
    )


@bp.get("/cohorts/<int:cohort_id>")
@role_required(Role.PARTNER)
def cohort(cohort_id: int) -> str:
    """The partner's apprentices in one cohort, optionally of one status."""
    partner_id, cohort, form = _cohort_and_filter(cohort_id)
    status = (form.status.data if form.validate() else None) or None
    progress = reports.cohort_funnel(partner_id, cohort, _last_month())
    return render_template(
        "partners/cohort.html",
        cohort=cohort,
        form=form,
        progress=progress,
        apprentices_html=_apprentices_html(partner_id, cohort, status),
    )


def _apprentices_html(partner_id: int, cohort: Cohort, status: str | None) -> Markup:
    """A page of the list, kept until the program changes; read only when not kept."""
    number = page_number(request.args.get("page"))
    version = kept_figures.version_seen()

    def render() -> str:
        rows = apprentice_list.apprentice_rows_page(partner_id, cohort.id, status, number, PER_PAGE)
        return render_template(
            "partners/_cohort_apprentices.html",
            cohort=cohort,
            rows=rows,
            status=status,
            status_labels=services.STATUS_LABELS,
        )

    key = ("partner cohort", partner_id, cohort.id, cohort.name, status, number, version)
    return kept_part((*key, current_language()), render, keep=version is not None)


@bp.get("/cohorts/<int:cohort_id>/report")
@role_required(Role.PARTNER)
def cohort_report(cohort_id: int) -> str:
    """The cohort's numbers on one printable page, without names, for the partner's board."""
    partner_id = _partner_id()
    cohort = services.get_cohort(partner_id, cohort_id)
    return render_template(
        "partners/report.html",
        partner=current_user.partner,
        summary=reports.cohort_summary(partner_id, cohort, _last_month()),
        pathway_rows=reports.pathway_rows,
        prepared_on=utcnow().date(),
    )


@bp.get("/cohorts/<int:cohort_id>/apprentices.csv")
@role_required(Role.PARTNER)
def cohort_csv(cohort_id: int) -> Response:
    """The cohort's list as a spreadsheet; withdrawn apprentices without personal data."""
    partner_id, cohort, form = _cohort_and_filter(cohort_id)
    if not form.validate():
        return Response(form.status.errors[0] + "\n", status=400, mimetype="text/plain")
    rows = apprentice_list.iter_apprentice_rows(partner_id, cohort.id, form.status.data or None)
    filename = f"cohort-{cohort.id}-apprentices.csv"
    return Response(
        stream_with_context(apprentices_csv(rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/apprentices/<int:apprentice_id>")
@role_required(Role.PARTNER)
def apprentice(apprentice_id: int) -> str:
    """One apprentice: status, pathways, skills wanted, mentor and check-ins."""
    detail = reports.apprentice_detail(_partner_id(), apprentice_id, _last_month())
    return render_template(
        "partners/apprentice.html", detail=detail, status_labels=services.STATUS_LABELS
    )


@bp.route("/tokens", methods=["GET", "POST"], endpoint="tokens")
@role_required(Role.PARTNER)
@commits
def tokens_page() -> str:
    """List the partner's API tokens and create a new one, shown in full only now."""
    partner_id = _partner_id()
    form = TokenForm()
    created = secret = None
    if form.validate_on_submit():
        try:
            created, secret = tokens.create_token(partner_id, form.name.data, current_user)
        except tokens.TokenNameTaken as error:
            form.name.errors.append(str(error))
        else:
            form = TokenForm(formdata=None)
    return render_template(
        "partners/tokens.html",
        form=form,
        tokens=tokens.partner_tokens(partner_id),
        created=created,
        secret=secret,
        api_root=absolute_url("api.cohorts").removesuffix("/cohorts"),
    )


@bp.post("/tokens/<int:token_id>/revoke")
@role_required(Role.PARTNER)
@commits
def revoke_token(token_id: int) -> Response:
    """Revoke one of the partner's tokens; programs using it stop working at once."""
    try:
        token = tokens.revoke_token(_partner_id(), token_id, current_user)
    except tokens.TokenAlreadyRevoked as error:
        flash(str(error), "error")
    else:
        message = f"The token “{token.name}” is revoked. Programs using it can no longer connect."
        flash(message, "success")
    return redirect(url_for("partners.tokens"))
