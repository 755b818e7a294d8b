"""Baseline: the schema of store/models.py when migrations began.

On an empty database it creates every table. On a board made before migrations existed
(any release from the first one on), it brings that board up to this schema instead:
missing tables are created, missing columns added (existing rows get the values below),
text columns become TEXT, missing indexes are made. Every later change is a revision on
top of this one (`alembic revision --autogenerate`, docs/migrations.md).

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Big, Bool, Flt, Int, Str, Txt = sa.BigInteger, sa.Boolean, sa.Float, sa.Integer, sa.String, sa.Text


def _col(name: str, kind: type, nullable: bool = False, **kw: object) -> sa.Column:
    return sa.Column(name, kind(), nullable=nullable, **kw)


def _opt(name: str, kind: type) -> sa.Column:
    return sa.Column(name, kind(), nullable=True)


def _schema() -> sa.MetaData:
    """The tables, frozen here: later edits to store/models.py need a revision of their own."""
    md = sa.MetaData()
    sa.Table("alert", md, _col("id", Int, primary_key=True), _col("sender", Big), _col("text", Txt),
             _opt("zone", Str), _col("status", Str), _col("created", Flt), _col("expires", Flt),
             _opt("sent", Flt), _col("cap_status", Str), _col("msg_type", Str), _col("category", Str),
             _col("urgency", Str), _col("severity", Str), _col("headline", Txt), _col("verified", Bool),
             _opt("confirmed_by", Big), _opt("confirm_deadline", Flt), _col("repeats_done", Int),
             _col("on_channel", Bool), _col("community", Str),
             sa.Index("ix_alert_community", "community"))
    sa.Table("auditentry", md, _col("id", Int, primary_key=True), _col("at", Flt), _col("actor", Str),
             _col("action", Str), _col("subject", Str), _col("detail", Txt), _col("alg", Str),
             _col("prev_hash", Str), _col("hash", Str))
    sa.Table("audithead", md, _col("id", Int, primary_key=True), _col("count", Int), _col("last_hash", Str),
             _col("mac", Str))
    sa.Table("bundlerow", md, _col("origin", Str, primary_key=True), _col("kind", Str, primary_key=True),
             _col("remote_id", Big, primary_key=True, autoincrement=False), _col("local_id", Big))
    sa.Table("emergency", md, _col("id", Int, primary_key=True), _col("reason", Txt), _col("started", Flt),
             _col("deadline", Flt), _opt("ended", Flt), _opt("started_by", Big), _col("community", Str),
             _opt("last_reminder", Flt), _opt("last_plan", Flt), _opt("report", Txt),
             sa.Index("ix_emergency_community", "community"))
    sa.Table("importedbundle", md, _col("bundle_id", Str, primary_key=True), _col("signer", Str),
             _col("created", Flt), _col("imported", Flt), _col("summary", Str))
    sa.Table("keymeta", md, _col("id", Int, primary_key=True), _col("kdf", Str), _col("salt", Str),
             _col("opslimit", Int), _col("memlimit", Int), _col("wrapped_key", Str), _col("key_id", Str),
             _col("created", Flt), _opt("rotated", Flt), _col("signing_seed", Txt), _col("box_secret", Txt),
             _col("audit_key", Txt))
    sa.Table("member", md, _col("node_num", Big, primary_key=True, autoincrement=False),
             _opt("short_name", Str), _opt("name", Txt), _opt("zone", Str), _col("role", Str),
             _col("joined", Bool), _col("first_seen", Flt), _col("last_seen", Flt), _opt("safe_at", Flt),
             _col("community", Str), _opt("lang", Str), _col("status", Str),
             sa.Index("ix_member_community", "community"))
    sa.Table("nodekey", md, _col("node_num", Big, primary_key=True, autoincrement=False),
             _col("public_key", Str), _col("pinned", Flt), _col("last_used", Flt))
    sa.Table("outboxitem", md, _col("id", Int, primary_key=True), _col("destination", Big), _col("channel", Int),
             _col("text", Txt), _col("priority", Int), _col("want_ack", Bool), _col("state", Str),
             _col("attempts", Int), _col("created", Flt), _col("not_before", Flt), _opt("sent_at", Flt),
             _opt("packet_id", Big), _opt("error", Str), _opt("after_id", Int), _opt("merged_into", Int),
             _opt("acked_at", Flt), _col("airtime_s", Flt), _col("alert_app", Bool),
             sa.Index("ix_outbox_due", "state", "priority", "id"), sa.Index("ix_outbox_inflight", "state", "want_ack"),
             sa.Index("ix_outboxitem_packet_id", "packet_id"))
    sa.Table("pagestate", md, _col("node_num", Big, primary_key=True, autoincrement=False), _col("title", Txt),
             _col("remaining", Str), _col("shown", Int), _col("total", Int), _col("expires", Flt),
             sa.Index("ix_pagestate_expires", "expires"))
    sa.Table("posting", md, _col("id", Int, primary_key=True), _col("kind", Str), _col("category", Str),
             _col("item", Txt), _opt("quantity", Flt), _opt("unit", Str), _opt("zone", Str), _col("urgency", Str),
             _col("status", Str), _col("author", Big), _col("created", Flt), _col("updated", Flt),
             _opt("expires", Flt), _col("community", Str), _opt("remaining", Flt),
             sa.Index("ix_posting_author", "author"), sa.Index("ix_posting_board", "status", "kind", "category"),
             sa.Index("ix_posting_community", "community"), sa.Index("ix_posting_status", "status"))
    sa.Table("reportnote", md, _col("id", Int, primary_key=True), _col("month", Str), _opt("community", Str),
             _col("text", Txt), _col("created", Flt), sa.Index("ix_reportnote_month", "month"))
    sa.Table("securityflag", md, _col("id", Int, primary_key=True), _col("node_num", Big), _col("reason", Str),
             _opt("verb", Str), _opt("detail", Txt), _col("created", Flt), _col("notified", Bool),
             sa.Index("ix_securityflag_created", "created"), sa.Index("ix_securityflag_node_num", "node_num"))
    sa.Table("seenpacket", md, _col("from_node", Big, primary_key=True, autoincrement=False),
             _col("packet_id", Big, primary_key=True, autoincrement=False), _col("to_node", Big),
             _col("channel", Int), _col("received", Flt), _col("text", Txt), _col("handled", Bool),
             _opt("reply", Txt), _col("pki_encrypted", Bool), _opt("public_key", Str),
             sa.Index("ix_seen_sender_time", "from_node", "received"),
             sa.Index("ix_seen_unhandled", "handled", "received"))
    sa.Table("transmission", md, _col("id", Int, primary_key=True), _col("time", Flt), _col("airtime_s", Flt),
             _opt("outbox_id", Int), sa.Index("ix_transmission_time", "time"))
    sa.Table("zonelink", md, _col("zone", Str, primary_key=True), _col("neighbour", Str, primary_key=True))
    sa.Table("alertcopy", md, _col("id", Int, primary_key=True),
             sa.Column("alert_id", Int(), sa.ForeignKey("alert.id"), nullable=False),
             _col("round", Int), _col("node", Big), _opt("outbox_id", Int), _col("sent", Flt),
             sa.Index("ix_alertcopy_alert_id", "alert_id"), sa.Index("ix_alertcopy_outbox_id", "outbox_id"))
    sa.Table("alertmessage", md, _col("id", Int, primary_key=True),
             sa.Column("alert_id", Int(), sa.ForeignKey("alert.id"), nullable=False),
             _col("identifier", Str), _col("msg_type", Str), _opt("references", Str), _col("sender", Big),
             _col("sent", Flt), _col("text", Txt), sa.Index("ix_alertmessage_alert_id", "alert_id"))
    sa.Table("alertresponse", md, _col("id", Int, primary_key=True),
             sa.Column("alert_id", Int(), sa.ForeignKey("alert.id"), nullable=False),
             _col("node", Big), _col("kind", Str), _col("at", Flt), _col("note", Txt),
             sa.Index("ix_alertresponse_alert_id", "alert_id"),
             sa.Index("ix_alertresponse_once", "alert_id", "node", "kind", unique=True))
    sa.Table("match", md, _col("id", Int, primary_key=True),
             sa.Column("offer_id", Int(), sa.ForeignKey("posting.id"), nullable=True),
             sa.Column("need_id", Int(), sa.ForeignKey("posting.id"), nullable=True),
             _opt("taker", Big), _col("status", Str), _col("created", Flt), _opt("closed", Flt),
             _opt("quantity", Flt), _opt("need_quantity", Flt), _opt("expires", Flt), _opt("accepted", Flt),
             _opt("accepted_by", Big), _col("held", Bool), _opt("reason", Str),
             sa.Index("ix_match_need_id", "need_id"), sa.Index("ix_match_offer_id", "offer_id"))
    sa.Table("matchkey", md,
             sa.Column("posting_id", Int(), sa.ForeignKey("posting.id"), primary_key=True, nullable=False),
             _col("key", Str, primary_key=True), _col("kind", Str), _col("community", Str), _col("category", Str),
             _col("urgency", Int), _opt("zone", Str), _col("created", Flt), _opt("expires", Flt),
             _col("author", Big), _opt("unit", Str), _col("dim", Str), _opt("quantity", Flt),
             _col("available", Flt), _col("keys", Str), _col("blind", Str),
             sa.Index("ix_matchkey_age", "community", "category", "kind", "key", "urgency", "created"),
             sa.Index("ix_matchkey_zone", "community", "category", "kind", "key", "urgency", "zone", "created"))
    sa.Table("planstep", md, _col("id", Int, primary_key=True),
             sa.Column("emergency_id", Int(), sa.ForeignKey("emergency.id"), nullable=False),
             sa.Column("need_id", Int(), sa.ForeignKey("posting.id"), nullable=False),
             sa.Column("offer_id", Int(), sa.ForeignKey("posting.id"), nullable=False),
             sa.Column("match_id", Int(), sa.ForeignKey("match.id"), nullable=True),
             _opt("quantity", Flt), _opt("unit", Str), _col("carrier", Big), _col("due", Flt), _col("status", Str),
             _col("created", Flt), _opt("done_at", Flt), _col("told", Bool),
             sa.Index("ix_planstep_emergency_id", "emergency_id"), sa.Index("ix_planstep_need_id", "need_id"),
             sa.Index("ix_planstep_offer_id", "offer_id"))
    sa.Table("successstory", md, _col("id", Int, primary_key=True),
             sa.Column("match_id", Int(), sa.ForeignKey("match.id"), nullable=False, unique=True),
             _col("text", Txt), _col("created", Flt))
    return md


LEGACY_FILL: dict[tuple[str, str], str | bool | int] = {
    # What rows of an older board hold in a NOT NULL column they did not have.
    ("alert", "cap_status"): "actual", ("alert", "msg_type"): "alert", ("alert", "category"): "other",
    ("alert", "urgency"): "unknown", ("alert", "severity"): "unknown", ("alert", "headline"): "",
    ("alert", "verified"): True,  # it went on air as trusted: that release had no confirmation step
    ("alert", "repeats_done"): 0, ("alert", "on_channel"): False, ("alert", "community"): "main",
    ("match", "held"): False,
    ("member", "community"): "main", ("member", "status"): "visitor",
    ("outboxitem", "airtime_s"): 0, ("outboxitem", "alert_app"): False,
    ("posting", "community"): "main",
    ("seenpacket", "to_node"): 0,  # not recorded then; only a crash's unfinished texts read it
    ("seenpacket", "channel"): 0,
    ("seenpacket", "handled"): True,  # that release wrote the row once the text was answered
    ("seenpacket", "pki_encrypted"): False,
}


def _server_default(value: str | bool | int) -> sa.sql.ClauseElement:
    if isinstance(value, bool):
        return sa.true() if value else sa.false()
    if isinstance(value, str):
        return sa.literal_column("'" + value.replace("'", "''") + "'")
    return sa.literal_column(str(value))


LEGACY_DATA = (
    # Filled from what the older rows already say, once their new columns exist.
    ("alert", "sent", "UPDATE alert SET sent = created WHERE sent IS NULL"),
    ("alert", "headline", "UPDATE alert SET headline = text WHERE headline = ''"),
    ("member", "status", "UPDATE member SET status = 'approved' WHERE joined"),
)


def upgrade() -> None:
    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    for table in _schema().sorted_tables:
        if table.name in existing:
            _bring_up(table)
        else:
            table.create(bind)


def _bring_up(table: sa.Table) -> None:
    """An older board's table: add what it lacks, keep every row."""
    inspector = sa.inspect(op.get_bind())
    have = {c["name"]: c for c in inspector.get_columns(table.name)}
    added = [c for c in table.columns if c.name not in have]
    to_text = [c for c in table.columns if c.name in have and isinstance(c.type, sa.Text)
               and not isinstance(have[c.name]["type"], sa.Text)]
    if added or to_text:
        with op.batch_alter_table(table.name) as batch:
            for column in added:
                fill = LEGACY_FILL.get((table.name, column.name))
                if not column.nullable and fill is None:
                    raise RuntimeError(f"no value for old rows of {table.name}.{column.name}")
                batch.add_column(sa.Column(column.name, column.type, nullable=column.nullable,
                                           server_default=None if fill is None else _server_default(fill)))
            for column in to_text:
                batch.alter_column(column.name, type_=sa.Text(), existing_type=have[column.name]["type"],
                                   existing_nullable=have[column.name]["nullable"])
    new_names = {c.name for c in added}
    for name, column, statement in LEGACY_DATA:
        if name == table.name and column in new_names:
            op.execute(statement)
    indexed = {i["name"] for i in sa.inspect(op.get_bind()).get_indexes(table.name)}
    for index in table.indexes:
        if index.name not in indexed:
            op.create_index(index.name, table.name, [c.name for c in index.columns], unique=bool(index.unique))


def downgrade() -> None:
    for table in reversed(_schema().sorted_tables):
        op.drop_table(table.name)
