"""`tariffc diff`: what changed between two versions of the specs, as a customer reads it.

Both sides are checked into `compiler.model.Tariff`s and compared model to model, never text
to text: moving a block, reformatting a file or rewording a comment changes nothing here,
while one edited cell of a price table is one line:

    Standardna roming tarifa: Zona 1, outgoing call: 119,90 -> 129,90 RSD/min (+8,3 %)
    Putni paket 7: validity 90 -> 60 days
    Removed code *124# (Remaining full-speed internet)

Every model object is compared field by field (`_compare`). Collections of named things
(codes, SMS commands, passes, zones, rates, bill fields...) are matched by their name
(`KEYS`), so an addition or removal is reported as such and a change names what changed.
A field without a dedicated wording still shows up (as `field: old -> new`), so nothing the
model holds can change silently. Amounts are written with the operator's own decimal
separator; the JSON form carries the exact values.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from dsl.ast import Span
from compiler import diff_versions
from compiler.model import Tariff
from compiler.model.balance import BillingWindow, Notifications
from compiler.model.bill import Bill, BillField, Category, Formula, PeriodExample
from compiler.model.commands import (CallCommand, Condition, MenuOption, ServiceNumber,
                                     ShortCode, SmsCommand, WebChannel)
from compiler.model.common import Eligibility, Interval, Note, Price, Texts
from compiler.model.family import Family, Rule, Tier
from compiler.model.operator import Operator, Rounding, Segment
from compiler.model.passes import Activation, Allowance, FreeRule, Pass
from compiler.model.rating import Destination, Network, PriceList, Rate, Zone
from compiler.model.services import Service
from compiler.model.timebands import BandRule, TimeBands


def plain(obj: Any) -> Any:
    """A model value without its source positions, for comparing two versions: attrs objects
    become dicts of their fields (spans left out), tuples lists; Decimals and dates stay.

    >>> plain(Price(Decimal("1.5"), "RSD", "min"))
    {'amount': Decimal('1.5'), 'currency': 'RSD', 'per': 'min', 'per_amount': 1}
    """
    if isinstance(obj, Span):
        return None
    if attrs.has(type(obj)):
        return {f.name: plain(getattr(obj, f.name)) for f in attrs.fields(type(obj))
                if f.name != "span"}
    if isinstance(obj, (tuple, list)):
        return [plain(x) for x in obj]
    return obj


def same_model(a: Tariff, b: Tariff) -> bool:
    """Whether two tariffs say the same, ignoring where in which files they say it."""
    return {**plain(a), "files": None} == {**plain(b), "files": None}


@attrs.frozen
class Change:
    """One line of the changelog. `kind`: added, removed or changed; `group`: the heading it
    goes under (the operator's area or the price list); `path`: the model path, e.g.
    ["passes", "Putni paket 7", "validity_seconds"]."""

    operator: str
    group: str
    kind: str
    text: str
    path: tuple[str, ...]
    old: Any = None
    new: Any = None

    def to_dict(self) -> dict:
        return {"operator": self.operator, "group": self.group, "kind": self.kind,
                "text": self.text, "path": list(self.path),
                "old": _jsonable(self.old), "new": _jsonable(self.new)}


def _jsonable(v: Any) -> Any:
    v = plain(v)
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, (datetime.date, datetime.time)):
        return v.isoformat()
    return v


# --- how things are named and shown ------------------------------------------------------


class _Show:
    """Values as a customer reads them, with the operator's decimal separator."""

    def __init__(self, decimal: str = ".") -> None:
        self.decimal = decimal

    def number(self, d: Decimal | int) -> str:
        s = f"{d:,}" if isinstance(d, int) else _group(d)
        if self.decimal == ",":
            s = s.replace(",", "\0").replace(".", ",").replace("\0", ".")
        return s

    def unit(self, p: Price) -> str:
        if p.per is None:
            return p.currency
        return f"{p.currency}/{p.per}" if p.per_amount == 1 else f"{p.currency}/{p.per_amount} {p.per}"

    def price(self, p: Price | None) -> str:
        if p is None:
            return "not available"
        return f"{self.number(p.amount)} {self.unit(p)}"

    def price_change(self, old: Price | None, new: Price | None) -> str:
        """`119,90 -> 129,90 RSD/min (+8,3 %)`, or both in full when the units differ."""
        if old is None or new is None or self.unit(old) != self.unit(new):
            return f"{self.price(old)} -> {self.price(new)}"
        text = f"{self.number(old.amount)} -> {self.number(new.amount)} {self.unit(new)}"
        if old.amount:
            pct = ((new.amount - old.amount) * 100 / old.amount).quantize(Decimal("0.1"))
            text += f" ({'+' if pct >= 0 else ''}{self.number(pct)} %)"
        return text

    def value(self, v: Any) -> str:
        """Any model value, readably."""
        if v is None:
            return "none"
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, Price):
            return self.price(v)
        if isinstance(v, (Decimal, int)):
            return self.number(v)
        if isinstance(v, Texts):
            return "; ".join(f"{lg}: {t}" for lg, t in v.items) or "none"
        if isinstance(v, Eligibility):
            return "everybody" if v.everybody else ", ".join(v.segments + v.plans)
        if isinstance(v, Interval):
            return v.notation
        if isinstance(v, Note):
            return f"({v.lang}) {v.text}"
        if isinstance(v, Destination):
            return v.kind if not v.names else f"{v.kind} {', '.join(v.names)}"
        if isinstance(v, datetime.date):
            return f"{v:%d.%m.%Y}"
        if isinstance(v, tuple):
            if v and all(isinstance(x, str) for x in v):
                return ", ".join(v)
            return "; ".join(self.value(x) for x in v if not isinstance(x, Span)) or "none"
        if attrs.has(type(v)):
            label = _label(v, self)
            if label:
                return label
            parts = [f"{f.name} {self.value(getattr(v, f.name))}" for f in attrs.fields(type(v))
                     if f.name != "span" and getattr(v, f.name) not in (None, (), Texts())]
            return ", ".join(parts)
        return str(v)


