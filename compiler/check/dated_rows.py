"""Dated rows: one row of a price table in force on some days only, written in a `valid` column.

    roaming prices "Standard" {
      interval outgoing call 60/60
      | zone   | outgoing call | sms     | valid            |
      |--------|---------------|---------|------------------|
      | unit   | RSD/min       | RSD/sms |                  |
      | Zona 1 | 119,90        | 29,90   | until 2026-12-31 |
      | Zona 1 | 129,90        | 29,90   | from 2027-01-01  |
      | Zona 2 | 200           | 39,90   |                  |
    }

A blank `valid` cell is in force whenever the price list is. Such a block is cut, before it is
checked, into one block per period between the rows' dates (each dated as a whole, as
`compiler.check.versions` dates blocks), so the model, the runtime, the evaluator, the vectors
and `tariffc diff` see versions of one price list and need nothing of their own. Rows of the
same cell (a zone; a service and destination) must not be in force on the same day (T0904).
"""

from __future__ import annotations

from datetime import date, timedelta

from dsl import ast
from dsl.ast import Block, Cell, Row, Table
from compiler.check.context import Context
from compiler.check.reader import Args, parse_date
from compiler.model.versions import Validity, overlap

PRICE_LISTS = frozenset({"roaming prices", "network prices", "home prices"})


def _text(cell: Cell) -> str:
    return " ".join(a.text for a in cell.atoms)


def _valid_column(table: Table) -> int | None:
    header = table.rows[0].cells if table.rows else ()
    for k, cell in enumerate(header):
        if _text(cell) == "valid":
            return k
    return None


def _row_validity(ctx: Context, cell: Cell) -> Validity | None:
    """`from 2027-01-01`, `until 2026-12-31`, both, or blank (None: always)."""
    if not cell.atoms:
        return None
    a = Args(ctx, cell.atoms, cell.span)
    got: dict[str, date] = {}
    while a.more():
        word = a.accept("from", "until")
        if word is None:
            raise a.unexpected(a.peek(), "`from 2027-01-01` or `until 2026-12-31`")
        if word in got:
            raise ctx.fail("T0105", f"`{word}` is given twice in this cell", cell.span,
                           help="keep only one")
        atom = a.take(f"a date such as 2027-01-01 after `{word}`")
        if atom.kind not in (ast.DATE, ast.NUMBER):
            raise ctx.fail("T0217", f"`{atom.text}` is not a date", atom.span,
                           help="write a date as YYYY-MM-DD (2027-01-01) or DD.MM.YYYY (01.01.2027)")
        got[word] = parse_date(ctx, atom.text, atom.span)
    start, end = got.get("from"), got.get("until")
    if start is not None and end is not None and end < start:
        raise ctx.fail("T0902", f"`until {end.isoformat()}` is before `from {start.isoformat()}`",
                       cell.span, "an empty validity", help="swap the two dates, or correct one of them")
    return Validity(start, end, cell.span)


def _without(row: Row, k: int) -> Row:
    return Row(row.cells[:k] + row.cells[k + 1:], row.span)


def _cell_key(table: Table, row: Row) -> tuple[str, ...]:
    """What a row prices: its zone (zone tables) or its service and destination."""
    n = 1 if table.rows[0].cells and _text(table.rows[0].cells[0]) == "zone" else 2
    return tuple(_text(c) for c in row.cells[:n])


def _read(ctx: Context, table: Table, k: int):
    """(the rows that are not data rows, [(data row without the column, validity)])."""
    head_rows = 2 if _cell_key(table, table.rows[0]) == ("zone",) else 1
    fixed = [_without(r, k) for r in table.rows[:head_rows]]
    rows: list[tuple[Row, Validity | None]] = []
    seen: dict[tuple, list[tuple[Validity | None, Row]]] = {}
    for row in table.rows[head_rows:]:
        if len(row.cells) <= k:  # a short row: the table's own check reports it
            rows.append((row, None))
            continue
        got = ctx.guard(lambda c: (_row_validity(ctx, c),), row.cells[k])
        if got is None:  # reported: the row is left out
            continue
        v = got[0]
        key = _cell_key(table, row)
        clash = next((r for w, r in seen.get(key, ()) if overlap(w, v)), None)
        if clash is not None:
            ctx.error("T0904", f"two rows for `{' '.join(key)}` are in force on the same days",
                      row.cells[k].span, f"in force {v.text if v else 'always (blank)'}",
                      help="end the older row the day before the newer one starts "
                           "(`until ...`), or date both",
                      notes=[f"the other row is at line {clash.span.line}"])
            continue
        seen.setdefault(key, []).append((v, row))
        rows.append((_without(row, k), v))
    return fixed, rows


def _periods(validities, outer: Validity | None) -> list[tuple[date | None, date | None]]:
    """The ranges of days between every first day and every day after a last day."""
    cuts: set[date] = set()
    for v in list(validities) + ([outer] if outer else []):
        if v.start is not None:
            cuts.add(v.start)
        if v.end is not None:
            cuts.add(v.end + timedelta(days=1))
    edges = sorted(cuts)
    starts = [None] + edges
    ends = [e - timedelta(days=1) for e in edges] + [None]
    out = []
    for s, e in zip(starts, ends):
        if outer is not None:  # clip to the block's own validity
            if outer.start is not None and (s is None or s < outer.start):
                s = outer.start
            if outer.end is not None and (e is None or e > outer.end):
                e = outer.end
            if s is not None and e is not None and e < s:
                continue
        out.append((s, e))
    return out


def _covers(v: Validity | None, start: date | None) -> bool:
    if v is None:
        return True
    if start is None:
        return v.start is None
    return v.covers(start)


def expand(head: str, block: Block, ctx: Context, when):
    """[(block, when)]: the block itself, or one dated block per period of its dated rows."""
    if head not in PRICE_LISTS or not any(
            type(i) is Table and _valid_column(i) is not None for i in block.items):
        return [(block, when)]
    from compiler.check.versions import When
    read: dict[int, tuple] = {}
    for n, item in enumerate(block.items):
        if type(item) is Table and (k := _valid_column(item)) is not None:
            read[n] = (k, *_read(ctx, item, k))
    dated = [v for _, _, rows in read.values() for _, v in rows if v is not None]
    outer = when.validity if when else None
    band = when.band if when else None
    n, (k, _, _) = next(iter(read.items()))
    span = block.items[n].rows[0].cells[k].span  # the `valid` header: the versions' source
    out = []
    for start, end in _periods(dated, outer):
        items, data = [], 0
        for n, item in enumerate(block.items):
            if n not in read:
                items.append(item)
                continue
            _, fixed, rows = read[n]
            kept = [r for r, v in rows if _covers(v, start)]
            data += len(kept)
            items.append(Table(tuple(fixed + kept), item.span))
        if not data:  # no row in force then: no version of the list on those days
            continue
        validity = None if start is None and end is None else Validity(start, end, span)
        out.append((Block(block.keyword, block.args, tuple(items), block.span),
                    When(validity, band) if validity or band else None))
    if not out:  # every row left out (reported): the table without them
        items = [Table(tuple(read[n][1]), i.span) if n in read else i for n, i in enumerate(block.items)]
        out.append((Block(block.keyword, block.args, tuple(items), block.span), when))
    return out


__all__ = ["expand"]
