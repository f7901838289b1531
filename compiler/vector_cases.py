"""The cases of the golden vectors, kind by kind, read from the checked model.

Each `<kind>(tariff, facts)` returns `compiler.vectors.Vector`s whose events have no
expectations yet (`compiler.vectors.record` fills them from the reference evaluator). The
cases are boundary cases of each rule: both sides of every interval and data-block edge,
quota exhaustion, validity end +/- 1 s, allowances, every code, keyword and plan with valid
and invalid arguments and segments, group sizes, transfers, invitations at 24 h +/- 1 s,
month boundaries, billing-window edges, bills; and random months drawn with
`random.Random(SEED + n)` (deterministic, no Hypothesis at build time).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from compiler.model import Tariff
from compiler.vectors import Vector
from runtime.numbers import COUNTRY_CODES

SEED = 20260704
FAR_PARTY = "+4930123456"  # a number abroad (Germany) that no network of the specs claims


# --- helpers read from the model -------------------------------------------------------------

def edges(first: int, nxt: int) -> list[int]:
    """Both sides of an interval's edges: 1, first-1, first, first+1, first+next (+-1) ..."""
    xs = {1, first - 1, first, first + 1, first + nxt - 1, first + nxt, first + nxt + 1,
          first + 2 * nxt, first + 2 * nxt + 1}
    return sorted(x for x in xs if x > 0)


class Facts:
    """Places, parties and subscribers of one tariff, read from the model."""

    def __init__(self, t: Tariff) -> None:
        self.t = t
        self.tz = ZoneInfo(t.operator.timezone)
        self.cc = COUNTRY_CODES.get(t.operator.country, "")
        self.networks = {n.name: n for n in t.networks}
        self.zone = {z.name: z for z in t.zones}
        self.segments = [s.id for s in t.segments]
        # The segment of the lines with a balance: `prepaid` where declared, else the first.
        self.prepaid = "prepaid" if "prepaid" in self.segments else self.segments[0]
        self.n = 0

    def when(self, y, mo, d, h=0, mi=0, s=0) -> datetime:
        return datetime(y, mo, d, h, mi, s, tzinfo=self.tz)

    def msisdn(self) -> str:
        self.n += 1
        prefix = {"381": "+38164", "994": "+99450"}.get(self.cc, "+" + self.cc + "9")
        return f"{prefix}{self.n:07d}"

    def place_of_zone(self, name: str) -> dict:
        z = self.zone[name]
        if z.networks:
            n = self.networks[z.networks[0]]
            return {"country": n.country, "network": n.mccmnc[0]}
        if z.countries or z.illustrative_countries:
            return {"country": (z.countries + z.illustrative_countries)[0]}
        mcc = (z.mcc + z.illustrative_mcc)[0]
        return {"network": f"{mcc} 11"}

    def place_of_network(self, name: str) -> dict:
        n = self.networks[name]
        if not n.mccmnc:
            return {"country": n.country}
        return {"country": n.country, "network": n.mccmnc[0]}

    def parties(self, dest) -> list[str]:
        """Numbers inside a destination, and numbers just outside it."""
        if dest is None or dest.kind == "any":
            return [FAR_PARTY]
        if dest.kind == "networks":
            out = []
            for name in dest.names:
                n = self.networks[name]
                for p in (n.numbers + n.illustrative_numbers)[:2]:
                    out.append(p + "123456")
                for p in n.not_numbers[:1]:
                    out.append(p + "123456")
            return out
        if dest.kind == "countries":
            return ["+" + COUNTRY_CODES[c] + "20123456" for c in dest.names if c in COUNTRY_CODES]
        if dest.kind == "numbers":  # a number under each prefix (the longest one wins)
            return [p + "1234567" for p in dest.names]
        return [FAR_PARTY, "+12025550123"]

    def plan_of(self, segment: str) -> str | None:
        s = self.t.segment(segment)
        return s.plans[0] if s and s.plans else None


def _money(x: Decimal, places: str = "0.01") -> str:
    return str(x.quantize(Decimal(places)))


# The worked examples of the docs (compiler.docs_examples) show one typical event per rate: a
# 61-second call (the "a 61-second call from Zona 1 costs 239.80 RSD") and 250 KB of
# data or MMS; the rating vectors hold these amounts besides the interval edges.
SAMPLE = {"sms": 1, "data": 250, "mms": 250}


def with_sample(amounts: list[int], service: str) -> list[int]:
    """`amounts` and the docs' sample amount of `service`, in order, once each."""
    return sorted(set(amounts) | {SAMPLE.get(service, 61)})


# --- cases by kind -----------------------------------------------------------------------------

def rating_zones(t: Tariff, f: Facts) -> list[Vector]:
    out = []
    for pl in t.price_lists:
        if pl.kind != "zones":
            continue
        for zone in dict.fromkeys(r.zone for r in pl.rates):
            where = f.place_of_zone(zone)
            for rate in (r for r in pl.rates if r.zone == zone):
                v = Vector(t, f"{zone} {rate.service}", f"{pl.name}: {rate.service} in {zone} "
                           f"at both sides of each interval edge", f.when(2026, 7, 1, 10))
                me = v.sub(f.msisdn(), f.prepaid, balance="100000.00")
                iv = rate.interval or pl.interval(rate.service)
                amounts = [0] + (edges(iv.first, iv.next) if iv else [1, 2])
                amounts = with_sample(amounts, rate.service)
                if rate.service == "sms":
                    amounts = [1, 2, 3]
                party = None if rate.service in ("data", "mms") else FAR_PARTY
                for a in amounts:
                    v.usage(me, rate.service, a, where.items(), party)
                out.append(v)
        # refusals: a prepaid line without enough credit, a negative amount, an unknown zone
        v = Vector(t, f"{pl.name} refusals", "not enough credit; negative amounts; no zone",
                   f.when(2026, 7, 2, 10))
        me = v.sub(f.msisdn(), f.prepaid, balance="1.00")
        post = v.sub(f.msisdn(), "postpaid" if "postpaid" in f.segments else f.segments[0],
                     plan=f.plan_of("postpaid"))
        first = next(iter(dict.fromkeys(r.zone for r in pl.rates)))
        where = f.place_of_zone(first)
        v.usage(me, "outgoing call", 600, where.items(), FAR_PARTY)
        v.usage(me, "outgoing call", -1, where.items(), FAR_PARTY)
        v.usage(me, "data", -5, where.items())
        v.usage(me, "outgoing call", 60, {"country": "ZZ"}.items(), FAR_PARTY)
        v.usage(post, "outgoing call", 600, where.items(), FAR_PARTY)
        v.usage(post, "video call", 61, where.items(), FAR_PARTY)
        v.usage(me, "outgoing call", 61, {"network": "999 99"}.items(), FAR_PARTY)
        out.append(v)
    return out