def _group(d: Decimal) -> str:
    sign, digits, exp = d.as_tuple()
    s = f"{abs(d):f}"
    whole, _, frac = s.partition(".")
    whole = f"{int(whole):,}"
    return ("-" if sign else "") + whole + ("." + frac if frac else "")


def _duration(a: int, b: int) -> str:
    """Two durations as the specs write them: `90 -> 60 days`, `24 -> 48 hours`."""
    def unit(s: int) -> tuple[int, str]:
        if s % 86400 == 0 and s >= 3 * 86400:
            return 86400, "days"
        for size, name in ((3600, "hours"), (60, "minutes")):
            if s % size == 0:
                return size, name
        return 1, "seconds"

    (sa, ua), (sb, ub) = unit(a), unit(b)
    if ua == ub:
        return f"{a // sa} -> {b // sb} {ub}"
    if sb < sa and a % sb == 0:  # one unit for both where it fits: 7 days -> 36 hours
        return f"{a // sb} -> {b // sb} {ub}"
    if sa < sb and b % sa == 0:
        return f"{a // sa} -> {b // sa} {ua}"
    return f"{a // sa} {ua} -> {b // sb} {ub}"


def _title(texts: Texts) -> str:
    return texts.get("en", "") or (texts.items[0][1] if texts.items else "")


