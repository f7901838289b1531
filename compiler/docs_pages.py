"""The content of each operator page, built from the model for one language.

`build(tariff, fmt)` returns, for each page that has content, the values its template
(`templates/docs/<page>.md.j2`) prints: titles, table rows, notes, worked examples and the
spec line of every rule. Everything is formatted here (`compiler.gen_docs.Format`); templates
only lay it out. Spec texts stay plain strings (the template escapes them) or are `Markup`
already escaped by `md`.
"""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup, escape

from compiler.model.versions import Validity
from compiler.docs_diagrams import family_machine, mermaid, pass_groups, pass_machine
from compiler.docs_diagrams import t as diagram_label
from compiler.docs_examples import Examples, VectorIndex, of_tariff
from compiler.gen_docs import Format, md
from compiler.lower import cite
from compiler.model import Tariff

BALANCE_ACTIONS = ("balance", "account_details", "status", "plan_status", "grant_access",
                   "revoke_access", "card_check")



def time_bands(tariff: Tariff, fmt) -> dict | None:
    """The operator's time bands for the prices page (None without bands)."""
    if not tariff.time_bands:
        return None
    tb = tariff.time_bands[0]
    rows = [[r.band, _join(fmt.t("holidays_word") if d == "holidays" else d for d in r.days),
             fmt.t("all_day") if r.start is None else
             f"{r.start[0]:02d}:{r.start[1]:02d}-{r.end[0]:02d}:{r.end[1]:02d}", _code(cite(r.span))]
            for r in tb.rules]
    lines = [fmt.t("otherwise_band", band=tb.otherwise), fmt.t("crossing_" + tb.crossing)]
    if tb.holidays:
        lines.insert(1, fmt.t("holidays_list", days=_join(fmt.date(d) for d in tb.holidays)))
    return {"header": [fmt.t("band"), fmt.t("band_days"), fmt.t("band_hours"), fmt.t("source")],
            "rows": rows, "lines": lines, "source": cite(tb.span)}


def validity(v, fmt) -> str:
    """When a dated price list or pass is in force, in the page's language ("" undated)."""
    if v is None:
        return ""
    if v.start and v.end:
        return fmt.t("valid_between", start=fmt.date(v.start), end=fmt.date(v.end))
    if v.start:
        return fmt.t("valid_from", start=fmt.date(v.start))
    return fmt.t("valid_until", end=fmt.date(v.end))

def _dated(title: str, v, fmt) -> str:
    """A dated code's or command's title with when it is in force (undated: the title)."""
    return f"{title} ({validity(v, fmt)})" if v is not None else title


def build(tariff: Tariff, fmt: Format, vectors: VectorIndex | None = None) -> dict[str, dict]:
    """`vectors`: the golden vectors the worked examples come from (computed when not given)."""
    ex = Examples(tariff, fmt, vectors if vectors is not None else of_tariff(tariff))
    pages = {"index": index(tariff, fmt)}
    for name, builder in (("prices", prices), ("networks", networks), ("passes", passes),
                          ("codes", codes), ("sms", sms), ("family", family),
                          ("balance", balance), ("bill", bill)):
        ctx = builder(tariff, fmt, ex)
        if ctx is not None:
            pages[name] = ctx
    return pages


def _code(text: str) -> Markup:
    """Text shown as code (escaped with `md`, so it stays literal)."""
    return Markup(f"<code>{md(text)}</code>")


def _join(items) -> str:
    return ", ".join(items)


def index(tariff: Tariff, fmt: Format) -> dict:
    op = tariff.operator
    facts = [
        (fmt.t("country"), fmt.country(op.country)),
        (fmt.t("currency"), op.currency),
        (fmt.t("timezone"), op.timezone),
        (fmt.t("languages"), _join(op.languages)),
        (fmt.t("vat_included"), fmt.t("yes") if op.vat_included else fmt.t("no")),
    ]
    if op.vat_rate is not None:
        facts.append((fmt.t("vat_rate"), fmt.t("vat_in" if op.vat_included else "vat_added",
                                                rate=fmt.decimal(op.vat_rate))))
    if op.rounding:
        facts.append((fmt.t("rounding"), fmt.t("rounding_value", mode=op.rounding.mode,
                                               quantum=fmt.money(op.rounding.quantum, op.currency))))
    segments = [{"id": s.id, "name": fmt.text(s.names, s.id),
                 "plans": _join(s.plans), "source": cite(s.span)} for s in tariff.segments]
    notes = list(op.notes) + [n for s in tariff.segments for n in s.notes]
    return {"title": op.name, "about": fmt.paragraphs(op.about), "facts": facts,
            "segments": segments, "source": cite(op.span), "notes": fmt.notes(notes)}


