"""Who may open which page: role checks for views."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from flask import abort, render_template, request
from flask_login import current_user, login_required

from web.extensions import db
from web.models import Role
from web.services import audit, security_events

logger = logging.getLogger(__name__)
READ_ONLY_MESSAGE = (
    "Your coordinator account is a reviewer account: you can read rounds and reports, but "
    "only a program admin can approve, publish, run rounds, import or change people, "
    "partners and cohorts. Ask a program admin if this needs doing."
)


def role_required(*roles: Role) -> Callable:
    """Let signed-in users with one of `roles` through; others get 403."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def program_admin_required(view: Callable) -> Callable:
    """Let program admins through; a reviewer is refused with a clear, audited 403."""

    @functools.wraps(view)
    @role_required(Role.COORDINATOR)
    def wrapper(*args, **kwargs):
        if not current_user.is_program_admin:
            return _refuse_reviewer()
        return view(*args, **kwargs)

    return wrapper


def posts_need_program_admin(view: Callable) -> Callable:
    """On a page coordinators and others share, a reviewer may read but not send its form."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        reviewer = current_user.role == Role.COORDINATOR and not current_user.is_program_admin
        if request.method == "POST" and reviewer:
            return _refuse_reviewer()
        return view(*args, **kwargs)

    return wrapper


def _refuse_reviewer():
    """Record the refused attempt in its own commit, then explain the refusal."""
    db.session.rollback()  # the refused request keeps nothing but the record of its refusal
    user = current_user._get_current_object()
    audit.record(
        user, "access.refused", user, endpoint=request.endpoint or "", method=request.method
    )
    security_events.record(security_events.FORBIDDEN, user=user, method=request.method)
    db.session.commit()
    logger.info("reviewer %s refused at %s", user.id, request.endpoint)
    page = render_template(
        "error.html", title="Only program admins can do this", message=READ_ONLY_MESSAGE
    )
    return page, 403
