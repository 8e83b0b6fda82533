"""Static files under fingerprinted URLs, cached by browsers for a year.

`url_for('static', filename=...)` adds `?v=<digest of the file>`; a request carrying the
digest of the file as it is now may be cached for good, since a changed file gets a new URL.
"""

from __future__ import annotations

import hashlib
import logging
from functools import cache
from pathlib import Path

from flask import Flask, request
from werkzeug.wrappers import Response

logger = logging.getLogger(__name__)

FOREVER = "public, max-age=31536000, immutable"
COMPRESSIBLE = {"text/css", "text/javascript", "application/javascript", "image/svg+xml"}


def register_static_files(app: Flask) -> None:
    """Fingerprint static URLs and let browsers keep fingerprinted files."""
    folder = Path(app.static_folder)

    @app.url_defaults
    def add_fingerprint(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            digest = fingerprint(folder, values["filename"])
            if digest:
                values["v"] = digest

    @app.after_request
    def cache_fingerprinted(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code != 200:
            return response
        filename = (request.view_args or {}).get("filename", "")
        if request.args.get("v") and request.args["v"] == fingerprint(folder, filename):
            response.cache_control.no_cache = None
            response.headers["Cache-Control"] = FOREVER
        if response.mimetype in COMPRESSIBLE:
            # Read the file now, so compression can take the whole of it (any algorithm).
            response.direct_passthrough = False
            response.make_sequence()
        return response


@cache
def fingerprint(folder: Path, filename: str) -> str | None:
    """A short digest of a static file's bytes, or None if there is no such file."""
    path = (folder / filename).resolve()
    if not path.is_file() or folder.resolve() not in path.parents:
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
