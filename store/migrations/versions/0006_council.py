"""The council: communities and their people, meetings, agenda, minutes and actions,
proposals with secret ballots, and the treasury ledger.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("actionitem",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("meeting_id", sa.Integer(), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("owner_id", sa.Integer(), nullable=True),
    sa.Column("due", sa.Float(), nullable=False),
    sa.Column("state", sa.String(), nullable=False),
    sa.Column("done_at", sa.Float(), nullable=True),
    sa.Column("reminded", sa.Float(), nullable=True),
    sa.Column("created", sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("actionitem", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actionitem_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_actionitem_state"), ["state"], unique=False)

    op.create_table("agendaitem",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("meeting_id", sa.Integer(), nullable=True),
    sa.Column("heading", sa.String(), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("author_node", sa.BigInteger(), nullable=True),
    sa.Column("author", sa.Text(), nullable=False),
    sa.Column("community", sa.String(), nullable=True),
    sa.Column("created", sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("agendaitem", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agendaitem_meeting_id"), ["meeting_id"], unique=False)

    op.create_table("ballotmark",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("proposal_id", sa.Integer(), nullable=False),
    sa.Column("voter", sa.String(), nullable=False),
    sa.Column("sealed", sa.String(), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("proposal_id", "voter")
    )
    with op.batch_alter_table("ballotmark", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ballotmark_proposal_id"), ["proposal_id"], unique=False)

    op.create_table("councilcommunity",
    sa.Column("name", sa.String(), nullable=False),
    sa.Column("added", sa.Float(), nullable=False),
    sa.Column("hosts", sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint("name")
    )
    op.create_table("councilmeeting",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("at", sa.Float(), nullable=False),
    sa.Column("host", sa.String(), nullable=False),
    sa.Column("facilitator_id", sa.Integer(), nullable=True),
    sa.Column("state", sa.String(), nullable=False),
    sa.Column("published", sa.Float(), nullable=True),
    sa.Column("reminded", sa.Float(), nullable=True),
    sa.Column("created", sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("councilmeeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_councilmeeting_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_councilmeeting_state"), ["state"], unique=False)

    op.create_table("councilperson",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("name", sa.Text(), nullable=False),
    sa.Column("community", sa.String(), nullable=False),
    sa.Column("node_num", sa.BigInteger(), nullable=True),
    sa.Column("rep", sa.Boolean(), nullable=False),
    sa.Column("trained", sa.Boolean(), nullable=False),
    sa.Column("trained_on", sa.Float(), nullable=True),
    sa.Column("added", sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("councilperson", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_councilperson_community"), ["community"], unique=False)
        batch_op.create_index(batch_op.f("ix_councilperson_node_num"), ["node_num"], unique=False)

    op.create_table("ledgerentry",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("at", sa.Float(), nullable=False),
    sa.Column("kind", sa.String(), nullable=False),
    sa.Column("amount", sa.Float(), nullable=False),
    sa.Column("memo", sa.String(), nullable=False),
    sa.Column("proposal_id", sa.Integer(), nullable=True),
    sa.Column("recorded", sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("ledgerentry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledgerentry_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_ledgerentry_proposal_id"), ["proposal_id"], unique=False)

    op.create_table("minuteentry",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("meeting_id", sa.Integer(), nullable=False),
    sa.Column("kind", sa.String(), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("community", sa.String(), nullable=True),
    sa.Column("alert_id", sa.Integer(), nullable=True),
    sa.Column("created", sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("minuteentry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_minuteentry_meeting_id"), ["meeting_id"], unique=False)

    op.create_table("proposal",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("purpose", sa.String(), nullable=False),
    sa.Column("kind", sa.String(), nullable=False),
    sa.Column("amount", sa.Float(), nullable=False),
    sa.Column("every", sa.String(), nullable=False),
    sa.Column("periods", sa.Integer(), nullable=False),
    sa.Column("opened", sa.Float(), nullable=False),
    sa.Column("deadline", sa.Float(), nullable=False),
    sa.Column("state", sa.String(), nullable=False),
    sa.Column("yes", sa.Integer(), nullable=False),
    sa.Column("no", sa.Integer(), nullable=False),
    sa.Column("abstain", sa.Integer(), nullable=False),
    sa.Column("recorded", sa.Integer(), nullable=False),
    sa.Column("ballot_key", sa.Text(), nullable=True),
    sa.Column("closed", sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_deadline"), ["deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposal_state"), ["state"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_state"))
        batch_op.drop_index(batch_op.f("ix_proposal_deadline"))

    op.drop_table("proposal")
    with op.batch_alter_table("minuteentry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minuteentry_meeting_id"))

    op.drop_table("minuteentry")
    with op.batch_alter_table("ledgerentry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledgerentry_proposal_id"))
        batch_op.drop_index(batch_op.f("ix_ledgerentry_at"))

    op.drop_table("ledgerentry")
    with op.batch_alter_table("councilperson", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_councilperson_node_num"))
        batch_op.drop_index(batch_op.f("ix_councilperson_community"))

    op.drop_table("councilperson")
    with op.batch_alter_table("councilmeeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_councilmeeting_state"))
        batch_op.drop_index(batch_op.f("ix_councilmeeting_at"))

    op.drop_table("councilmeeting")
    op.drop_table("councilcommunity")
    with op.batch_alter_table("ballotmark", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballotmark_proposal_id"))

    op.drop_table("ballotmark")
    with op.batch_alter_table("agendaitem", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agendaitem_meeting_id"))

    op.drop_table("agendaitem")
    with op.batch_alter_table("actionitem", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actionitem_state"))
        batch_op.drop_index(batch_op.f("ix_actionitem_meeting_id"))

    op.drop_table("actionitem")
