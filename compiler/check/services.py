"""Checks `service` blocks: the services and traffic classes an operator declares.

    service "Fixed" {
      name en "Calls to fixed lines"
      unit time                      // time, data or count
      numbers +38111, +38121         // a traffic class: outgoing calls to these numbers
      not numbers +381119            // ... except these (ported ranges)
    }

A declared service is priced like a built-in one (a column of a zone table, a row of a
network or home price list) by its name, quoted or as words. `read_service` (rating module)
resolves names of both kinds.
"""

from __future__ import annotations

from dsl import ast
from dsl.ast import Block, Span
from dsl.diagnostics import did_you_mean
from compiler.check.context import Context, walk
from compiler.check.reader import Args
from compiler.model.common import Texts
from compiler.model.rating import INTERVAL_DIMENSION, SERVICES
from compiler.model.services import BUILTIN, CLASS_OF, PER_UNITS, UNITS, Service

SERVICE = "service"


def declared(ctx: Context) -> dict[str, str]:
    """Declared service name -> its unit (filled by `declare_service`)."""
    return ctx.state("services.units", dict)


def unit_of(ctx: Context, service: str) -> str | None:
    """`time`, `data` or `count` for a built-in or declared service (None: connection fee)."""
    return BUILTIN.get(service) or declared(ctx).get(service)


def per_units(ctx: Context, service: str) -> tuple[str, ...]:
    """What a price of `service` may be per (`min`, `KB`, `call`...)."""
    if service in SERVICES:
        return SERVICES[service]
    return PER_UNITS[declared(ctx)[service]]


def dimension(ctx: Context, service: str) -> str | None:
    """The dimension of the charging interval of `service` (None: charged per event)."""
    if service in SERVICES:
        return INTERVAL_DIMENSION.get(service)
    return {"time": "time", "data": "data"}.get(declared(ctx).get(service, ""))


def declare_service(block: Block, ctx: Context) -> None:
    a = Args(ctx, block.args, block.keyword.span)
    name, span = a.name("the service's name in double quotes")
    a.end()
    if name in SERVICES:
        ctx.error("T0811", f"`{name}` is a built-in service", span, "already a service",
                  help="give the declared service another name, e.g. "
                       f"`\"{name} to fixed\"`")
        return
    unit = None
    for s in block.stmts("unit"):
        u = Args(ctx, s.args, s.keyword.span)
        word = u.peek_word()
        unit = word if word in UNITS else None
    if ctx.declare(SERVICE, name, span):
        declared(ctx)[name] = unit or "time"


def build_service(block: Block, ctx: Context) -> None:
    a = Args(ctx, block.args, block.keyword.span)
    name, span = a.name("the service's name")
    if name in SERVICES:
        return  # reported by declare_service
    f: dict = {"names": Texts(), "unit": None, "numbers": [], "not numbers": [], "notes": [],
               "spans": {}}

    def unit(s) -> None:
        u = Args(ctx, s.args, s.keyword.span)
        f["unit"] = u.word(*UNITS, what="a unit (`time`, `data` or `count`)")
        u.end()

    def prefixes(key: str, u: Args) -> None:
        while True:
            atom = u.prefix("+38111", short_codes=True)  # 999, 118: dialled at home
            f[key].append(atom.text)
            f["spans"].setdefault(atom.text, atom.span)
            if not u.comma():
                break
        u.end()

    def not_numbers(s) -> None:
        u = Args(ctx, s.args, s.keyword.span)
        u.words("numbers")
        prefixes("not numbers", u)

    walk(ctx, block, "service", {
        "name": lambda s: f.__setitem__("names", Args(ctx, s.args, s.keyword.span).texts()),
        "unit": unit,
        "numbers": lambda s: prefixes("numbers", Args(ctx, s.args, s.keyword.span)),
        "not": not_numbers,
        "note": lambda s: f["notes"].append(Args(ctx, s.args, s.keyword.span).note()),
    }, once={"name", "unit"}, required=("unit",))
    if f["unit"] is None:
        return
    for p in f["not numbers"]:
        if p in f["numbers"]:
            ctx.error("T0408", f"prefix `{p}` is both in `numbers` and in `not numbers`",
                      f["spans"][p], "listed as a number of this service",
                      help=f"remove `{p}` from one of the two lists")
    if f["numbers"] and f["unit"] not in CLASS_OF:
        first = f["spans"][f["numbers"][0]]
        ctx.error("T0812", f"a `{f['unit']}` service is not chosen by the called number", first,
                  "only calls (`unit time`) and messages (`unit count`) have a called number",
                  help="remove `numbers`, or make the service `unit time` or `unit count`")
    ctx.out["services"].append(Service(name, f["names"], f["unit"], tuple(f["numbers"]),
                                       tuple(f["not numbers"]), tuple(f["notes"]), block.span))


def _check_classes(ctx: Context) -> None:
    """One prefix chooses one class: the same prefix in two classes of one unit is T0813."""
    seen: dict[tuple[str, str], tuple[str, Span]] = {}
    for svc in ctx.out["services"]:
        for p in svc.numbers:
            key = (CLASS_OF.get(svc.unit, ""), p)
            if key in seen and seen[key][0] != svc.name:
                ctx.error("T0813", f"prefix `{p}` is in two services, `{seen[key][0]}` and `{svc.name}`",
                          svc.span, f"already in `{seen[key][0]}`",
                          help=f"keep `{p}` in one service; a longer prefix may refine a shorter one",
                          notes=[f"first listed at {seen[key][1].file}:{seen[key][1].line}"])
            seen.setdefault(key, (svc.name, svc.span))


def resolve_name(ctx: Context, atoms: list, start: int) -> tuple[str, int] | None:
    """The declared service the atoms from `start` name: a quoted name, or the longest run
    of words that is one. Returns (name, atoms used) or None."""
    names = declared(ctx)
    a = atoms[start]
    if a.kind == ast.STRING:
        return (a.value, 1) if a.value in names else None
    best = None
    words = []
    for i in range(start, len(atoms)):
        if atoms[i].kind not in (ast.WORD, ast.NUMBER):
            break
        words.append(atoms[i].text)
        if " ".join(words) in names:
            best = (" ".join(words), len(words))
    return best


def unknown(ctx: Context, name: str, span: Span):
    """T0402 for a name that is neither a built-in nor a declared service."""
    return ctx.fail("T0402", f"unknown service `{name}`", span, "not a service of this operator",
                    help=did_you_mean(name, list(SERVICES) + list(declared(ctx)), "services")
                    or f"declare it: `service \"{name}\" {{ unit time }}`")


HANDLERS = {
    "service": (declare_service, build_service),
}

CHECKS = [_check_classes]
