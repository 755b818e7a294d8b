"""What a `meshbot doctor` check says: a status and words an operator can act on.

Apart from the checks so each group of checks (radio, station, board) builds on it
without importing the others.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass


class Status(enum.StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"


@dataclass(frozen=True)
class Finding:
    """One check's verdict, in words an operator can act on."""

    check: str
    status: Status
    message: str
    fix: str = ""

    def line(self) -> str:
        fix = f" Fix: {self.fix}" if self.fix and self.status in (Status.WARN, Status.FAIL) else ""
        return f"{self.status.value.upper():<4}  {self.check:<9} {self.message}{fix}"


def blocking(findings: list[Finding]) -> list[Finding]:
    """The findings that stop meshbot from running properly."""
    return [f for f in findings if f.status is Status.FAIL]


def as_dict(finding: Finding) -> dict[str, str]:
    data = asdict(finding)
    data["status"] = finding.status.value
    return data
