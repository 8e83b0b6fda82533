"""Demo data at any size: unique names past the name pool, written by bulk inserts."""

from __future__ import annotations

import random
import re

from flask_migrate import upgrade
from sqlalchemy import event, func, select

from tests.conftest import require_service
from tests.services import postgres_reachable, scratch_database
from tests.web.test_demo import snapshot
from web import create_app
from web.demo import FIRST_NAMES, LAST_NAMES, load_demo_program
from web.demo_bulk import email_local_part, unique_names
from web.extensions import db
from web.models import ApprenticeProfile, ApprenticeSkill, MentorProfile, Role, User
from web.services.taxonomy import ensure_skills

POOL = len(FIRST_NAMES) * len(LAST_NAMES)


def test_names_never_repeat_far_past_the_pool():
    names = unique_names(random.Random(7), FIRST_NAMES, LAST_NAMES, 30 * POOL + 5)
    assert len(names) == 30 * POOL + 5
    assert len(set(names)) == len(names)
    assert len({email_local_part(name) for name in names}) == len(names)
    assert all(re.fullmatch(r"[a-z0-9]+(\.[a-z0-9]+)+", email_local_part(n)) for n in names)


def test_the_pool_comes_first_so_small_demos_keep_their_names():
    small = unique_names(random.Random(7), FIRST_NAMES, LAST_NAMES, 340)
    large = unique_names(random.Random(7), FIRST_NAMES, LAST_NAMES, 3 * POOL)
    assert large[:340] == small
    assert all(len(name.split()) == 2 for name in large[:POOL])
    assert large[POOL].split()[1] == "A." and large[2 * POOL].split()[1] == "B."
    assert unique_names(random.Random(8), FIRST_NAMES, LAST_NAMES, 340) != small


def test_demo_data_at_5000_apprentices_in_a_few_bulk_statements(app):
    statements = []

    def record(connection, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    result = app.test_cli_runner().invoke(
        args=["demo-data", "--apprentices", "5000", "--mentors", "1200"]
    )
    event.remove(db.engine, "before_cursor_execute", record)
    assert result.exit_code == 0, result.output
    assert re.search(r"5,000 apprentices and 1,200 mentors in [\d.]+ s\.", result.output)
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    assert len(inserts) < 60, f"{len(inserts)} INSERT statements for 6,200 people"
    count = db.session.scalar
    assert count(select(func.count()).select_from(ApprenticeProfile)) == 5000
    assert count(select(func.count()).select_from(MentorProfile)) == 1200
    assert count(select(func.count(func.distinct(User.name)))) == count(
        select(func.count()).select_from(User)
    )
    assert count(select(func.count()).where(User.role == Role.APPRENTICE)) == 5000
    without_skills = select(func.count()).where(
        ~ApprenticeProfile.id.in_(select(ApprenticeSkill.apprentice_id))
    )
    assert count(without_skills) == 0


def test_postgresql_gets_the_same_program_as_sqlite(app, tmp_path):
    require_service("PostgreSQL", postgres_reachable())
    load_demo_program(seed=11, apprentices=40, mentors=9)
    db.session.commit()
    on_sqlite = snapshot(), mentor_snapshot()
    with scratch_database() as url:
        settings = {
            "SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://")
        }
        pg_app = create_app(settings, instance_path=str(tmp_path))
        with pg_app.app_context():
            upgrade()
            ensure_skills()
            load_demo_program(seed=11, apprentices=40, mentors=9)
            db.session.commit()
            assert (snapshot(), mentor_snapshot()) == on_sqlite
            db.session.remove()
            db.engine.dispose()


def mentor_snapshot() -> list[tuple]:
    """The mentors the demo created, in a comparable form."""
    mentors = db.session.scalars(select(MentorProfile).order_by(MentorProfile.id))
    return [
        (
            m.user.email,
            m.department,
            tuple(m.pathways),
            tuple(map(tuple, m.availability)),
            m.capacity,
            m.background_check_declared,
            m.background_checked,
            m.background_checked_at is not None,
            m.accepting,
            tuple(sorted((s.skill.key, s.level) for s in m.skills)),
        )
        for m in mentors
    ]
