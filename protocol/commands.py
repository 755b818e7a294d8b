"""One frozen dataclass per verb: what a resident asked for, already validated.

Commands carry no ids of people or rows and no clock: the handler adds those.
Every command (and every `ParseError`) carries `lang`, the language the resident wrote
in (`en` or `es`, see SPEC §8), so the answer can be in the same language. `lang` is
left out of equality: `OFFER rice` and `OFREZCO rice` ask for the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal, Union

CATEGORIES: tuple[str, ...] = (
    "food", "water", "medical", "shelter", "clothing", "childcare", "transport",
    "repair", "power", "tools", "education", "labor", "hygiene", "communication", "other",
)
URGENCIES: tuple[str, ...] = ("normal", "high", "critical")
LANGS: tuple[str, ...] = ("en", "es")
PostingKind = Literal["offer", "need"]
MAX_QUANTITY = 100_000.0
"""The largest quantity a posting may carry; more is a typo or a phone number."""


def _lang() -> str:
    return field(default="en", compare=False)  # type: ignore[return-value]


@dataclass(frozen=True)
class _Posting:
    """Fields shared by OFFER and NEED."""

    item: str
    category: str = "other"
    quantity: float | None = None
    unit: str | None = None
    place: str | None = None
    urgency: str = "normal"
    when: str | None = None
    """A time window as written (`tue 9-12`, `saturdays`, `tonight`): when it is available
    or wanted. Not used by the board yet; kept so the item stays clean."""
    until: str | None = None
    """How long the posting stands (`3 days`, `fri`, `3/15`), as written after
    `for`/`until`/`hasta`/`exp`."""
    lang: str = _lang()

    def __post_init__(self) -> None:
        if not self.item:
            raise ValueError("a posting needs an item")
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown category {self.category!r}")
        if self.urgency not in URGENCIES:
            raise ValueError(f"unknown urgency {self.urgency!r}")
        if self.quantity is not None and not 0 < self.quantity <= MAX_QUANTITY:
            raise ValueError(f"quantity {self.quantity!r} out of range")


@dataclass(frozen=True)
class Offer(_Posting):
    verb: ClassVar[str] = "offer"
    kind: ClassVar[PostingKind] = "offer"


@dataclass(frozen=True)
class Need(_Posting):
    verb: ClassVar[str] = "need"
    kind: ClassVar[PostingKind] = "need"


@dataclass(frozen=True)
class Alert:
    """An emergency broadcast; `text` is what the resident wrote after the verb."""

    text: str
    place: str | None = None
    lang: str = _lang()
    verb: ClassVar[str] = "alert"


@dataclass(frozen=True)
class ListBoard:
    """LIST [offers|needs] [category] [@zone]: the newest open postings."""

    kind: PostingKind | None = None
    category: str | None = None
    place: str | None = None
    lang: str = _lang()
    verb: ClassVar[str] = "list"


@dataclass(frozen=True)
class Find:
    """FIND <words> [@zone]: open postings whose item matches the words."""

    query: str
    place: str | None = None
    lang: str = _lang()
    verb: ClassVar[str] = "find"


@dataclass(frozen=True)
class My:
    """MY: the sender's own open postings."""

    lang: str = _lang()
    verb: ClassVar[str] = "my"


@dataclass(frozen=True)
class Take:
    """TAKE <ref>: claim an offer (or answer a need) by its short id."""

    ref: str
    lang: str = _lang()
    verb: ClassVar[str] = "take"


@dataclass(frozen=True)
class Done:
    """DONE <ref>: the sender's posting or match is fulfilled."""

    ref: str
    lang: str = _lang()
    verb: ClassVar[str] = "done"


@dataclass(frozen=True)
class Cancel:
    """CANCEL <ref>: withdraw the sender's own posting."""

    ref: str
    lang: str = _lang()
    verb: ClassVar[str] = "cancel"


