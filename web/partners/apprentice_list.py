"""The partner's list of apprentices in a cohort: a page at a time, or all of it for the CSV.

The list's order: apprentices with an account by name (lowercased), then the withdrawn ones,
ties by id. Each row carries the apprentice's latest published mentorship and its mentor.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from sqlalchemy import bindparam, case, func, literal, select, union_all
from sqlalchemy.orm import contains_eager, joinedload, lazyload, load_only
from sqlalchemy.orm.attributes import set_committed_value

from web.extensions import db
from web.models import ApprenticeProfile, ApprenticeStatus, MentorProfile, Mentorship, User
from web.partners.services import apprentice_row, latest_mentorship_id, list_row
from web.services import kept_figures
from web.services.paging import Page, page_within

STREAM_BATCH = 1000
_MENTOR_COLUMNS = (
    load_only(MentorProfile.department, MentorProfile.job_title),
    joinedload(MentorProfile.user).load_only(User.name, User.email),
    lazyload(MentorProfile.skills),
)


def apprentice_rows_page(
    partner_id: int, cohort_id: int, status: str | None, number: int, per_page: int
) -> Page:
    """One page of the partner's apprentices in a cohort (of `status`, if given), as list rows.

    Four statements whatever the page holds and however many apprentices there are: the kept
    count, the page's apprentices with the ids of their latest mentorships, those mentorships
    and their mentors.
    """
    total = apprentice_count(partner_id, cohort_id, status)
    number = page_within(number, per_page, total)
    offset = (number - 1) * per_page
    parameters = {"partner_id": partner_id, "cohort_id": cohort_id, "status": status}
    parameters |= {"offset": offset, "limit": per_page, "upto": offset + per_page}
    found = db.session.execute(_page_statement(status is not None), parameters).all()
    mentorships = _mentorships_with_mentors([row.mentorship_id for row in found])
    rows = [
        list_row(
            row.id,
            row.cohort_id,
            row.status,
            row.pathways,
            (row.name, row.email) if row.user_id is not None else None,
            mentorships.get(row.mentorship_id),
        )
        for row in found
    ]
    return Page(rows, number, per_page, total)


@functools.cache
def _page_statement(by_status: bool):
    """SQL: one page of the list as plain rows, with the id of each one's latest mentorship.

    Made once per process with the partner, cohort, status and page as parameters; the latest
    mentorship is looked up for the page's rows only, then read by its id.
    """
    scope = _in_cohort(bindparam("partner_id"), bindparam("cohort_id"), None)
    if by_status:
        scope = (*scope, ApprenticeProfile.status == bindparam("status"))
    page = _page_of_list(scope, bindparam("offset"), bindparam("limit"), bindparam("upto"))
    return (
        select(
            ApprenticeProfile.id,
            ApprenticeProfile.cohort_id,
            ApprenticeProfile.status,
            ApprenticeProfile.pathways,
            ApprenticeProfile.user_id,
            User.name,
            User.email,
            latest_mentorship_id(ApprenticeProfile.id).label("mentorship_id"),
        )
        .select_from(page)
        .join(ApprenticeProfile, ApprenticeProfile.id == page.c.id)
        .outerjoin(User, ApprenticeProfile.user_id == User.id)
        .order_by(page.c.gone, page.c.name_key, page.c.id)
    )


def iter_apprentice_rows(partner_id: int, cohort_id: int, status: str | None) -> Iterator:
    """Every list row of the partner's apprentices in a cohort, read in server-side batches.

    The apprentice's user and the mentor with their user are joined into the same statement.
    """
    gone = case((_withdrawn(), 1), else_=0)
    query = (
        select(ApprenticeProfile, Mentorship)
        .outerjoin(User, ApprenticeProfile.user_id == User.id)
        .outerjoin(Mentorship, Mentorship.id == latest_mentorship_id(ApprenticeProfile.id))
        .where(*_in_cohort(partner_id, cohort_id, status))
        .options(
            contains_eager(ApprenticeProfile.user),
            lazyload(ApprenticeProfile.skills),
            joinedload(Mentorship.mentor).lazyload(MentorProfile.skills),
        )
        .order_by(gone, func.lower(func.coalesce(User.name, "")), ApprenticeProfile.id)
    )
    result = db.session.execute(query.execution_options(yield_per=STREAM_BATCH))
    for apprentice, mentorship in result:
        yield apprentice_row(apprentice, mentorship)


def _mentorships_with_mentors(ids: list[int | None]) -> dict[int, Mentorship]:
    """Mentorship id -> the mentorship, with the mentor and their user (None ids are skipped).

    Mentorships, then their mentors, are read by lists of ids (two statements, even for none),
    which the database answers from the primary keys; joined, it would weigh reading the
    whole table instead.
    """
    mentorships = db.session.scalars(
        select(Mentorship)
        .where(Mentorship.id.in_([id_ for id_ in ids if id_ is not None]))
        .options(load_only(Mentorship.status, Mentorship.mentor_id))
    ).all()
    mentor_ids = {mentorship.mentor_id for mentorship in mentorships}
    mentors = db.session.scalars(
        select(MentorProfile).where(MentorProfile.id.in_(mentor_ids)).options(*_MENTOR_COLUMNS)
    )
    by_id = {mentor.id: mentor for mentor in mentors}
    for mentorship in mentorships:
        set_committed_value(mentorship, "mentor", by_id[mentorship.mentor_id])
    return {mentorship.id: mentorship for mentorship in mentorships}


def apprentice_count(partner_id: int, cohort_id: int, status: str | None) -> int:
    """How many of the partner's apprentices are in the cohort (of `status`, if given)."""
    by_status = kept_figures.kept(
        f"partner:{partner_id}:cohort:{cohort_id}:statuses",
        lambda: _count_by_status(partner_id, cohort_id),
    )
    return by_status.get(status, 0) if status else sum(by_status.values())


