"""`tariffc adequacy [OPERATOR]`: do the golden vectors pin the offer down?

Each mutant is the checked model with one element changed (`attrs.evolve` down the path to
it): a price, an interval, a threshold, a percentage, a validity, a quota, an allowance, a fee,
a transfer step, an invitation time, a code or keyword text, an eligibility, a rule choice such
as the rounding mode. The mutant is lowered and run as an `Engine` (no files written) against
the unchanged vectors of `generated/<operator>/vectors/`. A mutant is *killed* when some
vector fails; a *survivor* is a change no vector notices, i.e. a missing vector.

    model --(mutate one element)--> mutant --(lower, Engine)--> vectors --> killed / survived

A run stops each mutant at its first failing vector and tries first the vector that killed
the previous mutant (neighbouring mutants tend to die on the same vector). A mutant whose
lowering or engine refuses to build is reported as `invalid`, not counted as killed.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable

import attrs

from compiler.lower import cite, lower
from compiler.model import Tariff
from compiler.model.bill import FIRST_PERIODS
from compiler.model.family import BENEFITS_AFTER_EXIT, BONUS_EXPIRY, CHANGES_EFFECTIVE

@dataclass(frozen=True)
class Mutant:
    """One element of the spec changed: every node of the model equal to `old` (the checker
    may copy an element, e.g. a price list's interval into each of its rates; equal nodes
    carry the same span, so they are the same spec element) becomes `new`."""

    what: str        # "Price.amount 119.90 -> 120.90"
    where: str       # the spec line of the nearest element with a span
    old: object
    new: object


def _spanned(obj) -> str | None:
    span = getattr(obj, "span", None)
    return cite(span) if span is not None and getattr(span, "file", None) else None


def _bump(x: Decimal) -> Decimal:
    """The next value in the last decimal place written (119.90 -> 119.91, 150 -> 151)."""
    exp = x.as_tuple().exponent
    return x + Decimal(1).scaleb(min(exp, 0) if isinstance(exp, int) else 0)


def _alternative(value: str, vocabulary) -> str | None:
    return next((v for v in vocabulary if v != value), None)


# field mutators: value -> [(label, new value)]
def _dec(value):
    if value is None:
        return []
    out = [(f"{value} -> {value + 1}", value + 1)]
    if _bump(value) != value + 1:
        out.append((f"{value} -> {_bump(value)}", _bump(value)))
    if value:
        down = value - (_bump(value) - value)
        out.append((f"{value} -> {down}", down))
        out.append((f"{value} -> 0", Decimal(0)))
    return out


def _int(value):
    if value is None:
        return []
    return [(f"{value} -> {value + 1}", value + 1)] + (
        [(f"{value} -> {value - 1}", value - 1)] if value > 1 else [])


def _text(value):
    """A code or keyword text, changed in its last digit or letter."""
    if not value:
        return [(f"{value!r} -> 'X'", "X")]
    chars = list(value)
    for i in range(len(chars) - 1, -1, -1):
        if chars[i].isalnum():
            chars[i] = "8" if chars[i] == "9" else ("9" if chars[i].isdigit() else
                                                   ("Q" if chars[i] != "Q" else "R"))
            new = "".join(chars)
            return [(f"{value!r} -> {new!r}", new)]
    return [(f"{value!r} -> {value + '9'!r}", value + "9")]


def _drop(value):
    """Each element of a tuple removed in turn (at most three, the first ones)."""
    if not value:
        return []
    return [(f"without {v!r}", value[:i] + value[i + 1:]) for i, v in enumerate(value[:3])]


def _mb(value):
    """A data amount written in MB, changed by one MB."""
    if value is None:
        return []
    return [(f"{value // 1024} MB -> {value // 1024 + 1} MB", value + 1024),
            (f"{value // 1024} MB -> {value // 1024 - 1} MB", value - 1024)]


def _day(value):
    """A validity's first or last day one day later and one day earlier."""
    if value is None:
        return []
    import datetime
    one = datetime.timedelta(days=1)
    return [(f"{value} -> {value + one}", value + one), (f"{value} -> {value - one}", value - one)]


