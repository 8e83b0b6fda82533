"""The printable certificate of an apprentice who completed the program year."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.access import role_required
from web.models import Role
from web.outcomes import bp
from web.services import certificates
from web.services.certificates import NoCertificate


@bp.get("/certificates/<int:mentorship_id>")
@role_required(Role.APPRENTICE, Role.COORDINATOR, Role.PARTNER)
def certificate(mentorship_id: int) -> str:
    """The certificate: apprentice, cohort, mentor's first name, dates, skills signed off."""
    found = certificates.certificate_for(mentorship_id, current_user)
    return render_template("outcomes/certificate.html", certificate=found)


@bp.get("/certificates/mine")
@role_required(Role.APPRENTICE)
def my_certificate() -> Response:
    """The signed-in apprentice's latest certificate."""
    mentorship = certificates.completed_mentorship_of(current_user)
    if mentorship is None:
        raise NoCertificate("no completed mentorship")
    return redirect(url_for("outcomes.certificate", mentorship_id=mentorship.id))
