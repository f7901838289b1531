"""Rating, read straight from the model: a `Usage` event -> its charge.

The rules (docs/runtime/rating.md states them with the seed readings; this module is their
reference reading, over `compiler.model.rating` and `compiler.model.passes`):

1. checks: a known service, a whole amount >= 0, a known subscriber, not before its
   activation, a readable other party;
2. the place: the network the phone shows (by name, MCC-MNC or shown name, spaces and case
   ignored; a network of another country than the one given is not that network), then the zone
   that lists that network, else the zone of the country, else of the MCC; none -> UnknownZone;
3. the price: the network's own price list when it has one and prices the service (the most
   specific destination of the other party: networks, countries, other countries, any; all rows
   of that destination add up; `zone "..."` rows take that zone's rate and interval; connection
   fees add per call), else the zone table's row of the zone (of the network's country, for a
   service the network's list does not price); `-` or no column -> NotAvailable. At home: the
   home hooks, then the home price list;
4. the billed quantity is the amount rounded up to the interval; a metered price is prorated
   over it (`first_price` prices the first block), per-event prices add once; 0 units cost 0;
5. the subscriber's passes (`evaluator.passes.consume`): free rules, pass rates, allowances;
6. the charge is rounded once with the operator's rounding, refused when a prepaid balance
   would go negative, else taken from the balance and written to the ledger.

>>> from datetime import datetime, timezone
>>> from compiler.check import check_paths
>>> from compiler.evaluate import Evaluator
>>> from runtime.events import Usage, Where
>>> from runtime.state import Subscriber, world_of
>>> telenor = next(t for t in check_paths(["specs"]).tariffs if t.id == "telenor_rs")
>>> at = datetime(2024, 7, 1, 10, tzinfo=timezone.utc)
>>> world, out = Evaluator(telenor).apply(world_of(Subscriber("381631234567", "postpaid")),
...     Usage("381631234567", at, "outgoing call", 61, Where(country="DE")))
>>> out.charge, out.rule
(Money('239.80', 'RSD'), 'outgoing call in Zona 1')
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Callable

from compiler.evaluate import timebands
from compiler.evaluate.versions import in_force
from compiler.lower import cite
from compiler.model.rating import Destination, Network, PriceList, Rate, Zone
from compiler.model.services import AMOUNT_UNIT
from runtime.charging import billed as billed_quantity
from runtime.errors import InvalidEvent, NotAvailable, OutOfOrder, UnknownZone
from runtime.events import SERVICES, Outcome, Usage
from runtime.money import Money, round_amount
from runtime.numbers import COUNTRY_CODES, country_of, normalise, party as party_number, prefix_key
from runtime.state import Charge, Subscriber, World, frozen_map

ZERO = Decimal(0)
# The unit of an event's amount, by service.
UNIT = {"outgoing call": "s", "callback call": "s", "incoming call": "s", "video call": "s",
        "sms": "sms", "mms": "KB", "data": "KB"}
# Calls that pay a connection fee.
CONNECTING = ("outgoing call", "callback call", "video call")
# How many units of the event's amount one `per` of a price is; absent: a flat per-event price.
UNITS_PER = {"min": 60, "s": 1, "KB": 1, "MB": 1024, "sms": 1, "use": 1}
# Most specific destination first (among `numbers`, the longest matching prefix).
SPECIFICITY = ("numbers", "networks", "countries", "other countries", "any")

HomeHook = Callable[[World, Subscriber, Usage, "str | None", bool], "tuple[World, Outcome] | None"]


@dataclass(frozen=True)
class Place:
    """Where an event happens: the `zone` (None at home), the `network` registered on (None if
    not in the network table), and whether the zone came from illustrative members."""

    zone: str | None
    network: str | None
    illustrative: bool = False


@dataclass(frozen=True)
class Priced:
    """How one event is priced: blocks `first` then `next` (in `unit`), a metered `price` per
    `per` units (None: only the per-event part `flat`), `first_price` for the first block."""

    first: int
    next: int
    price: Decimal | None
    per: int
    first_price: Decimal | None
    flat: Decimal
    unit: str
    notation: str
    per_label: str  # the price's own unit as written: "min", "100 KB"
    rule: str
    source: str
    category: str

    def billed(self, amount: int) -> int:
        """The billed quantity of `amount` units (0 stays 0)."""
        return billed_quantity(amount, self.first, self.next)

    def cost(self, amount: int) -> Decimal:
        """The exact price of `amount` units: metered part plus per-event part; 0 units: 0."""
        if amount <= 0:
            return ZERO
        return self.metered(self.billed(amount), first_block=True) + self.flat

    def metered(self, units: int, first_block: bool = False) -> Decimal:
        """The metered price of `units` billed units; with `first_block`, the first block at
        `first_price` when there is one (else everything pro rata at `price`)."""
        if units <= 0 or self.price is None:
            return ZERO
        if first_block and self.first_price is not None:
            return self.first_price + self.price * (units - self.first) / self.per
        return self.price * units / self.per


@dataclass(frozen=True)
class Used:
    """What the passes did to an event: the subscriber's passes after it, the exact amount,
    the rule and its source, and facts for the outcome's data."""

    passes: tuple
    amount: Decimal
    rule: str
    source: str
    facts: dict
    arithmetic: str = ""