def _label(v: Any, show: _Show) -> str | None:
    """How a named model object is called in a changelog line."""
    t = type(v)
    if t is ShortCode:
        return f"code {v.pattern}"
    if t is SmsCommand:
        return f"SMS {v.pattern or '(blank message)'} to {v.number}"
    if t is CallCommand:
        return f"call to {v.number}"
    if t is WebChannel:
        return f"web channel {v.name}"
    if t is ServiceNumber:
        return f"service number {v.number}"
    if t is Service:
        return f"service {v.name}"
    if t in (Zone, Network, Pass, Family, Bill, PriceList):
        return v.name
    if t is Segment:
        return f"segment {v.id}"
    if t is Rate:
        where = v.zone or (show.value(v.destination) if v.destination else "")
        return f"{where}, {v.service}" if where else v.service
    if t is BillField:
        return f"field {v.number} ({v.key})"
    if t is Category:
        return f"one-time charge category {v.name}"
    if t is Formula:
        return f"formula {v.target} = " + " ".join(
            (s + " " if i or s == "-" else "") + n for i, (s, n) in enumerate(v.terms)).strip()
    if t is Rule:
        return f"rule {v.id}"
    if t is Tier:
        return f"bonus for {v.members} members"
    if t is Activation:
        if v.channel == "code":
            return f"activation by code {v.code}"
        if v.channel == "sms":
            return f"activation by SMS {v.keyword or ''} to {v.number}".replace("  ", " ")
        return f"activation by menu {v.code} option {v.option}"
    if t is Allowance:
        amount = f"{show.number(v.amount // 1024)} MB" if v.unit == "KB" and v.amount % 1024 == 0 \
            else f"{show.number(v.amount)} {v.unit}"
        return f"{amount} ({', '.join(v.services)})" if v.services else amount
    if t is FreeRule:
        return f"free {v.service}" + (f" to {show.value(v.destination)}" if v.destination else "")
    if t is MenuOption:
        return f"option {v.number} ({_title(v.label)})"
    if t is Condition:
        return f"{v.subject} {v.op} {show.price(v.value)}"
    if t is Notifications:
        return f"{v.kind} notifications"
    if t is BillingWindow:
        return f"billing window (day {v.from_day} to day {v.to_day} at {v.at[0]:02}:{v.at[1]:02})"
    if t is TimeBands:
        return "time bands"
    if t is BandRule:
        times = "" if v.start is None else \
            f" {v.start[0]:02d}:{v.start[1]:02d}-{v.end[0]:02d}:{v.end[1]:02d}"
        return f"band {v.band} on {', '.join(v.days)}{times}"
    if t is PeriodExample:
        return f"period example for activation {'before ' if v.before else ''}{v.activation:%d.%m.%Y}"
    return None


# Collections of these are matched by key; an object whose key is missing on one side is
# added or removed.
KEYS: dict[type, Callable[[Any], Any]] = {
    ShortCode: lambda x: x.pattern,
    SmsCommand: lambda x: (x.number, x.pattern),
    CallCommand: lambda x: x.number,
    WebChannel: lambda x: x.name,
    ServiceNumber: lambda x: x.number,
    Segment: lambda x: x.id,
    Zone: lambda x: x.name,
    Network: lambda x: x.name,
    Service: lambda x: x.name,
    PriceList: lambda x: x.name,
    Rate: lambda x: (x.service, x.zone, repr(plain(x.destination))),
    Pass: lambda x: x.name,
    Family: lambda x: x.name,
    Tier: lambda x: x.members,
    Rule: lambda x: x.id,
    Bill: lambda x: x.name,
    BillField: lambda x: x.number,
    Formula: lambda x: x.target,
    Category: lambda x: x.name,
    MenuOption: lambda x: x.number,
    Notifications: lambda x: x.kind,
    PeriodExample: lambda x: (x.activation, x.before),
    Activation: lambda x: (x.channel, x.code, x.number, x.keyword, x.option),
    TimeBands: lambda x: "time bands",
    BandRule: lambda x: (x.band, x.days, x.start, x.end),
}

# The headings of the areas of a Tariff, in the order they are printed.
AREAS = {
    "operator": "Operator", "segments": "Segments and plans", "service_numbers": "Service numbers",
    "codes": "USSD codes", "sms_commands": "SMS commands", "calls": "Calls",
    "web_channels": "Web", "services": "Services", "zones": "Roaming zones", "networks": "Networks",
    "price_lists": "Prices", "passes": "Passes", "families": "Family groups", "bills": "Bill",
    "billing_windows": "Billing window", "notifications": "Notifications",
    "time_bands": "Time bands",
}

