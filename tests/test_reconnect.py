"""The reconnect supervisor, in-process so its subscriptions and log can be read: the daemon's
real threads on the real `meshtastic` library, against the simulator's node on 127.0.0.1.

A radio unplugged and plugged back in three times must leave one subscription per topic (a
doubled handler would run twice for every text), one log line per change of state, and a
text sent afterwards answered once.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from pubsub import pub
from sqlmodel import select

from hardware.link import TOPIC_ESTABLISHED, TOPIC_LOST, TOPIC_ROUTING, TOPIC_TEXT, NodeInfo
from hardware.meshtastic_link import MeshtasticLink
from hardware.sim.tcp_server import StreamApiServer
from meshbot.daemon import Daemon
from meshbot.settings import Settings
from store import OutboxItem, SeenPacket, open_engine, session

BOT = 0x4D42A001
ANA = 0x000000A1


def _radio(port: int = 0) -> StreamApiServer:
    server = StreamApiServer(BOT, [NodeInfo(BOT, "BASE", "Base"), NodeInfo(ANA, "ANA", "Ana")], port=port, seed=2)
    server.start()
    return server


def _listeners_of(daemon: Daemon, topic: str) -> int:
    listeners = pub.getDefaultTopicMgr().getTopic(topic).getListeners()
    return sum(1 for listener in listeners if getattr(listener.getCallable(), "__self__", None) is daemon.inbox)


def _wait(predicate, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


@pytest.mark.timeout(300)
def test_three_outages_leave_one_subscription_one_log_line_each_and_one_answer(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="meshbot.daemon")
    radio = _radio()
    port = radio.address[1]
    engine = open_engine(tmp_path / "m.db")
    daemon = Daemon(Settings(db=str(tmp_path / "m.db"), min_gap_s=1.5), MeshtasticLink(host=radio.hostport), engine)
    daemon.start()
    try:
        assert radio.wait_for_client(timeout=30)
        for outage in range(1, 4):
            radio.close()  # the radio is unplugged: the library's own reconnects fail too
            assert _wait(lambda: _said(caplog, "radio link lost") == outage, 30), "the outage was never noticed"
            time.sleep(2)
            radio = _radio(port)  # ... and plugged back in
            assert radio.wait_for_client(timeout=60), "the daemon did not come back"
            assert _wait(lambda: _said(caplog, "radio link is back") == outage, 30)
        radio.push_text(ANA, "OFFER soup 4 bowls @elm", to=BOT, packet_id=701)
        assert _wait(lambda: len(_outbox(engine)) == 1, 30)
        for topic in (TOPIC_TEXT, TOPIC_ROUTING, TOPIC_ESTABLISHED, TOPIC_LOST):
            assert _listeners_of(daemon, topic) == 1, topic
    finally:
        daemon.stop()  # the threads are joined: anything a doubled handler did is in the database now
        radio.close()
    [reply] = _outbox(engine)
    assert reply.startswith("o1 soup bowls 4 posted")
    with session(engine) as db:
        assert [(p.packet_id, p.handled) for p in db.exec(select(SeenPacket))] == [(701, True)]
    assert (_said(caplog, "radio link lost"), _said(caplog, "radio link is back")) == (3, 3)  # once per change


def _said(caplog: pytest.LogCaptureFixture, start: str) -> int:
    return sum(r.getMessage().startswith(start) for r in caplog.records if r.name == "meshbot.daemon")


def _outbox(engine) -> list[str]:  # type: ignore[no-untyped-def]
    with session(engine) as db:
        return [o.text for o in db.exec(select(OutboxItem))]
