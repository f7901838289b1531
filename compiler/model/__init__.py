"""The checked tariff model: one immutable `Tariff` per operator.

Every generator (runtime code, docs, vectors) reads only this model. All values are resolved
(names point at declared things), typed (Decimal money, seconds, KB) and carry the `Span` of
the spec line they came from, so results and docs can cite `file:line`.
"""

from __future__ import annotations

import attrs

from compiler.model.common import Eligibility, Interval, Note, Price, Texts
from compiler.model.operator import Operator, Rounding, Segment


@attrs.frozen(slots=True)
class Tariff:
    operator: Operator
    files: tuple[str, ...]
    segments: tuple[Segment, ...] = ()
    # compiler.model.commands
    service_numbers: tuple = ()
    codes: tuple = ()
    sms_commands: tuple = ()
    calls: tuple = ()
    web_channels: tuple = ()
    # compiler.model.rating
    zones: tuple = ()
    networks: tuple = ()
    price_lists: tuple = ()
    # compiler.model.services: the services and traffic classes the operator declares
    services: tuple = ()
    # compiler.model.passes
    passes: tuple = ()
    # compiler.model.family
    families: tuple = ()
    # compiler.model.bill
    bills: tuple = ()
    # compiler.model.balance
    billing_windows: tuple = ()
    notifications: tuple = ()
    # compiler.model.timebands: one TimeBands, or none
    time_bands: tuple = ()

    @property
    def id(self) -> str:
        return self.operator.id

    def segment(self, id: str) -> Segment | None:
        return next((s for s in self.segments if s.id == id), None)

    def plans(self) -> dict[str, str]:
        """Every plan name -> its segment id."""
        return {p: s.id for s in self.segments for p in s.plans}


__all__ = ["Tariff", "Operator", "Rounding", "Segment", "Eligibility", "Interval", "Note",
           "Price", "Texts"]
