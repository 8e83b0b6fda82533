"""Indexes for city scale, and readiness checks kept between page views.

The lookups every page makes stay fast at any program size; a cohort's readiness check is
computed by the worker and kept until the program changes.

Revision ID: 0011
Revises: 0009
Create Date: 2026-11-29 21:35:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0009'
branch_labels = None
depends_on = None

INDEXES = (
    ('ix_apprentice_profiles_cohort_status', 'apprentice_profiles', ['cohort_id', 'status']),
    ('ix_apprentice_profiles_partner_cohort', 'apprentice_profiles', ['partner_id', 'cohort_id']),
    ('ix_proposed_matches_round_score', 'proposed_matches', ['round_id', 'score']),
    ('ix_mentorships_apprentice', 'mentorships', ['apprentice_id']),
    ('ix_mentorships_mentor_status', 'mentorships', ['mentor_id', 'status']),
    ('ix_mentorships_status', 'mentorships', ['status']),
    ('ix_check_ins_month', 'check_ins', ['month', 'mentorship_id']),
    ('ix_audit_events_at', 'audit_events', ['at', 'id']),
    ('ix_audit_events_actor', 'audit_events', ['actor_id']),
    ('ix_audit_events_subject', 'audit_events', ['subject_type', 'subject_id']),
    ('ix_match_rounds_cohort', 'match_rounds', ['cohort_id']),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    op.create_table(
        'readiness_checks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('parameters_key', sa.String(length=64), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('cohort_id', 'parameters_key'),
    )


def downgrade():
    op.drop_table('readiness_checks')
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
