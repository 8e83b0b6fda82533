"""Stated preferences: ranked mentors, mentors' marks, and the step's dates per cohort.

Revision ID: 0018
Revises: 0013
Create Date: 2026-11-29 23:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cohorts') as batch_op:
        batch_op.add_column(
            sa.Column('preferences_opened_at', sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column('preferences_closed_at', sa.DateTime(timezone=True), nullable=True)
        )
    op.create_table(
        'mentor_rankings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('apprentice_id', sa.Integer(), nullable=False),
        sa.Column('mentor_id', sa.Integer(), nullable=False),
        sa.Column('rank', sa.Integer(), nullable=False),
        sa.Column('stated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['apprentice_id'], ['apprentice_profiles.id'], ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(['mentor_id'], ['mentor_profiles.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('apprentice_id', 'rank'),
        sa.UniqueConstraint('apprentice_id', 'mentor_id'),
    )
    op.create_table(
        'mentor_marks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mentor_id', sa.Integer(), nullable=False),
        sa.Column('apprentice_id', sa.Integer(), nullable=False),
        sa.Column('mark', sa.String(length=20), nullable=False),
        sa.Column('stated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['apprentice_id'], ['apprentice_profiles.id'], ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(['mentor_id'], ['mentor_profiles.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('mentor_id', 'apprentice_id'),
    )
    op.create_index('ix_mentor_marks_apprentice', 'mentor_marks', ['apprentice_id'])


def downgrade():
    op.drop_index('ix_mentor_marks_apprentice', table_name='mentor_marks')
    op.drop_table('mentor_marks')
    op.drop_table('mentor_rankings')
    with op.batch_alter_table('cohorts') as batch_op:
        batch_op.drop_column('preferences_closed_at')
        batch_op.drop_column('preferences_opened_at')
