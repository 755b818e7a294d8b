"""Volunteer services and scheduled events: services, their sessions, hosts and
volunteers, sign-ups with a waiting line and attendance, and pod households' time away.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("service",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("kind", sa.String(), nullable=False),
    sa.Column("name", sa.Text(), nullable=False),
    sa.Column("place", sa.Text(), nullable=True),
    sa.Column("capacity", sa.Integer(), nullable=True),
    sa.Column("languages", sa.String(), nullable=False),
    sa.Column("bring", sa.String(), nullable=True),
    sa.Column("weekday", sa.Integer(), nullable=True),
    sa.Column("first_day", sa.String(), nullable=False),
    sa.Column("last_day", sa.String(), nullable=True),
    sa.Column("start", sa.String(), nullable=False),
    sa.Column("minutes", sa.Integer(), nullable=False),
    sa.Column("pod", sa.Boolean(), nullable=False),
    sa.Column("status", sa.String(), nullable=False),
    sa.Column("community", sa.String(), nullable=False),
    sa.Column("created", sa.Float(), nullable=False),
    sa.Column("updated", sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_community"), ["community"], unique=False)
    op.create_table("servicesession",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("service_id", sa.Integer(), nullable=False),
    sa.Column("starts", sa.Float(), nullable=False),
    sa.Column("ends", sa.Float(), nullable=False),
    sa.Column("status", sa.String(), nullable=False),
    sa.Column("host", sa.BigInteger(), nullable=True),
    sa.Column("turn", sa.Integer(), nullable=True),
    sa.Column("reminded", sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(["service_id"], ["service.id"]),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("servicesession", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_servicesession_service_id"), ["service_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_servicesession_starts"), ["starts"], unique=False)
        batch_op.create_index(batch_op.f("ix_servicesession_status"), ["status"], unique=False)
    op.create_table("servicehelper",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("service_id", sa.Integer(), nullable=False),
    sa.Column("session_id", sa.Integer(), nullable=True),
    sa.Column("node", sa.BigInteger(), nullable=False),
    sa.Column("role", sa.String(), nullable=False),
    sa.Column("state", sa.String(), nullable=False),
    sa.Column("created", sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(["service_id"], ["service.id"]),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("servicehelper", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_servicehelper_service_id"), ["service_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_servicehelper_session_id"), ["session_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_servicehelper_node"), ["node"], unique=False)
    op.create_table("servicesignup",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("session_id", sa.Integer(), nullable=False),
    sa.Column("node", sa.BigInteger(), nullable=False),
    sa.Column("state", sa.String(), nullable=False),
    sa.Column("created", sa.Float(), nullable=False),
    sa.Column("updated", sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(["session_id"], ["servicesession.id"]),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("servicesignup", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_servicesignup_session_id"), ["session_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_servicesignup_node"), ["node"], unique=False)
    op.create_table("podaway",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("service_id", sa.Integer(), nullable=False),
    sa.Column("node", sa.BigInteger(), nullable=False),
    sa.Column("first_day", sa.String(), nullable=False),
    sa.Column("last_day", sa.String(), nullable=False),
    sa.ForeignKeyConstraint(["service_id"], ["service.id"]),
    sa.PrimaryKeyConstraint("id")
    )
    with op.batch_alter_table("podaway", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_podaway_service_id"), ["service_id"], unique=False)


def downgrade() -> None:
    for table in ("podaway", "servicesignup", "servicehelper", "servicesession", "service"):
        op.drop_table(table)
