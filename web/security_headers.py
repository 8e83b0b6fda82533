"""Security headers on every response, and no caching of anything but static files.

The Content-Security-Policy has no 'unsafe-inline': scripts and styles come from files under
web/static/, and a script that must be inline carries the request's nonce
(`<script nonce="{{ csp_nonce() }}">`).
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, request

_NONCE = "pathways.csp_nonce"
HSTS = "max-age=31536000; includeSubDomains"
PERMISSIONS = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
_FIXED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS,
}


def csp_nonce() -> str:
    """This request's nonce for the Content-Security-Policy, made on first use."""
    # Kept in the request's environ, not `g`: an app context can outlive one request.
    if _NONCE not in request.environ:
        request.environ[_NONCE] = secrets.token_urlsafe(16)
    return request.environ[_NONCE]


def content_security_policy(nonce: str) -> str:
    """The policy: everything from this site only, inline code only with the nonce."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def add_security_headers(response: Response) -> Response:
    """Set the security headers, and `no-store` on everything but static files."""
    response.headers["Content-Security-Policy"] = content_security_policy(csp_nonce())
    for name, value in _FIXED.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
    if request.endpoint != "static":
        # Pages, CSV files and API answers carry personal data: never keep them in a cache.
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    response.headers.pop("Server", None)
    return response


def register_security_headers(app: Flask) -> None:
    """Add the headers to every response of `app`; templates get `csp_nonce()`."""
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(add_security_headers)
