"""Routine texts held back by emergency mode say so in their own column, not in `error`.

Rows already held (their `error` read "held for emergency") move to the new column,
attached to the emergency still on, and their `error` is cleared.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OLD_MARK = "held for emergency"


def upgrade() -> None:
    with op.batch_alter_table("outboxitem", schema=None) as batch_op:
        batch_op.add_column(sa.Column("held_by_emergency", sa.Integer(), nullable=True))
    op.execute(sa.text(
        "UPDATE outboxitem SET held_by_emergency = "
        "(SELECT id FROM emergency WHERE ended IS NULL ORDER BY id DESC LIMIT 1), error = NULL "
        "WHERE error = :mark AND state = 'pending'"
    ).bindparams(mark=OLD_MARK))


def downgrade() -> None:
    op.execute(sa.text(
        "UPDATE outboxitem SET error = :mark WHERE held_by_emergency IS NOT NULL"
    ).bindparams(mark=OLD_MARK))
    with op.batch_alter_table("outboxitem", schema=None) as batch_op:
        batch_op.drop_column("held_by_emergency")
