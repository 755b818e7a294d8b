"""The digest's, report's and map's figures as flat tables, for spreadsheets (CSV) or JSON.

One table per kind of figure, one row per thing counted, plain column names; times are
ISO 8601 in the neighbourhood's zone and waits are in hours, so a spreadsheet can sort
and chart them without parsing.
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from meshbot.papers.digest import Digest, Totals, Waiting
from meshbot.papers.needs_map import NeedsMap
from meshbot.papers.periods import local, zone_of
from meshbot.papers.reports import Report
from store.files import owner_only

Table = list[dict[str, Any]]


def _iso(ts: float | None, tz_name: str) -> str | None:
    return None if ts is None else local(ts, zone_of(tz_name)).isoformat(timespec="seconds")


def _row(value: Any, **extra: Any) -> dict[str, Any]:
    """A dataclass as a row, its seconds (`*_s`) left out: the hours given in `extra` replace them."""
    return {**{k: v for k, v in asdict(value).items() if not k.endswith("_s")}, **extra}


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def _waiting(items: tuple[Waiting, ...], tz_name: str) -> Table:
    return [
        {"id": w.ref, "item": w.item, "category": w.category, "zone": w.zone, "urgency": w.urgency,
         "community": w.community, "posted": _iso(w.posted, tz_name), "waiting_hours": _hours(w.waited_s)}
        for w in items
    ]


def _totals(now: Totals, before: Totals) -> Table:
    rows = []
    for f in fields(Totals):
        a, b = getattr(now, f.name), getattr(before, f.name)
        if f.name == "median_time_to_match_s":
            rows.append({"figure": "median_time_to_match_hours", "this_period": _hours(a), "period_before": _hours(b)})
        elif f.name == "fill_rate":
            rows.append({"figure": "fill_rate", "this_period": None if a is None else round(a, 4),
                         "period_before": None if b is None else round(b, 4)})
        else:
            rows.append({"figure": f.name, "this_period": a, "period_before": b})
    return rows


def digest_tables(d: Digest, tz_name: str = "") -> dict[str, Table]:
    scope = {"community": d.community or "all", "from": _iso(d.window.start, tz_name),
             "to": _iso(min(d.now, d.window.end), tz_name)}
    return {
        "period": [scope],
        "totals": _totals(d.totals, d.previous),
        "unmet_needs": _waiting(d.unmet, tz_name),
        "unmet_by_category_zone": [
            _row(g, oldest_waiting_hours=_hours(g.oldest_waited_s)) for g in d.unmet_groups
        ],
        "untaken_offers": _waiting(d.untaken_offers, tz_name),
        "trends": [_row(t, needs_trend=t.needs_trend, offers_trend=t.offers_trend) for t in d.trends],
        "alerts": [_row(a, raised=_iso(a.raised, tz_name)) for a in d.alerts],
        "volunteers": [_row(v, overloaded=v.overloaded) for v in d.volunteers],
    }


def report_tables(r: Report, tz_name: str = "") -> dict[str, Table]:
    return {
        "resources_flowing": [_row(f) for f in r.flowing],
        "missing": [_row(s, oldest_waiting_hours=_hours(s.oldest_waited_s)) for s in r.missing],
        "services_scheduled": [_row(s, arranged=_iso(s.arranged, tz_name)) for s in r.services_scheduled],
        "services_needed": _waiting(r.services_needed, tz_name),
        "council_issues": [_row(n, created=_iso(n.created, tz_name)) for n in r.notes],
        "success_stories": [_row(s, completed=_iso(s.completed, tz_name)) for s in r.stories],
    }


def map_tables(m: NeedsMap) -> dict[str, Table]:
    rows = [
        {"community": r.community, "zone": r.zone if r.zone is not None else "(all)", "category": c,
         "offers": r.offers.get(c, 0), "needs": r.needs.get(c, 0), "balance": r.balance(c)}
        for r in m.rows for c in m.categories
        if r.offers.get(c) or r.needs.get(c)
    ]
    return {"needs_map": rows}


def write_csv(tables: dict[str, Table], out_dir: Path) -> list[Path]:
    """One CSV file per table (header row even when empty); returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in tables.items():
        path = out_dir / f"{name}.csv"
        with open(path, "w", newline="", encoding="utf-8", opener=owner_only) as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else [])
            writer.writeheader()
            writer.writerows(rows)
        written.append(path)
    return written


def to_json(tables: dict[str, Table]) -> str:
    return json.dumps(tables, ensure_ascii=False, indent=2)
