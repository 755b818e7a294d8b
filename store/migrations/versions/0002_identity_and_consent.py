"""Item identity and the emergency plan's consent.

- posting.window: when a posting is available or wanted, as parsed (`mon 9-12`).
- match.fit_score, match.fit_reason: how sure the matcher was, and why.
- planstep.consent, consent_by, consent_at: a plan move waits for its receiver's yes
  (old moves were made before consent existed: they count as asked).
- matchkey loses its foreign key to posting. The table is only an index derived from the
  postings, and its key format changed too, so it is made again empty: `meshbot db upgrade`
  (and the next whole-board pass) rebuilds it.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _matchkey(foreign_key: bool) -> None:
    posting = [sa.ForeignKey("posting.id")] if foreign_key else []
    op.create_table(
        "matchkey",
        sa.Column("posting_id", sa.Integer(), *posting, primary_key=True, nullable=False),
        sa.Column("key", sa.String(), primary_key=True, nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("community", sa.String(), nullable=False),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("urgency", sa.Integer(), nullable=False),
        sa.Column("zone", sa.String(), nullable=True),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("expires", sa.Float(), nullable=True),
        sa.Column("author", sa.BigInteger(), nullable=False),
        sa.Column("unit", sa.String(), nullable=True),
        sa.Column("dim", sa.String(), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=True),
        sa.Column("available", sa.Float(), nullable=False),
        sa.Column("keys", sa.String(), nullable=False),
        sa.Column("blind", sa.String(), nullable=False),
    )
    op.create_index("ix_matchkey_age", "matchkey", ["community", "category", "kind", "key", "urgency", "created"])
    op.create_index("ix_matchkey_zone", "matchkey",
                    ["community", "category", "kind", "key", "urgency", "zone", "created"])


def upgrade() -> None:
    with op.batch_alter_table("posting") as batch:
        batch.add_column(sa.Column("window", sa.String(), nullable=True))
    with op.batch_alter_table("match") as batch:
        batch.add_column(sa.Column("fit_score", sa.Float(), nullable=True))
        batch.add_column(sa.Column("fit_reason", sa.String(), nullable=True))
    with op.batch_alter_table("planstep") as batch:
        batch.add_column(sa.Column("consent", sa.String(), nullable=False, server_default="asked"))
        batch.add_column(sa.Column("consent_by", sa.String(), nullable=True))
        batch.add_column(sa.Column("consent_at", sa.Float(), nullable=True))
    op.drop_table("matchkey")
    _matchkey(foreign_key=False)


def downgrade() -> None:
    op.drop_table("matchkey")
    _matchkey(foreign_key=True)
    with op.batch_alter_table("planstep") as batch:
        batch.drop_column("consent_at")
        batch.drop_column("consent_by")
        batch.drop_column("consent")
    with op.batch_alter_table("match") as batch:
        batch.drop_column("fit_reason")
        batch.drop_column("fit_score")
    with op.batch_alter_table("posting") as batch:
        batch.drop_column("window")
