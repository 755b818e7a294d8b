"""The shared LoRa channel: who hears a transmission, and whether they decode it.

Covers: propagation, kept out of senders and receivers like SimPy's `Cable`, and fan-out
to every receiver like its `BroadcastPipe`, plus what goes wrong on a real channel.

A transmission is an `Airing` from `start` (the sender keys up) to `end` (the last symbol
leaves). At `end`, each radio whose received power is at least the preset's sensitivity
decodes it unless one of these happened at that receiver:

* half-duplex: the receiver was itself transmitting at any moment of the airing;
* collision: another airing overlapped it in time and arrived less than `capture_db`
  (6 dB) weaker. A packet at least 6 dB stronger than everything overlapping it is
  captured and survives; when two are within 6 dB both are lost. Overlaps are judged
  pairwise, as Meshtasticator and LoRaSim do, and only interferers that could matter
  (down to sensitivity - capture_db) are tracked;
* loss: with probability `loss` (seeded), as if faded or hit by interference from outside
  the mesh. Tests of delivery under "20 % packet loss" set it.

Everything the radio heard, decoded or not, counts towards its channel utilisation.
Listen-before-talk asks `busy_for`: is any airing on air that this radio can detect
(at most `CAD_MARGIN_DB` below sensitivity, as the SX126x's channel-activity detection)
and that has been on air for at least one contention slot? A slot is by definition the
time a radio needs to notice someone else keyed up (8.5 symbols of activity detection
plus turnaround), so two radios whose timers fire within the same slot both transmit.
"""

from __future__ import annotations

import math
import random
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

import simpy

from hardware.airtime import MAX_LORA_PAYLOAD_LEN, Preset, time_on_air
from hardware.contention import slot_time
from hardware.sim.packet import SimPacket
from hardware.sim.propagation import Antenna, PathLoss, noise_floor_dbm, reported_snr, rx_power_dbm, sensitivity_dbm
from hardware.sim.usage import ChannelUtilisation

CAPTURE_DB = 6.0
CAD_MARGIN_DB = 3.0


class Transceiver(Protocol):
    """What the channel needs of a radio attached to it (`hardware.sim.radio.Radio` is one):
    where its antenna is, whether it listens, its busy-time ledger, and whom to tell
    what it decoded."""

    @property
    def num(self) -> int: ...

    @property
    def antenna(self) -> Antenna: ...

    @property
    def enabled(self) -> bool: ...

    @property
    def util(self) -> ChannelUtilisation: ...

    @property
    def hear(self) -> Callable[[Reception], None]: ...


@dataclass(frozen=True, slots=True)
class Airing:
    """One transmission on the channel."""

    sender: int
    packet: SimPacket
    start: float
    end: float


@dataclass(slots=True)
class Reception:
    """One airing as one receiver decoded it."""

    receiver: int
    airing: Airing
    snr_db: float
    rssi_dbm: int

    @property
    def packet(self) -> SimPacket:
        return self.airing.packet

    @property
    def time(self) -> float:
        return self.airing.end


@dataclass
class ChannelStats:
    """What happened to every (airing, receiver in range) pair."""

    airings: int = 0
    decoded: int = 0
    collided: int = 0
    """Lost to an overlapping airing less than capture_db weaker."""
    captured: int = 0
    """Decoded although something overlapped it (it was at least capture_db stronger)."""
    half_duplex: int = 0
    """Missed because the receiver was transmitting."""
    lost: int = 0
    """Dropped by the random loss rate."""
    off: int = 0
    """Missed because the receiver's radio was off."""


