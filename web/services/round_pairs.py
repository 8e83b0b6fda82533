"""A round's pairs and unmatched apprentices, filtered, sorted and read a page at a time."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import Select, String, cast, func, select
from sqlalchemy.orm import aliased

from web.extensions import db
from web.models import (
    ApprenticeProfile,
    MatchRound,
    MentorProfile,
    PartnerInstitution,
    ProposedMatch,
    UnmatchedApprentice,
    User,
)
from web.models.profiles import apprentice_display_name
from web.services import kept_figures
from web.services.paging import Page, paginate

PAIRS_PER_PAGE = 25
UNMATCHED_PER_PAGE = 100

ApprenticeUser = aliased(User, name="apprentice_user")
MentorUser = aliased(User, name="mentor_user")

SORT_COLUMNS = {
    "apprentice": func.lower(func.coalesce(ApprenticeUser.name, "")),
    "partner": func.lower(PartnerInstitution.name),
    "mentor": func.lower(MentorUser.name),
    "department": func.lower(MentorProfile.department),
    "score": ProposedMatch.score,
    "status": ProposedMatch.status,
}


@dataclass(frozen=True)
class PairQuery:
    """Filters and order for a round's pair table (all optional)."""

    partner: str = ""
    pathway: str = ""
    min_score: float | None = None
    status: str = ""
    sort: str = "score"
    descending: bool = True

    @property
    def filtered(self) -> bool:
        """True when some filter leaves pairs out."""
        return bool(self.partner or self.pathway or self.status) or self.min_score is not None


@dataclass(frozen=True)
class RoundCounts:
    """How many pairs and unmatched apprentices a round has."""

    pairs: int
    unmatched: int


def round_counts(round_id: int) -> RoundCounts:
    """Pairs and unmatched apprentices of the round, counted once per change of the program."""
    return RoundCounts(**kept_figures.kept(f"round:{round_id}", lambda: _count_round(round_id)))


def _count_round(round_id: int) -> dict:
    pairs = select(func.count()).where(ProposedMatch.round_id == round_id).scalar_subquery()
    unmatched = (
        select(func.count()).where(UnmatchedApprentice.round_id == round_id).scalar_subquery()
    )
    row = db.session.execute(select(pairs, unmatched)).one()
    return {"pairs": row[0], "unmatched": row[1]}


@dataclass(frozen=True, slots=True)
class PairRow:
    """What the review shows of one proposed pair: its table row and its explanation."""

    id: int
    status: str
    locked: bool
    decision_reason: str
    score: float
    reason: str
    components: dict
    facts: dict
    apprentice_name: str
    partner_name: str
    mentor_name: str
    mentor_department: str

    @classmethod
    def from_row(cls, row) -> PairRow:
        """The pair from a row of PAIR_ROW_COLUMNS."""
        (
            id_,
            status,
            locked,
            decision_reason,
            score,
            reason,
            components,
            facts,
            apprentice_id,
            apprentice_status,
            apprentice_user_name,
            partner_name,
            mentor_name,
            mentor_department,
        ) = row
        return cls(
            id=id_,
            status=status,
            locked=locked,
            decision_reason=decision_reason,
            score=score,
            reason=reason,
            components=components or {},
            facts=facts or {},
            apprentice_name=apprentice_display_name(
                apprentice_id, apprentice_status, apprentice_user_name
            ),
            partner_name=partner_name,
            mentor_name=mentor_name,
            mentor_department=mentor_department,
        )


PAIR_ROW_COLUMNS = (
    ProposedMatch.id,
    ProposedMatch.status,
    ProposedMatch.locked,
    ProposedMatch.decision_reason,
    ProposedMatch.score,
    ProposedMatch.reason,
    ProposedMatch.components,
    ProposedMatch.facts,
    ApprenticeProfile.id,
    ApprenticeProfile.status,
    ApprenticeUser.name,
    PartnerInstitution.name,
    MentorUser.name,
    MentorProfile.department,
)