def _fee_days(changes):
    """Each dated family fee (`fee 180 RSD/month per member from 2027-01-01`) starting one day
    later and one day earlier."""
    out = []
    for i, (day, price, span) in enumerate(changes):
        for label, moved in _day(day):
            out.append((f"from {label}", changes[:i] + ((moved, price, span),) + changes[i + 1:]))
    return out


def _tz(value):
    alt = "UTC" if value != "UTC" else "Europe/Berlin"
    return [(f"{value!r} -> {alt!r}", alt)]


# A rule choice: an action exchanged for a neighbouring one of the same arity.
ACTION_SWAPS = {"balance": "plan_status", "plan_status": "balance", "status": "account_details",
                "account_details": "status", "grant_access": "revoke_access",
                "revoke_access": "grant_access", "card_check": "balance", "call_me": "callback",
                "callback": "call_me", "recharge": "balance", "family_accept": "family_decline",
                "family_decline": "family_accept", "family_exit": "family_cancel",
                "family_cancel": "family_exit", "family_status": "family_exit"}


def _action(value):
    alt = ACTION_SWAPS.get(value)
    return [] if alt is None else [(f"{value!r} -> {alt!r}", alt)]


def _vocab(vocabulary):
    def m(value):
        alt = _alternative(value, vocabulary)
        return [] if alt is None else [(f"{value!r} -> {alt!r}", alt)]
    return m


def _flip(value):
    return [(f"{value} -> {not value}", not value)]


def _op(value):
    alt = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "=": "<"}[value]
    return [(f"{value} -> {alt}", alt)]


def _at(value):
    """A time of day one hour or one minute either side."""
    h, m = value
    out = []
    for nh, nm in ((h + 1, m), (h - 1, m), (h, m + 1), (h, m - 1)):
        if 0 <= nh < 24 and 0 <= nm < 60:
            out.append((f"{h:02d}:{m:02d} -> {nh:02d}:{nm:02d}", (nh, nm)))
    return out


def _none(value):
    shown = f"{value.amount} {value.currency}" if hasattr(value, "amount") else repr(value)
    return [] if value is None else [(f"{shown} -> None", None)]


