"""Matching rounds: starting one, running the matcher for it, storing what it proposes."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm.attributes import set_committed_value

from matcher import MatchResult, propose_pairs
from web import bulk_rows
from web.config import MATCH_HARD_TIME_LIMIT
from web.database import enqueue_after_commit, refresh_planner_statistics
from web.errors_domain import DomainError
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    ApprenticeStatus,
    Cohort,
    MatchRound,
    MatchStatus,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    ProposedMatch,
    RoundStatus,
    UnmatchedApprentice,
    User,
)
from web.models.base import utcnow
from web.services import audit, round_comparison, round_inputs
from web.services.cohorts import ensure_not_archived
from web.services.matching_inputs import (
    counted_apprentices,
    counted_mentors,
    kept_pairs_still_allowed,
    may_be_matched,
    rules_from_parameters,
)

logger = logging.getLogger(__name__)

RUN_ROUND_TASK = "workers.tasks.run_match_round"
MATCHABLE = (ApprenticeStatus.REGISTERED, ApprenticeStatus.PROPOSED)
# Approved apprentices go into the next round too, so their approved pair is kept (locked).
IN_ROUND = (*MATCHABLE, ApprenticeStatus.APPROVED)
LIVE_MENTORSHIPS = (MentorshipStatus.AWAITING_MENTOR, MentorshipStatus.ACTIVE)
UNFINISHED = (RoundStatus.QUEUED, RoundStatus.RUNNING)
# The worker kills a round that runs past the hard time limit, so a round queued or running
# for longer than that has no worker on it any more: it is stale and can be run again.
STALE_AFTER = timedelta(seconds=MATCH_HARD_TIME_LIMIT)


class RoundInProgress(DomainError):
    """The cohort already has a round waiting or running."""


def round_with_cohort(round_id: int) -> MatchRound | None:
    """The round, with its cohort read in the same statement (the round's pages show both).

    Read side by side rather than through a loader option, which the round would keep for
    its later refreshes, such as the row lock of a decision (FOR UPDATE cannot take an outer
    join).
    """
    row = db.session.execute(
        select(MatchRound, Cohort).join(MatchRound.cohort).where(MatchRound.id == round_id)
    ).first()
    if row is None:
        return None
    set_committed_value(row.MatchRound, "cohort", row.Cohort)
    return row.MatchRound


def is_stale(match_round: MatchRound, now: datetime | None = None) -> bool:
    """True if the round is queued or running for longer than any round may take."""
    if match_round.status not in UNFINISHED:
        return False
    # started_at is when the current attempt was picked up, or queued again by a retry.
    since = _aware(match_round.started_at or match_round.created_at)
    return (now or utcnow()) - since > STALE_AFTER


def stale_minutes() -> int:
    """After how many minutes a queued or running round counts as stale."""
    return int(STALE_AFTER.total_seconds() // 60)


def start_round(cohort: Cohort, parameters: dict, started_by: User) -> MatchRound:
    """Create a queued round for `cohort`; the worker starts it once this transaction commits."""
    ensure_not_archived(cohort, started_by, "start a round")
    unfinished = db.session.scalars(
        select(MatchRound).where(
            MatchRound.cohort_id == cohort.id, MatchRound.status.in_(UNFINISHED)
        )
    ).all()
    if busy := [r for r in unfinished if not is_stale(r)]:
        raise RoundInProgress(
            f"Round {busy[0].id} of this cohort is still running. Wait for it first."
        )
    # Decisions carry over from the last round that produced pairs, not from a failed one.
    previous = next((r for r in cohort.rounds if r.status == RoundStatus.SUCCEEDED), None)
    match_round = MatchRound(
        cohort=cohort,
        parameters=parameters,
        started_by=started_by,
        previous_round_id=previous.id if previous else None,
    )
    db.session.add(match_round)
    db.session.flush()
    for stale in unfinished:
        _give_up(stale, started_by, f"Round {match_round.id} replaced it.")
    audit.record(started_by, "round.started", match_round, **parameters)
    enqueue_after_commit(RUN_ROUND_TASK, match_round.id, about=match_round)
    return match_round


def _give_up(match_round: MatchRound, user: User, outcome: str) -> None:
    """Mark a stale round failed, so it blocks its cohort no longer and never runs late."""
    waited = "waiting for a worker" if match_round.status == RoundStatus.QUEUED else "running"
    match_round.status = RoundStatus.FAILED
    match_round.error = (
        f"This round never finished: it was still {waited} after {stale_minutes()} minutes, "
        f"longer than any round may take, so the matching service had lost it. {outcome}"
    )
    match_round.progress, match_round.progress_message = 1.0, "Failed"
    match_round.finished_at = utcnow()
    audit.record(user, "round.given_up", match_round, was=waited)


def retry_round(match_round: MatchRound, user: User) -> None:
    """Queue a failed or stale round again; its earlier results are replaced."""
    ensure_not_archived(match_round.cohort, user, "run a round again")
    if match_round.status == RoundStatus.SUCCEEDED:
        raise DomainError("This round already finished. Start a new round to match again.")
    if match_round.status in UNFINISHED and not (is_stale(match_round) or _abandoned(match_round)):
        raise RoundInProgress(
            "This round is still under way. If it shows no progress for "
            f"{stale_minutes()} minutes, you can run it again."
        )
    match_round.status = RoundStatus.QUEUED
    match_round.error = None
    match_round.progress = 0.0
    match_round.progress_message = "Waiting for a worker"
    match_round.started_at = utcnow()  # the staleness rule counts from here until a worker starts
    match_round.finished_at = None
    audit.record(user, "round.retried", match_round)
    enqueue_after_commit(RUN_ROUND_TASK, match_round.id, about=match_round)


def _abandoned(match_round: MatchRound) -> bool:
    """True if no worker works on the round, so running it again cannot run it twice."""
    from web.services import worker_health

    problem = worker_health.round_problem(match_round)
    return problem is not None and problem.can_run_again


def run_round(round_id: int, task_id: str | None = None) -> None:
    """Run the matcher for a round and store its proposals, once, however often it is called."""
    _lock_round(round_id)
    match_round = db.session.get(MatchRound, round_id)
    if match_round is None:
        logger.warning("round %s does not exist; nothing to run", round_id)
        return
    if match_round.finished:
        # A failed round runs again only through retry_round, which queues it anew; a late
        # delivery of a round given up as stale must not overwrite the round that replaced it.
        logger.info("round %s already %s; not running it again", round_id, match_round.status)
        return
    _set_progress(round_id, 0.0, "Loading profiles", status=RoundStatus.RUNNING, task_id=task_id)
    result = _propose_for(match_round)
    _store_result(match_round, result)
    db.session.flush()


def mark_failed(round_id: int, message: str) -> None:
    """Record in its own transaction that a round failed, with a message for the coordinator."""
    _set_progress(round_id, 1.0, "Failed", status=RoundStatus.FAILED, error=message)


def _lock_round(round_id: int) -> None:
    """Serialize runs of the same round on PostgreSQL, so two deliveries store one result."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": round_id})


