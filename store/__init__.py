"""Persistence: sqlmodel tables on SQLite (or any SQLAlchemy URL)."""

from store.db import database_url, open_engine, session
from store.logins import ConsoleLogin
from store.models import (
    ALERT_STATES,
    DEFAULT_COMMUNITY,
    MATCH_STATES,
    OUTBOX_STATES,
    POSTING_STATES,
    ROLES,
    Alert,
    DeliveryAttempt,
    Match,
    Member,
    OutboxItem,
    Posting,
    ReportNote,
    SeenPacket,
    SuccessStory,
    Transmission,
)

__all__ = [
    "ALERT_STATES", "MATCH_STATES", "OUTBOX_STATES", "POSTING_STATES", "ROLES",
    "Alert", "ConsoleLogin", "DeliveryAttempt", "Match", "Member", "OutboxItem", "Posting", "SeenPacket", "Transmission",
    "DEFAULT_COMMUNITY", "ReportNote", "SuccessStory",
    "database_url", "open_engine", "session",
]
