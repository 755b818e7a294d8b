"""Relayed notes between the two sides of a match, held until the recipient is heard;
and, per member, the posting they were last asked about when they posted the same item again.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("relaynote",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("match_id", sa.Integer(), nullable=True),
    sa.Column("sender", sa.BigInteger(), nullable=False),
    sa.Column("recipient", sa.BigInteger(), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("state", sa.String(), nullable=False),
    sa.Column("created", sa.Float(), nullable=False),
    sa.Column("queued", sa.Float(), nullable=True),
    sa.Column("outbox_id", sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("relaynote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_relaynote_match_id"), ["match_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_relaynote_recipient"), ["recipient"], unique=False)
        batch_op.create_index(batch_op.f("ix_relaynote_state"), ["state"], unique=False)
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("repost_asked", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("repost_asked")
    with op.batch_alter_table("relaynote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_relaynote_state"))
        batch_op.drop_index(batch_op.f("ix_relaynote_recipient"))
        batch_op.drop_index(batch_op.f("ix_relaynote_match_id"))
    op.drop_table("relaynote")
