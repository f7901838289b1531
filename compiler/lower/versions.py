"""Effective dates -> the `valid` entry of a dated price list or pass (runtime.versions).

An undated item has no `valid` key, so the tables (and the generated module) of a spec
without dates are exactly what they were before effective dates existed. A dated one has
`"valid": (start, end, source)`: ISO dates (`"2027-01-01"`, None when open), days of the
operator's time zone, both included.
"""

from __future__ import annotations

from compiler.lower import cite


def valid(item) -> dict:
    """`{}` for an undated item, else `{"valid": (start, end, source)}`."""
    v = getattr(item, "validity", None)
    if v is None:
        return {}
    return {"valid": (None if v.start is None else v.start.isoformat(),
                      None if v.end is None else v.end.isoformat(), cite(v.span))}

