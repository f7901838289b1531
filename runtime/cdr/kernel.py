"""The vectorised stateless rater: a record batch of usage -> charges, with numpy int64.

A stateless row (a subscriber with no balance, no pass, no family group) is rated by a pure
function of the tables: the place of (country, network), the rate of the service there
(and, on a network priced by destination or at home, of the other party's first digits),
then `runtime.batch.kernel`'s integer form of that rate. So a batch is rated in four steps:

1. the key columns (service, country, network) are dictionary-encoded, and each distinct
   combination present is looked up once (`Batch` and `Rating` do the lookup, memoised):
   either a *class* (a place and its rate: the kernel's six integers and the output labels),
   a *party spot* (the rate depends on the other party), or *slow*;
2. rows of a party spot look up (spot, first `prefix_len` digits of the party) the same way;
3. charge = `(price * (billed - sub) + base) // d` quanta over int64 arrays, `billed` the
   started intervals (`first`, then blocks of `next`), exactly as `runtime.batch.charge_of`;
4. rows the kernel does not decide are marked slow, never guessed: a number not in plain
   E.164 digits, a missing or negative quantity, an unknown zone, a `-` cell, a quantity so
   large that int64 could overflow. `runtime.cdr.rater` sends them through `Engine.apply`,
   which rates them or raises the error that rejects them.

`tests/cdr/test_kernel.py` checks the kernel against `Engine.apply` row by row.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from runtime.batch import Batch, kernel
from runtime.errors import TariffError
from runtime.events import Where
from runtime.rating import _SERVICES, Place

SLOW = -1  # a row (or key) the kernel leaves to Engine.apply
# Plain E.164 digits, as `Rating.normal` passes them unchanged: anything else is slow.
E164 = r"^\+?[1-9][0-9]{7,14}$"
_LIMIT = 1 << 62  # int64 headroom for price * billed + base
_ALL = 4096  # a key space this small is looked up whole (each combination: a memo hit)
_DENSE = 1 << 22  # a key space this small is looked up by a dense table, not np.unique
MEMO_LIMIT = 65536
_TABLE = 1 << 21  # the largest (party spot x prefix) table kept between batches
_UNKNOWN = -(1 << 62)  # a pair of that table not looked up yet


class Labels:
    """Interned output labels: (zone, network, rule, source, unit) -> a small int, so that
    each output string column is a dictionary array over a few distinct values.

    Each field keeps its own distinct values (a dictionary without repeats: Parquet writes
    such a dictionary array as it is, where repeated values cost a re-encoding of every
    row) and, per label, the index of its value (-1: None)."""

    FIELDS = ("zone", "network", "rule", "source", "unit")

    def __init__(self) -> None:
        self.ids: dict[tuple, int] = {}
        self.rows: list[tuple] = []
        self._values: list[dict[str, int]] = [{} for _ in self.FIELDS]
        self._codes: list[list[int]] = [[] for _ in self.FIELDS]
        self._tables = None  # per field: (codes as int32 numpy, the dictionary), cached

    def of(self, label: tuple) -> int:
        found = self.ids.get(label)
        if found is None:
            found = self.ids[label] = len(self.rows)
            self.rows.append(label)
            for k, v in enumerate(label):
                values = self._values[k]
                self._codes[k].append(-1 if v is None else values.setdefault(v, len(values)))
            self._tables = None
        return found

    def _tables_of(self) -> list[tuple[np.ndarray, pa.Array]]:
        if self._tables is None:
            self._tables = [(np.array(codes or [-1], dtype=np.int32),
                             pa.array(list(values), pa.string()))
                            for codes, values in zip(self._codes, self._values)]
        return self._tables

    def columns(self, ids: np.ndarray, valid: np.ndarray) -> dict[str, pa.Array]:
        """One dictionary-encoded column per field, null where not `valid` or the field is
        None (nulls in the indices: Parquet writes no null inside a dictionary)."""
        out = {}
        safe = np.where(valid, ids, 0)
        invalid = ~valid
        any_invalid = bool(invalid.any())
        for name, (codes, dictionary) in zip(self.FIELDS, self._tables_of()):
            idx = codes[safe]
            if (codes < 0).any():
                mask = invalid | (idx < 0)
                np.maximum(idx, 0, out=idx)
                mask = mask if mask.any() else None
            else:
                mask = invalid if any_invalid else None
            if not len(dictionary):
                dictionary = pa.array([""], pa.string())
            out[name] = pa.DictionaryArray.from_arrays(pa.array(idx, mask=mask), dictionary)
        return out


class Kernel:
    """The vectorised rater of one engine; `None` from `of` when the engine has no integer
    fast path (no rating, or a rounding that is not to a power of ten)."""

    @classmethod
    def of(cls, engine, labels: Labels) -> Kernel | None:
        batch = Batch.of(engine)
        return None if batch is None else cls(engine, batch, labels)

    def __init__(self, engine, batch: Batch, labels: Labels) -> None:
        self.engine, self.batch, self.rating, self.labels = engine, batch, engine.rating, labels
        self.plen = self.rating.prefix_len
        # class id -> (first, next, sub, price, base, d), its label, its largest safe quantity
        self.params: list[tuple] = []
        self.label_of: list[int] = []
        self.max_qty: list[int] = []
        self.class_ids: dict[tuple, int] = {}
        self.spots: dict[tuple, int] = {}  # (service, country, network) -> entry
        self.party_spots: list[tuple] = []  # party spot id -> (place, service)
        self.parties: dict[tuple, int] = {}  # (party spot id, prefix or None) -> class or SLOW
        self._arrays = None
        # per dictionary value of the party column: plain E.164 digits, and the code of its
        # first digits in `prefixes` (0: None), kept from batch to batch
        self._plain = PerValue.truth(lambda v: pc.match_substring_regex(v, E164))
        self.prefixes: list[str | None] = [None]
        self._prefix_ids: dict[str | None, int] = {None: 0}
        self._prefix_of = PerValue(self._prefix_codes)
        self._prefix_table: np.ndarray | None = None  # see _by_prefix

    def _prefix_codes(self, values: pa.Array) -> np.ndarray:
        first = pc.utf8_slice_codeunits(pc.utf8_ltrim(values, "+"), 0, self.plen)
        ids, out = self._prefix_ids, self.prefixes
        codes = []
        for p in first.to_pylist():
            c = ids.get(p)
            if c is None:
                c = ids[p] = len(out)
                out.append(p)
            codes.append(c)
        return np.array(codes, dtype=np.int64)

    # -- tables -> classes ---------------------------------------------------------------

    def _class(self, place: Place, rate) -> int:
        key = (place.zone, place.network, rate)
        found = self.class_ids.get(key)
        if found is None:
            kern = kernel(rate, self.batch.digits, self.rating.mode)
            first, nxt, sub, price, base, d = kern
            found = self.class_ids[key] = len(self.params)
            self.params.append(kern)
            self.label_of.append(self.labels.of((place.zone, place.network, rate.rule,
                                                 rate.source, rate.unit)))
            self.max_qty.append(max(0, (_LIMIT - abs(base)) // max(abs(price), 1) - nxt - first))
            self._arrays = None
        return found

    def _spot(self, service: str, country: str | None, network: str | None) -> int:
        """A class id (>= 0), a party spot (-2 - id) or SLOW for one key combination."""
        key = (service, country, network)
        found = self.spots.get(key)
        if found is not None:
            return found
        found = SLOW
        rating = self.rating
        try:
            if country is None and network is None:  # at home: priced by the party
                if rating.home is not None and self._home_plain():
                    found = self._party_spot(Place(None, None, rating.home, "home"), service)
            elif service in _SERVICES:
                place = rating.place(Where(country, network))
                if place.network_list is not None:
                    found = self._party_spot(place, service)
                else:
                    found = self._class(place, rating.price(place, service, None, None))
        except TariffError:
            found = SLOW
        if len(self.spots) < MEMO_LIMIT:
            self.spots[key] = found
        return found

    def _home_plain(self) -> bool:
        """Whether home usage of a subscriber with no state is the home list's price alone:
        every home hook (family groups) leaves a subscriber outside any group alone."""
        return all(getattr(h, "__name__", "") == "home_usage" for h in self.rating.home_hooks)

    def _party_spot(self, place: Place, service: str) -> int:
        self.party_spots.append((place, service))
        return -2 - (len(self.party_spots) - 1)

    def _party(self, spot: int, prefix: str | None) -> int:
        key = (spot, prefix)
        found = self.parties.get(key)
        if found is not None:
            return found
        place, service = self.party_spots[spot]
        rating = self.rating
        try:
            net = None if prefix is None else rating.party(prefix)[0]
            if place.zone is None:  # at home: as Rating._home rates it
                rate = rating.home_rate(service, prefix, net)[1]
                found = SLOW if rate is None else self._class(place, rate)
            else:
                found = self._class(place, rating.price(place, service, prefix, net))
        except TariffError:
            found = SLOW
        if len(self.parties) < MEMO_LIMIT:
            self.parties[key] = found
        return found

    def arrays(self) -> tuple[np.ndarray, ...]:
        """The class tables as int64 arrays: first, next, sub, price, base, d, max_qty."""
        if self._arrays is None or len(self._arrays[0]) != len(self.params):
            cols = list(zip(*self.params)) if self.params else [()] * 6
            self._arrays = tuple(np.array(c, dtype=np.int64) for c in cols) + (
                np.array(self.max_qty, dtype=np.int64), np.array(self.label_of, dtype=np.int64))
        return self._arrays

    # -- a batch -------------------------------------------------------------------------

    def classify(self, service: pa.Array, country: pa.Array, network: pa.Array,
                 party: pa.Array) -> np.ndarray:
        """Each row's class id, or SLOW."""
        entry = lookup([keys_of(service), keys_of(country), keys_of(network)],
                       lambda s, c, n: SLOW if s is None else self._spot(s, c, n))
        # The other party: plain digits, or slow (Rating.normal would normalise or refuse).
        if party.null_count < len(party):
            has_party = ~_nulls(party)
            plain = holds(party, lambda v: pc.match_substring_regex(v, E164), self._plain)
            entry[has_party & ~plain] = SLOW
        by_party = entry <= -2
        if by_party.any():
            rows = np.flatnonzero(by_party)
            spots = (-2 - entry[rows], list(range(len(self.party_spots))))
            if pa.types.is_dictionary(party.type):  # prefixes of the values, memoised
                codes = np.append(self._prefix_of(party.dictionary), 0)
                prefix = codes[_indices(party.indices, len(codes) - 1)[rows]]
                entry[rows] = self._by_prefix(spots[0], prefix)
            else:
                prefix = keys_of(pc.utf8_slice_codeunits(pc.utf8_ltrim(
                    party.take(pa.array(rows)), "+"), 0, self.plen))
                entry[rows] = lookup([spots, prefix], self._party)
        return entry

    def _by_prefix(self, spot: np.ndarray, prefix: np.ndarray) -> np.ndarray:
        """Per row, `_party` of its party spot and its prefix code (in `prefixes`), through a
        table (party spot x prefix) kept from batch to batch: only pairs not met before are
        looked up."""
        ns, npf = len(self.party_spots), len(self.prefixes)
        table = self._prefix_table
        if table is None or table.shape[0] < ns or table.shape[1] < npf:
            shape = (ns + 8, max(2 * npf, 64))
            if shape[0] * shape[1] > _TABLE:  # too many to keep: looked up batch by batch
                return lookup([(spot, list(range(ns))), (prefix, self.prefixes)], self._party)
            grown = np.full(shape, _UNKNOWN, dtype=np.int64)
            if table is not None:
                grown[:table.shape[0], :table.shape[1]] = table
            self._prefix_table = table = grown
        found = table[spot, prefix]
        unknown = found == _UNKNOWN
        if unknown.any():
            width = table.shape[1]
            for k in np.unique(spot[unknown] * width + prefix[unknown]).tolist():
                a, b = divmod(k, width)
                table[a, b] = self._party(a, self.prefixes[b])
            found = table[spot, prefix]
        return found

    def charge(self, cls: np.ndarray, qty: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                               np.ndarray]:
        """(billed units, quanta, label id) of rows of class `cls` (all >= 0) for `qty` (all
        >= 0 and <= the class's max_qty): `runtime.batch.charge_of`, vectorised."""
        first, nxt, sub, price, base, d, _, label = self.arrays()
        f, n = first[cls], nxt[cls]
        # billed = first if qty <= first else first + the started `next` blocks past it:
        # f - (f - qty) // n * n is <= f exactly when qty <= f, so a maximum picks the case.
        billed = f - qty
        billed //= n
        billed *= n
        np.subtract(f, billed, out=billed)
        np.maximum(billed, f, out=billed)
        billed *= qty != 0  # 0 units cost nothing
        quanta = billed - sub[cls]
        quanta *= price[cls]
        quanta += base[cls]
        quanta //= d[cls]
        quanta *= billed != 0
        return billed, quanta, label[cls]

    def too_big(self, cls: np.ndarray, qty: np.ndarray) -> np.ndarray:
        """Rows whose quantity could overflow int64 in `charge`."""
        return qty > self.arrays()[6][cls]