def rating_network(t: Tariff, f: Facts) -> list[Vector]:
    out = []
    for pl in t.price_lists:
        if pl.kind not in ("network", "home"):
            continue
        where = f.place_of_network(pl.network) if pl.kind == "network" else {}
        declared = {svc.name: svc.unit for svc in t.services}
        services = dict.fromkeys(r.service for r in pl.rates if r.service != "connection fee")
        services.update(dict.fromkeys(s for s, _ in pl.intervals))
        for service in services:
            rows = [r for r in pl.rates if r.service == service]
            parties = []
            for r in rows:
                parties += f.parties(r.destination)
            parties = list(dict.fromkeys(parties or [FAR_PARTY]))
            if (service in ("data", "mms") or declared.get(service) == "data") and \
                    all(r.destination.kind == "any" for r in rows):
                parties = [None]
            iv = pl.interval(service)
            amounts = with_sample([0] + (edges(iv.first, iv.next) if iv else [1, 2]), service)
            if service == "sms" or declared.get(service) == "count":
                amounts = [1, 2]
            for party in parties:
                v = Vector(t, f"{pl.name} {service} to {party or 'data'}",
                           f"{pl.name}: {service} to {party or '-'} at the interval edges",
                           f.when(2026, 7, 3, 10))
                me = v.sub(f.msisdn(), f.prepaid, balance="100000.00")
                for a in amounts:
                    v.usage(me, service, a, where.items(), party)
                out.append(v)
        if pl.kind == "home":
            out += traffic_classes(t, f, pl)
        if pl.kind == "network":
            n = f.networks[pl.network]
            v = Vector(t, f"{pl.name} shown names", "every name and MCC-MNC a phone may show",
                       f.when(2026, 7, 4, 10))
            me = v.sub(f.msisdn(), f.prepaid, balance="100000.00")
            for name in n.mccmnc + n.shown_as:
                v.usage(me, "outgoing call", 61, {"network": name}.items(), FAR_PARTY)
            for other in ("297 02", "297 03"):
                place = {"country": n.country, "network": other}
                v.usage(me, "outgoing call", 61, place.items(), FAR_PARTY)
            out.append(v)
    return out


def traffic_classes(t: Tariff, f: Facts, pl) -> list[Vector]:
    """At home, each declared class by number: a call (or SMS) of its base service to a
    number under each of its prefixes, and under each `not numbers` prefix, at the edges of
    the class's interval (the longest prefix of all classes decides)."""
    out = []
    for svc in t.services:
        if svc.base is None:
            continue
        iv = pl.interval(svc.name)
        amounts = [1, 2] if svc.base == "sms" else \
            with_sample([0] + (edges(iv.first, iv.next) if iv else [1, 2]), svc.base)
        v = Vector(t, f"{pl.name} class {svc.name}",
                   f"{pl.name}: {svc.base} to numbers of {svc.name} (and to its exceptions)",
                   f.when(2026, 7, 3, 11))
        me = v.sub(f.msisdn(), f.prepaid, balance="100000.00")
        for prefix in (*svc.numbers, *svc.not_numbers):
            # a number under the prefix; a short code itself, and one that starts with it
            numbers = [prefix + "234567"] if prefix.startswith("+") else \
                [prefix, (prefix + "123")[:6]]
            for number in numbers:
                for a in amounts:
                    v.usage(me, svc.base, a, (), number)
        out.append(v)
    return out


def _menu_path(t: Tariff, name: str):
    for code in t.codes:
        for opt in code.menu:
            if name in opt.activates:
                return code.pattern, f"{opt.number} {opt.activates.index(name) + 1}"
    return None


def _activations(t: Tariff, p) -> list[tuple[str, dict]]:
    """(kind, body without msisdn) for every way of buying pass `p`."""
    out = []
    for a in p.activations:
        if a.channel == "code":
            out.append(("dial", {"text": a.code}))
        elif a.channel == "sms":
            out.append(("sms", {"to": a.number, "text": a.keyword or ""}))
        elif a.channel == "menu":
            path = _menu_path(t, p.name)
            if path:
                out.append(("dial", {"text": path[0], "answer": path[1]}))
    return out


def _pass_place(t: Tariff, f: Facts, p) -> dict:
    kind, names = p.where
    if kind == "network":
        return f.place_of_network(names[0])
    if kind == "zones":
        return f.place_of_zone(names[0])
    zones = [z.name for z in t.zones if not z.networks]
    return f.place_of_zone(zones[1] if len(zones) > 1 else zones[0])