def pairs_page(match_round: MatchRound, query: PairQuery, number: int, counts: RoundCounts) -> Page:
    """One page of the round's pairs passing the filters, in the requested order, as PairRows."""
    total = _filtered_count(match_round.id, query) if query.filtered else counts.pairs
    page = paginate(
        _pairs_select(match_round.id, query), number, PAIRS_PER_PAGE, rows=True, total=total
    )
    return replace(page, items=[PairRow.from_row(row) for row in page.items])


def _filtered_count(round_id: int, query: PairQuery) -> int:
    """How many of the round's pairs pass the filters, joining only what the filters read."""
    stmt = select(func.count(ProposedMatch.id)).where(ProposedMatch.round_id == round_id)
    if query.partner or query.pathway:
        stmt = stmt.join(ProposedMatch.apprentice)
    if query.partner:
        stmt = stmt.join(ApprenticeProfile.partner)
    return db.session.scalar(_filtered(stmt, query))


def _filtered(stmt: Select, query: PairQuery) -> Select:
    if query.partner:
        stmt = stmt.where(PartnerInstitution.name == query.partner)
    if query.pathway:
        # Pathways are a JSON list of keys: look for the quoted key in its text.
        text = cast(ApprenticeProfile.pathways, String)
        stmt = stmt.where(text.contains(f'"{query.pathway}"', autoescape=True))
    if query.min_score is not None:
        stmt = stmt.where(ProposedMatch.score >= query.min_score - 1e-9)
    if query.status:
        stmt = stmt.where(ProposedMatch.status == query.status)
    return stmt


def _pairs_select(round_id: int, query: PairQuery) -> Select:
    # One statement: the pair's own columns with the names the table shows joined in (Core
    # rows: no profile or user objects are built for a page of 25 pairs).
    stmt = (
        select(*PAIR_ROW_COLUMNS)
        .join(ProposedMatch.apprentice)
        .join(ApprenticeProfile.partner)
        .outerjoin(ApprenticeUser, ApprenticeProfile.user)
        .join(ProposedMatch.mentor)
        .join(MentorUser, MentorProfile.user)
        .where(ProposedMatch.round_id == round_id)
    )
    stmt = _filtered(stmt, query)
    column = SORT_COLUMNS.get(query.sort, ProposedMatch.score)
    order = column.desc() if query.descending else column.asc()
    return stmt.order_by(order, ProposedMatch.id)


@dataclass(frozen=True, slots=True)
class UnmatchedRow:
    """An apprentice the round left without a mentor, as the review lists them."""

    apprentice_id: int
    apprentice_name: str
    partner_name: str
    reason: str


def unmatched_page(round_id: int, number: int, counts: RoundCounts) -> Page:
    """One page of the apprentices the round left without a mentor, with their partner."""
    stmt = (
        select(
            UnmatchedApprentice.apprentice_id,
            ApprenticeProfile.status,
            ApprenticeUser.name,
            PartnerInstitution.name,
            UnmatchedApprentice.reason,
        )
        .join(UnmatchedApprentice.apprentice)
        .join(ApprenticeProfile.partner)
        .outerjoin(ApprenticeUser, ApprenticeProfile.user)
        .where(UnmatchedApprentice.round_id == round_id)
        .order_by(UnmatchedApprentice.id)
    )
    page = paginate(stmt, number, UNMATCHED_PER_PAGE, rows=True, total=counts.unmatched)
    rows = [
        UnmatchedRow(
            apprentice_id=apprentice_id,
            apprentice_name=apprentice_display_name(apprentice_id, status, user_name),
            partner_name=partner_name,
            reason=reason,
        )
        for apprentice_id, status, user_name, partner_name, reason in page.items
    ]
    return replace(page, items=rows)


def partner_names() -> list[str]:
    """Names of every partner institution, for the pair table's filter.

    All of them rather than only those with pairs in the round: that would be a scan of the
    round's pairs on every page view, for a list that is short either way.
    """
    return list(
        db.session.scalars(select(PartnerInstitution.name).order_by(PartnerInstitution.name))
    )
