"""Rating: a `Usage` event -> its charge, by the place, the service and the other party.

Rules, in the order applied (docs/runtime/rating.md says the same, with the seed readings):

1. the event is checked: a known service, a whole non-negative amount, a known subscriber,
   not before the subscriber's activation;
2. the place: at home, or roaming in a zone. The zone is the zone listing the network the
   phone is registered on (found by MCC-MNC, shown name or name), else the zone of the
   country, else of the MCC; none -> `UnknownZone`;
3. the price: on a network with its own price list (Telenor Crna Gora), the most specific row
   for the other party (networks, countries, other countries, any; per-time and per-call rows
   add up, connection fees add per call); otherwise the zone table's row. A `-` cell ->
   `NotAvailable`. At home: the hooks other areas register (family groups), then the home
   price list; no home price -> `NotAvailable`;
4. active passes that apply there (runtime.passes): free rules, then pass rates, then
   allowances; what they do not cover is charged by the price above;
5. the charge is rounded per event (the operator's rounding), taken from a prepaid balance
   (refused when it would go negative) and written to the ledger.

>>> from datetime import datetime, timezone
>>> from runtime.engine import Engine
>>> from runtime.events import Usage, Where
>>> from runtime.money import Money
>>> from runtime.state import Subscriber, world_of
>>> op = {"id": "demo", "currency": "RSD", "languages": ("en",),
...       "rounding": {"mode": "half-up", "quantum": Decimal("0.01"), "source": "op:1"}}
>>> zone = {"name": "Zona 1", "names": {}, "countries": ("AT",), "illustrative_countries": (),
...         "mcc": (), "illustrative_mcc": (), "networks": (), "source": "r:1"}
>>> row = {"service": "outgoing call", "zone": "Zona 1", "to": None, "first_price": None,
...        "price": {"amount": Decimal("119.90"), "currency": "RSD", "per": "min", "per_amount": 1},
...        "interval": (60, 60, "s", "60/60"), "via_zone": None, "source": "r:9"}
>>> table = {"name": "Z", "names": {}, "kind": "zones", "network": None, "intervals": {},
...          "rates": (row,), "source": "r:5"}
>>> engine = Engine({"operator": op, "rating": {"zones": (zone,), "networks": (),
...                  "price_lists": (table,)}})
>>> world = world_of(Subscriber("381631234567", "postpaid"))
>>> at = datetime(2024, 7, 1, tzinfo=timezone.utc)
>>> world, out = engine.apply(world, Usage("381631234567", at, "outgoing call", 61,
...                                        Where(country="AT")), explain=True)
>>> out.charge, out.arithmetic
(Money('239.80', 'RSD'), '61 s at 60/60 = 120 s x 119.90 RSD/min = 239.80 RSD')
"""

from __future__ import annotations

from dataclasses import fields, replace
from decimal import ROUND_CEILING, ROUND_HALF_UP, Context, Decimal, Inexact
from types import MappingProxyType, MemberDescriptorType
from typing import Callable, NamedTuple

from runtime.errors import CurrencyMismatch, InvalidEvent, NotAvailable, OutOfOrder, UnknownZone
from runtime.events import SERVICES, Outcome, Usage
from runtime.money import Money, round_amount
from runtime.numbers import COUNTRY_CODES, country_of, matches_prefix, normalise, prefix_key
from runtime.numbers import party as party_number
from runtime.state import Charge, Subscriber, World
from runtime.taxes import gross
from runtime.versions import VersionedRating, dated

ZERO = Decimal(0)
OUTGOING = ("outgoing call", "callback call", "video call")
UNITS = {"outgoing call": "s", "callback call": "s", "incoming call": "s", "video call": "s",
         "sms": "sms", "mms": "KB", "data": "KB"}
SPECIFICITY = ("numbers", "networks", "countries", "other countries", "any")
# A price's `per` -> how many units of the event's quantity it is for (None: flat per event).
PER_UNITS = {"min": 60, "s": 1, "KB": 1, "MB": 1024, "sms": 1, "use": 1, "call": None, "mms": None}
_SERVICES = frozenset(SERVICES)
_MISSING = object()
_EXACT = Context(prec=28, traps=[Inexact])  # a division that must not round

