"""Phone numbers (MSISDNs): one spelling in state, E.164 digits without "+".

Inputs come as "+381631234567", "00381631234567", "381631234567" or national "063 123 4567";
`normalise` turns each into "381631234567" and raises `MalformedNumber` for anything else.
`country_of` reads the country from the calling code; `matches_prefix` tests a number
against spec prefixes written as "+38263".

A short code dialled at home (`999`, `150`, `118118`) has no international form: where an
operator's traffic classes name short codes (`numbers 999` in a `service` block), `party`
reads one as `"44#999"` (the operator's calling code, `#`, the digits as dialled), a string
no international number spells, so `999` never matches +1 999... and `116` never matches
the Leicester landlines 0116 (+44116). `prefix_key` spells a spec prefix the same way.

>>> normalise("063 123 4567")
'381631234567'
>>> country_of("38267123456"), matches_prefix("38269123456", ("+38263", "+38269"))
('ME', True)
"""

from __future__ import annotations

from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

from runtime.errors import MalformedNumber

# E.164 calling code -> ISO 3166 country, and back, from libphonenumber's metadata (the
# `phonenumbers` package) rather than a hand-kept list. A code shared by several countries
# (1: NANP, 7: Russia and Kazakhstan) maps to its main country; the runtime only needs the
# country to tell a destination named by a price list (RS, ME, MK, BA...) from "other
# countries". Non-geographic codes ("001": satellite, international services) map to nothing.
CALLING_CODES: dict[str, str] = {
    str(code): regions[0] for code, regions in COUNTRY_CODE_TO_REGION_CODE.items()
    if regions and regions[0] != "001"}
COUNTRY_CODES: dict[str, str] = {
    region: str(code) for code, regions in COUNTRY_CODE_TO_REGION_CODE.items()
    for region in regions if region != "001"}

_SEPARATORS = str.maketrans("", "", " -./()\u00a0")


def normalise(number: str, country_code: str = "381") -> str:
    """E.164 digits without "+": international ("+", "00"), E.164 digits, or national
    (one leading 0, read in `country_code`). Garbage raises `MalformedNumber`.

    >>> normalise("+381 63 123 4567"), normalise("00381631234567"), normalise("381631234567")
    ('381631234567', '381631234567', '381631234567')
    >>> normalise("050 123 45 67", "994")
    '994501234567'
    >>> normalise("06x")
    Traceback (most recent call last):
    runtime.errors.MalformedNumber: `06x` is not a phone number
    """
    if not isinstance(number, str):
        raise MalformedNumber(f"a phone number must be text, not {type(number).__name__}",
                              number=number)
    text = number.strip().translate(_SEPARATORS)
    if text.startswith("+"):
        digits = text[1:]
    elif text.startswith("00"):
        digits = text[2:]
    elif text.startswith("0"):
        digits = country_code + text[1:]
    else:
        digits = text
    if not digits.isascii() or not digits.isdigit() or digits.startswith("0"):
        raise MalformedNumber(f"`{number}` is not a phone number", number=number)
    if not 8 <= len(digits) <= 15:
        raise MalformedNumber(f"`{number}` has {len(digits)} digits; an international number "
                              "has 8 to 15", number=number)
    return digits


SHORT_CODE = range(3, 7)  # a short code prefix or number: 3 to 6 digits (999, 118118)


def is_short_code(text: str) -> bool:
    """Whether `text` is written as a short code: 3 to 6 ASCII digits, the first not 0.

    >>> is_short_code("999"), is_short_code("118118"), is_short_code("0800"), is_short_code("12")
    (True, True, False, False)
    """
    return len(text) in SHORT_CODE and text.isascii() and text.isdigit() and text[0] != "0"


def prefix_key(prefix: str, country_code: str) -> str:
    """A spec prefix as the start of a number `party` returns: "+441" -> "441", the short
    code "999" -> "44#999" (in the operator's country).

    >>> prefix_key("+4420", "44"), prefix_key("118", "44")
    ('4420', '44#118')
    """
    return prefix[1:] if prefix[:1] == "+" else f"{country_code}#{prefix}"


def party(number: str, country_code: str, short_codes: bool = False) -> str:
    """The other party's number of a usage event: `normalise(number, country_code)`, or,
    with `short_codes`, a short code of the operator's country as "44#999".

    >>> party("020 7946 0000", "44"), party("999", "44", True), party("118 118", "44", True)
    ('442079460000', '44#999', '44#118118')
    >>> party("999", "44")
    Traceback (most recent call last):
    runtime.errors.MalformedNumber: `999` has 3 digits; an international number has 8 to 15
    """
    if short_codes and isinstance(number, str):
        text = number.strip().translate(_SEPARATORS)
        if is_short_code(text):
            return f"{country_code}#{text}"
    return normalise(number, country_code)


def country_of(number: str) -> str | None:
    """The ISO country of a normalised number by its calling code (None: not in the table).

    >>> country_of("381631234567"), country_of("4930123456"), country_of("8881234567")
    ('RS', 'DE', None)
    """
    for n in (3, 2, 1):
        iso = CALLING_CODES.get(number[:n])
        if iso is not None:
            return iso
    return None


def matches_prefix(number: str, prefixes) -> bool:
    """Whether a normalised number starts with one of `prefixes` ("+38263" or "38263").

    >>> matches_prefix("38267123456", ("+38263", "+38269"))
    False
    """
    return any(number.startswith(p.lstrip("+")) for p in prefixes)
