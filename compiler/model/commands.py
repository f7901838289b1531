"""How subscribers reach the operator: USSD short codes, SMS keyword commands, calls, web.

A `ShortCode` is a USSD string such as `*311#` or `*321*<number:msisdn>#`; an `SmsCommand`
is a message pattern sent to a `ServiceNumber` (`TELENOR PORODICA: <members:msisdn 2..4>`
to 9001); a `CallCommand` is a call to a service number; a `WebChannel` is a page or app.
Each names an `action` from a closed vocabulary (`ACTIONS`) that the runtime implements.
"""

from __future__ import annotations

import re

import attrs

from dsl.ast import Span
from compiler.model.common import Eligibility, Note, Price, Texts
from compiler.model.versions import Validity

# The closed action vocabulary. The number is how many arguments the action takes
# (pass names; None: one or more).
ACTIONS: dict[str, int | None] = {
    "status": 0, "account_details": 0, "balance": 0, "call_me": 0, "recharge": 0,
    "callback": 0, "menu": 0, "activate": 1, "quota": None, "plan_status": 0,
    "grant_access": 0, "revoke_access": 0, "card_check": 0,
    "family_create": 0, "family_accept": 0, "family_decline": 0, "family_exit": 0,
    "family_add": 0, "family_cancel": 0, "family_transfer": 0, "family_status": 0,
}
# Actions whose arguments are pass names.
PASS_ACTIONS = frozenset({"activate", "quota"})

# What a typed parameter of a USSD code accepts (digits typed on the keypad).
# msisdn: a subscriber number, national or international, without `+` (8 to 15 digits,
# E.164's maximum); phone: any number, typically `00` + country code + number (E.164 + 2);
# digits/voucher: one or more digits (the seeds give no voucher length).
CODE_PARAM_TYPES: dict[str, str] = {
    "msisdn": r"\d{8,15}",
    "phone": r"\d{3,17}",
    "digits": r"\d+",
    "voucher": r"\d+",
}
# Placeholder types of an SMS pattern: a list of subscriber numbers, an amount of data in
# MB (`500 MB`), a run of digits (a card's serial number).
SMS_PARAM_TYPES = ("msisdn", "MB", "digits")
REPLY_CHANNELS = ("ussd", "sms", "voice")
CONDITION_SUBJECTS = ("balance",)


@attrs.frozen(slots=True)
class CodeParam:
    """A typed parameter of a USSD code: `<number:msisdn>` is CodeParam("number", "msisdn")."""

    name: str
    type: str

    @property
    def regex(self) -> str:
        return CODE_PARAM_TYPES[self.type]


@attrs.frozen(slots=True)
class Condition:
    """`when balance < 15 RSD`: the code works only while `subject op value` holds."""

    subject: str
    op: str  # one of < <= > >= =
    value: Price
    span: Span


@attrs.frozen(slots=True)
class MenuOption:
    """`option 6 "Putni paket" activates "Putni paket 1", ...`: a numbered menu entry."""

    number: int
    label: Texts
    activates: tuple[str, ...]  # pass names, in the order offered
    span: Span


@attrs.frozen(slots=True)
class ShortCode:
    """A USSD code. `pattern` is the text as written; the dialled string is `parts` (with each
    CodeParam replaced by its value) followed by `suffix` (`YES` in `*650#YES`).

    `price` is the price per use (Price(0, ...) when free; None when the operator does not say);
    `roaming_price` likewise in roaming (None: not stated, i.e. the roaming price list applies).
    `variants` are other strings for the same service in another language: (("en", "*311*1#"),).
    """

    pattern: str
    parts: tuple[str | CodeParam, ...]
    suffix: str
    params: tuple[CodeParam, ...]
    title: Texts
    eligibility: Eligibility
    action: str
    action_args: tuple[str, ...]
    conditions: tuple[Condition, ...]
    network: str | None  # `to network "Telenor Srbija"`: the number given must be in it
    replies: tuple[str, ...]
    texts: Texts  # reply texts, `text sr "..."`
    price: Price | None
    roaming_price: Price | None
    variants: tuple[tuple[str, str], ...]
    examples: tuple[str, ...]
    menu: tuple[MenuOption, ...]
    about: Texts
    notes: tuple[Note, ...]
    span: Span
    validity: Validity | None = None  # `valid from`: compiler.check.versions

    def regex(self) -> str:
        """A Python regex for the dialled string, one named group per parameter."""
        return code_regex(self.parts, self.suffix)

    def match(self, dialled: str) -> dict[str, str] | None:
        """The parameter values if `dialled` is this code (or one of its variants), else None."""
        for parts, suffix in [(self.parts, self.suffix)] + [
                split_code(text) for _, text in self.variants]:
            m = re.fullmatch(code_regex(parts, suffix), dialled)
            if m:
                return m.groupdict()
        return None


