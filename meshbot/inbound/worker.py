"""Processes one received text: dedupe, parse, handle, and queue the answers, in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from sqlalchemy import bindparam, insert, update
from sqlalchemy import select as core_select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, col, select

from hardware.link import node_id
from meshbot.inbound import gate
from meshbot.people import notes
from meshbot.handlers import HANDLERS, Context, Reply
from meshbot.inbound.identity import Proof, pinned_key, prove
from meshbot.inbound.inbox import Inbound
from meshbot.board.matcher import use_settings
from meshbot.people.members import touch_members
from meshbot.delivery.outbox import Outgoing, Priority, enqueue
from meshbot.inbound.ratelimit import RateLimiter, Verdict
from meshbot.settings import Settings
from meshbot.threads.barrier import ErrorLog
from protocol import Command, ParseError, parse, replies
from store import Member, SeenPacket, session

log = logging.getLogger(__name__)
# Channel chatter that merely is not a command gets no answer: the air is for commands.
_SILENT_ON_CHANNEL = frozenset({"empty", "unknown_verb"})
# Verbs whose second run would change the board again: a word-for-word repeat within
# `repeat_window_s` is a resident who missed our answer, so they get it again instead.
_CHANGES_STATE = frozenset({"offer", "need", "alert", "take", "done", "cancel", "join",
                            "update", "ok", "helping", "emergency", "members", "msg"})
SEEN = SeenPacket.__table__  # type: ignore[attr-defined]
"""The journal as a table: it is written per packet, so plain statements, built once."""
_JOURNAL = insert(SEEN)
_MARK_HANDLED = (
    update(SEEN)
    .where(SEEN.c.from_node == bindparam("node"), SEEN.c.packet_id == bindparam("packet"))
    .values(handled=True, reply=bindparam("reply", type_=SEEN.c.reply.type))
)
_FORGET_WORDS = (
    update(SEEN)
    .where(SEEN.c.from_node == bindparam("node"), SEEN.c.packet_id == bindparam("packet"))
    .values(text=bindparam("text", type_=SEEN.c.text.type))
)
"""A secret ballot's words are not kept: only its verb stays with the packet."""
PacketKey = tuple[int, int]
NEW_MEMBER_LANG = "en"
"""The language a text is read in when its sender has not used one yet."""


