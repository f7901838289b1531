"""Checks `family` blocks (family-group promotions) into `compiler.model.family.Family`.

declare: the family's name (FAMILY). build: every statement and the bonus table. Later,
once every block is built: the plans of the segments named after `for`, and the cross-check
with the SMS commands (`family_create` must invite min-1 .. max-1 numbers; every family
action should have a command when `sms` is one of the family's channels).
"""

from __future__ import annotations


from dsl import ast
from dsl.ast import Block, Span, Stmt, Table
from compiler.check.context import FAMILY, Context, walk
from compiler.check.reader import Args, choice, listed, parse_date, phrase, word_run
from compiler.model.common import Eligibility, Texts
from compiler.model.family import (BENEFITS_AFTER_EXIT, BONUS_EXPIRY, BONUS_ITEMS,
                                   CHANGES_EFFECTIVE, CHANNELS, FAMILY_ACTIONS,
                                   FREE_IN_GROUP_ITEMS, Family, Rule, Tier)

# `from bonus only` -> "bonus"; `from bonus and package` -> "bonus and package".
TRANSFER_FROM = {"bonus only": "bonus", "bonus and package": "bonus and package"}


# -- the family block --------------------------------------------------------------------------

def declare_family(block: Block, ctx: Context) -> None:
    name, span = Args(ctx, block.args, block.keyword.span).name("the promotion's name")
    ctx.declare(FAMILY, name, span)


