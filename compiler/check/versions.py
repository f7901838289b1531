"""Checks effective dates: `valid from 2027-01-01` / `until 2027-06-30` in a dated block.

A price list (`roaming prices`, `network prices`, `home prices`) or a pass (`pass`, and every
pass of a `passes` table) may say when it is in force:

    roaming prices "Standardna roming tarifa" {
      valid from 2027-01-01          // or: until 2026-12-31, or both on one line
      ...
    }

Dates are the operator's days (`compiler.model.versions`), written `2027-01-01` or as the
seeds write them, `01.01.2027`. Two blocks with the same name are versions of one item: the
second declaration of a dated item is not T0102, but their validities must not overlap
(T0903). The validity lines are taken out of the block before its own checks run, so every
block's build stays as it was; the model objects the build adds get the validity.
"""

from __future__ import annotations

import attrs

from dsl import ast
from dsl.ast import Block, Span, Stmt
from compiler.check import timebands
from compiler.check.context import Context
from compiler.check.reader import Args, parse_date
from compiler.model.versions import Validity, overlap

# The heads whose model objects carry a validity, and the `ctx.out` list they go to.
DATED = {"roaming prices": "price_lists", "network prices": "price_lists",
         "home prices": "price_lists", "pass": "passes", "passes": "passes",
         "code": "codes", "sms": "sms_commands"}


_WHEN_WORDS = frozenset({"valid", "until", "band"})


def _is_validity(item) -> bool:
    if type(item) is not Stmt:
        return False
    kw = item.keyword.text
    return kw == "until" or (kw == "valid" and bool(item.args) and item.args[0].kind == ast.WORD
                             and item.args[0].text == "from")


def _date(ctx: Context, a: Args, what: str):
    atom = a.take(f"a date such as 2027-01-01 after `{what}`")
    if atom.kind not in (ast.DATE, ast.NUMBER):
        raise ctx.fail("T0217", f"`{atom.text}` is not a date", atom.span,
                       help="write a date as YYYY-MM-DD (2027-01-01) or DD.MM.YYYY (01.01.2027)")
    return parse_date(ctx, atom.text, atom.span)


@attrs.frozen
class When:
    """When a block's model objects apply: its validity, and for a price list its time band
    (compiler.check.timebands)."""

    validity: Validity | None
    band: str | None = None


def split(head: str, block: Block, ctx: Context) -> tuple[Block, When | None]:
    """The block without its validity and band lines, and when it applies (None: always)."""
    for item in block.items:  # the common case, checked in one pass: none of those lines
        if type(item) is Stmt and item.keyword.text in _WHEN_WORDS:
            break
    else:
        return block, None
    block, band = timebands.split_band(head, block, ctx)
    block, validity = _split_validity(head, block, ctx)
    return block, (None if validity is None and band is None else When(validity, band))


def _split_validity(head: str, block: Block, ctx: Context) -> tuple[Block, Validity | None]:
    found = [item for item in block.items if _is_validity(item)]
    if not found:
        return block, None
    rest = Block(block.keyword, block.args, tuple(i for i in block.items if not _is_validity(i)),
                 block.span)
    if head not in DATED:
        ctx.error("T0901", f"a `{head}` block cannot be dated", found[0].span,
                  "effective dates are not supported here",
                  help="date a price list (`roaming prices`, `network prices`, `home prices`), "
                       "a pass, a `code` or an `sms` command; remove this line")
        return rest, None
    got: dict[str, tuple] = {}  # "from" / "until" -> (date, span of its line)

    def read(s: Stmt) -> None:
        a = Args(ctx, s.args, s.keyword.span)
        words = ("from", "until") if s.keyword.text == "valid" else ("until",)
        if words[0] == "from":
            a.words("from")
        for word in words:
            if word == "until" and words[0] == "from" and not a.accept("until"):
                break
            if word in got:
                raise ctx.fail("T0105", f"`{'valid from' if word == 'from' else 'until'}` is given "
                                        "twice in this block", s.keyword.span, "given again here",
                               help="keep only one", notes=[f"first given at line {got[word][1].line}"])
            got[word] = (_date(ctx, a, word), s.keyword.span)
        a.end()

    for s in found:
        ctx.guard(read, s)
    start, end = (got[w][0] if w in got else None for w in ("from", "until"))
    span = found[0].span.to(found[-1].span)
    if start is not None and end is not None and end < start:
        ctx.error("T0902", f"`until {end.isoformat()}` is before `valid from {start.isoformat()}`",
                  span, "an empty validity", help="swap the two dates, or correct one of them")
        return rest, None
    if start is None and end is None:
        return rest, None
    return rest, Validity(start, end, span)


