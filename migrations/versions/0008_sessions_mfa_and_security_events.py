"""Sessions the server can end, second-factor sign-in, and the security event log.

Each account carries a session version: raising it (at sign-out, a new password, or
deactivation) ends every session signed with the old one. Coordinators and partner contacts
enrol an authenticator app (TOTP) and get single-use recovery codes, stored hashed. Sign-ins,
failures, lockouts and refused requests are kept as security events.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 20:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('mfa_enabled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))
    op.create_table(
        'recovery_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_recovery_codes_user_id_users', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_recovery_codes'),
    )
    op.create_index('ix_recovery_codes_user_id', 'recovery_codes', ['user_id'])
    op.create_table(
        'security_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=False, server_default=''),
        sa.Column('ip', sa.String(length=45), nullable=False, server_default=''),
        sa.Column('path', sa.String(length=200), nullable=False, server_default=''),
        sa.Column('details', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_security_events_user_id_users', ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name='pk_security_events'),
    )
    op.create_index('ix_security_events_at', 'security_events', ['at'])
    op.create_index('ix_security_events_kind', 'security_events', ['kind'])


def downgrade():
    op.drop_index('ix_security_events_kind', table_name='security_events')
    op.drop_index('ix_security_events_at', table_name='security_events')
    op.drop_table('security_events')
    op.drop_index('ix_recovery_codes_user_id', table_name='recovery_codes')
    op.drop_table('recovery_codes')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('mfa_enabled_at')
        batch_op.drop_column('totp_secret')
        batch_op.drop_column('session_version')