def _count_by_status(partner_id: int, cohort_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(ApprenticeProfile.status, func.count())
        .where(*_in_cohort(partner_id, cohort_id, None))
        .group_by(ApprenticeProfile.status)
    )
    return {status: count for status, count in rows}


def _in_cohort(partner_id: int, cohort_id: int, status: str | None) -> tuple:
    """SQL: the partner's apprentices in the cohort, of `status` if given."""
    scope = (ApprenticeProfile.partner_id == partner_id, ApprenticeProfile.cohort_id == cohort_id)
    return (*scope, ApprenticeProfile.status == status) if status else scope


def _withdrawn():
    """SQL: the apprentice has left the program, or has no account any more."""
    return (ApprenticeProfile.status == ApprenticeStatus.WITHDRAWN) | (
        ApprenticeProfile.user_id.is_(None)
    )


def _page_of_list(scope: tuple, offset, limit, upto):
    """SQL: (id, gone, name_key) of the apprentices in `scope` on one page of the list.

    Apprentices with an account come first, read along the users' index on the lowercased
    name; the withdrawn follow. Each part is read in its own order only as far as the page
    (`upto` = offset + limit), so a page near the start costs about a page of rows whatever the
    size of the program.
    """
    name_key = func.lower(User.name)
    people = (
        select(ApprenticeProfile.id, literal(0).label("gone"), name_key.label("name_key"))
        .join(User, ApprenticeProfile.user_id == User.id)
        .where(*scope, ApprenticeProfile.status != ApprenticeStatus.WITHDRAWN)
        .order_by(name_key, ApprenticeProfile.id)
        .limit(upto)
    )
    gone_key = func.lower(func.coalesce(User.name, ""))
    gone = (
        select(ApprenticeProfile.id, literal(1).label("gone"), gone_key.label("name_key"))
        .outerjoin(User, ApprenticeProfile.user_id == User.id)
        .where(*scope, _withdrawn())
        .order_by(gone_key, ApprenticeProfile.id)
        .limit(upto)
    )
    both = union_all(select(people.subquery()), select(gone.subquery())).subquery()
    return (
        select(both)
        .order_by(both.c.gone, both.c.name_key, both.c.id)
        .limit(limit)
        .offset(offset)
        .subquery("page")
    )