def file_dates(items, ctx: Context) -> Validity | None:
    """The validity of a whole file: its top-level `valid from ...` / `until ...` lines."""
    found = [i for i in items if _is_validity(i)]
    if not found:
        return None
    holder = Block(found[0].keyword, (), tuple(found), found[0].span.to(found[-1].span))
    return _split_validity("pass", holder, ctx)[1]


def is_file_date(item) -> bool:
    """Whether a top-level item is a file's `valid from` / `until` line."""
    return _is_validity(item)


def with_file_dates(head: str, block: Block, when: When | None, dates: Validity | None,
                    ctx: Context) -> When | None:
    """A block of a dated file takes the file's days unless it is dated itself; a block that
    cannot be dated has no place in a dated file (T0906)."""
    if dates is None or (when is not None and when.validity is not None):
        return when
    if head not in DATED:
        ctx.error("T0906", f"a `{head}` block in a dated file", block.keyword.span,
                  f"the file is in force {dates.text}, this block cannot be dated",
                  help="move the block to a file without `valid from`/`until`",
                  notes=[f"the file's dates are at line {dates.span.line}"])
        return when
    return When(dates, when.band if when else None)


def declare(ctx: Context, fn, block: Block, when: When | None) -> None:
    """Run a block's declare; while it is dated, a second declaration is another version."""
    ctx.dating = when is not None
    try:
        ctx.guard(fn, block, ctx)
    finally:
        ctx.dating = False


def build(ctx: Context, head: str, fn, block: Block, when: When | None) -> None:
    """Run a block's build; the model objects it adds get its validity (and band)."""
    if when is None:
        ctx.guard(fn, block, ctx)
        return
    out = ctx.out[DATED[head]]
    before = len(out)
    ctx.guard(fn, block, ctx)
    fields = {"validity": when.validity, **({"band": when.band} if when.band else {})}
    out[before:] = [attrs.evolve(item, **fields) for item in out[before:]]


def _check_overlaps(ctx: Context) -> None:
    """Versions of one price list or pass (same name) must not be in force on the same day."""
    for key, what in (("price_lists", "price list"), ("passes", "pass")):
        versions: dict[str, list] = {}
        for item in ctx.out[key]:
            versions.setdefault(item.name, []).append(item)
        for name, items in versions.items():
            if len(items) < 2 or all(i.validity is None and getattr(i, "band", None) is None
                                     for i in items):
                continue  # undated duplicates are T0102, reported when declared
            for k, later in enumerate(items):
                for first in items[:k]:
                    bands = getattr(first, "band", None), getattr(later, "band", None)
                    if overlap(first.validity, later.validity) and \
                            (None in bands or bands[0] == bands[1]):
                        span = later.validity.span if later.validity else later.span
                        when = (lambda v: "always (no `valid from`/`until`)" if v is None
                                else v.text)
                        ctx.error("T0903", f"two versions of {what} `{name}` are in force on the "
                                           "same days", span, f"in force {when(later.validity)}",
                                  help="end the older version the day before the newer one "
                                       "starts (`until ...`), or date both",
                                  notes=[f"the other version ({when(first.validity)}) is at "
                                         f"{first.span.file}:{first.span.line}"])
                        break


def _check_command_overlaps(ctx: Context) -> None:
    """Versions of one USSD code (its pattern) or SMS command (its number and pattern) must
    not be in force on the same day (T0905)."""
    for key, what, ident in (("codes", "code", lambda c: c.pattern),
                             ("sms_commands", "SMS command", lambda c: f"{c.pattern} to {c.number}")):
        versions: dict[str, list] = {}
        for item in ctx.out[key]:
            versions.setdefault(ident(item), []).append(item)
        for name, items in versions.items():
            if len(items) < 2 or all(i.validity is None for i in items):
                continue  # undated duplicates are T0102, reported when declared
            for k, later in enumerate(items):
                first = next((f for f in items[:k] if overlap(f.validity, later.validity)), None)
                if first is not None:
                    when = (lambda v: "always (no `valid from`/`until`)" if v is None else v.text)
                    ctx.error("T0905", f"two versions of {what} `{name}` are in force on the same "
                                       "days", later.validity.span if later.validity else later.span,
                              f"in force {when(later.validity)}",
                              help="end the older version the day before the newer one "
                                   "starts (`until ...`), or date both",
                              notes=[f"the other version ({when(first.validity)}) is at "
                                     f"{first.span.file}:{first.span.line}"])


HANDLERS: dict = {}
CHECKS = [_check_overlaps, _check_command_overlaps]
