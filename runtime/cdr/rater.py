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

import gc
from datetime import datetime, timedelta, timezone

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from runtime.cdr.columns import prepare
from runtime.cdr.kernel import E164, Kernel, Labels, PerValue, holds
from runtime.errors import MalformedNumber, TariffError
from runtime.events import Usage, Where
from runtime.numbers import COUNTRY_CODES, normalise
from runtime.rating import builder
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
        # per dictionary value of the msisdn column, kept from batch to batch: plain E.164
        # digits; one of the world's subscribers
        self._plain = PerValue.truth(lambda v: pc.match_substring_regex(v, E164))
        self._member = PerValue.truth(lambda v: pc.is_in(pc.utf8_ltrim(v, "+"),
                                                         value_set=self.members))

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
        qty_np = (pc.fill_null(qty, -1) if qty.null_count else qty).to_numpy(
            zero_copy_only=False).astype(np.int64, copy=False)
        msisdn = cols["msisdn"]
        plain = holds(msisdn, lambda v: pc.match_substring_regex(v, E164), self._plain)
        member = plain & holds(msisdn, lambda v: pc.is_in(pc.utf8_ltrim(v, "+"),
                                                         value_set=self.members), self._member) \
            if len(self.members) else np.zeros(n, dtype=bool)
        readable = np.ones(n, dtype=bool)
        for i, why in bad.items():
            readable[i] = False
            status[i] = REJECTED
            reasons[i] = f"invalid_row: {why}"
        fast = readable & plain & ~member & (qty_np >= 0)
        if self.kernel is not None and fast.any():
            fast, billed, quanta, label = self._kernel(cols, qty_np, fast)
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
        if deferred.all():  # a file of stateful rows: keep the batch as it is
            self.deferred.append((pa.Table.from_batches([batch]),
                                  pa.table({k: cols[k] for k in WORK})))
            status[:] = DEFERRED
        elif deferred.any():
            idx = pa.array(np.flatnonzero(deferred))
            self.deferred.append((pa.Table.from_batches([batch.take(idx)]),
                                  pa.table({k: cols[k].take(idx) for k in WORK})))
            status[deferred] = DEFERRED
        keep = np.flatnonzero(status != DEFERRED)
        if not len(keep):
            return None
        return self._output(batch, cols["row"], keep, status, quanta, charged, billed, label,
                            reasons)

    def _kernel(self, cols: dict, qty: np.ndarray, fast: np.ndarray):
        """(rows the kernel rates, billed, quanta, label) for the `fast` candidates; the
        arrays hold the kernel's figures on those rows (label -1 elsewhere)."""
        cls = self.kernel.classify(cols["service"], cols["country"], cols["network"],
                                   cols["party"])
        fast = fast & (cls >= 0)
        n = len(qty)
        if not fast.any():
            return fast, np.zeros(n, np.int64), np.zeros(n, np.int64), np.full(n, -1, np.int64)
        cls = np.maximum(cls, 0)  # every row (cheaper than selecting); used where fast
        fast &= ~self.kernel.too_big(cls, qty)
        billed, quanta, label = self.kernel.charge(cls, qty)
        label[~fast] = -1  # the other rows are decided elsewhere, or rejected
        return fast, billed, quanta, label

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
        billed = d.get("billed", -1)  # -1: the runtime does not say (a family-free call)
        if not out.ok:
            return REFUSED, 0, False, billed, lab, out.reason
        q = int(out.charge.amount.scaleb(self.digits))
        return OK, q, True, billed, lab, ""

    # -- the fold ------------------------------------------------------------------------

    def finish(self) -> pa.Table | None:
        """Fold the stateful rows through `Engine.run` (or, for a subscriber with only a
        balance at stake, `_balance`); their results (None if none). The rater's `world`
        is not advanced: the results are the output."""
        if not self.deferred:
            return None
        orig = pa.concat_tables([o for o, _ in self.deferred], promote_options="permissive")
        work = pa.concat_tables([w for _, w in self.deferred])
        self.deferred = []
        n = work.num_rows
        # accounts, by the distinct numbers; then rows sorted by (account, time, row)
        numbers = pc.cast(work.column("msisdn"), pa.string()).combine_chunks().dictionary_encode()
        digits_of = [normalise(m, self.cc) for m in numbers.dictionary.to_pylist()]
        accounts = sorted(set(self.account(d) for d in digits_of))
        account_id = {a: i for i, a in enumerate(accounts)}
        key_of = np.array([account_id[self.account(d)] for d in digits_of], dtype=np.int64)
        number = numbers.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        times = pc.cast(work.column("time"), pa.int64()).to_numpy()
        row_nr = work.column("row").to_numpy()
        order = np.lexsort((row_nr, times, key_of[number]))  # by account, time, row
        # Rows stay where they are; the fold walks them in `order` (positions p -> row
        # order[p]): every array below is indexed by row.
        cols = {k: _one_chunk(work.column(k)) for k in WORK}
        qty = pc.fill_null(cols["quantity"], -1).to_numpy(zero_copy_only=False)
        # the kernel's figures for these rows: what `run` charges a usage it keeps as itself
        if self.kernel is not None:
            fast, billed, quanta, label = self._kernel(cols, qty, qty >= 0)
        else:
            fast, billed, quanta, label = (np.zeros(n, bool), np.zeros(n, np.int64),
                                           np.zeros(n, np.int64), np.full(n, -1, np.int64))
        status = np.zeros(n, dtype=np.int8)
        charged = np.zeros(n, dtype=bool)
        reasons: dict[int, str] = {}
        keys = key_of[number[order]]
        cuts = [0, *(np.flatnonzero(np.diff(keys)) + 1).tolist(), n]
        world, pending = self.world, []
        for a, b in zip(cuts, cuts[1:]):
            rows = order[a:b]
            first = int(rows[0])
            sub = None if accounts[keys[a]] == "family" else \
                world.subscribers.get(digits_of[number[first]])
            if sub is None or not self._balance(sub, rows, times[first], fast, status, quanta,
                                                charged, reasons):
                pending.append(rows.tolist())
        if pending:  # the accounts that need Engine.run: their events, then the fold
            # Millions of small acyclic objects (events, records): the cyclic collector
            # would walk the growing heap again and again for nothing, so it waits.
            collecting = gc.isenabled()
            gc.disable()
            try:
                needed = [i for rows in pending for i in rows]
                events = dict(zip(needed, _events(cols, digits_of, number, needed)))
                for rows in pending:
                    world = self._fold(world, [events[i] for i in rows], rows, fast, status,
                                       quanta, charged, billed, label, reasons)
                del events
            finally:
                if collecting:
                    gc.enable()
        return self._output(orig, cols["row"], np.arange(n), status, quanta, charged, billed,
                            label, reasons)

    def _balance(self, sub, rows: np.ndarray, start: int, fast, status, quanta, charged,
                 reasons) -> bool:
        """The fold of one subscriber's `rows` (in time order; `start` the first's time in
        UTC microseconds) when only a balance is at stake (no pass, no family group, every
        row charged at its rate by the kernel, none before activation): charges in time
        order until one exceeds what is left, which is refused (`insufficient balance`) and
        leaves the balance as it was, exactly as `Engine.run` does; done with a cumulative
        sum up to the first refusal. False: the rows need `Engine.run`."""
        if sub.passes or not fast[rows].all():
            return False
        if sub.activated is not None and start < (sub.activated - _EPOCH) // _MICRO:
            return False
        bal = None
        if sub.balance is not None:
            amount = sub.balance.amount
            if sub.balance.currency != self.engine.currency \
                    or amount.as_tuple().exponent < -self.digits:
                return False
            bal = int(amount.scaleb(self.digits))
        status[rows], charged[rows] = OK, True
        if bal is None:
            return True
        spent = np.cumsum(quanta[rows])
        k = int(np.searchsorted(spent, bal, side="right"))  # rows[:k] fit in the balance
        if k < len(rows):
            left = bal - (int(spent[k - 1]) if k else 0)
            for i in rows[k:].tolist():
                q = int(quanta[i])
                if q and q > left:
                    status[i], charged[i] = REFUSED, False
                    reasons[i] = "insufficient balance"
                else:
                    left -= q
        return True

    def _fold(self, world, events, rows, fast, status, quanta, charged, billed, label,
              reasons):
        """Fold one account's events (of `rows`, in time order) through `run`."""
        engine = self.engine
        batch = self.kernel.batch if self.kernel is not None else None
        try:
            world, outs = engine.run(world, events)
        except TariffError:  # one raised: apply one by one, rejecting what raises
            outs = []
            for ev in events:
                try:
                    world, o = engine.apply(world, ev)
                    outs.append(o)
                except TariffError as e:
                    outs.append(e)
        items = outs.records() if hasattr(outs, "records") else outs
        of = self.labels.of
        for i, item in zip(rows, items):
            kind = type(item)
            if kind is Usage and fast[i]:  # charged at its rate: the kernel's figures
                status[i], charged[i] = OK, True
                continue
            if kind is Usage:
                item = batch.record(item)
                kind = tuple
            if kind is tuple:  # rated by the run: its rate or a pass effect
                _, spot, rate, _, q = item[:5]
                rule, source, b = batch.rule(item)
                place = spot.place
                label[i] = of((place.zone, place.network, rule, source, rate.unit))
                billed[i] = b
                if q is None:  # refused: the balance is too low
                    status[i], charged[i] = REFUSED, False
                    reasons[i] = "insufficient balance"
                else:
                    status[i], quanta[i], charged[i] = OK, q, True
                continue
            if isinstance(item, TariffError):
                r = (REJECTED, 0, False, 0, -1, f"{item.code}: {item.reason}")
            else:
                r = self._outcome(item)
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
        out["billed"] = pa.array(b, mask=~has_label | (b < 0))
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
    q = np.asarray(quanta, dtype=np.int64)
    words = np.empty((len(q), 2), dtype=np.int64)  # row-major: value, sign, value, sign...
    words[:, 0] = q
    np.right_shift(q, 63, out=words[:, 1])
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


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICRO = timedelta(microseconds=1)
_new_usage = builder(Usage)  # Usage(...) without the frozen dataclass's __setattr__ calls