# Field names as a customer reads them (the rest: underscores become spaces).
FIELD_LABELS = {
    "validity_seconds": "validity", "invitation_seconds": "invitation valid",
    "full_speed_kb": "full-speed data", "throttle_kbps": "speed after the full-speed data",
    "transfer_step_kb": "data transfer step", "transfer_min_kb": "data transfer minimum",
    "min_members": "minimum members", "max_members": "maximum members",
    "vat_included": "VAT included", "roaming_price": "price in roaming",
    "fee_prorated": "fee prorated", "names": "name", "title": "title", "texts": "reply texts",
    "first_price": "price of the first block", "via_zone": "priced as zone",
    "where": "valid in", "eligibility": "for", "plans": "plans", "about": "description",
    "notes": "notes", "tiers": "bonus", "rules": "rules", "front": "front of the bill",
    "back": "back of the bill", "one_time": "one-time charges", "mccmnc": "MCC-MNC",
    "shown_as": "shown as", "numbers": "numbers", "not_numbers": "excluded numbers",
    "mcc": "MCC", "action_args": "action arguments", "bill_name": "name on the bill",
}


def _field_label(name: str, owner: type | None = None) -> str:
    if name == "texts" and owner in (Rule, BillField):
        return "text"
    return FIELD_LABELS.get(name, name.replace("_", " "))


# --- comparing ---------------------------------------------------------------------------


