"""Keeping work safe while the queue is out of reach, and knowing which workers are alive."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import created_at, int_pk


class OutboxMessage(db.Model):
    """A task to send to the worker, saved in the transaction of the work that needs it.

    The row is deleted once the broker has the task; while the broker cannot be reached it
    stays, and the relay (web/services/outbox.py) sends it when the broker is back.
    """

    __tablename__ = "outbox_messages"

    id: Mapped[int_pk]
    task_name: Mapped[str] = mapped_column(String(200))
    args: Mapped[list] = mapped_column(JSON, default=list)
    # What the task is about ("MatchRound:12"), so its page can say it waits to be queued.
    subject: Mapped[str] = mapped_column(String(80), default="", index=True)
    created_at: Mapped[created_at]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WorkerHeartbeat(db.Model):
    """A running worker's latest sign of life and the tasks it was executing then."""

    __tablename__ = "worker_heartbeats"

    hostname: Mapped[str] = mapped_column(String(200), primary_key=True)
    pid: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    beat_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    active_task_ids: Mapped[list] = mapped_column(JSON, default=list)
