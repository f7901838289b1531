"""Golden vector cases of taxes (docs/language/taxes.md): kind `taxes`.

For an operator whose header states a VAT rate: a prepaid line whose balance pays every charge
(gross: with `excluded`, each charge with its VAT), down to a refusal, and a postpaid line
whose monthly bill splits the period's charges into net, VAT and gross, with SMS enough that
the VAT of the total differs from the sum of per-event VAT when the rate makes it so. A spec
without a rate has no such vector.
"""

from __future__ import annotations

from compiler.model import Tariff
from compiler.vector_cases import FAR_PARTY, Facts
from compiler.vectors import Vector


def _home_services(t: Tariff) -> list[str]:
    """The built-in services the home price lists price, calls and SMS first."""
    priced = {r.service for pl in t.price_lists if pl.kind == "home" for r in pl.rates}
    return [s for s in ("outgoing call", "sms") if s in priced]


def taxes(t: Tariff, f: Facts) -> list[Vector]:
    """The vectors of kind `taxes` (none without a VAT rate or home prices)."""
    if t.operator.vat_rate is None:
        return []
    services = _home_services(t)
    if not services:
        return []
    amount = {"outgoing call": 61, "sms": 1}
    prepaid = Vector(t, "prepaid pays gross", "a prepaid balance of 1.00 pays each charge as "
                     "the tax rule says, until a charge is refused", f.when(2027, 1, 4, 9))
    me = prepaid.sub(f.msisdn(), "prepaid", balance="1.00")
    for _ in range(8):
        for s in services:
            prepaid.usage(me, s, amount[s], (), FAR_PARTY)
    out = [prepaid]
    if t.bills:
        bill = Vector(t, "bill tax lines", "a month of calls and SMS, then the bill's net, VAT "
                      "and gross", f.when(2027, 1, 4, 9))
        me = bill.sub(f.msisdn(), "postpaid", plan=f.plan_of("postpaid"))
        for k in range(7):
            for s in services[: k % len(services) + 1]:
                bill.usage(me, s, amount[s] * (k + 1) if s != "sms" else 1, (), FAR_PARTY)
        bill.add("month_end", {}, when=f.when(2027, 1, 31, 23, 59, 59))
        bill.add("bill", {"msisdn": me, "year": 2027, "month": 1})
        out.append(bill)
    return out
