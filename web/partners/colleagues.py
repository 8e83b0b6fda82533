"""A partner contact's colleagues: who else follows the institution, and inviting one more."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.access import role_required
from web.admin.forms import InviteContactForm
from web.database import commits
from web.errors_domain import DomainError
from web.models import Role
from web.partners import bp
from web.services import accounts, partner_institutions


@bp.route("/colleagues", methods=["GET", "POST"])
@role_required(Role.PARTNER)
@commits
def colleagues() -> str | Response:
    """List the institution's contacts and invite a colleague by email."""
    partner = current_user.partner
    if partner is None:
        abort(403)
    form = InviteContactForm()
    if form.validate_on_submit():
        try:
            user = accounts.invite_partner_contact(
                partner, form.email.data, form.name.data, current_user._get_current_object()
            )
        except accounts.AccountExists as error:
            form.email.errors.append(str(error))
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(f"An invitation to choose a password is on its way to {user.email}.", "success")
            return redirect(url_for("partners.colleagues"))
    contacts = [c for c in partner_institutions.contacts_of(partner) if c.active]
    page = render_template(
        "partners/colleagues.html", partner=partner, form=form, contacts=contacts
    )
    return page, 400 if form.errors else 200
