"""Checks `zone`, `network`, `roaming prices`, `network prices` and `home prices` blocks.

A roaming zone table reads like the operator's own: a header row of services, a `unit` row
(`RSD/min`, `RSD/5 KB`), then one row per zone, `-` where a service is not available.
Network and home price lists are rows of `service | to | price`.
"""

from __future__ import annotations

import re
from decimal import Decimal

from dsl import ast
from dsl.ast import Block, Cell, Row, Span, Table
from dsl.diagnostics import DiagnosticError, did_you_mean
from compiler.check import services
from compiler.check.context import NETWORK, PRICE_LIST, ZONE, Context, article, walk
from compiler.check.operator import country_code
from compiler.check.reader import Args, parse_number
from compiler.check.units import DATA_UNITS, PER_UNITS, looks_like_currency
from compiler.model.common import Interval, Price, Texts
from compiler.model.rating import (METERED, SERVICES, Destination, Network,
                                   PriceList, Rate, Zone)

_PERUNIT = re.compile(r"(\S+)/(?:(\d+)\s*)?(\S+)")
_MCCMNC = re.compile(r"\d{3} \d{2,3}")
_PER_CANON = PER_UNITS


def _members(ctx: Context) -> dict:
    """Per operator: (what, value) -> (zone, span) for the countries, MCCs and networks zones
    claim, and ("row", zone) for each zone a zone table has a row for."""
    return ctx.state("rating.members", dict)


# -- shared readers (the passes module uses them too) -----------------------------------------

def read_service(ctx: Context, args: Args) -> tuple[str, Span]:
    """`outgoing call`, `sms`, `connection fee`..., or a service the operator declares
    (`"Fixed"`, `voicemail`): T0402 otherwise."""
    a = args.take("a service such as `outgoing call`")
    found = services.resolve_name(ctx, args.atoms, args.i - 1)
    if found is not None:
        name, used = found
        args.i += used - 1
        return name, a.span.to(args.atoms[args.i - 1].span)
    if a.kind != ast.WORD:
        raise args.unexpected(a, "a service such as `outgoing call`")
    nxt = args.peek_word()
    if nxt and f"{a.text} {nxt}" in SERVICES:
        b = args.take("")
        return f"{a.text} {nxt}", a.span.to(b.span)
    if a.text in SERVICES:
        return a.text, a.span
    name, span = a.text, a.span
    if nxt and nxt not in ("to", "first", "next", "full"):
        name, span = f"{a.text} {nxt}", a.span.to(args.peek().span)
    raise services.unknown(ctx, name, span)


def read_destination(ctx: Context, args: Args) -> Destination:
    """`networks "A", "B"`, `countries RS, ME`, `numbers +381800`, `other countries` or `any`."""
    start = args.peek()
    kind = args.word("networks", "network", "countries", "country", "other", "any", "numbers",
                     what="a destination (`networks`, `countries`, `other countries`, `numbers` or `any`)")
    names: list[str] = []
    if kind == "numbers":  # `numbers +381800, +381900`: by the longest prefix of the party
        while True:
            atom = args.prefix("+381800")
            names.append(atom.text)
            if not args.comma():
                break
    elif kind in ("networks", "network"):
        kind = "networks"
        for name, span in args.names("a network name"):
            ctx.resolve(NETWORK, name, span)
            names.append(name)
    elif kind in ("countries", "country"):
        kind = "countries"
        while True:
            names.append(country_code(ctx, args.take("a country code such as RS")))
            if not args.comma():
                break
    elif kind == "other":
        args.words("countries")
        kind = "other countries"
    end = args.atoms[args.i - 1].span
    return Destination(kind, tuple(names), start.span.to(end))


