"""An index for finding an account by its email address in any letter case.

Signing in and registering look the address up as lower(email); without this index each
lookup read every account.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_users_email_lower', 'users', [sa.text('lower(email)')])


def downgrade():
    op.drop_index('ix_users_email_lower', table_name='users')
