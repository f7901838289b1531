"""Checked model -> the state diagrams of the operator pages (Mermaid `stateDiagram-v2`).

Two pictures, each built as data (a `Machine`: states and transitions) from the model and
then printed as Mermaid text, so a change of the spec changes the picture:

- `family_machine`: the life cycle of a family group (runtime.family's state machine): the
  SMS commands that drive it (their messages and number come from the spec's `sms` blocks
  with `family_*` actions; a transition whose command the spec does not declare is not
  drawn), the invitation's validity (no expiry edge when `invitation valid` is not given),
  when changes take effect (`next month`: a "change pending" state closed at month end;
  `immediately`: the group is recomposed at once), the bonus table, the fee, what happens
  after the group ends.
- `pass_machine`: the life cycle of a pass (runtime.passes): how it is bought and what it
  costs, its allowances (used up: the price list charges again), free data at full speed
  then throttled, its validity, and the passes of its `exclusive` group that replace it.
  The passes of one `passes` table share one picture.

Labels are in the page's language (`LABELS`, like compiler.docs_labels: en, sr, az, ru).
Spec text reaches the Mermaid source only through `label_text`, which writes every character
that Mermaid or Markdown could read as syntax as a Mermaid entity (`#42;` for `*`).
"""

from __future__ import annotations

import re

import attrs
from markupsafe import Markup

from compiler.gen_docs import Format
from compiler.model import Tariff

START = "[*]"  # Mermaid's start and end pseudo-state