# --- zones and prices ----------------------------------------------------------------------

def _rate_cell(rate, fmt: Format) -> str:
    if rate.via_zone:
        return fmt.t("via_zone", zone=rate.via_zone)
    if rate.price is None:
        return "—"
    if rate.first_price is not None and rate.interval is not None:
        return fmt.t("first_then", first=f"{fmt.integer(rate.interval.first)} {rate.interval.unit}",
                     first_price=fmt.price(rate.first_price), price=fmt.price(rate.price))
    return fmt.price(rate.price)


def localized_zone(z, fmt: Format) -> str:
    return fmt.text(z.names, "") if z.names else ""


def prices(tariff: Tariff, fmt: Format, ex: Examples) -> dict | None:
    if not tariff.zones and not tariff.price_lists:
        return None
    zones = []
    for z in tariff.zones:
        localized = localized_zone(z, fmt)
        zones.append({
            "name": z.name, "localized": localized,
            "countries": _join(fmt.country(c) for c in z.countries),
            "illustrative": _join(fmt.country(c) for c in z.illustrative_countries + z.illustrative_mcc),
            "mcc": _join(z.mcc), "networks": _join(z.networks), "source": cite(z.span),
            "notes": fmt.notes(z.notes)})
    lists = []
    membership = []
    for z in tariff.zones:
        members = ([(fmt.country(c), fmt.t("yes")) for c in z.countries]
                   + [(fmt.country(c), fmt.t("illustrative")) for c in z.illustrative_countries]
                   + [(f"MCC {m}", fmt.t("yes")) for m in z.mcc]
                   + [(f"MCC {m}", fmt.t("illustrative")) for m in z.illustrative_mcc]
                   + [(n, fmt.t("yes")) for n in z.networks])
        membership.append({"zone": z.name, "localized": localized_zone(z, fmt), "source": cite(z.span),
                           "rows": [[member, seen] for member, seen in members]})
    for pl in tariff.price_lists:
        entry = {"name": pl.name, "localized": fmt.text(pl.names, "") if pl.names else "",
                 "kind": pl.kind, "source": cite(pl.span), "notes": fmt.notes(pl.notes),
                 "on_network": fmt.t("on_network", network=pl.network) if pl.network else "",
                 "intervals": [(fmt.service(s), i.notation, cite(i.span)) for s, i in pl.intervals],
                 "examples": ex.usage(pl), "valid": validity(pl.validity, fmt),
                 "band": fmt.t("in_band", band=pl.band) if pl.band else ""}
        if pl.kind == "zones":
            services = list(dict.fromkeys(r.service for r in pl.rates))
            zone_names = list(dict.fromkeys(r.zone for r in pl.rates))
            rows = []
            for zn in zone_names:
                rates = {r.service: r for r in pl.rates if r.zone == zn}
                first = next(r for r in pl.rates if r.zone == zn)
                rows.append([zn] + [_rate_cell(rates[s], fmt) if s in rates else "—" for s in services]
                            + [_code(cite(first.span))])
            entry["header"] = [fmt.t("zone")] + [fmt.service(s) for s in services] + [fmt.t("source")]
            entry["rows"] = rows
        else:
            entry["header"] = [fmt.t("service"), fmt.t("destination"), fmt.t("price"),
                               fmt.t("interval"), fmt.t("source")]
            entry["rows"] = [[fmt.service(r.service), fmt.destination(r.destination),
                              _rate_cell(r, fmt),
                              (r.interval.notation if r.interval else ""),
                              _code(cite(r.span))] for r in pl.rates]
        lists.append(entry)
    services = [{"name": svc.name, "localized": fmt.text(svc.names, "") if svc.names else "",
                 "unit": fmt.t("unit_" + svc.unit),
                 "numbers": _class_numbers(svc, fmt),
                 "source": cite(svc.span)} for svc in tariff.services]
    return {"title": fmt.t("prices"), "zones": zones, "price_lists": lists, "services": services,
            "service_notes": fmt.notes([n for svc in tariff.services for n in svc.notes]),
            "membership": membership, "bands": time_bands(tariff, fmt),
            "membership_header": [fmt.t("member"), fmt.t("in_seeds")]}