def build_family(block: Block, ctx: Context) -> None:
    a = Args(ctx, block.args, block.keyword.span)
    name, _ = a.name('the promotion\'s name, e.g. `family "Telenor Porodica" {`')
    a.end()
    f: dict = {"names": [], "excluded": [], "exceptions": [], "about": [], "notes": [],
               "rules": [], "ends": [], "tiers": None, "fee": None, "prorated": None,
               "bonus_on": None, "bonus_expiry": None, "free": (), "transfer": None,
               "invitation": None, "groups": None, "changes": None, "exit": None,
               "channels": (), "eligibility": None, "members": None, "broken": False,
         "fee_changes": []}

    def args(s: Stmt) -> Args:
        return Args(ctx, s.args, s.keyword.span)

    def once(key: str, s: Stmt, value) -> None:
        if f[key] is not None:
            raise ctx.fail("T0105", f"`{s.keyword.text} {s.args[0].text}` is given twice in this "
                                    f"`family` block", s.span, "given again here",
                           help="keep only one")
        f[key] = (value, s.span)

    def eligibility(s):
        r = args(s)
        f["eligibility"] = r.eligibility()
        r.end()

    def not_with(s):
        r = args(s)
        r.words("with")
        f["excluded"].append(r.string("the promotion's name in double quotes"))
        r.end()

    def except_(s):
        r = args(s)
        f["exceptions"].append(r.string("the promotion's name in double quotes"))
        r.end()

    def members(s):
        r = args(s)
        lo_atom = r.peek()
        lo = r.integer(what="the smallest group size")
        r.words("to")
        hi = r.integer(what="the largest group size")
        r.end()
        span = lo_atom.span.to(s.args[-1].span)
        if lo < 2:
            raise ctx.fail("T0601", f"a group of {lo} is not a group", span, "at least 2 members",
                           help="a family group has at least 2 members, e.g. `members 3 to 5`")
        if lo > hi:
            raise ctx.fail("T0601", f"the group size range `{lo} to {hi}` is empty", span,
                           "the smallest size is larger than the largest",
                           help=f"write the smallest size first: `members {hi} to {lo}`")
        f["members"] = (lo, hi, s.span)

    def fee(s):
        r = args(s)
        if r.peek_word() in ("not", "prorated"):
            prorated = r.accept("not") is None
            r.words("prorated")
            r.end()
            once("prorated", s, prorated)
            return
        price = r.money(per=("month",), what="`150 RSD/month`")
        r.words("per", "member")
        if r.accept("from"):  # a dated change of the fee: compiler.model.family.fee_changes
            atom = r.take("a date such as 2027-01-01 after `from`")
            day = parse_date(ctx, atom.text, atom.span)
            r.end()
            if any(d == day for d, _, _ in f["fee_changes"]):
                raise ctx.fail("T0907", f"two fees from {day.isoformat()}", s.span,
                               "a second fee from the same day",
                               help="keep one fee line per first day")
            f["fee_changes"].append((day, price, s.span))
            return
        r.end()
        once("fee", s, price)

    def bonus(s):
        r = args(s)
        kind = r.word("on", "expires", what="`on` or `expires`")
        if kind == "on":
            once("bonus_on", s, listed(ctx, r, BONUS_ITEMS, "bonus item"))
        else:
            text, span = word_run(ctx, r, "when the bonus expires")
            r.end()
            once("bonus_expiry", s, choice(ctx, text, span, BONUS_EXPIRY, "bonus expiry"))

    def free(s):
        r = args(s)
        r.words("in", "group")
        f["free"] = listed(ctx, r, FREE_IN_GROUP_ITEMS, "free in group item")

    def transfer(s):
        r = args(s)
        r.words("data", "step")
        step_atom = r.peek()
        step = r.data("a step such as `50 MB`")
        r.words("minimum")
        min_atom = r.peek()
        minimum = r.data("a minimum such as `50 MB`")
        r.words("from")
        text, span = word_run(ctx, r, "where transferred data comes from")
        r.end()
        source = TRANSFER_FROM[choice(ctx, text, span, tuple(TRANSFER_FROM), "transfer source")]
        if minimum % step:
            raise ctx.fail("T0606", f"the minimum transfer `{min_atom.text}` is not a multiple of "
                                    f"the step `{step_atom.text}`", min_atom.span,
                           "not a whole number of steps",
                           help=f"a transfer is a multiple of the step; write a minimum of "
                                f"{_mb(step)}, {_mb(2 * step)}, ...")
        f["transfer"] = (step, minimum, source)

    def invitation(s):
        r = args(s)
        r.words("valid")
        f["invitation"] = r.duration("how long, e.g. `24 hours`")
        r.end()

    def groups(s):
        r = args(s)
        r.words("per", "member")
        f["groups"] = r.integer(1, None, "how many groups")
        r.words("per", "month")
        r.end()

    def rule(s):
        r = args(s)
        ident = r.take("the rule's id, e.g. `one_group_per_month`")
        if ident.kind != ast.WORD:
            raise r.unexpected(ident, "the rule's id, a word such as `one_group_per_month`")
        first = next((x for x in f["rules"] if x.id == ident.text), None)
        if first is not None:
            raise ctx.fail("T0607", f"rule `{ident.text}` is given twice", ident.span,
                           "this id is already used", help="give each rule its own id",
                           notes=[f"first given at line {first.span.line}"])
        f["rules"].append(Rule(ident.text, r.texts(), s.span))

    def ends(s):
        r = args(s)
        r.words("when")
        atom = r.peek()
        f["ends"].append((r.string("the event in double quotes"), atom.span))
        r.end()

    def channels(s):
        f["channels"] = listed(ctx, args(s), CHANNELS, "channel")

    walk(ctx, block, "family", {
        "name": lambda s: f["names"].extend(args(s).texts().items),
        "for": eligibility, "not": not_with, "except": except_, "members": members,
        "fee": fee, "bonus": bonus, "free": free, "transfer": transfer,
        "invitation": invitation, "groups": groups, "rule": rule, "ends": ends,
        "changes": lambda s: f.__setitem__("changes", phrase(ctx, s, ("effective",),
                                                             CHANGES_EFFECTIVE, "change timing")),
        "benefits": lambda s: f.__setitem__("exit", phrase(ctx, s, ("after", "exit", "until"),
                                                           BENEFITS_AFTER_EXIT, "end of benefits")),
        "channels": channels,
        "about": lambda s: f["about"].extend(args(s).texts().items),
        "note": lambda s: f["notes"].append(args(s).note()),
    }, table=lambda t: tiers(ctx, t, f),
        once={"for", "members", "free", "transfer", "invitation", "groups", "changes",
              "benefits", "channels"},
        required=("for", "members", "fee", "bonus"))
    fees, bonuses = block.stmts("fee"), block.stmts("bonus")
    if fees and all(_lead(s) in ("not", "prorated") for s in fees):
        ctx.error("T0106", "this `family` block has no fee", block.keyword.span,
                  "no `fee ... per member`", help="add a line such as `fee 150 RSD/month per member`")
    if bonuses and all(_lead(s) != "on" for s in bonuses):
        ctx.error("T0106", "this `family` block does not say what the bonus is on",
                  block.keyword.span, "no `bonus on`",
                  help="add a line such as `bonus on national minutes, sms, data`")
    if f["fee"] is None and f["fee_changes"]:
        first = min(f["fee_changes"], key=lambda c: c[0])
        ctx.error("T0908", f"the fee before {first[0].isoformat()} is not given", first[2],
                  "a fee from a day, but none before it",
                  help="add the fee that applies until then, e.g. `fee 150 RSD/month per member`")
    if f["members"] is None or f["fee"] is None or f["eligibility"] is None or f["bonus_on"] is None:
        return
    lo, hi, members_span = f["members"]
    if not f["broken"]:
        check_tiers(ctx, block, f["tiers"], lo, hi, members_span)
    ctx.later.append(lambda: finish(ctx, block, name, f))