class _Differ:
    def __init__(self, operator: str, show: _Show) -> None:
        self.operator = operator
        self.show = show
        self.changes: list[Change] = []
        self.list_intervals: tuple[dict, dict] = ({}, {})

    def add(self, group: str, kind: str, text: str, path: tuple, old=None, new=None) -> None:
        text = text[:1].upper() + text[1:]
        self.changes.append(Change(self.operator, group, kind, text, tuple(map(str, path)), old, new))

    def tariff(self, old: Tariff, new: Tariff) -> None:
        self.compare_object("Operator", "", ("operator",), old.operator, new.operator)
        for area, heading in AREAS.items():
            if area == "operator":
                continue
            a, b = getattr(old, area), getattr(new, area)
            if plain(a) == plain(b):
                continue
            if area in ("price_lists", "passes", "codes", "sms_commands") and \
                    diff_versions.dated(a + b):
                a, b = diff_versions.compare(self, area, a, b, lambda d, x, y: (
                    d.price_lists(x, y) if area == "price_lists"
                    else d.collection(heading, "", (area,), x, y, area)))
                if plain(a) == plain(b):
                    continue
            if area == "price_lists":
                self.price_lists(a, b)
                continue
            self.collection(heading, "", (area,), a, b, area)

    def price_lists(self, old: tuple, new: tuple) -> None:
        olds = {x.name: x for x in old}
        news = {x.name: x for x in new}
        for name in _ordered(olds, news):
            a, b = olds.get(name), news.get(name)
            if a is None:
                self.add("Prices", "added", f"New price list {name}", ("price_lists", name), None, b)
            elif b is None:
                self.add("Prices", "removed", f"Removed price list {name}", ("price_lists", name), a, None)
            elif plain(a) != plain(b):
                self.compare_object(f"Prices: {name}", "", ("price_lists", name), a, b)

    def collection(self, group: str, subject: str, path: tuple, old: tuple, new: tuple,
                   field: str) -> None:
        """Compare two tuples of model objects (or plain values) field `field` of `subject`."""
        items = old + new
        key = KEYS.get(type(items[0])) if items else None
        if key is None or not all(type(x) is type(items[0]) for x in items):
            self.values(group, subject, path, old, new, field)
            return
        olds, news = _keyed(old, key), _keyed(new, key)
        for k in _ordered(olds, news):
            a, b = olds.get(k), news.get(k)
            label = _label(a if a is not None else b, self.show)
            where = f"{subject}: " if subject else ""
            if a is None:
                title = _describe(b)
                self.add(group, "added", f"{where}new {label}{title}", path + (k,), None, b)
            elif b is None:
                title = _describe(a)
                self.add(group, "removed", f"{where}removed {label}{title}", path + (k,), a, None)
            elif plain(a) != plain(b):
                # a rate is named by its zone or destination alone: the group names the list
                inner = f"{subject}, {label}" if subject and type(a) is not Rate else label
                self.compare_object(group, inner, path + (k,), a, b)

    def values(self, group: str, subject: str, path: tuple, old: tuple, new: tuple,
               field: str) -> None:
        """Tuples without keys (countries, plans, notes...): what was added and removed."""
        where = f"{subject}: " if subject else ""
        label = _field_label(field)
        po, pn = [plain(x) for x in old], [plain(x) for x in new]
        gone = [x for x, p in zip(old, po) if p not in pn]
        came = [x for x, p in zip(new, pn) if p not in po]
        if not gone and not came:
            self.add(group, "changed", f"{where}{label}: order changed", path, old, new)
            return
        if came:
            self.add(group, "added", f"{where}{label}: added {self.show.value(tuple(came))}",
                     path, None, tuple(came))
        if gone:
            self.add(group, "removed", f"{where}{label}: removed {self.show.value(tuple(gone))}",
                     path, tuple(gone), None)

    def texts(self, group: str, where: str, label: str, path: tuple, a: Texts, b: Texts) -> None:
        """A text in several languages: one line per language that changed."""
        olds, news = dict(a.items), dict(b.items)
        for lang in _ordered(olds, news):
            x, y = olds.get(lang), news.get(lang)
            if x == y:
                continue
            kind = "added" if x is None else "removed" if y is None else "changed"
            text = f"{where}{label} ({lang}): " + (
                f"added \"{y}\"" if x is None else f"removed \"{x}\"" if y is None
                else f"\"{x}\" -> \"{y}\"")
            self.add(group, kind, text, path + (lang,), x, y)

    def intervals(self, group: str, where: str, path: tuple, a: tuple, b: tuple) -> None:
        olds, news = dict(a), dict(b)
        for service in _ordered(olds, news):
            x, y = olds.get(service), news.get(service)
            if plain(x) == plain(y):
                continue
            kind = "added" if x is None else "removed" if y is None else "changed"
            text = f"{where}charging interval of {service}: " + (
                f"{self.show.value(x) if x else 'none'} -> {self.show.value(y) if y else 'none'}")
            self.add(group, kind, text, path + (service,), x, y)

    def compare_object(self, group: str, subject: str, path: tuple, old: Any, new: Any) -> None:
        """Field by field; nested collections recurse."""
        where = f"{subject}: " if subject else ""
        for f in attrs.fields(type(old)):
            if f.name == "span" or f.name.endswith("_span"):
                continue
            a, b = getattr(old, f.name), getattr(new, f.name)
            if plain(a) == plain(b):
                continue
            p = path + (f.name,)
            label = _field_label(f.name, type(old))
            if f.name == "intervals":
                self.intervals(group, where, p, a, b)
            elif f.name == "fee_changes":  # dated family fees: the fee in force from each day
                for day in sorted({d for d, _, _ in a} | {d for d, _, _ in b}):
                    before, after = old.fee_on(day), new.fee_on(day)
                    if plain(before) != plain(after):
                        text = f"From {day:%Y-%m-%d}: {where}fee {self.show.price_change(before, after)}"
                        self.add(group, "changed", text, p + (day.isoformat(),), before, after)
            elif isinstance(a, tuple) and isinstance(b, tuple) and f.name not in ("where", "at"):
                if type(old) is PriceList and f.name == "rates":
                    self.list_intervals = (dict(old.intervals), dict(new.intervals))
                self.collection(group, subject, p, a, b, f.name)
                self.list_intervals = ({}, {})
            elif type(old) is Rate and f.name == "interval" and \
                    plain(self.list_intervals[0].get(old.service)) == plain(a) and \
                    plain(self.list_intervals[1].get(new.service)) == plain(b):
                continue  # the rate follows its list's interval, reported once for the list
            elif isinstance(a, Price) or isinstance(b, Price):
                if type(old) is Rate and f.name == "price":
                    text = f"{subject}: {self.show.price_change(a, b)}"
                else:
                    text = f"{where}{label} {self.show.price_change(a, b)}"
                self.add(group, "changed", text, p, a, b)
            elif f.name == "where":
                text = f"{where}valid in: {_where(a)} -> {_where(b)}"
                self.add(group, "changed", text, p, a, b)
            elif f.name.endswith("_seconds") and isinstance(a, int) and isinstance(b, int):
                self.add(group, "changed", f"{where}{label} {_duration(a, b)}", p, a, b)
            elif f.name == "vat_rate":  # `VAT 20 % -> 21 %` (docs/language/taxes.md)
                rate = lambda r: "no rate" if r is None else f"{self.show.number(r)} %"  # noqa: E731
                self.add(group, "changed", f"{where}VAT {rate(a)} -> {rate(b)}", p, a, b)
            elif f.name == "vat_included":
                flag = lambda v: "included" if v else "excluded"  # noqa: E731
                self.add(group, "changed", f"{where}VAT {flag(a)} -> {flag(b)}", p, a, b)
            elif f.name == "percent":
                text = f"{where}{self.show.number(a)} -> {self.show.number(b)} %"
                self.add(group, "changed", text, p, a, b)
            elif isinstance(a, Texts) and isinstance(b, Texts):
                self.texts(group, where, label, p, a, b)
            elif f.name == "intervals":
                self.intervals(group, where, p, a, b)
            elif f.name.endswith("_kb") and isinstance(a, int) and isinstance(b, int) \
                    and a % 1024 == 0 and b % 1024 == 0:
                text = f"{where}{label} {self.show.number(a // 1024)} -> {self.show.number(b // 1024)} MB"
                self.add(group, "changed", text, p, a, b)
            else:
                text = f"{where}{label}: {self.show.value(a)} -> {self.show.value(b)}"
                self.add(group, "changed", text, p, a, b)


