"""Services: the seven built in, and the services or traffic classes an operator declares.

A declared `Service` has a unit (`time`: seconds, like calls; `data`: KB; `count`: events,
like SMS) and may be a *traffic class*: a service chosen by the other party's number. At home,
an `outgoing call` (a `time` class) or an `sms` (a `count` class) to a number that starts with
one of the class's `numbers` (longest prefix of all classes wins; a `not numbers` prefix, such
as a ported range, excludes) is rated as that class, when the home price list prices it.
A declared service may also be named by a usage event directly (`voicemail`, `MMS by APN`).
"""

from __future__ import annotations

import attrs

from dsl.ast import Span
from compiler.model.common import Note, Texts

# The unit of each built-in service (connection fee: priced per call, never an event).
BUILTIN: dict[str, str] = {
    "outgoing call": "time", "callback call": "time", "incoming call": "time",
    "video call": "time", "sms": "count", "mms": "data", "data": "data",
}
UNITS = ("time", "data", "count")
# The per-units a price of a declared service may have, by its unit.
PER_UNITS: dict[str, tuple[str, ...]] = {
    "time": ("min", "s", "call"),
    "data": ("KB", "MB"),
    "count": ("use", "call"),
}
# The amount unit the runtime reports (`61 s`, `5 KB`, `2 use`), by unit.
AMOUNT_UNIT = {"time": "s", "data": "KB", "count": "use"}
# The built-in service a class by number stands in for, by unit.
CLASS_OF = {"time": "outgoing call", "count": "sms"}


@attrs.frozen(slots=True)
class Service:
    """A declared service or traffic class (`service "Fixed" { unit time numbers +38111 }`)."""

    name: str
    names: Texts
    unit: str
    numbers: tuple[str, ...]
    not_numbers: tuple[str, ...]
    notes: tuple[Note, ...]
    span: Span

    @property
    def base(self) -> str | None:
        """The built-in service this class is chosen from (None: not a class by number)."""
        return CLASS_OF.get(self.unit) if self.numbers else None


__all__ = ["BUILTIN", "UNITS", "PER_UNITS", "AMOUNT_UNIT", "CLASS_OF", "Service"]
