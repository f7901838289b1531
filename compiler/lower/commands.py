"""Commands -> tables: USSD codes, SMS keyword commands (with the passes' SMS activations),
calls and web channels, and the service numbers that price SMS commands.

The runtime (`runtime.commands`) compiles its regular expressions from these parts at
install; a typed parameter carries the regex of its type (`CODE_PARAM_TYPES`), so the runtime
needs nothing from the compiler.

    {"codes": ({"pattern": "*321*<number:msisdn>#",
                "forms": ({"lang": None, "parts": ("*321*", {"name": "number", "type":
                           "msisdn", "regex": "\\d{8,15}"}, "#"), "suffix": ""},),
                "action": "call_me", "price": Decimal("0"), ...},),
     "sms": (...), "calls": (...), "web": (...), "service_numbers": {"9001": {...}},
     "networks": {"Telenor Srbija": {"prefixes": ("38162", ...), "illustrative": True}}}
"""

from __future__ import annotations

from compiler.lower import cite, texts
from compiler.lower.versions import valid
from compiler.model import Tariff
from compiler.check.reader import fold_keyword
from compiler.model.commands import ShortCode, SmsCommand, split_code


def _price(p):
    return None if p is None else p.amount


def _who(eligibility) -> dict:
    return {"segments": eligibility.segments, "plans": eligibility.plans}


def _code_parts(parts) -> tuple:
    return tuple(p if isinstance(p, str) else {"name": p.name, "type": p.type, "regex": p.regex}
                 for p in parts)


def _sms_parts(parts) -> tuple:
    return tuple(p if isinstance(p, str) else {"name": p.name, "type": p.type, "min": p.min,
                                                "max": p.max} for p in parts)


def _code(c: ShortCode) -> dict:
    forms = [{"lang": None, "parts": _code_parts(c.parts), "suffix": c.suffix}]
    for lang, text in c.variants:
        parts, suffix = split_code(text)
        forms.append({"lang": lang, "parts": _code_parts(parts), "suffix": suffix})
    return {
        "pattern": c.pattern,
        "forms": tuple(forms),
        "title": texts(c.title),
        **_who(c.eligibility),
        "action": c.action,
        "args": c.action_args,
        "conditions": tuple({"subject": k.subject, "op": k.op, "amount": k.value.amount,
                             "currency": k.value.currency, "source": cite(k.span)}
                            for k in c.conditions),
        "network": c.network,
        "replies": c.replies,
        "texts": texts(c.texts),
        "price": _price(c.price),
        "roaming_price": _price(c.roaming_price),
        "menu": tuple({"number": o.number, "label": texts(o.label), "activates": o.activates,
                       "source": cite(o.span)} for o in c.menu),
        "source": cite(c.span),
        **valid(c),
    }


def _sms(s: SmsCommand) -> dict:
    return {
        "number": s.number,
        "pattern": s.pattern,
        "keyword": s.keyword,
        "folded": s.folded,
        "parts": _sms_parts(s.parts),
        "title": texts(s.title),
        **_who(s.eligibility),
        "action": s.action,
        "args": s.action_args,
        "replies": s.replies,
        "texts": texts(s.texts),
        "price": _price(s.price),
        "source": cite(s.span),
        **valid(s),
    }


def _pass_sms(tariff: Tariff) -> list[dict]:
    """`activate sms "TCG1" to 9000` of each pass, as an SMS command with action `activate`."""
    out = []
    for p in tariff.passes:
        for a in p.activations:
            if a.channel != "sms":
                continue
            out.append({
                "number": a.number, "pattern": a.keyword, "keyword": a.keyword,
                "folded": fold_keyword(a.keyword), "parts": (a.keyword,),
                "title": texts(p.names) or {tariff.operator.default_language: p.name},
                **_who(p.eligibility), "action": "activate", "args": (p.name,),
                "replies": ("sms",), "texts": {}, "price": None, "source": cite(a.span),
            })
    return out


def _networks(tariff: Tariff) -> dict:
    """The networks a code's `to network` names, with their number prefixes (E.164 digits)."""
    wanted = {c.network for c in tariff.codes if c.network}
    out = {}
    for n in tariff.networks:
        if n.name not in wanted:
            continue
        illustrative = not n.numbers
        out[n.name] = {
            "prefixes": tuple(x.lstrip("+") for x in (n.numbers or n.illustrative_numbers)),
            "not_prefixes": tuple(x.lstrip("+") for x in n.not_numbers),
            "illustrative": illustrative,
            "source": cite(n.span),
        }
    return out


def lower(tariff: Tariff) -> dict | None:
    if not (tariff.codes or tariff.sms_commands or tariff.calls or tariff.web_channels
            or tariff.service_numbers):
        return None
    return {
        "codes": tuple(_code(c) for c in tariff.codes),
        "sms": tuple(_sms(s) for s in tariff.sms_commands) + tuple(_pass_sms(tariff)),
        "calls": tuple({"number": c.number, "title": texts(c.title), **_who(c.eligibility),
                        "action": c.action, "args": (), "replies": c.replies,
                        "price": _price(c.price), "source": cite(c.span)} for c in tariff.calls),
        "web": tuple({"name": w.name, "title": texts(w.title), **_who(w.eligibility),
                      "action": w.action, "args": (), "source": cite(w.span)}
                     for w in tariff.web_channels),
        "service_numbers": {n.number: {"names": texts(n.names), "price": n.price.amount,
                                       "roaming_price": n.roaming_price, "source": cite(n.span)}
                            for n in tariff.service_numbers},
        "networks": _networks(tariff),
        "decimal": tariff.operator.decimal,
    }

