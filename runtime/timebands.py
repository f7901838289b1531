"""Time bands at run time: the band of an instant, and calls cut at band edges.

The `time_bands` entry of the rating table (`compiler.lower.timebands`) lists rules `(band,
days, start, end, source)`: days "mon".."sun" or "holidays" (the spec's dates), a wall-clock
range in minutes after local midnight (None: all day; `end <= start` runs past midnight,
covering the day's early hours and its evening). The first rule matching the instant's local
day and time gives the band, else `otherwise`. Everything is read on the local wall clock of
the operator's zone (zoneinfo), so bands follow DST; a call's length is elapsed seconds.

A banded price list (`"band": "peak"`) prices only in its band. `BandedRating` keeps one
`runtime.rating.Rating` per band; an event is rated by the band it starts in, except, with
`crossing` "split", a call that crosses an edge: it is billed by its start band's interval
as a whole, the billed seconds are cut at the edges (the rounding goes to the last part),
each part is charged pro rata at its band's per-minute price and the per-call price is the
start band's. A call under an active pass, or whose price in some band is per call only, is
rated whole at its start band (docs/language/time-bands.md).

>>> from zoneinfo import ZoneInfo
>>> b = Bands({"rules": (("peak", ("mon", "tue", "wed", "thu", "fri"), 420, 1140, "s:2"),),
...            "otherwise": "off-peak", "holidays": (), "crossing": "split", "source": "s:1"},
...           ZoneInfo("Europe/Belgrade"))
>>> at = datetime(2027, 1, 4, 17, 59, 30, tzinfo=timezone.utc)   # Monday 18:59:30 CET
>>> b.band_at(at), b.parts(at, 90)
('peak', [('peak', 30), ('off-peak', 60)])
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from runtime.rating import OUTGOING, Place, amount_of

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TIMED = frozenset((*OUTGOING, "incoming call"))
MINUTE = timedelta(minutes=1)


class Bands:
    """The operator's bands: `band_at(instant)`, `next_edge(instant)`, `parts(start, s)`."""

    def __init__(self, table: dict, tz: ZoneInfo) -> None:
        self.tz = tz
        self.rules = tuple((band, frozenset(days), start, end)
                           for band, days, start, end, _ in table["rules"])
        self.otherwise = table["otherwise"]
        self.holidays = frozenset(date.fromisoformat(d) for d in table["holidays"])
        self.crossing = table["crossing"]
        self.names = tuple(dict.fromkeys([r[0] for r in self.rules] + [self.otherwise]))
        self.edges: dict[date, tuple] = {}  # local day -> its band edges (UTC), bounded

    def band_of_local(self, local: datetime) -> str:
        """The band of a local wall-clock time."""
        day = WEEKDAYS[local.weekday()]
        holiday = local.date() in self.holidays
        minute = local.hour * 60 + local.minute
        for band, days, start, end in self.rules:
            if day in days or (holiday and "holidays" in days):
                if start is None or (start <= minute < end if start < end
                                     else minute >= start or minute < end):
                    return band
        return self.otherwise

    def band_at(self, at: datetime) -> str:
        return self.band_of_local(at.astimezone(self.tz))

    def _day_edges(self, day: date) -> tuple:
        """The instants (UTC) at which the band changes during the local `day`, found minute
        by minute of its real length (23 or 25 hours on DST days); cached per day."""
        found = self.edges.get(day)
        if found is None:
            start = datetime(day.year, day.month, day.day, tzinfo=self.tz).astimezone(timezone.utc)
            nxt = day + timedelta(days=1)
            end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=self.tz).astimezone(timezone.utc)
            edges, band, t = [], self.band_at(start - MINUTE), start
            while t < end:
                b = self.band_at(t)
                if b != band:
                    edges.append(t)
                    band = b
                t += MINUTE
            found = tuple(edges)
            if len(self.edges) < 4096:
                self.edges[day] = found
        return found

    def next_edge(self, at: datetime, before: datetime) -> datetime | None:
        """The first band edge after `at` and before `before` (None: none)."""
        day = at.astimezone(self.tz).date()
        while True:
            for edge in self._day_edges(day):
                if edge >= before:
                    return None
                if edge > at:
                    return edge
            day += timedelta(days=1)
            start = datetime(day.year, day.month, day.day, tzinfo=self.tz)
            if start >= before:
                return None

    def parts(self, at: datetime, seconds: int) -> list[tuple[str, int]]:
        """`seconds` from `at` cut at band edges: [(band, whole seconds), ...]."""
        end = at + timedelta(seconds=seconds)
        out, cur, left = [], at, seconds
        while True:
            edge = self.next_edge(cur, end)
            band = self.band_at(cur)
            if edge is None:
                out.append((band, left))
                return out
            part = min(left, int((edge - cur).total_seconds()))
            out.append((band, part))
            left -= part
            cur = edge