# key: (en, sr, az, ru)
LABELS: dict[str, tuple[str, str, str, str]] = {
    "family_diagram": ("Life cycle of a group", "Životni ciklus grupe", "Qrupun həyat dövrü", "Жизненный цикл группы"),
    "pass_diagram": ("Life cycle", "Životni ciklus", "Həyat dövrü", "Жизненный цикл"),
    "diagram_intro": ("Drawn from the spec by tariffc: the states and transitions the runtime implements.",
                      "Nacrtao tariffc iz specifikacije: stanja i prelazi koje runtime primenjuje.",
                      "tariffc tərəfindən spesifikasiyadan çəkilib: runtime-ın tətbiq etdiyi vəziyyətlər və keçidlər.",
                      "Нарисовано tariffc по спецификации: состояния и переходы, которые реализует runtime."),
    # family states
    "st_pending": ("Invitations sent", "Pozivnice poslate", "Dəvətlər göndərilib", "Приглашения отправлены"),
    "st_active": ("Group active", "Grupa aktivna", "Qrup aktivdir", "Группа активна"),
    "st_changing": ("Change from next month", "Promena od sledećeg meseca", "Dəyişiklik gələn aydan", "Изменение со следующего месяца"),
    "st_not_created": ("Group not created", "Grupa nije kreirana", "Qrup yaradılmayıb", "Группа не создана"),
    "st_ended": ("Group ended", "Grupa ugašena", "Qrup bitib", "Группа завершена"),
    # family transitions
    "tr_create": ("{cmd} to {number}: invites {lo} to {hi} numbers", "{cmd} na {number}: poziva {lo} do {hi} brojeva",
                  "{number} nömrəsinə {cmd}: {lo}-{hi} nömrə dəvət edir", "{cmd} на {number}: приглашает от {lo} до {hi} номеров"),
    "tr_accept_some": ("{cmd}: others still to answer", "{cmd}: ostali još nisu odgovorili", "{cmd}: digərləri hələ cavab verməyib",
                       "{cmd}: остальные ещё не ответили"),
    "tr_accept_all": ("{cmd} from every invitee: {min} to {max} members, bonus {tiers}",
                      "{cmd} od svih pozvanih: {min} do {max} članova, bonus {tiers}",
                      "bütün dəvət olunanlardan {cmd}: {min}-{max} üzv, bonus {tiers}",
                      "{cmd} от всех приглашённых: от {min} до {max} участников, бонус {tiers}"),
    "tr_decline": ("{cmd} from an invitee", "{cmd} od pozvanog", "dəvət olunandan {cmd}", "{cmd} от приглашённого"),
    "tr_cancel": ("{cmd} from the initiator", "{cmd} od inicijatora", "təşəbbüskardan {cmd}", "{cmd} от инициатора"),
    "tr_expire": ("no answer within {duration}", "nema odgovora za {duration}", "{duration} ərzində cavab yoxdur",
                  "нет ответа в течение {duration}"),
    "tr_on_hold": ("an invitee holds an earlier invitation", "pozvani već ima raniju pozivnicu",
                   "dəvət olunanın əvvəlki dəvəti var", "у приглашённого уже есть более раннее приглашение"),
    "tr_change": ("{cmd}", "{cmd}", "{cmd}", "{cmd}"),
    "tr_change_now": ("{cmd}: the group is recomposed at once", "{cmd}: grupa se odmah formira ponovo",
                      "{cmd}: qrup dərhal yenidən qurulur", "{cmd}: группа сразу пересобирается"),
    "tr_month_end_change": ("month end: a new group of the members left", "kraj meseca: nova grupa od preostalih članova",
                            "ay sonu: qalan üzvlərdən yeni qrup", "конец месяца: новая группа из оставшихся участников"),
    "tr_too_small": ("fewer than {min} members left", "ostalo manje od {min} članova", "{min} üzvdən az qalıb",
                     "осталось меньше {min} участников"),
    "tr_month_end": ("month end: fee {fee} per member, bonus {expiry}", "kraj meseca: naknada {fee} po članu, bonus {expiry}",
                     "ay sonu: üzv başına {fee} haqq, bonus {expiry}", "конец месяца: плата {fee} с участника, бонус {expiry}"),
    "bonus_renewed": ("renewed", "se obnavlja", "yenilənir", "обновляется"),
    "bonus_kept": ("kept", "ostaje", "qalır", "сохраняется"),
    "tr_transfer": ("{cmd}: bonus data to a member", "{cmd}: bonus internet članu", "{cmd}: üzvə bonus internet",
                    "{cmd}: бонусный интернет участнику"),
    "tr_ends_when": ("one of the {n} events of “ends when”", "jedan od {n} događaja „prestaje kada”",
                     "“bitir” bölməsinin {n} hadisəsindən biri", "одно из {n} событий «прекращается, когда»"),
    "tr_benefits_month": ("benefits until the end of the month", "pogodnosti do kraja meseca", "üstünlüklər ayın sonuna qədər",
                          "льготы до конца месяца"),
    "tr_benefits_now": ("benefits end at once", "pogodnosti odmah prestaju", "üstünlüklər dərhal bitir", "льготы сразу прекращаются"),
    # pass states and transitions
    "st_pass_active": ("Active: {where}", "Aktivan: {where}", "Aktivdir: {where}", "Активен: {where}"),
    "st_allowance": ("Allowance left: {items}", "Preostalo: {items}", "Qalıq: {items}", "Остаток: {items}"),
    "st_used_up": ("Allowance used up: charged at the price list", "Potrošeno: naplata po cenovniku",
                   "Limit bitib: qiymət siyahısı ilə ödənilir", "Лимит исчерпан: оплата по прейскуранту"),
    "st_full_speed": ("Free data at full speed", "Besplatan internet punom brzinom", "Tam sürətlə pulsuz internet",
                      "Бесплатный интернет на полной скорости"),
    "st_throttled": ("Throttled to {kbps} kbps, still free", "Usporeno na {kbps} kbps, i dalje besplatno",
                     "{kbps} kbps-ə qədər yavaşladılıb, yenə pulsuz", "Скорость снижена до {kbps} кбит/с, всё ещё бесплатно"),
    "st_free": ("Free: {items}", "Besplatno: {items}", "Pulsuz: {items}", "Бесплатно: {items}"),
    "st_expired": ("Expired", "Istekao", "Müddəti bitib", "Истёк"),
    "st_replaced": ("Replaced", "Zamenjen", "Əvəz olunub", "Заменён"),
    "st_refused": ("Refused", "Odbijeno", "Rədd edilib", "Отклонено"),
    "tr_activate": ("{channels}: pays {price}", "{channels}: plaća se {price}", "{channels}: {price} ödənilir",
                    "{channels}: оплата {price}"),
    "tr_refused": ("not eligible, or a prepaid balance below the price", "nema pravo, ili je prepaid stanje manje od cene",
                   "hüququ yoxdur və ya prepaid balans qiymətdən azdır", "нет права или баланс предоплаты меньше цены"),
    "tr_valid": ("{duration} after activation", "{duration} posle aktivacije", "aktivləşdirmədən {duration} sonra",
                 "через {duration} после активации"),
    "tr_used": ("allowance used", "potrošeno", "limit istifadə olunub", "лимит израсходован"),
    "tr_full_used": ("{amount} used", "potrošeno {amount}", "{amount} istifadə olunub", "израсходовано {amount}"),
    "tr_replaced": ("{others} activated (group {group})", "aktiviran {others} (grupa {group})",
                    "{others} aktivləşdirildi ({group} qrupu)", "активирован {others} (группа {group})"),
}
_INDEX = {"en": 0, "sr": 1, "az": 2, "ru": 3}