@dataclass(frozen=True)
class Safe:
    """SAFE [note]: the sender reports being safe (answers a roll call)."""

    note: str = ""
    lang: str = _lang()
    verb: ClassVar[str] = "safe"


@dataclass(frozen=True)
class Join:
    """JOIN <name> <zone>: register the sending node as a resident."""

    name: str
    zone: str
    lang: str = _lang()
    verb: ClassVar[str] = "join"


@dataclass(frozen=True)
class Help:
    """HELP [verb]: the command card or one verb's usage; or a person asking for help.

    `HELP fire at elm` is not a question about commands: `request` keeps the words
    (`fire at elm`) and `urgency` is `critical` when they name a danger (SPEC §6.1). A
    request is answered with what to do, never with the card alone, and is flagged.
    """

    topic: str | None = None
    request: str = ""
    urgency: str = "normal"
    lang: str = _lang()
    verb: ClassVar[str] = "help"

    @property
    def is_request(self) -> bool:
        """A person asking for help, not for the command card."""
        return bool(self.request) or self.urgency != "normal"


@dataclass(frozen=True)
class More:
    """MORE: the next page of the sender's last LIST or FIND."""

    lang: str = _lang()
    verb: ClassVar[str] = "more"


@dataclass(frozen=True)
class Show:
    """SHOW o12 (LIST with one id; VER/MOSTRAR o12): one posting whole, over one or two packets."""

    ref: str
    lang: str = _lang()
    verb: ClassVar[str] = "show"


@dataclass(frozen=True)
class Digest:
    """DIGEST: the committee's state of the board, in one or two packets."""

    lang: str = _lang()
    verb: ClassVar[str] = "digest"


@dataclass(frozen=True)
class Update:
    """UPDATE <alert id> <text> [@zone]: new words for an alert, from its sender or the committee."""

    ref: str
    text: str
    place: str | None = None
    lang: str = _lang()
    verb: ClassVar[str] = "update"


@dataclass(frozen=True)
class Ack:
    """OK <alert id>: the sender has the alert (no more repeats to them). From a committee
    member by DM it also confirms a resident's alert waiting to go out."""

    ref: str
    lang: str = _lang()
    verb: ClassVar[str] = "ok"


@dataclass(frozen=True)
class Helping:
    """HELPING <alert id> [note]: the sender is coming to help with that alert."""

    ref: str
    note: str = ""
    lang: str = _lang()
    verb: ClassVar[str] = "helping"


@dataclass(frozen=True)
class EmergencyMode:
    """EMERGENCY ON / EMERGENCY OFF: a committee member starts or ends emergency mode."""

    on: bool
    lang: str = _lang()
    verb: ClassVar[str] = "emergency"


@dataclass(frozen=True)
class Note:
    """MSG <m3|o12|n7|name> <text>: a note the bot relays to the other side of a match.

    `to` is a match or posting ref (`m3`, `o12`, `n7`) or, for the committee, a
    resident's name or node id; who may write to whom is the bot's business."""

    to: str
    text: str
    lang: str = _lang()
    verb: ClassVar[str] = "msg"

    def __post_init__(self) -> None:
        if not self.to or not self.text.strip():
            raise ValueError("a note needs a recipient and words")


MEMBER_ACTIONS: tuple[str, ...] = ("list", "approve", "reject", "role")
MEMBER_ROLES: tuple[str, ...] = ("resident", "responder", "committee", "admin")


@dataclass(frozen=True)
class Members:
    """MEMBERS [approve|reject !node] [role !node role]: the committee's membership desk.

    `node` is the node number typed (`!a1b2c3d4`); whether the sender may act on it is
    the bot's business, not the parser's."""

    action: str = "list"
    node: int | None = None
    role: str | None = None
    lang: str = _lang()
    verb: ClassVar[str] = "members"

    def __post_init__(self) -> None:
        if self.action not in MEMBER_ACTIONS:
            raise ValueError(f"unknown members action {self.action!r}")
        if self.role is not None and self.role not in MEMBER_ROLES:
            raise ValueError(f"unknown role {self.role!r}")