class PerValue:
    """`fn` (pyarrow values -> numpy array, one item per value) over the dictionaries of a
    stream of batches, kept from batch to batch: a dictionary equal to the last one, or
    extending it (Parquet's reader grows a column's dictionary as it reads), is computed on
    its new values only."""

    def __init__(self, fn) -> None:
        self.fn = fn
        self.values: pa.Array | None = None
        self.result: np.ndarray | None = None

    @classmethod
    def truth(cls, fn) -> PerValue:
        """A `PerValue` of a predicate (pyarrow values -> booleans; null: False)."""
        return cls(lambda v: _true(fn(v)))

    def __call__(self, values: pa.Array) -> np.ndarray:
        n = 0 if self.values is None else len(self.values)
        if n and len(values) >= n and (values is self.values
                                       or values.slice(0, n).equals(self.values)):
            if len(values) > n:
                self.result = np.concatenate([self.result, self.fn(values.slice(n))])
        else:
            self.result = self.fn(values)
        self.values = values
        return self.result


def holds(col: pa.Array, fn, memo: PerValue | None = None) -> np.ndarray:
    """An elementwise predicate as a numpy bool array (null: False); on a dictionary array,
    evaluated on its values (through `memo`, a `PerValue` of `_true(fn(...))`, when given)
    and gathered by its indices."""
    if pa.types.is_dictionary(col.type):
        values = np.append(memo(col.dictionary) if memo is not None
                           else _true(fn(col.dictionary)), False)
        return values[_indices(col.indices, len(values) - 1)]
    return _true(fn(col))