def _lead(s: Stmt) -> str | None:
    return s.args[0].text if s.args else None


def _mb(kb: int) -> str:
    return f"{kb // 1024} MB" if kb % 1024 == 0 else f"{kb} KB"


# -- the bonus table ---------------------------------------------------------------------------

def tiers(ctx: Context, table: Table, f: dict) -> None:
    """`| members | bonus |` then one row per group size: `| 3 | 30 % |`."""
    if f["tiers"] is not None:
        f["broken"] = True
        raise ctx.fail("T0608", "a second bonus table in this `family` block", table.span,
                       "one table only", help="put every group size in one `| members | bonus |` table")
    header, *rows = table.rows
    names = [" ".join(x.text for x in c.atoms) for c in header.cells]
    if names != ["members", "bonus"]:
        f["broken"] = True
        raise ctx.fail("T0608", f"the bonus table's header is `| {' | '.join(names)} |`", header.span,
                       "expected `| members | bonus |`",
                       help="write the header `| members | bonus |`, then one row per group size")
    out: list[Tier] = []
    for row in rows:
        if len(row.cells) != 2:
            ctx.error("T0608", f"this row has {len(row.cells)} cells, the header has 2", row.span,
                      "wrong number of cells", help="write `| members | bonus |`, e.g. `| 3 | 30 % |`")
            f["broken"] = True
            continue
        n_cell, p_cell = row.cells

        def read(row=row, n_cell=n_cell, p_cell=p_cell) -> bool:
            n = Args(ctx, n_cell.atoms, n_cell.span)
            members = n.integer(1, None, "a group size")
            n.end()
            p = Args(ctx, p_cell.atoms, p_cell.span)
            percent = p.percent()
            p.end()
            out.append(Tier(members, percent, row.span))
            return True
        if ctx.guard(read) is None:
            f["broken"] = True
    f["tiers"] = out


def check_tiers(ctx: Context, block: Block, tiers: list[Tier] | None, lo: int, hi: int,
                members_span: Span) -> None:
    """Every size from lo to hi exactly once; a bigger group never gets less (warning)."""
    where = f"declared at line {members_span.line}: `members {lo} to {hi}`"
    if tiers is None:
        ctx.error("T0602", "this `family` block has no bonus table", block.keyword.span,
                  "no `| members | bonus |` table",
                  help=f"add a table with one row for each group size from {lo} to {hi}")
        return
    seen: dict[int, Tier] = {}
    for t in tiers:
        if t.members in seen:
            ctx.error("T0604", f"the bonus for a group of {t.members} is given twice", t.span,
                      "given again here", help="keep one row per group size",
                      notes=[f"first given at line {seen[t.members].span.line}"])
        elif not lo <= t.members <= hi:
            ctx.error("T0603", f"a group of {t.members} is outside the group size {lo} to {hi}",
                      t.span, "no such group size",
                      help=f"remove the row, or widen `members {lo} to {hi}`", notes=[where])
        else:
            seen[t.members] = t
    missing = [n for n in range(lo, hi + 1) if n not in seen]
    if missing:
        sizes = ", ".join(map(str, missing))
        span = tiers[-1].span if tiers else block.keyword.span
        ctx.error("T0602", f"the bonus table has no row for a group of {sizes}", span,
                  f"group size {sizes} missing", help=f"add a row `| {missing[0]} | ... % |`",
                  notes=[where])
    ordered = sorted(seen.values(), key=lambda t: t.members)
    for small, big in zip(ordered, ordered[1:]):
        if big.percent < small.percent:
            ctx.warning("T0605", f"a group of {big.members} gets less bonus ({big.percent} %) than "
                                 f"a group of {small.members} ({small.percent} %)", big.span,
                        "smaller than the row above",
                        help="check the percentages: a bigger group usually gets at least as much")


