"""What subscribers ask for: USSD codes (`Dial`), SMS keywords (`Sms`), calls to service numbers
(`CallNumber`) and web channels (`Web`), read from the model's `ShortCode`, `SmsCommand`,
`CallCommand`, `WebChannel` and `ServiceNumber`, plus the `activate sms` lines of the passes.

The meaning is docs/runtime/commands.md. A request is served in this order:

1. find the command (else UnknownCode / UnknownCommand, or a malformed parameter);
2. its price (a prepaid balance that cannot pay it: refused, nothing changes);
3. the charge, then eligibility, the billing window, the conditions and the network, which
   may answer instead of the action;
4. the action (answered here, or by the balance, passes or family area);
5. a refused code, call or web request changes nothing; a sent SMS stays charged;
6. the automatic balance update after a charged SMS or call (not after a balance answer).

Reply wording comes from the runtime's phrase table (`runtime.commands_texts`, data only).
"""

from __future__ import annotations

import operator
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from compiler.lower import cite
from compiler.model.commands import code_regex, split_code
from compiler.check.reader import fold_keyword
from compiler.evaluate.balance import money_text
from compiler.evaluate.versions import in_force, local_day
from runtime import numbers
from runtime.commands_texts import PHRASES  # the reply wording (data), not the runtime's logic
from runtime.errors import (InvalidEvent, MalformedNumber, NotAvailable, Refused, UnknownCode,
                            UnknownCommand)
from runtime.events import CallNumber, Dial, Outcome, Reply, Sms, Web
from runtime.money import Money, round_amount
from runtime.state import Charge, World, frozen_map

COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
           "=": operator.eq}
REQUEST_CHANNEL = {"code": "ussd", "sms": "sms", "call": "voice", "web": "web"}
LEDGER = {"code": ("USSD", "use"), "sms": ("SMS", "sms"), "call": ("call", "call")}
NOTIFY_ON = {"sms": "sms", "call": "call"}
ANSWERED_BY_BALANCE = frozenset({"balance", "status", "account_details", "plan_status",
                                 "grant_access", "revoke_access", "card_check"})
STATES_BALANCE = frozenset({"balance", "status", "account_details"})
NUMBER = r"\+?\d[\d ./-]*\d"


def handlers(evaluator) -> dict:
    t = evaluator.tariff
    if not (t.codes or t.sms_commands or t.calls or t.web_channels or t.service_numbers):
        return {}
    area = CommandsArea(evaluator)
    evaluator.commands = area
    return {Dial: area.dial, Sms: area.sms, CallNumber: area.call, Web: area.web}


def fold(text: str) -> str:
    """Upper case, no diacritics (`Đ` is `DJ`), trimmed: how keywords and messages compare."""
    text = text.replace("Đ", "DJ").replace("đ", "dj")
    plain = "".join(c for c in unicodedata.normalize("NFKD", text)
                    if not unicodedata.combining(c))
    return plain.upper().strip()


def pattern_regex(parts) -> re.Pattern:
    """An SMS pattern as a regex over the folded message: words of a literal need spaces
    between them, punctuation may have spaces around it; `<x:msisdn a..b>` is a comma-separated
    list of numbers, `<x:MB>` an amount `100 MB`, `<x:digits n>` n digits."""
    out = []
    for part in parts:
        if isinstance(part, str):
            text = fold(part)
            for i, c in enumerate(text):
                if c.isspace():
                    if i and text[i - 1].isspace():
                        continue
                    j = i
                    while text[j].isspace():
                        j += 1
                    out.append(r"\s+" if text[i - 1].isalnum() and text[j].isalnum() else r"\s*")
                elif c.isalnum():
                    out.append(re.escape(c))
                else:
                    out.append(r"\s*" + re.escape(c) + r"\s*")
        elif part.type == "MB":
            out.append(rf"\s*(?P<{part.name}>\d+)\s*MB\s*")
        elif part.type == "digits":
            count = "+" if part.min is None else f"{{{part.min},{part.max}}}"
            out.append(rf"\s*(?P<{part.name}>\d{count})\s*")
        else:
            out.append(rf"\s*(?P<{part.name}>{NUMBER}(?:\s*,\s*{NUMBER})*)\s*")
    return re.compile("".join(out))


