"""The security event log for program admins: sign-ins, failures, lockouts and refusals."""

from __future__ import annotations

from flask import render_template, request

from web.access import program_admin_required
from web.coordinator import bp
from web.services import reports, security_events

PER_PAGE = 50


@bp.route("/security")
@program_admin_required
def security_log() -> str:
    """Security events, newest first, a page at a time, optionally of one kind."""
    kind = request.args.get("kind", "")
    if kind not in security_events.KINDS:
        kind = ""
    stmt = security_events.events_select(kind)
    page = reports.paginate(stmt, request.args.get("page", 1, type=int), PER_PAGE)
    return render_template(
        "coordinator/security_events.html",
        page=page,
        kind=kind,
        kinds=security_events.KINDS,
        args={"kind": kind} if kind else {},
    )