class Channel:
    """The medium every radio of a mesh shares."""

    def __init__(
        self,
        env: simpy.Environment,
        preset: Preset,
        model: PathLoss,
        *,
        capture_db: float = CAPTURE_DB,
        loss: float = 0.0,
        rng: random.Random | None = None,
        collisions: bool = True,
    ) -> None:
        if not 0.0 <= loss < 1.0:
            raise ValueError("loss is a probability in [0, 1)")
        self.env = env
        self.preset = preset
        self.model = model
        self.capture_db = capture_db
        self.collisions = collisions
        """False: an ideal channel where overlapping airings do not interfere (no collisions,
        no half-duplex misses), for tests of application logic that must not hinge on
        radio luck. Listen-before-talk, contention and loss still apply."""
        self.loss = loss
        self.rng = rng or random.Random(0)
        self.sensitivity_dbm = sensitivity_dbm(preset)
        self.noise_floor_dbm = noise_floor_dbm(preset.bandwidth_hz)
        self.cad_dbm = self.sensitivity_dbm - CAD_MARGIN_DB
        self._interference_dbm = self.sensitivity_dbm - capture_db
        self._max_airtime = time_on_air(MAX_LORA_PAYLOAD_LEN, preset)
        self._detect_s = slot_time(preset) - 1e-9
        self._radios: dict[int, Transceiver] = {}
        self._positions: dict[int, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self._hears: dict[int, tuple[tuple[Transceiver, float, float, int], ...]] = {}
        self._power: dict[int, dict[int, float]] = {}
        self.on_air: list[Airing] = []
        self._recent: deque[Airing] = deque()
        self.stats = ChannelStats()

    # -- topology -------------------------------------------------------------------

    def attach(self, radio: Transceiver, x: float, y: float) -> None:
        with self._lock:
            if radio.num in self._radios:
                raise ValueError(f"node {radio.num:#x} is already on the channel")
            self._radios[radio.num] = radio
            self._positions[radio.num] = (float(x), float(y))
            self._hears.clear()
            self._power.clear()

    def position(self, num: int) -> tuple[float, float]:
        return self._positions[num]

    def distance(self, a: int, b: int) -> float:
        (ax, ay), (bx, by) = self._positions[a], self._positions[b]
        return math.hypot(ax - bx, ay - by)

    def rx_power(self, sender: int, receiver: int) -> float:
        """Received power (dBm) at `receiver` of a transmission by `sender`."""
        return rx_power_dbm(
            self.model,
            self.distance(sender, receiver),
            self._radios[sender].antenna,
            self._radios[receiver].antenna,
        )

    def snr(self, sender: int, receiver: int) -> float:
        """SNR as `receiver` reports it for a packet from `sender`."""
        return reported_snr(self.rx_power(sender, receiver) - self.noise_floor_dbm)

    def _links(self, sender: int) -> tuple[tuple[Transceiver, float, float, int], ...]:
        """(radio, power, reported SNR, RSSI) of every radio that can decode `sender`."""
        hears = self._hears.get(sender)
        if hears is None:
            with self._lock:
                power: dict[int, float] = {}
                heard: list[tuple[Transceiver, float, float, int]] = []
                for num, radio in self._radios.items():
                    if num == sender:
                        continue
                    p = self.rx_power(sender, num)
                    if p >= self._interference_dbm:
                        power[num] = p
                    if p >= self.sensitivity_dbm:
                        heard.append((radio, p, reported_snr(p - self.noise_floor_dbm), round(p)))
                hears = tuple(heard)
                self._power[sender] = power
                self._hears[sender] = hears
        return hears

    def _power_from(self, sender: int) -> dict[int, float]:
        if sender not in self._power:
            self._links(sender)
        return self._power[sender]

    def neighbours(self, num: int) -> Iterator[int]:
        """Radios that decode `num` when nothing else is on air, in the order attached."""
        for link in self._links(num):
            yield link[0].num

    # -- the air --------------------------------------------------------------------

    def begin(self, sender: int, packet: SimPacket, duration_s: float) -> Airing:
        now = self.env.now
        airing = Airing(sender, packet, now, now + duration_s)
        self.on_air.append(airing)
        self.stats.airings += 1
        return airing

    def busy_for(self, num: int) -> bool:
        """Listen-before-talk: does `num` detect anyone else on air right now?"""
        seen_before = self.env.now - self._detect_s
        for airing in self.on_air:
            if airing.sender != num and airing.start <= seen_before:
                power = self._power_from(airing.sender).get(num)
                if power is not None and power >= self.cad_dbm:
                    return True
        return False

    def end(self, airing: Airing) -> None:
        """The airing is over: every radio in range decodes it or loses it."""
        self.on_air.remove(airing)
        now = self.env.now
        recent = self._recent
        horizon = now - self._max_airtime
        while recent and recent[0].end < horizon:
            recent.popleft()
        start = airing.start
        if self.collisions:
            overlapping = [q for q in self.on_air if q.start < now]
            overlapping.extend(q for q in recent if q.end > start)
        else:
            overlapping = []
        recent.append(airing)
        duration = airing.end - airing.start
        stats = self.stats
        loss = self.loss
        rng = self.rng
        links = self._links(airing.sender)
        if not overlapping:  # the common case: a clean channel
            for radio, _power, snr, rssi in links:
                if not radio.enabled:
                    stats.off += 1
                    continue
                radio.util.add(now, duration)
                if loss and rng.random() < loss:
                    stats.lost += 1
                    continue
                stats.decoded += 1
                radio.hear(Reception(radio.num, airing, snr, rssi))
            return
        interferers = [(q.sender, self._power_from(q.sender)) for q in overlapping]
        capture = self.capture_db
        for radio, power, snr, rssi in links:
            if not radio.enabled:
                stats.off += 1
                continue
            num = radio.num
            radio.util.add(now, duration)
            fate = 0  # 0 decoded, 1 collided, 2 half-duplex
            overlapped = False
            for sender, powers in interferers:
                if sender == num:
                    fate = 2
                    break
                other = powers.get(num)
                if other is not None:
                    overlapped = True
                    if power - other < capture:
                        fate = 1
            if fate == 2:
                stats.half_duplex += 1
                continue
            if fate == 1:
                stats.collided += 1
                continue
            if loss and rng.random() < loss:
                stats.lost += 1
                continue
            stats.decoded += 1
            if overlapped:
                stats.captured += 1
            radio.hear(Reception(num, airing, snr, rssi))