@dataclass(frozen=True)
class SmsRule:
    """An SMS command as served: a model `SmsCommand`, a pass's `activate sms` line, or the
    refusal of a message no command of the number takes (`action` "unknown")."""

    number: str
    pattern: str
    keyword: str
    folded: str
    parts: tuple
    title: dict
    segments: tuple
    plans: tuple
    action: str
    args: tuple
    replies: tuple
    texts: dict
    price: object
    source: str
    usage: object = None
    keywords: tuple = ()
    why: str = ""
    validity: object = None  # compiler.model.versions.Validity of a dated `sms` command


@dataclass
class Request:
    kind: str  # code, sms, call, web
    ref: str  # the code's pattern, the service number, the channel's name
    rule: object  # a ShortCode, SmsRule, CallCommand or WebChannel
    msisdn: str
    at: object
    where: object = None
    params: dict = field(default_factory=dict)
    lang: str | None = None  # the language of a dialled variant
    answer: str | None = None
    explain: bool = False


@dataclass
class Answer:
    """What a rule or action answered: texts for the requester, replies to others, facts, and
    the outcome of another area it handed over to."""

    ok: bool = True
    texts: tuple = ()
    data: dict = field(default_factory=dict)
    reason: str = ""
    others: tuple = ()
    channels: tuple | None = None
    delegated: Outcome | None = None


def own_texts(rule) -> dict:
    """A rule's own reply texts (`text sr "..."`), language -> text."""
    if isinstance(rule, SmsRule):
        return rule.texts
    texts = getattr(rule, "texts", None)
    return dict(texts.items) if texts else {}