def _key(name: str) -> str:
    return name.replace(" ", "").casefold()


class Rating:
    """The rating area (`evaluator.rating`): places, prices, and the `Usage` handler."""

    def __init__(self, evaluator) -> None:
        self.evaluator = evaluator
        self.tariff = evaluator.tariff
        self.currency = evaluator.currency
        self.country_code = COUNTRY_CODES.get(self.tariff.operator.country, "")
        self.home_hooks: list[HomeHook] = []
        self.declared = {svc.name: svc for svc in self.tariff.services}
        # Classes that name short codes (`numbers 999`) make a dialled short code a party.
        self.short_codes = any(not p.startswith("+") for svc in self.tariff.services
                               for p in (*svc.numbers, *svc.not_numbers))
        self.band: str | None = None  # set while compiler.evaluate.timebands prices a part

    def unit(self, service: str) -> str:
        """The unit of an event's amount of `service` (built-in or declared)."""
        found = UNIT.get(service)
        return found if found is not None else AMOUNT_UNIT[self.declared[service].unit]

    def traffic_class(self, service: str, party: str | None) -> str | None:
        """The declared class `service` to `party` falls in: the longest prefix of all
        classes of that service, unless that class's `not numbers` excludes the number."""
        if party is None:
            return None
        best, best_len = None, -1
        for svc in self.tariff.services:
            if svc.base != service:
                continue
            for prefix in svc.numbers:
                digits = prefix_key(prefix, self.country_code)
                if party.startswith(digits) and len(digits) > best_len:
                    best, best_len = svc, len(digits)
        if best is None or any(party.startswith(prefix_key(p, self.country_code))
                               for p in best.not_numbers):
            return None
        return best.name

    # -- the model's parts ------------------------------------------------------------------

    def price_list(self, kind: str, network: str | None = None, at=None) -> PriceList | None:
        """The first list of `kind` (on `network`) in force at `at` (compiler.evaluate.versions)."""
        tz = self.tariff.operator.timezone
        band = self.band
        if band is None and self.tariff.time_bands and at is not None:
            band = timebands.band_at(self.tariff.time_bands[0], at, tz)
        return next((pl for pl in self.tariff.price_lists
                     if pl.kind == kind and (network is None or pl.network == network)
                     and in_force(pl, at, tz) and pl.band in (None, band)), None)

    def network(self, name: str) -> Network | None:
        return next((n for n in self.tariff.networks if n.name == name), None)

    # -- places -----------------------------------------------------------------------------

    def network_shown(self, shown: str) -> Network | None:
        """The network a phone shows as `shown`: its name, an MCC-MNC or a shown name."""
        key = _key(shown)
        for n in self.tariff.networks:
            if any(_key(k) == key for k in (n.name, *n.mccmnc, *n.shown_as)):
                return n
        return None

    def zone_of(self, kind: str, member: str) -> tuple[Zone, bool] | None:
        """The zone a country or MCC (`kind` "countries" / "mcc") is in, and whether only as an
        illustrative member; listed members win over illustrative ones."""
        for z in self.tariff.zones:
            if member in getattr(z, kind):
                return z, False
        for z in self.tariff.zones:
            if member in getattr(z, "illustrative_" + kind):
                return z, True
        return None

    def place(self, where) -> Place:
        """The zone and network of a roaming place; UnknownZone when no zone has it."""
        net = None if where.network is None else self.network_shown(where.network)
        if net is not None and where.country is not None and net.country != where.country:
            net = None  # "Telenor" shown in another country is another network
        name = None if net is None else net.name
        if name is not None:
            for z in self.tariff.zones:
                if name in z.networks:
                    return Place(z.name, name)
        country = where.country or (net.country if net is not None else None)
        found = None if country is None else self.zone_of("countries", country)
        if found is None and where.network is not None:
            digits = where.network.replace(" ", "")[:3]
            if digits.isdigit():
                found = self.zone_of("mcc", digits)
        if found is None:
            raise UnknownZone(f"no roaming zone for country {where.country or '-'}, network "
                              f"{where.network or '-'}", country=where.country, network=where.network)
        return Place(found[0].name, name, found[1])

    def network_of(self, number: str | None) -> str | None:
        """The network of a normalised number: its longest matching prefix (listed or
        illustrative); a `not numbers` range (ported numbers) belongs to no network."""
        if number is None:
            return None
        best, best_len = None, -1
        for n in self.tariff.networks:
            for prefix in (*n.numbers, *n.illustrative_numbers):
                digits = prefix.lstrip("+")
                if number.startswith(digits) and len(digits) > best_len:
                    best, best_len = n, len(digits)
        if best is None or any(number.startswith(p.lstrip("+")) for p in best.not_numbers):
            return None
        return best.name

    def reaches(self, dest: Destination | None, party: str | None, party_net: str | None,
                named_countries: frozenset = frozenset()) -> bool:
        """Whether the other party falls in a destination (`other countries`: a country that
        none of `named_countries` is)."""
        if dest is None or dest.kind == "any":
            return True
        if dest.kind == "numbers":
            return party is not None and any(party.startswith(p.lstrip("+")) for p in dest.names)
        if dest.kind == "networks":
            return party_net is not None and party_net in dest.names
        country = None if party is None else country_of(party)
        if dest.kind == "countries":
            return country is not None and country in dest.names
        return party is not None and country not in named_countries  # other countries

    # -- prices -----------------------------------------------------------------------------

    def priced(self, rate: Rate, interval, service: str, rule: str, category: str) -> Priced:
        """A model rate (with a price) as a `Priced`; a per-call price is all per-event."""
        price = rate.price
        if price.per not in UNITS_PER:
            return Priced(1, 1, None, 1, None, price.amount, self.unit(service), "per event",
                          price.per or "event", rule, cite(rate.span), category)
        if interval is None:  # prorated per unit (per second for calls)
            first, next_, notation = 1, 1, "1/1"
        else:
            first, next_, notation = interval.first, interval.next, interval.notation
        label = price.per if price.per_amount == 1 else f"{price.per_amount} {price.per}"
        return Priced(first, next_, price.amount, UNITS_PER[price.per] * price.per_amount,
                      None if rate.first_price is None else rate.first_price.amount, ZERO,
                      self.unit(service), notation, label, rule, cite(rate.span), category)

    def zone_rate(self, zone: str, service: str, category_zone: str, at=None) -> Priced:
        """The zone table's rate of `service` in `zone` (the table in force at `at`)."""
        table = self.price_list("zones", at=at)
        row = None if table is None else next(
            (r for r in table.rates if r.zone == zone and r.service == service), None)
        if row is None:
            raise NotAvailable(f"{service} is not priced in {category_zone} by the seeds",
                               zone=category_zone, service=service)
        if row.price is None:
            raise NotAvailable(f"{service} is not available in {zone} (`-` in the price table)",
                               source=cite(row.span), zone=zone, service=service)
        return self.priced(row, row.interval or table.interval(service), service,
                           f"{service} in {zone}", f"{service} / {category_zone}")

    def destination_rows(self, pl: PriceList, service: str, party: str | None,
                         party_net: str | None, required: bool = True) -> tuple[Rate, ...] | None:
        """The rows of `service` for the most specific destination the party falls in."""
        rows = [r for r in pl.rates if r.service == service]
        named = frozenset(c for r in rows if r.destination.kind == "countries"
                          for c in r.destination.names)
        groups: list[tuple[Destination, list[Rate]]] = []
        for r in rows:
            for dest, members in groups:
                if (dest.kind, dest.names) == (r.destination.kind, r.destination.names):
                    members.append(r)
                    break
            else:
                groups.append((r.destination, [r]))
        groups.sort(key=lambda g: SPECIFICITY.index(g[0].kind))
        by_number = [(max(len(p.lstrip("+")) for p in dest.names if party.startswith(p.lstrip("+"))), members)
                     for dest, members in groups if dest.kind == "numbers" and self.reaches(dest, party, party_net)]
        if by_number:  # the longest prefix of the party's number
            return tuple(max(by_number, key=lambda g: g[0])[1])
        for dest, members in groups:
            if self.reaches(dest, party, party_net, named):
                return tuple(members)
        if not required:
            return None
        if party is None:
            raise InvalidEvent(f"{service} on {pl.name} is priced by destination: the event "
                               "needs the other party's number", service=service)
        raise NotAvailable(f"{service} to +{party} has no price on {pl.name}",
                           source=cite(pl.span), service=service)

    def list_rate(self, pl: PriceList, service: str, zone: str | None, party: str | None,
                  party_net: str | None, at=None) -> Priced | None:
        """The rate of `service` in a network or home list (None: no row for the service)."""
        if not any(r.service == service for r in pl.rates):
            return None
        rows = self.destination_rows(pl, service, party, party_net)
        dest = rows[0].destination
        to = dest.kind if dest.kind in ("any", "other countries") else \
            f"{dest.kind} {', '.join(sorted(dest.names))}"
        label = f"{service} on {pl.name}" if to == "any" else f"{service} to {to} on {pl.name}"
        category = f"{service} / {zone or 'home'}"
        metered: Priced | None = None
        flat = ZERO
        for row in rows:
            if row.via_zone is not None:
                try:
                    via = self.zone_rate(row.via_zone, service, row.via_zone, at)
                except NotAvailable:
                    raise NotAvailable(f"{service} is not available in {row.via_zone}",
                                       source=cite(row.span)) from None
                metered = replace(via, rule=f"{label} at {row.via_zone}", source=cite(row.span),
                                  category=category)
                continue
            if row.price is None:
                raise NotAvailable(f"{service} is not available on {pl.name}", source=cite(row.span))
            p = self.priced(row, row.interval or pl.interval(service), service, label, category)
            if p.price is None:
                flat += p.flat
            else:
                metered = p
        if service in CONNECTING:
            fees = self.destination_rows(pl, "connection fee", party, party_net, required=False) \
                if any(r.service == "connection fee" for r in pl.rates) else None
            for row in fees or ():
                flat += row.price.amount
        if metered is None:
            return Priced(1, 1, None, 1, None, flat, self.unit(service), "per event", "event", label,
                          cite(rows[0].span), category)
        return replace(metered, flat=metered.flat + flat)

    def roaming_rate(self, place: Place, service: str, party: str | None,
                     party_net: str | None, at=None) -> Priced:
        """The rate of `service` at a roaming place: the network's own list, else the zone."""
        zone = place.zone
        own = None if place.network is None else self.price_list("network", place.network, at)
        if own is not None:
            rate = self.list_rate(own, service, place.zone, party, party_net, at)
            if rate is not None:
                return rate
            found = self.zone_of("countries", self.network(place.network).country)
            zone = None if found is None else found[0].name
        return self.zone_rate(zone, service, place.zone, at)

    # -- the event --------------------------------------------------------------------------

    def round(self, amount: Decimal) -> Decimal:
        r = self.tariff.operator.rounding
        return amount if r is None else round_amount(amount, r.quantum, r.mode)

    def on_usage(self, world: World, ev: Usage, explain: bool) -> tuple[World, Outcome]:
        if ev.service not in SERVICES and ev.service not in self.declared:
            known = (*SERVICES, *self.declared)
            raise InvalidEvent(f"unknown service `{ev.service}`; one of: {', '.join(known)}",
                               service=ev.service)
        if type(ev.amount) is not int or ev.amount < 0:
            raise InvalidEvent(f"a usage amount is a whole number >= 0, not {ev.amount!r}",
                               amount=ev.amount)
        sub = world.subscribers.get(ev.msisdn)
        if sub is None:
            sub = world.subscriber(normalise(ev.msisdn, self.country_code))
        if sub.activated is not None and ev.at < sub.activated:
            raise OutOfOrder(f"usage at {ev.at.isoformat()} is before the line was activated "
                             f"({sub.activated.isoformat()})", msisdn=sub.msisdn)
        party = None if ev.party is None else party_number(ev.party, self.country_code,
                                                           self.short_codes)
        party_net = self.network_of(party)
        if not ev.where.roaming or ev.where.country == self.tariff.operator.country:
            return self.at_home(world, sub, ev, party, party_net, explain)  # the operator's country
        place = self.place(ev.where)
        done = timebands.split(self, world, sub, ev, place, party, party_net, explain)
        if done is not None:
            return done
        rate = self.roaming_rate(place, ev.service, party, party_net, ev.at)
        used = None
        if sub.passes and ev.amount:
            used = self.evaluator.passes.consume(sub, ev, place, party, party_net, rate, explain)
        return self.charge(world, sub, ev, place, rate, used, explain)

    def at_home(self, world: World, sub: Subscriber, ev: Usage, party: str | None,
                party_net: str | None, explain: bool) -> tuple[World, Outcome]:
        for hook in self.home_hooks:
            done = hook(world, sub, ev, party, explain)
            if done is not None:
                return done
        home = self.price_list("home", at=ev.at)
        if home is None:
            raise NotAvailable("home usage is not priced by the seeds", service=ev.service)
        cls = self.traffic_class(ev.service, party)
        if cls is not None and any(r.service == cls for r in home.rates):
            ev = replace(ev, service=cls)  # rated, reported and billed as its class
        done = timebands.split(self, world, sub, ev, Place(None, None), party, party_net, explain)
        if done is not None:
            return done
        rate = self.list_rate(home, ev.service, None, party, party_net, ev.at)
        if rate is None:
            interval = home.interval(ev.service)
            details = {} if interval is None else {
                "billed": billed_quantity(ev.amount, interval.first, interval.next),
                "interval": interval.notation}
            raise NotAvailable(f"{ev.service} at home has no price in {home.name}",
                               source=cite(home.span), service=ev.service, **details)
        return self.charge(world, sub, ev, Place(None, None), rate, None, explain)

    def charge(self, world: World, sub: Subscriber, ev: Usage, place: Place, rate: Priced,
               used: Used | None, explain: bool) -> tuple[World, Outcome]:
        """Round, take from a prepaid balance (or refuse), write the ledger."""
        billed = rate.billed(ev.amount)
        exact = rate.cost(ev.amount) if used is None else used.amount
        rule, source = (rate.rule, rate.source) if used is None else (used.rule, used.source)
        passes = sub.passes if used is None else used.passes
        amount = self.round(exact)
        data = {"zone": place.zone, "network": place.network, "service": ev.service,
                "amount": ev.amount, "billed": billed, "unit": self.unit(ev.service)}
        if place.illustrative:
            data["membership"] = "illustrative"
        if used is not None:
            data.update(used.facts)
        balance = sub.balance
        if balance is not None and amount != 0:
            paid = amount + self.evaluator.vat_on(amount)
            if paid != amount:
                data["gross"] = str(paid)
            if balance.amount - paid < 0:
                data.update(charge=str(amount), balance=str(balance.amount))
                return world, Outcome(sub.msisdn, False, None, (), rule, source, "",
                                      "insufficient balance", frozen_map(data))
            balance = Money(balance.amount - paid, self.currency)
        money = Money(amount, self.currency)
        line = Charge(ev.at, "traffic", rate.category, money, ev.amount, self.unit(ev.service))
        sub = sub.with_(balance=balance, passes=passes, ledger=sub.ledger + (line,))
        arithmetic = self.arithmetic(rate, ev.amount, exact, amount, used) if explain else ""
        return world.with_subscriber(sub), Outcome(sub.msisdn, True, money, (), rule, source,
                                                   arithmetic, "", frozen_map(data))

    def arithmetic(self, rate: Priced, amount: int, exact: Decimal, charged: Decimal,
                   used: Used | None) -> str:
        c, u = self.currency, rate.unit
        if used is not None:
            text = used.arithmetic
        elif rate.price is None:
            text = f"{amount} {u}: {rate.flat} {c} per event"
        else:
            text = f"{amount} {u} at {rate.notation} = {rate.billed(amount)} {u}"
            if rate.first_price is not None:
                text += f": first {rate.first} {u} {rate.first_price} {c} + " \
                        f"{rate.billed(amount) - rate.first} {u} x {rate.price} {c}/{rate.per_label}"
            else:
                text += f" x {rate.price} {c}/{rate.per_label}"
            if rate.flat:
                text += f" + {rate.flat} {c} per event"
        if exact != charged:
            return f"{text} = {exact.normalize():f} {c} -> {charged} {c}"
        return f"{text} = {charged} {c}"


def handlers(evaluator) -> dict:
    """Set `evaluator.rating` (with its `home_hooks`) and `evaluator.rate`; handle `Usage` when
    the tariff has zones, networks or price lists."""
    rating = Rating(evaluator)
    evaluator.rating = rating

    def rate(world: World, usage: Usage, explain: bool = False) -> tuple[World, Outcome]:
        """Rate one usage event: the same as `evaluator.apply` for a `Usage`."""
        return evaluator.apply(world, usage, explain)

    evaluator.rate = rate
    t = evaluator.tariff
    if not (t.zones or t.networks or t.price_lists):
        return {}
    return {Usage: rating.on_usage}
