"""Every API error is JSON with a plain message, including unknown paths and wrong methods."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import RequestRedirect

from web.api import bp

MESSAGES = {
    400: "The request is not valid.",
    401: "Send a valid API token as 'Authorization: Bearer <token>'.",
    404: "There is nothing at this address, or it is not yours to see.",
    405: "This address does not accept that method.",
    500: "Something went wrong on our side. Please try again later.",
}


def error_response(status: int, message: str, **extra: object) -> ResponseReturnValue:
    """A JSON error body {"error": message, ...} with `status`."""
    return jsonify({"error": message, **extra}), status


def unauthorized(message: str) -> ResponseReturnValue:
    """401 with the header that tells clients to send a bearer token."""
    body, status = error_response(401, message)
    body.headers["WWW-Authenticate"] = 'Bearer realm="Pathways API", error="invalid_token"'
    return body, status


@bp.record_once
def _remember_prefix(state) -> None:
    state.app.config["API_URL_PREFIX"] = state.url_prefix or ""


@bp.before_app_request
def _routing_errors_as_json() -> ResponseReturnValue | None:
    """Answer unknown paths and wrong methods under the API prefix in JSON, not HTML.

    Routing fails before any blueprint is chosen, so blueprint error handlers never see
    these errors; the app-wide hook is the one place that can tell they are API requests.
    """
    error = request.routing_exception
    if error is None or isinstance(error, RequestRedirect) or not _is_api_path():
        return None
    if isinstance(error, MethodNotAllowed):
        response, status = error_response(405, MESSAGES[405])
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods or ()))
        return response, status
    return error_response(404, MESSAGES[404])


def _is_api_path() -> bool:
    prefix = current_app.config.get("API_URL_PREFIX", "")
    return bool(prefix) and (request.path == prefix or request.path.startswith(prefix + "/"))


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> ResponseReturnValue:
    """Any other HTTP error raised inside an API view."""
    status = error.code or 500
    return error_response(status, MESSAGES.get(status, error.description or "Request failed."))


for _code in MESSAGES:
    # The app's HTML handlers are keyed by status code, which Flask prefers over a handler
    # for HTTPException even from a blueprint, so the API registers one per code as well.
    bp.register_error_handler(_code, _http_error)