# (class name, field) -> mutator. Every field whose change a customer would see.
MUTATORS: dict[tuple[str, str], Callable] = {
    ("Price", "amount"): _dec,
    ("Interval", "first"): _int, ("Interval", "next"): _int,
    ("Rounding", "mode"): _vocab(("half-up", "up")),
    ("Rounding", "quantum"): lambda v: [(f"{v} -> {v * 10}", v * 10)],
    ("Pass", "validity_seconds"): _int, ("Pass", "full_speed_kb"): _int,
    ("Pass", "exclusive"): lambda v: [] if v is None else [(f"{v!r} -> None", None)],
    ("Allowance", "amount"): _int,
    ("Tier", "percent"): _dec,
    ("Family", "min_members"): _int, ("Family", "max_members"): _int,
    ("Family", "transfer_step_kb"): _mb, ("Family", "transfer_min_kb"): _mb,
    ("Family", "invitation_seconds"): _int, ("Family", "groups_per_month"): _int,
    ("Family", "fee_prorated"): _flip, ("Family", "fee_changes"): _fee_days,
    ("Family", "changes_effective"): _vocab(CHANGES_EFFECTIVE),
    ("Family", "bonus_expiry"): _vocab(BONUS_EXPIRY),
    ("Family", "benefits_after_exit"): _vocab(BENEFITS_AFTER_EXIT),
    ("Family", "plans"): _drop, ("Family", "excluded"): _drop, ("Family", "exceptions"): _drop,
    ("Condition", "op"): _op,
    # a pass's `activate code`/`menu` lines name a code declared on its own (mutated there)
    ("Activation", "keyword"): lambda v: [] if v is None else _text(v),
    ("Eligibility", "segments"): _drop, ("Eligibility", "plans"): _drop,
    ("BillingWindow", "from_day"): _int, ("BillingWindow", "to_day"): _int,
    ("BillingWindow", "at"): _at, ("BillingWindow", "defers"): _drop,
    ("Network", "numbers"): _drop, ("Network", "not_numbers"): _drop,
    ("Network", "shown_as"): _drop, ("Network", "mccmnc"): _drop,
    ("Zone", "countries"): _drop, ("Zone", "networks"): _drop,
    ("Service", "numbers"): _drop, ("Service", "not_numbers"): _drop,
    ("Service", "unit"): _vocab(("time", "data", "count")),
    ("MenuOption", "number"): _int, ("MenuOption", "activates"): _drop,
    ("SmsParam", "min"): lambda v: [] if v is None else _int(v),
    ("SmsParam", "max"): lambda v: [] if v is None else _int(v),
    ("Bill", "first_period"): _vocab(FIRST_PERIODS),
    # `languages` is required with at least one code: only a second language can go
    ("Operator", "languages"): lambda v: _drop(v) if len(v) > 1 else [],
    ("Operator", "timezone"): _tz,
    ("Operator", "decimal"): _vocab((",", ".")), ("Operator", "rounding"): _none,
    ("ShortCode", "price"): _none, ("ShortCode", "roaming_price"): _none,
    ("ShortCode", "variants"): _drop, ("ShortCode", "conditions"): _drop,
    ("ShortCode", "network"): lambda v: [] if v is None else [(f"{v!r} -> None", None)],
    ("Segment", "plans"): _drop,
    ("ShortCode", "action"): _action, ("SmsCommand", "action"): _action,
    ("CallCommand", "action"): _action, ("WebChannel", "action"): _action,
    ("CallCommand", "number"): _text, ("WebChannel", "name"): _text,
    ("SmsCommand", "number"): _text, ("ServiceNumber", "number"): _text,
    ("Notifications", "triggers"): _drop,
    ("Category", "passes"): _drop,
    ("Destination", "names"): _drop,
    ("ServiceNumber", "roaming_price"): lambda v: [] if v is None else [(f"{v!r} -> None", None)],
    ("Validity", "start"): _day, ("Validity", "end"): _day,  # effective dates
    ("BandRule", "start"): lambda v: [] if v is None else _at(v),  # time bands
    ("BandRule", "end"): lambda v: [] if v is None else _at(v),
    ("BandRule", "days"): _drop, ("TimeBands", "holidays"): _drop,
    ("TimeBands", "crossing"): _vocab(("start", "split")),
}


def _code_texts(code) -> list[tuple[str, dict]]:
    """A USSD code's text changed coherently (pattern and its literal parts)."""
    first = next((i for i, p in enumerate(code.parts) if isinstance(p, str)), None)
    if first is None:
        return []
    (label, new), = _text(code.parts[first][:-1])  # keep the closing `#`
    part = new + code.parts[first][-1]
    parts = code.parts[:first] + (part,) + code.parts[first + 1:]
    out = [(f"code text {code.pattern!r}: {label}",
            {"parts": parts, "pattern": code.pattern.replace(code.parts[first], part, 1)})]
    if code.suffix:
        (label, new), = _text(code.suffix)
        out.append((f"code suffix {code.pattern!r}: {label}",
                    {"suffix": new, "pattern": code.pattern[: -len(code.suffix)] + new}))
    return out


def _keyword(cmd) -> list[tuple[str, dict]]:
    """An SMS command's keyword changed coherently (keyword, folded form, first part)."""
    if not cmd.keyword:
        return [("blank message -> 'X'", {"keyword": "X", "folded": "X", "pattern": "X",
                                           "parts": ("X",) + cmd.parts})]
    (label, new), = _text(cmd.keyword)
    folded = new.upper()
    parts = tuple(p.replace(cmd.keyword, new, 1) if isinstance(p, str) and i == 0 else p
                  for i, p in enumerate(cmd.parts))
    return [(f"keyword {cmd.keyword!r} -> {new!r}",
             {"keyword": new, "folded": folded, "pattern": cmd.pattern.replace(cmd.keyword, new, 1),
              "parts": parts})]


