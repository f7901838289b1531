"""Balance queries, the billing window and automatic balance notifications.

`install(engine)` sets `engine.balance`, a `Balance` that other areas use:

- `engine.balance.answer(world, msisdn, action, lang, at)`: the texts and facts that answer a
  balance query (`balance`, `status`, `account_details`), in the subscriber's language;
- `engine.balance.deferral(kind, ref, at)`: the billing window that defers a request (Azercell:
  `sms 650`, `call 650`, `code *650#YES`, `web "online services"`, from the 4th at 23:00 to the
  24th at 23:00, local time), or None when the request is answered now;
- `engine.balance.defer(world, msisdn, kind, ref, at, lang)`: records the deferred request and
  returns the reply that says so;
- `engine.balance.notify(world, msisdn, outcome, trigger=None)`: the automatic balance update
  a prepaid subscriber receives when a charge changed the balance (seed 002).

The runtime/commands area routes codes, SMS, calls and web requests here; it registers no
event of its own.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from runtime.errors import InvalidEvent
from runtime.events import Outcome, Reply
from runtime.money import Money
from runtime.state import Subscriber, World, frozen_map

DEFERRED_TO = "next bill cycle"

# Reply texts per language; a text missing in a language falls back to the operator's default
# language, then to English.
PHRASES: dict[str, dict[str, str]] = {
    "balance": {
        "en": "Your balance is {balance}.",
        "sr": "Stanje na Vašem računu je {balance}.",
        "az": "Balansınız: {balance}.",
        "ru": "Ваш баланс: {balance}.",
    },
    "passes": {
        "en": "Active: {passes}.",
        "sr": "Aktivno: {passes}.",
        "az": "Aktiv: {passes}.",
        "ru": "Активно: {passes}.",
    },
    "current": {
        "en": "Current amount: {current}.",
        "sr": "Trenutno zaduženje: {current}.",
        "az": "Cari məbləğ: {current}.",
        "ru": "Текущая сумма: {current}.",
    },
    "billed": {
        "en": "Billed amount not paid: {billed}.",
        "sr": "Dug po poslednjem računu: {billed}.",
        "az": "Ödənilməmiş hesab məbləği: {billed}.",
        "ru": "Неоплаченная сумма счёта: {billed}.",
    },
    "advance": {
        "en": "Advance payment: {advance}.",
        "sr": "Avansna uplata: {advance}.",
        "az": "Avans ödənişi: {advance}.",
        "ru": "Авансовый платёж: {advance}.",
    },
    "package": {
        "en": "Tariff package: {plan}.",
        "sr": "Tarifni paket: {plan}.",
        "az": "Tarif paketi: {plan}.",
        "ru": "Тарифный пакет: {plan}.",
    },
    "account": {
        "en": "Last bill: {billed}. Total debt: {debt}. Account number: {account}.",
        "sr": "Poslednji račun: {billed}. Ukupan dug: {debt}. Broj računa: {account}.",
        "az": "Son hesab: {billed}. Ümumi borc: {debt}. Hesab nömrəsi: {account}.",
        "ru": "Последний счёт: {billed}. Общий долг: {debt}. Номер счёта: {account}.",
    },
    "plan_status": {
        "en": "Tariff plan: {plan}. Roaming: {roaming}.",
        "az": "Tarif planı: {plan}. Rouminq: {roaming}.",
        "ru": "Тарифный план: {plan}. Роуминг: {roaming}.",
    },
    "roaming_on": {"en": "on ({country})", "az": "aktiv ({country})", "ru": "включён ({country})"},
    "roaming_off": {"en": "off", "az": "deaktiv", "ru": "выключен"},
    "granted": {
        "en": "Access to your balance information is enabled.",
        "az": "Balans məlumatlarınıza giriş aktivləşdirildi.",
        "ru": "Доступ к информации о вашем балансе включён.",
    },
    "revoked": {
        "en": "Access to your balance information is disabled.",
        "az": "Balans məlumatlarınıza giriş deaktiv edildi.",
        "ru": "Доступ к информации о вашем балансе отключён.",
    },
    "card_used": {
        "en": "The card {serial} has been used.",
        "az": "{serial} nömrəli kart istifadə olunub.",
        "ru": "Карта {serial} уже использована.",
    },
    "card_unused": {
        "en": "The card {serial} has not been used.",
        "az": "{serial} nömrəli kart istifadə olunmayıb.",
        "ru": "Карта {serial} не использована.",
    },
    "card_unknown": {
        "en": "The card {serial} was not found.",
        "az": "{serial} nömrəli kart tapılmadı.",
        "ru": "Карта {serial} не найдена.",
    },
    "deferred": {
        "en": "Billing is in progress (from the {from_day}th at {time} to the {to_day}th at "
              "{time}); your request will be carried out in the next bill cycle.",
        "sr": "Obračun je u toku (od {from_day}. u {time} do {to_day}. u {time}); Vaš zahtev "
              "biće izvršen u sledećem obračunskom periodu.",
        "az": "Hesablama gedir (ayın {from_day}-dən saat {time}-dan {to_day}-dək saat "
              "{time}-a qədər); sorğunuz növbəti hesab dövründə yerinə yetiriləcək.",
        "ru": "Идёт выставление счетов (с {from_day}-го числа в {time} до {to_day}-го в "
              "{time}); ваш запрос будет выполнен в следующем расчётном цикле.",
    },
}


def phrase(key: str, lang: str, default: str, **values) -> str:
    """A reply text in `lang` (else the operator's `default` language, else English).

    >>> phrase("balance", "ru", "az", balance="5.00 AZN")
    'Ваш баланс: 5.00 AZN.'
    >>> phrase("balance", "de", "sr", balance="14,99 RSD")
    'Stanje na Vašem računu je 14,99 RSD.'
    """
    texts = PHRASES[key]
    return (texts.get(lang) or texts.get(default) or texts["en"]).format(**values)


def fmt_money(m: Money, decimal: str = ".", lang: str | None = None,
              default: str | None = None) -> str:
    """An amount in a reply written in `lang`, the operator's first language being `default`.

    A reply in the operator's first language (or with no language given) writes the amount as
    the operator does, with its `decimal` mark: `1.524,40 RSD` (Telenor, decimal comma),
    `0.10 AZN` (Azercell, decimal point). A reply in any other language writes a decimal point
    and comma thousands: `1,524.40 RSD` (which for Azercell changes nothing).

    >>> from decimal import Decimal
    >>> fmt_money(Money(Decimal("1524.4"), "RSD"), ","), fmt_money(Money("0.1", "AZN"))
    ('1.524,40 RSD', '0.10 AZN')
    >>> rsd = Money(Decimal("1524.4"), "RSD")
    >>> fmt_money(rsd, ",", "sr", "sr"), fmt_money(rsd, ",", "en", "sr")
    ('1.524,40 RSD', '1,524.40 RSD')
    >>> fmt_money(Money("0.1", "AZN"), ".", "ru", "az")
    '0.10 AZN'
    """
    text = f"{m.amount.quantize(Money('0.01', m.currency).amount):,}"
    if decimal == "," and (lang is None or lang == default):
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{text} {m.currency}"


def eligible(rule: dict, sub: Subscriber) -> bool:
    """Whether a rule's `segments`/`plans` admit the subscriber (both empty: everybody)."""
    if not rule["segments"] and not rule["plans"]:
        return True
    return sub.segment in rule["segments"] or (sub.plan is not None and sub.plan in rule["plans"])


class Balance:
    """The balance services of one operator (see the module docstring)."""

    def __init__(self, engine, table: dict) -> None:
        self.engine = engine
        self.windows = table["windows"]
        self.notifications = table["notifications"]
        self.tz = ZoneInfo(table["timezone"])
        self.decimal = table["decimal"]
        self.default = engine.languages[0]

    def money(self, m: Money, lang: str) -> str:
        """`m` in a reply in `lang`: the operator's decimal mark in its first language (and in
        a language it does not offer, whose reply falls back to the first), else a decimal
        point and comma thousands (`fmt_money`)."""
        if lang not in self.engine.languages:
            lang = self.default
        return fmt_money(m, self.decimal, lang, self.default)

    def language(self, sub: Subscriber, lang: str | None = None) -> str:
        """The reply language: `lang` if given (a variant code), else the subscriber's, if the
        operator offers it, else the operator's default."""
        for choice in (lang, sub.language):
            if choice in self.engine.languages:
                return choice
        return self.default

    # -- queries -------------------------------------------------------------------------------

    def answer(self, world: World, msisdn: str, action: str, lang: str, at: datetime,
               params: dict | None = None, where=None) -> tuple[World, tuple[str, ...], dict]:
        """Answer an account request: the new world, texts (one per reply channel, or one for
        all) and facts. Actions:

        - `balance`: a prepaid line's credit and active passes; a postpaid line's current amount
          (the sum of its ledger) and what its last bill left unpaid or paid in advance
          (`previous_balance`); `status`: the same, with the tariff package;
        - `account_details`: the tariff package (first text), then the last bill, the total debt
          and the account number (the seeds give no reference number; the MSISDN stands in);
        - `plan_status`: tariff plan (else segment) and whether the line is roaming (`where`);
        - `grant_access` / `revoke_access`: `Subscriber.grants` becomes ("*",) / ();
        - `card_check`: `params["serial"]` looked up in `world.extra["cards"]`.

        >>> from runtime.engine import Engine
        >>> from runtime.state import Subscriber, world_of
        >>> e = Engine({"operator": {"id": "x", "currency": "AZN", "languages": ("az", "en"),
        ...             "country": "AZ", "segments": {}, "rounding": None},
        ...             "balance": {"windows": (), "notifications": (), "timezone": "Asia/Baku",
        ...                         "decimal": "."}})
        >>> w = world_of(Subscriber("994501234567", "prepaid", balance=e.money("4.90")))
        >>> e.balance.answer(w, "994501234567", "balance", "en", None)[1:]
        (('Your balance is 4.90 AZN.',), {'balance': '4.90'})
        """
        sub = world.subscriber(msisdn)
        if action == "account_details":
            return (world, *self._account(sub, lang))
        if action in ("balance", "status"):
            return (world, *self._balance(sub, action, lang, at))
        if action == "plan_status":
            roaming = bool(where is not None and where.roaming)
            state = (phrase("roaming_on", lang, self.default,
                            country=where.country or where.network)
                     if roaming else phrase("roaming_off", lang, self.default))
            plan = sub.plan or self._segment(sub.segment, lang)
            return world, (phrase("plan_status", lang, self.default, plan=plan, roaming=state),), \
                {"plan": plan, "roaming": roaming}
        if action in ("grant_access", "revoke_access"):
            # The seed does not say how the other subscriber is named: "*" records that access
            # is granted (seed 002, `sms 650 "+"`); `-` takes every grant back.
            grants = ("*",) if action == "grant_access" else ()
            world = world.with_subscriber(sub.with_(grants=grants))
            key = "granted" if grants else "revoked"
            return world, (phrase(key, lang, self.default),), {"grants": grants}
        if action == "card_check":
            serial = (params or {})["serial"]
            state = (world.get("cards") or {}).get(serial)
            if state not in (None, "used", "unused"):
                raise InvalidEvent(f'world.extra["cards"][{serial!r}] must be "used" or "unused"')
            card = state or "not found"
            key = {"used": "card_used", "unused": "card_unused"}.get(state, "card_unknown")
            return world, (phrase(key, lang, self.default, serial=serial),), {"card": card}
        raise InvalidEvent(f"{action!r} is not an account request")

    def _balance(self, sub: Subscriber, action: str, lang: str,
                 at: datetime) -> tuple[tuple[str, ...], dict]:
        data: dict = {}
        lines: list[str] = []
        if action == "status" and sub.plan:
            lines.append(phrase("package", lang, self.default, plan=sub.plan))
            data["plan"] = sub.plan
        if sub.balance is not None:
            lines.append(phrase("balance", lang, self.default,
                                balance=self.money(sub.balance, lang)))
            data["balance"] = str(sub.balance.amount)
            active = [p for p in sub.passes if p.active_at(at)]
            if active:
                listed = ", ".join(f"{p.name} ({p.expires.astimezone(self.tz):%Y-%m-%d %H:%M})"
                                   for p in active)
                lines.append(phrase("passes", lang, self.default, passes=listed))
                data["passes"] = tuple(p.name for p in active)
        else:
            current = self._current(sub)
            lines.append(phrase("current", lang, self.default, current=self.money(current, lang)))
            data["current"] = str(current.amount)
            prev = sub.previous_balance
            if prev is not None and prev.amount > 0:
                lines.append(phrase("billed", lang, self.default, billed=self.money(prev, lang)))
                data["billed"] = str(prev.amount)
            elif prev is not None and prev.amount < 0:
                lines.append(phrase("advance", lang, self.default, advance=self.money(-prev, lang)))
                data["advance"] = str(-prev.amount)
        return (" ".join(lines),), data

    def _segment(self, segment: str, lang: str) -> str:
        names = self.engine.tables["operator"]["segments"].get(segment, {}).get("names", {})
        return names.get(lang) or names.get(self.default) or segment

    def _current(self, sub: Subscriber) -> Money:
        total = self.engine.money(0)
        for c in sub.ledger:
            total = total + c.amount
        return total

    def _account(self, sub: Subscriber, lang: str) -> tuple[tuple[str, ...], dict]:
        prev = sub.previous_balance or self.engine.money(0)
        debt = self._current(sub) + prev
        plan = sub.plan or "-"
        return (phrase("package", lang, self.default, plan=plan),
                phrase("account", lang, self.default, billed=self.money(prev, lang),
                       debt=self.money(debt, lang), account=sub.msisdn)), \
            {"plan": sub.plan, "billed": str(prev.amount), "debt": str(debt.amount),
             "account": sub.msisdn}

    # -- the billing window --------------------------------------------------------------------

    def deferral(self, kind: str, ref: str, at: datetime) -> dict | None:
        """The billing window that defers the request `(kind, ref)` made at `at`, or None.

        The window opens on `from_day` at `at` and closes on `to_day` at `at`, local time of
        the operator (Asia/Baku): the 4th 22:59 is outside, 23:00 inside; the 24th 22:59 is
        inside, 23:00 outside.
        """
        if not self.windows:
            return None
        local = at.astimezone(self.tz)
        moment = (local.day, local.hour, local.minute, local.second, local.microsecond)
        for w in self.windows:
            if (kind, ref) not in w["defers"]:
                continue
            h, m = w["at"]
            if (w["from_day"], h, m, 0, 0) <= moment < (w["to_day"], h, m, 0, 0):
                return w
        return None

    def defer(self, world: World, msisdn: str, window: dict, kind: str, ref: str,
              at: datetime, lang: str) -> tuple[World, str, dict]:
        """Record a deferred request in `world.extra["balance"]["deferred"]`; the reply text
        and the outcome data (`{"deferred_to": "next bill cycle"}`)."""
        h, m = window["at"]
        text = phrase("deferred", lang, self.default, from_day=window["from_day"],
                      to_day=window["to_day"], time=f"{h:02d}:{m:02d}")
        state = world.get("balance") or frozen_map()
        entry = frozen_map({"msisdn": msisdn, "kind": kind, "ref": ref, "at": at.isoformat(),
                            "deferred_to": DEFERRED_TO})
        world = world.with_extra("balance", frozen_map(
            {**state, "deferred": tuple(state.get("deferred", ())) + (entry,)}))
        return world, text, {"deferred_to": DEFERRED_TO, "window": window["source"]}

    # -- notifications -------------------------------------------------------------------------

    def notify(self, world: World, msisdn: str, outcome: Outcome,
               trigger: str | None = None) -> Reply | None:
        """The automatic balance update after `outcome` charged a prepaid subscriber, or None.

        Pass the world *after* the charge: the update states the new balance. `trigger` is
        what caused the charge ("call", "sms", "data pack"); when given, it must be one the
        operator notifies on. No update when nothing was charged or the line has no balance.
        """
        sub = world.subscriber(msisdn)
        if outcome.charge is None or outcome.charge.amount == 0 or sub.balance is None:
            return None
        for rule in self.notifications:
            if rule["kind"] != "balance" or not eligible(rule, sub):
                continue
            if trigger is not None and trigger not in rule["triggers"]:
                continue
            lang = self.language(sub)
            return Reply("sms", phrase("balance", lang, self.default,
                                       balance=self.money(sub.balance, lang)), msisdn)
        return None


def install(engine) -> None:
    engine.balance = Balance(engine, engine.tables["balance"])
