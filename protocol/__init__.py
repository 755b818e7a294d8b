"""meshbot's over-the-air command language: text from a handheld -> a command object.

Pure: no I/O, no clock, no database. `parse` never raises; bad input comes back as a
`ParseError` whose `reply` fits one packet. The language is described in SPEC.md.
"""

from .commands import (
    CATEGORIES, URGENCIES, VERBS, Alert, Cancel, Command, Digest, Done, Find, Help, Join,
    ListBoard, More, My, Need, Offer, ParseError, Safe, Show, Take,
)
from .commands import Ack, EmergencyMode, Helping, Update
from .commands import Members, Note
from .commands import Agenda, Vote
from .commands import Cant, Events, Rsvp, Services, Signup, Volunteer
from .parse import MAX_REPLY_BYTES, PARSERS, parse
from ._fields import MAX_INPUT_BYTES
from .vocab import ALIASES_BY_VERB, UNITS, VERB_ALIASES

__all__ = [
    "parse", "ParseError", "Command",
    "Offer", "Need", "Alert", "ListBoard", "Find", "My", "Take", "Done", "Cancel", "Safe",
    "Join", "Help", "More", "Digest", "Update", "Ack", "Helping", "EmergencyMode", "Members", "Show", "Note",
    "Agenda", "Vote",
    "Services", "Events", "Signup", "Rsvp", "Volunteer", "Cant",
    "CATEGORIES", "URGENCIES", "VERBS", "PARSERS",
    "VERB_ALIASES", "ALIASES_BY_VERB", "UNITS",
    "MAX_INPUT_BYTES", "MAX_REPLY_BYTES",
]
