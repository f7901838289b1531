"""Checked model -> golden test vectors: `generated/<operator>/vectors/<kind>.json`.

A vector is a small scenario (docs/scenario.md) with a `name`: subscribers, world inputs and a
timeline of events, each event's `expect` recorded from the reference evaluator
(`compiler.evaluate.Evaluator`), never from the compiled module it is meant to check:

    checked model --(compiler.vector_cases)--> events --(Evaluator)--> expectations --> JSON

The cases are derived from the rules of the model, kind by kind: both sides of every interval
and data-block edge, quota exhaustion, validity end +/- 1 s, allowances, every code, keyword and
plan with valid and invalid arguments and segments, group sizes 2-6, transfers, invitations at
24 h +/- 1 s, month boundaries, billing-window edges, bills. Random scenarios (a month of mixed
usage, passes and family actions) are drawn with `random.Random(<fixed seed>)`: the build does
not depend on Hypothesis, and the output is byte-identical from run to run.

A vector file is `{"operator", "kind", "generator", "vectors": [{"name", <scenario>}, ...]}`;
`scenario_of(vector)` drops the name and gives a document `runtime.scenario.load` accepts.
Each expectation holds `ok`, `charge` ("0" for none), `error`, every reply with its channel
(`reply_contains`: `{"channel": "sms", "text": ...}`), `source`, the whole outcome `data`, the subscriber's `balance` after the
event, and in `why` the rule and the evaluator's arithmetic.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from compiler.model import Tariff

GENERATOR = "tariffc vectors 1"


# --- building vectors -------------------------------------------------------------------------

class Vector:
    """One scenario under construction; events carry no `expect` until `record`."""

    def __init__(self, tariff: Tariff, name: str, description: str, start: datetime) -> None:
        self.tariff = tariff
        self.name = name
        self.description = description
        self.subscribers: list[dict] = []
        self.world: dict = {}
        self.events: list[dict] = []
        self.now = start

    def sub(self, msisdn: str, segment: str, **extra) -> str:
        self.subscribers.append({"msisdn": msisdn, "segment": segment,
                                 **{k: v for k, v in extra.items() if v is not None}})
        return msisdn

    def at(self, when: datetime | None = None, step: int = 60) -> str:
        """`when`, or one `step` of seconds after the previous event."""
        self.now = when if when is not None else self.now + timedelta(seconds=step)
        return self.now.isoformat()

    def add(self, kind: str, body: dict, when: datetime | None = None, step: int = 60,
            description: str | None = None) -> None:
        ev = {"at": self.at(when, step), kind: body}
        if description:
            ev["description"] = description
        self.events.append(ev)

    def usage(self, msisdn, service, amount, where=(), party=None, **kw):
        declared = {svc.name: svc.unit for svc in self.tariff.services}
        unit = {"sms": "count", "mms": "kb", "data": "kb"}.get(service) or \
            {"data": "kb", "count": "count"}.get(declared.get(service, ""), "seconds")
        body = {"msisdn": msisdn, "service": service, unit: amount}
        if party:
            body["party"] = party
        body.update(dict(where))
        self.add("usage", body, **kw)

    def dial(self, msisdn, text, where=(), answer=None, **kw):
        body = {"msisdn": msisdn, "text": text}
        if answer is not None:
            body["answer"] = answer
        body.update(dict(where))
        self.add("dial", body, **kw)

    def sms(self, msisdn, to, text, where=(), **kw):
        self.add("sms", {"msisdn": msisdn, "to": to, "text": text, **dict(where)}, **kw)

    def doc(self) -> dict:
        d = {"name": self.name, "operator": self.tariff.id, "description": self.description,
             "subscribers": self.subscribers}
        if self.world:
            d["world"] = self.world
        d["events"] = self.events
        return d


def scenario_of(vector: dict) -> dict:
    """The scenario document of a vector (without its `name`)."""
    return {k: v for k, v in vector.items() if k != "name"}


# --- recording expectations from the evaluator --------------------------------------------------

class Oracle:
    """The reference evaluator dressed as the engine `runtime.scenario` runs: the same
    `apply`, `bill`, `money`, plus the operator table the scenario binder reads."""

    def __init__(self, tariff: Tariff) -> None:
        from compiler.evaluate import Evaluator
        from compiler.lower import lower_operator
        self.evaluator = Evaluator(tariff)
        self.tables = {"operator": lower_operator(tariff)}
        self.operator_id = tariff.id
        self.currency = tariff.operator.currency
        self.languages = tariff.operator.languages
        self.money = self.evaluator.money
        self.bill = getattr(self.evaluator, "bill", None)
        self.apply = self.evaluator.apply


def play(scenario, engine, explain: bool = True):
    """Run a loaded scenario through `engine`: [(Result, balance after or "-")] per event."""
    from runtime import scenario as sc
    out = []
    for _, msisdn, result, world in sc.play(scenario, engine, explain):
        balance = "-"
        if msisdn is not None and msisdn in world.subscribers:
            b = world.subscribers[msisdn].balance
            balance = None if b is None else str(b.amount)
        out.append((result, balance))
    return out


def expectation(r, balance) -> dict:
    """The `expect` of one event from its evaluator result."""
    e: dict = {}
    if r.error is not None:
        e["error"] = r.error
    e["ok"] = r.ok
    e["charge"] = r.charge if r.charge is not None else "0"
    replies = [{"channel": x["channel"], "text": x["text"]} if x.get("channel") else x["text"]
               for x in r.replies]
    if replies:
        e["reply_contains"] = replies
    if r.source:
        e["source"] = r.source
    if r.data:
        e["data"] = r.data
    if balance != "-":
        e["balance"] = balance
    why = "; ".join(x for x in (r.rule, r.arithmetic or "", r.reason) if x)
    e["why"] = why or "nothing to explain"
    return e


def record(tariff: Tariff, vectors: list[Vector], oracle: Oracle | None = None) -> list[dict]:
    """Each vector as a document, every event's `expect` filled from the evaluator."""
    from runtime import scenario as sc
    oracle = oracle or Oracle(tariff)
    docs = []
    for v in vectors:
        doc = v.doc()
        loaded = sc.load(scenario_of(doc))
        for ev, (r, bal) in zip(doc["events"], play(loaded, oracle)):
            ev["expect"] = expectation(r, bal)
        docs.append(doc)
    return docs


