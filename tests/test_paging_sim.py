"""MY with twelve posts, paged with MORE, from a resident's stock Meshtastic client.

Real processes: `meshbot sim serve` (the block scenario, in real time), the daemon as
`meshbot run --host`, and the `meshtastic` library's TCPInterface on DAVE's radio. Every
text crosses the simulated air both ways.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from hardware.link import node_id
from hardware.sim import load_scenario
from tests.test_sim_tcp import Inbox, Process, connect, free_ports, inbox  # noqa: F401 (the fixture)

pytestmark = pytest.mark.slow  # real time on a simulated radio: a few minutes
POSTS = 12
ITEMS = ["wool blankets", "canned beans, tomato and lentil", "a folding chair", "size 9 rain boots",
         "baby formula, two tins, unopened", "torch with spare batteries", "drinking water 5 gal",
         "firewood, one bag", "tarp 3x4 m with ropes", "rice cooker that still works fine", "candles",
         "a bicycle pump and patches"]


def test_my_twelve_posts_are_all_reachable_from_the_stock_client(tmp_path: Path, inbox: Inbox) -> None:
    scenario = load_scenario("block")
    residents = list(scenario.residents)
    dave = next(i for i, n in enumerate(residents) if n.short_name == "DAVE")
    bot_port = free_ports(len(residents) + 1)
    port_base = bot_port + 1
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESHBOT_")}
    sim = Process("sim", "serve", "--scenario", "block", "--bot-port", str(bot_port),
                  "--port-base", str(port_base), "--seed", "4", env=env)
    daemon = None
    iface = None
    pages: list[str] = []
    posted: list[str] = []
    try:
        sim.wait_for_line("ready:")
        daemon_env = dict(env, MESHBOT_DB=str(tmp_path / "meshbot.db"), MESHBOT_RATE_LIMIT_PER_MINUTE="60")
        daemon = Process("run", "--host", f"127.0.0.1:{bot_port}", env=daemon_env)
        sim.wait_for_line(f"{node_id(scenario.base)}: a client finished its config download")
        iface = connect(f"127.0.0.1:{port_base + dave}")
        inbox.interface = iface

        def ask(text: str) -> str:
            iface.sendText(text, destinationId=scenario.base, wantAck=True)  # type: ignore[union-attr]
            return str(inbox.next(inbox.texts, timeout=120, **{"from": scenario.base})["decoded"]["text"])

        for item in ITEMS:
            reply = ask(f"OFFER {item}")
            assert len(reply.encode("utf-8")) <= 50 and reply.endswith("undoes"), reply
            posted.append(reply.split()[0])
        pages.append(ask("MY"))
        while "(MORE)" in pages[-1]:
            pages.append(ask("MORE"))
        pages.append(ask("MORE"))
    finally:
        if iface is not None:
            iface.close()
        daemon_rc = daemon.stop() if daemon is not None else 0
        sim.stop()
    assert daemon_rc == 0, "\n".join(daemon.lines[-30:]) if daemon else ""
    assert pages[0].startswith(f"Yours ({POSTS}): ") and len(pages) >= 3
    assert pages[-1] == "End of list. LIST, FIND or MY starts a new one."
    seen = [ref for page in pages for ref in re.findall(r"(?:: |; )(o\d+) ", page)]
    assert sorted(seen) == sorted(posted) and len(set(posted)) == POSTS
    assert all(len(page.encode("utf-8")) <= 200 for page in pages)