def passes(t: Tariff, f: Facts) -> list[Vector]:
    out = []
    for p in t.passes:
        where = _pass_place(t, f, p)
        price = p.price.amount
        ways = _activations(t, p)
        segs = p.eligibility.segments or tuple(f.segments)
        seg = "prepaid" if "prepaid" in segs else segs[0]
        # every way to buy it, then its use until the end of its validity
        for i, (kind, body) in enumerate(ways):
            v = Vector(t, f"{p.name} by {kind} {body.get('text') or body.get('to')} {i}",
                       f"{p.name}: bought by {kind}, used, and its validity end +-1 s",
                       f.when(2026, 6, 1, 9))
            me = v.sub(f.msisdn(), seg, balance="100000.00")
            start = f.when(2026, 6, 1, 9, 0, 0)
            v.add(kind, {"msisdn": me, **body, **where}, when=start)
            _use_pass(v, f, p, me, where)
            end = start + timedelta(seconds=p.validity_seconds)
            for when in (end - timedelta(seconds=1), end, end + timedelta(seconds=1)):
                v.usage(me, "outgoing call", 61, where.items(), FAR_PARTY, when=when)
                v.usage(me, "data", 1, where.items(), step=0)
            v.add("tick", {}, step=1)
            out.append(v)
        if not ways:
            continue
        kind, body = ways[0]
        # who may buy it: one line of every segment, and a prepaid line short of the price
        v = Vector(t, f"{p.name} eligibility", f"{p.name}: for {', '.join(segs)}; credit edge",
                   f.when(2026, 6, 2, 9))
        for s in f.segments:
            extra = {"plan": f.plan_of(s)} if f.plan_of(s) else {}
            credit = {} if s == "postpaid" else {"balance": "100000.00"}
            me = v.sub(f.msisdn(), s, **extra, **credit)
            v.add(kind, {"msisdn": me, **body, **where})
        for bal in (price - Decimal("0.01"), price, price + Decimal("0.01")):
            me = v.sub(f.msisdn(), seg, balance=_money(bal))
            v.add(kind, {"msisdn": me, **body, **where})
        me = v.sub(f.msisdn(), seg, balance="100000.00")
        v.add(kind, {"msisdn": me, **body})  # at home
        v.add(kind, {"msisdn": me, **body, "country": "ZZ"})
        out.append(v)
        # exclusivity: a new pass of the same group ends the active one
        if p.exclusive:
            others = [q for q in t.passes if q.exclusive == p.exclusive and q.name != p.name]
            for q in others[:1]:
                qw = _activations(t, q)
                if not qw:
                    continue
                v = Vector(t, f"{p.name} then {q.name}", f"exclusive `{p.exclusive}`: "
                           f"{q.name} ends {p.name}", f.when(2026, 6, 3, 9))
                me = v.sub(f.msisdn(), seg, balance="100000.00")
                v.add(kind, {"msisdn": me, **body, **where})
                v.add(qw[0][0], {"msisdn": me, **qw[0][1], **where})
                _quota_check(t, v, me, where)
                v.usage(me, "data", 1, where.items())
                v.add("tick", {}, when=v.now + timedelta(seconds=p.validity_seconds + 1))
                v.usage(me, "data", 1, where.items())
                out.append(v)
    return out


def _quota_check(t: Tariff, v: Vector, me: str, where: dict) -> None:
    for code in t.codes:
        if code.action == "quota":
            v.dial(me, code.pattern, where.items())


def _use_pass(v: Vector, f: Facts, p, me: str, where: dict) -> None:
    """Allowances to exhaustion, free rules in and out of their destination, rates, quota."""
    for a in p.allowances:
        if a.unit == "min":
            for service in a.services:
                v.usage(me, service, 61, where.items(), FAR_PARTY)
            v.usage(me, a.services[0], a.amount * 60 - 120 - 61, where.items(), FAR_PARTY)
            v.usage(me, a.services[0], 61, where.items(), FAR_PARTY)
            v.usage(me, a.services[0], 61, where.items(), FAR_PARTY)
        elif a.unit == "sms":
            v.usage(me, "sms", a.amount - 1, where.items(), FAR_PARTY)
            v.usage(me, "sms", 2, where.items(), FAR_PARTY)
            v.usage(me, "sms", 1, where.items(), FAR_PARTY)
        elif a.unit == "KB":
            v.usage(me, "data", a.amount - 1, where.items())
            v.usage(me, "data", 2, where.items())
            v.usage(me, "data", 100, where.items())
    for rule in p.free:
        if rule.service == "data":
            continue
        for party in f.parties(rule.destination)[:4]:
            v.usage(me, rule.service, 61, where.items(), party)
        if rule.destination is not None:
            v.usage(me, rule.service, 31, where.items(), "+38220123456")
            v.usage(me, rule.service, 61, where.items(), FAR_PARTY)
    if any(r.service == "data" for r in p.free):
        q = p.full_speed_kb or 0
        _quota_check(f.t, v, me, where)
        v.usage(me, "data", max(q - 1, 1), where.items())
        _quota_check(f.t, v, me, where)
        v.usage(me, "data", 1, where.items())
        v.usage(me, "data", 1, where.items())
        _quota_check(f.t, v, me, where)
    for r in p.rates:
        v.usage(me, r.service, 1, where.items(), FAR_PARTY)
        v.usage(me, r.service, 2, where.items(), FAR_PARTY)
    # the same usage outside the pass's place
    v.usage(me, "outgoing call", 61, {"country": "US"}.items(), FAR_PARTY)


def _param_values(ptype: str, cc: str) -> list[str]:
    """A valid value of a code parameter type, then invalid ones."""
    if ptype == "msisdn":
        return ["0631234568", "0641234567", "+381691234567", "00381621234567", "0631", "1" * 16,
                "06x1234567"]
    if ptype == "phone":
        return ["0038163123456", "00441711234567", "12", "00x"]
    return ["1234567890", "999", "12ab", ""]


