"""Effective dates at run time: which version of a price list or a pass is in force.

A dated item of the tables (`compiler.lower.versions`) has `"valid": (start, end, source)`:
ISO days of the operator's time zone, both included, None when open. A day starts at local
midnight, so `valid from 2027-01-01` in Europe/Belgrade starts at 2026-12-31 23:00 UTC and
`until 2026-12-31` ends just before it. The rules (docs/language/effective-dates.md):

- an event is rated by the price lists in force at its time (`Usage.at`, any time zone: it
  is compared as an instant);
- a pass is sold in the version in force when it is bought; the active pass carries that
  version (`ActivePass.version`, the version's first day or None when it has none) and keeps
  its terms (allowances, free rules, own prices) to its end, whatever is sold later
  (grandfathering); a pass with no version in force is not on sale;
- a spec without dates has no `valid` key anywhere and never reaches this module.

>>> from zoneinfo import ZoneInfo
>>> lists = ({"name": "A", "valid": (None, "2026-12-31", "s:1")},
...          {"name": "A", "valid": ("2027-01-01", None, "s:9")})
>>> p = Periods(lists, ZoneInfo("Europe/Belgrade"))
>>> [c.isoformat() for c in p.cuts]
['2026-12-31T23:00:00+00:00']
>>> [[i["valid"][2] for i in items] for items in p.items]
[['s:1'], ['s:9']]
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from runtime.errors import OverlappingVersions


def dated(items) -> bool:
    """Whether any of the table entries `items` carries a `valid` range."""
    return any("valid" in i for i in items)


def midnight(day: str, tz: ZoneInfo) -> datetime:
    """The UTC instant at which the local day `day` (ISO) starts in `tz`."""
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, tzinfo=tz).astimezone(timezone.utc)


def bounds(valid, tz: ZoneInfo) -> tuple[datetime | None, datetime | None]:
    """(first instant in force, first instant no longer in force) of a `valid` range."""
    start, end = valid[0], valid[1]
    after = None if end is None else (date.fromisoformat(end) + timedelta(days=1)).isoformat()
    return (None if start is None else midnight(start, tz),
            None if after is None else midnight(after, tz))


def in_force(item: dict, at: datetime, tz: ZoneInfo) -> bool:
    """Whether a table entry is in force at the instant `at` (undated: always)."""
    valid = item.get("valid")
    if valid is None:
        return True
    start, end = bounds(valid, tz)
    return (start is None or start <= at) and (end is None or at < end)


def version_of(item: dict) -> str | None:
    """The version key of an entry: its first day (ISO), None when it has none."""
    valid = item.get("valid")
    return None if valid is None else valid[0]


class Periods:
    """The instants at which something of `items` starts or stops (`cuts`, UTC, sorted) and,
    for each period between them, the entries in force (`items[k]`, in table order). Period
    0 is before `cuts[0]`; period k starts at `cuts[k - 1]`."""

    def __init__(self, items, tz: ZoneInfo) -> None:
        cuts = {b for i in items if "valid" in i for b in bounds(i["valid"], tz) if b is not None}
        self.cuts = sorted(cuts)
        starts = [self.cuts[0] - timedelta(seconds=1)] if self.cuts else []
        starts += self.cuts
        self.items = [tuple(i for i in items if in_force(i, at, tz)) for at in starts] \
            or [tuple(items)]
        for period in self.items:
            _one_version(period)

    def index(self, at: datetime) -> int:
        """The period of the instant `at`."""
        return bisect_right(self.cuts, at)


def _one_version(items) -> None:
    """Refuse two dated entries of one name in force together (OverlappingVersions)."""
    seen: dict[tuple, dict] = {}
    for i in items:  # versions of one name in different time bands do not overlap
        first = seen.setdefault((i["name"], i.get("band")), i)
        if first is not i and ("valid" in i or "valid" in first):
            raise OverlappingVersions(f"two versions of `{i['name']}` are in force at the same "
                                      "time", source=i.get("valid", (None, None, i.get("source")))[2])


class _View:
    """An engine seen with other tables: what one period's `Rating` is built from."""

    def __init__(self, engine, tables: dict) -> None:
        self._engine = engine
        self.tables = tables

    def __getattr__(self, name: str):
        return getattr(self._engine, name)


class VersionedRating:
    """`engine.rating` of a spec with dated price lists: one `runtime.rating.Rating` per
    period, sharing the home hooks; `on_usage` rates an event by its period's. What does not
    depend on time (places, numbers, rounding) is the last period's."""

    versioned = True

    def __init__(self, engine, make) -> None:
        tables = engine.tables
        rating = tables["rating"]
        self.periods = Periods(rating["price_lists"], ZoneInfo(tables["operator"]["timezone"]))
        self.home_hooks: list = []
        self.by_period = []
        for lists in self.periods.items:
            view = _View(engine, {**tables, "rating": {**rating, "price_lists": lists}})
            r = make(view)
            r.home_hooks = self.home_hooks
            self.by_period.append(r)

    def at(self, when: datetime):
        """The rating in force at the instant `when` (of its time band, with bands)."""
        return self.by_period[self.periods.index(when)].at(when)

    def on_usage(self, world, ev, explain: bool):
        return self.by_period[self.periods.index(ev.at)].on_usage(world, ev, explain)

    def __getattr__(self, name: str):
        return getattr(self.by_period[-1], name)


class PassVersions:
    """The versions of each pass: `at(name, when)` is (the definition on sale at `when`, its
    version key), or (None, None); `get((name, version))` the definition of a bought pass."""

    def __init__(self, entries, definition, tz: ZoneInfo) -> None:
        self.tz = tz
        self.entries = tuple(entries)
        self.defs = {(e["name"], version_of(e)): definition(e) for e in self.entries}
        Periods(self.entries, tz)  # refuses overlapping versions
        self.get = self.defs.get

    def at(self, name: str, when: datetime):
        for e in self.entries:
            if e["name"] == name and in_force(e, when, self.tz):
                key = version_of(e)
                return self.defs[(name, key)], key
        return None, None

    def sold(self, name: str) -> tuple[str, ...]:
        """When `name` is on sale, as written (`from 2027-01-01`, `until 2026-12-31`)."""
        texts = []
        for e in self.entries:
            if e["name"] == name:
                start, end = e.get("valid", (None, None, ""))[:2]
                texts.append(" ".join(([f"from {start}"] if start else []) +
                                      ([f"until {end}"] if end else [])) or "always")
        return tuple(texts)


__all__ = ["Periods", "VersionedRating", "PassVersions", "dated", "in_force", "midnight",
           "version_of"]
