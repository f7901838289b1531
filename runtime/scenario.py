"""Scenarios: the language-neutral way in (JSON), and the format of the golden vectors.

A scenario names an operator, its subscribers, the inputs the areas read from `World.extra`
(vouchers, scratch cards...) and a timeline of events, each optionally with the results it
expects. `load` validates a decoded JSON document (every problem is reported with its JSON
path: `events[3].usage.seconds: must be a whole number`); `run` plays the events through the
operator's compiled engine, one `Result` per event; `results_json` and `results_table` write
them out. The format is documented in docs/scenario.md, its schema in docs/scenario.schema.json.

Time is only the events' `at`. Money goes in and out as decimal strings ("239.80"), never a
JSON number. An event that raises a `TariffError` gives a result with its `error` code, and
the run goes on with the world as it was before that event.

>>> s = load({"operator": "telenor_rs", "description": "one call from Germany",
...           "subscribers": [{"msisdn": "063 123 4567", "segment": "prepaid", "balance": "500.00"}],
...           "events": [{"at": "2026-07-01T10:00:00+02:00",
...                       "usage": {"msisdn": "+381631234567", "service": "outgoing call",
...                                 "seconds": 61, "country": "DE"},
...                       "expect": {"charge": "239.80", "balance": "260.20"}}]})
>>> [(r.event, r.charge, r.expectations) for r in run(s)]
[('usage', '239.80', 'passed')]
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Mapping

from runtime import errors
from runtime.events import (SERVICES, CallNumber, Dial, FamilyEnd, MonthEnd, Outcome, Reply, Sms, Tick, Usage,
                            Web, Where)
from runtime.money import Money
from runtime.numbers import COUNTRY_CODES, normalise
from runtime.state import Allowance, Charge, Subscriber, World, frozen_map

SCHEMA = "docs/scenario.schema.json"
_OPERATOR_ID = re.compile(r"[a-z_][a-z0-9_]*")
_DECIMAL = re.compile(r"-?\d+(\.\d+)?")
_CALLS = ("outgoing call", "callback call", "incoming call", "video call")
UNIT_OF = {**{s: "seconds" for s in _CALLS}, "sms": "count", "mms": "kb", "data": "kb"}
_WHERE = ("country", "network")
# Each event kind: its required fields, then its optional ones.
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "usage": (("msisdn", "service"), ("seconds", "kb", "count", "party") + _WHERE),
    "dial": (("msisdn", "text"), ("answer",) + _WHERE),
    "sms": (("msisdn", "to", "text"), _WHERE),
    "call": (("msisdn", "number"), _WHERE),
    "web": (("msisdn", "channel"), ()),
    "tick": ((), ("msisdn",)),
    "month_end": ((), ("msisdn",)),
    "family_end": (("msisdn",), ("reason",)),
    "bill": (("msisdn", "year", "month"), ("format", "language", "due_date", "previous_balance")),
}
BILL_FORMATS = ("data", "text", "markdown", "html")
# The channels a reply comes on: a code's or command's `reply` channels, `web` for the answer
# of a web channel, and `bill` for a rendered bill.
REPLY_CHANNELS = ("ussd", "sms", "voice", "web", "bill")
EXPECT = ("ok", "charge", "error", "reply_contains", "data", "balance", "source", "why")
SUBSCRIBER = ("msisdn", "segment", "plan", "activated", "balance", "previous_balance", "language",
              "package", "suspended", "ledger")
LEDGER_KINDS = ("traffic", "discount", "one_time", "fee")


class ScenarioError(ValueError):
    """A malformed scenario: every problem as (JSON path, message).

    >>> str(ScenarioError([("events[3].usage.seconds", "must be a whole number")]))
    'events[3].usage.seconds: must be a whole number'
    """

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(f"{p}: {m}" if p else m for p, m in self.problems))


@dataclass(frozen=True, slots=True)
class Step:
    """One event of the timeline, validated; `fields` as written (numbers not yet normalised)."""

    index: int
    at: datetime
    kind: str
    fields: Mapping[str, object]
    expect: Mapping[str, object] | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class Scenario:
    operator: str
    description: str
    subscribers: tuple[Mapping[str, object], ...]
    world: Mapping[str, object]
    events: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Result:
    """What one event did, JSON-friendly: amounts are decimal strings, `data` plain values.
    `expectations` is None (none given), "passed" or "failed: ..."."""

    index: int
    at: str
    event: str
    msisdn: str | None
    ok: bool
    charge: str | None
    currency: str
    replies: tuple[Mapping[str, str], ...]
    rule: str
    source: str
    arithmetic: str | None
    reason: str
    data: Mapping[str, object]
    error: str | None = None
    expectations: str | None = None

    @property
    def failed(self) -> bool:
        """An expectation failed, or the event raised an error it did not expect."""
        return (self.expectations or "").startswith("failed") or (
            self.error is not None and self.expectations is None)

    def to_dict(self) -> dict:
        d = {"index": self.index, "at": self.at, "event": self.event, "msisdn": self.msisdn,
             "ok": self.ok, "charge": self.charge, "currency": self.currency,
             "replies": [dict(r) for r in self.replies], "rule": self.rule, "source": self.source}
        if self.arithmetic is not None:
            d["arithmetic"] = self.arithmetic
        d.update({"reason": self.reason, "data": self.data})
        if self.error is not None:
            d["error"] = self.error
        d["expectations"] = self.expectations
        return d


# --- validation ---------------------------------------------------------------------------

def _all_subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out += [sub, *_all_subclasses(sub)]
    return out


ERROR_CODES = tuple(sorted({errors.TariffError.code,
                            *(c.code for c in _all_subclasses(errors.TariffError))}))


def _suggest(word: str, known) -> str:
    """` (did you mean `x`?)` for a close known word, else ""."""
    import difflib
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f"; did you mean `{close[0]}`?" if close else ""


class _Checker:
    """Collects problems with their JSON paths; each check returns the value or None."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def obj(self, value, path: str, required=(), optional=()) -> dict | None:
        if not isinstance(value, dict):
            self.fail(path, f"must be an object, not {_kind(value)}")
            return None
        known = (*required, *optional)
        for key in value:
            if key not in known:
                self.fail(_join(path, key), f"unknown field{_suggest(key, known)} "
                                            f"(known: {', '.join(known)})")
        for key in required:
            if key not in value:
                self.fail(_join(path, key), "is missing")
        return value

    def mapping(self, value, path: str) -> bool:
        """Any JSON object (keys not checked)."""
        if not isinstance(value, dict):
            self.fail(path, f"must be an object, not {_kind(value)}")
        return isinstance(value, dict)

    def text(self, value, path: str, empty: bool = False) -> str | None:
        if not isinstance(value, str):
            self.fail(path, f"must be a string, not {_kind(value)}")
        elif not empty and not value.strip():
            self.fail(path, "must not be empty")
        else:
            return value
        return None

    def whole(self, value, path: str, minimum: int | None = None) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"must be a whole number, not {_kind(value)}")
        elif minimum is not None and value < minimum:
            self.fail(path, f"must be at least {minimum}")
        else:
            return value
        return None

    def flag(self, value, path: str) -> bool | None:
        if not isinstance(value, bool):
            self.fail(path, f"must be true or false, not {_kind(value)}")
            return None
        return value

    def money(self, value, path: str) -> Decimal | None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self.fail(path, f'money must be a decimal string such as "{value}", not a JSON number')
        elif not isinstance(value, str) or not _DECIMAL.fullmatch(value):
            self.fail(path, f'must be a decimal string such as "500.00", not {_kind(value)}')
        else:
            return Decimal(value)
        return None

    def when(self, value, path: str) -> datetime | None:
        example = "2026-07-01T10:00:00+02:00"
        if not isinstance(value, str):
            self.fail(path, f"must be an ISO 8601 date and time such as {example}, not {_kind(value)}")
            return None
        try:
            at = datetime.fromisoformat(value)
        except ValueError:
            self.fail(path, f"`{value}` is not an ISO 8601 date and time such as {example}")
            return None
        if at.tzinfo is None or at.utcoffset() is None:
            self.fail(path, f"`{value}` has no UTC offset; write it as {example}")
            return None
        return at

    def day(self, value, path: str) -> date | None:
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(path, f"must be an ISO 8601 date such as 2013-02-20, not {_kind(value)}")
        return None

    def choice(self, value, path: str, options) -> str | None:
        if value not in options:
            shown = value if isinstance(value, str) else _kind(value)
            self.fail(path, f"`{shown}` is not one of {', '.join(options)}"
                            f"{_suggest(value, options) if isinstance(value, str) else ''}")
            return None
        return value


