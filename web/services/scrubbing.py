"""Removing a person's name and address from every stored explanation, reason and report.

Rounds store plain-language reasons that name people ("Maya Chen's places went to Rosa
Diaz (0.91)"), and coordinators, mentors and apprentices write free text that may name
them too. When a person leaves, each such text is found with one query per column and the
name rewritten, e.g. to "a withdrawn apprentice"; numbers, codes and ids stay, so the
rounds' statistics and decisions still read.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Text, cast, func, or_, select

from web.extensions import db
from web.models import (
    AuditEvent,
    CheckIn,
    Goal,
    MatchRound,
    Meeting,
    Mentorship,
    PairFlag,
    PeopleImport,
    ProposedMatch,
    ReadinessCheck,
    SecurityEvent,
    Survey,
    UnmatchedApprentice,
)

logger = logging.getLogger(__name__)

# Every column that keeps text about people: (model, text columns, JSON columns).
STORED_TEXT = (
    (ProposedMatch, ("reason", "decision_reason"), ("facts",)),
    (UnmatchedApprentice, ("reason",), ("details",)),
    (MatchRound, ("error", "progress_message"), ("report",)),
    (Mentorship, ("end_reason",), ()),
    (CheckIn, ("note",), ()),
    (AuditEvent, ("reason",), ("details",)),
    (PeopleImport, ("error",), ("unconfirmed_rows",)),
    (SecurityEvent, ("email",), ("details",)),
    (ReadinessCheck, (), ("result",)),
    (Meeting, ("topic", "place"), ()),
    (Goal, ("title",), ()),
    (PairFlag, ("reason", "resolution"), ()),
    (Survey, ("comment",), ()),
)
SHORTEST_WORD = 3  # shorter "names" (initials) would rewrite unrelated words
# Words looked for per query: SQLite refuses a WHERE clause of thousands of ORs.
WORDS_PER_QUERY = 25


@dataclass(frozen=True)
class Replacement:
    """The words that identify one person, and what stored text says instead."""

    words: tuple[str, ...]
    instead: str

    @classmethod
    def of(cls, words: Iterable[str], instead: str) -> Replacement:
        """Longest first, so a full name is replaced before any part of it would be."""
        kept = {w.strip() for w in words if w and len(w.strip()) >= SHORTEST_WORD}
        return cls(tuple(sorted(kept, key=len, reverse=True)), instead)

    @property
    def pattern(self) -> re.Pattern[str]:
        """The words as whole words, in any case."""
        alternatives = "|".join(re.escape(word) for word in self.words)
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def scrub(replacement: Replacement) -> int:
    """Rewrite every stored text that names the person; return how many rows changed."""
    if not replacement.words:
        return 0
    pattern = replacement.pattern
    changed = 0
    for start in range(0, len(replacement.words), WORDS_PER_QUERY):
        words = replacement.words[start : start + WORDS_PER_QUERY]
        for model, text_columns, json_columns in STORED_TEXT:
            for row in db.session.scalars(_naming(model, text_columns, json_columns, words)):
                changed += _rewrite(row, text_columns, json_columns, pattern, replacement.instead)
        db.session.flush()
    logger.info("removed a name from %d stored texts", changed)
    return changed


def _naming(model, text_columns, json_columns, words: tuple[str, ...]):
    """Rows whose text or JSON may contain one of the words (checked exactly afterwards)."""
    tests = []
    for word in words:
        as_text, as_json = like_pattern(word), like_pattern(word, in_json=True)
        tests += [func.lower(getattr(model, c)).like(as_text, escape="/") for c in text_columns]
        tests += [
            func.lower(cast(getattr(model, c), Text)).like(as_json, escape="/")
            for c in json_columns
        ]
    return select(model).where(or_(*tests))


def like_pattern(word: str, in_json: bool = False) -> str:
    """A LIKE pattern for `word` in lower case, any letter beyond ASCII matched by a wildcard.

    SQLite lowers ASCII letters only, and JSON is stored with such letters escaped
    ("D\\u00edaz", whose hex differs from the capital's), so each one matches any character,
    or any escape; the exact, case-blind match is made in Python.
    """
    parts = []
    for char in word.lower():
        if char.isascii():
            literal = json.dumps(char)[1:-1] if in_json else char
            parts.append(re.sub(r"([%_/])", r"/\1", literal))
        elif in_json:
            parts.append("\\u____" * (2 if ord(char) > 0xFFFF else 1))
        else:
            parts.append("_")
    return f"%{''.join(parts)}%"


def _rewrite(row, text_columns, json_columns, pattern: re.Pattern[str], instead: str) -> int:
    before = {c: getattr(row, c) for c in (*text_columns, *json_columns)}
    for column in text_columns:
        if before[column]:
            setattr(row, column, pattern.sub(instead, before[column]))
    for column in json_columns:
        if before[column] is not None:
            # A new object, so the change is seen and written.
            setattr(row, column, rewrite_json(before[column], pattern, instead))
    return int(any(getattr(row, c) != before[c] for c in before))


def rewrite_json(value, pattern: re.Pattern[str], instead: str):
    """`value` with the words replaced in every string it holds (keys stay)."""
    if isinstance(value, str):
        return pattern.sub(instead, value)
    if isinstance(value, dict):
        return {key: rewrite_json(item, pattern, instead) for key, item in value.items()}
    if isinstance(value, list):
        return [rewrite_json(item, pattern, instead) for item in value]
    return value