def _set_progress(round_id: int, fraction: float, message: str, **values) -> None:
    """Write progress through its own connection so the round page sees it at once."""
    values |= {"progress": round(fraction, 3), "progress_message": message[:200]}
    if values.get("status") == RoundStatus.RUNNING:
        values |= {"started_at": utcnow(), "attempts": MatchRound.attempts + 1}
    if values.get("status") == RoundStatus.FAILED:
        values["finished_at"] = utcnow()
    with db.engine.begin() as connection:
        connection.execute(update(MatchRound).where(MatchRound.id == round_id).values(**values))


def _propose_for(match_round: MatchRound) -> MatchResult:
    keep, never = _decisions_carried_over(match_round)
    published = select(Mentorship.apprentice_id).where(Mentorship.status.in_(LIVE_MENTORSHIPS))
    apprentices = round_inputs.load_apprentices(
        ApprenticeProfile.cohort_id == match_round.cohort_id,
        ApprenticeProfile.status.in_(IN_ROUND),
        ApprenticeProfile.id.not_in(published),
        counted_apprentices(),
        may_be_matched(),
        stated=True,
    )
    # Mentors of kept pairs take part even if they no longer accept apprentices, or the
    # matcher would drop those pairs without a word.
    kept_with = Counter(int(mentor_id) for _, mentor_id in keep)
    mentors = round_inputs.load_mentors(
        MentorProfile.accepting | MentorProfile.id.in_(list(kept_with)),
        counted_mentors(),
        taken=places_taken(),
        kept=kept_with,
        marked=select(ApprenticeProfile.id).where(
            ApprenticeProfile.cohort_id == match_round.cohort_id
        ),
    )
    keep = kept_pairs_still_allowed(keep, apprentices, mentors)
    rules = rules_from_parameters(match_round.parameters, keep, never)

    def progress(fraction: float, message: str) -> None:
        _set_progress(match_round.id, 0.05 + 0.9 * fraction, message)

    result = propose_pairs(apprentices, mentors, rules, progress=progress)
    floors = round_comparison.comparison_floors(match_round.parameters)
    return round_comparison.with_floor_comparison(apprentices, mentors, rules, result, floors)


def places_taken() -> dict[int, int]:
    """Mentor id -> places held by mentorships already published and not ended."""
    rows = db.session.execute(
        select(Mentorship.mentor_id, func.count())
        .where(Mentorship.status.in_(LIVE_MENTORSHIPS))
        .group_by(Mentorship.mentor_id)
    )
    return dict(rows.all())