def codes(t: Tariff, f: Facts) -> list[Vector]:
    out = []
    for code in t.codes:
        v = Vector(t, f"code {code.pattern}", f"{code.pattern} ({code.action}): every segment, "
                   "its variants, arguments, conditions, in roaming", f.when(2026, 3, 2, 10))
        v.world = {"vouchers": {"1234567890": "500.00", "5555555555": "200.00"},
                   "cards": {"1234567890": "unused", "1111111111": "used"}}
        subs = {}
        for s in f.segments:
            extra = {"plan": f.plan_of(s)} if f.plan_of(s) else {}
            subs[s] = v.sub(f.msisdn(), s, **extra,
                            **({} if s == "postpaid" else {"balance": "100.00"}))
        texts = [code.pattern]
        if code.params:
            texts = []
            p = code.params[0]
            for val in _param_values(p.type, f.cc):
                texts.append(code.pattern.replace(f"<{p.name}:{p.type}>", val))
        texts += [text for _, text in code.variants]
        for s, me in subs.items():
            for text in texts:
                v.dial(me, text)
        for s, me in subs.items():
            v.dial(me, texts[0], {"country": "DE"}.items())
        for cond in code.conditions:
            for delta in ("-0.01", "0", "0.01"):
                for s in (code.eligibility.segments or tuple(f.segments)):
                    if s == "postpaid":
                        continue
                    me = v.sub(f.msisdn(), s, balance=_money(cond.value.amount + Decimal(delta)))
                    for text in texts[:2]:
                        v.dial(me, text)
                    v.dial(me, texts[0], {"country": "DE"}.items())
        for opt in code.menu:
            me = subs.get("prepaid", next(iter(subs.values())))
            v.subscribers[[s["msisdn"] for s in v.subscribers].index(me)]["balance"] = "100000.00"
            answers = [None, str(opt.number), f"{opt.number} 0",
                       f"{opt.number} {len(opt.activates) + 1}", "99"]
            for answer in answers:
                v.dial(me, code.pattern, answer=answer)
        out.append(v)
    out += code_examples(t, f)
    v = Vector(t, "unknown codes", "codes that are not declared", f.when(2026, 3, 3, 10))
    me = v.sub(f.msisdn(), f.segments[0], balance="100.00")
    for text in ("*999#", "*31#", "311#", "*" * 3):
        v.dial(me, text)
    out.append(v)
    return out


def code_examples(t: Tariff, f: Facts) -> list[Vector]:
    """The dialled example of each code (its first `example`, or the code itself when it takes
    no parameters) by a line of an eligible segment in each of the operator's languages: the
    worked examples of the docs (replies in the page's language)."""
    f = Facts(t)
    f.n = 9000  # numbers of their own: the other vectors keep theirs
    out = []
    for code in t.codes:
        texts = code.examples or ((code.pattern,) if not code.params else ())
        if not texts or code.action == "menu":
            continue
        v = Vector(t, f"code {code.pattern} example", f"{texts[0]} ({code.action}) by an eligible "
                   "line in each language", f.when(2026, 3, 4, 10))
        v.world = {"vouchers": {"1234567890": "500.00"}, "cards": {"1234567890": "unused"}}
        segs = code.eligibility.segments or tuple(f.segments)
        seg = "prepaid" if "prepaid" in segs else segs[0]
        extra = {"plan": f.plan_of(seg)} if f.plan_of(seg) else {}
        if seg != "postpaid":
            extra["balance"] = "10000.00"
        for lang in t.operator.languages:
            v.dial(v.sub(f.msisdn(), seg, language=lang, **extra), texts[0])
        out.append(v)
    return out


def _sms_texts(cmd, f: Facts) -> list[str]:
    """A valid message of an SMS command, then its spelling variants and invalid ones."""
    from compiler.model.commands import SmsParam
    out, bad = [], []

    def build(counts):
        parts = []
        for p in cmd.parts:
            if not isinstance(p, SmsParam):
                parts.append(p)
            elif p.type == "msisdn":
                parts.append(", ".join(f"06{5 + i}1234567" for i in range(counts)))
            elif p.type == "MB":
                parts.append("100 MB")
            else:
                parts.append("1" * counts)
        return "".join(parts)

    params = cmd.params
    if not params:
        out.append(cmd.pattern)
    for p in params:
        if p.type == "msisdn":
            for n in sorted({p.min, p.max}):
                out.append(build(n))
            bad += [build(p.min - 1), build(p.max + 1)]
        elif p.type == "digits":
            out.append(build(p.min))
            bad += [build(p.min - 1), build(p.max + 1)]
        else:
            out.append(build(1))
    if cmd.keyword:
        out.append(out[0].lower())
        if cmd.folded != cmd.keyword.upper():
            out.append(out[0].replace(cmd.keyword, cmd.folded))
        out.append(out[0].replace(cmd.keyword, cmd.keyword + "X", 1))
    return out + bad


def sms(t: Tariff, f: Facts) -> list[Vector]:
    out = []
    family_numbers = set()
    for cmd in t.sms_commands:
        if cmd.action.startswith("family_"):
            family_numbers.add(cmd.number)
            continue
        v = Vector(t, f"sms {cmd.number} {cmd.pattern!r}", f"`{cmd.pattern}` to {cmd.number} "
                   f"({cmd.action}): every segment, valid and invalid messages, in roaming",
                   f.when(2026, 3, 5, 10))
        v.world = {"cards": {"1111111111": "used", "1234567890": "unused"}}
        for s in f.segments:
            extra = {"plan": f.plan_of(s)} if f.plan_of(s) else {}
            me = v.sub(f.msisdn(), s, **extra, **({} if s == "postpaid" else {"balance": "100.00"}))
            for text in _sms_texts(cmd, f):
                v.sms(me, cmd.number, text)
            v.sms(me, cmd.number, _sms_texts(cmd, f)[0], {"country": "DE"}.items())
        out.append(v)
    for n in t.service_numbers:
        if n.number in family_numbers:
            continue
        v = Vector(t, f"service number {n.number}", f"SMS to {n.number}: unknown keywords, "
                   "its price at home and abroad", f.when(2026, 3, 6, 10))
        me = v.sub(f.msisdn(), f.prepaid, balance="100.00")
        for text in ("NEPOZNATO", "?", "TPP"):
            v.sms(me, n.number, text)
            v.sms(me, n.number, text, {"country": "DE"}.items())
        out.append(v)
    return out


def calls_web(t: Tariff, f: Facts) -> list[Vector]:
    out = []
    for kind, items in (("call", t.calls), ("web", t.web_channels)):
        for item in items:
            ref = item.number if kind == "call" else item.name
            v = Vector(t, f"{kind} {ref}", f"{kind} {ref} ({item.action}) from every segment",
                       f.when(2026, 3, 2, 10))
            for s in f.segments:
                for lang in t.operator.languages:
                    me = v.sub(f.msisdn(), s, language=lang,
                               **({} if s == "postpaid" else {"balance": "5.00"}))
                    if kind == "call":
                        v.add("call", {"msisdn": me, "number": ref})
                        v.add("call", {"msisdn": me, "number": ref, "country": "DE"})
                    else:
                        v.add("web", {"msisdn": me, "channel": ref})
                        v.add("web", {"msisdn": me, "channel": ref.upper()})
            out.append(v)
    return out


