"""Front page."""

from flask import redirect, render_template, url_for
from flask_login import current_user

from web.home import bp
from web.models import Role, User

_LANDING = {
    Role.APPRENTICE: "apprentices.status",
    Role.MENTOR: "mentors.dashboard",
    Role.COORDINATOR: "coordinator.dashboard",
    Role.PARTNER: "partners.dashboard",
}


def home_for(user: User) -> str:
    """The page a user lands on after signing in."""
    return url_for(_LANDING[Role(user.role)])


@bp.route("/")
def index():
    """Explain the program and point each visitor to their next step."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return render_template("home/index.html")
