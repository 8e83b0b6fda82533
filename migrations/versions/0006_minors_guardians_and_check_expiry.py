"""Dates of birth, guardians' consent for minors, and background checks that expire.

Existing apprentices keep their stored "under 18" answer until they give a date of birth;
a minor among them waits for a named guardian's consent before the next round pairs them.
Confirmed background checks expire two years after they were confirmed.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 20:45:00.000000

"""
from datetime import timedelta

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

VALID_DAYS = 730  # BACKGROUND_CHECK_VALID_DAYS's default


def upgrade():
    with op.batch_alter_table('apprentice_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('date_of_birth', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('guardian_name', sa.String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('guardian_email', sa.String(length=254), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('guardian_consent_requested_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('guardian_consent_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('mentor_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('background_check_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('background_check_withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('background_check_lapse_reported_at', sa.DateTime(timezone=True), nullable=True))
    _expire_confirmed_checks()


def _expire_confirmed_checks():
    """Each confirmed check expires VALID_DAYS after its confirmation."""
    mentors = sa.table(
        'mentor_profiles',
        sa.column('id', sa.Integer),
        sa.column('background_checked', sa.Boolean),
        sa.column('background_checked_at', sa.DateTime(timezone=True)),
        sa.column('background_check_expires_at', sa.DateTime(timezone=True)),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(mentors.c.id, mentors.c.background_checked_at).where(
            mentors.c.background_checked.is_(True), mentors.c.background_checked_at.is_not(None)
        )
    ).all()
    for mentor_id, checked_at in rows:
        connection.execute(
            mentors.update()
            .where(mentors.c.id == mentor_id)
            .values(background_check_expires_at=checked_at + timedelta(days=VALID_DAYS))
        )


def downgrade():
    with op.batch_alter_table('mentor_profiles', schema=None) as batch_op:
        batch_op.drop_column('background_check_lapse_reported_at')
        batch_op.drop_column('background_check_withdrawn_at')
        batch_op.drop_column('background_check_expires_at')
    with op.batch_alter_table('apprentice_profiles', schema=None) as batch_op:
        batch_op.drop_column('guardian_consent_at')
        batch_op.drop_column('guardian_consent_requested_at')
        batch_op.drop_column('guardian_email')
        batch_op.drop_column('guardian_name')
        batch_op.drop_column('date_of_birth')
