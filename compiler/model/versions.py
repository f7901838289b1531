"""Effective dates: when an item of a spec is in force (`valid from 2027-01-01`, `until ...`).

A `Validity` is a range of days in the operator's time zone, both ends included; an open
end is None. A day starts at local midnight: `valid from 2027-01-01` in Europe/Belgrade is
in force from 2027-01-01 00:00 CET (2026-12-31 23:00 UTC), `until 2027-06-30` up to
2027-06-30 24:00 local time. Two items of the same kind and name are versions of one
item; their validities must not overlap (an undated item is in force on every day).
"""

from __future__ import annotations

from datetime import date

import attrs

from dsl.ast import Span


@attrs.frozen(slots=True)
class Validity:
    """In force from `start` to `end` (days, both included; None: open)."""

    start: date | None
    end: date | None
    span: Span

    def covers(self, day: date) -> bool:
        """Whether the item is in force on `day` (a date in the operator's time zone)."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    @property
    def text(self) -> str:
        """`from 2027-01-01`, `until 2027-06-30`, `from 2027-01-01 until 2027-06-30`."""
        parts = [f"from {self.start.isoformat()}"] if self.start else []
        if self.end:
            parts.append(f"until {self.end.isoformat()}")
        return " ".join(parts)


def overlap(a: Validity | None, b: Validity | None) -> bool:
    """Whether two validities (None: always) share a day."""
    a_start = a.start if a and a.start else date.min
    a_end = a.end if a and a.end else date.max
    b_start = b.start if b and b.start else date.min
    b_end = b.end if b and b.end else date.max
    return a_start <= b_end and b_start <= a_end


__all__ = ["Validity", "overlap"]
