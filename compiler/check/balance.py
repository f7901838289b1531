"""Checks Azercell's `billing window` and `notifications` blocks (seed 002).

The billing window's deferred requests must name commands declared elsewhere (`sms 650`:
some SMS command to 650; `call 650`, `code *650#YES`, `web "online services"`).
"""

from __future__ import annotations

from dsl import ast
from dsl.ast import Block, Span, Stmt
from dsl.diagnostics import did_you_mean
from compiler.check.context import CALL, CODE, SMS_KEYWORD, WEB, Context, walk
from compiler.check.reader import Args, choice, listed, time_of_day
from compiler.model.balance import (DEFER_KINDS, NOTIFICATION_KINDS, NOTIFICATION_TRIGGERS,
                                    BillingWindow, Notifications)

_WINDOW = "billing window"  # a name kind of its own: one window per operator


def declare_window(block: Block, ctx: Context) -> None:
    if ctx.names[_WINDOW]:
        first = next(iter(ctx.names[_WINDOW].values()))
        ctx.error("T0753", "a second `billing window`", block.keyword.span, "declared again here",
                  help="an operator has one billing window; merge the two blocks",
                  notes=[f"first declared at {first.file}:{first.line}"])
        return
    ctx.names[_WINDOW]["window"] = block.keyword.span


def build_window(block: Block, ctx: Context) -> None:
    Args(ctx, block.args, block.keyword.span).end()
    f: dict = {"days": None, "defers": [], "notes": []}

    def days(s: Stmt) -> None:
        r = Args(ctx, s.args, s.keyword.span)
        r.words("day")
        lo = r.integer(1, 31, "a day of the month")
        r.words("to", "day")
        hi_atom = r.peek()
        hi = r.integer(1, 31, "a day of the month")
        r.words("at")
        at = time_of_day(ctx, r.take("a time such as `23:00`"))
        r.end()
        if lo >= hi:
            raise ctx.fail("T0751", f"the billing window closes on day {hi}, before it opens on "
                                    f"day {lo}", s.args[1].span.to(hi_atom.span),
                           "the closing day must come after the opening day",
                           help=f"write the opening day first: `from day {min(lo, hi)} to day "
                                f"{max(lo, hi)}`" if lo != hi else "give the window at least a day")
        f["days"] = (lo, hi, at)

    def defers(s: Stmt) -> None:
        r = Args(ctx, s.args, s.keyword.span)
        while True:
            kind = r.word(*DEFER_KINDS, what="a kind of request (`sms`, `call`, `code` or `web`)")
            ref, span = reference(ctx, r, kind)
            if any(x == (kind, ref) for x, _ in f["defers"]):
                ctx.error("T0752", f"`{kind} {ref}` is listed twice", span, "listed again here",
                          help="keep only one")
            else:
                f["defers"].append(((kind, ref), span))
            if not r.comma():
                break
        r.end()

    walk(ctx, block, "billing window", {
        "from": days, "defers": defers,
        "note": lambda s: f["notes"].append(Args(ctx, s.args, s.keyword.span).note()),
    }, once={"from"}, required=("from", "defers"))
    if f["days"] is None:
        return
    lo, hi, at = f["days"]
    ctx.out["billing_windows"].append(BillingWindow(
        lo, hi, at, tuple(x for x, _ in f["defers"]), tuple(f["notes"]), block.span))


def reference(ctx: Context, r: Args, kind: str) -> tuple[str, Span]:
    """The thing a deferred request names, resolved against the declared commands."""
    if kind == "web":
        atom = r.take('a web channel\'s name such as "online services"')
        if atom.kind != ast.STRING:
            raise r.unexpected(atom, "a web channel's name in double quotes")
        ctx.resolve(WEB, atom.value, atom.span)
        return atom.value, atom.span
    if kind == "code":
        atom = r.take("a USSD code such as `*650#YES`")
        if atom.kind != ast.CODE:
            raise r.unexpected(atom, "a USSD code such as `*650#YES`")
        ctx.resolve(CODE, atom.text, atom.span)
        return atom.text, atom.span
    atom = r.take("a service number such as 650")
    if atom.kind != ast.NUMBER or not atom.text.isdigit():
        raise r.unexpected(atom, "a service number such as 650")
    if kind == "call":
        ctx.resolve(CALL, atom.text, atom.span)
    elif not any(k.split(" ", 1)[0] == atom.text for k in ctx.names[SMS_KEYWORD]):
        numbers = {k.split(" ", 1)[0] for k in ctx.names[SMS_KEYWORD]}
        ctx.error("T0101", f"no SMS command is sent to `{atom.text}`", atom.span,
                  "no `sms` block for this number",
                  help=did_you_mean(atom.text, numbers, "numbers with SMS commands")
                  or f'declare an `sms {atom.text} "..."` block first')
    return atom.text, atom.span


def build_notifications(block: Block, ctx: Context) -> None:
    a = Args(ctx, block.args, block.keyword.span)
    kind_atom = a.take("what is notified, e.g. `balance`")
    kind = choice(ctx, kind_atom.text, kind_atom.span, NOTIFICATION_KINDS, "kind of notification")
    a.end()
    f: dict = {"eligibility": None, "triggers": (), "off": (), "notes": []}

    def eligibility(s: Stmt) -> None:
        r = Args(ctx, s.args, s.keyword.span)
        f["eligibility"] = r.eligibility()
        r.end()

    def off(s: Stmt) -> None:
        r = Args(ctx, s.args, s.keyword.span)
        r.words("by")
        f["off"] = tuple(n for n, _ in r.names("a channel's name in double quotes"))
        r.end()

    walk(ctx, block, "notifications", {
        "for": eligibility,
        "on": lambda s: f.__setitem__("triggers", listed(ctx, Args(ctx, s.args, s.keyword.span),
                                                         NOTIFICATION_TRIGGERS, "trigger")),
        "off": off,
        "note": lambda s: f["notes"].append(Args(ctx, s.args, s.keyword.span).note()),
    }, once={"for", "on", "off"}, required=("for", "on"))
    if f["eligibility"] is None or not f["triggers"]:
        return
    ctx.out["notifications"].append(Notifications(kind, f["eligibility"], f["triggers"], f["off"],
                                                  tuple(f["notes"]), block.span))


HANDLERS = {
    "billing window": (declare_window, build_window),
    "notifications": (None, build_notifications),
}
