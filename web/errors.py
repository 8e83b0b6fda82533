"""Error pages in plain language."""

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from web.api.errors import error_response
from web.extensions import db
from web.services import security_events

NUL = "\x00"
NUL_MESSAGE = _l(
    "What was sent contains a NUL character (\\x00), which Pathways cannot store. "
    "Please go back, retype the text without it and try again."
)


def register_error_handlers(app: Flask) -> None:
    """Render friendly pages for the errors people can run into."""
    app.before_request(refuse_nul_characters)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = _("This form expired or was sent twice. Please go back, reload and try again.")
        return render_template("error.html", title=_("Form expired"), message=message), 400

    @app.errorhandler(403)
    def forbidden(error):
        record_refusal()
        message = _("Your account cannot open this page.")
        return render_template("error.html", title=_("Not allowed"), message=message), 403

    @app.errorhandler(404)
    def not_found(error):
        message = _("We could not find that page. It may have moved, or you may not have access.")
        return render_template("error.html", title=_("Page not found"), message=message), 404


def record_refusal() -> None:
    """Keep a security event for a refused (403) request, whatever the view had begun."""
    db.session.rollback()
    user = current_user._get_current_object() if current_user.is_authenticated else None
    security_events.record(security_events.FORBIDDEN, user=user, method=request.method)
    db.session.commit()


def refuse_nul_characters():
    """Answer 400 to any request whose address, query or form text holds a NUL character.

    PostgreSQL cannot store NUL in text, so without this check every text field would
    fail with a 500 when it is saved or searched. Nobody types NUL, so one page for all
    forms serves better than a check on each field.
    """
    if not _holds_nul():
        return None
    if request.blueprint == "api":
        return error_response(400, str(NUL_MESSAGE))
    return render_template("error.html", title=_("Text not accepted"), message=NUL_MESSAGE), 400


def _holds_nul() -> bool:
    if NUL in request.path:
        return True
    for data in (request.args, request.form):
        for key, values in data.lists():
            if NUL in key or any(NUL in value for value in values):
                return True
    return any(NUL in (upload.filename or "") for upload in request.files.values())
