"""Time bands -> the `time_bands` entry of the rating table (runtime.timebands), and the
`band` of a banded price list. A spec without bands gets neither key, so its tables (and
generated module) are what they were before time bands existed.

    "time_bands": {"rules": ((band, days, start, end, source), ...), "otherwise": band,
                   "holidays": ("2027-01-01", ...), "crossing": "start" | "split",
                   "source": ...}

`days` are "mon".."sun" and "holidays"; `start`/`end` are minutes after local midnight
(None: the whole day).
"""

from __future__ import annotations

from compiler.lower import cite


def _minutes(t) -> int | None:
    return None if t is None else t[0] * 60 + t[1]


def band(pl) -> dict:
    """`{}` for a price list of every band, else `{"band": name}`."""
    return {} if getattr(pl, "band", None) is None else {"band": pl.band}


def table(tariff) -> dict:
    """`{}` without bands, else `{"time_bands": {...}}` for the rating table."""
    if not tariff.time_bands:
        return {}
    tb = tariff.time_bands[0]
    return {"time_bands": {
        "rules": tuple((r.band, r.days, _minutes(r.start), _minutes(r.end), cite(r.span))
                       for r in tb.rules),
        "otherwise": tb.otherwise,
        "holidays": tuple(d.isoformat() for d in tb.holidays),
        "crossing": tb.crossing,
        "source": cite(tb.span),
    }}
