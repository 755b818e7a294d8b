"""How long the radio may take to judge a direct message, and how fast the bot may send.

The radio's firmware retransmits a `want_ack` packet itself and then tells its client
the verdict (ACK, an implicit ACK, or a NAK such as `MAX_RETRANSMIT`). meshbot must not
retry on top of that, or its own copies take the channel the ACKs need. So:

* `verdict_wait_s`: the longest the radio can be busy with one packet. The firmware
  (`NextHopRouter::NUM_RELIABLE_RETX` = 3 tries, `RadioInterface::getRetransmissionMsec`
  between them) gives its NAK after three retransmission timeouts, each pushed back by
  the air time of every packet it hears meanwhile (`ReliableRouter::shouldFilterReceived`);
  the packets queued ahead of ours delay the first try, and the destination's ACK
  crosses every hop back.
  Only when nothing at all came by then is a packet taken as lost.
* `ack_on_air_s`: when our radio's own ACK of a DM it just received has been on air: its
  contention wait (`getTxDelayMsec`, the widest window the utilisation allows) and the
  ACK's time on air. From then the resident's radio has its ACK and will not send the
  command again, so an answer no longer meets it.
* `Pace`: the gap between two texts, AIMD on the sending rate. A NAK or a timeout
  doubles the gap (halves the rate, up to a ceiling); a verdict that came back within
  the firmware's first try adds a step to the rate, back down to the pacing floor.
  While the radio reports the channel busier than a threshold, the gap stretches in
  proportion.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hardware.airtime import Preset, get_preset, text_packet_bytes, time_on_air
from hardware.contention import CW_MAX, CW_MIN, cw_for_utilisation, retransmission_timeout, slot_time

FIRMWARE_TRIES = 3
"""The first send and two retransmissions (`NUM_RELIABLE_RETX`), then the NAK."""
ACK_PHY_BYTES = 27
"""A routing ACK on air: the 16-byte header and its Data (portnum, Routing{error_reason},
request_id): 11 bytes, as the meshtastic protobufs encode it."""
RELAY_WAIT_SLOTS = 2 * CW_MAX + 2 ** ((CW_MIN + CW_MAX) // 2)
"""A client's rebroadcast wait at a middling SNR (`getTxDelayMsecWeighted`), in slots."""
MIN_HEARD_PCT = 50.0
MAX_HEARD_PCT = 80.0
"""The share of the time the radio is taken to spend hearing others, between these:
a missing or stale figure errs towards waiting for the radio's own verdict."""
PATIENT_UTILISATION = 100.0
"""The channel utilisation assumed when the radio has not reported one: the widest
contention window, so a missing figure errs towards waiting, never towards resending."""


def _phy_bytes(text: str, direct: bool) -> int:
    return text_packet_bytes(len(text.encode("utf-8")), pki=direct)


def first_try_s(text: str, preset: str, utilisation: float | None, direct: bool = True) -> float:
    """The firmware's wait for an ACK before its first retransmission of this text."""
    util = PATIENT_UTILISATION if utilisation is None else utilisation
    return retransmission_timeout(get_preset(preset), _phy_bytes(text, direct), util)


def ack_on_air_s(preset: str, utilisation: float | None) -> float:
    """Seconds after a DM reached our radio by which the radio's ACK of it has been sent.

    The ACK waits at most `2**CW` contention slots (CW from the channel utilisation; the
    widest when unknown) and then takes its own time on air."""
    p = get_preset(preset)
    util = PATIENT_UTILISATION if utilisation is None else utilisation
    return 2 ** cw_for_utilisation(util) * slot_time(p) + time_on_air(ACK_PHY_BYTES, p)


