"""The arguments of the services verbs (SPEC §6.6): SERVICES, EVENTS, SIGNUP s3, RSVP e2,
VOLUNTEER s3 [role], CANT s3. DONE s3 is DONE's own parser (a session id is an id).

A session id is `s3` (a service) or `e2` (an event); a bare number is taken as the kind
the verb is about. SIGNUP without an id but with a name and a zone is JOIN, as it was
before SIGNUP named a session: `SIGNUP Ana @elm` still joins.
"""

from __future__ import annotations

from ._args import _join
from ._errors import fail as _fail, quote as _quote
from ._fields import is_symbolic, ref_of, strip_edges
from .commands import Cant, Events, Join, ParseError, Rsvp, Services, Signup, Volunteer
from .vocab import fold

_ROLE_WORDS = {
    "host": "host", "hosting": "host", "anfitrion": "host", "anfitriona": "host", "casa": "host",
    "lead": "lead", "leader": "lead", "lider": "lead", "guia": "lead",
    "helper": "helper", "help": "helper", "ayudante": "helper", "ayuda": "helper",
    "driver": "driver", "drive": "driver", "driving": "driver", "conductor": "driver",
    "conductora": "driver", "chofer": "driver",
}


def _session_ref(args: str, verb: str, lang: str, default: str) -> tuple[str, list[str]] | ParseError:
    """(`s3`, the words after it) or the error to answer; `default` is the prefix of a bare number."""
    tokens = [t for t in args.split() if not is_symbolic(t)]
    if not tokens:
        return _fail("missing_ref", lang, verb)
    ref = ref_of(tokens[:1])
    if ref is None or ref[:1] not in ("s", "e", *"0123456789"):
        return _fail("bad_ref", lang, verb, word=_quote(tokens[0]))
    return (ref if ref[:1] in ("s", "e") else default + ref), tokens[1:]


def _services(args: str, lang: str) -> Services:
    return Services(lang=lang)


def _events(args: str, lang: str) -> Events:
    return Events(lang=lang)


def _signup(args: str, lang: str) -> Signup | Join | ParseError:
    tokens = [t for t in args.split() if not is_symbolic(t)]
    if any(strip_edges(t).startswith("@") for t in tokens) and ref_of(tokens[:1]) is None:
        joined = _join(args, lang)
        if isinstance(joined, Join):
            return joined
    found = _session_ref(args, "signup", lang, "s")
    return found if isinstance(found, ParseError) else Signup(ref=found[0], lang=lang)


def _rsvp(args: str, lang: str) -> Rsvp | ParseError:
    found = _session_ref(args, "rsvp", lang, "e")
    return found if isinstance(found, ParseError) else Rsvp(ref=found[0], lang=lang)


def _cant(args: str, lang: str) -> Cant | ParseError:
    """CANT s3. `can't`/`no puedo` followed by words and no id is chatter (`i can't make it
    tonight`), not a command: unknown_verb, so on a channel it goes unanswered."""
    tokens = [t for t in args.split() if not is_symbolic(t)]
    if tokens and ref_of(tokens[:1]) is None:
        return _fail("unknown_verb", lang, word=_quote(tokens[0]))
    found = _session_ref(args, "cant", lang, "s")
    return found if isinstance(found, ParseError) else Cant(ref=found[0], lang=lang)


def _volunteer(args: str, lang: str) -> Volunteer | ParseError:
    found = _session_ref(args, "volunteer", lang, "s")
    if isinstance(found, ParseError):
        return found
    ref, rest = found
    words = [fold(strip_edges(t)) for t in rest if fold(strip_edges(t)) not in ("as", "como", "de", "a")]
    if not words:
        return Volunteer(ref=ref, lang=lang)
    role = _ROLE_WORDS.get(words[0])
    if role is None:
        return _fail("bad_args", lang, "volunteer", word=_quote(rest[0]))
    return Volunteer(ref=ref, role=role, lang=lang)