# -- after every block is built ----------------------------------------------------------------

def finish(ctx: Context, block: Block, name: str, f: dict) -> None:
    elig: Eligibility = f["eligibility"]
    plans = list(elig.plans)
    for seg in ctx.out.get("segments", ()):
        if seg.id in elig.segments:
            plans.extend(p for p in seg.plans if p not in plans)
    lo, hi, members_span = f["members"]
    step, minimum, source = f["transfer"] or (None, None, None)
    family = Family(
        name=name, names=Texts(tuple(f["names"])), eligibility=elig, plans=tuple(plans),
        excluded=tuple(f["excluded"]), exceptions=tuple(f["exceptions"]),
        min_members=lo, max_members=hi,
        tiers=tuple(sorted(f["tiers"] or (), key=lambda t: t.members)),
        fee=f["fee"][0], fee_prorated=f["prorated"][0] if f["prorated"] else False,
        bonus_on=f["bonus_on"][0], free_in_group=f["free"],
        transfer_step_kb=step, transfer_min_kb=minimum, transfer_from=source,
        invitation_seconds=f["invitation"], groups_per_month=f["groups"],
        changes_effective=f["changes"] or "immediately",
        bonus_expiry=f["bonus_expiry"][0] if f["bonus_expiry"] else "end of month",
        benefits_after_exit=f["exit"] or "immediately", channels=f["channels"],
        rules=tuple(f["rules"]), ends_when=tuple(f["ends"]), about=Texts(tuple(f["about"])),
        notes=tuple(f["notes"]), span=block.span,
        fee_changes=tuple(sorted(f["fee_changes"], key=lambda c: c[0])))
    ctx.out["families"].append(family)
    cross_check(ctx, family, members_span)


def cross_check(ctx: Context, family: Family, members_span: Span) -> None:
    """The SMS commands agree with the family: `family_create` invites everybody but the
    sender (min-1 .. max-1 numbers); with `sms` among the channels every action has one."""
    commands = [c for c in ctx.out.get("sms_commands", ()) if c.action in FAMILY_ACTIONS]
    where = f"the group size is declared at {members_span.file}:{members_span.line}: " \
            f"`members {family.min_members} to {family.max_members}`"
    want = (family.min_members - 1, family.max_members - 1)
    for c in commands:
        if c.action != "family_create":
            continue
        for p in c.params:
            if p.type == "msisdn" and (p.min, p.max) != want:
                ctx.error("T0609", f"`{c.pattern}` invites {p.min} to {p.max} numbers, but a group "
                                   f"has {family.min_members} to {family.max_members} members",
                          p.span, f"should be {want[0]}..{want[1]}",
                          help=f"the sender is a member too: invite {want[0]} to {want[1]} numbers "
                               f"(`<{p.name}:msisdn {want[0]}..{want[1]}>`), or change `members`",
                          notes=[where])
    if "sms" not in family.channels:
        return
    have = {c.action for c in commands}
    missing = [a for a in FAMILY_ACTIONS if a not in have]
    if missing:
        ctx.warning("T0610", f"`sms` is a channel of `{family.name}`, but no SMS command does "
                             + ", ".join(f"`{a}`" for a in missing), family.span,
                    "SMS channel without these commands",
                    help=f"add an `sms <number> \"...\" {{ action {missing[0]} }}` block, "
                         "or remove `sms` from `channels`")


HANDLERS = {
    "family": (declare_family, build_family),
}


def _one_family(ctx: Context) -> None:
    """The SMS commands to a service number do not say which promotion they mean: one per operator."""
    families = ctx.out["families"]
    for extra in families[1:]:
        ctx.error("T0611", f"a second family promotion `{extra.name}`", extra.span,
                  "the operator already has one", help="keep one `family` block per operator",
                  notes=[f"the first is `{families[0].name}` at {families[0].span.file}:{families[0].span.line}"])


CHECKS = [_one_family]
