"""Delivery attempts: each packet handed to the radio for a direct message, and its verdict.

A resend carries a new packet id, so a late ACK for an earlier try is matched here to
the row it delivered.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("deliveryattempt",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("outbox_id", sa.Integer(), nullable=False),
    sa.Column("packet_id", sa.BigInteger(), nullable=False),
    sa.Column("sent_at", sa.Float(), nullable=False),
    sa.Column("verdict_due", sa.Float(), nullable=False),
    sa.Column("verdict", sa.String(), nullable=True),
    sa.Column("verdict_at", sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("deliveryattempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deliveryattempt_outbox_id"), ["outbox_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deliveryattempt_packet_id"), ["packet_id"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("deliveryattempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliveryattempt_packet_id"))
        batch_op.drop_index(batch_op.f("ix_deliveryattempt_outbox_id"))

    op.drop_table("deliveryattempt")