def _eligibility(e) -> list[tuple[str, dict]]:
    """Who may use it, widened by each segment it does not name."""
    if e.everybody:
        return []
    return [(f"+ segment {s!r}", {"segments": e.segments + (s,)}) for s in SEGMENTS
            if s not in e.segments]


def _digits(p) -> list[tuple[str, dict]]:
    """A fixed-length digits parameter (`<serial:digits 10>`), one digit longer or shorter."""
    if p.type != "digits" or p.min != p.max or p.min is None:
        return []
    return [(f"length {p.min} -> {n}", {"min": n, "max": n}) for n in (p.min + 1, p.min - 1)]


SEGMENTS: tuple[str, ...] = ()  # the operator's segments, set by `mutants`
def _vat(op) -> list[tuple[str, dict]]:
    """With a VAT rate: the rate one point either side, and included <-> excluded (without a
    rate the flag changes nothing a customer sees: no mutant)."""
    if op.vat_rate is None:
        return []
    r = op.vat_rate
    flag = "included" if op.vat_included else "excluded"
    other = "excluded" if op.vat_included else "included"
    return [(f"vat {r} % -> {r + 1} %", {"vat_rate": r + 1}),
            (f"vat {r} % -> {r - 1} %", {"vat_rate": r - 1}),
            (f"vat {flag} -> {other}", {"vat_included": not op.vat_included})]


WHOLE: dict[str, Callable] = {"ShortCode": _code_texts, "SmsCommand": _keyword,
                              "Eligibility": _eligibility, "SmsParam": _digits, "Operator": _vat}


def mutants(tariff: Tariff) -> list[Mutant]:
    """Every single-element mutant of the model, in model order."""
    global SEGMENTS
    SEGMENTS = tuple(s.id for s in tariff.segments)
    out: list[Mutant] = []

    def walk(obj, path: tuple, where: str) -> None:
        if isinstance(obj, tuple):
            for i, x in enumerate(obj):
                walk(x, path + (i,), where)
            return
        if not attrs.has(type(obj)):
            return
        name = type(obj).__name__
        where = _spanned(obj) or where
        for label, changes in WHOLE.get(name, lambda o: [])(obj):
            out.append(Mutant(f"{name}: {label}", where, obj, attrs.evolve(obj, **changes)))
        for a in attrs.fields(type(obj)):
            value = getattr(obj, a.name)
            mut = MUTATORS.get((name, a.name))
            if mut is not None:
                for label, new in mut(value):
                    out.append(Mutant(f"{name}.{a.name} {label}", where, obj,
                                      attrs.evolve(obj, **{a.name: new})))
            if a.name not in ("span", "notes", "about", "names", "title", "texts"):
                walk(value, path + (a.name,), where)

    walk(tariff, (), "")
    seen, unique = set(), []
    out = [m for m in out if not (type(m.new).__name__ == "SmsParam" and m.new.min is not None
                                  and m.new.max is not None and m.new.min > m.new.max)]
    for m in out:  # a copied element is one mutant, not one per copy
        key = (m.what, m.where, repr(m.new))
        if key not in seen:
            seen.add(key)
            unique.append(m)
    return unique


def apply(tariff: Tariff, m: Mutant) -> Tariff:
    """The tariff with every node equal to `m.old` replaced by `m.new`."""
    def put(obj):
        if isinstance(obj, tuple):
            items = tuple(put(x) for x in obj)
            return items if any(a is not b for a, b in zip(items, obj)) else obj
        if not attrs.has(type(obj)):
            return obj
        if type(obj) is type(m.old) and obj == m.old:
            return m.new
        changes = {}
        for a in attrs.fields(type(obj)):
            if a.name in ("span", "notes", "about", "names", "title"):
                continue
            v = getattr(obj, a.name)
            nv = put(v)
            if nv is not v:
                changes[a.name] = nv
        return attrs.evolve(obj, **changes) if changes else obj
    return put(tariff)