def _join(path: str, key) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f'the string "{value}"'
    return {list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


def load(data: object) -> Scenario:
    """Validate a decoded scenario document; raises `ScenarioError` listing every problem.

    >>> load({"operator": "telenor_rs", "description": "x", "subscribers": [],
    ...       "events": [{"at": "2026-07-01T10:00:00", "tick": {}}]})
    Traceback (most recent call last):
    runtime.scenario.ScenarioError: events[0].at: `2026-07-01T10:00:00` has no UTC offset; write it as 2026-07-01T10:00:00+02:00
    """
    c = _Checker()
    top = c.obj(data, "", ("operator", "description", "subscribers", "events"), ("world",))
    if top is None:
        raise ScenarioError([("scenario", c.problems[0][1])])
    operator = top.get("operator")
    if "operator" in top and c.text(operator, "operator") is not None \
            and not _OPERATOR_ID.fullmatch(operator):
        c.fail("operator", f"`{operator}` is not an operator id such as telenor_rs")
    if "description" in top:
        c.text(top["description"], "description")
    subscribers = _subscribers(c, top.get("subscribers", []))
    world = _world(c, top.get("world", {}))
    events = _events(c, top.get("events", []))
    if c.problems:
        raise ScenarioError(c.problems)
    return Scenario(operator, top["description"], subscribers, world, events)


def _subscribers(c: _Checker, value) -> tuple:
    if not isinstance(value, list):
        c.fail("subscribers", f"must be a list, not {_kind(value)}")
        return ()
    out = []
    for i, sub in enumerate(value):
        path = f"subscribers[{i}]"
        if c.obj(sub, path, ("msisdn", "segment"), SUBSCRIBER[2:]) is None:
            continue
        for key in ("msisdn", "segment", "plan", "language"):
            if key in sub:
                c.text(sub[key], f"{path}.{key}")
        if "activated" in sub:
            c.when(sub["activated"], f"{path}.activated")
        for key in ("balance", "previous_balance"):
            if key in sub:
                c.money(sub[key], f"{path}.{key}")
        if "suspended" in sub:
            c.flag(sub["suspended"], f"{path}.suspended")
        if "package" in sub and c.obj(sub["package"], f"{path}.package", (), ("minutes", "sms", "mb")):
            for key, v in sub["package"].items():
                c.whole(v, f"{path}.package.{key}", 0)
        if "ledger" in sub:
            _ledger(c, sub["ledger"], f"{path}.ledger")
        out.append(sub)
    return tuple(out)


def _ledger(c: _Checker, value, path: str) -> None:
    if not isinstance(value, list):
        c.fail(path, f"must be a list, not {_kind(value)}")
        return
    for i, line in enumerate(value):
        p = f"{path}[{i}]"
        if c.obj(line, p, ("at", "kind", "category", "amount"), ("quantity", "unit")) is None:
            continue
        if "at" in line:
            c.when(line["at"], f"{p}.at")
        if "kind" in line:
            c.choice(line["kind"], f"{p}.kind", LEDGER_KINDS)
        if "category" in line:
            c.text(line["category"], f"{p}.category")
        if "amount" in line:
            c.money(line["amount"], f"{p}.amount")
        if "quantity" in line:
            c.whole(line["quantity"], f"{p}.quantity", 0)
        if "unit" in line:
            c.text(line["unit"], f"{p}.unit", empty=True)


def _world(c: _Checker, value) -> dict:
    w = c.obj(value, "world", (), ("vouchers", "cards", "legal_entities", "promotions"))
    if w is None:
        return {}
    for key, check in (("vouchers", lambda v, p: c.money(v, p)),
                       ("cards", lambda v, p: c.choice(v, p, ("used", "unused"))),
                       ("promotions", lambda v, p: _strings(c, v, p))):
        if key in w and c.mapping(w[key], f"world.{key}"):
            for k, v in w[key].items():
                check(v, f"world.{key}.{k}")
    if "legal_entities" in w:
        _strings(c, w["legal_entities"], "world.legal_entities")
    return w


def _strings(c: _Checker, value, path: str) -> None:
    if not isinstance(value, list):
        c.fail(path, f"must be a list of strings, not {_kind(value)}")
        return
    for i, v in enumerate(value):
        c.text(v, f"{path}[{i}]")


def _events(c: _Checker, value) -> tuple[Step, ...]:
    if not isinstance(value, list) or not value:
        c.fail("events", "must be a non-empty list" if isinstance(value, list) else
               f"must be a list, not {_kind(value)}")
        return ()
    steps, last = [], None
    for i, ev in enumerate(value):
        path = f"events[{i}]"
        if not isinstance(ev, dict):
            c.fail(path, f"must be an object, not {_kind(ev)}")
            continue
        kinds = [k for k in ev if k in KINDS]
        unknown = [k for k in ev if k not in KINDS and k not in ("at", "expect", "description")]
        for key in unknown:
            c.fail(_join(path, key), f"unknown event kind or field{_suggest(key, (*KINDS, 'expect'))}"
                                     f" (event kinds: {', '.join(KINDS)})")
        if len(kinds) > 1 or not (kinds or unknown):
            c.fail(path, f"must have exactly one event kind of {', '.join(KINDS)}"
                         + (f", not {len(kinds)} ({', '.join(kinds)})" if kinds else ""))
        at = c.when(ev["at"], f"{path}.at") if "at" in ev else c.fail(f"{path}.at", "is missing")
        if at is not None and last is not None and at < last[0]:
            c.fail(f"{path}.at", f"{ev['at']} is before the time of events[{last[1]}]; "
                                 "events must be in the order of time")
        if at is not None:
            last = (at, i)
        if "description" in ev:
            c.text(ev["description"], f"{path}.description")
        expect = _expect(c, ev["expect"], f"{path}.expect") if "expect" in ev else None
        if len(kinds) == 1 and _event(c, kinds[0], ev[kinds[0]], f"{path}.{kinds[0]}") and at:
            steps.append(Step(i, at, kinds[0], ev[kinds[0]], expect, ev.get("description", "")))
    return tuple(steps)


def _event(c: _Checker, kind: str, body, path: str) -> bool:
    required, optional = KINDS[kind]
    before = len(c.problems)
    if c.obj(body, path, required, optional) is None:
        return False
    for key in ("msisdn", "text", "to", "number", "channel", "party", "answer", "country",
                "network", "language", "reason"):
        if key in body:
            c.text(body[key], f"{path}.{key}", empty=(key == "text" and kind == "sms"))
    service = body.get("service")
    if kind == "usage" and (c.text(service, f"{path}.service") if service not in SERVICES
                            else service) is not None:
        # A built-in service takes its own amount key; a service the operator declares
        # takes one of them (the runtime rejects a service the tariff does not have).
        given = [k for k in ("seconds", "kb", "count") if k in body]
        unit = UNIT_OF.get(service) or (given[0] if len(given) == 1 else "seconds, kb or count")
        if given != [unit]:
            c.fail(path, f"a `{body['service']}` event takes `{unit}`"
                         + (f", not {', '.join(f'`{g}`' for g in given)}" if given else ""))
        if unit in body:
            c.whole(body[unit], f"{path}.{unit}")  # negative amounts are the runtime's to refuse
    if kind == "bill":
        c.whole(body.get("year"), f"{path}.year", 1)
        c.whole(body.get("month"), f"{path}.month", 1)
        if isinstance(body.get("month"), int) and body["month"] > 12:
            c.fail(f"{path}.month", "must be 1 to 12")
        if "format" in body:
            c.choice(body["format"], f"{path}.format", BILL_FORMATS)
        if "due_date" in body:
            c.day(body["due_date"], f"{path}.due_date")
        if "previous_balance" in body:
            c.money(body["previous_balance"], f"{path}.previous_balance")
    return len(c.problems) == before


def _expect(c: _Checker, value, path: str) -> dict | None:
    e = c.obj(value, path, (), EXPECT)
    if e is None:
        return None
    if "ok" in e:
        c.flag(e["ok"], f"{path}.ok")
    if "charge" in e:
        c.money(e["charge"], f"{path}.charge")
    if "error" in e:
        c.choice(e["error"], f"{path}.error", ERROR_CODES)
    for key in ("source", "why"):
        if key in e:
            c.text(e[key], f"{path}.{key}")
    if "reply_contains" in e:
        _replies(c, e["reply_contains"], f"{path}.reply_contains")
    if "data" in e:
        c.mapping(e["data"], f"{path}.data")
    if "balance" in e:
        b = e["balance"]
        if isinstance(b, dict):
            for k, v in b.items():  # {msisdn: amount or null}
                if v is not None:
                    c.money(v, f"{path}.balance.{k}")
        elif b is not None:
            c.money(b, f"{path}.balance")
    return e


def _replies(c: _Checker, value, path: str) -> None:
    """`reply_contains`: strings (part of some reply's text) or objects `{"channel": "sms",
    "text": "..."}` (part of the text of some reply on that channel; either key may be left out,
    not both)."""
    if not isinstance(value, list):
        c.fail(path, f"must be a list of strings or reply objects, not {_kind(value)}")
        return
    for i, v in enumerate(value):
        item = f"{path}[{i}]"
        if isinstance(v, str):
            c.text(v, item)
        elif isinstance(v, dict):
            c.obj(v, item, (), ("channel", "text"))
            if not ("channel" in v or "text" in v):
                c.fail(item, "must have a `channel`, a `text` or both")
            if "channel" in v:
                c.choice(v["channel"], f"{item}.channel", REPLY_CHANNELS)
            if "text" in v:
                c.text(v["text"], f"{item}.text")
        else:
            c.fail(item, f"must be a string or an object {{\"channel\", \"text\"}}, not {_kind(v)}")


def reply_matches(expected, reply: Mapping) -> bool:
    """Whether one reply (`{"channel", "text", ...}`) meets one `reply_contains` item.

    >>> reply_matches({"channel": "sms", "text": "debt"}, {"channel": "sms", "text": "Total debt: 0"})
    True
    >>> reply_matches({"channel": "ussd", "text": "debt"}, {"channel": "sms", "text": "Total debt: 0"})
    False
    >>> reply_matches("debt", {"channel": "sms", "text": "Total debt: 0"})
    True
    """
    if isinstance(expected, str):
        return expected in reply["text"]
    return (expected.get("channel", reply["channel"]) == reply["channel"]
            and expected.get("text", "") in reply["text"])


def _describe_reply(expected) -> str:
    """One `reply_contains` item for a failure message: `'debt'` or `'debt' on sms`."""
    if isinstance(expected, str):
        return repr(expected)
    text = repr(expected["text"]) if "text" in expected else "a reply"
    return f"{text} on {expected['channel']}" if "channel" in expected else text


# --- running ------------------------------------------------------------------------------

def engine_of(operator: str, module=None):
    """The engine of `operator`: `module.ENGINE`, an engine given as is, or generated.<operator>."""
    if module is None:
        try:
            module = importlib.import_module(f"generated.{operator}")
        except ModuleNotFoundError:
            import generated
            known = sorted(m.name for m in pkgutil.iter_modules(generated.__path__))
            raise ScenarioError([("operator", f"unknown operator `{operator}`{_suggest(operator, known)} "
                                              f"(compiled: {', '.join(known) or 'none'}; "
                                              "run `tariffc build`)")]) from None
    engine = getattr(module, "ENGINE", module)
    if engine.operator_id != operator:
        raise ScenarioError([("operator", f"the scenario is for `{operator}`, the engine for "
                                          f"`{engine.operator_id}`")])
    return engine


class _Binder:
    """Turns validated scenario parts into runtime values for one engine."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.cc = COUNTRY_CODES.get(engine.tables["operator"]["country"], "")

    def number(self, text: str) -> str:
        return normalise(text, self.cc)

    def world(self, scenario: Scenario) -> World:
        problems, subs = [], {}
        op = self.engine.tables["operator"]
        for i, raw in enumerate(scenario.subscribers):
            path = f"subscribers[{i}]"
            try:
                msisdn = self.number(raw["msisdn"])
            except errors.MalformedNumber as e:
                problems.append((f"{path}.msisdn", e.reason))
                continue
            if msisdn in subs:
                problems.append((f"{path}.msisdn", f"{msisdn} is already a subscriber"))
            if raw["segment"] not in op["segments"]:
                problems.append((f"{path}.segment", f"`{raw['segment']}` is not a segment of "
                                 f"{self.engine.operator_id} ({', '.join(op['segments'])})"
                                 f"{_suggest(raw['segment'], op['segments'])}"))
            if "language" in raw and raw["language"] not in self.engine.languages:
                problems.append((f"{path}.language", f"{self.engine.operator_id} speaks "
                                 f"{', '.join(self.engine.languages)}, not `{raw['language']}`"))
            subs[msisdn] = self.subscriber(msisdn, raw)
        extra = {}
        w = scenario.world
        if "vouchers" in w:
            extra["vouchers"] = frozen_map({k: Decimal(v) for k, v in w["vouchers"].items()})
        if "cards" in w:
            extra["cards"] = frozen_map(w["cards"])
        for key in ("legal_entities", "promotions"):
            if key not in w:
                continue
            try:
                extra[key] = (tuple(self.number(n) for n in w[key]) if key == "legal_entities" else
                              frozen_map({self.number(n): tuple(p) for n, p in w[key].items()}))
            except errors.MalformedNumber as e:
                problems.append((f"world.{key}", e.reason))
        if problems:
            raise ScenarioError(problems)
        return World(frozen_map(subs), frozen_map(extra))

    def subscriber(self, msisdn: str, raw: Mapping) -> Subscriber:
        money = self.engine.money
        pkg = raw.get("package") or {}
        ledger = tuple(Charge(datetime.fromisoformat(c["at"]), c["kind"], c["category"],
                              money(Decimal(c["amount"])), c.get("quantity", 0), c.get("unit", ""))
                       for c in raw.get("ledger", ()))
        return Subscriber(
            msisdn, raw["segment"], plan=raw.get("plan"),
            activated=datetime.fromisoformat(raw["activated"]) if "activated" in raw else None,
            balance=money(Decimal(raw["balance"])) if "balance" in raw else None,
            previous_balance=(money(Decimal(raw["previous_balance"]))
                              if "previous_balance" in raw else None),
            language=raw.get("language"),
            package=Allowance(seconds=pkg["minutes"] * 60 if "minutes" in pkg else None,
                              sms=pkg.get("sms"), kb=pkg["mb"] * 1024 if "mb" in pkg else None),
            suspended=raw.get("suspended", False), ledger=ledger)

    def event(self, step: Step):
        """The runtime event of a step (`bill` has none: it is a call of engine.bill)."""
        f, at = step.fields, step.at
        msisdn = self.number(f["msisdn"]) if "msisdn" in f else None
        where = Where(f.get("country"), f.get("network"))
        if step.kind == "usage":
            amount = next(f[k] for k in (UNIT_OF.get(f["service"]), "seconds", "kb", "count") if k in f)
            return Usage(msisdn, at, f["service"], amount, where, f.get("party"))
        if step.kind == "dial":
            return Dial(msisdn, at, f["text"], where, f.get("answer"))
        if step.kind == "sms":
            return Sms(msisdn, at, f["to"], f["text"], where)
        if step.kind == "call":
            return CallNumber(msisdn, at, f["number"], where)
        if step.kind == "web":
            return Web(msisdn, at, f["channel"])
        if step.kind == "family_end":
            return FamilyEnd(msisdn, at, f.get("reason"))
        return {"tick": Tick, "month_end": MonthEnd}[step.kind](at, msisdn)


def _check_services(scenario: Scenario, engine) -> None:
    """The usage events name services of this operator (the built-in ones and those its
    tariff declares): else `ScenarioError`, as for any malformed field."""
    known = getattr(getattr(engine, "rating", None), "units", None)
    if known is None:
        return
    problems = [(f"events[{step.index}].usage.service",
                 f"`{step.fields['service']}` is not one of {', '.join(known)}"
                 f"{_suggest(step.fields['service'], known)}")
                for step in scenario.events
                if step.kind == "usage" and step.fields["service"] not in known]
    if problems:
        raise ScenarioError(problems)


def play(scenario: Scenario, module=None, explain: bool = False):
    """Play the scenario's events in order, yielding `(step, msisdn, result, world)` for each:
    its `Result` (expectations not checked) and the world after it (an event that raised
    leaves the world as it was). `module` is a generated operator module or an `Engine`
    (default: generated.<operator>). Raises `ScenarioError` for an unknown operator, segment or
    a malformed subscriber number."""
    engine = engine_of(scenario.operator, module)
    binder = _Binder(engine)
    world = binder.world(scenario)
    _check_services(scenario, engine)
    for step in scenario.events:
        msisdn = None
        try:
            if "msisdn" in step.fields:
                msisdn = binder.number(step.fields["msisdn"])
            if step.kind == "bill":
                outcome = _bill(engine, world, msisdn, step, explain)
            else:
                world, outcome = engine.apply(world, binder.event(step), explain)
        except errors.TariffError as err:
            result = Result(step.index, step.at.isoformat(), step.kind, msisdn, False, None,
                            engine.currency, (), "", err.source or "", "" if explain else None,
                            err.reason, {k: _plain(v) for k, v in err.details.items()}, err.code)
        else:
            result = Result(step.index, step.at.isoformat(), step.kind, msisdn, outcome.ok,
                            None if outcome.charge is None else str(outcome.charge.amount),
                            engine.currency,
                            tuple({"channel": r.channel, "text": r.text, "to": r.to}
                                  for r in outcome.replies),
                            outcome.rule, outcome.source, outcome.arithmetic if explain else None,
                            outcome.reason, _plain(outcome.data))
        yield step, msisdn, result, world


def run(scenario: Scenario, module=None, explain: bool = False) -> list[Result]:
    """Play the scenario's events in order: one `Result` per event, expectations checked.
    `module` is a generated operator module or an `Engine` (default: generated.<operator>).
    Raises `ScenarioError` for an unknown operator, segment or a malformed subscriber number."""
    binder = None
    results = []
    for step, msisdn, result, world in play(scenario, module, explain):
        if step.expect is not None:
            binder = binder or _Binder(engine_of(scenario.operator, module))
            result = _checked(result, step.expect, world, binder, msisdn)
        results.append(result)
    return results


def _bill(engine, world: World, msisdn: str, step: Step, explain: bool):
    """A `bill` step: engine.bill.make, rendered as a reply on channel `bill` unless `data`."""
    if getattr(engine, "bill", None) is None:
        raise errors.NotAvailable(f"{engine.operator_id} declares no bill")
    f = step.fields
    bill = engine.bill.make(world, msisdn, f["year"], f["month"],
                            date.fromisoformat(f["due_date"]) if "due_date" in f else None,
                            Decimal(f["previous_balance"]) if "previous_balance" in f else None)
    fmt = f.get("format", "data")
    replies = ()
    if fmt != "data":
        sub = world.subscriber(bill.msisdn)
        lang = f.get("language") or (sub.language if sub.language in engine.languages else None)
        replies = (Reply("bill", engine.bill.render(bill, fmt, lang), bill.msisdn),)
    return Outcome(bill.msisdn, True, None, replies, "monthly bill", bill.source,
                   bill.arithmetic() if explain else "", "", bill.to_dict())


def _plain(value):
    """JSON-friendly: mappings to dicts, tuples to lists, money and decimals to strings."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, Money):
        return str(value.amount)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


# --- expectations -------------------------------------------------------------------------

def _checked(result: Result, expect: Mapping, world: World, binder: _Binder, msisdn) -> Result:
    failures = []
    if "error" in expect:
        if result.error != expect["error"]:
            got = f"{result.error} ({result.reason})" if result.error else "no error"
            failures.append(f"error: expected {expect['error']}, got {got}")
    elif result.error is not None:
        failures.append(f"unexpected error {result.error}: {result.reason}")
    if "ok" in expect and result.ok != expect["ok"]:
        failures.append(f"ok: expected {_js(expect['ok'])}, got {_js(result.ok)}"
                        + (f" ({result.reason})" if result.reason else ""))
    if "charge" in expect:
        got = Decimal(result.charge) if result.charge is not None else Decimal(0)
        if got != Decimal(expect["charge"]):
            failures.append(f"charge: expected {expect['charge']}, got {result.charge}")
    for part in expect.get("reply_contains", ()):
        if not any(reply_matches(part, r) for r in result.replies):
            got = [f"{r['channel']}: {r['text']}" for r in result.replies]
            failures.append(f"reply_contains: no reply contains {_describe_reply(part)} "
                            f"(replies: {got!r})")
    if "source" in expect and expect["source"] not in result.source:
        failures.append(f"source: expected {expect['source']!r} in {result.source!r}")
    if "data" in expect:
        problem = _subset(expect["data"], result.data, "data")
        if problem:
            failures.append(problem)
    if "balance" in expect:
        wanted = expect["balance"]
        if not isinstance(wanted, dict):
            wanted = {msisdn: wanted}
        for number, amount in wanted.items():
            failures += _balance(world, binder, number, amount)
    expectations = "passed" if not failures else "failed: " + "; ".join(failures)
    return replace(result, expectations=expectations)


def _balance(world: World, binder: _Binder, number, amount) -> list[str]:
    try:
        sub = world.subscriber(binder.number(number or ""))
    except errors.TariffError as e:
        return [f"balance: {e.reason}"]
    got = None if sub.balance is None else sub.balance.amount
    if (got is None) != (amount is None) or (got is not None and got != Decimal(amount)):
        return [f"balance of {sub.msisdn}: expected {_js(amount)}, got {_js(None if got is None else str(got))}"]
    return []


def _subset(expected, actual, path: str) -> str | None:
    """None when `actual` has everything `expected` has (objects: a subset of keys; lists:
    the same length, item by item; decimal strings: the same value), else what differs."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{path}: expected an object, got {_js(actual)}"
        for key, value in expected.items():
            if key not in actual:
                return f"{path}.{key}: missing (keys: {', '.join(actual)})"
            problem = _subset(value, actual[key], f"{path}.{key}")
            if problem:
                return problem
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"{path}: expected {_js(expected)}, got {_js(actual)}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            problem = _subset(e, a, f"{path}[{i}]")
            if problem:
                return problem
        return None
    if isinstance(expected, str) and isinstance(actual, str) \
            and _DECIMAL.fullmatch(expected) and _DECIMAL.fullmatch(actual):
        same = Decimal(expected) == Decimal(actual)
    else:
        same = expected == actual and isinstance(expected, bool) == isinstance(actual, bool)
    return None if same else f"{path}: expected {_js(expected)}, got {_js(actual)}"


def _js(value) -> str:
    return json.dumps(value, ensure_ascii=False)


# --- output -------------------------------------------------------------------------------

def summary(results: list[Result]) -> dict:
    """Counts: events, expectations passed and failed, errors nobody expected."""
    return {"events": len(results),
            "passed": sum(r.expectations == "passed" for r in results),
            "failed": sum((r.expectations or "").startswith("failed") for r in results),
            "unexpected_errors": sum(r.error is not None and r.expectations is None for r in results)}


def results_json(results: list[Result]) -> str:
    """The results as a JSON document: {"results": [...], "summary": {...}}."""
    return json.dumps({"results": [r.to_dict() for r in results], "summary": summary(results)},
                      ensure_ascii=False, indent=2)


def results_table(results: list[Result], explain: bool = False) -> str:
    """A table for people: time, event, charge, rule, source (and arithmetic), then failures."""
    head = ["#", "time", "event", "charge", "rule", "source"] + (["arithmetic"] if explain else [])
    rows = []
    for r in results:
        charge = f"{r.charge} {r.currency}" if r.charge is not None else "-"
        what = r.rule if r.ok else (f"{r.error}: {r.reason}" if r.error else f"refused: {r.reason}")
        check = {"passed": " ok"}.get(r.expectations or "", " FAILED" if r.failed else "")
        row = [str(r.index), r.at, r.event + check, charge, _cut(what, 60), _cut(r.source, 45)]
        rows.append(row + ([r.arithmetic or ""] if explain else []))
    widths = [max(len(x[i]) for x in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(x, widths)).rstrip() for x in [head, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for r in results:
        if r.failed:
            lines.append(f"events[{r.index}]: " + (r.expectations or f"unexpected error {r.error}: {r.reason}"))
    return "\n".join(lines)


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