def t(fmt: Format, key: str, **args) -> str:
    """The diagram label `key` in the page's language (English when it has no column)."""
    text = LABELS[key][_INDEX.get(fmt.lang, 0)]
    return text.format(**args) if args else text


@attrs.frozen(slots=True)
class State:
    """A state: `id` (a Mermaid identifier), its label, and the composite state it is in."""

    id: str
    label: str
    parent: str | None = None


@attrs.frozen(slots=True)
class Transition:
    """An edge from `source` to `target` (`START`: the start or the end). An edge inside a
    composite state has a `source` prefixed with it (`active/[*]`, `active/full_speed`)."""

    source: str
    target: str
    label: str


@attrs.frozen(slots=True)
class Machine:
    """A state diagram as data: printed by `mermaid`, compared by the tests."""

    title: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]

    def edges(self) -> set[tuple[str, str]]:
        return {(e.source, e.target) for e in self.transitions}


# --- printing -------------------------------------------------------------------------------

_SAFE = re.compile(r"[\w \-.,()/+–’“”„…]", re.UNICODE)


def label_text(text: str) -> str:
    """Text as a Mermaid label: one line, every character outside letters, digits, spaces
    and plain punctuation written as a Mermaid entity (`#42;`), so no spec text can be read
    as diagram syntax, a Markdown fence or HTML.

    >>> label_text("*125*1# <b>: x; `y`")
    '#42;125#42;1#35; #60;b#62;#58; x#59; #96;y#96;'
    """
    text = " ".join(text.split())
    return "".join(c if _SAFE.fullmatch(c) else f"#{ord(c)};" for c in text)


def mermaid(machine: Machine) -> Markup:
    """The Mermaid source of a machine (for a ```` ```mermaid ```` fence)."""
    lines = ["stateDiagram-v2"]
    children: dict[str | None, list[State]] = {}
    for s in machine.states:
        children.setdefault(s.parent, []).append(s)

    def emit(state: State, indent: str) -> None:
        lines.append(f"{indent}{state.id}: {label_text(state.label)}")
        inner = children.get(state.id)
        if inner:
            lines.append(f"{indent}state {state.id} {{")
            for child in inner:
                emit(child, indent + "    ")
            for e in machine.transitions:
                if e.source.startswith(state.id + "/"):
                    lines.append(f"{indent}    {_end(e.source)} --> {_end(e.target)}: {label_text(e.label)}"
                                 if e.label else f"{indent}    {_end(e.source)} --> {_end(e.target)}")
            lines.append(f"{indent}}}")

    for s in children.get(None, []):
        emit(s, "    ")
    # parallel edges (the ways a group is not created) are drawn as one, a label a line
    merged: dict[tuple[str, str], list[str]] = {}
    for e in machine.transitions:
        if "/" not in e.source:
            merged.setdefault((e.source, e.target), []).append(e.label)
    for (source, target), labels in merged.items():
        text = "<br>".join(label_text(x) for x in labels if x)
        lines.append(f"    {source} --> {target}: {text}" if text else f"    {source} --> {target}")
    return Markup("\n".join(lines))


def _end(ref: str) -> str:
    """`active/[*]` (the start inside a composite state) -> `[*]`; `active/full` -> `full`."""
    return ref.split("/", 1)[1] if "/" in ref else ref


# --- the family group -----------------------------------------------------------------------

def _command(tariff: Tariff, action: str) -> str | None:
    """The message of the spec's SMS command for `action` (placeholders shortened), or None."""
    cmd = next((c for c in tariff.sms_commands if c.action == action), None)
    if cmd is None:
        return None
    text = cmd.pattern or cmd.keyword or ""
    return re.sub(r"<(\w+)[^>]*>", r"<\1>", text).strip()