class BandedRating:
    """`engine.rating` of a spec with time bands: one Rating per band (`by_band`)."""

    def __init__(self, engine, make) -> None:
        from runtime.versions import _View
        tables = engine.tables
        rating = tables["rating"]
        self.bands = Bands(rating["time_bands"], ZoneInfo(tables["operator"]["timezone"]))
        self.by_band = {}
        for band in self.bands.names:
            lists = tuple(p for p in rating["price_lists"] if p.get("band") in (None, band))
            self.by_band[band] = make(_View(engine, {**tables, "rating": {**rating,
                                                                          "price_lists": lists}}))
        self.home_hooks = []
        self.last = self.by_band[self.bands.otherwise]
        self.split = self.bands.crossing == "split"

    @property
    def home_hooks(self) -> list:
        """The hooks other areas register (runtime.family), shared by every band's rating."""
        return self._hooks

    @home_hooks.setter
    def home_hooks(self, hooks: list) -> None:
        self._hooks = hooks
        for r in self.by_band.values():
            r.home_hooks = hooks

    def at(self, when: datetime):
        """The rating of the band `when` is in."""
        return self.by_band[self.bands.band_at(when)]

    def on_usage(self, world, ev, explain: bool):
        rating = self.by_band[self.bands.band_at(ev.at)]
        if self.split and ev.service in TIMED and type(ev.amount) is int and ev.amount > 0:
            parts = self.bands.parts(ev.at, ev.amount)
            if len(parts) > 1:
                done = self._split(rating, world, ev, parts, explain)
                if done is not None:
                    return done
        return rating.on_usage(world, ev, explain)

    def _split(self, rating, world, ev, parts, explain: bool):
        """A call across band edges, or None when it is rated whole at its start band."""
        sub = world.subscribers.get(ev.msisdn)
        if sub is None:
            sub = world.subscriber(rating.normal(ev.msisdn))
        if sub.passes or (sub.activated is not None and ev.at < sub.activated):
            return None
        party = None if ev.party is None else rating.normal(ev.party)
        where = ev.where
        if where.country is None and where.network is None:
            for hook in self.home_hooks:
                done = hook(world, sub, ev, party, explain)
                if done is not None:
                    return done
            if rating.home is None:
                return None
            party_net = rating.network_of(party)[0]
            rates = [self.by_band[b]._list_rate(self.by_band[b].home, ev.service, None, party,
                                                party_net) if self.by_band[b].home else None
                     for b, _ in parts]
            place = Place(None, None, rating.home, "home")
        else:
            place = rating.place(where)
            party_net = None if party is None else rating.party(party)[0]
            rates = [self.by_band[b].price(self.by_band[b].place(where), ev.service, party,
                                           party_net) for b, _ in parts]
        if any(r is None or r.price is None for r in rates):
            return None
        first = rates[0]
        billed, _ = amount_of(first, ev.amount)
        seconds = [s for _, s in parts]
        seconds[-1] += billed - ev.amount
        exact = sum((r.price * s / r.per for r, s in zip(rates, seconds)), first.flat)
        cur = rating.currency
        cut = " + ".join(f"{s} s {b}" for (b, _), s in zip(parts, seconds))
        text = ""
        if explain:
            text = f"{ev.amount} s at {first.notation} = {billed} s, split at band edges: " + \
                " + ".join(f"{s} s x {r.price} {cur}/{r.per_label} ({b})"
                           for (b, _), r, s in zip(parts, rates, seconds))
            if first.flat:
                text += f" + {first.flat} {cur} per event"
        used = (sub.passes, exact, f"{first.rule}, split at band edges", first.source,
                {"bands": cut}, text)
        return rating._charge(world, sub, ev, place, first, billed, exact, used, explain)

    def __getattr__(self, name: str):
        return getattr(self.last, name)


__all__ = ["Bands", "BandedRating", "TIMED"]
