"""The tables of volunteer services and scheduled events: what runs, when, who hosts,
who signed up, who came.

A `Service` is the standing description (a weekly care pod, a one-off market day); each
time it runs is a `ServiceSession`, the row residents name with `s3`. Start times are
epoch seconds worked out from the service's local day and hour in the station's time
zone, so a session keeps its wall-clock hour across daylight-saving changes. Names and
places are encrypted at rest like every other name and place on the board.
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from store.columns import node_column as _node_column
from store.crypto import EncryptedText

SERVICE_KINDS = (
    "childcare", "medical", "repair", "bikes", "defence", "wellbeing", "tutoring", "preserving", "other",
)
"""Volunteer services residents sign up for."""
EVENT_KINDS = ("barter", "market", "resource_day", "training", "gardening", "meeting")
"""Scheduled trades and gatherings residents RSVP to."""
HELPER_ROLES = ("host", "lead", "helper", "driver")
SERVICE_STATES = ("active", "cancelled")
SESSION_STATES = ("scheduled", "cancelled")
SIGNUP_STATES = ("booked", "waiting", "dropped", "attended")
"""booked: has a place; waiting: in line for one (first come, first asked); dropped: said
CANT; attended: recorded with DONE."""
HELPER_STATES = ("active", "dropped")


class Service(SQLModel, table=True):
    """A service or event as the committee described it, and its schedule."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True, description="one of SERVICE_KINDS or EVENT_KINDS")
    name: str = Field(sa_type=EncryptedText)
    place: str | None = Field(default=None, sa_type=EncryptedText, description="a coarse place, never a door")
    capacity: int | None = Field(default=None, description="places per session (None: no limit)")
    languages: str = Field(default="en", description="comma-separated: en,es")
    bring: str | None = Field(default=None, description="what to bring, as the committee wrote it")
    weekday: int | None = Field(default=None, description="0=Monday..6=Sunday for a weekly service; None: one-off")
    first_day: str = Field(description="local date YYYY-MM-DD: the one-off day, or the first week")
    last_day: str | None = Field(default=None, description="local date after which a weekly service stops")
    start: str = Field(default="10:00", description="local start time HH:MM")
    minutes: int = Field(default=120, description="length of each session")
    pod: bool = Field(default=False, description="households take turns hosting (a rotating care pod)")
    status: str = Field(default="active", index=True)
    community: str = Field(default="main", index=True)
    created: float
    updated: float


class ServiceSession(SQLModel, table=True):
    """One time a service runs: the `s3` residents sign up for."""

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="service.id", index=True)
    starts: float = Field(index=True)
    ends: float
    status: str = Field(default="scheduled", index=True)
    host: int | None = Field(default=None, sa_column=_node_column(nullable=True),
                             description="the household hosting this turn (pods)")
    turn: int | None = Field(default=None, description="the pod's round of turns this hosting belongs to")
    reminded: float | None = Field(default=None, description="when the host (or, for an event, those coming) was reminded")


class ServiceHelper(SQLModel, table=True):
    """A host or volunteer: for every session (`session_id` None) or for one."""

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="service.id", index=True)
    session_id: int | None = Field(default=None, index=True)
    node: int = Field(sa_column=_node_column(nullable=False, index=True))
    role: str = "helper"
    state: str = Field(default="active")
    created: float


class ServiceSignup(SQLModel, table=True):
    """A resident's place (or place in line) at one session, and whether they came."""

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="servicesession.id", index=True)
    node: int = Field(sa_column=_node_column(nullable=False, index=True))
    state: str = Field(default="booked")
    created: float
    updated: float


class PodAway(SQLModel, table=True):
    """A household that cannot host between two local dates (inclusive)."""

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="service.id", index=True)
    node: int = Field(sa_column=_node_column(nullable=False))
    first_day: str
    last_day: str
