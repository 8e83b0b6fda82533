"""Administration of people: the coordinators and their roles, and closing any account."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from web.access import program_admin_required
from web.admin import bp
from web.admin.forms import (
    ROLE_HINTS,
    AccountFilterForm,
    ButtonForm,
    DeactivateForm,
    InviteCoordinatorForm,
    RoleForm,
)
from web.database import commits
from web.errors_domain import DomainError
from web.extensions import db
from web.models import MentorVetting, User
from web.services import accounts, vetting
from web.services.accounts import ROLE_LABELS

PER_PAGE = 50


@bp.route("/")
@program_admin_required
def home():
    """What program admins run, with what waits for them."""
    pending = db.session.scalar(
        select(func.count()).select_from(vetting.pending_query().subquery())
    )
    return render_template("admin/home.html", pending=pending, vetting=MentorVetting)


@bp.route("/coordinators", methods=["GET", "POST"])
@program_admin_required
@commits
def coordinators():
    """Every coordinator with their role, and inviting a new one by email."""
    form = InviteCoordinatorForm()
    if form.validate_on_submit():
        try:
            user = accounts.invite_coordinator(
                form.email.data, form.name.data, form.coordinator_role.data, _me()
            )
        except accounts.AccountExists as error:
            form.email.errors.append(str(error))
        else:
            flash(f"An invitation to choose a password is on its way to {user.email}.", "success")
            return redirect(url_for("admin.coordinators"))
    page = db.paginate(accounts.coordinators_query(), per_page=PER_PAGE, error_out=False)
    return render_template(
        "admin/coordinators.html",
        form=form,
        page=page,
        role_labels=ROLE_LABELS,
        role_hints=ROLE_HINTS,
        role_form=RoleForm(formdata=None),
    ), 400 if form.errors else 200


@bp.post("/coordinators/<int:user_id>/role")
@program_admin_required
@commits
def change_role(user_id: int):
    """Make a coordinator a program admin or a reviewer."""
    user = db.get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash("Choose a role from the list.", "error")
    else:
        try:
            accounts.change_coordinator_role(user, form.coordinator_role.data, _me())
        except DomainError as error:
            flash(str(error), "error")
        else:
            label = ROLE_LABELS[user.coordinator_role]
            flash(f"{user.name} is now a {label.lower()}.", "success")
    return redirect(url_for("admin.coordinators"))


@bp.route("/accounts")
@program_admin_required
def accounts_list():
    """Every account, found by name, email or role, to close or open again."""
    form = AccountFilterForm(request.args)
    query = select(User).order_by(func.lower(User.name), User.id)
    if form.validate():
        if text := (form.q.data or "").strip():
            query = query.where(
                or_(
                    User.name.icontains(text, autoescape=True),
                    User.email.icontains(text, autoescape=True),
                )
            )
        if form.role.data:
            query = query.where(User.role == form.role.data)
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    return render_template("admin/accounts.html", form=form, page=page)


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
@program_admin_required
@commits
def account(user_id: int):
    """One account: deactivate it (sessions and API tokens end) with a reason."""
    user = db.get_or_404(User, user_id)
    form = DeactivateForm()
    if form.validate_on_submit():
        try:
            revoked = accounts.deactivate(user, _me(), form.reason.data or "")
        except DomainError as error:
            flash(str(error), "error")
        else:
            tokens = (
                f" {revoked} API token{'s' if revoked != 1 else ''} revoked." if revoked else ""
            )
            flash(f"{user.name}'s account is deactivated: they are signed out.{tokens}", "success")
        return redirect(url_for("admin.account", user_id=user.id))
    return render_template(
        "admin/account.html", user=user, form=form, reactivate_form=ButtonForm(formdata=None)
    ), 400 if form.errors else 200


@bp.post("/accounts/<int:user_id>/reactivate")
@program_admin_required
@commits
def reactivate(user_id: int):
    """Open a deactivated account again."""
    user = db.get_or_404(User, user_id)
    if not ButtonForm().validate_on_submit():
        flash("This form expired. Try again.", "error")
    else:
        try:
            accounts.reactivate(user, _me())
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(f"{user.name}'s account is active again.", "success")
    return redirect(url_for("admin.account", user_id=user.id))


def _me() -> User:
    return current_user._get_current_object()