def _same_words(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


class Worker:
    """The only writer of postings: every received text passes through `process`."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        clock: Callable[[], float],
        short_name_of: Callable[[int], str | None] = lambda _num: None,
        errors: ErrorLog | None = None,
    ) -> None:
        self._engine = engine
        self._errors = errors or ErrorLog()
        """Per-packet failures: a traceback once, then a count, however many packets fail alike."""
        self._settings = settings
        self._clock = clock
        self._short_name_of = short_name_of
        self._limiter = RateLimiter(settings.rate_limit_per_minute, settings.unauthenticated_per_minute)
        self.needs_retry = False
        """A text written down could not be handled nor its failure recorded: `unhandled` has it."""

    def forget_idle(self, now: float) -> None:
        """Let go of rate-limit state for quiet nodes (called from housekeeping)."""
        self._limiter.forget_idle(now)

    def record(self, message: Inbound) -> bool:
        """Write a text down the moment it arrives; False if this packet was seen before.

        Runs on the radio's thread: one small insert, so that a crash before `process`
        loses nothing (`unhandled` gives it back on the next start).
        """
        row = self._seen_row(message, self._clock())
        try:
            with self._engine.begin() as connection:
                connection.execute(_JOURNAL, row)
        except IntegrityError:
            return False
        return True

    def unhandled(self) -> list[Inbound]:
        """Texts recorded but not processed when meshbot last stopped, oldest first."""
        with session(self._engine) as db:
            rows = db.exec(
                select(SeenPacket).where(col(SeenPacket.handled).is_(False)).order_by(col(SeenPacket.received))
            ).all()
        return [Inbound(r.from_node, r.to_node, r.packet_id, r.channel, r.text, r.pki_encrypted, r.public_key)
                for r in rows]

    @staticmethod
    def _seen_row(message: Inbound, now: float, handled: bool = False, reply: str | None = None) -> dict[str, object]:
        return {
            "from_node": message.from_node, "packet_id": message.packet_id, "to_node": message.to_node,
            "channel": message.channel, "received": now, "text": message.text[:1000], "handled": handled,
            "reply": reply, "pki_encrypted": message.pki_encrypted, "public_key": message.public_key,
        }

    @staticmethod
    def _handled_among(db: Session, messages: Sequence[Inbound]) -> set[PacketKey]:
        """Which of these packets were handled before (a replayed backlog), in one query."""
        nodes = {m.from_node for m in messages}
        rows = db.connection().execute(core_select(SEEN.c.from_node, SEEN.c.packet_id).where(
            SEEN.c.from_node.in_(nodes), SEEN.c.packet_id.in_({m.packet_id for m in messages}),
            SEEN.c.handled.is_(True)))
        return {(node, packet_id) for node, packet_id in rows}

    def _mark_handled(self, db: Session, message: Inbound, reply: str | None, now: float) -> None:
        """Close the journal entry: handled, with the answer a repeat of it should get."""
        connection = db.connection()
        done = connection.execute(_MARK_HANDLED, {"node": message.from_node, "packet": message.packet_id, "reply": reply})
        if done.rowcount == 0:  # not journalled on arrival (a caller that skipped `record`)
            connection.execute(_JOURNAL, self._seen_row(message, now, handled=True, reply=reply))

    def process(self, message: Inbound) -> str | None:
        """Handle one text; returns the reply queued for the sender (None: nothing to say)."""
        return self.process_batch([message])[0]

    def process_batch(self, messages: Sequence[Inbound]) -> list[str | None]:
        """Handle texts in order, all in one transaction: one flush to disk for a burst.

        Each text runs in its own savepoint, so one that fails is rolled back alone and
        its sender gets one apology; the others stand. A packet already handled (same
        sender and packet id) is dropped first, so the backlog a radio replays on
        connect is never acted on twice.
        """
        now = self._clock()
        answers: list[str | None] = []
        failed: list[int] = []
        try:
            with session(self._engine, hold_loaded=True) as db, db.begin():
                use_settings(db, self._settings)  # the committee's item words and zone names
                handled = self._handled_among(db, messages)
                # Everyone we hear from is a member (a visitor at first), whatever their text does.
                nodes = {m.from_node for m in messages}
                senders = touch_members(db, {n: self._short_name_of(n) for n in nodes}, now, self._settings.community)
                notes.release(db, nodes, now, self._settings.reply_want_ack)  # their radios are on: held notes go
                for index, message in enumerate(messages):
                    try:
                        with db.begin_nested():
                            answers.append(self._handle(db, message, senders[message.from_node], now, handled))
                        handled.add((message.from_node, message.packet_id))
                    except Exception as exc:  # the daemon's crash barrier: log it, answer once, go on
                        # Node and packet only: a resident's words never go to the log.
                        self._errors.report("handling a text", exc,
                                            f"last from {node_id(message.from_node)} packet {message.packet_id}")
                        answers.append(None)
                        failed.append(index)
        except SQLAlchemyError as exc:
            self._errors.report("committing texts", exc, f"{len(messages)} text(s), tried again one by one")
            if len(messages) > 1:
                return [self.process(m) for m in messages]
            return [self._apologise(messages[0], now)]
        for index in failed:
            answers[index] = self._apologise(messages[index], now)
        return answers

    def _handle(self, db: Session, message: Inbound, sender: Member, now: float,
                handled: set[PacketKey]) -> str | None:
        if (message.from_node, message.packet_id) in handled:
            log.info("duplicate packet %s from %s dropped", message.packet_id, node_id(message.from_node))
            return None
        proof = prove(db, message, now)
        if proof is Proof.KEY_CHANGED:
            # Refusals count against the unproved budgets too: a flood of wrong-key DMs gets
            # one "slow down", then silence, not one refusal (and one flag) per packet.
            limited, reply = self._over_limit(message, now, sender.lang or NEW_MEMBER_LANG, proved=False)
            if not limited:
                log.warning("%s sent a PKI DM under a key other than its pinned one; refused",
                            node_id(message.from_node))
                reply = gate.refuse_changed_key(db, sender, message.public_key or "",
                                                pinned_key(db, message.from_node) or "", now, sender.lang or "en")
        else:
            reply = self._answer(db, message, sender, now, authenticated=proof is Proof.PINNED)
        # A refusal or a question is not the answer a repeat should get.
        remembered = None if reply is None or isinstance(reply, gate.Refusal) or not reply.remembered else reply.text
        self._mark_handled(db, message, remembered, now)
        if reply is not None and reply.secret:
            db.connection().execute(_FORGET_WORDS, {"node": message.from_node, "packet": message.packet_id,
                                                    "text": message.text.split()[0] if message.text.split() else ""})
        if isinstance(reply, gate.SilentRefusal):
            for notice in reply.notices:
                enqueue(db, notice, now, self._settings.reply_want_ack)
            log.info("%s refused again within the quiet window; no answer", node_id(message.from_node))
            return None
        if reply is None:
            return None
        # A node that has proved itself before can be spoofed on the channel: answers to
        # texts in its number that prove nothing go behind the answers to its own proved ones.
        suspect = proof is Proof.NONE and pinned_key(db, message.from_node) is not None
        self._queue(db, message.from_node, reply, now, Priority.NOTICE if suspect else Priority.REPLY)
        # Residents' words stay out of the log at every level: it is as seizable as the disk.
        log.info("%s: %d bytes in, answered %d bytes", node_id(message.from_node),
                 len(message.text.encode("utf-8", "surrogatepass")), len(reply.text.encode("utf-8")))
        return reply.text

    def _answer(self, db, message: Inbound, sender: Member, now: float,  # type: ignore[no-untyped-def]
                authenticated: bool = False) -> Reply | None:
        """What to say to one new text; None to stay silent (chatter, or over the rate limit)."""
        command = parse(message.text, sender.lang or NEW_MEMBER_LANG)  # the language they used last, if none shows
        settled, early = self.answer_before_board(message, command, now, proved=authenticated)
        if settled or isinstance(command, ParseError):
            return early
        ctx = Context(session=db, sender=sender, now=now, settings=self._settings, lang=command.lang,
                      direct=message.is_direct, authenticated=authenticated)
        refusal = gate.check(ctx, command.verb, message.text)  # the one place privileges are checked
        if refusal is not None:
            return refusal
        earlier = self._earlier_answer(db, message, command.verb, now)
        if earlier is not None:
            log.info("%s repeated a %s; answered again", node_id(message.from_node), command.verb)
            return Reply(earlier)
        sender.lang = command.lang  # notices to this resident go in the language they use
        gate.admit(ctx, command.verb, message.text)
        return HANDLERS[type(command)](ctx, command)

    def answer_before_board(self, message: Inbound, command: Command | ParseError,
                            now: float, proved: bool = False) -> tuple[bool, Reply | None]:
        """The answer that needs no board: (True, it) for chatter, the rate limit and bad input.

        (False, None) means the command goes on to the board. `meshbot parse -` calls this
        too, so a text that never reaches the board is answered there without a transaction,
        in the very words the daemon would use.
        """
        if isinstance(command, ParseError) and not message.is_direct \
                and command.code in _SILENT_ON_CHANNEL and not self._settings.answer_channel_chatter:
            return True, None
        limited, slow_down = self._over_limit(message, now, command.lang, proved)
        if limited:
            return True, slow_down
        if isinstance(command, ParseError):
            return True, Reply(command.reply)
        return False, None

    def _over_limit(self, message: Inbound, now: float, lang: str, proved: bool) -> tuple[bool, Reply | None]:
        """Count the text in its budgets: (over a limit, the one "slow down" to send if any)."""
        verdict = self._limiter.check(message.from_node, now, proved=proved)
        if verdict is Verdict.IGNORE:
            log.info("%s is over the rate limit%s; ignored", node_id(message.from_node), "" if proved else " (unproved)")
            return True, None
        if verdict is Verdict.WARN:
            return True, Reply(replies.slow_down(self._settings.rate_limit_per_minute, lang))
        return False, None

    def _earlier_answer(self, db, message: Inbound, verb: str, now: float) -> str | None:  # type: ignore[no-untyped-def]
        """Our answer to the same words from the same node within the repeat window, if any."""
        if verb not in _CHANGES_STATE or self._settings.repeat_window_s <= 0:
            return None
        recent = db.exec(
            select(SeenPacket)
            .where(
                SeenPacket.from_node == message.from_node,
                SeenPacket.received >= now - self._settings.repeat_window_s,
                SeenPacket.packet_id != message.packet_id,
                col(SeenPacket.reply).is_not(None),
            )
            .order_by(col(SeenPacket.received).desc())
            .limit(20)
        ).all()
        return next((p.reply for p in recent if _same_words(p.text, message.text)), None)

    def _queue(self, db, to_node: int, reply: Reply, now: float,  # type: ignore[no-untyped-def]
               priority: Priority = Priority.REPLY) -> None:
        want_ack = self._settings.reply_want_ack
        broadcasts = [n for n in reply.notices if not n.is_direct] if reply.after_broadcast else []
        first = min(broadcasts, key=lambda n: n.delay_s, default=None)
        after = enqueue(db, first, now, want_ack)[-1] if first is not None else None
        enqueue(db, Outgoing(reply.text, to_node, priority), now, want_ack, after=after)
        for notice in reply.notices:
            if notice is not first:
                enqueue(db, notice, now, want_ack)

    def _apologise(self, message: Inbound, now: float) -> str | None:
        """Record the packet as seen with an apology, so a failure is answered once, not looped."""
        text = replies.oops(parse(message.text).lang)
        try:
            with session(self._engine) as db, db.begin():
                if not self._handled_among(db, [message]):
                    self._mark_handled(db, message, text, now)
                    self._queue(db, message.from_node, Reply(text), now)
        except SQLAlchemyError as exc:
            log.error("could not record the failure of packet %s (%s); it is tried again later",
                      message.packet_id, exc.orig if getattr(exc, "orig", None) is not None else exc)
            self.needs_retry = True
            return None
        return text