def _interval_stmt(ctx: Context, s, intervals: dict[str, Interval], spans: dict[str, Span]) -> None:
    """`interval outgoing call 60/60`, `interval data 5 KB + 100 KB`."""
    a = Args(ctx, s.args, s.keyword.span)
    service, span = read_service(ctx, a)
    if services.dimension(ctx, service) is None:
        raise ctx.fail("T0411", f"`{service}` has no charging interval", span,
                       "charged per event, not by time or volume",
                       help="remove this line; intervals apply to calls, mms and data")
    interval = a.interval(services.dimension(ctx, service))
    a.end()
    if service in intervals:
        raise ctx.fail("T0105", f"the interval of `{service}` is given twice", span, "given again here",
                       help="keep only one", notes=[f"first given at line {spans[service].line}"])
    intervals[service] = interval
    spans[service] = span


def _cells(ctx: Context, row: Row, header: Row, columns: str) -> bool:
    """Report T0401 unless the row has as many cells as the header."""
    if len(row.cells) == len(header.cells):
        return True
    n, m = len(row.cells), len(header.cells)
    ctx.error("T0401", f"this row has {n} cell{'s' * (n != 1)}, the table has {m} columns", row.span,
              f"expected {m} cells", help=f"give one cell per column ({columns}); write `-` where a "
                                         "service is not available")
    return False


def _missing_interval(ctx: Context, service: str, span: Span, per: str, reported: set[str]) -> None:
    if service in reported:
        return
    reported.add(service)
    example = "5 KB + 100 KB" if services.dimension(ctx, service) == "data" else "60/60"
    ctx.error("T0407", f"`{service}` is priced per {per} but this price list has no interval for it",
              span, "no charging interval", help=f"add `interval {service} {example}` to the block")


# -- zones and networks -------------------------------------------------------------------------

def declare_named(kind: str, what: str):
    def declare(block: Block, ctx: Context) -> None:
        a = Args(ctx, block.args, block.keyword.span)
        name, span = a.name(f"the {what}'s name in double quotes")
        a.end()
        ctx.declare(kind, name, span)
    return declare


def _claim(ctx: Context, what: str, value: str, zone: str, span: Span) -> None:
    """A country, MCC or network belongs to one zone only (T0403)."""
    claimed = _members(ctx)
    first = claimed.setdefault((what, value), (zone, span))
    if first[0] != zone:
        ctx.error("T0403", f"{what} `{value}` is in two zones, `{first[0]}` and `{zone}`", span,
                  f"already in `{first[0]}`", help=f"keep `{value}` in one zone only",
                  notes=[f"first listed at {first[1].file}:{first[1].line}"])


def build_zone(block: Block, ctx: Context) -> None:
    name = Args(ctx, block.args, block.keyword.span).name()[0]
    f: dict = {"names": Texts(), "countries": [], "illustrative countries": [], "mcc": [],
               "illustrative mcc": [], "networks": [], "notes": []}

    def countries(key: str, a: Args) -> None:
        while True:
            atom = a.take("a country code such as ME")
            code = country_code(ctx, atom)
            _claim(ctx, "country", code, name, atom.span)
            f[key].append(code)
            if not a.comma():
                break

    def mcc(key: str, a: Args) -> None:
        while True:
            atom = a.take("a mobile country code such as 901")
            if not re.fullmatch(r"\d{3}", atom.text):
                raise ctx.fail("T0409", f"`{atom.text}` is not a mobile country code", atom.span,
                               "an MCC is three digits", help="write it as `901`")
            _claim(ctx, "MCC", atom.text, name, atom.span)
            f[key].append(atom.text)
            if not a.comma():
                break

    def members(key: str):
        def handle(s) -> None:
            a = Args(ctx, s.args, s.keyword.span)
            if key == "illustrative":
                sub = a.word("countries", "mcc", what="`countries` or `mcc`")
                (countries if sub == "countries" else mcc)(f"illustrative {sub}", a)
            else:
                (countries if key == "countries" else mcc)(key, a)
            a.end()
        return handle

    def network(s) -> None:
        a = Args(ctx, s.args, s.keyword.span)
        for net, span in a.names("a network name"):
            if ctx.resolve(NETWORK, net, span):
                _claim(ctx, "network", net, name, span)
                f["networks"].append(net)
        a.end()

    walk(ctx, block, "zone", {
        "name": lambda s: f.__setitem__("names", Args(ctx, s.args, s.keyword.span).texts()),
        "countries": members("countries"), "mcc": members("mcc"),
        "illustrative": members("illustrative"), "network": network, "networks": network,
        "note": lambda s: f["notes"].append(Args(ctx, s.args, s.keyword.span).note()),
    }, once={"name"})
    if not any(f[k] for k in ("countries", "illustrative countries", "mcc", "illustrative mcc", "networks")):
        ctx.warning("T0414", f"zone `{name}` has no members", block.args[0].span,
                    "no countries, MCCs or networks",
                    help="add `countries ...`, `mcc ...` or `network \"...\"` to the zone")
    ctx.out["zones"].append(Zone(
        name, f["names"], tuple(f["countries"]), tuple(f["illustrative countries"]), tuple(f["mcc"]),
        tuple(f["illustrative mcc"]), tuple(f["networks"]), tuple(f["notes"]), block.span))


