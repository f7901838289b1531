"""Checks `code`, `sms`, `call`, `web` and `service number` blocks (compiler.model.commands).

declare: every code and variant (CODE), SMS keyword per number (SMS_KEYWORD), call number
(CALL), web channel (WEB) and service number (SERVICE_NUMBER).
build: one model object per block; patterns, actions, prices, replies and menus are checked.
later: codes that shadow other codes, two codes for one service, codes named in prose that
are not declared.
"""

from __future__ import annotations

import re
from decimal import Decimal

from dsl import ast
from dsl.ast import Atom, Block, Span, Stmt
from dsl.diagnostics import DiagnosticError, did_you_mean
from compiler.check.context import (CALL, CODE, NETWORK, PASS, SERVICE_NUMBER, SMS_KEYWORD, WEB,
                                    Context, walk)
from compiler.check.reader import Args, check_language, fold_keyword
from compiler.model.commands import (ACTIONS, CODE_PARAM_TYPES, CONDITION_SUBJECTS,
                                     REPLY_CHANNELS, SMS_PARAM_TYPES, CallCommand, CodeParam,
                                     Condition, MenuOption, ServiceNumber, ShortCode, SmsCommand,
                                     SmsParam, WebChannel, code_regex)
from compiler.model.common import Eligibility, Price, Texts

CODE_EXAMPLE = "`*311#` or `*321*<number:msisdn>#`"
# A value of each parameter type, used to test whether one code's strings reach another's.
_SAMPLES = {"msisdn": "0631234567", "phone": "0038163123456", "digits": "1", "voucher": "1"}
_TYPE_HELP = {"msisdn": "a subscriber number (8 to 15 digits)",
              "phone": "a phone number (3 to 17 digits, e.g. 00 + country code + number)",
              "digits": "one or more digits", "voucher": "a voucher number (digits)"}
# A complete code in prose: `*311#`, `*111*1*7#YES`.
_PROSE_CODE = re.compile(r"(?<![\w*])\*[0-9][0-9*]*#(?:[A-Z]+(?![a-z]))?")
_PLACEHOLDER = re.compile(r"([A-Za-z_]\w*):(\S+?)(?:\s+(\d+)(?:\.\.(\d+))?)?")
_CONDITION_OPS = ("<", "<=", ">", ">=", "=")


class _State:
    """What the cross-checks need beyond the model: atom positions and prose atoms."""

    def __init__(self) -> None:
        self.codes: list[tuple[ShortCode, Span]] = []
        self.prose: list[Atom] = []


def _state(ctx: Context) -> _State:
    return ctx.state("commands", _State)


def _at(atom: Atom, index: int, length: int = 1) -> Span:
    """The span of `atom.text[index:index+length]` when it is on the atom's first line."""
    s = atom.span
    if "\n" in atom.text[:index + length]:
        return s
    return Span(s.file, s.line, s.col + index, s.line, s.col + index + length)


# -- code patterns ---------------------------------------------------------------------------

