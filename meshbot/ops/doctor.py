"""`meshbot doctor`: check what a base station needs, and say how to fix each problem.

Each check gives one `Finding`: ok, warn (works, but something is wrong or unsafe),
fail (meshbot cannot do its job: the command exits non-zero) or skip (could not be
checked because an earlier check failed). This module runs them in the order an
operator fixes things; the checks are in `doctor_radio`, `doctor_station` and
`doctor_board`, the verdict's shape in `findings`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from meshbot.ops.doctor_board import check_schema
from meshbot.ops.doctor_files import check_modes
from meshbot.ops.doctor_radio import (
    DEFAULT_RADIO_TIMEOUT_S, RadioFacts, check_channel, check_clock, check_firmware, check_preset, check_region,
    connect_radio,
)
from meshbot.ops.doctor_station import check_database, check_disk, check_held, check_key
from meshbot.ops.findings import Finding, Status
from meshbot.settings import Settings


def run_checks(
    settings: Settings,
    *,
    environ: Mapping[str, str],
    clock: Callable[[], float],
    radio_timeout_s: float = DEFAULT_RADIO_TIMEOUT_S,
    skip_radio: bool = False,
) -> list[Finding]:
    """Every check, in the order an operator fixes things."""
    findings: list[Finding] = []
    facts: RadioFacts | None = None
    radio_checks = ("firmware", "region", "preset", "channel")
    if skip_radio:
        findings += [Finding(name, Status.SKIP, "radio not checked (--no-radio)") for name in ("radio", *radio_checks)]
    else:
        reach, facts = connect_radio(settings, radio_timeout_s)
        findings.append(reach)
        if facts is None:
            findings += [Finding(name, Status.SKIP, "radio not reachable") for name in radio_checks]
        else:
            findings.append(check_firmware(facts.firmware, settings.min_gap_s))
            findings.append(check_region(facts, settings.region))
            findings.append(check_preset(facts, settings.modem_preset))
            findings += check_channel(facts, settings.channel_index, settings.private_channel)
    findings.append(check_clock(clock(), facts.newest_heard if facts else None))
    findings += check_database(settings.db)
    findings.append(check_schema(settings.db))
    findings.append(check_disk(settings.db, settings.min_free_disk_mb))
    findings.append(check_held(settings.db, environ, clock()))
    findings.append(check_key(settings, environ))
    findings.append(check_modes(settings))
    return findings
