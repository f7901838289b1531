"""Golden vector cases of time bands (compiler.model.timebands): kind `time_bands`.

For every band rule with hours, a call starting the second before and at each of its edges
(61 s, so that `crossing split` cuts it), on the first day of 2027 the rule covers that is
not a holiday; a call at noon on each listed holiday and the day before; and calls across
both DST nights of 2026 in the operator's zone, every half hour from local midnight, each
crossing the changed hour. A spec without bands has no such vector.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from compiler.model import Tariff
from compiler.model.timebands import WEEKDAYS
from compiler.vector_cases import FAR_PARTY, Facts
from compiler.vectors import Vector

SECOND = timedelta(seconds=1)


def _where(t: Tariff, f: Facts) -> dict:
    """Where banded prices apply: at home if a home list is banded, else the first zone."""
    banded = [pl for pl in t.price_lists if pl.band is not None]
    if any(pl.kind == "home" for pl in banded):
        return {}
    pl = banded[0]
    if pl.kind == "network":
        return f.place_of_network(pl.network)
    return f.place_of_zone(pl.rates[0].zone)


def _first_day(tb, days) -> date | None:
    for k in range(14):
        d = date(2027, 1, 4) + timedelta(days=k)
        if WEEKDAYS[d.weekday()] in days and d not in tb.holidays:
            return d
    return None


def dst_days(tz, year: int = 2026) -> list[date]:
    """The days of `year` on which the zone's UTC offset changes."""
    out, d = [], date(year, 1, 1)
    prev = datetime(d.year, d.month, d.day, 12, tzinfo=tz).utcoffset()
    while d.year == year:
        d += timedelta(days=1)
        off = datetime(d.year, d.month, d.day, 12, tzinfo=tz).utcoffset()
        if off != prev:
            out.append(d)
        prev = off
    return out


def time_bands(t: Tariff, f: Facts) -> list[Vector]:
    """The vectors of kind `time_bands` (none for a spec without bands)."""
    if not t.time_bands or not any(pl.band for pl in t.price_lists):
        return []
    tb = t.time_bands[0]
    where = _where(t, f).items()
    out = []
    for rule in tb.rules:
        day = None if rule.start is None else _first_day(tb, rule.days)
        if day is None:
            continue
        edges = [rule.start, rule.end]
        v = Vector(t, f"band {rule.band} edges", f"calls the second before and at the edges "
                   f"of band {rule.band} on {day.isoformat()}", f.when(day.year, day.month, day.day))
        me = v.sub(f.msisdn(), "prepaid", balance="100000.00")
        for h, m in sorted(edges):
            edge = f.when(day.year, day.month, day.day, h, m)
            v.usage(me, "sms", 1, where, FAR_PARTY, when=edge - timedelta(seconds=120))
            for when in (edge - SECOND, edge):
                v.usage(me, "outgoing call", 61, where, FAR_PARTY, when=when)
            v.usage(me, "sms", 1, where, FAR_PARTY, when=edge + timedelta(seconds=120))
        out.append(v)
    if tb.holidays:
        v = Vector(t, "holidays", "a call at noon on each holiday and on the day before",
                   f.when(2026, 1, 1))
        me = v.sub(f.msisdn(), "prepaid", balance="100000.00")
        for d in tb.holidays:
            for day in (d - timedelta(days=1), d):
                v.usage(me, "outgoing call", 61, where, FAR_PARTY,
                        when=f.when(day.year, day.month, day.day, 12))
        out.append(v)
    for day in dst_days(f.tz):
        v = Vector(t, f"DST night {day.isoformat()}", f"calls across the changed hour of "
                   f"{day.isoformat()} in {t.operator.timezone}, every half hour", f.when(
                       day.year, day.month, day.day))
        me = v.sub(f.msisdn(), "prepaid", balance="100000.00")
        start = datetime(day.year, day.month, day.day, tzinfo=f.tz).astimezone(timezone.utc)
        for k in range(10):
            v.usage(me, "outgoing call", 3700, where, FAR_PARTY,
                    when=(start + timedelta(minutes=30 * k)).astimezone(f.tz))
        out.append(v)
    return out