def _where(w: tuple[str, tuple[str, ...]]) -> str:
    kind, names = w
    return kind if not names else f"{kind} {', '.join(names)}"


def _describe(x: Any) -> str:
    if type(x) is Tier:
        return f": {x.percent} %"
    title = getattr(x, "title", None) or getattr(x, "names", None)
    if isinstance(title, Texts) and title and type(x) not in (Zone, Network, Pass, Family, Bill,
                                                              PriceList):
        return f" ({_title(title)})"
    return ""


def _keyed(items: tuple, key: Callable) -> dict:
    """Items by key; repeated keys get an occurrence number (two rates for one destination)."""
    out: dict = {}
    for x in items:
        k, n = key(x), 0
        while (k, n) in out:
            n += 1
        out[(k, n)] = x
    return {(k if n == 0 else (k, n)): v for (k, n), v in out.items()}


def _ordered(olds: dict, news: dict) -> list:
    """Keys in the new order, with removed ones where they were."""
    keys = list(news)
    for i, k in enumerate(olds):
        if k not in news:
            keys.insert(min(i, len(keys)), k)
    return keys


def diff_tariffs(old: list[Tariff], new: list[Tariff]) -> list[Change]:
    """Every change between two sets of operators, in the order of the new specs."""
    olds = {t.id: t for t in old}
    news = {t.id: t for t in new}
    changes: list[Change] = []
    for op in _ordered(olds, news):
        a, b = olds.get(op), news.get(op)
        show = _Show((b or a).operator.decimal)
        d = _Differ(op, show)
        if a is None:
            d.add("Operator", "added", f"New operator {b.operator.name}", (op,), None, None)
        elif b is None:
            d.add("Operator", "removed", f"Removed operator {a.operator.name}", (op,), None, None)
        else:
            d.tariff(a, b)
        changes.extend(d.changes)
    return changes


# --- output ------------------------------------------------------------------------------


def to_markdown(changes: list[Change], old_name: str, new_name: str,
                names: dict[str, str] | None = None) -> str:
    """The changelog as Markdown: a heading per operator, a sub-heading per area."""
    out = [f"# Changes from {old_name} to {new_name}", ""]
    if not changes:
        out.append("No changes to any tariff.")
        return "\n".join(out) + "\n"
    op = group = None
    for c in changes:
        if c.operator != op:
            op, group = c.operator, None
            out += [f"## {(names or {}).get(op, op)}", ""]
        if c.group != group:
            group = c.group
            out += [f"### {group}", ""]
        out.append(f"- {c.text}")
    # a blank line after each list
    text: list[str] = []
    for line in out:
        if line.startswith("#") and text and text[-1].startswith("- "):
            text.append("")
        text.append(line)
    return "\n".join(text) + "\n"