def balance(t: Tariff, f: Facts) -> list[Vector]:
    """Billing-window edges for every deferred request; notifications; languages."""
    out = []
    for w in t.billing_windows:
        for day in (w.from_day, w.to_day):
            for kind, ref in w.defers:
                v = Vector(t, f"billing window day {day} {kind} {ref}",
                           f"{kind} {ref} at the {day}th {w.at[0]:02d}:{w.at[1]:02d} +-1 s",
                           f.when(2026, 5, day, 12))
                me = v.sub(f.msisdn(), "postpaid", language=t.operator.languages[-1])
                edge = f.when(2026, 5, day, *w.at)
                for when in (edge - timedelta(seconds=1), edge, edge + timedelta(seconds=1)):
                    v.now = when - timedelta(seconds=1)
                    _request(t, v, me, kind, ref, when)
                out.append(v)
        v = Vector(t, "billing window month", "a postpaid request on each day of a month at noon"
                   " and at the window's hour", f.when(2026, 6, 1, 0))
        me = v.sub(f.msisdn(), "postpaid")
        kind, ref = w.defers[0]
        for d in range(1, 31):
            for h, m in ((12, 0), w.at):
                _request(t, v, me, kind, ref, f.when(2026, 6, d, h, m))
        out.append(v)
    for n in t.notifications:
        v = Vector(t, f"notifications {n.kind}", "automatic balance notifications on each "
                   "trigger, in every language", f.when(2026, 3, 9, 10))
        for lang in t.operator.languages:
            for s in f.segments:
                me = v.sub(f.msisdn(), s, language=lang,
                           **({} if s == "postpaid" else {"balance": "1.00"}))
                for cmd in t.sms_commands:
                    if not cmd.params and cmd.pattern == "":
                        v.sms(me, cmd.number, "")
                for code in t.codes:
                    v.dial(me, code.pattern)
                v.usage(me, "outgoing call", 61)
        out.append(v)
    return out


def _request(t: Tariff, v: Vector, me: str, kind: str, ref: str, when: datetime) -> None:
    if kind == "sms":
        v.sms(me, ref, "", when=when)
    elif kind == "call":
        v.add("call", {"msisdn": me, "number": ref}, when=when)
    elif kind == "code":
        v.dial(me, ref, when=when)
    else:
        v.add("web", {"msisdn": me, "channel": ref}, when=when)


# --- family ----------------------------------------------------------------------------------

PACKAGE = {"minutes": 100, "sms": 50, "mb": 2000}


def _fam_cmd(t: Tariff, action: str):
    return next((c for c in t.sms_commands if c.action == action), None)


def _fam_text(t: Tariff, action: str, numbers=(), mb=None, to=None) -> str:
    from compiler.model.commands import SmsParam
    cmd = _fam_cmd(t, action)
    parts = []
    for p in cmd.parts:
        if not isinstance(p, SmsParam):
            parts.append(p)
        elif p.type == "MB":
            parts.append(f"{mb} MB")
        elif p.name == "to" or (to is not None and p.max == 1):
            parts.append(to)
        else:
            parts.append(", ".join(numbers))
    return "".join(parts)


