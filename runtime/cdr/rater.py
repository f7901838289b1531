"""Rating a stream of CDR record batches: the kernel, the `Engine.apply` path and the fold.

`Rater(engine, world).feed(batch)` rates one record batch and returns what it can say now;
`finish()` returns the rest. Each input row ends in exactly one place:

- **stateless** (its subscriber is not in `world`): rated by `runtime.cdr.kernel` when the
  kernel decides it, else by `Engine.apply` on a world of that subscriber alone (postpaid,
  no passes: the operator's first segment), which rates it or raises the error that rejects
  it. Either way the result is the compiled runtime's, row for row;
- **stateful** (its subscriber is in `world`: a balance, passes, a family group): kept until
  `finish`, then grouped by account (a subscriber, or all the family groups together),
  sorted by time (then row) and folded through `Engine.run`, so the results are those of a
  fold of `Engine.apply`; an event that raises is rejected and leaves the world as it was;
- **rejected**: an unreadable time or quantity (`runtime.cdr.columns`), or an error of the
  runtime (`code: reason`, e.g. `unknown_zone: no roaming zone for country XX, network -`).

Every output batch has the input's columns and `RESULT`; rejects have status `rejected`.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from runtime.cdr.columns import prepare
from runtime.cdr.kernel import E164, Kernel, Labels, test
from runtime.errors import MalformedNumber, TariffError
from runtime.events import Usage, Where
from runtime.numbers import COUNTRY_CODES, normalise
from runtime.state import Subscriber, World, frozen_map, world_of

STATUS = ("ok", "refused", "rejected")
OK, REFUSED, REJECTED, DEFERRED = 0, 1, 2, 3
WORK = ("row", "time", "quantity", "msisdn", "service", "country", "network", "party")


def result_schema(digits: int) -> pa.Schema:
    """The columns a rater adds to every row (`charge` exact: decimal with the operator's
    decimals; `billed` in `unit`; `on_network` the priced network's name)."""
    text = pa.dictionary(pa.int32(), pa.string())
    return pa.schema([("row", pa.int64()), ("status", text), ("charge", pa.decimal128(18, digits)),
                      ("currency", text), ("billed", pa.int64()), ("unit", text), ("zone", text),
                      ("on_network", text), ("rule", text), ("source", text),
                      ("reason", pa.string())])


class Rater:
    """Rates CDR batches for one engine; `world` holds the subscribers with state."""

    def __init__(self, engine, world: World | None = None, segment: str | None = None) -> None:
        self.engine = engine
        self.world = world if world is not None else World(frozen_map({}))
        self.labels = Labels()
        self.kernel = Kernel.of(engine, self.labels)
        op = engine.tables["operator"]
        self.segment = segment or next(iter(op["segments"]))
        self.cc = COUNTRY_CODES.get(op.get("country", ""), "")
        quantum = engine.rating.quantum if getattr(engine, "rating", None) else None
        self.digits = 2 if quantum is None else max(0, -quantum.as_tuple().exponent)
        self.members = pa.array(sorted(self.world.subscribers), pa.string())
        self.deferred: list[tuple[pa.Table, pa.Table]] = []
        self.counts = {"in": 0, "rated": 0, "refused": 0, "rejected": 0, "kernel": 0}
        self.schema = result_schema(self.digits)
        self._next_row = 1

    # -- a batch -------------------------------------------------------------------------

    def feed(self, batch: pa.RecordBatch) -> pa.Table | None:
        """Rate what can be rated now; the rated and rejected rows of the batch (None when
        every row waits for the fold)."""
        n = batch.num_rows
        self.counts["in"] += n
        cols, bad = prepare(batch, self._next_row)
        self._next_row += n
        status = np.zeros(n, dtype=np.int8)
        quanta = np.zeros(n, dtype=np.int64)
        billed = np.zeros(n, dtype=np.int64)
        label = np.full(n, -1, dtype=np.int64)
        charged = np.zeros(n, dtype=bool)
        reasons: dict[int, str] = {}

        qty = cols["quantity"]
        qty_np = pc.fill_null(qty, -1).to_numpy(zero_copy_only=False).astype(np.int64)
        msisdn = cols["msisdn"]
        plain = test(msisdn, lambda v: pc.match_substring_regex(v, E164))
        member = plain & test(msisdn, lambda v: pc.is_in(pc.utf8_ltrim(v, "+"),
                                                         value_set=self.members)) \
            if len(self.members) else np.zeros(n, dtype=bool)
        readable = np.ones(n, dtype=bool)
        for i, why in bad.items():
            readable[i] = False
            status[i] = REJECTED
            reasons[i] = f"invalid_row: {why}"
        fast = readable & plain & ~member & (qty_np >= 0)
        if self.kernel is not None and fast.any():
            cls = self.kernel.classify(cols["service"], cols["country"], cols["network"],
                                       cols["party"])
            fast &= cls >= 0
            if fast.any():
                cls = np.maximum(cls, 0)  # every row (cheaper than selecting); used where fast
                fast &= ~self.kernel.too_big(cls, qty_np)
                billed, quanta, label = self.kernel.charge(cls, qty_np)
                label[~fast] = -1  # the other rows are decided below, or rejected
                charged = fast.copy()
                self.counts["kernel"] += int(fast.sum())
        else:
            fast[:] = False
        deferred = member & readable
        slow = np.flatnonzero(readable & ~fast & ~member)
        if len(slow):
            work = {k: cols[k].take(pa.array(slow)).to_pylist() for k in WORK}
            for j, i in enumerate(slow.tolist()):
                r = self._one({k: work[k][j] for k in WORK})
                if r is None:
                    deferred[i] = True
                else:
                    status[i], quanta[i], charged[i], billed[i], label[i], why = r
                    if why:
                        reasons[i] = why
        if deferred.any():
            idx = pa.array(np.flatnonzero(deferred))
            self.deferred.append((pa.Table.from_batches([batch.take(idx)]), pa.table({k: cols[k].take(idx) for k in WORK})))
            status[deferred] = DEFERRED
        keep = np.flatnonzero(status != DEFERRED)
        if not len(keep):
            return None
        return self._output(batch, cols["row"], keep, status, quanta, charged, billed, label,
                            reasons)

    def _one(self, r: dict):
        """One row through `Engine.apply` (a subscriber alone); None: it has state."""
        try:
            digits = normalise(r["msisdn"], self.cc)
        except MalformedNumber as e:
            return REJECTED, 0, False, 0, -1, f"{e.code}: {e.reason}"
        if digits in self.world.subscribers:
            return None
        world = world_of(Subscriber(digits, self.segment))
        try:
            _, out = self.engine.apply(world, _usage(digits, r))
        except TariffError as e:
            return REJECTED, 0, False, 0, -1, f"{e.code}: {e.reason}"
        return self._outcome(out)

    def _outcome(self, out) -> tuple:
        """(status, quanta, charged, billed, label, reason) of a runtime `Outcome`."""
        d = out.data
        lab = self.labels.of((d.get("zone"), d.get("network"), out.rule, out.source,
                              d.get("unit")))
        if not out.ok:
            return REFUSED, 0, False, d.get("billed", 0), lab, out.reason
        q = int(out.charge.amount.scaleb(self.digits))
        return OK, q, True, d.get("billed", 0), lab, ""

    # -- the fold ------------------------------------------------------------------------

    def finish(self) -> pa.Table | None:
        """Fold the stateful rows through `Engine.run`; their results (None if none)."""
        if not self.deferred:
            return None
        orig = pa.concat_tables([o for o, _ in self.deferred], promote_options="permissive")
        work = pa.concat_tables([w for _, w in self.deferred])
        self.deferred = []
        rows = {k: work.column(k).to_pylist() for k in WORK}
        n = work.num_rows
        digits = [normalise(m, self.cc) for m in rows["msisdn"]]
        keys = [self.account(d) for d in digits]
        order = sorted(range(n), key=lambda i: (keys[i], rows["time"][i], rows["row"][i]))
        status = np.zeros(n, dtype=np.int8)
        quanta = np.zeros(n, dtype=np.int64)
        billed = np.zeros(n, dtype=np.int64)
        label = np.full(n, -1, dtype=np.int64)
        charged = np.zeros(n, dtype=bool)
        reasons: dict[int, str] = {}
        world = self.world
        start = 0
        while start < n:
            end = start
            while end < n and keys[order[end]] == keys[order[start]]:
                end += 1
            group = order[start:end]
            events = [_usage(digits[i], {k: rows[k][i] for k in WORK}) for i in group]
            world = self._fold(world, group, events, status, quanta, charged, billed, label,
                               reasons)
            start = end
        self.world = world
        return self._output(orig, work.column("row"), np.arange(n), status, quanta, charged,
                            billed, label, reasons)

    def _fold(self, world, group, events, status, quanta, charged, billed, label, reasons):
        engine = self.engine
        try:
            world, outs = engine.run(world, events)
            results = [self._outcome(o) for o in outs]
        except TariffError:  # one raised: apply one by one, rejecting what raises
            results = []
            for ev in events:
                try:
                    world, o = engine.apply(world, ev)
                    results.append(self._outcome(o))
                except TariffError as e:
                    results.append((REJECTED, 0, False, 0, -1, f"{e.code}: {e.reason}"))
        for i, r in zip(group, results):
            status[i], quanta[i], charged[i], billed[i], label[i], why = r
            if why:
                reasons[i] = why
        return world

    def account(self, msisdn: str) -> str:
        """The account a subscriber's rows are folded in: the subscriber, or `family` for
        anyone in a family group or invitation (groups tie their members together)."""
        st = self.world.get("family")
        if st is not None and any(msisdn in g.members for g in st.groups) \
                or st is not None and any(msisdn in (i.to, getattr(i, "sender", None))
                                          for i in st.invitations):
            return "family"
        return msisdn

    # -- output --------------------------------------------------------------------------

    def _output(self, batch, row_col, keep, status, quanta, charged, billed, label, reasons):
        s, q, c, b, lab = status[keep], quanta[keep], charged[keep], billed[keep], label[keep]
        for k, name in enumerate(STATUS):
            self.counts[{"ok": "rated", "refused": "refused", "rejected": "rejected"}[name]] += \
                int((s == k).sum())
        every = len(keep) == batch.num_rows
        idx = pa.array(keep)
        out = {name: batch.column(name) if every else batch.column(name).take(idx)
               for name in batch.schema.names if name.strip().lower() not in self.schema.names}
        has_label = (lab >= 0) & (s != REJECTED)
        labels = self.labels.columns(lab, has_label)
        rejected = s == REJECTED
        out["row"] = row_col if every else row_col.take(idx)
        out["status"] = pa.DictionaryArray.from_arrays(pa.array(s.astype(np.int32)),
                                                       pa.array(STATUS))
        out["charge"] = decimals(q, c, self.digits)
        out["currency"] = pa.DictionaryArray.from_arrays(
            pa.array(np.zeros(len(keep), dtype=np.int32), mask=rejected if rejected.any()
                     else None), pa.array([self.engine.currency]))
        out["billed"] = pa.array(b, mask=~has_label)
        out["unit"], out["zone"] = labels["unit"], labels["zone"]
        out["on_network"], out["rule"], out["source"] = \
            labels["network"], labels["rule"], labels["source"]
        out["reason"] = _reasons(reasons, keep)
        return pa.table(out)


def world_of_scenario(engine, data: dict) -> World:
    """The world of a decoded scenario document (docs/scenario.md; `operator`, `description`
    and `events` may be left out): its subscribers, then its events played (buying passes,
    forming family groups). Raises `runtime.scenario.ScenarioError` for a malformed one."""
    from runtime import scenario

    data = {"operator": engine.operator_id, "description": "the world of a CDR run", **data}
    if not data.get("events"):  # subscribers only (a scenario needs events: check those alone)
        c = scenario._Checker()
        subs = scenario._subscribers(c, data.get("subscribers", []))
        extra = scenario._world(c, data.get("world", {}))
        if c.problems:
            raise scenario.ScenarioError(c.problems)
        sc = scenario.Scenario(data["operator"], data["description"], subs, extra, ())
        return scenario._Binder(scenario.engine_of(sc.operator, engine)).world(sc)
    sc = scenario.load(data)
    world = scenario._Binder(scenario.engine_of(sc.operator, engine)).world(sc)
    for _, _, _, w in scenario.play(sc, engine):
        world = w
    return world


def decimals(quanta: np.ndarray, valid: np.ndarray, digits: int) -> pa.Array:
    """An exact decimal128(18, digits) column from integer quanta (two int64 words per value,
    little-endian: the value and its sign), null where not `valid`.

    >>> decimals(np.array([23980, -5]), np.array([True, True]), 2).to_pylist()
    [Decimal('239.80'), Decimal('-0.05')]
    """
    q = np.ascontiguousarray(quanta, dtype=np.int64)
    words = np.empty(2 * len(q), dtype=np.int64)
    words[0::2], words[1::2] = q, q >> 63
    validity = None
    if not valid.all():
        validity = pa.array(valid).buffers()[1]
    return pa.Array.from_buffers(pa.decimal128(18, digits), len(q),
                                 [validity, pa.py_buffer(words)],
                                 null_count=int((~valid).sum()))


def _reasons(reasons: dict[int, str], keep: np.ndarray) -> pa.Array:
    """The reason column of the rows `keep` (sorted), from {row index: reason}."""
    if not reasons:
        return pa.nulls(len(keep), pa.string())
    texts = [None]
    idx = np.zeros(len(keep), dtype=np.int32)
    at = np.array(sorted(reasons), dtype=np.int64)
    pos = np.searchsorted(keep, at)
    for i, j in zip(at.tolist(), pos.tolist()):
        if j < len(keep) and keep[j] == i:
            idx[j] = len(texts)
            texts.append(reasons[i])
    return pc.take(pa.array(texts, pa.string()), pa.array(idx))


def _usage(msisdn: str, r: dict) -> Usage:
    at = r["time"]
    return Usage(msisdn, at, r["service"], r["quantity"], Where(r["country"], r["network"]),
                 r["party"])


def _true(arr: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


__all__ = ["Rater", "result_schema", "decimals", "STATUS"]
