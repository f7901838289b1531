"""Worked examples for the operator pages, taken from the golden vectors of the same build.

Each example is one event of a vector (`compiler.vectors`, cases in `compiler.vector_cases`)
with the output the reference evaluator recorded for it, told as a sentence in the page's
language (numbers in its locale format), with the spec line of the rule that decided and the
vector it comes from (`generated/<operator>/vectors/<kind>.json`, the vector's name and the
event's index), so a reader can find it and the docs cannot say one price while the vectors,
and so the compiled runtime they check, say another:

    vectors (in memory, the build's own) --(VectorIndex)--> events --(Examples)--> sentences

The build hands its vectors over (`compiler.build.generate`); pages built without them compute
the same vectors (`compiler.vectors.vectors`, deterministic). Where no vector shows what a page
states, the example says so (`computed`: worked from the spec's rule, not from a vector).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs

from compiler.docs_labels import label
from compiler.lower import cite
from compiler.model import Tariff
from runtime.events import Where

EVENT_KINDS = ("usage", "dial", "sms", "call", "web", "tick", "month_end", "bill")


@attrs.frozen
class Example:
    text: str  # a sentence in the page's language, numbers formatted; spec text unescaped
    source: str  # `specs/<operator>/<file>.tariff:<line>`
    vector: str = ""  # `generated/<op>/vectors/<kind>.json › <name> › events[i]`; "" if computed


@attrs.frozen
class Hit:
    """One recorded event of a vector."""

    file: str  # generated/<operator>/vectors/<kind>.json
    kind: str  # the vector file's kind (rating_zones, passes, ...)
    name: str  # the vector's name
    index: int  # the event's index in the vector
    event: str  # usage, dial, sms, ...
    body: dict
    expect: dict
    at: dt.datetime
    language: str | None  # of the event's subscriber, when the vector gives one

    @property
    def ref(self) -> str:
        return vector_ref(self.file, self.name, (self.index,))

    @property
    def data(self) -> dict:
        return self.expect.get("data") or {}

    @property
    def ok(self) -> bool:
        return bool(self.expect.get("ok")) and "error" not in self.expect

    @property
    def charge(self) -> Decimal:
        return Decimal(self.expect.get("charge") or "0")

    @property
    def where(self) -> Where:
        return Where(self.body.get("country"), self.body.get("network"))

    def replies(self) -> list[str]:
        return [r["text"] if isinstance(r, dict) else r
                for r in self.expect.get("reply_contains", ())]


def vector_ref(file: str, name: str, indexes) -> str:
    """How a page names the events an example comes from."""
    return f"{file} › {name} › " + ", ".join(f"events[{i}]" for i in indexes)


REF = re.compile(r"(generated/\S+/vectors/\S+\.json) › (.+?) › (events\[\d+\](?:, events\[\d+\])*)")


def parse_ref(text: str) -> list[tuple[str, str, list[int]]]:
    """(file, vector name, event indexes) of every vector reference in `text` (for tests).

    >>> parse_ref("x (generated/op/vectors/codes.json › code *1# › events[3], events[5]) y")
    [('generated/op/vectors/codes.json', 'code *1#', [3, 5])]
    """
    return [(m[1], m[2], [int(i) for i in re.findall(r"\d+", m[3])]) for m in REF.finditer(text)]


class VectorIndex:
    """Every recorded event of one operator's vectors, in file and vector order."""

    def __init__(self, tariff: Tariff, recorded: dict[str, list[dict]]) -> None:
        self.hits: list[Hit] = []
        for kind, vectors in recorded.items():
            file = f"generated/{tariff.id}/vectors/{kind}.json"
            for vec in vectors:
                langs = {s["msisdn"]: s.get("language") for s in vec["subscribers"]}
                for i, ev in enumerate(vec["events"]):
                    event = next((k for k in EVENT_KINDS if k in ev), None)
                    if event is None or "expect" not in ev:
                        continue
                    self.hits.append(Hit(file, kind, vec["name"], i, event, ev[event],
                                         ev["expect"], dt.datetime.fromisoformat(ev["at"]),
                                         langs.get(ev[event].get("msisdn"))))

    def find(self, kinds: tuple[str, ...], event: str, test) -> list[Hit]:
        return [h for h in self.hits if h.kind in kinds and h.event == event and test(h)]


def of_tariff(tariff: Tariff, recorded: dict[str, list[dict]] | None = None) -> VectorIndex:
    """The vector index of `tariff`: the build's vectors, or the same vectors computed here."""
    if recorded is None:
        from compiler.vectors import vectors
        recorded = vectors(tariff)
    return VectorIndex(tariff, recorded)


def _first_amount(hits: list[Hit], unit_key: str, preferred: tuple[int, ...]) -> Hit | None:
    """The hit of the first preferred amount there is, else the first with a charge."""
    for amount in preferred:
        hit = next((h for h in hits if h.body.get(unit_key) == amount), None)
        if hit is not None:
            return hit
    return next((h for h in hits if h.charge), hits[0] if hits else None)


UNIT_KEY = {"sms": "count", "mms": "kb", "data": "kb"}
SAMPLE = {"sms": (1,), "data": (250,), "mms": (250,)}