def build_network(block: Block, ctx: Context) -> None:
    name = Args(ctx, block.args, block.keyword.span).name()[0]
    f: dict = {"mccmnc": [], "shown": [], "numbers": [], "not numbers": [], "illustrative numbers": [],
               "notes": [], "spans": {}}

    def country(s) -> None:
        a = Args(ctx, s.args, s.keyword.span)
        f["country"] = country_code(ctx, a.take("a country code such as ME"))
        a.end()

    def mccmnc(s) -> None:
        a = Args(ctx, s.args, s.keyword.span)
        while True:
            atom = a.take('an MCC-MNC such as "297 01"')
            if not _MCCMNC.fullmatch(atom.value):
                raise ctx.fail("T0409", f"`{atom.text}` is not an MCC-MNC", atom.span,
                               "three digits, a space, two or three digits",
                               help=f'write it as "{atom.value[:3]} {atom.value[3:].strip()}"'
                               if re.fullmatch(r"\d{5,6}", atom.value) else 'write it as "297 01"')
            f["mccmnc"].append(atom.value)
            if not a.comma():
                break

    def shown(s) -> None:
        a = Args(ctx, s.args, s.keyword.span)
        a.words("as")
        while True:
            f["shown"].append(a.string("a name the phone shows, in double quotes"))
            if not a.comma():
                break

    def prefixes(key: str, a: Args) -> None:
        while True:
            atom = a.prefix("+38263")
            f[key].append(atom.text)
            f["spans"].setdefault(atom.text, atom.span)
            if not a.comma():
                break

    def numbers(s) -> None:
        prefixes("numbers", a := Args(ctx, s.args, s.keyword.span))
        a.end()

    def not_numbers(s) -> None:
        a = Args(ctx, s.args, s.keyword.span)
        a.words("numbers")
        prefixes("not numbers", a)
        a.end()

    def illustrative(s) -> None:
        a = Args(ctx, s.args, s.keyword.span)
        a.words("numbers")
        prefixes("illustrative numbers", a)
        a.end()

    walk(ctx, block, "network", {
        "country": country, "mccmnc": mccmnc, "shown": shown, "numbers": numbers,
        "not": not_numbers, "illustrative": illustrative,
        "note": lambda s: f["notes"].append(Args(ctx, s.args, s.keyword.span).note()),
    }, once={"country"}, required=("country",))
    both = [p for p in f["not numbers"] if p in f["numbers"] or p in f["illustrative numbers"]]
    for p in both:
        ctx.error("T0408", f"prefix `{p}` is both in `numbers` and in `not numbers`",
                  f["spans"][p], "listed as a number of this network",
                  help=f"remove `{p}` from one of the two lists")
    if "country" not in f:
        return
    ctx.out["networks"].append(Network(
        name, f["country"], tuple(f["mccmnc"]), tuple(f["shown"]), tuple(f["numbers"]),
        tuple(f["not numbers"]), tuple(f["illustrative numbers"]), tuple(f["notes"]), block.span))


# -- price lists ------------------------------------------------------------------------------

