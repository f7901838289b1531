"""Passes model -> the `passes` table that `runtime.passes` reads.

    {"passes": ({"name", "names", "family", "segments", "plans", "price", "validity_seconds",
                 "where", "exclusive", "activations", "allowances", "free", "full_speed_kb",
                 "throttle_kbps", "rates", "bill_name", "category", "source"}, ...)}

`category` is the bill's one-time charge category that lists the pass's bill name
("Putne pakete" for the travel packages, seed 001), else the pass's own name. Allowances keep
the model's units: "min" (minutes), "sms", "KB". Order follows the model.
"""

from __future__ import annotations

from compiler.lower import cite, texts
from compiler.lower.rating import price
from compiler.model import Tariff
from compiler.lower.versions import valid


def category_of(tariff: Tariff, bill_name: str | None, name: str) -> str:
    """The one-time charge category a pass is billed under."""
    if bill_name is not None:
        for bill in tariff.bills:
            for cat in bill.one_time:
                if bill_name in cat.passes:
                    return cat.name
    return name


def destination(d) -> tuple | None:
    return None if d is None else (d.kind, d.names)


def lower(tariff: Tariff) -> dict | None:
    if not tariff.passes:
        return None
    return {"passes": tuple({
        "name": p.name,
        "names": texts(p.names),
        "family": p.family,
        "segments": p.eligibility.segments,
        "plans": p.eligibility.plans,
        "price": price(p.price),
        "validity_seconds": p.validity_seconds,
        "where": p.where,
        "exclusive": p.exclusive,
        "activations": tuple({
            "channel": a.channel, "code": a.code, "number": a.number, "keyword": a.keyword,
            "option": a.option, "source": cite(a.span),
        } for a in p.activations),
        "allowances": tuple({
            "unit": a.unit, "amount": a.amount, "services": a.services, "source": cite(a.span),
        } for a in p.allowances),
        "free": tuple({
            "service": f.service, "to": destination(f.destination), "source": cite(f.span),
        } for f in p.free),
        "full_speed_kb": p.full_speed_kb,
        "throttle_kbps": p.throttle_kbps,
        "rates": tuple({
            "service": r.service, "price": price(r.price), "source": cite(r.span),
        } for r in p.rates),
        "bill_name": p.bill_name,
        "category": category_of(tariff, p.bill_name, p.name),
        "source": cite(p.span),
        **valid(p),
    } for p in tariff.passes)}
