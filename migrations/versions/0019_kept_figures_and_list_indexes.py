"""Figures of a whole cohort kept until the program changes; indexes for the long lists.

Revision ID: 0019
Revises: 0017
Create Date: 2026-11-30 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0017'
branch_labels = None
depends_on = None

INDEXES = (
    # The mentors page lists mentors by name a page at a time.
    ('ix_users_name', 'users', ['name']),
)


def upgrade():
    op.create_table(
        'program_versions',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'kept_figures',
        sa.Column('key', sa.String(length=120), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_table('kept_figures')
    op.drop_table('program_versions')