def _list_block(kind: str, what: str):
    """The build function of a price-list block: statements, then its tables."""
    def build(block: Block, ctx: Context) -> None:
        name = Args(ctx, block.args, block.keyword.span).name()[0]
        f: dict = {"names": Texts(), "notes": [], "network": None, "tables": []}
        intervals: dict[str, Interval] = {}
        spans: dict[str, Span] = {}

        def on(s) -> None:
            a = Args(ctx, s.args, s.keyword.span)
            a.words("network")
            net, span = a.name("a network name")
            a.end()
            if ctx.resolve(NETWORK, net, span):
                f["network"] = net

        stmts = {
            "name": lambda s: f.__setitem__("names", Args(ctx, s.args, s.keyword.span).texts()),
            "interval": lambda s: _interval_stmt(ctx, s, intervals, spans),
            "note": lambda s: f["notes"].append(Args(ctx, s.args, s.keyword.span).note()),
        }
        if kind == "network":
            stmts["on"] = on
        walk(ctx, block, what, stmts, table=f["tables"].append, once={"name", "on"},
             required=("on",) if kind == "network" else ())
        rates: list[Rate] = []
        columns: tuple[str, ...] = ()
        for table in f["tables"]:
            if kind == "zones":
                got = ctx.guard(_zone_table, ctx, table, intervals, rates)
                if not got:  # reported; references to its zones are not checked further
                    _members(ctx)[("broken", "")] = (name, table.span)
                columns = got or columns
            else:
                ctx.guard(_row_table, ctx, table, intervals, rates)
        if kind == "network" and f["network"] is None:
            return
        ctx.out["price_lists"].append(PriceList(
            name, f["names"], kind, f["network"], tuple(intervals.items()), tuple(rates), columns,
            tuple(f["notes"]), block.span))
    return build


def _column(ctx: Context, cell: Cell, intervals: dict[str, Interval]) -> tuple[str, str, str | None, int | None]:
    """A zone table header cell: (label, service, data part "first"/"next"/None, size in KB)."""
    a = Args(ctx, cell.atoms, cell.span)
    if len(cell.atoms) >= 2 and cell.atoms[0].text == "data" and cell.atoms[1].text in ("first", "next"):
        a.i = 2
        part = cell.atoms[1].text
        q = a.quantity_atom("a block size such as `5 KB`")
        a.end()
        if q.unit not in DATA_UNITS or q.per_unit:
            raise ctx.fail("T0205", f"expected an amount of data, found `{q.text}`", q.span,
                           help="use KB, e.g. `data first 5 KB`")
        size = parse_number(ctx, q.number, q.span) * DATA_UNITS[q.unit]
        interval = intervals.get("data")
        expected = None if interval is None else (interval.first if part == "first" else interval.next)
        if expected is not None and size != expected:
            raise ctx.fail("T0406", f"the column `data {part} {q.text}` does not match the data "
                           f"interval `{interval.notation}` ({part} block: {expected} KB)", q.span,
                           "does not match the interval",
                           help=f"write `data {part} {expected} KB`, or correct the data interval")
        return f"data {part} {q.text}", "data", part, int(size)
    service, _ = read_service(ctx, a)
    a.end()
    return service, service, None, None


