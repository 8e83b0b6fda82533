"""Apprentices rank mentors and mentors mark apprentices, while a cohort's step is open."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from web.access import role_required
from web.database import commits
from web.errors_domain import DomainError
from web.models import ApprenticeProfile, MentorMarkKind, MentorProfile, Role
from web.preferences import bp
from web.preferences.forms import RankingForm, StepForm
from web.services import preference_choices, stated_preferences
from web.services.paging import Page, page_number

MARKS_PER_PAGE = 25


@bp.route("/apprentice/mentors", methods=["GET", "POST"])
@role_required(Role.APPRENTICE)
@commits
def rank_mentors() -> str | Response | tuple[str, int]:
    """The apprentice's shortlist of mentors and their ranking of up to five."""
    profile = _profile(current_user.apprentice_profile)
    try:
        stated_preferences.ensure_apprentice_may_state(profile)
    except DomainError as error:
        flash(str(error), "info")
        return redirect(url_for("apprentices.status"))
    shortlist = preference_choices.mentors_for(profile)
    offered = {c.id for c in shortlist}
    saved = [m for m in stated_preferences.ranking_of(profile) if m in offered]
    form = RankingForm(data={f"choice_{r}": m for r, m in enumerate(saved, start=1)})
    form.set_mentors([(c.id, _mentor_label(n, c)) for n, c in enumerate(shortlist, start=1)])
    problem = ""
    if form.validate_on_submit():
        try:
            ranked = stated_preferences.save_ranking(
                profile, form.chosen(), offered, current_user._get_current_object()
            )
        except DomainError as error:
            problem = str(error)
        else:
            flash(_saved_ranking_message(len(ranked)), "success")
            return redirect(url_for("apprentices.status"))
    page = render_template(
        "preferences/rank.html", form=form, shortlist=shortlist, problem=problem, profile=profile
    )
    return (page, 400) if form.is_submitted() else page


def _mentor_label(number: int, choice: preference_choices.Choice) -> str:
    """The select label, numbered as in the list since first names repeat."""
    text = f"{choice.first_name} ({choice.detail})" if choice.detail else choice.first_name
    return f"{number}. {text}"


def _saved_ranking_message(count: int) -> str:
    if not count:
        return _("Your ranking is cleared: you have no preference among mentors.")
    return _("Your ranking of %(count)d mentors is saved.", count=count)


@bp.route("/mentor/apprentices", methods=["GET", "POST"])
@role_required(Role.MENTOR)
@commits
def mark_apprentices() -> str | Response | tuple[str, int]:
    """Apprentices the rules allow with this mentor, each marked preferred, not a fit, or not."""
    profile = _profile(current_user.mentor_profile)
    try:
        stated_preferences.ensure_mentor_may_state(profile)
        everyone = preference_choices.apprentices_for(profile)
    except DomainError as error:
        flash(str(error), "info")
        return redirect(url_for("mentors.dashboard"))
    page = _page_of(everyone, page_number(request.values.get("page")))
    form, problem = StepForm(), ""
    if form.validate_on_submit():
        marks = {c.id: request.form.get(f"mark_{c.id}", "") for c in page.items}
        marks |= _strangers(request.form, {c.id for c in page.items})
        try:
            counts = stated_preferences.save_marks(
                profile, marks, {c.id for c in everyone}, current_user._get_current_object()
            )
        except DomainError as error:
            problem = str(error)
        else:
            flash(_saved_marks_message(counts), "success")
            return redirect(url_for("preferences.mark_apprentices", page=page.number))
    marks = stated_preferences.marks_of(profile, [c.id for c in page.items])
    if form.is_submitted():
        marks = {c.id: request.form.get(f"mark_{c.id}", "") for c in page.items}
    html = render_template(
        "preferences/mark.html",
        form=form,
        page=page,
        marks=marks,
        problem=problem,
        kinds=MentorMarkKind,
    )
    return (html, 400) if form.is_submitted() else html


def _strangers(posted, on_page: set[int]) -> dict[int, str]:
    """Marks posted for apprentices not on the page: the service refuses them."""
    out = {}
    for key, value in posted.items():
        number = key.removeprefix("mark_")
        if key.startswith("mark_") and number.isdecimal() and int(number) not in on_page:
            out[int(number)] = value
    return out


def _saved_marks_message(counts: dict[str, int]) -> str:
    return _(
        "Your marks are saved: %(preferred)d preferred, %(not_fit)d not a good fit on this page.",
        preferred=counts.get(MentorMarkKind.PREFERRED, 0),
        not_fit=counts.get(MentorMarkKind.NOT_FIT, 0),
    )


def _page_of(items: list, number: int) -> Page:
    """One page of an already computed list (the matcher's allowed pairs, best first)."""
    last = max((len(items) + MARKS_PER_PAGE - 1) // MARKS_PER_PAGE, 1)
    number = min(number, last)
    start = (number - 1) * MARKS_PER_PAGE
    return Page(items[start : start + MARKS_PER_PAGE], number, MARKS_PER_PAGE, len(items))


def _profile(profile: ApprenticeProfile | MentorProfile | None):
    if profile is None:
        abort(404)
    return profile
