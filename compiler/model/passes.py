"""Passes: travel packages and day/week passes bought for a period.

A `Pass` costs `price` once, lasts `validity_seconds` from activation, and applies `where`:
in roaming anywhere (`("roaming", ())`), on one network (`("network", ("Telenor Crna Gora",))`)
or in some zones (`("zones", ("Zona 1", "Zona 2"))`). While it is active:

- `allowances` are consumed first (`Allowance("min", 20, ("outgoing call", "incoming call"))`:
  20 minutes shared by outgoing and incoming calls; data amounts are in KB, 1 MB = 1024 KB);
- `free` services cost nothing (to the `destination` given, or anywhere when it is None);
  free data runs at full speed for `full_speed_kb`, then at `throttle_kbps` (still free);
- `rates` replace the price list's price for a service (`sms 3,97 RSD/sms`);
- anything else is charged by the price list in effect.

Activating a pass of an `exclusive` group ends the active pass of the same group.
"""

from __future__ import annotations

import attrs

from dsl.ast import Span
from compiler.model.common import Eligibility, Note, Price, Texts
from compiler.model.rating import Destination, Rate
from compiler.model.versions import Validity

ACTIVATION_CHANNELS = ("code", "sms", "menu")
ALLOWANCE_UNITS = ("min", "sms", "KB")
WHERE_KINDS = ("roaming", "network", "zones")


@attrs.frozen(slots=True)
class Activation:
    """How a pass is bought: dialling `code` (`*125*1#`), sending `keyword` to `number`
    (TCG1 to 9000), or choosing `option` of the menu `code` (`*111#` option 6)."""

    channel: str
    code: str | None
    number: str | None
    keyword: str | None
    option: int | None
    span: Span


@attrs.frozen(slots=True)
class Allowance:
    """`amount` of `unit` ("min", "sms" or "KB") included, usable by any of `services`."""

    unit: str
    amount: int
    services: tuple[str, ...]
    span: Span


@attrs.frozen(slots=True)
class FreeRule:
    """`service` costs nothing while the pass is active (to `destination`; None: anywhere)."""

    service: str
    destination: Destination | None
    span: Span


@attrs.frozen(slots=True)
class Pass:
    """A pass. `family` is the `passes` table it is a row of (None for a `pass` block);
    `bill_name` is how it appears on the bill (seed 001)."""

    name: str
    names: Texts
    family: str | None
    eligibility: Eligibility
    price: Price
    validity_seconds: int
    where: tuple[str, tuple[str, ...]]
    exclusive: str | None
    activations: tuple[Activation, ...]
    allowances: tuple[Allowance, ...]
    free: tuple[FreeRule, ...]
    full_speed_kb: int | None
    throttle_kbps: int | None
    rates: tuple[Rate, ...]
    bill_name: str | None
    notes: tuple[Note, ...]
    span: Span
    validity: Validity | None = None  # compiler.model.versions: None is on sale every day

    def allowance(self, unit: str) -> Allowance | None:
        return next((a for a in self.allowances if a.unit == unit), None)


__all__ = ["ACTIVATION_CHANNELS", "ALLOWANCE_UNITS", "WHERE_KINDS", "Activation", "Allowance",
           "FreeRule", "Pass"]
