"""Effective dates in the reference evaluator: an item is in force on the days of its
`Validity` (compiler.model.versions), read in the operator's time zone.

The compiled runtime cuts time at UTC instants (`runtime.versions.Periods`); the evaluator
asks, per event, for the local day of the event and whether each item covers it. The two
must agree: tests/versions compares them on the instants around every change.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def local_day(at: datetime, tz: str) -> date:
    """The day `at` falls on in the operator's time zone."""
    return at.astimezone(ZoneInfo(tz)).date()


def in_force(item, at: datetime | None, tz: str) -> bool:
    """Whether a price list or pass is in force at `at` (undated: always; `at` None: only
    undated items, for questions asked without a time)."""
    v = item.validity
    if v is None:
        return True
    return at is not None and v.covers(local_day(at, tz))


def version(item) -> str | None:
    """The key an active pass keeps of the version it was bought under: its first day."""
    v = item.validity
    return None if v is None or v.start is None else v.start.isoformat()


def sold(items, name: str) -> tuple[str, ...]:
    """When the pass `name` is on sale, one text per version (`from 2027-01-01`...)."""
    return tuple((p.validity.text if p.validity else "always") for p in items if p.name == name)


__all__ = ["in_force", "local_day", "version", "sold"]
