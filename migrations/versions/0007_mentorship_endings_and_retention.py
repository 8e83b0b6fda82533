"""Mentorship endings, confirmed re-imports, erasure and retention.

A mentorship records how it ended (completed, ended early, declined, withdrawn); an import
keeps which guarded changes the coordinator confirmed and which rows it left unchanged; an
account records when its data was erased; a cohort records when the retention task erased
its personal data (after its archive date, from 0005), with the counts it kept.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 20:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mentorships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('end_outcome', sa.String(length=20), nullable=True))
    with op.batch_alter_table('people_imports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed_changes', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('unconfirmed_rows', sa.JSON(), nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('personal_data_erased_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('retained_statistics', sa.JSON(), nullable=True))
    # Endings recorded before: a mentor's decline, an apprentice's withdrawal, or early.
    op.execute(
        "UPDATE mentorships SET end_outcome = 'declined' WHERE status = 'declined'"
    )
    op.execute(
        "UPDATE mentorships SET end_outcome = 'withdrawn' "
        "WHERE status = 'ended' AND end_reason = 'apprentice withdrew'"
    )
    op.execute(
        "UPDATE mentorships SET end_outcome = 'ended_early' "
        "WHERE status = 'ended' AND end_outcome IS NULL"
    )


def downgrade():
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_column('retained_statistics')
        batch_op.drop_column('personal_data_erased_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
    with op.batch_alter_table('people_imports', schema=None) as batch_op:
        batch_op.drop_column('unconfirmed_rows')
        batch_op.drop_column('confirmed_changes')
    with op.batch_alter_table('mentorships', schema=None) as batch_op:
        batch_op.drop_column('end_outcome')