def _unit(ctx: Context, cell: Cell, service: str, size: int | None) -> tuple[str, str, int, Decimal]:
    """A `unit` row cell such as `RSD/min`, `RSD/5 KB` or `p/min`: (currency, per,
    per_amount, how much of the currency one of the cells' numbers is)."""
    atom = cell.atoms[0] if len(cell.atoms) == 1 else None
    m = _PERUNIT.fullmatch(atom.text) if atom is not None and atom.kind in ("PERUNIT", ast.QUANTITY) else None
    if m is None:
        raise ctx.fail("T0405", f"the unit of `{service}` is missing or malformed", cell.span,
                       "expected a unit such as RSD/min", help=f"write `{ctx.currency or 'RSD'}/"
                       f"{services.per_units(ctx, service)[0] if size is None else f'{size} KB'}`")
    money = ctx.units.money_of(m[1])
    if money is None:
        if looks_like_currency(m[1]):
            raise ctx.fail("T0802", f"`{m[1]}` is not an ISO 4217 currency code", atom.span,
                           "unknown currency", help=did_you_mean(m[1], [ctx.currency] if ctx.currency else [], "currencies")
                           or f"write `{ctx.currency or 'EUR'}/{m[3]}`")
        raise ctx.fail("T0405", f"the unit of `{service}` is missing or malformed", atom.span,
                       f"`{m[1]}` is not a currency", help=f"write `{ctx.currency or 'RSD'}/{m[3]}`")
    currency, per_number, per = money.currency, int(m[2] or 1), _PER_CANON.get(m[3], m[3])
    if ctx.currency and currency != ctx.currency:
        raise ctx.fail("T0212", f"price in {currency}, but this operator's currency is {ctx.currency}",
                       atom.span, f"{currency} is not {ctx.currency}",
                       help=f"write `{ctx.currency}/{m[2] + ' ' if m[2] else ''}{m[3]}`")
    if per not in services.per_units(ctx, service):
        raise ctx.fail("T0405", f"`{service}` cannot be priced per {per}", atom.span, "wrong unit",
                       help=f"write `{currency}/" + f"` or `{currency}/".join(services.per_units(ctx, service)) + "`")
    if size is not None and per_number * DATA_UNITS[per] != size:
        raise ctx.fail("T0406", f"the unit `{atom.text}` does not match the column's {size} KB block",
                       atom.span, "different block size", help=f"write `{currency}/{size} KB`")
    return currency, per, per_number, money.factor


def _zone_table(ctx: Context, table: Table, intervals: dict[str, Interval], rates: list[Rate]) -> tuple[str, ...]:
    header = table.rows[0]
    for row in table.rows[1:]:  # the zones it has rows for, even if the table is broken
        if row.cells and [a.text for a in row.cells[0].atoms] != ["unit"]:
            try:
                zone, zspan = _cell_name(ctx, row.cells[0])
                _members(ctx)[("row", zone)] = (zone, zspan)
            except DiagnosticError:
                pass
    first = header.cells[0].atoms if header.cells else ()
    if len(first) != 1 or first[0].text != "zone":
        raise ctx.fail("T0412", "a zone table starts with a `zone` column", header.cells[0].span if header.cells else header.span,
                       "expected `zone`", help="write the header as `| zone | outgoing call | ... |`")
    cols = [ctx.guard(_column, ctx, c, intervals) for c in header.cells[1:]]
    if None in cols:
        return ()
    labels = ", ".join(["zone"] + [c[0] for c in cols])
    seen: dict[str, Span] = {}
    for (label, service, part, _), cell in zip(cols, header.cells[1:]):
        key = f"data {part}" if part else service
        if key in seen or (part is None and service == "data" and ("data first" in seen or "data next" in seen)):
            raise ctx.fail("T0412", f"the column `{label}` is given twice", cell.span, "a second column",
                           help="give each service one column")
        seen[key] = cell.span
    parts = {c[2] for c in cols if c[2]}
    if len(parts) == 1:
        missing = {"first", "next"} - parts
        raise ctx.fail("T0412", f"the table has a `data {parts.pop()}` column but no `data {missing.pop()}` column",
                       header.span, help="data is priced in two columns, `data first 5 KB` and `data next 100 KB`")
    if len(table.rows) < 2 or [a.text for a in table.rows[1].cells[0].atoms] != ["unit"]:
        at = table.rows[1].span if len(table.rows) > 1 else header.span
        raise ctx.fail("T0405", "the zone table has no `unit` row", at, "expected `| unit | ... |` here",
                       help=f"add a row `| unit | {ctx.currency or 'RSD'}/min | ... |` under the header")
    unit_row = table.rows[1]
    if not _cells(ctx, unit_row, header, labels):
        return ()
    units = [ctx.guard(_unit, ctx, cell, col[1], col[3]) for col, cell in zip(cols, unit_row.cells[1:])]
    if None in units:
        return ()
    reported: set[str] = set()
    rows: dict[str, Span] = {}
    for row in table.rows[2:]:
        if not _cells(ctx, row, header, labels):
            _members(ctx)[("broken", "")] = ("", row.span)
            continue
        zone, zspan = _cell_name(ctx, row.cells[0])
        if zone in rows:
            ctx.error("T0410", f"zone `{zone}` has two rows in this table", zspan, "a second row",
                      help="keep one row per zone", notes=[f"first row at line {rows[zone].line}"])
            continue
        rows[zone] = zspan
        if not ctx.resolve(ZONE, zone, zspan):
            continue
        prices = {}
        for col, unit, cell in zip(cols, units, row.cells[1:]):
            prices[col[2] or col[1]] = (ctx.guard(_cell_price, ctx, cell, unit), cell.span)
        first = prices.pop("first", None)
        nxt = prices.pop("next", None)
        if nxt is not None:
            prices["data"] = nxt
        for (label, service, part, size), cell in zip(cols, header.cells[1:]):
            if part == "first":
                continue
            price, span = prices[service]
            interval = intervals.get(service) if price is not None and price.per in METERED else None
            first_price = None
            if part == "next" and first is not None:
                first_price = first[0]
                if price is None and first_price is not None:
                    ctx.error("T0415", f"`{zone}` prices the first data block but not the next ones",
                              span, "`-` here", help="give the next blocks a price, or write `-` in both")
                elif price is not None and first_price is None and interval is not None:
                    interval = Interval(interval.next, interval.next, "KB",
                                        f"{interval.next} KB + {interval.next} KB", interval.span)
            if price is not None and price.amount > 0 and price.per in METERED and intervals.get(service) is None:
                _missing_interval(ctx, service, cell.span, price.per, reported)
            rates.append(Rate(service, zone, None, price, first_price, interval, None, span))
    return tuple(c[0] for c in cols)


