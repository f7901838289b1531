"""Time bands in the reference evaluator, straight from the model (compiler.model.timebands).

The band of an instant is read from its local wall clock; a call's parts are found by
stepping over the whole minutes (UTC) it spans and noting where the band changes, which is
a different way of cutting from the compiled runtime's cached day edges
(`runtime.timebands.Bands`): tests/timebands compares the two.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from compiler.model.timebands import WEEKDAYS

CALLS = ("outgoing call", "callback call", "video call", "incoming call")


def _minute(t) -> int:
    return t[0] * 60 + t[1]


def band_at(tb, at: datetime, tz: str) -> str:
    """The band of the instant `at`: the first rule whose day and time it matches."""
    local = at.astimezone(ZoneInfo(tz))
    weekday = WEEKDAYS[local.weekday()]
    m = local.hour * 60 + local.minute
    for rule in tb.rules:
        day_ok = weekday in rule.days or ("holidays" in rule.days and local.date() in tb.holidays)
        if not day_ok:
            continue
        if rule.start is None:
            return rule.band
        s, e = _minute(rule.start), _minute(rule.end)
        if (s < e and s <= m < e) or (s > e and (m >= s or m < e)):
            return rule.band
    return tb.otherwise


def parts(tb, at: datetime, seconds: int, tz: str) -> list[tuple[str, int]]:
    """The call from `at` for `seconds`, as (band, seconds) parts, in order."""
    end = at + timedelta(seconds=seconds)
    utc = at.astimezone(timezone.utc)
    boundary = utc.replace(second=0, microsecond=0) + timedelta(minutes=1)
    out: list[list] = [[band_at(tb, at, tz), 0]]
    cur = utc
    while boundary < end:
        band = band_at(tb, boundary, tz)
        if band != out[-1][0]:
            out[-1][1] += int((boundary - cur).total_seconds())
            out.append([band, 0])
            cur = boundary
        boundary += timedelta(minutes=1)
    out[-1][1] += seconds - sum(s for _, s in out)
    return [(b, s) for b, s in out]


def split(rating, world, sub, ev, place, party, party_net, explain: bool):
    """`crossing split`: a call across band edges charged part by part (None: rated whole)."""
    from compiler.evaluate.rating import Used
    t = rating.tariff
    tb = t.time_bands[0] if t.time_bands else None
    if tb is None or tb.crossing != "split" or ev.service not in CALLS or ev.amount <= 0 \
            or sub.passes:
        return None
    cut = parts(tb, ev.at, ev.amount, t.operator.timezone)
    if len(cut) < 2:
        return None
    rates = []
    for band, _ in cut:
        rating.band = band
        try:
            if place.zone is None:
                home = rating.price_list("home", at=ev.at)
                rate = None if home is None else rating.list_rate(home, ev.service, None, party,
                                                                  party_net, ev.at)
            else:
                rate = rating.roaming_rate(place, ev.service, party, party_net, ev.at)
        finally:
            rating.band = None
        if rate is None or rate.price is None:
            return None
        rates.append(rate)
    first = rates[0]
    billed = first.billed(ev.amount)
    seconds = [s for _, s in cut]
    seconds[-1] += billed - ev.amount
    amount = first.flat + sum(r.price * s / r.per for r, s in zip(rates, seconds))
    text = ""
    if explain:  # the words of runtime.timebands' arithmetic, built part by part
        pieces = []
        for k, r in enumerate(rates):
            pieces.append(f"{seconds[k]} s x {r.price} {rating.currency}/{r.per_label} "
                          f"({cut[k][0]})")
        if first.flat:
            pieces[-1] += f" + {first.flat} {rating.currency} per event"
        text = f"{ev.amount} s at {first.notation} = {billed} s, split at band edges: " \
            + " + ".join(pieces)
    used = Used(sub.passes, amount, f"{first.rule}, split at band edges", first.source,
                {"bands": " + ".join(f"{s} s {b}" for (b, _), s in zip(cut, seconds))}, text)
    return rating.charge(world, sub, ev, place, first, used, explain)


__all__ = ["band_at", "parts", "split"]