def _class_numbers(svc, fmt: Format) -> str:
    """"At home, for numbers starting with +441; short codes 999; except ..." (a short code
    is written without `+`)."""
    longs = [p for p in svc.numbers if p.startswith("+")]
    shorts = [p for p in svc.numbers if not p.startswith("+")]
    parts = ([fmt.t("class_numbers") + " " + _join(longs)] if longs else []) + \
        ([fmt.t("class_short" if not longs else "short_codes") + " " + _join(shorts)] if shorts else [])
    if svc.not_numbers:
        parts.append(f"{fmt.t('class_except')} {_join(svc.not_numbers)}")
    return "; ".join(parts)


def networks(tariff: Tariff, fmt: Format, ex: Examples) -> dict | None:
    if not tariff.networks:
        return None
    nets = [{"name": n.name, "country": fmt.country(n.country), "mccmnc": _join(n.mccmnc),
             "shown_as": _join(n.shown_as), "numbers": _join(n.numbers),
             "not_numbers": _join(n.not_numbers), "illustrative": _join(n.illustrative_numbers),
             "source": cite(n.span), "notes": fmt.notes(n.notes)} for n in tariff.networks]
    return {"title": fmt.t("networks"), "networks": nets}


# --- passes ----------------------------------------------------------------------------------

def _activation(a, fmt: Format) -> str:
    if a.channel == "code":
        return fmt.t("act_code", code=a.code)
    if a.channel == "menu":
        return fmt.t("act_menu", code=a.code, option=a.option)
    if a.keyword:
        return fmt.t("act_sms", keyword=a.keyword, number=a.number)
    return fmt.t("act_sms_blank", number=a.number)


def _where(where, fmt: Format) -> str:
    kind, names = where
    if kind == "roaming":
        return fmt.t("where_roaming")
    return fmt.t("where_" + kind, names=_join(names))


def passes(tariff: Tariff, fmt: Format, ex: Examples) -> dict | None:
    if not tariff.passes:
        return None
    rows, details = [], []
    for p in tariff.passes:
        includes = []
        for a in p.allowances:
            if a.unit == "KB":
                includes.append(fmt.kb(a.amount))
            else:
                includes.append(f"{fmt.integer(a.amount)} {a.unit}")
        rows.append([p.name, fmt.price(p.price), fmt.duration(p.validity_seconds),
                     _where(p.where, fmt), _join(includes) or "—",
                     "; ".join(_activation(a, fmt) for a in p.activations),
                     p.bill_name or "—", _code(cite(p.span))])
        free = []
        for f in p.free:
            text = fmt.service(f.service)
            if f.destination:
                text += f" {fmt.t('to')} {fmt.destination(f.destination)}"
            if f.service == "data" and p.full_speed_kb is not None:
                text += ": " + fmt.t("full_speed", amount=fmt.kb(p.full_speed_kb),
                                     kbps=fmt.integer(p.throttle_kbps or 0))
            free.append(text)
        details.append({
            "name": p.name, "localized": fmt.text(p.names, "") if p.names else "",
            "family": p.family or "", "for": fmt.eligibility(p.eligibility), "free": free,
            "rates": [f"{fmt.service(r.service)}: {_rate_cell(r, fmt)}" for r in p.rates],
            "exclusive": fmt.t("exclusive", group=p.exclusive) if p.exclusive else "",
            "source": cite(p.span), "notes": fmt.notes(p.notes),
            "valid": validity(p.validity, fmt)})
    header = [fmt.t("name"), fmt.t("price"), fmt.t("validity"), fmt.t("where"), fmt.t("includes"),
              fmt.t("activation"), fmt.t("bill_name"), fmt.t("source")]
    lifecycles = [{"name": name, "diagram": mermaid(pass_machine(tariff, group, fmt))}
                  for name, group in pass_groups(tariff)]
    return {"title": fmt.t("passes"), "header": header, "rows": rows, "details": details,
            "examples": ex.passes(), "lifecycle_title": diagram_label(fmt, "pass_diagram"),
            "diagram_intro": diagram_label(fmt, "diagram_intro"), "lifecycles": lifecycles}


