"""Whose records the signed-in person may see on the outcome pages."""

from __future__ import annotations

from datetime import date, datetime

from flask import abort, current_app
from flask_login import current_user
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from web.models import Role
from web.outcomes import bp
from web.services import meetings
from web.services.certificates import NoCertificate
from web.services.outcomes import OutcomeNotFound
from web.services.retention_checks import RetentionCheckNotFound

EDITORS = (Role.COORDINATOR, Role.PARTNER)


@bp.errorhandler(OutcomeNotFound)
@bp.errorhandler(RetentionCheckNotFound)
@bp.errorhandler(NoCertificate)
def not_found(error) -> Response:
    """Another partner's record looks exactly like one that does not exist: the app's 404."""
    return current_app.handle_http_exception(NotFound())


def partner_scope() -> int | None:
    """None for a coordinator (every apprentice); the partner's id for a partner contact."""
    if current_user.role == Role.COORDINATOR:
        return None
    if current_user.partner_id is None:
        abort(403)
    return current_user.partner_id


def today_in_city() -> date:
    """Today's date in the program's time zone, in which people type dates."""
    return datetime.now(meetings.program_timezone()).date()
