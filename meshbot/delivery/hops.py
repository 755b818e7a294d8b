"""How far a text may travel: the hop limit the sender gives each packet it hands the radio.

Apart from the sender because it is a rule about the mesh, not about the outbox's order.
"""

from __future__ import annotations

from hardware.link import BROADCAST_NUM, NodeInfo
from meshbot.delivery.outbox import Priority
from store import OutboxItem

SPARE_HOPS = 1
"""Relays a direct message may take beyond the ones its resident is known to be away."""


def hop_limit_for(item: OutboxItem, info: NodeInfo | None, radio_limit: int, alert_hop_limit: int) -> int | None:
    """Relays a text may take. An alert broadcast goes with `alert_hop_limit` (0: the
    radio's own), so it can reach radios beyond the mesh's usual limit. A direct message
    goes as far as the links to its resident and one spare (one more with each resend),
    so the flood stops where the resident is instead of crossing the whole mesh, whose
    channel the ACKs need. None: the radio's own limit, for other broadcasts and for
    residents the radio has no distance for (`info`)."""
    if item.destination == BROADCAST_NUM:
        if item.priority == Priority.ALERT and alert_hop_limit:
            return alert_hop_limit
        return None
    if info is None or info.hops_away is None:
        return None
    return min(radio_limit, info.hops_away + SPARE_HOPS + max(item.attempts - 1, 0))