# --- codes -----------------------------------------------------------------------------------

def codes(tariff: Tariff, fmt: Format, ex: Examples) -> dict | None:
    if not tariff.codes:
        return None
    rows, details = [], []
    for c in tariff.codes:
        title = fmt.text(c.title, c.action)
        rows.append([_code(c.pattern), _dated(title, c.validity, fmt), fmt.eligibility(c.eligibility),
                     fmt.price_or_free(c.price), fmt.price_or_free(c.roaming_price),
                     _join(c.replies), _code(cite(c.span))])
        details.append({
            "pattern": c.pattern, "title": title, "action": " ".join((c.action,) + c.action_args),
            "variants": [f"{lg}: {text}" for lg, text in c.variants],
            "conditions": [f"{cond.subject} {cond.op} {fmt.money(cond.value.amount, cond.value.currency)}"
                           for cond in c.conditions],
            "network": fmt.t("to_network", network=c.network) if c.network else "",
            "menu": [{"option": o.number, "label": fmt.text(o.label, ""),
                      "activates": _join(o.activates), "source": cite(o.span)} for o in c.menu],
            "texts": [fmt.text(c.texts)] if c.texts else [],
            "examples_dialled": list(c.examples), "about": fmt.paragraphs(c.about),
            "source": cite(c.span), "notes": fmt.notes(c.notes)})
    header = [fmt.t("code"), fmt.t("title"), fmt.t("for"), fmt.t("price"), fmt.t("in_roaming"),
              fmt.t("reply"), fmt.t("source")]
    return {"title": fmt.t("codes"), "header": header, "rows": rows, "details": details,
            "examples": ex.codes()}


def _param(p, fmt: Format) -> str:
    if p.type == "msisdn":
        return fmt.t("param_msisdn", name=p.name, min=p.min, max=p.max)
    if p.type == "MB":
        return fmt.t("param_mb", name=p.name)
    return fmt.t("param_digits", name=p.name, min=p.min, max=p.max)


def sms(tariff: Tariff, fmt: Format, ex: Examples) -> dict | None:
    if not (tariff.service_numbers or tariff.sms_commands or tariff.calls or tariff.web_channels):
        return None
    numbers = [[n.number, fmt.text(n.names, ""), fmt.price_or_free(n.price),
                fmt.t("zone_sms") if n.roaming_price == "zone sms" else fmt.t("same_as_home"),
                _code(cite(n.span))] for n in tariff.service_numbers]
    commands = []
    for c in tariff.sms_commands:
        keyword = c.keyword if c.keyword else fmt.t("blank_message")
        if c.folded and c.folded != c.keyword.upper():
            keyword = f"{keyword} ({c.folded})"
        commands.append({
            "row": [c.number, _code(c.pattern) if c.pattern else fmt.t("blank_message"),
                    keyword, _dated(fmt.text(c.title, c.action), c.validity, fmt),
                    fmt.eligibility(c.eligibility),
                    " ".join((c.action,) + c.action_args),
                    fmt.price_or_free(c.price) if c.price else
                    fmt.price_or_free(next((n.price for n in tariff.service_numbers if n.number == c.number), None)),
                    _code(cite(c.span))],
            "params": [_param(p, fmt) for p in c.params],
            "texts": [fmt.text(c.texts)] if c.texts else [],
            "notes": fmt.notes(c.notes), "pattern": c.pattern or fmt.t("blank_message"),
            "number": c.number})
    calls = [[c.number, fmt.text(c.title, c.action), fmt.eligibility(c.eligibility), c.action,
              fmt.price_or_free(c.price), _code(cite(c.span))] for c in tariff.calls]
    web = [[w.name, fmt.text(w.title, w.action), fmt.eligibility(w.eligibility), w.action,
            _code(cite(w.span))] for w in tariff.web_channels]
    notes = [n for x in tariff.service_numbers + tariff.calls + tariff.web_channels for n in x.notes]
    return {
        "title": fmt.t("sms"),
        "numbers_header": [fmt.t("number"), fmt.t("name"), fmt.t("price_per_sms"), fmt.t("in_roaming"), fmt.t("source")],
        "numbers": numbers,
        "commands_header": [fmt.t("number"), fmt.t("message"), fmt.t("keyword"), fmt.t("title"), fmt.t("for"),
                            fmt.t("action"), fmt.t("price_per_sms"), fmt.t("source")],
        "commands": commands,
        "calls_header": [fmt.t("number"), fmt.t("title"), fmt.t("for"), fmt.t("action"), fmt.t("price"), fmt.t("source")],
        "calls": calls,
        "web_header": [fmt.t("channel"), fmt.t("title"), fmt.t("for"), fmt.t("action"), fmt.t("source")],
        "web": web, "notes": fmt.notes(notes), "examples": ex.sms()}


