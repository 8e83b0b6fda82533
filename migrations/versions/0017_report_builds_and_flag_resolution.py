"""Outcome report builds kept per audience, and flags a coordinator has resolved.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29 23:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_builds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('progress', sa.Float(), nullable=False),
    sa.Column('progress_message', sa.String(length=200), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('scope')
    )
    with op.batch_alter_table('pair_flags') as batch_op:
        batch_op.add_column(sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('resolved_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('resolution', sa.Text(), nullable=False, server_default=''))
        batch_op.create_foreign_key('fk_pair_flags_resolved_by', 'users', ['resolved_by_id'], ['id'])
        batch_op.create_index('ix_pair_flags_open', ['resolved_at', 'id'])


def downgrade():
    with op.batch_alter_table('pair_flags') as batch_op:
        batch_op.drop_index('ix_pair_flags_open')
        batch_op.drop_constraint('fk_pair_flags_resolved_by', type_='foreignkey')
        batch_op.drop_column('resolution')
        batch_op.drop_column('resolved_by_id')
        batch_op.drop_column('resolved_at')
    op.drop_table('report_builds')
