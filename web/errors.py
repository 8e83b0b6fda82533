"""Error pages in plain language."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError


def register_error_handlers(app: Flask) -> None:
    """Render friendly pages for the errors people can run into."""

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = "This form expired or was sent twice. Please go back, reload and try again."
        return render_template("error.html", title="Form expired", message=message), 400

    @app.errorhandler(403)
    def forbidden(error):
        message = "Your account cannot open this page."
        return render_template("error.html", title="Not allowed", message=message), 403

    @app.errorhandler(404)
    def not_found(error):
        message = "We could not find that page. It may have moved, or you may not have access."
        return render_template("error.html", title="Page not found", message=message), 404