def family(t: Tariff, f: Facts) -> list[Vector]:
    out = []
    for fam in t.families:
        number = _fam_cmd(t, "family_create").number
        plan = fam.plans[0]

        def group(name, desc, size, start=None):
            v = Vector(t, f"{fam.name} {name}", desc, start or f.when(2026, 3, 10, 12))
            ms = [v.sub(f.msisdn(), "postpaid", plan=fam.plans[i % len(fam.plans)], package=PACKAGE)
                  for i in range(size)]
            return v, ms

        def create(v, ms, accept=True, step=600):
            v.sms(ms[0], number, _fam_text(t, "family_create", ms[1:]), step=step)
            if accept:
                for m in ms[1:]:
                    v.sms(m, number, _fam_text(t, "family_accept"), step=step)

        def status(v, ms):
            for m in ms:
                v.sms(m, number, _fam_text(t, "family_status"))

        # group sizes from min-1 to max+1
        for size in range(fam.min_members - 1, fam.max_members + 2):
            v, ms = group(f"size {size}", f"a group of {size}: bonus tier, fee, free calls, "
                          "month end", size)
            create(v, ms)
            status(v, ms)
            v.usage(ms[0], "outgoing call", 300, party=ms[1].replace("+381", "0"))
            v.usage(ms[0], "sms", 1, party=ms[-1])
            v.usage(ms[0], "outgoing call", 61, party="+381631234999")
            v.add("month_end", {}, when=f.when(2026, 3, 31, 23, 59, 59))
            status(v, ms)
            v.add("bill", {"msisdn": ms[0], "year": 2026, "month": 3})
            out.append(v)
        # transfers
        if fam.transfer_step_kb:
            step_mb = fam.transfer_step_kb // 1024
            bonus_mb = PACKAGE["mb"] * fam.percent_for(fam.min_members) / 100
            amounts = [0, step_mb // 2, step_mb, step_mb + step_mb // 2, 2 * step_mb,
                       int(bonus_mb), int(bonus_mb) + step_mb]
            v, ms = group("transfers", "bonus data sent in steps: 0, half a step, a step, "
                          "1.5 steps, two steps, all the bonus, more than the unspent bonus",
                          fam.min_members)
            create(v, ms)
            for mb in amounts:
                to = ms[1].replace("+381", "0")
                v.sms(ms[0], number, _fam_text(t, "family_transfer", mb=mb, to=to))
            v.sms(ms[1], number, _fam_text(t, "family_transfer", mb=step_mb, to="0651112223"))
            status(v, ms)
            v.add("month_end", {}, when=f.when(2026, 3, 31, 23, 59, 59))
            v.sms(ms[1], number, _fam_text(t, "family_transfer", mb=step_mb, to=ms[2]),
                  when=f.when(2026, 4, 1, 9))
            status(v, ms)
            out.append(v)
        # invitations at the end of their validity
        if fam.invitation_seconds:
            for delta in (-1, 0, 1):
                v, ms = group(f"invitation answer {delta:+d} s", "an invitation answered "
                              f"{fam.invitation_seconds} s {delta:+d} s after it was sent",
                              fam.min_members)
                create(v, ms, accept=False)
                sent = v.now
                for m in ms[1:-1]:
                    v.sms(m, number, _fam_text(t, "family_accept"))
                v.sms(ms[-1], number, _fam_text(t, "family_accept"),
                      when=sent + timedelta(seconds=fam.invitation_seconds + delta))
                v.add("tick", {}, step=1)
                status(v, ms)
                out.append(v)
        # declining, cancelling, several invitations, exit, adding, one group a month
        v, ms = group("lifecycle", "decline, cancel (both spellings), invitations on hold, "
                      "exit, add, one group per month, next month", fam.max_members + 2)
        a, b, c, d, e, g, h = ms[:7]
        v.sms(a, number, _fam_text(t, "family_create", [b, c]))
        v.sms(b, number, _fam_text(t, "family_decline"))
        v.sms(a, number, _fam_text(t, "family_create", [b, c]))
        cancel = _fam_cmd(t, "family_cancel")
        v.sms(a, number, cancel.pattern)
        v.sms(a, number, _fam_text(t, "family_create", [b, c]))
        v.sms(a, number, cancel.folded)
        v.sms(a, number, _fam_text(t, "family_create", [b, c]))
        v.sms(d, number, _fam_text(t, "family_create", [c, e]))
        v.sms(c, number, _fam_text(t, "family_accept"))
        v.sms(b, number, _fam_text(t, "family_accept"))
        v.sms(e, number, _fam_text(t, "family_accept"))
        status(v, ms)
        v.sms(a, number, _fam_text(t, "family_add", [d]))
        v.sms(a, number, _fam_text(t, "family_add", [d, g, h, "+381659999999"]))
        v.sms(a, number, _fam_text(t, "family_transfer", mb=50, to=f"{b}, {c}"))
        v.sms(g, number, _fam_text(t, "family_add", [h]))
        v.sms(c, number, _fam_text(t, "family_exit"))
        v.sms(c, number, _fam_text(t, "family_create", [g, h]))
        v.sms(h, number, "NEPOZNATO")
        v.sms(h, number, "")
        status(v, ms)
        v.add("month_end", {}, when=f.when(2026, 3, 31, 23, 59, 59))
        status(v, ms)
        v.sms(c, number, _fam_text(t, "family_create", [g, h]), when=f.when(2026, 4, 2, 9))
        v.sms(g, number, _fam_text(t, "family_accept"))
        v.sms(h, number, _fam_text(t, "family_accept"))
        v.add("month_end", {}, when=f.when(2026, 4, 30, 23, 59, 59))
        status(v, ms)
        out.append(v)
        # a full group asks for one more member
        v, ms = group("full group", f"a group of {fam.max_members} adds one member, then one "
                      "more after a member left", fam.max_members + 2)
        create(v, ms[:fam.max_members])
        v.sms(ms[0], number, _fam_text(t, "family_add", [ms[-2]]))
        v.sms(ms[1], number, _fam_text(t, "family_exit"))
        v.sms(ms[0], number, _fam_text(t, "family_add", [ms[-1]]))
        v.add("month_end", {}, when=f.when(2026, 3, 31, 23, 59, 59))
        status(v, ms)
        out.append(v)
        # an exit: the leaver's benefits right after IZLAZAK, the group after it, next month
        v, ms = group("exit", "IZLAZAK: free calls and bonus of the leaver right after it, the "
                      "group's size until and after the month end", fam.min_members + 1)
        create(v, ms)
        v.sms(ms[-1], number, _fam_text(t, "family_exit"))
        v.usage(ms[-1], "outgoing call", 60, party=ms[0])
        v.usage(ms[0], "sms", 1, party=ms[-1])
        status(v, ms)
        v.add("month_end", {}, when=f.when(2026, 3, 31, 23, 59, 59))
        status(v, ms)
        out.append(v)
        # the promotion ends mid-month (an `ends when` event): benefits after it, a second
        # group in the same month, the fee of a part of a month
        if fam.ends_when:
            v, ms = group("ended mid-month", "an `ends when` event on the 15th: free calls and "
                          "bonus after it, a new group the same month and the next", 2 * fam.min_members)
            first, second = ms[:fam.min_members], ms[fam.min_members:]
            create(v, first)
            v.add("family_end", {"msisdn": first[1], "reason": fam.ends_when[-1][0]},
                  when=f.when(2026, 3, 15, 10))
            v.usage(first[0], "outgoing call", 60, party=first[1])
            status(v, first)
            new = [first[0]] + second[1:]
            create(v, new)
            status(v, new)
            v.add("month_end", {}, when=f.when(2026, 3, 31, 23, 59, 59))
            status(v, ms)
            v.sms(first[1], number, _fam_text(t, "family_create", [first[2], second[0]]),
                  when=f.when(2026, 4, 2, 9))
            v.add("bill", {"msisdn": first[0], "year": 2026, "month": 3})
            out.append(v)
        # who may join: every plan, every other segment, legal entities, promotions
        v = Vector(t, f"{fam.name} eligibility", "every eligible plan; other segments; "
                   "excluded and excepted promotions; legal entities; suspended lines",
                   f.when(2026, 3, 12, 9))
        def invitees(pl=plan):
            return [v.sub(f.msisdn(), "postpaid", plan=pl, package=PACKAGE) for _ in range(2)]

        for pl in fam.plans:
            me = v.sub(f.msisdn(), "postpaid", plan=pl, package=PACKAGE)
            v.sms(me, number, _fam_text(t, "family_create", invitees(pl)), step=1)
        for s in f.segments:
            if s in fam.eligibility.segments:
                continue
            me = v.sub(f.msisdn(), s, plan=f.plan_of(s) or "Nepoznat", balance="100.00")
            v.sms(me, number, _fam_text(t, "family_create", invitees()), step=1)
            v.sms(v.sub(f.msisdn(), "postpaid", plan=plan, package=PACKAGE), number,
                  _fam_text(t, "family_create", [me, invitees()[0]]), step=1)
        me = v.sub(f.msisdn(), "postpaid", plan="Nepoznat paket", package=PACKAGE)
        v.sms(me, number, _fam_text(t, "family_create", invitees()), step=1)
        promos = {}
        for promo in fam.excluded + fam.exceptions:
            me = v.sub(f.msisdn(), "postpaid", plan=plan, package=PACKAGE)
            promos[me] = [promo]
            v.sms(me, number, _fam_text(t, "family_create", invitees()), step=1)
            other = v.sub(f.msisdn(), "postpaid", plan=plan, package=PACKAGE)
            promos[other] = [promo]
            v.sms(v.sub(f.msisdn(), "postpaid", plan=plan, package=PACKAGE), number,
                  _fam_text(t, "family_create", [other, invitees()[0]]), step=1)
            v.sms(other, number, _fam_text(t, "family_accept"), step=1)
        legal = v.sub(f.msisdn(), "postpaid", plan=plan, package=PACKAGE)
        v.sms(legal, number, _fam_text(t, "family_create", invitees()), step=1)
        susp = v.sub(f.msisdn(), "postpaid", plan=plan, package=PACKAGE, suspended=True)
        v.sms(susp, number, _fam_text(t, "family_create", invitees()), step=1)
        v.world = {"promotions": promos, "legal_entities": [legal]}
        out.append(v)
        # "a member of one group only in the course of one month": a number that accepted a
        # DODAJ invitation (a member from next month) cannot create or join another group
        own = Facts(t)
        own.n = 8000  # numbers of their own: the other vectors keep theirs
        v = Vector(t, f"{fam.name} joining next month", "an accepted DODAJ invitation: the "
                   "number creates a group, is invited to one, is added to another; after the "
                   "month end", f.when(2026, 3, 10, 12))
        ms = [v.sub(own.msisdn(), "postpaid", plan=plan, package=PACKAGE)
              for _ in range(2 * fam.min_members + 1)]
        first, x, others = ms[:fam.min_members], ms[fam.min_members], ms[fam.min_members + 1:]
        create(v, first)
        v.sms(first[0], number, _fam_text(t, "family_add", [x]))
        v.sms(x, number, _fam_text(t, "family_accept"))
        v.sms(x, number, _fam_text(t, "family_create", others[:2]))
        v.sms(others[0], number, _fam_text(t, "family_create", [x, others[1]]))
        create(v, others)
        v.sms(others[0], number, _fam_text(t, "family_add", [x]))
        status(v, [x, others[0]])
        v.add("month_end", {}, when=f.when(2026, 3, 31, 23, 59, 59))
        status(v, [x, first[0]])
        v.sms(x, number, _fam_text(t, "family_create", others[:2]), when=f.when(2026, 4, 2, 9))
        out.append(v)
    return out