def _events(cols: dict, digits_of: list[str], number: np.ndarray, rows: list[int]
           ) -> list[Usage]:
    """The `Usage` events of `rows` of typed columns (times as UTC datetimes; the
    subscriber `digits_of[number[row]]`)."""
    idx = pa.array(rows)
    us = pc.cast(cols["time"].take(idx), pa.int64()).to_numpy(zero_copy_only=False).tolist()
    text = {k: _strings(cols[k].take(idx)) for k in ("service", "country", "network", "party")}
    qty = cols["quantity"].take(idx).to_pylist()
    who = number[rows].tolist()
    wheres: dict = {}
    out = []
    for j, t in enumerate(us):
        key = (text["country"][j], text["network"][j])
        where = wheres.get(key)
        if where is None:
            where = wheres[key] = Where(*key)
        out.append(_new_usage(digits_of[who[j]], _EPOCH + timedelta(microseconds=t),
                              text["service"][j], qty[j], where, text["party"][j]))
    return out


def _one_chunk(col: pa.ChunkedArray) -> pa.Array:
    """One array of a chunked column; dictionary chunks (each with its own dictionary) are
    decoded to plain values first."""
    if col.num_chunks == 1:
        return col.chunk(0)
    if pa.types.is_dictionary(col.type):
        col = pc.cast(col, col.type.value_type)
    return col.combine_chunks()


def _strings(col: pa.Array) -> list:
    """A text column as Python strings (a dictionary column through its few values)."""
    if pa.types.is_dictionary(col.type):
        values = col.dictionary.to_pylist() + [None]
        idx = pc.fill_null(col.indices, len(values) - 1).to_numpy(zero_copy_only=False)
        return [values[i] for i in idx.tolist()]
    return col.to_pylist()


def _usage(msisdn: str, r: dict) -> Usage:
    at = r["time"]
    return Usage(msisdn, at, r["service"], r["quantity"], Where(r["country"], r["network"]),
                 r["party"])


__all__ = ["Rater", "result_schema", "decimals", "STATUS"]