def _command_number(tariff: Tariff, action: str) -> str:
    return next((c.number for c in tariff.sms_commands if c.action == action), "")


def family_machine(tariff: Tariff, family, fmt: Format) -> Machine:
    """The life cycle of a group of the promotion `family`, from the model."""
    cmd = {a: _command(tariff, a) for a in ("family_create", "family_accept", "family_decline",
                                            "family_cancel", "family_exit", "family_add",
                                            "family_transfer")}
    states = [State("pending", t(fmt, "st_pending")), State("active", t(fmt, "st_active")),
              State("not_created", t(fmt, "st_not_created")), State("ended", t(fmt, "st_ended"))]
    edges: list[Transition] = []
    if cmd["family_create"]:
        create = next(c for c in tariff.sms_commands if c.action == "family_create")
        counts = next((p for p in create.params if p.type == "msisdn"), None)
        lo = max(counts.min if counts else 1, family.min_members - 1)
        hi = min(counts.max if counts else family.max_members - 1, family.max_members - 1)
        edges.append(Transition(START, "pending", t(fmt, "tr_create", cmd=cmd["family_create"],
                                                    number=_command_number(tariff, "family_create"),
                                                    lo=fmt.integer(lo), hi=fmt.integer(hi))))
    if cmd["family_accept"]:
        tiers = "/".join(fmt.percent(x.percent) for x in family.tiers)
        edges.append(Transition("pending", "pending", t(fmt, "tr_accept_some", cmd=cmd["family_accept"])))
        edges.append(Transition("pending", "active", t(
            fmt, "tr_accept_all", cmd=cmd["family_accept"], min=fmt.integer(family.min_members),
            max=fmt.integer(family.max_members), tiers=tiers)))
    if cmd["family_decline"]:
        edges.append(Transition("pending", "not_created", t(fmt, "tr_decline", cmd=cmd["family_decline"])))
    if cmd["family_cancel"]:
        edges.append(Transition("pending", "not_created", t(fmt, "tr_cancel", cmd=cmd["family_cancel"])))
    if family.invitation_seconds:
        edges.append(Transition("pending", "not_created",
                                t(fmt, "tr_expire", duration=fmt.duration(family.invitation_seconds))))
    edges.append(Transition("pending", "not_created", t(fmt, "tr_on_hold")))
    edges.append(Transition("not_created", START, ""))
    expiry = t(fmt, "bonus_renewed" if family.bonus_expiry == "end of month" else "bonus_kept")
    edges.append(Transition("active", "active", t(fmt, "tr_month_end", fee=fmt.price(family.fee), expiry=expiry)))
    if cmd["family_transfer"] and family.transfer_step_kb:
        edges.append(Transition("active", "active", t(fmt, "tr_transfer", cmd=cmd["family_transfer"])))
    changes = [c for c in (cmd["family_add"], cmd["family_exit"]) if c]
    if changes and family.changes_effective == "next month":
        states.insert(2, State("changing", t(fmt, "st_changing")))
        for c in changes:
            edges.append(Transition("active", "changing", t(fmt, "tr_change", cmd=c)))
        edges.append(Transition("changing", "active", t(fmt, "tr_month_end_change")))
        edges.append(Transition("changing", "ended", t(fmt, "tr_too_small", min=fmt.integer(family.min_members))))
    elif changes:
        for c in changes:
            edges.append(Transition("active", "active", t(fmt, "tr_change_now", cmd=c)))
        if cmd["family_exit"]:
            edges.append(Transition("active", "ended", t(fmt, "tr_too_small", min=fmt.integer(family.min_members))))
    if family.ends_when:
        edges.append(Transition("active", "ended", t(fmt, "tr_ends_when", n=fmt.integer(len(family.ends_when)))))
    edges.append(Transition("ended", START, t(fmt, "tr_benefits_month" if family.benefits_after_exit == "end of month"
                                               else "tr_benefits_now")))
    used = {e.source for e in edges} | {e.target for e in edges}
    return Machine(t(fmt, "family_diagram"), tuple(s for s in states if s.id in used), tuple(edges))


# --- passes ---------------------------------------------------------------------------------

