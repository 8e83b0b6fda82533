"""The accessibility statement and the privacy notice, open to everyone."""

from __future__ import annotations

from flask import current_app, render_template

from web.about import bp


@bp.get("/accessibility")
def accessibility() -> str:
    """How Pathways meets accessibility standards and how to report a barrier."""
    return render_template("about/accessibility.html")


@bp.get("/privacy")
def privacy() -> str:
    """What Pathways keeps, why, for how long, who sees it, and how to withdraw."""
    config = current_app.config
    return render_template(
        "about/privacy.html",
        retention_days=config["RETENTION_DAYS_AFTER_ARCHIVE"],
        backup_days=config["BACKUP_RETENTION_DAYS"],
        check_days=config["BACKGROUND_CHECK_VALID_DAYS"],
    )