def _cell_name(ctx: Context, cell: Cell) -> tuple[str, Span]:
    """A zone table's first cell: a quoted name, or the words as written (commas included)."""
    atoms = cell.atoms
    if len(atoms) == 1 and atoms[0].kind == ast.STRING:
        return atoms[0].value, atoms[0].span
    if not atoms or any(a.kind not in (ast.WORD, ast.NUMBER, ast.COMMA) for a in atoms):
        a = Args(ctx, atoms, cell.span)
        raise a.unexpected(next(x for x in atoms if x.kind not in (ast.WORD, ast.NUMBER, ast.COMMA)),
                           "a zone name") if atoms else a.take("a zone name")
    text = "".join(("" if a.kind == ast.COMMA or i == 0 else " ") + a.text for i, a in enumerate(atoms))
    return text, atoms[0].span.to(atoms[-1].span)


def _cell_price(ctx: Context, cell: Cell, unit: tuple[str, str, int]) -> Price | None:
    """A zone table cell: a number in the column's unit, or `-`."""
    atoms = cell.atoms
    if len(atoms) == 1 and atoms[0].kind == ast.DASH:
        return None
    if len(atoms) != 1 or atoms[0].kind != ast.NUMBER:
        a = Args(ctx, atoms, cell.span)
        raise a.unexpected(atoms[0], "a price (a number, the unit row gives its unit) or `-`") if atoms \
            else a.take("a price or `-`")
    currency, per, per_amount, factor = unit  # factor: 0.01 in a `p/min` column
    return Price(parse_number(ctx, atoms[0].text, atoms[0].span) * factor, currency, per, per_amount)