def verdict_wait_s(
    text: str, preset: str, utilisation: float | None, hops: int, ahead_s: float = 0.0
) -> float:
    """Seconds after handing a DM to the radio by which its verdict must have come.

    `ahead_s`: time on air the radio still owes the packets queued before ours (their
    own retransmissions included). `hops`: links to the destination (the hop limit when
    unknown): the text goes out over each and the ACK comes back over each, each relay
    waiting its contention slots first.
    """
    p = get_preset(preset)
    radio = FIRMWARE_TRIES * first_try_s(text, preset, utilisation) * _stretch(utilisation)
    return ahead_s + radio + max(hops, 1) * _per_hop_s(text, p)


def relayed_wait_s(text: str, preset: str, utilisation: float | None, hops: int) -> float:
    """Seconds after a relay's implicit ack by which the destination's own ACK must come.

    The radio is done with it; what remains is the text's way on over the other hops and
    the ACK's way back, and the tries a relay on a learned route makes itself (firmware's
    NUM_INTERMEDIATE_RETX, one retransmission timeout each).
    """
    p = get_preset(preset)
    onward = max(hops, 1) * _per_hop_s(text, p) + (max(hops, 1) - 1) * 2 * first_try_s(text, preset, utilisation)
    return onward * _stretch(utilisation)


def _per_hop_s(text: str, p: Preset) -> float:
    """The text out and its ACK back over one link, each after a relay's contention wait."""
    return time_on_air(_phy_bytes(text, True), p) + time_on_air(ACK_PHY_BYTES, p) + 2 * RELAY_WAIT_SLOTS * slot_time(p)


def _stretch(utilisation: float | None) -> float:
    """How much longer firmware's timers run on a busy channel.

    Firmware pushes a pending packet's timer back by the air time of every packet it
    hears (it cannot hear an ACK meanwhile), so on a channel busy a share u of the time
    its tries take 1 / (1 - u) as long. The reported figure is a minute's average and a
    burst starts before it shows, so u is taken as at least a half.
    """
    heard = max(utilisation or 0.0, MIN_HEARD_PCT)
    return 1.0 / (1.0 - min(heard, MAX_HEARD_PCT) / 100.0)


def radio_owes_s(text: str, preset: str) -> float:
    """Air time a DM still in flight may take: all the firmware's tries of it."""
    return FIRMWARE_TRIES * time_on_air(_phy_bytes(text, True), get_preset(preset))


@dataclass
class Pace:
    """The gap between two texts: AIMD, stretched while the channel is busy."""

    floor_s: float
    ceiling_s: float = 60.0
    rate_step: float = 0.05
    """Texts per second the rate grows by with each quick verdict."""
    busy_pct: float = 25.0
    gap_s: float = field(init=False)
    _widened_at: float = field(init=False, default=float("-inf"))

    def __post_init__(self) -> None:
        self.gap_s = self.floor_s

    def widen(self, sent_at: float, now: float) -> None:
        """A NAK or a verdict that never came for a text sent at `sent_at`: the channel is
        losing packets. Only a text sent since the last widening counts, so a burst of
        failures of texts that were already out doubles the gap once, not once each."""
        if sent_at < self._widened_at:
            return
        self._widened_at = now
        self.gap_s = min(self.ceiling_s, max(self.gap_s, self.floor_s) * 2.0)

    def narrow(self) -> None:
        """A verdict within the firmware's first try: the channel carries us. The sending
        rate (1 / gap) grows by a fixed step, so a gap at the ceiling is back near the
        floor after a handful of quick verdicts, while a doubling halves the rate at once."""
        self.gap_s = max(self.floor_s, 1.0 / (1.0 / self.gap_s + self.rate_step))

    def busy(self, utilisation: float | None) -> bool:
        """The radio says the channel is busier than the threshold (unknown is not busy)."""
        return utilisation is not None and utilisation > self.busy_pct

    def gap_for(self, utilisation: float | None) -> float:
        """Seconds between two ordinary texts now; alerts keep only the floor."""
        if not self.busy(utilisation):
            return self.gap_s
        return min(self.ceiling_s, max(self.gap_s * utilisation / self.busy_pct, self.floor_s * 2))  # type: ignore[operator]