HomeHook = Callable[[World, object, Usage, "str | None", bool], "tuple[World, Outcome] | None"]


class Rate(NamedTuple):
    """How one service is priced in one place: `first` units (at `first_price`, or pro rata
    at `price`), then blocks of `next`; `price` is for `per` units (None: only `flat`, the
    per-event part); `block` is the price of one `next` block when exact."""

    first: int
    next: int
    first_price: Decimal | None
    price: Decimal | None
    per: int
    per_label: str
    unit: str
    block: Decimal | None
    flat: Decimal
    notation: str
    rule: str
    source: str
    category: str


class Place(NamedTuple):
    """Where an event happens: `zone` (None at home), the `network` registered on (a name of
    the network table, or None), its price list (None: the zone table), how membership was
    known ("listed", or "illustrative" when it comes from the spec's example members)."""

    zone: str | None
    network: str | None
    network_list: dict | None
    membership: str


def amount_of(rate: Rate, qty: int) -> tuple[int, Decimal]:
    """(billed quantity, exact amount) of `qty` units at `rate`; 0 units cost nothing.

    >>> r = Rate(5, 100, Decimal(6), Decimal("99.90"), 100, "100 KB", "KB", Decimal("99.90"),
    ...          ZERO, "5 KB + 100 KB", "", "", "")
    >>> [amount_of(r, kb) for kb in (0, 5, 6, 106)]
    [(0, Decimal('0')), (5, Decimal('6.00')), (105, Decimal('105.90')), (205, Decimal('205.80'))]
    """
    if qty <= 0:
        return 0, ZERO
    first = rate.first
    if qty <= first:
        billed, blocks = first, 0
    else:
        blocks = -(-(qty - first) // rate.next)
        billed = first + blocks * rate.next
    price = rate.price
    if price is None:
        return billed, rate.flat
    if rate.first_price is not None:
        rest = billed - first
        amount = rate.first_price + (rate.block * blocks if rate.block is not None
                                     else price * rest / rate.per)
    elif rate.block is not None and first == rate.next:
        amount = rate.block * (blocks + 1)
    else:
        amount = price * billed / rate.per
    return billed, amount + rate.flat


def rest_amount(rate: Rate, units: int) -> Decimal:
    """What `units` already billed cost pro rata at the rate's `price` (no first-block price,
    no per-event part): the part of an event an allowance did not cover."""
    if units <= 0 or rate.price is None:
        return ZERO
    return rate.price * units / rate.per


def _exact_block(price: Decimal, next_: int, per: int) -> Decimal | None:
    """The price of one `next` block when it is exact (119.90/min, 60 s: 119.90), else None
    (119.90/min, 1 s: 1.99833...; multiplying that back by 60 would round to 119.90 in 28
    digits and hide the inexactness, so the division itself must be exact).

    >>> _exact_block(Decimal("119.90"), 60, 60), _exact_block(Decimal("119.90"), 1, 60)
    (Decimal('119.90'), None)
    """
    try:
        return _EXACT.divide(price * next_, per)
    except Inexact:
        return None


def _per(price: dict, service: str) -> tuple[int | None, str]:
    n = PER_UNITS[price["per"]]
    label = price["per"] if price["per_amount"] == 1 else f"{price['per_amount']} {price['per']}"
    return (None if n is None else n * price["per_amount"]), label


class Rating:
    """The rating engine of one operator (`engine.rating`): places, prices and `on_usage`."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.currency = engine.currency
        self.vat = engine.tables["operator"].get("vat")  # runtime.taxes: prepaid pays gross
        op = engine.tables["operator"]
        self.country_code = COUNTRY_CODES.get(op.get("country", ""), "")
        self.home_country = op.get("country") or None
        rounding = op.get("rounding")
        self.quantum = None if rounding is None else rounding["quantum"]
        self.mode = None if rounding is None else rounding["mode"]
        # A power of ten rounds with one quantize (the common case: 0.01).
        self.fast_quantum = self.quantum is not None and self.quantum.as_tuple().digits == (1,)
        self.rounding_mode = ROUND_HALF_UP if self.mode == "half-up" else ROUND_CEILING
        self.home_hooks: list[HomeHook] = []
        t = engine.tables["rating"]
        self._index_services(t.get("services", {}))
        self._index_places(t["zones"], t["networks"])
        lists = t["price_lists"]
        self.zone_rates = self._zone_rates(next((p for p in lists if p["kind"] == "zones"), None))
        self.network_lists = {p["network"]: self._rows(p) for p in lists if p["kind"] == "network"}
        home = next((p for p in lists if p["kind"] == "home"), None)
        self.home = None if home is None else self._rows(home)
        # Memo tables of pure functions of the tables (bounded): place by (country, network),
        # a number's (network, listed, country) by its first digits, a list's rate by what
        # decides it, a zone rate under another place's category.
        self.places: dict[tuple, Place] = {}
        self.parties: dict[str, tuple] = {}
        self.list_rates: dict[tuple, Rate | None] = {}
        self.moved_rates: dict[tuple, Rate] = {}

    # -- places -------------------------------------------------------------------------

    def _index_places(self, zones, networks) -> None:
        self.zone_of_country: dict[str, tuple[str, str]] = {}
        self.zone_of_mcc: dict[str, tuple[str, str]] = {}
        self.zone_of_network: dict[str, str] = {}
        for z in zones:
            for kind, target in (("countries", self.zone_of_country), ("mcc", self.zone_of_mcc)):
                for member in z[kind]:
                    target[member] = (z["name"], "listed")
                for member in z["illustrative_" + kind]:
                    target.setdefault(member, (z["name"], "illustrative"))
            for n in z["networks"]:
                self.zone_of_network[n] = z["name"]
        self.networks = {n["name"]: n for n in networks}
        self.network_keys: dict[str, dict] = {}
        for n in networks:
            for key in (n["name"], *n["mccmnc"], *n["shown_as"]):
                self.network_keys.setdefault(_key(key), n)
        # (prefix digits, network name, listed?) longest first; `not numbers` exclude.
        prefixes = [(p.lstrip("+"), n["name"], listed) for n in networks
                    for listed, kind in ((True, "numbers"), (False, "illustrative_numbers"))
                    for p in n[kind]]
        self.prefixes = sorted(prefixes, key=lambda p: -len(p[0]))
        self.not_numbers = {n["name"]: n["not_numbers"] for n in networks}
        # Prefixes and calling codes (3 digits at most) look at no more digits than this.
        self.prefix_len = max([3, self.prefix_len] + [len(p.lstrip("+")) for n in networks for kind in
                                     ("numbers", "not_numbers", "illustrative_numbers")
                                     for p in n[kind]])

    def _index_services(self, declared: dict) -> None:
        """The services of this operator (built-in and declared) with their amount units, and
        the traffic classes by number: base service -> ((prefix, class, not_numbers), ...),
        longest prefix first."""
        self.units = {**UNITS, **{name: s["unit"] for name, s in declared.items()}}
        self.services = frozenset(self.units)
        classes: dict[str, list] = {}
        cc = self.country_code
        for name, s in declared.items():
            if s["base"] is not None:
                excluded = tuple(prefix_key(p, cc) for p in s["not_numbers"])
                for p in s["numbers"]:
                    classes.setdefault(s["base"], []).append((prefix_key(p, cc), name, excluded))
        self.classes = {base: tuple(sorted(c, key=lambda x: -len(x[0]))) for base, c in classes.items()}
        keys = [prefix_key(p, cc) for s in declared.values() for p in (*s["numbers"], *s["not_numbers"])]
        # Short codes (`numbers 999`) make a dialled short code a party ("44#999").
        self.short_codes = any("#" in k for k in keys)
        self.prefix_len = max([0] + [len(k) for k in keys])

    def class_of(self, service: str, party: str | None) -> str | None:
        """The declared traffic class of `service` to the normalised number `party`: the
        class with the longest prefix it starts with, unless a `not numbers` prefix of that
        class excludes it (None: no class)."""
        classes = self.classes.get(service)
        if not classes or party is None:
            return None
        for prefix, name, excluded in classes:
            if party.startswith(prefix):
                return None if any(party.startswith(p) for p in excluded) else name
        return None

    def place(self, where) -> Place:
        """The place of a roaming event (zone, network, price list); `UnknownZone` if none.

        Memoised per (country, network): a pure function of the tables."""
        key = (where.country, where.network)
        found = self.places.get(key)
        if found is None:
            found = self._place(*key)
            if len(self.places) < 4096:
                self.places[key] = found
        return found

    def _place(self, country: str | None, network: str | None) -> Place:
        net = None if network is None else self.network_keys.get(_key(network))
        if net is not None and country is not None and net["country"] != country:
            net = None  # "Telenor" shown in another country is another network
        name = None if net is None else net["name"]
        net_list = None if name is None else self.network_lists.get(name)
        zone = None if name is None else self.zone_of_network.get(name)
        if zone is not None:
            return Place(zone, name, net_list, "listed")
        by_country = self.zone_of_country.get(country or (net and net["country"]) or "")
        if by_country is not None:
            return Place(by_country[0], name, net_list, by_country[1])
        digits = "" if network is None else network.replace(" ", "")
        if digits[:3].isdigit():
            by_mcc = self.zone_of_mcc.get(digits[:3])
            if by_mcc is not None:
                return Place(by_mcc[0], name, net_list, by_mcc[1])
        raise UnknownZone(f"no roaming zone for country {country or '-'}, network "
                          f"{network or '-'}", country=country, network=network)

    def network_of(self, number: str | None) -> tuple[str | None, bool]:
        """(the network a normalised number belongs to, by prefix; whether the prefix is
        listed rather than illustrative). Ported ranges (`not numbers`) belong to none."""
        if number is None:
            return None, False
        return self.party(number)[:2]

    def party(self, number: str) -> tuple[str | None, bool, str | None]:
        """(network, listed, country) of a normalised number, memoised by its first
        `prefix_len` digits: all that network prefixes and calling codes look at."""
        key = number[:self.prefix_len]
        found = self.parties.get(key)
        if found is None:
            found = (*self._network_of(key), country_of(key))
            if len(self.parties) < 65536:
                self.parties[key] = found
        return found

    def _network_of(self, number: str) -> tuple[str | None, bool]:
        for prefix, name, listed in self.prefixes:
            if number.startswith(prefix):
                if matches_prefix(number, self.not_numbers[name]):
                    return None, False
                return name, listed
        return None, False

    # -- price lists --------------------------------------------------------------------

    def _rate(self, row: dict, interval, service: str, rule: str, category: str,
              flat: Decimal = ZERO) -> Rate:
        price, first_price = row["price"], row["first_price"]
        for p in (price, first_price):
            if p is not None and p["currency"] != self.currency:
                raise CurrencyMismatch(f"{p['currency']} price in a {self.currency} tariff",
                                       source=row["source"])
        per, label = _per(price, service)
        if per is None:  # flat per event
            return Rate(1, 1, None, None, 1, label, self.units[service], None, flat + price["amount"],
                        "per event",
                        rule, row["source"], category)
        first, next_, _, notation = interval or (1, 1, self.units[service], "1/1")
        amount = price["amount"]
        return Rate(first, next_, None if first_price is None else first_price["amount"],
                    amount, per, label, self.units[service], _exact_block(amount, next_, per), flat,
                    notation,
                    rule, row["source"], category)

    def _zone_rates(self, table: dict | None) -> dict[tuple[str, str], Rate | str]:
        """(zone, service) -> Rate, or the source line of a `-` cell."""
        rates: dict[tuple[str, str], Rate | str] = {}
        if table is None:
            return rates
        for row in table["rates"]:
            zone, service = row["zone"], row["service"]
            if row["price"] is None:
                rates[(zone, service)] = row["source"]
                continue
            interval = row["interval"] or table["intervals"].get(service)
            rates[(zone, service)] = self._rate(row, interval, service, f"{service} in {zone}",
                                                f"{service} / {zone}")
        return rates

    def _rows(self, table: dict) -> dict:
        """A network or home list: service -> ((kind, names, rows), ...) by specificity."""
        by_service: dict[str, dict[tuple, list]] = {}
        for row in table["rates"]:
            kind, names = row["to"]
            by_service.setdefault(row["service"], {}).setdefault((kind, names), []).append(row)
        return {"name": table["name"], "network": table["network"], "kind": table["kind"],
                "intervals": table["intervals"], "source": table["source"],
                "by_number": any(row["to"][0] == "numbers" for row in table["rates"]),
                "services": {s: tuple(sorted(((k, frozenset(n), rows) for (k, n), rows in g.items()),
                                             key=lambda g: SPECIFICITY.index(g[0])))
                             for s, g in by_service.items()}}

    def _list_rate(self, lst: dict, service: str, zone: str | None, party: str | None,
                   party_net: str | None) -> Rate | None:
        """The rate of the most specific destination row of `service` in a network or home
        list (None: the list has no row for it). Memoised by all that decides it: the list,
        the service, the place, the party's network and country (errors are not kept)."""
        key = (lst["kind"], lst["name"], service, zone, party is None, party_net,
               None if party is None else self.party(party)[2],
               party[:self.prefix_len] if lst["by_number"] and party is not None else None)
        found = self.list_rates.get(key, _MISSING)
        if found is _MISSING:
            found = self._list_rate_of(lst, service, zone, party, party_net)
            if len(self.list_rates) < 4096:
                self.list_rates[key] = found
        return found

    def _list_rate_of(self, lst: dict, service: str, zone: str | None, party: str | None,
                      party_net: str | None) -> Rate | None:
        groups = lst["services"].get(service)
        if groups is None:
            return None
        group = _match(groups, service, party, party_net, lst)
        where = zone or "home"
        category = f"{service} / {where}"
        to = group[0] if group[0] in ("any", "other countries") else f"{group[0]} {', '.join(sorted(group[1]))}"
        label = f"{service} on {lst['name']}" if to == "any" else f"{service} to {to} on {lst['name']}"
        metered, flat = None, ZERO
        for row in group[2]:
            if row["via_zone"] is not None:
                via = self.zone_rates.get((row["via_zone"], service))
                if not isinstance(via, Rate):
                    raise NotAvailable(f"{service} is not available in {row['via_zone']}",
                                       source=row["source"])
                metered = via._replace(rule=f"{label} at {row['via_zone']}", source=row["source"],
                                       category=category)
                continue
            if row["price"] is None:
                raise NotAvailable(f"{service} is not available on {lst['name']}", source=row["source"])
            interval = row["interval"] or lst["intervals"].get(service)
            rate = self._rate(row, interval, service, label, category)
            if rate.price is None:
                flat += rate.flat
            else:
                metered = rate
        if service in OUTGOING and "connection fee" in lst["services"]:
            fee = _match(lst["services"]["connection fee"], service, party, party_net, lst, False)
            for row in (fee[2] if fee else ()):
                flat += row["price"]["amount"]
        if metered is None:
            return Rate(1, 1, None, None, 1, "call", self.units[service], None, flat, "per event",
                        label, group[2][0]["source"], category)
        return metered._replace(flat=metered.flat + flat)

    def price(self, place: Place, service: str, party: str | None, party_net: str | None) -> Rate:
        """The rate of `service` at a roaming `place` for the other party."""
        if place.network_list is not None:
            rate = self._list_rate(place.network_list, service, place.zone, party, party_net)
            if rate is not None:
                return rate
            # Services the network's list does not price: the zone of its country.
            zone = self.zone_of_country.get(self.networks[place.network]["country"], (None,))[0]
        else:
            zone = place.zone
        rate = self.zone_rates.get((zone, service))
        if type(rate) is Rate:
            if zone != place.zone:  # priced by another zone, billed under this place's
                key = (place.zone, zone, service)
                moved = self.moved_rates.get(key)
                if moved is None:
                    moved = self.moved_rates[key] = rate._replace(
                        category=f"{service} / {place.zone}")
                return moved
            return rate
        if rate is None:
            raise NotAvailable(f"{service} is not priced in {place.zone} by the seeds",
                               zone=place.zone, service=service)
        raise NotAvailable(f"{service} is not available in {zone} (`-` in the price table)",
                           source=rate, zone=zone, service=service)

    # -- the event ----------------------------------------------------------------------

    def at(self, when) -> Rating:
        """The rating in force at `when`: this one (runtime.versions.VersionedRating has
        one per period of a spec with effective dates)."""
        return self

    def round(self, amount: Decimal) -> Decimal:
        if self.quantum is None:
            return amount
        if self.fast_quantum:
            return amount.quantize(self.quantum, rounding=self.rounding_mode)
        return round_amount(amount, self.quantum, self.mode)

    def on_usage(self, world: World, ev: Usage, explain: bool) -> tuple[World, Outcome]:
        # The hot path: every lookup below is a dict hit after the first events (places,
        # rates and parties are memoised), and the new state is built by `_rated`/`_with`.
        sub = world.subscribers.get(ev.msisdn)
        if sub is None:
            sub = world.subscriber(normalise(ev.msisdn, self.country_code))
        service, qty = ev.service, ev.amount
        if service not in self.services:
            raise InvalidEvent(f"unknown service `{service}`; one of: {', '.join(self.units)}",
                               service=service)
        if type(qty) is not int or qty < 0:
            raise InvalidEvent(f"a usage amount is a whole number >= 0, not {qty!r}", amount=qty)
        if sub.activated is not None and ev.at < sub.activated:
            raise OutOfOrder(f"usage at {ev.at.isoformat()} is before the line was activated "
                             f"({sub.activated.isoformat()})", msisdn=sub.msisdn)
        party = ev.party
        if party is not None:
            party = self.normal(party)
        where = ev.where
        if (where.country is None and where.network is None) or where.country == self.home_country:
            return self._home(world, sub, ev, party, explain)  # at home: in the operator's country
        place = self.place(where)
        party_net = None
        if party is not None and (place.network_list is not None or sub.passes):
            party_net = self.party(party)[0]
        rate = self.price(place, service, party, party_net)
        billed, exact = amount_of(rate, qty)
        used = None
        if sub.passes and qty:
            used = self.engine.passes.consume(sub, ev, place, party_net, rate, billed, exact,
                                             explain)
        return self._charge(world, sub, ev, place, rate, billed, exact, used, explain)

    def normal(self, number: str) -> str:
        """`runtime.numbers.normalise(number)`, with a shortcut for the usual spellings
        ("+" and E.164 digits, or the digits alone), which it returns unchanged."""
        if type(number) is str:
            digits = number[1:] if number[:1] == "+" else number
            if digits.isdigit() and digits.isascii() and 8 <= len(digits) <= 15 \
                    and digits[0] != "0":
                return digits
        return party_number(number, self.country_code, self.short_codes)

    def _home(self, world: World, sub, ev: Usage, party: str | None, explain: bool):
        for hook in self.home_hooks:
            done = hook(world, sub, ev, party, explain)
            if done is not None:
                return done
        if self.home is None:
            raise NotAvailable("home usage is not priced by the seeds", service=ev.service)
        service, rate = self.home_rate(ev.service, party, self.network_of(party)[0])
        if service != ev.service:
            ev = replace(ev, service=service)  # rated, reported and billed as its class
        if rate is None:
            interval = self.home["intervals"].get(ev.service)
            details = {}
            if interval is not None:
                details["billed"] = amount_of(Rate(interval[0], interval[1], None, None, 1, "", "",
                                                   None, ZERO, "", "", "", ""), ev.amount)[0]
                details["interval"] = interval[3]
            raise NotAvailable(f"{ev.service} at home has no price in {self.home['name']}",
                               source=self.home["source"], service=ev.service, **details)
        billed, exact = amount_of(rate, ev.amount)
        return self._charge(world, sub, ev, Place(None, None, self.home, "home"), rate, billed,
                            exact, None, explain)

    def home_rate(self, service: str, party: str | None, party_net: str | None):
        """(the service as rated, its rate or None) at home: the declared traffic class of
        `party` first, where the home list prices that class (`Rating._home`, and the CDR
        kernel of `runtime.cdr`)."""
        if self.classes:
            cls = self.class_of(service, party)
            if cls is not None and cls in self.home["services"]:
                service = cls
        return service, self._list_rate(self.home, service, None, party, party_net)

    def _charge(self, world: World, sub, ev: Usage, place: Place, rate: Rate, billed: int,
                exact: Decimal, used, explain: bool) -> tuple[World, Outcome]:
        rule, source = rate.rule, rate.source
        passes = sub.passes
        if used is not None:
            passes, exact, rule, source, facts = used[0], used[1], used[2], used[3], used[4]
        if self.fast_quantum:
            charge = exact.quantize(self.quantum, rounding=self.rounding_mode)
        else:
            charge = self.round(exact)
        qty, unit = ev.amount, rate.unit
        data = usage_data(place, ev, billed, unit, None if used is None else facts)
        balance = sub.balance
        if balance is not None and charge:
            paid = gross(charge, self.vat) if self.vat is not None else charge
            if paid != charge:
                data["gross"] = str(paid)
            left = balance.amount - paid
            if left < 0:
                data["charge"] = str(charge)
                data["balance"] = str(balance.amount)
                return world, _outcome(sub.msisdn, False, None, (), rule, source, "",
                                       "insufficient balance", MappingProxyType(data))
            balance = _money(left, self.currency)
        money = _money(charge, self.currency)
        entry = _ledger_charge(ev.at, "traffic", rate.category, money, qty, unit)
        sub = _rated(sub, balance, passes, sub.ledger + (entry,))
        arithmetic = _arithmetic(rate, qty, billed, exact, charge, used, self.currency) \
            if explain else ""
        return _with(world, sub), _outcome(sub.msisdn, True, money, (), rule, source,
                                           arithmetic, "", MappingProxyType(data))


# -- building state fast ---------------------------------------------------------------------
# A frozen dataclass's `__init__` stores each field with `object.__setattr__`, and
# `dataclasses.replace` goes through `__init__` too: on this path that cost more than the
# rating itself. `builder` makes constructors that fill the slots directly instead.

def builder(cls, changed: tuple[str, ...] | None = None):
    """A fast constructor of the frozen, slotted dataclass `cls`: `build(*fields)` is
    `cls(*fields)`; with `changed`, `build(old, *values)` is
    `dataclasses.replace(old, **dict(zip(changed, values)))`. It runs no `__post_init__`
    (callers pass values of the fields' types). Generated from `dataclasses.fields(cls)`,
    so it follows changes to the class; without slots it falls back to the slow way.

    >>> copy = builder(Charge, ("quantity",))
    >>> c = Charge(None, "traffic", "sms / Zona 1", None, 1, "sms")
    >>> copy(c, 2) == Charge(None, "traffic", "sms / Zona 1", None, 2, "sms")
    True
    """
    names = [f.name for f in fields(cls)]
    if not all(type(getattr(cls, n, None)) is MemberDescriptorType for n in names) \
            or {"old", "new"} & set(names):
        if changed is None:
            return cls
        return lambda old, *values: replace(old, **dict(zip(changed, values)))
    args = names if changed is None else ["old", *changed]
    env = {"_new": object.__new__, "_cls": cls} | {f"_set_{n}": getattr(cls, n).__set__
                                                   for n in names}
    body = "".join(f"    _set_{n}(new, {n if n in args else 'old.' + n})\n" for n in names)
    exec(f"def build({', '.join(args)}):\n    new = _new(_cls)\n{body}    return new\n", env)
    return env["build"]


_outcome = builder(Outcome)
_ledger_charge = builder(Charge)
_rated = builder(Subscriber, ("balance", "passes", "ledger"))  # ledger: always a Ledger
_world = builder(World, ("subscribers",))
_set_amount, _set_currency = Money.amount.__set__, Money.currency.__set__


def _money(amount: Decimal, currency: str) -> Money:
    """`Money(amount, currency)` for an amount known to be a Decimal."""
    money = object.__new__(Money)
    _set_amount(money, amount)
    _set_currency(money, currency)
    return money


def _with(world: World, sub: Subscriber) -> World:
    """`world.with_subscriber(sub)`."""
    subs = world.subscribers
    # A mappingproxy's copy() copies its dict in C; dict(proxy) goes key by key (6x slower).
    subs = subs.copy() if type(subs) is MappingProxyType else dict(subs)
    subs[sub.msisdn] = sub
    return _world(world, MappingProxyType(subs))


def usage_data(place: Place, ev: Usage, billed: int, unit: str, facts: dict | None) -> dict:
    """The `data` of a rated usage's outcome (`facts`: what a pass did)."""
    data = {"zone": place.zone, "network": place.network, "service": ev.service,
            "amount": ev.amount, "billed": billed, "unit": unit}
    if place.membership == "illustrative":
        data["membership"] = "illustrative"
    if facts is not None:
        data.update(facts)
    return data


def _key(name: str) -> str:
    return name.replace(" ", "").casefold()


def _match(groups, service: str, party: str | None, party_net: str | None, lst: dict,
           required: bool = True):
    """The first destination group (most specific first) that the other party falls in;
    among `numbers` groups, the one with the longest prefix of the party's number."""
    country = _country(party)
    named = {c for kind, names, _ in groups if kind == "countries" for c in names}
    if party is not None and groups[0][0] == "numbers":
        best, best_len = None, -1
        for group in groups:
            if group[0] != "numbers":
                break
            for prefix in group[1]:
                digits = prefix.lstrip("+")
                if len(digits) > best_len and party.startswith(digits):
                    best, best_len = group, len(digits)
        if best is not None:
            return best
    for group in groups:
        kind, names = group[0], group[1]
        if kind == "any" or (kind == "networks" and party_net in names) or \
                (kind == "countries" and country in names) or \
                (kind == "other countries" and party is not None and country not in named):
            return group
    if not required:
        return None
    if party is None:
        raise InvalidEvent(f"{service} on {lst['name']} is priced by destination: the event "
                           "needs the other party's number", service=service)
    raise NotAvailable(f"{service} to +{party} has no price on {lst['name']}",
                       source=lst["source"], service=service)


def _country(number: str | None) -> str | None:
    return None if number is None else country_of(number)


def _arithmetic(rate: Rate, qty: int, billed: int, exact: Decimal, charge: Decimal, used,
                currency: str) -> str:
    unit = rate.unit
    if used is not None:
        text = used[5]
    elif rate.price is None:
        text = f"{qty} {unit}: {rate.flat} {currency} per event"
    else:
        text = f"{qty} {unit} at {rate.notation} = {billed} {unit}"
        if rate.first_price is not None:
            text += f": first {rate.first} {unit} {rate.first_price} {currency} + " \
                    f"{billed - rate.first} {unit} x {rate.price} {currency}/{rate.per_label}"
        else:
            text += f" x {rate.price} {currency}/{rate.per_label}"
        if rate.flat:
            text += f" + {rate.flat} {currency} per event"
    if exact != charge:
        return f"{text} = {exact.normalize():f} {currency} -> {charge} {currency}"
    return f"{text} = {charge} {currency}"


def install(engine) -> None:
    """Register the `Usage` handler; expose `engine.rating` and `engine.rate`."""
    table = engine.tables["rating"]
    make = Rating
    if "time_bands" in table:  # time bands: one per band (runtime.timebands)
        from runtime.timebands import BandedRating
        make = lambda view: BandedRating(view, Rating)  # noqa: E731
        engine.versioned = True
    rating = make(engine)
    if dated(table["price_lists"]):  # effective dates: one per period
        rating = VersionedRating(engine, make)
        engine.versioned = True
    engine.rating = rating
    engine.on(Usage, rating.on_usage)

    def rate(world: World, usage: Usage, explain: bool = False) -> tuple[World, Outcome]:
        """Rate one usage event: the same as `engine.apply` for a `Usage`."""
        return engine.apply(world, usage, explain)

    engine.rate = rate