def pass_groups(tariff: Tariff) -> list[tuple[str, tuple]]:
    """The passes drawn together: the rows of one `passes` table, or one `pass` block."""
    groups: dict[str, list] = {}
    for p in tariff.passes:
        groups.setdefault(p.family or p.name, []).append(p)
    return [(name, tuple(ps)) for name, ps in groups.items()]


def _distinct(values) -> str:
    return ", ".join(dict.fromkeys(values))


def _channels(activations: list, fmt: Format) -> str:
    """How the passes are bought, SMS keywords to one number joined (`SMS TPP1, TPP2 to 9000`)."""
    from compiler.docs_pages import _activation

    keywords: dict[str, list[str]] = {}
    for a in activations:
        if a.channel == "sms" and a.keyword:
            keywords.setdefault(a.number, []).append(a.keyword)
    out = []
    for a in activations:
        if a.channel == "sms" and a.keyword:
            if a.number in keywords:
                out.append(fmt.t("act_sms", keyword=_distinct(keywords.pop(a.number)), number=a.number))
        else:
            out.append(_activation(a, fmt))
    return _distinct(out)


def pass_machine(tariff: Tariff, passes: tuple, fmt: Format) -> Machine:
    """The life cycle of the passes `passes` (one `passes` table or one pass), from the model."""
    from compiler.docs_pages import _where

    first = passes[0]
    prices = sorted({p.price.amount for p in passes})
    price = fmt.price(first.price) if len(prices) == 1 else (
        f"{fmt.money(prices[0], first.price.currency)} – {fmt.money(prices[-1], first.price.currency)}")
    channels = _channels([a for p in passes for a in p.activations], fmt)
    states = [State("active", t(fmt, "st_pass_active", where=_distinct(_where(p.where, fmt) for p in passes)))]
    edges = [Transition(START, "active", t(fmt, "tr_activate", channels=channels, price=price))]
    if any(p.eligibility.segments or p.eligibility.plans for p in passes) or any(
            p.price.amount for p in passes):
        states.append(State("refused", t(fmt, "st_refused")))
        edges += [Transition(START, "refused", t(fmt, "tr_refused")), Transition("refused", START, "")]
    inner = "active/[*]"
    if any(p.allowances for p in passes):
        units = _distinct(("data" if a.unit == "KB" else a.unit) for p in passes for a in p.allowances)
        states += [State("allowance", t(fmt, "st_allowance", items=units), "active"),
                   State("used_up", t(fmt, "st_used_up"), "active")]
        edges += [Transition(inner, "allowance", ""), Transition("active/allowance", "used_up", t(fmt, "tr_used"))]
    elif any(p.full_speed_kb is not None for p in passes):
        amounts = _distinct(fmt.kb(p.full_speed_kb) for p in passes if p.full_speed_kb is not None)
        kbps = _distinct(fmt.integer(p.throttle_kbps or 0) for p in passes if p.full_speed_kb is not None)
        states += [State("full_speed", t(fmt, "st_full_speed"), "active"),
                   State("throttled", t(fmt, "st_throttled", kbps=kbps), "active")]
        edges += [Transition(inner, "full_speed", ""),
                  Transition("active/full_speed", "throttled", t(fmt, "tr_full_used", amount=amounts))]
    elif any(p.free for p in passes):
        items = _distinct(fmt.t("svc_" + f.service) for p in passes for f in p.free)
        states.append(State("free", t(fmt, "st_free", items=items), "active"))
        edges.append(Transition(inner, "free", ""))
    states.append(State("expired", t(fmt, "st_expired")))
    edges += [Transition("active", "expired", t(fmt, "tr_valid", duration=_distinct(
        fmt.duration(p.validity_seconds) for p in passes))), Transition("expired", START, "")]
    # activating any pass of the same exclusive group (this one again too) ends the active one
    for group in sorted({p.exclusive for p in passes if p.exclusive}):
        members = [p.name for p in tariff.passes if p.exclusive == group]
        if not any(s.id == "replaced" for s in states):
            states.append(State("replaced", t(fmt, "st_replaced")))
        edges += [Transition("active", "replaced", t(fmt, "tr_replaced", others=", ".join(members), group=group)),
                  Transition("replaced", START, "")]
    return Machine(t(fmt, "pass_diagram"), tuple(states), tuple(edges))
