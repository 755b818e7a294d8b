"""A node's own device metrics, reported to its client the way the firmware does.

Covers: `DeviceTelemetryModule` of firmware 2.6/2.7, phone side. Every minute
(`sendToPhoneIntervalMs`) the node hands its client a TELEMETRY_APP packet from its own
node number, to broadcast, whose `Telemetry.device_metrics` carries

* channel_utilization: % of the last minute the channel was busy as this node hears it
  (receiving anything, or transmitting: `AirTime::channelUtilizationPercent`);
* air_util_tx: % of the last hour this node transmitted (`utilizationTXPercent`);
* uptime_seconds, and battery_level 101 (powered: the firmware's MAGIC_USB_BATTERY_LEVEL).

The `meshtastic` library files that under `nodesByNum[from]["deviceMetrics"]`
(`channelUtilization`, `airUtilTx`, ...): what a client reads to see how busy its mesh is.
The same figures go into our own entry of the node database sent at config download.
Nothing goes on air: broadcasting device telemetry to the mesh is left out (it is rare,
half-hourly, and would only add noise to the simulator's airtime figures).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import google.protobuf.json_format
import simpy
from meshtastic.protobuf import portnums_pb2, telemetry_pb2

from hardware.link import BROADCAST_NUM
from hardware.sim.packet import Priority, SimPacket
from hardware.sim.radio import Radio

TELEMETRY_PORT = portnums_pb2.PortNum.TELEMETRY_APP
REPORT_INTERVAL_S = 60.0
"""DeviceTelemetryModule::sendToPhoneIntervalMs: device metrics to the phone every minute."""
POWERED_BATTERY_LEVEL = 101


def device_metrics(radio: Radio, now: float) -> telemetry_pb2.DeviceMetrics:
    """The radio's figures at simulation time `now` (uptime counts from time 0)."""
    return telemetry_pb2.DeviceMetrics(
        battery_level=POWERED_BATTERY_LEVEL,
        channel_utilization=radio.util.percent(now),
        air_util_tx=radio.tx_util.percent(now),
        uptime_seconds=int(now),
    )


def metrics_dict(metrics: telemetry_pb2.DeviceMetrics) -> dict[str, Any]:
    """As the library keeps them in `nodesByNum[num]["deviceMetrics"]` (camelCase keys)."""
    return google.protobuf.json_format.MessageToDict(metrics)


def telemetry_packet(
    node_num: int, packet_id: int, metrics: telemetry_pb2.DeviceMetrics, epoch: int
) -> SimPacket:
    """The TELEMETRY_APP packet a node hands its own client (never transmitted)."""
    payload = telemetry_pb2.Telemetry(time=epoch, device_metrics=metrics).SerializeToString()
    return SimPacket(
        sender=node_num,
        to=BROADCAST_NUM,
        id=packet_id,
        text="",
        hop_limit=0,
        hop_start=0,
        portnum=TELEMETRY_PORT,
        data=payload,
        priority=Priority.BACKGROUND,
    )


class MetricsReporter:
    """One node's device-metrics reports to its client.

    `deliver(packet)` gives a packet to the client; `has_client()` says whether anyone
    listens (with nobody there a report is skipped, as the firmware only reports while
    its to-phone queue is empty). Ids come from their own seeded stream, so reporting
    does not reshuffle the ids of the mesh's packets.
    """

    def __init__(
        self,
        env: simpy.Environment,
        node_num: int,
        radio: Radio,
        *,
        epoch: float,
        deliver: Callable[[SimPacket], None],
        has_client: Callable[[], bool],
        seed: object = 0,
    ) -> None:
        self.env = env
        self.node_num = node_num
        self.radio = radio
        self.epoch = epoch
        self.deliver = deliver
        self.has_client = has_client
        self.reports = 0
        self._rng = random.Random(f"{seed}:telemetry:{node_num}")

    def current(self) -> telemetry_pb2.DeviceMetrics:
        return device_metrics(self.radio, self.env.now)

    def report(self) -> None:
        """Hand the client one report now (nothing when no client listens)."""
        if not self.has_client():
            return
        packet_id = self._rng.getrandbits(32) or 1
        self.reports += 1
        self.deliver(telemetry_packet(self.node_num, packet_id, self.current(), int(self.epoch + self.env.now)))


class ReportClock:
    """The minute timer that makes every node of a mesh report, on one grid.

    The firmware's timer never stops; this one goes dormant when nothing else is
    scheduled, so that `env.run()` without `until` still ends once the mesh is quiet.
    `wake()` (the mesh calls it whenever a node sends or hears) starts it again, on the
    same grid (multiples of `interval_s` of mesh time).
    """

    def __init__(self, env: simpy.Environment, interval_s: float = REPORT_INTERVAL_S) -> None:
        self.env = env
        self.interval_s = interval_s
        self.reporters: list[MetricsReporter] = []
        self._armed = False

    def wake(self) -> None:
        """Make sure the next round of reports is scheduled."""
        if self._armed:
            return
        self._armed = True
        now = self.env.now
        due = (now // self.interval_s + 1) * self.interval_s
        self.env.timeout(due - now).callbacks.append(self._due)

    def _due(self, _event: simpy.Event) -> None:
        self._armed = False
        for reporter in self.reporters:
            reporter.report()
        if self.env.peek() != float("inf"):
            self.wake()