class CommandsArea:
    def __init__(self, evaluator) -> None:
        self.ev = evaluator
        t = self.tariff = evaluator.tariff
        self.default = t.operator.languages[0]
        self.calling = numbers.COUNTRY_CODES.get(t.operator.country, "")
        self.sn = {n.number: n for n in t.service_numbers}
        self.sms_rules: dict[str, list[SmsRule]] = {}
        for s in t.sms_commands:
            self.sms_rules.setdefault(s.number, []).append(SmsRule(
                s.number, s.pattern, s.keyword, s.folded, s.parts, dict(s.title.items),
                s.eligibility.segments, s.eligibility.plans, s.action, s.action_args,
                s.replies, dict(s.texts.items), s.price, cite(s.span), validity=s.validity))
        for p in t.passes:  # `activate sms "TCG1" to 9000`: an SMS command that activates
            for a in p.activations:
                if a.channel == "sms":
                    self.sms_rules.setdefault(a.number, []).append(SmsRule(
                        a.number, a.keyword, a.keyword, fold_keyword(a.keyword), (a.keyword,),
                        dict(p.names.items) or {self.default: p.name},
                        p.eligibility.segments, p.eligibility.plans, "activate", (p.name,),
                        ("sms",), {}, None, cite(a.span)))

    # -- finding the command ---------------------------------------------------------------

    def dial(self, world: World, e: Dial, explain: bool):
        text = "".join(e.text.split())
        tz = self.tariff.operator.timezone
        found = []  # the requests of dated versions not in force at e.at
        for code in self.tariff.codes:
            for lang, parts, suffix in self._forms(code):
                m = re.fullmatch(code_regex(parts, suffix), text)
                if m:
                    params = {p.name: self._code_param(p, m[p.name]) for p in parts
                              if not isinstance(p, str)}
                    req = Request("code", code.pattern, code, e.msisdn, e.at, e.where, params,
                                  lang, e.answer, explain)
                    if in_force(code, e.at, tz):
                        return self._serve(world, req)
                    found.append(req)
                    break
        if found:  # no version in force: the first, refused by its dates
            return self._serve(world, found[0])
        # The code with something else where a parameter goes: the parameter is bad input.
        for code in self.tariff.codes:
            for _, parts, suffix in self._forms(code):
                loose = "".join(re.escape(p) if isinstance(p, str) else f"(?P<{p.name}>[^*#]+)"
                                for p in parts) + re.escape(suffix)
                m = re.fullmatch(loose, text)
                if m:
                    for p in parts:
                        if not isinstance(p, str):
                            self._code_param(p, m[p.name])
        raise UnknownCode(f"`{e.text}` is not a code of {self.ev.operator_id}", code=e.text)

    @staticmethod
    def _forms(code):
        yield None, code.parts, code.suffix
        for lang, text in code.variants:
            yield (lang, *split_code(text))

    def _code_param(self, p, raw: str) -> str:
        if not re.fullmatch(p.regex, raw):
            if p.type in ("msisdn", "phone"):
                raise MalformedNumber(f"`{raw}` is not a phone number as a code takes it: "
                                      "digits only, national (0...) or international (00...)",
                                      number=raw)
            raise InvalidEvent(f"`{raw}` is not a {p.type} number (digits only)", value=raw)
        if p.type in ("msisdn", "phone"):
            return numbers.normalise(raw, self.calling)
        return raw

    def sms(self, world: World, e: Sms, explain: bool):
        number = e.to.strip()
        rules = self.sms_rules.get(number)
        if rules is None:
            raise UnknownCommand(f"{number} is not a service number of {self.ev.operator_id}",
                                 number=number)
        text = fold(e.text)
        usage, why = None, f"no command of {number} matches `{e.text}`"
        resting = None  # a dated version not in force at e.at: refused if no other takes it
        for rule in rules:
            m = pattern_regex(rule.parts).fullmatch(text)
            if m is None:
                continue
            try:
                params = self._sms_params(rule, m)
            except (MalformedNumber, Refused) as err:
                usage, why = rule, err.reason
                break
            req = Request("sms", number, rule, e.msisdn, e.at, e.where, params, explain=explain)
            if not in_force(rule, e.at, self.tariff.operator.timezone):
                resting = resting or req
                continue
            return self._serve(world, req)
        if resting is not None and usage is None:
            return self._serve(world, resting)
        if usage is None:
            usage = next((r for r in rules if r.folded and text.startswith(r.folded)), None)
            if usage is not None:
                why = f"`{e.text}` does not follow `{usage.pattern}`"
        keywords = tuple(r.pattern for r in rules)
        if usage is None:
            why += "; it takes " + ", ".join(f"`{k}`" for k in keywords)
        source = usage.source if usage else cite(self.sn[number].span)
        refusal = SmsRule(number, "", "", "", (), {}, (), (), "unknown", (), ("sms",), {}, None,
                          source, usage, keywords, why)
        return self._serve(world, Request("sms", number, refusal, e.msisdn, e.at, e.where,
                                          explain=explain))

    def _sms_params(self, rule: SmsRule, m: re.Match) -> dict:
        out: dict = {}
        for p in rule.parts:
            if isinstance(p, str):
                continue
            raw = m[p.name]
            if p.type == "MB":
                out[p.name + "_mb"] = int(raw)
            elif p.type == "digits":
                out[p.name] = raw
            else:
                found = tuple(numbers.normalise(x, self.calling) for x in raw.split(","))
                if not p.min <= len(found) <= p.max:
                    raise Refused(f"{rule.keyword} takes {p.min} to {p.max} numbers; "
                                  f"the message has {len(found)}")
                out[p.name] = found[0] if p.max == 1 else found
        return out

    def call(self, world: World, e: CallNumber, explain: bool):
        number = e.number.strip()
        rule = next((c for c in self.tariff.calls if c.number == number), None)
        if rule is None:
            raise UnknownCommand(f"{e.number} is not a service number that answers calls",
                                 number=e.number)
        return self._serve(world, Request("call", rule.number, rule, e.msisdn, e.at, e.where,
                                          explain=explain))

    def web(self, world: World, e: Web, explain: bool):
        wanted = e.channel.strip().casefold()
        rule = next((w for w in self.tariff.web_channels if w.name.casefold() == wanted), None)
        if rule is None:
            raise UnknownCommand(f"`{e.channel}` is not a web channel of {self.ev.operator_id}",
                                 channel=e.channel)
        return self._serve(world, Request("web", rule.name, rule, e.msisdn, e.at,
                                          explain=explain))

    # -- serving -----------------------------------------------------------------------------

    def _serve(self, world: World, req: Request):
        sub = world.subscriber(req.msisdn)
        lang = self.lang(sub, req.lang)
        price, arithmetic = self._price(req)
        paid = self.ev.money(price.amount + self.ev.vat_on(price.amount))  # prepaid pays gross
        if price.amount and sub.balance is not None and sub.balance < paid:
            answer = Answer(False, (self.say("insufficient", lang,
                                             balance=self.fmt(sub.balance, lang),
                                             price=self.fmt(price, lang)),),
                            reason=f"the balance {sub.balance} does not cover the price {price}")
            return world, self._outcome(req, answer, lang, self.ev.money(0), arithmetic)
        before = world
        if price.amount:
            category, unit = LEDGER[req.kind]
            line = Charge(req.at, "traffic", f"{category} {req.ref}", price, 1, unit)
            world = world.with_subscriber(sub.with_(
                balance=None if sub.balance is None else sub.balance - paid,
                ledger=sub.ledger + (line,)))
        world, answer = self._rules(world, req, sub, lang)
        if answer is None:
            world, answer = self._act(world, req, lang)
        own = price
        if not answer.ok and req.kind != "sms":
            world, own = before, self.ev.money(0)
        outcome = self._outcome(req, answer, lang, own, arithmetic)
        balance = getattr(self.ev, "balance", None)
        if (balance is not None and req.kind in NOTIFY_ON and own.amount
                and req.rule.action not in STATES_BALANCE):
            note = balance.notify(world, req.msisdn, outcome, NOTIFY_ON[req.kind])
            if note is not None:
                outcome = Outcome(outcome.msisdn, outcome.ok, outcome.charge,
                                  outcome.replies + (note,), outcome.rule, outcome.source,
                                  outcome.arithmetic, outcome.reason, outcome.data)
        return world, outcome

    def _price(self, req: Request) -> tuple[Money, str]:
        rule, roaming = req.rule, bool(req.where and req.where.roaming)
        if req.kind == "web":
            return self.ev.money(0), "a web request is free" if req.explain else ""
        if req.kind == "sms":
            sn = self.sn[req.ref]
            if rule.price is not None:
                amount, per, source = rule.price.amount, "per SMS", rule.source
            elif roaming and sn.roaming_price == "zone sms":
                amount, per, source = self._zone_sms(req)
            else:
                amount, per, source = sn.price.amount, f"per SMS to {req.ref}", cite(sn.span)
        else:
            price, per = rule.price, "per use"
            roaming_price = getattr(rule, "roaming_price", None)
            if roaming and roaming_price is not None:
                price, per = roaming_price, "per use in roaming"
            if price is None:
                return self.ev.money(0), (f"{req.ref} is not priced by the spec: nothing charged"
                                          if req.explain else "")
            amount, source = price.amount, cite(rule.span)
        rounding = self.tariff.operator.rounding
        rounded = amount if rounding is None else round_amount(amount, rounding.quantum,
                                                               rounding.mode)
        price = self.ev.money(rounded)
        if not req.explain:
            return price, ""
        if not amount:
            return price, f"free ({source})"
        text = f"{amount} {self.ev.currency} {per} ({source})"
        if rounded != amount:
            text += f", rounded {rounding.mode} to {rounding.quantum} = {price}"
        return price, text

    def _zone_sms(self, req: Request) -> tuple[Decimal, str, str]:
        """`roaming price zone sms`: the SMS price where the phone is (the rating area's)."""
        rating = self._area("rating", "place", req)
        place = rating.place(req.where)
        rate = rating.roaming_rate(place, "sms", None, None, req.at)
        return rate.cost(1), f"per SMS in {place.network or place.zone}", rate.source

    def _out_of_dates(self, req: Request, title: str, lang: str) -> Answer:
        """The refusal of a dated code or command on a day no version of it is in force."""
        rule = req.rule
        same = [c for c in self.tariff.codes if c.pattern == rule.pattern] if req.kind == "code" \
            else [r for r in self.sms_rules[req.ref] if r.pattern == rule.pattern]
        today = local_day(req.at, self.tariff.operator.timezone)
        later = [c.validity.start for c in same if c.validity.start and c.validity.start > today]
        if later:
            day = min(later).isoformat()
            text, why = self.say("not_yet", lang, title=title, day=day), \
                f"{rule.pattern} is in force from {day}"
        else:
            day = max(c.validity.end for c in same if c.validity.end).isoformat()
            text, why = self.say("no_longer", lang, title=title, day=day), \
                f"{rule.pattern} was in force until {day}"
        return Answer(False, (text,), {"valid": cite(rule.validity.span)},
                      reason=f"{why}; it is {today.isoformat()}")

    def _rules(self, world: World, req: Request, sub, lang: str):
        """Eligibility, the billing window, conditions and the network: an Answer that replaces
        the action, or None."""
        rule = req.rule
        if rule.action == "unknown":
            if rule.usage is not None:
                return world, Answer(False, (self.say("usage", lang, pattern=rule.usage.pattern),),
                                     {"usage": rule.usage.pattern}, reason=rule.why)
            listed = ", ".join(k or self.say("blank", lang) for k in rule.keywords)
            return world, Answer(False, (self.say("unknown_keyword", lang, keywords=listed),),
                                 {"keywords": rule.keywords}, reason=rule.why)
        segments, plans = self._who(rule)
        title = self.title(rule, lang)
        if getattr(rule, "validity", None) is not None and \
                not in_force(rule, req.at, self.tariff.operator.timezone):
            return world, self._out_of_dates(req, title, lang)
        if (segments or plans) and not (sub.segment in segments
                                        or (sub.plan is not None and sub.plan in plans)):
            who = ", ".join([self.segment(s, lang) for s in segments] + list(plans))
            who_en = ", ".join([self.segment(s, "en") for s in segments] + list(plans))
            return world, Answer(False, (self.say("not_eligible", lang, title=title, who=who),),
                                 reason=f"{self.title(rule, 'en')} is for {who_en} subscribers; "
                                        f"{sub.msisdn} is {self.segment(sub.segment, 'en')}"
                                        + (f" ({sub.plan})" if sub.plan else ""))
        balance = getattr(self.ev, "balance", None)
        window = balance.deferral(req.kind, req.ref, req.at) if balance is not None else None
        if window is not None:
            world, text, data = balance.defer(world, req.msisdn, window, req.kind, req.ref,
                                              req.at, lang)
            return world, Answer(True, (text,), data)
        for cond in getattr(rule, "conditions", ()):
            if sub.balance is None:
                raise InvalidEvent(f"{sub.msisdn} has no balance; `{req.ref}` works only while "
                                   f"balance {cond.op} {cond.value.amount} {cond.value.currency}",
                                   source=cite(cond.span))
            value = Money(cond.value.amount, cond.value.currency)
            if not COMPARE[cond.op](sub.balance.amount, value.amount):
                text = self.say("condition", lang, title=title, op=cond.op,
                                value=self.fmt(value, lang), balance=self.fmt(sub.balance, lang))
                return world, Answer(False, (text,), {"condition": cite(cond.span)}, reason=(
                    f"{req.ref} works only while balance {cond.op} {value}; the balance is "
                    f"{sub.balance}"))
        if getattr(rule, "network", None):
            return world, self._network(req, lang)
        return world, None

    def _network(self, req: Request, lang: str) -> Answer | None:
        name = req.rule.network
        net = next(n for n in self.tariff.networks if n.name == name)
        prefixes = [x.lstrip("+") for x in (net.numbers or net.illustrative_numbers)]
        excluded = [x.lstrip("+") for x in net.not_numbers]
        number = next(v for v in req.params.values() if isinstance(v, str))
        if (any(number.startswith(p) for p in prefixes)
                and not any(number.startswith(p) for p in excluded)):
            return None
        caveat = ("" if net.numbers else " (these prefixes are illustrative: the seeds do not "
                  "list the network's number ranges)")
        return Answer(False, (self.say("network", lang, number="+" + number, network=name),),
                      {"network": cite(net.span)},
                      reason=f"+{number} is not a {name} number: its numbers start with "
                             + ", ".join("+" + p for p in prefixes) + caveat)

    # -- actions -----------------------------------------------------------------------------

    def _act(self, world: World, req: Request, lang: str):
        action = req.rule.action
        if action.startswith("family_"):
            family = self._area("family", "handle", req)
            world, out = family.handle(world, req.msisdn, action, dict(req.params), req.at,
                                       req.explain)
            return world, Answer(out.ok, (), {}, out.reason, delegated=out)
        if action in ANSWERED_BY_BALANCE:
            balance = getattr(self.ev, "balance", None)
            if balance is None:
                raise NotAvailable(f"{req.ref} answers with the balance, and this engine has no "
                                   "balance area")
            world, texts, data = balance.answer(world, req.msisdn, action, lang, req.at,
                                                req.params, req.where)
            return world, Answer(True, texts, data)
        return getattr(self, f"_{action}")(world, req, lang)

    def _call_me(self, world: World, req: Request, lang: str):
        number = req.params["number"]
        target = world.subscribers.get(number)
        channel = req.rule.replies[0] if req.rule.replies else "sms"
        notice = Reply(channel, self.say("call_me_notice", self.lang(target),
                                         caller=req.msisdn), number)
        return world, Answer(True, (self.say("call_me", lang, number=number),),
                             {"notice_to": number}, others=(notice,), channels=("ussd",))

    def _recharge(self, world: World, req: Request, lang: str):
        voucher = req.params["voucher"]
        state = world.get("commands") or frozen_map()
        used = state.get("used_vouchers", ())
        value = (world.get("vouchers") or {}).get(voucher)
        if voucher in used:
            return world, Answer(False, (self.say("voucher_used", lang, voucher=voucher),),
                                 {"voucher": voucher}, reason=f"voucher {voucher} is already used")
        if value is None:
            return world, Answer(False, (self.say("voucher_unknown", lang, voucher=voucher),),
                                 {"voucher": voucher},
                                 reason=f'voucher {voucher} is not in world.extra["vouchers"]')
        if isinstance(value, float):
            raise InvalidEvent(f"voucher {voucher} has a float value; give a str or Decimal")
        amount = self.ev.money(Decimal(value))
        sub = world.subscriber(req.msisdn)
        balance = (sub.balance or self.ev.money(0)) + amount
        world = world.with_subscriber(sub.with_(balance=balance))
        world = world.with_extra("commands", frozen_map({**state,
                                                         "used_vouchers": used + (voucher,)}))
        return world, Answer(True, (self.say("recharged", lang, amount=self.fmt(amount, lang),
                                             balance=self.fmt(balance, lang)),),
                             {"voucher": voucher, "recharged": str(amount.amount),
                              "balance": str(balance.amount)})

    def _callback(self, world: World, req: Request, lang: str):
        # The reply is the code's own text; the callback call is a later Usage.
        return world, Answer(True, (), {"callback_to": req.params["number"]})

    def _menu(self, world: World, req: Request, lang: str):
        menu = req.rule.menu
        options = tuple(f"{o.number} {self.pick(dict(o.label.items), lang)}" for o in menu)
        if req.answer is None:
            return world, Answer(True, ("\n".join(options),), {"options": options})
        picks = [x for x in re.split(r"[\s*#,]+", req.answer) if x]
        option = next((o for o in menu if picks and str(o.number) == picks[0]), None)
        if option is None or len(picks) > 2:
            return world, self._no_option(req, lang, options)
        subs = tuple(f"{i} {name}" for i, name in enumerate(option.activates, 1))
        if len(picks) == 1:
            return world, Answer(True, ("\n".join(subs),),
                                 {"option": option.number, "options": subs})
        if not (picks[1].isdigit() and 1 <= int(picks[1]) <= len(subs)):
            return world, self._no_option(req, lang, subs)
        return self._activate_pass(world, req, lang, option.activates[int(picks[1]) - 1], "menu")

    def _no_option(self, req: Request, lang: str, options: tuple) -> Answer:
        return Answer(False, (self.say("no_option", lang, answer=req.answer,
                                       options="; ".join(options)),), {"options": options},
                      reason=f"`{req.answer}` is not an option of {req.ref}")

    def _activate(self, world: World, req: Request, lang: str):
        args = req.rule.args if isinstance(req.rule, SmsRule) else req.rule.action_args
        return self._activate_pass(world, req, lang, args[0], req.kind)

    def _activate_pass(self, world: World, req: Request, lang: str, name: str, channel: str):
        passes = self._area("passes", "activate", req)
        world, out = passes.activate(world, req.msisdn, name, req.at, channel)
        texts = (self.say("activated", lang, name=name),) if out.ok and not out.replies else ()
        return world, Answer(out.ok, texts, {"pass": name}, out.reason, delegated=out)

    def _quota(self, world: World, req: Request, lang: str):
        names = req.rule.action_args
        out = self._area("passes", "quota", req).quota(world, req.msisdn, req.at)
        rows = [r for r in out.data.get("passes", ())
                if r["pass"] in names and r["full_speed_kb"] is not None]
        if not rows:
            return world, Answer(True, (self.say("no_quota", lang, names=", ".join(names)),),
                                 {"full_speed_kb": None}, delegated=out)
        kb = rows[0]["full_speed_kb"]
        mb = Decimal(kb) / 1024
        mb = mb.quantize(Decimal(1)) if kb % 1024 == 0 else mb.quantize(Decimal("0.01"))
        return world, Answer(True, (self.say("quota", lang, name=rows[0]["pass"], mb=mb),),
                             {"pass": rows[0]["pass"], "full_speed_kb": kb}, delegated=out)

    def _area(self, name: str, method: str, req: Request):
        area = getattr(self.ev, name, None)
        if area is None or not hasattr(area, method):
            raise NotAvailable(f"{req.ref} needs engine.{name}.{method}, and this engine has no "
                               f"{name} area", source=self._source(req.rule))
        return area

    # -- the outcome ---------------------------------------------------------------------------

    def _outcome(self, req: Request, answer: Answer, lang: str, own: Money,
                 arithmetic: str) -> Outcome:
        rule = req.rule
        texts = answer.texts
        deferred = "deferred_to" in answer.data
        mine = own_texts(rule)
        if answer.ok and mine and not deferred:
            texts = (self.pick(mine, lang),)
        channels = (answer.channels or getattr(rule, "replies", ()) or ()) if answer.ok else ()
        if not channels or deferred:
            channels = (REQUEST_CHANNEL[req.kind],)
        if len(texts) == len(channels):
            pairs = list(zip(channels, texts))
        else:
            pairs = [(c, " ".join(texts)) for c in channels] if texts else []
        replies = tuple(Reply(c, t, req.msisdn) for c, t in pairs) + answer.others
        data = {"kind": req.kind, req.kind: req.ref, "action": rule.action}
        charge, rule_text = own, f"{req.kind} {req.ref}: {rule.action}"
        d = answer.delegated
        if d is not None:
            replies += d.replies
            data.update(d.data)
            if d.charge is not None:
                charge = own + d.charge
            if d.rule:
                rule_text += f"; {d.rule}"
            arithmetic = "; ".join(x for x in (arithmetic, d.arithmetic) if x)
        data.update(answer.data)
        return Outcome(req.msisdn, ok=answer.ok, charge=charge, replies=replies, rule=rule_text,
                       source=self._source(rule), arithmetic=arithmetic, reason=answer.reason,
                       data=frozen_map(data))

    # -- words -------------------------------------------------------------------------------

    @staticmethod
    def _source(rule) -> str:
        return rule.source if isinstance(rule, SmsRule) else cite(rule.span)

    @staticmethod
    def _who(rule) -> tuple[tuple, tuple]:
        if isinstance(rule, SmsRule):
            return rule.segments, rule.plans
        return rule.eligibility.segments, rule.eligibility.plans

    def lang(self, sub, variant: str | None = None) -> str:
        for choice in (variant, sub.language if sub is not None else None):
            if choice in self.tariff.operator.languages:
                return choice
        return self.default

    def say(self, key: str, lang: str, **values) -> str:
        texts = PHRASES[key]
        return (texts.get(lang) or texts.get(self.default) or texts["en"]).format(**values)

    def pick(self, texts: dict, lang: str) -> str:
        return texts.get(lang) or texts.get(self.default) or next(iter(texts.values()), "")

    def title(self, rule, lang: str) -> str:
        titles = rule.title if isinstance(rule, SmsRule) else dict(rule.title.items)
        fallback = rule.pattern if hasattr(rule, "pattern") else getattr(rule, "number", None)
        return self.pick(titles, lang) or str(fallback)

    def segment(self, segment: str, lang: str) -> str:
        seg = self.tariff.segment(segment)
        return self.pick(dict(seg.names.items), lang) if seg is not None else segment

    def fmt(self, m: Money, lang: str) -> str:
        """`m` in a reply in `lang`: the operator's decimal mark in its first language, else a
        decimal point and comma thousands (`money_text`)."""
        return money_text(m, self.tariff.operator.decimal, lang, self.default)