class Examples:
    """The worked examples of each page of one operator in one language."""

    def __init__(self, tariff: Tariff, fmt, index: VectorIndex) -> None:
        self.tariff = tariff
        self.fmt = fmt  # compiler.gen_docs.Format of the page's language
        self.lang = fmt.lang
        self.index = index
        self.tz = ZoneInfo(tariff.operator.timezone)
        self.currency = tariff.operator.currency

    def money(self, amount: Decimal) -> str:
        return self.fmt.money(amount, self.currency)

    def quantity(self, amount: int, unit: str) -> str:
        f = self.fmt
        if unit == "s":
            return f"{f.integer(amount)} {label('seconds', self.lang)}"
        if unit == "KB":
            return f"{f.integer(amount)} KB"
        return f.integer(amount)

    # --- zones and prices ------------------------------------------------------------------

    def usage(self, price_list) -> list[Example]:
        """One example per zone and metered service (zone tables), or per service and
        destination (network and home price lists): the vector event of the sample amount
        (a 61-second call, 250 KB, one SMS) that the rate's row decided."""
        out: list[Example] = []
        for rate in price_list.rates:
            if rate.price is None and rate.via_zone is None:
                continue
            source = cite(rate.span)
            if price_list.kind == "zones":
                if rate.service not in ("outgoing call", "data"):
                    continue
                place = label("ex_in_zone", self.lang).format(zone=rate.zone)
                hits = self.index.find(("rating_zones",), "usage", lambda h: (
                    h.ok and h.body["service"] == rate.service
                    and h.data.get("zone") == rate.zone and h.expect.get("source") == source))
            else:
                if rate.service == "connection fee":
                    continue
                to = self.fmt.destination(rate.destination)
                place = (label("ex_on_network", self.lang).format(network=price_list.network, to=to)
                         if price_list.kind == "network" else label("at_home", self.lang))
                hits = self.index.find(("rating_network",), "usage", lambda h: (
                    h.ok and h.body["service"] == rate.service
                    and h.expect.get("source") == source))
            declared = {svc.name: svc.unit for svc in self.tariff.services}
            key = UNIT_KEY.get(rate.service) or {"data": "kb", "count": "count"}.get(
                declared.get(rate.service, ""), "seconds")
            hit = _first_amount(hits, key, SAMPLE.get(rate.service, (1,) if key == "count" else (61,)))
            if hit is None or key not in hit.body:
                continue
            data = hit.data
            amount = hit.body[key]
            service = self.fmt.service(rate.service)
            if "billed" in data and data.get("unit") in ("s", "KB"):
                text = label("ex_usage", self.lang).format(
                    service=service, amount=self.quantity(amount, data["unit"]), where=place,
                    billed=self.quantity(data["billed"], data["unit"]), charge=self.money(hit.charge))
                arith = self.arithmetic(rate, data, hit.charge)
                if arith:
                    text += " " + arith
            else:
                text = label("ex_usage_flat", self.lang).format(service=service, where=place,
                                                                charge=self.money(hit.charge))
            out.append(Example(text, hit.expect.get("source", source), hit.ref))
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

    # --- passes ----------------------------------------------------------------------------

    def passes(self) -> list[Example]:
        """The purchase of each pass (the first code or SMS way to buy it) where it is valid."""
        out = []
        for p in self.tariff.passes:
            act = next((a for a in p.activations if a.channel in ("code", "sms")), None)
            if act is None:
                continue
            if act.channel == "code":
                how = label("act_code", self.lang).format(code=act.code)
                hits = self.index.find(("passes",), "dial", lambda h: (
                    h.index == 0 and h.body["text"] == act.code))
            else:
                how = label("act_sms", self.lang).format(keyword=act.keyword, number=act.number)
                hits = self.index.find(("passes",), "sms", lambda h: (
                    h.index == 0 and h.body["to"] == act.number
                    and h.body["text"] == (act.keyword or "")))
            hit = next((h for h in hits if h.ok and h.data.get("pass") == p.name
                        and "expires" in h.data), None)
            if hit is None:
                continue
            expires = self.fmt.datetime(dt.datetime.fromisoformat(hit.data["expires"]), self.tz)
            out.append(Example(label("ex_activate", self.lang).format(
                name=p.name, how=how, where=self.fmt.where_label(hit.where),
                charge=self.money(hit.charge), expires=expires),
                hit.expect.get("source", cite(p.span)), hit.ref))
        return out

    # --- codes and SMS ---------------------------------------------------------------------

    def codes(self) -> list[Example]:
        """Each code's dialled example by a line speaking the page's language."""
        out = []
        for code in self.tariff.codes:
            if code.action in ("menu", "call_me", "recharge"):
                continue
            name = f"code {code.pattern} example"
            hits = [h for h in self.index.find(("codes",), "dial", lambda h: h.name == name)
                    if h.ok and h.expect.get("charge") is not None]
            hit = next((h for h in hits if h.language == self.lang), None)
            if hit is None:
                continue
            charge = self.money(hit.charge)
            replies = hit.replies()
            if replies:
                sentence = label("ex_dial", self.lang).format(code=hit.body["text"], charge=charge,
                                                              reply=replies[0])
            else:
                sentence = label("ex_dial_noreply", self.lang).format(code=hit.body["text"],
                                                                      charge=charge)
            out.append(Example(sentence, hit.expect.get("source", cite(code.span)), hit.ref))
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
            hit = next((h for h in self.index.find(("sms",), "sms", lambda h: (
                h.body["to"] == cmd.number and h.body["text"] == cmd.pattern
                and "country" not in h.body and "network" not in h.body))
                if h.ok and h.charge), None)
            if hit is None:
                continue
            out.append(Example(label("ex_sms", self.lang).format(
                text=cmd.keyword, number=number.number, charge=self.money(hit.charge),
                price=self.fmt.price(number.price)), hit.expect.get("source", cite(cmd.span)),
                hit.ref))
        return out

    # --- balance ---------------------------------------------------------------------------

    def billing_window(self, window) -> list[Example]:
        """A request deferred inside the window and the same request answered before it: two
        noon events of the vector that makes the request on every day of a month."""
        kinds = {"sms": "act_sms_blank", "code": "act_code"}
        kind, ref = next(((k, r) for k, r in window.defers if k in kinds), (None, None))
        if kind is None:
            return []
        event = "sms" if kind == "sms" else "dial"
        source = cite(window.span)

        def request(h: Hit) -> bool:
            return ((h.body.get("to") == ref and h.body.get("text") == "") if kind == "sms"
                    else h.body.get("text") == ref) and "country" not in h.body

        hits = [h for h in self.index.find(("balance",), event, request)
                if h.at.hour == 12 and h.at.minute == 0]
        day = window.from_day + (window.to_day - window.from_day) // 2
        before = max(1, window.from_day - 2)
        inside = next((h for h in hits if h.at.day == day and h.data.get("window") == source), None)
        if inside is None:
            return []
        outside = next((h for h in hits if h.at.day == before and h.name == inside.name
                        and h.ok and "deferred_to" not in h.data), None)
        if outside is None:
            return []
        what = label(kinds[kind], self.lang).format(number=ref, code=ref)
        return [Example(label("ex_deferred", self.lang).format(
            what=what, day=day, time=self.fmt.time(dt.time(12, 0)), day2=before),
            inside.data["window"], vector_ref(inside.file, inside.name, (inside.index, outside.index)))]

    # --- family ----------------------------------------------------------------------------

    def family(self, fam) -> list[Example]:
        """The bonus of each group size, and transfers of one step, one and a half and two."""
        fmt = self.fmt
        out = []
        for tier in fam.tiers:
            hit = next((h for h in self.index.find(("family",), "sms", lambda h: (
                h.ok and (h.data.get("group") or {}).get("size") == tier.members
                and (h.data.get("group") or {}).get("status") == "active"))), None)
            if hit is None:
                out.append(Example(fmt.t("ex_tier", n=fmt.integer(tier.members),
                                         percent=fmt.percent(tier.percent)), cite(tier.span)))
                continue
            group = hit.data["group"]
            out.append(Example(fmt.t("ex_tier", n=fmt.integer(group["size"]),
                                     percent=fmt.percent(Decimal(group["percent"]))),
                               cite(tier.span), hit.ref))
        step = fam.transfer_step_kb
        if step:
            for kb in (step, step + step // 2, 2 * step):
                allowed = fam.transferable(kb)
                mb = kb // 1024
                hit = next((h for h in self.index.find(("family",), "sms", lambda h: (
                    h.data.get("action") == "family_transfer"
                    and re.search(rf"(?<!\d){mb}\s*MB", h.body["text"]) is not None))
                    if h.ok == allowed), None)
                key = "ex_transfer_ok" if allowed else "ex_transfer_no"
                text = fmt.t(key, amount=fmt.kb(kb))
                if hit is None:
                    out.append(Example(text, cite(fam.span)))
                else:
                    out.append(Example(text, hit.expect.get("source", cite(fam.span)), hit.ref))
        return out

    # --- bill ------------------------------------------------------------------------------

    def bill(self, b) -> list[Example]:
        """The spec's period examples, as the bills of the vector that plays them."""
        from compiler.model.bill import format_period

        name = f"bill {b.name} period examples"
        hits = self.index.find(("bill",), "bill", lambda h: h.name == name and h.ok)
        out = []
        for i, e in enumerate(b.examples):
            month = e.activation
            key = "ex_period_before" if e.before else "ex_period"
            hit = hits[i] if i < len(hits) else None
            if hit is not None and (hit.body["year"], hit.body["month"]) == (month.year, month.month):
                period, ref = hit.data["period"], hit.ref
            else:  # no vector: the spec's rule, worked here
                first, last = b.period_of(e.activation - dt.timedelta(days=1) if e.before
                                          else e.activation, month)
                period, ref = format_period(first, last), ""
            out.append(Example(self.fmt.t(key, activation=self.fmt.date(e.activation),
                                          month=self.fmt.month(month), period=period),
                               cite(e.span), ref))
        return out
