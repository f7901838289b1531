"""VAT: how the operator's written prices relate to the tax (docs/language/taxes.md).

`tables["operator"]["vat"]` exists only when the header states a rate (`vat 20 % included` or
`vat 20 % excluded`): {"rate": Decimal percent, "included": bool, "quantum": the currency's
minor unit, "source": where the header says so}. `vat included` with no rate has no entry:
prices are as written and no bill shows tax lines.

Where the tax is computed (one rule, used by the bill and by prepaid balances):

- the bill computes the VAT once, on the period's charges (traffic - discounts + one-time
  charges), rounded half-up to the minor unit; with `included` it splits that gross total into
  net = gross x 100 / (100 + rate) and VAT = gross - net, so the lines sum exactly; with
  `excluded` the charges are net, VAT = net x rate / 100 and gross = net + VAT;
- a prepaid balance pays each charge gross: with `excluded`, a charge of `net` takes
  net + VAT(net) from the balance, the VAT rounded half-up per charge (there is no bill to
  round it on).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)


def split(total: Decimal, vat: dict) -> tuple[Decimal, Decimal, Decimal]:
    """(net, VAT, gross) of `total`, the period's charges as the spec writes them.

    >>> split(Decimal("119.90"), {"rate": Decimal(20), "included": True, "quantum": Decimal("0.01")})
    (Decimal('99.92'), Decimal('19.98'), Decimal('119.90'))
    >>> split(Decimal("10.00"), {"rate": Decimal(20), "included": False, "quantum": Decimal("0.01")})
    (Decimal('10.00'), Decimal('2.00'), Decimal('12.00'))
    """
    rate, quantum = vat["rate"], vat["quantum"]
    if vat["included"]:
        net = (total * HUNDRED / (HUNDRED + rate)).quantize(quantum, ROUND_HALF_UP)
        return net, total - net, total
    tax = (total * rate / HUNDRED).quantize(quantum, ROUND_HALF_UP)
    return total, tax, total + tax


def gross(charge: Decimal, vat: dict | None) -> Decimal:
    """What a prepaid balance pays for a charge written as the spec prices it: the charge
    itself unless the prices are VAT-excluded, then the charge with its VAT (half-up).

    >>> gross(Decimal("0.25"), {"rate": Decimal(20), "included": False, "quantum": Decimal("0.01")})
    Decimal('0.30')
    """
    if vat is None or vat["included"]:
        return charge
    return charge + (charge * vat["rate"] / HUNDRED).quantize(vat["quantum"], ROUND_HALF_UP)