# --- the files -------------------------------------------------------------------------------

def vectors(tariff: Tariff) -> dict[str, list[dict]]:
    """Kind -> the recorded vectors of that kind (kinds with no vector left out)."""
    from compiler.vector_cases import KINDS, Facts
    f = Facts(tariff)
    oracle = Oracle(tariff)
    out = {}
    for kind, make in KINDS:
        vs = make(tariff, f)
        if vs:
            out[kind] = record(tariff, vs, oracle)
    return out


def dumps(doc: dict) -> str:
    """Deterministic JSON, one event per line (diffs of regenerated vectors stay readable)."""
    def one(x) -> str:
        return json.dumps(x, ensure_ascii=False, separators=(",", ":"))

    head = {k: v for k, v in doc.items() if k != "vectors"}
    lines = ["{" + ",\n".join(f"{one(k)}:{one(v)}" for k, v in head.items()) + ',\n"vectors":[']
    for i, vec in enumerate(doc["vectors"]):
        top = one({k: v for k, v in vec.items() if k != "events"})
        events = ",\n".join(one(e) for e in vec["events"])
        comma = "," if i < len(doc["vectors"]) - 1 else ""
        lines.append(top[:-1] + ',"events":[\n' + events + "]}" + comma)
    return "\n".join(lines) + "]}\n"


def files(tariff: Tariff, recorded: dict[str, list[dict]] | None = None) -> dict[str, str]:
    """`<operator>/vectors/<kind>.json` -> text, for `tariffc build`; `recorded`: the vectors
    already recorded (`vectors(tariff)`), so the build's docs and files share them."""
    out = {}
    for kind, vs in (recorded if recorded is not None else vectors(tariff)).items():
        doc = {"operator": tariff.id, "kind": kind, "generator": GENERATOR,
               "description": f"Golden vectors of {tariff.operator.name}: "
                              f"{kind.replace('_', ' ')}. "
                              "Generated by `tariffc build` from the specs; expectations recorded "
                              "from the reference evaluator. Do not edit.",
               "vectors": vs}
        out[f"{tariff.id}/vectors/{kind}.json"] = dumps(doc)
    return out