def _norm(name: str) -> str:
    return "".join(name.split()).lower()


def _containing(tariff: Tariff, node) -> list:
    """Every model node that has `node` as a direct field value."""
    out = []

    def walk(obj):
        if isinstance(obj, tuple):
            for x in obj:
                walk(x)
        elif attrs.has(type(obj)):
            for a in attrs.fields(type(obj)):
                v = getattr(obj, a.name)
                if v == node and type(v) is type(node):
                    out.append(obj)
                walk(v)
    walk(tariff)
    return out


def equivalent(tariff: Tariff, m: Mutant, base: dict, tables: dict) -> str | None:
    """Why no vector can kill `m` (None: it must be killed). Each reason is a fact of the
    model checked here, not a list of names."""
    field = m.what.split(" ", 1)[0]
    old, new = m.old, m.new
    local_time = (tariff.bills, tariff.families, tariff.billing_windows, tariff.passes,
                  tariff.notifications, tariff.time_bands,
                  [pl for pl in tariff.price_lists if pl.validity is not None])
    if field == "Operator.timezone" and not any(local_time):
        return "no bill, family group, billing window, pass, notification, time band or dated " \
               "price list reads the local time"
    texts = (tariff.codes, tariff.sms_commands, tariff.calls, tariff.web_channels,
             tariff.families, tariff.bills, tariff.notifications)
    if field == "Operator.languages" and not any(texts):
        return "no code, command, family group, bill or notification writes a text"
    if field == "Segment.plans":
        return "the checker has expanded a segment's plans into each family's plans (mutated there)"
    if tables == base:
        return "the compiled tables do not change"
    if field == "Network.mccmnc":
        gone = set(old.mccmnc) - set(new.mccmnc)
        if all(_norm(g) in {_norm(x) for x in new.shown_as} for g in gone):
            return "a shown name of the network is the same MCC-MNC"
    if field == "Network.not_numbers":
        gone = set(old.not_numbers) - set(new.not_numbers)
        if not any(g.startswith(n) for g in gone for n in old.numbers):
            return "no prefix of the network's numbers covers it, listed or not"
    if field == "Destination.names":
        rates = [r for r in _containing(tariff, old) if hasattr(r, "price")]
        if rates and all(r.service == "connection fee" and r.price is not None
                         and r.price.amount == 0 for r in rates):
            return "a zero connection fee charges what no connection fee charges"
    if field == "SmsParam.max" and old.type == "msisdn" and tariff.families:
        if min(old.max, new.max) >= tariff.families[0].max_members - 1:
            return "the group's size caps the count of numbers below both"
    if field in ("ShortCode.price", "ShortCode.roaming_price") and old is not None:
        price = getattr(old, field.split(".")[1])
        if price is not None and price.amount == 0:
            return "a code whose price is not stated charges nothing, as a free one"
    if field == "Family.exceptions":
        gone = set(old.exceptions) - set(new.exceptions)
        if not gone & set(old.excluded):
            return "promotions match by name and no excluded promotion has this name"
    if field == "Notifications.triggers":
        gone = set(old.triggers) - set(new.triggers)
        priced_calls = any(r.price is not None and "call" in r.service
                           for pl in tariff.price_lists for r in pl.rates)
        if gone <= {"call"} and not priced_calls:
            return "no call has a price, so no call changes the balance"
        if gone <= {"data pack"} and not tariff.passes:
            return "the operator declares no data pack"
    if field == "Price.amount" and old.per in (None, "sms", "use", "call") and \
            tariff.operator.rounding is not None:
        q = tariff.operator.rounding.quantum
        if old.amount.quantize(q) == new.amount.quantize(q):
            return f"a flat price that rounds to the same {q}"
    return None


