"""Administration of partner institutions: list, create, edit, deactivate, invite contacts."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from web.access import program_admin_required
from web.admin import bp
from web.admin.forms import ButtonForm, InviteContactForm, PartnerForm
from web.database import commits
from web.errors_domain import DomainError
from web.extensions import db
from web.models import PartnerInstitution
from web.models.program import PARTNER_KINDS
from web.services import accounts, partner_institutions

PER_PAGE = 50
# The contact form shares the page with the partner form: its fields get their own names.
CONTACT = "contact"


@bp.route("/partners")
@program_admin_required
def partners():
    """Partner institutions with their contacts and apprentices counted."""
    page = db.paginate(partner_institutions.partners_query(), per_page=PER_PAGE, error_out=False)
    counts = partner_institutions.counts_for([p.id for p in page.items])
    return render_template("admin/partners.html", page=page, counts=counts, kinds=PARTNER_KINDS)


@bp.route("/partners/new", methods=["GET", "POST"])
@program_admin_required
@commits
def new_partner():
    """Add a partner institution."""
    form = PartnerForm()
    if form.validate_on_submit():
        try:
            partner = partner_institutions.create_partner(_me(), **form.values())
        except partner_institutions.PartnerNameTaken as error:
            form.name.errors.append(str(error))
        else:
            flash(f"{partner.name} is added. Invite its contacts below.", "success")
            return redirect(url_for("admin.partner", partner_id=partner.id))
    status = 400 if form.errors else 200
    return render_template("admin/partner_form.html", form=form, partner=None), status


@bp.route("/partners/<int:partner_id>", methods=["GET", "POST"])
@program_admin_required
@commits
def partner(partner_id: int):
    """One partner: its details to edit, its contacts, and inviting a contact."""
    partner = db.get_or_404(PartnerInstitution, partner_id)
    form = PartnerForm(obj=partner)
    if form.validate_on_submit():
        try:
            partner_institutions.update_partner(partner, _me(), **form.values())
        except partner_institutions.PartnerNameTaken as error:
            form.name.errors.append(str(error))
        else:
            flash(f"{partner.name} is saved.", "success")
            return redirect(url_for("admin.partner", partner_id=partner.id))
    return _partner_page(partner, form, InviteContactForm(formdata=None, prefix=CONTACT))


def _partner_page(partner: PartnerInstitution, form: PartnerForm, invite: InviteContactForm):
    status = 400 if form.errors or invite.errors else 200
    return render_template(
        "admin/partner_form.html",
        partner=partner,
        form=form,
        invite=invite,
        contacts=partner_institutions.contacts_of(partner),
        button=ButtonForm(formdata=None),
    ), status


@bp.post("/partners/<int:partner_id>/contacts")
@program_admin_required
@commits
def invite_contact(partner_id: int):
    """Invite a contact of the partner by email."""
    partner = db.get_or_404(PartnerInstitution, partner_id)
    invite = InviteContactForm(prefix=CONTACT)
    if invite.validate_on_submit():
        try:
            user = accounts.invite_partner_contact(
                partner, invite.email.data, invite.name.data, _me()
            )
        except accounts.AccountExists as error:
            invite.email.errors.append(str(error))
        except DomainError as error:
            flash(str(error), "error")
            return redirect(url_for("admin.partner", partner_id=partner.id))
        else:
            flash(f"An invitation to choose a password is on its way to {user.email}.", "success")
            return redirect(url_for("admin.partner", partner_id=partner.id))
    return _partner_page(partner, PartnerForm(obj=partner, formdata=None), invite)


@bp.post("/partners/<int:partner_id>/active")
@program_admin_required
@commits
def toggle_partner(partner_id: int):
    """Deactivate a partner institution, or make it active again."""
    partner = db.get_or_404(PartnerInstitution, partner_id)
    if not ButtonForm().validate_on_submit():
        flash("This form expired. Try again.", "error")
    else:
        try:
            closed = partner_institutions.set_active(partner, _me(), not partner.active)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_toggled_message(partner, closed), "success")
    return redirect(url_for("admin.partner", partner_id=partner.id))


def _toggled_message(partner: PartnerInstitution, contacts_closed: int) -> str:
    if partner.active:
        return _(
            "%(name)s is active again. Its contacts' accounts stay closed until you reactivate "
            "each one, and its old API tokens stay revoked.",
            name=partner.name,
        )
    return ngettext(
        "%(name)s is deactivated: no new apprentices join it, %(num)d contact account is "
        "closed and its API tokens are revoked.",
        "%(name)s is deactivated: no new apprentices join it, %(num)d contact accounts are "
        "closed and its API tokens are revoked.",
        contacts_closed,
        name=partner.name,
    )


def _me():
    return current_user._get_current_object()