def _row_table(ctx: Context, table: Table, intervals: dict[str, Interval], rates: list[Rate]) -> None:
    """`| service | to | price |` rows of a network or home price list."""
    header = table.rows[0]
    if [" ".join(a.text for a in c.atoms) for c in header.cells] != ["service", "to", "price"]:
        raise ctx.fail("T0412", "a price list table has the columns `service | to | price`", header.span,
                       "unexpected header", help="write the header as `| service | to | price |`")
    reported: set[str] = set()
    seen: dict[tuple, Span] = {}
    for row in table.rows[1:]:
        if not _cells(ctx, row, header, "service, to, price"):
            continue
        rate = ctx.guard(_row_rate, ctx, row, intervals, reported)
        if rate is None:
            continue
        flat = rate.price is not None and rate.price.per not in METERED
        key = (rate.service, rate.destination.kind, frozenset(rate.destination.names), flat)
        if key in seen:
            ctx.error("T0410", f"a second price for `{rate.service}` to the same destination", row.span,
                      "priced twice", help="keep one row, or make the destinations differ",
                      notes=[f"first priced at line {seen[key].line}"])
            continue
        seen[key] = row.span
        rates.append(rate)


def _row_rate(ctx: Context, row: Row, intervals: dict[str, Interval], reported: set[str]) -> Rate:
    scell, tcell, pcell = row.cells
    a = Args(ctx, scell.atoms, scell.span)
    service, _ = read_service(ctx, a)
    a.end()
    a = Args(ctx, tcell.atoms, tcell.span)
    destination = read_destination(ctx, a)
    a.end()
    a = Args(ctx, pcell.atoms, pcell.span)
    if a.accept("zone"):
        zone, span = a.name("a zone name")
        a.end()
        ctx.resolve(ZONE, zone, span)
        ctx.later.append(lambda: _check_via_zone(ctx, service, zone, span))
        return Rate(service, None, destination, None, None, None, zone, row.span)
    price = a.money(per=services.per_units(ctx, service))
    a.end()
    interval = intervals.get(service) if price.per in METERED else None
    if price.per in METERED and interval is None and price.amount > 0:
        _missing_interval(ctx, service, pcell.span, price.per, reported)
    return Rate(service, None, destination, price, None, interval, None, row.span)


# -- cross-checks ------------------------------------------------------------------------------

def _zone_prices(ctx: Context) -> set[tuple[str, str]]:
    """(zone, service) priced by some roaming zone table (computed once, after every build)."""
    def index() -> set[tuple[str, str]]:
        return {(r.zone, r.service) for pl in ctx.out["price_lists"] if pl.kind == "zones"
                for r in pl.rates if r.price is not None}
    return ctx.state("rating.zone_prices", index)


def _check_via_zone(ctx: Context, service: str, zone: str, span: Span) -> None:
    """`zone "Zona Region"` needs that zone's price for the service in a roaming zone table."""
    if zone not in ctx.names.get(ZONE, {}) or ("broken", "") in _members(ctx):
        return  # unknown zone, or a zone table with mistakes: already reported
    if (zone, service) in _zone_prices(ctx):
        return
    ctx.error("T0413", f"zone `{zone}` has no `{service}` price in a roaming price list", span,
              "nothing to charge", help=f"give `{zone}` {article(service)} `{service}` price in `roaming prices`, "
                                        "or write a price here")


def _check_zones_priced(ctx: Context) -> None:
    """Every zone has prices: a row of a zone table, or a network with its own price list."""
    lists = ctx.out["price_lists"]
    rated = {v for (what, v) in _members(ctx) if what == "row"}
    networked = {pl.network for pl in lists if pl.kind == "network"}
    for z in ctx.out["zones"]:
        if z.name not in rated and not networked.intersection(z.networks):
            ctx.error("T0404", f"zone `{z.name}` has no prices", z.span, "not priced anywhere",
                      help=f"add a `{z.name}` row to a `roaming prices` table, or `network prices` "
                           "for one of its networks")


HANDLERS = {
    "zone": (declare_named(ZONE, "zone"), build_zone),
    "network": (declare_named(NETWORK, "network"), build_network),
    "roaming prices": (declare_named(PRICE_LIST, "price list"), _list_block("zones", "roaming prices")),
    "network prices": (declare_named(PRICE_LIST, "price list"), _list_block("network", "network prices")),
    "home prices": (declare_named(PRICE_LIST, "price list"), _list_block("home", "home prices")),
}

CHECKS = [_check_zones_priced]
