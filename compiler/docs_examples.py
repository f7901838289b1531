"""Worked examples for the operator pages, computed by the compiled runtime.

Each example is an event played through `runtime.engine.Engine` on the operator's lowered
tables (`compiler.lower.lower`), the same code `generated/<operator>` runs, so the docs
cannot say one price while the rating says another. An example is a sentence in the page's
language (numbers in its locale format) and the spec line of the rule that decided.

Events happen at fixed instants (no clock is read) to a subscriber built here; an event the
runtime refuses or cannot handle gives no example rather than a wrong one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs
import phonenumbers

from compiler.docs_labels import label
from compiler.lower import lower
from compiler.model import Tariff
from runtime.engine import Engine
from runtime.errors import TariffError
from runtime.events import CallNumber, Dial, Sms, Usage, Where
from runtime.money import Money
from runtime.state import Subscriber, world_of

# A working day in the middle of a month, outside any billing window.
DAY = (2026, 7, 2, 12, 0)


@attrs.frozen
class Example:
    text: str  # a sentence in the page's language, numbers formatted; spec text unescaped
    source: str  # `specs/<operator>/<file>.tariff:<line>`


class Examples:
    """The runtime of one operator, and the worked examples of each page in one language."""

    def __init__(self, tariff: Tariff, fmt) -> None:
        self.tariff = tariff
        self.fmt = fmt  # compiler.gen_docs.Format of the page's language
        self.lang = fmt.lang
        self.engine = Engine(lower(tariff))
        self.tz = ZoneInfo(tariff.operator.timezone)
        self.currency = tariff.operator.currency
        cc = phonenumbers.country_code_for_region(tariff.operator.country) or 1
        example = phonenumbers.example_number_for_type(tariff.operator.country,
                                                        phonenumbers.PhoneNumberType.MOBILE)
        national = str(example.national_number) if example else "601234567"
        self.msisdn = f"{cc}{national}"

    # --- helpers -----------------------------------------------------------------------

    def at(self, day: int = DAY[2], hour: int = DAY[3], minute: int = DAY[4]) -> dt.datetime:
        return dt.datetime(DAY[0], DAY[1], day, hour, minute, tzinfo=self.tz)

    def segment_for(self, eligibility) -> str | None:
        if eligibility.segments:
            return eligibility.segments[0]
        if eligibility.plans:
            return self.tariff.plans().get(eligibility.plans[0])
        return "prepaid" if self.tariff.segment("prepaid") else (
            self.tariff.segments[0].id if self.tariff.segments else None)

    def play(self, event, segment: str | None, plan: str | None = None):
        """The outcome of one event for a fresh subscriber of `segment`; None if refused."""
        if segment is None:
            return None
        sub = Subscriber(self.msisdn, segment, plan=plan, language=self.lang,
                         balance=Money("100000", self.currency),
                         activated=dt.datetime(2026, 1, 1, tzinfo=self.tz))
        try:
            _, outcome = self.engine.apply(world_of(sub), event, explain=True)
        except (TariffError, ValueError, KeyError, TypeError):
            return None
        return outcome if outcome.ok and outcome.charge is not None else None

    def where_of_zone(self, zone) -> Where | None:
        countries = zone.countries + zone.illustrative_countries
        if countries:
            return Where(countries[0])
        if zone.mcc + zone.illustrative_mcc:
            return Where(None, (zone.mcc + zone.illustrative_mcc)[0])
        return None

    def where_of_network(self, name: str) -> Where | None:
        net = next((n for n in self.tariff.networks if n.name == name), None)
        if net is None or not net.mccmnc:
            return None
        return Where(net.country, net.mccmnc[0])

    def party_for(self, destination, named_countries: set[str]) -> str | None:
        """A number of the destination of a rate (None: any number will do)."""
        if destination is None or destination.kind == "any":
            return None
        if destination.kind == "networks":
            net = next((n for n in self.tariff.networks if n.name == destination.names[0]), None)
            prefixes = (net.numbers + net.illustrative_numbers) if net else ()
            return prefixes[0].lstrip("+") + "123456" if prefixes else None
        if destination.kind == "countries":
            cc = phonenumbers.country_code_for_region(destination.names[0])
            return f"{cc}11234567" if cc else None
        other = next(c for c in ("DE", "FR", "US") if c not in named_countries)
        return f"{phonenumbers.country_code_for_region(other)}30123456"

    def sample(self, service: str) -> int:
        if service in ("sms",):
            return 1
        if service in ("data", "mms"):
            return 250
        return 61

    def quantity(self, amount: int, unit: str) -> str:
        f = self.fmt
        if unit == "s":
            return f"{f.integer(amount)} {label('seconds', self.lang)}"
        if unit == "KB":
            return f"{f.integer(amount)} KB"
        return f.integer(amount)

    # --- pages -------------------------------------------------------------------------

    def usage(self, price_list) -> list[Example]:
        """One example per zone and metered service (zone tables), or per service and
        destination (network and home price lists)."""
        out: list[Example] = []
        seen: set[tuple] = set()
        named = {c for r in price_list.rates if r.destination for c in r.destination.names}
        for rate in price_list.rates:
            if rate.price is None and rate.via_zone is None:
                continue
            if price_list.kind == "zones":
                if rate.service not in ("outgoing call", "data"):
                    continue
                zone = next((z for z in self.tariff.zones if z.name == rate.zone), None)
                where = self.where_of_zone(zone) if zone else None
                place = label("ex_in_zone", self.lang).format(zone=rate.zone)
                party = None
                key = (rate.zone, rate.service)
            else:
                if rate.service == "connection fee":
                    continue
                where = (self.where_of_network(price_list.network)
                         if price_list.kind == "network" else Where())
                party = self.party_for(rate.destination, named)
                to = self.fmt.destination(rate.destination)
                place = (label("ex_on_network", self.lang).format(network=price_list.network, to=to)
                         if price_list.kind == "network" else label("at_home", self.lang))
                key = (rate.service, rate.destination.kind if rate.destination else None,
                       rate.destination.names if rate.destination else ())
            if where is None or key in seen:
                continue
            seen.add(key)
            amount = self.sample(rate.service)
            outcome = self.play(Usage(self.msisdn, self.at(), rate.service, amount, where, party),
                                self.segment_for(_prepaid(self.tariff)))
            if outcome is None:
                continue
            data = outcome.data
            charge = self.fmt.money(outcome.charge.amount, self.currency)
            service = label("svc_" + rate.service, self.lang)
            if "billed" in data and data.get("unit") in ("s", "KB"):
                text = label("ex_usage", self.lang).format(
                    service=service, amount=self.quantity(amount, data["unit"]), where=place,
                    billed=self.quantity(data["billed"], data["unit"]), charge=charge)
                arith = self.arithmetic(rate, data, outcome.charge.amount)
                if arith:
                    text += " " + arith
            else:
                text = label("ex_usage_flat", self.lang).format(service=service, where=place,
                                                                charge=charge)
            out.append(Example(text, outcome.source))
        return out

    def arithmetic(self, rate, data, charge: Decimal) -> str:
        """`2 × 119,90 RSD/min = 239,80 RSD` when a call is billed in whole minutes."""
        price = rate.price
        if (price is None or rate.first_price is not None or price.per != "min"
                or data["billed"] % 60 or price.amount * data["billed"] / 60 != charge):
            return ""
        return label("ex_arith", self.lang).format(
            billed=self.fmt.integer(data["billed"] // 60), price=self.fmt.price(price),
            charge=self.fmt.money(charge, price.currency))

    def passes(self) -> list[Example]:
        out = []
        for p in self.tariff.passes:
            act = next((a for a in p.activations if a.channel in ("code", "sms")), None)
            if act is None:
                continue
            kind, names = p.where
            if kind == "network":
                where = self.where_of_network(names[0])
            elif kind == "zones":
                zone = next((z for z in self.tariff.zones if z.name == names[0]), None)
                where = self.where_of_zone(zone) if zone else None
            else:
                zone = next((z for z in self.tariff.zones if self.where_of_zone(z)), None)
                where = self.where_of_zone(zone) if zone else None
            if where is None:
                continue
            if act.channel == "code":
                event = Dial(self.msisdn, self.at(), act.code, where)
                how = label("act_code", self.lang).format(code=act.code)
            else:
                event = Sms(self.msisdn, self.at(), act.number, act.keyword or "", where)
                how = label("act_sms", self.lang).format(keyword=act.keyword, number=act.number)
            outcome = self.play(event, self.segment_for(p.eligibility))
            if outcome is None or "expires" not in outcome.data:
                continue
            place = self.fmt.where_label(where)
            expires = self.fmt.datetime(dt.datetime.fromisoformat(outcome.data["expires"]), self.tz)
            out.append(Example(label("ex_activate", self.lang).format(
                name=p.name, how=how, where=place,
                charge=self.fmt.money(outcome.charge.amount, self.currency), expires=expires),
                outcome.source))
        return out

    def codes(self) -> list[Example]:
        out = []
        for code in self.tariff.codes:
            if code.action in ("menu", "call_me", "recharge"):
                continue
            texts = code.examples or ((code.pattern,) if not code.params else ())
            for text in texts[:1]:
                outcome = self.play(Dial(self.msisdn, self.at(), text), self.segment_for(code.eligibility))
                if outcome is None:
                    continue
                charge = self.fmt.money(outcome.charge.amount, self.currency)
                if outcome.replies:
                    sentence = label("ex_dial", self.lang).format(
                        code=text, charge=charge, reply=outcome.replies[0].text)
                else:
                    sentence = label("ex_dial_noreply", self.lang).format(code=text, charge=charge)
                out.append(Example(sentence, outcome.source))
        return out

    def sms(self) -> list[Example]:
        """An SMS to each service number that is not free, showing the per-event rounding."""
        out = []
        for number in self.tariff.service_numbers:
            if number.price.is_free:
                continue
            cmd = next((c for c in self.tariff.sms_commands
                        if c.number == number.number and not c.params), None)
            if cmd is None:
                continue
            outcome = self.play(Sms(self.msisdn, self.at(), cmd.number, cmd.keyword),
                                self.segment_for(cmd.eligibility))
            if outcome is None:
                continue
            out.append(Example(label("ex_sms", self.lang).format(
                text=cmd.keyword, number=number.number,
                charge=self.fmt.money(outcome.charge.amount, self.currency),
                price=self.fmt.price(number.price)), outcome.source))
        return out

    def billing_window(self, window) -> list[Example]:
        """A deferred request inside the window and the same request outside it."""
        kind, ref = next(((k, r) for k, r in window.defers if k == "sms"), (None, None))
        if kind is None:
            return []
        cmd = next((c for c in self.tariff.sms_commands if c.number == ref and not c.params), None)
        if cmd is None:
            return []
        day = window.from_day + (window.to_day - window.from_day) // 2
        before = max(1, window.from_day - 2)
        segment = self.segment_for(cmd.eligibility)
        inside = self.play(Sms(self.msisdn, self.at(day), ref, cmd.keyword), segment)
        outside = self.play(Sms(self.msisdn, self.at(before), ref, cmd.keyword), segment)
        if inside is None or outside is None or "deferred_to" not in inside.data \
                or "deferred_to" in outside.data:
            return []
        what = label("act_sms_blank", self.lang).format(number=ref)
        return [Example(label("ex_deferred", self.lang).format(
            what=what, day=day, time=self.fmt.time(dt.time(*DAY[3:])), day2=before),
            inside.data.get("window", inside.source))]


def _prepaid(tariff: Tariff):
    """The eligibility used for rating examples: the prepaid segment (roaming prices are
    prepaid prices in the seeds), else the first segment."""
    from compiler.model import Eligibility

    seg = tariff.segment("prepaid") or (tariff.segments[0] if tariff.segments else None)
    return Eligibility(segments=(seg.id,)) if seg else Eligibility()