# --- family ----------------------------------------------------------------------------------

def family(tariff: Tariff, fmt: Format, ex: Examples) -> dict | None:
    if not tariff.families:
        return None
    out = []
    for f in tariff.families:
        facts = [(fmt.t("for"), fmt.eligibility(f.eligibility))]
        if f.excluded:
            facts.append((fmt.t("excluded"), "; ".join(f.excluded)))
        if f.exceptions:
            facts.append((fmt.t("exceptions"), "; ".join(f.exceptions)))
        facts += [
            (fmt.t("members"), fmt.t("members_value", min=fmt.integer(f.min_members), max=fmt.integer(f.max_members))),
            (fmt.t("fee"), f"{fmt.price(f.fee)} ({fmt.t('prorated') if f.fee_prorated else fmt.t('not_prorated')})"),
            *((fmt.t("fee"), f"{fmt.price(price)}: {validity(Validity(day, None, span), fmt)}")
              for day, price, span in f.fee_changes),
            (fmt.t("bonus_on"), _join(f.bonus_on)),
            (fmt.t("free_in_group"), _join(f.free_in_group)),
        ]
        if f.transfer_step_kb:
            facts.append((fmt.t("transfer"), fmt.t("transfer_value", step=fmt.kb(f.transfer_step_kb),
                                                   min=fmt.kb(f.transfer_min_kb or f.transfer_step_kb),
                                                   source=f.transfer_from or "")))
        if f.invitation_seconds:
            facts.append((fmt.t("invitation"), fmt.duration(f.invitation_seconds)))
        if f.groups_per_month:
            facts.append((fmt.t("groups_per_month"), fmt.integer(f.groups_per_month)))
        facts += [(fmt.t("changes_effective"), f.changes_effective),
                  (fmt.t("bonus_expiry"), f.bonus_expiry),
                  (fmt.t("benefits_after_exit"), f.benefits_after_exit),
                  (fmt.t("channels"), _join(f.channels))]
        examples = ex.family(f)
        out.append({
            "name": f.name, "localized": fmt.text(f.names, "") if f.names else "",
            "about": fmt.paragraphs(f.about), "facts": facts, "source": cite(f.span),
            "tiers": [[fmt.integer(t.members), fmt.percent(t.percent), _code(cite(t.span))]
                      for t in f.tiers],
            "rules": [[_code(r.id), fmt.text(r.texts), _code(cite(r.span))]
                      for r in f.rules],
            "ends_when": [{"text": text, "source": cite(span)} for text, span in f.ends_when],
            "commands": [[_code(c.pattern), c.number, c.action]
                         for c in tariff.sms_commands if c.action.startswith("family_")],
            "examples": examples, "notes": fmt.notes(f.notes),
            "diagram": mermaid(family_machine(tariff, f, fmt))})
    return {"title": fmt.t("family"), "families": out,
            "diagram_title": diagram_label(fmt, "family_diagram"),
            "diagram_intro": diagram_label(fmt, "diagram_intro")}


# --- balance ---------------------------------------------------------------------------------

