"""Indexes in the round review's order: pairs by best score, unmatched apprentices by id.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('proposed_matches', schema=None) as batch_op:
        batch_op.drop_index('ix_proposed_matches_round_score')
        batch_op.create_index(
            'ix_proposed_matches_round_score_id',
            ['round_id', sa.text('score DESC'), 'id'],
            unique=False,
        )
    with op.batch_alter_table('unmatched_apprentices', schema=None) as batch_op:
        batch_op.create_index('ix_unmatched_apprentices_round_id', ['round_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('unmatched_apprentices', schema=None) as batch_op:
        batch_op.drop_index('ix_unmatched_apprentices_round_id')
    with op.batch_alter_table('proposed_matches', schema=None) as batch_op:
        batch_op.drop_index('ix_proposed_matches_round_score_id')
        batch_op.create_index('ix_proposed_matches_round_score', ['round_id', 'score'], unique=False)
