"""Pages opened from a link in an email, without signing in: unsubscribe, surveys."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from web.database import commits
from web.extensions import csrf
from web.language import speaking_to
from web.program_year import bp
from web.program_year.forms import SurveyForm
from web.services import email_preferences, surveys
from web.services.email_preferences import InvalidUnsubscribeLink
from web.services.surveys import SurveyLinkProblem


@bp.route("/email/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
@commits
def unsubscribe(token: str) -> str | Response | tuple[str, int]:
    """Turn off non-essential emails; a POST is the mail client's one-click (RFC 8058)."""
    try:
        user = email_preferences.user_for_unsubscribe(token)
    except InvalidUnsubscribeLink as error:
        return render_template("program_year/link_problem.html", message=str(error)), 404
    if request.method == "POST":
        wanted = request.form.get("non_essential") == "on"
        email_preferences.set_non_essential(user, wanted)
    with speaking_to(user.language):
        return render_template(
            "program_year/unsubscribe.html",
            token=token,
            receiving=email_preferences.wants_non_essential(user),
            posted=request.method == "POST",
        )


@bp.route("/survey/<token>", methods=["GET", "POST"])
@commits
def survey(token: str) -> str | Response | tuple[str, int]:
    """Answer a pulse or end-of-year survey once, from the link in its email."""
    try:
        pending = surveys.survey_for_token(token)
    except SurveyLinkProblem as error:
        return render_template("program_year/link_problem.html", message=str(error)), 404
    form = SurveyForm()
    if form.validate_on_submit():
        try:
            surveys.answer_survey(
                pending,
                int(form.satisfaction.data),
                int(form.would_recommend.data),
                form.comment.data or "",
            )
        except SurveyLinkProblem as error:
            return render_template("program_year/link_problem.html", message=str(error)), 404
        flash(_("Thank you. Your answers are saved."), "success")
        return redirect(url_for("program_year.survey_thanks"))
    with speaking_to(pending.respondent.language):
        return render_template(
            "program_year/survey.html", form=form, title=surveys.TITLES[pending.kind]
        )


@bp.route("/survey/thanks")
def survey_thanks() -> str:
    """Where a survey link leads once answered."""
    return render_template("program_year/survey_thanks.html")