# --- running -------------------------------------------------------------------------------

def load_vectors(operator: str, root: Path = Path("generated")) -> list[tuple[str, object]]:
    """(vector name, loaded scenario) for every vector of the operator."""
    from compiler.vectors import scenario_of
    from runtime import scenario as sc
    out = []
    for path in sorted((root / operator / "vectors").glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for vec in doc["vectors"]:
            out.append((f"{doc['kind']}/{vec['name']}", sc.load(scenario_of(vec))))
    return out


def fails(engine, scenario) -> bool:
    from runtime import scenario as sc
    try:
        return any(r.failed for r in sc.run(scenario, module=engine, explain=True))
    except Exception:  # a crash of the mutant engine is a detected change
        return True


@dataclass
class Report:
    operator: str
    total: int = 0
    killed: list[tuple[Mutant, str]] = field(default_factory=list)
    survivors: list[Mutant] = field(default_factory=list)
    invalid: list[tuple[Mutant, str]] = field(default_factory=list)
    equivalent: list[tuple[Mutant, str]] = field(default_factory=list)
    seconds: float = 0.0

    def text(self) -> str:
        n = len(self.killed) + len(self.survivors)
        lines = [f"{self.operator}: killed {len(self.killed)} of {n} mutants"
                 + (f" ({len(self.equivalent)} equivalent and {len(self.invalid)} invalid "
                    "not counted)" if self.equivalent or self.invalid else "")
                 + f" in {self.seconds:.1f} s"]
        for m in self.survivors:
            lines.append(f"  survived: {m.what}  ({m.where})")
        for m, why in self.equivalent:
            lines.append(f"  equivalent: {m.what}  ({m.where}): {why}")
        for m, why in self.invalid:
            lines.append(f"  invalid: {m.what}  ({m.where}): {why}")
        return "\n".join(lines)


def run(tariff: Tariff, vectors=None, sample: int | None = None, seed: int = 0,
        progress: Callable[[str], None] | None = None) -> Report:
    """Build and run every mutant (or a deterministic sample of `sample` mutants)."""
    from runtime.engine import Engine
    started = time.perf_counter()
    vectors = vectors if vectors is not None else load_vectors(tariff.id)
    ms = mutants(tariff)
    if sample is not None and sample < len(ms):
        ms = random.Random(seed).sample(ms, sample)
    report = Report(tariff.id, len(ms))
    order = list(range(len(vectors)))
    base = lower(tariff)
    for m in ms:
        try:
            tables = lower(apply(tariff, m))
            reason = equivalent(tariff, m, base, tables)
            if reason:
                report.equivalent.append((m, reason))
                continue
            engine = Engine(tables)
        except Exception as e:  # noqa: BLE001 - a mutant the compiler cannot build
            report.invalid.append((m, f"{type(e).__name__}: {e}"))
            continue
        for pos, i in enumerate(order):
            if fails(engine, vectors[i][1]):
                report.killed.append((m, vectors[i][0]))
                order.insert(0, order.pop(pos))
                break
        else:
            report.survivors.append(m)
            if progress:
                progress(f"survived: {m.what} ({m.where})")
    report.seconds = time.perf_counter() - started
    return report


def main(operators: list[str] | None = None, specs: str = "specs", out=print) -> int:
    """The `tariffc adequacy` command: 0 when every mutant is killed, 1 otherwise."""
    from compiler.check import check_paths
    result = check_paths([specs])
    if result.errors:
        for d in result.errors:
            out(str(d))
        return 2
    tariffs = {t.id: t for t in result.tariffs}
    unknown = [o for o in operators or [] if o not in tariffs]
    if unknown:
        out(f"tariffc adequacy: unknown operator {', '.join(unknown)} "
            f"(known: {', '.join(sorted(tariffs))})")
        return 2
    ok = True
    for op in operators or sorted(tariffs):
        report = run(tariffs[op])
        out(report.text())
        ok = ok and not report.survivors
    return 0 if ok else 1

