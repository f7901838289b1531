"""Rating model -> the `rating` table that `runtime.rating` reads.

    {"zones": ({"name", "names", "countries", "illustrative_countries", "mcc",
                "illustrative_mcc", "networks", "source"}, ...),
     "networks": ({"name", "country", "mccmnc", "shown_as", "numbers", "not_numbers",
                   "illustrative_numbers", "source"}, ...),
     "price_lists": ({"name", "names", "kind", "network", "intervals", "rates", "source"}, ...),
     "services": {name: {"unit", "base", "numbers", "not_numbers", "source"}}}  # if declared

An interval is `(first, next, unit, notation)`; a price is `{"amount", "currency", "per",
"per_amount"}` or None for a `-` cell; a destination is `(kind, names)`. Everything keeps the
model's order; each zone, network, list and rate carries its spec line (`source`).
"""

from __future__ import annotations

from compiler.lower import cite, texts
from compiler.model import Tariff
from compiler.model.services import AMOUNT_UNIT
from compiler.lower import timebands
from compiler.lower.versions import valid


def interval(i) -> tuple | None:
    return None if i is None else (i.first, i.next, i.unit, i.notation)


def price(p) -> dict | None:
    if p is None:
        return None
    return {"amount": p.amount, "currency": p.currency, "per": p.per, "per_amount": p.per_amount}


def rate(r) -> dict:
    return {
        "service": r.service,
        "zone": r.zone,
        "to": None if r.destination is None else (r.destination.kind, r.destination.names),
        "price": price(r.price),
        "first_price": price(r.first_price),
        "interval": interval(r.interval),
        "via_zone": r.via_zone,
        "source": cite(r.span),
    }


def services(tariff: Tariff) -> dict:
    """The declared services: name -> {"unit" ("s", "KB", "use"), "base" (the built-in
    service a class by number stands in for, or None), "numbers", "not_numbers", "source"}."""
    return {svc.name: {"unit": AMOUNT_UNIT[svc.unit], "base": svc.base, "numbers": svc.numbers,
                       "not_numbers": svc.not_numbers, "source": cite(svc.span)}
            for svc in tariff.services}


def lower(tariff: Tariff) -> dict | None:
    if not (tariff.zones or tariff.networks or tariff.price_lists):
        return None
    table = {
        "zones": tuple({
            "name": z.name,
            "names": texts(z.names),
            "countries": z.countries,
            "illustrative_countries": z.illustrative_countries,
            "mcc": z.mcc,
            "illustrative_mcc": z.illustrative_mcc,
            "networks": z.networks,
            "source": cite(z.span),
        } for z in tariff.zones),
        "networks": tuple({
            "name": n.name,
            "country": n.country,
            "mccmnc": n.mccmnc,
            "shown_as": n.shown_as,
            "numbers": n.numbers,
            "not_numbers": n.not_numbers,
            "illustrative_numbers": n.illustrative_numbers,
            "source": cite(n.span),
        } for n in tariff.networks),
        "price_lists": tuple({
            "name": pl.name,
            "names": texts(pl.names),
            "kind": pl.kind,
            "network": pl.network,
            "intervals": {service: interval(i) for service, i in pl.intervals},
            "rates": tuple(rate(r) for r in pl.rates),
            "source": cite(pl.span),
            **valid(pl),
            **timebands.band(pl),
        } for pl in tariff.price_lists),
        **timebands.table(tariff),
    }
    if tariff.services:  # only then: the shipped operators' tables stay as they were
        table["services"] = services(tariff)
    return table
