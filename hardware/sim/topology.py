"""Who hears whom in a simulated mesh: neighbours, link distances, flood reach, node databases.

Read from the channel's path loss with the channel otherwise quiet, so these are the
mesh's shape, not what one run delivered (that is `hardware.sim.stats`). `SimMesh` takes
these methods from `Topology`, so `mesh.reachable(n)` reads as before.
"""

from __future__ import annotations

import collections

from hardware.link import NodeInfo
from hardware.sim.channel import Channel
from hardware.sim.node import SimNode


class Topology:
    """The mesh's shape, from the attributes `SimMesh.__init__` sets."""

    channel: Channel
    nodes: dict[int, SimNode]
    hop_limit: int
    _reach_cache: dict[tuple[int, int], set[int]]

    def neighbours(self, num: int) -> set[int]:
        """Nodes that decode `num` directly when the channel is otherwise quiet."""
        return set(self.channel.neighbours(num))

    def link_distances(self, num: int) -> dict[int, int]:
        """Radio links on the shortest path from `num` to every node it connects to."""
        dist = {num: 0}
        todo = collections.deque([num])
        while todo:
            here = todo.popleft()
            for nxt in self.channel.neighbours(here):
                if nxt not in dist:
                    dist[nxt] = dist[here] + 1
                    todo.append(nxt)
        return dist

    def link_distance(self, a: int, b: int) -> int | None:
        """Radio links between a and b (1 = direct neighbours), None when unconnected."""
        return self.link_distances(a).get(b)

    def reachable(self, num: int, hop_limit: int | None = None) -> set[int]:
        """Nodes a flood from `num` reaches when nothing is lost: at most hop_limit + 1 links away.

        Meshtastic counts relays: a direct neighbour hears the packet with hopsAway 0, and
        with hop limit 3 a node 4 links away still hears the third relay.
        """
        limit = self.hop_limit if hop_limit is None else hop_limit
        cached = self._reach_cache.get((num, limit))
        if cached is None:
            cached = {n for n, d in self.link_distances(num).items() if 1 <= d <= limit + 1}
            self._reach_cache[(num, limit)] = cached
        return set(cached)

    def node_db(self, num: int) -> dict[int, NodeInfo]:
        """What node `num`'s database holds: itself and every node a flood from it reaches."""
        mine = self.nodes[num]
        hops = self.link_distances(num)
        out: dict[int, NodeInfo] = {}
        for other_num, other in self.nodes.items():
            links = hops.get(other_num)
            if other_num != num and (links is None or links > self.hop_limit + 1):
                continue
            out[other_num] = NodeInfo(
                num=other_num,
                short_name=other.short_name,
                long_name=other.long_name,
                snr=mine.snr.get(other_num),
                last_heard=mine.last_heard.get(other_num),
                hops_away=None if other_num == num or links is None else links - 1,
                device_metrics=mine.device_metrics() if other_num == num else None,
            )
        return out