# --- bill ---------------------------------------------------------------------------------

def bill(t: Tariff, f: Facts) -> list[Vector]:
    out = []
    for b in t.bills:
        plan = f.plan_of("postpaid")
        for label, activated in (("activated in the month", f.when(2026, 1, 17, 10)),
                                 ("activated before", f.when(2025, 12, 3, 9)),
                                 ("activated on the first", f.when(2026, 1, 1, 0)),
                                 ("activated on the last day", f.when(2026, 1, 31, 23, 59, 59))):
            v = Vector(t, f"bill {label}", f"{b.name}: the period of a number {label}; "
                       "traffic at the month's edges; one-time charges of every category; "
                       "previous balances", f.when(2026, 1, 1, 0))
            ledger = []
            base = max(activated, f.when(2026, 1, 1))
            for i, c in enumerate(b.one_time):  # every category, from the activation on
                ledger.append({"at": (base + timedelta(minutes=7 * i)).isoformat(),
                               "kind": "one_time", "category": c.name, "amount": f"{10 + i}.50",
                               "quantity": 1})
            ledger += [{"at": max(base, f.when(2026, 1, 25)).isoformat(), "kind": "discount",
                        "category": "Popust", "amount": "50.00"},
                       {"at": f.when(2026, 1, 31, 23, 59, 59).isoformat(), "kind": "traffic",
                        "category": "outgoing call", "amount": "119.90", "quantity": 60,
                        "unit": "s"},
                       {"at": f.when(2026, 2, 1, 0, 0, 0).isoformat(), "kind": "traffic",
                        "category": "outgoing call", "amount": "119.90", "quantity": 60,
                        "unit": "s"},
                       ]
            if activated < f.when(2025, 12, 31, 23, 59, 59):
                ledger.append({"at": f.when(2025, 12, 31, 23, 59, 59).isoformat(),
                               "kind": "traffic", "category": "sms", "amount": "29.90",
                               "quantity": 1, "unit": "sms"})
            me = v.sub(f.msisdn(), "postpaid", plan=plan, activated=activated.isoformat(),
                       ledger=ledger)
            v.usage(me, "outgoing call", 61, {"country": "DE"}.items(), FAR_PARTY,
                    when=f.when(2026, 1, 31, 23, 0))
            for p in t.passes:
                ways = _activations(t, p)
                segs = p.eligibility.segments
                if ways and "postpaid" in segs:
                    v.add(ways[0][0], {"msisdn": me, **ways[0][1], **_pass_place(t, f, p)})
            when = f.when(2026, 2, 2, 10)
            for extra in ({}, {"previous_balance": "200.00"}, {"previous_balance": "-75.50"},
                          {"due_date": "2026-02-20"}, {"due_date": "2026-01-30"}):
                v.add("bill", {"msisdn": me, "year": 2026, "month": 1, **extra}, when=when)
                when += timedelta(seconds=1)
            for y, m in ((2025, 12), (2026, 2)):
                v.add("bill", {"msisdn": me, "year": y, "month": m}, when=when)
                when += timedelta(seconds=1)
            out.append(v)
        if b.examples:
            out.append(bill_examples(t, f, b))
    return out