def code_regex(parts: tuple[str | CodeParam, ...], suffix: str) -> str:
    out = []
    for p in parts:
        out.append(re.escape(p) if isinstance(p, str) else f"(?P<{p.name}>{p.regex})")
    return "".join(out) + re.escape(suffix)


_PARAM = re.compile(r"<([A-Za-z_]\w*):([A-Za-z_]\w*)>")


def split_code(text: str) -> tuple[tuple[str | CodeParam, ...], str]:
    """Parts and suffix of a well-formed code text (`*111*1*7#YES` -> (("*111*1*7#",), "YES"))."""
    body, _, suffix = text.rpartition("#")
    body += "#"
    parts: list[str | CodeParam] = []
    pos = 0
    for m in _PARAM.finditer(body):
        if m.start() > pos:
            parts.append(body[pos:m.start()])
        parts.append(CodeParam(m[1], m[2]))
        pos = m.end()
    if pos < len(body):
        parts.append(body[pos:])
    return tuple(parts), suffix


@attrs.frozen(slots=True)
class SmsParam:
    """A placeholder of an SMS pattern.

    msisdn: a list of `min`..`max` subscriber numbers separated by commas (min = max = 1 for
    one number); digits: a run of digits `min`..`max` long (`<serial:digits 10>`: exactly 10);
    MB: one amount of data in MB (`500 MB`), min and max None.
    """

    name: str
    type: str
    min: int | None
    max: int | None
    span: Span


@attrs.frozen(slots=True)
class SmsCommand:
    """An SMS sent to a service number. `pattern` is the text as written; `keyword` is its
    literal start (`TELENOR PORODICA:`, `PONIŠTI`, `+`, or "" for a blank message);
    `folded` is how the keyword is matched (upper case, no diacritics: `PONISTI`).
    `parts` is the whole pattern: literal strings and SmsParams in order.
    `price` None: the service number's price per SMS applies.
    """

    number: str
    pattern: str
    keyword: str
    folded: str
    parts: tuple[str | SmsParam, ...]
    params: tuple[SmsParam, ...]
    title: Texts
    eligibility: Eligibility
    action: str
    action_args: tuple[str, ...]
    replies: tuple[str, ...]
    texts: Texts
    price: Price | None
    notes: tuple[Note, ...]
    span: Span
    validity: Validity | None = None  # `valid from`: compiler.check.versions


@attrs.frozen(slots=True)
class CallCommand:
    """A call to a service number (`call 650`: an audio playback of the balance).
    `price` None: the operator does not price the call."""

    number: str
    title: Texts
    eligibility: Eligibility
    action: str
    replies: tuple[str, ...]
    price: Price | None
    notes: tuple[Note, ...]
    span: Span


@attrs.frozen(slots=True)
class WebChannel:
    """A web page or app section that performs an action (`web "online services"`)."""

    name: str
    title: Texts
    eligibility: Eligibility
    action: str
    notes: tuple[Note, ...]
    span: Span


@attrs.frozen(slots=True)
class ServiceNumber:
    """A short number that receives SMS commands. `price` is per SMS (Price(0, ...) when free).
    `roaming_price`: None (the same as at home) or "zone sms" (the SMS price of the roaming
    zone the sender is in)."""

    number: str
    names: Texts
    price: Price
    roaming_price: str | None
    notes: tuple[Note, ...]
    span: Span


__all__ = ["ACTIONS", "PASS_ACTIONS", "CODE_PARAM_TYPES", "SMS_PARAM_TYPES", "REPLY_CHANNELS",
           "CONDITION_SUBJECTS", "CodeParam", "Condition", "MenuOption", "ShortCode", "SmsParam",
           "SmsCommand", "CallCommand", "WebChannel", "ServiceNumber", "code_regex", "split_code"]
