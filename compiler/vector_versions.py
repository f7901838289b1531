"""Golden vector cases of effective dates (compiler.model.versions): kind `versions`.

For every dated price list, each of its rates is used the second before and at every change
(local midnight of a version's first day, and of the day after its last); for every dated
pass, it is bought the second before and at each change (the older version, the newer, or a
refusal when none is on sale), and a pass bought the second before a change is used after it
(grandfathering: the terms it was bought under). A spec without dates has no such vector.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from compiler.model import Tariff
from compiler.vector_cases import (FAR_PARTY, PACKAGE, Facts, _activations, _fam_cmd, _fam_text,
                                   _param_values, _pass_place, _sms_texts, with_sample)
from compiler.vectors import Vector

SECOND = timedelta(seconds=1)


def changes(items) -> list[date]:
    """The days on which a version of `items` starts or stops being in force."""
    days = set()
    for x in items:
        v = x.validity
        if v is not None:
            days |= {d for d in (v.start, v.end and v.end + timedelta(days=1)) if d is not None}
    return sorted(days)


def _midnight(f: Facts, day: date) -> datetime:
    return f.when(day.year, day.month, day.day)


def _price_lists(t: Tariff, f: Facts) -> list[Vector]:
    out = []
    for day in changes(t.price_lists):
        change = _midnight(f, day)
        v = Vector(t, f"prices around {day.isoformat()}", f"every rate the second before "
                   f"and at {day.isoformat()} 00:00 ({t.operator.timezone})", change - SECOND)
        me = v.sub(f.msisdn(), "prepaid", balance="100000.00")
        rates = {(r.zone, r.service): r for pl in t.price_lists if pl.kind == "zones"
                 for r in pl.rates}
        for when in (change - SECOND, change):
            for zone, service in rates:
                where = f.place_of_zone(zone).items()
                party = None if service in ("data", "mms") else FAR_PARTY
                amount = with_sample([], service)[0] if service != "sms" else 1
                v.usage(me, service, amount, where, party, when=when)
            for where, service, party in _list_uses(t, f):
                amount = with_sample([], service)[0] if service != "sms" else 1
                v.usage(me, service, amount, where, party, when=when)
        out.append(v)
    return out


def _list_uses(t: Tariff, f: Facts) -> list[tuple]:
    """(place, service, party) of every rate of the dated network and home price lists: the
    first number inside each destination (dated rows: compiler.check.dated_rows)."""
    uses = {}
    for pl in t.price_lists:
        if pl.kind == "zones" or pl.validity is None:
            continue
        where = tuple(f.place_of_network(pl.network).items()) if pl.kind == "network" else ()
        for r in pl.rates:
            if r.service == "connection fee":
                continue
            party = None if r.service in ("data", "mms") else f.parties(r.destination)[0]
            uses[(where, r.service, party)] = None
    return list(uses)


def _passes(t: Tariff, f: Facts) -> list[Vector]:
    out = []
    names = dict.fromkeys(p.name for p in t.passes if p.validity is not None)
    for name in names:
        versions = [p for p in t.passes if p.name == name]
        ways = next((_activations(t, p) for p in versions if _activations(t, p)), [])
        if not ways:
            continue
        kind, body = ways[0]
        p = versions[0]
        where = _pass_place(t, f, p)
        seg = "prepaid" if "prepaid" in (p.eligibility.segments or f.segments) else \
            (p.eligibility.segments or tuple(f.segments))[0]
        for day in changes(versions):
            change = _midnight(f, day)
            v = Vector(t, f"{name} around {day.isoformat()}", f"{name} bought the second before "
                       f"and at {day.isoformat()} 00:00; the first used after the change",
                       change - SECOND)
            before = v.sub(f.msisdn(), seg, balance="100000.00")
            at = v.sub(f.msisdn(), seg, balance="100000.00")
            v.add(kind, {"msisdn": before, **body, **where}, when=change - SECOND)
            v.add(kind, {"msisdn": at, **body, **where}, when=change)
            for me in (before, at):  # each by the terms it was bought under
                for a in p.allowances:
                    service = a.services[0] if a.services else "data"
                    amount = {"min": a.amount * 60 + 61, "sms": a.amount + 1}.get(a.unit, a.amount + 1)
                    v.usage(me, service, amount, where.items(), FAR_PARTY, step=3600)
                for r in p.rates:
                    v.usage(me, r.service, 1, where.items(), FAR_PARTY, step=60)
                v.usage(me, "outgoing call", 61, where.items(), FAR_PARTY, step=60)
            out.append(v)
    return out


def _commands(t: Tariff, f: Facts) -> list[Vector]:
    """Every dated code and SMS command used the second before and at each change: the
    version in force (its price), or the refusal saying from or until when."""
    codes = [c for c in t.codes if c.validity is not None]
    cmds = [c for c in t.sms_commands if c.validity is not None]
    out = []
    for day in changes(codes + cmds):
        change = _midnight(f, day)
        v = Vector(t, f"codes around {day.isoformat()}", "every dated code and SMS command the "
                   f"second before and at {day.isoformat()} 00:00", change - SECOND)
        seg = "prepaid" if "prepaid" in f.segments else f.segments[0]
        me = v.sub(f.msisdn(), seg, **({"plan": f.plan_of(seg)} if f.plan_of(seg) else {}),
                   balance="100000.00")
        for when in (change - SECOND, change):
            for code in dict.fromkeys(c.pattern for c in codes):
                first = next(c for c in codes if c.pattern == code)
                text = code
                for p in first.params[:1]:
                    text = code.replace(f"<{p.name}:{p.type}>", _param_values(p.type, f.cc)[0])
                v.dial(me, text, when=when)
            for cmd in dict.fromkeys((c.number, c.pattern) for c in cmds):
                first = next(c for c in cmds if (c.number, c.pattern) == cmd)
                v.sms(me, cmd[0], _sms_texts(first, f)[0], when=when)
        out.append(v)
    return out


def _family_fees(t: Tariff, f: Facts) -> list[Vector]:
    """A group created the second before and one at each dated fee change, then the next
    month's fees (grandfathering: each keeps the fee of its creation)."""
    out = []
    for fam in t.families:
        create = _fam_cmd(t, "family_create")
        if not fam.fee_changes or create is None:
            continue
        for day, _, _ in fam.fee_changes:
            change = _midnight(f, day)
            v = Vector(t, f"{fam.name} fee around {day.isoformat()}", "a group created the "
                       f"second before and one at {day.isoformat()} 00:00, and the month after",
                       change - SECOND)
            for when in (change - SECOND, change):
                ms = [v.sub(f.msisdn(), "postpaid", plan=fam.plans[0], package=PACKAGE)
                      for _ in range(fam.min_members)]
                v.sms(ms[0], create.number, _fam_text(t, "family_create", ms[1:]), when=when)
                for m in ms[1:]:
                    v.sms(m, create.number, _fam_text(t, "family_accept"), when=when)
            nxt = date(day.year + day.month // 12, day.month % 12 + 1, 1)
            v.add("tick", {}, when=_midnight(f, nxt) + SECOND)
            out.append(v)
    return out


def versions(t: Tariff, f: Facts) -> list[Vector]:
    """The vectors of kind `versions` (none for a spec without dates)."""
    return _price_lists(t, f) + _passes(t, f) + _commands(t, f) + _family_fees(t, f)
