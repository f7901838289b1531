"""Checks the `time bands` block and the `band` line of a price list (compiler.model.timebands).

    time bands {
      band weekend holidays             // the first matching line wins
      band peak mon-fri 07:00-19:00
      band weekend sat-sun
      otherwise off-peak
      holidays 2027-01-01, 2027-01-07   // the spec's own list: no country's calendar is assumed
      crossing split                    // or: crossing start
    }

    home prices "Vršni sat" {
      band peak
      ...
    }

Days are `mon` ... `sun`, ranges such as `mon-fri` (or `fri-mon`), `holidays` and `daily`.
"""

from __future__ import annotations

from dsl import ast
from dsl.ast import Block, Span, Stmt
from dsl.diagnostics import did_you_mean
from compiler.check.context import Context, walk
from compiler.check.reader import Args, parse_date, time_of_day
from compiler.model.timebands import CROSSINGS, WEEKDAYS, BandRule, TimeBands

PRICE_LISTS = ("roaming prices", "network prices", "home prices")
DAY_WORDS = WEEKDAYS + ("holidays", "daily")


def _bands_used(ctx: Context) -> list:
    """(price list name, band, span of its `band` line) for every banded price list."""
    return ctx.state("timebands.used", list)


def split_band(head: str, block: Block, ctx: Context) -> tuple[Block, str | None]:
    """A price list without its `band` line, and the band it names (None: every band)."""
    if head not in PRICE_LISTS:
        return block, None
    found = [i for i in block.items if type(i) is Stmt and i.keyword.text == "band"]
    if not found:
        return block, None
    rest = Block(block.keyword, block.args, tuple(i for i in block.items if i not in found),
                 block.span)
    for extra in found[1:]:
        ctx.error("T0105", "`band` is given twice in this block", extra.keyword.span,
                  "given again here", help="keep only one: a price list prices one band",
                  notes=[f"first given at line {found[0].span.line}"])

    def read(s: Stmt) -> str:
        a = Args(ctx, s.args, s.keyword.span)
        name = a.word(what="a band name such as `peak`")
        a.end()
        return name

    band = ctx.guard(read, found[0])
    if band is not None:
        name = block.args[0].value if block.args else ""
        _bands_used(ctx).append((name, band, found[0].args[0].span))
    return rest, band


def _days(ctx: Context, a: Args) -> tuple[str, ...]:
    days: list[str] = []
    while True:
        atom = a.take("days such as `mon-fri`, `sat, sun` or `holidays`")
        if atom.kind != ast.WORD:
            raise a.unexpected(atom, "days such as `mon-fri`")
        first, _, last = atom.text.partition("-")
        for word in (first, last) if last else (first,):
            if word not in DAY_WORDS or (last and word in ("holidays", "daily")):
                raise ctx.fail("T0911", f"`{atom.text}` is not a day or a range of days",
                               atom.span, "not understood",
                               help=did_you_mean(word, DAY_WORDS, "days")
                               or "write `mon`...`sun`, a range `mon-fri`, `holidays` or `daily`")
        if first == "daily":
            days.extend(WEEKDAYS)
        elif first == "holidays":
            days.append("holidays")
        elif last:
            i, j = WEEKDAYS.index(first), WEEKDAYS.index(last)
            days.extend(WEEKDAYS[(i + k) % 7] for k in range((j - i) % 7 + 1))
        else:
            days.append(first)
        if not a.comma():
            return tuple(dict.fromkeys(days))


def build_time_bands(block: Block, ctx: Context) -> None:
    rules: list[BandRule] = []
    f: dict = {"otherwise": None, "holidays": [], "crossing": "start"}

    def band(s: Stmt) -> None:
        a = Args(ctx, s.args, s.keyword.span)
        name = a.word(what="a band name such as `peak`")
        days = _days(ctx, a)
        start = end = None
        if a.more():
            start = time_of_day(ctx, a.take("a time such as 07:00"))
            a.word_or_punct("-")
            end = time_of_day(ctx, a.take("a time such as 19:00"))
            if start == end:
                raise ctx.fail("T0912", f"band `{name}` starts and ends at "
                               f"{start[0]:02d}:{start[1]:02d}", s.args[-1].span,
                               "an empty time range", help="leave the times out for the whole "
                               "day, or give the hour it ends")
        a.end()
        rules.append(BandRule(name, days, start, end, s.span))

    def otherwise(s: Stmt) -> None:
        a = Args(ctx, s.args, s.keyword.span)
        f["otherwise"] = a.word(what="a band name such as `off-peak`")
        a.end()

    def holidays(s: Stmt) -> None:
        a = Args(ctx, s.args, s.keyword.span)
        while True:
            atom = a.take("a date such as 2027-01-01")
            f["holidays"].append(parse_date(ctx, atom.text, atom.span))
            if not a.comma():
                break
        a.end()

    def crossing(s: Stmt) -> None:
        a = Args(ctx, s.args, s.keyword.span)
        f["crossing"] = a.word(*CROSSINGS, what="a crossing rule (`start` or `split`)")
        a.end()

    walk(ctx, block, "time bands", {"band": band, "otherwise": otherwise, "holidays": holidays,
                                    "crossing": crossing},
         once={"otherwise", "crossing", "holidays"}, required=("otherwise",))
    if f["otherwise"] is None:
        return
    ctx.out["time_bands"].append(TimeBands(tuple(rules), f["otherwise"],
                                           tuple(sorted(set(f["holidays"]))), f["crossing"],
                                           block.span))


def declare_time_bands(block: Block, ctx: Context) -> None:
    if block.args:
        ctx.error("T0914", "`time bands` takes no name", block.args[0].span, "not expected",
                  help="write `time bands {`: an operator has one set of bands")
    first = ctx.state("timebands.block", dict).setdefault("span", block.keyword.span)
    if first is not block.keyword.span:
        ctx.error("T0102", "a second `time bands` block", block.keyword.span,
                  "declared again here", help="an operator has one `time bands` block",
                  notes=[f"first one at {first.file}:{first.line}"])


def _check_bands(ctx: Context) -> None:
    """Every `band` of a price list names a declared band (T0913)."""
    bands = ctx.out["time_bands"]
    names = bands[0].names if bands else ()
    for price_list, band, span in _bands_used(ctx):
        if band not in names:
            ctx.error("T0913", f"price list `{price_list}` names band `{band}`, which is not "
                               "declared", span, "not a band of `time bands`",
                      help=did_you_mean(band, names, "bands") if names else
                      "declare the bands in a `time bands { ... }` block")


HANDLERS = {"time bands": (declare_time_bands, build_time_bands)}
CHECKS = [_check_bands]