def parse_code(ctx: Context, atom, what: str = "a USSD code") -> tuple[tuple, str, tuple[CodeParam, ...]]:
    """Check a code's text; return its parts, suffix and parameters."""
    if atom.kind != ast.CODE:
        raise ctx.fail("T0301", f"expected {what} such as {CODE_EXAMPLE}, found `{atom.text}`",
                       atom.span, "not a USSD code", help="a code starts with `*` and ends with `#`")
    text = atom.text
    hashes = [i for i, c in enumerate(text) if c == "#"]
    if not hashes:
        end = len(text.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        raise ctx.fail("T0301", f"code `{text}` does not end with `#`", _at(atom, end - 1),
                       "`#` expected after this", help=f"write `{text[:end]}#{text[end:]}`")
    if len(hashes) > 1:
        raise ctx.fail("T0301", f"code `{text}` has more than one `#`", _at(atom, hashes[0]),
                       "`#` ends a code", help="a code has one `#`, at its end (before a suffix such as `YES`)")
    empty = text.find("**"), text.find("*#")
    for i in empty:
        if i >= 0:
            raise ctx.fail("T0301", f"code `{text}` has an empty part", _at(atom, i, 2),
                           "nothing between these", help="remove the extra `*` or write the missing digits")
    parts: list = []
    params: list[CodeParam] = []
    pos = 0
    for m in re.finditer(r"<([^<>]*)>", text):
        inner = m[1]
        name, colon, typ = inner.partition(":")
        if not re.fullmatch(r"[A-Za-z_]\w*", name) or not colon:
            raise ctx.fail("T0301", f"parameter `<{inner}>` is not `<name:type>`", _at(atom, m.start(), len(m[0])),
                           "malformed parameter", help=f"write it as `<{name or 'number'}:{typ or 'msisdn'}>`")
        if typ not in CODE_PARAM_TYPES:
            raise ctx.fail("T0302", f"unknown parameter type `{typ}`", _at(atom, m.start(), len(m[0])),
                           "not a code parameter type",
                           help=did_you_mean(typ, CODE_PARAM_TYPES, "types"))
        if any(p.name == name for p in params):
            raise ctx.fail("T0301", f"parameter `{name}` appears twice in `{text}`", _at(atom, m.start(), len(m[0])),
                           "given again here", help="give each parameter its own name")
        if m.start() > pos:
            parts.append(text[pos:m.start()])
        params.append(CodeParam(name, typ))
        parts.append(params[-1])
        pos = m.end()
    body_end = hashes[0] + 1
    if body_end > pos:
        parts.append(text[pos:body_end])
    return tuple(parts), text[body_end:], tuple(params)


def _code_atom(ctx: Context, args: Args, what: str = "a USSD code"):
    """The next atom as a code; a lower-case suffix written after it (`*650#yes`) is reported."""
    atom = args.take(f"{what} such as {CODE_EXAMPLE}")
    nxt = args.peek()
    if (atom.kind == ast.CODE and nxt is not None and nxt.kind == ast.WORD
            and (nxt.span.line, nxt.span.col) == (atom.span.end_line, atom.span.end_col)):
        raise ctx.fail("T0301", f"the suffix `{nxt.text}` of a code must be in capital letters",
                       nxt.span, "lower-case suffix", help=f"write `{atom.text}{nxt.text.upper()}`")
    return atom


def _strings(parts, suffix: str) -> list[str]:
    """A dialled string of a code, with each parameter given a sample value."""
    return ["".join(p if isinstance(p, str) else _SAMPLES[p.type] for p in parts) + suffix]


# -- SMS patterns ----------------------------------------------------------------------------

def parse_sms(ctx: Context, atom) -> tuple[tuple, str, tuple[SmsParam, ...]]:
    """Check an SMS pattern such as `"POSALJI: <amount:MB>, <to:msisdn>"`."""
    if atom.kind != ast.STRING:
        raise ctx.fail("T0311", f"expected the message in double quotes, found `{atom.text}`", atom.span,
                       "not a quoted message", help=f'write the message as "{atom.text}" ("" for a blank message)')
    text = atom.value
    raw = atom.text[1:-1] == text  # positions inside the string map onto the line

    def span(i: int, n: int = 1) -> Span:
        return _at(atom, i + 1, n) if raw else atom.span

    parts: list = []
    params: list[SmsParam] = []
    pos = 0
    while pos < len(text):
        lt, gt = text.find("<", pos), text.find(">", pos)
        if gt >= 0 and (lt < 0 or gt < lt):
            raise ctx.fail("T0311", "a `>` without its `<`", span(gt), "stray `>`",
                           help="write placeholders as `<name:type>`, e.g. `<to:msisdn>`")
        if lt < 0:
            parts.append(text[pos:])
            break
        close = text.find(">", lt)
        if close < 0 or "<" in text[lt + 1:close]:
            raise ctx.fail("T0311", "a `<` that is not closed", span(lt), "placeholder starts here",
                           help="close the placeholder with `>`, e.g. `<members:msisdn 2..4>`")
        if lt > pos:
            parts.append(text[pos:lt])
        params.append(_placeholder(ctx, text[lt + 1:close], span(lt, close - lt + 1), params))
        parts.append(params[-1])
        pos = close + 1
    keyword = parts[0].strip() if parts and isinstance(parts[0], str) else ""
    return tuple(parts), keyword, tuple(params)


def _placeholder(ctx: Context, inner: str, span: Span, seen: list[SmsParam]) -> SmsParam:
    m = _PLACEHOLDER.fullmatch(inner.strip())
    if m is None:
        raise ctx.fail("T0311", f"placeholder `<{inner}>` is not `<name:type>`", span, "malformed placeholder",
                       help="write e.g. `<to:msisdn>`, `<members:msisdn 2..4>`, `<amount:MB>` or `<serial:digits 10>`")
    name, typ, lo, hi = m[1], m[2], m[3], m[4]
    if typ not in SMS_PARAM_TYPES:
        raise ctx.fail("T0302", f"unknown placeholder type `{typ}`", span, "not an SMS placeholder type",
                       help=did_you_mean(typ, SMS_PARAM_TYPES, "types"))
    if any(p.name == name for p in seen):
        raise ctx.fail("T0311", f"placeholder `{name}` appears twice", span, "given again here",
                       help="give each placeholder its own name")
    if typ == "MB":
        if lo is not None:
            raise ctx.fail("T0312", "an `MB` placeholder takes no count", span, "count not expected",
                           help=f"write `<{name}:MB>`")
        return SmsParam(name, typ, None, None, span)
    if lo is None:
        low, high = (1, 1) if typ == "msisdn" else (1, None)
    else:
        low, high = int(lo), int(hi if hi is not None else lo)
    if low < 1 or (high is not None and high < low):
        what = "numbers" if typ == "msisdn" else "digits"
        raise ctx.fail("T0312", f"`{lo}..{hi}` is not a valid count of {what}" if hi else f"`{lo}` {what} is not a valid count",
                       span, "bad count", help=f"write `min..max` with 1 <= min <= max, e.g. `<{name}:{typ} 2..4>`")
    return SmsParam(name, typ, low, high, span)


def sms_key(number: str, keyword: str, params: tuple[SmsParam, ...]) -> str:
    """The SMS_KEYWORD name of a command: `9001 PONISTI`; a message that is only a
    placeholder is named by its type (`1003 <digits>`), so it differs from a blank one."""
    if not keyword and params:
        return f"{number} <{params[0].type}>"
    return f"{number} {fold_keyword(keyword)}"


# -- shared statements -----------------------------------------------------------------------

def _number(ctx: Context, args: Args, what: str = "a service number") -> tuple[str, Span]:
    atom = args.take(f"{what} such as 9001")
    if atom.kind != ast.NUMBER or not atom.text.isdigit():
        raise ctx.fail("T0317", f"`{atom.text}` is not a short number", atom.span, "digits only",
                       help="write the number's digits, e.g. `9001`")
    return atom.text, atom.span


class _Common:
    """Statements every kind of command shares: title, for, action, reply, text, note, about."""

    def __init__(self, ctx: Context, state: _State, replies: bool = True) -> None:
        self.ctx, self.state = ctx, state
        self.title, self.about, self.texts = Texts(), [], []
        self.eligibility, self.action, self.args = Eligibility(), None, ()
        self.replies, self.notes, self.price = (), [], None
        self.stmts = {"title": self.read_title, "for": self.read_for, "action": self.read_action,
                      "note": self.read_note}
        if replies:
            self.stmts.update(reply=self.read_reply, text=self.read_text, about=self.read_about)

    def args_of(self, s: Stmt) -> Args:
        self.state.prose.extend(a for a in s.args if a.kind in (ast.STRING, ast.LONGSTRING))
        return Args(self.ctx, s.args, s.keyword.span)

    def read_title(self, s: Stmt) -> None:
        self.title = self.args_of(s).texts()

    def read_about(self, s: Stmt) -> None:
        self.about.extend(self.args_of(s).texts().items)

    def read_note(self, s: Stmt) -> None:
        self.notes.append(self.args_of(s).note())

    def read_for(self, s: Stmt) -> None:
        a = Args(self.ctx, s.args, s.keyword.span)
        self.eligibility = a.eligibility()
        a.end()

    def read_text(self, s: Stmt) -> None:
        texts = self.args_of(s).texts()
        for lang, _ in texts.items:
            if any(lg == lang for lg, _ in self.texts):
                raise self.ctx.fail("T0115", f"a second `{lang}` reply text", s.args[0].span,
                                    help="keep one `text` per language")
        self.texts.extend(texts.items)

    def read_action(self, s: Stmt) -> None:
        ctx = self.ctx
        a = Args(ctx, s.args, s.keyword.span)
        atom = a.take("an action such as `balance`")
        if atom.kind != ast.WORD or atom.text not in ACTIONS:
            raise ctx.fail("T0303", f"unknown action `{atom.text}`", atom.span, "not an action tariffc knows",
                           help=did_you_mean(atom.text, ACTIONS, "actions") or "see the list of actions in the language reference")
        arity = ACTIONS[atom.text]
        if arity == 0:
            if a.more():
                raise ctx.fail("T0304", f"`{atom.text}` takes no arguments", a.peek().span.to(s.args[-1].span),
                               "not expected", help="remove what follows the action")
        else:
            if not a.more():
                raise ctx.fail("T0304", f"`{atom.text}` needs the name of a pass", atom.span,
                               "pass name missing", help=f'write e.g. `action {atom.text} "Dnevna karta"`')
            names = a.names("a pass name")
            a.end()
            if arity == 1 and len(names) > 1:
                raise ctx.fail("T0304", f"`{atom.text}` takes one pass, found {len(names)}",
                               names[1][1], "one pass only", help="write one code per pass")
            for name, span in names:
                ctx.resolve(PASS, name, span)
            self.args = tuple(n for n, _ in names)
        self.action = atom.text

    def read_reply(self, s: Stmt) -> None:
        channels = []
        for name, span in Args(self.ctx, s.args, s.keyword.span).identifiers("a reply channel"):
            if name not in REPLY_CHANNELS:
                raise self.ctx.fail("T0309", f"unknown reply channel `{name}`", span, "not a reply channel",
                                    help=did_you_mean(name, REPLY_CHANNELS, "channels"))
            channels.append(name)
        self.replies = tuple(dict.fromkeys(channels))

    def price_stmt(self, per: tuple | None):
        def read(s: Stmt) -> None:
            a = Args(self.ctx, s.args, s.keyword.span)
            self.price = _price(self.ctx, a, per)
            a.end()
        return read


def _price(ctx: Context, a: Args, per: tuple | None) -> Price:
    """`free` or a price; with `per`, a price per SMS (`0.10 AZN/sms`)."""
    if a.accept("free"):
        return Price(Decimal(0), ctx.currency or "", "sms" if per else None)
    price = a.money(per)
    return Price(price.amount, price.currency, "sms") if per else price


def _walk(ctx: Context, block: Block, what: str, common: _Common, stmts=None, once=(), required=()):
    walk(ctx, block, what, {**common.stmts, **(stmts or {})},
         once={"title", "for", "action", "reply", "price", *once}, required=("title", "action", *required))


# -- code ------------------------------------------------------------------------------------

def declare_code(block: Block, ctx: Context) -> None:
    if block.args and block.args[0].kind == ast.CODE:
        ctx.declare(CODE, block.args[0].text, block.args[0].span)
    for s in block.stmts("variant"):
        atoms = [a for a in s.args if a.kind == ast.CODE]
        if atoms:
            ctx.declare(CODE, atoms[0].text, atoms[0].span)


def build_code(block: Block, ctx: Context) -> None:
    state = _state(ctx)
    head = Args(ctx, block.args, block.keyword.span)
    atom = _code_atom(ctx, head)
    parts, suffix, params = parse_code(ctx, atom)
    head.end()
    c = _Common(ctx, state)
    f: dict = {"conditions": [], "network": None, "roaming": None, "variants": [], "examples": [],
               "options": []}

    def when(s: Stmt) -> None:
        a = Args(ctx, s.args, s.keyword.span)
        subject = a.take("what the condition is on, e.g. `balance`")
        if subject.text not in CONDITION_SUBJECTS:
            raise ctx.fail("T0315", f"a condition on `{subject.text}` is not supported", subject.span,
                           "unknown condition", help=did_you_mean(subject.text, CONDITION_SUBJECTS, "subjects"))
        op = a.take("a comparison such as `<`")
        if op.kind != ast.OP or op.text not in _CONDITION_OPS:
            raise ctx.fail("T0315", f"`{op.text}` is not a comparison", op.span, "comparison expected",
                           help="write one of " + ", ".join(f"`{o}`" for o in _CONDITION_OPS))
        value = a.money(None)
        a.end()
        f["conditions"].append(Condition(subject.text, op.text, value, s.span))

    def to(s: Stmt) -> None:
        a = Args(ctx, s.args, s.keyword.span)
        a.words("network")
        name, span = a.name("a network name")
        a.end()
        ctx.resolve(NETWORK, name, span)
        f["network"] = name

    def roaming(s: Stmt) -> None:
        a = Args(ctx, s.args, s.keyword.span)
        if a.accept("free"):
            f["roaming"] = Price(Decimal(0), ctx.currency or "")
        else:
            a.words("price")
            f["roaming"] = a.money(None)
        a.end()

    def variant(s: Stmt) -> None:
        a = Args(ctx, s.args, s.keyword.span)
        lang = a.take("a language, e.g. `en`")
        check_language(ctx, lang.text, lang.span)
        v = _code_atom(ctx, a, "the variant's code")
        _, _, vparams = parse_code(ctx, v)
        a.end()
        if vparams != params:
            raise ctx.fail("T0316", f"variant `{v.text}` does not take the parameters of `{atom.text}`", v.span,
                           "different parameters", help="a variant takes the same parameters, in the same order, with the same names and types")
        f["variants"].append((lang.text, v.text))

    def example(s: Stmt) -> None:
        a = Args(ctx, s.args, s.keyword.span)
        e = _code_atom(ctx, a, "an example code")
        eparts, esuffix, eparams = parse_code(ctx, e)
        a.end()
        forms = [(parts, suffix)] + [_split(ctx, t) for _, t in f["variants"]]
        if eparams or not any(re.fullmatch(code_regex(p, x), e.text) for p, x in forms):
            helps = [f"`{p.name}` is {_TYPE_HELP[p.type]}" for p in params]
            raise ctx.fail("T0305", f"example `{e.text}` does not match `{atom.text}`", e.span,
                           "not this code", help=f"write a complete code that `{atom.text}` accepts"
                           + (": " + "; ".join(helps) if helps else ""))
        f["examples"].append(e.text)

    def option(s: Stmt) -> None:
        at = next((i for i, x in enumerate(s.args) if x.kind == ast.WORD and x.text == "activates"), len(s.args))
        a = Args(ctx, s.args[:at], s.keyword.span)
        num_atom = a.peek()
        number = a.integer(0, 99, "an option number")
        label_atoms = s.args[1:at]
        state.prose.extend(x for x in label_atoms if x.kind == ast.STRING)
        if len(label_atoms) == 1 and label_atoms[0].kind == ast.STRING:
            label = Texts(((ctx.languages[0] if ctx.languages else "en", label_atoms[0].value),))
        else:
            label = Args(ctx, label_atoms, num_atom.span).texts()
        for other in f["options"]:
            if other.number == number:
                raise ctx.fail("T0313", f"option {number} is given twice", num_atom.span, "given again here",
                               help="number each option of a menu differently",
                               notes=[f"first given at line {other.span.line}"])
        passes: tuple[str, ...] = ()
        if at < len(s.args):
            rest = Args(ctx, s.args[at + 1:], s.args[at].span)
            names = rest.names("a pass name")
            rest.end()
            for name, span in names:
                ctx.resolve(PASS, name, span)
            passes = tuple(n for n, _ in names)
        f["options"].append(MenuOption(number, label, passes, s.span))

    _walk(ctx, block, "code", c, {
        "when": when, "to": to, "price": c.price_stmt(None), "roaming": roaming, "variant": variant,
        "example": example, "option": option}, once={"to", "roaming"})
    if c.action is None:
        return
    if f["options"] and c.action != "menu":
        ctx.error("T0314", f"`option` in a code whose action is `{c.action}`", f["options"][0].span,
                  "options belong to menus", help="write `action menu`, or remove the options")
    elif c.action == "menu" and not f["options"]:
        ctx.warning("T0314", "a menu with no options", block.keyword.span, "no `option` lines",
                    help='list the menu\'s options: `option 6 "Putni paket" activates "Putni paket 1"`')
    code = ShortCode(atom.text, parts, suffix, params, c.title, c.eligibility, c.action, c.args,
                     tuple(f["conditions"]), f["network"], c.replies, Texts(tuple(c.texts)), c.price,
                     f["roaming"], tuple(f["variants"]), tuple(f["examples"]),
                     tuple(sorted(f["options"], key=lambda o: o.number)), Texts(tuple(c.about)),
                     tuple(c.notes), block.span)
    ctx.out["codes"].append(code)
    state.codes.append((code, atom.span))


def _split(ctx: Context, text: str):
    parts, suffix, _ = parse_code(ctx, Atom(ast.CODE, text, Span("", 0, 0, 0, 0)))
    return parts, suffix


# -- sms, call, web, service number ----------------------------------------------------------

def _sms_head(ctx: Context, block: Block):
    a = Args(ctx, block.args, block.keyword.span)
    number, nspan = _number(ctx, a)
    atom = a.take('the message in double quotes, e.g. "STATUS"')
    parts, keyword, params = parse_sms(ctx, atom)
    a.end()
    return number, nspan, atom, parts, keyword, params


def declare_sms(block: Block, ctx: Context) -> None:
    try:
        number, _, atom, _, keyword, params = _sms_head(ctx, block)
    except DiagnosticError:  # reported by build_sms
        return
    ctx.declare(SMS_KEYWORD, sms_key(number, keyword, params), atom.span)


def build_sms(block: Block, ctx: Context) -> None:
    number, nspan, atom, parts, keyword, params = _sms_head(ctx, block)
    _require_service_number(ctx, number, nspan)
    c = _Common(ctx, _state(ctx))
    _walk(ctx, block, "sms", c, {"price": c.price_stmt(("sms", None))})
    if c.action is None:
        return
    ctx.out["sms_commands"].append(SmsCommand(
        number, atom.value, keyword, fold_keyword(keyword), parts, params, c.title, c.eligibility,
        c.action, c.args, c.replies, Texts(tuple(c.texts)), c.price, tuple(c.notes), block.span))


def _require_service_number(ctx: Context, number: str, span: Span) -> None:
    if number not in ctx.names[SERVICE_NUMBER]:
        ctx.error("T0310", f"there is no `service number {number}` block", span, "unknown service number",
                  help=f"add a `service number {number} {{ name ... price ... }}` block"
                  + ("; " + hint if (hint := did_you_mean(number, ctx.names[SERVICE_NUMBER], "service numbers")) else ""))


def declare_call(block: Block, ctx: Context) -> None:
    if block.args and block.args[0].kind == ast.NUMBER:
        ctx.declare(CALL, block.args[0].text, block.args[0].span)


def build_call(block: Block, ctx: Context) -> None:
    a = Args(ctx, block.args, block.keyword.span)
    number, _ = _number(ctx, a, "a number to call")
    a.end()
    c = _Common(ctx, _state(ctx))
    _walk(ctx, block, "call", c, {"price": c.price_stmt(None)})
    if c.action is not None:
        ctx.out["calls"].append(CallCommand(number, c.title, c.eligibility, c.action, c.replies,
                                            c.price, tuple(c.notes), block.span))


def declare_web(block: Block, ctx: Context) -> None:
    if block.args and block.args[0].kind == ast.STRING:
        ctx.declare(WEB, block.args[0].value, block.args[0].span)


def build_web(block: Block, ctx: Context) -> None:
    a = Args(ctx, block.args, block.keyword.span)
    name = a.string('the channel\'s name, e.g. "online services"')
    a.end()
    c = _Common(ctx, _state(ctx), replies=False)
    c.stmts["about"] = c.read_about
    _walk(ctx, block, "web", c)
    if c.action is not None:
        ctx.out["web_channels"].append(WebChannel(name, c.title, c.eligibility, c.action,
                                                  tuple(c.notes), block.span))


def declare_service_number(block: Block, ctx: Context) -> None:
    if block.args and block.args[0].kind == ast.NUMBER:
        ctx.declare(SERVICE_NUMBER, block.args[0].text, block.args[0].span)


def build_service_number(block: Block, ctx: Context) -> None:
    a = Args(ctx, block.args, block.keyword.span)
    number, _ = _number(ctx, a)
    a.end()
    c = _Common(ctx, _state(ctx), replies=False)
    f: dict = {"names": Texts(), "roaming": None}

    def roaming(s: Stmt) -> None:
        r = Args(ctx, s.args, s.keyword.span)
        r.words("price")
        r.word("zone", what="`zone sms` (the SMS price of the roaming zone)")
        r.word("sms", what="`sms`")
        r.end()
        f["roaming"] = "zone sms"

    walk(ctx, block, "service number", {
        "name": lambda s: f.__setitem__("names", c.args_of(s).texts()),
        "price": c.price_stmt(("sms",)), "roaming": roaming, "note": c.read_note,
    }, once={"name", "price", "roaming"}, required=("name", "price"))
    if c.price is not None:
        ctx.out["service_numbers"].append(ServiceNumber(number, f["names"], c.price, f["roaming"],
                                                        tuple(c.notes), block.span))


# -- cross-checks ----------------------------------------------------------------------------

def _overlap(segment_of: dict[str, str], a: Eligibility, b: Eligibility) -> bool:
    """Whether some subscriber may be eligible for both (`segment_of`: plan -> segment)."""
    if a.everybody or b.everybody:
        return True
    sa = set(a.segments) | {segment_of.get(p) for p in a.plans}
    sb = set(b.segments) | {segment_of.get(p) for p in b.plans}
    return bool(set(a.segments) & sb or set(b.segments) & sa or set(a.plans) & set(b.plans))


def _literals(code: ShortCode) -> set[str]:
    """The texts of a code that have no parameters (declared, so repeats are T0102)."""
    return {t for t in (code.pattern, *(v for _, v in code.variants)) if "<" not in t}


def _eligibility_marks(segment_of: dict[str, str], e: Eligibility) -> set[tuple[str, str]]:
    """What an eligibility covers, as marks another one can meet (see `_eligibility_keys`)."""
    if e.everybody:
        return {("everybody", ""), ("any", "")}
    return ({("any", "")} | {("segment", s) for s in e.segments} | {("plan", p) for p in e.plans}
            | {("in segment", segment_of.get(p, "")) for p in e.plans})


def _eligibility_keys(segment_of: dict[str, str], e: Eligibility) -> set[tuple[str, str]]:
    """The marks of earlier eligibilities that overlap `e` (the same relation as `_overlap`)."""
    if e.everybody:
        return {("any", "")}  # overlaps every earlier one
    segments = set(e.segments) | {segment_of.get(p, "") for p in e.plans}
    return ({("everybody", "")} | {("segment", s) for s in segments}
            | {("in segment", s) for s in e.segments} | {("plan", p) for p in e.plans})


def _first_segment(code: ShortCode) -> str | None:
    """The digits between the leading `*` and the next `*` or `#`, when they are all literal
    (`*125*1#` -> "125"); None when a parameter starts inside them."""
    head = code.parts[0] if code.parts and isinstance(code.parts[0], str) else "*"
    rest = head[1:]
    ends = [i for i in (rest.find("*"), rest.find("#")) if i >= 0]
    return rest[:min(ends)] if ends else None


def _cross_check(ctx: Context) -> None:
    state = _state(ctx)
    codes = state.codes
    segment_of = {p: s.id for s in ctx.out.get("segments", ()) for p in s.plans}
    # Two codes can only accept a common string if their first segments agree (or one of them
    # has a parameter there): compare within those buckets, so the check stays linear.
    buckets: dict[str | None, list[int]] = {}
    for j, (code, _) in enumerate(codes):
        buckets.setdefault(_first_segment(code), []).append(j)
    overlapping: set[tuple[int, int]] = set()
    for j, (b, bspan) in enumerate(codes):
        b_strings = _strings(b.parts, b.suffix) + [t for _, t in b.variants]
        key = _first_segment(b)
        rivals = range(j) if key is None else sorted(
            i for i in buckets.get(key, []) + buckets.get(None, []) if i < j)
        for i in rivals:
            a, aspan = codes[i]
            if not _overlap(segment_of, a.eligibility, b.eligibility):
                continue
            a_strings = _strings(a.parts, a.suffix) + [t for _, t in a.variants]
            hit = (next((t for t in b_strings if a.match(t) is not None), None)
                   or next((t for t in a_strings if b.match(t) is not None), None))
            if hit is not None:
                overlapping.add((i, j))
                if hit not in _literals(a) & _literals(b):  # else T0102
                    ctx.error("T0306", f"`{hit}` is accepted by both `{a.pattern}` and `{b.pattern}`", bspan,
                              "overlaps another code", help="give the two codes different digits, or make them for different segments",
                              notes=[f"the other code is at {aspan.file}:{aspan.line}"])
    # Two codes for one service (same action and arguments) for the same subscribers: warn
    # once per code, naming the first earlier one it overlaps (indexed, so the check stays
    # linear however many codes share an action).
    first: dict[tuple, int] = {}
    for j, (b, bspan) in enumerate(codes):
        service = (b.action, b.action_args)
        keys = _eligibility_keys(segment_of, b.eligibility)
        rivals = sorted({first[service, k] for k in keys if (service, k) in first})
        rival = next((i for i in rivals if (i, j) not in overlapping), None)
        if rival is not None:
            a, aspan = codes[rival]
            what = " ".join((b.action,) + tuple(f'"{x}"' for x in b.action_args))
            ctx.warning("T0307", f"`{b.pattern}` and `{a.pattern}` both do `{what}` for the same subscribers",
                        bspan, "a second code for this service",
                        help="if the seed names two codes for one service, keep the one you trust and write the reading in a `note`; "
                             "if they serve different subscribers, say so with `for`",
                        notes=[f"the other code is at {aspan.file}:{aspan.line}"])
        for k in _eligibility_marks(segment_of, b.eligibility):
            first.setdefault((service, k), j)
    known = {c.pattern for c, _ in codes} | {t for c, _ in codes for _, t in c.variants} | {
        e for c, _ in codes for e in c.examples}
    for atom in state.prose:
        for m in _PROSE_CODE.finditer(atom.text):
            text = m[0]
            if text in known or any(c.match(text) is not None for c, _ in codes):
                continue
            line = atom.span.line + atom.text.count("\n", 0, m.start())
            col = (atom.span.col + m.start() if line == atom.span.line
                   else m.start() - atom.text.rfind("\n", 0, m.start()))
            span = Span(atom.span.file, line, col, line, col + len(text))
            ctx.warning("T0308", f"the text mentions `{text}`, which is not a declared code", span,
                        "not a code of this operator",
                        help=did_you_mean(text, known, "codes") or "declare the code, or correct the text")


HANDLERS = {
    "code": (declare_code, build_code),
    "sms": (declare_sms, build_sms),
    "call": (declare_call, build_call),
    "web": (declare_web, build_web),
    "service number": (declare_service_number, build_service_number),
}
CHECKS = [_cross_check]
