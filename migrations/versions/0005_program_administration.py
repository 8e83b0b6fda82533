"""Program administration: coordinator roles, verified emails, mentor vetting,
partner contact details and deactivation, archived cohorts.

Coordinators already here become program admins; every account already here counts as
verified and every mentor already here as approved, as imported and demo accounts do.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 20:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('coordinator_role', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('email_verified', sa.Boolean(), nullable=False, server_default=sa.true()))
    op.execute("UPDATE users SET coordinator_role = 'admin' WHERE role = 'coordinator'")
    with op.batch_alter_table('mentor_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vetting', sa.String(length=20), nullable=False, server_default='approved'))
    with op.batch_alter_table('partner_institutions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_name', sa.String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
    with op.batch_alter_table('partner_institutions', schema=None) as batch_op:
        batch_op.drop_column('active')
        batch_op.drop_column('contact_phone')
        batch_op.drop_column('contact_name')
    with op.batch_alter_table('mentor_profiles', schema=None) as batch_op:
        batch_op.drop_column('vetting')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_verified')
        batch_op.drop_column('coordinator_role')