HEADINGS: tuple[str, ...] = ("updates", "aid", "treasury", "plans", "warnings", "other")
"""The council's five headings, then other (protocol/vocab/council.toml names them)."""
CHOICES: tuple[str, ...] = ("yes", "no", "abstain")


@dataclass(frozen=True)
class Agenda:
    """AGENDA [heading:] <text>: an item for the next council meeting (reps and the committee)."""

    text: str
    heading: str = "other"
    lang: str = _lang()
    verb: ClassVar[str] = "agenda"

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise ValueError("an agenda item needs words")
        if self.heading not in HEADINGS:
            raise ValueError(f"unknown heading {self.heading!r}")


@dataclass(frozen=True)
class Vote:
    """VOTE p3 yes|no|abstain: one member's ballot on a treasury proposal."""

    proposal: str
    choice: str
    lang: str = _lang()
    verb: ClassVar[str] = "vote"

    def __post_init__(self) -> None:
        if not self.proposal.startswith("p") or not self.proposal[1:].isdigit():
            raise ValueError(f"a proposal is p3, not {self.proposal!r}")
        if self.choice not in CHOICES:
            raise ValueError(f"unknown choice {self.choice!r}")


SERVICE_ROLES: tuple[str, ...] = ("host", "lead", "helper", "driver")


@dataclass(frozen=True)
class Services:
    """SERVICES: the volunteer services of the next 7 days, one packet, MORE for the rest."""

    lang: str = _lang()
    verb: ClassVar[str] = "services"


@dataclass(frozen=True)
class Events:
    """EVENTS: barter sessions, market days, resource days, trainings of the next two weeks."""

    lang: str = _lang()
    verb: ClassVar[str] = "events"


@dataclass(frozen=True)
class Signup:
    """SIGNUP s3: a place at a session (or a place in its waiting line)."""

    ref: str
    lang: str = _lang()
    verb: ClassVar[str] = "signup"


@dataclass(frozen=True)
class Rsvp:
    """RSVP e2: coming to an event."""

    ref: str
    lang: str = _lang()
    verb: ClassVar[str] = "rsvp"


@dataclass(frozen=True)
class Volunteer:
    """VOLUNTEER s3 driver: offering to help run a session, in a role."""

    ref: str
    role: str = "helper"
    lang: str = _lang()
    verb: ClassVar[str] = "volunteer"

    def __post_init__(self) -> None:
        if self.role not in SERVICE_ROLES:
            raise ValueError(f"unknown role {self.role!r}")


@dataclass(frozen=True)
class Cant:
    """CANT s3: the sender drops out of a session (as a guest, a volunteer or the host)."""

    ref: str
    lang: str = _lang()
    verb: ClassVar[str] = "cant"


Command = Union[
    Offer, Need, Alert, ListBoard, Find, My, Take, Done, Cancel, Safe, Join, Help, More, Digest,
    Update, Ack, Helping, EmergencyMode, Members, Show, Note, Agenda, Vote,
    Services, Events, Signup, Rsvp, Volunteer, Cant,
]
VERBS: tuple[str, ...] = (
    "offer", "need", "alert", "list", "find", "my", "take", "done", "cancel", "safe", "join", "help",
    "more", "digest", "update", "ok", "helping", "emergency", "members", "msg", "agenda", "vote",
    "services", "events", "signup", "rsvp", "volunteer", "cant",
)


@dataclass(frozen=True)
class ParseError:
    """The sender's text is not a command we can act on.

    `reply` is the short (≤200 UTF-8 bytes) answer to send back; `code` names the
    failure for tests and logs (`empty`, `unknown_verb`, `missing_item`, ...);
    `verb` is the recognised verb when the verb was fine but its arguments were not.
    """

    code: str
    reply: str
    verb: str | None = None
    lang: str = _lang()
