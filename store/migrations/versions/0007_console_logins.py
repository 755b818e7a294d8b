"""Console passwords of committee members, stored as argon2id hashes.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("consolelogin",
    sa.Column("node_num", sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column("hash", sa.String(), nullable=False),
    sa.Column("set_at", sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint("node_num")
    )


def downgrade() -> None:
    op.drop_table("consolelogin")
