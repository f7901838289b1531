"""USSD codes, SMS keyword commands, calls to service numbers and web channels.

`install(engine)` compiles the codes and SMS patterns of `engine.tables["commands"]` into
regular expressions once, registers the `Dial`, `Sms`, `CallNumber` and `Web` events, and sets
`engine.commands`. Each request goes through the same rules, in this order:

1. find the command: the code (or its language variant) the dialled string is, the keyword
   of the SMS on its service number, the called number, the web channel (else UnknownCode /
   UnknownCommand; a code whose parameter is malformed raises MalformedNumber or InvalidEvent);
2. eligibility (`for prepaid kombinuj`): a refusal with a reply;
3. the billing window (`runtime.balance`): a deferral with a reply;
4. conditions (`when balance < 15 RSD`) and the network of a number (`to network`): refusals;
5. the price per use (an SMS: the service number's price, or the roaming zone's SMS price;
   a prepaid line that cannot pay it is refused);
6. the action (balance query, Call Me, recharge, callback, menu, pass activation, quota,
   family commands...), then the charge: taken from the balance (prepaid) and written to the
   ledger as ("traffic", "USSD *111*1*7#YES"). An SMS is charged even when its request is
   refused (the message was sent); a code, call or web request only when it is carried out.

    >>> from datetime import datetime, timezone
    >>> from runtime.events import Dial
    >>> from runtime.state import Subscriber, world_of
    >>> import generated.telenor_rs as t
    >>> w = world_of(Subscriber("381631234567", "prepaid", balance=t.ENGINE.money("14.99")))
    >>> w, out = t.apply(w, Dial("381631234567", datetime(2024, 7, 1, tzinfo=timezone.utc),
    ...                          "*321*0621234567#"))
    >>> out.ok, out.replies[1].to
    (True, '381621234567')
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from decimal import Decimal

from runtime import numbers
from runtime.balance import eligible, fmt_money
from runtime.commands_texts import PHRASES
from runtime.errors import (InvalidEvent, MalformedNumber, NotAvailable, Refused, UnknownCode,
                            UnknownCommand)
from runtime.events import CallNumber, Dial, Outcome, Reply, Sms, Web
from runtime.money import Money, round_amount
from runtime.versions import in_force
from runtime.state import Charge, World, frozen_map
from runtime.taxes import gross

OPS = {"<": Decimal.__lt__, "<=": Decimal.__le__, ">": Decimal.__gt__, ">=": Decimal.__ge__,
       "=": Decimal.__eq__}
DEFAULT_CHANNEL = {"code": "ussd", "sms": "sms", "call": "voice", "web": "web"}
TRIGGER = {"sms": "sms", "call": "call"}  # what a charge of each kind notifies as
QUERIES = frozenset({"balance", "status", "account_details"})
_NUMBER = r"\+?\d[\d ./-]*\d"
_FOLD = str.maketrans({"Đ": "DJ", "đ": "dj"})


def fold(text: str) -> str:
    """A message as keywords are matched: upper case, no diacritics, trimmed.

    >>> fold("  Poništi "), fold("telenor porodica: 063 123 4567")
    ('PONISTI', 'TELENOR PORODICA: 063 123 4567')
    """
    plain = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in plain if not unicodedata.combining(c)).upper().strip()


def code_regex(parts: tuple, suffix: str, loose: bool = False) -> re.Pattern:
    """The regex of a code's lowered parts (`loose`: any text where a parameter goes).

    >>> code_regex(("*321*", {"name": "n", "regex": r"\\d{8,15}"}, "#"), "").fullmatch(
    ...     "*321*0631234567#")["n"]
    '0631234567'
    """
    out = [re.escape(p) if isinstance(p, str) else
           f"(?P<{p['name']}>{'[^*#]+' if loose else p['regex']})" for p in parts]
    return re.compile("".join(out) + re.escape(suffix))


def _literal_regex(text: str) -> str:
    """A folded literal of an SMS pattern: words keep one or more spaces between them,
    punctuation may have spaces around it."""
    out, words = [], re.split(r"(\s+)", fold(text))
    for i, w in enumerate(words):
        if not w.strip():
            between_words = (i > 0 and words[i - 1][-1:].isalnum()
                             and i + 1 < len(words) and words[i + 1][:1].isalnum())
            out.append(r"\s+" if between_words else r"\s*")
            continue
        out.append("".join(re.escape(c) if c.isalnum() else rf"\s*{re.escape(c)}\s*" for c in w))
    return "".join(out)


def sms_regex(parts: tuple) -> re.Pattern:
    """The regex of an SMS pattern's lowered parts, matched against the folded message.

    >>> r = sms_regex(("POSALJI: ", {"name": "amount", "type": "MB", "min": None, "max": None},
    ...                ", ", {"name": "to", "type": "msisdn", "min": 1, "max": 1}))
    >>> r.fullmatch(fold("posalji:100mb , 063 123 4567")).groupdict()
    {'amount': '100', 'to': '063 123 4567'}
    """
    out = []
    for p in parts:
        if isinstance(p, str):
            out.append(_literal_regex(p))
        elif p["type"] == "MB":
            out.append(rf"\s*(?P<{p['name']}>\d+)\s*MB\s*")
        elif p["type"] == "digits":
            n = "+" if p["min"] is None else f"{{{p['min']},{p['max']}}}"
            out.append(rf"\s*(?P<{p['name']}>\d{n})\s*")
        else:
            out.append(rf"\s*(?P<{p['name']}>{_NUMBER}(?:\s*,\s*{_NUMBER})*)\s*")
    return re.compile("".join(out))


@dataclass(frozen=True, slots=True)
class Request:
    """One request to serve: its kind ("code", "sms", "call", "web"), what it names (`ref`:
    the code's pattern, the service number, the channel), the rule and its parameters."""

    kind: str
    ref: str
    rule: dict
    msisdn: str
    at: object
    where: object = None
    params: dict = field(default_factory=dict)
    lang: str | None = None
    answer: str | None = None
    explain: bool = False


@dataclass(slots=True)
class Done:
    """What an action did: texts for the subscriber (one per reply channel, or one for all),
    replies to others, facts, and the outcome of another area it delegated to."""

    ok: bool = True
    texts: tuple[str, ...] = ()
    data: dict = field(default_factory=dict)
    reason: str = ""
    others: tuple[Reply, ...] = ()
    channels: tuple[str, ...] | None = None
    delegated: Outcome | None = None


class Commands:
    """The compiled commands of one operator (see the module docstring)."""

    def __init__(self, engine, table: dict) -> None:
        self.engine = engine
        op = engine.tables["operator"]
        self.default = engine.languages[0]
        self.calling = numbers.COUNTRY_CODES.get(op["country"], "")
        self.rounding = op["rounding"]
        self.vat = op.get("vat")  # runtime.taxes: a prepaid balance pays the gross price
        self.segments = op["segments"]
        self.decimal = table["decimal"]
        self.networks = table["networks"]
        self.service_numbers = table["service_numbers"]
        self.codes = [(c, [(code_regex(f["parts"], f["suffix"]), f["lang"],
                            [p for p in f["parts"] if isinstance(p, dict)]) for f in c["forms"]],
                       [code_regex(f["parts"], f["suffix"], loose=True) for f in c["forms"]])
                      for c in table["codes"]]
        self.sms: dict[str, list[tuple[dict, re.Pattern]]] = {}
        for s in table["sms"]:
            self.sms.setdefault(s["number"], []).append((s, sms_regex(s["parts"])))
        self.calls = {c["number"]: c for c in table["calls"]}
        self.web = {w["name"].casefold(): w for w in table["web"]}
        self.tz = None  # the operator's zone, for dated codes and commands (runtime.versions)
        if any("valid" in c for c in (*table["codes"], *table["sms"])):
            from zoneinfo import ZoneInfo
            from runtime.versions import Periods
            self.tz = ZoneInfo(op["timezone"])
            keys = [({"name": c["pattern"]}, c) for c in table["codes"]] + \
                [({"name": f"{r['pattern']} to {r['number']}"}, r) for r in table["sms"]]
            Periods([{**k, **({"valid": c["valid"]} if "valid" in c else {})} for k, c in keys],
                    self.tz)  # refuses two versions in force together (OverlappingVersions)

    # -- the four events -----------------------------------------------------------------------

    def dial(self, world: World, e: Dial, explain: bool) -> tuple[World, Outcome]:
        text = "".join(e.text.split())
        resting = None  # a version of the code not in force at e.at: refused if no other is
        for code, forms, _ in self.codes:
            for regex, lang, params in forms:
                m = regex.fullmatch(text)
                if m:
                    values = {p["name"]: self._param(p, m[p["name"]]) for p in params}
                    req = Request("code", code["pattern"], code, e.msisdn, e.at, e.where, values,
                                  lang, e.answer)
                    if "valid" in code and not in_force(code, e.at, self.tz):
                        resting = resting or req
                        break
                    return self._serve(world, req, explain)
        if resting is not None:
            return self._serve(world, resting, explain)
        for code, forms, loose in self.codes:
            for regex, (_, _, params) in zip(loose, forms):
                m = regex.fullmatch(text)
                if m:  # the code, with a parameter that is not what its type accepts
                    for p in params:
                        self._param(p, m[p["name"]])
        raise UnknownCode(f"`{e.text}` is not a code of {self.engine.operator_id}", code=e.text)

    def sms_event(self, world: World, e: Sms, explain: bool) -> tuple[World, Outcome]:
        number = e.to.strip()
        commands = self.sms.get(number)
        if commands is None:
            raise UnknownCommand(f"{number} is not a service number of "
                                 f"{self.engine.operator_id}", number=number)
        text = fold(e.text)
        usage, why = None, f"no command of {number} matches `{e.text}`"
        resting = None  # a version of the command not in force at e.at
        for rule, regex in commands:
            m = regex.fullmatch(text)
            if m is None:
                continue
            try:
                params = self._sms_params(rule, m)
            except (MalformedNumber, Refused) as err:
                usage, why = rule, err.reason
                break
            req = Request("sms", number, rule, e.msisdn, e.at, e.where, params)
            if "valid" in rule and not in_force(rule, e.at, self.tz):
                resting = resting or req
                continue
            return self._serve(world, req, explain)
        if resting is not None and usage is None:
            return self._serve(world, resting, explain)
        if usage is None:
            usage = next((r for r, _ in commands if r["folded"] and text.startswith(r["folded"])),
                         None)
            if usage is not None:
                why = f"`{e.text}` does not follow `{usage['pattern']}`"
        keywords = tuple(r["pattern"] for r, _ in commands)
        rule = {"number": number, "action": "unknown", "segments": (), "plans": (),
                "replies": ("sms",), "title": {}, "price": None, "usage": usage,
                "keywords": keywords, "why": why if usage else f"{why}; it takes "
                + ", ".join(f"`{k}`" for k in keywords),
                "source": (usage or self.service_numbers[number])["source"]}
        return self._serve(world, Request("sms", number, rule, e.msisdn, e.at, e.where), explain)

    def call(self, world: World, e: CallNumber, explain: bool) -> tuple[World, Outcome]:
        rule = self.calls.get(e.number.strip())
        if rule is None:
            raise UnknownCommand(f"{e.number} is not a service number that answers calls",
                                 number=e.number)
        return self._serve(world, Request("call", rule["number"], rule, e.msisdn, e.at, e.where),
                           explain)

    def web_event(self, world: World, e: Web, explain: bool) -> tuple[World, Outcome]:
        rule = self.web.get(e.channel.strip().casefold())
        if rule is None:
            raise UnknownCommand(f"`{e.channel}` is not a web channel of "
                                 f"{self.engine.operator_id}", channel=e.channel)
        return self._serve(world, Request("web", rule["name"], rule, e.msisdn, e.at), explain)

    # -- the rules, in order -------------------------------------------------------------------

    def _serve(self, world: World, req: Request, explain: bool) -> tuple[World, Outcome]:
        req = replace(req, explain=explain)
        rule, sub = req.rule, world.subscriber(req.msisdn)
        lang = self._lang(sub, req.lang)
        price, arithmetic = self._price(req, explain)
        if price.amount and sub.balance is not None and sub.balance < self._gross(price):
            done = Done(False, (self.say("insufficient", lang, balance=self.fmt(sub.balance, lang),
                                         price=self.fmt(price, lang)),),
                        reason=f"the balance {sub.balance} does not cover the price {price}")
            return world, self._outcome(req, done, lang, self.engine.money(0), arithmetic)
        before = world
        world = self._charge(world, req, price)
        world, done = self._decide(world, req, sub, lang)
        if done is None:
            world, done = self._act(world, req, lang)
        own = price
        if not done.ok and req.kind != "sms":  # a refused code, call or web request changes
            world, own = before, self.engine.money(0)  # nothing; a sent SMS stays charged
        outcome = self._outcome(req, done, lang, own, arithmetic)
        balance = getattr(self.engine, "balance", None)
        if (balance is not None and req.kind in TRIGGER and own.amount
                and rule["action"] not in QUERIES):  # a balance answer already says it
            note = balance.notify(world, req.msisdn, outcome, TRIGGER[req.kind])
            if note is not None:
                outcome = replace(outcome, replies=outcome.replies + (note,))
        return world, outcome

    def _decide(self, world: World, req: Request, sub, lang: str) -> tuple[World, Done | None]:
        """Eligibility, the billing window, conditions and the network: a Done that answers
        the request instead of its action, or None to carry the action out."""
        rule = req.rule
        if rule["action"] == "unknown":
            return world, self._unknown_keyword(req, lang)
        title = self._title(rule, lang)
        if "valid" in rule and not in_force(rule, req.at, self.tz):
            return world, self._not_in_force(req, title, lang)
        if not eligible(rule, sub):
            who = ", ".join([self._segment(s, lang) for s in rule["segments"]] + [*rule["plans"]])
            who_en = ", ".join([self._segment(s, "en") for s in rule["segments"]]
                               + [*rule["plans"]])
            text = self.say("not_eligible", lang, title=title, who=who)
            return world, Done(False, (text,), reason=(
                f"{self._title(rule, 'en')} is for {who_en} subscribers; {sub.msisdn} is "
                f"{self._segment(sub.segment, 'en')}" + (f" ({sub.plan})" if sub.plan else "")))
        balance = getattr(self.engine, "balance", None)
        window = balance and balance.deferral(req.kind, req.ref, req.at)
        if window:
            world, text, data = balance.defer(world, req.msisdn, window, req.kind, req.ref,
                                              req.at, lang)
            return world, Done(True, (text,), data)
        for cond in rule.get("conditions", ()):
            if sub.balance is None:
                raise InvalidEvent(f"{sub.msisdn} has no balance; `{req.ref}` works only while "
                                   f"balance {cond['op']} {cond['amount']} {cond['currency']}",
                                   source=cond["source"])
            value = Money(cond["amount"], cond["currency"])
            if not OPS[cond["op"]](sub.balance.amount, value.amount):
                text = self.say("condition", lang, title=title, op=cond["op"],
                                value=self.fmt(value, lang), balance=self.fmt(sub.balance, lang))
                return world, Done(False, (text,), {"condition": cond["source"]}, reason=(
                    f"{req.ref} works only while balance {cond['op']} {value}; the balance is "
                    f"{sub.balance}"))
        if rule.get("network"):
            return world, self._check_network(req, lang)
        return world, None

    def _not_in_force(self, req: Request, title: str, lang: str) -> Done:
        """A dated code or command used on a day none of its versions is in force: the next
        first day of a version if one is to come, else the last day of the latest."""
        rule = req.rule
        versions = [c for c, _, _ in self.codes if c["pattern"] == rule["pattern"]] \
            if req.kind == "code" else [r for r, _ in self.sms[req.ref]
                                        if r["pattern"] == rule["pattern"]]
        day = req.at.astimezone(self.tz).date().isoformat()
        starts = sorted(v["valid"][0] for v in versions if v["valid"][0] and v["valid"][0] > day)
        if starts:
            key, when, why = "not_yet", starts[0], f"{rule['pattern']} is in force from {starts[0]}"
        else:
            when = max(v["valid"][1] for v in versions if v["valid"][1])
            key, why = "no_longer", f"{rule['pattern']} was in force until {when}"
        return Done(False, (self.say(key, lang, title=title, day=when),),
                    {"valid": rule["valid"][2]}, reason=f"{why}; it is {day}")

    def _check_network(self, req: Request, lang: str) -> Done | None:
        net = self.networks[req.rule["network"]]
        number = next(v for v in req.params.values() if isinstance(v, str))
        if (numbers.matches_prefix(number, net["prefixes"])
                and not numbers.matches_prefix(number, net["not_prefixes"])):
            return None
        prefixes = ", ".join("+" + p for p in net["prefixes"])
        caveat = (" (these prefixes are illustrative: the seeds do not list the network's "
                  "number ranges)" if net["illustrative"] else "")
        return Done(False, (self.say("network", lang, number="+" + number,
                                     network=req.rule["network"]),),
                    {"network": net["source"]},
                    reason=f"+{number} is not a {req.rule['network']} number: its numbers start "
                           f"with {prefixes}{caveat}")

    def _price(self, req: Request, explain: bool) -> tuple[Money, str]:
        """The price of this use, rounded by the operator's rounding, and how it was found
        (the explanation is built only when asked)."""
        rule, roaming = req.rule, bool(req.where and req.where.roaming)
        if req.kind == "web":
            return self.engine.money(0), "a web request is free" if explain else ""
        if req.kind == "sms":
            sn = self.service_numbers[req.ref]
            amount, per, source = sn["price"], f"per SMS to {req.ref}", sn["source"]
            if rule.get("price") is not None:
                amount, per, source = rule["price"], "per SMS", rule["source"]
            elif roaming and sn["roaming_price"] == "zone sms":
                amount, per, source = self._zone_sms(req)
        else:
            amount, per, source = rule["price"], "per use", rule["source"]
            if roaming and rule.get("roaming_price") is not None:
                amount, per = rule["roaming_price"], "per use in roaming"
            if amount is None:
                return self.engine.money(0), (f"{req.ref} is not priced by the spec: "
                                              "nothing charged" if explain else "")
        rounded = amount
        if self.rounding is not None:
            rounded = round_amount(amount, self.rounding["quantum"], self.rounding["mode"])
        price = self.engine.money(rounded)
        if not explain:
            return price, ""
        if not amount:
            return price, f"free ({source})"
        text = f"{amount} {self.engine.currency} {per} ({source})"
        if rounded != amount:
            text += f", rounded {self.rounding['mode']} to {self.rounding['quantum']} = {price}"
        return price, text

    def _zone_sms(self, req: Request) -> tuple[Decimal, str, str]:
        """The SMS price where the sender roams (`roaming price zone sms`): the price list of
        the network the phone is on, else its zone's row of the roaming zone table."""
        from runtime.rating import amount_of

        rating = self._area("rating", "place", req).at(req.at)
        place = rating.place(req.where)
        rate = rating.price(place, "sms", None, None)
        return amount_of(rate, 1)[1], f"per SMS in {place.network or place.zone}", rate.source

    def _charge(self, world: World, req: Request, price: Money) -> World:
        """Take a price from the balance (prepaid) and write it to the ledger (nothing when 0)."""
        if not price.amount:
            return world
        sub = world.subscriber(req.msisdn)
        category = {"code": "USSD", "sms": "SMS", "call": "call"}[req.kind] + f" {req.ref}"
        unit = {"code": "use", "sms": "sms", "call": "call"}[req.kind]
        line = Charge(req.at, "traffic", category, price, 1, unit)
        balance = None if sub.balance is None else sub.balance - self._gross(price)
        return world.with_subscriber(sub.with_(balance=balance, ledger=sub.ledger + (line,)))

    def _gross(self, price: Money) -> Money:
        """What a prepaid balance pays for `price` (with its VAT when prices exclude it)."""
        return price if self.vat is None else Money(gross(price.amount, self.vat), price.currency)

    # -- actions -------------------------------------------------------------------------------

    def _act(self, world: World, req: Request, lang: str) -> tuple[World, Done]:
        action = req.rule["action"]
        if action.startswith("family_"):
            return self._family(world, req, action)
        return getattr(self, f"_do_{action}")(world, req, lang)

    def _query(self, world: World, req: Request, lang: str) -> tuple[World, Done]:
        balance = getattr(self.engine, "balance", None)
        if balance is None:
            raise NotAvailable(f"{req.ref} answers with the balance, and this engine has no "
                               "balance area")
        world, texts, data = balance.answer(world, req.msisdn, req.rule["action"], lang,
                                            req.at, req.params, req.where)
        return world, Done(True, texts, data)

    _do_balance = _do_status = _do_account_details = _do_plan_status = _query
    _do_grant_access = _do_revoke_access = _do_card_check = _query

    def _do_call_me(self, world: World, req: Request, lang: str) -> tuple[World, Done]:
        number = req.params["number"]
        target = world.subscribers.get(number)
        notice = Reply(req.rule["replies"][0] if req.rule["replies"] else "sms",
                       self.say("call_me_notice", self._lang(target), caller=req.msisdn), number)
        return world, Done(True, (self.say("call_me", lang, number=number),),
                           {"notice_to": number}, others=(notice,), channels=("ussd",))

    def _do_recharge(self, world: World, req: Request, lang: str) -> tuple[World, Done]:
        voucher = req.params["voucher"]
        state = world.get("commands") or frozen_map()
        used = state.get("used_vouchers", ())
        value = (world.get("vouchers") or {}).get(voucher)
        if voucher in used or value is None:
            key = "voucher_used" if voucher in used else "voucher_unknown"
            return world, Done(False, (self.say(key, lang, voucher=voucher),),
                               {"voucher": voucher},
                               reason=f"voucher {voucher} is " + (
                                   "already used" if voucher in used else
                                   'not in world.extra["vouchers"]'))
        if isinstance(value, float):
            raise InvalidEvent(f"voucher {voucher} has a float value; give a str or Decimal")
        amount = self.engine.money(Decimal(value))
        sub = world.subscriber(req.msisdn)
        balance = (sub.balance or self.engine.money(0)) + amount
        world = world.with_subscriber(sub.with_(balance=balance))
        world = world.with_extra("commands", frozen_map({**state,
                                                         "used_vouchers": used + (voucher,)}))
        return world, Done(True, (self.say("recharged", lang, amount=self.fmt(amount, lang),
                                           balance=self.fmt(balance, lang)),),
                           {"voucher": voucher, "recharged": str(amount.amount),
                            "balance": str(balance.amount)})

    def _do_callback(self, world: World, req: Request, lang: str) -> tuple[World, Done]:
        # The reply is the code's own text ("Vaš zahtev je prihvaćen..."); the callback call
        # itself is a later Usage("callback call") rated by the roaming price list.
        return world, Done(True, (), {"callback_to": req.params["number"]})

    def _do_menu(self, world: World, req: Request, lang: str) -> tuple[World, Done]:
        menu = req.rule["menu"]
        options = tuple(f"{o['number']} {self._pick(o['label'], lang)}" for o in menu)
        if req.answer is None:
            return world, Done(True, ("\n".join(options),), {"options": options})
        picks = [x for x in re.split(r"[\s*#,]+", req.answer) if x]
        option = next((o for o in menu if picks and str(o["number"]) == picks[0]), None)
        if option is None or len(picks) > 2:
            return world, self._no_option(req, lang, options)
        subs = tuple(f"{i} {name}" for i, name in enumerate(option["activates"], 1))
        if len(picks) == 1:
            return world, Done(True, ("\n".join(subs),),
                               {"option": option["number"], "options": subs})
        if not picks[1].isdigit() or not 1 <= int(picks[1]) <= len(subs):
            return world, self._no_option(req, lang, subs)
        return self._activate(world, req, lang, option["activates"][int(picks[1]) - 1], "menu")

    def _no_option(self, req: Request, lang: str, options: tuple[str, ...]) -> Done:
        return Done(False, (self.say("no_option", lang, answer=req.answer,
                                     options="; ".join(options)),), {"options": options},
                    reason=f"`{req.answer}` is not an option of {req.ref}")

    def _do_activate(self, world: World, req: Request, lang: str) -> tuple[World, Done]:
        return self._activate(world, req, lang, req.rule["args"][0], req.kind)

    def _activate(self, world: World, req: Request, lang: str, name: str,
                  channel: str) -> tuple[World, Done]:
        passes = self._area("passes", "activate", req)
        world, out = passes.activate(world, req.msisdn, name, req.at, channel)
        texts = (self.say("activated", lang, name=name),) if out.ok and not out.replies else ()
        return world, Done(out.ok, texts, {"pass": name}, out.reason, delegated=out)

    def _do_quota(self, world: World, req: Request, lang: str) -> tuple[World, Done]:
        out = self._area("passes", "quota", req).quota(world, req.msisdn, req.at)
        rows = [r for r in out.data.get("passes", ()) if r["pass"] in req.rule["args"]
                and r["full_speed_kb"] is not None]
        if not rows:
            text = self.say("no_quota", lang, names=", ".join(req.rule["args"]))
            return world, Done(True, (text,), {"full_speed_kb": None}, delegated=out)
        kb = rows[0]["full_speed_kb"]
        mb = Decimal(kb) / 1024
        mb = mb.quantize(Decimal(1)) if kb % 1024 == 0 else mb.quantize(Decimal("0.01"))
        text = self.say("quota", lang, name=rows[0]["pass"], mb=mb)
        return world, Done(True, (text,), {"pass": rows[0]["pass"], "full_speed_kb": kb},
                           delegated=out)

    def _family(self, world: World, req: Request, action: str) -> tuple[World, Done]:
        family = self._area("family", "handle", req)
        world, out = family.handle(world, req.msisdn, action, dict(req.params), req.at,
                                   req.explain)
        return world, Done(out.ok, (), {}, out.reason, delegated=out)

    def _area(self, name: str, method: str, req: Request):
        area = getattr(self.engine, name, None)
        if area is None or not hasattr(area, method):
            raise NotAvailable(f"{req.ref} needs engine.{name}.{method}, and this engine has no "
                               f"{name} area", source=req.rule["source"])
        return area

    # -- parameters, texts, outcomes -----------------------------------------------------------

    def _param(self, p: dict, raw: str) -> str:
        """A code parameter's value: a number normalised to E.164 digits, or digits."""
        if p["type"] in ("msisdn", "phone"):
            if not re.fullmatch(p["regex"], raw):
                raise MalformedNumber(f"`{raw}` is not a phone number as a code takes it: "
                                      "digits only, national (0...) or international (00...)",
                                      number=raw)
            return numbers.normalise(raw, self.calling)
        if not re.fullmatch(p["regex"], raw):
            raise InvalidEvent(f"`{raw}` is not a {p['type']} number (digits only)", value=raw)
        return raw

    def _sms_params(self, rule: dict, m: re.Match) -> dict:
        """The values of an SMS's placeholders: numbers (one, or a tuple for a list), MB as an
        int under `<name>_mb` (`amount_mb`), digits as str. A malformed number raises MalformedNumber, a wrong count Refused."""
        out: dict = {}
        for p in rule["parts"]:
            if isinstance(p, str):
                continue
            raw = m[p["name"]]
            if p["type"] == "MB":
                out[p["name"] + "_mb"] = int(raw)
            elif p["type"] == "digits":
                out[p["name"]] = raw
            else:
                found = tuple(numbers.normalise(x, self.calling) for x in raw.split(","))
                if not p["min"] <= len(found) <= p["max"]:
                    raise Refused(f"{rule['keyword']} takes {p['min']} to {p['max']} numbers; "
                                  f"the message has {len(found)}")
                out[p["name"]] = found[0] if p["max"] == 1 else found
        return out

    def _unknown_keyword(self, req: Request, lang: str) -> Done:
        rule = req.rule
        if rule["usage"] is not None:
            pattern = rule["usage"]["pattern"]
            return Done(False, (self.say("usage", lang, pattern=pattern),),
                        {"usage": pattern}, reason=rule["why"])
        keywords = ", ".join(k or self.say("blank", lang) for k in rule["keywords"])
        return Done(False, (self.say("unknown_keyword", lang, keywords=keywords),),
                    {"keywords": rule["keywords"]}, reason=rule["why"])

    def _outcome(self, req: Request, done: Done, lang: str, own: Money,
                 arithmetic: str) -> Outcome:
        rule = req.rule
        texts = done.texts
        if done.ok and rule.get("texts") and "deferred_to" not in done.data:
            texts = (self._pick(rule["texts"], lang),)
        channels = (done.channels or rule.get("replies") or ()) if done.ok else ()
        if not channels or "deferred_to" in done.data:
            channels = (DEFAULT_CHANNEL[req.kind],)
        if len(texts) == len(channels):
            pairs = zip(channels, texts)
        else:
            pairs = [(c, " ".join(texts)) for c in channels] if texts else []
        replies = tuple(Reply(c, t, req.msisdn) for c, t in pairs) + done.others
        data = {"kind": req.kind, req.kind: req.ref, "action": rule["action"]}
        charge, rule_text, d = own, f"{req.kind} {req.ref}: {rule['action']}", done.delegated
        if d is not None:
            replies += d.replies
            data.update(d.data)
            charge = own + d.charge if d.charge is not None else own
            rule_text += f"; {d.rule}" if d.rule else ""
            arithmetic = "; ".join(x for x in (arithmetic, d.arithmetic) if x)
        data.update(done.data)
        return Outcome(req.msisdn, ok=done.ok, charge=charge, replies=replies, rule=rule_text,
                       source=rule["source"], arithmetic=arithmetic, reason=done.reason,
                       data=frozen_map(data))

    def _lang(self, sub, variant: str | None = None) -> str:
        for choice in (variant, sub.language if sub is not None else None):
            if choice in self.engine.languages:
                return choice
        return self.default

    def say(self, key: str, lang: str, **values) -> str:
        texts = PHRASES[key]
        return (texts.get(lang) or texts.get(self.default) or texts["en"]).format(**values)

    def _pick(self, texts: dict, lang: str) -> str:
        return texts.get(lang) or texts.get(self.default) or next(iter(texts.values()), "")

    def _title(self, rule: dict, lang: str) -> str:
        return self._pick(rule["title"], lang) or str(rule.get("pattern", rule.get("number")))

    def _segment(self, segment: str, lang: str) -> str:
        return self._pick(self.segments[segment]["names"], lang) if segment in self.segments \
            else segment

    def fmt(self, m: Money, lang: str) -> str:
        """`m` in a reply in `lang`: the operator's decimal mark in its first language, else a
        decimal point and comma thousands (`runtime.balance.fmt_money`)."""
        return fmt_money(m, self.decimal, lang, self.default)


def install(engine) -> None:
    commands = Commands(engine, engine.tables["commands"])
    engine.commands = commands
    engine.on(Dial, commands.dial)
    engine.on(Sms, commands.sms_event)
    engine.on(CallNumber, commands.call)
    engine.on(Web, commands.web_event)