def to_json(changes: list[Change], old_name: str, new_name: str) -> str:
    return json.dumps({"old": old_name, "new": new_name,
                       "changes": [c.to_dict() for c in changes]}, ensure_ascii=False, indent=2)


# --- the command -------------------------------------------------------------------------

EXIT_HELP = """Exit codes: 0 the changelog was printed (whether or not anything changed), 1 one
of the two sides has spec errors (printed), 2 usage error (a folder that does not exist, an
unknown git revision)."""


class UsageError(Exception):
    pass


def _git_specs(rev: str, specs: str, into: Path) -> Path:
    """Extract the specs folder as it was at git revision `rev` into `into`."""
    import io
    import subprocess
    import tarfile

    where = Path(specs).resolve()
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=where if where.is_dir() else Path.cwd(),
                         capture_output=True, text=True)
    if top.returncode:
        raise UsageError(f"not inside a git repository: {top.stderr.strip()}")
    root = Path(top.stdout.strip())
    try:
        rel = where.relative_to(root.resolve()).as_posix()
    except ValueError:
        raise UsageError(f"{specs} is not inside the git repository {root}") from None
    done = subprocess.run(["git", "archive", "--format=tar", rev, "--", rel], cwd=root,
                          capture_output=True)
    if done.returncode:
        msg = done.stderr.decode("utf-8", "replace").strip()
        raise UsageError(f"cannot read {rel} at revision {rev}: {msg}")
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as tar:
        try:
            tar.extractall(into, filter="data")
        except TypeError:  # Python before 3.11.4
            tar.extractall(into)
    return into / rel


def run(args) -> int:
    """`tariffc diff OLD NEW`, `tariffc diff REV1..REV2`, `tariffc diff --git REV1 REV2`."""
    import sys
    import tempfile

    from compiler.check import check_paths
    from dsl.diagnostics import render_all

    sides = list(args.sides)
    git = args.git
    if not git and len(sides) == 1 and ".." in sides[0] and not Path(sides[0]).exists():
        sides = sides[0].split("..", 1)
        git = True
    if len(sides) != 2 or not all(sides):
        print("tariffc: error: diff needs two spec folders, REV1..REV2, or --git REV1 REV2",
              file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="tariffc-diff-") as tmp:
        folders = []
        names = []
        for i, side in enumerate(sides):
            if git:
                try:
                    folders.append(_git_specs(side, args.specs, Path(tmp) / str(i)))
                except UsageError as e:
                    print(f"tariffc: error: {e}", file=sys.stderr)
                    return 2
                names.append(f"{side}")
            else:
                p = Path(side)
                if not p.exists():
                    print(f"tariffc: error: no such file or folder: {side}", file=sys.stderr)
                    return 2
                folders.append(p)
                names.append(side)
        results = []
        for folder, name in zip(folders, names):
            if not any(folder.rglob("*.tariff")) and not folder.is_file():
                print(f"tariffc: error: no .tariff files in {name}", file=sys.stderr)
                return 2
            r = check_paths([str(folder)])
            if r.errors:
                print(render_all(r.errors, r.sources, "text") + "\n", file=sys.stderr)
                print(f"tariffc diff: {name} has errors; no changelog", file=sys.stderr)
                return 1
            results.append(r)
    changes = diff_tariffs(results[0].tariffs, results[1].tariffs)
    if args.format == "json":
        print(to_json(changes, names[0], names[1]))
    else:
        op_names = {t.id: t.operator.name for r in results for t in r.tariffs}
        sys.stdout.write(to_markdown(changes, names[0], names[1], op_names))
    print(f"tariffc diff: {len(changes)} change{'s' if len(changes) != 1 else ''}", file=sys.stderr)
    return 0


__all__ = ["plain", "same_model", "Change", "diff_tariffs", "to_markdown", "to_json", "run",
           "EXIT_HELP"]
