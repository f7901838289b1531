"""`tariffc diff` for dated items (compiler.model.versions): changes by the days they apply.

Two versions of a price list or pass (same name) on either side are compared period by
period: the days are cut at every version's first day and at the day after every version's
last, and in each period the item in force on the old side is compared with the one in force
on the new side, without their dates. What differs is reported with the period first:

    From 2027-01-01: Zona 1, outgoing call: 119,90 -> 129,90 RSD/min (+8,3 %)
    From 2027-02-01: removed Zimska karta

so that adding a dated version to an undated price list reads as the change it announces,
and a pass given an `until` reads as withdrawn after it. Undated items go through
`compiler.diff` unchanged.
"""

from __future__ import annotations

from datetime import date, timedelta

import attrs


def dated(items) -> bool:
    """Whether any item carries a validity or a time band (compiler.model.timebands)."""
    return any(getattr(x, "validity", None) is not None or getattr(x, "band", None) is not None
               for x in items)


def _name(x) -> str:
    """What versions share: a name (price lists, passes), a code's pattern, an SMS command's
    number and pattern."""
    if hasattr(x, "name"):
        return x.name
    return f"{x.number} {x.pattern}" if hasattr(x, "number") else x.pattern


def _key(x) -> tuple:
    return _name(x), getattr(x, "band", None)


def _cuts(items) -> list[date | None]:
    """The first days of the periods (None: since always), sorted."""
    days: set[date] = set()
    for x in items:
        v = x.validity
        if v is None:
            continue
        if v.start is not None:
            days.add(v.start)
        if v.end is not None:
            days.add(v.end + timedelta(days=1))
    return [None, *sorted(days)]


def _at(items, day: date | None):
    """The item in force on `day` (None: the first day of all), without its dates."""
    for x in items:
        v = x.validity
        if v is None or ((v.start is None or (day is not None and v.start <= day))
                         and (v.end is None or day is None or day <= v.end)):
            return attrs.evolve(x, validity=None)
    return None


def timeline(old, new) -> list[tuple[date | None, date | None, object, object]]:
    """(first day, last day, old item, new item) of each period in which the two sides
    differ; adjacent periods with the same pair are one."""
    from compiler.diff import plain
    cuts = _cuts(old + new)
    periods = []
    for k, day in enumerate(cuts):
        last = cuts[k + 1] - timedelta(days=1) if k + 1 < len(cuts) else None
        a, b = _at(old, day), _at(new, day)
        if (a is None and b is None) or plain(a) == plain(b):
            continue
        if periods and periods[-1][3] == (plain(a), plain(b)) and periods[-1][1] is not None \
                and periods[-1][1] + timedelta(days=1) == day:
            periods[-1] = (periods[-1][0], last, a, b, periods[-1][3])
            continue
        periods.append((day, last, a, b, (plain(a), plain(b))))
    return [p[:4] for p in periods]


def _when(first: date | None, last: date | None) -> str:
    parts = ([f"from {first.isoformat()}"] if first else []) + \
        ([f"until {last.isoformat()}"] if last else [])
    return " ".join(parts)


def _lower(text: str) -> str:
    """`New X` -> `new X` after a date; names (`Zona 1`) keep their capital."""
    for word in ("New ", "Removed "):
        if text.startswith(word):
            return word.lower() + text[len(word):]
    return text


def compare(differ, area: str, old: tuple, new: tuple, compare_one) -> tuple[tuple, tuple]:
    """Report the dated names of `area` ("price_lists", "passes", "codes", "sms_commands")
    period by period, with
    `compare_one(differ, (old,), (new,))` (the undated comparison); returns the undated
    remainder of both sides for the usual comparison."""
    names = {_name(x) for x in old + new if dated((x,))}
    for name, band in dict.fromkeys(_key(x) for x in new + old):
        if name not in names:
            continue
        a = tuple(attrs.evolve(x, band=None) if band else x for x in old if _key(x) == (name, band))
        b = tuple(attrs.evolve(x, band=None) if band else x for x in new if _key(x) == (name, band))
        runs: list[list] = []  # [first, last, changes]: adjacent periods with the same changes
        for first, last, x, y in timeline(a, b):
            before = len(differ.changes)
            compare_one(differ, () if x is None else (x,), () if y is None else (y,))
            got = differ.changes[before:]
            del differ.changes[before:]
            prev = runs[-1] if runs else None
            if prev and prev[1] is not None and prev[1] + timedelta(days=1) == first and \
                    [c.text for c in prev[2]] == [c.text for c in got]:
                prev[1] = last  # e.g. a dated row of another zone cut the days in two
                continue
            runs.append([first, last, got])
        for first, last, got in runs:
            when = ", ".join(w for w in (f"in band {band}" if band else "", _when(first, last))
                             if w)
            differ.changes.extend(
                attrs.evolve(c, text=f"{when[:1].upper()}{when[1:]}: {_lower(c.text)}",
                             path=(*c.path, when)) if when else c for c in got)
    return (tuple(x for x in old if _name(x) not in names),
            tuple(x for x in new if _name(x) not in names))
