"""Users in alphabetical order: an index on the lowercased name, then the id.

A partner's list of apprentices and the admins' list of people are read in this order a page
at a time.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30 04:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_users_lower_name_id', 'users', [sa.text('lower(name)'), 'id'])


def downgrade():
    op.drop_index('ix_users_lower_name_id', table_name='users')