def _decisions_carried_over(
    match_round: MatchRound,
) -> tuple[frozenset[tuple[str, str]], frozenset[tuple[str, str]]]:
    """Pairs to keep (locked or approved last round) and pairs never to propose again."""
    cohort_rounds = select(MatchRound.id).where(MatchRound.cohort_id == match_round.cohort_id)
    decided = db.session.execute(
        select(ProposedMatch.apprentice_id, ProposedMatch.mentor_id, ProposedMatch.status)
        .where(ProposedMatch.round_id.in_(cohort_rounds))
        .where(
            (ProposedMatch.round_id == match_round.previous_round_id)
            | (ProposedMatch.status == MatchStatus.REJECTED)
        )
    ).all()
    keep, never = set(), set()
    for apprentice_id, mentor_id, status in decided:
        pair = (str(apprentice_id), str(mentor_id))
        if status == MatchStatus.REJECTED:
            never.add(pair)
        elif status == MatchStatus.APPROVED:
            keep.add(pair)
    keep |= _locked_pairs(match_round.previous_round_id)
    return frozenset(keep - never), frozenset(never)


def _locked_pairs(round_id: int | None) -> set[tuple[str, str]]:
    if round_id is None:
        return set()
    rows = db.session.execute(
        select(ProposedMatch.apprentice_id, ProposedMatch.mentor_id).where(
            ProposedMatch.round_id == round_id,
            ProposedMatch.locked,
            ProposedMatch.status != MatchStatus.REJECTED,
        )
    )
    return {(str(a), str(m)) for a, m in rows}


def _store_result(match_round: MatchRound, result: MatchResult) -> None:
    """Replace the round's proposals with `result` (idempotent by round id)."""
    db.session.execute(delete(ProposedMatch).where(ProposedMatch.round_id == match_round.id))
    db.session.execute(
        delete(UnmatchedApprentice).where(UnmatchedApprentice.round_id == match_round.id)
    )
    carried = _approved_in_previous(match_round)
    locked = {(int(a), int(m)) for a, m in _locked_pairs(match_round.previous_round_id)}
    proposals = []
    for pair in result.pairs:
        key = (int(pair.apprentice_id), int(pair.mentor_id))
        proposals.append(
            {
                "round_id": match_round.id,
                "apprentice_id": key[0],
                "mentor_id": key[1],
                "score": pair.score,
                "components": dict(pair.components),
                "facts": dict(pair.facts),
                "reason": pair.reason,
                # Approved pairs are kept like locked ones, but only a lock is shown as one.
                "locked": pair.locked and (key in locked or key not in carried),
                "status": MatchStatus.APPROVED if key in carried else MatchStatus.PROPOSED,
            }
        )
    misses = [
        {
            "round_id": match_round.id,
            "apprentice_id": int(miss.apprentice_id),
            "code": miss.code,
            "reason": miss.reason,
            "details": dict(miss.details),
        }
        for miss in result.unmatched
    ]
    # One stream per table (COPY on PostgreSQL), not one statement per row.
    bulk_rows.insert_all(ProposedMatch, proposals)
    bulk_rows.insert_all(UnmatchedApprentice, misses)
    refresh_planner_statistics(ProposedMatch, UnmatchedApprentice)
    _sync_apprentice_statuses(match_round.id)
    match_round.status = RoundStatus.SUCCEEDED
    match_round.report = dict(result.report)
    match_round.solve_path = result.solve_path
    match_round.progress = 1.0
    match_round.progress_message = "Done"
    match_round.finished_at = utcnow()
    match_round.error = None


def _approved_in_previous(match_round: MatchRound) -> set[tuple[int, int]]:
    if match_round.previous_round_id is None:
        return set()
    rows = db.session.execute(
        select(ProposedMatch.apprentice_id, ProposedMatch.mentor_id).where(
            ProposedMatch.round_id == match_round.previous_round_id,
            ProposedMatch.status == MatchStatus.APPROVED,
        )
    )
    return {(apprentice_id, mentor_id) for apprentice_id, mentor_id in rows}


def _sync_apprentice_statuses(round_id: int) -> None:
    """Each apprentice of the round is approved, proposed or registered as its rows say.

    Read from the round's rows just written, so the database is sent three statements
    rather than every apprentice's id.
    """
    paired_as = {
        ApprenticeStatus.APPROVED: MatchStatus.APPROVED,
        ApprenticeStatus.PROPOSED: MatchStatus.PROPOSED,
    }
    wanted = {
        status: select(ProposedMatch.apprentice_id).where(
            ProposedMatch.round_id == round_id, ProposedMatch.status == match_status
        )
        for status, match_status in paired_as.items()
    }
    wanted[ApprenticeStatus.REGISTERED] = select(UnmatchedApprentice.apprentice_id).where(
        UnmatchedApprentice.round_id == round_id
    )
    for status, ids in wanted.items():
        db.session.execute(
            update(ApprenticeProfile)
            .where(ApprenticeProfile.id.in_(ids), ApprenticeProfile.status.in_(IN_ROUND))
            .values(status=status)
        )


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