def _nulls(arr: pa.Array) -> np.ndarray:
    return np.asarray(arr.is_null().to_numpy(zero_copy_only=False), dtype=bool)


def _true(arr: pa.Array) -> np.ndarray:
    """A boolean array as numpy, nulls as False."""
    if arr.null_count:
        arr = pc.fill_null(arr, False)
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=bool)


def keys_of(col: pa.Array) -> tuple[np.ndarray, list]:
    """(per row, the index of its value in `values`; `values`, the distinct values and a
    last None for nulls) of a text column, plain or dictionary-encoded."""
    if pa.types.is_dictionary(col.type):  # values may repeat: re-encode
        inner = col.dictionary.dictionary_encode()
        values = inner.dictionary.to_pylist() + [None]
        remap = np.append(_indices(inner.indices, len(values) - 1), len(values) - 1)
        return remap[_indices(col.indices, len(remap) - 1)], values
    enc = col.dictionary_encode()
    values = enc.dictionary.to_pylist() + [None]
    return _indices(enc.indices, len(values) - 1), values


def _indices(indices: pa.Array, null: int) -> np.ndarray:
    """Dictionary indices as int64 numpy, nulls as `null`."""
    if indices.null_count:
        indices = pc.fill_null(indices, null)
    return indices.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)


def lookup(keys: list[tuple[np.ndarray, list]], fn) -> np.ndarray:
    """Per row, `fn(*values)` of its combination of key values (int64): `fn` is called once
    per distinct combination, through a table indexed by one integer code per row (every
    combination when there are few, else those present)."""
    code = None
    for idx, values in keys:
        code = idx if code is None else code * len(values) + idx
    sizes = [len(v) for _, v in keys]
    size = int(np.prod(sizes))
    if size <= _ALL:
        combos = range(size)
        rows = code
    elif size <= _DENSE:
        present = np.zeros(size, dtype=bool)
        present[code] = True
        combos = np.flatnonzero(present)
        index = np.zeros(size, dtype=np.int64)
        index[combos] = np.arange(len(combos))
        rows = index[code]
    else:
        combos, rows = np.unique(code, return_inverse=True)
    lut = np.empty(max(len(combos), 1), dtype=np.int64)
    for j, k in enumerate(combos.tolist() if hasattr(combos, "tolist") else combos):
        parts = []
        for (_, values), n in zip(reversed(keys), reversed(sizes)):
            k, r = divmod(k, n)
            parts.append(values[r])
        lut[j] = fn(*reversed(parts))
    return lut[rows]
