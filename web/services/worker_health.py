"""Which workers are alive, and whether any of them is working on a round.

Each `celery -A workers worker` writes a heartbeat row every few seconds from a thread of
its main process (see workers/__init__.py), listing the tasks it is executing, and relays
the outbox in the same loop. A round whose worker stopped (killed, machine gone) is then
seen within WORKER_LOST_AFTER_SECONDS, instead of after the 16-minute stale limit.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import delete, select

from web.extensions import db
from web.models import MatchRound, RoundStatus, WorkerHeartbeat
from web.models.base import utcnow
from web.services import outbox

logger = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 10.0
LOST_AFTER_SECONDS = 30.0
START_WORKER = (
    "Ask whoever runs Pathways to start the worker (celery -A workers worker); "
    "the round then runs by itself. You can also run it again below."
)


def beat(hostname: str, pid: int, started_at: datetime, active_task_ids: list[str]) -> None:
    """Record that worker `hostname` is alive and executing `active_task_ids`; commits."""
    db.session.merge(
        WorkerHeartbeat(
            hostname=hostname,
            pid=pid,
            started_at=started_at,
            beat_at=utcnow(),
            active_task_ids=list(active_task_ids),
        )
    )
    db.session.commit()


def forget(hostname: str) -> None:
    """Remove a worker that stops normally; commits."""
    db.session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.hostname == hostname))
    db.session.commit()


def live_workers(now: datetime | None = None) -> list[WorkerHeartbeat]:
    """Workers whose last heartbeat is recent enough to count them alive."""
    since = (now or utcnow()) - _lost_after()
    return list(db.session.scalars(select(WorkerHeartbeat).where(WorkerHeartbeat.beat_at >= since)))


@dataclass(frozen=True)
class RoundProblem:
    """Why nothing is happening to an unfinished round, for the coordinator."""

    message: str
    waiting_for_queue: bool = False

    @property
    def can_run_again(self) -> bool:
        """Running it again helps unless the round only waits for the queue to come back."""
        return not self.waiting_for_queue


def round_problem(match_round: MatchRound, now: datetime | None = None) -> RoundProblem | None:
    """Why no worker is working on an unfinished round, or None if one is (or will be)."""
    if match_round.status not in (RoundStatus.QUEUED, RoundStatus.RUNNING) or _in_process():
        return None
    if waiting := outbox.waiting_for(match_round):
        return RoundProblem(
            "This round is saved, but the matching service's queue could not be reached "
            f"({waiting.attempts} attempt(s)), so no worker has it yet. It starts by itself "
            "as soon as the queue is back; you do not need to start it again.",
            waiting_for_queue=True,
        )
    live = live_workers(now)
    if not live:
        return RoundProblem(
            f"No worker is working on this round: no matching worker is running. {START_WORKER}"
        )
    if match_round.status == RoundStatus.RUNNING and _abandoned(match_round, live):
        return RoundProblem(
            "No worker is working on this round any more: the worker that was running it "
            f"stopped. {START_WORKER}"
        )
    if match_round.status == RoundStatus.QUEUED and _lost_in_the_queue(match_round, live):
        return RoundProblem(
            "No worker has picked this round up, although the workers are idle: its task "
            "was lost in the queue (Redis may have restarted without its append-only file). "
            "Run it again below."
        )
    return None


def _lost_in_the_queue(match_round: MatchRound, live: list[WorkerHeartbeat]) -> bool:
    """True if every live worker has been idle for a while since the round was queued.

    An idle worker takes the next task at once, so a queued round that idle workers never
    took has no task behind it any more.
    """
    queued = _aware(match_round.started_at or match_round.created_at)
    idle_since = queued + _lost_after()
    return all(_aware(w.beat_at) > idle_since and not w.active_task_ids for w in live)


def _in_process() -> bool:
    """The embedded default runs tasks in the web process: there are no workers to watch."""
    return bool(current_app.extensions["celery"].conf.task_always_eager)


def _abandoned(match_round: MatchRound, live: list[WorkerHeartbeat]) -> bool:
    """True if every live worker has reported since the round started and none runs it."""
    if not match_round.task_id or match_round.started_at is None:
        return False
    started = _aware(match_round.started_at)
    reported_since = all(_aware(w.beat_at) > started + timedelta(seconds=1) for w in live)
    running = any(match_round.task_id in (w.active_task_ids or []) for w in live)
    return reported_since and not running


def _lost_after() -> timedelta:
    return timedelta(
        seconds=current_app.config.get("WORKER_LOST_AFTER_SECONDS", LOST_AFTER_SECONDS)
    )


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class HeartbeatLoop(threading.Thread):
    """The worker's side: a heartbeat, then an outbox relay, every `interval` seconds."""

    def __init__(self, app: Flask, hostname: str, pid: int, active_task_ids, interval: float):
        super().__init__(name="pathways-heartbeat", daemon=True)
        self.app, self.hostname, self.pid = app, hostname, pid
        self.active_task_ids, self.interval = active_task_ids, interval
        self.started_at = utcnow()
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            self.tick()
            self.stopping.wait(self.interval)

    def tick(self) -> None:
        """One heartbeat and one relay; a database or broker outage is logged, not fatal."""
        with self.app.app_context():
            try:
                beat(self.hostname, self.pid, self.started_at, self.active_task_ids())
                if sent := outbox.relay():
                    logger.info("relayed %d task(s) from the outbox", sent)
            except Exception:
                logger.warning("heartbeat or relay failed; trying again", exc_info=True)
                db.session.rollback()
            finally:
                db.session.remove()

    def stop(self) -> None:
        """End the loop and remove this worker's heartbeat."""
        self.stopping.set()
        with self.app.app_context():
            try:
                forget(self.hostname)
            except Exception:
                logger.warning("could not remove the heartbeat of %s", self.hostname)
            finally:
                db.session.remove()