def balance(tariff: Tariff, fmt: Format, ex: Examples) -> dict | None:
    if not tariff.billing_windows and not tariff.notifications:
        return None
    channels = []
    for c in tariff.codes:
        if c.action in BALANCE_ACTIONS:
            channels.append([fmt.t("code"), _code(c.pattern), fmt.text(c.title, c.action),
                             fmt.eligibility(c.eligibility), fmt.price_or_free(c.price), _code(cite(c.span))])
    for c in tariff.sms_commands:
        if c.action in BALANCE_ACTIONS:
            price = c.price or next((n.price for n in tariff.service_numbers if n.number == c.number), None)
            channels.append(["SMS", Markup(f"{md(c.number)}: <code>{md(c.pattern)}</code>") if c.pattern else
                             Markup(f"{md(c.number)}: {md(fmt.t('blank_message'))}"),
                             fmt.text(c.title, c.action), fmt.eligibility(c.eligibility),
                             fmt.price_or_free(price), _code(cite(c.span))])
    for c in tariff.calls:
        if c.action in BALANCE_ACTIONS:
            channels.append([fmt.t("calls"), c.number, fmt.text(c.title, c.action), fmt.eligibility(c.eligibility),
                             fmt.price_or_free(c.price), _code(cite(c.span))])
    for w in tariff.web_channels:
        if w.action in BALANCE_ACTIONS:
            channels.append([fmt.t("web"), w.name, fmt.text(w.title, w.action), fmt.eligibility(w.eligibility),
                             fmt.t("not_stated"), _code(cite(w.span))])
    windows = []
    for w in tariff.billing_windows:
        windows.append({
            "text": fmt.t("window_value", from_day=w.from_day, to_day=w.to_day, at=fmt.time(dt.time(*w.at))),
            "defers": [f"{kind} {ref}" for kind, ref in w.defers], "source": cite(w.span),
            "notes": fmt.notes(w.notes), "examples": ex.billing_window(w)})
    notes = [{"kind": n.kind, "for": fmt.eligibility(n.eligibility), "triggers": _join(n.triggers),
              "off": _join(n.off_channels), "source": cite(n.span), "notes": fmt.notes(n.notes)}
             for n in tariff.notifications]
    header = [fmt.t("channel"), fmt.t("code"), fmt.t("title"), fmt.t("for"), fmt.t("price"), fmt.t("source")]
    return {"title": fmt.t("balance"), "header": header, "channels": channels, "windows": windows,
            "notifications": notes}


# --- bill ------------------------------------------------------------------------------------

def _plain(texts, fmt: Format) -> str:
    """A spec text in the page's language (else the default language's), unescaped."""
    for lang in (fmt.lang, fmt.default, *texts.languages):
        if texts.get(lang) is not None:
            return " ".join(texts.get(lang).split())
    return ""


def bill_layout(b, fmt: Format) -> Markup:
    """The bill as a picture: its front and back as two sheets, each field a numbered box
    with its key and legend (an HTML block: spec text HTML-escaped; `docs/css/site.css`)."""
    sheets = []
    for title, side in ((fmt.t("front"), b.front), (fmt.t("back"), b.back)):
        boxes = "".join(
            f'<div class="bill-field"><span class="bill-no">{escape(fmt.integer(f.number))}</span>'
            f'<span class="bill-text"><span class="bill-key">{escape(f.key)}</span>'
            f'{escape(_plain(f.texts, fmt))}</span></div>' for f in side)
        sheets.append(f'<div class="bill-sheet"><h4>{escape(title)}</h4>{boxes}</div>')
    return Markup(f'<div class="bill-layout" role="figure" aria-label="{escape(b.name)}">{"".join(sheets)}</div>')


def bill(tariff: Tariff, fmt: Format, ex: Examples) -> dict | None:
    if not tariff.bills:
        return None
    out = []
    for b in tariff.bills:
        examples = ex.bill(b)
        fields = lambda side: [[fmt.integer(f.number), _code(f.key), fmt.text(f.texts),
                                _code(cite(f.span))] for f in side]
        out.append({
            "name": b.name, "localized": fmt.text(b.names, "") if b.names else "",
            "period": fmt.t("period_" + b.period), "first_period": fmt.t("period_" + b.first_period),
            "formulas": [{"text": f"{f.target} = " + " ".join(
                (sign + " " if i or sign == "-" else "") + name for i, (sign, name) in enumerate(f.terms)),
                "source": cite(f.span)} for f in b.formulas],
            "front": fields(b.front), "back": fields(b.back), "layout": bill_layout(b, fmt),
            "categories": [[c.name, _join(c.passes), _code(cite(c.span))] for c in b.one_time],
            "examples": examples, "source": cite(b.span), "notes": fmt.notes(b.notes)})
    return {"title": fmt.t("bill"), "bills": out,
            "field_header": [fmt.t("field"), fmt.t("key"), fmt.t("legend"), fmt.t("source")],
            "category_header": [fmt.t("category"), fmt.t("passes"), fmt.t("source")]}
