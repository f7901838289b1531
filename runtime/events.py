"""What happens to subscribers (events in), and what the tariff answers (outcomes out).

Every event names the subscriber (`msisdn`) and the instant (`at`, timezone-aware). An engine
turns `(world, event)` into `(world', outcome)`. An outcome either succeeds (`ok`) or is a
refusal with a reason; bad input raises a `runtime.errors.TariffError` instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping

from runtime.money import Money
from runtime.state import frozen_map

SERVICES = ("outgoing call", "callback call", "incoming call", "video call", "sms", "mms", "data")


@dataclass(frozen=True, slots=True)
class Where:
    """Where the phone is: at home (no country), or roaming in `country` (ISO 3166 alpha-2),
    registered on `network` (an MCC-MNC such as "297 01", or a name the phone shows)."""

    country: str | None = None
    network: str | None = None

    @property
    def roaming(self) -> bool:
        return self.country is not None or self.network is not None


HOME = Where()


@dataclass(frozen=True, slots=True)
class Usage:
    """Traffic to rate. `amount`: seconds for calls, KB for data and MMS, a count for SMS.
    `party`: the other number (called, messaged, or calling), as E.164 digits or `+...`."""

    msisdn: str
    at: datetime
    service: str
    amount: int
    where: Where = HOME
    party: str | None = None


@dataclass(frozen=True, slots=True)
class Dial:
    """A USSD string dialled, e.g. `*321*0631234567#`; `answer` picks a menu option."""

    msisdn: str
    at: datetime
    text: str
    where: Where = HOME
    answer: str | None = None


@dataclass(frozen=True, slots=True)
class Sms:
    """A text message sent to a service number (`to`), e.g. "DA" to 9001."""

    msisdn: str
    at: datetime
    to: str
    text: str
    where: Where = HOME


@dataclass(frozen=True, slots=True)
class CallNumber:
    """A voice call to a service number (Azercell 2112, 650)."""

    msisdn: str
    at: datetime
    number: str
    where: Where = HOME


@dataclass(frozen=True, slots=True)
class Web:
    """A request through a web or app channel (Azercell "online services")."""

    msisdn: str
    at: datetime
    channel: str


@dataclass(frozen=True, slots=True)
class Tick:
    """Time passes to `at`: passes and invitations that end by then expire."""

    at: datetime
    msisdn: str | None = None


@dataclass(frozen=True, slots=True)
class MonthEnd:
    """The month that contains `at` closes: bills are cut, monthly bonuses expire."""

    at: datetime
    msisdn: str | None = None


@dataclass(frozen=True, slots=True)
class FamilyEnd:
    """The family promotion ends for `msisdn`'s group: one of the spec's `ends when` events
    (the number is deactivated, a change to a package without the promotion...), named by its
    text in `reason` (None: the first `ends when` of the spec)."""

    msisdn: str
    at: datetime
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """A message to a subscriber: over `ussd`, `sms`, `voice`, or `callback`."""

    channel: str
    text: str
    to: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the tariff did with one event.

    `charge`: what the event cost (zero when free). `rule`: the rule that decided, and
    `source` its spec line (`specs/telenor_rs/roaming.tariff:78`). `arithmetic`: how the
    charge was computed; filled only when the caller asks for explanations. `reason`: why a
    request was refused (`ok` False). `data`: engine-specific facts (pass activated, quota
    left, group status...), with JSON-friendly values.
    """

    msisdn: str | None
    ok: bool = True
    charge: Money | None = None
    replies: tuple[Reply, ...] = ()
    rule: str = ""
    source: str = ""
    arithmetic: str = ""
    reason: str = ""
    data: Mapping[str, object] = field(default_factory=frozen_map)

    def explain(self) -> str:
        """One line: rule, arithmetic, source."""
        parts = [p for p in (self.rule, self.arithmetic, self.source) if p]
        if not self.ok:
            parts.insert(0, f"refused: {self.reason}")
        return ", ".join(parts)
