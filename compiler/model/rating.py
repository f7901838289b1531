"""Rating: roaming zones, networks and the price lists that price usage in them.

A `Zone` groups countries (ISO 3166 alpha-2), MCCs and networks; a `Network` is one mobile
network (MCC-MNC, the names a phone shows, its number prefixes). A `PriceList` is one of:

- "zones": a roaming zone table (`roaming prices`): one `Rate` per zone and service;
- "network": special prices while registered on one network (`network prices`): one
  `Rate` per row, each for a `Destination`;
- "home": prices at home (`home prices`): intervals and optional rows as for "network".

How the runtime rates an event with these (the docs say the same):

- the zone of a place is the zone of the network the phone is registered on, if a zone lists
  that network, else the zone of its MCC or country (a member is in one zone only);

- the charged quantity is the usage rounded up to the interval (`interval`): the first
  `first` units, then whole blocks of `next` (60/60: whole minutes; 30+1: at least 30 s, then
  per second; 5 KB + 100 KB: the first 5 KB, then blocks of 100 KB);
- a per-unit price is prorated over the charged quantity (119,90 RSD/min for 90 s charged as
  120 s is 239,80 RSD); `first_price`, when set, is the price of the first block instead;
- a price per `call` (or per `sms`, `mms`) is a flat price per event, whatever its length;
- in a "network"/"home" list the most specific destination wins (numbers: the longest
  prefix of the other party's number, then networks, then countries, then other countries,
  then any); a per-time price and a per-call price for the same
  service and destination add up (0,00 RSD/min plus 7,01 RSD/call);
- `price` None is a `-` cell: the service is not available there;
- `via_zone` is `zone "Zona Region"`: the rate is that zone's rate, with its interval, in the
  operator's "zones" price list.
"""

from __future__ import annotations

import attrs

from dsl.ast import Span
from compiler.model.common import Interval, Note, Price, Texts
from compiler.model.versions import Validity

# The services a rate can price, and the per-units a price of each may have (None: flat).
SERVICES: dict[str, tuple[str, ...]] = {
    "outgoing call": ("min", "s", "call"),
    "callback call": ("min", "s", "call"),
    "incoming call": ("min", "s", "call"),
    "video call": ("min", "s", "call"),
    "sms": ("sms",),
    "mms": ("mms", "KB", "MB"),
    "data": ("KB", "MB"),
    "connection fee": ("call",),
}
# Services charged by time or volume, and the dimension of their charging interval.
INTERVAL_DIMENSION: dict[str, str] = {
    "outgoing call": "time", "callback call": "time", "incoming call": "time",
    "video call": "time", "mms": "data", "data": "data",
}
# Per-units that make a price depend on a duration or a volume (and so need an interval).
METERED = frozenset({"min", "s", "KB", "MB"})
DESTINATION_KINDS = ("numbers", "networks", "countries", "other countries", "any")
PRICE_LIST_KINDS = ("zones", "network", "home")


@attrs.frozen(slots=True)
class Zone:
    """A roaming zone. Membership is by country, MCC (satellite networks: 901) or network.

    `illustrative_countries` / `illustrative_mcc` are members that the seeds do not list
    (their lists were collapsed on the page); they are examples, not facts, and the docs say so.
    """

    name: str
    names: Texts
    countries: tuple[str, ...]
    illustrative_countries: tuple[str, ...]
    mcc: tuple[str, ...]
    illustrative_mcc: tuple[str, ...]
    networks: tuple[str, ...]
    notes: tuple[Note, ...]
    span: Span


@attrs.frozen(slots=True)
class Network:
    """A mobile network: `mccmnc` ("297 01"), `shown_as` (what a phone may display), and the
    number prefixes that belong to it (`numbers`, "+38263") or look as if they do but do not
    (`not_numbers`: ported ranges, "+38267"). `illustrative_numbers` are examples the seeds
    do not give."""

    name: str
    country: str
    mccmnc: tuple[str, ...]
    shown_as: tuple[str, ...]
    numbers: tuple[str, ...]
    not_numbers: tuple[str, ...]
    illustrative_numbers: tuple[str, ...]
    notes: tuple[Note, ...]
    span: Span


@attrs.frozen(slots=True)
class Destination:
    """Where a call or message goes: `numbers` (prefixes, "+381800": the longest that the
    other party's number starts with), `networks` (names), `countries` (ISO codes), `other
    countries` (any country not named by another row of the same service), or `any`."""

    kind: str
    names: tuple[str, ...]
    span: Span


@attrs.frozen(slots=True)
class Rate:
    """The price of one service in one zone (zone tables) or to one destination.

    `price` None: not available (`-`). `first_price`: the price of the first interval block
    when it differs (6 RSD/5 KB for the first 5 KB). `interval`: the charging interval of
    this rate (None for flat per-event prices and for `via_zone`). When a zone table's first
    data block is `-`, the interval is `next`+`next` (charged per 100 KB from the first KB).
    """

    service: str
    zone: str | None
    destination: Destination | None
    price: Price | None
    first_price: Price | None
    interval: Interval | None
    via_zone: str | None
    span: Span


@attrs.frozen(slots=True)
class PriceList:
    """A price list: `kind` "zones" (roaming zone table), "network" (prices on `network`)
    or "home". `intervals` maps a service to its charging interval; `columns` are the zone
    table's header labels after `zone`, as written ("data first 5 KB")."""

    name: str
    names: Texts
    kind: str
    network: str | None
    intervals: tuple[tuple[str, Interval], ...]
    rates: tuple[Rate, ...]
    columns: tuple[str, ...]
    notes: tuple[Note, ...]
    span: Span
    validity: Validity | None = None  # compiler.model.versions: None is always in force
    band: str | None = None  # compiler.model.timebands: None prices every band

    def interval(self, service: str) -> Interval | None:
        return next((i for s, i in self.intervals if s == service), None)


__all__ = ["SERVICES", "INTERVAL_DIMENSION", "METERED", "DESTINATION_KINDS", "PRICE_LIST_KINDS",
           "Zone", "Network", "Destination", "Rate", "PriceList"]
