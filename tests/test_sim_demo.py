"""`meshbot demo` loses nothing: a resident with no ACK resends as a person would.

The demo's fifteen scripted messages are each handled by the bot with any seed; a
resident resends only after a minute without the bot's ACK, at most MAX_RESENDS times.
"""

from __future__ import annotations

import logging

import pytest

from meshbot.simulation.demo import MAX_RESENDS, RESEND_AFTER_S, SCRIPT, run_demo


@pytest.fixture(autouse=True)
def _quiet() -> None:
    logging.getLogger("meshbot").setLevel(logging.ERROR)


def check(seed: int) -> None:
    result = run_demo(seed=seed)
    summary = result.summary()
    assert (summary["messages_sent"], summary["messages_in"], summary["lost"]) == (len(SCRIPT), len(SCRIPT), 0), seed
    assert result.verdict() == f"{len(SCRIPT)} of {len(SCRIPT)}, none lost"
    bot = result.daemon.link.my_node_num
    for i, ids in result.attempts.items():
        assert 1 <= len(ids) <= 1 + MAX_RESENDS
        resident = result.mesh.node(result.senders[i])
        sent_at = {e.packet_id: e.queued for e in result.mesh.log if e.kind == "tx" and e.node == resident.num}
        for earlier, later in zip(ids, ids[1:]):
            # a resend comes a minute after the previous try, which the bot had not ACKed by then
            assert sent_at[later] - sent_at[earlier] >= RESEND_AFTER_S - 1e-6
            acks = [
                p for p in resident.routing
                if p["from"] == bot and p["decoded"]["requestId"] == earlier
                and p["decoded"]["routing"]["errorReason"] == "NONE"
            ]
            assert all(p["rxTime"] - result.mesh.start_epoch >= sent_at[later] - 1 for p in acks)


@pytest.mark.parametrize("seed", [1, 42])
def test_the_demo_loses_nothing(seed: int) -> None:
    check(seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(1, 21))
def test_the_demo_loses_nothing_with_any_seed(seed: int) -> None:
    check(seed)