def bill_examples(t: Tariff, f: Facts, b) -> Vector:
    """The spec's own period examples (`example activation 17.01.2013 period "..."`): a line
    activated that day (or, for `before`, the day before) and its bill for that month."""
    f = Facts(t)
    f.n = 9500  # numbers of their own: the other vectors keep theirs
    first = min(e.activation for e in b.examples)
    v = Vector(t, f"bill {b.name} period examples", f"{b.name}: the bills of the spec's period "
               "examples", f.when(first.year, first.month, 1) - timedelta(days=2))
    lines = []
    for e in b.examples:
        day = e.activation - timedelta(days=1) if e.before else e.activation
        lines.append((v.sub(f.msisdn(), "postpaid", plan=f.plan_of("postpaid"),
                            activated=f.when(day.year, day.month, day.day, 10).isoformat()), e))
    when = max(f.when(e.activation.year, e.activation.month, 1) for e in b.examples)
    when = (when + timedelta(days=32)).replace(day=2, hour=10)
    for me, e in lines:
        v.add("bill", {"msisdn": me, "year": e.activation.year, "month": e.activation.month},
              when=when)
        when += timedelta(seconds=1)
    return v


# --- random scenarios ------------------------------------------------------------------------

def random_month(t: Tariff, f: Facts, rng: random.Random, n: int, events: int) -> Vector:
    """A month of mixed usage, code and SMS commands, passes and family actions."""
    start = f.when(2026, 5, 1, 8)
    v = Vector(t, f"random month {n}", f"a month of mixed traffic drawn with seed {SEED}+{n}",
               start)
    subs = []
    for s in f.segments:
        extra = {"plan": f.plan_of(s)} if f.plan_of(s) else {}
        if s != "postpaid":
            extra["balance"] = f"{rng.randint(0, 3000)}.{rng.randint(0, 99):02d}"
        subs.append(v.sub(f.msisdn(), s, package=PACKAGE, **extra))
    fam = t.families[0] if t.families else None
    if fam:
        for pl in fam.plans[:4]:
            subs.append(v.sub(f.msisdn(), "postpaid", plan=pl, package=PACKAGE))
    places = [{}] + [f.place_of_zone(z.name) for z in t.zones] + \
             [f.place_of_network(n.name) for n in t.networks if n.mccmnc]
    parties = [FAR_PARTY, "+12025550123"] + [p for n in t.networks
                                              for p in f.parties(_Dest(n.name))]
    parties += subs
    services = ["outgoing call", "incoming call", "sms", "data", "video call", "callback call",
                "mms"]
    pass_ways = [(p, w) for p in t.passes for w in _activations(t, p)]
    texts = [c.pattern for c in t.codes if not c.params and not c.menu]
    sms_cmds = [c for c in t.sms_commands]
    priced = any(r.price is not None for pl in t.price_lists for r in pl.rates)
    usage_share = 0.45 if priced else 0.1  # an operator without prices answers `not_available`
    now = start
    for _ in range(events):
        now += timedelta(seconds=rng.choice([1, 30, 600, 3600, 5 * 3600, 20 * 3600]))
        if now.month != 5:
            break
        me = rng.choice(subs)
        where = rng.choice(places)
        x = rng.random()
        if x < usage_share:
            service = rng.choice(services)
            amount = rng.choice([0, 1, 5, 29, 30, 31, 59, 60, 61, 100, 105, 106, 600, 2000])
            party = None if service in ("data", "mms") else rng.choice(parties)
            v.usage(me, service, amount, where.items(), party, when=now)
        elif x < 0.6 and pass_ways:
            p, (kind, body) = rng.choice(pass_ways)
            v.add(kind, {"msisdn": me, **body, **_pass_place(t, f, p)}, when=now)
        elif x < 0.7 and texts:
            v.dial(me, rng.choice(texts), where.items(), when=now)
        elif x < 0.85 and sms_cmds:
            cmd = rng.choice(sms_cmds)
            if cmd.action.startswith("family_") and fam:
                others = rng.sample([s for s in subs if s != me], 2)
                text = _fam_text(t, cmd.action, others, mb=rng.choice([50, 75, 100, 5000]),
                                 to=others[0])
            else:
                text = rng.choice(_sms_texts(cmd, f))
            v.sms(me, cmd.number, text, when=now)
        elif x < 0.9 and (t.passes or t.families):
            v.add("tick", {}, when=now)
        elif t.calls or t.web_channels:
            if t.calls and rng.random() < 0.5:
                v.add("call", {"msisdn": me, "number": rng.choice(t.calls).number}, when=now)
            elif t.web_channels:
                v.add("web", {"msisdn": me, "channel": rng.choice(t.web_channels).name}, when=now)
    if t.families or t.bills:
        v.add("month_end", {}, when=f.when(2026, 5, 31, 23, 59, 59))
    if t.bills:
        for me in subs:
            v.add("bill", {"msisdn": me, "year": 2026, "month": 5}, step=1)
    return v


class _Dest:
    def __init__(self, name):
        self.kind, self.names = "networks", (name,)


def random_scenarios(t: Tariff, f: Facts) -> list[Vector]:
    return [random_month(t, f, random.Random(SEED + n), n, 120) for n in range(4)]


def versions(t: Tariff, f: Facts) -> list[Vector]:
    """Effective dates: compiler.vector_versions (none for a spec without dates)."""
    from compiler.vector_versions import versions as cases
    return cases(t, f)


def time_bands(t: Tariff, f: Facts) -> list[Vector]:
    """Time bands: compiler.vector_timebands (none for a spec without bands)."""
    from compiler.vector_timebands import time_bands as cases
    return cases(t, f)


def taxes(t: Tariff, f: Facts) -> list[Vector]:
    """Taxes: compiler.vector_taxes (none for a spec without a VAT rate)."""
    from compiler.vector_taxes import taxes as cases
    return cases(t, f)


KINDS = (("rating_zones", rating_zones), ("rating_network", rating_network), ("passes", passes),
         ("codes", codes), ("sms", sms), ("calls_web", calls_web), ("balance", balance),
         ("family", family), ("bill", bill), ("random", random_scenarios),
         ("versions", versions), ("time_bands", time_bands), ("taxes", taxes))
